//! Rules that name no single path: the ELMA365 services' own processes ("внутренние процессы
//! ELMA365"), and the databases' data directories ("исключите файлы СУБД из проверки"). Each
//! expands to concrete executables or directories on this host, so a reviewer sees exactly what
//! the rule means here.

use super::{Ctx, Found, Matcher, Suspect, process_match};
use crate::model::{Entry, HostStr, Match, Namespaces, Process, Rule, Via};

pub struct RuleMatcher;

/// Registries the ELMA365 Helm charts pull their services from (`<repo>/elma365/<svc>/...`,
/// research note E5): an image from one of them is an ELMA365 service whatever its namespace.
const ELMA365_REGISTRIES: &[&str] = &["hub.elma365.tech/", "dreg.elewise.com:5005/"];

/// An ELMA365 service image (`hub.elma365.tech/elma365/<service>/...`): one of ELMA365's
/// registries and an `elma365/<service>/` path, read from the runtime's metadata.
pub fn is_elma365_image(image: &str) -> bool {
    ELMA365_REGISTRIES.iter().any(|r| image.starts_with(r)) && image.contains("/elma365/")
}

/// A process of the ELMA365 services: in an application namespace, started from an ELMA365
/// service image, or run from `/opt/elma365`.
pub fn is_elma365_service(p: &Process, ns: &Namespaces) -> bool {
    if let Some(c) = &p.container {
        if c.namespace.as_deref().is_some_and(|n| ns.is_application(n)) {
            return true;
        }
        if c.image.as_deref().is_some_and(is_elma365_image) {
            return true;
        }
    }
    let under = |h: &HostStr| h.as_bytes().starts_with(b"/opt/elma365/");
    p.container.is_none()
        && (p.exe.as_ref().is_some_and(under) || p.exe_host.as_ref().is_some_and(under))
}

impl Matcher for RuleMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        match entry.rule() {
            Some(Rule::Elma365InternalProcesses) => {
                for p in &ctx.procs {
                    if is_elma365_service(p, ctx.namespaces) {
                        let Some(exe) = p.exe.clone() else { continue };
                        if !p.trusted() {
                            found.suspicious.push(Suspect::of(p, p.distrust()));
                            continue;
                        }
                        found
                            .matches
                            .push(process_match(p, exe, Via::Elma365Service));
                    }
                }
            }
            Some(Rule::DatabaseDataPaths) => {
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
                        via: Via::DataDirectory {
                            component: d.component.clone(),
                            source: d.source.clone(),
                        },
                        ..Match::default()
                    });
                }
            }
            None => {}
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elma365_images_by_registry_and_path() {
        assert!(is_elma365_image(
            "hub.elma365.tech/elma365/main/service:2025.4.6"
        ));
        assert!(is_elma365_image(
            "dreg.elewise.com:5005/elma365/deploy/service:1"
        ));
        // the databases are Bitnami images retagged under docker/databases, not services
        assert!(!is_elma365_image(
            "hub.elma365.tech/docker/databases/postgres:15.4.0-debian-11-r45"
        ));
        // anyone can name a path elma365/ on another registry
        assert!(!is_elma365_image("evil.example/elma365/main/service:1"));
    }
}
