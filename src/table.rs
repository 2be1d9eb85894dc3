//! The one writer of plain-text tables (`catalog show`, `catalog lint --codes`, `vendors`): column
//! widths from the content, two spaces between columns, the last column unpadded. Every cell goes
//! through the terminal sanitizer, so a control or bidi character in a catalog or vendor file can
//! neither break the columns nor reorder what the reader sees.

use crate::sanitize::visible;

/// Rows of cells, the first row usually the header; rows may have fewer cells than the widest.
pub fn render<S: AsRef<str>>(rows: &[Vec<S>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| visible(c.as_ref()).into_owned()).collect())
        .collect();
    let n = cells.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in &cells {
        for (i, cell) in r.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < r.len() {
                out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn widths_follow_the_content_and_hidden_characters_are_shown() {
        let t = render(&[
            vec!["ID", "KIND", "VALUE"],
            vec!["a-long-id", "dir", "/x"],
            vec!["b", "file\u{202e}", "/y"],
        ]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "ID         KIND          VALUE");
        assert_eq!(lines[1], "a-long-id  dir           /x");
        assert_eq!(lines[2], "b          file\\u{202E}  /y");
        assert!(!t.contains('\u{202e}'));
    }
}
