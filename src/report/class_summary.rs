//! The class summary: every game record in a folder (e.g. one per pair of
//! students), grouped by scenario: outcomes, scores, cooperation rates, how long
//! mutual cooperation lasted, and who defected first and when. Only the records
//! are read, so a summary works without the scenario files. A bad file is
//! reported and skipped; it never stops the summary.

use super::debrief::cooperation_rate;
use super::{csv_row, md};
use crate::scenario::schema::Stance;
use crate::sim::record::GameRecord;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Who made the first defection of a game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FirstDefector {
    Player(usize),
    /// Both sides defected first in the same turn.
    Both,
    Nobody,
}

/// What the summary keeps of one game.
#[derive(Debug, Clone, PartialEq)]
pub struct GameSummary {
    pub file: String,
    pub scenario: String,
    /// Player ids and controllers, as on record.
    pub players: Vec<(String, String)>,
    pub seed: u64,
    pub turns_played: usize,
    /// Ending id, `on time`, or `unfinished`.
    pub ending: String,
    pub won: Option<[bool; 2]>,
    pub scores: [f64; 2],
    pub cooperation: [f64; 2],
    /// Longest run of turns in which both sides cooperated.
    pub longest_mutual: usize,
    pub first_defector: FirstDefector,
    pub first_defection_turn: Option<u32>,
}

impl GameSummary {
    pub fn of(file: &str, rec: &GameRecord) -> GameSummary {
        let stance = |t: &crate::sim::record::TurnRecord, p: usize| {
            t.stances.get(p).copied().unwrap_or(Stance::Cooperate)
        };
        let (mut run, mut longest_mutual) = (0, 0);
        for t in &rec.history {
            if stance(t, 0) == Stance::Cooperate && stance(t, 1) == Stance::Cooperate {
                run += 1;
                longest_mutual = longest_mutual.max(run);
            } else {
                run = 0;
            }
        }
        let first = rec.history.iter().find_map(|t| {
            let d = [0, 1].map(|p| stance(t, p) == Stance::Defect);
            let who = match d {
                [true, true] => FirstDefector::Both,
                [true, false] => FirstDefector::Player(0),
                [false, true] => FirstDefector::Player(1),
                [false, false] => return None,
            };
            Some((who, t.turn))
        });
        let scores = match (&rec.outcome, rec.history.last()) {
            (Some(o), _) => o.scores,
            (None, Some(t)) => [0, 1].map(|p| t.scores.get(p).copied().unwrap_or(0.0)),
            (None, None) => [0.0; 2],
        };
        GameSummary {
            file: file.to_string(),
            scenario: rec.scenario.clone(),
            players: rec.players.clone(),
            seed: rec.seed,
            turns_played: rec.history.len(),
            ending: match &rec.outcome {
                Some(o) => o.ending.clone().unwrap_or_else(|| "on time".into()),
                None => "unfinished".into(),
            },
            won: rec.outcome.as_ref().map(|o| o.won),
            scores,
            cooperation: [0, 1].map(|p| cooperation_rate(rec, p)),
            longest_mutual,
            first_defector: first.map_or(FirstDefector::Nobody, |f| f.0),
            first_defection_turn: first.map(|f| f.1),
        }
    }

    fn id(&self, p: usize) -> &str {
        self.players.get(p).map_or("?", |x| x.0.as_str())
    }

    fn first_defector_name(&self) -> String {
        match self.first_defector {
            FirstDefector::Player(p) => self.id(p).to_string(),
            FirstDefector::Both => "both at once".into(),
            FirstDefector::Nobody => "nobody".into(),
        }
    }

    fn result(&self) -> String {
        match self.won {
            None => "unfinished".into(),
            Some([true, true]) => "both win".into(),
            Some([false, false]) => "neither wins".into(),
            Some([a, _]) => format!("{} wins", self.id(if a { 0 } else { 1 })),
        }
    }
}

/// A file that could not be read as a record, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// Every record of a folder, and the files skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Class {
    pub games: Vec<GameSummary>,
    pub skipped: Vec<Skipped>,
}

/// Reads every `.ron` file of `dir` (not its subfolders), in name order.
pub fn read_dir(dir: &Path) -> Result<Class, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: cannot read the folder: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    let mut class = Class::default();
    for path in paths {
        let file = path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        match GameRecord::load(&path) {
            Ok(rec) => class.games.push(GameSummary::of(&file, &rec)),
            Err(d) => class.skipped.push(Skipped {
                file,
                reason: d.headline(),
            }),
        }
    }
    Ok(class)
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "–".into()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / of as f64)
    }
}

/// The Markdown summary of a class.
pub fn markdown(class: &Class, dir: &str) -> String {
    let mut out = format!("# Class summary: {}\n\n", md(dir));
    let _ = writeln!(
        out,
        "{} game records read, {} files skipped.\n",
        class.games.len(),
        class.skipped.len()
    );
    let mut by_scenario: BTreeMap<&str, Vec<&GameSummary>> = BTreeMap::new();
    for g in &class.games {
        by_scenario.entry(&g.scenario).or_default().push(g);
    }
    for (scenario, games) in &by_scenario {
        out += &scenario_section(scenario, games);
    }
    if !class.skipped.is_empty() {
        out += "## Skipped files\n\n| file | reason |\n| --- | --- |\n";
        for s in &class.skipped {
            let _ = writeln!(out, "| {} | {} |", md(&s.file), md(&s.reason));
        }
        out += "\n";
    }
    out
}

fn scenario_section(scenario: &str, games: &[&GameSummary]) -> String {
    let n = games.len();
    let ids = [0, 1].map(|p| games[0].id(p).to_string());
    let mut out = format!("## {} ({n} games)\n\n", md(scenario));

    out += "### Outcomes\n\n| ending | result | games | share |\n| --- | --- | ---: | ---: |\n";
    let mut outcomes: BTreeMap<(String, String), usize> = BTreeMap::new();
    for g in games {
        *outcomes.entry((g.ending.clone(), g.result())).or_default() += 1;
    }
    for ((ending, result), k) in &outcomes {
        let _ = writeln!(
            out,
            "| {} | {} | {k} | {} |",
            md(ending),
            md(result),
            pct(*k, n)
        );
    }

    out += "\n### Scores and cooperation\n\n| side | mean score | min | median | max | mean cooperation | min | max |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    for (p, id) in ids.iter().enumerate() {
        let scores: Vec<f64> = games.iter().map(|g| g.scores[p]).collect();
        let coop: Vec<f64> = games.iter().map(|g| g.cooperation[p]).collect();
        let (lo, hi) = min_max(&scores);
        let (clo, chi) = min_max(&coop);
        let _ = writeln!(
            out,
            "| {} | {:.1} | {lo:.1} | {:.1} | {hi:.1} | {:.0}% | {:.0}% | {:.0}% |",
            md(id),
            mean(&scores),
            median(&scores),
            mean(&coop) * 100.0,
            clo * 100.0,
            chi * 100.0
        );
    }

    let whole = games
        .iter()
        .filter(|g| g.turns_played > 0 && g.longest_mutual == g.turns_played)
        .count();
    let runs: Vec<f64> = games.iter().map(|g| g.longest_mutual as f64).collect();
    let _ = writeln!(
        out,
        "\n### Mutual cooperation\n\nMutual cooperation lasted the whole game in {whole} of {n} games ({}). \
         Longest run of turns with both sides cooperating: mean {:.1}, median {:.1}, longest {}.\n",
        pct(whole, n),
        mean(&runs),
        median(&runs),
        runs.iter().copied().fold(0.0, f64::max)
    );

    out += "### Who defected first, and when\n\n| first defection | games | share | mean turn | earliest | latest |\n| --- | ---: | ---: | ---: | ---: | ---: |\n";
    let mut firsts: BTreeMap<FirstDefector, Vec<f64>> = BTreeMap::new();
    for g in games {
        firsts
            .entry(g.first_defector)
            .or_default()
            .push(g.first_defection_turn.map_or(0.0, f64::from));
    }
    for (who, turns) in &firsts {
        let name = match who {
            FirstDefector::Player(p) => ids[*p].clone(),
            FirstDefector::Both => "both at once".into(),
            FirstDefector::Nobody => "nobody".into(),
        };
        if *who == FirstDefector::Nobody {
            let _ = writeln!(
                out,
                "| {} | {} | {} | – | – | – |",
                md(&name),
                turns.len(),
                pct(turns.len(), n)
            );
        } else {
            let (lo, hi) = min_max(turns);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} | {lo} | {hi} |",
                md(&name),
                turns.len(),
                pct(turns.len(), n),
                mean(turns)
            );
        }
    }

    out += "\n### Games\n\n| file | players | seed | turns | ending | scores | cooperation | first defection |\n| --- | --- | ---: | ---: | --- | ---: | ---: | --- |\n";
    for g in games {
        let players: Vec<String> = g
            .players
            .iter()
            .map(|(id, c)| format!("{id}: {c}"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.1} / {:.1} | {:.0}% / {:.0}% | {} |",
            md(&g.file),
            md(&players.join(", ")),
            g.seed,
            g.turns_played,
            md(&g.ending),
            g.scores[0],
            g.scores[1],
            g.cooperation[0] * 100.0,
            g.cooperation[1] * 100.0,
            match g.first_defection_turn {
                Some(t) => format!("{} (turn {t})", md(&g.first_defector_name())),
                None => "nobody".into(),
            }
        );
    }
    out += "\n";
    out
}

/// One row per game.
pub fn csv(class: &Class) -> String {
    let mut out = csv_row(&[
        "file",
        "scenario",
        "player0",
        "controller0",
        "player1",
        "controller1",
        "seed",
        "turns_played",
        "ending",
        "result",
        "score0",
        "score1",
        "cooperation0",
        "cooperation1",
        "longest_mutual_cooperation",
        "first_defector",
        "first_defection_turn",
    ]);
    for g in &class.games {
        let field = |p: usize, i: usize| {
            g.players.get(p).map_or(String::new(), |x| {
                if i == 0 { x.0.clone() } else { x.1.clone() }
            })
        };
        out += &csv_row(&[
            g.file.clone(),
            g.scenario.clone(),
            field(0, 0),
            field(0, 1),
            field(1, 0),
            field(1, 1),
            g.seed.to_string(),
            g.turns_played.to_string(),
            g.ending.clone(),
            g.result(),
            g.scores[0].to_string(),
            g.scores[1].to_string(),
            format!("{:.4}", g.cooperation[0]),
            format!("{:.4}", g.cooperation[1]),
            g.longest_mutual.to_string(),
            g.first_defector_name(),
            g.first_defection_turn
                .map_or(String::new(), |t| t.to_string()),
        ]);
    }
    out
}
