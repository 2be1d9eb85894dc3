//! The one way discovery touches host files: every path is resolved component by component from
//! an open directory (the scanned root, or a live process's `/proc/PID/root`), so resolution can
//! never leave that directory, whatever the tree holds.
//!
//! Why a walk and not `openat2(RESOLVE_IN_ROOT)`: the same code must run on the kernels users have
//! (CentOS 7 is 3.10; openat2 is 5.6+). The walk gives the same guarantees, race-free, because
//! every step is `openat(dirfd, name, O_PATH | O_NOFOLLOW)` relative to the fd of the step before:
//! - a symlink is read with `readlinkat` and its target walked again inside the root (an absolute
//!   target restarts at the root; `..` never climbs above it), at most 40 links per path;
//! - `/proc` "magic" links met inside a container root are only read as text, never followed by
//!   the kernel, so `/proc/self/root` there cannot lead to the host's `/`;
//! - only regular files are opened for reading (type checked on the `O_PATH` fd before the open,
//!   and again with `fstat` after it), opened `O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW`,
//!   and read up to a bound the caller gives: a FIFO, a device or a socket is never opened, so a
//!   scan can never block on one or trigger a device's side effects.

use std::ffi::CString;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

/// How many symlinks one resolution may follow (the kernel's limit is 40 as well).
const MAX_LINKS: usize = 40;

/// Why a read was refused or failed.
#[derive(Debug)]
pub enum ReadError {
    /// The path does not resolve to anything (or resolves outside the root, which is the same).
    Io(io::Error),
    /// Not a regular file: a FIFO, device, socket or directory (its kind, for the warning).
    NotRegular(&'static str),
}

impl ReadError {
    pub fn io(&self) -> Option<&io::Error> {
        match self {
            ReadError::Io(e) => Some(e),
            ReadError::NotRegular(_) => None,
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(k) => write!(f, "not a regular file ({k}); not read"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// The kind of a non-regular file, for messages.
pub fn kind_of(md: &std::fs::Metadata) -> &'static str {
    let t = md.file_type();
    if t.is_fifo() {
        "FIFO"
    } else if t.is_socket() {
        "socket"
    } else if t.is_char_device() {
        "character device"
    } else if t.is_block_device() {
        "block device"
    } else if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symlink"
    } else if t.is_file() {
        "file"
    } else {
        "unknown file type"
    }
}

fn cstr(b: &[u8]) -> io::Result<CString> {
    CString::new(b).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// `openat(dir, name, flags)` as an owned fd.
pub fn openat(dir: BorrowedFd<'_>, name: &[u8], flags: libc::c_int) -> io::Result<OwnedFd> {
    let c = cstr(name)?;
    // SAFETY: a valid fd and a NUL-terminated name; the returned fd is owned by us.
    let fd = check(unsafe { libc::openat(dir.as_raw_fd(), c.as_ptr(), flags | libc::O_CLOEXEC) })?;
    // SAFETY: `fd` was just returned by openat and is not owned elsewhere.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `readlinkat(fd, "")`: the target of the symlink an `O_PATH | O_NOFOLLOW` fd refers to.
pub fn readlink_fd(fd: BorrowedFd<'_>) -> io::Result<Vec<u8>> {
    readlinkat(fd, b"")
}

/// `readlinkat(dir, name)` (bounded to PATH_MAX, as the kernel's own links are).
pub fn readlinkat(dir: BorrowedFd<'_>, name: &[u8]) -> io::Result<Vec<u8>> {
    let c = cstr(name)?;
    let mut buf = vec![0u8; libc::PATH_MAX as usize + 1];
    // SAFETY: buf is writable for its length; the fd and name are valid.
    let n = unsafe {
        libc::readlinkat(
            dir.as_raw_fd(),
            c.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // an exact copy: the inventory keeps these (exe, cwd of every process), and a 4 KiB buffer
    // each would cost tens of MiB on a big node
    Ok(buf[..n as usize].to_vec())
}

/// Metadata of what an fd refers to (works on `O_PATH` fds: statx with `AT_EMPTY_PATH`).
pub fn meta(fd: &OwnedFd) -> io::Result<std::fs::Metadata> {
    // SAFETY: the File is never dropped (ManuallyDrop), so the fd stays owned by `fd`.
    let f = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(fd.as_raw_fd()) });
    f.metadata()
}

/// Names in an open directory (`.` and `..` left out), unsorted.
pub fn list_fd(dir: BorrowedFd<'_>) -> io::Result<Vec<Vec<u8>>> {
    let fd = openat(dir, b".", libc::O_RDONLY | libc::O_DIRECTORY)?;
    let raw = fd.as_raw_fd();
    // SAFETY: fdopendir takes ownership of the fd on success; on failure we still own it.
    let d = unsafe { libc::fdopendir(raw) };
    if d.is_null() {
        return Err(io::Error::last_os_error());
    }
    std::mem::forget(fd);
    let mut out = Vec::new();
    loop {
        // SAFETY: `d` is a valid DIR* until closedir.
        let e = unsafe { libc::readdir64(d) };
        if e.is_null() {
            break;
        }
        // SAFETY: d_name is a NUL-terminated array inside the dirent readdir returned.
        let name = unsafe { std::ffi::CStr::from_ptr((*e).d_name.as_ptr()) }.to_bytes();
        if name != b"." && name != b".." {
            out.push(name.to_vec());
        }
    }
    // SAFETY: `d` came from fdopendir and is closed once.
    unsafe { libc::closedir(d) };
    Ok(out)
}

/// Read an open file to its end, at most `limit` bytes; `true` if there was more.
pub fn read_bounded(f: &mut File, buf: &mut Vec<u8>, limit: u64) -> io::Result<bool> {
    buf.clear();
    f.take(limit).read_to_end(buf)?;
    if (buf.len() as u64) < limit {
        return Ok(false);
    }
    let mut one = [0u8; 1];
    Ok(f.read(&mut one)? > 0)
}

/// Open `name` in `dir` for reading, only if it is a regular file: never follows a symlink,
/// never blocks on a FIFO (which is refused before any open that could block).
pub fn open_regular_at(dir: BorrowedFd<'_>, name: &[u8]) -> Result<File, ReadError> {
    let p = openat(dir, name, libc::O_PATH | libc::O_NOFOLLOW)?;
    let md = meta(&p)?;
    if !md.file_type().is_file() {
        return Err(ReadError::NotRegular(kind_of(&md)));
    }
    let fd = openat(
        dir,
        name,
        libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_NOFOLLOW,
    )?;
    let f = File::from(fd);
    let md2 = f.metadata()?;
    // the same file as checked (not swapped in between), and still a regular file
    if !md2.file_type().is_file() || md2.ino() != md.ino() || md2.dev() != md.dev() {
        return Err(ReadError::NotRegular(kind_of(&md2)));
    }
    Ok(f)
}

/// One resolved step of a walk: the fd (`O_PATH`), its name, and what it is.
struct Step {
    fd: OwnedFd,
    name: Vec<u8>,
    is_dir: bool,
}

/// A resolved path: the fd of its last component (`O_PATH`), the fd of that component's parent
/// directory, and the path as resolved inside the root (no links, no `..`).
pub struct Walked {
    /// `None` when the path is the root itself.
    pub fd: Option<OwnedFd>,
    /// The parent directory (`None`: the root).
    pub parent: Option<OwnedFd>,
    pub name: Vec<u8>,
    pub resolved: Vec<u8>,
}

/// A directory that paths are resolved in, as if it were `/`.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
}

impl Dir {
    /// Open `path` (the `--root` the admin chose, `/`, or `/proc/PID/root` live) as the root of
    /// later resolutions. The path itself is opened normally: it is the admin's choice.
    pub fn open(path: &Path) -> io::Result<Dir> {
        let c = cstr(path.as_os_str().as_bytes())?;
        // SAFETY: NUL-terminated path; the fd is owned below.
        let fd = check(unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        })?;
        // SAFETY: fresh fd from open.
        Ok(Dir {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    pub fn from_fd(fd: OwnedFd) -> Dir {
        Dir { fd }
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Resolve `path` inside this root. With `follow_last` false, a symlink as the last component
    /// is the result itself (for lstat and readlink).
    pub fn walk(&self, path: &[u8], follow_last: bool) -> io::Result<Walked> {
        let mut todo: Vec<Vec<u8>> = comps(path).rev().map(<[u8]>::to_vec).collect();
        let mut stack: Vec<Step> = Vec::new();
        let mut links = 0;
        while let Some(c) = todo.pop() {
            if c == b"." {
                continue;
            }
            if stack.last().is_some_and(|s| !s.is_dir) {
                return Err(io::Error::from_raw_os_error(libc::ENOTDIR));
            }
            if c == b".." {
                stack.pop(); // never above the root: an empty stack is the root
                continue;
            }
            let cur = stack.last().map_or(self.fd.as_fd(), |s| s.fd.as_fd());
            let fd = openat(cur, &c, libc::O_PATH | libc::O_NOFOLLOW)?;
            let md = meta(&fd)?;
            let ft = md.file_type();
            if ft.is_symlink() && (follow_last || !todo.is_empty()) {
                links += 1;
                if links > MAX_LINKS {
                    return Err(io::Error::from_raw_os_error(libc::ELOOP));
                }
                let target = readlink_fd(fd.as_fd())?;
                if target.first() == Some(&b'/') {
                    stack.clear();
                }
                todo.extend(comps(&target).rev().map(<[u8]>::to_vec));
                continue;
            }
            stack.push(Step {
                fd,
                name: c,
                is_dir: ft.is_dir(),
            });
        }
        let mut resolved = Vec::new();
        for s in &stack {
            resolved.push(b'/');
            resolved.extend_from_slice(&s.name);
        }
        if resolved.is_empty() {
            resolved.push(b'/');
        }
        let last = stack.pop();
        let parent = stack.pop().map(|s| s.fd);
        Ok(match last {
            Some(s) => Walked {
                fd: Some(s.fd),
                parent,
                name: s.name,
                resolved,
            },
            None => Walked {
                fd: None,
                parent: None,
                name: Vec::new(),
                resolved,
            },
        })
    }

    /// The path with every link resolved inside the root.
    pub fn resolve(&self, path: &[u8]) -> io::Result<Vec<u8>> {
        Ok(self.walk(path, true)?.resolved)
    }

    /// Metadata without following a final symlink.
    pub fn lstat(&self, path: &[u8]) -> io::Result<std::fs::Metadata> {
        let w = self.walk(path, false)?;
        match &w.fd {
            Some(fd) => meta(fd),
            None => meta(&self.fd),
        }
    }

    /// Metadata of what the path leads to.
    pub fn stat(&self, path: &[u8]) -> io::Result<std::fs::Metadata> {
        let w = self.walk(path, true)?;
        match &w.fd {
            Some(fd) => meta(fd),
            None => meta(&self.fd),
        }
    }

    /// The target of a symlink (as text; never followed).
    pub fn readlink(&self, path: &[u8]) -> io::Result<Vec<u8>> {
        let w = self.walk(path, false)?;
        match &w.fd {
            Some(fd) => readlink_fd(fd.as_fd()),
            None => Err(io::Error::from_raw_os_error(libc::EINVAL)),
        }
    }

    /// Names in a directory.
    pub fn list(&self, path: &[u8]) -> io::Result<Vec<Vec<u8>>> {
        let w = self.walk(path, true)?;
        match &w.fd {
            Some(fd) => list_fd(fd.as_fd()),
            None => list_fd(self.fd.as_fd()),
        }
    }

    /// Open a regular file for reading (see [`open_regular_at`]).
    pub fn open_regular(&self, path: &[u8]) -> Result<File, ReadError> {
        let w = self.walk(path, true)?;
        let dir = w.parent.as_ref().map_or(self.fd.as_fd(), |p| p.as_fd());
        if w.fd.is_none() {
            return Err(ReadError::NotRegular("directory"));
        }
        open_regular_at(dir, &w.name)
    }

    /// Read a regular file, at most `limit` bytes; `true` in the pair if it was cut there.
    pub fn read(&self, path: &[u8], limit: u64) -> Result<(Vec<u8>, bool), ReadError> {
        let mut f = self.open_regular(path)?;
        let mut buf = Vec::new();
        let cut = read_bounded(&mut f, &mut buf, limit)?;
        Ok((buf, cut))
    }
}

/// Non-empty components of a path.
fn comps(p: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    p.split(|&c| c == b'/').filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn walk_never_leaves_the_root() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("canary"), b"SECRET").unwrap();
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("a/b")).unwrap();
        std::fs::write(r.join("a/b/f"), b"in").unwrap();
        symlink(outside.path().join("canary"), r.join("abs")).unwrap();
        symlink("../../../../../../../..", r.join("a/up")).unwrap();
        symlink(outside.path(), r.join("a/dir")).unwrap();
        symlink("/a/b", r.join("ab")).unwrap();
        symlink("loop2", r.join("loop1")).unwrap();
        symlink("loop1", r.join("loop2")).unwrap();
        let dir = Dir::open(r).unwrap();
        assert_eq!(dir.read(b"/ab/f", 10).unwrap().0, b"in");
        assert_eq!(dir.read(b"/a/up/a/b/f", 10).unwrap().0, b"in");
        assert_eq!(dir.resolve(b"/a/up/../..").unwrap(), b"/");
        assert!(dir.read(b"/abs", 100).is_err());
        assert!(dir.read(b"/a/dir/canary", 100).is_err());
        let esc = format!("/../../../..{}", outside.path().join("canary").display());
        assert!(dir.read(esc.as_bytes(), 100).is_err());
        assert!(dir.read(b"/loop1", 100).is_err());
        assert_eq!(dir.readlink(b"/ab").unwrap(), b"/a/b");
        assert!(dir.lstat(b"/ab").unwrap().file_type().is_symlink());
        assert!(dir.stat(b"/ab").unwrap().is_dir());
        let mut l = dir.list(b"/ab").unwrap();
        l.sort();
        assert_eq!(l, vec![b"f".to_vec()]);
    }

    #[test]
    fn fifo_is_refused_without_blocking_and_reads_are_bounded() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("fifo");
        let c = CString::new(f.as_os_str().as_bytes()).unwrap();
        // SAFETY: valid path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        std::fs::write(d.path().join("big"), vec![b'x'; 100]).unwrap();
        let dir = Dir::open(d.path()).unwrap();
        match dir.read(b"/fifo", 10) {
            Err(ReadError::NotRegular(k)) => assert_eq!(k, "FIFO"),
            other => panic!("{other:?}"),
        }
        let (b, cut) = dir.read(b"/big", 10).unwrap();
        assert_eq!((b.len(), cut), (10, true));
        let (b, cut) = dir.read(b"/big", 100).unwrap();
        assert_eq!((b.len(), cut), (100, false));
        assert!(matches!(dir.read(b"/", 10), Err(ReadError::NotRegular(_))));
    }
}
