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

/// The installed ClamAV version (`clamd --version` prints `ClamAV 1.4.6[/db/date]`).
pub fn clamav_version() -> Option<(u32, u32, u32)> {
    let out = std::process::Command::new("clamd")
        .arg("--version")
        .output()
        .ok()?;
    let s = String::from_utf8_lossy(&out.stdout);
    let v = s
        .trim()
        .strip_prefix("ClamAV ")?
        .split('/')
        .next()?
        .to_string();
    let mut it = v.split('.').map(|x| x.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next()?.unwrap_or(0)))
}

/// The ClamAV proofs need 1.4.5 or later: before it, clamonacc disables a whole include path
/// when an excluded directory has a sibling whose name extends it (`X2`, `X-old`; upstream
/// commit bb829064a, ../shared/research/container-paths-clamav-1.4.6.md 1.3). Debian bookworm
/// main ships 1.4.3, bookworm-security 1.4.6. Empty when the installed version is fine.
pub fn missing_clamav_145() -> Vec<String> {
    match clamav_version() {
        Some(v) if v >= (1, 4, 5) => {
            eprintln!(
                "NOTE: ClamAV {}.{}.{} installed: the version these proofs prove",
                v.0, v.1, v.2
            );
            Vec::new()
        }
        Some(v) => vec![format!(
            "ClamAV {}.{}.{} is older than 1.4.5 (prefix-sibling exclusion bug): install clamav from bookworm-security",
            v.0, v.1, v.2
        )],
        None => vec!["clamd --version gave no ClamAV version".into()],
    }
}
