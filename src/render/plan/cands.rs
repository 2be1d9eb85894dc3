//! Step 1 of a plan: the candidate values of one match, each in the path view it is written in.
//!
//! What a scanner on the host sees of a container (measured with runc and a fanotify listener,
//! `../research/container-paths.md` §2-3, and `tests/views_real.rs`):
//! - a container process's executable is its in-container path (`/proc/PID/exe` reads
//!   `/opt/bitnami/postgresql/bin/postgres`); its copy under the snapshot layers is never the
//!   executable of a running process, so it is never a process candidate;
//! - a container's writes to its volume are the in-container path for fd-based listeners and the
//!   host path for listeners that mark host directories or resolve file handles.

use super::Class;
use crate::model::{HostStr, Match, PathView, Via};
use crate::render::vendor::Views;

/// A candidate value before the gates.
pub(super) struct Cand {
    pub value: HostStr,
    pub view: PathView,
    pub note: Option<String>,
    /// Subject to the wildcard form (the catalog's own value, not a derived one).
    pub wildcardable: bool,
    /// For a high-risk container executable: the layer copy that a reader might take for a
    /// narrower form, named in the review to say why it is not one.
    pub layer_copy: Option<HostStr>,
}

fn trim(h: &HostStr) -> HostStr {
    let b = h.as_bytes();
    HostStr(b.strip_suffix(b"/").unwrap_or(b).to_vec())
}

pub(super) fn cands(class: Class, m: &Match, views: &Views) -> Vec<Cand> {
    match class {
        Class::Port => vec![Cand {
            value: m.value.clone(),
            view: PathView::Host,
            note: None,
            wildcardable: false,
            layer_copy: None,
        }],
        Class::Directory | Class::File => paths(m, views),
        Class::Process => processes(m),
    }
}

/// A directory or file: the host path (and the real path behind a link), and the path inside the
/// container that writes there, each where the product's file view wants it.
fn paths(m: &Match, views: &Views) -> Vec<Cand> {
    let fv = views.files.view;
    let mut v = Vec::new();
    if fv.writes(PathView::Host) {
        v.push(Cand {
            value: m.value.clone(),
            view: PathView::Host,
            note: m.container_path.as_ref().map(|c| {
                if fv.writes(PathView::Container) {
                    format!("host view; seen as {} inside the container", c.display())
                } else {
                    format!(
                        "host view; seen as {} inside the container, a path this product does not compare",
                        c.display()
                    )
                }
            }),
            wildcardable: true,
            layer_copy: None,
        });
        // A symbolic link: products that match the real path (Defender, Dr.Web, clamscan,
        // fanotify events) need the target too.
        if let Some(h) = m.host_path.as_ref().filter(|h| trim(h) != trim(&m.value)) {
            v.push(Cand {
                value: h.clone(),
                view: PathView::Host,
                note: Some(format!("real path behind the link {}", m.value.display())),
                wildcardable: false,
                layer_copy: None,
            });
        }
    }
    if fv.writes(PathView::Container)
        && let Some(c) = m
            .container_path
            .as_ref()
            .filter(|c| trim(c) != trim(&m.value))
    {
        v.push(Cand {
            value: c.clone(),
            view: PathView::Container,
            note: Some(format!(
                "container view of {}: what an fd-based scanner reports for the container's writes; it applies host-wide (the host's {} and that path in every container)",
                m.value.display(),
                c.display()
            )),
            wildcardable: false,
            layer_copy: None,
        });
    }
    v
}

/// An executable: for a container process, the in-container paths only (the kernel's view of
/// its `/proc/PID/exe`); for a host process, its path and the real path behind a link.
fn processes(m: &Match) -> Vec<Cand> {
    let in_container = m.container_path.is_some() || m.container.is_some();
    let mut v = Vec::new();
    if in_container {
        let who = m
            .container
            .as_deref()
            .map(|c| format!("container {c}"))
            .unwrap_or_else(|| "a container".into());
        let script = m.via == Via::Script;
        let layer = m.host_path.clone().filter(|h| *h != m.value);
        let copy_of = |inner: &HostStr, is_value: bool| {
            layer
                .clone()
                .filter(|h| h.as_bytes().ends_with(inner.as_bytes()) || (is_value && !script))
        };
        v.push(Cand {
            value: m.value.clone(),
            view: PathView::Container,
            note: Some(format!(
                "path inside {who} (container view; applies to this path on the host and in every container)"
            )),
            wildcardable: true,
            layer_copy: copy_of(&m.value, true),
        });
        // The executable really run, when another name led to it (`/bin/sh` is
        // `/bin/busybox`); not for a script, whose executable is its interpreter.
        if let Some(exe) = m
            .container_path
            .clone()
            .filter(|c| *c != m.value && !script)
        {
            v.push(Cand {
                layer_copy: copy_of(&exe, true),
                value: exe,
                view: PathView::Container,
                note: Some(format!(
                    "executable inside {who} (container view; applies to this path on the host and in every container)"
                )),
                wildcardable: false,
            });
        }
    } else {
        v.push(Cand {
            value: m.value.clone(),
            view: PathView::Host,
            note: None,
            wildcardable: true,
            layer_copy: None,
        });
        if let Some(h) = m.host_path.clone().filter(|h| *h != m.value) {
            v.push(Cand {
                value: h,
                view: PathView::Host,
                note: Some(format!("real path behind {}", m.value.display())),
                wildcardable: false,
                layer_copy: None,
            });
        }
    }
    v
}
