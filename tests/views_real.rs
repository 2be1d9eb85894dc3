//! Proof of the path views with a real container and a real fanotify listener.
//!
//! A runc container (busybox rootfs on an overlay mounted in the host namespace, the way
//! containerd does it; a bind-mounted "volume" in the microk8s hostpath layout) runs a
//! "postgres" executable (a busybox copy at `/opt/bitnami/postgresql/bin/postgres` in an image
//! layer) that writes its database file into the volume. Two listeners in this test suite watch
//! it, as on-access engines do (`tests/support/fanotify.rs`): fd-based (readlink of the event fd)
//! and `FAN_REPORT_FID` (file handle resolved with `open_by_handle_at`). The test then renders
//! every vendor for the values this host shows and checks that the path each mode reports for
//! the database write, and the executable each event's process has, is covered by a rendered
//! value of every vendor that claims that view (`vendors/<name>/vendor.yaml` `views`).
//! Facts being re-measured: ../shared/research/container-paths.md sections 2-3.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fanotify::{Event, Listener, Mode};
use crate::support::render_reports as reports;
use crate::support::{TestCommand, real};

use avexclude::model::{Match, PathView};
use avexclude::render::{self, RenderOptions, vendor::ViewKind};

const EXE: &str = "/opt/bitnami/postgresql/bin/postgres";
const DBFILE: &str = "base-16384.dat";

/// The container and its mounts, torn down on drop (even when an assertion fails).
struct Ctr {
    root: tempfile::TempDir,
    id: String,
    rootfs: PathBuf,
    runc_root: PathBuf,
}

impl Drop for Ctr {
    fn drop(&mut self) {
        let rr = self.runc_root.to_string_lossy().into_owned();
        let _ = Command::new("runc")
            .args(["--root", &rr, "kill", &self.id, "KILL"])
            .stderr(Stdio::null())
            .status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("runc")
            .args(["--root", &rr, "delete", "-f", &self.id])
            .stderr(Stdio::null())
            .status();
        let _ = Command::new("umount").arg(&self.rootfs).status();
        let _ = self.root.path();
    }
}

fn sh(cmd: &mut TestCommand) {
    cmd.run().assert_exit(0);
}

struct Layout {
    pvc: PathBuf,
    snaps: PathBuf,
    task: PathBuf,
}

fn layout(t: &Path, id: &str) -> Layout {
    let m = t.join("var/snap/microk8s/common");
    Layout {
        pvc: m.join("default-storage/elma365-dbs-data-postgresql-0-pvc-7ec9e93d-avx0views"),
        snaps: m.join("var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots"),
        task: m.join(format!(
            "run/containerd/io.containerd.runtime.v2.task/k8s.io/{id}"
        )),
    }
}

fn build_image(l: &Layout) {
    use std::os::unix::fs::PermissionsExt;
    let base = l.snaps.join("1/fs");
    for d in [
        "bin",
        "proc",
        "dev",
        "sys",
        "tmp",
        "run",
        "bitnami/postgresql",
    ] {
        std::fs::create_dir_all(base.join(d)).unwrap();
    }
    std::fs::copy("/bin/busybox", base.join("bin/busybox")).unwrap();
    std::os::unix::fs::symlink("busybox", base.join("bin/sh")).unwrap();
    std::os::unix::fs::symlink("busybox", base.join("bin/sleep")).unwrap();
    let img = l.snaps.join("2/fs/opt/bitnami");
    std::fs::create_dir_all(img.join("postgresql/bin")).unwrap();
    std::fs::create_dir_all(img.join("scripts")).unwrap();
    std::fs::copy("/bin/busybox", img.join("postgresql/bin/postgres")).unwrap();
    // Bitnami's entrypoint ends in `exec postgres`; the database process writes its files itself
    // (a shell builtin, so by the `postgres` process), then stays up.
    std::fs::write(
        img.join("scripts/run.sh"),
        format!(
            "printf 'tuple' > /bitnami/postgresql/data/{DBFILE}\nexec -a busybox {EXE} sleep 600\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        img.join("scripts/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::create_dir_all(l.snaps.join("3/fs")).unwrap();
    std::fs::create_dir_all(l.snaps.join("3/work")).unwrap();
    std::fs::create_dir_all(l.pvc.join("data")).unwrap();
    sh(TestCommand::new("chown")
        .args(["-R", "1001:1001"])
        .arg(&l.pvc));
}

fn config(pvc: &Path) -> serde_json::Value {
    serde_json::json!({
        "ociVersion": "1.0.2-dev",
        "process": {
            "terminal": false,
            "user": {"uid": 1001, "gid": 1001},
            "args": ["/bin/sh", "-c", format!("exec -a busybox {EXE} sh /opt/bitnami/scripts/run.sh")],
            "env": ["PATH=/opt/bitnami/postgresql/bin:/bin"],
            "cwd": "/",
            "noNewPrivileges": true
        },
        "root": {"path": "rootfs", "readonly": false},
        "hostname": "postgresql-0",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755", "size=1024k"]},
            {"destination": "/bitnami/postgresql", "type": "bind", "source": pvc, "options": ["rbind", "rprivate", "rw"]}
        ],
        "linux": {
            "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
            "cgroupsPath": "/avexclude-views-test"
        }
    })
}

/// Where the container sees the volume: the mount in its mountinfo whose source is the PVC.
fn container_mount_of(pid: i32, host_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/mountinfo")).ok()?;
    let want = host_dir.to_string_lossy();
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(' ').collect();
        (f.len() > 4 && f[3] == want).then(|| f[4].to_string())
    })
}

/// The exclusion values one vendor's files carry: (directories, processes).
fn written_values(name: &str, out: &render::Rendered) -> (Vec<String>, Vec<String>) {
    let text = |f: &str| reports::file_text(out, f);
    let cap = |t: &str, re: &str| -> Vec<String> {
        let re = regex::Regex::new(re).unwrap();
        t.lines()
            .filter_map(|l| re.captures(l).map(|c| c[1].to_string()))
            .collect()
    };
    match name {
        "clamav" => (
            cap(&text("clamonacc.conf"), r"^OnAccessExcludePath (.+)$"),
            vec![],
        ),
        "kesl" => (
            cap(&text("apply.sh"), r"^add_exclusion '[^']+' '([^']+)'$"),
            cap(&text("behavior-detection.ini"), r"^ProgramPath=(.+)$"),
        ),
        "drweb" => (
            cap(&text("drweb.ini"), r#"^ExcludedPath = "(.+)"$"#),
            cap(&text("drweb.ini"), r#"^ExcludedProc = "(.+)"$"#),
        ),
        "mdatp" => {
            let j: serde_json::Value = serde_json::from_str(&text("mdatp_managed.json")).unwrap();
            let ex = j["exclusionSettings"]["exclusions"]
                .as_array()
                .unwrap()
                .clone();
            let get = |ty: &str, k: &str| -> Vec<String> {
                ex.iter()
                    .filter(|e| e["$type"] == ty)
                    .filter_map(|e| e[k].as_str().map(String::from))
                    .collect()
            };
            (get("excludedPath", "path"), get("excludedFileName", "name"))
        }
        "eset" => (
            cap(&text("performance-exclusions.txt"), r"^(/.*)/\*$"),
            cap(&text("excluded-processes.txt"), r"^(/.+)$"),
        ),
        "generic" => {
            let j: serde_json::Value = serde_json::from_str(&text("exclusions.json")).unwrap();
            let ex = j["exclusions"].as_array().unwrap().clone();
            let get = |k: &str| -> Vec<String> {
                ex.iter()
                    .filter(|e| e["kind"] == k)
                    .filter_map(|e| e["value"].as_str().map(String::from))
                    .collect()
            };
            (get("directory"), get("process"))
        }
        other => panic!("no extractor for {other}"),
    }
}

fn covers(dir: &str, path: &str) -> bool {
    let d = dir.trim_end_matches('/');
    path == d || path.strip_prefix(d).is_some_and(|r| r.starts_with('/'))
}

fn one<'a>(evs: &'a [Event], what: &str, f: impl Fn(&Event) -> bool) -> &'a Event {
    evs.iter()
        .find(|e| f(e))
        .unwrap_or_else(|| panic!("no event for {what} in {evs:#?}"))
}

#[test]
fn fanotify_paths_of_a_real_container_are_covered_by_every_vendor_claiming_that_view() {
    let test = "views_real::fanotify_paths_of_a_real_container";
    if !real::can_run(
        test,
        &real::missing_root_and(&["/usr/sbin/runc", "/bin/busybox", "/bin/mount"]),
    ) {
        return;
    }
    let started = Instant::now();
    let _lock = real::lock_real();
    eprintln!("views_real: lock taken after {:?}", started.elapsed());
    let t = tempfile::Builder::new()
        .prefix("avx-views-")
        .tempdir_in("/tmp")
        .unwrap();
    let id = format!("avxviews{}", std::process::id());
    let l = layout(t.path(), &id);
    build_image(&l);
    let rootfs = l.task.join("rootfs");
    std::fs::create_dir_all(&rootfs).unwrap();
    let snap = |n: &str| l.snaps.join(n).to_string_lossy().into_owned();
    sh(TestCommand::new("mount")
        .args([
            "-t",
            "overlay",
            "overlay",
            "-o",
            &format!(
                "lowerdir={}:{},upperdir={},workdir={}",
                snap("2/fs"),
                snap("1/fs"),
                snap("3/fs"),
                snap("3/work")
            ),
        ])
        .arg(&rootfs));
    let ctr = Ctr {
        id: id.clone(),
        rootfs: rootfs.clone(),
        runc_root: t.path().join("runc-root"),
        root: t,
    };
    std::fs::write(
        l.task.join("config.json"),
        serde_json::to_vec_pretty(&config(&l.pvc)).unwrap(),
    )
    .unwrap();

    // Listeners first: the container's exec and write happen right after it starts.
    let layer_bin = l.snaps.join("2/fs/opt/bitnami/postgresql/bin");
    let dirs = vec![l.pvc.join("data"), layer_bin.clone()];
    let fd = Listener::start(Mode::Fd, &dirs).expect("fanotify (fd mode)");
    let fid = Listener::start(Mode::Fid, &dirs).expect("fanotify (FAN_REPORT_FID)");

    let pidfile = ctr.runc_root.with_file_name("ctr.pid");
    // `run -d` hands its stdio to the container: files, not pipes (a pipe would stay open for
    // as long as the container runs).
    let log = ctr.runc_root.with_file_name("runc.log");
    let status = Command::new("runc")
        .arg("--root")
        .arg(&ctr.runc_root)
        .args(["run", "-d", "--pid-file"])
        .arg(&pidfile)
        .arg(&id)
        .current_dir(&l.task)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .status()
        .unwrap();
    assert!(
        status.success(),
        "runc run: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let dbfile = l.pvc.join("data").join(DBFILE);
    let t0 = Instant::now();
    while std::fs::read(&dbfile)
        .map(|b| b != b"tuple")
        .unwrap_or(true)
    {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the container never wrote {dbfile:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("views_real: database write seen after {:?}", t0.elapsed());
    std::thread::sleep(Duration::from_millis(500));
    let fd_ev = fd.finish().unwrap();
    let fid_ev = fid.finish().unwrap();
    eprintln!(
        "views_real: {} fd events, {} FID events, listeners stopped after {:?}",
        fd_ev.len(),
        fid_ev.len(),
        t0.elapsed()
    );

    // What the host shows of the container process (what discovery reads).
    let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
        .unwrap_or_else(|e| panic!("the container process {pid} is gone: {e}"))
        .to_string_lossy()
        .into_owned();
    assert_eq!(exe, EXE, "/proc/PID/exe of a container process");
    let target = container_mount_of(pid, &l.pvc).expect("the volume in the container's mountinfo");
    assert_eq!(target, "/bitnami/postgresql");
    let host_data = l.pvc.join("data").to_string_lossy().into_owned();
    let ctr_data = format!("{target}/data");

    // What each listener reports for the database write and the executable.
    let is_db = |e: &Event| e.mask & libc::FAN_CLOSE_WRITE != 0 && e.path.ends_with(DBFILE);
    let w_fd = one(&fd_ev, "the write (fd mode)", is_db);
    let w_fid = one(&fid_ev, "the write (FID mode)", is_db);
    assert_eq!(
        w_fd.path,
        format!("{ctr_data}/{DBFILE}"),
        "fd-based: in-container path"
    );
    assert_eq!(
        w_fid.path,
        format!("{host_data}/{DBFILE}"),
        "FID: host path"
    );
    assert_eq!(w_fd.exe, EXE);
    assert_eq!(w_fid.exe, EXE);
    let is_exec =
        |e: &Event| e.mask & libc::FAN_OPEN_EXEC != 0 && e.path.ends_with("/bin/postgres");
    let x_fd = one(&fd_ev, "the exec (fd mode)", is_exec);
    let x_fid = one(&fid_ev, "the exec (FID mode)", is_exec);
    let layer_exe = l.snaps.join("2/fs").to_string_lossy().into_owned() + EXE;
    assert_eq!(
        x_fd.path, EXE,
        "fd-based: the layer file reads as the layer-relative path"
    );
    assert_eq!(x_fid.path, layer_exe, "FID: the layer's host path");

    // The report a discovery of this host gives: the data directory with both views, the
    // container's executable with its layer copy.
    let cat = reports::catalog();
    let (mut r, _) = reports::microk8s();
    reports::set_present(
        &mut r,
        &cat,
        "rule-database-files",
        vec![Match {
            value: host_data.as_str().into(),
            container_path: Some(ctr_data.as_str().into()),
            pid: Some(pid),
            via: "postgresql data directory (volume mount)".parse().unwrap(),
            ..Default::default()
        }],
    );
    reports::set_present(
        &mut r,
        &cat,
        "db-postgres-bitnami",
        vec![reports::container_proc(
            &exe,
            &layer_exe,
            pid,
            &id,
            "elma365-dbs",
        )],
    );
    let opts = RenderOptions::default();
    let mut checked = Vec::new();
    for v in render::load_vendors(None).unwrap() {
        let name = v.name().to_string();
        let out = render::render(&r, &cat, &v, &opts).unwrap();
        let (dirs, procs) = written_values(&name, &out);
        let views = &v.descriptor.views;
        let covered = |p: &str| dirs.iter().any(|d| covers(d, p));
        if views.files.view.writes(PathView::Host) {
            assert!(
                covered(&w_fid.path),
                "{name} claims the host view: {} not covered by {dirs:?}",
                w_fid.path
            );
        } else {
            assert!(
                !dirs.iter().any(|d| d.starts_with(&target)),
                "{name}: host view only, yet {dirs:?}"
            );
        }
        if views.files.view.writes(PathView::Container) {
            assert!(
                covered(&w_fd.path),
                "{name} claims the container view: {} not covered by {dirs:?}",
                w_fd.path
            );
        }
        if v.descriptor.accepts.process_path {
            assert_eq!(views.processes.view, ViewKind::Container, "{name}");
            // The processes that wrote the database file (an exec event's process may still show
            // the exe it is replacing, so exec events are not used here).
            for e in [w_fd, w_fid] {
                if !e.exe.is_empty() {
                    assert!(
                        procs.contains(&e.exe),
                        "{name}: executable {} not in {procs:?}",
                        e.exe
                    );
                }
            }
            assert!(
                !procs.contains(&layer_exe),
                "{name}: the layer copy is no process path"
            );
        }
        checked.push(format!(
            "{name}: files={} processes={} dirs={} procs={}",
            views.files.view.as_str(),
            views.processes.view.as_str(),
            dirs.len(),
            procs.len()
        ));
    }
    eprintln!(
        "views_real: fd write={} fid write={} exe={} fd exec={} fid exec={}\n{}",
        w_fd.path,
        w_fid.path,
        exe,
        x_fd.path,
        x_fid.path,
        checked.join("\n")
    );
    assert_eq!(checked.len(), 6);
    drop(ctr);
}
