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
                ShowFormat::Table => table(&c),
            };
            emit(None, text.as_bytes())?;
            Ok(Outcome::Clean)
        }
        CatalogCmd::Lint { codes: true, .. } => {
            emit(None, codes_text().as_bytes())?;
            Ok(Outcome::Clean)
        }
        CatalogCmd::Lint { catalogs, .. } => {
            let c = load_catalog(&catalogs)?;
            let disabled = c.entries.iter().filter(|e| e.disabled.is_some()).count();
            let msg = format!(
                "catalog ok: {} entries from {} file(s), {} disabled\n",
                c.entries.len(),
                c.sources.len(),
                disabled
            );
            emit(None, msg.as_bytes())?;
            Ok(Outcome::Clean)
        }
    }
}

fn table(c: &crate::model::Catalog) -> String {
    let mut rows = vec![vec![
        "ID".to_string(),
        "KIND".into(),
        "COMPONENT".into(),
        "RISK".into(),
        "ORIGIN".into(),
        "CANONICAL".into(),
    ]];
    for e in &c.entries {
        let mut canon = e.canonical.clone();
        if e.audit_only {
            canon.push_str("  (audit only)");
        }
        if let Some(d) = &e.disabled {
            canon.push_str(&format!("  (disabled: {d})"));
        }
        rows.push(vec![
            e.id.clone(),
            e.kind.to_string(),
            e.component.clone(),
            e.risk.to_string(),
            e.source.origin_text(),
            canon,
        ]);
    }
    crate::table::render(&rows)
}

/// Every code, one registry shown whole: the catalog's and the vendor templates' diagnostics,
/// then the warnings of a run (scan, render, export).
pub fn codes_text() -> String {
    let all = [
        ("catalog", crate::catalog::diags::CODES),
        ("template", crate::render::vendor::TEMPLATE_CODES),
        ("warning", crate::warning_codes::WARNING_CODES),
    ];
    let rows: Vec<Vec<&str>> = all
        .iter()
        .flat_map(|(area, table)| table.iter().map(move |(c, w)| vec![*area, *c, *w]))
        .collect();
    crate::table::render(&rows)
}
