//! `avexclude audit`: the antivirus's current configuration against what the host needs.
//! ClamAV for real (a real clamd.conf, the live mount table, a real tmpfs under an include
//! path); the other readers on settings in each vendor's documented format, the source cited next
//! to each.

use std::path::Path;
use std::process::Command;

use crate::support::{TestCommand, real};

const PVC: &str = "/var/snap/microk8s/common/default-storage/elma365-dbs-data-postgres-0-pvc-3c666d53-7a91-4e8e-8614-0218ec079b10/data";

fn audit(args: &[&str]) -> (i32, serde_json::Value, String) {
    let o = crate::support::avexclude()
        .arg("audit")
        .args(args)
        .args(["--format", "json"])
        .run();
    let err = o.stderr_lossy();
    let j = serde_json::from_slice(o.stdout_bytes()).unwrap_or(serde_json::Value::Null);
    (o.code().unwrap_or(-1), j, err)
}

fn has(j: &serde_json::Value, kind: &str, value_part: &str, why_part: &str) -> bool {
    j["findings"].as_array().is_some_and(|a| {
        a.iter().any(|f| {
            f["kind"] == kind
                && f["value"].as_str().unwrap_or("").contains(value_part)
                && f["why"].as_str().unwrap_or("").contains(why_part)
        })
    })
}

fn fixture() -> String {
    real::repo()
        .join("examples/hosts/microk8s-upgraded")
        .display()
        .to_string()
}

fn from_file(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Each reader on a configuration in the vendor's documented format: `/opt/elma365` present (not
/// missing), a volume this host does not need (stale), `/tmp` (too broad), an old Erlang runtime
/// (stale: gone), a shell as a process (too broad), and the database servers' processes missing.
#[test]
fn audit_reads_each_vendors_documented_format() {
    let t = tempfile::tempdir().unwrap();
    let old = "/opt/bitnami/erlang/lib/erlang/erts-12.3.1";
    let cases: Vec<(&str, String, bool)> = vec![
        // KESL: kesl-control --get-settings output, INI sections as in
        // support.kaspersky.com/KES4Linux/11.2.0/en-US/197965.htm (ExcludedFromScanScope) and
        // KES4Linux/12.0.0/en-US/234873.htm (TrustedPrograms).
        (
            "kesl",
            format!(
                "[ExcludedFromScanScope.item_0000]\nAreaDesc=\nUseScanArea=Yes\nPath={PVC}\nAreaMask.item_0000=*\n\n\
                 [ExcludedFromScanScope.item_0003]\nUseScanArea=Yes\nPath=/opt/elma365\nAreaMask.item_0000=*\n\n\
                 [ExcludedFromScanScope.item_0001]\nUseScanArea=Yes\nPath=/tmp\nAreaMask.item_0000=*\n\n\
                 [ExcludedFromScanScope.item_0002]\nUseScanArea=Yes\nPath={old}\nAreaMask.item_0000=*\n\n\
                 [TrustedPrograms.item_0000]\nProgramPath=/bin/sh\nApplyToDescendants=No\n"
            ),
            true,
        ),
        // Dr.Web: drweb-ctl cfshow / drweb.ini list syntax, quoted comma lists, repeated keys
        // merged (download.geo.drweb.com/pub/drweb/unix/server/10.0/.../dw_9_spiderguard_config.htm).
        (
            "drweb",
            format!(
                "[LinuxSpider]\nLinuxSpider.ExcludedPath = \"/proc\", \"/sys\", \"{PVC}\", \"/opt/elma365\"\nExcludedPath = \"/tmp\"\nExcludedPath = \"{old}\"\nExcludedProc = \"/bin/sh\"\n"
            ),
            true,
        ),
        // Defender: mdatp_managed.json, the sample of defender-docs linux-exclusions.md.
        (
            "mdatp",
            format!(
                r#"{{"exclusionSettings": {{"exclusions": [
                  {{"$type": "excludedPath", "isDirectory": true, "path": "{PVC}/", "scopes": ["epp"]}},
                  {{"$type": "excludedPath", "isDirectory": true, "path": "/opt/elma365/", "scopes": ["epp"]}},
                  {{"$type": "excludedPath", "isDirectory": true, "path": "/tmp/", "scopes": ["epp"]}},
                  {{"$type": "excludedPath", "isDirectory": true, "path": "{old}", "scopes": ["epp"]}},
                  {{"$type": "excludedFileName", "name": "/bin/sh", "scopes": ["epp"]}}],
                  "mergePolicy": "admin_only"}}}}"#
            ),
            true,
        ),
        // ESET: cfg --export-xml shape (<ESET><PRODUCT><ITEM><NODE VALUE=...>, numbered list
        // ITEMs; github dmaasland/efsl-icap-docker settings.xml); list names unverified.
        (
            "eset",
            format!(
                "<ESET><PRODUCT NAME=\"efs_unix\"><ITEM NAME=\"Settings\"><ITEM NAME=\"X\" DELETE=\"1\">\
                 <ITEM NAME=\"1\"><NODE NAME=\"Path\" TYPE=\"string\" VALUE=\"{PVC}/*\"/></ITEM>\
                 <ITEM NAME=\"5\"><NODE NAME=\"Path\" TYPE=\"string\" VALUE=\"/opt/elma365/*\"/></ITEM>\
                 <ITEM NAME=\"2\"><NODE NAME=\"Path\" TYPE=\"string\" VALUE=\"/tmp/*\"/></ITEM>\
                 <ITEM NAME=\"3\"><NODE NAME=\"Path\" TYPE=\"string\" VALUE=\"{old}/*\"/></ITEM>\
                 <ITEM NAME=\"4\"><NODE NAME=\"Path\" TYPE=\"string\" VALUE=\"/bin/sh\"/></ITEM>\
                 </ITEM></ITEM></PRODUCT></ESET>"
            ),
            true,
        ),
    ];
    let root = fixture();
    for (vendor, text, procs) in cases {
        let f = from_file(t.path(), &format!("{vendor}.conf"), &text);
        let (code, j, err) = audit(&["--vendor", vendor, "--from", &f, "--root", &root]);
        assert_eq!(code, 1, "{vendor}: {err}\n{j:#}");
        assert_eq!(j["vendor"], vendor);
        assert!(
            !has(&j, "missing", "/opt/elma365", ""),
            "{vendor}: /opt/elma365 is there\n{j:#}"
        );
        assert!(
            has(
                &j,
                "missing",
                "/opt/bitnami/mongodb/bin/mongod",
                "container view"
            ),
            "{vendor}: MongoDB's server process is missing\n{j:#}"
        );
        // The fixture's volumes are root-owned, so no data directory is trusted on this host
        // (threat model): the PVC exclusion is one this host does not need, and a versioned one.
        assert!(has(&j, "stale", PVC, "older version"), "{vendor}\n{j:#}");
        assert!(has(&j, "too-broad", "/tmp", ""), "{vendor}\n{j:#}");
        assert!(has(&j, "stale", old, "no longer exists"), "{vendor}\n{j:#}");
        if procs {
            assert!(has(&j, "too-broad", "/bin/sh", "shell"), "{vendor}\n{j:#}");
        }
        for f in j["findings"].as_array().unwrap() {
            assert!(
                ["missing", "stale", "too-broad", "pitfall"].contains(&f["kind"].as_str().unwrap()),
                "{f}"
            );
        }
    }
}

#[test]
fn audit_exit_2_for_a_product_not_installed_and_no_file() {
    let (code, _, err) = audit(&["--vendor", "kesl", "--root", &fixture()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--from FILE"), "{err}");
}

/// A tmpfs mounted under an include path, on the live host (removed on drop).
struct TmpMount(std::path::PathBuf);
impl Drop for TmpMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A real clamd.conf (the installed one) with on-access lines appended, audited on the live host:
/// the live mount table shows the tmpfs under the include path; the exclusion with a sibling
/// named like it is named as the pre-1.4.5 pitfall when the version is 1.4.3 and not when it is
/// 1.4.6; trailing slash and trailing comment lines are named (lab examples
/// bad-onacc-trailing-slash.conf, bad-trailing-comment.conf).
#[test]
fn audit_clamav_real_config_and_live_mounts() {
    let test = "audit_cli::audit_clamav_real_config_and_live_mounts";
    let mut missing = real::missing_root_and(&["/etc/clamav/clamd.conf", "/usr/sbin/clamd"]);
    if missing.is_empty() {
        missing = real::missing_clamav_145();
    }
    if !real::can_run(test, &missing) {
        return;
    }
    let _lock = real::lock_real();
    let t = tempfile::Builder::new()
        .prefix("avx-audit-")
        .tempdir_in("/tmp")
        .unwrap();
    let inc = t.path().join("inc");
    for d in ["data/base", "data2", "other", "m"] {
        std::fs::create_dir_all(inc.join(d)).unwrap();
    }
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "avx-audit"])
        .arg(inc.join("m"))
        .status()
        .unwrap();
    assert!(st.success());
    let _m = TmpMount(inc.join("m"));
    std::fs::create_dir_all(inc.join("m/sub")).unwrap();
    let base = std::fs::read_to_string("/etc/clamav/clamd.conf").unwrap();
    let i = inc.display();
    let conf = format!(
        "{base}\nOnAccessIncludePath {i}\nOnAccessExcludePath {i}/data\nOnAccessExcludePath {i}/other/\nOnAccessExcludeUname clamav   # clamd's user\nOnAccessPrevention yes\n"
    );
    let f = from_file(t.path(), "clamd.conf", &conf);
    // clamconf reads the composed file: it is a real configuration.
    let cc = TestCommand::new("clamconf")
        .args(["-n", "-c"])
        .arg(t.path())
        .run();
    assert!(!cc.stderr_lossy().contains("ERROR"), "{cc}");

    let (code, j, err) = audit(&[
        "--vendor",
        "clamav",
        "--from",
        &f,
        "--vendor-param",
        "clamav.version=1.4.3",
    ]);
    assert_eq!(code, 1, "{err}\n{j:#}");
    assert!(
        has(
            &j,
            "pitfall",
            &format!("OnAccessIncludePath {i}"),
            &format!("{i}/m")
        ),
        "the tmpfs under the include path, from the live mount table\n{j:#}"
    );
    assert!(
        has(
            &j,
            "pitfall",
            &format!("OnAccessExcludePath {i}/data"),
            "1.4.3 before 1.4.5"
        ),
        "{j:#}"
    );
    assert!(has(&j, "pitfall", &format!("{i}/data"), "data2"), "{j:#}");
    assert!(
        has(&j, "pitfall", &format!("{i}/other/"), "trailing /"),
        "{j:#}"
    );
    assert!(
        has(&j, "pitfall", "# clamd's user", "no trailing comments"),
        "{j:#}"
    );

    let (_, j, _) = audit(&[
        "--vendor",
        "clamav",
        "--from",
        &f,
        "--vendor-param",
        "clamav.version=1.4.6",
    ]);
    assert!(
        !has(&j, "pitfall", "", "before 1.4.5"),
        "1.4.6 has the fix\n{j:#}"
    );
    assert!(
        has(
            &j,
            "pitfall",
            &format!("OnAccessIncludePath {i}"),
            &format!("{i}/m")
        ),
        "{j:#}"
    );
}
