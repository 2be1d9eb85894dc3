//! Host paths under the scanned root, and the targeted walks: snap revisions, `erts-*`
//! directories, container storage roots, catalog probe paths. Each walk lists a handful of known
//! directories; nothing here walks container storage or recurses.
//!
//! Every path in the inventory is a HOST path (`/var/lib/...`), never prefixed with `--root`.
//! Symlinks are resolved inside the root: an absolute target restarts at the root, so a fixture's
//! links (written as the kernel shows them) never lead out of it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use crate::model::{HostStr, PathFact, SnapFact, StorageRoot};

/// The scanned root.
///
/// With `--root DIR`, every access resolves symlinks inside DIR first (an absolute link restarts
/// at DIR), so nothing outside DIR is ever read, not even through a hostile or dangling link.
/// Resolved directories are cached: the targeted walks ask about the same layer directories often.
#[derive(Debug, Clone)]
pub struct Root {
    pub dir: PathBuf,
    /// The root is the running system's `/`: `/proc/PID/root` may be used.
    pub live: bool,
    dirs: RefCell<HashMap<Vec<u8>, Option<Vec<u8>>>>,
}

impl Root {
    pub fn new(dir: &Path) -> Root {
        let live = std::fs::canonicalize(dir).is_ok_and(|p| p == Path::new("/"));
        Root {
            dir: dir.to_path_buf(),
            live,
            dirs: RefCell::new(HashMap::new()),
        }
    }

    /// Where the host path `p` is under the root, as written (no resolution).
    pub fn at(&self, p: &[u8]) -> PathBuf {
        let rel = trim_slashes(p);
        if rel.is_empty() {
            return self.dir.clone();
        }
        self.dir.join(OsStr::from_bytes(rel))
    }

    /// A path under the root that is safe to hand to a call that follows symlinks.
    fn real(&self, p: &[u8]) -> Option<PathBuf> {
        if self.live {
            return Some(self.at(p));
        }
        Some(self.at(&self.resolve_cached(p)?))
    }

    /// As [`Root::real`], but the last component is left alone (for lstat and readlink).
    fn real_parent(&self, p: &[u8]) -> Option<PathBuf> {
        if self.live {
            return Some(self.at(p));
        }
        let t = trim_trailing(p);
        let cut = t.iter().rposition(|&c| c == b'/')?;
        let parent = if cut == 0 { &b"/"[..] } else { &t[..cut] };
        let mut real = self.resolve_cached(parent)?;
        real = join(&real, &t[cut + 1..]);
        Some(self.at(&real))
    }

    fn resolve_cached(&self, p: &[u8]) -> Option<Vec<u8>> {
        if let Some(r) = self.dirs.borrow().get(p) {
            return r.clone();
        }
        let r = self.resolve(p);
        self.dirs.borrow_mut().insert(p.to_vec(), r.clone());
        r
    }

    pub fn lstat(&self, p: &[u8]) -> Option<std::fs::Metadata> {
        std::fs::symlink_metadata(self.real_parent(p)?).ok()
    }

    /// Names in a host directory (unsorted); `None` if it cannot be listed.
    pub fn list(&self, p: &[u8]) -> Option<Vec<Vec<u8>>> {
        let rd = std::fs::read_dir(self.real(p)?).ok()?;
        Some(
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().into_vec())
                .collect(),
        )
    }

    pub fn readlink(&self, p: &[u8]) -> Option<Vec<u8>> {
        std::fs::read_link(self.real_parent(p)?)
            .ok()
            .map(|t| t.into_os_string().into_vec())
    }

    pub fn read(&self, p: &[u8], limit: u64) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        super::procfs::read_file_into(&self.real(p)?, &mut buf, limit).ok()?;
        Some(buf)
    }

    /// Open a host file (for hashing), symlinks resolved inside the root.
    pub fn open(&self, p: &[u8]) -> std::io::Result<std::fs::File> {
        match self.real(p) {
            Some(r) => std::fs::File::open(r),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// The host path `p` with every symlink resolved inside the root; `None` if a component is
    /// missing, unreadable or the links loop.
    pub fn resolve(&self, p: &[u8]) -> Option<Vec<u8>> {
        let mut todo: Vec<Vec<u8>> = components(p).rev().map(<[u8]>::to_vec).collect();
        let mut cur: Vec<Vec<u8>> = Vec::new();
        let mut hops = 0;
        while let Some(c) = todo.pop() {
            if c == b"." || c.is_empty() {
                continue;
            }
            if c == b".." {
                cur.pop();
                continue;
            }
            cur.push(c);
            // `cur` is resolved, so these raw calls stay inside the root
            let here = self.at(&join_components(&cur));
            let md = std::fs::symlink_metadata(&here).ok()?;
            if md.file_type().is_symlink() {
                hops += 1;
                if hops > 40 {
                    return None;
                }
                let target = std::fs::read_link(&here).ok()?.into_os_string().into_vec();
                cur.pop();
                if target.first() == Some(&b'/') {
                    cur.clear();
                }
                for t in components(&target).rev() {
                    todo.push(t.to_vec());
                }
            }
        }
        Some(join_components(&cur))
    }

    /// Whether the host path exists (without following a final symlink).
    pub fn exists(&self, p: &[u8]) -> bool {
        self.lstat(p).is_some()
    }

    /// A path fact: type, and where a symlink leads.
    pub fn path_fact(&self, p: &[u8]) -> PathFact {
        let (file_type, resolved) = match self.lstat(p) {
            None => ("missing", None),
            Some(m) if m.file_type().is_symlink() => ("symlink", self.resolve(p).map(HostStr)),
            Some(m) if m.is_dir() => ("directory", None),
            Some(m) if m.is_file() => ("file", None),
            Some(_) => ("other", None),
        };
        PathFact {
            path: HostStr(p.to_vec()),
            file_type: file_type.into(),
            resolved,
        }
    }
}

fn trim_trailing(p: &[u8]) -> &[u8] {
    let mut s = p;
    while s.len() > 1 && s.ends_with(b"/") {
        s = &s[..s.len() - 1];
    }
    s
}

fn trim_slashes(p: &[u8]) -> &[u8] {
    let mut s = p;
    while let Some(r) = s.strip_prefix(b"/") {
        s = r;
    }
    s
}

/// Non-empty components of a path.
pub fn components(p: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    p.split(|&c| c == b'/').filter(|c| !c.is_empty())
}

fn join_components(c: &[Vec<u8>]) -> Vec<u8> {
    if c.is_empty() {
        return b"/".to_vec();
    }
    let mut out = Vec::new();
    for x in c {
        out.push(b'/');
        out.extend_from_slice(x);
    }
    out
}

/// `a` + `/` + `b` for host paths (b may start with `/`).
pub fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = a.to_vec();
    while out.len() > 1 && out.last() == Some(&b'/') {
        out.pop();
    }
    let b = trim_slashes(b);
    if b.is_empty() {
        return out;
    }
    if out.last() != Some(&b'/') {
        out.push(b'/');
    }
    out.extend_from_slice(b);
    out
}

/// `path` is `prefix` or below it (component-wise).
pub fn is_under(path: &[u8], prefix: &[u8]) -> bool {
    let prefix = if prefix.len() > 1 && prefix.ends_with(b"/") {
        &prefix[..prefix.len() - 1]
    } else {
        prefix
    };
    if prefix == b"/" {
        return path.starts_with(b"/");
    }
    path.starts_with(prefix) && (path.len() == prefix.len() || path[prefix.len()] == b'/')
}

/// An overlay whiteout (character device 0/0): the file was deleted in an upper layer.
pub fn is_whiteout(md: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    md.file_type().is_char_device() && md.rdev() == 0
}

/// Snaps under `/snap/`: each directory with numeric revision entries, and its `current` link.
pub fn snaps(root: &Root) -> Vec<SnapFact> {
    let mut out = Vec::new();
    let Some(mut names) = root.list(b"/snap") else {
        return out;
    };
    names.sort();
    for name in names {
        let Ok(n) = String::from_utf8(name) else {
            continue;
        };
        let dir = format!("/snap/{n}");
        let Some(entries) = root.list(dir.as_bytes()) else {
            continue;
        };
        let mut revs: Vec<String> = entries
            .into_iter()
            .filter_map(|e| String::from_utf8(e).ok())
            .filter(|e| !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit() || c == b'x'))
            .collect();
        if revs.is_empty() {
            continue;
        }
        revs.sort_by_key(|r| (r.len(), r.clone()));
        let current = root.readlink(format!("{dir}/current").as_bytes()).map(|t| {
            let t = String::from_utf8_lossy(&t).into_owned();
            t.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        });
        out.push(SnapFact {
            name: n,
            revisions: revs,
            current,
        });
    }
    out
}

/// Where Erlang runtimes live, on a host or inside an image.
pub const ERLANG_DIRS: &[&str] = &[
    "/usr/lib/erlang",
    "/usr/lib64/erlang",
    "/usr/local/lib/erlang",
    "/opt/bitnami/erlang/lib/erlang",
    "/opt/erlang/lib/erlang",
];

/// `erts-<version>` names in `dir` (a host path): (version, full host path).
pub fn erts_in(root: &Root, dir: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Some(names) = root.list(dir) else {
        return out;
    };
    for n in names {
        let Some(v) = n.strip_prefix(b"erts-") else {
            continue;
        };
        if v.is_empty() || !v.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
            continue;
        }
        let Ok(v) = String::from_utf8(v.to_vec()) else {
            continue;
        };
        out.push((v, join(dir, &n)));
    }
    out.sort();
    out
}

/// Container storage roots: kind and host path.
pub const STORAGE_ROOTS: &[(&str, &str)] = &[
    ("docker-overlay2", "/var/lib/docker/overlay2"),
    (
        "containerd-overlayfs",
        "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
    (
        "microk8s-containerd-overlayfs",
        "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
    ("podman-overlay", "/var/lib/containers/storage/overlay"),
    // KinD nodes keep /var (their containerd's layers) on a docker volume (research note E3, D1)
    ("docker-volumes", "/var/lib/docker/volumes"),
    // containerd 2's erofs snapshotter (Deckhouse `ContainerdV2`, research note K2), k3s, rke2
    (
        "containerd-erofs",
        "/var/lib/containerd/io.containerd.snapshotter.v1.erofs",
    ),
    (
        "k3s-containerd-overlayfs",
        "/var/lib/rancher/k3s/agent/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
    (
        "rke2-containerd-overlayfs",
        "/var/lib/rancher/rke2/agent/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
];

/// The storage roots that exist; `in_use` if one of `layers` is under it.
pub fn storage_roots(root: &Root, layers: &[&[u8]]) -> Vec<StorageRoot> {
    STORAGE_ROOTS
        .iter()
        .filter(|(_, p)| root.lstat(p.as_bytes()).is_some_and(|m| m.is_dir()))
        .map(|(kind, p)| StorageRoot {
            kind: (*kind).into(),
            path: HostStr::from(*p),
            in_use: layers.iter().any(|l| is_under(l, p.as_bytes())),
        })
        .collect()
}

/// Expand one catalog template on the host. A `{placeholder}` stands for one path component (or
/// part of one, `erts-{erts}`); only its parent directory is listed, and a value must start with a
/// digit (placeholders are versions, revisions, major numbers). Records each concrete path found,
/// the fixed path of a template without placeholders, and a missing fixed parent. Paths are
/// recorded without a trailing slash (`/opt/elma365/` is recorded as `/opt/elma365`).
pub fn probe(root: &Root, template: &str, out: &mut Vec<PathFact>) {
    let t = template.trim();
    if !t.starts_with('/') {
        return;
    }
    let comps: Vec<&str> = t.split('/').filter(|c| !c.is_empty()).collect();
    let mut prefixes: Vec<Vec<u8>> = vec![b"/".to_vec()];
    for (i, comp) in comps.iter().enumerate() {
        let mut next = Vec::new();
        if let Some(open) = comp.find('{') {
            let close = comp[open..].find('}').map(|c| open + c);
            let Some(close) = close else { return };
            let (pre, post) = (&comp[..open], &comp[close + 1..]);
            if post.contains('{') {
                return; // two placeholders in one component: not a catalog shape
            }
            for p in &prefixes {
                let Some(names) = root.list(p) else {
                    out.push(root.path_fact(p));
                    continue;
                };
                let mut names = names;
                names.sort();
                for n in names {
                    let Some(v) = n
                        .strip_prefix(pre.as_bytes())
                        .and_then(|r| r.strip_suffix(post.as_bytes()))
                    else {
                        continue;
                    };
                    if v.first().is_some_and(u8::is_ascii_digit) {
                        next.push(join(p, &n));
                    }
                }
            }
        } else {
            for p in &prefixes {
                next.push(join(p, comp.as_bytes()));
            }
        }
        let last = i + 1 == comps.len();
        if !last && comps[i + 1..].iter().any(|c| c.contains('{')) {
            // keep only existing directories on the way to the next placeholder
            // (a missing fixed parent is recorded, so `check --inventory` can tell "absent")
            next.retain(|p| {
                let ok = root.lstat(p).is_some();
                if !ok {
                    out.push(root.path_fact(p));
                }
                ok
            });
        }
        prefixes = next;
    }
    for p in prefixes {
        out.push(root.path_fact(&p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_under() {
        assert_eq!(join(b"/a/", b"/b/c"), b"/a/b/c");
        assert_eq!(join(b"/", b"x"), b"/x");
        assert!(is_under(
            b"/var/lib/docker/overlay2/x",
            b"/var/lib/docker/overlay2/"
        ));
        assert!(!is_under(
            b"/var/lib/docker/overlay22",
            b"/var/lib/docker/overlay2"
        ));
    }

    #[test]
    fn resolve_stays_in_root() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("usr/bin")).unwrap();
        std::fs::write(d.path().join("usr/bin/dash"), b"").unwrap();
        std::os::unix::fs::symlink("usr/bin", d.path().join("bin")).unwrap();
        std::os::unix::fs::symlink("dash", d.path().join("usr/bin/sh")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", d.path().join("escape")).unwrap();
        let r = Root::new(d.path());
        assert_eq!(r.resolve(b"/bin/sh").unwrap(), b"/usr/bin/dash");
        assert_eq!(r.resolve(b"/escape"), None); // /etc/passwd is not in the root
        assert_eq!(r.read(b"/escape", 100), None);
        std::os::unix::fs::symlink("/", d.path().join("up")).unwrap();
        assert_eq!(r.list(b"/up/usr").unwrap(), vec![b"bin".to_vec()]);
        assert!(r.lstat(b"/up/etc/passwd").is_none());
    }
}
