//! The ClamAV output on the real ClamAV of this machine (Debian's 1.4.x), no root needed:
//! `clamconf` parses the fragments with no error and reads back exactly the values written, and
//! `clamscan` with `clamscan.args` skips EICAR files under the excluded directories (names with
//! spaces, quotes, `$()`, backticks and regex characters) while still finding them in siblings
//! that share a prefix. Skips with a note when ClamAV is missing, fails if AVEXCLUDE_REQUIRE_REAL=1.
//! (The on-access proof with clamonacc, which needs root, is the EICAR suite's.)

use crate::support::TestCommand;
use crate::support::render_reports as reports;

use std::path::Path;
use std::process::Command;

use avexclude::render::{self, RenderOptions};

const EICAR: &str = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

fn require(tools: &[&str]) -> bool {
    let mut missing: Vec<String> = tools
        .iter()
        .filter(|t| !have(t))
        .map(|t| t.to_string())
        .collect();
    if missing.is_empty() {
        // The version proven, 1.4.5 or later (see support::real::missing_clamav_145).
        missing = crate::support::real::missing_clamav_145();
    }
    if missing.is_empty() {
        return true;
    }
    if std::env::var("AVEXCLUDE_REQUIRE_REAL").as_deref() == Ok("1") {
        panic!(
            "AVEXCLUDE_REQUIRE_REAL=1 but {missing:?} not installed (apt-get install -y clamav clamav-daemon)"
        );
    }
    eprintln!("note: skipping, {missing:?} not installed");
    false
}

/// Render ClamAV for a report whose data directories are `dirs`.
fn render_dirs(dirs: &[String]) -> (String, String, String) {
    let cat = reports::catalog();
    let (mut r, inv) = reports::db_host();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        dirs.iter().map(|d| reports::path_match(d)).collect(),
    );
    let v = reports::vendor("clamav");
    // The service user is high risk (held back by default): allowed here, so clamconf also reads
    // back the OnAccessExcludeUname line.
    let opts = RenderOptions {
        allow_risk: vec!["db-postgres-bitnami".into()],
        ..RenderOptions::default()
    };
    let o = render::render_with(&r, &cat, &v, &opts, Some(&inv)).unwrap();
    let get = |n: &str| reports::file_text(&o, n);
    (
        get("clamd.conf"),
        get("clamonacc.conf"),
        get("clamscan.args"),
    )
}

fn odd_dirs(base: &Path) -> Vec<String> {
    [
        "pg data/main",
        "it's \"quoted\"",
        "$(touch x) `id`",
        "regex.chars+(a)[b]{c}|d^e$",
    ]
    .iter()
    .map(|n| base.join(n).display().to_string())
    .collect()
}

#[test]
fn clamconf_reads_back_exactly_what_was_written() {
    if !require(&["clamconf"]) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dirs = odd_dirs(&d.path().join("srv"));
    let (clamd, onacc, _) = render_dirs(&dirs);
    let conf = d.path().join("conf");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("clamd.conf"),
        format!(
            "DatabaseDirectory {}\nLocalSocket {}/clamd.sock\n{clamd}{onacc}",
            d.path().display(),
            d.path().display()
        ),
    )
    .unwrap();
    let out = TestCommand::new("clamconf")
        .args(["-n", "-c"])
        .arg(&conf)
        .run();
    let all = format!("{}{}", out.stdout_lossy(), out.stderr_lossy());
    assert!(!all.lines().any(|l| l.starts_with("ERROR")), "{all}");
    let parsed = |key: &str| -> String {
        all.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key} not in clamconf output:\n{all}"))
            .to_string()
    };
    // clamconf lists the values of a repeated option as "v1", "v2": rebuild the same line.
    let written = |directive: &str, text: &str| -> String {
        let vals: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix(directive).and_then(|r| r.strip_prefix(' ')))
            .map(|v| format!("\"{v}\""))
            .collect();
        format!("{directive} = {}", vals.join(", "))
    };
    assert_eq!(parsed("ExcludePath"), written("ExcludePath", &clamd));
    assert_eq!(
        parsed("OnAccessExcludePath"),
        written("OnAccessExcludePath", &onacc)
    );
    assert_eq!(
        parsed("OnAccessExcludeUname"),
        written("OnAccessExcludeUname", &onacc)
    );
}

#[test]
fn clamscan_skips_eicar_under_excluded_dirs_only() {
    if !require(&["clamscan", "sigtool"]) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let base = d.path().join("srv");
    let dirs = odd_dirs(&base);
    let (_, _, args) = render_dirs(&dirs);
    // EICAR signature built offline, as in shared/lab/README.md
    let db = d.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let probe = d.path().join("eicar.com");
    std::fs::write(&probe, EICAR).unwrap();
    let sig = TestCommand::new("sigtool").arg("--md5").arg(&probe).run();
    sig.assert_exit(0);
    std::fs::write(db.join("eicar.hdb"), sig.stdout_bytes()).unwrap();
    std::fs::remove_file(&probe).unwrap();

    let mut excluded = Vec::new();
    let mut scanned = Vec::new();
    for dir in &dirs {
        for p in [format!("{dir}/eicar.com"), format!("{dir}/deep/eicar.com")] {
            excluded.push(p);
        }
        scanned.push(format!("{dir}2/eicar.com")); // a sibling sharing the prefix
    }
    scanned.push(base.join("other/eicar.com").display().to_string());
    for p in excluded.iter().chain(&scanned) {
        std::fs::create_dir_all(Path::new(p).parent().unwrap()).unwrap();
        std::fs::write(p, EICAR).unwrap();
    }
    let out = TestCommand::new("clamscan")
        .arg("--no-summary")
        .arg("-d")
        .arg(&db)
        .arg("-r")
        .args(args.lines())
        .arg(&base)
        .run();
    let text = out.stdout_lossy();
    assert_eq!(out.code(), Some(1), "clamscan found something: {out}");
    for p in &scanned {
        assert!(
            text.contains(&format!("{p}: eicar.com.UNOFFICIAL FOUND")),
            "{p} not found:\n{text}"
        );
    }
    for p in &excluded {
        assert!(
            !text.contains(&format!("{p}: ")),
            "{p} scanned although excluded:\n{text}"
        );
    }
    for dir in &dirs {
        assert!(
            text.contains(&format!("{dir}: Excluded")),
            "{dir} not reported Excluded:\n{text}"
        );
    }
}
