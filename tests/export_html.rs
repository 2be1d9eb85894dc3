//! The HTML export: self-contained, escaped, rows marked; rendered in a real headless Chromium.

use crate::support::export_fleet as fleet;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use avexclude::export::{ExportFormat, Lang, export};

fn html_of(reports: &[avexclude::model::Report], lang: Lang) -> String {
    String::from_utf8(export(reports, ExportFormat::Html, lang, None).unwrap()).unwrap()
}

/// Rows (`<tr ...>` opening tags) of the table with `id`.
fn table_rows<'a>(html: &'a str, id: &str) -> Vec<&'a str> {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = start + html[start..].find("</table>").unwrap();
    html[start..end]
        .split("<tr ")
        .skip(1)
        .map(|s| &s[..s.find('>').unwrap()])
        .collect()
}

fn assert_self_contained(html: &str) {
    // Every tag of the page: none may fetch anything. Text content cannot hold a raw `<`.
    let mut scripts = 0;
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = rest[..end].to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(
            ![
                "link", "img", "iframe", "object", "embed", "base", "frame", "audio", "video",
                "source", "form"
            ]
            .contains(&name.as_str()),
            "fetching or injected tag <{tag}>"
        );
        for attr in [
            " src=", " href=", " action=", " srcset=", " onerror", " onload", " onclick",
        ] {
            assert!(!tag.contains(attr), "tag <{tag}> has {attr}");
        }
        if name == "script" && !tag.starts_with('/') {
            scripts += 1;
            assert_eq!(tag, "script", "only an inline script");
        }
    }
    assert_eq!(scripts, 1, "exactly one inline script");
    let lower = html.to_ascii_lowercase();
    assert_eq!(lower.matches("<style").count(), 1);
    assert!(!lower.contains("@import") && !lower.contains("url("));
    assert!(lower.contains("content-security-policy"));
    assert!(lower.contains("default-src 'none'"));
    assert!(lower.contains("connect-src 'none'"));
}

#[test]
fn html_is_self_contained_sortable_and_marks_risky_drifted_and_differing_rows() {
    let (_, reports) = fleet::fleet();
    let html = html_of(&reports, Lang::En);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&html);
    assert!(!html.contains("http://") && !html.contains("https://"));
    // The CSP hashes match the inline script and style, or the browser would block them.
    for (tag, dir) in [("script", "script-src"), ("style", "style-src")] {
        let open = format!("<{tag}>");
        let s = html.find(&open).unwrap() + open.len();
        let e = s + html[s..].find(&format!("</{tag}>")).unwrap();
        let want = avexclude::export::html::csp_hash(&html[s..e]);
        assert!(html.contains(&format!("{dir} {want}")), "{dir} hash");
    }
    let rows = table_rows(&html, "exclusions");
    let expected: usize = reports
        .iter()
        .map(|r| {
            r.entries
                .iter()
                .filter(|e| !e.id.starts_with("fw-"))
                .map(|e| e.matches.len().max(1))
                .sum::<usize>()
        })
        .sum();
    assert_eq!(rows.len(), expected);
    let up = rows
        .iter()
        .find(|r| r.contains("data-host=\"elma-mk8s-02\"") && r.contains("db-beam-smp-bitnami"))
        .unwrap();
    assert!(
        up.contains("status-drifted") && up.contains("differs"),
        "{up}"
    );
    let sh = rows
        .iter()
        .find(|r| r.contains("data-entry=\"proc-bin-sh\""))
        .unwrap();
    assert!(sh.contains("risk-high"), "{sh}");
    let seed = rows
        .iter()
        .find(|r| r.contains("data-host=\"elma-mk8s-01\"") && r.contains("db-beam-smp-bitnami"))
        .unwrap();
    assert!(!seed.contains("differs") && seed.contains("status-present"));
    // Differences section, audit section separate, unlisted separate.
    assert!(html.contains("id=\"differences\""));
    assert!(
        table_rows(&html, "audit")
            .iter()
            .all(|r| r.contains("data-entry=\"fw-"))
    );
    assert_eq!(table_rows(&html, "unlisted").len(), 2);
    assert!(html.contains("class=\"rows sortable\""));
    // Russian headings.
    let ru = html_of(&reports, Lang::Ru);
    assert!(ru.contains("<html lang=\"ru\">"));
    assert!(ru.contains("Различия между хостами"));
    assert!(ru.contains("Виртуальная машина Erlang"));
}

#[test]
fn hostile_values_are_escaped_text_in_html() {
    let cat = fleet::catalog();
    let html = html_of(&[fleet::hostile(&cat)], Lang::En);
    assert_self_contained(&html);
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("</td></tr><tr><td>injected"));
    assert!(!html.contains("<b>c</b>"));
    assert!(html.contains("/opt/evil/&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("/opt/evil/&quot;quoted&quot; &#39;single&#39;"));
    assert!(html.contains("/opt/evil/\\xff\\xfe-not-utf8"));
    assert!(html.contains("evil&lt;host&gt;|&quot;1&quot;"));
    // Every value is still one row.
    assert_eq!(
        table_rows(&html, "exclusions")
            .iter()
            .filter(|r| r.contains("data-entry=\"dir-opt-elma365\""))
            .count(),
        fleet::HOSTILE_VALUES.len()
    );
}

/// Chromium, or None with a note (a failure under AVEXCLUDE_REQUIRE_REAL=1).
fn chromium() -> Option<PathBuf> {
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {c}"))
            .output()
            && out.status.success()
        {
            return Some(PathBuf::from(
                String::from_utf8_lossy(&out.stdout).trim().to_string(),
            ));
        }
    }
    if std::env::var("AVEXCLUDE_REQUIRE_REAL").as_deref() == Ok("1") {
        panic!("chromium is not installed (apt-get install chromium) and AVEXCLUDE_REQUIRE_REAL=1");
    }
    eprintln!("note: chromium not installed; skipping the real-browser HTML test");
    None
}

/// Run headless Chromium on `page` with `extra` arguments; kill it after 90 s.
fn run_chromium(
    bin: &Path,
    profile: &Path,
    page: &Path,
    extra: &[String],
) -> (bool, String, String) {
    // bounded: a Chromium that hangs fails the test; both pipes are drained while it runs, so a
    // DOM larger than the pipe buffer cannot block it
    let r = crate::support::TestCommand::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .env("HOME", profile)
        .timeout(Duration::from_secs(90))
        .run();
    (r.success(), r.stdout_lossy(), r.stderr_lossy())
}

#[test]
fn html_renders_in_headless_chromium_with_the_table_sorted_and_rows_marked() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_, reports) = fleet::fleet();
    let page = dir.path().join("fleet.html");
    std::fs::write(
        &page,
        export(&reports, ExportFormat::Html, Lang::En, None).unwrap(),
    )
    .unwrap();

    // DOM after the script ran: the default sort applied and the row count recorded.
    let profile = tempfile::tempdir().unwrap();
    let (ok, dom, err) = run_chromium(&bin, profile.path(), &page, &["--dump-dom".into()]);
    assert!(ok, "chromium --dump-dom failed: {err}");
    let table_start = dom.find("id=\"exclusions\"").expect("table rendered");
    let tag_start = dom[..table_start].rfind("<table").unwrap();
    let tag = &dom[tag_start..tag_start + dom[tag_start..].find('>').unwrap()];
    assert!(
        tag.contains("data-sorted=\"order:asc\""),
        "script did not sort: {tag}"
    );
    let rows = table_rows(&dom, "exclusions");
    assert!(
        tag.contains(&format!("data-rows=\"{}\"", rows.len())),
        "{tag}"
    );
    assert!(rows.len() > 100, "{}", rows.len());
    assert!(rows.iter().filter(|r| r.contains("risk-high")).count() >= 5);
    assert!(
        rows.iter()
            .any(|r| r.contains("differs") && r.contains("status-drifted"))
    );
    assert!(dom.contains("aria-sort=\"ascending\""));
    // A CSP violation would have blocked the script: no data-sorted then. Console errors too:
    assert!(!err.contains("Content Security Policy"), "{err}");

    // Screenshot: a real PNG of some size, showing the marked rows.
    let shot = dir.path().join("fleet.png");
    let profile2 = tempfile::tempdir().unwrap();
    let (ok, _, err) = run_chromium(
        &bin,
        profile2.path(),
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1800,4000".into(),
        ],
    );
    assert!(ok, "chromium --screenshot failed: {err}");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(w >= 1000 && h >= 2000, "{w}x{h}");
    assert!(
        png.len() > 50_000,
        "a blank page compresses to almost nothing: {} bytes",
        png.len()
    );
    if let Ok(keep) = std::env::var("AVEXCLUDE_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// Risk sorts by severity (high, medium, low), not by its words, in both languages: the page is
/// opened with `#sort=risk:desc` and the DOM after the script ran is read back.
#[test]
fn risk_and_status_sort_by_severity_in_chromium() {
    let Some(bin) = chromium() else { return };
    let (_, reports) = fleet::fleet();
    for lang in [Lang::En, Lang::Ru] {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("fleet.html");
        std::fs::write(
            &page,
            export(&reports, ExportFormat::Html, lang, None).unwrap(),
        )
        .unwrap();
        // (unlisted rows have a table of their own: here drifted comes first)
        for (key, order) in [("risk", ["3", "2", "1"]), ("status", ["1", "2", "4"])] {
            let dir_s = if key == "risk" { "desc" } else { "asc" };
            let url = PathBuf::from(format!("{}#sort={key}:{dir_s}", page.display()));
            let profile = tempfile::tempdir().unwrap();
            let (ok, dom, err) = run_chromium(&bin, profile.path(), &url, &["--dump-dom".into()]);
            assert!(ok, "{err}");
            let table_start = dom.find("id=\"exclusions\"").expect("table rendered");
            let tag_start = dom[..table_start].rfind("<table").unwrap();
            let tag = &dom[tag_start..tag_start + dom[tag_start..].find('>').unwrap()];
            assert!(
                tag.contains(&format!("data-sorted=\"{key}:{dir_s}\"")),
                "{tag}"
            );
            // the column's sort keys, in row order
            let attr = if key == "risk" {
                "class=\"nw\" data-sort=\""
            } else {
                "class=\"st\" data-sort=\""
            };
            let start = dom.find("id=\"exclusions\"").unwrap();
            let body = &dom[start..start + dom[start..].find("</table>").unwrap()];
            let keys: Vec<&str> = body
                .split("<tr ")
                .skip(2) // the head row
                .filter_map(|r| r.split(attr).nth(1).and_then(|t| t.split('"').next()))
                .collect();
            assert!(keys.len() > 100, "{}", keys.len());
            let mut sorted = keys.clone();
            if dir_s == "desc" {
                sorted.sort_by(|a, b| b.cmp(a));
            } else {
                sorted.sort();
            }
            assert_eq!(keys, sorted, "{key} not by severity ({lang:?})");
            assert_eq!(keys[0], order[0], "{key}: most severe first");
            assert!(keys.contains(&order[1]) && keys.contains(&order[2]));
        }
    }
}
