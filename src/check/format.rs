//! The report for people (a table grouped by component, colour only on a terminal) and for
//! node_exporter's textfile collector (Prometheus text format).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{Catalog, EntryResult, Report, Status};

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn status_cell(s: Status, color: bool) -> String {
    let text = format!("{:<8}", s.as_str());
    match s {
        Status::Present => paint(&text, "32", color),
        Status::Drifted => paint(&text, "33;1", color),
        Status::Absent => paint(&text, "2", color),
        Status::Disabled => paint(&text, "35", color),
    }
}

/// Control, bidi and zero-width characters never reach the terminal raw.
fn clean(s: &str) -> String {
    crate::sanitize::visible(s).into_owned()
}

/// The table for people: summary first, then entries by component, then unlisted and changes.
pub fn table(r: &Report, catalog: &Catalog, color: bool) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let _ = writeln!(
        out,
        "{}: {} present, {} drifted, {} absent, {} disabled, {} unlisted ({} entries)",
        clean(&r.host.hostname),
        s.present,
        s.drifted,
        s.absent,
        s.disabled,
        s.unlisted,
        s.total
    );
    let audit = |e: &EntryResult| catalog.get(&e.id).is_some_and(|c| c.audit_only);
    let mut by_comp: BTreeMap<&str, Vec<&EntryResult>> = BTreeMap::new();
    for e in r.entries.iter().filter(|e| !audit(e)) {
        by_comp.entry(e.component.as_str()).or_default().push(e);
    }
    for (comp, entries) in by_comp {
        let _ = writeln!(out, "\n{}", paint(comp, "1", color));
        let absent: Vec<&str> = entries
            .iter()
            .filter(|e| e.status == Status::Absent)
            .map(|e| e.id.as_str())
            .collect();
        for e in entries.iter().filter(|e| e.status != Status::Absent) {
            let _ = writeln!(
                out,
                "  {} {:<34} {}",
                status_cell(e.status, color),
                e.id,
                clean(&e.canonical)
            );
            if let Some(d) = &e.drift {
                let _ = writeln!(out, "           {}", paint(&clean(&d.summary), "33", color));
            }
            for f in e.found.iter().take(6) {
                let _ = writeln!(out, "           = {}", clean(f));
            }
            if e.found.len() > 6 {
                let _ = writeln!(out, "           ... and {} more", e.found.len() - 6);
            }
            if let Some(why) = &e.disabled {
                let _ = writeln!(out, "           disabled: {}", clean(why));
            }
        }
        if !absent.is_empty() {
            let _ = writeln!(
                out,
                "  {} {}",
                status_cell(Status::Absent, color),
                absent.join(", ")
            );
        }
    }
    let listening: Vec<_> = r
        .entries
        .iter()
        .filter(|e| audit(e) && e.status == Status::Present)
        .collect();
    if !listening.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint("port audit (firewall tables): listening here", "1", color)
        );
        for e in listening {
            let _ = writeln!(
                out,
                "  {:<34} {} ({})",
                e.id,
                clean(&e.canonical),
                clean(&e.found.join(", "))
            );
        }
    }
    if !r.unlisted.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint("unlisted: ELMA365 findings no entry covers", "1", color)
        );
        for u in &r.unlisted {
            let _ = writeln!(
                out,
                "  {:<12} {:<12} {}  ({})",
                u.kind,
                clean(&u.component),
                u.value.display(),
                clean(&u.why)
            );
        }
    }
    if !r.changes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint("changed since the state file", "1", color)
        );
        for c in &r.changes {
            let _ = writeln!(
                out,
                "  {:<34} {:<8} {} -> {}",
                c.id,
                c.action,
                clean(&c.before),
                clean(&c.after)
            );
        }
    }
    for w in &r.warnings {
        let _ = writeln!(out, "warning[{}]: {}", w.code, clean(&w.message));
    }
    out
}

/// Escape a Prometheus label value (`\`, `"`, newline).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The `--state` part of the table: the verdict and, per reason, what to do.
pub fn sync_table(s: &crate::check::state::Sync) -> String {
    let mut out = String::new();
    if s.in_sync {
        let _ = writeln!(
            out,
            "\nin sync: the exclusions rendered last match this host; nothing to do"
        );
    } else {
        let _ = writeln!(out, "\naction needed:");
        for a in &s.actions {
            let _ = writeln!(out, "  - {}", clean(a));
        }
    }
    for i in &s.add {
        let _ = writeln!(
            out,
            "  add     {:<8} {:<10} {}  ({})",
            clean(&i.vendor),
            clean(&i.kind),
            clean(&i.value),
            clean(&i.id)
        );
    }
    for i in &s.remove {
        let _ = writeln!(
            out,
            "  remove  {:<8} {:<10} {}  ({})",
            clean(&i.vendor),
            clean(&i.kind),
            clean(&i.value),
            clean(&i.id)
        );
    }
    for u in &s.unaccepted {
        let _ = writeln!(out, "  not reviewed      {}", clean(u));
    }
    if !s.accepted.is_empty() {
        let _ = writeln!(out, "accepted unlisted findings:");
        for a in &s.accepted {
            let _ = writeln!(
                out,
                "  {}  ({}, by {} at {})",
                clean(&a.id),
                clean(&a.reason),
                clean(&a.by),
                clean(&a.at)
            );
        }
    }
    out
}

fn unix_now() -> u64 {
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
pub fn prometheus_failed(_why: &str) -> String {
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
    let _ = writeln!(out, "avexclude_last_scan_timestamp_seconds {}", unix_now());
    out
}

/// node_exporter textfile metrics (no `host` label: the scrape's `instance` names the node).
pub fn prometheus(r: &Report, catalog: &Catalog) -> String {
    prometheus_with(r, catalog, None)
}

/// As [`prometheus`], with the `--state` facts: actions to add and remove, accepted findings, and
/// whether action is needed (the exit status 1 of `check`).
pub fn prometheus_with(
    r: &Report,
    catalog: &Catalog,
    sync: Option<&crate::check::state::Sync>,
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
    let _ = writeln!(out, "avexclude_last_scan_timestamp_seconds {}", unix_now());
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
