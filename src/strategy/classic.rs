//! The classic iterated-prisoner's-dilemma strategies, each following the Axelrod
//! Python library's class named in its doc line (checked against axelrod 4.14.0 by
//! `tests/conformance.rs`). Each acts on the other side's moves as *perceived*, so
//! noise reaches them exactly as it would reach a person.

use super::{Strategy, View};
use crate::scenario::schema::Stance::{self, Cooperate as C, Defect as D};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

/// Generous tit-for-tat's forgiveness: min(1 - (T-R)/(R-S), (R-P)/(T-P)) for the
/// standard payoffs R=3, T=5, S=0, P=1, as in Nowak & Sigmund.
const GENEROSITY: f64 = 1.0 / 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classic {
    /// `axelrod.Cooperator`: always cooperates.
    Cooperator,
    /// `axelrod.Defector`: always defects.
    Defector,
    /// `axelrod.Random` (p = 0.5): cooperates with probability 1/2.
    Random,
    /// `axelrod.TitForTat`: cooperates first, then copies the other side's last move.
    TitForTat,
    /// `axelrod.TitFor2Tats`: defects only after two defections in a row.
    TitForTwoTats,
    /// `axelrod.TwoTitsForTat`: defects if either of the other's last two moves was a defection.
    TwoTitsForTat,
    /// `axelrod.SuspiciousTitForTat`: tit-for-tat that defects first.
    SuspiciousTitForTat,
    /// `axelrod.GTFT`: tit-for-tat that forgives a defection with probability 1/3.
    GenerousTitForTat,
    /// `axelrod.Grudger`: cooperates until the other side defects once, then defects forever.
    Grudger,
    /// `axelrod.WinStayLoseShift` (Pavlov): cooperates first, then cooperates after
    /// mutual cooperation or mutual defection and defects otherwise.
    WinStayLoseShift,
    /// `axelrod.Alternator`: cooperates first, then plays the opposite of its own last move.
    Alternator,
    /// `axelrod.Detective`: plays C, D, C, C; then tit-for-tat if the other defected
    /// in those first four turns, else defects forever.
    Detective,
    /// `axelrod.Prober`: plays D, C, C; then defects forever if the other cooperated
    /// on turns 2 and 3, else tit-for-tat.
    Prober,
    /// `axelrod.HardGoByMajority`: defects unless the other has cooperated more
    /// often than it defected over the whole match (so defects first and on ties).
    HardMajority,
    /// `axelrod.GoByMajority` (soft): cooperates while the other has cooperated at
    /// least as often as it defected over the whole match (so cooperates first and on ties).
    SoftMajority,
}

impl Classic {
    pub const ALL: [Classic; 15] = [
        Classic::Cooperator,
        Classic::Defector,
        Classic::Random,
        Classic::TitForTat,
        Classic::TitForTwoTats,
        Classic::TwoTitsForTat,
        Classic::SuspiciousTitForTat,
        Classic::GenerousTitForTat,
        Classic::Grudger,
        Classic::WinStayLoseShift,
        Classic::Alternator,
        Classic::Detective,
        Classic::Prober,
        Classic::HardMajority,
        Classic::SoftMajority,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Classic::Cooperator => "cooperator",
            Classic::Defector => "defector",
            Classic::Random => "random",
            Classic::TitForTat => "tit_for_tat",
            Classic::TitForTwoTats => "tit_for_two_tats",
            Classic::TwoTitsForTat => "two_tits_for_tat",
            Classic::SuspiciousTitForTat => "suspicious_tit_for_tat",
            Classic::GenerousTitForTat => "generous_tit_for_tat",
            Classic::Grudger => "grudger",
            Classic::WinStayLoseShift => "win_stay_lose_shift",
            Classic::Alternator => "alternator",
            Classic::Detective => "detective",
            Classic::Prober => "prober",
            Classic::HardMajority => "hard_majority",
            Classic::SoftMajority => "soft_majority",
        }
    }

    pub fn from_id(id: &str) -> Option<Classic> {
        Classic::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The move, given the history (oldest first) and a random stream.
    pub fn play(
        self,
        history: &[crate::sim::components::Memory],
        rng: &mut Xoshiro256PlusPlus,
    ) -> Stance {
        let defections = history.iter().filter(|m| m.seen == D).count();
        self.play_counted(history, defections, rng)
    }

    /// `play`, with the number of defections seen so far already counted.
    pub fn play_counted(
        self,
        history: &[crate::sim::components::Memory],
        defections: usize,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Stance {
        let n = history.len();
        let seen = |back: usize| (back <= n && back > 0).then(|| history[n - back].seen);
        let defections = || defections;
        let tft = || seen(1).unwrap_or(C);
        match self {
            Classic::Cooperator => C,
            Classic::Defector => D,
            Classic::Random => coin(rng, 0.5),
            Classic::TitForTat => tft(),
            Classic::TitForTwoTats => {
                if seen(1) == Some(D) && seen(2) == Some(D) {
                    D
                } else {
                    C
                }
            }
            Classic::TwoTitsForTat => {
                if seen(1) == Some(D) || seen(2) == Some(D) {
                    D
                } else {
                    C
                }
            }
            Classic::SuspiciousTitForTat => seen(1).unwrap_or(D),
            Classic::GenerousTitForTat => match seen(1) {
                Some(D) => coin(rng, GENEROSITY),
                _ => C,
            },
            Classic::Grudger => {
                if defections() > 0 {
                    D
                } else {
                    C
                }
            }
            Classic::WinStayLoseShift => match history.last() {
                None => C,
                Some(last) if last.seen == C => last.mine,
                Some(last) => flip(last.mine),
            },
            // The library alternates on its own last move, not on the turn number.
            Classic::Alternator => history.last().map_or(C, |m| flip(m.mine)),
            // Only the first four turns decide: a later defection does not wake it.
            Classic::Detective => match n {
                0 | 2 | 3 => C,
                1 => D,
                _ if history[..4].iter().any(|m| m.seen == D) => tft(),
                _ => D,
            },
            Classic::Prober => match n {
                0 => D,
                1 | 2 => C,
                _ if history[1].seen == C && history[2].seen == C => D,
                _ => tft(),
            },
            Classic::HardMajority => {
                if n - defections() > defections() {
                    C
                } else {
                    D
                }
            }
            Classic::SoftMajority => {
                if n - defections() >= defections() {
                    C
                } else {
                    D
                }
            }
        }
    }
}

fn coin(rng: &mut Xoshiro256PlusPlus, p_cooperate: f64) -> Stance {
    if rng.random::<f64>() < p_cooperate {
        C
    } else {
        D
    }
}

fn flip(s: Stance) -> Stance {
    match s {
        C => D,
        D => C,
    }
}

impl Strategy for Classic {
    fn id(&self) -> &str {
        Classic::id(*self)
    }

    fn stance(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus) -> Stance {
        self.play_counted(view.history, view.seen_defections as usize, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::components::Memory;
    use rand::SeedableRng;

    fn hist(seen: &[Stance]) -> Vec<Memory> {
        seen.iter()
            .map(|&s| Memory {
                mine: C,
                seen: s,
                lead: 0.0,
            })
            .collect()
    }

    #[test]
    fn canonical_moves() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut play = |c: Classic, seen: &[Stance]| c.play(&hist(seen), &mut rng);
        assert_eq!(play(Classic::TitForTat, &[]), C);
        assert_eq!(play(Classic::TitForTat, &[C, D]), D);
        assert_eq!(play(Classic::TitForTwoTats, &[C, D]), C);
        assert_eq!(play(Classic::TitForTwoTats, &[D, D]), D);
        assert_eq!(play(Classic::TwoTitsForTat, &[D, C]), D);
        assert_eq!(play(Classic::SuspiciousTitForTat, &[]), D);
        assert_eq!(play(Classic::Grudger, &[D, C, C, C]), D);
        assert_eq!(play(Classic::Alternator, &[C]), D);
        assert_eq!(play(Classic::Detective, &[C, C, C, C]), D);
        assert_eq!(play(Classic::Detective, &[C, D, C, C]), C);
        assert_eq!(play(Classic::Prober, &[C, C, C]), D);
        assert_eq!(play(Classic::Prober, &[C, D, C]), C);
        assert_eq!(play(Classic::HardMajority, &[]), D);
        assert_eq!(play(Classic::SoftMajority, &[]), C);
        assert_eq!(play(Classic::HardMajority, &[C, D]), D);
        assert_eq!(play(Classic::SoftMajority, &[C, D]), C);
    }

    /// axelrod.Prober opens D, C, C (ours once opened C, D, D).
    #[test]
    fn prober_opens_defect_cooperate_cooperate() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let opening: Vec<Stance> = (0..3)
            .map(|n| Classic::Prober.play(&hist(&vec![D; n]), &mut rng))
            .collect();
        assert_eq!(opening, [D, C, C]);
    }

    /// axelrod.Detective decides on the first four turns only: a defection later
    /// does not turn it into tit-for-tat (ours once did).
    #[test]
    fn detective_ignores_defections_after_turn_four() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        assert_eq!(
            Classic::Detective.play(&hist(&[C, C, C, C, D, C]), &mut rng),
            D
        );
        assert_eq!(
            Classic::Detective.play(&hist(&[C, C, C, D, D, C]), &mut rng),
            C
        );
    }

    #[test]
    fn pavlov_stays_after_reward_and_shifts_after_punishment() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let m = |mine, seen| {
            vec![Memory {
                mine,
                seen,
                lead: 0.0,
            }]
        };
        assert_eq!(Classic::WinStayLoseShift.play(&m(D, C), &mut rng), D);
        assert_eq!(Classic::WinStayLoseShift.play(&m(D, D), &mut rng), C);
        assert_eq!(Classic::WinStayLoseShift.play(&m(C, D), &mut rng), D);
    }

    #[test]
    fn ids_round_trip() {
        for c in Classic::ALL {
            assert_eq!(Classic::from_id(c.id()), Some(c));
        }
    }
}
