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

/// node_exporter textfile metrics: one gauge per entry status, drift, unlisted, changes, scan time.
pub fn prometheus(r: &Report, catalog: &Catalog) -> String {
    let mut out = String::new();
    let host = label(&r.host.hostname);
    out.push_str("# HELP avexclude_entry_status Catalog entry status on this host (1 = the entry has this status).\n");
    out.push_str("# TYPE avexclude_entry_status gauge\n");
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
                "avexclude_entry_status{{host=\"{host}\",id=\"{}\",component=\"{}\",risk=\"{}\",status=\"{}\"}} {}",
                label(&e.id),
                label(&e.component),
                e.risk,
                s,
                u8::from(e.status == s)
            );
        }
    }
    out.push_str("# HELP avexclude_entries Number of catalog entries by status.\n# TYPE avexclude_entries gauge\n");
    let s = &r.summary;
    for (name, n) in [
        ("present", s.present),
        ("drifted", s.drifted),
        ("absent", s.absent),
        ("disabled", s.disabled),
    ] {
        let _ = writeln!(
            out,
            "avexclude_entries{{host=\"{host}\",status=\"{name}\"}} {n}"
        );
    }
    out.push_str("# HELP avexclude_drifted Entries found on the host but not where the catalog says.\n# TYPE avexclude_drifted gauge\n");
    let _ = writeln!(out, "avexclude_drifted{{host=\"{host}\"}} {}", s.drifted);
    out.push_str("# HELP avexclude_unlisted ELMA365 findings that no catalog entry covers.\n# TYPE avexclude_unlisted gauge\n");
    let _ = writeln!(out, "avexclude_unlisted{{host=\"{host}\"}} {}", s.unlisted);
    out.push_str("# HELP avexclude_changes Changes since the state file (new version, revision, replaced binary).\n# TYPE avexclude_changes gauge\n");
    let _ = writeln!(
        out,
        "avexclude_changes{{host=\"{host}\"}} {}",
        r.changes.len()
    );
    out.push_str("# HELP avexclude_warnings Warnings of the scan (partial results).\n# TYPE avexclude_warnings gauge\n");
    let _ = writeln!(
        out,
        "avexclude_warnings{{host=\"{host}\"}} {}",
        r.warnings.len()
    );
    if let Some(secs) = r.scan_seconds {
        out.push_str("# HELP avexclude_scan_duration_seconds Time the scan and check took.\n# TYPE avexclude_scan_duration_seconds gauge\n");
        let _ = writeln!(
            out,
            "avexclude_scan_duration_seconds{{host=\"{host}\"}} {secs:.6}"
        );
    }
    out.push_str("# HELP avexclude_last_run_timestamp_seconds When the check ran (Unix time).\n# TYPE avexclude_last_run_timestamp_seconds gauge\n");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "avexclude_last_run_timestamp_seconds{{host=\"{host}\"}} {now}"
    );
    out
}
