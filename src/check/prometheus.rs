//! `check --format prometheus`: node_exporter textfile metrics of a check, or of a scan that
//! failed. The clock is passed in, so the output is a function of its inputs.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{Catalog, Report, Status};

/// Escape a Prometheus label value (`\`, `"`, newline).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The clock, for the metrics' timestamp (the functions take it, so tests pin it).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn family(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
}

/// Metrics of a scan that could not see the host: success 0 and when, and no count at all, so
/// nothing looks clean (the alert rules fire on `avexclude_scan_success == 0` and on `absent()`).
pub fn failed(now: u64) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "avexclude_scan_success",
        "1 if the last scan saw the host and the check completed, 0 if it failed (then no counts are written).",
    );
    out.push_str("avexclude_scan_success 0\n");
    family(
        &mut out,
        "avexclude_last_scan_timestamp_seconds",
        "When the last scan ran (Unix time), successful or not.",
    );
    let _ = writeln!(out, "avexclude_last_scan_timestamp_seconds {now}");
    out
}

/// node_exporter textfile metrics (no `host` label: the scrape's `instance` names the node);
/// with `sync` (`--state`), the actions to add and remove, accepted findings, and whether action
/// is needed (the exit status 1 of `check`).
pub fn metrics(
    r: &Report,
    catalog: &Catalog,
    sync: Option<&crate::check::state::Sync>,
    now: u64,
) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "avexclude_scan_success",
        "1 if the last scan saw the host and the check completed, 0 if it failed (then no counts are written).",
    );
    out.push_str("avexclude_scan_success 1\n");
    family(
        &mut out,
        "avexclude_last_scan_timestamp_seconds",
        "When the last scan ran (Unix time), successful or not.",
    );
    let _ = writeln!(out, "avexclude_last_scan_timestamp_seconds {now}");
    if let Some(secs) = r.scan_seconds {
        family(
            &mut out,
            "avexclude_scan_duration_seconds",
            "Time the scan and check took.",
        );
        let _ = writeln!(out, "avexclude_scan_duration_seconds {secs:.6}");
    }
    let action = match sync {
        Some(s) => !s.in_sync,
        None => super::has_findings(r),
    };
    family(
        &mut out,
        "avexclude_action_needed",
        "1 when check exits 1: with a state file, rendered exclusions out of sync, an unlisted finding not accepted, or a binary replaced; without one, drift or unlisted findings.",
    );
    let _ = writeln!(out, "avexclude_action_needed {}", u8::from(action));
    family(
        &mut out,
        "avexclude_entries",
        "Catalog entries (antivirus exclusions, port audit left out) by status on this host.",
    );
    let mut counts: BTreeMap<&str, usize> = [
        ("present", 0),
        ("drifted", 0),
        ("absent", 0),
        ("disabled", 0),
    ]
    .into_iter()
    .collect();
    for e in &r.entries {
        if catalog.get(&e.id).is_some_and(|c| c.audit_only) {
            continue;
        }
        *counts.entry(e.status.as_str()).or_default() += 1;
    }
    for (name, n) in &counts {
        let _ = writeln!(out, "avexclude_entries{{status=\"{name}\"}} {n}");
    }
    family(
        &mut out,
        "avexclude_entry_status",
        "One series per catalog entry and status: 1 for the status the entry has on this host.",
    );
    for e in &r.entries {
        if catalog.get(&e.id).is_some_and(|c| c.audit_only) {
            continue;
        }
        for s in [
            Status::Present,
            Status::Drifted,
            Status::Absent,
            Status::Disabled,
        ] {
            let _ = writeln!(
                out,
                "avexclude_entry_status{{id=\"{}\",component=\"{}\",risk=\"{}\",status=\"{}\"}} {}",
                label(&e.id),
                label(&e.component),
                e.risk,
                s,
                u8::from(e.status == s)
            );
        }
    }
    family(
        &mut out,
        "avexclude_unlisted_findings",
        "ELMA365 findings no catalog entry covers; accepted=\"true\" for those accepted in the state file.",
    );
    let accepted = sync.map_or(0, |s| s.accepted.len());
    let unaccepted = sync.map_or(r.unlisted.len(), |s| s.unaccepted.len());
    let _ = writeln!(
        out,
        "avexclude_unlisted_findings{{accepted=\"false\"}} {unaccepted}"
    );
    let _ = writeln!(
        out,
        "avexclude_unlisted_findings{{accepted=\"true\"}} {accepted}"
    );
    if let Some(s) = sync {
        family(
            &mut out,
            "avexclude_sync_actions",
            "Values to add to or remove from the antivirus since the last render --state (all vendors).",
        );
        let _ = writeln!(
            out,
            "avexclude_sync_actions{{kind=\"add\"}} {}",
            s.add.len()
        );
        let _ = writeln!(
            out,
            "avexclude_sync_actions{{kind=\"remove\"}} {}",
            s.remove.len()
        );
        family(
            &mut out,
            "avexclude_replaced_binaries",
            "Entries whose binary was replaced on disk (deleted while running, or a changed sha256).",
        );
        let _ = writeln!(out, "avexclude_replaced_binaries {}", s.replaced.len());
    }
    family(
        &mut out,
        "avexclude_scan_warnings",
        "Warnings of the scan (partial results).",
    );
    let _ = writeln!(out, "avexclude_scan_warnings {}", r.warnings.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_scan_says_so_with_its_time_and_no_counts() {
        let m = failed(1_700_000_000);
        assert!(m.contains("\navexclude_scan_success 0\n"), "{m}");
        assert!(
            m.ends_with("avexclude_last_scan_timestamp_seconds 1700000000\n"),
            "{m}"
        );
        assert!(!m.contains("avexclude_entries"), "{m}");
    }

    #[test]
    fn metrics_count_entries_by_status_and_escape_labels() {
        let cat = crate::catalog::load(&crate::catalog::builtin_sources()).unwrap();
        let mut r = crate::check::check(&cat, &crate::model::Inventory::default());
        r.entries.truncate(2);
        r.entries[0].id = "a\"b\\c".into();
        r.entries[0].status = Status::Present;
        let m = metrics(&r, &cat, None, 42);
        assert!(
            m.contains("avexclude_last_scan_timestamp_seconds 42\n"),
            "{m}"
        );
        assert!(
            m.contains("avexclude_entries{status=\"present\"} 1\n"),
            "{m}"
        );
        assert!(m.contains("id=\"a\\\"b\\\\c\""), "{m}");
        assert!(m.contains("avexclude_action_needed 0\n"), "{m}");
        assert_eq!(m, metrics(&r, &cat, None, 42), "no clock read inside");
        r.unlisted.push(crate::model::Unlisted {
            kind: crate::model::UnlistedKind::Port,
            value: "7777/tcp".into(),
            component: "elma365".into(),
            why: "w".into(),
            evidence: crate::model::Evidence::default(),
        });
        r.summary.unlisted = 1;
        let m = metrics(&r, &cat, None, 42);
        assert!(m.contains("avexclude_action_needed 1\n"), "{m}");
        assert!(
            m.contains("avexclude_unlisted_findings{accepted=\"false\"} 1\n"),
            "{m}"
        );
    }
}
