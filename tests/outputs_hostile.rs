//! Issue 9, outputs: each attack performed for real against the binary.
//! - `-o /dev/null` and `-o /dev/stdout` as root (in a private mount namespace whose `/dev` is a
//!   scratch directory, so a regression cannot break this machine's `/dev/null`);
//! - a FIFO target with a reader gets the bytes, one without a reader fails at once;
//! - a 0600 file owned by another user keeps its mode and owner;
//! - a writer SIGKILLed while it flushes its output (held in `fsync` by strace) leaves no temp file;
//! - a render whose last output cannot be written leaves every old file as it was.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{self, real};

fn host() -> PathBuf {
    real::repo().join("examples/hosts/microk8s-upgraded")
}

/// `avexclude discover --root <example host> --format json -o <out>`.
fn discover_to(out: &Path) -> support::TestCommand {
    let mut c = support::avexclude();
    c.args(["discover", "--format", "json", "--root"])
        .arg(host())
        .arg("-o")
        .arg(out);
    c
}

fn mknod(path: &Path, mode: libc::mode_t, dev: libc::dev_t) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(
        unsafe { libc::mknod(c.as_ptr(), mode, dev) },
        0,
        "mknod {}",
        path.display()
    );
}

fn mkfifo(path: &Path) {
    mknod(path, libc::S_IFIFO | 0o600, 0);
}

fn entries(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn dev_null_and_dev_stdout_as_root_are_written_not_replaced() {
    if !real::can_run(
        "dev_null_and_dev_stdout_as_root_are_written_not_replaced",
        &real::missing_root_and(&["/usr/bin/unshare"]),
    ) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dev = d.path().join("dev");
    std::fs::create_dir(&dev).unwrap();
    mknod(
        &dev.join("null"),
        libc::S_IFCHR | 0o666,
        libc::makedev(1, 3),
    );
    std::os::unix::fs::symlink("/proc/self/fd/1", dev.join("stdout")).unwrap();
    // In a private mount namespace, the scratch directory is /dev: the paths are the real ones.
    let run = |target: &str| {
        support::TestCommand::new("/usr/bin/unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg(r#"mount --bind "$1" /dev && shift && exec "$@""#)
            .arg("sh")
            .arg(&dev)
            .arg(support::bin())
            .args(["discover", "--format", "json", "--root"])
            .arg(host())
            .args(["-o", target])
            .run()
    };
    let out = run("/dev/null");
    out.assert_exit(0);
    let m = std::fs::symlink_metadata(dev.join("null")).unwrap();
    assert!(
        m.file_type().is_char_device(),
        "/dev/null became {:?}",
        m.file_type()
    );
    assert_eq!(m.rdev(), libc::makedev(1, 3));
    assert_eq!(
        entries(&dev),
        ["null", "stdout"],
        "a temp file was left in /dev"
    );

    let out = run("/dev/stdout");
    out.assert_exit(0);
    let inv: serde_json::Value = serde_json::from_slice(out.stdout_bytes())
        .unwrap_or_else(|e| panic!("-o /dev/stdout did not reach the pipe: {e}"));
    assert_eq!(inv["schema"], 1);
    let m = std::fs::symlink_metadata(dev.join("stdout")).unwrap();
    assert!(m.file_type().is_symlink(), "/dev/stdout was replaced");
    assert_eq!(
        std::fs::read_link(dev.join("stdout")).unwrap(),
        Path::new("/proc/self/fd/1")
    );
    assert_eq!(entries(&dev), ["null", "stdout"]);
}

#[test]
fn a_fifo_target_with_a_reader_gets_the_bytes_and_stays_a_fifo() {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("out.fifo");
    mkfifo(&fifo);
    // The reader is there before the writer (non-blocking open), and drains as it writes.
    let mut r = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let mut child = discover_to(&fifo)
        .std()
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut got = Vec::new();
    let start = Instant::now();
    let status = loop {
        let mut buf = [0u8; 65536];
        match r.read(&mut buf) {
            Ok(n) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => {
                if let Some(s) = child.try_wait().unwrap() {
                    // drain what is left
                    while let Ok(n) = r.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        got.extend_from_slice(&buf[..n]);
                    }
                    break s;
                }
                assert!(start.elapsed() < Duration::from_secs(60), "writer hangs");
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    };
    assert!(status.success());
    let inv: serde_json::Value = serde_json::from_slice(&got).expect("the FIFO got the inventory");
    assert_eq!(inv["schema"], 1);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(entries(d.path()), ["out.fifo"]);
}

#[test]
fn a_fifo_target_without_a_reader_fails_at_once() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("out.fifo");
    mkfifo(&fifo);
    // a writer that hangs fails the run at the bound
    let r = discover_to(&fifo).timeout(Duration::from_secs(60)).run();
    let err = r.stderr_lossy();
    assert_eq!(r.code(), Some(2), "{r}");
    assert!(
        err.contains("out.fifo") && err.contains("no reader"),
        "{err}"
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(entries(d.path()), ["out.fifo"]);
}

#[test]
fn an_existing_file_keeps_its_mode_and_owner() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("inventory.json");
    std::fs::write(&p, b"old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        std::os::unix::fs::chown(&p, Some(1777), Some(1778)).unwrap();
    }
    discover_to(&p).run().assert_exit(0);
    let m = std::fs::metadata(&p).unwrap();
    assert_eq!(m.permissions().mode() & 0o7777, 0o600, "mode not kept");
    if root {
        assert_eq!((m.uid(), m.gid()), (1777, 1778), "owner not kept");
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    assert_eq!(v["schema"], 1);
    // a new file gets 0644
    let n = d.path().join("new.json");
    discover_to(&n).run().assert_exit(0);
    assert_eq!(
        std::fs::metadata(&n).unwrap().permissions().mode() & 0o777,
        0o644
    );
}

/// The pid of the first child of `pid` (strace's tracee).
fn child_of(pid: u32) -> Option<i32> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// The system call `pid` is in, from /proc/PID/syscall (`running` or a number).
fn syscall_of(pid: i32) -> Option<i64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    s.split_whitespace().next()?.parse().ok()
}

#[test]
fn a_writer_killed_while_flushing_leaves_no_temp_file() {
    if !real::can_run(
        "a_writer_killed_while_flushing_leaves_no_temp_file",
        &real::missing_root_and(&["/usr/bin/strace"]),
    ) {
        return;
    }
    for existing in [false, true] {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("inventory.json");
        if existing {
            std::fs::write(&out, b"old").unwrap();
        }
        // strace holds every fsync for 30 s: the output is written, not yet in place.
        let mut strace = Command::new("/usr/bin/strace")
            .args([
                "-f",
                "-qq",
                "-o",
                "/dev/null",
                "-e",
                "trace=fsync,fdatasync",
            ])
            .args(["-e", "inject=fsync,fdatasync:delay_enter=30000000"])
            .arg(support::bin())
            .args(["discover", "--format", "json", "--root"])
            .arg(host())
            .arg("-o")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let pid = loop {
            if let Some(c) = child_of(strace.id())
                && matches!(syscall_of(c), Some(n) if n == libc::SYS_fsync || n == libc::SYS_fdatasync)
            {
                break c;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the writer never reached fsync"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        // SAFETY: signals to the process we started (through strace).
        unsafe {
            libc::kill(pid, libc::SIGSTOP);
            libc::kill(pid, libc::SIGKILL);
        }
        let _ = strace.kill();
        let _ = strace.wait();
        let left: Vec<String> = entries(d.path())
            .into_iter()
            .filter(|n| n.starts_with(".avexclude-"))
            .collect();
        assert!(
            left.is_empty(),
            "existing={existing}: temp files left: {left:?}"
        );
        if existing {
            assert_eq!(std::fs::read(&out).unwrap(), b"old", "half-written output");
        } else {
            assert!(!out.exists(), "an output appeared before it was flushed");
        }
    }
}

#[test]
fn a_render_that_cannot_write_one_file_leaves_every_old_file() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    // a first render: the old files
    let render = |out: &Path| {
        support::avexclude()
            .args([
                "--lang", "en", "render", "--vendor", "kesl", "--vendor", "mdatp", "--root",
            ])
            .arg(host())
            .arg("--out")
            .arg(out)
            .run()
    };
    let first = render(&out);
    first.assert_exit(0);
    // the summary's head line per vendor: `NAME: N files in DIR/: a, b, c`, in render order
    let listed: Vec<PathBuf> = first
        .stdout()
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains("/: "))
        .flat_map(|l| {
            let (_, rest) = l.split_once(" in ").unwrap();
            let (dir, files) = rest.split_once("/: ").unwrap();
            files
                .split(", ")
                .map(|f| PathBuf::from(dir).join(f))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(listed.len() >= 4, "{listed:?}");
    for p in &listed {
        std::fs::write(p, b"OLD\n").unwrap();
    }
    // The last file of the last vendor cannot be written: it is a directory now.
    let last = listed.last().unwrap().clone();
    std::fs::remove_file(&last).unwrap();
    std::fs::create_dir(&last).unwrap();
    let second = render(&out);
    second.assert_exit(2);
    let err = second.stderr_lossy();
    assert!(err.contains(&last.display().to_string()), "{err}");
    for p in &listed[..listed.len() - 1] {
        assert_eq!(
            std::fs::read(p).unwrap(),
            b"OLD\n",
            "{} was replaced by a render that failed",
            p.display()
        );
    }
    for v in ["kesl", "mdatp"] {
        let left: Vec<String> = entries(&out.join(v))
            .into_iter()
            .filter(|n| n.starts_with(".avexclude-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
