//! Live discovery on real container runtimes, started by the tests themselves (scripts in
//! `tests/runtimes/`, adapted from the lab's `../shared/lab/runtimes/`): containerd in its
//! default and microk8s layouts, docker overlay2 (named volume and bind mount), a kind-like node
//! (docker container running its own containerd), podman. Each runs a stand-in database at the
//! Bitnami path (`/opt/bitnami/postgresql/bin/postgres -D /bitnami/postgresql/data`, uid 1001,
//! listening on 5432 in its own network namespace), built into a local image without a registry.
//!
//! `avexclude discover` (live, no --root) must find it as a container process with its runtime
//! and container id, the host path of its executable (the same file as `/proc/PID/exe`), the
//! host path of its data directory, its listener in the container's network namespace, and its
//! identity from the runtime's files.
//!
//! One runtime at a time, under `/tmp/avexclude-real.lock`; teardown runs from a Drop guard and
//! removes only what the scripts created. With `AVEXCLUDE_REQUIRE_REAL=1` a missing runtime fails.

use crate::support::real;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use avexclude::model::{Inventory, Process, Runtime};

const EXE: &str = "/opt/bitnami/postgresql/bin/postgres";

fn scripts() -> PathBuf {
    real::repo().join("tests/runtimes")
}

/// A running runtime; `down` runs when it is dropped, whatever happened.
struct Up {
    script: &'static str,
    args: Vec<String>,
    work: tempfile::TempDir,
    out: String,
}

impl Up {
    fn start(script: &'static str, args: &[&str], action: &str) -> Up {
        let work = tempfile::Builder::new()
            .prefix("avexclude-rt.")
            .tempdir()
            .expect("tempdir");
        let mut up = Up {
            script,
            args: args.iter().map(|s| s.to_string()).collect(),
            work,
            out: String::new(),
        };
        let o = up.run(action);
        up.out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            o.status.success(),
            "{script} {args:?} {action} failed:\n{}\n{}",
            up.out,
            String::from_utf8_lossy(&o.stderr)
        );
        up
    }

    fn run(&self, action: &str) -> std::process::Output {
        Command::new("bash")
            .arg(scripts().join(self.script))
            .arg(self.work.path())
            .args(&self.args)
            .arg(action)
            .stdin(Stdio::null())
            .output()
            .expect("run script")
    }

    /// `KEY [label] value` lines of the script's output.
    fn value(&self, key: &str, label: Option<&str>) -> String {
        self.out
            .lines()
            .find_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                match (f.as_slice(), label) {
                    ([k, v], None) if *k == key => Some(v.to_string()),
                    ([k, lb, v], Some(want)) if *k == key && lb == &want => Some(v.to_string()),
                    _ => None,
                }
            })
            .unwrap_or_else(|| panic!("no {key} {label:?} in:\n{}", self.out))
    }

    fn pid(&self, label: Option<&str>) -> i32 {
        self.value("PID", label).parse().expect("pid")
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        let o = self.run("down");
        if !o.status.success() {
            eprintln!(
                "teardown of {} failed:\n{}",
                self.script,
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

fn can_run(test: &str, programs: &[&str]) -> bool {
    let mut need = vec!["/usr/bin/cc", "/usr/lib/x86_64-linux-gnu/libc.a"];
    need.extend_from_slice(programs);
    real::can_run(test, &real::missing_root_and(&need))
}

fn discover() -> Inventory {
    let out = crate::support::avexclude()
        .args(["discover", "--format", "json"])
        .run();
    out.assert_exit(0);
    out.stdout_as()
}

/// Is `host` the file behind `/proc/PID/exe`? Same inode, and the same device, or (overlayfs with
/// every layer on one filesystem reports the overlay's st_dev with the real inode: kernel
/// `Documentation/filesystems/overlayfs.rst`, "Inode properties") the process's root device on
/// one side and the host file's filesystem on the other; and the same bytes.
fn assert_same_file(host: &Path, pid: i32) {
    let exe = PathBuf::from(format!("/proc/{pid}/exe"));
    let h = std::fs::metadata(host).unwrap_or_else(|e| panic!("{}: {e}", host.display()));
    let e = std::fs::metadata(&exe).expect("stat /proc/PID/exe");
    assert_eq!(
        h.ino(),
        e.ino(),
        "{} is not the running executable",
        host.display()
    );
    if h.dev() != e.dev() {
        let root = std::fs::metadata(format!("/proc/{pid}/root")).expect("stat root");
        assert_eq!(
            e.dev(),
            root.dev(),
            "exe is not on the container's root filesystem"
        );
    }
    assert_eq!(
        std::fs::read(host).unwrap(),
        std::fs::read(&exe).unwrap(),
        "contents differ"
    );
}

struct Want<'a> {
    runtime: Runtime,
    id: &'a str,
    data: PathBuf,
    namespace: Option<&'a str>,
    pod: Option<&'a str>,
    name: Option<&'a str>,
    image: Option<&'a str>,
}

fn assert_found(inv: &Inventory, pid: i32, w: &Want<'_>) -> Process {
    let p = inv
        .processes
        .iter()
        .find(|p| p.pid == pid)
        .unwrap_or_else(|| panic!("pid {pid} not in the inventory"))
        .clone();
    assert_eq!(p.exe.as_ref().map(|e| e.display()).as_deref(), Some(EXE));
    assert_eq!(p.uid, Some(1001));
    let c = p.container.as_ref().expect("a container process");
    assert_eq!(c.runtime, Some(w.runtime), "{c:#?}");
    assert_eq!(c.container_id.as_deref(), Some(w.id), "{c:#?}");
    let host = p.exe_host.as_ref().expect("exe_host").to_path_buf();
    assert!(
        !host.starts_with("/proc/"),
        "{} is not a stable host path",
        host.display()
    );
    assert_same_file(&host, pid);
    // the data directory: the path in the inventory is the one the process wrote into
    let dp = inv
        .data_paths
        .iter()
        .find(|d| d.pid == Some(pid))
        .unwrap_or_else(|| panic!("no data path for {pid}: {:#?}", inv.data_paths));
    assert_eq!(dp.component, "postgresql");
    assert_eq!(dp.path.to_path_buf(), w.data);
    assert_eq!(
        dp.container_path.as_ref().map(|c| c.display()).as_deref(),
        Some("/bitnami/postgresql/data")
    );
    assert_eq!(
        std::fs::read(w.data.join("PG_VERSION")).expect("PG_VERSION in the host data dir"),
        b"15\n"
    );
    // its listener, in its own network namespace
    let netns = std::fs::read_link(format!("/proc/{pid}/ns/net")).unwrap();
    let l = inv
        .listeners
        .iter()
        .find(|l| l.port == 5432 && l.pids.contains(&pid))
        .unwrap_or_else(|| panic!("no 5432 listener of {pid}"));
    assert_eq!(l.netns.as_deref(), Some(netns.to_str().unwrap()));
    assert_ne!(l.netns.as_deref(), Some("host"));
    assert_eq!(
        l.program.as_ref().map(|e| e.display()).as_deref(),
        Some(EXE)
    );
    // identity from the runtime
    assert_eq!(c.namespace.as_deref(), w.namespace, "{c:#?}");
    assert_eq!(c.pod_name.as_deref(), w.pod, "{c:#?}");
    assert_eq!(c.container_name.as_deref(), w.name, "{c:#?}");
    assert_eq!(c.image.as_deref(), w.image, "{c:#?}");
    if w.namespace.is_some() || w.name.is_some() {
        assert!(c.identity_source.is_some());
    }
    p
}

const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const PG_IMAGE: &str = "hub.elma365.tech/docker/databases/postgres:15.4.0-debian-11-r45";

fn containerd(layout: &str, runtime: Runtime) {
    let test = format!("containerd_{layout}");
    if !can_run(
        &test,
        &["/usr/bin/containerd", "/usr/bin/ctr", "/usr/sbin/runc"],
    ) {
        return;
    }
    let _lock = real::lock_real();
    let up = Up::start("containerd.sh", &[layout], "up");
    let pid = up.pid(None);
    assert_eq!(up.value("CONTAINER", None), ID);
    let inv = discover();
    let p = assert_found(
        &inv,
        pid,
        &Want {
            runtime,
            id: ID,
            data: PathBuf::from(up.value("DATA", None)),
            namespace: Some("elma365-dbs"),
            pod: Some("postgres-0"),
            name: Some("postgresql"),
            image: Some(PG_IMAGE),
        },
    );
    let root = if layout == "microk8s" {
        "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/"
    } else {
        "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/"
    };
    let exe_host = p.exe_host.unwrap().display();
    assert!(exe_host.starts_with(root), "{exe_host}");
    let src = p.container.unwrap().identity_source.unwrap();
    let state = if layout == "microk8s" {
        "/var/snap/microk8s/common/run/containerd/io.containerd.runtime.v2.task/k8s.io/"
    } else {
        "/run/containerd/io.containerd.runtime.v2.task/k8s.io/"
    };
    assert!(
        src.starts_with(&format!("{state}{ID}/config.json")),
        "{src}"
    );
    if layout == "microk8s" {
        // kubelet cgroupfs path: the pod uid comes from the cgroup
        let c = inv.processes.iter().find(|p| p.pid == pid).unwrap();
        let uid = c.container.as_ref().unwrap().pod_uid.as_deref();
        assert_eq!(uid, Some("11111111-2222-3333-4444-555555555555"));
    }
}

#[test]
fn containerd_default_layout() {
    containerd("default", Runtime::Containerd);
}

#[test]
fn containerd_microk8s_layout() {
    containerd("microk8s", Runtime::Microk8s);
}

#[test]
fn docker_overlay2_volume_and_bind() {
    if !can_run(
        "docker",
        &["/usr/sbin/dockerd", "/usr/bin/docker", "/usr/sbin/runc"],
    ) {
        return;
    }
    let _lock = real::lock_real();
    let up = Up::start("docker.sh", &[], "up");
    let inv = discover();
    for (name, data) in [
        (
            "rtlab-pg",
            PathBuf::from("/var/lib/docker/volumes/rtlab-pgdata/_data"),
        ),
        ("rtlab-pg-bind", PathBuf::from(up.value("DATA", None))),
    ] {
        let id = up.value("CONTAINER", Some(name));
        let p = assert_found(
            &inv,
            up.pid(Some(name)),
            &Want {
                runtime: Runtime::Docker,
                id: &id,
                data,
                namespace: None,
                pod: None,
                name: Some(name),
                image: Some("rtlab/pg:1"),
            },
        );
        let h = p.exe_host.unwrap().display();
        assert!(h.starts_with("/var/lib/docker/overlay2/"), "{h}");
        assert!(!h.contains("/overlay2/l/"), "short link not resolved: {h}");
    }
}

#[test]
fn kind_like_node() {
    let need = [
        "/usr/sbin/dockerd",
        "/usr/bin/docker",
        "/usr/bin/containerd",
        "/usr/bin/ctr",
        "/usr/sbin/runc",
        "/bin/busybox",
    ];
    if !can_run("kind", &need) {
        return;
    }
    let _lock = real::lock_real();
    let up = Up::start("docker.sh", &[], "kind");
    let inner = up.value("CONTAINER", Some("inner"));
    let node_id = up
        .out
        .lines()
        .find_map(|l| l.strip_prefix("NODE "))
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    let inv = discover();
    let pid = up.pid(Some("inner"));
    // the node's /var is an anonymous docker volume: its host path is the data's parent
    let p0 = inv.processes.iter().find(|p| p.pid == pid).unwrap();
    let vol = p0
        .container
        .as_ref()
        .and_then(|c| {
            c.mounts
                .iter()
                .find(|m| m.target.0 == b"/bitnami/postgresql/data")
        })
        .and_then(|m| m.host_source.clone())
        .expect("data volume mapped")
        .display();
    assert!(
        vol.starts_with("/var/lib/docker/volumes/") && vol.ends_with("/_data/lib/rtlab/pgdata"),
        "{vol}"
    );
    let p = assert_found(
        &inv,
        pid,
        &Want {
            runtime: Runtime::Kind,
            id: &inner,
            data: PathBuf::from(&vol),
            namespace: Some("elma365-dbs"),
            pod: Some("postgres-0"),
            name: Some("postgresql"),
            image: Some(PG_IMAGE),
        },
    );
    let c = p.container.as_ref().unwrap();
    assert_eq!(c.node.as_deref(), Some(node_id.as_str()));
    assert_eq!(
        c.pod_uid.as_deref(),
        Some("99999999-8888-7777-6666-555555555555")
    );
    // layers and executable on the host, under the node's /var volume
    let h = p.exe_host.as_ref().unwrap().display();
    let var = vol.trim_end_matches("/lib/rtlab/pgdata");
    assert!(
        h.starts_with(&format!(
            "{var}/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/"
        )),
        "{h}"
    );
    for l in c.rootfs.as_ref().unwrap().lowerdirs.iter() {
        assert!(l.display().starts_with(var), "{l:?}");
    }
    // the storage root of the docker volumes is known and in use
    assert!(
        inv.filesystem
            .container_storage
            .iter()
            .any(|s| s.path.0 == b"/var/lib/docker/volumes" && s.in_use),
        "{:#?}",
        inv.filesystem.container_storage
    );
}

#[test]
fn podman_with_runc() {
    let need = ["/usr/bin/podman", "/usr/bin/conmon", "/usr/sbin/runc"];
    if !can_run("podman", &need) {
        return;
    }
    let _lock = real::lock_real();
    let up = Up::start("podman.sh", &[], "up");
    let id = up.value("CONTAINER", Some("rtlab-pg"));
    let inv = discover();
    let p = assert_found(
        &inv,
        up.pid(Some("rtlab-pg")),
        &Want {
            runtime: Runtime::Podman,
            id: &id,
            data: PathBuf::from(up.value("DATA", None)),
            namespace: None,
            pod: None,
            name: Some("rtlab-pg"),
            image: Some("localhost/rtlab/pg:1"),
        },
    );
    let h = p.exe_host.unwrap().display();
    assert!(h.starts_with("/var/lib/containers/storage/overlay/"), "{h}");
}

/// The attack the service-account evidence allowed: a pod of another namespace mounts a volume of
/// its own at `/var/run/secrets/kubernetes.io/serviceaccount` with a `namespace` file saying
/// `elma365`. Its namespace must come from the runtime (`customer-apps`), and `check` must not
/// treat it as an internal ELMA365 process.
#[test]
fn a_pod_cannot_claim_the_elma365_namespace() {
    let test = "containerd_attack";
    if !can_run(
        test,
        &["/usr/bin/containerd", "/usr/bin/ctr", "/usr/sbin/runc"],
    ) {
        return;
    }
    let _lock = real::lock_real();
    let up = Up::start("containerd.sh", &["attack"], "up");
    let pid = up.pid(None);
    let work = up.work.path();
    let inv = discover();
    let p = inv.processes.iter().find(|p| p.pid == pid).expect("listed");
    let c = p.container.as_ref().expect("container");
    // the volume really is there and says elma365 ...
    let sa = c
        .mounts
        .iter()
        .find(|m| {
            m.target
                .0
                .ends_with(b"/secrets/kubernetes.io/serviceaccount")
        })
        .expect("the planted volume is seen");
    let src = sa.host_source.as_ref().unwrap().to_path_buf();
    assert_eq!(std::fs::read(src.join("namespace")).unwrap(), b"elma365");
    // ... and is not believed
    assert_eq!(c.namespace.as_deref(), Some("customer-apps"), "{c:#?}");
    assert_eq!(c.pod_name.as_deref(), Some("evil-0"));
    let inv_file = work.join("inventory.json");
    std::fs::write(&inv_file, serde_json::to_vec(&inv).unwrap()).unwrap();
    let out = crate::support::avexclude()
        .args(["check", "--format", "json", "--inventory"])
        .arg(&inv_file)
        .run();
    let report: serde_json::Value = serde_json::from_slice(out.stdout_bytes())
        .unwrap_or_else(|_| panic!("{}", out.stderr_lossy()));
    for e in report["entries"].as_array().unwrap() {
        for m in e["matches"].as_array().into_iter().flatten() {
            if m["pid"] == pid {
                assert!(
                    !m["via"].as_str().unwrap_or("").contains("ELMA365 service"),
                    "{} matched the planted pod: {m}",
                    e["id"]
                );
                assert_ne!(m["namespace"], "elma365");
            }
        }
    }
}
