//! `avexclude catalog show|lint`.

use super::args::{CatalogCmd, ShowFormat};
use super::common::{emit, load_catalog, to_json, to_yaml};
use super::{CliResult, Outcome};

pub fn run(cmd: CatalogCmd) -> CliResult {
    match cmd {
        CatalogCmd::Show { catalogs, format } => {
            let c = load_catalog(&catalogs)?;
            let text = match format {
                ShowFormat::Json => to_json(&c)?,
                ShowFormat::Yaml => to_yaml(&c)?,
                ShowFormat::Table => table(&c, super::lang()),
            };
            emit(None, text.as_bytes())?;
            Ok(Outcome::Clean)
        }
        CatalogCmd::Lint { codes: true, .. } => {
            emit(None, codes_text_in(super::lang()).as_bytes())?;
            Ok(Outcome::Clean)
        }
        CatalogCmd::Lint { catalogs, .. } => {
            let c = load_catalog(&catalogs)?;
            let disabled = c.entries.iter().filter(|e| e.disabled.is_some()).count();
            let msg = match super::lang() {
                crate::i18n::Lang::En => format!(
                    "catalog ok: {} entries from {} file(s), {} disabled\n",
                    c.entries.len(),
                    c.sources.len(),
                    disabled
                ),
                crate::i18n::Lang::Ru => format!(
                    "каталог в порядке: записей {} из файлов: {}, отключено: {}\n",
                    c.entries.len(),
                    c.sources.len(),
                    disabled
                ),
            };
            emit(None, msg.as_bytes())?;
            Ok(Outcome::Clean)
        }
    }
}

fn table(c: &crate::model::Catalog, lang: crate::i18n::Lang) -> String {
    let head: [&str; 6] = match lang {
        crate::i18n::Lang::En => ["ID", "KIND", "COMPONENT", "RISK", "ORIGIN", "CANONICAL"],
        crate::i18n::Lang::Ru => [
            "ID",
            "ВИД",
            "КОМПОНЕНТ",
            "РИСК",
            "ИСТОЧНИК",
            "ТЕКСТ ПОСТАВЩИКА",
        ],
    };
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for e in &c.entries {
        let mut canon = e.canonical.clone();
        if e.audit_only {
            canon.push_str(lang.tr("  (audit only)", "  (только для audit)"));
        }
        if let Some(d) = &e.disabled {
            canon.push_str(&format!("  ({}: {d})", lang.tr("disabled", "отключено")));
        }
        rows.push(vec![
            e.id.clone(),
            e.kind.to_string(),
            e.component.clone(),
            match lang {
                crate::i18n::Lang::En => e.risk.to_string(),
                crate::i18n::Lang::Ru => crate::export::i18n::risk(e.risk, lang).to_string(),
            },
            e.source.origin_text(),
            canon,
        ]);
    }
    crate::table::render(&rows)
}

/// Every code, one registry shown whole: the catalog's, the vendor templates' and the vendor
/// descriptors' diagnostics, then the warnings of a run (scan, render, export).
pub fn codes_text() -> String {
    codes_text_in(crate::i18n::Lang::En)
}

/// As [`codes_text`], the areas and meanings in `lang` (the codes stay as they are).
pub fn codes_text_in(lang: crate::i18n::Lang) -> String {
    use crate::i18n::codes::{area, describe};
    let all = [
        ("catalog", crate::catalog::diags::CODES),
        ("template", crate::render::vendor::TEMPLATE_CODES),
        ("vendor", crate::render::vendor::VENDOR_CODES),
        ("warning", crate::warning_codes::WARNING_CODES),
    ];
    let rows: Vec<Vec<&str>> = all
        .iter()
        .flat_map(|(a, table)| {
            table
                .iter()
                .map(move |(c, w)| vec![area(a, lang), *c, describe(c, w, lang)])
        })
        .collect();
    crate::table::render(&rows)
}
