//! The one match core: a saved game resumes through the same setup as a new one
//! for every kind of seat, a save that cannot be resumed is refused and kept,
//! orders are checked completely, and a record with injected orders does not replay.

use bevy::prelude::*;
use common_enemy::scenario::schema::Stance;
use common_enemy::scenario::{self, LoadedScenario};
use common_enemy::sim::components::*;
use common_enemy::sim::orders::{OrderRefusal, OrdersRefused, check_orders};
use common_enemy::sim::record::{GameRecord, Recorder};
use common_enemy::sim::rules::{answers_for, orders_for};
use common_enemy::sim::{ReplayError, replay, scratch_world, step};
use common_enemy::ui::session::{
    SAVE_FORMAT, SaveFile, Seat, Setup, keep_other_game, read_save, start_match, write_save,
};
use std::path::Path;
use std::sync::Arc;

fn load(name: &str) -> Arc<LoadedScenario> {
    Arc::new(
        scenario::load(Path::new(&format!("scenarios/{name}.ron")))
            .unwrap_or_else(|d| panic!("{name}: {d:?}")),
    )
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ce-core-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn history_len(world: &World, m: Entity) -> usize {
    world.get::<Recorder>(m).map_or(0, |r| r.0.history.len())
}

/// Plays one turn of a held match the way the game does: go on from the briefing,
/// humans confirm cooperative orders, go on from the report. False if the turn
/// does not resolve within a generous number of steps.
fn play_turn(world: &mut World, m: Entity, humans: &[usize]) -> bool {
    let before = history_len(world, m);
    for _ in 0..12 {
        step(world);
        let state = world.get::<Match>(m).unwrap().clone();
        let scenario = world.get::<MatchScenario>(m).unwrap().0.clone();
        match state.phase {
            Phase::Orders if !state.released => {
                world.write_message(ContinueMatch(m));
            }
            Phase::Orders => {
                for &p in humans {
                    let side = world.get::<Sides>(m).unwrap()[p].clone();
                    if side.submitted {
                        continue;
                    }
                    let c = &scenario.compiled;
                    let mut choices = Vec::new();
                    orders_for(&c.decisions[p], Stance::Cooperate, &mut choices);
                    let answers = answers_for(c, &side.offered, Stance::Cooperate);
                    world.write_message(SubmitOrders {
                        match_entity: m,
                        player: p as u8,
                        orders: Orders { choices, answers },
                    });
                }
            }
            Phase::Report if history_len(world, m) > before => {
                world.write_message(ContinueMatch(m));
                return true;
            }
            _ => {}
        }
    }
    false
}

fn setup(scenario: &str, other: Seat) -> Setup {
    Setup {
        scenario: format!("{scenario}.ron"),
        seats: [Seat::Human, other],
        seed: 11,
        noise: None,
        turns: None,
        autoplayed_by: None,
        quick: false,
        continuation: None,
    }
}

fn save_of(world: &World, m: Entity, setup: &Setup) -> SaveFile {
    SaveFile {
        format: SAVE_FORMAT,
        setup: setup.clone(),
        record: world.get::<Recorder>(m).unwrap().0.clone(),
    }
}

#[test]
fn a_saved_game_resumes_and_plays_on_for_every_kind_of_seat() {
    let s = load("syria_2015");
    let dir = temp_dir("resume");
    let seats = [
        Seat::Human,
        Seat::Ai("tit_for_tat".into()),
        Seat::Ai("strategies/grudger.ron".into()),
        Seat::Ai("ai_easy".into()),
        Seat::Ai("ai_normal".into()),
        Seat::Ai("ai_hard".into()),
    ];
    for seat in seats {
        let humans: Vec<usize> = if seat == Seat::Human {
            vec![0, 1]
        } else {
            vec![0]
        };
        let setup = setup("syria_2015", seat.clone());
        let mut world = scratch_world();
        let m = start_match(&mut world, s.clone(), &setup, None).unwrap();
        assert!(
            play_turn(&mut world, m, &humans),
            "{seat:?}: turn 1 of a new game"
        );
        let path = dir.join("save.ron");
        write_save(&save_of(&world, m, &setup), &path).unwrap();

        let save = read_save(&path).unwrap();
        let mut resumed = scratch_world();
        let r = start_match(&mut resumed, s.clone(), &setup, Some(&save))
            .unwrap_or_else(|e| panic!("{seat:?}: {e}"));
        assert_eq!(resumed.get::<Match>(r).unwrap().turn, 2, "{seat:?}");
        assert!(
            play_turn(&mut resumed, r, &humans),
            "{seat:?}: the resumed game's turn 2 resolves"
        );
        assert_eq!(history_len(&resumed, r), 2);
        let record = &resumed.get::<Recorder>(r).unwrap().0;
        assert_eq!(record.history[0], save.record.history[0], "{seat:?}");
        // What a resumed game records replays like any other record.
        assert_eq!(replay(record, s.clone()), Ok(2), "{seat:?}");
    }
}

#[test]
fn a_save_that_cannot_be_resumed_is_refused_and_left_on_disk() {
    let s = load("prisoners_dilemma");
    let dir = temp_dir("refuse");
    let setup = setup("prisoners_dilemma", Seat::Ai("tit_for_tat".into()));
    let mut world = scratch_world();
    let m = start_match(&mut world, s.clone(), &setup, None).unwrap();
    assert!(play_turn(&mut world, m, &[0]));
    let mut save = save_of(&world, m, &setup);
    save.record.scenario_hash = "0000000000000000".into();
    let path = dir.join("autosave.ron");
    write_save(&save, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let loaded = read_save(&path).unwrap();
    let mut other = scratch_world();
    let err = start_match(&mut other, s.clone(), &setup, Some(&loaded)).unwrap_err();
    assert!(err.contains("scenario changed"), "{err}");
    let mut q = other.query::<&Match>();
    assert_eq!(
        q.iter(&other).count(),
        0,
        "a refused resume leaves no match behind"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the save is untouched"
    );

    // A new game's first autosave keeps the refused save as the previous one.
    let fresh = start_match(&mut other, s.clone(), &setup, None).unwrap();
    assert!(play_turn(&mut other, fresh, &[0]));
    let ours = save_of(&other, fresh, &setup);
    keep_other_game(&path, &ours).unwrap();
    assert_eq!(
        std::fs::read(dir.join("autosave.previous.ron")).unwrap(),
        bytes,
        "the other game's save is kept, byte for byte"
    );
    // The same game writing again does not rotate.
    write_save(&ours, &path).unwrap();
    keep_other_game(&path, &ours).unwrap();
    assert!(path.exists());
}

#[test]
fn a_save_naming_a_missing_strategy_is_refused() {
    let s = load("prisoners_dilemma");
    let setup = setup("prisoners_dilemma", Seat::Ai("tit_for_tat".into()));
    let mut world = scratch_world();
    let m = start_match(&mut world, s.clone(), &setup, None).unwrap();
    assert!(play_turn(&mut world, m, &[0]));
    let mut save = save_of(&world, m, &setup);
    save.setup.seats[1] = Seat::Ai("/nonexistent/strategy.ron".into());
    let err = start_match(&mut scratch_world(), s, &save.setup, Some(&save)).unwrap_err();
    assert!(err.contains("strategy.ron"), "{err}");
}

/// A chicken or syria event with a choice, and a match briefed at that turn.
fn briefed_with_offer() -> (World, Entity, Arc<LoadedScenario>, usize, u16) {
    let s = load("syria_2015");
    let c = &s.compiled;
    let (event, player) = c
        .events
        .iter()
        .enumerate()
        .find_map(|(e, ev)| ev.choice.as_ref().map(|(p, _)| (e as u16, *p as usize)))
        .expect("syria_2015 has an event choice");
    let mut world = scratch_world();
    let m = common_enemy::sim::spawn_match(
        &mut world,
        common_enemy::sim::MatchSetup::external(s.clone(), 1),
    );
    step(&mut world);
    world.get_mut::<Sides>(m).unwrap()[player].offered = vec![event];
    (world, m, s, player, event)
}

#[test]
fn check_orders_refuses_every_malformed_order() {
    let (world, m, s, player, event) = briefed_with_offer();
    let c = &s.compiled;
    let side = &world.get::<Sides>(m).unwrap()[player];
    let mut good = Orders::default();
    orders_for(&c.decisions[player], Stance::Cooperate, &mut good.choices);
    good.answers = answers_for(c, &side.offered, Stance::Cooperate);
    assert_eq!(check_orders(c, player, &side.offered, &good), Ok(()));
    let other_event = (0..c.events.len() as u16).find(|&e| e != event).unwrap();
    let cases: Vec<(Orders, OrderRefusal)> = vec![
        (
            Orders {
                choices: vec![],
                ..good.clone()
            },
            OrderRefusal::WrongCount {
                given: 0,
                decisions: c.decisions[player].len(),
            },
        ),
        (
            Orders {
                choices: {
                    let mut v = good.choices.clone();
                    v[0] = 200;
                    v
                },
                ..good.clone()
            },
            OrderRefusal::NoSuchOption {
                decision: 0,
                option: 200,
            },
        ),
        (
            Orders {
                answers: vec![],
                ..good.clone()
            },
            OrderRefusal::Unanswered { event },
        ),
        (
            Orders {
                answers: vec![good.answers[0], good.answers[0]],
                ..good.clone()
            },
            OrderRefusal::DuplicateAnswer { event },
        ),
        (
            Orders {
                answers: vec![good.answers[0], (other_event, 0)],
                ..good.clone()
            },
            OrderRefusal::NotOffered { event: other_event },
        ),
        (
            Orders {
                answers: vec![good.answers[0], (u16::MAX, 0)],
                ..good.clone()
            },
            OrderRefusal::NotOffered { event: u16::MAX },
        ),
        (
            Orders {
                answers: vec![(event, 250)],
                ..good.clone()
            },
            OrderRefusal::NoSuchAnswer { event, option: 250 },
        ),
    ];
    for (orders, expected) in cases {
        assert_eq!(
            check_orders(c, player, &side.offered, &orders),
            Err(expected),
            "{orders:?}"
        );
        assert!(!expected.describe(&s, player).is_empty());
    }
}

#[test]
fn refused_orders_come_back_as_a_message_and_change_nothing() {
    let s = load("prisoners_dilemma");
    let mut world = scratch_world();
    let m = common_enemy::sim::spawn_match(
        &mut world,
        common_enemy::sim::MatchSetup::external(s.clone(), 1),
    );
    world.write_message(SubmitOrders {
        match_entity: m,
        player: 0,
        orders: Orders {
            choices: vec![0],
            answers: vec![(0, 0)],
        },
    });
    world.run_schedule(common_enemy::sim::TurnSchedule);
    let refused: Vec<OrdersRefused> = world
        .resource::<Messages<OrdersRefused>>()
        .iter_current_update_messages()
        .copied()
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!((refused[0].match_entity, refused[0].player), (m, 0));
    assert_eq!(refused[0].reason, OrderRefusal::NotOffered { event: 0 });
    assert!(!world.get::<Sides>(m).unwrap()[0].submitted);
}

fn recorded_game(name: &str, turns: u32) -> (GameRecord, Arc<LoadedScenario>) {
    let s = load(name);
    let bot = |id: &str| {
        (
            common_enemy::strategy::Spec::parse(id)
                .unwrap()
                .controller(),
            id.to_string(),
        )
    };
    let rec = common_enemy::sim::runner::play_recorded(
        s.clone(),
        5,
        Some(turns),
        None,
        [bot("tit_for_tat"), bot("random")],
    );
    (rec, s)
}

#[test]
fn a_record_with_injected_orders_does_not_replay() {
    let (rec, s) = recorded_game("syria_2015", 6);
    assert_eq!(replay(&rec, s.clone()), Ok(6));
    // An answer to an event choice that was not offered that turn.
    let (event, player) = s
        .scenario
        .events
        .iter()
        .find_map(|e| {
            let c = e.choice.as_ref()?;
            Some((e, s.player_index(&c.player)?))
        })
        .unwrap();
    let choice = event.choice.as_ref().unwrap();
    let key = format!("{}.{}", event.id, choice.decision.id);
    let turn = rec
        .history
        .iter()
        .position(|t| !t.orders[player].contains_key(&key))
        .unwrap();
    let mut injected = rec.clone();
    injected.history[turn].orders[player].insert(key, choice.decision.options[0].id.clone());
    match replay(&injected, s.clone()) {
        Err(ReplayError::BadOrders { message, .. }) => {
            assert!(message.contains("not offered"), "{message}")
        }
        other => panic!("an injected answer replayed: {other:?}"),
    }
    // A key that is neither a decision nor an event choice.
    let mut stray = rec.clone();
    stray.history[0].orders[0].insert("bribe".into(), "yes".into());
    match replay(&stray, s) {
        Err(ReplayError::BadOrders { message, .. }) => assert!(message.contains("bribe")),
        other => panic!("a stray order replayed: {other:?}"),
    }
}

#[test]
fn a_fork_plays_exactly_like_its_original() {
    let (rec, s) = recorded_game("syria_2015", 4);
    let mut world = scratch_world();
    let m = common_enemy::sim::spawn_match(
        &mut world,
        common_enemy::sim::MatchSetup::from_record(
            &rec,
            s.clone(),
            [Controller::External, Controller::External],
            false,
        ),
    );
    let mut partial = rec.clone();
    partial.history.truncate(2);
    common_enemy::sim::lifecycle::replay_into(&mut world, m, &partial).unwrap();
    let fork = common_enemy::sim::fork_in_place(&mut world, m).unwrap();
    assert_eq!(
        format!("{:?}", world.get::<Match>(fork).unwrap().rng),
        format!("{:?}", world.get::<Match>(m).unwrap().rng)
    );
    // Both play turn 3's recorded orders; every metric and score agrees.
    let t3 = &rec.history[2];
    for entity in [m, fork] {
        for p in 0..2 {
            let orders = common_enemy::sim::lifecycle::orders_from_names(&s, p, t3).unwrap();
            world.write_message(SubmitOrders {
                match_entity: entity,
                player: p as u8,
                orders,
            });
        }
    }
    step(&mut world);
    let state = |e: Entity| {
        let m = world.get::<Match>(e).unwrap();
        (m.turn, m.values.clone())
    };
    assert_eq!(state(m), state(fork));
    assert_eq!(state(m).0, 4);
}

/// An unknown end: the game stops after a turn with probability 1 − δ, drawn
/// from the match's own RNG, so the same seed ends at the same turn, the record
/// says so and replays; δ = 1 plays every turn.
#[test]
fn an_unknown_end_is_drawn_from_the_match_and_replays() {
    use common_enemy::sim::MatchSetup;
    use common_enemy::sim::runner::Headless;
    let pd = load("prisoners_dilemma");
    let play = |seed: u64, continuation: f64| {
        let mut h = Headless::default();
        let tft = || {
            common_enemy::strategy::Spec::parse("tit_for_tat")
                .unwrap()
                .controller()
        };
        let m = h.spawn(MatchSetup {
            scenario: pd.clone(),
            seed,
            turns: Some(200),
            noise: Some(0.0),
            continuation: Some(continuation),
            controllers: [tft(), tft()],
            explain: false,
            hold: false,
            record_as: Some(["tit_for_tat".into(), "tit_for_tat".into()]),
        });
        h.run_to_end();
        h.record(m).unwrap().clone()
    };
    let lengths: Vec<usize> = (0..20).map(|seed| play(seed, 0.8).history.len()).collect();
    assert!(
        lengths.iter().all(|&n| (1..200).contains(&n)),
        "{lengths:?}"
    );
    let mean = lengths.iter().sum::<usize>() as f64 / lengths.len() as f64;
    // 1 / (1 − 0.8) = 5 turns on average; 20 games are well inside 2..10.
    assert!(
        (2.0..10.0).contains(&mean),
        "mean length {mean}: {lengths:?}"
    );
    assert!(
        lengths.windows(2).any(|w| w[0] != w[1]),
        "every game the same length: {lengths:?}"
    );
    let a = play(3, 0.8);
    assert_eq!(a, play(3, 0.8));
    assert_eq!(a.continuation, Some(0.8));
    assert!(a.outcome.as_ref().is_some_and(|o| o.ending.is_none()));
    assert_eq!(replay(&a, pd.clone()).unwrap(), a.history.len());
    let text = ron::ser::to_string(&a).unwrap();
    assert!(text.contains("continuation"), "{text}");
    assert_eq!(play(3, 1.0).history.len(), 200);
}
