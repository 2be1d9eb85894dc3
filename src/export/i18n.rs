//! Headings and labels of the export in the two languages of its readers: the security team of a
//! Russian site reads Russian, an auditor or a vendor's support may need English. Machine codes
//! (status, kind, risk in CSV and JSON) stay English so filters and SIEM rules do not depend on
//! the language of the document.

use super::rows::{ChangeAction, RowChange, RowStatus, Section};
use crate::i18n::Lang;
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
    pub col: Columns,
}

/// Column headings, in the order of [`super::rows::COLUMNS`].
pub struct Columns {
    pub host: &'static str,
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
    legend_text: "red: high risk (where found); amber: drifted (not where the catalog says); violet border: \
differs from the other hosts; unlisted: found but not in the catalog.",
    differs_mark: "differs from the fleet",
    col: Columns {
        host: "Host",
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
    differs_on: "Отличается на",
    same_on: "Одинаково на",
    not_found_on: "Не найдено на",
    changes: "Изменения с прошлой выгрузки",
    changes_none: "С прошлой выгрузки ничего не изменилось.",
    hosts_gone: "Хосты, которые были в прошлой выгрузке, но отсутствуют в этой",
    exclusions: "Исключения: строка на каждое значение на каждом хосте",
    unlisted: "Находки вне каталога (их не покрывает ни одна запись)",
    audit: "Аудит портов (таблицы межсетевого экрана)",
    audit_note: "Только для аудита портов: это не исключения антивируса, они никогда не \
записываются в его настройки.",
    empty_value: "(ничего не найдено)",
    filter: "Фильтр",
    legend: "Отметки",
    legend_text: "красный: высокий риск (где найдено); жёлтый: дрейф (не там, где указано в каталоге); \
фиолетовая рамка: отличается от других хостов; вне каталога: найдено, но в каталоге нет.",
    differs_mark: "отличается от остальных хостов",
    col: Columns {
        host: "Хост",
        section: "Раздел",
        entry_id: "Запись",
        canonical: "Текст вендора",
        value: "Значение",
        host_path: "Путь на хосте",
        container_path: "Путь в контейнере",
        kind: "Тип",
        component: "Компонент",
        status: "Статус",
        drift: "Дрейф",
        fleet: "Парк",
        reason: "Обоснование",
        risk: "Риск",
        risk_why: "Почему такой риск",
        pid: "PID",
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

/// The text of a bilingual catalog field in the reader's language, falling back to the other one
/// when a site overlay left it empty.
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
        (Lang::En, RowStatus::Present) => "present",
        (Lang::En, RowStatus::Drifted) => "drifted",
        (Lang::En, RowStatus::Absent) => "absent",
        (Lang::En, RowStatus::Disabled) => "disabled",
        (Lang::En, RowStatus::Unlisted) => "unlisted",
        (Lang::Ru, RowStatus::Present) => "на месте",
        (Lang::Ru, RowStatus::Drifted) => "дрейф",
        (Lang::Ru, RowStatus::Absent) => "нет на хосте",
        (Lang::Ru, RowStatus::Disabled) => "отключено",
        (Lang::Ru, RowStatus::Unlisted) => "вне каталога",
    }
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

/// What changed, in the reader's language (`значение A -> B; статус present -> drifted`).
pub fn change_detail(c: &RowChange, lang: Lang) -> String {
    match lang {
        Lang::En => c.detail.clone(),
        Lang::Ru => {
            if c.action == ChangeAction::Removed {
                return c
                    .parts
                    .iter()
                    .find(|p| p.what == "status")
                    .map(|p| format!("было: {}", p.before))
                    .unwrap_or_default();
            }
            c.parts
                .iter()
                .map(|p| {
                    let what = match p.what.as_str() {
                        "value" => "значение",
                        "status" => "статус",
                        "drift" => "дрейф",
                        "risk" => "риск",
                        other => other,
                    };
                    format!("{what} {} -> {}", p.before, p.after)
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}
