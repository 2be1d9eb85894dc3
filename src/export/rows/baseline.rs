//! Step 2 of grouping: one exclusion across hosts. Each host's form is the sorted set of its rows'
//! [`super::signature`]s; the common form (the baseline) is the one most hosts share, and the
//! hosts with another form differ from the fleet.

use std::collections::{BTreeMap, BTreeSet};

use super::{Group, HostValues, Row, RowStatus, Section, signature};

/// The group of the rows `idx` (one exclusion on every host), host lists in input order (`rank`).
pub fn group_of(rows: &[Row], idx: &[usize], rank: &dyn Fn(&str) -> usize) -> Group {
    let first = &rows[idx[0]];
    // Per host: the sorted signatures of its found rows.
    let mut per_host: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut not_found: BTreeSet<&str> = BTreeSet::new();
    let mut drifted = false;
    for &i in idx {
        let r = &rows[i];
        drifted |= r.status == RowStatus::Drifted || r.status == RowStatus::Unlisted;
        if r.status.is_found() {
            per_host.entry(&r.host).or_default().push(signature(r));
        } else {
            not_found.insert(&r.host);
        }
    }
    for v in per_host.values_mut() {
        v.sort();
        v.dedup();
    }
    let (baseline, mut baseline_hosts) = choose(&per_host);
    // A rule (the databases' data directories) names different paths on every install by
    // nature: its values are listed, never called a difference.
    let is_rule = &*first.kind == "rule";
    if is_rule {
        baseline_hosts = per_host.keys().map(|h| h.to_string()).collect();
    }
    let in_baseline: BTreeSet<&str> = baseline_hosts.iter().map(String::as_str).collect();
    let mut differing: Vec<HostValues> = per_host
        .iter()
        .filter(|(h, _)| !is_rule && !in_baseline.contains(*h))
        .map(|(h, v)| HostValues {
            host: h.to_string(),
            values: v.clone(),
        })
        .collect();
    differing.sort_by_key(|d| rank(&d.host));
    baseline_hosts.sort_by_key(|h| rank(h));
    let mut nf: Vec<String> = not_found.iter().map(|s| s.to_string()).collect();
    nf.sort_by_key(|h| rank(h));
    Group {
        section: first.section,
        entry_id: first.entry_id.to_string(),
        canonical: first.canonical.to_string(),
        kind: first.kind.to_string(),
        component: first.component.to_string(),
        risk: first.risk,
        baseline,
        baseline_hosts,
        differing,
        not_found: nf,
        drifted,
    }
}

/// The common form and its hosts: the form most hosts share; on a tie, the one with fewer drifted
/// values, then the first (so a 1:1 split puts the catalog-conforming host as the baseline).
pub fn choose(per_host: &BTreeMap<&str, Vec<String>>) -> (Vec<String>, Vec<String>) {
    let mut forms: Vec<(&Vec<String>, Vec<&str>)> = Vec::new();
    let mut at: BTreeMap<&Vec<String>, usize> = BTreeMap::new();
    for (h, sig) in per_host {
        match at.get(sig) {
            Some(&i) => forms[i].1.push(h),
            None => {
                at.insert(sig, forms.len());
                forms.push((sig, vec![h]));
            }
        }
    }
    let drift_count = |s: &Vec<String>| s.iter().filter(|x| x.contains(" [drifted")).count();
    let best = forms
        .iter()
        .enumerate()
        .max_by(|(ia, a), (ib, b)| {
            a.1.len()
                .cmp(&b.1.len())
                .then(drift_count(b.0).cmp(&drift_count(a.0)))
                .then(ib.cmp(ia))
        })
        .map(|(i, _)| i);
    match best {
        Some(i) => (
            forms[i].0.clone(),
            forms[i].1.iter().map(|s| s.to_string()).collect(),
        ),
        None => (Vec::new(), Vec::new()),
    }
}

/// A placeholder group (for moving groups out of a list).
pub fn empty() -> Group {
    Group {
        section: Section::Exclusion,
        entry_id: String::new(),
        canonical: String::new(),
        kind: String::new(),
        component: String::new(),
        risk: None,
        baseline: Vec::new(),
        baseline_hosts: Vec::new(),
        differing: Vec::new(),
        not_found: Vec::new(),
        drifted: false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::signature::tests::row;
    use super::*;

    fn forms<'a>(v: &[(&'a str, &[&str])]) -> BTreeMap<&'a str, Vec<String>> {
        v.iter()
            .map(|(h, s)| (*h, s.iter().map(|x| x.to_string()).collect()))
            .collect()
    }

    #[test]
    fn the_form_most_hosts_share_is_the_baseline() {
        let (b, hosts) = choose(&forms(&[("a", &["/x"]), ("b", &["/y"]), ("c", &["/y"])]));
        assert_eq!(b, ["/y"]);
        assert_eq!(hosts, ["b", "c"]);
    }

    #[test]
    fn a_tie_goes_to_the_form_without_drift() {
        let (b, hosts) = choose(&forms(&[
            ("a", &["/x [drifted: path /y -> /x]"]),
            ("b", &["/y"]),
        ]));
        assert_eq!(b, ["/y"]);
        assert_eq!(hosts, ["b"]);
    }

    #[test]
    fn hosts_of_another_form_differ_and_absent_hosts_are_listed_apart() {
        let rows = vec![
            row("h1", "e", "/a", RowStatus::Present),
            row("h2", "e", "/b", RowStatus::Drifted),
            row("h3", "e", "/a", RowStatus::Present),
            row("h4", "e", "", RowStatus::Absent),
        ];
        let rank = |h: &str| h[1..].parse::<usize>().unwrap_or(0);
        let g = group_of(&rows, &[0, 1, 2, 3], &rank);
        assert_eq!(g.baseline_hosts, ["h1", "h3"]);
        assert_eq!(g.differing.len(), 1);
        assert_eq!(g.differing[0].host, "h2");
        assert_eq!(g.not_found, ["h4"]);
        assert!(g.drifted);
    }

    #[test]
    fn a_rule_lists_values_and_never_calls_them_different() {
        let mut rows = vec![
            row("h1", "e", "/data/1", RowStatus::Present),
            row("h2", "e", "/data/2", RowStatus::Present),
        ];
        for r in &mut rows {
            r.kind = "rule".into();
        }
        let g = group_of(&rows, &[0, 1], &|_| 0);
        assert!(g.differing.is_empty());
        assert_eq!(g.baseline_hosts.len(), 2);
    }
}
