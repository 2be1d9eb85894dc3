//! `check` on the fixture hosts: every entry's status as a reader of the fixture expects, drift
//! with the right versions, unlisted findings, the state file, metrics and the exit status.

use crate::support;

use std::path::Path;

use serde_json::Value;
use support::hosts;

fn check(root: &Path, extra: &[&str]) -> (i32, Value) {
    let out = support::avexclude()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .args(extra)
        .run();
    out.assert_exit_in(&[0, 1]);
    (out.code().unwrap(), out.stdout_json())
}

fn entry<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no entry {id}"))
}

fn status(r: &Value, id: &str) -> String {
    entry(r, id)["status"].as_str().unwrap().to_string()
}

fn found(r: &Value, id: &str) -> Vec<String> {
    entry(r, id)["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn assert_statuses(r: &Value, want: &str, ids: &[&str]) {
    for id in ids {
        assert_eq!(status(r, id), want, "{id}: {}", entry(r, id));
    }
}

const MICROK8S_PRESENT: &[&str] = &[
    "dir-opt-elma365",
    "db-postgres-bitnami",
    "db-mongod-bitnami",
    "db-redis-server-name",
    "db-redis-server-bitnami",
    "db-rabbitmq-server-bitnami",
    "db-minio-name",
    "db-minio-bitnami",
    "proc-bin-sh",
    "proc-coredns",
    "proc-hostpath-provisioner",
    "proc-nginx-ingress-controller",
    "proc-sbin-dinit",
    "proc-elma365ctl-server",
    "proc-dumb-init",
    "proc-kube-controllers",
    "proc-git-daemon-path",
    "proc-node",
    "proc-runsvdir",
    "proc-calico-node",
    "proc-git-daemon-name",
    "proc-gpg-agent",
    "proc-nginx-cache-manager",
    "proc-nginx-master",
    "proc-nginx-worker",
    "proc-runsv",
    "proc-sh",
    "rule-elma365-internal",
    "rule-database-files",
    "dir-microk8s-containerd-snapshots",
    "dir-microk8s-default-storage",
    "port-5432-tcp",
    "port-27017-tcp",
    "port-6379-tcp",
    "port-5672-tcp",
    "port-15672-tcp",
    "port-9000-tcp",
];
const MICROK8S_ABSENT: &[&str] = &[
    "dir-docker-overlay2",
    "dir-containerd-snapshots",
    "db-mongo-bitnami",
    "port-5000-tcp",
    "port-5001-tcp",
    "port-8008-tcp",
    "port-26379-tcp",
    "port-5671-tcp",
    "port-15671-tcp",
];
const VERSIONED: &[&str] = &[
    "db-beam-smp-bitnami",
    "proc-epmd-bitnami",
    "proc-microk8s-containerd",
    "proc-microk8s-containerd-shim",
    "proc-microk8s-kubelite",
];

#[test]
fn microk8s_seed_host_matches_the_catalog_as_written() {
    let d = tempfile::tempdir().unwrap();
    hosts::microk8s_seed(d.path());
    let (_, r) = check(d.path(), &[]);
    assert_statuses(&r, "present", MICROK8S_PRESENT);
    assert_statuses(&r, "present", VERSIONED);
    assert_statuses(&r, "absent", MICROK8S_ABSENT);
    assert_eq!(r["summary"]["drifted"], 0);
    // container binaries are reported as the container and the host see them
    let pg = found(&r, "db-postgres-bitnami");
    assert!(pg.contains(&"/opt/bitnami/postgresql/bin/postgres".to_string()));
    assert!(pg.iter().any(|f| f.starts_with("/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/") && f.ends_with("/fs/opt/bitnami/postgresql/bin/postgres")), "{pg:?}");
    // titles resolve to the real nginx executable
    assert!(
        found(&r, "proc-nginx-worker")
            .iter()
            .any(|f| f.ends_with("/nginx"))
    );
}

#[test]
fn upgraded_microk8s_host_drifts_with_the_right_versions() {
    let d = tempfile::tempdir().unwrap();
    hosts::microk8s_upgraded(d.path());
    let (code, r) = check(d.path(), &[]);
    assert_eq!(code, 1, "drift is a finding");
    assert_statuses(&r, "drifted", VERSIONED);
    for id in ["db-beam-smp-bitnami", "proc-epmd-bitnami"] {
        let drift = &entry(&r, id)["drift"];
        assert_eq!(drift["kind"], "version", "{id}");
        assert_eq!(drift["catalog"], "12.3.1");
        // RabbitMQ 3.13.7-debian-12 ships OTP 26.2.5, erts 14.2.5 (research note B6)
        assert_eq!(drift["host"], "14.2.5");
        assert_eq!(drift["summary"], "erts 12.3.1 -> 14.2.5");
    }
    for id in ["proc-microk8s-containerd", "proc-microk8s-kubelite"] {
        let drift = &entry(&r, id)["drift"];
        assert_eq!(
            (
                drift["kind"].as_str(),
                drift["catalog"].as_str(),
                drift["host"].as_str()
            ),
            (Some("revision"), Some("3410"), Some("7394")),
            "{id}"
        );
    }
    // the runc-v2 shim of a cgroup v2 host is the runc-v1 entry's alternate: drift (moved,
    // and a new revision), not absence (research note M3, D3)
    let shim = &entry(&r, "proc-microk8s-containerd-shim")["drift"];
    let items: Vec<(&str, &str, &str)> = shim["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap(),
                i["catalog"].as_str().unwrap(),
                i["host"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        vec![
            (
                "location",
                "/snap/microk8s/3410/bin/containerd-shim-runc-v1",
                "/snap/microk8s/7394/bin/containerd-shim-runc-v2"
            ),
            ("revision", "3410", "7394")
        ],
        "{shim}"
    );
    assert!(
        found(&r, "proc-microk8s-kubelite").contains(&"/snap/microk8s/7394/kubelite".to_string())
    );
    assert!(
        found(&r, "db-beam-smp-bitnami")
            .contains(&"/opt/bitnami/erlang/lib/erlang/erts-14.2.5/bin/beam.smp".to_string())
    );
    assert_eq!(status(&r, "dir-docker-overlay2"), "absent");
    // containerd's storage root and the databases' volume host paths
    assert_eq!(
        found(&r, "dir-microk8s-containerd-snapshots"),
        vec![
            "/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/"
                .to_string()
        ]
    );
    let data = found(&r, "rule-database-files");
    for db in ["-postgres-0-", "-mongo-0-", "redis", "rabbitmq", "minio"] {
        assert!(
            data.iter().any(
                |p| p.starts_with("/var/snap/microk8s/common/default-storage/") && p.contains(db)
            ),
            "{db}: {data:?}"
        );
    }
    // everything not versioned is as on the seed host
    assert_statuses(&r, "present", MICROK8S_PRESENT);
}

#[test]
fn deckhouse_worker_uses_containerd_storage() {
    let d = tempfile::tempdir().unwrap();
    hosts::deckhouse_worker(d.path());
    let (_, r) = check(d.path(), &[]);
    assert_statuses(
        &r,
        "present",
        &[
            "dir-containerd-snapshots",
            "db-postgres-bitnami",
            "proc-nginx-master",
            "proc-nginx-worker",
            "proc-nginx-ingress-controller",
            "rule-elma365-internal",
            "rule-database-files",
        ],
    );
    assert_statuses(
        &r,
        "absent",
        &[
            "dir-docker-overlay2",
            "dir-microk8s-containerd-snapshots",
            "proc-microk8s-kubelite",
            "proc-microk8s-containerd",
        ],
    );
    assert!(found(&r, "db-postgres-bitnami").iter().any(|f| {
        f.starts_with("/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/")
    }));
}

#[test]
fn docker_host_uses_overlay2() {
    let d = tempfile::tempdir().unwrap();
    hosts::docker_host(d.path());
    let (_, r) = check(d.path(), &[]);
    assert_eq!(status(&r, "dir-docker-overlay2"), "present");
    assert_statuses(
        &r,
        "absent",
        &[
            "dir-containerd-snapshots",
            "dir-microk8s-containerd-snapshots",
            "proc-microk8s-kubelite",
        ],
    );
    let present: Vec<&str> = r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "present" && e["kind"] == "process-path")
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(!present.is_empty());
    for id in present {
        assert!(
            found(&r, id)
                .iter()
                .any(|f| f.starts_with("/var/lib/docker/overlay2/")),
            "{id} should be seen in its overlay2 layer"
        );
    }
}

#[test]
fn debian_db_host_drifts_to_package_locations() {
    let d = tempfile::tempdir().unwrap();
    hosts::db_host(d.path());
    let (code, r) = check(d.path(), &[]);
    assert_eq!(code, 1);
    let pg = &entry(&r, "db-postgres-bitnami")["drift"];
    assert_eq!(pg["kind"], "location");
    assert_eq!(pg["catalog"], "/opt/bitnami/postgresql/bin/postgres");
    assert_eq!(pg["host"], "/usr/lib/postgresql/15/bin/postgres");
    let beam = entry(&r, "db-beam-smp-bitnami");
    assert_eq!(beam["status"], "drifted");
    let kinds: Vec<&str> = beam["drift"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"location") && kinds.contains(&"version"),
        "{kinds:?}"
    );
    assert!(
        beam["drift"]["summary"]
            .as_str()
            .unwrap()
            .contains("erts 12.3.1 -> 13.1.5")
    );
    assert_statuses(
        &r,
        "drifted",
        &[
            "db-rabbitmq-server-bitnami",
            "proc-epmd-bitnami",
            "db-redis-server-bitnami",
            "db-mongod-bitnami",
        ],
    );
    // Debian's /usr/bin/redis-server is a link to redis-check-rdb, which /proc/PID/exe names:
    // drift of the Bitnami path, to the file that really runs (issue 10)
    let rd = &entry(&r, "db-redis-server-bitnami")["drift"];
    assert_eq!(rd["kind"], "location", "{rd}");
    assert_eq!(rd["catalog"], "/opt/bitnami/redis/bin/redis-server");
    assert_eq!(rd["host"], "/usr/bin/redis-check-rdb", "{rd}");
    // Debian's redis-server runs as redis-check-rdb: the name entry finds the real executable
    assert_eq!(status(&r, "db-redis-server-name"), "present");
    assert!(found(&r, "db-redis-server-name").contains(&"/usr/bin/redis-check-rdb".to_string()));
    // /bin/sh resolves to the shell that really runs
    assert_eq!(
        found(&r, "proc-bin-sh"),
        vec!["/bin/sh".to_string(), "/usr/bin/dash".to_string()]
    );
    assert_statuses(
        &r,
        "present",
        &[
            "port-5432-tcp",
            "port-6379-tcp",
            "port-5672-tcp",
            "port-15672-tcp",
            "port-27017-tcp",
            "rule-database-files",
        ],
    );
    assert!(found(&r, "rule-database-files").contains(&"/var/lib/postgresql/15/main".to_string()));
    assert_statuses(
        &r,
        "absent",
        &[
            "dir-opt-elma365",
            "proc-microk8s-kubelite",
            "dir-docker-overlay2",
            "rule-elma365-internal",
        ],
    );
    // epmd's 4369 is not in the vendor's tables: reported, not silently ignored
    assert!(
        r["unlisted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["kind"] == "port" && u["value"] == "4369/tcp")
    );
}

#[test]
fn hostile_host_checks_without_harm() {
    let d = tempfile::tempdir().unwrap();
    hosts::hostile(d.path());
    let out = support::avexclude()
        .args(["check", "--root"])
        .arg(d.path())
        .run();
    out.assert_exit_in(&[0, 1]);
    let table = out.stdout();
    assert!(
        !table.chars().any(|c| c.is_control() && c != '\n'),
        "no raw control characters reach the terminal"
    );
    let (_, r) = check(d.path(), &[]);
    assert!(r["summary"]["total"].as_u64().unwrap() > 47);
}

#[test]
fn a_root_with_an_empty_proc_is_not_clean() {
    // Fail closed (PRODUCT.md): no process visible is a scan that could not see the host.
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("proc")).unwrap();
    let out = support::avexclude()
        .args(["check", "--format", "json", "--root"])
        .arg(d.path())
        .run();
    assert_eq!(out.code(), Some(2), "{out}");
    assert!(
        out.stdout_bytes().is_empty(),
        "no report that could look clean"
    );
    assert!(
        out.stderr_lossy().contains("no process is visible"),
        "{out}"
    );
}

#[test]
fn a_host_without_elma365_is_clean() {
    let d = tempfile::tempdir().unwrap();
    let mut h = support::fixture::Host::new("plain-1");
    h.add(
        support::fixture::Proc::new(1, 0, "systemd")
            .exe("/usr/lib/systemd/systemd")
            .args(&["/sbin/init"]),
    );
    h.write(d.path());
    // a host with no ELMA365 at all is reported only on request (lifecycle: `--allow-empty`)
    let (code, r) = check(d.path(), &["--allow-empty"]);
    assert_eq!(code, 0);
    assert_eq!(r["summary"]["present"], 0);
    assert_eq!(r["summary"]["drifted"], 0);
}

#[test]
fn state_file_reports_an_upgrade_once() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    let state = d.path().join("state.json");
    let st = state.to_str().unwrap();
    hosts::microk8s_seed(&root);
    let (_, first) = check(&root, &["--state", st]);
    assert_eq!(
        first["changes"].as_array().unwrap().len(),
        0,
        "the first run has nothing to compare with"
    );
    assert!(state.exists());
    // the same host, upgraded in place
    std::fs::remove_dir_all(&root).unwrap();
    hosts::microk8s_upgraded(&root);
    let (code, second) = check(&root, &["--state", st]);
    assert_eq!(code, 1);
    let changes = second["changes"].as_array().unwrap();
    let has = |id: &str, action: &str| {
        changes
            .iter()
            .any(|c| c["id"] == id && c["action"] == action)
    };
    assert!(has("proc-microk8s-kubelite", "status"), "{changes:?}");
    assert!(has("proc-microk8s-kubelite", "changed"), "{changes:?}");
    let k = changes
        .iter()
        .find(|c| c["id"] == "proc-microk8s-kubelite" && c["action"] == "changed")
        .unwrap();
    assert!(
        k["before"]
            .as_str()
            .unwrap()
            .contains("/snap/microk8s/3410/kubelite")
    );
    assert!(
        k["after"]
            .as_str()
            .unwrap()
            .contains("/snap/microk8s/7394/kubelite")
    );
    assert!(has("db-beam-smp-bitnami", "changed"));
    // reported once: the next run compares with the upgraded state
    let (_, third) = check(&root, &["--state", st]);
    assert_eq!(
        third["changes"].as_array().unwrap().len(),
        0,
        "{}",
        third["changes"]
    );
}

#[test]
fn corrupt_state_file_is_an_error_naming_it() {
    let d = tempfile::tempdir().unwrap();
    hosts::db_host(&d.path().join("host"));
    let state = d.path().join("state.json");
    std::fs::write(&state, b"{\"schema\": 1, \"entries\": [").unwrap();
    let out = support::avexclude()
        .args(["check", "--format", "json", "--root"])
        .arg(d.path().join("host"))
        .arg("--state")
        .arg(&state)
        .run();
    assert_eq!(out.code(), Some(2), "{out}");
    let err = out.stderr_lossy();
    assert!(
        err.contains(state.to_str().unwrap()) && err.contains("corrupt"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&state).unwrap(),
        b"{\"schema\": 1, \"entries\": [",
        "never silently reset"
    );
}

#[test]
fn inventory_round_trip_gives_the_same_report() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_upgraded(&root);
    for fmt in ["yaml", "json"] {
        let inv = d.path().join(format!("inv.{fmt}"));
        let st = support::avexclude()
            .args(["discover", "--format", fmt, "-o"])
            .arg(&inv)
            .arg("--root")
            .arg(&root)
            .run();
        assert!(st.success(), "{st}");
        let (_, live) = check(&root, &[]);
        let offline = support::avexclude()
            .args(["check", "--format", "json", "--inventory"])
            .arg(&inv)
            .run()
            .stdout_json();
        for key in ["entries", "unlisted", "summary", "host"] {
            assert_eq!(live[key], offline[key], "{fmt}: {key} differs");
        }
    }
}

#[test]
fn prometheus_metrics_are_written_atomically_for_the_textfile_collector() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::microk8s_upgraded(&root);
    let prom = d.path().join("avexclude.prom");
    let out = support::avexclude()
        .args(["check", "--format", "prometheus", "--root"])
        .arg(&root)
        .arg("-o")
        .arg(&prom)
        .run();
    assert_eq!(out.code(), Some(1), "{out}");
    assert!(out.stdout_bytes().is_empty(), "{out}");
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(text.contains("avexclude_entry_status{id=\"proc-microk8s-kubelite\",component=\"microk8s\",risk=\"medium\",status=\"drifted\"} 1"), "{text}");
    assert!(text.contains("avexclude_entry_status{id=\"proc-microk8s-kubelite\",component=\"microk8s\",risk=\"medium\",status=\"present\"} 0"));
    assert!(
        text.contains("avexclude_entries{status=\"drifted\"} 5\n"),
        "{text}"
    );
    assert!(text.contains("\navexclude_scan_success 1\n"), "{text}");
    assert!(text.contains("# TYPE avexclude_scan_duration_seconds gauge"));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (_, v) = line.rsplit_once(' ').unwrap();
        assert!(v.parse::<f64>().is_ok(), "{line}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn table_shows_drift_for_people() {
    let d = tempfile::tempdir().unwrap();
    hosts::microk8s_upgraded(d.path());
    let t = support::avexclude()
        .args(["check", "--root"])
        .arg(d.path())
        .run()
        .stdout();
    assert!(t.starts_with("elma365-node-1: "), "summary first: {t}");
    assert!(t.contains("erts 12.3.1 -> 14.2.5"));
    assert!(t.contains("snap revision 3410 -> 7394"));
    assert!(!t.contains("\x1b["), "no colour when not a terminal");
}

/// The ids a report lists from a platform document (`deckhouse-*`, `microk8s-*`).
fn platform_ids(r: &Value, prefix: &str) -> Vec<String> {
    r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["id"].as_str())
        .filter(|id| id.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

#[test]
fn deckhouse_worker_gets_the_deckhouse_security_software_list() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("host");
    hosts::deckhouse_worker(&root);
    let (_, r) = check(&root, &[]);
    // all 14 directories of Deckhouse's list are checked on a Deckhouse node
    assert_eq!(platform_ids(&r, "deckhouse-").len(), 14);
    // the fixture has these (hosts.rs deckhouse_worker) ...
    assert_statuses(
        &r,
        "present",
        &[
            "deckhouse-opt-deckhouse-bin",
            "deckhouse-var-lib-containerd",
            "deckhouse-var-lib-kubelet",
        ],
    );
    // ... and not these: a worker has no etcd, upmeter or vector data
    assert_statuses(
        &r,
        "absent",
        &[
            "deckhouse-var-lib-etcd",
            "deckhouse-var-lib-upmeter",
            "deckhouse-mnt-vector-data",
            "deckhouse-mnt-kubernetes-data",
        ],
    );
    let e = entry(&r, "deckhouse-var-lib-containerd");
    assert_eq!(e["source"]["origin"], "deckhouse");
    assert!(
        e["source"]["document"]
            .as_str()
            .unwrap()
            .contains("deckhouse-used-directories.yml"),
        "{e}"
    );
    // whole container storage, secrets and root executables are held back
    for id in [
        "deckhouse-var-lib-containerd",
        "deckhouse-etc-kubernetes",
        "deckhouse-opt-deckhouse-bin",
        "deckhouse-var-lib-kubelet",
    ] {
        assert_eq!(entry(&r, id)["risk"], "high", "{id}");
    }
    // not a microk8s host: its platform document is not listed at all
    assert!(platform_ids(&r, "microk8s-").is_empty());

    // the answer comes from the inventory's facts: the same offline
    let inv = d.path().join("inv.json");
    let st = support::avexclude()
        .args(["discover", "--format", "json", "-o"])
        .arg(&inv)
        .arg("--root")
        .arg(&root)
        .run();
    assert!(st.success(), "{st}");
    let offline = support::avexclude()
        .args(["check", "--format", "json", "--inventory"])
        .arg(&inv)
        .run()
        .stdout_json();
    assert_eq!(r["entries"], offline["entries"]);
}

#[test]
fn deckhouse_list_needs_opt_deckhouse_bin_on_the_host() {
    let d = tempfile::tempdir().unwrap();
    hosts::deckhouse_worker(d.path());
    std::fs::remove_dir_all(d.path().join("opt/deckhouse/bin")).unwrap();
    let (_, r) = check(d.path(), &[]);
    assert!(platform_ids(&r, "deckhouse-").is_empty());
}

#[test]
fn microk8s_host_gets_its_platform_entries_and_not_deckhouse_s() {
    let d = tempfile::tempdir().unwrap();
    hosts::microk8s_seed(d.path());
    let (_, r) = check(d.path(), &[]);
    assert_eq!(
        platform_ids(&r, "microk8s-"),
        vec!["microk8s-kubelet-root", "microk8s-var-log-pods"]
    );
    let e = entry(&r, "microk8s-kubelet-root");
    assert_eq!(e["source"]["origin"], "avexclude");
    assert_eq!(e["risk"], "high");
    assert!(platform_ids(&r, "deckhouse-").is_empty());
}

#[test]
fn debian_db_host_lists_no_platform_entries() {
    let d = tempfile::tempdir().unwrap();
    hosts::db_host(d.path());
    let (_, r) = check(d.path(), &[]);
    assert!(platform_ids(&r, "deckhouse-").is_empty());
    assert!(platform_ids(&r, "microk8s-").is_empty());
}

/// The Helm chart's ELMA365 services on the upgraded microk8s host (research note E5, D4): their
/// 3000/5000/3100 listeners are known service ports, not unlisted, and 5000 in their pods is
/// not the seed's "Patroni master" 5000; their Go binaries are ELMA365's internal processes.
#[test]
fn elma365_service_ports_are_known_and_grpc_5000_is_not_patroni() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::microk8s_upgraded(d.path());
    let (_, r) = check(d.path(), &[]);
    assert_eq!(
        status(&r, "port-5000-tcp"),
        "absent",
        "{}",
        entry(&r, "port-5000-tcp")
    );
    let unlisted_ports: Vec<&str> = r["unlisted"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["kind"] == "port")
        .map(|u| u["value"].as_str().unwrap())
        .collect();
    for p in hosts::ELMA365_PORTS {
        assert!(
            !unlisted_ports.contains(&format!("{p}/tcp").as_str()),
            "{p}: {unlisted_ports:?}"
        );
    }
    // nor is any of their processes unlisted: the internal-processes rule covers them
    let internal = found(&r, "rule-elma365-internal");
    for exe in ["/srv/bin/deploy", "/srv/bin/main", "/usr/local/bin/node"] {
        assert!(internal.contains(&exe.to_string()), "{exe}: {internal:?}");
    }
    let pids: Vec<i64> = entry(&r, "rule-elma365-internal")["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["pid"].as_i64())
        .collect();
    assert!(pids.contains(&(fx.pid("elma365-deploy") as i64)));
    assert!(
        !r["unlisted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["value"].as_str().unwrap_or("").starts_with("/srv/bin/")),
        "{}",
        r["unlisted"]
    );
}

/// ingress-nginx's real binary (research note N1, N2): the title entries find
/// `/usr/local/nginx/sbin/nginx` on microk8s and `/chroot/usr/local/nginx/sbin/nginx` on
/// Deckhouse, confirmed by the executable; no entry is widened for it and nothing is unlisted.
#[test]
fn nginx_titles_resolve_to_the_real_binary_in_and_out_of_the_chroot() {
    for (make, want) in [
        (
            hosts::microk8s_upgraded as fn(&Path) -> support::fixture::Fixture,
            hosts::NGINX.to_string(),
        ),
        (hosts::deckhouse_worker, format!("/chroot{}", hosts::NGINX)),
    ] {
        let d = tempfile::tempdir().unwrap();
        make(d.path());
        let (_, r) = check(d.path(), &[]);
        for id in ["proc-nginx-master", "proc-nginx-worker"] {
            assert_eq!(status(&r, id), "present", "{id}");
            let f = found(&r, id);
            assert_eq!(f[0], want, "{id}: {f:?}");
            assert!(f[1].ends_with(&format!("/fs{want}")), "{id}: {f:?}");
            assert!(
                !f.contains(&"/usr/bin/nginx".to_string()),
                "the link never runs"
            );
        }
        assert!(
            r["suspicious"]
                .as_array()
                .is_none_or(|s| !s.iter().any(|x| x.to_string().contains("nginx")))
        );
    }
}

/// Valkey in place of Redis (elma365-dbs' valkey chart, research note B4, D8) is drift of the
/// Bitnami Redis entry through its alternate, not an absence plus an unlisted program.
#[test]
fn valkey_is_drift_of_the_bitnami_redis_entry() {
    let d = tempfile::tempdir().unwrap();
    hosts::deckhouse_worker(d.path());
    let (_, r) = check(d.path(), &[]);
    let e = entry(&r, "db-redis-server-bitnami");
    assert_eq!(e["status"], "drifted", "{e}");
    assert_eq!(e["drift"]["host"], "/opt/bitnami/valkey/bin/valkey-server");
    assert!(
        !r["unlisted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["value"].as_str().unwrap_or("").contains("valkey")),
        "{}",
        r["unlisted"]
    );
    // its data on the chart's volume at /data is a database data path
    assert!(
        found(&r, "rule-database-files")
            .iter()
            .any(|p| p.ends_with("_elma365-dbs_valkey-data-valkey-primary-0")),
        "{:?}",
        found(&r, "rule-database-files")
    );
}

/// microk8s's cluster-agent is the snap's Go binary under a bash wrapper (research note M10):
/// the catalog lists no cluster-agent, and unlisted detection follows only the ELMA365
/// namespaces and the known database and platform programs, so neither the agent (a host
/// process), its wrapper nor its port 25000 is unlisted noise.
#[test]
fn microk8s_cluster_agent_is_not_unlisted_noise() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::microk8s_upgraded(d.path());
    let (_, r) = check(d.path(), &[]);
    let agent = fx.pid("cluster-agent") as i64;
    for u in r["unlisted"].as_array().unwrap() {
        let v = u["value"].as_str().unwrap_or("");
        assert!(
            !v.contains("cluster-agent") && v != "/usr/bin/bash" && v != "25000/tcp",
            "{u}"
        );
        assert!(!u.to_string().contains(&format!("\"pid\":{agent}")), "{u}");
    }
}
