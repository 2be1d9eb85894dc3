//! Markdown (GitHub/GitLab flavour) for a readable review document.
//!
//! Every cell goes through [`esc`]: punctuation that means something to Markdown (`|`, `\`,
//! `` ` ``, `*`, `_`, `[`, `]`, ...) is backslash-escaped and `<`, `>`, `&` become entities, so a
//! host value can neither end a table cell, nor open a link, nor pass raw HTML (`<script>`) to the
//! renderer.
//! Values are in their single-line escaped form, so no value can end a table row.

use std::fmt::Write as _;

use super::csv::{cell, fleet_note};
use super::i18n::{self, Labels};
use super::rows::{Group, GroupLine, Model, Row, Section};
use super::{Meta, one_line};
use crate::i18n::Lang;

/// Escape text for a Markdown table cell or list item: everything that can act mid-line
/// (emphasis, code, links, strikethrough, math, the cell separator) is backslash-escaped, autolinks
/// are broken, and `<`, `>`, `&` become entities so no raw HTML reaches the renderer.
pub fn esc(s: &str) -> String {
    let s = one_line(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let autolink =
            (c == ':' && chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/'))
                || (c == '.'
                    && i >= 3
                    && chars[i - 3..i]
                        .iter()
                        .collect::<String>()
                        .eq_ignore_ascii_case("www"));
        match c {
            // Entities, not backslashes: no renderer can take them for a tag.
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => {
                if autolink
                    || matches!(
                        c,
                        '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | '!'
                    )
                {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    out
}

fn table_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        if c.is_empty() {
            out.push(' ');
        } else {
            out.push_str(c);
        }
        out.push_str(" |");
    }
    out.push('\n');
}

fn table_head(out: &mut String, heads: &[&str]) {
    let h: Vec<String> = heads.iter().map(|s| esc(s)).collect();
    table_row(out, &h);
    let sep: Vec<String> = heads.iter().map(|_| "---".to_string()).collect();
    table_row(out, &sep);
}

/// The columns of the row tables (fewer than CSV: evidence in one cell).
fn row_heads(l: &Labels, with_state: bool) -> Vec<&'static str> {
    let c = &l.col;
    let mut h = vec![
        c.host,
        c.entry_id,
        c.canonical,
        c.value,
        c.kind,
        c.component,
        c.status,
        c.drift,
        c.risk,
        c.reason,
        c.risk_why,
        c.evidence,
        c.source,
    ];
    if with_state {
        h.push(c.change);
    }
    h
}

/// Evidence in one cell: pid, command line, container and namespace, hash, how found.
pub fn evidence(r: &Row, lang: Lang) -> String {
    let mut parts = Vec::new();
    let get = |k: &str| cell(r, k, lang);
    if let Some(p) = r.pid {
        parts.push(format!("pid {p}"));
    }
    for (k, label) in [
        ("cmdline", "cmd"),
        ("container", "container"),
        ("namespace", "ns"),
        ("sha256", "sha256"),
        ("via", "via"),
    ] {
        let v = get(k);
        if !v.is_empty() {
            parts.push(format!("{label}: {v}"));
        }
    }
    parts.join("; ")
}

fn row_cells(r: &Row, lang: Lang, with_state: bool) -> Vec<String> {
    let l = i18n::labels(lang);
    let mut status = i18n::status(r.status, lang).to_string();
    if r.differs {
        status.push_str(" — ");
        status.push_str(&fleet_note(r, l));
    }
    let mut v = vec![
        esc(&r.host),
        esc(&r.entry_id),
        esc(&r.canonical),
        if r.value.is_empty() {
            esc(l.empty_value)
        } else {
            esc(&value_text(r, lang))
        },
        esc(&r.kind),
        esc(&r.component),
        {
            let mut st = if r.differs || r.status == super::rows::RowStatus::Drifted {
                format!("**{}**", esc(&status))
            } else {
                esc(&status)
            };
            if !r.antivirus.is_empty() {
                st.push_str(&format!(
                    " — {}: {}",
                    esc(super::lifecycle::labels(lang).antivirus),
                    esc(&r.antivirus)
                ));
            }
            st
        },
        esc(&cell(r, "drift", lang)),
        match r.risk {
            Some(crate::model::Risk::High) => {
                format!("**{}**", esc(i18n::risk(crate::model::Risk::High, lang)))
            }
            Some(x) => esc(i18n::risk(x, lang)),
            None => String::new(),
        },
        esc(&cell(r, "reason", lang)),
        esc(&cell(r, "risk_why", lang)),
        esc(&evidence(r, lang)),
        esc(&source(r)),
    ];
    if with_state {
        v.push(match &r.change {
            Some(c) if c.detail.is_empty() => esc(i18n::change(c.action, lang)),
            Some(c) => esc(&format!(
                "{}: {}",
                i18n::change(c.action, lang),
                i18n::change_detail(c, lang)
            )),
            None => String::new(),
        });
    }
    v
}

/// The value with where it really is: the executable behind a symlink or title, the file on the
/// host behind a container path (the path a host antivirus must be given).
pub fn value_text(r: &Row, lang: Lang) -> String {
    let mut v = cell(r, "value", lang);
    if let Some(h) = &r.host_path
        && h != &r.value
    {
        v.push_str(" → host: ");
        v.push_str(&h.display());
    }
    if let Some(c) = &r.container_path
        && c != &r.value
    {
        v.push_str(" · in container: ");
        v.push_str(&c.display());
    }
    v
}

pub fn source(r: &Row) -> String {
    let mut s = r.source.origin_text();
    if !r.source.document.is_empty() {
        s.push_str(": ");
        s.push_str(&r.source.document);
    }
    if let Some(sec) = &r.source.section {
        s.push_str(" / ");
        s.push_str(sec);
    }
    s
}

fn group_item(out: &mut String, g: &Group, l: &Labels) {
    let _ = writeln!(
        out,
        "- **{}** {} ({})",
        esc(&g.entry_id),
        esc(&g.canonical),
        esc(&g.component)
    );
    for line in g.lines() {
        let _ = match line {
            GroupLine::Differs { host, values } => {
                writeln!(
                    out,
                    "  - {} {}: {}",
                    esc(l.differs_on),
                    esc(host),
                    esc(&values)
                )
            }
            GroupLine::Same { hosts, values } => {
                writeln!(
                    out,
                    "  - {} {}: {}",
                    esc(l.same_on),
                    esc(&hosts),
                    esc(&values)
                )
            }
            GroupLine::NotFound { hosts } => {
                writeln!(out, "  - {}: {}", esc(l.not_found_on), esc(&hosts))
            }
        };
    }
}

pub fn write(m: &Model, meta: &Meta) -> String {
    let lang = meta.lang;
    let l = i18n::labels(lang);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", esc(l.title));
    let _ = writeln!(
        out,
        "{}: {} · avexclude {}\n",
        esc(l.generated),
        esc(&meta.generated_at),
        esc(env!("CARGO_PKG_VERSION"))
    );

    let _ = writeln!(out, "## {}\n", esc(l.hosts));
    table_head(
        &mut out,
        &[
            l.host,
            l.os,
            l.kernel,
            i18n::status(super::rows::RowStatus::Present, lang),
            i18n::status(super::rows::RowStatus::Drifted, lang),
            i18n::status(super::rows::RowStatus::Absent, lang),
            i18n::status(super::rows::RowStatus::Disabled, lang),
            i18n::status(super::rows::RowStatus::Unlisted, lang),
            l.warnings,
        ]
        .into_iter()
        .chain((!meta.hosts_info.is_empty()).then_some(super::lifecycle::labels(lang).collected))
        .collect::<Vec<_>>(),
    );
    for (i, r) in meta.reports.iter().enumerate() {
        let s = &r.summary;
        table_row(
            &mut out,
            &[
                esc(&m
                    .hosts
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| super::rows::host_name(r, i))),
                esc(&r.host.os),
                esc(&r.host.kernel),
                s.present.to_string(),
                s.drifted.to_string(),
                s.absent.to_string(),
                s.disabled.to_string(),
                s.unlisted.to_string(),
                r.warnings.len().to_string(),
            ]
            .into_iter()
            .chain(
                meta.hosts_info
                    .get(i)
                    .map(|h| esc(&super::lifecycle::collected_cell(h, lang))),
            )
            .collect::<Vec<_>>(),
        );
    }
    out.push('\n');

    let _ = writeln!(out, "## {}\n", esc(l.differences));
    let differing: Vec<&Group> = m
        .groups
        .iter()
        .filter(|g| !g.differing.is_empty())
        .collect();
    if differing.is_empty() {
        let _ = writeln!(out, "{}\n", esc(l.differences_none));
    } else {
        for g in differing {
            group_item(&mut out, g, l);
        }
        out.push('\n');
    }

    if m.with_state {
        let _ = writeln!(out, "## {}\n", esc(l.changes));
        let changed: Vec<&Row> = m.rows.iter().filter(|r| r.change.is_some()).collect();
        if changed.is_empty() && m.hosts_gone.is_empty() {
            let _ = writeln!(out, "{}\n", esc(l.changes_none));
        } else {
            for r in changed {
                if let Some(c) = &r.change {
                    let _ = writeln!(
                        out,
                        "- {} · {} · {} · {}{}",
                        esc(i18n::change(c.action, lang)),
                        esc(&r.host),
                        esc(&r.entry_id),
                        esc(&cell(r, "value", lang)),
                        if c.detail.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", esc(&i18n::change_detail(c, lang)))
                        }
                    );
                }
            }
            if !m.hosts_gone.is_empty() {
                let _ = writeln!(
                    out,
                    "- {}: {}",
                    esc(l.hosts_gone),
                    esc(&m.hosts_gone.join(", "))
                );
            }
            out.push('\n');
        }
    }

    for (section, title, note) in [
        (Section::Exclusion, l.exclusions, None),
        (Section::Unlisted, l.unlisted, None),
        (Section::AuditOnly, l.audit, Some(l.audit_note)),
    ] {
        let rows: Vec<&Row> = m.rows.iter().filter(|r| r.section == section).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {}\n", esc(title));
        if let Some(n) = note {
            let _ = writeln!(out, "{}\n", esc(n));
        }
        table_head(&mut out, &row_heads(l, m.with_state));
        for r in rows {
            table_row(&mut out, &row_cells(r, lang, m.with_state));
        }
        out.push('\n');
    }
    out
}
