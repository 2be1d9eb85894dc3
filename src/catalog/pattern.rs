//! Versioned path templates: `/opt/bitnami/erlang/lib/erlang/erts-{erts}/bin/beam.smp`.
//! One template serves matching (which version is on the host), rendering (the concrete path) and
//! drift-proof wildcards (`erts-*`).

use std::collections::BTreeMap;

use crate::model::Shape;

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Placeholder(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub segments: Vec<Segment>,
}

impl Template {
    /// Parse `{name}` placeholders; the error gives the byte offset and what is wrong.
    pub fn parse(s: &str) -> Result<Template, (usize, String)> {
        let mut segments = Vec::new();
        let mut lit = String::new();
        let mut rest = s.char_indices().peekable();
        while let Some((i, c)) = rest.next() {
            match c {
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, c2) in rest.by_ref() {
                        if c2 == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c2);
                    }
                    if !closed {
                        return Err((i, "unclosed '{' in placeholder".into()));
                    }
                    if name.is_empty()
                        || !name
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        return Err((i, format!("bad placeholder name {{{name}}}: use [a-z0-9_]")));
                    }
                    if let Some(Segment::Placeholder(_)) = segments.last()
                        && lit.is_empty()
                    {
                        return Err((i, "two placeholders must be separated by text".into()));
                    }
                    if !lit.is_empty() {
                        segments.push(Segment::Literal(std::mem::take(&mut lit)));
                    }
                    segments.push(Segment::Placeholder(name));
                }
                '}' => return Err((i, "'}' without a matching '{'".into())),
                _ => lit.push(c),
            }
        }
        if !lit.is_empty() {
            segments.push(Segment::Literal(lit));
        }
        Ok(Template { segments })
    }

    /// Placeholder names, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Placeholder(n) => Some(n.as_str()),
            Segment::Literal(_) => None,
        })
    }

    pub fn has_placeholders(&self) -> bool {
        self.placeholders().next().is_some()
    }

    /// The literal text before the first placeholder: a cheap prefix filter.
    pub fn literal_prefix(&self) -> &str {
        match self.segments.first() {
            Some(Segment::Literal(l)) => l,
            _ => "",
        }
    }

    /// Match the whole of `value`; on success, the value of every placeholder.
    /// `shape` gives each placeholder's allowed characters (see [`Shape::allows`]).
    pub fn matches(
        &self,
        value: &[u8],
        shape: &dyn Fn(&str) -> Shape,
    ) -> Option<BTreeMap<String, String>> {
        let mut vals = BTreeMap::new();
        if self.match_from(0, value, shape, &mut vals) {
            Some(vals)
        } else {
            None
        }
    }

    fn match_from(
        &self,
        seg: usize,
        value: &[u8],
        shape: &dyn Fn(&str) -> Shape,
        vals: &mut BTreeMap<String, String>,
    ) -> bool {
        let Some(s) = self.segments.get(seg) else {
            return value.is_empty();
        };
        match s {
            Segment::Literal(l) => value
                .strip_prefix(l.as_bytes())
                .is_some_and(|rest| self.match_from(seg + 1, rest, shape, vals)),
            Segment::Placeholder(name) => {
                let sh = shape(name);
                let max = value.iter().take_while(|&&c| sh.allows(c)).count();
                // Linear in the value (a hostile 130 KB argv[0] must not cost n²): a split
                // point is tried only where the rest can match the next literal (or, last, at
                // the end), and UTF-8 validity is worked out once.
                let valid = match std::str::from_utf8(&value[..max]) {
                    Ok(_) => max,
                    Err(e) => e.valid_up_to(),
                };
                let last = seg + 1 == self.segments.len();
                let next_lit = match self.segments.get(seg + 1) {
                    Some(Segment::Literal(l)) => Some(l.as_bytes()),
                    _ => None,
                };
                for n in (1..=valid).rev() {
                    let rest = &value[n..];
                    if (last && !rest.is_empty()) || next_lit.is_some_and(|l| !rest.starts_with(l))
                    {
                        continue;
                    }
                    let v = &value[..n];
                    let Ok(vs) = std::str::from_utf8(v) else {
                        continue;
                    };
                    if let Some(prev) = vals.get(name)
                        && prev != vs
                    {
                        continue;
                    }
                    let had = vals.insert(name.clone(), vs.to_string());
                    if self.match_from(seg + 1, &value[n..], shape, vals) {
                        return true;
                    }
                    match had {
                        Some(h) => {
                            vals.insert(name.clone(), h);
                        }
                        None => {
                            vals.remove(name);
                        }
                    }
                }
                false
            }
        }
    }

    /// The concrete text with every placeholder filled; `None` if a value is missing.
    pub fn fill(&self, vals: &BTreeMap<String, String>) -> Option<String> {
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Literal(l) => out.push_str(l),
                Segment::Placeholder(n) => out.push_str(vals.get(n)?),
            }
        }
        Some(out)
    }

    /// The template with each placeholder written as `wildcard` (`*`): a drift-proof glob.
    pub fn with_wildcards(&self, wildcard: &str) -> String {
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Literal(l) => out.push_str(l),
                Segment::Placeholder(_) => out.push_str(wildcard),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(n: &str) -> Shape {
        match n {
            "erts" => Shape::Version,
            "revision" => Shape::Digits,
            _ => Shape::Name,
        }
    }

    #[test]
    fn matches_versions_and_fills() {
        let t = Template::parse("/opt/bitnami/erlang/lib/erlang/erts-{erts}/bin/beam.smp").unwrap();
        let v = t
            .matches(
                b"/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp",
                &shapes,
            )
            .unwrap();
        assert_eq!(v["erts"], "13.2.2");
        assert!(
            t.matches(
                b"/opt/bitnami/erlang/lib/erlang/erts-13/x/bin/beam.smp",
                &shapes
            )
            .is_none()
        );
        assert_eq!(
            t.fill(&v).unwrap(),
            "/opt/bitnami/erlang/lib/erlang/erts-13.2.2/bin/beam.smp"
        );
        assert_eq!(
            t.with_wildcards("*"),
            "/opt/bitnami/erlang/lib/erlang/erts-*/bin/beam.smp"
        );
        let s = Template::parse("/snap/microk8s/{revision}/kubelite").unwrap();
        assert!(
            s.matches(b"/snap/microk8s/current/kubelite", &shapes)
                .is_none()
        );
        assert_eq!(
            s.matches(b"/snap/microk8s/7394/kubelite", &shapes).unwrap()["revision"],
            "7394"
        );
    }

    #[test]
    fn rejects_bad_templates() {
        assert!(Template::parse("/a/{erts").is_err());
        assert!(Template::parse("/a/{}").is_err());
        assert!(Template::parse("/a/}").is_err());
        assert!(Template::parse("/a/{x}{y}").is_err());
        assert!(Template::parse("/a/{Bad}").is_err());
    }
}
