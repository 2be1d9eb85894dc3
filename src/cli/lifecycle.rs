//! What `check`, `render` and `accept` share for the lifecycle of PRODUCT.md ("back to green"):
//! refusing a scan that could not see the host (exit 2, never "clean"), the values a vendor's
//! files carry (recorded by `render --state`, compared by `check --state`), and who runs the tool.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::CliError;
use crate::check::state::{self, Decision, State, Sync, ValueKind, VendorRecord, Written};
use crate::model::{Catalog, Inventory, Report, Status, WarnCode};
use crate::render::{self, Plan, RenderOptions};

/// Warning codes of discovery that mean the process table could not be read at all.
const BLIND_CODES: &[WarnCode] = &[
    WarnCode::ProcUnreadable,
    WarnCode::ProcMissing,
    WarnCode::ProcSymlink,
    WarnCode::DiscoveryFailed,
];

/// Why this inventory cannot stand for the host, if it cannot: no `/proc`, no process visible,
/// or a scan without root that could not read other users' executables. The message says what
/// to do.
pub fn blind_scan(inv: &Inventory) -> Option<String> {
    if let Some(w) = inv
        .warnings
        .iter()
        .find(|w| BLIND_CODES.iter().any(|&c| w.is(c)))
    {
        return Some(format!(
            "the scan could not read the host's processes ({}){}: run avexclude on the host itself \
             as root, or give --root a directory where the host's /proc is mounted (e.g. --root \
             /host with /host/proc)",
            w.message,
            w.subject
                .as_deref()
                .map(|s| format!(" at {s}"))
                .unwrap_or_default()
        ));
    }
    let visible = inv
        .processes
        .iter()
        .filter(|p| !p.kernel_thread && (p.exe.is_some() || !p.cmdline.is_empty()))
        .count();
    if visible == 0 {
        return Some(format!(
            "no process is visible under {}/proc: an empty or wrong root, or a /proc mounted \
             with hidepid; run avexclude as root on the host (or in its PID namespace: hostPID), \
             or point --root at the host's root",
            inv.root.trim_end_matches('/')
        ));
    }
    if !inv.host.scanned_as_root {
        let blind = inv
            .processes
            .iter()
            .filter(|p| !p.kernel_thread && p.exe.is_none() && !p.cmdline.is_empty())
            .count();
        if blind > 0 {
            return Some(format!(
                "not running as root: the executables of {blind} process(es) of other users are \
                 unreadable, so their exclusions cannot be checked; run it as root (sudo \
                 avexclude ...), or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
            ));
        }
    }
    None
}

/// Components that only an ELMA365 host (or its database host) has.
const ELMA365_COMPONENTS: &[&str] = &[
    "elma365",
    "microk8s",
    "postgresql",
    "mongodb",
    "redis",
    "rabbitmq",
    "minio",
    "databases",
];

/// Whether the report shows any ELMA365 component: an entry of an ELMA365 or database component
/// found, a process in a container, or an unlisted finding.
pub fn elma365_found(r: &Report, catalog: &Catalog) -> bool {
    !r.unlisted.is_empty()
        || r.entries.iter().any(|e| {
            matches!(e.status, Status::Present | Status::Drifted)
                && !catalog.get(&e.id).is_some_and(|c| c.audit_only)
                && (ELMA365_COMPONENTS.contains(&e.component.as_str())
                    || e.matches.iter().any(|m| m.container.is_some()))
        })
}

/// The one-line refusal of a host with nothing of ELMA365, unless `--allow-empty`.
pub fn empty_host_message(r: &Report) -> String {
    format!(
        "no ELMA365 component found on {} (no ELMA365 or database process, no /opt/elma365, no \
         container of its namespaces): wrong host or --root? Pass --allow-empty to report it anyway",
        if r.host.hostname.is_empty() {
            "this host"
        } else {
            &r.host.hostname
        }
    )
}

/// Refuse a blind scan, and a host without ELMA365 unless allowed.
pub fn fail_closed(
    inv: &Inventory,
    report: &Report,
    catalog: &Catalog,
    allow_empty: bool,
) -> Result<(), String> {
    if let Some(m) = blind_scan(inv) {
        return Err(m);
    }
    if !allow_empty && !elma365_found(report, catalog) {
        return Err(empty_host_message(report));
    }
    Ok(())
}

/// `--allow-risk` ids that name no entry: an error (exit 2), with the closest id as a hint.
pub fn check_allow_risk(ids: &[String], catalog: &Catalog) -> Result<(), CliError> {
    let unknown: Vec<String> = ids
        .iter()
        .filter(|a| catalog.get(a).is_none())
        .map(|a| {
            let hint = catalog
                .entries
                .iter()
                .map(|e| (distance(a, &e.id), &e.id))
                .min()
                .filter(|(d, _)| *d <= 3)
                .map(|(_, id)| format!(" (did you mean {id}?)"))
                .unwrap_or_default();
            format!("{}{hint}", a.escape_debug())
        })
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(CliError::Input(format!(
        "--allow-risk names no catalog entry: {}; see `avexclude catalog show` for the ids",
        unknown.join(", ")
    )))
}

/// Levenshtein distance, for the "did you mean" hint.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Every value a vendor's files carry, from its plan.
pub fn written_values(plan: &Plan) -> Vec<Written> {
    let mut out: Vec<Written> = Vec::new();
    for it in plan
        .directories
        .iter()
        .chain(plan.files.iter())
        .chain(plan.processes.iter())
    {
        out.push(Written {
            id: it.id.clone(),
            kind: it.kind.into(),
            value: it.path.clone(),
        });
    }
    for p in &plan.ports {
        out.push(Written {
            id: p.id.clone(),
            kind: ValueKind::Port,
            value: p.value.clone(),
        });
    }
    for u in &plan.users {
        out.push(Written {
            id: u.id.clone(),
            kind: ValueKind::User,
            value: u.user.clone(),
        });
    }
    out.sort();
    out.dedup();
    out
}

/// What `render --state` records for one vendor.
pub fn vendor_record(
    plan: &Plan,
    opts: &RenderOptions,
    vendors_dir: Option<&Path>,
    files: Vec<String>,
    at: &str,
) -> VendorRecord {
    let dec = |l: &[render::plan::Skipped]| -> Vec<Decision> {
        l.iter()
            .map(|s| Decision {
                id: s.id.clone(),
                value: s.value.clone(),
                why: s.why.clone(),
            })
            .collect()
    };
    let allowed = plan
        .directories
        .iter()
        .chain(plan.files.iter())
        .chain(plan.processes.iter())
        .filter(|it| it.risk == "high")
        .filter_map(|it| {
            let by: Vec<&String> = it
                .ids
                .iter()
                .filter(|id| opts.allow_risk.contains(id))
                .collect();
            (!by.is_empty()).then(|| Decision {
                id: it.id.clone(),
                value: it.path.clone(),
                why: format!(
                    "allowed by {}",
                    by.iter()
                        .map(|b| format!("--allow-risk {b}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        })
        .collect();
    VendorRecord {
        rendered_at: at.to_string(),
        wildcards: opts.wildcards,
        allow_risk: opts.allow_risk.clone(),
        vendors_dir: vendors_dir.map(|d| d.display().to_string()),
        files,
        values: written_values(plan),
        held_back: dec(&plan.held_back),
        narrowed: dec(&plan.narrowed),
        allowed,
        not_expressible: dec(&plan.not_expressible),
        refused: dec(&plan.refused),
    }
}

/// The options a vendor was rendered with last.
pub fn options_of(rec: &VendorRecord) -> RenderOptions {
    RenderOptions {
        wildcards: rec.wildcards,
        allow_risk: rec.allow_risk.clone(),
    }
}

/// Plan every vendor recorded in the state again, with its recorded options, and compare: what
/// to add and remove, which unlisted findings are accepted, which binaries were replaced.
pub fn sync(
    st: &State,
    report: &Report,
    catalog: &Catalog,
    inv: &Inventory,
    state_path: &Path,
) -> Result<Sync, CliError> {
    let mut now: BTreeMap<String, Vec<Written>> = BTreeMap::new();
    let mut loaded: BTreeMap<Option<String>, Vec<render::Vendor>> = BTreeMap::new();
    for (name, rec) in &st.rendered {
        if !loaded.contains_key(&rec.vendors_dir) {
            let dir = rec.vendors_dir.as_ref().map(PathBuf::from);
            let v = super::vendors::load(dir.as_deref())?;
            loaded.insert(rec.vendors_dir.clone(), v);
        }
        let vendors = &loaded[&rec.vendors_dir];
        let Some(v) = vendors.iter().find(|v| v.name() == name) else {
            return Err(CliError::Input(format!(
                "state file {} records a render for vendor '{}', which is not known here{}",
                state_path.display(),
                name.escape_debug(),
                rec.vendors_dir
                    .as_deref()
                    .map(|d| format!(" (its --vendors-dir was {d})"))
                    .unwrap_or_default()
            )));
        };
        let plan = render::plan_for(report, catalog, v, &options_of(rec), Some(inv));
        now.insert(name.clone(), written_values(&plan));
    }
    let (add, remove) = state::diff_rendered(st, &now);
    let mut accepted = Vec::new();
    let mut unaccepted = Vec::new();
    for u in &report.unlisted {
        match st.accepted_for(u) {
            Some(a) => accepted.push(state::AcceptedFinding {
                id: state::unlisted_id(u),
                kind: u.kind,
                value: u.value.display(),
                component: u.component.clone(),
                reason: a.reason.clone(),
                by: a.by.clone(),
                at: a.at.clone(),
            }),
            None => unaccepted.push(state::unlisted_id(u)),
        }
    }
    unaccepted.sort();
    unaccepted.dedup();
    let replaced = state::replaced_entries(report);
    let vendors = st
        .rendered
        .iter()
        .map(|(name, rec)| state::SyncVendor {
            vendor: name.clone(),
            rendered_at: rec.rendered_at.clone(),
            held_back: rec.held_back.clone(),
            narrowed: rec.narrowed.clone(),
            allowed: rec.allowed.clone(),
            written: rec.values.len(),
            values: rec.values.clone(),
        })
        .collect::<Vec<_>>();
    let sp = shell_word(&state_path.display().to_string());
    let mut actions = Vec::new();
    if st.rendered.is_empty() {
        actions.push(format!(
            "nothing rendered with this state yet: avexclude render --vendor NAME --out DIR --state {sp}, then apply DIR/NAME/"
        ));
    }
    if !add.is_empty() || !remove.is_empty() {
        let names: Vec<&str> = add
            .iter()
            .chain(remove.iter())
            .map(|i| i.vendor.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        actions.push(format!(
            "{} to add, {} to remove for {}: avexclude render {} --out DIR --state {sp}, then run the apply scripts",
            add.len(),
            remove.len(),
            names.join(", "),
            names
                .iter()
                .map(|n| format!("--vendor {n}"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    if !unaccepted.is_empty() {
        actions.push(format!(
            "{} unlisted finding(s) not reviewed: add an overlay entry, or avexclude accept --state {sp} --reason TEXT ITEM...",
            unaccepted.len()
        ));
    }
    if !replaced.is_empty() {
        actions.push(format!(
            "binary replaced on disk for {}: verify the package or image, then restart the process",
            replaced.join(", ")
        ));
    }
    Ok(Sync {
        in_sync: actions.is_empty(),
        add,
        remove,
        vendors,
        unaccepted,
        accepted,
        replaced,
        actions,
    })
}

/// A value for a shell command line shown to the user: single-quoted when it is not plain.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The user running the tool: the name of the real uid from /etc/passwd, and with sudo, the user
/// behind it (`SUDO_USER`).
pub fn who() -> String {
    let uid = unsafe { libc::getuid() };
    let name = user_name(uid).unwrap_or_else(|| format!("uid {uid}"));
    match std::env::var("SUDO_USER") {
        Ok(s) if !s.is_empty() && s != name => {
            let s: String = s.chars().filter(|c| !c.is_control()).take(64).collect();
            format!("{s} (via sudo as {name})")
        }
        _ => name,
    }
}

fn user_name(uid: u32) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open("/etc/passwd")
        .ok()?
        .take(16 << 20)
        .read_to_string(&mut text)
        .ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 3 && f[2].parse::<u32>().ok() == Some(uid)).then(|| f[0].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_suggests_the_near_id() {
        assert_eq!(distance("proc-nod", "proc-node"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn shell_word_quotes_what_a_shell_would_split() {
        assert_eq!(shell_word("/var/lib/s.json"), "/var/lib/s.json");
        assert_eq!(shell_word("/a b/it's"), "'/a b/it'\\''s'");
    }
}
