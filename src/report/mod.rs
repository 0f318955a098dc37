//! Teacher-facing exports: the debrief of one game record (`debrief`) and the
//! summary of a folder of records, one per pair of students (`class_summary`), as
//! Markdown and CSV.

pub mod class_summary;
pub mod debrief;

/// Text made safe for a Markdown table cell or paragraph: no pipes or line breaks
/// from a record or scenario can break the layout.
pub fn md(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// One CSV line (RFC 4180): fields with a comma, quote or line break are quoted.
pub fn csv_row<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| {
            let f = f.as_ref();
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(
            super::csv_row(&["a", "b,c", "say \"hi\""]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\n"
        );
        assert_eq!(super::md("a|b\nc"), "a\\|b c");
    }
}
