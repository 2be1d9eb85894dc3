//! Reconcile the catalog with a host inventory: for every entry, is it on this host, where
//! exactly, and has it moved? Plus what looks like ELMA365 but no entry covers (`unlisted`).
//!
//! One matcher per entry kind (`check/exe.rs`, `name.rs`, `title.rs`, `port.rs`, `path.rs`,
//! `rule.rs`) behind [`Matcher`]; they share [`Ctx`], built once per inventory.

pub mod exe;
pub mod format;
pub mod name;
pub mod path;
pub mod port;
pub mod prometheus;
pub mod rule;
pub mod state;
pub mod unlisted;

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{self, Template};
use crate::model::{
    Catalog, Drift, DriftItem, DriftKind, Entry, EntryKind, EntryResult, FileType, HostStr,
    Inventory, Match, Placeholder, Platform, Process, Report, SCHEMA_VERSION, Status, Summary,
    ToolInfo, UnlistedKind, Via,
};

/// What a matcher found for one entry: concrete matches and how they differ from the catalog.
#[derive(Debug, Default)]
pub struct Found {
    pub matches: Vec<Match>,
    pub drift: Vec<DriftItem>,
    /// Processes that look like the entry but are not trusted evidence (threat model): reported
    /// as `suspicious`, never a match, so never rendered.
    pub suspicious: Vec<Suspect>,
}

/// A process that matched an entry by what it says about itself, but whose executable does not
/// confirm it.
#[derive(Debug, Clone)]
pub struct Suspect {
    pub pid: i32,
    pub value: HostStr,
    pub why: String,
    pub cmdline: HostStr,
}

impl Suspect {
    pub fn of(p: &Process, why: String) -> Suspect {
        Suspect {
            pid: p.pid,
            value: p
                .exe
                .clone()
                .or_else(|| p.argv0().cloned())
                .unwrap_or_else(|| p.comm.clone()),
            why,
            cmdline: p.cmdline_joined(),
        }
    }
}

impl Found {
    fn push_drift(&mut self, item: DriftItem) {
        if !self.drift.contains(&item) {
            self.drift.push(item);
        }
    }
}

/// Matches one kind of entry against the inventory.
pub trait Matcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found;
}

/// The inventory and catalog facts every matcher needs, computed once.
pub struct Ctx<'a> {
    pub inv: &'a Inventory,
    pub placeholders: &'a BTreeMap<String, Placeholder>,
    /// The site's ELMA365 namespaces.
    pub namespaces: &'a crate::model::Namespaces,
    /// Processes that have an executable or a command line (kernel threads left out).
    pub procs: Vec<&'a Process>,
}

impl<'a> Ctx<'a> {
    pub fn new(catalog: &'a Catalog, inv: &'a Inventory) -> Self {
        Ctx {
            inv,
            placeholders: &catalog.placeholders,
            namespaces: &catalog.namespaces,
            procs: inv
                .processes
                .iter()
                .filter(|p| !p.kernel_thread && (p.exe.is_some() || !p.cmdline.is_empty()))
                .collect(),
        }
    }

    /// Match `value` against a template; the placeholder values on success.
    pub fn fit(&self, t: &Template, value: &[u8]) -> Option<BTreeMap<String, String>> {
        let shape = catalog::shape_fn(self.placeholders);
        t.matches(value, &shape)
    }

    /// The label a drift report uses for a placeholder (`erts`, `snap revision`).
    pub fn label(&self, name: &str) -> String {
        self.placeholders
            .get(name)
            .map_or_else(|| name.to_string(), |p| p.label.clone())
    }
}

/// One candidate path template of an entry: the catalog's own (`primary`) or an alternate
/// install location (found there, the entry has drifted).
pub struct Candidate {
    pub template: Template,
    pub text: String,
    pub primary: bool,
}

/// The entry's `match` and `alternates` as parsed templates, and the vendor's placeholder values.
pub fn candidates(entry: &Entry, ctx: &Ctx<'_>) -> (Vec<Candidate>, BTreeMap<String, String>) {
    let mut out = Vec::new();
    let mut canon = BTreeMap::new();
    if let Ok(t) = Template::parse(&entry.pattern) {
        canon =
            catalog::canonical_values(&t, &entry.canonical, ctx.placeholders).unwrap_or_default();
        out.push(Candidate {
            template: t,
            text: entry.pattern.clone(),
            primary: true,
        });
    }
    for a in &entry.alternates {
        if let Ok(t) = Template::parse(a) {
            out.push(Candidate {
                template: t,
                text: a.clone(),
                primary: false,
            });
        }
    }
    (out, canon)
}

/// Drift items for a value that fit `cand` with placeholder values `vals`.
pub fn drift_for(
    ctx: &Ctx<'_>,
    entry: &Entry,
    cand: &Candidate,
    vals: &BTreeMap<String, String>,
    canon: &BTreeMap<String, String>,
    host_value: &str,
) -> Vec<DriftItem> {
    let mut items = Vec::new();
    if !cand.primary {
        let catalog_path = cand_primary_text(entry, canon);
        items.push(DriftItem {
            kind: DriftKind::Location,
            what: "path".into(),
            catalog: catalog_path,
            host: host_value.to_string(),
        });
    }
    for (name, v) in vals {
        if let Some(c) = canon.get(name)
            && c != v
        {
            items.push(DriftItem {
                kind: if name == "revision" {
                    DriftKind::Revision
                } else {
                    DriftKind::Version
                },
                what: ctx.label(name),
                catalog: c.clone(),
                host: v.clone(),
            });
        }
    }
    items
}

fn cand_primary_text(entry: &Entry, canon: &BTreeMap<String, String>) -> String {
    Template::parse(&entry.pattern)
        .ok()
        .and_then(|t| t.fill(canon))
        .unwrap_or_else(|| entry.canonical.clone())
}

/// Everything a match records about the process behind it.
pub fn process_match(p: &Process, value: HostStr, via: Via) -> Match {
    let container = p.container.as_ref();
    let in_container = container.is_some();
    let exe = p.exe.clone();
    Match {
        value: value.clone(),
        host_path: p.exe_host.clone().filter(|h| *h != value),
        container_path: if in_container { exe } else { None },
        pid: Some(p.pid),
        cmdline: Some(p.cmdline_joined()).filter(|c| !c.is_empty()),
        container: container.and_then(|c| c.container_id.clone()),
        namespace: container.and_then(|c| c.namespace.clone()),
        pod: container.and_then(|c| c.pod_name.clone()),
        container_name: container.and_then(|c| c.container_name.clone()),
        image: container.and_then(|c| c.image.clone()),
        sha256: p.sha256.clone(),
        via,
    }
}

/// A process whose binary was replaced on disk since it started.
pub fn replaced_drift(p: &Process) -> Option<DriftItem> {
    p.exe_deleted.then(|| DriftItem {
        kind: DriftKind::Replaced,
        what: "binary".into(),
        catalog: p.exe.as_ref().map(|e| e.display()).unwrap_or_default(),
        host: format!(
            "{} (deleted): replaced on disk since pid {} started",
            p.exe.as_ref().map(|e| e.display()).unwrap_or_default(),
            p.pid
        ),
    })
}

fn matcher_for(kind: EntryKind) -> &'static dyn Matcher {
    match kind {
        EntryKind::ProcessPath => &exe::ExeMatcher,
        EntryKind::ProcessName => &name::NameMatcher,
        EntryKind::ProcessTitle => &name::TitleMatcher,
        EntryKind::Port => &port::PortMatcher,
        EntryKind::Directory | EntryKind::File => &path::PathMatcher,
        EntryKind::Rule => &rule::RuleMatcher,
    }
}

/// Check every catalog entry against the inventory and collect what nothing covers.
pub fn check(catalog: &Catalog, inv: &Inventory) -> Report {
    let ctx = Ctx::new(catalog, inv);
    let mut entries = Vec::with_capacity(catalog.entries.len());
    // every pid an active entry matched, before matches are folded to one per concrete value
    let mut covered = BTreeSet::new();
    let mut suspects: BTreeMap<(i32, String), (Suspect, Vec<String>)> = BTreeMap::new();
    for e in &catalog.entries {
        if let Some(p) = e.platform
            && !platform_present(p, inv)
        {
            continue;
        }
        let mut found = matcher_for(e.kind).find(e, &ctx);
        if e.disabled.is_none() && e.kind != EntryKind::Port {
            covered.extend(found.matches.iter().filter_map(|m| m.pid));
            for s in std::mem::take(&mut found.suspicious) {
                covered.insert(s.pid);
                suspects
                    .entry((s.pid, s.why.clone()))
                    .or_insert_with(|| (s, Vec::new()))
                    .1
                    .push(e.id.clone());
            }
        }
        entries.push(result_for(e, found));
    }
    let mut unlisted = unlisted::find(catalog, &ctx, &entries, &covered);
    for ((pid, why), (s, ids)) in suspects {
        unlisted.push(crate::model::Unlisted {
            kind: UnlistedKind::Suspicious,
            value: s.value,
            component: ids.join(", "),
            why: format!(
                "looks like {} but is not trusted evidence: {why}; never rendered",
                ids.join(", ")
            ),
            evidence: crate::model::Evidence {
                pid: Some(pid),
                file: Some(format!("/proc/{pid}/exe")),
                note: Some(s.cmdline.display()),
            },
        });
    }
    let summary = summarize(&entries, unlisted.len());
    Report {
        schema: SCHEMA_VERSION,
        tool: ToolInfo::default(),
        generated_at: inv.generated_at.clone(),
        host: inv.host.clone(),
        catalog: catalog.sources.clone(),
        entries,
        unlisted,
        summary,
        changes: Vec::new(),
        warnings: inv.warnings.clone(),
        scan_seconds: None,
    }
}

/// Whether the inventory shows `platform` on the host: its marker directory was recorded as
/// existing (Deckhouse: `/opt/deckhouse/bin`), or, for microk8s, a snap revision was found. From
/// the inventory's facts only, so `check --inventory` answers as a scan of the host does.
pub fn platform_present(platform: Platform, inv: &Inventory) -> bool {
    match platform.marker() {
        Some(marker) => inv.filesystem.paths.iter().any(|f| {
            let p = f.path.as_bytes();
            let p = p.strip_suffix(b"/").unwrap_or(p);
            p == marker.as_bytes()
                && (f.file_type == FileType::Directory
                    || (f.file_type == FileType::Symlink && f.resolved.is_some()))
        }),
        None => match platform {
            Platform::Microk8s => inv
                .filesystem
                .snaps
                .iter()
                .any(|s| s.name == "microk8s" && !s.revisions.is_empty()),
            Platform::Deckhouse => false,
        },
    }
}

/// Turn a matcher's findings into the entry's result: status, `found`, `drift`.
pub fn result_for(e: &Entry, mut found: Found) -> EntryResult {
    // one match per concrete (value, host path), lowest pid first
    found
        .matches
        .sort_by(|a, b| (&a.value, &a.host_path, a.pid).cmp(&(&b.value, &b.host_path, b.pid)));
    found.matches.dedup_by(|a, b| {
        a.value == b.value && a.host_path == b.host_path && a.container_path == b.container_path
    });
    let mut values = BTreeSet::new();
    for m in &found.matches {
        values.insert(m.value.display());
        if let Some(h) = &m.host_path {
            values.insert(h.display());
        }
    }
    let status = if e.disabled.is_some() {
        Status::Disabled
    } else if found.matches.is_empty() {
        Status::Absent
    } else if !found.drift.is_empty() {
        Status::Drifted
    } else {
        Status::Present
    };
    let drift = (status == Status::Drifted)
        .then(|| make_drift(found.drift))
        .flatten();
    EntryResult {
        id: e.id.clone(),
        kind: e.kind,
        canonical: e.canonical.clone(),
        component: e.component.clone(),
        status,
        found: values.into_iter().collect(),
        drift,
        matches: found.matches,
        risk: e.risk,
        risk_why: e.risk_why.clone(),
        reason: e.reason.clone(),
        source: e.source.clone(),
        disabled: e.disabled.clone(),
    }
}

/// A drift with its one-line summary (`erts 12.3.1 -> 13.1.5; path /a -> /b`); `None` when
/// there is no item (nothing differs).
pub fn make_drift(items: Vec<DriftItem>) -> Option<Drift> {
    let summary = items
        .iter()
        .map(|i| match i.kind {
            DriftKind::Location => format!("moved {} -> {}", i.catalog, i.host),
            DriftKind::Replaced => format!("binary replaced: {}", i.host),
            DriftKind::Version | DriftKind::Revision => {
                format!("{} {} -> {}", i.what, i.catalog, i.host)
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let first = items.first().cloned()?;
    Some(Drift {
        summary,
        kind: first.kind,
        catalog: first.catalog,
        host: first.host,
        items,
    })
}

/// Counts by status.
pub fn summarize(entries: &[EntryResult], unlisted: usize) -> Summary {
    let mut s = Summary {
        unlisted,
        total: entries.len(),
        ..Summary::default()
    };
    for e in entries {
        match e.status {
            Status::Present => s.present += 1,
            Status::Drifted => s.drifted += 1,
            Status::Absent => s.absent += 1,
            Status::Disabled => s.disabled += 1,
        }
    }
    s
}

/// Exit status 1 is due: something drifted, something is unlisted, or something changed since
/// the state file.
pub fn has_findings(r: &Report) -> bool {
    r.summary.drifted > 0 || r.summary.unlisted > 0 || !r.changes.is_empty()
}

/// The last path component of a byte string.
pub fn basename(b: &[u8]) -> &[u8] {
    match b.iter().rposition(|&c| c == b'/') {
        Some(i) => &b[i + 1..],
        None => b,
    }
}

/// `argv[0]` as the program was invoked: the first word when a rewritten title put everything in
/// `argv[0]` (`/usr/bin/redis-server 127.0.0.1:6379`).
pub fn invoked(p: &Process) -> Option<&[u8]> {
    let a0 = p.cmdline.first()?.as_bytes();
    if p.cmdline.len() == 1 {
        let end = a0.iter().position(|&c| c == b' ').unwrap_or(a0.len());
        Some(&a0[..end])
    } else {
        Some(a0)
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::model::{ContainerCtx, DataPath, Listener, PathFact, Protocol, Runtime};

    fn catalog() -> Catalog {
        crate::catalog::load(&crate::catalog::builtin_sources()).unwrap()
    }

    fn proc_(pid: i32, comm: &str, exe: &str, argv: &[&str]) -> Process {
        Process {
            pid,
            ppid: 1,
            comm: comm.into(),
            cmdline: argv.iter().map(|a| HostStr::from(*a)).collect(),
            exe: Some(exe.into()),
            exe_host: Some(exe.into()),
            trust: Some(crate::model::Trust::yes("test: a root-owned binary")),
            ..Process::default()
        }
    }

    fn pod(mut p: Process, ns: &str, layer: &str) -> Process {
        p.exe_host = p
            .exe
            .as_ref()
            .map(|e| HostStr::from(format!("{layer}{}", e.display())));
        p.container = Some(ContainerCtx {
            runtime: Some(Runtime::Microk8s),
            container_id: Some(format!("c{}", p.pid)),
            namespace: Some(ns.into()),
            ..ContainerCtx::default()
        });
        p
    }

    fn entry<'a>(r: &'a Report, id: &str) -> &'a EntryResult {
        r.entries.iter().find(|e| e.id == id).unwrap()
    }

    fn dir(p: &str) -> PathFact {
        PathFact {
            path: p.into(),
            file_type: FileType::Directory,
            resolved: None,
        }
    }

    fn microk8s(rev: &str, erts: &str) -> Inventory {
        let layer = "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/41/fs";
        let mut inv = Inventory::default();
        inv.host.hostname = "node1".into();
        inv.processes = vec![
            proc_(
                10,
                "kubelite",
                &format!("/snap/microk8s/{rev}/kubelite"),
                &[&format!("/snap/microk8s/{rev}/kubelite")],
            ),
            pod(
                proc_(
                    20,
                    "postgres",
                    "/opt/bitnami/postgresql/bin/postgres",
                    &[
                        "/opt/bitnami/postgresql/bin/postgres",
                        "-D",
                        "/bitnami/postgresql/data",
                    ],
                ),
                "elma365-dbs",
                layer,
            ),
            pod(
                proc_(
                    30,
                    "beam.smp",
                    &format!("/opt/bitnami/erlang/lib/erlang/erts-{erts}/bin/beam.smp"),
                    &[&format!(
                        "/opt/bitnami/erlang/lib/erlang/erts-{erts}/bin/beam.smp"
                    )],
                ),
                "elma365-dbs",
                layer,
            ),
            pod(
                proc_(40, "sh", "/bin/busybox", &["/bin/sh", "-c", "sleep 1"]),
                "elma365",
                layer,
            ),
            pod(
                proc_(50, "node", "/usr/local/bin/node", &["node", "/app/main.js"]),
                "elma365",
                layer,
            ),
            pod(
                proc_(60, "nginx", "/usr/bin/nginx", &["nginx: worker process"]),
                "ingress",
                layer,
            ),
            pod(
                proc_(
                    70,
                    "valkey-server",
                    "/opt/bitnami/valkey/bin/valkey-server",
                    &["/opt/bitnami/valkey/bin/valkey-server"],
                ),
                "elma365-dbs",
                layer,
            ),
        ];
        inv.listeners = vec![
            Listener {
                protocol: Protocol::Tcp,
                ip_version: 4,
                address: "0.0.0.0".into(),
                port: 5432,
                inode: 1,
                pids: vec![20],
                ..Listener::default()
            },
            Listener {
                protocol: Protocol::Tcp,
                ip_version: 4,
                address: "0.0.0.0".into(),
                port: 25672,
                inode: 2,
                pids: vec![30],
                ..Listener::default()
            },
        ];
        inv.filesystem.paths = vec![
            dir("/opt/elma365"),
            dir(
                "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs",
            ),
        ];
        inv.data_paths = vec![DataPath {
            component: "postgresql".into(),
            path: "/var/snap/microk8s/common/default-storage/elma365-dbs-data-pg-0/data".into(),
            container_path: Some("/bitnami/postgresql/data".into()),
            pid: Some(20),
            source: "cmdline -D".into(),
            ..DataPath::default()
        }];
        inv
    }

    #[test]
    fn seed_host_is_present_where_the_catalog_says() {
        let r = check(&catalog(), &microk8s("3410", "12.3.1"));
        assert_eq!(entry(&r, "proc-microk8s-kubelite").status, Status::Present);
        assert_eq!(entry(&r, "db-beam-smp-bitnami").status, Status::Present);
        let pg = entry(&r, "db-postgres-bitnami");
        assert_eq!(pg.status, Status::Present);
        assert!(
            pg.found
                .iter()
                .any(|f| f.ends_with("snapshots/41/fs/opt/bitnami/postgresql/bin/postgres")),
            "{:?}",
            pg.found
        );
        assert_eq!(entry(&r, "dir-opt-elma365").status, Status::Present);
        assert_eq!(entry(&r, "dir-docker-overlay2").status, Status::Absent);
        assert_eq!(entry(&r, "proc-nginx-worker").found, vec!["/usr/bin/nginx".to_string(), "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/41/fs/usr/bin/nginx".to_string()]);
        let sh = entry(&r, "proc-bin-sh");
        assert_eq!(sh.status, Status::Present);
        assert!(
            sh.found.iter().any(|f| f.ends_with("/fs/bin/busybox")),
            "{:?}",
            sh.found
        );
        assert_eq!(entry(&r, "port-5432-tcp").status, Status::Present);
        assert_eq!(
            entry(&r, "rule-database-files").found[0],
            "/var/snap/microk8s/common/default-storage/elma365-dbs-data-pg-0/data"
        );
        let internal = entry(&r, "rule-elma365-internal");
        assert!(internal.matches.iter().any(|m| m.pid == Some(50)));
        assert!(
            !internal.matches.iter().any(|m| m.pid == Some(20)),
            "databases are not ELMA365 services"
        );
    }

    #[test]
    fn upgraded_host_drifts_with_versions() {
        let r = check(&catalog(), &microk8s("7394", "13.2.2"));
        let k = entry(&r, "proc-microk8s-kubelite");
        assert_eq!(k.status, Status::Drifted);
        let d = k.drift.as_ref().unwrap();
        assert_eq!(
            (d.kind.as_str(), d.catalog.as_str(), d.host.as_str()),
            ("revision", "3410", "7394")
        );
        let b = entry(&r, "db-beam-smp-bitnami");
        assert_eq!(b.drift.as_ref().unwrap().summary, "erts 12.3.1 -> 13.2.2");
        assert!(has_findings(&r));
    }

    #[test]
    fn unlisted_finds_uncovered_platform_processes_and_ports() {
        let r = check(&catalog(), &microk8s("3410", "12.3.1"));
        let vals: Vec<String> = r
            .unlisted
            .iter()
            .map(|u| format!("{}:{}", u.kind, u.value))
            .collect();
        // Valkey is an alternate of the Bitnami redis-server entry (drift), not unlisted
        assert!(
            !vals.contains(&"process:/opt/bitnami/valkey/bin/valkey-server".to_string()),
            "{vals:?}"
        );
        let redis = entry(&r, "db-redis-server-bitnami");
        assert!(
            redis
                .found
                .contains(&"/opt/bitnami/valkey/bin/valkey-server".to_string()),
            "{redis:?}"
        );
        assert!(vals.contains(&"port:25672/tcp".to_string()), "{vals:?}");
        assert!(!vals.iter().any(|v| v.contains("5432")), "{vals:?}");
    }

    #[test]
    fn debian_db_host_drifts_to_package_locations() {
        let mut inv = Inventory::default();
        inv.processes = vec![
            proc_(
                1,
                "postgres",
                "/usr/lib/postgresql/15/bin/postgres",
                &[
                    "/usr/lib/postgresql/15/bin/postgres",
                    "-D",
                    "/var/lib/postgresql/15/main",
                ],
            ),
            proc_(
                2,
                "postgres",
                "/usr/lib/postgresql/15/bin/postgres",
                &["postgres: 15/main: checkpointer"],
            ),
            proc_(
                3,
                "redis-server",
                "/usr/bin/redis-check-rdb",
                &["/usr/bin/redis-server 127.0.0.1:6379"],
            ),
            proc_(
                4,
                "rabbitmq-server",
                "/usr/bin/dash",
                &["/bin/sh", "/usr/lib/rabbitmq/bin/rabbitmq-server"],
            ),
            proc_(
                5,
                "epmd",
                "/usr/lib/erlang/erts-13.1.5/bin/epmd",
                &["/usr/lib/erlang/erts-13.1.5/bin/epmd", "-daemon"],
            ),
        ];
        let mut gone = proc_(
            6,
            "beam.smp",
            "/usr/lib/erlang/erts-13.1.5/bin/beam.smp",
            &["/usr/lib/erlang/erts-13.1.5/bin/beam.smp"],
        );
        gone.exe_deleted = true;
        inv.processes.push(gone);
        let r = check(&catalog(), &inv);
        let pg = entry(&r, "db-postgres-bitnami");
        assert_eq!(pg.status, Status::Drifted);
        assert_eq!(
            pg.drift.as_ref().unwrap().host,
            "/usr/lib/postgresql/15/bin/postgres"
        );
        let redis = entry(&r, "db-redis-server-bitnami");
        assert_eq!(redis.status, Status::Drifted);
        assert!(
            redis
                .found
                .contains(&"/usr/bin/redis-check-rdb".to_string()),
            "{:?}",
            redis.found
        );
        assert_eq!(entry(&r, "db-redis-server-name").status, Status::Present);
        let rmq = entry(&r, "db-rabbitmq-server-bitnami");
        assert_eq!(rmq.status, Status::Drifted);
        assert!(
            rmq.found
                .contains(&"/usr/lib/rabbitmq/bin/rabbitmq-server".to_string())
        );
        let epmd = entry(&r, "proc-epmd-bitnami");
        assert_eq!(
            epmd.drift.as_ref().unwrap().items.len(),
            2,
            "location and erts version"
        );
        let beam = entry(&r, "db-beam-smp-bitnami");
        assert!(
            beam.drift
                .as_ref()
                .unwrap()
                .items
                .iter()
                .any(|i| i.kind == "replaced")
        );
        assert_eq!(
            entry(&r, "proc-sh").status,
            Status::Present,
            "comm of /bin/sh is sh"
        );
        assert_eq!(
            entry(&r, "proc-bin-sh").found,
            vec!["/bin/sh".to_string(), "/usr/bin/dash".to_string()]
        );
    }

    #[test]
    fn long_names_match_truncated_comm_only_with_argv() {
        let mut p = proc_(
            1,
            "nginx-ingress-c",
            "/nginx-ingress-controller",
            &["/nginx-ingress-controller", "--x"],
        );
        assert!(name::has_name(&p, "nginx-ingress-controller"));
        p.cmdline = vec!["/other".into()];
        assert!(!name::has_name(&p, "nginx-ingress-controller"));
        let t = proc_(
            2,
            "nginx",
            "/usr/sbin/nginx",
            &["nginx: master process /usr/sbin/nginx -g daemon off;"],
        );
        assert!(name::has_title(&t, "nginx: master process"));
        assert!(!name::has_title(&t, "nginx: mast"));
    }

    #[test]
    fn state_reports_changes_and_replaced_binaries() {
        let c = catalog();
        let mut inv = microk8s("3410", "12.3.1");
        inv.processes[1].sha256 = Some("aa".into());
        let first = check(&c, &inv);
        let st = state::State::from_report(&first);
        let mut inv2 = microk8s("7394", "12.3.1");
        inv2.processes[1].sha256 = Some("bb".into());
        let mut second = check(&c, &inv2);
        state::compare(&mut second, &st);
        let ids: Vec<_> = second
            .changes
            .iter()
            .map(|c| (c.id.as_str(), c.action.as_str()))
            .collect();
        assert!(
            ids.contains(&("proc-microk8s-kubelite", "status")),
            "{ids:?}"
        );
        assert!(
            ids.contains(&("db-postgres-bitnami", "replaced")),
            "{ids:?}"
        );
        assert_eq!(
            entry(&second, "db-postgres-bitnami").status,
            Status::Drifted
        );
    }
}
