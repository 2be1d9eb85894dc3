//! Pieces every subcommand uses: load the catalog (diagnostics → exit 2), write output to stdout
//! or atomically to a file, serialise in the requested format.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::CliError;
use crate::catalog;
use crate::model::Catalog;

/// Load the built-in catalog plus overlays; any diagnostic ends the run with exit 2.
pub fn load_catalog(overlays: &[PathBuf]) -> Result<Catalog, CliError> {
    let c = catalog::load_with_overlays(overlays).map_err(|diags| {
        let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        CliError::Input(format!(
            "the catalog has {} error(s):\n{}",
            diags.len(),
            text.join("\n")
        ))
    })?;
    // a warning that quotes the catalog's English (a why-risk) is shown with its Russian
    if super::lang() == crate::i18n::Lang::Ru {
        crate::i18n::messages::learn_catalog(&c);
    }
    Ok(c)
}

/// Write `text` to `output` atomically, or to standard output.
pub fn emit(output: Option<&Path>, text: &[u8]) -> Result<(), CliError> {
    match output {
        // the error names the file
        Some(p) => {
            crate::atomic::write(p, text).map_err(|e| CliError::Input(format!("cannot write {e}")))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text)
                .and_then(|_| out.flush())
                .map_err(|e| CliError::Other(e.into()))
        }
    }
}

/// JSON with a trailing newline.
pub fn to_json<T: Serialize>(v: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(v).map_err(|e| CliError::Other(e.into()))?;
    s.push('\n');
    Ok(s)
}

pub fn to_yaml<T: Serialize>(v: &T) -> Result<String, CliError> {
    crate::yaml::to_string(v).map_err(CliError::Other)
}

/// Print warnings to stderr, one line each in the language of the run, control, bidi and
/// zero-width characters escaped.
pub fn print_warnings(warnings: &[crate::model::Warning]) {
    let lang = super::lang();
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let line = crate::i18n::messages::warning_line(
            w.code.as_str(),
            w.subject.as_deref(),
            &w.message,
            lang,
        );
        let _ = writeln!(err, "{}", crate::sanitize::visible(&line));
    }
}

/// The inventory a command works on: `--inventory FILE` (YAML or JSON), or a scan of `--root`
/// (default `/`) with the catalog's paths probed. Its warnings go to stderr.
pub fn load_inventory(
    source: &super::args::HostSource,
    catalogs: &[PathBuf],
) -> Result<crate::model::Inventory, CliError> {
    load_inventory_with(source, catalogs, false)
}

/// As [`load_inventory`]; `hash` records the sha256 of every executable of a live or `--root` scan.
pub fn load_inventory_with(
    source: &super::args::HostSource,
    catalogs: &[PathBuf],
    hash: bool,
) -> Result<crate::model::Inventory, CliError> {
    let inv = load_inventory_quiet(source, catalogs, hash)?;
    print_warnings(&inv.warnings);
    Ok(inv)
}

/// As [`load_inventory_with`], leaving the warnings to the caller (the check table prints them
/// once, at its end, instead of twice).
pub fn load_inventory_quiet(
    source: &super::args::HostSource,
    catalogs: &[PathBuf],
    hash: bool,
) -> Result<crate::model::Inventory, CliError> {
    let inv = match &source.inventory {
        Some(file) => read_inventory(file)?,
        None => {
            let catalog = load_catalog(catalogs)?;
            let root = source.root.clone().unwrap_or_else(|| PathBuf::from("/"));
            if !root.is_dir() {
                return Err(CliError::Input(format!(
                    "--root {}: not a directory",
                    root.display()
                )));
            }
            crate::discovery::discover(&crate::discovery::DiscoverOptions {
                root,
                hash,
                hash_cache: None,
                probe_paths: catalog.probe_paths(),
            })
            // a scan that cannot see the host is an input error (exit 2), never "clean"
            .map_err(|e| {
                CliError::Input(format!(
                    "{e}: run avexclude on the host itself as root, or give --root a directory \
                     where the host's /proc is mounted (e.g. --root /host with /host/proc)"
                ))
            })?
        }
    };
    Ok(inv)
}

/// Read an inventory file (the library's reader, [`crate::inventory::read_inventory`]); its
/// refusal is an input error (exit 2) naming the file.
pub fn read_inventory(file: &Path) -> Result<crate::model::Inventory, CliError> {
    crate::inventory::read_inventory(file).map_err(|e| CliError::Input(e.to_string()))
}
