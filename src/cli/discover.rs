//! `avexclude discover`: scan the host (or `--root DIR`) and write the inventory.

use super::args::{DataFormat, DiscoverArgs};
use super::common::{emit, load_catalog, print_warnings, to_json, to_yaml};
use super::{CliResult, Outcome};
use crate::discovery::{DiscoverOptions, discover};

pub fn run(a: DiscoverArgs) -> CliResult {
    let catalog = load_catalog(&a.catalogs)?;
    if !a.root.is_dir() {
        return Err(super::CliError::Input(format!(
            "--root {}: not a directory",
            a.root.display()
        )));
    }
    let inv = discover(&DiscoverOptions {
        root: a.root.clone(),
        hash: a.hash,
        hash_cache: a.hash_cache.clone(),
        probe_paths: catalog.probe_paths(),
    })
    .map_err(|e| super::CliError::Input(e.to_string()))?;
    print_warnings(&inv.warnings);
    let text = match a.format {
        DataFormat::Json => to_json(&inv)?,
        DataFormat::Yaml => to_yaml(&inv)?,
    };
    emit(a.output.as_deref(), text.as_bytes())?;
    Ok(Outcome::Clean)
}
