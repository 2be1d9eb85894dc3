//! Export of a large fleet: 200 hosts (the five fixture host kinds, renamed), every format.

#[path = "../tests/support/export_fleet.rs"]
mod fleet;

use avexclude::export::{ExportFormat, ExportState, Lang, export_with_catalog};
use criterion::{Criterion, criterion_group, criterion_main};

fn big_fleet(n: usize) -> (avexclude::model::Catalog, Vec<avexclude::model::Report>) {
    let (cat, five) = fleet::fleet();
    let reports = (0..n)
        .map(|i| {
            let mut r = five[i % five.len()].clone();
            r.host.hostname = format!("{}-{i:03}", r.host.hostname);
            r
        })
        .collect();
    (cat, reports)
}

fn bench(c: &mut Criterion) {
    let (cat, reports) = big_fleet(200);
    let state = ExportState::of(&reports, Some(&cat));
    let mut g = c.benchmark_group("export_200_hosts");
    g.sample_size(10);
    for (name, f) in [
        ("csv", ExportFormat::Csv),
        ("markdown", ExportFormat::Markdown),
        ("html", ExportFormat::Html),
        ("json", ExportFormat::Json),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| export_with_catalog(&reports, Some(&cat), f, Lang::Ru, None).unwrap())
        });
    }
    g.bench_function("html_with_state", |b| {
        b.iter(|| {
            export_with_catalog(
                &reports,
                Some(&cat),
                ExportFormat::Html,
                Lang::En,
                Some(&state),
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
