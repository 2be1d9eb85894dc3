//! Site namespaces and ELMA365 service images (issue 10): a site overlay names its own
//! namespaces; an ELMA365 service is recognised by the image its runtime recorded.

use avexclude::catalog::{self, SourceFile};
use avexclude::check;
use avexclude::model::{ContainerCtx, HostStr, Inventory, Listener, Process, Runtime, Trust};

fn svc(pid: i32, ns: &str, image: Option<&str>) -> Process {
    let exe = "/srv/bin/main";
    Process {
        pid,
        ppid: 1,
        comm: "main".into(),
        cmdline: vec![HostStr::from(exe), HostStr::from("start")],
        exe: Some(exe.into()),
        exe_host: Some(HostStr::from(format!(
            "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/{pid}/fs{exe}"
        ))),
        uid: Some(1001),
        trust: Some(Trust::yes("test: an image layer")),
        container: Some(ContainerCtx {
            runtime: Some(Runtime::Containerd),
            container_id: Some(format!("{pid:064}")),
            namespace: Some(ns.into()),
            pod_name: Some(format!("main-{pid}")),
            container_name: Some("main".into()),
            image: image.map(str::to_string),
            ..ContainerCtx::default()
        }),
        ..Process::default()
    }
}

fn internal_pids(cat: &avexclude::model::Catalog, inv: &Inventory) -> Vec<i32> {
    let r = check::check(cat, inv);
    let e = r
        .entries
        .iter()
        .find(|e| {
            cat.get(&e.id)
                .is_some_and(|x| x.pattern == "elma365-internal-processes")
        })
        .expect("the internal-processes rule");
    let mut v: Vec<i32> = e.matches.iter().filter_map(|m| m.pid).collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_site_overlay_names_its_namespaces() {
    let inv = Inventory {
        processes: vec![
            svc(10, "elma365", None),
            svc(11, "acme-prod", None),
            svc(12, "elma365-applets", None),
        ],
        ..Inventory::default()
    };
    let builtin = catalog::builtin_sources();
    let cat = catalog::load(&builtin).unwrap();
    assert_eq!(cat.namespaces.application, vec!["elma365"]);
    // customer code runs in elma365-applets: never exempted as an internal process
    assert_eq!(internal_pids(&cat, &inv), vec![10]);

    let mut files = builtin.clone();
    files.push(SourceFile {
        name: "site.yaml".into(),
        text: "schema: 1\nnamespaces:\n  application: [acme-prod]\n  databases: [acme-dbs]\n"
            .into(),
    });
    let cat = catalog::load(&files).unwrap();
    assert_eq!(cat.namespaces.application, vec!["acme-prod"]);
    assert_eq!(cat.namespaces.databases, vec!["acme-dbs"]);
    assert_eq!(internal_pids(&cat, &inv), vec![11]);
    // the match carries the pod identity into the report
    let r = check::check(&cat, &inv);
    let m = r
        .entries
        .iter()
        .flat_map(|e| &e.matches)
        .find(|m| m.pid == Some(11))
        .unwrap();
    assert_eq!(m.pod.as_deref(), Some("main-11"));
    assert_eq!(m.container_name.as_deref(), Some("main"));

    // a bad name is an error naming the file
    let mut bad = builtin.clone();
    bad.push(SourceFile {
        name: "bad.yaml".into(),
        text: "schema: 1\nnamespaces:\n  application: [Not_A_Name]\n".into(),
    });
    let d = catalog::load(&bad).unwrap_err();
    assert!(
        d.iter()
            .any(|d| d.to_string().contains("bad.yaml") && d.to_string().contains("Not_A_Name")),
        "{d:?}"
    );
}

#[test]
fn an_elma365_image_makes_a_service_whatever_its_namespace() {
    let inv = Inventory {
        processes: vec![
            svc(
                20,
                "default",
                Some("hub.elma365.tech/elma365/main/service:2025.4.6"),
            ),
            svc(21, "default", Some("evil.example/elma365/main/service:1")),
            svc(
                22,
                "default",
                Some("hub.elma365.tech/docker/databases/postgres:15.4.0-debian-11-r45"),
            ),
        ],
        ..Inventory::default()
    };
    let cat = catalog::load(&catalog::builtin_sources()).unwrap();
    assert_eq!(internal_pids(&cat, &inv), vec![20]);
}

fn listen(pid: i32, port: u16, inode: u64, netns: &str) -> Listener {
    Listener {
        protocol: avexclude::model::Protocol::Tcp,
        ip_version: 4,
        address: "0.0.0.0".into(),
        port,
        inode,
        pids: vec![pid],
        netns: Some(netns.into()),
        ..Listener::default()
    }
}

/// ELMA365's grpc port 5000 is not the seed's "Patroni master" 5000: a port entry matches only
/// when its component's program holds the socket; the services' own ports (3000/5000/3100) and
/// the kubelet's are known, not unlisted.
#[test]
fn ports_belong_to_their_program() {
    let mut patroni = svc(31, "elma365-dbs", None);
    patroni.exe = Some("/usr/local/bin/patroni".into());
    patroni.comm = "patroni".into();
    patroni.cmdline = vec![HostStr::from("/usr/local/bin/patroni")];
    let mut kubelet = svc(32, "", None);
    kubelet.container = None;
    kubelet.exe = Some("/usr/bin/kubelet".into());
    kubelet.exe_host = kubelet.exe.clone();
    kubelet.comm = "kubelet".into();
    kubelet.cmdline = vec![HostStr::from("/usr/bin/kubelet")];
    let inv = Inventory {
        processes: vec![svc(30, "elma365", None), patroni, kubelet],
        listeners: vec![
            listen(30, 5000, 1, "net:[4026532300]"),
            listen(30, 3000, 2, "net:[4026532300]"),
            listen(30, 3100, 3, "net:[4026532300]"),
            listen(31, 5000, 4, "net:[4026532301]"),
            listen(32, 10250, 5, "host"),
        ],
        ..Inventory::default()
    };
    let cat = catalog::load(&catalog::builtin_sources()).unwrap();
    let r = check::check(&cat, &inv);
    let e = r.entries.iter().find(|e| e.id == "port-5000-tcp").unwrap();
    let pids: Vec<_> = e.matches.iter().filter_map(|m| m.pid).collect();
    assert_eq!(pids, vec![31], "{:#?}", e.matches);
    let ports: Vec<String> = r
        .unlisted
        .iter()
        .filter(|u| u.kind == "port")
        .map(|u| u.value.display())
        .collect();
    assert!(ports.is_empty(), "{ports:?}");
    // without the exemptions, an unknown port of a service is still reported
    let mut inv2 = inv.clone();
    inv2.listeners.push(listen(30, 6999, 6, "net:[4026532300]"));
    let r = check::check(&cat, &inv2);
    assert!(
        r.unlisted
            .iter()
            .any(|u| u.kind == "port" && u.value.display() == "6999/tcp")
    );
}

/// Debian's `redis-server` is a link to `redis-check-rdb` (the kernel shows the target as
/// `/proc/PID/exe`): on the Debian database host it is drift of the Bitnami path, not absence.
#[test]
fn debian_redis_server_is_drift_of_the_bitnami_path() {
    let d = tempfile::tempdir().unwrap();
    let fx = crate::support::hosts::db_host(d.path());
    let out = crate::support::avexclude()
        .args(["check", "--format", "json", "--root"])
        .arg(&fx.root)
        .run();
    let r: serde_json::Value = out.stdout_as();
    let e = r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "db-redis-server-bitnami")
        .unwrap();
    assert_eq!(e["status"], "drifted", "{e}");
    assert!(
        e["found"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "/usr/bin/redis-check-rdb"),
        "{e}"
    );
}
