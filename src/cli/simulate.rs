//! `simulate` plays a headless match and tells its story; `replay` re-plays a record.

use crate::explain::{Provenance, provenance_of};
use crate::scenario::LoadedScenario;
use crate::sim::components::Controller;
use crate::sim::record::{CauseRecord, GameRecord, TurnRecord};
use crate::sim::replay as replay_record;
use crate::sim::runner::play_recorded;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Loads a scenario for a command, printing its diagnostics on failure.
pub(crate) fn load_scenario(path: &Path) -> Option<Arc<LoadedScenario>> {
    match crate::scenario::load(path) {
        Ok(s) => Some(Arc::new(s)),
        Err(diagnostics) => {
            super::print_diagnostics(&diagnostics);
            None
        }
    }
}

/// Resolves `ID=STRATEGY` specs into one controller per scenario player.
pub(crate) fn controllers(
    s: &LoadedScenario,
    specs: &[String],
) -> Result<[(Controller, String); 2], String> {
    let mut chosen: [Option<String>; 2] = [None, None];
    for spec in specs {
        let (id, strategy) = spec
            .split_once('=')
            .ok_or_else(|| format!("--player {spec}: write ID=STRATEGY, e.g. us=tit_for_tat"))?;
        let p = s.player_index(id).ok_or_else(|| {
            let ids: Vec<&str> = s.scenario.players.iter().map(|p| p.id.as_str()).collect();
            format!(
                "--player {spec}: no player \"{id}\" in {}; players are {}",
                s.scenario.id,
                ids.join(", ")
            )
        })?;
        chosen[p] = Some(strategy.to_string());
    }
    let make = |p: usize| -> Result<(Controller, String), String> {
        let id = chosen[p].clone().ok_or_else(|| {
            format!(
                "say who plays {}: --player {}=STRATEGY",
                s.scenario.players[p].id, s.scenario.players[p].id
            )
        })?;
        let spec = crate::strategy::Spec::parse(&id)?;
        spec.check(&s.scenario)?;
        Ok((spec.controller(), id))
    };
    Ok([make(0)?, make(1)?])
}

pub fn run(
    scenario: &Path,
    players: &[String],
    seed: u64,
    turns: Option<u32>,
    noise: Option<f64>,
    record: Option<&Path>,
    quiet: bool,
) -> ExitCode {
    let Some(s) = load_scenario(scenario) else {
        return ExitCode::FAILURE;
    };
    let players = match controllers(&s, players) {
        Ok(p) => p,
        Err(e) => {
            errln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let rec = play_recorded(s.clone(), seed, turns, noise, players);
    out!("{}", story(&s, &rec, quiet));
    if let Some(path) = record {
        if let Err(e) = rec.write(path) {
            errln!("{}: cannot write the record: {e}", path.display());
            return ExitCode::FAILURE;
        }
        outln!("record written to {}", path.display());
    }
    ExitCode::SUCCESS
}

/// The match told turn by turn, with each change's cause and its source.
pub fn story(s: &LoadedScenario, rec: &GameRecord, quiet: bool) -> String {
    let sc = &s.scenario;
    let mut out = String::new();
    let names: Vec<String> = rec
        .players
        .iter()
        .map(|(id, c)| format!("{} ({c})", player_name(s, id)))
        .collect();
    out += &format!(
        "{} — {} vs {}, seed {}, {} turns, noise {}\n",
        sc.title, names[0], names[1], rec.seed, rec.turns, rec.noise
    );
    if !quiet {
        for t in &rec.history {
            out += &turn_story(s, rec.seed, t);
        }
    }
    if let Some(o) = &rec.outcome {
        out += "\n== Outcome ==\n";
        out += &format!("{}\n", o.text.trim());
        for (p, player) in sc.players.iter().enumerate() {
            let coop = rec
                .history
                .iter()
                .filter(|t| t.stances[p] == crate::scenario::schema::Stance::Cooperate)
                .count();
            let verdict = crate::explain::verdict(Some(s), o, p)
                .map(|v| format!("{v}, "))
                .unwrap_or_default();
            out += &format!(
                "{}: score {:.1}, {verdict}cooperated {coop} of {} turns\n",
                player.name,
                o.scores[p],
                rec.history.len()
            );
        }
    }
    out
}

fn player_name<'a>(s: &'a LoadedScenario, id: &'a str) -> &'a str {
    s.scenario
        .players
        .iter()
        .find(|p| p.id == id)
        .map_or(id, |p| p.name.as_str())
}

fn turn_story(s: &LoadedScenario, seed: u64, t: &TurnRecord) -> String {
    let sc = &s.scenario;
    let mut out = format!("\n== Turn {} · {} ==\n", t.turn, t.date);
    for id in t.news.iter().chain(&t.events) {
        if let Some(e) = sc.events.iter().find(|e| &e.id == id) {
            out += &format!("  NEWS  {}: {}\n", e.title, e.text.trim());
            out += &format!(
                "        {}\n",
                grounds_line(Provenance::of(e.source.as_deref(), e.basis.as_ref()))
            );
        }
    }
    for (p, player) in sc.players.iter().enumerate() {
        let orders: Vec<String> = t.orders[p]
            .iter()
            .map(|(d, o)| format!("{d}={o}"))
            .collect();
        out += &format!(
            "  {:<14} {:?}: {}\n",
            player.name,
            t.stances[p],
            orders.join(", ")
        );
    }
    for (p, player) in sc.players.iter().enumerate() {
        let other = 1 - p;
        for (d, seen) in &t.perceived[p] {
            if t.orders[other].get(d) != Some(seen) {
                out += &format!(
                    "  {} saw {}'s {d} as {seen} (it was {})\n",
                    player.name,
                    sc.players[other].name,
                    t.orders[other].get(d).map_or("?", |s| s.as_str())
                );
            }
        }
    }
    for swing in crate::explain::shown_swings(t, Some(s)) {
        out += &format!(
            "    {:<26} {:>7.1} → {:<7.1} ({:+.1})  {}\n",
            swing.metric,
            swing.before,
            swing.after,
            swing.delta(),
            swing.shares(Some(s))
        );
        // The main cause's basis, and the quotation of the largest quoted cause when
        // that is another one: a student sees which changes rest on the article.
        let main = swing
            .main_cause()
            .map(|(c, _)| c)
            .filter(|c| **c != CauseRecord::Clamp);
        if let Some(c) = main {
            out += &format!("{:>8}{}\n", "", grounds_line(provenance_of(s, c)));
        }
        if let Some((c, q)) = swing.quote(s).filter(|(c, _)| Some(*c) != main) {
            let q: String = q.trim().chars().take(120).collect();
            out += &format!("{:>8}[{}] “{q}”\n", "", provenance_of(s, c).label());
        }
    }
    let scores: Vec<String> = sc
        .players
        .iter()
        .zip(&t.scores)
        .map(|(p, v)| format!("{} {v:.1}", p.name))
        .collect();
    out += &format!("  Scores: {}\n", scores.join(", "));
    out += &fog_story(s, seed, t);
    out
}

/// What each side saw of the metrics it sees only as estimates (format 2 fog).
fn fog_story(s: &LoadedScenario, seed: u64, t: &TurnRecord) -> String {
    let mut out = String::new();
    for (key, slot) in s.metric_slots() {
        let Some(&truth) = t.metrics.get(key).filter(|_| !s.is_hidden(key)) else {
            continue;
        };
        for (p, player) in s.scenario.players.iter().enumerate() {
            let seen =
                crate::sim::fog::seen_value(&s.compiled, seed, t.turn, p as u8, *slot, truth);
            if seen != truth {
                out += &format!(
                    "  {} estimates {key} at {seen:.1} (true {truth:.1})\n",
                    player.name
                );
            }
        }
    }
    out
}

/// `[from the article] “…”`, `[game assumption] why`: a cause's basis on one line, the
/// quotation cut to 120 characters.
fn grounds_line(p: Provenance<'_>) -> String {
    let detail: String = p.detail().unwrap_or("").trim().chars().take(120).collect();
    match p {
        Provenance::Article(_) => format!("[{}] “{detail}”", p.label()),
        Provenance::Unstated => format!("[{}]", p.label()),
        _ => format!("[{}] {detail}", p.label()),
    }
}

/// `scenario` overrides the record's own scenario, when it has moved.
pub fn replay(path: &Path, scenario: Option<&Path>) -> ExitCode {
    let record = match GameRecord::load(path) {
        Ok(r) => r,
        Err(d) => {
            err!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let scenario_path = match scenario {
        Some(p) => p.to_path_buf(),
        None => match record.scenario_file(path) {
            Ok(p) => p,
            Err(e) => {
                errln!("{e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let Some(s) = load_scenario(&scenario_path) else {
        errln!(
            "{}: cannot load the record's scenario {} (pass --scenario PATH)",
            path.display(),
            scenario_path.display()
        );
        return ExitCode::FAILURE;
    };
    match replay_record(&record, s) {
        Ok(turns) => {
            outln!(
                "{}: replay matches the record ({turns} turns)",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("{}: replay does not match: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_story_leaves_out_hidden_metrics_and_tells_estimates() {
        let syria = load_scenario(Path::new("scenarios/syria_2015.ron")).unwrap();
        let bots = || {
            controllers(
                &syria,
                &["us=tit_for_tat".into(), "russia=alternator".into()],
            )
            .unwrap()
        };
        let rec = play_recorded(syria.clone(), 3, Some(3), None, bots());
        assert!(rec.history[1].metrics.contains_key("isis_last_month"));
        let told = story(&syria, &rec, false);
        assert!(told.contains("isis_strength"), "{told}");
        assert!(
            !told.contains("isis_last_month"),
            "a hidden metric stays out of the story:\n{told}"
        );
        let cuba = load_scenario(Path::new("scenarios/cuba_1962.ron")).unwrap();
        let players = ["us=cooperator".into(), "ussr=defector".into()];
        let rec = play_recorded(
            cuba.clone(),
            3,
            Some(2),
            None,
            controllers(&cuba, &players).unwrap(),
        );
        let told = story(&cuba, &rec, false);
        assert!(
            told.contains("United States estimates missiles_ready at"),
            "{told}"
        );
    }
}
