//! `avexclude completions SHELL` and `avexclude man [COMMAND]`: generated from the same clap
//! definitions as the help text, so they never fall behind the flags.

use clap::CommandFactory;

use super::common::emit;
use super::{Cli, CliError, CliResult, Outcome};

/// Print the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> CliResult {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "avexclude", &mut buf);
    emit(None, &buf)?;
    Ok(Outcome::Clean)
}

/// Render the man page of the tool, or of one subcommand (`avexclude-check(1)`).
pub fn man_page(command: Option<&str>) -> Result<Vec<u8>, CliError> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            cmd.find_subcommand(name).cloned().ok_or_else(|| {
                CliError::Input(format!(
                    "no subcommand `{name}`; one of: {}",
                    names.join(", ")
                ))
            })?
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .manual("avexclude manual")
        .source(format!("avexclude {}", env!("CARGO_PKG_VERSION")))
        .render(&mut buf)?;
    Ok(buf)
}

pub fn man(command: Option<&str>) -> CliResult {
    let page = man_page(command)?;
    emit(None, &page)?;
    Ok(Outcome::Clean)
}

/// File names and contents of every man page: the tool's and one per subcommand.
pub fn all_man_pages() -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let mut out = vec![("avexclude.1".to_string(), man_page(None)?)];
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for n in names {
        out.push((format!("avexclude-{n}.1"), man_page(Some(&n))?));
    }
    Ok(out)
}
