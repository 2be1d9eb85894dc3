//! Every malformed catalog overlay is refused with a precise `file:line:column: error[code]`,
//! exit status 2, and no panic. One file per defect in `tests/bad_catalogs/` (as bottom does).

use assert_cmd::Command;

/// (file, expected line:column, diagnostic code, a phrase of the message). Positions were read
/// off each file by hand: they point at the offending value, not merely at the file.
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "yaml-syntax.yaml",
        "8:1",
        "yaml-syntax",
        "while scanning a quoted scalar at line 5 column 16",
    ),
    ("wrong-type.yaml", "6:12", "bad-type", "expected a string"),
    // a document limited to a platform avexclude cannot detect would silently never apply
    (
        "applies-when-unknown-platform.yaml",
        "3:1",
        "unknown-value",
        "platform 'openshift' is not one of deckhouse, microk8s",
    ),
    (
        "applies-when-unknown-key.yaml",
        "4:3",
        "unknown-key",
        "unknown field `platfrom`, expected `platform`",
    ),
    (
        "unknown-key.yaml",
        "7:5",
        "unknown-key",
        "unknown field `matches`",
    ),
    (
        "unknown-kind.yaml",
        "4:11",
        "unknown-value",
        "unknown variant `folder`",
    ),
    (
        "unknown-risk.yaml",
        "10:11",
        "unknown-value",
        "unknown variant `critical`",
    ),
    (
        "missing-canonical.yaml",
        "3:5",
        "missing-key",
        "missing field `canonical`",
    ),
    (
        "duplicate-builtin-id.yaml",
        "3:9",
        "duplicate-id",
        "already defined at builtin:exclusions/elma365.yaml:",
    ),
    (
        "duplicate-id-same-file.yaml",
        "12:9",
        "duplicate-id",
        "duplicate-id-same-file.yaml:3:9",
    ),
    (
        "undefined-placeholder.yaml",
        "6:12",
        "undefined-placeholder",
        "{appver}",
    ),
    ("bad-template.yaml", "6:12", "bad-template", "unclosed '{'"),
    (
        "override-missing-id.yaml",
        "3:9",
        "override-missing-id",
        "'proc-shh'",
    ),
    (
        "disable-missing-id.yaml",
        "5:9",
        "disable-missing-id",
        "'no-such-entry'",
    ),
    (
        "disable-empty-reason.yaml",
        "4:13",
        "empty-value",
        "written reason",
    ),
    ("empty-reason.yaml", "9:13", "empty-value", "both ru and en"),
    (
        "bad-port.yaml",
        "3:60",
        "bad-port",
        "'99999' is not a port number",
    ),
    (
        "relative-path.yaml",
        "6:12",
        "bad-path",
        "not an absolute path",
    ),
    (
        "directory-without-slash.yaml",
        "6:12",
        "bad-path",
        "must end with '/'",
    ),
    (
        "unknown-rule.yaml",
        "6:12",
        "unknown-rule",
        "'backup-processes'",
    ),
    ("bad-id.yaml", "3:9", "bad-id", "'Site_A'"),
    (
        "unsupported-schema.yaml",
        "1:1",
        "unsupported-schema",
        "schema 2",
    ),
    ("not-utf8.yaml", "5:21", "io", "not UTF-8"),
    (
        "canonical-mismatch.yaml",
        "6:12",
        "canonical-mismatch",
        "does not fit",
    ),
];

#[test]
fn each_bad_catalog_names_file_line_column_and_exits_2() {
    assert!(CASES.len() >= 10);
    for (file, pos, code, phrase) in CASES {
        let path = format!("tests/bad_catalogs/{file}");
        for sub in [
            &["catalog", "lint"][..],
            &["catalog", "show", "--format", "json"][..],
        ] {
            let out = Command::cargo_bin("avexclude")
                .unwrap()
                .args(sub)
                .args(["--catalog", &path])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{file} {sub:?}: {err}");
            assert!(
                out.stdout.is_empty(),
                "{file}: nothing on stdout when the catalog is bad"
            );
            let head = format!("{path}:{pos}: error[{code}]:");
            assert!(err.contains(&head), "{file}: expected `{head}` in:\n{err}");
            assert!(
                err.contains(phrase),
                "{file}: expected `{phrase}` in:\n{err}"
            );
            assert!(!err.contains("panicked"), "{file}: {err}");
        }
    }
}

#[test]
fn the_offending_line_is_shown_with_a_caret() {
    let out = Command::cargo_bin("avexclude")
        .unwrap()
        .args([
            "catalog",
            "lint",
            "--catalog",
            "tests/bad_catalogs/unknown-kind.yaml",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("4 |     kind: folder\n  |           ^"),
        "{err}"
    );
}

#[test]
fn a_missing_overlay_file_is_an_input_error() {
    let out = Command::cargo_bin("avexclude")
        .unwrap()
        .args([
            "catalog",
            "lint",
            "--catalog",
            "tests/bad_catalogs/does-not-exist.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("does-not-exist.yaml:1:1: error[io]: cannot read")
    );
}

#[test]
fn a_good_overlay_adds_overrides_and_disables() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("site.yaml");
    std::fs::write(
        &f,
        "schema: 1\ndocument: site\nentries:\n  - id: site-backup\n    kind: process-path\n    canonical: /opt/backup/bin/agent\n    match: /opt/backup/bin/agent\n    component: backup\n    section: site\n    reason: {ru: Агент, en: Agent}\n    risk: low\n    risk_why: {ru: Один файл, en: One file}\noverride:\n  - id: proc-gpg-agent\n    risk: medium\ndisable:\n  - id: proc-sh\n    reason: no name-only shell exclusions\n",
    )
    .unwrap();
    let out = Command::cargo_bin("avexclude")
        .unwrap()
        .args(["catalog", "show", "--format", "json", "--catalog"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by = |id: &str| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .cloned()
    };
    assert_eq!(by("site-backup").unwrap()["source"]["origin"], "site");
    assert_eq!(by("proc-gpg-agent").unwrap()["risk"], "medium");
    assert!(
        by("proc-sh").unwrap()["disabled"]
            .as_str()
            .unwrap()
            .contains("no name-only shell exclusions")
    );
    assert!(
        v["sources"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_str()
            .unwrap()
            .ends_with("site.yaml")
    );
}
