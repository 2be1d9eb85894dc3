//! `avexclude audit --vendor NAME [--from FILE]`: the product's current configuration (live where
//! it is installed, or an exported file) against what this host needs. Exit 0 nothing to do,
//! 1 findings, 2 usage or input error (a product that is not installed and no `--from`, a scan
//! that could not see the host).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::args::{AuditArgs, ListFormat};
use super::common::{emit, load_catalog, to_json};
use super::{CliError, CliResult, Outcome};
use crate::audit::{self, AuditInput, mounts};

/// Most a configuration is read (a settings export is a few hundred kilobytes).
const MAX_CONFIG: u64 = 16 << 20;

/// Where the installed product shows its configuration, per vendor.
fn live_config(vendor: &str) -> Result<(String, String), CliError> {
    let run = |prog: &str, args: &[&str]| -> Result<(String, String), CliError> {
        let shown = format!("{prog} {}", args.join(" "));
        let out = Command::new(prog)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map_err(|e| {
                CliError::Input(format!(
                    "{shown}: {e}: is the product installed? (or pass --from FILE)"
                ))
            })?;
        if !out.status.success() {
            return Err(CliError::Input(format!(
                "{shown} failed ({}): pass --from FILE with an exported configuration",
                out.status
            )));
        }
        Ok((String::from_utf8_lossy(&out.stdout).into_owned(), shown))
    };
    let find = |names: &[&str]| -> Option<PathBuf> {
        names.iter().map(PathBuf::from).find(|p| p.is_file())
    };
    match vendor {
        "clamav" => {
            // Debian/Ubuntu, then RHEL/CentOS (EPEL), then a source build.
            let p = find(&[
                "/etc/clamav/clamd.conf",
                "/etc/clamd.d/scan.conf",
                "/usr/local/etc/clamd.conf",
            ])
            .ok_or_else(|| {
                CliError::Input(
                    "no clamd.conf found (/etc/clamav/clamd.conf, /etc/clamd.d/scan.conf): pass --from FILE".into(),
                )
            })?;
            let b = crate::input::read_limited(&p, MAX_CONFIG)
                .map_err(|e| CliError::Input(format!("{}: {e}", p.display())))?;
            Ok((
                String::from_utf8_lossy(&b).into_owned(),
                p.display().to_string(),
            ))
        }
        "kesl" => run(
            "kesl-control",
            &["--get-settings", "File_Threat_Protection"],
        ),
        "drweb" => run("drweb-ctl", &["cfshow", "LinuxSpider"]),
        "mdatp" => run("mdatp", &["exclusion", "list"]),
        "eset" => {
            let dir = tempfile::tempdir().map_err(|e| CliError::Other(e.into()))?;
            let f = dir.path().join("eset.xml");
            let arg = format!("--export-xml={}", f.display());
            run("/opt/eset/efs/sbin/cfg", &[&arg])?;
            let b = crate::input::read_limited(&f, MAX_CONFIG)
                .map_err(|e| CliError::Input(format!("{}: {e}", f.display())))?;
            Ok((
                String::from_utf8_lossy(&b).into_owned(),
                "/opt/eset/efs/sbin/cfg --export-xml".into(),
            ))
        }
        other => Err(CliError::Input(format!(
            "audit has no reader for {other}: pass a product with a configuration (clamav, kesl, drweb, mdatp, eset)"
        ))),
    }
}

pub fn run(args: AuditArgs) -> CliResult {
    let mut vendors = super::vendors::load(args.vendors_dir.as_deref())?;
    super::vendors::apply_params(&mut vendors, &args.vendor_params)?;
    let Some(v) = vendors.iter().find(|v| v.name() == args.vendor) else {
        let known: Vec<&str> = vendors.iter().map(|v| v.name()).collect();
        return Err(CliError::Input(format!(
            "unknown vendor '{}'; known vendors: {}",
            args.vendor.escape_debug(),
            known.join(", ")
        )));
    };
    if audit::parse_for(v.name(), "").is_none() {
        return Err(CliError::Input(format!(
            "audit has no reader for {}: it has no configuration of its own",
            v.name()
        )));
    }
    let (text, source) = match &args.from {
        Some(p) => {
            let b = crate::input::read_limited(p, MAX_CONFIG)
                .map_err(|e| CliError::Input(format!("{}: {e}", p.display())))?;
            (
                String::from_utf8_lossy(&b).into_owned(),
                p.display().to_string(),
            )
        }
        None => live_config(v.name())?,
    };
    let catalog = load_catalog(&args.catalogs)?;
    let inv = super::common::load_inventory(&args.source, &args.catalogs)?;
    let report = crate::check::check(&catalog, &inv);
    let live = inv.root == "/" && args.source.inventory.is_none();
    let trap: Option<Vec<String>> = if live {
        mounts::read_live().ok().map(|m| mounts::trap_points(&m))
    } else {
        None
    };
    // The product version: a --vendor-param, else detected on the live host.
    let detected = if live {
        let plan = crate::render::plan_for(
            &report,
            &catalog,
            v,
            &crate::render::RenderOptions::default(),
            Some(&inv),
        );
        plan.detected_version
    } else {
        None
    };
    let params = v.descriptor.effective_params(detected.as_deref());
    let version = params
        .get("version")
        .and_then(|x| x.as_str())
        .filter(|s| s.starts_with(|c: char| c.is_ascii_digit()))
        .map(String::from);
    let root: Option<PathBuf> = match &args.source.root {
        Some(r) => Some(r.clone()),
        None if live => Some(PathBuf::from("/")),
        None => None,
    };
    let r = audit::audit(&AuditInput {
        vendor: v,
        report: &report,
        catalog: &catalog,
        inventory: &inv,
        config: &text,
        source,
        root: root.as_deref(),
        mounts: trap.as_deref(),
        version,
    });
    let out = match args.format {
        ListFormat::Json => to_json(&r)?,
        ListFormat::Table => table(&r, super::lang()),
    };
    emit(None, out.as_bytes())?;
    Ok(if r.findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn table(r: &crate::model::AuditReport, lang: crate::i18n::Lang) -> String {
    use crate::i18n::messages::translate;
    let mut s = format!(
        "{} {} ({})\n",
        lang.tr("audit of", "проверка настроек"),
        r.vendor,
        crate::render::escape::comment(&r.source)
    );
    if r.findings.is_empty() {
        s.push_str(lang.tr(
            "nothing to do: the configuration matches what this host needs\n",
            "делать нечего: настройки совпадают с тем, что нужно этому хосту\n",
        ));
        return s;
    }
    for f in &r.findings {
        let kind = match (f.kind, lang) {
            (crate::model::FindingKind::Missing, crate::i18n::Lang::En) => "missing",
            (crate::model::FindingKind::Stale, crate::i18n::Lang::En) => "stale",
            (crate::model::FindingKind::TooBroad, crate::i18n::Lang::En) => "too-broad",
            (crate::model::FindingKind::Pitfall, crate::i18n::Lang::En) => "pitfall",
            (crate::model::FindingKind::Missing, crate::i18n::Lang::Ru) => "не хватает",
            (crate::model::FindingKind::Stale, crate::i18n::Lang::Ru) => "устарело",
            (crate::model::FindingKind::TooBroad, crate::i18n::Lang::Ru) => "слишком широко",
            (crate::model::FindingKind::Pitfall, crate::i18n::Lang::Ru) => "ловушка",
        };
        // padded by characters, not bytes (the Russian kinds are two bytes a letter)
        let width = lang.tr("1234567890", "12345678901234").len();
        let pad = " ".repeat(width.saturating_sub(kind.chars().count()));
        let indent = " ".repeat(width + 1);
        s.push_str(&format!(
            "{kind}{pad} {}\n{indent}{}\n",
            crate::render::escape::comment(&f.value),
            crate::render::escape::comment(&translate(&f.why, lang))
        ));
    }
    s.push_str(&match lang {
        crate::i18n::Lang::En => format!("{} finding(s)\n", r.findings.len()),
        crate::i18n::Lang::Ru => format!("находок: {}\n", r.findings.len()),
    });
    s
}
