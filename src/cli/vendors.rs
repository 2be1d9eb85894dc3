//! `avexclude vendors`: the products known (built in, plus `--vendors-dir`), with what each
//! accepts, its wildcard and escaping rules, the files it gets, and where its syntax comes from.

use serde::Serialize;

use super::args::{ListFormat, VendorsArgs};
use super::common::{emit, to_json};
use super::{CliError, CliResult, Outcome};
use crate::render::vendor::{Accepts, Feature, FileSpec, Views, WildcardStyle};
use crate::render::{Vendor, load_vendors};

#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    display_name: &'a str,
    versions: &'a str,
    origin: &'a str,
    accepts: &'a Accepts,
    wildcards: WildcardStyle,
    escaping: &'a str,
    files: &'a [FileSpec],
    sources: &'a [String],
    unverified: &'a [String],
    /// Which path (host, container, unknown) the scanner compares for files and processes.
    views: &'a Views,
    /// Version-dependent switches (`--vendor-param NAME.version=V`), with their sources.
    features: &'a [Feature],
    params: &'a serde_json::Value,
}

/// Load the vendors or end with exit 2, the problem placed at file:line:column.
pub fn load(dir: Option<&std::path::Path>) -> Result<Vec<Vendor>, CliError> {
    load_vendors(dir).map_err(|e| CliError::Input(format!("vendor definition error: {e}")))
}

/// Apply `--vendor-param NAME.KEY=VALUE` overrides; an unknown vendor or a malformed one is a
/// usage error (exit 2).
pub fn apply_params(vendors: &mut [Vendor], params: &[String]) -> Result<(), CliError> {
    for p in params {
        let bad = || {
            CliError::Input(format!(
                "--vendor-param {}: expected NAME.KEY=VALUE (e.g. drweb.version=10.0)",
                p.escape_debug()
            ))
        };
        let (lhs, value) = p.split_once('=').ok_or_else(bad)?;
        let (name, key) = lhs.split_once('.').ok_or_else(bad)?;
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad());
        }
        let v = vendors
            .iter_mut()
            .find(|v| v.name() == name)
            .ok_or_else(|| {
                CliError::Input(format!(
                    "--vendor-param {}: unknown vendor",
                    p.escape_debug()
                ))
            })?;
        v.descriptor.set_param(key, value);
    }
    Ok(())
}

pub fn run(args: VendorsArgs) -> CliResult {
    let vendors = load(args.vendors_dir.as_deref())?;
    let text = match args.format {
        ListFormat::Json => {
            let rows: Vec<Row> = vendors
                .iter()
                .map(|v| {
                    let d = &v.descriptor;
                    Row {
                        name: &d.name,
                        display_name: &d.display_name,
                        versions: &d.versions,
                        origin: &v.origin,
                        accepts: &d.accepts,
                        wildcards: d.wildcards,
                        escaping: &d.escaping,
                        files: &d.files,
                        sources: &d.sources,
                        unverified: &d.unverified,
                        views: &d.views,
                        features: &d.features,
                        params: &d.params,
                    }
                })
                .collect();
            to_json(&rows)?
        }
        ListFormat::Table => table(&vendors, super::lang()),
    };
    emit(None, text.as_bytes())?;
    Ok(Outcome::Clean)
}

fn yes(b: bool, lang: crate::i18n::Lang) -> &'static str {
    if b { lang.tr("yes", "да") } else { "-" }
}

fn table(vendors: &[Vendor], lang: crate::i18n::Lang) -> String {
    // the column heads in Russian: what each product can exclude
    const HEAD_RU: [&str; 12] = [
        "ИМЯ",
        "КАТАЛОГ",
        "ФАЙЛ",
        "ШАБЛОН",
        "РЕГ.ВЫР",
        "ПУТЬ-ПРОЦ",
        "ИМЯ-ПРОЦ",
        "ПОРТ",
        "ПОЛЬЗ",
        "ПОДСТАНОВКИ",
        "ФАЙЛЫ",
        "ПРОДУКТ",
    ];
    let head = [
        "NAME",
        "DIR",
        "FILE",
        "GLOB",
        "REGEX",
        "PROC-PATH",
        "PROC-NAME",
        "PORT",
        "USER",
        "WILDCARDS",
        "FILES",
        "PRODUCT",
    ];
    let head = match lang {
        crate::i18n::Lang::En => head,
        crate::i18n::Lang::Ru => HEAD_RU,
    };
    let mut rows: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for v in vendors {
        let d = &v.descriptor;
        let a = &d.accepts;
        let wild = match d.wildcards {
            WildcardStyle::None => "none",
            WildcardStyle::Segment => "segment",
            WildcardStyle::WholeSegment => "whole-segment",
        };
        rows.push(vec![
            d.name.clone(),
            yes(a.directory, lang).into(),
            yes(a.file, lang).into(),
            yes(a.glob, lang).into(),
            yes(a.regex, lang).into(),
            yes(a.process_path, lang).into(),
            yes(a.process_name, lang).into(),
            yes(a.port, lang).into(),
            yes(a.user, lang).into(),
            wild.into(),
            d.files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(","),
            d.display_name.clone(),
        ]);
    }
    crate::table::render(&rows)
}
