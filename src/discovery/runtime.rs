//! Who a container is, asked of its runtime: the shim or monitor that started it, the runtime's
//! own files for it (containerd's task bundle, docker's `config.v2.json`, podman's container
//! store, the kubelet's `/var/log/pods`), and, for KinD, the node container whose mounts map the
//! inner runtime's paths to the host.
//!
//! Never from inside the container: a file in the container's root or on a volume it can write
//! (a service-account mount is one: a pod can mount an emptyDir there holding `elma365`) would
//! let the container choose its own namespace, and so its exclusions.
//!
//! Facts used (measured on real runtimes, `../shared/lab/runtimes/README.md`; sources cited):
//! - containerd starts each shim in its task bundle directory (`cmd.Dir = bundle` in containerd's
//!   `runtime/v2/shim/util.go`; lab: the shim's cwd is `<state>/io.containerd.runtime.v2.task/
//!   <ns>/<id>`). A pod's containers share the sandbox's shim; their bundles are its siblings.
//! - The bundle's `config.json` carries the CRI annotations `io.kubernetes.cri.sandbox-namespace`,
//!   `-name`, `-uid`, `container-name`, `image-name` (containerd `pkg/cri/annotations`).
//! - docker keeps `<data-root>/containers/<id>/config.v2.json` (`Name`, `Config.Image`, labels).
//! - podman's conmon is started with `-c <id> -n <name> -b <storage>/overlay-containers/<id>/
//!   userdata`; `<storage>/overlay-containers/containers.json` maps ids to `image-name`.
//! - KinD: the inner shim lives in the node's mount namespace; the inner overlay's `lowerdir=`
//!   strings are node paths (`/var/lib/containerd/...`), whose host copy is under the node's
//!   `/var` volume (`/var/lib/docker/volumes/<vol>/_data/...`), or `/proc/<node pid>/root/...`.

use std::collections::HashMap;

use crate::model::{HostStr, Listener, Overlay, Process, Runtime};

use super::container::{self, Mount};
use super::fs::{Root, is_under, join};
use super::proc::ProcFs;

/// At most this much of one runtime metadata file is read.
const META_MAX: u64 = 4 << 20;
const MOUNTINFO_MAX: u64 = 16 << 20;

/// What the scan knows about the host that the runtime lookups need.
pub struct Env<'a> {
    pub root: &'a Root,
    pub proc: &'a ProcFs,
    pub host_mounts: &'a [Mount],
    pub host_mntns: Option<&'a [u8]>,
}

/// The identity read from the runtime.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Identity {
    pub namespace: Option<String>,
    pub pod_name: Option<String>,
    pub pod_uid: Option<String>,
    pub container_name: Option<String>,
    pub image: Option<String>,
    pub source: Option<String>,
}

/// Fill runtime, ids, identity and (KinD) host paths of every containerised process. Returns
/// the processes whose executable was looked up again on the host (KinD), with how it was found
/// (`overlay lowerdir`, ...), for the trust judgement.
pub fn enrich(procs: &mut [Process], env: &Env<'_>) -> Vec<(i32, Option<&'static str>)> {
    let mut remapped = Vec::new();
    let idx: HashMap<i32, usize> = procs.iter().enumerate().map(|(i, p)| (p.pid, i)).collect();
    let mut node_mounts: HashMap<i32, Option<Vec<Mount>>> = HashMap::new();
    let mut pod_logs: HashMap<Vec<u8>, Vec<(String, String, String)>> = HashMap::new();
    for i in 0..procs.len() {
        if procs[i].container.is_none() {
            continue;
        }
        let shim = find_shim(procs, &idx, i);
        let mut ident = Identity::default();
        let mut nested: Option<i32> = None;
        // the shim and its ancestors in the node's mount namespace (KinD), nearest first
        let mut node_pids: Vec<i32> = Vec::new();
        let mut node_id: Option<String> = None;
        if let Some((s, kind)) = shim {
            let sp = &procs[s].clone();
            let in_other_ns = match (env.proc.readlink(sp.pid, "ns/mnt").ok(), env.host_mntns) {
                (Some(a), Some(b)) => a != b,
                _ => false,
            };
            if in_other_ns {
                nested = Some(sp.pid);
                node_pids = same_mntns_ancestors(procs, &idx, env, sp.pid);
                node_id = container::parse_cgroup(&sp.cgroup)
                    .filter(|c| c.runtime == Some(Runtime::Docker))
                    .and_then(|c| c.container_id);
            }
            let cid = procs[i]
                .container
                .as_ref()
                .and_then(|c| c.container_id.clone());
            match kind {
                Shim::Containerd => {
                    let sid = arg_after(sp, "-id");
                    let ns = arg_after(sp, "-namespace");
                    let cid = cid.or_else(|| sid.clone());
                    if let (Some(cwd), Some(cid)) = (&sp.cwd, &cid) {
                        let bundle = bundle_of(&cwd.0, cid);
                        let file = join(&bundle, b"config.json");
                        if let Some((b, via)) = read_meta(env, nested, &node_pids, &file) {
                            ident = cri_identity(&b);
                            ident.source = Some(format!(
                                "{}{} (containerd task bundle{via})",
                                if nested.is_some() { "node:" } else { "" },
                                HostStr(file.clone()).display()
                            ));
                        }
                    }
                    if ns.as_deref() == Some("moby")
                        && let Some(cid) = &cid
                        && let Some(d) = docker_identity(env, &procs[i], cid)
                    {
                        ident = d;
                    }
                    // the shim's `-id` is the pod sandbox's under a kubelet (one shim per pod):
                    // it names the bundle to read, never the container
                }
                Shim::Conmon => {
                    ident.container_name = arg_after(sp, "-n").and_then(|n| clean(&n, 253));
                    if let (Some(b), Some(id)) = (arg_after(sp, "-b"), arg_after(sp, "-c")) {
                        ident.image = podman_image(env, b.as_bytes(), &id);
                        ident.source = Some(format!("conmon argv (pid {}), {b}", sp.pid));
                        if let Some(c) = procs[i].container.as_mut() {
                            c.container_id.get_or_insert(id);
                            c.runtime = Some(Runtime::Podman);
                        }
                    }
                }
            }
        }

        // KinD: the overlay dirs are node paths; map them to the host through the node's mounts
        if let Some(shim_pid) = nested {
            let mounts = node_mounts
                .entry(shim_pid)
                .or_insert_with(|| {
                    let mut buf = Vec::new();
                    env.proc
                        .read_into(shim_pid, "mountinfo", &mut buf, MOUNTINFO_MAX)
                        .ok()?;
                    Some(container::parse_mountinfo(&buf).0)
                })
                .clone()
                .unwrap_or_default();
            let p = &mut procs[i];
            if let Some(c) = p.container.as_mut() {
                if let Some(ov) = c.rootfs.as_mut() {
                    *ov = map_overlay(env, shim_pid, &mounts, ov);
                }
                c.runtime = Some(Runtime::Kind);
                c.node = node_id.or_else(|| c.node.take());
            }
            if let (Some(exe), Some(c)) = (&p.exe, &p.container)
                && !p.exe_deleted
            {
                let found =
                    container::to_host(env.root, c.rootfs.as_ref(), &c.mounts, &exe.0, true);
                remapped.push((p.pid, found.as_ref().map(|(_, via)| *via)));
                p.exe_host = found.map(|(h, _)| HostStr(h));
            }
        }

        // the kubelet's pod log directory names the namespace and pod of a uid
        let uid = ident
            .pod_uid
            .clone()
            .or_else(|| procs[i].container.as_ref().and_then(|c| c.pod_uid.clone()));
        if ident.namespace.is_none()
            && let Some(uid) = &uid
        {
            for dir in [&b"/var/log/pods"[..]] {
                let host_dir = match nested {
                    Some(_) => None, // inside the node: only through its mounts, below
                    None => Some(dir.to_vec()),
                };
                let host_dir = host_dir.or_else(|| {
                    let shim_pid = nested?;
                    let mounts = node_mounts.get(&shim_pid)?.as_ref()?;
                    map_path(env, mounts, dir)
                });
                let Some(host_dir) = host_dir else { continue };
                let list = pod_logs
                    .entry(host_dir.clone())
                    .or_insert_with(|| list_pod_logs(env.root, &host_dir));
                if let Some((ns, pod, _)) = list.iter().find(|(_, _, u)| u == uid) {
                    ident.namespace = Some(ns.clone());
                    ident.pod_name = Some(pod.clone());
                    ident.source = Some(format!(
                        "{}/{ns}_{pod}_{uid} (kubelet pod log directory)",
                        HostStr(host_dir.clone()).display()
                    ));
                }
            }
        }

        if let Some(c) = procs[i].container.as_mut() {
            if c.pod_uid.is_none() {
                c.pod_uid = ident.pod_uid.clone();
            }
            c.namespace = ident.namespace.or(c.namespace.take());
            c.pod_name = ident.pod_name.or(c.pod_name.take());
            c.container_name = ident.container_name.or(c.container_name.take());
            c.image = ident.image.or(c.image.take());
            if ident.source.is_some() {
                c.identity_source = ident.source;
            }
        }
    }
    remapped
}

/// Label each listener with its owner's program and container.
pub fn label_listeners(listeners: &mut [Listener], procs: &[Process]) {
    let idx: HashMap<i32, &Process> = procs.iter().map(|p| (p.pid, p)).collect();
    for l in listeners {
        let Some(p) = l.pids.first().and_then(|pid| idx.get(pid)) else {
            continue;
        };
        l.program = p.exe.clone().or_else(|| p.argv0().cloned());
        l.container = p
            .container
            .as_ref()
            .and_then(|c| match (&c.namespace, &c.pod_name) {
                (Some(ns), Some(pod)) => Some(format!("{ns}/{pod}")),
                _ => c.container_id.clone(),
            });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shim {
    Containerd,
    Conmon,
}

fn shim_kind(p: &Process) -> Option<Shim> {
    let a0 = p.argv0()?;
    let base = a0.0.rsplit(|&c| c == b'/').next().unwrap_or(&a0.0);
    if base.starts_with(b"containerd-shim") {
        Some(Shim::Containerd)
    } else if base == b"conmon" {
        Some(Shim::Conmon)
    } else {
        None
    }
}

/// The nearest ancestor that is a runtime shim (or podman's conmon).
fn find_shim(procs: &[Process], idx: &HashMap<i32, usize>, i: usize) -> Option<(usize, Shim)> {
    let mut cur = procs[i].ppid;
    for _ in 0..64 {
        let &j = idx.get(&cur)?;
        if let Some(k) = shim_kind(&procs[j]) {
            return Some((j, k));
        }
        if cur <= 1 {
            return None;
        }
        cur = procs[j].ppid;
    }
    None
}

fn arg_after(p: &Process, flag: &str) -> Option<String> {
    let mut it = p.cmdline.iter();
    while let Some(a) = it.next() {
        if a.0 == flag.as_bytes() {
            return it.next().and_then(|v| v.as_str()).map(str::to_string);
        }
    }
    None
}

/// The container's bundle: the shim's own directory, or its sibling for a pod's other containers.
fn bundle_of(shim_cwd: &[u8], cid: &str) -> Vec<u8> {
    let last = shim_cwd.rsplit(|&c| c == b'/').next().unwrap_or(b"");
    if last == cid.as_bytes() {
        return shim_cwd.to_vec();
    }
    match shim_cwd.iter().rposition(|&c| c == b'/') {
        Some(cut) if cut > 0 => join(&shim_cwd[..cut], cid.as_bytes()),
        _ => shim_cwd.to_vec(),
    }
}

/// A runtime metadata file (regular, bounded, through the root-confined reader): on the host
/// (inside `--root`), or, for a runtime in a node's mount namespace, inside the node's root: live
/// through the shim's `/proc/PID/root`, which the kernel resolves in the node's namespace; in a
/// `--root` copy through the node root the copy holds (`copied_node_root`). With how it was
/// reached, for the identity's source.
fn read_meta(
    env: &Env<'_>,
    nested: Option<i32>,
    node_pids: &[i32],
    path: &[u8],
) -> Option<(Vec<u8>, String)> {
    match nested {
        Some(pid) if env.root.live => env
            .proc
            .read_in_root(pid, path, META_MAX)
            .ok()
            .map(|b| (b, String::new())),
        Some(_) => {
            let (pid, dir) = copied_node_root(env.root, node_pids)?;
            let (b, _) = dir.read(path, META_MAX).ok()?;
            Some((b, format!(", in this copy's proc/{pid}/root")))
        }
        None => read_host(env.root, path).map(|b| (b, String::new())),
    }
}

/// The shim `shim` and its ancestors that share its mount namespace (a KinD node's entrypoint and
/// containerd), nearest first, at most 8: whose root is the node's `/`.
fn same_mntns_ancestors(
    procs: &[Process],
    idx: &HashMap<i32, usize>,
    env: &Env<'_>,
    shim: i32,
) -> Vec<i32> {
    let mut out = vec![shim];
    let Some(ns) = env.proc.readlink(shim, "ns/mnt").ok() else {
        return out;
    };
    let mut cur = shim;
    while out.len() < 8 {
        let Some(&j) = idx.get(&cur) else { break };
        let parent = procs[j].ppid;
        if parent <= 1 || env.proc.readlink(parent, "ns/mnt").ok().as_ref() != Some(&ns) {
            break;
        }
        out.push(parent);
        cur = parent;
    }
    out
}

/// KinD under `--root`: the node's `/` as a copy of the host holds it. The node's `/run` is a
/// tmpfs (kind's `pkg/cluster/internal/providers/docker/provision.go`: `--tmpfs /run`), so the
/// inner task bundles (`/run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/config.json`,
/// containerd `core/runtime/v2/bundle.go`) are on no host disk: only a copy that kept a node
/// process's root (`proc/<pid>/root` a directory, as the lab read it live through
/// `/proc/<node pid>/root`, `../shared/lab/runtimes/records/kind.txt`) holds them. A link there
/// (what the kernel shows, or a copy of it) names `/` in the node's namespace, never the copy's
/// `/`, so it is not followed. Paths inside are resolved inside that directory. `(pid, dir)`.
fn copied_node_root(root: &Root, pids: &[i32]) -> Option<(i32, super::hostfs::Dir)> {
    for &pid in pids {
        let p = format!("/proc/{pid}/root");
        let Some(md) = root.lstat(p.as_bytes()) else {
            continue;
        };
        if md.file_type().is_dir()
            && let Some(d) = root.open_dir(p.as_bytes())
        {
            return Some((pid, d));
        }
    }
    None
}

fn read_host(root: &Root, path: &[u8]) -> Option<Vec<u8>> {
    root.read(path, META_MAX)
}

/// A name or reference from runtime metadata, if it is plain printable text.
fn clean(s: &str, max: usize) -> Option<String> {
    let ok = !s.is_empty() && s.len() <= max && s.bytes().all(|c| c.is_ascii_graphic());
    ok.then(|| s.to_string())
}

/// The CRI annotations of a task bundle's `config.json`.
pub fn cri_identity(b: &[u8]) -> Identity {
    let v: serde_json::Value = match serde_json::from_slice(b) {
        Ok(v) => v,
        Err(_) => return Identity::default(),
    };
    let a = |k: &str, max: usize| {
        v.get("annotations")
            .and_then(|a| a.get(k))
            .and_then(|x| x.as_str())
            .and_then(|s| clean(s, max))
    };
    Identity {
        namespace: a("io.kubernetes.cri.sandbox-namespace", 63),
        pod_name: a("io.kubernetes.cri.sandbox-name", 253),
        pod_uid: a("io.kubernetes.cri.sandbox-uid", 64),
        container_name: a("io.kubernetes.cri.container-name", 253),
        image: a("io.kubernetes.cri.image-name", 1024),
        source: None,
    }
}

/// docker's `config.v2.json`: name, image, and the Kubernetes labels of cri-dockerd pods.
fn docker_identity(env: &Env<'_>, p: &Process, cid: &str) -> Option<Identity> {
    let data_root = p
        .container
        .as_ref()
        .and_then(|c| c.rootfs.as_ref())
        .and_then(|o| o.upperdir.as_ref())
        .and_then(|u| {
            let s = &u.0;
            let at = s.windows(10).position(|w| w == b"/overlay2/")?;
            Some(s[..at].to_vec())
        })
        .unwrap_or_else(|| b"/var/lib/docker".to_vec());
    if cid.contains('/') || cid.contains("..") {
        return None;
    }
    let file = join(
        &data_root,
        format!("containers/{cid}/config.v2.json").as_bytes(),
    );
    let b = read_host(env.root, &file)?;
    let v: serde_json::Value = serde_json::from_slice(&b).ok()?;
    let label = |k: &str| {
        v.pointer("/Config/Labels")
            .and_then(|l| l.get(k))
            .and_then(|x| x.as_str())
            .and_then(|s| clean(s, 253))
    };
    Some(Identity {
        namespace: label("io.kubernetes.pod.namespace"),
        pod_name: label("io.kubernetes.pod.name"),
        pod_uid: label("io.kubernetes.pod.uid"),
        container_name: label("io.kubernetes.container.name").or_else(|| {
            v.get("Name")
                .and_then(|x| x.as_str())
                .and_then(|s| clean(s.trim_start_matches('/'), 253))
        }),
        image: v
            .pointer("/Config/Image")
            .and_then(|x| x.as_str())
            .and_then(|s| clean(s, 1024)),
        source: Some(format!("{} (docker)", HostStr(file).display())),
    })
}

/// podman: the image name recorded for container `id` in the store's `containers.json`.
fn podman_image(env: &Env<'_>, bundle: &[u8], id: &str) -> Option<String> {
    // <storage>/overlay-containers/<id>/userdata
    let suffix = format!("/overlay-containers/{id}/userdata");
    let store = bundle.strip_suffix(suffix.as_bytes())?;
    let b = read_host(
        env.root,
        &join(store, b"overlay-containers/containers.json"),
    )?;
    let v: serde_json::Value = serde_json::from_slice(&b).ok()?;
    let c = v
        .as_array()?
        .iter()
        .find(|c| c.get("id").and_then(|x| x.as_str()) == Some(id))?;
    let meta: serde_json::Value = serde_json::from_str(c.get("metadata")?.as_str()?).ok()?;
    meta.get("image-name")
        .and_then(|x| x.as_str())
        .and_then(|s| clean(s, 1024))
}

/// `/var/log/pods/<ns>_<pod>_<uid>` names: (namespace, pod, uid).
fn list_pod_logs(root: &Root, dir: &[u8]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for n in root.list(dir).unwrap_or_default() {
        let Ok(n) = String::from_utf8(n) else {
            continue;
        };
        let parts: Vec<&str> = n.splitn(3, '_').collect();
        if let [ns, pod, uid] = parts[..]
            && let (Some(ns), Some(pod), Some(uid)) =
                (clean(ns, 63), clean(pod, 253), clean(uid, 64))
        {
            out.push((ns, pod, uid));
        }
    }
    out
}

/// A path in the node's mount namespace → the host path holding it: through the node mount with
/// the longest mount point above it (a bind or volume, whose root within its device is joined
/// to where the host mounts that device).
pub fn map_path(env: &Env<'_>, node_mounts: &[Mount], p: &[u8]) -> Option<Vec<u8>> {
    let m = node_mounts
        .iter()
        .filter(|m| is_under(p, &m.mount_point))
        .max_by_key(|m| m.mount_point.len())?;
    if m.fstype == "overlay" || m.fstype == "tmpfs" {
        return None;
    }
    let src = container::host_source(m, env.host_mounts)?;
    let rest = if m.mount_point == b"/" {
        p
    } else {
        &p[m.mount_point.len()..]
    };
    Some(join(&src, rest))
}

/// The inner overlay's dirs as host paths: through the node's mounts, else (live) through the
/// shim's root, which the kernel resolves in the node's mount namespace.
fn map_overlay(env: &Env<'_>, shim_pid: i32, node_mounts: &[Mount], ov: &Overlay) -> Overlay {
    let one = |d: &HostStr| -> HostStr {
        if let Some(h) = map_path(env, node_mounts, &d.0) {
            return HostStr(h);
        }
        if env.root.live {
            let mut p = format!("/proc/{shim_pid}/root").into_bytes();
            p.extend_from_slice(&d.0);
            return HostStr(p);
        }
        d.clone()
    };
    Overlay {
        lowerdirs: ov.lowerdirs.iter().map(one).collect(),
        upperdir: ov.upperdir.as_ref().map(one),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_is_the_shims_dir_or_its_sibling() {
        let cwd = b"/run/containerd/io.containerd.runtime.v2.task/k8s.io/aaa";
        assert_eq!(bundle_of(cwd, "aaa"), cwd.to_vec());
        assert_eq!(
            bundle_of(cwd, "bbb"),
            b"/run/containerd/io.containerd.runtime.v2.task/k8s.io/bbb".to_vec()
        );
    }

    #[test]
    fn cri_annotations_are_read_and_cleaned() {
        let j = br#"{"annotations":{"io.kubernetes.cri.sandbox-namespace":"elma365-dbs",
            "io.kubernetes.cri.sandbox-name":"postgres-0","io.kubernetes.cri.container-name":"postgresql",
            "io.kubernetes.cri.image-name":"bad\nimage"}}"#;
        let i = cri_identity(j);
        assert_eq!(i.namespace.as_deref(), Some("elma365-dbs"));
        assert_eq!(i.pod_name.as_deref(), Some("postgres-0"));
        assert_eq!(i.container_name.as_deref(), Some("postgresql"));
        assert_eq!(i.image, None, "a control character is refused");
        assert_eq!(cri_identity(b"not json"), Identity::default());
    }

    #[test]
    fn node_paths_map_through_the_node_volume() {
        let host = vec![Mount {
            dev: "254:0".into(),
            root: b"/".to_vec(),
            mount_point: b"/".to_vec(),
            fstype: "ext4".into(),
            ..Default::default()
        }];
        let (node, _) = container::parse_mountinfo(
            b"89 72 254:0 /var/lib/docker/volumes/534e/_data /var rw,relatime master:1 - ext4 /dev/vda rw\n\
              91 72 0:49 / /run rw - tmpfs tmpfs rw\n",
        );
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("proc")).unwrap();
        let root = Root::new(d.path());
        let proc = ProcFs::open(&root).unwrap();
        let env = Env {
            root: &root,
            proc: &proc,
            host_mounts: &host,
            host_mntns: None,
        };
        assert_eq!(
            map_path(&env, &node, b"/var/lib/containerd/x/1/fs").unwrap(),
            b"/var/lib/docker/volumes/534e/_data/lib/containerd/x/1/fs".to_vec()
        );
        assert_eq!(map_path(&env, &node, b"/run/containerd/x"), None);
    }
}
