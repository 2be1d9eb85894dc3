//! Which processes may be evidence for an exclusion (PRODUCT.md, "Threat model").
//!
//! avexclude runs as root and reads what unprivileged users and containers control: names,
//! command lines, working directories. A process counts only when its executable is a file no
//! unprivileged user could have written:
//! - on the host: a regular file owned by root, not writable by group or others, and every
//!   directory from `/` down to it owned by root and not writable by group or others (a sticky
//!   `/tmp` or `/dev/shm` does not count: anyone may create a file there);
//! - in a container: a file in a lower (image) layer of a known runtime's storage, whose host
//!   directories are root's. The writable upper layer, a volume, or a binary deleted or replaced
//!   since the process started (` (deleted)`) is not trusted.
//!
//! Whether a trusted executable is really the program a catalog name or title means is decided
//! by `check` (it knows the catalog); here only "could a user have planted this file".

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;

use crate::model::{Process, Trust};

use super::fs::Root;

/// Group- or world-writable.
const WRITABLE_BY_OTHERS: u32 = 0o022;

/// Host directories and files already judged (a scan meets the same `/usr/bin` thousands of
/// times): path → `Err(why)` if not safe.
#[derive(Debug, Default)]
pub struct Judge {
    dirs: HashMap<Vec<u8>, Result<(), String>>,
}

pub(super) fn why_unsafe(md: &std::fs::Metadata, what: &str, path: &[u8]) -> Option<String> {
    let shown = String::from_utf8_lossy(path);
    if md.uid() != 0 {
        return Some(format!("{what} {shown} is owned by uid {}", md.uid()));
    }
    if md.mode() & WRITABLE_BY_OTHERS != 0 {
        return Some(format!(
            "{what} {shown} is writable by group or others (mode {:o})",
            md.mode() & 0o7777
        ));
    }
    None
}

impl Judge {
    /// Every directory from `/` to the parent of `path` (a resolved host path: no links) is
    /// root's and not writable by others.
    pub fn dirs_safe(&mut self, root: &Root, path: &[u8]) -> Result<(), String> {
        let mut prefix: Vec<u8> = Vec::new();
        let comps: Vec<&[u8]> = path
            .split(|&c| c == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        let n = comps.len();
        let check = |p: &[u8], j: &mut Judge| -> Result<(), String> {
            if let Some(r) = j.dirs.get(p) {
                return r.clone();
            }
            let r = match root.lstat(p) {
                None => Err(format!(
                    "directory {} cannot be examined",
                    String::from_utf8_lossy(p)
                )),
                Some(md) if !md.is_dir() => {
                    Err(format!("{} is not a directory", String::from_utf8_lossy(p)))
                }
                Some(md) => match why_unsafe(&md, "directory", p) {
                    Some(w) => Err(w),
                    None => Ok(()),
                },
            };
            if j.dirs.len() > 65536 {
                j.dirs.clear();
            }
            j.dirs.insert(p.to_vec(), r.clone());
            r
        };
        check(b"/", self)?;
        for c in comps.iter().take(n.saturating_sub(1)) {
            prefix.push(b'/');
            prefix.extend_from_slice(c);
            check(&prefix, self)?;
        }
        Ok(())
    }

    /// A host file no unprivileged user could have written: root's, not writable by others, in
    /// directories likewise. `path` is a host path; links are resolved inside the root first.
    pub fn host_file(&mut self, root: &Root, path: &[u8]) -> Result<Vec<u8>, String> {
        let real = root.resolve(path).ok_or_else(|| {
            format!(
                "{} cannot be resolved on the host",
                String::from_utf8_lossy(path)
            )
        })?;
        let md = root
            .lstat(&real)
            .ok_or_else(|| format!("{} cannot be examined", String::from_utf8_lossy(&real)))?;
        if !md.is_file() {
            return Err(format!(
                "{} is not a regular file",
                String::from_utf8_lossy(&real)
            ));
        }
        if let Some(w) = why_unsafe(&md, "file", &real) {
            return Err(w);
        }
        self.dirs_safe(root, &real)?;
        Ok(real)
    }

    /// Judge a process's executable. `exe_via`: how its host path was found (`overlay lowerdir`,
    /// `overlay upperdir`, `volume mount`) for a containerised process. `running`: the metadata
    /// of the file the process really runs, when it could be opened (`/proc/PID/exe`, live), to
    /// be compared with what its path names now (or, deleted, judged itself).
    pub fn process(
        &mut self,
        root: &Root,
        p: &Process,
        exe_via: Option<&str>,
        running: Option<&std::fs::Metadata>,
        storage: &[Vec<u8>],
    ) -> Trust {
        let no = |why: String| Trust {
            trusted: false,
            why,
        };
        let Some(exe) = &p.exe else {
            return no("the executable is not known (unreadable /proc/PID/exe)".into());
        };
        if p.exe_deleted {
            // A host daemon after a package upgrade runs a deleted file: the running inode is
            // still there (live) and judged itself, with the directories its path names.
            // In a container, or with nothing to examine, a deleted executable is not evidence.
            let why = format!(
                "the executable {} was deleted or replaced since the process started",
                exe.display()
            );
            let (Some(md), None) = (running, &p.container) else {
                return no(why);
            };
            if let Some(w) = why_unsafe(md, "deleted executable", exe.as_bytes()) {
                return no(format!("{why}; {w}"));
            }
            return match self.dirs_safe(root, exe.as_bytes()) {
                Ok(()) => Trust {
                    trusted: true,
                    why: format!("{why}; the running file is root's, in root-owned directories"),
                },
                Err(w) => no(format!("{why}; {w}")),
            };
        }
        match &p.container {
            Some(c) => {
                let Some(host) = &p.exe_host else {
                    return no(format!(
                        "the executable {} was not found in the container's image layers",
                        exe.display()
                    ));
                };
                if exe_via != Some("overlay lowerdir") {
                    return no(format!(
                        "the executable {} comes from the container's {} ({}), which the container can write",
                        exe.display(),
                        exe_via.unwrap_or("unknown place"),
                        host.display()
                    ));
                }
                // the lower layer holding it (Docker names layers by links: compare resolved)
                let layer = c.rootfs.as_ref().and_then(|ov| {
                    ov.lowerdirs.iter().find_map(|l| {
                        let r = root.resolve(l.as_bytes()).unwrap_or_else(|| l.0.clone());
                        super::fs::is_under(host.as_bytes(), &r).then_some(r)
                    })
                });
                let Some(layer) = layer else {
                    return no(format!(
                        "{} is not in one of the container's lower layers",
                        host.display()
                    ));
                };
                let layer = layer.as_slice();
                let known = c
                    .rootfs
                    .as_ref()
                    .and_then(super::container::runtime_of_layers)
                    .is_some()
                    || storage.iter().any(|s| super::fs::is_under(layer, s));
                if !known {
                    return no(format!(
                        "the layer holding {} is not in a known container runtime's storage",
                        exe.display()
                    ));
                }
                // the layer's own directories on the host: root's, like the runtime keeps them
                match self.dirs_safe(root, &super::fs::join(layer, b"x")) {
                    Ok(()) => Trust {
                        trusted: true,
                        why: format!(
                            "in an image layer of the container runtime ({})",
                            host.display()
                        ),
                    },
                    Err(w) => no(format!("image layer not safe: {w}")),
                }
            }
            None => {
                let path = p.exe_host.as_ref().unwrap_or(exe);
                match self.host_file(root, path.as_bytes()) {
                    Ok(real) => {
                        if let Some(run) = running {
                            let same = root
                                .lstat(&real)
                                .is_some_and(|m| m.dev() == run.dev() && m.ino() == run.ino());
                            if !same {
                                return no(format!(
                                    "{} is no longer the file the process runs",
                                    String::from_utf8_lossy(&real)
                                ));
                            }
                        }
                        Trust {
                            trusted: true,
                            why: format!(
                                "root-owned {} in root-owned directories",
                                String::from_utf8_lossy(&real)
                            ),
                        }
                    }
                    Err(w) => no(w),
                }
            }
        }
    }
}

/// Image stores a trusted runtime daemon names on its command line (a moved Docker `data-root`,
/// containerd's `--root`): layers there are a known runtime's too. `procs` are host processes
/// already judged.
pub fn daemon_storage(procs: &[Process]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for p in procs
        .iter()
        .filter(|p| p.container.is_none() && p.trusted())
    {
        let prog = p
            .exe
            .as_ref()
            .map(|e| e.as_bytes().rsplit(|&c| c == b'/').next().unwrap_or(b""))
            .unwrap_or(b"");
        let (flags, sub): (&[&[u8]], &[u8]) = match prog {
            b"dockerd" => (&[b"--data-root", b"--graph", b"-g"], b"overlay2"),
            b"containerd" => (&[b"--root"], b"io.containerd.snapshotter.v1.overlayfs"),
            _ => continue,
        };
        let mut it = p.cmdline.iter().skip(1);
        while let Some(a) = it.next() {
            for f in flags {
                let v = if a.as_bytes() == *f {
                    it.clone().next().map(|v| v.as_bytes().to_vec())
                } else {
                    a.as_bytes()
                        .strip_prefix(*f)
                        .and_then(|r| r.strip_prefix(b"="))
                        .map(<[u8]>::to_vec)
                };
                if let Some(v) = v.filter(|v| v.first() == Some(&b'/')) {
                    out.push(super::fs::join(&v, sub));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Places shared by many programs or users: never a database's data directory, whatever a
/// process says (its cwd, a flag, a config file).
pub const SHARED_PLACES: &[&str] = &[
    "/",
    "/tmp",
    "/var/tmp",
    "/dev",
    "/dev/shm",
    "/run",
    "/var/run",
    "/run/shm",
    "/run/user",
    "/home",
    "/root",
    "/proc",
    "/sys",
    "/etc",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/opt",
    "/var",
    "/var/lib",
    "/var/log",
    "/var/cache",
    "/var/spool",
    "/var/mail",
    "/srv",
    "/mnt",
    "/media",
    "/boot",
    "/snap",
    "/var/snap",
];

/// Why `path` (a host path) cannot be a data directory, if it cannot: a shared place, under a
/// shared scratch area or a home directory, or a whole container layer.
pub fn shared_place(path: &[u8], layers: &[&[u8]]) -> Option<String> {
    let t = {
        let mut t = path;
        while t.len() > 1 && t.ends_with(b"/") {
            t = &t[..t.len() - 1];
        }
        t
    };
    let s = String::from_utf8_lossy(t);
    if SHARED_PLACES.contains(&s.as_ref()) {
        return Some(format!("{s} is a shared place"));
    }
    for scratch in [
        "/tmp",
        "/var/tmp",
        "/dev/shm",
        "/run/shm",
        "/run/user",
        "/home",
        "/root",
    ] {
        if super::fs::is_under(t, scratch.as_bytes()) {
            return Some(format!(
                "{s} is under {scratch}, a shared or personal place"
            ));
        }
    }
    for l in layers {
        let mut l = *l;
        while l.len() > 1 && l.ends_with(b"/") {
            l = &l[..l.len() - 1];
        }
        if t == l {
            return Some(format!(
                "{s} is a whole container layer (the container's root)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn shared_places_are_never_data() {
        assert!(shared_place(b"/", &[]).is_some());
        assert!(shared_place(b"/tmp/", &[]).is_some());
        assert!(shared_place(b"/dev/shm/malware", &[]).is_some());
        assert!(shared_place(b"/home/u/db", &[]).is_some());
        assert!(
            shared_place(
                b"/var/lib/x/snapshots/107/fs",
                &[b"/var/lib/x/snapshots/107/fs"]
            )
            .is_some()
        );
        assert!(shared_place(b"/var/lib/postgresql/15/main", &[]).is_none());
        assert!(shared_place(b"/tmpfoo/db", &[]).is_none());
    }

    #[test]
    fn ownership_rules() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("usr/bin")).unwrap();
        std::fs::create_dir_all(r.join("tmp")).unwrap();
        std::fs::write(r.join("usr/bin/ok"), b"").unwrap();
        std::fs::write(r.join("usr/bin/gw"), b"").unwrap();
        std::fs::set_permissions(r.join("usr/bin/gw"), std::fs::Permissions::from_mode(0o775))
            .unwrap();
        std::fs::write(r.join("tmp/x"), b"").unwrap();
        std::fs::set_permissions(r.join("tmp"), std::fs::Permissions::from_mode(0o1777)).unwrap();
        std::fs::set_permissions(r, std::fs::Permissions::from_mode(0o755)).unwrap();
        let root = Root::new(r);
        let mut j = Judge::default();
        let me = unsafe { libc::geteuid() };
        if me == 0 {
            assert!(j.host_file(&root, b"/usr/bin/ok").is_ok());
        } else {
            assert!(j.host_file(&root, b"/usr/bin/ok").is_err());
        }
        assert!(
            j.host_file(&root, b"/usr/bin/gw")
                .unwrap_err()
                .contains("writable")
        );
        assert!(
            j.host_file(&root, b"/tmp/x").is_err(),
            "sticky /tmp is not safe"
        );
        assert!(j.host_file(&root, b"/usr/bin/none").is_err());
    }
}
