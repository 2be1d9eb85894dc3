//! `--wildcards` writes versioned entries drift-proof only where the product can express the
//! wildcard without widening the exclusion; disabled and audit-only entries are never written.

use crate::support::render_reports as reports;

use avexclude::model::Status;
use avexclude::render::{self, RenderOptions};

fn out(
    name: &str,
    wildcards: bool,
    r: &avexclude::model::Report,
    cat: &avexclude::model::Catalog,
) -> (String, Vec<avexclude::model::Warning>) {
    let v = reports::vendor(name);
    let o = render::render(
        r,
        cat,
        &v,
        &RenderOptions {
            wildcards,
            allow_risk: vec![],
        },
    )
    .unwrap();
    (
        o.files
            .iter()
            .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
            .collect(),
        o.warnings,
    )
}

#[test]
fn wildcards_only_where_the_product_can_express_them() {
    let cat = reports::catalog();
    let (r, _) = reports::microk8s();
    // KESL: `*` within a segment: erts-* and the snap revision.
    let (k, _) = out("kesl", true, &r, &cat);
    assert!(
        k.contains("ProgramPath=/opt/bitnami/erlang/lib/erlang/erts-*/bin/beam.smp"),
        "{k}"
    );
    assert!(k.contains("ProgramPath=/snap/microk8s/*/kubelite"), "{k}");
    assert!(
        !k.contains("ProgramPath=/snap/microk8s/7394/kubelite"),
        "{k}"
    );
    // The overlay copy on the host is never a process's executable path: not written at all.
    assert!(!k.contains("ProgramPath=/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/377/fs/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp"));
    // Without --wildcards: concrete.
    let (k, _) = out("kesl", false, &r, &cat);
    assert!(
        k.contains("ProgramPath=/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp"),
        "{k}"
    );
    assert!(
        k.contains("ProgramPath=/snap/microk8s/7394/kubelite"),
        "{k}"
    );
    // Defender: whole-segment wildcards only: the snap revision, never erts-* glued to a name.
    let (m, _) = out("mdatp", true, &r, &cat);
    assert!(m.contains("'/snap/microk8s/*/kubelite'"), "{m}");
    assert!(
        m.contains("'/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp'"),
        "{m}"
    );
    assert!(!m.contains("erts-*"), "{m}");
    // ESET, Dr.Web, ClamAV: no wildcards at all.
    for v in ["eset", "drweb", "clamav"] {
        let (t, _) = out(v, true, &r, &cat);
        assert!(
            !t.lines()
                .filter(|l| !l.starts_with('#') && !l.contains("<!--"))
                .any(|l| l.contains("erts-*") || l.contains("microk8s/*/")),
            "{v}: {t}"
        );
    }
}

#[test]
fn disabled_and_audit_only_entries_are_not_written() {
    let mut cat = reports::catalog();
    let (mut r, _) = reports::db_host();
    let reason = "site uses a separate Redis host (overlays/site.yaml)".to_string();
    for e in cat
        .entries
        .iter_mut()
        .filter(|e| e.id == "db-redis-server-name")
    {
        e.disabled = Some(reason.clone());
    }
    for e in r
        .entries
        .iter_mut()
        .filter(|e| e.id == "db-redis-server-name")
    {
        e.status = Status::Disabled;
        e.disabled = Some(reason.clone());
    }
    // an audit-only firewall port that check found listening
    let fw = cat
        .entries
        .iter()
        .find(|e| e.audit_only)
        .unwrap()
        .id
        .clone();
    reports::set_present(&mut r, &cat, &fw, vec![reports::port("2379/tcp", 1)]);
    let (g, _) = out("generic", false, &r, &cat);
    assert!(!g.contains("/usr/bin/redis-check-rdb"), "{g}");
    assert!(
        g.contains("\"id\": \"db-redis-server-name\", \"why\": \"site uses a separate Redis host"),
        "{g}"
    );
    assert!(!g.contains(&fw), "{g}");
    let (d, _) = out("drweb", false, &r, &cat);
    assert!(d.contains("# Disabled by a site overlay:\n#   db-redis-server-name: site uses a separate Redis host"), "{d}");
}

#[test]
fn drifted_entries_are_written_with_the_host_value_and_the_drift() {
    let cat = reports::catalog();
    let (r, _) = reports::db_host();
    let (d, _) = out("drweb", false, &r, &cat);
    assert!(d.contains("# db-beam-smp-bitnami (risk medium)\nExcludedProc = \"/usr/lib/erlang/erts-13.1.5/bin/beam.smp\""), "{d}");
    assert!(d.contains("drift: erts 12.3.1 -> 13.1.5"), "{d}");
    assert!(
        !d.contains("erts-12.3.1/bin/beam.smp\""),
        "the stale catalog value is not written"
    );
}

#[test]
fn a_symlinked_directory_is_written_with_its_real_path_and_rated_by_it() {
    let cat = reports::catalog();
    let (mut r, _) = reports::db_host();
    let link = |target: &str| avexclude::model::Match {
        value: "/opt/elma365/".into(),
        host_path: Some(target.into()),
        via: "symlink".parse().unwrap(),
        ..Default::default()
    };
    reports::set_present(&mut r, &cat, "dir-opt-elma365", vec![link("/data/elma365")]);
    let (d, _) = out("drweb", false, &r, &cat);
    assert!(d.contains("ExcludedPath = \"/opt/elma365\"\n"), "{d}");
    assert!(d.contains("ExcludedPath = \"/data/elma365\"\n"), "{d}");

    // a link into a system directory is held back, whatever the link is called
    reports::set_present(&mut r, &cat, "dir-opt-elma365", vec![link("/usr")]);
    let (d, w) = out("drweb", false, &r, &cat);
    assert!(!d.contains("ExcludedPath = \"/usr\""), "{d}");
    assert!(
        w.iter()
            .any(|w| w.code == "held-back" && w.message.contains("/usr")),
        "{w:?}"
    );
}
