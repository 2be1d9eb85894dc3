//! The HTML review at fleet scale (issue 14): summary and chart first with the right counts,
//! problems before the table, identical rows of several hosts folded with their host count,
//! entries not found folded away, reason and evidence on screen at 1400 px, a 50-host page under
//! 2 MB, and no English in a Russian export outside values.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::export_html::{chromium, hosts_of_rows, run_chromium};
use crate::support::csv::parse_csv;
use crate::support::export_fleet as fleet;

use avexclude::export::{ExportFormat, ExportState, Lang, export_with_catalog};
use avexclude::model::{Catalog, Report, Status};

/// `n` hosts: the five fixture hosts over and over, renamed, each with its own pids (evidence
/// differs on every host, as on a real fleet).
fn fleet_of(n: usize) -> (Catalog, Vec<Report>) {
    let (cat, five) = fleet::fleet();
    let reports = (0..n)
        .map(|i| {
            let mut r = five[i % five.len()].clone();
            r.host.hostname = format!("{}-{i:02}", r.host.hostname);
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

fn html(reports: &[Report], cat: &Catalog, lang: Lang) -> String {
    String::from_utf8(
        export_with_catalog(reports, Some(cat), ExportFormat::Html, lang, None).unwrap(),
    )
    .unwrap()
}

fn audit_only(cat: &Catalog) -> BTreeSet<String> {
    cat.entries
        .iter()
        .filter(|e| e.audit_only)
        .map(|e| e.id.clone())
        .collect()
}

fn attr<'a>(html: &'a str, id: &str, name: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let tag = &html[html[..at].rfind('<').unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    tag.split(&format!("{name}=\""))
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap_or_else(|| panic!("#{id} has no {name}: {tag}"))
}

#[test]
fn summary_and_chart_count_what_the_reports_hold_and_problems_come_before_the_table() {
    let (cat, reports) = fleet_of(5);
    let page = html(&reports, &cat, Lang::En);
    let audit = audit_only(&cat);
    let count = |f: &dyn Fn(&avexclude::model::EntryResult) -> bool| -> usize {
        reports
            .iter()
            .flat_map(|r| r.entries.iter())
            .filter(|e| !audit.contains(&e.id) && f(e))
            .count()
    };
    let drifted = count(&|e| e.status == Status::Drifted);
    let present = count(&|e| e.status == Status::Present);
    let high = count(&|e| {
        e.risk == avexclude::model::Risk::High
            && matches!(e.status, Status::Present | Status::Drifted)
    });
    let unlisted: usize = reports.iter().map(|r| r.unlisted.len()).sum();
    assert!(drifted > 0 && high > 0 && unlisted > 0);
    assert_eq!(attr(&page, "figures", "data-hosts"), "5");
    assert_eq!(attr(&page, "figures", "data-drifted"), drifted.to_string());
    assert_eq!(
        attr(&page, "figures", "data-unlisted"),
        unlisted.to_string()
    );
    assert_eq!(attr(&page, "figures", "data-high"), high.to_string());
    // The chart's bars add up to the same counts, status by status.
    let chart = &page[page.find("id=\"chart-svg\"").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    let bars = |status: &str| -> usize {
        chart
            .split(&format!("data-status=\"{status}\" data-count=\""))
            .skip(1)
            .map(|t| t.split('"').next().unwrap().parse::<usize>().unwrap())
            .sum()
    };
    assert_eq!(bars("present"), present);
    assert_eq!(bars("drifted"), drifted);
    assert_eq!(bars("unlisted"), unlisted);
    assert!(!chart.contains("<script") && !chart.contains("href"));
    // Order of the page: summary, problems, then the table.
    let pos = |s: &str| page.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(pos("id=\"summary\"") < pos("id=\"problems\""));
    assert!(pos("id=\"problems\"") < pos("id=\"exclusions\""));
    for id in ["p-drift", "p-unlisted", "p-high"] {
        assert!(
            pos(&format!("id=\"{id}\"")) < pos("id=\"exclusions\""),
            "{id}"
        );
    }
    // The upgraded microk8s node's beam.smp is a drift problem, said against the vendor's list.
    let p = &page[pos("id=\"p-drift\"")..];
    let p = &p[..p.find("</ul>").unwrap()];
    let beam = p
        .split("<li ")
        .find(|li| li.contains("erts-13.2.2/bin/beam.smp"))
        .expect("beam.smp drift listed");
    assert!(
        beam.contains("the vendor&#39;s list says: /opt/bitnami/erlang/lib/erlang/erts-12.3.1/bin/beam.smp; here: erts 12.3.1 -&gt; 13.2.2"),
        "{beam}"
    );
    // Per component: rabbitmq counts each host's beam.smp and epmd once.
    let comp = &page[pos("id=\"components\"")..];
    assert!(comp.contains("<tr data-component=\"rabbitmq\">"));
}

#[test]
fn identical_rows_of_many_hosts_are_one_row_with_their_host_count_and_absent_rows_fold() {
    let (cat, reports) = fleet_of(50);
    let page = html(&reports, &cat, Lang::En);
    let per_host: usize = reports
        .iter()
        .map(|r| {
            r.entries
                .iter()
                .map(|e| e.matches.len().max(1))
                .sum::<usize>()
        })
        .sum();
    let table = &page[page.find("id=\"exclusions\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let trs: Vec<&str> = table.split("<tr class=\"").skip(1).collect();
    assert!(
        trs.len() * 10 < per_host,
        "{} rows for {per_host} values × hosts",
        trs.len()
    );
    // The seed node's beam.smp (ten copies of that host) is one row naming ten hosts.
    let seed = trs
        .iter()
        .find(|t| {
            t.contains("data-entry=\"db-beam-smp-bitnami\"")
                && t.contains("status-present")
                && t.contains("data-hosts=\"10\"")
        })
        .expect("one row for the ten seed nodes");
    assert!(seed.contains("<summary>10 hosts</summary>"), "{seed}");
    for i in (0..50).step_by(5) {
        assert!(seed.contains(&format!("elma-mk8s-01-{i:02}")), "{i}");
    }
    // Every host's every entry is still in the host list of a row.
    let listed = hosts_of_rows(&page, "exclusions");
    for r in &reports {
        for e in r.entries.iter().filter(|e| !e.id.starts_with("fw-")) {
            assert!(listed.contains(&(r.host.hostname.clone(), e.id.clone())));
        }
    }
    // Entries not found are folded: marked, behind the checkbox that shows them.
    let folded: Vec<&&str> = trs.iter().filter(|t| t.contains(" folded\"")).collect();
    assert!(!folded.is_empty());
    assert!(
        folded
            .iter()
            .all(|t| t.contains("status-absent") || t.contains("status-disabled"))
    );
    assert!(
        trs.iter()
            .filter(|t| t.contains("status-absent") || t.contains("status-disabled"))
            .all(|t| t.contains(" folded\""))
    );
    assert!(page.contains("<input type=\"checkbox\" id=\"show-absent\" class=\"toggle\">"));
    // The port audit is folded as a whole.
    assert!(page.contains("<details id=\"audit-section\">"));
}

#[test]
fn fifty_hosts_page_is_under_two_megabytes() {
    // The fixture fleet, and copies of the example host's real `check` report.
    let (cat, reports) = fleet_of(50);
    let size = html(&reports, &cat, Lang::Ru).len();
    assert!(size < 2_000_000, "{size} bytes");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/hosts/microk8s-upgraded");
    let out = std::process::Command::new(crate::support::bin())
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let base: Report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let copies: Vec<Report> = (0..50)
        .map(|i| {
            let mut r = base.clone();
            r.host.hostname = format!("elma365-node-{i:02}");
            r.host.machine_id = Some(format!("{i:032x}"));
            for e in &mut r.entries {
                for m in &mut e.matches {
                    m.pid = m.pid.map(|p| p + 10 * i);
                }
            }
            r
        })
        .collect();
    let page = html(&copies, &cat, Lang::Ru);
    assert!(page.len() < 2_000_000, "{} bytes", page.len());
    assert!(page.contains("<b>50 хостов</b>"));
}

/// Words a Russian document may hold in Latin letters: proper names of products and formats
/// (not translatable), as the catalog's own Russian texts use them.
const PROPER: &[&str] = &[
    "ELMA",
    "RabbitMQ",
    "MinIO",
    "Minio",
    "Erlang",
    "PostgreSQL",
    "MongoDB",
    "Mongo",
    "Redis",
    "Valkey",
    "Kubernetes",
    "Docker",
    "Deckhouse",
    "ClamAV",
    "SHA",
    "avexclude",
    "Bitnami",
    "containerd",
    "nginx",
    "calico",
    "Calico",
    "coredns",
    "CoreDNS",
    "kubelet",
    "kubelite",
    "snap",
    "root",
    "Node",
    "js",
    "epmd",
    "beam",
    "smp",
    "shim",
    "runc",
    "dumb",
    "init",
    "dinit",
    "git",
    "emptyDir",
    "pods",
    "volumes",
    "canonical",
    "microk8s",
    "Linux",
    "sh",
    "busybox",
    "dash",
    "exe",
    "pid",
    "sha",
    "tcp",
    "udp",
    "http",
    "grpc",
    "DNS",
    "API",
    "TLS",
    "S3",
    "Go",
    "mongod",
    "mongosh",
    "postgres",
    "redis",
    "server",
    "worker",
    "process",
    "master",
    "MQTT",
    "AMQP",
    "UID",
    "ID",
    "PVC",
    "CNI",
    "CRI",
    "IP",
    "OCI",
    "TCP",
    "UDP",
    "HTTP",
    "HTTPS",
    "GRPC",
    "SSH",
    // Names and terms quoted verbatim from the Deckhouse port tables' Russian text (the vendor's
    // words, in the catalog's `reason.ru`): products, modules, protocols.
    "Advanced",
    "Message",
    "Queuing",
    "Protocol",
    "Cilium",
    "Cloud",
    "Director",
    "VMware",
    "Cluster",
    "Container",
    "registry",
    "Debug",
    "DRBD",
    "GnuPG",
    "HostWithFailover",
    "IngressNginxController",
    "NTP",
    "NodePort",
    "OpenVPN",
    "Patroni",
    "Platform",
    "REST",
    "Sentinel",
    "VXLAN",
    "Virtualization",
    "apiserver",
    "bashible",
    "etcd",
    "healthcheck",
    "kubeadm",
    "metallb",
    "runit",
    "speaker",
];

/// Latin words of `text` that are neither values (tokens of host-derived values, ids, paths)
/// nor proper names.
fn english(text: &str, values: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for tok in text.split(|c: char| c.is_whitespace() || ",;()«»\"'|*`[]{}<>=".contains(c)) {
        let t = tok.trim_matches(|c: char| ".:!?…—–-·→".contains(c));
        if t.is_empty() || !t.chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        // Paths, ids, versions, hashes, host names: values, not prose.
        if t.contains([
            '/', '_', '.', ':', '-', '#', '@', '\\', '$', '%', '&', '~', '+',
        ]) || t.chars().any(|c| c.is_ascii_digit())
            || !t.is_ascii()
        {
            continue;
        }
        if values.contains(t) || PROPER.contains(&t) || t.len() < 3 {
            continue;
        }
        out.insert(t.to_string());
    }
    out
}

/// Every token of a host-derived value or catalog id in the reports: what the export prints as
/// it is, in any language.
fn value_words(reports: &[Report]) -> BTreeSet<String> {
    let mut v = BTreeSet::new();
    let mut add = |s: &str| {
        for t in s.split(|c: char| !c.is_ascii_alphanumeric()) {
            if !t.is_empty() {
                v.insert(t.to_string());
            }
        }
    };
    for r in reports {
        add(&r.host.hostname);
        add(&r.host.os);
        add(&r.host.kernel);
        for e in &r.entries {
            add(&e.id);
            add(&e.canonical);
            add(&e.component);
            add(&e.source.document);
            if let Some(s) = &e.source.section {
                add(s);
            }
            for m in &e.matches {
                for s in [
                    Some(&m.value),
                    m.host_path.as_ref(),
                    m.container_path.as_ref(),
                    m.cmdline.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    add(&s.display());
                }
                for s in [&m.container, &m.namespace, &m.sha256]
                    .into_iter()
                    .flatten()
                {
                    add(s);
                }
            }
        }
        for u in &r.unlisted {
            add(&u.value.display());
            add(&u.component);
            add(&serde_json::to_string(&u.kind).unwrap_or_default());
            for s in [&u.evidence.file, &u.evidence.note].into_iter().flatten() {
                add(s);
            }
        }
    }
    v
}

/// The visible text of an HTML page: no head, style or script; tags and attributes dropped.
fn visible_text(html: &str) -> String {
    let body = &html[html.find("<body>").unwrap()..];
    let body = &body[..body.find("<script>").unwrap_or(body.len())];
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[test]
fn a_russian_export_has_no_english_outside_values() {
    let (cat, reports) = fleet_of(5);
    let values = value_words(&reports);
    // With a previous state too, so the change texts are checked.
    let mut before = reports.clone();
    before[1] = fleet::microk8s_seed(&cat);
    before[1].host.hostname = reports[1].host.hostname.clone();
    let state = ExportState::of(&before, Some(&cat));
    for previous in [None, Some(&state)] {
        let get = |f| {
            String::from_utf8(
                export_with_catalog(&reports, Some(&cat), f, Lang::Ru, previous).unwrap(),
            )
            .unwrap()
        };
        let page = get(ExportFormat::Html);
        let found = english(&visible_text(&page), &values);
        assert!(found.is_empty(), "English in the Russian HTML: {found:?}");
        let md = get(ExportFormat::Markdown).replace('\\', "");
        let found = english(&visible_text(&format!("<body>{md}")), &values);
        assert!(
            found.is_empty(),
            "English in the Russian Markdown: {found:?}"
        );
        let csv = get(ExportFormat::Csv);
        let mut found = BTreeSet::new();
        for rec in parse_csv(&csv[3..]) {
            for cell in rec {
                found.extend(english(&cell, &values));
            }
        }
        assert!(found.is_empty(), "English in the Russian CSV: {found:?}");
    }
    // The scan can fail: the English page is full of English.
    let en = String::from_utf8(
        export_with_catalog(&reports, Some(&cat), ExportFormat::Html, Lang::En, None).unwrap(),
    )
    .unwrap();
    let found = english(&visible_text(&en), &values);
    for w in ["Summary", "present", "drifted", "Reason", "Evidence"] {
        assert!(found.contains(w), "{w} not flagged in {found:?}");
    }
}

/// The page in Chromium at 1400 px: a probe added to a copy of the page (its hash put in the
/// CSP) measures the laid-out table and records it in the DOM, which `--dump-dom` returns.
#[test]
fn at_1400_px_reason_and_evidence_are_on_screen_and_absent_rows_hidden_in_chromium() {
    let Some(bin) = chromium() else { return };
    let (cat, reports) = fleet_of(50);
    for lang in [Lang::Ru, Lang::En] {
        let page = html(&reports, &cat, lang);
        let s = page.find("<script>").unwrap() + "<script>".len();
        let e = s + page[s..].find("</script>").unwrap();
        let old = avexclude::export::html::csp_hash(&page[s..e]);
        let probe = r##"
(function(){
  var t = document.getElementById("exclusions"), out = {};
  ["value","status","hosts","reason","risk_why","evidence","source"].forEach(function(k){
    var r = t.querySelector('th[data-key="' + k + '"]').getBoundingClientRect();
    out[k] = [Math.round(r.left), Math.round(r.right), Math.round(r.width)];
  });
  out.vw = document.documentElement.clientWidth;
  out.sw = document.documentElement.scrollWidth;
  var folded = t.querySelectorAll("tr.folded"), hidden = 0;
  Array.prototype.forEach.call(folded, function(r){ if (getComputedStyle(r).display === "none") hidden++; });
  out.folded = folded.length; out.hidden = hidden;
  document.getElementById("show-absent").click();
  var shown = 0;
  Array.prototype.forEach.call(folded, function(r){ if (getComputedStyle(r).display !== "none") shown++; });
  out.shown = shown;
  out.summary = Math.round(document.getElementById("summary").getBoundingClientRect().top);
  out.problems = Math.round(document.getElementById("problems").getBoundingClientRect().top);
  out.table = Math.round(t.getBoundingClientRect().top);
  out.bars = document.querySelectorAll("#chart-svg rect[data-count]").length;
  out.chart_h = Math.round(document.getElementById("chart-svg").getBoundingClientRect().height);
  document.body.setAttribute("data-probe", JSON.stringify(out));
})();
"##;
        let script = format!("{}{probe}", &page[s..e]);
        let copy = format!("{}{script}{}", &page[..s], &page[e..]).replacen(
            &old,
            &avexclude::export::html::csp_hash(&script),
            1,
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("review.html");
        std::fs::write(&file, copy).unwrap();
        let profile = tempfile::tempdir().unwrap();
        let (ok, dom, err) = run_chromium(
            &bin,
            profile.path(),
            &file,
            &["--dump-dom".into(), "--window-size=1400,1000".into()],
        );
        assert!(ok, "{err}");
        assert!(!err.contains("Content Security Policy"), "{err}");
        let raw = dom
            .split("data-probe=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or_else(|| panic!("probe did not run: {err}"))
            .replace("&quot;", "\"");
        let p: serde_json::Value = serde_json::from_str(&raw).unwrap();
        let vw = p["vw"].as_i64().unwrap();
        assert!(vw > 1300 && vw <= 1400, "{p}");
        assert!(
            p["sw"].as_i64().unwrap() <= vw,
            "the page scrolls sideways: {p}"
        );
        for k in [
            "value", "status", "hosts", "reason", "risk_why", "evidence", "source",
        ] {
            let right = p[k][1].as_i64().unwrap();
            let width = p[k][2].as_i64().unwrap();
            assert!(right <= vw, "{k} off screen at 1400 px ({lang:?}): {p}");
            assert!(width >= 60, "{k} squeezed to {width} px ({lang:?}): {p}");
        }
        assert!(p["reason"][2].as_i64().unwrap() >= 150, "{p}");
        assert!(p["evidence"][2].as_i64().unwrap() >= 120, "{p}");
        let folded = p["folded"].as_i64().unwrap();
        assert!(folded > 0);
        assert_eq!(p["hidden"], folded, "absent rows folded: {p}");
        assert_eq!(p["shown"], folded, "the checkbox shows them: {p}");
        let top = |k: &str| p[k].as_i64().unwrap();
        assert!(
            top("summary") < top("problems") && top("problems") < top("table"),
            "{p}"
        );
        assert!(
            p["bars"].as_i64().unwrap() >= 10 && top("chart_h") > 100,
            "{p}"
        );
    }
}
