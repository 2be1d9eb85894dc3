//! The fixture hosts every integration test uses, one function each. Each writes a tree under
//! `dir` that looks like `/` of that kind of host (facts and their sources:
//! `../../shared/research/elma365-hosts-verified.md`, cited as "research note" with its row;
//! the runtimes' records: `../../shared/lab/runtimes/records/`) and returns a [`Fixture`] naming
//! its processes by role and its containers by name, so tests can assert against what the host
//! holds.

use std::path::Path;

use super::fixture::{Container, Fixture, Flavor, Host, Node, Proc, Proto, b};

/// uid of the Bitnami images' non-root user.
pub const BITNAMI_UID: u32 = 1001;

/// A Debian-based (Bitnami minideb) image: merged /usr, `/bin/sh` → dash.
fn debian_base(h: &mut Host, c: usize) {
    let last = h.ctrs[c].lowers.len() - 1;
    h.image_file(c, last, "/bin", Node::Link(b("usr/bin")));
    h.image_file(c, last, "/sbin", Node::Link(b("usr/sbin")));
    h.image_exec(c, last, "/usr/bin/dash");
    h.image_file(c, last, "/usr/bin/sh", Node::Link(b("dash")));
}

/// An Alpine-based image: `/bin/sh` → `/bin/busybox`.
fn alpine_base(h: &mut Host, c: usize) {
    let last = h.ctrs[c].lowers.len() - 1;
    h.image_exec(c, last, "/bin/busybox");
    h.image_file(c, last, "/bin/sh", Node::Link(b("/bin/busybox")));
}

/// A host network container (calico-node): shares the host's network namespace.
fn host_network(h: &mut Host, c: usize) {
    h.ctrs[c].netns = super::fixture::HOST_NETNS;
}

fn ctr(h: &Host, c: usize) -> &Container {
    &h.ctrs[c]
}

/// The real nginx binary of the ingress-nginx images (research note N1).
pub const NGINX: &str = "/usr/local/nginx/sbin/nginx";

/// The ports every ELMA365 service listens on in its pod's network namespace: `http_port: 3000`,
/// `grpc_port: 5000`, `http_metrics: 3100` (research note E5: ArgoCI-CD
/// `2025.4.6/elma365/charts/elma365/charts/main/values.yaml`).
pub const ELMA365_PORTS: [u16; 3] = [3000, 5000, 3100];

fn elma365_ports(p: Proc) -> Proc {
    ELMA365_PORTS
        .iter()
        .fold(p, |p, port| p.listen(Proto::Tcp6, "::", *port))
}

/// An ELMA365 service of the Helm chart in container `k` (its shim `shim`): a Go binary
/// `/srv/bin/<svc>` run as uid 1001 with the helm-library's Go limits, listening on
/// [`ELMA365_PORTS`] (research note E5: the deploy container runs `/srv/bin/deploy
/// start-deploy`, ArgoCI-CD `.../charts/deploy/templates/deployment.yaml`; `GOMEMLIMIT`/
/// `GOMAXPROCS` from `.../helm-library/templates/deployment/_env.yaml`; `runAsUser: 1001` from
/// `.../_securityContext.yaml`). Other services' binary names follow deploy's (INFERRED).
fn elma365_go_service(h: &mut Host, k: usize, shim: i32, svc: &str) {
    alpine_base(h, k);
    let exe = format!("/srv/bin/{svc}");
    h.image_exec(k, 0, &exe);
    let args: Vec<String> = match svc {
        "deploy" => vec![exe.clone(), "start-deploy".into()],
        _ => vec![exe.clone()],
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    h.add(elma365_ports(
        Proc::new(shim + 1, shim, svc)
            .exe(&exe)
            .args(&args)
            .uid(BITNAMI_UID)
            .env("GOMEMLIMIT", "429496729")
            .env("GOMAXPROCS", "2")
            .env("ELMA365_NAMESPACE", "elma365")
            .in_ctr(k)
            .role(&format!("elma365-{svc}")),
    ));
}

/// The usual base of every host: init, kernel threads, sshd, journald, cron.
fn base_host(h: &mut Host) {
    h.add(
        Proc::new(1, 0, "systemd")
            .exe("/usr/lib/systemd/systemd")
            .args(&["/sbin/init", "splash"])
            .role("init"),
    );
    h.add(Proc::kthread(2, "kthreadd"));
    for (pid, name) in [
        (3, "rcu_gp"),
        (4, "rcu_par_gp"),
        (12, "ksoftirqd/0"),
        (13, "rcu_sched"),
        (14, "migration/0"),
        (97, "kworker/0:1H-kblockd"),
    ] {
        h.add(Proc::kthread(pid, name));
    }
    h.exec("/usr/lib/systemd/systemd-journald");
    h.add(
        Proc::new(310, 1, "systemd-journal")
            .exe("/usr/lib/systemd/systemd-journald")
            .args(&["/lib/systemd/systemd-journald"]),
    );
    h.exec("/usr/sbin/cron");
    h.add(
        Proc::new(640, 1, "cron")
            .exe("/usr/sbin/cron")
            .args(&["/usr/sbin/cron", "-f", "-P"]),
    );
    // sshd was upgraded by unattended-upgrades and not restarted: the kernel shows " (deleted)"
    h.exec("/usr/sbin/sshd");
    h.add(
        Proc::new(702, 1, "sshd")
            .exe("/usr/sbin/sshd")
            .deleted()
            .args(&["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"])
            .listen(Proto::Tcp4, "0.0.0.0", 22)
            .listen(Proto::Tcp6, "::", 22)
            .role("sshd-replaced"),
    );
}

/// What differs between the microk8s hosts.
struct Mk8s {
    rev: &'static str,
    old_rev: Option<&'static str>,
    erts: &'static str,
    rabbit_image: &'static str,
    /// The containerd shim the snap runs (research note M3: `containerd-shim-runc-v1` on cgroup
    /// v1 and older snaps, as the vendor's list names it; `containerd-shim-runc-v2` on cgroup v2
    /// since canonical/microk8s PR #2219, and the only shim in snaps built since 2025-12-05,
    /// `build-scripts/components/containerd/build.sh`; a live rev 8492 host runs
    /// `/snap/microk8s/8492/bin/containerd-shim-runc-v2`, index id 2825960028).
    shim: &'static str,
    /// MongoDB's shell in the image: `mongo` in the seed's MongoDB; the 6.0 image elma365-dbs
    /// ships (`mongodb:6.0.10-debian-11-r8`, research note E8) has `mongosh` and no `mongo`
    /// (research note B3: bitnami/containers `bitnami/mongodb/6.0/debian-11/Dockerfile`).
    mongo_shell: &'static str,
}

/// Single-node microk8s as installed for ELMA365 (the legacy delivery, research note E1), snap
/// revision 3410 (`current` → 3410), as the vendor's list describes it: `containerd-shim-runc-v1`
/// shims, RabbitMQ with erts 12.3.1, MongoDB with the legacy `mongo` shell. Bitnami PostgreSQL,
/// MongoDB, Redis, RabbitMQ and MinIO run in pods of namespace `elma365-dbs` named as
/// elma365-dbs names them (`postgres-0`, `mongo-0`, ...), data on hostpath-provisioner volumes
/// `/var/snap/microk8s/common/default-storage/<ns>-<claim>-pvc-<uid>`; ELMA365 services in
/// namespace `elma365`: Go binaries under `/srv/bin` on 3000/5000/3100, the worker on Node.js
/// under dinit, and the vendor's git daemon, gpg-agent and `/srv/elma365ctl-server` (listed by
/// the vendor, found in no chart: research note E6); ingress-nginx, calico, coredns,
/// hostpath-provisioner in kube-system/ingress. `/opt/elma365` exists; no Docker. Each fact
/// names its source (`../../shared/research/elma365-hosts-verified.md`, "research note").
pub fn microk8s_seed(dir: &Path) -> Fixture {
    microk8s(
        dir,
        "elma365-node-1",
        Mk8s {
            rev: "3410",
            old_rev: None,
            erts: "12.3.1",
            rabbit_image: "3.10.7-debian-11-r1",
            shim: "containerd-shim-runc-v1",
            mongo_shell: "mongo",
        },
    )
}

/// The seed host after upgrades: microk8s refreshed to revision 7394 (`current` → 7394; snapd
/// keeps the previous revision 3410 as an inactive directory) on cgroup v2, so its shims are
/// `containerd-shim-runc-v2` (research note M3); the databases upgraded to elma365-dbs 0.1.7's
/// images (research note E8): RabbitMQ `3.13.7-debian-12-r2`, whose Erlang is OTP 26.2.5 with
/// erts 14.2.5 (research note B6: bitnami/containers `bitnami/rabbitmq/3.13/debian-12/
/// Dockerfile`; erlang/otp `otp_versions.table`), and MongoDB 6.0 with `mongosh`. Everything
/// else as [`microk8s_seed`].
pub fn microk8s_upgraded(dir: &Path) -> Fixture {
    microk8s(
        dir,
        "elma365-node-1",
        Mk8s {
            rev: "7394",
            old_rev: Some("3410"),
            erts: "14.2.5",
            rabbit_image: "3.13.7-debian-12-r2",
            shim: "containerd-shim-runc-v2",
            mongo_shell: "mongosh",
        },
    )
}

fn microk8s(dir: &Path, name: &str, v: Mk8s) -> Fixture {
    let mut h = Host::new(name);
    base_host(&mut h);
    let rev = v.rev;
    let snap = format!("/snap/microk8s/{rev}");
    for f in [
        "kubelite",
        "bin/containerd",
        "bin/containerd-shim-runc-v1",
        "bin/containerd-shim-runc-v2",
        "bin/k8s-dqlite",
        "bin/cluster-agent",
        "run-cluster-agent-with-args",
    ] {
        h.exec(format!("{snap}/{f}"));
        if let Some(old) = v.old_rev {
            h.exec(format!("/snap/microk8s/{old}/{f}"));
        }
    }
    h.link("/snap/microk8s/current", rev);
    // the snap's base (mounted, nothing of it runs here)
    h.dir("/snap/core20/2264");
    // the snap's wrappers are `#!/usr/bin/env bash` scripts; microk8s is a classic snap that
    // stages no bash (canonical/microk8s `snap/snapcraft.yaml`: `confinement: classic`, part
    // `bash-utils` lists no bash), so they run under the host's bash (INFERRED)
    h.exec("/usr/bin/bash");
    h.link("/snap/core20/current", "2264");
    // the snap's args live under the revision, not `current` (research note M1: `--config
    // ${SNAP_DATA}/args/containerd.toml`, a live rev 8492 host shows
    // `--config /var/snap/microk8s/8492/args/containerd.toml`, index id 2825960028)
    h.dir(format!("/var/snap/microk8s/{rev}/args"));
    h.link("/var/snap/microk8s/current", rev);
    h.mount("7:3", b"/", snap.as_bytes(), "squashfs", b"/dev/loop3");
    if let Some(old) = v.old_rev {
        h.mount(
            "7:1",
            b"/",
            format!("/snap/microk8s/{old}").as_bytes(),
            "squashfs",
            b"/dev/loop1",
        );
    }
    h.mount("7:2", b"/", b"/snap/core20/2264", "squashfs", b"/dev/loop2");
    h.file("/opt/elma365/elma365ctl", "#!/bin/sh\n");
    h.file(
        "/opt/elma365/config/values.yaml",
        "global:\n  edition: enterprise\n",
    );
    h.dir("/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots");

    let c = &format!("/var/snap/microk8s/{rev}/args");
    // each snap daemon runs in its snapd unit `snap.microk8s.daemon-<app>.service` (the
    // `systemctl status` dump of a rev 8492 host, index id 2825960028; research note M1, M3)
    let unit =
        |app: &str| format!("0::/system.slice/snap.microk8s.daemon-{app}.service\n").into_bytes();
    let mut kubelite = Proc::new(1210, 1, "kubelite")
        .exe(format!("{snap}/kubelite"))
        .args(&[
            &format!("{snap}/kubelite"),
            &format!("--scheduler-args-file={c}/kube-scheduler"),
            &format!("--controller-manager-args-file={c}/kube-controller-manager"),
            &format!("--proxy-args-file={c}/kube-proxy"),
            &format!("--kubelet-args-file={c}/kubelet"),
            &format!("--apiserver-args-file={c}/kube-apiserver"),
            &format!("--kubeconfig-file={c}/../credentials/client.config"),
            "--start-control-plane=true",
        ])
        .listen(Proto::Tcp6, "::", 16443)
        .listen(Proto::Tcp6, "::", 10250)
        .listen(Proto::Tcp4, "127.0.0.1", 10248)
        .role("kubelite");
    kubelite.override_files.push(("cgroup", unit("kubelite")));
    h.add(kubelite);
    // snapd runs containerd as the unit `snap.microk8s.daemon-containerd.service`; its shims
    // stay in that unit's cgroup (research note M3: `systemctl status` of a rev 8492 host,
    // index id 2825960028)
    let containerd_cgroup = b"0::/system.slice/snap.microk8s.daemon-containerd.service\n".to_vec();
    let mut containerd = Proc::new(1105, 1, "containerd")
        .exe(format!("{snap}/bin/containerd"))
        .args(&[
            &format!("{snap}/bin/containerd"),
            "--config",
            &format!("{c}/containerd.toml"),
            "--root",
            "/var/snap/microk8s/common/var/lib/containerd",
            "--state",
            "/var/snap/microk8s/common/run/containerd",
            "--address",
            "/var/snap/microk8s/common/run/containerd.sock",
        ])
        .role("containerd");
    containerd
        .override_files
        .push(("cgroup", containerd_cgroup.clone()));
    h.add(containerd);
    // the dqlite store is under the revision too (research note M10: `--storage-dir=/var/snap/
    // microk8s/<rev>/var/kubernetes/backend/`, a live rev 8492 host, index id 2825960028)
    let backend = format!("/var/snap/microk8s/{rev}/var/kubernetes/backend");
    h.dir(&backend);
    let mut dqlite = Proc::new(1090, 1, "k8s-dqlite")
        .exe(format!("{snap}/bin/k8s-dqlite"))
        .args(&[
            &format!("{snap}/bin/k8s-dqlite"),
            &format!("--storage-dir={backend}/"),
            &format!("--listen=unix://{backend}/kine.sock:12379"),
        ])
        .listen(Proto::Tcp6, "::", 19001);
    dqlite.override_files.push(("cgroup", unit("k8s-dqlite")));
    h.add(dqlite);
    // cluster-agent is a Go binary the snap's wrapper starts without `exec`, so the bash stays
    // its parent (research note M10: `bash /snap/microk8s/8492/run-cluster-agent-with-args` →
    // `/snap/microk8s/8492/bin/cluster-agent cluster-agent --bind 0.0.0.0:25000 --keyfile ...
    // --timeout 240`, index id 2825960028; canonical/microk8s `microk8s-resources/wrappers/
    // run-cluster-agent-with-args` line 18 `${SNAP}/bin/cluster-agent cluster-agent
    // "${args[@]}"`, its args `microk8s-resources/default-args/cluster-agent`)
    // both in snapd's unit `snap.microk8s.daemon-cluster-agent.service` (the same dump)
    let agent_cgroup = unit("cluster-agent");
    let mut wrapper = Proc::new(1094, 1, "bash")
        .exe("/usr/bin/bash")
        .args(&["bash", &format!("{snap}/run-cluster-agent-with-args")]);
    wrapper
        .override_files
        .push(("cgroup", agent_cgroup.clone()));
    h.add(wrapper);
    let certs = format!("/var/snap/microk8s/{rev}/certs");
    let mut agent = Proc::new(1095, 1094, "cluster-agent")
        .exe(format!("{snap}/bin/cluster-agent"))
        .args(&[
            &format!("{snap}/bin/cluster-agent"),
            "cluster-agent",
            "--bind",
            "0.0.0.0:25000",
            "--keyfile",
            &format!("{certs}/server.key"),
            "--certfile",
            &format!("{certs}/server.crt"),
            "--timeout",
            "240",
        ])
        .listen(Proto::Tcp4, "0.0.0.0", 25000)
        .role("cluster-agent");
    agent.override_files.push(("cgroup", agent_cgroup));
    h.add(agent);

    let mut pid = 2000;
    let shim_exe = format!("{snap}/bin/{}", v.shim);
    let shim = |h: &mut Host, pid: &mut i32, role: &str| -> i32 {
        *pid += 100;
        let sid = format!("{:064x}", *pid as u64 * 7919);
        // containerd starts a shim in its task bundle, `<state>/io.containerd.runtime.v2.task/
        // <ns>/<id>` (containerd `runtime/v2/shim/util.go` `cmd.Dir = bundle`); microk8s's state
        // is `${SNAP_COMMON}/run/containerd` (research note M1, M5)
        let mut p = Proc::new(*pid, 1, "containerd-shim")
            .exe(&shim_exe)
            .cwd(format!("{MICROK8S_TASKS}/{sid}"))
            .args(&[
                &shim_exe,
                "-namespace",
                "k8s.io",
                "-id",
                &sid,
                "-address",
                "/var/snap/microk8s/common/run/containerd.sock",
            ])
            .role(&format!("shim-{role}"));
        p.override_files.push(("cgroup", containerd_cgroup.clone()));
        h.add(p);
        *pid
    };
    // a pod: its containerd shim, then the container (name, (pod, namespace), image layers)
    let pod = |h: &mut Host,
               pid: &mut i32,
               role: &str,
               name: &str,
               (pod, ns): (&str, &str),
               layers: usize|
     -> (i32, usize) {
        let p = shim(h, pid, role);
        (
            p,
            h.container(Flavor::Microk8s, name, Some((pod, ns)), layers),
        )
    };

    // ---- kube-system: calico-node (host network, runit), kube-controllers, coredns, hostpath
    let (p, k) = pod(
        &mut h,
        &mut pid,
        "calico-node",
        "calico-node",
        ("calico-node-x7k2p", "kube-system"),
        3,
    );
    host_network(&mut h, k);
    h.image_exec(k, 0, "/usr/local/bin/runsvdir");
    h.image_exec(k, 0, "/usr/local/bin/runsv");
    h.image_exec(k, 0, "/usr/bin/calico-node");
    h.add(
        Proc::new(p + 1, p, "runsvdir")
            .exe("/usr/local/bin/runsvdir")
            .args(&["/usr/local/bin/runsvdir", "-P", "/etc/service/enabled"])
            .in_ctr(k)
            .role("runsvdir"),
    );
    for (i, svc) in [
        "felix",
        "monitor-addresses",
        "allocate-tunnel-addrs",
        "bird",
        "confd",
    ]
    .iter()
    .enumerate()
    {
        let rp = p + 2 + 2 * i as i32;
        h.add(
            Proc::new(rp, p + 1, "runsv")
                .exe("/usr/local/bin/runsv")
                .args(&["runsv", svc])
                .in_ctr(k)
                .role(&format!("runsv-{svc}")),
        );
        let mut cp = Proc::new(rp + 1, rp, "calico-node")
            .exe("/usr/bin/calico-node")
            .args(&["calico-node", &format!("-{svc}")])
            .in_ctr(k);
        if *svc == "felix" {
            cp = cp
                .listen(Proto::Tcp4, "127.0.0.1", 9099)
                .role("calico-felix");
        }
        h.add(cp);
    }

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "kube-controllers",
        "calico-kube-controllers",
        ("calico-kube-controllers-77bd7c5b-2kq9s", "kube-system"),
        2,
    );
    h.image_exec(k, 0, "/usr/bin/kube-controllers");
    h.add(
        Proc::new(p + 1, p, "kube-controller")
            .exe("/usr/bin/kube-controllers")
            .args(&["/usr/bin/kube-controllers"])
            .uid(999)
            .in_ctr(k)
            .role("kube-controllers"),
    );

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "coredns",
        "coredns",
        ("coredns-864597b5fd-pq7xw", "kube-system"),
        2,
    );
    h.image_exec(k, 0, "/coredns");
    h.add(
        Proc::new(p + 1, p, "coredns")
            .exe("/coredns")
            .args(&["/coredns", "-conf", "/etc/coredns/Corefile"])
            .uid(65532)
            .in_ctr(k)
            .listen(Proto::Tcp6, "::", 53)
            .listen(Proto::Udp6, "::", 53)
            .listen(Proto::Tcp6, "::", 8080)
            .role("coredns"),
    );

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "hostpath",
        "hostpath-provisioner",
        ("hostpath-provisioner-7df77bc496-5xz8m", "kube-system"),
        1,
    );
    h.image_exec(k, 0, "/hostpath-provisioner");
    h.volume(
        k,
        "/var/snap/microk8s/common/default-storage",
        "/var/snap/microk8s/common/default-storage",
    );
    h.add(
        Proc::new(p + 1, p, "hostpath-provis")
            .exe("/hostpath-provisioner")
            .args(&["/hostpath-provisioner"])
            .in_ctr(k)
            .role("hostpath-provisioner"),
    );

    // ---- ingress: dumb-init → /nginx-ingress-controller → nginx master/workers/cache manager
    let (p, k) = pod(
        &mut h,
        &mut pid,
        "ingress",
        "nginx-ingress-microk8s",
        ("nginx-ingress-microk8s-controller-4bnzv", "ingress"),
        3,
    );
    alpine_base(&mut h, k);
    h.image_exec(k, 0, "/usr/bin/dumb-init");
    h.image_exec(k, 0, "/nginx-ingress-controller");
    // the real nginx is `/usr/local/nginx/sbin/nginx`; `/usr/bin/nginx` is a link to it, and the
    // controller starts `defBinary="/usr/bin/nginx"`, so the title names the link while
    // /proc/PID/exe names the file (research note N1: kubernetes/ingress-nginx
    // `images/nginx/rootfs/Dockerfile`, `rootfs/Dockerfile`)
    h.image_exec(k, 1, NGINX);
    h.image_file(k, 1, "/usr/bin/nginx", Node::Link(b(NGINX)));
    h.add(
        Proc::new(p + 1, p, "dumb-init")
            .exe("/usr/bin/dumb-init")
            .args(&[
                "/usr/bin/dumb-init",
                "--",
                "/nginx-ingress-controller",
                "--configmap=ingress/nginx-load-balancer-microk8s-conf",
                "--publish-status-address=127.0.0.1",
            ])
            .uid(101)
            .in_ctr(k)
            .role("dumb-init"),
    );
    h.add(
        Proc::new(p + 2, p + 1, "nginx-ingress-c")
            .exe("/nginx-ingress-controller")
            .args(&[
                "/nginx-ingress-controller",
                "--configmap=ingress/nginx-load-balancer-microk8s-conf",
                "--publish-status-address=127.0.0.1",
            ])
            .uid(101)
            .in_ctr(k)
            .listen(Proto::Tcp6, "::", 10254)
            .role("ingress-controller"),
    );
    h.add(
        Proc::new(p + 3, p + 2, "nginx")
            .exe(NGINX)
            .args(&["nginx: master process /usr/bin/nginx -c /etc/nginx/nginx.conf"])
            .uid(101)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 80)
            .listen(Proto::Tcp4, "0.0.0.0", 443)
            .role("nginx-master"),
    );
    for i in 0..2 {
        h.add(
            Proc::new(p + 4 + i, p + 3, "nginx")
                .exe(NGINX)
                .title("nginx: worker process", 48)
                .uid(101)
                .in_ctr(k)
                .listen(Proto::Tcp4, "0.0.0.0", 80)
                .listen(Proto::Tcp4, "0.0.0.0", 443)
                .role(&format!("nginx-worker-{i}")),
        );
    }
    h.add(
        Proc::new(p + 6, p + 3, "nginx")
            .exe(NGINX)
            .title("nginx: cache manager process", 41)
            .uid(101)
            .in_ctr(k)
            .role("nginx-cache-manager"),
    );

    // ---- ELMA365 services (namespace elma365): Go binaries under /srv/bin, and the worker on
    // Node.js under dinit (the vendor's list names dinit and node for this delivery)
    for svc in ["deploy", "main"] {
        let (p, k) = pod(
            &mut h,
            &mut pid,
            svc,
            svc,
            (&format!("{svc}-6d9f7c8b4-{}", &svc[..2]), "elma365"),
            3,
        );
        elma365_go_service(&mut h, k, p, svc);
    }
    let (p, k) = pod(
        &mut h,
        &mut pid,
        "worker",
        "worker",
        ("worker-6d9f7c8b4-wk", "elma365"),
        3,
    );
    alpine_base(&mut h, k);
    h.image_exec(k, 1, "/usr/local/bin/node");
    h.image_exec(k, 0, "/sbin/dinit");
    h.image_file(
        k,
        0,
        "/app/dist/main.js",
        Node::File(b("require('./server')\n")),
    );
    h.add(
        Proc::new(p + 1, p, "dinit")
            .exe("/sbin/dinit")
            .args(&["/sbin/dinit", "--container", "-d", "/etc/dinit.d"])
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .role("dinit-worker"),
    );
    // the worker runs customers' scripts on Node.js (research note E5: the worker pod sets
    // `NODE_TLS_REJECT_UNAUTHORIZED`, ArgoCI-CD `.../worker/templates/worker/_deployment.yaml`);
    // its ports are the helm-library's like every service's (INFERRED from the shared library)
    h.add(elma365_ports(
        Proc::new(p + 2, p + 1, "node")
            .exe("/usr/local/bin/node")
            .args(&["node", "--max-old-space-size=1536", "/app/dist/main.js"])
            .cwd("/app")
            .uid(BITNAMI_UID)
            .env("NODE_TLS_REJECT_UNAUTHORIZED", "0")
            .in_ctr(k)
            .role("elma365-worker"),
    ));
    let (p, k) = pod(
        &mut h,
        &mut pid,
        "elma365ctl",
        "elma365ctl",
        ("elma365ctl-server-5c4f9d7b6-zt2lm", "elma365"),
        2,
    );
    alpine_base(&mut h, k);
    h.image_exec(k, 0, "/srv/elma365ctl-server");
    h.add(
        Proc::new(p + 1, p, "elma365ctl-serv")
            .exe("/srv/elma365ctl-server")
            .args(&["/srv/elma365ctl-server", "--listen=:8080"])
            .in_ctr(k)
            .listen(Proto::Tcp6, "::", 8080)
            .role("elma365ctl-server"),
    );
    let (p, k) = pod(
        &mut h,
        &mut pid,
        "git",
        "git-server",
        ("git-server-0", "elma365"),
        2,
    );
    alpine_base(&mut h, k);
    h.image_exec(k, 0, "/usr/libexec/git-core/git-daemon");
    h.image_exec(k, 0, "/usr/bin/gpg-agent");
    h.add(Proc::new(p + 1, p, "sh").exe("/bin/busybox").args(&["/bin/sh", "-c", "gpg-agent --daemon; exec git daemon --reuseaddr --base-path=/data/repos /data/repos"]).in_ctr(k).role("sh-busybox"));
    h.add(
        Proc::new(p + 2, p + 1, "git-daemon")
            .exe("/usr/libexec/git-core/git-daemon")
            .args(&[
                "/usr/libexec/git-core/git-daemon",
                "--reuseaddr",
                "--base-path=/data/repos",
                "/data/repos",
            ])
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 9418)
            .role("git-daemon"),
    );
    h.add(
        Proc::new(p + 3, 1, "gpg-agent")
            .exe("/usr/bin/gpg-agent")
            .args(&[
                "gpg-agent",
                "--homedir",
                "/data/gnupg",
                "--use-standard-socket",
                "--daemon",
            ])
            .in_ctr(k)
            .role("gpg-agent"),
    );

    // ---- databases (namespace elma365-dbs): elma365-dbs 0.1.7's Bitnami charts with
    // `fullnameOverride` postgres, mongo, redis, rabbitmq, minio (research note E8: ArgoCI-CD
    // `2025.4.6/elma365-dbs/values.yaml`), so pods `postgres-0`, `mongo-0` and claims
    // `data-postgres-0`, `datadir-mongo-0` (the Bitnami claim templates; INFERRED there).
    // hostpath-provisioner volumes: `<PV_DIR>/<namespace>-<claim>-<PV name>`, the PV name
    // `pvc-<full claim uid>` (research note M7: canonical/hostpath-provisioner
    // `hostpath-provisioner.go`; PV_DIR `$SNAP_COMMON/default-storage` from
    // canonical/microk8s-core-addons `addons/hostpath-storage/storage.yaml`)
    let pv = |claim: &str| {
        format!(
            "/var/snap/microk8s/common/default-storage/elma365-dbs-{claim}-pvc-{}",
            super::fixture::pod_uid(claim)
        )
    };

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "postgresql",
        "postgresql",
        ("postgres-0", "elma365-dbs"),
        4,
    );
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/postgresql/bin/postgres");
    let pg_pv = pv("data-postgres-0");
    h.volume(k, "/bitnami/postgresql", &pg_pv);
    h.dir(format!("{pg_pv}/data"));
    let pg_args = [
        "/opt/bitnami/postgresql/bin/postgres",
        "-D",
        "/bitnami/postgresql/data",
        "--config-file=/opt/bitnami/postgresql/conf/postgresql.conf",
        "--external_pid_file=/opt/bitnami/postgresql/tmp/postgresql.pid",
        "--hba_file=/opt/bitnami/postgresql/conf/pg_hba.conf",
    ];
    h.add(
        Proc::new(p + 1, p, "postgres")
            .exe("/opt/bitnami/postgresql/bin/postgres")
            .args(&pg_args)
            .cwd("/bitnami/postgresql/data")
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 5432)
            .listen(Proto::Tcp6, "::", 5432)
            .role("postgres"),
    );
    for (i, t) in [
        "checkpointer",
        "background writer",
        "walwriter",
        "autovacuum launcher",
        "logical replication launcher",
    ]
    .iter()
    .enumerate()
    {
        h.add(
            Proc::new(p + 2 + i as i32, p + 1, "postgres")
                .exe("/opt/bitnami/postgresql/bin/postgres")
                .title(&format!("postgres: {t} "), 0)
                .cwd("/bitnami/postgresql/data")
                .uid(BITNAMI_UID)
                .in_ctr(k)
                .role(&format!("postgres-{}", t.replace(' ', "-"))),
        );
    }

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "mongodb",
        "mongodb",
        ("mongo-0", "elma365-dbs"),
        3,
    );
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/mongodb/bin/mongod");
    h.image_exec(k, 0, &format!("/opt/bitnami/mongodb/bin/{}", v.mongo_shell));
    h.image_file(k, 0, "/opt/bitnami/mongodb/conf/mongodb.conf", Node::File(b("# mongod.conf\nsystemLog:\n  destination: file\n  path: /opt/bitnami/mongodb/logs/mongodb.log\nstorage:\n  dbPath: /bitnami/mongodb/data/db\n  directoryPerDB: false\nnet:\n  port: 27017\n  bindIpAll: true\n")));
    let mg_pv = pv("datadir-mongo-0");
    h.volume(k, "/bitnami/mongodb", &mg_pv);
    h.dir(format!("{mg_pv}/data/db"));
    h.add(
        Proc::new(p + 1, p, "mongod")
            .exe("/opt/bitnami/mongodb/bin/mongod")
            .args(&[
                "/opt/bitnami/mongodb/bin/mongod",
                "--config=/opt/bitnami/mongodb/conf/mongodb.conf",
            ])
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 27017)
            .role("mongod"),
    );

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "redis",
        "redis",
        ("redis-master-0", "elma365-dbs"),
        3,
    );
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/redis/bin/redis-server");
    let rd_pv = pv("redis-data-redis-master-0");
    h.volume(k, "/data", &rd_pv);
    h.add(
        Proc::new(p + 1, p, "redis-server")
            .exe("/opt/bitnami/redis/bin/redis-server")
            .title("/opt/bitnami/redis/bin/redis-server *:6379", 37)
            .cwd("/data")
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 6379)
            .listen(Proto::Tcp6, "::", 6379)
            .role("redis"),
    );

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "rabbitmq",
        "rabbitmq",
        ("rabbitmq-0", "elma365-dbs"),
        4,
    );
    debian_base(&mut h, k);
    let erts = format!("/opt/bitnami/erlang/lib/erlang/erts-{}", v.erts);
    h.image_exec(k, 1, &format!("{erts}/bin/beam.smp"));
    h.image_exec(k, 1, &format!("{erts}/bin/epmd"));
    h.image_exec(k, 1, &format!("{erts}/bin/erl_child_setup"));
    h.image_exec(k, 1, &format!("{erts}/bin/inet_gethost"));
    h.image_exec(k, 0, "/opt/bitnami/rabbitmq/sbin/rabbitmq-server");
    h.image_file(
        k,
        0,
        "/opt/bitnami/rabbitmq/VERSION",
        Node::File(b(v.rabbit_image)),
    );
    // the chart (rabbitmq 14.7.0) mounts the claim at `/opt/bitnami/rabbitmq/.rabbitmq/mnesia`
    // and sets `RABBITMQ_MNESIA_DIR=<mountPath>/$(RABBITMQ_NODE_NAME)` (research note B5:
    // ArgoCI-CD `.../charts/rabbitmq/values.yaml` line 967, `templates/statefulset.yaml` lines
    // 225-226); the node name `rabbit@<pod>.<headless service>.<ns>.svc.cluster.local` is the
    // chart's hostname form (INFERRED)
    let rq_pv = pv("data-rabbitmq-0");
    let mnesia = "/opt/bitnami/rabbitmq/.rabbitmq/mnesia";
    let rq_node = "rabbit@rabbitmq-0.rabbitmq-headless.elma365-dbs.svc.cluster.local";
    let mnesia_dir = format!("{mnesia}/{rq_node}");
    h.volume(k, mnesia, &rq_pv);
    h.dir(format!("{rq_pv}/{rq_node}"));
    h.add(
        Proc::new(p + 1, p, "rabbitmq-server")
            .exe("/usr/bin/dash")
            .args(&["/bin/sh", "/opt/bitnami/rabbitmq/sbin/rabbitmq-server"])
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .env("RABBITMQ_MNESIA_DIR", &mnesia_dir)
            .role("rabbitmq-server-sh"),
    );
    let beam = format!("{erts}/bin/beam.smp");
    h.add(
        Proc::new(p + 2, p + 1, "beam.smp")
            .exe(&beam)
            .argv_bytes(beam_argv(
                &erts,
                "/opt/bitnami/erlang/lib/erlang",
                "/opt/bitnami/rabbitmq/.rabbitmq",
                &["-B", "i"],
                &[
                    "-syslog",
                    "syslog_error_logger",
                    "false",
                    "-kernel",
                    "prevent_overlapping_partitions",
                    "false",
                ],
            ))
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .env("RABBITMQ_MNESIA_DIR", &mnesia_dir)
            .listen(Proto::Tcp6, "::", 5672)
            .listen(Proto::Tcp6, "::", 15672)
            .listen(Proto::Tcp4, "0.0.0.0", 25672)
            .role("beam.smp"),
    );
    h.add(
        Proc::new(p + 3, p + 2, "erl_child_setup")
            .exe(format!("{erts}/bin/erl_child_setup"))
            .args(&["erl_child_setup", "1048576"])
            .uid(BITNAMI_UID)
            .in_ctr(k),
    );
    h.add(
        Proc::new(p + 4, p + 3, "inet_gethost")
            .exe(format!("{erts}/bin/inet_gethost"))
            .args(&["inet_gethost", "4"])
            .uid(BITNAMI_UID)
            .in_ctr(k),
    );
    h.add(
        Proc::new(p + 5, p, "epmd")
            .exe(format!("{erts}/bin/epmd"))
            .args(&[&format!("{erts}/bin/epmd"), "-daemon"])
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 4369)
            .listen(Proto::Tcp6, "::", 4369)
            .role("epmd"),
    );

    let (p, k) = pod(
        &mut h,
        &mut pid,
        "minio",
        "minio",
        ("minio-6b8f9c7d5-hx2vq", "elma365-dbs"),
        2,
    );
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/minio/bin/minio");
    // MinIO 2022 (`minio:2022.8.8-debian-11-r0`): `run.sh` execs `$(command -v minio)`, so argv[0]
    // is the full path, and the 2022 images hard-code `MINIO_DATA_DIR="/data"`, the chart's
    // mountPath; a Deployment `minio` with claim `minio` (research note B7: bitnami/containers
    // `bitnami/minio/2022/debian-10/rootfs/opt/bitnami/scripts/minio-env.sh`; ArgoCI-CD
    // `.../charts/minio/values.yaml` line 890)
    let mn_pv = pv("minio");
    h.volume(k, "/data", &mn_pv);
    h.add(
        Proc::new(p + 1, p, "minio")
            .exe("/opt/bitnami/minio/bin/minio")
            .args(&[
                "/opt/bitnami/minio/bin/minio",
                "server",
                "--certs-dir",
                "/certs",
                "--console-address",
                ":9001",
                "--address",
                ":9000",
                "/data",
            ])
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp6, "::", 9000)
            .listen(Proto::Tcp6, "::", 9001)
            .role("minio"),
    );

    // each container's task bundle next to its pod's shim, with the CRI annotations
    for c in 0..h.ctrs.len() {
        let image = match ctr(&h, c).name.as_str() {
            "rabbitmq" => Some(format!("{DBS_IMAGES}/rabbitmq:{}", v.rabbit_image)),
            "postgresql" => Some(format!("{DBS_IMAGES}/postgres:15.4.0-debian-11-r45")),
            "deploy" | "main" | "worker" => Some(format!(
                "hub.elma365.tech/elma365/{}/service:2025.4.6",
                ctr(&h, c).name
            )),
            _ => None,
        };
        cri_bundle(&mut h, MICROK8S_TASKS, c, image.as_deref());
    }
    h.write(dir)
}

/// microk8s's containerd task directory, `--state ${SNAP_COMMON}/run/containerd` plus
/// `io.containerd.runtime.v2.task/<ns>` (research note M1, M5: containerd
/// `core/runtime/v2/bundle.go`, canonical/microk8s `microk8s-resources/default-args/containerd`).
pub const MICROK8S_TASKS: &str =
    "/var/snap/microk8s/common/run/containerd/io.containerd.runtime.v2.task/k8s.io";

/// elma365-dbs 0.1.7 retags the Bitnami images under this registry path (research note E8:
/// ArgoCI-CD `2025.4.6/elma365-dbs/values-elma365-dbs.yaml`).
pub const DBS_IMAGES: &str = "hub.elma365.tech/docker/databases";

/// Container `c`'s task bundle `config.json` under `tasks`, with the annotations the CRI plugin
/// writes (containerd `pkg/cri/annotations`: `io.kubernetes.cri.sandbox-namespace`,
/// `-name`, `-uid`, `container-name`, `image-name`), which is where discovery reads a pod's
/// identity from the runtime.
fn cri_bundle(h: &mut Host, tasks: &str, c: usize, image: Option<&str>) {
    let k = &h.ctrs[c];
    let (Some(ns), Some(pod), Some(uid)) = (&k.namespace, &k.pod_name, &k.pod_uid) else {
        return;
    };
    let json = cri_config(ns, pod, uid, &k.name, image);
    let path = format!("{tasks}/{}/config.json", k.id);
    h.file(path, json);
}

/// A task bundle's `config.json` as the CRI plugin writes it (annotations as [`cri_bundle`]).
fn cri_config(ns: &str, pod: &str, uid: &str, name: &str, image: Option<&str>) -> String {
    let mut a = serde_json::Map::new();
    let mut put = |key: &str, v: &str| {
        a.insert(format!("io.kubernetes.cri.{key}"), v.into());
    };
    put("container-type", "container");
    put("sandbox-namespace", ns);
    put("sandbox-name", pod);
    put("sandbox-uid", uid);
    put("container-name", name);
    if let Some(i) = image {
        put("image-name", i);
    }
    serde_json::json!({
        "ociVersion": "1.1.0",
        "root": {"path": "rootfs"},
        "annotations": a,
    })
    .to_string()
}

/// A Deckhouse worker node (Ubuntu 22.04, cgroup v2, systemd driver): containerd and kubelet from
/// `/opt/deckhouse/bin`, containerd state under `/var/lib/containerd`, kubelet under
/// `/var/lib/kubelet`, pod cgroups `kubepods.slice/.../cri-containerd-<id>.scope`. ELMA365 pods
/// and a Bitnami PostgreSQL whose local-path volume sits on a second disk (`/dev/sdb1`, 8:17,
/// mounted at `/mnt/data`). No microk8s, no Docker.
pub fn deckhouse_worker(dir: &Path) -> Fixture {
    let mut h = Host::new("dkp-worker-2");
    base_host(&mut h);
    h.mount("8:17", b"/", b"/mnt/data", "ext4", b"/dev/sdb1");
    h.dir("/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots");
    h.dir("/var/lib/kubelet/pods");
    for f in ["containerd", "containerd-shim-runc-v2", "kubelet"] {
        h.exec(format!("/opt/deckhouse/bin/{f}"));
    }
    h.add(
        Proc::new(900, 1, "containerd")
            .exe("/opt/deckhouse/bin/containerd")
            .args(&["/opt/deckhouse/bin/containerd"])
            .role("containerd"),
    );
    h.add(
        Proc::new(950, 1, "kubelet")
            .exe("/opt/deckhouse/bin/kubelet")
            .args(&[
                "/opt/deckhouse/bin/kubelet",
                "--config=/var/lib/kubelet/config.yaml",
                "--kubeconfig=/etc/kubernetes/kubelet.conf",
                "--root-dir=/var/lib/kubelet",
                "--container-runtime-endpoint=unix:/var/run/containerd/containerd.sock",
            ])
            .listen(Proto::Tcp6, "::", 10250)
            .role("kubelet"),
    );
    let mut pid = 3000;
    let mut shim = |h: &mut Host| -> i32 {
        pid += 100;
        h.add(
            Proc::new(pid, 1, "containerd-shim")
                .exe("/opt/deckhouse/bin/containerd-shim-runc-v2")
                .args(&[
                    "/opt/deckhouse/bin/containerd-shim-runc-v2",
                    "-namespace",
                    "k8s.io",
                    "-id",
                    &format!("{:064x}", pid as u64 * 104729),
                    "-address",
                    "/run/containerd/containerd.sock",
                ]),
        );
        pid
    };
    // ELMA365 services of the Helm chart: Go binaries under /srv/bin on 3000/5000/3100
    // (research note E5), see [`elma365_go_service`]
    for (svc, sfx) in [("auth", "3000"), ("main", "3001")] {
        let p = shim(&mut h);
        let k = h.container(
            Flavor::Deckhouse,
            svc,
            Some((&format!("{svc}-7f8d9c6b5-{sfx}"), "elma365")),
            3,
        );
        elma365_go_service(&mut h, k, p, svc);
    }
    let p = shim(&mut h);
    let k = h.container(
        Flavor::Deckhouse,
        "controller",
        Some(("controller-nginx-8pz4w", "d8-ingress-nginx")),
        3,
    );
    alpine_base(&mut h, k);
    h.image_exec(k, 0, "/nginx-ingress-controller");
    // Deckhouse's controller starts nginx through a wrapper, `unshare -S 101 -R /chroot
    // /usr/local/nginx/sbin/nginx "$@"` (research note N2: deckhouse/deckhouse
    // `modules/402-ingress-nginx/images/controller-1-10/nginx-chroot-wrapper.sh`): the binary
    // is the image's `/chroot/usr/local/nginx/sbin/nginx`, and the kernel names it by that path
    // from the container's root (INFERRED)
    let chroot_nginx = format!("/chroot{NGINX}");
    h.image_exec(k, 1, &chroot_nginx);
    h.image_exec(k, 1, "/usr/bin/unshare");
    h.add(
        Proc::new(p + 1, p, "nginx-ingress-c")
            .exe("/nginx-ingress-controller")
            .args(&[
                "/nginx-ingress-controller",
                "--configmap=d8-ingress-nginx/nginx-config",
            ])
            .uid(101)
            .in_ctr(k)
            .role("ingress-controller"),
    );
    h.add(
        Proc::new(p + 2, p + 1, "nginx")
            .exe(&chroot_nginx)
            .args(&["nginx: master process /usr/bin/nginx -c /etc/nginx/nginx.conf"])
            .uid(101)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 80)
            .role("nginx-master"),
    );
    h.add(
        Proc::new(p + 3, p + 2, "nginx")
            .exe(&chroot_nginx)
            .title("nginx: worker process", 32)
            .uid(101)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 80)
            .role("nginx-worker"),
    );

    let p = shim(&mut h);
    let k = h.container(
        Flavor::Deckhouse,
        "postgresql",
        Some(("postgres-0", "elma365-dbs")),
        4,
    );
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/postgresql/bin/postgres");
    // pod `postgres-0`, claim `data-postgres-0` (research note E8, as on microk8s)
    let claim = "/local-path-provisioner/pvc-3f1c9a2e-5b7d-4e8f-9a1b-2c3d4e5f6a7b_elma365-dbs_data-postgres-0";
    h.volume_on(k, "/bitnami/postgresql", "8:17", claim);
    h.dir(format!("/mnt/data{claim}/data"));
    h.add(
        Proc::new(p + 1, p, "postgres")
            .exe("/opt/bitnami/postgresql/bin/postgres")
            .args(&[
                "/opt/bitnami/postgresql/bin/postgres",
                "-D",
                "/bitnami/postgresql/data",
                "--config-file=/opt/bitnami/postgresql/conf/postgresql.conf",
            ])
            .cwd("/bitnami/postgresql/data")
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 5432)
            .role("postgres"),
    );

    // Valkey in place of Redis (elma365-dbs ships the Bitnami valkey chart,
    // `valkey:8.1.1-debian-12-r0`; research note E8, B4: `exec valkey-server`, data at `/data`,
    // like Redis); the primary's StatefulSet and claim names follow the chart's
    // `<fullname>-primary` (INFERRED)
    let p = shim(&mut h);
    let k = h.container(
        Flavor::Deckhouse,
        "valkey",
        Some(("valkey-primary-0", "elma365-dbs")),
        3,
    );
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/valkey/bin/valkey-server");
    let claim = "/local-path-provisioner/pvc-9b2d4f6a-1c3e-4a5b-8d7f-0e2a4c6b8d1f_elma365-dbs_valkey-data-valkey-primary-0";
    h.volume_on(k, "/data", "8:17", claim);
    h.dir(format!("/mnt/data{claim}"));
    h.add(
        Proc::new(p + 1, p, "valkey-server")
            .exe("/opt/bitnami/valkey/bin/valkey-server")
            .title("valkey-server *:6379", 24)
            .cwd("/data")
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 6379)
            .listen(Proto::Tcp6, "::", 6379)
            .role("valkey"),
    );
    h.write(dir)
}

/// A Docker host (CentOS-7-style cgroup v1, cgroupfs driver: `/docker/<id>` on every controller),
/// overlay2 storage with Docker's short `l/` layer links. Bitnami PostgreSQL (named volume),
/// Redis (bind mount of `/srv/redis`) and MinIO (bind mount of `/srv/minio`).
pub fn docker_host(dir: &Path) -> Fixture {
    let mut h = Host::new("docker-db-1")
        .os("CentOS Linux 7 (Core)", "centos", "7")
        .kernel("3.10.0-1160.119.1.el7.x86_64");
    base_host(&mut h);
    h.exec("/usr/bin/dockerd");
    h.exec("/usr/bin/containerd");
    h.exec("/usr/bin/containerd-shim-runc-v2");
    h.dir("/var/lib/docker/overlay2/l");
    h.add(
        Proc::new(880, 1, "containerd")
            .exe("/usr/bin/containerd")
            .args(&["/usr/bin/containerd"]),
    );
    h.add(
        Proc::new(890, 1, "dockerd")
            .exe("/usr/bin/dockerd")
            .args(&[
                "/usr/bin/dockerd",
                "-H",
                "fd://",
                "--containerd=/run/containerd/containerd.sock",
            ])
            .role("dockerd"),
    );
    let mut pid = 4000;
    let mut shim = |h: &mut Host, name: &str| -> i32 {
        pid += 100;
        h.add(
            Proc::new(pid, 1, "containerd-shim")
                .exe("/usr/bin/containerd-shim-runc-v2")
                .args(&[
                    "/usr/bin/containerd-shim-runc-v2",
                    "-namespace",
                    "moby",
                    "-id",
                    name,
                    "-address",
                    "/run/containerd/containerd.sock",
                ]),
        );
        pid
    };
    let p = shim(&mut h, "pg");
    let k = h.container(Flavor::DockerV1, "postgresql", None, 4);
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/postgresql/bin/postgres");
    h.volume(
        k,
        "/bitnami/postgresql",
        "/var/lib/docker/volumes/elma365_pg_data/_data",
    );
    h.dir("/var/lib/docker/volumes/elma365_pg_data/_data/data");
    h.add(
        Proc::new(p + 1, p, "postgres")
            .exe("/opt/bitnami/postgresql/bin/postgres")
            .args(&[
                "/opt/bitnami/postgresql/bin/postgres",
                "-D",
                "/bitnami/postgresql/data",
                "--config-file=/opt/bitnami/postgresql/conf/postgresql.conf",
            ])
            .cwd("/bitnami/postgresql/data")
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 5432)
            .role("postgres"),
    );
    h.add(
        Proc::new(p + 2, p + 1, "postgres")
            .exe("/opt/bitnami/postgresql/bin/postgres")
            .title("postgres: checkpointer ", 0)
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .role("postgres-checkpointer"),
    );

    let p = shim(&mut h, "redis");
    let k = h.container(Flavor::DockerV1, "redis", None, 3);
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/redis/bin/redis-server");
    h.volume(k, "/bitnami/redis/data", "/srv/redis");
    h.add(
        Proc::new(p + 1, p, "redis-server")
            .exe("/opt/bitnami/redis/bin/redis-server")
            .title("/opt/bitnami/redis/bin/redis-server 0.0.0.0:6379", 29)
            .cwd("/bitnami/redis/data")
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp4, "0.0.0.0", 6379)
            .role("redis"),
    );

    let p = shim(&mut h, "minio");
    let k = h.container(Flavor::DockerV1, "minio", None, 2);
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/minio/bin/minio");
    h.volume(k, "/bitnami/minio/data", "/srv/minio");
    h.add(
        Proc::new(p + 1, p, "minio")
            .exe("/opt/bitnami/minio/bin/minio")
            // argv[0] is the full path: Bitnami's `run.sh` execs `$(command -v minio)`; the
            // 2024+ images keep data in `/bitnami/minio/data` (research note B7:
            // bitnami/containers `bitnami/minio/2024/debian-12/rootfs/opt/bitnami/scripts/
            // minio/run.sh`, `minio-env.sh`)
            .args(&[
                "/opt/bitnami/minio/bin/minio",
                "server",
                "--address",
                ":9000",
                "/bitnami/minio/data",
            ])
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .listen(Proto::Tcp6, "::", 9000)
            .role("minio"),
    );
    h.write(dir)
}

/// A dedicated database host, Debian 12 packages: PostgreSQL 15 (`-D /var/lib/postgresql/15/main`
/// and its `postgres: 15/main: ...` children) under Patroni (REST API 8008), Redis running as
/// `/usr/bin/redis-check-rdb` with title `/usr/bin/redis-server 127.0.0.1:6379`, RabbitMQ
/// (`/bin/sh /usr/lib/rabbitmq/bin/rabbitmq-server` as dash, beam.smp and epmd from erts-13.1.5),
/// MongoDB (`--config /etc/mongod.conf`). Ports 5432, 6379, 5672, 15672, 27017, 4369, 8008.
pub fn db_host(dir: &Path) -> Fixture {
    let mut h = Host::new("elma365-db-1")
        .os("Debian GNU/Linux 12 (bookworm)", "debian", "12")
        .kernel("6.1.0-21-amd64");
    base_host(&mut h);
    for (u, id) in [
        ("postgres", 104),
        ("redis", 105),
        ("rabbitmq", 106),
        ("mongodb", 107),
    ] {
        h.user(u, id);
    }
    h.exec("/usr/lib/postgresql/15/bin/postgres");
    h.dir("/var/lib/postgresql/15/main/base");
    h.file(
        "/etc/postgresql/15/main/postgresql.conf",
        "data_directory = '/var/lib/postgresql/15/main'\nport = 5432\n",
    );
    h.file("/etc/patroni/config.yml", "scope: elma365\nname: elma365-db-1\nrestapi:\n  listen: 0.0.0.0:8008\npostgresql:\n  listen: 0.0.0.0:5432\n  data_dir: /var/lib/postgresql/15/main\n  bin_dir: /usr/lib/postgresql/15/bin\n");
    h.exec("/usr/bin/python3.11");
    h.file("/usr/bin/patroni", "#!/usr/bin/python3\n");
    // Debian's redis-server package ships one binary: `/usr/bin/redis-server` is a link to
    // `redis-check-rdb`, so /proc/PID/exe names redis-check-rdb (`../../shared/research/
    // elma365-hosts.md` line 45; the catalog's `db-redis-server-bitnami` alternates, research
    // note B4): drift of the Bitnami path, not an absence (issue 10)
    h.exec("/usr/bin/redis-check-rdb");
    h.link("/usr/bin/redis-server", "redis-check-rdb");
    h.dir("/var/lib/redis");
    h.exec("/usr/lib/erlang/erts-13.1.5/bin/beam.smp");
    h.exec("/usr/lib/erlang/erts-13.1.5/bin/epmd");
    h.exec("/usr/lib/erlang/erts-13.1.5/bin/erl_child_setup");
    h.file(
        "/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/sbin/rabbitmq-server",
        "#!/bin/sh\n",
    );
    h.link(
        "/usr/lib/rabbitmq/bin/rabbitmq-server",
        "../lib/rabbitmq_server-3.10.8/sbin/rabbitmq-server",
    );
    h.dir("/var/lib/rabbitmq/mnesia/rabbit@elma365-db-1");
    h.exec("/usr/bin/mongod");
    h.file("/etc/mongod.conf", "# mongod.conf\nstorage:\n  dbPath: /var/lib/mongodb\n  journal:\n    enabled: true\nnet:\n  port: 27017\n  bindIp: 127.0.0.1\n");
    h.dir("/var/lib/mongodb");
    h.own("/var/lib/mongodb", 107);

    h.add(
        Proc::new(800, 1, "patroni")
            .exe("/usr/bin/python3.11")
            .args(&[
                "/usr/bin/python3",
                "/usr/bin/patroni",
                "/etc/patroni/config.yml",
            ])
            .uid(104)
            .listen(Proto::Tcp4, "0.0.0.0", 8008)
            .role("patroni"),
    );
    h.add(
        Proc::new(812, 800, "postgres")
            .exe("/usr/lib/postgresql/15/bin/postgres")
            .args(&[
                "/usr/lib/postgresql/15/bin/postgres",
                "-D",
                "/var/lib/postgresql/15/main",
                "--config-file=/etc/postgresql/15/main/postgresql.conf",
                "--listen_addresses=0.0.0.0",
                "--port=5432",
                "--cluster_name=15/main",
            ])
            .cwd("/var/lib/postgresql/15/main")
            .uid(104)
            .listen(Proto::Tcp4, "0.0.0.0", 5432)
            .listen(Proto::Tcp6, "::", 5432)
            .role("postgres"),
    );
    for (i, t) in [
        "checkpointer",
        "background writer",
        "walwriter",
        "autovacuum launcher",
        "logical replication launcher",
    ]
    .iter()
    .enumerate()
    {
        h.add(
            Proc::new(813 + i as i32, 812, "postgres")
                .exe("/usr/lib/postgresql/15/bin/postgres")
                .title(&format!("postgres: 15/main: {t} "), 0)
                .cwd("/var/lib/postgresql/15/main")
                .uid(104)
                .role(&format!("postgres-{}", t.replace(' ', "-"))),
        );
    }
    h.add(
        Proc::new(830, 1, "redis-server")
            .exe("/usr/bin/redis-check-rdb")
            .title("/usr/bin/redis-server 127.0.0.1:6379", 35)
            .cwd("/var/lib/redis")
            .uid(105)
            .listen(Proto::Tcp4, "127.0.0.1", 6379)
            .listen(Proto::Tcp6, "::1", 6379)
            .role("redis"),
    );
    h.add(
        Proc::new(850, 1, "rabbitmq-server")
            .exe("/usr/bin/dash")
            .args(&["/bin/sh", "/usr/lib/rabbitmq/bin/rabbitmq-server"])
            .cwd("/var/lib/rabbitmq")
            .uid(106)
            .role("rabbitmq-server-sh"),
    );
    let erts = "/usr/lib/erlang/erts-13.1.5";
    h.add(
        Proc::new(860, 850, "beam.smp")
            .exe(format!("{erts}/bin/beam.smp"))
            .argv_bytes(beam_argv(
                erts,
                "/usr/lib/erlang",
                "/var/lib/rabbitmq",
                &[],
                &[],
            ))
            .cwd("/var/lib/rabbitmq")
            .uid(106)
            .listen(Proto::Tcp6, "::", 5672)
            .listen(Proto::Tcp4, "0.0.0.0", 15672)
            .listen(Proto::Tcp4, "0.0.0.0", 25672)
            .role("beam.smp"),
    );
    h.add(
        Proc::new(861, 860, "erl_child_setup")
            .exe(format!("{erts}/bin/erl_child_setup"))
            .args(&["erl_child_setup", "65536"])
            .uid(106),
    );
    h.add(
        Proc::new(870, 1, "epmd")
            .exe(format!("{erts}/bin/epmd"))
            .args(&[&format!("{erts}/bin/epmd"), "-daemon"])
            .uid(106)
            .listen(Proto::Tcp4, "0.0.0.0", 4369)
            .listen(Proto::Tcp6, "::", 4369)
            .role("epmd"),
    );
    h.add(
        Proc::new(880, 1, "mongod")
            .exe("/usr/bin/mongod")
            .args(&["/usr/bin/mongod", "--config", "/etc/mongod.conf"])
            .cwd("/")
            .uid(107)
            .listen(Proto::Tcp4, "127.0.0.1", 27017)
            .role("mongod"),
    );
    h.write(dir)
}

/// Strings a hostile or merely odd host puts into discovered paths.
pub const HOSTILE_DIR: &str = "/srv/pg data/it's \"main\" $(touch /tmp/pwned) `id`";
pub const HOSTILE_NEWLINE: &str = "/srv/redis\nExcludePath ^/";
pub const HOSTILE_DOCKER_ROOT: &str = "/srv/docker root $(touch /tmp/pwned)";
pub const HOSTILE_EXE: &str = "/opt/elma365/bin/svc \"x\" 'y' $(touch /tmp/pwned) `id`";
pub const HOSTILE_EXE_NEWLINE: &str = "/opt/elma365/bin/evil\nExcludePath ^.*";
/// A MongoDB dbpath that is not valid UTF-8 (bytes 0xff 0xfe).
pub fn hostile_non_utf8() -> Vec<u8> {
    b"/srv/mongo-\xff\xfe-data".to_vec()
}

/// A host whose discovered paths hold spaces, quotes, `$()`, backticks, a newline followed by a
/// directive, and invalid UTF-8: PostgreSQL's data directory, Redis's cwd, MongoDB's dbpath,
/// processes under `/opt/elma365`, and a Docker data root (so container layer paths) moved to a
/// hostile directory. For the render injection tests: nothing of these may become a line or a
/// command of any output.
pub fn hostile(dir: &Path) -> Fixture {
    let mut h = Host::new("hostile-1").os("Debian GNU/Linux 12 (bookworm)", "debian", "12");
    base_host(&mut h);
    h.user("postgres", 104);
    h.exec("/usr/lib/postgresql/15/bin/postgres");
    h.dir(HOSTILE_DIR);
    h.dir(HOSTILE_NEWLINE);
    h.dir(hostile_non_utf8());
    h.exec(HOSTILE_EXE);
    h.exec(HOSTILE_EXE_NEWLINE);
    h.exec("/usr/bin/redis-check-rdb");
    h.exec("/usr/bin/mongod");
    h.file("/opt/elma365/data dir \"q\" 'q' $(touch /tmp/pwned) `id`/x\nExcludePath ^\\/ \u{1b}[31m/file", "x");
    h.add(
        Proc::new(500, 1, "postgres")
            .exe("/usr/lib/postgresql/15/bin/postgres")
            .args(&["/usr/lib/postgresql/15/bin/postgres", "-D", HOSTILE_DIR])
            .cwd(HOSTILE_DIR)
            .uid(104)
            .listen(Proto::Tcp4, "127.0.0.1", 5432)
            .role("postgres"),
    );
    h.add(
        Proc::new(510, 1, "redis-server")
            .exe("/usr/bin/redis-check-rdb")
            .title("/usr/bin/redis-server 127.0.0.1:6379", 20)
            .cwd(HOSTILE_NEWLINE)
            .role("redis"),
    );
    let mut mongo = b"/usr/bin/mongod\0--dbpath\0".to_vec();
    mongo.extend_from_slice(&hostile_non_utf8());
    let argv: Vec<Vec<u8>> = mongo.split(|&c| c == 0).map(<[u8]>::to_vec).collect();
    h.add(
        Proc::new(520, 1, "mongod")
            .exe("/usr/bin/mongod")
            .argv_bytes(argv)
            .role("mongod"),
    );
    h.add(
        Proc::new(530, 1, "svc \"x\" 'y' $(")
            .exe(HOSTILE_EXE)
            .args(&[HOSTILE_EXE, "--data", HOSTILE_DIR])
            .role("hostile-exe"),
    );
    h.add(
        Proc::new(531, 1, "evil")
            .exe(HOSTILE_EXE_NEWLINE)
            .args(&[HOSTILE_EXE_NEWLINE])
            .role("hostile-exe-newline"),
    );

    h.docker_root = b(HOSTILE_DOCKER_ROOT);
    h.exec("/usr/bin/dockerd");
    h.add(Proc::new(600, 1, "dockerd").exe("/usr/bin/dockerd").args(&[
        "/usr/bin/dockerd",
        "--data-root",
        HOSTILE_DOCKER_ROOT,
    ]));
    let k = h.container(Flavor::DockerSystemd, "postgresql", None, 2);
    debian_base(&mut h, k);
    h.image_exec(k, 0, "/opt/bitnami/postgresql/bin/postgres");
    h.volume(
        k,
        "/bitnami/postgresql",
        format!("{HOSTILE_DOCKER_ROOT}/volumes/pg/_data"),
    );
    // PostgreSQL's data directory exists (initdb made it), in the volume
    h.dir(format!("{HOSTILE_DOCKER_ROOT}/volumes/pg/_data/data"));
    h.add(
        Proc::new(610, 600, "postgres")
            .exe("/opt/bitnami/postgresql/bin/postgres")
            .args(&[
                "/opt/bitnami/postgresql/bin/postgres",
                "-D",
                "/bitnami/postgresql/data",
            ])
            .cwd("/bitnami/postgresql/data")
            .uid(BITNAMI_UID)
            .in_ctr(k)
            .role("postgres-container"),
    );
    h.write(dir)
}

/// A synthetic big node for the benchmark: `n` processes, nine in ten in containers (microk8s
/// flavor, 25 processes per container), and `extra_files` junk files spread over the container
/// layers (which a scan must never walk).
pub fn big_node(dir: &Path, n: usize, extra_files: usize) -> Fixture {
    let mut h = Host::new("bench-node");
    base_host(&mut h);
    let mut pid = 10_000;
    let host_procs = n / 10;
    for i in 0..host_procs {
        h.exec(format!("/usr/local/bin/agent-{}", i % 20));
        h.add(
            Proc::new(pid, 1, &format!("agent-{}", i % 20))
                .exe(format!("/usr/local/bin/agent-{}", i % 20))
                .args(&[
                    &format!("/usr/local/bin/agent-{}", i % 20),
                    "--worker",
                    &i.to_string(),
                ]),
        );
        pid += 1;
    }
    let per = 25;
    let n_ctr = (n - host_procs).div_ceil(per);
    let mut ctrs = Vec::new();
    for c in 0..n_ctr {
        let k = h.container(
            Flavor::Microk8s,
            &format!("svc-{c}"),
            Some((&format!("svc-{c}-0"), "elma365")),
            3,
        );
        alpine_base(&mut h, k);
        h.image_exec(k, 1, "/usr/local/bin/node");
        ctrs.push(k);
    }
    let mut left = n - host_procs;
    for (ci, k) in ctrs.iter().enumerate() {
        let m = left.min(per);
        left -= m;
        let first = pid;
        for j in 0..m {
            let mut p = Proc::new(pid, if j == 0 { 1 } else { first }, "node")
                .exe("/usr/local/bin/node")
                .args(&["node", "/app/dist/main.js", "--shard", &j.to_string()])
                .cwd("/app")
                .in_ctr(*k);
            if j == 0 {
                p = p.listen(Proto::Tcp6, "::", 3000 + (ci % 1000) as u16);
            }
            h.add(p);
            pid += 1;
        }
    }
    let fx = h.write(dir);
    // junk in the layers: what a full walk of container storage would have to read
    let layers: Vec<Vec<u8>> = fx
        .containers
        .values()
        .flat_map(|c| c.lowers.clone())
        .collect();
    if extra_files > 0 && !layers.is_empty() {
        use std::os::unix::ffi::OsStrExt;
        for i in 0..extra_files {
            let l = &layers[i % layers.len()];
            let rel = l.strip_prefix(b"/").unwrap_or(l);
            let d = dir
                .join(std::ffi::OsStr::from_bytes(rel))
                .join(format!("usr/lib/node_modules/pkg{}", i / 500 % 40));
            std::fs::create_dir_all(&d).expect("mkdir junk");
            std::fs::write(d.join(format!("f{i}.js")), b"module.exports = 1;\n")
                .expect("write junk");
        }
    }
    fx
}

/// beam.smp's command line as rabbitmq-server starts it (emulator flags, then `-root`, `-bindir`,
/// `-home`, then the RabbitMQ boot arguments), for an erts directory `erts`.
fn beam_argv<'a>(
    erts: &str,
    root: &'a str,
    home: &'a str,
    emu_extra: &[&'a str],
    tail_extra: &[&'a str],
) -> Vec<Vec<u8>> {
    let mut v: Vec<String> = vec![format!("{erts}/bin/beam.smp")];
    v.extend(
        [
            "-W",
            "w",
            "-MBas",
            "ageffcbf",
            "-MHas",
            "ageffcbf",
            "-MBlmbcs",
            "512",
            "-MHlmbcs",
            "512",
            "-MMmcs",
            "30",
            "-P",
            "1048576",
            "-t",
            "5000000",
            "-stbt",
            "db",
            "-zdbbl",
            "128000",
            "-sbwt",
            "none",
            "-sbwtdcpu",
            "none",
            "-sbwtdio",
            "none",
        ]
        .map(String::from),
    );
    v.extend(emu_extra.iter().map(|s| s.to_string()));
    v.extend(["--", "-root", root, "-bindir"].map(String::from));
    v.push(format!("{erts}/bin"));
    v.extend(["-progname", "erl", "--", "-home", home, "--"].map(String::from));
    v.extend(
        [
            "-pa",
            "",
            "-noshell",
            "-noinput",
            "-s",
            "rabbit",
            "boot",
            "-boot",
            "start_sasl",
            "-syslog",
            "logger",
            "[]",
        ]
        .map(String::from),
    );
    v.extend(tail_extra.iter().map(|s| s.to_string()));
    v.into_iter().map(String::into_bytes).collect()
}

/// KinD: a Kubernetes node that is itself a Docker container, built from the records of the
/// real nested run (`/work/shared/lab/runtimes/records/kind.txt`, README item 3; research note
/// E3), with the cgroups of a KinD node of today (cgroup v2, kubelet `cgroupDriver: systemd`:
/// kind's source, cited below). The pod's overlay names NODE paths; the host holds them under
/// the node's `/var` volume.
pub fn kind_host(dir: &Path) -> Fixture {
    // the node's /var volume (kind.txt "### node container: ... /var volume <vol> -> ...")
    const VOL: &str = "bcd722ed97f5219cfbdb0db45eb62497d835ad755309e25fd5d51c4a0d3d6fe4";
    let vol_data = format!("/var/lib/docker/volumes/{VOL}/_data");
    let mut h = Host::new("kind-host-1");
    base_host(&mut h);
    h.exec("/usr/bin/dockerd");
    h.exec("/usr/bin/containerd");
    h.exec("/usr/bin/containerd-shim-runc-v2");
    h.dir("/var/lib/docker/overlay2/l");
    // kind.txt "### process tree": dockerd, its containerd
    h.add(
        Proc::new(22795, 1, "dockerd")
            .exe("/usr/bin/dockerd")
            .args(&["dockerd", "--storage-driver=overlay2"])
            .role("dockerd"),
    );
    h.add(
        Proc::new(22837, 22795, "containerd")
            .exe("/usr/bin/containerd")
            .args(&[
                "containerd",
                "--config",
                "/var/run/docker/containerd/containerd.toml",
            ]),
    );
    // the node: a docker container (kind.txt node mountinfo lines 90-98) in docker's systemd
    // cgroup `/system.slice/docker-<id>.scope` on cgroup v2, where kind nodes run with their own
    // cgroup namespace (kind `pkg/cluster/internal/providers/docker/provision.go` line 175
    // `--cgroupns=private`; `images/base/files/usr/local/bin/entrypoint` `fix_cgroup`: "Both
    // Docker and Podman enable CgroupNS on cgroup v2 hosts by default")
    // ELMA365 Standard names its node container `elma365` (research note E3: its pipelines run
    // `docker exec elma365 kubectl ...`, deep-dev-ops/install-dbgate-for-elma365-jenkins)
    let node = h.container(Flavor::DockerSystemd, "elma365", None, 2);
    // its /var is the docker volume (kind.txt node mountinfo line "101 84 254:0 .../_data /var")
    h.volume(node, "/var", &vol_data);
    let node_id = h.ctrs[node].id.clone();
    // kind.txt process tree: the moby shim (host mount namespace) names the node's id
    h.add(
        Proc::new(23001, 1, "containerd-shim")
            .exe("/usr/bin/containerd-shim-runc-v2")
            .args(&[
                "/usr/bin/containerd-shim-runc-v2",
                "-namespace",
                "moby",
                "-id",
                &node_id,
                "-address",
                "/var/run/docker/containerd/containerd.sock",
            ])
            .cwd(format!(
                "/run/containerd/io.containerd.runtime.v2.task/moby/{node_id}"
            )),
    );
    h.image_exec(node, 0, "/usr/local/bin/node-entrypoint");
    h.image_exec(node, 0, "/usr/bin/dash");
    h.image_exec(node, 0, "/usr/bin/containerd");
    h.image_exec(node, 0, "/usr/bin/containerd-shim-runc-v2");
    // kind.txt process tree: node entrypoint → inner containerd and inner k8s.io shim
    let mut entry = Proc::new(23023, 23001, "node-entrypoint")
        .exe("/usr/bin/dash")
        .args(&["/bin/sh", "/usr/local/bin/node-entrypoint"])
        .in_ctr(node)
        .role("node");
    // a copy of this host kept the node's root as a directory (kind.txt read the inner bundle
    // live through /proc/23023/root): its /run is the node's tmpfs (kind `provision.go`
    // `--tmpfs /run`), holding the inner task bundle, written below
    entry.skip_files.push("root");
    h.add(entry);
    h.add(
        Proc::new(23040, 23023, "containerd")
            .exe("/usr/bin/containerd")
            .args(&["containerd", "--config", "/etc/containerd/config.toml"])
            .in_ctr(node),
    );
    // the pod container: Deckhouse's layout names exactly the node paths the records show
    // (kind.txt pod mountinfo line 113: lowerdir=/var/lib/containerd/...snapshots/1/fs)
    let pod = h.container(Flavor::Deckhouse, "postgresql", None, 1);
    let pod_id = h.ctrs[pod].id.clone();
    let uid = super::fixture::pod_uid("kind-host-1/postgresql-0");
    h.add(
        Proc::new(23105, 23023, "containerd-shim")
            .exe("/usr/bin/containerd-shim-runc-v2")
            .args(&[
                "/usr/bin/containerd-shim-runc-v2",
                "-namespace",
                "k8s.io",
                "-id",
                &pod_id,
                "-address",
                "/run/containerd/containerd.sock",
            ])
            .cwd(format!(
                "/run/containerd/io.containerd.runtime.v2.task/k8s.io/{pod_id}"
            ))
            .in_ctr(node)
            .role("inner-shim"),
    );
    // the layers live on the host in the node's volume (kind.txt "### translate inner lowerdir":
    // node /var/lib/containerd/... -> host <vol>/_data/lib/containerd/..., exists=yes);
    // written by root as an image's files are, so they are trusted
    let lower_node = String::from_utf8(h.ctrs[pod].lowers[0].clone()).unwrap();
    let upper_node = String::from_utf8(h.ctrs[pod].upper.clone()).unwrap();
    let lower_host = format!("{vol_data}{}", &lower_node["/var".len()..]);
    h.exec(format!("{lower_host}/opt/bitnami/postgresql/bin/postgres"));
    h.dir(format!("{vol_data}{}", &upper_node["/var".len()..]));
    // the data bind: field 4 is the HOST path inside the volume (kind.txt pod mountinfo line 121)
    let data_host = format!("{vol_data}/lib/rtlab/pgdata");
    h.volume(pod, "/bitnami/postgresql/data", &data_host);
    h.file(format!("{data_host}/PG_VERSION"), "17\n");
    // the kubelet's pod log directory is in the node's /var too (research note E3)
    h.file(
        format!("{vol_data}/log/pods/elma365-dbs_postgres-0_{uid}/postgresql/0.log"),
        "",
    );
    // the inner task bundle, in the node's /run (a tmpfs: kind `provision.go` `--tmpfs /run`)
    // at containerd's `<state>/io.containerd.runtime.v2.task/<ns>/<id>` (kind.txt "### inner
    // bundle via /proc/23023/root/run/containerd/..."), with the CRI annotations; pod
    // `postgres-0` of elma365-dbs and its image (research note E8)
    h.file(
        format!(
            "/proc/23023/root/run/containerd/io.containerd.runtime.v2.task/k8s.io/{pod_id}/config.json"
        ),
        cri_config(
            "elma365-dbs",
            "postgres-0",
            &uid,
            "postgresql",
            Some(&format!("{DBS_IMAGES}/postgres:15.4.0-debian-11-r45")),
        ),
    );
    // the kubelet of a KinD node of today uses the systemd cgroup driver under cgroup root
    // `/kubelet` (kind `pkg/cluster/internal/kubeadm/config.go` line 121 `c.CgroupDriver =
    // "systemd"`, template lines 600-601 `cgroupDriver: {{ .CgroupDriver }}` / `cgroupRoot:
    // /kubelet`; `cgroupfs` only for Kubernetes before 1.24, lines 700-705; research note E3),
    // so the pod's cgroup is `kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-<qos>.slice/
    // kubelet-kubepods-<qos>-pod<u_i_d>.slice/cri-containerd-<id>.scope` inside the node's
    // cgroup namespace, and under the node's scope as the host sees it. (The lab's kind-like
    // node, kind.txt "--- /proc/23136/cgroup ---", ran cgroupfs on cgroup v1: `/docker/<node>/
    // kubepods/burstable/pod<uid>/<id>`; `src/discovery/container.rs`'s tests keep that form.)
    let cg = format!(
        "0::/system.slice/docker-{node_id}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod{}.slice/cri-containerd-{pod_id}.scope\n",
        uid.replace('-', "_")
    );
    // stand-in postgres, uid 1001 (kind.txt ancestry: pid 23136 uid 1001 under shim 23105)
    let mut pg = Proc::new(23136, 23105, "postgres")
        .exe("/opt/bitnami/postgresql/bin/postgres")
        .args(&[
            "/opt/bitnami/postgresql/bin/postgres",
            "-D",
            "/bitnami/postgresql/data",
        ])
        .cwd("/bitnami/postgresql/data")
        .uid(BITNAMI_UID)
        .in_ctr(pod)
        .listen(Proto::Tcp4, "0.0.0.0", 5432)
        .role("postgres");
    pg.override_files.push(("cgroup", cg.into_bytes()));
    h.add(pg);
    h.write(dir)
}
