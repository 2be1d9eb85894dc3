//! One process, read step by step ([`Scan::process_into`]): stat, comm, cmdline, status, the
//! exe and cwd links, cgroup, the container context (cgroup and mountinfo), the executable's host
//! path, the sockets it holds, its hash. Each step reads through [`super::proc::ProcFs`] and notes what it
//! could not read ([`Scan::miss`]); a step returns `None` only when the process is gone. The pure
//! parts of the steps are functions below, unit-tested at the end of this file.

use super::proc::{self, Miss};
use super::{CMDLINE_MAX, MOUNTINFO_MAX, MntInfo, SMALL, Scan, container};
use crate::model::{ContainerCtx, HostStr, Process, Runtime, WarnCode};

impl Scan<'_> {
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

    pub(super) fn process(&mut self, pid: i32) -> Option<Process> {
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

    /// Fill `p`, one step after the other; `None` if the process vanished.
    pub(super) fn process_into(
        &mut self,
        pid: i32,
        p: &mut Process,
        buf: &mut Vec<u8>,
    ) -> Option<()> {
        let st = self.stat_step(pid, p, buf)?;
        self.comm_step(pid, p, buf)?;
        self.cmdline_step(pid, p, buf)?;
        self.status_step(pid, p, buf)?;
        p.user = p.uid.and_then(|u| self.users.get(&u).cloned());
        p.kernel_thread = is_kernel_thread(st, p);
        if p.kernel_thread || st.zombie {
            return Some(());
        }
        self.links_step(pid, p)?;
        if self.read_or_note(pid, "cgroup", buf, SMALL)?.is_some() {
            p.cgroup = container::cgroup_lines(buf);
        }
        self.container(pid, p, buf);
        if p.container.is_some()
            && let (Some(cwd), Ok(r)) = (p.cwd.as_mut(), self.proc.readlink(pid, "root"))
            && let Some(inner) = cwd_inside(&cwd.0, &r)
        {
            cwd.0 = inner;
        }
        self.exe_step(pid, p);
        self.sockets_step(pid)?;
        if self.opts.hash {
            self.hash(p);
        }
        Some(())
    }

    /// Read `/proc/PID/NAME` into `buf`. `None`: the process is gone. `Some(None)`: not read,
    /// and noted ([`Scan::miss`]). `Some(Some(cut))`: read, `cut` if longer than `limit`.
    fn read_or_note(
        &mut self,
        pid: i32,
        name: &'static str,
        buf: &mut Vec<u8>,
        limit: u64,
    ) -> Option<Option<bool>> {
        match self.proc.read_into(pid, name, buf, limit) {
            Ok(cut) => Some(Some(cut)),
            Err(m) => (!self.miss(pid, name, &m)).then_some(None),
        }
    }

    /// `readlink /proc/PID/NAME`, failures noted as in [`Scan::read_or_note`].
    fn readlink_or_note(&mut self, pid: i32, name: &'static str) -> Option<Option<Vec<u8>>> {
        match self.proc.readlink(pid, name) {
            Ok(t) => Some(Some(t)),
            Err(m) => (!self.miss(pid, name, &m)).then_some(None),
        }
    }

    /// stat: ppid, start time, comm (until `comm` is read), kernel-thread flag, zombie. A
    /// missing stat means the process is gone (no `alive` check: stat is the first file read).
    fn stat_step(&mut self, pid: i32, p: &mut Process, buf: &mut Vec<u8>) -> Option<StatFacts> {
        let mut facts = StatFacts::default();
        match self.proc.read_into(pid, "stat", buf, SMALL) {
            Ok(_) => match proc::parse_stat(buf) {
                Ok(st) => facts = apply_stat(p, st),
                Err(e) => self.warn(WarnCode::MalformedProcFile, e, format!("/proc/{pid}/stat")),
            },
            Err(Miss::Missing | Miss::Vanished) => return None,
            Err(m) => {
                self.miss(pid, "stat", &m);
            }
        }
        Some(facts)
    }

    /// comm: the kernel's name of the process (its trailing newline dropped).
    fn comm_step(&mut self, pid: i32, p: &mut Process, buf: &mut Vec<u8>) -> Option<()> {
        if self.read_or_note(pid, "comm", buf, SMALL)?.is_some() {
            p.comm = HostStr(comm_of(buf));
        }
        Some(())
    }

    /// cmdline: argv exactly as the process has it; cut at [`CMDLINE_MAX`], with a warning.
    fn cmdline_step(&mut self, pid: i32, p: &mut Process, buf: &mut Vec<u8>) -> Option<()> {
        if let Some(cut) = self.read_or_note(pid, "cmdline", buf, CMDLINE_MAX)? {
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
        Some(())
    }

    /// status: the real uid (a status without one is malformed).
    fn status_step(&mut self, pid: i32, p: &mut Process, buf: &mut Vec<u8>) -> Option<()> {
        if self.read_or_note(pid, "status", buf, SMALL)?.is_some() {
            p.uid = proc::parse_status_uid(buf);
            if p.uid.is_none() {
                self.warn(
                    WarnCode::MalformedProcFile,
                    "no Uid line",
                    format!("/proc/{pid}/status"),
                );
            }
        }
        Some(())
    }

    /// exe and cwd links (` (deleted)` stripped; for the exe, remembered).
    fn links_step(&mut self, pid: i32, p: &mut Process) -> Option<()> {
        if let Some(t) = self.readlink_or_note(pid, "exe")? {
            let (t, deleted) = strip_deleted(t);
            p.exe = Some(HostStr(t));
            p.exe_deleted = deleted;
        }
        if let Some(t) = self.readlink_or_note(pid, "cwd")? {
            p.cwd = Some(HostStr(strip_deleted(t).0));
        }
        Some(())
    }

    /// Where the executable is on the host, and (live) the running file's metadata: judged
    /// once every process is known ([`Scan::judge_all`]).
    fn exe_step(&mut self, pid: i32, p: &mut Process) {
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
    }

    /// The network namespace (the first pid of each other namespace reads its socket tables)
    /// and the sockets the process holds (to name the owners of listeners).
    fn sockets_step(&mut self, pid: i32) -> Option<()> {
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
}

/// What stat says beyond the fields it fills in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct StatFacts {
    /// `PF_KTHREAD` is set.
    pub kthread: bool,
    /// Zombie or dead (`Z`, `X`): nothing else of it can be read.
    pub zombie: bool,
}

/// Fill ppid, start time and comm from stat.
fn apply_stat(p: &mut Process, st: proc::Stat) -> StatFacts {
    p.ppid = st.ppid;
    p.start_time = st.start_time;
    p.comm = HostStr(st.comm);
    StatFacts {
        kthread: st.flags & proc::PF_KTHREAD != 0,
        zombie: st.state == b'Z' || st.state == b'X',
    }
}

/// A kernel thread: flagged in stat, or (when the flag was not readable) a child of kthreadd
/// (pid 2) with no command line that is not a zombie.
fn is_kernel_thread(st: StatFacts, p: &Process) -> bool {
    st.kthread || (p.cmdline.is_empty() && (p.ppid == 2 || p.pid == 2) && !st.zombie)
}

/// `/proc/PID/comm` without its trailing newline(s).
fn comm_of(b: &[u8]) -> Vec<u8> {
    let mut end = b.len();
    while end > 0 && b[end - 1] == b'\n' {
        end -= 1;
    }
    b[..end].to_vec()
}

/// The cwd inside a container: chroot-style, the kernel shows it with the process's root in
/// front (as for the exe); inside the container it is the rest (`/` for the root itself).
/// `None` when the root is `/` or the cwd is not under it.
fn cwd_inside(cwd: &[u8], root: &[u8]) -> Option<Vec<u8>> {
    if root.len() <= 1 {
        return None;
    }
    let rest = cwd.strip_prefix(root)?;
    match rest.first() {
        None => Some(b"/".to_vec()),
        Some(b'/') => Some(rest.to_vec()),
        Some(_) => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::DiscoverOptions;
    use std::path::Path;

    fn stat(pid: i32, state: char, ppid: i32, flags: u64) -> String {
        format!(
            "{pid} (w) {state} {ppid} {pid} {pid} 0 -1 {flags} 1 0 0 0 0 0 0 0 20 0 1 0 4242 1 1 1 1 1 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
        )
    }

    /// A root with `proc/<pid>/<name>` files (and `proc/<pid>/exe` a link to `/bin/w`).
    fn root_with(pid: i32, files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let pd = d.path().join(format!("proc/{pid}"));
        std::fs::create_dir_all(&pd).unwrap();
        for (n, b) in files {
            std::fs::write(pd.join(n), b).unwrap();
        }
        std::os::unix::fs::symlink("/bin/w", pd.join("exe")).unwrap();
        d
    }

    fn scan_one(root: &Path, pid: i32) -> (Option<Process>, Vec<(String, Option<String>)>) {
        let opts = DiscoverOptions {
            root: root.to_path_buf(),
            ..Default::default()
        };
        let mut s = Scan::new(&opts).unwrap();
        let p = s.process(pid);
        let w = s
            .warnings
            .iter()
            .map(|w| (w.code.clone(), w.subject.clone()))
            .collect();
        (p, w)
    }

    #[test]
    fn steps_fill_a_process() {
        let st = stat(7, 'S', 1, 0);
        let d = root_with(
            7,
            &[
                ("stat", st.as_bytes()),
                ("comm", b"worker\n"),
                ("cmdline", b"/bin/w\0-x\0"),
                ("status", b"Name:\tw\nUid:\t1001\t1001\t1001\t1001\n"),
            ],
        );
        let (p, _) = scan_one(d.path(), 7);
        let p = p.unwrap();
        assert_eq!((p.ppid, p.start_time), (1, 4242));
        assert_eq!(p.comm.0, b"worker");
        assert_eq!(
            p.cmdline,
            vec![HostStr::from("/bin/w"), HostStr::from("-x")]
        );
        assert_eq!(p.uid, Some(1001));
        assert_eq!(p.exe, Some(HostStr::from("/bin/w")));
        assert!(!p.kernel_thread);
    }

    #[test]
    fn a_kernel_thread_or_a_zombie_stops_before_the_links() {
        for (state, flags) in [('S', proc::PF_KTHREAD), ('Z', 0)] {
            let st = stat(9, state, 2, flags);
            let d = root_with(9, &[("stat", st.as_bytes()), ("comm", b"k\n")]);
            let (p, _) = scan_one(d.path(), 9);
            let p = p.unwrap();
            assert_eq!(p.exe, None, "state {state}");
            assert_eq!(p.kernel_thread, flags != 0);
        }
    }

    #[test]
    fn a_missing_stat_is_a_vanished_process_other_files_are_noted() {
        let d = root_with(5, &[("comm", b"x\n")]);
        let (p, w) = scan_one(d.path(), 5);
        assert!(p.is_none());
        assert!(
            w.contains(&("process-vanished".into(), Some("pid 5".into()))),
            "{w:?}"
        );

        let st = stat(6, 'S', 1, 0);
        let d = root_with(6, &[("stat", st.as_bytes()), ("status", b"Uid:\tx\n")]);
        let (p, w) = scan_one(d.path(), 6);
        let p = p.unwrap();
        // no comm file: the stat's comm stays; no cmdline: none
        assert_eq!(p.comm.0, b"w");
        assert!(p.cmdline.is_empty());
        assert!(
            w.contains(&("malformed-proc-file".into(), Some("/proc/6/status".into()))),
            "{w:?}"
        );
    }

    #[test]
    fn pure_steps() {
        assert_eq!(comm_of(b"nginx\n\n"), b"nginx");
        assert_eq!(comm_of(b""), b"");
        assert_eq!(cwd_inside(b"/r/fs/data", b"/r/fs"), Some(b"/data".to_vec()));
        assert_eq!(cwd_inside(b"/r/fs", b"/r/fs"), Some(b"/".to_vec()));
        assert_eq!(cwd_inside(b"/r/fsx", b"/r/fs"), None);
        assert_eq!(cwd_inside(b"/data", b"/"), None);
        assert_eq!(
            strip_deleted(b"/x (deleted)".to_vec()),
            (b"/x".to_vec(), true)
        );
        assert_eq!(strip_deleted(b"/x".to_vec()), (b"/x".to_vec(), false));
        let mut p = Process {
            pid: 3,
            ..Default::default()
        };
        let f = apply_stat(
            &mut p,
            proc::Stat {
                pid: 3,
                comm: b"kworker/0:1".to_vec(),
                state: b'I',
                ppid: 2,
                flags: 0,
                start_time: 1,
            },
        );
        assert_eq!(f, StatFacts::default());
        // no flag readable, but a child of kthreadd without a command line
        assert!(is_kernel_thread(f, &p));
        assert!(!is_kernel_thread(
            StatFacts {
                kthread: false,
                zombie: true
            },
            &p
        ));
        p.cmdline = vec![HostStr::from("sh")];
        assert!(!is_kernel_thread(f, &p));
    }
}
