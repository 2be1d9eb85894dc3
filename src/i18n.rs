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

// ---- Export labels (moved here from `export/i18n.rs`; maintained with the export) ----

/// Headings, labels and fixed phrases of the security-team export in both languages. Russian
/// exports print no English outside values (paths, ids, hashes): statuses, risk, kinds, how a
/// value was found, the source, drift and "differs" explanations, the summary and the chart are
/// all translated. JSON keeps machine codes (it is for programs, not readers).
pub mod export {
    use super::Lang;
    use crate::export::rows::{ChangeAction, RowChange, RowStatus, Section};
    use crate::model::{Risk, Text};

    /// Every piece of fixed text an export prints.
    pub struct Labels {
        pub title: &'static str,
        pub generated: &'static str,
        pub hosts: &'static str,
        pub host: &'static str,
        pub os: &'static str,
        pub kernel: &'static str,
        pub warnings: &'static str,
        pub differences: &'static str,
        pub differences_none: &'static str,
        pub differs_on: &'static str,
        pub same_on: &'static str,
        pub not_found_on: &'static str,
        pub changes: &'static str,
        pub changes_none: &'static str,
        pub hosts_gone: &'static str,
        pub exclusions: &'static str,
        pub unlisted: &'static str,
        pub audit: &'static str,
        pub audit_note: &'static str,
        pub empty_value: &'static str,
        pub filter: &'static str,
        pub legend: &'static str,
        pub legend_text: &'static str,
        pub differs_mark: &'static str,
        pub summary: &'static str,
        pub by_component: &'static str,
        pub by_host: &'static str,
        pub chart: &'static str,
        pub component: &'static str,
        pub high_risk: &'static str,
        pub over_hosts: &'static str,
        pub unknown: &'static str,
        pub held_back: &'static str,
        pub accepted: &'static str,
        pub changed: &'static str,
        pub problems: &'static str,
        pub problems_none: &'static str,
        pub p_drift: &'static str,
        pub p_replaced: &'static str,
        pub p_unlisted: &'static str,
        pub p_high: &'static str,
        pub p_stale: &'static str,
        pub show_absent: &'static str,
        pub table_note: &'static str,
        pub vendor_says: &'static str,
        pub here: &'static str,
        pub fleet_usual: &'static str,
        pub evidence_of: &'static str,
        pub host_value: &'static str,
        pub in_container: &'static str,
        pub col: Columns,
    }

    /// Column headings, one per [`crate::export::columns::Column`].
    pub struct Columns {
        pub host: &'static str,
        pub hosts: &'static str,
        pub section: &'static str,
        pub entry_id: &'static str,
        pub canonical: &'static str,
        pub value: &'static str,
        pub host_path: &'static str,
        pub container_path: &'static str,
        pub kind: &'static str,
        pub component: &'static str,
        pub status: &'static str,
        pub drift: &'static str,
        pub fleet: &'static str,
        pub reason: &'static str,
        pub risk: &'static str,
        pub risk_why: &'static str,
        pub pid: &'static str,
        pub cmdline: &'static str,
        pub container: &'static str,
        pub namespace: &'static str,
        pub sha256: &'static str,
        pub via: &'static str,
        pub source: &'static str,
        pub source_document: &'static str,
        pub source_section: &'static str,
        pub change: &'static str,
        pub change_detail: &'static str,
        pub disabled: &'static str,
        pub evidence: &'static str,
    }

    const EN: Labels = Labels {
        title: "Antivirus exclusions: security review",
        generated: "Generated",
        hosts: "Hosts",
        host: "Host",
        os: "OS",
        kernel: "Kernel",
        warnings: "Warnings",
        differences: "Differences across the fleet",
        differences_none: "Every exclusion found on more than one host is the same on all of them.",
        differs_on: "Differs on",
        same_on: "Same on",
        not_found_on: "Not found on",
        changes: "Changes since the previous export",
        changes_none: "No change since the previous export.",
        hosts_gone: "Hosts in the previous export but not in this one",
        exclusions: "Exclusions, one row per value per host",
        unlisted: "Unlisted findings (no catalog entry covers them)",
        audit: "Port audit (firewall tables)",
        audit_note: "Listed for a port audit only: these are not antivirus exclusions and are never \
written to an antivirus configuration.",
        empty_value: "(nothing found)",
        filter: "Filter",
        legend: "Marks",
        legend_text: "red: high risk (where found); amber: not where the vendor's list says; violet \
border: differs from the value most hosts have; unlisted: found but not in the catalog.",
        differs_mark: "differs from the fleet",
        summary: "Summary",
        by_component: "By component (entries × hosts)",
        by_host: "By host",
        chart: "Entries by component and status, counted over all hosts",
        component: "Component",
        high_risk: "found, high risk",
        over_hosts: "entries over all hosts",
        unknown: "not known: no host report of check --state (what the antivirus receives) or no previous export (what changed)",
        held_back: "held back",
        accepted: "accepted",
        changed: "changed",
        problems: "Needs attention",
        problems_none: "Nothing needs attention: no drift, no replaced binary, no unaccepted \
finding, no high-risk exclusion, no stale host.",
        p_drift: "Not where the vendor's list says",
        p_replaced: "Binaries replaced on disk",
        p_unlisted: "Unlisted findings not accepted",
        p_high: "High-risk exclusions found",
        p_stale: "Stale or partial inventories",
        show_absent: "Show the entries not found on a host",
        table_note: "Identical rows of several hosts are one row; the host count opens the list. \
Evidence is that of the first host.",
        vendor_says: "the vendor's list says",
        here: "here",
        fleet_usual: "most hosts have",
        evidence_of: "on",
        host_value: "→ host:",
        in_container: "in container:",
        col: Columns {
            host: "Host",
            hosts: "Hosts",
            section: "Section",
            entry_id: "Entry",
            canonical: "Vendor text",
            value: "Value",
            host_path: "Host path",
            container_path: "Container path",
            kind: "Kind",
            component: "Component",
            status: "Status",
            drift: "Drift",
            fleet: "Fleet",
            reason: "Reason",
            risk: "Risk",
            risk_why: "Why this risk",
            pid: "PID",
            cmdline: "Command line",
            container: "Container",
            namespace: "Namespace",
            sha256: "SHA-256",
            via: "Found by",
            source: "Source",
            source_document: "Source document",
            source_section: "Source section",
            change: "Change",
            change_detail: "What changed",
            disabled: "Disabled",
            evidence: "Evidence",
        },
    };

    const RU: Labels = Labels {
        title: "Исключения антивируса: проверка службой безопасности",
        generated: "Сформировано",
        hosts: "Хосты",
        host: "Хост",
        os: "ОС",
        kernel: "Ядро",
        warnings: "Предупреждения",
        differences: "Различия между хостами",
        differences_none: "Все исключения, найденные более чем на одном хосте, везде одинаковы.",
        differs_on: "Отличается на хосте",
        same_on: "Одинаково на",
        not_found_on: "Не найдено на",
        changes: "Изменения с прошлой выгрузки",
        changes_none: "С прошлой выгрузки ничего не изменилось.",
        hosts_gone: "Хосты, которые были в прошлой выгрузке, но отсутствуют в этой",
        exclusions: "Исключения по хостам",
        unlisted: "Находки вне каталога (их не покрывает ни одна запись)",
        audit: "Аудит портов (таблицы межсетевого экрана)",
        audit_note: "Только для аудита портов: это не исключения антивируса, они никогда не \
записываются в его настройки.",
        empty_value: "(ничего не найдено)",
        filter: "Фильтр",
        legend: "Отметки",
        legend_text: "красный: высокий риск (где найдено); жёлтый: не там, где указано в списке \
поставщика; фиолетовая рамка: отличается от значения большинства хостов; вне каталога: найдено, \
но в каталоге нет.",
        differs_mark: "отличается от остальных хостов",
        summary: "Сводка",
        by_component: "По компонентам (записи × хосты)",
        by_host: "По хостам",
        chart: "Записи по компонентам и статусам, по всем хостам",
        component: "Компонент",
        high_risk: "найдено с высоким риском",
        over_hosts: "записей по всем хостам",
        unknown: "неизвестно: нет отчёта проверки с файлом состояния (что получает антивирус) или прошлой выгрузки (что изменилось)",
        held_back: "не записано",
        accepted: "принято",
        changed: "изменено",
        problems: "Требует внимания",
        problems_none: "Ничего не требует внимания: расхождений, заменённых файлов, непринятых \
находок, исключений высокого риска и устаревших хостов нет.",
        p_drift: "Не там, где указано в списке поставщика",
        p_replaced: "Исполняемые файлы заменены на диске",
        p_unlisted: "Непринятые находки вне каталога",
        p_high: "Найденные исключения высокого риска",
        p_stale: "Устаревшие или неполные данные хостов",
        show_absent: "Показать записи, не найденные на хосте",
        table_note: "Одинаковые строки нескольких хостов объединены; число хостов раскрывает их \
список. Доказательства приведены для первого хоста.",
        vendor_says: "в списке поставщика",
        here: "здесь",
        fleet_usual: "у большинства хостов",
        evidence_of: "на хосте",
        host_value: "→ на хосте:",
        in_container: "в контейнере:",
        col: Columns {
            host: "Хост",
            hosts: "Хосты",
            section: "Раздел",
            entry_id: "Запись",
            canonical: "Текст поставщика",
            value: "Значение",
            host_path: "Путь на хосте",
            container_path: "Путь в контейнере",
            kind: "Тип",
            component: "Компонент",
            status: "Статус",
            drift: "Расхождение",
            fleet: "Парк",
            reason: "Обоснование",
            risk: "Риск",
            risk_why: "Почему такой риск",
            pid: "Процесс",
            cmdline: "Командная строка",
            container: "Контейнер",
            namespace: "Пространство имён",
            sha256: "SHA-256",
            via: "Как найдено",
            source: "Источник",
            source_document: "Документ",
            source_section: "Раздел документа",
            change: "Изменение",
            change_detail: "Что изменилось",
            disabled: "Отключено",
            evidence: "Доказательства",
        },
    };

    pub fn labels(lang: Lang) -> &'static Labels {
        match lang {
            Lang::En => &EN,
            Lang::Ru => &RU,
        }
    }

    /// The text of a bilingual catalog field in the reader's language, falling back to the other
    /// one when a site overlay left it empty.
    pub fn text(t: &Text, lang: Lang) -> &str {
        let (first, other) = match lang {
            Lang::Ru => (&t.ru, &t.en),
            Lang::En => (&t.en, &t.ru),
        };
        if first.trim().is_empty() {
            other
        } else {
            first
        }
    }

    pub fn status(s: RowStatus, lang: Lang) -> &'static str {
        match (lang, s) {
            (Lang::En, _) => s.as_str(),
            (Lang::Ru, RowStatus::Present) => "на месте",
            (Lang::Ru, RowStatus::Drifted) => "не совпадает",
            (Lang::Ru, RowStatus::Absent) => "нет на хосте",
            (Lang::Ru, RowStatus::Disabled) => "отключено",
            (Lang::Ru, RowStatus::Unlisted) => "вне каталога",
        }
    }

    /// A status code as the state file keeps it (`present`), in this language.
    pub fn status_code(code: &str, lang: Lang) -> String {
        let s = match code {
            "present" => RowStatus::Present,
            "drifted" => RowStatus::Drifted,
            "absent" => RowStatus::Absent,
            "disabled" => RowStatus::Disabled,
            "unlisted" => RowStatus::Unlisted,
            _ => return code.to_string(),
        };
        status(s, lang).to_string()
    }

    pub fn risk(r: Risk, lang: Lang) -> &'static str {
        match (lang, r) {
            (Lang::En, _) => r.as_str(),
            (Lang::Ru, Risk::Low) => "низкий",
            (Lang::Ru, Risk::Medium) => "средний",
            (Lang::Ru, Risk::High) => "высокий",
        }
    }

    pub fn change(c: ChangeAction, lang: Lang) -> &'static str {
        match (lang, c) {
            (Lang::En, _) => c.as_str(),
            (Lang::Ru, ChangeAction::Added) => "добавлено",
            (Lang::Ru, ChangeAction::Removed) => "удалено",
            (Lang::Ru, ChangeAction::Changed) => "изменено",
        }
    }

    pub fn section(s: Section, lang: Lang) -> &'static str {
        match (lang, s) {
            (Lang::En, _) => s.as_str(),
            (Lang::Ru, Section::Exclusion) => "исключение",
            (Lang::Ru, Section::Unlisted) => "вне каталога",
            (Lang::Ru, Section::AuditOnly) => "только аудит",
        }
    }

    /// The kind of an entry or an unlisted finding (`process-path`, `port`) in this language.
    pub fn kind(k: &str, lang: Lang) -> &str {
        match (lang, k) {
            (Lang::En, _) => k,
            (Lang::Ru, "directory") => "каталог",
            (Lang::Ru, "file") => "файл",
            (Lang::Ru, "process-path") => "процесс по пути",
            (Lang::Ru, "process-name") => "процесс по имени",
            (Lang::Ru, "process-title") => "процесс по заголовку",
            (Lang::Ru, "rule") => "правило",
            (Lang::Ru, "process") => "процесс",
            (Lang::Ru, "port") => "порт",
            (Lang::Ru, "data-path") => "данные",
            (Lang::Ru, "storage-root") => "хранилище",
            (Lang::Ru, k) => k,
        }
    }

    /// How a value was found, as the model's `Via` writes it (`exe`, `path exists`, `listening
    /// on ADDR (IPv4) in NS, owner unknown`, `C data directory (S)`), in this language; an
    /// evidence file is kept.
    pub fn via(v: &str, lang: Lang) -> String {
        if lang == Lang::En {
            return v.to_string();
        }
        let word = match v {
            "exe" => Some("исполняемый файл процесса"),
            "comm" | "name" => Some("имя процесса"),
            "name alias" => Some("другое имя процесса из записи"),
            "argv0" => Some("первый аргумент командной строки"),
            "script" => Some("сценарий, который исполняет интерпретатор"),
            "installed file (no process running)" => {
                Some("установленный файл (процесс не запущен)")
            }
            "title" => Some("заголовок процесса"),
            "symlink" => Some("символьная ссылка"),
            "path exists" => Some("путь существует"),
            "ELMA365 service process" => Some("процесс служб ELMA365"),
            "listener" | "listening socket" => Some("слушающий сокет"),
            "cmdline" => Some("командная строка"),
            _ => None,
        };
        if let Some(w) = word {
            return w.to_string();
        }
        if let Some(rest) = v.strip_prefix("listening on ") {
            let (rest, unknown) = match rest.strip_suffix(", owner unknown") {
                Some(r) => (r, true),
                None => (rest, false),
            };
            let (addr, ns) = match rest.split_once(") in ") {
                Some((a, n)) => (format!("{a})"), Some(n)),
                None => (rest.to_string(), None),
            };
            let mut s = format!("слушает {addr}");
            if let Some(n) = ns {
                if n == "a container's network namespace" {
                    s.push_str(" в сетевом пространстве имён контейнера");
                } else {
                    s.push_str(&format!(" в {n}"));
                }
            }
            if unknown {
                s.push_str(", владелец неизвестен");
            }
            return s;
        }
        if let Some((c, rest)) = v.split_once(" data directory (") {
            return format!("каталог данных {c} ({rest}");
        }
        v.to_string()
    }

    /// Where an entry comes from (`vendor`, `avexclude`, `site`, `discovery`), in this language.
    pub fn origin(o: &str, lang: Lang) -> &str {
        match (lang, o) {
            (Lang::En, _) => o,
            (Lang::Ru, "vendor") => "список поставщика",
            (Lang::Ru, "avexclude") => "дополнение avexclude",
            (Lang::Ru, "site") => "настройка площадки",
            (Lang::Ru, "discovery") => "найдено на хосте",
            (Lang::Ru, "platform") => "документ платформы",
            (Lang::Ru, o) => o,
        }
    }

    /// Why an unlisted finding is reported, in Russian: the check's sentence translated where its
    /// shape is known, else a Russian sentence from the kind and component (a Russian export
    /// never falls back to the English text; the JSON keeps it).
    pub fn unlisted_reason_ru(kind: &str, component: &str, why: &str) -> String {
        let ru = super::unlisted_why(why, Lang::Ru);
        if ru != why || why.trim().is_empty() {
            return ru;
        }
        format!(
            "{} ({component}): ни одна запись каталога не покрывает эту находку",
            self::kind(kind, Lang::Ru)
        )
    }

    /// A drift summary as the check writes it in English (`snap revision 3410 -> 7394; moved A
    /// -> B`), in this language: for texts kept without their items (the export state, a
    /// fleet form).
    pub fn drift_summary(s: &str, lang: Lang) -> String {
        if lang == Lang::En {
            return s.to_string();
        }
        s.split("; ")
            .map(|item| {
                for (en, ru) in [
                    ("snap revision ", "ревизия snap "),
                    ("moved ", "перемещено: "),
                    ("binary replaced: ", "исполняемый файл заменён: "),
                    ("revision ", "ревизия "),
                    ("version ", "версия "),
                    ("path ", "путь "),
                    ("binary ", "исполняемый файл "),
                ] {
                    if let Some(r) = item.strip_prefix(en) {
                        return format!("{ru}{r}");
                    }
                }
                item.to_string()
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// `3 hosts` / `3 хоста`.
    pub fn hosts_count(n: usize, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{n} host{}", if n == 1 { "" } else { "s" }),
            Lang::Ru => format!("{n} {}", super::ru_plural(n, "хост", "хоста", "хостов")),
        }
    }

    /// What changed, in the reader's language (`значение A -> B; статус на месте -> не совпадает`).
    pub fn change_detail(c: &RowChange, lang: Lang) -> String {
        match lang {
            Lang::En => c.detail.clone(),
            Lang::Ru => {
                if c.action == ChangeAction::Removed {
                    return c
                        .parts
                        .iter()
                        .find(|p| p.what == "status")
                        .map(|p| format!("было: {}", status_code(&p.before, lang)))
                        .unwrap_or_default();
                }
                c.parts
                    .iter()
                    .map(|p| {
                        let (what, before, after) = match p.what.as_str() {
                            "value" => ("значение", p.before.clone(), p.after.clone()),
                            "status" => (
                                "статус",
                                status_code(&p.before, lang),
                                status_code(&p.after, lang),
                            ),
                            "drift" => (
                                "расхождение",
                                drift_summary(&p.before, lang),
                                drift_summary(&p.after, lang),
                            ),
                            "risk" => (
                                "риск",
                                risk_code(&p.before, lang),
                                risk_code(&p.after, lang),
                            ),
                            other => (other, p.before.clone(), p.after.clone()),
                        };
                        format!("{what} {before} -> {after}")
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
    }

    fn risk_code(code: &str, lang: Lang) -> String {
        match code {
            "low" => risk(Risk::Low, lang).into(),
            "medium" => risk(Risk::Medium, lang).into(),
            "high" => risk(Risk::High, lang).into(),
            _ => code.to_string(),
        }
    }

    /// Labels of the lifecycle columns (collection time, what the antivirus receives).
    pub struct LcLabels {
        pub collected: &'static str,
        pub stale: &'static str,
        pub not_root: &'static str,
        pub antivirus: &'static str,
        pub written: &'static str,
        pub held_back: &'static str,
        pub narrowed: &'static str,
        pub allowed_by: &'static str,
        pub not_written: &'static str,
        pub accepted: &'static str,
        pub not_accepted: &'static str,
        pub by: &'static str,
        pub days: &'static str,
    }

    const LC_EN: LcLabels = LcLabels {
        collected: "Collected",
        stale: "stale",
        not_root: "not scanned as root",
        antivirus: "Antivirus receives",
        written: "written",
        held_back: "held back",
        narrowed: "narrowed to the container's copy",
        allowed_by: "allowed by",
        not_written: "not written",
        accepted: "accepted",
        not_accepted: "not accepted",
        by: "by",
        days: "days old",
    };

    const LC_RU: LcLabels = LcLabels {
        collected: "Собрано",
        stale: "устарело",
        not_root: "сканирование не от root",
        antivirus: "Что получает антивирус",
        written: "записано",
        held_back: "не записано (высокий риск)",
        narrowed: "сужено до копии в контейнере",
        allowed_by: "разрешено через",
        not_written: "не записано",
        accepted: "принято",
        not_accepted: "не принято",
        by: "кто",
        days: "дн. назад",
    };

    pub fn lc_labels(lang: Lang) -> &'static LcLabels {
        match lang {
            Lang::Ru => &LC_RU,
            Lang::En => &LC_EN,
        }
    }
}

// ---- errors and warnings (engineer `lang`): the message catalogue, in `i18n/messages.rs` ----
pub mod codes;
pub mod messages;
