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
    // git keeps no owners: the committed copy is examined with the generator's ownership (a
    // service user owns its data directories), copied onto a scratch copy of it
    let copy = d.path().join("committed");
    support::TestCommand::new("cp")
        .arg("-a")
        .arg(&committed)
        .arg(&copy)
        .run()
        .assert_exit(0);
    same_owners(&fresh, &copy);
    let mut a = support::discover_inventory(&copy);
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

/// Give every path of `to` the owner of the same path in `from` (links not followed).
fn same_owners(from: &Path, to: &Path) {
    use std::os::unix::fs::MetadataExt;
    for e in walkdir::WalkDir::new(from).follow_links(false) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let md = e.metadata().unwrap();
        let _ = std::os::unix::fs::lchown(to.join(rel), Some(md.uid()), Some(md.gid()));
    }
}
