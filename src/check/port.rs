//! Port and protocol: a listening socket on that port, held by the entry's component's program
//! (a listener whose owner is known to be another program is not the entry's).

use super::{Ctx, Found, Matcher};
use crate::model::{Entry, HostStr, Match, Via};

pub struct PortMatcher;

impl Matcher for PortMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        for r in &entry.ports {
            for l in &ctx.inv.listeners {
                if l.protocol != r.protocol || l.port < r.first || l.port > r.last {
                    continue;
                }
                let pid = l.pids.first().copied();
                let proc_ = pid.and_then(|pid| ctx.procs.iter().find(|p| p.pid == pid));
                // the port is the component's only when its program owns it: ELMA365's own
                // grpc port 5000 is not the seed's "Patroni master" 5000 (research note D4)
                let owner = proc_.and_then(|p| super::unlisted::component_of(p, ctx));
                if proc_.is_some() && owner != Some(entry.component.as_str()) {
                    continue;
                }
                let netns = match l.netns.as_deref() {
                    Some("host") | None => None,
                    Some(_) => Some(
                        l.container
                            .clone()
                            .unwrap_or_else(|| "a container's network namespace".into()),
                    ),
                };
                found.matches.push(Match {
                    value: HostStr::from(format!("{}/{}", l.port, l.protocol)),
                    host_path: proc_.and_then(|p| p.exe_host.clone().or_else(|| p.exe.clone())),
                    pid,
                    cmdline: proc_.map(|p| p.cmdline_joined()),
                    container: proc_.and_then(|p| p.container.as_ref()?.container_id.clone()),
                    namespace: proc_.and_then(|p| p.container.as_ref()?.namespace.clone()),
                    via: Via::Listening {
                        address: l.address.clone(),
                        ip_version: l.ip_version,
                        netns,
                        owner_unknown: proc_.is_none(),
                    },
                    ..Match::default()
                });
            }
        }
        found
    }
}
