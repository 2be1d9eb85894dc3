//! What each diagnostic and warning code means, in Russian (`catalog lint --codes --lang ru`).
//! Keyed by the code, which stays as it is; a test fails when a code of the registries (catalog,
//! template and vendor diagnostics, warnings) has no Russian line.

use super::Lang;

/// `(code, Russian description)`.
pub const CODES_RU: &[(&str, &str)] = &[
    // catalog
    ("yaml-syntax", "файл — не корректный YAML"),
    (
        "unknown-key",
        "ключ, которого нет в формате каталога (опечатка?)",
    ),
    (
        "unknown-value",
        "значение вне допустимого набора (`kind`, `risk`, `protocol`)",
    ),
    ("missing-key", "нет обязательного ключа"),
    ("bad-type", "значение не того типа"),
    (
        "unsupported-schema",
        "версию схемы файла этот инструмент не читает",
    ),
    ("duplicate-id", "у двух записей один id"),
    ("bad-id", "id не из строчных латинских букв, цифр и дефисов"),
    ("empty-value", "обязательный текст пуст"),
    (
        "bad-template",
        "`match` или `alternate` с искажённым {заполнителем}",
    ),
    (
        "undefined-placeholder",
        "{заполнитель}, который не определён ни в одном файле",
    ),
    (
        "placeholder-redefined",
        "дополнение определяет заполнитель иначе",
    ),
    (
        "bad-shape",
        "форма заполнителя не из `version`, `digits`, `name`",
    ),
    (
        "canonical-mismatch",
        "текст поставщика не подходит под правило `match`",
    ),
    (
        "bad-path",
        "путь в правиле не абсолютный или не нормализованный",
    ),
    (
        "bad-port",
        "правило порта не разбирается (5432/tcp, 7000-7999/tcp, `icmp`)",
    ),
    (
        "unknown-rule",
        "запись `rule` называет правило, которого этот инструмент не знает",
    ),
    (
        "override-missing-id",
        "дополнение заменяет id, которого нет ни в одном каталоге",
    ),
    (
        "disable-missing-id",
        "дополнение отключает id, которого нет ни в одном каталоге",
    ),
    (
        "io",
        "файл не читается (нет, не обычный файл, больше 16 МиБ, не UTF-8)",
    ),
    (
        "bom",
        "файл начинается с метки порядка байтов UTF-8; сохраните его в UTF-8 без BOM",
    ),
    (
        "bad-namespace",
        "пространство имён — не имя Kubernetes (метка RFC 1123)",
    ),
    // templates
    (
        "raw-output",
        "шаблон пишет значение без экранирования ({{{x}}}, {{&x}} и их варианты)",
    ),
    (
        "bare-value",
        "значение пишется без помощника экранирования своего формата",
    ),
    (
        "block-helper",
        "блочный помощник, кроме `if`, `unless`, `each` и `with`",
    ),
    ("decorator", "декоратор, кроме {{#*inline}}"),
    (
        "partial",
        "partial, который не назван буквально и не определён внутри шаблона",
    ),
    (
        "recursive-partial",
        "partial, вызывающие сами себя, прямо или через другие",
    ),
    ("nesting", "блоки или подвыражения вложены слишком глубоко"),
    // warnings
    (
        "not-root",
        "запуск не от root: у процессов других пользователей не видны исполняемый файл, рабочий каталог, сокеты и точки монтирования",
    ),
    (
        "proc-unreadable",
        "таблицу процессов (/proc) не удалось перечислить",
    ),
    (
        "process-vanished",
        "процесс завершился во время сканирования; он не учтён",
    ),
    (
        "proc-entry-refused",
        "/proc/PID — ссылка или не каталог: из него ничего не читается",
    ),
    ("permission-denied", "файлы некоторых процессов не читались"),
    (
        "not-a-regular-file",
        "FIFO, устройство или сокет там, где ожидался файл: пропущено, не открывалось",
    ),
    ("unreadable-proc-file", "файл в /proc не удалось прочитать"),
    (
        "malformed-proc-file",
        "файл в /proc не разобран; его искажённые строки пропущены",
    ),
    (
        "proc-file-missing",
        "нет таблицы сокетов в /proc: её слушающие сокеты не перечислены",
    ),
    (
        "cmdline-cut",
        "командная строка длиннее 4 МиБ: прочитано только начало",
    ),
    (
        "host-mounts-unreadable",
        "таблица монтирования хоста не читается: источники томов на хосте не определить",
    ),
    (
        "exe-host-unresolved",
        "исполняемый файл контейнера не найден в его слоях и томах: пути на хосте нет",
    ),
    ("hash-failed", "хеш исполняемого файла не вычислен (--hash)"),
    ("hash-cache-invalid", "кэш хешей не прочитан; начат новый"),
    ("hash-cache-unwritable", "кэш хешей не записан"),
    (
        "host-fact-missing",
        "сведения о хосте (имя, ОС, ядро) не прочитаны",
    ),
    (
        "config-not-read",
        "файл настроек из командной строки не прочитан (не доверенный обычный файл)",
    ),
    (
        "data-path-untrusted",
        "каталог данных не использован: недоверенный исполняемый файл, владелец или общее место",
    ),
    (
        "vendor-name",
        "имя антивируса не совпадает с его папкой или состоит не только из строчных латинских букв, цифр и дефисов",
    ),
    (
        "no-source",
        "у описания антивируса нет источника его синтаксиса",
    ),
    ("no-output", "у описания антивируса нет выходного файла"),
    (
        "bad-output-name",
        "имя выходного файла или шаблона — не простое имя файла",
    ),
    (
        "bad-mode",
        "права выходного файла — не восьмеричное число или больше 0755",
    ),
    ("missing-template", "файла шаблона для выходного файла нет"),
    (
        "template-syntax",
        "шаблон, который handlebars не может разобрать",
    ),
    (
        "data-owner-unverified",
        "в копии узла нет владельцев файлов: владельца каталогов данных нельзя проверить, ни один не использован",
    ),
    (
        "data-path-unmapped",
        "для каталога данных контейнера не удалось определить место на хосте",
    ),
    (
        "not-expressible",
        "значение, которое этот антивирус выразить не может: не записано",
    ),
    (
        "partly-expressible",
        "записано, но антивирус применяет его лишь частично",
    ),
    (
        "refused-value",
        "значение, которое формат файла не может безопасно передать: не записано",
    ),
    (
        "held-back",
        "значение высокого риска отложено, пока --allow-risk не назовёт его запись",
    ),
    (
        "unknown-id",
        "--allow-risk называет запись, которой нет в отчёте",
    ),
    ("stale-inventory", "опись старше --stale-after дней"),
    (
        "proc-missing",
        "(старые описи) нет /proc под корнем: слепое сканирование",
    ),
    (
        "proc-symlink",
        "(старые описи) /proc был символической ссылкой: слепое сканирование",
    ),
    (
        "discovery-failed",
        "(старые описи) обнаружение не удалось: слепое сканирование",
    ),
];

/// The description of `code` in `lang`, given its English one.
pub fn describe<'a>(code: &str, en: &'a str, lang: Lang) -> &'a str {
    match lang {
        Lang::En => en,
        Lang::Ru => CODES_RU
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, r)| *r)
            .unwrap_or(en),
    }
}

/// The area of a code (`catalog`, `template`, `warning`) in `lang`.
pub fn area(a: &str, lang: Lang) -> &str {
    match (a, lang) {
        ("catalog", Lang::Ru) => "каталог",
        ("template", Lang::Ru) => "шаблон",
        ("vendor", Lang::Ru) => "антивирус",
        ("warning", Lang::Ru) => "предупреждение",
        _ => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_russian_description() {
        let all = crate::catalog::diags::CODES
            .iter()
            .chain(crate::render::vendor::TEMPLATE_CODES.iter())
            .chain(crate::render::vendor::VENDOR_CODES.iter())
            .chain(crate::warning_codes::WARNING_CODES.iter());
        let missing: Vec<&str> = all
            .filter(|(c, _)| !CODES_RU.iter().any(|(r, _)| r == c))
            .map(|(c, _)| *c)
            .collect();
        assert!(missing.is_empty(), "no Russian description for {missing:?}");
        let mut seen = std::collections::BTreeSet::new();
        for (c, _) in CODES_RU {
            assert!(seen.insert(*c), "{c} described twice");
        }
    }
}
