//! The risk gate: an exclusion that exempts every shell, an interpreter or a system directory is
//! written only with `--allow-risk ID`, or in a narrower form the product can express.
//!
//! The catalog rates each entry, but a concrete value can be riskier than its entry: the rule
//! "internal ELMA365 processes" may resolve to `/usr/bin/node`. So each value is rated again here,
//! and the higher of the two ratings counts.

use crate::model::Risk;

/// Shells: excluding one exempts every script on the host.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "pdksh", "csh", "tcsh", "fish", "busybox",
];

/// Interpreters and runtimes that run whatever code they are given.
pub const INTERPRETERS: &[&str] = &[
    "node", "nodejs", "deno", "bun", "python", "python2", "python3", "perl", "ruby", "php", "java",
    "lua", "luajit", "pwsh", "tclsh", "wish", "Rscript", "env",
];

/// Directories whose exclusion exempts the system itself.
pub const SYSTEM_DIRS: &[&str] = &[
    "/",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/usr",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/local/lib",
    "/usr/share",
    "/etc",
    "/var",
    "/var/lib",
    "/var/tmp",
    "/var/log",
    "/opt",
    "/home",
    "/root",
    "/tmp",
    "/boot",
    "/dev",
    "/proc",
    "/sys",
    "/run",
    "/srv",
    "/snap",
    "/var/snap",
    "/mnt",
    "/media",
];

/// The program's own name: the last component, without the ` (deleted)` the kernel appends to a
/// replaced executable (`/bin/busybox (deleted)` is busybox, a shell) however often it is there.
fn basename(path: &str) -> &str {
    let mut b = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    while let Some(s) = b.strip_suffix(" (deleted)") {
        b = s;
    }
    b
}

/// True for `python3.11`, `node18`, `perl5.36`: an interpreter name with a version suffix.
fn versioned_interpreter(name: &str) -> bool {
    INTERPRETERS.iter().any(|i| {
        name.strip_prefix(i).is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
    })
}

/// Why a concrete process executable is high risk, if it is.
pub fn process_risk(path_or_name: &str) -> Option<String> {
    let b = basename(path_or_name);
    if SHELLS.contains(&b) {
        Some(format!(
            "`{b}` is a shell: excluding it exempts every shell script on the host"
        ))
    } else if INTERPRETERS.contains(&b) || versioned_interpreter(b) {
        Some(format!(
            "`{b}` is an interpreter: excluding it exempts every program it runs"
        ))
    } else {
        None
    }
}

/// Why a directory is high risk, if it is.
pub fn directory_risk(path: &str) -> Option<String> {
    let mut norm = if path == "/" {
        "/".to_string()
    } else {
        path.trim_end_matches('/').to_string()
    };
    while let Some(s) = norm.strip_suffix(" (deleted)") {
        norm = s.trim_end_matches('/').to_string();
    }
    if norm.is_empty() || SYSTEM_DIRS.contains(&norm.as_str()) {
        Some(format!("`{path}` is a system directory"))
    } else {
        None
    }
}

/// Why a file is high risk: a system binary that is a shell or interpreter.
pub fn file_risk(path: &str) -> Option<String> {
    process_risk(path).or_else(|| directory_risk(path))
}

/// The higher of two ratings.
pub fn max(a: Risk, b: Risk) -> Risk {
    if a >= b { a } else { b }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_shells_interpreters_and_system_dirs() {
        assert!(process_risk("/bin/sh").is_some());
        assert!(process_risk("sh").is_some());
        assert!(process_risk("/usr/bin/dash").is_some());
        assert!(process_risk("node").is_some());
        assert!(process_risk("/usr/local/bin/node").is_some());
        assert!(process_risk("/usr/bin/python3.11").is_some());
        assert!(process_risk("/usr/lib/postgresql/15/bin/postgres").is_none());
        assert!(process_risk("/usr/sbin/nginx").is_none());
        assert!(process_risk("/opt/x/shell-tool").is_none());
        assert!(directory_risk("/usr/bin").is_some());
        assert!(directory_risk("/usr/bin/").is_some());
        assert!(directory_risk("/").is_some());
        assert!(directory_risk("/var/lib/postgresql/15/main").is_none());
        // a replaced binary as the kernel shows it is still the shell it was
        assert!(process_risk("/bin/busybox (deleted)").is_some());
        assert!(process_risk("/bin/busybox (deleted) (deleted)").is_some());
        assert!(file_risk("/usr/bin/bash (deleted)").is_some());
        assert!(directory_risk("/tmp (deleted)").is_some());
    }
}
