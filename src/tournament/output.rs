//! Tournament results for people (a ranked table and the pairwise matrix) and for
//! files (JSON with `ranking` and `pairwise`, or CSV).

use super::Results;
use super::evolve::Generation;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The ranked table, then the pairwise score and win-rate matrices.
pub fn table(r: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>4}  {:<24} {:>12} {:>6} {:>8} {:>12}",
        "rank", "strategy", "score/turn", "wins", "matches", "cooperation"
    );
    for s in &r.ranking {
        let _ = writeln!(
            out,
            "{:>4}  {:<24} {:>12.3} {:>6} {:>8} {:>11.1}%",
            s.rank,
            s.strategy,
            s.mean_score_per_turn,
            s.wins,
            s.matches,
            s.cooperation_rate * 100.0
        );
    }
    out += &matrix(
        "Mean total score per match of the row against the column:",
        r,
        &r.pairwise,
        1.0,
    );
    out += &matrix(
        "Share of the row's matches against the column that the row won (%):",
        r,
        &r.win_rate,
        100.0,
    );
    out
}

fn matrix(
    title: &str,
    r: &Results,
    cells: &BTreeMap<String, BTreeMap<String, f64>>,
    scale: f64,
) -> String {
    let order: Vec<&str> = r.ranking.iter().map(|s| s.strategy.as_str()).collect();
    let mut out = format!("\n{title}\n{:<24}", "");
    let short = |s: &str| s.chars().take(8).collect::<String>();
    for c in &order {
        let _ = write!(out, " {:>8}", short(c));
    }
    out.push('\n');
    for a in &order {
        let _ = write!(out, "{a:<24}");
        for b in &order {
            let _ = write!(out, " {:>8.1}", cells[*a][*b] * scale);
        }
        out.push('\n');
    }
    out
}

pub fn json(r: &Results) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default()
}

/// CSV: one ranking row per strategy, then one row per pairwise cell.
pub fn csv(r: &Results) -> String {
    let mut out = String::from(
        "kind,rank,strategy,opponent,mean_score_per_turn,mean_score_vs_opponent,wins,matches,cooperation_rate\n",
    );
    for s in &r.ranking {
        let _ = writeln!(
            out,
            "ranking,{},{},,{},,{},{},{}",
            s.rank, s.strategy, s.mean_score_per_turn, s.wins, s.matches, s.cooperation_rate
        );
    }
    for (a, row) in &r.pairwise {
        for (b, v) in row {
            let _ = writeln!(out, "pairwise,,{a},{b},,{v},,,");
        }
    }
    out
}

/// Population shares per generation, as CSV: one column per strategy.
pub fn evolution_csv(ids: &[String], generations: &[Generation]) -> String {
    let mut out = format!("generation,{}\n", ids.join(","));
    for g in generations {
        let shares: Vec<String> = g.counts.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(out, "{},{}", g.number, shares.join(","));
    }
    out
}

/// Population shares per generation, for the terminal.
pub fn evolution_table(ids: &[String], generations: &[Generation]) -> String {
    let mut out = format!("{:>4} ", "gen");
    for id in ids {
        let _ = write!(out, " {:>8}", id.chars().take(8).collect::<String>());
    }
    out.push('\n');
    for g in generations {
        let _ = write!(out, "{:>4} ", g.number);
        for c in &g.counts {
            let _ = write!(out, " {c:>8}");
        }
        out.push('\n');
    }
    out
}
