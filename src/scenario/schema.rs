//! Scenario formats 1 and 2: the serde types a scenario `.ron` file deserializes into.
//! Format 2 only adds fields and variants, each with a default, so a format 1 file
//! reads unchanged.
//!
//! This is the modders' public interface; `scenarios/README.md` documents every
//! field here, and a test fails when a field is missing from that reference.
//! Ids are plain strings so a file reads naturally; `validate` resolves them and
//! `compile` turns them into indices for the engine.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The newest version of the scenario format this build reads.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest version it still reads, unchanged.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// One scenario: a two-player conflict, its rules and its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version: 1 or 2.
    pub format: u32,
    /// Unique id, e.g. `"syria_2015"`.
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Where the content comes from.
    pub source: Citation,
    /// Number of turns before the game ends on time.
    pub turns: u32,
    pub calendar: Calendar,
    /// Exactly two players.
    pub players: Vec<Player>,
    pub metrics: Vec<Metric>,
    /// How likely a move is reported wrongly to the other side.
    #[serde(default)]
    pub noise: Noise,
    /// Rules on combinations of both sides' choices; run after option effects.
    #[serde(default)]
    pub joint_rules: Vec<Rule>,
    /// Rules of chance and friction; run after joint rules.
    #[serde(default)]
    pub chance_rules: Vec<Rule>,
    #[serde(default)]
    pub events: Vec<Event>,
    /// Rules that award score; run after metrics are clamped.
    #[serde(default)]
    pub score_rules: Vec<Rule>,
    /// How the game can end before the turn limit, and how it ends on time.
    pub endings: Endings,
    /// Optional stylized map: places that options strike.
    #[serde(default)]
    pub map: Option<Map>,
    /// The stage game the scenario means to be at turn 1; `validate` measures it and warns on a mismatch.
    #[serde(default)]
    pub dilemma: Option<Dilemma>,
    /// Reflection questions printed at the end of a debrief report.
    #[serde(default)]
    pub debrief_questions: Vec<String>,
}

/// A named 2×2 game, ordered by each player's payoffs T, R, P, S.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Dilemma {
    /// T > R > P > S (and, for the repeated game, 2R > T + S).
    PrisonersDilemma,
    /// R > T ≥ P > S.
    StagHunt,
    /// T > R > S > P.
    Chicken,
    /// R > T and S > P: cooperating is best whatever the other does.
    Harmony,
    /// T > P > R > S: both prefer mutual defection.
    Deadlock,
}

/// A bibliographic citation for the scenario's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub title: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The source text, relative to the scenario file (e.g. `"sources/syria_2015.txt"`).
    /// When given, `validate` checks every `source:` quotation against it word for word.
    #[serde(default)]
    pub file: Option<String>,
}

/// What an element rests on when it is not (only) the source's own words.
/// An element with a `source:` quotation and no `basis` is "from the article".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Basis {
    /// Outside context, with a short citation: a fact the source does not state.
    Background(String),
    /// The designer's assumption, with one sentence of why.
    Assumption(String),
}

/// Maps turn numbers to dates: turn 1 is `start_month` of `start_year` (and
/// `start_day`, when turns are counted in days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    pub start_year: i32,
    /// 1 = January.
    pub start_month: u32,
    #[serde(default = "one")]
    pub months_per_turn: u32,
    /// Day of the month of turn 1 (format 2); used with `days_per_turn`.
    #[serde(default = "one")]
    pub start_day: u32,
    /// Days per turn (format 2; 7 for a week). When given, dates are days
    /// ("22 October 1962") and `months_per_turn` is not used.
    #[serde(default)]
    pub days_per_turn: Option<u32>,
    /// An abstract game with no place in time: turns are shown as "Round N" and
    /// no date is shown anywhere (the dates' fields are then not used).
    #[serde(default)]
    pub rounds: bool,
}

fn one() -> u32 {
    1
}

/// A side in the conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Player {
    pub id: String,
    pub name: String,
    pub briefing: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    /// One option per decision is chosen every turn.
    pub decisions: Vec<Decision>,
}

/// Shared metrics have one value; per-player metrics have one per player.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Shared,
    PerPlayer,
}

/// A number the game tracks, kept inside `[min, max]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub id: String,
    pub name: String,
    pub description: String,
    pub scope: Scope,
    pub min: f64,
    pub max: f64,
    pub initial: f64,
    /// Per-player starting values that differ from `initial`.
    #[serde(default)]
    pub initial_for: BTreeMap<String, f64>,
    /// Higher is better for the players (for colouring dashboards); default true.
    #[serde(default = "yes")]
    pub higher_is_better: bool,
    /// Who sees only an estimate of this metric (format 2).
    #[serde(default)]
    pub fog: Option<Fog>,
    /// Bookkeeping kept for the rules and never shown to players (format 2): the
    /// screens, charts, `simulate`'s story and the debrief leave it out; records keep it.
    #[serde(default)]
    pub hidden: bool,
}

/// Fog over a metric: a player sees an estimate off by up to `error` either way,
/// drawn afresh each turn, instead of the true value. Outcomes use the true value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fog {
    /// The players (ids) who see estimates.
    pub players: Vec<String>,
    /// Largest error of an estimate, in the metric's units (at least 0).
    pub error: f64,
    /// Shown beside the estimate: why the value is uncertain.
    #[serde(default)]
    pub description: String,
}

fn yes() -> bool {
    true
}

/// A category of orders, e.g. strike tactic; one option is chosen per turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Weight of this decision when a turn is reduced to cooperate/defect.
    #[serde(default = "unit")]
    pub weight: f64,
    pub options: Vec<OptionDef>,
}

fn unit() -> f64 {
    1.0
}

/// The dilemma mark of an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stance {
    Cooperate,
    Defect,
}

/// One choice within a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Cooperative or not, for the dilemma view. Required.
    pub stance: Stance,
    /// Applied every turn the option is chosen, first in resolution.
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Where the map shows this option landing.
    #[serde(default)]
    pub strikes: Option<Strike>,
    /// A quotation from the source text that the option rests on.
    #[serde(default)]
    pub source: Option<String>,
    /// Background or game assumption, when the option does not rest on a quotation.
    #[serde(default)]
    pub basis: Option<Basis>,
    /// When the option may be chosen (format 2), tested at each briefing; `self` and
    /// `other` name the option's owner and the other side. Default: always.
    #[serde(default)]
    pub available: Condition,
}

/// A strike drawn on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strike {
    /// Map location ids.
    pub at: Vec<String>,
    /// True when civilians were warned first (leaflets).
    #[serde(default)]
    pub warned: bool,
}

/// A conditional set of effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// Shown to players in explanations.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub when: Condition,
    pub effects: Vec<Effect>,
    #[serde(default)]
    pub source: Option<String>,
    /// Background or game assumption, when the rule does not rest on a quotation.
    #[serde(default)]
    pub basis: Option<Basis>,
}

/// Which turn an option condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum When {
    #[default]
    ThisTurn,
    LastTurn,
}

/// A test on the state of the match.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
// Struct variants refuse unknown fields too: serde applies this to them.
#[serde(deny_unknown_fields)]
pub enum Condition {
    #[default]
    Always,
    /// The metric is strictly above the value.
    Above {
        metric: String,
        value: f64,
    },
    /// The metric is strictly below the value.
    Below {
        metric: String,
        value: f64,
    },
    /// The metric is within `[min, max]`.
    Between {
        metric: String,
        min: f64,
        max: f64,
    },
    /// The player chose this option (this turn or last turn).
    Chose {
        player: String,
        decision: String,
        option: String,
        #[serde(default)]
        turn: When,
    },
    /// The player's move reduced to this dilemma stance (this or last turn).
    Played {
        player: String,
        stance: Stance,
        #[serde(default)]
        turn: When,
    },
    /// Turn number within `[from, to]` (inclusive, 1-based).
    Turn {
        from: u32,
        to: u32,
    },
    /// True with this probability, drawn from the match RNG.
    Chance(f64),
    /// True with probability `base + per × metric`, held within [0, 1] and drawn
    /// from the match RNG: a risk that grows (or shrinks) with a metric.
    ChancePer {
        metric: String,
        per: f64,
        #[serde(default)]
        base: f64,
    },
    /// The event has fired at least once.
    Fired(String),
    /// The player's latest answer to the event's choice was this option (format 2).
    /// It holds from the turn of the answer on, so a rule can react in that turn.
    Answered {
        player: String,
        event: String,
        option: String,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// A change to the state of the match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Struct variants refuse unknown fields too: serde applies this to them.
#[serde(deny_unknown_fields)]
pub enum Effect {
    /// Add `value` (may be negative) to a metric.
    Add { metric: String, value: f64 },
    /// Set a metric to `value`.
    Set { metric: String, value: f64 },
    /// Multiply a metric by `factor`.
    Scale { metric: String, factor: f64 },
    /// Add `factor` times the current value of metric `per` to `metric`.
    AddPer {
        metric: String,
        per: String,
        factor: f64,
    },
    /// Fire an event (its effects apply in the events step of this turn).
    Fire(String),
    /// The other side perceives `player`'s choice in `decision` as `shown`.
    Misperceive {
        player: String,
        decision: String,
        shown: String,
    },
}

/// Perception noise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// Chance, per decision and turn, that the other side sees the opposite stance.
    pub probability: f64,
    /// Text shown when noise misreports a move.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub source: Option<String>,
}

impl Default for Noise {
    fn default() -> Self {
        Noise {
            probability: 0.0,
            description: String::new(),
            source: None,
        }
    }
}

/// What sets an event off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Struct variants refuse unknown fields too: serde applies this to them.
#[serde(deny_unknown_fields)]
pub enum Trigger {
    /// At the start of this turn.
    AtTurn(u32),
    /// At the start of any turn where the condition holds.
    When(Condition),
    /// Only when an effect fires it.
    Fired,
}

/// Something that happens: news at a briefing, or a consequence of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub text: String,
    pub trigger: Trigger,
    /// May fire again after the first time.
    #[serde(default)]
    pub repeatable: bool,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// A decision the event offers one player this turn.
    #[serde(default)]
    pub choice: Option<EventChoice>,
    #[serde(default)]
    pub source: Option<String>,
    /// Background or game assumption, when the event does not rest on a quotation.
    #[serde(default)]
    pub basis: Option<Basis>,
}

/// A one-off decision added to a player's orders when an event fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventChoice {
    pub player: String,
    pub decision: Decision,
}

/// Who an ending favours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Struct variants refuse unknown fields too: serde applies this to them.
#[serde(deny_unknown_fields)]
pub enum Verdict {
    /// This player wins; the other loses.
    Win(String),
    /// This player loses; the other wins.
    Lose(String),
    BothWin,
    BothLose,
    /// The higher score wins; equal scores draw.
    ByScore,
    /// Nobody wins or loses: each side's score measures how well it did for
    /// itself (the abstract dilemmas, where beating the other is not the point).
    NoWinner,
}

/// An early end to the game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    pub id: String,
    pub title: String,
    pub text: String,
    pub when: Condition,
    pub verdict: Verdict,
    #[serde(default)]
    pub source: Option<String>,
    /// Background or game assumption, when the ending does not rest on a quotation.
    #[serde(default)]
    pub basis: Option<Basis>,
}

/// How the game ends and how it is scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endings {
    /// Per-player metric that is each player's score.
    pub score: String,
    /// Checked in order after each turn; the first that holds ends the game.
    #[serde(default)]
    pub early: Vec<Ending>,
    /// Text shown when the turn limit is reached.
    pub on_time: String,
    #[serde(default = "by_score")]
    pub on_time_verdict: Verdict,
    /// Endings on time that depend on the final state: when the turn limit is reached
    /// (and no early ending held), the first whose `when` holds gives the text and the
    /// verdict instead of `on_time` and `on_time_verdict`.
    #[serde(default)]
    pub on_time_cases: Vec<Ending>,
}

fn by_score() -> Verdict {
    Verdict::ByScore
}

/// A stylized map: coordinates are fractions of the map's width and height.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Map {
    pub locations: Vec<Location>,
    /// Lines to draw: borders and coasts, each a list of `(x, y)` points.
    #[serde(default)]
    pub lines: Vec<MapLine>,
    /// Shared metric that measures pressure on the common enemy, if any.
    #[serde(default)]
    pub pressure_metric: Option<String>,
    /// Shared metric that measures harm to civilians, if any.
    #[serde(default)]
    pub harm_metric: Option<String>,
    /// Sides on the ground other than the two players (format 2), which a location's
    /// `holder` may name: the Cuban government, a militia, the UN.
    #[serde(default)]
    pub factions: Vec<Faction>,
}

/// A side on the map that is not a player (format 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faction {
    /// Unique among factions and players.
    pub id: String,
    pub name: String,
}

/// Who holds a location at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Holder {
    Enemy,
    Government,
    Opposition,
    Contested,
    Neutral,
}

/// A named place on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub id: String,
    pub name: String,
    pub x: f32,
    pub y: f32,
    /// One of the five generic holders; `Neutral` when left out (format 2).
    #[serde(default = "neutral")]
    pub held_by: Holder,
    /// Who holds it by name (format 2): a player id or a faction id of `map.factions`.
    /// Shown instead of `held_by` where a screen knows it.
    #[serde(default)]
    pub holder: Option<String>,
    /// Falls to whoever presses when the pressure metric passes this level.
    #[serde(default)]
    pub falls_at: Option<f64>,
}

fn neutral() -> Holder {
    Holder::Neutral
}

/// A polyline on the map, e.g. a border.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapLine {
    pub name: String,
    pub points: Vec<(f32, f32)>,
    #[serde(default)]
    pub dashed: bool,
}
