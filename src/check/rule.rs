//! Rules that name no single path: the ELMA365 services' own processes ("внутренние процессы
//! ELMA365"), and the databases' data directories ("исключите файлы СУБД из проверки"). Each
//! expands to concrete executables or directories on this host, so a reviewer sees exactly what
//! the rule means here.

use super::{Ctx, Found, Matcher, Suspect, process_match};
use crate::model::{Entry, HostStr, Match, Process};

pub struct RuleMatcher;

/// Kubernetes namespaces of the ELMA365 application (its databases live in `elma365-dbs`).
pub const ELMA365_APP_NAMESPACES: &[&str] = &["elma365"];
/// Namespaces ELMA365 installs into, application and databases.
pub const ELMA365_NAMESPACES: &[&str] = &["elma365", "elma365-dbs"];

/// A process of the ELMA365 services: in the application namespace, or run from `/opt/elma365`.
pub fn is_elma365_service(p: &Process) -> bool {
    let ns = p.container.as_ref().and_then(|c| c.namespace.as_deref());
    if ns.is_some_and(|n| ELMA365_APP_NAMESPACES.contains(&n)) {
        return true;
    }
    let under = |h: &HostStr| h.as_bytes().starts_with(b"/opt/elma365/");
    p.container.is_none()
        && (p.exe.as_ref().is_some_and(under) || p.exe_host.as_ref().is_some_and(under))
}

impl Matcher for RuleMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        match entry.pattern.as_str() {
            "elma365-internal-processes" => {
                for p in &ctx.procs {
                    if is_elma365_service(p) {
                        let Some(exe) = p.exe.clone() else { continue };
                        if !p.trusted() {
                            found.suspicious.push(Suspect::of(p, p.distrust()));
                            continue;
                        }
                        found
                            .matches
                            .push(process_match(p, exe, "ELMA365 service process"));
                    }
                }
            }
            "database-data-paths" => {
                for d in &ctx.inv.data_paths {
                    // discovery keeps only trusted servers' directories; an inventory from
                    // elsewhere is held to the same rule
                    let owner = d
                        .pid
                        .and_then(|pid| ctx.inv.processes.iter().find(|p| p.pid == pid));
                    if let Some(p) = owner.filter(|p| !p.trusted()) {
                        found.suspicious.push(Suspect::of(
                            p,
                            format!("data directory {}: {}", d.path.display(), p.distrust()),
                        ));
                        continue;
                    }
                    found.matches.push(Match {
                        value: d.path.clone(),
                        container_path: d.container_path.clone(),
                        pid: d.pid,
                        via: format!("{} data directory ({})", d.component, d.source),
                        ..Match::default()
                    });
                }
            }
            _ => {}
        }
        found
    }
}
