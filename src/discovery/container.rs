//! Container context from `/proc/PID/cgroup` and `/proc/PID/mountinfo`: runtime, container id,
//! pod uid, the overlay layers of the container's `/`, and the host source of its volumes.
//!
//! cgroup paths seen on real nodes (v1 lines `N:ctrl:/path`, v2 one line `0::/path`):
//! - cgroupfs driver: `/kubepods/burstable/pod<uid>/<id>`, `/docker/<id>`
//! - systemd driver: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<u_i_d>.slice/
//!   cri-containerd-<id>.scope`, `/system.slice/docker-<id>.scope`, `libpod-<id>.scope`
//! - measured on real runtimes (`../shared/lab/runtimes/README.md`, P6): `ctr run` without
//!   `--cgroup` gives `/<containerd namespace>/<id>` (`/k8s.io/<id>`, any id, not only hex);
//!   podman with cgroupfs `/libpod_parent/libpod-<id>` (no `.scope`); a kind-like node
//!   `/docker/<node>/kubepods/<qos>/pod<uid>/<id>` on the v1 lines while the v2 line stops at
//!   `/docker/<node>`
//! - KinD's kubelet (`cgroupDriver: systemd`, `cgroupRoot: /kubelet`, research note E3):
//!   `.../kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-<qos>.slice/
//!   kubelet-kubepods-<qos>-pod<u_i_d>.slice/cri-containerd-<id>.scope` under the node's
//!   `docker-<id>.scope` or `/docker/<id>`

use crate::model::{Overlay, Runtime, VolumeMount};

use super::fs::{Root, is_under, is_whiteout, join};

/// What the cgroup path says about a process.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CgroupInfo {
    pub runtime: Option<Runtime>,
    pub container_id: Option<String>,
    pub pod_uid: Option<String>,
    /// The docker container a Kubernetes container runs inside (a KinD node).
    pub node: Option<String>,
}

/// containerd namespaces whose `ctr run` cgroup is `/<ns>/<id>`.
const CONTAINERD_NAMESPACES: &[&str] = &["k8s.io", "default"];

/// A container name as `ctr` accepts it (`[A-Za-z0-9][A-Za-z0-9._-]*`), up to 76 characters.
fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 76
        && s.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'-')
}

fn is_hex_id(s: &str) -> bool {
    s.len() >= 32 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// The cgroup file as lines (trailing empty line dropped, invalid UTF-8 replaced).
pub fn cgroup_lines(b: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(b)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Read a container out of cgroup lines; `None` for a host process.
///
/// Each line goes through the `procfs` crate's parser ([`procfs::ProcessCGroups`]: hierarchy
/// number, controllers, path), one line at a time: the crate fails a whole file on one bad line,
/// and a line it refuses (no number before the first `:`) names no cgroup, so it is skipped.
pub fn parse_cgroup(lines: &[String]) -> Option<CgroupInfo> {
    use procfs::FromBufRead;
    // Prefer the v2 line; otherwise any v1 line that names a container.
    let mut paths: Vec<String> = lines
        .iter()
        .filter_map(|l| procfs::ProcessCGroups::from_buf_read(l.as_bytes()).ok())
        .flat_map(|g| g.0.into_iter().map(|c| c.pathname))
        .collect();
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for path in paths {
        if let Some(info) = parse_cgroup_path(&path) {
            return Some(info);
        }
    }
    None
}

fn parse_cgroup_path(path: &str) -> Option<CgroupInfo> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let kube = segs.iter().any(|s| s.contains("kubepods"));
    let mut info = CgroupInfo::default();
    // `ctr run` without --cgroup: `/<containerd namespace>/<id>`
    if let [ns, id] = segs[..]
        && CONTAINERD_NAMESPACES.contains(&ns)
        && is_plain_id(id)
    {
        info.runtime = Some(Runtime::Containerd);
        info.container_id = Some(id.to_string());
        return Some(info);
    }
    for (i, seg) in segs.iter().enumerate() {
        let scope = seg.strip_suffix(".scope");
        let id_of = |prefix: &str| {
            scope
                .and_then(|s| s.strip_prefix(prefix))
                .filter(|id| is_hex_id(id))
                .map(str::to_string)
        };
        if let Some(id) = id_of("cri-containerd-") {
            info.runtime = Some(Runtime::Containerd);
            info.container_id = Some(id);
        } else if let Some(id) = id_of("docker-") {
            if segs[i..].iter().any(|s| s.contains("kubepods")) {
                info.node = Some(id);
            } else {
                info.runtime = Some(Runtime::Docker);
                info.container_id = Some(id);
            }
        } else if let Some(id) = id_of("libpod-").or_else(|| {
            seg.strip_prefix("libpod-")
                .filter(|id| is_hex_id(id))
                .map(str::to_string)
        }) {
            info.runtime = Some(Runtime::Podman);
            info.container_id = Some(id);
        } else if let Some(id) = id_of("crio-") {
            info.runtime = Some(Runtime::Unknown);
            info.container_id = Some(id);
        } else if is_hex_id(seg) {
            let parent = if i > 0 { segs[i - 1] } else { "" };
            let below_kube = segs[i..].iter().any(|s| s.contains("kubepods"));
            if parent == "docker" && below_kube {
                // a KinD node: the Kubernetes container is further down
                info.node = Some((*seg).to_string());
            } else if parent == "docker" {
                info.runtime = Some(Runtime::Docker);
                info.container_id = Some((*seg).to_string());
            } else if kube {
                info.runtime = Some(Runtime::Containerd);
                info.container_id = Some((*seg).to_string());
            }
        } else if kube && let Some(uid) = pod_uid_of(seg) {
            info.pod_uid = Some(uid);
        }
    }
    if info.container_id.is_some() {
        Some(info)
    } else {
        None
    }
}

/// `pod<uid>` (cgroupfs) or `kubepods-<qos>-pod<u_i_d>.slice` (systemd) → the pod uid with dashes.
fn pod_uid_of(seg: &str) -> Option<String> {
    let s = seg.strip_suffix(".slice").unwrap_or(seg);
    let i = s.rfind("pod")?;
    let uid = &s[i + 3..];
    let ok = uid.len() >= 32
        && uid
            .bytes()
            .all(|c| c.is_ascii_hexdigit() || c == b'-' || c == b'_');
    ok.then(|| uid.replace('_', "-"))
}

/// One line of mountinfo.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mount {
    /// `major:minor`
    pub dev: String,
    /// The mount's root within its filesystem (4th field).
    pub root: Vec<u8>,
    pub mount_point: Vec<u8>,
    pub fstype: String,
    pub source: Vec<u8>,
    pub super_opts: Vec<u8>,
}

/// Undo mountinfo's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash).
pub fn unescape(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') as u32 * 64
                + (b[i + 2] - b'0') as u32 * 8
                + (b[i + 3] - b'0') as u32;
            if v <= 255 {
                out.push(v as u8);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Parse mountinfo; malformed lines are skipped and counted.
///
/// Hand-written, not the `procfs` crate's `MountInfos`, because the crate cannot do this job
/// (pinned by `container::tests::crate_mountinfo_cannot_carry_overlay_layers`):
/// - it keeps the superblock options in a `HashMap`, so the repeated `lowerdir+=` options of
///   newer kernels collapse into one and the layer order is lost: the layers are the point here;
/// - its paths are `String`s from UTF-8 lines, and it does not undo the octal escapes: a layer or
///   volume path with a non-UTF-8 byte fails the whole file, one with a space keeps `\040`;
/// - it fails the whole table on one bad line.
pub fn parse_mountinfo(b: &[u8]) -> (Vec<Mount>, usize) {
    let mut out = Vec::new();
    let mut bad = 0;
    for line in b.split(|&c| c == b'\n') {
        if line.is_empty() {
            continue;
        }
        match parse_mount_line(line) {
            Some(m) => out.push(m),
            None => bad += 1,
        }
    }
    (out, bad)
}

fn parse_mount_line(line: &[u8]) -> Option<Mount> {
    let f: Vec<&[u8]> = line.split(|&c| c == b' ').collect();
    let sep = f.iter().position(|x| *x == b"-")?;
    if sep < 6 || f.len() < sep + 3 {
        return None;
    }
    let dev = std::str::from_utf8(f[2]).ok()?;
    if !dev.contains(':') {
        return None;
    }
    Some(Mount {
        dev: dev.to_string(),
        root: unescape(f[3]),
        mount_point: unescape(f[4]),
        fstype: String::from_utf8_lossy(f[sep + 1]).into_owned(),
        source: unescape(f[sep + 2]),
        super_opts: f.get(sep + 3).map(|s| s.to_vec()).unwrap_or_default(),
    })
}

/// The overlay layers of the mount at `/` (the last one, as mounts stack).
pub fn rootfs_overlay(mounts: &[Mount]) -> Option<Overlay> {
    let m = mounts
        .iter()
        .rev()
        .find(|m| m.mount_point == b"/" && m.fstype == "overlay")?;
    Some(overlay_from_opts(&m.super_opts))
}

/// `lowerdir=a:b,upperdir=c,workdir=d` (values octal-escaped; `\:` escapes a colon in a path;
/// newer kernels may list `lowerdir+=a,lowerdir+=b`).
pub fn overlay_from_opts(opts: &[u8]) -> Overlay {
    let mut ov = Overlay::default();
    for opt in opts.split(|&c| c == b',') {
        if let Some(v) = opt.strip_prefix(b"lowerdir=") {
            // split on unescaped ':' first, then undo the octal escapes of each path
            ov.lowerdirs.extend(
                split_lower(v)
                    .iter()
                    .map(|l| crate::model::HostStr(unescape(l))),
            );
        } else if let Some(v) = opt.strip_prefix(b"lowerdir+=") {
            ov.lowerdirs.push(crate::model::HostStr(unescape(v)));
        } else if let Some(v) = opt.strip_prefix(b"upperdir=") {
            ov.upperdir = Some(crate::model::HostStr(unescape(v)));
        }
    }
    ov
}

fn split_lower(v: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new()];
    let mut i = 0;
    while i < v.len() {
        match v[i] {
            b'\\' if v.get(i + 1) == Some(&b':') => {
                if let Some(l) = out.last_mut() {
                    l.push(b':');
                }
                i += 2;
                continue;
            }
            b':' => out.push(Vec::new()),
            c => {
                if let Some(l) = out.last_mut() {
                    l.push(c);
                }
            }
        }
        i += 1;
    }
    out.retain(|l| !l.is_empty());
    out
}

/// Filesystems of a container that are not data: skipped when listing its volumes.
const PSEUDO_FS: &[&str] = &[
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "mqueue",
    "overlay",
    "devtmpfs",
    "securityfs",
    "debugfs",
    "tracefs",
    "bpf",
    "pstore",
    "hugetlbfs",
    "fusectl",
    "configfs",
    "binfmt_misc",
    "autofs",
    "nsfs",
    "rpc_pipefs",
];

/// The container's volume mounts, each mapped to the host directory holding its content: the
/// mount's root within its device, joined to where the host mounts that device (from the host's
/// mountinfo; the mount whose root is the longest prefix wins).
pub fn volume_mounts(mounts: &[Mount], host: &[Mount]) -> Vec<VolumeMount> {
    let mut out = Vec::new();
    for m in mounts {
        if m.mount_point == b"/" || PSEUDO_FS.contains(&m.fstype.as_str()) {
            continue;
        }
        if m.mount_point.starts_with(b"/proc")
            || m.mount_point.starts_with(b"/sys")
            || m.mount_point.starts_with(b"/dev")
        {
            continue;
        }
        out.push(VolumeMount {
            target: crate::model::HostStr(m.mount_point.clone()),
            host_source: host_source(m, host).map(crate::model::HostStr),
            fstype: m.fstype.clone(),
        });
    }
    out
}

/// Where the content of a (container) mount lives on the host.
pub fn host_source(m: &Mount, host: &[Mount]) -> Option<Vec<u8>> {
    let mut best: Option<(&Mount, usize)> = None;
    for h in host.iter().filter(|h| h.dev == m.dev) {
        if is_under(&m.root, &h.root) {
            let len = h.root.len();
            if best.is_none_or(|(_, l)| len > l) {
                best = Some((h, len));
            }
        }
    }
    let (h, _) = best?;
    // `is_under` ignores a trailing `/` of the host mount's root, so its length may exceed the
    // container mount's root (`/a/` over `/a`): slice by the trimmed length, never past the end
    let hr = h.root.strip_suffix(b"/").unwrap_or(&h.root);
    let rest = m.root.get(hr.len()..).unwrap_or_default();
    Some(join(&h.mount_point, rest))
}

/// Where a path inside a container is on the host: through the volume that holds it (longest
/// mount target), else in the overlay's upper layer, else the first lower layer that has it.
/// With `must_exist`, a path found nowhere gives `None`; without it, an unmatched path falls
/// back to the upper layer (where the container would write it).
pub fn to_host(
    root: &Root,
    rootfs: Option<&Overlay>,
    mounts: &[VolumeMount],
    path: &[u8],
    must_exist: bool,
) -> Option<(Vec<u8>, &'static str)> {
    let mut best: Option<&VolumeMount> = None;
    for m in mounts {
        if is_under(path, &m.target.0) && best.is_none_or(|b| m.target.0.len() > b.target.0.len()) {
            best = Some(m);
        }
    }
    if let Some(m) = best {
        let src = m.host_source.as_ref()?;
        let p = join(&src.0, &path[m.target.0.len()..]);
        if !must_exist || root.exists(&p) {
            return Some((p, "volume mount"));
        }
        return None;
    }
    let ov = rootfs?;
    if let Some(up) = &ov.upperdir {
        let p = join(&up.0, path);
        match root.lstat(&p) {
            Some(md) if is_whiteout(&md) => return None,
            Some(_) => return Some((p, "overlay upperdir")),
            None => {}
        }
    }
    for low in &ov.lowerdirs {
        // Docker names layers by short links (`overlay2/l/ABC` → `../<id>/diff`): report the
        // real directory, which is what a host antivirus sees.
        let layer = root.resolve(&low.0).unwrap_or_else(|| low.0.clone());
        let p = join(&layer, path);
        match root.lstat(&p) {
            Some(md) if is_whiteout(&md) => return None,
            Some(_) => return Some((p, "overlay lowerdir")),
            None => {}
        }
    }
    if must_exist {
        return None;
    }
    ov.upperdir
        .as_ref()
        .map(|u| (join(&u.0, path), "overlay upperdir"))
}

/// The runtime that owns layers at these host paths, if the location says so.
pub fn runtime_of_layers(ov: &Overlay) -> Option<Runtime> {
    let first = ov.upperdir.as_ref().or(ov.lowerdirs.first())?;
    let p = &first.0;
    if is_under(p, b"/var/snap/microk8s") {
        Some(Runtime::Microk8s)
    } else if is_under(p, b"/var/lib/docker") {
        Some(Runtime::Docker)
    } else if is_under(p, b"/var/lib/containerd") {
        Some(Runtime::Containerd)
    } else if is_under(p, b"/var/lib/containers") {
        Some(Runtime::Podman)
    } else if is_under(p, b"/var/lib/rancher/k3s/agent/containerd")
        || is_under(p, b"/var/lib/rancher/rke2/agent/containerd")
    {
        Some(Runtime::Containerd)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_mountinfo_cannot_carry_overlay_layers() {
        let line =
            "1 0 0:5 / / rw - overlay overlay rw,lowerdir+=/l/1,lowerdir+=/l/2,upperdir=/u\\040x";
        let m = procfs::process::MountInfo::from_line(line).unwrap();
        // the crate: one `lowerdir+=` left of two, and the escape kept
        assert_eq!(
            m.super_options.keys().filter(|k| *k == "lowerdir+").count(),
            1
        );
        assert_eq!(m.super_options["upperdir"].as_deref(), Some("/u\\040x"));
        // ours: both layers in order, the space decoded
        let (ms, bad) = parse_mountinfo(line.as_bytes());
        assert_eq!(bad, 0);
        let ov = rootfs_overlay(&ms).unwrap();
        assert_eq!(
            ov.lowerdirs,
            vec![
                crate::model::HostStr(b"/l/1".to_vec()),
                crate::model::HostStr(b"/l/2".to_vec())
            ]
        );
        assert_eq!(ov.upperdir, Some(crate::model::HostStr(b"/u x".to_vec())));
        // a non-UTF-8 layer path: the crate cannot read the file at all, ours keeps the bytes
        let raw = b"1 0 0:5 / / rw - overlay overlay rw,lowerdir=/l/\xff,upperdir=/u\n";
        use procfs::FromBufRead;
        assert!(procfs::process::MountInfos::from_buf_read(&raw[..]).is_err());
        let (ms, _) = parse_mountinfo(raw);
        assert_eq!(rootfs_overlay(&ms).unwrap().lowerdirs[0].0, b"/l/\xff");
    }

    #[test]
    fn cgroup_lines_go_through_the_crate_one_at_a_time() {
        let id = "a".repeat(64);
        // a bad line before the container's does not hide it
        let i = parse_cgroup(&["garbage".into(), format!("0::/docker/{id}")]).unwrap();
        assert_eq!(i.container_id.as_deref(), Some(id.as_str()));
        // the crate wants a hierarchy number: such a line names no cgroup
        assert_eq!(parse_cgroup(&[format!("x::/docker/{id}")]), None);
    }

    #[test]
    fn cgroup_systemd_containerd() {
        let l = vec!["0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_4a7b_8c9d_0e1f2a3b4c5d.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope".to_string()];
        let i = parse_cgroup(&l).unwrap();
        assert_eq!(i.runtime, Some(Runtime::Containerd));
        assert_eq!(
            i.pod_uid.as_deref(),
            Some("1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d")
        );
        assert!(i.container_id.unwrap().starts_with("0123"));
    }

    #[test]
    fn cgroup_v1_docker_and_host() {
        let id = "a".repeat(64);
        let l = vec![
            format!("12:memory:/docker/{id}"),
            format!("1:name=systemd:/docker/{id}"),
        ];
        assert_eq!(parse_cgroup(&l).unwrap().runtime, Some(Runtime::Docker));
        let h = vec!["0::/system.slice/snap.microk8s.daemon-kubelite.service".to_string()];
        assert_eq!(parse_cgroup(&h), None);
    }

    #[test]
    fn cgroup_v1_kubepods_cgroupfs_and_others() {
        let id = "b".repeat(64);
        let l = vec![
            format!("11:memory:/kubepods/burstable/pod0a1b2c3d-0000-4000-8000-000000000001/{id}"),
            "0::/".to_string(),
        ];
        let i = parse_cgroup(&l).unwrap();
        assert_eq!(i.runtime, Some(Runtime::Containerd));
        assert_eq!(
            i.pod_uid.as_deref(),
            Some("0a1b2c3d-0000-4000-8000-000000000001")
        );
        assert_eq!(i.container_id.as_deref(), Some(id.as_str()));
        let crio = vec![format!(
            "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_0000_4000_8000_000000000002.slice/crio-{id}.scope"
        )];
        assert_eq!(parse_cgroup(&crio).unwrap().runtime, Some(Runtime::Unknown));
        let podman = vec![format!("0::/machine.slice/libpod-{id}.scope/container")];
        assert_eq!(
            parse_cgroup(&podman).unwrap().runtime,
            Some(Runtime::Podman)
        );
        // a 32-hex session id outside kubepods and docker is not a container
        let sandbox = vec!["4:memory:/process_api/a5c7a032771d4b88e5d7915acc6b2009".to_string()];
        assert_eq!(parse_cgroup(&sandbox), None);
    }

    #[test]
    fn cgroup_forms_of_real_runtimes() {
        let id = "c".repeat(64);
        let node = "d".repeat(64);
        // ctr run (lab records/containerd.txt)
        let i = parse_cgroup(&[
            format!("0::/k8s.io/{id}"),
            "9:name=systemd:/k8s.io/rtlab-pg".into(),
        ])
        .unwrap();
        assert_eq!(
            (i.runtime, i.container_id.as_deref()),
            (Some(Runtime::Containerd), Some(id.as_str()))
        );
        assert_eq!(
            parse_cgroup(&["0::/k8s.io/rtlab-pg".into()])
                .unwrap()
                .container_id
                .as_deref(),
            Some("rtlab-pg")
        );
        assert_eq!(
            parse_cgroup(&["0::/user.slice/session-1.scope".into()]),
            None
        );
        // podman cgroupfs (records/podman.txt)
        let i = parse_cgroup(&[format!("4:memory:/libpod_parent/libpod-{id}")]).unwrap();
        assert_eq!(i.runtime, Some(Runtime::Podman));
        // kind-like node, v1 lines nest, v2 stops at the node (records/kind.txt)
        let uid = "99999999-8888-7777-6666-555555555555";
        let i = parse_cgroup(&[
            format!("4:memory:/docker/{node}/kubepods/burstable/pod{uid}/{id}"),
            format!("0::/docker/{node}"),
        ])
        .unwrap();
        assert_eq!(i.runtime, Some(Runtime::Containerd));
        assert_eq!(i.container_id.as_deref(), Some(id.as_str()));
        assert_eq!(i.pod_uid.as_deref(), Some(uid));
        assert_eq!(i.node.as_deref(), Some(node.as_str()));
        // KinD's systemd driver under the node's scope (research note E3)
        let i = parse_cgroup(&[format!(
            "0::/system.slice/docker-{node}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod99999999_8888_7777_6666_555555555555.slice/cri-containerd-{id}.scope"
        )])
        .unwrap();
        assert_eq!(i.runtime, Some(Runtime::Containerd));
        assert_eq!(i.pod_uid.as_deref(), Some(uid));
        assert_eq!(i.node.as_deref(), Some(node.as_str()));
        // the node itself is a plain docker container
        let i = parse_cgroup(&[format!("0::/docker/{node}")]).unwrap();
        assert_eq!((i.runtime, i.node), (Some(Runtime::Docker), None));
    }

    #[test]
    fn overlay_lowerdir_plus_and_escaped_colon() {
        let ov = overlay_from_opts(b"rw,lowerdir+=/l/1,lowerdir+=/l/2,upperdir=/u");
        assert_eq!(ov.lowerdirs.len(), 2);
        let ov = overlay_from_opts(b"rw,lowerdir=/a\\:b:/c,upperdir=/u\\054x");
        assert_eq!(ov.lowerdirs[0].0, b"/a:b");
        assert_eq!(ov.upperdir.unwrap().0, b"/u,x");
        let ov = overlay_from_opts(b"lowerdir=/a\\134b:/c\\072d");
        assert_eq!(ov.lowerdirs[0].0, b"/a\\b");
        assert_eq!(ov.lowerdirs[1].0, b"/c:d");
    }

    #[test]
    fn mountinfo_escapes_and_overlay() {
        let t = b"1 0 253:0 / / rw - overlay overlay rw,lowerdir=/a/l\\0401:/b/l2,upperdir=/u/fs,workdir=/u/work\n2 1 253:0 /var/x\\040y /data rw,relatime - ext4 /dev/sda1 rw\nbroken line\n";
        let (m, bad) = parse_mountinfo(t);
        assert_eq!(bad, 1);
        let ov = rootfs_overlay(&m).unwrap();
        assert_eq!(ov.lowerdirs[0].0, b"/a/l 1");
        assert_eq!(ov.upperdir.unwrap().0, b"/u/fs");
        let host = vec![Mount {
            dev: "253:0".into(),
            root: b"/".to_vec(),
            mount_point: b"/".to_vec(),
            ..Default::default()
        }];
        assert_eq!(host_source(&m[1], &host).unwrap(), b"/var/x y");
    }
}
