//! Every vendor rendered against a host whose paths hold spaces, quotes, `$()`, backticks, a
//! newline followed by a directive, CR, `#`, wildcards, backslashes, markup and invalid UTF-8:
//! no line and no command is injected, the JSON and XML parse, the scripts run (with stub vendor
//! commands first in PATH) and call exactly the expected commands with exactly the expected
//! values, and every value that cannot be carried is refused with a warning.

use crate::support::render_reports as reports;

use std::collections::BTreeSet;
use std::path::Path;

use avexclude::model::HostStr;
use avexclude::render::{self, RenderOptions, escape, vendor};

/// The hostile values a vendor can carry (clean text, accepted by every one of its formats).
fn carried(v: &render::Vendor, suffix: &str) -> BTreeSet<String> {
    reports::HOSTILE
        .iter()
        .filter_map(|b| {
            let mut b = b.to_vec();
            b.extend_from_slice(suffix.as_bytes());
            let h = HostStr(b);
            let s = h.as_str()?.to_string();
            (h.is_clean_text() && vendor::can_carry(v, &s).is_ok()).then_some(s)
        })
        .collect()
}

fn refused_count(v: &render::Vendor) -> usize {
    reports::HOSTILE.len() - carried(v, "").len()
}

const STUB: &str = r#"#!/bin/sh
{ printf '%s' "${0##*/}"; for a in "$@"; do printf '\037%s' "$a"; done; printf '\036'; } >> "$AVX_LOG"
"#;

/// Run `script` with stub vendor commands first in PATH; the argv of every stub call.
fn run_script(script: &[u8], dir: &Path) -> Vec<Vec<String>> {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for cmd in ["kesl-control", "drweb-ctl", "mdatp"] {
        let p = bin.join(cmd);
        std::fs::write(&p, STUB).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let sp = dir.join("script.sh");
    std::fs::write(&sp, script).unwrap();
    let log = dir.join("argv.log");
    let _ = std::fs::remove_file(&log);
    let out = crate::support::TestCommand::new("sh")
        .arg(&sp)
        .current_dir(dir)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("AVX_LOG", &log)
        .run();
    assert!(
        out.success(),
        "script failed: {out}\n{}",
        String::from_utf8_lossy(script)
    );
    assert!(
        out.stdout_bytes().is_empty() && out.stderr_bytes().is_empty(),
        "script printed: {out}"
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    text.split('\u{1e}')
        .filter(|r| !r.is_empty())
        .map(|r| r.split('\u{1f}').map(String::from).collect())
        .collect()
}

fn markers() -> [&'static str; 2] {
    ["/tmp/avx-pwned", "/tmp/avx-pwned2"]
}

/// Non-comment, non-blank lines.
fn data_lines<'a>(text: &'a str, comment: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with(comment))
        .collect()
}

#[test]
fn hostile_paths_never_inject_a_line_or_a_command() {
    for m in markers() {
        let _ = std::fs::remove_file(m);
    }
    let cat = reports::catalog();
    let (report, inv) = reports::hostile();
    let vendors = render::load_vendors(None).unwrap();
    assert_eq!(vendors.len(), 6);
    let tmp = tempfile::tempdir().unwrap();
    for v in &vendors {
        let out = render::render_with(&report, &cat, v, &RenderOptions::default(), Some(&inv))
            .unwrap_or_else(|e| panic!("{}: {e}", v.name()));
        let dirs = carried(v, "");
        let exes = carried(v, "/elma365-svc");
        assert!(
            dirs.len() >= 6,
            "{}: only {} values carried",
            v.name(),
            dirs.len()
        );

        // Every value that could not be carried is refused with a warning, once per entry.
        let refused: Vec<_> = out
            .warnings
            .iter()
            .filter(|w| w.code == "refused-value")
            .collect();
        let expect_refused = if v.descriptor.accepts.process_path {
            2 * refused_count(v)
        } else {
            refused_count(v)
        };
        assert_eq!(refused.len(), expect_refused, "{}: {:?}", v.name(), refused);
        for w in &refused {
            assert!(!w.message.contains('\n') && !w.message.contains('\r'));
        }

        for f in &out.files {
            let name = f.path.file_name().unwrap().to_str().unwrap().to_string();
            let text = String::from_utf8(f.bytes.clone()).expect("output is UTF-8");
            assert!(!text.contains('\r'), "{}: CR in output", f.path.display());
            let ctx = format!("{}:\n{text}", f.path.display());
            match name.rsplit('.').next().unwrap() {
                "json" => {
                    let j: serde_json::Value = serde_json::from_str(&text).expect(&ctx);
                    let mut found = BTreeSet::new();
                    collect_paths(&j, &mut found);
                    let want: BTreeSet<String> = dirs.union(&exes).cloned().collect();
                    assert_eq!(found, want, "{ctx}");
                }
                "xml" => {
                    let doc = roxmltree::Document::parse(&text).expect(&ctx);
                    let values: BTreeSet<String> = doc
                        .descendants()
                        .filter(|n| n.has_tag_name("NODE"))
                        .map(|n| n.attribute("VALUE").unwrap().to_string())
                        .collect();
                    let want: BTreeSet<String> = dirs
                        .iter()
                        .map(|d| format!("{d}/*"))
                        .chain(exes.iter().cloned())
                        .collect();
                    assert_eq!(values, want, "{ctx}");
                }
                "sh" => {
                    let calls = run_script(&f.bytes, tmp.path());
                    for m in markers() {
                        assert!(
                            !Path::new(m).exists(),
                            "{}: {m} was created",
                            f.path.display()
                        );
                    }
                    check_calls(v.name(), &name, &calls, &dirs, &exes, &v.descriptor.params);
                }
                "conf" => {
                    let mut seen_dirs = BTreeSet::new();
                    for l in data_lines(&text, "#") {
                        let (k, val) = l.split_once(' ').expect(&ctx);
                        match k {
                            "ExcludePath" => {
                                let d = dirs
                                    .iter()
                                    .find(|d| escape::clamd_regex_dir(d).unwrap() == val)
                                    .unwrap_or_else(|| panic!("unexpected line {l:?} in {ctx}"));
                                seen_dirs.insert(d.clone());
                            }
                            "OnAccessExcludePath" => {
                                assert!(dirs.contains(val), "unexpected line {l:?} in {ctx}");
                                seen_dirs.insert(val.to_string());
                            }
                            _ => panic!("unexpected directive {l:?} in {ctx}"),
                        }
                    }
                    assert_eq!(seen_dirs, dirs, "{ctx}");
                }
                "args" => {
                    let got: BTreeSet<&str> = text.lines().collect();
                    let want: BTreeSet<String> = dirs
                        .iter()
                        .map(|d| format!("--exclude-dir={}", escape::clamd_regex_dir(d).unwrap()))
                        .collect();
                    assert_eq!(got, want.iter().map(String::as_str).collect(), "{ctx}");
                }
                "ini" if v.name() == "drweb" => {
                    let mut got = BTreeSet::new();
                    for l in data_lines(&text, "#") {
                        if l == "[LinuxSpider]" {
                            continue;
                        }
                        let (k, val) = l.split_once(" = ").expect(&ctx);
                        assert!(k == "ExcludedPath" || k == "ExcludedProc", "{l:?} in {ctx}");
                        let inner = val
                            .strip_prefix('"')
                            .and_then(|x| x.strip_suffix('"'))
                            .expect(&ctx);
                        assert!(!inner.contains('"'));
                        got.insert(inner.to_string());
                    }
                    let want: BTreeSet<String> = dirs.union(&exes).cloned().collect();
                    assert_eq!(got, want, "{ctx}");
                }
                "ini" => {
                    // KESL: sections, `Key=Value`; Path / ProgramPath values are the carried ones.
                    let mut got = BTreeSet::new();
                    for l in data_lines(&text, ";") {
                        if l.starts_with('[') {
                            assert!(
                                l.starts_with("[ExcludedFromScanScope.item_")
                                    || l.starts_with("[TrustedPrograms.item_"),
                                "{l:?} in {ctx}"
                            );
                            continue;
                        }
                        let (k, val) = l.split_once('=').expect(&ctx);
                        let bare = val
                            .strip_prefix('"')
                            .and_then(|x| x.strip_suffix('"'))
                            .unwrap_or(val);
                        assert!(!bare.contains('"'), "{l:?}");
                        match k {
                            "Path" | "ProgramPath" => {
                                got.insert(bare.to_string());
                            }
                            "AreaDesc" | "UseScanArea" | "AreaMask.item_0000"
                            | "ApplyToDescendants" | "ProgramDesc" | "UseTrustedProgram"
                            | "UseTrustedPrograms" => {}
                            _ => panic!("unexpected key {l:?} in {ctx}"),
                        }
                    }
                    let want: BTreeSet<String> = if name.starts_with("behavior") {
                        exes.clone()
                    } else {
                        dirs.clone()
                    };
                    assert_eq!(got, want, "{ctx}");
                }
                "txt" => {
                    let got: BTreeSet<String> = text.lines().map(String::from).collect();
                    let want: BTreeSet<String> = if name.starts_with("excluded-processes") {
                        exes.clone()
                    } else {
                        dirs.iter().map(|d| format!("{d}/*")).collect()
                    };
                    assert_eq!(got, want, "{ctx}");
                }
                "csv" => {
                    let rows = parse_csv(&text);
                    assert_eq!(rows[0][0], "value");
                    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{ctx}");
                    let got: BTreeSet<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
                    let want: BTreeSet<String> = dirs.union(&exes).cloned().collect();
                    assert_eq!(got, want, "{ctx}");
                }
                other => panic!("no check for .{other} ({})", f.path.display()),
            }
        }
    }
}

fn collect_paths(j: &serde_json::Value, out: &mut BTreeSet<String>) {
    match j {
        serde_json::Value::Object(m) => {
            for k in ["path", "name"] {
                if let Some(serde_json::Value::String(s)) = m.get(k) {
                    out.insert(s.clone());
                }
            }
            if m.get("kind").is_some()
                && let Some(serde_json::Value::String(s)) = m.get("value")
            {
                out.insert(s.clone());
            }
            for (k, v) in m {
                if k != "refused" && k != "generated" {
                    collect_paths(v, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_paths(v, out)),
        _ => {}
    }
}

fn check_calls(
    vendor: &str,
    file: &str,
    calls: &[Vec<String>],
    dirs: &BTreeSet<String>,
    exes: &BTreeSet<String>,
    params: &serde_json::Value,
) {
    let s = |x: &str| x.to_string();
    let mut want: Vec<Vec<String>> = Vec::new();
    match (vendor, file) {
        ("kesl", "apply.sh") => {
            for t in params["tasks"].as_array().unwrap() {
                for d in dirs {
                    want.push(vec![
                        s("kesl-control"),
                        s("--set-settings"),
                        s(t.as_str().unwrap()),
                        s("--add-exclusion"),
                        d.clone(),
                    ]);
                }
            }
        }
        ("kesl", "bypass-ports.sh") => {}
        ("drweb", "apply.sh") => {
            for d in dirs {
                want.push(vec![
                    s("drweb-ctl"),
                    s("cfset"),
                    s("LinuxSpider.ExcludedPath"),
                    s("-a"),
                    d.clone(),
                ]);
            }
            for e in exes {
                want.push(vec![
                    s("drweb-ctl"),
                    s("cfset"),
                    s("LinuxSpider.ExcludedProc"),
                    s("-a"),
                    e.clone(),
                ]);
            }
        }
        ("mdatp", "apply.sh") => {
            for d in dirs {
                want.push(vec![
                    s("mdatp"),
                    s("exclusion"),
                    s("folder"),
                    s("add"),
                    s("--path"),
                    d.clone(),
                    s("--scope"),
                    s("epp"),
                ]);
            }
            for e in exes {
                want.push(vec![
                    s("mdatp"),
                    s("exclusion"),
                    s("process"),
                    s("add"),
                    s("--path"),
                    e.clone(),
                    s("--scope"),
                    s("epp"),
                ]);
            }
        }
        other => panic!("no expectation for {other:?}"),
    }
    // Read-only listing calls (the scripts skip what the product already has) are not adds.
    let listing = |c: &Vec<String>| {
        c.iter().any(|a| {
            a == "cfshow" || a == "list" || a == "--get-settings" || a == "--list-bypass-endpoints"
        })
    };
    let mut got: Vec<Vec<String>> = calls.iter().filter(|c| !listing(c)).cloned().collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{vendor}/{file}");
}

/// RFC 4180 reader (quoted cells, doubled quotes, no newlines in cells here).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let mut cells = Vec::new();
            let mut cur = String::new();
            let mut inq = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (inq, c) {
                    (true, '"') if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    (true, '"') => inq = false,
                    (false, '"') => inq = true,
                    (false, ',') => cells.push(std::mem::take(&mut cur)),
                    (_, c) => cur.push(c),
                }
            }
            assert!(!inq, "unbalanced quote in {line:?}");
            cells.push(cur);
            cells
        })
        .collect()
}
