//! The steps of [`super::load`]: parse each file, then merge it into the catalog built so far
//! (schema, placeholders, namespaces, platform, entries, overrides, disables), then validate the
//! merged entries. Each step records its problems as diagnostics in the shared [`Ctx`] and goes
//! on, so one run of `catalog lint` names every problem.

use std::collections::{BTreeMap, HashMap};

use super::file::CatalogFile;
use super::{Ctx, Diagnostic, SCHEMA, SourceFile, Spot};
use crate::model::{Entry, Namespaces, Origin, Placeholder, Platform, Shape};
use crate::yaml;

/// Parse every file; one that does not parse is a diagnostic (code from serde's message) and
/// `None`, so the others are still merged and checked.
pub(super) fn parse(ctx: &mut Ctx<'_>, files: &[SourceFile]) -> Vec<Option<CatalogFile>> {
    let mut parsed = Vec::with_capacity(files.len());
    for f in files {
        match yaml::from_str::<CatalogFile>(&f.text) {
            Ok(c) => parsed.push(Some(c)),
            Err(e) => {
                let code = super::classify_serde(&e.message);
                ctx.diags.push(Diagnostic::new(
                    code,
                    &f.name,
                    &f.text,
                    (e.line, e.column),
                    e.message,
                ));
                parsed.push(None);
            }
        }
    }
    parsed
}

/// Whether the file's schema is the one this tool reads (else a diagnostic, and the file is
/// left out: another schema is never half understood).
pub(super) fn schema_ok(ctx: &mut Ctx<'_>, fi: usize, cf: &CatalogFile) -> bool {
    if cf.schema == SCHEMA {
        return true;
    }
    let f = &ctx.files[fi];
    let pos = ctx.top[fi].get("schema").copied().unwrap_or((1, 1));
    ctx.diags.push(Diagnostic::new(
        "unsupported-schema",
        &f.name,
        &f.text,
        pos,
        format!(
            "schema {} is not supported; this avexclude reads schema {SCHEMA}",
            cf.schema
        ),
    ));
    false
}

/// The platform the file's entries belong to (`applies_when`); `Err` for one this tool cannot
/// detect (a diagnostic: its entries would silently never apply), and the file is left out.
pub(super) fn platform(
    ctx: &mut Ctx<'_>,
    fi: usize,
    cf: &CatalogFile,
) -> Result<Option<Platform>, ()> {
    let Some(p) = cf.applies_when.as_ref().map(|a| a.platform.as_str()) else {
        return Ok(None);
    };
    if let Ok(platform) = p.parse::<Platform>() {
        return Ok(Some(platform));
    }
    {
        let f = &ctx.files[fi];
        let pos = ctx.top[fi].get("applies_when").copied().unwrap_or((1, 1));
        ctx.diags.push(Diagnostic::new(
            "unknown-value",
            &f.name,
            &f.text,
            pos,
            format!(
                "applies_when: platform '{p}' is not one of {}",
                Platform::ALL
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Err(())
}

/// The catalog merged so far, with where each entry was defined and where its match was last
/// set (for diagnostics after overrides).
#[derive(Default)]
pub(super) struct Merged {
    pub placeholders: BTreeMap<String, Placeholder>,
    pub entries: Vec<Entry>,
    pub namespace_lists: Namespaces,
    /// id → (defined, match last set).
    spots: HashMap<String, (Spot, Spot)>,
    /// id → position in `entries`.
    index: HashMap<String, usize>,
}

impl Merged {
    /// The file's placeholders: a shape this tool knows, and the same definition wherever one
    /// is defined twice.
    pub fn placeholders(&mut self, ctx: &mut Ctx<'_>, fi: usize, cf: &CatalogFile) {
        let f = &ctx.files[fi];
        for (name, p) in &cf.placeholders {
            let pos = ctx.top[fi].get("placeholders").copied().unwrap_or((1, 1));
            let Ok(shape) = p.shape.parse::<Shape>() else {
                ctx.diags.push(Diagnostic::new(
                    "bad-shape",
                    &f.name,
                    &f.text,
                    pos,
                    format!(
                        "placeholder {name}: shape '{}' is not one of version, digits, name",
                        p.shape
                    ),
                ));
                continue;
            };
            let new = Placeholder {
                label: p.label.clone(),
                shape,
            };
            match self.placeholders.get(name) {
                Some(old) if *old != new => ctx.diags.push(Diagnostic::new(
                    "placeholder-redefined",
                    &f.name,
                    &f.text,
                    pos,
                    format!(
                        "placeholder {name} is already defined with shape '{}'",
                        old.shape
                    ),
                )),
                _ => {
                    self.placeholders.insert(name.clone(), new);
                }
            }
        }
    }

    /// The site's namespaces: each list given replaces the one before; each name an RFC 1123
    /// label.
    pub fn namespaces(&mut self, ctx: &mut Ctx<'_>, fi: usize, cf: &CatalogFile) {
        let Some(ns) = &cf.namespaces else { return };
        let f = &ctx.files[fi];
        let pos = ctx.top[fi].get("namespaces").copied().unwrap_or((1, 1));
        let into = &mut self.namespace_lists;
        for (list, into) in [
            (&ns.application, &mut into.application),
            (&ns.databases, &mut into.databases),
            (&ns.other, &mut into.other),
        ] {
            let Some(list) = list else { continue };
            for n in list {
                if !super::is_dns_label(n) {
                    ctx.diags.push(Diagnostic::new(
                        "bad-namespace",
                        &f.name,
                        &f.text,
                        pos,
                        format!("namespace '{n}' is not a Kubernetes name (RFC 1123 label)"),
                    ));
                }
            }
            *into = list.clone();
        }
    }

    /// The file's new entries; an id defined before is a diagnostic pointing at the first one.
    pub fn entries(
        &mut self,
        ctx: &mut Ctx<'_>,
        fi: usize,
        cf: &CatalogFile,
        platform: Option<Platform>,
    ) {
        let f = &ctx.files[fi];
        let document = cf.document.clone().unwrap_or_else(|| f.name.clone());
        let default_origin = cf.origin.map_or(Origin::Site, Origin::from);
        for (ii, ef) in cf.entries.iter().enumerate() {
            let o = Spot {
                file: fi,
                section: "entries",
                item: ii,
            };
            if let Some(&prev) = self.index.get(&ef.id) {
                let (po, _) = &self.spots[&self.entries[prev].id];
                let (pl, pc) = ctx.pos(po, "id");
                let prev_file = ctx.files[po.file].name.clone();
                ctx.err(
                    "duplicate-id",
                    &o,
                    "id",
                    format!("id '{}' is already defined at {prev_file}:{pl}:{pc}; use `override` to change it", ef.id),
                );
                continue;
            }
            let e = super::entry_from_file(
                ef,
                &document,
                default_origin,
                cf.audit_only.unwrap_or(false),
                platform,
            );
            self.index.insert(e.id.clone(), self.entries.len());
            self.spots.insert(e.id.clone(), (o.clone(), o));
            self.entries.push(e);
        }
    }

    /// The file's overrides of entries defined before it; what they set is checked where they
    /// set it.
    pub fn overrides(&mut self, ctx: &mut Ctx<'_>, fi: usize, cf: &CatalogFile) {
        let name = ctx.files[fi].name.clone();
        for (ii, ov) in cf.overrides.iter().enumerate() {
            let o = Spot {
                file: fi,
                section: "override",
                item: ii,
            };
            let Some(&at) = self.index.get(&ov.id) else {
                ctx.err(
                    "override-missing-id",
                    &o,
                    "id",
                    format!("override of '{}', which no catalog defines", ov.id),
                );
                continue;
            };
            super::apply_override(&mut self.entries[at], ov, &name);
            if (ov.pattern.is_some()
                || ov.alternates.is_some()
                || ov.canonical.is_some()
                || ov.kind.is_some())
                && let Some(x) = self.spots.get_mut(&ov.id)
            {
                x.1 = o;
            }
        }
    }

    /// The file's disables: of an entry defined before, with a written reason.
    pub fn disables(&mut self, ctx: &mut Ctx<'_>, fi: usize, cf: &CatalogFile) {
        let name = ctx.files[fi].name.clone();
        for (ii, d) in cf.disable.iter().enumerate() {
            let o = Spot {
                file: fi,
                section: "disable",
                item: ii,
            };
            let Some(&at) = self.index.get(&d.id) else {
                ctx.err(
                    "disable-missing-id",
                    &o,
                    "id",
                    format!("disable of '{}', which no catalog defines", d.id),
                );
                continue;
            };
            if d.reason.trim().is_empty() {
                ctx.err(
                    "empty-value",
                    &o,
                    "reason",
                    "a disabled entry needs a written reason",
                );
                continue;
            }
            self.entries[at].disabled = Some(format!("{} ({name})", d.reason.trim()));
        }
    }

    /// Every merged entry checked, each diagnostic at the place its field was last set.
    pub fn validate(&mut self, ctx: &mut Ctx<'_>) {
        for e in &mut self.entries {
            let Some((def, mat)) = self.spots.get(&e.id).cloned() else {
                continue;
            };
            super::validate_entry(ctx, e, &def, &mat, &self.placeholders);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Run the steps on `files`, as `load` does, and return the merged catalog and the codes.
    fn run(files: &[SourceFile]) -> (Merged, Vec<&'static str>) {
        let mut ctx = Ctx::new(files);
        let parsed = parse(&mut ctx, files);
        let mut m = Merged::default();
        for (fi, pf) in parsed.iter().enumerate() {
            let Some(cf) = pf else { continue };
            if !schema_ok(&mut ctx, fi, cf) {
                continue;
            }
            m.placeholders(&mut ctx, fi, cf);
            m.namespaces(&mut ctx, fi, cf);
            let Ok(p) = platform(&mut ctx, fi, cf) else {
                continue;
            };
            m.entries(&mut ctx, fi, cf, p);
            m.overrides(&mut ctx, fi, cf);
            m.disables(&mut ctx, fi, cf);
        }
        m.validate(&mut ctx);
        let codes = ctx.diags.iter().map(|d| d.code).collect();
        (m, codes)
    }

    const ENTRY: &str = "schema: 1
origin: vendor
placeholders:
  erts: {label: erts, shape: version}
entries:
  - id: a
    kind: directory
    canonical: /opt/a/
    match: /opt/a/
    component: c
    section: s
    reason: {ru: р, en: r}
    risk: low
    risk_why: {ru: р, en: r}
";

    #[test]
    fn a_file_that_does_not_parse_is_one_diagnostic_and_the_others_still_merge() {
        let (m, codes) = run(&[
            file("a.yaml", ENTRY),
            file("b.yaml", "schema: 1\nentries: [\n"),
        ]);
        assert_eq!(codes, ["yaml-syntax"]);
        assert_eq!(m.entries.len(), 1);
    }

    #[test]
    fn another_schema_leaves_the_file_out() {
        let (m, codes) = run(&[file("a.yaml", &ENTRY.replace("schema: 1", "schema: 2"))]);
        assert_eq!(codes, ["unsupported-schema"]);
        assert!(m.entries.is_empty());
    }

    #[test]
    fn placeholders_need_a_known_shape_and_one_definition() {
        let two = "schema: 1\nplaceholders:\n  erts: {label: erts, shape: digits}\n  x: {label: x, shape: float}\n";
        let (m, codes) = run(&[file("a.yaml", ENTRY), file("b.yaml", two)]);
        assert_eq!(codes, ["placeholder-redefined", "bad-shape"]);
        assert_eq!(m.placeholders["erts"].shape, Shape::Version);
    }

    #[test]
    fn namespaces_replace_the_lists_given_and_must_be_dns_labels() {
        let ns = "schema: 1\nnamespaces:\n  application: [site-app, Bad_Name]\n";
        let (m, codes) = run(&[file("a.yaml", ns)]);
        assert_eq!(codes, ["bad-namespace"]);
        assert_eq!(m.namespace_lists.application, ["site-app", "Bad_Name"]);
        assert_eq!(
            m.namespace_lists.databases,
            ["elma365-dbs"],
            "not given: kept"
        );
    }

    #[test]
    fn a_known_platform_marks_the_files_entries() {
        let doc = format!("{ENTRY}applies_when: {{platform: deckhouse}}\n");
        let (m, codes) = run(&[file("a.yaml", &doc)]);
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(m.entries[0].platform, Some(Platform::Deckhouse));
    }

    #[test]
    fn an_unknown_platform_leaves_the_file_out() {
        let doc = format!("{ENTRY}applies_when: {{platform: openshift}}\n");
        let (m, codes) = run(&[file("a.yaml", &doc)]);
        assert_eq!(codes, ["unknown-value"]);
        assert!(m.entries.is_empty());
    }

    #[test]
    fn entries_take_the_file_origin_and_a_duplicate_id_is_refused() {
        let (m, codes) = run(&[file("a.yaml", ENTRY), file("b.yaml", ENTRY)]);
        assert_eq!(codes, ["duplicate-id"]);
        assert_eq!(m.entries.len(), 1);
        assert_eq!(m.entries[0].source.origin, Origin::Vendor);
        assert_eq!(m.entries[0].source.document, "a.yaml");
    }

    #[test]
    fn overrides_and_disables_change_defined_entries_only() {
        let site = "schema: 1
override:
  - {id: a, component: site-c}
  - {id: nope, component: x}
disable:
  - {id: a, reason: ' backups run elsewhere '}
  - {id: gone, reason: r}
";
        let (m, codes) = run(&[file("a.yaml", ENTRY), file("site.yaml", site)]);
        assert_eq!(codes, ["override-missing-id", "disable-missing-id"]);
        let a = &m.entries[0];
        assert_eq!(a.component, "site-c");
        assert_eq!(a.source.overridden_by, ["site.yaml"]);
        assert_eq!(a.source.origin_text(), "vendor (overridden by site.yaml)");
        assert_eq!(
            a.disabled.as_deref(),
            Some("backups run elsewhere (site.yaml)")
        );
    }

    #[test]
    fn a_disable_without_reason_is_refused() {
        let site = "schema: 1\ndisable:\n  - {id: a, reason: '  '}\n";
        let (m, codes) = run(&[file("a.yaml", ENTRY), file("site.yaml", site)]);
        assert_eq!(codes, ["empty-value"]);
        assert!(m.entries[0].disabled.is_none());
    }

    #[test]
    fn validation_points_at_the_override_that_set_the_match() {
        let site = "schema: 1\noverride:\n  - id: a\n    match: opt/a/\n";
        let files = [file("a.yaml", ENTRY), file("site.yaml", site)];
        let mut ctx = Ctx::new(&files);
        let parsed = parse(&mut ctx, &files);
        let mut m = Merged::default();
        for (fi, cf) in parsed.iter().enumerate() {
            let cf = cf.as_ref().unwrap();
            m.entries(&mut ctx, fi, cf, None);
            m.overrides(&mut ctx, fi, cf);
        }
        m.validate(&mut ctx);
        let d = &ctx.diags[0];
        assert_eq!(
            (d.code, d.file.as_str(), d.line),
            ("bad-path", "site.yaml", 4)
        );
    }

    #[test]
    fn origin_discovery_is_not_a_catalog_files_word() {
        let files = [file(
            "a.yaml",
            &ENTRY.replace("origin: vendor", "origin: discovery"),
        )];
        let mut ctx = Ctx::new(&files);
        parse(&mut ctx, &files);
        let d = &ctx.diags[0];
        assert_eq!(d.code, "unknown-value");
        assert!(
            d.message
                .ends_with("expected one of `vendor`, `avexclude`, `site`, `deckhouse`"),
            "{d}"
        );
        let (_, codes) = run(&[file(
            "a.yaml",
            &ENTRY.replace("origin: vendor", "origin: vendr"),
        )]);
        assert_eq!(codes, ["unknown-value"]);
    }
}
