//! Every class of error (exit 2) and the warnings, in Russian where asked (issue 14, "Language"):
//! with `--lang ru`, and with `LANG=ru_RU.UTF-8` and no flag. Each case asserts the Russian
//! sentence, the exit code, and that no English sentence is left: no ASCII word of four letters
//! or more outside paths, ids, codes, flags, quoted values and the few names that stay as they
//! are (product and format names).

use std::path::{Path, PathBuf};

use crate::support;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/hosts/microk8s-upgraded")
}

/// How the language is chosen for a run.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// `--lang ru`, with an English locale in the environment.
    Flag,
    /// `LANG=ru_RU.UTF-8`, no flag.
    Locale,
}

/// Run avexclude with `args` in Russian (chosen `via`): exit code, stdout, stderr.
fn run_ru(via: Via, args: &[&str], cwd: &Path) -> (i32, String, String) {
    let mut c = support::avexclude();
    c.current_dir(cwd)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("COLUMNS", "100");
    match via {
        Via::Flag => {
            c.env("LANG", "C.UTF-8").args(["--lang", "ru"]);
        }
        Via::Locale => {
            c.env("LANG", "ru_RU.UTF-8");
        }
    }
    let r = c.args(args).run();
    (r.code().unwrap_or(-1), r.stdout(), r.stderr())
}

/// Words that stay as they are in Russian text: the tool, products, formats, Unix terms.
const KEPT: &[&str] = &[
    "avexclude",
    "root",
    "sudo",
    "YAML",
    "JSON",
    "ELMA365",
    "procfs",
    "proc",
    "hidepid",
    "hostPID",
    "kesl",
    "clamav",
    "drweb",
    "eset",
    "mdatp",
    "generic",
    "error",
    "help",
    "snapshot",
    "overlay",
    "busybox",
    "dash",
    "node",
    "patroni",
    "data_dir",
    "cmdline",
    "environ",
    "config",
    "dbPath",
    "redis",
    "postgresql",
    "mongodb",
    "rabbitmq",
    "minio",
    "render",
    "discover",
    "check",
    "cwd",
    "handlebars",
    "inline",
    "partial",
    "escape",
    "override",
    "disable",
    "canonical",
    "match",
    "kind",
    "origin",
    "placeholders",
    "schema",
    "Kubernetes",
    "FIFO",
    "tcp",
    "udp",
    "table",
    "json",
    "yaml",
    "prometheus",
    "auto",
    "always",
    "never",
    "show",
    "catalog",
    // a command-line word quoted as evidence (`cmdline server DIR`: MinIO's own argument)
    "server",
    "clamonacc",
    "clamd",
    // the subcommands, as clap lists them
    "export",
    "accept",
    "audit",
    "vendors",
    "completions",
    // a service user and a value of the hostile fixture (`$(touch /tmp/pwned)`), quoted as found
    "postgres",
    "touch",
];

/// The English words of `text`: ASCII words of 4+ letters, after taking out what is not prose
/// (anything in backticks or quotes, paths, flags, ids with dashes or dots, codes in brackets,
/// upper-case names, the source and caret lines of a diagnostic).
fn english_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        // a diagnostic's source line (`3 | kind: [`) and caret line are the user's file
        if line.trim_start().starts_with('|')
            || line
                .split_once(" | ")
                .is_some_and(|(n, _)| n.trim().chars().all(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let mut prose = String::new();
        let mut quote: Option<char> = None;
        for ch in line.chars() {
            match quote {
                Some(q) if ch == q => quote = None,
                Some(_) => {}
                None if ch == '`' || ch == '\'' || ch == '"' => quote = Some(ch),
                None => prose.push(ch),
            }
        }
        for tok in prose.split(|c: char| c.is_whitespace() || ",;:()?!«»".contains(c)) {
            let tok = tok.trim_matches(|c: char| ".".contains(c));
            if tok.is_empty()
                || tok.contains([
                    '/', '-', '.', '_', '[', ']', '=', '*', '<', '>', '{', '}', '@',
                ])
                || tok.chars().any(|c| c.is_ascii_digit())
                || tok.chars().all(|c| !c.is_ascii_lowercase())
                // an identifier with inner capitals: a setting or key (`OnAccessExcludePath`)
                || tok.chars().skip(1).any(|c| c.is_ascii_uppercase())
                || KEPT.iter().any(|k| k.eq_ignore_ascii_case(tok))
            {
                continue;
            }
            if tok.chars().all(|c| c.is_ascii_alphabetic()) && tok.len() >= 4 {
                out.push(tok.to_string());
            }
        }
    }
    out
}

/// Exit 2, the Russian `want` on stderr, and no English word left in it.
fn assert_ru_error(case: &str, (code, _out, err): (i32, String, String), want: &[&str]) {
    assert_eq!(code, 2, "{case}: exit code\n{err}");
    for w in want {
        assert!(err.contains(w), "{case}: no {w:?} in\n{err}");
    }
    let eng = english_words(&err);
    assert!(eng.is_empty(), "{case}: English left: {eng:?} in\n{err}");
}

#[test]
fn the_english_word_check_can_fail() {
    assert_eq!(
        english_words("avexclude: ошибка: state file /x belongs to a"),
        ["state", "file", "belongs"]
    );
    assert!(
        english_words("файл `--lang` '/tmp/a b' proc-node error[yaml-syntax] LC_ALL").is_empty()
    );
    assert!(english_words("3 | kind: [\n  |       ^").is_empty());
}

/// Each class of error, both ways of asking for Russian.
#[test]
fn every_error_class_is_russian_by_flag_and_by_locale() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let host = example();
    let host = host.to_str().unwrap();
    std::fs::write(dir.join("bad.yaml"), "entries: [\n").unwrap();
    std::fs::write(dir.join("inv999.yaml"), "schema: 999\nhost: {}\n").unwrap();
    std::fs::create_dir_all(dir.join("empty/proc")).unwrap();
    // a state file of this host, then made another host's
    let st = dir.join("state.json");
    support::avexclude()
        .args(["--lang", "en", "check", "--root", host, "--state"])
        .arg(&st)
        .assert_exit(1);
    let text = std::fs::read_to_string(&st).unwrap();
    std::fs::write(
        &st,
        text.replace("\"elma365-node-1\"", "\"elma365-db-9\"")
            .replace(
                "7adb1363accd9b7bbde1b7da81fac471",
                "00000000000000000000000000000001",
            ),
    )
    .unwrap();

    // a vendor folder whose template writes a value unescaped
    let generic = Path::new(env!("CARGO_MANIFEST_DIR")).join("vendors/generic");
    std::fs::create_dir_all(dir.join("vd/generic")).unwrap();
    for f in std::fs::read_dir(&generic).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.join("vd/generic").join(f.file_name().unwrap())).unwrap();
    }
    let csv = dir.join("vd/generic/exclusions.csv.hbs");
    let t = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, format!("{t}{{{{{{host}}}}}}\n")).unwrap();

    // two inventories of one hostname from two machines
    support::avexclude()
        .args(["discover", "--format", "json", "--root", host, "-o"])
        .arg(dir.join("a.json"))
        .assert_exit(0);
    let a = std::fs::read_to_string(dir.join("a.json")).unwrap();
    let id = a
        .split("\"machine_id\": \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the example host has a machine id")
        .to_string();
    std::fs::write(
        dir.join("b.json"),
        a.replace(&id, "0123456789abcdef0123456789abcdef"),
    )
    .unwrap();

    for via in [Via::Flag, Via::Locale] {
        let case = |n: &str| format!("{n} ({via:?})");
        assert_ru_error(
            &case("one hostname, two machines"),
            run_ru(
                via,
                &[
                    "export",
                    "--format",
                    "csv",
                    "--inventory",
                    "a.json",
                    "--inventory",
                    "b.json",
                ],
                dir,
            ),
            &[
                "a.json и b.json называют один хост elma365-node-1, но взяты с разных машин (machine-id ",
            ],
        );
        assert_ru_error(
            &case("template diagnostic"),
            run_ru(via, &["vendors", "--vendors-dir", "vd"], dir),
            &[
                "avexclude: ошибка: ошибка в описании антивируса: vd/generic/exclusions.csv.hbs:",
                ": error[raw-output]: вывод без экранирования",
            ],
        );
        assert_ru_error(
            &case("missing catalog"),
            run_ru(
                via,
                &["check", "--root", host, "--catalog", "nosuch.yaml"],
                dir,
            ),
            &[
                "avexclude: ошибка: ошибок в каталоге: 1:",
                "nosuch.yaml:1:1: error[io]: не удаётся прочитать: нет такого файла или каталога",
            ],
        );
        assert_ru_error(
            &case("bad YAML in an overlay"),
            run_ru(via, &["catalog", "lint", "--catalog", "bad.yaml"], dir),
            &["bad.yaml:2:1: error[yaml-syntax]: не найдено ожидаемое содержимое узла"],
        );
        assert_ru_error(
            &case("inventory of schema 999"),
            run_ru(via, &["check", "--inventory", "inv999.yaml"], dir),
            &["опись inv999.yaml: схема 999 не поддерживается; этот avexclude читает опись схемы"],
        );
        assert_ru_error(
            &case("state of another host"),
            run_ru(
                via,
                &["check", "--root", host, "--state", "state.json"],
                dir,
            ),
            &[
                "файл состояния state.json принадлежит хосту",
                "elma365-db-9",
                "а не этому хосту",
            ],
        );
        assert_ru_error(
            &case("blind scan, empty /proc"),
            run_ru(via, &["check", "--root", "empty"], dir),
            &[
                "не виден ни один процесс",
                "запустите avexclude на самом хосте от root",
            ],
        );
        assert_ru_error(
            &case("blind render"),
            run_ru(
                via,
                &[
                    "render", "--vendor", "kesl", "--out", "out", "--root", "empty",
                ],
                dir,
            ),
            &["не виден ни один процесс"],
        );
        assert_ru_error(
            &case("--allow-risk typo"),
            run_ru(
                via,
                &[
                    "render",
                    "--vendor",
                    "kesl",
                    "--out",
                    "out",
                    "--root",
                    host,
                    "--allow-risk",
                    "proc-nod",
                ],
                dir,
            ),
            &["--allow-risk: нет записи каталога с таким id: proc-nod (может быть, proc-node?)"],
        );
        assert_ru_error(
            &case("unknown vendor"),
            run_ru(
                via,
                &["render", "--vendor", "nope", "--out", "out", "--root", host],
                dir,
            ),
            &["неизвестный антивирус 'nope'; известные: clamav"],
        );
        assert_ru_error(
            &case("not a directory"),
            run_ru(via, &["check", "--root", "bad.yaml"], dir),
            &["--root bad.yaml: не каталог"],
        );
        assert_ru_error(
            &case("nothing to export"),
            run_ru(via, &["export", "--format", "csv"], dir),
            &["нечего выгружать"],
        );
        assert_ru_error(
            &case("clap: unknown argument"),
            run_ru(via, &["check", "--formt", "json"], dir),
            &[
                "ошибка: неизвестный аргумент '--formt'",
                "подсказка: есть похожий аргумент: '--format'",
                "Использование: avexclude check [ПАРАМЕТРЫ]",
            ],
        );
        assert_ru_error(
            &case("clap: missing value"),
            run_ru(via, &["check", "--root"], dir),
            &["для '--root <КАТАЛОГ>' нужно значение"],
        );
        assert_ru_error(
            &case("clap: invalid value"),
            run_ru(via, &["check", "--format", "xml"], dir),
            &[
                "недопустимое значение 'xml' для '--format <ФОРМАТ>'",
                "[возможные значения: table, json, yaml, prometheus]",
            ],
        );
        assert_ru_error(
            &case("clap: missing required"),
            run_ru(via, &["render", "--out", "out"], dir),
            &["не заданы обязательные аргументы:", "--vendor <ИМЯ>"],
        );
        if matches!(via, Via::Flag) {
            // (without any argument clap shows the help instead: see `cli_help_ru`)
            assert_ru_error(
                &case("clap: missing subcommand"),
                run_ru(via, &[], dir),
                &[
                    "ошибка: 'avexclude' требует подкоманду, но она не задана",
                    "[подкоманды: discover, check, render",
                ],
            );
        }
        assert_ru_error(
            &case("clap: unknown subcommand"),
            run_ru(via, &["chek"], dir),
            &[
                "неизвестная подкоманда 'chek'",
                "есть похожая подкоманда: 'check'",
            ],
        );
    }
}

/// The English text of the same errors is what it was: the catalogue only translates.
#[test]
fn english_errors_are_unchanged() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("inv999.yaml"), "schema: 999\n").unwrap();
    let r = support::avexclude()
        .current_dir(d.path())
        .env("LANG", "ru_RU.UTF-8")
        .args(["--lang", "en", "check", "--inventory", "inv999.yaml"])
        .assert_exit(2);
    assert_eq!(
        r.stderr(),
        "avexclude: error: inventory inv999.yaml: schema 999 is not supported; this avexclude reads \
         inventory schema 1 (re-run `avexclude discover`)\n"
    );
    let r = support::avexclude()
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(["check", "--formt", "json"])
        .assert_exit(2);
    let err = r.stderr();
    assert!(
        err.starts_with("error: unexpected argument '--formt' found"),
        "{err}"
    );
    assert!(
        err.contains("tip: a similar argument exists: '--format'"),
        "{err}"
    );
}

/// Warnings in Russian: each printed warning (discover's stderr, `render -v`), the summary line
/// of the check table and its `-v` list; the code stays as it is.
#[test]
fn warnings_are_russian() {
    let host = example();
    let host = host.to_str().unwrap();
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
    for via in [Via::Flag, Via::Locale] {
        let (code, _, err) = run_ru(via, &["discover", "--root", host], cwd);
        assert_eq!(code, 0, "{err}");
        // a checkout keeps no owners: one warning for the copy (discovery's
        // data-owner-unverified), not one per data directory
        assert!(
            err.contains("avexclude: предупреждение[data-owner-unverified] [--root]: владельца каталогов данных нельзя проверить в этой копии"),
            "{err}"
        );
        assert!(
            err.contains("; ни один не используется. Сканируйте сам узел"),
            "{err}"
        );
        let eng = english_words(&err);
        assert!(eng.is_empty(), "English left ({via:?}): {eng:?}\n{err}");

        let (code, out, _) = run_ru(via, &["check", "--root", host, "-v"], cwd);
        assert_eq!(code, 1);
        let summary = out
            .lines()
            .find(|l| l.starts_with("предупреждения ("))
            .unwrap_or_else(|| panic!("no warning summary line in\n{out}"));
        assert_eq!(summary, "предупреждения (1): data-owner-unverified ×1");
        assert!(
            out.contains(
                "  предупреждение[data-owner-unverified] [--root]: владельца каталогов данных"
            ),
            "{out}"
        );
        assert!(!out.contains("warning["), "{out}");

        let d = tempfile::tempdir().unwrap();
        let outdir = d.path().join("out");
        let (code, _, err) = run_ru(
            via,
            &[
                "render",
                "--vendor",
                "kesl",
                "--vendor",
                "clamav",
                "--out",
                outdir.to_str().unwrap(),
                "--root",
                host,
                "-v",
            ],
            cwd,
        );
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("avexclude: предупреждение[held-back] [proc-bin-sh]: kesl: proc-bin-sh: /bin/sh отложено: высокий риск"), "{err}");
        assert!(
            err.contains(
                "чтобы записать /bin/sh для всего хоста, добавьте --allow-risk proc-bin-sh"
            ),
            "{err}"
        );
        assert!(
            err.contains("предупреждение[not-expressible] [clamav]: clamav: у записей ("),
            "{err}"
        );
        let eng = english_words(&err);
        assert!(
            eng.is_empty(),
            "English left in render -v ({via:?}): {eng:?}\n{err}"
        );

        // export: an inventory collected long ago
        let inv = d.path().join("inv.json");
        support::avexclude()
            .args(["discover", "--format", "json", "--root", host, "-o"])
            .arg(&inv)
            .assert_exit(0);
        let text = std::fs::read_to_string(&inv).unwrap();
        let at = text.find("\"generated_at\": \"").unwrap() + "\"generated_at\": \"".len();
        let end = at + text[at..].find('"').unwrap();
        let text = format!("{}2020-01-01T00:00:00Z{}", &text[..at], &text[end..]);
        std::fs::write(&inv, text).unwrap();
        let (code, _, err) = run_ru(
            via,
            &[
                "export",
                "--inventory",
                inv.to_str().unwrap(),
                "--format",
                "csv",
                "-o",
                d.path().join("x.csv").to_str().unwrap(),
            ],
            cwd,
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("предупреждение[stale-inventory]: ")
                && err.contains("(elma365-node-1) собрана 2020-01-01T00:00:00Z, больше 7 дн. назад: отмечена как устаревшая; соберите её заново"),
            "{err}"
        );
        let eng = english_words(&err);
        assert!(
            eng.is_empty(),
            "English left in export ({via:?}): {eng:?}\n{err}"
        );
    }
}

/// The lint, audit and accept summaries in Russian (their English is pinned by their own tests).
#[test]
fn lint_audit_and_accept_summaries_are_russian() {
    let host = example();
    let host = host.to_str().unwrap();
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(
        dir.join("clamd.conf"),
        "OnAccessExcludePath /var/lib/x/\nOnAccessIncludePath /home/\nUser clamav\n",
    )
    .unwrap();
    for via in [Via::Flag, Via::Locale] {
        let (code, out, err) = run_ru(via, &["catalog", "lint"], dir);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("каталог в порядке: записей "), "{out}");
        assert!(english_words(&out).is_empty(), "{out}");
        let (code, out, _) = run_ru(via, &["catalog", "lint", "--codes"], dir);
        assert_eq!(code, 0);
        assert!(
            out.contains("предупреждение  not-root ")
                && out.contains("каталог         yaml-syntax "),
            "{out}"
        );
        let (_, out, _) = run_ru(via, &["catalog", "show"], dir);
        assert!(
            out.starts_with("ID ")
                && out
                    .lines()
                    .next()
                    .unwrap()
                    .contains("РИСК     ИСТОЧНИК   ТЕКСТ ПОСТАВЩИКА"),
            "{out}"
        );
        assert!(
            !out.contains(" high ") && out.contains(" высокий "),
            "{out}"
        );
        let (_, out, _) = run_ru(via, &["vendors"], dir);
        assert!(out.starts_with("ИМЯ      КАТАЛОГ  ФАЙЛ "), "{out}");
        assert!(!out.contains(" yes "), "{out}");
        let (_, out, _) = run_ru(via, &["catalog", "lint", "--codes"], dir);
        // the meanings (the third column; the area and the code are the first two)
        let meanings: String = out
            .lines()
            .map(|l| l.split_whitespace().skip(2).collect::<Vec<_>>().join(" ") + "\n")
            .collect();
        let eng = english_words(&meanings);
        assert!(eng.is_empty(), "English left in --codes: {eng:?}\n{out}");

        let (code, out, _) = run_ru(
            via,
            &[
                "audit",
                "--vendor",
                "clamav",
                "--from",
                "clamd.conf",
                "--root",
                host,
            ],
            dir,
        );
        assert_eq!(code, 1, "{out}");
        assert!(
            out.starts_with("проверка настроек clamav (clamd.conf)\n"),
            "{out}"
        );
        assert!(
            out.contains("не хватает     /opt/elma365\n               dir-opt-elma365: нужно этому хосту (вид: хост)"),
            "{out}"
        );
        assert!(
            out.contains("ловушка        OnAccessExcludePath /var/lib/x/\n"),
            "{out}"
        );
        assert!(out.contains("\nнаходок: "), "{out}");
        // the values (`container I/O`, `User clamav`) are the product's own words; the rest is Russian
        let eng: Vec<String> = english_words(&out)
            .into_iter()
            .filter(|w| w != "User" && w != "container")
            .collect();
        assert!(eng.is_empty(), "English left ({via:?}): {eng:?}\n{out}");

        let st = dir.join(format!("{via:?}.json"));
        let (code, out, err) = run_ru(
            via,
            &[
                "accept",
                "--root",
                host,
                "--state",
                st.to_str().unwrap(),
                "--reason",
                "проверено",
                "--all",
            ],
            dir,
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("принято: port:4369/tcp (rabbitmq)\n"), "{out}");
        let n = out.lines().filter(|l| l.starts_with("принято: ")).count();
        assert!(
            out.contains(&format!("принято находок: {n}, в ")) && out.contains(", кем: "),
            "{out}"
        );
    }
}

/// Every fixture host (microk8s before and after an upgrade, Deckhouse worker, Docker host,
/// Debian database host, KinD host, the hostile host): the warnings of `discover`, of `check -v`
/// and of `render -v` for every vendor, in Russian with no English sentence left.
#[test]
fn every_fixture_host_warns_in_russian() {
    use support::hosts;
    let d = tempfile::tempdir().unwrap();
    type Maker = fn(&Path) -> support::fixture::Fixture;
    let makers: [(&str, Maker); 7] = [
        ("microk8s-seed", hosts::microk8s_seed),
        ("microk8s-upgraded", hosts::microk8s_upgraded),
        ("deckhouse-worker", hosts::deckhouse_worker),
        ("docker-host", hosts::docker_host),
        ("db-host", hosts::db_host),
        ("kind-host", hosts::kind_host),
        ("hostile", hosts::hostile),
    ];
    let mut left = std::collections::BTreeSet::new();
    for (name, make) in makers {
        let root = d.path().join(name);
        std::fs::create_dir_all(&root).unwrap();
        make(&root);
        let root = root.to_str().unwrap();
        let out = d.path().join(format!("{name}-out"));
        for args in [
            vec!["discover", "--root", root, "-o", "/dev/null"],
            vec!["check", "--root", root, "-v", "--allow-empty"],
            vec![
                "render",
                "--root",
                root,
                "-v",
                "--allow-empty",
                "--out",
                out.to_str().unwrap(),
                "--vendor",
                "kesl",
                "--vendor",
                "clamav",
                "--vendor",
                "drweb",
                "--vendor",
                "mdatp",
                "--vendor",
                "eset",
                "--vendor",
                "generic",
            ],
        ] {
            let (code, stdout, err) = run_ru(Via::Flag, &args, d.path());
            assert!(
                (0..=1).contains(&code),
                "{name} {args:?}: exit {code}\n{err}"
            );
            // the check table's own lines are pinned elsewhere; here its warnings (`-v`)
            let warn_lines: String = stdout
                .lines()
                .skip_while(|l| !l.starts_with("предупреждения ("))
                .map(|l| format!("{l}\n"))
                .collect();
            for text in [&err, &warn_lines] {
                assert!(!text.contains("warning["), "{name} {args:?}: {text}");
                // every line with English, once, so one run shows every gap
                for line in text.lines() {
                    let eng = english_words(line);
                    if !eng.is_empty() {
                        left.insert(format!("{eng:?} in {line}"));
                    }
                }
            }
        }
    }
    assert!(
        left.is_empty(),
        "English left in {} line(s):\n{}",
        left.len(),
        left.iter().cloned().collect::<Vec<_>>().join("\n")
    );
}

/// A live scan without root (as `nobody` when the tests run as root): the `not-root` and
/// `permission-denied` warnings and the fail-closed refusal, in Russian.
#[test]
fn a_live_scan_without_root_is_refused_in_russian() {
    // a live scan reads the container runtimes' state: not while another test changes it
    let _lock = support::real::lock_real();
    let mut c = support::avexclude();
    // SAFETY: geteuid has no preconditions and cannot fail
    if unsafe { libc::geteuid() } == 0 {
        c.uid(65534).gid(65534);
    }
    let r = c
        .current_dir("/")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "ru_RU.UTF-8")
        .args(["check"])
        .run();
    r.assert_exit(2);
    let err = r.stderr();
    assert!(
        err.contains("avexclude: предупреждение[not-root]: запуск не от root")
            || err.contains("avexclude: ошибка: запуск не от root"),
        "{err}"
    );
    assert!(err.contains("avexclude: ошибка: "), "{err}");
    let eng = english_words(&err);
    assert!(eng.is_empty(), "English left: {eng:?}\n{err}");
}
