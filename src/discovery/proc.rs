//! The one place that reads `/proc`, for a live host and for `--root DIR` alike: `DIR/proc/...`
//! is read with the same calls as `/proc/...`, so fixtures exercise the code that runs on hosts.
//!
//! Files are opened our own way ([`super::hostfs`]: relative to an fd of `/proc` and of `PID`,
//! regular files only, checked before and after open, non-blocking, bounded) into reused
//! buffers; the bytes are then parsed with the `procfs` crate's parsers through their
//! `FromRead`/`FromBufRead` impls (stat and status here, cgroup in `container.rs`, the socket
//! tables in `sockets.rs`), each guarded or completed where the crate cannot take hostile input;
//! cmdline, environ and mountinfo stay hand-written, and say why. (This module was named
//! `procfs`, which hid the crate's name.) Nothing here follows a symlink out of the root: links
//! (`exe`, `cwd`, `root`, `fd/N`, `ns/*`) are only ever `readlink`ed.

use std::cell::RefCell;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use super::fs::Root;
use super::hostfs::{self, Dir, ReadError};

/// How a read failed, as the scan reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// The file is not there (the process exited, or the fixture lacks it).
    Missing,
    /// Not allowed (another user's process in a non-root run, or ptrace checks).
    Denied,
    /// ESRCH: the process went away between open and read.
    Vanished,
    /// Not a regular file (a FIFO, device or socket planted in a `--root` tree or a container):
    /// never opened, so the scan cannot block on it.
    NotRegular(&'static str),
    Other(String),
}

impl Miss {
    pub fn of(e: &io::Error) -> Miss {
        match e.raw_os_error() {
            Some(libc::ESRCH) => return Miss::Vanished,
            Some(libc::ELOOP) => return Miss::Other("is a symlink (not followed)".into()),
            _ => {}
        }
        match e.kind() {
            io::ErrorKind::NotFound => Miss::Missing,
            io::ErrorKind::PermissionDenied => Miss::Denied,
            _ => Miss::Other(e.to_string()),
        }
    }
    fn read(e: ReadError) -> Miss {
        match e {
            ReadError::Io(e) => Miss::of(&e),
            ReadError::NotRegular(k) => Miss::NotRegular(k),
        }
    }
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::Missing => f.write_str("missing"),
            Miss::Denied => f.write_str("permission denied"),
            Miss::Vanished => f.write_str("the process exited"),
            Miss::NotRegular(k) => write!(f, "not a regular file ({k}); not read"),
            Miss::Other(e) => f.write_str(e),
        }
    }
}

/// Why the root has no usable `/proc`: the scan cannot see the host, and must say so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcError {
    #[error("{0}: cannot open the root directory")]
    NoRoot(String),
    #[error("{0}: no proc directory (is procfs mounted, or is this the right --root?)")]
    NoProc(String),
    #[error("{0}: is a symlink; refusing to follow it out of the scanned root")]
    Symlink(String),
    #[error("{0}: {1}")]
    Unreadable(String, String),
}

/// The `/proc` of the scanned root.
///
/// Every file is opened relative to an fd of `/proc` (opened without following a link), then of
/// `PID` (likewise), and never through a symlink: a `--root` tree whose `proc` or `proc/PID` is a
/// link cannot make the scan read the real host's processes.
#[derive(Debug)]
pub struct ProcFs {
    dir: PathBuf,
    fd: OwnedFd,
    live: bool,
    /// The last pid directory opened (the scan reads a dozen files of each pid in a row).
    last: RefCell<Option<(i32, std::rc::Rc<OwnedFd>)>>,
}

fn o_path_dir() -> libc::c_int {
    libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW
}

impl ProcFs {
    /// The `/proc` of `root`, opened once.
    pub fn open(root: &Root) -> Result<ProcFs, ProcError> {
        let dir = root.dir.join("proc");
        let shown = dir.display().to_string();
        let fs = root
            .fs()
            .ok_or_else(|| ProcError::NoRoot(root.dir.display().to_string()))?;
        let p = match hostfs::openat(fs.fd(), b"proc", libc::O_PATH | libc::O_NOFOLLOW) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ProcError::NoProc(shown)),
            Err(e) => return Err(ProcError::Unreadable(shown, e.to_string())),
        };
        let md =
            hostfs::meta(&p).map_err(|e| ProcError::Unreadable(shown.clone(), e.to_string()))?;
        if md.file_type().is_symlink() {
            return Err(ProcError::Symlink(shown));
        }
        if !md.is_dir() {
            return Err(ProcError::NoProc(shown));
        }
        Ok(ProcFs {
            dir,
            fd: p,
            live: root.live,
            last: RefCell::new(None),
        })
    }

    /// The `/proc` directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The fd of `/proc/PID` (a link there is refused).
    fn pid_dir(&self, pid: i32) -> Result<std::rc::Rc<OwnedFd>, Miss> {
        if let Some((p, fd)) = self.last.borrow().as_ref()
            && *p == pid
        {
            return Ok(fd.clone());
        }
        let fd = hostfs::openat(self.fd.as_fd(), pid.to_string().as_bytes(), o_path_dir())
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) | Some(libc::ENOTDIR) => {
                    Miss::Other("is not a directory (a symlink?); not followed".into())
                }
                _ => Miss::of(&e),
            })?;
        let fd = std::rc::Rc::new(fd);
        *self.last.borrow_mut() = Some((pid, fd.clone()));
        Ok(fd)
    }

    /// `(parent dir, last name)` of `rel` under `base`, intermediate directories opened without
    /// following links.
    fn parent_of(base: BorrowedFd<'_>, rel: &str) -> Result<(Option<OwnedFd>, String), Miss> {
        let mut parts: Vec<&str> = rel.split('/').filter(|c| !c.is_empty()).collect();
        let last = parts.pop().ok_or(Miss::Missing)?.to_string();
        let mut cur: Option<OwnedFd> = None;
        for c in parts {
            let at = cur.as_ref().map_or(base, |f| f.as_fd());
            let next = hostfs::openat(at, c.as_bytes(), o_path_dir()).map_err(|e| Miss::of(&e))?;
            cur = Some(next);
        }
        Ok((cur, last))
    }

    fn read_at(
        base: BorrowedFd<'_>,
        rel: &str,
        buf: &mut Vec<u8>,
        limit: u64,
    ) -> Result<bool, Miss> {
        let (parent, last) = Self::parent_of(base, rel)?;
        let dir = parent.as_ref().map_or(base, |f| f.as_fd());
        let mut f = hostfs::open_regular_at(dir, last.as_bytes()).map_err(Miss::read)?;
        hostfs::read_bounded(&mut f, buf, limit).map_err(|e| Miss::of(&e))
    }

    /// Every numeric entry of `/proc`, sorted.
    pub fn pids(&self) -> io::Result<Vec<i32>> {
        let mut out = Vec::new();
        for b in hostfs::list_fd(self.fd.as_fd())? {
            if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
                continue;
            }
            if let Ok(p) = std::str::from_utf8(&b).unwrap_or("").parse::<i32>()
                && p > 0
            {
                out.push(p);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Read `/proc/PID/NAME` into `buf` (cleared first), capped at `limit` bytes; `Ok(true)` if
    /// the file held more than that (the caller says so in a warning).
    pub fn read_into(
        &self,
        pid: i32,
        name: &str,
        buf: &mut Vec<u8>,
        limit: u64,
    ) -> Result<bool, Miss> {
        buf.clear();
        let d = self.pid_dir(pid)?;
        Self::read_at(d.as_fd(), name, buf, limit)
    }

    /// `readlink /proc/PID/NAME` (exe, cwd, root, ns/net, ns/mnt, fd/N): the target as bytes.
    pub fn readlink(&self, pid: i32, name: &str) -> Result<Vec<u8>, Miss> {
        let d = self.pid_dir(pid)?;
        let (parent, last) = Self::parent_of(d.as_fd(), name)?;
        let dir = parent.as_ref().map_or(d.as_fd(), |f| f.as_fd());
        hostfs::readlinkat(dir, last.as_bytes()).map_err(|e| match e.raw_os_error() {
            Some(libc::EINVAL) => Miss::Other("not a symlink".into()),
            _ => Miss::of(&e),
        })
    }

    /// `/proc/PID` is a directory that can be opened (not a link, not gone).
    pub fn open_pid(&self, pid: i32) -> Result<(), Miss> {
        self.pid_dir(pid).map(|_| ())
    }

    /// Whether `/proc/PID` still exists (to tell a vanished process from a missing file).
    pub fn alive(&self, pid: i32) -> bool {
        *self.last.borrow_mut() = None;
        self.pid_dir(pid).is_ok()
    }

    /// Socket inodes held by the process: `fd/*` links that read `socket:[INODE]`.
    pub fn socket_inodes(&self, pid: i32, out: &mut Vec<u64>) -> Result<(), Miss> {
        let d = self.pid_dir(pid)?;
        let fds = hostfs::openat(d.as_fd(), b"fd", o_path_dir()).map_err(|e| Miss::of(&e))?;
        for name in hostfs::list_fd(fds.as_fd()).map_err(|e| Miss::of(&e))? {
            let Ok(t) = hostfs::readlinkat(fds.as_fd(), &name) else {
                continue;
            };
            if let Some(i) = parse_socket_link(&t) {
                out.push(i);
            }
        }
        Ok(())
    }

    /// A socket table (`tcp`, `tcp6`, `udp`, `udp6`): `/proc/net/NAME` for the root's own network
    /// namespace, or `/proc/PID/net/NAME` for the namespace of `pid`.
    pub fn net_table(&self, pid: Option<i32>, name: &str, buf: &mut Vec<u8>) -> Result<(), Miss> {
        buf.clear();
        // live, `/proc/net` is a link to `self/net`: name our own pid instead of following it
        let pid = pid.or_else(|| self.live.then(|| std::process::id() as i32));
        let rel = format!("net/{name}");
        match pid {
            Some(pid) => {
                let d = self.pid_dir(pid)?;
                Self::read_at(d.as_fd(), &rel, buf, 64 << 20)?;
            }
            None => {
                Self::read_at(self.fd.as_fd(), &rel, buf, 64 << 20)?;
            }
        }
        Ok(())
    }

    /// The root directory of a live process (`/proc/PID/root`), to resolve paths inside its
    /// container with [`Dir`]: links there are read as text and walked inside that root, so a
    /// container's `/etc/x -> /../../root/secret` stays inside the container. Live only: under
    /// `--root` the link is a fixture's text, and following it would leave the tree.
    pub fn root_dir(&self, pid: i32) -> Result<Dir, Miss> {
        if !self.live {
            return Err(Miss::Other("not a live scan".into()));
        }
        let d = self.pid_dir(pid)?;
        // the kernel's magic link is followed on purpose: it is the process's root
        let fd = hostfs::openat(d.as_fd(), b"root", libc::O_PATH | libc::O_DIRECTORY)
            .map_err(|e| Miss::of(&e))?;
        Ok(Dir::from_fd(fd))
    }

    /// A file inside the process's root (`/proc/PID/root/<path>`), for a live scan only, resolved
    /// inside that root and read only if it is a regular file.
    pub fn read_in_root(&self, pid: i32, path: &[u8], limit: u64) -> Result<Vec<u8>, Miss> {
        let root = self.root_dir(pid)?;
        root.read(path, limit).map(|(b, _)| b).map_err(Miss::read)
    }

    /// A file of `/proc` itself (`sys/kernel/osrelease`).
    pub fn read_sys(&self, rel: &str) -> Result<Vec<u8>, Miss> {
        let mut buf = Vec::new();
        Self::read_at(self.fd.as_fd(), rel, &mut buf, 1 << 20)?;
        Ok(buf)
    }

    /// Open the executable of a live process through `/proc/PID/exe` (for hashing and the trust
    /// check: the very file the process runs, whatever its path says now).
    pub fn open_exe(&self, pid: i32) -> io::Result<std::fs::File> {
        if !self.live {
            return Err(io::ErrorKind::Unsupported.into());
        }
        let d = self
            .pid_dir(pid)
            .map_err(|m| io::Error::other(m.to_string()))?;
        let fd = hostfs::openat(
            d.as_fd(),
            b"exe",
            libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOCTTY,
        )?;
        Ok(std::fs::File::from(fd))
    }
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

/// Parse `/proc/PID/stat` with the `procfs` crate's parser ([`procfs::process::Stat`]).
///
/// The comm is between the first `(` and the LAST `)`, since a process may name itself with
/// spaces and parentheses; the crate finds it the same way. Two things are ours:
/// - a guard before the crate sees the bytes: it slices the text one byte before `(` and two
///   after `)`, which panics when the stat does not have the kernel's `pid (comm) S` shape (no
///   space there, `)` before `(`, a multi-byte character next to a paren); such a file is
///   malformed here, never a panic;
/// - the comm as raw bytes (the crate's is a lossy `String`): it is the process's own name,
///   kept byte for byte like every other host string.
pub fn parse_stat(b: &[u8]) -> Result<Stat, String> {
    use procfs::FromRead;
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
    // the crate's view: the lossy, trimmed text; checked for the shape it slices by
    let text = String::from_utf8_lossy(b);
    let t = text.trim().as_bytes();
    let (Some(o), Some(c)) = (
        t.iter().position(|&x| x == b'('),
        t.iter().rposition(|&x| x == b')'),
    ) else {
        return Err("no comm in parentheses".into());
    };
    if o == 0 || t[o - 1] != b' ' || t.get(c + 1) != Some(&b' ') {
        return Err("not `pid (comm) state ...`: a space must surround the comm".into());
    }
    let st = procfs::process::Stat::from_read(t).map_err(|e| e.to_string())?;
    Ok(Stat {
        pid: st.pid,
        comm: b[open + 1..close].to_vec(),
        state: u8::try_from(st.state).unwrap_or(b'?'),
        ppid: st.ppid,
        flags: u64::from(st.flags),
        start_time: st.starttime,
    })
}

/// The real uid from `/proc/PID/status`: the `procfs` crate's [`procfs::process::Status`] when
/// it parses the file, else the `Uid:` line read by hand ([`status_uid_line`]).
pub fn parse_status_uid(b: &[u8]) -> Option<u32> {
    use procfs::FromBufRead;
    match procfs::process::Status::from_buf_read(b) {
        Ok(s) => Some(s.ruid),
        Err(_) => status_uid_line(b),
    }
}

/// The `Uid:\treal\teffective\tsaved\tfs` line, read by hand. Kept because the crate's
/// `Status` needs some 25 other fields (SigQ, CapPrm, FDSize...) or fails as a whole: a fixture
/// host or a sandboxed kernel that writes a shorter status would lose the uid, which decides
/// ownership and trust.
pub fn status_uid_line(b: &[u8]) -> Option<u32> {
    for line in b.split(|&c| c == b'\n') {
        if let Some(rest) = line.strip_prefix(b"Uid:") {
            let s = std::str::from_utf8(rest).ok()?;
            return s.split_ascii_whitespace().next()?.parse().ok();
        }
    }
    None
}

/// argv from `/proc/PID/cmdline` (hand-written: the crate has no bytes parser for it, and its
/// `Process::cmdline` reads a live /proc, needs UTF-8 and drops empty arguments), exactly as the
/// process has it: NUL-split, the one terminating
/// NUL dropped, nothing else (a trailing space in the last argument is part of it: `--dir "/d "`
/// names another directory than `/d`). A rewritten title (nginx, redis, PostgreSQL write one
/// string over argv, padded with NULs, PostgreSQL's ending in a space) is the one case with
/// padding: a single string followed by NULs and spaces; that padding is removed.
pub fn split_cmdline(b: &[u8]) -> Vec<Vec<u8>> {
    let mut body = b.len();
    while body > 0 && (b[body - 1] == 0 || b[body - 1] == b' ') {
        body -= 1;
    }
    if body == 0 {
        return Vec::new();
    }
    if !b[..body].contains(&0) {
        return vec![b[..body].to_vec()]; // one string: a title and its padding
    }
    let b = b.strip_suffix(&[0]).unwrap_or(b);
    b.split(|&c| c == 0).map(<[u8]>::to_vec).collect()
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
        // a whole kernel line (the crate reads up to field 37; every kernel since 2.6 writes 44+)
        let s = b"42 (a) b) (c) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 1000 10 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0";
        let st = parse_stat(s).unwrap();
        assert_eq!(st.pid, 42);
        assert_eq!(st.comm, b"a) b) (c");
        assert_eq!(st.ppid, 1);
        assert_eq!(st.start_time, 12345);
        assert_eq!(st.state, b'S');
    }

    #[test]
    fn stat_shapes_that_would_panic_the_crate_are_malformed() {
        let tail = " S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 1000 10 1 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0";
        for bad in [
            format!("(a){tail}"),              // `(` at 0: the crate slices at -1
            "42 (a)".to_string(),              // `)` last: the crate slices past the end
            format!("42 )a({tail}"),           // `)` before `(`
            format!("4\u{e9}(a)\u{e9}{tail}"), // a multi-byte character next to a paren
            format!("42 (a)x{tail}"),          // no space after the comm
        ] {
            assert!(parse_stat(bad.as_bytes()).is_err(), "{bad:?}");
        }
        // a non-UTF-8 comm is kept byte for byte
        let mut b = b"7 (\xff\xfe) ".to_vec();
        b.extend_from_slice(&tail.as_bytes()[1..]);
        let st = parse_stat(&b).unwrap();
        assert_eq!(st.comm, b"\xff\xfe");
        assert_eq!(
            (st.pid, st.ppid, st.state, st.start_time),
            (7, 1, b'S', 12345)
        );
        assert_eq!(st.flags & PF_KTHREAD, 0);
    }

    #[test]
    fn status_uid_from_the_crate_or_the_uid_line() {
        let real = "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t9\nNgid:\t0\nPid:\t9\nPPid:\t1\nTracerPid:\t0\nUid:\t1001\t1002\t1003\t1004\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\nThreads:\t1\nSigQ:\t0/63704\nSigPnd:\t0\nShdPnd:\t0\nSigBlk:\t0\nSigIgn:\t0\nSigCgt:\t0\nCapInh:\t0\nCapPrm:\t0\nCapEff:\t0\n";
        use procfs::FromBufRead;
        assert!(procfs::process::Status::from_buf_read(real.as_bytes()).is_ok());
        assert_eq!(parse_status_uid(real.as_bytes()), Some(1001));
        // a short status (fixtures, sandboxes): the crate refuses it, the Uid line still counts
        let short = b"Name:\tminio\nUid:\t1001\t1001\t1001\t1001\n";
        assert!(procfs::process::Status::from_buf_read(&short[..]).is_err());
        assert_eq!(parse_status_uid(short), Some(1001));
        assert_eq!(parse_status_uid(b"Name:\tx\nUid:\tnot-a-number\n"), None);
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
        // a trailing space is part of the argument (`--dir "/data "` is not `/data`)
        assert_eq!(
            split_cmdline(b"redis-server\0--dir\0/data \0"),
            vec![
                b"redis-server".to_vec(),
                b"--dir".to_vec(),
                b"/data ".to_vec()
            ]
        );
        assert_eq!(
            split_cmdline(b"a\0b\0\0"),
            vec![b"a".to_vec(), b"b".to_vec(), b"".to_vec()]
        );
    }

    #[test]
    fn socket_link() {
        assert_eq!(parse_socket_link(b"socket:[123]"), Some(123));
        assert_eq!(parse_socket_link(b"pipe:[123]"), None);
    }
}
