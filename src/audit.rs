//! Audit: the antivirus's own configuration (read live where the product is installed, or from
//! an exported file) against what this host needs: what is missing, stale, too broad, or a
//! pitfall the product is known to trip over.
//!
//! What "needs" means is the render plan of the same vendor for the same report: the values
//! `render` would write. Pitfalls are the measured ClamAV failures
//! (`../research/container-paths.md`, `container-paths-clamav-1.4.6.md`, `../lab/README.md`).

pub mod mounts;
pub mod parse;

use std::path::Path;

use crate::model::{AuditFinding, AuditReport, Catalog, FindingKind, Inventory, Report};
use crate::render::{self, RenderOptions, Vendor, risk, vendor::version_at_least};

/// Everything an audit looks at.
pub struct AuditInput<'a> {
    pub vendor: &'a Vendor,
    pub report: &'a Report,
    pub catalog: &'a Catalog,
    pub inventory: &'a Inventory,
    /// The product's configuration text and where it came from.
    pub config: &'a str,
    pub source: String,
    /// The host's root (`/`, or `--root DIR`): existence and sibling checks look there; `None`
    /// for an inventory from elsewhere (those checks are then skipped).
    pub root: Option<&'a Path>,
    /// The host's mount points (live mount table), when read.
    pub mounts: Option<&'a [String]>,
    /// The product version, when known (ClamAV: before 1.4.5, from 1.5).
    pub version: Option<String>,
}

fn covers(dir: &str, path: &str) -> bool {
    mounts::under(path, dir)
}

fn find(kind: FindingKind, value: &str, why: impl Into<String>) -> AuditFinding {
    AuditFinding {
        kind,
        value: value.to_string(),
        why: why.into(),
    }
}

/// Parse the configuration text of `vendor`.
pub fn parse_for(vendor: &str, text: &str) -> Option<parse::Current> {
    Some(match vendor {
        "clamav" => parse::clamav(text),
        "kesl" => parse::kesl(text),
        "drweb" => parse::drweb(text),
        "mdatp" => parse::mdatp(text),
        "eset" => parse::eset(text),
        _ => return None,
    })
}

/// Versioned path parts that change on upgrade: an exclusion holding one that this host no
/// longer has is for an older version.
fn versioned(p: &str) -> bool {
    p.split('/').any(|seg| {
        seg.starts_with("erts-")
            || seg.starts_with("pvc-")
            || seg.contains("-pvc-")
            || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()))
    })
}

/// Run the audit.
pub fn audit(a: &AuditInput) -> AuditReport {
    let name = a.vendor.name().to_string();
    let cur = parse_for(&name, a.config).unwrap_or_default();
    let plan = render::plan_for(
        a.report,
        a.catalog,
        a.vendor,
        &RenderOptions::default(),
        Some(a.inventory),
    );
    let mut f = Vec::new();

    // missing
    let needed_paths: Vec<&render::plan::Item> =
        plan.directories.iter().chain(plan.files.iter()).collect();
    for it in &needed_paths {
        if !cur.paths.iter().any(|c| covers(c, &it.path)) {
            f.push(find(
                FindingKind::Missing,
                &it.path,
                format!(
                    "{}: this host needs it ({} view{})",
                    it.id,
                    it.view.as_str(),
                    it.note
                        .as_deref()
                        .map(|n| format!("; {n}"))
                        .unwrap_or_default()
                ),
            ));
        }
    }
    if a.vendor.descriptor.accepts.process_path {
        for it in &plan.processes {
            if !cur.processes.iter().any(|c| c == &it.path) {
                f.push(find(
                    FindingKind::Missing,
                    &it.path,
                    format!(
                        "{}: process this host runs ({} view)",
                        it.id,
                        it.view.as_str()
                    ),
                ));
            }
        }
    }

    // too broad and stale
    let high_roots: Vec<(&str, String)> = a
        .report
        .entries
        .iter()
        .filter(|e| e.risk == crate::model::Risk::High)
        .flat_map(|e| {
            e.found
                .iter()
                .map(move |v| (e.id.as_str(), v.trim_end_matches('/').to_string()))
        })
        .collect();
    for c in &cur.paths {
        let needed = needed_paths
            .iter()
            .any(|it| it.path.trim_end_matches('/') == c);
        if let Some(why) = risk::directory_risk(c) {
            f.push(find(FindingKind::TooBroad, c, why));
            continue;
        }
        if let Some((id, _)) = high_roots.iter().find(|(_, v)| v == c) {
            let e = a.report.entries.iter().find(|e| e.id == *id);
            f.push(find(
                FindingKind::TooBroad,
                c,
                format!(
                    "{id}: {}",
                    e.map(|e| e.risk_why.en.clone()).unwrap_or_default()
                ),
            ));
            continue;
        }
        if c.trim_end_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .count()
            == 1
        {
            f.push(find(
                FindingKind::TooBroad,
                c,
                "a top-level directory: it exempts everything below it, on the host and (for an in-container path) in every container",
            ));
            continue;
        }
        if needed || needed_paths.iter().any(|it| covers(c, &it.path)) {
            continue;
        }
        let Some(root) = a.root else {
            continue;
        };
        let on_host = root.join(c.trim_start_matches('/'));
        let container_view = plan
            .directories
            .iter()
            .chain(plan.files.iter())
            .any(|it| it.view == crate::model::PathView::Container);
        if std::fs::symlink_metadata(&on_host).is_err() {
            if container_view && !c.contains("/var/") && !c.contains("/snap/") {
                // possibly an in-container path of a container not running now: still stale, but
                // say why it cannot be checked on the host
                f.push(find(
                    FindingKind::Stale,
                    c,
                    "no such path on the host, and no running container has it as its data path",
                ));
            } else {
                f.push(find(
                    FindingKind::Stale,
                    c,
                    "the path no longer exists on this host",
                ));
            }
        } else if versioned(c) {
            f.push(find(
                FindingKind::Stale,
                c,
                "an older version, revision or volume: this host needs another (see missing)",
            ));
        }
    }
    for p in &cur.processes {
        if let Some(why) = risk::process_risk(p) {
            f.push(find(FindingKind::TooBroad, p, why));
        }
    }

    if name == "clamav" {
        clamav_pitfalls(a, &cur, &mut f);
    }
    let mut seen = std::collections::BTreeSet::new();
    f.retain(|x| seen.insert((x.kind, x.value.clone(), x.why.clone())));
    AuditReport {
        vendor: name,
        source: a.source.clone(),
        findings: f,
    }
}

fn clamav_pitfalls(a: &AuditInput, cur: &parse::Current, f: &mut Vec<AuditFinding>) {
    for (v, why) in &cur.misread {
        f.push(find(FindingKind::Pitfall, v, why.clone()));
    }
    let v15 = a
        .version
        .as_deref()
        .and_then(|v| version_at_least(v, "1.5"))
        .unwrap_or(false);
    for x in &cur.onacc_exclude {
        if x.len() > 1 && x.ends_with('/') {
            f.push(find(
                FindingKind::Pitfall,
                &format!("OnAccessExcludePath {x}"),
                "a trailing / makes clamonacc ignore the exclusion (measured, lab README)",
            ));
        }
        if v15 && !x.starts_with('^') {
            f.push(find(
                FindingKind::Pitfall,
                &format!("OnAccessExcludePath {x}"),
                "ClamAV 1.5+ reads it as an unanchored regex: it also excludes every directory whose path merely contains it (anchor and escape it: ^dir$)",
            ));
        }
    }
    if !cur.onacc_exclude.is_empty() {
        for i in &cur.onacc_include {
            if i.len() > 1 && i.ends_with('/') {
                f.push(find(
                    FindingKind::Pitfall,
                    &format!("OnAccessIncludePath {i}"),
                    "an include path with a trailing / together with any OnAccessExcludePath: clamonacc logs \"can't exclude\" and protects nothing (measured, lab README)",
                ));
            }
        }
    }
    // An include path holding mount points of other filesystems (measured on 1.4.3 and 1.4.6).
    if let Some(mounts) = a.mounts {
        for i in &cur.onacc_include {
            let inc = i.trim_end_matches('/');
            let inside: Vec<&String> = mounts
                .iter()
                .filter(|m| mounts::under(m, inc) && m.as_str() != inc)
                .filter(|m| {
                    !cur.onacc_exclude
                        .iter()
                        .any(|x| mounts::under(m, x.trim_end_matches('/')))
                })
                .collect();
            if !inside.is_empty() {
                let shown: Vec<&str> = inside.iter().take(5).map(|s| s.as_str()).collect();
                f.push(find(
                    FindingKind::Pitfall,
                    &format!("OnAccessIncludePath {i}"),
                    format!(
                        "holds {} mount point(s) of other filesystems ({}{}): clamonacc's directory walk fails on one with subdirectories and then protects nothing while it keeps running (measured on ClamAV 1.4.3 and 1.4.6); exclude the subtree holding them or include narrower paths",
                        inside.len(),
                        shown.join(", "),
                        if inside.len() > shown.len() { ", ..." } else { "" }
                    ),
                ));
            }
        }
    }
    // The prefix-sibling bug of ClamAV before 1.4.5 (upstream commit bb829064a).
    let old = a
        .version
        .as_deref()
        .and_then(|v| version_at_least(v, "1.4.5"))
        .map(|ok| !ok);
    if old != Some(false) {
        for x in &cur.onacc_exclude {
            let x = x.trim_end_matches('/');
            let p = Path::new(x);
            let (Some(parent), Some(base)) = (p.parent(), p.file_name()) else {
                continue;
            };
            let base = base.to_string_lossy();
            let Some(root) = a.root else {
                continue;
            };
            let dir = root.join(parent.to_string_lossy().trim_start_matches('/'));
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            let sibs: Vec<String> = rd
                .flatten()
                .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.len() > base.len() && n.starts_with(base.as_ref()))
                .take(5)
                .collect();
            if !sibs.is_empty() {
                f.push(find(
                    FindingKind::Pitfall,
                    &format!("OnAccessExcludePath {x}"),
                    format!(
                        "sibling director{} {} start{} with its name: ClamAV {} before 1.4.5 then fails to exclude it (\"could not add element to hash table\") and protects nothing in the whole include path; fixed in 1.4.5 (commit bb829064a)",
                        if sibs.len() == 1 { "y" } else { "ies" },
                        sibs.join(", "),
                        if sibs.len() == 1 { "s" } else { "" },
                        a.version.as_deref().unwrap_or("(version unknown)")
                    ),
                ));
            }
        }
    }
    // Containers: their file I/O is not scanned on access at all.
    let containers = a
        .report
        .entries
        .iter()
        .flat_map(|e| e.matches.iter())
        .any(|m| m.container.is_some() || m.container_path.is_some());
    if containers && !cur.onacc_include.is_empty() {
        f.push(find(
            FindingKind::Pitfall,
            "container I/O",
            "containers run on this host and clamonacc does not scan their file I/O: it resolves the in-container path on the host, fails, and allows the access (measured on 1.4.3 and 1.4.6); scan their volumes on demand",
        ));
    }
    // clamd's own user must be excluded on access, or clamonacc scans clamd's reads (a loop).
    if !cur.onacc_include.is_empty()
        && let Some(u) = &cur.user
        && !cur.exclude_unames.iter().any(|x| x == u)
        && cur.exclude_uids.is_empty()
    {
        f.push(find(
            FindingKind::Pitfall,
            &format!("User {u}"),
            format!("no OnAccessExcludeUname {u}: clamonacc would scan clamd's own file accesses"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_parts() {
        assert!(versioned("/opt/bitnami/erlang/lib/erlang/erts-12.3.1/bin"));
        assert!(versioned("/snap/microk8s/3410/bin"));
        assert!(versioned(
            "/var/snap/microk8s/common/default-storage/x-pvc-1f2e"
        ));
        assert!(!versioned("/opt/elma365"));
    }
}
