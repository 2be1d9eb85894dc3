//! What `render` prints: a few lines per vendor (files; values written, held back, narrowed,
//! refused, not expressible; how to apply), details only with `-v`. Golden output on the committed
//! example host in both languages; a mistyped `--allow-risk` id is a usage error.

use crate::support;

fn render(out: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let o = support::avexclude()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args([
            "render",
            "--root",
            "examples/hosts/microk8s-upgraded",
            "--vendor",
            "kesl",
            "--vendor",
            "clamav",
            "--vendor",
            "mdatp",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .run();
    (o.code().unwrap_or(-1), o.stdout(), o.stderr())
}

/// The output directory is a temporary one: name it OUT in the golden text.
fn golden(text: &str, out: &std::path::Path) -> String {
    text.replace(&out.display().to_string(), "OUT")
}

#[test]
fn render_summary_en_golden() {
    let d = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = render(d.path(), &["--lang", "en"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("warning["),
        "details only with -v: {stderr}"
    );
    assert!(
        stdout.lines().count() <= 15,
        "a few lines per vendor: {stdout}"
    );
    insta::assert_snapshot!("render_summary_en", golden(&stdout, d.path()));
}

#[test]
fn render_summary_ru_golden() {
    let d = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = render(d.path(), &["--lang", "ru"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("render_summary_ru", golden(&stdout, d.path()));
}

#[test]
fn summary_counts_match_the_files_and_details_come_with_v() {
    let d = tempfile::tempdir().unwrap();
    let (_, stdout, _) = render(d.path(), &["--lang", "en"]);
    // kesl writes its trusted programs one [TrustedPrograms.item_N] section per value
    let kesl_line = stdout
        .lines()
        .skip_while(|l| !l.starts_with("kesl: "))
        .nth(1)
        .unwrap();
    let written: usize = kesl_line.trim().split(' ').next().unwrap().parse().unwrap();
    let bd = std::fs::read_to_string(d.path().join("kesl/behavior-detection.ini")).unwrap();
    let fw = std::fs::read_to_string(d.path().join("kesl/file-threat-protection.ini")).unwrap();
    let ports = std::fs::read_to_string(d.path().join("kesl/bypass-ports.sh")).unwrap();
    let sections = bd.matches("\n[TrustedPrograms.item_").count()
        + fw.matches("\n[ExcludedFromScan.item_").count()
        + ports
            .lines()
            .filter(|l| l.contains("--add-bypass-endpoints"))
            .count();
    assert!(
        sections > 0 && sections <= written,
        "{sections} vs {written}: {kesl_line}"
    );
    // held back ids are named, with how to write them
    assert!(
        stdout.contains("held back (high risk): ") && stdout.contains("--allow-risk ID"),
        "{stdout}"
    );
    // -v: every held-back and narrowed value on stderr, each with its vendor
    let d2 = tempfile::tempdir().unwrap();
    let (_, _, v) = render(d2.path(), &["--lang", "en", "-v"]);
    assert!(
        v.contains("warning[held-back]") && v.contains("kesl: "),
        "{v}"
    );
    // narrowed values, when the summary counts any, are detailed too
    if !stdout.contains(" 0 narrowed") {
        assert!(v.contains("warning[narrowed]"), "{v}");
    }
    // and the files' own headers carry the per-entry details
    assert!(
        bd.contains("proc-bin-sh") || fw.contains("proc-bin-sh"),
        "the narrowed/held-back entries are named in the kesl files"
    );
}

#[test]
fn a_mistyped_allow_risk_id_is_a_usage_error_with_a_suggestion() {
    let d = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = render(d.path(), &["--lang", "en", "--allow-risk", "proc-nod"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("--allow-risk names no catalog entry: proc-nod")
            && stderr.contains("did you mean proc-node?"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        0,
        "nothing written"
    );
    // a real id is accepted and changes what is held back
    let (code, stdout, _) = render(d.path(), &["--lang", "en", "--allow-risk", "proc-node"]);
    assert_eq!(code, 0);
    let held: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("held back (high risk)"))
        .collect();
    assert!(
        held.iter()
            .all(|l| !l.contains("proc-node,") && !l.ends_with("proc-node"))
    );
}
