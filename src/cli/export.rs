//! `avexclude export`: reports of one host or a fleet → a security-team document.
//!
//! Each `--inventory FILE` is an inventory written by `discover` (checked here against the
//! catalog) or a report written by `check --format json|yaml` (used as is: a DaemonSet or a timer
//! may already have checked the host). With `--root DIR`, the host at DIR is scanned and checked.
//! With `--state FILE`, rows added, removed or changed since the export that wrote FILE are
//! marked, and FILE is replaced by the state of this export once the document is written.

use std::path::Path;

use super::args::{ExportArgs, HostSource};
use super::common::{emit, load_catalog, load_inventory, load_inventory_with};
use super::{CliError, CliResult, Outcome};
use crate::export::{ExportState, export_with_catalog};
use crate::model::{Catalog, Report};

pub fn run(args: ExportArgs) -> CliResult {
    let catalog = load_catalog(&args.catalogs)?;
    let mut reports = Vec::new();
    if args.inventories.is_empty() && args.root.is_none() {
        return Err(CliError::Input(
            "nothing to export: give --inventory FILE (repeat for a fleet) or --root DIR".into(),
        ));
    }
    for f in &args.inventories {
        reports.push(report_from_file(f, &args.catalogs, &catalog)?);
    }
    if let Some(root) = &args.root {
        reports.push(report_from_root(root, &args.catalogs, &catalog)?);
    }
    let previous = match &args.state {
        Some(p) => ExportState::read(p).map_err(|e| CliError::Input(format!("{e:#}")))?,
        None => None,
    };
    let doc = export_with_catalog(
        &reports,
        Some(&catalog),
        args.format,
        super::lang(),
        previous.as_ref(),
    )
    .map_err(CliError::Other)?;
    emit(args.output.as_deref(), &doc)?;
    if let Some(p) = &args.state {
        ExportState::of(&reports, Some(&catalog))
            .write(p)
            .map_err(|e| CliError::Input(format!("{e:#}")))?;
    }
    Ok(Outcome::Clean)
}

/// Read a report or an inventory. A report is told apart by its `entries` and `summary` keys.
fn report_from_file(
    path: &Path,
    overlays: &[std::path::PathBuf],
    catalog: &Catalog,
) -> Result<Report, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
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
        return serde_json::from_value(probe).map_err(|e| {
            CliError::Input(format!("{} is not a valid report: {e}", path.display()))
        });
    }
    check_inventory(path, overlays, catalog)
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
