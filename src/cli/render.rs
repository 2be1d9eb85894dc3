//! `avexclude render`: check the host (or an inventory), then write each requested vendor's files
//! under `OUT/<vendor>/`, atomically, listing every written path on stdout and every warning
//! (not expressible, refused, held back) on stderr. With `--state`, the apply scripts also remove
//! what an earlier `render --state` added and the host no longer needs, and the state records what
//! was written, only after every file was.

use std::path::Path;

use super::args::RenderArgs;
use super::common::{load_catalog, print_warnings};
use super::{CliError, CliResult, Outcome};
use crate::check::state::State;
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
    let inv = super::common::load_inventory(&args.source, &args.catalogs)?;
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
                .map(|w| (w.id.as_str(), w.kind.as_str(), w.value.as_str())),
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
    let written = crate::atomic::commit_all(staged)
        .map_err(|e| CliError::Input(format!("cannot write {e}")))?;
    let mut out = std::io::stdout().lock();
    for path in &written {
        use std::io::Write;
        writeln!(out, "{}", path.display()).map_err(|e| CliError::Other(e.into()))?;
    }
    drop(out);
    // the inventory's own warnings were printed when it was loaded
    let mut warnings: Vec<Warning> = Vec::new();
    for (name, r) in rendered {
        // what a product cannot express is listed in its files' comments: one line per vendor
        let mut inexpressible: Vec<String> = Vec::new();
        for w in r.warnings.iter().filter(|w| w.code == "not-expressible") {
            let id = w.subject.clone().unwrap_or_default();
            if !inexpressible.contains(&id) {
                inexpressible.push(id);
            }
        }
        if !inexpressible.is_empty() {
            warnings.push(
                Warning::new(
                    "not-expressible",
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
            .filter(|w| w.code != "not-expressible")
        {
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
    print_warnings(&warnings);
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
