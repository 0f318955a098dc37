//! The seam between the engine and whoever plays a side. The engine names only
//! the `Strategy` trait and the `View` it hands over; classic strategies, RON
//! strategies and the scenario-aware AI all plug in through it, so `sim` never
//! imports `strategy`.

use super::components::{Match, Memory, Side};
use crate::scenario::LoadedScenario;
use crate::scenario::compiled::CDecision;
use crate::scenario::schema::Stance;
use rand::rngs::Xoshiro256PlusPlus;
use std::sync::Arc;

/// What a strategy may look at when it chooses.
pub struct View<'a> {
    /// The turn being played, 1-based.
    pub turn: u32,
    /// One entry per past turn, oldest first.
    pub history: &'a [Memory],
    /// How many moves of `history` were seen as defections (kept so strategies need not count).
    pub seen_defections: u32,
    /// This side's regular decisions.
    pub decisions: &'a [CDecision],
    /// The whole match, for strategies that look ahead (the scenario-aware AI).
    /// Such a strategy must read only what its side may know: public metrics,
    /// its own orders, and the other side's moves as perceived (`history`).
    pub game: Option<GameView<'a>>,
}

/// The match a side plays in, as the engine holds it.
#[derive(Clone, Copy)]
pub struct GameView<'a> {
    pub scenario: &'a Arc<LoadedScenario>,
    pub m: &'a Match,
    pub sides: &'a [Side; 2],
    /// Which side is choosing.
    pub me: usize,
}

impl<'a> View<'a> {
    /// The view side `me` of a match has when it chooses its orders.
    pub fn of(
        scenario: &'a Arc<LoadedScenario>,
        m: &'a Match,
        sides: &'a [Side; 2],
        me: usize,
    ) -> Self {
        View {
            turn: m.turn,
            history: &sides[me].history,
            seen_defections: sides[me].seen_defections,
            decisions: &scenario.compiled.decisions[me],
            game: Some(GameView {
                scenario,
                m,
                sides,
                me,
            }),
        }
    }
}

/// Chooses a side's orders each turn.
pub trait Strategy: Send + Sync {
    /// The id a tournament table shows.
    fn id(&self) -> &str;

    /// The move in the dilemma view.
    fn stance(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus) -> Stance;

    /// Full orders; by default, the first option of the chosen stance in every decision.
    fn orders(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus, out: &mut Vec<u8>) -> Stance {
        let stance = self.stance(view, rng);
        super::rules::orders_for(view.decisions, stance, out);
        stance
    }
}
