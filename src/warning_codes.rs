//! The one registry of warning codes: every [`crate::model::Warning`] the program writes (a scan's
//! partial results, a value render leaves out, a stale inventory) carries one of these codes, and
//! `catalog lint --codes` lists them beside the catalog's and the templates' diagnostic codes.
//!
//! Why an enum: a code is what scripts, the check table's counts and translations key on, so a
//! misspelled one must not compile, and no two warnings may share a spelling. The inventory and
//! report keep the code as its string ([`crate::model::Warning::code`]): an inventory written by
//! another version, with a code this one does not know, still loads.

use serde::{Deserialize, Serialize};

macro_rules! warning_codes {
    ($( $(#[$m:meta])* $v:ident = $code:literal : $what:literal, )*) => {
        /// A warning code; its string form (`as_str`, and serde) is the stable kebab-case code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum WarnCode {
            $( $(#[$m])* #[serde(rename = $code)] $v, )*
        }

        impl WarnCode {
            /// Every code, in registry order.
            pub const ALL: &'static [WarnCode] = &[$(WarnCode::$v,)*];

            /// The stable code string (`process-vanished`).
            pub const fn as_str(self) -> &'static str {
                match self { $(WarnCode::$v => $code,)* }
            }

            /// One line on what the warning means (`catalog lint --codes`).
            pub const fn description(self) -> &'static str {
                match self { $(WarnCode::$v => $what,)* }
            }

            /// The code of a string, if it is one of ours.
            pub fn parse(s: &str) -> Option<WarnCode> {
                match s { $($code => Some(WarnCode::$v),)* _ => None }
            }
        }

        /// `(code, description)` of every warning, for the code listing.
        pub const WARNING_CODES: &[(&str, &str)] = &[$(($code, $what),)*];
    };
}

warning_codes! {
    // discovery: the scan's own view
    NotRoot = "not-root":
        "not run as root: other users' processes show no executable, cwd, sockets or mounts",
    ProcUnreadable = "proc-unreadable": "the process table (/proc) could not be listed",
    ProcessVanished = "process-vanished": "a process exited during the scan; it is left out",
    ProcEntryRefused = "proc-entry-refused":
        "a /proc/PID that is a link or not a directory: nothing of it is read",
    PermissionDenied = "permission-denied": "files of some processes were not readable",
    NotARegularFile = "not-a-regular-file":
        "a FIFO, device or socket where a file was expected: skipped, never opened",
    UnreadableProcFile = "unreadable-proc-file": "a /proc file could not be read",
    MalformedProcFile = "malformed-proc-file":
        "a /proc file did not parse; its malformed lines were skipped",
    ProcFileMissing = "proc-file-missing":
        "a /proc socket table is missing: its listeners are not listed",
    CmdlineCut = "cmdline-cut": "a command line over 4 MiB: only its start was read",
    HostMountsUnreadable = "host-mounts-unreadable":
        "the host's mount table is unreadable: volume host sources cannot be mapped",
    ExeHostUnresolved = "exe-host-unresolved":
        "a container's executable was not found in its layers or volumes: no host path",
    HashFailed = "hash-failed": "an executable could not be hashed (--hash)",
    HashCacheInvalid = "hash-cache-invalid": "the hash cache could not be read; a new one is started",
    HashCacheUnwritable = "hash-cache-unwritable": "the hash cache could not be written",
    HostFactMissing = "host-fact-missing": "a host fact (hostname, OS, kernel) could not be read",
    ConfigNotRead = "config-not-read":
        "a config file named on a command line was not read (not a trusted regular file)",
    DataPathUntrusted = "data-path-untrusted":
        "a data directory was not used: untrusted executable, owner or a shared place",
    DataOwnerUnverified = "data-owner-unverified":
        "an offline copy keeps no owners: data directory ownership cannot be verified, none used",
    DataPathUnmapped = "data-path-unmapped":
        "a container's data directory has no host location that could be worked out",
    // render: values left out of a vendor's files
    NotExpressible = "not-expressible": "a value this product cannot express: not written",
    PartlyExpressible = "partly-expressible": "written, but the product applies it only in part",
    RefusedValue = "refused-value": "a value the file format cannot carry safely: not written",
    HeldBack = "held-back": "a high-risk value held back unless --allow-risk names its entry",
    UnknownId = "unknown-id": "--allow-risk names no entry of the report",
    // export
    StaleInventory = "stale-inventory": "an inventory older than --stale-after days",
    // read, not written: inventories of older versions that could not see the host
    ProcMissing = "proc-missing": "(older inventories) no /proc under the root: a blind scan",
    ProcSymlink = "proc-symlink": "(older inventories) /proc was a symlink: a blind scan",
    DiscoveryFailed = "discovery-failed": "(older inventories) discovery failed: a blind scan",
}

impl std::fmt::Display for WarnCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in WarnCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} listed twice");
            assert!(
                s.split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{s} is not kebab-case"
            );
            assert_eq!(WarnCode::parse(s), Some(c));
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{s}\""));
            assert!(!c.description().is_empty());
        }
        assert_eq!(WARNING_CODES.len(), WarnCode::ALL.len());
        // the catalog's and the templates' diagnostics use other codes
        for (c, _) in crate::catalog::diags::CODES
            .iter()
            .chain(crate::render::vendor::TEMPLATE_CODES)
        {
            assert!(
                WarnCode::parse(c).is_none(),
                "{c} is a diagnostic and a warning"
            );
        }
    }

    #[test]
    fn no_warning_is_written_with_a_literal_code() {
        // every warning goes through `Warning::new(WarnCode, ..)`; a struct literal or a string
        // passed where a code goes would bypass the registry
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src];
        let mut bad = Vec::new();
        let mut files = 0;
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                files += 1;
                let text = std::fs::read_to_string(&p).unwrap();
                let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
                for pat in [
                    "Warning::new(\"",
                    "Warning { code: \"",
                    ".warn(\"",
                    "code: \"",
                    "w.code == \"",
                    "code != \"",
                ] {
                    if squeezed.contains(pat) {
                        bad.push(format!("{}: {pat}", p.display()));
                    }
                }
            }
        }
        assert!(files > 50, "the sources were not found");
        assert!(
            bad.is_empty(),
            "warning codes written as literals: {bad:#?}"
        );
    }
}
