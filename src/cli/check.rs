//! `avexclude check`: the main job. Reconcile the catalog with this host (or an inventory), print
//! the report, keep the state file, exit 1 on drift, unlisted findings or changes since the state.

use std::io::IsTerminal;
use std::time::Instant;

use super::args::{CheckArgs, CheckFormat};
use super::common::{emit, load_catalog, load_inventory_quiet, print_warnings, to_json, to_yaml};
use super::{CliError, CliResult, Outcome};
use crate::check::{self, format, state::State};

pub fn run(args: CheckArgs) -> CliResult {
    let catalog = load_catalog(&args.catalogs)?;
    let t0 = Instant::now();
    let inv = load_inventory_quiet(&args.source, &args.catalogs, args.hash)?;
    let fmt0 = args.format.unwrap_or(CheckFormat::Table);
    // The table shows the warnings once, at its end; other formats carry them in the document
    // (JSON, YAML) or not at all (metrics), so stderr gets them there.
    if fmt0 != CheckFormat::Table {
        print_warnings(&inv.warnings);
    }
    let mut report = check::check(&catalog, &inv);
    report.scan_seconds = Some(t0.elapsed().as_secs_f64());
    if let Some(path) = &args.state {
        let prev = State::load(path).map_err(|e| CliError::Input(e.to_string()))?;
        if let Some(prev) = &prev {
            check::state::compare(&mut report, prev);
        }
        State::from_report(&report)
            .save(path)
            .map_err(|e| CliError::Input(e.to_string()))?;
    }
    let fmt = args.format.unwrap_or(CheckFormat::Table);
    let text = match fmt {
        CheckFormat::Table => {
            let color = args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
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
            };
            format::table_with(&report, &catalog, &opts)
        }
        CheckFormat::Json => to_json(&report)?,
        CheckFormat::Yaml => to_yaml(&report)?,
        CheckFormat::Prometheus => format::prometheus(&report, &catalog),
    };
    emit(args.output.as_deref(), text.as_bytes())?;
    Ok(if check::has_findings(&report) {
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
