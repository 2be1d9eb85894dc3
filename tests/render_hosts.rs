//! Every vendor rendered for each fixture host, end to end: `discover --root` → `check` →
//! `render`. Snapshots reviewed by eye once; the CLI (`avexclude render --root`) writes the same
//! bytes as the library, apart from the time of the scan.

use crate::support;

use std::path::Path;

use avexclude::render::{self, RenderOptions};
use support::fixture::Fixture;
use support::hosts;

const VENDORS: [&str; 6] = ["clamav", "drweb", "eset", "generic", "kesl", "mdatp"];
const TIME: &str = "2026-11-24T18:00:00Z";

fn render_host(name: &str, make: fn(&Path) -> Fixture, wildcards: bool) {
    let d = tempfile::tempdir().unwrap();
    let fx = make(d.path());
    let mut inv = support::discover_inventory(&fx.root);
    inv.generated_at = TIME.into();
    let cat = avexclude::catalog::load_with_overlays(&[] as &[&Path]).unwrap();
    let report = avexclude::check::check(&cat, &inv);
    let opts = RenderOptions {
        wildcards,
        allow_risk: vec![],
    };
    let vendors = render::load_vendors(None).unwrap();
    let root = fx.root.display().to_string();
    let mut lib_files = Vec::new();
    for v in &vendors {
        let o = render::render_with(&report, &cat, v, &opts, Some(&inv)).unwrap();
        let mut s = String::new();
        for f in &o.files {
            let text = String::from_utf8(f.bytes.clone()).unwrap();
            assert!(
                !text.contains(&root),
                "the fixture root leaked into {}",
                f.path.display()
            );
            s.push_str(&format!(
                "===== {} (mode {:o})\n{text}",
                f.path.display(),
                f.mode
            ));
            lib_files.push((f.path.clone(), text));
        }
        s.push_str("===== warnings\n");
        for w in &o.warnings {
            s.push_str(&format!(
                "{} [{}] {}\n",
                w.code,
                w.subject.as_deref().unwrap_or("-"),
                w.message
            ));
        }
        let suffix = if wildcards { "_wildcards" } else { "" };
        insta::assert_snapshot!(format!("host_{name}{suffix}__{}", v.name()), s);
    }

    // The CLI on the same root writes the same files.
    let out_dir = d.path().join("out");
    let mut cmd = support::avexclude();
    cmd.arg("render");
    for v in VENDORS {
        cmd.args(["--vendor", v]);
    }
    if wildcards {
        cmd.arg("--wildcards");
    }
    let out = cmd
        .arg("--root")
        .arg(&fx.root)
        .arg("--out")
        .arg(&out_dir)
        .run();
    out.assert_exit(0);
    // one summary head line per vendor, and on disk exactly the library's files
    let summary = out.stdout();
    assert_eq!(
        summary
            .lines()
            .filter(|l| !l.starts_with(' ') && l.contains("/: "))
            .count(),
        VENDORS.len(),
        "{summary}"
    );
    let on_disk: usize = VENDORS
        .iter()
        .map(|v| std::fs::read_dir(out_dir.join(v)).unwrap().count())
        .sum();
    assert_eq!(on_disk, lib_files.len());
    let strip_time = |t: &str| {
        t.lines()
            .filter(|l| !l.contains("checked at:") && !l.contains("\"checked_at\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (rel, text) in &lib_files {
        let p = out_dir.join(rel);
        let (vendor, file) = (
            rel.parent().unwrap().display().to_string(),
            rel.file_name().unwrap().to_string_lossy().into_owned(),
        );
        assert!(
            summary
                .lines()
                .any(|l| l.starts_with(&format!("{vendor}: ")) && l.contains(&file)),
            "{} not in the summary: {summary}",
            p.display()
        );
        let cli = std::fs::read_to_string(&p).unwrap();
        assert_eq!(strip_time(&cli), strip_time(text), "{}", rel.display());
    }
}

#[test]
fn microk8s_seed() {
    render_host("microk8s_seed", hosts::microk8s_seed, false);
}

#[test]
fn microk8s_upgraded() {
    render_host("microk8s_upgraded", hosts::microk8s_upgraded, false);
    render_host("microk8s_upgraded", hosts::microk8s_upgraded, true);
}

#[test]
fn deckhouse_worker() {
    render_host("deckhouse_worker", hosts::deckhouse_worker, false);
}

#[test]
fn docker_host() {
    render_host("docker_host", hosts::docker_host, false);
}

#[test]
fn db_host() {
    render_host("db_host", hosts::db_host, false);
}

#[test]
fn hostile() {
    render_host("hostile", hosts::hostile, false);
}
