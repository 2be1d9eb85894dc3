//! CSV for spreadsheets.
//!
//! Convention: UTF-8 with a byte-order mark (Excel and LibreOffice then read Cyrillic right
//! without an import dialog), comma-separated, CRLF line ends, every field quoted with `"`
//! doubled (RFC 4180). Everything a person reads follows `--lang`: headings, statuses, risk,
//! kinds, reasons (a Russian sheet has no English outside values; the language-independent codes
//! are in the JSON export). A field that a spreadsheet would take
//! for a formula (starting with `=`, `+`, `-`, `@`, tab or CR, OWASP "CSV injection") gets a
//! leading `'`, which spreadsheets show as text. Host values are in their escaped single-line form
//! (`\xNN` for invalid UTF-8 and control characters), so a field never spans lines.

use std::collections::HashMap;
use std::io::{self, Write};

use super::Meta;
use super::columns::{CSV, Column};
use super::one_line;
use super::rows::Model;

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

/// One record: fields joined with commas, CRLF.
fn record(w: &mut dyn Write, fields: impl IntoIterator<Item = String>) -> io::Result<()> {
    let mut first = true;
    for f in fields {
        if !first {
            w.write_all(b",")?;
        }
        first = false;
        w.write_all(field(&f).as_bytes())?;
    }
    w.write_all(b"\r\n")
}

/// Write the CSV record by record: one row per value per host (a machine format for
/// spreadsheets and filters keeps every host's row and its evidence; it is streamed, so its size
/// costs no memory).
pub fn write(m: &Model, meta: &Meta, w: &mut dyn Write) -> io::Result<()> {
    let lang = meta.lang;
    let l = crate::i18n::export::labels(lang);
    w.write_all("\u{feff}".as_bytes())?;
    // With lifecycle facts (the command line): what the antivirus receives, and when the host
    // was collected (stale marked), as two last columns.
    let lc = meta.hosts.iter().any(|h| h.info.is_some());
    let ll = super::lifecycle::labels(lang);
    let mut head: Vec<String> = CSV.iter().map(|c| c.heading(l).to_string()).collect();
    if lc {
        head.push(ll.antivirus.into());
        head.push(ll.collected.into());
    }
    record(w, head)?;
    let collected: HashMap<&str, String> = meta
        .hosts
        .iter()
        .filter_map(|h| {
            h.info
                .as_ref()
                .map(|i| (h.name.as_str(), super::lifecycle::collected_cell(i, lang)))
        })
        .collect();
    // Exclusions and unlisted findings first, the port audit after them.
    let audit = super::rows::Section::AuditOnly;
    let ordered = m
        .rows
        .iter()
        .filter(|r| r.section != audit)
        .chain(m.rows.iter().filter(|r| r.section == audit));
    for r in ordered {
        let cells = CSV.iter().map(|c: &Column| c.cell(r, lang));
        if lc {
            let extra = [
                one_line(&r.antivirus),
                collected.get(&*r.host).cloned().unwrap_or_default(),
            ];
            record(w, cells.chain(extra))?;
        } else {
            record(w, cells)?;
        }
    }
    w.flush()
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
