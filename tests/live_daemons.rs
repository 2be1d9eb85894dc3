//! Live discovery and check against real daemons (issues 6 and 3).
//!
//! `tests/live/up.sh` starts, on 127.0.0.1 and on ports of its own, Debian's nginx (with a proxy
//! cache), redis-server, RabbitMQ (beam.smp and epmd), PostgreSQL 15, git daemon, gpg-agent,
//! dumb-init + node and runsvdir/runsv; then `avexclude discover` and `avexclude check` run on the
//! live `/` and must see each daemon as it really is. The daemons start once (RabbitMQ alone takes
//! several seconds), so everything is asserted in one test; a guard runs `tests/live/down.sh` even
//! when an assertion fails.

use crate::support;
use support::real;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use avexclude::model::{Drift, EntryResult, Inventory, Process, Report, Status};

/// Programs up.sh needs; without them the test skips (or fails with AVEXCLUDE_REQUIRE_REAL=1).
const NEEDED: &[&str] = &[
    "/usr/sbin/nginx",
    "/usr/bin/redis-server",
    "/usr/lib/rabbitmq/bin/rabbitmq-server",
    "/usr/lib/postgresql/15/bin/postgres",
    "/usr/lib/git-core/git-daemon",
    "/usr/bin/gpg-agent",
    "/usr/bin/dumb-init",
    "/usr/bin/node",
    "/usr/bin/runsvdir",
    "/usr/bin/ss",
];

/// The started daemons. Dropping it stops exactly what up.sh recorded (down.sh), then removes the
/// state directory.
struct Daemons {
    dir: tempfile::TempDir,
    /// role -> (pid, starttime), main processes only (`role/child` lines are not kept).
    main: BTreeMap<String, (i32, u64)>,
    ports: BTreeMap<String, u16>,
}

impl Daemons {
    fn state(&self) -> PathBuf {
        fs::canonicalize(self.dir.path()).unwrap()
    }
    fn pid(&self, role: &str) -> i32 {
        self.main
            .get(role)
            .unwrap_or_else(|| panic!("up.sh recorded no `{role}` pid"))
            .0
    }
    fn port(&self, name: &str) -> u16 {
        self.ports[name]
    }
    fn script(name: &str) -> PathBuf {
        real::repo().join("tests/live").join(name)
    }
    /// Runs a script with stdout/stderr to files (a pipe would stay open in the daemons).
    fn run(&self, name: &str) -> (i32, String) {
        let log = self.dir.path().join(format!("{name}.log"));
        let out = fs::File::create(&log).unwrap();
        let err = out.try_clone().unwrap();
        let status = Command::new("bash")
            .arg(Self::script(name))
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .status()
            .unwrap();
        (
            status.code().unwrap_or(-1),
            fs::read_to_string(&log).unwrap_or_default(),
        )
    }
    fn up() -> Daemons {
        // Not under /tmp: a data directory in a shared place is never used (threat model), and
        // these daemons' data directories live in the state dir.
        let dir = tempfile::Builder::new()
            .prefix("avexclude-live.")
            .tempdir_in("/var/lib")
            .unwrap();
        let mut d = Daemons {
            dir,
            main: BTreeMap::new(),
            ports: BTreeMap::new(),
        };
        // From here on, a panic drops `d`, which runs down.sh.
        let (rc, log) = d.run("up.sh");
        eprintln!("---- up.sh (rc {rc})\n{log}");
        let pids = fs::read_to_string(d.dir.path().join("pids")).unwrap_or_default();
        for line in pids.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() == 3 && !f[0].contains('/') {
                d.main.insert(
                    f[0].to_string(),
                    (f[1].parse().unwrap(), f[2].parse().unwrap()),
                );
            }
        }
        assert_eq!(rc, 0, "up.sh failed (rc {rc}); its output is above");
        let ports = fs::read_to_string(d.dir.path().join("ports.env")).unwrap();
        for line in ports.lines() {
            if let Some((k, v)) = line.split_once('=') {
                d.ports.insert(k.to_string(), v.parse().unwrap());
            }
        }
        d
    }
}

impl Drop for Daemons {
    fn drop(&mut self) {
        if self.dir.path().join("pids").exists() {
            let (rc, log) = self.run("down.sh");
            eprintln!("---- down.sh (rc {rc})\n{log}");
            if rc != 0 && !std::thread::panicking() {
                panic!("down.sh could not stop everything up.sh started (rc {rc})");
            }
        }
    }
}

/// The `erts-X` directories installed under /usr/lib/erlang (read from the filesystem).
fn installed_erts() -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir("/usr/lib/erlang")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|n| n.strip_prefix("erts-").map(str::to_string))
        .filter(|x| Path::new(&format!("/usr/lib/erlang/erts-{x}/bin/beam.smp")).exists())
        .collect();
    v.sort();
    v
}

fn avexclude(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = support::avexclude().args(args).run();
    (
        out.code().unwrap_or(-1),
        out.stdout_bytes().to_vec(),
        out.stderr_lossy(),
    )
}

fn text(h: &Option<avexclude::model::HostStr>) -> String {
    h.as_ref().map(|h| h.display()).unwrap_or_default()
}

fn proc_by_pid<'a>(inv: &'a Inventory, pid: i32, what: &str) -> &'a Process {
    inv.processes
        .iter()
        .find(|p| p.pid == pid)
        .unwrap_or_else(|| panic!("discover did not list {what} (pid {pid})"))
}

fn children(inv: &Inventory, ppid: i32) -> Vec<&Process> {
    inv.processes.iter().filter(|p| p.ppid == ppid).collect()
}

fn joined(p: &Process) -> String {
    p.cmdline_joined().display()
}

/// The process's executable as discovery recorded it, checked against what we expect.
fn assert_exe(p: &Process, exe: &str, what: &str) {
    assert_eq!(
        text(&p.exe),
        exe,
        "{what} (pid {}): exe; process = {p:#?}",
        p.pid
    );
    assert!(!p.exe_deleted, "{what}: exe_deleted set for a live binary");
}

fn entry<'a>(r: &'a Report, id: &str) -> &'a EntryResult {
    r.entries
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("check report has no entry `{id}`"))
}

fn assert_status(e: &EntryResult, status: Status, found: &str) {
    assert_eq!(e.status, status, "{}: status; entry = {e:#?}", e.id);
    assert!(
        e.found.iter().any(|f| f == found),
        "{}: `found` lacks {found}; entry = {e:#?}",
        e.id
    );
}

fn drift(e: &EntryResult) -> &Drift {
    e.drift
        .as_ref()
        .unwrap_or_else(|| panic!("{}: drifted entry without a drift object: {e:#?}", e.id))
}

#[test]
fn live_daemons_discover_and_check() {
    let mut missing = real::missing_root_and(NEEDED);
    let erts = if Path::new("/usr/lib/erlang").is_dir() {
        installed_erts()
    } else {
        Vec::new()
    };
    if erts.is_empty() {
        missing.push("no /usr/lib/erlang/erts-*/bin/beam.smp (erlang-base)".into());
    }
    if !real::can_run("live_daemons_discover_and_check", &missing) {
        return;
    }
    // real daemons on the live host: one such test at a time (lifecycle_live checks the same host)
    let _lock = real::lock_real();

    let d = Daemons::up();
    let st = d.state();
    let st_s = st.display().to_string();

    // ------------------------------------------------------------------ discover
    let (rc, out, err) = avexclude(&["discover", "--format", "json"]);
    assert_eq!(rc, 0, "discover failed: {err}");
    let inv: Inventory = serde_json::from_slice(&out).unwrap_or_else(|e| {
        panic!("discover --format json is not an Inventory: {e}\nstderr: {err}")
    });
    assert_eq!(inv.root, "/");
    assert!(inv.host.scanned_as_root, "the scan ran as root");

    // Each recorded main process, with its identity (pid + start time) intact.
    for (role, (pid, st_ticks)) in &d.main {
        let p = proc_by_pid(&inv, *pid, role);
        assert_eq!(p.start_time, *st_ticks, "{role}: start_time");
    }

    // nginx: the real executable, de-padded titles, users.
    let master = proc_by_pid(&inv, d.pid("nginx"), "nginx master");
    assert_exe(master, "/usr/sbin/nginx", "nginx master");
    let mt = joined(master);
    assert!(
        mt.starts_with("nginx: master process /usr/sbin/nginx -p ")
            && mt.ends_with("-g daemon off;"),
        "nginx master title: {mt:?}"
    );
    assert_eq!(master.user.as_deref(), Some("root"));
    let kids = children(&inv, master.pid);
    let workers: Vec<_> = kids
        .iter()
        .filter(|p| joined(p) == "nginx: worker process")
        .collect();
    assert_eq!(
        workers.len(),
        2,
        "two nginx workers titled exactly `nginx: worker process` (no padding); children: {:?}",
        kids.iter().map(|p| joined(p)).collect::<Vec<_>>()
    );
    for w in &workers {
        assert_exe(w, "/usr/sbin/nginx", "nginx worker");
        assert_eq!(w.user.as_deref(), Some("www-data"));
        assert_eq!(w.comm.display(), "nginx");
        assert_eq!(w.cmdline.len(), 1, "a rewritten title is one argv element");
    }
    let cm: Vec<_> = kids
        .iter()
        .filter(|p| joined(p) == "nginx: cache manager process")
        .collect();
    assert_eq!(cm.len(), 1, "one nginx cache manager");
    assert_exe(cm[0], "/usr/sbin/nginx", "nginx cache manager");

    // redis: Debian's /usr/bin/redis-server is a symlink to redis-check-rdb; padded title.
    let redis = proc_by_pid(&inv, d.pid("redis"), "redis-server");
    assert_exe(redis, "/usr/bin/redis-check-rdb", "redis-server");
    assert_eq!(redis.comm.display(), "redis-server");
    assert_eq!(
        joined(redis),
        format!("/usr/bin/redis-server 127.0.0.1:{}", d.port("PORT_REDIS")),
        "redis title, de-padded"
    );
    assert_eq!(redis.user.as_deref(), Some("redis"));
    assert_eq!(text(&redis.cwd), format!("{st_s}/redis"));

    // PostgreSQL: Debian's location, -D on the command line, background workers' titles.
    let pg = proc_by_pid(&inv, d.pid("postgres"), "postgres");
    assert_exe(pg, "/usr/lib/postgresql/15/bin/postgres", "postgres");
    assert_eq!(pg.user.as_deref(), Some("postgres"));
    let pgc = joined(pg);
    assert!(
        pgc.starts_with(&format!(
            "/usr/lib/postgresql/15/bin/postgres -D {st_s}/pg -p "
        )),
        "postgres cmdline: {pgc:?}"
    );
    let pg_kids: Vec<String> = children(&inv, pg.pid).iter().map(|p| joined(p)).collect();
    assert!(
        pg_kids
            .iter()
            .any(|t| t == "postgres: 15/main: checkpointer"),
        "postgres children titles: {pg_kids:?}"
    );

    // RabbitMQ: the sh script, beam.smp under the installed erts-X, epmd.
    let rmq = proc_by_pid(&inv, d.pid("rabbitmq-server"), "rabbitmq-server script");
    assert_exe(rmq, "/usr/bin/dash", "rabbitmq-server (a sh script)");
    assert_eq!(rmq.comm.display(), "rabbitmq-server");
    assert_eq!(
        rmq.cmdline.get(1).map(|a| a.display()).as_deref(),
        Some("/usr/lib/rabbitmq/bin/rabbitmq-server")
    );
    let beams: Vec<_> = children(&inv, rmq.pid)
        .into_iter()
        .filter(|p| p.comm.display() == "beam.smp")
        .collect();
    assert_eq!(
        beams.len(),
        1,
        "one beam.smp under the rabbitmq-server script"
    );
    let beam = beams[0];
    let beam_exe = text(&beam.exe);
    let x = erts
        .iter()
        .find(|x| beam_exe == format!("/usr/lib/erlang/erts-{x}/bin/beam.smp"))
        .unwrap_or_else(|| {
            panic!("beam.smp exe {beam_exe:?} is not under any installed erts-{erts:?}")
        })
        .clone();
    assert_eq!(beam.user.as_deref(), Some("rabbitmq"));
    assert!(
        joined(beam).contains(&format!("-bindir /usr/lib/erlang/erts-{x}/bin")),
        "beam.smp cmdline"
    );
    let epmd = proc_by_pid(&inv, d.pid("epmd"), "epmd");
    assert_exe(epmd, &format!("/usr/lib/erlang/erts-{x}/bin/epmd"), "epmd");
    assert_eq!(
        inv.filesystem
            .erts
            .iter()
            .filter(|e| e.version == x && e.path.display() == format!("/usr/lib/erlang/erts-{x}"))
            .count(),
        1,
        "filesystem.erts lists /usr/lib/erlang/erts-{x}: {:?}",
        inv.filesystem.erts
    );

    // git daemon (Debian's, not /usr/local's), gpg-agent, dumb-init + node, runit.
    let git = proc_by_pid(&inv, d.pid("git-daemon"), "git daemon");
    assert_exe(git, "/usr/lib/git-core/git-daemon", "git daemon");
    assert_eq!(git.comm.display(), "git-daemon");
    let gpg = proc_by_pid(&inv, d.pid("gpg-agent"), "gpg-agent");
    assert_exe(gpg, "/usr/bin/gpg-agent", "gpg-agent");
    assert_eq!(
        joined(gpg),
        format!("gpg-agent --homedir {st_s}/gnupg --use-standard-socket --daemon")
    );
    let di = proc_by_pid(&inv, d.pid("dumb-init"), "dumb-init");
    assert_exe(di, "/usr/bin/dumb-init", "dumb-init");
    let node: Vec<_> = children(&inv, di.pid);
    assert_eq!(node.len(), 1, "dumb-init has one child");
    assert_exe(node[0], "/usr/bin/node", "node under dumb-init");
    assert_eq!(
        joined(node[0]),
        format!("/usr/bin/node {st_s}/node/server.js")
    );
    let rsd = proc_by_pid(&inv, d.pid("runsvdir"), "runsvdir");
    assert_exe(rsd, "/usr/bin/runsvdir", "runsvdir");
    let rsv: Vec<_> = children(&inv, rsd.pid);
    assert_eq!(rsv.len(), 1, "runsvdir has one runsv");
    assert_exe(rsv[0], "/usr/bin/runsv", "runsv");
    assert_eq!(joined(rsv[0]), "runsv elma-worker");
    let svc: Vec<_> = children(&inv, rsv[0].pid);
    assert_eq!(svc.len(), 1, "runsv has one service");
    assert_exe(svc[0], "/usr/bin/node", "runit service");
    assert_eq!(svc[0].user.as_deref(), Some("nobody"));

    // Every listening port, mapped to the pid that holds it.
    let by_port = |port: u16, v6: bool| {
        inv.listeners
            .iter()
            .filter(|l| {
                l.port == port
                    && l.protocol.as_str() == "tcp"
                    && l.ip_version == if v6 { 6 } else { 4 }
            })
            .collect::<Vec<_>>()
    };
    for (port_name, holder, v6) in [
        ("PORT_NGINX", master.pid, false),
        ("PORT_NODE", node[0].pid, false),
        ("PORT_REDIS", redis.pid, false),
        ("PORT_PG", pg.pid, false),
        ("PORT_AMQP", beam.pid, false),
        ("PORT_DIST", beam.pid, false),
        ("PORT_EPMD", epmd.pid, false),
        ("PORT_EPMD", epmd.pid, true),
        ("PORT_GIT", git.pid, false),
    ] {
        let port = d.port(port_name);
        let ls = by_port(port, v6);
        assert_eq!(
            ls.len(),
            1,
            "{port_name} {port} (ipv{}): one listener; listeners on it: {ls:?}",
            if v6 { 6 } else { 4 }
        );
        let l = ls[0];
        assert_eq!(
            l.address,
            if v6 { "::1" } else { "127.0.0.1" },
            "{port_name}: address"
        );
        assert!(
            l.pids.contains(&holder),
            "{port_name} {port}: pids {:?} lack {holder}",
            l.pids
        );
    }
    // nginx workers inherit the listening socket: they hold it too.
    let ngx = by_port(d.port("PORT_NGINX"), false)[0];
    for w in &workers {
        assert!(
            ngx.pids.contains(&w.pid),
            "nginx worker {} holds the listening socket",
            w.pid
        );
    }

    // Data paths from the command line (-D), cwd (redis) and RabbitMQ's environment.
    let dp = |component: &str| {
        inv.data_paths
            .iter()
            .filter(|p| p.component == component)
            .map(|p| (p.path.display(), p.pid))
            .collect::<Vec<_>>()
    };
    let pg_dp = dp("postgresql");
    assert!(
        pg_dp.contains(&(format!("{st_s}/pg"), Some(pg.pid))),
        "postgresql data path {st_s}/pg of pid {}: {pg_dp:?}",
        pg.pid
    );
    let redis_dp = dp("redis");
    assert!(
        redis_dp.iter().any(|(p, _)| *p == format!("{st_s}/redis")),
        "redis data path {st_s}/redis: {redis_dp:?}"
    );
    let rmq_dp = dp("rabbitmq");
    assert!(
        rmq_dp
            .iter()
            .any(|(p, _)| p.starts_with(&format!("{st_s}/rabbitmq/mnesia"))),
        "rabbitmq data path under {st_s}/rabbitmq/mnesia: {rmq_dp:?}"
    );

    // ------------------------------------------------------------------ check
    let (rc, out, err) = avexclude(&["check", "--format", "json"]);
    let rep: Report = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("check --format json is not a Report: {e}\nstderr: {err}"));
    for id in [
        "proc-nginx-master",
        "proc-nginx-worker",
        "proc-nginx-cache-manager",
    ] {
        assert_status(entry(&rep, id), Status::Present, "/usr/sbin/nginx");
    }
    let beam_e = entry(&rep, "db-beam-smp-bitnami");
    assert_status(beam_e, Status::Drifted, &beam_exe);
    let bd = drift(beam_e);
    assert!(
        bd.summary.contains(&x) && bd.items.iter().any(|i| i.host.contains(&x)),
        "beam.smp drift names the installed erts {x}: {bd:#?}"
    );
    assert!(
        bd.summary.contains("12.3.1"),
        "beam.smp drift names the catalog's erts 12.3.1: {bd:#?}"
    );
    let epmd_e = entry(&rep, "proc-epmd-bitnami");
    assert_status(
        epmd_e,
        Status::Drifted,
        &format!("/usr/lib/erlang/erts-{x}/bin/epmd"),
    );
    assert!(
        drift(epmd_e).summary.contains(&x),
        "epmd drift names erts {x}"
    );
    let pg_e = entry(&rep, "db-postgres-bitnami");
    assert_status(pg_e, Status::Drifted, "/usr/lib/postgresql/15/bin/postgres");
    let pd = drift(pg_e);
    assert!(
        pd.host.contains("/usr/lib/postgresql/15/bin/postgres")
            || pd
                .items
                .iter()
                .any(|i| i.host.contains("/usr/lib/postgresql/15/bin/postgres")),
        "postgres drift names Debian's location: {pd:#?}"
    );
    let redis_e = entry(&rep, "db-redis-server-name");
    assert_eq!(redis_e.status, Status::Present, "{redis_e:#?}");
    assert!(
        redis_e.found.iter().any(|f| {
            fs::canonicalize(f).is_ok_and(|c| c == Path::new("/usr/bin/redis-check-rdb"))
        }),
        "db-redis-server-name found resolves to the real redis executable: {:?}",
        redis_e.found
    );
    assert_status(
        entry(&rep, "proc-git-daemon-name"),
        Status::Present,
        "/usr/lib/git-core/git-daemon",
    );
    assert_status(
        entry(&rep, "proc-gpg-agent"),
        Status::Present,
        "/usr/bin/gpg-agent",
    );
    assert_status(
        entry(&rep, "proc-dumb-init"),
        Status::Present,
        "/usr/bin/dumb-init",
    );
    assert_status(entry(&rep, "proc-runsv"), Status::Present, "/usr/bin/runsv");
    // Debian's install locations are the catalog's alternates: found there, the entry drifted.
    for (id, path) in [
        ("proc-git-daemon-path", "/usr/lib/git-core/git-daemon"),
        ("proc-runsvdir", "/usr/bin/runsvdir"),
        ("proc-node", "/usr/bin/node"),
        (
            "db-rabbitmq-server-bitnami",
            "/usr/lib/rabbitmq/bin/rabbitmq-server",
        ),
    ] {
        let e = entry(&rep, id);
        assert_status(e, Status::Drifted, path);
        assert!(drift(e).host.contains(path), "{id}: drift host: {e:#?}");
    }
    // "exclude the database files": the live data directories.
    let rule = entry(&rep, "rule-database-files");
    for dir in ["pg", "redis"] {
        assert!(
            rule.found.contains(&format!("{st_s}/{dir}")),
            "rule-database-files lacks {st_s}/{dir}: {:?}",
            rule.found
        );
    }
    assert!(
        rule.found
            .iter()
            .any(|f| f.starts_with(&format!("{st_s}/rabbitmq/mnesia"))),
        "rule-database-files lacks the RabbitMQ mnesia dir: {:?}",
        rule.found
    );
    assert_eq!(rc, 1, "check exits 1 on drift; stderr: {err}");

    drop(d);
}
