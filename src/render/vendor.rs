//! Vendors as data: a folder per product holding `vendor.yaml` (what the product accepts, its
//! wildcard rules, the files it gets) and one handlebars template per output file.
//!
//! The built-in folders are compiled into the binary; `--vendors-dir DIR` adds a vendor, or
//! replaces a built-in one of the same name as a whole folder. Every problem is reported with
//! file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use handlebars::Handlebars;
use serde::{Deserialize, Serialize};

use super::RenderError;
use super::escape::{self, Format};
use super::helpers;

/// Which entry kinds and matching styles the product accepts (what `avexclude vendors` lists).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Accepts {
    pub directory: bool,
    pub file: bool,
    pub glob: bool,
    pub regex: bool,
    pub process_path: bool,
    pub process_name: bool,
    pub port: bool,
    #[serde(default)]
    pub user: bool,
}

/// How the product's path wildcards work, for `--wildcards`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum WildcardStyle {
    /// No wildcards: concrete paths only.
    #[default]
    None,
    /// `*` matches within one path segment, anywhere (`erts-*`, `/snap/microk8s/*/`).
    Segment,
    /// `*` only as a whole segment (`/var/*/tmp`), never glued to a name.
    WholeSegment,
}

/// Which view of a path a product compares, for one kind of exclusion.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    /// The host's path (ClamAV's clamonacc marks host directories: measured).
    Host,
    /// The path inside the container (what `/proc/PID/exe` of a container process reads).
    Container,
    /// Not known: both forms are written, each rated for risk in its own right.
    #[default]
    Unknown,
}

impl ViewKind {
    /// Whether a value in `view` is written for a product that compares `self`.
    pub fn writes(self, view: crate::model::PathView) -> bool {
        use crate::model::PathView;
        match self {
            ViewKind::Unknown => true,
            ViewKind::Host => view == PathView::Host,
            ViewKind::Container => view == PathView::Container,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Host => "host",
            ViewKind::Container => "container",
            ViewKind::Unknown => "unknown",
        }
    }
}

/// One declared view and where it is known from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ViewDecl {
    pub view: ViewKind,
    /// A document, a source file, or a measurement (with the lab record that holds it).
    pub source: String,
}

impl Default for ViewDecl {
    fn default() -> Self {
        ViewDecl {
            view: ViewKind::Unknown,
            source: "not declared by this vendor folder".into(),
        }
    }
}

/// The paths a product's scanner compares, for file and process exclusions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Views {
    #[serde(default)]
    pub files: ViewDecl,
    #[serde(default)]
    pub processes: ViewDecl,
}

/// Something the product's scanner does not cover on some hosts, said in the outputs' header.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// `always`, `containers` (containers run on the host) or `mounts` (the host's mount points
    /// are listed after the text).
    pub when: String,
    pub text: String,
}

/// One output file of a vendor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// Output name under `OUT/<vendor>/`.
    pub name: String,
    /// Template file in the vendor folder.
    pub template: String,
    pub format: Format,
    /// What the file is for, in one line.
    pub purpose: String,
    /// Octal mode, `"0644"` or `"0755"`.
    #[serde(default = "default_mode")]
    pub mode: String,
}

fn default_mode() -> String {
    "0644".into()
}

/// The descriptor, `vendor.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Descriptor {
    pub name: String,
    pub display_name: String,
    /// Product versions the syntax was read for.
    pub versions: String,
    pub accepts: Accepts,
    #[serde(default)]
    pub wildcards: WildcardStyle,
    /// The product reads `*` and `?` in a path as wildcards: a literal one cannot be written.
    #[serde(default)]
    pub glob_chars_are_special: bool,
    /// How values are escaped, in words (shown by `vendors`).
    pub escaping: String,
    /// Where the syntax comes from.
    pub sources: Vec<String>,
    /// What could not be verified without the product.
    #[serde(default)]
    pub unverified: Vec<String>,
    /// Free data handed to the templates as `params` (task names, scopes...).
    #[serde(default)]
    pub params: serde_json::Value,
    pub files: Vec<FileSpec>,
    /// Kinds written by some outputs only (ClamAV: no single files on access): each such value
    /// gets a warning saying so.
    #[serde(default)]
    pub partial: Vec<Limit>,
    /// Which path views the scanner compares, with sources.
    #[serde(default)]
    pub views: Views,
    /// What the scanner does not cover, told in the outputs' header.
    #[serde(default)]
    pub gaps: Vec<Gap>,
}

/// A kind the product expresses only in part.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// `directory`, `file` or `process`.
    pub kind: String,
    pub why: String,
}

/// One output file, ready to render: its spec and a registry whose escaping is its format's.
pub struct VendorFile {
    pub spec: FileSpec,
    pub mode: u32,
    /// Where the template came from (for error messages).
    pub origin: String,
    pub(crate) registry: Handlebars<'static>,
}

/// A loaded vendor.
pub struct Vendor {
    pub descriptor: Descriptor,
    /// `builtin:vendors/x` or the folder it was read from.
    pub origin: String,
    pub files: Vec<VendorFile>,
}

impl Vendor {
    pub fn name(&self) -> &str {
        &self.descriptor.name
    }
}

impl std::fmt::Debug for Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vendor")
            .field("name", &self.descriptor.name)
            .field("origin", &self.origin)
            .finish()
    }
}

fn at(file: &str, line: usize, column: usize, message: impl Into<String>) -> RenderError {
    RenderError::At {
        file: file.to_string(),
        line,
        column,
        message: message.into(),
    }
}

/// Reject the unescaped forms (`{{{x}}}`, `{{&x}}`): every value must go through a helper or the
/// format's escaping.
fn reject_raw(origin: &str, text: &str) -> Result<(), RenderError> {
    for (ln, line) in text.lines().enumerate() {
        for pat in ["{{{", "{{~{", "{{&", "{{~&"] {
            if let Some(col) = line.find(pat) {
                return Err(at(
                    origin,
                    ln + 1,
                    line[..col].chars().count() + 1,
                    format!(
                        "unescaped output `{pat}` is not allowed: use a format helper ({{{{sh v}}}}, {{{{json v}}}}...)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Build a vendor from its descriptor text and a lookup for its template files.
fn build(
    folder: &str,
    yaml_text: &str,
    read: &dyn Fn(&str) -> Option<Result<String, String>>,
) -> Result<Vendor, RenderError> {
    let yname = format!("{folder}/vendor.yaml");
    let d: Descriptor =
        crate::yaml::from_str(yaml_text).map_err(|e| at(&yname, e.line, e.column, e.message))?;
    let pos = |key: &str| crate::yaml::locate_top_key(yaml_text, key).unwrap_or((1, 1));
    let dir_name = folder.rsplit('/').next().unwrap_or(folder);
    if d.name != dir_name {
        let (l, c) = pos("name");
        return Err(at(
            &yname,
            l,
            c,
            format!(
                "name '{}' differs from the folder name '{dir_name}'",
                d.name
            ),
        ));
    }
    if d.name.is_empty()
        || !d
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        let (l, c) = pos("name");
        return Err(at(
            &yname,
            l,
            c,
            "name must be lowercase letters, digits and dashes",
        ));
    }
    if d.sources.is_empty() {
        let (l, c) = pos("sources");
        return Err(at(
            &yname,
            l,
            c,
            "a vendor needs at least one source for its syntax",
        ));
    }
    if d.files.is_empty() {
        let (l, c) = pos("files");
        return Err(at(&yname, l, c, "a vendor needs at least one output file"));
    }
    let mut files = Vec::new();
    for spec in &d.files {
        let (l, c) = pos("files");
        if spec.name.is_empty()
            || spec.name.contains('/')
            || spec.name.starts_with('.')
            || !spec
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(at(
                &yname,
                l,
                c,
                format!("output name '{}' must be a plain file name", spec.name),
            ));
        }
        let mode = u32::from_str_radix(&spec.mode, 8)
            .ok()
            .filter(|m| *m & !0o755 == 0)
            .ok_or_else(|| {
                at(
                    &yname,
                    l,
                    c,
                    format!("mode '{}' must be octal, at most 0755", spec.mode),
                )
            })?;
        let torigin = format!("{folder}/{}", spec.template);
        let text = match read(&spec.template) {
            Some(Ok(t)) => t,
            Some(Err(e)) => return Err(at(&torigin, 1, 1, e)),
            None => {
                return Err(at(
                    &yname,
                    l,
                    c,
                    format!("template '{}' does not exist", spec.template),
                ));
            }
        };
        reject_raw(&torigin, &text)?;
        let mut reg = Handlebars::new();
        reg.set_strict_mode(true);
        reg.set_prevent_indent(true);
        let format = spec.format;
        reg.register_escape_fn(move |s| format.default_escape(s));
        helpers::register(&mut reg, format);
        reg.register_template_string("t", &text).map_err(|e| {
            let (line, col) = e.pos().unwrap_or((1, 1));
            at(&torigin, line, col, e.reason().to_string())
        })?;
        files.push(VendorFile {
            spec: spec.clone(),
            mode,
            origin: torigin,
            registry: reg,
        });
    }
    Ok(Vendor {
        descriptor: d,
        origin: folder.to_string(),
        files,
    })
}

/// The built-in vendors, then those of `extra_dir` (a folder per vendor), which replace a
/// built-in one of the same name. Sorted by name.
pub fn load_vendors(extra_dir: Option<&Path>) -> Result<Vec<Vendor>, RenderError> {
    let mut by_folder: BTreeMap<String, BTreeMap<String, &'static str>> = BTreeMap::new();
    for (path, text) in crate::catalog::builtin_vendor_files() {
        let Some(rest) = path.strip_prefix("vendors/") else {
            continue;
        };
        let Some((folder, file)) = rest.split_once('/') else {
            continue;
        };
        by_folder
            .entry(folder.to_string())
            .or_default()
            .insert(file.to_string(), text);
    }
    let mut out: BTreeMap<String, Vendor> = BTreeMap::new();
    for (folder, files) in &by_folder {
        let Some(yaml) = files.get("vendor.yaml") else {
            continue;
        };
        let origin = format!("builtin:vendors/{folder}");
        let v = build(&origin, yaml, &|name| {
            files.get(name).map(|t| Ok((*t).to_string()))
        })?;
        out.insert(v.descriptor.name.clone(), v);
    }
    if let Some(dir) = extra_dir {
        let rd = std::fs::read_dir(dir).map_err(|e| {
            at(
                &dir.display().to_string(),
                1,
                1,
                format!("cannot read the vendors folder: {e}"),
            )
        })?;
        let mut folders: Vec<_> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        for f in folders {
            let yaml_path = f.join("vendor.yaml");
            if !yaml_path.is_file() {
                continue;
            }
            let origin = f.display().to_string();
            let yaml =
                read_text(&yaml_path).map_err(|m| at(&format!("{origin}/vendor.yaml"), 1, 1, m))?;
            let v = build(&origin, &yaml, &|name| {
                if name.contains('/') || name.starts_with('.') {
                    return Some(Err(format!(
                        "template name '{name}' must be a plain file name"
                    )));
                }
                let p = f.join(name);
                p.is_file().then(|| read_text(&p))
            })?;
            out.insert(v.descriptor.name.clone(), v);
        }
    }
    Ok(out.into_values().collect())
}

fn read_text(p: &Path) -> Result<String, String> {
    let b = std::fs::read(p).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(b).map_err(|_| "the file is not UTF-8".to_string())
}

/// Formats of all of a vendor's files: a value must fit every one of them to be written.
pub fn formats(v: &Vendor) -> Vec<Format> {
    let mut f: Vec<Format> = v.files.iter().map(|f| f.spec.format).collect();
    f.dedup();
    f
}

/// Whether every format of the vendor can carry `value` (the first reason it cannot).
pub fn can_carry(v: &Vendor, value: &str) -> Result<(), String> {
    can_carry_literal(v, value)?;
    if v.descriptor.glob_chars_are_special && value.contains(['*', '?', '[']) {
        return Err(format!(
            "{} reads `*`, `?` and `[` in a path as wildcards: a literal one cannot be written",
            v.descriptor.display_name
        ));
    }
    Ok(())
}

/// As [`can_carry`], without the wildcard-character rule (for a wildcard form we built).
pub fn can_carry_literal(v: &Vendor, value: &str) -> Result<(), String> {
    for f in formats(v) {
        escape::check(f, value).map_err(|e| format!("{} ({})", e, f.as_str()))?;
    }
    Ok(())
}
