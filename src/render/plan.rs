//! From a report to what one product gets: the concrete values `check` found, sorted into
//! directories, files, processes, ports and service users; each refused, held back, narrowed or
//! found inexpressible with the reason, so nothing is ever dropped silently.

use std::collections::BTreeMap;

use serde::Serialize;

mod cands;
mod gate;

use super::risk;
use super::vendor::{self, GapWhen, ItemKind, Vendor, WildcardStyle};
use crate::catalog::Template;
use crate::model::WarnCode;
use crate::model::{
    Catalog, Entry, EntryKind, EntryResult, Match, PathView, Risk, Rule, Status, Via, Warning,
};

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
    pub kind: ItemKind,
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
    /// Where the value comes from (`path inside container x`, ...).
    pub note: Option<String>,
    /// Whose path it is: `host`, or `container` (what a process inside a container sees).
    pub view: PathView,
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

crate::model::closed_set! {
    /// What a [`Skipped`] value is, as templates and `render` list it: the class of value the plan
    /// would have written (`directory`, `file`, `process`, `port`, or `user` for a service user),
    /// or, for a disabled entry (never classed), the entry's own kind. A closed set so a template's
    /// `(eq kind "user")` and the plan's own comparisons name a word that exists.
    pub enum SkipKind ("skipped value kind") {
        Directory = "directory",
        File = "file",
        Process = "process",
        Port = "port",
        User = "user",
        ProcessPath = "process-path",
        ProcessName = "process-name",
        ProcessTitle = "process-title",
        Rule = "rule",
    }
}

impl From<EntryKind> for SkipKind {
    fn from(k: EntryKind) -> Self {
        match k {
            EntryKind::Directory => SkipKind::Directory,
            EntryKind::File => SkipKind::File,
            EntryKind::ProcessPath => SkipKind::ProcessPath,
            EntryKind::ProcessName => SkipKind::ProcessName,
            EntryKind::ProcessTitle => SkipKind::ProcessTitle,
            EntryKind::Port => SkipKind::Port,
            EntryKind::Rule => SkipKind::Rule,
        }
    }
}

impl From<ItemKind> for SkipKind {
    fn from(k: ItemKind) -> Self {
        match k {
            ItemKind::Directory => SkipKind::Directory,
            ItemKind::File => SkipKind::File,
            ItemKind::Process => SkipKind::Process,
        }
    }
}

/// Something not written, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub kind: SkipKind,
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
    /// What the product's scanner does not cover on this host (descriptor `gaps`), for headers.
    pub gaps: Vec<String>,
    /// The installed product's version, detected on the live host (`params.version: auto`).
    #[serde(skip)]
    pub detected_version: Option<String>,
    #[serde(skip)]
    pub warnings: Vec<Warning>,
}

/// Inputs beyond the report: options and, when an inventory is at hand, who runs each pid.
pub struct PlanInput<'a> {
    pub wildcards: bool,
    pub allow_risk: &'a [String],
    /// pid → (uid, user name), from the inventory.
    pub users: &'a BTreeMap<i32, (u32, String)>,
    /// The host's mount points, when the live mount table was read (for `mounts` gaps).
    pub mounts: Option<&'a [String]>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
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
        // A rule not in this catalog (a report checked elsewhere): its matches say what they are,
        // data directories (`database-data-paths`) or executables (`elma365-internal-processes`).
        EntryKind::Rule => {
            if e.matches
                .iter()
                .any(|m| matches!(m.via, Via::DataDirectory { .. }))
            {
                Class::Directory
            } else {
                Class::Process
            }
        }
    })
}

fn rule_class(cat: Option<&Entry>, e: &EntryResult) -> Option<Class> {
    match (e.kind, cat) {
        (EntryKind::Rule, Some(c)) if c.rule() == Some(Rule::DatabaseDataPaths) => {
            Some(Class::Directory)
        }
        (EntryKind::Rule, Some(c)) if c.rule() == Some(Rule::Elma365InternalProcesses) => {
            Some(Class::Process)
        }
        _ => class_of(e),
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
    let shape = crate::catalog::shape_fn(&catalog.placeholders);
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

fn warn(code: WarnCode, id: &str, msg: String) -> Warning {
    Warning::new(code, msg).about(id.to_string())
}

/// Why a value is not written, for the skips that warn the admin: each names its list in the
/// plan, its warning code and the verb of the warning's sentence. (Disabled entries and partly
/// expressible kinds are listed with their own wording, so they are not among these.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SkipReason {
    /// The product has no way to express this kind of value.
    NotExpressible,
    /// The value cannot be written safely in any format (not clean text, not carried).
    Refused,
    /// High risk, and not allowed by `--allow-risk`.
    HeldBack,
}

impl SkipReason {
    fn code(self) -> WarnCode {
        match self {
            SkipReason::NotExpressible => WarnCode::NotExpressible,
            SkipReason::Refused => WarnCode::RefusedValue,
            SkipReason::HeldBack => WarnCode::HeldBack,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            SkipReason::NotExpressible => "not written",
            SkipReason::Refused => "refused",
            SkipReason::HeldBack => "held back",
        }
    }
}

impl Plan {
    /// A value not written: a warning for the admin, and a line in the list the output comments
    /// show.
    fn skip(&mut self, reason: SkipReason, s: Skipped) {
        let (id, value, verb, why) = (&s.id, &s.value, reason.verb(), &s.why);
        self.warnings.push(warn(
            reason.code(),
            id,
            format!("{id}: {value} {verb}: {why}"),
        ));
        let list = match reason {
            SkipReason::NotExpressible => &mut self.not_expressible,
            SkipReason::Refused => &mut self.refused,
            SkipReason::HeldBack => &mut self.held_back,
        };
        list.push(s);
    }
}

/// The plan being built, with the indexes that merge repeated values.
struct Builder<'a> {
    p: Plan,
    v: &'a Vendor,
    catalog: &'a Catalog,
    input: &'a PlanInput<'a>,
    seen: BTreeMap<(ItemKind, String), (usize, Class)>,
    seen_users: BTreeMap<String, usize>,
    seen_ports: BTreeMap<String, usize>,
    /// Service users held back, with the index of their warning: one allowed for another entry
    /// is written, and its held-back line and warning go (decided on the user, not on wording).
    held_users: Vec<(String, usize)>,
}

/// One entry with a class, as the per-match steps need it.
struct EntryCtx<'a> {
    e: &'a EntryResult,
    cat: Option<&'a Entry>,
    class: Class,
    kind: SkipKind,
    allowed: bool,
    drift: Option<String>,
}

/// Build the plan of one vendor: per entry, the disabled/absent filter; per match, the service
/// user, the expressibility check, then ports or path values (candidates → refusal → risk gate
/// → wildcard form → merge); at the end numbering, de-duplication, partial kinds and gaps.
pub fn plan(
    report: &crate::model::Report,
    catalog: &Catalog,
    v: &Vendor,
    input: &PlanInput,
) -> Plan {
    let mut b = Builder {
        p: Plan::default(),
        v,
        catalog,
        input,
        seen: BTreeMap::new(),
        seen_users: BTreeMap::new(),
        seen_ports: BTreeMap::new(),
        held_users: Vec::new(),
    };
    for e in &report.entries {
        let Some(ec) = b.entry(e) else {
            continue;
        };
        for m in &e.matches {
            b.service_user(&ec, m);
            if !b.expressible(&ec, m) {
                continue;
            }
            if ec.class == Class::Port {
                b.port(&ec, m);
            } else {
                for c in cands::cands(ec.class, m, &v.descriptor.views) {
                    b.value(&ec, c);
                }
            }
        }
    }
    b.finish(report)
}

impl<'a> Builder<'a> {
    /// Disabled and absent entries are listed, not planned; the rest get their class.
    fn entry<'e>(&mut self, e: &'e EntryResult) -> Option<EntryCtx<'e>>
    where
        'a: 'e,
    {
        let cat = self.catalog.get(&e.id);
        if cat.is_some_and(|c| c.audit_only) {
            return None;
        }
        let disabled = e
            .disabled
            .clone()
            .or_else(|| cat.and_then(|c| c.disabled.clone()));
        if e.status == Status::Disabled || disabled.is_some() {
            let why = disabled.unwrap_or_else(|| "disabled by a site overlay".into());
            self.p.disabled.push(Skipped {
                id: e.id.clone(),
                kind: e.kind.into(),
                value: e.canonical.clone(),
                why,
            });
            return None;
        }
        if e.status == Status::Absent || e.matches.is_empty() {
            self.p.absent.push(e.id.clone());
            return None;
        }
        let class = rule_class(cat, e)?;
        let kind = match class {
            Class::Directory => SkipKind::Directory,
            Class::File => SkipKind::File,
            Class::Process => SkipKind::Process,
            Class::Port => SkipKind::Port,
        };
        Some(EntryCtx {
            e,
            cat,
            class,
            kind,
            allowed: self.input.allow_risk.iter().any(|a| a == &e.id),
            drift: e.drift.as_ref().map(|d| d.summary.clone()),
        })
    }

    /// Service users of database processes on the host (ClamAV: OnAccessExcludeUname).
    fn service_user(&mut self, ec: &EntryCtx, m: &Match) {
        let e = ec.e;
        if !(self.v.descriptor.accepts.user
            && ec.class == Class::Process
            && DATABASE_COMPONENTS.contains(&e.component.as_str())
            && m.container_path.is_none()
            && m.container.is_none())
        {
            return;
        }
        let Some((uid, user)) = m.pid.and_then(|pid| self.input.users.get(&pid)) else {
            return;
        };
        let risky = risk::process_risk(&m.value.display()).is_some()
            || (e.risk == Risk::High && !ec.allowed);
        if *uid < 100
            || SHARED_USERS.contains(&user.as_str())
            || risky
            || vendor::can_carry(self.v, user).is_err()
            || user.contains(['*', '?', '/'])
        {
            return;
        }
        // A user exclusion is high risk in its own right (threat model): every file that user's
        // processes touch is skipped, anywhere on the host. Written only with `--allow-risk` for
        // the entry it comes from, like any other high-risk value.
        if !ec.allowed {
            let why = format!(
                "high risk: `{user}` (uid {uid}) runs {}; excluding the user skips every file its processes touch, anywhere on the host; pass --allow-risk {} to write it",
                m.value.display(),
                e.id
            );
            self.held_users.push((user.clone(), self.p.warnings.len()));
            self.p.skip(
                SkipReason::HeldBack,
                Skipped {
                    id: e.id.clone(),
                    kind: SkipKind::User,
                    value: user.clone(),
                    why,
                },
            );
            return;
        }
        if let Some(&i) = self.seen_users.get(user) {
            let u: &mut UserItem = &mut self.p.users[i];
            if !u.id.split(", ").any(|x| x == e.id) {
                u.id = format!("{}, {}", u.id, e.id);
            }
        } else {
            self.seen_users.insert(user.clone(), self.p.users.len());
            self.p.users.push(UserItem {
                id: e.id.clone(),
                user: user.clone(),
                uid: *uid,
                process: m.value.display(),
                n: 0,
            });
        }
    }

    /// Whether the product can express this kind at all; if not, listed as such.
    fn expressible(&mut self, ec: &EntryCtx, m: &Match) -> bool {
        let acc = &self.v.descriptor.accepts;
        let ok = match ec.class {
            Class::Directory => acc.directory,
            Class::File => acc.file,
            Class::Process => acc.process_path,
            Class::Port => acc.port,
        };
        if !ok {
            let why = format!(
                "{} has no way to express a {} exclusion",
                self.v.descriptor.display_name, ec.kind
            );
            self.p.skip(
                SkipReason::NotExpressible,
                Skipped {
                    id: ec.e.id.clone(),
                    kind: ec.kind,
                    value: m.value.display(),
                    why,
                },
            );
        }
        ok
    }

    fn port(&mut self, ec: &EntryCtx, m: &Match) {
        let e = ec.e;
        let Some(s) = m.value.as_str() else {
            return;
        };
        let (port, proto) = s.split_once('/').unwrap_or((s, "tcp"));
        let Ok(port) = port.parse::<u16>() else {
            self.p.refused.push(Skipped {
                id: e.id.clone(),
                kind: SkipKind::Port,
                value: m.value.display(),
                why: "not a port/protocol value".into(),
            });
            return;
        };
        let value = format!("{port}/{}", proto.to_ascii_lowercase());
        if let Some(&i) = self.seen_ports.get(&value) {
            let it: &mut PortItem = &mut self.p.ports[i];
            if !it.id.split(", ").any(|x| x == e.id) {
                it.id = format!("{}, {}", it.id, e.id);
            }
            return;
        }
        if !matches!(proto, "tcp" | "udp") {
            return;
        }
        self.seen_ports.insert(value.clone(), self.p.ports.len());
        self.p.ports.push(PortItem {
            id: e.id.clone(),
            value,
            port,
            protocol: proto.to_string(),
            component: e.component.clone(),
            n: 0,
        });
    }

    /// Not clean text, or a format of the product cannot carry it: refused.
    fn checked(&mut self, ec: &EntryCtx, c: &cands::Cand) -> Option<String> {
        let checked = match c.value.as_str().filter(|_| c.value.is_clean_text()) {
            None => Err("not clean text (invalid UTF-8 or a control character such as a newline): no format can carry it safely".to_string()),
            Some(s) => crate::render::escape::normalise_abs(s).and_then(|n| {
                vendor::can_carry(self.v, &n)?;
                Ok(n)
            }),
        };
        match checked {
            Ok(n) => Some(n),
            Err(why) => {
                self.p.skip(
                    SkipReason::Refused,
                    Skipped {
                        id: ec.e.id.clone(),
                        kind: ec.kind,
                        value: c.value.display(),
                        why,
                    },
                );
                None
            }
        }
    }

    /// One candidate through refusal, the risk gate and the wildcard form, into its list.
    fn value(&mut self, ec: &EntryCtx, c: cands::Cand) {
        let e = ec.e;
        let Some(mut value) = self.checked(ec, &c) else {
            return;
        };
        let mut note = c.note.clone();
        let vrisk = gate::value_risk(ec.class, &c, &value);
        let high = e.risk == Risk::High || vrisk.is_some();
        if high && !ec.allowed {
            let why = vrisk
                .clone()
                .unwrap_or_else(|| e.risk_why.en.trim_end_matches('.').to_string());
            let msg = if c.view == PathView::Container && ec.class == Class::Process {
                gate::no_narrow_form(&why, &c, &value, &e.id)
            } else {
                format!("high risk: {why}; pass --allow-risk {} to write it", e.id)
            };
            self.p.skip(
                SkipReason::HeldBack,
                Skipped {
                    id: e.id.clone(),
                    kind: ec.kind,
                    value: value.clone(),
                    why: msg,
                },
            );
            return;
        } else if high {
            note = Some(match note {
                Some(n) => format!("{n}; high risk, allowed by --allow-risk"),
                None => "high risk, allowed by --allow-risk".into(),
            });
        }

        // Drift-proof form.
        let mut wildcard = false;
        let concrete = vec![value.clone()];
        if self.input.wildcards
            && c.wildcardable
            && let Some(g) = wildcard_form(self.v, ec.cat, self.catalog, &value)
            && g != value.trim_end_matches('/')
        {
            value = g;
            wildcard = true;
        }
        let kind = match ec.class {
            Class::Directory => ItemKind::Directory,
            Class::File => ItemKind::File,
            _ => ItemKind::Process,
        };
        let key = (kind, value.clone());
        if let Some(&(i, cl)) = self.seen.get(&key) {
            let it = &mut self.list(cl)[i];
            if !it.ids.contains(&e.id) {
                it.ids.push(e.id.clone());
                it.id = it.ids.join(", ");
            }
            for cv in concrete {
                if !it.concrete.contains(&cv) {
                    it.concrete.push(cv);
                }
            }
            return;
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
            drift: ec.drift.as_deref().map(one_line),
            note: note.as_deref().map(one_line),
            view: c.view,
            wildcard,
            concrete,
            n: 0,
            seq: 0,
        };
        let list = self.list(ec.class);
        let at = list.len();
        list.push(item);
        self.seen.insert(key, (at, ec.class));
    }

    fn list(&mut self, class: Class) -> &mut Vec<Item> {
        match class {
            Class::Directory => &mut self.p.directories,
            Class::File => &mut self.p.files,
            _ => &mut self.p.processes,
        }
    }

    /// Numbering, de-duplication, the kinds a product writes only in part, unknown
    /// `--allow-risk` ids, and the scanner's gaps on this host.
    fn finish(self, report: &crate::model::Report) -> Plan {
        let Builder {
            mut p,
            v,
            input,
            held_users,
            ..
        } = self;
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

        // A user written for one entry (allowed) is not also listed as held back for another.
        let written_users: std::collections::BTreeSet<String> =
            p.users.iter().map(|u| u.user.clone()).collect();
        p.held_back
            .retain(|s| !(s.kind == SkipKind::User && written_users.contains(&s.value)));
        let dropped: std::collections::BTreeSet<usize> = held_users
            .iter()
            .filter(|(u, _)| written_users.contains(u))
            .map(|(_, i)| *i)
            .collect();
        let mut i = 0;
        p.warnings.retain(|_| {
            i += 1;
            !dropped.contains(&(i - 1))
        });
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
            let items: Vec<&Item> = match lim.kind {
                ItemKind::Directory => p.directories.iter().collect(),
                ItemKind::File => p.files.iter().collect(),
                ItemKind::Process => p.processes.iter().collect(),
            };
            let mut add = Vec::new();
            for it in items {
                p.warnings.push(warn(
                    WarnCode::PartlyExpressible,
                    &it.id,
                    format!("{}: {} written, but {}", it.id, it.path, lim.why),
                ));
                add.push(Skipped {
                    id: it.id.clone(),
                    kind: lim.kind.into(),
                    value: it.path.clone(),
                    why: lim.why.clone(),
                });
            }
            p.partial.extend(add);
        }

        for a in input.allow_risk {
            if report.entries.iter().all(|e| &e.id != a) {
                p.warnings.push(warn(
                    WarnCode::UnknownId,
                    a,
                    format!("--allow-risk {a}: no entry of the report has this id"),
                ));
            }
        }
        p.gaps = gaps(v, report, input.mounts);
        p
    }
}

/// The descriptor's gaps that apply to this host, as header lines.
fn gaps(v: &Vendor, report: &crate::model::Report, mounts: Option<&[String]>) -> Vec<String> {
    let containers = report
        .entries
        .iter()
        .flat_map(|e| e.matches.iter())
        .any(|m| m.container.is_some() || m.container_path.is_some());
    let mut out = Vec::new();
    for g in &v.descriptor.gaps {
        match g.when {
            GapWhen::Always => out.push(one_line(&g.text)),
            GapWhen::Containers if containers => out.push(one_line(&g.text)),
            GapWhen::Containers => {}
            GapWhen::Mounts => match mounts {
                Some(list) if !list.is_empty() => {
                    let shown: Vec<&str> = list.iter().take(40).map(String::as_str).collect();
                    let more = list.len().saturating_sub(shown.len());
                    let tail = if more > 0 {
                        format!(" (and {more} more)")
                    } else {
                        String::new()
                    };
                    out.push(one_line(&format!(
                        "{} Mount points on this host: {}{tail}.",
                        g.text,
                        shown.join(", ")
                    )));
                }
                Some(_) => {}
                None => out.push(one_line(&format!(
                    "{} The host's mount table was not read (not rendered from the live host): check `findmnt` below each OnAccessIncludePath.",
                    g.text
                ))),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HostStr, Origin, SourceRef, Text};

    fn rule(id: &str, canonical: &str, via: Via) -> EntryResult {
        EntryResult {
            id: id.into(),
            kind: EntryKind::Rule,
            canonical: canonical.into(),
            component: "x".into(),
            status: Status::Present,
            found: vec!["/x".into()],
            drift: None,
            matches: vec![Match {
                value: HostStr::from("/x"),
                via,
                ..Match::default()
            }],
            risk: Risk::Low,
            risk_why: Text::default(),
            reason: Text::default(),
            source: SourceRef {
                origin: Origin::Vendor,
                overridden_by: Vec::new(),
                document: "d".into(),
                section: None,
            },
            disabled: None,
        }
    }

    /// A rule the catalog does not know is classed by what its matches are, not by its id or
    /// the vendor's wording.
    #[test]
    fn an_unknown_rule_is_classed_by_its_matches() {
        let dir = Via::DataDirectory {
            component: "postgresql".into(),
            source: "cmdline -D".into(),
        };
        assert!(class_of(&rule("site-backups", "backups", dir)) == Some(Class::Directory));
        // an id and canonical text that once made the guess say "directory"
        let exe = rule("rule-database-x", "файлы СУБД", Via::Elma365Service);
        assert!(class_of(&exe) == Some(Class::Process));
    }

    /// A skipped value's kind is written as the word it was as a string: an entry's kind for a
    /// disabled entry, the descriptor's word for a partial one (templates compare these words).
    #[test]
    fn skipped_kinds_serialise_as_the_words_they_came_from() {
        for k in EntryKind::ALL {
            let s = SkipKind::from(k);
            assert_eq!(s.as_str(), k.as_str());
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        for k in ItemKind::ALL {
            assert_eq!(SkipKind::from(*k).as_str(), k.as_str());
        }
        let json = serde_json::to_value(Skipped {
            id: "e".into(),
            kind: SkipKind::User,
            value: "redis".into(),
            why: "w".into(),
        })
        .unwrap();
        assert_eq!(json["kind"], "user");
        assert_eq!("process".parse::<SkipKind>().ok(), Some(SkipKind::Process));
        assert!("users".parse::<SkipKind>().is_err());
    }

    /// Each reason lands in its own list, with one warning of its code in the fixed sentence.
    #[test]
    fn a_skip_warns_once_and_lands_in_the_list_of_its_reason() {
        let mut p = Plan::default();
        let s = |id: &str| Skipped {
            id: id.into(),
            kind: SkipKind::Process,
            value: "/v".into(),
            why: "because".into(),
        };
        p.skip(SkipReason::NotExpressible, s("a"));
        p.skip(SkipReason::Refused, s("b"));
        p.skip(SkipReason::HeldBack, s("c"));
        assert_eq!(p.not_expressible, vec![s("a")]);
        assert_eq!(p.refused, vec![s("b")]);
        assert_eq!(p.held_back, vec![s("c")]);
        let w: Vec<(String, Option<String>, String)> = p
            .warnings
            .iter()
            .map(|w| (w.code.clone(), w.subject.clone(), w.message.clone()))
            .collect();
        let want = |code: WarnCode, id: &str, verb: &str| {
            (
                code.as_str().to_string(),
                Some(id.to_string()),
                format!("{id}: /v {verb}: because"),
            )
        };
        assert_eq!(
            w,
            vec![
                want(WarnCode::NotExpressible, "a", "not written"),
                want(WarnCode::RefusedValue, "b", "refused"),
                want(WarnCode::HeldBack, "c", "held back"),
            ]
        );
    }
}
