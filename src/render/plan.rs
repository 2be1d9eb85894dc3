//! From a report to what one product gets: the concrete values `check` found, sorted into
//! directories, files, processes, ports and service users; each refused, held back, narrowed or
//! found inexpressible with the reason, so nothing is ever dropped silently.

use std::collections::BTreeMap;

use serde::Serialize;

use super::risk;
use super::vendor::{self, Vendor, WildcardStyle};
use crate::catalog::Template;
use crate::model::{Catalog, Entry, EntryKind, EntryResult, HostStr, Match, Risk, Status, Warning};

/// Components whose service users may be excluded by user name (ClamAV on access).
const DATABASE_COMPONENTS: &[&str] = &["postgresql", "mongodb", "redis", "rabbitmq", "minio"];

/// Users shared by unrelated services: excluding one exempts them all.
const SHARED_USERS: &[&str] = &[
    "root",
    "nobody",
    "nogroup",
    "nfsnobody",
    "daemon",
    "bin",
    "sys",
    "sync",
    "games",
    "man",
    "lp",
    "mail",
    "news",
    "uucp",
    "proxy",
    "www-data",
    "backup",
    "list",
    "irc",
    "gnats",
    "_apt",
    "messagebus",
    "systemd-network",
    "systemd-resolve",
    "systemd-timesync",
    "polkitd",
    "sshd",
    "syslog",
    "ubuntu",
    "admin",
    "user",
];

/// One value to write.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Item {
    /// The catalog ids that produced this value, joined with `, `.
    pub id: String,
    pub ids: Vec<String>,
    /// `directory`, `file` or `process`.
    pub kind: &'static str,
    /// The value to write: a concrete host path, or its wildcard form with `--wildcards`.
    pub path: String,
    /// Directory part and last component of `path` (for products that split them).
    pub parent: String,
    pub name: String,
    pub entry_kind: String,
    pub canonical: String,
    pub component: String,
    pub risk: String,
    pub reason: String,
    pub drift: Option<String>,
    /// Where the value comes from (`path inside container x`, `narrowed`, ...).
    pub note: Option<String>,
    pub wildcard: bool,
    /// The concrete values a wildcard form stands for.
    pub concrete: Vec<String>,
    /// Position in its list, from 0 (`item_NNNN` numbering).
    pub n: usize,
    /// Position in directories, then files, then processes (numbering across lists).
    pub seq: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PortItem {
    pub id: String,
    pub value: String,
    pub port: u16,
    pub protocol: String,
    pub component: String,
    pub n: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserItem {
    pub id: String,
    pub user: String,
    pub uid: u32,
    /// The process that runs as this user.
    pub process: String,
    pub n: usize,
}

/// Something not written, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub kind: String,
    /// The value in a readable single-line form (control characters and bad bytes escaped).
    pub value: String,
    pub why: String,
}

/// Everything one vendor's templates get.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub directories: Vec<Item>,
    pub files: Vec<Item>,
    pub processes: Vec<Item>,
    /// Directories, files and processes in one list (for formats that mix them, e.g. JSON arrays).
    pub all: Vec<Item>,
    pub ports: Vec<PortItem>,
    pub users: Vec<UserItem>,
    pub not_expressible: Vec<Skipped>,
    pub refused: Vec<Skipped>,
    pub held_back: Vec<Skipped>,
    pub narrowed: Vec<Skipped>,
    /// Written, but not by every output of the product (ClamAV: files not on access).
    pub partial: Vec<Skipped>,
    pub disabled: Vec<Skipped>,
    /// Ids of entries with nothing on this host.
    pub absent: Vec<String>,
    #[serde(skip)]
    pub warnings: Vec<Warning>,
}

/// Inputs beyond the report: options and, when an inventory is at hand, who runs each pid.
pub struct PlanInput<'a> {
    pub wildcards: bool,
    pub allow_risk: &'a [String],
    /// pid → (uid, user name), from the inventory.
    pub users: &'a BTreeMap<i32, (u32, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Directory,
    File,
    Process,
    Port,
}

fn class_of(e: &EntryResult) -> Option<Class> {
    Some(match e.kind {
        EntryKind::Directory => Class::Directory,
        EntryKind::File => Class::File,
        EntryKind::ProcessPath | EntryKind::ProcessName | EntryKind::ProcessTitle => Class::Process,
        EntryKind::Port => Class::Port,
        EntryKind::Rule => {
            // `database-data-paths` finds directories, `elma365-internal-processes` executables.
            if e.id.contains("database") || e.canonical.contains("СУБД") {
                Class::Directory
            } else {
                Class::Process
            }
        }
    })
}

fn rule_class(cat: Option<&Entry>, e: &EntryResult) -> Option<Class> {
    match (e.kind, cat) {
        (EntryKind::Rule, Some(c)) if c.pattern == "database-data-paths" => Some(Class::Directory),
        (EntryKind::Rule, Some(c)) if c.pattern == "elma365-internal-processes" => {
            Some(Class::Process)
        }
        _ => class_of(e),
    }
}

/// A candidate value before the gates.
struct Cand {
    value: HostStr,
    note: Option<String>,
    /// For a container process: the host copy, a narrower form of a risky inner path.
    narrow: Option<HostStr>,
    /// Inner (container or host) executable path, subject to the wildcard form.
    wildcardable: bool,
}

fn cands(class: Class, m: &Match) -> Vec<Cand> {
    match class {
        Class::Port => vec![Cand {
            value: m.value.clone(),
            note: None,
            narrow: None,
            wildcardable: false,
        }],
        Class::Directory | Class::File => {
            let mut v = vec![Cand {
                value: m.value.clone(),
                note: m
                    .container_path
                    .as_ref()
                    .map(|c| format!("seen as {} inside the container", c.display())),
                narrow: None,
                wildcardable: true,
            }];
            // A symbolic link: products that match the real path (Defender, Dr.Web, clamscan,
            // fanotify events) need the target too.
            let trim = |h: &HostStr| {
                let b = h.as_bytes();
                HostStr(b.strip_suffix(b"/").unwrap_or(b).to_vec())
            };
            if let Some(h) = m.host_path.as_ref().filter(|h| trim(h) != trim(&m.value)) {
                v.push(Cand {
                    value: h.clone(),
                    note: Some(format!("real path behind the link {}", m.value.display())),
                    narrow: None,
                    wildcardable: false,
                });
            }
            v
        }
        Class::Process => {
            let in_container = m.container_path.is_some() || m.container.is_some();
            let mut v = Vec::new();
            if in_container {
                let who = m
                    .container
                    .as_deref()
                    .map(|c| format!("container {c}"))
                    .unwrap_or_else(|| "a container".into());
                let script = m.via == "script";
                let host = m.host_path.clone().filter(|h| *h != m.value);
                // The narrow form of an in-container path: the host copy of that same file.
                let copy_of = |inner: &HostStr, is_value: bool| {
                    host.clone().filter(|h| {
                        h.as_bytes().ends_with(inner.as_bytes()) || (is_value && !script)
                    })
                };
                v.push(Cand {
                    value: m.value.clone(),
                    note: Some(format!("path inside {who}")),
                    narrow: copy_of(&m.value, true),
                    wildcardable: true,
                });
                // The executable really run, when another name led to it (`/bin/sh` is
                // `/bin/busybox`); not for a script, whose executable is its interpreter.
                if let Some(exe) = m
                    .container_path
                    .clone()
                    .filter(|c| *c != m.value && !script)
                {
                    v.push(Cand {
                        narrow: copy_of(&exe, true),
                        value: exe,
                        note: Some(format!("executable inside {who}")),
                        wildcardable: false,
                    });
                }
                if let Some(h) = host {
                    v.push(Cand {
                        value: h,
                        note: Some(format!("host path of the executable of {who}")),
                        narrow: None,
                        wildcardable: false,
                    });
                }
            } else {
                v.push(Cand {
                    value: m.value.clone(),
                    note: None,
                    narrow: None,
                    wildcardable: true,
                });
                if let Some(h) = m.host_path.clone().filter(|h| *h != m.value) {
                    v.push(Cand {
                        value: h,
                        note: Some(format!("real path behind {}", m.value.display())),
                        narrow: None,
                        wildcardable: false,
                    });
                }
            }
            v
        }
    }
}

fn shape_of(catalog: &Catalog) -> impl Fn(&str) -> String + '_ {
    move |n: &str| {
        catalog
            .placeholders
            .get(n)
            .map(|p| p.shape.clone())
            .unwrap_or_else(|| "name".into())
    }
}

/// The wildcard form of `value`, if the catalog writes it with a placeholder and the product can
/// express that placeholder as a wildcard without widening it.
fn wildcard_form(
    v: &Vendor,
    cat: Option<&Entry>,
    catalog: &Catalog,
    value: &str,
) -> Option<String> {
    let style = v.descriptor.wildcards;
    if style == WildcardStyle::None {
        return None;
    }
    let cat = cat?;
    let shape = shape_of(catalog);
    for pat in std::iter::once(&cat.pattern).chain(cat.alternates.iter()) {
        let Ok(t) = Template::parse(pat) else {
            continue;
        };
        if !t.has_placeholders() || t.matches(value.as_bytes(), &shape).is_none() {
            continue;
        }
        let glob = t.with_wildcards("*");
        let glob_trim = glob.trim_end_matches('/');
        let segs: Vec<&str> = glob_trim.split('/').collect();
        let ok = segs.iter().all(|s| {
            !s.contains('*')
                || match style {
                    WildcardStyle::Segment => !s.contains("**"),
                    WildcardStyle::WholeSegment => *s == "*",
                    WildcardStyle::None => false,
                }
        });
        let literal = glob.replace('*', "x");
        if ok && !literal.contains(['?', '[']) && vendor::can_carry_literal(v, &literal).is_ok() {
            return Some(glob_trim.to_string());
        }
    }
    None
}

fn split(path: &str) -> (String, String) {
    let t = path.trim_end_matches('/');
    match t.rsplit_once('/') {
        Some(("", n)) => ("/".into(), n.into()),
        Some((p, n)) => (p.into(), n.into()),
        None => (String::new(), t.into()),
    }
}

/// Free text (catalog reasons, drift summaries) on one line, control characters shown escaped.
fn one_line(s: &str) -> String {
    crate::render::escape::comment(s)
}

fn warn(code: &str, id: &str, msg: String) -> Warning {
    Warning::new(code, msg).about(id.to_string())
}

/// A value not written: a warning for the admin, and a line in the list the output comments show.
#[allow(clippy::too_many_arguments)]
fn skip(
    warnings: &mut Vec<Warning>,
    list: &mut Vec<Skipped>,
    code: &str,
    id: &str,
    kind: &str,
    value: String,
    verb: &str,
    why: String,
) {
    warnings.push(warn(code, id, format!("{id}: {value} {verb}: {why}")));
    list.push(Skipped {
        id: id.to_string(),
        kind: kind.to_string(),
        value,
        why,
    });
}

/// Build the plan of one vendor.
pub fn plan(
    report: &crate::model::Report,
    catalog: &Catalog,
    v: &Vendor,
    input: &PlanInput,
) -> Plan {
    let mut p = Plan::default();
    let acc = &v.descriptor.accepts;
    let display = v.descriptor.display_name.clone();
    let mut seen: BTreeMap<(&'static str, String), (usize, Class)> = BTreeMap::new();
    let mut seen_users: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_ports: BTreeMap<String, usize> = BTreeMap::new();

    for e in &report.entries {
        let cat = catalog.get(&e.id);
        if cat.is_some_and(|c| c.audit_only) {
            continue;
        }
        let disabled = e
            .disabled
            .clone()
            .or_else(|| cat.and_then(|c| c.disabled.clone()));
        if e.status == Status::Disabled || disabled.is_some() {
            let why = disabled.unwrap_or_else(|| "disabled by a site overlay".into());
            p.disabled.push(Skipped {
                id: e.id.clone(),
                kind: e.kind.as_str().into(),
                value: e.canonical.clone(),
                why: why.clone(),
            });
            continue;
        }
        if e.status == Status::Absent || e.matches.is_empty() {
            p.absent.push(e.id.clone());
            continue;
        }
        let Some(class) = rule_class(cat, e) else {
            continue;
        };
        let drift = e.drift.as_ref().map(|d| d.summary.clone());
        let allowed = input.allow_risk.iter().any(|a| a == &e.id);

        // Can the product express this kind at all?
        let (expressible, kind_name) = match class {
            Class::Directory => (acc.directory, "directory"),
            Class::File => (acc.file, "file"),
            Class::Process => (acc.process_path, "process"),
            Class::Port => (acc.port, "port"),
        };

        for m in &e.matches {
            // Service users of database processes (ClamAV: OnAccessExcludeUname).
            if acc.user
                && class == Class::Process
                && DATABASE_COMPONENTS.contains(&e.component.as_str())
                && m.container_path.is_none()
                && m.container.is_none()
                && let Some((uid, user)) = m.pid.and_then(|pid| input.users.get(&pid))
            {
                let risky = risk::process_risk(&m.value.display()).is_some()
                    || (e.risk == Risk::High && !allowed);
                if *uid >= 100
                    && !SHARED_USERS.contains(&user.as_str())
                    && !risky
                    && vendor::can_carry(v, user).is_ok()
                    && !user.contains(['*', '?', '/'])
                {
                    if let Some(&i) = seen_users.get(user) {
                        let u: &mut UserItem = &mut p.users[i];
                        if !u.id.split(", ").any(|x| x == e.id) {
                            u.id = format!("{}, {}", u.id, e.id);
                        }
                    } else {
                        seen_users.insert(user.clone(), p.users.len());
                        p.users.push(UserItem {
                            id: e.id.clone(),
                            user: user.clone(),
                            uid: *uid,
                            process: m.value.display(),
                            n: 0,
                        });
                    }
                }
            }

            if !expressible {
                let why = format!("{display} has no way to express a {kind_name} exclusion");
                skip(
                    &mut p.warnings,
                    &mut p.not_expressible,
                    "not-expressible",
                    &e.id,
                    kind_name,
                    m.value.display(),
                    "not written",
                    why,
                );
                continue;
            }

            if class == Class::Port {
                let Some(s) = m.value.as_str() else {
                    continue;
                };
                let (port, proto) = s.split_once('/').unwrap_or((s, "tcp"));
                let Ok(port) = port.parse::<u16>() else {
                    p.refused.push(Skipped {
                        id: e.id.clone(),
                        kind: "port".into(),
                        value: m.value.display(),
                        why: "not a port/protocol value".into(),
                    });
                    continue;
                };
                let value = format!("{port}/{}", proto.to_ascii_lowercase());
                if let Some(&i) = seen_ports.get(&value) {
                    let it: &mut PortItem = &mut p.ports[i];
                    if !it.id.split(", ").any(|x| x == e.id) {
                        it.id = format!("{}, {}", it.id, e.id);
                    }
                    continue;
                }
                if !matches!(proto, "tcp" | "udp") {
                    continue;
                }
                seen_ports.insert(value.clone(), p.ports.len());
                p.ports.push(PortItem {
                    id: e.id.clone(),
                    value,
                    port,
                    protocol: proto.to_string(),
                    component: e.component.clone(),
                    n: 0,
                });
                continue;
            }

            for c in cands(class, m) {
                // Not clean text, or a format of the product cannot carry it: refused.
                let mut note = c.note.clone();
                let checked = match c.value.as_str().filter(|_| c.value.is_clean_text()) {
                    None => Err("not clean text (invalid UTF-8 or a control character such as a newline): no format can carry it safely".to_string()),
                    Some(s) => crate::render::escape::normalise_abs(s).and_then(|n| {
                        vendor::can_carry(v, &n)?;
                        Ok(n)
                    }),
                };
                let mut value = match checked {
                    Ok(n) => n,
                    Err(why) => {
                        skip(
                            &mut p.warnings,
                            &mut p.refused,
                            "refused-value",
                            &e.id,
                            kind_name,
                            c.value.display(),
                            "refused",
                            why,
                        );
                        continue;
                    }
                };

                // Risk gate.
                let value_risk = match class {
                    Class::Directory => risk::directory_risk(&value),
                    Class::File => risk::file_risk(&value),
                    Class::Process => risk::process_risk(&value),
                    Class::Port => None,
                };
                let high = e.risk == Risk::High || value_risk.is_some();
                if high && !allowed {
                    let why = value_risk
                        .clone()
                        .unwrap_or_else(|| e.risk_why.en.trim_end_matches('.').to_string());
                    if let Some(narrow) =
                        c.narrow.as_ref().and_then(|h| h.as_str().map(String::from))
                        && c.narrow.as_ref().is_some_and(|h| h.is_clean_text())
                        && vendor::can_carry(v, &narrow).is_ok()
                    {
                        let msg = format!(
                            "high risk ({why}); written only as this container's own copy {narrow}, not as {value} for the whole host; pass --allow-risk {} to write {value}",
                            e.id
                        );
                        p.warnings
                            .push(warn("narrowed", &e.id, format!("{}: {msg}", e.id)));
                        p.narrowed.push(Skipped {
                            id: e.id.clone(),
                            kind: kind_name.into(),
                            value: value.clone(),
                            why: msg,
                        });
                        // the host copy is a candidate of its own (pushed by `cands`)
                        continue;
                    }
                    if c.note
                        .as_deref()
                        .is_some_and(|n| n.starts_with("host path of"))
                    {
                        // the narrow form of a risky inner path: write it, it names one file
                    } else {
                        let msg =
                            format!("high risk: {why}; pass --allow-risk {} to write it", e.id);
                        skip(
                            &mut p.warnings,
                            &mut p.held_back,
                            "held-back",
                            &e.id,
                            kind_name,
                            value.clone(),
                            "held back",
                            msg,
                        );
                        continue;
                    }
                } else if high {
                    note = Some(match note {
                        Some(n) => format!("{n}; high risk, allowed by --allow-risk"),
                        None => "high risk, allowed by --allow-risk".into(),
                    });
                }

                // Drift-proof form.
                let mut wildcard = false;
                let concrete = vec![value.clone()];
                if input.wildcards
                    && c.wildcardable
                    && let Some(g) = wildcard_form(v, cat, catalog, &value)
                    && g != value.trim_end_matches('/')
                {
                    value = g;
                    wildcard = true;
                }
                let kind: &'static str = match class {
                    Class::Directory => "directory",
                    Class::File => "file",
                    _ => "process",
                };
                let key = (kind, value.clone());
                if let Some(&(i, cl)) = seen.get(&key) {
                    let list = match cl {
                        Class::Directory => &mut p.directories,
                        Class::File => &mut p.files,
                        _ => &mut p.processes,
                    };
                    let it = &mut list[i];
                    if !it.ids.contains(&e.id) {
                        it.ids.push(e.id.clone());
                        it.id = it.ids.join(", ");
                    }
                    for cv in concrete {
                        if !it.concrete.contains(&cv) {
                            it.concrete.push(cv);
                        }
                    }
                    continue;
                }
                let (parent, name) = split(&value);
                let item = Item {
                    id: e.id.clone(),
                    ids: vec![e.id.clone()],
                    kind,
                    path: value.clone(),
                    parent,
                    name,
                    entry_kind: e.kind.as_str().into(),
                    canonical: one_line(&e.canonical),
                    component: one_line(&e.component),
                    risk: if high {
                        "high".into()
                    } else {
                        e.risk.as_str().into()
                    },
                    reason: one_line(&e.reason.en),
                    drift: drift.as_deref().map(one_line),
                    note: note.as_deref().map(one_line),
                    wildcard,
                    concrete,
                    n: 0,
                    seq: 0,
                };
                let list = match class {
                    Class::Directory => &mut p.directories,
                    Class::File => &mut p.files,
                    _ => &mut p.processes,
                };
                seen.insert(key, (list.len(), class));
                list.push(item);
            }
        }
    }

    for (i, it) in p.directories.iter_mut().enumerate() {
        it.n = i;
    }
    for (i, it) in p.files.iter_mut().enumerate() {
        it.n = i;
    }
    for (i, it) in p.processes.iter_mut().enumerate() {
        it.n = i;
    }
    for (seq, it) in p
        .directories
        .iter_mut()
        .chain(p.files.iter_mut())
        .chain(p.processes.iter_mut())
        .enumerate()
    {
        it.seq = seq;
    }
    p.all = p
        .directories
        .iter()
        .chain(p.files.iter())
        .chain(p.processes.iter())
        .cloned()
        .collect();
    for (i, it) in p.ports.iter_mut().enumerate() {
        it.n = i;
    }
    for (i, it) in p.users.iter_mut().enumerate() {
        it.n = i;
    }

    for s in p
        .not_expressible
        .iter_mut()
        .chain(p.refused.iter_mut())
        .chain(p.held_back.iter_mut())
        .chain(p.narrowed.iter_mut())
        .chain(p.disabled.iter_mut())
    {
        s.value = one_line(&s.value);
        s.why = one_line(&s.why);
    }
    for list in [
        &mut p.not_expressible,
        &mut p.refused,
        &mut p.held_back,
        &mut p.narrowed,
    ] {
        let mut seen = std::collections::BTreeSet::new();
        list.retain(|s| seen.insert((s.id.clone(), s.value.clone(), s.why.clone())));
    }
    let mut seen_w = std::collections::BTreeSet::new();
    p.warnings
        .retain(|w| seen_w.insert((w.code.clone(), w.subject.clone(), w.message.clone())));

    // Partly expressible kinds (declared by the descriptor).
    for lim in &v.descriptor.partial {
        let items: Vec<&Item> = match lim.kind.as_str() {
            "directory" => p.directories.iter().collect(),
            "file" => p.files.iter().collect(),
            "process" => p.processes.iter().collect(),
            _ => Vec::new(),
        };
        let mut add = Vec::new();
        for it in items {
            p.warnings.push(warn(
                "partly-expressible",
                &it.id,
                format!("{}: {} written, but {}", it.id, it.path, lim.why),
            ));
            add.push(Skipped {
                id: it.id.clone(),
                kind: lim.kind.clone(),
                value: it.path.clone(),
                why: lim.why.clone(),
            });
        }
        p.partial.extend(add);
    }

    for a in input.allow_risk {
        if report.entries.iter().all(|e| &e.id != a) {
            p.warnings.push(warn(
                "unknown-id",
                a,
                format!("--allow-risk {a}: no entry of the report has this id"),
            ));
        }
    }
    p
}
