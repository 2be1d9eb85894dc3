//! The one integration-test binary: every file beside this one is a module of it, so the suite
//! links once instead of once per file (`autotests = false` in Cargo.toml). Shared helpers live in
//! `support/`. Run one area with a filter: `cargo test --test tests render_hosts::`.
//! Run a program with `support::avexclude()` (or `support::TestCommand::new(prog)`): a bounded
//! run whose failed expectations (`assert_exit`, `stdout_json`, ...) print the command line, exit,
//! stdout and stderr; `{ran}` in an assertion message prints the same report.
#![allow(clippy::too_many_arguments)]

mod support;

mod audit_cli;
mod catalog_fuzz;
mod catalog_lint;
mod catalog_seed;
mod check_hosts;
mod check_table;
mod clamav_eicar;
mod cli_help;
mod cli_help_ru;
mod deploy_ansible;
mod deploy_deb;
mod deploy_kubernetes;
mod deploy_systemd;
mod discover_example;
mod discover_hash;
mod discover_hosts;
mod discover_live;
mod discover_robust;
mod discover_roundtrip;
mod errors_ru;
mod export_cli;
mod export_fleet_e2e;
mod export_formats;
mod export_html;
mod export_markdown;
mod export_props;
mod export_review;
mod inputs_hostile;
mod lifecycle;
mod lifecycle_live;
mod live_daemons;
mod outputs_hostile;
mod release_files;
mod render_clamav;
mod render_clamav_real;
mod render_cli;
mod render_hostile;
mod render_hosts;
mod render_options;
mod render_risk;
mod render_snapshots;
mod render_summary;
mod render_views;
mod runtimes_catalog;
mod runtimes_live;
mod templates_hostile;
mod threat_discovery;
mod vendor_apply;
mod vendors_cli;
mod views_real;
