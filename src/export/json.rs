//! JSON for the SIEM: the rows and fleet groups as data. Host values keep their exact bytes (a
//! string when UTF-8, `{"non_utf8_hex": ...}` otherwise, as in inventories and reports) and carry
//! a `value_display` beside them for humans. Reasons are given in both languages; `lang` only
//! records what the other formats would print.

use serde::Serialize;

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
    rows: Vec<RowDoc<'a>>,
    groups: &'a [Group],
}

#[derive(Serialize)]
struct HostDoc<'a> {
    name: String,
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

pub fn write(m: &Model, meta: &Meta) -> anyhow::Result<Vec<u8>> {
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
            .reports
            .iter()
            .enumerate()
            .map(|(i, r)| HostDoc {
                name: m
                    .hosts
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| super::rows::host_name(r, i)),
                facts: &r.host,
                generated_at: &r.generated_at,
                catalog: &r.catalog,
                summary: &r.summary,
                warnings: &r.warnings,
                collected: meta.hosts_info.get(i),
            })
            .collect(),
        hosts_gone: m.with_state.then_some(m.hosts_gone.as_slice()),
        rows: m
            .rows
            .iter()
            .map(|r| RowDoc {
                row: r,
                value_display: r.value.display(),
            })
            .collect(),
        groups: &m.groups,
    };
    let mut v = serde_json::to_vec_pretty(&doc)?;
    v.push(b'\n');
    Ok(v)
}
