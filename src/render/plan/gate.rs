//! Step 2 of a plan: the risk gate for one candidate value, rated in its own view.
//!
//! A value in the container view applies host-wide: a product that compares in-container paths
//! cannot tell one container from another or from the host. So `/data` (Redis's volume inside
//! its container) is rated as the host's `/data` would be, and a container's `/bin/sh` as every
//! shell. There is no narrower form of a container executable that a product can match: its copy
//! under the snapshot layers is never the executable of a running process.

use super::Class;
use super::cands::Cand;
use crate::model::PathView;
use crate::render::risk;

/// Why a value is high risk in its own right, if it is.
pub(super) fn value_risk(class: Class, c: &Cand, value: &str) -> Option<String> {
    let own = match class {
        Class::Directory => risk::directory_risk(value),
        Class::File => risk::file_risk(value),
        Class::Process => risk::process_risk(value),
        Class::Port => None,
    };
    if own.is_some() || c.view != PathView::Container {
        return own;
    }
    container_path_risk(class, value)
}

/// An in-container directory with a single component (`/data`, `/bitnami`) names a directory
/// every container may have, and the host's own: excluding it host-wide is high risk.
pub(super) fn container_path_risk(class: Class, value: &str) -> Option<String> {
    if !matches!(class, Class::Directory | Class::File) {
        return None;
    }
    let t = value.trim_end_matches('/');
    let depth = t.split('/').filter(|s| !s.is_empty()).count();
    (depth <= 1).then(|| {
        format!(
            "`{t}` is an in-container path: the product compares it host-wide, so it exempts the host's {t} and {t} in every container"
        )
    })
}

/// The review text for a held-back container executable: there is no narrower form.
pub(super) fn no_narrow_form(why: &str, c: &Cand, value: &str, id: &str) -> String {
    match c.layer_copy.as_ref().and_then(|h| h.as_str()) {
        Some(layer) => format!(
            "high risk ({why}); not written: no form limits it to one container. Its copy {layer} under the snapshot layers is never a process's executable path (from the host, the container's process reads {value}), so a product could not match it; pass --allow-risk {id} to write {value} for the whole host"
        ),
        None => format!("high risk: {why}; pass --allow-risk {id} to write it"),
    }
}
