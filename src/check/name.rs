//! Process by name (`redis-server`, `sh`, `git daemon` as `git-daemon`) and by command-line title
//! (`nginx: worker process`). A name matches `comm` (which the kernel cuts to 15 bytes) or
//! argv[0]'s base name; a title matches the start of the command line at a word boundary. Both
//! resolve to the executable that really runs, which is what a product excluding by path needs.

use super::{Ctx, Found, Matcher, basename, invoked, process_match, replaced_drift};
use crate::model::{Entry, HostStr, Process};

/// Linux keeps 15 bytes of a process name in `comm` (TASK_COMM_LEN 16 with the NUL).
const COMM_LEN: usize = 15;

pub struct NameMatcher;
pub struct TitleMatcher;

/// Does this process go by `name`?
pub fn has_name(p: &Process, name: &str) -> bool {
    let n = name.as_bytes();
    let comm = p.comm.as_bytes();
    let comm_hit = if n.len() > COMM_LEN {
        comm == &n[..COMM_LEN]
    } else {
        comm == n
    };
    // a truncated comm alone is weak evidence for a long name: confirm with argv[0] when present
    if comm_hit && (n.len() <= COMM_LEN || p.cmdline.is_empty()) {
        return true;
    }
    invoked(p).is_some_and(|a0| basename(a0) == n)
}

fn push(found: &mut Found, p: &Process, via: &str) {
    let value = p
        .exe
        .clone()
        .or_else(|| invoked(p).map(|a| HostStr::from(a.to_vec())))
        .unwrap_or_else(|| p.comm.clone());
    found.matches.push(process_match(p, value, via));
    if let Some(r) = replaced_drift(p) {
        found.push_drift(r);
    }
}

impl Matcher for NameMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        for p in &ctx.procs {
            if has_name(p, &entry.pattern) {
                push(&mut found, p, "name");
            } else if entry.aliases.iter().any(|a| has_name(p, a)) {
                push(&mut found, p, "name alias");
            }
        }
        found
    }
}

/// Does the command line start with `title` (then a space or the end)?
pub fn has_title(p: &Process, title: &str) -> bool {
    let line = p.cmdline_joined();
    let l = line.as_bytes();
    let t = title.as_bytes();
    l.starts_with(t) && (l.len() == t.len() || l[t.len()] == b' ')
}

impl Matcher for TitleMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        for p in &ctx.procs {
            if has_title(p, &entry.pattern) {
                push(&mut found, p, "title");
            } else if entry.aliases.iter().any(|a| has_name(p, a)) {
                push(&mut found, p, "name alias");
            }
        }
        found
    }
}
