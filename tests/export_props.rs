//! Property: whatever bytes a host value holds, no export format can be broken by it.

use crate::support::csv;
use csv::parse_csv;

use crate::support::export_fleet as fleet;

use avexclude::export::{ExportFormat, Lang, export};
use avexclude::model::{HostStr, Match, Status};
use proptest::prelude::*;

fn report_with(values: &[Vec<u8>]) -> avexclude::model::Report {
    let cat = fleet::catalog();
    let mut r =
        fleet::HostBuilder::new(&cat, "prop-host", "Debian", "2026-11-24T00:00:00Z").build();
    let e = r
        .entries
        .iter_mut()
        .find(|e| e.id == "db-postgres-bitnami")
        .unwrap();
    e.status = Status::Present;
    e.matches = values
        .iter()
        .map(|v| Match {
            value: HostStr::new(v.clone()),
            cmdline: Some(HostStr::new(v.clone())),
            container: Some(String::from_utf8_lossy(v).into_owned()),
            via: "exe".parse().unwrap(),
            ..Default::default()
        })
        .collect();
    r
}

fn interesting() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            any::<u8>(),
            Just(b'\n'),
            Just(b'\r'),
            Just(b'"'),
            Just(b'|'),
            Just(b'<'),
            Just(b'='),
            Just(b','),
            Just(b'\\'),
        ],
        1..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_value_keeps_csv_records_markdown_rows_and_html_markup_intact(values in prop::collection::vec(interesting(), 1..6)) {
        let r = vec![report_with(&values)];
        let expected_rows: usize = r[0].entries.iter().map(|e| e.matches.len().max(1)).sum();

        let csv = export(&r, ExportFormat::Csv, Lang::En, None).unwrap();
        let text = std::str::from_utf8(&csv[3..]).unwrap();
        // Records end in CRLF and no field holds a line break (values are escaped), so the
        // record count is the CRLF count; every record parses to as many fields as the header.
        prop_assert!(!text.replace("\r\n", "").contains('\n') && !text.replace("\r\n", "").contains('\r'));
        let records = parse_csv(text);
        prop_assert_eq!(records.len(), expected_rows + 1);
        for rec in &records[1..] {
            prop_assert_eq!(rec.len(), records[0].len());
            for cell in rec {
                prop_assert!(!matches!(cell.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')), "{:?}", cell);
            }
        }

        let md = String::from_utf8(export(&r, ExportFormat::Markdown, Lang::En, None).unwrap()).unwrap();
        let unescaped_pipes = |l: &str| {
            let mut n = 0; let mut esc = false;
            for c in l.chars() { if esc { esc = false } else if c == '\\' { esc = true } else if c == '|' { n += 1 } }
            n
        };
        let sec = &md[md.find("## Exclusions").unwrap()..];
        let sec = &sec[..sec[3..].find("\n## ").map(|i| i + 3).unwrap_or(sec.len())];
        let table: Vec<&str> = sec.lines().filter(|l| l.starts_with('|')).collect();
        let excl_rows: usize = r[0].entries.iter().filter(|e| !e.id.starts_with("fw-")).map(|e| e.matches.len().max(1)).sum();
        prop_assert_eq!(table.len(), excl_rows + 2);
        let cols = unescaped_pipes(table[0]);
        for l in &table { prop_assert_eq!(unescaped_pipes(l), cols, "{}", l); }
        prop_assert!(!md.contains('<'));

        let html = String::from_utf8(export(&r, ExportFormat::Html, Lang::En, None).unwrap()).unwrap();
        // Markup count is fixed by the rows, not by the values.
        prop_assert_eq!(html.matches("<tr class=").count(), expected_rows);
        prop_assert_eq!(html.matches("<script").count(), 1);
        // Hosts table: 9 cells; row tables: 14 cells a row.
        prop_assert_eq!(html.matches("</td>").count(), 9 + 14 * expected_rows);
    }
}
