//! A self-contained HTML page: inline style and a small inline script, nothing fetched from the
//! network (a reviewer may open it on an air-gapped machine, and a report must not phone home).
//!
//! The page answers the reviewer's questions in order: a summary (counts per host and per
//! component, an inline SVG chart), then what needs attention (drift from the vendor's list,
//! replaced binaries, unaccepted findings, high-risk exclusions, stale hosts), then the full
//! table. Identical rows of several hosts are one row with its host count ([`rows::fold`]), and
//! rows of entries not found on a host are folded (shown with a checkbox), so a fleet of a
//! thousand copies of a host is a page of a few megabytes. The page is written as it is made.
//!
//! Rows are marked with classes (`risk-high`, `status-drifted`, `differs`, `status-unlisted`,
//! `change-*`) and a legend says what the colours mean. The table sorts by any column on a click;
//! on load the script applies the document order (differing hosts and drift first) and sets
//! `data-sorted` on each table. A Content-Security-Policy allows only the page's own script and
//! style (by hash) and no fetch of any kind, so even a value that slipped through escaping could
//! not run a script or load anything. Every text goes through [`esc`].

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use sha2::{Digest, Sha256};

use super::columns::{Column, evidence, explain, source};
use super::rows::fold::{Folded, fold};
use super::rows::{Group, Model, Row, RowStatus, Section};
use super::{HostMeta, Meta, one_line};
use crate::i18n::Lang;
use crate::i18n::export::{self as i18n, Labels};
use crate::model::Risk;

/// Escape text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in one_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:1.2em;color:#1b1b1b;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd}h3{font-size:1em;margin:1em 0 .3em}
.meta,.note,.legend{color:#555}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}
th,td{border:1px solid #d0d0d0;padding:3px 5px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
th{background:#f1f3f5;position:sticky;top:0;z-index:1}
table.sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
table.rows{table-layout:fixed}
table.rows td{font-size:12px}
tr.status-drifted td{background:#fff1c2}
tr.risk-high td{background:#fbd5d5}
tr.risk-high.status-drifted td{background:#f9c6a8}
tr.status-unlisted td{background:#e3ecfd}
tr.status-absent td,tr.status-disabled td{color:#777}
tr.risk-high.status-absent td,tr.risk-high.status-disabled td{background:#fff}
tr.differs td:first-child{box-shadow:inset 5px 0 0 #7b3fc4}
tr.differs td{border-top:2px solid #7b3fc4;border-bottom:2px solid #7b3fc4}
.v,code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11.5px}
td.num{text-align:right;white-space:nowrap}
.sub{display:block;color:#555;font-size:11px}
.why{display:block;font-size:11px;color:#4a2a80;margin-top:2px}
details summary{cursor:pointer}
.badge{display:inline-block;padding:0 4px;border-radius:3px;font-size:11px;font-weight:600}
.b-high{background:#c62828;color:#fff}.b-drifted{background:#e0a000;color:#000}
.b-differs{background:#7b3fc4;color:#fff}.b-unlisted{background:#2f6fdd;color:#fff}
.b-added{background:#2e7d32;color:#fff}.b-removed{background:#555;color:#fff}.b-changed{background:#ef6c00;color:#fff}
.b-held{background:#37474f;color:#fff}
ul.groups li,ul.problems li{margin:.25em 0}
.figures{font-size:15px;margin:.3em 0 .8em}.figures b{font-size:17px}
.figures .bad{color:#b71c1c}
figure{margin:.5em 0 1em}figcaption{color:#555;font-size:12px}
svg.chart{max-width:980px;width:100%;height:auto}
table.sum{width:auto;min-width:50%}table.sum td,table.sum th{font-size:12.5px}
table.sum td.hot{background:#fff1c2;font-weight:600}
.filter{margin:.3em 0;padding:3px 6px;width:22em}
tr.hidden{display:none}
tr.folded{display:none}
input.toggle:checked~div.scroll tr.folded{display:table-row}
input.toggle:checked~div.scroll tr.folded.hidden{display:none}
h2.inline,h3.inline{display:inline}
col.w3{width:3%}col.w5{width:5%}col.w6{width:6%}col.w7{width:7%}col.w8{width:8%}col.w9{width:9%}
col.w10{width:10%}col.w11{width:11%}col.w12{width:12%}col.w13{width:13%}col.w14{width:14%}col.w15{width:15%}
ul details.hosts{display:inline-block;vertical-align:top;margin-right:.3em}
.toggle-label{margin-left:.3em;color:#333}
table.rows td:first-child{white-space:nowrap}
"#;

const SCRIPT: &str = r#"
(function(){
  "use strict";
  function cellKey(td, type){
    // a cell may carry its own sort key (risk and status sort by severity, not by their words)
    if (td && td.hasAttribute("data-sort")) return td.getAttribute("data-sort");
    var t = td ? td.textContent : "";
    if (type === "num") { var n = parseFloat(t); return isNaN(n) ? -1 : n; }
    return t.toLowerCase();
  }
  function sortTable(table, col, dir){
    var body = table.tBodies[0];
    var head = table.tHead.rows[0].cells;
    var type = head[col].getAttribute("data-type") || "text";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){
      var x = cellKey(a.cells[col], type), y = cellKey(b.cells[col], type);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    rows.forEach(function(r){ body.appendChild(r); });
    for (var i = 0; i < head.length; i++) head[i].removeAttribute("aria-sort");
    head[col].setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
    table.setAttribute("data-sorted", head[col].getAttribute("data-key") + (dir > 0 ? ":asc" : ":desc"));
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function(table){
    var head = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(head, function(th, i){
      th.addEventListener("click", function(){
        sortTable(table, i, th.getAttribute("aria-sort") === "ascending" ? -1 : 1);
      });
    });
    // `#sort=KEY:asc|desc` in the address sorts a table by that column on opening
    var m = /^#sort=([a-z_]+):(asc|desc)$/.exec(location.hash || "");
    var start = 0, dir = 1;
    if (m) {
      for (var k = 0; k < head.length; k++) {
        if (head[k].getAttribute("data-key") === m[1]) { start = k; dir = m[2] === "asc" ? 1 : -1; }
      }
    }
    sortTable(table, start, dir);
    table.setAttribute("data-rows", String(table.tBodies[0].rows.length));
  });
  var box = document.getElementById("filter");
  if (box) box.addEventListener("input", function(){
    var q = box.value.toLowerCase();
    Array.prototype.forEach.call(tables, function(table){
      Array.prototype.forEach.call(table.tBodies[0].rows, function(r){
        r.classList.toggle("hidden", q !== "" && r.textContent.toLowerCase().indexOf(q) < 0);
      });
    });
  });
})();
"#;

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for ch in bytes.chunks(3) {
        let n = (u32::from(ch[0]) << 16)
            | (u32::from(*ch.get(1).unwrap_or(&0)) << 8)
            | u32::from(*ch.get(2).unwrap_or(&0));
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if ch.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if ch.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// `sha256-<base64>` of an inline script or style, for the Content-Security-Policy.
pub fn csp_hash(text: &str) -> String {
    let d = Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", b64(d.as_slice()))
}

fn row_classes(r: &Row) -> String {
    let mut c = vec![format!("row status-{}", r.status.as_str())];
    if let Some(risk) = r.risk {
        c.push(format!("risk-{}", risk.as_str()));
    }
    if r.differs {
        c.push("differs".into());
    }
    if let Some(ch) = &r.change {
        c.push(format!("change-{}", ch.action.as_str()));
    }
    if !r.status.is_found() && r.change.is_none() {
        c.push("folded".into());
    }
    c.join(" ")
}

fn badge(class: &str, text: &str) -> String {
    format!("<span class=\"badge b-{class}\">{}</span>", esc(text))
}

fn th(key: &str, text: &str, num: bool, width: u32) -> String {
    format!(
        "<th data-key=\"{}\"{} scope=\"col\" class=\"w{width}\">{}</th>",
        esc(key),
        if num { " data-type=\"num\"" } else { "" },
        esc(text)
    )
}

/// Hosts of a folded row: the name, or the count opening the list.
fn hosts_cell(hosts: &[&str], lang: Lang) -> String {
    if hosts.len() == 1 {
        return esc(hosts[0]);
    }
    let mut s = format!(
        "<details class=\"hosts\"><summary>{}</summary>",
        esc(&i18n::hosts_count(hosts.len(), lang))
    );
    for (i, h) in hosts.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&esc(h));
    }
    s.push_str("</details>");
    s
}

/// Sort key of a status: what needs a look first (unlisted, drifted), absent last.
fn status_rank(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Unlisted => "0",
        RowStatus::Drifted => "1",
        RowStatus::Present => "2",
        RowStatus::Disabled => "3",
        RowStatus::Absent => "4",
    }
}

/// Sort key of a risk: ascending is low to high, so "descending" puts high risk first.
fn risk_rank(r: Option<Risk>) -> &'static str {
    match r {
        None => "0",
        Some(Risk::Low) => "1",
        Some(Risk::Medium) => "2",
        Some(Risk::High) => "3",
    }
}

/// Evidence folded: pid, short hash and how found in the summary; the full record inside, and
/// whose it is when the row stands for several hosts.
fn evidence_cell(r: &Row, hosts: usize, lang: Lang) -> String {
    let full = evidence(r, lang);
    if full.is_empty() {
        return String::new();
    }
    let mut head = Vec::new();
    if let Some(p) = r.pid {
        head.push(format!("{} {p}", lang.tr("pid", "процесс")));
    }
    if let Some(h) = &r.sha256 {
        head.push(format!("sha256 {}…", h.get(..12).unwrap_or(h)));
    }
    if !r.via.is_empty() && head.is_empty() {
        head.push(i18n::via(&r.via, lang));
    }
    if head.is_empty() {
        head.push("…".into());
    }
    let whose = if hosts > 1 {
        format!(
            "<span class=\"sub\">{} {}</span>",
            esc(i18n::labels(lang).evidence_of),
            esc(&r.host)
        )
    } else {
        String::new()
    };
    format!(
        "<details><summary>{}</summary>{}{}</details>",
        esc(&head.join(" · ")),
        whose,
        esc(&full)
    )
}

/// The value cell: the value, where it is on the host, and its path in the container.
fn value_cell(r: &Row, l: &Labels) -> String {
    if r.value.is_empty() {
        return format!("<em>{}</em>", esc(l.empty_value));
    }
    let mut v = format!("<span class=\"v\">{}</span>", esc(&r.value.display()));
    if let Some(h) = r.host_path.as_ref().filter(|h| **h != r.value) {
        let _ = write!(
            v,
            "<span class=\"sub\">{} <span class=\"v\">{}</span></span>",
            esc(l.host_value),
            esc(&h.display())
        );
    }
    if let Some(c) = r.container_path.as_ref().filter(|c| **c != r.value) {
        let _ = write!(
            v,
            "<span class=\"sub\">{} <span class=\"v\">{}</span></span>",
            esc(l.in_container),
            esc(&c.display())
        );
    }
    v
}

/// The status cell: the status, why it is marked (against the vendor's list, against the fleet),
/// and what the antivirus receives.
fn status_cell(r: &Row, lang: Lang) -> String {
    let l = i18n::labels(lang);
    let mut status = match r.status {
        RowStatus::Drifted => badge("drifted", i18n::status(r.status, lang)),
        RowStatus::Unlisted => badge("unlisted", i18n::status(r.status, lang)),
        _ => esc(i18n::status(r.status, lang)),
    };
    if r.differs {
        let _ = write!(status, " {}", badge("differs", l.differs_mark));
    }
    for line in explain(r, lang) {
        let _ = write!(status, "<span class=\"why\">{}</span>", esc(&line));
    }
    if r.marks.held_back {
        let _ = write!(status, " {}", badge("held", l.held_back));
    }
    if !r.antivirus.is_empty() {
        let _ = write!(
            status,
            "<span class=\"sub av\" title=\"{}\">{}</span>",
            esc(super::lifecycle::labels(lang).antivirus),
            esc(&r.antivirus)
        );
    }
    status
}

/// The full table of one section: one row per folded group of identical rows.
fn rows_table(
    w: &mut dyn Write,
    id: &str,
    groups: &[Folded<'_>],
    n: &mut usize,
    lang: Lang,
    with_state: bool,
) -> io::Result<()> {
    let l = i18n::labels(lang);
    let c = &l.col;
    let mut out = String::new();
    let _ = write!(
        out,
        "<div class=\"scroll\"><table class=\"rows sortable\" id=\"{}\"><colgroup>",
        esc(id)
    );
    // Widths (per cent of the page): every column, reason and evidence included, fits 1400 px.
    let widths: &[u32] = if with_state {
        &[3, 10, 13, 13, 5, 6, 12, 10, 9, 7, 12]
    } else {
        &[3, 11, 15, 15, 5, 6, 14, 12, 11, 8]
    };
    for wd in widths {
        let _ = write!(out, "<col class=\"w{wd}\">");
    }
    out.push_str("</colgroup><thead><tr>");
    out.push_str(&th("order", "#", true, 3));
    for (k, t, num) in [
        ("entry", c.entry_id, false),
        ("value", c.value, false),
        ("status", c.status, false),
        ("risk", c.risk, false),
        ("hosts", c.hosts, true),
        ("reason", c.reason, false),
        ("risk_why", c.risk_why, false),
        ("evidence", c.evidence, false),
        ("source", c.source, false),
    ] {
        out.push_str(&th(k, t, num, 0));
    }
    if with_state {
        out.push_str(&th("change", c.change, false, 0));
    }
    out.push_str("</tr></thead><tbody>\n");
    w.write_all(out.as_bytes())?;
    for g in groups {
        out.clear();
        *n += 1;
        let r = g.first;
        let risk = match r.risk {
            Some(Risk::High) => badge("high", i18n::risk(Risk::High, lang)),
            Some(x) => esc(i18n::risk(x, lang)),
            None => String::new(),
        };
        let _ = write!(
            out,
            "<tr class=\"{}\" data-host=\"{}\" data-entry=\"{}\" data-hosts=\"{}\"><td>{}</td>\
<td><span class=\"v\">{}</span><span class=\"sub v\">{}</span><span class=\"sub\">{} · {}</span></td>\
<td>{}</td><td class=\"st\" data-sort=\"{}\">{}</td><td class=\"nw\" data-sort=\"{}\">{}</td>\
<td class=\"num\" data-sort=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&row_classes(r)),
            esc(&r.host),
            esc(&r.entry_id),
            g.hosts.len(),
            n,
            esc(&r.entry_id),
            esc(&r.canonical),
            esc(i18n::kind(&r.kind, lang)),
            esc(&r.component),
            value_cell(r, l),
            status_rank(r.status),
            status_cell(r, lang),
            risk_rank(r.risk),
            risk,
            g.hosts.len(),
            hosts_cell(&g.hosts, lang),
            esc(&Column::Reason.cell(r, lang)),
            esc(&Column::RiskWhy.cell(r, lang)),
            evidence_cell(r, g.hosts.len(), lang),
            esc(&source(r, lang)),
        );
        if with_state {
            let ch = match &r.change {
                Some(c) => format!(
                    "{} {}",
                    badge(c.action.as_str(), i18n::change(c.action, lang)),
                    esc(&i18n::change_detail(c, lang))
                ),
                None => String::new(),
            };
            let _ = write!(out, "<td>{ch}</td>");
        }
        out.push_str("</tr>\n");
        w.write_all(out.as_bytes())?;
    }
    w.write_all(b"</tbody></table></div>\n")
}

/// Counts of one host or component for the summary tables.
#[derive(Default, Clone)]
struct Counts {
    present: usize,
    drifted: usize,
    absent: usize,
    disabled: usize,
    unlisted: usize,
    high: usize,
    held_back: usize,
    accepted: usize,
    changed: usize,
}

impl Counts {
    fn add(&mut self, r: &Row, first_of_entry: bool) {
        if first_of_entry {
            match r.status {
                RowStatus::Present => self.present += 1,
                RowStatus::Drifted => self.drifted += 1,
                RowStatus::Absent => self.absent += 1,
                RowStatus::Disabled => self.disabled += 1,
                RowStatus::Unlisted => self.unlisted += 1,
            }
            if r.risk == Some(Risk::High)
                && matches!(r.status, RowStatus::Present | RowStatus::Drifted)
            {
                self.high += 1;
            }
        }
        if r.marks.held_back {
            self.held_back += 1;
        }
        if r.marks.accepted {
            self.accepted += 1;
        }
        if r.change.is_some() {
            self.changed += 1;
        }
    }
}

/// Per host and per component, counting each (host, entry) once (several values of one entry on
/// a host are one entry) and each unlisted finding once.
fn counts(m: &Model) -> (BTreeMap<&str, Counts>, BTreeMap<&str, Counts>) {
    let mut by_host: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut by_comp: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut seen: HashSet<(&str, &str, String)> = HashSet::new();
    for r in &m.rows {
        if r.section == Section::AuditOnly {
            continue;
        }
        let id = if r.section == Section::Unlisted {
            r.value.display()
        } else {
            String::new()
        };
        let first = seen.insert((&*r.host, &*r.entry_id, id));
        by_host.entry(&*r.host).or_default().add(r, first);
        by_comp.entry(&*r.component).or_default().add(r, first);
    }
    (by_host, by_comp)
}

const BAR_COLOURS: [(&str, RowStatus); 5] = [
    ("#2e7d32", RowStatus::Present),
    ("#e0a000", RowStatus::Drifted),
    ("#2f6fdd", RowStatus::Unlisted),
    ("#9e9e9e", RowStatus::Absent),
    ("#616161", RowStatus::Disabled),
];

fn status_count(c: &Counts, s: RowStatus) -> usize {
    match s {
        RowStatus::Present => c.present,
        RowStatus::Drifted => c.drifted,
        RowStatus::Unlisted => c.unlisted,
        RowStatus::Absent => c.absent,
        RowStatus::Disabled => c.disabled,
    }
}

/// A horizontal stacked bar per component (entries × hosts by status), inline SVG: no script,
/// no external resource, nothing the page's CSP would have to allow.
fn chart(by_comp: &BTreeMap<&str, Counts>, lang: Lang) -> String {
    let l = i18n::labels(lang);
    let mut comps: Vec<(&&str, &Counts)> = by_comp.iter().collect();
    // What was found first, most first.
    comps.sort_by_key(|(n, c)| {
        (
            std::cmp::Reverse(c.present + c.drifted + c.unlisted),
            n.to_string(),
        )
    });
    let max = comps
        .iter()
        .map(|(_, c)| c.present + c.drifted + c.unlisted + c.absent + c.disabled)
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h, top) = (150.0, 700.0, 20.0, 28.0);
    let height = top + row_h * comps.len() as f64 + 6.0;
    let mut s = format!(
        "<svg class=\"chart\" id=\"chart-svg\" viewBox=\"0 0 980 {height}\" role=\"img\" aria-label=\"{}\">",
        esc(l.chart)
    );
    // legend
    let mut x = label_w;
    for (colour, st) in BAR_COLOURS {
        let name = i18n::status(st, lang);
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{colour}\"></rect><text x=\"{}\" y=\"16\" font-size=\"12\">{}</text>",
            x + 16.0,
            esc(name)
        );
        x += 30.0 + 7.5 * name.chars().count() as f64;
    }
    for (i, (name, c)) in comps.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            s,
            "<g class=\"bar\" data-component=\"{}\"><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            esc(name),
            label_w - 6.0,
            y + 13.0,
            esc(name)
        );
        let mut x = label_w;
        let mut total = 0;
        for (colour, st) in BAR_COLOURS {
            let n = status_count(c, st);
            total += n;
            if n == 0 {
                continue;
            }
            let wd = bar_w * n as f64 / max as f64;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{wd:.1}\" height=\"{}\" fill=\"{colour}\" data-status=\"{}\" data-count=\"{n}\"><title>{}: {} {n}</title></rect>",
                row_h - 4.0,
                st.as_str(),
                esc(name),
                esc(i18n::status(st, lang))
            );
            x += wd;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{total}</text></g>",
            x + 4.0,
            y + 13.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Whether the export knows what the antivirus receives (a `check --state` report of some host)
/// and what changed (a previous export): otherwise those counts are unknown, not zero.
#[derive(Clone, Copy)]
struct Known {
    antivirus: bool,
    changes: bool,
}

fn known(m: &Model, meta: &Meta) -> Known {
    Known {
        antivirus: meta
            .hosts
            .iter()
            .any(|h| h.info.as_ref().is_some_and(|i| i.rendered_with_state))
            || m.rows.iter().any(|r| !r.antivirus.is_empty()),
        changes: m.with_state,
    }
}

fn unknown_cell() -> String {
    "<td class=\"num unknown\">—</td>".to_string()
}

fn count_cell(n: usize, hot: bool) -> String {
    if hot && n > 0 {
        format!("<td class=\"num hot\">{n}</td>")
    } else {
        format!("<td class=\"num\">{n}</td>")
    }
}

fn count_heads(out: &mut String, first: &[&str], lang: Lang) {
    let l = i18n::labels(lang);
    out.push_str("<thead><tr>");
    for h in first.iter().copied().chain([
        i18n::status(RowStatus::Present, lang),
        i18n::status(RowStatus::Drifted, lang),
        i18n::status(RowStatus::Absent, lang),
        i18n::status(RowStatus::Disabled, lang),
        i18n::status(RowStatus::Unlisted, lang),
        l.high_risk,
        l.held_back,
        l.accepted,
        l.changed,
    ]) {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
}

fn count_cells(out: &mut String, c: &Counts, k: Known) {
    out.push_str(&count_cell(c.present, false));
    out.push_str(&count_cell(c.drifted, true));
    out.push_str(&count_cell(c.absent, false));
    out.push_str(&count_cell(c.disabled, false));
    out.push_str(&count_cell(c.unlisted, true));
    out.push_str(&count_cell(c.high, true));
    for (n, is_known, hot) in [
        (c.held_back, k.antivirus, false),
        (c.accepted, k.antivirus, false),
        (c.changed, k.changes, true),
    ] {
        if is_known {
            out.push_str(&count_cell(n, hot));
        } else {
            out.push_str(&unknown_cell());
        }
    }
}

/// One problem: entry, value, why, hosts.
fn problem_item(out: &mut String, f: &Folded<'_>, lang: Lang, extra: &[String]) {
    let r = f.first;
    // An unlisted finding has no entry: its kind, in the reader's language, names it.
    let name = if r.section == Section::Unlisted {
        format!(
            "{}: {}",
            i18n::status(RowStatus::Unlisted, lang),
            i18n::kind(&r.kind, lang)
        )
    } else {
        r.entry_id.to_string()
    };
    let _ = write!(
        out,
        "<li data-entry=\"{}\" data-hosts=\"{}\"><strong>{}</strong> <code>{}</code>",
        esc(&r.entry_id),
        f.hosts.len(),
        esc(&name),
        esc(&Column::Value.cell(r, lang)),
    );
    for line in explain(r, lang).iter().chain(extra) {
        let _ = write!(out, " — {}", esc(line));
    }
    let _ = writeln!(
        out,
        " <span class=\"sub\">{}</span></li>",
        hosts_cell(&f.hosts, lang)
    );
}

fn summary(out: &mut String, m: &Model, meta: &Meta) {
    let lang = meta.lang;
    let l = i18n::labels(lang);
    let (by_host, by_comp) = counts(m);
    let total = by_comp.values().fold(Counts::default(), |mut a, c| {
        a.present += c.present;
        a.drifted += c.drifted;
        a.absent += c.absent;
        a.disabled += c.disabled;
        a.unlisted += c.unlisted;
        a.high += c.high;
        a.held_back += c.held_back;
        a.accepted += c.accepted;
        a.changed += c.changed;
        a
    });
    let stale = meta
        .hosts
        .iter()
        .filter(|h| h.info.as_ref().is_some_and(|i| i.stale) || !h.facts.scanned_as_root)
        .count();
    let k = known(m, meta);
    let _ = writeln!(out, "<section id=\"summary\"><h2>{}</h2>", esc(l.summary));
    let fig = |n: usize, label: &str, bad: bool| {
        format!(
            "<span{}><b>{n}</b> {}</span>",
            if bad && n > 0 { " class=\"bad\"" } else { "" },
            esc(label)
        )
    };
    let ll = super::lifecycle::labels(lang);
    let _ = writeln!(
        out,
        "<p class=\"figures\" id=\"figures\" data-hosts=\"{}\" data-drifted=\"{}\" data-unlisted=\"{}\" data-high=\"{}\"><b>{}</b> · {} · {}: {} · {} · {} · {}{}{}</p>",
        meta.hosts.len(),
        total.drifted,
        total.unlisted,
        total.high,
        esc(&i18n::hosts_count(meta.hosts.len(), lang)),
        fig(stale, ll.stale, true),
        esc(l.over_hosts),
        fig(total.present, i18n::status(RowStatus::Present, lang), false),
        fig(total.drifted, i18n::status(RowStatus::Drifted, lang), true),
        fig(
            total.unlisted,
            i18n::status(RowStatus::Unlisted, lang),
            true
        ),
        fig(total.high, l.high_risk, true),
        if k.antivirus {
            format!(" · {}", fig(total.held_back, l.held_back, false))
        } else {
            String::new()
        },
        if k.changes {
            format!(" · {}", fig(total.changed, l.changed, true))
        } else {
            String::new()
        },
    );
    let _ = writeln!(
        out,
        "<figure id=\"chart\">{}<figcaption>{}</figcaption></figure>",
        chart(&by_comp, lang),
        esc(l.chart)
    );
    let _ = write!(
        out,
        "<h3>{}</h3><table class=\"sum\" id=\"components\">",
        esc(l.by_component)
    );
    count_heads(out, &[l.component], lang);
    out.push_str("</tr></thead><tbody>\n");
    for (name, c) in &by_comp {
        let _ = write!(
            out,
            "<tr data-component=\"{}\"><td>{}</td>",
            esc(name),
            esc(name)
        );
        count_cells(out, c, k);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    if !(k.antivirus && k.changes) {
        let _ = writeln!(out, "<p class=\"note\">— : {}</p>", esc(l.unknown));
    }
    let _ = write!(
        out,
        "<details id=\"host-summary\"{}><summary><h3 class=\"inline\">{} ({})</h3></summary>",
        if meta.hosts.len() <= 20 { " open" } else { "" },
        esc(l.by_host),
        meta.hosts.len()
    );
    let _ = write!(out, "<table class=\"hosts sortable\" id=\"hosts\">");
    let lc = meta.hosts.iter().any(|h| h.info.is_some());
    count_heads(out, &[l.host, l.os, l.kernel], lang);
    let _ = write!(out, "<th scope=\"col\">{}</th>", esc(l.warnings));
    if lc {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(ll.collected));
    }
    out.push_str("</tr></thead><tbody>\n");
    let empty = Counts::default();
    for h in &meta.hosts {
        host_row(
            out,
            h,
            by_host.get(h.name.as_str()).unwrap_or(&empty),
            (k, lang),
            lc,
        );
    }
    out.push_str("</tbody></table></details></section>\n");
}

fn host_row(out: &mut String, h: &HostMeta, c: &Counts, (k, lang): (Known, Lang), lc: bool) {
    let warns: Vec<String> = h
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.code, w.message))
        .collect();
    let _ = write!(
        out,
        "<tr data-host=\"{}\"><td>{}</td><td>{}</td><td>{}</td>",
        esc(&h.name),
        esc(&h.name),
        esc(&h.facts.os),
        esc(&h.facts.kernel)
    );
    count_cells(out, c, k);
    let _ = write!(
        out,
        "<td class=\"num\" title=\"{}\">{}</td>",
        esc(&warns.join(" | ")),
        h.warnings.len()
    );
    if lc {
        match &h.info {
            Some(i) => {
                let _ = write!(
                    out,
                    "<td class=\"{}\">{}</td>",
                    if i.stale { "stale hot" } else { "collected" },
                    esc(&super::lifecycle::collected_cell(i, lang))
                );
            }
            None => out.push_str("<td></td>"),
        }
    }
    out.push_str("</tr>\n");
}

fn problems(out: &mut String, m: &Model, meta: &Meta) {
    let lang = meta.lang;
    let l = i18n::labels(lang);
    let excl = |r: &&Row| r.section == Section::Exclusion;
    let drift = fold(
        m.rows
            .iter()
            .filter(excl)
            .filter(|r| r.status == RowStatus::Drifted && !r.marks.replaced),
    );
    let replaced = fold(m.rows.iter().filter(|r| r.marks.replaced));
    let unlisted = fold(
        m.rows
            .iter()
            .filter(|r| r.section == Section::Unlisted && !r.marks.accepted),
    );
    let high = fold(m.rows.iter().filter(excl).filter(|r| {
        r.risk == Some(Risk::High) && matches!(r.status, RowStatus::Present | RowStatus::Drifted)
    }));
    let ll = super::lifecycle::labels(lang);
    let stale: Vec<&HostMeta> = meta
        .hosts
        .iter()
        .filter(|h| h.info.as_ref().is_some_and(|i| i.stale) || !h.facts.scanned_as_root)
        .collect();
    let _ = writeln!(out, "<section id=\"problems\"><h2>{}</h2>", esc(l.problems));
    if drift.is_empty()
        && replaced.is_empty()
        && unlisted.is_empty()
        && high.is_empty()
        && stale.is_empty()
    {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(l.problems_none));
    }
    for (id, title, list) in [
        ("p-drift", l.p_drift, &drift),
        ("p-replaced", l.p_replaced, &replaced),
        ("p-unlisted", l.p_unlisted, &unlisted),
        ("p-high", l.p_high, &high),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3>{} ({})</h3><ul class=\"problems\" id=\"{id}\">",
            esc(title),
            list.len()
        );
        for f in list.iter() {
            let mut extra = Vec::new();
            match id {
                "p-unlisted" => extra.push(Column::Reason.cell(f.first, lang)),
                "p-replaced" => extra.push(Column::Drift.cell(f.first, lang)),
                "p-high" => {
                    extra.push(Column::RiskWhy.cell(f.first, lang));
                    if f.first.marks.held_back {
                        extra.push(l.held_back.to_string());
                    }
                }
                _ => {}
            }
            problem_item(out, f, lang, &extra);
        }
        out.push_str("</ul>\n");
    }
    if !stale.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{} ({})</h3><ul class=\"problems\" id=\"p-stale\">",
            esc(l.p_stale),
            stale.len()
        );
        for h in stale {
            let what = match &h.info {
                Some(i) => super::lifecycle::collected_cell(i, lang),
                None => ll.not_root.to_string(),
            };
            let _ = writeln!(
                out,
                "<li data-host=\"{}\"><strong>{}</strong> — {}</li>",
                esc(&h.name),
                esc(&h.name),
                esc(&what)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// The fleet differences, grouped by form: the common form with its host count, then each other
/// form with its hosts.
fn group_item(out: &mut String, g: &Group, lang: Lang) {
    let l = i18n::labels(lang);
    let _ = write!(
        out,
        "<li><strong>{}</strong> <code>{}</code> ({})<ul>",
        esc(&g.entry_id),
        esc(&g.canonical),
        esc(&g.component)
    );
    let mut forms: Vec<(String, Vec<&str>)> = Vec::new();
    for d in &g.differing {
        let v = super::columns::forms(&d.values, lang);
        match forms.iter_mut().find(|(f, _)| *f == v) {
            Some((_, hs)) => hs.push(&d.host),
            None => forms.push((v, vec![&d.host])),
        }
    }
    for (values, hosts) in &forms {
        let _ = write!(
            out,
            "<li>{} {}: <code>{}</code></li>",
            badge("differs", l.differs_on),
            hosts_cell(hosts, lang),
            esc(values)
        );
    }
    if !g.baseline_hosts.is_empty() {
        let hs: Vec<&str> = g.baseline_hosts.iter().map(String::as_str).collect();
        let _ = write!(
            out,
            "<li>{} {}: <code>{}</code></li>",
            esc(l.same_on),
            hosts_cell(&hs, lang),
            esc(&super::columns::forms(&g.baseline, lang))
        );
    }
    if !g.not_found.is_empty() {
        let hs: Vec<&str> = g.not_found.iter().map(String::as_str).collect();
        let _ = write!(
            out,
            "<li>{}: {}</li>",
            esc(l.not_found_on),
            hosts_cell(&hs, lang)
        );
    }
    out.push_str("</ul></li>\n");
}

/// Write the page to `w`, section by section and row by row.
pub fn write(m: &Model, meta: &Meta, w: &mut dyn Write) -> io::Result<()> {
    let lang = meta.lang;
    let l = i18n::labels(lang);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src {}; \
style-src {}; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"avexclude {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        lang.code(),
        csp_hash(SCRIPT),
        csp_hash(STYLE),
        esc(env!("CARGO_PKG_VERSION")),
        esc(l.title),
        STYLE
    );
    let _ = writeln!(out, "<h1>{}</h1>", esc(l.title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">{}: {} · avexclude {}</p>",
        esc(l.generated),
        esc(&meta.generated_at),
        esc(env!("CARGO_PKG_VERSION"))
    );
    summary(&mut out, m, meta);
    w.write_all(out.as_bytes())?;
    out.clear();
    problems(&mut out, m, meta);
    w.write_all(out.as_bytes())?;
    out.clear();

    let differing: Vec<&Group> = m
        .groups
        .iter()
        .filter(|g| !g.differing.is_empty())
        .collect();
    if m.hosts.len() > 1 {
        let _ = writeln!(out, "<h2>{}</h2>", esc(l.differences));
        if differing.is_empty() {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(l.differences_none));
        } else {
            out.push_str("<ul class=\"groups\" id=\"differences\">\n");
            for g in differing {
                group_item(&mut out, g, lang);
                w.write_all(out.as_bytes())?;
                out.clear();
            }
            out.push_str("</ul>\n");
        }
    }

    if m.with_state {
        let _ = writeln!(out, "<h2>{}</h2>", esc(l.changes));
        let changed = fold(m.rows.iter().filter(|r| r.change.is_some()));
        if changed.is_empty() && m.hosts_gone.is_empty() {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(l.changes_none));
        } else {
            out.push_str("<ul class=\"changes\" id=\"changes\">\n");
            for f in &changed {
                let r = f.first;
                if let Some(c) = &r.change {
                    let _ = writeln!(
                        out,
                        "<li>{} <strong>{}</strong> <code>{}</code> {} <span class=\"sub\">{}</span></li>",
                        badge(c.action.as_str(), i18n::change(c.action, lang)),
                        esc(&r.entry_id),
                        esc(&Column::Value.cell(r, lang)),
                        esc(&i18n::change_detail(c, lang)),
                        hosts_cell(&f.hosts, lang)
                    );
                }
            }
            if !m.hosts_gone.is_empty() {
                let _ = writeln!(
                    out,
                    "<li>{}: {}</li>",
                    esc(l.hosts_gone),
                    esc(&m.hosts_gone.join(", "))
                );
            }
            out.push_str("</ul>\n");
        }
    }

    let _ = writeln!(
        out,
        "<p class=\"legend\"><strong>{}:</strong> {} {} {} {} {}</p>",
        esc(l.legend),
        badge("high", i18n::risk(Risk::High, lang)),
        badge("drifted", i18n::status(RowStatus::Drifted, lang)),
        badge("differs", l.differs_mark),
        badge("unlisted", i18n::status(RowStatus::Unlisted, lang)),
        esc(l.legend_text)
    );
    let _ = writeln!(
        out,
        "<input id=\"filter\" class=\"filter\" type=\"search\" placeholder=\"{}\" aria-label=\"{}\">",
        esc(l.filter),
        esc(l.filter)
    );
    w.write_all(out.as_bytes())?;
    out.clear();
    let mut n = 0usize;
    for (section, id, title, note) in [
        (
            Section::Exclusion,
            "exclusions",
            l.exclusions,
            Some(l.table_note),
        ),
        (Section::Unlisted, "unlisted", l.unlisted, None),
        (Section::AuditOnly, "audit", l.audit, Some(l.audit_note)),
    ] {
        let groups = fold(m.rows.iter().filter(|r| r.section == section));
        if groups.is_empty() {
            continue;
        }
        let folded = groups
            .iter()
            .filter(|g| !g.first.status.is_found() && g.first.change.is_none())
            .count();
        let audit = section == Section::AuditOnly;
        if audit {
            // Audit-only port rows are never written to an antivirus: the whole section is folded.
            let _ = write!(
                out,
                "<details id=\"audit-section\"><summary><h2 class=\"inline\">{} ({})</h2></summary>",
                esc(title),
                groups.len()
            );
        } else {
            let _ = writeln!(out, "<h2>{}</h2>", esc(title));
        }
        out.push_str("<div class=\"tablebox\">");
        if let Some(t) = note {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(t));
        }
        if folded > 0 {
            let t = if id == "exclusions" {
                "show-absent".to_string()
            } else {
                format!("show-absent-{id}")
            };
            let _ = writeln!(
                out,
                "<input type=\"checkbox\" id=\"{t}\" class=\"toggle\"><label class=\"toggle-label\" for=\"{t}\">{} ({})</label>",
                esc(l.show_absent),
                folded
            );
        }
        w.write_all(out.as_bytes())?;
        out.clear();
        rows_table(w, id, &groups, &mut n, lang, m.with_state)?;
        w.write_all(b"</div>")?;
        if audit {
            w.write_all(b"</details>\n")?;
        }
    }
    write!(w, "<script>{SCRIPT}</script>\n</body>\n</html>\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::b64(i.as_bytes()), o);
        }
        // sha256("") in CSP form.
        assert_eq!(
            super::csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(
            super::esc("<a href=\"x\" onclick='y'>&</a>\n"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;\\x0a"
        );
    }
}
