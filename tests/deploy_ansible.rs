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
    assert_eq!(hosts["become"], "{{ avexclude_become | default(true) }}");
    let tasks = hosts["tasks"].as_array().unwrap();
    let mods: Vec<&str> = tasks.iter().map(|t| module(t).0).collect();
    let pos = |m: &str| {
        mods.iter()
            .position(|x| *x == m)
            .unwrap_or_else(|| panic!("no {m}"))
    };
    let copy = &tasks[pos("ansible.builtin.copy")];
    assert_eq!(module(copy).1["dest"], "{{ avexclude_install_path }}");
    assert_eq!(module(copy).1["mode"], "0755");

    let cmd = tasks
        .iter()
        .find(|t| module(t).0 == "ansible.builtin.command")
        .unwrap();
    let discover = argv_text(module(cmd).1);
    assert!(
        discover.contains("[avexclude_install_path, 'discover', '--hash'"),
        "{discover}"
    );
    assert!(
        discover.contains("'-o', avexclude_state_dir + '/inventory.json'"),
        "{discover}"
    );
    let fetch = &tasks[pos("ansible.builtin.fetch")];
    assert_eq!(
        module(fetch).1["src"],
        "{{ avexclude_state_dir }}/inventory.json",
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
    let defaults: Value = avexclude::yaml::from_str(
        &std::fs::read_to_string(playbook_path().with_file_name("group_vars/all.yml")).unwrap(),
    )
    .unwrap();
    let formats: Vec<&str> = defaults["avexclude_export_formats"]
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
    // Action needed (exit 1) is a change the recap shows.
    assert_eq!(check["changed_when"], "avexclude_checks.rc == 1");
    let c = argv_text(module(check).1);
    assert!(c.contains("'--state'"), "{c}");
    let render = ctasks
        .iter()
        .find(|t| argv_text(module(t).1).contains("'render'"))
        .unwrap();
    assert!(argv_text(module(render).1).contains("'--state'"));
}

#[test]
fn ansible_syntax_check_when_ansible_is_installed() {
    let bin = std::env::var("ANSIBLE_PLAYBOOK").unwrap_or_else(|_| "ansible-playbook".into());
    let Some(bin) = ansible_playbook_named(bin) else {
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/ansible");
    let out = support::TestCommand::new(&bin)
        .args(["--syntax-check", "-i"])
        .arg(dir.join("inventory.example.ini"))
        .arg(playbook_path())
        .run();
    assert!(out.success(), "{out}");
}

use crate::support;

fn ansible_playbook() -> Option<String> {
    let bin = std::env::var("ANSIBLE_PLAYBOOK").unwrap_or_else(|_| "ansible-playbook".into());
    ansible_playbook_named(bin)
}

/// The ansible-playbook to run, or `None` (skip with a note) when it is missing; with
/// `AVEXCLUDE_REQUIRE_REAL=1` (CI) a missing Ansible fails the test instead.
fn ansible_playbook_named(bin: String) -> Option<String> {
    match std::process::Command::new(&bin).arg("--version").output() {
        Ok(o) if o.status.success() => Some(bin),
        _ => {
            let missing = vec![format!("{bin} not installed (Debian package ansible-core)")];
            support::real::can_run("ansible", &missing);
            None
        }
    }
}

/// The whole walk-through, for real: two "hosts" (local connections, each discovering a fixture
/// root), fetched inventories, central check and export in every format.
#[test]
fn playbook_runs_end_to_end_on_fixture_hosts() {
    let Some(bin) = ansible_playbook() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut hosts = serde_json::Map::new();
    for (name, make) in [
        (
            "node1",
            support::hosts::microk8s_seed as fn(&Path) -> support::fixture::Fixture,
        ),
        ("db1", support::hosts::db_host),
    ] {
        let root = d.join("roots").join(name);
        std::fs::create_dir_all(&root).unwrap();
        make(&root);
        std::fs::create_dir_all(d.join("bin").join(name)).unwrap();
        hosts.insert(
            name.into(),
            serde_json::json!({
                "ansible_connection": "local",
                "ansible_python_interpreter": "/usr/bin/python3",
                "avexclude_install_path": d.join("bin").join(name).join("avexclude"),
                "avexclude_state_dir": d.join("state").join(name),
                "avexclude_discover_args": ["--root", root],
            }),
        );
    }
    // JSON is YAML: Ansible's YAML inventory plugin reads it.
    let inv_file = d.join("hosts.yml");
    std::fs::write(
        &inv_file,
        serde_json::json!({"elma365": {"hosts": hosts}}).to_string(),
    )
    .unwrap();
    let fleet = d.join("fleet");
    // A private copy of the binary under test: the playbook runs it many times over several
    // seconds, and the shared build directory may be relinked meanwhile.
    let avexclude = d.join("avexclude");
    std::fs::copy(support::bin(), &avexclude).unwrap();
    // Render runs when this build has vendors; it is skipped with an empty vendor list.
    let has_render = std::process::Command::new(&avexclude)
        .arg("vendors")
        .output()
        .is_ok_and(|o| o.status.success());
    let vendors = if has_render { "[\"clamav\"]" } else { "[]" };
    let extra = format!(
        "{{\"avexclude_binary\": \"{}\", \"avexclude_fleet_dir\": \"{}\", \"avexclude_become\": false, \"avexclude_vendors\": {vendors}}}",
        avexclude.display(),
        fleet.display()
    );
    let play = |inv_file: &Path| {
        let out = support::TestCommand::new(&bin)
            .arg("-i")
            .arg(inv_file)
            .arg(playbook_path())
            .arg("-e")
            .arg(&extra)
            .env("HOME", d)
            .env("ANSIBLE_LOCAL_TEMP", d.join("ansible-tmp"))
            .env("ANSIBLE_REMOTE_TEMP", d.join("ansible-tmp"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
            .timeout(std::time::Duration::from_secs(1800))
            .run();
        let log = format!("{}{}", out.stdout_lossy(), out.stderr_lossy());
        (out.success(), log)
    };
    // The PLAY RECAP line of a host: (changed, failed).
    let recap_of = |log: &str, host: &str| -> (u32, u32) {
        let line = log
            .lines()
            .rev()
            .find(|l| l.starts_with(&format!("{host} ")) && l.contains("changed="))
            .unwrap_or_else(|| panic!("no recap for {host}: {log}"));
        let n = |k: &str| -> u32 {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(k))
                .unwrap()
                .parse()
                .unwrap()
        };
        (n("changed="), n("failed="))
    };
    let recap = |log: &str| recap_of(log, "localhost");
    let (ok, log) = play(&inv_file);
    assert!(ok, "{log}");
    let (changed, failed) = recap(&log);
    assert!(
        changed >= 2,
        "first run: both hosts need action (nothing rendered yet): {log}"
    );
    assert_eq!(failed, 0);
    for name in ["node1", "db1"] {
        let st: serde_json::Value = serde_json::from_slice(
            &std::fs::read(fleet.join(format!("state/{name}.json"))).unwrap(),
        )
        .unwrap();
        if has_render {
            assert!(
                st["rendered"]["clamav"]["values"].is_array(),
                "{name}: {st}"
            );
        }
    }
    // Inventories fetched, one per host, each a real inventory of its fixture.
    for (name, hostname) in [("node1", "elma365-node-1"), ("db1", "elma365-db-1")] {
        let inv: serde_json::Value = serde_json::from_slice(
            &std::fs::read(fleet.join(format!("inventories/{name}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(inv["host"]["hostname"], hostname);
        let rep: serde_json::Value = serde_json::from_slice(
            &std::fs::read(fleet.join(format!("reports/{name}.json"))).unwrap(),
        )
        .unwrap();
        assert!(rep["entries"].as_array().unwrap().len() > 40);
    }
    // One fleet document per format, with both hosts and the DB host's drift called out.
    let csv = std::fs::read_to_string(fleet.join("export/fleet.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("\"elma365-node-1\"") && csv.contains("\"elma365-db-1\""));
    let md = std::fs::read_to_string(fleet.join("export/fleet.md")).unwrap();
    assert!(
        md.contains("Отличается на elma365-db-1"),
        "Russian by default in the playbook"
    );
    let html = std::fs::read_to_string(fleet.join("export/fleet.html")).unwrap();
    assert!(html.contains("status-drifted"));
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fleet.join("export/fleet.json")).unwrap()).unwrap();
    assert_eq!(j["hosts"].as_array().unwrap().len(), 2);
    assert!(fleet.join("export/state-html.json").exists());
    if has_render {
        assert!(fleet.join("rendered/node1/clamav").is_dir(), "{log}");
    }

    // The findings are reviewed and accepted on the control node: the next run is green.
    for name in ["node1", "db1"] {
        support::TestCommand::new(&avexclude)
            .args([
                "accept",
                "--all",
                "--reason",
                "reviewed with the security team",
            ])
            .arg("--inventory")
            .arg(fleet.join(format!("inventories/{name}.json")))
            .arg("--state")
            .arg(fleet.join(format!("state/{name}.json")))
            .run()
            .assert_exit(0);
    }
    let (ok, log) = play(&inv_file);
    assert!(ok, "{log}");
    if has_render {
        assert_eq!(recap(&log), (0, 0), "second run: nothing to do: {log}");
        assert!(log.contains("in sync, nothing to do"), "{log}");
    }

    // A host whose scan sees nothing (an empty /proc) fails the play, never reads as clean.
    let blind = d.join("roots").join("blind");
    std::fs::create_dir_all(blind.join("proc")).unwrap();
    std::fs::create_dir_all(d.join("bin").join("blind")).unwrap();
    hosts.insert(
        "blind".into(),
        serde_json::json!({
            "ansible_connection": "local",
            "ansible_python_interpreter": "/usr/bin/python3",
            "avexclude_install_path": d.join("bin").join("blind").join("avexclude"),
            "avexclude_state_dir": d.join("state").join("blind"),
            "avexclude_discover_args": ["--root", blind],
        }),
    );
    std::fs::write(
        &inv_file,
        serde_json::json!({"elma365": {"hosts": hosts}}).to_string(),
    )
    .unwrap();
    let (ok, log) = play(&inv_file);
    assert!(!ok, "{log}");
    assert_eq!(recap_of(&log, "blind").1, 1, "{log}");
    assert!(log.contains("no process is visible"), "{log}");
    // and it is not exported from an old or empty inventory: only hosts collected in this run
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fleet.join("export/fleet.json")).unwrap()).unwrap();
    assert_eq!(j["hosts"].as_array().unwrap().len(), 2, "{log}");

    // A host whose scan works but shows no ELMA365 at all: its check on the control node exits 2,
    // and that task fails (the recap of the control node says so).
    let plain = d.join("roots").join("plain");
    let mut h = support::fixture::Host::new("plain-vm");
    h.exec("/usr/sbin/sshd");
    h.add(
        support::fixture::Proc::new(1, 0, "sshd")
            .exe("/usr/sbin/sshd")
            .args(&["/usr/sbin/sshd", "-D"]),
    );
    h.write(&plain);
    std::fs::create_dir_all(d.join("bin").join("plain")).unwrap();
    hosts.remove("blind");
    hosts.insert(
        "plain".into(),
        serde_json::json!({
            "ansible_connection": "local",
            "ansible_python_interpreter": "/usr/bin/python3",
            "avexclude_install_path": d.join("bin").join("plain").join("avexclude"),
            "avexclude_state_dir": d.join("state").join("plain"),
            "avexclude_discover_args": ["--root", plain],
        }),
    );
    std::fs::write(
        &inv_file,
        serde_json::json!({"elma365": {"hosts": hosts}}).to_string(),
    )
    .unwrap();
    let (ok, log) = play(&inv_file);
    assert!(!ok, "{log}");
    assert_eq!(recap_of(&log, "plain").1, 0, "discover works: {log}");
    assert_eq!(recap(&log).1, 1, "the check task fails: {log}");
    assert!(
        log.contains("no ELMA365 component found on plain-vm"),
        "{log}"
    );
}
