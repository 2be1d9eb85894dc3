//! The command line: flags defined once with clap (the same definitions give help, man page and
//! completions), one file per subcommand under `cli/`. Exit codes follow `diff`: 0 nothing to do,
//! 1 action needed, 2 usage or input error, or a scan that could not see the host (an incomplete
//! scan is never reported clean).

pub mod accept;
pub mod args;
pub mod audit;
pub mod catalog;
pub mod check;
pub mod common;
pub mod completions;
pub mod discover;
pub mod export;
pub mod help_ru;
pub mod lifecycle;
pub mod render;
pub mod vendors;

use std::io::Write;
use std::process::ExitCode;

pub use args::{Cli, Command};

/// How a subcommand ended: the exit code it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: drift or unlisted findings.
    Findings,
}

/// An error that ends the run with exit status 2 (usage, input or I/O error).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(e.into())
    }
}

pub type CliResult = Result<Outcome, CliError>;

/// Parse the command line, run, and map the result to an exit status.
pub fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // the language first: the help and clap's own errors are printed by the parse itself
    let lang = help_ru::lang_before_parse(&argv);
    let cli = match parse(lang, &argv) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            if lang == args::Lang::Ru
                && e.use_stderr()
                && e.kind() != clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let _ = write!(std::io::stderr().lock(), "{}", help_ru::error_text(&e));
            } else {
                let _ = e.print();
            }
            return ExitCode::from(code);
        }
    };
    let lang = cli.lang.unwrap_or(lang);
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(CliError::Other(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            use crate::i18n::messages::{caused_by, error_prefix, translate};
            let mut err = std::io::stderr().lock();
            match &e {
                CliError::Other(a) => {
                    let _ = writeln!(
                        err,
                        "{}{}",
                        error_prefix(lang),
                        translate(&a.to_string(), lang)
                    );
                    for cause in a.chain().skip(1) {
                        let _ = writeln!(
                            err,
                            "{}{}",
                            caused_by(lang),
                            translate(&cause.to_string(), lang)
                        );
                    }
                }
                _ => {
                    let _ = writeln!(
                        err,
                        "{}{}",
                        error_prefix(lang),
                        translate(&e.to_string(), lang)
                    );
                }
            }
            ExitCode::from(2)
        }
    }
}

/// The command line parsed with the help and errors of `lang` (as `Cli::try_parse` does).
fn parse(lang: args::Lang, argv: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let mut cmd = help_ru::command(lang);
    let mut m = cmd.try_get_matches_from_mut(argv)?;
    Cli::from_arg_matches_mut(&mut m).map_err(|e| e.format(&mut cmd))
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The language of this run's human output: `--lang`, else the environment's locale.
static LANG_RU: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// `--color` of this run: 0 auto, 1 always, 2 never (set by [`run`]).
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Whether human text written to stdout is colored (`--color`, `NO_COLOR`, a terminal).
pub fn color_stdout() -> bool {
    use std::io::IsTerminal;
    let when = match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => args::ColorWhen::Always,
        2 => args::ColorWhen::Never,
        _ => args::ColorWhen::Auto,
    };
    when.enabled(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// The language chosen for this run (set by [`run`] before any subcommand starts).
pub fn lang() -> args::Lang {
    if LANG_RU.load(std::sync::atomic::Ordering::Relaxed) {
        args::Lang::Ru
    } else {
        args::Lang::En
    }
}

/// Dispatch one parsed command line.
pub fn run(cli: Cli) -> CliResult {
    let lang = cli.lang.unwrap_or_else(crate::i18n::Lang::from_env);
    LANG_RU.store(lang == args::Lang::Ru, std::sync::atomic::Ordering::Relaxed);
    let color = match cli.color {
        args::ColorWhen::Auto => 0,
        args::ColorWhen::Always => 1,
        args::ColorWhen::Never => 2,
    };
    COLOR.store(color, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        Command::Catalog(c) => catalog::run(c),
        Command::Discover(a) => discover::run(a),
        Command::Check(a) => check::run(a),
        Command::Render(a) => render::run(a),
        Command::Export(a) => export::run(a),
        Command::Accept(a) => accept::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Vendors(a) => vendors::run(a),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man { command } => completions::man(command.as_deref()),
    }
}
