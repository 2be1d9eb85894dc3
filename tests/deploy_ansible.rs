//! deploy/ansible: the playbook parses, copies the binary, discovers on each host, fetches the
//! inventories, then checks, renders and exports on the control node.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn playbook_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/ansible/site.yml")
}

fn playbook() -> Vec<Value> {
    let text = std::fs::read_to_string(playbook_path()).unwrap();
    let v: Value = avexclude::yaml::from_str(&text).unwrap_or_else(|e| panic!("{e:?}"));
    v.as_array().expect("a playbook is a list of plays").clone()
}

fn module(task: &Value) -> (&str, &Value) {
    let obj = task.as_object().unwrap();
    obj.iter()
        .find(|(k, _)| k.starts_with("ansible.builtin."))
        .map(|(k, v)| (k.as_str(), v))
        .unwrap_or_else(|| panic!("task without a fully-qualified module: {task}"))
}

fn argv_text(v: &Value) -> String {
    match &v["argv"] {
        Value::Null => String::new(),
        Value::Array(a) => a
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Value::String(s) => s.clone(),
        other => panic!("argv: {other}"),
    }
}

#[test]
fn playbook_collects_on_hosts_then_checks_renders_and_exports_centrally() {
    let plays = playbook();
    assert_eq!(plays.len(), 2);
    let (hosts, control) = (&plays[0], &plays[1]);
    for p in &plays {
        assert!(p["name"].as_str().is_some_and(|n| !n.is_empty()));
        for t in p["tasks"].as_array().unwrap() {
            assert!(
                t["name"].as_str().is_some_and(|n| !n.is_empty()),
                "unnamed task {t}"
            );
        }
    }
    // Play 1, on the hosts: copy → discover → fetch, in that order.
    assert_eq!(hosts["become"], true);
    let tasks = hosts["tasks"].as_array().unwrap();
    let mods: Vec<&str> = tasks.iter().map(|t| module(t).0).collect();
    let pos = |m: &str| {
        mods.iter()
            .position(|x| *x == m)
            .unwrap_or_else(|| panic!("no {m}"))
    };
    let copy = &tasks[pos("ansible.builtin.copy")];
    assert_eq!(module(copy).1["dest"], "/usr/local/bin/avexclude");
    assert_eq!(module(copy).1["mode"], "0755");
    let cmd = tasks
        .iter()
        .find(|t| module(t).0 == "ansible.builtin.command")
        .unwrap();
    let discover = argv_text(module(cmd).1);
    assert!(
        discover.starts_with("/usr/local/bin/avexclude discover"),
        "{discover}"
    );
    let out = module(cmd).1["argv"].as_array().unwrap();
    let o = out.iter().position(|a| a == "-o").unwrap();
    let inv_path = out[o + 1].as_str().unwrap();
    let fetch = &tasks[pos("ansible.builtin.fetch")];
    assert_eq!(
        module(fetch).1["src"],
        inv_path,
        "fetches what discover wrote"
    );
    assert_eq!(module(fetch).1["flat"], true);
    assert!(
        module(fetch).1["dest"]
            .as_str()
            .unwrap()
            .contains("{{ inventory_hostname }}")
    );
    assert!(
        pos("ansible.builtin.copy")
            < mods
                .iter()
                .position(|m| *m == "ansible.builtin.command")
                .unwrap()
    );
    assert!(
        mods.iter()
            .position(|m| *m == "ansible.builtin.command")
            .unwrap()
            < pos("ansible.builtin.fetch")
    );
    // The discover command line is valid for the real CLI.
    use clap::Parser;
    avexclude::cli::Cli::try_parse_from(
        out.iter()
            .map(|a| a.as_str().unwrap().replace("/usr/local/bin/", "")),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    // Play 2, on the control node: check, render, export.
    let central = control["hosts"] == "localhost" && control["connection"] == "local";
    let ctasks = control["tasks"].as_array().unwrap();
    let texts: Vec<String> = ctasks
        .iter()
        .filter(|t| module(t).0 == "ansible.builtin.command")
        .map(|t| {
            assert!(
                central || t["delegate_to"] == "localhost",
                "runs on the control node"
            );
            argv_text(module(t).1)
        })
        .collect();
    for step in ["'check'", "'render'", "'export'"] {
        assert!(
            texts.iter().any(|t| t.contains(step)),
            "no {step} step: {texts:?}"
        );
    }
    let export = ctasks
        .iter()
        .find(|t| argv_text(module(t).1).contains("'export'"))
        .unwrap();
    assert_eq!(
        export["run_once"], true,
        "one fleet document, not one per host"
    );
    let e = argv_text(module(export).1);
    assert!(
        e.contains("--inventory=") && e.contains("--state") && e.contains("'--format', item"),
        "{e}"
    );
    let formats: Vec<&str> = control["vars"]["avexclude_export_formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(formats, ["html", "csv", "markdown", "json"]);
    // Findings (exit 1) do not fail the run; errors (2) do.
    let check = ctasks
        .iter()
        .find(|t| argv_text(module(t).1).contains("'check'"))
        .unwrap();
    assert_eq!(check["failed_when"], "avexclude_checks.rc > 1");
}

#[test]
fn ansible_syntax_check_when_ansible_is_installed() {
    let bin = std::env::var("ANSIBLE_PLAYBOOK").unwrap_or_else(|_| "ansible-playbook".into());
    let Ok(out) = std::process::Command::new(&bin).arg("--version").output() else {
        eprintln!("note: ansible-playbook not installed; YAML structure checked only");
        return;
    };
    assert!(out.status.success());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/ansible");
    let out = std::process::Command::new(&bin)
        .args(["--syntax-check", "-i"])
        .arg(dir.join("inventory.example.ini"))
        .arg(playbook_path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
