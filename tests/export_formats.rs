//! Content of each export format on the fixture fleet, and safety of each on a hostile host.

use crate::support::csv;
use csv::parse_csv;

use crate::support::export_fleet as fleet;

use avexclude::export::{ExportFormat, ExportState, Lang, export, export_with_catalog};
use avexclude::model::{Report, Status};

/// Rows expected for a report: one per match, one for an entry without, one per unlisted.
fn expected_rows(r: &Report) -> usize {
    r.entries
        .iter()
        .map(|e| e.matches.len().max(1))
        .sum::<usize>()
        + r.unlisted.len()
}

fn csv_of(reports: &[Report], lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = export(reports, ExportFormat::Csv, lang, None).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for spreadsheets");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut rows = parse_csv(text);
    let head = rows.remove(0);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), head.len(), "row {i} has {} fields: {r:?}", r.len());
    }
    (head, rows)
}

fn col(head: &[String], name: &str) -> usize {
    head.iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {head:?}"))
}

#[test]
fn csv_has_one_row_per_value_per_host_with_evidence_and_fleet_differences_first() {
    let (_, reports) = fleet::fleet();
    let (head, rows) = csv_of(&reports, Lang::En);
    let expected: usize = reports.iter().map(expected_rows).sum();
    assert_eq!(rows.len(), expected);
    for c in [
        "Host",
        "Entry",
        "Vendor text",
        "Value",
        "Kind",
        "Component",
        "Status",
        "Drift",
        "Fleet",
        "Reason",
        "Risk",
        "Why this risk",
        "PID",
        "Command line",
        "Container",
        "Namespace",
        "SHA-256",
        "Source",
        "Change",
    ] {
        col(&head, c);
    }
    let (h, e, v, st, dr, fl, sha, src, sec, pid, ns, canon) = (
        col(&head, "Host"),
        col(&head, "Entry"),
        col(&head, "Value"),
        col(&head, "Status"),
        col(&head, "Drift"),
        col(&head, "Fleet"),
        col(&head, "SHA-256"),
        col(&head, "Source"),
        col(&head, "Section"),
        col(&head, "PID"),
        col(&head, "Namespace"),
        col(&head, "Vendor text"),
    );
    // The upgraded microk8s host's beam.smp row: drifted, with the new erts, its hash and evidence.
    let beam: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[e] == "db-beam-smp-bitnami")
        .collect();
    assert_eq!(beam.len(), 5, "one row per host: {beam:?}");
    let up = beam.iter().find(|r| r[h] == "elma-mk8s-02").unwrap();
    assert_eq!(
        up[v],
        "/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp"
    );
    assert_eq!(up[st], "drifted");
    assert_eq!(up[dr], "erts 12.3.1 -> 13.2.2");
    assert_eq!(up[sha], fleet::SHA_BEAM_13);
    assert_eq!(up[pid], "48211");
    assert_eq!(up[ns], "elma365-dbs");
    assert_eq!(up[src], "vendor");
    assert_eq!(
        up[canon],
        "/opt/bitnami/erlang/lib/erlang/erts-12.3.1/bin/beam.smp"
    );
    assert!(
        up[fl].contains("erts-12.3.1") && up[fl].contains("elma-mk8s-01"),
        "fleet note names the common form and its hosts: {}",
        up[fl]
    );
    // Differing hosts come before the host with the common form; hosts without it come last.
    let hosts: Vec<&str> = beam.iter().map(|r| r[h].as_str()).collect();
    assert_eq!(
        hosts,
        [
            "elma-mk8s-02",
            "elma-db-01",
            "elma-mk8s-01",
            "dkp-worker-01",
            "elma-docker-01"
        ]
    );
    let seed = beam.iter().find(|r| r[h] == "elma-mk8s-01").unwrap();
    assert_eq!(seed[st], "present");
    assert_eq!(seed[fl], "", "the common form is not marked as differing");
    // Groups with differing hosts are the first rows of the document.
    let first_entries: Vec<&str> = rows.iter().take(3).map(|r| r[e].as_str()).collect();
    assert!(
        first_entries.iter().all(|e| [
            "db-postgres-bitnami",
            "db-redis-server-name",
            "db-beam-smp-bitnami",
            "proc-bin-sh",
            "proc-epmd-bitnami",
            "proc-microk8s-containerd",
            "proc-microk8s-containerd-shim",
            "proc-microk8s-kubelite",
        ]
        .contains(e)),
        "{first_entries:?}"
    );
    // An absent entry still has a row, with an empty value.
    let absent = rows
        .iter()
        .find(|r| r[e] == "dir-docker-overlay2" && r[h] == "elma-db-01")
        .unwrap();
    assert_eq!(absent[st], "absent");
    assert_eq!(absent[v], "");
    // This project's additions are told apart from the vendor's list.
    let ours = rows
        .iter()
        .find(|r| r[e] == "dir-containerd-snapshots" && r[h] == "dkp-worker-01")
        .unwrap();
    assert_eq!(ours[src], "avexclude");
    // Unlisted findings have rows of their own.
    let un = rows
        .iter()
        .find(|r| r[st] == "unlisted" && r[h] == "elma-db-01")
        .unwrap();
    assert_eq!(un[v], "/var/lib/postgresql/15/main");
    assert_eq!(un[sec], "unlisted");
    // Firewall-table entries are marked audit-only and come after every exclusion.
    let first_audit = rows.iter().position(|r| r[sec] == "audit-only").unwrap();
    assert!(rows[first_audit..].iter().all(|r| r[sec] == "audit-only"));
    assert!(rows[..first_audit].iter().all(|r| !r[e].starts_with("fw-")));
    assert!(rows[first_audit..].iter().all(|r| r[e].starts_with("fw-")));
}

#[test]
fn csv_in_russian_keeps_cyrillic_headings_and_reasons() {
    let (_, reports) = fleet::fleet();
    let (head, rows) = csv_of(&reports, Lang::Ru);
    let (h, e, reason, why) = (
        col(&head, "Хост"),
        col(&head, "Запись"),
        col(&head, "Обоснование"),
        col(&head, "Почему такой риск"),
    );
    let r = rows
        .iter()
        .find(|r| r[e] == "db-beam-smp-bitnami" && r[h] == "elma-mk8s-01")
        .unwrap();
    assert!(
        r[reason].starts_with("Виртуальная машина Erlang"),
        "{}",
        r[reason]
    );
    assert_eq!(
        r[why],
        "beam.smp исполняет любой код Erlang, не только RabbitMQ."
    );
    // Machine codes stay English for filters.
    assert_eq!(r[col(&head, "Статус")], "present");
}

#[test]
fn csv_neutralises_formulas_and_keeps_hostile_values_in_one_field() {
    let cat = fleet::catalog();
    let reports = vec![fleet::hostile(&cat)];
    let (head, rows) = csv_of(&reports, Lang::En);
    assert_eq!(rows.len(), expected_rows(&reports[0]));
    for r in &rows {
        for cell in r {
            let first = cell.chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "formula-like cell not neutralised: {cell:?}"
            );
            assert!(!cell.contains('\n') && !cell.contains('\r'), "{cell:?}");
        }
    }
    let (v, e) = (col(&head, "Value"), col(&head, "Entry"));
    let vals: Vec<&str> = rows
        .iter()
        .filter(|r| r[e] == "dir-opt-elma365")
        .map(|r| r[v].as_str())
        .collect();
    assert_eq!(vals.len(), fleet::HOSTILE_VALUES.len());
    for want in [
        "'=cmd|' /C calc'!A0",
        "'+SUM(1,2)",
        "'-2+3",
        "'@SUM(A1)",
        "\\x09=1+1",
        "\\x0d=1+1",
        "/opt/evil/line\\x0abreak\\x0d\\x0arow",
        "/opt/evil/\\xff\\xfe-not-utf8",
        "/opt/evil/\"quoted\" 'single'",
    ] {
        assert!(vals.contains(&want), "{want:?} not among {vals:?}");
    }
    let un = rows.iter().find(|r| r[e] == "unlisted:process").unwrap();
    assert_eq!(un[v], "'=HYPERLINK(\"http://evil.example\")\\x0a|x|");
}

fn section<'a>(md: &'a str, title: &str) -> &'a str {
    let start = md
        .find(&format!("## {title}"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &md[start + 3..];
    let end = rest.find("\n## ").map(|i| i + 1).unwrap_or(rest.len());
    &rest[..end]
}

/// Cells of a Markdown table row, split on unescaped pipes.
fn md_cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '|' => cells.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    cells.push(cur);
    // Leading and trailing pipes give empty outer pieces.
    assert_eq!(cells.first().map(|s| s.trim()), Some(""), "{line}");
    assert_eq!(cells.last().map(|s| s.trim()), Some(""), "{line}");
    cells[1..cells.len() - 1]
        .iter()
        .map(|s| s.trim().to_string())
        .collect()
}

fn md_table(sec: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let lines: Vec<&str> = sec.lines().filter(|l| l.starts_with('|')).collect();
    let head = md_cells(lines[0]);
    assert!(md_cells(lines[1]).iter().all(|c| c == "---"));
    let rows: Vec<Vec<String>> = lines[2..].iter().map(|l| md_cells(l)).collect();
    for r in &rows {
        assert_eq!(r.len(), head.len(), "{r:?}");
    }
    (head, rows)
}

#[test]
fn markdown_has_hosts_differences_and_a_row_per_value() {
    let (_, reports) = fleet::fleet();
    let md = String::from_utf8(export(&reports, ExportFormat::Markdown, Lang::En, None).unwrap())
        .unwrap();
    assert!(md.starts_with("# Antivirus exclusions: security review\n"));
    let (_, hosts) = md_table(section(&md, "Hosts"));
    assert_eq!(hosts.len(), 5);
    assert_eq!(hosts[1][0], "elma\\-mk8s\\-02".replace("\\-", "-"));
    // Differences: the beam.smp group names the upgraded host and the DB host before the seed.
    let diff = section(&md, "Differences across the fleet");
    let beam = diff
        .find("db\\-beam\\-smp\\-bitnami")
        .or_else(|| diff.find("db-beam-smp-bitnami"))
        .unwrap();
    let tail = &diff[beam..];
    let up = tail.find("Differs on elma-mk8s-02").unwrap();
    let same = tail.find("Same on elma-mk8s-01").unwrap();
    assert!(up < same);
    assert!(tail.contains("erts\\-13.2.2") || tail.contains("erts-13.2.2"));
    // Exclusion rows: every value of every host, audit-only entries in their own section.
    let (head, rows) = md_table(section(&md, "Exclusions, one row per value per host"));
    let excl_expected: usize = reports
        .iter()
        .map(|r| {
            r.entries
                .iter()
                .filter(|e| !e.id.starts_with("fw-"))
                .map(|e| e.matches.len().max(1))
                .sum::<usize>()
        })
        .sum();
    assert_eq!(rows.len(), excl_expected);
    assert!(rows.iter().all(|r| !r[1].starts_with("fw")));
    let (_, audit) = md_table(section(&md, "Port audit (firewall tables)"));
    assert!(!audit.is_empty() && audit.iter().all(|r| r[1].starts_with("fw")));
    let (_, unl) = md_table(section(&md, "Unlisted findings"));
    assert_eq!(unl.len(), 2);
    // High risk and drift are in bold; the fleet difference is stated in the row.
    let st = head.iter().position(|h| h == "Status").unwrap();
    let risk = head.iter().position(|h| h == "Risk").unwrap();
    let up_row = rows
        .iter()
        .find(|r| r[0] == "elma-mk8s-02" && r[1].contains("beam"))
        .unwrap();
    assert!(
        up_row[st].starts_with("**drifted — differs from the fleet"),
        "{}",
        up_row[st]
    );
    let sh = rows
        .iter()
        .find(|r| r[1] == "proc\\-bin\\-sh" || r[1] == "proc-bin-sh")
        .unwrap();
    assert_eq!(sh[risk], "**high**");
}

#[test]
fn markdown_escapes_pipes_markup_and_newlines_of_hostile_values() {
    let cat = fleet::catalog();
    let reports = vec![fleet::hostile(&cat)];
    let md = String::from_utf8(export(&reports, ExportFormat::Markdown, Lang::En, None).unwrap())
        .unwrap();
    assert!(!md.contains("<script"), "raw HTML passed through");
    assert!(!md.contains("<img"));
    for (i, _) in md.match_indices("](") {
        assert_eq!(&md[i - 1..i], "\\", "an unescaped link survived");
    }
    assert!(!md.contains("http://"), "an autolink survived");
    let (_, rows) = md_table(section(&md, "Exclusions, one row per value per host"));
    let opt = rows.iter().filter(|r| r[1].contains("opt")).count();
    assert_eq!(opt, fleet::HOSTILE_VALUES.len());
    assert!(rows.iter().any(|r| r[3] == "/opt/evil/pipe\\|in\\|path"));
    assert!(
        rows.iter()
            .any(|r| r[3] == "/opt/evil/line\\\\x0abreak\\\\x0d\\\\x0arow")
    );
    let (_, hosts) = md_table(section(&md, "Hosts"));
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0][0], "evil&lt;host&gt;\\|\"1\"");
}

fn json_of(reports: &[Report]) -> serde_json::Value {
    serde_json::from_slice(&export(reports, ExportFormat::Json, Lang::Ru, None).unwrap()).unwrap()
}

#[test]
fn json_has_hosts_rows_and_groups_for_the_siem() {
    let (_, reports) = fleet::fleet();
    let j = json_of(&reports);
    assert_eq!(j["kind"], "avexclude-export");
    assert_eq!(j["lang"], "ru");
    assert_eq!(j["hosts"].as_array().unwrap().len(), 5);
    assert_eq!(j["hosts"][4]["name"], "elma-db-01");
    assert_eq!(j["hosts"][4]["summary"]["drifted"], 2);
    let rows = j["rows"].as_array().unwrap();
    assert_eq!(rows.len(), reports.iter().map(expected_rows).sum::<usize>());
    let up = rows
        .iter()
        .find(|r| r["host"] == "elma-mk8s-02" && r["entry_id"] == "db-beam-smp-bitnami")
        .unwrap();
    for k in [
        "host",
        "section",
        "entry_id",
        "canonical",
        "value",
        "kind",
        "component",
        "status",
        "drift",
        "reason",
        "risk",
        "risk_why",
        "pid",
        "cmdline",
        "container",
        "namespace",
        "sha256",
        "via",
        "source",
        "differs",
        "change",
        "value_display",
    ] {
        assert!(up.get(k).is_some(), "row lacks {k}: {up}");
    }
    assert_eq!(up["status"], "drifted");
    assert_eq!(up["drift"], "erts 12.3.1 -> 13.2.2");
    assert_eq!(up["differs"], true);
    assert_eq!(up["fleet_baseline"]["hosts"][0], "elma-mk8s-01");
    assert_eq!(
        up["reason"]["ru"]
            .as_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap(),
        "Виртуальная машина Erlang, в которой работает RabbitMQ"
    );
    assert!(
        up["reason"]["en"]
            .as_str()
            .unwrap()
            .starts_with("The Erlang VM")
    );
    assert_eq!(up["source"]["origin"], "vendor");
    assert_eq!(
        up["host_path"]
            .as_str()
            .unwrap()
            .split("/snapshots/")
            .nth(1)
            .unwrap(),
        "88/fs/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp"
    );
    let groups = j["groups"].as_array().unwrap();
    let beam = groups
        .iter()
        .find(|g| g["entry_id"] == "db-beam-smp-bitnami")
        .unwrap();
    let differing: Vec<&str> = beam["differing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["host"].as_str().unwrap())
        .collect();
    assert_eq!(differing, ["elma-mk8s-02", "elma-db-01"]);
    assert_eq!(beam["baseline_hosts"], serde_json::json!(["elma-mk8s-01"]));
    assert_eq!(
        beam["not_found"],
        serde_json::json!(["dkp-worker-01", "elma-docker-01"])
    );
    // Groups with differing hosts come first.
    let first_plain = groups
        .iter()
        .position(|g| g["differing"].as_array().unwrap().is_empty())
        .unwrap();
    assert!(
        groups[first_plain..]
            .iter()
            .filter(|g| g["section"] == "exclusion")
            .all(|g| g["differing"].as_array().unwrap().is_empty())
    );
    // Port rows of the firewall tables are audit-only.
    assert!(
        rows.iter()
            .filter(|r| r["entry_id"].as_str().unwrap().starts_with("fw-"))
            .all(|r| r["section"] == "audit-only")
    );
}

#[test]
fn json_keeps_invalid_utf8_exact_and_hostile_text_as_data() {
    let cat = fleet::catalog();
    let j = json_of(&[fleet::hostile(&cat)]);
    let rows = j["rows"].as_array().unwrap();
    let bad = rows
        .iter()
        .find(|r| r["value"].get("non_utf8_hex").is_some())
        .unwrap();
    let hex = bad["value"]["non_utf8_hex"].as_str().unwrap();
    assert!(hex.contains("fffe"), "{hex}");
    assert_eq!(bad["value_display"], "/opt/evil/\\xff\\xfe-not-utf8");
    assert!(
        rows.iter()
            .any(|r| r["value"] == "/opt/evil/line\nbreak\r\nrow")
    );
}

#[test]
fn state_marks_added_removed_and_changed_rows_after_an_upgrade() {
    let cat = fleet::catalog();
    // Same host, before and after the microk8s/RabbitMQ upgrade.
    let before = vec![fleet::microk8s_seed(&cat), fleet::db_host(&cat)];
    let mut after_host = fleet::microk8s_upgraded(&cat);
    after_host.host.hostname = "elma-mk8s-01".into();
    let after = vec![after_host];
    let state = ExportState::of(&before, Some(&cat));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("export-state.json");
    state.write(&p).unwrap();
    let prev = ExportState::read(&p).unwrap().unwrap();
    assert_eq!(prev, state);
    let j: serde_json::Value = serde_json::from_slice(
        &export_with_catalog(
            &after,
            Some(&cat),
            ExportFormat::Json,
            Lang::En,
            Some(&prev),
        )
        .unwrap(),
    )
    .unwrap();
    let rows = j["rows"].as_array().unwrap();
    let beam = rows
        .iter()
        .find(|r| r["entry_id"] == "db-beam-smp-bitnami")
        .unwrap();
    assert_eq!(beam["change"]["action"], "changed");
    let d = beam["change"]["detail"].as_str().unwrap();
    assert!(
        d.contains("erts-12.3.1/bin/beam.smp -> /opt/bitnami/erlang/lib/erlang/erts-13.2.2"),
        "{d}"
    );
    assert!(d.contains("status present -> drifted"), "{d}");
    assert!(d.contains("sha256 5f2b8c3a9d0e -> a1c9e0f7d3b2"), "{d}");
    // Unchanged rows carry no change.
    let pg = rows
        .iter()
        .find(|r| r["entry_id"] == "db-postgres-bitnami")
        .unwrap();
    assert!(pg["change"].is_null());
    // The DB host is not in this export: named, not marked removed row by row.
    assert_eq!(j["hosts_gone"], serde_json::json!(["elma-db-01"]));
    assert!(rows.iter().all(|r| r["host"] == "elma-mk8s-01"));

    // During the upgrade the old revision's shim still ran beside the new one; later it is gone
    // (removed row). An entry found where it was absent, or gone where it was present, is one
    // `changed` row; a new unlisted finding is `added`.
    let mut mid = after.clone();
    let e = mid[0]
        .entries
        .iter_mut()
        .find(|e| e.id == "proc-microk8s-containerd-shim")
        .unwrap();
    e.matches.push(avexclude::model::Match {
        value: "/snap/microk8s/3410/bin/containerd-shim-runc-v1".into(),
        pid: Some(2001),
        via: "exe".parse().unwrap(),
        ..Default::default()
    });
    let mut later = after.clone();
    let e = later[0]
        .entries
        .iter_mut()
        .find(|e| e.id == "proc-nginx-worker")
        .unwrap();
    e.matches.clear();
    e.found.clear();
    e.status = Status::Absent;
    let e = later[0]
        .entries
        .iter_mut()
        .find(|e| e.id == "dir-opt-elma365")
        .unwrap();
    e.status = Status::Present;
    e.matches.push(avexclude::model::Match {
        value: "/opt/elma365/".into(),
        via: "path exists".parse().unwrap(),
        ..Default::default()
    });
    later[0].unlisted.push(avexclude::model::Unlisted {
        kind: "process".parse().unwrap(),
        value: "/opt/elma365/bin/new-worker".into(),
        component: "elma365".into(),
        why: "ELMA365 process no entry covers".into(),
        evidence: Default::default(),
    });
    let st2 = ExportState::of(&mid, Some(&cat));
    let md = String::from_utf8(
        export_with_catalog(
            &later,
            Some(&cat),
            ExportFormat::Markdown,
            Lang::En,
            Some(&st2),
        )
        .unwrap(),
    )
    .unwrap();
    let ch = section(&md, "Changes since the previous export");
    let lines: Vec<&str> = ch.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(lines.len(), 4, "{ch}");
    assert!(lines.contains(&"- removed · elma-mk8s-01 · proc-microk8s-containerd-shim · /snap/microk8s/3410/bin/containerd-shim-runc-v1 — was drifted"), "{ch}");
    assert!(lines.contains(&"- changed · elma-mk8s-01 · dir-opt-elma365 · /opt/elma365/ — value - -&gt; /opt/elma365/; status absent -&gt; present"), "{ch}");
    assert!(lines.contains(&"- changed · elma-mk8s-01 · proc-nginx-worker ·  — value nginx: worker process -&gt; -; status present -&gt; absent"), "{ch}");
    assert!(
        lines
            .contains(&"- added · elma-mk8s-01 · unlisted:process · /opt/elma365/bin/new\\-worker")
            || lines.contains(
                &"- added · elma-mk8s-01 · unlisted:process · /opt/elma365/bin/new-worker"
            ),
        "{ch}"
    );
    // In Russian the same changes are told in Russian.
    let ru = String::from_utf8(
        export_with_catalog(
            &later,
            Some(&cat),
            ExportFormat::Markdown,
            Lang::Ru,
            Some(&st2),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(ru.contains("- изменено · elma-mk8s-01 · proc-nginx-worker ·  — значение nginx: worker process -&gt; -; статус present -&gt; absent"), "{ru}");
    assert!(ru.contains("- удалено · elma-mk8s-01 · proc-microk8s-containerd-shim · /snap/microk8s/3410/bin/containerd-shim-runc-v1 — было: drifted"));
    // The removed row is in the table too, marked.
    let (head, rows) = md_table(section(&md, "Exclusions, one row per value per host"));
    let c = head.iter().position(|h| h == "Change").unwrap();
    assert!(rows.iter().any(|r| r[3]
        == "/snap/microk8s/3410/bin/containerd\\-shim\\-runc\\-v1".replace("\\-", "-")
        && r[c].starts_with("removed")));
    // Same reports again: nothing changed.
    let st3 = ExportState::of(&later, Some(&cat));
    let md =
        String::from_utf8(export(&later, ExportFormat::Markdown, Lang::En, Some(&st3)).unwrap())
            .unwrap();
    assert!(
        section(&md, "Changes since the previous export")
            .contains("No change since the previous export.")
    );
}

#[test]
fn a_corrupt_state_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("state.json");
    std::fs::write(&p, b"{\"schema\": 1, \"hosts\": [").unwrap();
    let err = format!("{:#}", ExportState::read(&p).unwrap_err());
    assert!(err.contains(&p.display().to_string()), "{err}");
    assert!(err.contains("corrupt"), "{err}");
    assert!(
        ExportState::read(&dir.path().join("missing.json"))
            .unwrap()
            .is_none()
    );
}
