//! `avexclude export`: reports of one host or a fleet → a security-team document.
//!
//! Each `--inventory FILE` is an inventory written by `discover` (checked here against the
//! catalog) or a report written by `check --format json|yaml` (used as is: a DaemonSet or a timer
//! may already have checked the host). With `--root DIR`, the host at DIR is scanned and checked.
//! With `--state FILE`, rows added, removed or changed since the export that wrote FILE are
//! marked, and FILE is replaced by the state of this export once the document is written.
//! Each host's collection time is shown, an inventory older than `--stale-after` days is marked
//! stale (and warned about), and two inputs of one hostname from different machines are an error
//! naming both files. A report of `check --state` adds what the antivirus receives of each row.

use std::path::Path;

use super::args::{ExportArgs, HostSource};
use super::common::{emit, load_catalog, load_inventory, load_inventory_with, print_warnings};
use super::{CliError, CliResult, Outcome};
use crate::check::state::Sync;
use crate::export::lifecycle::{self, HostInput};
use crate::export::{ExportState, export_hosts};
use crate::model::WarnCode;
use crate::model::{Catalog, Report, Warning};

pub fn run(args: ExportArgs) -> CliResult {
    let catalog = load_catalog(&args.catalogs)?;
    let mut hosts = Vec::new();
    if args.inventories.is_empty() && args.root.is_none() {
        return Err(CliError::Input(
            "nothing to export: give --inventory FILE (repeat for a fleet) or --root DIR".into(),
        ));
    }
    for f in &args.inventories {
        let (report, sync) = report_from_file(f, &args.catalogs, &catalog)?;
        hosts.push(HostInput {
            report,
            sync,
            file: Some(f.clone()),
        });
    }
    if let Some(root) = &args.root {
        hosts.push(HostInput {
            report: report_from_root(root, &args.catalogs, &catalog)?,
            sync: None,
            file: None,
        });
    }
    lifecycle::duplicate_hosts(&hosts).map_err(CliError::Input)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    for h in &hosts {
        let info = lifecycle::host_info(h, now, args.stale_after);
        if info.stale {
            print_warnings(&[Warning::new(
                WarnCode::StaleInventory,
                format!(
                    "{} ({}) was collected at {}, more than {} days ago: marked stale; collect it again",
                    h.file
                        .as_ref()
                        .map(|f| f.display().to_string())
                        .unwrap_or_else(|| "the scan".into()),
                    h.report.host.hostname.escape_debug(),
                    if info.collected_at.is_empty() {
                        "an unknown time"
                    } else {
                        &info.collected_at
                    },
                    args.stale_after
                ),
            )]);
        }
    }
    let previous = match &args.state {
        Some(p) => ExportState::read(p).map_err(|e| CliError::Input(format!("{e:#}")))?,
        None => None,
    };
    let doc = export_hosts(
        &hosts,
        Some(&catalog),
        args.format,
        super::lang(),
        previous.as_ref(),
        args.stale_after,
        now,
    )
    .map_err(CliError::Other)?;
    emit(args.output.as_deref(), &doc)?;
    if let Some(p) = &args.state {
        let reports: Vec<Report> = hosts.into_iter().map(|h| h.report).collect();
        ExportState::of(&reports, Some(&catalog))
            .write(p)
            .map_err(|e| CliError::Input(format!("{e:#}")))?;
    }
    Ok(Outcome::Clean)
}

/// Read a report or an inventory. A report is told apart by its `entries` and `summary` keys; a
/// report of `check --state` carries `sync` (what the antivirus receives, accepted findings).
fn report_from_file(
    path: &Path,
    overlays: &[std::path::PathBuf],
    catalog: &Catalog,
) -> Result<(Report, Option<Sync>), CliError> {
    let text =
        crate::input::read_text(path).map_err(|e| CliError::Input(format!("cannot read {e}")))?;
    let probe: Result<serde_json::Value, String> = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        crate::yaml::from_str(&text)
            .map_err(|e| format!("line {} column {}: {}", e.line, e.column, e.message))
    };
    let probe = probe.map_err(|e| {
        CliError::Input(format!(
            "{} is neither an inventory nor a report: {e}",
            path.display()
        ))
    })?;
    let is_report = probe.get("entries").is_some() && probe.get("summary").is_some();
    if is_report {
        let sync = match probe.get("sync") {
            Some(s) => Some(serde_json::from_value(s.clone()).map_err(|e| {
                CliError::Input(format!("{}: `sync` is not valid: {e}", path.display()))
            })?),
            None => None,
        };
        let report = serde_json::from_value(probe).map_err(|e| {
            CliError::Input(format!("{} is not a valid report: {e}", path.display()))
        })?;
        return Ok((report, sync));
    }
    Ok((check_inventory(path, overlays, catalog)?, None))
}

/// Inventory file → report, checked against the effective catalog.
fn check_inventory(
    path: &Path,
    overlays: &[std::path::PathBuf],
    catalog: &Catalog,
) -> Result<Report, CliError> {
    let source = HostSource {
        root: None,
        inventory: Some(path.to_path_buf()),
    };
    let inv = load_inventory(&source, overlays)?;
    Ok(crate::check::check(catalog, &inv))
}

/// A scan of `root` (as `discover --root`, binaries hashed so the export has their sha256).
fn report_from_root(
    root: &Path,
    overlays: &[std::path::PathBuf],
    catalog: &Catalog,
) -> Result<Report, CliError> {
    let source = HostSource {
        root: Some(root.to_path_buf()),
        inventory: None,
    };
    let inv = load_inventory_with(&source, overlays, true)?;
    Ok(crate::check::check(catalog, &inv))
}
