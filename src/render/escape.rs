//! Per-format escaping: the only way a host value reaches an output file.
//!
//! Each output format gets two things: [`check`], which says whether the format can carry a value
//! at all (a KESL INI value cannot hold `"`, clamd.conf cannot hold `#`, no line format can hold a
//! newline), and an escaper that writes the value in the format's own quoting. The plan refuses a
//! value that [`check`] rejects, with a warning; the template helpers call [`check`] again and fail
//! the render if a value slipped through, so a bad value can never become a line of a config.

use serde::{Deserialize, Serialize};

/// The format of one output file, as named in a vendor descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Kaspersky task settings (`Name=Value`, quoted when holding a space; no escape for `"`).
    Ini,
    /// Dr.Web `drweb.ini` (`Key = "value", "value"`; no documented escape for `"` or `\`).
    DrwebIni,
    /// ClamAV `clamd.conf` (`Option value`; `#` may start a comment, blanks trimmed, no escapes).
    Clamd,
    /// One command-line argument per line (`clamscan.args`).
    Args,
    /// A POSIX shell script; values single-quoted.
    Sh,
    Json,
    Xml,
    Csv,
    /// Plain text, one value per line.
    Text,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ini => "ini",
            Format::DrwebIni => "drweb-ini",
            Format::Clamd => "clamd",
            Format::Args => "args",
            Format::Sh => "sh",
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Csv => "csv",
            Format::Text => "text",
        }
    }

    /// The escaping used for a bare `{{value}}` in a template of this format (the registry's
    /// escape function). Templates should call the explicit helpers; this is the safety net.
    pub fn default_escape(self, s: &str) -> String {
        match self {
            Format::Sh => sh(s),
            Format::Json => json(s),
            Format::Xml => xml(s),
            Format::Csv => csv(s),
            _ => one_line(s),
        }
    }

    /// The line-comment prefix, where the format has comments.
    pub fn comment_prefix(self) -> Option<&'static str> {
        match self {
            Format::Ini => Some("; "),
            Format::DrwebIni | Format::Clamd | Format::Sh => Some("# "),
            Format::Args | Format::Json | Format::Csv | Format::Text => None,
            Format::Xml => None,
        }
    }
}

/// Whether `format` can carry `value` exactly. `Err` says why not, for the warning.
pub fn check(format: Format, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("empty value".into());
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(format!(
            "control character U+{:04X} (a newline or CR could start a new line)",
            c as u32
        ));
    }
    match format {
        Format::Ini => {
            if value.contains('"') {
                return Err("KESL settings files have no escape for a double quote".into());
            }
            if value != value.trim() {
                return Err("KESL trims blanks around a value".into());
            }
        }
        Format::DrwebIni => {
            if value.contains('"') || value.contains('\\') {
                return Err(
                    "Dr.Web quoted values have no documented escape for `\"` or `\\`".into(),
                );
            }
            // "The ';' or '#' characters ... indicate the beginning of a comment" (Dr.Web 11.0
            // dw_9_configfile_struct.htm); no exception for quoted values is documented.
            if value.contains(['#', ';']) {
                return Err("`#` and `;` start a comment in drweb.ini, even inside quotes".into());
            }
        }
        Format::Clamd => {
            if value.contains('#') {
                return Err("clamd.conf may treat `#` as the start of a comment".into());
            }
            if value != value.trim() {
                return Err("clamd.conf trims blanks around a value".into());
            }
            if value.len() > 480 {
                return Err("ClamAV matches only the first 512 characters of a path".into());
            }
        }
        Format::Args | Format::Text => {
            if value != value.trim() {
                return Err("blanks around a value are lost in a one-per-line list".into());
            }
        }
        Format::Sh | Format::Json | Format::Xml | Format::Csv => {}
    }
    Ok(())
}

/// A single line with every control character replaced by `?` (the safety-net escape).
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Text for a comment line: control characters shown as `\xNN`, bidi overrides and zero-width
/// characters as `\u{XXXX}` (a reviewer reads the comment; see [`crate::sanitize`]), nothing that
/// could end the comment (`--` for XML is handled by [`xml_comment`]).
pub fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !c.is_control() && crate::sanitize::is_hidden(c) {
            out.push_str(&crate::sanitize::visible(c.encode_utf8(&mut [0u8; 4])));
        } else if c.is_control() {
            let mut b = [0u8; 4];
            for x in c.encode_utf8(&mut b).bytes() {
                out.push_str(&format!("\\x{x:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Text inside `<!-- ... -->`: as [`comment`], and no `--` (which would end or break it).
pub fn xml_comment(s: &str) -> String {
    let mut c = comment(s);
    while c.contains("--") {
        c = c.replace("--", "- -");
    }
    if c.ends_with('-') {
        c.push(' ');
    }
    c
}

/// A POSIX shell word: single-quoted, `'` written as `'\''`. No expansion of any kind happens
/// inside single quotes, so `$()`, backticks and globs stay literal.
pub fn sh(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A JSON string literal, quotes included.
pub fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// XML text or attribute value (for double-quoted attributes).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push_str(&format!("&#x{:x};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A CSV cell (RFC 4180), always quoted. A cell a spreadsheet would read as a formula
/// (`= + - @`, tab, CR at the start) gets a leading `'` so it is shown, never evaluated.
pub fn csv(s: &str) -> String {
    let neutral = match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

/// A KESL settings value: bare when it is plain, double-quoted when it holds a space or a
/// character an INI reader might take for syntax. Fails where [`check`] fails.
pub fn ini(s: &str) -> Result<String, String> {
    check(Format::Ini, s)?;
    if s.chars()
        .any(|c| c.is_whitespace() || matches!(c, ';' | '#' | '=' | '[' | ']'))
    {
        Ok(format!("\"{s}\""))
    } else {
        Ok(s.to_string())
    }
}

/// A Dr.Web list item: always double-quoted.
pub fn drweb(s: &str) -> Result<String, String> {
    check(Format::DrwebIni, s)?;
    Ok(format!("\"{s}\""))
}

/// A clamd.conf value: checked, written as is (clamd has no escapes).
pub fn clamd(s: &str) -> Result<String, String> {
    check(Format::Clamd, s)?;
    Ok(s.to_string())
}

/// Escape a literal string for a POSIX extended regular expression: every character with a
/// meaning (`. [ ] ( ) * + ? { } | ^ $ \`) gets a backslash. The result matches only `s`.
pub fn ere_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '.' | '[' | ']' | '(' | ')' | '*' | '+' | '?' | '{' | '}' | '|' | '^' | '$' | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Normalise an absolute path: no trailing `/` (except `/` itself), no `//`; refuses relative
/// paths and `.`/`..` components, which the products would not resolve.
pub fn normalise_abs(path: &str) -> Result<String, String> {
    if !path.starts_with('/') {
        return Err("not an absolute path".into());
    }
    let mut parts = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err("path holds a `.` or `..` component".into()),
            s => parts.push(s),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

/// `ExcludePath` regex for a directory: `^<escaped>/`. ClamAV appends a `/` to the candidate
/// path when the pattern ends in `/`, so the directory itself and everything under it match,
/// and a sibling with the same prefix (`/x/excl2`) does not.
pub fn clamd_regex_dir(path: &str) -> Result<String, String> {
    let p = normalise_abs(path)?;
    if p == "/" {
        return Err("refusing to exclude `/`".into());
    }
    clamd(&format!("^{}/", ere_literal(&p)))
}

/// `ExcludePath` regex for one file: `^<escaped>$`.
pub fn clamd_regex_file(path: &str) -> Result<String, String> {
    let p = normalise_abs(path)?;
    if p == "/" {
        return Err("refusing to exclude `/`".into());
    }
    clamd(&format!("^{}$", ere_literal(&p)))
}

/// `OnAccessExcludePath` for ClamAV 1.5 and later, which reads the value as an unanchored POSIX
/// extended regex matched against every watched directory (clamav-1.5.3
/// clamonacc/inotif/inotif.c:531-557, NEWS.md 1.5.0): anchored at both ends and escaped, so it
/// names this one directory; the hierarchy removal then covers its subdirectories.
pub fn onacc_regex(path: &str) -> Result<String, String> {
    let p = normalise_abs(path)?;
    if p == "/" {
        return Err("refusing to exclude `/`".into());
    }
    clamd(&format!("^{}$", ere_literal(&p)))
}

/// `OnAccessExcludePath` value: the normalised absolute directory, no trailing `/` (clamonacc
/// silently ignores a value with one).
pub fn onacc_path(path: &str) -> Result<String, String> {
    let p = normalise_abs(path)?;
    if p == "/" {
        return Err("refusing to exclude `/`".into());
    }
    clamd(&p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_refuse_what_they_cannot_carry() {
        assert!(check(Format::Ini, "/a \"b\"").is_err());
        assert!(check(Format::Ini, "/a b").is_ok());
        assert!(check(Format::Clamd, "/a#b").is_err());
        assert!(check(Format::DrwebIni, "/a#b").is_err());
        assert!(check(Format::DrwebIni, "/a;b").is_err());
        assert_eq!(onacc_regex("/var/x.y/").unwrap(), "^/var/x\\.y$");
        assert!(check(Format::Clamd, "/a b ").is_err());
        assert!(check(Format::DrwebIni, "/a\\b").is_err());
        for f in [
            Format::Sh,
            Format::Json,
            Format::Xml,
            Format::Csv,
            Format::Text,
        ] {
            assert!(check(f, "x\nExcludePath ^/").is_err(), "{f:?}");
            assert!(check(f, "x\r").is_err(), "{f:?}");
            assert!(check(f, "").is_err(), "{f:?}");
        }
        assert_eq!(ini("/a b").unwrap(), "\"/a b\"");
        assert_eq!(ini("/a/b").unwrap(), "/a/b");
    }

    #[test]
    fn csv_neutralises_formulas() {
        assert_eq!(csv("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
        assert_eq!(csv("+1"), "\"'+1\"");
        assert_eq!(csv("-1"), "\"'-1\"");
        assert_eq!(csv("@x"), "\"'@x\"");
        assert_eq!(csv("/a \"b\""), "\"/a \"\"b\"\"\"");
    }

    #[test]
    fn clamd_regexes_are_anchored_and_end_right() {
        assert_eq!(
            clamd_regex_dir("/var/lib/postgresql/15/main/").unwrap(),
            "^/var/lib/postgresql/15/main/"
        );
        assert_eq!(clamd_regex_file("/a/b.log").unwrap(), "^/a/b\\.log$");
        assert!(clamd_regex_dir("/").is_err());
        assert!(clamd_regex_dir("rel/x").is_err());
        assert!(clamd_regex_dir("/a/#b").is_err());
        assert_eq!(onacc_path("/a//b/").unwrap(), "/a/b");
        assert!(onacc_path("/a/../b").is_err());
    }

    #[test]
    fn xml_comment_never_holds_double_dash() {
        let c = xml_comment("a--b---c-");
        assert!(!c.contains("--"), "{c}");
        assert!(!c.ends_with('-'));
    }

    /// POSIX ERE matching as ClamAV does it (unanchored `regexec`, trailing-`/` rule), modelled
    /// with the `regex` crate, whose syntax agrees with ERE for every escape we write.
    fn clam_match(pattern: &str, path: &str) -> bool {
        let re = regex::Regex::new(pattern).expect("escaped regex compiles");
        if pattern.ends_with('/') {
            re.is_match(&format!("{path}/"))
        } else {
            re.is_match(path)
        }
    }

    fn path_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec("[a-z.+*?()\\[\\]{}|^$\\\\ '\"`-]{1,6}", 1..5)
            .prop_map(|v| format!("/{}", v.join("/")))
            .prop_filter("no dot components", |p| {
                p.split('/').all(|s| s != "." && s != "..")
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// A quoted word comes back from a real `sh` byte for byte: nothing expanded, nothing split.
        #[test]
        fn sh_quoting_roundtrips_through_a_real_shell(s in "[^\u{0}]{0,40}") {
            let script = format!("printf %s {}", sh(&s));
            let out = std::process::Command::new("sh").arg("-c").arg(&script).output().unwrap();
            prop_assert!(out.status.success());
            prop_assert_eq!(String::from_utf8(out.stdout).unwrap(), s);
        }
    }

    proptest! {
        #[test]
        fn json_roundtrips(s in any::<String>()) {
            let back: String = serde_json::from_str(&json(&s)).unwrap();
            prop_assert_eq!(back, s);
        }

        #[test]
        fn xml_roundtrips_in_an_attribute(s in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]*") {
            let doc = format!("<a v=\"{}\">{}</a>", xml(&s), xml(&s));
            let parsed = roxmltree::Document::parse(&doc).unwrap();
            let a = parsed.root_element();
            prop_assert_eq!(a.children().count() <= 1, true);
            prop_assert_eq!(a.attribute("v").unwrap(), s.as_str());
            prop_assert_eq!(a.text().unwrap_or(""), s.as_str());
        }

        #[test]
        fn csv_cell_roundtrips(s in "[^\r\n]*") {
            let cell = csv(&s);
            prop_assert!(cell.starts_with('"') && cell.ends_with('"'));
            let inner = &cell[1..cell.len() - 1];
            let back = inner.replace("\"\"", "\"");
            let expect = if s.starts_with(['=', '+', '-', '@', '\t']) { format!("'{s}") } else { s.clone() };
            prop_assert_eq!(back, expect);
            // no lone quote inside: every quote is doubled
            prop_assert!(!inner.replace("\"\"", "").contains('"'));
        }

        #[test]
        fn escaped_dir_regex_matches_only_itself_and_below(p in path_strategy(), q in path_strategy()) {
            let re = clamd_regex_dir(&p);
            if p.contains('#') || p.len() > 480 { return Ok(()); }
            let re = re.unwrap();
            prop_assert!(clam_match(&re, &p));
            let child = format!("{p}/x");
            prop_assert!(clam_match(&re, &child));
            let sib = format!("{p}2");
            prop_assert!(!clam_match(&re, &sib));
            let in_q = q == p || q.starts_with(&format!("{p}/"));
            prop_assert_eq!(clam_match(&re, &q), in_q, "re {} q {}", re, q);
        }

        #[test]
        fn escaped_file_regex_matches_only_itself(p in path_strategy(), q in path_strategy()) {
            let re = clamd_regex_file(&p).unwrap();
            prop_assert!(clam_match(&re, &p));
            prop_assert_eq!(clam_match(&re, &q), q == p);
        }
    }
}
