//! The scenario-aware AI. For each candidate set of full orders it plays short
//! rollouts of the real turn systems in a scratch world — the rest of the match
//! copied in, the opponent replaced by a model fitted to what the AI has seen of
//! it — and keeps the orders with the best value for its temperament: the
//! competitive AI values its own gain and its lead, the pragmatic one its own
//! gain only, and the reciprocal one decides to cooperate or not as a forgiving
//! reciprocator would, then plays the best full orders of that stance for itself.

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

/// What the AI wants, beside how hard it thinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Temperament {
    /// Its own gain plus 1.5× its lead: it plays to beat the other side.
    Competitive,
    /// Its own gain only: the other side's score is none of its business.
    Pragmatic,
    /// Cooperates while it is not exploited; after a defection it answers with
    /// defection, then forgives after [`FORGIVE_AFTER`] turns; within the stance
    /// chosen, the full orders best for itself.
    Reciprocal,
}

/// Turns a reciprocal AI answers a defection before it cooperates again: two,
/// as the classic two tits for tat it follows.
pub const FORGIVE_AFTER: usize = 2;

/// A scenario-aware AI: a level and a temperament.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ai {
    pub difficulty: Difficulty,
    pub temperament: Temperament,
}

impl Ai {
    /// Every AI, by level then temperament; the plain level ids are competitive.
    pub const ALL: [Ai; 9] = {
        use Difficulty::*;
        use Temperament::*;
        const fn ai(difficulty: Difficulty, temperament: Temperament) -> Ai {
            Ai {
                difficulty,
                temperament,
            }
        }
        [
            ai(Easy, Competitive),
            ai(Normal, Competitive),
            ai(Hard, Competitive),
            ai(Easy, Pragmatic),
            ai(Normal, Pragmatic),
            ai(Hard, Pragmatic),
            ai(Easy, Reciprocal),
            ai(Normal, Reciprocal),
            ai(Hard, Reciprocal),
        ]
    };

    /// `ai_hard` (competitive), `ai_hard:pragmatic`, `ai_hard:reciprocal`.
    pub fn id(self) -> &'static str {
        use Difficulty::*;
        use Temperament::*;
        match (self.difficulty, self.temperament) {
            (Easy, Competitive) => "ai_easy",
            (Normal, Competitive) => "ai_normal",
            (Hard, Competitive) => "ai_hard",
            (Easy, Pragmatic) => "ai_easy:pragmatic",
            (Normal, Pragmatic) => "ai_normal:pragmatic",
            (Hard, Pragmatic) => "ai_hard:pragmatic",
            (Easy, Reciprocal) => "ai_easy:reciprocal",
            (Normal, Reciprocal) => "ai_normal:reciprocal",
            (Hard, Reciprocal) => "ai_hard:reciprocal",
        }
    }

    /// An AI by id; `ai` is `ai_normal`, and `LEVEL:competitive` the plain level.
    pub fn parse(id: &str) -> Option<Ai> {
        let id = match id {
            "ai" => "ai_normal",
            other => other.strip_suffix(":competitive").unwrap_or(other),
        };
        Ai::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// Weight of the lead over the opponent, next to the AI's own score gain: the
/// competitive AI would rather not let a defector outscore it.
const LEAD_WEIGHT: f64 = 1.5;

/// The scenario-aware AI as a strategy: it plays through the same seam as every
/// other strategy, so a side it plays is set up, forked and resumed like any other.
pub struct Planner {
    ai: Ai,
}

impl Planner {
    pub fn new(ai: Ai) -> Self {
        Planner { ai }
    }
}

/// The reciprocal AI's move: the classic two tits for tat's — cooperate, unless
/// the other side was seen to defect within the last [`FORGIVE_AFTER`] turns.
fn reciprocal_stance(history: &[Memory]) -> Stance {
    // Deterministic: the random stream is never drawn from.
    let mut unused = Xoshiro256PlusPlus::seed_from_u64(0);
    Classic::TwoTitsForTat.play(history, &mut unused)
}

impl Strategy for Planner {
    fn id(&self) -> &str {
        self.ai.id()
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
        *out = plan(game.scenario, game.m, game.sides, game.me, self.ai, rng);
        crate::sim::rules::stance_of(view.decisions, out)
    }
}

/// The best choices (an option per decision) for side `me`, by Monte Carlo lookahead.
pub fn plan(
    scenario: &Arc<LoadedScenario>,
    m: &Match,
    sides: &[Side; 2],
    me: usize,
    ai: Ai,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<u8> {
    let c = &scenario.compiled;
    let difficulty = ai.difficulty;
    let (depth, rollouts, most) = difficulty.budget();
    let mut candidates = candidates(&c.decisions[me], most, rng);
    if ai.temperament == Temperament::Reciprocal {
        // Only orders of the stance a forgiving reciprocator takes now.
        let stance = reciprocal_stance(&sides[me].history);
        let decisions = &c.decisions[me];
        candidates.retain(|v| crate::sim::rules::stance_of(decisions, v) == stance);
        if candidates.is_empty() {
            let mut pure = Vec::new();
            orders_for(decisions, stance, &mut pure);
            candidates.push(pure);
        }
    }
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
    // The sides every rollout starts from, both yet to choose.
    let mut pair = Sides(if me == 0 {
        [sides[0].clone(), opponent]
    } else {
        [opponent, sides[1].clone()]
    });
    for side in pair.iter_mut() {
        side.submitted = false;
    }

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
            let entity = fork_match(&mut world, scenario, m, &pair, controllers);
            if let Some(mut fork) = world.get_mut::<Match>(entity) {
                // Each rollout draws its own future; the AI does not know the real dice.
                fork.rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                fork.released = true;
                fork.outcome = None;
            }
            trials.push((k, r, entity));
        }
    }
    for _ in 0..depth {
        world.run_schedule(TurnSchedule);
    }
    let score = c.score_metric as usize;
    let start = m.scores(score);
    let mut value = vec![0.0f64; candidates.len()];
    for &(k, _, entity) in &trials {
        let Some(state) = world.get::<Match>(entity) else {
            continue;
        };
        let got = state.scores(score);
        let mine = got[me] - start[me];
        let theirs = got[1 - me] - start[1 - me];
        let competitive = ai.temperament == Temperament::Competitive;
        let mut v = if competitive {
            mine + LEAD_WEIGHT * (mine - theirs)
        } else {
            mine
        };
        if let Some(o) = &state.outcome {
            // An ending inside the horizon counts as the verdict it gives; only
            // the competitive AI minds the other side's half of it.
            v += match (o.won[me], o.won[1 - me]) {
                (true, false) => 50.0,
                (false, true) if competitive => -50.0,
                (false, false) | (false, true) => -25.0,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ai_id_parses_back_and_the_plain_levels_are_competitive() {
        for ai in Ai::ALL {
            assert_eq!(Ai::parse(ai.id()), Some(ai));
        }
        assert_eq!(Ai::parse("ai_hard:competitive"), Ai::parse("ai_hard"));
        assert_eq!(
            Ai::parse("ai").map(|a| (a.difficulty, a.temperament)),
            Some((Difficulty::Normal, Temperament::Competitive))
        );
        assert_eq!(Ai::parse("ai_hard:angry"), None);
        assert_eq!(Ai::parse("ai_hard:"), None);
    }

    #[test]
    fn the_reciprocal_ai_answers_a_defection_then_forgives() {
        let turn = |seen| Memory {
            mine: Stance::Cooperate,
            seen,
            lead: 0.0,
        };
        let (c, d) = (Stance::Cooperate, Stance::Defect);
        let mut history = vec![turn(c), turn(c)];
        assert_eq!(reciprocal_stance(&history), c);
        history.push(turn(d));
        assert_eq!(reciprocal_stance(&history), d);
        history.push(turn(c));
        assert_eq!(reciprocal_stance(&history), d, "still answering");
        history.push(turn(c));
        assert_eq!(
            reciprocal_stance(&history),
            c,
            "forgiven after {FORGIVE_AFTER} turns"
        );
    }
}
