//! The one place that touches serde_yaml (frozen upstream): parse with positions, write YAML,
//! and locate keys in block-style YAML so semantic errors can point at a line and column.
//! Swapping the YAML crate means changing this file only.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A YAML error with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Deepest nesting accepted, flow (`[[[`, `{{{`) and block (indentation, `- - -`) together. Our
/// files nest 4 deep; libyaml rescans every open flow level for each token, so 100 000 nested
/// `[` (200 KB) took minutes before this bound.
pub const MAX_DEPTH: usize = 64;

/// Refuse text nested deeper than [`MAX_DEPTH`], before the parser sees it, at the position where
/// the limit is passed. A conservative scan: a flow indicator or quote counts only where a node
/// can start, comments are skipped; it may over-count inside block scalars, never under-count
/// what libyaml nests.
pub fn check_depth(text: &str) -> Result<(), YamlError> {
    let too_deep = |line: usize, column: usize| YamlError {
        line,
        column,
        message: format!("nested deeper than {MAX_DEPTH} levels"),
    };
    // block indentation levels open (stack of indents)
    let mut block: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (ln, raw) in text.lines().enumerate() {
        let chars: Vec<char> = raw.chars().collect();
        let mut i = 0;
        if flow == 0 {
            let indent = chars.iter().take_while(|c| **c == ' ').count();
            let rest = &chars[indent..];
            if rest.is_empty() || rest[0] == '#' {
                continue;
            }
            while block.last().is_some_and(|&b| b >= indent) {
                block.pop();
            }
            block.push(indent);
            // compact nested sequences: `- - - x`
            let mut j = indent;
            while j + 1 < chars.len() && chars[j] == '-' && chars[j + 1] == ' ' {
                j += 2;
                while j < chars.len() && chars[j] == ' ' {
                    j += 1;
                }
                block.push(j);
            }
            if block.len() > MAX_DEPTH {
                return Err(too_deep(ln + 1, indent + 1));
            }
            i = indent;
        }
        // flow indicators and quoted scalars on this line
        let mut node_start = true;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '#' if i == 0 || chars[i - 1] == ' ' || chars[i - 1] == '\t' => break,
                '[' | '{' if node_start || flow > 0 => {
                    flow += 1;
                    if flow + block.len() > MAX_DEPTH {
                        return Err(too_deep(ln + 1, i + 1));
                    }
                    node_start = true;
                }
                ']' | '}' if flow > 0 => {
                    flow -= 1;
                    node_start = false;
                }
                '\'' | '"' if node_start => {
                    // skip the quoted scalar on this line (a multi-line one is rare in our files)
                    let mut j = i + 1;
                    while j < chars.len() {
                        if chars[j] == c {
                            if c == '\'' && chars.get(j + 1) == Some(&'\'') {
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        if c == '"' && chars[j] == '\\' {
                            j += 1;
                        }
                        j += 1;
                    }
                    i = j;
                    node_start = false;
                }
                ' ' | '\t' => {}
                ',' if flow > 0 => node_start = true,
                ':' | '-' | '?' if chars.get(i + 1).is_none_or(|n| *n == ' ') => node_start = true,
                _ => node_start = false,
            }
            i += 1;
        }
    }
    Ok(())
}

/// Deserialize YAML text; the error carries the position serde_yaml reports (1 if unknown).
/// Text nested deeper than [`MAX_DEPTH`] is refused first.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_depth(text)?;
    serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        // serde_yaml appends " at line L column C" to some messages; the position is ours to print.
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            // drop the first " at line L column C": the position is printed in front
            let rest = &message[i + 1..];
            let end = rest
                .find("column ")
                .map(|c| {
                    let digits = rest[c + 7..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .count();
                    i + 1 + c + 7 + digits
                })
                .unwrap_or(message.len());
            message.replace_range(i..end, "");
        }
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// Serialize a value as YAML.
pub fn to_string<T: Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(value)?)
}

/// Where a key of a sequence item sits in the text: `entries[3].match` at line 40, column 12
/// (the column of its value, or of the key when the value is on the next lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPos {
    pub section: String,
    pub item: usize,
    pub key: String,
    pub line: usize,
    pub column: usize,
}

/// Positions of the keys of every item of every top-level sequence in block-style YAML
/// (`entries:\n  - id: x\n    kind: y`, and flow items `- {id: x, kind: y}` on one line or
/// several). Used only to place diagnostics; if a file is written in a style this does not
/// follow, diagnostics fall back to the item's or the section's position.
pub fn locate_keys(text: &str) -> Vec<KeyPos> {
    let mut out = Vec::new();
    let mut section: Option<String> = None;
    let mut item: isize = -1;
    let mut item_indent = usize::MAX;
    let mut in_flow = false;
    for (ln, raw) in text.lines().enumerate() {
        let line_no = ln + 1;
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        if indent == 0 && !in_flow {
            // a top-level key starts a new section
            section = trimmed.split_once(':').map(|(k, _)| k.trim().to_string());
            item = -1;
            item_indent = usize::MAX;
            continue;
        }
        let Some(sec) = section.clone() else { continue };
        let mut rest = trimmed;
        let mut col = indent + 1;
        if let Some(after) = trimmed.strip_prefix("- ") {
            if item_indent == usize::MAX || indent <= item_indent {
                item_indent = indent;
                item += 1;
                rest = after;
                col += 2;
                in_flow = false;
            }
        } else if trimmed == "-" && (item_indent == usize::MAX || indent <= item_indent) {
            item_indent = indent;
            item += 1;
            continue;
        }
        if item < 0 {
            continue;
        }
        let (r, c) = skip_ws(rest, col);
        rest = r;
        col = c;
        if let Some(flow) = rest.strip_prefix('{') {
            in_flow = true;
            scan_flow(flow, col + 1, &sec, item as usize, line_no, &mut out);
        } else if in_flow {
            scan_flow(rest, col, &sec, item as usize, line_no, &mut out);
        } else if let Some((k, v)) = split_key(rest).filter(|_| col == item_indent + 3) {
            let vcol = col + k.len() + 1 + (v.len() - v.trim_start().len());
            let column = if v.trim().is_empty() { col } else { vcol };
            out.push(KeyPos {
                section: sec.clone(),
                item: item as usize,
                key: k.to_string(),
                line: line_no,
                column,
            });
        }
        if in_flow && rest.trim_end().ends_with('}') && depth_closes(rest) {
            in_flow = false;
        }
    }
    out
}

fn skip_ws(s: &str, col: usize) -> (&str, usize) {
    let t = s.trim_start();
    (t, col + (s.len() - t.len()))
}

/// `key: value` where key is a plain identifier.
fn split_key(s: &str) -> Option<(&str, &str)> {
    let end = s.find(':')?;
    let k = &s[..end];
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let v = &s[end + 1..];
    if !(v.is_empty() || v.starts_with(' ')) {
        return None;
    }
    Some((k, v))
}

fn depth_closes(s: &str) -> bool {
    let mut depth: i32 = 1;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => depth -= 1,
            _ => {}
        }
    }
    depth <= 0
}

/// Keys at depth 1 of a flow mapping line: `id: x, kind: port, reason: {ru: .., en: ..}`.
fn scan_flow(s: &str, col0: usize, sec: &str, item: usize, line: usize, out: &mut Vec<KeyPos>) {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut at_key_start = true;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (bi, c) = chars[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                ',' if depth == 0 => at_key_start = true,
                ' ' => {}
                _ if at_key_start && depth == 0 => {
                    at_key_start = false;
                    if let Some((k, v)) = split_key(&s[bi..]) {
                        let skip = v.len() - v.trim_start().len();
                        let column = col0 + s[..bi].chars().count() + k.chars().count() + 1 + skip;
                        out.push(KeyPos {
                            section: sec.to_string(),
                            item,
                            key: k.to_string(),
                            line,
                            column,
                        });
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
}

/// Positions of every top-level key (`placeholders:`), 1-based; the first one of a name wins.
pub fn top_keys(text: &str) -> std::collections::HashMap<String, (usize, usize)> {
    let mut m = std::collections::HashMap::new();
    for (i, l) in text.lines().enumerate() {
        if l.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((k, _)) = l.split_once(':') {
            m.entry(k.to_string()).or_insert((i + 1, 1));
        }
    }
    m
}

/// Position of a top-level key (`placeholders:`), 1-based.
pub fn locate_top_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let k = l.split_once(':')?.0;
        (k == key).then_some((i + 1, 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_block_and_flow_keys() {
        let t = "schema: 1\nentries:\n  # c\n  - id: a\n    kind: directory\n    reason:\n      ru: x\n  - {id: b, kind: port,\n     risk: low}\n";
        let k = locate_keys(t);
        let find = |item, key: &str| {
            k.iter()
                .find(|p| p.item == item && p.key == key)
                .map(|p| (p.line, p.column))
        };
        assert_eq!(find(0, "id"), Some((4, 9)));
        assert_eq!(find(0, "kind"), Some((5, 11)));
        assert_eq!(find(0, "reason"), Some((6, 5)));
        assert_eq!(find(0, "ru"), None);
        assert_eq!(find(1, "id"), Some((8, 10)));
        assert_eq!(find(1, "kind"), Some((8, 19)));
        assert_eq!(find(1, "risk"), Some((9, 12)));
    }

    #[test]
    fn deep_nesting_is_refused_with_a_position() {
        let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let e = from_str::<serde_yaml::Value>(&flow).unwrap_err();
        assert_eq!((e.line, e.column), (1, 4 + MAX_DEPTH - 1), "{e:?}");
        assert!(e.message.contains("nested deeper"), "{e:?}");
        let block: String = (0..100)
            .map(|i| format!("{}- a:\n", "  ".repeat(i)))
            .collect();
        let e = from_str::<serde_yaml::Value>(&block).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e:?}");
        let compact = format!("{}x\n", "- ".repeat(100));
        let e = from_str::<serde_yaml::Value>(&compact).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e:?}");
        // what is not nesting is not counted: brackets inside scalars, quotes, comments
        let ok = "a: x[1]{2}\nb: '[[[['\nc: \"{{{{\" # [[[[\nd: [[1, '['], {e: [2]}]\n";
        assert!(from_str::<serde_yaml::Value>(ok).is_ok());
        // the catalog nests far less than the bound
        for (p, t) in crate::catalog::builtin_catalog_files() {
            assert!(check_depth(t).is_ok(), "{p}");
        }
    }

    #[test]
    fn parse_error_has_position() {
        let e = from_str::<serde_yaml::Value>("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line >= 1 && e.column >= 1, "{e:?}");
    }
}
