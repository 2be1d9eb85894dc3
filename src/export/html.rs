//! A self-contained HTML page: inline style and a small inline script, nothing fetched from the
//! network (a reviewer may open it on an air-gapped machine, and a report must not phone home).
//!
//! Rows are marked with classes (`risk-high`, `status-drifted`, `differs`, `status-unlisted`,
//! `change-*`) and a legend says what the colours mean. The table sorts by any column on a click;
//! on load the script applies the document order (differing hosts and drift first) and sets
//! `data-sorted` on each table. A Content-Security-Policy allows only the page's own script and
//! style (by hash) and no fetch of any kind, so even a value that slipped through escaping could
//! not run a script or load anything. Every text goes through [`esc`].

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::csv::{cell, fleet_note};
use super::i18n::{self, Labels};
use super::markdown::{evidence, source};
use super::rows::{Group, GroupLine, Model, Row, RowStatus, Section};
use super::{Meta, one_line};
use crate::i18n::Lang;
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
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.6em 0 .5em}
.meta,.note,.legend{color:#555}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}
th,td{border:1px solid #d0d0d0;padding:3px 6px;text-align:left;vertical-align:top}
td{word-break:break-word}
th{background:#f1f3f5;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
tr.status-drifted td{background:#fff1c2}
tr.risk-high td{background:#fbd5d5}
tr.risk-high.status-drifted td{background:#f9c6a8}
tr.status-unlisted td{background:#e3ecfd}
tr.status-absent td,tr.status-disabled td{color:#777}
tr.risk-high.status-absent td,tr.risk-high.status-disabled td{background:#fff}
tr.differs td:first-child{box-shadow:inset 5px 0 0 #7b3fc4}
tr.differs td{border-top:2px solid #7b3fc4;border-bottom:2px solid #7b3fc4}
table.rows td{font-size:12px}
td.val,td.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11.5px}
td.nw{white-space:nowrap}td.val{min-width:16em}td.can{min-width:11em}td.src{min-width:9em}
div.scroll{overflow-x:auto}td.dr{min-width:10em}td.st{min-width:11em}
details summary{cursor:pointer}td.ev{min-width:16em;max-width:30em}td.txt{min-width:12em;max-width:22em}
.badge{display:inline-block;padding:0 4px;border-radius:3px;font-size:11px;font-weight:600}
.b-high{background:#c62828;color:#fff}.b-drifted{background:#e0a000;color:#000}
.b-differs{background:#7b3fc4;color:#fff}.b-unlisted{background:#2f6fdd;color:#fff}
.b-added{background:#2e7d32;color:#fff}.b-removed{background:#555;color:#fff}.b-changed{background:#ef6c00;color:#fff}
ul.groups li{margin:.2em 0}
.filter{margin:.3em 0;padding:3px 6px;width:22em}
tr.hidden{display:none}
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
    c.join(" ")
}

fn badge(class: &str, text: &str) -> String {
    format!("<span class=\"badge b-{class}\">{}</span>", esc(text))
}

fn th(key: &str, text: &str, num: bool) -> String {
    format!(
        "<th data-key=\"{}\"{} scope=\"col\">{}</th>",
        esc(key),
        if num { " data-type=\"num\"" } else { "" },
        esc(text)
    )
}

fn rows_table(
    out: &mut String,
    id: &str,
    rows: &[(usize, &Row)],
    l: &Labels,
    lang: Lang,
    with_state: bool,
) {
    let c = &l.col;
    let _ = write!(
        out,
        "<div class=\"scroll\"><table class=\"rows sortable\" id=\"{}\"><thead><tr>",
        esc(id)
    );
    out.push_str(&th("order", "#", true));
    for (k, t) in [
        ("host", c.host),
        ("entry", c.entry_id),
        ("canonical", c.canonical),
        ("value", c.value),
        ("kind", c.kind),
        ("component", c.component),
        ("status", c.status),
        ("drift", c.drift),
        ("risk", c.risk),
        ("reason", c.reason),
        ("risk_why", c.risk_why),
        ("evidence", c.evidence),
        ("source", c.source),
    ] {
        out.push_str(&th(k, t, false));
    }
    if with_state {
        out.push_str(&th("change", c.change, false));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (n, r) in rows {
        let _ = write!(
            out,
            "<tr class=\"{}\" data-host=\"{}\" data-entry=\"{}\"><td>{}</td>",
            esc(&row_classes(r)),
            esc(&r.host),
            esc(&r.entry_id),
            n
        );
        let mut status = esc(i18n::status(r.status, lang));
        match r.status {
            RowStatus::Drifted => status = badge("drifted", i18n::status(r.status, lang)),
            RowStatus::Unlisted => status = badge("unlisted", i18n::status(r.status, lang)),
            _ => {}
        }
        if r.differs {
            let _ = write!(
                status,
                " {} <small>{}</small>",
                badge("differs", l.differs_mark),
                esc(&fleet_note(r, l))
            );
        }
        if !r.antivirus.is_empty() {
            let _ = write!(
                status,
                "<br><small class=\"av\" title=\"{}\">{}</small>",
                esc(super::lifecycle::labels(lang).antivirus),
                esc(&r.antivirus)
            );
        }
        let risk = match r.risk {
            Some(Risk::High) => badge("high", i18n::risk(Risk::High, lang)),
            Some(x) => esc(i18n::risk(x, lang)),
            None => String::new(),
        };
        let value = if r.value.is_empty() {
            format!("<em>{}</em>", esc(l.empty_value))
        } else {
            let mut v = esc(&cell(r, "value", lang));
            if let Some(h) = r.host_path.as_ref().filter(|h| **h != r.value) {
                let _ = write!(
                    v,
                    "<br><small>{} {}</small>",
                    esc(lang.tr("→ host:", "→ на хосте:")),
                    esc(&h.display())
                );
            }
            if let Some(c) = r.container_path.as_ref().filter(|c| **c != r.value) {
                let _ = write!(
                    v,
                    "<br><small>{} {}</small>",
                    esc(lang.tr("in container:", "в контейнере:")),
                    esc(&c.display())
                );
            }
            v
        };
        let _ = write!(
            out,
            "<td class=\"nw\">{}</td><td class=\"mono nw\">{}</td><td class=\"mono can\">{}</td><td class=\"val\">{}</td>\
<td class=\"nw\">{}</td><td>{}</td><td class=\"st\" data-sort=\"{}\">{}</td><td class=\"dr\">{}</td><td class=\"nw\" data-sort=\"{}\">{}</td><td class=\"txt\">{}</td><td class=\"txt\">{}</td>\
<td class=\"mono ev\">{}</td><td class=\"src\">{}</td>",
            esc(&r.host),
            esc(&r.entry_id),
            esc(&r.canonical),
            value,
            esc(&r.kind),
            esc(&r.component),
            status_rank(r.status),
            status,
            esc(&cell(r, "drift", lang)),
            risk_rank(r.risk),
            risk,
            esc(&cell(r, "reason", lang)),
            esc(&cell(r, "risk_why", lang)),
            evidence_cell(r, lang),
            esc(&source(r)),
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
    }
    out.push_str("</tbody></table></div>\n");
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

/// Evidence folded: pid, short hash and how found in the summary; the full record inside.
fn evidence_cell(r: &Row, lang: Lang) -> String {
    let full = evidence(r, lang);
    if full.is_empty() {
        return String::new();
    }
    let mut head = Vec::new();
    if let Some(p) = r.pid {
        head.push(format!("pid {p}"));
    }
    if let Some(h) = &r.sha256 {
        head.push(format!("sha256 {}…", h.get(..12).unwrap_or(h)));
    }
    if !r.via.is_empty() {
        head.push(r.via.clone());
    }
    if head.is_empty() {
        head.push("…".into());
    }
    format!(
        "<details><summary>{}</summary>{}</details>",
        esc(&head.join(" · ")),
        esc(&full)
    )
}

fn group_item(out: &mut String, g: &Group, l: &Labels) {
    let _ = write!(
        out,
        "<li><strong>{}</strong> <code>{}</code> ({})<ul>",
        esc(&g.entry_id),
        esc(&g.canonical),
        esc(&g.component)
    );
    for line in g.lines() {
        let _ = match line {
            GroupLine::Differs { host, values } => write!(
                out,
                "<li>{} <strong>{}</strong>: <code>{}</code></li>",
                badge("differs", l.differs_on),
                esc(host),
                esc(&values)
            ),
            GroupLine::Same { hosts, values } => write!(
                out,
                "<li>{} {}: <code>{}</code></li>",
                esc(l.same_on),
                esc(&hosts),
                esc(&values)
            ),
            GroupLine::NotFound { hosts } => {
                write!(out, "<li>{}: {}</li>", esc(l.not_found_on), esc(&hosts))
            }
        };
    }
    out.push_str("</ul></li>\n");
}

pub fn write(m: &Model, meta: &Meta) -> String {
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
        match lang {
            Lang::Ru => "ru",
            Lang::En => "en",
        },
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

    let _ = writeln!(out, "<h2>{}</h2>", esc(l.hosts));
    out.push_str("<table class=\"hosts\" id=\"hosts\"><thead><tr>");
    for h in [
        l.host,
        l.os,
        l.kernel,
        i18n::status(RowStatus::Present, lang),
        i18n::status(RowStatus::Drifted, lang),
        i18n::status(RowStatus::Absent, lang),
        i18n::status(RowStatus::Disabled, lang),
        i18n::status(RowStatus::Unlisted, lang),
        l.warnings,
    ]
    .into_iter()
    .chain((!meta.hosts_info.is_empty()).then_some(super::lifecycle::labels(lang).collected))
    {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (i, r) in meta.reports.iter().enumerate() {
        let s = &r.summary;
        let warns: Vec<String> = r
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.code, w.message))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
<td>{}</td><td title=\"{}\">{}</td>{}</tr>",
            esc(&m
                .hosts
                .get(i)
                .cloned()
                .unwrap_or_else(|| super::rows::host_name(r, i))),
            esc(&r.host.os),
            esc(&r.host.kernel),
            s.present,
            s.drifted,
            s.absent,
            s.disabled,
            s.unlisted,
            esc(&warns.join(" | ")),
            r.warnings.len(),
            meta.hosts_info
                .get(i)
                .map(|h| format!(
                    "<td class=\"{}\">{}</td>",
                    if h.stale { "stale" } else { "collected" },
                    esc(&super::lifecycle::collected_cell(h, lang))
                ))
                .unwrap_or_default()
        );
    }
    out.push_str("</tbody></table>\n");

    let _ = writeln!(out, "<h2>{}</h2>", esc(l.differences));
    let differing: Vec<&Group> = m
        .groups
        .iter()
        .filter(|g| !g.differing.is_empty())
        .collect();
    if differing.is_empty() {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(l.differences_none));
    } else {
        out.push_str("<ul class=\"groups\" id=\"differences\">\n");
        for g in differing {
            group_item(&mut out, g, l);
        }
        out.push_str("</ul>\n");
    }

    if m.with_state {
        let _ = writeln!(out, "<h2>{}</h2>", esc(l.changes));
        let changed: Vec<&Row> = m.rows.iter().filter(|r| r.change.is_some()).collect();
        if changed.is_empty() && m.hosts_gone.is_empty() {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(l.changes_none));
        } else {
            out.push_str("<ul class=\"changes\" id=\"changes\">\n");
            for r in changed {
                if let Some(c) = &r.change {
                    let _ = writeln!(
                        out,
                        "<li>{} <strong>{}</strong> {} <code>{}</code> {}</li>",
                        badge(c.action.as_str(), i18n::change(c.action, lang)),
                        esc(&r.host),
                        esc(&r.entry_id),
                        esc(&cell(r, "value", lang)),
                        esc(&i18n::change_detail(c, lang))
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
    let mut n = 0usize;
    for (section, id, title, note) in [
        (Section::Exclusion, "exclusions", l.exclusions, None),
        (Section::Unlisted, "unlisted", l.unlisted, None),
        (Section::AuditOnly, "audit", l.audit, Some(l.audit_note)),
    ] {
        let rows: Vec<(usize, &Row)> = m
            .rows
            .iter()
            .filter(|r| r.section == section)
            .map(|r| {
                n += 1;
                (n, r)
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h2>{}</h2>", esc(title));
        if let Some(t) = note {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(t));
        }
        rows_table(&mut out, id, &rows, l, lang, m.with_state);
    }
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
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
