//! `avexclude accept`: a person reviewed unlisted findings (by value or `kind:value` id, or
//! `--all`) and says why they need no exclusion; the state records the reason, who (the user
//! running it; with sudo, the user behind it) and when. An acceptance holds while the finding
//! stays the same (kind, value and owner): another port owner or another path asks again.

use std::io::Write;

use super::args::AcceptArgs;
use super::common::{load_catalog, load_inventory};
use super::lifecycle;
use super::{CliError, CliResult, Outcome};
use crate::check::state::{self, Acceptance, State};

pub fn run(args: AcceptArgs) -> CliResult {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(CliError::Input(
            "--reason is empty: say why these findings need no exclusion".into(),
        ));
    }
    if reason.chars().any(|c| c.is_control()) {
        return Err(CliError::Input(
            "--reason holds a control character (newline, escape): give it on one line".into(),
        ));
    }
    let catalog = load_catalog(&args.catalogs)?;
    let inv = load_inventory(&args.source, &args.catalogs)?;
    let report = crate::check::check(&catalog, &inv);
    if let Some(why) = lifecycle::blind_scan(&inv) {
        return Err(CliError::Input(why));
    }
    let mut st =
        State::load_for(&args.state, &inv.host).map_err(|e| CliError::Input(e.to_string()))?;
    let mut chosen = Vec::new();
    if args.all {
        chosen.extend(report.unlisted.iter());
    } else {
        let mut unknown = Vec::new();
        for item in &args.items {
            let hits: Vec<_> = report
                .unlisted
                .iter()
                .filter(|u| &state::unlisted_id(u) == item || &u.value.display() == item)
                .collect();
            if hits.is_empty() {
                unknown.push(item.escape_debug().to_string());
            }
            chosen.extend(hits);
        }
        if !unknown.is_empty() {
            let known: Vec<String> = report.unlisted.iter().map(state::unlisted_id).collect();
            return Err(CliError::Input(format!(
                "not an unlisted finding of this host: {}; the findings are: {}",
                unknown.join(", "),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
    }
    let by = lifecycle::who();
    let at = crate::discovery::host::now_rfc3339();
    let mut out = std::io::stdout().lock();
    let mut n = 0;
    for u in chosen {
        let a = Acceptance {
            kind: u.kind,
            value: u.value.display(),
            component: u.component.clone(),
            reason: reason.to_string(),
            by: by.clone(),
            at: at.clone(),
        };
        // one acceptance per finding: a new reason replaces the old one
        st.accepted
            .retain(|x| !(x.kind == a.kind && x.value == a.value && x.component == a.component));
        st.accepted.push(a);
        n += 1;
        writeln!(
            out,
            "{} {} ({})",
            super::lang().tr("accepted", "принято:"),
            state::unlisted_id(u),
            u.component.escape_debug()
        )
        .map_err(|e| CliError::Other(e.into()))?;
    }
    st.save(&args.state)
        .map_err(|e| CliError::Input(e.to_string()))?;
    match super::lang() {
        crate::i18n::Lang::En => writeln!(
            out,
            "{n} finding(s) accepted in {} by {by}",
            args.state.display()
        ),
        crate::i18n::Lang::Ru => writeln!(
            out,
            "принято находок: {n}, в {}, кем: {by}",
            args.state.display()
        ),
    }
    .map_err(|e| CliError::Other(e.into()))?;
    Ok(Outcome::Clean)
}
