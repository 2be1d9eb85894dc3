//! Catalog loading at the sizes of issue 9: a 20 000-entry site overlay (valid, and with every id
//! a duplicate, which used to cost a scan of every key per diagnostic), 100 000 entries, and a
//! 200 KB document of 100 000 nested `[` (libyaml rescans every open flow level per token: it
//! took 45 s before the depth bound, now it is refused at once).
//!
//! `cargo bench --bench catalog`

use avexclude::catalog::{self, SourceFile};
use criterion::{Criterion, criterion_group, criterion_main};

fn overlay(n: usize, duplicate: bool) -> SourceFile {
    let mut t = String::from("schema: 1\nentries:\n");
    for i in 0..n {
        let id = if duplicate {
            "dir-opt-elma365".to_string()
        } else {
            format!("site-dir-{i}")
        };
        t.push_str(&format!(
            "  - id: {id}\n    kind: directory\n    canonical: /srv/site/d{i}/\n    match: /srv/site/d{i}/\n    component: site\n    section: site\n    reason: {{ru: r, en: r}}\n    risk: low\n    risk_why: {{ru: r, en: r}}\n"
        ));
    }
    SourceFile {
        name: format!("site-{n}.yaml"),
        text: t,
    }
}

fn with_builtin(o: &SourceFile) -> Vec<SourceFile> {
    let mut f = catalog::builtin_sources();
    f.push(o.clone());
    f
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("catalog_load");
    g.sample_size(10);
    let builtin = catalog::builtin_sources();
    g.bench_function("builtin", |b| b.iter(|| catalog::load(&builtin).unwrap()));
    for n in [20_000, 100_000] {
        let files = with_builtin(&overlay(n, false));
        g.bench_function(format!("overlay_{n}"), |b| {
            b.iter(|| catalog::load(&files).unwrap())
        });
    }
    let files = with_builtin(&overlay(20_000, true));
    g.bench_function("overlay_20000_duplicate_ids", |b| {
        b.iter(|| assert_eq!(catalog::load(&files).unwrap_err().len(), 20_000))
    });
    let nested = SourceFile {
        name: "nested.yaml".into(),
        text: format!(
            "schema: 1\nentries: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    };
    let files = with_builtin(&nested);
    g.bench_function("nested_200k", |b| {
        b.iter(|| catalog::load(&files).unwrap_err())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
