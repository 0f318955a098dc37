//! Nash equilibria and Pareto optima: exact for 2×2 games (pure and mixed), pure
//! only for n×m bimatrices (the full-orders game), plus best responses.
//!
//! Pure functions over payoff tables, so they can be tested against games with
//! known answers and by property tests on random games.

use serde::Serialize;

/// Payoffs compare equal within this tolerance: measured payoffs are sums of
/// floating-point effects, and an exact tie must not split on rounding noise.
pub const TIE: f64 = 1e-9;

/// A 2×2 game. `payoff[row][col]` is `[row player's payoff, column player's payoff]`;
/// index 0 is cooperate, 1 is defect.
pub type Game2 = [[[f64; 2]; 2]; 2];

/// A strategy profile of a 2×2 game: the probability each player cooperates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Equilibrium {
    /// Probability that player 0 (rows) and player 1 (columns) cooperate.
    pub cooperate: [f64; 2],
    /// Both probabilities are 0 or 1.
    pub pure: bool,
    /// Each player's expected payoff.
    pub payoffs: [f64; 2],
}

/// `g` with every payoff rounded to `digits` decimals (what a view prints).
pub fn rounded(g: &Game2, digits: i32) -> Game2 {
    let k = 10f64.powi(digits);
    g.map(|row| row.map(|cell| cell.map(|v| (v * k).round() / k)))
}

/// Expected payoffs when the players cooperate with probabilities `p`.
pub fn expected(g: &Game2, p: [f64; 2]) -> [f64; 2] {
    let w = |i: usize, x: f64| if i == 0 { x } else { 1.0 - x };
    let mut out = [0.0; 2];
    for (r, row) in g.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let prob = w(r, p[0]) * w(c, p[1]);
            out[0] += prob * cell[0];
            out[1] += prob * cell[1];
        }
    }
    out
}

/// Whether each player's mixed strategy in `p` is a best response to the other's:
/// no pure deviation pays more than `TIE`.
pub fn is_mutual_best_response(g: &Game2, p: [f64; 2]) -> bool {
    let now = expected(g, p);
    let row_best = (0..2).all(|r| expected(g, [1.0 - r as f64, p[1]])[0] <= now[0] + TIE);
    let col_best = (0..2).all(|c| expected(g, [p[0], 1.0 - c as f64])[1] <= now[1] + TIE);
    row_best && col_best
}

/// Whether the game has ties in a player's payoffs against some fixed choice of the
/// other: then it may have infinitely many equilibria, of which only the pure ones
/// and the fully mixed one (if any) are listed.
pub fn is_degenerate(g: &Game2) -> bool {
    (0..2).any(|c| (g[0][c][0] - g[1][c][0]).abs() <= TIE)
        || (0..2).any(|r| (g[r][0][1] - g[r][1][1]).abs() <= TIE)
}

/// Every pure equilibrium, then the fully mixed one if it exists.
pub fn nash_2x2(g: &Game2) -> Vec<Equilibrium> {
    let mut out = Vec::new();
    for r in 0..2 {
        for c in 0..2 {
            let row_ok = g[r][c][0] + TIE >= g[1 - r][c][0];
            let col_ok = g[r][c][1] + TIE >= g[r][1 - c][1];
            if row_ok && col_ok {
                out.push(Equilibrium {
                    cooperate: [1.0 - r as f64, 1.0 - c as f64],
                    pure: true,
                    payoffs: g[r][c],
                });
            }
        }
    }
    // The row player cooperates with the probability that leaves the column
    // player indifferent, and the other way round.
    let p = indifference(g[0][0][1], g[0][1][1], g[1][0][1], g[1][1][1]);
    let q = indifference(g[0][0][0], g[1][0][0], g[0][1][0], g[1][1][0]);
    if let (Some(p), Some(q)) = (p, q) {
        let profile = [p, q];
        out.push(Equilibrium {
            cooperate: profile,
            pure: false,
            payoffs: expected(g, profile),
        });
    }
    out
}

/// The probability x of the *other* player's first move that makes a player
/// indifferent, given that player's payoffs `a` (I play 0, they play 0), `b` (I 1, they 0),
/// `c` (I 0, they 1), `d` (I 1, they 1). `None` unless strictly inside (0, 1).
///
/// Indifference: x·a + (1−x)·c = x·b + (1−x)·d, so x = (d − c) / (a − b − c + d).
fn indifference(a: f64, b: f64, c: f64, d: f64) -> Option<f64> {
    let denom = a - b - c + d;
    if denom.abs() <= TIE {
        return None;
    }
    let x = (d - c) / denom;
    (x > TIE && x < 1.0 - TIE).then_some(x)
}

/// The cells no other cell beats for one player without hurting the other.
pub fn pareto_cells(g: &Game2) -> Vec<(usize, usize)> {
    let cells: Vec<(usize, usize)> = (0..2).flat_map(|r| (0..2).map(move |c| (r, c))).collect();
    let dominates = |a: [f64; 2], b: [f64; 2]| {
        a[0] >= b[0] - TIE && a[1] >= b[1] - TIE && (a[0] > b[0] + TIE || a[1] > b[1] + TIE)
    };
    cells
        .iter()
        .copied()
        .filter(|&(r, c)| !cells.iter().any(|&(r2, c2)| dominates(g[r2][c2], g[r][c])))
        .collect()
}

/// An n×m bimatrix: `payoffs[i * cols + j]` is `[row payoff, column payoff]` when the
/// row player plays `i` and the column player `j`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bimatrix {
    pub rows: usize,
    pub cols: usize,
    pub payoffs: Vec<[f64; 2]>,
}

impl Bimatrix {
    pub fn at(&self, i: usize, j: usize) -> [f64; 2] {
        self.payoffs[i * self.cols + j]
    }

    /// For each column, the rows that maximise the row player's payoff.
    pub fn row_best_responses(&self) -> Vec<Vec<usize>> {
        (0..self.cols)
            .map(|j| argmax((0..self.rows).map(|i| self.at(i, j)[0])))
            .collect()
    }

    /// For each row, the columns that maximise the column player's payoff.
    pub fn col_best_responses(&self) -> Vec<Vec<usize>> {
        (0..self.rows)
            .map(|i| argmax((0..self.cols).map(|j| self.at(i, j)[1])))
            .collect()
    }

    /// Every cell where each player's choice is a best response to the other's.
    pub fn pure_equilibria(&self) -> Vec<(usize, usize)> {
        let rows = self.row_best_responses();
        let cols = self.col_best_responses();
        let mut out = Vec::new();
        for (i, best_cols) in cols.iter().enumerate() {
            for &j in best_cols {
                if rows[j].contains(&i) {
                    out.push((i, j));
                }
            }
        }
        out
    }

    /// A row that is a best response to every column, if there is one.
    pub fn dominant_row(&self) -> Option<usize> {
        common(&self.row_best_responses())
    }

    /// A column that is a best response to every row, if there is one.
    pub fn dominant_col(&self) -> Option<usize> {
        common(&self.col_best_responses())
    }
}

/// Indices within `TIE` of the maximum.
fn argmax(values: impl Iterator<Item = f64> + Clone) -> Vec<usize> {
    let best = values.clone().fold(f64::NEG_INFINITY, f64::max);
    values
        .enumerate()
        .filter(|&(_, v)| v >= best - TIE)
        .map(|(i, _)| i)
        .collect()
}

/// The first index present in every list.
fn common(lists: &[Vec<usize>]) -> Option<usize> {
    let first = lists.first()?;
    first
        .iter()
        .copied()
        .find(|i| lists.iter().all(|l| l.contains(i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(cells: [[(f64, f64); 2]; 2]) -> Game2 {
        cells.map(|row| row.map(|(a, b)| [a, b]))
    }

    #[test]
    fn prisoners_dilemma_has_one_pure_equilibrium_and_cooperation_is_pareto() {
        let g = game([[(3., 3.), (0., 5.)], [(5., 0.), (1., 1.)]]);
        let eq = nash_2x2(&g);
        assert_eq!(eq.len(), 1);
        assert_eq!(eq[0].cooperate, [0.0, 0.0]);
        assert!(eq[0].pure);
        assert_eq!(pareto_cells(&g), vec![(0, 0), (0, 1), (1, 0)]);
    }

    #[test]
    fn matching_pennies_has_a_unique_mixed_equilibrium_at_one_half() {
        let g = game([[(1., -1.), (-1., 1.)], [(-1., 1.), (1., -1.)]]);
        let eq = nash_2x2(&g);
        assert_eq!(eq.len(), 1);
        assert!(!eq[0].pure);
        assert!((eq[0].cooperate[0] - 0.5).abs() < 1e-12);
        assert!((eq[0].cooperate[1] - 0.5).abs() < 1e-12);
        assert!(eq[0].payoffs.iter().all(|v| v.abs() < 1e-12));
    }

    #[test]
    fn battle_of_the_sexes_has_two_pure_and_one_mixed() {
        // Row prefers (0, 0) with 2 to 1; column prefers (1, 1) with 2 to 1.
        let g = game([[(2., 1.), (0., 0.)], [(0., 0.), (1., 2.)]]);
        let eq = nash_2x2(&g);
        let pure: Vec<[f64; 2]> = eq.iter().filter(|e| e.pure).map(|e| e.cooperate).collect();
        assert_eq!(pure, vec![[1.0, 1.0], [0.0, 0.0]]);
        let mixed: Vec<&Equilibrium> = eq.iter().filter(|e| !e.pure).collect();
        assert_eq!(mixed.len(), 1);
        // Row plays its first move with 2/3 (column indifferent), column with 1/3.
        assert!((mixed[0].cooperate[0] - 2.0 / 3.0).abs() < 1e-12);
        assert!((mixed[0].cooperate[1] - 1.0 / 3.0).abs() < 1e-12);
        assert!((mixed[0].payoffs[0] - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn stag_hunt_and_chicken() {
        let stag = game([[(4., 4.), (0., 3.)], [(3., 0.), (2., 2.)]]);
        let eq = nash_2x2(&stag);
        assert_eq!(eq.iter().filter(|e| e.pure).count(), 2);
        assert!((eq[2].cooperate[0] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(pareto_cells(&stag), vec![(0, 0)]);
        let chicken = game([[(3., 3.), (1., 5.)], [(5., 1.), (0., 0.)]]);
        let eq = nash_2x2(&chicken);
        let pure: Vec<[f64; 2]> = eq.iter().filter(|e| e.pure).map(|e| e.cooperate).collect();
        assert_eq!(pure, vec![[1.0, 0.0], [0.0, 1.0]]);
        assert!((eq[2].cooperate[0] - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn bimatrix_finds_best_responses_and_equilibria() {
        // The prisoner's dilemma as a bimatrix.
        let b = Bimatrix {
            rows: 2,
            cols: 2,
            payoffs: vec![[3., 3.], [0., 5.], [5., 0.], [1., 1.]],
        };
        assert_eq!(b.row_best_responses(), vec![vec![1], vec![1]]);
        assert_eq!(b.pure_equilibria(), vec![(1, 1)]);
        assert_eq!(b.dominant_row(), Some(1));
        // Matching pennies has no pure equilibrium and no dominant move.
        let mp = Bimatrix {
            rows: 2,
            cols: 2,
            payoffs: vec![[1., -1.], [-1., 1.], [-1., 1.], [1., -1.]],
        };
        assert!(mp.pure_equilibria().is_empty());
        assert_eq!(mp.dominant_row(), None);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Small integer payoffs, so ties and degenerate games come up often.
    fn small_game() -> impl Strategy<Value = Game2> {
        proptest::array::uniform2(proptest::array::uniform2(proptest::array::uniform2(
            -3i8..=3,
        )))
        .prop_map(|g| g.map(|r| r.map(|c| c.map(f64::from))))
    }

    /// Continuous payoffs: almost surely non-degenerate.
    fn real_game() -> impl Strategy<Value = Game2> {
        proptest::array::uniform2(proptest::array::uniform2(proptest::array::uniform2(
            -100.0f64..100.0,
        )))
    }

    fn check(g: &Game2) -> Result<(), TestCaseError> {
        let eq = nash_2x2(g);
        for e in &eq {
            prop_assert!(
                is_mutual_best_response(g, e.cooperate),
                "{e:?} is not a mutual best response in {g:?}"
            );
        }
        // Every pure profile that is a mutual best response is reported.
        for r in 0..2 {
            for c in 0..2 {
                let p = [1.0 - r as f64, 1.0 - c as f64];
                if is_mutual_best_response(g, p) {
                    prop_assert!(
                        eq.iter().any(|e| e.pure && e.cooperate == p),
                        "pure equilibrium {p:?} missed in {g:?}"
                    );
                }
            }
        }
        // The bimatrix code agrees with the 2×2 code on pure equilibria.
        let b = Bimatrix {
            rows: 2,
            cols: 2,
            payoffs: vec![g[0][0], g[0][1], g[1][0], g[1][1]],
        };
        let pure2: Vec<[f64; 2]> = eq.iter().filter(|e| e.pure).map(|e| e.cooperate).collect();
        let pureb: Vec<[f64; 2]> = b
            .pure_equilibria()
            .into_iter()
            .map(|(i, j)| [1.0 - i as f64, 1.0 - j as f64])
            .collect();
        prop_assert_eq!(pure2.len(), pureb.len());
        for p in pureb {
            prop_assert!(pure2.contains(&p));
        }
        // Every finite game has an equilibrium (Nash); a degenerate one may only
        // have partially mixed ones, which this code does not list.
        prop_assert!(!eq.is_empty() || is_degenerate(g));
        Ok(())
    }

    proptest! {
        #[test]
        fn small_games(g in small_game()) {
            check(&g)?;
        }

        #[test]
        fn real_games(g in real_game()) {
            check(&g)?;
            // Non-degenerate 2×2 games have an odd number of equilibria.
            if !is_degenerate(&g) {
                prop_assert_eq!(nash_2x2(&g).len() % 2, 1);
            }
        }

        #[test]
        fn pareto_cells_are_undominated_and_nonempty(g in small_game()) {
            let cells = pareto_cells(&g);
            prop_assert!(!cells.is_empty());
            for &(r, c) in &cells {
                for r2 in 0..2 {
                    for c2 in 0..2 {
                        let (a, b) = (g[r2][c2], g[r][c]);
                        prop_assert!(!(a[0] >= b[0] && a[1] >= b[1] && (a[0] > b[0] || a[1] > b[1])));
                    }
                }
            }
        }
    }
}
