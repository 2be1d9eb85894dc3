//! Reading the files that carry a host between machines: an inventory (`avexclude discover -o`)
//! and a report (`avexclude check --format json -o`), as `check --inventory` and `export` take
//! them.
//!
//! Why here and not in `cli/`: reading a host's facts back is a stage of the pipeline (the fleet
//! export and the round-trip tests use it without a command line), and its errors are typed, so a
//! caller can tell a file that is not there from one of another schema. The English texts are the
//! ones the command line always printed; `i18n::messages` keys its Russian on them.

use std::path::{Path, PathBuf};

use crate::check::state::Sync;
use crate::model::{Inventory, Report, SCHEMA_VERSION};

/// Why an inventory or report file was refused. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Missing, not a regular file, too large, unreadable (the bounded reader's message names it).
    #[error("cannot read inventory {0}")]
    ReadInventory(std::io::Error),
    #[error("inventory {}: not UTF-8 text (expected YAML or JSON from `avexclude discover`)", .0.display())]
    NotUtf8(PathBuf),
    /// A BOM, a NUL or other text no YAML reader should guess about.
    #[error("inventory {}: {message}", path.display())]
    BadText { path: PathBuf, message: String },
    #[error("inventory {}: not a valid {format} inventory: {message}", path.display())]
    Parse {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
    #[error("inventory {}: schema {found} is not supported; this avexclude reads inventory schema {SCHEMA_VERSION} (re-run `avexclude discover`)", path.display())]
    Schema { path: PathBuf, found: String },
    #[error("inventory {}: no `schema` key; this avexclude reads inventory schema {SCHEMA_VERSION} (written by `avexclude discover`)", .0.display())]
    NoSchema(PathBuf),
    #[error("cannot read {0}")]
    Read(std::io::Error),
    #[error("{} is neither an inventory nor a report: {message}", path.display())]
    Neither { path: PathBuf, message: String },
    #[error("{}: `sync` is not valid: {message}", path.display())]
    BadSync { path: PathBuf, message: String },
    #[error("{} is not a valid report: {message}", path.display())]
    BadReport { path: PathBuf, message: String },
}

/// What a file given to `export` holds.
pub enum HostFile {
    /// A report of `check`; with `sync` when it was a `check --state` report (what the antivirus
    /// receives, accepted findings).
    Report(Box<Report>, Option<Sync>),
    /// An inventory, still to be checked against the effective catalog.
    Inventory(Box<Inventory>),
}

/// Parse `text` as JSON (it starts with `{`) or YAML, with the position in the message.
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    if is_json(text) {
        serde_json::from_str(text)
            .map_err(|e| format!("line {} column {}: {e}", e.line(), e.column()))
    } else {
        crate::yaml::from_str(text)
            .map_err(|e| format!("line {} column {}: {}", e.line, e.column, e.message))
    }
}

fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Read an inventory file (YAML or JSON from `avexclude discover`): bounded, regular files only,
/// and only the schema this avexclude writes; another schema is refused, never half understood.
pub fn read_inventory(file: &Path) -> Result<Inventory, InputError> {
    let text = crate::input::read(file).map_err(InputError::ReadInventory)?;
    let text = String::from_utf8(text).map_err(|_| InputError::NotUtf8(file.to_path_buf()))?;
    inventory_from_text(file, &text)
}

/// The inventory in `text`, read from `file` (named in every error).
fn inventory_from_text(file: &Path, text: &str) -> Result<Inventory, InputError> {
    crate::input::check_text(text).map_err(|message| InputError::BadText {
        path: file.to_path_buf(),
        message,
    })?;
    let format = if is_json(text) { "JSON" } else { "YAML" };
    let bad = |message: String| InputError::Parse {
        path: file.to_path_buf(),
        format,
        message,
    };
    // The schema first, read loosely: a future inventory may not parse as this one does.
    #[derive(serde::Deserialize)]
    struct Probe {
        schema: Option<serde_json::Value>,
    }
    match parse::<Probe>(text).map_err(bad)?.schema {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        Some(v) => {
            return Err(InputError::Schema {
                path: file.to_path_buf(),
                found: v.to_string(),
            });
        }
        None => return Err(InputError::NoSchema(file.to_path_buf())),
    }
    parse(text).map_err(bad)
}

/// Read a report or an inventory. A report is told apart by its `entries` and `summary` keys.
pub fn read_host_file(path: &Path) -> Result<HostFile, InputError> {
    let text = crate::input::read_text(path).map_err(InputError::Read)?;
    let probe: serde_json::Value = parse(&text).map_err(|message| InputError::Neither {
        path: path.to_path_buf(),
        message,
    })?;
    if !(probe.get("entries").is_some() && probe.get("summary").is_some()) {
        return inventory_from_text(path, &text).map(|i| HostFile::Inventory(Box::new(i)));
    }
    let sync = match probe.get("sync") {
        Some(s) => Some(
            serde_json::from_value(s.clone()).map_err(|e| InputError::BadSync {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?,
        ),
        None => None,
    };
    let report = serde_json::from_value(probe).map_err(|e| InputError::BadReport {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(HostFile::Report(Box::new(report), sync))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn another_schema_is_refused_naming_the_file_and_both_schemas() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "inv.json", "{\"schema\": 999}");
        let e = read_inventory(&p).unwrap_err();
        assert!(matches!(e, InputError::Schema { ref found, .. } if found == "999"));
        let m = e.to_string();
        assert!(
            m.starts_with(&format!("inventory {}: schema 999", p.display())),
            "{m}"
        );
        assert!(
            m.contains(&format!("reads inventory schema {SCHEMA_VERSION}")),
            "{m}"
        );
        let p = write(d.path(), "inv.yaml", "host: {}\n");
        assert!(matches!(read_inventory(&p), Err(InputError::NoSchema(_))));
    }

    #[test]
    fn a_parse_error_has_its_format_and_position() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "inv.json",
            &format!("{{\"schema\": {SCHEMA_VERSION},\n \"host\": 3}}"),
        );
        let m = read_inventory(&p).unwrap_err().to_string();
        assert!(
            m.contains("not a valid JSON inventory: line 2 column"),
            "{m}"
        );
    }

    #[test]
    fn a_file_that_is_neither_is_named() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "x.yaml", "a: [\n");
        let e = match read_host_file(&p) {
            Err(e) => e,
            Ok(_) => panic!("read"),
        };
        assert!(matches!(e, InputError::Neither { .. }));
        assert!(
            e.to_string()
                .starts_with(&format!("{} is neither", p.display()))
        );
        // a report-shaped file whose entries are wrong is a bad report, not an inventory
        let p = write(d.path(), "r.json", "{\"entries\": 1, \"summary\": {}}");
        assert!(matches!(
            read_host_file(&p),
            Err(InputError::BadReport { .. })
        ));
    }
}
