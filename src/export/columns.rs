//! The one column model of the export: every column any format prints is a [`Column`], with its
//! key (CSV/HTML attribute), heading and cell text. CSV prints [`CSV`], Markdown [`MARKDOWN`], the
//! HTML page its own shorter list; none of the formats import each other.
//!
//! Cell texts are single-line and unescaped: each format escapes them its own way. In Russian,
//! statuses, risk, kinds, sections and changes are Russian words (no English in a Russian
//! export); JSON keeps the machine codes.

use super::rows::{Row, RowStatus};
use super::{disp, one_line};
use crate::i18n::Lang;
use crate::i18n::export::{self as i18n, Labels};

/// Every column of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Host,
    Section,
    EntryId,
    Canonical,
    Value,
    HostPath,
    ContainerPath,
    Kind,
    Component,
    Status,
    Drift,
    Fleet,
    Reason,
    Risk,
    RiskWhy,
    Pid,
    Cmdline,
    Container,
    Namespace,
    Sha256,
    Via,
    Source,
    SourceDocument,
    SourceSection,
    Change,
    ChangeDetail,
    Disabled,
    Evidence,
}

/// The CSV's columns, in order (the lifecycle columns follow when known).
pub const CSV: [Column; 27] = [
    Column::Host,
    Column::Section,
    Column::EntryId,
    Column::Canonical,
    Column::Value,
    Column::HostPath,
    Column::ContainerPath,
    Column::Kind,
    Column::Component,
    Column::Status,
    Column::Drift,
    Column::Fleet,
    Column::Reason,
    Column::Risk,
    Column::RiskWhy,
    Column::Pid,
    Column::Cmdline,
    Column::Container,
    Column::Namespace,
    Column::Sha256,
    Column::Via,
    Column::Source,
    Column::SourceDocument,
    Column::SourceSection,
    Column::Change,
    Column::ChangeDetail,
    Column::Disabled,
];

/// The Markdown row tables' columns (evidence in one cell); `Change` only with a state.
pub const MARKDOWN: [Column; 14] = [
    Column::Host,
    Column::EntryId,
    Column::Canonical,
    Column::Value,
    Column::Kind,
    Column::Component,
    Column::Status,
    Column::Drift,
    Column::Risk,
    Column::Reason,
    Column::RiskWhy,
    Column::Evidence,
    Column::Source,
    Column::Change,
];

impl Column {
    /// Stable key (CSV tooling, HTML `data-key`).
    pub fn key(self) -> &'static str {
        match self {
            Column::Host => "host",
            Column::Section => "section",
            Column::EntryId => "entry_id",
            Column::Canonical => "canonical",
            Column::Value => "value",
            Column::HostPath => "host_path",
            Column::ContainerPath => "container_path",
            Column::Kind => "kind",
            Column::Component => "component",
            Column::Status => "status",
            Column::Drift => "drift",
            Column::Fleet => "fleet",
            Column::Reason => "reason",
            Column::Risk => "risk",
            Column::RiskWhy => "risk_why",
            Column::Pid => "pid",
            Column::Cmdline => "cmdline",
            Column::Container => "container",
            Column::Namespace => "namespace",
            Column::Sha256 => "sha256",
            Column::Via => "via",
            Column::Source => "source",
            Column::SourceDocument => "source_document",
            Column::SourceSection => "source_section",
            Column::Change => "change",
            Column::ChangeDetail => "change_detail",
            Column::Disabled => "disabled",
            Column::Evidence => "evidence",
        }
    }

    pub fn heading(self, l: &Labels) -> &'static str {
        let c = &l.col;
        match self {
            Column::Host => c.host,
            Column::Section => c.section,
            Column::EntryId => c.entry_id,
            Column::Canonical => c.canonical,
            Column::Value => c.value,
            Column::HostPath => c.host_path,
            Column::ContainerPath => c.container_path,
            Column::Kind => c.kind,
            Column::Component => c.component,
            Column::Status => c.status,
            Column::Drift => c.drift,
            Column::Fleet => c.fleet,
            Column::Reason => c.reason,
            Column::Risk => c.risk,
            Column::RiskWhy => c.risk_why,
            Column::Pid => c.pid,
            Column::Cmdline => c.cmdline,
            Column::Container => c.container,
            Column::Namespace => c.namespace,
            Column::Sha256 => c.sha256,
            Column::Via => c.via,
            Column::Source => c.source,
            Column::SourceDocument => c.source_document,
            Column::SourceSection => c.source_section,
            Column::Change => c.change,
            Column::ChangeDetail => c.change_detail,
            Column::Disabled => c.disabled,
            Column::Evidence => c.evidence,
        }
    }

    /// The text of this column for a row.
    pub fn cell(self, r: &Row, lang: Lang) -> String {
        let opt = |v: &Option<crate::model::HostStr>| v.as_ref().map(disp).unwrap_or_default();
        let s = |v: &Option<String>| v.as_deref().map(one_line).unwrap_or_default();
        match self {
            Column::Host => one_line(&r.host),
            Column::Section => i18n::section(r.section, lang).into(),
            Column::EntryId => one_line(&r.entry_id),
            Column::Canonical => one_line(&r.canonical),
            Column::Value => disp(&r.value),
            Column::HostPath => opt(&r.host_path),
            Column::ContainerPath => opt(&r.container_path),
            Column::Kind => one_line(i18n::kind(&r.kind, lang)),
            Column::Component => one_line(&r.component),
            Column::Status => i18n::status(r.status, lang).into(),
            Column::Drift => one_line(&drift(r, lang)),
            Column::Fleet => fleet_note(r, lang),
            Column::Reason => one_line(i18n::text(&r.reason, lang)),
            Column::Risk => r
                .risk
                .map(|x| i18n::risk(x, lang).to_string())
                .unwrap_or_default(),
            Column::RiskWhy => one_line(i18n::text(&r.risk_why, lang)),
            Column::Pid => r.pid.map(|p| p.to_string()).unwrap_or_default(),
            Column::Cmdline => opt(&r.cmdline),
            Column::Container => s(&r.container),
            Column::Namespace => s(&r.namespace),
            Column::Sha256 => s(&r.sha256),
            Column::Via => one_line(&i18n::via(&r.via, lang)),
            Column::Source => one_line(&origin(r, lang)),
            Column::SourceDocument => one_line(&r.source.document),
            Column::SourceSection => s(&r.source.section),
            Column::Change => r
                .change
                .as_ref()
                .map(|c| i18n::change(c.action, lang).to_string())
                .unwrap_or_default(),
            Column::ChangeDetail => r
                .change
                .as_ref()
                .map(|c| one_line(&i18n::change_detail(c, lang)))
                .unwrap_or_default(),
            Column::Disabled => s(&r.disabled),
            Column::Evidence => evidence(r, lang),
        }
    }
}

/// The drift in the reader's language (`erts 12.3.1 -> 13.2.2`, `ревизия snap 3410 -> 7394`).
pub fn drift(r: &Row, lang: Lang) -> String {
    match (lang, &r.marks.drift_ru) {
        (Lang::Ru, Some(d)) => d.clone(),
        _ => i18n::drift_summary(r.drift.as_deref().unwrap_or_default(), lang),
    }
}

/// `differs from the fleet: A, B (host-a, host-c)` for a differing row; empty otherwise. Names
/// at most a few hosts of the common form and says how many there are.
pub fn fleet_note(r: &Row, lang: Lang) -> String {
    let l = i18n::labels(lang);
    match &r.fleet_baseline {
        Some(b) if r.differs => {
            let vals = if b.values.is_empty() {
                l.empty_value.to_string()
            } else {
                forms(&b.values, lang)
            };
            let mut hosts = b.hosts.join(", ");
            if b.host_count > b.hosts.len() {
                hosts.push_str(&format!(", … {}", i18n::hosts_count(b.host_count, lang)));
            }
            one_line(&format!("{}: {} ({})", l.differs_mark, vals, hosts))
        }
        _ => String::new(),
    }
}

/// Why a row is marked, in words, against what: the vendor's list (a drifted row: what the list
/// says and what is here) and the fleet (a differing row: the value most hosts have, and how
/// many). Empty for a row that is neither.
pub fn explain(r: &Row, lang: Lang) -> Vec<String> {
    let l = i18n::labels(lang);
    let mut out = Vec::new();
    if r.status == RowStatus::Drifted {
        let d = drift(r, lang);
        out.push(one_line(&format!(
            "{}: {}; {}: {}",
            l.vendor_says,
            r.canonical,
            l.here,
            if d.is_empty() { disp(&r.value) } else { d }
        )));
    }
    if let Some(b) = r.fleet_baseline.as_ref().filter(|_| r.differs) {
        let vals = if b.values.is_empty() {
            l.empty_value.to_string()
        } else {
            forms(&b.values, lang)
        };
        out.push(one_line(&format!(
            "{} ({}): {}",
            l.fleet_usual,
            i18n::hosts_count(b.host_count, lang),
            vals
        )));
    }
    out
}

/// Several forms, in the reader's language, comma-separated.
pub fn forms(sigs: &[String], lang: Lang) -> String {
    sigs.iter()
        .map(|s| form(s, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Evidence in one cell: pid, command line, container and namespace, hash, how found.
pub fn evidence(r: &Row, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(p) = r.pid {
        parts.push(format!("{} {p}", lang.tr("pid", "процесс")));
    }
    for (c, en, ru) in [
        (Column::Cmdline, "cmd", "команда"),
        (Column::Container, "container", "контейнер"),
        (Column::Namespace, "ns", "пространство имён"),
        (Column::Sha256, "sha256", "sha256"),
        (Column::Via, "via", "как найдено"),
    ] {
        let v = c.cell(r, lang);
        if !v.is_empty() {
            parts.push(format!("{}: {v}", lang.tr(en, ru)));
        }
    }
    parts.join("; ")
}

/// The value with where it really is: the executable behind a symlink or title, the file on the
/// host behind a container path (the path a host antivirus must be given).
pub fn value_text(r: &Row, lang: Lang) -> String {
    let l = i18n::labels(lang);
    let mut v = disp(&r.value);
    if let Some(h) = &r.host_path
        && h != &r.value
    {
        v.push(' ');
        v.push_str(l.host_value);
        v.push(' ');
        v.push_str(&h.display());
    }
    if let Some(c) = &r.container_path
        && c != &r.value
    {
        v.push_str(" · ");
        v.push_str(l.in_container);
        v.push(' ');
        v.push_str(&c.display());
    }
    v
}

/// Who wrote the entry, in the reader's language, with the overlays that override it.
fn origin(r: &Row, lang: Lang) -> String {
    if lang == Lang::En {
        return r.source.origin_text();
    }
    let mut s = i18n::origin(r.source.origin.as_str(), lang).to_string();
    for f in &r.source.overridden_by {
        s.push_str(&format!(" (переопределено в {f})"));
    }
    s
}

/// `origin: document / section`, the origin in the reader's language.
pub fn source(r: &Row, lang: Lang) -> String {
    let mut s = origin(r, lang);
    if !r.source.document.is_empty() {
        s.push_str(": ");
        s.push_str(&r.source.document);
    }
    if let Some(sec) = &r.source.section {
        s.push_str(" / ");
        s.push_str(sec);
    }
    s
}

/// A row's form as the fleet comparison writes it ([`super::rows::signature`]:
/// `VALUE -> TARGET [drifted: DRIFT] sha256:HASH`), in the reader's language: the JSON keeps the
/// form as is, people read `[расхождение: ревизия snap 3410 -> 7394]`.
pub fn form(sig: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return sig.to_string();
    }
    let Some(start) = sig.find(" [drifted") else {
        return sig.to_string();
    };
    let (value, rest) = sig.split_at(start);
    let end = rest.rfind(']').unwrap_or(rest.len().saturating_sub(1));
    let (drift, tail) = rest.split_at((end + 1).min(rest.len()));
    let inner = drift
        .trim_start_matches(" [drifted")
        .trim_start_matches(':')
        .trim_end_matches(']')
        .trim();
    let t = i18n::drift_summary(inner, lang);
    let label = i18n::labels(lang).col.drift.to_lowercase();
    if t.is_empty() {
        format!("{value} [{label}]{tail}")
    } else {
        format!("{value} [{label}: {t}]{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_read_in_russian_keep_their_values() {
        let sig = "/snap/microk8s/7394/kubelite [drifted: snap revision 3410 -> 7394] sha256:0123";
        assert_eq!(form(sig, Lang::En), sig);
        assert_eq!(
            form(sig, Lang::Ru),
            "/snap/microk8s/7394/kubelite [расхождение: ревизия snap 3410 -> 7394] sha256:0123"
        );
        assert_eq!(
            form("/usr/bin/x [drifted: moved /a -> /b]", Lang::Ru),
            "/usr/bin/x [расхождение: перемещено: /a -> /b]"
        );
        assert_eq!(form("/usr/bin/x", Lang::Ru), "/usr/bin/x");
    }
}
