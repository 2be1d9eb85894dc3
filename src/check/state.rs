//! `check --state FILE`: what the last check found, so the next one reports what changed since
//! (a new erts version, a new snap revision, a replaced binary) even where the new status is
//! `present`. Changes are findings (exit 1), so a timer alerts once after an upgrade; the file is
//! then rewritten atomically. A corrupt state file is an error naming it, never silently reset.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{Change, DriftItem, Report, Status};

/// What one entry looked like at the last check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct EntryState {
    pub status: String,
    pub found: Vec<String>,
    /// sha256 per concrete value, where hashed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, String>,
}

/// The state file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct State {
    pub schema: u32,
    pub generated_at: String,
    pub host: String,
    pub entries: BTreeMap<String, EntryState>,
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
    #[error("state file {path}: cannot write: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

impl State {
    pub fn from_report(r: &Report) -> State {
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
                        status: e.status.to_string(),
                        found: e.found.clone(),
                        hashes,
                    },
                )
            })
            .collect();
        State {
            schema: 1,
            generated_at: r.generated_at.clone(),
            host: r.host.hostname.clone(),
            entries,
        }
    }

    /// Read a state file; `Ok(None)` if it does not exist yet (first run).
    pub fn load(path: &Path) -> Result<Option<State>, StateError> {
        let p = path.display().to_string();
        let text = match crate::input::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StateError::Read { path: p, source }),
        };
        let s: State = serde_json::from_slice(&text).map_err(|e| StateError::Corrupt {
            path: p.clone(),
            message: e.to_string(),
        })?;
        if s.schema != 1 {
            return Err(StateError::Corrupt {
                path: p,
                message: format!("unknown schema {}", s.schema),
            });
        }
        Ok(Some(s))
    }

    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let mut text = serde_json::to_vec_pretty(self).map_err(|e| StateError::Write {
            path: path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        text.push(b'\n');
        crate::atomic::write(path, &text).map_err(|source| StateError::Write {
            path: path.display().to_string(),
            source,
        })
    }
}

/// Compare the report with the previous state: fill `report.changes`, and mark an entry whose
/// binary hash changed as drifted (`replaced`).
pub fn compare(report: &mut Report, prev: &State) {
    let mut changes = Vec::new();
    for e in &mut report.entries {
        let Some(old) = prev.entries.get(&e.id) else {
            changes.push(Change {
                id: e.id.clone(),
                action: "added".into(),
                before: String::new(),
                after: e.status.to_string(),
            });
            continue;
        };
        if old.status != e.status.as_str() {
            changes.push(Change {
                id: e.id.clone(),
                action: "status".into(),
                before: old.status.clone(),
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
                action: "changed".into(),
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
                    kind: "replaced".into(),
                    what: "sha256".into(),
                    catalog: before.clone(),
                    host: format!("{now} ({key})"),
                });
            }
        }
        if !replaced.is_empty() {
            changes.push(Change {
                id: e.id.clone(),
                action: "replaced".into(),
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
            e.drift = Some(super::make_drift(items));
            if e.status == Status::Present {
                e.status = Status::Drifted;
            }
        }
    }
    for id in prev.entries.keys() {
        if !report.entries.iter().any(|e| &e.id == id) {
            changes.push(Change {
                id: id.clone(),
                action: "removed".into(),
                before: prev.entries[id].status.clone(),
                after: String::new(),
            });
        }
    }
    report.summary = super::summarize(&report.entries, report.unlisted.len());
    report.changes = changes;
}
