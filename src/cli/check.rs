//! `avexclude check`: the main job. Reconcile the catalog with this host (or an inventory), print
//! the report, keep the state file, exit 1 on drift, unlisted findings or changes since the state.

use std::io::IsTerminal;
use std::time::Instant;

use super::args::{CheckArgs, CheckFormat};
use super::common::{emit, load_catalog, load_inventory_with, to_json, to_yaml};
use super::{CliError, CliResult, Outcome};
use crate::check::{self, format, state::State};

pub fn run(args: CheckArgs) -> CliResult {
    let catalog = load_catalog(&args.catalogs)?;
    let t0 = Instant::now();
    let inv = load_inventory_with(&args.source, &args.catalogs, args.hash)?;
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
            format::table(&report, &catalog, color)
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
