//! The on-disk shape of a catalog file (`exclusions/*.yaml`, site overlays): unchecked values as
//! written, before the loader validates them into [`crate::model::Entry`].

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{EntryKind, Origin, Risk, Text};

crate::model::closed_set! {
    /// The origins a catalog file may give: [`Origin`] but `discovery`, which marks a finding in
    /// no catalog.
    pub enum FileOrigin ("origin") {
        Vendor = "vendor",
        Avexclude = "avexclude",
        Site = "site",
        Deckhouse = "deckhouse",
    }
}

impl From<FileOrigin> for Origin {
    fn from(o: FileOrigin) -> Origin {
        match o {
            FileOrigin::Vendor => Origin::Vendor,
            FileOrigin::Avexclude => Origin::Avexclude,
            FileOrigin::Site => Origin::Site,
            FileOrigin::Deckhouse => Origin::Deckhouse,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub schema: u32,
    #[serde(default)]
    pub document: Option<String>,
    /// Default origin of the file's entries (`site` when not given).
    #[serde(default)]
    pub origin: Option<FileOrigin>,
    /// Default for the file's entries: listed for a port audit, never rendered.
    #[serde(default)]
    pub audit_only: Option<bool>,
    #[serde(default)]
    pub placeholders: BTreeMap<String, PlaceholderFile>,
    #[serde(default)]
    pub entries: Vec<EntryFile>,
    #[serde(default, rename = "override")]
    pub overrides: Vec<OverrideFile>,
    #[serde(default)]
    pub disable: Vec<DisableFile>,
    /// The site's ELMA365 namespaces; each list given replaces the one before.
    #[serde(default)]
    pub namespaces: Option<NamespacesFile>,
    /// The document's entries apply only on this platform (`{platform: deckhouse}`).
    #[serde(default)]
    pub applies_when: Option<AppliesWhenFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamespacesFile {
    #[serde(default)]
    pub application: Option<Vec<String>>,
    #[serde(default)]
    pub databases: Option<Vec<String>>,
    #[serde(default)]
    pub other: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceholderFile {
    pub label: String,
    /// Checked into [`crate::model::Shape`] by the loader (diagnostic `bad-shape`).
    pub shape: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryFile {
    pub id: String,
    pub kind: EntryKind,
    pub canonical: String,
    #[serde(rename = "match")]
    pub pattern: String,
    #[serde(default)]
    pub alternates: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub component: String,
    pub section: String,
    pub reason: Text,
    pub risk: Risk,
    pub risk_why: Text,
    #[serde(default)]
    pub origin: Option<FileOrigin>,
    #[serde(default)]
    pub audit_only: Option<bool>,
}

/// An overlay's change to one entry: every field but `id` optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideFile {
    pub id: String,
    #[serde(default)]
    pub kind: Option<EntryKind>,
    #[serde(default)]
    pub canonical: Option<String>,
    #[serde(default, rename = "match")]
    pub pattern: Option<String>,
    #[serde(default)]
    pub alternates: Option<Vec<String>>,
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub section: Option<String>,
    #[serde(default)]
    pub reason: Option<Text>,
    #[serde(default)]
    pub risk: Option<Risk>,
    #[serde(default)]
    pub risk_why: Option<Text>,
    #[serde(default)]
    pub audit_only: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisableFile {
    pub id: String,
    pub reason: String,
}

/// `applies_when:` of a document: the platform its entries belong to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesWhenFile {
    pub platform: String,
}
