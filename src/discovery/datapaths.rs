//! Data directories of the databases, from what each server tells about itself: its command line
//! (`-D`, `--dbpath`, `minio server DIR`), environment (`PGDATA`, `RABBITMQ_MNESIA_BASE`), config
//! file (`dbPath:`, `dir`, `data_directory`, Patroni's `data_dir:`) and cwd (PostgreSQL and Redis
//! chdir into their data directory). A path inside a container is mapped to the host through the
//! container's volume mounts, or its overlay upper layer.
//!
//! Threat model (PRODUCT.md): all of that is chosen by whoever starts the process. So a data
//! directory comes only from a process whose executable is trusted (see `trust.rs`) and is a
//! database server by that executable (not by a name it gave itself); it must be owned by the
//! process's own uid (the service user); and it is never a shared place (`/`, `/tmp`,
//! `/dev/shm`, a home, a whole container layer). A config file named on the command line is read
//! only if it is a regular file owned by root or by the service user, resolved inside the
//! process's own root. Whatever fails a rule is a warning and lands in no report.

use std::collections::{BTreeSet, HashMap};
use std::os::unix::fs::MetadataExt;

use crate::model::WarnCode;
use crate::model::{DataPath, Evidence, HostStr, Process, Warning};

use super::container::to_host;
use super::fs::{Root, is_under, join};
use super::hostfs::{Dir, ReadError};
use super::proc::{ProcFs, environ_get};
use super::trust::shared_place;

/// Largest config file read (a database config is a few KiB).
const CONFIG_MAX: u64 = 4 << 20;

fn base(p: &[u8]) -> &[u8] {
    p.rsplit(|&c| c == b'/').next().unwrap_or(p)
}

/// The program a process runs, for telling databases apart: the exe's base name only (a name or
/// title is the process's own choice).
fn program(p: &Process) -> &[u8] {
    p.exe.as_ref().map_or(&b""[..], |e| base(&e.0))
}

/// Which database a process is the server of, by its executable.
pub fn component_of(p: &Process, parent: Option<&Process>) -> Option<&'static str> {
    let prog = program(p);
    let comm = p.comm.as_bytes();
    let args_have = |needle: &[u8]| {
        p.cmdline
            .iter()
            .any(|a| a.0.windows(needle.len()).any(|w| w == needle))
    };
    if prog == b"postgres" || prog == b"postmaster" {
        // children (checkpointer, walwriter...) have a postgres parent
        let child =
            parent.is_some_and(|pp| program(pp) == b"postgres" || program(pp) == b"postmaster");
        return (!child).then_some("postgresql");
    }
    if prog == b"mongod" {
        return Some("mongodb");
    }
    // Debian's /usr/bin/redis-server is a link to redis-check-rdb, which runs the server when
    // invoked by that name (the kernel sets comm from the name exec'd)
    let debian_redis = prog == b"redis-check-rdb" && comm == b"redis-server";
    if (prog == b"redis-server" || prog == b"valkey-server" || debian_redis)
        && !args_have(b"sentinel")
    {
        return Some("redis");
    }
    if prog == b"beam.smp" && args_have(b"rabbit") {
        return Some("rabbitmq");
    }
    if prog == b"minio" && p.cmdline.iter().any(|a| a.0 == b"server") {
        return Some("minio");
    }
    // Patroni is a Python script: the interpreter is trusted, but the script is whatever the
    // command line names; `find` checks that file as it checks an executable
    if p.cmdline.iter().take(3).any(|a| base(&a.0) == b"patroni") {
        return Some("patroni");
    }
    None
}

/// Value of `--flag VALUE`, `--flag=VALUE` or (for one-letter flags) `-fVALUE`.
fn flag(args: &[HostStr], names: &[&str]) -> Option<Vec<u8>> {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        for n in names {
            let n = n.as_bytes();
            if a.0 == n {
                return it.next().map(|v| v.0.clone());
            }
            if let Some(v) = a.0.strip_prefix(n) {
                if let Some(v) = v.strip_prefix(b"=") {
                    return Some(v.to_vec());
                }
                if n.len() == 2 && !v.is_empty() {
                    return Some(v.to_vec());
                }
            }
        }
    }
    None
}

/// A PostgreSQL setting given on the command line: `-c NAME=VALUE`, `-cNAME=VALUE` or
/// `--NAME=VALUE` (`-` and `_` alike in the name).
fn guc(args: &[HostStr], name: &str) -> Option<Vec<u8>> {
    let dashed = name.replace('_', "-");
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let kv: &[u8] = if a.0 == b"-c" {
            match it.next() {
                Some(v) => &v.0,
                None => break,
            }
        } else if let Some(v) = a.0.strip_prefix(b"-c") {
            v
        } else if let Some(v) = a.0.strip_prefix(b"--") {
            v
        } else {
            continue;
        };
        for n in [name, dashed.as_str()] {
            if let Some(v) = kv
                .strip_prefix(n.as_bytes())
                .and_then(|r| r.strip_prefix(b"="))
            {
                return Some(strip_quotes(v).to_vec());
            }
        }
    }
    None
}

/// First value of `key` in a simple config file: `key: v` (YAML), `key = 'v'` (postgresql.conf),
/// `key v` (redis.conf); comments and quotes removed.
pub fn config_value(text: &[u8], key: &str) -> Option<Vec<u8>> {
    for line in text.split(|&c| c == b'\n') {
        let l = trim(line);
        if l.starts_with(b"#") {
            continue;
        }
        let Some(rest) = l.strip_prefix(key.as_bytes()) else {
            continue;
        };
        let rest = match rest.first() {
            Some(b':') | Some(b'=') => &rest[1..],
            Some(b' ') | Some(b'\t') => {
                let r = trim(rest);
                r.strip_prefix(b"=")
                    .or_else(|| r.strip_prefix(b":"))
                    .unwrap_or(r)
            }
            _ => continue,
        };
        let mut v = trim(rest);
        if let Some(i) = find_comment(v) {
            v = trim(&v[..i]);
        }
        let v = strip_quotes(v);
        if !v.is_empty() {
            return Some(v.to_vec());
        }
    }
    None
}

fn find_comment(v: &[u8]) -> Option<usize> {
    if v.first() == Some(&b'"') || v.first() == Some(&b'\'') {
        let q = v[0];
        let close = v[1..].iter().position(|&c| c == q)? + 1;
        return v[close..]
            .iter()
            .position(|&c| c == b'#')
            .map(|i| i + close);
    }
    v.iter().position(|&c| c == b'#')
}

fn trim(b: &[u8]) -> &[u8] {
    let s = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let e = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(s, |e| e + 1);
    &b[s..e]
}

fn strip_quotes(v: &[u8]) -> &[u8] {
    for q in [b'"', b'\''] {
        if v.len() >= 2 && v[0] == q && v[v.len() - 1] == q {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Reads what a database process can tell about its data directory.
pub struct Finder<'a> {
    pub root: &'a Root,
    pub proc: &'a ProcFs,
}

/// A config file refused or unreadable: a warning, never content.
fn refuse(warnings: &mut Vec<Warning>, p: &Process, path: &[u8], why: String) {
    warnings.push(
        Warning::new(
            WarnCode::ConfigNotRead,
            format!(
                "config file {} named by the command line was not read: {why}",
                HostStr(path.to_vec()).display()
            ),
        )
        .about(format!("pid {}", p.pid)),
    );
}

/// Read a config file as its service could: a regular file owned by the service user, or by
/// root and readable by everyone, in directories the service user can pass through. A file only
/// root can read (`mongod --config /root/secret.yaml` started by a user) is not its config, and
/// the scan, running as root, must not read it on the user's behalf. (Group permissions are not
/// considered: a config readable only through a group is refused, with a warning.)
fn read_config(d: &Dir, path: &[u8], uid: Option<u32>) -> Result<Vec<u8>, String> {
    let uid = uid.ok_or("the process's uid is unknown")?;
    let real = d.resolve(path).map_err(|e| e.to_string())?;
    let comps: Vec<&[u8]> = real
        .split(|&c| c == b'/')
        .filter(|c| !c.is_empty())
        .collect();
    let mut prefix = b"/".to_vec();
    for (i, c) in comps.iter().enumerate() {
        let md = d.stat(&prefix).map_err(|e| e.to_string())?;
        let m = md.mode();
        let pass = uid == 0 || m & 0o001 != 0 || (md.uid() == uid && m & 0o100 != 0);
        if !pass {
            return Err(format!(
                "directory {} is closed to the service user (uid {uid})",
                String::from_utf8_lossy(&prefix)
            ));
        }
        if i > 0 {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(c);
    }
    read_owned(d.open_regular(&real), uid)
}

/// Read an open config file if its owner is the service user, or root with the file readable by
/// all (or the service is root).
fn read_owned(f: Result<std::fs::File, ReadError>, uid: u32) -> Result<Vec<u8>, String> {
    let mut f = f.map_err(|e| e.to_string())?;
    let md = f.metadata().map_err(|e| e.to_string())?;
    let ok = md.uid() == uid || (md.uid() == 0 && (uid == 0 || md.mode() & 0o004 != 0));
    if !ok {
        return Err(format!(
            "owned by uid {} (mode {:o}): not readable as the service user (uid {uid})",
            md.uid(),
            md.mode() & 0o7777
        ));
    }
    let mut buf = Vec::new();
    let cut =
        super::hostfs::read_bounded(&mut f, &mut buf, CONFIG_MAX).map_err(|e| e.to_string())?;
    if cut {
        return Err(format!("larger than {} MiB", CONFIG_MAX >> 20));
    }
    Ok(buf)
}

struct Found {
    path: Vec<u8>,
    source: String,
    file: String,
}

impl Finder<'_> {
    /// A config file as the process sees it, read only if it is a regular file owned by root or
    /// the service user. In a container: live, through the process's own root (the kernel's
    /// merged view, resolved inside it); under `--root`, inside the one volume or layer holding
    /// it, that directory taken as the root, so a link in the container never leads to the host.
    fn read_as(&self, p: &Process, path: &[u8], warnings: &mut Vec<Warning>) -> Option<Vec<u8>> {
        let path = self.absolute(p, path);
        let r = match &p.container {
            Some(_) if self.root.live => match self.proc.root_dir(p.pid) {
                Ok(d) => read_config(&d, &path, p.uid),
                Err(m) => Err(m.to_string()),
            },
            Some(c) => self.read_in_layers(c, &path, p.uid),
            None => match self.root.fs() {
                Some(d) => read_config(d, &path, p.uid),
                None => Err("the root cannot be opened".into()),
            },
        };
        match r {
            Ok(b) => Some(b),
            Err(why) => {
                refuse(warnings, p, &path, why);
                None
            }
        }
    }

    /// `path` inside a container, under `--root`: in the volume holding it, else the first layer
    /// (upper first) that has it, each directory taken as its own root.
    fn read_in_layers(
        &self,
        c: &crate::model::ContainerCtx,
        path: &[u8],
        uid: Option<u32>,
    ) -> Result<Vec<u8>, String> {
        let vol = c
            .mounts
            .iter()
            .filter(|m| is_under(path, &m.target.0))
            .max_by_key(|m| m.target.0.len());
        let tries: Vec<(Vec<u8>, Vec<u8>)> = match vol {
            Some(m) => {
                let src = m
                    .host_source
                    .as_ref()
                    .ok_or("its volume has no known host source")?;
                vec![(
                    src.0.clone(),
                    path[m.target.0.len().min(path.len())..].to_vec(),
                )]
            }
            None => {
                let ov = c
                    .rootfs
                    .as_ref()
                    .ok_or("the container's layers are not known")?;
                ov.upperdir
                    .iter()
                    .chain(ov.lowerdirs.iter())
                    .map(|l| (l.0.clone(), path.to_vec()))
                    .collect()
            }
        };
        for (dir, inner) in tries {
            let Some(d): Option<Dir> = self.root.open_dir(&dir) else {
                continue;
            };
            match d.lstat(&inner) {
                Ok(md) if super::fs::is_whiteout(&md) => {
                    return Err("deleted in the container".into());
                }
                Ok(_) => return read_config(&d, &inner, uid),
                Err(_) => continue,
            }
        }
        Err("not found in the container's volumes or layers".into())
    }

    /// Patroni's script (a Python file the command line names) must be a file no user could have
    /// written, as an executable must: root's on the host, or in an image layer.
    fn script_trusted(&self, p: &Process, warnings: &mut Vec<Warning>) -> bool {
        let Some(script) = p
            .cmdline
            .iter()
            .take(3)
            .find(|a| base(&a.0) == b"patroni")
            .map(|a| self.absolute(p, &a.0))
        else {
            return false;
        };
        let r = match &p.container {
            None => super::trust::Judge::default()
                .host_file(self.root, &script)
                .map(|_| ()),
            Some(c) => match to_host(self.root, c.rootfs.as_ref(), &c.mounts, &script, true) {
                Some((_, "overlay lowerdir")) => Ok(()),
                _ => Err("not in an image layer of the container".into()),
            },
        };
        match r {
            Ok(()) => true,
            Err(why) => {
                warnings.push(
                    Warning::new(
                        WarnCode::DataPathUntrusted,
                        format!(
                            "the patroni script {} is not trusted ({why}); its data_dir is not used",
                            HostStr(script).display()
                        ),
                    )
                    .about(format!("pid {}", p.pid)),
                );
                false
            }
        }
    }

    fn absolute(&self, p: &Process, path: &[u8]) -> Vec<u8> {
        if path.first() == Some(&b'/') {
            return path.to_vec();
        }
        match &p.cwd {
            Some(cwd) => join(&cwd.0, path),
            None => path.to_vec(),
        }
    }

    fn environ(&self, p: &Process) -> Vec<u8> {
        let mut buf = Vec::new();
        let _ = self.proc.read_into(p.pid, "environ", &mut buf, 1 << 20);
        buf
    }

    fn find(&self, p: &Process, component: &str, warnings: &mut Vec<Warning>) -> Vec<Found> {
        let pid = p.pid;
        let cmd = format!("/proc/{pid}/cmdline");
        let envf = format!("/proc/{pid}/environ");
        let cwdf = format!("/proc/{pid}/cwd");
        let f = |path: Vec<u8>, source: &str, file: &str| Found {
            path,
            source: source.into(),
            file: file.into(),
        };
        let args = &p.cmdline;
        let mut out = Vec::new();
        match component {
            "postgresql" => {
                if let Some(d) = flag(args, &["-D", "--pgdata"]) {
                    out.push(f(d, "cmdline -D", &cmd));
                } else if let Some(d) = guc(args, "data_directory") {
                    out.push(f(d, "cmdline data_directory", &cmd));
                } else if let Some(d) = environ_get(&self.environ(p), "PGDATA") {
                    out.push(f(d.to_vec(), "environ PGDATA", &envf));
                } else if let Some(conf) = flag(args, &["--config-file", "--config_file"])
                    .or_else(|| guc(args, "config_file"))
                    && let Some(d) = self
                        .read_as(p, &conf, warnings)
                        .and_then(|t| config_value(&t, "data_directory"))
                {
                    out.push(f(
                        d,
                        "config data_directory",
                        &String::from_utf8_lossy(&conf),
                    ));
                } else if let Some(cwd) = &p.cwd {
                    out.push(f(cwd.0.clone(), "cwd", &cwdf));
                }
            }
            "patroni" => {
                if let Some(conf) = args.iter().skip(1).rev().find(|a| {
                    !a.0.starts_with(b"-") && (a.0.ends_with(b".yml") || a.0.ends_with(b".yaml"))
                }) && self.script_trusted(p, warnings)
                    && let Some(d) = self
                        .read_as(p, &conf.0, warnings)
                        .and_then(|t| config_value(&t, "data_dir"))
                {
                    out.push(f(d, "patroni data_dir", &conf.display()));
                }
            }
            "mongodb" => {
                if let Some(d) = flag(args, &["--dbpath"]) {
                    out.push(f(d, "cmdline --dbpath", &cmd));
                } else if let Some(conf) = flag(args, &["--config", "-f"]) {
                    let text = self.read_as(p, &conf, warnings);
                    let d = text.as_ref().and_then(|t| {
                        config_value(t, "dbPath").or_else(|| config_value(t, "dbpath"))
                    });
                    match d {
                        Some(d) => out.push(f(d, "config dbPath", &String::from_utf8_lossy(&conf))),
                        // a readable config without storage.dbPath: mongod's default
                        None if text.is_some() => out.push(f(
                            b"/data/db".to_vec(),
                            "mongod default dbpath (config sets none)",
                            &String::from_utf8_lossy(&conf),
                        )),
                        None => {}
                    }
                } else {
                    out.push(f(b"/data/db".to_vec(), "mongod default dbpath", &cmd));
                }
            }
            "redis" => {
                if let Some(d) = flag(args, &["--dir"]) {
                    out.push(f(d, "cmdline --dir", &cmd));
                } else if let Some(cwd) = &p.cwd {
                    out.push(f(cwd.0.clone(), "cwd (redis chdirs to its dir)", &cwdf));
                }
            }
            "rabbitmq" => {
                let env = self.environ(p);
                let mnesia_dir = args.windows(3).find_map(|w| {
                    (w[0].0 == b"-mnesia" && w[1].0 == b"dir")
                        .then(|| strip_quotes(strip_quotes(&w[2].0)).to_vec())
                });
                if let Some(d) = mnesia_dir {
                    out.push(f(d, "cmdline -mnesia dir", &cmd));
                } else if let Some(d) = environ_get(&env, "RABBITMQ_MNESIA_DIR") {
                    out.push(f(d.to_vec(), "environ RABBITMQ_MNESIA_DIR", &envf));
                } else if let Some(d) = environ_get(&env, "RABBITMQ_MNESIA_BASE") {
                    out.push(f(d.to_vec(), "environ RABBITMQ_MNESIA_BASE", &envf));
                } else if let Some(h) = flag(args, &["-home"]) {
                    out.push(f(join(&h, b"mnesia"), "cmdline -home + /mnesia", &cmd));
                }
            }
            "minio" => {
                let mut it = args.iter().skip_while(|a| a.0 != b"server").skip(1);
                while let Some(a) = it.next() {
                    let v = &a.0;
                    if v.starts_with(b"-") {
                        if !v.contains(&b'=') {
                            it.next();
                        }
                        continue;
                    }
                    if v.starts_with(b"http") || v.contains(&b'{') {
                        continue;
                    }
                    out.push(f(v.clone(), "cmdline server DIR", &cmd));
                }
                if out.is_empty()
                    && let Some(v) = environ_get(&self.environ(p), "MINIO_VOLUMES")
                {
                    for d in v.split(|&c| c == b' ').filter(|d| d.starts_with(b"/")) {
                        out.push(f(d.to_vec(), "environ MINIO_VOLUMES", &envf));
                    }
                }
            }
            _ => {}
        }
        out
    }
}

/// Data paths of every database process.
pub fn find_all(
    finder: &Finder<'_>,
    procs: &[Process],
    warnings: &mut Vec<Warning>,
) -> Vec<DataPath> {
    let by_pid: HashMap<i32, &Process> = procs.iter().map(|p| (p.pid, p)).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    // data directories of an offline copy whose owner is the copy's own (see `copy_owner`), with
    // the warning each would get where owners are known
    let mut unverified: Vec<(Vec<u8>, u32, Warning)> = Vec::new();
    // does any candidate directory belong to someone else than the copy's owner? Then the copy
    // keeps owners, and each directory is judged by its own
    let copy_uid = copy_root_owner(finder.root);
    let mut owners_kept = false;
    for p in procs {
        if p.kernel_thread {
            continue;
        }
        let Some(comp) = component_of(p, by_pid.get(&p.ppid).copied()) else {
            continue;
        };
        if !p.trusted() {
            warnings.push(
                Warning::new(
                    WarnCode::DataPathUntrusted,
                    format!(
                        "looks like a {comp} server, but its executable is not trusted ({}); its directories are not used",
                        p.distrust()
                    ),
                )
                .about(format!("pid {}", p.pid)),
            );
            continue;
        }
        let layers: Vec<&[u8]> = p
            .container
            .iter()
            .filter_map(|c| c.rootfs.as_ref())
            .flat_map(|o| o.upperdir.iter().chain(o.lowerdirs.iter()))
            .map(|l| l.as_bytes())
            .collect();
        for found in finder.find(p, comp, warnings) {
            let inside = finder.absolute(p, &found.path);
            let component = if comp == "patroni" {
                "postgresql"
            } else {
                comp
            };
            let (host, container_path, note) = match &p.container {
                Some(c) => match to_host(finder.root, c.rootfs.as_ref(), &c.mounts, &inside, false)
                {
                    Some((h, via)) => (h, Some(HostStr(inside.clone())), via),
                    None => {
                        warnings.push(
                            Warning::new(
                                WarnCode::DataPathUnmapped,
                                format!(
                                    "{component} data directory {} is inside a container whose host location could not be worked out",
                                    HostStr(inside.clone()).display()
                                ),
                            )
                            .about(format!("pid {}", p.pid)),
                        );
                        continue;
                    }
                },
                None => (inside.clone(), None, "host path"),
            };
            let shared = shared_place(&host, &layers).or_else(|| {
                p.container
                    .is_some()
                    .then(|| shared_place(&inside, &[]))
                    .flatten()
                    .map(|w| format!("inside the container, {w}"))
            });
            let owner = match shared {
                Some(_) => None,
                None => owner_problem(finder.root, &host, p.uid),
            };
            let dir_uid = finder.root.lstat(&host).map(|m| m.uid());
            if copy_uid.is_some() && dir_uid.is_some() && dir_uid != copy_uid {
                owners_kept = true;
            }
            if let (Some(why), Some(by)) = (&owner, copy_uid)
                && dir_uid == Some(by)
            {
                // not used either way; said once for the whole copy unless it keeps owners
                if !unverified.iter().any(|(h, _, _)| *h == host) {
                    let w = Warning::new(
                        WarnCode::DataPathUntrusted,
                        format!(
                            "{component} data directory {} ({}) is not used: {why}",
                            HostStr(host.clone()).display(),
                            found.source
                        ),
                    )
                    .about(format!("pid {}", p.pid));
                    unverified.push((host.clone(), by, w));
                }
                continue;
            }
            if let Some(why) = shared.or(owner) {
                warnings.push(
                    Warning::new(
                        WarnCode::DataPathUntrusted,
                        format!(
                            "{component} data directory {} ({}) is not used: {why}",
                            HostStr(host.clone()).display(),
                            found.source
                        ),
                    )
                    .about(format!("pid {}", p.pid)),
                );
                continue;
            }
            if !seen.insert((component, host.clone())) {
                continue;
            }
            out.push(DataPath {
                component: component.into(),
                path: HostStr(host),
                container_path,
                pid: Some(p.pid),
                source: found.source,
                evidence: Evidence {
                    pid: Some(p.pid),
                    file: Some(found.file),
                    note: Some(note.into()),
                },
            });
        }
    }
    if owners_kept {
        warnings.extend(unverified.drain(..).map(|(_, _, w)| w));
    }
    if !unverified.is_empty() {
        let owners: BTreeSet<u32> = unverified.iter().map(|(_, u, _)| *u).collect();
        let list: Vec<String> = unverified
            .iter()
            .map(|(h, _, _)| HostStr(h.clone()).display())
            .collect();
        warnings.push(
            Warning::new(
                WarnCode::DataOwnerUnverified,
                format!(
                    "data directory ownership cannot be verified in this copy (a copy that keeps no owners, e.g. a git checkout): owned by uid {}, the owner of the copy's root, and not by their service users: {}; none is used. Scan the host itself, or a copy made with owners kept (tar or cp -a as root)",
                    owners
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    list.join(", ")
                ),
            )
            .about("--root"),
        );
    }
    out
}

/// The owner of an offline copy's root (`--root DIR`, not the running system), or `None` live.
/// A git checkout or a copy made without keeping owners gives every file to whoever made it, so
/// a data directory owned by the copy's owner says nothing about the host: when no candidate data
/// directory belongs to anyone else, the scan says once that ownership cannot be verified in this
/// copy instead of blaming each directory; the directories are still not used (fail closed).
/// Never on the live system, where owners are real: a directory a user controls stays refused by
/// `owner_problem`, as in a copy that keeps owners.
fn copy_root_owner(root: &Root) -> Option<u32> {
    if root.live {
        return None;
    }
    root.lstat(b"/").map(|m| m.uid())
}

/// A data directory must exist and belong to the service user (the process's uid): a server owns
/// its files; a directory of another user (or root's `/etc`) is not its data.
fn owner_problem(root: &Root, host: &[u8], uid: Option<u32>) -> Option<String> {
    let Some(uid) = uid else {
        return Some("the process's uid is unknown".into());
    };
    match root.lstat(host) {
        None => Some("it does not exist on the host (or cannot be examined)".into()),
        Some(md) if !md.is_dir() => Some("it is not a directory".into()),
        Some(md) if md.uid() != uid => Some(format!(
            "it is owned by uid {}, not by the service user (uid {uid})",
            md.uid()
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_values() {
        assert_eq!(
            config_value(
                b"storage:\n  dbPath: \"/bitnami/mongodb/data/db\"\n",
                "dbPath"
            )
            .unwrap(),
            b"/bitnami/mongodb/data/db"
        );
        assert_eq!(
            config_value(b"# dir /x\ndir /var/lib/redis\n", "dir").unwrap(),
            b"/var/lib/redis"
        );
        assert_eq!(
            config_value(
                b"data_directory = '/var/lib/postgresql/15/main'  # c\n",
                "data_directory"
            )
            .unwrap(),
            b"/var/lib/postgresql/15/main"
        );
        assert_eq!(config_value(b"directory x\n", "dir"), None);
    }

    #[test]
    fn postgres_settings_on_the_command_line() {
        let a: Vec<HostStr> = [
            "postgres",
            "-c",
            "config_file=/etc/postgresql/15/main/postgresql.conf",
            "--data-directory=/srv/pg",
        ]
        .iter()
        .map(|s| HostStr::from(*s))
        .collect();
        assert_eq!(
            guc(&a, "config_file").unwrap(),
            b"/etc/postgresql/15/main/postgresql.conf"
        );
        assert_eq!(guc(&a, "data_directory").unwrap(), b"/srv/pg");
        assert_eq!(guc(&a, "port"), None);
    }

    #[test]
    fn flags() {
        let a: Vec<HostStr> = ["postgres", "-D", "/d", "--x=1"]
            .iter()
            .map(|s| HostStr::from(*s))
            .collect();
        assert_eq!(flag(&a, &["-D"]).unwrap(), b"/d");
        let a: Vec<HostStr> = ["mongod", "--dbpath=/m"]
            .iter()
            .map(|s| HostStr::from(*s))
            .collect();
        assert_eq!(flag(&a, &["--dbpath"]).unwrap(), b"/m");
    }
}
