//! Output files: written whole or not at all, never replacing what is not a regular file.
//!
//! avexclude runs as root, so where an output goes matters as much as what it holds:
//! - A regular file (or a new name) is replaced atomically: the bytes go to an unnamed file in the
//!   same directory (`O_TMPFILE`), flushed to disk, which is then linked in and renamed over the
//!   target; the directory is flushed too. A crash, a full disk or `kill -9` while writing never
//!   leaves a half-written config that an antivirus would load, and never leaves a temporary file:
//!   an unnamed file vanishes with the process. (The link and the rename are two system calls with
//!   no data written between them; only a kill exactly between the two leaves a
//!   `.avexclude-*.tmp`. On a file system without `O_TMPFILE` a named temporary file is used and
//!   removed on every error, but not after `kill -9`.)
//! - An existing regular file keeps its permission bits and owner (a 0600 report stays 0600).
//! - A character device or a FIFO (`-o /dev/null`, a named pipe) is opened for writing, without
//!   creating or truncating, and written in place: replacing `/dev/null` with a regular file would
//!   break the host. A FIFO is opened non-blocking first, so one with no reader is an error, not a
//!   hang. `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N` write to that
//!   descriptor of this process, whatever it is (a pipe, a terminal, a file opened by the shell).
//! - A symbolic link is followed only to a device or FIFO. A link to a regular file is refused:
//!   replacing the link would leave the file it names stale, and writing through it would let
//!   whoever planted the link choose which file root overwrites. Block devices, sockets and
//!   directories are refused.
//!
//! [`stage`] writes and flushes a file without making it visible; [`Staged::commit`] puts it in
//! place. `render` stages every file of every vendor first, so a failure leaves the old files as
//! they were.

use std::ffi::{CString, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` with mode 0644 for a new file. The parent directory must exist.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_mode(path, bytes, 0o644)
}

/// As [`write()`], with the mode a new file gets (0755 for generated scripts); an existing file
/// keeps its own.
pub fn write_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    stage(path, bytes, mode)?.commit()
}

/// A written, flushed output not yet in place. Dropping it discards it.
pub struct Staged {
    path: PathBuf,
    how: How,
}

enum How {
    /// A device, FIFO or this process's descriptor: written in place at commit.
    InPlace { file: File, bytes: Vec<u8> },
    /// A new or replaced regular file.
    Replace { dir: File, name: OsString, tmp: Tmp },
}

enum Tmp {
    /// `O_TMPFILE`: no name until linked.
    Unnamed(File),
    /// Fallback where `O_TMPFILE` is not supported; removed when dropped.
    Named(tempfile::NamedTempFile),
}

fn err(path: &Path, msg: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{}: {msg}", path.display()))
}

fn cstr(b: &[u8]) -> io::Result<CString> {
    CString::new(b).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a path"))
}

/// The descriptor a path names in this process, for `/dev/stdout` and the like.
fn own_fd(path: &Path) -> Option<i32> {
    let s = path.to_str()?;
    match s {
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let n = s
        .strip_prefix("/dev/fd/")
        .or_else(|| s.strip_prefix("/proc/self/fd/"))?;
    n.parse::<i32>().ok().filter(|n| *n >= 0)
}

/// Write `bytes` for `path` and flush it, without putting it in place yet.
pub fn stage(path: &Path, bytes: &[u8], mode: u32) -> io::Result<Staged> {
    let in_place = |file: File| Staged {
        path: path.to_path_buf(),
        how: How::InPlace {
            file,
            bytes: bytes.to_vec(),
        },
    };
    if let Some(fd) = own_fd(path) {
        // SAFETY: dup returns a new descriptor (or -1) that we own from here on.
        let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
        if new < 0 {
            return Err(err(path, io::Error::last_os_error()));
        }
        // SAFETY: `new` is a fresh descriptor nobody else owns.
        let file = File::from(unsafe { OwnedFd::from_raw_fd(new) });
        return Ok(in_place(file));
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => stage_replace(path, bytes, mode, Some(&m)),
        Ok(m) => {
            let target = if m.file_type().is_symlink() {
                let t = std::fs::metadata(path)
                    .map_err(|e| err(path, format!("a symbolic link to nothing usable: {e}")))?;
                if t.file_type().is_file() {
                    return Err(err(
                        path,
                        "is a symbolic link to a regular file; refusing to write through it \
                         (name the file itself)",
                    ));
                }
                t
            } else {
                m
            };
            use std::os::unix::fs::FileTypeExt;
            let ft = target.file_type();
            if !(ft.is_char_device() || ft.is_fifo()) {
                return Err(err(
                    path,
                    format!(
                        "is {}; outputs go to a regular file, a character device or a FIFO",
                        crate::input::kind_of(&ft)
                    ),
                ));
            }
            Ok(in_place(open_in_place(path)?))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => stage_replace(path, bytes, mode, None),
        Err(e) => Err(err(path, e)),
    }
}

/// Open a device or FIFO for writing: no create, no truncate, non-blocking while opening (a FIFO
/// with no reader fails at once with ENXIO instead of waiting), blocking again for the write.
fn open_in_place(path: &Path) -> io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ENXIO) {
                err(path, "is a FIFO with no reader; start the reader first")
            } else {
                err(path, e)
            }
        })?;
    // The name could have been swapped since the check: trust the descriptor.
    let m = file.metadata().map_err(|e| err(path, e))?;
    if m.file_type().is_file() || m.file_type().is_dir() {
        return Err(err(
            path,
            "changed into a regular file or directory while being opened",
        ));
    }
    let fd = file.as_raw_fd();
    // SAFETY: plain fcntl on a descriptor we own.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl < 0 || libc::fcntl(fd, libc::F_SETFL, fl & !libc::O_NONBLOCK) < 0 {
            return Err(err(path, io::Error::last_os_error()));
        }
    }
    Ok(file)
}

fn stage_replace(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    old: Option<&std::fs::Metadata>,
) -> io::Result<Staged> {
    let dir_path = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| err(path, "names no file"))?
        .to_os_string();
    let dir = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
        .open(dir_path)
        .map_err(|e| err(dir_path, e))?;
    sweep_stale(&dir);
    // An existing file keeps its permission bits and owner.
    let perm = old.map_or(mode, |m| m.mode() & 0o7777);
    let tmp = match open_tmpfile(&dir) {
        Ok(f) => Tmp::Unnamed(f),
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOENT)
            ) =>
        {
            Tmp::Named(
                tempfile::Builder::new()
                    .prefix(".avexclude-")
                    .suffix(".tmp")
                    .tempfile_in(dir_path)
                    .map_err(|e| err(dir_path, e))?,
            )
        }
        Err(e) => return Err(err(dir_path, e)),
    };
    {
        let f = match &tmp {
            Tmp::Unnamed(f) => f,
            Tmp::Named(t) => t.as_file(),
        };
        let mut w: &File = f;
        w.write_all(bytes).map_err(|e| err(path, e))?;
        if let Some(m) = old {
            let me = f.metadata().map_err(|e| err(path, e))?;
            if me.uid() != m.uid() || me.gid() != m.gid() {
                std::os::unix::fs::fchown(f, Some(m.uid()), Some(m.gid()))
                    .map_err(|e| err(path, format!("cannot keep the file's owner: {e}")))?;
            }
        }
        // after fchown, which may clear set-id bits
        f.set_permissions(std::fs::Permissions::from_mode(perm))
            .map_err(|e| err(path, e))?;
        f.sync_all().map_err(|e| err(path, e))?;
    }
    Ok(Staged {
        path: path.to_path_buf(),
        how: How::Replace { dir, name, tmp },
    })
}

fn open_tmpfile(dir: &File) -> io::Result<File> {
    let dot = cstr(b".")?;
    // SAFETY: openat with a valid directory descriptor and a NUL-terminated path.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            dot.as_ptr(),
            libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC,
            0o600 as libc::c_uint,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor we own.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// Give an `O_TMPFILE` file the name `name` in `dir`; `EEXIST` if taken.
fn link_tmpfile(f: &File, dir: &File, name: &[u8]) -> io::Result<()> {
    let to = cstr(name)?;
    let empty = cstr(b"")?;
    // SAFETY: valid descriptors, NUL-terminated names.
    let r = unsafe {
        libc::linkat(
            f.as_raw_fd(),
            empty.as_ptr(),
            dir.as_raw_fd(),
            to.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    if r == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EEXIST) {
        return Err(e);
    }
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; without it, link the /proc descriptor link.
    let via = cstr(format!("/proc/self/fd/{}", f.as_raw_fd()).as_bytes())?;
    // SAFETY: as above.
    let r = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            via.as_ptr(),
            dir.as_raw_fd(),
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn renameat(dir: &File, from: &[u8], to: &[u8]) -> io::Result<()> {
    let (a, b) = (cstr(from)?, cstr(to)?);
    // SAFETY: valid descriptor, NUL-terminated names.
    let r = unsafe { libc::renameat(dir.as_raw_fd(), a.as_ptr(), dir.as_raw_fd(), b.as_ptr()) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn unlinkat(dir: &File, name: &[u8]) {
    if let Ok(n) = cstr(name) {
        // SAFETY: valid descriptor, NUL-terminated name.
        unsafe { libc::unlinkat(dir.as_raw_fd(), n.as_ptr(), 0) };
    }
}

/// Remove the `.avexclude-<pid>-<n>.tmp` links a killed writer left between its link and its
/// rename (the one window [`Staged::commit`] cannot close): only regular files of a process that
/// no longer exists (a live one may be about to rename it).
fn sweep_stale(dir: &File) {
    let Ok(rd) = std::fs::read_dir(format!("/proc/self/fd/{}", dir.as_raw_fd())) else {
        return;
    };
    for e in rd.flatten() {
        let n = e.file_name();
        let Some(pid) = n
            .to_str()
            .and_then(|n| n.strip_prefix(".avexclude-"))
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|r| r.split_once('-'))
            .and_then(|(p, rest)| rest.bytes().all(|b| b.is_ascii_digit()).then_some(p))
            .and_then(|p| p.parse::<libc::pid_t>().ok())
            .filter(|p| *p > 0)
        else {
            continue;
        };
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone && e.file_type().is_ok_and(|t| t.is_file()) {
            unlinkat(dir, n.as_bytes());
        }
    }
}

fn tmp_name() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(".avexclude-{}-{nanos:09}.tmp", std::process::id())
}

impl Staged {
    /// The output's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Put the output in place: link and rename a regular file (then flush the directory), or
    /// write a device or FIFO.
    pub fn commit(self) -> io::Result<()> {
        let path = self.path;
        match self.how {
            How::InPlace { mut file, bytes } => {
                file.write_all(&bytes)
                    .and_then(|_| file.flush())
                    .map_err(|e| err(&path, e))?;
            }
            How::Replace { dir, name, tmp } => {
                let name_b = name.as_bytes();
                match tmp {
                    Tmp::Unnamed(f) => match link_tmpfile(&f, &dir, name_b) {
                        Ok(()) => {}
                        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {
                            let t = tmp_name();
                            link_tmpfile(&f, &dir, t.as_bytes()).map_err(|e| err(&path, e))?;
                            if let Err(e) = renameat(&dir, t.as_bytes(), name_b) {
                                unlinkat(&dir, t.as_bytes());
                                return Err(err(&path, e));
                            }
                        }
                        Err(e) => return Err(err(&path, e)),
                    },
                    Tmp::Named(t) => {
                        t.persist(&path).map_err(|e| err(&path, e.error))?;
                    }
                }
                dir.sync_all().map_err(|e| err(&path, e))?;
            }
        }
        Ok(())
    }
}

/// Commit every staged output, in order. Everything was written and flushed before, so what is
/// left to fail is a rename or a write to a device.
pub fn commit_all(staged: Vec<Staged>) -> io::Result<Vec<PathBuf>> {
    let mut done = Vec::with_capacity(staged.len());
    for s in staged {
        let p = s.path.clone();
        s.commit()?;
        done.push(p);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    fn names(d: &std::path::Path) -> Vec<std::ffi::OsString> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.conf");
        super::write(&p, b"old contents that are longer\n").unwrap();
        super::write(&p, b"new\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new\n");
        assert_eq!(names(d.path()).len(), 1, "{:?}", names(d.path()));
    }

    #[test]
    fn new_file_gets_the_mode_existing_keeps_its_own() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.sh");
        super::write_mode(&p, b"#!/bin/sh\n", 0o755).unwrap();
        let m = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(m, 0o755);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        super::write(&p, b"x\n").unwrap();
        let m = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(m, 0o600);
    }

    #[test]
    fn symlink_to_a_regular_file_is_refused_and_untouched() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real");
        std::fs::write(&real, b"keep").unwrap();
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let e = super::write(&link, b"x").unwrap_err();
        assert!(
            e.to_string().contains("symbolic link to a regular file"),
            "{e}"
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"keep");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_dropped_stage_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a");
        std::fs::write(&p, b"old").unwrap();
        let s = super::stage(&p, b"new", 0o644).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        drop(s);
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(names(d.path()).len(), 1);
    }
}
