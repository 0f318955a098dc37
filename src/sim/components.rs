//! The ECS model of a match: one entity per match, holding the shared state
//! (`Match`), both players' state (`Sides`) and who plays them (`Seats`). One
//! `World` may hold any number of matches.

use super::seat::Strategy;
use crate::scenario::LoadedScenario;
use crate::scenario::schema::Stance;
use bevy::prelude::*;
use rand::rngs::Xoshiro256PlusPlus;
use std::sync::Arc;

/// Where a match is in its turn. Matches move independently, so this is a
/// component, not a global `State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reflect)]
pub enum Phase {
    /// Events whose triggers hold fire and the news is assembled.
    Briefing,
    /// Waiting for both sides' sealed orders.
    Orders,
    /// The outcome systems run.
    Resolution,
    /// What happened is on record; waiting to go on (or going on at once).
    Report,
    GameOver,
}

/// How a finished match came out.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// Id of the early ending or of the on-time case that held; None for the plain
    /// ending on time.
    pub ending: Option<String>,
    /// Per player: won or not. Both true is a shared victory, both false a shared defeat or draw.
    pub won: [bool; 2],
    pub text: String,
    pub scores: [f64; 2],
}

/// What a step of resolution changed, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cause {
    /// The option a player chose.
    Option {
        player: u8,
        decision: u16,
        option: u8,
    },
    /// The option a player chose in an event's one-off choice.
    EventChoice {
        event: u16,
        option: u8,
    },
    JointRule(u16),
    ChanceRule(u16),
    ScoreRule(u16),
    Event(u16),
    /// The metric was pulled back inside its range.
    Clamp,
}

/// One metric change with its cause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub slot: crate::scenario::compiled::Slot,
    pub before: f64,
    pub after: f64,
    pub cause: Cause,
}

/// The scenario a match plays. Shared by every match of a tournament.
#[derive(Component, Clone)]
pub struct MatchScenario(pub Arc<LoadedScenario>);

/// Marks a match that plays on to its end within one run of the turn schedule,
/// briefing each next turn as soon as the last is on record: for matches that
/// nobody outside acts on between turns (a tournament's), whose state then stays
/// in the processor's caches from one turn to the next. The same per-match steps
/// run in the same order; a match whose orders come from outside still stops to
/// wait for them.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct PlayThrough;

/// A match: the turn, the phase, its RNG and the shared metrics.
#[derive(Component, Debug, Clone)]
pub struct Match {
    /// The current turn, 1-based.
    pub turn: u32,
    pub phase: Phase,
    pub seed: u64,
    /// The only source of chance for outcomes. Strategies have their own.
    pub rng: Xoshiro256PlusPlus,
    pub turns: u32,
    pub noise: f64,
    /// Every metric's value in the engine's flat order (`Program::bounds`): the
    /// shared metrics, then the first player's, then the second's. One array, so
    /// the rules read and write a match's values where they are kept.
    pub values: Vec<f64>,
    /// How many of `values` are shared metrics.
    pub shared_count: u16,
    /// How often each event has fired.
    pub fired: Vec<u32>,
    /// Events fired by effects this turn, applied in the events step.
    pub pending: Vec<u16>,
    /// Events announced from outside (a teacher's, in a class) that fired at this
    /// turn's briefing; on record, so a replay announces them too. Cleared when the
    /// match moves to the next turn.
    pub announced: Vec<u16>,
    /// Announcements waiting for their turn's briefing: (turn, event).
    pub announce_at: Vec<(u32, u16)>,
    /// Events announced at this turn's briefing.
    pub news: Vec<u16>,
    /// Events applied in this turn's events step.
    pub consequences: Vec<u16>,
    /// Metric changes this turn, kept only when `explain` is on.
    pub changes: Vec<Change>,
    pub explain: bool,
    /// Wait for a `ContinueMatch` after the briefing and after the report (the
    /// desktop game shows them); headless matches go on at once.
    pub hold: bool,
    /// Orders may be taken this turn: set after the briefing unless held.
    pub released: bool,
    pub outcome: Option<Outcome>,
    /// An unknown end: the chance, after each turn, that the game goes on.
    pub continuation: Option<f64>,
}

impl Match {
    /// The shared metrics' values, in the scenario's order.
    pub fn shared(&self) -> &[f64] {
        &self.values[..usize::from(self.shared_count)]
    }

    /// Player `p`'s per-player metrics' values, in the scenario's order.
    pub fn player_values(&self, p: usize) -> &[f64] {
        let shared = usize::from(self.shared_count);
        let n = (self.values.len() - shared) / 2;
        &self.values[shared + p * n..shared + (p + 1) * n]
    }

    /// Both players' scores, given the scenario's score metric.
    pub fn scores(&self, score_metric: usize) -> [f64; 2] {
        [0, 1].map(|p| {
            self.player_values(p)
                .get(score_metric)
                .copied()
                .unwrap_or(0.0)
        })
    }
}

/// One side's orders: an option index per regular decision, and answers to event choices.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Orders {
    pub choices: Vec<u8>,
    /// (event index, option index) for each event choice offered this turn.
    pub answers: Vec<(u16, u8)>,
}

// By hand, for `clone_from`: the derived one clones anew, and a side copies its
// orders into its last orders every turn, which then allocated twice a turn.
impl Clone for Orders {
    fn clone(&self) -> Self {
        Orders {
            choices: self.choices.clone(),
            answers: self.answers.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.choices.clone_from(&source.choices);
        self.answers.clone_from(&source.answers);
    }
}

/// What a side remembers of one turn, for strategies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// My true move in the dilemma view.
    pub mine: Stance,
    /// The other side's move as I perceived it.
    pub seen: Stance,
    /// My score minus theirs after the turn.
    pub lead: f64,
}

/// A player in a match.
#[derive(Debug, Clone)]
pub struct Side {
    pub index: u8,
    /// This turn's orders once submitted. From the end of a turn to the next
    /// submission this is a spare buffer (the orders of the turn before last),
    /// which the next orders overwrite whole; last turn's are `last_orders`.
    pub orders: Orders,
    pub submitted: bool,
    /// The orders of the turn before: swapped in at the end of each turn, not copied.
    pub last_orders: Option<Orders>,
    /// Event choices offered to this side this turn.
    pub offered: Vec<u16>,
    pub stance: Stance,
    pub last_stance: Option<Stance>,
    /// What this side perceived of the other side's choices this turn, when a
    /// rule or noise altered it (`misreported` is not 0); else stale, as the
    /// other side's sealed choices are what it saw. Read it through `perceived`.
    pub perceived: Vec<u8>,
    /// Which of those may differ from the truth, set by a rule (and so not
    /// re-rolled by noise) or flipped by noise: bit `d` for decision `d` (a side
    /// has at most `limits::MAX_DECISIONS`, 64). While it is 0 the other side was
    /// seen as it played.
    pub misreported: u64,
    pub history: Vec<Memory>,
    /// How many of the other side's moves this side has seen as defections.
    pub seen_defections: u32,
    /// Which options of each regular decision may be chosen this turn (bit `o` of
    /// entry `d`), computed at the briefing; empty when the scenario gates none.
    pub available: Vec<u64>,
    /// The latest answer this side gave to each event choice it has answered:
    /// (event index, option index), at most one entry per event.
    pub answered: Vec<(u16, u8)>,
    /// The options of `orders.choices` as a mask (`Program::chosen`), for the
    /// rules' `Chose` tests: set when the orders are sealed, so at the next
    /// briefing it is still last turn's (`Ctx::sealed` gives the same orders).
    pub chosen: u64,
}

/// What side `p` perceived of the other side's choices this turn, from the seal
/// to the report: its own copy once a rule or noise altered it, else the other
/// side's sealed choices (not copied at each seal, as most turns alter nothing).
/// After the turn ends the other side's orders are a spare buffer, so it is not
/// asked then.
pub fn perceived(sides: &[Side; 2], p: usize) -> &[u8] {
    if sides[p].misreported == 0 {
        &sides[1 - p].orders.choices
    } else {
        &sides[p].perceived
    }
}

/// Side `observer` perceives the other side's choice in `decision` as `shown`
/// (noise, or a rule's `Misperceive`): its perception is copied from the truth
/// before the first alteration of a turn, and the decision is marked in
/// `misreported`. Out of line: the effects' hot loop calls it, rarely.
#[inline(never)]
pub fn misperceive(sides: &mut [Side; 2], observer: usize, decision: usize, shown: u8) {
    let [a, b] = sides;
    let (me, other) = if observer == 0 { (a, b) } else { (b, a) };
    if me.misreported == 0 {
        me.perceived.clone_from(&other.orders.choices);
    }
    if let Some(p) = me.perceived.get_mut(decision) {
        *p = shown;
        me.misreported |= 1 << (decision % 64);
    }
}

/// Both players of a match, on the match's own entity: the turn systems reach a
/// match's sides without a look-up.
#[derive(Component, Debug, Clone)]
pub struct Sides(pub [Side; 2]);

impl std::ops::Deref for Sides {
    type Target = [Side; 2];
    fn deref(&self) -> &[Side; 2] {
        &self.0
    }
}

impl std::ops::DerefMut for Sides {
    fn deref_mut(&mut self) -> &mut [Side; 2] {
        &mut self.0
    }
}

/// Who plays each side of a match, on the match's entity beside its `Sides`.
#[derive(Component)]
pub struct Seats(pub [Controller; 2]);

/// Who gives a side its orders.
pub enum Controller {
    /// Orders come from outside (the UI, a replayed record): a `SubmitOrders` message.
    External,
    /// A strategy chooses, with its own seeded RNG: a classic, a RON strategy or
    /// the scenario-aware AI, all alike to the engine.
    Strategy {
        strategy: Box<dyn Strategy>,
        rng: Xoshiro256PlusPlus,
    },
}

/// Sealed orders from outside the engine, for player `player` (0 or 1) of a match.
#[derive(Message, Debug, Clone)]
pub struct SubmitOrders {
    pub match_entity: Entity,
    pub player: u8,
    pub orders: Orders,
}

/// Lets a held match go on: from the briefing to orders, or from the report to the next turn.
#[derive(Message, Debug, Clone, Copy)]
pub struct ContinueMatch(pub Entity);
