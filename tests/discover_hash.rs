//! `discover --hash`: sha256 of each executable, cached by (device, inode, size, mtime).

use crate::support;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;

use avexclude::model::Inventory;
use sha2::{Digest, Sha256};
use support::hosts;

fn run(root: &std::path::Path, cache: &std::path::Path) -> Inventory {
    support::avexclude()
        .args(["discover", "--format", "json", "--hash", "--hash-cache"])
        .arg(cache)
        .arg("--root")
        .arg(root)
        .run()
        .assert_exit(0)
        .stdout_as()
}

fn sha(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Set a file's mtime back (so only the cache can tell the content changed).
fn set_mtime(p: &std::path::Path, m: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let c = CString::new(p.as_os_str().as_bytes()).unwrap();
    let ts = [
        libc::timespec {
            tv_sec: m.atime(),
            tv_nsec: m.atime_nsec(),
        },
        libc::timespec {
            tv_sec: m.mtime(),
            tv_nsec: m.mtime_nsec(),
        },
    ];
    assert_eq!(
        unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), ts.as_ptr(), 0) },
        0
    );
}

#[test]
fn hashes_host_and_container_executables_with_a_cache() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::docker_host(&d.path().join("host"));
    let cache = d.path().join("hashes.json");
    let inv = run(&fx.root, &cache);
    let pg = inv
        .processes
        .iter()
        .find(|p| p.pid == fx.pid("postgres"))
        .unwrap();
    let file = fx.root.join(
        pg.exe_host
            .as_ref()
            .unwrap()
            .as_str()
            .unwrap()
            .trim_start_matches('/'),
    );
    let content = std::fs::read(&file).unwrap();
    assert_eq!(pg.sha256.as_deref(), Some(sha(&content).as_str()));
    let dockerd = inv
        .processes
        .iter()
        .find(|p| p.pid == fx.pid("dockerd"))
        .unwrap();
    assert_eq!(
        dockerd.sha256.as_deref(),
        Some(sha(&std::fs::read(fx.root.join("usr/bin/dockerd")).unwrap()).as_str())
    );
    assert!(cache.exists(), "the cache is written");
    // the replaced sshd has no file left to hash: no hash, no failure
    assert!(
        inv.processes
            .iter()
            .find(|p| p.pid == fx.pid("sshd-replaced"))
            .unwrap()
            .sha256
            .is_none()
    );

    // Same size, same mtime put back, other bytes: the rewrite changed ctime, which no user can
    // set back, so the cache misses and the new content is hashed (issue 9: a cache keyed on
    // mtime kept the old sha256) ...
    let md = std::fs::metadata(&file).unwrap();
    let mut other = content.clone();
    let last = other.len() - 2;
    other[last] ^= 0x20;
    std::fs::write(&file, &other).unwrap();
    set_mtime(&file, &md);
    let again = run(&fx.root, &cache);
    let pg2 = again
        .processes
        .iter()
        .find(|p| p.pid == fx.pid("postgres"))
        .unwrap();
    assert_ne!(
        pg2.sha256, pg.sha256,
        "a rewrite with the mtime put back is hashed again"
    );
    assert_eq!(pg2.sha256.as_deref(), Some(sha(&other).as_str()));
    // ... and without the cache too
    std::fs::remove_file(&cache).unwrap();
    let fresh = run(&fx.root, &cache);
    let pg3 = fresh
        .processes
        .iter()
        .find(|p| p.pid == fx.pid("postgres"))
        .unwrap();
    assert_eq!(pg3.sha256.as_deref(), Some(sha(&other).as_str()));
}

#[test]
fn a_broken_cache_is_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::db_host(&d.path().join("host"));
    let cache = d.path().join("hashes.json");
    std::fs::write(&cache, b"{not json").unwrap();
    let inv = run(&fx.root, &cache);
    assert!(inv.warnings.iter().any(|w| w.code == "hash-cache-invalid"));
    assert!(
        inv.processes
            .iter()
            .find(|p| p.pid == fx.pid("redis"))
            .unwrap()
            .sha256
            .is_some()
    );
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(text.starts_with("{\"version\":1"), "rewritten: {text}");
}
