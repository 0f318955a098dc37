//! Tournaments: round robins of strategies played as many matches in one `World`,
//! through the same `TurnSchedule` as the game; and evolution over those results.

pub mod evolve;
pub mod output;

use crate::scenario::LoadedScenario;
use crate::scenario::schema::Stance;
use crate::sim::MatchSetup;
use crate::sim::components::{Match, Side};
use crate::sim::runner::Headless;
use crate::strategy::Spec;
use bevy::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Matches resolved together in one world; bounds memory on huge tournaments.
const BATCH: usize = 4096;

pub struct Config {
    pub scenario: Arc<LoadedScenario>,
    pub entrants: Vec<Spec>,
    pub turns: Option<u32>,
    pub repetitions: u32,
    pub noise: Option<f64>,
    pub seed: u64,
    /// Worker threads; results do not depend on it.
    pub threads: usize,
}

/// One match of the round robin: who sits where, and its seed.
#[derive(Debug, Clone, Copy)]
pub struct Pairing {
    pub seats: [usize; 2],
    pub seed: u64,
}

/// What one match produced.
#[derive(Debug, Clone, Copy, Default)]
pub struct MatchResult {
    pub scores: [f64; 2],
    pub won: [bool; 2],
    pub cooperations: [u32; 2],
    pub turns: u32,
}

/// One row of the ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub rank: usize,
    pub strategy: String,
    pub mean_score_per_turn: f64,
    pub wins: u32,
    pub matches: u32,
    pub cooperation_rate: f64,
}

/// The tournament's results: `pairwise[a][b]` is a's mean total score per match against b.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub scenario: String,
    pub turns_played: u64,
    pub ranking: Vec<Standing>,
    pub pairwise: BTreeMap<String, BTreeMap<String, f64>>,
    /// `win_rate[a][b]`: the share of a's matches against b that a won.
    pub win_rate: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Every unordered pair, self-play included, once per repetition; seats alternate
/// by repetition so asymmetric scenarios are fair.
pub fn pairings(entrants: usize, repetitions: u32, seed: u64) -> Vec<Pairing> {
    let mut out = Vec::new();
    for rep in 0..repetitions {
        for i in 0..entrants {
            for j in i..entrants {
                let seats = if rep % 2 == 0 { [i, j] } else { [j, i] };
                let seed =
                    splitmix(seed ^ splitmix(((rep as u64) << 40) | ((i as u64) << 20) | j as u64));
                out.push(Pairing { seats, seed });
            }
        }
    }
    out
}

/// SplitMix64: spreads nearby inputs into unrelated seeds.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Plays `pairings` in one world per batch; results come back in pairing order.
pub fn play_batch(
    config: &Config,
    pairings: &[Pairing],
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<MatchResult> {
    let mut results = Vec::with_capacity(pairings.len());
    for chunk in pairings.chunks(BATCH) {
        let mut h = Headless::default();
        let ids: Vec<Entity> = chunk
            .iter()
            .map(|p| {
                let controllers = p.seats.map(|e| config.entrants[e].controller());
                h.spawn(MatchSetup {
                    scenario: config.scenario.clone(),
                    seed: p.seed,
                    turns: config.turns,
                    noise: config.noise,
                    continuation: None,
                    controllers,
                    explain: false,
                    hold: false,
                    record_as: None,
                })
            })
            .collect();
        h.run_to_end();
        // Where the scenario declares no winner (the abstract dilemmas), a match is
        // won as in Axelrod's tournaments: by the higher score.
        let by_score =
            config.scenario.compiled.on_time == crate::scenario::compiled::CVerdict::NoWinner;
        let world = h.app.world();
        for &m in &ids {
            let state = world.get::<Match>(m).expect("spawned");
            // A match that stalled has no outcome: zero scores, nobody wins.
            let (scores, won) = state.outcome.as_ref().map_or(([0.0; 2], [false; 2]), |o| {
                let won = if by_score && o.ending.is_none() {
                    [o.scores[0] > o.scores[1], o.scores[1] > o.scores[0]]
                } else {
                    o.won
                };
                (o.scores, won)
            });
            let sides = state
                .players
                .map(|s| world.get::<Side>(s).expect("spawned"));
            let cooperations = sides.map(|s| {
                s.history
                    .iter()
                    .filter(|h| h.mine == Stance::Cooperate)
                    .count() as u32
            });
            results.push(MatchResult {
                scores,
                won,
                cooperations,
                turns: sides[0].history.len() as u32,
            });
        }
        progress(chunk.iter().map(|_| 1u64).sum());
    }
    results
}

/// Runs the round robin on `config.threads` threads and tallies it.
pub fn run(config: &Config, progress: &(dyn Fn(u64) + Sync)) -> Results {
    let pairings = pairings(config.entrants.len(), config.repetitions, config.seed);
    let threads = config.threads.max(1).min(pairings.len().max(1));
    let per = pairings.len().div_ceil(threads);
    let results: Vec<MatchResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = pairings
            .chunks(per.max(1))
            .map(|chunk| scope.spawn(move || play_batch(config, chunk, progress)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a tournament worker panicked"))
            .collect()
    });
    tally(config, &pairings, &results)
}

fn tally(config: &Config, pairings: &[Pairing], results: &[MatchResult]) -> Results {
    let n = config.entrants.len();
    let (mut total, mut turns, mut wins, mut matches, mut coops) = (
        vec![0.0; n],
        vec![0u64; n],
        vec![0u32; n],
        vec![0u32; n],
        vec![0u64; n],
    );
    let mut pair_sum = vec![vec![0.0; n]; n];
    let mut pair_count = vec![vec![0u32; n]; n];
    let mut pair_wins = vec![vec![0u32; n]; n];
    let mut turns_played = 0;
    for (p, r) in pairings.iter().zip(results) {
        turns_played += r.turns as u64;
        for seat in 0..2 {
            let (me, them) = (p.seats[seat], p.seats[1 - seat]);
            // Self-play counts once for the strategy, from its first seat.
            if me == them && seat == 1 {
                continue;
            }
            total[me] += r.scores[seat];
            turns[me] += r.turns as u64;
            wins[me] += r.won[seat] as u32;
            matches[me] += 1;
            coops[me] += r.cooperations[seat] as u64;
            pair_sum[me][them] += r.scores[seat];
            pair_count[me][them] += 1;
            pair_wins[me][them] += r.won[seat] as u32;
        }
    }
    let mut ranking: Vec<Standing> = (0..n)
        .map(|i| Standing {
            rank: 0,
            strategy: config.entrants[i].id().to_string(),
            mean_score_per_turn: if turns[i] > 0 {
                total[i] / turns[i] as f64
            } else {
                0.0
            },
            wins: wins[i],
            matches: matches[i],
            cooperation_rate: if turns[i] > 0 {
                coops[i] as f64 / turns[i] as f64
            } else {
                0.0
            },
        })
        .collect();
    ranking.sort_by(|a, b| {
        b.mean_score_per_turn
            .total_cmp(&a.mean_score_per_turn)
            .then_with(|| a.strategy.cmp(&b.strategy))
    });
    for (i, s) in ranking.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    let matrix = |sum: &dyn Fn(usize, usize) -> f64| -> BTreeMap<String, BTreeMap<String, f64>> {
        (0..n)
            .map(|a| {
                let row = (0..n)
                    .map(|b| {
                        let mean = if pair_count[a][b] > 0 {
                            sum(a, b) / pair_count[a][b] as f64
                        } else {
                            0.0
                        };
                        (config.entrants[b].id().to_string(), mean)
                    })
                    .collect();
                (config.entrants[a].id().to_string(), row)
            })
            .collect()
    };
    let pairwise = matrix(&|a, b| pair_sum[a][b]);
    let win_rate = matrix(&|a, b| pair_wins[a][b] as f64);
    Results {
        scenario: config.scenario.scenario.id.clone(),
        turns_played,
        ranking,
        pairwise,
        win_rate,
    }
}
