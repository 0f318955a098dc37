//! Strategies written in RON: an ordered list of rules, the first whose condition
//! holds chooses the move. A student writes one without Rust; `validate` checks it
//! with the same located errors as scenarios.

use super::{Strategy, View};
use crate::ronfile::{self, Diagnostic, PathIndex, SourceText};
use crate::scenario::compiled::CDecision;
use crate::scenario::schema::Stance;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The strategy-file format this build reads.
pub const STRATEGY_FORMAT: u32 = 1;
const MAX_RULES: usize = 256;

/// A strategy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Strategy")]
pub struct StrategyFile {
    pub format: u32,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Tried in order; the first whose `when` holds decides.
    pub rules: Vec<StrategyRule>,
    /// The move when no rule holds.
    pub otherwise: Play,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyRule {
    pub when: Test,
    pub play: Play,
}

/// What a strategy can look at. "Their" moves are as this side perceived them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Struct variants refuse unknown fields too: serde applies this to them.
#[serde(deny_unknown_fields)]
pub enum Test {
    Always,
    /// The first turn of the match.
    FirstTurn,
    /// Turn number within `[from, to]`, 1-based.
    Turn {
        from: u32,
        to: u32,
    },
    /// Their move `ago` turns back (1 = last turn) was `is`. False if there is no such turn.
    TheirMove {
        ago: u32,
        is: Stance,
    },
    /// Their move on turn `turn` was `is`. False before that turn has been played.
    TheirMoveOnTurn {
        turn: u32,
        is: Stance,
    },
    /// Among their last `last` moves (0 = all), at least `at_least` were defections.
    TheirDefections {
        last: u32,
        at_least: u32,
    },
    /// Among their last `last` moves (0 = all), at least `at_least` were cooperations.
    TheirCooperations {
        last: u32,
        at_least: u32,
    },
    /// Their defections are at least this share of their last `last` moves (0 = all); 0 before any move.
    DefectionShare {
        last: u32,
        at_least: f64,
    },
    /// Their cooperations are at least this share of their last `last` moves (0 = all); 0 before any move.
    CooperationShare {
        last: u32,
        at_least: f64,
    },
    /// My own last move was this.
    MyLast(Stance),
    /// My score minus theirs is above this.
    LeadAbove(f64),
    /// My score minus theirs is below this.
    LeadBelow(f64),
    /// True with this probability.
    Chance(f64),
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
}

/// A move: a stance, or named options per decision over a base stance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Struct variants refuse unknown fields too: serde applies this to them.
#[serde(deny_unknown_fields)]
pub enum Play {
    Cooperate,
    Defect,
    /// `stance` for every decision, except those named in `options` (decision id → option id).
    Orders {
        stance: Stance,
        options: BTreeMap<String, String>,
    },
}

impl Play {
    fn stance(&self) -> Stance {
        match self {
            Play::Cooperate => Stance::Cooperate,
            Play::Defect => Stance::Defect,
            Play::Orders { stance, .. } => *stance,
        }
    }
}

impl StrategyFile {
    /// Reads and checks a strategy file.
    pub fn load(path: &Path) -> Result<StrategyFile, Vec<Diagnostic>> {
        let bytes = ronfile::read(path).map_err(|d| vec![d])?;
        Self::parse(&path.display().to_string(), &bytes)
    }

    pub fn parse(name: &str, bytes: &[u8]) -> Result<StrategyFile, Vec<Diagnostic>> {
        let (file, source) = ronfile::parse::<StrategyFile>(name, bytes).map_err(|d| vec![d])?;
        let problems = file.check();
        if problems.is_empty() {
            return Ok(file);
        }
        let index = PathIndex::build(&source.text);
        Err(problems
            .into_iter()
            .map(|(path, msg, hint)| located(&source, &index, &path, msg, hint))
            .collect())
    }

    fn check(&self) -> Vec<(String, String, Option<String>)> {
        let mut out = Vec::new();
        if self.format != STRATEGY_FORMAT {
            out.push((
                "format".into(),
                format!("format {} is not supported", self.format),
                Some(format!("this build reads format {STRATEGY_FORMAT}")),
            ));
        }
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push((
                "id".into(),
                "the id must be letters, digits and _".into(),
                Some("e.g. \"my_tit_for_tat\"".into()),
            ));
        }
        if self.rules.len() > MAX_RULES {
            out.push((
                "rules".into(),
                format!("{} rules; the limit is {MAX_RULES}", self.rules.len()),
                None,
            ));
        }
        for (i, r) in self.rules.iter().enumerate() {
            check_test(&format!("rules[{i}].when"), &r.when, &mut out);
        }
        out
    }

    /// Checks that every decision and option the file names exists for some player
    /// of the scenario (a file may name decisions of both sides).
    pub fn check_against(&self, players: &[crate::scenario::schema::Player]) -> Result<(), String> {
        let plays = self
            .rules
            .iter()
            .map(|r| &r.play)
            .chain(std::iter::once(&self.otherwise));
        for play in plays {
            let Play::Orders { options, .. } = play else {
                continue;
            };
            for (d, o) in options {
                let decisions: Vec<_> = players
                    .iter()
                    .flat_map(|p| &p.decisions)
                    .filter(|x| &x.id == d)
                    .collect();
                if decisions.is_empty() {
                    let all = players
                        .iter()
                        .flat_map(|p| &p.decisions)
                        .map(|x| x.id.as_str());
                    let hint = ronfile::did_you_mean(d, all).unwrap_or_default();
                    return Err(format!(
                        "strategy {}: no decision \"{d}\" in this scenario. {hint}",
                        self.id
                    ));
                }
                if !decisions
                    .iter()
                    .any(|x| x.options.iter().any(|x| &x.id == o))
                {
                    let all = decisions
                        .iter()
                        .flat_map(|x| &x.options)
                        .map(|x| x.id.as_str());
                    let hint = ronfile::did_you_mean(o, all).unwrap_or_default();
                    return Err(format!(
                        "strategy {}: no option \"{o}\" in decision \"{d}\". {hint}",
                        self.id
                    ));
                }
            }
        }
        Ok(())
    }
}

fn located(
    source: &SourceText,
    index: &PathIndex,
    path: &str,
    msg: String,
    hint: Option<String>,
) -> Diagnostic {
    source.diagnostic_at(index, path, msg).with_hint(hint)
}

fn check_test(path: &str, t: &Test, out: &mut Vec<(String, String, Option<String>)>) {
    match t {
        Test::Chance(p)
        | Test::DefectionShare { at_least: p, .. }
        | Test::CooperationShare { at_least: p, .. }
            if !(0.0..=1.0).contains(p) =>
        {
            out.push((
                path.into(),
                format!("{p} is outside [0, 1]"),
                Some("write a probability or share such as 0.5".into()),
            ));
        }
        Test::TheirMove { ago: 0, .. } => out.push((
            format!("{path}.ago"),
            "ago counts from 1 (last turn)".into(),
            None,
        )),
        Test::Turn { from, to } if from > to => out.push((
            format!("{path}.to"),
            format!("turn range {from}..={to} is empty"),
            None,
        )),
        Test::LeadAbove(v) | Test::LeadBelow(v) if !v.is_finite() => {
            out.push((path.into(), "the number is not finite".into(), None))
        }
        Test::All(list) | Test::Any(list) => {
            for (i, t) in list.iter().enumerate() {
                check_test(&format!("{path}[{i}]"), t, out);
            }
        }
        Test::Not(inner) => check_test(path, inner, out),
        _ => {}
    }
}

/// A RON strategy, ready to play one side of a match.
#[derive(Debug, Clone)]
pub struct Scripted {
    file: std::sync::Arc<StrategyFile>,
}

impl Scripted {
    pub fn new(file: std::sync::Arc<StrategyFile>) -> Self {
        Scripted { file }
    }

    fn test(&self, t: &Test, view: &View, rng: &mut Xoshiro256PlusPlus) -> bool {
        let h = view.history;
        let window = |last: u32| {
            if last == 0 {
                h
            } else {
                &h[h.len().saturating_sub(last as usize)..]
            }
        };
        let count =
            |last: u32, s: Stance| window(last).iter().filter(|m| m.seen == s).count() as u32;
        match t {
            Test::Always => true,
            Test::FirstTurn => h.is_empty(),
            Test::Turn { from, to } => (*from..=*to).contains(&view.turn),
            Test::TheirMove { ago, is } => {
                (*ago as usize <= h.len() && *ago > 0) && h[h.len() - *ago as usize].seen == *is
            }
            Test::TheirMoveOnTurn { turn, is } => {
                *turn >= 1 && h.get(*turn as usize - 1).is_some_and(|m| m.seen == *is)
            }
            Test::TheirDefections { last, at_least } => count(*last, Stance::Defect) >= *at_least,
            Test::TheirCooperations { last, at_least } => {
                count(*last, Stance::Cooperate) >= *at_least
            }
            Test::DefectionShare { last, at_least } => {
                let w = window(*last);
                !w.is_empty() && count(*last, Stance::Defect) as f64 / w.len() as f64 >= *at_least
            }
            Test::CooperationShare { last, at_least } => {
                let w = window(*last);
                !w.is_empty()
                    && count(*last, Stance::Cooperate) as f64 / w.len() as f64 >= *at_least
            }
            Test::MyLast(s) => h.last().is_some_and(|m| m.mine == *s),
            Test::LeadAbove(v) => h.last().map_or(0.0, |m| m.lead) > *v,
            Test::LeadBelow(v) => h.last().map_or(0.0, |m| m.lead) < *v,
            Test::Chance(p) => rng.random::<f64>() < *p,
            Test::All(list) => list.iter().all(|t| self.test(t, view, rng)),
            Test::Any(list) => list.iter().any(|t| self.test(t, view, rng)),
            Test::Not(t) => !self.test(t, view, rng),
        }
    }

    fn choose(&self, view: &View, rng: &mut Xoshiro256PlusPlus) -> &Play {
        self.file
            .rules
            .iter()
            .find(|r| self.test(&r.when, view, rng))
            .map_or(&self.file.otherwise, |r| &r.play)
    }
}

impl Strategy for Scripted {
    fn id(&self) -> &str {
        &self.file.id
    }

    fn stance(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus) -> Stance {
        self.choose(view, rng).stance()
    }

    fn orders(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus, out: &mut Vec<u8>) -> Stance {
        let play = self.choose(view, rng).clone();
        crate::sim::rules::orders_for(view.decisions, play.stance(), out);
        if let Play::Orders { options, .. } = &play {
            apply_named(view.decisions, options, out);
        }
        play.stance()
    }
}

/// Overrides `out` with the named options; names were checked against the scenario.
fn apply_named(decisions: &[CDecision], options: &BTreeMap<String, String>, out: &mut [u8]) {
    for (d, decision) in decisions.iter().enumerate() {
        if let Some(o) = options
            .get(&decision.id)
            .and_then(|o| decision.options.iter().position(|x| &x.id == o))
        {
            out[d] = o as u8;
        }
    }
}
