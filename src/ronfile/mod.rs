//! Reading untrusted RON files: scenarios, strategies, saves and game records all
//! come through here, so every one gets the same limits and the same located errors.

mod diagnostic;
mod locate;

pub use diagnostic::{Diagnostic, Severity, did_you_mean};
pub use locate::{PathIndex, Place};

use serde::de::DeserializeOwned;
use std::path::Path;

/// Scenarios, strategies and settings larger than this are refused before parsing:
/// the largest shipped scenario is about 60 KB.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Deepest nesting of brackets a file may use.
pub const MAX_DEPTH: usize = 64;

/// A file's name and text, kept to place diagnostics found after parsing.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub name: String,
    pub text: String,
}

impl SourceText {
    /// A diagnostic at the value of `field` (or its nearest ancestor in the file).
    pub fn diagnostic_at(
        &self,
        index: &PathIndex,
        field: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let d = Diagnostic::error(&self.name, message).with_field(field);
        match index.find(field) {
            Some(p) => d.at(&self.text, p.line, p.col, p.width),
            None => d.at(&self.text, 1, 1, 1),
        }
    }
}

/// Reads a scenario, strategy or settings file (at most [`MAX_FILE_BYTES`]); a
/// missing, unreadable, oversized or special file (fifo, device) becomes a
/// diagnostic, never a panic or a hang.
pub fn read(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    read_limited(path, MAX_FILE_BYTES)
}

/// [`read`] with the limit of another kind of file, e.g. [`crate::sim::record::MAX_RECORD_BYTES`].
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, Diagnostic> {
    let name = path.display().to_string();
    crate::files::read_bounded(path, limit).map_err(|e| match e {
        crate::files::ReadError::TooBig { limit } => too_big(&name, limit),
        other => Diagnostic::error(&name, other.to_string()),
    })
}

fn too_big(name: &str, limit: usize) -> Diagnostic {
    Diagnostic::error(
        name,
        format!("the file is larger than the limit of {limit} bytes"),
    )
    .with_hint(Some("split it, or remove what is not needed".into()))
}

/// Parses `bytes` as a `T`, with the limits above; errors carry `line:col`, the
/// field path serde was in, and a hint.
pub fn parse<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<(T, SourceText), Diagnostic> {
    parse_limited(name, bytes, MAX_FILE_BYTES)
}

/// [`parse`] with the size limit of another kind of file.
pub fn parse_limited<T: DeserializeOwned>(
    name: &str,
    bytes: &[u8],
    limit: usize,
) -> Result<(T, SourceText), Diagnostic> {
    if bytes.len() > limit {
        return Err(too_big(name, limit));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(Diagnostic::error(name, "the file is not UTF-8 text")
                .at(good, line, col, 1)
                .with_hint(Some("save it as UTF-8 plain text".into())));
        }
    };
    if text.trim().is_empty() {
        return Err(Diagnostic::error(name, "the file is empty")
            .at(text, 1, 1, 1)
            .with_hint(Some(
                "see scenarios/README.md for a complete example".into(),
            )));
    }
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_DEPTH);
    let located = |e: ron::error::SpannedError, field: String| {
        let rest: String = text
            .lines()
            .nth(e.span.start.line.saturating_sub(1))
            .map(|l| l.chars().skip(e.span.start.col.saturating_sub(1)).collect())
            .unwrap_or_default();
        let (message, hint) = explain(&e.code, &rest);
        Diagnostic::error(name, message)
            .at(text, e.span.start.line, e.span.start.col, 1)
            .with_field(field)
            .with_hint(hint)
    };
    let mut de = ron::de::Deserializer::from_str_with_options(text, &options)
        .map_err(|e| located(e, String::new()))?;
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let field = e.path().to_string();
            // serde_path_to_error says "." or "?" when it has no path to give.
            let field = if field == "." || field == "?" {
                String::new()
            } else {
                field
            };
            let spanned = de.span_error(e.into_inner());
            return Err(located(spanned, field));
        }
    };
    if let Err(code) = de.end() {
        return Err(located(de.span_error(code), String::new()));
    }
    Ok((
        value,
        SourceText {
            name: name.to_string(),
            text: text.to_string(),
        },
    ))
}

/// A message in the file's terms, and a hint where one helps; `rest` is the text
/// of the line from where the parser stopped.
fn explain(code: &ron::Error, rest: &str) -> (String, Option<String>) {
    use ron::Error as E;
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            format!("unknown field `{found}`{}", in_outer(outer)),
            did_you_mean(found, expected.iter().copied())
                .or(Some(format!("expected one of {}", list(expected)))),
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => (
            format!("unknown variant `{found}`{}", in_outer(outer)),
            did_you_mean(found, expected.iter().copied())
                .or(Some(format!("expected one of {}", list(expected)))),
        ),
        E::MissingStructField { field, outer } => (
            format!("missing field `{field}`{}", in_outer(outer)),
            Some(format!(
                "add `{field}: ...`; scenarios/README.md lists every field"
            )),
        ),
        E::DuplicateStructField { field, outer } => (
            format!("field `{field}` is given twice{}", in_outer(outer)),
            Some("keep one of them".into()),
        ),
        // `turns: 13.0`: the whole number was read, and the parser stopped at `.0`.
        E::ExpectedComma if is_fraction(rest) => (
            "expected a whole number, found a fraction".into(),
            Some("this field counts: write e.g. `13`, without `.0`".into()),
        ),
        E::ExpectedComma => (
            "expected a comma".into(),
            Some("items and fields are separated by `,`".into()),
        ),
        E::ExpectedInteger | E::IntegerOutOfBounds | E::InvalidIntegerDigit { .. } => (
            "expected a whole number".into(),
            Some(
                "this field counts: write e.g. `13`, without a decimal point, sign or quotes"
                    .into(),
            ),
        ),
        E::ExpectedFloat => (
            "expected a number".into(),
            Some("write e.g. `0.25` or `3`, without quotes".into()),
        ),
        E::ExpectedString => (
            "expected a string".into(),
            Some("put text and ids in double quotes: `\"us\"`".into()),
        ),
        E::ExpectedBoolean => ("expected `true` or `false`".into(), None),
        E::InvalidValueForType { expected, found } => (
            format!("expected {expected}, found {found}"),
            Some("scenarios/README.md gives the type of every field".into()),
        ),
        E::ExceededRecursionLimit => (
            format!("nesting is deeper than {MAX_DEPTH} levels"),
            Some("flatten the structure".into()),
        ),
        E::Eof => (
            "unexpected end of file".into(),
            Some("a bracket or parenthesis may be unclosed".into()),
        ),
        E::TrailingCharacters => (
            "unexpected text after the end of the value".into(),
            Some("there may be an extra closing bracket".into()),
        ),
        E::ExpectedStringEnd => (
            "a string is not closed".into(),
            Some("add the closing `\"`".into()),
        ),
        other => (other.to_string(), None),
    }
}

/// Whether `rest` starts with a decimal fraction such as `.0`.
fn is_fraction(rest: &str) -> bool {
    let mut chars = rest.chars();
    chars.next() == Some('.') && chars.next().is_some_and(|c| c.is_ascii_digit())
}

fn in_outer(outer: &Option<String>) -> String {
    outer
        .as_ref()
        .map(|o| format!(" in `{o}`"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Small {
        id: String,
        list: Vec<u32>,
        note: Option<String>,
    }

    #[test]
    fn parses_with_implicit_some() {
        let (v, _) = parse::<Small>("t.ron", b"(id: \"a\", list: [1, 2], note: \"n\")").unwrap();
        assert_eq!(v.note.as_deref(), Some("n"));
    }

    #[test]
    fn missing_comma_is_located() {
        let e = parse::<Small>("t.ron", b"(\n  id: \"a\"\n  list: [1],\n)").unwrap_err();
        assert_eq!((e.line, e.col), (3, 3));
        assert_eq!(e.message, "expected a comma");
    }

    #[test]
    fn unknown_field_gets_a_hint() {
        let e = parse::<Small>("t.ron", b"(id: \"a\", lsit: [1])").unwrap_err();
        assert!(e.message.contains("unknown field `lsit`"), "{}", e.message);
        assert_eq!(e.hint.as_deref(), Some("did you mean \"list\"?"));
    }

    #[test]
    fn hostile_inputs_are_errors_not_panics() {
        let deep = "(".repeat(100_000) + &")".repeat(100_000);
        for bad in [
            &b""[..],
            b"   ",
            &[0xff, 0xfe, 0x00],
            deep.as_bytes(),
            b"(id: \"unterminated",
        ] {
            assert!(parse::<Small>("t.ron", bad).is_err());
        }
        let huge = vec![b' '; MAX_FILE_BYTES + 1];
        assert!(
            parse::<Small>("t.ron", &huge)
                .unwrap_err()
                .message
                .contains("limit")
        );
    }
}
