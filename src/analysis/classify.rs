//! Names a 2×2 game from the order of each player's payoffs: T (defect against a
//! cooperator), R (both cooperate), P (both defect), S (cooperate against a defector).

use crate::scenario::schema::Dilemma;
use serde::Serialize;

use super::equilibria::{Game2, TIE};

/// One player's four payoffs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trps {
    /// Temptation: I defect, the other cooperates.
    pub t: f64,
    /// Reward: both cooperate.
    pub r: f64,
    /// Punishment: both defect.
    pub p: f64,
    /// Sucker's payoff: I cooperate, the other defects.
    pub s: f64,
}

impl Trps {
    /// Player `who`'s payoffs in `g` (row player 0, column player 1; index 0 = cooperate).
    pub fn of(g: &Game2, who: usize) -> Trps {
        // (mine, theirs) → cell
        let at = |mine: usize, theirs: usize| {
            if who == 0 {
                g[mine][theirs][0]
            } else {
                g[theirs][mine][1]
            }
        };
        Trps {
            t: at(1, 0),
            r: at(0, 0),
            p: at(1, 1),
            s: at(0, 1),
        }
    }

    /// The four letters from best to worst, `=` for ties: `T > R > P > S`.
    pub fn order(&self) -> String {
        let mut v = [('T', self.t), ('R', self.r), ('P', self.p), ('S', self.s)];
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut out = String::from(v[0].0);
        for w in v.windows(2) {
            out += if (w[0].1 - w[1].1).abs() <= TIE {
                " = "
            } else {
                " > "
            };
            out.push(w[1].0);
        }
        out
    }

    /// The named game this order makes, if any. Strict orders only, except the
    /// stag hunt's T ≥ P.
    pub fn kind(&self) -> Option<Dilemma> {
        let gt = |a: f64, b: f64| a > b + TIE;
        let ge = |a: f64, b: f64| a >= b - TIE;
        let Trps { t, r, p, s } = *self;
        if gt(t, r) && gt(r, p) && gt(p, s) {
            Some(Dilemma::PrisonersDilemma)
        } else if gt(r, t) && ge(t, p) && gt(p, s) {
            Some(Dilemma::StagHunt)
        } else if gt(t, r) && gt(r, s) && gt(s, p) {
            Some(Dilemma::Chicken)
        } else if gt(r, t) && gt(s, p) {
            Some(Dilemma::Harmony)
        } else if gt(t, p) && gt(p, r) && gt(r, s) {
            Some(Dilemma::Deadlock)
        } else {
            None
        }
    }

    /// 2R > T + S: taking turns at exploiting each other pays less than cooperating.
    pub fn alternation_loses(&self) -> bool {
        2.0 * self.r > self.t + self.s + TIE
    }

    /// δ* = (T − R) / (T − P): how much the next turn must weigh against this one
    /// for a grim-trigger cooperator to have no reason to defect. Meaningful when T > R > P.
    pub fn cooperation_threshold(&self) -> Option<f64> {
        (self.t > self.r + TIE && self.r > self.p + TIE)
            .then(|| (self.t - self.r) / (self.t - self.p))
    }
}

/// A human name for a game kind.
pub fn name(kind: Option<Dilemma>) -> &'static str {
    match kind {
        Some(Dilemma::PrisonersDilemma) => "prisoner's dilemma",
        Some(Dilemma::StagHunt) => "stag hunt",
        Some(Dilemma::Chicken) => "chicken",
        Some(Dilemma::Harmony) => "harmony",
        Some(Dilemma::Deadlock) => "deadlock",
        None => "a game with no classic name",
    }
}

/// What the game is, for both players.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The kind when both players' orders make the same named game.
    pub kind: Option<Dilemma>,
    /// Each player's own kind and order of payoffs.
    pub per_player: [PlayerView; 2],
    /// The two players rank the four outcomes differently.
    pub orders_differ: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlayerView {
    pub payoffs: Trps,
    pub order: String,
    pub kind: Option<Dilemma>,
}

pub fn classify(g: &Game2) -> Classification {
    let per_player = [0, 1].map(|who| {
        let payoffs = Trps::of(g, who);
        PlayerView {
            order: payoffs.order(),
            kind: payoffs.kind(),
            payoffs,
        }
    });
    let orders_differ = per_player[0].order != per_player[1].order;
    let kind = (per_player[0].kind == per_player[1].kind)
        .then_some(per_player[0].kind)
        .flatten();
    Classification {
        kind,
        per_player,
        orders_differ,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(t: f64, r: f64, p: f64, s: f64) -> Game2 {
        [[[r, r], [s, t]], [[t, s], [p, p]]]
    }

    #[test]
    fn the_textbook_games() {
        let pd = classify(&sym(5., 3., 1., 0.));
        assert_eq!(pd.kind, Some(Dilemma::PrisonersDilemma));
        assert_eq!(pd.per_player[1].order, "T > R > P > S");
        assert!(!pd.orders_differ);
        let t = pd.per_player[0].payoffs;
        assert_eq!(t.cooperation_threshold(), Some(0.5));
        assert!(t.alternation_loses());
        assert_eq!(classify(&sym(3., 4., 2., 0.)).kind, Some(Dilemma::StagHunt));
        assert_eq!(classify(&sym(5., 3., 0., 1.)).kind, Some(Dilemma::Chicken));
        assert_eq!(classify(&sym(2., 3., 0., 1.)).kind, Some(Dilemma::Harmony));
        assert_eq!(classify(&sym(3., 1., 2., 0.)).kind, Some(Dilemma::Deadlock));
        assert_eq!(classify(&sym(1., 1., 1., 1.)).kind, None);
    }

    #[test]
    fn different_orders_are_reported() {
        // Row has prisoner's dilemma payoffs, column stag hunt payoffs.
        let g = [[[3., 4.], [0., 3.]], [[5., 0.], [1., 2.]]];
        let c = classify(&g);
        assert!(c.orders_differ);
        assert_eq!(c.kind, None);
        assert_eq!(c.per_player[0].kind, Some(Dilemma::PrisonersDilemma));
        assert_eq!(c.per_player[1].kind, Some(Dilemma::StagHunt));
    }
}
