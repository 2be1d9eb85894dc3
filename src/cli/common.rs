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
    catalog::load_with_overlays(overlays).map_err(|diags| {
        let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        CliError::Input(format!(
            "the catalog has {} error(s):\n{}",
            diags.len(),
            text.join("\n")
        ))
    })
}

/// Write `text` to `output` atomically, or to standard output.
pub fn emit(output: Option<&Path>, text: &[u8]) -> Result<(), CliError> {
    match output {
        Some(p) => crate::atomic::write(p, text)
            .map_err(|e| CliError::Input(format!("cannot write {}: {e}", p.display()))),
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

/// Print warnings to stderr, one line each, control characters escaped.
pub fn print_warnings(warnings: &[crate::model::Warning]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let subj = w
            .subject
            .as_deref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        let line = format!("avexclude: warning[{}]{}: {}", w.code, subj, w.message);
        let clean: String = line
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        let _ = writeln!(err, "{clean}");
    }
}
