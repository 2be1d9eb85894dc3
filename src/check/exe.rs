//! Process by executable path (`/opt/bitnami/postgresql/bin/postgres`, versioned
//! `/snap/microk8s/{revision}/kubelite`). A process matches by its executable as the kernel shows
//! it, by the path it was invoked as (`/bin/sh` runs as `/usr/bin/dash`), or, for a script run by
//! a shell (`/bin/sh /usr/lib/rabbitmq/bin/rabbitmq-server`), by the script's path. Found at an
//! alternate location or another version, the entry has drifted. With no process running, an
//! existing file at the path still counts (the binary is installed).
//!
//! Threat model: only a trusted executable is evidence. A process whose executable is not
//! trusted, or whose invoked name is not that executable's program (`exec -a`), is `suspicious`.

use super::{
    Ctx, Found, Matcher, Suspect, candidates, drift_for, invoked, process_match, replaced_drift,
};
use crate::check::basename;
use crate::model::{Entry, FileType, HostStr, Match, Via};

pub struct ExeMatcher;

/// Interpreters whose first argument is the program actually run.
const SCRIPT_RUNNERS: &[&[u8]] = &[b"sh", b"dash", b"bash", b"ash", b"busybox", b"ksh", b"zsh"];

/// No executable path is longer than PATH_MAX: a longer argument is never compared (a hostile
/// 130 KB argv[0] costs nothing).
const PATH_MAX: usize = 4096;

impl Matcher for ExeMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let (cands, canon) = candidates(entry, ctx);
        let mut found = Found::default();
        for p in &ctx.procs {
            let mut paths: Vec<(&[u8], Via)> = Vec::new();
            if let Some(e) = &p.exe {
                paths.push((e.as_bytes(), Via::Exe));
            }
            if let Some(a0) = invoked(p).filter(|a| a.len() <= PATH_MAX) {
                if a0.starts_with(b"/") && p.exe.as_ref().is_none_or(|e| e.as_bytes() != a0) {
                    paths.push((a0, Via::Argv0));
                }
                if SCRIPT_RUNNERS.contains(&basename(a0))
                    && let Some(script) = p.cmdline.get(1).map(|s| s.as_bytes())
                    && script.starts_with(b"/")
                    && script.len() <= PATH_MAX
                {
                    paths.push((script, Via::Script));
                }
            }
            let mut primary_hit = false;
            let mut hits: Vec<(Match, Vec<crate::model::DriftItem>, bool)> = Vec::new();
            for (path, via) in &paths {
                for c in &cands {
                    if !path.starts_with(c.template.literal_prefix().as_bytes()) {
                        continue;
                    }
                    let Some(vals) = ctx.fit(&c.template, path) else {
                        continue;
                    };
                    let value = HostStr::from(path.to_vec());
                    let drift = drift_for(ctx, entry, c, &vals, &canon, &value.display());
                    if c.primary && drift.is_empty() {
                        primary_hit = true;
                    }
                    let mut m = process_match(p, value, via.clone());
                    if *via == Via::Script {
                        // the script sits in the same root as the interpreter that runs it
                        m.host_path = same_root(p, path);
                        m.container_path = p.container.is_some().then(|| m.value.clone());
                    } else if *via != Via::Exe && m.host_path.is_none() {
                        // the file really run is the executable, not the invoked name. Its host
                        // path only: a container's exe path is a path INSIDE it (`/bin/busybox`),
                        // and written as a host path it would exempt the host's own file
                        m.host_path = p
                            .exe_host
                            .clone()
                            .or_else(|| p.container.is_none().then(|| p.exe.clone()).flatten());
                    }
                    hits.push((m, drift, c.primary));
                }
            }
            if !hits.is_empty() {
                // evidence only from a trusted executable; a name it was invoked by must be
                // that executable's program (`/bin/sh` for dash), not any name (`exec -a`)
                let doubt = if !p.trusted() {
                    Some(p.distrust())
                } else {
                    hits.iter()
                        .find(|(m, _, _)| m.via == Via::Argv0)
                        .and_then(|(m, _, _)| {
                            let name =
                                String::from_utf8_lossy(basename(m.value.as_bytes())).into_owned();
                            super::name::confirmed(p, &[name.as_str()])
                                .err()
                                .map(|w| format!("invoked as {}, but {w}", m.value.display()))
                        })
                };
                if let Some(why) = doubt {
                    found.suspicious.push(Suspect::of(p, why));
                    continue;
                }
            }
            for (m, drift, primary) in hits {
                if primary_hit && !primary {
                    continue;
                }
                for d in drift {
                    found.push_drift(d);
                }
                if let Some(r) = replaced_drift(p) {
                    found.push_drift(r);
                }
                found.matches.push(m);
            }
        }
        if found.matches.is_empty() {
            installed_files(entry, ctx, &mut found);
        }
        found
    }
}

/// No process runs it: is the binary installed where the catalog says? (`filesystem.paths`
/// recorded by discovery.) Only the catalog's own path counts: a package that merely ships the
/// same program elsewhere (`/usr/bin/node`) is no sign of ELMA365 and no drift.
fn installed_files(entry: &Entry, ctx: &Ctx<'_>, found: &mut Found) {
    let (cands, canon) = candidates(entry, ctx);
    for pf in &ctx.inv.filesystem.paths {
        if pf.file_type != FileType::File {
            continue;
        }
        for c in cands.iter().filter(|c| c.primary) {
            let Some(vals) = ctx.fit(&c.template, pf.path.as_bytes()) else {
                continue;
            };
            for d in drift_for(ctx, entry, c, &vals, &canon, &pf.path.display()) {
                found.push_drift(d);
            }
            found.matches.push(Match {
                value: pf.path.clone(),
                host_path: pf.resolved.clone(),
                via: Via::InstalledFile,
                ..Match::default()
            });
        }
    }
}

/// The host path of `path` inside the process's root: the executable's host path tells where
/// that root is (`<layer>/usr/bin/dash` for `/usr/bin/dash` → `<layer>` + `path`).
fn same_root(p: &crate::model::Process, path: &[u8]) -> Option<HostStr> {
    let exe = p.exe.as_ref()?.as_bytes();
    let host = p.exe_host.as_ref()?.as_bytes();
    let prefix = host.strip_suffix(exe)?;
    let mut v = prefix.to_vec();
    v.extend_from_slice(path);
    (v != path).then(|| HostStr::from(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Ctx;
    use crate::model::{Catalog, Inventory, Process, Trust};

    fn catalog() -> Catalog {
        crate::catalog::load(&crate::catalog::builtin_sources()).unwrap()
    }

    fn run(p: Process) -> Found {
        let c = catalog();
        let inv = Inventory {
            processes: vec![p],
            ..Inventory::default()
        };
        let ctx = Ctx::new(&c, &inv);
        ExeMatcher.find(c.get("db-postgres-bitnami").unwrap(), &ctx)
    }

    fn proc_(exe: &str, argv0: &str, trusted: bool) -> Process {
        Process {
            pid: 9,
            cmdline: vec![argv0.into(), "-D".into(), "/d".into()],
            exe: Some(exe.into()),
            exe_host: Some(exe.into()),
            trust: Some(Trust {
                trusted,
                why: "file is owned by uid 1777".into(),
            }),
            ..Process::default()
        }
    }

    #[test]
    fn only_trusted_executables_and_their_own_names_are_evidence() {
        let pg = "/opt/bitnami/postgresql/bin/postgres";
        let ok = run(proc_(pg, pg, true));
        assert_eq!(ok.matches.len(), 1);
        assert!(ok.suspicious.is_empty());
        // the same path, but a file a user wrote
        let bad = run(proc_(pg, pg, false));
        assert!(bad.matches.is_empty());
        assert_eq!(bad.suspicious.len(), 1);
        // a trusted interpreter invoked under the catalog's path (`exec -a`)
        let alias = run(proc_("/usr/bin/python3", pg, true));
        assert!(alias.matches.is_empty());
        assert!(alias.suspicious[0].why.contains("invoked as"));
    }

    #[test]
    fn a_container_exe_is_never_taken_for_a_host_path() {
        // `/bin/sh` run as busybox in a container whose exe could not be mapped to the host
        let mut p = proc_("/bin/busybox", "/bin/sh", true);
        p.exe_host = None;
        p.container = Some(crate::model::ContainerCtx::default());
        p.cmdline = vec!["/bin/sh".into(), "-c".into(), "x".into()];
        let c = catalog();
        let inv = Inventory {
            processes: vec![p],
            ..Inventory::default()
        };
        let ctx = Ctx::new(&c, &inv);
        let f = ExeMatcher.find(c.get("proc-bin-sh").unwrap(), &ctx);
        for m in &f.matches {
            assert_eq!(m.host_path, None, "{m:?}");
        }
    }
}
