//! The `export`, `completions` and `man` subcommands, driven as the real binary.

use crate::support::export_fleet as fleet;

use clap::CommandFactory;

use crate::support::{TestCommand, avexclude as bin};

fn subcommands() -> Vec<String> {
    avexclude::cli::Cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect()
}

#[test]
fn bash_completion_names_every_subcommand_and_is_valid_bash() {
    let text = bin()
        .args(["completions", "bash"])
        .run()
        .assert_exit(0)
        .stdout();
    let subs = subcommands();
    assert!(subs.len() >= 8, "{subs:?}");
    for s in &subs {
        assert!(text.contains(s.as_str()), "completion lacks {s}");
    }
    for flag in ["--inventory", "--format", "--lang", "--state", "--root"] {
        assert!(text.contains(flag), "{flag}");
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("avexclude.bash");
    std::fs::write(&f, &text).unwrap();
    let st = TestCommand::new("bash").arg("-n").arg(&f).run();
    assert!(st.success(), "bash -n rejects the completion script: {st}");
    for sh in ["zsh", "fish"] {
        let out = bin().args(["completions", sh]).run();
        out.assert_exit(0);
        assert!(out.stdout_lossy().contains("export"), "{out}");
    }
}

#[test]
fn man_page_is_roff_and_renders() {
    let page = bin().arg("man").run().assert_exit(0).stdout();
    let th = page
        .lines()
        .find(|l| l.starts_with(".TH"))
        .expect(".TH line");
    assert!(th.starts_with(".TH avexclude 1"), "{th}");
    // Before .TH only roff requests (clap_mangen defines a string), nothing else.
    for l in page.lines().take_while(|l| !l.starts_with(".TH")) {
        assert!(l.starts_with('.'), "not roff: {l}");
    }
    for s in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH SUBCOMMANDS",
    ] {
        assert!(page.contains(s), "{s}");
    }
    for s in subcommands() {
        assert!(
            page.contains(&format!("avexclude\\-{}", s.replace('-', "\\-"))),
            "{s}"
        );
    }
    let sub = bin().args(["man", "export"]).run().stdout();
    assert!(sub.contains(".TH avexclude-export 1"));
    assert!(sub.contains("\\-\\-inventory") && sub.contains("\\-\\-state"));
    bin().args(["man", "nope"]).run().assert_exit(2);
    // groff renders it without warnings.
    if let Ok(mut child) = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
    } else {
        eprintln!("note: groff not installed; roff not rendered");
    }
}

#[test]
fn export_of_fleet_report_files_writes_the_document_and_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let files = fleet::write_reports(dir.path());
    let out = dir.path().join("fleet.csv");
    let state = dir.path().join("export-state.json");
    let mut cmd = bin();
    cmd.arg("export");
    for f in &files {
        cmd.arg("--inventory").arg(f);
    }
    let written = cmd
        .args(["--format", "csv", "--lang", "ru"])
        .arg("-o")
        .arg(&out)
        .arg("--state")
        .arg(&state)
        .run();
    written.assert_exit(0);
    assert_eq!(written.stdout(), "", "{written}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("\u{feff}\"Хост\",\"Раздел\",\"Запись\""));
    // In Russian, the section, like every word a reader sees, is Russian.
    assert!(csv.contains("\"elma-mk8s-02\",\"исключение\",\"db-beam-smp-bitnami\""));
    assert!(csv.contains("erts 12.3.1 -> 13.2.2"));
    let st: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(st["hosts"].as_object().unwrap().len(), 5);
    // Again, as Markdown to stdout: nothing changed since.
    let mut cmd = bin();
    cmd.arg("export");
    for f in &files {
        cmd.arg("--inventory").arg(f);
    }
    let out = cmd
        .args(["--format", "markdown"])
        .arg("--state")
        .arg(&state)
        .run();
    out.assert_exit(0);
    let md = out.stdout();
    assert!(
        md.contains("No change since the previous export."),
        "{}",
        &md[md.find("## Changes").unwrap_or(0)..]
            [..2000.min(md.len() - md.find("## Changes").unwrap_or(0))]
    );
    assert!(md.contains("Differs on elma-mk8s-02"));
}

#[test]
fn export_input_errors_exit_2_and_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = fleet::write_reports(dir.path());
    bin()
        .args(["export", "--format", "json"])
        .run()
        .assert_exit(2);
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"entries\": [").unwrap();
    let out = bin()
        .arg("export")
        .arg("--inventory")
        .arg(&bad)
        .args(["--format", "json"])
        .run();
    assert_eq!(out.code(), Some(2), "{out}");
    assert!(out.stderr_lossy().contains("broken.json"), "{out}");
    let state = dir.path().join("state.json");
    std::fs::write(&state, "not json").unwrap();
    let html = dir.path().join("out.html");
    let out = bin()
        .arg("export")
        .arg("--inventory")
        .arg(&files[0])
        .args(["--format", "html", "-o"])
        .arg(&html)
        .arg("--state")
        .arg(&state)
        .run();
    assert_eq!(out.code(), Some(2), "{out}");
    assert!(out.stderr_lossy().contains("state.json"), "{out}");
    assert!(!html.exists(), "nothing written on error");
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "not json",
        "state kept"
    );
}
