//! The debrief of one game record: a Markdown report for a class discussion (the
//! outcome, the both-cooperate counterfactual, cooperation rates, turning points
//! with their causes and what each rests on, misperceptions, the game's assumptions,
//! reflection questions) and a CSV
//! of the turn log.

use super::{code, csv_row, md};
use crate::explain::Provenance;
use crate::scenario::LoadedScenario;
use crate::scenario::schema::Stance;
use crate::sim::components::Controller;
use crate::sim::record::{GameRecord, TurnRecord};
use std::fmt::Write as _;
use std::sync::Arc;

/// Turning points listed in a report.
const TURNING_POINTS: usize = 3;
/// Metric changes explained per turning point.
const CHANGES_PER_POINT: usize = 4;

/// Per-turn score gain of each player: the change of the score since the turn before.
pub fn gains(rec: &GameRecord, initial: [f64; 2]) -> Vec<[f64; 2]> {
    let mut prev = initial;
    rec.history
        .iter()
        .map(|t| {
            let now = [0, 1].map(|p| t.scores.get(p).copied().unwrap_or(0.0));
            let g = [now[0] - prev[0], now[1] - prev[1]];
            prev = now;
            g
        })
        .collect()
}

/// Share of turns in which player `p` cooperated (0 when no turn was played).
pub fn cooperation_rate(rec: &GameRecord, p: usize) -> f64 {
    if rec.history.is_empty() {
        return 0.0;
    }
    let n = rec
        .history
        .iter()
        .filter(|t| t.stances.get(p) == Some(&Stance::Cooperate))
        .count();
    n as f64 / rec.history.len() as f64
}

/// The name of player `p`: the scenario's name when known, else the record's id.
fn player_name(rec: &GameRecord, s: Option<&LoadedScenario>, p: usize) -> String {
    let id = rec.players.get(p).map_or("?", |(id, _)| id.as_str());
    s.and_then(|s| s.scenario.players.iter().find(|x| x.id == id))
        .map_or(id.to_string(), |x| x.name.clone())
}

/// Both sides always cooperating, same scenario, seed, turns and noise.
pub fn counterfactual(rec: &GameRecord, s: &LoadedScenario) -> Result<GameRecord, String> {
    let make = || -> Result<(Controller, String), String> {
        Ok((
            crate::strategy::Spec::parse("cooperator")?.controller(),
            "cooperator".to_string(),
        ))
    };
    Ok(crate::sim::runner::play_recorded(
        Arc::new(s.clone()),
        rec.seed,
        Some(rec.turns),
        Some(rec.noise),
        [make()?, make()?],
    ))
}

/// The Markdown debrief. `scenario` is the record's scenario when it could be loaded;
/// without it the report still has everything the record itself holds.
pub fn markdown(rec: &GameRecord, scenario: Option<&LoadedScenario>) -> String {
    let mut out = String::new();
    let names = [0, 1].map(|p| player_name(rec, scenario, p));
    let title = scenario.map_or(rec.scenario.clone(), |s| s.scenario.title.clone());
    let _ = writeln!(out, "# Debrief: {}\n", md(&title));
    let controllers: Vec<String> = rec
        .players
        .iter()
        .zip(&names)
        .map(|((_, c), n)| format!("{} ({})", md(n), md(c)))
        .collect();
    let _ = writeln!(
        out,
        "{} · seed {} · {} of {} turns played · perception noise {}\n",
        controllers.join(" vs "),
        rec.seed,
        rec.history.len(),
        rec.turns,
        rec.noise
    );
    match scenario {
        None => {
            out += "*The scenario file could not be loaded: no counterfactual, sources or reflection questions.*\n\n"
        }
        Some(s) if s.hash_hex() != rec.scenario_hash => {
            out += "*The scenario file has changed since this game was played: sources and questions come from the current file.*\n\n";
        }
        Some(_) => {}
    }
    if let Some(note) = scenario.and_then(crate::explain::fog_note) {
        let _ = writeln!(out, "*{}*\n", md(&note));
    }

    out += "## Outcome\n\n";
    match &rec.outcome {
        Some(o) => {
            let _ = writeln!(out, "{}\n", md(o.text.trim()));
            let verdict = match o.won {
                _ if crate::explain::verdict(scenario, o, 0).is_none() => {
                    "No winner is declared: each side's score is its own measure.".to_string()
                }
                [true, true] => "Both sides won.".to_string(),
                [false, false] => "Neither side won.".to_string(),
                [a, _] => format!("{} won.", md(&names[if a { 0 } else { 1 }])),
            };
            let _ = writeln!(
                out,
                "{verdict} Ending: {}.\n",
                md(o.ending.as_deref().unwrap_or("the turn limit"))
            );
        }
        None => out += "The game did not finish.\n\n",
    }

    let initial = scenario.map_or([0.0; 2], LoadedScenario::initial_scores);
    let final_scores = rec.history.last().map_or(initial, |t| {
        [0, 1].map(|p| t.scores.get(p).copied().unwrap_or(0.0))
    });
    out += "## Scores against the both-cooperate counterfactual\n\n";
    let cf = scenario.map(|s| counterfactual(rec, s));
    match &cf {
        Some(Ok(cf)) => {
            let cf_scores = cf.outcome.as_ref().map_or([0.0; 2], |o| o.scores);
            out += "The counterfactual replays the game with the same scenario, seed, length and noise, both sides cooperating every turn.\n\n";
            out += "| side | score | both cooperate | difference | turns |\n| --- | ---: | ---: | ---: | ---: |\n";
            for p in 0..2 {
                let _ = writeln!(
                    out,
                    "| {} | {:.1} | {:.1} | {:+.1} | {} vs {} |",
                    md(&names[p]),
                    final_scores[p],
                    cf_scores[p],
                    final_scores[p] - cf_scores[p],
                    rec.history.len(),
                    cf.history.len()
                );
            }
            out += "\n";
        }
        Some(Err(e)) => {
            let _ = writeln!(out, "The counterfactual could not be played: {}\n", md(e));
        }
        None => out += "Not available without the scenario.\n\n",
    }

    out += "## Cooperation\n\n| side | cooperated | rate |\n| --- | ---: | ---: |\n";
    for (p, name) in names.iter().enumerate() {
        let rate = cooperation_rate(rec, p);
        let _ = writeln!(
            out,
            "| {} | {} of {} turns | {:.0}% |",
            md(name),
            (rate * rec.history.len() as f64).round(),
            rec.history.len(),
            rate * 100.0
        );
    }
    let moves: String = rec
        .history
        .iter()
        .map(|t| {
            t.stances
                .iter()
                .map(|s| if *s == Stance::Cooperate { 'C' } else { 'D' })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(
        out,
        "\nMoves by turn ({} first, C cooperate, D defect): `{moves}`\n",
        md(&names[0])
    );

    out += &turning_points_section(rec, scenario, &names, initial);
    out += &misperceptions(rec, &names);
    if let Some(s) = scenario {
        out += &assumptions(s);
    }

    out += "## Questions for reflection\n\n";
    match scenario.map(|s| &s.scenario.debrief_questions) {
        Some(q) if !q.is_empty() => {
            for (i, question) in q.iter().enumerate() {
                let _ = writeln!(out, "{}. {}", i + 1, md(question));
            }
        }
        _ => out += "The scenario has no `debrief_questions`.\n",
    }
    out
}

/// The turning points of a game: indices into its history of the turns where
/// the score each side gained changed most from the turn before, largest first.
/// The report and the game's debrief both list these.
pub fn turning_points(rec: &GameRecord, initial: [f64; 2]) -> Vec<usize> {
    let g = gains(rec, initial);
    let mut swings: Vec<(usize, f64)> = (1..g.len())
        .map(|i| {
            let swing = (g[i][0] - g[i - 1][0]).abs() + (g[i][1] - g[i - 1][1]).abs();
            (i, swing)
        })
        .filter(|&(_, s)| s > 1e-9)
        .collect();
    swings.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    swings
        .into_iter()
        .take(TURNING_POINTS)
        .map(|(i, _)| i)
        .collect()
}

/// The turning points section of the report.
fn turning_points_section(
    rec: &GameRecord,
    s: Option<&LoadedScenario>,
    names: &[String; 2],
    initial: [f64; 2],
) -> String {
    let mut out = String::from("## Turning points\n\n");
    let g = gains(rec, initial);
    let points = turning_points(rec, initial);
    if points.is_empty() {
        out += "No turn changed the pace of scoring.\n\n";
        return out;
    }
    out += "The turns where the score each side gained changed most from the turn before.\n\n";
    for i in points {
        let t = &rec.history[i];
        let prev = &rec.history[i - 1];
        let _ = writeln!(out, "### Turn {} ({})\n", t.turn, md(&t.date));
        for p in 0..2 {
            let _ = writeln!(
                out,
                "- {}: {:?} (was {:?}), gained {:+.2} (was {:+.2})",
                md(&names[p]),
                t.stances.get(p).copied().unwrap_or(Stance::Cooperate),
                prev.stances.get(p).copied().unwrap_or(Stance::Cooperate),
                g[i][p],
                g[i - 1][p]
            );
        }
        for id in t.news.iter().chain(&t.events) {
            let title = s
                .and_then(|s| s.scenario.events.iter().find(|e| &e.id == id))
                .map_or(id.clone(), |e| e.title.clone());
            let _ = writeln!(out, "- News: {}", md(&title));
        }
        out += &explain(t, s);
        out += "\n";
    }
    out
}

/// The largest net metric changes of a turn (scores aside), each with its biggest
/// cause and that cause's source quotation.
fn explain(t: &TurnRecord, s: Option<&LoadedScenario>) -> String {
    use crate::explain::{cause_label, metric_label};
    let scores: Vec<String> = s.map_or_else(Vec::new, |s| {
        (0..2)
            .map(|p| {
                s.key_of(crate::scenario::compiled::Slot::Player(
                    p,
                    s.compiled.score_metric,
                ))
            })
            .collect()
    });
    let mut swings: Vec<_> = crate::explain::shown_swings(t, s)
        .into_iter()
        .filter(|w| !scores.iter().any(|k| k == w.metric))
        .collect();
    swings.sort_by(|a, b| b.delta().abs().total_cmp(&a.delta().abs()));
    let mut out = String::new();
    for swing in swings.iter().take(CHANGES_PER_POINT) {
        let Some((cause, d)) = swing.main_cause() else {
            continue;
        };
        let _ = write!(
            out,
            "- {} {:+.2}, mostly from {} ({d:+.2})",
            md(&metric_label(s, swing.metric)),
            swing.delta(),
            md(&cause_label(s, cause))
        );
        if let Some(p) = s.map(|s| crate::explain::provenance_of(s, cause)) {
            match p {
                Provenance::Article(q) => {
                    let _ = write!(out, ", *{}*: “{}”", p.label(), md(q));
                }
                Provenance::Background(t) | Provenance::Assumption(t) => {
                    let _ = write!(out, ", *{}*: {}", p.label(), md(t));
                }
                Provenance::Unstated => {}
            }
        }
        out += "\n";
    }
    out
}

/// The game's assumptions and the background it adds to the article: every element
/// that does not rest on a quotation, so a class can see what the designer chose.
fn assumptions(s: &LoadedScenario) -> String {
    let mut rows = [Vec::new(), Vec::new()];
    for e in crate::scenario::provenance::elements(&s.scenario) {
        let (i, text) = match e.provenance {
            Provenance::Assumption(t) => (0, t),
            Provenance::Background(t) => (1, t),
            _ => continue,
        };
        rows[i].push(format!(
            "| {} | {} | {} |",
            e.kind,
            md(e.name.trim()),
            md(text)
        ));
    }
    let mut out = String::from(
        "## What the game adds to the article

",
    );
    if rows.iter().all(Vec::is_empty) {
        out += "Every option, rule, event and ending rests on a quotation from the source.

";
        return out;
    }
    for (heading, list) in [
        (
            "Game assumptions: the designer's choices, each with its reason",
            &rows[0],
        ),
        (
            "Background: facts from outside the article, each with its citation",
            &rows[1],
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{heading}:\n\n| element | name | why / citation |\n| --- | --- | --- |"
        );
        for r in list.iter() {
            out += r;
            out += "\n";
        }
        out += "\n";
    }
    out
}

/// A decision where side `who` saw something other than what the other side did.
pub struct Misread<'a> {
    pub turn: u32,
    pub who: usize,
    pub decision: &'a str,
    pub seen: &'a str,
    pub real: &'a str,
}

/// Every misread of a record, turn by turn.
pub fn misreads(rec: &GameRecord) -> Vec<Misread<'_>> {
    let mut out = Vec::new();
    for t in &rec.history {
        for p in 0..2 {
            let (Some(seen), Some(truth)) = (t.perceived.get(p), t.orders.get(1 - p)) else {
                continue;
            };
            for (d, shown) in seen {
                let real = truth.get(d).map_or("?", |s| s.as_str());
                if real != shown {
                    out.push(Misread {
                        turn: t.turn,
                        who: p,
                        decision: d,
                        seen: shown,
                        real,
                    });
                }
            }
        }
    }
    out
}

/// Every decision where a side saw something other than what the other side did.
fn misperceptions(rec: &GameRecord, names: &[String; 2]) -> String {
    let mut out = String::from("## Perceived and true history\n\n");
    let rows: Vec<String> = misreads(rec)
        .iter()
        .map(|m| {
            format!(
                "| {} | {} | {} | {} | {} | {} |",
                m.turn,
                md(&names[m.who]),
                md(&names[1 - m.who]),
                code(m.decision),
                code(m.seen),
                code(m.real)
            )
        })
        .collect();
    if rows.is_empty() {
        out += "Each side saw exactly what the other did: noise never acted.\n\n";
        return out;
    }
    let _ = writeln!(
        out,
        "Noise or misreporting changed what a side saw {} times. What each side believed is what its next move answered.\n",
        rows.len()
    );
    out += "| turn | who saw | whose move | decision | seen | true |\n| ---: | --- | --- | --- | --- | --- |\n";
    for r in rows {
        out += &r;
        out += "\n";
    }
    out += "\n";
    out
}

/// The turn log as CSV: one row per turn, every metric a column.
pub fn turns_csv(rec: &GameRecord) -> String {
    let ids: Vec<&str> = rec.players.iter().map(|(id, _)| id.as_str()).collect();
    let metrics: Vec<&String> = rec
        .history
        .first()
        .map(|t| t.metrics.keys().collect())
        .unwrap_or_default();
    let mut header: Vec<String> = vec!["turn".into(), "date".into()];
    for id in &ids {
        header.push(format!("{id}_stance"));
    }
    for id in &ids {
        header.push(format!("{id}_score"));
    }
    for id in &ids {
        header.push(format!("{id}_orders"));
    }
    header.extend(["misperceived".into(), "news".into(), "events".into()]);
    header.extend(metrics.iter().map(|m| m.to_string()));
    let mut out = csv_row(&header);
    for t in &rec.history {
        let mut row = vec![t.turn.to_string(), t.date.clone()];
        row.extend(t.stances.iter().map(|s| format!("{s:?}")));
        row.extend(t.scores.iter().map(|v| v.to_string()));
        row.extend(t.orders.iter().map(|o| {
            o.iter()
                .map(|(d, v)| format!("{d}={v}"))
                .collect::<Vec<_>>()
                .join(";")
        }));
        let mis: usize = (0..2)
            .map(|p| {
                let (Some(seen), Some(truth)) = (t.perceived.get(p), t.orders.get(1 - p)) else {
                    return 0;
                };
                seen.iter()
                    .filter(|(d, v)| truth.get(*d) != Some(*v))
                    .count()
            })
            .sum();
        row.push(mis.to_string());
        row.push(t.news.join(";"));
        row.push(t.events.join(";"));
        row.extend(
            metrics
                .iter()
                .map(|m| t.metrics.get(*m).map_or(String::new(), |v| v.to_string())),
        );
        out += &csv_row(&row);
    }
    out
}
