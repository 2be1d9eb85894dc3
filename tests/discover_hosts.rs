//! `avexclude discover --root` on each fixture host: the concrete facts a check relies on.

use crate::support;

use avexclude::model::{Inventory, Process, Runtime};
use support::hosts;

fn inv_of(
    make: fn(&std::path::Path) -> support::fixture::Fixture,
) -> (support::fixture::Fixture, Inventory, tempfile::TempDir) {
    let d = tempfile::tempdir().unwrap();
    let fx = make(d.path());
    let inv = support::discover_inventory(&fx.root);
    (fx, inv, d)
}

fn proc_of(inv: &Inventory, pid: i32) -> &Process {
    inv.processes
        .iter()
        .find(|p| p.pid == pid)
        .unwrap_or_else(|| panic!("pid {pid} missing from the inventory"))
}

fn s(h: &Option<avexclude::model::HostStr>) -> String {
    h.as_ref()
        .map(|x| String::from_utf8(x.0.clone()).unwrap())
        .unwrap_or_default()
}

/// A microk8s hostpath-provisioner volume of namespace elma365-dbs, as the fixture names it
/// (`<PV_DIR>/<ns>-<claim>-pvc-<full uid>`, research note M7).
fn microk8s_pv(claim: &str) -> String {
    format!(
        "/var/snap/microk8s/common/default-storage/elma365-dbs-{claim}-pvc-{}",
        support::fixture::pod_uid(claim)
    )
}

fn listener_pids(inv: &Inventory, proto: &str, port: u16) -> Vec<i32> {
    let mut v: Vec<i32> = inv
        .listeners
        .iter()
        .filter(|l| l.protocol.as_str() == proto && l.port == port)
        .flat_map(|l| l.pids.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn microk8s_seed_bitnami_postgres_pod() {
    let (fx, inv, _d) = inv_of(hosts::microk8s_seed);
    assert_eq!(inv.host.hostname, "elma365-node-1");
    assert_eq!(inv.host.os, "Ubuntu 22.04.4 LTS");
    assert_eq!(inv.host.kernel, "5.15.0-105-generic");
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);

    let pg = proc_of(&inv, fx.pid("postgres"));
    let ctr = fx.ctr("postgresql");
    assert_eq!(s(&pg.exe), "/opt/bitnami/postgresql/bin/postgres");
    // the binary is in the image's top lower layer, as the host sees it
    let want = format!(
        "{}/opt/bitnami/postgresql/bin/postgres",
        String::from_utf8(ctr.lowers[0].clone()).unwrap()
    );
    assert_eq!(s(&pg.exe_host), want);
    assert!(want.starts_with("/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/"));
    let c = pg.container.as_ref().expect("postgres is containerised");
    assert_eq!(c.runtime, Some(Runtime::Microk8s));
    assert_eq!(c.container_id.as_deref(), Some(ctr.id.as_str()));
    assert_eq!(c.pod_uid, ctr.pod_uid);
    assert_eq!(c.namespace.as_deref(), Some("elma365-dbs"));
    let rootfs = c.rootfs.as_ref().unwrap();
    assert_eq!(rootfs.upperdir.as_ref().unwrap().0, ctr.upper);
    assert_eq!(rootfs.lowerdirs.len(), 4);
    // the volume's host source
    let vol = c
        .mounts
        .iter()
        .find(|m| m.target.0 == b"/bitnami/postgresql")
        .unwrap();
    // hostpath-provisioner's `<ns>-<claim>-pvc-<full uid>` (research note M7, E8)
    assert_eq!(s(&vol.host_source), microk8s_pv("data-postgres-0"));
    // the service-account token volume maps to the kubelet's copy on the host
    let sa = c
        .mounts
        .iter()
        .find(|m| m.target.0 == b"/run/secrets/kubernetes.io/serviceaccount")
        .unwrap();
    let kubelet = format!(
        "/var/snap/microk8s/common/var/lib/kubelet/pods/{}/volumes/kubernetes.io~projected/kube-api-access-",
        ctr.pod_uid.as_deref().unwrap()
    );
    assert!(
        s(&sa.host_source).starts_with(&kubelet),
        "{:?}",
        sa.host_source
    );
    assert_eq!(listener_pids(&inv, "tcp", 5432), vec![fx.pid("postgres")]);
    // children keep their titles, without the trailing padding
    let ck = proc_of(&inv, fx.pid("postgres-checkpointer"));
    assert_eq!(ck.cmdline.len(), 1);
    assert_eq!(ck.cmdline[0].0, b"postgres: checkpointer");
}

#[test]
fn microk8s_seed_snap_erts_storage_and_data() {
    let (fx, inv, _d) = inv_of(hosts::microk8s_seed);
    let snap = inv
        .filesystem
        .snaps
        .iter()
        .find(|s| s.name == "microk8s")
        .unwrap();
    assert_eq!(snap.revisions, vec!["3410"]);
    assert_eq!(snap.current.as_deref(), Some("3410"));
    let kl = proc_of(&inv, fx.pid("kubelite"));
    assert_eq!(s(&kl.exe), "/snap/microk8s/3410/kubelite");
    assert_eq!(s(&kl.exe_host), "/snap/microk8s/3410/kubelite");
    assert!(kl.container.is_none());
    assert_eq!(
        s(&proc_of(&inv, fx.pid("shim-postgresql")).exe),
        "/snap/microk8s/3410/bin/containerd-shim-runc-v1"
    );

    let erts: Vec<_> = inv
        .filesystem
        .erts
        .iter()
        .map(|e| (e.version.as_str(), s(&e.container_path)))
        .collect();
    assert_eq!(
        erts,
        vec![(
            "12.3.1",
            "/opt/bitnami/erlang/lib/erlang/erts-12.3.1".to_string()
        )]
    );
    assert!(
        inv.filesystem.erts[0]
            .path
            .as_str()
            .unwrap()
            .contains("/io.containerd.snapshotter.v1.overlayfs/snapshots/")
    );

    let kinds: Vec<_> = inv
        .filesystem
        .container_storage
        .iter()
        .map(|r| (r.kind.as_str(), r.in_use))
        .collect();
    assert_eq!(
        kinds,
        vec![("microk8s-containerd-overlayfs", true)],
        "no Docker on a microk8s host"
    );
    let opt = inv
        .filesystem
        .paths
        .iter()
        .find(|p| p.path.0 == b"/opt/elma365")
        .unwrap();
    assert_eq!(opt.file_type.as_str(), "directory");

    let dp = |comp: &str| {
        inv.data_paths
            .iter()
            .find(|d| d.component == comp)
            .unwrap_or_else(|| panic!("no {comp} data path"))
    };
    let pg = dp("postgresql");
    assert_eq!(s(&pg.container_path), "/bitnami/postgresql/data");
    // the PV directory is the data path (research note M7: `<ns>-<claim>-pvc-<full uid>`)
    assert_eq!(
        pg.path.as_str().unwrap(),
        format!("{}/data", microk8s_pv("data-postgres-0"))
    );
    assert_eq!(pg.evidence.pid, Some(fx.pid("postgres")));
    assert_eq!(pg.source, "cmdline -D");
    let mg = dp("mongodb");
    assert_eq!(s(&mg.container_path), "/bitnami/mongodb/data/db");
    assert_eq!(mg.source, "config dbPath");
    assert_eq!(
        mg.path.as_str().unwrap(),
        format!("{}/data/db", microk8s_pv("datadir-mongo-0"))
    );
    let rd = dp("redis");
    assert_eq!(s(&rd.container_path), "/data");
    // RabbitMQ's mnesia on the chart's volume, `RABBITMQ_MNESIA_DIR` (research note B5)
    let rq = dp("rabbitmq");
    let rq_node = "rabbit@rabbitmq-0.rabbitmq-headless.elma365-dbs.svc.cluster.local";
    assert_eq!(
        s(&rq.container_path),
        format!("/opt/bitnami/rabbitmq/.rabbitmq/mnesia/{rq_node}")
    );
    assert_eq!(
        rq.path.as_str().unwrap(),
        format!("{}/{rq_node}", microk8s_pv("data-rabbitmq-0"))
    );
    assert_eq!(rq.evidence.pid, Some(fx.pid("beam.smp")));
    // MinIO 2022: data at `/data` on claim `minio`, argv[0] the full path (research note B7)
    let mn = dp("minio");
    assert_eq!(s(&mn.container_path), "/data");
    assert_eq!(mn.path.as_str().unwrap(), microk8s_pv("minio"));
    assert_eq!(
        proc_of(&inv, fx.pid("minio")).argv0().unwrap().0,
        b"/opt/bitnami/minio/bin/minio"
    );
    assert_eq!(inv.data_paths.len(), 5, "{:#?}", inv.data_paths);
}

#[test]
fn microk8s_seed_shells_titles_and_listeners() {
    let (fx, inv, _d) = inv_of(hosts::microk8s_seed);
    // /bin/sh in an Alpine image runs as busybox; in a Bitnami (Debian) image as dash
    let sh = proc_of(&inv, fx.pid("sh-busybox"));
    assert_eq!(sh.argv0().unwrap().0, b"/bin/sh");
    assert_eq!(s(&sh.exe), "/bin/busybox");
    assert!(s(&sh.exe_host).ends_with("/fs/bin/busybox"));
    let rs = proc_of(&inv, fx.pid("rabbitmq-server-sh"));
    assert_eq!(rs.argv0().unwrap().0, b"/bin/sh");
    assert_eq!(s(&rs.exe), "/usr/bin/dash");
    assert!(s(&rs.exe_host).ends_with("/fs/usr/bin/dash"));

    let w = proc_of(&inv, fx.pid("nginx-worker-0"));
    assert_eq!(w.cmdline.len(), 1);
    assert_eq!(w.cmdline[0].0, b"nginx: worker process");
    let cm = proc_of(&inv, fx.pid("nginx-cache-manager"));
    assert_eq!(cm.cmdline_joined().0, b"nginx: cache manager process");
    let redis = proc_of(&inv, fx.pid("redis"));
    assert_eq!(
        redis.cmdline_joined().0,
        b"/opt/bitnami/redis/bin/redis-server *:6379"
    );

    // the listening socket is inherited by the workers
    assert_eq!(
        listener_pids(&inv, "tcp", 80),
        vec![
            fx.pid("nginx-master"),
            fx.pid("nginx-worker-0"),
            fx.pid("nginx-worker-1")
        ]
    );
    assert_eq!(listener_pids(&inv, "tcp", 4369), vec![fx.pid("epmd")]);
    assert_eq!(listener_pids(&inv, "udp", 53), vec![fx.pid("coredns")]);
    assert!(
        inv.listeners
            .iter()
            .any(|l| l.port == 4369 && l.ip_version == 6 && l.address == "::")
    );
    // calico-node uses the host network: its listener is in /proc/net/tcp
    assert_eq!(
        listener_pids(&inv, "tcp", 9099),
        vec![fx.pid("calico-felix")]
    );
    assert_eq!(listener_pids(&inv, "tcp", 16443), vec![fx.pid("kubelite")]);
    // cluster-agent is the snap's Go binary under its bash wrapper, not a python script
    // (research note M10)
    let agent = proc_of(&inv, fx.pid("cluster-agent"));
    assert_eq!(s(&agent.exe), "/snap/microk8s/3410/bin/cluster-agent");
    assert_eq!(s(&agent.exe_host), "/snap/microk8s/3410/bin/cluster-agent");
    assert!(agent.container.is_none());
    assert_eq!(s(&proc_of(&inv, agent.ppid).exe), "/usr/bin/bash");
    assert_eq!(
        agent.cgroup,
        vec!["0::/system.slice/snap.microk8s.daemon-cluster-agent.service".to_string()]
    );
    assert_eq!(
        listener_pids(&inv, "tcp", 25000),
        vec![fx.pid("cluster-agent")]
    );
    assert!(!inv.processes.iter().any(|p| p.comm.0 == b"python3"));
    // the dqlite store under the revision, not `current` (research note M10)
    let dqlite = inv
        .processes
        .iter()
        .find(|p| p.comm.0 == b"k8s-dqlite")
        .expect("k8s-dqlite");
    assert_eq!(
        dqlite.cmdline[1].0,
        b"--storage-dir=/var/snap/microk8s/3410/var/kubernetes/backend/"
    );
    assert_eq!(listener_pids(&inv, "tcp", 19001), vec![dqlite.pid]);
    // each snap daemon in its snapd unit, on the host (no container)
    for (p, app) in [
        (dqlite, "k8s-dqlite"),
        (proc_of(&inv, fx.pid("kubelite")), "kubelite"),
    ] {
        assert_eq!(
            p.cgroup,
            vec![format!(
                "0::/system.slice/snap.microk8s.daemon-{app}.service"
            )]
        );
        assert!(p.container.is_none(), "{app}");
    }
    // a connected socket is not a listener
    assert!(!inv.listeners.iter().any(|l| l.inode == 29999));

    // the kernel marks a replaced binary
    let sshd = proc_of(&inv, fx.pid("sshd-replaced"));
    assert_eq!(s(&sshd.exe), "/usr/sbin/sshd");
    assert!(sshd.exe_deleted);
    assert!(sshd.exe_host.is_none());

    // every process of the host is there, kernel threads flagged
    assert!(inv.processes.iter().any(|p| p.pid == 2 && p.kernel_thread));
    assert_eq!(proc_of(&inv, fx.pid("init")).user.as_deref(), Some("root"));
    let names: Vec<_> = [
        "/coredns",
        "/hostpath-provisioner",
        "/usr/bin/kube-controllers",
        "/srv/elma365ctl-server",
        "/usr/libexec/git-core/git-daemon",
        "/usr/bin/gpg-agent",
        "/sbin/dinit",
        "/usr/local/bin/runsvdir",
        "/usr/bin/dumb-init",
        "/nginx-ingress-controller",
    ]
    .iter()
    .filter(|e| {
        !inv.processes
            .iter()
            .any(|p| p.exe.as_ref().is_some_and(|x| x.0 == e.as_bytes()) && p.exe_host.is_some())
    })
    .collect();
    assert!(names.is_empty(), "not found with a host path: {names:?}");
    assert_eq!(
        proc_of(&inv, fx.pid("elma365-main"))
            .container
            .as_ref()
            .unwrap()
            .namespace
            .as_deref(),
        Some("elma365")
    );
    assert_eq!(
        proc_of(&inv, fx.pid("coredns"))
            .container
            .as_ref()
            .unwrap()
            .namespace
            .as_deref(),
        Some("kube-system")
    );
}

#[test]
fn microk8s_upgraded_shows_the_new_revision_and_erts() {
    let (fx, inv, _d) = inv_of(hosts::microk8s_upgraded);
    let snap = inv
        .filesystem
        .snaps
        .iter()
        .find(|s| s.name == "microk8s")
        .unwrap();
    assert_eq!(snap.revisions, vec!["3410", "7394"]);
    assert_eq!(snap.current.as_deref(), Some("7394"));
    assert_eq!(
        s(&proc_of(&inv, fx.pid("kubelite")).exe),
        "/snap/microk8s/7394/kubelite"
    );
    let versions: Vec<_> = inv
        .filesystem
        .erts
        .iter()
        .map(|e| e.version.as_str())
        .collect();
    // RabbitMQ 3.13.7-debian-12: OTP 26.2.5, erts 14.2.5 (research note B6)
    assert_eq!(versions, vec!["14.2.5"]);
    let beam = proc_of(&inv, fx.pid("beam.smp"));
    assert_eq!(
        s(&beam.exe),
        "/opt/bitnami/erlang/lib/erlang/erts-14.2.5/bin/beam.smp"
    );
    assert!(
        s(&beam.exe_host).ends_with("/fs/opt/bitnami/erlang/lib/erlang/erts-14.2.5/bin/beam.smp")
    );
}

#[test]
fn catalog_templates_are_probed_on_the_host() {
    let (_fx, inv, _d) = inv_of(hosts::microk8s_upgraded);
    let fact = |p: &str| {
        inv.filesystem
            .paths
            .iter()
            .find(|f| f.path.0 == p.as_bytes())
            .map(|f| f.file_type.as_str())
    };
    // {revision} expanded by listing /snap/microk8s: both revision dirs hold the binaries
    assert_eq!(fact("/snap/microk8s/7394/bin/containerd"), Some("file"));
    assert_eq!(fact("/snap/microk8s/3410/kubelite"), Some("file"));
    assert_eq!(
        fact("/snap/microk8s/current/kubelite"),
        None,
        "`current` is not a revision"
    );
    // a fixed catalog directory that is missing is recorded as missing
    assert_eq!(fact("/var/lib/docker/overlay2"), Some("missing"));
    assert_eq!(fact("/opt/elma365"), Some("directory"));
    // {erts} under a missing parent: the parent is recorded
    assert_eq!(fact("/usr/lib/erlang"), Some("missing"));
}

#[test]
fn deckhouse_worker_systemd_cgroups_and_second_disk() {
    let (fx, inv, _d) = inv_of(hosts::deckhouse_worker);
    let pg = proc_of(&inv, fx.pid("postgres"));
    let ctr = fx.ctr("postgresql");
    let c = pg.container.as_ref().unwrap();
    assert_eq!(c.runtime, Some(Runtime::Containerd));
    assert_eq!(c.container_id.as_deref(), Some(ctr.id.as_str()));
    // the systemd slice spells the uid with underscores; the inventory with dashes
    assert_eq!(c.pod_uid, ctr.pod_uid);
    assert!(pg.cgroup[0].contains("kubepods-burstable-pod") && pg.cgroup[0].contains('_'));
    assert_eq!(c.namespace.as_deref(), Some("elma365-dbs"));
    assert!(
        s(&pg.exe_host)
            .starts_with("/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/")
    );
    let dp = inv
        .data_paths
        .iter()
        .find(|d| d.component == "postgresql")
        .unwrap();
    assert_eq!(
        dp.path.as_str().unwrap(),
        "/mnt/data/local-path-provisioner/pvc-3f1c9a2e-5b7d-4e8f-9a1b-2c3d4e5f6a7b_elma365-dbs_data-postgres-0/data"
    );
    let kinds: Vec<_> = inv
        .filesystem
        .container_storage
        .iter()
        .map(|r| (r.kind.as_str(), r.in_use))
        .collect();
    assert_eq!(kinds, vec![("containerd-overlayfs", true)]);
    assert!(inv.filesystem.snaps.is_empty());
    assert_eq!(
        listener_pids(&inv, "tcp", 80),
        vec![fx.pid("nginx-master"), fx.pid("nginx-worker")]
    );
    assert_eq!(
        proc_of(&inv, fx.pid("elma365-auth"))
            .container
            .as_ref()
            .unwrap()
            .namespace
            .as_deref(),
        Some("elma365")
    );
}

#[test]
fn docker_host_overlay2_and_cgroup_v1() {
    let (fx, inv, _d) = inv_of(hosts::docker_host);
    assert_eq!(inv.host.os, "CentOS Linux 7 (Core)");
    let pg = proc_of(&inv, fx.pid("postgres"));
    let ctr = fx.ctr("postgresql");
    let c = pg.container.as_ref().unwrap();
    assert_eq!(c.runtime, Some(Runtime::Docker));
    assert_eq!(c.container_id.as_deref(), Some(ctr.id.as_str()));
    assert_eq!(c.pod_uid, None);
    // lowerdir names Docker's short l/ links; the inventory reports the real layer directory
    let want = format!(
        "{}/opt/bitnami/postgresql/bin/postgres",
        String::from_utf8(ctr.lowers[0].clone()).unwrap()
    );
    assert_eq!(s(&pg.exe_host), want);
    assert!(!want.contains("/l/"));
    let dps: Vec<_> = inv
        .data_paths
        .iter()
        .map(|d| {
            (
                d.component.as_str(),
                d.path.as_str().unwrap(),
                s(&d.container_path),
            )
        })
        .collect();
    assert_eq!(
        dps,
        vec![
            (
                "postgresql",
                "/var/lib/docker/volumes/elma365_pg_data/_data/data",
                "/bitnami/postgresql/data".to_string()
            ),
            ("redis", "/srv/redis", "/bitnami/redis/data".to_string()),
            ("minio", "/srv/minio", "/bitnami/minio/data".to_string()),
        ]
    );
    let kinds: Vec<_> = inv
        .filesystem
        .container_storage
        .iter()
        .map(|r| (r.kind.as_str(), r.in_use))
        .collect();
    // the volumes directory is a storage root (KinD keeps layers there); no layer is in it here
    assert_eq!(
        kinds,
        vec![("docker-overlay2", true), ("docker-volumes", false)]
    );
    assert_eq!(listener_pids(&inv, "tcp", 6379), vec![fx.pid("redis")]);
}

#[test]
fn db_host_debian_packages() {
    let (fx, inv, _d) = inv_of(hosts::db_host);
    assert_eq!(inv.host.os, "Debian GNU/Linux 12 (bookworm)");
    let redis = proc_of(&inv, fx.pid("redis"));
    assert_eq!(s(&redis.exe), "/usr/bin/redis-check-rdb");
    assert_eq!(redis.comm.0, b"redis-server");
    assert_eq!(
        redis.cmdline,
        vec![avexclude::model::HostStr::from(
            "/usr/bin/redis-server 127.0.0.1:6379"
        )]
    );
    assert_eq!(redis.user.as_deref(), Some("redis"));
    let sh = proc_of(&inv, fx.pid("rabbitmq-server-sh"));
    assert_eq!(s(&sh.exe), "/usr/bin/dash");
    assert_eq!(sh.cmdline[1].0, b"/usr/lib/rabbitmq/bin/rabbitmq-server");
    assert_eq!(
        s(&proc_of(&inv, fx.pid("beam.smp")).exe_host),
        "/usr/lib/erlang/erts-13.1.5/bin/beam.smp"
    );
    assert!(inv.processes.iter().all(|p| p.container.is_none()));
    assert_eq!(inv.filesystem.erts.len(), 1);
    assert_eq!(inv.filesystem.erts[0].version, "13.1.5");
    assert_eq!(
        inv.filesystem.erts[0].path.0,
        b"/usr/lib/erlang/erts-13.1.5"
    );
    assert!(inv.filesystem.erts[0].container_path.is_none());
    assert!(inv.filesystem.container_storage.is_empty());
    let dps: Vec<_> = inv
        .data_paths
        .iter()
        .map(|d| (d.component.as_str(), d.path.as_str().unwrap()))
        .collect();
    assert!(
        dps.contains(&("postgresql", "/var/lib/postgresql/15/main")),
        "{dps:?}"
    );
    assert!(dps.contains(&("redis", "/var/lib/redis")));
    assert!(dps.contains(&("rabbitmq", "/var/lib/rabbitmq/mnesia")));
    assert!(dps.contains(&("mongodb", "/var/lib/mongodb")));
    assert_eq!(
        dps.iter().filter(|d| d.0 == "postgresql").count(),
        1,
        "Patroni and -D name one directory"
    );
    for (port, role) in [
        (5432, "postgres"),
        (6379, "redis"),
        (5672, "beam.smp"),
        (15672, "beam.smp"),
        (27017, "mongod"),
        (4369, "epmd"),
        (8008, "patroni"),
    ] {
        assert_eq!(
            listener_pids(&inv, "tcp", port),
            vec![fx.pid(role)],
            "port {port}"
        );
    }
    assert!(
        inv.listeners
            .iter()
            .any(|l| l.port == 6379 && l.address == "::1")
    );
}

#[test]
fn hostile_paths_survive_byte_for_byte() {
    let (fx, inv, _d) = inv_of(hosts::hostile);
    let dps: Vec<_> = inv
        .data_paths
        .iter()
        .map(|d| (d.component.as_str(), d.path.0.clone()))
        .collect();
    assert!(
        dps.contains(&("postgresql", hosts::HOSTILE_DIR.as_bytes().to_vec())),
        "{dps:?}"
    );
    assert!(dps.contains(&("redis", hosts::HOSTILE_NEWLINE.as_bytes().to_vec())));
    assert!(dps.contains(&("mongodb", hosts::hostile_non_utf8())));
    let e = proc_of(&inv, fx.pid("hostile-exe-newline"));
    assert_eq!(
        e.exe.as_ref().unwrap().0,
        hosts::HOSTILE_EXE_NEWLINE.as_bytes()
    );
    assert_eq!(
        e.exe_host.as_ref().unwrap().0,
        hosts::HOSTILE_EXE_NEWLINE.as_bytes()
    );
    let pc = proc_of(&inv, fx.pid("postgres-container"));
    assert!(
        pc.exe_host
            .as_ref()
            .unwrap()
            .0
            .starts_with(hosts::HOSTILE_DOCKER_ROOT.as_bytes())
    );
    assert_eq!(
        pc.container.as_ref().unwrap().runtime,
        Some(Runtime::Docker)
    );
}

#[test]
fn deleted_and_vanished_fixture_processes() {
    // A fixture process whose stat is gone (it exited between readdir and read) is left out with
    // a warning; the scan goes on and exits 0.
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::db_host(d.path());
    std::fs::remove_file(fx.root.join(format!("proc/{}/stat", fx.pid("mongod")))).unwrap();
    let inv = support::discover_inventory(&fx.root);
    assert!(inv.processes.iter().all(|p| p.pid != fx.pid("mongod")));
    assert!(inv.warnings.iter().any(|w| w.code == "process-vanished"
        && w.subject.as_deref() == Some(&*format!("pid {}", fx.pid("mongod")))));
    assert!(inv.processes.iter().any(|p| p.pid == fx.pid("redis")));
}

/// KinD (issue 10): a pod inside a Docker-run node, modelled on the records of the real nested
/// run (`lab/runtimes/records/kind.txt`), with the cgroups of a KinD node of today (kubelet
/// `cgroupDriver: systemd`, `cgroupRoot: /kubelet`, research note E3). Under `--root` the
/// node's inner task bundle is read through the node root the copy kept (`proc/<node
/// pid>/root`): namespace, pod, container name and image.
#[test]
fn kind_host_pod_in_a_docker_node() {
    let (fx, inv, _d) = inv_of(hosts::kind_host);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
    let vol = "/var/lib/docker/volumes/bcd722ed97f5219cfbdb0db45eb62497d835ad755309e25fd5d51c4a0d3d6fe4/_data";
    let node = fx.ctr("elma365");
    let ctr = fx.ctr("postgresql");
    let pg = proc_of(&inv, fx.pid("postgres"));
    let c = pg
        .container
        .as_ref()
        .expect("the pod process is containerised");
    assert_eq!(c.runtime, Some(Runtime::Kind));
    assert_eq!(c.container_id.as_deref(), Some(ctr.id.as_str()));
    // the node relation: the Docker container the inner shim runs in
    assert_eq!(c.node.as_deref(), Some(node.id.as_str()));
    // the pod uid from the kubelet's systemd slice under the node's docker scope
    let uid = support::fixture::pod_uid("kind-host-1/postgresql-0");
    assert_eq!(c.pod_uid.as_deref(), Some(uid.as_str()));
    assert_eq!(
        pg.cgroup,
        vec![format!(
            "0::/system.slice/docker-{}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod{}.slice/cri-containerd-{}.scope",
            node.id,
            uid.replace('-', "_"),
            ctr.id
        )]
    );
    assert_eq!(c.namespace.as_deref(), Some("elma365-dbs"));
    assert_eq!(c.pod_name.as_deref(), Some("postgres-0"));
    // under --root: the inner task bundle in the node's /run (a tmpfs), through the node root
    // this copy kept (proc/<node pid>/root a directory)
    assert_eq!(c.container_name.as_deref(), Some("postgresql"));
    assert_eq!(
        c.image.as_deref(),
        Some("hub.elma365.tech/docker/databases/postgres:15.4.0-debian-11-r45")
    );
    assert_eq!(
        c.identity_source.as_deref().unwrap(),
        format!(
            "node:/run/containerd/io.containerd.runtime.v2.task/k8s.io/{}/config.json (containerd task bundle, in this copy's proc/{}/root)",
            ctr.id,
            fx.pid("node")
        )
    );
    // the overlay's node paths are mapped through the node's /var volume
    let ov = c.rootfs.as_ref().expect("rootfs overlay");
    let snaps = format!("{vol}/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots");
    assert_eq!(
        ov.lowerdirs
            .iter()
            .map(|d| s(&Some(d.clone())))
            .collect::<Vec<_>>(),
        vec![format!("{snaps}/1/fs")]
    );
    assert_eq!(s(&ov.upperdir), format!("{snaps}/2/fs"));
    // the executable's host path is in the volume, and trusted as an image layer's file
    assert_eq!(s(&pg.exe), "/opt/bitnami/postgresql/bin/postgres");
    assert_eq!(
        s(&pg.exe_host),
        format!("{snaps}/1/fs/opt/bitnami/postgresql/bin/postgres")
    );
    assert!(
        pg.trust.as_ref().is_some_and(|t| t.trusted),
        "{:?}",
        pg.trust
    );
    // the data directory: the bind's root is already the host path inside the volume
    let dps: Vec<_> = inv
        .data_paths
        .iter()
        .map(|d| {
            (
                d.component.as_str(),
                d.path.as_str().unwrap().to_string(),
                s(&d.container_path),
            )
        })
        .collect();
    assert_eq!(
        dps,
        vec![(
            "postgresql",
            format!("{vol}/lib/rtlab/pgdata"),
            "/bitnami/postgresql/data".to_string()
        )]
    );
    let roots: Vec<_> = inv
        .filesystem
        .container_storage
        .iter()
        .map(|r| (r.kind.as_str(), r.path.as_str().unwrap(), r.in_use))
        .collect();
    assert!(
        roots.contains(&("docker-volumes", "/var/lib/docker/volumes", true)),
        "{roots:?}"
    );
    // the postgres listener belongs to the pod process
    assert_eq!(listener_pids(&inv, "tcp", 5432), vec![fx.pid("postgres")]);
    // Known gap (fixture): the builder's Deckhouse layout also writes the pod's /etc/hosts,
    // resolv.conf binds with node paths and creates empty node-path dirs on the host, so those
    // mounts' host_source are not asserted here.
}

/// The Helm chart's facts on the upgraded microk8s host (research note E5, E8, M1, M3, M5):
/// ELMA365's Go services under /srv/bin as uid 1001, listening on 3000/5000/3100 in their pod's
/// network namespace, the worker on Node.js; identity from the task bundles under microk8s's
/// state dir; the runc-v2 shims in the snap's containerd unit.
#[test]
fn microk8s_upgraded_chart_services_shims_and_bundles() {
    let (fx, inv, _d) = inv_of(hosts::microk8s_upgraded);
    for svc in ["deploy", "main"] {
        let p = proc_of(&inv, fx.pid(&format!("elma365-{svc}")));
        assert_eq!(s(&p.exe), format!("/srv/bin/{svc}"));
        assert!(
            s(&p.exe_host).ends_with(&format!("/fs/srv/bin/{svc}")),
            "{svc}"
        );
        assert_eq!(p.uid, Some(1001), "{svc}");
        let c = p.container.as_ref().unwrap();
        assert_eq!(c.namespace.as_deref(), Some("elma365"));
        assert_eq!(c.container_name.as_deref(), Some(svc));
        assert_eq!(
            c.image.as_deref(),
            Some(format!("hub.elma365.tech/elma365/{svc}/service:2025.4.6").as_str())
        );
        // read from the runtime's task bundle, under microk8s's state dir (research note M5)
        let src = c.identity_source.as_deref().unwrap();
        assert!(
            src.starts_with(
                "/var/snap/microk8s/common/run/containerd/io.containerd.runtime.v2.task/k8s.io/"
            ) && src.contains(&fx.ctr(svc).id),
            "{src}"
        );
        for port in hosts::ELMA365_PORTS {
            let l = inv
                .listeners
                .iter()
                .find(|l| l.port == port && l.pids == vec![p.pid])
                .unwrap_or_else(|| panic!("{svc} does not listen on {port}"));
            assert_ne!(l.netns.as_deref(), Some("host"), "{svc}:{port} in its pod");
            assert_eq!(s(&l.program), format!("/srv/bin/{svc}"));
            assert_eq!(
                l.container.as_deref().unwrap(),
                format!("elma365/{}", c.pod_name.as_deref().unwrap())
            );
        }
    }
    let deploy = proc_of(&inv, fx.pid("elma365-deploy"));
    assert_eq!(
        deploy.cmdline_joined().0,
        b"/srv/bin/deploy start-deploy",
        "research note E5"
    );
    let worker = proc_of(&inv, fx.pid("elma365-worker"));
    assert_eq!(s(&worker.exe), "/usr/local/bin/node");
    // the shims: runc-v2 on cgroup v2, in the snap's containerd unit, on the host
    let shim = proc_of(&inv, fx.pid("shim-postgresql"));
    assert_eq!(
        s(&shim.exe),
        "/snap/microk8s/7394/bin/containerd-shim-runc-v2"
    );
    assert_eq!(
        shim.cgroup,
        vec!["0::/system.slice/snap.microk8s.daemon-containerd.service".to_string()]
    );
    assert!(shim.container.is_none(), "a shim is a host process");
    // containerd's args are under the revision, not `current` (research note M1)
    let ctrd = proc_of(&inv, fx.pid("containerd"));
    assert!(
        ctrd.cmdline_joined()
            .display()
            .contains("--config /var/snap/microk8s/7394/args/containerd.toml")
    );
    // the databases' pods and images (research note E8)
    let pg = proc_of(&inv, fx.pid("postgres"))
        .container
        .as_ref()
        .unwrap();
    assert_eq!(pg.pod_name.as_deref(), Some("postgres-0"));
    assert_eq!(
        pg.image.as_deref(),
        Some("hub.elma365.tech/docker/databases/postgres:15.4.0-debian-11-r45")
    );
    let mg = proc_of(&inv, fx.pid("mongod")).container.as_ref().unwrap();
    assert_eq!(mg.pod_name.as_deref(), Some("mongo-0"));
    // MongoDB 6 ships mongosh, not the legacy mongo (research note B3): the image holds it
    let lowers = &fx.ctr("mongodb").lowers;
    let img = |f: &str| {
        lowers.iter().any(|l| {
            fx.root
                .join(String::from_utf8_lossy(&l[1..]).as_ref())
                .join(f)
                .exists()
        })
    };
    assert!(img("opt/bitnami/mongodb/bin/mongosh"));
    assert!(!img("opt/bitnami/mongodb/bin/mongo"));
    // ingress-nginx: the exe is the real binary, the title names the link (research note N1)
    let ngx = proc_of(&inv, fx.pid("nginx-master"));
    assert_eq!(s(&ngx.exe), hosts::NGINX);
    assert!(
        ngx.cmdline_joined()
            .display()
            .starts_with("nginx: master process /usr/bin/nginx")
    );
}

/// `chown -R uid:uid` of a whole tree, links not followed (what a checkout or a copy that keeps
/// no owners leaves).
fn chown_all(p: &std::path::Path, uid: u32) {
    for e in walkdir::WalkDir::new(p).follow_links(false) {
        let e = e.unwrap();
        let _ = std::os::unix::fs::lchown(e.path(), Some(uid), Some(uid));
    }
}

/// An offline copy that keeps no owners (a git checkout: every file is the copier's) cannot show
/// that a service user owns its data: one warning says so for the whole copy, and no directory
/// is used (fail closed), instead of one "untrusted" warning per directory.
#[test]
fn offline_copy_without_owners_says_once_that_ownership_cannot_be_verified() {
    let d = tempfile::tempdir().unwrap();
    hosts::microk8s_upgraded(d.path());
    chown_all(d.path(), 0);
    let inv = support::discover_inventory(d.path());
    assert!(inv.data_paths.is_empty(), "{:#?}", inv.data_paths);
    let w: Vec<_> = inv
        .warnings
        .iter()
        .filter(|w| w.code.starts_with("data-"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].code, "data-owner-unverified");
    assert!(
        w[0].message
            .starts_with("data directory ownership cannot be verified in this copy (a copy that keeps no owners, e.g. a git checkout): owned by uid 0, the owner of the copy's root"),
        "{}",
        w[0].message
    );
    assert!(w[0].message.contains(&microk8s_pv("data-postgres-0")));
    // the table says it in one line
    let t = support::avexclude()
        .args(["check", "--root"])
        .arg(d.path())
        .run()
        .stdout();
    assert!(
        t.contains("data directories: ownership cannot be verified in this copy of a host"),
        "{t}"
    );
}

/// A copy that keeps owners (the fixture as written, like the live host) judges each directory
/// by its own owner: the service users' directories are used, and a directory a user controls
/// is refused by name, never excused as "a copy's owner".
#[test]
fn copy_with_owners_judges_each_data_directory_by_its_owner() {
    let (_fx, inv, d) = inv_of(hosts::microk8s_upgraded);
    assert_eq!(inv.data_paths.len(), 5, "{:#?}", inv.warnings);
    assert!(
        !inv.warnings
            .iter()
            .any(|w| w.code == "data-owner-unverified")
    );
    // a user's directory, and one the copy's owner holds, in a copy that keeps owners
    let pv = |c: &str| d.path().join(&microk8s_pv(c)[1..]);
    chown_all(&pv("minio"), 1000);
    chown_all(&pv("datadir-mongo-0").join("data/db"), 0);
    let inv = support::discover_inventory(d.path());
    assert_eq!(inv.data_paths.len(), 3, "{:#?}", inv.data_paths);
    let untrusted: Vec<&str> = inv
        .warnings
        .iter()
        .filter(|w| w.code == "data-path-untrusted")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(untrusted.len(), 2, "{untrusted:#?}");
    assert!(untrusted.iter().any(|m| m.contains("owned by uid 1000")));
    assert!(untrusted.iter().any(|m| m.contains("owned by uid 0")));
    assert!(
        !inv.warnings
            .iter()
            .any(|w| w.code == "data-owner-unverified")
    );
}

/// KinD under `--root` when the copy holds the node's root only as the kernel's link
/// (`proc/<pid>/root -> /`): that `/` is the node's, not the copy's, so it is never followed to
/// the host's `/run`, even when a bundle with the same id sits there (planted, or another
/// runtime's); nor is identity read from the pod's volume or root. Name and image stay unknown.
#[test]
fn kind_identity_never_comes_from_the_copys_own_run_or_the_pod() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::kind_host(d.path());
    let id = fx.ctr("postgresql").id.clone();
    let node_root = d.path().join(format!("proc/{}/root", fx.pid("node")));
    std::fs::remove_dir_all(&node_root).unwrap();
    std::os::unix::fs::symlink("/", &node_root).unwrap();
    let planted = br#"{"annotations":{"io.kubernetes.cri.sandbox-namespace":"elma365",
        "io.kubernetes.cri.sandbox-name":"evil","io.kubernetes.cri.container-name":"evil",
        "io.kubernetes.cri.image-name":"evil/image"}}"#;
    for dir in [
        format!("run/containerd/io.containerd.runtime.v2.task/k8s.io/{id}"),
        // the pod's data volume (its host copy) and its writable layer
        "var/lib/docker/volumes/bcd722ed97f5219cfbdb0db45eb62497d835ad755309e25fd5d51c4a0d3d6fe4/_data/lib/rtlab/pgdata/run/containerd/io.containerd.runtime.v2.task/k8s.io".to_string(),
    ] {
        let p = d.path().join(&dir);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("config.json"), planted).unwrap();
    }
    let inv = support::discover_inventory(d.path());
    let c = proc_of(&inv, fx.pid("postgres")).container.clone().unwrap();
    assert_eq!(c.container_name, None, "{c:#?}");
    assert_eq!(c.image, None);
    // the kubelet's pod log directory (in the node's /var volume) still names the pod
    assert_eq!(c.namespace.as_deref(), Some("elma365-dbs"));
    assert_eq!(c.pod_name.as_deref(), Some("postgres-0"));
}
