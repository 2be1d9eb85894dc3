//! The report for people (a table grouped by component, colour only on a terminal) and for
//! node_exporter's textfile collector (Prometheus text format).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::i18n::{self, Lang};
use crate::model::{Catalog, ChangeAction, EntryResult, Report, Status};

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// What the table shows and how wide it may be.
#[derive(Debug, Clone)]
pub struct TableOptions {
    pub color: bool,
    /// Columns of the terminal (or 100 for a file or pipe): long values wrap under their entry.
    pub width: usize,
    /// List present, absent and disabled entries too (by default only their counts).
    pub all: bool,
    /// Everything: all entries, every found value, each warning in full.
    pub verbose: bool,
    pub lang: Lang,
    /// How the run was given its host (`--root DIR`, `--inventory FILE`, `--catalog F`), so the
    /// next-step commands can be copied as they are.
    pub source_args: String,
    /// The `--state` file, if any.
    pub state: Option<String>,
    /// With `--state`: whether the rendered exclusions follow the host (then drift from the
    /// vendor's text is information, not action), and how many actions are due.
    pub sync: Option<(bool, usize)>,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            color: false,
            width: 100,
            all: false,
            verbose: false,
            lang: Lang::En,
            source_args: String::new(),
            state: None,
            sync: None,
        }
    }
}

/// The width of standard output's terminal: `COLUMNS` when set, else the terminal's own size
/// (`TIOCGWINSZ`), else 100 (a pipe or file). Never below 60, so the layout stays readable.
pub fn terminal_width() -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0);
    let n = from_env.or_else(tty_width).unwrap_or(100);
    n.max(60)
}

fn tty_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we own; fd 1 is only read.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut ws) };
    (rc == 0 && ws.ws_col > 0).then_some(ws.ws_col as usize)
}

/// Quote a word for a POSIX shell when it needs it, so a printed command can be pasted.
pub fn shell_word(w: &str) -> String {
    let plain = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+-,".contains(c));
    if plain {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// Break `text` into lines of at most `avail` characters, preferring a break after `/` or at a
/// space, so a long path continues on the next line instead of running across columns.
fn wrap_text(text: &str, avail: usize) -> Vec<String> {
    let avail = avail.max(20);
    let mut lines = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    while rest.len() > avail {
        let window = &rest[..=avail.min(rest.len() - 1)];
        let min = avail / 3;
        let cut = window
            .iter()
            .rposition(|&c| c == ' ')
            .filter(|&i| i >= min && i <= avail)
            .map(|i| (i, i + 1))
            .or_else(|| {
                window[..avail]
                    .iter()
                    .rposition(|&c| c == '/' || c == ',' || c == ';')
                    .filter(|&i| i >= min)
                    .map(|i| (i + 1, i + 1))
            })
            .unwrap_or((avail, avail));
        lines.push(
            rest[..cut.0]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string(),
        );
        rest.drain(..cut.1);
        while rest.first() == Some(&' ') {
            rest.remove(0);
        }
    }
    lines.push(rest.into_iter().collect());
    lines
}

/// Append `prefix` + `text`, wrapped within `width`; continuation lines start under the text.
fn put(out: &mut String, prefix: &str, text: &str, width: usize, paint_code: Option<(&str, bool)>) {
    let indent = prefix.chars().count();
    let avail = width.saturating_sub(indent);
    let (lines, cont_indent) = if avail < 30 {
        // too narrow beside the prefix: the text goes under it
        (wrap_text(text, width.saturating_sub(6)), 6)
    } else {
        (wrap_text(text, avail), indent)
    };
    let p = |s: &str| match paint_code {
        Some((code, color)) => paint(s, code, color),
        None => s.to_string(),
    };
    if avail < 30 {
        let _ = writeln!(out, "{}", prefix.trim_end());
        for l in lines {
            let _ = writeln!(out, "{}{}", " ".repeat(cont_indent), p(&l));
        }
        return;
    }
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "{prefix}{}", p(l));
        } else {
            let _ = writeln!(out, "{}{}", " ".repeat(cont_indent), p(l));
        }
    }
}

/// One entry's line in the drift and replaced sections: its id, padded to `idw`, then what
/// differs, told in `lang` and painted with `paint`.
fn drift_line(
    out: &mut String,
    e: &EntryResult,
    idw: usize,
    width: usize,
    lang: Lang,
    paint: (&str, bool),
) {
    let d = e
        .drift
        .as_ref()
        .map(|d| i18n::drift(d, lang))
        .unwrap_or_default();
    put(
        out,
        &format!("  {}  ", pad(&e.id, idw)),
        &clean(&d),
        width,
        Some(paint),
    );
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn status_cell(s: Status, lang: Lang, color: bool) -> String {
    let text = pad(i18n::status(s, lang), if lang == Lang::Ru { 12 } else { 8 });
    match s {
        Status::Present => paint(&text, "32", color),
        Status::Drifted => paint(&text, "33;1", color),
        Status::Absent => paint(&text, "2", color),
        Status::Disabled => paint(&text, "35", color),
    }
}

/// A drifted entry whose drift is (also) a binary replaced on disk.
fn is_replaced(e: &EntryResult) -> bool {
    e.drift
        .as_ref()
        .is_some_and(|d| d.items.iter().any(|i| i.kind == "replaced"))
}

/// Control, bidi and zero-width characters never reach the terminal raw.
fn clean(s: &str) -> String {
    crate::sanitize::visible(s).into_owned()
}

/// The table for people, with default options (see [`table_with`]).
pub fn table(r: &Report, catalog: &Catalog, color: bool) -> String {
    table_with(
        r,
        catalog,
        &TableOptions {
            color,
            ..TableOptions::default()
        },
    )
}

/// The table for people: the verdict, then what needs action (drift, replaced binaries,
/// unlisted findings), each with the command to run next; present and absent entries only as
/// counts unless `all`; warnings once, counted by code (in full with `verbose`).
pub fn table_with(r: &Report, catalog: &Catalog, o: &TableOptions) -> String {
    let (lang, color, width) = (o.lang, o.color, o.width);
    let t = |en: &'static str, ru: &'static str| lang.tr(en, ru);
    let mut out = String::new();
    let audit = |e: &EntryResult| catalog.get(&e.id).is_some_and(|c| c.audit_only);
    let listed: Vec<&EntryResult> = r.entries.iter().filter(|e| !audit(e)).collect();
    let count = |s: Status| listed.iter().filter(|e| e.status == s).count();
    let drifted: Vec<&EntryResult> = listed
        .iter()
        .copied()
        .filter(|e| e.status == Status::Drifted && !is_replaced(e))
        .collect();
    let replaced: Vec<&EntryResult> = listed.iter().copied().filter(|e| is_replaced(e)).collect();
    let listening = r
        .entries
        .iter()
        .filter(|e| audit(e) && e.status == Status::Present)
        .count();
    let need = drifted.len() + replaced.len() + r.unlisted.len();
    let host = if r.host.hostname.is_empty() {
        t("(no hostname)", "(без имени)").to_string()
    } else {
        clean(&r.host.hostname)
    };

    // 1. The verdict, one line; the counts of what is fine on the next.
    if let Some((in_sync, n)) = o.sync {
        let v = match (in_sync, lang) {
            (true, Lang::En) => "in sync: the exclusions rendered last match this host; nothing to do".to_string(),
            (true, Lang::Ru) => "всё в порядке: исключения последнего render соответствуют хосту; действий не требуется".to_string(),
            (false, Lang::En) => format!("{n} need action since the last render (see the end)"),
            (false, Lang::Ru) => format!("требуют действий с последнего render: {n} (см. в конце)"),
        };
        let code = if in_sync { "32;1" } else { "33;1" };
        let _ = writeln!(out, "{host}: {}", paint(&v, code, color));
    } else if need == 0 {
        let v = t(
            "in sync with the vendor's list; nothing to do",
            "всё совпадает со списком поставщика; действий не требуется",
        );
        let _ = writeln!(out, "{host}: {}", paint(v, "32;1", color));
    } else {
        let mut parts = Vec::new();
        if !drifted.is_empty() {
            parts.push(match lang {
                Lang::En => format!("{} drifted", drifted.len()),
                Lang::Ru => format!("{} не совпадают", drifted.len()),
            });
        }
        if !replaced.is_empty() {
            parts.push(match lang {
                Lang::En => format!("{} binaries replaced", replaced.len()),
                Lang::Ru => format!("{} заменённых файлов", replaced.len()),
            });
        }
        if !r.unlisted.is_empty() {
            parts.push(match lang {
                Lang::En => format!("{} unlisted", r.unlisted.len()),
                Lang::Ru => format!("{} вне каталога", r.unlisted.len()),
            });
        }
        let v = match lang {
            Lang::En => format!("{need} need action ({})", parts.join(", ")),
            Lang::Ru => format!("требуют действий: {need} ({})", parts.join(", ")),
        };
        let _ = writeln!(out, "{host}: {}", paint(&v, "33;1", color));
    }
    let fine = match lang {
        Lang::En => format!(
            "{} present, {} absent, {} disabled of {} entries; port audit: {} firewall-table ports listen here",
            count(Status::Present),
            count(Status::Absent),
            count(Status::Disabled),
            listed.len(),
            listening
        ),
        Lang::Ru => format!(
            "на месте {}, нет на хосте {}, отключено {} из {} записей; аудит портов: слушают {} портов из таблиц межсетевого экрана",
            count(Status::Present),
            count(Status::Absent),
            count(Status::Disabled),
            listed.len(),
            listening
        ),
    };
    put(&mut out, "  ", &fine, width, None);

    let idw = listed
        .iter()
        .map(|e| e.id.chars().count())
        .max()
        .unwrap_or(10)
        .min(34);
    let max_found = if o.verbose { usize::MAX } else { 3 };
    let found_lines = |out: &mut String, e: &EntryResult| {
        let label = t("on host: ", "на хосте: ");
        for f in e.found.iter().take(max_found) {
            put(out, &format!("      {label}"), &clean(f), width, None);
        }
        if e.found.len() > max_found {
            let more = match lang {
                Lang::En => format!("... and {} more (-v)", e.found.len() - max_found),
                Lang::Ru => format!("... и ещё {} (-v)", e.found.len() - max_found),
            };
            let _ = writeln!(out, "      {more}");
        }
    };
    let render_cmd = {
        let mut c = String::from("avexclude render");
        if !o.source_args.is_empty() {
            c.push(' ');
            c.push_str(&o.source_args);
        }
        if let Some(s) = &o.state {
            c.push_str(" --state ");
            c.push_str(&shell_word(s));
        }
        c.push_str(t(
            " --vendor VENDOR --out DIR",
            " --vendor ПРОДУКТ --out КАТАЛОГ",
        ));
        c
    };
    let next = t("next: ", "дальше: ");

    // 2. Drift.
    if !drifted.is_empty() {
        let h = match lang {
            Lang::En => format!(
                "drifted ({}): found on this host, but not as the vendor's list writes it",
                drifted.len()
            ),
            Lang::Ru => format!(
                "не совпадает ({}): найдено на хосте, но не так, как в списке поставщика",
                drifted.len()
            ),
        };
        let _ = writeln!(out);
        put(&mut out, "", &h, width, Some(("1", color)));
        for e in &drifted {
            drift_line(&mut out, e, idw, width, lang, ("33", color));
            put(
                &mut out,
                &format!("      {}", t("listed:  ", "в списке: ")),
                &clean(&e.canonical),
                width,
                None,
            );
            found_lines(&mut out, e);
        }
        let why = t(
            "write exclusions that follow this host, then apply them:",
            "запишите исключения по тому, что есть на хосте, и примените их:",
        );
        put(&mut out, &format!("  {next}"), why, width, None);
        // a command stays on one line, so it can be pasted
        let _ = writeln!(out, "        {render_cmd}");
    }

    // 3. Replaced binaries.
    if !replaced.is_empty() {
        let h = match lang {
            Lang::En => format!(
                "binaries replaced ({}): the running program differs from the file on disk",
                replaced.len()
            ),
            Lang::Ru => format!(
                "заменённые файлы ({}): работающая программа не совпадает с файлом на диске",
                replaced.len()
            ),
        };
        let _ = writeln!(out);
        put(&mut out, "", &h, width, Some(("1", color)));
        for e in &replaced {
            drift_line(&mut out, e, idw, width, lang, ("31", color));
        }
        put(
            &mut out,
            &format!("  {next}"),
            t(
                "confirm it was a legitimate update (package manager log, image pull), then restart the program so it runs the file on disk",
                "убедитесь, что это было штатное обновление (журнал пакетного менеджера, загрузка образа), затем перезапустите программу, чтобы она работала с файлом на диске",
            ),
            width,
            None,
        );
    }

    // 4. Unlisted findings.
    if !r.unlisted.is_empty() {
        let h = match lang {
            Lang::En => format!(
                "unlisted ({}): ELMA365 findings no catalog entry covers",
                r.unlisted.len()
            ),
            Lang::Ru => format!(
                "вне каталога ({}): находки ELMA365, которые не покрывает ни одна запись",
                r.unlisted.len()
            ),
        };
        let _ = writeln!(out);
        put(&mut out, "", &h, width, Some(("1", color)));
        let values: Vec<String> = r
            .unlisted
            .iter()
            .map(|u| clean(&u.value.display()))
            .collect();
        let kw = r
            .unlisted
            .iter()
            .map(|u| i18n::unlisted_kind(u.kind, lang).chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let cw = r
            .unlisted
            .iter()
            .map(|u| u.component.chars().count())
            .max()
            .unwrap_or(9)
            .clamp(9, 14);
        // the value column: as wide as the values, but never more than a third of the line
        let vw = values
            .iter()
            .map(|v| v.chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 24);
        let head = format!(
            "  {}  {}  {}  {}",
            pad(t("KIND", "ВИД"), kw),
            pad(t("VALUE", "ЗНАЧЕНИЕ"), vw),
            pad(t("COMPONENT", "КОМПОНЕНТ"), cw),
            t("WHY", "ПОЧЕМУ")
        );
        let _ = writeln!(out, "{}", paint(&head, "2", color));
        for (u, v) in r.unlisted.iter().zip(&values) {
            let why = clean(&i18n::unlisted_why(&u.why, lang));
            if v.chars().count() > vw {
                // a long value gets its own line(s); the rest of the row follows under it
                put(
                    &mut out,
                    &format!("  {}  ", pad(i18n::unlisted_kind(u.kind, lang), kw)),
                    v,
                    width,
                    None,
                );
                let prefix = format!(
                    "  {}  {}  {}  ",
                    " ".repeat(kw),
                    " ".repeat(vw),
                    pad(&clean(&u.component), cw)
                );
                put(&mut out, &prefix, &why, width, None);
            } else {
                let prefix = format!(
                    "  {}  {}  {}  ",
                    pad(i18n::unlisted_kind(u.kind, lang), kw),
                    pad(v, vw),
                    pad(&clean(&u.component), cw)
                );
                put(&mut out, &prefix, &why, width, None);
            }
        }
        let first = values.first().map(|v| shell_word(v)).unwrap_or_default();
        let accept = match &o.state {
            Some(s) => format!(
                "avexclude accept {}{} --reason {} {first} ...",
                if o.source_args.is_empty() {
                    String::new()
                } else {
                    format!("{} ", o.source_args)
                },
                format_args!("--state {}", shell_word(s)),
                shell_word(t("WHY IT NEEDS NO EXCLUSION", "ПОЧЕМУ ИСКЛЮЧЕНИЕ НЕ НУЖНО"))
            ),
            None => format!(
                "avexclude accept {}--state FILE --reason {} {first} ...",
                if o.source_args.is_empty() {
                    String::new()
                } else {
                    format!("{} ", o.source_args)
                },
                shell_word(t("WHY IT NEEDS NO EXCLUSION", "ПОЧЕМУ ИСКЛЮЧЕНИЕ НЕ НУЖНО"))
            ),
        };
        let why = t(
            "review each; accept what needs no exclusion, or cover it with a site overlay (--catalog site.yaml)",
            "проверьте каждую; примите те, что не требуют исключения, или опишите их в дополнении каталога (--catalog site.yaml)",
        );
        put(&mut out, &format!("  {next}"), why, width, None);
        let _ = writeln!(out, "        {accept}");
    }

    // 5. Changes since the state file: only what differs.
    if !r.changes.is_empty() {
        let h = match lang {
            Lang::En => format!("changed since the state file ({})", r.changes.len()),
            Lang::Ru => format!("изменилось с прошлой проверки ({})", r.changes.len()),
        };
        let _ = writeln!(out);
        put(&mut out, "", &h, width, Some(("1", color)));
        for c in &r.changes {
            put(
                &mut out,
                &format!("  {}  ", pad(&c.id, idw)),
                &clean(&change_text(c.action, &c.before, &c.after, lang)),
                width,
                None,
            );
        }
    }

    // 6. Everything else, on request.
    if o.all || o.verbose {
        let mut by_comp: BTreeMap<&str, Vec<&EntryResult>> = BTreeMap::new();
        for e in listed.iter().filter(|e| e.status != Status::Drifted) {
            by_comp.entry(e.component.as_str()).or_default().push(e);
        }
        let _ = writeln!(out);
        put(
            &mut out,
            "",
            t("all entries by component", "все записи по компонентам"),
            width,
            Some(("1", color)),
        );
        for (comp, entries) in by_comp {
            let _ = writeln!(out, "  {}", paint(&clean(comp), "1", color));
            for e in &entries {
                let prefix = format!(
                    "    {} {}  ",
                    status_cell(e.status, lang, color),
                    pad(&e.id, idw)
                );
                // the prefix holds colour codes: wrap by its visible width
                let vis = 4
                    + if lang == Lang::Ru { 12 } else { 8 }
                    + 1
                    + idw.max(e.id.chars().count())
                    + 2;
                let lines = wrap_text(&clean(&e.canonical), width.saturating_sub(vis).max(30));
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        let _ = writeln!(out, "{prefix}{l}");
                    } else {
                        let _ = writeln!(out, "{}{l}", " ".repeat(vis));
                    }
                }
                if e.status == Status::Present {
                    found_lines(&mut out, e);
                }
                if let Some(why) = &e.disabled {
                    put(
                        &mut out,
                        &format!("      {}", t("disabled: ", "отключено: ")),
                        &clean(why),
                        width,
                        None,
                    );
                }
            }
        }
        let ports: Vec<&EntryResult> = r
            .entries
            .iter()
            .filter(|e| audit(e) && e.status == Status::Present)
            .collect();
        if !ports.is_empty() {
            let _ = writeln!(
                out,
                "  {}",
                paint(
                    t(
                        "port audit (firewall tables, never written to the antivirus): listening here",
                        "аудит портов (таблицы межсетевого экрана, в антивирус не пишутся): слушают здесь"
                    ),
                    "1",
                    color
                )
            );
            for e in ports {
                put(
                    &mut out,
                    &format!("    {}  ", pad(&e.id, idw)),
                    &clean(&e.found.join(", ")),
                    width,
                    None,
                );
            }
        }
    } else {
        let hidden = count(Status::Present) + count(Status::Absent) + count(Status::Disabled);
        if hidden > 0 {
            let _ = writeln!(out);
            let msg = match lang {
                Lang::En => format!(
                    "{hidden} present, absent and disabled entries not listed: --all lists them"
                ),
                Lang::Ru => format!(
                    "записи на месте, отсутствующие и отключённые ({hidden}) не показаны: --all покажет их"
                ),
            };
            put(&mut out, "", &msg, width, Some(("2", color)));
        }
    }

    // 7. Warnings, once: by code with a count; in full with -v.
    if !r.warnings.is_empty() {
        let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
        for w in &r.warnings {
            *by_code.entry(w.code.as_str()).or_default() += 1;
        }
        let codes: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        let msg = match lang {
            Lang::En => format!(
                "warnings ({}): {}{}",
                r.warnings.len(),
                codes.join(", "),
                if o.verbose { "" } else { "; details with -v" }
            ),
            Lang::Ru => format!(
                "предупреждения ({}): {}{}",
                r.warnings.len(),
                codes.join(", "),
                if o.verbose {
                    ""
                } else {
                    "; подробности: -v"
                }
            ),
        };
        let _ = writeln!(out);
        put(&mut out, "", &msg, width, Some(("35", color)));
        // an offline copy that keeps no owners: said in one line, not per directory (discovery's
        // `data-owner-unverified`)
        if by_code.contains_key(crate::warning_codes::WarnCode::DataOwnerUnverified.as_str())
            && !o.verbose
        {
            let line = match lang {
                Lang::En => {
                    "data directories: ownership cannot be verified in this copy of a host (its files keep no owners), so none is used"
                }
                Lang::Ru => {
                    "каталоги данных: владельца нельзя проверить в этой копии узла (у её файлов нет владельцев узла), поэтому ни один не использован"
                }
            };
            put(&mut out, "  ", line, width, Some(("35", color)));
        }
        if o.verbose {
            for w in &r.warnings {
                let subj = w
                    .subject
                    .as_deref()
                    .map(|s| format!(" [{}]", clean(s)))
                    .unwrap_or_default();
                put(
                    &mut out,
                    &format!(
                        "  {}[{}]{subj}: ",
                        lang.tr("warning", "предупреждение"),
                        w.code
                    ),
                    &clean(&crate::i18n::messages::warning(
                        w.code.as_str(),
                        &w.message,
                        lang,
                    )),
                    width,
                    None,
                );
            }
        }
    }
    out
}

/// A change since the state file as a short line: for two lists, only what left and what came.
fn change_text(action: ChangeAction, before: &str, after: &str, lang: Lang) -> String {
    let split = |s: &str| -> Vec<String> {
        s.split(", ")
            .filter(|x| !x.is_empty() && *x != "-")
            .map(str::to_string)
            .collect()
    };
    let (b, a) = (split(before), split(after));
    let gone: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
    let came: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    let act = match (action, lang) {
        (_, Lang::En) => action.as_str(),
        (ChangeAction::Added, Lang::Ru) => "добавлено",
        (ChangeAction::Removed, Lang::Ru) => "удалено",
        (ChangeAction::Changed, Lang::Ru) => "изменено",
        (ChangeAction::Status, Lang::Ru) => "статус",
        (ChangeAction::Replaced, Lang::Ru) => "заменено",
    };
    if action == ChangeAction::Status {
        let st = |s: &str| match s.parse::<Status>() {
            Ok(x) => i18n::status(x, lang).to_string(),
            Err(_) => s.to_string(),
        };
        return format!("{act}: {} -> {}", st(before), st(after));
    }
    if b.len() + a.len() > 2 && (gone.len() + came.len()) < b.len() + a.len() {
        let mut parts = Vec::new();
        for g in gone {
            parts.push(format!("-{g}"));
        }
        for c in came {
            parts.push(format!("+{c}"));
        }
        return format!("{act}: {}", parts.join(" "));
    }
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    format!("{act}: {} -> {}", dash(before), dash(after))
}

/// The `--state` part of the table: the verdict and, per reason, what to do.
pub fn sync_table(s: &crate::check::state::Sync) -> String {
    let mut out = String::new();
    if s.in_sync {
        let _ = writeln!(
            out,
            "\nin sync: the exclusions rendered last match this host; nothing to do"
        );
    } else {
        let _ = writeln!(out, "\naction needed:");
        for a in &s.actions {
            let _ = writeln!(out, "  - {}", clean(a));
        }
    }
    for i in &s.add {
        let _ = writeln!(
            out,
            "  add     {:<8} {:<10} {}  ({})",
            clean(&i.vendor),
            i.kind.as_str(),
            clean(&i.value),
            clean(&i.id)
        );
    }
    for i in &s.remove {
        let _ = writeln!(
            out,
            "  remove  {:<8} {:<10} {}  ({})",
            clean(&i.vendor),
            i.kind.as_str(),
            clean(&i.value),
            clean(&i.id)
        );
    }
    for u in &s.unaccepted {
        let _ = writeln!(out, "  not reviewed      {}", clean(u));
    }
    if !s.accepted.is_empty() {
        let _ = writeln!(out, "accepted unlisted findings:");
        for a in &s.accepted {
            let _ = writeln!(
                out,
                "  {}  ({}, by {} at {})",
                clean(&a.id),
                clean(&a.reason),
                clean(&a.by),
                clean(&a.at)
            );
        }
    }
    out
}
