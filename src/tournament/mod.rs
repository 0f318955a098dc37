//! Tournaments: round robins of strategies played as many matches in one `World`,
//! through the same `TurnSchedule` as the game; and evolution over those results.

pub mod evolve;
pub mod output;

use crate::scenario::LoadedScenario;
use crate::scenario::schema::Stance;
use crate::sim::MatchSetup;
use crate::sim::components::{Match, PlayThrough, Sides};
use crate::sim::runner::Headless;
use crate::strategy::Spec;
use bevy::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Most matches resolved together in one world. Each holds its whole history
/// while it plays (a 200-turn match about 10 KB), so this bounds a worker's
/// memory; a few hundred matches already amortise a schedule run (DESIGN.md).
const BATCH: usize = 256;

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

/// How many matches a round robin of `entrants` plays: every unordered pair,
/// self-play included, once per repetition.
pub fn match_count(entrants: usize, repetitions: u32) -> u64 {
    (entrants * (entrants + 1) / 2) as u64 * u64::from(repetitions)
}

/// The `index`-th match of the round robin (in the order `pairings` lists them):
/// computed, not stored, so a tournament's memory does not grow with its length.
pub fn pairing(entrants: usize, seed: u64, index: u64) -> Pairing {
    let per_rep = (entrants * (entrants + 1) / 2).max(1) as u64;
    let (rep, mut k) = (index / per_rep, (index % per_rep) as usize);
    let mut i = 0;
    while k >= entrants - i {
        k -= entrants - i;
        i += 1;
    }
    let j = i + k;
    let seats = if rep % 2 == 0 { [i, j] } else { [j, i] };
    let seed = splitmix(seed ^ splitmix((rep << 40) | ((i as u64) << 20) | j as u64));
    Pairing { seats, seed }
}

/// Every unordered pair, self-play included, once per repetition; seats alternate
/// by repetition so asymmetric scenarios are fair.
pub fn pairings(entrants: usize, repetitions: u32, seed: u64) -> Vec<Pairing> {
    (0..match_count(entrants, repetitions))
        .map(|k| pairing(entrants, seed, k))
        .collect()
}

/// SplitMix64: spreads nearby inputs into unrelated seeds.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Plays `pairings` in `h`'s world, which it leaves empty; results come back in
/// pairing order. A worker reuses one world for all its batches.
pub fn play_batch(config: &Config, h: &mut Headless, pairings: &[Pairing]) -> Vec<MatchResult> {
    let ids: Vec<Entity> = pairings
        .iter()
        .map(|p| {
            let controllers = p.seats.map(|e| config.entrants[e].controller());
            let m = h.spawn(MatchSetup {
                scenario: config.scenario.clone(),
                seed: p.seed,
                turns: config.turns,
                noise: config.noise,
                continuation: None,
                controllers,
                explain: false,
                hold: false,
                record_as: None,
            });
            // Nobody acts on a tournament's match between its turns: it is played
            // through in one schedule run, its state kept warm from turn to turn.
            h.app.world_mut().entity_mut(m).insert(PlayThrough);
            m
        })
        .collect();
    h.run_to_end();
    // Where the scenario declares no winner (the abstract dilemmas), a match is
    // won as in Axelrod's tournaments: by the higher score.
    let by_score =
        config.scenario.compiled.on_time == crate::scenario::compiled::CVerdict::NoWinner;
    let world = h.app.world();
    let results = ids
        .iter()
        .map(|&m| {
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
            let sides = world.get::<Sides>(m).expect("spawned");
            let cooperations = sides.each_ref().map(|s| {
                s.history
                    .iter()
                    .filter(|h| h.mine == Stance::Cooperate)
                    .count() as u32
            });
            MatchResult {
                scores,
                won,
                cooperations,
                turns: sides[0].history.len() as u32,
            }
        })
        .collect();
    let world = h.app.world_mut();
    for m in ids {
        crate::sim::despawn_match(world, m);
    }
    // Despawning records each removed component for change detection, which an
    // `App` forgets every frame; a reused world must forget them too or grow.
    world.clear_trackers();
    results
}

/// Batches per worker thread, at least, when there are several: small enough that
/// a thread slowed by other work on the machine leaves its share to the others,
/// large enough that one schedule run still resolves many matches. One thread
/// plays batches as large as `BATCH`, since each batch costs its own schedule runs.
const BATCHES_PER_THREAD: u64 = 8;

/// Runs the round robin on `config.threads` threads and tallies it as it goes.
/// Threads take batches of matches from a shared counter, so a slowed thread
/// holds up nobody; batches are tallied in pairing order, so the results do not
/// depend on the thread count; and only the running tallies and the batches in
/// flight are kept, so memory stays flat however many matches are played.
pub fn run(config: &Config, progress: &(dyn Fn(u64) + Sync)) -> Results {
    use std::sync::atomic::{AtomicU64, Ordering};
    let n = config.entrants.len();
    let total = match_count(n, config.repetitions);
    let threads = config.threads.max(1).min(total.max(1) as usize);
    let shares = if threads > 1 {
        threads as u64 * BATCHES_PER_THREAD
    } else {
        1
    };
    let size = total.div_ceil(shares).clamp(1, BATCH as u64);
    let batches = total.div_ceil(size);
    let next = AtomicU64::new(0);
    let mut tally = Tally::new(n);
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::channel::<(u64, Vec<MatchResult>)>();
        for _ in 0..threads {
            let (send, next) = (send.clone(), &next);
            scope.spawn(move || {
                let mut h = Headless::default();
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= batches {
                        return;
                    }
                    let range = b * size..((b + 1) * size).min(total);
                    let chunk: Vec<Pairing> = range.map(|k| pairing(n, config.seed, k)).collect();
                    let results = play_batch(config, &mut h, &chunk);
                    progress(chunk.len() as u64);
                    if send.send((b, results)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);
        // Batches finished out of order wait here for their turn to be tallied.
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (b, results) in receive {
            waiting.insert(b, results);
            while let Some(results) = waiting.remove(&due) {
                for (k, r) in (due * size..).zip(&results) {
                    tally.add(&pairing(n, config.seed, k), r);
                }
                due += 1;
            }
        }
        // A worker that panicked stops the tally short; `scope` re-raises its panic.
    });
    tally.results(config)
}

/// The running sums a round robin is ranked from.
struct Tally {
    total: Vec<f64>,
    turns: Vec<u64>,
    wins: Vec<u32>,
    matches: Vec<u32>,
    coops: Vec<u64>,
    pair_sum: Vec<Vec<f64>>,
    pair_count: Vec<Vec<u32>>,
    pair_wins: Vec<Vec<u32>>,
    turns_played: u64,
}

impl Tally {
    fn new(n: usize) -> Self {
        Tally {
            total: vec![0.0; n],
            turns: vec![0; n],
            wins: vec![0; n],
            matches: vec![0; n],
            coops: vec![0; n],
            pair_sum: vec![vec![0.0; n]; n],
            pair_count: vec![vec![0; n]; n],
            pair_wins: vec![vec![0; n]; n],
            turns_played: 0,
        }
    }

    fn add(&mut self, p: &Pairing, r: &MatchResult) {
        self.turns_played += r.turns as u64;
        for seat in 0..2 {
            let (me, them) = (p.seats[seat], p.seats[1 - seat]);
            // Self-play counts once for the strategy, from its first seat.
            if me == them && seat == 1 {
                continue;
            }
            self.total[me] += r.scores[seat];
            self.turns[me] += r.turns as u64;
            self.wins[me] += r.won[seat] as u32;
            self.matches[me] += 1;
            self.coops[me] += r.cooperations[seat] as u64;
            self.pair_sum[me][them] += r.scores[seat];
            self.pair_count[me][them] += 1;
            self.pair_wins[me][them] += r.won[seat] as u32;
        }
    }

    fn results(self, config: &Config) -> Results {
        let Tally {
            total,
            turns,
            wins,
            matches,
            coops,
            pair_sum,
            pair_count,
            pair_wins,
            turns_played,
        } = self;
        let n = config.entrants.len();
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
        let matrix =
            |sum: &dyn Fn(usize, usize) -> f64| -> BTreeMap<String, BTreeMap<String, f64>> {
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
}
