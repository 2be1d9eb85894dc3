//! ClamAV EICAR proof of the ClamAV exclusions (issue 4).
//!
//! `tests/clamav/prove.sh` runs a real clamd and clamonacc in a private mount namespace, with a
//! signature database for the EICAR test file built offline by sigtool, and checks EICAR probes
//! placed in every must-exclude and must-scan path. Here it runs on:
//! - hand-written fragments in the rendered format (`tests/clamav/fixtures/good`), which must
//!   pass, and one bad fragment per pitfall of the lab README, each of which must fail for its
//!   own reason (the harness has teeth);
//! - `avexclude render --vendor clamav` output for fixture hosts (see the `rendered_*` tests).
//!
//! Needs root and ClamAV (scripts/test-deps.sh). Without them each test skips with a note, or
//! fails when `AVEXCLUDE_REQUIRE_REAL=1`.

#[path = "support/real.rs"]
mod real;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CLAMAV: &[&str] = &[
    "/usr/sbin/clamd",
    "/usr/bin/clamdscan",
    "/usr/bin/clamscan",
    "/usr/sbin/clamonacc",
    "/usr/bin/clamconf",
    "/usr/bin/sigtool",
    "/usr/bin/unshare",
    "/usr/bin/flock",
    "/usr/bin/python3",
];

fn can_run(test: &str) -> bool {
    real::can_run(test, &real::missing_root_and(CLAMAV))
}

fn fixtures() -> PathBuf {
    real::repo().join("tests/clamav/fixtures")
}

/// What one prover run printed.
struct Proof {
    rc: i32,
    out: String,
}

impl Proof {
    fn not_ok(&self) -> Vec<&str> {
        self.out
            .lines()
            .filter(|l| l.starts_with("not ok "))
            .collect()
    }
    fn ok_lines(&self) -> Vec<&str> {
        self.out.lines().filter(|l| l.starts_with("ok ")).collect()
    }
    /// (passed, failed) from the last line.
    fn counts(&self) -> (usize, usize) {
        let last = self.out.lines().last().unwrap_or_default();
        let nums: Vec<usize> = last
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        assert!(
            last.ends_with(" failed") && nums.len() == 2,
            "last line is not `N passed, N failed`: {last:?}\n{}",
            self.out
        );
        (nums[0], nums[1])
    }
    fn assert_all_pass(&self, min_ok: usize) {
        let (passed, failed) = self.counts();
        assert_eq!((self.rc, failed), (0, 0), "prover failed:\n{}", self.out);
        assert_eq!(passed, self.ok_lines().len());
        assert!(
            passed >= min_ok,
            "only {passed} checks ran (expected at least {min_ok}):\n{}",
            self.out
        );
    }
    fn assert_has_ok(&self, needle: &str) {
        assert!(
            self.ok_lines().iter().any(|l| l.contains(needle)),
            "no passing check mentions {needle:?}:\n{}",
            self.out
        );
    }
    /// The run failed, and for each needle some `not ok` line contains it.
    fn assert_caught(&self, needles: &[&str]) {
        let (_, failed) = self.counts();
        assert_eq!(self.rc, 1, "prover exit code:\n{}", self.out);
        assert!(failed > 0);
        let bad = self.not_ok();
        for n in needles {
            assert!(
                bad.iter().any(|l| l.contains(n)),
                "no failing check mentions {n:?}; failures:\n{}\nfull output:\n{}",
                bad.join("\n"),
                self.out
            );
        }
    }
}

/// Writes the concatenation of list files to a temp file (the prover takes one list per kind).
fn list(dir: &Path, name: &str, parts: &[&Path], extra: &[&str]) -> PathBuf {
    let mut s = String::new();
    for p in parts {
        s.push_str(&fs::read_to_string(p).unwrap());
        s.push('\n');
    }
    for e in extra {
        s.push_str(e);
        s.push('\n');
    }
    let f = dir.join(name);
    fs::write(&f, s).unwrap();
    f
}

fn prove(mode: &str, extra: &[&str], clamav_dir: &Path, xlist: &Path, slist: &Path) -> Proof {
    let out = Command::new("bash")
        .arg(real::repo().join("tests/clamav/prove.sh"))
        .args(["--mode", mode])
        .args(extra)
        .arg(clamav_dir)
        .arg(xlist)
        .arg(slist)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let p = Proof {
        rc: out.status.code().unwrap_or(-1),
        out: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    };
    eprintln!(
        "---- prove.sh --mode {mode} {extra:?} {}\n{}",
        clamav_dir.display(),
        p.out
    );
    p
}

/// The probes live only in the prover's mount namespace: none may be left on the host.
fn assert_host_untouched(lists: &[&Path]) {
    for l in lists {
        for line in fs::read_to_string(l).unwrap().lines() {
            let p = line.trim();
            if p.is_empty() || p.starts_with('#') {
                continue;
            }
            let probe = if p.ends_with('/') {
                format!("{p}eicar-probe.com")
            } else {
                p.to_string()
            };
            if let Ok(data) = fs::read(&probe) {
                assert!(
                    !data.ends_with(b"H+H*"),
                    "an EICAR probe was left on the host at {probe}"
                );
            }
        }
    }
}

/// must-exclude for on demand: the directories and the single files.
fn od_lists(tmp: &Path) -> (PathBuf, PathBuf) {
    let f = fixtures();
    (
        list(
            tmp,
            "x.txt",
            &[
                &f.join("must-exclude-dirs.txt"),
                &f.join("must-exclude-files.txt"),
            ],
            &[],
        ),
        f.join("must-scan.txt"),
    )
}

/// must-exclude on access: directories only (clamonacc cannot exclude a file).
fn oa_lists() -> (PathBuf, PathBuf) {
    let f = fixtures();
    (f.join("must-exclude-dirs.txt"), f.join("must-scan.txt"))
}

fn bad_od(case: &str, needles: &[&str]) {
    if !can_run(case) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (x, s) = od_lists(tmp.path());
    prove("ondemand", &[], &fixtures().join(case), &x, &s).assert_caught(needles);
}

fn bad_oa(case: &str, needles: &[&str]) {
    if !can_run(case) {
        return;
    }
    let (x, s) = oa_lists();
    prove("onaccess", &[], &fixtures().join(case), &x, &s).assert_caught(needles);
}

// ------------------------------------------------------------------ the harness's self-check

#[test]
fn prover_good_fragment_on_demand() {
    if !can_run("prover_good_fragment_on_demand") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (x, s) = od_lists(tmp.path());
    let p = prove("ondemand", &[], &fixtures().join("good"), &x, &s);
    p.assert_all_pass(140);
    for needle in [
        "clamd SCAN /var/lib/postgresql/15/main/eicar-probe.d/eicar-probe.com: Excluded",
        "clamd SCAN /var/lib/postgresql/15/main2/eicar-probe.com: FOUND",
        "clamd SCAN /srv/restore/var/lib/postgresql/15/main/eicar-probe.com: FOUND",
        "clamd SCAN /srv/elma365 data/with space/eicar-probe.com: Excluded",
        "clamd SCAN /snap/microk8s/5372/kubelite: Excluded",
        "clamd SCAN /snap/microk8s/5372/kubelite.bak: FOUND",
        "clamd CONTSCAN walk: /var/lib/rabbitmq/mnesia/eicar-probe.d/eicar-probe.com not detected",
        "clamd CONTSCAN walk: /var/lib/rabbitmq/uploads/eicar-probe.com detected",
        "clamdscan --fdpass walk: /opt/bitnami/postgresql/data-backup/eicar-probe.com detected",
        "clamscan walk with clamscan.args: /opt/bitnami/redis/bin/redis-server not detected",
        "clamscan walk with clamscan.args: /opt/bitnami/redis/bin/redis-server.old detected",
    ] {
        p.assert_has_ok(needle);
    }
    assert_host_untouched(&[&x, &s]);
}

#[test]
fn prover_good_fragment_on_access() {
    if !can_run("prover_good_fragment_on_access") {
        return;
    }
    let (x, s) = oa_lists();
    let p = prove("onaccess", &[], &fixtures().join("good"), &x, &s);
    p.assert_all_pass(45);
    for needle in [
        "on-access prevention is active (canary",
        "clamonacc excludes /srv/elma365 data/with space",
        "on access: open /var/lib/postgresql/15/main/eicar-probe.d/eicar-probe.com allowed",
        "on access: open /var/lib/postgresql/15/main-old/eicar-probe.com blocked (EPERM)",
        "on access: open /var/lib/postgresql/15/eicar-probe.com blocked (EPERM)",
        "on access: open /opt/bitnami/redis/bin/redis-server.old blocked (EPERM)",
    ] {
        p.assert_has_ok(needle);
    }
    assert_host_untouched(&[&x, &s]);
}

// ------------------------------------------------------------------ one bad fragment per pitfall

#[test]
fn prover_catches_onaccess_trailing_slash() {
    bad_oa(
        "bad-onacc-trailing-slash",
        &[
            "OnAccessExcludePath '/var/lib/rabbitmq/mnesia/' ends in '/'",
            "on access: open /var/lib/rabbitmq/mnesia/eicar-probe.com failed",
        ],
    );
}

#[test]
fn prover_catches_onaccess_file() {
    let case = "bad-onacc-file";
    if !can_run(case) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let f = fixtures();
    let x = list(
        tmp.path(),
        "x.txt",
        &[&f.join("must-exclude-dirs.txt")],
        &["/opt/bitnami/redis/bin/redis-server"],
    );
    prove("onaccess", &[], &f.join(case), &x, &f.join("must-scan.txt")).assert_caught(&[
        "OnAccessExcludePath /opt/bitnami/redis/bin/redis-server is a file",
        "clamonacc did not exclude '/opt/bitnami/redis/bin/redis-server'",
        "on access: open /opt/bitnami/redis/bin/redis-server failed",
    ]);
}

#[test]
fn prover_catches_directory_created_after_clamonacc_start() {
    let case = "prover_catches_directory_created_after_clamonacc_start";
    if !can_run(case) {
        return;
    }
    let f = fixtures();
    prove(
        "onaccess",
        &["--late"],
        &f.join("good"),
        &f.join("late-must-exclude.txt"),
        &f.join("must-scan.txt"),
    )
    .assert_caught(&[
        "clamonacc did not exclude '/opt/bitnami/postgresql/data'",
        "on access: open /opt/bitnami/postgresql/data/eicar-probe.com failed",
        "on access: open /srv/elma365 data/with space/eicar-probe.d/eicar-probe.com failed",
    ]);
}

#[test]
fn prover_catches_trailing_comment() {
    let case = "bad-trailing-comment";
    if !can_run(case) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (x, s) = od_lists(tmp.path());
    let f = fixtures();
    prove("ondemand", &[], &f.join(case), &x, &s).assert_caught(&[
        "'^/opt/bitnami/postgresql/data/   # Bitnami PostgreSQL' has a trailing comment",
        "clamd SCAN /opt/bitnami/postgresql/data/eicar-probe.com: '/opt/bitnami/postgresql/data/eicar-probe.com: avexclude-eicar-probe.UNOFFICIAL FOUND' (must be Excluded",
    ]);
    let (x, s) = oa_lists();
    prove("onaccess", &[], &f.join(case), &x, &s).assert_caught(&[
        "'/var/lib/rabbitmq/mnesia # queues' has a trailing comment",
        "on access: open /var/lib/rabbitmq/mnesia/eicar-probe.com failed",
    ]);
}

#[test]
fn prover_catches_crlf() {
    bad_od(
        "bad-crlf",
        &[
            "clamd.conf line 4: carriage return",
            "clamonacc.conf line 3: carriage return",
            "clamscan.args line 1: carriage return",
            "clamd SCAN /var/lib/postgresql/15/main/eicar-probe.com: '/var/lib/postgresql/15/main/eicar-probe.com: avexclude-eicar-probe.UNOFFICIAL FOUND' (must be Excluded",
        ],
    );
}

#[test]
fn prover_catches_regex_not_anchored_at_the_end() {
    bad_od(
        "bad-regex-prefix",
        &[
            "'^/var/lib/postgresql/15/main' ends in neither '/' (a directory) nor '$'",
            "clamd SCAN /var/lib/postgresql/15/main-old/eicar-probe.com: '/var/lib/postgresql/15/main-old/eicar-probe.com: Excluded' (must be FOUND",
            "clamd SCAN /var/lib/postgresql/15/main2/eicar-probe.com: '/var/lib/postgresql/15/main2/eicar-probe.com: Excluded' (must be FOUND",
            "clamscan walk with clamscan.args: /var/lib/postgresql/15/main2/eicar-probe.com not detected",
        ],
    );
}

#[test]
fn prover_catches_regex_not_anchored_at_the_start() {
    bad_od(
        "bad-regex-unanchored",
        &[
            "'/var/lib/postgresql/15/main/' is not anchored with ^/",
            "clamd SCAN /srv/restore/var/lib/postgresql/15/main/eicar-probe.com: '/srv/restore/var/lib/postgresql/15/main/eicar-probe.com: Excluded' (must be FOUND",
        ],
    );
}

#[test]
fn prover_catches_regex_that_does_not_parse() {
    bad_od(
        "bad-regex-syntax",
        &[
            "'^/var/lib/rabbitmq/[mnesia/' is not a valid POSIX extended regex",
            "clamd SCAN /var/lib/rabbitmq/mnesia/eicar-probe.com: '/var/lib/rabbitmq/mnesia/eicar-probe.com: avexclude-eicar-probe.UNOFFICIAL FOUND' (must be Excluded",
        ],
    );
}

#[test]
fn prover_catches_directory_regex_ending_in_dollar() {
    bad_od(
        "bad-regex-dollar",
        &[
            "ExcludePath '^/var/lib/postgresql/15/main$' ends in '$' but /var/lib/postgresql/15/main is a directory",
            "clamd SCAN /var/lib/postgresql/15/main/eicar-probe.com: '/var/lib/postgresql/15/main/eicar-probe.com: avexclude-eicar-probe.UNOFFICIAL FOUND' (must be Excluded",
        ],
    );
}

#[test]
fn prover_catches_relative_paths() {
    let case = "bad-relative";
    if !can_run(case) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let f = fixtures();
    let (x, s) = od_lists(tmp.path());
    prove("ondemand", &[], &f.join(case), &x, &s).assert_caught(&[
        "'^var/lib/rabbitmq/mnesia/' is not anchored with ^/",
        "clamd SCAN /var/lib/rabbitmq/mnesia/eicar-probe.com: '/var/lib/rabbitmq/mnesia/eicar-probe.com: avexclude-eicar-probe.UNOFFICIAL FOUND' (must be Excluded",
    ]);
    let (x, s) = oa_lists();
    prove("onaccess", &[], &f.join(case), &x, &s).assert_caught(&[
        "OnAccessExcludePath 'var/lib/rabbitmq/mnesia' is not an absolute directory path",
        "on access: open /var/lib/rabbitmq/mnesia/eicar-probe.com failed",
    ]);
}

#[test]
fn prover_catches_root_excluded_on_access() {
    bad_oa(
        "bad-exclude-root",
        &[
            "OnAccessExcludeUname root exempts root",
            "on-access prevention not active",
            "on access: open /var/lib/postgresql/15/main-old/eicar-probe.com rc=0",
        ],
    );
}

#[test]
fn prover_catches_missing_onaccess_exclusion() {
    bad_oa(
        "bad-missing-onacc",
        &[
            "on access: open /var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/eicar-probe.com failed",
        ],
    );
}

#[test]
fn prover_catches_misspelt_directive() {
    bad_od(
        "bad-typo-directive",
        &[
            "unexpected directive 'ExcludePaht'",
            "clamconf: ERROR: Parse error",
            "clamd did not start",
        ],
    );
}
