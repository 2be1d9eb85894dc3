//! JSON for the SIEM: the rows and fleet groups as data. Host values keep their exact bytes (a
//! string when UTF-8, `{"non_utf8_hex": ...}` otherwise, as in inventories and reports) and carry
//! a `value_display` beside them for humans. Reasons are given in both languages; `lang` only
//! records what the other formats would print.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::Meta;
use super::rows::{Group, Model, Row};
use crate::i18n::Lang;
use crate::model::{HostFacts, Summary, ToolInfo, Warning};

/// Kind tag of the document, so a consumer can tell an export from a report.
pub const KIND: &str = "avexclude-export";

#[derive(Serialize)]
struct Doc<'a> {
    kind: &'static str,
    schema: u32,
    tool: ToolInfo,
    generated_at: &'a str,
    lang: &'static str,
    hosts: Vec<HostDoc<'a>>,
    /// Hosts the previous export had and this one lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    hosts_gone: Option<&'a [String]>,
    rows: Rows<'a>,
    groups: &'a [Group],
}

#[derive(Serialize)]
struct HostDoc<'a> {
    name: &'a str,
    facts: &'a HostFacts,
    generated_at: &'a str,
    catalog: &'a [String],
    summary: &'a Summary,
    warnings: &'a [Warning],
    /// Collection time, age, stale, root (from the command line).
    #[serde(skip_serializing_if = "Option::is_none")]
    collected: Option<&'a super::lifecycle::HostInfo>,
}

#[derive(Serialize)]
struct RowDoc<'a> {
    #[serde(flatten)]
    row: &'a Row,
    value_display: String,
}

/// The rows, serialized one by one (each row's display form made as it is written, never a
/// second list of every row).
struct Rows<'a>(&'a [Row]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| RowDoc {
            row: r,
            value_display: r.value.display(),
        }))
    }
}

/// Write the JSON document to `w` as it is serialized. One row per value per host, as in the
/// CSV: a SIEM wants every host's evidence; streamed, its size costs no memory.
pub fn write(m: &Model, meta: &Meta, w: &mut dyn Write) -> io::Result<()> {
    let doc = Doc {
        kind: KIND,
        schema: crate::model::SCHEMA_VERSION,
        tool: ToolInfo::default(),
        generated_at: &meta.generated_at,
        lang: match meta.lang {
            Lang::Ru => "ru",
            Lang::En => "en",
        },
        hosts: meta
            .hosts
            .iter()
            .map(|h| HostDoc {
                name: &h.name,
                facts: &h.facts,
                generated_at: &h.generated_at,
                catalog: &h.catalog,
                summary: &h.summary,
                warnings: &h.warnings,
                collected: h.info.as_ref(),
            })
            .collect(),
        hosts_gone: m.with_state.then_some(m.hosts_gone.as_slice()),
        rows: Rows(&m.rows),
        groups: &m.groups,
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}
