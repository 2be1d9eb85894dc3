//! What the lifecycle adds to an export: for each host, when its inventory was collected (and
//! whether that is too long ago, or was not a root scan), and for each row what the antivirus
//! receives (written, held back, narrowed, allowed by which `--allow-risk`, accepted), from the
//! `sync` of a `check --state` report.

use std::path::PathBuf;

use serde::Serialize;

use super::rows::{Row, RowStatus, Section};
use crate::check::state::Sync;
use crate::i18n::Lang;
use crate::model::Report;

/// One host of an export: its report, the `sync` of `check --state` when the file had one, and
/// the file it came from.
#[derive(Debug, Clone)]
pub struct HostInput {
    pub report: Report,
    pub sync: Option<Sync>,
    pub file: Option<PathBuf>,
}

/// When a host was collected, and how trustworthy that is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostInfo {
    pub collected_at: String,
    /// Days between the collection and the export, where the time could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<f64>,
    /// Older than the export's threshold (`--stale-after`).
    pub stale: bool,
    pub scanned_as_root: bool,
    /// Rendered with a state file: the antivirus column is known.
    pub rendered_with_state: bool,
}

pub use crate::i18n::export::{LcLabels, lc_labels as labels};

/// Seconds since the epoch of an RFC 3339 UTC time as discovery writes it
/// (`2026-11-24T17:39:32Z`, fractional seconds and `+00:00` accepted).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', ' '])?;
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    let time = time
        .trim_end_matches('Z')
        .trim_end_matches("+00:00")
        .split('.')
        .next()?;
    let mut t = time.split(':');
    let hh: i64 = t.next()?.parse().ok()?;
    let mm: i64 = t.next()?.parse().ok()?;
    let ss: i64 = t.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // days from civil (Howard Hinnant)
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// The collection facts of one host, `now` and the threshold in seconds since the epoch / days.
pub fn host_info(h: &HostInput, now: i64, stale_after_days: u32) -> HostInfo {
    let r = &h.report;
    let age = parse_rfc3339(&r.generated_at).map(|t| (now - t) as f64 / 86_400.0);
    HostInfo {
        collected_at: super::one_line(&r.generated_at),
        age_days: age,
        stale: age.is_none_or(|a| a > f64::from(stale_after_days)),
        scanned_as_root: r.host.scanned_as_root,
        rendered_with_state: h.sync.as_ref().is_some_and(|s| !s.vendors.is_empty()),
    }
}

/// The host table's cell: time, age, stale, not root.
pub fn collected_cell(i: &HostInfo, lang: Lang) -> String {
    let l = labels(lang);
    let mut s = i.collected_at.clone();
    if let Some(a) = i.age_days {
        s.push_str(&format!(" ({:.0} {})", a.max(0.0).floor(), l.days));
    }
    if i.stale {
        s.push_str(&format!(" — {}", l.stale.to_uppercase()));
    }
    if !i.scanned_as_root {
        s.push_str(&format!(" — {}", l.not_root));
    }
    s
}

/// Fill the `antivirus` of one host's rows from its `sync`, and mark held-back values and
/// accepted findings for the review's summary.
pub fn annotate_rows(rows: &mut [Row], sync: &Sync, lang: Lang) {
    let l = labels(lang);
    for r in rows {
        if r.section == Section::Unlisted {
            let id = format!(
                "{}:{}",
                r.entry_id.strip_prefix("unlisted:").unwrap_or(&r.entry_id),
                r.value.display()
            );
            let accepted = sync.accepted.iter().find(|a| a.id == id);
            r.marks.accepted = accepted.is_some();
            r.antivirus = match accepted {
                Some(a) => format!(
                    "{}: {} ({} {}, {})",
                    l.accepted,
                    super::one_line(&a.reason),
                    l.by,
                    super::one_line(&a.by),
                    super::one_line(&a.at)
                ),
                None => l.not_accepted.to_string(),
            };
            continue;
        }
        if r.section != Section::Exclusion
            || !matches!(r.status, RowStatus::Present | RowStatus::Drifted)
        {
            continue;
        }
        let mut cands = vec![r.value.display()];
        for p in [&r.host_path, &r.container_path].into_iter().flatten() {
            let d = p.display();
            if !cands.contains(&d) {
                cands.push(d);
            }
        }
        let has_id = |ids: &str| ids.split(", ").any(|x| x == &*r.entry_id);
        let same = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
        let mut parts = Vec::new();
        for v in &sync.vendors {
            let written = |cv: &str| v.values.iter().any(|w| same(&w.value, cv) && has_id(&w.id));
            let main = &cands[0];
            let mut text = if written(main) {
                match v
                    .allowed
                    .iter()
                    .find(|a| same(&a.value, main) && has_id(&a.id))
                {
                    Some(a) => format!(
                        "{} ({})",
                        l.written,
                        a.why.replace("allowed by", l.allowed_by)
                    ),
                    None => l.written.to_string(),
                }
            } else if v
                .held_back
                .iter()
                .any(|d| same(&d.value, main) && *d.id == *r.entry_id)
            {
                r.marks.held_back = true;
                l.held_back.to_string()
            } else if v
                .narrowed
                .iter()
                .any(|d| same(&d.value, main) && *d.id == *r.entry_id)
            {
                l.narrowed.to_string()
            } else {
                l.not_written.to_string()
            };
            let also: Vec<&str> = cands[1..]
                .iter()
                .filter(|cv| written(cv))
                .map(String::as_str)
                .collect();
            if !also.is_empty() {
                text.push_str(&format!(" (+ {})", also.join(", ")));
            }
            parts.push(format!("{}: {text}", v.vendor));
        }
        r.antivirus = parts.join("; ");
    }
}

/// What tells two inputs of one hostname apart: kept for every host while the reports
/// themselves are dropped one by one.
#[derive(Debug, Clone)]
pub struct HostKey {
    pub hostname: String,
    pub machine_id: Option<String>,
    pub file: Option<PathBuf>,
}

impl HostKey {
    pub fn of(h: &HostInput) -> HostKey {
        HostKey {
            hostname: h.report.host.hostname.clone(),
            machine_id: h.report.host.machine_id.clone(),
            file: h.file.clone(),
        }
    }
}

/// Two inputs naming one host with different machine ids are two machines: an error naming both
/// files (they would otherwise merge into one host, or be told apart only by a silent "(2)").
pub fn duplicate_hosts(inputs: &[HostInput]) -> Result<(), String> {
    duplicate_keys(&inputs.iter().map(HostKey::of).collect::<Vec<_>>())
}

/// [`duplicate_hosts`] on the keys alone.
pub fn duplicate_keys(keys: &[HostKey]) -> Result<(), String> {
    let mut by_name: std::collections::HashMap<&str, &HostKey> = std::collections::HashMap::new();
    for b in keys {
        if b.hostname.trim().is_empty() {
            continue;
        }
        // Compare with the first input of this name that has a machine id.
        let a = match by_name.get(b.hostname.as_str()).copied() {
            Some(a) if a.machine_id.is_some() => a,
            _ => {
                by_name.insert(&b.hostname, b);
                continue;
            }
        };
        if let (Some(ma), Some(mb)) = (&a.machine_id, &b.machine_id)
            && ma.trim() != mb.trim()
        {
            let name = |h: &HostKey| {
                h.file
                    .as_ref()
                    .map(|f| f.display().to_string())
                    .unwrap_or_else(|| "the scanned root".into())
            };
            return Err(format!(
                "{} and {} both name host {} but come from different machines (machine id {} \
                 and {}): rename one host, or export them separately",
                name(a),
                name(b),
                a.hostname.escape_debug(),
                ma.trim(),
                mb.trim()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_parses_what_discovery_writes() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-24T17:39:32Z"), Some(1_795_541_972));
        assert_eq!(
            parse_rfc3339("2026-11-24T17:39:32.5+00:00"),
            Some(1_795_541_972)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
