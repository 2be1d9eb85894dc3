//! Step 3 of grouping: the document order. Groups: by section, then groups with differing hosts,
//! then drifted or unlisted ones, then the rest, each in first-seen (catalog) order. Rows: by their
//! group, then differing hosts, hosts with the common form, hosts where nothing was found, each in
//! input order.

use super::{Group, Row};

/// Indices of `groups` in document order.
pub fn groups(groups: &[&Group]) -> Vec<usize> {
    let mut gi: Vec<usize> = (0..groups.len()).collect();
    gi.sort_by_key(|&i| {
        let g = groups[i];
        let class = if !g.differing.is_empty() {
            0
        } else if g.drifted {
            1
        } else {
            2
        };
        (g.section, class, i)
    });
    gi
}

/// Sort `rows` in place: `members[k]` are the row indices of the k-th group in document order;
/// rows must already carry their `differs` mark.
pub fn rows(rows: &mut [Row], members: &[&[usize]], rank: &dyn Fn(&str) -> usize) {
    let mut key: Vec<(usize, usize, usize, usize)> = vec![(usize::MAX, 0, 0, 0); rows.len()];
    for (pos, idx) in members.iter().enumerate() {
        for &ri in *idx {
            let r = &rows[ri];
            let place = if r.differs {
                0
            } else if r.status.is_found() {
                1
            } else {
                2
            };
            key[ri] = (pos, place, rank(&r.host), ri);
        }
    }
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by_key(|&i| key[i]);
    permute(rows, idx);
}

/// Put `rows[idx[k]]` at position `k`, in place (by following the permutation's cycles): a
/// second list of every row would double the export's memory for a moment.
fn permute<T>(rows: &mut [T], mut idx: Vec<usize>) {
    for start in 0..idx.len() {
        let mut cur = start;
        // Slot `cur` takes the row from `idx[cur]`; follow until the cycle closes.
        while idx[cur] != start {
            let next = idx[cur];
            rows.swap(cur, next);
            idx[cur] = cur;
            cur = next;
        }
        idx[cur] = cur;
    }
}

#[cfg(test)]
mod tests {
    use super::super::RowStatus;
    use super::super::baseline::empty;
    use super::super::signature::tests::row;
    use super::*;

    #[test]
    fn groups_with_differing_hosts_come_first_then_drifted() {
        let plain = empty();
        let mut drifted = empty();
        drifted.drifted = true;
        let mut differs = empty();
        differs.differing.push(super::super::HostValues {
            host: "h".into(),
            values: vec![],
        });
        assert_eq!(groups(&[&plain, &drifted, &differs]), [2, 1, 0]);
    }

    #[test]
    fn permute_puts_each_row_where_the_order_says() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        permute(&mut v, vec![3, 0, 4, 1, 2]);
        assert_eq!(v, ['d', 'a', 'e', 'b', 'c']);
        let mut w = vec![1, 2, 3];
        permute(&mut w, vec![0, 1, 2]);
        assert_eq!(w, [1, 2, 3]);
    }

    #[test]
    fn rows_follow_their_group_then_differing_found_absent_hosts() {
        let mut v = vec![
            row("h1", "a", "", RowStatus::Absent),
            row("h2", "a", "/x", RowStatus::Present),
            row("h3", "a", "/y", RowStatus::Drifted),
            row("h1", "b", "/z", RowStatus::Present),
        ];
        v[2].differs = true;
        let rank = |h: &str| h[1..].parse::<usize>().unwrap_or(0);
        // group b first, then a
        rows(&mut v, &[&[3], &[0, 1, 2]], &rank);
        let got: Vec<(&str, &str)> = v.iter().map(|r| (&*r.entry_id, &*r.host)).collect();
        assert_eq!(got, [("b", "h1"), ("a", "h3"), ("a", "h2"), ("a", "h1")]);
    }
}
