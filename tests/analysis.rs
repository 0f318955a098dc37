//! `analyze`, `report` and `class-summary` end to end, on the shipped scenarios
//! and on records made through `sim::runner::play_recorded`.

use common_enemy::analysis;
use common_enemy::report::{class_summary, debrief};
use common_enemy::sim::components::Controller;
use common_enemy::sim::runner::play_recorded;
use std::process::Command;
use std::sync::Arc;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_common-enemy"))
}

fn analyze(scenario: &str) -> String {
    let out = bin()
        .args([
            "analyze",
            "--scenario",
            &format!("scenarios/{scenario}.ron"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn analyze_prisoners_dilemma() {
    let out = analyze("prisoners_dilemma");
    assert!(
        out.contains("Classification: prisoner's dilemma\n"),
        "{out}"
    );
    assert!(out.contains("Pure equilibria: (defect, defect)\n"), "{out}");
    assert!(out.contains("Mixed equilibria: none\n"), "{out}");
    assert!(
        out.contains(
            "Pareto-optimal: (cooperate, cooperate), (cooperate, defect), (defect, cooperate)\n"
        ),
        "{out}"
    );
    assert!(out.contains("δ* = (T − R)/(T − P) = 0.500"), "{out}");
    assert!(out.contains("exact"), "{out}");
}

#[test]
fn analyze_stag_hunt_and_chicken() {
    let out = analyze("stag_hunt");
    assert!(out.contains("Classification: stag hunt\n"), "{out}");
    assert!(
        out.contains("Pure equilibria: (cooperate, cooperate), (defect, defect)\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "Mixed equilibrium: Air Force A cooperates with p = 0.667, Air Force B with p = 0.667"
        ),
        "{out}"
    );
    assert!(
        out.contains("Pareto-optimal: (cooperate, cooperate)\n"),
        "{out}"
    );
    let out = analyze("chicken");
    assert!(out.contains("Classification: chicken\n"), "{out}");
    assert!(
        out.contains("Pure equilibria: (cooperate, defect), (defect, cooperate)\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "Mixed equilibrium: Air Force A cooperates with p = 0.333, Air Force B with p = 0.333"
        ),
        "{out}"
    );
}

#[test]
fn analyze_syria_classifies_turn_one_and_gives_best_responses_over_full_orders() {
    let out = bin()
        .args([
            "analyze",
            "--scenario",
            "scenarios/syria_2015.ron",
            "--samples",
            "200",
            "--full-samples",
            "4",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let g = &v["stage_game"];
    assert_eq!(g["classification"]["kind"], "PrisonersDilemma");
    assert_eq!(g["turn"], 1);
    let f = &v["full_orders"];
    assert_eq!(f["orders"][0].as_array().unwrap().len(), 96);
    assert_eq!(f["orders"][1].as_array().unwrap().len(), 64);
    assert_eq!(f["best_responses"][0].as_array().unwrap().len(), 64);
    assert_eq!(f["best_responses"][1].as_array().unwrap().len(), 96);
    let text = analyze("syria_2015");
    assert!(
        text.contains("Classification: prisoner's dilemma"),
        "{text}"
    );
    assert!(text.contains("Best responses of United States:"), "{text}");
    assert!(text.contains("Best responses of Russia:"), "{text}");
    assert!(
        text.contains("Full orders at turn 1: 96 × 64 = 6144 cells"),
        "{text}"
    );
}

#[test]
fn stage_game_at_a_later_turn_and_outside_the_game() {
    let s = common_enemy::scenario::load(std::path::Path::new("scenarios/prisoners_dilemma.ron"))
        .unwrap();
    let g = analysis::stage_game(&s, 5, 10, 1).unwrap();
    assert_eq!(g.matrix[0][0], [3.0, 3.0]);
    assert!(g.path.contains("turns 1 to 4"));
    assert!(analysis::stage_game(&s, 0, 10, 1).is_err());
    assert!(analysis::stage_game(&s, 201, 10, 1).is_err());
}

fn strategy(name: &str) -> (Controller, String) {
    (
        common_enemy::strategy::Spec::parse(name)
            .unwrap()
            .controller(),
        name.to_string(),
    )
}

#[test]
fn report_and_class_summary_from_recorded_games() {
    let dir = std::env::temp_dir().join(format!("ce-class-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let syria = Arc::new(
        common_enemy::scenario::load(std::path::Path::new("scenarios/syria_2015.ron")).unwrap(),
    );
    let pd = Arc::new(
        common_enemy::scenario::load(std::path::Path::new("scenarios/prisoners_dilemma.ron"))
            .unwrap(),
    );
    let games = [
        (syria.clone(), "tit_for_tat", "defector", 1),
        (syria.clone(), "grudger", "cooperator", 2),
        (pd.clone(), "tit_for_tat", "alternator", 3),
    ];
    for (i, (s, a, b, seed)) in games.into_iter().enumerate() {
        let rec = play_recorded(s, seed, Some(12), Some(0.1), [strategy(a), strategy(b)]);
        rec.write(&dir.join(format!("pair{i}.ron"))).unwrap();
    }
    std::fs::write(dir.join("corrupt.ron"), "GameRecord(format: 1, scenario: ").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a record").unwrap();

    // The debrief of the first game.
    let rec = common_enemy::sim::record::GameRecord::load(&dir.join("pair0.ron")).unwrap();
    let md = debrief::markdown(&rec, Some(&syria));
    for heading in [
        "# Debrief: Common Enemy",
        "## Outcome",
        "## Scores against the both-cooperate counterfactual",
        "## Cooperation",
        "## Turning points",
        "## Perceived and true history",
        "## Questions for reflection",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    assert!(md.contains("| Russia | 0 of "), "{md}");
    assert!(
        md.contains("“"),
        "turning points quote their sources:\n{md}"
    );
    assert!(md.contains("1. "), "questions from the scenario:\n{md}");
    let csv = debrief::turns_csv(&rec);
    assert_eq!(csv.lines().count(), rec.history.len() + 1);
    assert!(csv.starts_with("turn,date,us_stance,russia_stance,us_score,russia_score"));

    // The CLI writes both files.
    let out_md = dir.join("report.md");
    let out_csv = dir.join("turns.csv");
    let status = bin()
        .arg("report")
        .arg(dir.join("pair0.ron"))
        .arg("--out")
        .arg(&out_md)
        .arg("--csv")
        .arg(&out_csv)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        std::fs::read_to_string(&out_md)
            .unwrap()
            .contains("## Turning points")
    );

    // The class summary skips the corrupt file and says so.
    let class = class_summary::read_dir(&dir).unwrap();
    assert_eq!(class.games.len(), 3);
    assert_eq!(class.skipped.len(), 1);
    assert_eq!(class.skipped[0].file, "corrupt.ron");
    let summary = class_summary::markdown(&class, "class");
    assert!(summary.contains("## syria_2015 (2 games)"), "{summary}");
    assert!(
        summary.contains("## prisoners_dilemma (1 games)"),
        "{summary}"
    );
    assert!(summary.contains("## Skipped files"), "{summary}");
    assert!(
        summary.contains("| russia | 1 | 50% | 1.0 | 1 | 1 |"),
        "{summary}"
    );
    let out = bin()
        .arg("class-summary")
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("summary.md"))
        .arg("--csv")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("skipped corrupt.ron:"), "{err}");
    let csv = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_dilemma_lint_warns_when_payoffs_break_the_claim() {
    let text = std::fs::read_to_string("scenarios/prisoners_dilemma.ron").unwrap();
    let broken = text.replace(
        "effects: [Add(metric: \"a.score\", value: 5), Add(metric: \"b.score\", value: 0)]",
        "effects: [Add(metric: \"a.score\", value: 2), Add(metric: \"b.score\", value: 0)]",
    );
    assert_ne!(text, broken);
    let mut s = common_enemy::scenario::parse_and_validate("pd.ron", broken.as_bytes()).unwrap();
    assert!(
        s.warnings.is_empty(),
        "loading alone does not play the stage game"
    );
    common_enemy::analysis::lint::check(&mut s);
    let w: Vec<String> = s.warnings.iter().map(|d| d.headline()).collect();
    assert!(
        w.iter().any(|w| w.contains("calls itself a prisoner's dilemma") && w.contains("R > T > P > S")),
        "{w:?}"
    );
    let mut ok = common_enemy::scenario::parse_and_validate("pd.ron", text.as_bytes()).unwrap();
    common_enemy::analysis::lint::check(&mut ok);
    assert!(ok.warnings.is_empty(), "{:?}", ok.warnings);
}

/// The reveal's stage game: every turn of a noisy game with chance, replayed to
/// its orders and forked per cell, puts exactly the recorded score changes in the
/// cell the sides landed in, and the other cells differ from it.
#[test]
fn the_played_turn_holds_what_happened_in_its_landed_cell() {
    let s = Arc::new(
        common_enemy::scenario::load(std::path::Path::new("scenarios/syria_2015.ron")).unwrap(),
    );
    let strategy = |id: &str| {
        let spec = common_enemy::strategy::Spec::parse(id).unwrap();
        (spec.controller(), id.to_string())
    };
    let rec = play_recorded(
        s.clone(),
        11,
        Some(8),
        Some(0.1),
        [strategy("tit_for_tat"), strategy("random")],
    );
    assert_eq!(rec.history.len(), 8);
    let mut landed_cells = std::collections::BTreeSet::new();
    for (i, t) in rec.history.iter().enumerate() {
        let before = if i == 0 {
            use common_enemy::scenario::compiled::Slot;
            [0u8, 1].map(|p| s.initial(Slot::Player(p, s.compiled.score_metric)).unwrap())
        } else {
            [rec.history[i - 1].scores[0], rec.history[i - 1].scores[1]]
        };
        let played = analysis::matrix::played_turn(&rec, &s, t.turn).unwrap();
        let (r, c) = played.landed;
        landed_cells.insert((r, c));
        for (p, start) in before.iter().enumerate() {
            let happened = t.scores[p] - start;
            let cell = played.matrix[r][c][p];
            assert!(
                (cell - happened).abs() < 1e-9,
                "turn {}: side {p}: cell {cell} but {happened} happened",
                t.turn
            );
        }
        let others = (0..2)
            .flat_map(|a| (0..2).map(move |b| (a, b)))
            .filter(|&x| x != (r, c));
        assert!(
            others
                .into_iter()
                .any(|(a, b)| played.matrix[a][b] != played.matrix[r][c]),
            "turn {}: every cell equal",
            t.turn
        );
    }
    assert!(
        landed_cells.len() >= 2,
        "the random side should land in more than one cell: {landed_cells:?}"
    );
}
