//! Bad input never stops a scan: malformed /proc files, missing files, unreadable entries, a
//! non-root run. Each gives partial results with a warning and exit 0. Random bytes fed to every
//! /proc parser never panic.

use crate::support;

use std::os::unix::fs::PermissionsExt;

use avexclude::discovery::{self, DiscoverOptions};
use avexclude::model::{Inventory, Protocol};
use proptest::prelude::*;
use support::hosts;

fn scan(root: &std::path::Path) -> Inventory {
    discovery::discover(&DiscoverOptions {
        root: root.to_path_buf(),
        ..Default::default()
    })
    .expect("the scan sees the host")
}

fn codes(inv: &Inventory) -> Vec<String> {
    inv.warnings.iter().map(|w| w.code.clone()).collect()
}

#[test]
fn malformed_stat_cgroup_mountinfo_and_net() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::microk8s_seed(d.path());
    let pg = fx.pid("postgres");
    let redis = fx.pid("redis");
    let mongod = fx.pid("mongod");
    let p = |pid: i32, f: &str| fx.root.join(format!("proc/{pid}/{f}"));
    std::fs::write(p(pg, "stat"), b"garbage without parens\n").unwrap();
    std::fs::write(p(redis, "cgroup"), b"\xff\xfe::::\n0:\n:::::\n").unwrap();
    std::fs::write(
        p(mongod, "mountinfo"),
        b"1 2 3\nnot a mount line at all\n\xff\n",
    )
    .unwrap();
    std::fs::write(
        fx.root.join("proc/1/net/tcp"),
        b"header\n  0: ZZZZ:00 broken\n",
    )
    .unwrap();
    std::fs::write(
        p(fx.pid("minio"), "status"),
        b"Name:\tminio\nUid:\tnot-a-number\n",
    )
    .unwrap();

    let inv = scan(&fx.root);
    let c = codes(&inv);
    assert!(!c.contains(&"internal-error".to_string()), "{c:?}");
    assert!(
        inv.warnings.iter().any(|w| w.code == "malformed-proc-file"
            && w.subject.as_deref() == Some(&*format!("/proc/{pg}/stat"))),
        "{:?}",
        inv.warnings
    );
    assert!(inv.warnings.iter().any(|w| w.code == "malformed-proc-file"
        && w.subject.as_deref() == Some(&*format!("/proc/{mongod}/mountinfo"))));
    assert!(inv.warnings.iter().any(
        |w| w.code == "malformed-proc-file" && w.subject.as_deref() == Some("/proc/1/net/tcp")
    ));
    assert!(inv.warnings.iter().any(|w| w.code == "malformed-proc-file"
        && w.subject.as_deref() == Some(&*format!("/proc/{}/status", fx.pid("minio")))));
    // partial results: the processes are still listed with what could be read
    let pgp = inv.processes.iter().find(|x| x.pid == pg).unwrap();
    assert_eq!(
        pgp.exe.as_ref().unwrap().0,
        b"/opt/bitnami/postgresql/bin/postgres"
    );
    let rp = inv.processes.iter().find(|x| x.pid == redis).unwrap();
    // the cgroup names no container, but its own mount namespace with microk8s layers does
    let rc = rp.container.as_ref().unwrap();
    assert_eq!(rc.runtime, Some(avexclude::model::Runtime::Microk8s));
    assert_eq!(rc.container_id, None);
    assert!(
        rp.exe_host
            .as_ref()
            .unwrap()
            .0
            .ends_with(b"/opt/bitnami/redis/bin/redis-server")
    );
    let mp = inv.processes.iter().find(|x| x.pid == mongod).unwrap();
    assert!(mp.container.as_ref().unwrap().rootfs.is_none());
    // the tcp table was broken, so its listeners are lost; the others are still there
    assert!(
        inv.listeners
            .iter()
            .any(|l| l.port == 4369 && l.ip_version == 6)
    );
}

#[test]
fn missing_files_of_a_live_pid_dir() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::db_host(d.path());
    let pid = fx.pid("postgres");
    for f in [
        "cmdline",
        "status",
        "cgroup",
        "exe",
        "cwd",
        "mountinfo",
        "environ",
    ] {
        let _ = std::fs::remove_file(fx.root.join(format!("proc/{pid}/{f}")));
    }
    std::fs::remove_dir_all(fx.root.join(format!("proc/{pid}/fd"))).unwrap();
    // an empty pid directory: vanished between readdir and read
    std::fs::create_dir_all(fx.root.join("proc/99999")).unwrap();
    let out = support::avexclude()
        .args(["discover", "--format", "json", "--root"])
        .arg(&fx.root)
        .run();
    out.assert_exit(0);
    let inv: Inventory = out.stdout_as();
    let p = inv
        .processes
        .iter()
        .find(|p| p.pid == pid)
        .expect("stat is there, so is the process");
    assert!(p.exe.is_none() && p.cmdline.is_empty());
    assert!(inv.processes.iter().all(|p| p.pid != 99999));
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.code == "process-vanished" && w.subject.as_deref() == Some("pid 99999"))
    );
    // warnings also go to stderr, one line each
    assert!(
        out.stderr_lossy()
            .contains("warning[process-vanished] [pid 99999]")
    );
}

fn am_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn unreadable_entries_as_another_user() {
    if !am_root() {
        eprintln!("note: skipped: needs root to run discover as uid 65534");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let fx = hosts::db_host(d.path());
    let pid = fx.pid("redis");
    std::fs::set_permissions(
        fx.root.join(format!("proc/{pid}/status")),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(
        fx.root.join(format!("proc/{pid}/fd")),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    let out = support::avexclude()
        .args(["discover", "--format", "json", "--root"])
        .arg(&fx.root)
        .uid(65534)
        .gid(65534)
        .run();
    out.assert_exit(0);
    let inv: Inventory = out.stdout_as();
    let w: Vec<_> = inv
        .warnings
        .iter()
        .filter(|w| w.code == "permission-denied")
        .map(|w| w.message.clone())
        .collect();
    assert!(
        w.iter()
            .any(|m| m.starts_with("status not readable") && m.contains(&pid.to_string())),
        "{w:?}"
    );
    assert!(w.iter().any(|m| m.starts_with("fd not readable")), "{w:?}");
    let p = inv.processes.iter().find(|p| p.pid == pid).unwrap();
    assert_eq!(p.uid, None);
    assert_eq!(p.exe.as_ref().unwrap().0, b"/usr/bin/redis-check-rdb");
    // its socket could not be mapped, but the listener itself is still reported
    assert!(
        inv.listeners
            .iter()
            .any(|l| l.port == 6379 && l.pids.is_empty())
    );
    assert!(!inv.host.scanned_as_root);
}

#[test]
fn live_non_root_run_warns_and_succeeds() {
    if !am_root() {
        // we are the non-root user already
        let inv = scan(std::path::Path::new("/"));
        assert!(codes(&inv).contains(&"not-root".to_string()));
        return;
    }
    let out = support::avexclude()
        .args(["discover", "--format", "json"])
        .current_dir("/")
        .uid(65534)
        .gid(65534)
        .run();
    out.assert_exit(0);
    let inv: Inventory = out.stdout_as();
    let c = codes(&inv);
    assert!(c.contains(&"not-root".to_string()), "{c:?}");
    assert!(
        c.contains(&"permission-denied".to_string()),
        "root's processes hide their exe: {c:?}"
    );
    assert!(!inv.host.scanned_as_root);
    // pid 1 is still listed, without its executable
    let init = inv.processes.iter().find(|p| p.pid == 1).unwrap();
    assert!(init.exe.is_none());
}

#[test]
fn random_proc_files_never_break_a_scan() {
    // Whole-scan fuzz: random bytes in every file of one process and in the socket tables.
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::docker_host(d.path());
    let pid = fx.pid("postgres");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(24));
    runner
        .run(
            &proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 8),
            |blobs| {
                for (f, b) in [
                    "stat",
                    "status",
                    "cmdline",
                    "cgroup",
                    "mountinfo",
                    "environ",
                    "comm",
                ]
                .iter()
                .zip(&blobs)
                {
                    std::fs::write(fx.root.join(format!("proc/{pid}/{f}")), b).unwrap();
                }
                std::fs::write(fx.root.join("proc/1/net/tcp6"), &blobs[7]).unwrap();
                let inv = scan(&fx.root);
                prop_assert!(!codes(&inv).contains(&"internal-error".to_string()));
                prop_assert!(inv.processes.iter().any(|p| p.pid == pid));
                Ok(())
            },
        )
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn proc_parsers_never_panic(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        use avexclude::discovery::{container, datapaths, proc, sockets};
        let _ = proc::parse_stat(&b);
        let _ = proc::parse_status_uid(&b);
        let _ = proc::split_cmdline(&b);
        let _ = proc::environ_get(&b, "PGDATA");
        let _ = proc::parse_socket_link(&b);
        let _ = container::parse_mountinfo(&b);
        let _ = container::overlay_from_opts(&b);
        let _ = container::unescape(&b);
        let _ = container::parse_cgroup(&container::cgroup_lines(&b));
        let _ = sockets::parse_table(&b, Protocol::Tcp, 4);
        let _ = sockets::parse_table(&b, Protocol::Udp, 6);
        let _ = datapaths::config_value(&b, "dbPath");
    }

    #[test]
    fn structured_garbage_never_panics(
        pid in "[0-9]{0,12}", comm in ".{0,20}", rest in "[ 0-9A-Za-z()-]{0,200}",
        mi in "([0-9]{1,3} ){0,3}[0-9:]{0,6} [/a-z\\\\0-7 ]{0,30} - [a-z]{0,8} [a-z=:,/\\\\]{0,60}",
        cg in "([0-9]{1,2}:[a-z=,]{0,10}:[/a-z0-9._-]{0,80}\n){0,4}",
        net in "( *[0-9]+: [0-9A-F]{0,32}:[0-9A-F]{0,4} [0-9A-F]{0,32}:[0-9A-F]{0,4} [0-9A-F]{0,2}( [0-9A-F:]{0,17}){0,9}\n){0,4}",
    ) {
        use avexclude::discovery::{container, proc, sockets};
        let _ = proc::parse_stat(format!("{pid} ({comm}) {rest}").as_bytes());
        let _ = container::parse_mountinfo(mi.as_bytes());
        let _ = container::parse_cgroup(&container::cgroup_lines(cg.as_bytes()));
        let _ = sockets::parse_table(format!("hdr\n{net}").as_bytes(), Protocol::Tcp, 6);
        let _ = sockets::parse_table(format!("hdr\n{net}").as_bytes(), Protocol::Tcp, 4);
    }
}

#[test]
fn root_scan_never_reads_outside_the_root() {
    // Links in a --root tree that point out of it (absolute targets are taken relative to the
    // root, as the host would see them) must not make the scan read the machine it runs on.
    let d = tempfile::tempdir().unwrap();
    let outside = d.path().join("outside");
    std::fs::create_dir_all(outside.join("microk8s/999")).unwrap();
    std::fs::write(
        outside.join("mongod.conf"),
        "storage:\n  dbPath: /LEAKED-CONFIG\n",
    )
    .unwrap();
    std::fs::write(outside.join("environ"), b"PGDATA=/LEAKED-ENV\0").unwrap();
    let fx = hosts::microk8s_seed(&d.path().join("host"));
    let abs = |p: &std::path::Path| p.canonicalize().unwrap();
    // a config file in an image layer that is an absolute link to the real machine
    let mg = fx.ctr("mongodb");
    let conf = fx.root.join(format!(
        "{}/opt/bitnami/mongodb/conf/mongodb.conf",
        String::from_utf8(mg.lowers[0].clone())
            .unwrap()
            .trim_start_matches('/')
    ));
    std::fs::remove_file(&conf).unwrap();
    std::os::unix::fs::symlink(abs(&outside).join("mongod.conf"), &conf).unwrap();
    // a /proc file that is a link
    let env = fx.root.join(format!("proc/{}/environ", fx.pid("beam.smp")));
    std::fs::remove_file(&env).unwrap();
    std::os::unix::fs::symlink(abs(&outside).join("environ"), &env).unwrap();
    // /snap as a link out of the root
    std::fs::rename(fx.root.join("snap"), fx.root.join("snap.real")).unwrap();
    std::os::unix::fs::symlink(abs(&outside), fx.root.join("snap")).unwrap();

    let inv = scan(&fx.root);
    let text = serde_json::to_string(&inv).unwrap();
    assert!(!text.contains("LEAKED"), "read outside the root");
    assert!(
        !text.contains("\"999\""),
        "listed a directory outside the root"
    );
    assert!(inv.filesystem.snaps.iter().all(|s| s.name != "microk8s"));
    // the environ link was refused, so RabbitMQ's data path is not from its environment (its
    // fallback, -home + /mnesia, does not exist in the layers, so there is none at all)
    assert!(
        inv.data_paths
            .iter()
            .all(|d| d.component != "rabbitmq" || !d.source.starts_with("environ")),
        "{:?}",
        inv.data_paths
    );
    // the link in the layer was not followed: mongod's data path is not from its config
    assert!(inv.data_paths.iter().all(|d| d.source != "config dbPath"));
}

#[test]
fn a_container_exe_missing_from_its_layers_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let fx = hosts::docker_host(d.path());
    let ctr = fx.ctr("redis");
    let layer = String::from_utf8(ctr.lowers[0].clone()).unwrap();
    std::fs::remove_file(fx.root.join(format!(
        "{}/opt/bitnami/redis/bin/redis-server",
        layer.trim_start_matches('/')
    )))
    .unwrap();
    let inv = scan(&fx.root);
    let r = inv
        .processes
        .iter()
        .find(|p| p.pid == fx.pid("redis"))
        .unwrap();
    assert!(r.exe_host.is_none());
    let w = inv
        .warnings
        .iter()
        .find(|w| w.code == "exe-host-unresolved")
        .expect("a warning");
    assert!(
        w.message.contains(&fx.pid("redis").to_string()),
        "{}",
        w.message
    );
    assert!(!w.message.contains(&fx.pid("postgres").to_string()));
}
