//! The operator's loop that ends green (PRODUCT.md "Lifecycle"), on the microk8s fixture host
//! before and after an upgrade (snap 3410 -> 7394, erts 12.3.1 -> 14.2.5): first check (exit 1),
//! render with state, accept, check (exit 0, in sync), upgrade, check (exit 1, add and remove
//! named), re-render (the Defender and KESL apply scripts remove the old exclusions, run against
//! recording stubs of `mdatp` and `kesl-control`), check (exit 0). Plus every fail-closed case
//! (exit 2) and a state from another host refused.

use crate::support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::hosts;

pub fn run(args: &[&str]) -> support::Ran {
    support::avexclude().args(args).run()
}

/// `check --state --format json`: exit status and the document.
pub fn check_state(source: &[&str], state: &Path) -> (i32, Value) {
    let mut a = vec![
        "check",
        "--format",
        "json",
        "--state",
        state.to_str().unwrap(),
    ];
    a.extend_from_slice(source);
    let o = run(&a);
    o.assert_exit_in(&[0, 1]);
    (o.code().unwrap_or(-1), o.stdout_json())
}

pub fn render_state(source: &[&str], out: &Path, state: &Path, vendors: &[&str]) {
    let mut a = vec![
        "render",
        "--out",
        out.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    for v in vendors {
        a.extend(["--vendor", v]);
    }
    a.extend_from_slice(source);
    let o = run(&a);
    assert_eq!(o.code(), Some(0), "render: {o}");
}

pub fn accept_all(source: &[&str], state: &Path, reason: &str) {
    let mut a = vec![
        "accept",
        "--state",
        state.to_str().unwrap(),
        "--reason",
        reason,
        "--all",
    ];
    a.extend_from_slice(source);
    let o = run(&a);
    assert_eq!(o.code(), Some(0), "accept: {o}");
}

pub fn items(sync: &Value, list: &str) -> Vec<(String, String, String)> {
    sync[list]
        .as_array()
        .unwrap_or_else(|| panic!("sync.{list}: {sync}"))
        .iter()
        .map(|i| {
            (
                i["vendor"].as_str().unwrap().to_string(),
                i["id"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A directory with recording stubs of `kesl-control` and `mdatp`: each call appends its argv
/// (one argument per line, then a blank line) to `calls.log`.
pub fn stubs(dir: &Path) -> (PathBuf, PathBuf) {
    let bin = dir.join("stub-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("calls.log");
    for name in ["kesl-control", "mdatp"] {
        let p = bin.join(name);
        std::fs::write(
            &p,
            format!(
                "#!/bin/sh\n{{ printf '%s\\n' {name} \"$@\"; echo; }} >> '{}'\n",
                log.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    (bin, log)
}

/// Run an apply script with the stubs first on PATH; the calls, each as its argv.
pub fn apply(script: &Path, stub_bin: &Path, log: &Path) -> Vec<Vec<String>> {
    let _ = std::fs::remove_file(log);
    let path = format!(
        "{}:{}",
        stub_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = support::TestCommand::new("sh")
        .arg(script)
        .env("PATH", path)
        .run();
    assert!(o.success(), "{}: {o}", script.display());
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.split("\n\n")
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.lines().map(String::from).collect())
        .collect()
}

#[test]
fn fixture_host_goes_back_to_green_after_an_upgrade() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    let state = d.path().join("state.json");
    let out = d.path().join("av");
    hosts::microk8s_seed(&root);
    let src = ["--root", root.to_str().unwrap()];

    // 1. first check: nothing rendered, findings not reviewed
    let (c, first) = check_state(&src, &state);
    assert_eq!(c, 1);
    assert_eq!(first["sync"]["in_sync"], false);
    assert!(!first["sync"]["unaccepted"].as_array().unwrap().is_empty());

    // 2. render with state, 3. accept, 4. check: green
    render_state(&src, &out, &state, &["kesl", "mdatp"]);
    let st: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(st["schema"], 2);
    assert_eq!(st["host"]["hostname"], "elma365-node-1");
    assert_eq!(
        st["host"]["machine_id"].as_str().unwrap().len(),
        32,
        "{}",
        st["host"]
    );
    let kesl_values = st["rendered"]["kesl"]["values"].as_array().unwrap();
    assert!(
        kesl_values
            .iter()
            .any(|v| v["value"] == "/opt/elma365" && v["kind"] == "directory"),
        "{kesl_values:?}"
    );
    accept_all(
        &src,
        &state,
        "platform ports and helpers, reviewed by the security team",
    );
    let (c, green) = check_state(&src, &state);
    assert_eq!(c, 0, "{}", green["sync"]);
    assert_eq!(green["sync"]["in_sync"], true);
    assert!(items(&green["sync"], "add").is_empty());
    assert!(items(&green["sync"], "remove").is_empty());
    assert!(
        green["summary"]["unlisted"].as_u64().unwrap() > 0,
        "accepted findings are still listed"
    );
    let acc = green["sync"]["accepted"].as_array().unwrap();
    assert!(
        acc.iter().all(|a| a["reason"]
            == "platform ports and helpers, reviewed by the security team"
            && a["by"].as_str().is_some_and(|b| !b.is_empty())),
        "{acc:?}"
    );

    // 5. the upgrade: same machine, new snap revision and erts
    std::fs::remove_dir_all(&root).unwrap();
    hosts::microk8s_upgraded(&root);
    let (c, up) = check_state(&src, &state);
    assert_eq!(c, 1);
    let add = items(&up["sync"], "add");
    let remove = items(&up["sync"], "remove");
    let beam_new = "/opt/bitnami/erlang/lib/erlang/erts-14.2.5/bin/beam.smp";
    let beam_old = "/opt/bitnami/erlang/lib/erlang/erts-12.3.1/bin/beam.smp";
    assert!(
        add.iter()
            .any(|(v, id, val)| v == "mdatp" && id.contains("db-beam-smp") && val == beam_new),
        "{add:?}"
    );
    assert!(
        remove
            .iter()
            .any(|(v, id, val)| v == "mdatp" && id.contains("db-beam-smp") && val == beam_old),
        "{remove:?}"
    );
    assert!(
        remove.iter().any(|(v, _, _)| v == "kesl"),
        "kesl has values to remove too: {remove:?}"
    );
    // the changed helper processes (erts path) ask again
    let unaccepted: Vec<String> = up["sync"]["unaccepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    assert!(
        unaccepted.iter().any(|u| u.contains("erts-14.2.5")),
        "{unaccepted:?}"
    );

    // Only process paths carry a version in the catalog, and KESL's apply.sh applies directories
    // and files: to see its --del-exclusion, the state also records a data directory of a
    // PostgreSQL volume that was re-created since (as after a PVC restore).
    let old_pvc =
        "/var/snap/microk8s/common/default-storage/elma365-dbs-data-postgresql-0-pvc-0ld/data";
    let mut stv: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    stv["rendered"]["kesl"]["values"]
        .as_array_mut()
        .unwrap()
        .push(
            serde_json::json!({"id": "rule-database-files", "kind": "directory", "value": old_pvc}),
        );
    std::fs::write(&state, serde_json::to_vec(&stv).unwrap()).unwrap();
    let (_, up2) = check_state(&src, &state);
    let remove = items(&up2["sync"], "remove");
    assert!(
        remove.contains(&("kesl".into(), "rule-database-files".into(), old_pvc.into())),
        "{remove:?}"
    );

    // 6. re-render: the apply scripts remove exactly what avexclude added before
    render_state(&src, &out, &state, &["kesl", "mdatp"]);
    let (stub_bin, log) = stubs(d.path());
    let mdatp = apply(&out.join("mdatp/apply.sh"), &stub_bin, &log);
    let removed: Vec<&Vec<String>> = mdatp
        .iter()
        .filter(|c| c.get(3).map(String::as_str) == Some("remove"))
        .collect();
    assert!(
        removed.iter().any(|c| c
            == &&vec![
                "mdatp".to_string(),
                "exclusion".into(),
                "process".into(),
                "remove".into(),
                "--path".into(),
                beam_old.into(),
                "--scope".into(),
                "epp".into()
            ]),
        "{mdatp:?}"
    );
    assert!(
        mdatp.iter().any(|c| c.get(3).map(String::as_str) == Some("add")
            && c.iter().any(|a| a == beam_new)),
        "the new erts is added"
    );
    // never one it did not add: every removal was recorded in the state before the upgrade
    let kesl_rem: Vec<String> = remove
        .iter()
        .filter(|(v, _, _)| v == "kesl")
        .map(|(_, _, val)| val.clone())
        .collect();
    let mdatp_rem: Vec<String> = remove
        .iter()
        .filter(|(v, _, _)| v == "mdatp")
        .map(|(_, _, val)| val.clone())
        .collect();
    for c in &removed {
        assert!(
            mdatp_rem.contains(&c[5]),
            "{c:?} was not added by avexclude"
        );
    }
    assert_eq!(removed.len(), mdatp_rem.len(), "{removed:?}");
    let kesl = apply(&out.join("kesl/apply.sh"), &stub_bin, &log);
    let kesl_del: Vec<&Vec<String>> = kesl
        .iter()
        .filter(|c| c.iter().any(|a| a == "--del-exclusion"))
        .collect();
    for c in &kesl_del {
        assert_eq!(c[1], "--set-settings");
        assert!(
            kesl_rem.contains(c.last().unwrap()),
            "{c:?} was not added by avexclude"
        );
    }
    // the directory removed from each of the three scan tasks, and nothing else
    let tasks: Vec<&str> = kesl_del.iter().map(|c| c[2].as_str()).collect();
    assert_eq!(
        tasks,
        [
            "File_Threat_Protection",
            "Scan_My_Computer",
            "Critical_Areas_Scan"
        ],
        "{kesl_del:?}"
    );
    assert!(kesl_del.iter().all(|c| c.last().unwrap() == old_pvc));
    assert!(
        kesl.iter().any(
            |c| c.iter().any(|a| a == "--add-exclusion") && c.last().unwrap() == "/opt/elma365"
        ),
        "{kesl:?}"
    );
    // old trusted programs are named for removal from Behavior_Detection
    let script = std::fs::read_to_string(out.join("kesl/apply.sh")).unwrap();
    assert!(
        script.contains(&format!("#   db-beam-smp-bitnami: {beam_old}")),
        "{script}"
    );
    accept_all(
        &src,
        &state,
        "erts helper processes of the new RabbitMQ image, reviewed",
    );

    // 7. back to green
    let (c, done) = check_state(&src, &state);
    assert_eq!(c, 0, "{}", done["sync"]);
    assert_eq!(done["sync"]["in_sync"], true);
    // drift from the vendor's text is still shown, as information
    assert!(done["summary"]["drifted"].as_u64().unwrap() > 0);
    render_state(&src, &out, &state, &["kesl", "mdatp"]);
    let again = apply(&out.join("mdatp/apply.sh"), &stub_bin, &log);
    assert!(
        !again
            .iter()
            .any(|c| c.get(3).map(String::as_str) == Some("remove")),
        "nothing left to remove: {again:?}"
    );
}

#[test]
fn without_state_check_keeps_its_one_off_meaning() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_upgraded(&root);
    let o = run(&[
        "check",
        "--format",
        "json",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(o.code(), Some(1), "drift against the vendor's list\n{o}");
    let v: Value = o.stdout_json();
    assert!(v.get("sync").is_none());
}

#[test]
fn a_state_of_another_host_is_refused_naming_both() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a");
    let b = d.path().join("b");
    hosts::microk8s_seed(&a);
    hosts::db_host(&b);
    let state = d.path().join("state.json");
    render_state(
        &["--root", a.to_str().unwrap()],
        &d.path().join("av"),
        &state,
        &["mdatp"],
    );
    let before = std::fs::read(&state).unwrap();
    for cmd in [
        vec!["check", "--state", state.to_str().unwrap()],
        vec![
            "render",
            "--vendor",
            "mdatp",
            "--out",
            d.path().join("av2").to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ],
        vec![
            "accept",
            "--all",
            "--reason",
            "x",
            "--state",
            state.to_str().unwrap(),
        ],
    ] {
        let mut args = cmd.clone();
        args.extend(["--root", b.to_str().unwrap()]);
        let o = run(&args);
        assert_eq!(o.code(), Some(2), "{:?}: {}", cmd[0], o);
        let e = o.stderr_lossy();
        assert!(
            e.contains("elma365-node-1") && e.contains("elma365-db-1") && e.contains("machine id"),
            "{e}"
        );
    }
    assert_eq!(std::fs::read(&state).unwrap(), before, "never overwritten");
    assert!(!d.path().join("av2").exists());
}

#[test]
fn a_finding_that_changes_owner_asks_again() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let state = d.path().join("state.json");
    let src = ["--root", root.to_str().unwrap()];
    render_state(&src, &d.path().join("av"), &state, &["generic"]);
    // accept one port by value, one by id
    let o = run(&[
        "accept",
        "--root",
        root.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--reason",
        "Erlang distribution ports",
        "4369/tcp",
        "port:25672/tcp",
    ]);
    o.assert_exit(0);
    let (_, v) = check_state(&src, &state);
    let ids: Vec<&str> = v["sync"]["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["port:4369/tcp", "port:25672/tcp"]);
    // the same port with another owner is another finding
    let mut st: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    for a in st["accepted"].as_array_mut().unwrap() {
        a["component"] = "someone-else".into();
    }
    std::fs::write(&state, serde_json::to_vec(&st).unwrap()).unwrap();
    let (_, v) = check_state(&src, &state);
    assert!(v["sync"]["accepted"].as_array().unwrap().is_empty());
    // an unknown item is an error listing the findings
    let o = run(&[
        "accept",
        "--root",
        root.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--reason",
        "x",
        "1/tcp",
    ]);
    o.assert_exit(2);
    assert!(o.stderr_lossy().contains("port:4369/tcp"), "{o}");
}

fn fail_closed(args: &[&str], want: &str) {
    let o = run(args);
    assert_eq!(o.code(), Some(2), "{args:?}: {o}");
    assert!(o.stderr_lossy().contains(want), "{args:?}: {o}");
}

#[test]
fn every_blind_scan_exits_2_and_says_what_to_do() {
    let d = tempfile::tempdir().unwrap();
    // an empty root: no /proc
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    // a root with an empty /proc: no process visible
    let noproc = d.path().join("noproc");
    std::fs::create_dir_all(noproc.join("proc")).unwrap();
    for root in [&empty, &noproc] {
        let r = root.to_str().unwrap();
        for cmd in [
            vec!["check", "--root", r],
            vec!["check", "--root", r, "--allow-empty"],
            vec![
                "render",
                "--vendor",
                "generic",
                "--out",
                d.path().join("o").to_str().unwrap(),
                "--root",
                r,
            ],
        ] {
            fail_closed(&cmd, "--root");
        }
    }
    assert!(!d.path().join("o").exists(), "nothing rendered");
    // the prometheus output says the scan failed, and carries no count
    let prom = d.path().join("m.prom");
    let o = run(&[
        "check",
        "--root",
        noproc.to_str().unwrap(),
        "--format",
        "prometheus",
        "-o",
        prom.to_str().unwrap(),
    ]);
    o.assert_exit(2);
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(text.contains("\navexclude_scan_success 0\n"), "{text}");
    assert!(!text.contains("avexclude_entries"), "{text}");
    assert!(text.contains("# HELP avexclude_last_scan_timestamp_seconds"));
}

#[test]
fn a_host_without_elma365_says_so_unless_allowed() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    let mut h = support::fixture::Host::new("plain-vm");
    h.exec("/usr/sbin/sshd");
    h.add(
        support::fixture::Proc::new(1, 0, "sshd")
            .exe("/usr/sbin/sshd")
            .args(&["/usr/sbin/sshd", "-D"]),
    );
    h.write(&root);
    let r = root.to_str().unwrap();
    let o = run(&["check", "--root", r]);
    o.assert_exit(2);
    let e = o.stderr_lossy();
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    assert!(
        e.contains("no ELMA365 component found on plain-vm") && e.contains("--allow-empty"),
        "{e}"
    );
    let o = run(&["check", "--root", r, "--allow-empty"]);
    o.assert_exit(0);
}

#[test]
fn a_scan_without_root_that_cannot_read_other_users_executables_exits_2() {
    // An inventory as a non-root scan writes it: other users' processes have no executable.
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let mut inv = support::discover_json(&root);
    inv["host"]["scanned_as_root"] = false.into();
    for p in inv["processes"].as_array_mut().unwrap() {
        if p["uid"] != 0 {
            p.as_object_mut().unwrap().remove("exe");
        }
    }
    let f = d.path().join("inv.json");
    std::fs::write(&f, serde_json::to_vec(&inv).unwrap()).unwrap();
    fail_closed(
        &["check", "--inventory", f.to_str().unwrap()],
        "run it as root",
    );
}

#[test]
fn an_allow_risk_naming_no_entry_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let o = run(&[
        "render",
        "--vendor",
        "generic",
        "--out",
        d.path().join("o").to_str().unwrap(),
        "--allow-risk",
        "proc-nod",
        "--root",
        root.to_str().unwrap(),
    ]);
    o.assert_exit(2);
    assert!(
        o.stderr_lossy().contains("proc-nod")
            && o.stderr_lossy().contains("did you mean proc-node?"),
        "{o}"
    );
    assert!(!d.path().join("o").exists());
}

#[test]
fn check_state_is_saved_only_after_the_report_was_written() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let state = d.path().join("state.json");
    let src = ["--root", root.to_str().unwrap()];
    check_state(&src, &state);
    let before = std::fs::read(&state).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    hosts::microk8s_upgraded(&root);
    // the output cannot be written: the state must stay, so the next run still sees the change
    let o = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "-o",
        d.path().join("no/such/dir/r.txt").to_str().unwrap(),
    ]);
    o.assert_exit(2);
    assert_eq!(std::fs::read(&state).unwrap(), before);
    let (_, v) = check_state(&src, &state);
    assert!(
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "proc-microk8s-kubelite"),
        "{}",
        v["changes"]
    );
}

#[test]
fn metrics_follow_the_conventions_with_state() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let state = d.path().join("state.json");
    let r = root.to_str().unwrap();
    render_state(&["--root", r], &d.path().join("av"), &state, &["mdatp"]);
    let o = run(&[
        "check",
        "--root",
        r,
        "--state",
        state.to_str().unwrap(),
        "--format",
        "prometheus",
    ]);
    o.assert_exit(1);
    let text = o.stdout();
    let mut families = Vec::new();
    for l in text.lines() {
        if let Some(rest) = l.strip_prefix("# TYPE ") {
            let name = rest.split(' ').next().unwrap().to_string();
            assert!(!families.contains(&name), "{name} declared twice:\n{text}");
            assert!(
                text.contains(&format!("# HELP {name} ")),
                "{name} has no HELP"
            );
            families.push(name);
        } else if !l.starts_with('#') {
            let name = l.split(['{', ' ']).next().unwrap();
            assert!(
                families.iter().any(|f| f == name),
                "{name} sample before its TYPE"
            );
            assert!(!l.contains("host=\""), "no host label: {l}");
        }
    }
    for f in [
        "avexclude_scan_success",
        "avexclude_last_scan_timestamp_seconds",
        "avexclude_entries",
        "avexclude_unlisted_findings",
        "avexclude_sync_actions",
        "avexclude_action_needed",
    ] {
        assert!(families.iter().any(|x| x == f), "{f} missing:\n{text}");
    }
    assert!(text.contains("\navexclude_scan_success 1\n"));
    assert!(text.contains("avexclude_sync_actions{kind=\"add\"} 0\n"));
    assert!(text.contains("avexclude_sync_actions{kind=\"remove\"} 0\n"));
    assert!(
        text.contains("\navexclude_action_needed 1\n"),
        "unaccepted findings"
    );
    assert!(
        !text.contains("avexclude_drifted"),
        "a duplicate of entries"
    );
}

/// The CSV export of `files` (reports or inventories): (header, rows by column name), stderr.
fn export_csv(
    files: &[&Path],
    extra: &[&str],
) -> (Vec<std::collections::BTreeMap<String, String>>, String) {
    let mut a: Vec<String> = vec!["export".into(), "--format".into(), "csv".into()];
    for f in files {
        a.push("--inventory".into());
        a.push(f.to_str().unwrap().into());
    }
    a.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = run(&args);
    o.assert_exit(0);
    let text = o.stdout();
    let table = support::csv::parse_csv(text.trim_start_matches('\u{feff}'));
    let head = table[0].clone();
    let rows = table[1..]
        .iter()
        .map(|r| head.iter().cloned().zip(r.iter().cloned()).collect())
        .collect();
    (rows, o.stderr_lossy())
}

#[test]
fn export_shows_what_the_antivirus_receives_and_accepted_findings() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let r = root.to_str().unwrap();
    let state = d.path().join("state.json");
    let st = state.to_str().unwrap();
    let o = run(&[
        "render",
        "--vendor",
        "mdatp",
        "--allow-risk",
        "proc-node",
        "--root",
        r,
        "--state",
        st,
        "--out",
        d.path().join("av").to_str().unwrap(),
    ]);
    o.assert_exit(0);
    let o = run(&[
        "accept",
        "--root",
        r,
        "--state",
        st,
        "--reason",
        "epmd, RabbitMQ's own name service",
        "4369/tcp",
    ]);
    o.assert_exit(0);
    let report = d.path().join("report.json");
    let o = run(&[
        "check",
        "--root",
        r,
        "--state",
        st,
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(
        o.code(),
        Some(1),
        "other findings are not accepted yet\n{o}"
    );
    let (rows, _) = export_csv(&[&report], &[]);
    let av = |entry: &str, value_end: &str| -> String {
        rows.iter()
            .find(|r| r["Entry"] == entry && r["Value"].ends_with(value_end))
            .unwrap_or_else(|| panic!("no row {entry} {value_end}"))["Antivirus receives"]
            .clone()
    };
    assert_eq!(av("dir-opt-elma365", "/opt/elma365/"), "mdatp: written");
    assert!(
        av("proc-node", "/usr/local/bin/node")
            .starts_with("mdatp: written (allowed by --allow-risk proc-node)"),
        "{}",
        av("proc-node", "/usr/local/bin/node")
    );
    // A container's shell has no narrower form a product could match (its layer copy is never
    // a process's executable path): held back, not narrowed.
    assert!(
        av("proc-bin-sh", "/bin/sh").starts_with("mdatp: held back"),
        "{}",
        av("proc-bin-sh", "/bin/sh")
    );
    assert!(
        rows.iter()
            .any(|r| r["Antivirus receives"].starts_with("mdatp: held back")),
        "a held-back value is shown as such"
    );
    let accepted = av("unlisted:port", "4369/tcp");
    assert!(
        accepted.starts_with("accepted: epmd, RabbitMQ's own name service (by "),
        "{accepted}"
    );
    assert_eq!(av("unlisted:port", "25672/tcp"), "not accepted");
    // the collection time of the host, on every row
    assert!(
        rows.iter()
            .all(|r| !r["Collected"].is_empty() && !r["Collected"].contains("STALE"))
    );
}

#[test]
fn export_marks_stale_inventories_and_refuses_one_name_on_two_machines() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let mut inv = support::discover_json(&root);
    let fresh = d.path().join("fresh.json");
    std::fs::write(&fresh, serde_json::to_vec(&inv).unwrap()).unwrap();
    inv["generated_at"] = "2020-01-01T00:00:00Z".into();
    let old = d.path().join("old.json");
    std::fs::write(&old, serde_json::to_vec(&inv).unwrap()).unwrap();
    let (rows, e) = export_csv(&[&old], &[]);
    assert!(
        e.contains("stale-inventory") && e.contains("old.json"),
        "{e}"
    );
    assert!(rows[0]["Collected"].starts_with("2020-01-01T00:00:00Z"));
    assert!(
        rows[0]["Collected"].contains("STALE"),
        "{}",
        rows[0]["Collected"]
    );
    let (rows, e) = export_csv(&[&old], &["--stale-after", "100000"]);
    assert!(!e.contains("stale-inventory"));
    assert!(!rows[0]["Collected"].contains("STALE"));
    // one hostname, two machines: an error naming both files
    inv["generated_at"] = "2026-11-30T00:00:00Z".into();
    inv["host"]["machine_id"] = "00000000000000000000000000000001".into();
    let other = d.path().join("other-machine.json");
    std::fs::write(&other, serde_json::to_vec(&inv).unwrap()).unwrap();
    let o = run(&[
        "export",
        "--format",
        "csv",
        "--inventory",
        fresh.to_str().unwrap(),
        "--inventory",
        other.to_str().unwrap(),
    ]);
    o.assert_exit(2);
    let e = o.stderr_lossy();
    assert!(
        e.contains("fresh.json")
            && e.contains("other-machine.json")
            && e.contains("elma365-node-1"),
        "{e}"
    );
}

#[test]
fn a_state_value_never_reaches_a_script_unquoted_or_unclean() {
    // The state file is input: its values go through the shell escaping, and a value with a
    // control character or a relative path is left out of the removal.
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_seed(&root);
    let src = ["--root", root.to_str().unwrap()];
    let state = d.path().join("state.json");
    let out = d.path().join("av");
    render_state(&src, &out, &state, &["mdatp"]);
    let mut st: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let pwn = d.path().join("pwned");
    let vals = st["rendered"]["mdatp"]["values"].as_array_mut().unwrap();
    for v in [
        format!("/old dir/it's $(touch {})", pwn.display()),
        format!("/x\n$(touch {})", pwn.display()),
        "relative/dir".to_string(),
    ] {
        vals.push(serde_json::json!({"id": "dir-x", "kind": "directory", "value": v}));
    }
    std::fs::write(&state, serde_json::to_vec(&st).unwrap()).unwrap();
    render_state(&src, &out, &state, &["mdatp"]);
    let (stub_bin, log) = stubs(d.path());
    let calls = apply(&out.join("mdatp/apply.sh"), &stub_bin, &log);
    let removed: Vec<&String> = calls
        .iter()
        .filter(|c| c.get(3).map(String::as_str) == Some("remove"))
        .map(|c| &c[5])
        .collect();
    assert_eq!(
        removed,
        [&format!("/old dir/it's $(touch {})", pwn.display())],
        "one argv element, unexpanded; the others left out"
    );
    assert!(!pwn.exists());
}
