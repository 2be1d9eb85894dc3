//! A small fanotify listener for the tests, in the two ways on-access engines get a path:
//! - `Mode::Fd`: the classic API; the kernel hands an open fd per event and the path is
//!   `readlink(/proc/self/fd/N)` (clamonacc and most engines);
//! - `Mode::Fid`: `FAN_REPORT_FID`; the event carries a file handle, resolved with
//!   `open_by_handle_at` through a mount the listener opened (fatrace 0.17).
//!
//! Each event also names the process (`pid`), resolved at once to `readlink(/proc/PID/exe)`:
//! the path a process exclusion is compared with. Inode marks with `FAN_EVENT_ON_CHILD` on the
//! given directories, the way clamonacc marks its include paths.
#![allow(dead_code)]

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Fd,
    Fid,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub mask: u64,
    pub pid: i32,
    /// The path as this mode reports it.
    pub path: String,
    /// `readlink /proc/PID/exe` at event time (empty if the process was gone).
    pub exe: String,
}

pub struct Listener {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<std::io::Result<Vec<Event>>>>,
}

const MASK: u64 =
    libc::FAN_OPEN | libc::FAN_OPEN_EXEC | libc::FAN_CLOSE_WRITE | libc::FAN_EVENT_ON_CHILD;

fn cstr(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).expect("no NUL in a test path")
}

fn readlink(p: &str) -> String {
    std::fs::read_link(p)
        .map(|t| t.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Listener {
    /// Start listening on `dirs` (inode marks, children included). Returns once the marks exist.
    pub fn start(mode: Mode, dirs: &[PathBuf]) -> std::io::Result<Listener> {
        let init_flags = libc::FAN_CLASS_NOTIF
            | libc::FAN_CLOEXEC
            | libc::FAN_NONBLOCK
            | if mode == Mode::Fid {
                libc::FAN_REPORT_FID
            } else {
                0
            };
        // SAFETY: plain syscall with constant flags.
        let fd =
            unsafe { libc::fanotify_init(init_flags, (libc::O_RDONLY | libc::O_LARGEFILE) as u32) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        for d in dirs {
            let c = cstr(d);
            // SAFETY: fd is ours, c a valid C string.
            let r = unsafe {
                libc::fanotify_mark(fd, libc::FAN_MARK_ADD, MASK, libc::AT_FDCWD, c.as_ptr())
            };
            if r < 0 {
                let e = std::io::Error::last_os_error();
                // SAFETY: closing our own fd.
                unsafe { libc::close(fd) };
                return Err(e);
            }
        }
        // The mount the file handles are resolved through: the host's `/`.
        let mount_fd = if mode == Mode::Fid {
            let c = cstr(Path::new("/"));
            // SAFETY: valid path.
            let m = unsafe {
                libc::open(
                    c.as_ptr(),
                    libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
                )
            };
            if m < 0 {
                return Err(std::io::Error::last_os_error());
            }
            m
        } else {
            -1
        };
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        let handle = std::thread::spawn(move || {
            let r = run(fd, mode, mount_fd, &s2);
            // SAFETY: our fds.
            unsafe {
                libc::close(fd);
                if mount_fd >= 0 {
                    libc::close(mount_fd);
                }
            }
            r
        });
        Ok(Listener {
            stop,
            handle: Some(handle),
        })
    }

    /// Stop and return every event seen.
    pub fn finish(mut self) -> std::io::Result<Vec<Event>> {
        self.stop.store(true, Ordering::SeqCst);
        match self.handle.take().map(|h| h.join()) {
            Some(Ok(r)) => r,
            _ => Err(std::io::Error::other("listener thread panicked")),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn run(fd: i32, mode: Mode, mount_fd: i32, stop: &AtomicBool) -> std::io::Result<Vec<Event>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, 100) };
        if n <= 0 {
            if stop.load(Ordering::SeqCst) {
                return Ok(out);
            }
            continue;
        }
        // SAFETY: buf is writable for its length.
        let len = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if len <= 0 {
            continue;
        }
        let len = len as usize;
        let meta_len = std::mem::size_of::<libc::fanotify_event_metadata>();
        let mut off = 0;
        while off + meta_len <= len {
            // SAFETY: at least meta_len bytes at off; read_unaligned copes with alignment.
            let m: libc::fanotify_event_metadata =
                unsafe { std::ptr::read_unaligned(buf[off..].as_ptr().cast()) };
            let ev_len = m.event_len as usize;
            if ev_len < meta_len || off + ev_len > len {
                break;
            }
            let exe = readlink(&format!("/proc/{}/exe", m.pid));
            let path = match mode {
                Mode::Fd => {
                    let p = readlink(&format!("/proc/self/fd/{}", m.fd));
                    if m.fd >= 0 {
                        // SAFETY: the kernel gave us this fd.
                        unsafe { libc::close(m.fd) };
                    }
                    p
                }
                Mode::Fid => fid_path(&buf[off + m.metadata_len as usize..off + ev_len], mount_fd),
            };
            out.push(Event {
                mask: m.mask,
                pid: m.pid,
                path,
                exe,
            });
            off += ev_len;
        }
    }
}

/// The first FID info record of an event, resolved to a path through `mount_fd`.
fn fid_path(info: &[u8], mount_fd: i32) -> String {
    // fanotify_event_info_header (4 bytes) + __kernel_fsid_t (8 bytes) + struct file_handle.
    let mut off = 0;
    while off + 4 <= info.len() {
        let ty = info[off];
        let rec_len = u16::from_ne_bytes([info[off + 2], info[off + 3]]) as usize;
        if rec_len < 4 || off + rec_len > info.len() {
            break;
        }
        if ty == libc::FAN_EVENT_INFO_TYPE_FID && rec_len >= 4 + 8 + 8 {
            let fh = &info[off + 12..off + rec_len];
            let hb = u32::from_ne_bytes([fh[0], fh[1], fh[2], fh[3]]) as usize;
            if 8 + hb > fh.len() {
                break;
            }
            // A file_handle copy, 8-byte aligned, for open_by_handle_at.
            let mut h = vec![0u64; (8 + hb).div_ceil(8)];
            // SAFETY: h has at least 8 + hb bytes.
            unsafe {
                std::ptr::copy_nonoverlapping(fh.as_ptr(), h.as_mut_ptr().cast::<u8>(), 8 + hb)
            };
            // SAFETY: h holds a file_handle the kernel produced; mount_fd is ours.
            let f = unsafe {
                libc::open_by_handle_at(
                    mount_fd,
                    h.as_mut_ptr().cast(),
                    libc::O_PATH | libc::O_CLOEXEC,
                )
            };
            if f < 0 {
                return format!("<open_by_handle_at: {}>", std::io::Error::last_os_error());
            }
            let p = readlink(&format!("/proc/self/fd/{f}"));
            // SAFETY: our fd.
            unsafe { libc::close(f) };
            return p;
        }
        off += rec_len;
    }
    String::new()
}
