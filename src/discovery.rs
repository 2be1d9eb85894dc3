//! Discovery: one host (a live `/`, or `--root DIR` read as if it were `/`) → [`Inventory`].
//!
//! Pieces: [`proc`] is the only reader of `/proc`; [`container`] reads cgroup and mountinfo
//! (runtime, ids, overlay layers, volume sources); [`fs`] resolves host paths inside the root and
//! does the targeted walks (snaps, erts, storage roots, catalog probes); [`datapaths`] finds the
//! databases' directories; [`sockets`] the listeners; [`host`] the host facts; [`hash`] sha256.
//!
//! A scan never stops on a problem: a process that exits mid-scan, an unreadable or malformed
//! file, a non-root run each become a [`Warning`] and the scan goes on.

pub mod container;
pub mod datapaths;
pub mod fs;
pub mod hash;
pub mod host;
pub mod hostfs;
pub mod proc;
mod process;
pub mod runtime;
pub mod sockets;
pub mod trust;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crate::model::WarnCode;
use crate::model::{
    ErtsFact, Evidence, FsFacts, HostStr, Inventory, Listener, Overlay, Process, SCHEMA_VERSION,
    ToolInfo, VolumeMount, Warning,
};

use container::Mount;
use fs::Root;
use proc::{Miss, ProcFs};

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// The root to scan: `/`, or a directory laid out like one (`DIR/proc`, `DIR/etc`, ...).
    pub root: PathBuf,
    /// Record the sha256 of each discovered executable.
    pub hash: bool,
    /// Cache of hashes by (device, inode, size, mtime), read and written back.
    pub hash_cache: Option<PathBuf>,
    /// Catalog path templates (directory/file/process-path entries, with {placeholders} and their
    /// alternates) whose existence must be recorded in `filesystem.paths`, so that
    /// `check --inventory` can decide without the host.
    pub probe_paths: Vec<String>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            root: PathBuf::from("/"),
            hash: false,
            hash_cache: None,
            probe_paths: Vec::new(),
        }
    }
}

/// Why a scan could not see the host. The inventory would be empty or partial, and an empty
/// view must never read as "clean": the CLI turns each of these into exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No usable `/proc` under the root: missing, a symlink (refused: it could lead to the real
    /// host's processes), or unreadable.
    #[error("cannot scan processes: {0}")]
    NoProc(#[from] proc::ProcError),
    /// `/proc` lists no process at all.
    #[error("{0}: no process is visible; the scan cannot see the host")]
    NoProcesses(String),
    /// A bug: discovery panicked. Reported, never turned into an empty inventory.
    #[error("discovery hit an internal error (please report this): {0}")]
    Internal(String),
}

/// Scan the host. Never panics; a scan that cannot see the host is an [`Error`], anything
/// smaller (a vanished process, an unreadable file) a warning in the inventory.
pub fn discover(opts: &DiscoverOptions) -> Result<Inventory, Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Scan::new(opts).map(|s| s.run())
    })) {
        Ok(Ok(inv)) if inv.processes.is_empty() => Err(Error::NoProcesses(
            opts.root.join("proc").display().to_string(),
        )),
        Ok(r) => r,
        Err(e) => {
            let what = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(Error::Internal(what))
        }
    }
}

/// Limits on what one /proc file may hold (a hostile process cannot make the scan eat memory).
const SMALL: u64 = 64 << 10;
/// A command line is kept whole up to 4 MiB (the kernel's default limit on argv+envp is a quarter
/// of an 8 MiB stack, 2 MiB); beyond that it is cut, with a warning.
pub const CMDLINE_MAX: u64 = 4 << 20;
const MOUNTINFO_MAX: u64 = 16 << 20;

/// Per-mount-namespace result: the container's `/` overlay and mapped volumes.
type MntInfo = Option<(Option<Overlay>, Vec<VolumeMount>)>;

struct Scan<'a> {
    opts: &'a DiscoverOptions,
    root: Root,
    proc: ProcFs,
    warnings: Vec<Warning>,
    /// What could not be read for lack of permission: kind → pids (one warning per kind).
    denied: BTreeMap<&'static str, Vec<i32>>,
    buf: Vec<u8>,
    users: HashMap<u32, String>,
    host_mounts: Vec<Mount>,
    host_mntns: Option<Vec<u8>>,
    host_netns: Option<Vec<u8>>,
    mnt_cache: HashMap<Vec<u8>, MntInfo>,
    /// Network namespaces other than the root's: the first pid seen in each.
    netns_pid: BTreeMap<Vec<u8>, i32>,
    sock_owner: HashMap<u64, Vec<i32>>,
    hashes: hash::HashCache,
    judge: trust::Judge,
    /// Per pid: how the executable's host path was found, and (live) the running file's
    /// metadata; judged once every process is known (see [`Scan::judge_all`]).
    exe_facts: HashMap<i32, (Option<&'static str>, Option<std::fs::Metadata>)>,
}

impl<'a> Scan<'a> {
    fn new(opts: &'a DiscoverOptions) -> Result<Scan<'a>, Error> {
        let root = Root::new(&opts.root);
        let proc = ProcFs::open(&root)?;
        Ok(Scan {
            opts,
            root,
            proc,
            warnings: Vec::new(),
            denied: BTreeMap::new(),
            buf: Vec::with_capacity(8192),
            users: HashMap::new(),
            host_mounts: Vec::new(),
            host_mntns: None,
            host_netns: None,
            mnt_cache: HashMap::new(),
            netns_pid: BTreeMap::new(),
            sock_owner: HashMap::new(),
            hashes: hash::HashCache::default(),
            judge: trust::Judge::default(),
            exe_facts: HashMap::new(),
        })
    }

    fn warn(&mut self, code: WarnCode, msg: impl Into<String>, subject: impl Into<String>) {
        self.warnings.push(Warning::new(code, msg).about(subject));
    }

    fn run(mut self) -> Inventory {
        let host = host::host_facts(&self.root, &self.proc, &mut self.warnings);
        if self.root.live && !host.scanned_as_root {
            self.warnings.push(Warning::new(
                WarnCode::NotRoot,
                "not running as root: other users' processes show no executable, cwd, open sockets \
                 or mounts; run as root for a complete inventory",
            ));
        }
        if self.opts.hash {
            self.hashes =
                hash::HashCache::load(self.opts.hash_cache.as_deref(), &mut self.warnings);
        }
        self.users = host::users(&self.root);
        self.read_host_namespace();

        let pids = match self.proc.pids() {
            Ok(p) => p,
            Err(e) => {
                let subj = self.proc.dir().display().to_string();
                self.warn(
                    WarnCode::ProcUnreadable,
                    format!("cannot list processes: {e}"),
                    subj,
                );
                Vec::new()
            }
        };
        let mut processes = Vec::with_capacity(pids.len());
        for pid in pids {
            if let Some(p) = self.process(pid) {
                processes.push(p);
            }
        }

        // identity from the runtime; KinD layers mapped to the host (their exe found anew)
        let remapped = runtime::enrich(
            &mut processes,
            &runtime::Env {
                root: &self.root,
                proc: &self.proc,
                host_mounts: &self.host_mounts,
                host_mntns: self.host_mntns.as_deref(),
            },
        );
        for (pid, via) in remapped {
            if let Some(f) = self.exe_facts.get_mut(&pid) {
                f.0 = via;
            }
        }
        self.judge_all(&mut processes);

        let lost: Vec<i32> = processes
            .iter()
            .filter(|p| {
                p.container.is_some() && p.exe.is_some() && !p.exe_deleted && p.exe_host.is_none()
            })
            .map(|p| p.pid)
            .collect();
        if !lost.is_empty() {
            let shown: Vec<String> = lost.iter().take(20).map(|p| p.to_string()).collect();
            self.warnings.push(Warning::new(
                WarnCode::ExeHostUnresolved,
                format!(
                    "the executable of {} containerised process(es) was not found in their overlay \
                     layers or volumes; no host path to exclude (pids {}{})",
                    lost.len(),
                    shown.join(", "),
                    if lost.len() > 20 { ", ..." } else { "" }
                ),
            ));
        }
        let mut listeners = self.listeners();
        runtime::label_listeners(&mut listeners, &processes);
        let filesystem = self.filesystem(&processes);
        let finder = datapaths::Finder {
            root: &self.root,
            proc: &self.proc,
        };
        let data_paths = datapaths::find_all(&finder, &processes, &mut self.warnings);

        if self.opts.hash {
            self.hashes
                .save(self.opts.hash_cache.as_deref(), &mut self.warnings);
        }
        for (what, pids) in std::mem::take(&mut self.denied) {
            let shown: Vec<String> = pids.iter().take(20).map(|p| p.to_string()).collect();
            let more = if pids.len() > 20 { ", ..." } else { "" };
            self.warnings.push(Warning::new(
                WarnCode::PermissionDenied,
                format!(
                    "{what} not readable for {} process(es) (pids {}{more})",
                    pids.len(),
                    shown.join(", ")
                ),
            ));
        }
        Inventory {
            schema: SCHEMA_VERSION,
            tool: ToolInfo::default(),
            generated_at: host::now_rfc3339(),
            root: self.opts.root.display().to_string(),
            host,
            processes,
            listeners,
            filesystem,
            data_paths,
            warnings: self.warnings,
        }
    }

    /// Judge every process's executable (threat model, `trust.rs`): host processes first, then
    /// containerised ones, whose layers may lie in an image store a trusted daemon names.
    fn judge_all(&mut self, processes: &mut [Process]) {
        let facts = std::mem::take(&mut self.exe_facts);
        for pass in [false, true] {
            let storage = if pass {
                trust::daemon_storage(processes)
            } else {
                Vec::new()
            };
            for p in processes
                .iter_mut()
                .filter(|p| p.container.is_some() == pass && !p.kernel_thread)
            {
                let (via, running) = facts
                    .get(&p.pid)
                    .map_or((None, None), |(v, r)| (*v, r.as_ref()));
                p.trust = Some(self.judge.process(&self.root, p, via, running, &storage));
            }
        }
    }

    /// The root's own mount table and namespaces (pid 1's, else ours for a live scan).
    fn read_host_namespace(&mut self) {
        let mut buf = Vec::new();
        let mut src = None;
        for pid in [1, std::process::id() as i32] {
            if pid != 1 && !self.root.live {
                break;
            }
            if self
                .proc
                .read_into(pid, "mountinfo", &mut buf, MOUNTINFO_MAX)
                .is_ok()
            {
                src = Some(pid);
                break;
            }
        }
        match src {
            Some(pid) => {
                let (m, bad) = container::parse_mountinfo(&buf);
                if bad > 0 {
                    self.warn(
                        WarnCode::MalformedProcFile,
                        format!("{bad} malformed line(s) skipped"),
                        format!("/proc/{pid}/mountinfo"),
                    );
                }
                self.host_mounts = m;
                // pid 1's namespaces; live, ours if pid 1's links are not readable (a sandboxed
                // init), since a scanner runs in the host's namespaces
                let me = std::process::id() as i32;
                let ns = |kind: &str| {
                    self.proc.readlink(pid, kind).ok().or_else(|| {
                        self.root
                            .live
                            .then(|| self.proc.readlink(me, kind).ok())
                            .flatten()
                    })
                };
                self.host_mntns = ns("ns/mnt");
                self.host_netns = ns("ns/net");
            }
            None => self.warn(
                WarnCode::HostMountsUnreadable,
                "cannot read the host's mount table: volume host sources cannot be mapped",
                "/proc/1/mountinfo",
            ),
        }
    }

    fn listeners(&mut self) -> Vec<Listener> {
        let mut out: Vec<Listener> = Vec::new();
        let mut seen = BTreeSet::new();
        // The root's own namespace is pid 1's (`/proc/net` is the reader's, which differs when
        // the scan runs in a pod with the host's /proc mounted); then one pid per other namespace.
        let mut buf = Vec::new();
        let first = if self.proc.net_table(Some(1), "tcp", &mut buf).is_ok() {
            Some(1)
        } else {
            None
        };
        let mut sources: Vec<(Option<i32>, String)> = vec![(first, "host".into())];
        sources.extend(
            self.netns_pid
                .iter()
                .map(|(ns, &p)| (Some(p), String::from_utf8_lossy(ns).into_owned())),
        );
        for (src, netns) in sources {
            for &(file, proto, ver) in sockets::TABLES {
                let subject = match src {
                    None => format!("/proc/net/{file}"),
                    Some(p) => format!("/proc/{p}/net/{file}"),
                };
                match self.proc.net_table(src, file, &mut buf) {
                    Ok(()) => {
                        let (ls, bad) = sockets::parse_table(&buf, proto, ver);
                        if bad > 0 {
                            self.warn(
                                WarnCode::MalformedProcFile,
                                format!("{bad} malformed line(s) skipped"),
                                subject,
                            );
                        }
                        for mut l in ls {
                            l.netns = Some(netns.clone());
                            if seen.insert((l.protocol, l.inode)) {
                                out.push(l);
                            }
                        }
                    }
                    Err(Miss::Missing) if src != first || ver == 6 => {} // exited, or no IPv6
                    Err(Miss::Missing) => self.warn(
                        WarnCode::ProcFileMissing,
                        "socket table missing: its listeners are not listed",
                        subject,
                    ),
                    Err(m) => {
                        let msg = format!("cannot read socket table: {m:?}");
                        self.warn(WarnCode::UnreadableProcFile, msg, subject);
                    }
                }
            }
        }
        for l in &mut out {
            if let Some(p) = self.sock_owner.get(&l.inode) {
                let mut p = p.clone();
                p.sort_unstable();
                p.dedup();
                l.pids = p;
            }
        }
        out.sort_by(|a, b| {
            (a.port, &a.protocol, a.ip_version, &a.address, a.inode).cmp(&(
                b.port,
                &b.protocol,
                b.ip_version,
                &b.address,
                b.inode,
            ))
        });
        out
    }

    fn filesystem(&mut self, procs: &[Process]) -> FsFacts {
        let root = &self.root;
        let snaps = fs::snaps(root);

        // erts: the host's Erlang directories, then the same directories in every container layer.
        let mut erts = Vec::new();
        let mut seen = BTreeSet::new();
        for dir in fs::ERLANG_DIRS {
            for (v, path) in fs::erts_in(root, dir.as_bytes()) {
                if seen.insert(path.clone()) {
                    erts.push(ErtsFact {
                        version: v,
                        path: HostStr(path.clone()),
                        container_path: None,
                        evidence: Evidence {
                            pid: None,
                            file: Some(HostStr(path).display()),
                            note: Some("host directory".into()),
                        },
                    });
                }
            }
        }
        let mut layers: Vec<(Vec<u8>, i32)> = Vec::new();
        let mut layer_seen = BTreeSet::new();
        for p in procs {
            let Some(ov) = p.container.as_ref().and_then(|c| c.rootfs.as_ref()) else {
                continue;
            };
            for l in ov.upperdir.iter().chain(ov.lowerdirs.iter()) {
                if layer_seen.insert(l.0.clone()) {
                    layers.push((l.0.clone(), p.pid));
                }
            }
        }
        for (layer, pid) in &layers {
            let real = root.resolve(layer).unwrap_or_else(|| layer.clone());
            for dir in fs::ERLANG_DIRS {
                for (v, path) in fs::erts_in(root, &fs::join(&real, dir.as_bytes())) {
                    if seen.insert(path.clone()) {
                        let name = path
                            .get(path.len().saturating_sub(v.len() + 5)..)
                            .unwrap_or_default();
                        let inside = fs::join(dir.as_bytes(), name);
                        erts.push(ErtsFact {
                            version: v,
                            path: HostStr(path),
                            container_path: Some(HostStr(inside)),
                            evidence: Evidence {
                                pid: Some(*pid),
                                file: Some(format!("/proc/{pid}/mountinfo")),
                                note: Some("in a layer of the container's root".into()),
                            },
                        });
                    }
                }
            }
        }

        let layer_refs: Vec<&[u8]> = layers.iter().map(|(l, _)| l.as_slice()).collect();
        let container_storage = fs::storage_roots(root, &layer_refs);

        let mut paths = vec![root.path_fact(b"/opt/elma365")];
        for t in &self.opts.probe_paths {
            fs::probe(root, t, &mut paths);
        }
        let mut dedup = BTreeSet::new();
        paths.retain(|p| dedup.insert(p.path.clone()));
        paths.sort_by(|a, b| a.path.cmp(&b.path));
        FsFacts {
            snaps,
            erts,
            container_storage,
            paths,
        }
    }
}
