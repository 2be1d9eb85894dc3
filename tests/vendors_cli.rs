//! `avexclude vendors` and `--vendors-dir`: the six built-ins with their capabilities, adding and
//! overriding a vendor without recompiling, and file:line:column errors for a broken one.

use crate::support;

#[test]
fn lists_the_six_builtin_vendors_with_capabilities() {
    let v = support::avexclude()
        .args(["vendors", "--format", "json"])
        .run()
        .assert_exit(0)
        .stdout_json();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["clamav", "drweb", "eset", "generic", "kesl", "mdatp"]
    );
    let get = |n: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(get("clamav")["accepts"]["process_path"], false);
    assert_eq!(get("clamav")["accepts"]["regex"], true);
    assert_eq!(get("kesl")["accepts"]["glob"], true);
    assert_eq!(get("mdatp")["wildcards"], "whole-segment");
    assert_eq!(get("eset")["wildcards"], "none");
    for x in v.as_array().unwrap() {
        assert!(
            !x["sources"].as_array().unwrap().is_empty(),
            "{} has no source",
            x["name"]
        );
        assert!(!x["files"].as_array().unwrap().is_empty());
    }
    let table = support::avexclude().arg("vendors").run();
    table.assert_exit(0);
    assert!(
        table.stdout().contains("kesl") && table.stdout().contains("PROC-PATH"),
        "{table}"
    );
}

fn copy_vendor(from: &str, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(format!("{}/vendors/{from}", env!("CARGO_MANIFEST_DIR"))).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn vendors_dir_adds_and_overrides() {
    let d = tempfile::tempdir().unwrap();
    // override generic with a new display name
    copy_vendor("generic", &d.path().join("generic"));
    let y = d.path().join("generic/vendor.yaml");
    let t = std::fs::read_to_string(&y).unwrap().replace(
        "display_name: Generic CSV/JSON (console-managed products)",
        "display_name: Site CSV",
    );
    std::fs::write(&y, t).unwrap();
    // add "acme": a copy of eset under another name
    copy_vendor("eset", &d.path().join("acme"));
    let y = d.path().join("acme/vendor.yaml");
    let t = std::fs::read_to_string(&y)
        .unwrap()
        .replace("name: eset", "name: acme");
    std::fs::write(&y, t).unwrap();

    let v = support::avexclude()
        .args(["vendors", "--format", "json", "--vendors-dir"])
        .arg(d.path())
        .run()
        .assert_exit(0)
        .stdout_json();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 7);
    let g = arr.iter().find(|x| x["name"] == "generic").unwrap();
    assert_eq!(g["display_name"], "Site CSV");
    assert!(
        g["origin"]
            .as_str()
            .unwrap()
            .starts_with(d.path().to_str().unwrap())
    );
    assert!(arr.iter().any(|x| x["name"] == "acme"));
}

fn broken(setup: impl Fn(&std::path::Path)) -> String {
    let d = tempfile::tempdir().unwrap();
    copy_vendor("clamav", &d.path().join("clamav"));
    setup(&d.path().join("clamav"));
    let out = support::avexclude()
        .args(["vendors", "--vendors-dir"])
        .arg(d.path())
        .run();
    assert_eq!(out.code(), Some(2), "{out}");
    out.stderr()
}

#[test]
fn a_broken_descriptor_is_placed_at_file_line_column() {
    let err = broken(|dir| {
        let y = dir.join("vendor.yaml");
        let t = std::fs::read_to_string(&y)
            .unwrap()
            .replace("wildcards: none", "wildcards: sometimes");
        std::fs::write(&y, t).unwrap();
    });
    let line = std::fs::read_to_string(format!(
        "{}/vendors/clamav/vendor.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .lines()
    .position(|l| l.starts_with("wildcards:"))
    .unwrap()
        + 1;
    assert!(
        err.contains(&format!("clamav/vendor.yaml:{line}:")),
        "{err}"
    );
    assert!(err.contains("sometimes"), "{err}");
}

#[test]
fn a_broken_template_is_placed_at_file_line_column() {
    let err = broken(|dir| {
        std::fs::write(
            dir.join("clamscan.args.hbs"),
            "ok\n{{#each directories}}\n--exclude-dir={{clamd_regex_dir path}}\n",
        )
        .unwrap();
    });
    assert!(err.contains("clamav/clamscan.args.hbs:"), "{err}");
    let err = broken(|dir| {
        std::fs::write(
            dir.join("clamscan.args.hbs"),
            "# x\n\n  --exclude={{{path}}}\n",
        )
        .unwrap();
    });
    assert!(err.contains("clamav/clamscan.args.hbs:3:13"), "{err}");
    assert!(err.contains("unescaped"), "{err}");
    let err = broken(|dir| {
        let y = dir.join("vendor.yaml");
        let t = std::fs::read_to_string(&y)
            .unwrap()
            .replace("template: clamscan.args.hbs", "template: nope.hbs");
        std::fs::write(&y, t).unwrap();
    });
    assert!(
        err.contains("clamav/vendor.yaml:") && err.contains("nope.hbs"),
        "{err}"
    );
}

#[test]
fn a_helper_of_another_format_is_unknown() {
    // {{sh}} in a clamd.conf template would write shell quotes into clamd.conf: not registered there.
    let d = tempfile::tempdir().unwrap();
    copy_vendor("clamav", &d.path().join("clamav"));
    std::fs::write(
        d.path().join("clamav/clamd.conf.hbs"),
        "{{#each directories}}\nExcludePath {{sh path}}\n{{/each}}\n",
    )
    .unwrap();
    // refused when the template is loaded: `sh` is not a helper of the clamd format
    let e = avexclude::render::load_vendors(Some(d.path())).unwrap_err();
    let s = e.to_string();
    assert!(s.contains("clamd.conf.hbs:2:13: error[bare-value]"), "{s}");
}

#[test]
fn a_missing_value_is_an_error_never_an_empty_string() {
    // An empty path could become an exclusion of `/`: strict mode turns it into an error.
    let cat = avexclude::catalog::load_with_overlays(&[] as &[&std::path::Path]).unwrap();
    let mut r = avexclude::check::check(&cat, &avexclude::model::Inventory::default());
    r.entries.retain(|e| e.id == "dir-opt-elma365");
    r.entries[0].status = avexclude::model::Status::Present;
    r.entries[0].matches = vec![avexclude::model::Match {
        value: "/opt/elma365".into(),
        via: "path exists".parse().unwrap(),
        ..Default::default()
    }];
    for body in [
        "{{#each directories}}\nExcludePath {{clamd_regex_dir pth}}\n{{/each}}\n",
        "{{#each directories}}\nExcludePath {{pth}}\n{{/each}}\n",
        "{{#each directories}}\nExcludePath {{clamd_regex_dir}}\n{{/each}}\n",
    ] {
        let d = tempfile::tempdir().unwrap();
        copy_vendor("clamav", &d.path().join("clamav"));
        std::fs::write(d.path().join("clamav/clamd.conf.hbs"), body).unwrap();
        // a helper without a value or a bare value is refused when loaded; a missing one renders
        let e = match avexclude::render::load_vendors(Some(d.path())) {
            Err(e) => e.to_string(),
            Ok(vendors) => {
                let v = vendors.iter().find(|v| v.name() == "clamav").unwrap();
                avexclude::render::render(&r, &cat, v, &Default::default())
                    .unwrap_err()
                    .to_string()
            }
        };
        assert!(e.contains("clamd.conf.hbs:2:"), "{body:?}: {e}");
    }
}
