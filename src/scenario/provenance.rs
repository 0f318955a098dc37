//! Provenance: what each option, rule, event and ending rests on (a quotation from the
//! source text, outside context, or the game's own assumption), the short label a
//! student reads ("from the article", "background", "game assumption"), and the
//! word-for-word check of every `source:` quotation against the source text.

use super::schema::{Basis, Decision, Scenario};
use super::validate::Problem;
use std::path::{Component, Path};

/// What one element of a scenario rests on, as players and teachers are shown it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance<'a> {
    /// A quotation from the source text.
    Article(&'a str),
    /// Outside context, with its short citation.
    Background(&'a str),
    /// The designer's assumption, with its one sentence of why.
    Assumption(&'a str),
    /// The element says nothing about its basis (`validate` warns).
    Unstated,
}

impl<'a> Provenance<'a> {
    /// The provenance of an element with this `source:` and `basis:`. A basis wins over
    /// a quotation: a quotation then gives the context, not the element's ground.
    pub fn of(source: Option<&'a str>, basis: Option<&'a Basis>) -> Self {
        match (basis, source.map(str::trim).filter(|q| !q.is_empty())) {
            (Some(Basis::Background(c)), _) => Provenance::Background(c.trim()),
            (Some(Basis::Assumption(w)), _) => Provenance::Assumption(w.trim()),
            (None, Some(q)) => Provenance::Article(q),
            (None, None) => Provenance::Unstated,
        }
    }

    /// The short label a student notices: "from the article", "background", "game assumption".
    pub fn label(&self) -> &'static str {
        match self {
            Provenance::Article(_) => "from the article",
            Provenance::Background(_) => "background",
            Provenance::Assumption(_) => "game assumption",
            Provenance::Unstated => "basis not stated",
        }
    }

    /// The quotation, the citation or the reason; none when unstated.
    pub fn detail(&self) -> Option<&'a str> {
        match *self {
            Provenance::Article(t) | Provenance::Background(t) | Provenance::Assumption(t) => {
                Some(t)
            }
            Provenance::Unstated => None,
        }
    }

    /// One line for a screen or a report: `from the article: “…”`, `game assumption: why`.
    pub fn line(&self) -> String {
        match self {
            Provenance::Article(q) => format!("from the article: “{q}”"),
            Provenance::Background(c) | Provenance::Assumption(c) => {
                format!("{}: {c}", self.label())
            }
            Provenance::Unstated => self.label().to_string(),
        }
    }
}

/// An element that must say what it rests on, with its field path and display name.
#[derive(Debug, Clone)]
pub struct Element<'a> {
    /// Field path of the element, e.g. `joint_rules[2]`.
    pub path: String,
    /// "option", "joint rule", "event", "ending"…
    pub kind: &'static str,
    pub id: &'a str,
    /// The name players read (option name, rule description, event or ending title).
    pub name: &'a str,
    /// Its `source:` quotation, whatever its basis (a background may quote for context).
    pub source: Option<&'a str>,
    pub provenance: Provenance<'a>,
}

impl<'a> Element<'a> {
    fn new(
        path: String,
        kind: &'static str,
        id: &'a str,
        name: &'a str,
        source: &'a Option<String>,
        basis: &'a Option<Basis>,
    ) -> Self {
        Element {
            path,
            kind,
            id,
            name,
            source: source.as_deref(),
            provenance: Provenance::of(source.as_deref(), basis.as_ref()),
        }
    }
}

/// Every option (event choices included), rule, event and ending (early and on-time
/// cases), in file order.
pub fn elements(s: &Scenario) -> Vec<Element<'_>> {
    fn options<'a>(path: String, d: &'a Decision) -> Vec<Element<'a>> {
        d.options
            .iter()
            .enumerate()
            .map(|(o, opt)| {
                Element::new(
                    format!("{path}.options[{o}]"),
                    "option",
                    &opt.id,
                    &opt.name,
                    &opt.source,
                    &opt.basis,
                )
            })
            .collect()
    }
    let mut out = Vec::new();
    for (p, player) in s.players.iter().enumerate() {
        for (d, decision) in player.decisions.iter().enumerate() {
            out.extend(options(format!("players[{p}].decisions[{d}]"), decision));
        }
    }
    for (list, kind, rules) in [
        ("joint_rules", "joint rule", &s.joint_rules),
        ("chance_rules", "chance rule", &s.chance_rules),
        ("score_rules", "score rule", &s.score_rules),
    ] {
        out.extend(rules.iter().enumerate().map(|(i, r)| {
            Element::new(
                format!("{list}[{i}]"),
                kind,
                &r.id,
                &r.description,
                &r.source,
                &r.basis,
            )
        }));
    }
    for (i, e) in s.events.iter().enumerate() {
        out.push(Element::new(
            format!("events[{i}]"),
            "event",
            &e.id,
            &e.title,
            &e.source,
            &e.basis,
        ));
        if let Some(choice) = &e.choice {
            out.extend(options(
                format!("events[{i}].choice.decision"),
                &choice.decision,
            ));
        }
    }
    let endings = s
        .endings
        .early
        .iter()
        .enumerate()
        .map(|(i, e)| (format!("endings.early[{i}]"), e));
    let cases = s
        .endings
        .on_time_cases
        .iter()
        .enumerate()
        .map(|(i, e)| (format!("endings.on_time_cases[{i}]"), e));
    for (path, e) in endings.chain(cases) {
        out.push(Element::new(
            path, "ending", &e.id, &e.title, &e.source, &e.basis,
        ));
    }
    out
}

/// Elements that say nothing about their basis are warned about, one warning each.
pub fn unstated(s: &Scenario) -> Vec<Problem> {
    elements(s)
        .into_iter()
        .filter(|e| e.provenance == Provenance::Unstated)
        .map(|e| Problem {
            warning: true,
            path: format!("{}.id", e.path),
            message: format!("{} \"{}\" does not say what it rests on", e.kind, e.id),
            hint: Some(
                "add `source:` with a quotation from the source text, or `basis: Background(\"short citation\")`, or `basis: Assumption(\"one sentence of why\")`".into(),
            ),
        })
        .collect()
}

/// The text as the comparison sees it: curly quotes and primes made straight, the
/// ellipsis character written as three dots, every run of whitespace one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let mapped: &str = match c {
            '“' | '”' | '„' | '‟' | '″' | '«' | '»' => "\"",
            '‘' | '’' | '‚' | '‛' | '′' | '`' => "'",
            '…' => "...",
            c if c.is_whitespace() => {
                space = !out.is_empty();
                continue;
            }
            _ => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
                continue;
            }
        };
        if space {
            out.push(' ');
            space = false;
        }
        out.push_str(mapped);
    }
    out
}

/// Most quotations that get a closest-sentence hint: the search for it costs a pass over
/// the text, so a file of many bad quotations stays cheap to check.
pub const MAX_HINTED_QUOTATIONS: usize = 32;

/// Checks every `source:` quotation in `s` (options, rules, events, endings, noise)
/// against `text`, word for word after [`normalize`]. Each one that is not found is an
/// error whose hint is the source's closest sentence.
pub fn check_quotations(s: &Scenario, text: &str) -> Vec<Problem> {
    let haystack = normalize(text);
    let mut quotations: Vec<(String, &str)> = elements(s)
        .into_iter()
        .filter_map(|e| e.source.map(|q| (format!("{}.source", e.path), q)))
        .collect();
    if let Some(q) = s.noise.source.as_deref() {
        quotations.push(("noise.source".into(), q));
    }
    let sentences = sentences(&haystack);
    let mut hinted = 0;
    let mut problems = Vec::new();
    for (path, quote) in quotations {
        let wanted = normalize(quote);
        if wanted.is_empty() || haystack.contains(&wanted) {
            continue;
        }
        let hint = if hinted < MAX_HINTED_QUOTATIONS {
            hinted += 1;
            closest(&wanted, &sentences)
                .map(|c| format!("the closest sentence in the source is: {c}"))
        } else {
            None
        };
        problems.push(Problem {
            warning: false,
            path,
            message: "this quotation is not in the source text word for word".into(),
            hint: hint.or_else(|| Some("copy the words from the source text exactly".into())),
        });
    }
    problems
}

/// The normalized text cut into sentences (and lines), for the closest-sentence hint.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let end = matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1).is_none_or(|n| *n == b' ');
        if end {
            let s = text[start..=i].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + 1;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn words(text: &str) -> Vec<String> {
    let mut w: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    w.sort();
    w.dedup();
    w
}

/// The sentence sharing the largest share of words with `quote`, if any shares one.
fn closest<'t>(quote: &str, sentences: &[&'t str]) -> Option<&'t str> {
    let q = words(quote);
    let mut best: Option<(f64, &str)> = None;
    for s in sentences {
        let w = words(s);
        let common = q.iter().filter(|x| w.binary_search(x).is_ok()).count();
        if common == 0 {
            continue;
        }
        let score = common as f64 / (q.len() + w.len() - common) as f64;
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, s));
        }
    }
    best.map(|(_, s)| s)
}

/// The source file a scenario names, resolved beside the scenario: a relative path
/// without `..`, so a scenario cannot make the checker read elsewhere.
pub fn source_file_path(dir: &Path, file: &str) -> Result<std::path::PathBuf, String> {
    let p = Path::new(file);
    let plain = p
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if file.trim().is_empty() || !plain {
        return Err(format!(
            "source file \"{file}\" must be a relative path inside the scenario's folder, without `..`"
        ));
    }
    Ok(dir.join(p))
}

/// Reads the source file a scenario names and checks its quotations. A path that
/// leaves the scenario's folder is an error; a file that cannot be read (a scenario
/// copied without its sources) is a warning that the quotations went unchecked.
pub fn check_source_file(s: &Scenario, dir: &Path) -> Vec<Problem> {
    let Some(file) = s.source.file.as_deref() else {
        return Vec::new();
    };
    let problem = |warning: bool, message: String, hint: &str| Problem {
        warning,
        path: "source.file".into(),
        message,
        hint: Some(hint.into()),
    };
    let path = match source_file_path(dir, file) {
        Ok(p) => p,
        Err(m) => return vec![problem(false, m, "write e.g. \"sources/article.txt\"")],
    };
    let unchecked = |why: String| {
        vec![problem(
            true,
            format!(
                "the quotations were not checked: the source text {} {why}",
                path.display()
            ),
            "the path is relative to the scenario file; copy the source text along with the scenario",
        )]
    };
    match crate::files::read_bounded(&path, crate::ronfile::MAX_FILE_BYTES) {
        Err(e) => unchecked(format!("cannot be read ({e})")),
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Ok(text) => check_quotations(s, text),
            Err(_) => unchecked("is not UTF-8 text".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_straightens_quotes_and_collapses_whitespace() {
        assert_eq!(
            normalize("  “It is not how we would fight there…It is now”\n  how  "),
            "\"It is not how we would fight there...It is now\" how"
        );
        assert_eq!(normalize("Assad’s\tgovernment"), "Assad's government");
    }

    #[test]
    fn labels_name_the_basis() {
        let b = Basis::Assumption("why".into());
        assert_eq!(Provenance::of(Some("q"), None).label(), "from the article");
        assert_eq!(
            Provenance::of(Some("q"), Some(&b)).label(),
            "game assumption"
        );
        assert_eq!(
            Provenance::of(None, Some(&Basis::Background("c".into()))).line(),
            "background: c"
        );
        assert_eq!(Provenance::of(Some("  "), None), Provenance::Unstated);
    }

    #[test]
    fn the_closest_sentence_is_the_one_sharing_most_words() {
        let text = normalize("The cat sat. Russia is attacking those that oppose Assad. Dogs run.");
        let s = sentences(&text);
        assert_eq!(
            closest("Russia attacks those who oppose Assad", &s),
            Some("Russia is attacking those that oppose Assad.")
        );
        assert_eq!(closest("zebra", &s), None);
    }

    #[test]
    fn source_files_stay_in_the_scenario_folder() {
        let dir = Path::new("scenarios");
        assert!(source_file_path(dir, "sources/a.txt").is_ok());
        assert!(source_file_path(dir, "../secret").is_err());
        assert!(source_file_path(dir, "/etc/passwd").is_err());
        assert!(source_file_path(dir, "").is_err());
    }
}
