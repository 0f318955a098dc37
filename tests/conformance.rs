//! Our classic strategies against the Axelrod Python library's definitions: the
//! exact 200-turn scores of every pair of deterministic classics (built-ins and RON
//! twins), and mean scores under noise within four standard errors. The fixtures in
//! `tests/conformance/` were made once by `axelrod_fixture.py` (library version in
//! their headers); no Python runs here.

use common_enemy::scenario::schema::Stance;
use common_enemy::scenario::{self, LoadedScenario};
use common_enemy::sim::MatchSetup;
use common_enemy::sim::components::Controller;
use common_enemy::sim::runner::Headless;
use common_enemy::strategy::{self, Spec, Strategy, View};
use common_enemy::tournament::{self, Config};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

const TURNS: u32 = 200;
const NOISE: f64 = 0.05;
/// The classics whose moves depend on chance: no exact fixture, only means.
const STOCHASTIC: [&str; 2] = ["random", "generous_tit_for_tat"];

fn prisoners_dilemma() -> Arc<LoadedScenario> {
    Arc::new(scenario::load(Path::new("scenarios/prisoners_dilemma.ron")).unwrap())
}

/// A fixture's rows as column name → value; `#` lines are its provenance.
fn fixture(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(format!("tests/conformance/{name}")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap()
}

fn pair(row: &BTreeMap<String, String>) -> (&str, &str) {
    (&row["player"], &row["opponent"])
}

/// Every fixture pair is played in both seats; each side's mean must be the library's score.
fn assert_exact(entrants: Vec<Spec>, label: &str) {
    let rows = fixture("axelrod_200.csv");
    let ids: BTreeSet<&str> = rows.iter().flat_map(|r| [pair(r).0, pair(r).1]).collect();
    let deterministic: BTreeSet<&str> = strategy::builtin_ids()
        .into_iter()
        .filter(|id| !STOCHASTIC.contains(id))
        .collect();
    assert_eq!(
        ids, deterministic,
        "the fixture covers every deterministic classic"
    );
    assert_eq!(rows.len(), ids.len() * (ids.len() + 1) / 2);
    let config = Config {
        scenario: prisoners_dilemma(),
        entrants,
        turns: Some(TURNS),
        // Two repetitions put each side in both seats: a seat that mattered would show.
        repetitions: 2,
        noise: Some(0.0),
        seed: 1,
        threads: 1,
    };
    let results = tournament::run(&config, &|_| {});
    let mut wrong = Vec::new();
    for row in &rows {
        let (a, b) = pair(row);
        let ours = (results.pairwise[a][b], results.pairwise[b][a]);
        let theirs = (number(row, "player_score"), number(row, "opponent_score"));
        if ours != theirs {
            wrong.push(format!("{a} vs {b}: ours {ours:?}, Axelrod {theirs:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{label} differ from the Axelrod library:\n{}",
        wrong.join("\n")
    );
}

fn deterministic_ids() -> Vec<&'static str> {
    strategy::builtin_ids()
        .into_iter()
        .filter(|id| !STOCHASTIC.contains(id))
        .collect()
}

#[test]
fn deterministic_builtins_score_exactly_as_in_the_axelrod_library() {
    let entrants = deterministic_ids()
        .into_iter()
        .map(|id| Spec::parse(id).unwrap())
        .collect();
    assert_exact(entrants, "built-in strategies");
}

#[test]
fn deterministic_ron_twins_score_exactly_as_in_the_axelrod_library() {
    let entrants = deterministic_ids()
        .into_iter()
        .map(|id| Spec::parse(&format!("strategies/{id}.ron")).unwrap())
        .collect();
    assert_exact(entrants, "RON strategies");
}

/// The library's noise: the *intended* move is flipped with probability `noise`,
/// and the flipped move is what is scored and what both sides remember.
struct Trembling {
    inner: Box<dyn Strategy>,
    noise: f64,
}

impl Strategy for Trembling {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn stance(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus) -> Stance {
        let intended = self.inner.stance(view, rng);
        match (rng.random::<f64>() < self.noise, intended) {
            (false, s) => s,
            (true, Stance::Cooperate) => Stance::Defect,
            (true, Stance::Defect) => Stance::Cooperate,
        }
    }
}

/// Matches per pair on our side; `CONFORMANCE_REPS` raises it for a closer look.
fn repetitions() -> u32 {
    std::env::var("CONFORMANCE_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// Plays every pair of a noisy fixture `repetitions()` times (the fixture's first
/// player in seat 0) and checks each seat's mean against the library's: the gap
/// must be within four standard errors of the difference.
fn assert_means_agree(fixture_name: &str, noise: f64, controller: impl Fn(&str) -> Controller) {
    let rows = fixture(fixture_name);
    let classics = strategy::builtin_ids().len();
    assert_eq!(
        rows.len(),
        classics * (classics + 1) / 2,
        "every pair of classics"
    );
    let reps = repetitions();
    let scenario = prisoners_dilemma();
    let mut h = Headless::default();
    let mut spawned = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let (a, b) = pair(row);
        for r in 0..reps {
            let m = h.spawn(MatchSetup {
                scenario: scenario.clone(),
                seed: ((k as u64) << 32) | r as u64,
                turns: Some(TURNS),
                noise: Some(noise),
                continuation: None,
                controllers: [controller(a), controller(b)],
                explain: false,
                hold: false,
                record_as: None,
            });
            spawned.push((k, m));
        }
    }
    h.run_to_end();
    // Per row and seat: sum and sum of squares of the match totals.
    let mut sums = vec![[(0.0f64, 0.0f64); 2]; rows.len()];
    for (k, m) in spawned {
        let scores = h.state(m).and_then(|s| s.outcome.as_ref()).unwrap().scores;
        for seat in 0..2 {
            sums[k][seat].0 += scores[seat];
            sums[k][seat].1 += scores[seat] * scores[seat];
        }
    }
    let n = reps as f64;
    let mut worst = (0.0, String::new());
    let mut wrong = Vec::new();
    for (row, sum) in rows.iter().zip(&sums) {
        let (a, b) = pair(row);
        for (seat, (mean_col, se_col)) in [
            ("player_mean", "player_se"),
            ("opponent_mean", "opponent_se"),
        ]
        .into_iter()
        .enumerate()
        {
            let mean = sum[seat].0 / n;
            let variance = ((sum[seat].1 - n * mean * mean) / (n - 1.0)).max(0.0);
            let (theirs, their_se) = (number(row, mean_col), number(row, se_col));
            let se = (variance / n + their_se * their_se).sqrt();
            let gap = (mean - theirs).abs();
            // No spread on either side (e.g. two cooperators): the means must match.
            let z = if se > 0.0 {
                gap / se
            } else if gap < 1e-9 {
                0.0
            } else {
                f64::INFINITY
            };
            let what = format!(
                "{a} vs {b}, seat {seat}: ours {mean:.2}, Axelrod {theirs:.2} ({z:.2} standard errors)"
            );
            if z > worst.0 || worst.1.is_empty() {
                worst = (z, what.clone());
            }
            if z > 4.0 {
                wrong.push(what);
            }
        }
    }
    eprintln!(
        "{fixture_name}, {reps} matches per pair: largest gap {}",
        worst.1
    );
    assert!(
        wrong.is_empty(),
        "means beyond four standard errors of the library's ({fixture_name}):\n{}",
        wrong.join("\n")
    );
}

fn builtin(id: &str) -> Box<dyn Strategy> {
    strategy::builtin(id).unwrap_or_else(|| panic!("no built-in {id}"))
}

fn strategy_controller(strategy: Box<dyn Strategy>) -> Controller {
    Controller::Strategy {
        strategy,
        rng: Xoshiro256PlusPlus::seed_from_u64(0),
    }
}

/// The library's noise model, played by our strategies through a trembling hand.
#[test]
fn under_the_librarys_action_noise_means_agree_within_four_standard_errors() {
    assert_means_agree("axelrod_noise_0.05.csv", 0.0, |id| {
        strategy_controller(Box::new(Trembling {
            inner: builtin(id),
            noise: NOISE,
        }))
    });
}

/// Our engine's own noise (perception), against the library's strategy classes
/// played under the same perception model by the fixture script.
#[test]
fn under_our_perception_noise_means_agree_with_the_librarys_strategies() {
    assert_means_agree("axelrod_perceived_0.05.csv", NOISE, |id| {
        strategy_controller(builtin(id))
    });
}
