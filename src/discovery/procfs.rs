//! The one place that reads `/proc`, for a live host and for `--root DIR` alike: `DIR/proc/...`
//! is read with the same calls as `/proc/...`, so fixtures exercise the code that runs on hosts.
//!
//! Reads are plain `std::fs` calls into reused buffers; parsing of the bytes lives beside the
//! reads (stat, status, cmdline) or in the module that owns the concept (cgroup and mountinfo in
//! `container.rs`, socket tables in `sockets.rs`). Nothing here follows a symlink out of the root:
//! links (`exe`, `cwd`, `root`, `fd/N`, `ns/*`) are only ever `readlink`ed.

use std::ffi::OsStr;
use std::io::{self, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// How a read failed, as the scan reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// The file is not there (the process exited, or the fixture lacks it).
    Missing,
    /// Not allowed (another user's process in a non-root run, or ptrace checks).
    Denied,
    /// ESRCH: the process went away between open and read.
    Vanished,
    Other(String),
}

impl Miss {
    pub fn of(e: &io::Error) -> Miss {
        if e.raw_os_error() == Some(libc::ESRCH) {
            return Miss::Vanished;
        }
        match e.kind() {
            io::ErrorKind::NotFound => Miss::Missing,
            io::ErrorKind::PermissionDenied => Miss::Denied,
            _ => Miss::Other(e.to_string()),
        }
    }
}

/// The `/proc` of the scanned root.
#[derive(Debug, Clone)]
pub struct ProcFs {
    dir: PathBuf,
}

impl ProcFs {
    /// `root` is the scanned root (`/` or the `--root` directory).
    pub fn new(root: &Path) -> ProcFs {
        ProcFs {
            dir: root.join("proc"),
        }
    }

    /// The `/proc` directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn pid_path(&self, pid: i32, name: &str) -> PathBuf {
        let mut p = self.dir.join(pid.to_string());
        if !name.is_empty() {
            p.push(name);
        }
        p
    }

    /// Every numeric entry of `/proc`, sorted.
    pub fn pids(&self) -> io::Result<Vec<i32>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(&self.dir)? {
            let Ok(e) = e else { continue };
            let name = e.file_name();
            let b = name.as_bytes();
            if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
                continue;
            }
            if let Ok(p) = std::str::from_utf8(b).unwrap_or("").parse::<i32>()
                && p > 0
            {
                out.push(p);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Read `/proc/PID/NAME` into `buf` (cleared first), capped at `limit` bytes.
    pub fn read_into(
        &self,
        pid: i32,
        name: &str,
        buf: &mut Vec<u8>,
        limit: u64,
    ) -> Result<(), Miss> {
        read_proc_file(&self.pid_path(pid, name), buf, limit)
    }

    /// `readlink /proc/PID/NAME` (exe, cwd, root, ns/net, ns/mnt, fd/N): the target as bytes.
    pub fn readlink(&self, pid: i32, name: &str) -> Result<Vec<u8>, Miss> {
        std::fs::read_link(self.pid_path(pid, name))
            .map(|p| p.into_os_string().into_vec())
            .map_err(|e| Miss::of(&e))
    }

    /// Whether `/proc/PID` still exists (to tell a vanished process from a missing file).
    pub fn alive(&self, pid: i32) -> bool {
        std::fs::symlink_metadata(self.pid_path(pid, "stat")).is_ok()
    }

    /// Socket inodes held by the process: `fd/*` links that read `socket:[INODE]`.
    pub fn socket_inodes(&self, pid: i32, out: &mut Vec<u64>) -> Result<(), Miss> {
        let dir = self.pid_path(pid, "fd");
        let rd = std::fs::read_dir(&dir).map_err(|e| Miss::of(&e))?;
        for e in rd {
            let Ok(e) = e else { continue };
            let Ok(t) = std::fs::read_link(e.path()) else {
                continue;
            };
            if let Some(i) = parse_socket_link(t.as_os_str().as_bytes()) {
                out.push(i);
            }
        }
        Ok(())
    }

    /// A socket table (`tcp`, `tcp6`, `udp`, `udp6`): `/proc/net/NAME` for the root's own network
    /// namespace, or `/proc/PID/net/NAME` for the namespace of `pid`.
    pub fn net_table(&self, pid: Option<i32>, name: &str, buf: &mut Vec<u8>) -> Result<(), Miss> {
        let p = match pid {
            Some(pid) => self.pid_path(pid, "net").join(name),
            None => self.dir.join("net").join(name),
        };
        read_proc_file(&p, buf, 64 << 20)
    }

    /// A file inside the process's root (`/proc/PID/root/<path>`), for a live scan only: it
    /// reaches into the container's mount namespace, which `--root` must never do.
    pub fn read_in_root(&self, pid: i32, path: &[u8], limit: u64) -> Result<Vec<u8>, Miss> {
        let rel = path.strip_prefix(b"/").unwrap_or(path);
        let p = self.pid_path(pid, "root").join(OsStr::from_bytes(rel));
        let mut buf = Vec::new();
        read_file_into(&p, &mut buf, limit)?;
        Ok(buf)
    }

    /// A file of `/proc` itself (`sys/kernel/osrelease`).
    pub fn read_sys(&self, rel: &str) -> Result<Vec<u8>, Miss> {
        let mut buf = Vec::new();
        read_proc_file(&self.dir.join(rel), &mut buf, 1 << 20)?;
        Ok(buf)
    }

    /// Open the executable of a live process through `/proc/PID/exe` (for hashing).
    pub fn open_exe(&self, pid: i32) -> io::Result<std::fs::File> {
        std::fs::File::open(self.pid_path(pid, "exe"))
    }
}

/// Read a whole file into `buf` (cleared first), at most `limit` bytes.
pub fn read_file_into(path: &Path, buf: &mut Vec<u8>, limit: u64) -> Result<(), Miss> {
    buf.clear();
    let f = std::fs::File::open(path).map_err(|e| Miss::of(&e))?;
    f.take(limit).read_to_end(buf).map_err(|e| Miss::of(&e))?;
    Ok(())
}

/// As [`read_file_into`], refusing a symlink as the last component: a file of `/proc/PID/` is
/// never a link on a real procfs, and one in a `--root` tree must not lead out of it.
fn read_proc_file(path: &Path, buf: &mut Vec<u8>, limit: u64) -> Result<(), Miss> {
    use std::os::unix::fs::OpenOptionsExt;
    buf.clear();
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                Miss::Other("is a symlink".into())
            } else {
                Miss::of(&e)
            }
        })?;
    f.take(limit).read_to_end(buf).map_err(|e| Miss::of(&e))?;
    Ok(())
}

/// `socket:[12345]` → 12345.
pub fn parse_socket_link(b: &[u8]) -> Option<u64> {
    let inner = b.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(inner).ok()?.parse().ok()
}

/// The fields of `/proc/PID/stat` the inventory uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stat {
    pub pid: i32,
    pub comm: Vec<u8>,
    pub state: u8,
    pub ppid: i32,
    pub flags: u64,
    pub start_time: u64,
}

/// `PF_KTHREAD` in the stat flags: a kernel thread.
pub const PF_KTHREAD: u64 = 0x0020_0000;

/// Parse `/proc/PID/stat`. The comm is between the first `(` and the LAST `)`, since a process
/// may name itself with spaces and parentheses.
pub fn parse_stat(b: &[u8]) -> Result<Stat, String> {
    let open = b
        .iter()
        .position(|&c| c == b'(')
        .ok_or("no '(' before comm")?;
    let close = b
        .iter()
        .rposition(|&c| c == b')')
        .ok_or("no ')' after comm")?;
    if close < open {
        return Err("')' before '('".into());
    }
    let pid = std::str::from_utf8(&b[..open])
        .ok()
        .and_then(|s| s.trim().parse::<i32>().ok())
        .ok_or("pid field is not a number")?;
    let comm = b[open + 1..close].to_vec();
    let rest =
        std::str::from_utf8(&b[close + 1..]).map_err(|_| "fields after comm are not text")?;
    let f: Vec<&str> = rest.split_ascii_whitespace().collect();
    // f[0] = state (field 3), f[1] = ppid (4), f[6] = flags (9), f[19] = starttime (22)
    if f.len() < 20 {
        return Err(format!(
            "{} fields after comm, expected at least 20",
            f.len()
        ));
    }
    let state = f[0].bytes().next().ok_or("empty state")?;
    let ppid = f[1].parse::<i32>().map_err(|_| "ppid is not a number")?;
    let flags = f[6].parse::<u64>().map_err(|_| "flags is not a number")?;
    let start_time = f[19]
        .parse::<u64>()
        .map_err(|_| "starttime is not a number")?;
    Ok(Stat {
        pid,
        comm,
        state,
        ppid,
        flags,
        start_time,
    })
}

/// The real uid from `/proc/PID/status` (`Uid:\treal\teffective\tsaved\tfs`).
pub fn parse_status_uid(b: &[u8]) -> Option<u32> {
    for line in b.split(|&c| c == b'\n') {
        if let Some(rest) = line.strip_prefix(b"Uid:") {
            let s = std::str::from_utf8(rest).ok()?;
            return s.split_ascii_whitespace().next()?.parse().ok();
        }
    }
    None
}

/// argv from `/proc/PID/cmdline`: NUL-split, with the padding of a rewritten title (trailing NULs
/// and spaces, as nginx and redis leave them) removed.
pub fn split_cmdline(b: &[u8]) -> Vec<Vec<u8>> {
    let mut end = b.len();
    while end > 0 && (b[end - 1] == 0 || b[end - 1] == b' ') {
        end -= 1;
    }
    let b = &b[..end];
    if b.is_empty() {
        return Vec::new();
    }
    let mut args: Vec<Vec<u8>> = b.split(|&c| c == 0).map(<[u8]>::to_vec).collect();
    // A title written over argv with one NUL and then padding leaves empty trailing pieces.
    while args.len() > 1 && args.last().is_some_and(|a| a.is_empty()) {
        args.pop();
    }
    args
}

/// `KEY=value` pairs of `/proc/PID/environ`: the value of `key`.
pub fn environ_get<'a>(env: &'a [u8], key: &str) -> Option<&'a [u8]> {
    env.split(|&c| c == 0).find_map(|kv| {
        let rest = kv.strip_prefix(key.as_bytes())?;
        rest.strip_prefix(b"=")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_parens_in_comm() {
        let s = b"42 (a) b) (c) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 1000 10 18446744073709551615";
        let st = parse_stat(s).unwrap();
        assert_eq!(st.pid, 42);
        assert_eq!(st.comm, b"a) b) (c");
        assert_eq!(st.ppid, 1);
        assert_eq!(st.start_time, 12345);
        assert_eq!(st.state, b'S');
    }

    #[test]
    fn cmdline_padding_removed() {
        let mut b = b"nginx: worker process".to_vec();
        b.extend_from_slice(&[0; 40]);
        assert_eq!(split_cmdline(&b), vec![b"nginx: worker process".to_vec()]);
        let b = b"/usr/bin/redis-server 127.0.0.1:6379\0\0\0       \0";
        assert_eq!(
            split_cmdline(b),
            vec![b"/usr/bin/redis-server 127.0.0.1:6379".to_vec()]
        );
        assert_eq!(
            split_cmdline(b"a\0\0b\0"),
            vec![b"a".to_vec(), b"".to_vec(), b"b".to_vec()]
        );
        assert!(split_cmdline(b"").is_empty());
    }

    #[test]
    fn socket_link() {
        assert_eq!(parse_socket_link(b"socket:[123]"), Some(123));
        assert_eq!(parse_socket_link(b"pipe:[123]"), None);
    }
}
