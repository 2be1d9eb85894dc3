//! The command line in Russian: help of the binary and of every subcommand, and clap's own usage
//! errors (unknown argument, missing value, invalid value).
//!
//! Why a table beside the clap definitions rather than Russian doc comments: the doc comments are
//! the English help, pinned by `cli_help::every_subcommand_long_help_is_pinned`, and the man page
//! and shell completions are generated from them (they stay English). The Russian texts are data,
//! keyed by the clap id of the command (its path, `catalog show`) and of the argument, and a test
//! walks the clap tree so that a new flag or subcommand without a Russian text fails it.
//!
//! The language must be known before clap parses (the help and the parse errors are printed by
//! the parse itself), so [`lang_before_parse`] reads `--lang` from argv and else the environment.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command};

use crate::i18n::Lang;

/// About (and long about, where the English has one) of each command, by its path below the
/// binary (`""` is the binary itself).
pub const COMMANDS: &[(&str, &str, Option<&str>)] = &[
    (
        "",
        "Поддерживает правильные исключения антивируса на хостах ELMA365 (on-premises)",
        Some(
            "Находит на этом хосте процессы, исполняемые файлы, корни контейнеров, каталоги данных \
             и порты ELMA365, сверяет их с каталогом исключений поставщика (на месте, не совпадает, \
             нет на хосте, вне каталога), пишет файлы исключений для каждого антивируса и выгружает \
             отчёт для проверки службой безопасности.",
        ),
    ),
    (
        "discover",
        "Записать опись хоста: процессы, контейнеры, каталоги данных, открытые порты",
        None,
    ),
    (
        "check",
        "Сверить каталог с хостом и вывести отчёт (код 1, если что-то не совпадает или найдено вне каталога)",
        None,
    ),
    (
        "render",
        "Записать файлы исключений каждого антивируса в КАТАЛОГ/<антивирус>/ и перечислить их",
        None,
    ),
    (
        "export",
        "Выгрузка для службы безопасности: один хост или парк хостов",
        None,
    ),
    (
        "accept",
        "Принять проверенные находки вне каталога в файле состояния, с причиной (по значению или id)",
        None,
    ),
    (
        "audit",
        "Прочитать текущие настройки антивируса (с хоста или из --from ФАЙЛ) и назвать, чего не \
         хватает, что устарело, что слишком широко и что известная ловушка (код 1, если есть что-то)",
        None,
    ),
    (
        "vendors",
        "Известные антивирусы и что каждый из них поддерживает",
        None,
    ),
    ("catalog", "Действующий каталог или его проверка", None),
    (
        "catalog show",
        "Вывести действующий каталог (встроенный и дополнения)",
        None,
    ),
    (
        "catalog lint",
        "Проверить каталог и дополнения; ошибки называют файл:строку:столбец (код 2)",
        None,
    ),
    (
        "completions",
        "Вывести автодополнение для ОБОЛОЧКИ (bash, zsh, fish, elvish, powershell)",
        None,
    ),
    (
        "man",
        "Вывести страницу man (roff); с КОМАНДОЙ — страницу этой подкоманды",
        None,
    ),
];

/// Help of each argument: `(command path, arg id, text)`. A path of `"*"` applies to every
/// command that has the argument and no entry of its own (the global `--lang`, the flattened
/// `--root`/`--inventory`).
pub const ARGS: &[(&str, &str, &str)] = &[
    (
        "*",
        "lang",
        "Язык всех строк для человека (по умолчанию — из LC_ALL, LC_MESSAGES или LANG; ru_* — русский)",
    ),
    (
        "*",
        "color",
        "Когда раскрашивать вывод для человека: auto (терминал и NO_COLOR не задана или пуста), always, never",
    ),
    (
        "*",
        "root",
        "Читать хост так, как если бы КАТАЛОГ был `/` (процессы из КАТАЛОГ/proc, файлы из КАТАЛОГ/...)",
    ),
    (
        "*",
        "inventory",
        "Взять опись, записанную `discover` (YAML или JSON), вместо сканирования",
    ),
    (
        "*",
        "catalogs",
        "Дополнение каталога для площадки (можно повторять), как для `check`",
    ),
    (
        "*",
        "output",
        "Записать в ФАЙЛ (атомарно) вместо стандартного вывода",
    ),
    (
        "*",
        "vendors_dir",
        "Дополнительные описания антивирусов (по папке на антивирус), дополняют или заменяют встроенные",
    ),
    (
        "*",
        "vendor_params",
        "Задать параметр антивируса, например `clamav.version=1.4.3` (оценивать как эту версию). Можно повторять",
    ),
    (
        "discover",
        "root",
        "Читать хост так, как если бы КАТАЛОГ был `/`",
    ),
    ("discover", "format", "Формат описи"),
    (
        "discover",
        "hash",
        "Записать sha256 каждого найденного исполняемого файла",
    ),
    (
        "discover",
        "hash_cache",
        "Кэш хешей по устройству, inode, размеру и времени изменения, между запусками",
    ),
    (
        "discover",
        "catalogs",
        "Дополнение каталога, пути которого тоже проверяются (как для `check`). Можно повторять",
    ),
    (
        "check",
        "catalogs",
        "Дополнение каталога для площадки: добавить записи, заменить запись по id или отключить её с причиной. Можно повторять",
    ),
    (
        "check",
        "state",
        "Файл состояния: показать, что изменилось с прошлой проверки, и записать эту",
    ),
    ("check", "format", "Формат вывода (по умолчанию: table)"),
    (
        "check",
        "hash",
        "Хешировать найденные исполняемые файлы (чтобы заметить подменённый файл через файл состояния)",
    ),
    (
        "check",
        "all",
        "Таблица: перечислить и записи на месте, отсутствующие и отключённые (по умолчанию только их число)",
    ),
    (
        "check",
        "verbose",
        "Таблица: всё (как --all), каждое найденное значение и каждое предупреждение целиком",
    ),
    (
        "*",
        "allow_empty",
        "Принять хост вовсе без компонентов ELMA365 (иначе код 2: не тот хост или --root?)",
    ),
    (
        "render",
        "vendors",
        "Антивирус, для которого писать файлы (см. `avexclude vendors`). Можно повторять",
    ),
    (
        "render",
        "out",
        "Каталог вывода; файлы пишутся в КАТАЛОГ/<антивирус>/",
    ),
    (
        "render",
        "wildcards",
        "Писать версионные записи устойчиво к обновлениям (`erts-*`), где антивирус понимает шаблоны",
    ),
    (
        "render",
        "allow_risk",
        "Записать эту запись высокого риска, хотя она исключает оболочку, интерпретатор или системный путь",
    ),
    (
        "render",
        "verbose",
        "Дополнительно вывести в stderr каждое значение, записанное не так, как найдено (отложено, сужено, отклонено, невыразимо), с причиной",
    ),
    (
        "render",
        "vendor_params",
        "Задать параметр антивируса, например `drweb.version=10.0` (без ExcludedProc), `kesl.version=11.4`, `clamav.version=1.5` (регулярное выражение в OnAccessExcludePath). Можно повторять",
    ),
    (
        "render",
        "state",
        "Файл состояния этого хоста: записать, что было записано, чтобы скрипты применения удаляли то, что добавил прошлый запуск и что хосту больше не нужно",
    ),
    (
        "export",
        "inventories",
        "Опись одного хоста или отчёт `check --format json|yaml` (повторить для парка)",
    ),
    (
        "export",
        "root",
        "Сканировать этот корень вместо чтения описей",
    ),
    (
        "export",
        "format",
        "csv (UTF-8 с BOM, для электронных таблиц), markdown, html (самодостаточная страница) или json",
    ),
    (
        "export",
        "state",
        "Состояние прошлой выгрузки: отметить, что изменилось с тех пор",
    ),
    (
        "export",
        "stale_after",
        "Считать устаревшей опись старше этого числа дней",
    ),
    (
        "accept",
        "state",
        "Файл состояния этого хоста (как для `check --state` и `render --state`)",
    ),
    (
        "accept",
        "reason",
        "Почему этим находкам не нужно исключение (или они покрыты иначе); записывается с тем, кто и когда",
    ),
    (
        "accept",
        "all",
        "Принять все находки этого хоста вне каталога",
    ),
    (
        "accept",
        "items",
        "Находки, которые принять, по значению (`3000/tcp`, `/usr/bin/valkey-server`) или по id (`port:3000/tcp`)",
    ),
    (
        "audit",
        "vendor",
        "Антивирус, настройки которого читать (см. `avexclude vendors`)",
    ),
    (
        "audit",
        "from",
        "Читать настройки из этого выгруженного файла вместо установленного антивируса (clamd.conf; вывод kesl-control --get-settings; вывод drweb-ctl cfshow или drweb.ini; mdatp_managed.json или вывод mdatp exclusion list; ESET cfg --export-xml)",
    ),
    ("audit", "format", "Формат вывода"),
    ("vendors", "format", "Формат вывода"),
    ("catalog show", "format", "Формат вывода"),
    (
        "catalog lint",
        "codes",
        "Перечислить все коды диагностики (каталоги и шаблоны антивирусов) с их смыслом и выйти",
    ),
    (
        "completions",
        "shell",
        "Оболочка, для которой вывести автодополнение",
    ),
    ("man", "command", "Подкоманда, страницу которой вывести"),
];

/// Metavariables (`<FILE>`, `<DIR>`) in Russian; the help texts above use the same words.
pub const VALUE_NAMES: &[(&str, &str)] = &[
    ("FILE", "ФАЙЛ"),
    ("DIR", "КАТАЛОГ"),
    ("NAME", "ИМЯ"),
    ("ID", "ID"),
    ("TEXT", "ТЕКСТ"),
    ("ITEM", "НАХОДКА"),
    ("DAYS", "ДНЕЙ"),
    ("LANG", "ЯЗЫК"),
    ("WHEN", "КОГДА"),
    ("FORMAT", "ФОРМАТ"),
    ("SHELL", "ОБОЛОЧКА"),
    ("COMMAND", "КОМАНДА"),
    ("NAME.KEY=VALUE", "ИМЯ.КЛЮЧ=ЗНАЧЕНИЕ"),
];

/// Section headings and clap's built-in texts.
const USAGE: &str = "Использование:";
const OPTIONS: &str = "Параметры";
const ARGUMENTS: &str = "Аргументы";
const COMMANDS_HEADING: &str = "Команды";
const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nИспользование: {usage}\n\n{all-args}{after-help}";
const TEMPLATE_NO_ARGS: &str =
    "{before-help}{about-with-newline}\nИспользование: {usage}{after-help}";

/// The language of this run, known before clap parses: the last `--lang VALUE` or `--lang=VALUE`
/// before a `--`, else the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`). An invalid value is left
/// to clap to refuse (in the environment's language).
pub fn lang_before_parse<I, S>(args: I) -> Lang
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut found = None;
    let mut it = args.into_iter().skip(1);
    while let Some(a) = it.next() {
        let a = a.as_ref().to_string_lossy().into_owned();
        if a == "--" {
            break;
        }
        let v = if a == "--lang" {
            it.next().map(|v| v.as_ref().to_string_lossy().into_owned())
        } else {
            a.strip_prefix("--lang=").map(str::to_string)
        };
        match v.as_deref() {
            Some("ru") => found = Some(Lang::Ru),
            Some("en") => found = Some(Lang::En),
            _ => {}
        }
    }
    found.unwrap_or_else(Lang::from_env)
}

/// The clap command of the binary in `lang`: English as defined in `args.rs`, or with every help
/// text, heading, metavariable and usage line in Russian. Ids and names are unchanged, so the
/// matches parse into [`super::Cli`] either way.
pub fn command(lang: Lang) -> Command {
    let cmd = <super::Cli as clap::CommandFactory>::command();
    if lang == Lang::En {
        return cmd;
    }
    let mut cmd = cmd;
    // built first, so the help and version flags and the `help` subcommand exist to be translated
    cmd.build();
    localize(cmd, "")
}

fn command_text(path: &str) -> Option<&'static (&'static str, &'static str, Option<&'static str>)> {
    COMMANDS.iter().find(|(p, _, _)| *p == path)
}

/// The Russian help of argument `id` of the command at `path`.
pub fn arg_text(path: &str, id: &str) -> Option<&'static str> {
    ARGS.iter()
        .find(|(p, i, _)| *p == path && *i == id)
        .or_else(|| ARGS.iter().find(|(p, i, _)| *p == "*" && *i == id))
        .map(|(_, _, t)| *t)
}

fn value_name(en: &str) -> Option<&'static str> {
    VALUE_NAMES.iter().find(|(e, _)| *e == en).map(|(_, r)| *r)
}

fn localize(mut cmd: Command, path: &str) -> Command {
    if let Some((_, about, long)) = command_text(path) {
        cmd = cmd.about(*about);
        if let Some(l) = long {
            cmd = cmd.long_about(*l);
        }
    }
    if cmd.get_name() == "help" {
        cmd = cmd.about("Вывести это сообщение или справку указанной подкоманды");
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_string())
        .collect();
    for id in &ids {
        cmd = cmd.mut_arg(id, |a| localize_arg(a, path));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in &subs {
        let sub = if path.is_empty() {
            s.clone()
        } else {
            format!("{path} {s}")
        };
        cmd = cmd.mut_subcommand(s, |c| localize(c, &sub));
    }
    let has_args = cmd.get_arguments().any(|a| !a.is_hide_set()) || cmd.has_subcommands();
    cmd = cmd
        .help_template(if has_args { TEMPLATE } else { TEMPLATE_NO_ARGS })
        .subcommand_help_heading(COMMANDS_HEADING)
        .subcommand_value_name("КОМАНДА");
    // the usage line, with the metavariables already Russian; `[OPTIONS]` is clap's literal
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .strip_prefix("Usage: ")
        .unwrap_or(&usage)
        .replace("[OPTIONS]", "[ПАРАМЕТРЫ]")
        .replace("<COMMAND>", "<КОМАНДА>");
    cmd.override_usage(usage)
}

/// Whether the argument takes a value written on the command line (not a flag like `--hash`).
fn takes_value(a: &Arg) -> bool {
    matches!(
        a.get_action(),
        clap::ArgAction::Set | clap::ArgAction::Append
    )
}

fn localize_arg(mut a: Arg, path: &str) -> Arg {
    let id = a.get_id().as_str().to_string();
    let text = match id.as_str() {
        "help" => {
            if a.get_long_help().is_some() {
                a = a.long_help("Вывести справку (краткую — с '-h')");
                "Вывести справку (подробнее — с '--help')".to_string()
            } else {
                "Вывести справку".to_string()
            }
        }
        "version" => "Вывести версию".to_string(),
        _ => arg_text(path, &id).unwrap_or_default().to_string(),
    };
    // metavariables: those given in args.rs, or clap's default (the id in capitals)
    if takes_value(&a) {
        let ru: Vec<clap::builder::Str> = match a.get_value_names() {
            Some(v) => v
                .iter()
                .map(|s| match value_name(s.as_str()) {
                    Some(r) => r.into(),
                    None => s.clone(),
                })
                .collect(),
            None => value_name(&id.to_uppercase())
                .map(|r| vec![r.into()])
                .unwrap_or_default(),
        };
        if !ru.is_empty() {
            a = a.value_names(ru);
        }
    }
    // clap's `[default: …]` and `[possible values: …]` are English literals: written here instead
    let mut spec = Vec::new();
    if !a.is_hide_default_value_set() && takes_value(&a) {
        let d: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !d.is_empty() {
            spec.push(format!("[по умолчанию: {}]", d.join(", ")));
        }
    }
    if !a.is_hide_possible_values_set() && takes_value(&a) {
        let pv: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|p| !p.is_hide_set())
            .map(|p| p.get_name().to_string())
            .collect();
        if !pv.is_empty() {
            spec.push(format!("[возможные значения: {}]", pv.join(", ")));
        }
    }
    a = a.hide_default_value(true).hide_possible_values(true);
    let heading = if a.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    a = a.help_heading(heading);
    if spec.is_empty() {
        return if id == "help" {
            a.help(text)
        } else {
            a.help(text).long_help(None::<&str>)
        };
    }
    let short = format!("{text} {}", spec.join(" "));
    let long = format!("{text}\n\n{}", spec.join("\n"));
    a.help(short).long_help(long)
}

/// Clap's own errors in Russian: what went wrong, the tip clap would give (a similar argument or
/// subcommand), the usage line and where to read more. Help and version pass through unchanged
/// (they are rendered from the Russian command already).
pub fn error_text(e: &clap::Error) -> String {
    let s = |k: ContextKind| -> Option<String> {
        match e.get(k)? {
            ContextValue::String(v) => Some(v.clone()),
            ContextValue::StyledStr(v) => Some(v.to_string()),
            ContextValue::Number(n) => Some(n.to_string()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    let strings = |k: ContextKind| -> Vec<String> {
        match e.get(k) {
            Some(ContextValue::Strings(v)) => v.clone(),
            Some(ContextValue::String(v)) => vec![v.clone()],
            _ => Vec::new(),
        }
    };
    let arg = s(ContextKind::InvalidArg).unwrap_or_default();
    let value = s(ContextKind::InvalidValue).unwrap_or_default();
    let main = match e.kind() {
        ErrorKind::UnknownArgument => format!("неизвестный аргумент '{arg}'"),
        ErrorKind::InvalidSubcommand => format!(
            "неизвестная подкоманда '{}'",
            s(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue => {
            let valid = strings(ContextKind::ValidValue);
            if value.is_empty() {
                format!("для '{arg}' нужно значение, а оно не задано")
            } else if valid.is_empty() {
                format!("недопустимое значение '{value}' для '{arg}'")
            } else {
                format!(
                    "недопустимое значение '{value}' для '{arg}'\n  [возможные значения: {}]",
                    valid.join(", ")
                )
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|c| crate::i18n::messages::translate(&c.to_string(), Lang::Ru))
                .unwrap_or_default();
            format!("недопустимое значение '{value}' для '{arg}': {why}")
        }
        ErrorKind::NoEquals => format!("для '{arg}' значение нужно задать через '='"),
        ErrorKind::TooManyValues => format!("лишнее значение '{value}' для '{arg}'"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("неверное число значений для '{arg}'")
        }
        ErrorKind::ArgumentConflict => {
            let prior = strings(ContextKind::PriorArg);
            if prior.is_empty() || prior.contains(&arg) {
                format!("аргумент '{arg}' нельзя указывать больше одного раза")
            } else {
                format!(
                    "аргумент '{arg}' нельзя указывать вместе с '{}'",
                    prior.join("', '")
                )
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(ContextKind::InvalidArg);
            format!(
                "не заданы обязательные аргументы:\n{}",
                missing
                    .iter()
                    .map(|m| format!("  {m}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        }
        ErrorKind::MissingSubcommand => {
            let valid = strings(ContextKind::ValidSubcommand);
            let mut m = format!(
                "'{}' требует подкоманду, но она не задана",
                s(ContextKind::InvalidSubcommand).unwrap_or_default()
            );
            if !valid.is_empty() {
                m.push_str(&format!("\n  [подкоманды: {}]", valid.join(", ")));
            }
            m
        }
        ErrorKind::InvalidUtf8 => "аргумент — не текст UTF-8".to_string(),
        _ => {
            // kinds this command line cannot produce; clap's English is better than nothing
            return e.render().to_string();
        }
    };
    let mut out = format!("ошибка: {main}\n");
    let mut tips = Vec::new();
    for a in strings(ContextKind::SuggestedArg) {
        tips.push(format!("есть похожий аргумент: '{a}'"));
    }
    for c in strings(ContextKind::SuggestedSubcommand) {
        tips.push(format!("есть похожая подкоманда: '{c}'"));
    }
    for v in strings(ContextKind::SuggestedValue) {
        tips.push(format!("есть похожее значение: '{v}'"));
    }
    if let Some(ContextValue::StyledStrs(v)) = e.get(ContextKind::Suggested) {
        for t in v {
            tips.push(crate::i18n::messages::translate(&t.to_string(), Lang::Ru));
        }
    }
    if !tips.is_empty() {
        out.push('\n');
        for t in tips {
            out.push_str(&format!("  подсказка: {t}\n"));
        }
    }
    if let Some(u) = s(ContextKind::Usage) {
        let u = u.trim();
        let u = u.strip_prefix("Usage:").unwrap_or(u).trim();
        out.push_str(&format!("\n{USAGE} {u}\n"));
    }
    out.push_str("\nПодробнее: '--help'.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and every argument of the clap tree has its Russian text, every table entry
    /// is used, and every metavariable is translated: a new flag without a translation fails here.
    #[test]
    fn every_command_and_argument_has_a_russian_text() {
        fn walk(
            cmd: &Command,
            path: &str,
            used: &mut Vec<(String, String)>,
            missing: &mut Vec<String>,
        ) {
            if cmd.get_name() == "help" {
                return;
            }
            if command_text(path).is_none() {
                missing.push(format!("command '{path}'"));
            }
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if ARGS.iter().any(|(p, i, _)| *p == path && *i == id) {
                    used.push((path.to_string(), id.to_string()));
                } else if ARGS.iter().any(|(p, i, _)| *p == "*" && *i == id) {
                    used.push(("*".to_string(), id.to_string()));
                } else {
                    missing.push(format!("argument '{id}' of '{path}'"));
                }
                if !takes_value(a) {
                    continue;
                }
                match a.get_value_names() {
                    Some(names) => {
                        for n in names {
                            if value_name(n.as_str()).is_none() {
                                missing.push(format!("metavariable {n} of '{id}'"));
                            }
                        }
                    }
                    None if value_name(&id.to_uppercase()).is_none() => {
                        missing.push(format!("metavariable {} of '{id}'", id.to_uppercase()));
                    }
                    None => {}
                }
            }
            for s in cmd.get_subcommands() {
                let sub = if path.is_empty() {
                    s.get_name().to_string()
                } else {
                    format!("{path} {}", s.get_name())
                };
                walk(s, &sub, used, missing);
            }
        }
        let mut cmd = <super::super::Cli as clap::CommandFactory>::command();
        cmd.build();
        let (mut used, mut missing) = (Vec::new(), Vec::new());
        walk(&cmd, "", &mut used, &mut missing);
        assert!(missing.is_empty(), "no Russian text for: {missing:#?}");
        let stale: Vec<_> = ARGS
            .iter()
            .filter(|(p, i, _)| !used.iter().any(|(up, ui)| up == p && ui == i))
            .collect();
        assert!(stale.is_empty(), "Russian texts for no argument: {stale:?}");
        let stale: Vec<_> = COMMANDS
            .iter()
            .filter(|(p, _, _)| {
                !p.is_empty() && {
                    let mut c = &cmd;
                    !p.split(' ').all(|n| match c.find_subcommand(n) {
                        Some(s) => {
                            c = s;
                            true
                        }
                        None => false,
                    })
                }
            })
            .collect();
        assert!(stale.is_empty(), "Russian texts for no command: {stale:?}");
    }

    #[test]
    fn lang_is_read_from_argv_before_parsing() {
        let l = |v: &[&str]| lang_before_parse(v.iter());
        assert_eq!(l(&["avexclude", "--lang", "ru", "check"]), Lang::Ru);
        assert_eq!(l(&["avexclude", "check", "--lang=ru"]), Lang::Ru);
        assert_eq!(l(&["avexclude", "--lang=ru", "--lang", "en"]), Lang::En);
        // after `--` it is a value, not the flag
        assert_eq!(
            l(&["avexclude", "--lang", "en", "accept", "--", "--lang=ru"]),
            Lang::En
        );
    }
}
