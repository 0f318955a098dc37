//! Fuzzing that plays: mutants of the shipped scenarios, of real game records, of
//! real saves and of the shipped strategy files. Every mutant that is accepted is
//! then used as the program would use it: a scenario is played to the end with an
//! AI seat and a classic seat, analysed, recorded, replayed and reported; a record
//! is replayed and reported; a save is resumed and played on; a strategy plays a
//! match. No panic; a case that runs longer than `CASE_LIMIT` aborts the run with
//! the case printed, so a hang fails the test instead of stalling it.
//!
//! `cargo test --test fuzz_play` runs a fast set; `FUZZ_CASES=N` sets the count of
//! each of the four kinds (the README gives the long run's command).

mod common;

use common::mutate::{Mutation, apply_all, mutation};
use common_enemy::scenario::{LoadedScenario, parse_and_validate};
use common_enemy::sim::components::Controller;
use common_enemy::sim::record::GameRecord;
use common_enemy::sim::runner::play_recorded;
use common_enemy::sim::{replay, scratch_world, step};
use common_enemy::strategy::Spec;
use common_enemy::strategy::language::{Scripted, StrategyFile};
use common_enemy::ui::session::{parse_save, start_match};
use proptest::prelude::*;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Longest one case may take (debug build, loaded machine) before it counts as a hang.
const CASE_LIMIT: Duration = Duration::from_secs(60);
/// Turns a fuzzed scenario is played for: its own count, at most this.
const PLAYED_TURNS: u32 = 6;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}

/// The case under way and when it began; a watchdog thread aborts on overrun.
static CURRENT: Mutex<Option<(Instant, String)>> = Mutex::new(None);

fn watch(case: String) {
    static WATCHDOG: OnceLock<()> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(Duration::from_millis(200));
                let guard = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((start, case)) = guard.as_ref()
                    && start.elapsed() > CASE_LIMIT
                {
                    eprintln!("fuzz case ran over {CASE_LIMIT:?}, a hang: {case}");
                    std::process::abort();
                }
            }
        });
    });
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), case));
}

fn done() {
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

fn shipped_scenarios() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        ["syria_2015", "prisoners_dilemma", "stag_hunt", "chicken"]
            .iter()
            .map(|s| {
                let path = format!("scenarios/{s}.ron");
                let bytes = std::fs::read(&path).unwrap();
                (path, bytes)
            })
            .collect()
    })
}

fn scenario(i: usize) -> Arc<LoadedScenario> {
    let (path, bytes) = &shipped_scenarios()[i];
    Arc::new(parse_and_validate(path, bytes).unwrap())
}

fn controller(id: &str) -> Controller {
    Spec::parse(id).unwrap().controller()
}

/// A real game record of each shipped scenario, as RON text.
fn real_records() -> &'static [(Arc<LoadedScenario>, Vec<u8>)] {
    static RECORDS: OnceLock<Vec<(Arc<LoadedScenario>, Vec<u8>)>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        (0..shipped_scenarios().len())
            .map(|i| {
                let s = scenario(i);
                let rec = play_recorded(
                    s.clone(),
                    3,
                    Some(PLAYED_TURNS),
                    Some(0.1),
                    [
                        (controller("tit_for_tat"), "tit_for_tat".into()),
                        (controller("random"), "random".into()),
                    ],
                );
                let text = ron::ser::to_string_pretty(&rec, Default::default()).unwrap();
                (s, text.into_bytes())
            })
            .collect()
    })
}

/// Everything the program does with a scenario it accepted.
fn play_scenario(s: Arc<LoadedScenario>, seed: u64) {
    let turns = s.compiled.turns.min(PLAYED_TURNS);
    let rec = play_recorded(
        s.clone(),
        seed,
        Some(turns),
        None,
        [
            (controller("ai_easy"), "ai_easy".into()),
            (controller("grudger"), "grudger".into()),
        ],
    );
    assert!(rec.outcome.is_some(), "the match did not reach its end");
    assert_eq!(
        replay(&rec, s.clone()).map(|_| ()),
        Ok(()),
        "own record does not replay"
    );
    let text = ron::ser::to_string_pretty(&rec, Default::default()).unwrap();
    let back = GameRecord::parse("fuzz-record.ron", text.as_bytes());
    assert_eq!(
        back.as_ref().ok(),
        Some(&rec),
        "a written record reads back"
    );
    let _ = common_enemy::analysis::stage_game(&s, 1, 2, seed);
    let _ = common_enemy::report::debrief::markdown(&rec, Some(&s));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_that_validate_play_through(
        which in 0usize..4,
        mutations in proptest::collection::vec(mutation(), 1..4),
        seed in any::<u64>(),
    ) {
        let bytes = apply_all(&shipped_scenarios()[which].1, &mutations);
        watch(format!("scenario {which} {mutations:?}"));
        if let Ok(s) = parse_and_validate("fuzz.ron", &bytes) {
            play_scenario(Arc::new(s), seed);
        }
        done();
    }

    #[test]
    fn mutated_records_never_panic(which in 0usize..4, mutations in proptest::collection::vec(mutation(), 1..4)) {
        let (s, text) = &real_records()[which];
        let bytes = apply_all(text, &mutations);
        watch(format!("record {which} {mutations:?}"));
        if let Ok(rec) = GameRecord::parse("fuzz-record.ron", &bytes) {
            let _ = replay(&rec, s.clone());
            let _ = common_enemy::report::debrief::markdown(&rec, Some(s));
            let _ = common_enemy::report::debrief::turns_csv(&rec);
        }
        done();
    }

    #[test]
    fn mutated_saves_never_panic(which in 0usize..4, mutations in proptest::collection::vec(mutation(), 1..4)) {
        let (s, save) = &real_saves()[which];
        let bytes = apply_all(save, &mutations);
        watch(format!("save {which} {mutations:?}"));
        if let Ok(save) = parse_save("fuzz-save.ron", &bytes) {
            let mut world = scratch_world();
            if let Ok(m) = start_match(&mut world, s.clone(), &save.setup, Some(&save)) {
                // Go on from the briefing and let the AI and the engine run; the
                // human seat never answers, so the match waits, and must not spin.
                for _ in 0..4 {
                    world.write_message(common_enemy::sim::components::ContinueMatch(m));
                    step(&mut world);
                }
            }
        }
        done();
    }

    #[test]
    fn mutated_strategies_that_load_play(which in 0usize..15, mutations in proptest::collection::vec(mutation(), 1..4), seed in any::<u64>()) {
        let files = strategy_files();
        let (name, text) = &files[which % files.len()];
        let bytes = apply_all(text, &mutations);
        watch(format!("strategy {name} {mutations:?}"));
        if let Ok(file) = StrategyFile::parse("fuzz-strategy.ron", &bytes) {
            let s = scenario(which % 4);
            if file.check_against(&s.scenario.players).is_ok() {
                let scripted = Controller::Strategy {
                    strategy: Box::new(Scripted::new(Arc::new(file))),
                    rng: rand::SeedableRng::seed_from_u64(0),
                };
                let rec = play_recorded(
                    s.clone(),
                    seed,
                    Some(s.compiled.turns.min(PLAYED_TURNS)),
                    Some(0.05),
                    [(scripted, "fuzzed".into()), (controller("tit_for_tat"), "tit_for_tat".into())],
                );
                prop_assert!(rec.outcome.is_some());
                prop_assert_eq!(replay(&rec, s).map(|_| ()), Ok(()));
            }
        }
        done();
    }
}

/// A real save of each shipped scenario, half-way through: a human against `ai_easy`.
fn real_saves() -> &'static [(Arc<LoadedScenario>, Vec<u8>)] {
    static SAVES: OnceLock<Vec<(Arc<LoadedScenario>, Vec<u8>)>> = OnceLock::new();
    SAVES.get_or_init(|| {
        real_records()
            .iter()
            .zip(shipped_scenarios())
            .map(|((s, text), (path, _))| {
                let mut record = GameRecord::parse("r.ron", text).unwrap();
                record.history.truncate(PLAYED_TURNS as usize / 2);
                record.outcome = None;
                let save = common_enemy::ui::session::SaveFile {
                    format: common_enemy::ui::session::SAVE_FORMAT,
                    setup: common_enemy::ui::session::Setup {
                        scenario: path.trim_start_matches("scenarios/").into(),
                        seats: [
                            common_enemy::ui::session::Seat::Human,
                            common_enemy::ui::session::Seat::Ai("ai_easy".into()),
                        ],
                        seed: record.seed,
                        noise: Some(record.noise),
                        turns: Some(record.turns),
                        autoplayed_by: None,
                        quick: false,
                        continuation: None,
                    },
                    record,
                };
                let text = ron::ser::to_string_pretty(&save, Default::default()).unwrap();
                (s.clone(), text.into_bytes())
            })
            .collect()
    })
}

fn strategy_files() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir("strategies")
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    })
}

/// The unmutated files go through the same paths: the harness itself is sound.
#[test]
fn unmutated_files_pass_every_path() {
    let none: Vec<Mutation> = Vec::new();
    for i in 0..shipped_scenarios().len() {
        let s = parse_and_validate("x.ron", &apply_all(&shipped_scenarios()[i].1, &none)).unwrap();
        play_scenario(Arc::new(s), 1);
        let (s, text) = &real_records()[i];
        let rec = GameRecord::parse("r.ron", text).unwrap();
        assert!(replay(&rec, s.clone()).is_ok());
        let (s, text) = &real_saves()[i];
        let save = parse_save("s.ron", text).unwrap();
        let mut world = scratch_world();
        assert!(start_match(&mut world, s.clone(), &save.setup, Some(&save)).is_ok());
    }
    for (name, text) in strategy_files() {
        assert!(StrategyFile::parse(name, text).is_ok(), "{name}");
    }
}
