//! Tournaments: deterministic whatever the thread count, noise hurts tit-for-tat,
//! files enter, evolution favours the strong, and the AI beats the weak.

use common_enemy::scenario::{self, LoadedScenario};
use common_enemy::strategy::Spec;
use common_enemy::tournament::{Config, Results, evolve, run};
use std::path::Path;
use std::sync::Arc;

fn scenario(name: &str) -> Arc<LoadedScenario> {
    Arc::new(scenario::load(Path::new(&format!("scenarios/{name}.ron"))).unwrap())
}

fn tournament(
    name: &str,
    ids: &[&str],
    turns: u32,
    reps: u32,
    noise: Option<f64>,
    threads: usize,
) -> Results {
    let config = Config {
        scenario: scenario(name),
        entrants: ids.iter().map(|id| Spec::parse(id).unwrap()).collect(),
        turns: Some(turns),
        repetitions: reps,
        noise,
        seed: 1,
        threads,
    };
    run(&config, &|_| {})
}

const CLASSICS: [&str; 6] = [
    "cooperator",
    "defector",
    "tit_for_tat",
    "grudger",
    "random",
    "win_stay_lose_shift",
];

#[test]
fn results_do_not_depend_on_threads() {
    let a = tournament("prisoners_dilemma", &CLASSICS, 50, 4, Some(0.05), 1);
    let b = tournament("prisoners_dilemma", &CLASSICS, 50, 4, Some(0.05), 2);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert_eq!(a.turns_played, 50 * 4 * 21);
}

#[test]
fn pairwise_is_mean_total_score_per_match() {
    let r = tournament(
        "prisoners_dilemma",
        &["cooperator", "defector"],
        10,
        3,
        Some(0.0),
        1,
    );
    assert_eq!(r.pairwise["defector"]["cooperator"], 50.0);
    assert_eq!(r.pairwise["cooperator"]["defector"], 0.0);
    assert_eq!(r.pairwise["cooperator"]["cooperator"], 30.0);
    assert_eq!(r.ranking[0].strategy, "defector");
}

#[test]
fn noise_costs_tit_for_tat_against_itself() {
    let clean = tournament("prisoners_dilemma", &["tit_for_tat"], 200, 10, Some(0.0), 2);
    let noisy = tournament(
        "prisoners_dilemma",
        &["tit_for_tat"],
        200,
        10,
        Some(0.05),
        2,
    );
    assert_eq!(clean.pairwise["tit_for_tat"]["tit_for_tat"], 600.0);
    assert!(
        noisy.pairwise["tit_for_tat"]["tit_for_tat"] < 500.0,
        "echoes of misread moves: {}",
        noisy.pairwise["tit_for_tat"]["tit_for_tat"]
    );
}

#[test]
fn a_strategy_file_enters() {
    let r = tournament(
        "prisoners_dilemma",
        &["defector", "strategies/grudger.ron"],
        20,
        1,
        None,
        1,
    );
    assert!(r.pairwise.contains_key("grudger"));
}

#[test]
fn evolution_replaces_the_weakest_with_the_best() {
    let ids: Vec<String> = ["cooperator", "defector", "tit_for_tat"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let r = tournament(
        "prisoners_dilemma",
        &["cooperator", "defector", "tit_for_tat"],
        50,
        2,
        Some(0.0),
        1,
    );
    let generations = evolve::evolve(&r, &ids, vec![10, 10, 10], 30, 3);
    assert_eq!(generations.len(), 31);
    assert!(
        generations
            .iter()
            .all(|g| g.counts.iter().sum::<u32>() == 30),
        "the population size is kept"
    );
    let last = &generations[30].counts;
    assert!(
        last[2] > 10 && last[0] < 10,
        "tit-for-tat spreads, cooperators die out: {last:?}"
    );
}

#[test]
fn the_scenario_aware_ai_beats_random_and_defector_on_syria() {
    let r = tournament(
        "syria_2015",
        &["ai_normal", "random", "defector"],
        24,
        6,
        None,
        2,
    );
    assert!(
        r.win_rate["ai_normal"]["random"] > 0.5,
        "{:?}",
        r.win_rate["ai_normal"]
    );
    assert!(
        r.win_rate["ai_normal"]["defector"] >= 0.5,
        "{:?}",
        r.win_rate["ai_normal"]
    );
}
