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
