//! The data that crosses a stage boundary: inventory (discover → check), catalog (catalog → check,
//! render, export) and report (check → render, export).
//!
//! Everything here is serialisable to JSON and YAML so the stages can run on different machines:
//! collect on the host, decide centrally. Field names are part of the command-line contract
//! (`../shared/design/PRODUCT.md`); rename nothing without a schema bump.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::warning_codes::WarnCode;

/// Version of the inventory and report documents. Bumped on an incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------------------
// Host byte strings
// ---------------------------------------------------------------------------------------------

/// A path or argument read from the host: any bytes, not necessarily UTF-8.
///
/// Linux paths and command lines are byte strings; a hostile or merely odd name must survive the
/// round trip through an inventory file unchanged. Serialised as a plain string when it is valid
/// UTF-8, otherwise as `{"non_utf8_hex": "..."}` so nothing is lost or silently replaced.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HostStr(pub Vec<u8>);

impl HostStr {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        HostStr(bytes.into())
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// The value as UTF-8, or `None` where the host gave other bytes.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// A readable, single-line form for tables and messages: invalid bytes and control characters
    /// shown as `\xNN`, so a hostile value can never break a line of human output.
    pub fn display(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                if c.is_control() {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                } else if c == '\\' {
                    out.push_str("\\\\");
                } else {
                    out.push(c);
                }
            }
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    /// True if the value is UTF-8 and holds no control character (newline, CR, NUL, ESC...).
    pub fn is_clean_text(&self) -> bool {
        self.as_str()
            .is_some_and(|s| !s.chars().any(|c| c.is_control()))
    }
}

impl fmt::Debug for HostStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.display())
    }
}

impl fmt::Display for HostStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl From<&str> for HostStr {
    fn from(s: &str) -> Self {
        HostStr(s.as_bytes().to_vec())
    }
}
impl From<String> for HostStr {
    fn from(s: String) -> Self {
        HostStr(s.into_bytes())
    }
}
impl From<Vec<u8>> for HostStr {
    fn from(b: Vec<u8>) -> Self {
        HostStr(b)
    }
}
impl From<&std::path::Path> for HostStr {
    fn from(p: &std::path::Path) -> Self {
        use std::os::unix::ffi::OsStrExt;
        HostStr(p.as_os_str().as_bytes().to_vec())
    }
}
impl From<&std::ffi::OsStr> for HostStr {
    fn from(p: &std::ffi::OsStr) -> Self {
        use std::os::unix::ffi::OsStrExt;
        HostStr(p.as_bytes().to_vec())
    }
}
impl HostStr {
    /// The value as a filesystem path (exact bytes).
    pub fn to_path_buf(&self) -> std::path::PathBuf {
        use std::os::unix::ffi::OsStrExt;
        std::path::PathBuf::from(std::ffi::OsStr::from_bytes(&self.0))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum HostStrRepr {
    Text(String),
    Bytes { non_utf8_hex: String },
}

impl Serialize for HostStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(t) => s.serialize_str(t),
            Err(_) => {
                let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
                HostStrRepr::Bytes { non_utf8_hex: hex }.serialize(s)
            }
        }
    }
}

impl<'de> Deserialize<'de> for HostStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match HostStrRepr::deserialize(d)? {
            HostStrRepr::Text(t) => Ok(HostStr(t.into_bytes())),
            HostStrRepr::Bytes { non_utf8_hex } => {
                let h = non_utf8_hex.as_bytes();
                if h.len() % 2 != 0 {
                    return Err(serde::de::Error::custom("non_utf8_hex has an odd length"));
                }
                let mut out = Vec::with_capacity(h.len() / 2);
                for pair in h.chunks(2) {
                    let s = std::str::from_utf8(pair).map_err(serde::de::Error::custom)?;
                    let b = u8::from_str_radix(s, 16).map_err(serde::de::Error::custom)?;
                    out.push(b);
                }
                Ok(HostStr(out))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Closed sets of values
// ---------------------------------------------------------------------------------------------

/// A value read from a file that is not one of a closed set: the caller names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} '{value}' is not one of {}", expected.join(", "))]
pub struct UnknownValue {
    /// What the value is (`drift kind`, `origin`, `via`).
    pub what: &'static str,
    pub value: String,
    pub expected: Vec<&'static str>,
}

/// An enum whose serialised form is a fixed word each (the documents' contract): serde with
/// `rename`, `as_str`, `Display`, `FromStr` with an [`UnknownValue`] error, `ALL`, and
/// comparison with the word itself, so the documents read and write exactly what they did
/// when these were strings.
macro_rules! closed_set {
    (
        $(#[$m:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vm:meta])* $var:ident = $word:literal, )*
        }
    ) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vm])* #[serde(rename = $word)] $var, )*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            /// The word written in documents.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$var => $word, )*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::UnknownValue;
            fn from_str(s: &str) -> Result<Self, $crate::model::UnknownValue> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::model::UnknownValue {
                        what: $what,
                        value: s.to_string(),
                        expected: $name::ALL.iter().map(|v| v.as_str()).collect(),
                    })
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}
pub(crate) use closed_set;

// ---------------------------------------------------------------------------------------------
// Shared small types
// ---------------------------------------------------------------------------------------------

/// Which tool and version wrote a document: a reviewer needs to know what produced a file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "avexclude".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Something a stage could not read or decide. Partial results with warnings, never a crash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Warning {
    /// Stable kebab-case code, e.g. `process-vanished`, `permission-denied`, `not-root`: one of
    /// [`WarnCode`] when written; kept as text so an inventory of another version still loads.
    pub code: String,
    pub message: String,
    /// The file or pid the warning is about, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl Warning {
    /// A warning with a registered code ([`WarnCode`]: no code is written as a literal).
    pub fn new(code: WarnCode, message: impl Into<String>) -> Self {
        Warning {
            code: code.as_str().into(),
            message: message.into(),
            subject: None,
        }
    }
    /// Whether this warning has `code`.
    pub fn is(&self, code: WarnCode) -> bool {
        self.code == code.as_str()
    }
    pub fn about(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
}

/// Where a fact came from, so a reviewer can trace it (`/proc/1234/cmdline`, `pid 1234`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<i32>,
    /// The file read, relative to the scanned root (`/proc/1234/cmdline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Free text: how the fact was derived (`-D on the command line`, `mountinfo volume`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Inventory: what discovery found on one host
// ---------------------------------------------------------------------------------------------

/// The host inventory written by `discover` and read by `check`, `render` and `export`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Inventory {
    pub schema: u32,
    pub tool: ToolInfo,
    /// RFC 3339 UTC time of the scan.
    pub generated_at: String,
    /// The root that was scanned (`/`, or the `--root` directory).
    pub root: String,
    pub host: HostFacts,
    /// Every process of the host, ELMA365 or not.
    pub processes: Vec<Process>,
    /// Listening TCP/UDP sockets, v4 and v6, with their owning processes.
    pub listeners: Vec<Listener>,
    /// Facts found by targeted walks of the filesystem.
    pub filesystem: FsFacts,
    /// Data directories of the databases.
    pub data_paths: Vec<DataPath>,
    pub warnings: Vec<Warning>,
}

/// Host identity for reports and fleet grouping.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct HostFacts {
    pub hostname: String,
    /// PRETTY_NAME from os-release, e.g. `Debian GNU/Linux 12 (bookworm)`.
    pub os: String,
    pub kernel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_id: Option<String>,
    /// Whether the scan ran as root; a non-root scan misses other users' processes' details.
    #[serde(default)]
    pub scanned_as_root: bool,
}

/// One process as procfs shows it, plus its container context.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Process {
    pub pid: i32,
    pub ppid: i32,
    /// `/proc/PID/comm` (the kernel cuts it to 15 bytes).
    pub comm: HostStr,
    /// argv, NUL-split, trailing padding removed. A rewritten title (nginx) is `argv[0]` with spaces.
    pub cmdline: Vec<HostStr>,
    /// `readlink /proc/PID/exe` without the ` (deleted)` suffix; `None` if unreadable (kernel
    /// thread, permission, vanished).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exe: Option<HostStr>,
    /// The kernel marked the executable ` (deleted)`: the binary was replaced or removed on disk.
    #[serde(default)]
    pub exe_deleted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<HostStr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Start time in clock ticks since boot (field 22 of stat): with pid, identifies a process.
    #[serde(default)]
    pub start_time: u64,
    /// Raw lines of `/proc/PID/cgroup`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cgroup: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<ContainerCtx>,
    /// Where the executable is on the host filesystem, if it could be resolved (for a host process,
    /// the real path behind symlinks; for a container process, the overlay layer holding it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exe_host: Option<HostStr>,
    /// sha256 of the executable, with `--hash`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Kernel thread (no exe, no cmdline); kept so the picture is complete.
    #[serde(default)]
    pub kernel_thread: bool,
    /// Whether this process may be evidence for an exclusion (threat model: its executable is a
    /// file no unprivileged user could have written). Absent (an inventory from before this
    /// field, or a process not examined) means not trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Trust>,
}

/// The verdict on a process's executable, with the reason a reviewer reads.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Trust {
    pub trusted: bool,
    /// Why: `root-owned /usr/sbin/nginx in root-owned directories`, `file /dev/shm/x/redis-server
    /// is owned by uid 1777`, `in an image layer of the container runtime (...)`.
    pub why: String,
}

impl Trust {
    pub fn yes(why: impl Into<String>) -> Trust {
        Trust {
            trusted: true,
            why: why.into(),
        }
    }
}

impl Process {
    /// The executable was judged safe (see [`Trust`]); anything else is not evidence.
    pub fn trusted(&self) -> bool {
        self.trust.as_ref().is_some_and(|t| t.trusted)
    }
    /// Why the process is not trusted (empty if it is).
    pub fn distrust(&self) -> String {
        match &self.trust {
            Some(t) if t.trusted => String::new(),
            Some(t) => t.why.clone(),
            None => "the executable was not examined (inventory without trust data)".into(),
        }
    }
    /// `argv[0]`, if any.
    pub fn argv0(&self) -> Option<&HostStr> {
        self.cmdline.first()
    }
    /// The command line joined with spaces, for display and title matching.
    pub fn cmdline_joined(&self) -> HostStr {
        let mut v = Vec::new();
        for (i, a) in self.cmdline.iter().enumerate() {
            if i > 0 {
                v.push(b' ');
            }
            v.extend_from_slice(a.as_bytes());
        }
        HostStr(v)
    }
}

/// Container runtime that owns a process, read from its cgroup.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Runtime {
    Docker,
    /// containerd through the CRI (kubelet), e.g. Deckhouse or kubeadm nodes.
    Containerd,
    /// microk8s's own containerd (snap).
    Microk8s,
    Podman,
    /// containerd inside a KinD node (a docker container running its own containerd): the
    /// current single-host ELMA365 Standard. Its layers are paths inside the node, mapped to the
    /// host through the node's mounts (`/var/lib/docker/volumes/<vol>/_data/...`).
    Kind,
    /// A container whose runtime could not be told apart.
    Unknown,
}

/// Where a containerised process lives: runtime, ids, pod, and its root as the host sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct ContainerCtx {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    /// The container's name as its runtime knows it (CRI `container-name`, docker's `Name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// The image reference the runtime started it from (`.../elma365/<service>/...:<tag>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The runtime file the identity (namespace, pod, name, image) was read from: the task
    /// bundle's `config.json`, docker's `config.v2.json`, `/var/log/pods/<ns>_<pod>_<uid>`. Never
    /// a file inside the container or on a volume it can write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_source: Option<String>,
    /// KinD: the docker container id of the node this container runs inside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The overlay mount of the container's `/` (from its mountinfo): layers as host paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rootfs: Option<Overlay>,
    /// Bind and volume mounts of the container whose host source could be worked out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<VolumeMount>,
}

/// An overlayfs mount: the host directories that make up a container's root.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Overlay {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lowerdirs: Vec<HostStr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upperdir: Option<HostStr>,
}

/// A mount inside a container and where its content lives on the host.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct VolumeMount {
    /// Mount point inside the container (`/bitnami/postgresql`).
    pub target: HostStr,
    /// Host directory holding the content, when it could be mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_source: Option<HostStr>,
    pub fstype: String,
}

/// A listening socket and who holds it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Listener {
    /// `tcp` or `udp`.
    pub protocol: Protocol,
    /// 4 or 6.
    pub ip_version: u8,
    pub address: String,
    pub port: u16,
    pub inode: u64,
    /// Processes holding the socket (a listening socket can be inherited, e.g. nginx workers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<i32>,
    /// The network namespace it listens in: `host`, or the `net:[inode]` of a pod/container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netns: Option<String>,
    /// The program that owns it (the first owner's executable, as the process sees it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<HostStr>,
    /// The owner's container (`<namespace>/<pod>` in Kubernetes, else the container id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

/// Facts found by targeted walks of the filesystem.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct FsFacts {
    /// Snap revisions of microk8s present under `/snap/microk8s/`.
    #[serde(default)]
    pub snaps: Vec<SnapFact>,
    /// `erts-*` directories found, on the host and inside container roots.
    #[serde(default)]
    pub erts: Vec<ErtsFact>,
    /// Container storage roots that exist.
    #[serde(default)]
    pub container_storage: Vec<StorageRoot>,
    /// Paths the catalog or discovery asked about, with whether they exist.
    #[serde(default)]
    pub paths: Vec<PathFact>,
}

/// One installed snap and its revisions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct SnapFact {
    pub name: String,
    pub revisions: Vec<String>,
    /// Target of the `current` link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
}

/// An Erlang runtime directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct ErtsFact {
    pub version: String,
    /// The directory as the host sees it.
    pub path: HostStr,
    /// The directory as a container sees it, where found inside a container root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_path: Option<HostStr>,
    #[serde(default)]
    pub evidence: Evidence,
}

/// A container storage root (Docker overlay2, containerd snapshotter, microk8s's containerd).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct StorageRoot {
    /// `docker-overlay2`, `containerd-overlayfs`, `microk8s-containerd-overlayfs`, ...
    pub kind: StorageKind,
    pub path: HostStr,
    /// Some running container's layers live under it.
    pub in_use: bool,
}

/// Which runtime's storage a [`StorageRoot`] is (its serialized form is the kebab-case name).
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum StorageKind {
    #[default]
    DockerOverlay2,
    ContainerdOverlayfs,
    Microk8sContainerdOverlayfs,
    PodmanOverlay,
    DockerVolumes,
    ContainerdErofs,
    K3sContainerdOverlayfs,
    Rke2ContainerdOverlayfs,
}

impl StorageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageKind::DockerOverlay2 => "docker-overlay2",
            StorageKind::ContainerdOverlayfs => "containerd-overlayfs",
            StorageKind::Microk8sContainerdOverlayfs => "microk8s-containerd-overlayfs",
            StorageKind::PodmanOverlay => "podman-overlay",
            StorageKind::DockerVolumes => "docker-volumes",
            StorageKind::ContainerdErofs => "containerd-erofs",
            StorageKind::K3sContainerdOverlayfs => "k3s-containerd-overlayfs",
            StorageKind::Rke2ContainerdOverlayfs => "rke2-containerd-overlayfs",
        }
    }
}

/// What a path is on the host ([`PathFact::file_type`]; serialized lowercase).
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    Directory,
    File,
    Symlink,
    #[default]
    Missing,
    Other,
}

impl FileType {
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Directory => "directory",
            FileType::File => "file",
            FileType::Symlink => "symlink",
            FileType::Missing => "missing",
            FileType::Other => "other",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a path exists on the host, and what it is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct PathFact {
    pub path: HostStr,
    /// `directory`, `file`, `symlink`, `missing`, `other`.
    pub file_type: FileType,
    /// Where a symlink finally leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<HostStr>,
}

/// A database data directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct DataPath {
    /// postgresql, mongodb, redis, rabbitmq, minio.
    pub component: String,
    /// The directory as the host sees it.
    pub path: HostStr,
    /// The directory as the process sees it, when it is inside a container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_path: Option<HostStr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<i32>,
    /// How it was found: `cmdline -D`, `cmdline --dbpath`, `config dir`, `cwd`, `volume mount`...
    pub source: String,
    #[serde(default)]
    pub evidence: Evidence,
}

// ---------------------------------------------------------------------------------------------
// Catalog: what should be excluded
// ---------------------------------------------------------------------------------------------

/// What an entry names, which decides how it is matched and which vendors can express it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A directory, excluded recursively.
    Directory,
    /// A single file.
    File,
    /// A process by its executable's full path.
    ProcessPath,
    /// A process by name (comm or `argv[0]`'s base name).
    ProcessName,
    /// A process by its command-line title (`nginx: worker process`).
    ProcessTitle,
    /// A port and protocol.
    Port,
    /// A rule that names no single path (`internal ELMA365 processes`).
    Rule,
}

impl EntryKind {
    pub const ALL: [EntryKind; 7] = [
        EntryKind::Directory,
        EntryKind::File,
        EntryKind::ProcessPath,
        EntryKind::ProcessName,
        EntryKind::ProcessTitle,
        EntryKind::Port,
        EntryKind::Rule,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Directory => "directory",
            EntryKind::File => "file",
            EntryKind::ProcessPath => "process-path",
            EntryKind::ProcessName => "process-name",
            EntryKind::ProcessTitle => "process-title",
            EntryKind::Port => "port",
            EntryKind::Rule => "rule",
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much an exclusion weakens protection.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    Low,
    Medium,
    /// Exempts every shell, interpreter, container or system directory: written only on request.
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Protocol of a port entry.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
    Icmp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
        }
    }
}

/// Text in both languages of the users: the vendor writes Russian, reviewers may read English.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub ru: String,
    pub en: String,
}

closed_set! {
    /// Who wrote an entry: the vendor's document, this project, a platform's own list, a site
    /// overlay; `discovery` marks a finding of the scan that no catalog entry covers (export).
    pub enum Origin ("origin") {
        /// The ELMA365 document.
        Vendor = "vendor",
        /// This project's addition.
        Avexclude = "avexclude",
        /// A site overlay.
        Site = "site",
        /// Deckhouse's security-software list.
        Deckhouse = "deckhouse",
        /// Found by the scan, in no catalog (export's unlisted rows); never in a catalog file.
        Discovery = "discovery",
    }
}

/// Where an entry comes from.
///
/// Serialised as it always was: `origin` is one string, `vendor`, or after overlays changed the
/// entry `vendor (overridden by site.yaml)`; the parts are typed here so nothing has to read the
/// prose back (`starts_with("vendor")`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(into = "SourceRefDoc", try_from = "SourceRefDoc")]
pub struct SourceRef {
    pub origin: Origin,
    /// The overlay files that overrode the entry's fields, in order.
    pub overridden_by: Vec<String>,
    /// Document id or file (`elma365-firewall-antivirus`, `overlays/site.yaml`).
    pub document: String,
    /// Section or line of the document, where useful.
    pub section: Option<String>,
}

impl SourceRef {
    /// `origin` as documents write it: `vendor (overridden by site.yaml)`.
    pub fn origin_text(&self) -> String {
        let mut s = self.origin.as_str().to_string();
        for f in &self.overridden_by {
            s.push_str(&format!(" (overridden by {f})"));
        }
        s
    }
}

/// [`SourceRef`] as written in reports and `catalog show`.
#[derive(Serialize, Deserialize)]
struct SourceRefDoc {
    origin: String,
    document: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    section: Option<String>,
}

impl From<SourceRef> for SourceRefDoc {
    fn from(s: SourceRef) -> Self {
        SourceRefDoc {
            origin: s.origin_text(),
            document: s.document,
            section: s.section,
        }
    }
}

impl TryFrom<SourceRefDoc> for SourceRef {
    type Error = UnknownValue;
    fn try_from(d: SourceRefDoc) -> Result<Self, UnknownValue> {
        const OVERRIDDEN: &str = " (overridden by ";
        let mut parts = d.origin.split(OVERRIDDEN);
        let origin: Origin = parts.next().unwrap_or_default().parse()?;
        let mut overridden_by = Vec::new();
        for p in parts {
            match p.strip_suffix(')') {
                Some(f) => overridden_by.push(f.to_string()),
                None => {
                    return Err(UnknownValue {
                        what: "origin",
                        value: d.origin.clone(),
                        expected: vec!["ORIGIN", "ORIGIN (overridden by FILE)"],
                    });
                }
            }
        }
        Ok(SourceRef {
            origin,
            overridden_by,
            document: d.document,
            section: d.section,
        })
    }
}

/// A port range and protocol (a single port has `first == last`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    pub protocol: Protocol,
    pub first: u16,
    pub last: u16,
}

closed_set! {
    /// The characters a placeholder's value may hold.
    pub enum Shape ("placeholder shape") {
        /// Digits and dots (`12.3.1`).
        Version = "version",
        /// Digits only (a snap revision).
        Digits = "digits",
        /// One path component (no `/`).
        Name = "name",
    }
}

impl Shape {
    /// Whether byte `c` may be part of a value of this shape.
    pub fn allows(self, c: u8) -> bool {
        match self {
            Shape::Digits => c.is_ascii_digit(),
            Shape::Version => c.is_ascii_digit() || c == b'.',
            Shape::Name => c != b'/' && c != 0,
        }
    }
}

/// Why a placeholder exists and what it matches.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Placeholder {
    /// What the placeholder stands for, as `drift` reports it (`erts`, `snap revision`).
    pub label: String,
    /// Allowed characters of a value.
    pub shape: Shape,
}

closed_set! {
    /// The rules this tool expands (an entry of kind `rule`, its `match`): each names no single
    /// path but becomes concrete values on a host.
    pub enum Rule ("rule") {
        /// The ELMA365 services' own processes ("внутренние процессы ELMA365").
        Elma365InternalProcesses = "elma365-internal-processes",
        /// The databases' data directories ("исключите файлы СУБД из проверки").
        DatabaseDataPaths = "database-data-paths",
    }
}

closed_set! {
    /// The platforms a catalog document can be limited to (`applies_when: {platform: ...}`).
    pub enum Platform ("platform") {
        Deckhouse = "deckhouse",
        Microk8s = "microk8s",
    }
}

impl Platform {
    /// The directory whose presence marks the platform, where one does: Deckhouse installs its
    /// node binaries in `/opt/deckhouse/bin` (research note K1, deckhouse bashible sources);
    /// microk8s is a snap, found by discovery's `/snap/microk8s/` revisions, not by a path.
    pub fn marker(self) -> Option<&'static str> {
        match self {
            Platform::Deckhouse => Some("/opt/deckhouse/bin"),
            Platform::Microk8s => None,
        }
    }
}

/// One exclusion of the effective catalog, after overlays.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub kind: EntryKind,
    /// The catalog text as the vendor wrote it, verbatim.
    pub canonical: String,
    /// The machine rule: a path or name with `{placeholder}`s, a title, or a rule name.
    /// For ports, the canonical port text; see `ports`.
    #[serde(rename = "match")]
    pub pattern: String,
    /// Other places the same thing is installed (Debian packages, other images). Found there, the
    /// entry is `drifted` (another install location), never silently `present`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternates: Vec<String>,
    /// Extra process names that are the same program (`git-daemon` for `git daemon`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// For port entries: the ports and protocols.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortRange>,
    /// postgresql, mongodb, redis, rabbitmq, minio, microk8s, ingress, calico, coredns, elma365...
    pub component: String,
    /// Free grouping from the source document (`antivirus-directories`, `db-ports`, ...).
    pub section: String,
    pub reason: Text,
    pub risk: Risk,
    pub risk_why: Text,
    pub source: SourceRef,
    /// Listed for a port audit (the firewall tables), not an antivirus exclusion: never rendered.
    #[serde(default)]
    pub audit_only: bool,
    /// Set by an overlay that disables the entry; a disabled entry is reported, never rendered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
    /// The platform the entry belongs to (`deckhouse`, `microk8s`; from its document's
    /// `applies_when`): on a host where discovery did not find that platform, `check` leaves the
    /// entry out, since another platform's directory list says nothing about this host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
}

impl Entry {
    /// The rule a `rule` entry expands, if it is one this tool knows (the loader refuses others).
    pub fn rule(&self) -> Option<Rule> {
        if self.kind == EntryKind::Rule {
            self.pattern.parse().ok()
        } else {
            None
        }
    }
}

/// The effective catalog: built-in entries plus site overlays.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Catalog {
    /// The files that made it, in order (`builtin:exclusions/elma365.yaml`, then overlays).
    pub sources: Vec<String>,
    pub placeholders: BTreeMap<String, Placeholder>,
    pub entries: Vec<Entry>,
    /// The Kubernetes namespaces ELMA365 is installed into (a site overlay names its own).
    #[serde(default)]
    pub namespaces: Namespaces,
}

/// ELMA365's namespaces are the installer's choice (`helm ... -n`, research note E4).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Namespaces {
    /// The application's own services: their processes are the "internal ELMA365 processes".
    pub application: Vec<String>,
    /// The bundled databases (`elma365-dbs`).
    pub databases: Vec<String>,
    /// ELMA365's other namespaces: managed customer services (`elma365-applets`, customer code
    /// runs there, so never exempted as internal) and hook jobs (`elma365-system`). Their
    /// processes are ELMA365's for the unlisted findings.
    pub other: Vec<String>,
}

impl Default for Namespaces {
    fn default() -> Self {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect();
        Namespaces {
            application: v(&["elma365"]),
            databases: v(&["elma365-dbs"]),
            other: v(&["elma365-applets", "elma365-system"]),
        }
    }
}

impl Namespaces {
    pub fn is_application(&self, ns: &str) -> bool {
        self.application.iter().any(|n| n == ns)
    }
    /// Any ELMA365 namespace.
    pub fn contains(&self, ns: &str) -> bool {
        self.application
            .iter()
            .chain(&self.databases)
            .chain(&self.other)
            .any(|n| n == ns)
    }
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }
}

// ---------------------------------------------------------------------------------------------
// Report: catalog × inventory
// ---------------------------------------------------------------------------------------------

closed_set! {
    /// Result of checking one entry on one host.
    pub enum Status ("status") {
        /// Found as the catalog writes it.
        Present = "present",
        /// Found, but not where or not as the catalog says.
        Drifted = "drifted",
        /// Nothing on this host matches.
        Absent = "absent",
        /// Switched off by a site overlay (with a reason).
        Disabled = "disabled",
    }
}

closed_set! {
    /// What kind of difference a drift item is.
    pub enum DriftKind ("drift kind") {
        /// A version placeholder differs (`erts 12.3.1 -> 13.2.2`).
        Version = "version",
        /// The snap revision differs.
        Revision = "revision",
        /// Found at an alternate install location.
        Location = "location",
        /// The binary was replaced on disk (deleted while running, or its sha256 changed).
        Replaced = "replaced",
    }
}

/// One difference between the catalog and the host.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DriftItem {
    pub kind: DriftKind,
    /// The placeholder or aspect that differs (`erts`, `revision`, `path`).
    pub what: String,
    pub catalog: String,
    pub host: String,
}

/// What differs, for a drifted entry: a one-line summary (`erts 12.3.1 -> 13.1.5`) and the items.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Drift {
    pub summary: String,
    /// Kind of the first item, for quick filtering.
    pub kind: DriftKind,
    pub catalog: String,
    pub host: String,
    pub items: Vec<DriftItem>,
}

/// One concrete match on the host, with how it was found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Match {
    /// The concrete value: path, executable, `5432/tcp`.
    pub value: HostStr,
    /// For a containerised executable, the path as the host sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<HostStr>,
    /// For an executable inside a container, the path inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_path: Option<HostStr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmdline: Option<HostStr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The pod, container name and image of the process behind the match (from the runtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// How the match was made.
    pub via: Via,
}

/// How a match was made. Written in documents as the sentence a reviewer reads (`exe`,
/// `name alias`, `listening on 0.0.0.0 (IPv4), owner unknown`); typed here so the stages that
/// decide (a script is not its interpreter, a rule's values are directories or executables)
/// decide on the kind, never on the wording.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Via {
    /// `/proc/PID/exe` is the path.
    #[default]
    Exe,
    /// `argv[0]` is the path (the executable is another file, e.g. busybox).
    Argv0,
    /// The path is a script its interpreter runs (`argv[1]`).
    Script,
    /// The file is installed, no process runs it.
    InstalledFile,
    /// The process name (comm or `argv[0]`'s base name).
    Name,
    /// One of the entry's aliases.
    NameAlias,
    /// The command-line title.
    Title,
    /// The path is a symbolic link.
    Symlink,
    /// The path exists.
    PathExists,
    /// A process of the ELMA365 services (rule `elma365-internal-processes`).
    Elma365Service,
    /// A listening socket.
    Listening {
        address: String,
        ip_version: u8,
        /// Where it listens when not in the host's network namespace (`elma365/pod-x`, or `a
        /// container's network namespace`).
        netns: Option<String>,
        /// No process was found holding it.
        owner_unknown: bool,
    },
    /// A database data directory (rule `database-data-paths`).
    DataDirectory { component: String, source: String },
}

impl Via {
    const WORDS: &'static [(Via, &'static str)] = &[
        (Via::Exe, "exe"),
        (Via::Argv0, "argv0"),
        (Via::Script, "script"),
        (Via::InstalledFile, "installed file (no process running)"),
        (Via::Name, "name"),
        (Via::NameAlias, "name alias"),
        (Via::Title, "title"),
        (Via::Symlink, "symlink"),
        (Via::PathExists, "path exists"),
        (Via::Elma365Service, "ELMA365 service process"),
    ];
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Via::Listening {
                address,
                ip_version,
                netns,
                owner_unknown,
            } => {
                write!(f, "listening on {address} (IPv{ip_version})")?;
                if let Some(n) = netns {
                    write!(f, " in {n}")?;
                }
                if *owner_unknown {
                    f.write_str(", owner unknown")?;
                }
                Ok(())
            }
            Via::DataDirectory { component, source } => {
                write!(f, "{component} data directory ({source})")
            }
            v => {
                let w = Via::WORDS
                    .iter()
                    .find(|(x, _)| x == v)
                    .map_or("", |(_, w)| w);
                f.write_str(w)
            }
        }
    }
}

impl std::str::FromStr for Via {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Via, UnknownValue> {
        if let Some((v, _)) = Via::WORDS.iter().find(|(_, w)| *w == s) {
            return Ok(v.clone());
        }
        let listening = || {
            let rest = s.strip_prefix("listening on ")?;
            let (rest, owner_unknown) = match rest.strip_suffix(", owner unknown") {
                Some(r) => (r, true),
                None => (rest, false),
            };
            let (address, rest) = rest.split_once(" (IPv")?;
            let (ip, rest) = rest.split_once(')')?;
            let netns = match rest {
                "" => None,
                r => Some(r.strip_prefix(" in ")?.to_string()),
            };
            Some(Via::Listening {
                address: address.to_string(),
                ip_version: ip.parse().ok()?,
                netns,
                owner_unknown,
            })
        };
        let data_dir = || {
            let (component, rest) = s.split_once(" data directory (")?;
            Some(Via::DataDirectory {
                component: component.to_string(),
                source: rest.strip_suffix(')')?.to_string(),
            })
        };
        listening().or_else(data_dir).ok_or_else(|| UnknownValue {
            what: "via",
            value: s.to_string(),
            expected: Via::WORDS
                .iter()
                .map(|(_, w)| *w)
                .chain([
                    "listening on ADDRESS (IPvN)",
                    "COMPONENT data directory (SOURCE)",
                ])
                .collect(),
        })
    }
}

impl Serialize for Via {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Via {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Whose path a value is: what a process in the host's mount namespace sees (`host`), or what a
/// process inside a container sees (`container`). A container's volume is
/// `/var/snap/.../default-storage/<pvc>/data` in the host view and `/bitnami/postgresql/data` in
/// the container view; a scanner compares one of them (see `../research/container-paths.md`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum PathView {
    Host,
    Container,
}

impl PathView {
    pub fn as_str(self) -> &'static str {
        match self {
            PathView::Host => "host",
            PathView::Container => "container",
        }
    }
}

/// What `audit` found wrong with an antivirus's current configuration.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// This host needs the exclusion and the product does not have it.
    Missing,
    /// The product excludes something that is gone or was for an older version.
    Stale,
    /// The product excludes far more than needed (`/`, `/tmp`, a shell, a whole storage root).
    TooBroad,
    /// A configuration the product is known to misread or to fail on.
    Pitfall,
}

/// One finding of `audit`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditFinding {
    pub kind: FindingKind,
    pub value: String,
    pub why: String,
}

/// The result of `audit --vendor NAME`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditReport {
    pub vendor: String,
    /// Where the configuration was read from (a file, or the command run).
    pub source: String,
    pub findings: Vec<AuditFinding>,
}

/// One catalog entry checked on one host.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EntryResult {
    pub id: String,
    pub kind: EntryKind,
    pub canonical: String,
    pub component: String,
    pub status: Status,
    /// The concrete host values (paths, executables, `port/proto`), deduplicated, sorted.
    pub found: Vec<String>,
    pub drift: Option<Drift>,
    /// Each match with its evidence.
    #[serde(default)]
    pub matches: Vec<Match>,
    pub risk: Risk,
    pub risk_why: Text,
    pub reason: Text,
    pub source: SourceRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
}

closed_set! {
    /// What an unlisted finding is.
    pub enum UnlistedKind ("unlisted kind") {
        /// A database, platform or ELMA365 program.
        Process = "process",
        /// A database's data directory.
        DataPath = "data-path",
        /// A container storage root in use.
        StorageRoot = "storage-root",
        /// A port an ELMA365 process listens on.
        Port = "port",
        /// A process that looks like an entry but is not trusted evidence.
        Suspicious = "suspicious",
    }
}

/// Something that looks like ELMA365 (or its storage) that no entry covers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Unlisted {
    pub kind: UnlistedKind,
    pub value: HostStr,
    pub component: String,
    pub why: String,
    #[serde(default)]
    pub evidence: Evidence,
}

/// Counts by status, for the summary line, metrics and exit code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Summary {
    pub present: usize,
    pub drifted: usize,
    pub absent: usize,
    pub disabled: usize,
    pub unlisted: usize,
    pub total: usize,
}

closed_set! {
    /// What changed about an entry since the previous state file.
    pub enum ChangeAction ("change action") {
        /// A new catalog entry.
        Added = "added",
        /// An entry the catalog no longer has.
        Removed = "removed",
        /// Its concrete values changed.
        Changed = "changed",
        /// Its status changed.
        Status = "status",
        /// Its binary's sha256 changed.
        Replaced = "replaced",
    }
}

/// A change since the previous state file (`--state`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub action: ChangeAction,
    pub before: String,
    pub after: String,
}

/// The result of `check`: every entry with its status, plus what nothing covers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema: u32,
    pub tool: ToolInfo,
    pub generated_at: String,
    pub host: HostFacts,
    /// The catalog files that made the effective catalog.
    pub catalog: Vec<String>,
    pub entries: Vec<EntryResult>,
    pub unlisted: Vec<Unlisted>,
    pub summary: Summary,
    /// Changes since the state file, when one was given.
    #[serde(default)]
    pub changes: Vec<Change>,
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Seconds the scan and check took (for the metrics), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_seconds: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hoststr_roundtrips_invalid_utf8_through_json() {
        let h = HostStr(vec![b'/', b'x', 0xff, b'\n']);
        let j = serde_json::to_string(&h).unwrap();
        assert_eq!(j, r#"{"non_utf8_hex":"2f78ff0a"}"#);
        let back: HostStr = serde_json::from_str(&j).unwrap();
        assert_eq!(back, h);
        assert_eq!(h.display(), "/x\\xff\\x0a");
    }

    #[test]
    fn hoststr_utf8_is_a_plain_string() {
        let h = HostStr::from("/opt/elma365 data/\"q\"");
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#""/opt/elma365 data/\"q\"""#
        );
        assert!(h.is_clean_text());
        assert!(!HostStr::from("a\nb").is_clean_text());
    }

    #[test]
    fn via_words_and_sentences_round_trip_exactly() {
        let all = [
            "exe",
            "argv0",
            "script",
            "installed file (no process running)",
            "name",
            "name alias",
            "title",
            "symlink",
            "path exists",
            "ELMA365 service process",
            "listening on 0.0.0.0 (IPv4)",
            "listening on :: (IPv6) in elma365/pod-a, owner unknown",
            "listening on 10.0.0.1 (IPv4), owner unknown",
            "postgresql data directory (cmdline -D)",
        ];
        for w in all {
            let v: Via = w.parse().unwrap_or_else(|e| panic!("{w}: {e}"));
            assert_eq!(v.to_string(), w);
            let j = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<Via>(&j).unwrap(), v);
        }
        assert_eq!(
            "listening on :: (IPv6) in a container's network namespace".parse::<Via>(),
            Ok(Via::Listening {
                address: "::".into(),
                ip_version: 6,
                netns: Some("a container's network namespace".into()),
                owner_unknown: false,
            })
        );
    }

    #[test]
    fn an_unknown_word_is_an_error_naming_the_value_and_the_choices() {
        let e = "comm".parse::<Via>().unwrap_err();
        assert_eq!(e.value, "comm");
        assert!(e.to_string().contains("path exists"), "{e}");
        let e = serde_json::from_str::<DriftKind>("\"hash\"").unwrap_err();
        assert!(e.to_string().contains("unknown variant `hash`"), "{e}");
        let e = "sideways".parse::<UnlistedKind>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unlisted kind 'sideways' is not one of process, data-path, storage-root, port, suspicious"
        );
    }

    #[test]
    fn closed_sets_serialise_as_their_words() {
        for k in UnlistedKind::ALL {
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
            assert_eq!(k.as_str().parse::<UnlistedKind>(), Ok(*k));
        }
        assert_eq!(
            serde_json::to_string(&Status::Drifted).unwrap(),
            "\"drifted\""
        );
        assert_eq!(
            serde_json::to_string(&Shape::Version).unwrap(),
            "\"version\""
        );
        assert!(DriftKind::Replaced == "replaced");
    }

    #[test]
    fn origin_with_overrides_is_one_string_both_ways() {
        let s = SourceRef {
            origin: Origin::Vendor,
            overridden_by: vec!["a.yaml".into(), "b (1).yaml".into()],
            document: "d".into(),
            section: None,
        };
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(
            j,
            serde_json::json!({
                "origin": "vendor (overridden by a.yaml) (overridden by b (1).yaml)",
                "document": "d"
            })
        );
        assert_eq!(serde_json::from_value::<SourceRef>(j).unwrap(), s);
        let bad = serde_json::json!({"origin": "vendr", "document": "d"});
        let e = serde_json::from_value::<SourceRef>(bad).unwrap_err();
        assert!(
            e.to_string()
                .contains("origin 'vendr' is not one of vendor"),
            "{e}"
        );
    }
}
