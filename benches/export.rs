//! Export of a fleet at three sizes: 50, 200 and 1,000 hosts (the fixture host kinds, renamed,
//! each host with its own pids as on a real fleet), every format, written to a sink as the command
//! line streams it. The HTML sizes at 50 and 1,000 hosts are printed once (goals: under 2 MB and
//! under 10 MB); peak memory is measured on the release binary (`/usr/bin/time -v`, see the
//! issue's closing note), not here.

#[path = "../tests/support/export_fleet.rs"]
mod fleet;

use avexclude::export::{ExportFormat, ExportState, Fleet, Lang, write_to};
use avexclude::model::{Catalog, Report};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn big_fleet(n: usize) -> (Catalog, Vec<Report>) {
    let (cat, five) = fleet::fleet();
    let reports = (0..n)
        .map(|i| {
            let mut r = five[i % five.len()].clone();
            r.host.hostname = format!("{}-{i:04}", r.host.hostname);
            for e in &mut r.entries {
                for m in &mut e.matches {
                    m.pid = m.pid.map(|p| p + 10 * i as i32);
                }
            }
            r
        })
        .collect();
    (cat, reports)
}

/// Build the export host by host and stream it into a sink (bytes counted).
fn export(
    cat: &Catalog,
    reports: &[Report],
    f: ExportFormat,
    lang: Lang,
    prev: Option<&ExportState>,
) -> u64 {
    let mut fleet = Fleet::new(Some(cat), lang);
    for r in reports {
        fleet.add(r, None, None);
    }
    let (m, meta) = fleet.finish(prev);
    let mut sink = Counter(0);
    write_to(&m, &meta, f, &mut sink).unwrap();
    sink.0
}

struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bench(c: &mut Criterion) {
    for n in [50usize, 200, 1000] {
        let (cat, reports) = big_fleet(n);
        let size = export(&cat, &reports, ExportFormat::Html, Lang::Ru, None);
        eprintln!("export: {n} hosts -> HTML {size} bytes");
        let mut g = c.benchmark_group(format!("export_{n}_hosts"));
        g.sample_size(10);
        for (name, f) in [
            ("csv", ExportFormat::Csv),
            ("markdown", ExportFormat::Markdown),
            ("html", ExportFormat::Html),
            ("json", ExportFormat::Json),
        ] {
            g.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| export(&cat, &reports, f, Lang::Ru, None))
            });
        }
        if n == 200 {
            let state = ExportState::of(&reports, Some(&cat));
            g.bench_function("html_with_state", |b| {
                b.iter(|| export(&cat, &reports, ExportFormat::Html, Lang::En, Some(&state)))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
