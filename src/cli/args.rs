//! Every flag, defined once. Names of commands and flags are the fixed contract of PRODUCT.md.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "avexclude",
    version,
    about = "Keeps antivirus exclusions right on ELMA365 on-premises hosts",
    long_about = "Discovers the ELMA365 processes, binaries, container roots, data paths and ports on \
this host, checks them against the canonical exclusion catalog (present, drifted, absent, unlisted), \
renders vendor-specific exclusion files and exports a reviewable record for the security team."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of every human line (default: from LC_ALL, LC_MESSAGES or LANG; ru_* is Russian).
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// When human output is colored: auto (a terminal, and NO_COLOR unset or empty), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// `--color`, as fd and cargo-deny spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Whether to color text bound for a stream that `is_terminal` (or not), given the value of
    /// `NO_COLOR`. As fd does (no-color.org), `NO_COLOR` counts only when set to a non-empty
    /// value, and only in `auto`: `--color always` is an explicit request.
    pub fn enabled(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

#[cfg(test)]
mod color_tests {
    use super::ColorWhen;
    use std::ffi::OsStr;

    #[test]
    fn color_follows_fd_rules() {
        assert!(ColorWhen::Auto.enabled(true, None));
        assert!(ColorWhen::Auto.enabled(true, Some(OsStr::new(""))));
        assert!(!ColorWhen::Auto.enabled(true, Some(OsStr::new("1"))));
        assert!(!ColorWhen::Auto.enabled(false, None));
        assert!(ColorWhen::Always.enabled(false, Some(OsStr::new("1"))));
        assert!(!ColorWhen::Never.enabled(true, None));
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the host inventory: processes, containers, data paths, listening ports.
    Discover(DiscoverArgs),
    /// Reconcile the catalog with the host and print the report (exit 1 on drift or unlisted).
    Check(CheckArgs),
    /// Write each vendor's exclusion files under OUT/<vendor>/ and list them.
    Render(RenderArgs),
    /// Security-team export of one host or a fleet.
    Export(ExportArgs),
    /// Acknowledge reviewed unlisted findings in the state file, with the reason (by value or id).
    Accept(AcceptArgs),
    /// Read the antivirus's current configuration (live, or --from FILE) and name what is
    /// missing, stale, too broad, or a known pitfall (exit 1 if anything).
    Audit(AuditArgs),
    /// The antivirus products known, with what each supports.
    Vendors(VendorsArgs),
    /// The effective catalog, or its validation.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Print shell completions for SHELL (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff); with COMMAND, the page of that subcommand.
    Man { command: Option<String> },
}

/// Where the host facts come from: a live scan of a root, or an inventory file.
#[derive(Debug, Args, Clone, Default)]
pub struct HostSource {
    /// Read the host as if DIR were `/` (processes from DIR/proc, files from DIR/...).
    #[arg(long, value_name = "DIR", conflicts_with = "inventory")]
    pub root: Option<PathBuf>,
    /// Use an inventory written by `discover` (YAML or JSON) instead of scanning.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DataFormat {
    #[default]
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Read the host as if DIR were `/`.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    #[arg(long, value_enum, default_value_t = DataFormat::Yaml)]
    pub format: DataFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Record the sha256 of every discovered executable.
    #[arg(long)]
    pub hash: bool,
    /// Cache of hashes keyed by device, inode, size and mtime, reused between runs.
    #[arg(long, value_name = "FILE", requires = "hash")]
    pub hash_cache: Option<PathBuf>,
    /// Site overlay whose paths are probed too (as for `check`). Repeatable.
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Yaml,
    Prometheus,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: HostSource,
    /// Site overlay: add entries, override one by id, or disable one with a reason. Repeatable.
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
    /// State file: report what changed since the last check, then record this one.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Output format (default: table).
    #[arg(long, value_enum)]
    pub format: Option<CheckFormat>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Hash discovered executables (to notice a replaced binary through the state file).
    #[arg(long)]
    pub hash: bool,
    /// Table: list present, absent and disabled entries too (by default only their counts).
    #[arg(long)]
    pub all: bool,
    /// Table: everything (as --all), every found value, and each warning in full.
    #[arg(short, long)]
    pub verbose: bool,
    /// Accept a host with no ELMA365 component at all (otherwise exit 2: wrong host or --root?).
    #[arg(long)]
    pub allow_empty: bool,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Vendor to render for (see `avexclude vendors`). Repeatable.
    #[arg(long = "vendor", value_name = "NAME", required = true)]
    pub vendors: Vec<String>,
    #[command(flatten)]
    pub source: HostSource,
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
    /// Output directory; files go to OUT/<vendor>/.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Extra vendor definitions (a folder per vendor) that add to or override the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub vendors_dir: Option<PathBuf>,
    /// Write versioned entries drift-proof (`erts-*`) where the product supports wildcards.
    #[arg(long)]
    pub wildcards: bool,
    /// Write this high-risk entry although it exempts a shell, interpreter or system path.
    #[arg(long = "allow-risk", value_name = "ID")]
    pub allow_risk: Vec<String>,
    /// Also print, on stderr, each value not written as found (held back, narrowed, refused,
    /// not expressible) with why.
    #[arg(short, long)]
    pub verbose: bool,
    /// Set a vendor parameter, e.g. `drweb.version=10.0` (no ExcludedProc), `kesl.version=11.4`,
    /// `clamav.version=1.5` (regex OnAccessExcludePath). Repeatable.
    #[arg(long = "vendor-param", value_name = "NAME.KEY=VALUE")]
    pub vendor_params: Vec<String>,
    /// State file of this host: record what was written, and have the apply scripts remove what
    /// an earlier render added and the host no longer needs.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Accept a host with no ELMA365 component at all (otherwise exit 2: wrong host or --root?).
    #[arg(long)]
    pub allow_empty: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["all", "items"])))]
pub struct AcceptArgs {
    #[command(flatten)]
    pub source: HostSource,
    /// Site overlay of the catalog (repeatable), as for `check`.
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
    /// The state file of this host (as for `check --state` and `render --state`).
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,
    /// Why these findings need no exclusion (or are covered otherwise); recorded with who and when.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Accept every unlisted finding of this host.
    #[arg(long, conflicts_with = "items")]
    pub all: bool,
    /// Findings to accept, by value (`3000/tcp`, `/usr/bin/valkey-server`) or id (`port:3000/tcp`).
    #[arg(value_name = "ITEM")]
    pub items: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The product whose configuration is read (see `avexclude vendors`).
    #[arg(long, value_name = "NAME")]
    pub vendor: String,
    /// Read the configuration from this exported file instead of the installed product
    /// (clamd.conf; kesl-control --get-settings output; drweb-ctl cfshow output or drweb.ini;
    /// mdatp_managed.json or mdatp exclusion list output; ESET cfg --export-xml).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub source: HostSource,
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    #[arg(long, value_name = "DIR")]
    pub vendors_dir: Option<PathBuf>,
    /// Set a vendor parameter, e.g. `clamav.version=1.4.3` (judged as that version).
    #[arg(long = "vendor-param", value_name = "NAME.KEY=VALUE")]
    pub vendor_params: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Markdown,
    Html,
    Json,
}

/// The language of human output: a library type (`crate::i18n`), so stages need no CLI type.
pub use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Inventory of one host, or a report of `check --format json|yaml` (repeat for a fleet).
    #[arg(long = "inventory", value_name = "FILE", conflicts_with = "root")]
    pub inventories: Vec<PathBuf>,
    /// Scan this root instead of reading inventories.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Site overlay of the catalog (repeatable), as for `check`.
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
    /// csv (UTF-8 with BOM, for spreadsheets), markdown, html (self-contained page) or json.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Previous export state: mark what changed since.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Mark an inventory older than this many days as stale.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub stale_after: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct VendorsArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    #[arg(long, value_name = "DIR")]
    pub vendors_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ShowFormat {
    #[default]
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCmd {
    /// Print the effective catalog (built-in plus overlays).
    Show {
        #[arg(long = "catalog", value_name = "FILE")]
        catalogs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
    /// Validate the catalog and overlays; errors name file:line:column (exit 2).
    Lint {
        #[arg(long = "catalog", value_name = "FILE")]
        catalogs: Vec<PathBuf>,
    },
}
