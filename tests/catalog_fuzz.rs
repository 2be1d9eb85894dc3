//! A catalog file is user input: whatever its bytes, loading returns entries or diagnostics with
//! a position inside the file, never a panic.

use avexclude::catalog::{self, SourceFile};
use proptest::prelude::*;

const BASE: &str = include_str!("../exclusions/elma365.yaml");

fn check_positions(text: &str) {
    let f = SourceFile {
        name: "x.yaml".into(),
        text: text.to_string(),
    };
    if let Err(diags) = catalog::load(&[f]) {
        assert!(!diags.is_empty());
        let lines = text.lines().count().max(1) + 1;
        for d in diags {
            assert!(d.line >= 1 && d.line <= lines, "{d}");
            assert!(d.column >= 1, "{d}");
            let _ = d.to_string();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        check_positions(&s);
    }

    #[test]
    fn a_damaged_catalog_never_panics(cut in 0usize..BASE.len(), len in 1usize..40, insert in "[:{}\\[\\]\"'#\\- \n\tA-Za-z0-9{}]{0,6}") {
        let mut start = cut;
        while !BASE.is_char_boundary(start) { start -= 1; }
        let mut end = (start + len).min(BASE.len());
        while !BASE.is_char_boundary(end) { end -= 1; }
        let text = format!("{}{}{}", &BASE[..start], insert, &BASE[end..]);
        check_positions(&text);
    }
}
