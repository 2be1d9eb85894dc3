//! Shared by the tests that drive real components (daemons, ClamAV): decide whether they can run,
//! and fail instead of skipping when CI says real components are required.
#![allow(dead_code)]

use std::path::Path;

/// True when `AVEXCLUDE_REQUIRE_REAL=1` (set by `scripts/test.sh`): a test that cannot run fails.
pub fn require_real() -> bool {
    std::env::var("AVEXCLUDE_REQUIRE_REAL").is_ok_and(|v| v == "1")
}

/// Returns `true` if the test can go on. Otherwise prints why and returns `false` (skip), or
/// panics when real components are required.
pub fn can_run(test: &str, missing: &[String]) -> bool {
    if missing.is_empty() {
        return true;
    }
    let why = missing.join("; ");
    if require_real() {
        panic!("{test}: cannot run ({why}) and AVEXCLUDE_REQUIRE_REAL=1: failing, not skipping");
    }
    eprintln!("NOTE: {test} SKIPPED: {why} (set AVEXCLUDE_REQUIRE_REAL=1 to make this a failure)");
    false
}

/// What is missing for a test that needs root and the given programs.
pub fn missing_root_and(programs: &[&str]) -> Vec<String> {
    let mut missing = Vec::new();
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        missing.push("not running as root".to_string());
    }
    for p in programs {
        if !Path::new(p).exists() {
            missing.push(format!("{p} not installed (run scripts/test-deps.sh)"));
        }
    }
    missing
}

/// The repository root (where Cargo.toml is).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The avexclude binary built for the tests.
pub fn avexclude() -> std::path::PathBuf {
    super::bin()
}

/// Held while a test drives machine-global real components (containers, runc, ClamAV): other
/// test binaries on this machine take the same lock (`/tmp/avexclude-real.lock`, flock).
pub struct RealLock(std::fs::File);

/// Take `/tmp/avexclude-real.lock` exclusively, waiting for whoever holds it.
pub fn lock_real() -> RealLock {
    use std::os::fd::AsRawFd;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open("/tmp/avexclude-real.lock")
        .expect("open /tmp/avexclude-real.lock");
    // SAFETY: flock on our own open fd.
    let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(
        r,
        0,
        "flock /tmp/avexclude-real.lock: {}",
        std::io::Error::last_os_error()
    );
    RealLock(f)
}
