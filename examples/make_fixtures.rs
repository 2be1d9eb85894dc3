//! Writes the fixture hosts of `tests/support` as directory trees, for demos and the README:
//! `cargo run --example make_fixtures -- OUTDIR [HOST...]` (hosts: microk8s-seed,
//! microk8s-upgraded, deckhouse-worker, docker-host, db-host, hostile, kind-host; default: all).
//! `examples/hosts/microk8s-upgraded` in the repository was written by this
//! (`cargo run --example make_fixtures -- examples/hosts microk8s-upgraded`); empty directories
//! get a `.keep` file so that git keeps them.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: make_fixtures OUTDIR [HOST...]");
        return std::process::ExitCode::from(2);
    };
    let wanted: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    type Make = fn(&std::path::Path) -> support::fixture::Fixture;
    let hosts: &[(&str, Make)] = &[
        ("microk8s-seed", support::hosts::microk8s_seed),
        ("microk8s-upgraded", support::hosts::microk8s_upgraded),
        ("deckhouse-worker", support::hosts::deckhouse_worker),
        ("docker-host", support::hosts::docker_host),
        ("db-host", support::hosts::db_host),
        ("hostile", support::hosts::hostile),
        ("kind-host", support::hosts::kind_host),
    ];
    for (name, make) in hosts {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let dir = out.join(name);
        if dir.exists()
            && let Err(e) = std::fs::remove_dir_all(&dir)
        {
            eprintln!("cannot replace {}: {e}", dir.display());
            return std::process::ExitCode::from(2);
        }
        let fx = make(&dir);
        support::fixture::keep_empty_dirs(&dir);
        println!(
            "{}: {} processes by role, {} containers",
            dir.display(),
            fx.pids.len(),
            fx.containers.len()
        );
    }
    std::process::ExitCode::SUCCESS
}
