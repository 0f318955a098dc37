//! Counts and probabilities from outside, end to end: every bad value on the
//! command line, in a record or in a save is refused with a message that names
//! it and its allowed range, never a panic, a hang or a silent change.

use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_common-enemy"))
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ce-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// Fails unless `out` is a refusal whose message contains every one of `wanted`.
fn refused(out: &Output, args: &str, wanted: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args}: accepted");
    assert!(!err.contains("panicked"), "{args}: {err}");
    for w in wanted {
        assert!(err.contains(w), "{args}: wanted {w:?} in {err}");
    }
}

const PD: &str = "scenarios/prisoners_dilemma.ron";

#[test]
fn bad_counts_on_the_command_line_name_the_flag_and_its_range() {
    let simulate = ["simulate", "--scenario", PD, "--player", "a=defector"];
    let simulate = [&simulate[..], &["--player", "b=defector"]].concat();
    let tournament = ["tournament", "--scenario", PD, "--strategies", "defector"];
    let analyze = ["analyze", "--scenario", PD];
    let cases: &[(&[&str], &str, &str, &str)] = &[
        (&simulate, "--turns", "4294967295", "1..=10000"),
        (&simulate, "--turns", "0", "1..=10000"),
        (&simulate, "--turns", "10001", "1..=10000"),
        (&simulate, "--noise", "NaN", "0..=1"),
        (&simulate, "--noise", "-1", "0..=1"),
        (&simulate, "--noise", "1.5", "0..=1"),
        (&tournament, "--turns", "4294967295", "1..=10000"),
        (&tournament, "--turns", "0", "1..=10000"),
        (&tournament, "--repetitions", "0", "1..=1000"),
        (&tournament, "--threads", "0", "1..=256"),
        (&tournament, "--population", "0", "1..=100000"),
        (&tournament, "--population", "4294967295", "1..=100000"),
        (&tournament, "--evolve", "4294967295", "1..=100000"),
        (&tournament, "--replace", "4294967295", "0..=100000"),
        (&tournament, "--noise", "inf", "0..=1"),
        (&analyze, "--samples", "18446744073709551615", "1..=100000"),
        (&analyze, "--samples", "0", "1..=100000"),
        (
            &analyze,
            "--full-samples",
            "18446744073709551615",
            "1..=100000",
        ),
        (&analyze, "--turn", "4294967295", "1..=10000"),
        (&analyze, "--turn", "0", "1..=10000"),
    ];
    for &(command, flag, value, range) in cases {
        // `--noise=-1`: as two words clap would read `-1` as a flag.
        let given = format!("{flag}={value}");
        let args = [command, &[given.as_str()]].concat();
        let out = run(&args);
        let shown = args.join(" ");
        refused(&out, &shown, &[flag, range]);
        assert_eq!(out.status.code(), Some(2), "{shown}: a usage error");
    }
}

#[test]
fn work_that_counts_multiply_into_is_refused_naming_the_limit() {
    let out = run(&[
        "tournament",
        "--scenario",
        PD,
        "--turns",
        "10000",
        "--repetitions",
        "1000",
    ]);
    refused(
        &out,
        "tournament",
        &["match-turns", "the limit is 1000000000"],
    );
    let out = run(&[
        "tournament",
        "--scenario",
        PD,
        "--strategies",
        "defector,cooperator",
        "--turns",
        "1",
        "--evolve",
        "100000",
        "--population",
        "100000",
    ]);
    refused(&out, "evolve", &["--population", "the limit is 1000000000"]);
    // The corpus base draws on chance, so every sample is played.
    let long = std::fs::read_to_string("tests/corpus/base.ron")
        .unwrap()
        .replacen("turns: 5,", "turns: 1000,", 1);
    let long = write("long_chance.ron", &long);
    let out = bin()
        .args(["analyze", "--scenario"])
        .arg(&long)
        .args(["--samples", "100000", "--turn", "500", "--no-full"])
        .output()
        .unwrap();
    refused(&out, "analyze", &["samples", "the limit is 20000000"]);
}

/// A short record of the prisoner's dilemma, as text.
fn record_text() -> String {
    let path = tmp("short.ron");
    let out = bin()
        .args([
            "simulate",
            "--scenario",
            PD,
            "--player",
            "a=defector",
            "--player",
            "b=defector",
            "--turns",
            "3",
            "--quiet",
            "--record",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn records_with_bad_turns_or_noise_are_refused_where_they_say_it() {
    let text = record_text();
    assert!(text.contains("turns: 3,") && text.contains("noise: 0.0,"));
    let noise_line = text
        .lines()
        .position(|l| l.contains("noise: 0.0,"))
        .unwrap()
        + 1;
    let turns_line = text.lines().position(|l| l.contains("turns: 3,")).unwrap() + 1;
    for (name, from, to, line, message) in [
        (
            "huge_turns",
            "turns: 3,",
            "turns: 4294967295,",
            turns_line,
            "turns must be between 1 and 10000",
        ),
        (
            "zero_turns",
            "turns: 3,",
            "turns: 0,",
            turns_line,
            "turns must be between 1 and 10000",
        ),
        (
            "short_turns",
            "turns: 3,",
            "turns: 2,",
            0,
            "3 turns recorded in a match of 2",
        ),
        (
            "nan_noise",
            "noise: 0.0,",
            "noise: NaN,",
            noise_line,
            "noise probability NaN is outside [0, 1]",
        ),
        (
            "negative_noise",
            "noise: 0.0,",
            "noise: -1.0,",
            noise_line,
            "noise probability -1 is outside [0, 1]",
        ),
    ] {
        let path = tmp(&format!("{name}.ron"));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        for command in ["replay", "report"] {
            let mut cmd = bin();
            cmd.arg(command).arg(&path);
            if command == "report" {
                cmd.arg("--out").arg(tmp("debrief.md"));
            }
            let out = cmd.output().unwrap();
            let at = format!("{}:{line}:", path.display());
            let wanted: Vec<&str> = if line > 0 {
                vec![message, &at]
            } else {
                vec![message]
            };
            refused(&out, &format!("{command} {name}"), &wanted);
        }
    }
}

#[test]
fn saves_with_bad_turns_or_noise_are_refused_where_they_say_it() {
    let record = record_text();
    let record = record.trim_start_matches(|c| c != '(');
    let save = |turns: &str, noise: &str, record: &str| {
        format!(
            "(format: 1, setup: (scenario: \"prisoners_dilemma.ron\", seats: (Human, Human), seed: 1, noise: {noise}, turns: {turns}),\nrecord: {record})"
        )
    };
    if let Err(e) = common_enemy::ui::session::read_save(&write(
        "good_save.ron",
        &save("Some(3)", "None", record),
    )) {
        panic!("the unchanged save is refused: {e}");
    }
    for (name, text, message) in [
        (
            "save_turns",
            save("Some(0)", "None", record),
            "turns must be between 1 and 10000, not 0",
        ),
        (
            "save_noise",
            save("None", "Some(NaN)", record),
            "noise probability NaN",
        ),
        (
            "save_record_turns",
            save(
                "None",
                "None",
                &record.replacen("turns: 3,", "turns: 99999,", 1),
            ),
            "turns must be between 1 and 10000",
        ),
    ] {
        let path = write(&format!("{name}.ron"), &text);
        let err = common_enemy::ui::session::read_save(&path).unwrap_err();
        assert!(err.contains(message), "{name}: {err}");
        assert!(
            err.starts_with(&format!("{}:", path.display())),
            "{name} is located: {err}"
        );
    }
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let path = tmp(name);
    std::fs::write(&path, text).unwrap();
    path
}
