//! Reports → security-team documents: CSV for spreadsheets, Markdown and a self-contained HTML
//! page to read, JSON for the SIEM.
//!
//! Every format prints the same [`rows::Model`]: one row per exclusion per host, the fleet
//! grouping (hosts whose form of an exclusion differs from the others first), and, given the state
//! of the previous export, what was added, removed or changed since. Host values are hostile input:
//! each format escapes them its own way and none can be broken by a newline, a quote, markup or
//! invalid UTF-8.
//!
//! At fleet scale (a thousand hosts): [`Fleet`] takes one report at a time and keeps only its
//! rows (catalog texts shared between hosts) and a host summary, so the reports are never all in
//! memory; every format writes to an `io::Write` as it goes ([`write_to`]). CSV, Markdown and
//! JSON keep one row per value per host (machine formats and a printable text: every host's
//! evidence); the HTML review folds identical rows of several hosts into one with its host count
//! ([`rows::fold`]). Measured on copies of the example host: 1,000 hosts give a 4.4 MB page and
//! under 130 MB of peak memory in every format (`benches/export.rs`, issue 14).

pub mod columns;
/// The export's labels live in [`crate::i18n::export`]; this name is kept for callers of the old
/// `export::i18n` module.
pub use crate::i18n::export as i18n;
pub mod csv;
pub mod html;
pub mod json;
pub mod lifecycle;
pub mod markdown;
pub mod rows;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub use crate::i18n::Lang;

/// The formats of the security-team export. Defined here, in the stage, with clap's `ValueEnum`
/// derived so the command line takes it as it is (the stage never imports a CLI type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Markdown,
    Html,
    Json,
}
use crate::model::{Catalog, Report, ToolInfo};
use rows::{ChangeAction, Model, RowChange, StateFacts};

/// Version of the export state file.
pub const STATE_SCHEMA: u32 = 1;

/// What an export contained, per host and row, so the next export can mark what was added,
/// removed or changed since the security team last signed off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExportState {
    pub schema: u32,
    pub tool: ToolInfo,
    /// Time of the newest report in the export.
    pub generated_at: String,
    /// host → rows of that host.
    pub hosts: BTreeMap<String, Vec<StateRow>>,
}

/// One row as the state file remembers it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StateRow {
    pub entry: String,
    /// The value's display form (escaped, single line).
    pub value: String,
    #[serde(flatten)]
    pub facts: StateFacts,
}

impl ExportState {
    /// The state of an export of these reports.
    pub fn of(reports: &[Report], catalog: Option<&Catalog>) -> ExportState {
        let model = model(reports, catalog, None);
        ExportState::of_model(&model, newest(reports))
    }

    /// The state of an export already built (rows marked removed are not part of it): the
    /// command line writes it from the model it printed, without a second pass over the reports.
    pub fn of_model(model: &Model, generated_at: String) -> ExportState {
        let mut hosts: BTreeMap<String, Vec<StateRow>> = BTreeMap::new();
        for r in &model.rows {
            if r.change
                .as_ref()
                .is_some_and(|c| c.action == ChangeAction::Removed)
            {
                continue;
            }
            let (entry, value) = r.state_key();
            hosts.entry(r.host.to_string()).or_default().push(StateRow {
                entry,
                value,
                facts: r.state_facts(),
            });
        }
        for v in hosts.values_mut() {
            v.sort_by(|a, b| (&a.entry, &a.value).cmp(&(&b.entry, &b.value)));
            // Several processes with the same value (nginx workers) are one exclusion.
            v.dedup_by(|a, b| a.entry == b.entry && a.value == b.value);
        }
        ExportState {
            schema: STATE_SCHEMA,
            tool: ToolInfo::default(),
            generated_at,
            hosts,
        }
    }

    /// Read a state file; `Ok(None)` if it does not exist yet (the first export). A file that
    /// exists but cannot be parsed is an error naming it: silently starting over would hide every
    /// change since the last review.
    pub fn read(path: &Path) -> anyhow::Result<Option<ExportState>> {
        let bytes = match crate::input::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read export state file {}", path.display()));
            }
        };
        let st: ExportState = serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "export state file {} is corrupt or not an avexclude export state",
                path.display()
            )
        })?;
        if st.schema != STATE_SCHEMA {
            anyhow::bail!(
                "export state file {} has schema {}, this avexclude reads schema {}",
                path.display(),
                st.schema,
                STATE_SCHEMA
            );
        }
        Ok(Some(st))
    }

    /// Write the state atomically.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_vec_pretty(self)?;
        text.push(b'\n');
        crate::atomic::write(path, &text)
            .with_context(|| format!("cannot write export state file {}", path.display()))
    }
}

fn newest(reports: &[Report]) -> String {
    reports
        .iter()
        .map(|r| r.generated_at.clone())
        .max()
        .unwrap_or_default()
}

/// One host of the export as the host tables print it: what is kept of its report once its rows
/// are built (the report itself is dropped).
#[derive(Debug, Clone)]
pub struct HostMeta {
    /// The host's name in the export (made unique).
    pub name: String,
    pub facts: crate::model::HostFacts,
    pub generated_at: String,
    pub catalog: Vec<String>,
    pub summary: crate::model::Summary,
    pub warnings: Vec<crate::model::Warning>,
    /// Collection time, age, stale, root; `None` from the library's [`export_with_catalog`],
    /// which knows no clock or threshold.
    pub info: Option<lifecycle::HostInfo>,
}

/// An export built one host at a time: [`Fleet::add`] turns a report into rows and keeps only the
/// host's summary, so the command line can read a thousand report files one after the other and
/// never hold them together; [`Fleet::finish`] groups the rows and marks changes.
pub struct Fleet {
    rows: rows::Builder<'static>,
    hosts: Vec<HostMeta>,
    lang: Lang,
    newest: String,
}

/// Ids of the catalog's audit-only entries (the port tables): the built-in catalog's when none
/// is given.
pub fn audit_ids(catalog: Option<&Catalog>) -> BTreeSet<String> {
    let builtin;
    let cat = match catalog {
        Some(c) => Some(c),
        None => {
            builtin = crate::catalog::load_with_overlays(&[] as &[&Path]).ok();
            builtin.as_ref()
        }
    };
    cat.map(|c| {
        c.entries
            .iter()
            .filter(|e| e.audit_only)
            .map(|e| e.id.clone())
            .collect()
    })
    .unwrap_or_default()
}

impl Fleet {
    pub fn new(catalog: Option<&Catalog>, lang: Lang) -> Fleet {
        let audit = audit_ids(catalog);
        Fleet {
            rows: rows::Builder::new(Box::new(move |id: &str| audit.contains(id))),
            hosts: Vec::new(),
            lang,
            newest: String::new(),
        }
    }

    /// Add a host: its report, the `sync` of a `check --state` report (what the antivirus
    /// receives), and its collection facts.
    pub fn add(
        &mut self,
        report: &Report,
        sync: Option<&crate::check::state::Sync>,
        info: Option<lifecycle::HostInfo>,
    ) {
        let (name, first) = self.rows.add(report);
        if let Some(s) = sync {
            lifecycle::annotate_rows(&mut self.rows.rows_mut()[first..], s, self.lang);
        }
        if report.generated_at > self.newest {
            self.newest = report.generated_at.clone();
        }
        self.hosts.push(HostMeta {
            name,
            facts: report.host.clone(),
            generated_at: report.generated_at.clone(),
            catalog: report.catalog.clone(),
            summary: report.summary.clone(),
            warnings: report.warnings.clone(),
            info,
        });
    }

    /// Group the rows, mark what changed since `previous`.
    pub fn finish(self, previous: Option<&ExportState>) -> (Model, Meta) {
        let mut m = self.rows.finish();
        if let Some(prev) = previous {
            mark_changes(&mut m, prev);
        }
        let meta = Meta {
            lang: self.lang,
            generated_at: self.newest,
            hosts: self.hosts,
        };
        (m, meta)
    }
}

/// Export reports in `format`. Audit-only entries are told apart with the built-in catalog; use
/// [`export_with_catalog`] when site overlays are in play.
pub fn export(
    reports: &[Report],
    format: ExportFormat,
    lang: Lang,
    previous: Option<&ExportState>,
) -> anyhow::Result<Vec<u8>> {
    export_with_catalog(reports, None, format, lang, previous)
}

/// Export reports in `format`, with the effective catalog that produced them (for `audit_only`).
pub fn export_with_catalog(
    reports: &[Report],
    catalog: Option<&Catalog>,
    format: ExportFormat,
    lang: Lang,
    previous: Option<&ExportState>,
) -> anyhow::Result<Vec<u8>> {
    let mut f = Fleet::new(catalog, lang);
    for r in reports {
        f.add(r, None, None);
    }
    let (m, meta) = f.finish(previous);
    let mut out = Vec::new();
    write_to(&m, &meta, format, &mut out)?;
    Ok(out)
}

/// Export hosts with their lifecycle facts: each host's collection time (stale past
/// `stale_after_days` at `now`, Unix seconds) and, from a `check --state` report, what the
/// antivirus receives of each row.
pub fn export_hosts(
    inputs: &[lifecycle::HostInput],
    catalog: Option<&Catalog>,
    format: ExportFormat,
    lang: Lang,
    previous: Option<&ExportState>,
    stale_after_days: u32,
    now: i64,
) -> anyhow::Result<Vec<u8>> {
    let mut f = Fleet::new(catalog, lang);
    for h in inputs {
        f.add(
            &h.report,
            h.sync.as_ref(),
            Some(lifecycle::host_info(h, now, stale_after_days)),
        );
    }
    let (m, meta) = f.finish(previous);
    let mut out = Vec::new();
    write_to(&m, &meta, format, &mut out)?;
    Ok(out)
}

/// Write the document to `w` as it is produced (no format builds it whole in memory first).
pub fn write_to(
    m: &Model,
    meta: &Meta,
    format: ExportFormat,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        ExportFormat::Csv => csv::write(m, meta, w),
        ExportFormat::Markdown => markdown::write(m, meta, w),
        ExportFormat::Html => html::write(m, meta, w),
        ExportFormat::Json => json::write(m, meta, w),
    }
}

/// What every format prints above the rows.
pub struct Meta {
    pub lang: Lang,
    /// Time of the newest report.
    pub generated_at: String,
    /// The hosts, in input order.
    pub hosts: Vec<HostMeta>,
}

/// The rows and groups of an export, with changes marked against `previous`.
pub fn model(
    reports: &[Report],
    catalog: Option<&Catalog>,
    previous: Option<&ExportState>,
) -> Model {
    let audit = audit_ids(catalog);
    let mut m = rows::build(reports, Box::new(move |id: &str| audit.contains(id)));
    if let Some(prev) = previous {
        mark_changes(&mut m, prev);
    }
    m
}

/// Mark rows added or changed since `prev`, and add the rows it had that are gone (on hosts this
/// export covers). An entry whose single value moved (erts 12 → 13) is one `changed` row, not a
/// removal plus an addition.
fn mark_changes(m: &mut Model, prev: &ExportState) {
    m.with_state = true;
    let hosts_now: BTreeSet<String> = m.rows.iter().map(|r| r.host.to_string()).collect();
    m.hosts_gone = prev
        .hosts
        .keys()
        .filter(|h| !hosts_now.contains(*h))
        .cloned()
        .collect();
    // (host, entry) → previous rows by value.
    let mut before: BTreeMap<(String, String), BTreeMap<String, StateFacts>> = BTreeMap::new();
    for (h, rows) in &prev.hosts {
        if !hosts_now.contains(h) {
            continue;
        }
        for r in rows {
            before
                .entry((h.clone(), r.entry.clone()))
                .or_default()
                .insert(r.value.clone(), r.facts.clone());
        }
    }
    // First pass: exact value matches.
    let mut unmatched_new: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    // Rows sharing host, entry and value (two nginx workers) compare with the same old row.
    let mut matched: BTreeMap<(String, String, String), Option<RowChange>> = BTreeMap::new();
    for (i, r) in m.rows.iter_mut().enumerate() {
        let (entry, value) = r.state_key();
        let full = (r.host.to_string(), entry.clone(), value.clone());
        if let Some(ch) = matched.get(&full) {
            r.change = ch.clone();
            continue;
        }
        let key = (r.host.to_string(), entry);
        let facts = r.state_facts();
        match before.get_mut(&key).and_then(|vals| vals.remove(&value)) {
            Some(old) => {
                if old != facts {
                    r.change = Some(RowChange::new(
                        ChangeAction::Changed,
                        describe(&old, &facts, None),
                    ));
                }
                matched.insert(full, r.change.clone());
            }
            None => unmatched_new.entry(key).or_default().push(i),
        }
    }
    // Second pass: pair leftovers of the same entry on the same host (a value that moved).
    for (key, idxs) in unmatched_new {
        let olds: Vec<(String, StateFacts)> = before
            .get_mut(&key)
            .map(|v| std::mem::take(v).into_iter().collect())
            .unwrap_or_default();
        let mut olds = olds.into_iter();
        let mut by_value: BTreeMap<String, RowChange> = BTreeMap::new();
        for i in idxs {
            let r = &mut m.rows[i];
            let new_value = r.value.display();
            if let Some(ch) = by_value.get(&new_value) {
                r.change = Some(ch.clone());
                continue;
            }
            let ch = match olds.next() {
                Some((old_value, old)) => RowChange::new(
                    ChangeAction::Changed,
                    describe(&old, &r.state_facts(), Some((&old_value, &new_value))),
                ),
                None => RowChange::new(ChangeAction::Added, Vec::new()),
            };
            by_value.insert(new_value, ch.clone());
            r.change = Some(ch);
        }
        let rest: BTreeMap<String, StateFacts> = olds.collect();
        if !rest.is_empty() {
            before.insert(key, rest);
        }
    }
    // What is left was there before and is gone now.
    for ((host, entry), vals) in before {
        for (value, facts) in vals {
            if let Some(r) = removed_row(m, &host, &entry, &value, &facts) {
                m.rows.push(r);
            }
        }
    }
}

fn removed_row(
    m: &Model,
    host: &str,
    entry: &str,
    value: &str,
    facts: &StateFacts,
) -> Option<rows::Row> {
    // Take the entry's texts from another row of it, on any host.
    let template = m.rows.iter().find(|r| &*r.entry_id == entry)?;
    let mut r = template.clone();
    r.host = host.into();
    // The state keeps the display form; it is shown as is.
    r.value = crate::model::HostStr::from(value);
    r.host_path = None;
    r.container_path = None;
    r.pid = None;
    r.cmdline = None;
    r.container = None;
    r.namespace = None;
    r.sha256 = facts.sha256.clone();
    r.drift = facts.drift.clone();
    r.via = String::new();
    r.differs = false;
    r.fleet_baseline = None;
    r.marks.drift_ru = None;
    r.marks.held_back = false;
    r.antivirus = String::new();
    r.change = Some(RowChange::new(
        ChangeAction::Removed,
        vec![rows::ChangePart {
            what: "status".into(),
            before: facts.status.clone(),
            after: String::new(),
        }],
    ));
    Some(r)
}

fn describe(
    old: &StateFacts,
    new: &StateFacts,
    value: Option<(&str, &str)>,
) -> Vec<rows::ChangePart> {
    let show = |v: Option<&str>| match v {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "-".to_string(),
    };
    let short = |h: &Option<String>| {
        h.as_deref()
            .map(|s| s.get(..12).unwrap_or(s).to_string())
            .unwrap_or_else(|| "-".into())
    };
    let part = |what: &str, before: String, after: String| rows::ChangePart {
        what: what.into(),
        before,
        after,
    };
    let mut parts = Vec::new();
    if let Some((a, b)) = value {
        parts.push(part("value", show(Some(a)), show(Some(b))));
    }
    if old.status != new.status {
        parts.push(part("status", old.status.clone(), new.status.clone()));
    }
    if old.drift != new.drift {
        parts.push(part(
            "drift",
            show(old.drift.as_deref()),
            show(new.drift.as_deref()),
        ));
    }
    if old.sha256 != new.sha256 {
        parts.push(part("sha256", short(&old.sha256), short(&new.sha256)));
    }
    if old.risk != new.risk {
        parts.push(part(
            "risk",
            show(old.risk.as_deref()),
            show(new.risk.as_deref()),
        ));
    }
    parts
}

/// Text of a host value for a single-line cell: the escaped display form.
pub(crate) fn disp(v: &crate::model::HostStr) -> String {
    v.display()
}

/// Catalog or report text for a single-line cell: control characters (newline, CR, tab, ESC)
/// shown as `\xNN`, bidi overrides and zero-width characters as `\u{XXXX}`
/// ([`crate::sanitize::visible`]), so no field can break a line or a row, or read as another value.
pub(crate) fn one_line(s: &str) -> String {
    crate::sanitize::visible(s).into_owned()
}
