//! The `check` table people read: the verdict first, then only what needs action (each with the
//! command to run next), counts for the rest, warnings once. Golden output on the committed
//! example host (`examples/hosts/microk8s-upgraded`) in both languages, at a fixed width.

use std::path::PathBuf;

use crate::support;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/hosts/microk8s-upgraded")
}

/// Run `check` on the example host from the repository root (so `--root` prints relative), with
/// a fixed width and no locale from the environment.
fn check(extra: &[&str], columns: &str) -> (i32, String, String) {
    let out = support::avexclude()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("COLUMNS", columns)
        .env_remove("NO_COLOR")
        .args(["check", "--root", "examples/hosts/microk8s-upgraded"])
        .args(extra)
        .run();
    (out.code().unwrap_or(-1), out.stdout(), out.stderr())
}

#[test]
fn check_table_en_golden() {
    assert!(example().is_dir());
    let (code, out, err) = check(&["--lang", "en"], "100");
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err, "",
        "nothing on stderr: warnings belong to the table, once"
    );
    insta::assert_snapshot!("check_table_en", out);
}

#[test]
fn check_table_ru_golden() {
    let (code, out, err) = check(&["--lang", "ru"], "100");
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("check_table_ru", out);
}

#[test]
fn problems_come_first_and_fine_entries_are_counts() {
    let (_, out, _) = check(&["--lang", "en"], "100");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("elma365-node-1: ") && lines[0].contains(" need action (5 drifted, "),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("38 present, 10 absent, 0 disabled of 53 entries"));
    let first_drift = lines
        .iter()
        .position(|l| l.contains("erts 12.3.1 -> 14.2.5"));
    assert!(
        first_drift.is_some_and(|i| i < 8),
        "drift near the top: {out}"
    );
    // present entries are not listed by default, only counted
    assert!(!out.contains("proc-kube-controllers"), "{out}");
    assert!(out.contains("--all lists them"));
    // each problem section ends with the command to run
    assert!(out.contains(
        "        avexclude render --root examples/hosts/microk8s-upgraded --vendor VENDOR --out DIR\n"
    ));
    assert!(out.contains("avexclude accept --root examples/hosts/microk8s-upgraded --state FILE"));
    // --all lists everything, by component
    let (_, all, _) = check(&["--lang", "en", "--all"], "100");
    assert!(all.contains("proc-kube-controllers"));
    assert!(all.contains("proc-coredns") && all.contains("dir-docker-overlay2"));
    assert!(all.lines().count() > out.lines().count() + 60);
}

#[test]
fn table_width_follows_columns_and_long_paths_wrap_under_their_entry() {
    for cols in ["80", "100", "160"] {
        let (_, out, _) = check(&["--lang", "en", "-v"], cols);
        let w: usize = cols.parse().unwrap();
        // commands stay on one line so they can be pasted; everything else fits
        for l in out
            .lines()
            .filter(|l| !l.trim_start().starts_with("avexclude "))
        {
            assert!(
                l.chars().count() <= w,
                "{cols} columns: {} > {w}: {l}",
                l.chars().count()
            );
        }
    }
    let (_, narrow, _) = check(&["--lang", "en"], "80");
    // the overlay path of beam.smp continues on the next line, indented under the value
    let i = narrow
        .lines()
        .position(|l| l.contains("on host: /var/snap/microk8s/common/var/lib/containerd/"))
        .expect(&narrow);
    // the continuation lines sit under the value and give back the whole path
    let lines: Vec<&str> = narrow.lines().collect();
    let mut path = lines[i].split_once("on host: ").unwrap().1.to_string();
    for l in &lines[i + 1..] {
        if !l.starts_with("               /") && !l.starts_with("               ") {
            break;
        }
        if l.trim_start().starts_with("on host:") || l.trim_start().starts_with("listed:") {
            break;
        }
        path.push_str(l.trim_start());
    }
    assert!(path.ends_with("/erts-14.2.5/bin/beam.smp"), "{path}");
    assert!(path.starts_with("/var/snap/microk8s/common/var/lib/containerd/io.containerd"));
}

#[test]
fn warnings_are_printed_once_and_summarised_by_code() {
    // A host whose processes vanish while read: the scan warns (see discover_robust.rs); any
    // warning will do, so take the hostile host, which warns about its bad entries.
    let d = tempfile::tempdir().unwrap();
    support::hosts::hostile(d.path());
    let out = support::avexclude()
        .env("COLUMNS", "100")
        .args(["--lang", "en", "check", "--root"])
        .arg(d.path())
        .run();
    let stdout = out.stdout();
    let stderr = out.stderr();
    assert!(!stderr.contains("warning["), "not on stderr too: {stderr}");
    let r = support::avexclude()
        .args(["check", "--format", "json", "--root"])
        .arg(d.path())
        .run()
        .stdout_json();
    let n = r["warnings"].as_array().map_or(0, |w| w.len());
    if n == 0 {
        assert!(!stdout.contains("warnings ("), "{stdout}");
        return;
    }
    let summary: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("warnings ("))
        .collect();
    assert_eq!(summary.len(), 1, "{stdout}");
    assert!(summary[0].starts_with(&format!("warnings ({n}): ")));
    assert!(summary[0].ends_with("; details with -v"));
    assert!(!stdout.contains("warning["), "details only with -v");
    let vs = support::avexclude()
        .env("COLUMNS", "100")
        .args(["--lang", "en", "check", "-v", "--root"])
        .arg(d.path())
        .run()
        .stdout();
    assert_eq!(vs.matches("  warning[").count(), n, "{vs}");
}

#[test]
fn lang_defaults_from_the_locale() {
    let run = |vars: &[(&str, &str)]| {
        let mut c = support::avexclude();
        c.current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG");
        for (k, v) in vars {
            c.env(k, v);
        }
        c.args(["check", "--root", "examples/hosts/microk8s-upgraded"])
            .run()
            .stdout()
    };
    assert!(run(&[("LANG", "ru_RU.UTF-8")]).contains("требуют действий"));
    assert!(run(&[("LANG", "en_US.UTF-8")]).contains("need action"));
    // LC_ALL wins over LANG, LC_MESSAGES over LANG
    assert!(run(&[("LANG", "ru_RU.UTF-8"), ("LC_ALL", "C")]).contains("need action"));
    assert!(run(&[("LANG", "C"), ("LC_MESSAGES", "ru_RU.UTF-8")]).contains("требуют действий"));
    assert!(run(&[]).contains("need action"));
}
