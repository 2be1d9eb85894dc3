//! The command line is a contract (PRODUCT.md, "Command-line contract"): the long help of the
//! binary and of every subcommand is pinned by a snapshot, so a renamed or dropped flag shows up
//! in review as a diff rather than in a user's script.

use clap::CommandFactory;

/// Long help of `cmd` and of each subcommand below it, depth first, one section per command path.
pub(crate) fn helps(cmd: &mut clap::Command, path: &str, out: &mut String) {
    let name = if path.is_empty() {
        cmd.get_name().to_string()
    } else {
        format!("{path} {}", cmd.get_name())
    };
    // a fixed width: the snapshot must not follow the terminal the tests run in
    let mut c = cmd.clone().term_width(100).max_term_width(100);
    out.push_str(&format!("===== {name} --help\n"));
    out.push_str(&c.render_long_help().to_string());
    out.push('\n');
    for sub in cmd.get_subcommands_mut().filter(|s| s.get_name() != "help") {
        helps(sub, &name, out);
    }
}

/// The commands of PRODUCT.md's command-line contract, each of which must have its help.
pub(crate) const CONTRACT_COMMANDS: [&str; 9] = [
    "avexclude discover",
    "avexclude check",
    "avexclude render",
    "avexclude accept",
    "avexclude audit",
    "avexclude export",
    "avexclude vendors",
    "avexclude catalog show",
    "avexclude catalog lint",
];

#[test]
fn every_subcommand_long_help_is_pinned() {
    let mut cmd = avexclude::cli::args::Cli::command();
    cmd.build();
    let mut out = String::new();
    helps(&mut cmd, "", &mut out);
    // every contract command of PRODUCT.md is there
    for c in CONTRACT_COMMANDS {
        assert!(
            out.contains(&format!("===== {c} --help")),
            "{c} missing from the command line"
        );
    }
    insta::assert_snapshot!(out);
}

/// `--color always` colors the check table even into a pipe; `never` and a pipe under `auto` do
/// not; `NO_COLOR` does not override an explicit `always` (fd's rules).
#[test]
fn color_flag_decides_the_check_table_colors() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hosts/microk8s-upgraded");
    let run = |extra: &[&str], no_color: Option<&str>| -> String {
        let mut c = crate::support::avexclude();
        c.args(["check", "--lang", "en", "--root"])
            .arg(&root)
            .args(extra);
        match no_color {
            Some(v) => c.env("NO_COLOR", v),
            None => c.env_remove("NO_COLOR"),
        };
        c.run().assert_exit_in(&[0, 1]).stdout_lossy()
    };
    assert!(run(&["--color", "always"], None).contains("\x1b["));
    assert!(run(&["--color", "always"], Some("1")).contains("\x1b["));
    assert!(!run(&["--color", "never"], None).contains("\x1b["));
    // stdout is a pipe here: auto never colors
    assert!(!run(&[], None).contains("\x1b["));
}

/// One registry of diagnostic codes: every code the loader and the template guard emit is listed
/// by `catalog lint --codes`, none twice, and the list is pinned by a snapshot.
#[test]
fn diagnostic_codes_are_one_registry_listed_by_lint_codes() {
    let text = crate::support::avexclude()
        .args(["catalog", "lint", "--codes"])
        .run()
        .assert_exit(0)
        .stdout();
    let listed: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    let mut uniq = listed.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), listed.len(), "a code listed twice: {text}");
    // the warnings of a run are in the same registry
    for w in [
        "process-vanished",
        "malformed-proc-file",
        "held-back",
        "stale-inventory",
    ] {
        assert!(
            listed.contains(&w),
            "warning code {w} is not listed: {text}"
        );
    }
    // every code written at a call site is registered
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let vendor = std::fs::read_to_string(root.join("src/render/vendor.rs")).unwrap();
    let re = regex::Regex::new(r#"tpl_err\(\s*[^,]+,\s*[^,]+,\s*"([a-z-]+)""#).unwrap();
    let used: Vec<String> = re
        .captures_iter(&vendor)
        .map(|c| c[1].to_string())
        .collect();
    assert!(
        used.len() >= 5,
        "the template guard's call sites were not found"
    );
    // and every code of the descriptor checks (`diag("code", ...)`, `at("code", ...)`)
    let re = regex::Regex::new(r#"\b(?:diag|at)\(\s*"([a-z-]+)""#).unwrap();
    let described: Vec<String> = re
        .captures_iter(&vendor)
        .map(|c| c[1].to_string())
        .collect();
    assert!(
        described.len() >= 8,
        "the descriptor checks' call sites were not found"
    );
    let used: Vec<String> = used.into_iter().chain(described).collect();
    for c in &used {
        assert!(
            listed.contains(&c.as_str()),
            "template code {c} is not registered"
        );
    }
    insta::assert_snapshot!(text);
}
