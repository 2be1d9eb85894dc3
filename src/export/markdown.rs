//! Markdown (GitHub/GitLab flavour) for a readable review document.
//!
//! Every cell goes through [`esc`]: punctuation that means something to Markdown (`|`, `\`,
//! `` ` ``, `*`, `_`, `[`, `]`, ...) is backslash-escaped and `<`, `>`, `&` become entities, so a
//! host value can neither end a table cell, nor open a link, nor pass raw HTML (`<script>`) to the
//! renderer.
//! Values are in their single-line escaped form, so no value can end a table row.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::columns::{Column, MARKDOWN, forms, value_text};
use super::one_line;
use super::rows::{Group, Model, Row, RowStatus, Section};
use super::{HostMeta, Meta};
use crate::i18n::Lang;
use crate::i18n::export as i18n;

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
fn row_columns(with_state: bool) -> Vec<Column> {
    MARKDOWN
        .iter()
        .copied()
        .filter(|c| with_state || *c != Column::Change)
        .collect()
}

fn row_cells(r: &Row, lang: Lang, cols: &[Column]) -> Vec<String> {
    let l = i18n::labels(lang);
    cols.iter()
        .map(|c| match c {
            Column::Value if r.value.is_empty() => esc(l.empty_value),
            Column::Value => esc(&value_text(r, lang)),
            Column::Status => {
                let mut status = i18n::status(r.status, lang).to_string();
                if r.differs {
                    status.push_str(" — ");
                    status.push_str(&super::columns::fleet_note(r, lang));
                }
                let mut st = if r.differs || r.status == RowStatus::Drifted {
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
            }
            Column::Risk => match r.risk {
                Some(crate::model::Risk::High) => {
                    format!("**{}**", esc(i18n::risk(crate::model::Risk::High, lang)))
                }
                _ => esc(&c.cell(r, lang)),
            },
            Column::Source => esc(&super::columns::source(r, lang)),
            Column::Change => match &r.change {
                Some(ch) if ch.detail.is_empty() => esc(i18n::change(ch.action, lang)),
                Some(ch) => esc(&format!(
                    "{}: {}",
                    i18n::change(ch.action, lang),
                    i18n::change_detail(ch, lang)
                )),
                None => String::new(),
            },
            _ => esc(&c.cell(r, lang)),
        })
        .collect()
}

fn group_item(out: &mut String, g: &Group, lang: Lang) {
    let l = i18n::labels(lang);
    let _ = writeln!(
        out,
        "- **{}** {} ({})",
        esc(&g.entry_id),
        esc(&g.canonical),
        esc(&g.component)
    );
    for d in &g.differing {
        let _ = writeln!(
            out,
            "  - {} {}: {}",
            esc(l.differs_on),
            esc(&d.host),
            esc(&forms(&d.values, lang))
        );
    }
    if !g.baseline_hosts.is_empty() {
        let _ = writeln!(
            out,
            "  - {} {}: {}",
            esc(l.same_on),
            esc(&g.baseline_hosts.join(", ")),
            esc(&forms(&g.baseline, lang))
        );
    }
    if !g.not_found.is_empty() {
        let _ = writeln!(
            out,
            "  - {}: {}",
            esc(l.not_found_on),
            esc(&g.not_found.join(", "))
        );
    }
}

fn host_cells(h: &HostMeta, lang: Lang) -> Vec<String> {
    let s = &h.summary;
    [
        esc(&h.name),
        esc(&h.facts.os),
        esc(&h.facts.kernel),
        s.present.to_string(),
        s.drifted.to_string(),
        s.absent.to_string(),
        s.disabled.to_string(),
        s.unlisted.to_string(),
        h.warnings.len().to_string(),
    ]
    .into_iter()
    .chain(
        h.info
            .as_ref()
            .map(|i| esc(&super::lifecycle::collected_cell(i, lang))),
    )
    .collect()
}

/// Write the document section by section, each table row as it is made. Markdown keeps one row
/// per value per host (a text to print, diff and archive); the HTML page is the folded review.
pub fn write(m: &Model, meta: &Meta, w: &mut dyn Write) -> io::Result<()> {
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
    let lc = meta.hosts.iter().any(|h| h.info.is_some());
    table_head(
        &mut out,
        &[
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
        .chain(lc.then_some(super::lifecycle::labels(lang).collected))
        .collect::<Vec<_>>(),
    );
    for h in &meta.hosts {
        table_row(&mut out, &host_cells(h, lang));
        w.write_all(out.as_bytes())?;
        out.clear();
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
            group_item(&mut out, g, lang);
            w.write_all(out.as_bytes())?;
            out.clear();
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
                    let detail = i18n::change_detail(c, lang);
                    let _ = writeln!(
                        out,
                        "- {} · {} · {} · {}{}",
                        esc(i18n::change(c.action, lang)),
                        esc(&r.host),
                        esc(&r.entry_id),
                        esc(&Column::Value.cell(r, lang)),
                        if detail.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", esc(&detail))
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

    let cols = row_columns(m.with_state);
    let heads: Vec<&str> = cols.iter().map(|c| c.heading(l)).collect();
    for (section, title, note) in [
        (Section::Exclusion, l.exclusions, None),
        (Section::Unlisted, l.unlisted, None),
        (Section::AuditOnly, l.audit, Some(l.audit_note)),
    ] {
        let mut rows = m.rows.iter().filter(|r| r.section == section).peekable();
        if rows.peek().is_none() {
            continue;
        }
        let _ = writeln!(out, "## {}\n", esc(title));
        if let Some(n) = note {
            let _ = writeln!(out, "{}\n", esc(n));
        }
        table_head(&mut out, &heads);
        for r in rows {
            table_row(&mut out, &row_cells(r, lang, &cols));
            w.write_all(out.as_bytes())?;
            out.clear();
        }
        out.push('\n');
    }
    w.write_all(out.as_bytes())?;
    w.flush()
}
