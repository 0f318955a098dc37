//! The command line end to end: exit codes and what the user reads.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_common-enemy"))
}

/// Runs the command, insists that it succeeded, and returns what it printed.
fn stdout_of(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ce-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn validate_accepts_the_shipped_scenarios_and_strategies() {
    let mut files: Vec<String> = ["syria_2015", "prisoners_dilemma", "stag_hunt", "chicken"]
        .iter()
        .map(|s| format!("scenarios/{s}.ron"))
        .collect();
    files.extend(
        std::fs::read_dir("strategies")
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .filter(|p| p.ends_with(".ron")),
    );
    let out = bin().arg("validate").args(&files).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn validate_prints_path_line_col_field_snippet_and_hint() {
    let out = bin()
        .args(["validate", "tests/corpus/misspelled_metric.ron"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "tests/corpus/misspelled_metric.ron:14:90: error: unknown metric \"hram\"\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("= field: players[0].decisions[0].options[1].effects[0].metric"),
        "{err}"
    );
    assert!(err.contains("^^^^^^"), "{err}");
    assert!(err.contains("did you mean \"harm\"?"), "{err}");
}

#[test]
fn validate_rejects_hostile_files_without_panicking() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.ron", vec![]),
        ("binary.ron", (0..=255u8).cycle().take(256 * 64).collect()),
        (
            "deep.ron",
            ["(".repeat(100_000), ")".repeat(100_000)]
                .concat()
                .into_bytes(),
        ),
        (
            "huge.ron",
            format!("(id: \"{}\")", "x".repeat(5_000_000)).into_bytes(),
        ),
    ];
    for (name, bytes) in cases {
        let path = tmp(name);
        std::fs::write(&path, bytes).unwrap();
        let out = bin().arg("validate").arg(&path).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn simulate_tells_a_story_and_replay_checks_it() {
    let record = tmp("g.ron");
    let story = stdout_of(
        bin()
            .args([
                "simulate",
                "--scenario",
                "scenarios/syria_2015.ron",
                "--player",
                "us=tit_for_tat",
                "--player",
                "russia=defector",
                "--seed",
                "7",
                "--record",
            ])
            .arg(&record),
    );
    assert!(
        story.contains("== Turn 24 · September 2017 =="),
        "24 monthly turns from October 2015"
    );
    assert!(story.contains("“"), "quotations from the source");
    assert!(bin().arg("replay").arg(&record).status().unwrap().success());
    let text = std::fs::read_to_string(&record).unwrap();
    let tampered = text.replacen("turn: 5,", "turn: 6,", 1);
    assert_ne!(text, tampered);
    let path = tmp("tampered.ron");
    std::fs::write(&path, tampered).unwrap();
    let out = bin().arg("replay").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("turn 6 diverges at turn"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unknown_players_and_strategies_are_explained() {
    let out = bin()
        .args([
            "simulate",
            "--scenario",
            "scenarios/syria_2015.ron",
            "--player",
            "us=tit_for_tatt",
            "--player",
            "russia=defector",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"tit_for_tat\"?"));
    let out = bin()
        .args([
            "simulate",
            "--scenario",
            "scenarios/syria_2015.ron",
            "--player",
            "usa=defector",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("players are us, russia"));
}

/// `--strategies all` and `all+ai` print what they stand for, and `all` leaves the AIs out.
#[test]
fn strategy_groups_print_what_they_include() {
    let tournament = |group: &str| {
        stdout_of(bin().args([
            "tournament",
            "--scenario",
            "scenarios/prisoners_dilemma.ron",
            "--strategies",
            group,
            "--turns",
            "3",
            "--repetitions",
            "1",
            "--threads",
            "1",
        ]))
    };
    let listed = |stdout: &str, group: &str| -> Vec<String> {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{group} = ")))
            .unwrap_or_else(|| panic!("no line saying what {group} includes:\n{stdout}"));
        let (_, ids) = line.split_once(": ").unwrap();
        ids.split(", ").map(String::from).collect()
    };
    let classics: Vec<String> = common_enemy::strategy::builtin_ids()
        .into_iter()
        .map(String::from)
        .collect();
    let ais = [
        "ai_easy",
        "ai_normal",
        "ai_hard",
        "ai_easy:pragmatic",
        "ai_normal:pragmatic",
        "ai_hard:pragmatic",
        "ai_easy:reciprocal",
        "ai_normal:reciprocal",
        "ai_hard:reciprocal",
    ];

    let all = tournament("all");
    assert_eq!(listed(&all, "all"), classics);
    assert!(all.contains("all+ai adds them"), "{all}");
    assert!(!all.contains("ai_"), "all must leave the AIs out:\n{all}");

    let with_ai = tournament("all+ai");
    let mut expected = classics.clone();
    expected.extend(ais.map(String::from));
    assert_eq!(listed(&with_ai, "all+ai"), expected);
    for ai in ais {
        assert!(
            with_ai
                .lines()
                .any(|l| l.trim_start().contains(ai) && !l.contains(" = ")),
            "{ai} did not play:\n{with_ai}"
        );
    }

    let help = bin().args(["tournament", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("`all` is") && help.contains("`all+ai` adds"),
        "{help}"
    );
}
