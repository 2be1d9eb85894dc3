//! Process by name (`redis-server`, `sh`, `git daemon` as `git-daemon`) and by command-line title
//! (`nginx: worker process`). A name matches `comm` (which the kernel cuts to 15 bytes) or
//! `argv[0]`'s base name; a title matches the start of the command line at a word boundary. Both
//! resolve to the executable that really runs, which is what a product excluding by path needs.
//!
//! A name and a title are whatever the process says (`exec -a`, `prctl(PR_SET_NAME)`, writing
//! over argv): they count only when the executable confirms them (threat model, PRODUCT.md): the
//! executable is trusted (discovery's verdict) and is that program (`nginx` for `nginx: worker
//! process`, `dash` for `sh`). Otherwise the process is `suspicious`, never a match.

use super::{Ctx, Found, Matcher, Suspect, basename, invoked, process_match, replaced_drift};
use crate::model::{Entry, HostStr, Process, Via};

/// Executables that legitimately run under another name: Debian's `/usr/bin/redis-server` is a
/// link to `redis-check-rdb`; `sh` is dash, bash or busybox.
const PROGRAM_FILES: &[(&str, &[&str])] = &[
    (
        "sh",
        &["dash", "bash", "busybox", "ash", "mksh", "ksh", "zsh"],
    ),
    ("redis-server", &["redis-check-rdb"]),
    ("valkey-server", &["valkey-check-rdb"]),
    ("git-daemon", &["git"]),
];

/// The program a name or title stands for: `nginx` for `nginx: worker process`.
fn program_of(name: &str) -> &str {
    name.split(':').next().unwrap_or(name).trim()
}

/// Is the process's executable the program called `name` (and trusted)? `Err(why)` if not.
pub fn confirmed(p: &Process, names: &[&str]) -> Result<(), String> {
    if !p.trusted() {
        return Err(p.distrust());
    }
    let Some(exe) = p.exe.as_ref() else {
        return Err("no executable".into());
    };
    let file = basename(exe.as_bytes());
    let ok = names.iter().map(|n| program_of(n)).any(|n| {
        file == n.as_bytes()
            || PROGRAM_FILES
                .iter()
                .any(|(k, files)| *k == n && files.iter().any(|f| f.as_bytes() == file))
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "its executable {} is not {}",
            exe.display(),
            names
                .iter()
                .map(|n| program_of(n))
                .collect::<Vec<_>>()
                .join(" or ")
        ))
    }
}

fn names_of(entry: &Entry) -> Vec<&str> {
    std::iter::once(entry.pattern.as_str())
        .chain(entry.aliases.iter().map(String::as_str))
        .collect()
}

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

fn push(found: &mut Found, p: &Process, via: Via) {
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

/// A name or title hit: a match if the executable confirms it, else a suspect.
fn hit(found: &mut Found, entry: &Entry, p: &Process, via: Via) {
    match confirmed(p, &names_of(entry)) {
        Ok(()) => push(found, p, via),
        Err(why) => found.suspicious.push(Suspect::of(p, why)),
    }
}

impl Matcher for NameMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        for p in &ctx.procs {
            if has_name(p, &entry.pattern) {
                hit(&mut found, entry, p, Via::Name);
            } else if entry.aliases.iter().any(|a| has_name(p, a)) {
                hit(&mut found, entry, p, Via::NameAlias);
            }
        }
        found
    }
}

/// Does the command line start with `title` (then a space or the end)? Compares the arguments
/// in place (no joined copy): linear in the title, whatever the size of the command line.
pub fn has_title(p: &Process, title: &str) -> bool {
    let mut t = title.as_bytes();
    let mut args = p.cmdline.iter().peekable();
    while let Some(a) = args.next() {
        let a = a.as_bytes();
        if t.len() <= a.len() {
            // the title ends inside this argument: at its end, or before a space
            return a.starts_with(t) && (a.len() == t.len() || a[t.len()] == b' ');
        }
        if !t.starts_with(a) || t[a.len()] != b' ' {
            return false;
        }
        t = &t[a.len() + 1..];
        if args.peek().is_none() {
            return false; // the title goes on past the last argument (or ends in a space)
        }
    }
    t.is_empty()
}

impl Matcher for TitleMatcher {
    fn find(&self, entry: &Entry, ctx: &Ctx<'_>) -> Found {
        let mut found = Found::default();
        for p in &ctx.procs {
            if has_title(p, &entry.pattern) {
                hit(&mut found, entry, p, Via::Title);
            } else if entry.aliases.iter().any(|a| has_name(p, a)) {
                hit(&mut found, entry, p, Via::NameAlias);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Trust;

    fn p(exe: &str, argv: &[&str], trusted: bool) -> Process {
        Process {
            pid: 7,
            comm: HostStr::from(exe.rsplit('/').next().unwrap_or(exe)),
            cmdline: argv.iter().map(|a| HostStr::from(*a)).collect(),
            exe: Some(exe.into()),
            trust: Some(Trust {
                trusted,
                why: if trusted { "ok" } else { "owned by uid 1777" }.into(),
            }),
            ..Process::default()
        }
    }

    #[test]
    fn names_and_titles_need_the_executable() {
        let ngx = p("/usr/sbin/nginx", &["nginx: worker process"], true);
        assert!(confirmed(&ngx, &["nginx: worker process"]).is_ok());
        // any binary may call itself so: the executable says otherwise
        let fake = p("/usr/bin/sleep", &["nginx: worker process"], true);
        assert!(confirmed(&fake, &["nginx: worker process"]).is_err());
        // the right name, but a file a user could have written
        let planted = p("/dev/shm/x/nginx", &["nginx: worker process"], false);
        let why = confirmed(&planted, &["nginx: worker process"]).unwrap_err();
        assert!(why.contains("uid 1777"), "{why}");
        // Debian's redis-server is redis-check-rdb; sh is dash
        assert!(confirmed(&p("/usr/bin/redis-check-rdb", &[], true), &["redis-server"]).is_ok());
        assert!(confirmed(&p("/usr/bin/dash", &[], true), &["sh"]).is_ok());
        assert!(confirmed(&p("/usr/bin/python3", &[], true), &["sh"]).is_err());
        // no verdict at all (an old inventory) is not trust
        let mut old = p("/usr/sbin/nginx", &[], true);
        old.trust = None;
        assert!(confirmed(&old, &["nginx"]).is_err());
    }

    #[test]
    fn titles_match_across_arguments_like_the_joined_line() {
        let t = p(
            "/usr/sbin/nginx",
            &["nginx:", "master", "process", "-g"],
            true,
        );
        assert!(has_title(&t, "nginx: master process"));
        assert!(has_title(&t, "nginx: master"));
        assert!(!has_title(&t, "nginx: mast"));
        assert!(!has_title(&t, "nginx: master process -g x"));
        assert!(!has_title(&t, "nginx: master process -g "));
        let one = p("/usr/sbin/nginx", &["nginx: worker process"], true);
        assert!(has_title(&one, "nginx: worker process"));
        assert!(!has_title(&one, "nginx: worker process "));
        // a huge argv[0] costs one comparison of the title's length
        let big = format!("nginx: worker process{}", "x".repeat(200_000));
        let huge = p("/usr/sbin/nginx", &[big.as_str()], true);
        assert!(!has_title(&huge, "nginx: worker process"));
    }
}
