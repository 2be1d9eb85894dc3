//! avexclude: keeps antivirus exclusions right on ELMA365 on-premises hosts.
//!
//! The pipeline, one module per stage: [`discovery`] (host → [`model::Inventory`]), [`catalog`]
//! (the canonical exclusions and site overlays), [`check`] (inventory × catalog →
//! [`model::Report`]), [`render`] (report × vendor → files) and [`export`] (reports →
//! security-team documents). [`model`] holds every type that crosses a stage boundary; [`cli`]
//! is the command line.

pub mod atomic;
pub mod audit;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod discovery;
pub mod export;
pub mod i18n;
pub mod input;
pub mod inventory;
pub mod model;
pub mod render;
pub mod sanitize;
pub mod table;
pub mod warning_codes;
pub mod yaml;
