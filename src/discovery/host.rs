//! Host facts: hostname, OS, kernel, machine id; users from `/etc/passwd`; the scan time.
//! A live scan asks the kernel (sysinfo) for hostname and kernel; with `--root` they come from
//! `DIR/etc/hostname` and `DIR/proc/sys/kernel/osrelease`. The OS is `PRETTY_NAME` of os-release
//! in both cases (sysinfo reads the same file).

use std::collections::HashMap;

use crate::model::WarnCode;
use crate::model::{HostFacts, Warning};

use super::fs::Root;
use super::proc::ProcFs;

pub fn host_facts(root: &Root, proc: &ProcFs, warnings: &mut Vec<Warning>) -> HostFacts {
    let text = |p: &str| {
        root.read(p.as_bytes(), 1 << 16)
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let (hostname, kernel) = if root.live {
        (
            sysinfo::System::host_name().unwrap_or_default(),
            sysinfo::System::kernel_version().unwrap_or_default(),
        )
    } else {
        (
            text("/etc/hostname").unwrap_or_default(),
            proc.read_sys("sys/kernel/osrelease")
                .map(|b| String::from_utf8_lossy(&b).trim().to_string())
                .unwrap_or_default(),
        )
    };
    let os = text("/etc/os-release")
        .or_else(|| text("/usr/lib/os-release"))
        .and_then(|t| os_release_value(&t, "PRETTY_NAME"))
        .unwrap_or_default();
    for (what, v) in [("hostname", &hostname), ("OS", &os), ("kernel", &kernel)] {
        if v.is_empty() {
            warnings.push(Warning::new(
                WarnCode::HostFactMissing,
                format!("could not read the host's {what}"),
            ));
        }
    }
    HostFacts {
        hostname,
        os,
        kernel,
        machine_id: text("/etc/machine-id"),
        scanned_as_root: unsafe { libc::geteuid() } == 0,
    }
}

/// A value of os-release, unquoted.
pub fn os_release_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let v = l.strip_prefix(key)?.strip_prefix('=')?;
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
            .unwrap_or(v);
        Some(v.to_string())
    })
}

/// uid → user name from the root's `/etc/passwd`.
pub fn users(root: &Root) -> HashMap<u32, String> {
    let mut out = HashMap::new();
    if let Some(b) = root.read(b"/etc/passwd", 16 << 20) {
        for l in String::from_utf8_lossy(&b).lines() {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() >= 3
                && let Ok(uid) = f[2].parse::<u32>()
            {
                out.entry(uid).or_insert_with(|| f[0].to_string());
            }
        }
    }
    out
}

/// Now, as RFC 3339 UTC (`2026-11-24T17:39:32Z`).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn os_release() {
        let t = "NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n";
        assert_eq!(
            super::os_release_value(t, "PRETTY_NAME").unwrap(),
            "Ubuntu 22.04.4 LTS"
        );
        assert!(super::now_rfc3339().ends_with('Z'));
    }
}
