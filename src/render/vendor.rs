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
use crate::catalog::Diagnostic;

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

crate::model::closed_set! {
    /// When a gap applies to a host.
    pub enum GapWhen ("gap `when`") {
        /// On every host.
        Always = "always",
        /// Where containers run on the host.
        Containers = "containers",
        /// Always, with the host's mount points listed after the text.
        Mounts = "mounts",
    }
}

/// Something the product's scanner does not cover on some hosts, said in the outputs' header.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    pub when: GapWhen,
    pub text: String,
}

/// A template switch that depends on the product version (`params.version`): `params.<name>`
/// is true when the version is `min` or later.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    pub name: String,
    pub min: String,
    /// Where the version limit comes from.
    pub source: String,
}

/// Dotted numeric versions compared component by component (`11.1` < `11.10`; a missing or
/// non-numeric component counts as 0). `None` when `v` has no leading number at all.
pub fn version_at_least(v: &str, min: &str) -> Option<bool> {
    let parse = |s: &str| -> Vec<u64> {
        s.split(['.', '-', '+', '~'])
            .map(|c| {
                c.chars()
                    .take_while(|d| d.is_ascii_digit())
                    .collect::<String>()
                    .parse()
                    .unwrap_or(0)
            })
            .collect()
    };
    if !v.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (a, b) = (parse(v), parse(min));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return Some(x > y);
        }
    }
    Some(true)
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
    /// Version-dependent template switches (`params.version`, `--vendor-param NAME.version=V`).
    #[serde(default)]
    pub features: Vec<Feature>,
    /// A command printing the installed product's version, run when `params.version` is `auto`
    /// and the live host is rendered (`["clamd", "--version"]`).
    #[serde(default)]
    pub version_command: Vec<String>,
}

impl Descriptor {
    /// The params the templates get: the descriptor's, `version` resolved (`detected` when
    /// `auto`), and one boolean per feature.
    pub fn effective_params(&self, detected: Option<&str>) -> serde_json::Value {
        let mut p = match &self.params {
            serde_json::Value::Object(m) => m.clone(),
            _ => serde_json::Map::new(),
        };
        let declared = p
            .get("version")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let (version, how) = if declared == "auto" {
            match detected {
                Some(d) => (d.to_string(), "detected on this host".to_string()),
                None => (
                    p.get("version_default")
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_string(),
                    "not detected (not the live host, or the product is not installed): assumed; set --vendor-param NAME.version=V".to_string(),
                ),
            }
        } else {
            (declared.clone(), "as given".to_string())
        };
        if !version.is_empty() {
            p.insert("version".into(), version.clone().into());
            p.insert("version_how".into(), how.into());
        }
        for f in &self.features {
            let on = version_at_least(&version, &f.min).unwrap_or(false);
            p.insert(f.name.clone(), on.into());
        }
        serde_json::Value::Object(p)
    }

    /// Override one param (`--vendor-param NAME.KEY=VALUE`).
    pub fn set_param(&mut self, key: &str, value: &str) {
        if !self.params.is_object() {
            self.params = serde_json::Value::Object(serde_json::Map::new());
        }
        if let serde_json::Value::Object(m) = &mut self.params {
            m.insert(key.to_string(), value.into());
        }
    }
}

crate::model::closed_set! {
    /// The lists of path values a plan writes (a product may write one only in part).
    pub enum ItemKind ("kind") {
        Directory = "directory",
        File = "file",
        Process = "process",
    }
}

/// A kind the product expresses only in part.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub kind: ItemKind,
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

/// A problem in a vendor folder's file, placed and coded like a catalog diagnostic; `text` gives
/// the source line under the message (empty: none, or added later with
/// [`Diagnostic::with_source`]).
fn diag(
    code: &'static str,
    file: &str,
    text: &str,
    pos: (usize, usize),
    message: impl Into<String>,
) -> RenderError {
    debug_assert!(
        VENDOR_CODES
            .iter()
            .chain(TEMPLATE_CODES)
            .chain(crate::catalog::diags::CODES)
            .any(|(c, _)| *c == code),
        "vendor code {code} is not registered"
    );
    RenderError::Definition(Box::new(Diagnostic::new(code, file, text, pos, message)))
}

/// Stable codes of `vendor.yaml` problems (listed by `catalog lint --codes`). A descriptor that
/// does not parse uses the catalog's codes for the same problems (`yaml-syntax`, `unknown-key`,
/// `unknown-value`, `missing-key`, `bad-type`), and an unreadable file `io`.
pub const VENDOR_CODES: &[(&str, &str)] = &[
    (
        "vendor-name",
        "a vendor name that differs from its folder or is not lowercase letters, digits and dashes",
    ),
    ("no-source", "a vendor without a source for its syntax"),
    ("no-output", "a vendor without an output file"),
    (
        "bad-output-name",
        "an output or template name that is not a plain file name",
    ),
    ("bad-mode", "an output mode that is not octal, at most 0755"),
    (
        "missing-template",
        "an output whose template file does not exist",
    ),
    ("template-syntax", "a template handlebars cannot parse"),
];

/// Deepest nesting of blocks (`{{#each}}`) and sub-expressions (`(lookup ..)`) a template may
/// have: the built-in templates use 3; the template parser and renderer recurse per level.
const MAX_NESTING: usize = 32;

/// Block helpers a template may use: they choose what to write, never write a value themselves.
const BLOCK_HELPERS: [&str; 4] = ["if", "unless", "each", "with"];

/// Stable codes of vendor-template diagnostics, with a one-line description each (listed by
/// `catalog lint --codes` beside the catalog's own, [`crate::catalog::diags::CODES`]).
pub const TEMPLATE_CODES: &[(&str, &str)] = &[
    (
        "raw-output",
        "a template writes a value unescaped ({{{x}}}, {{&x}} and their spellings)",
    ),
    (
        "bare-value",
        "a value is written without its format's escaping helper",
    ),
    (
        "block-helper",
        "a block helper other than if, unless, each and with",
    ),
    ("decorator", "a decorator other than {{#*inline}}"),
    (
        "partial",
        "a partial that is not named literally and defined inline",
    ),
    (
        "recursive-partial",
        "partials that call themselves, directly or through others",
    ),
    ("nesting", "blocks or sub-expressions nested too deep"),
];

/// A template problem: `file:line:col: error[code]: message`, like catalog diagnostics.
fn tpl_err(
    origin: &str,
    (line, col): (usize, usize),
    code: &'static str,
    msg: impl std::fmt::Display,
) -> RenderError {
    debug_assert!(
        TEMPLATE_CODES.iter().any(|(c, _)| *c == code),
        "template code {code} is not in TEMPLATE_CODES"
    );
    diag(code, origin, "", (line, col), msg.to_string())
}

/// Line and column (1-based, in characters) of byte offset `i` of `text`.
fn line_col(text: &str, i: usize) -> (usize, usize) {
    let before = &text[..i];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |p| p + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Bound nesting before the parser sees the text: a template of 100 000 nested `{{#if}}` or
/// `((((` would overflow the stack of the recursive parser and abort the process.
fn check_nesting(origin: &str, text: &str) -> Result<(), RenderError> {
    let b = text.as_bytes();
    let (mut blocks, mut parens) = (0usize, 0usize);
    let mut in_tag = false;
    let mut i = 0;
    while i < b.len() {
        if !in_tag && b[i..].starts_with(b"{{") {
            in_tag = true;
            let mut j = i + 2;
            while j < b.len() && matches!(b[j], b'{' | b'~' | b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            match b.get(j) {
                Some(b'#') => blocks += 1,
                Some(b'/') => blocks = blocks.saturating_sub(1),
                _ => {}
            }
            if blocks > MAX_NESTING {
                return Err(tpl_err(
                    origin,
                    line_col(text, i),
                    "nesting",
                    format!("blocks nested deeper than {MAX_NESTING}"),
                ));
            }
            i = j;
            continue;
        }
        if in_tag {
            match b[i] {
                b'(' => {
                    parens += 1;
                    if parens > MAX_NESTING {
                        return Err(tpl_err(
                            origin,
                            line_col(text, i),
                            "nesting",
                            format!("sub-expressions nested deeper than {MAX_NESTING}"),
                        ));
                    }
                }
                b')' => parens = parens.saturating_sub(1),
                b'}' if b[i..].starts_with(b"}}") => {
                    in_tag = false;
                    parens = 0;
                }
                _ => {}
            }
        }
        i += 1;
    }
    Ok(())
}

/// What a template's structure says, walked from the parsed tree (not from its text, which a
/// blank, a newline or `{{ {x}}}` could disguise): every value is written by one of the format's
/// helpers (`helpers`), which escape it; blocks are `if`, `unless`, `each`, `with` only;
/// partials are inline ones (`{{#*inline "p"}}`) named literally, and none calls itself, directly
/// or through others (handlebars would recurse until the stack overflows).
fn check_template(origin: &str, text: &str, helpers: &[&str]) -> Result<(), RenderError> {
    guard_template(origin, text, helpers).map_err(|e| match e {
        RenderError::Definition(d) => RenderError::Definition(Box::new(d.with_source(text))),
        e => e,
    })
}

fn guard_template(origin: &str, text: &str, helpers: &[&str]) -> Result<(), RenderError> {
    use handlebars::template::{Parameter, Template, TemplateElement as E};
    check_nesting(origin, text)?;
    let t = Template::compile(text).map_err(|e| {
        let pos = e.pos().unwrap_or((1, 1));
        diag("template-syntax", origin, "", pos, e.reason().to_string())
    })?;

    struct Walk<'a> {
        origin: &'a str,
        helpers: &'a [&'a str],
        /// Inline partials defined: name → position.
        defined: BTreeMap<String, (usize, usize)>,
        /// Partial references: (from partial, or "" for the template itself; to; position).
        calls: Vec<(String, String, (usize, usize))>,
    }
    fn name_of(p: &Parameter) -> Option<&str> {
        p.as_name()
    }
    impl Walk<'_> {
        fn walk(&mut self, t: &Template, owner: &str) -> Result<(), RenderError> {
            for (i, el) in t.elements.iter().enumerate() {
                let pos = t.mapping.get(i).map_or((1, 1), |m| (m.0, m.1));
                let o = self.origin;
                match el {
                    E::RawString(_) | E::Comment(_) => {}
                    E::HtmlExpression(_) => {
                        return Err(tpl_err(
                            o,
                            pos,
                            "raw-output",
                            "unescaped output (`{{{...}}}` or `{{&...}}`) is not allowed: use a format helper ({{sh v}}, {{json v}}...)",
                        ));
                    }
                    E::Expression(h) => {
                        let n = name_of(&h.name).unwrap_or("(...)");
                        if !self.helpers.contains(&n) || h.params.is_empty() {
                            return Err(tpl_err(
                                o,
                                pos,
                                "bare-value",
                                format!(
                                    "`{n}` writes a value without this format's escaping: write it through one of {}",
                                    self.helpers
                                        .iter()
                                        .map(|h| format!("{{{{{h} ...}}}}"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            ));
                        }
                    }
                    E::HelperBlock(h) => {
                        let n = name_of(&h.name).unwrap_or("(...)");
                        if !BLOCK_HELPERS.contains(&n) {
                            return Err(tpl_err(
                                o,
                                pos,
                                "block-helper",
                                format!(
                                    "block `{{{{#{n}}}}}` is not allowed: use if, unless, each or with"
                                ),
                            ));
                        }
                        if let Some(x) = &h.template {
                            self.walk(x, owner)?;
                        }
                        if let Some(x) = &h.inverse {
                            self.walk(x, owner)?;
                        }
                    }
                    E::DecoratorBlock(d) if name_of(&d.name) == Some("inline") => {
                        let Some(Parameter::Literal(serde_json::Value::String(pn))) =
                            d.params.first()
                        else {
                            return Err(tpl_err(
                                o,
                                pos,
                                "partial",
                                "an inline partial needs a literal name: {{#*inline \"name\"}}",
                            ));
                        };
                        if self.defined.insert(pn.clone(), pos).is_some() {
                            return Err(tpl_err(
                                o,
                                pos,
                                "partial",
                                format!("inline partial \"{pn}\" is defined twice"),
                            ));
                        }
                        if let Some(x) = &d.template {
                            self.walk(x, pn)?;
                        }
                    }
                    E::DecoratorBlock(_) | E::DecoratorExpression(_) => {
                        return Err(tpl_err(
                            o,
                            pos,
                            "decorator",
                            "decorators other than {{#*inline \"name\"}} are not allowed",
                        ));
                    }
                    E::PartialExpression(d) => {
                        let n = match &d.name {
                            Parameter::Name(n) if !n.starts_with('@') => n.clone(),
                            p @ Parameter::Path(_)
                                if !p.as_name().unwrap_or("@").starts_with('@') =>
                            {
                                p.as_name().unwrap_or_default().to_string()
                            }
                            _ => {
                                return Err(tpl_err(
                                    o,
                                    pos,
                                    "partial",
                                    "a partial must be named literally ({{> name}})",
                                ));
                            }
                        };
                        self.calls.push((owner.to_string(), n, pos));
                    }
                    // non_exhaustive: what a later handlebars adds is refused until reviewed
                    E::PartialBlock(_) | _ => {
                        return Err(tpl_err(
                            o,
                            pos,
                            "partial",
                            "partial blocks ({{#> name}}) and other constructs are not allowed; use an inline partial",
                        ));
                    }
                }
            }
            Ok(())
        }
    }
    let mut w = Walk {
        origin,
        helpers,
        defined: BTreeMap::new(),
        calls: Vec::new(),
    };
    w.walk(&t, "")?;
    for (_, to, pos) in &w.calls {
        if !w.defined.contains_key(to) {
            return Err(tpl_err(
                origin,
                *pos,
                "partial",
                format!(
                    "partial \"{to}\" is not defined in this template (only inline partials are)"
                ),
            ));
        }
    }
    // A cycle among inline partials: depth-first search from each call, by name.
    let calls = &w.calls;
    let edges = |from: &str| -> Vec<(&str, (usize, usize))> {
        calls
            .iter()
            .filter(|(f, _, _)| f == from)
            .map(|(_, t, p)| (t.as_str(), *p))
            .collect()
    };
    for start in w.defined.keys() {
        let mut stack: Vec<(&str, (usize, usize))> = edges(start);
        let mut seen = std::collections::BTreeSet::new();
        while let Some((n, pos)) = stack.pop() {
            if n == start {
                return Err(tpl_err(
                    origin,
                    pos,
                    "recursive-partial",
                    format!(
                        "inline partial \"{start}\" calls itself (directly or through other partials): handlebars would recurse without end"
                    ),
                ));
            }
            if seen.insert(n) {
                stack.extend(edges(n));
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
    let d: Descriptor = crate::yaml::from_str(yaml_text).map_err(|e| {
        let code = crate::catalog::classify_serde(&e.message);
        diag(code, &yname, yaml_text, (e.line, e.column), e.message)
    })?;
    let pos = |key: &str| crate::yaml::locate_top_key(yaml_text, key).unwrap_or((1, 1));
    let at =
        |code: &'static str, key: &str, msg: String| diag(code, &yname, yaml_text, pos(key), msg);
    let dir_name = folder.rsplit('/').next().unwrap_or(folder);
    if d.name != dir_name {
        return Err(at(
            "vendor-name",
            "name",
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
        return Err(at(
            "vendor-name",
            "name",
            "name must be lowercase letters, digits and dashes".into(),
        ));
    }
    if d.sources.is_empty() {
        return Err(at(
            "no-source",
            "sources",
            "a vendor needs at least one source for its syntax".into(),
        ));
    }
    if d.files.is_empty() {
        return Err(at(
            "no-output",
            "files",
            "a vendor needs at least one output file".into(),
        ));
    }
    let plain = |n: &str| {
        !n.is_empty()
            && !n.starts_with('.')
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    let mut files = Vec::new();
    for spec in &d.files {
        if !plain(&spec.name) {
            return Err(at(
                "bad-output-name",
                "files",
                format!("output name '{}' must be a plain file name", spec.name),
            ));
        }
        let mode = u32::from_str_radix(&spec.mode, 8)
            .ok()
            .filter(|m| *m & !0o755 == 0)
            .ok_or_else(|| {
                at(
                    "bad-mode",
                    "files",
                    format!("mode '{}' must be octal, at most 0755", spec.mode),
                )
            })?;
        if !plain(&spec.template) {
            return Err(at(
                "bad-output-name",
                "files",
                format!(
                    "template name '{}' must be a plain file name",
                    spec.template
                ),
            ));
        }
        let torigin = format!("{folder}/{}", spec.template);
        let text = match read(&spec.template) {
            Some(Ok(t)) => t,
            Some(Err(e)) => return Err(diag("io", &torigin, "", (1, 1), e)),
            None => {
                return Err(at(
                    "missing-template",
                    "files",
                    format!("template '{}' does not exist", spec.template),
                ));
            }
        };
        let mut reg = Handlebars::new();
        reg.set_strict_mode(true);
        reg.set_prevent_indent(true);
        let format = spec.format;
        reg.register_escape_fn(move |s| format.default_escape(s));
        let names = helpers::register(&mut reg, format);
        check_template(&torigin, &text, &names)?;
        reg.register_template_string("t", &text).map_err(|e| {
            let pos = e.pos().unwrap_or((1, 1));
            diag(
                "template-syntax",
                &torigin,
                &text,
                pos,
                e.reason().to_string(),
            )
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
            diag(
                "io",
                &dir.display().to_string(),
                "",
                (1, 1),
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
            if std::fs::symlink_metadata(&yaml_path).is_err() {
                continue;
            }
            let origin = f.display().to_string();
            let yaml = read_text(&yaml_path)
                .map_err(|m| diag("io", &format!("{origin}/vendor.yaml"), "", (1, 1), m))?;
            let v = build(&origin, &yaml, &|name| {
                if name.contains('/') || name.starts_with('.') {
                    return Some(Err(format!(
                        "template name '{name}' must be a plain file name"
                    )));
                }
                let p = f.join(name);
                std::fs::symlink_metadata(&p).is_ok().then(|| read_text(&p))
            })?;
            out.insert(v.descriptor.name.clone(), v);
        }
    }
    Ok(out.into_values().collect())
}

/// Bounded, regular files only, never blocking (a FIFO named `vendor.yaml` or a template).
fn read_text(p: &Path) -> Result<String, String> {
    let b = crate::input::read(p).map_err(|e| {
        let msg = e.to_string();
        let prefix = format!("{}: ", p.display());
        format!("cannot read: {}", msg.strip_prefix(&prefix).unwrap_or(&msg))
    })?;
    let t = String::from_utf8(b).map_err(|_| "the file is not UTF-8".to_string())?;
    crate::input::check_text(&t)?;
    Ok(t)
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

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = include_str!("../../vendors/generic/vendor.yaml");

    /// The generic vendor's descriptor with `from` replaced by `to`, built with its own templates.
    fn built(from: &str, to: &str) -> Result<Vendor, RenderError> {
        let yaml = YAML.replacen(from, to, 1);
        assert!(
            from.is_empty() || yaml != YAML,
            "{from} not in the descriptor"
        );
        build("x/generic", &yaml, &|name| {
            crate::catalog::builtin_vendor_files()
                .iter()
                .find(|(p, _)| *p == format!("vendors/generic/{name}"))
                .map(|(_, t)| Ok((*t).to_string()))
        })
    }

    fn diagnostic(r: Result<Vendor, RenderError>) -> Diagnostic {
        match r {
            Err(RenderError::Definition(d)) => *d,
            Err(e) => panic!("not a diagnostic: {e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn the_generic_descriptor_builds() {
        assert!(built("", "").is_ok());
    }

    #[test]
    fn a_descriptor_error_has_code_position_and_caret() {
        let d = diagnostic(built("wildcards: segment", "wildcards: sometimes"));
        assert_eq!(
            (d.code, d.file.as_str()),
            ("unknown-value", "x/generic/vendor.yaml")
        );
        assert_eq!(d.source_line.as_deref(), Some("wildcards: sometimes"));
        assert!(d.to_string().ends_with('^'), "{d}");
        let d = diagnostic(built("name: generic", "name: other"));
        assert_eq!((d.code, d.line), ("vendor-name", 3));
        let d = diagnostic(built(
            "    template: exclusions.csv.hbs",
            "    template: nope.hbs",
        ));
        assert_eq!(d.code, "missing-template");
        let d = diagnostic(built(
            "    template: exclusions.csv.hbs",
            "    template: ../x.hbs",
        ));
        assert_eq!(d.code, "bad-output-name");
    }

    #[test]
    fn a_misspelt_partial_kind_or_gap_is_refused_not_ignored() {
        let d = diagnostic(built(
            "params: {}",
            "partial:\n  - {kind: directry, why: x}\nparams: {}",
        ));
        assert_eq!(d.code, "unknown-value");
        assert!(d.message.contains("directry"), "{}", d.message);
        let d = diagnostic(built(
            "params: {}",
            "gaps:\n  - {when: sometimes, text: x}\nparams: {}",
        ));
        assert_eq!(d.code, "unknown-value");
    }

    #[test]
    fn a_template_error_shows_its_source_line() {
        let e = check_template("t.hbs", "ok\n  {{{path}}}\n", &["csv"]).unwrap_err();
        let RenderError::Definition(d) = e else {
            panic!("{e}")
        };
        assert_eq!((d.code, d.line), ("raw-output", 2));
        assert_eq!(d.source_line.as_deref(), Some("  {{{path}}}"));
    }
}
