//! The scenario-aware AI. For each candidate set of full orders it plays short
//! rollouts of the real turn systems in a scratch world — the rest of the match
//! copied in, the opponent replaced by a model fitted to what the AI has seen of
//! it — and keeps the orders with the best expected score.

use super::{Classic, Strategy, View};
use crate::scenario::LoadedScenario;
use crate::scenario::schema::Stance;
use crate::sim::components::*;
use crate::sim::rules::orders_for;
use crate::sim::{TurnSchedule, fork_match, scratch_world};
use bevy::prelude::*;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::sync::Arc;

/// How hard the AI thinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Difficulty {
    /// One turn ahead, a coin-flipping opponent model, few candidates.
    Easy,
    /// Two turns ahead against a fitted opponent model.
    Normal,
    /// Three turns ahead, more rollouts and candidates.
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Normal, Difficulty::Hard];

    pub fn id(self) -> &'static str {
        match self {
            Difficulty::Easy => "ai_easy",
            Difficulty::Normal => "ai_normal",
            Difficulty::Hard => "ai_hard",
        }
    }

    /// (turns ahead, rollouts per candidate, most candidates)
    fn budget(self) -> (u32, u32, usize) {
        match self {
            Difficulty::Easy => (1, 2, 8),
            Difficulty::Normal => (2, 3, 24),
            Difficulty::Hard => (3, 4, 48),
        }
    }
}

/// Weight of the lead over the opponent, next to the AI's own score gain: an AI
/// that only maximised its own score would let a defector outscore it.
const LEAD_WEIGHT: f64 = 1.5;

/// The scenario-aware AI as a strategy: it plays through the same seam as every
/// other strategy, so a side it plays is set up, forked and resumed like any other.
pub struct Planner {
    difficulty: Difficulty,
}

impl Planner {
    pub fn new(difficulty: Difficulty) -> Self {
        Planner { difficulty }
    }
}

impl Strategy for Planner {
    fn id(&self) -> &str {
        self.difficulty.id()
    }

    /// Without the match at hand (never the case inside the engine) it plays tit for tat.
    fn stance(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus) -> Stance {
        Classic::TitForTat.play(view.history, rng)
    }

    fn orders(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus, out: &mut Vec<u8>) -> Stance {
        let Some(game) = view.game else {
            let stance = self.stance(view, rng);
            orders_for(view.decisions, stance, out);
            return stance;
        };
        *out = plan(
            game.scenario,
            game.m,
            game.sides,
            game.me,
            self.difficulty,
            rng,
        );
        crate::sim::rules::stance_of(view.decisions, out)
    }
}

/// The best choices (an option per decision) for side `me`, by Monte Carlo lookahead.
pub fn plan(
    scenario: &Arc<LoadedScenario>,
    m: &Match,
    sides: [&Side; 2],
    me: usize,
    difficulty: Difficulty,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<u8> {
    let c = &scenario.compiled;
    let (depth, rollouts, most) = difficulty.budget();
    let mut candidates = candidates(&c.decisions[me], most, rng);
    let model = match difficulty {
        Difficulty::Easy => Classic::Random,
        _ => fit_opponent(&sides[me].history),
    };
    // The opponent as the AI knows it: its moves as perceived, the AI's as played.
    let mut opponent = sides[1 - me].clone();
    opponent.history = mirrored(&sides[me].history);
    opponent.seen_defections = opponent
        .history
        .iter()
        .filter(|h| h.seen == Stance::Defect)
        .count() as u32;

    let mut world = scratch_world();
    let mut trials = Vec::new();
    for (k, choices) in candidates.iter().enumerate() {
        for r in 0..rollouts {
            let seed = rng.random::<u64>();
            let mine = Controller::Strategy {
                strategy: Box::new(Committed {
                    first: Some(choices.clone()),
                }),
                rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            };
            let theirs = Controller::Strategy {
                strategy: Box::new(model),
                rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ 1),
            };
            let controllers = if me == 0 {
                [mine, theirs]
            } else {
                [theirs, mine]
            };
            let entity = fork_match(
                &mut world,
                scenario,
                m,
                if me == 0 {
                    [sides[0], &opponent]
                } else {
                    [&opponent, sides[1]]
                },
                controllers,
            );
            if let Some(mut fork) = world.get_mut::<Match>(entity) {
                // Each rollout draws its own future; the AI does not know the real dice.
                fork.rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                fork.released = true;
                fork.outcome = None;
            }
            let players = world.get::<Match>(entity).map(|f| f.players);
            for side in players.into_iter().flatten() {
                if let Some(mut side) = world.get_mut::<Side>(side) {
                    side.submitted = false;
                }
            }
            trials.push((k, r, entity));
        }
    }
    for _ in 0..depth {
        world.run_schedule(TurnSchedule);
    }
    let score = c.score_metric as usize;
    let start = [sides[0].metrics[score], sides[1].metrics[score]];
    let mut value = vec![0.0f64; candidates.len()];
    for &(k, _, entity) in &trials {
        let Some(state) = world.get::<Match>(entity) else {
            continue;
        };
        let got = state
            .players
            .map(|s| world.get::<Side>(s).map_or(0.0, |s| s.metrics[score]));
        let mine = got[me] - start[me];
        let theirs = got[1 - me] - start[1 - me];
        let mut v = mine + LEAD_WEIGHT * (mine - theirs);
        if let Some(o) = &state.outcome {
            // An ending inside the horizon counts as the verdict it gives.
            v += match (o.won[me], o.won[1 - me]) {
                (true, false) => 50.0,
                (false, true) => -50.0,
                (false, false) => -25.0,
                (true, true) => 25.0,
            };
        }
        value[k] += v;
    }
    let best = (0..candidates.len())
        .max_by(|&a, &b| value[a].total_cmp(&value[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    // Event-choice answers follow from these choices' stance; the engine adds them.
    candidates.swap_remove(best)
}

/// Candidate full orders: all of them when few, else the pure stances, every
/// single-decision deviation from them, then random mixes up to `most`.
fn candidates(
    decisions: &[crate::scenario::compiled::CDecision],
    most: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<Vec<u8>> {
    // Checked: 64 decisions of two options are 2^64 orders, which wraps to 0.
    let total = decisions
        .iter()
        .try_fold(1usize, |n, d| n.checked_mul(d.options.len().max(1)))
        .filter(|&n| n <= most);
    let mut out: Vec<Vec<u8>> = Vec::new();
    let push = |v: Vec<u8>, out: &mut Vec<Vec<u8>>| {
        if !out.contains(&v) && out.len() < most {
            out.push(v);
        }
    };
    if let Some(total) = total {
        for mut i in 0..total {
            let v = decisions
                .iter()
                .map(|d| {
                    let n = d.options.len().max(1);
                    let o = i % n;
                    i /= n;
                    o as u8
                })
                .collect();
            push(v, &mut out);
        }
        return out;
    }
    for stance in [Stance::Cooperate, Stance::Defect] {
        let mut base = Vec::new();
        orders_for(decisions, stance, &mut base);
        push(base.clone(), &mut out);
        for (d, decision) in decisions.iter().enumerate() {
            for o in 0..decision.options.len() as u8 {
                let mut v = base.clone();
                v[d] = o;
                push(v, &mut out);
            }
        }
    }
    for _ in 0..most * 4 {
        if out.len() >= most {
            break;
        }
        let v = decisions
            .iter()
            .map(|d| rng.random_range(0..d.options.len().max(1)) as u8)
            .collect();
        push(v, &mut out);
    }
    out
}

/// A history as the other side would remember it, from what this side knows:
/// their moves as perceived, this side's as played.
fn mirrored(mine: &[Memory]) -> Vec<Memory> {
    mine.iter()
        .map(|h| Memory {
            mine: h.seen,
            seen: h.mine,
            lead: -h.lead,
        })
        .collect()
}

/// The classic strategy that best predicts the opponent's moves so far, seen from
/// its side; tit-for-tat when nothing has been seen.
fn fit_opponent(mine: &[Memory]) -> Classic {
    let theirs = mirrored(mine);
    let mut best = (Classic::TitForTat, usize::MAX);
    for c in Classic::ALL {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
        let misses = (0..theirs.len())
            .filter(|&t| c.play(&theirs[..t], &mut rng) != theirs[t].mine)
            .count();
        if misses < best.1 || (misses == best.1 && c == Classic::TitForTat) {
            best = (c, misses);
        }
    }
    best.0
}

/// Plays the candidate orders first, then tit-for-tat for the rest of the rollout.
struct Committed {
    first: Option<Vec<u8>>,
}

impl Strategy for Committed {
    fn id(&self) -> &str {
        "committed"
    }

    fn stance(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus) -> Stance {
        Classic::TitForTat.play(view.history, rng)
    }

    fn orders(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus, out: &mut Vec<u8>) -> Stance {
        match self.first.take() {
            Some(first) => {
                *out = first;
                crate::sim::rules::stance_of(view.decisions, out)
            }
            None => {
                let stance = self.stance(view, rng);
                orders_for(view.decisions, stance, out);
                stance
            }
        }
    }
}
