//! The committed example host (`examples/hosts/microk8s-upgraded`, used by the README's quick
//! start) is what the generator writes: regenerate it and compare the two inventories.

use crate::support;

use std::path::Path;

#[test]
fn committed_example_matches_the_generator() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hosts/microk8s-upgraded");
    assert!(
        committed.join("proc/1/stat").exists(),
        "examples/hosts/microk8s-upgraded is missing"
    );
    let d = tempfile::tempdir().unwrap();
    let fresh = d.path().join("microk8s-upgraded");
    support::hosts::microk8s_upgraded(&fresh);
    support::fixture::keep_empty_dirs(&fresh);
    let mut a = support::discover_inventory(&committed);
    let mut b = support::discover_inventory(&fresh);
    for i in [&mut a, &mut b] {
        i.generated_at.clear();
        i.root.clear();
    }
    assert_eq!(
        a, b,
        "regenerate with: cargo run --example make_fixtures -- examples/hosts microk8s-upgraded"
    );
    assert_eq!(
        a.filesystem
            .snaps
            .iter()
            .find(|s| s.name == "microk8s")
            .unwrap()
            .current
            .as_deref(),
        Some("7394")
    );
}
