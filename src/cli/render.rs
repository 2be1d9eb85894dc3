//! `avexclude render`: check the host (or an inventory), then write each requested vendor's files
//! under `OUT/<vendor>/`, atomically. Standard output gets a few lines per vendor (the files, the
//! values written, held back, narrowed, refused, not expressible, and how to apply them); the
//! per-entry details are in the files' own headers, and on stderr with `-v`.

use std::path::Path;

use super::args::RenderArgs;
use super::common::{load_catalog, print_warnings};
use super::{CliError, CliResult, Outcome};
use crate::i18n::Lang;
use crate::model::Warning;
use crate::render::{self, RenderOptions};

pub fn run(args: RenderArgs) -> CliResult {
    let vendors = super::vendors::load(args.vendors_dir.as_deref())?;
    let mut chosen = Vec::new();
    for name in &args.vendors {
        match vendors.iter().find(|v| v.name() == name) {
            Some(v) => {
                if !chosen
                    .iter()
                    .any(|c: &&render::Vendor| c.name() == v.name())
                {
                    chosen.push(v);
                }
            }
            None => {
                let known: Vec<&str> = vendors.iter().map(|v| v.name()).collect();
                return Err(CliError::Input(format!(
                    "unknown vendor '{}'; known vendors: {}",
                    name.escape_debug(),
                    known.join(", ")
                )));
            }
        }
    }
    let catalog = load_catalog(&args.catalogs)?;
    // A mistyped --allow-risk is a usage error, as a mistyped flag is: it would otherwise leave
    // the entry held back while the operator believes it written.
    for id in &args.allow_risk {
        if catalog.get(id).is_none() {
            let hint = closest(id, catalog.entries.iter().map(|e| e.id.as_str()))
                .map(|c| format!("; did you mean '{c}'?"))
                .unwrap_or_default();
            return Err(CliError::Input(format!(
                "--allow-risk {}: no catalog entry has this id{hint}",
                id.escape_debug()
            )));
        }
    }
    let inv = super::common::load_inventory(&args.source, &args.catalogs)?;
    let report = crate::check::check(&catalog, &inv);
    let opts = RenderOptions {
        wildcards: args.wildcards,
        allow_risk: args.allow_risk.clone(),
    };
    // Render everything first: a template error leaves no half-written output behind.
    let mut rendered = Vec::new();
    for v in &chosen {
        let r = render::render_with(&report, &catalog, v, &opts, Some(&inv))
            .map_err(|e| CliError::Input(format!("rendering {}: {e}", v.name())))?;
        rendered.push((v.name().to_string(), r));
    }
    // the inventory's own warnings were printed when it was loaded
    let lang = super::lang();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut summary = String::new();
    for (name, r) in rendered {
        let dir = args.out.join(&name);
        prepare_dir(&dir)?;
        for f in &r.files {
            let path = args.out.join(&f.path);
            crate::atomic::write_mode(&path, &f.bytes, f.mode)
                .map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
        }
        summary.push_str(&vendor_summary(&name, &dir, &r, lang));
        for mut w in r.warnings.into_iter() {
            // an unknown --allow-risk id is the same mistake for every vendor: say it once
            if w.code == "unknown-id" {
                if warnings
                    .iter()
                    .any(|x| x.code == w.code && x.subject == w.subject)
                {
                    continue;
                }
            } else {
                w.message = format!("{name}: {}", w.message);
            }
            warnings.push(w);
        }
    }
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(summary.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| CliError::Other(e.into()))?;
    drop(out);
    if args.verbose {
        print_warnings(&warnings);
    }
    Ok(Outcome::Clean)
}

/// Create `OUT/<vendor>/`; refuse a symbolic link there, which could send root's writes elsewhere.
fn prepare_dir(dir: &Path) -> Result<(), CliError> {
    if let Ok(m) = std::fs::symlink_metadata(dir) {
        if m.file_type().is_symlink() {
            return Err(CliError::Input(format!(
                "{} is a symbolic link; refusing to write through it",
                dir.display()
            )));
        }
        if !m.is_dir() {
            return Err(CliError::Input(format!(
                "{} exists and is not a directory",
                dir.display()
            )));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::Input(format!("cannot create {}: {e}", dir.display())))
}

/// A few lines for one vendor: where its files are, what was written and what not, and how to
/// apply them.
pub fn vendor_summary(name: &str, dir: &Path, r: &render::Rendered, lang: Lang) -> String {
    use std::fmt::Write as _;
    let c = &r.counts;
    let mut out = String::new();
    let names: Vec<String> = r
        .files
        .iter()
        .map(|f| {
            f.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let dir_s = format!("{}/", dir.display());
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "{name}: {} {} in {dir_s}: {}",
            names.len(),
            if names.len() == 1 { "file" } else { "files" },
            names.join(", ")
        ),
        Lang::Ru => writeln!(
            out,
            "{name}: {} {} в {dir_s}: {}",
            names.len(),
            crate::i18n::ru_plural(names.len(), "файл", "файла", "файлов"),
            names.join(", ")
        ),
    };
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "  {} values written; {} held back, {} narrowed, {} refused, {} not expressible",
            c.written, c.held_back, c.narrowed, c.refused, c.not_expressible
        ),
        Lang::Ru => writeln!(
            out,
            "  записано значений: {}; отложено {}, сужено {}, отклонено {}, не выражается {}",
            c.written, c.held_back, c.narrowed, c.refused, c.not_expressible
        ),
    };
    if !r.held_back.is_empty() {
        let mut ids: Vec<&str> = r.held_back.iter().map(|(id, _)| id.as_str()).collect();
        ids.dedup();
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "  held back (high risk): {}; --allow-risk ID writes one",
                ids.join(", ")
            ),
            Lang::Ru => writeln!(
                out,
                "  отложено (высокий риск): {}; --allow-risk ID запишет запись",
                ids.join(", ")
            ),
        };
    }
    if c.held_back + c.narrowed + c.refused + c.not_expressible > 0 {
        let _ = writeln!(
            out,
            "  {}",
            lang.tr(
                "details: the header of each file, or -v",
                "подробности: в заголовке каждого файла или с -v"
            )
        );
    }
    if names.iter().any(|n| n == "apply.sh") {
        let apply = dir.join("apply.sh");
        let _ = writeln!(
            out,
            "  {} sudo sh {}",
            lang.tr("apply:", "применить:"),
            crate::check::format::shell_word(&apply.display().to_string())
        );
    }
    out
}

/// The known id nearest to a mistyped one (edit distance at most 3), for "did you mean".
fn closest<'a>(typo: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    fn dist(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != *cb);
                cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    }
    known
        .map(|k| (dist(typo, k), k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| k)
}
