//! Issue 9, discovery side: no user or container steers the root scan. Each test performs the
//! attack for real on this machine (as root): a binary started as uid 1777 with `setpriv`, real
//! FIFOs, symlinks, a real overlay "container" in its own mount namespace (`unshare`), and then
//! runs the real binary and checks its outputs (inventory, report, every vendor's files).
//!
//! Without the fixes each of these fails: main makes `/dev/shm/...` a data directory and the
//! attacker's user a ClamAV `OnAccessExcludeUname`, trusts any `nginx: worker process`, blocks
//! forever on a FIFO, reads `/root/...` for a user and follows a container's links on the host,
//! reads the real host's `/proc` through a symlinked `DIR/proc/<pid>`, and writes the host-wide
//! `/bin/busybox` for a container whose busybox was replaced.

use crate::support::{self, Ran};

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::fixture::{Flavor, Host, Node, Proc};

const VENDORS: &[&str] = &["clamav", "drweb", "eset", "generic", "kesl", "mdatp"];
const EVIL_UID: u32 = 1777;

/// The machine-wide lock of tests that start real processes or touch global paths (COMMON.md).
fn real_lock() -> fs::File {
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open("/tmp/avexclude-real.lock")
        .unwrap();
    use std::os::fd::AsRawFd;
    // SAFETY: a valid fd; blocks until the lock is ours; released when `f` is closed.
    assert_eq!(unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) }, 0);
    f
}

fn can_run(test: &str, progs: &[&str]) -> bool {
    support::real::can_run(test, &support::real::missing_root_and(progs))
}

/// Kills (and reaps) a started process when the test ends, however it ends.
struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Removes a path when the test ends.
struct Rm(PathBuf);
impl Drop for Rm {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
        let _ = fs::remove_file(&self.0);
    }
}

/// Run avexclude, killing it if it does not finish in `secs` (a hang is the failure).
fn avexclude(args: &[&str], secs: u64) -> Ran {
    support::avexclude()
        .args(args)
        .timeout(Duration::from_secs(secs))
        .run()
}

fn json_of(o: &Ran, what: &str) -> Value {
    assert!(matches!(o.code(), Some(0) | Some(1)), "{what}: {o}");
    serde_json::from_slice(o.stdout_bytes())
        .unwrap_or_else(|e| panic!("{what}: not JSON: {e}\n{o}"))
}

/// Wait until `/proc/PID/exe` names `exe` (the exec happened); the pid.
fn wait_exec(pid: u32, exe: &Path) -> i32 {
    for _ in 0..200 {
        if fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|e| e == exe) {
            return pid as i32;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("pid {pid} never ran {}", exe.display());
}

/// Every file under `dir`, as (path, text).
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let t = String::from_utf8_lossy(&fs::read(e.path()).unwrap()).into_owned();
            (e.path().to_path_buf(), t)
        })
        .collect()
}

fn render_all(root: Option<&Path>, out: &Path) -> Ran {
    let mut args: Vec<String> = vec!["render".into(), "--out".into(), out.display().to_string()];
    for v in VENDORS {
        args.push("--vendor".into());
        args.push((*v).into());
    }
    if let Some(r) = root {
        args.push("--root".into());
        args.push(r.display().to_string());
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = avexclude(&a, 300);
    assert!(o.success(), "render: {o}");
    o
}

fn proc_of(inv: &Value, pid: i32) -> &Value {
    inv["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == pid)
        .unwrap_or_else(|| panic!("pid {pid} not in the inventory"))
}

/// The pids an entry of a report matched.
fn matched_pids(report: &Value) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for e in report["entries"].as_array().unwrap() {
        for m in e["matches"].as_array().into_iter().flatten() {
            if let Some(p) = m["pid"].as_i64() {
                out.push((e["id"].as_str().unwrap().to_string(), p));
            }
        }
    }
    out
}

fn suspicious_pids(report: &Value) -> Vec<i64> {
    report["unlisted"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["kind"] == "suspicious")
        .filter_map(|u| u["evidence"]["pid"].as_i64())
        .collect()
}

/// A user name for uid 1777 (ClamAV excludes by name): the existing one, or one created for the
/// test and removed after it.
struct EvilUser {
    name: String,
    created: bool,
}
impl EvilUser {
    fn get() -> EvilUser {
        let o = Command::new("getent")
            .args(["passwd", &EVIL_UID.to_string()])
            .output()
            .unwrap();
        if o.status.success() {
            let name = String::from_utf8_lossy(&o.stdout)
                .split(':')
                .next()
                .unwrap()
                .to_string();
            return EvilUser {
                name,
                created: false,
            };
        }
        let name = "avx-evil1777".to_string();
        let st = Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
            ])
            .args(["--uid", &EVIL_UID.to_string(), &name])
            .status()
            .unwrap();
        assert!(st.success(), "useradd failed");
        EvilUser {
            name,
            created: true,
        }
    }
}
impl Drop for EvilUser {
    fn drop(&mut self) {
        if self.created {
            let _ = Command::new("userdel").arg(&self.name).status();
        }
    }
}

fn chown(p: &Path, uid: u32) {
    std::os::unix::fs::chown(p, Some(uid), Some(uid)).unwrap();
}

/// A copy of `/usr/bin/sleep` at `to` (a program that just waits, whatever its name).
fn sleeper(to: &Path, uid: u32) {
    fs::copy("/usr/bin/sleep", to).unwrap();
    chown(to, uid);
    fs::set_permissions(to, fs::Permissions::from_mode(0o755)).unwrap();
}

/// As uid 1777 (no groups), like an unprivileged user: `setpriv` then exec.
fn as_evil(prog: &Path) -> Command {
    let mut c = Command::new("/usr/bin/setpriv");
    c.args([
        "--reuid",
        &EVIL_UID.to_string(),
        "--regid",
        &EVIL_UID.to_string(),
        "--clear-groups",
    ])
    .arg(prog)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    c
}

/// A uid-1777 `redis-server` run from `/dev/shm/...` (its cwd there), a uid-1777 binary titled
/// `nginx: worker process`, and root's `/usr/bin/sleep` titled likewise: none is evidence. No data
/// directory, no trusted process, no user exclusion, in the inventory, the report and every
/// vendor's files.
#[test]
fn unprivileged_redis_server_and_nginx_titles_choose_nothing() {
    if !can_run(
        "unprivileged_redis_server_and_nginx_titles_choose_nothing",
        &["/usr/bin/setpriv", "/usr/bin/sleep", "/usr/sbin/useradd"],
    ) {
        return;
    }
    let _lock = real_lock();
    let user = EvilUser::get();
    let dir = PathBuf::from(format!("/dev/shm/avx-malware.{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let _rm = Rm(dir.clone());
    chown(&dir, EVIL_UID);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let redis = dir.join("redis-server");
    sleeper(&redis, EVIL_UID);
    let ngx = dir.join("nginx");
    sleeper(&ngx, EVIL_UID);

    let mut c = as_evil(&redis);
    c.arg("600").current_dir(&dir);
    let r = Kill(c.spawn().unwrap());
    let redis_pid = wait_exec(r.0.id(), &redis);

    let mut c = Command::new(&ngx);
    c.arg0("nginx: worker process")
        .arg("600")
        .uid(EVIL_UID)
        .gid(EVIL_UID)
        .current_dir(&dir);
    let n1 = Kill(c.spawn().unwrap());
    let ngx_pid = wait_exec(n1.0.id(), &ngx);
    // root's own, trusted sleep, titled as nginx: the executable does not confirm the title
    let mut c = Command::new("/usr/bin/sleep");
    c.arg0("nginx: worker process").arg("600").uid(EVIL_UID);
    let n2 = Kill(c.spawn().unwrap());
    let sleep_pid = wait_exec(n2.0.id(), Path::new("/usr/bin/sleep"));
    let evil = [redis_pid, ngx_pid, sleep_pid];

    let inv = json_of(
        &avexclude(&["discover", "--format", "json"], 300),
        "discover",
    );
    let text = serde_json::to_string(&inv["data_paths"]).unwrap();
    assert!(!text.contains("/dev/shm"), "{text}");
    assert!(
        inv["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "data-path-untrusted"
                && w["subject"] == format!("pid {redis_pid}")),
        "the refused data directory is reported"
    );

    let report = json_of(&avexclude(&["check", "--format", "json"], 300), "check");
    for (id, pid) in matched_pids(&report) {
        assert!(
            !evil.contains(&(pid as i32)),
            "{id} matched the attacker's pid {pid}"
        );
    }
    let sus = suspicious_pids(&report);
    for pid in evil {
        assert!(
            sus.contains(&(pid as i64)),
            "pid {pid} not suspicious: {sus:?}"
        );
    }

    let out = tempfile::tempdir().unwrap();
    render_all(None, out.path());
    let files = files_under(out.path());
    assert!(files.len() >= VENDORS.len());
    for (f, t) in &files {
        assert!(
            !t.contains("/dev/shm/avx-malware"),
            "{}: names the malware",
            f.display()
        );
        assert!(
            !t.contains(&format!("OnAccessExcludeUname {}", user.name)),
            "{}: excludes the attacker's user",
            f.display()
        );
    }
    // and the inventory says why (checked last: main has no such field, and the attack's own
    // effects above are what must fail there)
    for pid in [redis_pid, ngx_pid] {
        let p = proc_of(&inv, pid);
        assert_eq!(p["trust"]["trusted"], false, "pid {pid}: {p}");
    }
    // root's sleep is a trusted file: it is its title that `check` finds unconfirmed (above)
    assert_eq!(proc_of(&inv, sleep_pid)["trust"]["trusted"], true);
    let why = proc_of(&inv, redis_pid)["trust"]["why"].as_str().unwrap();
    assert!(why.contains("uid 1777"), "{why}");
    drop((r, n1, n2));
}

/// Under `--root`: FIFOs as a process's `cmdline`, as a pod's namespace file (the kubelet's
/// token volume) and as a database's config file in a container layer. The scan finishes (the
/// test kills it after 60 s otherwise) and says what it skipped.
#[test]
fn fifos_under_root_never_block_the_scan() {
    let d = tempfile::tempdir().unwrap();
    let fx = support::hosts::microk8s_seed(d.path());
    let mkfifo = |p: &Path| {
        let _ = fs::remove_file(p);
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(
            unsafe { libc::mkfifo(c.as_ptr(), 0o644) },
            0,
            "{}",
            p.display()
        );
    };
    let pg = fx.pid("postgres");
    mkfifo(&fx.root.join(format!("proc/{pg}/cmdline")));
    let ns_files: Vec<PathBuf> = walkdir::WalkDir::new(fx.root.join("var/snap"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "namespace")
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(!ns_files.is_empty());
    for f in &ns_files {
        mkfifo(f);
    }
    let confs: Vec<PathBuf> = walkdir::WalkDir::new(fx.root.join("var/snap"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "mongodb.conf")
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(!confs.is_empty());
    for f in &confs {
        mkfifo(f);
    }
    let root = fx.root.display().to_string();
    let inv = json_of(
        &avexclude(&["discover", "--format", "json", "--root", &root], 60),
        "discover",
    );
    let w = inv["warnings"].as_array().unwrap();
    assert!(
        w.iter()
            .any(|w| w["code"] == "not-a-regular-file"
                && w["subject"] == format!("/proc/{pg}/cmdline")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w["code"] == "config-not-read"
                && w["message"].as_str().unwrap().contains("FIFO")),
        "{w:?}"
    );
    // and the whole pipeline too
    let out = tempfile::tempdir().unwrap();
    let o = avexclude(&["check", "--format", "json", "--root", &root], 60);
    json_of(&o, "check");
    render_all(Some(&fx.root), out.path());
}

/// Live: a fake `mongod` (a root-owned binary in root-owned directories, so trusted) started by
/// uid 1777 with `--config` naming a FIFO, a root-only secret, and the secret through `/../..`.
/// The scan finishes, and the secret's value appears nowhere.
#[test]
fn live_mongod_config_fifo_and_root_secret() {
    if !can_run(
        "live_mongod_config_fifo_and_root_secret",
        &["/usr/bin/setpriv", "/usr/bin/cc"],
    ) {
        return;
    }
    let _lock = real_lock();
    let base = tempfile::Builder::new()
        .prefix("avx-trust.")
        .tempdir_in("/var/lib")
        .unwrap();
    fs::set_permissions(base.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let bin = base.path().join("bin");
    fs::create_dir(&bin).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let mongod = bin.join("mongod");
    // a program that ignores its arguments and waits (sleep would reject `--config`)
    if !static_pause(&mongod) {
        assert!(!support::real::require_real(), "cc -static failed");
        eprintln!("NOTE: skipped: cc -static failed (no static libc?)");
        return;
    }
    fs::set_permissions(&mongod, fs::Permissions::from_mode(0o755)).unwrap();
    let tag = format!("avx-secret-value-{}", std::process::id());
    let secret = PathBuf::from(format!("/root/avx-secret.{}.yaml", std::process::id()));
    fs::write(&secret, format!("storage:\n  dbPath: /{tag}\n")).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    let _rm_secret = Rm(secret.clone());
    let fifo = PathBuf::from(format!("/tmp/avx-fifo.{}", std::process::id()));
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let _rm_fifo = Rm(fifo.clone());
    chown(&fifo, EVIL_UID);

    let dotdot = format!("/../../..{}", secret.display());
    let mut kids = Vec::new();
    let mut pids = Vec::new();
    for conf in [
        fifo.display().to_string(),
        secret.display().to_string(),
        dotdot,
    ] {
        let mut c = as_evil(&mongod);
        c.args(["--config", &conf]).current_dir("/");
        let k = Kill(c.spawn().unwrap());
        pids.push(wait_exec(k.0.id(), &mongod));
        kids.push(k);
    }
    let o = avexclude(&["discover", "--format", "json"], 120);
    let text = o.stdout_lossy();
    let inv = json_of(&o, "discover");
    assert!(
        !text.contains(&tag),
        "the root-only secret was read for a user"
    );
    for pid in &pids {
        assert_eq!(proc_of(&inv, *pid)["trust"]["trusted"], true);
        assert!(
            inv["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["code"] == "config-not-read" && w["subject"] == format!("pid {pid}")),
            "pid {pid}: no config-not-read warning"
        );
    }
    let o = avexclude(&["check", "--format", "json"], 120);
    assert!(!o.stdout_lossy().contains(&tag), "{o}");
    drop(kids);
}

/// `DIR/proc` a symlink to the real `/proc`: an error (exit 2), not the real host's processes.
/// `DIR/proc/<pid>` a symlink to a real process (absolute and relative): never read.
#[test]
fn symlinked_proc_and_pid_dirs_never_reach_the_host() {
    // a real process with a name that must not appear
    let tag = format!("avx-canary-{}", std::process::id());
    let mut c = Command::new("/usr/bin/sleep");
    c.arg0(&tag).arg("600");
    let canary = Kill(c.spawn().unwrap());
    let cpid = wait_exec(canary.0.id(), Path::new("/usr/bin/sleep"));

    let d = tempfile::tempdir().unwrap();
    symlink("/proc", d.path().join("proc")).unwrap();
    let root = d.path().display().to_string();
    let o = avexclude(&["check", "--format", "json", "--root", &root], 60);
    assert_eq!(o.code(), Some(2), "a symlinked proc is an error: {o}");
    assert!(o.stderr_lossy().contains("symlink"), "{o}");
    assert!(!o.stdout_lossy().contains(&tag), "{o}");

    let e = tempfile::tempdir().unwrap();
    let mut h = Host::new("links-1");
    h.add(Proc::new(1, 0, "systemd").exe("/usr/lib/systemd/systemd"));
    h.write(e.path());
    symlink(format!("/proc/{cpid}"), e.path().join("proc/4242")).unwrap();
    symlink(
        format!("../../../../../../../../../proc/{cpid}"),
        e.path().join("proc/4243"),
    )
    .unwrap();
    // and the files of a pid directory as links
    let p1 = e.path().join("proc/1");
    fs::remove_file(p1.join("cmdline")).unwrap();
    symlink(format!("/proc/{cpid}/cmdline"), p1.join("cmdline")).unwrap();
    let root = e.path().display().to_string();
    let o = avexclude(&["discover", "--format", "json", "--root", &root], 60);
    let text = o.stdout_lossy();
    let inv = json_of(&o, "discover");
    assert!(!text.contains(&tag), "read the real host's process {cpid}");
    let pids: Vec<i64> = inv["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_i64().unwrap())
        .collect();
    assert_eq!(pids, vec![1]);
    drop(canary);
}

/// A static program that waits forever (a container has no libc).
fn static_pause(to: &Path) -> bool {
    let src = to.with_extension("c");
    fs::write(
        &src,
        "#include <unistd.h>\nint main(void){pause();return 0;}\n",
    )
    .unwrap();
    let ok = Command::new("cc")
        .args(["-static", "-O1", "-o"])
        .arg(to)
        .arg(&src)
        .status()
        .is_ok_and(|s| s.success());
    let _ = fs::remove_file(&src);
    ok
}

/// A real overlay "container" in its own mount namespace (`unshare`), its image in podman's
/// layer store (a known runtime's). Inside it: `mongod --config /etc/mongod.conf`, where that
/// file is a link to `/root/avx-leak...` (a host file: on the host the link would lead there),
/// and a `redis-server` whose cwd is `/` (its data directory would be the whole layer).
#[test]
fn overlay_container_links_and_cwd_root() {
    if !can_run(
        "overlay_container_links_and_cwd_root",
        &["/usr/bin/unshare", "/usr/sbin/chroot", "/usr/bin/cc"],
    ) {
        return;
    }
    let _lock = real_lock();
    let store = PathBuf::from("/var/lib/containers/storage/overlay");
    fs::create_dir_all(&store).unwrap();
    let base = store.join(format!("avx-trust-{}", std::process::id()));
    let _rm = Rm(base.clone());
    let lower = base.join("diff");
    for d in ["diff/usr/bin", "diff/etc", "upper", "work", "merged"] {
        fs::create_dir_all(base.join(d)).unwrap();
    }
    let pause = lower.join("usr/bin/mongod");
    if !static_pause(&pause) {
        assert!(!support::real::require_real(), "cc -static failed");
        eprintln!("NOTE: skipped: cc -static failed (no static libc?)");
        return;
    }
    fs::copy(&pause, lower.join("usr/bin/redis-server")).unwrap();
    let tag = format!("avx-leak-{}", std::process::id());
    let secret = PathBuf::from(format!("/root/{tag}.yaml"));
    fs::write(&secret, format!("storage:\n  dbPath: /{tag}\n")).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
    let _rm_secret = Rm(secret.clone());
    symlink(&secret, lower.join("etc/mongod.conf")).unwrap();

    let b = base.display();
    let start = |prog: &str, args: &str| {
        let script = format!(
            "mount -t overlay overlay -o lowerdir={b}/diff,upperdir={b}/upper,workdir={b}/work {b}/merged && exec chroot {b}/merged {prog} {args}"
        );
        Kill(
            Command::new("unshare")
                .args([
                    "--mount",
                    "--propagation",
                    "private",
                    "--fork",
                    "--kill-child",
                ])
                .args(["sh", "-c", &script])
                .spawn()
                .unwrap(),
        )
    };
    // both in one overlay mount namespace each (the second mount shares the layers)
    let m = start("/usr/bin/mongod", "--config /etc/mongod.conf");
    let child = |k: &Kill, exe: &str| -> i32 {
        for _ in 0..200 {
            std::thread::sleep(Duration::from_millis(25));
            let kids = fs::read_to_string(format!("/proc/{0}/task/{0}/children", k.0.id()))
                .unwrap_or_default();
            if let Some(p) = kids
                .split_whitespace()
                .next()
                .and_then(|p| p.parse::<i32>().ok())
                && fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|e| e.ends_with(exe))
            {
                return p;
            }
        }
        panic!("the container process {exe} did not start");
    };
    let mpid = child(&m, "usr/bin/mongod");
    let r = start("/usr/bin/redis-server", "");
    let rpid = child(&r, "usr/bin/redis-server");

    let o = avexclude(&["discover", "--format", "json"], 120);
    let text = o.stdout_lossy();
    let inv = json_of(&o, "discover");
    assert!(
        !text.contains(&tag),
        "the container's link was followed on the host"
    );
    let mp = proc_of(&inv, mpid);
    assert_eq!(mp["trust"]["trusted"], true, "{mp}");
    assert!(
        inv["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "config-not-read" && w["subject"] == format!("pid {mpid}")),
        "no config-not-read warning for the link"
    );
    let rp = proc_of(&inv, rpid);
    assert_eq!(rp["trust"]["trusted"], true, "{rp}");
    let upper = base.join("upper").display().to_string();
    for dp in inv["data_paths"].as_array().unwrap() {
        assert_ne!(dp["pid"], rpid, "cwd / became a data directory: {dp}");
        assert_ne!(dp["path"], upper.as_str(), "a whole layer as data: {dp}");
    }
    assert!(
        inv["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "data-path-untrusted"
                && w["subject"] == format!("pid {rpid}")
                && (w["message"].as_str().unwrap().contains("shared place")
                    || w["message"]
                        .as_str()
                        .unwrap()
                        .contains("whole container layer"))),
        "cwd / refused with its reason: {}",
        inv["warnings"]
    );
    drop((m, r));
}

/// A pod shell whose busybox was replaced (`exe` reads `/bin/busybox (deleted)`): the host-wide
/// `/bin/busybox` is never written (main wrote it as "the host path of the executable", past the
/// risk gate), and the process is suspicious. Also a database with cwd `/` in a pod (seen on a
/// microk8s host: `.../snapshots/107/fs` for PostgreSQL and Redis): no data directory.
#[test]
fn replaced_busybox_and_pod_cwd_root() {
    let d = tempfile::tempdir().unwrap();
    let mut h = Host::new("pods-1");
    h.add(Proc::new(1, 0, "systemd").exe("/usr/lib/systemd/systemd"));
    let k = h.container(Flavor::Microk8s, "shell", Some(("shell-0", "elma365")), 1);
    h.image_exec(k, 0, "/bin/busybox");
    h.image_file(k, 0, "/bin/sh", Node::Link(b"/bin/busybox".to_vec()));
    h.add(
        Proc::new(3001, 1, "sh")
            .exe("/bin/busybox")
            .deleted()
            .args(&["/bin/sh", "-c", "sleep 1000"])
            .in_ctr(k)
            .role("shell"),
    );
    let r = h.container(
        Flavor::Microk8s,
        "redis",
        Some(("redis-0", "elma365-dbs")),
        1,
    );
    h.image_exec(r, 0, "/opt/bitnami/redis/bin/redis-server");
    h.add(
        Proc::new(3101, 1, "redis-server")
            .exe("/opt/bitnami/redis/bin/redis-server")
            .args(&["/opt/bitnami/redis/bin/redis-server", "*:6379"])
            .cwd("/")
            .uid(1001)
            .in_ctr(r)
            .role("redis"),
    );
    let fx = h.write(d.path());
    let root = fx.root.display().to_string();

    let out = tempfile::tempdir().unwrap();
    render_all(Some(&fx.root), out.path());
    let re = regex::Regex::new(r#"(^|[\s"'=:,^\[])/(usr/)?bin/(busybox|sh)\b"#).unwrap();
    for (f, t) in files_under(out.path()) {
        for line in t.lines() {
            let l = line.trim_start();
            if l.starts_with('#') || l.starts_with(';') || l.starts_with("<!--") {
                continue; // comments may name what was held back
            }
            assert!(
                !re.is_match(line),
                "{}: host-wide shell written: {line}",
                f.display()
            );
        }
    }
    let report = json_of(
        &avexclude(&["check", "--format", "json", "--root", &root], 60),
        "check",
    );
    assert!(
        matched_pids(&report).iter().all(|(_, p)| *p != 3001),
        "the replaced shell is evidence"
    );
    let inv = json_of(
        &avexclude(&["discover", "--format", "json", "--root", &root], 60),
        "discover",
    );
    assert!(
        inv["data_paths"].as_array().unwrap().is_empty(),
        "{}",
        inv["data_paths"]
    );
    assert_eq!(proc_of(&inv, 3001)["trust"]["trusted"], false);
    assert_eq!(proc_of(&inv, 3101)["trust"]["trusted"], true);
    assert!(suspicious_pids(&report).contains(&3001));
}

mod mutated_proc {
    //! Discovery over randomly mutated `/proc` trees: any file may become a FIFO, a link out of
    //! the root (absolute, relative, to a directory), garbage, a directory, or vanish; a pid
    //! directory may become a link. Asserts: no panic (no internal error), and nothing outside
    //! the root is ever read (a canary file reachable only by escaping never shows up).

    use super::*;
    use avexclude::discovery::{self, DiscoverOptions};
    use proptest::prelude::*;

    const CANARY: &str = "AVX-CANARY-LEAK";

    #[derive(Debug, Clone)]
    enum Mutation {
        Fifo,
        AbsLink,
        RelLink,
        DirLink,
        Garbage(Vec<u8>),
        Dir,
        Remove,
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            Just(Mutation::Fifo),
            Just(Mutation::AbsLink),
            Just(Mutation::RelLink),
            Just(Mutation::DirLink),
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(Mutation::Garbage),
            Just(Mutation::Dir),
            Just(Mutation::Remove),
        ]
    }

    const TARGETS: &[&str] = &[
        "proc/{p}/cmdline",
        "proc/{p}/stat",
        "proc/{p}/status",
        "proc/{p}/comm",
        "proc/{p}/cgroup",
        "proc/{p}/mountinfo",
        "proc/{p}/environ",
        "proc/{p}/exe",
        "proc/{p}/cwd",
        "proc/{p}/root",
        "proc/{p}/fd",
        "proc/{p}/ns",
        "proc/{p}/ns/mnt",
        "proc/{p}/net/tcp",
        "proc/{p}",
        "proc/1/mountinfo",
        "proc/1/net/tcp6",
        "proc/sys/kernel/osrelease",
        "etc/passwd",
        "etc/hostname",
        "etc/os-release",
        "{layer}/opt/bitnami/mongodb/conf/mongodb.conf",
        "{layer}/opt/bitnami/mongodb/bin/mongod",
        "{layer}",
        "{ns}",
    ];

    fn host(dir: &Path) -> (support::fixture::Fixture, Vec<u8>) {
        let mut h = Host::new("fuzz-1");
        h.add(Proc::new(1, 0, "systemd").exe("/usr/lib/systemd/systemd"));
        h.exec("/usr/bin/mongod");
        h.file("/etc/mongod.conf", "storage:\n  dbPath: /var/lib/mongodb\n");
        h.dir("/var/lib/mongodb");
        h.own("/var/lib/mongodb", 107);
        h.add(
            Proc::new(100, 1, "mongod")
                .exe("/usr/bin/mongod")
                .args(&["/usr/bin/mongod", "--config", "/etc/mongod.conf"])
                .uid(107)
                .role("host-mongod"),
        );
        let k = h.container(
            Flavor::Microk8s,
            "mongodb",
            Some(("mongodb-0", "elma365-dbs")),
            1,
        );
        h.image_exec(k, 0, "/opt/bitnami/mongodb/bin/mongod");
        h.image_file(
            k,
            0,
            "/opt/bitnami/mongodb/conf/mongodb.conf",
            Node::File(b"storage:\n  dbPath: /bitnami/mongodb/data/db\n".to_vec()),
        );
        h.volume(k, "/bitnami/mongodb", "/srv/mongo");
        h.dir("/srv/mongo/data/db");
        h.add(
            Proc::new(200, 1, "mongod")
                .exe("/opt/bitnami/mongodb/bin/mongod")
                .args(&[
                    "/opt/bitnami/mongodb/bin/mongod",
                    "--config=/opt/bitnami/mongodb/conf/mongodb.conf",
                ])
                .uid(1001)
                .in_ctr(k)
                .role("ctr-mongod"),
        );
        let layer = h.ctrs[k].lowers[0].clone();
        (h.write(dir), layer)
    }

    fn apply(root: &Path, rel: &Path, m: &Mutation, outside: &Path) {
        let p = root.join(rel);
        if let Ok(md) = fs::symlink_metadata(&p) {
            if md.is_dir() {
                let _ = fs::remove_dir_all(&p);
            } else {
                let _ = fs::remove_file(&p);
            }
        }
        if let Some(parent) = p.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let depth = rel.components().count() + 8;
        match m {
            Mutation::Fifo => {
                let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
                // SAFETY: valid path.
                unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
            }
            Mutation::AbsLink => {
                let _ = symlink(outside.join("canary"), &p);
            }
            Mutation::RelLink => {
                let up = "../".repeat(depth);
                let rel_out = outside.strip_prefix("/").unwrap().join("canary");
                let _ = symlink(format!("{up}{}", rel_out.display()), &p);
            }
            Mutation::DirLink => {
                let _ = symlink(outside, &p);
            }
            Mutation::Garbage(b) => {
                let _ = fs::write(&p, b);
            }
            Mutation::Dir => {
                let _ = fs::create_dir_all(&p);
            }
            Mutation::Remove => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
        #[test]
        fn discovery_over_mutated_trees_never_panics_nor_escapes(
            muts in proptest::collection::vec((0..TARGETS.len(), 0..2usize, mutation()), 1..6)
        ) {
            let outside = tempfile::tempdir().unwrap();
            let canary = format!("storage:\n  dbPath: /{CANARY}\n{CANARY}\n");
            fs::write(outside.path().join("canary"), &canary).unwrap();
            fs::create_dir_all(outside.path().join("sub")).unwrap();
            fs::write(outside.path().join("sub/namespace"), CANARY).unwrap();
            fs::write(outside.path().join("cmdline"), format!("{CANARY}\0")).unwrap();
            let d = tempfile::tempdir().unwrap();
            let (fx, layer) = host(d.path());
            let layer = String::from_utf8(layer).unwrap();
            let ns = walkdir::WalkDir::new(fx.root.join("var/snap"))
                .into_iter()
                .filter_map(Result::ok)
                .find(|e| e.file_name() == "namespace")
                .map(|e| e.path().strip_prefix(&fx.root).unwrap().to_path_buf())
                .unwrap();
            for (t, which, m) in &muts {
                let pid = [100, 200][*which];
                let rel = TARGETS[*t]
                    .replace("{p}", &pid.to_string())
                    .replace("{layer}", layer.trim_start_matches('/'))
                    .replace("{ns}", &ns.display().to_string());
                apply(&fx.root, Path::new(&rel), m, outside.path());
            }
            let r = discovery::discover(&DiscoverOptions {
                root: fx.root.clone(),
                ..Default::default()
            });
            match r {
                Ok(inv) => {
                    let text = serde_json::to_string(&inv).unwrap();
                    prop_assert!(!text.contains(CANARY), "read outside the root: {muts:?}");
                    prop_assert!(!inv.warnings.iter().any(|w| w.code == "internal-error"));
                }
                Err(discovery::Error::Internal(e)) => {
                    prop_assert!(false, "panic in discovery: {e} ({muts:?})");
                }
                Err(_) => {} // no usable proc: an error, as it must be
            }
        }
    }
}

/// Command lines are kept exactly: a trailing space in the last argument is part of it (main
/// dropped it, so `--dir "/srv/data "` became `/srv/data`, another directory), and a command line
/// over the 4 MiB bound is cut with a warning (main cut at 1 MiB, silently).
#[test]
fn command_lines_are_kept_exactly_or_cut_with_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let mut h = Host::new("args-1");
    h.add(Proc::new(1, 0, "systemd").exe("/usr/lib/systemd/systemd"));
    h.exec("/usr/bin/redis-server");
    h.add(
        Proc::new(10, 1, "redis-server")
            .exe("/usr/bin/redis-server")
            .args(&["/usr/bin/redis-server", "--dir", "/srv/data "]),
    );
    let big = "a".repeat(5 << 20);
    h.add(
        Proc::new(11, 1, "big")
            .exe("/usr/bin/redis-server")
            .args(&["/usr/bin/x", &big]),
    );
    let fx = h.write(d.path());
    let root = fx.root.display().to_string();
    let inv = json_of(
        &avexclude(&["discover", "--format", "json", "--root", &root], 120),
        "discover",
    );
    assert_eq!(proc_of(&inv, 10)["cmdline"][2], "/srv/data ");
    let cut = proc_of(&inv, 11)["cmdline"][1].as_str().unwrap().len();
    assert!((2 << 20..5 << 20).contains(&cut), "{cut}");
    assert!(
        inv["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "cmdline-cut" && w["subject"] == "/proc/11/cmdline"),
        "no warning for the cut command line"
    );
}
