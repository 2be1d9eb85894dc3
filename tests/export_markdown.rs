//! The Markdown export people print, diff and archive, pinned as a whole (style review point
//! 10d): `avexclude export --format markdown` on the fixture fleet (`support::export_fleet`, the
//! reports `check` gives for the five fixture hosts), in English and in Russian. What depends on
//! the day the test runs (the export time, each host's age, the version) or on the temporary
//! directory is replaced by a fixed word before the comparison; everything else is the bytes the
//! binary wrote.

use std::path::Path;

use crate::support;
use crate::support::export_fleet as fleet;

/// Export the fleet as Markdown to stdout in `lang`; the document with what varies between runs
/// normalised.
fn markdown(lang: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let files = fleet::write_reports(dir.path());
    let mut cmd = support::avexclude();
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .arg("export");
    for f in &files {
        cmd.arg("--inventory").arg(f);
    }
    // The reports are dated 2026-11-24: far enough in the past, any threshold would mark them
    // stale one day; a large one keeps the stale marks out of a snapshot that must not age.
    let ran = cmd
        .args([
            "--format",
            "markdown",
            "--stale-after",
            "100000",
            "--lang",
            lang,
        ])
        .run();
    ran.assert_exit(0);
    assert_eq!(ran.stderr(), "", "{ran}");
    normalise(&ran.stdout(), dir.path())
}

fn normalise(md: &str, dir: &Path) -> String {
    let mut md = md.replace(&dir.display().to_string(), "DIR");
    md = md.replace(
        &format!("avexclude {}", env!("CARGO_PKG_VERSION")),
        "avexclude VERSION",
    );
    // Each host's age counts from today: "(6 days old)" / "(6 дн. назад)" become "(N ...)".
    for unit in [" days old)", " дн. назад)"] {
        md = ages_to_n(&md, unit);
    }
    md
}

/// Replace the number in every `(<digits><unit>` with `N`.
fn ages_to_n(text: &str, unit: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(unit) {
        let head = &rest[..i];
        let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let start = i - digits;
        if digits > 0 && head[..start].ends_with('(') {
            out.push_str(&head[..start]);
            out.push('N');
        } else {
            out.push_str(head);
        }
        out.push_str(unit);
        rest = &rest[i + unit.len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn ages_are_normalised_and_nothing_else() {
    assert_eq!(
        ages_to_n(
            "a (6 days old) | b (123 days old) (x days old)",
            " days old)"
        ),
        "a (N days old) | b (N days old) (x days old)"
    );
}

#[test]
fn markdown_export_of_the_fleet_in_english() {
    let md = markdown("en");
    assert!(md.starts_with("# "), "{md}");
    insta::assert_snapshot!("markdown_export_fleet_en", md);
}

#[test]
fn markdown_export_of_the_fleet_in_russian() {
    let md = markdown("ru");
    assert!(md.starts_with("# "), "{md}");
    insta::assert_snapshot!("markdown_export_fleet_ru", md);
}
