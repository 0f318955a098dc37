//! The turn engine end to end: the phase machine in a bare App, determinism,
//! exact teaching payoffs, replay, and invariants under arbitrary orders.

// Sides are indexed by player number alongside other per-player arrays.
#![allow(clippy::needless_range_loop)]

use common_enemy::scenario::{self, LoadedScenario};
use common_enemy::sim::MatchSetup;
use common_enemy::sim::components::{
    ContinueMatch, Controller, Match, Orders, Phase, SubmitOrders,
};
use common_enemy::sim::record::GameRecord;
use common_enemy::sim::replay;
use common_enemy::sim::runner::{Headless, play_recorded};
use common_enemy::strategy;
use proptest::prelude::*;
use rand::SeedableRng;
use std::path::Path;
use std::sync::Arc;

fn load(name: &str) -> Arc<LoadedScenario> {
    Arc::new(
        scenario::load(Path::new(&format!("scenarios/{name}.ron")))
            .unwrap_or_else(|d| panic!("{name}: {d:?}")),
    )
}

fn bot(id: &str) -> (Controller, String) {
    let strategy = strategy::builtin(id).unwrap();
    (
        Controller::Strategy {
            strategy,
            rng: rand::rngs::Xoshiro256PlusPlus::seed_from_u64(0),
        },
        id.to_string(),
    )
}

fn external_match(h: &mut Headless, s: &Arc<LoadedScenario>, hold: bool) -> bevy::prelude::Entity {
    h.spawn(MatchSetup {
        scenario: s.clone(),
        seed: 3,
        turns: None,
        noise: Some(0.0),
        continuation: None,
        controllers: [Controller::External, Controller::External],
        explain: true,
        hold,
        record_as: None,
    })
}

#[test]
fn a_turn_waits_for_both_sealed_orders() {
    let s = load("prisoners_dilemma");
    let mut h = Headless::default();
    let m = external_match(&mut h, &s, false);
    h.step();
    assert_eq!(h.state(m).unwrap().phase, Phase::Orders);
    let cooperate = Orders {
        choices: vec![0],
        answers: vec![],
    };
    h.app.world_mut().write_message(SubmitOrders {
        match_entity: m,
        player: 0,
        orders: cooperate.clone(),
    });
    h.step();
    assert_eq!(
        h.state(m).unwrap().phase,
        Phase::Orders,
        "one side's orders are not enough"
    );
    assert_eq!(h.state(m).unwrap().turn, 1);
    h.app.world_mut().write_message(SubmitOrders {
        match_entity: m,
        player: 1,
        orders: cooperate,
    });
    h.step();
    let state = h.state(m).unwrap();
    assert_eq!(
        (state.turn, state.phase),
        (2, Phase::Briefing),
        "both orders resolve the turn"
    );
}

#[test]
fn orders_of_the_wrong_shape_are_refused() {
    let s = load("prisoners_dilemma");
    let mut h = Headless::default();
    let m = external_match(&mut h, &s, false);
    h.step();
    for bad in [vec![], vec![7], vec![0, 0]] {
        h.app.world_mut().write_message(SubmitOrders {
            match_entity: m,
            player: 0,
            orders: Orders {
                choices: bad,
                answers: vec![],
            },
        });
        h.app.world_mut().write_message(SubmitOrders {
            match_entity: m,
            player: 1,
            orders: Orders {
                choices: vec![0],
                answers: vec![],
            },
        });
        h.step();
        assert_eq!(h.state(m).unwrap().turn, 1);
        assert_eq!(h.state(m).unwrap().phase, Phase::Orders);
    }
}

#[test]
fn a_held_match_waits_after_briefing_and_report() {
    let s = load("prisoners_dilemma");
    let mut h = Headless::default();
    let m = external_match(&mut h, &s, true);
    h.step();
    h.step();
    assert_eq!(
        (h.state(m).unwrap().phase, h.state(m).unwrap().released),
        (Phase::Orders, false),
        "held after the briefing"
    );
    h.app.world_mut().write_message(ContinueMatch(m));
    h.step();
    assert!(h.state(m).unwrap().released);
    for player in 0..2 {
        h.app.world_mut().write_message(SubmitOrders {
            match_entity: m,
            player,
            orders: Orders {
                choices: vec![1],
                answers: vec![],
            },
        });
    }
    h.step();
    assert_eq!(
        h.state(m).unwrap().phase,
        Phase::Report,
        "released, the sealed orders resolve"
    );
    h.step();
    assert_eq!(
        h.state(m).unwrap().phase,
        Phase::Report,
        "held at the report"
    );
    h.app.world_mut().write_message(ContinueMatch(m));
    h.step();
    assert_eq!(h.state(m).unwrap().turn, 2);
}

#[test]
fn prisoners_dilemma_pays_exactly_r3_t5_s0_p1() {
    let s = load("prisoners_dilemma");
    let cases = [
        ("cooperator", "cooperator", 3.0, 3.0),
        ("defector", "cooperator", 5.0, 0.0),
        ("cooperator", "defector", 0.0, 5.0),
        ("defector", "defector", 1.0, 1.0),
    ];
    for (a, b, pa, pb) in cases {
        let rec = play_recorded(s.clone(), 1, Some(10), Some(0.0), [bot(a), bot(b)]);
        assert_eq!(rec.history.len(), 10);
        let mut last = [0.0, 0.0];
        for t in &rec.history {
            assert_eq!(
                [t.scores[0] - last[0], t.scores[1] - last[1]],
                [pa, pb],
                "{a} vs {b}, turn {}",
                t.turn
            );
            last = [t.scores[0], t.scores[1]];
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_record_and_another_seed_differs() {
    let s = load("syria_2015");
    let play = |seed| {
        play_recorded(
            s.clone(),
            seed,
            None,
            None,
            [bot("tit_for_tat"), bot("random")],
        )
    };
    let (a, b) = (play(7), play(7));
    assert_eq!(a, b);
    let text = |r: &GameRecord| ron::ser::to_string(r).unwrap();
    assert_eq!(text(&a), text(&b), "records are byte-identical");
    assert!(
        (8..40).any(|seed| play(seed).history != a.history),
        "other seeds change something"
    );
}

/// A match played through (a tournament's) ends within one schedule run, turn
/// for turn the same game as one stepped a turn a run; one with a side whose
/// orders come from outside still stops to wait for them.
#[test]
fn a_match_played_through_is_the_same_game_in_one_run() {
    use common_enemy::sim::components::PlayThrough;
    let s = load("syria_2015");
    let mut h = Headless::default();
    let spawn = |h: &mut Headless, through: bool| {
        let [(c0, n0), (c1, n1)] = [bot("tit_for_tat"), bot("random")];
        let m = h.spawn(MatchSetup {
            scenario: s.clone(),
            seed: 11,
            turns: None,
            noise: Some(0.1),
            continuation: None,
            controllers: [c0, c1],
            explain: true,
            hold: false,
            record_as: Some([n0, n1]),
        });
        if through {
            h.app.world_mut().entity_mut(m).insert(PlayThrough);
        }
        m
    };
    let through = spawn(&mut h, true);
    let stepped = spawn(&mut h, false);
    h.step();
    assert_eq!(h.state(through).unwrap().phase, Phase::GameOver);
    assert_eq!(
        h.state(stepped).unwrap().turn,
        2,
        "the other match played one turn"
    );
    h.run_to_end();
    let (a, b) = (h.record(through).unwrap(), h.record(stepped).unwrap());
    assert!(a.history.len() > 1);
    assert_eq!(a, b);

    let waiting = external_match(&mut h, &s, false);
    h.app.world_mut().entity_mut(waiting).insert(PlayThrough);
    h.step();
    h.step();
    let m = h.state(waiting).unwrap();
    assert_eq!((m.turn, m.phase), (1, Phase::Orders));
}

#[test]
fn replay_accepts_a_record_and_names_a_tampered_field() {
    let s = load("syria_2015");
    let rec = play_recorded(
        s.clone(),
        11,
        None,
        Some(0.1),
        [bot("tit_for_tat"), bot("defector")],
    );
    assert_eq!(replay(&rec, s.clone()), Ok(rec.history.len()));
    let mut bad = rec.clone();
    let turn = &mut bad.history[2];
    let key = turn.metrics.keys().next().unwrap().clone();
    *turn.metrics.get_mut(&key).unwrap() += 7.25;
    let err = replay(&bad, s.clone()).unwrap_err().to_string();
    assert!(
        err.contains(&format!("turn {}", rec.history[2].turn))
            && err.contains(&format!("metrics.{key}")),
        "{err}"
    );
    let mut other = rec.clone();
    other.scenario_hash = "0000000000000000".into();
    assert!(
        replay(&other, s)
            .unwrap_err()
            .to_string()
            .contains("scenario changed")
    );
}

#[test]
fn a_record_survives_a_file_round_trip() {
    let s = load("stag_hunt");
    let rec = play_recorded(s, 2, Some(6), None, [bot("grudger"), bot("alternator")]);
    let dir = std::env::temp_dir().join(format!("ce-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("g.ron");
    rec.write(&path).unwrap();
    assert_eq!(GameRecord::load(&path).unwrap(), rec);
    std::fs::write(&path, "GameRecord(format: 1,").unwrap();
    assert!(GameRecord::load(&path).is_err());
}

#[test]
fn syria_snapshot() {
    let s = load("syria_2015");
    let rec = play_recorded(
        s,
        2015,
        Some(4),
        None,
        [bot("tit_for_tat"), bot("alternator")],
    );
    insta::assert_ron_snapshot!(rec.history);
}

fn all_scenarios() -> Vec<Arc<LoadedScenario>> {
    ["syria_2015", "prisoners_dilemma", "stag_hunt", "chicken"]
        .into_iter()
        .map(load)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_orders_keep_every_metric_in_range(which in 0usize..4, seed in any::<u64>(), picks in proptest::collection::vec(any::<u8>(), 1..400)) {
        let s = all_scenarios().swap_remove(which);
        let mut h = Headless::default();
        let m = h.spawn(MatchSetup { scenario: s.clone(), seed, turns: Some(12), noise: None, continuation: None,
            controllers: [Controller::External, Controller::External], explain: false, hold: false, record_as: None });
            let mut picks = picks.into_iter().cycle();
        for _ in 0..12 {
            h.step();
            for p in 0..2 {
                let side = h.app.world().get::<common_enemy::sim::components::Sides>(m).unwrap()[p].clone();
                let choices = s.compiled.decisions[p].iter().map(|d| picks.next().unwrap() % d.options.len() as u8).collect();
                let answers = side.offered.iter().map(|&e| {
                    let n = s.compiled.events[e as usize].choice.as_ref().unwrap().1.options.len() as u8;
                    (e, picks.next().unwrap() % n)
                }).collect();
                h.app.world_mut().write_message(SubmitOrders { match_entity: m, player: p as u8, orders: Orders { choices, answers } });
            }
            h.step();
            let state: Match = h.state(m).unwrap().clone();
            for (v, def) in state.shared().iter().zip(&s.compiled.shared) {
                prop_assert!(!v.is_nan() && *v >= def.min && *v <= def.max);
            }
            for p in 0..2 {
                for (v, def) in state.player_values(p).iter().zip(&s.compiled.per_player) {
                    prop_assert!(!v.is_nan() && *v >= def.min && *v <= def.max);
                }
            }
            if state.phase == Phase::GameOver { break; }
        }
    }
}

#[test]
fn a_held_match_plays_turn_after_turn() {
    let s = load("prisoners_dilemma");
    let mut h = Headless::default();
    let m = external_match(&mut h, &s, true);
    for turn in 1..=3 {
        h.step();
        let state = h.state(m).unwrap();
        assert_eq!(
            (state.turn, state.phase, state.released),
            (turn, Phase::Orders, false),
            "turn {turn} waits after its briefing"
        );
        h.app.world_mut().write_message(ContinueMatch(m));
        h.step();
        for player in 0..2 {
            h.app.world_mut().write_message(SubmitOrders {
                match_entity: m,
                player,
                orders: Orders {
                    choices: vec![0],
                    answers: vec![],
                },
            });
        }
        h.step();
        assert_eq!(
            h.state(m).unwrap().phase,
            Phase::Report,
            "turn {turn} resolves"
        );
        h.app.world_mut().write_message(ContinueMatch(m));
        h.step();
    }
}
