//! Payoff measurement through the real turn engine. No payoff is computed here by
//! reading rules: each cell is played by the same outcome systems as a match.
//!
//! The state at turn N is reached by both sides cooperating on turns 1 to N−1 (the
//! "cooperative path"), one match per sample seed. Each of those matches is then
//! forked once per cell (the `Match` and `Side` components copied, RNG included,
//! so every cell of a sample sees the same dice: common random numbers), the cell's
//! orders go in through `SubmitOrders`, and one run of the turn schedule resolves
//! every fork at once. A payoff is the change of a player's score metric over
//! that one turn, from the sealed orders to the end of the turn.

use super::equilibria::Game2;
use crate::scenario::LoadedScenario;
use crate::scenario::compiled::{CTrigger, Compiled, Cond};
use crate::scenario::schema::Stance;
use crate::sim::MatchSetup;
use crate::sim::components::*;
use crate::sim::record::GameRecord;
use crate::sim::rules::{answers_for, keep_available, orders_for};
use crate::sim::runner::Headless;
use bevy::prelude::*;
use std::sync::Arc;

/// Forked matches alive in the world at once; bounds memory for big bimatrices.
const MAX_FORKS_PER_RUN: usize = 32_768;

/// What one side plays in a cell: an option per regular decision, and the stance
/// its event-choice answers take (the first option of that stance).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub choices: Vec<u8>,
    pub stance: Stance,
    /// The exact answers to event choices, when known (a turn as it was played);
    /// otherwise each offered choice is answered with the plan's stance.
    pub answers: Option<Vec<(u16, u8)>>,
}

impl Plan {
    /// Every decision played with `stance`.
    pub fn uniform(c: &Compiled, player: usize, stance: Stance) -> Plan {
        let mut choices = Vec::new();
        orders_for(&c.decisions[player], stance, &mut choices);
        Plan {
            choices,
            stance,
            answers: None,
        }
    }
}

/// The mean one-turn score change of each player in one cell, and its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cell {
    pub mean: [f64; 2],
    pub standard_error: [f64; 2],
}

/// A measured table: `cells[row * cols.len() + col]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub cells: Vec<Cell>,
    /// Samples per cell: matches that reached the turn on the cooperative path.
    pub samples: usize,
    /// No rule draws on chance, so one sample is the exact answer.
    pub exact: bool,
}

/// Whether any condition of the scenario draws from the match RNG. Perception
/// noise is not counted: it changes what sides see, never a metric.
pub fn uses_chance(c: &Compiled) -> bool {
    fn chance(cond: &Cond) -> bool {
        match cond {
            Cond::Chance(_) | Cond::ChancePer(..) => true,
            Cond::All(list) | Cond::Any(list) => list.iter().any(chance),
            Cond::Not(inner) => chance(inner),
            _ => false,
        }
    }
    let rules = c.joint.iter().chain(&c.chance).chain(&c.score);
    rules.clone().any(|r| chance(&r.when))
        || c.events
            .iter()
            .any(|e| matches!(&e.trigger, CTrigger::When(cond) if chance(cond)))
        || c.early.iter().any(|e| chance(&e.when))
}

/// Plays every (row, column) pair of plans at `turn` and averages the score change
/// over `samples` seeds (one seed when the scenario has no chance).
pub fn measure(
    scenario: &Arc<LoadedScenario>,
    turn: u32,
    rows: &[Plan],
    cols: &[Plan],
    samples: usize,
    seed: u64,
) -> Result<Measured, String> {
    let c = &scenario.compiled;
    if turn == 0 || turn > c.turns {
        return Err(format!(
            "turn {turn} is outside the scenario's turns 1 to {}",
            c.turns
        ));
    }
    let exact = !uses_chance(c);
    let samples = if exact { 1 } else { samples.max(2) };
    let mut h = Headless::default();
    let bases = reach_turn(&mut h, scenario, turn, samples, seed);
    if bases.is_empty() {
        return Err(format!(
            "no sample reached turn {turn}: the game ended earlier on the cooperative path"
        ));
    }
    let cells = play_cells(&mut h, &bases, c.score_metric as usize, rows, cols);
    Ok(Measured {
        cells,
        samples: bases.len(),
        exact,
    })
}

/// Forks every base match once per (row, column) cell, plays the cell's orders
/// for one turn, and summarises each cell's score changes over the bases.
fn play_cells(
    h: &mut Headless,
    bases: &[Entity],
    score: usize,
    rows: &[Plan],
    cols: &[Plan],
) -> Vec<Cell> {
    let base_scores: Vec<[f64; 2]> = bases.iter().map(|&m| scores(h, m, score)).collect();
    let cells_per_run = (MAX_FORKS_PER_RUN / bases.len().max(1)).max(1);
    let all_cells: Vec<(usize, usize)> = (0..rows.len())
        .flat_map(|r| (0..cols.len()).map(move |c| (r, c)))
        .collect();
    let mut cells = Vec::with_capacity(all_cells.len());
    for chunk in all_cells.chunks(cells_per_run) {
        let mut forks = Vec::with_capacity(chunk.len() * bases.len());
        for &(r, col) in chunk {
            for &base in bases {
                let Some(fork) = crate::sim::fork_in_place(h.app.world_mut(), base) else {
                    continue;
                };
                submit(h, fork, [&rows[r], &cols[col]]);
                forks.push(fork);
            }
        }
        h.step();
        for (cell_forks, _) in forks.chunks(bases.len()).zip(chunk) {
            let deltas: Vec<[f64; 2]> = cell_forks
                .iter()
                .zip(&base_scores)
                .map(|(&f, b)| {
                    let after = scores(h, f, score);
                    [after[0] - b[0], after[1] - b[1]]
                })
                .collect();
            cells.push(summarize(&deltas));
        }
        for fork in forks {
            crate::sim::despawn_match(h.app.world_mut(), fork);
        }
    }
    cells
}

/// The 2×2 game of one turn as it was played: the match is replayed from its
/// record to that turn's orders, and each side plays what it really ordered in
/// the row or column of the stance those orders took, and every decision at the
/// other stance in the other. All four cells share the turn's real dice, so the
/// cell the sides landed in holds exactly the score changes that happened.
pub struct PlayedTurn {
    /// `matrix[row][col]`: the one-turn score change `[row player, column player]`.
    pub matrix: Game2,
    /// The (row, column) the sides landed in: 0 cooperate, 1 defect.
    pub landed: (usize, usize),
}

pub fn played_turn(
    record: &GameRecord,
    scenario: &Arc<LoadedScenario>,
    turn: u32,
) -> Result<PlayedTurn, String> {
    let index = (turn as usize)
        .checked_sub(1)
        .filter(|&i| i < record.history.len())
        .ok_or_else(|| format!("turn {turn} is not in the record"))?;
    let played = &record.history[index];
    let mut before = record.clone();
    before.history.truncate(index);
    before.outcome = None;
    let mut h = Headless::default();
    let base = h.spawn(MatchSetup::from_record(
        &before,
        scenario.clone(),
        [Controller::External, Controller::External],
        false,
    ));
    crate::sim::replay_into(h.app.world_mut(), base, &before).map_err(|e| e.to_string())?;
    h.step();
    if !waiting_for_orders(&h, base) {
        return Err(format!(
            "the replayed game does not reach turn {turn}'s orders"
        ));
    }
    let c = &scenario.compiled;
    let mut plans = Vec::with_capacity(2);
    for p in 0..2 {
        let orders = crate::sim::orders_from_names(scenario, p, played)?;
        let stance = played.stances.get(p).copied().unwrap_or(Stance::Cooperate);
        let real = Plan {
            choices: orders.choices,
            stance,
            answers: Some(orders.answers),
        };
        plans.push(match stance {
            Stance::Cooperate => [real, Plan::uniform(c, p, Stance::Defect)],
            Stance::Defect => [Plan::uniform(c, p, Stance::Cooperate), real],
        });
    }
    let cells = play_cells(
        &mut h,
        &[base],
        c.score_metric as usize,
        &plans[0],
        &plans[1],
    );
    let matrix: Game2 = [0, 1].map(|r| [0, 1].map(|col| cells[r * 2 + col].mean));
    let landed = [0, 1].map(|p| (played.stances.get(p) == Some(&Stance::Defect)) as usize);
    Ok(PlayedTurn {
        matrix,
        landed: (landed[0], landed[1]),
    })
}

/// Spawns one match per sample and plays turns 1..turn−1 with both sides
/// cooperating, then briefs turn `turn`. Returns the matches waiting for orders.
fn reach_turn(
    h: &mut Headless,
    scenario: &Arc<LoadedScenario>,
    turn: u32,
    samples: usize,
    seed: u64,
) -> Vec<Entity> {
    let c = &scenario.compiled;
    let matches: Vec<Entity> = (0..samples as u64)
        .map(|k| h.spawn(MatchSetup::external(scenario.clone(), seed.wrapping_add(k))))
        .collect();
    let cooperate = [0, 1].map(|p| Plan::uniform(c, p, Stance::Cooperate));
    for _ in 1..turn {
        h.step();
        for &m in &matches {
            if waiting_for_orders(h, m) {
                submit(h, m, [&cooperate[0], &cooperate[1]]);
            }
        }
        h.step();
    }
    h.step();
    matches
        .into_iter()
        .filter(|&m| waiting_for_orders(h, m))
        .collect()
}

fn waiting_for_orders(h: &Headless, m: Entity) -> bool {
    h.state(m).is_some_and(|s| s.phase == Phase::Orders)
}

fn scores(h: &Headless, m: Entity, score: usize) -> [f64; 2] {
    h.state(m).map_or([0.0; 2], |s| s.scores(score))
}

/// Sends both sides' orders, answering each offered event choice with the plan's stance.
fn submit(h: &mut Headless, m: Entity, plans: [&Plan; 2]) {
    let world = h.app.world_mut();
    let Some(scenario) = world.get::<MatchScenario>(m).map(|s| s.0.clone()) else {
        return;
    };
    for p in 0..2 {
        let mut choices = plans[p].choices.clone();
        let offered = world.get::<Sides>(m).map_or_else(Vec::new, |sides| {
            let s = &sides[p];
            // A plan names options by stance; where one is not available this turn
            // (format 2), the side plays what a strategy of that stance would.
            keep_available(&scenario.compiled.decisions[p], s, &mut choices);
            s.offered.clone()
        });
        let answers = plans[p]
            .answers
            .clone()
            .unwrap_or_else(|| answers_for(&scenario.compiled, &offered, plans[p].stance));
        world.write_message(SubmitOrders {
            match_entity: m,
            player: p as u8,
            orders: Orders { choices, answers },
        });
    }
}

/// Mean and standard error of the mean, per player.
fn summarize(deltas: &[[f64; 2]]) -> Cell {
    let n = deltas.len() as f64;
    let mut cell = Cell::default();
    for p in 0..2 {
        let mean = deltas.iter().map(|d| d[p]).sum::<f64>() / n;
        let var = if deltas.len() > 1 {
            deltas.iter().map(|d| (d[p] - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        cell.mean[p] = mean;
        cell.standard_error[p] = (var / n).sqrt();
    }
    cell
}
