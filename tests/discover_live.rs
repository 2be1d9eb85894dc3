//! Live scans of this machine: the test process itself is found as it is, and scans keep
//! succeeding while short-lived processes appear and vanish under them.

mod support;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use avexclude::model::Inventory;

fn discover_live() -> (std::process::Output, Option<Inventory>) {
    let out = Command::new(support::bin())
        .args(["discover", "--format", "json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let inv = serde_json::from_slice(&out.stdout).ok();
    (out, inv)
}

#[test]
fn the_test_process_appears_as_it_is() {
    let me = std::process::id() as i32;
    let exe = std::fs::read_link("/proc/self/exe").unwrap();
    let args: Vec<String> = std::env::args().collect();
    let (out, inv) = discover_live();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
        if !out.status.success() || inv.is_none() {
            failures.push(format!(
                "run {i}: {:?} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
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
