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
use super::common::{load_catalog, load_inventory_with, print_warnings};
use super::{CliError, CliResult, Outcome};
use crate::check::state::Sync;
use crate::export::lifecycle::{self, HostInput};
use crate::export::{ExportState, Fleet, write_to};
use crate::inventory::HostFile;
use crate::model::WarnCode;
use crate::model::{Catalog, Report, Warning};

pub fn run(args: ExportArgs) -> CliResult {
    let catalog = load_catalog(&args.catalogs)?;
    if args.inventories.is_empty() && args.root.is_none() {
        return Err(CliError::Input(
            "nothing to export: give --inventory FILE (repeat for a fleet) or --root DIR".into(),
        ));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let lang = super::lang();
    // One host at a time: each report is read, turned into rows and dropped, so a fleet of a
    // thousand hosts never holds a thousand reports.
    let mut fleet = Fleet::new(Some(&catalog), lang);
    let mut keys = Vec::new();
    let mut add = |h: HostInput| {
        let info = lifecycle::host_info(&h, now, args.stale_after);
        if info.stale {
            warn_stale(&h, &info, args.stale_after);
        }
        keys.push(lifecycle::HostKey::of(&h));
        fleet.add(&h.report, h.sync.as_ref(), Some(info));
    };
    for f in &args.inventories {
        let (report, sync) = report_from_file(f, &catalog)?;
        add(HostInput {
            report,
            sync,
            file: Some(f.clone()),
        });
    }
    if let Some(root) = &args.root {
        add(HostInput {
            report: report_from_root(root, &args.catalogs, &catalog)?,
            sync: None,
            file: None,
        });
    }
    lifecycle::duplicate_keys(&keys).map_err(CliError::Input)?;
    let previous = match &args.state {
        Some(p) => ExportState::read(p).map_err(|e| CliError::Input(format!("{e:#}")))?,
        None => None,
    };
    let (model, meta) = fleet.finish(previous.as_ref());
    let mut write = |w: &mut dyn std::io::Write| write_to(&model, &meta, args.format, w);
    match args.output.as_deref() {
        Some(p) => crate::atomic::write_with(p, 0o644, &mut write)
            .map_err(|e| CliError::Input(format!("cannot write {e}")))?,
        None => {
            let out = std::io::stdout().lock();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
            write(&mut out).map_err(|e| CliError::Other(e.into()))?;
        }
    }
    if let Some(p) = &args.state {
        ExportState::of_model(&model, meta.generated_at.clone())
            .write(p)
            .map_err(|e| CliError::Input(format!("{e:#}")))?;
    }
    Ok(Outcome::Clean)
}

fn warn_stale(h: &HostInput, info: &lifecycle::HostInfo, stale_after: u32) {
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
            stale_after
        ),
    )]);
}

/// Read a report or an inventory ([`crate::inventory::read_host_file`]); an inventory is checked
/// against the effective catalog, its warnings printed as `check --inventory` prints them.
fn report_from_file(path: &Path, catalog: &Catalog) -> Result<(Report, Option<Sync>), CliError> {
    match crate::inventory::read_host_file(path).map_err(|e| CliError::Input(e.to_string()))? {
        HostFile::Report(report, sync) => Ok((*report, sync)),
        HostFile::Inventory(inv) => {
            print_warnings(&inv.warnings);
            Ok((crate::check::check(catalog, &inv), None))
        }
    }
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
