//! Game records: a versioned RON file with everything that happened in a match,
//! written atomically. `replay` re-plays the true orders and compares.

use super::components::*;
use crate::scenario::LoadedScenario;
use crate::scenario::compiled::Slot;
use crate::scenario::schema::Stance;
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// An unknown end: after each turn the game went on with this probability,
    /// and `turns` was only a cap. Absent: the game ran to `turns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation: Option<f64>,
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
    /// Events announced from outside (a teacher's, in a class) that fired at this
    /// turn's briefing; a replay announces them again. Among `news` too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub announced: Vec<String>,
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
            continuation: None,
        }
    }

    /// Writes the record atomically (see [`write_atomically_with`]), naming its
    /// scenario so that [`GameRecord::scenario_file`] finds it again.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let stored = stored_scenario_path(&self.scenario_path, path);
        let moved;
        let record = if stored == self.scenario_path {
            self
        } else {
            moved = GameRecord {
                scenario_path: stored,
                ..self.clone()
            };
            &moved
        };
        write_atomically_with(path, |out| {
            ron::Options::default()
                .to_io_writer_pretty(out, record, layout(0))
                .map_err(|e| std::io::Error::other(e.to_string()))
        })
    }

    /// The record as [`GameRecord::write`] lays it out, for where there is no
    /// file to write (the browser's download and page).
    pub fn to_text(&self) -> Result<String, String> {
        ron::Options::default()
            .to_string_pretty(self, layout(0))
            .map_err(|e| e.to_string())
    }

    /// Reads a record from an untrusted file.
    pub fn load(path: &Path) -> Result<GameRecord, crate::ronfile::Diagnostic> {
        let bytes = crate::ronfile::read_limited(path, MAX_RECORD_BYTES)?;
        Self::parse(&path.display().to_string(), &bytes)
    }

    /// Parses and checks a record's bytes; `name` places the messages.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<GameRecord, crate::ronfile::Diagnostic> {
        let (record, source) =
            crate::ronfile::parse_limited::<GameRecord>(name, bytes, MAX_RECORD_BYTES)?;
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
        if let Some(p) = self.continuation.and_then(probability_problem) {
            bad("continuation".into(), format!("continuation {p}"));
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

impl GameRecord {
    /// The scenario file of a record read from `record_path`: `scenario_path`
    /// taken in the record's own folder, or else the file of that name in the
    /// `scenarios/` folder. A record comes from outside, so it may only name a
    /// relative `.ron` path that stays inside its folder.
    pub fn scenario_file(&self, record_path: &Path) -> Result<PathBuf, String> {
        let named = Path::new(&self.scenario_path);
        if !is_plain_ron_path(named) {
            return Err(format!(
                "{}: the record names its scenario as {:?}; a record may only name a relative `.ron` path inside its folder, without `..` (pass --scenario PATH)",
                record_path.display(),
                self.scenario_path
            ));
        }
        let beside = folder_of(record_path).join(named);
        if beside.exists() {
            return Ok(beside);
        }
        let file_name = named.file_name().unwrap_or_default();
        Ok(Path::new("scenarios").join(file_name))
    }
}

/// Records and saves larger than this are refused before parsing. It fits the
/// largest legitimate game, a match of `MAX_TURNS` (10,000) turns, with about two
/// times margin. Measured with `simulate --turns 10000 --record` and this layout:
/// the prisoner's dilemma, 10,000 turns, 5.5 MB (5,494,487 bytes); syria_2015 ends
/// by its endings long before (434 turns, cooperator against defector, the longest
/// found: 5.6 MB, 12.9 KB a turn), so 10,000 syria turns would be about 129 MB.
pub const MAX_RECORD_BYTES: usize = 256 << 20;

/// How a record is laid out when it is nested `depth` levels inside another file
/// (a save holds one at depth 1): each turn's fields on their own lines, and
/// what is inside a field (orders, changes, metrics) on one line. Indenting
/// every change on its own lines made records about 2.5 times larger.
pub fn layout(depth: usize) -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::default().depth_limit(3 + depth)
}

/// A relative path of plain names ending `.ron`: nothing absolute, no `..`.
fn is_plain_ron_path(p: &Path) -> bool {
    use std::path::Component;
    p.extension().is_some_and(|x| x == "ron")
        && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// How a record written to `record_path` names its scenario: relative to the
/// record's folder when the scenario is inside it, as given when that is already a
/// plain relative path, else by file name alone (found in `scenarios/`).
fn stored_scenario_path(scenario: &str, record_path: &Path) -> String {
    let scenario_path = Path::new(scenario);
    let inside = std::fs::canonicalize(scenario_path).ok().and_then(|s| {
        let dir = std::fs::canonicalize(folder_of(record_path)).ok()?;
        s.strip_prefix(dir).ok().map(Path::to_path_buf)
    });
    if let Some(relative) = inside.filter(|r| is_plain_ron_path(r)) {
        return relative.to_string_lossy().into_owned();
    }
    if is_plain_ron_path(scenario_path) {
        return scenario.to_string();
    }
    scenario_path.file_name().map_or_else(
        || scenario.to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

pub use crate::files::{write_atomically, write_atomically_with};

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
pub fn named_orders(
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
pub fn turn_record(s: &LoadedScenario, m: &Match, sides: &[Side; 2]) -> TurnRecord {
    let event_ids = |list: &[u16]| {
        list.iter()
            .map(|&e| s.scenario.events[e as usize].id.clone())
            .collect()
    };
    let metrics = s
        .metric_slots()
        .iter()
        .map(|(key, slot)| {
            let value = match *slot {
                Slot::Shared(i) => m.shared()[i as usize],
                Slot::Player(p, i) => m.player_values(p as usize)[i as usize],
                Slot::Mine(_) | Slot::Theirs(_) => f64::NAN,
            };
            (key.clone(), value)
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
            .map(|p| named_orders(s, 1 - p, perceived(sides, p), &[]))
            .collect(),
        stances: sides.iter().map(|side| side.stance).collect(),
        events: event_ids(&m.consequences),
        announced: event_ids(&m.announced),
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
        scores: m.scores(score).to_vec(),
    }
}

/// Appends each reporting match's turn to its record (the resolution system
/// records the matches it moves on at once; this, the held ones).
pub fn record_turns(mut matches: Query<(&Match, &Sides, &MatchScenario, &mut Recorder)>) {
    for (m, sides, scenario, mut recorder) in matches.iter_mut() {
        record_turn(&scenario.0, m, sides, &mut recorder);
    }
}

/// Appends a reporting match's turn to its record, once.
pub fn record_turn(s: &LoadedScenario, m: &Match, sides: &[Side; 2], recorder: &mut Recorder) {
    if m.phase != Phase::Report || recorder.0.history.last().is_some_and(|t| t.turn == m.turn) {
        return;
    }
    recorder.0.history.push(turn_record(s, m, sides));
    recorder.0.outcome.clone_from(&m.outcome);
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
    cmp!(announced);
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
