//! ClamAV EICAR proof of the ClamAV exclusions (issue 4).
//!
//! `tests/clamav/prove.sh` runs a real clamd and clamonacc in a private mount namespace, with a
//! signature database for the EICAR test file built offline by sigtool, and checks EICAR probes
//! placed in every must-exclude and must-scan path. Here it runs on:
//! - hand-written fragments in the rendered format (`tests/clamav/fixtures/good`), which must
//!   pass, and one bad fragment per pitfall of the lab README, each of which must fail for its
//!   own reason (the harness has teeth);
//! - `avexclude render --vendor clamav --root FIXTURE` for the fixture hosts `db_host`,
//!   `microk8s_upgraded` (with and without `--allow-risk` for the containerd snapshot root) and
//!   `hostile`: no pitfall in the text, clamconf and clamd accept it, and EICAR probes in every
//!   rendered directory are skipped while siblings (`D-old`, `D2`, the parent, the same path
//!   under another root, the held-back snapshot root) are still detected or blocked.
//!
//! Needs root and ClamAV (scripts/test-deps.sh). Without them each test skips with a note, or
//! fails when `AVEXCLUDE_REQUIRE_REAL=1`.

use crate::support;
use support::{TestCommand, real};

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
    let mut missing = real::missing_root_and(CLAMAV);
    if missing.is_empty() {
        missing = real::missing_clamav_145();
    }
    real::can_run(test, &missing)
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
    // Real clamd and clamonacc: serialised with every other real-component test on this machine.
    let _real = real::lock_real();
    let out = TestCommand::new("bash")
        .arg(real::repo().join("tests/clamav/prove.sh"))
        .args(["--mode", mode])
        .args(extra)
        .arg(clamav_dir)
        .arg(xlist)
        .arg(slist)
        .timeout(std::time::Duration::from_secs(1800))
        .run();
    let p = Proof {
        rc: out.code().unwrap_or(-1),
        out: format!("{}{}", out.stdout_lossy(), out.stderr_lossy()),
    };
    eprintln!(
        "---- prove.sh --mode {mode} {extra:?} {}\n{}",
        clamav_dir.display(),
        p.out
    );
    // Every proof names the ClamAV version it proves (1.4.5 or later, checked by prove.sh).
    if p.rc != 2 {
        assert!(
            p.out
                .lines()
                .any(|l| l.starts_with("# ClamAV 1.") && l.contains("the version this run proves")),
            "prove.sh did not state the ClamAV version:\n{}",
            p.out
        );
    }
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

// ------------------------------------------------------------------ rendered output

/// What a ClamAV render wrote, read back: the directories and files it excludes.
#[derive(Debug, Default)]
struct Rendered {
    dir: PathBuf,
    /// `ExcludePath ^<dir>/`, unescaped, without the trailing slash.
    od_dirs: Vec<String>,
    /// `ExcludePath ^<file>$`, unescaped.
    od_files: Vec<String>,
    /// `OnAccessExcludePath <dir>`.
    oa_dirs: Vec<String>,
    /// `OnAccessExcludeUname <user>`.
    unames: Vec<String>,
    /// clamscan.args lines.
    clamscan: Vec<String>,
}

/// `key value` lines of a clamd.conf-style file (comments and blank lines left out).
fn directives(path: &Path) -> Vec<(String, String)> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once([' ', '\t']) {
            Some((k, v)) => (k.to_string(), v.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

/// A POSIX ERE that is an escaped literal path, back to the path; `None` if it is a real pattern.
fn unescape_ere(re: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = re.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '.' | '[' | ']' | '(' | ')' | '*' | '+' | '?' | '{' | '}' | '|' | '^' | '$' => {
                return None;
            }
            c => out.push(c),
        }
    }
    Some(out)
}

fn read_rendered(dir: &Path) -> Rendered {
    let mut r = Rendered {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    for (k, v) in directives(&dir.join("clamd.conf")) {
        assert_eq!(k, "ExcludePath", "clamd.conf holds only ExcludePath lines");
        let body = v
            .strip_prefix('^')
            .unwrap_or_else(|| panic!("ExcludePath {v:?} is not anchored"));
        if let Some(d) = body.strip_suffix('/') {
            r.od_dirs.push(
                unescape_ere(d).unwrap_or_else(|| panic!("ExcludePath {v:?}: not a literal dir")),
            );
        } else if let Some(f) = body.strip_suffix('$') {
            r.od_files.push(
                unescape_ere(f).unwrap_or_else(|| panic!("ExcludePath {v:?}: not a literal file")),
            );
        } else {
            panic!("ExcludePath {v:?} ends in neither / nor $");
        }
    }
    for (k, v) in directives(&dir.join("clamonacc.conf")) {
        match k.as_str() {
            "OnAccessExcludePath" => r.oa_dirs.push(v),
            "OnAccessExcludeUname" => r.unames.push(v),
            _ => panic!("unexpected directive {k} in clamonacc.conf"),
        }
    }
    if let Ok(t) = fs::read_to_string(dir.join("clamscan.args")) {
        r.clamscan = t
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
    }
    r
}

/// Does `re` compile as a POSIX extended regex (grep -E exits 2 when it does not)?
fn ere_compiles(re: &str) -> bool {
    Command::new("grep")
        .args(["-E", "-e", re])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .code()
        != Some(2)
}

/// Every way (lab README) a ClamAV exclusion fails silently, looked for in rendered files.
fn pitfalls(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for name in ["clamd.conf", "clamonacc.conf", "clamscan.args"] {
        let Ok(bytes) = fs::read(dir.join(name)) else {
            continue;
        };
        if bytes.contains(&b'\r') {
            found.push(format!("{name}: carriage return"));
        }
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            let at = format!("{name}:{}", i + 1);
            let t = line.trim_start();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if t.contains(" #") || t.contains("\t#") {
                found.push(format!("{at}: trailing comment: {line:?}"));
            }
            let (key, val) = match name {
                "clamscan.args" => match t.split_once('=') {
                    Some((k, v)) => (k, v.trim_end_matches('\r')),
                    None => {
                        found.push(format!("{at}: not --exclude[-dir]=REGEX: {line:?}"));
                        continue;
                    }
                },
                _ => match t.split_once([' ', '\t']) {
                    Some((k, v)) => (k, v.trim()),
                    None => {
                        found.push(format!("{at}: directive without a value: {line:?}"));
                        continue;
                    }
                },
            };
            match (name, key) {
                ("clamd.conf", "ExcludePath")
                | ("clamscan.args", "--exclude-dir")
                | ("clamscan.args", "--exclude") => {
                    if !val.starts_with("^/") {
                        found.push(format!("{at}: regex not anchored with ^/: {val:?}"));
                    }
                    if !(val.ends_with('/') || val.ends_with('$')) {
                        found.push(format!("{at}: regex ends in neither / nor $: {val:?}"));
                    }
                    if !ere_compiles(val) {
                        found.push(format!("{at}: regex does not compile: {val:?}"));
                    }
                    if val.ends_with('$')
                        && unescape_ere(&val[1..val.len() - 1])
                            .is_some_and(|p| Path::new(&p).is_dir())
                    {
                        found.push(format!(
                            "{at}: a directory written as a file regex: {val:?}"
                        ));
                    }
                }
                ("clamonacc.conf", "OnAccessExcludePath") => {
                    if !val.starts_with('/') {
                        found.push(format!("{at}: relative path: {val:?}"));
                    }
                    if val.len() > 1 && val.ends_with('/') {
                        found.push(format!("{at}: trailing slash: {val:?}"));
                    }
                    if val.split('/').any(|c| c == "." || c == "..") || val[1..].contains("//") {
                        found.push(format!("{at}: not normalised: {val:?}"));
                    }
                    if Path::new(val).is_file() {
                        found.push(format!("{at}: a file (only directories work): {val:?}"));
                    }
                }
                ("clamonacc.conf", "OnAccessExcludeUname") => {
                    if val == "root" {
                        found.push(format!("{at}: excludes root"));
                    }
                }
                _ => found.push(format!("{at}: unexpected directive {key:?}")),
            }
        }
    }
    found
}

/// Siblings that must still be scanned: `D-old/`, `D2/`, the parent, the same path under another
/// root; `F.bak`, `F-old` for files. None inside an excluded directory or equal to an exclusion.
fn must_scan_for(r: &Rendered) -> Vec<String> {
    let excluded: Vec<&String> = r.od_dirs.iter().chain(&r.oa_dirs).collect();
    let inside = |p: &str| {
        let p = p.trim_end_matches('/');
        excluded
            .iter()
            .any(|d| p == d.as_str() || p.starts_with(&format!("{d}/")))
            || r.od_files.iter().any(|f| f == p)
    };
    let mut out: Vec<String> = Vec::new();
    for d in r.od_dirs.iter().chain(&r.oa_dirs) {
        let parent = Path::new(d).parent().unwrap().display().to_string();
        let mut cands = vec![
            format!("{d}-old/"),
            format!("{d}2/"),
            format!("/srv/restore{d}/"),
        ];
        if parent.matches('/').count() >= 3 {
            cands.push(format!("{parent}/"));
        }
        for c in cands {
            if !inside(&c) && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    for f in &r.od_files {
        for c in [format!("{f}.bak"), format!("{f}-old")] {
            if !inside(&c) && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

fn write_list(dir: &Path, name: &str, paths: &[String]) -> PathBuf {
    let f = dir.join(name);
    fs::write(&f, paths.join("\n") + "\n").unwrap();
    f
}

/// clamconf reads the rendered lines without ERROR and clamd starts with them.
fn assert_clamd_accepts(r: &Rendered) {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    fs::create_dir(t.join("db")).unwrap();
    fs::write(t.join("harmless"), b"avexclude clamd config check\n").unwrap();
    let sig = TestCommand::new("sigtool")
        .arg("--md5")
        .arg("harmless")
        .current_dir(t)
        .run();
    sig.assert_exit(0);
    fs::write(t.join("db/harmless.hdb"), sig.stdout_bytes()).unwrap();
    let mut conf = format!(
        "DatabaseDirectory {0}/db\nLocalSocket {0}/clamd.sock\nForeground yes\nLogFile {0}/clamd.log\n",
        t.display()
    );
    for name in ["clamd.conf", "clamonacc.conf"] {
        if let Ok(s) = fs::read_to_string(r.dir.join(name)) {
            conf.push_str(&s);
            conf.push('\n');
        }
    }
    fs::write(t.join("clamd.conf"), conf).unwrap();
    let cc = TestCommand::new("clamconf").arg("-c").arg(t).run();
    let all = format!("{}{}", cc.stdout_lossy(), cc.stderr_lossy());
    let errors: Vec<&str> = all.lines().filter(|l| l.starts_with("ERROR")).collect();
    assert!(errors.is_empty(), "clamconf: {errors:?}");
    let mut clamd = Command::new("clamd")
        .arg("-c")
        .arg(t.join("clamd.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let sock = t.join("clamd.sock");
    let mut up = false;
    for _ in 0..300 {
        if sock.exists() {
            up = true;
            break;
        }
        if clamd.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = clamd.kill();
    let out = clamd.wait_with_output().unwrap();
    assert!(
        up,
        "clamd did not start with the rendered lines: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The whole proof for one rendered directory: no pitfall in the text, clamd accepts it, and
/// EICAR probes are skipped exactly where they must be, on demand and on access.
fn prove_rendered(r: &Rendered, extra_scan: &[String]) {
    let p = pitfalls(&r.dir);
    assert!(p.is_empty(), "pitfalls in the rendered files: {p:#?}");
    assert!(
        !r.unames.iter().any(|u| u == "root"),
        "OnAccessExcludeUname root"
    );
    assert_clamd_accepts(r);
    // every on-access directory is also excluded on demand
    for d in &r.oa_dirs {
        assert!(
            r.od_dirs.contains(d),
            "{d} is excluded on access but not on demand"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut scan = must_scan_for(r);
    for s in extra_scan {
        if !scan.contains(s) {
            scan.push(s.clone());
        }
    }
    let dirs_slash = |v: &[String]| v.iter().map(|d| format!("{d}/")).collect::<Vec<_>>();
    let mut od_x = dirs_slash(&r.od_dirs);
    od_x.extend(r.od_files.iter().cloned());
    let s = write_list(tmp.path(), "scan.txt", &scan);
    if !od_x.is_empty() {
        let x = write_list(tmp.path(), "od-x.txt", &od_x);
        prove("ondemand", &[], &r.dir, &x, &s).assert_all_pass(od_x.len() * 3);
    }
    if !r.oa_dirs.is_empty() {
        let x = write_list(tmp.path(), "oa-x.txt", &dirs_slash(&r.oa_dirs));
        prove("onaccess", &[], &r.dir, &x, &s).assert_all_pass(r.oa_dirs.len() * 2);
    }
}

#[test]
fn static_checks_pass_good_and_flag_each_bad_fragment() {
    // pure text checks, but the bad-onacc-file case needs the file to exist: not on this host,
    // so that one is left to the prover tests
    let f = fixtures();
    assert_eq!(pitfalls(&f.join("good")), Vec::<String>::new());
    for (case, needle) in [
        ("bad-onacc-trailing-slash", "trailing slash"),
        ("bad-trailing-comment", "trailing comment"),
        ("bad-crlf", "carriage return"),
        ("bad-regex-prefix", "ends in neither / nor $"),
        ("bad-regex-unanchored", "not anchored with ^/"),
        ("bad-regex-syntax", "does not compile"),
        ("bad-relative", "relative path"),
        ("bad-exclude-root", "excludes root"),
        ("bad-typo-directive", "unexpected directive \"ExcludePaht\""),
    ] {
        let p = pitfalls(&f.join(case));
        assert!(
            p.iter().any(|l| l.contains(needle)),
            "{case}: expected a pitfall mentioning {needle:?}, got {p:#?}"
        );
    }
}

#[test]
fn derived_proof_of_the_good_fragment() {
    // the same path the rendered output takes, on the hand-written fragment
    if !can_run("derived_proof_of_the_good_fragment") {
        return;
    }
    let r = read_rendered(&fixtures().join("good"));
    assert_eq!(r.od_dirs.len(), 5);
    assert_eq!(r.od_files.len(), 2);
    let scan = must_scan_for(&r);
    assert!(scan.contains(&"/var/lib/postgresql/15/main2/".to_string()));
    assert!(scan.contains(&"/var/lib/postgresql/15/".to_string()));
    assert!(scan.contains(&"/snap/microk8s/5372/kubelite.bak".to_string()));
    prove_rendered(&r, &[]);
}

// ------------------------------------------------------------------ rendered for fixture hosts

/// `avexclude render --vendor clamav --root FIXTURE --out OUT [extra]`, read back.
fn render_fixture(root: &Path, out: &Path, extra: &[&str]) -> Rendered {
    let o = support::avexclude()
        .args(["render", "--vendor", "clamav", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .args(extra)
        .run();
    assert!(o.success(), "render failed: {o}");
    let dir = out.join("clamav");
    for f in ["clamd.conf", "clamonacc.conf", "clamscan.args"] {
        assert!(dir.join(f).is_file(), "render wrote no {f}");
    }
    read_rendered(&dir)
}

/// The pitfall "a directory created after clamonacc starts stays scanned": the renderer writes
/// only directories that exist on the host, and tells the admin to restart clamonacc.
fn assert_onaccess_dirs_exist(r: &Rendered, root: &Path) {
    for d in &r.oa_dirs {
        assert!(
            root.join(d.trim_start_matches('/')).is_dir(),
            "OnAccessExcludePath {d} does not exist on the host: clamonacc would ignore it"
        );
    }
    let text = fs::read_to_string(r.dir.join("clamonacc.conf")).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with('#') && l.contains("restart clamonacc")),
        "clamonacc.conf tells the admin to restart clamonacc"
    );
}

fn has(v: &[String], s: &str) -> bool {
    v.iter().any(|x| x == s)
}

#[test]
fn rendered_db_host_proven_with_eicar() {
    if !can_run("rendered_db_host_proven_with_eicar") {
        return;
    }
    let host = tempfile::tempdir().unwrap();
    let fx = support::hosts::db_host(host.path());
    // Without --allow-risk the postgres service user is held back (high risk: every file its
    // processes touch would be skipped on access, anywhere on the host).
    let out0 = tempfile::tempdir().unwrap();
    let r0 = render_fixture(&fx.root, out0.path(), &[]);
    assert!(r0.unames.is_empty(), "user exclusions held back: {r0:#?}");
    // With --allow-risk for the entry it comes from, it is written and proven below.
    let out = tempfile::tempdir().unwrap();
    let r = render_fixture(
        &fx.root,
        out.path(),
        &["--allow-risk", "db-postgres-bitnami"],
    );
    // The data directories of the fixture's databases, on demand and on access.
    for d in [
        "/var/lib/postgresql/15/main",
        "/var/lib/redis",
        "/var/lib/mongodb",
    ] {
        assert!(has(&r.od_dirs, d), "ExcludePath for {d}: {r:#?}");
        assert!(has(&r.oa_dirs, d), "OnAccessExcludePath for {d}: {r:#?}");
    }
    assert!(
        r.od_dirs
            .iter()
            .any(|d| d.starts_with("/var/lib/rabbitmq/mnesia")),
        "RabbitMQ mnesia excluded: {r:#?}"
    );
    // Database binaries are processes: ClamAV cannot exclude them, so they are not files either.
    assert!(r.od_files.is_empty(), "no file exclusions expected: {r:#?}");
    assert!(has(&r.unames, "postgres"), "postgres service user: {r:#?}");
    assert_onaccess_dirs_exist(&r, &fx.root);
    prove_rendered(
        &r,
        &[
            "/var/lib/postgresql/15/main2/".into(),
            "/var/lib/postgresql/16/main/".into(),
            "/usr/lib/postgresql/15/bin/postgres".into(),
        ],
    );
}

const SNAPSHOTS: &str =
    "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs";

#[test]
fn rendered_microk8s_upgraded_proven_with_eicar() {
    if !can_run("rendered_microk8s_upgraded_proven_with_eicar") {
        return;
    }
    let host = tempfile::tempdir().unwrap();
    let fx = support::hosts::microk8s_upgraded(host.path());

    // Without --allow-risk the containerd snapshot root is held back: it must still be scanned.
    let out = tempfile::tempdir().unwrap();
    let r = render_fixture(&fx.root, out.path(), &[]);
    assert!(
        !has(&r.od_dirs, SNAPSHOTS) && !has(&r.oa_dirs, SNAPSHOTS),
        "the snapshot root is high risk: written only with --allow-risk: {r:#?}"
    );
    let pg = r
        .od_dirs
        .iter()
        .find(|d| {
            d.starts_with("/var/snap/microk8s/common/default-storage/elma365-dbs-data-postgres-0-")
        })
        .unwrap_or_else(|| panic!("PostgreSQL's hostpath volume excluded: {r:#?}"))
        .clone();
    assert!(has(&r.oa_dirs, &pg));
    assert_onaccess_dirs_exist(&r, &fx.root);
    assert!(
        !r.unames.iter().any(|u| u == "root"),
        "never root: {:?}",
        r.unames
    );
    prove_rendered(
        &r,
        &[
            format!("{SNAPSHOTS}/"),
            format!("{SNAPSHOTS}/snapshots/1/fs/"),
            "/snap/microk8s/7394/kubelite".into(),
            "/var/snap/microk8s/common/var/lib/containerd/".into(),
        ],
    );

    // With --allow-risk for it, the snapshot root is written, and proven excluded.
    let out = tempfile::tempdir().unwrap();
    let r = render_fixture(
        &fx.root,
        out.path(),
        &["--allow-risk", "dir-microk8s-containerd-snapshots"],
    );
    assert!(has(&r.od_dirs, SNAPSHOTS), "{r:#?}");
    assert!(has(&r.oa_dirs, SNAPSHOTS), "{r:#?}");
    assert_onaccess_dirs_exist(&r, &fx.root);
    prove_rendered(
        &r,
        &["/var/snap/microk8s/common/var/lib/containerd/io.containerd.content.v1.content/".into()],
    );
}

#[test]
fn rendered_hostile_paths_proven_with_eicar() {
    if !can_run("rendered_hostile_paths_proven_with_eicar") {
        return;
    }
    let pwned_before = Path::new("/tmp/pwned").exists();
    let host = tempfile::tempdir().unwrap();
    let fx = support::hosts::hostile(host.path());
    let out = tempfile::tempdir().unwrap();
    let r = render_fixture(&fx.root, out.path(), &[]);
    // Quotes, blanks, $() and backticks are written, escaped for the ERE and literal on access;
    // a newline or invalid UTF-8 is refused, so nothing else ever becomes a directive.
    let hostile = support::hosts::HOSTILE_DIR.to_string();
    assert!(has(&r.od_dirs, &hostile), "{r:#?}");
    assert!(has(&r.oa_dirs, &hostile), "{r:#?}");
    for d in r.od_dirs.iter().chain(&r.oa_dirs).chain(&r.od_files) {
        assert!(
            !d.starts_with("/srv/redis") && !d.starts_with("/srv/mongo") && d.len() > 1,
            "a refused or injected value was written: {d:?}"
        );
    }
    prove_rendered(
        &r,
        &[
            "/srv/redis/".into(),
            "/srv/pg data/it's \"main\" $(touch /tmp/pwned) `id`2/".into(),
            "/srv/pg data/it's \"main\" x(touch /tmp/pwned) `id`/".into(),
        ],
    );
    if !pwned_before {
        assert!(
            !Path::new("/tmp/pwned").exists(),
            "a hostile path was executed by a shell"
        );
    }
}
