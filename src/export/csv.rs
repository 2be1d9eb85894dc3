//! CSV for spreadsheets.
//!
//! Convention: UTF-8 with a byte-order mark (Excel and LibreOffice then read Cyrillic right
//! without an import dialog), comma-separated, CRLF line ends, every field quoted with `"`
//! doubled (RFC 4180). Status, kind and risk are English codes so filters work in any language;
//! headings, reasons and risk explanations follow `--lang`. A field that a spreadsheet would take
//! for a formula (starting with `=`, `+`, `-`, `@`, tab or CR, OWASP "CSV injection") gets a
//! leading `'`, which spreadsheets show as text. Host values are in their escaped single-line form
//! (`\xNN` for invalid UTF-8 and control characters), so a field never spans lines.

use super::i18n::{self, Labels};
use super::rows::{Model, Row};
use super::{Meta, disp, one_line};
use crate::i18n::Lang;

/// The columns, in order: (key, heading).
pub fn columns(l: &Labels) -> Vec<(&'static str, &'static str)> {
    let c = &l.col;
    vec![
        ("host", c.host),
        ("section", c.section),
        ("entry_id", c.entry_id),
        ("canonical", c.canonical),
        ("value", c.value),
        ("host_path", c.host_path),
        ("container_path", c.container_path),
        ("kind", c.kind),
        ("component", c.component),
        ("status", c.status),
        ("drift", c.drift),
        ("fleet", c.fleet),
        ("reason", c.reason),
        ("risk", c.risk),
        ("risk_why", c.risk_why),
        ("pid", c.pid),
        ("cmdline", c.cmdline),
        ("container", c.container),
        ("namespace", c.namespace),
        ("sha256", c.sha256),
        ("via", c.via),
        ("source", c.source),
        ("source_document", c.source_document),
        ("source_section", c.source_section),
        ("change", c.change),
        ("change_detail", c.change_detail),
        ("disabled", c.disabled),
    ]
}

/// The text of one cell, single-line and unescaped (each format escapes it its own way).
pub fn cell(r: &Row, key: &str, lang: Lang) -> String {
    let l = i18n::labels(lang);
    let opt = |v: &Option<crate::model::HostStr>| v.as_ref().map(disp).unwrap_or_default();
    let s = |v: &Option<String>| v.as_deref().map(one_line).unwrap_or_default();
    match key {
        "host" => one_line(&r.host),
        "section" => r.section.as_str().into(),
        "entry_id" => one_line(&r.entry_id),
        "canonical" => one_line(&r.canonical),
        "value" => disp(&r.value),
        "host_path" => opt(&r.host_path),
        "container_path" => opt(&r.container_path),
        "kind" => one_line(&r.kind),
        "component" => one_line(&r.component),
        "status" => r.status.as_str().into(),
        "drift" => s(&r.drift),
        "fleet" => fleet_note(r, l),
        "reason" => one_line(i18n::text(&r.reason, lang)),
        "risk" => r.risk.map(|x| x.as_str().to_string()).unwrap_or_default(),
        "risk_why" => one_line(i18n::text(&r.risk_why, lang)),
        "pid" => r.pid.map(|p| p.to_string()).unwrap_or_default(),
        "cmdline" => opt(&r.cmdline),
        "container" => s(&r.container),
        "namespace" => s(&r.namespace),
        "sha256" => s(&r.sha256),
        "via" => one_line(&r.via),
        "source" => one_line(&r.source.origin_text()),
        "source_document" => one_line(&r.source.document),
        "source_section" => s(&r.source.section),
        "change" => r
            .change
            .as_ref()
            .map(|c| c.action.as_str().to_string())
            .unwrap_or_default(),
        "change_detail" => r
            .change
            .as_ref()
            .map(|c| one_line(&i18n::change_detail(c, lang)))
            .unwrap_or_default(),
        "disabled" => s(&r.disabled),
        _ => String::new(),
    }
}

/// `differs from the fleet: A, B (host-a, host-c)` for a differing row; empty otherwise.
pub fn fleet_note(r: &Row, l: &Labels) -> String {
    match &r.fleet_baseline {
        Some(b) if r.differs => {
            let vals = if b.values.is_empty() {
                l.empty_value.to_string()
            } else {
                b.values.join(", ")
            };
            one_line(&format!(
                "{}: {} ({})",
                l.differs_mark,
                vals,
                b.hosts.join(", ")
            ))
        }
        _ => String::new(),
    }
}

/// A field as a spreadsheet must see it: formula-like text neutralised, quoted.
pub fn field(text: &str) -> String {
    let risky = matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    );
    let mut out = String::with_capacity(text.len() + 4);
    out.push('"');
    if risky {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

pub fn write(m: &Model, meta: &Meta) -> Vec<u8> {
    let l = i18n::labels(meta.lang);
    let cols = columns(l);
    let mut out = String::from("\u{feff}");
    // With lifecycle facts (the command line): what the antivirus receives, and when the host
    // was collected (stale marked), as two last columns.
    let lc = !meta.hosts_info.is_empty();
    let ll = super::lifecycle::labels(meta.lang);
    let mut head: Vec<String> = cols.iter().map(|(_, h)| field(h)).collect();
    if lc {
        head.push(field(ll.antivirus));
        head.push(field(ll.collected));
    }
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    // Exclusions and unlisted findings first, the port audit after them.
    let ordered = m
        .rows
        .iter()
        .filter(|r| r.section != super::rows::Section::AuditOnly)
        .chain(
            m.rows
                .iter()
                .filter(|r| r.section == super::rows::Section::AuditOnly),
        );
    for r in ordered {
        let mut line: Vec<String> = cols
            .iter()
            .map(|(k, _)| field(&cell(r, k, meta.lang)))
            .collect();
        if lc {
            line.push(field(&one_line(&r.antivirus)));
            let info = m
                .hosts
                .iter()
                .position(|h| *h == r.host)
                .and_then(|i| meta.hosts_info.get(i));
            line.push(field(
                &info
                    .map(|i| super::lifecycle::collected_cell(i, meta.lang))
                    .unwrap_or_default(),
            ));
        }
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn formula_like_fields_are_neutralised_and_quotes_doubled() {
        assert_eq!(field("=1+1"), "\"'=1+1\"");
        assert_eq!(field("+1"), "\"'+1\"");
        assert_eq!(field("-1"), "\"'-1\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(field("\t=1"), "\"'\t=1\"");
        assert_eq!(field("＝1"), "\"'＝1\"");
        assert_eq!(field("a \"b\", c"), "\"a \"\"b\"\", c\"");
        assert_eq!(field("/opt/elma365/"), "\"/opt/elma365/\"");
        assert_eq!(field(""), "\"\"");
    }
}
