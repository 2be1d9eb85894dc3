//! The language of every human line, and the messages the stages share (statuses, drift
//! explanations, the check and render summaries). The export's own headings live in
//! `export/i18n.rs` and use the same [`Lang`].
//!
//! Why a library type: the check table, the render summary and the export all print for people,
//! and none of those stages may depend on the command line; the CLI only decides which language
//! (`--lang`, else the locale of the environment).

use crate::model::{Drift, DriftItem, DriftKind, Status, Text, UnlistedKind};

/// Russian for a Russian site's admins and security team; English for auditors and vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    Ru,
    #[default]
    En,
}

impl Lang {
    /// The language the environment asks for, by POSIX precedence: the first non-empty of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG`; `ru` or `ru_*` gives Russian, anything else English.
    pub fn from_env() -> Lang {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let v = get("LC_ALL")
            .or_else(|| get("LC_MESSAGES"))
            .or_else(|| get("LANG"));
        v.map_or(Lang::En, |v| Lang::from_locale(&v))
    }

    /// `ru`, `ru_RU.UTF-8`, `ru_RU@...` → Russian; `C`, `POSIX`, `en_US.UTF-8`, ... → English.
    pub fn from_locale(v: &str) -> Lang {
        let lang = v.split(['_', '.', '@', '-']).next().unwrap_or("");
        if lang.eq_ignore_ascii_case("ru") {
            Lang::Ru
        } else {
            Lang::En
        }
    }

    /// ISO 639-1 code (`<html lang>`, JSON).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// One of two texts given inline: `lang.tr("present", "на месте")`.
    pub fn tr<'a>(self, en: &'a str, ru: &'a str) -> &'a str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }

    /// The catalog's bilingual text in this language.
    pub fn text(self, t: &Text) -> &str {
        match self {
            Lang::Ru => &t.ru,
            Lang::En => &t.en,
        }
    }
}

/// A status as people read it (the machine code stays `Status::as_str`).
pub fn status(s: Status, lang: Lang) -> &'static str {
    match (s, lang) {
        (Status::Present, Lang::En) => "present",
        (Status::Drifted, Lang::En) => "drifted",
        (Status::Absent, Lang::En) => "absent",
        (Status::Disabled, Lang::En) => "disabled",
        (Status::Present, Lang::Ru) => "на месте",
        (Status::Drifted, Lang::Ru) => "не совпадает",
        (Status::Absent, Lang::Ru) => "нет на хосте",
        (Status::Disabled, Lang::Ru) => "отключено",
    }
}

/// The aspect of a drift item (`snap revision`, `erts`, `path`) in this language.
fn what(w: &str, lang: Lang) -> &str {
    match (w, lang) {
        (_, Lang::En) => w,
        ("snap revision", Lang::Ru) => "ревизия snap",
        ("revision", Lang::Ru) => "ревизия",
        ("version", Lang::Ru) => "версия",
        ("path", Lang::Ru) => "путь",
        ("binary", Lang::Ru) => "исполняемый файл",
        ("hash" | "sha256", Lang::Ru) => "sha256",
        _ => w,
    }
}

/// One drift item as a short line: `erts 12.3.1 -> 13.2.2`, `moved A -> B`.
pub fn drift_item(i: &DriftItem, lang: Lang) -> String {
    match i.kind {
        DriftKind::Location => format!(
            "{} {} -> {}",
            lang.tr("moved", "перемещено:"),
            i.catalog,
            i.host
        ),
        DriftKind::Replaced => format!(
            "{} {}",
            lang.tr("binary replaced:", "исполняемый файл заменён:"),
            replaced_host(&i.host, lang)
        ),
        DriftKind::Version | DriftKind::Revision => {
            format!("{} {} -> {}", what(&i.what, lang), i.catalog, i.host)
        }
    }
}

/// `X (deleted): replaced on disk since pid N started`, the check's English, in Russian.
fn replaced_host(h: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return h.to_string();
    }
    match h.split_once(" (deleted): replaced on disk since pid ") {
        Some((path, rest)) => {
            let pid = rest.trim_end_matches(" started");
            format!("{path} (удалён): заменён на диске после запуска pid {pid}")
        }
        None => h.to_string(),
    }
}

/// The drift of an entry in one line; in English exactly the check's own summary.
pub fn drift(d: &Drift, lang: Lang) -> String {
    if lang == Lang::En || d.items.is_empty() {
        return d.summary.clone();
    }
    d.items
        .iter()
        .map(|i| drift_item(i, lang))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The kind of an unlisted finding (`process`, `port`, `data-path`, `storage-root`).
pub fn unlisted_kind(kind: UnlistedKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (_, Lang::En) | (UnlistedKind::Suspicious, Lang::Ru) => kind.as_str(),
        (UnlistedKind::Process, Lang::Ru) => "процесс",
        (UnlistedKind::Port, Lang::Ru) => "порт",
        (UnlistedKind::DataPath, Lang::Ru) => "данные",
        (UnlistedKind::StorageRoot, Lang::Ru) => "хранилище",
    }
}

/// Why an unlisted finding is reported, in this language. The check writes the English sentence
/// (it is also the JSON's `why`); the known shapes are translated here, anything else is kept.
pub fn unlisted_why(why: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return why.to_string();
    }
    const NOONE: &str = " that no entry covers";
    if let Some(ns) = why
        .strip_prefix("process of namespace ")
        .and_then(|r| r.strip_suffix(NOONE))
    {
        return format!("процесс пространства имён {ns}, который не покрывает ни одна запись");
    }
    if why == "database or platform program that no entry covers" {
        return "программа СУБД или платформы, которую не покрывает ни одна запись".into();
    }
    if why == "container storage root in use that no entry covers" {
        return "используемый корень хранилища контейнеров, который не покрывает ни одна запись"
            .into();
    }
    if let Some(c) = why.strip_suffix(" data directory that no entry covers") {
        return format!("каталог данных {c}, который не покрывает ни одна запись");
    }
    if let Some(addr) = why
        .strip_prefix("an ELMA365 process listens on ")
        .and_then(|r| r.strip_suffix(" and no port table lists it"))
    {
        return format!(
            "процесс ELMA365 слушает {addr}, а ни одна таблица портов этот порт не называет"
        );
    }
    why.to_string()
}

/// Russian plural form for a count: `one` (1, 21), `few` (2-4, 22-24), `many` (0, 5-20, 25...).
pub fn ru_plural<'a>(n: usize, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (d10, d100) = (n % 10, n % 100);
    if d10 == 1 && d100 != 11 {
        one
    } else if (2..=4).contains(&d10) && !(12..=14).contains(&d100) {
        few
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names_pick_the_language() {
        for ru in [
            "ru",
            "ru_RU.UTF-8",
            "ru_RU",
            "RU_ru",
            "ru_UA.KOI8-U",
            "ru@latin",
        ] {
            assert_eq!(Lang::from_locale(ru), Lang::Ru, "{ru}");
        }
        for en in ["C", "POSIX", "C.UTF-8", "en_US.UTF-8", "rue_UA", ""] {
            assert_eq!(Lang::from_locale(en), Lang::En, "{en}");
        }
    }

    #[test]
    fn russian_plurals() {
        let f = |n| ru_plural(n, "запись", "записи", "записей");
        assert_eq!(
            [1, 2, 5, 11, 12, 21, 22, 25, 101, 111].map(f),
            [
                "запись",
                "записи",
                "записей",
                "записей",
                "записей",
                "запись",
                "записи",
                "записей",
                "запись",
                "записей"
            ]
        );
    }

    #[test]
    fn drift_lines_in_russian_keep_the_values() {
        let d = crate::check::make_drift(vec![
            DriftItem {
                kind: DriftKind::Revision,
                what: "snap revision".into(),
                catalog: "3410".into(),
                host: "7394".into(),
            },
            DriftItem {
                kind: DriftKind::Replaced,
                what: "binary".into(),
                catalog: "/usr/bin/x".into(),
                host: "/usr/bin/x (deleted): replaced on disk since pid 42 started".into(),
            },
        ])
        .unwrap();
        assert_eq!(drift(&d, Lang::En), d.summary);
        assert_eq!(
            drift(&d, Lang::Ru),
            "ревизия snap 3410 -> 7394; исполняемый файл заменён: /usr/bin/x (удалён): заменён на диске после запуска pid 42"
        );
    }
}

// ---- errors and warnings (engineer `lang`): the message catalogue, in `i18n/messages.rs` ----
pub mod codes;
pub mod messages;
