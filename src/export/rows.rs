//! Reports → rows and fleet groups: the one model every export format prints.
//!
//! One row per exclusion per host: one per concrete value (match), and one with an empty value for
//! an entry with no match (absent, disabled) so the reviewer sees it was looked for. Unlisted
//! findings get rows too. Rows of the same exclusion on several hosts form a group; the hosts
//! whose values differ from the most common form (another erts version, another path, another
//! binary hash) are called out and sorted first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::model::{EntryResult, HostStr, Origin, Report, Risk, SourceRef, Status, Text};

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
    pub host: String,
    pub section: Section,
    /// Catalog entry id; for an unlisted finding `unlisted:<kind>`.
    pub entry_id: String,
    /// The vendor's text of the entry, verbatim; empty for unlisted findings.
    pub canonical: String,
    /// The concrete value (path, executable, `5432/tcp`); empty when nothing was found.
    pub value: HostStr,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_path: Option<HostStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_path: Option<HostStr>,
    pub kind: String,
    pub component: String,
    pub status: RowStatus,
    /// One-line summary of what differs from the catalog (`erts 12.3.1 -> 13.2.2`).
    pub drift: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
    pub reason: Text,
    /// None for unlisted findings: no one has assessed them yet.
    pub risk: Option<Risk>,
    pub risk_why: Text,
    pub pid: Option<i32>,
    pub cmdline: Option<HostStr>,
    pub container: Option<String>,
    pub namespace: Option<String>,
    pub sha256: Option<String>,
    /// How the value was found (`exe`, `comm`, `listener`, `path exists`, or evidence file).
    pub via: String,
    pub source: SourceRef,
    /// The host's values of this exclusion differ from those of most hosts.
    pub differs: bool,
    /// For a differing row: the most common form and the hosts that have it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleet_baseline: Option<Baseline>,
    pub change: Option<RowChange>,
    /// What the antivirus receives of this value, per vendor rendered with `render --state`
    /// (`kesl: written`, `mdatp: held back`, `allowed by --allow-risk ID`), or for an unlisted
    /// finding its acceptance; empty when the host was not rendered with a state.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub antivirus: String,
}

impl Row {
    /// The key under which an export state remembers the row: entry and value, per host.
    pub fn state_key(&self) -> (String, String) {
        (self.entry_id.clone(), self.value.display())
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

/// The form of an exclusion most hosts share, shown beside a host that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Baseline {
    pub values: Vec<String>,
    pub hosts: Vec<String>,
}

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

fn entry_rows(host: &str, e: &EntryResult, audit_only: bool, out: &mut Vec<Row>) {
    let base = Row {
        host: host.to_string(),
        section: if audit_only {
            Section::AuditOnly
        } else {
            Section::Exclusion
        },
        entry_id: e.id.clone(),
        canonical: e.canonical.clone(),
        value: HostStr::default(),
        host_path: None,
        container_path: None,
        kind: e.kind.as_str().to_string(),
        component: e.component.clone(),
        status: e.status.into(),
        drift: e.drift.as_ref().map(|d| d.summary.clone()),
        disabled: e.disabled.clone(),
        reason: e.reason.clone(),
        risk: Some(e.risk),
        risk_why: e.risk_why.clone(),
        pid: None,
        cmdline: None,
        container: None,
        namespace: None,
        sha256: None,
        via: String::new(),
        source: e.source.clone(),
        differs: false,
        fleet_baseline: None,
        change: None,
        antivirus: String::new(),
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
    // A report may list values in `found` without evidence for each: they still get a row.
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

/// Build the rows of all reports, group them across hosts, mark differing hosts, and order the
/// document: groups with differing hosts first, then drifted and unlisted, then the rest in
/// catalog order; inside a group, differing hosts first.
pub fn build(reports: &[Report], audit_only: &dyn Fn(&str) -> bool) -> Model {
    let mut rows = Vec::new();
    let mut names = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    for (i, rep) in reports.iter().enumerate() {
        let mut name = host_name(rep, i);
        // Two inventories of hosts with the same name must not merge into one host.
        let n = used.entry(name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            name = format!("{name} ({})", *n);
        }
        names.push(name.clone());
        for e in &rep.entries {
            entry_rows(&name, e, audit_only(&e.id), &mut rows);
        }
        for u in &rep.unlisted {
            let via = match (&u.evidence.file, &u.evidence.note) {
                (Some(f), Some(n)) => format!("{f}: {n}"),
                (Some(f), None) => f.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => String::new(),
            };
            rows.push(Row {
                host: name.clone(),
                section: Section::Unlisted,
                entry_id: format!("unlisted:{}", u.kind),
                canonical: String::new(),
                value: u.value.clone(),
                host_path: None,
                container_path: None,
                kind: u.kind.to_string(),
                component: u.component.clone(),
                status: RowStatus::Unlisted,
                drift: None,
                disabled: None,
                reason: Text {
                    ru: u.why.clone(),
                    en: u.why.clone(),
                },
                risk: None,
                risk_why: Text::default(),
                pid: u.evidence.pid,
                cmdline: None,
                container: None,
                namespace: None,
                sha256: None,
                via,
                source: SourceRef {
                    origin: Origin::Discovery,
                    overridden_by: Vec::new(),
                    document: String::new(),
                    section: None,
                },
                differs: false,
                fleet_baseline: None,
                change: None,
                antivirus: String::new(),
            });
        }
    }
    let groups = group(&mut rows, &names);

    Model {
        hosts: names,
        rows,
        groups,
        hosts_gone: Vec::new(),
        with_state: false,
    }
}

/// The identity of an exclusion across hosts: the entry id, or for unlisted findings the kind and
/// value (the same unlisted data dir on two hosts is one finding).
fn group_key(r: &Row) -> String {
    if r.section == Section::Unlisted {
        format!("{}\u{1f}{}", r.entry_id, r.value.display())
    } else {
        r.entry_id.clone()
    }
}

/// How a host's row looks for comparison with other hosts: value, status, drift and hash; not the
/// pid or command line, which differ on every host.
fn signature(r: &Row) -> String {
    let mut s = r.value.display();
    // Where a host process runs from (a symlink's target) is part of its form; a container's
    // overlay path is not (snapshot numbers and layer ids differ on every node), nor the process
    // holding a port.
    let process = r.kind.starts_with("process");
    if let (true, Some(h), None) = (process, &r.host_path, &r.container_path)
        && h != &r.value
    {
        s.push_str(" -> ");
        s.push_str(&h.display());
    }
    if r.status == RowStatus::Drifted {
        s.push_str(" [drifted");
        if let Some(d) = &r.drift {
            s.push_str(": ");
            s.push_str(d);
        }
        s.push(']');
    }
    if let Some(h) = &r.sha256 {
        s.push_str(" sha256:");
        s.push_str(h.get(..12).unwrap_or(h));
    }
    s
}

fn group(rows: &mut Vec<Row>, host_order: &[String]) -> Vec<Group> {
    let host_rank: HashMap<&str, usize> = host_order
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
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
    let mut groups = Vec::new();
    let mut row_rank: Vec<(usize, usize, usize)> = vec![(0, 0, 0); rows.len()];
    let mut group_list: Vec<(Group, Vec<usize>)> = Vec::new();
    for k in &order {
        let idx = &members[k];
        let first = &rows[idx[0]];
        // Per host: the sorted signatures of its found rows.
        let mut per_host: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut not_found: BTreeSet<&str> = BTreeSet::new();
        let mut drifted = false;
        for &i in idx {
            let r = &rows[i];
            drifted |= r.status == RowStatus::Drifted || r.status == RowStatus::Unlisted;
            if r.status.is_found() {
                per_host.entry(&r.host).or_default().push(signature(r));
            } else {
                not_found.insert(&r.host);
            }
        }
        for v in per_host.values_mut() {
            v.sort();
            v.dedup();
        }
        // Baseline: the form most hosts share; on a tie, the one with fewer drifted values, then
        // the first host's (so a 1:1 split puts the catalog-conforming host as the baseline).
        let mut forms: Vec<(&Vec<String>, Vec<&str>)> = Vec::new();
        for (h, sig) in &per_host {
            match forms.iter_mut().find(|(s, _)| *s == sig) {
                Some((_, hs)) => hs.push(h),
                None => forms.push((sig, vec![h])),
            }
        }
        let drift_count = |s: &Vec<String>| s.iter().filter(|x| x.contains(" [drifted")).count();
        let best = forms
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| {
                a.1.len()
                    .cmp(&b.1.len())
                    .then(drift_count(b.0).cmp(&drift_count(a.0)))
                    .then(ib.cmp(ia))
            })
            .map(|(i, _)| i);
        let (baseline, mut baseline_hosts) = match best {
            Some(i) => (
                forms[i].0.clone(),
                forms[i].1.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        // A rule (the databases' data directories) names different paths on every install by
        // nature: its values are listed, never called a difference.
        let is_rule = first.kind == "rule";
        if is_rule {
            baseline_hosts = per_host.keys().map(|h| h.to_string()).collect();
        }
        let mut differing: Vec<HostValues> = per_host
            .iter()
            .filter(|(h, _)| !is_rule && !baseline_hosts.iter().any(|b| b == *h))
            .map(|(h, v)| HostValues {
                host: h.to_string(),
                values: v.clone(),
            })
            .collect();
        let rank = |h: &str| host_rank.get(h).copied().unwrap_or(usize::MAX);
        differing.sort_by_key(|d| rank(&d.host));
        baseline_hosts.sort_by_key(|h| rank(h));
        let mut nf: Vec<String> = not_found.iter().map(|s| s.to_string()).collect();
        nf.sort_by_key(|h| rank(h));
        let g = Group {
            section: first.section,
            entry_id: first.entry_id.clone(),
            canonical: first.canonical.clone(),
            kind: first.kind.clone(),
            component: first.component.clone(),
            risk: first.risk,
            baseline,
            baseline_hosts,
            differing,
            not_found: nf,
            drifted,
        };
        group_list.push((g, idx.clone()));
    }
    // Document order: section, then groups with differing hosts, then drifted/unlisted, then the
    // rest, each in first-seen order.
    let mut gi: Vec<usize> = (0..group_list.len()).collect();
    gi.sort_by_key(|&i| {
        let g = &group_list[i].0;
        (
            g.section,
            if !g.differing.is_empty() {
                0
            } else if g.drifted {
                1
            } else {
                2
            },
            i,
        )
    });
    let mut differs_rows = Vec::new();
    for (pos, &i) in gi.iter().enumerate() {
        let (g, idx) = &group_list[i];
        for &ri in idx {
            let r = &rows[ri];
            let differs = g.differing.iter().any(|d| d.host == r.host);
            let place = if differs {
                0
            } else if r.status.is_found() {
                1
            } else {
                2
            };
            row_rank[ri] = (pos, place * 1_000_000 + rank_of(&host_rank, &r.host), ri);
            if differs {
                differs_rows.push((ri, i));
            }
        }
    }
    for (ri, gi) in differs_rows {
        let g = &group_list[gi].0;
        rows[ri].differs = true;
        rows[ri].fleet_baseline = Some(Baseline {
            values: g.baseline.clone(),
            hosts: g.baseline_hosts.clone(),
        });
    }
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by_key(|&i| row_rank[i]);
    let mut sorted = Vec::with_capacity(rows.len());
    let mut taken: Vec<Option<Row>> = rows.drain(..).map(Some).collect();
    for i in idx {
        if let Some(r) = taken[i].take() {
            sorted.push(r);
        }
    }
    *rows = sorted;
    for &i in &gi {
        groups.push(group_list[i].0.clone());
    }
    groups
}

fn rank_of(host_rank: &HashMap<&str, usize>, h: &str) -> usize {
    host_rank.get(h).copied().unwrap_or(999_999)
}
