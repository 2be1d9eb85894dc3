//! The ClamAV output avoids every silent failure seen on a real ClamAV 1.4.6
//! (shared/lab/README.md): one test per pitfall.

use crate::support::render_reports as reports;

use avexclude::model::{Inventory, Process, Report, Status};
use avexclude::render::{self, RenderOptions};

fn clamav() -> render::Vendor {
    crate::support::render_reports::vendor("clamav")
}

struct Out {
    clamd: String,
    onacc: String,
    args: String,
    warnings: Vec<avexclude::model::Warning>,
}

fn render_report(r: &Report, inv: &Inventory) -> Out {
    render_report_allowing(r, inv, &[])
}

/// Render with `--allow-risk` for the given entry ids.
fn render_report_allowing(r: &Report, inv: &Inventory, allow: &[&str]) -> Out {
    let cat = reports::catalog();
    let opts = RenderOptions {
        allow_risk: allow.iter().map(|a| a.to_string()).collect(),
        ..RenderOptions::default()
    };
    let out = render::render_with(r, &cat, &clamav(), &opts, Some(inv)).unwrap();
    let get = |n: &str| reports::file_text(&out, n);
    Out {
        clamd: get("clamd.conf"),
        onacc: get("clamonacc.conf"),
        args: get("clamscan.args"),
        warnings: out.warnings,
    }
}

/// A DB host whose data directories are given with trailing slashes, plus one single file.
fn host_with(dirs: &[&str], files: &[&str]) -> (Report, Inventory) {
    let cat = reports::catalog();
    let (mut r, inv) = reports::db_host();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        dirs.iter().map(|d| reports::path_match(d)).collect(),
    );
    if !files.is_empty() {
        let mut overlay = cat.clone();
        // a file entry, as a site overlay would add one
        let mut e = overlay.get("dir-opt-elma365").unwrap().clone();
        e.id = "file-elma-log".into();
        e.kind = avexclude::model::EntryKind::File;
        overlay.entries.push(e);
        r.entries.push(reports::result(
            &overlay,
            "file-elma-log",
            Status::Present,
            None,
            files.iter().map(|f| reports::path_match(f)).collect(),
        ));
    }
    (r, inv)
}

fn values<'a>(text: &'a str, directive: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|l| l.strip_prefix(directive).and_then(|r| r.strip_prefix(' ')))
        .collect()
}

/// ClamAV's matching: POSIX ERE through `grep -E` (the real engine family), with the
/// trailing-`/` rule of `match_regex`. `None` if grep rejects the regex.
fn grep_match(re: &str, path: &str) -> Option<bool> {
    let subject = if re.ends_with('/') {
        format!("{path}/")
    } else {
        path.to_string()
    };
    let out = std::process::Command::new("grep")
        .args(["-E", "-q", "-e", re])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(format!("{subject}\n").as_bytes())?;
            c.wait()
        })
        .unwrap();
    match out.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    }
}

#[test]
fn pitfall_trailing_slash_on_onaccess_path_is_never_written() {
    let (r, inv) = host_with(
        &["/var/lib/postgresql/15/main/", "/srv/elma365 data//pg/"],
        &[],
    );
    let o = render_report(&r, &inv);
    let v = values(&o.onacc, "OnAccessExcludePath");
    assert_eq!(
        v,
        ["/var/lib/postgresql/15/main", "/srv/elma365 data/pg"],
        "{}",
        o.onacc
    );
    assert!(v.iter().all(|p| !p.ends_with('/') && p.starts_with('/')));
}

#[test]
fn pitfall_file_paths_are_not_written_for_onaccess() {
    let (r, inv) = host_with(&["/var/lib/redis"], &["/var/log/elma365/app.log"]);
    let o = render_report(&r, &inv);
    assert!(
        values(&o.clamd, "ExcludePath").contains(&"^/var/log/elma365/app\\.log$"),
        "{}",
        o.clamd
    );
    assert!(
        !values(&o.onacc, "OnAccessExcludePath")
            .iter()
            .any(|p| p.contains("app.log"))
    );
    assert!(
        o.onacc
            .contains("#   file-elma-log: /var/log/elma365/app.log"),
        "{}",
        o.onacc
    );
    assert!(
        o.warnings
            .iter()
            .any(|w| w.code == "partly-expressible" && w.message.contains("app.log"))
    );
    assert!(
        o.args
            .lines()
            .any(|l| l == "--exclude=^/var/log/elma365/app\\.log$")
    );
}

#[test]
fn pitfall_no_trailing_comment_and_no_hash_in_a_value() {
    let (r, inv) = host_with(&["/var/lib/redis", "/srv/a#b"], &[]);
    let o = render_report(&r, &inv);
    for text in [&o.clamd, &o.onacc] {
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(!l.contains('#'), "{l:?}");
        }
    }
    assert!(!o.args.contains('#'));
    assert!(
        o.warnings
            .iter()
            .any(|w| w.code == "refused-value" && w.message.contains("/srv/a#b"))
    );
}

#[test]
fn pitfall_no_cr_and_lf_only() {
    let (r, inv) = host_with(&["/var/lib/redis", "/srv/crlf\r"], &[]);
    let o = render_report(&r, &inv);
    for text in [&o.clamd, &o.onacc, &o.args] {
        assert!(!text.contains('\r'));
        assert!(text.is_empty() || text.ends_with('\n'));
    }
    assert!(
        o.warnings
            .iter()
            .any(|w| w.code == "refused-value" && w.message.contains("crlf\\x0d"))
    );
}

#[test]
fn pitfall_every_regex_is_anchored_valid_and_matches_only_its_tree() {
    let dirs = [
        "/var/lib/postgresql/15/main",
        "/srv/elma365 data/with space",
        "/opt/a.b+c(d)[e]{f}|g^h$i\\j*k?",
    ];
    let (r, inv) = host_with(&dirs, &["/var/log/x.log"]);
    let o = render_report(&r, &inv);
    let res = values(&o.clamd, "ExcludePath");
    let args: Vec<&str> = o
        .args
        .lines()
        .map(|l| l.split_once('=').unwrap().1)
        .collect();
    assert_eq!(
        res, args,
        "clamd.conf and clamscan.args carry the same regexes"
    );
    for (re, d) in res.iter().zip(dirs) {
        assert!(re.starts_with('^'), "unanchored: {re}");
        assert!(re.ends_with('/'), "a directory regex ends in /: {re}");
        assert_eq!(grep_match(re, d), Some(true), "{re} vs {d}");
        assert_eq!(grep_match(re, &format!("{d}/deep/eicar.com")), Some(true));
        assert_eq!(
            grep_match(re, &format!("{d}2/eicar.com")),
            Some(false),
            "sibling with the same prefix"
        );
        assert_eq!(grep_match(re, &format!("/x{d}")), Some(false), "anchored");
    }
    let f = res.last().unwrap();
    assert_eq!(*f, "^/var/log/x\\.log$");
    assert_eq!(grep_match(f, "/var/log/x.log"), Some(true));
    assert_eq!(grep_match(f, "/var/log/xylog"), Some(false));
    assert_eq!(grep_match(f, "/var/log/x.log.1"), Some(false));
}

#[test]
fn pitfall_directory_created_after_start_is_explained() {
    let (r, inv) = host_with(&["/var/lib/redis"], &[]);
    let o = render_report(&r, &inv);
    assert!(o.onacc.contains("does not exist when clamonacc starts"));
    assert!(o.onacc.contains("until clamonacc restarts"));
    assert!(o.onacc.contains("ClamAV has no process exclusions"));
    assert!(o.clamd.contains("ClamAV has no process exclusions"));
}

#[test]
fn uname_only_for_dedicated_service_users_never_root_or_shared() {
    let (r, _) = reports::db_host();
    let mut inv = Inventory::default();
    for (pid, uid, user) in [
        (2101, 0, "root"),
        (2201, 65534, "nobody"),
        (2301, 107, "rabbitmq"),
    ] {
        inv.processes.push(Process {
            pid,
            uid: Some(uid),
            user: Some(user.into()),
            trust: Some(avexclude::model::Trust::yes("a root-owned database binary")),
            ..Default::default()
        });
    }
    // User exclusions are high risk: none without --allow-risk, even for a dedicated user.
    let o = render_report(&r, &inv);
    assert!(
        values(&o.onacc, "OnAccessExcludeUname").is_empty(),
        "{}",
        o.onacc
    );
    // Allowing every entry of the report: still only the dedicated user, never root or nobody.
    let all: Vec<&str> = r.entries.iter().map(|e| e.id.as_str()).collect();
    let o = render_report_allowing(&r, &inv, &all);
    assert_eq!(
        values(&o.onacc, "OnAccessExcludeUname"),
        ["rabbitmq"],
        "{}",
        o.onacc
    );

    // Container processes: their uid means nothing on the host, no Uname at all.
    let (r, inv) = reports::microk8s();
    let o = render_report(&r, &inv);
    assert!(
        values(&o.onacc, "OnAccessExcludeUname").is_empty(),
        "{}",
        o.onacc
    );
    assert!(o.onacc.contains("No database service user written"));
}

#[test]
fn processes_and_ports_are_said_not_expressible() {
    let (r, inv) = reports::db_host();
    let o = render_report(&r, &inv);
    assert!(
        o.clamd
            .contains("#   db-postgres-bitnami: /usr/lib/postgresql/15/bin/postgres")
    );
    assert!(o.clamd.contains("#   port-5432-tcp: 5432/tcp"));
    let ne: Vec<_> = o
        .warnings
        .iter()
        .filter(|w| w.code == "not-expressible")
        .collect();
    assert!(
        ne.iter()
            .any(|w| w.message.contains("/usr/lib/postgresql/15/bin/postgres"))
    );
    assert!(ne.iter().any(|w| w.message.contains("5432/tcp")));
}
