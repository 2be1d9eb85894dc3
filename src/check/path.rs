//! Directory or file: exists on the host (discovery records every catalog path it was asked
//! about in `filesystem.paths`, so an inventory can be checked away from the host). A versioned
//! path found with another version, or at an alternate location, has drifted.

use super::{Ctx, Found, Matcher, candidates, drift_for};
use crate::model::{Entry, EntryKind, HostStr, Match, Via};

pub struct PathMatcher;

fn trim_slash(b: &[u8]) -> &[u8] {
    if b.len() > 1 && b.ends_with(b"/") {
        &b[..b.len() - 1]
    } else {
        b
    }
}

impl Matcher for PathMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let (cands, canon) = candidates(entry, ctx);
        let want = if entry.kind == EntryKind::Directory {
            "directory"
        } else {
            "file"
        };
        let mut found = Found::default();
        // facts: the recorded paths, plus the container storage roots discovery found
        let facts = ctx
            .inv
            .filesystem
            .paths
            .iter()
            .map(|p| (p.path.as_bytes(), p.file_type.as_str(), p.resolved.as_ref()))
            .chain(
                ctx.inv
                    .filesystem
                    .container_storage
                    .iter()
                    .map(|s| (s.path.as_bytes(), "directory", None)),
            );
        let mut seen = std::collections::BTreeSet::new();
        for (path, ftype, resolved) in facts {
            let is_dir_link = ftype == "symlink" && want == "directory" && resolved.is_some();
            if ftype != want && !is_dir_link {
                continue;
            }
            let bare = trim_slash(path);
            if !seen.insert(bare.to_vec()) {
                continue;
            }
            for c in &cands {
                let t = c.text.trim_end_matches('/');
                let Ok(tp) = crate::catalog::Template::parse(t) else {
                    continue;
                };
                let Some(vals) = ctx.fit(&tp, bare) else {
                    continue;
                };
                let mut shown = bare.to_vec();
                if want == "directory" {
                    shown.push(b'/');
                }
                let value = HostStr::from(shown);
                for d in drift_for(ctx, entry, c, &vals, &canon, &value.display()) {
                    found.push_drift(d);
                }
                found.matches.push(Match {
                    value,
                    host_path: resolved.cloned(),
                    via: if ftype == "symlink" {
                        Via::Symlink
                    } else {
                        Via::PathExists
                    },
                    ..Match::default()
                });
            }
        }
        found
    }
}
