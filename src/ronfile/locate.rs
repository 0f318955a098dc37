//! Finds where a field path (`players[0].decisions[2].options[1].id`) sits in RON text.
//!
//! serde hands a deserializer no positions, so semantic errors found after parsing
//! are placed by re-reading the text: a small tokenizer walks the nesting with an
//! explicit stack (no recursion, so hostile nesting cannot overflow it) and records
//! where each value starts. Conventions, matching the paths the validators build:
//! named fields append `.name`; list items append `[i]`; map entries append `.key`;
//! the first unnamed element of `Name(..)` shares its parent's path, so
//! `Not(Chose(player: ..))` places `when.player`.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Open(char),
    Close,
    Comma,
    Colon,
    Ident,
    Literal,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    /// Byte range in the source, to read a field name back.
    start: usize,
    end: usize,
    line: usize,
    col: usize,
    /// Width in characters, for the caret.
    width: usize,
}

/// Where a value starts: line, column (both 1-based) and its width in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub col: usize,
    pub width: usize,
}

/// Every field path in a RON document and where its value starts.
#[derive(Debug, Default)]
pub struct PathIndex {
    places: HashMap<String, Place>,
}

impl PathIndex {
    pub fn build(src: &str) -> Self {
        let tokens = tokenize(src);
        let mut places = HashMap::new();
        walk(src, &tokens, &mut places);
        PathIndex { places }
    }

    /// The place of `path`, or of its nearest recorded ancestor.
    pub fn find(&self, path: &str) -> Option<Place> {
        let mut path = path;
        loop {
            if let Some(p) = self.places.get(path) {
                return Some(*p);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

fn tokenize(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    // Byte offset of each char, plus the end, to slice names out of `src`.
    let mut offsets: Vec<usize> = src.char_indices().map(|(b, _)| b).collect();
    offsets.push(src.len());
    let mut tokens = Vec::new();
    let tok = |kind: Tok, i: usize, j: usize, line: usize, col: usize| Token {
        kind,
        start: offsets[i.min(chars.len())],
        end: offsets[j.min(chars.len())],
        line,
        col,
        width: j.saturating_sub(i).max(1),
    };
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advances over chars[i..j], keeping line and column right.
    let advance = |i: &mut usize, j: usize, line: &mut usize, col: &mut usize| {
        while *i < j {
            if chars[*i] == '\n' {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let (start_line, start_col) = (line, col);
        let end = if c.is_whitespace() {
            let next = i + 1;
            advance(&mut i, next, &mut line, &mut col);
            continue;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            let mut j = i;
            while j < chars.len() && chars[j] != '\n' {
                j += 1;
            }
            advance(&mut i, j, &mut line, &mut col);
            continue;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let (mut j, mut depth) = (i + 2, 1);
            while j < chars.len() && depth > 0 {
                if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 1;
                } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 1;
                }
                j += 1;
            }
            advance(&mut i, j.min(chars.len()), &mut line, &mut col);
            continue;
        } else if c == '"' || c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            tokens.push(tok(Tok::Literal, i, j + 1, line, col));
            j + 1
        } else if c == 'r' && matches!(chars.get(i + 1), Some('"') | Some('#')) {
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (1..=hashes).all(|h| chars.get(j + h) == Some(&'#')) {
                    j += hashes;
                    break;
                }
                j += 1;
            }
            tokens.push(tok(Tok::Literal, i, j + 1, line, col));
            j + 1
        } else if "([{".contains(c) {
            tokens.push(tok(Tok::Open(c), i, i + 1, line, col));
            i + 1
        } else if ")]}".contains(c) {
            tokens.push(tok(Tok::Close, i, i + 1, line, col));
            i + 1
        } else if c == ',' {
            tokens.push(tok(Tok::Comma, i, i + 1, line, col));
            i + 1
        } else if c == ':' {
            tokens.push(tok(Tok::Colon, i, i + 1, line, col));
            i + 1
        } else {
            let mut j = i;
            while j < chars.len() && !chars[j].is_whitespace() && !"()[]{},:\"'/".contains(chars[j])
            {
                j += 1;
            }
            let j = j.max(i + 1);
            let kind = if c.is_alphabetic() || c == '_' {
                Tok::Ident
            } else {
                Tok::Literal
            };
            tokens.push(tok(kind, i, j, start_line, start_col));
            j
        };
        advance(&mut i, end.min(chars.len()), &mut line, &mut col);
    }
    tokens
}

struct Frame {
    open: char,
    base: String,
    index: usize,
}

fn walk(src: &str, tokens: &[Token], places: &mut HashMap<String, Place>) {
    let mut stack: Vec<Frame> = Vec::new();
    // The path the next opening bracket takes, when a name like `Chose` precedes it.
    let mut pending: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        match t.kind {
            Tok::Comma => {
                if let Some(f) = stack.last_mut() {
                    f.index += 1;
                }
                pending = None;
            }
            Tok::Close => {
                stack.pop();
                pending = None;
            }
            Tok::Colon => {}
            _ => {
                let path = if let Some(p) = pending.take() {
                    p
                } else {
                    match element_path(src, &stack, tokens, i) {
                        Some((path, skip)) => {
                            // A map entry is placed at its key: errors there are about keys.
                            if skip > 0 && stack.last().is_some_and(|f| f.open == '{') {
                                let k = tokens[i];
                                places.entry(path.clone()).or_insert(Place {
                                    line: k.line,
                                    col: k.col,
                                    width: k.width,
                                });
                            }
                            i += skip;
                            path
                        }
                        None => String::new(),
                    }
                };
                let t = tokens[i];
                places.entry(path.clone()).or_insert(Place {
                    line: t.line,
                    col: t.col,
                    width: t.width,
                });
                match t.kind {
                    Tok::Open(open) => stack.push(Frame {
                        open,
                        base: path,
                        index: 0,
                    }),
                    Tok::Ident if matches!(tokens.get(i + 1), Some(n) if n.kind == Tok::Open('(')) =>
                    {
                        pending = Some(path);
                    }
                    _ => {}
                }
            }
        }
        i += 1;
    }
}

/// The path of the element starting at `tokens[i]`, and how many tokens its name takes.
fn element_path(src: &str, stack: &[Frame], tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let frame = stack.last()?;
    let join = |name: &str| {
        if frame.base.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", frame.base)
        }
    };
    let named = matches!(tokens.get(i + 1), Some(n) if n.kind == Tok::Colon)
        && matches!(tokens[i].kind, Tok::Ident | Tok::Literal);
    Some(match frame.open {
        '[' => (format!("{}[{}]", frame.base, frame.index), 0),
        _ if named => (
            join(src[tokens[i].start..tokens[i].end].trim_matches('"')),
            2,
        ),
        '(' if frame.index == 0 => (frame.base.clone(), 0),
        _ => (format!("{}[{}]", frame.base, frame.index), 0),
    })
    .map(|(path, skip)| (path, skip.min(tokens.len() - 1 - i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_fields_list_items_and_transparent_variants() {
        let src = "Scenario(\n  id: \"x\",\n  rules: [\n    (when: Not(Chose(player: \"us\")), effects: [Add(metric: \"m\", value: 1)]),\n  ],\n  initial_for: {\"us\": 3},\n)";
        let idx = PathIndex::build(src);
        assert_eq!(
            idx.find("id"),
            Some(Place {
                line: 2,
                col: 7,
                width: 3
            })
        );
        assert_eq!(idx.find("rules[0].when").map(|p| p.col), Some(12));
        assert_eq!(
            idx.find("rules[0].when.player").map(|p| (p.line, p.col)),
            Some((4, 30))
        );
        assert_eq!(
            idx.find("rules[0].effects[0].metric").map(|p| p.col),
            Some(60)
        );
        assert_eq!(
            idx.find("initial_for.us").map(|p| (p.line, p.col)),
            Some((6, 17))
        );
        // Unknown deeper paths fall back to the nearest ancestor.
        assert_eq!(
            idx.find("rules[0].effects[0].metric.zzz").map(|p| p.col),
            Some(60)
        );
    }

    #[test]
    fn survives_hostile_input() {
        let deep = "(".repeat(100_000);
        let _ = PathIndex::build(&deep);
        let _ = PathIndex::build("\"unterminated");
        let _ = PathIndex::build("r##\"x");
        let _ = PathIndex::build("/* never closed");
        let _ = PathIndex::build(")))]]]}}}");
    }
}
