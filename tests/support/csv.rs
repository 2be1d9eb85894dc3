//! A strict RFC 4180 reader for the export tests: quoted fields, doubled quotes, CRLF records,
//! no bare LF outside quotes, a CRLF after the last record.

/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(
                        chars.next(),
                        Some('\n'),
                        "CR not followed by LF outside quotes"
                    );
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                '\n' => panic!("bare LF outside quotes: records must end with CRLF"),
                _ => field.push(c),
            }
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(field.is_empty() && row.is_empty(), "last record lacks CRLF");
    rows
}
