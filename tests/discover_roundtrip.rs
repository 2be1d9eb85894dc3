//! Inventories round-trip: `discover -o inv.yaml` parsed back equals the JSON form, and
//! `load_inventory(--inventory inv.yaml)` equals `load_inventory(--root)` on the same host, hostile
//! bytes included.

use crate::support;

use std::path::Path;

use avexclude::cli::args::HostSource;
use avexclude::cli::common::load_inventory;
use avexclude::model::Inventory;
use support::hosts;

fn run(args: &[&std::ffi::OsStr]) {
    support::avexclude().args(args).run().assert_exit(0);
}

fn same_scan(mut a: Inventory, mut b: Inventory) -> (Inventory, Inventory) {
    // two scans differ only in when they ran
    a.generated_at = String::new();
    b.generated_at = String::new();
    (a, b)
}

fn roundtrip(make: fn(&Path) -> support::fixture::Fixture) {
    let d = tempfile::tempdir().unwrap();
    let fx = make(&d.path().join("host"));
    let yaml = d.path().join("inv.yaml");
    let json = d.path().join("inv.json");
    run(&[
        "discover".as_ref(),
        "--root".as_ref(),
        fx.root.as_os_str(),
        "--format".as_ref(),
        "yaml".as_ref(),
        "-o".as_ref(),
        yaml.as_os_str(),
    ]);
    run(&[
        "discover".as_ref(),
        "--root".as_ref(),
        fx.root.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        json.as_os_str(),
    ]);
    let y: Inventory = avexclude::yaml::from_str(&std::fs::read_to_string(&yaml).unwrap()).unwrap();
    let j: Inventory = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(!y.processes.is_empty());
    let (y, j) = same_scan(y, j);
    assert_eq!(y, j);

    // what `check --inventory inv.yaml` reads equals what `check --root` scans
    let from_file = load_inventory(
        &HostSource {
            root: None,
            inventory: Some(yaml.clone()),
        },
        &[],
    )
    .unwrap();
    let from_root = load_inventory(
        &HostSource {
            root: Some(fx.root.clone()),
            inventory: None,
        },
        &[],
    )
    .unwrap();
    let (a, b) = same_scan(from_file, from_root);
    assert_eq!(a, b);
    let from_json = load_inventory(
        &HostSource {
            root: None,
            inventory: Some(json),
        },
        &[],
    )
    .unwrap();
    assert_eq!(same_scan(from_json, a).0.processes.len(), y.processes.len());
}

#[test]
fn microk8s_upgraded_roundtrips() {
    roundtrip(hosts::microk8s_upgraded);
}

#[test]
fn hostile_bytes_roundtrip() {
    roundtrip(hosts::hostile);
}

#[test]
fn db_host_roundtrips() {
    roundtrip(hosts::db_host);
}

#[test]
fn a_bad_inventory_file_is_named_in_the_error() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("broken.yaml");
    std::fs::write(&f, "schema: 1\nprocesses: [oops\n").unwrap();
    let e = load_inventory(
        &HostSource {
            root: None,
            inventory: Some(f.clone()),
        },
        &[],
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("broken.yaml") && msg.contains("line"), "{msg}");
    let missing = d.path().join("nope.json");
    let e = load_inventory(
        &HostSource {
            root: None,
            inventory: Some(missing),
        },
        &[],
    )
    .unwrap_err();
    assert!(e.to_string().contains("nope.json"), "{e}");
}
