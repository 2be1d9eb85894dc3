//! Data directories of the databases, from what each server tells about itself: its command line
//! (`-D`, `--dbpath`, `minio server DIR`), environment (`PGDATA`, `RABBITMQ_MNESIA_BASE`), config
//! file (`dbPath:`, `dir`, `data_directory`, Patroni's `data_dir:`) and cwd (PostgreSQL and Redis
//! chdir into their data directory). A path inside a container is mapped to the host through the
//! container's volume mounts, or its overlay upper layer.

use std::collections::{BTreeSet, HashMap};

use crate::model::{DataPath, Evidence, HostStr, Process, Warning};

use super::container::to_host;
use super::fs::{Root, join};
use super::procfs::{ProcFs, environ_get};

fn base(p: &[u8]) -> &[u8] {
    p.rsplit(|&c| c == b'/').next().unwrap_or(p)
}

/// The program a process runs, for telling databases apart: the exe's base name, else argv[0]'s.
fn program(p: &Process) -> &[u8] {
    if let Some(e) = &p.exe {
        return base(&e.0);
    }
    p.argv0().map(|a| base(&a.0)).unwrap_or(&p.comm.0)
}

/// Which database a process is the server of.
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
    if (prog == b"redis-server"
        || prog == b"valkey-server"
        || comm == b"redis-server"
        || comm == b"valkey-server")
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

struct Found {
    path: Vec<u8>,
    source: String,
    file: String,
}

impl Finder<'_> {
    /// A file as the process sees it: through the container's layers and volumes, or on the host.
    fn read_as(&self, p: &Process, path: &[u8]) -> Option<Vec<u8>> {
        let path = self.absolute(p, path);
        match &p.container {
            Some(c) => {
                // a config file in a layer or volume is read only if it is a regular file: a
                // symlink there means something inside the container, not on the host
                let via_layers = to_host(self.root, c.rootfs.as_ref(), &c.mounts, &path, true)
                    .filter(|(h, _)| self.root.lstat(h).is_some_and(|m| m.is_file()))
                    .and_then(|(h, _)| self.root.read(&h, 4 << 20));
                via_layers.or_else(|| {
                    if self.root.live {
                        self.proc.read_in_root(p.pid, &path, 4 << 20).ok()
                    } else {
                        None
                    }
                })
            }
            None => self.root.read(&path, 4 << 20),
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

    fn find(&self, p: &Process, component: &str) -> Vec<Found> {
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
                        .read_as(p, &conf)
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
                }) && let Some(d) = self
                    .read_as(p, &conf.0)
                    .and_then(|t| config_value(&t, "data_dir"))
                {
                    out.push(f(d, "patroni data_dir", &conf.display()));
                }
            }
            "mongodb" => {
                if let Some(d) = flag(args, &["--dbpath"]) {
                    out.push(f(d, "cmdline --dbpath", &cmd));
                } else if let Some(conf) = flag(args, &["--config", "-f"]) {
                    let text = self.read_as(p, &conf);
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
    for p in procs {
        if p.kernel_thread {
            continue;
        }
        let Some(comp) = component_of(p, by_pid.get(&p.ppid).copied()) else {
            continue;
        };
        for found in finder.find(p, comp) {
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
                                "data-path-unmapped",
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
    out
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
