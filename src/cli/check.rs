//! `avexclude check`: the main job. Reconcile the catalog with this host (or an inventory) and
//! print the report.
//!
//! Without `--state` it is a one-off audit: exit 1 when the vendor's list does not match this
//! host (drift, unlisted findings). With `--state` (monitoring) exit 1 means action is needed:
//! the exclusions rendered last (recorded by `render --state`) differ from what the host needs
//! now, an unlisted finding was not accepted, or a binary was replaced; drift from the vendor's
//! text is then information. A scan that could not see the host exits 2 (Prometheus output then
//! says `avexclude_scan_success 0`), and the state is saved only after the report was written.

use std::time::Instant;

use serde::Serialize;

use super::args::{CheckArgs, CheckFormat};
use super::common::{emit, load_catalog, load_inventory_quiet, print_warnings, to_json, to_yaml};
use super::lifecycle;
use super::{CliError, CliResult, Outcome};
use crate::check::state::{State, Sync};
use crate::check::{self, format, prometheus};
use crate::model::Report;

/// The JSON/YAML document: the report, plus `sync` with `--state`.
#[derive(Serialize)]
struct CheckDoc<'a> {
    #[serde(flatten)]
    report: &'a Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    sync: Option<&'a Sync>,
}

pub fn run(args: CheckArgs) -> CliResult {
    let catalog = load_catalog(&args.catalogs)?;
    let fmt = args.format.unwrap_or(CheckFormat::Table);
    let t0 = Instant::now();
    let inv = match load_inventory_quiet(&args.source, &args.catalogs, args.hash) {
        Ok(inv) => inv,
        Err(e) => {
            // A discovery failure (no /proc, a symlinked /proc) is a failed scan for the metrics.
            if fmt == CheckFormat::Prometheus {
                let _ = emit(
                    args.output.as_deref(),
                    prometheus::failed(prometheus::unix_now()).as_bytes(),
                );
            }
            return Err(e);
        }
    };
    // The table shows the warnings once, at its end; other formats carry them in the document
    // (JSON, YAML) or not at all (metrics), so stderr gets them there.
    if fmt != CheckFormat::Table {
        print_warnings(&inv.warnings);
    }
    let mut report = check::check(&catalog, &inv);
    report.scan_seconds = Some(t0.elapsed().as_secs_f64());
    // The metrics must say the check failed: an alert fires on it, never on zero counts.
    let fail = |why: String| {
        if fmt == CheckFormat::Prometheus {
            let _ = emit(
                args.output.as_deref(),
                prometheus::failed(prometheus::unix_now()).as_bytes(),
            );
        }
        CliError::Input(why)
    };
    let mut state = None;
    let mut sync = None;
    if let Some(path) = &args.state {
        // An unreadable or foreign state is an input error, named before anything else.
        state = Some(State::load_for(path, &inv.host).map_err(|e| fail(e.to_string()))?);
    }
    lifecycle::fail_closed(&inv, &report, &catalog, args.allow_empty).map_err(fail)?;
    if let (Some(path), Some(st)) = (&args.state, &state) {
        check::state::compare(&mut report, st);
        sync = Some(lifecycle::sync(st, &report, &catalog, &inv, path)?);
    }
    let text = match fmt {
        CheckFormat::Table => {
            // a report written to a file (-o) is never colored
            let color = args.output.is_none() && super::color_stdout();
            let opts = format::TableOptions {
                color,
                width: if args.output.is_none() {
                    format::terminal_width()
                } else {
                    100
                },
                all: args.all,
                verbose: args.verbose,
                lang: super::lang(),
                source_args: source_args(&args),
                state: args.state.as_ref().map(|p| p.display().to_string()),
                sync: sync.as_ref().map(|s| {
                    (
                        s.in_sync,
                        s.add.len() + s.remove.len() + s.unaccepted.len() + s.replaced.len(),
                    )
                }),
            };
            let mut t = format::table_with(&report, &catalog, &opts);
            if let Some(s) = &sync {
                t.push_str(&format::sync_table(s));
            }
            t
        }
        CheckFormat::Json => to_json(&CheckDoc {
            report: &report,
            sync: sync.as_ref(),
        })?,
        CheckFormat::Yaml => to_yaml(&CheckDoc {
            report: &report,
            sync: sync.as_ref(),
        })?,
        CheckFormat::Prometheus => {
            prometheus::metrics(&report, &catalog, sync.as_ref(), prometheus::unix_now())
        }
    };
    emit(args.output.as_deref(), text.as_bytes())?;
    // Only now that the report is out: a failed write must not swallow a replaced binary.
    if let (Some(path), Some(mut st)) = (&args.state, state) {
        st.check = Some(State::check_record(&report));
        st.save(path).map_err(|e| CliError::Input(e.to_string()))?;
    }
    let action = match &sync {
        Some(s) => !s.in_sync,
        None => check::has_findings(&report),
    };
    Ok(if action {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The flags that chose this host and catalog, as a shell would take them back (for the
/// next-step commands the table prints).
fn source_args(args: &CheckArgs) -> String {
    let mut v = Vec::new();
    if let Some(r) = &args.source.root {
        v.push(format!(
            "--root {}",
            format::shell_word(&r.display().to_string())
        ));
    }
    if let Some(i) = &args.source.inventory {
        v.push(format!(
            "--inventory {}",
            format::shell_word(&i.display().to_string())
        ));
    }
    for c in &args.catalogs {
        v.push(format!(
            "--catalog {}",
            format::shell_word(&c.display().to_string())
        ));
    }
    v.join(" ")
}
