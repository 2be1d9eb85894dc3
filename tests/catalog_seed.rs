//! The built-in catalog holds every item of the vendor's antivirus list, verbatim, and the seed's
//! port tables; `catalog show --format json` is the contract reviewers and scripts read.

use crate::support;
use serde_json::Value;

/// The vendor's antivirus list, copied by hand from the seed document (not from the catalog).
const SEED_ITEMS: &[(&str, &str)] = &[
    // two directories
    ("/opt/elma365/", "directory"),
    ("/var/lib/docker/overlay2/", "directory"),
    // nine database binaries and names
    ("/opt/bitnami/postgresql/bin/postgres", "process-path"),
    ("/opt/bitnami/mongodb/bin/mongod", "process-path"),
    ("/opt/bitnami/mongodb/bin/mongo", "process-path"),
    ("redis-server", "process-name"),
    ("/opt/bitnami/redis/bin/redis-server", "process-path"),
    (
        "/opt/bitnami/erlang/lib/erlang/erts-12.3.1/bin/beam.smp",
        "process-path",
    ),
    ("/opt/bitnami/rabbitmq/sbin/rabbitmq-server", "process-path"),
    ("minio", "process-name"),
    ("/opt/bitnami/minio/bin/minio server", "process-path"),
    // twenty-three processes
    ("/bin/sh", "process-path"),
    ("/coredns", "process-path"),
    ("/hostpath-provisioner", "process-path"),
    ("/nginx-ingress-controller", "process-path"),
    (
        "/opt/bitnami/erlang/lib/erlang/erts-12.3.1/bin/epmd",
        "process-path",
    ),
    ("/sbin/dinit", "process-path"),
    ("/snap/microk8s/3410/bin/containerd", "process-path"),
    (
        "/snap/microk8s/3410/bin/containerd-shim-runc-v1",
        "process-path",
    ),
    ("/snap/microk8s/3410/kubelite", "process-path"),
    ("/srv/elma365ctl-server", "process-path"),
    ("/usr/bin/dumb-init", "process-path"),
    ("/usr/bin/kube-controllers", "process-path"),
    ("/usr/libexec/git-core/git-daemon", "process-path"),
    ("/usr/local/bin/node", "process-path"),
    ("/usr/local/bin/runsvdir", "process-path"),
    ("calico-node", "process-name"),
    ("git daemon", "process-name"),
    ("gpg-agent", "process-name"),
    ("nginx: cache manager process", "process-title"),
    ("nginx: master process", "process-title"),
    ("nginx: worker process", "process-title"),
    ("runsv", "process-name"),
    ("sh", "process-name"),
    // the rule
    ("внутренние процессы ELMA365", "rule"),
    // twelve database-interaction ports
    ("5432", "port"),
    ("5000", "port"),
    ("5001", "port"),
    ("8008", "port"),
    ("27017", "port"),
    ("6379", "port"),
    ("26379", "port"),
    ("5672", "port"),
    ("5671", "port"),
    ("15672", "port"),
    ("15671", "port"),
    ("9000", "port"),
];

fn show_json() -> Value {
    support::avexclude()
        .args(["catalog", "show", "--format", "json"])
        .run()
        .assert_exit(0)
        .stdout_json()
}

#[test]
fn every_seed_item_is_an_entry_with_its_verbatim_text() {
    assert_eq!(SEED_ITEMS.len(), 47);
    let v = show_json();
    let entries = v["entries"].as_array().unwrap();
    for (text, kind) in SEED_ITEMS {
        let hits: Vec<&Value> = entries
            .iter()
            .filter(|e| {
                e["canonical"] == *text
                    && e["source"]["origin"] == "vendor"
                    && e["audit_only"] != true
            })
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "seed item {text:?} must be exactly one vendor entry"
        );
        let e = hits[0];
        assert_eq!(e["kind"], *kind, "{text}");
        assert!(e["id"].as_str().is_some_and(|s| !s.is_empty()));
        for key in ["component", "section"] {
            assert!(
                e[key].as_str().is_some_and(|s| !s.is_empty()),
                "{text}: {key}"
            );
        }
        for key in ["reason", "risk_why"] {
            assert!(
                e[key]["ru"].as_str().is_some_and(|s| !s.is_empty()),
                "{text}: {key}.ru"
            );
            assert!(
                e[key]["en"].as_str().is_some_and(|s| !s.is_empty()),
                "{text}: {key}.en"
            );
        }
    }
}

#[test]
fn ids_are_unique_and_versioned_paths_carry_placeholders() {
    let v = show_json();
    let entries = v["entries"].as_array().unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for e in entries {
        assert!(
            ids.insert(e["id"].as_str().unwrap().to_string()),
            "duplicate {}",
            e["id"]
        );
    }
    let by = |id: &str| entries.iter().find(|e| e["id"] == id).unwrap().clone();
    assert_eq!(
        by("db-beam-smp-bitnami")["match"],
        "/opt/bitnami/erlang/lib/erlang/erts-{erts}/bin/beam.smp"
    );
    assert_eq!(
        by("proc-microk8s-kubelite")["match"],
        "/snap/microk8s/{revision}/kubelite"
    );
    assert_eq!(v["placeholders"]["erts"]["shape"], "version");
}

#[test]
fn high_risk_entries_are_the_shells_interpreters_and_container_storage() {
    let v = show_json();
    let high: std::collections::BTreeSet<String> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["risk"] == "high")
        .map(|e| e["canonical"].as_str().unwrap().to_string())
        .collect();
    for must in [
        "/bin/sh",
        "sh",
        "/usr/local/bin/node",
        "/var/lib/docker/overlay2/",
    ] {
        assert!(high.contains(must), "{must} must be high risk: {high:?}");
    }
    assert!(!high.contains("/opt/bitnami/postgresql/bin/postgres"));
}

#[test]
fn firewall_tables_are_audit_only_data() {
    let v = show_json();
    let entries = v["entries"].as_array().unwrap();
    let fw: Vec<&Value> = entries.iter().filter(|e| e["audit_only"] == true).collect();
    assert!(fw.len() >= 40, "{}", fw.len());
    let drbd = fw
        .iter()
        .find(|e| e["canonical"] == "7000–7999")
        .expect("the DRBD range");
    assert_eq!(drbd["ports"][0]["first"], 7000);
    assert_eq!(drbd["ports"][0]["last"], 7999);
    assert!(
        fw.iter()
            .any(|e| e["canonical"] == "4234" && e["ports"][0]["protocol"] == "udp")
    );
    assert!(fw.iter().any(|e| e["canonical"] == "ICMP"));
}

#[test]
fn lint_accepts_the_builtin_catalog() {
    let out = support::avexclude().args(["catalog", "lint"]).run();
    out.assert_exit(0);
    assert!(out.stdout_lossy().starts_with("catalog ok:"), "{out}");
}
