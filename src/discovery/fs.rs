//! Host paths under the scanned root, and the targeted walks: snap revisions, `erts-*`
//! directories, container storage roots, catalog probe paths. Each walk lists a handful of known
//! directories; nothing here walks container storage or recurses.
//!
//! Every path in the inventory is a HOST path (`/var/lib/...`), never prefixed with `--root`.
//! Symlinks are resolved inside the root: an absolute target restarts at the root, so a fixture's
//! links (written as the kernel shows them) never lead out of it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::model::{FileType, HostStr, PathFact, SnapFact, StorageKind, StorageRoot};

use super::hostfs::{Dir, ReadError};

/// The scanned root.
///
/// Every access resolves the path inside the root, component by component from an open
/// directory fd ([`super::hostfs`]): an absolute link restarts at the root, `..` stops at it, so
/// nothing outside the root is ever read, not even through a hostile or dangling link, and only
/// regular files are ever opened for reading.
#[derive(Debug)]
pub struct Root {
    pub dir: PathBuf,
    /// The root is the running system's `/`: `/proc/PID/root` may be used.
    pub live: bool,
    fs: Option<Dir>,
    /// Resolved host paths (the targeted walks ask about the same layer directories often).
    dirs: RefCell<HashMap<Vec<u8>, Option<Vec<u8>>>>,
    /// Open directories by host path (`O_PATH`), so a file in a known directory costs one
    /// `openat` and not a walk from the root; `None` remembers a path that is no directory (a
    /// scan asks every container process's layers for the same missing `usr/bin`, and each miss
    /// was a walk from the root). A scan is one snapshot: a directory that appears during it is
    /// not found, which only leaves a path unresolved (fail closed). Bounded: cleared when full.
    fds: RefCell<HashMap<Vec<u8>, Option<Rc<OwnedFd>>>>,
}

/// One entry of [`Root::walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walked {
    /// The path below the walked directory (`name`, `name/sub`).
    pub rel: Vec<u8>,
    /// 1 for the directory's own entries.
    pub depth: usize,
    /// A directory (not a link to one).
    pub is_dir: bool,
}

/// Most directory fds kept open at once (well under the usual 1024 limit).
const FD_CACHE: usize = 256;

impl Root {
    pub fn new(dir: &Path) -> Root {
        let live = std::fs::canonicalize(dir).is_ok_and(|p| p == Path::new("/"));
        Root {
            dir: dir.to_path_buf(),
            live,
            fs: Dir::open(dir).ok(),
            dirs: RefCell::new(HashMap::new()),
            fds: RefCell::new(HashMap::new()),
        }
    }

    /// The open root directory (`None` if it could not be opened).
    pub fn fs(&self) -> Option<&Dir> {
        self.fs.as_ref()
    }

    fn resolve_cached(&self, p: &[u8]) -> Option<Vec<u8>> {
        if let Some(r) = self.dirs.borrow().get(p) {
            return r.clone();
        }
        let r = self.fs.as_ref()?.resolve(p).ok();
        let mut d = self.dirs.borrow_mut();
        if d.len() > 4096 {
            d.clear(); // bounded: a hostile tree cannot grow it without limit
        }
        d.insert(p.to_vec(), r.clone());
        r
    }

    /// Metadata of the host path, a final symlink not followed. The parent directory's
    /// resolution is cached (the layer walks ask about many files of the same directories).
    pub fn lstat(&self, p: &[u8]) -> Option<std::fs::Metadata> {
        let fs = self.fs.as_ref()?;
        let t = trim_trailing(p);
        match t.iter().rposition(|&c| c == b'/') {
            Some(cut)
                if cut > 0
                    && !t[cut + 1..].is_empty()
                    && &t[cut + 1..] != b".."
                    && &t[cut + 1..] != b"." =>
            {
                let dir = self.dir_fd(&t[..cut])?;
                let f = super::hostfs::openat(
                    dir.as_fd(),
                    &t[cut + 1..],
                    libc::O_PATH | libc::O_NOFOLLOW,
                )
                .ok()?;
                super::hostfs::meta(&f).ok()
            }
            _ => fs.lstat(p).ok(),
        }
    }

    /// An open directory (resolved inside the root), from the cache.
    fn dir_fd(&self, p: &[u8]) -> Option<Rc<OwnedFd>> {
        if let Some(f) = self.fds.borrow().get(p) {
            return f.clone();
        }
        let fs = self.fs.as_ref()?;
        let fd = fs
            .walk(p, true)
            .ok()
            .and_then(|w| match w.fd {
                Some(fd) => Some(fd),
                None => fs.fd().try_clone_to_owned().ok(),
            })
            .filter(|fd| super::hostfs::meta(fd).is_ok_and(|m| m.is_dir()))
            .map(Rc::new);
        let mut c = self.fds.borrow_mut();
        if c.len() >= FD_CACHE {
            c.clear();
        }
        c.insert(p.to_vec(), fd.clone());
        fd
    }

    /// Metadata of what the host path leads to.
    pub fn stat(&self, p: &[u8]) -> Option<std::fs::Metadata> {
        self.fs.as_ref()?.stat(p).ok()
    }

    /// Names in a host directory (unsorted); `None` if it cannot be listed. A one-level
    /// [`Root::walk`].
    pub fn list(&self, p: &[u8]) -> Option<Vec<Vec<u8>>> {
        Some(self.walk(p, 1)?.into_iter().map(|e| e.rel).collect())
    }

    /// The entries under a host directory, down to `max_depth` levels, with `walkdir`
    /// (`follow_links(false)`, `same_file_system(true)`, `max_depth`).
    ///
    /// walkdir opens each directory by its path, so a path must not be able to change under it.
    /// The rule that keeps the walk inside what it was given:
    /// - it starts from the directory reached through the confined walk ([`super::hostfs`]:
    ///   resolved inside the root, links never leaving it), named by its open fd
    ///   (`/proc/self/fd/N`), so no path above it is looked up again;
    /// - it reads the entries of a directory below the start only when that directory, and so
    ///   every directory above it up to the start, cannot be written by a non-root user: root's
    ///   and not group- or world-writable (sticky does not count), the rule [`super::trust`]
    ///   applies to an executable's directories, under `--root` too. In a directory a user can
    ///   write, they could swap a subdirectory for a link to anywhere between walkdir's `lstat`
    ///   and its `opendir`; such a directory is listed as an entry of its parent, and its own
    ///   entries are never read (walkdir has opened it, and drops it unread);
    /// - links are never followed, and another filesystem (a mount under the tree) is not entered.
    ///
    /// Without `/proc/self/fd` (no procfs where the scan runs) only one level is listed, with the
    /// confined walk's own listing.
    pub fn walk(&self, p: &[u8], max_depth: usize) -> Option<Vec<Walked>> {
        use std::os::fd::AsRawFd;
        use std::os::unix::ffi::OsStrExt;
        let fd = self.dir_fd(trim_trailing(p))?;
        let start = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()));
        if max_depth == 0 || !start.is_dir() {
            let names = self.fs.as_ref()?.list(p).ok()?;
            return Some(
                names
                    .into_iter()
                    .map(|rel| Walked {
                        rel,
                        depth: 1,
                        is_dir: false,
                    })
                    .collect(),
            );
        }
        let start_safe = super::hostfs::meta(&fd)
            .ok()
            .is_some_and(|m| super::trust::why_unsafe(&m, "directory", p).is_none());
        let mut out = Vec::new();
        let start_dev = super::hostfs::meta(&fd).ok().map(|m| m.dev());
        let mut it = walkdir::WalkDir::new(&start)
            .min_depth(1)
            .max_depth(max_depth)
            .follow_links(false)
            .same_file_system(true)
            .into_iter();
        while let Some(e) = it.next() {
            let Ok(e) = e else { continue };
            let is_dir = e.file_type().is_dir();
            if is_dir && e.depth() < max_depth {
                let md = e.metadata().ok();
                // walkdir opened it only on the start's filesystem: only then is there a
                // listing to drop (skipping otherwise would drop its parent's)
                let opened = md.as_ref().map(|m| m.dev()) == start_dev;
                let safe = start_safe
                    && md
                        .as_ref()
                        .is_some_and(|m| super::trust::why_unsafe(m, "directory", p).is_none());
                if opened && !safe {
                    it.skip_current_dir();
                }
            }
            let Ok(rel) = e.path().strip_prefix(&start) else {
                continue;
            };
            out.push(Walked {
                rel: rel.as_os_str().as_bytes().to_vec(),
                depth: e.depth(),
                is_dir,
            });
        }
        Some(out)
    }

    pub fn readlink(&self, p: &[u8]) -> Option<Vec<u8>> {
        self.fs.as_ref()?.readlink(p).ok()
    }

    /// A regular file's content, at most `limit` bytes; `None` if it is missing, unreadable, or
    /// not a regular file.
    pub fn read(&self, p: &[u8], limit: u64) -> Option<Vec<u8>> {
        self.read_checked(p, limit).ok().map(|(b, _)| b)
    }

    /// As [`Root::read`], telling why not, and whether the content was cut at `limit`.
    pub fn read_checked(&self, p: &[u8], limit: u64) -> Result<(Vec<u8>, bool), ReadError> {
        match &self.fs {
            Some(fs) => fs.read(p, limit),
            None => Err(ReadError::Io(std::io::ErrorKind::NotFound.into())),
        }
    }

    /// A host directory as a root of its own (a container layer or volume): paths inside it are
    /// then resolved inside it, its links never leading back out to the host.
    pub fn open_dir(&self, p: &[u8]) -> Option<Dir> {
        let w = self.fs.as_ref()?.walk(p, true).ok()?;
        let fd = w.fd?;
        super::hostfs::meta(&fd).ok().filter(|m| m.is_dir())?;
        Some(Dir::from_fd(fd))
    }

    /// Open a host regular file (for hashing), symlinks resolved inside the root.
    pub fn open(&self, p: &[u8]) -> std::io::Result<std::fs::File> {
        match &self.fs {
            Some(fs) => fs.open_regular(p).map_err(|e| match e {
                ReadError::Io(e) => e,
                ReadError::NotRegular(k) => {
                    std::io::Error::other(format!("not a regular file ({k})"))
                }
            }),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// The host path `p` with every symlink resolved inside the root; `None` if a component is
    /// missing, unreadable or the links loop.
    pub fn resolve(&self, p: &[u8]) -> Option<Vec<u8>> {
        self.resolve_cached(p)
    }

    /// Whether the host path exists (without following a final symlink).
    pub fn exists(&self, p: &[u8]) -> bool {
        self.lstat(p).is_some()
    }

    /// A path fact: type, and where a symlink leads.
    pub fn path_fact(&self, p: &[u8]) -> PathFact {
        let (file_type, resolved) = match self.lstat(p) {
            None => (FileType::Missing, None),
            Some(m) if m.file_type().is_symlink() => {
                (FileType::Symlink, self.resolve(p).map(HostStr))
            }
            Some(m) if m.is_dir() => (FileType::Directory, None),
            Some(m) if m.is_file() => (FileType::File, None),
            Some(_) => (FileType::Other, None),
        };
        PathFact {
            path: HostStr(p.to_vec()),
            file_type,
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
///
/// One two-level [`Root::walk`] of `/snap`: a snap's directory is read only if no user can write
/// it (snapd's are root's, 0755), so a user cannot plant revisions.
pub fn snaps(root: &Root) -> Vec<SnapFact> {
    let mut out = Vec::new();
    let Some(walked) = root.walk(b"/snap", 2) else {
        return out;
    };
    let mut by_snap: std::collections::BTreeMap<Vec<u8>, Vec<Vec<u8>>> = Default::default();
    for w in walked {
        let mut parts = w.rel.splitn(2, |&c| c == b'/');
        let (Some(snap), rev) = (parts.next(), parts.next()) else {
            continue;
        };
        let revs = by_snap.entry(snap.to_vec()).or_default();
        if let Some(rev) = rev {
            revs.push(rev.to_vec());
        }
    }
    for (name, entries) in by_snap {
        let Ok(n) = String::from_utf8(name) else {
            continue;
        };
        let dir = format!("/snap/{n}");
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
pub const STORAGE_ROOTS: &[(StorageKind, &str)] = &[
    (StorageKind::DockerOverlay2, "/var/lib/docker/overlay2"),
    (
        StorageKind::ContainerdOverlayfs,
        "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
    (
        StorageKind::Microk8sContainerdOverlayfs,
        "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
    (
        StorageKind::PodmanOverlay,
        "/var/lib/containers/storage/overlay",
    ),
    // KinD nodes keep /var (their containerd's layers) on a docker volume (research note E3, D1)
    (StorageKind::DockerVolumes, "/var/lib/docker/volumes"),
    // containerd 2's erofs snapshotter (Deckhouse `ContainerdV2`, research note K2), k3s, rke2
    (
        StorageKind::ContainerdErofs,
        "/var/lib/containerd/io.containerd.snapshotter.v1.erofs",
    ),
    (
        StorageKind::K3sContainerdOverlayfs,
        "/var/lib/rancher/k3s/agent/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
    (
        StorageKind::Rke2ContainerdOverlayfs,
        "/var/lib/rancher/rke2/agent/containerd/io.containerd.snapshotter.v1.overlayfs",
    ),
];

/// The storage roots that exist; `in_use` if one of `layers` is under it.
pub fn storage_roots(root: &Root, layers: &[&[u8]]) -> Vec<StorageRoot> {
    STORAGE_ROOTS
        .iter()
        .filter(|(_, p)| root.lstat(p.as_bytes()).is_some_and(|m| m.is_dir()))
        .map(|(kind, p)| StorageRoot {
            kind: *kind,
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
    fn walk_never_descends_where_a_user_could_swap_in_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        // outside the walked tree: names that must never show up
        std::fs::create_dir_all(r.join("outside/SECRET")).unwrap();
        let outside = r.join("outside");
        std::fs::create_dir_all(r.join("w/trusted/sub/deep")).unwrap();
        std::os::unix::fs::symlink(&outside, r.join("w/trusted/link")).unwrap();
        // a directory any user can write, where a dir and a link to outside swap places
        std::fs::create_dir_all(r.join("w/userdir/x/inner")).unwrap();
        std::os::unix::fs::symlink(&outside, r.join("w/userdir/xl")).unwrap();
        for p in ["w", "w/trusted", "w/trusted/sub", "w/userdir/x"] {
            mode(&r.join(p), 0o755);
        }
        mode(&r.join("w/userdir"), 0o777);
        let root = Root::new(r);

        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (a, b) = (
            std::ffi::CString::new(r.join("w/userdir/x").into_os_string().into_encoded_bytes())
                .unwrap(),
            std::ffi::CString::new(r.join("w/userdir/xl").into_os_string().into_encoded_bytes())
                .unwrap(),
        );
        let swapper = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut swaps = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // SAFETY: two valid NUL-terminated paths
                    let r = unsafe {
                        libc::renameat2(
                            libc::AT_FDCWD,
                            a.as_ptr(),
                            libc::AT_FDCWD,
                            b.as_ptr(),
                            libc::RENAME_EXCHANGE,
                        )
                    };
                    assert_eq!(r, 0, "renameat2: {}", std::io::Error::last_os_error());
                    swaps += 1;
                }
                swaps
            })
        };
        let root_run = unsafe { libc::geteuid() } == 0;
        // without the ownership rule, walkdir opened the swapped-in link and listed
        // `userdir/xl/SECRET` within these 5,000 walks (checked when this test was written)
        for _ in 0..5000 {
            let w = root.walk(b"/w", 4).unwrap();
            let names: Vec<String> = w
                .iter()
                .map(|e| String::from_utf8_lossy(&e.rel).into_owned())
                .collect();
            assert!(
                !names.iter().any(|n| n.contains("SECRET")),
                "left the tree: {names:?}"
            );
            // the user's directory: listed, its entries never read
            assert!(names.contains(&"userdir".to_string()), "{names:?}");
            assert!(
                !names.iter().any(|n| n.starts_with("userdir/")),
                "{names:?}"
            );
            assert!(names.contains(&"trusted/link".to_string()));
            if root_run {
                // root's own directories are walked to the depth asked
                assert!(names.contains(&"trusted/sub/deep".to_string()), "{names:?}");
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(swapper.join().unwrap() > 0, "the swap never ran");
        // one level is a listing of the start itself, whoever owns it
        let mut l = root.list(b"/w/userdir").unwrap();
        l.sort();
        assert_eq!(l, vec![b"x".to_vec(), b"xl".to_vec()]);
    }

    #[test]
    fn closed_sets_serialize_as_the_strings_they_replaced() {
        let kinds: Vec<String> = STORAGE_ROOTS
            .iter()
            .map(|(k, _)| serde_json::to_string(k).unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "docker-overlay2",
                "containerd-overlayfs",
                "microk8s-containerd-overlayfs",
                "podman-overlay",
                "docker-volumes",
                "containerd-erofs",
                "k3s-containerd-overlayfs",
                "rke2-containerd-overlayfs"
            ]
            .map(|k| format!("\"{k}\""))
        );
        for (k, _) in STORAGE_ROOTS {
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        for t in [
            FileType::Directory,
            FileType::File,
            FileType::Symlink,
            FileType::Missing,
            FileType::Other,
        ] {
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert_eq!(
            serde_json::to_string(&crate::model::Protocol::Udp).unwrap(),
            "\"udp\""
        );
    }

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
