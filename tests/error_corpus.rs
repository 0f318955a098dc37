//! The error corpus: each file in `tests/corpus/` is `base.ron` with one defect, and
//! must be rejected with exactly this line, column and message.

use common_enemy::scenario;
use std::path::Path;

const CORPUS: &[(&str, usize, usize, &str)] = &[
    ("bad_month", 9, 47, "start_month must be 1 to 12"),
    (
        "duplicate_metric_id",
        26,
        14,
        "duplicate metric id \"harm\"",
    ),
    (
        "initial_out_of_range",
        25,
        108,
        "initial value 150 is outside [0, 100]",
    ),
    ("min_above_max", 26, 94, "max 0 is below min 1000"),
    ("missing_comma", 5, 5, "expected a comma"),
    (
        "missing_stance",
        19,
        96,
        "missing field `stance` in `OptionDef`",
    ),
    ("misspelled_metric", 14, 90, "unknown metric \"hram\""),
    (
        "noise_negative",
        28,
        26,
        "probability -0.1 is outside [0, 1]",
    ),
    (
        "per_player_metric_without_player",
        33,
        35,
        "\"score\" is a per-player metric: say whose",
    ),
    (
        "probability_above_one",
        36,
        29,
        "probability 1.5 is outside [0, 1]",
    ),
    (
        "self_outside_option",
        33,
        35,
        "\"self\" only works inside an option's effects",
    ),
    (
        "set_out_of_range",
        41,
        114,
        "value 500 is outside the metric's range [0, 100]",
    ),
    (
        "shared_metric_with_player",
        19,
        91,
        "unknown metric \"self.harm\"",
    ),
    (
        "three_players",
        10,
        14,
        "a scenario has exactly two players, not 3",
    ),
    ("unclosed_string", 6, 15, "expected a comma"),
    ("unknown_event", 36, 52, "unknown event \"blame\""),
    (
        "unknown_field",
        6,
        5,
        "unknown field `sumary` in `Scenario`",
    ),
    ("unknown_option", 32, 65, "unknown option \"carefull\""),
    ("unknown_player", 31, 27, "unknown player \"usa\""),
    (
        "unknown_variant",
        44,
        113,
        "unknown variant `BothLoose` in `Verdict`",
    ),
    ("zero_turns", 8, 12, "turns must be between 1 and 10000"),
    ("between_nan", 44, 99, "the number is not finite"),
    ("falls_at_infinite", 47, 80, "the number is not finite"),
    (
        "map_point_outside",
        47,
        47,
        "map coordinates are fractions in [0, 1]",
    ),
    (
        "unknown_field_in_variant",
        32,
        76,
        "unknown field `trun` in `Chose`",
    ),
    (
        "bad_event_id",
        41,
        14,
        "event id \"visit-2\" contains '-'; ids use only a-z, 0-9 and _",
    ),
    (
        "bad_scenario_id",
        4,
        9,
        "scenario id \"../corpus_base\" contains '.'; ids use only a-z, 0-9 and _",
    ),
    (
        "player_id_with_dot",
        11,
        14,
        "player id \"u.s\" contains '.'; ids use only a-z, 0-9 and _",
    ),
    (
        "player_id_self",
        17,
        14,
        "\"self\" cannot be a player id: it names a side inside effects",
    ),
    (
        "float_turns",
        8,
        13,
        "expected a whole number, found a fraction",
    ),
    ("integer_for_float", 28, 25, "expected a number"),
];

#[test]
fn the_base_file_is_valid() {
    let s = scenario::load(Path::new("tests/corpus/base.ron")).expect("base.ron is valid");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn every_broken_file_is_rejected_at_its_line_and_column() {
    let on_disk = std::fs::read_dir("tests/corpus")
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "base.ron")
        .count();
    assert_eq!(
        on_disk,
        CORPUS.len(),
        "every corpus file has an expectation"
    );
    assert!(CORPUS.len() >= 15);
    for &(name, line, col, message) in CORPUS {
        let path = format!("tests/corpus/{name}.ron");
        let errors = scenario::load(Path::new(&path))
            .err()
            .unwrap_or_else(|| panic!("{name} was accepted"));
        assert!(
            errors
                .iter()
                .any(|d| d.is_error() && (d.line, d.col) == (line, col) && d.message == message),
            "{name}: wanted {line}:{col} {message}, got {:#?}",
            errors.iter().map(|d| d.headline()).collect::<Vec<_>>()
        );
        assert!(
            errors.iter().all(|d| d.file == path),
            "{name}: diagnostics name the file"
        );
    }
}

#[test]
fn misspelled_ids_get_a_did_you_mean_hint() {
    for (name, hint) in [
        ("misspelled_metric", "did you mean \"harm\"?"),
        ("unknown_option", "did you mean \"careful\"?"),
        ("unknown_variant", "did you mean \"BothLose\"?"),
        ("unknown_field_in_variant", "did you mean \"turn\"?"),
        (
            "float_turns",
            "this field counts: write e.g. `13`, without `.0`",
        ),
    ] {
        let errors = scenario::load(Path::new(&format!("tests/corpus/{name}.ron"))).unwrap_err();
        assert!(
            errors.iter().any(|d| d.hint.as_deref() == Some(hint)),
            "{name}: {errors:#?}"
        );
    }
}

#[test]
fn shipped_scenarios_round_trip_through_ron() {
    for name in ["syria_2015", "prisoners_dilemma", "stag_hunt", "chicken"] {
        let loaded = scenario::load(Path::new(&format!("scenarios/{name}.ron"))).unwrap();
        let text = ron::ser::to_string_pretty(&loaded.scenario, ron::ser::PrettyConfig::default())
            .unwrap();
        let again = scenario::parse_and_validate("again.ron", text.as_bytes())
            .unwrap_or_else(|d| panic!("{name}: {d:?}"));
        assert_eq!(again.scenario, loaded.scenario, "{name}");
        assert_eq!(again.compiled, loaded.compiled, "{name}");
    }
}
