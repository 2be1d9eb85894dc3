//! Step 1 of grouping: which rows are the same exclusion across hosts ([`group_key`]), and how
//! one host's row of it looks for comparison with other hosts ([`signature`]).

use super::{Row, RowStatus, Section};

/// The identity of an exclusion across hosts: the entry id, or for unlisted findings the kind and
/// value (the same unlisted data dir on two hosts is one finding).
pub fn group_key(r: &Row) -> String {
    if r.section == Section::Unlisted {
        format!("{}\u{1f}{}", r.entry_id, r.value.display())
    } else {
        r.entry_id.to_string()
    }
}

/// How a host's row looks for comparison with other hosts: value, status, drift and hash; not the
/// pid or command line, which differ on every host.
pub fn signature(r: &Row) -> String {
    let mut s = r.value.display();
    // Where a host process runs from (a symlink's target) is part of its form; a container's
    // overlay path is not (snapshot numbers and layer ids differ on every node), nor the process
    // holding a port.
    let process = r.kind.starts_with("process");
    if let (true, Some(h), None) = (process, &r.host_path, &r.container_path)
        && h != &r.value
    {
        s.push_str(" -> ");
        s.push_str(&h.display());
    }
    if r.status == RowStatus::Drifted {
        s.push_str(" [drifted");
        if let Some(d) = &r.drift {
            s.push_str(": ");
            s.push_str(d);
        }
        s.push(']');
    }
    if let Some(h) = &r.sha256 {
        s.push_str(" sha256:");
        s.push_str(h.get(..12).unwrap_or(h));
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::HostStr;

    /// A bare row for the grouping tests.
    pub fn row(host: &str, entry: &str, value: &str, status: RowStatus) -> Row {
        Row {
            host: host.into(),
            section: Section::Exclusion,
            entry_id: entry.into(),
            canonical: "".into(),
            value: HostStr::from(value),
            host_path: None,
            container_path: None,
            kind: "process-path".into(),
            component: "c".into(),
            status,
            drift: None,
            disabled: None,
            reason: Default::default(),
            risk: None,
            risk_why: Default::default(),
            pid: None,
            cmdline: None,
            container: None,
            namespace: None,
            sha256: None,
            via: String::new(),
            source: std::sync::Arc::new(crate::model::SourceRef {
                origin: crate::model::Origin::Vendor,
                overridden_by: Vec::new(),
                document: String::new(),
                section: None,
            }),
            differs: false,
            fleet_baseline: None,
            change: None,
            antivirus: String::new(),
            marks: Default::default(),
        }
    }

    #[test]
    fn unlisted_findings_group_by_value_entries_by_id() {
        let a = row("a", "proc-x", "/x", RowStatus::Present);
        let b = row("b", "proc-x", "/y", RowStatus::Present);
        assert_eq!(group_key(&a), group_key(&b));
        let mut u1 = row("a", "unlisted:port", "3000/tcp", RowStatus::Unlisted);
        u1.section = Section::Unlisted;
        let mut u2 = u1.clone();
        u2.value = HostStr::from("3001/tcp");
        assert_ne!(group_key(&u1), group_key(&u2));
    }

    #[test]
    fn signature_keeps_value_drift_and_hash_but_not_pid_or_overlay_path() {
        let mut a = row("a", "e", "/opt/x", RowStatus::Drifted);
        a.drift = Some("erts 12 -> 13".into());
        a.sha256 = Some("0123456789abcdef".into());
        a.pid = Some(1);
        a.host_path = Some(HostStr::from("/var/lib/snap/1/fs/opt/x"));
        a.container_path = Some(HostStr::from("/opt/x"));
        let mut b = a.clone();
        b.pid = Some(2);
        b.host_path = Some(HostStr::from("/var/lib/snap/2/fs/opt/x"));
        assert_eq!(signature(&a), signature(&b));
        assert_eq!(
            signature(&a),
            "/opt/x [drifted: erts 12 -> 13] sha256:0123456789ab"
        );
        // A host process behind a symlink: where it runs from is part of its form.
        let mut c = row("c", "e", "/usr/bin/redis-server", RowStatus::Present);
        c.host_path = Some(HostStr::from("/usr/bin/redis-check-rdb"));
        assert_eq!(
            signature(&c),
            "/usr/bin/redis-server -> /usr/bin/redis-check-rdb"
        );
    }
}
