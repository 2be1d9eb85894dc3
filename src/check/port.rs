//! Port and protocol: a listening socket on that port, with the process holding it.

use super::{Ctx, Found, Matcher};
use crate::model::{Entry, HostStr, Match};

pub struct PortMatcher;

impl Matcher for PortMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        for r in &entry.ports {
            for l in &ctx.inv.listeners {
                if l.protocol != r.protocol.as_str() || l.port < r.first || l.port > r.last {
                    continue;
                }
                let pid = l.pids.first().copied();
                let proc_ = pid.and_then(|pid| ctx.procs.iter().find(|p| p.pid == pid));
                found.matches.push(Match {
                    value: HostStr::from(format!("{}/{}", l.port, l.protocol)),
                    host_path: proc_.and_then(|p| p.exe_host.clone().or_else(|| p.exe.clone())),
                    pid,
                    cmdline: proc_.map(|p| p.cmdline_joined()),
                    container: proc_.and_then(|p| p.container.as_ref()?.container_id.clone()),
                    namespace: proc_.and_then(|p| p.container.as_ref()?.namespace.clone()),
                    via: format!("listening on {} (IPv{})", l.address, l.ip_version),
                    ..Match::default()
                });
            }
        }
        found
    }
}
