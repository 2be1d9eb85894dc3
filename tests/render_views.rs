//! Path views: each value is written in the view(s) the product compares (descriptor `views`,
//! with sources), an in-container path is rated host-wide, ClamAV gets host paths only and says
//! in its header what clamonacc does not cover. Facts: ../shared/research/container-paths.md.

use crate::support::render_reports as reports;

use avexclude::model::Match;
use avexclude::render::{self, RenderOptions};

fn vendor(name: &str) -> render::Vendor {
    crate::support::render_reports::vendor(name)
}

fn opts(allow: &[&str]) -> RenderOptions {
    RenderOptions {
        wildcards: false,
        allow_risk: allow.iter().map(|s| s.to_string()).collect(),
    }
}

const PVC: &str =
    "/var/snap/microk8s/common/default-storage/elma365-dbs-data-postgresql-0-pvc-7ec9/data";
const REDIS: &str =
    "/var/snap/microk8s/common/default-storage/elma365-dbs-redis-data-redis-master-0-pvc-19f4";

fn report() -> (avexclude::model::Report, avexclude::model::Inventory) {
    let cat = reports::catalog();
    let (mut r, inv) = reports::microk8s();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        vec![
            Match {
                value: PVC.into(),
                container_path: Some("/bitnami/postgresql/data".into()),
                pid: Some(5101),
                via: "postgresql data directory (volume mount)".parse().unwrap(),
                ..Default::default()
            },
            Match {
                value: REDIS.into(),
                container_path: Some("/data".into()),
                pid: Some(5103),
                via: "postgresql data directory (volume mount)".parse().unwrap(),
                ..Default::default()
            },
        ],
    );
    (r, inv)
}

fn written(out: &render::Rendered) -> String {
    out.files
        .iter()
        .map(|f| {
            String::from_utf8(f.bytes.clone())
                .unwrap()
                .lines()
                .filter(|l| {
                    let t = l.trim_start();
                    !t.starts_with('#') && !t.starts_with(';') && !t.contains("<!--")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn unknown_file_view_writes_both_forms_and_rates_the_container_one_host_wide() {
    let cat = reports::catalog();
    let (r, inv) = report();
    for name in ["kesl", "drweb", "mdatp", "eset", "generic"] {
        let v = vendor(name);
        assert_eq!(
            v.descriptor.views.files.view,
            render::vendor::ViewKind::Unknown,
            "{name}"
        );
        let out = render::render_with(&r, &cat, &v, &opts(&[]), Some(&inv)).unwrap();
        let w = written(&out);
        assert!(w.contains(PVC), "{name}: host form missing\n{w}");
        assert!(
            w.contains("/bitnami/postgresql/data"),
            "{name}: container form missing\n{w}"
        );
        // `/data` inside Redis's container would exempt the host's /data and every container's.
        assert!(
            out.held_back
                .iter()
                .any(|(id, why)| id == "rule-database-files"
                    && why.starts_with("/data:")
                    && why.contains("in-container path")),
            "{name}: {:?}",
            out.held_back
        );
        assert!(
            w.contains(REDIS),
            "{name}: the host form of Redis's volume is not risky"
        );
        let out =
            render::render_with(&r, &cat, &v, &opts(&["rule-database-files"]), Some(&inv)).unwrap();
        assert!(
            out.held_back
                .iter()
                .all(|(_, why)| !why.starts_with("/data:"))
        );
    }
}

#[test]
fn every_item_carries_its_view() {
    let cat = reports::catalog();
    let (r, _inv) = report();
    let v = vendor("generic");
    let out = render::render(&r, &cat, &v, &opts(&[])).unwrap();
    let j: serde_json::Value =
        serde_json::from_str(&reports::file_text(&out, "exclusions.json")).unwrap();
    let ex = j["exclusions"].as_array().unwrap();
    let view_of = |val: &str| {
        ex.iter()
            .find(|e| e["value"] == val)
            .map(|e| e["view"].as_str().unwrap_or("-").to_string())
    };
    assert_eq!(view_of(PVC).as_deref(), Some("host"));
    assert_eq!(
        view_of("/bitnami/postgresql/data").as_deref(),
        Some("container")
    );
    assert_eq!(
        view_of("/opt/bitnami/postgresql/bin/postgres").as_deref(),
        Some("container")
    );
}

#[test]
fn clamav_writes_host_paths_only_and_names_what_clamonacc_misses() {
    let cat = reports::catalog();
    let (r, inv) = report();
    let v = vendor("clamav");
    assert_eq!(
        v.descriptor.views.files.view,
        render::vendor::ViewKind::Host
    );
    assert!(v.descriptor.views.files.source.contains("measured"));
    let out = render::render_with(&r, &cat, &v, &opts(&[]), Some(&inv)).unwrap();
    let w = written(&out);
    assert!(w.contains(&format!("OnAccessExcludePath {PVC}")), "{w}");
    assert!(!w.contains("/bitnami/postgresql/data"), "{w}");
    assert!(!w.lines().any(|l| l.ends_with(" /data")), "{w}");
    let onacc = reports::file_text(&out, "clamonacc.conf");
    assert!(
        onacc.contains("clamonacc does not scan their file I/O"),
        "{onacc}"
    );
    assert!(onacc.contains("must not contain a mount point"), "{onacc}");
    // A host with no container: no container gap.
    let (r2, inv2) = reports::db_host();
    let out = render::render_with(&r2, &cat, &v, &opts(&[]), Some(&inv2)).unwrap();
    let onacc = reports::file_text(&out, "clamonacc.conf");
    assert!(
        !onacc.contains("clamonacc does not scan their file I/O"),
        "{onacc}"
    );
}

#[test]
fn vendors_json_shows_each_vendors_views_with_sources() {
    let v = crate::support::avexclude()
        .args(["vendors", "--format", "json"])
        .run()
        .assert_exit(0)
        .stdout_json();
    for x in v.as_array().unwrap() {
        for k in ["files", "processes"] {
            let view = x["views"][k]["view"].as_str().unwrap_or("");
            assert!(
                ["host", "container", "unknown"].contains(&view),
                "{}: {k}: {view:?}",
                x["name"]
            );
            assert!(
                x["views"][k]["source"].as_str().unwrap_or("").len() > 20,
                "{}: {k} has no source",
                x["name"]
            );
        }
    }
    let clam = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "clamav")
        .unwrap();
    assert_eq!(clam["views"]["files"]["view"], "host");
}
