//! Text for people: the one place that decides which characters are shown as escapes.
//!
//! Host values (process names, command lines, paths, folder names) are chosen by whoever runs a
//! process or creates a directory. Shown raw, a control character can rewrite a terminal line or
//! break a table row, a bidi override (U+202E) makes `/tmp/exe.sh` read as another path in an
//! HTML or Markdown review, and a zero-width character makes two different paths look the same.
//! [`visible`] turns each of those into a visible escape; everything else passes unchanged.
//!
//! Used by the exports (HTML, Markdown, CSV cells), the check table and the warnings on stderr.
//! Machine formats (JSON, YAML, vendor configs) carry the exact value through their own escaping.

use std::borrow::Cow;

/// Whether `c` must not be shown raw to a person: control characters (C0, DEL, C1), bidi
/// embeddings, overrides, isolates and marks, zero-width and other invisible format characters,
/// and the Unicode line and paragraph separators.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'                 // soft hyphen
            | '\u{034F}'               // combining grapheme joiner
            | '\u{061C}'               // Arabic letter mark (bidi)
            | '\u{115F}' | '\u{1160}'  // Hangul fillers
            | '\u{17B4}' | '\u{17B5}'  // Khmer invisible vowels
            | '\u{180B}'..='\u{180F}'  // Mongolian variation selectors, vowel separator
            | '\u{200B}'..='\u{200F}'  // zero width space/non-joiner/joiner, LRM, RLM
            | '\u{2028}' | '\u{2029}'  // line and paragraph separators
            | '\u{202A}'..='\u{202E}'  // LRE, RLE, PDF, LRO, RLO
            | '\u{2060}'..='\u{206F}'  // word joiner, invisible operators, LRI..PDI, deprecated
            | '\u{3164}'               // Hangul filler
            | '\u{FE00}'..='\u{FE0F}'  // variation selectors
            | '\u{FEFF}'               // zero width no-break space, BOM
            | '\u{FFA0}'               // halfwidth Hangul filler
            | '\u{FFF9}'..='\u{FFFB}'  // interlinear annotation
            | '\u{E0000}'..='\u{E007F}' // tags
        )
}

/// `s` with every [`is_hidden`] character made visible: a C0 control or DEL as `\xNN` (so a
/// newline is `\x0a`), any other as `\u{XXXX}` (`\u{202E}`). Borrowed when nothing changes.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !is_hidden(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_zero_width_and_controls_are_escaped() {
        assert_eq!(visible("/tmp/\u{202E}hs.exe"), "/tmp/\\u{202E}hs.exe");
        assert_eq!(
            visible("a\u{200B}b\u{2066}c\u{FEFF}"),
            "a\\u{200B}b\\u{2066}c\\u{FEFF}"
        );
        assert_eq!(visible("x\ny\x1b[31m\u{85}"), "x\\x0ay\\x1b[31m\\u{0085}");
        assert!(matches!(visible("/var/lib/пути/数据"), Cow::Borrowed(_)));
        // comments of rendered files are read by people too
        assert_eq!(
            crate::render::escape::comment("a\u{202E}b\n"),
            "a\\u{202E}b\\x0a"
        );
    }

    proptest::proptest! {
        #[test]
        fn output_never_holds_a_hidden_character(s in "\\PC*|[\u{0}-\u{3000}]*") {
            let v = visible(&s);
            proptest::prop_assert!(!v.chars().any(is_hidden));
        }
    }
}
