//! Every malformed catalog overlay is refused with a precise `file:line:column: error[code]`,
//! exit status 2, and no panic. One file per defect in `tests/bad_catalogs/` (as bottom does).

use std::path::{Path, PathBuf};

use crate::support;

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
    ("bad-shape.yaml", "2:1", "bad-shape", "shape 'float'"),
    (
        "placeholder-redefined.yaml",
        "2:1",
        "placeholder-redefined",
        "already defined with shape 'version'",
    ),
    (
        "bad-namespace.yaml",
        "2:1",
        "bad-namespace",
        "'Site_Apps' is not a Kubernetes name",
    ),
    // `discovery` is the export's word for a finding in no catalog, not a catalog file's
    (
        "unknown-origin.yaml",
        "12:13",
        "unknown-value",
        "unknown variant `vendr`, expected one of `vendor`, `avexclude`, `site`, `deckhouse`",
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
            let out = support::avexclude()
                .args(sub)
                .args(["--catalog", &path])
                .run();
            let err = out.stderr_lossy();
            assert_eq!(out.code(), Some(2), "{file} {sub:?}: {out}");
            assert!(
                out.stdout_bytes().is_empty(),
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

fn bad_catalogs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_catalogs")
}

/// The bad catalogs, by file name, sorted.
fn bad_catalog_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(bad_catalogs())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

/// The whole of `catalog lint`'s stderr for each bad catalog is pinned by a snapshot
/// (`snapshots/tests__catalog_lint__bad__<file stem>.snap`): code, position, message, the source
/// line and the caret. The catalog is named by its absolute path, as a user would, and the
/// directory is written `[bad_catalogs]` so the snapshot does not depend on the checkout. The
/// line of a builtin entry (`duplicate-builtin-id`) is masked: it moves whenever the shipped
/// catalog is edited above it, and the position table above already pins the file's own caret.
#[test]
fn each_bad_catalog_lint_output_is_pinned_by_a_snapshot() {
    let dir = bad_catalogs();
    let builtin = regex::Regex::new(r"builtin:exclusions/([a-z0-9.-]+):\d+:\d+").unwrap();
    for file in bad_catalog_files() {
        let out = support::avexclude()
            .args(["catalog", "lint", "--catalog"])
            .arg(dir.join(&file))
            .run();
        out.assert_exit(2);
        assert!(out.stdout_bytes().is_empty(), "{file}: {out}");
        let err = out
            .stderr_lossy()
            .replace(&format!("{}/", dir.display()), "[bad_catalogs]/");
        let err = builtin.replace_all(&err, "builtin:exclusions/$1:[line]:[column]");
        let stem = file.trim_end_matches(".yaml");
        insta::assert_snapshot!(format!("bad__{stem}"), err);
    }
}

/// Every bad catalog has its snapshot and a row in `CASES` (what the file is meant to test), and
/// no snapshot outlives its file: the snapshot test alone would silently write a missing one
/// under `INSTA_UPDATE=always`. To add a defect: the file in `tests/bad_catalogs/`, its row in
/// `CASES`, then `INSTA_UPDATE=always cargo test --test tests catalog_lint` and read the new
/// `.snap` before committing it.
#[test]
fn every_bad_catalog_has_a_snapshot_and_a_case() {
    let files = bad_catalog_files();
    assert!(files.len() >= CASES.len(), "{files:?}");
    let snaps = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for file in &files {
        let stem = file.trim_end_matches(".yaml");
        let snap = snaps.join(format!("tests__catalog_lint__bad__{stem}.snap"));
        assert!(snap.is_file(), "{file} has no snapshot {}", snap.display());
        assert!(
            CASES.iter().any(|c| c.0 == file),
            "{file} has no row in CASES (its position, code and phrase)"
        );
    }
    for e in std::fs::read_dir(&snaps).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name
            .strip_prefix("tests__catalog_lint__bad__")
            .and_then(|n| n.strip_suffix(".snap"))
        {
            assert!(
                files.contains(&format!("{stem}.yaml")),
                "snapshot {name} has no bad catalog"
            );
        }
    }
}

#[test]
fn the_offending_line_is_shown_with_a_caret() {
    let err = support::avexclude()
        .args([
            "catalog",
            "lint",
            "--catalog",
            "tests/bad_catalogs/unknown-kind.yaml",
        ])
        .run()
        .stderr_lossy();
    assert!(
        err.contains("4 |     kind: folder\n  |           ^"),
        "{err}"
    );
}

#[test]
fn a_missing_overlay_file_is_an_input_error() {
    let out = support::avexclude()
        .args([
            "catalog",
            "lint",
            "--catalog",
            "tests/bad_catalogs/does-not-exist.yaml",
        ])
        .run();
    assert_eq!(out.code(), Some(2), "{out}");
    assert!(
        out.stderr_lossy()
            .contains("does-not-exist.yaml:1:1: error[io]: cannot read"),
        "{out}"
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
    let v = support::avexclude()
        .args(["catalog", "show", "--format", "json", "--catalog"])
        .arg(&f)
        .assert_exit(0)
        .stdout_json();
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
