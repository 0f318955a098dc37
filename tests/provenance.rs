//! Provenance a teacher can trust: every shipped scenario says what each option, rule,
//! event and ending rests on, every quotation is in its source text word for word,
//! a wrong quotation is refused with the closest sentence as its hint, and the
//! debrief shows the basis of each cause and lists the game's assumptions.

use common_enemy::explain::{Provenance, provenance_of};
use common_enemy::report::debrief;
use common_enemy::scenario::{self, provenance};
use common_enemy::sim::components::Controller;
use common_enemy::sim::record::CauseRecord;
use common_enemy::sim::runner::play_recorded;
use rand::SeedableRng;
use std::path::Path;
use std::sync::Arc;

const SHIPPED: [&str; 8] = [
    "syria_2015",
    "air_deconfliction",
    "target_list",
    "sanctions_minsk",
    "cuba_1962",
    "prisoners_dilemma",
    "stag_hunt",
    "chicken",
];

#[test]
fn every_shipped_element_says_what_it_rests_on() {
    for name in SHIPPED {
        let s = scenario::load(Path::new(&format!("scenarios/{name}.ron")))
            .unwrap_or_else(|d| panic!("{name}: {d:?}"));
        let unstated: Vec<String> = provenance::elements(&s.scenario)
            .into_iter()
            .filter(|e| e.provenance == Provenance::Unstated)
            .map(|e| e.path)
            .collect();
        assert!(unstated.is_empty(), "{name}: {unstated:?}");
        assert!(
            !s.warnings
                .iter()
                .any(|w| w.message.contains("does not say what it rests on")),
            "{name}"
        );
    }
}

#[test]
fn the_article_scenarios_name_their_source_and_every_quotation_is_in_it() {
    let text = std::fs::read_to_string("scenarios/sources/syria_2015.txt").unwrap();
    for name in [
        "syria_2015",
        "air_deconfliction",
        "target_list",
        "sanctions_minsk",
    ] {
        let s = scenario::load(Path::new(&format!("scenarios/{name}.ron"))).unwrap();
        assert_eq!(
            s.scenario.source.file.as_deref(),
            Some("sources/syria_2015.txt"),
            "{name}"
        );
        assert_eq!(
            provenance::check_quotations(&s.scenario, &text),
            vec![],
            "{name}"
        );
        let quoted = provenance::elements(&s.scenario)
            .iter()
            .filter(|e| matches!(e.provenance, Provenance::Article(_)))
            .count();
        assert!(
            quoted >= 8,
            "{name} rests on the article: {quoted} quotations"
        );
    }
}

/// A scenario beside its source text in a fresh folder; returns the scenario's path.
fn beside_source(tag: &str, scenario_text: &str, file: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ce-prov-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    std::fs::copy(
        "scenarios/sources/syria_2015.txt",
        dir.join("sources/syria_2015.txt"),
    )
    .unwrap();
    let src = scenario_text.replace(
        r#"file: "sources/syria_2015.txt""#,
        &format!("file: {file:?}"),
    );
    let path = dir.join("s.ron");
    std::fs::write(&path, src).unwrap();
    path
}

#[test]
fn a_quotation_not_in_the_source_is_an_error_with_the_closest_sentence() {
    let original = std::fs::read_to_string("scenarios/air_deconfliction.ron").unwrap();
    // Curly and straight quotes, and runs of spaces, do not matter.
    let respaced = original.replace(
        "The Russians, as well fight mostly in the skies.",
        "The  Russians,\\n as well fight mostly in the skies.",
    );
    assert!(scenario::load(&beside_source("ok", &respaced, "sources/syria_2015.txt")).is_ok());
    // A changed word does.
    let changed = original.replace(
        "The Russians, as well fight mostly in the skies.",
        "The Russians, as well, fight mostly in the air.",
    );
    let path = beside_source("bad", &changed, "sources/syria_2015.txt");
    let errors = scenario::load(&path).unwrap_err();
    let e = errors
        .iter()
        .find(|d| d.message.contains("not in the source text word for word"))
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(
        e.field.as_deref(),
        Some("players[1].decisions[0].options[1].source")
    );
    assert!(e.line > 1, "placed at the quotation: {e:?}");
    let hint = e.hint.as_deref().unwrap_or_default();
    assert!(
        hint.starts_with("the closest sentence in the source is: ")
            && hint.contains("The Russians, as well fight mostly in the skies."),
        "the hint is the source's sentence: {e:?}"
    );
    // The source file must stay in the scenario's folder.
    for file in ["../etc/passwd", "/etc/passwd"] {
        let errors = scenario::load(&beside_source("path", &original, file)).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|d| d.field.as_deref() == Some("source.file")),
            "{file}: {errors:?}"
        );
    }
    // A scenario copied without its source text still loads, with a warning.
    let s = scenario::load(&beside_source("missing", &original, "sources/missing.txt")).unwrap();
    assert!(
        s.warnings
            .iter()
            .any(|w| w.message.starts_with("the quotations were not checked")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn an_element_without_a_basis_is_warned_about() {
    let src = std::fs::read_to_string("scenarios/prisoners_dilemma.ron").unwrap();
    let bare = src.replacen(
        r#", basis: Assumption("The textbook prisoner's dilemma move, dressed in the op-ed's theme.")"#,
        "",
        1,
    );
    assert_ne!(bare, src);
    let s = scenario::parse_and_validate("pd.ron", bare.as_bytes()).unwrap();
    let w: Vec<&str> = s
        .warnings
        .iter()
        .filter(|w| w.message.contains("does not say what it rests on"))
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(w, ["option \"cooperate\" does not say what it rests on"]);
}

fn bot(id: &str) -> (Controller, String) {
    (
        Controller::Strategy {
            strategy: common_enemy::strategy::builtin(id).unwrap(),
            rng: rand::rngs::Xoshiro256PlusPlus::seed_from_u64(0),
        },
        id.to_string(),
    )
}

#[test]
fn causes_and_the_debrief_show_the_basis_and_the_assumptions() {
    let s = Arc::new(scenario::load(Path::new("scenarios/syria_2015.ron")).unwrap());
    let label = |cause: CauseRecord| provenance_of(&s, &cause).label();
    assert_eq!(
        label(CauseRecord::JointRule("shared_targets".into())),
        "from the article"
    );
    assert_eq!(
        label(CauseRecord::ChanceRule("isis_recruits".into())),
        "game assumption"
    );
    assert_eq!(
        label(CauseRecord::Event("airliner_bombing".into())),
        "background"
    );
    assert_eq!(
        label(CauseRecord::Option {
            player: "us".into(),
            decision: "strike_tactic".into(),
            option: "unannounced".into()
        }),
        "game assumption"
    );
    assert_eq!(label(CauseRecord::Clamp), "basis not stated");

    let rec = play_recorded(
        s.clone(),
        4,
        Some(8),
        Some(0.05),
        [bot("tit_for_tat"), bot("defector")],
    );
    let md = debrief::markdown(&rec, Some(&s));
    assert!(md.contains("## What the game adds to the article"), "{md}");
    assert!(
        md.contains("Game assumptions: the designer's choices"),
        "{md}"
    );
    assert!(
        md.contains("Background: facts from outside the article"),
        "{md}"
    );
    assert!(md.contains("| chance rule | ISIS recruits"), "{md}");
    assert!(
        md.contains("*from the article*") || md.contains("*game assumption*"),
        "turning points label their causes:\n{md}"
    );
}
