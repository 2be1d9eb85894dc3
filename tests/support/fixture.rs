//! The fixture builder: a directory tree that looks like `/` of a real Linux host, as procfs and the
//! filesystem show it. `Host` collects processes, containers and files; `Host::write` lays them
//! out. Everything is written as the kernel would show it: `stat` with all 52 fields, `cmdline`
//! NUL-separated (rewritten titles padded with NULs), symlinks `exe`/`cwd`/`root`/`fd/N`/`ns/*`
//! with absolute, often dangling targets, socket tables in kernel hex format, mountinfo with
//! octal escapes and overlay `lowerdir=`/`upperdir=` options.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Kernel flags in stat field 9: an ordinary task, and a kernel thread (PF_KTHREAD set).
const FLAGS_USER: u64 = 0x0040_0100;
const FLAGS_KTHREAD: u64 = 0x0420_8040;
/// The host's namespaces (the values a 6.x kernel gives init).
pub const HOST_NETNS: u64 = 4026531840;
pub const HOST_MNTNS: u64 = 4026531841;
/// Device of the host's root filesystem (`/dev/sda1` as 8:1).
pub const ROOT_DEV: &str = "8:1";

/// Bytes of a path or argument (paths on Linux are bytes, not necessarily UTF-8).
pub fn b(s: impl AsRef<[u8]>) -> Vec<u8> {
    s.as_ref().to_vec()
}

/// mountinfo escaping of a path field (space, tab, newline, backslash as octal).
pub fn esc(p: &[u8]) -> Vec<u8> {
    let mut o = Vec::new();
    for &c in p {
        match c {
            b' ' | b'\t' | b'\n' | b'\\' => o.extend_from_slice(format!("\\{c:03o}").as_bytes()),
            _ => o.push(c),
        }
    }
    o
}

/// mountinfo escaping of a mount option value (also commas; `\:` for a colon in a lowerdir).
fn esc_opt(p: &[u8]) -> Vec<u8> {
    let mut o = Vec::new();
    for &c in p {
        match c {
            b' ' | b'\t' | b'\n' | b'\\' | b',' => {
                o.extend_from_slice(format!("\\{c:03o}").as_bytes())
            }
            b':' => o.extend_from_slice(b"\\:"),
            _ => o.push(c),
        }
    }
    o
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Tcp4,
    Tcp6,
    Udp4,
    Udp6,
}

/// Which container runtime lays out the layers, and how the cgroup path is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// microk8s: containerd under /var/snap/microk8s/common, cgroupfs driver on cgroup v2.
    Microk8s,
    /// Deckhouse / kubeadm: containerd under /var/lib/containerd, systemd driver on cgroup v2.
    Deckhouse,
    /// Docker overlay2, systemd driver (`system.slice/docker-<id>.scope`) on cgroup v2.
    DockerSystemd,
    /// Docker overlay2, cgroupfs driver on cgroup v1 (`/docker/<id>` on every controller).
    DockerV1,
}

/// A running container: its layers on the host, its volumes, its pod.
#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    pub id: String,
    pub flavor: Flavor,
    pub pod_uid: Option<String>,
    pub namespace: Option<String>,
    /// The pod's name (what the kubelet writes into `/var/log/pods/<ns>_<pod>_<uid>`).
    pub pod_name: Option<String>,
    pub qos: &'static str,
    /// Lower layers as host paths, top first (what `lowerdir=` lists).
    pub lowers: Vec<Vec<u8>>,
    /// Docker only: the short `l/XXXX` links that `lowerdir=` names instead.
    pub lower_links: Vec<Vec<u8>>,
    pub upper: Vec<u8>,
    pub work: Vec<u8>,
    /// (target in the container, device, root within the device)
    pub volumes: Vec<(Vec<u8>, String, Vec<u8>)>,
    /// Files of the image: (layer index into `lowers`, path inside, content or symlink).
    pub files: Vec<(usize, Vec<u8>, Node)>,
    pub netns: u64,
    pub mntns: u64,
    /// tmpfs device of the service-account token volume (k8s only).
    pub sa_dev: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Node {
    File(Vec<u8>),
    Exec,
    Dir,
    Link(Vec<u8>),
}

/// One process.
#[derive(Debug, Clone)]
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub comm: Vec<u8>,
    pub argv: Vec<Vec<u8>>,
    /// NUL bytes after the title (nginx, redis rewrite argv and leave padding).
    pub pad: usize,
    pub exe: Option<Vec<u8>>,
    pub deleted: bool,
    pub cwd: Vec<u8>,
    pub uid: u32,
    pub start: u64,
    pub state: char,
    pub kthread: bool,
    pub env: Vec<(String, Vec<u8>)>,
    pub listen: Vec<(Proto, String, u16)>,
    pub ctr: Option<usize>,
    pub role: Option<String>,
    /// Write these files even if they would normally be there (tests drop some).
    pub skip_files: Vec<&'static str>,
    /// Replace a file's content (malformed-file tests).
    pub override_files: Vec<(&'static str, Vec<u8>)>,
}

impl Proc {
    /// A host process.
    pub fn new(pid: i32, ppid: i32, comm: &str) -> Proc {
        Proc {
            pid,
            ppid,
            comm: b(comm),
            argv: vec![b(comm)],
            pad: 0,
            exe: None,
            deleted: false,
            cwd: b("/"),
            uid: 0,
            start: 1000 + pid as u64 * 7,
            state: 'S',
            kthread: false,
            env: vec![(
                "PATH".into(),
                b("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            )],
            listen: Vec::new(),
            ctr: None,
            role: None,
            skip_files: Vec::new(),
            override_files: Vec::new(),
        }
    }
    /// A kernel thread (no exe, no cmdline, PF_KTHREAD).
    pub fn kthread(pid: i32, comm: &str) -> Proc {
        let mut p = Proc::new(pid, if pid == 2 { 0 } else { 2 }, comm);
        p.argv.clear();
        p.kthread = true;
        p.env.clear();
        p
    }
    pub fn exe(mut self, e: impl AsRef<[u8]>) -> Self {
        self.exe = Some(b(e));
        self
    }
    pub fn args(mut self, a: &[&str]) -> Self {
        self.argv = a.iter().map(b).collect();
        self
    }
    pub fn argv_bytes(mut self, a: Vec<Vec<u8>>) -> Self {
        self.argv = a;
        self
    }
    /// A rewritten process title (one argv element, padded with NULs as the kernel keeps it).
    pub fn title(mut self, t: &str, pad: usize) -> Self {
        self.argv = vec![b(t)];
        self.pad = pad;
        self
    }
    pub fn cwd(mut self, c: impl AsRef<[u8]>) -> Self {
        self.cwd = b(c);
        self
    }
    pub fn uid(mut self, u: u32) -> Self {
        self.uid = u;
        self
    }
    pub fn env(mut self, k: &str, v: impl AsRef<[u8]>) -> Self {
        self.env.push((k.into(), b(v)));
        self
    }
    pub fn listen(mut self, proto: Proto, addr: &str, port: u16) -> Self {
        self.listen.push((proto, addr.into(), port));
        self
    }
    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }
    pub fn role(mut self, r: &str) -> Self {
        self.role = Some(r.into());
        self
    }
    pub fn in_ctr(mut self, c: usize) -> Self {
        self.ctr = Some(c);
        self
    }
}

/// A host mount: (device, root within it, mount point, fstype, source).
pub type HostMount = (String, Vec<u8>, Vec<u8>, String, Vec<u8>);

/// A host under construction.
pub struct Host {
    pub hostname: String,
    pub os: String,
    pub os_id: String,
    pub version_id: String,
    pub kernel: String,
    pub procs: Vec<Proc>,
    pub ctrs: Vec<Container>,
    /// Host files: path → node.
    pub files: BTreeMap<Vec<u8>, Node>,
    pub users: Vec<(String, u32)>,
    /// Extra mountinfo lines of the host (after `/`, /proc, /sys, /dev, /run).
    pub host_mounts: Vec<HostMount>,
    /// Docker's data root (`/var/lib/docker` unless moved with `data-root`).
    pub docker_root: Vec<u8>,
    /// Paths owned by a service user (see `own`), beyond what `write` derives.
    pub owners: Vec<(Vec<u8>, u32)>,
    next_id: u64,
    next_snapshot: u32,
}

/// What a written fixture holds, for assertions.
#[derive(Debug, Clone, Default)]
pub struct Fixture {
    pub root: PathBuf,
    /// role → pid
    pub pids: BTreeMap<String, i32>,
    /// container name → facts
    pub containers: BTreeMap<String, CtrFacts>,
}

#[derive(Debug, Clone, Default)]
pub struct CtrFacts {
    pub id: String,
    pub pod_uid: Option<String>,
    pub namespace: Option<String>,
    pub upper: Vec<u8>,
    pub lowers: Vec<Vec<u8>>,
}

impl Fixture {
    pub fn pid(&self, role: &str) -> i32 {
        *self
            .pids
            .get(role)
            .unwrap_or_else(|| panic!("no process with role {role}"))
    }
    pub fn ctr(&self, name: &str) -> &CtrFacts {
        self.containers
            .get(name)
            .unwrap_or_else(|| panic!("no container {name}"))
    }
}

fn hex_id(seed: &str) -> String {
    // deterministic 64-hex container id from a name (FNV-1a, repeated)
    let mut out = String::new();
    let mut h: u64 = 0xcbf29ce484222325;
    while out.len() < 64 {
        for c in seed.bytes().chain(out.clone().bytes()) {
            h ^= c as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(64);
    out
}

/// A deterministic pod uid from a name.
pub fn pod_uid(seed: &str) -> String {
    let h = hex_id(&format!("pod/{seed}"));
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

impl Host {
    pub fn new(hostname: &str) -> Host {
        let mut h = Host {
            hostname: hostname.into(),
            os: "Ubuntu 22.04.4 LTS".into(),
            os_id: "ubuntu".into(),
            version_id: "22.04".into(),
            kernel: "5.15.0-105-generic".into(),
            procs: Vec::new(),
            ctrs: Vec::new(),
            files: BTreeMap::new(),
            users: vec![
                ("root".into(), 0),
                ("daemon".into(), 1),
                ("nobody".into(), 65534),
            ],
            host_mounts: Vec::new(),
            docker_root: b("/var/lib/docker"),
            owners: Vec::new(),
            next_id: 40000,
            next_snapshot: 1,
        };
        // the usual merged-/usr layout and the shell links every Debian/Ubuntu host has
        h.link("/bin", "usr/bin");
        h.link("/sbin", "usr/sbin");
        h.link("/lib", "usr/lib");
        h.exec("/usr/bin/dash");
        h.link("/usr/bin/sh", "dash");
        h.exec("/usr/lib/systemd/systemd");
        h.link("/usr/sbin/init", "../lib/systemd/systemd");
        h
    }
    pub fn os(mut self, pretty: &str, id: &str, version_id: &str) -> Self {
        self.os = pretty.into();
        self.os_id = id.into();
        self.version_id = version_id.into();
        self
    }
    pub fn kernel(mut self, k: &str) -> Self {
        self.kernel = k.into();
        self
    }
    pub fn user(&mut self, name: &str, uid: u32) {
        self.users.push((name.into(), uid));
    }
    pub fn file(&mut self, p: impl AsRef<[u8]>, content: impl AsRef<[u8]>) {
        self.files.insert(b(p), Node::File(b(content)));
    }
    pub fn exec(&mut self, p: impl AsRef<[u8]>) {
        self.files.insert(b(p), Node::Exec);
    }
    pub fn dir(&mut self, p: impl AsRef<[u8]>) {
        self.files.insert(b(p), Node::Dir);
    }
    pub fn link(&mut self, p: impl AsRef<[u8]>, target: impl AsRef<[u8]>) {
        self.files.insert(b(p), Node::Link(b(target)));
    }
    /// `path` (and what is below it) belongs to `uid`, as a service's data does.
    pub fn own(&mut self, p: impl AsRef<[u8]>, uid: u32) {
        self.owners.push((b(p), uid));
    }
    /// A host mount: (device, root within it, mount point, fstype, source).
    pub fn mount(&mut self, dev: &str, root: &[u8], at: &[u8], fstype: &str, source: &[u8]) {
        self.host_mounts
            .push((dev.into(), b(root), b(at), fstype.into(), b(source)));
    }
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Add a process; returns its pid.
    pub fn add(&mut self, p: Proc) -> i32 {
        let pid = p.pid;
        self.procs.push(p);
        pid
    }

    /// A container of `flavor` with `layers` image layers (bottom first in `lowers`' reverse),
    /// in pod `pod` of `namespace` (Kubernetes flavors).
    pub fn container(
        &mut self,
        flavor: Flavor,
        name: &str,
        pod: Option<(&str, &str)>,
        layers: usize,
    ) -> usize {
        let id = hex_id(&format!("{}/{name}", self.hostname));
        let (pod_uid, namespace, pod_name) = match pod {
            Some((p, ns)) => (
                Some(pod_uid(&format!("{}/{p}", self.hostname))),
                Some(ns.to_string()),
                Some(p.to_string()),
            ),
            None => (None, None, None),
        };
        let mut lowers = Vec::new();
        let mut lower_links = Vec::new();
        let (upper, work) = match flavor {
            Flavor::Microk8s | Flavor::Deckhouse => {
                let base = if flavor == Flavor::Microk8s {
                    "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots"
                } else {
                    "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots"
                };
                let first = self.next_snapshot;
                self.next_snapshot += layers as u32 + 1;
                for i in (0..layers).rev() {
                    lowers.push(b(format!("{base}/{}/fs", first + i as u32)));
                }
                let n = first + layers as u32;
                (b(format!("{base}/{n}/fs")), b(format!("{base}/{n}/work")))
            }
            Flavor::DockerSystemd | Flavor::DockerV1 => {
                let mut base = self.docker_root.clone();
                base.extend_from_slice(b"/overlay2");
                let cat = |parts: &[&[u8]]| parts.concat();
                for i in (0..layers).rev() {
                    let lid = hex_id(&format!("{}/{name}/layer{i}", self.hostname));
                    let short: String = lid
                        .chars()
                        .take(26)
                        .map(|c| c.to_ascii_uppercase())
                        .collect();
                    lowers.push(cat(&[&base, b"/", lid.as_bytes(), b"/diff"]));
                    let l = cat(&[&base, b"/l/", short.as_bytes()]);
                    lower_links.push(l.clone());
                    self.link(l, format!("../{lid}/diff"));
                }
                let did = hex_id(&format!("{}/{name}/rw", self.hostname));
                (
                    cat(&[&base, b"/", did.as_bytes(), b"/diff"]),
                    cat(&[&base, b"/", did.as_bytes(), b"/work"]),
                )
            }
        };
        let netns = self.id() + 4026532000;
        let mntns = self.id() + 4026533000;
        let kube = matches!(flavor, Flavor::Microk8s | Flavor::Deckhouse);
        let sa_dev = if kube {
            Some(format!("0:{}", 100 + self.ctrs.len()))
        } else {
            None
        };
        let c = Container {
            name: name.into(),
            id,
            flavor,
            pod_uid,
            namespace,
            pod_name,
            qos: "burstable",
            lowers,
            lower_links,
            upper,
            work,
            volumes: Vec::new(),
            files: Vec::new(),
            netns,
            mntns,
            sa_dev,
        };
        self.ctrs.push(c);
        self.ctrs.len() - 1
    }

    /// Put a file of the image in a layer (0 = top lower layer).
    pub fn image_file(&mut self, c: usize, layer: usize, path: &str, node: Node) {
        self.ctrs[c].files.push((layer, b(path), node));
    }
    pub fn image_exec(&mut self, c: usize, layer: usize, path: &str) {
        self.image_file(c, layer, path, Node::Exec);
    }
    /// A volume: `target` inside the container holds `host_dir` of the root filesystem.
    pub fn volume(&mut self, c: usize, target: impl AsRef<[u8]>, host_dir: impl AsRef<[u8]>) {
        self.ctrs[c]
            .volumes
            .push((b(target), ROOT_DEV.into(), b(host_dir.as_ref())));
        self.dir(host_dir);
    }
    /// A volume on another device (`dev`), whose root within that device is `dev_root`.
    pub fn volume_on(&mut self, c: usize, target: &str, dev: &str, dev_root: &str) {
        self.ctrs[c]
            .volumes
            .push((b(target), dev.into(), b(dev_root)));
    }
    /// Pods share the network namespace: give container `c` the one of `with`.
    pub fn same_pod(&mut self, c: usize, with: usize) {
        self.ctrs[c].netns = self.ctrs[with].netns;
        self.ctrs[c].pod_uid = self.ctrs[with].pod_uid.clone();
        self.ctrs[c].namespace = self.ctrs[with].namespace.clone();
        self.ctrs[c].pod_name = self.ctrs[with].pod_name.clone();
    }

    fn kubelet_root(&self, c: &Container) -> &'static str {
        if c.flavor == Flavor::Microk8s {
            "/var/snap/microk8s/common/var/lib/kubelet"
        } else {
            "/var/lib/kubelet"
        }
    }

    fn cgroup(&self, c: &Container) -> String {
        match c.flavor {
            Flavor::Microk8s => format!(
                "0::/kubepods/{}/pod{}/{}\n",
                c.qos,
                c.pod_uid.clone().unwrap_or_default(),
                c.id
            ),
            Flavor::Deckhouse => {
                let u = c.pod_uid.clone().unwrap_or_default().replace('-', "_");
                format!(
                    "0::/kubepods.slice/kubepods-{q}.slice/kubepods-{q}-pod{u}.slice/cri-containerd-{id}.scope\n",
                    q = c.qos,
                    id = c.id
                )
            }
            Flavor::DockerSystemd => format!("0::/system.slice/docker-{}.scope\n", c.id),
            Flavor::DockerV1 => {
                let ctrls = [
                    "12:hugetlb",
                    "11:pids",
                    "10:net_cls,net_prio",
                    "9:cpuset",
                    "8:memory",
                    "7:blkio",
                    "6:freezer",
                    "5:perf_event",
                    "4:devices",
                    "3:cpu,cpuacct",
                    "2:rdma",
                ];
                let mut s = String::new();
                for c2 in ctrls {
                    s.push_str(&format!("{c2}:/docker/{}\n", c.id));
                }
                s.push_str(&format!(
                    "1:name=systemd:/docker/{}\n0::/system.slice/containerd.service\n",
                    c.id
                ));
                s
            }
        }
    }

    fn host_mountinfo(&self) -> Vec<u8> {
        let mut m = Vec::new();
        let mut n = 21;
        let mut line = |dev: &str,
                        root: &[u8],
                        at: &[u8],
                        opts: &str,
                        fstype: &str,
                        src: &[u8],
                        sopts: &[u8]| {
            m.extend_from_slice(format!("{n} 1 {dev} ").as_bytes());
            m.extend_from_slice(&esc(root));
            m.push(b' ');
            m.extend_from_slice(&esc(at));
            m.extend_from_slice(format!(" {opts} shared:{n} - {fstype} ").as_bytes());
            m.extend_from_slice(&esc(src));
            m.push(b' ');
            m.extend_from_slice(sopts);
            m.push(b'\n');
            n += 1;
        };
        line(
            ROOT_DEV,
            b"/",
            b"/",
            "rw,relatime",
            "ext4",
            b"/dev/sda1",
            b"rw,errors=remount-ro",
        );
        line(
            "0:22",
            b"/",
            b"/sys",
            "rw,nosuid,nodev,noexec,relatime",
            "sysfs",
            b"sysfs",
            b"rw",
        );
        line(
            "0:5",
            b"/",
            b"/proc",
            "rw,nosuid,nodev,noexec,relatime",
            "proc",
            b"proc",
            b"rw",
        );
        line(
            "0:5",
            b"/",
            b"/dev",
            "rw,nosuid,relatime",
            "devtmpfs",
            b"udev",
            b"rw,size=8124000k,nr_inodes=2031000,mode=755",
        );
        line(
            "0:25",
            b"/",
            b"/run",
            "rw,nosuid,nodev,noexec,relatime",
            "tmpfs",
            b"tmpfs",
            b"rw,size=1631000k,mode=755",
        );
        line(
            "0:26",
            b"/",
            b"/sys/fs/cgroup",
            "rw,nosuid,nodev,noexec,relatime",
            "cgroup2",
            b"cgroup2",
            b"rw,nsdelegate,memory_recursiveprot",
        );
        for (dev, root, at, fstype, src) in &self.host_mounts {
            line(dev, root, at, "rw,relatime", fstype, src, b"rw");
        }
        for c in &self.ctrs {
            if let (Some(dev), Some(uid)) = (&c.sa_dev, &c.pod_uid) {
                let at = format!(
                    "{}/pods/{uid}/volumes/kubernetes.io~projected/kube-api-access-{}",
                    self.kubelet_root(c),
                    &c.id[..5]
                );
                line(
                    dev,
                    b"/",
                    at.as_bytes(),
                    "rw,relatime",
                    "tmpfs",
                    b"tmpfs",
                    b"rw,size=7995000k",
                );
            }
            let rootfs = match c.flavor {
                // containerd's task rootfs is `<state>/io.containerd.runtime.v2.task/<ns>/<id>/
                // rootfs` (containerd `core/runtime/v2/bundle.go`); microk8s's state is
                // `--state ${SNAP_COMMON}/run/containerd` (research note M1, M5)
                Flavor::Microk8s => format!(
                    "/var/snap/microk8s/common/run/containerd/io.containerd.runtime.v2.task/k8s.io/{}/rootfs",
                    c.id
                ),
                Flavor::Deckhouse => format!(
                    "/run/containerd/io.containerd.runtime.v2.task/k8s.io/{}/rootfs",
                    c.id
                ),
                _ => String::from_utf8_lossy(&c.upper).replace("/diff", "/merged"),
            };
            let o = self.overlay_opts(c);
            line(
                "0:300",
                b"/",
                rootfs.as_bytes(),
                "rw,relatime",
                "overlay",
                b"overlay",
                &o,
            );
        }
        m
    }

    fn overlay_opts(&self, c: &Container) -> Vec<u8> {
        let mut o = b("rw,relatime,lowerdir=");
        let lows = if c.lower_links.is_empty() {
            &c.lowers
        } else {
            &c.lower_links
        };
        for (i, l) in lows.iter().enumerate() {
            if i > 0 {
                o.push(b':');
            }
            o.extend_from_slice(&esc_opt(l));
        }
        o.extend_from_slice(b",upperdir=");
        o.extend_from_slice(&esc_opt(&c.upper));
        o.extend_from_slice(b",workdir=");
        o.extend_from_slice(&esc_opt(&c.work));
        if c.flavor == Flavor::DockerSystemd || c.flavor == Flavor::DockerV1 {
            o.extend_from_slice(b",nouserxattr");
        }
        o
    }

    fn ctr_mountinfo(&self, c: &Container) -> Vec<u8> {
        let mut m = Vec::new();
        let mut n = 1800;
        let mut line = |parent: i32,
                        dev: &str,
                        root: &[u8],
                        at: &[u8],
                        opts: &str,
                        fstype: &str,
                        src: &[u8],
                        sopts: &[u8]| {
            m.extend_from_slice(format!("{n} {parent} {dev} ").as_bytes());
            m.extend_from_slice(&esc(root));
            m.push(b' ');
            m.extend_from_slice(&esc(at));
            m.extend_from_slice(format!(" {opts} - {fstype} ").as_bytes());
            m.extend_from_slice(&esc(src));
            m.push(b' ');
            m.extend_from_slice(sopts);
            m.push(b'\n');
            n += 1;
        };
        line(
            1700,
            "0:300",
            b"/",
            b"/",
            "rw,relatime master:1",
            "overlay",
            b"overlay",
            &self.overlay_opts(c),
        );
        line(
            1800,
            "0:301",
            b"/",
            b"/proc",
            "rw,nosuid,nodev,noexec,relatime",
            "proc",
            b"proc",
            b"rw",
        );
        line(
            1800,
            "0:302",
            b"/",
            b"/dev",
            "rw,nosuid",
            "tmpfs",
            b"tmpfs",
            b"rw,size=65536k,mode=755",
        );
        line(
            1802,
            "0:303",
            b"/",
            b"/dev/pts",
            "rw,nosuid,noexec,relatime",
            "devpts",
            b"devpts",
            b"rw,gid=5,mode=620,ptmxmode=666",
        );
        line(
            1802,
            "0:304",
            b"/",
            b"/dev/mqueue",
            "rw,nosuid,nodev,noexec,relatime",
            "mqueue",
            b"mqueue",
            b"rw",
        );
        line(
            1800,
            "0:305",
            b"/",
            b"/sys",
            "ro,nosuid,nodev,noexec,relatime",
            "sysfs",
            b"sysfs",
            b"ro",
        );
        line(
            1805,
            "0:26",
            b"/",
            b"/sys/fs/cgroup",
            "ro,nosuid,nodev,noexec,relatime",
            "cgroup2",
            b"cgroup",
            b"rw,nsdelegate,memory_recursiveprot",
        );
        if let Some(uid) = &c.pod_uid {
            let kr = self.kubelet_root(c);
            let eh = format!("{kr}/pods/{uid}/etc-hosts");
            line(
                1800,
                ROOT_DEV,
                eh.as_bytes(),
                b"/etc/hosts",
                "rw,relatime",
                "ext4",
                b"/dev/sda1",
                b"rw,errors=remount-ro",
            );
            let tl = format!("{kr}/pods/{uid}/containers/{}/0a1b2c3d", c.name);
            line(
                1802,
                ROOT_DEV,
                tl.as_bytes(),
                b"/dev/termination-log",
                "rw,relatime",
                "ext4",
                b"/dev/sda1",
                b"rw,errors=remount-ro",
            );
        } else {
            let base = String::from_utf8_lossy(&c.upper).replace("/diff", "");
            let base = base.replace("/overlay2/", "/containers/");
            for f in ["resolv.conf", "hostname", "hosts"] {
                let p = format!("{base}/{f}");
                line(
                    1800,
                    ROOT_DEV,
                    p.as_bytes(),
                    format!("/etc/{f}").as_bytes(),
                    "rw,relatime",
                    "ext4",
                    b"/dev/sda1",
                    b"rw,errors=remount-ro",
                );
            }
        }
        for (target, dev, root) in &c.volumes {
            line(
                1800,
                dev,
                root,
                target,
                "rw,relatime",
                "ext4",
                b"/dev/sda1",
                b"rw,errors=remount-ro",
            );
        }
        if let Some(dev) = &c.sa_dev {
            line(
                1800,
                dev,
                b"/",
                b"/run/secrets/kubernetes.io/serviceaccount",
                "ro,relatime",
                "tmpfs",
                b"tmpfs",
                b"rw,size=7995000k",
            );
        }
        m
    }

    /// Write the tree under `dir` and return what it holds.
    pub fn write(&self, dir: &Path) -> Fixture {
        let mut fx = Fixture {
            root: dir.to_path_buf(),
            ..Default::default()
        };
        let at = |p: &[u8]| -> PathBuf {
            let rel: &[u8] = p.strip_prefix(b"/").unwrap_or(p);
            dir.join(OsStr::from_bytes(rel))
        };
        // etc
        let mut passwd = String::new();
        for (n, u) in &self.users {
            let home = if *u == 0 {
                "/root".to_string()
            } else {
                format!("/var/lib/{n}")
            };
            passwd.push_str(&format!("{n}:x:{u}:{u}:{n}:{home}:/usr/sbin/nologin\n"));
        }
        let etc: Vec<(&str, String)> = vec![
            ("etc/hostname", format!("{}\n", self.hostname)),
            (
                "etc/os-release",
                format!(
                    "PRETTY_NAME=\"{}\"\nNAME=\"{}\"\nVERSION_ID=\"{}\"\nID={}\nHOME_URL=\"https://example.invalid/\"\n",
                    self.os,
                    self.os.split(' ').next().unwrap_or(""),
                    self.version_id,
                    self.os_id
                ),
            ),
            ("etc/passwd", passwd),
            (
                "etc/machine-id",
                format!("{}\n", &hex_id(&self.hostname)[..32]),
            ),
            ("proc/sys/kernel/osrelease", format!("{}\n", self.kernel)),
            ("proc/sys/kernel/hostname", format!("{}\n", self.hostname)),
        ];
        for (p, c) in etc {
            write(&dir.join(p), c.as_bytes());
        }
        // host files
        for (p, node) in &self.files {
            put(&at(p), node, p);
        }
        // containers: layer dirs, image files, kubelet pod dirs
        for c in &self.ctrs {
            for l in c
                .lowers
                .iter()
                .chain(std::iter::once(&c.upper))
                .chain(std::iter::once(&c.work))
            {
                mkdir(&at(l));
            }
            for (layer, path, node) in &c.files {
                let l = &c.lowers[(*layer).min(c.lowers.len() - 1)];
                let mut hp = l.clone();
                hp.extend_from_slice(path);
                put(&at(&hp), node, path);
            }
            if let (Some(uid), Some(ns), Some(pod)) = (&c.pod_uid, &c.namespace, &c.pod_name) {
                // the kubelet's pod log directory (kuberuntime BuildPodLogsDirectory, research
                // note M8): where discovery reads a pod's namespace and name
                write(
                    &at(format!("/var/log/pods/{ns}_{pod}_{uid}/{}/0.log", c.name).as_bytes()),
                    b"",
                );
            }
            if let (Some(uid), Some(ns)) = (&c.pod_uid, &c.namespace) {
                let kr = self.kubelet_root(c);
                let vol = format!(
                    "{kr}/pods/{uid}/volumes/kubernetes.io~projected/kube-api-access-{}",
                    &c.id[..5]
                );
                write(&at(format!("{vol}/namespace").as_bytes()), ns.as_bytes());
                write(
                    &at(format!("{vol}/token").as_bytes()),
                    b"eyJhbGciOiJSUzI1NiIsImtpZCI6ImZpeHR1cmUifQ.e30.c2ln",
                );
                write(
                    &at(format!("{vol}/ca.crt").as_bytes()),
                    b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                );
                write(
                    &at(format!("{kr}/pods/{uid}/etc-hosts").as_bytes()),
                    format!(
                        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n10.1.0.7\t{}\n",
                        c.name
                    )
                    .as_bytes(),
                );
            }
            fx.containers.insert(
                c.name.clone(),
                CtrFacts {
                    id: c.id.clone(),
                    pod_uid: c.pod_uid.clone(),
                    namespace: c.namespace.clone(),
                    upper: c.upper.clone(),
                    lowers: c.lowers.clone(),
                },
            );
        }
        // sockets: assign inodes, group by network namespace
        let mut inode = 30000u64;
        let mut tables: BTreeMap<u64, [Vec<String>; 4]> = BTreeMap::new();
        let mut proc_socks: BTreeMap<i32, Vec<u64>> = BTreeMap::new();
        // an inherited listener (nginx workers share the master's socket): same (ns, proto, port)
        let mut shared: BTreeMap<(u64, u8, String, u16), u64> = BTreeMap::new();
        for p in &self.procs {
            let ns = p.ctr.map(|c| self.ctrs[c].netns).unwrap_or(HOST_NETNS);
            for (proto, addr, port) in &p.listen {
                let k = (ns, *proto as u8, addr.clone(), *port);
                let ino = match shared.get(&k) {
                    Some(i) => *i,
                    None => {
                        inode += 1;
                        shared.insert(k, inode);
                        let t = tables.entry(ns).or_default();
                        let idx = *proto as usize;
                        let n = t[idx].len();
                        t[idx].push(sock_line(n, *proto, addr, *port, p.uid, inode));
                        inode
                    }
                };
                proc_socks.entry(p.pid).or_default().push(ino);
            }
        }
        // a connected (non-listening) socket in the host tables, as any host has
        tables.entry(HOST_NETNS).or_default()[0].push(
            "  99: 0100007F:A1B2 0100007F:1538 01 00000000:00000000 00:00000000 00000000     0        0 29999 1 0000000000000000 20 4 30 10 -1".into(),
        );
        write_net(&dir.join("proc/net"), tables.get(&HOST_NETNS));
        // processes
        let host_mi = self.host_mountinfo();
        for p in &self.procs {
            let pd = dir.join(format!("proc/{}", p.pid));
            mkdir(&pd);
            if let Some(r) = &p.role {
                fx.pids.insert(r.clone(), p.pid);
            }
            let c = p.ctr.map(|i| &self.ctrs[i]);
            let comm15: Vec<u8> = p.comm.iter().take(15).copied().collect();
            let threads = if p.kthread { 1 } else { 4 };
            let flags = if p.kthread { FLAGS_KTHREAD } else { FLAGS_USER };
            let mut stat = format!("{} (", p.pid).into_bytes();
            stat.extend_from_slice(&comm15);
            stat.extend_from_slice(
                format!(
                    ") {} {} {} {} 0 -1 {flags} 1520 0 3 0 41 17 0 0 20 0 {threads} 0 {} {} {} 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                    p.state,
                    p.ppid,
                    p.pid,
                    p.pid,
                    p.start,
                    if p.kthread { 0 } else { 231_456_768 },
                    if p.kthread { 0 } else { 5120 },
                )
                .as_bytes(),
            );
            let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
            files.push(("stat", stat));
            let mut comm = comm15.clone();
            comm.push(b'\n');
            files.push(("comm", comm));
            let mut cmd = Vec::new();
            for a in &p.argv {
                cmd.extend_from_slice(a);
                cmd.push(0);
            }
            cmd.extend(std::iter::repeat_n(0u8, p.pad));
            files.push(("cmdline", cmd));
            let nspid = if c.is_some() {
                format!("{}\t{}", p.pid, 1 + p.pid % 50)
            } else {
                p.pid.to_string()
            };
            let mut status = b("Name:\t");
            status.extend_from_slice(&comm15);
            status.extend_from_slice(
                format!(
                    "\nUmask:\t0022\nState:\t{} (sleeping)\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{}\nTracerPid:\t0\nUid:\t{u}\t{u}\t{u}\t{u}\nGid:\t{u}\t{u}\t{u}\t{u}\nFDSize:\t64\nGroups:\t\nNStgid:\t{nspid}\nNSpid:\t{nspid}\nNSpgid:\t{nspid}\nNSsid:\t{nspid}\nThreads:\t{threads}\nSigQ:\t0/63704\nCapEff:\t0000000000000000\nSeccomp:\t{}\nvoluntary_ctxt_switches:\t152\nnonvoluntary_ctxt_switches:\t3\n",
                    p.state,
                    p.ppid,
                    if c.is_some() { 2 } else { 0 },
                    pid = p.pid,
                    u = p.uid,
                )
                .as_bytes(),
            );
            files.push(("status", status));
            if p.kthread {
                files.push(("cgroup", b("0::/\n")));
                files.push(("environ", Vec::new()));
                files.push(("mountinfo", host_mi.clone()));
            } else {
                files.push((
                    "cgroup",
                    match c {
                        Some(c) => b(self.cgroup(c)),
                        None => b(format!(
                            "0::/system.slice/{}.service\n",
                            String::from_utf8_lossy(&comm15)
                        )),
                    },
                ));
                let mut env = Vec::new();
                for (k, v) in &p.env {
                    env.extend_from_slice(k.as_bytes());
                    env.push(b'=');
                    env.extend_from_slice(v);
                    env.push(0);
                }
                files.push(("environ", env));
                files.push((
                    "mountinfo",
                    match c {
                        Some(c) => self.ctr_mountinfo(c),
                        None => host_mi.clone(),
                    },
                ));
            }
            for (name, content) in &p.override_files {
                if let Some(f) = files.iter_mut().find(|(n, _)| n == name) {
                    f.1 = content.clone();
                }
            }
            for (name, content) in &files {
                if !p.skip_files.contains(name) {
                    write(&pd.join(name), content);
                }
            }
            // links, as the kernel shows them
            if !p.kthread {
                if let Some(e) = &p.exe
                    && !p.skip_files.contains(&"exe")
                {
                    let mut t = e.clone();
                    if p.deleted {
                        t.extend_from_slice(b" (deleted)");
                    }
                    symlink(&t, &pd.join("exe"));
                }
                if !p.skip_files.contains(&"cwd") {
                    symlink(&p.cwd, &pd.join("cwd"));
                }
                // a copy may hold a process's root as a directory (`skip_files: "root"`, KinD)
                if !p.skip_files.contains(&"root") {
                    symlink(b"/", &pd.join("root"));
                }
                let fd = pd.join("fd");
                mkdir(&fd);
                symlink(b"/dev/null", &fd.join("0"));
                symlink(b"pipe:[20001]", &fd.join("1"));
                symlink(b"pipe:[20001]", &fd.join("2"));
                for (i, ino) in proc_socks.get(&p.pid).into_iter().flatten().enumerate() {
                    symlink(
                        format!("socket:[{ino}]").as_bytes(),
                        &fd.join((3 + i).to_string()),
                    );
                }
                let ns = pd.join("ns");
                mkdir(&ns);
                let (net, mnt) = c
                    .map(|c| (c.netns, c.mntns))
                    .unwrap_or((HOST_NETNS, HOST_MNTNS));
                symlink(format!("net:[{net}]").as_bytes(), &ns.join("net"));
                symlink(format!("mnt:[{mnt}]").as_bytes(), &ns.join("mnt"));
                write_net(&pd.join("net"), tables.get(&net));
            }
        }
        self.write_owners(dir);
        fx
    }

    /// Real ownership, as on a host (the tree is written by root, so everything starts as
    /// root's): a service user owns its data. A container's volumes belong to the uid its
    /// processes run as (initdb, fsGroup); a host daemon's working directory (below the top
    /// level) to its uid; and whatever `own` names. Discovery trusts a data directory only when
    /// its owner is the service user, so fixtures must say who owns what.
    fn write_owners(&self, dir: &Path) {
        let at = |p: &[u8]| -> PathBuf {
            let rel: &[u8] = p.strip_prefix(b"/").unwrap_or(p);
            dir.join(OsStr::from_bytes(rel))
        };
        let mut owners: Vec<(Vec<u8>, u32)> = Vec::new();
        for (i, c) in self.ctrs.iter().enumerate() {
            let uid = self
                .procs
                .iter()
                .filter(|p| p.ctr == Some(i) && p.uid != 0)
                .map(|p| p.uid)
                .next();
            if let Some(uid) = uid {
                for (_, dev, host) in &c.volumes {
                    if dev == ROOT_DEV {
                        owners.push((host.clone(), uid));
                        continue;
                    }
                    // a volume on another disk: where the host mounts that disk
                    for (hdev, root, mp, _, _) in &self.host_mounts {
                        if hdev == dev && host.starts_with(root) {
                            let rest = &host[root.len()..];
                            let mut p = mp.clone();
                            if !rest.starts_with(b"/") && !rest.is_empty() {
                                p.push(b'/');
                            }
                            p.extend_from_slice(rest);
                            owners.push((p, uid));
                        }
                    }
                }
            }
        }
        for p in self.procs.iter().filter(|p| p.ctr.is_none() && p.uid != 0) {
            let deep = p
                .cwd
                .split(|&c| c == b'/')
                .filter(|c| !c.is_empty())
                .count()
                >= 2;
            if deep {
                owners.push((p.cwd.clone(), p.uid));
            }
        }
        owners.extend(self.owners.iter().cloned());
        for (path, uid) in owners {
            chown_tree(&at(&path), uid);
        }
    }
}

/// `chown -R uid:uid` without following links (a fixture's links point at host paths).
fn chown_tree(p: &Path, uid: u32) {
    let Ok(md) = std::fs::symlink_metadata(p) else {
        return;
    };
    let _ = std::os::unix::fs::lchown(p, Some(uid), Some(uid));
    if md.is_dir()
        && let Ok(rd) = std::fs::read_dir(p)
    {
        for e in rd.flatten() {
            chown_tree(&e.path(), uid);
        }
    }
}

fn sock_line(n: usize, proto: Proto, addr: &str, port: u16, uid: u32, inode: u64) -> String {
    let (local, st) = match proto {
        Proto::Tcp4 | Proto::Udp4 => {
            let ip: std::net::Ipv4Addr = addr.parse().expect("fixture IPv4 address");
            let v = u32::from_le_bytes(ip.octets());
            (format!("{v:08X}:{port:04X}"), 0)
        }
        Proto::Tcp6 | Proto::Udp6 => {
            let ip: std::net::Ipv6Addr = addr.parse().expect("fixture IPv6 address");
            let o = ip.octets();
            let mut s = String::new();
            for w in 0..4 {
                let v = u32::from_le_bytes([o[w * 4], o[w * 4 + 1], o[w * 4 + 2], o[w * 4 + 3]]);
                s.push_str(&format!("{v:08X}"));
            }
            (format!("{s}:{port:04X}"), 0)
        }
    };
    let _ = st;
    let (remote, state) = match proto {
        Proto::Tcp4 => ("00000000:0000".to_string(), "0A"),
        Proto::Udp4 => ("00000000:0000".to_string(), "07"),
        Proto::Tcp6 => ("00000000000000000000000000000000:0000".to_string(), "0A"),
        Proto::Udp6 => ("00000000000000000000000000000000:0000".to_string(), "07"),
    };
    format!(
        "{n:4}: {local} {remote} {state} 00000000:00000000 00:00000000 00000000 {uid:5}        0 {inode} 1 0000000000000000 100 0 0 10 0"
    )
}

fn write_net(dir: &Path, t: Option<&[Vec<String>; 4]>) {
    let hdr4 = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
    let hdr6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
    let empty: [Vec<String>; 4] = Default::default();
    let t = t.unwrap_or(&empty);
    for (i, name) in ["tcp", "tcp6", "udp", "udp6"].iter().enumerate() {
        let hdr = if i % 2 == 0 { hdr4 } else { hdr6 };
        let mut s = format!("{hdr}\n");
        for l in &t[i] {
            s.push_str(l);
            s.push('\n');
        }
        write(&dir.join(name), s.as_bytes());
    }
}

fn mkdir(p: &Path) {
    std::fs::create_dir_all(p).unwrap_or_else(|e| panic!("mkdir {}: {e}", p.display()));
}

fn write(p: &Path, c: &[u8]) {
    if let Some(d) = p.parent() {
        mkdir(d);
    }
    std::fs::write(p, c).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
}

fn symlink(target: &[u8], at: &Path) {
    if let Some(d) = at.parent() {
        mkdir(d);
    }
    let _ = std::fs::remove_file(at);
    std::os::unix::fs::symlink(OsStr::from_bytes(target), at)
        .unwrap_or_else(|e| panic!("symlink {}: {e}", at.display()));
}

fn put(p: &Path, node: &Node, name: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    match node {
        Node::File(c) => write(p, c),
        Node::Exec => {
            let mut c = b"\x7fELF\x02\x01\x01\0fixture executable: ".to_vec();
            c.extend_from_slice(name);
            c.push(b'\n');
            write(p, &c);
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
        }
        Node::Dir => mkdir(p),
        Node::Link(t) => symlink(t, p),
    }
}

/// Put a `.keep` file into every empty directory under `dir`: git stores no empty directories,
/// and a committed fixture must look the same after a checkout.
pub fn keep_empty_dirs(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut empty = true;
    for e in rd.flatten() {
        empty = false;
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            keep_empty_dirs(&e.path());
        }
    }
    if empty {
        write(&dir.join(".keep"), b"");
    }
}
