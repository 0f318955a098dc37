//! Tournament throughput: turns per second through the real ECS outcome systems.
//! `cargo bench --bench tournament`; the README records the figures.

use common_enemy::strategy::Spec;
use common_enemy::tournament::{Config, run};
use std::path::Path;
use std::sync::Arc;

fn main() {
    divan::main();
}

/// The eight strategies of the Axelrod-library comparison run.
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

fn config(scenario: &str, turns: u32, repetitions: u32, threads: usize) -> Config {
    let scenario = Arc::new(
        common_enemy::scenario::load(Path::new(&format!("scenarios/{scenario}.ron")))
            .expect("scenario"),
    );
    Config {
        scenario,
        entrants: EIGHT.iter().map(|id| Spec::parse(id).unwrap()).collect(),
        turns: Some(turns),
        repetitions,
        noise: None,
        seed: 1,
        threads,
    }
}

/// The comparison run: 8 strategies, 200 turns, 5 repetitions (36 pairings × 5 = 180 matches, 36,000 turns).
#[divan::bench(args = [1, 2])]
fn prisoners_dilemma_8x200x5(bencher: divan::Bencher, threads: usize) {
    let c = config("prisoners_dilemma", 200, 5, threads);
    bencher
        .counter(divan::counter::ItemsCount::new(36_000usize))
        .bench(|| run(&c, &|_| {}));
}

/// A larger batch: 100 repetitions (720,000 turns), where per-run costs are amortised.
#[divan::bench(args = [1, 2], sample_count = 5)]
fn prisoners_dilemma_8x200x100(bencher: divan::Bencher, threads: usize) {
    let c = config("prisoners_dilemma", 200, 100, threads);
    bencher
        .counter(divan::counter::ItemsCount::new(720_000usize))
        .bench(|| run(&c, &|_| {}));
}

/// syria_2015's full rules: 8 strategies, 24 turns, 20 repetitions (17,280 turns).
#[divan::bench(args = [1, 2], sample_count = 5)]
fn syria_2015_8x24x20(bencher: divan::Bencher, threads: usize) {
    let c = config("syria_2015", 24, 20, threads);
    let turns = run(&c, &|_| {}).turns_played as usize;
    bencher
        .counter(divan::counter::ItemsCount::new(turns))
        .bench(|| run(&c, &|_| {}));
}
