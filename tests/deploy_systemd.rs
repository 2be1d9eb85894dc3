//! deploy/systemd: the check service writes node_exporter metrics with a state file, under tight
//! hardening; the timer runs it on a calendar and catches up. `systemd-analyze verify` when present.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Parser;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/systemd")
}

/// section → key → values (a key may repeat).
type Unit = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn parse(name: &str) -> Unit {
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
    let mut u = Unit::new();
    let mut section = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        assert!(
            !raw.ends_with('\\'),
            "{name}:{}: no continuation lines, keep it greppable",
            n + 1
        );
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(s.to_string());
            u.entry(s.to_string()).or_default();
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{name}:{}: not key=value: {line}", n + 1));
        let s = section
            .clone()
            .unwrap_or_else(|| panic!("{name}:{}: key outside a section", n + 1));
        u.get_mut(&s)
            .unwrap()
            .entry(k.trim().to_string())
            .or_default()
            .push(v.trim().to_string());
    }
    u
}

fn one<'a>(u: &'a Unit, s: &str, k: &str) -> &'a str {
    let v = u
        .get(s)
        .and_then(|m| m.get(k))
        .unwrap_or_else(|| panic!("no {s}.{k}"));
    assert_eq!(v.len(), 1, "{s}.{k} set more than once");
    &v[0]
}

#[test]
fn service_runs_check_with_state_into_the_textfile_directory_hardened() {
    let u = parse("avexclude-check.service");
    assert!(u.contains_key("Unit") && u.contains_key("Service"));
    assert_eq!(one(&u, "Service", "Type"), "oneshot");
    let exec = one(&u, "Service", "ExecStart");
    let argv: Vec<&str> = exec.split_whitespace().collect();
    assert_eq!(
        argv[0], "/usr/bin/avexclude",
        "absolute path, as the .deb installs it"
    );
    assert_eq!(argv[1], "check");
    avexclude::cli::Cli::try_parse_from(argv.iter().copied())
        .unwrap_or_else(|e| panic!("ExecStart is not a valid command line: {e}"));
    let val = |flag: &str| {
        argv[argv
            .iter()
            .position(|a| *a == flag)
            .unwrap_or_else(|| panic!("no {flag}"))
            + 1]
    };
    assert_eq!(val("--format"), "prometheus");
    let out = val("-o");
    let state = val("--state");
    assert!(out.ends_with(".prom"));
    let textfile_dir = Path::new(out).parent().unwrap().to_str().unwrap();
    assert_eq!(
        textfile_dir, "/var/lib/prometheus/node-exporter",
        "Debian's node_exporter textfile directory"
    );
    // Writable: exactly the metrics directory and the state directory.
    assert_eq!(one(&u, "Service", "ReadWritePaths"), textfile_dir);
    assert_eq!(one(&u, "Service", "StateDirectory"), "avexclude");
    assert!(state.starts_with("/var/lib/avexclude/"), "{state}");
    // Findings (exit 1) are not a failed unit; usage errors (2) are.
    assert_eq!(one(&u, "Service", "SuccessExitStatus"), "1");
    for (k, v) in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "read-only"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectControlGroups", "yes"),
        ("RestrictSUIDSGID", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("LockPersonality", "yes"),
        ("SystemCallArchitectures", "native"),
        ("RestrictAddressFamilies", "AF_UNIX"),
    ] {
        assert_eq!(one(&u, "Service", k), v, "{k}");
    }
    let caps: Vec<&str> = one(&u, "Service", "CapabilityBoundingSet")
        .split_whitespace()
        .collect();
    for c in &caps {
        assert!(
            ["CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH", "CAP_DAC_OVERRIDE"].contains(c),
            "{c}"
        );
    }
    // The host's own network namespace must stay visible (/proc/net/tcp), and /proc whole.
    assert!(!u["Service"].contains_key("PrivateNetwork"));
    assert!(
        u["Service"]
            .get("ProtectProc")
            .is_none_or(|v| v[0] == "default")
    );
    assert!(
        u["Service"]["SystemCallFilter"]
            .iter()
            .any(|f| f == "@system-service")
    );
}

#[test]
fn timer_runs_on_a_calendar_and_catches_up() {
    let t = parse("avexclude-check.timer");
    assert!(!one(&t, "Timer", "OnCalendar").is_empty());
    assert_eq!(one(&t, "Timer", "Persistent"), "true");
    assert_eq!(one(&t, "Install", "WantedBy"), "timers.target");
    // No Unit= override: it starts the service of the same name, which exists.
    assert!(!t["Timer"].contains_key("Unit"));
    assert!(dir().join("avexclude-check.service").exists());
}

#[test]
fn systemd_analyze_verify_accepts_the_units() {
    let have = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output();
    if have.is_err() {
        if std::env::var("AVEXCLUDE_REQUIRE_REAL").as_deref() == Ok("1") {
            panic!("systemd-analyze missing and AVEXCLUDE_REQUIRE_REAL=1");
        }
        eprintln!("note: systemd-analyze not installed; skipping verify");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // verify checks that ExecStart's binary exists: point it at the one under test.
    let svc = std::fs::read_to_string(dir().join("avexclude-check.service"))
        .unwrap()
        .replace("/usr/bin/avexclude", env!("CARGO_BIN_EXE_avexclude"));
    std::fs::write(tmp.path().join("avexclude-check.service"), svc).unwrap();
    std::fs::copy(
        dir().join("avexclude-check.timer"),
        tmp.path().join("avexclude-check.timer"),
    )
    .unwrap();
    let out = support::TestCommand::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(tmp.path().join("avexclude-check.service"))
        .arg(tmp.path().join("avexclude-check.timer"))
        .run();
    let err = out.stderr_lossy();
    assert!(out.success(), "{out}");
    for bad in [
        "Unknown key",
        "ignoring",
        "Failed",
        "Invalid",
        "not executable",
    ] {
        assert!(!err.contains(bad), "systemd-analyze: {err}");
    }
}

#[test]
fn alert_rules_use_metrics_that_check_writes_and_fire_on_the_upgraded_host() {
    let text = std::fs::read_to_string(dir().join("avexclude-alerts.yml")).unwrap();
    let v: serde_json::Value = avexclude::yaml::from_str(&text).unwrap();
    let rules = v["groups"][0]["rules"].as_array().unwrap();
    assert!(rules.len() >= 4);
    // The metrics of real checks with a state of the fixture host: rendered on the seed host,
    // checked after the upgrade (erts and snap revision changed), and of a blind scan.
    let d = tempfile::tempdir().unwrap();
    let host = d.path().join("host");
    let state = d.path().join("state.json");
    support::hosts::microk8s_seed(&host);
    let run = |args: &[&str]| support::avexclude().args(args).run();
    let h = host.to_str().unwrap();
    let st = state.to_str().unwrap();
    let out = d.path().join("av");
    let r = run(&[
        "render",
        "--vendor",
        "mdatp",
        "--root",
        h,
        "--state",
        st,
        "--out",
        out.to_str().unwrap(),
    ]);
    r.assert_exit(0);
    let r = run(&[
        "accept", "--all", "--reason", "reviewed", "--root", h, "--state", st,
    ]);
    r.assert_exit(0);
    let prom = |args: &[&str]| -> (i32, String) {
        let mut a = vec!["check", "--format", "prometheus", "--state", st];
        a.extend_from_slice(args);
        let o = run(&a);
        (o.code().unwrap(), o.stdout())
    };
    let (code, green) = prom(&["--root", h]);
    assert_eq!(code, 0);
    std::fs::remove_dir_all(&host).unwrap();
    support::hosts::microk8s_upgraded(&host);
    let (code, upgraded) = prom(&["--root", h]);
    assert_eq!(code, 1, "action needed after the upgrade");
    let empty = d.path().join("empty");
    std::fs::create_dir_all(empty.join("proc")).unwrap();
    let o = run(&[
        "check",
        "--format",
        "prometheus",
        "--root",
        empty.to_str().unwrap(),
    ]);
    o.assert_exit(2);
    let blind = o.stdout();
    let value = |metrics: &str, name: &str| -> Option<f64> {
        let vals: Vec<f64> = metrics
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter(|l| l.split(['{', ' ']).next() == Some(name))
            .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
            .collect();
        (!vals.is_empty()).then(|| vals.iter().sum())
    };
    for r in rules {
        let name = r["alert"].as_str().unwrap();
        assert!(r["labels"]["severity"].is_string(), "{name}");
        assert!(r["annotations"]["summary"].is_string(), "{name}");
        let expr = r["expr"].as_str().unwrap();
        let used: Vec<&str> = expr
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|t| t.starts_with("avexclude_"))
            .collect();
        assert!(!used.is_empty(), "{name}: {expr}");
        for m in used {
            assert!(value(&upgraded, m).is_some(), "{name}: check writes no {m}");
        }
    }
    let expr = |alert: &str| {
        rules
            .iter()
            .find(|r| r["alert"] == alert)
            .unwrap_or_else(|| panic!("no {alert}"))["expr"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The action alert fires after the upgrade and not once back in sync.
    assert_eq!(
        expr("AvexcludeActionNeeded"),
        "avexclude_action_needed == 1"
    );
    assert_eq!(value(&upgraded, "avexclude_action_needed"), Some(1.0));
    assert_eq!(value(&green, "avexclude_action_needed"), Some(0.0));
    assert_eq!(
        expr("AvexcludeExclusionsOutOfSync"),
        "sum by (instance) (avexclude_sync_actions) > 0"
    );
    assert!(value(&upgraded, "avexclude_sync_actions").unwrap() > 0.0);
    assert_eq!(value(&green, "avexclude_sync_actions"), Some(0.0));
    // A blind scan fires the failure alert, and writes no count that looks clean.
    assert_eq!(expr("AvexcludeScanFailed"), "avexclude_scan_success == 0");
    assert_eq!(value(&blind, "avexclude_scan_success"), Some(0.0));
    assert_eq!(value(&blind, "avexclude_entries"), None);
    assert_eq!(value(&green, "avexclude_scan_success"), Some(1.0));
    assert_eq!(
        expr("AvexcludeMetricsAbsent"),
        "absent(avexclude_scan_success)"
    );
}

/// One binary path in every deployment piece: the .deb/.rpm path, `/usr/bin/avexclude`.
#[test]
fn one_binary_path_everywhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let mut seen = 0;
    for f in walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
    {
        let text = std::fs::read_to_string(f.path()).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for (i, _) in line.match_indices("bin/avexclude") {
                let start = line[..i]
                    .rfind([' ', '"', '\'', '[', '(', '`', '='])
                    .map_or(0, |s| s + 1);
                let path = &line[start..i + "bin/avexclude".len()];
                assert_eq!(
                    path,
                    "/usr/bin/avexclude",
                    "{}:{}: {line}",
                    f.path().display(),
                    n + 1
                );
                seen += 1;
            }
        }
    }
    assert!(seen >= 5, "{seen}");
}
