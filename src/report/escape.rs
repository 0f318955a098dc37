//! Untrusted text (scenario titles, news, option and player names, record fields)
//! made safe for the medium it is written to: Markdown, CSV, or a terminal. A
//! scenario or record may come from a stranger; its text must not run script in a
//! rendered report, a formula in a spreadsheet, or a command in a terminal.

/// Text for a Markdown paragraph or table cell: HTML-significant characters become
/// entities (no raw `<script>` or `<img onerror>` reaches a renderer), pipes and
/// brackets are backslash-escaped (no broken table, no injected link), and line
/// breaks become spaces.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '&' => out += "&amp;",
            '\\' | '|' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out += &visible(c),
            c => out.push(c),
        }
    }
    out
}

/// Text as a Markdown code span: a backtick in it cannot close the span early.
/// HTML-significant characters are still turned into entities, because a code span
/// inside an HTML block is not protected.
pub fn markdown_code(text: &str) -> String {
    let mut inner = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => inner += "&lt;",
            '>' => inner += "&gt;",
            '&' => inner += "&amp;",
            '`' => inner.push('\''),
            // A pipe ends a table cell even inside a code span.
            '|' => inner += "\\|",
            '\n' | '\r' => inner.push(' '),
            c if c.is_control() => inner += &visible(c),
            c => inner.push(c),
        }
    }
    format!("`{inner}`")
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break;
/// and a field a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`,
/// tab or carriage return) gets a leading `'`, unless it is just a number.
pub fn csv_cell(text: &str) -> String {
    let formula =
        text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// One CSV line of [`csv_cell`]s.
pub fn csv_row<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_cell(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Text for a terminal: control characters (escape sequences, backspace, carriage
/// return, C1 controls) and the bidirectional overrides that can make text read
/// differently from what it is are shown as `\x1b`, `\u{202e}`; newlines and tabs
/// stay.
pub fn terminal(text: &str) -> String {
    if !text.chars().any(needs_terminal_escape) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if needs_terminal_escape(c) {
                visible(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn needs_terminal_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `\x1b` for an ASCII control, `\u{9b}` for any other character.
fn visible(c: char) -> String {
    if c.is_ascii() {
        format!("\\x{:02x}", c as u32)
    } else {
        format!("\\u{{{:x}}}", c as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_turns_html_into_text() {
        assert_eq!(
            markdown("<script>alert(1)</script> & <img src=x onerror=y>"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;"
        );
        assert_eq!(markdown("a|b\nc\r"), "a\\|b c ");
        assert_eq!(markdown("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(markdown("Player A's move"), "Player A's move");
    }

    #[test]
    fn a_code_span_cannot_be_closed_from_inside() {
        assert_eq!(markdown_code("a`<b>|c"), "`a'&lt;b&gt;\\|c`");
        assert_eq!(markdown_code("us.score"), "`us.score`");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("+1+1"), "'+1+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(csv_cell("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_cell("-=1,2"), "\"'-=1,2\"");
        assert_eq!(csv_cell("-3.5"), "-3.5");
        assert_eq!(csv_cell("+2"), "+2");
        assert_eq!(
            csv_row(&["a", "b,c", "say \"hi\""]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\n"
        );
    }

    #[test]
    fn terminal_shows_control_characters() {
        assert_eq!(terminal("\x1b[2J\x07ok\n\tx"), "\\x1b[2J\\x07ok\n\tx");
        assert_eq!(
            terminal("a\rb\u{9b}c\u{202e}d"),
            "a\\x0db\\u{9b}c\\u{202e}d"
        );
        assert_eq!(terminal("“quoted” → fine"), "“quoted” → fine");
    }
}
