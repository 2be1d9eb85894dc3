//! `avexclude render` end to end on an inventory: files under OUT/<vendor>/, each path listed on
//! stdout, scripts executable, warnings on stderr, unknown vendors refused with exit 2.

use std::os::unix::fs::PermissionsExt;

use avexclude::model::*;

fn proc(pid: i32, comm: &str, exe: &str, argv: &[&str], uid: u32, user: &str) -> Process {
    Process {
        pid,
        ppid: 1,
        comm: comm.into(),
        cmdline: argv.iter().map(|a| HostStr::from(*a)).collect(),
        exe: Some(exe.into()),
        exe_host: Some(exe.into()),
        uid: Some(uid),
        user: Some(user.into()),
        start_time: 1000 + pid as u64,
        trust: Some(avexclude::model::Trust::yes("a root-owned binary")),
        ..Default::default()
    }
}

/// A Debian database host as `discover` would write it (shared/lab/README.md).
fn db_inventory() -> Inventory {
    Inventory {
        schema: SCHEMA_VERSION,
        tool: ToolInfo::default(),
        generated_at: "2026-11-24T18:00:00Z".into(),
        root: "/".into(),
        host: HostFacts {
            hostname: "db-01".into(),
            os: "Debian GNU/Linux 12 (bookworm)".into(),
            kernel: "6.1.0".into(),
            machine_id: None,
            scanned_as_root: true,
        },
        processes: vec![
            proc(
                2101,
                "postgres",
                "/usr/lib/postgresql/15/bin/postgres",
                &[
                    "/usr/lib/postgresql/15/bin/postgres",
                    "-D",
                    "/var/lib/postgresql/15/main",
                ],
                105,
                "postgres",
            ),
            proc(
                2201,
                "redis-server",
                "/usr/bin/redis-check-rdb",
                &["/usr/bin/redis-server 127.0.0.1:6379"],
                106,
                "redis",
            ),
            proc(
                2300,
                "sh",
                "/usr/bin/dash",
                &["/bin/sh", "/usr/lib/rabbitmq/bin/rabbitmq-server"],
                107,
                "rabbitmq",
            ),
        ],
        listeners: vec![Listener {
            protocol: avexclude::model::Protocol::Tcp,
            ip_version: 4,
            address: "0.0.0.0".into(),
            port: 5432,
            inode: 1,
            pids: vec![2101],
            ..Listener::default()
        }],
        filesystem: FsFacts::default(),
        data_paths: vec![DataPath {
            component: "postgresql".into(),
            path: "/var/lib/postgresql/15/main".into(),
            container_path: None,
            pid: Some(2101),
            source: "cmdline -D".into(),
            evidence: Evidence::default(),
        }],
        warnings: Vec::new(),
    }
}

#[test]
fn renders_files_under_out_vendor_and_lists_them() {
    let d = tempfile::tempdir().unwrap();
    let inv = d.path().join("inv.json");
    std::fs::write(&inv, serde_json::to_vec(&db_inventory()).unwrap()).unwrap();
    let out_dir = d.path().join("out");
    let out = crate::support::avexclude()
        .args([
            "render",
            "--vendor",
            "clamav",
            "--vendor",
            "kesl",
            "--vendor",
            "clamav",
            "-v",
            "--lang",
            "en",
            "--inventory",
        ])
        .arg(&inv)
        .arg("--out")
        .arg(&out_dir)
        .run();
    let stderr = out.stderr_lossy();
    out.assert_exit(0);
    // stdout: a few summary lines per vendor, each vendor once, naming its directory and files
    let summary = out.stdout();
    let heads: Vec<&str> = summary
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains("/: "))
        .collect();
    assert_eq!(heads.len(), 2, "{summary}");
    assert!(heads[0].starts_with(&format!(
        "clamav: 3 files in {}/: clamd.conf, clamonacc.conf, clamscan.args",
        out_dir.join("clamav").display()
    )));
    assert!(heads[1].starts_with("kesl: 4 files in "), "{summary}");
    assert!(summary.contains(&format!(
        "  apply: sudo sh {}",
        out_dir.join("kesl/apply.sh").display()
    )));
    let want: Vec<String> = [
        "clamav/clamd.conf",
        "clamav/clamonacc.conf",
        "clamav/clamscan.args",
        "kesl/apply.sh",
        "kesl/file-threat-protection.ini",
        "kesl/behavior-detection.ini",
        "kesl/bypass-ports.sh",
    ]
    .iter()
    .map(|p| out_dir.join(p).display().to_string())
    .collect();
    for p in &want {
        assert!(std::path::Path::new(p).is_file(), "{p}");
    }
    let mode = |p: &str| {
        std::fs::metadata(out_dir.join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("kesl/apply.sh"), 0o755);
    assert_eq!(mode("clamav/clamd.conf"), 0o644);
    let clamd = std::fs::read_to_string(out_dir.join("clamav/clamd.conf")).unwrap();
    assert!(
        clamd.contains("\nExcludePath ^/var/lib/postgresql/15/main/\n"),
        "{clamd}"
    );
    let onacc = std::fs::read_to_string(out_dir.join("clamav/clamonacc.conf")).unwrap();
    // The service user of a trusted database process is high risk: held back, reason shown.
    assert!(
        !onacc.contains("\nOnAccessExcludeUname postgres"),
        "{onacc}"
    );
    assert!(
        onacc.contains("#   db-postgres-bitnami: postgres: high risk: `postgres` (uid")
            && onacc.contains("pass --allow-risk db-postgres-bitnami to write it"),
        "{onacc}"
    );
    // with -v, warnings say what was not written, per vendor
    assert!(
        stderr.contains("warning[not-expressible]") && stderr.contains("clamav: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning[held-back]") && stderr.contains("/usr/bin/dash"),
        "{stderr}"
    );
    // no temporary files left behind
    for v in ["clamav", "kesl"] {
        for e in std::fs::read_dir(out_dir.join(v)).unwrap() {
            assert!(
                !e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".avexclude-")
            );
        }
    }
}

#[test]
fn unknown_vendor_is_exit_2_listing_the_known_ones() {
    let d = tempfile::tempdir().unwrap();
    let out = crate::support::avexclude()
        .args([
            "render",
            "--vendor",
            "norton",
            "--inventory",
            "/nonexistent",
            "--out",
        ])
        .arg(d.path())
        .run();
    out.assert_exit(2);
    let e = out.stderr_lossy();
    assert!(
        e.contains("unknown vendor 'norton'")
            && e.contains("clamav, drweb, eset, generic, kesl, mdatp"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn refuses_to_write_through_a_symlinked_vendor_dir() {
    let d = tempfile::tempdir().unwrap();
    let inv = d.path().join("inv.json");
    std::fs::write(&inv, serde_json::to_vec(&db_inventory()).unwrap()).unwrap();
    let out_dir = d.path().join("out");
    let elsewhere = d.path().join("elsewhere");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out_dir.join("clamav")).unwrap();
    let out = crate::support::avexclude()
        .args(["render", "--vendor", "clamav", "--inventory"])
        .arg(&inv)
        .arg("--out")
        .arg(&out_dir)
        .run();
    out.assert_exit(2);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// Threat model: a user exclusion (ClamAV `OnAccessExcludeUname`) skips every file the user's
/// processes touch, anywhere on the host: high risk, held back with its reason in the file and
/// the summary, and written only when `--allow-risk` names the entry it comes from.
#[test]
fn clamav_service_user_is_held_back_unless_allowed() {
    let d = tempfile::tempdir().unwrap();
    let inv = d.path().join("inv.json");
    std::fs::write(&inv, serde_json::to_vec(&db_inventory()).unwrap()).unwrap();
    let run = |out: &std::path::Path, extra: &[&str]| {
        let o = crate::support::avexclude()
            .args([
                "render",
                "--vendor",
                "clamav",
                "--lang",
                "en",
                "--inventory",
            ])
            .arg(&inv)
            .arg("--out")
            .arg(out)
            .args(extra)
            .run();
        o.assert_exit(0);
        let onacc = std::fs::read_to_string(out.join("clamav/clamonacc.conf")).unwrap();
        (o.stdout(), onacc)
    };
    let (summary, onacc) = run(&d.path().join("a"), &[]);
    assert!(!onacc.contains("OnAccessExcludeUname postgres"), "{onacc}");
    assert!(
        onacc.contains("# Held back (high risk):")
            && onacc.contains("#   db-postgres-bitnami: postgres: high risk: `postgres` (uid")
            && onacc.contains("skips every file its processes touch, anywhere on the host"),
        "{onacc}"
    );
    assert!(
        summary
            .lines()
            .any(|l| l.contains("held back (high risk)") && l.contains("db-postgres-bitnami")),
        "{summary}"
    );
    let (_, onacc) = run(
        &d.path().join("b"),
        &["--allow-risk", "db-postgres-bitnami"],
    );
    assert!(
        onacc.contains("\nOnAccessExcludeUname postgres\n"),
        "{onacc}"
    );
    assert!(
        !onacc.contains("db-postgres-bitnami: postgres: high risk"),
        "written, so not also listed as held back: {onacc}"
    );
}
