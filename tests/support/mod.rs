//! Fixture hosts shared by every integration test: `mod support;` then e.g.
//! `support::hosts::microk8s_upgraded(dir.path())`. [`fixture`] is the builder (a tree that looks
//! like `/` of a real host), [`hosts`] the named hosts, one function each.
//!
//! (`mod.rs` here is deliberate: a `tests/support.rs` would be compiled as a test crate of its own.)
#![allow(dead_code)]

pub mod cmd;
pub mod csv;
pub mod export_fleet;
pub mod fanotify;
pub mod fixture;
pub mod hosts;
pub mod real;
pub mod render_reports;

use std::path::Path;

#[allow(unused_imports)] // the example `make_fixtures` includes this module too
pub use cmd::{Ran, TestCommand, avexclude};

/// The avexclude binary under test (set by cargo for integration tests and benchmarks).
pub fn bin() -> std::path::PathBuf {
    match option_env!("CARGO_BIN_EXE_avexclude") {
        Some(p) => p.into(),
        None => panic!("CARGO_BIN_EXE_avexclude is set only for tests and benchmarks"),
    }
}

/// Run `avexclude discover --root DIR --format json` and parse the inventory.
pub fn discover_json(root: &Path) -> serde_json::Value {
    avexclude()
        .args(["discover", "--format", "json", "--root"])
        .arg(root)
        .assert_exit(0)
        .stdout_json()
}

/// The inventory as model types.
pub fn discover_inventory(root: &Path) -> avexclude::model::Inventory {
    serde_json::from_value(discover_json(root)).expect("inventory parses as model::Inventory")
}

/// Run avexclude with `args`: exit code and stderr. Fails the test when the run takes over 30 s,
/// so an input that makes the tool block (a FIFO, `/dev/zero`, a recursive template) is a test
/// failure, never a hung suite.
pub fn run_bounded<I, S>(args: I) -> (Option<i32>, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let r = avexclude()
        .args(args)
        .timeout(std::time::Duration::from_secs(30))
        .run();
    (r.code(), r.stderr_lossy())
}
