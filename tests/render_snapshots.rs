//! Snapshots of every vendor's output for hand-built reports of three host types (a Debian DB
//! host, a microk8s node with Bitnami pods, a hostile host), with and without `--wildcards`.
//! Reviewed by eye once; a change to any template or escaping shows up here.

use crate::support::render_reports as reports;

use avexclude::render::{self, RenderOptions};

fn dump(
    r: &avexclude::model::Report,
    inv: &avexclude::model::Inventory,
    v: &render::Vendor,
    wildcards: bool,
) -> String {
    let cat = reports::catalog();
    let o = render::render_with(
        r,
        &cat,
        v,
        &RenderOptions {
            wildcards,
            allow_risk: vec![],
        },
        Some(inv),
    )
    .unwrap();
    let mut s = String::new();
    for f in &o.files {
        s.push_str(&format!("===== {} (mode {:o})\n", f.path.display(), f.mode));
        s.push_str(&String::from_utf8_lossy(&f.bytes));
    }
    s.push_str("===== warnings\n");
    for w in &o.warnings {
        s.push_str(&format!(
            "{} [{}] {}\n",
            w.code,
            w.subject.as_deref().unwrap_or("-"),
            w.message
        ));
    }
    s
}

#[test]
fn every_vendor_for_each_report() {
    let vendors = render::load_vendors(None).unwrap();
    let hosts = [
        ("db_host", reports::db_host()),
        ("microk8s", reports::microk8s()),
        ("hostile", reports::hostile()),
    ];
    for (host, (r, inv)) in &hosts {
        for v in &vendors {
            insta::assert_snapshot!(
                format!("report_{host}__{}", v.name()),
                dump(r, inv, v, false)
            );
        }
    }
    let (r, inv) = reports::microk8s();
    for v in &vendors {
        insta::assert_snapshot!(
            format!("report_microk8s_wildcards__{}", v.name()),
            dump(&r, &inv, v, true)
        );
    }
}
