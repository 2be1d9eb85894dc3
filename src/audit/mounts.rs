//! The host's mount table (`/proc/self/mountinfo`), read bounded: what clamonacc's directory walk
//! trips over. An `OnAccessIncludePath` that contains a mount point of another device with
//! subdirectories makes the walk fail and protect nothing (measured on ClamAV 1.4.3 and 1.4.6,
//! `../research/container-paths-clamav-1.4.6.md` §1).

use std::io::Read;

/// One mount: where it is, and its filesystem type and device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub point: String,
    pub fstype: String,
    /// `major:minor`.
    pub dev: String,
}

/// Most a mount table is read (a node with thousands of pods stays far below).
const MAX_BYTES: u64 = 8 << 20;

/// `\040`-style octal escapes of mountinfo, undone (discovery's decoder, as text).
fn unescape(s: &str) -> String {
    String::from_utf8_lossy(&crate::discovery::container::unescape(s.as_bytes())).into_owned()
}

/// Parse mountinfo text (`ID PARENT MAJ:MIN ROOT POINT OPTS ... - FSTYPE SRC OPTS`).
pub fn parse(text: &str) -> Vec<Mount> {
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        if f.len() < 7 {
            continue;
        }
        let Some(dash) = f.iter().position(|x| *x == "-") else {
            continue;
        };
        let Some(fstype) = f.get(dash + 1) else {
            continue;
        };
        out.push(Mount {
            point: unescape(f[4]),
            fstype: (*fstype).to_string(),
            dev: f[2].to_string(),
        });
    }
    out
}

/// The live host's mount table, from the calling process's view.
pub fn read_live() -> std::io::Result<Vec<Mount>> {
    let f = std::fs::File::open("/proc/self/mountinfo")?;
    let mut s = String::new();
    f.take(MAX_BYTES).read_to_string(&mut s)?;
    Ok(parse(&s))
}

/// Mount points other than `/` and the kernel's pseudo filesystems, sorted and unique: the ones
/// an `OnAccessIncludePath` may not contain.
pub fn trap_points(mounts: &[Mount]) -> Vec<String> {
    const PSEUDO: &[&str] = &[
        "proc",
        "sysfs",
        "cgroup",
        "cgroup2",
        "devpts",
        "mqueue",
        "securityfs",
        "debugfs",
        "tracefs",
        "pstore",
        "bpf",
        "configfs",
        "fusectl",
        "hugetlbfs",
        "autofs",
        "binfmt_misc",
        "nsfs",
        "efivarfs",
    ];
    let mut v: Vec<String> = mounts
        .iter()
        .filter(|m| m.point != "/" && !PSEUDO.contains(&m.fstype.as_str()))
        .filter(|m| !["/proc", "/sys", "/dev"].iter().any(|p| under(&m.point, p)))
        .map(|m| m.point.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Whether `path` is `dir` or below it, by whole components.
pub fn under(path: &str, dir: &str) -> bool {
    let d = dir.trim_end_matches('/');
    if d.is_empty() {
        return path.starts_with('/');
    }
    path == d || path.strip_prefix(d).is_some_and(|r| r.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mountinfo_with_escapes_and_optional_fields() {
        let t = "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n\
                 30 22 0:40 / /var/lib/kubelet/pods/u/volumes/kubernetes.io~secret/a\\040b rw - tmpfs tmpfs rw\n\
                 31 22 0:5 / /proc rw - proc proc rw\n";
        let m = parse(t);
        assert_eq!(m.len(), 3);
        assert_eq!(
            m[1].point,
            "/var/lib/kubelet/pods/u/volumes/kubernetes.io~secret/a b"
        );
        assert_eq!(m[1].fstype, "tmpfs");
        assert_eq!(
            trap_points(&m),
            vec!["/var/lib/kubelet/pods/u/volumes/kubernetes.io~secret/a b".to_string()]
        );
        assert!(under("/var/lib/x", "/var/lib"));
        assert!(!under("/var/lib2", "/var/lib"));
        assert!(under("/anything", "/"));
    }
}
