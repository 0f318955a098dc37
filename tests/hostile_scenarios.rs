//! Scenarios that are hostile but valid, or just past a limit, generated in code
//! from the prisoner's dilemma's shape: every one that validates must play, run a
//! tournament with the AI and be analysed (or refused with a clear message), and
//! every one past a limit must be refused with a located error.

use common_enemy::scenario::{self, limits};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_common-enemy"))
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ce-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The parts of a generated scenario that the tests vary.
#[derive(Clone)]
struct Shape {
    /// Player a's decisions × options per decision.
    decisions: usize,
    options: usize,
    /// Effects on each of player a's options.
    effects_per_option: usize,
    /// Extra effects on one joint rule.
    rule_effects: usize,
    /// Condition nodes in one more rule: `All([Always, …])`, 0 for none.
    condition_nodes: usize,
    /// Repeatable events that are news every turn, one effect each.
    repeating_events: usize,
}

impl Shape {
    fn decisions(decisions: usize, options: usize) -> Shape {
        Shape {
            decisions,
            options,
            effects_per_option: 1,
            rule_effects: 0,
            condition_nodes: 0,
            repeating_events: 0,
        }
    }

    /// The RON text: player a has the generated decisions, player b the
    /// prisoner's dilemma's one move; one per-player metric, the score.
    fn ron(&self) -> String {
        let add = |who: &str, v: usize| format!("Add(metric: \"{who}.score\", value: {v})");
        let effects = |n: usize, who: &str| (0..n).map(|k| add(who, k % 3)).collect::<Vec<_>>();
        let mut a_decisions = Vec::new();
        for d in 0..self.decisions {
            let options: Vec<String> = (0..self.options)
                .map(|o| {
                    format!(
                        "(id: \"o{o}\", name: \"O{o}\", stance: {}, effects: [{}])",
                        if o == 0 { "Cooperate" } else { "Defect" },
                        effects(self.effects_per_option, "a").join(", ")
                    )
                })
                .collect();
            a_decisions.push(format!(
                "(id: \"d{d}\", name: \"D{d}\", options: [{}])",
                options.join(",\n")
            ));
        }
        let mut rules = vec![format!(
            "(id: \"reward\", when: Chose(player: \"b\", decision: \"move\", option: \"cooperate\"), effects: [{}])",
            std::iter::once(add("a", 3))
                .chain(effects(self.rule_effects, "b"))
                .collect::<Vec<_>>()
                .join(", ")
        )];
        if self.condition_nodes > 0 {
            let leaves = vec!["Always"; self.condition_nodes - 1].join(", ");
            rules.push(format!(
                "(id: \"many\", when: All([{leaves}]), effects: [{}])",
                add("b", 1)
            ));
        }
        let events: Vec<String> = (0..self.repeating_events)
            .map(|e| {
                format!(
                    "(id: \"e{e}\", title: \"E\", text: \"E\", trigger: When(Always), repeatable: true, effects: [{}])",
                    add("a", 1)
                )
            })
            .collect();
        format!(
            r#"Scenario(
    format: 1,
    id: "hostile",
    title: "Hostile",
    summary: "Generated.",
    source: (title: "Test"),
    turns: 5,
    calendar: (start_year: 2015, start_month: 10),
    players: [
        (id: "a", name: "A", briefing: "B", decisions: [
{}
        ]),
        (id: "b", name: "B", briefing: "B", decisions: [
            (id: "move", name: "Move", options: [
                (id: "cooperate", name: "Cooperate", stance: Cooperate, effects: [{}]),
                (id: "defect", name: "Defect", stance: Defect, effects: [{}]),
            ]),
        ]),
    ],
    metrics: [
        (id: "score", name: "Score", description: "Points.", scope: PerPlayer, min: 0, max: 1000000, initial: 0),
    ],
    joint_rules: [
{}
    ],
    events: [
{}
    ],
    endings: (score: "score", on_time: "Over."),
)
"#,
            a_decisions.join(",\n"),
            add("b", 1),
            add("b", 2),
            rules.join(",\n"),
            events.join(",\n"),
        )
    }

    fn write(&self, name: &str) -> std::path::PathBuf {
        let path = tmp(name);
        std::fs::write(&path, self.ron()).unwrap();
        path
    }
}

/// Runs the binary and checks it did not panic.
fn run(args: &[&str], path: &std::path::Path) -> Output {
    let mut cmd = bin();
    for a in args {
        if *a == "FILE" {
            cmd.arg(path);
        } else {
            cmd.arg(a);
        }
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    out
}

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// 2^64 and more full orders for one player, all within the decision and option limits.
const BIG_SHAPES: [(usize, usize); 4] = [(64, 2), (16, 16), (22, 8), (32, 4)];

#[test]
fn the_big_shapes_are_within_the_validators_limits() {
    for (d, o) in BIG_SHAPES {
        assert!(d <= limits::MAX_DECISIONS && o <= limits::MAX_OPTIONS);
        let text = Shape::decisions(d, o).ron();
        let s = scenario::parse_and_validate("big.ron", text.as_bytes())
            .unwrap_or_else(|e| panic!("{d}×{o}: {e:?}"));
        assert_eq!(s.compiled.decisions[0].len(), d);
    }
}

#[test]
fn the_ai_plays_scenarios_with_2_to_the_64_orders() {
    for (d, o) in BIG_SHAPES {
        let path = Shape::decisions(d, o).write(&format!("big_{d}x{o}.ron"));
        let sim = run(
            &[
                "simulate",
                "--scenario",
                "FILE",
                "--player",
                "a=ai_easy",
                "--player",
                "b=tit_for_tat",
                "--turns",
                "3",
            ],
            &path,
        );
        ok(&sim, "simulate");
        assert!(
            String::from_utf8_lossy(&sim.stdout).contains("== Turn 3"),
            "{d}×{o} plays to the end"
        );
        let tournament = run(
            &[
                "tournament",
                "--scenario",
                "FILE",
                "--strategies",
                "ai_easy,tit_for_tat",
                "--turns",
                "2",
                "--repetitions",
                "1",
                "--threads",
                "1",
            ],
            &path,
        );
        ok(&tournament, "tournament");
    }
}

#[test]
fn analyze_refuses_2_to_the_64_orders_naming_the_cap() {
    for (d, o) in BIG_SHAPES {
        let path = Shape::decisions(d, o).write(&format!("analyze_{d}x{o}.ron"));
        let out = run(&["analyze", "--scenario", "FILE", "--samples", "4"], &path);
        ok(&out, "analyze");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("full orders skipped")
                && err.contains("more than the limit of 100000 cells"),
            "{d}×{o}: {err}"
        );
    }
}

/// The error of `text`, which must be refused, at a known field.
fn refused(text: &str, field: &str, message: &str) {
    let errors = scenario::parse_and_validate("over.ron", text.as_bytes())
        .err()
        .unwrap_or_else(|| panic!("accepted, wanted {message}"));
    let found = errors.iter().find(|d| d.message.contains(message));
    let d = found.unwrap_or_else(|| panic!("wanted {message}: {errors:#?}"));
    assert_eq!(d.field.as_deref(), Some(field), "{d:#?}");
    assert!(d.line > 0 && d.col > 0, "located: {d:#?}");
}

/// The shape with exactly `limit` of a counted thing, and the shape with one more.
fn at_and_over(limit: usize, set: impl Fn(usize) -> Shape) -> [Shape; 2] {
    [set(limit), set(limit + 1)]
}

/// Effects in the base shape (player b's two options and the reward rule).
const BASE_EFFECTS: usize = 3;

#[test]
fn scenarios_at_the_new_limits_validate_and_play() {
    let effects = {
        // 64 options of 62 effects, most of them never applied in the same turn.
        let per = (limits::MAX_EFFECTS - BASE_EFFECTS) / 64;
        let mut s = Shape::decisions(1, 64);
        s.effects_per_option = per;
        s.rule_effects = limits::MAX_EFFECTS - BASE_EFFECTS - per * 64;
        s
    };
    let conditions = {
        let mut s = Shape::decisions(1, 2);
        // The reward rule's Chose is one node.
        s.condition_nodes = limits::MAX_CONDITIONS - 1;
        s
    };
    let repeating = {
        let mut s = Shape::decisions(1, 2);
        s.repeating_events = limits::MAX_REPEATABLE_EVENTS;
        s
    };
    let turn_work = {
        let mut s = Shape::decisions(1, 2);
        s.rule_effects = limits::MAX_CHANGES_PER_TURN - fixed_turn_work();
        s
    };
    for (name, shape) in [
        ("effects", effects),
        ("conditions", conditions),
        ("repeating", repeating),
        ("turn_work", turn_work),
    ] {
        let path = shape.write(&format!("at_limit_{name}.ron"));
        ok(&run(&["validate", "FILE"], &path), name);
        let sim = run(
            &[
                "simulate",
                "--scenario",
                "FILE",
                "--player",
                "a=ai_easy",
                "--player",
                "b=defector",
                "--turns",
                "3",
                "--quiet",
            ],
            &path,
        );
        ok(&sim, name);
    }
}

/// Effect applications and clamps a turn of `Shape::decisions(1, 2)` makes
/// without the reward rule's extra effects.
fn fixed_turn_work() -> usize {
    let text = Shape::decisions(1, 2).ron();
    let s = scenario::parse_and_validate("w.ron", text.as_bytes()).unwrap();
    limits::turn_work_parts(&s.compiled)
        .iter()
        .map(|p| p.1)
        .sum()
}

#[test]
fn scenarios_just_over_the_new_limits_are_refused_where_they_pass_it() {
    let [_, over] = at_and_over(limits::MAX_EFFECTS, |n| {
        let mut s = Shape::decisions(1, 2);
        s.rule_effects = n - BASE_EFFECTS - 2;
        s
    });
    let last = limits::MAX_EFFECTS - BASE_EFFECTS - 2 + 1;
    refused(
        &over.ron(),
        &format!("joint_rules[0].effects[{last}]"),
        "more than 4000 effects in the file",
    );

    let [_, over] = at_and_over(limits::MAX_CONDITIONS, |n| {
        let mut s = Shape::decisions(1, 2);
        s.condition_nodes = n - 1;
        s
    });
    refused(
        &over.ron(),
        &format!("joint_rules[1].when[{}]", limits::MAX_CONDITIONS - 2),
        "more than 4000 conditions in the file",
    );

    let [_, over] = at_and_over(limits::MAX_REPEATABLE_EVENTS, |n| {
        let mut s = Shape::decisions(1, 2);
        s.repeating_events = n;
        s
    });
    refused(
        &over.ron(),
        &format!("events[{}].repeatable", limits::MAX_REPEATABLE_EVENTS),
        "more than 64 repeatable events in the file",
    );

    let [_, over] = at_and_over(limits::MAX_CHANGES_PER_TURN, |n| {
        let mut s = Shape::decisions(1, 2);
        s.rule_effects = n - fixed_turn_work();
        s
    });
    refused(
        &over.ron(),
        "joint_rules",
        "one turn could apply 1001 effects and clamps",
    );
}
