//! Benchmark (not a timed test): `discover --root` on a generated node with 5,000 processes (nine
//! in ten in containers), against the floor of reading the same /proc files once
//! (`find DIR/proc -type f -exec cat {} + >/dev/null`), with and without 200,000 extra files in
//! the container layers. Goals: at most 2x the floor; at most 1.2x of the plain run when the
//! layers are full of files (a scan never walks them); peak RSS under 64 MiB.
//!
//! Run: `cargo bench --bench discover` (env `BENCH_PROCS`, `BENCH_EXTRA` to change the sizes).

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn best_of(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..n).map(|_| f()).min().unwrap_or_default()
}

fn floor(root: &Path) -> Duration {
    best_of(5, || {
        let t = Instant::now();
        let st = Command::new("sh")
            .arg("-c")
            .arg("find \"$1/proc\" -type f -exec cat {} + >/dev/null")
            .arg("sh")
            .arg(root)
            .status()
            .expect("run find");
        assert!(st.success());
        t.elapsed()
    })
}

fn discover(root: &Path) -> Duration {
    best_of(5, || {
        let t = Instant::now();
        let st = Command::new(support::bin())
            .args(["discover", "--format", "json", "--root"])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run avexclude");
        assert!(st.success());
        t.elapsed()
    })
}

/// Peak RSS of one `discover --root` run, in KiB (wait4's rusage of the child).
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
fn peak_rss_kib(root: &Path) -> i64 {
    let child = Command::new(support::bin())
        .args(["discover", "--format", "json", "--root"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid);
    ru.ru_maxrss
}

fn env_or(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs us too: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let procs = if quick {
        200
    } else {
        env_or("BENCH_PROCS", 5000)
    };
    let extra = if quick {
        2000
    } else {
        env_or("BENCH_EXTRA", 200_000)
    };
    let d = tempfile::tempdir().expect("tempdir");
    let plain = d.path().join("plain");
    let full = d.path().join("full");
    let t = Instant::now();
    let fx = support::hosts::big_node(&plain, procs, 0);
    support::hosts::big_node(&full, procs, extra);
    eprintln!(
        "generated 2 nodes of {procs} processes ({} containers), {extra} extra layer files, in {:.1?}",
        fx.containers.len(),
        t.elapsed()
    );
    let inv = support::discover_inventory(&plain);
    assert_eq!(
        inv.processes.len(),
        procs + 11,
        "the base host adds init, 7 kernel threads, journald, cron, sshd"
    );
    assert!(
        inv.processes
            .iter()
            .filter(|p| p.container.is_some())
            .count()
            >= procs * 8 / 10
    );
    // interleaved, best of each: the machine's background load hits both sides alike
    let (mut f_plain, mut d_plain, mut f_full, mut d_full) =
        (Duration::MAX, Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        f_plain = f_plain.min(floor(&plain));
        d_plain = d_plain.min(discover(&plain));
        f_full = f_full.min(floor(&full));
        d_full = d_full.min(discover(&full));
    }
    let rss = peak_rss_kib(&full);
    println!("discover --root, {procs} processes (best of 15, interleaved):");
    println!(
        "  floor (find proc -type f -exec cat)  {:>8.1} ms",
        f_plain.as_secs_f64() * 1e3
    );
    println!(
        "  discover                             {:>8.1} ms  = {:.2}x floor (goal <= 2x)",
        d_plain.as_secs_f64() * 1e3,
        d_plain.as_secs_f64() / f_plain.as_secs_f64()
    );
    println!("with {extra} extra files in container layers:");
    println!(
        "  floor                                {:>8.1} ms",
        f_full.as_secs_f64() * 1e3
    );
    println!(
        "  discover                             {:>8.1} ms  = {:.2}x the plain run (goal <= 1.2x), {:.2}x floor",
        d_full.as_secs_f64() * 1e3,
        d_full.as_secs_f64() / d_plain.as_secs_f64(),
        d_full.as_secs_f64() / f_full.as_secs_f64()
    );
    println!(
        "  peak RSS                             {:>8.1} MiB (goal < 64 MiB)",
        rss as f64 / 1024.0
    );
}
