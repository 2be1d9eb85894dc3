//! The risk gate: shells, interpreters and system directories are held back unless
//! `--allow-risk ID`; a container's executable has no narrower form a product could match.

use crate::support::render_reports as reports;

use avexclude::model::Match;
use avexclude::render::{self, RenderOptions};

fn vendor(name: &str) -> render::Vendor {
    crate::support::render_reports::vendor(name)
}

fn file(out: &render::Rendered, name: &str) -> String {
    let f = out
        .files
        .iter()
        .find(|f| f.path.ends_with(name))
        .unwrap_or_else(|| panic!("no {name}"));
    String::from_utf8(f.bytes.clone()).unwrap()
}

fn opts(allow: &[&str]) -> RenderOptions {
    RenderOptions {
        wildcards: false,
        allow_risk: allow.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn a_host_shell_is_held_back_without_allow_risk_and_written_with_it() {
    let cat = reports::catalog();
    let (r, inv) = reports::db_host();
    let v = vendor("drweb");
    let out = render::render_with(&r, &cat, &v, &opts(&[]), Some(&inv)).unwrap();
    let ini = file(&out, "drweb.ini");
    assert!(!ini.contains("ExcludedProc = \"/usr/bin/dash\""), "{ini}");
    assert!(
        ini.contains("#   proc-sh: /usr/bin/dash: high risk"),
        "{ini}"
    );
    assert!(
        out.held_back
            .iter()
            .any(|(id, why)| id == "proc-sh" && why.contains("shell"))
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.code == "held-back" && w.subject.as_deref() == Some("proc-sh"))
    );

    let out = render::render_with(&r, &cat, &v, &opts(&["proc-sh"]), Some(&inv)).unwrap();
    let ini = file(&out, "drweb.ini");
    assert!(ini.contains("ExcludedProc = \"/usr/bin/dash\""), "{ini}");
    assert!(out.held_back.is_empty());
}

/// Non-comment lines of every file of a rendered vendor.
fn written(out: &render::Rendered) -> Vec<String> {
    out.files
        .iter()
        .flat_map(|f| {
            String::from_utf8(f.bytes.clone())
                .unwrap()
                .lines()
                .filter(|l| {
                    let t = l.trim_start();
                    !t.starts_with('#') && !t.starts_with(';') && !t.contains("<!--")
                })
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_container_shell_or_node_is_held_back_there_is_no_narrower_form() {
    // From the host a container process's executable reads as its in-container path; its copy
    // under the snapshot layers is never a process's executable (container-paths.md section 3,
    // tests/views_real.rs), so it is no narrower form: the entry is held back and says why.
    let cat = reports::catalog();
    let (r, inv) = reports::microk8s();
    for name in ["drweb", "kesl", "mdatp", "eset", "generic"] {
        let v = vendor(name);
        let out = render::render_with(&r, &cat, &v, &opts(&[]), Some(&inv)).unwrap();
        let lines = if name == "generic" {
            let j: serde_json::Value =
                serde_json::from_str(&file(&out, "exclusions.json")).unwrap();
            j["exclusions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["value"].as_str().unwrap().to_string())
                .collect()
        } else {
            written(&out)
        };
        for bad in [
            "snapshots/415/fs/bin/busybox",
            "snapshots/420/fs/usr/local/bin/node",
        ] {
            assert!(
                !lines.iter().any(|l| l.contains(bad)),
                "{name}: the layer copy {bad} is written as a process"
            );
        }
        for bad in ["/bin/sh", "/usr/local/bin/node"] {
            assert!(
                !lines.iter().any(|l| l.contains(&format!("'{bad}'"))
                    || l.contains(&format!("\"{bad}\""))
                    || l.ends_with(&format!("={bad}"))
                    || l == bad),
                "{name}: {bad} written"
            );
        }
        for id in ["proc-bin-sh", "proc-node"] {
            assert!(
                out.held_back.iter().any(|(i, why)| i == id
                    && why.contains("no form limits it to one container")
                    && why.contains("never a process's executable path")),
                "{name}: {id}: {:?}",
                out.held_back
            );
        }
        assert!(!out.warnings.iter().any(|w| w.code == "narrowed"), "{name}");
        // The container storage root itself has no narrower form: held back.
        assert!(
            out.held_back
                .iter()
                .any(|(id, _)| id == "dir-microk8s-containerd-snapshots"),
            "{name}"
        );

        let out = render::render_with(
            &r,
            &cat,
            &v,
            &opts(&[
                "proc-bin-sh",
                "proc-node",
                "dir-microk8s-containerd-snapshots",
            ]),
            Some(&inv),
        )
        .unwrap();
        let all: String = out
            .files
            .iter()
            .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
            .collect();
        if name == "generic" {
            let j: serde_json::Value =
                serde_json::from_str(&file(&out, "exclusions.json")).unwrap();
            let vals: Vec<&str> = j["exclusions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["value"].as_str().unwrap())
                .collect();
            assert!(
                vals.contains(&"/bin/sh") && vals.contains(&"/usr/local/bin/node"),
                "{vals:?}"
            );
        } else if name != "eset" {
            assert!(
                all.contains("/bin/sh'") || all.contains("/bin/sh\"") || all.contains("=/bin/sh"),
                "{name}:\n{all}"
            );
        } else {
            assert!(all.lines().any(|l| l == "/bin/sh"), "{name}");
        }
        assert!(
            all.contains("io.containerd.snapshotter.v1.overlayfs"),
            "{name}"
        );
        assert!(out.held_back.is_empty(), "{name}: {:?}", out.held_back);
    }
}

#[test]
fn a_value_riskier_than_its_entry_is_held_back() {
    // "internal ELMA365 processes" is rated medium, but one of them resolves to node on the host.
    let cat = reports::catalog();
    let (mut r, inv) = reports::db_host();
    reports::set_present(
        &mut r,
        &cat,
        "rule-elma365-internal",
        vec![
            reports::host_proc("/usr/bin/node", 3001),
            reports::host_proc("/opt/elma365/bin/elma365ctl", 3002),
        ],
    );
    let v = vendor("mdatp");
    let out = render::render_with(&r, &cat, &v, &opts(&[]), Some(&inv)).unwrap();
    let sh = file(&out, "apply.sh");
    assert!(!sh.contains("add process '/usr/bin/node'"), "{sh}");
    assert!(
        sh.contains("add process '/opt/elma365/bin/elma365ctl'"),
        "{sh}"
    );
    assert!(
        out.held_back
            .iter()
            .any(|(id, why)| id == "rule-elma365-internal" && why.contains("interpreter"))
    );
}

#[test]
fn a_system_directory_is_held_back() {
    let cat = reports::catalog();
    let (mut r, inv) = reports::db_host();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        vec![
            reports::path_match("/usr/bin"),
            reports::path_match("/var/lib/postgresql/15/main"),
        ],
    );
    let v = vendor("clamav");
    let out = render::render_with(&r, &cat, &v, &opts(&[]), Some(&inv)).unwrap();
    let conf = file(&out, "clamd.conf");
    assert!(!conf.contains("ExcludePath ^/usr/bin/"), "{conf}");
    assert!(
        conf.contains("ExcludePath ^/var/lib/postgresql/15/main/"),
        "{conf}"
    );
    assert!(
        out.held_back
            .iter()
            .any(|(_, why)| why.contains("system directory"))
    );
}

#[test]
fn unknown_allow_risk_id_is_an_error() {
    // The library still names it (a warning of the plan) for callers that render a report as is;
    // the command line refuses it before anything is written (exit 2, with a hint).
    let cat = reports::catalog();
    let (r, inv) = reports::db_host();
    let out = render::render_with(
        &r,
        &cat,
        &vendor("generic"),
        &opts(&["no-such-id"]),
        Some(&inv),
    )
    .unwrap();
    assert!(out.warnings.iter().any(|w| w.code == "unknown-id"));
    let d = tempfile::tempdir().unwrap();
    let inv_file = d.path().join("inv.json");
    std::fs::write(&inv_file, serde_json::to_vec(&inv).unwrap()).unwrap();
    let o = crate::support::avexclude()
        .args([
            "render",
            "--vendor",
            "generic",
            "--allow-risk",
            "proc-bin-s",
            "--out",
        ])
        .arg(d.path().join("out"))
        .arg("--inventory")
        .arg(&inv_file)
        .run();
    o.assert_exit(2);
    let err = o.stderr_lossy();
    assert!(
        err.contains("proc-bin-s") && err.contains("did you mean proc-bin-sh?"),
        "{err}"
    );
    assert!(!d.path().join("out").exists(), "nothing written");
}

#[allow(dead_code)]
fn _unused(_: Match) {}
