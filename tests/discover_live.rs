//! Live scans of this machine: the test process itself is found as it is, and scans keep
//! succeeding while short-lived processes appear and vanish under them.

use crate::support;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use avexclude::model::Inventory;

fn discover_live() -> (support::Ran, Option<Inventory>) {
    let out = support::avexclude()
        .args(["discover", "--format", "json"])
        .run();
    let inv = serde_json::from_slice(out.stdout_bytes()).ok();
    (out, inv)
}

#[test]
fn the_test_process_appears_as_it_is() {
    let me = std::process::id() as i32;
    let exe = std::fs::read_link("/proc/self/exe").unwrap();
    let args: Vec<String> = std::env::args().collect();
    let (out, inv) = discover_live();
    out.assert_exit(0);
    let inv = inv.expect("valid JSON");
    let p = inv
        .processes
        .iter()
        .find(|p| p.pid == me)
        .expect("the test process is listed");
    assert_eq!(p.exe.as_ref().unwrap().to_path_buf(), exe);
    assert_eq!(
        p.exe_host.as_ref().unwrap().to_path_buf(),
        std::fs::canonicalize(&exe).unwrap()
    );
    let argv: Vec<String> = p
        .cmdline
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(argv, args);
    assert_eq!(p.ppid, std::os::unix::process::parent_id() as i32);
    assert!(!p.kernel_thread && !p.exe_deleted);
    // and the scanner, our child, saw itself too
    assert!(
        inv.processes
            .iter()
            .any(|q| q.ppid == me && q.comm.0 == b"avexclude")
    );
    assert!(!inv.host.hostname.is_empty() && !inv.host.kernel.is_empty());
}

#[test]
fn scans_survive_processes_that_come_and_go() {
    let stop = Arc::new(AtomicBool::new(false));
    let spawned = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut churners = Vec::new();
    for t in 0..2 {
        let stop = stop.clone();
        let spawned = spawned.clone();
        churners.push(std::thread::spawn(move || {
            let mut kids = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                // some exit by themselves within ms, some are killed mid-scan
                let c = if t == 0 {
                    Command::new("sh").args(["-c", "sleep 0.01; true"]).spawn()
                } else {
                    Command::new("sleep").arg("5").spawn()
                };
                if let Ok(c) = c {
                    kids.push(c);
                    spawned.fetch_add(1, Ordering::Relaxed);
                }
                if kids.len() > 8 {
                    let mut k = kids.remove(0);
                    let _ = k.kill();
                    let _ = k.wait();
                }
            }
            for mut k in kids {
                let _ = k.kill();
                let _ = k.wait();
            }
        }));
    }
    let mut failures = Vec::new();
    let mut vanished = 0;
    for i in 0..30 {
        let (out, inv) = discover_live();
        if !out.success() || inv.is_none() {
            failures.push(format!("run {i}: {out}"));
            continue;
        }
        let inv = inv.unwrap();
        vanished += inv
            .warnings
            .iter()
            .filter(|w| w.code == "process-vanished")
            .count();
        assert!(inv.warnings.iter().all(|w| w.code != "internal-error"));
        assert!(inv.processes.iter().any(|p| p.pid == 1));
    }
    stop.store(true, Ordering::Relaxed);
    for c in churners {
        c.join().unwrap();
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(spawned.load(Ordering::Relaxed) > 30, "the churn did run");
    eprintln!("30 scans ok; {vanished} process-vanished warnings seen");
}

/// A real process whose root is a real overlayfs in its own mount namespace, as a container's
/// is: discovery must find the file's host location in the overlay's lower layer.
#[test]
fn a_real_overlay_container_process() {
    let require = std::env::var("AVEXCLUDE_REQUIRE_REAL").is_ok_and(|v| v == "1");
    let have = |c: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {c}"))
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let root = unsafe { libc::geteuid() } == 0;
    if !(root && have("unshare") && have("cc") && have("chroot")) {
        assert!(
            !require,
            "needs root, unshare, chroot and cc (AVEXCLUDE_REQUIRE_REAL=1)"
        );
        eprintln!("note: skipped: needs root, unshare, chroot and cc");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let bin = p.join("lower/opt/bitnami/postgresql/bin");
    for d in [
        bin.clone(),
        p.join("upper"),
        p.join("work"),
        p.join("merged"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(
        p.join("pause.c"),
        "#include <unistd.h>\nint main(void){pause();return 0;}\n",
    )
    .unwrap();
    let st = Command::new("cc")
        .args(["-static", "-O1", "-o"])
        .arg(bin.join("postgres"))
        .arg(p.join("pause.c"))
        .status()
        .unwrap();
    if !st.success() {
        assert!(!require, "cc -static failed");
        eprintln!("note: skipped: cc -static failed (no static libc?)");
        return;
    }
    let pd = p.display();
    let script = format!(
        "mount -t overlay overlay -o lowerdir={pd}/lower,upperdir={pd}/upper,workdir={pd}/work {pd}/merged && exec chroot {pd}/merged /opt/bitnami/postgresql/bin/postgres -D /bitnami/postgresql/data"
    );
    let mut child = Command::new("unshare")
        .args([
            "--mount",
            "--propagation",
            "private",
            "--fork",
            "--kill-child",
            "sh",
            "-c",
            &script,
        ])
        .spawn()
        .unwrap();
    struct Kill<'a>(&'a mut std::process::Child);
    impl Drop for Kill<'_> {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let guard = Kill(&mut child);
    let unshare_pid = guard.0.id() as i32;
    // wait for the exec: the grandchild's exe turns into the overlay's postgres
    let mut pid = None;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let kids =
            std::fs::read_to_string(format!("/proc/{unshare_pid}/task/{unshare_pid}/children"))
                .unwrap_or_default();
        if let Some(k) = kids
            .split_whitespace()
            .next()
            .and_then(|k| k.parse::<i32>().ok())
            && std::fs::read_link(format!("/proc/{k}/exe"))
                .is_ok_and(|e| e.ends_with("opt/bitnami/postgresql/bin/postgres"))
        {
            pid = Some(k);
            break;
        }
    }
    let pid = pid.expect("the overlay process started");
    let (out, inv) = discover_live();
    drop(guard);
    out.assert_exit(0);
    let inv = inv.unwrap();
    let pr = inv.processes.iter().find(|x| x.pid == pid).expect("listed");
    let c = pr
        .container
        .as_ref()
        .expect("an overlay root in its own mount namespace is a container");
    let ov = c.rootfs.as_ref().unwrap();
    assert_eq!(ov.lowerdirs[0].to_path_buf(), p.join("lower"));
    assert_eq!(ov.upperdir.as_ref().unwrap().to_path_buf(), p.join("upper"));
    assert_eq!(
        pr.exe_host.as_ref().unwrap().to_path_buf(),
        bin.join("postgres")
    );
    // Threat model: layers in a temporary directory are no known runtime's image store, so
    // this process is not evidence: no data directory from it, and the reason is given.
    let t = pr.trust.as_ref().expect("judged");
    assert!(!t.trusted, "{t:?}");
    assert!(t.why.contains("not in a known container runtime"), "{t:?}");
    assert!(
        inv.data_paths.iter().all(|d| d.pid != Some(pid)),
        "{:?}",
        inv.data_paths
    );
    assert!(
        inv.warnings.iter().any(|w| w.code == "data-path-untrusted"
            && w.subject.as_deref() == Some(&*format!("pid {pid}"))),
        "{:?}",
        inv.warnings
    );
}
