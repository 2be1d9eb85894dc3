//! Render: a report × a vendor → the files that product needs (a config to drop in, a script that
//! applies it), each value through its format's escaping.
//!
//! Pieces: [`vendor`] loads descriptors and templates (built in, or `--vendors-dir`), [`plan`]
//! turns the report into the values one product can take (and says what it cannot), [`risk`]
//! holds back shells, interpreters and system directories, [`escape`] and [`helpers`] are the
//! only way a value reaches a file.

pub mod escape;
pub mod helpers;
pub mod plan;
pub mod risk;
pub mod vendor;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::check::state::ValueKind;
use crate::model::{Catalog, Inventory, Report, Warning};
pub use plan::Plan;
pub use vendor::{Descriptor, Vendor, load_vendors};

/// What the user asked for beyond the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Write versioned entries drift-proof (`erts-*`) where the product supports wildcards.
    pub wildcards: bool,
    /// Ids of high-risk entries to write anyway.
    pub allow_risk: Vec<String>,
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Relative: `<vendor>/<file>`.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub mode: u32,
}

/// Everything a vendor got, and what it did not.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub files: Vec<OutFile>,
    pub warnings: Vec<Warning>,
    /// High-risk values held back: (id, why).
    pub held_back: Vec<(String, String)>,
    /// How many values were written and how many not, by reason (the render summary).
    pub counts: RenderCounts,
}

/// Per vendor: values written, and values not written as the report has them, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderCounts {
    /// Directories, files, processes, ports and users written (narrowed ones included).
    pub written: usize,
    /// High-risk values not written (`--allow-risk ID` writes them).
    pub held_back: usize,
    /// High-risk values written only as a container's own copy, not host-wide.
    pub narrowed: usize,
    /// Values refused as unsafe to write (too broad, or not representable).
    pub refused: usize,
    /// Values this product has no setting for (process or port exclusions).
    pub not_expressible: usize,
    /// Entries with nothing on this host.
    pub absent: usize,
}

/// A descriptor, template or render problem, placed where it is.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A vendor folder's `vendor.yaml` or template is wrong: file, line, column, code and the
    /// source line with a caret, like a catalog diagnostic.
    #[error("{0}")]
    Definition(Box<crate::catalog::Diagnostic>),
    /// A template failed while rendering (strict mode: a value the plan does not have).
    #[error("{file}:{line}:{column}: {message}")]
    Template {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// What a template produced is not well formed for its format (the last line of defence).
    #[error("{file}: {problem}")]
    Output { file: String, problem: String },
    /// The plan could not be turned into the templates' data.
    #[error("{0}")]
    Data(#[from] serde_json::Error),
}

#[derive(Serialize)]
struct Header {
    tool: String,
    host: String,
    os: String,
    checked_at: String,
    catalog: String,
    note: String,
}

#[derive(Serialize)]
struct VendorInfo<'a> {
    name: &'a str,
    display_name: &'a str,
    versions: &'a str,
    unverified: &'a [String],
    sources: &'a [String],
    views: &'a vendor::Views,
}

#[derive(Serialize)]
struct Ctx<'a> {
    header: Header,
    vendor: VendorInfo<'a>,
    params: &'a serde_json::Value,
    wildcards: bool,
    absent_count: usize,
    /// What the apply scripts remove (values an earlier `render --state` added, no longer needed).
    remove: &'a Removal,
    #[serde(flatten)]
    plan: &'a Plan,
}

/// Render one vendor from a report (no inventory: service users are unknown).
pub fn render(
    report: &Report,
    catalog: &Catalog,
    vendor: &Vendor,
    opts: &RenderOptions,
) -> Result<Rendered, RenderError> {
    render_with(report, catalog, vendor, opts, None)
}

/// Render one vendor; with the inventory, the users running the excluded database processes are
/// known (ClamAV excludes by user name on access).
pub fn render_with(
    report: &Report,
    catalog: &Catalog,
    vendor: &Vendor,
    opts: &RenderOptions,
    inventory: Option<&Inventory>,
) -> Result<Rendered, RenderError> {
    let plan = plan_for(report, catalog, vendor, opts, inventory);
    render_plan(report, vendor, opts, &plan, &Removal::default())
}

/// The plan of one vendor: every value it gets, and what it does not get and why.
pub fn plan_for(
    report: &Report,
    catalog: &Catalog,
    vendor: &Vendor,
    opts: &RenderOptions,
    inventory: Option<&Inventory>,
) -> Plan {
    let mut users: BTreeMap<i32, (u32, String)> = BTreeMap::new();
    if let Some(inv) = inventory {
        // only trusted processes' users (threat model): a user exclusion exempts everything
        // that user runs, so an untrusted process never names one
        for p in inv.processes.iter().filter(|p| p.trusted()) {
            if let (Some(uid), Some(user)) = (p.uid, p.user.clone()) {
                users.insert(p.pid, (uid, user));
            }
        }
    }
    // The live host's mount points (ClamAV's header names those an include path must avoid);
    // not read for a `--root` tree or an inventory from elsewhere.
    let mounts: Option<Vec<String>> = inventory
        .filter(|inv| inv.root == "/")
        .and_then(|_| crate::audit::mounts::read_live().ok())
        .map(|m| crate::audit::mounts::trap_points(&m));
    let mut p = plan::plan(
        report,
        catalog,
        vendor,
        &plan::PlanInput {
            wildcards: opts.wildcards,
            allow_risk: &opts.allow_risk,
            users: &users,
            mounts: mounts.as_deref(),
        },
    );
    // The installed product's version, when the live host is rendered (`params.version: auto`).
    let auto = vendor
        .descriptor
        .params
        .get("version")
        .and_then(|v| v.as_str())
        == Some("auto");
    if auto {
        p.detected_version = inventory
            .filter(|inv| inv.root == "/")
            .and_then(|_| detect_version(&vendor.descriptor.version_command));
    }
    p
}

/// Values avexclude added with an earlier `render --state` and no longer needs: the apply
/// scripts remove these (and never anything else). Grouped as the templates list them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Removal {
    pub directories: Vec<RemoveItem>,
    pub files: Vec<RemoveItem>,
    pub processes: Vec<RemoveItem>,
    pub ports: Vec<RemoveItem>,
    pub users: Vec<RemoveItem>,
    /// True when anything is to be removed.
    pub any: bool,
}

/// One value to remove: the catalog ids that had produced it, and the value as written then.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RemoveItem {
    pub id: String,
    pub path: String,
}

impl Removal {
    /// Sort `(id, kind, value)` triples into the template lists.
    pub fn of<'a>(items: impl IntoIterator<Item = (&'a str, ValueKind, &'a str)>) -> Removal {
        let mut r = Removal::default();
        for (id, kind, value) in items {
            // The state file is input: a value that is not a clean absolute path (or a port, a
            // user name) never reaches a script.
            let clean = !value.is_empty() && !value.chars().any(|c| c.is_control());
            let shaped = match kind {
                ValueKind::Directory | ValueKind::File | ValueKind::Process => {
                    value.starts_with('/')
                }
                ValueKind::Port | ValueKind::User => true,
            };
            if !clean || !shaped {
                continue;
            }
            let it = RemoveItem {
                id: escape::comment(id),
                path: value.to_string(),
            };
            match kind {
                ValueKind::Directory => r.directories.push(it),
                ValueKind::File => r.files.push(it),
                ValueKind::Process => r.processes.push(it),
                ValueKind::Port => r.ports.push(it),
                ValueKind::User => r.users.push(it),
            }
            r.any = true;
        }
        r
    }
}

/// Render one vendor's files from its plan; `remove` lists what the apply scripts take out.
pub fn render_plan(
    report: &Report,
    vendor: &Vendor,
    opts: &RenderOptions,
    plan: &Plan,
    remove: &Removal,
) -> Result<Rendered, RenderError> {
    let d = &vendor.descriptor;
    let params = d.effective_params(plan.detected_version.as_deref());
    let ctx = Ctx {
        header: Header {
            tool: escape::comment(&format!("{} {}", report.tool.name, report.tool.version)),
            host: escape::comment(&report.host.hostname),
            os: escape::comment(&report.host.os),
            checked_at: escape::comment(&report.generated_at),
            catalog: escape::comment(&report.catalog.join(", ")),
            note: format!(
                "Generated by avexclude for {}: do not edit, re-run `avexclude render` instead.",
                d.display_name
            ),
        },
        vendor: VendorInfo {
            name: &d.name,
            display_name: &d.display_name,
            versions: &d.versions,
            unverified: &d.unverified,
            sources: &d.sources,
            views: &d.views,
        },
        params: &params,
        wildcards: opts.wildcards,
        absent_count: plan.absent.len(),
        remove,
        plan,
    };
    let data = serde_json::to_value(&ctx)?;
    let mut files = Vec::new();
    for f in &vendor.files {
        let text = f
            .registry
            .render("t", &data)
            .map_err(|e| RenderError::Template {
                file: f.origin.clone(),
                line: e.line_no.unwrap_or(1),
                column: e.column_no.unwrap_or(1),
                message: e.reason().to_string(),
            })?;
        let text = tidy(&text);
        post_check(f, &text)?;
        files.push(OutFile {
            path: PathBuf::from(&d.name).join(&f.spec.name),
            bytes: text.into_bytes(),
            mode: f.mode,
        });
    }
    let counts = RenderCounts {
        written: plan.all.len() + plan.ports.len() + plan.users.len(),
        held_back: plan.held_back.len(),
        narrowed: plan.narrowed.len(),
        refused: plan.refused.len(),
        not_expressible: plan.not_expressible.len(),
        absent: plan.absent.len(),
    };
    Ok(Rendered {
        files,
        counts,
        warnings: plan.warnings.clone(),
        held_back: plan
            .held_back
            .iter()
            .map(|h| (h.id.clone(), format!("{}: {}", h.value, h.why)))
            .collect(),
    })
}

/// The installed product's version, from its own `--version` output (the first dotted number),
/// read with a bounded wait.
fn detect_version(cmd: &[String]) -> Option<String> {
    let (prog, args) = cmd.split_first()?;
    let out = std::process::Command::new(prog)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|t| t.contains('.') && t.starts_with(|c: char| c.is_ascii_digit()))
        .map(|t| t.trim_end_matches('.').to_string())
}

/// Collapse runs of blank lines left by template blocks, end with exactly one newline.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let l = line.trim_end_matches([' ', '\t']);
        if l.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(l);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Last line of defence: what a template produced must still be well formed for its format.
fn post_check(f: &vendor::VendorFile, text: &str) -> Result<(), RenderError> {
    let bad = |problem: String| RenderError::Output {
        file: f.origin.clone(),
        problem,
    };
    if text.contains('\r') {
        return Err(bad("output holds a CR".into()));
    }
    match f.spec.format {
        escape::Format::Json => {
            serde_json::from_str::<serde_json::Value>(text)
                .map_err(|e| bad(format!("output is not valid JSON: {e}")))?;
        }
        escape::Format::Sh => {
            if !text.starts_with("#!/bin/sh\n") {
                return Err(bad("a script must start with #!/bin/sh".into()));
            }
            if text.lines().any(|l| l.trim_start().starts_with("eval ")) {
                return Err(bad("a script must not use eval".into()));
            }
        }
        escape::Format::Clamd => {
            for (i, l) in text.lines().enumerate() {
                let ok = l.is_empty()
                    || l.starts_with('#')
                    || [
                        "ExcludePath ",
                        "OnAccessExcludePath ",
                        "OnAccessExcludeUname ",
                        "OnAccessExcludeUID ",
                        "OnAccessIncludePath ",
                    ]
                    .iter()
                    .any(|d| l.starts_with(d) && !l.contains('#'));
                if !ok {
                    return Err(bad(format!(
                        "line {} is not a known clamd.conf directive: {l}",
                        i + 1
                    )));
                }
            }
        }
        _ => {}
    }
    Ok(())
}
