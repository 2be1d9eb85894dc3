//! What looks like ELMA365 (or its storage) but no catalog entry covers: processes of the
//! ELMA365 namespaces and database programs, data directories, container storage roots in use,
//! and listening ports of ELMA365 processes that no port table lists.

use std::collections::BTreeSet;

use super::Ctx;
use super::name::has_name;
use crate::catalog::Template;
use crate::model::{
    Catalog, Entry, EntryKind, EntryResult, Evidence, HostStr, Process, Protocol, Rule, Status,
    Unlisted, UnlistedKind,
};

/// Database and platform programs an ELMA365 host runs, by process name → component.
pub(crate) const KNOWN_PROGRAMS: &[(&str, &str)] = &[
    ("postgres", "postgresql"),
    ("patroni", "postgresql"),
    ("pgbouncer", "postgresql"),
    ("mongod", "mongodb"),
    ("mongos", "mongodb"),
    ("redis-server", "redis"),
    ("redis-sentinel", "redis"),
    ("valkey-server", "redis"),
    ("valkey-sentinel", "redis"),
    ("beam.smp", "rabbitmq"),
    ("epmd", "rabbitmq"),
    ("minio", "minio"),
    ("haproxy", "postgresql"),
    ("etcd", "kubernetes"),
    ("kubelet", "kubernetes"),
    // microk8s runs kubelet, apiserver, scheduler, controller-manager and proxy in one process
    ("kubelite", "kubernetes"),
    ("kube-apiserver", "kubernetes"),
    ("kube-proxy", "kubernetes"),
    ("containerd", "containerd"),
    ("dockerd", "docker"),
];

/// The component whose program `p` is: an ELMA365 service (`elma365`), or a known database or
/// platform program by name.
pub fn component_of(p: &Process, ctx: &Ctx<'_>) -> Option<&'static str> {
    if super::rule::is_elma365_service(p, ctx.namespaces) {
        return Some("elma365");
    }
    KNOWN_PROGRAMS
        .iter()
        .find(|(n, _)| has_name(p, n))
        .map(|(_, c)| *c)
}

/// Ports ELMA365's services listen on in their pods (Helm chart 2025.4.6: `http_port: 3000`,
/// `grpc_port: 5000`, `http_metrics: 3100`; research note E5): known, not unlisted noise.
const ELMA365_SERVICE_PORTS: &[u16] = &[3000, 3100, 5000];

/// Kubernetes plumbing ports (kubernetes.io "Ports and Protocols": apiserver 6443, etcd
/// 2379-2380, kubelet 10250 and healthz 10248, kube-scheduler 10259, controller-manager 10257,
/// kube-proxy 10249/10256; microk8s apiserver 16443, cluster-agent 25000, dqlite 19001; calico
/// felix health 9099; CoreDNS metrics 9153 and ready 8181; ingress-nginx status 10254):
/// listened on by platform programs, known, not unlisted noise.
const PLUMBING_PORTS: &[u16] = &[
    2379, 2380, 6443, 8181, 9099, 9153, 10248, 10249, 10250, 10254, 10255, 10256, 10257, 10259,
    16443, 19001, 25000,
];

/// Namespaces of the cluster's own pods (kube-system: calico, CoreDNS; ingress: microk8s's
/// ingress-nginx; d8-ingress-nginx on Deckhouse), whose plumbing ports are known.
const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-system",
    "ingress",
    "ingress-nginx",
    "d8-ingress-nginx",
];

/// Everything no entry covers, in four steps: processes, data directories, container storage
/// roots in use, listening ports. `covered`: every pid that an active, non-port entry matched.
pub fn find(
    catalog: &Catalog,
    ctx: &Ctx<'_>,
    results: &[EntryResult],
    covered: &BTreeSet<i32>,
) -> Vec<Unlisted> {
    let mut out = Vec::new();
    let platform_pids = processes(ctx, covered, &mut out);
    data_paths(catalog, ctx, results, &mut out);
    storage_roots(catalog, ctx, results, &mut out);
    ports(catalog, ctx, &platform_pids, &mut out);
    out
}

/// Processes of the ELMA365 namespaces and known database or platform programs that no entry
/// matched. Returns the pids of every such process, covered or not: their ports are checked.
fn processes(ctx: &Ctx<'_>, covered: &BTreeSet<i32>, out: &mut Vec<Unlisted>) -> BTreeSet<i32> {
    let mut platform_pids = covered.clone();
    for p in &ctx.procs {
        let ns = p.container.as_ref().and_then(|c| c.namespace.as_deref());
        let in_ns = ns.is_some_and(|n| ctx.namespaces.contains(n));
        let program = KNOWN_PROGRAMS.iter().find(|(n, _)| has_name(p, n));
        if in_ns || program.is_some() {
            platform_pids.insert(p.pid);
        }
        if covered.contains(&p.pid) || !(in_ns || program.is_some()) {
            continue;
        }
        let component = program.map_or_else(
            || ns.unwrap_or("elma365").to_string(),
            |(_, c)| c.to_string(),
        );
        let value = p.exe.clone().unwrap_or_else(|| p.comm.clone());
        out.push(Unlisted {
            kind: UnlistedKind::Process,
            value,
            component,
            why: match ns {
                Some(n) if in_ns => format!("process of namespace {n} that no entry covers"),
                _ => "database or platform program that no entry covers".into(),
            },
            evidence: Evidence {
                pid: Some(p.pid),
                file: Some(format!("/proc/{}/cmdline", p.pid)),
                note: Some(p.cmdline_joined().display()),
            },
        });
    }
    platform_pids
}

/// Data directories outside every directory entry, when no active rule expands them.
fn data_paths(catalog: &Catalog, ctx: &Ctx<'_>, results: &[EntryResult], out: &mut Vec<Unlisted>) {
    let data_rule_on = results
        .iter()
        .filter(|r| r.status != Status::Disabled)
        .any(|r| {
            r.kind == EntryKind::Rule
                && catalog.get(&r.id).and_then(Entry::rule) == Some(Rule::DatabaseDataPaths)
        });
    if data_rule_on {
        return;
    }
    for d in &ctx.inv.data_paths {
        if dir_covered(catalog, results, d.path.as_bytes()) {
            continue;
        }
        out.push(Unlisted {
            kind: UnlistedKind::DataPath,
            value: d.path.clone(),
            component: d.component.clone(),
            why: format!("{} data directory that no entry covers", d.component),
            evidence: Evidence {
                pid: d.pid,
                file: None,
                note: Some(d.source.clone()),
            },
        });
    }
}

/// Container storage roots in use outside every directory entry.
fn storage_roots(
    catalog: &Catalog,
    ctx: &Ctx<'_>,
    results: &[EntryResult],
    out: &mut Vec<Unlisted>,
) {
    for s in &ctx.inv.filesystem.container_storage {
        if !s.in_use || dir_covered(catalog, results, s.path.as_bytes()) {
            continue;
        }
        out.push(Unlisted {
            kind: UnlistedKind::StorageRoot,
            value: s.path.clone(),
            component: s.kind.as_str().into(),
            why: "container storage root in use that no entry covers".into(),
            evidence: Evidence::default(),
        });
    }
}

/// Listening ports of platform processes (`platform_pids`) that no port entry lists (audit
/// tables included), leaving out the ELMA365 services' own ports and Kubernetes plumbing.
fn ports(catalog: &Catalog, ctx: &Ctx<'_>, platform_pids: &BTreeSet<i32>, out: &mut Vec<Unlisted>) {
    let port_ranges: Vec<_> = catalog
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Port && e.disabled.is_none())
        .flat_map(|e| e.ports.iter().copied())
        .collect();
    let mut seen = BTreeSet::new();
    for l in &ctx.inv.listeners {
        if !l.pids.iter().any(|p| platform_pids.contains(p)) {
            continue;
        }
        let listed = port_ranges
            .iter()
            .any(|r| r.protocol == l.protocol && (r.first..=r.last).contains(&l.port));
        if listed || !seen.insert((l.port, l.protocol)) {
            continue;
        }
        let pid = l.pids.first().copied();
        let owner = pid.and_then(|pid| ctx.procs.iter().find(|p| p.pid == pid));
        if known_port(ctx, owner.copied(), l.protocol, l.port) {
            continue;
        }
        let component = owner
            .and_then(|p| {
                KNOWN_PROGRAMS
                    .iter()
                    .find(|(n, _)| has_name(p, n))
                    .map(|(_, c)| c.to_string())
                    .or_else(|| p.container.as_ref()?.namespace.clone())
                    .or_else(|| Some(p.comm.display()))
            })
            .unwrap_or_else(|| "elma365".into());
        out.push(Unlisted {
            kind: UnlistedKind::Port,
            value: HostStr::from(format!("{}/{}", l.port, l.protocol)),
            component,
            why: format!(
                "an ELMA365 process listens on {}:{} and no port table lists it",
                l.address, l.port
            ),
            evidence: Evidence {
                pid,
                file: Some(format!("/proc/net/{}", l.protocol)),
                note: None,
            },
        });
    }
}

/// A port its owner is known to hold: an ELMA365 service's own, or Kubernetes plumbing of a
/// platform program or of the cluster's own pods (calico, CoreDNS, ingress; the namespace comes
/// from the runtime, never from inside the container).
fn known_port(ctx: &Ctx<'_>, owner: Option<&Process>, protocol: Protocol, port: u16) -> bool {
    let system_pod = owner
        .and_then(|p| p.container.as_ref()?.namespace.as_deref())
        .is_some_and(|n| SYSTEM_NAMESPACES.contains(&n));
    let plumbing = protocol == Protocol::Tcp && PLUMBING_PORTS.contains(&port);
    match owner.and_then(|p| component_of(p, ctx)) {
        Some("elma365") => ELMA365_SERVICE_PORTS.contains(&port),
        Some("kubernetes" | "containerd" | "docker") => plumbing,
        _ => system_pod && plumbing,
    }
}

/// Is `path` inside a directory that an active entry matched, or that a directory entry names?
fn dir_covered(catalog: &Catalog, results: &[EntryResult], path: &[u8]) -> bool {
    let mut p = path.to_vec();
    if !p.ends_with(b"/") {
        p.push(b'/');
    }
    results
        .iter()
        .filter(|r| r.status != Status::Disabled && r.kind == EntryKind::Directory)
        .any(|r| {
            r.matches.iter().any(|m| p.starts_with(m.value.as_bytes()))
                || catalog.get(&r.id).is_some_and(|e| {
                    Template::parse(&e.pattern)
                        .is_ok_and(|t| !t.has_placeholders() && p.starts_with(e.pattern.as_bytes()))
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContainerCtx, DataPath, Inventory, Listener, StorageRoot};

    fn proc_(pid: i32, exe: &str, ns: Option<&str>) -> Process {
        let name = exe.rsplit('/').next().unwrap_or(exe);
        Process {
            pid,
            comm: HostStr::from(name),
            cmdline: vec![HostStr::from(exe)],
            exe: Some(HostStr::from(exe)),
            container: ns.map(|n| ContainerCtx {
                namespace: Some(n.into()),
                ..ContainerCtx::default()
            }),
            ..Process::default()
        }
    }

    fn listener(port: u16, pid: i32) -> Listener {
        Listener {
            protocol: Protocol::Tcp,
            ip_version: 4,
            address: "0.0.0.0".into(),
            port,
            pids: vec![pid],
            ..Listener::default()
        }
    }

    fn inventory() -> Inventory {
        Inventory {
            processes: vec![
                proc_(10, "/usr/lib/postgresql/16/bin/postgres", None),
                proc_(11, "/srv/bin/worker", Some("elma365")),
                proc_(12, "/usr/bin/bash", None),
                proc_(13, "/usr/bin/containerd", None),
            ],
            ..Inventory::default()
        }
    }

    #[test]
    fn processes_of_elma365_namespaces_and_known_programs_not_covered() {
        let inv = inventory();
        let cat = Catalog::default();
        let ctx = Ctx::new(&cat, &inv);
        let mut out = Vec::new();
        let pids = processes(&ctx, &BTreeSet::from([13]), &mut out);
        assert_eq!(
            pids,
            BTreeSet::from([10, 11, 13]),
            "bash is no platform program"
        );
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|u| (u.component.as_str(), u.why.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "postgresql",
                    "database or platform program that no entry covers"
                ),
                (
                    "elma365",
                    "process of namespace elma365 that no entry covers"
                ),
            ]
        );
    }

    #[test]
    fn data_paths_and_storage_roots_in_use_are_unlisted() {
        let mut inv = inventory();
        inv.data_paths.push(DataPath {
            component: "postgresql".into(),
            path: HostStr::from("/var/lib/postgresql/16/main"),
            source: "cmdline -D".into(),
            ..DataPath::default()
        });
        for (path, in_use) in [
            ("/var/lib/containerd/a", true),
            ("/var/lib/docker/b", false),
        ] {
            inv.filesystem.container_storage.push(StorageRoot {
                kind: crate::model::StorageKind::ContainerdOverlayfs,
                path: HostStr::from(path),
                in_use,
            });
        }
        let cat = Catalog::default();
        let ctx = Ctx::new(&cat, &inv);
        let mut out = Vec::new();
        data_paths(&cat, &ctx, &[], &mut out);
        storage_roots(&cat, &ctx, &[], &mut out);
        let got: Vec<(UnlistedKind, String)> =
            out.iter().map(|u| (u.kind, u.value.display())).collect();
        assert_eq!(
            got,
            [
                (UnlistedKind::DataPath, "/var/lib/postgresql/16/main".into()),
                (UnlistedKind::StorageRoot, "/var/lib/containerd/a".into()),
            ]
        );
    }

    #[test]
    fn ports_of_platform_processes_leave_out_known_service_and_plumbing_ports() {
        let mut inv = inventory();
        inv.listeners = vec![
            listener(5432, 10),  // postgres, no port entry: unlisted
            listener(5000, 11),  // an ELMA365 service's grpc port: known
            listener(7777, 11),  // another port of a service: unlisted
            listener(10250, 13), // containerd-held plumbing: known
            listener(8080, 12),  // bash is not a platform process: not looked at
        ];
        let cat = Catalog::default();
        let ctx = Ctx::new(&cat, &inv);
        let mut out = Vec::new();
        ports(&cat, &ctx, &BTreeSet::from([10, 11, 13]), &mut out);
        let got: Vec<(String, &str)> = out
            .iter()
            .map(|u| (u.value.display(), u.component.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("5432/tcp".to_string(), "postgresql"),
                ("7777/tcp".to_string(), "elma365")
            ]
        );
        assert!(known_port(
            &ctx,
            Some(&inv.processes[1]),
            Protocol::Tcp,
            3100
        ));
        assert!(
            !known_port(&ctx, None, Protocol::Tcp, 10250),
            "no owner: not plumbing"
        );
    }
}
