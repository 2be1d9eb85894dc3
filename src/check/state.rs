//! The state file of one host: what the last `check` saw (so the next one reports what changed
//! since, a replaced binary included), what `render --state` wrote for each vendor (so `check`
//! can say what to add and what to remove, and the apply scripts remove only what avexclude
//! itself added), and the unlisted findings a person accepted (`avexclude accept`), with why, who
//! and when.
//!
//! One file per host, bound to it by machine id: a state copied from another host is refused
//! (naming both), because its "rendered" values would make this host's apply scripts remove
//! exclusions that were never added here. The format is versioned: schema 1 (the check record
//! only, before render and accept kept anything) is still read and upgraded when next written;
//! any other schema is refused, never silently reset. Each command rewrites only its own part,
//! atomically, and only after its outputs were written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{
    Change, ChangeAction, DriftItem, DriftKind, HostFacts, Report, Status, ToolInfo, Unlisted,
    UnlistedKind,
};

/// The schema this version writes. 1 is still read (see [`State::load`]).
pub const STATE_SCHEMA: u32 = 2;

/// What one entry looked like at the last check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EntryState {
    pub status: Status,
    pub found: Vec<String>,
    /// sha256 per concrete value, where hashed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, String>,
}

/// The host a state file belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct StateHost {
    pub hostname: String,
    /// `/etc/machine-id` under the scanned root; the identity that counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
}

impl StateHost {
    pub fn of(h: &HostFacts) -> StateHost {
        StateHost {
            hostname: h.hostname.clone(),
            machine_id: h.machine_id.clone(),
        }
    }
    fn describe(&self) -> String {
        format!(
            "{} (machine id {})",
            if self.hostname.is_empty() {
                "an unnamed host"
            } else {
                &self.hostname
            },
            self.machine_id.as_deref().unwrap_or("unknown")
        )
    }
}

/// What the last `check --state` saw.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct CheckRecord {
    pub generated_at: String,
    pub entries: BTreeMap<String, EntryState>,
}

crate::model::closed_set! {
    /// What a value a vendor's files carry is: the lists of a plan.
    pub enum ValueKind ("value kind") {
        Directory = "directory",
        File = "file",
        Process = "process",
        Port = "port",
        User = "user",
    }
}

impl From<crate::render::vendor::ItemKind> for ValueKind {
    fn from(k: crate::render::vendor::ItemKind) -> ValueKind {
        use crate::render::vendor::ItemKind;
        match k {
            ItemKind::Directory => ValueKind::Directory,
            ItemKind::File => ValueKind::File,
            ItemKind::Process => ValueKind::Process,
        }
    }
}

/// One value a vendor's files carry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Written {
    /// The catalog ids that produced the value, joined with `, `.
    pub id: String,
    pub kind: ValueKind,
    pub value: String,
}

/// A risk decision of a render: a value held back, narrowed to a container's copy, or written
/// because `--allow-risk ID` allowed it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Decision {
    pub id: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
}

/// What `render --state` wrote for one vendor, and with which options (a later `check` plans
/// again with the same ones to tell what the host needs now).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct VendorRecord {
    pub rendered_at: String,
    #[serde(default)]
    pub wildcards: bool,
    #[serde(default)]
    pub allow_risk: Vec<String>,
    /// `--vendors-dir` of the render, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendors_dir: Option<String>,
    /// The files written, relative to `--out`.
    #[serde(default)]
    pub files: Vec<String>,
    pub values: Vec<Written>,
    #[serde(default)]
    pub held_back: Vec<Decision>,
    #[serde(default)]
    pub narrowed: Vec<Decision>,
    #[serde(default)]
    pub allowed: Vec<Decision>,
    #[serde(default)]
    pub not_expressible: Vec<Decision>,
    #[serde(default)]
    pub refused: Vec<Decision>,
}

/// An unlisted finding a person reviewed: it stops asking for action while it stays the same
/// (same kind, value and owner); a finding that changes asks again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Acceptance {
    pub kind: UnlistedKind,
    pub value: String,
    /// The owner as `check` names it (the program, namespace or component of the finding).
    pub component: String,
    pub reason: String,
    /// The user who ran `accept` (with sudo, the user behind it).
    pub by: String,
    /// RFC 3339 UTC.
    pub at: String,
}

impl Acceptance {
    pub fn covers(&self, u: &Unlisted) -> bool {
        self.kind == u.kind && self.value == u.value.display() && self.component == u.component
    }
}

/// The id of an unlisted finding, as `accept` and the JSON report name it: `kind:value`.
pub fn unlisted_id(u: &Unlisted) -> String {
    format!("{}:{}", u.kind, u.value.display())
}

/// The state file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct State {
    pub schema: u32,
    pub tool: ToolInfo,
    pub host: StateHost,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckRecord>,
    /// vendor name → what the last `render --state` for it wrote.
    #[serde(default)]
    pub rendered: BTreeMap<String, VendorRecord>,
    #[serde(default)]
    pub accepted: Vec<Acceptance>,
}

/// Schema 1, as `check --state` wrote it before this version.
#[derive(Deserialize)]
struct StateV1 {
    generated_at: String,
    host: String,
    entries: BTreeMap<String, EntryState>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state file {path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("state file {path} is corrupt ({message}); fix or remove it deliberately")]
    Corrupt { path: String, message: String },
    #[error(
        "state file {path} has schema {schema}; this avexclude reads schemas 1 and {STATE_SCHEMA}: \
         use the avexclude that wrote it, or remove the file deliberately (the next render starts over)"
    )]
    Schema { path: String, schema: u64 },
    #[error(
        "state file {path} belongs to {theirs}, not to this host {ours}: a state is kept per host \
         (give each host its own --state file; never copy one between hosts)"
    )]
    OtherHost {
        path: String,
        theirs: String,
        ours: String,
    },
    #[error("state file {path}: cannot write: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Largest state file read (a fleet host has a few hundred values per vendor).
const MAX_STATE_BYTES: u64 = 64 << 20;

impl State {
    /// An empty state of `host`.
    pub fn new(host: &HostFacts) -> State {
        State {
            schema: STATE_SCHEMA,
            tool: ToolInfo::default(),
            host: StateHost::of(host),
            check: None,
            rendered: BTreeMap::new(),
            accepted: Vec::new(),
        }
    }

    /// The check record of a report (hashes per concrete value, where hashed).
    pub fn check_record(r: &Report) -> CheckRecord {
        let entries = r
            .entries
            .iter()
            .map(|e| {
                let hashes = e
                    .matches
                    .iter()
                    .filter_map(|m| {
                        Some((
                            m.host_path.as_ref().unwrap_or(&m.value).display(),
                            m.sha256.clone()?,
                        ))
                    })
                    .collect();
                (
                    e.id.clone(),
                    EntryState {
                        status: e.status,
                        found: e.found.clone(),
                        hashes,
                    },
                )
            })
            .collect();
        CheckRecord {
            generated_at: r.generated_at.clone(),
            entries,
        }
    }

    /// A state holding only the check record of `r`.
    pub fn from_report(r: &Report) -> State {
        let mut s = State::new(&r.host);
        s.check = Some(Self::check_record(r));
        s
    }

    /// Read a state file; `Ok(None)` if it does not exist yet (first run).
    pub fn load(path: &Path) -> Result<Option<State>, StateError> {
        let p = path.display().to_string();
        // bounded, regular files only, never blocking on a FIFO (src/input.rs)
        let text = match crate::input::read_limited(path, MAX_STATE_BYTES) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StateError::Read { path: p, source }),
        };
        let corrupt = |message: String| StateError::Corrupt {
            path: p.clone(),
            message,
        };
        let v: serde_json::Value =
            serde_json::from_slice(&text).map_err(|e| corrupt(e.to_string()))?;
        let schema = v
            .get("schema")
            .and_then(|s| s.as_u64())
            .ok_or_else(|| corrupt("no schema number".into()))?;
        match schema {
            1 => {
                let old: StateV1 = serde_json::from_value(v).map_err(|e| corrupt(e.to_string()))?;
                Ok(Some(State {
                    schema: STATE_SCHEMA,
                    tool: ToolInfo::default(),
                    host: StateHost {
                        hostname: old.host,
                        machine_id: None,
                    },
                    check: Some(CheckRecord {
                        generated_at: old.generated_at,
                        entries: old.entries,
                    }),
                    rendered: BTreeMap::new(),
                    accepted: Vec::new(),
                }))
            }
            2 => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| corrupt(e.to_string())),
            other => Err(StateError::Schema {
                path: p,
                schema: other,
            }),
        }
    }

    /// Read the state of `host`, or start one: a state of another machine is an error naming both.
    pub fn load_for(path: &Path, host: &HostFacts) -> Result<State, StateError> {
        match Self::load(path)? {
            None => Ok(State::new(host)),
            Some(mut s) => {
                s.ensure_host(path, host)?;
                // adopt the identity (a schema-1 state had no machine id)
                if s.host.machine_id.is_none() {
                    s.host.machine_id = host.machine_id.clone();
                }
                if s.host.hostname.is_empty() {
                    s.host.hostname = host.hostname.clone();
                }
                Ok(s)
            }
        }
    }

    /// Refuse a state of another host: by machine id where both have one, else by hostname.
    pub fn ensure_host(&self, path: &Path, host: &HostFacts) -> Result<(), StateError> {
        let ours = StateHost::of(host);
        let other = match (&self.host.machine_id, &ours.machine_id) {
            (Some(a), Some(b)) => a.trim() != b.trim(),
            _ => {
                !self.host.hostname.is_empty()
                    && !ours.hostname.is_empty()
                    && self.host.hostname != ours.hostname
            }
        };
        if other {
            return Err(StateError::OtherHost {
                path: path.display().to_string(),
                theirs: self.host.describe(),
                ours: ours.describe(),
            });
        }
        Ok(())
    }

    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let mut s = self.clone();
        s.schema = STATE_SCHEMA;
        s.tool = ToolInfo::default();
        let mut text = serde_json::to_vec_pretty(&s).map_err(|e| StateError::Write {
            path: path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        text.push(b'\n');
        // 0600: the state names every exclusion of the host and who accepted what.
        crate::atomic::write_mode(path, &text, 0o600).map_err(|source| StateError::Write {
            path: path.display().to_string(),
            source,
        })
    }

    /// The acceptance covering `u`, if one does.
    pub fn accepted_for(&self, u: &Unlisted) -> Option<&Acceptance> {
        self.accepted.iter().find(|a| a.covers(u))
    }
}

/// What `check --state` tells about rendering: the values each vendor rendered last that the host
/// no longer needs (`remove`), and those it needs that were not rendered (`add`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Sync {
    /// Nothing to add or remove, every unlisted finding accepted, no binary replaced, and
    /// something was rendered before.
    pub in_sync: bool,
    pub add: Vec<SyncItem>,
    pub remove: Vec<SyncItem>,
    /// The vendors rendered with this state, and when.
    pub vendors: Vec<SyncVendor>,
    /// Unlisted findings not yet accepted (`kind:value`, as `accept` takes them).
    pub unaccepted: Vec<String>,
    /// Unlisted findings accepted, with the reason, who and when.
    pub accepted: Vec<AcceptedFinding>,
    /// Entries whose binary was replaced on disk (or whose hash changed since the last check).
    pub replaced: Vec<String>,
    /// One line per reason for action, with the command that deals with it.
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncItem {
    pub vendor: String,
    pub id: String,
    pub kind: ValueKind,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncVendor {
    pub vendor: String,
    pub rendered_at: String,
    /// The risk decisions of that render, for the review.
    pub held_back: Vec<Decision>,
    pub narrowed: Vec<Decision>,
    pub allowed: Vec<Decision>,
    pub written: usize,
    /// The values written, for the export's "what the antivirus receives".
    #[serde(default)]
    pub values: Vec<Written>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AcceptedFinding {
    pub id: String,
    pub kind: UnlistedKind,
    pub value: String,
    pub component: String,
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// Compare what each vendor rendered last with what it would get now (`now`: vendor → values).
pub fn diff_rendered(
    state: &State,
    now: &BTreeMap<String, Vec<Written>>,
) -> (Vec<SyncItem>, Vec<SyncItem>) {
    let mut add = Vec::new();
    let mut remove = Vec::new();
    for (vendor, rec) in &state.rendered {
        let Some(cur) = now.get(vendor) else {
            continue;
        };
        let before: BTreeSet<(&str, &str)> = rec
            .values
            .iter()
            .map(|w| (w.kind.as_str(), w.value.as_str()))
            .collect();
        let after: BTreeSet<(&str, &str)> = cur
            .iter()
            .map(|w| (w.kind.as_str(), w.value.as_str()))
            .collect();
        for w in cur {
            if !before.contains(&(w.kind.as_str(), w.value.as_str())) {
                add.push(SyncItem {
                    vendor: vendor.clone(),
                    id: w.id.clone(),
                    kind: w.kind,
                    value: w.value.clone(),
                });
            }
        }
        for w in &rec.values {
            if !after.contains(&(w.kind.as_str(), w.value.as_str())) {
                remove.push(SyncItem {
                    vendor: vendor.clone(),
                    id: w.id.clone(),
                    kind: w.kind,
                    value: w.value.clone(),
                });
            }
        }
    }
    (add, remove)
}

/// The values recorded for `vendor` that are not among `now`: what its apply script removes.
pub fn to_remove(state: &State, vendor: &str, now: &[Written]) -> Vec<Written> {
    let Some(rec) = state.rendered.get(vendor) else {
        return Vec::new();
    };
    let after: BTreeSet<(&str, &str)> = now
        .iter()
        .map(|w| (w.kind.as_str(), w.value.as_str()))
        .collect();
    let mut out: Vec<Written> = rec
        .values
        .iter()
        .filter(|w| !after.contains(&(w.kind.as_str(), w.value.as_str())))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Compare the report with the previous check record: fill `report.changes`, and mark an entry
/// whose binary hash changed as drifted (`replaced`).
pub fn compare(report: &mut Report, prev: &State) {
    let Some(prev) = &prev.check else {
        return;
    };
    let mut changes = Vec::new();
    for e in &mut report.entries {
        let Some(old) = prev.entries.get(&e.id) else {
            changes.push(Change {
                id: e.id.clone(),
                action: ChangeAction::Added,
                before: String::new(),
                after: e.status.to_string(),
            });
            continue;
        };
        if old.status != e.status {
            changes.push(Change {
                id: e.id.clone(),
                action: ChangeAction::Status,
                before: old.status.to_string(),
                after: e.status.to_string(),
            });
        }
        let gone: Vec<_> = old
            .found
            .iter()
            .filter(|f| !e.found.contains(f))
            .cloned()
            .collect();
        let new: Vec<_> = e
            .found
            .iter()
            .filter(|f| !old.found.contains(f))
            .cloned()
            .collect();
        if !gone.is_empty() || !new.is_empty() {
            changes.push(Change {
                id: e.id.clone(),
                action: ChangeAction::Changed,
                before: gone.join(", "),
                after: new.join(", "),
            });
        }
        let mut replaced = Vec::new();
        for m in &e.matches {
            let key = m.host_path.as_ref().unwrap_or(&m.value).display();
            if let (Some(now), Some(before)) = (&m.sha256, old.hashes.get(&key))
                && now != before
            {
                replaced.push(DriftItem {
                    kind: DriftKind::Replaced,
                    what: "sha256".into(),
                    catalog: before.clone(),
                    host: format!("{now} ({key})"),
                });
            }
        }
        if !replaced.is_empty() {
            changes.push(Change {
                id: e.id.clone(),
                action: ChangeAction::Replaced,
                before: replaced
                    .iter()
                    .map(|r| r.catalog.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                after: replaced
                    .iter()
                    .map(|r| r.host.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
            let mut items = e.drift.take().map(|d| d.items).unwrap_or_default();
            items.extend(replaced);
            e.drift = super::make_drift(items);
            if e.status == Status::Present {
                e.status = Status::Drifted;
            }
        }
    }
    for id in prev.entries.keys() {
        if !report.entries.iter().any(|e| &e.id == id) {
            changes.push(Change {
                id: id.clone(),
                action: ChangeAction::Removed,
                before: prev.entries[id].status.to_string(),
                after: String::new(),
            });
        }
    }
    report.summary = super::summarize(&report.entries, report.unlisted.len());
    report.changes = changes;
}

/// Entries with a replaced binary: a deleted executable still running, or a hash that changed.
pub fn replaced_entries(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report
        .entries
        .iter()
        .filter(|e| {
            e.drift
                .as_ref()
                .is_some_and(|d| d.items.iter().any(|i| i.kind == DriftKind::Replaced))
        })
        .map(|e| e.id.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str, id: Option<&str>) -> HostFacts {
        HostFacts {
            hostname: name.into(),
            machine_id: id.map(String::from),
            ..HostFacts::default()
        }
    }

    #[test]
    fn schema_1_is_read_and_other_schemas_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.json");
        std::fs::write(
            &p,
            r#"{"schema":1,"generated_at":"t","host":"h","entries":{"a":{"status":"present","found":["/x"]}}}"#,
        )
        .unwrap();
        let s = State::load(&p).unwrap().unwrap();
        assert_eq!(s.host.hostname, "h");
        assert_eq!(s.check.unwrap().entries["a"].found, vec!["/x".to_string()]);
        std::fs::write(&p, r#"{"schema":9}"#).unwrap();
        let e = State::load(&p).unwrap_err().to_string();
        assert!(e.contains("schema 9") && e.contains("s.json"), "{e}");
    }

    /// A word this version does not write (a status, a value kind) is a corrupt state naming the
    /// file and the word, never skipped silently (a skipped value would never be removed).
    #[test]
    fn an_unknown_word_in_a_state_is_refused_naming_the_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.json");
        let mut st = State::new(&host("h", Some("m")));
        st.rendered.insert(
            "kesl".into(),
            VendorRecord {
                values: vec![Written {
                    id: "a".into(),
                    kind: ValueKind::Directory,
                    value: "/x/".into(),
                }],
                ..VendorRecord::default()
            },
        );
        st.save(&p).unwrap();
        assert_eq!(State::load(&p).unwrap().unwrap(), st);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace("\"directory\"", "\"folder\"")).unwrap();
        let e = State::load(&p).unwrap_err().to_string();
        assert!(e.contains("s.json") && e.contains("folder"), "{e}");
    }

    #[test]
    fn a_state_of_another_machine_is_refused_naming_both() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.json");
        State::new(&host("node-a", Some("aaaa"))).save(&p).unwrap();
        let e = State::load_for(&p, &host("node-b", Some("bbbb")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("node-a")
                && e.contains("aaaa")
                && e.contains("node-b")
                && e.contains("bbbb"),
            "{e}"
        );
        // same machine id, renamed host: the same machine
        assert!(State::load_for(&p, &host("node-renamed", Some("aaaa"))).is_ok());
    }

    #[test]
    fn diff_names_what_to_add_and_what_to_remove_per_vendor() {
        let mut s = State::new(&host("h", None));
        let w = |v: &str| Written {
            id: "e".into(),
            kind: ValueKind::Directory,
            value: v.into(),
        };
        s.rendered.insert(
            "kesl".into(),
            VendorRecord {
                values: vec![w("/old"), w("/same")],
                ..VendorRecord::default()
            },
        );
        let now = BTreeMap::from([("kesl".to_string(), vec![w("/same"), w("/new")])]);
        let (add, remove) = diff_rendered(&s, &now);
        assert_eq!(add.len(), 1);
        assert_eq!(add[0].value, "/new");
        assert_eq!(remove.len(), 1);
        assert_eq!(remove[0].value, "/old");
        assert_eq!(to_remove(&s, "kesl", &now["kesl"]), vec![w("/old")]);
        assert!(to_remove(&s, "mdatp", &now["kesl"]).is_empty());
    }
}
