//! The lifecycle loop on this live host with a real Erlang VM (the `beam.smp` a RabbitMQ node
//! runs): first check (exit 1), render with state, accept, check (exit 0, in sync), an upgrade
//! (the VM restarted from another erts version, `/usr/local/lib/erlang/erts-13.99.0`, one of the
//! catalog's install locations), check (exit 1, add and remove named), re-render (the Defender
//! apply script removes the old `beam.smp`, run against a recording `mdatp` stub), check (exit 0).
//! Holds the machine-wide lock: it starts a daemon and writes `/usr/local/lib/erlang`.

use crate::lifecycle::{accept_all, apply, check_state, items, render_state, stubs};
use crate::support::{TestCommand, real};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const NEW_ERTS: &str = "13.99.0";
const LOCAL: &str = "/usr/local/lib/erlang";

/// A running Erlang VM, killed when dropped.
struct Vm(Child);

impl Drop for Vm {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `/usr/local/lib/erlang` made by the test (a copy of the installed erts under a new version,
/// the rest linked), removed when dropped.
struct LocalErlang;

impl Drop for LocalErlang {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(LOCAL);
    }
}

fn installed_erts() -> Option<String> {
    std::fs::read_dir("/usr/lib/erlang")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_prefix("erts-")
                .map(String::from)
        })
        .find(|v| Path::new(&format!("/usr/lib/erlang/erts-{v}/bin/beam.smp")).exists())
}

/// Start `erlexec` from `root`/erts-`v` with an idle shell-less VM; wait until its beam.smp runs.
fn start_vm(root: &str, v: &str) -> Vm {
    let bin = format!("{root}/erts-{v}/bin");
    let child = Command::new(format!("{bin}/erlexec"))
        .args(["-noshell", "-eval", "timer:sleep(infinity)."])
        .env("BINDIR", &bin)
        .env("ROOTDIR", root)
        .env("EMU", "beam")
        .env("PROGNAME", "erl")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // from here on, dropping the guard kills and reaps it (also when the wait below panics)
    let vm = Vm(child);
    let want = PathBuf::from(format!("{bin}/beam.smp"));
    let exe = format!("/proc/{}/exe", vm.0.id());
    for _ in 0..100 {
        if std::fs::read_link(&exe).is_ok_and(|e| e == want) {
            return vm;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("beam.smp of {bin} did not start");
}

#[test]
fn live_host_goes_back_to_green_after_an_erts_upgrade() {
    let mut missing = real::missing_root_and(&["/usr/bin/erl"]);
    let erts = installed_erts();
    if erts.is_none() {
        missing.push("no /usr/lib/erlang/erts-*/bin/beam.smp (erlang-base)".into());
    }
    if !real::can_run(
        "live_host_goes_back_to_green_after_an_erts_upgrade",
        &missing,
    ) {
        return;
    }
    let _lock = real::lock_real();
    if Path::new(LOCAL).exists() {
        real::can_run(
            "live_host_goes_back_to_green_after_an_erts_upgrade",
            &[format!(
                "{LOCAL} exists already; the test only writes one it creates"
            )],
        );
        return;
    }
    let erts = erts.unwrap();
    let d = tempfile::tempdir().unwrap();
    let state = d.path().join("state.json");
    let out = d.path().join("av");
    let live: [&str; 0] = [];

    // the RabbitMQ runtime as Debian installs it
    let old_beam = format!("/usr/lib/erlang/erts-{erts}/bin/beam.smp");
    let vm = start_vm("/usr/lib/erlang", &erts);
    let (c, first) = check_state(&live, &state);
    assert_eq!(c, 1, "{}", first["sync"]);
    render_state(&live, &out, &state, &["kesl", "mdatp"]);
    accept_all(&live, &state, "live test host: its own services, reviewed");
    let (c, green) = check_state(&live, &state);
    assert_eq!(c, 0, "{}", green["sync"]);
    assert_eq!(green["sync"]["in_sync"], true);

    // the upgrade: the node restarts from another erts version, at another install location
    drop(vm);
    let _local = LocalErlang;
    let new_root = format!("{LOCAL}/erts-{NEW_ERTS}");
    std::fs::create_dir_all(&new_root).unwrap();
    let cp = Command::new("cp")
        .args(["-a", &format!("/usr/lib/erlang/erts-{erts}/bin"), &new_root])
        .status()
        .unwrap();
    assert!(cp.success());
    for sub in ["lib", "releases", "bin"] {
        std::os::unix::fs::symlink(format!("/usr/lib/erlang/{sub}"), format!("{LOCAL}/{sub}"))
            .unwrap();
    }
    let new_beam = format!("{new_root}/bin/beam.smp");
    let _vm2 = start_vm(LOCAL, NEW_ERTS);
    let (c, up) = check_state(&live, &state);
    assert_eq!(c, 1, "{}", up["sync"]);
    let add = items(&up["sync"], "add");
    let remove = items(&up["sync"], "remove");
    for v in ["kesl", "mdatp"] {
        assert!(
            add.iter()
                .any(|(vv, id, val)| vv == v && id.contains("db-beam-smp") && *val == new_beam),
            "{v}: {add:?}"
        );
        assert!(
            remove
                .iter()
                .any(|(vv, id, val)| vv == v && id.contains("db-beam-smp") && *val == old_beam),
            "{v}: {remove:?}"
        );
    }

    // re-render: Defender's apply script removes the old beam.smp and adds the new one
    render_state(&live, &out, &state, &["kesl", "mdatp"]);
    let (stub_bin, log) = stubs(d.path());
    let calls = apply(&out.join("mdatp/apply.sh"), &stub_bin, &log);
    let call = |verb: &str, path: &str| {
        vec![
            "mdatp".to_string(),
            "exclusion".into(),
            "process".into(),
            verb.into(),
            "--path".into(),
            path.into(),
            "--scope".into(),
            "epp".into(),
        ]
    };
    assert!(calls.contains(&call("remove", &old_beam)), "{calls:?}");
    assert!(calls.contains(&call("add", &new_beam)), "{calls:?}");
    for c in calls
        .iter()
        .filter(|c| c.get(3).map(String::as_str) == Some("remove"))
    {
        assert!(
            remove
                .iter()
                .any(|(v, _, val)| v == "mdatp" && *val == c[5]),
            "{c:?} was not added by avexclude"
        );
    }
    let kesl = std::fs::read_to_string(out.join("kesl/apply.sh")).unwrap();
    assert!(
        kesl.contains(&format!("db-beam-smp-bitnami: {old_beam}")),
        "{kesl}"
    );
    // the VM's helper processes of the new path are other findings: reviewed again
    accept_all(&live, &state, "erts helpers of the upgraded node, reviewed");
    let (c, done) = check_state(&live, &state);
    assert_eq!(c, 0, "{}", done["sync"]);
    assert_eq!(done["sync"]["in_sync"], true);
}

#[test]
fn a_live_scan_without_root_exits_2_and_says_to_run_as_root() {
    let missing = real::missing_root_and(&["/usr/bin/setpriv"]);
    if !real::can_run(
        "a_live_scan_without_root_exits_2_and_says_to_run_as_root",
        &missing,
    ) {
        return;
    }
    // a copy of the binary that uid 65534 may run
    let d = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = d.path().join("avexclude");
    std::fs::copy(crate::support::bin(), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::chown(&out, Some(65534), Some(65534)).unwrap();
    let prom = out.join("m.prom");
    for args in [vec!["check"], vec!["check", "--allow-empty"]] {
        let o = TestCommand::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin)
            .args(&args)
            .current_dir(d.path())
            .run();
        let err = o.stderr_lossy();
        assert_eq!(o.code(), Some(2), "{args:?}: {o}");
        assert!(
            err.contains("not running as root") && err.contains("run it as root"),
            "{err}"
        );
    }
    // the metrics say so, with no count
    TestCommand::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&bin)
        .args(["check", "--format", "prometheus", "-o"])
        .arg(&prom)
        .current_dir(d.path())
        .run()
        .assert_exit(2);
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(text.contains("\navexclude_scan_success 0\n"), "{text}");
    assert!(!text.contains("avexclude_entries"), "{text}");
}
