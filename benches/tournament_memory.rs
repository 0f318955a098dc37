//! A tournament as it grows: the prisoner's dilemma round robin of the eight
//! classics (20 turns a match, one thread) at about 10^3, 10^4 and 10^5 matches;
//! matches per second should not fall as the count grows, since a tournament
//! keeps running tallies, not every match's result. divan's allocation profiler
//! cannot show its memory (it counts only the bench's own thread, and matches are
//! played on worker threads), so the README's peak memory figures come from
//! `/usr/bin/time -v` on the command line. `cargo bench --bench tournament_memory`.

use common_enemy::strategy::Spec;
use common_enemy::tournament::{Config, match_count, run};
use std::path::Path;
use std::sync::Arc;

fn main() {
    divan::main();
}

const EIGHT: [&str; 8] = [
    "cooperator",
    "defector",
    "random",
    "tit_for_tat",
    "grudger",
    "win_stay_lose_shift",
    "alternator",
    "tit_for_two_tats",
];

/// The round robin with at least `matches` matches (36 per repetition).
#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 3, sample_size = 1)]
fn prisoners_dilemma_matches(bencher: divan::Bencher, matches: u64) {
    let scenario = Arc::new(
        common_enemy::scenario::load(Path::new("scenarios/prisoners_dilemma.ron"))
            .expect("scenario"),
    );
    let entrants: Vec<Spec> = EIGHT.iter().map(|id| Spec::parse(id).unwrap()).collect();
    let per_repetition = match_count(entrants.len(), 1);
    let config = Config {
        scenario,
        entrants,
        turns: Some(20),
        repetitions: matches.div_ceil(per_repetition) as u32,
        noise: None,
        seed: 1,
        threads: 1,
    };
    bencher
        .counter(divan::counter::ItemsCount::new(match_count(
            8,
            config.repetitions,
        )))
        .bench(|| run(&config, &|_| {}));
}
