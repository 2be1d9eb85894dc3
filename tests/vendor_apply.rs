//! The apply scripts (KESL apply.sh and bypass-ports.sh, Dr.Web apply.sh, Defender apply.sh) run
//! as root only, stop when the product is not installed, and are idempotent: run twice against
//! recording stubs of kesl-control, drweb-ctl and mdatp on PATH (`tests/vendor_stubs/`), the
//! second run adds nothing and nothing is listed twice. The stubs print listings in an assumed
//! format (the products' own listing formats are not documented, see the vendors' `unverified`).

use std::path::Path;

use crate::support::render_reports as reports;
use crate::support::{TestCommand, real};

use avexclude::render::{self, RenderOptions};

fn render_to(dir: &Path, name: &str) {
    let cat = reports::catalog();
    let (r, inv) = reports::microk8s();
    let v = reports::vendor(name);
    let out = render::render_with(&r, &cat, &v, &RenderOptions::default(), Some(&inv)).unwrap();
    for f in &out.files {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &f.bytes).unwrap();
    }
}

struct Run {
    rc: i32,
    out: String,
    log: Vec<String>,
}

fn run(script: &Path, stubs: bool, state: &Path, log: &Path) -> Run {
    let path = if stubs {
        format!(
            "{}:/usr/bin:/bin",
            real::repo().join("tests/vendor_stubs").display()
        )
    } else {
        "/usr/bin:/bin".to_string()
    };
    let _ = std::fs::remove_file(log);
    let o = TestCommand::new("/bin/sh")
        .arg(script)
        .env_clear()
        .env("PATH", path)
        .env("STUB_STATE", state)
        .env("STUB_LOG", log)
        .run();
    Run {
        rc: o.code().unwrap_or(-1),
        out: format!("{}{}", o.stdout_lossy(), o.stderr_lossy()),
        log: std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect(),
    }
}

fn adds(r: &Run) -> Vec<&String> {
    r.log
        .iter()
        .filter(|l| l.contains(" add") || l.contains("--add-") || l.contains(" cfset "))
        .collect()
}

#[test]
fn apply_scripts_are_idempotent_need_root_and_the_product() {
    let root = unsafe { libc::geteuid() } == 0;
    if !real::can_run(
        "vendor_apply",
        &real::missing_root_and(&["/usr/bin/setpriv"]),
    ) {
        return;
    }
    assert!(root);
    let t = tempfile::tempdir().unwrap();
    for (vendor, script) in [
        ("kesl", "apply.sh"),
        ("kesl", "bypass-ports.sh"),
        ("drweb", "apply.sh"),
        ("mdatp", "apply.sh"),
    ] {
        render_to(t.path(), vendor);
        let s = t.path().join(vendor).join(script);
        let st = t.path().join(format!("{vendor}-{script}.state"));
        let lg = t.path().join(format!("{vendor}-{script}.log"));
        let first = run(&s, true, &st, &lg);
        assert_eq!(first.rc, 0, "{vendor}/{script} first run:\n{}", first.out);
        let added = adds(&first).len();
        assert!(
            added > 0,
            "{vendor}/{script}: the first run added nothing: {:?}",
            first.log
        );
        let state1 = std::fs::read_to_string(&st).unwrap();
        let mut lines: Vec<&str> = state1.lines().collect();
        let n = lines.len();
        lines.sort();
        lines.dedup();
        assert_eq!(
            lines.len(),
            n,
            "{vendor}/{script}: duplicates after one run:\n{state1}"
        );

        let second = run(&s, true, &st, &lg);
        assert_eq!(
            second.rc, 0,
            "{vendor}/{script} second run:\n{}",
            second.out
        );
        assert!(
            adds(&second).is_empty(),
            "{vendor}/{script}: the re-run added again: {:?}",
            adds(&second)
        );
        assert_eq!(
            std::fs::read_to_string(&st).unwrap(),
            state1,
            "{vendor}/{script}: the re-run changed the product's lists"
        );
        assert!(second.out.contains("already"), "{}", second.out);

        // Product missing: stops before doing anything.
        let none = run(&s, false, &st, &lg);
        assert_eq!(
            none.rc, 1,
            "{vendor}/{script} without the product:\n{}",
            none.out
        );
        assert!(none.out.contains("not installed"), "{}", none.out);

        // Not root: refused.
        let o = TestCommand::new("/usr/bin/setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/bin/sh",
            ])
            .arg(&s)
            .env(
                "PATH",
                format!(
                    "{}:/usr/bin:/bin",
                    real::repo().join("tests/vendor_stubs").display()
                ),
            )
            .run();
        assert_eq!(o.code(), Some(1), "{vendor}/{script} as nobody: {o}");
        assert!(o.stderr_lossy().contains("run as root"), "{o}");
    }
}

#[test]
fn drweb_10_gets_paths_only_and_kesl_11_no_use_trusted_program() {
    let cat = reports::catalog();
    let (r, inv) = reports::microk8s();
    let mut vs = render::load_vendors(None).unwrap();
    let text = |vs: &[render::Vendor], name: &str, file: &str| {
        let v = vs.iter().find(|v| v.name() == name).unwrap();
        let out = render::render_with(&r, &cat, v, &RenderOptions::default(), Some(&inv)).unwrap();
        reports::file_text(&out, file)
    };
    // Defaults: Dr.Web 11.1 (ExcludedProc), KESL 12.3 (UseTrustedProgram, bypass).
    assert!(text(&vs, "drweb", "drweb.ini").contains("\nExcludedProc = "));
    assert!(text(&vs, "kesl", "behavior-detection.ini").contains("\nUseTrustedProgram=Yes"));
    assert!(text(&vs, "kesl", "bypass-ports.sh").contains("--add-bypass-endpoints --direction in"));
    for v in vs.iter_mut() {
        match v.name() {
            "drweb" => v.descriptor.set_param("version", "10.0"),
            "kesl" => v.descriptor.set_param("version", "11.4"),
            _ => {}
        }
    }
    let ini = text(&vs, "drweb", "drweb.ini");
    assert!(!ini.contains("\nExcludedProc = "), "{ini}");
    assert!(
        ini.contains("has no ExcludedProc (from 11.0 only)"),
        "{ini}"
    );
    assert!(ini.contains("\nExcludedPath = "), "{ini}");
    let sh = text(&vs, "drweb", "apply.sh");
    assert!(!sh.contains("add ExcludedProc"), "{sh}");
    let bd = text(&vs, "kesl", "behavior-detection.ini");
    assert!(!bd.contains("UseTrustedProgram=Yes"), "{bd}");
    assert!(bd.contains("ProgramPath="), "{bd}");
    let bp = text(&vs, "kesl", "bypass-ports.sh");
    assert!(!bp.contains("kesl-control --add-bypass-endpoints"), "{bp}");
}

#[test]
fn kesl_never_writes_a_file_as_parent_plus_areamask() {
    let cat = reports::catalog();
    let (mut r, inv) = reports::db_host();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        vec![reports::path_match("/etc/elma365/license.key")],
    );
    let e = r
        .entries
        .iter_mut()
        .find(|e| e.id == "rule-database-files")
        .unwrap();
    e.kind = avexclude::model::EntryKind::File;
    let v = reports::vendor("kesl");
    let out = render::render_with(&r, &cat, &v, &RenderOptions::default(), Some(&inv)).unwrap();
    let ini = reports::file_text(&out, "file-threat-protection.ini");
    assert!(!ini.contains("AreaMask.item_0000=license.key"), "{ini}");
    assert!(!ini.contains("\nPath=/etc/elma365\n"), "{ini}");
    let sh = reports::file_text(&out, "apply.sh");
    assert!(sh.contains("'/etc/elma365/license.key'"), "{sh}");
}

#[test]
fn clamav_15_gets_anchored_escaped_on_access_regexes() {
    let cat = reports::catalog();
    let (mut r, inv) = reports::db_host();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        vec![reports::path_match("/var/lib/pg.15/main")],
    );
    let mut v = reports::vendor("clamav");
    v.descriptor.set_param("version", "1.4.3");
    let out = render::render_with(&r, &cat, &v, &RenderOptions::default(), Some(&inv)).unwrap();
    assert!(
        reports::file_text(&out, "clamonacc.conf")
            .contains("\nOnAccessExcludePath /var/lib/pg.15/main\n")
    );
    v.descriptor.set_param("version", "1.5.3");
    let out = render::render_with(&r, &cat, &v, &RenderOptions::default(), Some(&inv)).unwrap();
    let c = reports::file_text(&out, "clamonacc.conf");
    assert!(
        c.contains("\nOnAccessExcludePath ^/var/lib/pg\\.15/main$\n"),
        "{c}"
    );
}

#[test]
fn drweb_refuses_hash_and_semicolon_values() {
    let cat = reports::catalog();
    let (mut r, inv) = reports::db_host();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        vec![
            reports::path_match("/srv/a#b/data"),
            reports::path_match("/srv/c;d/data"),
        ],
    );
    let v = reports::vendor("drweb");
    let out = render::render_with(&r, &cat, &v, &RenderOptions::default(), Some(&inv)).unwrap();
    let ini = reports::file_text(&out, "drweb.ini");
    assert!(!ini.contains("ExcludedPath = \"/srv/a#b/data\""), "{ini}");
    assert!(!ini.contains("ExcludedPath = \"/srv/c;d/data\""), "{ini}");
    assert!(
        out.warnings
            .iter()
            .filter(|w| w.code == "refused-value")
            .count()
            >= 2,
        "{:?}",
        out.warnings
    );
}
