//! `avexclude render`: check the host (or an inventory), then write each requested vendor's files
//! under `OUT/<vendor>/`, atomically. Standard output gets a few lines per vendor (the files, the
//! values written, held back, narrowed, refused, not expressible, and how to apply them); the
//! per-entry details are in the files' own headers, and on stderr with `-v`. With `--state`, the apply scripts also
//! remove what an earlier `render --state` added and the host no longer needs, and the state
//! records what was written, only after every file was.

use std::path::Path;

use super::args::RenderArgs;
use super::common::{load_catalog, print_warnings};
use super::{CliError, CliResult, Outcome};
use crate::check::state::State;
use crate::i18n::Lang;
use crate::model::WarnCode;
use crate::model::Warning;
use crate::render::{self, RenderOptions};

pub fn run(args: RenderArgs) -> CliResult {
    let mut vendors = super::vendors::load(args.vendors_dir.as_deref())?;
    super::vendors::apply_params(&mut vendors, &args.vendor_params)?;
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
    // A typo would silently hold back what the admin meant to allow: an error, with a hint.
    super::lifecycle::check_allow_risk(&args.allow_risk, &catalog)?;
    // the scan's warnings are counted in the summary, in full with -v (never twice)
    let inv = super::common::load_inventory_quiet(&args.source, &args.catalogs, false)?;
    let report = crate::check::check(&catalog, &inv);
    // Never render from a scan that could not see the host: empty files would drop exclusions.
    super::lifecycle::fail_closed(&inv, &report, &catalog, args.allow_empty)
        .map_err(CliError::Input)?;
    let mut state = match &args.state {
        Some(p) => Some(State::load_for(p, &inv.host).map_err(|e| CliError::Input(e.to_string()))?),
        None => None,
    };
    let opts = RenderOptions {
        wildcards: args.wildcards,
        allow_risk: args.allow_risk.clone(),
    };
    // Render everything first: a template error leaves no half-written output behind.
    let mut rendered = Vec::new();
    let mut records = Vec::new();
    let at = crate::discovery::host::now_rfc3339();
    for v in &chosen {
        let plan = render::plan_for(&report, &catalog, v, &opts, Some(&inv));
        let values = super::lifecycle::written_values(&plan);
        // What an earlier render --state added for this vendor and the host no longer needs.
        let gone = state
            .as_ref()
            .map(|st| crate::check::state::to_remove(st, v.name(), &values))
            .unwrap_or_default();
        let removal = render::Removal::of(
            gone.iter()
                .map(|w| (w.id.as_str(), w.kind, w.value.as_str())),
        );
        let r = render::render_plan(&report, v, &opts, &plan, &removal)
            .map_err(|e| CliError::Input(format!("rendering {}: {e}", v.name())))?;
        let files = r
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        records.push((
            v.name().to_string(),
            super::lifecycle::vendor_record(&plan, &opts, args.vendors_dir.as_deref(), files, &at),
        ));
        rendered.push((v.name().to_string(), r));
    }
    // All or nothing: every file of every vendor is written and flushed unnamed first; only when
    // all of them are staged is any put in place, so a failure (disk full, a target that is a
    // directory) leaves the old files as they were, never old and new mixed.
    let mut staged = Vec::new();
    for (name, r) in &rendered {
        prepare_dir(&args.out.join(name))?;
        for f in &r.files {
            let path = args.out.join(&f.path);
            staged.push(
                crate::atomic::stage(&path, &f.bytes, f.mode)
                    .map_err(|e| CliError::Input(format!("cannot write {e}")))?,
            );
        }
    }
    crate::atomic::commit_all(staged).map_err(|e| CliError::Input(format!("cannot write {e}")))?;
    // the inventory's own warnings were printed when it was loaded
    let lang = super::lang();
    let mut summary = String::new();
    let mut warnings: Vec<Warning> = Vec::new();
    for (name, r) in rendered {
        summary.push_str(&vendor_summary(&name, &args.out.join(&name), &r, lang));
        // what a product cannot express is listed in its files' comments: one line per vendor
        let mut inexpressible: Vec<String> = Vec::new();
        for w in r.warnings.iter().filter(|w| w.is(WarnCode::NotExpressible)) {
            let id = w.subject.clone().unwrap_or_default();
            if !inexpressible.contains(&id) {
                inexpressible.push(id);
            }
        }
        if !inexpressible.is_empty() {
            warnings.push(
                Warning::new(
                    WarnCode::NotExpressible,
                    format!(
                        "{name}: {} entries have values this product cannot express (process or port exclusions); \
                         not written, listed in the output's comments: {}",
                        inexpressible.len(),
                        inexpressible.join(", ")
                    ),
                )
                .about(name.clone()),
            );
        }
        for mut w in r
            .warnings
            .into_iter()
            .filter(|w| !w.is(WarnCode::NotExpressible))
        {
            // an unknown --allow-risk id is the same mistake for every vendor: say it once
            if w.is(WarnCode::UnknownId) {
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
    if !inv.warnings.is_empty() {
        let mut by_code: std::collections::BTreeMap<&str, usize> = Default::default();
        for w in &inv.warnings {
            *by_code.entry(w.code.as_str()).or_default() += 1;
        }
        let codes: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        summary.push_str(&match lang {
            Lang::En => format!(
                "scan warnings ({}): {}; details with -v\n",
                inv.warnings.len(),
                codes.join(", ")
            ),
            Lang::Ru => format!(
                "предупреждения сканирования ({}): {}; подробности: -v\n",
                inv.warnings.len(),
                codes.join(", ")
            ),
        });
    }
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(summary.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| CliError::Other(e.into()))?;
    drop(out);
    if args.verbose {
        print_warnings(&inv.warnings);
        print_warnings(&warnings);
    }
    // Recorded only now that every output was written: the state never claims a file that is not.
    if let (Some(path), Some(st)) = (&args.state, state.as_mut()) {
        for (name, rec) in records {
            st.rendered.insert(name, rec);
        }
        st.save(path).map_err(|e| CliError::Input(e.to_string()))?;
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
