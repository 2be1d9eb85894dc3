//! Benchmark (not a timed test): `discover --root` on a generated node with 5,000 processes (nine
//! in ten in containers), against the floor of reading the same /proc files once
//! (`find DIR/proc -type f -exec cat {} + >/dev/null`), with and without 200,000 extra files in
//! the container layers. Goals: at most 2x the floor; at most 1.2x of the plain run when the
//! layers are full of files (a scan never walks them); peak RSS under 64 MiB.
//!
//! Run: `cargo bench --bench discover` (env `BENCH_PROCS`, `BENCH_EXTRA` to change the sizes).
//! `BENCH_BASE_BIN=/path/to/older/avexclude` also times that binary on the same trees, interleaved
//! with this one, so a before/after comparison is not skewed by the machine's load changing
//! between two separate runs.

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
    discover_with(&support::bin(), root)
}

fn discover_with(bin: &Path, root: &Path) -> Duration {
    best_of(5, || {
        let t = Instant::now();
        let st = Command::new(bin)
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
    let base = std::env::var_os("BENCH_BASE_BIN").map(std::path::PathBuf::from);
    let (mut b_plain, mut b_full) = (Duration::MAX, Duration::MAX);
    if let Some(b) = &base {
        for _ in 0..3 {
            b_plain = b_plain.min(discover_with(b, &plain));
            d_plain = d_plain.min(discover(&plain));
            b_full = b_full.min(discover_with(b, &full));
            d_full = d_full.min(discover(&full));
        }
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
    if let Some(b) = &base {
        println!(
            "baseline {} (best of 15, interleaved with this build):",
            b.display()
        );
        println!(
            "  plain                                {:>8.1} ms  (this build {:.2}x)",
            b_plain.as_secs_f64() * 1e3,
            d_plain.as_secs_f64() / b_plain.as_secs_f64()
        );
        println!(
            "  with extra layer files               {:>8.1} ms  (this build {:.2}x)",
            b_full.as_secs_f64() * 1e3,
            d_full.as_secs_f64() / b_full.as_secs_f64()
        );
    }
}
