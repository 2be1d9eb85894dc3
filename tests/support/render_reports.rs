//! Reports as `check` produces them, built by hand, for render tests that do not need the
//! discovery and check stages. Values follow shared/lab/README.md (a real Debian DB host) and
//! shared/research/elma365-hosts.md (a microk8s node).
#![allow(dead_code)]

use avexclude::model::*;

pub fn catalog() -> Catalog {
    avexclude::catalog::load_with_overlays(&[] as &[&std::path::Path]).expect("builtin catalog")
}

/// A built-in vendor by name.
pub fn vendor(name: &str) -> avexclude::render::Vendor {
    avexclude::render::load_vendors(None)
        .expect("built-in vendors")
        .into_iter()
        .find(|v| v.name() == name)
        .unwrap_or_else(|| panic!("no built-in vendor {name}"))
}

fn base(host: &str) -> Report {
    Report {
        schema: SCHEMA_VERSION,
        tool: ToolInfo::default(),
        generated_at: "2026-11-24T18:00:00Z".into(),
        host: HostFacts {
            hostname: host.into(),
            os: "Debian GNU/Linux 12 (bookworm)".into(),
            kernel: "6.1.0-26-amd64".into(),
            machine_id: None,
            scanned_as_root: true,
        },
        catalog: vec![
            "builtin:exclusions/elma365.yaml".into(),
            "builtin:exclusions/firewall-ports.yaml".into(),
        ],
        entries: Vec::new(),
        unlisted: Vec::new(),
        summary: Summary::default(),
        changes: Vec::new(),
        warnings: Vec::new(),
        scan_seconds: None,
    }
}

/// An entry result from the catalog entry `id`, with `status` and `matches`.
pub fn result(
    cat: &Catalog,
    id: &str,
    status: Status,
    drift: Option<&str>,
    matches: Vec<Match>,
) -> EntryResult {
    let e = cat
        .get(id)
        .unwrap_or_else(|| panic!("no catalog entry {id}"));
    EntryResult {
        id: e.id.clone(),
        kind: e.kind,
        canonical: e.canonical.clone(),
        component: e.component.clone(),
        status,
        found: matches.iter().map(|m| m.value.display()).collect(),
        drift: drift.map(|s| Drift {
            summary: s.into(),
            kind: "location".parse().unwrap(),
            catalog: e.canonical.clone(),
            host: matches
                .first()
                .map(|m| m.value.display())
                .unwrap_or_default(),
            items: Vec::new(),
        }),
        matches,
        risk: e.risk,
        risk_why: e.risk_why.clone(),
        reason: e.reason.clone(),
        source: e.source.clone(),
        disabled: e.disabled.clone(),
    }
}

pub fn path_match(v: &str) -> Match {
    Match {
        value: v.into(),
        via: "path exists".parse().unwrap(),
        ..Default::default()
    }
}

pub fn host_proc(exe: &str, pid: i32) -> Match {
    Match {
        value: exe.into(),
        host_path: Some(exe.into()),
        pid: Some(pid),
        via: "exe".parse().unwrap(),
        ..Default::default()
    }
}

pub fn container_proc(inner: &str, host: &str, pid: i32, container: &str, ns: &str) -> Match {
    Match {
        value: inner.into(),
        host_path: Some(host.into()),
        container_path: Some(inner.into()),
        pid: Some(pid),
        container: Some(container.into()),
        namespace: Some(ns.into()),
        via: "exe".parse().unwrap(),
        ..Default::default()
    }
}

pub fn port(v: &str, pid: i32) -> Match {
    Match {
        value: v.into(),
        pid: Some(pid),
        via: "listening on 0.0.0.0 (IPv4)".parse().unwrap(),
        ..Default::default()
    }
}

/// Every other entry of the catalog, as absent (as check reports them).
fn fill_absent(cat: &Catalog, r: &mut Report) {
    for e in &cat.entries {
        if r.entries.iter().all(|x| x.id != e.id) {
            r.entries
                .push(result(cat, &e.id, Status::Absent, None, Vec::new()));
        }
    }
}

/// A dedicated Debian database host: packages, not containers (shared/lab/README.md).
pub fn db_host() -> (Report, Inventory) {
    let cat = catalog();
    let mut r = base("db-01");
    r.entries = vec![
        result(
            &cat,
            "db-postgres-bitnami",
            Status::Drifted,
            Some(
                "location /opt/bitnami/postgresql/bin/postgres -> /usr/lib/postgresql/15/bin/postgres",
            ),
            vec![host_proc("/usr/lib/postgresql/15/bin/postgres", 2101)],
        ),
        result(
            &cat,
            "db-redis-server-name",
            Status::Present,
            None,
            vec![host_proc("/usr/bin/redis-check-rdb", 2201)],
        ),
        result(
            &cat,
            "db-beam-smp-bitnami",
            Status::Drifted,
            Some("erts 12.3.1 -> 13.1.5; location /opt/bitnami -> /usr/lib"),
            vec![host_proc("/usr/lib/erlang/erts-13.1.5/bin/beam.smp", 2301)],
        ),
        result(
            &cat,
            "proc-nginx-worker",
            Status::Present,
            None,
            vec![
                host_proc("/usr/sbin/nginx", 2401),
                host_proc("/usr/sbin/nginx", 2402),
            ],
        ),
        result(
            &cat,
            "proc-sh",
            Status::Present,
            None,
            vec![Match {
                value: "/usr/bin/dash".into(),
                host_path: Some("/usr/bin/dash".into()),
                pid: Some(2300),
                via: "name".parse().unwrap(),
                ..Default::default()
            }],
        ),
        result(
            &cat,
            "rule-database-files",
            Status::Present,
            None,
            vec![
                path_match("/var/lib/postgresql/15/main"),
                path_match("/var/lib/redis"),
                path_match("/var/lib/rabbitmq/mnesia"),
            ],
        ),
        result(
            &cat,
            "port-5432-tcp",
            Status::Present,
            None,
            vec![port("5432/tcp", 2101)],
        ),
        result(
            &cat,
            "port-6379-tcp",
            Status::Present,
            None,
            vec![port("6379/tcp", 2201)],
        ),
    ];
    fill_absent(&cat, &mut r);
    let mut inv = Inventory::default();
    for (pid, uid, user) in [
        (2101, 105, "postgres"),
        (2201, 106, "redis"),
        (2301, 107, "rabbitmq"),
        (2401, 33, "www-data"),
        (2402, 33, "www-data"),
        (2300, 107, "rabbitmq"),
    ] {
        inv.processes.push(Process {
            pid,
            uid: Some(uid),
            user: Some(user.into()),
            trust: Some(avexclude::model::Trust::yes("a root-owned database binary")),
            ..Default::default()
        });
    }
    (r, inv)
}

/// A single-node microk8s host with Bitnami pods (containers) and ELMA365 services.
pub fn microk8s() -> (Report, Inventory) {
    let cat = catalog();
    let mut r = base("elma-mk8s");
    let snap = "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots";
    r.entries = vec![
        result(
            &cat,
            "dir-opt-elma365",
            Status::Present,
            None,
            vec![path_match("/opt/elma365")],
        ),
        result(
            &cat,
            "dir-microk8s-containerd-snapshots",
            Status::Present,
            None,
            vec![path_match(
                "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs",
            )],
        ),
        result(
            &cat,
            "db-postgres-bitnami",
            Status::Present,
            None,
            vec![container_proc(
                "/opt/bitnami/postgresql/bin/postgres",
                &format!("{snap}/412/fs/opt/bitnami/postgresql/bin/postgres"),
                5101,
                "postgres-0",
                "elma365-dbs",
            )],
        ),
        result(
            &cat,
            "db-beam-smp-bitnami",
            Status::Drifted,
            Some("erts 12.3.1 -> 13.2.2"),
            vec![container_proc(
                "/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp",
                &format!("{snap}/377/fs/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp"),
                5301,
                "rabbitmq-0",
                "elma365-dbs",
            )],
        ),
        result(
            &cat,
            "proc-microk8s-kubelite",
            Status::Drifted,
            Some("revision 3410 -> 7394"),
            vec![host_proc("/snap/microk8s/7394/kubelite", 901)],
        ),
        result(
            &cat,
            "proc-bin-sh",
            Status::Present,
            None,
            vec![container_proc(
                "/bin/sh",
                &format!("{snap}/415/fs/bin/busybox"),
                6001,
                "elma365-worker",
                "elma365",
            )],
        ),
        result(
            &cat,
            "proc-node",
            Status::Present,
            None,
            vec![container_proc(
                "/usr/local/bin/node",
                &format!("{snap}/420/fs/usr/local/bin/node"),
                6101,
                "main",
                "elma365",
            )],
        ),
        result(
            &cat,
            "rule-database-files",
            Status::Present,
            None,
            vec![Match {
                value:
                    "/var/snap/microk8s/common/default-storage/elma365-dbs-data-postgres-0-pvc-1f2e"
                        .into(),
                container_path: Some("/bitnami/postgresql".into()),
                pid: Some(5101),
                via: "postgresql data directory (volume mount)".parse().unwrap(),
                ..Default::default()
            }],
        ),
        result(
            &cat,
            "port-5432-tcp",
            Status::Present,
            None,
            vec![port("5432/tcp", 5101)],
        ),
    ];
    fill_absent(&cat, &mut r);
    let mut inv = Inventory::default();
    inv.processes.push(Process {
        pid: 5101,
        uid: Some(1001),
        user: None,
        trust: Some(avexclude::model::Trust::yes("in an image layer")),
        ..Default::default()
    });
    (r, inv)
}

/// Values a hostile host could hold.
pub const HOSTILE: &[&[u8]] = &[
    b"/srv/with space/data",
    b"/srv/q\"uote/data",
    b"/srv/it's/data",
    b"/srv/$(touch /tmp/avx-pwned)/data",
    b"/srv/`touch /tmp/avx-pwned2`/data",
    b"/srv/x\nExcludePath ^/",
    b"/srv/x\r\nExcludePath ^/",
    b"/srv/bad\xff\xfeutf8",
    b"/srv/hash#comment/data",
    b"/srv/star*/data",
    b"/srv/back\\slash/data",
    b"/srv/amp&<tag>/data",
    b"/srv/=cmd|' /C calc'!A0",
];

/// A host whose directories and executables hold every hostile value.
pub fn hostile() -> (Report, Inventory) {
    let cat = catalog();
    let mut r = base("evil\nExcludePath ^/");
    r.entries = vec![
        result(
            &cat,
            "rule-database-files",
            Status::Present,
            None,
            HOSTILE
                .iter()
                .map(|v| Match {
                    value: HostStr(v.to_vec()),
                    via: "path exists".parse().unwrap(),
                    ..Default::default()
                })
                .collect(),
        ),
        result(
            &cat,
            "rule-elma365-internal",
            Status::Present,
            None,
            HOSTILE
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let mut exe = v.to_vec();
                    exe.extend_from_slice(b"/elma365-svc");
                    Match {
                        value: HostStr(exe.clone()),
                        host_path: Some(HostStr(exe)),
                        pid: Some(7000 + i as i32),
                        via: "exe".parse().unwrap(),
                        ..Default::default()
                    }
                })
                .collect(),
        ),
    ];
    fill_absent(&cat, &mut r);
    (r, Inventory::default())
}

/// Replace entry `id` of `r` by a `present` result with `matches` (the way tests put a value of
/// their own in front of the renderer).
pub fn set_present(r: &mut Report, cat: &Catalog, id: &str, matches: Vec<Match>) {
    r.entries.retain(|e| e.id != id);
    r.entries
        .push(result(cat, id, Status::Present, None, matches));
}

/// The text of the rendered file whose path ends with `name`.
pub fn file_text(out: &avexclude::render::Rendered, name: &str) -> String {
    let f = out
        .files
        .iter()
        .find(|f| f.path.ends_with(name))
        .unwrap_or_else(|| panic!("no rendered file {name}"));
    String::from_utf8(f.bytes.clone()).unwrap()
}
