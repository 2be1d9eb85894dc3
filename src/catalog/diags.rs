//! Every diagnostic the catalog loader can emit, each with a stable code, rendered with the
//! offending source line underlined so a bad value is shown where it is.

use std::fmt;

/// Stable diagnostic codes, with a one-line description each (`catalog lint --codes`).
pub const CODES: &[(&str, &str)] = &[
    ("yaml-syntax", "the file is not valid YAML"),
    (
        "unknown-key",
        "a key the catalog format does not have (typo?)",
    ),
    (
        "unknown-value",
        "a value outside the allowed set (kind, risk, protocol)",
    ),
    ("missing-key", "a required key is missing"),
    ("bad-type", "a value of the wrong type"),
    (
        "unsupported-schema",
        "the file's schema version is not one this tool reads",
    ),
    ("duplicate-id", "two entries share an id"),
    (
        "bad-id",
        "an id that is not lowercase letters, digits and dashes",
    ),
    ("empty-value", "a required text is empty"),
    (
        "bad-template",
        "a match or alternate with a malformed {placeholder}",
    ),
    (
        "undefined-placeholder",
        "a {placeholder} that no file defines",
    ),
    (
        "placeholder-redefined",
        "an overlay redefines a placeholder differently",
    ),
    (
        "bad-shape",
        "a placeholder shape other than version, digits, name",
    ),
    (
        "canonical-mismatch",
        "the vendor's text does not fit the match rule",
    ),
    ("bad-path", "a path rule that is not absolute or normalised"),
    (
        "bad-namespace",
        "a namespace that is not a Kubernetes name (RFC 1123 label)",
    ),
    (
        "bad-port",
        "a port rule that does not parse (5432/tcp, 7000-7999/tcp, icmp)",
    ),
    (
        "unknown-rule",
        "a rule entry naming a rule this tool does not implement",
    ),
    (
        "override-missing-id",
        "an overlay overrides an id that no catalog defines",
    ),
    (
        "disable-missing-id",
        "an overlay disables an id that no catalog defines",
    ),
    (
        "io",
        "the file cannot be read (missing, not a regular file, over 16 MiB, not UTF-8)",
    ),
    (
        "bom",
        "the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
    ),
];

/// One error in a catalog file, with its position (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The source line, for the underlined display.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        file: &str,
        text: &str,
        pos: (usize, usize),
        message: impl Into<String>,
    ) -> Self {
        let source_line = text
            .lines()
            .nth(pos.0.saturating_sub(1))
            .map(str::to_string);
        // (callers with many diagnostics pass "" and set `source_line` from a line index)
        Diagnostic {
            code,
            file: file.to_string(),
            line: pos.0.max(1),
            column: pos.1.max(1),
            message: message.into(),
            source_line,
        }
    }
}

impl Diagnostic {
    /// The same diagnostic with its source line taken from `text` (the file's whole text).
    pub fn with_source(mut self, text: &str) -> Self {
        if let Some(l) = text.lines().nth(self.line - 1) {
            self.source_line = Some(l.to_string());
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: error[{}]: {}",
            self.file, self.line, self.column, self.code, self.message
        )?;
        if let Some(src) = &self.source_line {
            // Control, bidi and zero-width characters in a user file never reach the terminal raw.
            let shown: String = src
                .chars()
                .map(|c| {
                    if crate::sanitize::is_hidden(c) && c != '\t' {
                        '\u{fffd}'
                    } else {
                        c
                    }
                })
                .collect();
            // A long line (a whole overlay written as one flow sequence) is shown as a window
            // around the column: printing it whole for each of thousands of diagnostics would
            // make the output quadratic in the file's size.
            const WINDOW: usize = 80;
            let col = self.column.saturating_sub(1);
            let (shown, col) = if shown.chars().count() > 2 * WINDOW {
                let start = col.saturating_sub(WINDOW);
                let w: String = shown.chars().skip(start).take(2 * WINDOW).collect();
                if start > 0 {
                    (format!("...{w}..."), col - start + 3)
                } else {
                    (format!("{w}..."), col)
                }
            } else {
                (shown, col)
            };
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {shown}")?;
            let caret_pad: String = shown
                .chars()
                .take(col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "{pad} | {caret_pad}^")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_shown_around_the_column_and_hidden_characters_replaced() {
        let line = format!("{}X\u{202E}{}", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::new("bad-type", "f.yaml", &line, (1, 5001), "m");
        let s = d.to_string();
        assert!(s.len() < 600, "{}", s.len());
        assert!(!s.contains('\u{202E}'));
        let lines: Vec<&str> = s.lines().collect();
        let src = lines[2].split_once(" | ").unwrap().1;
        let caret = lines[3].split_once(" | ").unwrap().1;
        assert_eq!(src.chars().nth(caret.chars().count() - 1), Some('X'), "{s}");
    }

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for (c, d) in CODES {
            assert!(seen.insert(*c), "duplicate code {c}");
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{c}"
            );
            assert!(!d.is_empty());
        }
    }

    #[test]
    fn renders_with_caret() {
        let d = Diagnostic::new("bad-id", "f.yaml", "a: 1\n  - id: X\n", (2, 9), "bad id");
        let s = d.to_string();
        assert!(s.starts_with("f.yaml:2:9: error[bad-id]: bad id\n"), "{s}");
        assert!(s.ends_with("  |         ^"), "{s:?}");
    }
}
