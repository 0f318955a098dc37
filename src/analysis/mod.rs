//! Stage-game analysis: the cooperate/defect payoff matrix of a scenario at a turn,
//! measured through the real outcome systems (`matrix`), its name (`classify`), its
//! Nash equilibria and Pareto optima (`equilibria`), and the bimatrix over full
//! orders. A library API: the `analyze` command and the in-game panel both call
//! [`stage_game`] and [`full_orders`].

pub mod classify;
pub mod equilibria;
pub mod lint;
pub mod matrix;

use crate::scenario::LoadedScenario;
use crate::scenario::schema::{Dilemma, Stance};
use classify::{Classification, classify};
use equilibria::{Bimatrix, Equilibrium, Game2};
use matrix::{Plan, measure};
use serde::Serialize;
use std::sync::Arc;

/// Move names for indices 0 and 1 of a 2×2 game.
pub const MOVES: [&str; 2] = ["cooperate", "defect"];

/// The 2×2 game of a scenario at one turn, analysed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageGame {
    pub scenario: String,
    pub turn: u32,
    pub date: String,
    /// Player names, row player first.
    pub players: [String; 2],
    /// How the state at `turn` was reached.
    pub path: String,
    /// `matrix[row][col]`: expected one-turn score change `[row player, column player]`;
    /// index 0 is cooperate (every decision's first cooperative option), 1 defect.
    pub matrix: Game2,
    pub standard_error: Game2,
    /// Samples per cell (1 when exact).
    pub samples: usize,
    /// No rule draws on chance: the matrix is exact.
    pub exact: bool,
    pub classification: Classification,
    /// Every pure equilibrium, then the fully mixed one if there is one.
    pub equilibria: Vec<Equilibrium>,
    /// Ties in the payoffs: there may be further (partially mixed) equilibria.
    pub degenerate: bool,
    /// Cells `(row, col)` that no other cell improves for one player without hurting the other.
    pub pareto: Vec<(usize, usize)>,
    /// δ* = (T − R)/(T − P) per player, when that player's payoffs have T > R > P.
    pub threshold: [Option<f64>; 2],
    /// The game in plain words.
    pub description: String,
}

/// Measures and analyses the stage game at `turn` (1-based). The state is the one
/// reached by both sides cooperating on every earlier turn. `samples` seeds from
/// `seed` on are averaged when the scenario has chance; otherwise one is exact.
pub fn stage_game(
    s: &LoadedScenario,
    turn: u32,
    samples: usize,
    seed: u64,
) -> Result<StageGame, String> {
    let scenario = Arc::new(s.clone());
    let c = &scenario.compiled;
    check_work(c, turn, 4, samples)?;
    let plans =
        [0, 1].map(|p| [Stance::Cooperate, Stance::Defect].map(|st| Plan::uniform(c, p, st)));
    let m = measure(&scenario, turn, &plans[0], &plans[1], samples, seed)?;
    let cell = |r: usize, col: usize| m.cells[r * 2 + col];
    // Rounded to the hundredths every view shows, so a stated order of payoffs
    // never contradicts the numbers printed beside it.
    let matrix = equilibria::rounded(&[0, 1].map(|r| [0, 1].map(|col| cell(r, col).mean)), 2);
    let standard_error: Game2 = [0, 1].map(|r| [0, 1].map(|col| cell(r, col).standard_error));
    let classification = classify(&matrix);
    let threshold = [0, 1].map(|p| classification.per_player[p].payoffs.cooperation_threshold());
    let players = [0, 1].map(|p| s.scenario.players[p].name.clone());
    let mut game = StageGame {
        scenario: s.scenario.id.clone(),
        turn,
        date: s.date(turn),
        path: if turn == 1 {
            "the scenario's starting state".into()
        } else {
            format!("both sides cooperated on turns 1 to {}", turn - 1)
        },
        players,
        matrix,
        standard_error,
        samples: m.samples,
        exact: m.exact,
        equilibria: equilibria::nash_2x2(&matrix),
        degenerate: equilibria::is_degenerate(&matrix),
        pareto: equilibria::pareto_cells(&matrix),
        classification,
        threshold,
        description: String::new(),
    };
    game.description = describe(&game);
    Ok(game)
}

/// `(cooperate, defect)`.
pub fn cell_name(cell: (usize, usize)) -> String {
    format!("({}, {})", MOVES[cell.0], MOVES[cell.1])
}

/// A mixed or pure profile in words: `(defect, defect)` or `A cooperates with p = 0.67, …`.
pub fn profile_name(e: &Equilibrium, players: &[String; 2]) -> String {
    if e.pure {
        let m = |p: f64| if p > 0.5 { 0 } else { 1 };
        return cell_name((m(e.cooperate[0]), m(e.cooperate[1])));
    }
    format!(
        "mixed: {} cooperates with p = {:.3}, {} with p = {:.3}",
        players[0], e.cooperate[0], players[1], e.cooperate[1]
    )
}

/// The game in a few plain sentences, for a teacher or a player.
fn describe(g: &StageGame) -> String {
    let c = &g.classification;
    let mut out = String::new();
    if c.orders_differ {
        out += &format!(
            "The two sides rank the outcomes differently: for {} it is {} ({}), for {} it is {} ({}). ",
            g.players[0],
            c.per_player[0].order,
            classify::name(c.per_player[0].kind),
            g.players[1],
            c.per_player[1].order,
            classify::name(c.per_player[1].kind),
        );
    }
    out += match c.kind {
        Some(Dilemma::PrisonersDilemma) => {
            "Whatever the other side does, each side scores more by defecting (T > R and P > S), \
             yet both score more when both cooperate than when both defect (R > P). \
             This is a prisoner's dilemma: the only equilibrium is mutual defection, \
             which is worse for both than mutual cooperation."
        }
        Some(Dilemma::StagHunt) => {
            "Each side does best by doing what the other does: cooperating pays most \
             if the other cooperates (R > T), defecting is safer if the other defects (P > S). \
             This is a stag hunt: mutual cooperation and mutual defection are both equilibria; \
             the first pays more, the second is safer. The problem is trust, not temptation."
        }
        Some(Dilemma::Chicken) => {
            "Each side wants to do the opposite of the other: defecting pays against a cooperator \
             (T > R), but meeting defection with defection is the worst outcome (S > P). \
             This is chicken: in each pure equilibrium one side gives way, and the mixed \
             equilibrium risks the crash."
        }
        Some(Dilemma::Harmony) => {
            "Cooperating pays more whatever the other side does (R > T and S > P). \
             This is harmony: there is no dilemma, only a coordination that happens by itself."
        }
        Some(Dilemma::Deadlock) => {
            "Defecting pays more whatever the other side does, and both prefer mutual defection \
             to mutual cooperation (P > R). This is deadlock: there is nothing to cooperate for."
        }
        None if !c.orders_differ => {
            "The payoffs do not make one of the named games (prisoner's dilemma, stag hunt, \
             chicken, harmony, deadlock)."
        }
        None => "Together they do not make one named game.",
    };
    let pure: Vec<String> = g
        .equilibria
        .iter()
        .filter(|e| e.pure)
        .map(|e| profile_name(e, &g.players))
        .collect();
    out += &format!(
        " Pure equilibria: {}.",
        if pure.is_empty() {
            "none".to_string()
        } else {
            pure.join(", ")
        }
    );
    let thresholds: Vec<f64> = g.threshold.iter().flatten().copied().collect();
    if c.kind == Some(Dilemma::PrisonersDilemma) && !thresholds.is_empty() {
        let worst = thresholds.iter().copied().fold(0.0, f64::max);
        out += &format!(
            " Repeated, cooperation can last when each side weighs the next turn at least \
             δ* = {worst:.2} as much as this one."
        );
    }
    out
}

/// One side's full order: an option for every regular decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FullOrder {
    /// Option ids, one per decision, in the scenario's order.
    pub options: Vec<String>,
    /// The move these orders make in the dilemma view.
    pub stance: Stance,
}

/// The game over full orders: every combination of options of each side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FullOrders {
    pub turn: u32,
    pub players: [String; 2],
    /// Decision ids of each side, in the scenario's order.
    pub decisions: [Vec<String>; 2],
    /// Each side's full orders; rows are player 0's, columns player 1's.
    pub orders: [Vec<FullOrder>; 2],
    pub samples: usize,
    pub exact: bool,
    /// The largest standard error of any cell's mean.
    pub max_standard_error: f64,
    pub matrix: Bimatrix,
    /// `best_responses[0][j]`: player 0's best orders against player 1's order `j`;
    /// `best_responses[1][i]`: player 1's best orders against player 0's order `i`.
    pub best_responses: [Vec<Vec<usize>>; 2],
    /// An order that is a best response to everything the other side may do.
    pub dominant: [Option<usize>; 2],
    /// Cells `(row, col)` of mutual best responses.
    pub pure_equilibria: Vec<(usize, usize)>,
    /// Index of each side's all-cooperate and all-defect orders.
    pub all_cooperate: [usize; 2],
    pub all_defect: [usize; 2],
}

/// Most cells the full-orders game may have.
pub const MAX_FULL_CELLS: usize = 100_000;

/// Measures the bimatrix over full orders at `turn`, `samples` seeds per cell.
pub fn full_orders(
    s: &LoadedScenario,
    turn: u32,
    samples: usize,
    seed: u64,
) -> Result<FullOrders, String> {
    let scenario = Arc::new(s.clone());
    let c = &scenario.compiled;
    // Counted before anything is listed: 64 decisions of two options are 2^64 orders.
    let counts = [0, 1].map(|p| {
        crate::scenario::limits::product(c.decisions[p].iter().map(|d| d.options.len() as u64))
    });
    let cells = match counts {
        [Some(a), Some(b)] => a.checked_mul(b).filter(|&n| n <= MAX_FULL_CELLS as u64),
        _ => None,
    };
    let Some(cells) = cells else {
        let show = |n: Option<u64>| n.map_or("more than 2^64".to_string(), |n| n.to_string());
        return Err(format!(
            "{} × {} full orders is more than the limit of {MAX_FULL_CELLS} cells",
            show(counts[0]),
            show(counts[1])
        ));
    };
    check_work(c, turn, cells, samples)?;
    let plans = [0, 1].map(|p| enumerate_orders(&c.decisions[p]));
    let m = measure(&scenario, turn, &plans[0], &plans[1], samples, seed)?;
    let matrix = Bimatrix {
        rows: plans[0].len(),
        cols: plans[1].len(),
        payoffs: m.cells.iter().map(|c| c.mean).collect(),
    };
    let max_standard_error = m
        .cells
        .iter()
        .flat_map(|c| c.standard_error)
        .fold(0.0, f64::max);
    let orders = [0, 1].map(|p| {
        let player = &s.scenario.players[p];
        plans[p]
            .iter()
            .map(|plan| FullOrder {
                options: plan
                    .choices
                    .iter()
                    .zip(&player.decisions)
                    .map(|(&o, d)| d.options[o as usize].id.clone())
                    .collect(),
                stance: plan.stance,
            })
            .collect::<Vec<_>>()
    });
    let position = |p: usize, st: Stance| {
        let uniform = Plan::uniform(c, p, st);
        plans[p]
            .iter()
            .position(|x| x.choices == uniform.choices)
            .unwrap_or(0)
    };
    Ok(FullOrders {
        turn,
        players: [0, 1].map(|p| s.scenario.players[p].name.clone()),
        decisions: [0, 1].map(|p| {
            s.scenario.players[p]
                .decisions
                .iter()
                .map(|d| d.id.clone())
                .collect()
        }),
        orders,
        samples: m.samples,
        exact: m.exact,
        max_standard_error,
        best_responses: [matrix.row_best_responses(), matrix.col_best_responses()],
        dominant: [matrix.dominant_row(), matrix.dominant_col()],
        pure_equilibria: matrix.pure_equilibria(),
        all_cooperate: [
            position(0, Stance::Cooperate),
            position(1, Stance::Cooperate),
        ],
        all_defect: [position(0, Stance::Defect), position(1, Stance::Defect)],
        matrix,
    })
}

/// Refuses an analysis whose samples × (turns to reach `turn` + cells) passes
/// `MAX_ANALYSIS_TURNS`: the turns it would play. An exact scenario plays one sample.
fn check_work(
    c: &crate::scenario::Compiled,
    turn: u32,
    cells: u64,
    samples: usize,
) -> Result<(), String> {
    use crate::scenario::limits::{MAX_ANALYSIS_TURNS, work_problem};
    let samples = if matrix::uses_chance(c) { samples } else { 1 };
    match work_problem(
        "samples × (turn + cells), the turns this analysis would play,",
        [samples as u64, (turn as u64).saturating_add(cells)],
        MAX_ANALYSIS_TURNS,
    ) {
        Some(problem) => Err(format!("{problem}; ask for fewer samples")),
        None => Ok(()),
    }
}

/// Every combination of options, the first decision varying slowest.
fn enumerate_orders(decisions: &[crate::scenario::compiled::CDecision]) -> Vec<Plan> {
    let mut all: Vec<Vec<u8>> = vec![Vec::new()];
    for d in decisions {
        all = all
            .into_iter()
            .flat_map(|prefix| {
                (0..d.options.len() as u8).map(move |o| {
                    let mut next = prefix.clone();
                    next.push(o);
                    next
                })
            })
            .collect();
    }
    all.into_iter()
        .map(|choices| Plan {
            stance: crate::sim::rules::stance_of(decisions, &choices),
            choices,
            answers: None,
        })
        .collect()
}
