//! Game records: a versioned RON file with everything that happened in a match,
//! written atomically. `replay` re-plays the true orders and compares.

use super::components::*;
use crate::scenario::LoadedScenario;
use crate::scenario::compiled::Slot;
use crate::scenario::schema::{Scope, Stance};
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The record format this build writes and reads.
pub const RECORD_FORMAT: u32 = 1;

/// A whole match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameRecord {
    pub format: u32,
    pub scenario: String,
    /// Where the scenario was loaded from, for replay.
    pub scenario_path: String,
    /// FNV-1a of the scenario file, hex.
    pub scenario_hash: String,
    pub seed: u64,
    pub turns: u32,
    pub noise: f64,
    /// Player id and who controlled it.
    pub players: Vec<(String, String)>,
    pub history: Vec<TurnRecord>,
    pub outcome: Option<Outcome>,
}

/// One turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnRecord {
    pub turn: u32,
    pub date: String,
    /// Events announced at the briefing.
    pub news: Vec<String>,
    /// Each side's true orders: decision id → option id (event choices included).
    pub orders: Vec<BTreeMap<String, String>>,
    /// What each side perceived of the *other* side's orders.
    pub perceived: Vec<BTreeMap<String, String>>,
    /// Each side's move in the dilemma view.
    pub stances: Vec<Stance>,
    /// Events fired by effects during resolution.
    pub events: Vec<String>,
    /// Every metric change with its cause, in the order applied.
    pub changes: Vec<ChangeRecord>,
    /// Every metric after the turn: shared by id, per-player as `player.metric`.
    pub metrics: BTreeMap<String, f64>,
    pub scores: Vec<f64>,
}

/// A metric change and the rule that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeRecord {
    pub metric: String,
    pub before: f64,
    pub after: f64,
    /// e.g. `option us.strike_tactic.leaflet_warned`, `joint_rules.shared_targets`, `event metrojet_9268`, `clamp`.
    pub cause: String,
}

/// The record being written for a match.
#[derive(Component, Debug, Clone)]
pub struct Recorder(pub GameRecord);

impl GameRecord {
    pub fn new(
        s: &LoadedScenario,
        seed: u64,
        turns: u32,
        noise: f64,
        controllers: [String; 2],
    ) -> Self {
        GameRecord {
            format: RECORD_FORMAT,
            scenario: s.scenario.id.clone(),
            scenario_path: s.source.name.clone(),
            scenario_hash: s.hash_hex(),
            seed,
            turns,
            noise,
            players: s
                .scenario
                .players
                .iter()
                .zip(controllers)
                .map(|(p, c)| (p.id.clone(), c))
                .collect(),
            history: Vec::new(),
            outcome: None,
        }
    }

    /// Writes the record atomically: a temporary file beside it, then a rename.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        write_atomically(path, text.as_bytes())
    }

    /// Reads a record from an untrusted file.
    pub fn load(path: &Path) -> Result<GameRecord, crate::ronfile::Diagnostic> {
        let bytes = crate::ronfile::read(path)?;
        let (record, source) =
            crate::ronfile::parse::<GameRecord>(&path.display().to_string(), &bytes)?;
        if record.format != RECORD_FORMAT {
            let index = crate::ronfile::PathIndex::build(&source.text);
            return Err(source
                .diagnostic_at(
                    &index,
                    "format",
                    format!("record format {} is not supported", record.format),
                )
                .with_hint(Some(format!("this build reads format {RECORD_FORMAT}"))));
        }
        check_counts(&source, record.count_problems(""))?;
        Ok(record)
    }

    /// What in the record breaks the limits a scenario keeps, as (field path, message),
    /// each path after `prefix`: the turns and noise it replays with, its shape,
    /// and its scenario id, which becomes part of a file name when exported.
    pub fn count_problems(&self, prefix: &str) -> Vec<(String, String)> {
        use crate::scenario::limits::*;
        let mut out = Vec::new();
        let mut bad =
            |field: String, message: String| out.push((format!("{prefix}{field}"), message));
        if let Some(p) = turns_problem(self.turns) {
            bad("turns".into(), p);
        }
        if let Some(p) = probability_problem(self.noise) {
            bad("noise".into(), format!("noise {p}"));
        }
        if let Some(p) = id_problem(&self.scenario) {
            bad(
                "scenario".into(),
                format!("scenario id \"{}\" {p}", self.scenario),
            );
        }
        if self.players.len() != 2 {
            bad(
                "players".into(),
                format!("a record has two players, not {}", self.players.len()),
            );
        }
        if self.history.len() > self.turns as usize {
            bad(
                "history".into(),
                format!(
                    "{} turns recorded in a match of {}",
                    self.history.len(),
                    self.turns
                ),
            );
        }
        for (i, t) in self.history.iter().enumerate() {
            if t.turn == 0 || t.turn > self.turns {
                bad(
                    format!("history[{i}].turn"),
                    format!("turn {} is outside 1 to {}", t.turn, self.turns),
                );
            }
            for (field, n) in [
                ("orders", t.orders.len()),
                ("perceived", t.perceived.len()),
                ("stances", t.stances.len()),
                ("scores", t.scores.len()),
            ] {
                if n != 2 {
                    bad(
                        format!("history[{i}].{field}"),
                        format!("{field} has {n} entries, not one per player"),
                    );
                }
            }
        }
        out
    }
}

/// Refuses a record or save with count problems: the first, placed in its text.
/// Shared by `GameRecord::load` and the game's save reader.
pub fn check_counts(
    source: &crate::ronfile::SourceText,
    problems: Vec<(String, String)>,
) -> Result<(), crate::ronfile::Diagnostic> {
    let Some((field, message)) = problems.into_iter().next() else {
        return Ok(());
    };
    let index = crate::ronfile::PathIndex::build(&source.text);
    Err(source
        .diagnostic_at(&index, &field, message)
        .with_hint(Some(
        "the file was changed by hand or by another program; the limits are in scenarios/README.md"
            .into(),
    )))
}

/// The checks of [`check_counts`] for a save: its record, and the turns and
/// noise its setup overrides.
pub fn check_save_counts(
    source: &crate::ronfile::SourceText,
    turns: Option<u32>,
    noise: Option<f64>,
    record: &GameRecord,
) -> Result<(), crate::ronfile::Diagnostic> {
    use crate::scenario::limits::{probability_problem, turns_problem};
    let mut problems = Vec::new();
    if let Some(p) = turns.and_then(turns_problem) {
        problems.push(("setup.turns".to_string(), p));
    }
    if let Some(p) = noise.and_then(probability_problem) {
        problems.push(("setup.noise".to_string(), format!("noise {p}")));
    }
    problems.extend(record.count_problems("record."));
    check_counts(source, problems)
}

/// Writes `bytes` to `path` so a crash never leaves a half-written file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Names a metric slot as records and reports do.
pub fn slot_name(s: &LoadedScenario, slot: Slot) -> String {
    let ids = |scope| {
        s.scenario
            .metrics
            .iter()
            .filter(move |m| m.scope == scope)
            .map(|m| m.id.as_str())
    };
    match slot {
        Slot::Shared(i) => ids(Scope::Shared)
            .nth(i as usize)
            .unwrap_or("?")
            .to_string(),
        Slot::Player(p, i) => {
            format!(
                "{}.{}",
                s.scenario.players[p as usize].id,
                ids(Scope::PerPlayer).nth(i as usize).unwrap_or("?")
            )
        }
        // Effects make slots absolute before they change anything.
        Slot::Mine(_) | Slot::Theirs(_) => "?".into(),
    }
}

/// Names a cause as records and reports do.
pub fn cause_name(s: &LoadedScenario, cause: Cause) -> String {
    let sc = &s.scenario;
    match cause {
        Cause::Option {
            player,
            decision,
            option,
        } => {
            let p = &sc.players[player as usize];
            let d = &p.decisions[decision as usize];
            format!("option {}.{}.{}", p.id, d.id, d.options[option as usize].id)
        }
        Cause::EventChoice { event, option } => {
            let e = &sc.events[event as usize];
            let o = e
                .choice
                .as_ref()
                .map_or("?", |c| c.decision.options[option as usize].id.as_str());
            format!("choice {}.{}", e.id, o)
        }
        Cause::JointRule(i) => format!("joint_rules.{}", sc.joint_rules[i as usize].id),
        Cause::ChanceRule(i) => format!("chance_rules.{}", sc.chance_rules[i as usize].id),
        Cause::ScoreRule(i) => format!("score_rules.{}", sc.score_rules[i as usize].id),
        Cause::Event(i) => format!("event {}", sc.events[i as usize].id),
        Cause::Clamp => "clamp".into(),
    }
}

/// The article quotation behind a cause, if the scenario gives one.
pub fn cause_source(s: &LoadedScenario, cause: Cause) -> Option<&str> {
    let sc = &s.scenario;
    match cause {
        Cause::Option {
            player,
            decision,
            option,
        } => sc.players[player as usize].decisions[decision as usize].options[option as usize]
            .source
            .as_deref(),
        Cause::EventChoice { event, option } => sc.events[event as usize]
            .choice
            .as_ref()
            .and_then(|c| c.decision.options[option as usize].source.as_deref()),
        Cause::JointRule(i) => sc.joint_rules[i as usize].source.as_deref(),
        Cause::ChanceRule(i) => sc.chance_rules[i as usize].source.as_deref(),
        Cause::ScoreRule(i) => sc.score_rules[i as usize].source.as_deref(),
        Cause::Event(i) => sc.events[i as usize].source.as_deref(),
        Cause::Clamp => None,
    }
}

/// Decision id → option id for a side's choices, as records show them.
fn named_orders(
    s: &LoadedScenario,
    player: usize,
    choices: &[u8],
    answers: &[(u16, u8)],
) -> BTreeMap<String, String> {
    let decisions = &s.scenario.players[player].decisions;
    let mut map: BTreeMap<String, String> = decisions
        .iter()
        .zip(choices)
        .map(|(d, &o)| {
            (
                d.id.clone(),
                d.options
                    .get(o as usize)
                    .map_or("?".into(), |o| o.id.clone()),
            )
        })
        .collect();
    for &(e, o) in answers {
        let event = &s.scenario.events[e as usize];
        if let Some(c) = &event.choice {
            map.insert(
                format!("{}.{}", event.id, c.decision.id),
                c.decision
                    .options
                    .get(o as usize)
                    .map_or("?".into(), |o| o.id.clone()),
            );
        }
    }
    map
}

/// The turn as a record, read from a match in `Report`.
pub fn turn_record(s: &LoadedScenario, m: &Match, sides: [&Side; 2]) -> TurnRecord {
    let event_ids = |list: &[u16]| {
        list.iter()
            .map(|&e| s.scenario.events[e as usize].id.clone())
            .collect()
    };
    let mut metrics = BTreeMap::new();
    let mut shared = 0;
    let mut per = 0;
    for def in &s.scenario.metrics {
        match def.scope {
            Scope::Shared => {
                metrics.insert(def.id.clone(), m.shared[shared]);
                shared += 1;
            }
            Scope::PerPlayer => {
                for (p, side) in sides.iter().enumerate() {
                    metrics.insert(
                        format!("{}.{}", s.scenario.players[p].id, def.id),
                        side.metrics[per],
                    );
                }
                per += 1;
            }
        }
    }
    let score = s.compiled.score_metric as usize;
    TurnRecord {
        turn: m.turn,
        date: s.date(m.turn),
        news: event_ids(&m.news),
        orders: (0..2)
            .map(|p| named_orders(s, p, &sides[p].orders.choices, &sides[p].orders.answers))
            .collect(),
        perceived: (0..2)
            .map(|p| named_orders(s, 1 - p, &sides[p].perceived, &[]))
            .collect(),
        stances: sides.iter().map(|side| side.stance).collect(),
        events: event_ids(&m.consequences),
        changes: m
            .changes
            .iter()
            .map(|c| ChangeRecord {
                metric: slot_name(s, c.slot),
                before: c.before,
                after: c.after,
                cause: cause_name(s, c.cause),
            })
            .collect(),
        metrics,
        scores: sides.iter().map(|side| side.metrics[score]).collect(),
    }
}

/// Appends each reporting match's turn to its record.
pub fn record_turns(
    mut matches: Query<(&Match, &MatchScenario, &mut Recorder)>,
    sides: Query<&Side>,
) {
    for (m, scenario, mut recorder) in matches.iter_mut() {
        if m.phase != Phase::Report || recorder.0.history.last().is_some_and(|t| t.turn == m.turn) {
            continue;
        }
        let Ok([a, b]) = sides.get_many(m.players) else {
            continue;
        };
        let record = turn_record(&scenario.0, m, [a, b]);
        recorder.0.history.push(record);
        recorder.0.outcome.clone_from(&m.outcome);
    }
}

/// The first place two turn records differ, as a field path and both values.
pub fn first_difference(expected: &TurnRecord, actual: &TurnRecord) -> Option<String> {
    let show = |v: &dyn std::fmt::Debug| format!("{v:?}");
    macro_rules! cmp {
        ($field:ident) => {
            if expected.$field != actual.$field {
                return Some(describe(
                    stringify!($field),
                    &expected.$field,
                    &actual.$field,
                    show,
                ));
            }
        };
    }
    cmp!(turn);
    cmp!(date);
    cmp!(news);
    cmp!(orders);
    cmp!(perceived);
    cmp!(stances);
    cmp!(events);
    for (i, (e, a)) in expected.changes.iter().zip(&actual.changes).enumerate() {
        if e != a {
            return Some(format!(
                "changes[{i}]: record has {e:?}, replay gives {a:?}"
            ));
        }
    }
    cmp!(changes);
    for (k, v) in &expected.metrics {
        if actual.metrics.get(k) != Some(v) {
            return Some(format!(
                "metrics.{k}: record has {v}, replay gives {:?}",
                actual.metrics.get(k)
            ));
        }
    }
    cmp!(metrics);
    cmp!(scores);
    None
}

fn describe<T: std::fmt::Debug>(
    field: &str,
    e: &T,
    a: &T,
    show: impl Fn(&dyn std::fmt::Debug) -> String,
) -> String {
    format!("{field}: record has {}, replay gives {}", show(e), show(a))
}
