//! Reports → rows and fleet groups: the one model every export format prints.
//!
//! One row per exclusion per host: one per concrete value (match), and one with an empty value for
//! an entry with no match (absent, disabled) so the reviewer sees it was looked for. Unlisted
//! findings get rows too. Rows of the same exclusion on several hosts form a group; the hosts
//! whose values differ from the most common form (another erts version, another path, another
//! binary hash) are called out and sorted first.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;

use crate::model::{EntryResult, HostStr, Origin, Report, Risk, SourceRef, Status, Text};

mod baseline;
pub mod fold;
mod order;
mod signature;

pub use signature::{group_key, signature};

/// Row status: the entry's status, or `unlisted` for a finding no entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowStatus {
    Present,
    Drifted,
    Absent,
    Disabled,
    Unlisted,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Present => "present",
            RowStatus::Drifted => "drifted",
            RowStatus::Absent => "absent",
            RowStatus::Disabled => "disabled",
            RowStatus::Unlisted => "unlisted",
        }
    }
    /// Found on the host (as opposed to looked for and not found).
    pub fn is_found(self) -> bool {
        matches!(
            self,
            RowStatus::Present | RowStatus::Drifted | RowStatus::Unlisted
        )
    }
}

impl From<Status> for RowStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Present => RowStatus::Present,
            Status::Drifted => RowStatus::Drifted,
            Status::Absent => RowStatus::Absent,
            Status::Disabled => RowStatus::Disabled,
        }
    }
}

/// Which part of the document a row belongs to: audit-only port rows are never mixed with
/// antivirus exclusions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    Exclusion,
    Unlisted,
    AuditOnly,
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Exclusion => "exclusion",
            Section::Unlisted => "unlisted",
            Section::AuditOnly => "audit-only",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeAction {
    Added,
    Removed,
    Changed,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Added => "added",
            ChangeAction::Removed => "removed",
            ChangeAction::Changed => "changed",
        }
    }
}

/// What changed for a row since the previous export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowChange {
    pub action: ChangeAction,
    /// `value A -> B; status present -> drifted` (English); empty for an added row.
    pub detail: String,
    /// The same, one item per changed fact, for other languages and for machines.
    pub parts: Vec<ChangePart>,
}

/// One fact of a row that changed: `value`, `status`, `drift`, `sha256` or `risk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangePart {
    pub what: String,
    pub before: String,
    pub after: String,
}

impl RowChange {
    pub fn new(action: ChangeAction, parts: Vec<ChangePart>) -> RowChange {
        let detail = match action {
            ChangeAction::Removed => parts
                .iter()
                .find(|p| p.what == "status")
                .map(|p| format!("was {}", p.before))
                .unwrap_or_default(),
            _ => parts
                .iter()
                .map(|p| format!("{} {} -> {}", p.what, p.before, p.after))
                .collect::<Vec<_>>()
                .join("; "),
        };
        RowChange {
            action,
            detail,
            parts,
        }
    }
}

/// One exclusion (or finding) on one host with one concrete value.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Shared by every row of the host.
    pub host: Arc<str>,
    pub section: Section,
    /// Catalog entry id; for an unlisted finding `unlisted:<kind>`.
    pub entry_id: Arc<str>,
    /// The vendor's text of the entry, verbatim; empty for unlisted findings.
    pub canonical: Arc<str>,
    /// The concrete value (path, executable, `5432/tcp`); empty when nothing was found.
    pub value: HostStr,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_path: Option<HostStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_path: Option<HostStr>,
    pub kind: Arc<str>,
    pub component: Arc<str>,
    pub status: RowStatus,
    /// One-line summary of what differs from the catalog (`erts 12.3.1 -> 13.2.2`).
    pub drift: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
    /// Shared by every row of the entry (one copy per export, not one per host).
    pub reason: Arc<Text>,
    /// None for unlisted findings: no one has assessed them yet.
    pub risk: Option<Risk>,
    pub risk_why: Arc<Text>,
    pub pid: Option<i32>,
    pub cmdline: Option<HostStr>,
    pub container: Option<String>,
    pub namespace: Option<String>,
    pub sha256: Option<String>,
    /// How the value was found (`exe`, `comm`, `listener`, `path exists`, or evidence file).
    pub via: String,
    pub source: Arc<SourceRef>,
    /// The host's values of this exclusion differ from those of most hosts.
    pub differs: bool,
    /// For a differing row: the most common form and the hosts that have it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleet_baseline: Option<Arc<Baseline>>,
    pub change: Option<RowChange>,
    /// What the antivirus receives of this value, per vendor rendered with `render --state`
    /// (`kesl: written`, `mdatp: held back`, `allowed by --allow-risk ID`), or for an unlisted
    /// finding its acceptance; empty when the host was not rendered with a state.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub antivirus: String,
    /// Facts the review sorts rows by, kept out of the JSON (which has them in other fields).
    #[serde(skip)]
    pub marks: Marks,
}

/// What the review needs to know of a row besides its printed fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// The drift includes a binary replaced on disk.
    pub replaced: bool,
    /// The drift in Russian (`ревизия snap 3410 -> 7394`); the row's `drift` is English.
    pub drift_ru: Option<String>,
    /// Some vendor's files hold this value back (high risk, not written).
    pub held_back: bool,
    /// An unlisted finding accepted in the state (`avexclude accept`).
    pub accepted: bool,
}

impl Row {
    /// The key under which an export state remembers the row: entry and value, per host.
    pub fn state_key(&self) -> (String, String) {
        (self.entry_id.to_string(), self.value.display())
    }
    /// The facts whose change a reviewer must see: status, drift, hash, risk.
    pub fn state_facts(&self) -> StateFacts {
        StateFacts {
            status: self.status.as_str().to_string(),
            drift: self.drift.clone(),
            sha256: self.sha256.clone(),
            risk: self.risk.map(|r| r.as_str().to_string()),
        }
    }
}

/// The form of an exclusion most hosts share, shown beside a host that differs. One copy per
/// group, shared by its differing rows; `hosts` names at most [`BASELINE_HOSTS`] of them (the full
/// list is the group's `baseline_hosts`), so a fleet of a thousand hosts does not repeat a
/// thousand names on every differing row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Baseline {
    pub values: Vec<String>,
    pub hosts: Vec<String>,
    /// How many hosts have the common form.
    pub host_count: usize,
}

/// Hosts named in a row's [`Baseline`].
pub const BASELINE_HOSTS: usize = 5;

/// What the state file keeps of a row besides its key.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct StateFacts {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
}

/// The same exclusion across the hosts of the export.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub section: Section,
    pub entry_id: String,
    pub canonical: String,
    pub kind: String,
    pub component: String,
    pub risk: Option<Risk>,
    /// The most common form of the exclusion among the hosts where it was found.
    pub baseline: Vec<String>,
    pub baseline_hosts: Vec<String>,
    /// Hosts where it was found in another form, each with its own values.
    pub differing: Vec<HostValues>,
    /// Hosts where nothing was found (absent, disabled).
    pub not_found: Vec<String>,
    /// Worst status over the hosts, for ordering.
    pub drifted: bool,
}

/// One line of a group's summary, in the order every format shows them: differing hosts first.
pub enum GroupLine<'a> {
    Differs { host: &'a str, values: String },
    Same { hosts: String, values: String },
    NotFound { hosts: String },
}

impl Group {
    pub fn lines(&self) -> Vec<GroupLine<'_>> {
        let mut v: Vec<GroupLine<'_>> = self
            .differing
            .iter()
            .map(|d| GroupLine::Differs {
                host: &d.host,
                values: d.values.join(", "),
            })
            .collect();
        if !self.baseline_hosts.is_empty() {
            v.push(GroupLine::Same {
                hosts: self.baseline_hosts.join(", "),
                values: self.baseline.join(", "),
            });
        }
        if !self.not_found.is_empty() {
            v.push(GroupLine::NotFound {
                hosts: self.not_found.join(", "),
            });
        }
        v
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HostValues {
    pub host: String,
    pub values: Vec<String>,
}

/// Every row and group of an export, in document order.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// Host names in input order, made unique.
    pub hosts: Vec<String>,
    pub rows: Vec<Row>,
    pub groups: Vec<Group>,
    /// Hosts the previous export had and this one lacks (their rows are not marked removed: the
    /// export may simply cover another part of the fleet).
    pub hosts_gone: Vec<String>,
    pub with_state: bool,
}

/// Host name of a report; reports of unnamed hosts still get distinct names.
pub fn host_name(r: &Report, index: usize) -> String {
    if r.host.hostname.trim().is_empty() {
        format!("host-{}", index + 1)
    } else {
        r.host.hostname.clone()
    }
}

/// The catalog texts of one entry, shared by its rows on every host.
#[derive(Clone)]
struct Shared {
    id: Arc<str>,
    canonical: Arc<str>,
    kind: Arc<str>,
    component: Arc<str>,
    reason: Arc<Text>,
    risk_why: Arc<Text>,
    source: Arc<SourceRef>,
}

/// Rows of a fleet, one report at a time: a caller can read a host's report, add it and drop it,
/// so a thousand reports are never in memory together. [`Builder::finish`] groups the rows.
pub struct Builder<'a> {
    audit_only: Box<dyn Fn(&str) -> bool + 'a>,
    rows: Vec<Row>,
    names: Vec<String>,
    used: HashMap<String, usize>,
    shared: HashMap<String, Shared>,
}

impl<'a> Builder<'a> {
    pub fn new(audit_only: Box<dyn Fn(&str) -> bool + 'a>) -> Self {
        Builder {
            audit_only,
            rows: Vec::new(),
            names: Vec::new(),
            used: HashMap::new(),
            shared: HashMap::new(),
        }
    }

    /// Add one host's report; returns the host's name in the export (made unique) and the index
    /// of its first row (its rows are `rows()[first..]` until the next call).
    pub fn add(&mut self, rep: &Report) -> (String, usize) {
        let first = self.rows.len();
        let i = self.names.len();
        let mut name = host_name(rep, i);
        // Two inventories of hosts with the same name must not merge into one host.
        let n = self.used.entry(name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            name = format!("{name} ({})", *n);
        }
        self.names.push(name.clone());
        let host: Arc<str> = name.as_str().into();
        for e in &rep.entries {
            let shared = self.shared_of(e);
            entry_rows(&host, e, (self.audit_only)(&e.id), shared, &mut self.rows);
        }
        for u in &rep.unlisted {
            self.rows.push(unlisted_row(&host, u));
        }
        (name, first)
    }

    /// The rows added so far (to annotate a host's rows right after [`Builder::add`]).
    pub fn rows_mut(&mut self) -> &mut [Row] {
        &mut self.rows
    }

    fn shared_of(&mut self, e: &EntryResult) -> Shared {
        if let Some(s) = self.shared.get(&e.id)
            && *s.reason == e.reason
            && *s.risk_why == e.risk_why
            && *s.source == e.source
            && *s.canonical == *e.canonical
            && *s.component == *e.component
            && *s.kind == *e.kind.as_str()
        {
            return s.clone();
        }
        let s = Shared {
            id: e.id.as_str().into(),
            canonical: e.canonical.as_str().into(),
            kind: e.kind.as_str().into(),
            component: e.component.as_str().into(),
            reason: Arc::new(e.reason.clone()),
            risk_why: Arc::new(e.risk_why.clone()),
            source: Arc::new(e.source.clone()),
        };
        self.shared.insert(e.id.clone(), s.clone());
        s
    }

    /// Group the rows across hosts, mark differing hosts, and order the document.
    pub fn finish(self) -> Model {
        let mut rows = self.rows;
        let groups = group(&mut rows, &self.names);
        Model {
            hosts: self.names,
            rows,
            groups,
            hosts_gone: Vec::new(),
            with_state: false,
        }
    }
}

fn entry_rows(
    host: &Arc<str>,
    e: &EntryResult,
    audit_only: bool,
    shared: Shared,
    out: &mut Vec<Row>,
) {
    let replaced = e
        .drift
        .as_ref()
        .is_some_and(|d| d.items.iter().any(|i| i.kind.as_str() == "replaced"));
    let base = Row {
        host: host.clone(),
        section: if audit_only {
            Section::AuditOnly
        } else {
            Section::Exclusion
        },
        entry_id: shared.id,
        canonical: shared.canonical,
        value: HostStr::default(),
        host_path: None,
        container_path: None,
        kind: shared.kind,
        component: shared.component,
        status: e.status.into(),
        drift: e.drift.as_ref().map(|d| d.summary.clone()),
        disabled: e.disabled.clone(),
        reason: shared.reason,
        risk: Some(e.risk),
        risk_why: shared.risk_why,
        pid: None,
        cmdline: None,
        container: None,
        namespace: None,
        sha256: None,
        via: String::new(),
        source: shared.source,
        differs: false,
        fleet_baseline: None,
        change: None,
        antivirus: String::new(),
        marks: Marks {
            replaced,
            drift_ru: e
                .drift
                .as_ref()
                .map(|d| crate::i18n::drift(d, crate::i18n::Lang::Ru)),
            ..Marks::default()
        },
    };
    let mut seen = BTreeSet::new();
    for m in &e.matches {
        let mut r = base.clone();
        r.value = m.value.clone();
        r.host_path = m.host_path.clone();
        r.container_path = m.container_path.clone();
        r.pid = m.pid;
        r.cmdline = m.cmdline.clone();
        r.container = m.container.clone();
        r.namespace = m.namespace.clone();
        r.sha256 = m.sha256.clone();
        r.via = m.via.to_string();
        seen.insert(m.value.as_bytes().to_vec());
        out.push(r);
    }
    // A report may list values in `found` without evidence for each: they still get a row,
    // unless they are a match's host or container path, which its row already shows.
    let mut shown: BTreeSet<Vec<u8>> = BTreeSet::new();
    for m in &e.matches {
        for v in [
            Some(&m.value),
            m.host_path.as_ref(),
            m.container_path.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            shown.insert(v.as_bytes().to_vec());
            shown.insert(v.display().into_bytes());
        }
    }
    for f in &e.found {
        if !seen.contains(f.as_bytes()) && !shown.contains(f.as_bytes()) {
            seen.insert(f.as_bytes().to_vec());
            let mut r = base.clone();
            r.value = HostStr::from(f.as_str());
            out.push(r);
        }
    }
    if seen.is_empty() {
        out.push(base);
    }
}

fn unlisted_row(host: &Arc<str>, u: &crate::model::Unlisted) -> Row {
    let via = match (&u.evidence.file, &u.evidence.note) {
        (Some(f), Some(n)) => format!("{f}: {n}"),
        (Some(f), None) => f.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    };
    let kind = u.kind.to_string();
    let why = u.why.to_string();
    Row {
        host: host.clone(),
        section: Section::Unlisted,
        entry_id: format!("unlisted:{kind}").into(),
        canonical: "".into(),
        value: u.value.clone(),
        host_path: None,
        container_path: None,
        component: u.component.as_str().into(),
        status: RowStatus::Unlisted,
        drift: None,
        disabled: None,
        // The check writes the English sentence; its known shapes have a Russian form.
        reason: Arc::new(Text {
            ru: crate::i18n::export::unlisted_reason_ru(&kind, &u.component, &why),
            en: why,
        }),
        kind: kind.into(),
        risk: None,
        risk_why: Arc::new(Text::default()),
        pid: u.evidence.pid,
        cmdline: None,
        container: None,
        namespace: None,
        sha256: None,
        via,
        source: Arc::new(SourceRef {
            origin: Origin::Discovery,
            overridden_by: Vec::new(),
            document: String::new(),
            section: None,
        }),
        differs: false,
        fleet_baseline: None,
        change: None,
        antivirus: String::new(),
        marks: Marks::default(),
    }
}

/// Build the rows of all reports, group them across hosts, mark differing hosts, and order the
/// document: groups with differing hosts first, then drifted and unlisted, then the rest in
/// catalog order; inside a group, differing hosts first.
pub fn build(reports: &[Report], audit_only: Box<dyn Fn(&str) -> bool + '_>) -> Model {
    let mut b = Builder::new(audit_only);
    for r in reports {
        b.add(r);
    }
    b.finish()
}

/// The steps: rows into groups of one exclusion ([`group_key`]); per group, each host's form
/// ([`signature`]) and the common one ([`baseline::choose`]); then document order
/// ([`order::groups`], [`order::rows`]) with differing rows marked.
fn group(rows: &mut [Row], host_order: &[String]) -> Vec<Group> {
    let host_rank: HashMap<&str, usize> = host_order
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let rank = |h: &str| host_rank.get(h).copied().unwrap_or(usize::MAX);
    // Groups in first-seen order (catalog order of the first report).
    let mut order: Vec<String> = Vec::new();
    let mut members: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let k = group_key(r);
        members
            .entry(k.clone())
            .or_insert_with(|| {
                order.push(k.clone());
                Vec::new()
            })
            .push(i);
    }
    let mut group_list: Vec<(Group, Vec<usize>)> = Vec::new();
    for k in &order {
        let idx = &members[k];
        let g = baseline::group_of(rows, idx, &rank);
        group_list.push((g, idx.clone()));
    }
    let gi = order::groups(&group_list.iter().map(|(g, _)| g).collect::<Vec<_>>());
    // Mark differing rows with the common form, one shared copy per group.
    for &i in &gi {
        let (g, idx) = &group_list[i];
        if g.differing.is_empty() {
            continue;
        }
        let b = Arc::new(Baseline {
            values: g.baseline.clone(),
            hosts: g
                .baseline_hosts
                .iter()
                .take(BASELINE_HOSTS)
                .cloned()
                .collect(),
            host_count: g.baseline_hosts.len(),
        });
        let differing: BTreeSet<&str> = g.differing.iter().map(|d| d.host.as_str()).collect();
        for &ri in idx {
            if differing.contains(&*rows[ri].host) {
                rows[ri].differs = true;
                rows[ri].fleet_baseline = Some(b.clone());
            }
        }
    }
    let members: Vec<&[usize]> = gi.iter().map(|&i| group_list[i].1.as_slice()).collect();
    order::rows(rows, &members, &rank);
    gi.into_iter()
        .map(|i| std::mem::replace(&mut group_list[i].0, baseline::empty()))
        .collect()
}
