//! The canonical exclusion catalog: built-in documents from `exclusions/` plus site overlays,
//! validated with diagnostics that name file, line and column (`catalog lint`).
//!
//! Overlays (`--catalog FILE`) use the same format and may add `entries`, `override` an entry by
//! id (only the fields given change), or `disable` one with a written reason.

pub mod diags;
pub mod file;
mod merge;
pub mod pattern;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub use diags::Diagnostic;
use file::{EntryFile, OverrideFile};
pub use pattern::Template;

use crate::model::{
    Catalog, Entry, EntryKind, Origin, Placeholder, Platform, PortRange, Protocol, Rule, Shape,
    SourceRef,
};
use crate::yaml::{self, KeyPos};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The catalog and vendor files compiled into the binary: `(relative path, text)`.
pub fn builtin_catalog_files() -> &'static [(&'static str, &'static str)] {
    builtin::CATALOG_FILES
}

/// Vendor files compiled into the binary: `(vendors/<name>/<file>, text)`.
pub fn builtin_vendor_files() -> &'static [(&'static str, &'static str)] {
    builtin::VENDOR_FILES
}

/// Schema versions of the catalog format this tool reads.
pub const SCHEMA: u32 = 1;

/// A catalog document: its display name (a path, or `builtin:exclusions/x.yaml`) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    /// Read an overlay from disk; an unreadable or non-UTF-8 file is a diagnostic, not a panic.
    pub fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
        let name = path.display().to_string();
        // Bounded, regular files only, never blocking (`--catalog /dev/zero`, a FIFO).
        let bytes = crate::input::read(path).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.strip_prefix(&format!("{name}: ")).unwrap_or(&msg);
            Diagnostic::new("io", &name, "", (1, 1), format!("cannot read: {msg}"))
        })?;
        match String::from_utf8(bytes) {
            Ok(text) => match crate::input::check_text(&text) {
                Ok(()) => Ok(SourceFile { name, text }),
                Err(m) => Err(Diagnostic::new("bom", &name, "", (1, 1), m)),
            },
            Err(e) => {
                let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
                let col =
                    upto.len() - upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
                Err(Diagnostic::new(
                    "io",
                    &name,
                    "",
                    (line, col),
                    "the file is not UTF-8",
                ))
            }
        }
    }
}

/// The built-in documents, in file-name order.
pub fn builtin_sources() -> Vec<SourceFile> {
    builtin_catalog_files()
        .iter()
        .filter(|(p, _)| p.ends_with(".yaml") || p.ends_with(".yml"))
        .map(|(p, t)| SourceFile {
            name: format!("builtin:{p}"),
            text: (*t).to_string(),
        })
        .collect()
}

/// Built-in catalog plus overlays read from `overlays`; every problem as a diagnostic.
pub fn load_with_overlays(overlays: &[impl AsRef<Path>]) -> Result<Catalog, Vec<Diagnostic>> {
    let mut files = builtin_sources();
    let mut diags = Vec::new();
    for o in overlays {
        match SourceFile::read(o.as_ref()) {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    load(&files)
}

/// Where an entry's fields were last set, for diagnostics after overlays are applied.
#[derive(Clone)]
struct Spot {
    file: usize,
    section: &'static str,
    item: usize,
}

/// Diagnostics in the making. Positions are looked up in indexes built once per file (keys by
/// section and item, line starts, top-level keys): a 20 000-entry overlay full of duplicate ids
/// took minutes when each diagnostic scanned every key and every line of its file.
struct Ctx<'a> {
    files: &'a [SourceFile],
    /// Per file: (section, item) → the item's keys in file order.
    keys: Vec<HashMap<(String, usize), Vec<KeyPos>>>,
    /// Per file: byte offset where each line starts.
    lines: Vec<Vec<usize>>,
    /// Per file: position of each top-level key.
    top: Vec<HashMap<String, (usize, usize)>>,
    diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new(files: &'a [SourceFile]) -> Self {
        let mut keys = Vec::with_capacity(files.len());
        let mut lines = Vec::with_capacity(files.len());
        let mut top = Vec::with_capacity(files.len());
        for f in files {
            let mut m: HashMap<(String, usize), Vec<KeyPos>> = HashMap::new();
            for k in yaml::locate_keys(&f.text) {
                m.entry((k.section.clone(), k.item)).or_default().push(k);
            }
            keys.push(m);
            let mut starts = vec![0];
            starts.extend(f.text.match_indices('\n').map(|(i, _)| i + 1));
            lines.push(starts);
            top.push(yaml::top_keys(&f.text));
        }
        Ctx {
            files,
            keys,
            lines,
            top,
            diags: Vec::new(),
        }
    }
    fn pos(&self, o: &Spot, key: &str) -> (usize, usize) {
        let item = self.keys[o.file].get(&(o.section.to_string(), o.item));
        item.and_then(|ks| ks.iter().find(|k| k.key == key).or_else(|| ks.first()))
            .map(|k| (k.line, k.column))
            .or_else(|| self.top[o.file].get(o.section).copied())
            .unwrap_or((1, 1))
    }
    /// A diagnostic at `pos` of file `fi`, with its source line taken from the line index.
    fn diag_at(
        &self,
        code: &'static str,
        fi: usize,
        pos: (usize, usize),
        msg: impl Into<String>,
    ) -> Diagnostic {
        let f = &self.files[fi];
        let mut d = Diagnostic::new(code, &f.name, "", pos, msg);
        let starts = &self.lines[fi];
        if let Some(&a) = starts.get(pos.0.saturating_sub(1)) {
            let b = starts.get(pos.0).map_or(f.text.len(), |&b| b - 1);
            d.source_line = Some(f.text[a..b].trim_end_matches('\r').to_string());
        }
        d
    }
    fn err(&mut self, code: &'static str, o: &Spot, key: &str, msg: impl Into<String>) {
        let pos = self.pos(o, key);
        let d = self.diag_at(code, o.file, pos, msg);
        self.diags.push(d);
    }
}

/// The diagnostic code of a serde error, from its message (serde gives no kinds).
pub(crate) fn classify_serde(msg: &str) -> &'static str {
    if msg.contains("unknown field") {
        "unknown-key"
    } else if msg.contains("unknown variant") {
        "unknown-value"
    } else if msg.contains("missing field") {
        "missing-key"
    } else if msg.contains("invalid type") || msg.contains("invalid value") {
        "bad-type"
    } else {
        "yaml-syntax"
    }
}

/// Load and validate documents in order (built-ins first, then overlays). All problems found are
/// returned together, each with its file, line and column.
///
/// The steps, each in `catalog/merge.rs`: parse every file; per file, its schema, placeholders,
/// namespaces and platform, then its entries, overrides and disables in that order; then every
/// entry of the result is validated where its fields were last set.
pub fn load(files: &[SourceFile]) -> Result<Catalog, Vec<Diagnostic>> {
    let mut ctx = Ctx::new(files);
    let parsed = merge::parse(&mut ctx, files);
    let mut m = merge::Merged::default();
    for (fi, pf) in parsed.iter().enumerate() {
        let Some(cf) = pf else { continue };
        if !merge::schema_ok(&mut ctx, fi, cf) {
            continue;
        }
        m.placeholders(&mut ctx, fi, cf);
        m.namespaces(&mut ctx, fi, cf);
        let Ok(platform) = merge::platform(&mut ctx, fi, cf) else {
            continue;
        };
        m.entries(&mut ctx, fi, cf, platform);
        m.overrides(&mut ctx, fi, cf);
        m.disables(&mut ctx, fi, cf);
    }
    m.validate(&mut ctx);
    if ctx.diags.is_empty() {
        Ok(Catalog {
            sources: files.iter().map(|f| f.name.clone()).collect(),
            placeholders: m.placeholders,
            entries: m.entries,
            namespaces: m.namespace_lists,
        })
    } else {
        Err(ctx.diags)
    }
}

fn entry_from_file(
    ef: &EntryFile,
    document: &str,
    default_origin: Origin,
    audit_only: bool,
    platform: Option<Platform>,
) -> Entry {
    Entry {
        id: ef.id.clone(),
        kind: ef.kind,
        canonical: ef.canonical.clone(),
        pattern: ef.pattern.clone(),
        alternates: ef.alternates.clone(),
        aliases: ef.aliases.clone(),
        ports: Vec::new(),
        component: ef.component.clone(),
        section: ef.section.clone(),
        reason: ef.reason.clone(),
        risk: ef.risk,
        risk_why: ef.risk_why.clone(),
        source: SourceRef {
            origin: ef.origin.map_or(default_origin, Origin::from),
            overridden_by: Vec::new(),
            document: document.to_string(),
            section: Some(ef.section.clone()),
        },
        audit_only: ef.audit_only.unwrap_or(audit_only),
        disabled: None,
        platform,
    }
}

fn apply_override(e: &mut Entry, ov: &OverrideFile, file: &str) {
    macro_rules! set {
        ($f:ident) => {
            if let Some(v) = &ov.$f {
                e.$f = v.clone();
            }
        };
    }
    set!(kind);
    set!(canonical);
    set!(pattern);
    set!(alternates);
    set!(aliases);
    set!(component);
    set!(section);
    set!(reason);
    set!(risk);
    set!(risk_why);
    set!(audit_only);
    e.source.overridden_by.push(file.to_string());
}

fn validate_entry(
    ctx: &mut Ctx<'_>,
    e: &mut Entry,
    def: &Spot,
    mat: &Spot,
    placeholders: &BTreeMap<String, Placeholder>,
) {
    if e.id.is_empty()
        || !e
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        ctx.err(
            "bad-id",
            def,
            "id",
            format!("id '{}' must be lowercase letters, digits and dashes", e.id),
        );
    }
    for (key, val) in [
        ("canonical", &e.canonical),
        ("match", &e.pattern),
        ("component", &e.component),
        ("section", &e.section),
    ] {
        if val.trim().is_empty() {
            ctx.err("empty-value", def, key, format!("'{key}' is empty"));
        }
    }
    for (key, t) in [("reason", &e.reason), ("risk_why", &e.risk_why)] {
        if t.ru.trim().is_empty() || t.en.trim().is_empty() {
            ctx.err(
                "empty-value",
                def,
                key,
                format!("'{key}' needs both ru and en text"),
            );
        }
    }
    match e.kind {
        EntryKind::Port => match parse_ports(&e.pattern) {
            Ok(p) => e.ports = p,
            Err(m) => ctx.err("bad-port", mat, "match", m),
        },
        EntryKind::Rule => {
            if e.rule().is_none() {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
                ctx.err(
                    "unknown-rule",
                    mat,
                    "match",
                    format!("rule '{}' is not one of: {}", e.pattern, known.join(", ")),
                );
            }
        }
        EntryKind::ProcessName | EntryKind::ProcessTitle => {
            if e.kind == EntryKind::ProcessName && e.pattern.contains('/') {
                ctx.err(
                    "bad-path",
                    mat,
                    "match",
                    "a process name has no '/'; use kind process-path",
                );
            }
        }
        EntryKind::Directory | EntryKind::File | EntryKind::ProcessPath => {
            let all: Vec<(String, &'static str)> = std::iter::once((e.pattern.clone(), "match"))
                .chain(e.alternates.iter().map(|a| (a.clone(), "alternates")))
                .collect();
            for (t, key) in all {
                check_path_template(ctx, mat, key, &t, e.kind, placeholders);
            }
            if let Ok(t) = Template::parse(&e.pattern)
                && t.has_placeholders()
                && canonical_values(&t, &e.canonical, placeholders).is_none()
            {
                ctx.err(
                    "canonical-mismatch",
                    mat,
                    "match",
                    format!(
                        "canonical '{}' does not fit match '{}'",
                        e.canonical, e.pattern
                    ),
                );
            }
        }
    }
}

fn check_path_template(
    ctx: &mut Ctx<'_>,
    o: &Spot,
    key: &str,
    t: &str,
    kind: EntryKind,
    placeholders: &BTreeMap<String, Placeholder>,
) {
    if !t.starts_with('/') {
        ctx.err("bad-path", o, key, format!("'{t}' is not an absolute path"));
        return;
    }
    if t.contains("//") || t.split('/').any(|c| c == "." || c == "..") || t.contains('\n') {
        ctx.err(
            "bad-path",
            o,
            key,
            format!("'{t}' is not a normalised path (no //, . or ..)"),
        );
        return;
    }
    if kind == EntryKind::Directory && !t.ends_with('/') {
        ctx.err(
            "bad-path",
            o,
            key,
            format!("directory '{t}' must end with '/'"),
        );
    }
    if kind != EntryKind::Directory && t.ends_with('/') {
        ctx.err(
            "bad-path",
            o,
            key,
            format!("'{t}' ends with '/' but names a file or executable"),
        );
    }
    if t == "/" {
        ctx.err("bad-path", o, key, "'/' would exclude the whole host");
    }
    match Template::parse(t) {
        Err((off, m)) => ctx.err("bad-template", o, key, format!("'{t}' at byte {off}: {m}")),
        Ok(tp) => {
            for p in tp.placeholders() {
                if !placeholders.contains_key(p) {
                    ctx.err(
                        "undefined-placeholder",
                        o,
                        key,
                        format!("placeholder {{{p}}} is not defined under `placeholders:` in any catalog file"),
                    );
                }
            }
        }
    }
}

/// The shape of each placeholder, as [`Template::matches`] wants it (an unknown one: a name).
pub fn shape_fn(placeholders: &BTreeMap<String, Placeholder>) -> impl Fn(&str) -> Shape + '_ {
    move |n| placeholders.get(n).map_or(Shape::Name, |p| p.shape)
}

/// The placeholder values the vendor wrote: the template matched against the canonical text
/// (whose first word is the path: `/opt/bitnami/minio/bin/minio server`).
pub fn canonical_values(
    t: &Template,
    canonical: &str,
    placeholders: &BTreeMap<String, Placeholder>,
) -> Option<BTreeMap<String, String>> {
    let shape = shape_fn(placeholders);
    t.matches(canonical.as_bytes(), &shape).or_else(|| {
        let first = canonical.split_whitespace().next()?;
        t.matches(first.as_bytes(), &shape)
    })
}

/// Parse `5432/tcp`, `2379/tcp, 2380/tcp`, `7000-7999/tcp`, `icmp`.
pub fn parse_ports(s: &str) -> Result<Vec<PortRange>, String> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        if part.eq_ignore_ascii_case("icmp") {
            out.push(PortRange {
                protocol: Protocol::Icmp,
                first: 0,
                last: 0,
            });
            continue;
        }
        let (ports, proto) = part
            .split_once('/')
            .ok_or_else(|| format!("'{part}' needs a protocol: PORT/tcp or PORT/udp"))?;
        let protocol = match proto {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            p => return Err(format!("protocol '{p}' is not tcp or udp")),
        };
        let num = |x: &str| -> Result<u16, String> {
            x.parse::<u16>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("'{x}' is not a port number (1-65535)"))
        };
        let (first, last) = match ports.split_once('-') {
            Some((a, b)) => (num(a)?, num(b)?),
            None => {
                let n = num(ports)?;
                (n, n)
            }
        };
        if first > last {
            return Err(format!("range {first}-{last} runs backwards"));
        }
        out.push(PortRange {
            protocol,
            first,
            last,
        });
    }
    Ok(out)
}

/// A Kubernetes namespace name: an RFC 1123 label (lowercase alphanumerics and `-`, at most 63).
fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_loads() {
        let c = load(&builtin_sources()).unwrap_or_else(|d| {
            panic!(
                "{}",
                d.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(c.entries.len() > 47);
        let beam = c.get("db-beam-smp-bitnami").unwrap();
        let t = Template::parse(&beam.pattern).unwrap();
        assert_eq!(
            canonical_values(&t, &beam.canonical, &c.placeholders).unwrap()["erts"],
            "12.3.1"
        );
        assert_eq!(c.get("port-5432-tcp").unwrap().ports[0].first, 5432);
    }

    #[test]
    fn ports_parse() {
        assert_eq!(parse_ports("7000-7999/tcp").unwrap()[0].last, 7999);
        assert!(parse_ports("5432").is_err());
        assert!(parse_ports("0/tcp").is_err());
        assert!(parse_ports("9-1/udp").is_err());
        assert!(parse_ports("5/sctp").is_err());
    }
}
