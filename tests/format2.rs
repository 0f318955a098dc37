//! Scenario format 2, one test per construct, each played through the engine (the
//! same `TurnSchedule` every mode runs): days per turn, options available only in
//! some states, chances that grow with a metric, fog over metrics, holders by name,
//! endings on time by the final state, and conditions on event answers. Format 1
//! files still load unchanged.

use common_enemy::scenario::{self, LoadedScenario};
use common_enemy::sim::MatchSetup;
use common_enemy::sim::components::{Controller, Orders, Sides, SubmitOrders};
use common_enemy::sim::orders::{OrderRefusal, OrdersRefused};
use common_enemy::sim::record::GameRecord;
use common_enemy::sim::runner::{Headless, play_recorded};
use common_enemy::strategy;
use rand::SeedableRng;
use std::path::Path;
use std::sync::Arc;

/// A two-player scenario in format 2: player `a` has the decision `move` with the
/// options given, `b` a plain cooperate/defect; `extra` adds top-level fields.
fn scenario(a_options: &str, metrics: &str, extra: &str) -> String {
    format!(
        r#"(
    format: 2, id: "f2", title: "F2", summary: "S", source: (title: "T"),
    turns: 6,
    calendar: (start_year: 1962, start_month: 10),
    players: [
        (id: "a", name: "A", briefing: "B", decisions: [(id: "move", name: "Move", options: [{a_options}])]),
        (id: "b", name: "B", briefing: "B", decisions: [(id: "move", name: "Move", options: [
            (id: "c", name: "C", stance: Cooperate, basis: Assumption("test")),
            (id: "d", name: "D", stance: Defect, basis: Assumption("test")),
        ])]),
    ],
    metrics: [
        (id: "score", name: "Score", description: "S", scope: PerPlayer, min: -1000, max: 1000, initial: 0),
        {metrics}
    ],
    {extra}
    endings: (score: "score", on_time: "Over."),
)"#
    )
}

/// The same, with fields added to `endings`.
fn with_endings(src: String, endings: &str) -> String {
    src.replace(
        r#"on_time: "Over.""#,
        &format!(r#"on_time: "Over.", {endings}"#),
    )
}

const PLAIN_A: &str = r#"(id: "c", name: "C", stance: Cooperate, basis: Assumption("test")),
    (id: "d", name: "D", stance: Defect, basis: Assumption("test"))"#;

fn load(src: &str) -> Arc<LoadedScenario> {
    Arc::new(
        scenario::parse_and_validate("f2.ron", src.as_bytes()).unwrap_or_else(|d| {
            panic!(
                "{}",
                d.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        }),
    )
}

fn errors(src: &str) -> Vec<String> {
    match scenario::parse_and_validate("f2.ron", src.as_bytes()) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect(),
    }
}

/// Asserts that `src` is refused with an error containing `part`.
fn assert_refused(src: &str, part: &str) {
    let e = errors(src);
    assert!(
        e.iter().any(|e| e.contains(part)),
        "{part:?} not among {e:?}"
    );
}

fn bot(id: &str) -> (Controller, String) {
    (
        Controller::Strategy {
            strategy: strategy::builtin(id).unwrap(),
            rng: rand::rngs::Xoshiro256PlusPlus::seed_from_u64(0),
        },
        id.to_string(),
    )
}

fn play(s: &Arc<LoadedScenario>, a: &str, b: &str, seed: u64) -> GameRecord {
    play_recorded(s.clone(), seed, None, Some(0.0), [bot(a), bot(b)])
}

fn metric(rec: &GameRecord, turn: usize, key: &str) -> f64 {
    rec.history[turn].metrics[key]
}

#[test]
fn turns_can_be_days_or_weeks() {
    let days = scenario(PLAIN_A, "", "").replace(
        "calendar: (start_year: 1962, start_month: 10)",
        "calendar: (start_year: 1962, start_month: 10, start_day: 27, days_per_turn: 1)",
    );
    let s = load(&days);
    let rec = play(&s, "cooperator", "cooperator", 1);
    let dates: Vec<&str> = rec.history.iter().map(|t| t.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "27 October 1962",
            "28 October 1962",
            "29 October 1962",
            "30 October 1962",
            "31 October 1962",
            "1 November 1962"
        ]
    );
    let weeks = days.replace(
        "start_day: 27, days_per_turn: 1",
        "start_day: 22, days_per_turn: 7",
    );
    let s = load(&weeks);
    assert_eq!(s.date(2), "29 October 1962");
    assert_eq!(s.date(3), "5 November 1962");
    let bad = days.replace("start_day: 27", "start_day: 32");
    assert_refused(&bad, "start_day must be 1 to 31");
    let bad = days.replace("days_per_turn: 1", "days_per_turn: 0");
    assert_refused(&bad, "days_per_turn must be 1 to");
}

/// `invade` is the first defecting option but only available once `ready` passes 2.5.
fn gated() -> Arc<LoadedScenario> {
    load(&scenario(
        r#"(id: "wait", name: "Wait", stance: Cooperate, basis: Assumption("test")),
    (id: "invade", name: "Invade", stance: Defect, available: Above(metric: "ready", value: 2.5), basis: Assumption("test")),
    (id: "strike", name: "Strike", stance: Defect, basis: Assumption("test"))"#,
        r#"(id: "ready", name: "Ready", description: "R", scope: Shared, min: 0, max: 100, initial: 0),"#,
        r#"chance_rules: [(id: "assemble", effects: [Add(metric: "ready", value: 1)], basis: Assumption("test"))],"#,
    ))
}

#[test]
fn an_option_is_available_only_while_its_condition_holds() {
    let s = gated();
    let rec = play(&s, "defector", "cooperator", 1);
    let chosen: Vec<&str> = rec
        .history
        .iter()
        .map(|t| t.orders[0]["move"].as_str())
        .collect();
    // `ready` is 0, 1, 2 at the briefings of turns 1 to 3, and 3 from turn 4 on.
    assert_eq!(
        chosen,
        ["strike", "strike", "strike", "invade", "invade", "invade"]
    );
    // Orders from outside that name an unavailable option are refused, with a reason.
    let mut h = Headless::default();
    let m = h.spawn(MatchSetup {
        scenario: s.clone(),
        seed: 1,
        turns: None,
        noise: Some(0.0),
        continuation: None,
        controllers: [Controller::External, Controller::External],
        explain: false,
        hold: false,
        record_as: None,
    });
    h.step();
    let side = &h.app.world().get::<Sides>(m).unwrap()[0];
    assert!(!common_enemy::sim::rules::option_available(side, 0, 1));
    assert!(common_enemy::sim::rules::option_available(side, 0, 2));
    h.app.world_mut().write_message(SubmitOrders {
        match_entity: m,
        player: 0,
        orders: Orders {
            choices: vec![1],
            answers: vec![],
        },
    });
    // The schedule alone, so the refusal is still in this update's messages.
    h.app
        .world_mut()
        .run_schedule(common_enemy::sim::TurnSchedule);
    let refused: Vec<OrdersRefused> = h
        .app
        .world()
        .resource::<bevy::ecs::message::Messages<OrdersRefused>>()
        .iter_current_update_messages()
        .copied()
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].reason,
        OrderRefusal::Unavailable {
            decision: 0,
            option: 1
        }
    );
    assert_eq!(
        refused[0].reason.describe(&s, 0),
        "\"Invade\" (Move) is not available this turn"
    );
    // A decision whose every option is gated is refused when the file is checked.
    let all_gated = scenario(
        r#"(id: "c", name: "C", stance: Cooperate, available: Turn(from: 1, to: 2), basis: Assumption("t")),
    (id: "d", name: "D", stance: Defect, available: Turn(from: 3, to: 6), basis: Assumption("t"))"#,
        "",
        "",
    );
    assert_refused(&all_gated, "has an `available` condition");
}

/// A counter that a `ChancePer` rule on `risk` adds to.
fn risky(initial: f64) -> Arc<LoadedScenario> {
    load(
        &scenario(
            PLAIN_A,
            &format!(
                r#"(id: "risk", name: "Risk", description: "R", scope: Shared, min: 0, max: 100, initial: {initial}),
        (id: "hits", name: "Hits", description: "H", scope: Shared, min: 0, max: 100000, initial: 0),"#
            ),
            r#"chance_rules: [(id: "accident", when: ChancePer(metric: "risk", per: 0.01, base: -0.2), effects: [Add(metric: "hits", value: 1)], basis: Assumption("test"))],"#,
        )
        .replace("turns: 6", "turns: 1000"),
    )
}

#[test]
fn a_chance_grows_with_its_metric() {
    let hits = |initial: f64| {
        let rec = play(&risky(initial), "cooperator", "cooperator", 7);
        rec.history.last().unwrap().metrics["hits"]
    };
    // p = -0.2 + 0.01 × risk, held within [0, 1]: 0 at 10, 0.3 at 50, 0.8 at 100.
    assert_eq!(hits(10.0), 0.0);
    let mid = hits(50.0);
    assert!(
        (240.0..=360.0).contains(&mid),
        "about 300 of 1000 at p = 0.3, got {mid}"
    );
    let high = hits(100.0);
    assert!(
        (740.0..=860.0).contains(&high),
        "about 800 of 1000 at p = 0.8, got {high}"
    );
    assert!(high > mid, "a higher risk draws more accidents");
    assert_eq!(mid, hits(50.0), "the same seed draws the same accidents");
}

#[test]
fn fog_shows_an_estimate_and_never_changes_an_outcome() {
    let metrics = r#"(id: "risk", name: "Risk", description: "R", scope: Shared, min: 0, max: 100, initial: 50, FOG),"#;
    let rules = r#"chance_rules: [(id: "drift", when: Chance(0.5), effects: [Add(metric: "risk", value: 1)], basis: Assumption("test"))],"#;
    let clear = load(&scenario(PLAIN_A, &metrics.replace(", FOG", ""), rules));
    let foggy = load(&scenario(
        PLAIN_A,
        &metrics.replace("FOG", r#"fog: (players: ["b"], error: 10)"#),
        rules,
    ));
    let (r1, r2) = (
        play(&clear, "tit_for_tat", "random", 5),
        play(&foggy, "tit_for_tat", "random", 5),
    );
    assert_eq!(
        r1.history, r2.history,
        "fog changes what a side sees, not what happens"
    );
    let slot = foggy.slot_of("risk").unwrap();
    let c = &foggy.compiled;
    let mut differs = false;
    for (turn, t) in r2.history.iter().enumerate() {
        let truth = t.metrics["risk"];
        let turn = turn as u32 + 1;
        let seen = common_enemy::sim::fog::seen_value(c, 5, turn, 1, slot, truth);
        assert!(
            (seen - truth).abs() <= 10.0,
            "an estimate stays within the error"
        );
        assert_eq!(
            seen,
            common_enemy::sim::fog::seen_value(c, 5, turn, 1, slot, truth)
        );
        assert_eq!(
            common_enemy::sim::fog::seen_value(c, 5, turn, 0, slot, truth),
            truth,
            "a is not fogged"
        );
        differs |= seen != truth;
    }
    assert!(differs, "b sees estimates, not the truth");
    let bad = scenario(
        PLAIN_A,
        &metrics.replace("FOG", r#"fog: (players: ["c"], error: -1)"#),
        "",
    );
    assert_refused(&bad, "unknown player \"c\"");
    assert_refused(&bad, "the error of an estimate");
}

#[test]
fn places_are_held_by_players_or_named_factions() {
    let map = r#"map: (
        locations: [
            (id: "havana", name: "Havana", x: 0.4, y: 0.6, holder: "cuba"),
            (id: "sites", name: "Sites", x: 0.3, y: 0.6, holder: "b"),
            (id: "sea", name: "Sea", x: 0.5, y: 0.5),
        ],
        factions: [(id: "cuba", name: "Government of Cuba")],
    ),"#;
    let s = load(&scenario(PLAIN_A, "", map));
    let locations = &s.scenario.map.as_ref().unwrap().locations;
    let labels: Vec<String> = locations.iter().map(|l| s.holder_label(l)).collect();
    assert_eq!(labels, ["Government of Cuba", "B", "neutral"]);
    // The map plays like any other: a game runs to its end.
    assert_eq!(play(&s, "cooperator", "defector", 1).history.len(), 6);
    let unknown = scenario(
        PLAIN_A,
        "",
        &map.replace(r#"holder: "b""#, r#"holder: "cubaa""#),
    );
    assert_refused(&unknown, "unknown player or faction \"cubaa\"");
    let clash = scenario(
        PLAIN_A,
        "",
        &map.replace(r#"(id: "cuba", name"#, r#"(id: "a", name"#),
    );
    assert_refused(&clash, "is also a player id");
}

#[test]
fn the_ending_on_time_depends_on_the_final_state() {
    let cases = r#"on_time_cases: [
        (id: "a_ahead", title: "A ahead", text: "A is ahead.", when: Above(metric: "a.score", value: 0.5), verdict: Win("a"), basis: Assumption("t")),
        (id: "level", title: "Level", text: "Nobody ahead.", when: Always, verdict: BothLose, basis: Assumption("t")),
    ]"#;
    let rules = r#"joint_rules: [(id: "a_scores", when: Chose(player: "a", decision: "move", option: "d"), effects: [Add(metric: "a.score", value: 1)], basis: Assumption("t"))],"#;
    let s = load(&with_endings(scenario(PLAIN_A, "", rules), cases));
    let ahead = play(&s, "defector", "cooperator", 1).outcome.unwrap();
    assert_eq!(
        (ahead.ending.as_deref(), ahead.text.as_str(), ahead.won),
        (Some("a_ahead"), "A is ahead.", [true, false])
    );
    let level = play(&s, "cooperator", "cooperator", 1).outcome.unwrap();
    assert_eq!(
        (level.ending.as_deref(), level.won),
        (Some("level"), [false, false])
    );
    // Without a case that holds, the plain ending on time applies.
    let plain = load(&with_endings(
        scenario(PLAIN_A, "", rules),
        &cases.replace("when: Always", "when: Turn(from: 99, to: 99)"),
    ));
    let o = play(&plain, "cooperator", "cooperator", 1).outcome.unwrap();
    assert_eq!((o.ending, o.text.as_str()), (None, "Over."));
    let dup = with_endings(
        scenario(PLAIN_A, "", ""),
        &cases.replace(r#""level""#, r#""a_ahead""#),
    );
    assert_refused(&dup, "duplicate ending id");
}

#[test]
fn a_rule_meets_an_event_answer_in_the_turn_it_is_given() {
    let extra = r#"events: [(
        id: "letter", title: "A letter", text: "Answer it.", trigger: AtTurn(3), basis: Assumption("t"),
        choice: (player: "a", decision: (id: "reply", name: "Reply", options: [
            (id: "yes", name: "Yes", stance: Cooperate, basis: Assumption("t")),
            (id: "no", name: "No", stance: Defect, basis: Assumption("t")),
        ])),
    )],
    joint_rules: [(id: "deal", when: Answered(player: "a", event: "letter", option: "yes"), effects: [Add(metric: "deals", value: 1)], basis: Assumption("t"))],"#;
    let metrics = r#"(id: "deals", name: "Deals", description: "D", scope: Shared, min: 0, max: 100, initial: 0),"#;
    let s = load(&scenario(PLAIN_A, metrics, extra));
    let yes = play(&s, "cooperator", "cooperator", 1);
    let deals: Vec<f64> = (0..6).map(|t| metric(&yes, t, "deals")).collect();
    assert_eq!(
        deals,
        [0.0, 0.0, 1.0, 2.0, 3.0, 4.0],
        "from the turn of the answer on"
    );
    let no = play(&s, "defector", "cooperator", 1);
    assert_eq!(metric(&no, 5, "deals"), 0.0);
    let wrong_player = scenario(
        PLAIN_A,
        metrics,
        &extra.replace(r#"Answered(player: "a""#, r#"Answered(player: "b""#),
    );
    assert_refused(&wrong_player, "offers its choice to \"a\"");
    let wrong_option = scenario(
        PLAIN_A,
        metrics,
        &extra.replace(r#"option: "yes")"#, r#"option: "yess")"#),
    );
    assert_refused(&wrong_option, "unknown option \"yess\"");
}

#[test]
fn hidden_metrics_are_kept_in_records_and_left_out_of_what_players_read() {
    let metrics = r#"(id: "memo", name: "Bookkeeping memo", description: "M", scope: Shared, min: 0, max: 100, initial: 0, hidden: true),
        (id: "pressure", name: "Pressure", description: "P", scope: Shared, min: 0, max: 100, initial: 0),"#;
    // A's score grows with the memo, so the scoring changes pace every turn and the
    // report has turning points whose changes it explains.
    let rules = r#"score_rules: [(id: "note", effects: [Add(metric: "memo", value: 1), Add(metric: "pressure", value: 2), AddPer(metric: "a.score", per: "memo", factor: 1)], basis: Assumption("test"))],"#;
    let s = load(&scenario(PLAIN_A, metrics, rules));
    assert!(s.is_hidden("memo") && !s.is_hidden("pressure"));
    let rec = play(&s, "cooperator", "defector", 2);
    let t = &rec.history[2];
    assert_eq!(t.metrics["memo"], 3.0, "the record keeps the hidden metric");
    assert!(t.changes.iter().any(|c| c.metric == "memo"));
    let shown: Vec<&str> = common_enemy::explain::shown_swings(t, Some(&*s))
        .iter()
        .map(|w| w.metric)
        .collect();
    assert!(shown.contains(&"pressure") && !shown.contains(&"memo"));
    let report = common_enemy::report::debrief::markdown(&rec, Some(&*s));
    assert!(report.contains("Pressure +2"), "{report}");
    assert!(!report.contains("Bookkeeping"), "{report}");
    assert!(common_enemy::report::debrief::turns_csv(&rec).contains("memo"));
    // A game is played for its score: it can be neither hidden nor fogged.
    let score = r#"(id: "score", name: "Score", description: "S", scope: PerPlayer, min: -1000, max: 1000, initial: 0)"#;
    let hidden_score = scenario(PLAIN_A, "", "").replace(
        score,
        &score.replace("initial: 0)", "initial: 0, hidden: true)"),
    );
    assert_refused(&hidden_score, "the score metric \"score\" cannot be hidden");
    let fogged_score = scenario(PLAIN_A, "", "").replace(
        score,
        &score.replace(
            "initial: 0)",
            r#"initial: 0, fog: (players: ["a"], error: 1))"#,
        ),
    );
    assert_refused(&fogged_score, "cannot be seen only as an estimate");
}

#[test]
fn format_1_files_load_unchanged_and_unknown_formats_are_refused() {
    for name in [
        "prisoners_dilemma",
        "stag_hunt",
        "chicken",
        "air_deconfliction",
        "target_list",
        "sanctions_minsk",
    ] {
        let s = scenario::load(Path::new(&format!("scenarios/{name}.ron")))
            .unwrap_or_else(|d| panic!("{name}: {d:?}"));
        assert_eq!(s.scenario.format, 1, "{name} is a format 1 file");
    }
    let cuba = scenario::load(Path::new("scenarios/cuba_1962.ron")).unwrap();
    assert_eq!(cuba.scenario.format, 2);
    let future = scenario(PLAIN_A, "", "").replace("format: 2", "format: 3");
    assert_refused(&future, "format 3 is not supported");
}

#[test]
fn the_cuban_crisis_plays_every_construct_through_to_an_ending() {
    let s = Arc::new(scenario::load(Path::new("scenarios/cuba_1962.ron")).unwrap());
    assert_eq!(s.date(1), "16 October 1962");
    assert_eq!(s.date(13), "28 October 1962");
    // Two sides that back off meet the Soviet offer with the quiet channel on day 11.
    let doves = play(&s, "cooperator", "cooperator", 1);
    let o = doves.outcome.as_ref().unwrap();
    assert_eq!(
        o.ending.as_deref(),
        Some("missiles_withdrawn"),
        "{}",
        o.text
    );
    assert_eq!(
        metric(&doves, 10, "missiles_ready"),
        0.0,
        "the deal on the day of the letter"
    );
    // A hawkish US: the invasion (its first defecting option) is chosen from the first
    // turn it is available, air strikes (the next of that stance) before. The force is
    // above 70 at the briefing of turn 7 (10, then 7 a day and 5 more for each strike).
    let mut reached = 0;
    for seed in 1..=20 {
        let rec = play(&s, "defector", "cooperator", seed);
        let response: Vec<&str> = rec
            .history
            .iter()
            .map(|t| t.orders[0]["response"].as_str())
            .collect();
        for (turn, r) in response.iter().enumerate() {
            let expected = if turn < 6 { "air_strikes" } else { "invade" };
            assert_eq!(*r, expected, "seed {seed}, turn {}: {response:?}", turn + 1);
        }
        reached += usize::from(response.len() >= 7);
    }
    assert!(
        reached > 0,
        "some games last until the invasion is possible"
    );
}

#[test]
fn simulate_tells_what_each_side_estimated_and_on_what_each_change_rests() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_common-enemy"))
        .args(["simulate", "--scenario", "scenarios/cuba_1962.ron"])
        .args([
            "--player",
            "us=tit_for_tat",
            "--player",
            "ussr=defector",
            "--seed",
            "2",
        ])
        .output()
        .unwrap();
    let story = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{story}");
    assert!(story.contains("== Turn 1 · 16 October 1962 =="), "{story}");
    assert!(
        story.contains("Soviet Union estimates war_risk at"),
        "{story}"
    );
    assert!(
        story.contains("United States estimates missiles_ready at"),
        "{story}"
    );
    assert!(
        !story.contains("Soviet Union estimates missiles_ready"),
        "only the US is fogged there"
    );
    assert!(
        story.contains("[background]") && story.contains("[game assumption]"),
        "{story}"
    );
}
