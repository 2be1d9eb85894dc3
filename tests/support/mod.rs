//! Fixture hosts shared by every integration test: `mod support;` then e.g.
//! `support::hosts::microk8s_upgraded(dir.path())`. [`fixture`] is the builder (a tree that looks
//! like `/` of a real host), [`hosts`] the named hosts, one function each.
//!
//! (`mod.rs` here is deliberate: a `tests/support.rs` would be compiled as a test crate of its own.)
#![allow(dead_code)]

pub mod csv;
pub mod export_fleet;
pub mod fanotify;
pub mod fixture;
pub mod hosts;
pub mod real;
pub mod render_reports;

use std::path::Path;

/// The avexclude binary under test (set by cargo for integration tests and benchmarks).
pub fn bin() -> std::path::PathBuf {
    match option_env!("CARGO_BIN_EXE_avexclude") {
        Some(p) => p.into(),
        None => panic!("CARGO_BIN_EXE_avexclude is set only for tests and benchmarks"),
    }
}

/// Run `avexclude discover --root DIR --format json` and parse the inventory.
pub fn discover_json(root: &Path) -> serde_json::Value {
    let out = std::process::Command::new(bin())
        .args(["discover", "--format", "json", "--root"])
        .arg(root)
        .output()
        .expect("run avexclude");
    assert!(
        out.status.success(),
        "discover failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("discover prints JSON")
}

/// The inventory as model types.
pub fn discover_inventory(root: &Path) -> avexclude::model::Inventory {
    serde_json::from_value(discover_json(root)).expect("inventory parses as model::Inventory")
}

/// Run avexclude with `args` (stdout discarded): exit code and stderr. Fails the test when the run
/// takes over 30 s, so an input that makes the tool block (a FIFO, `/dev/zero`, a recursive
/// template) is a test failure, never a hung suite.
pub fn run_bounded<I, S>(args: I) -> (Option<i32>, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    use std::time::{Duration, Instant};
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().into()).collect();
    let mut child = std::process::Command::new(bin())
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start avexclude");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for avexclude") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("avexclude {args:?} did not return within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    if let Some(e) = child.stderr.as_mut() {
        std::io::Read::read_to_string(e, &mut err).expect("read stderr");
    }
    (status.code(), err)
}
