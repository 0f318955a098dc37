//! Game records: a versioned RON file with everything that happened in a match,
//! written atomically. `replay` re-plays the true orders and compares.

use super::components::*;
use crate::scenario::LoadedScenario;
use crate::scenario::compiled::Slot;
use crate::scenario::schema::Stance;
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The record format this build writes and reads.
/// Format 2: causes are typed (`Option(player: .., decision: .., option: ..)`),
/// not strings.
pub const RECORD_FORMAT: u32 = 2;

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
    pub cause: CauseRecord,
}

/// The rule that made a change, by the scenario's ids: what a record keeps of a
/// `Cause`, resolved once when the turn goes on record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CauseRecord {
    /// The option a player chose.
    Option {
        player: String,
        decision: String,
        option: String,
    },
    /// The option a player chose in an event's one-off choice.
    Choice {
        event: String,
        option: String,
    },
    JointRule(String),
    ChanceRule(String),
    ScoreRule(String),
    Event(String),
    /// The metric was pulled back inside its range.
    Clamp,
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
        Self::parse(&path.display().to_string(), &bytes)
    }

    /// Parses and checks a record's bytes; `name` places the messages.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<GameRecord, crate::ronfile::Diagnostic> {
        let (record, source) = crate::ronfile::parse::<GameRecord>(name, bytes)?;
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
        Ok(record)
    }
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

/// A cause as records keep it.
pub fn cause_record(s: &LoadedScenario, cause: Cause) -> CauseRecord {
    let sc = &s.scenario;
    let id = |v: Option<&String>| v.cloned().unwrap_or_default();
    match cause {
        Cause::Option {
            player,
            decision,
            option,
        } => {
            let p = &sc.players[player as usize];
            let d = &p.decisions[decision as usize];
            CauseRecord::Option {
                player: p.id.clone(),
                decision: d.id.clone(),
                option: id(d.options.get(option as usize).map(|o| &o.id)),
            }
        }
        Cause::EventChoice { event, option } => {
            let e = &sc.events[event as usize];
            CauseRecord::Choice {
                event: e.id.clone(),
                option: id(e
                    .choice
                    .as_ref()
                    .and_then(|c| c.decision.options.get(option as usize))
                    .map(|o| &o.id)),
            }
        }
        Cause::JointRule(i) => CauseRecord::JointRule(sc.joint_rules[i as usize].id.clone()),
        Cause::ChanceRule(i) => CauseRecord::ChanceRule(sc.chance_rules[i as usize].id.clone()),
        Cause::ScoreRule(i) => CauseRecord::ScoreRule(sc.score_rules[i as usize].id.clone()),
        Cause::Event(i) => CauseRecord::Event(sc.events[i as usize].id.clone()),
        Cause::Clamp => CauseRecord::Clamp,
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
    let metrics = s
        .metric_slots()
        .into_iter()
        .map(|(key, slot)| {
            let value = match slot {
                Slot::Shared(i) => m.shared[i as usize],
                Slot::Player(p, i) => sides[p as usize].metrics[i as usize],
                Slot::Mine(_) | Slot::Theirs(_) => f64::NAN,
            };
            (key, value)
        })
        .collect();
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
                metric: s.key_of(c.slot),
                before: c.before,
                after: c.after,
                cause: cause_record(s, c.cause),
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
