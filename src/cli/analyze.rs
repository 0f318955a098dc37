//! `common-enemy analyze`: the stage game of a scenario at a turn, and the game
//! over full orders, as a readable table or JSON.

use crate::analysis::{self, FullOrders, MOVES, StageGame, classify};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    pub scenario: PathBuf,
    /// The turn whose stage game to analyse; earlier turns are played with both sides cooperating.
    #[arg(long, default_value_t = 1, value_parser = crate::scenario::limits::arg::turns())]
    pub turn: u32,
    /// Samples per cell of the 2×2 matrix when the scenario has chance.
    #[arg(long, default_value_t = 2000, value_parser = crate::scenario::limits::arg::samples())]
    pub samples: usize,
    /// Samples per cell of the full-orders game when the scenario has chance.
    #[arg(long, default_value_t = 100, value_parser = crate::scenario::limits::arg::samples())]
    pub full_samples: usize,
    /// First seed of the samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Skip the game over full orders.
    #[arg(long)]
    pub no_full: bool,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> ExitCode {
    let Some(s) = super::simulate::load_scenario(&args.scenario) else {
        return ExitCode::FAILURE;
    };
    let started = Instant::now();
    let game = match analysis::stage_game(&s, args.turn, args.samples, args.seed) {
        Ok(g) => g,
        Err(e) => {
            errln!("{}: {e}", args.scenario.display());
            return ExitCode::FAILURE;
        }
    };
    let several = s.compiled.decisions.iter().any(|d| d.len() > 1);
    let full_started = Instant::now();
    let full = if several && !args.no_full {
        match analysis::full_orders(&s, args.turn, args.full_samples, args.seed) {
            Ok(f) => Some(f),
            Err(e) => {
                errln!("{}: full orders skipped: {e}", args.scenario.display());
                None
            }
        }
    } else {
        None
    };
    let full_seconds = full_started.elapsed().as_secs_f64();
    if args.json {
        let value = serde_json::json!({ "stage_game": game, "full_orders": full });
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        out!("{}", stage_table(&game));
        if let Some(f) = &full {
            out!("{}", full_table(f, full_seconds));
        }
        outln!("\n(analysed in {:.1} s)", started.elapsed().as_secs_f64());
    }
    ExitCode::SUCCESS
}

fn fmt_cell(v: [f64; 2]) -> String {
    format!("{:.3}, {:.3}", v[0], v[1])
}

/// The 2×2 game as the `analyze` command prints it.
pub fn stage_table(g: &StageGame) -> String {
    let c = &g.classification;
    let mut out = format!(
        "Stage game of {} at turn {} ({}), from {}\n",
        g.scenario, g.turn, g.date, g.path
    );
    out += &if g.exact {
        "Payoffs: one-turn score change [row, column]; exact (no rule draws on chance).\n"
            .to_string()
    } else {
        format!(
            "Payoffs: expected one-turn score change [row, column]; mean of {} samples per cell, ± standard error.\n",
            g.samples
        )
    };
    let w = if g.exact { 20 } else { 36 };
    let corner = format!("{} \\ {}", short(&g.players[0]), short(&g.players[1]));
    let first = corner.chars().count().max(10) + 1;
    out += &format!(
        "\n{corner:<first$}| {:<w$}| {:<w$}\n",
        "cooperate", "defect"
    );
    for (r, mv) in MOVES.iter().enumerate() {
        out += &format!("{mv:<first$}");
        for col in 0..2 {
            let mut text = fmt_cell(g.matrix[r][col]);
            if !g.exact {
                let se = g.standard_error[r][col];
                text = format!("{text} ±{:.3}/{:.3}", se[0], se[1]);
            }
            out += &format!("| {text:<w$}");
        }
        out += "\n";
    }
    out += "\n";
    for (p, view) in c.per_player.iter().enumerate() {
        let t = view.payoffs;
        out += &format!(
            "{}: T = {:.3}, R = {:.3}, P = {:.3}, S = {:.3}: {} ({})",
            g.players[p],
            t.t,
            t.r,
            t.p,
            t.s,
            view.order,
            classify::name(view.kind)
        );
        if view.kind == Some(crate::scenario::schema::Dilemma::PrisonersDilemma) {
            out += &format!(
                "; 2R > T + S {}",
                if t.alternation_loses() {
                    "holds"
                } else {
                    "fails"
                }
            );
        }
        out += "\n";
    }
    out += &format!(
        "Classification: {}{}\n",
        classify::name(c.kind),
        if c.orders_differ {
            " (the two players' orders differ)"
        } else {
            ""
        }
    );
    let pure: Vec<String> = g
        .equilibria
        .iter()
        .filter(|e| e.pure)
        .map(|e| analysis::profile_name(e, &g.players))
        .collect();
    out += &format!(
        "Pure equilibria: {}\n",
        if pure.is_empty() {
            "none".into()
        } else {
            pure.join(", ")
        }
    );
    for e in g.equilibria.iter().filter(|e| !e.pure) {
        out += &format!(
            "Mixed equilibrium: {} cooperates with p = {:.3}, {} with p = {:.3}; expected payoffs {:.3}, {:.3}\n",
            g.players[0], e.cooperate[0], g.players[1], e.cooperate[1], e.payoffs[0], e.payoffs[1]
        );
    }
    if !g.equilibria.iter().any(|e| !e.pure) {
        out += "Mixed equilibria: none\n";
    }
    if g.degenerate {
        out += "Note: some payoffs tie, so there may be further, partially mixed equilibria.\n";
    }
    let pareto: Vec<String> = g.pareto.iter().map(|&c| analysis::cell_name(c)).collect();
    out += &format!("Pareto-optimal: {}\n", pareto.join(", "));
    for (p, t) in g.threshold.iter().enumerate() {
        if let Some(d) = t
            && c.per_player[p].kind == Some(crate::scenario::schema::Dilemma::PrisonersDilemma)
        {
            out += &format!(
                "Cooperation threshold for {}: δ* = (T − R)/(T − P) = {d:.3}\n",
                g.players[p]
            );
        }
    }
    out += &format!("\n{}\n", wrap(&g.description, 88));
    out
}

/// The full-orders game: its size, each side's best responses and its pure equilibria.
pub fn full_table(f: &FullOrders, seconds: f64) -> String {
    let mut out = format!(
        "\nFull orders at turn {}: {} × {} = {} cells, {}, measured in {seconds:.1} s\n",
        f.turn,
        f.orders[0].len(),
        f.orders[1].len(),
        f.orders[0].len() * f.orders[1].len(),
        if f.exact {
            "exact".to_string()
        } else {
            format!(
                "{} samples per cell (fewer than the 2×2 matrix; largest standard error {:.3})",
                f.samples, f.max_standard_error
            )
        }
    );
    for p in 0..2 {
        out += &format!(
            "Orders of {} are written {}\n",
            f.players[p],
            f.decisions[p].join(" / ")
        );
    }
    for p in 0..2 {
        let o = 1 - p;
        out += &format!("\nBest responses of {}:\n", f.players[p]);
        match f.dominant[p] {
            Some(d) => {
                out += &format!(
                    "  dominant (best against all {} orders of {}): {}\n",
                    f.orders[o].len(),
                    f.players[o],
                    order_name(f, p, d)
                );
            }
            None => out += "  no single order is best against everything\n",
        }
        for (label, j) in [
            ("all-cooperate", f.all_cooperate[o]),
            ("all-defect", f.all_defect[o]),
        ] {
            let best = &f.best_responses[p][j];
            let names: Vec<String> = best.iter().take(3).map(|&i| order_name(f, p, i)).collect();
            out += &format!(
                "  against {}'s {label} orders: {}{}\n",
                f.players[o],
                names.join("; "),
                if best.len() > 3 {
                    format!(" (and {} more tied)", best.len() - 3)
                } else {
                    String::new()
                }
            );
        }
    }
    out += &format!(
        "\nPure equilibria over full orders: {}\n",
        f.pure_equilibria.len()
    );
    for &(i, j) in f.pure_equilibria.iter().take(5) {
        let v = f.matrix.at(i, j);
        out += &format!(
            "  {} | {}  → {:.3}, {:.3}\n",
            order_name(f, 0, i),
            order_name(f, 1, j),
            v[0],
            v[1]
        );
    }
    if f.pure_equilibria.len() > 5 {
        out += &format!("  … and {} more\n", f.pure_equilibria.len() - 5);
    }
    let cc = f.matrix.at(f.all_cooperate[0], f.all_cooperate[1]);
    let dd = f.matrix.at(f.all_defect[0], f.all_defect[1]);
    out += &format!(
        "All-cooperate vs all-cooperate: {:.3}, {:.3}; all-defect vs all-defect: {:.3}, {:.3}\n",
        cc[0], cc[1], dd[0], dd[1]
    );
    out
}

/// `leaflets/isis_targets/… (Cooperate)`.
fn order_name(f: &FullOrders, p: usize, i: usize) -> String {
    let o = &f.orders[p][i];
    format!("{} ({:?})", o.options.join("/"), o.stance)
}

fn short(name: &str) -> String {
    name.chars().take(20).collect()
}

/// Greedy word wrap for the description paragraph.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out += word;
        line += len;
    }
    out
}
