//! Step 4, for the documents people read: identical rows across hosts folded into one. A fleet of
//! copies of one host has one row per exclusion, with its hosts, instead of one per host; what
//! tells hosts apart (another value, drift, hash, a differing form, a change since the previous
//! export, what the antivirus receives) keeps rows apart. Evidence that differs on every host
//! (pid, command line, container id) is shown for the first host only; CSV and JSON keep every
//! host's row.

use std::collections::HashMap;

use super::{Row, signature};

/// Rows of several hosts that are the same exclusion in the same form.
pub struct Folded<'a> {
    /// The first row (document order): its texts and evidence are shown.
    pub first: &'a Row,
    /// Hosts with this row, in document order, each once.
    pub hosts: Vec<&'a str>,
}

/// What must be equal for two rows to fold.
fn key(r: &Row) -> String {
    let mut k = String::with_capacity(96);
    k.push_str(r.section.as_str());
    k.push('\u{1f}');
    k.push_str(&r.entry_id);
    k.push('\u{1f}');
    k.push_str(r.status.as_str());
    k.push('\u{1f}');
    k.push_str(&signature(r));
    k.push('\u{1f}');
    k.push(if r.differs { '1' } else { '0' });
    if let Some(c) = &r.change {
        k.push('\u{1f}');
        k.push_str(c.action.as_str());
        k.push_str(&c.detail);
    }
    k.push('\u{1f}');
    k.push_str(&r.antivirus);
    k
}

/// Fold `rows` (already in document order) keeping the order of first appearance.
pub fn fold<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Vec<Folded<'a>> {
    let mut out: Vec<Folded<'a>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let k = key(r);
        match at.get(&k) {
            Some(&i) => {
                let f = &mut out[i];
                if f.hosts.last() != Some(&&*r.host) && !f.hosts.contains(&&*r.host) {
                    f.hosts.push(&r.host);
                }
            }
            None => {
                at.insert(k, out.len());
                out.push(Folded {
                    first: r,
                    hosts: vec![&r.host],
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::RowStatus;
    use super::super::signature::tests::row;
    use super::*;

    #[test]
    fn identical_rows_of_many_hosts_fold_into_one_with_every_host() {
        let mut rows = Vec::new();
        for h in ["a", "b", "c"] {
            let mut r = row(h, "e", "/x", RowStatus::Present);
            r.pid = Some(h.len() as i32 + 100); // evidence differs on every host
            rows.push(r);
        }
        rows.push(row("d", "e", "/y", RowStatus::Drifted));
        rows.push(row("a", "f", "", RowStatus::Absent));
        rows.push(row("b", "f", "", RowStatus::Absent));
        let f = fold(&rows);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].hosts, ["a", "b", "c"]);
        assert_eq!(f[1].hosts, ["d"]);
        assert_eq!(f[2].hosts, ["a", "b"]);
        assert_eq!(f[2].first.status, RowStatus::Absent);
    }

    #[test]
    fn two_processes_of_one_host_name_it_once_and_differing_hosts_stay_apart() {
        let a1 = row("a", "nginx", "nginx: worker process", RowStatus::Present);
        let a2 = a1.clone();
        let mut b = a1.clone();
        b.host = "b".into();
        b.differs = true;
        let rows = [a1, a2, b];
        let f = fold(&rows);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].hosts, ["a"]);
        assert_eq!(f[1].hosts, ["b"]);
    }
}
