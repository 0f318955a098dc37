//! Strategies written in RON play exactly like their built-in twins, and bad
//! strategy files get located errors.

use common_enemy::scenario::{self, LoadedScenario};
use common_enemy::sim::components::Controller;
use common_enemy::sim::runner::play_recorded;
use common_enemy::strategy::{Spec, language::StrategyFile};
use std::path::Path;
use std::sync::Arc;

fn player(spec: &Spec) -> (Controller, String) {
    (spec.controller(), spec.id().to_string())
}

#[test]
fn every_ron_classic_plays_like_its_builtin_twin() {
    let scenarios: Vec<Arc<LoadedScenario>> = ["prisoners_dilemma", "syria_2015"]
        .iter()
        .map(|s| Arc::new(scenario::load(Path::new(&format!("scenarios/{s}.ron"))).unwrap()))
        .collect();
    let builtins: Vec<Spec> = common_enemy::strategy::builtin_ids()
        .iter()
        .map(|id| Spec::parse(id).unwrap())
        .collect();
    let mut files = 0;
    for entry in std::fs::read_dir("strategies").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        files += 1;
        let scripted = Spec::parse(path.to_str().unwrap()).unwrap();
        let twin = Spec::parse(scripted.id())
            .unwrap_or_else(|_| panic!("{} has no built-in twin", path.display()));
        for s in &scenarios {
            for opponent in &builtins {
                for seed in [1, 2] {
                    // Noise makes perception matter; the twins must agree on it too.
                    let a = play_recorded(
                        s.clone(),
                        seed,
                        Some(40),
                        Some(0.1),
                        [player(&scripted), player(opponent)],
                    );
                    let b = play_recorded(
                        s.clone(),
                        seed,
                        Some(40),
                        Some(0.1),
                        [player(&twin), player(opponent)],
                    );
                    assert_eq!(
                        a.history,
                        b.history,
                        "{} vs {} on {} (seed {seed})",
                        scripted.id(),
                        opponent.id(),
                        s.scenario.id
                    );
                }
            }
        }
    }
    assert_eq!(files, 15, "every classic strategy has a RON twin");
}

#[test]
fn bad_strategy_files_are_located() {
    let src = b"Strategy(format: 1, id: \"x\", name: \"X\",\n  rules: [(when: Chance(1.5), play: Defect)],\n  otherwise: Cooperat)";
    let errors = StrategyFile::parse("s.ron", src).unwrap_err();
    assert_eq!((errors[0].line, errors[0].col), (3, 14));
    assert!(
        errors[0].message.contains("unknown variant `Cooperat`"),
        "{errors:?}"
    );
    let src = b"Strategy(format: 1, id: \"x\", name: \"X\",\n  rules: [(when: Chance(1.5), play: Defect)],\n  otherwise: Cooperate)";
    let errors = StrategyFile::parse("s.ron", src).unwrap_err();
    assert_eq!(
        (errors[0].line, errors[0].col, errors[0].field.as_deref()),
        (2, 18, Some("rules[0].when"))
    );
    assert!(errors[0].message.contains("1.5 is outside [0, 1]"));
}
