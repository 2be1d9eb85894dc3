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
pub mod runtime;
pub mod sockets;
pub mod trust;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crate::model::WarnCode;
use crate::model::{
    ContainerCtx, ErtsFact, Evidence, FsFacts, HostStr, Inventory, Listener, Overlay, Process,
    Runtime, SCHEMA_VERSION, ToolInfo, VolumeMount, Warning,
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

    /// Note a failed read; returns true if the process is gone (and has been reported).
    fn miss(&mut self, pid: i32, what: &'static str, m: &Miss) -> bool {
        match m {
            Miss::Vanished => true,
            Miss::Missing => !self.proc.alive(pid),
            Miss::Denied => {
                self.denied.entry(what).or_default().push(pid);
                false
            }
            Miss::NotRegular(k) => {
                self.warn(
                    WarnCode::NotARegularFile,
                    format!("{what} is a {k}, not a regular file: skipped, not read"),
                    format!("/proc/{pid}/{what}"),
                );
                false
            }
            Miss::Other(e) => {
                self.warn(
                    WarnCode::UnreadableProcFile,
                    format!("cannot read {what}: {e}"),
                    format!("/proc/{pid}/{what}"),
                );
                false
            }
        }
    }

    fn vanished(&mut self, pid: i32) {
        self.warn(
            WarnCode::ProcessVanished,
            "the process exited during the scan; it is left out",
            format!("pid {pid}"),
        );
    }

    fn process(&mut self, pid: i32) -> Option<Process> {
        match self.proc.open_pid(pid) {
            Ok(()) => {}
            Err(Miss::Missing) | Err(Miss::Vanished) => {
                self.vanished(pid);
                return None;
            }
            Err(m) => {
                // a `--root` tree's `proc/PID` that is a link (to the real `/proc/PID`?) or not a
                // directory: nothing of it is read
                self.warn(
                    WarnCode::ProcEntryRefused,
                    format!("not read: {m}"),
                    format!("/proc/{pid}"),
                );
                return None;
            }
        }
        let mut p = Process {
            pid,
            ..Default::default()
        };
        let mut buf = std::mem::take(&mut self.buf);
        let r = self.process_into(pid, &mut p, &mut buf);
        self.buf = buf;
        match r {
            Some(()) => Some(p),
            None => {
                self.vanished(pid);
                None
            }
        }
    }

    /// Fill `p`; `None` if the process vanished.
    fn process_into(&mut self, pid: i32, p: &mut Process, buf: &mut Vec<u8>) -> Option<()> {
        // stat: ppid, start time, kernel-thread flag
        let mut kthread = false;
        let mut zombie = false;
        match self.proc.read_into(pid, "stat", buf, SMALL) {
            Ok(_) => match proc::parse_stat(buf) {
                Ok(st) => {
                    p.ppid = st.ppid;
                    p.start_time = st.start_time;
                    p.comm = HostStr(st.comm);
                    kthread = st.flags & proc::PF_KTHREAD != 0;
                    zombie = st.state == b'Z' || st.state == b'X';
                }
                Err(e) => self.warn(WarnCode::MalformedProcFile, e, format!("/proc/{pid}/stat")),
            },
            Err(m) => {
                if m == Miss::Missing || m == Miss::Vanished {
                    return None;
                }
                self.miss(pid, "stat", &m);
            }
        }
        match self.proc.read_into(pid, "comm", buf, SMALL) {
            Ok(_) => {
                while buf.last() == Some(&b'\n') {
                    buf.pop();
                }
                p.comm = HostStr(buf.clone());
            }
            Err(m) => {
                if self.miss(pid, "comm", &m) {
                    return None;
                }
            }
        }
        match self.proc.read_into(pid, "cmdline", buf, CMDLINE_MAX) {
            Ok(cut) => {
                p.cmdline = proc::split_cmdline(buf).into_iter().map(HostStr).collect();
                if cut {
                    self.warn(
                        WarnCode::CmdlineCut,
                        format!(
                            "the command line is longer than {} MiB; only its start was read",
                            CMDLINE_MAX >> 20
                        ),
                        format!("/proc/{pid}/cmdline"),
                    );
                }
            }
            Err(m) => {
                if self.miss(pid, "cmdline", &m) {
                    return None;
                }
            }
        }
        match self.proc.read_into(pid, "status", buf, SMALL) {
            Ok(_) => {
                p.uid = proc::parse_status_uid(buf);
                if p.uid.is_none() {
                    self.warn(
                        WarnCode::MalformedProcFile,
                        "no Uid line",
                        format!("/proc/{pid}/status"),
                    );
                }
            }
            Err(m) => {
                if self.miss(pid, "status", &m) {
                    return None;
                }
            }
        }
        p.user = p.uid.and_then(|u| self.users.get(&u).cloned());
        p.kernel_thread = kthread || (p.cmdline.is_empty() && (p.ppid == 2 || pid == 2) && !zombie);
        if p.kernel_thread || zombie {
            return Some(());
        }

        match self.proc.readlink(pid, "exe") {
            Ok(t) => {
                let (t, deleted) = strip_deleted(t);
                p.exe = Some(HostStr(t));
                p.exe_deleted = deleted;
            }
            Err(m) => {
                if self.miss(pid, "exe", &m) {
                    return None;
                }
            }
        }
        match self.proc.readlink(pid, "cwd") {
            Ok(t) => p.cwd = Some(HostStr(strip_deleted(t).0)),
            Err(m) => {
                if self.miss(pid, "cwd", &m) {
                    return None;
                }
            }
        }
        match self.proc.read_into(pid, "cgroup", buf, SMALL) {
            Ok(_) => p.cgroup = container::cgroup_lines(buf),
            Err(m) => {
                if self.miss(pid, "cgroup", &m) {
                    return None;
                }
            }
        }

        self.container(pid, p, buf);
        if p.container.is_some() {
            // chroot-style: the kernel shows the cwd with the process's root in front (as for
            // the exe); inside the container it is the rest (`/` for the root itself)
            if let (Some(cwd), Ok(r)) = (p.cwd.as_mut(), self.proc.readlink(pid, "root"))
                && r.len() > 1
                && let Some(rest) = cwd.0.strip_prefix(r.as_slice())
                && (rest.is_empty() || rest.first() == Some(&b'/'))
            {
                cwd.0 = if rest.is_empty() {
                    b"/".to_vec()
                } else {
                    rest.to_vec()
                };
            }
        }
        let via = self.exe_host(p).map(|(h, via)| {
            p.exe_host = Some(HostStr(h));
            via
        });
        let running = if self.root.live {
            self.proc.open_exe(pid).and_then(|f| f.metadata()).ok()
        } else {
            None
        };
        self.exe_facts.insert(pid, (via, running));

        if let Ok(ns) = self.proc.readlink(pid, "ns/net")
            && Some(&ns) != self.host_netns.as_ref()
        {
            self.netns_pid.entry(ns).or_insert(pid);
        }
        let mut socks = Vec::new();
        match self.proc.socket_inodes(pid, &mut socks) {
            Ok(()) => {
                for s in socks {
                    self.sock_owner.entry(s).or_default().push(pid);
                }
            }
            Err(m) => {
                if self.miss(pid, "fd", &m) {
                    return None;
                }
            }
        }
        if self.opts.hash {
            self.hash(p);
        }
        Some(())
    }

    /// Container context: from the cgroup, refined by the layers of the process's `/`.
    fn container(&mut self, pid: i32, p: &mut Process, buf: &mut Vec<u8>) {
        let cg = container::parse_cgroup(&p.cgroup);
        let mntns = self.proc.readlink(pid, "ns/mnt").ok();
        let other_ns = match (&mntns, &self.host_mntns) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        };
        if cg.is_none() && !other_ns {
            return;
        }
        // mountinfo is relative to the process's root: key the cache by namespace and root
        let key = mntns.map(|mut k| {
            k.push(0);
            k.extend(self.proc.readlink(pid, "root").unwrap_or_default());
            k
        });
        let mnt = match key.as_ref().and_then(|k| self.mnt_cache.get(k)) {
            Some(c) => c.clone(),
            None => {
                let v = self.read_mounts(pid, buf);
                if let Some(k) = key {
                    self.mnt_cache.insert(k, v.clone());
                }
                v
            }
        };
        let (rootfs, mounts) = mnt.unwrap_or_default();
        let layer_rt = rootfs.as_ref().and_then(container::runtime_of_layers);
        if cg.is_none() && rootfs.is_none() {
            return; // its own mount namespace (systemd sandboxing, snap confinement), no image
        }
        let cg = cg.unwrap_or_default();
        let runtime = match (layer_rt, cg.runtime) {
            (Some(l), _) => Some(l),
            (None, Some(c)) => Some(c),
            (None, None) => Some(Runtime::Unknown),
        };
        // namespace, pod and names come from the runtime's own files (runtime::enrich), never
        // from inside the container
        p.container = Some(ContainerCtx {
            runtime,
            container_id: cg.container_id,
            pod_uid: cg.pod_uid,
            node: cg.node,
            rootfs,
            mounts,
            ..Default::default()
        });
    }

    fn read_mounts(&mut self, pid: i32, buf: &mut Vec<u8>) -> MntInfo {
        match self.proc.read_into(pid, "mountinfo", buf, MOUNTINFO_MAX) {
            Ok(_) => {
                let (m, bad) = container::parse_mountinfo(buf);
                if bad > 0 {
                    self.warn(
                        WarnCode::MalformedProcFile,
                        format!("{bad} malformed line(s) skipped"),
                        format!("/proc/{pid}/mountinfo"),
                    );
                }
                let ov = container::rootfs_overlay(&m);
                let vols = container::volume_mounts(&m, &self.host_mounts);
                Some((ov, vols))
            }
            Err(m) => {
                self.miss(pid, "mountinfo", &m);
                None
            }
        }
    }

    /// Where the executable is on the host, and how it was found there (`overlay lowerdir`...,
    /// `host path`).
    fn exe_host(&self, p: &Process) -> Option<(Vec<u8>, &'static str)> {
        let exe = p.exe.as_ref()?;
        if p.exe_deleted {
            return None;
        }
        match &p.container {
            Some(c) => {
                let find = |path: &[u8]| {
                    container::to_host(&self.root, c.rootfs.as_ref(), &c.mounts, path, true)
                };
                find(&exe.0).or_else(|| {
                    // chroot-style: the kernel shows the exe with the process's root in front
                    let r = self.proc.readlink(p.pid, "root").ok()?;
                    let inner = exe.0.strip_prefix(r.as_slice())?;
                    (r.len() > 1 && inner.first() == Some(&b'/')).then_some(())?;
                    find(inner)
                })
            }
            None => self.root.resolve(&exe.0).map(|h| (h, "host path")),
        }
    }

    fn hash(&mut self, p: &mut Process) {
        let file = if self.root.live {
            self.proc.open_exe(p.pid)
        } else {
            match &p.exe_host {
                Some(h) => self.root.open(&h.0),
                None => return,
            }
        };
        match file.and_then(|f| self.hashes.hash(f)) {
            Ok(h) => p.sha256 = Some(h),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                self.denied
                    .entry("executable (for --hash)")
                    .or_default()
                    .push(p.pid);
            }
            Err(e) => {
                if p.exe.is_some() {
                    self.warn(
                        WarnCode::HashFailed,
                        format!("cannot hash the executable: {e}"),
                        format!("pid {}", p.pid),
                    );
                }
            }
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
            for (file, proto, ver) in sockets::TABLES {
                let subject = match src {
                    None => format!("/proc/net/{file}"),
                    Some(p) => format!("/proc/{p}/net/{file}"),
                };
                match self.proc.net_table(src, file, &mut buf) {
                    Ok(()) => {
                        let (ls, bad) = sockets::parse_table(&buf, proto, *ver);
                        if bad > 0 {
                            self.warn(
                                WarnCode::MalformedProcFile,
                                format!("{bad} malformed line(s) skipped"),
                                subject,
                            );
                        }
                        for mut l in ls {
                            l.netns = Some(netns.clone());
                            if seen.insert((l.protocol.clone(), l.inode)) {
                                out.push(l);
                            }
                        }
                    }
                    Err(Miss::Missing) if src != first || *ver == 6 => {} // exited, or no IPv6
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

/// `/usr/bin/x (deleted)` → (`/usr/bin/x`, true).
fn strip_deleted(mut t: Vec<u8>) -> (Vec<u8>, bool) {
    const SUFFIX: &[u8] = b" (deleted)";
    if t.ends_with(SUFFIX) {
        t.truncate(t.len() - SUFFIX.len());
        (t, true)
    } else {
        (t, false)
    }
}
