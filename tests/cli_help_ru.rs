//! The command line in Russian (issue 14): the long help of the binary and of every subcommand is
//! pinned by a snapshot, as the English one is (`cli_help`); the binary shows it for `--lang ru`
//! and for a Russian locale, and the English help does not change. Completions and the man page
//! stay English (generated from the English definitions).

use avexclude::cli::help_ru;
use avexclude::i18n::Lang;

use crate::cli_help::{CONTRACT_COMMANDS, helps};
use crate::support;

#[test]
fn every_subcommand_long_help_in_russian_is_pinned() {
    let mut cmd = help_ru::command(Lang::Ru);
    let mut out = String::new();
    helps(&mut cmd, "", &mut out);
    for c in CONTRACT_COMMANDS {
        assert!(out.contains(&format!("===== {c} --help")), "{c} missing");
    }
    // clap's English headings and annotations are all replaced
    for en in [
        "Usage:",
        "Options:",
        "Commands:",
        "Arguments:",
        "[default:",
        "[possible values:",
        "Print help",
        "[OPTIONS]",
    ] {
        assert!(!out.contains(en), "{en:?} left in the Russian help");
    }
    insta::assert_snapshot!(out);
}

/// The English command is the one `args.rs` defines, untouched.
#[test]
fn the_english_command_is_unchanged() {
    use clap::CommandFactory;
    let mut a = help_ru::command(Lang::En);
    let mut b = avexclude::cli::Cli::command();
    assert_eq!(
        a.render_long_help().to_string(),
        b.render_long_help().to_string()
    );
}

fn help(env_lang: &str, args: &[&str]) -> (i32, String) {
    let r = support::avexclude()
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", env_lang)
        .env("COLUMNS", "100")
        .args(args)
        .run();
    (r.code().unwrap_or(-1), r.stdout())
}

#[test]
fn the_binary_prints_russian_help_by_flag_and_by_locale() {
    for (env, args) in [
        ("C.UTF-8", &["--lang", "ru", "--help"][..]),
        ("C.UTF-8", &["--lang=ru", "--help"][..]),
        ("ru_RU.UTF-8", &["--help"][..]),
    ] {
        let (code, out) = help(env, args);
        assert_eq!(code, 0);
        assert!(
            out.starts_with("Находит на этом хосте процессы"),
            "{args:?}: {out}"
        );
        assert!(
            out.contains("Использование: avexclude [ПАРАМЕТРЫ] <КОМАНДА>"),
            "{out}"
        );
        assert!(out.contains("\nКоманды:\n"), "{out}");
        assert!(out.contains("\nПараметры:\n"), "{out}");
    }
    for (env, args) in [
        ("C.UTF-8", &["--lang", "ru", "check", "--help"][..]),
        ("C.UTF-8", &["check", "--help", "--lang", "ru"][..]),
        ("ru_RU.UTF-8", &["check", "--help"][..]),
    ] {
        let (code, out) = help(env, args);
        assert_eq!(code, 0);
        assert!(
            out.starts_with("Сверить каталог с хостом"),
            "{args:?}: {out}"
        );
        assert!(out.contains("--root <КАТАЛОГ>"), "{out}");
        assert!(
            out.contains("Читать хост так, как если бы КАТАЛОГ был `/`"),
            "{out}"
        );
        assert!(
            !out.contains("Usage:") && !out.contains("Options:"),
            "{out}"
        );
    }
    // `--lang en` wins over a Russian locale, and gives exactly clap's English help
    let (_, en) = help("ru_RU.UTF-8", &["--lang", "en", "check", "--help"]);
    assert!(
        en.starts_with("Reconcile the catalog with the host"),
        "{en}"
    );
    assert!(en.contains("Usage: avexclude check [OPTIONS]"), "{en}");
}

/// Without any argument clap shows the help (on stderr, exit 2): in Russian for a Russian locale.
#[test]
fn no_argument_shows_the_russian_help() {
    let r = support::avexclude()
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "ru_RU.UTF-8")
        .assert_exit(2);
    let err = r.stderr();
    assert!(
        err.starts_with("Поддерживает правильные исключения антивируса"),
        "{err}"
    );
    assert!(
        err.contains("Использование: avexclude [ПАРАМЕТРЫ] <КОМАНДА>"),
        "{err}"
    );
}

/// Completions and the man page are generated from the English definitions and stay English.
#[test]
fn completions_and_man_page_stay_english() {
    let (code, man) = help("ru_RU.UTF-8", &["man"]);
    assert_eq!(code, 0);
    assert!(man.contains("Keeps antivirus exclusions right"), "{man}");
    let (code, bash) = help("ru_RU.UTF-8", &["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(bash.contains("--allow-risk"), "{bash}");
}
