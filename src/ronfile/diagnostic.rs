//! A problem found in a file, and how it is printed: `path:line:col: severity: message`,
//! then the field path, a source snippet with a caret, and an optional hint.

use std::fmt;

/// How bad a problem is: errors reject the file, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One located problem in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user named it.
    pub file: String,
    /// 1-based line; 0 when the problem has no place in the file (e.g. it is unreadable).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// How many characters the caret underlines.
    pub width: usize,
    pub message: String,
    /// Where in the data the problem sits, e.g. `events[3].effects[0].metric`.
    pub field: Option<String>,
    pub hint: Option<String>,
    /// The text of the line, for the snippet.
    pub line_text: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line: 0,
            col: 0,
            width: 1,
            message: message.into(),
            field: None,
            hint: None,
            line_text: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Places the diagnostic at `line:col` of `source` and keeps that line for the snippet.
    pub fn at(mut self, source: &str, line: usize, col: usize, width: usize) -> Self {
        self.line = line;
        self.col = col;
        self.width = width.max(1);
        self.line_text = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.chars().take(300).collect());
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        if !field.is_empty() {
            self.field = Some(field);
        }
        self
    }

    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// The first line only: `path:line:col: error: message`.
    pub fn headline(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line == 0 {
            format!("{}: {kind}: {}", self.file, self.message)
        } else {
            format!(
                "{}:{}:{}: {kind}: {}",
                self.file, self.line, self.col, self.message
            )
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        if let Some(field) = &self.field {
            writeln!(f, "  = field: {field}")?;
        }
        if let Some(text) = &self.line_text {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            // The line comes from an untrusted file: its control characters are shown
            // escaped, and the caret still lines up under the escaped text.
            let shown: Vec<String> = text
                .chars()
                .map(|c| crate::report::escape::terminal(c.encode_utf8(&mut [0; 4])))
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", shown.concat())?;
            let before: String = shown
                .iter()
                .take(self.col.saturating_sub(1))
                .map(|c| {
                    if c == "\t" {
                        "\t".to_string()
                    } else {
                        " ".repeat(c.chars().count())
                    }
                })
                .collect();
            writeln!(f, "{pad} | {before}{}", "^".repeat(self.width.min(80)))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// The candidate closest to `wrong`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean \"{c}\"?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_headline_field_snippet_and_hint() {
        let src = "line one\n  metric: \"isis\",\n";
        let d = Diagnostic::error("s.ron", "unknown metric \"isis\"")
            .at(src, 2, 11, 6)
            .with_field("rules[0].metric")
            .with_hint(did_you_mean("isis", ["isis_strength", "trust"]));
        let text = d.to_string();
        assert!(text.starts_with("s.ron:2:11: error: unknown metric \"isis\"\n"));
        assert!(text.contains("= field: rules[0].metric"));
        assert!(text.contains("2 |   metric: \"isis\","));
        assert!(text.contains("  |           ^^^^^^"));
        assert!(text.contains("did you mean \"isis_strength\"?"));
    }

    #[test]
    fn a_snippet_shows_control_characters_escaped_with_the_caret_in_place() {
        let src = "title: \"\x1b[31mred\", bad: 1\n";
        let text = Diagnostic::error("s.ron", "unknown field `bad`")
            .at(src, 1, 20, 3)
            .to_string();
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(
            text.contains("1 | title: \"\\x1b[31mred\", bad: 1\n"),
            "{text}"
        );
        let caret = text.lines().find(|l| l.contains('^')).unwrap();
        let line = text.lines().find(|l| l.starts_with("1 |")).unwrap();
        assert_eq!(caret.find('^'), line.find("bad"), "{text}");
    }

    #[test]
    fn no_hint_for_unrelated_names() {
        assert_eq!(did_you_mean("zzz", ["isis_strength", "trust"]), None);
    }
}
