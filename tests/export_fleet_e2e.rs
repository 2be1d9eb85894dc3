//! End to end on the fixture fleet of the discovery issue: `discover` each fixture host with the
//! real binary, then `export` the inventories in every format and check the content.

use crate::support::csv;
use csv::parse_csv;

use crate::support;

use std::path::{Path, PathBuf};

use support::hosts;

struct Fleet {
    _dir: tempfile::TempDir,
    inventories: Vec<PathBuf>,
    out: PathBuf,
}

fn discover(root: &Path, out: &Path, hostname: Option<&str>) {
    let o = support::avexclude()
        .args(["discover", "--hash", "--format", "json", "--root"])
        .arg(root)
        .arg("-o")
        .arg(out)
        .run();
    assert!(o.success(), "discover: {}", o.stderr_lossy());
    if let Some(h) = hostname {
        // Two nodes of one cluster: one still as installed, one upgraded.
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
        v["host"]["hostname"] = h.into();
        std::fs::write(out, serde_json::to_vec(&v).unwrap()).unwrap();
    }
}

fn fleet() -> Fleet {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventories");
    std::fs::create_dir_all(&inv).unwrap();
    type Make = fn(&Path) -> support::fixture::Fixture;
    let hosts: [(&str, Make, Option<&str>); 5] = [
        ("seed", hosts::microk8s_seed, Some("elma365-node-1")),
        ("upgraded", hosts::microk8s_upgraded, Some("elma365-node-2")),
        ("deckhouse", hosts::deckhouse_worker, None),
        ("docker", hosts::docker_host, None),
        ("db", hosts::db_host, None),
    ];
    let mut inventories = Vec::new();
    for (name, make, hostname) in hosts {
        let root = dir.path().join("hosts").join(name);
        std::fs::create_dir_all(&root).unwrap();
        make(&root);
        let f = inv.join(format!("{name}.json"));
        discover(&root, &f, hostname);
        inventories.push(f);
    }
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    Fleet {
        _dir: dir,
        inventories,
        out,
    }
}

fn export(f: &Fleet, format: &str, extra: &[&str]) -> Vec<u8> {
    let file = f.out.join(format!("fleet.{format}"));
    let mut c = support::avexclude();
    c.arg("export");
    for i in &f.inventories {
        c.arg("--inventory").arg(i);
    }
    let o = c
        .args(["--format", format])
        .args(extra)
        .arg("-o")
        .arg(&file)
        .run();
    assert!(o.success(), "export {format}: {}", o.stderr_lossy());
    std::fs::read(&file).unwrap()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn fixture_fleet_exports_in_every_format_with_the_upgraded_node_called_out() {
    let f = fleet();
    // JSON: the data every other format prints.
    let j = json(&export(&f, "json", &[]));
    let hosts: Vec<&str> = j["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        hosts,
        [
            "elma365-node-1",
            "elma365-node-2",
            "dkp-worker-2",
            "docker-db-1",
            "elma365-db-1"
        ]
    );
    let rows = j["rows"].as_array().unwrap();
    let groups = j["groups"].as_array().unwrap();
    let group = |id: &str| groups.iter().find(|g| g["entry_id"] == id).unwrap();
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| x["host"].as_str().unwrap().to_string())
            })
            .collect()
    };
    // beam.smp: the upgraded node (erts 14.2.5) and the Debian DB host differ from the node
    // still on the vendor's erts 12.3.1.
    let beam = group("db-beam-smp-bitnami");
    assert_eq!(
        names(&beam["differing"]),
        ["elma365-node-2", "elma365-db-1"]
    );
    assert_eq!(names(&beam["baseline_hosts"]), ["elma365-node-1"]);
    assert!(beam["differing"][0]["values"][0].as_str().unwrap().starts_with("/opt/bitnami/erlang/lib/erlang/erts-14.2.5/bin/beam.smp [drifted: erts 12.3.1 -> 14.2.5]"));
    // The same Bitnami PostgreSQL image on microk8s, Deckhouse and Docker is one form, although
    // its overlay path differs on each; only the packaged PostgreSQL of the DB host differs.
    let pg = group("db-postgres-bitnami");
    assert_eq!(
        names(&pg["baseline_hosts"]),
        [
            "elma365-node-1",
            "elma365-node-2",
            "dkp-worker-2",
            "docker-db-1"
        ]
    );
    assert_eq!(names(&pg["differing"]), ["elma365-db-1"]);
    // The snap refresh: kubelite drifted to revision 7394 on node 2 only.
    let kl = group("proc-microk8s-kubelite");
    assert_eq!(names(&kl["differing"]), ["elma365-node-2"]);
    assert!(
        kl["differing"][0]["values"][0]
            .as_str()
            .unwrap()
            .contains("/snap/microk8s/7394/kubelite [drifted: snap revision 3410 -> 7394]")
    );
    // Rows: evidence from the real discovery.
    let up = rows
        .iter()
        .find(|r| r["host"] == "elma365-node-2" && r["entry_id"] == "db-beam-smp-bitnami")
        .unwrap();
    assert_eq!(up["status"], "drifted");
    assert_eq!(up["differs"], true);
    assert_eq!(up["namespace"], "elma365-dbs");
    assert!(up["pid"].as_i64().unwrap() > 1);
    assert_eq!(up["sha256"].as_str().unwrap().len(), 64);
    assert!(up["host_path"].as_str().unwrap().starts_with("/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/"));
    assert_eq!(up["source"]["origin"], "vendor");
    // Unlisted findings and the audit-only port tables are rows of their own sections.
    assert!(rows.iter().any(|r| r["section"] == "unlisted"));
    assert!(
        rows.iter()
            .filter(|r| r["entry_id"].as_str().unwrap().starts_with("fw-"))
            .all(|r| r["section"] == "audit-only")
    );
    let excl = rows.iter().filter(|r| r["section"] == "exclusion").count();

    // CSV: the same rows, for a spreadsheet.
    let csv = export(&f, "csv", &["--lang", "ru"]);
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF");
    let mut table = parse_csv(std::str::from_utf8(&csv[3..]).unwrap());
    let head = table.remove(0);
    assert_eq!(table.len(), rows.len());
    let c = |n: &str| head.iter().position(|h| h == n).unwrap();
    let beam_rows: Vec<&Vec<String>> = table
        .iter()
        .filter(|r| r[c("Запись")] == "db-beam-smp-bitnami")
        .collect();
    let order: Vec<&str> = beam_rows.iter().map(|r| r[c("Хост")].as_str()).collect();
    assert_eq!(
        &order[..3],
        ["elma365-node-2", "elma365-db-1", "elma365-node-1"],
        "differing hosts first"
    );
    let r2 = beam_rows[0];
    assert_eq!(r2[c("Статус")], "drifted");
    assert_eq!(r2[c("Дрейф")], "erts 12.3.1 -> 14.2.5");
    assert!(r2[c("Парк")].contains("erts-12.3.1") && r2[c("Парк")].contains("elma365-node-1"));
    assert!(r2[c("Обоснование")].starts_with("Виртуальная машина Erlang"));
    for row in &table {
        for cell in row {
            assert!(
                !matches!(cell.chars().next(), Some('=' | '+' | '-' | '@')),
                "{cell}"
            );
        }
    }

    // Markdown: differences first, then a row per value.
    let md = String::from_utf8(export(&f, "markdown", &[])).unwrap();
    let diff =
        &md[md.find("## Differences across the fleet").unwrap()..md.find("## Exclusions").unwrap()];
    let beam_at = diff
        .find("**db\\-beam")
        .or_else(|| diff.find("**db-beam-smp-bitnami**"))
        .unwrap();
    assert!(diff[beam_at..].contains(
        "Differs on elma365-node-2: /opt/bitnami/erlang/lib/erlang/erts-14.2.5/bin/beam.smp"
    ));
    let excl_md = &md[md.find("## Exclusions").unwrap()..];
    let excl_md = &excl_md[..excl_md[3..]
        .find("\n## ")
        .map(|i| i + 3)
        .unwrap_or(excl_md.len())];
    assert_eq!(
        excl_md.lines().filter(|l| l.starts_with("| ")).count(),
        excl + 2,
        "head, rule, one line per row"
    );

    // HTML: self-contained, the drifted differing row marked.
    let html = String::from_utf8(export(&f, "html", &[])).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="));
    let tr = html
        .split("<tr ")
        .find(|t| t.contains("data-host=\"elma365-node-2\" data-entry=\"db-beam-smp-bitnami\""))
        .unwrap();
    assert!(
        tr.starts_with("class=\"row status-drifted risk-medium differs\""),
        "{}",
        &tr[..80]
    );
}

#[test]
fn export_state_across_an_upgrade_of_one_node_marks_what_moved() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("before"), dir.path().join("after"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    hosts::microk8s_seed(&a);
    hosts::microk8s_upgraded(&b);
    let (ia, ib) = (dir.path().join("a.json"), dir.path().join("b.json"));
    discover(&a, &ia, None);
    discover(&b, &ib, None);
    let state = dir.path().join("state.json");
    let run = |inv: &Path, out: &Path| {
        let o = support::avexclude()
            .args(["export", "--format", "json", "--inventory"])
            .arg(inv)
            .arg("--state")
            .arg(&state)
            .arg("-o")
            .arg(out)
            .run();
        o.assert_exit(0);
        json(&std::fs::read(out).unwrap())
    };
    let first = run(&ia, &dir.path().join("1.json"));
    assert!(
        first["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["change"].is_null()),
        "first export: nothing to compare"
    );
    let second = run(&ib, &dir.path().join("2.json"));
    let rows = second["rows"].as_array().unwrap();
    let beam = rows
        .iter()
        .find(|r| r["entry_id"] == "db-beam-smp-bitnami")
        .unwrap();
    assert_eq!(beam["change"]["action"], "changed");
    let d = beam["change"]["detail"].as_str().unwrap();
    assert!(
        d.contains(
            "erts-12.3.1/bin/beam.smp -> /opt/bitnami/erlang/lib/erlang/erts-14.2.5/bin/beam.smp"
        ),
        "{d}"
    );
    assert!(
        d.contains("status present -> drifted") && d.contains("sha256 "),
        "{d}"
    );
    let kl = rows
        .iter()
        .find(|r| r["entry_id"] == "proc-microk8s-kubelite")
        .unwrap();
    assert!(
        kl["change"]["detail"]
            .as_str()
            .unwrap()
            .contains("/snap/microk8s/3410/kubelite -> /snap/microk8s/7394/kubelite")
    );
    // Unchanged entries are not marked.
    let pg = rows
        .iter()
        .find(|r| r["entry_id"] == "db-postgres-bitnami")
        .unwrap();
    assert!(pg["change"].is_null(), "{pg}");
}

#[test]
fn hostile_fixture_host_exports_safely_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    hosts::hostile(&root);
    let inv = dir.path().join("hostile.json");
    discover(&root, &inv, None);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let f = Fleet {
        _dir: dir,
        inventories: vec![inv],
        out,
    };

    let j = json(&export(&f, "json", &[]));
    let rows = j["rows"].as_array().unwrap();
    let displays: Vec<&str> = rows
        .iter()
        .map(|r| r["value_display"].as_str().unwrap())
        .collect();
    // The discovered hostile values reach the export (newline escaped in the display form).
    assert!(
        displays
            .iter()
            .any(|v| v.contains("/srv/redis\\x0aExcludePath ^/")),
        "{displays:?}"
    );
    assert!(displays.iter().any(|v| v.contains("$(touch /tmp/pwned)")));

    let csv = export(&f, "csv", &[]);
    let table = parse_csv(std::str::from_utf8(&csv[3..]).unwrap());
    assert_eq!(table.len(), rows.len() + 1, "no value split a record");
    assert!(table.iter().all(|r| r.len() == table[0].len()));
    assert!(
        table
            .iter()
            .flatten()
            .all(|c| !c.contains('\n') && !matches!(c.chars().next(), Some('=' | '+' | '-' | '@')))
    );

    let md = String::from_utf8(export(&f, "markdown", &[])).unwrap();
    let pipes = |l: &str| {
        let (mut n, mut esc) = (0, false);
        for c in l.chars() {
            if esc {
                esc = false
            } else if c == '\\' {
                esc = true
            } else if c == '|' {
                n += 1
            }
        }
        n
    };
    for sec in md.split("\n## ").skip(1) {
        let lines: Vec<&str> = sec.lines().filter(|l| l.starts_with('|')).collect();
        if let Some(first) = lines.first() {
            assert!(
                lines.iter().all(|l| pipes(l) == pipes(first)),
                "a value broke a table row in {}",
                &sec[..40]
            );
        }
    }
    assert!(
        !md.contains("\nExcludePath"),
        "a newline in a value started a line"
    );

    let html = String::from_utf8(export(&f, "html", &[])).unwrap();
    assert!(!html.contains("\nExcludePath"));
    assert_eq!(html.matches("<script").count(), 1);
    let trs = html.matches("<tr class=").count();
    assert_eq!(trs, rows.len(), "one marked-up row per export row");
}
