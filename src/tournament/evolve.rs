//! Population dynamics in the spirit of *The Evolution of Trust*: a population of
//! strategies meets in a round robin; each generation the weakest individuals are
//! replaced by copies of the best.

use super::Results;

/// How many individuals of each strategy are alive after a generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub number: u32,
    pub counts: Vec<u32>,
}

/// Evolves a population for `generations` steps from `initial` counts, using the
/// tournament's pairwise scores as the expected payoff of each encounter.
/// `replace` individuals die and are reborn each generation.
pub fn evolve(
    results: &Results,
    ids: &[String],
    initial: Vec<u32>,
    generations: u32,
    replace: u32,
) -> Vec<Generation> {
    let n = ids.len();
    let payoff = |a: usize, b: usize| results.pairwise[&ids[a]][&ids[b]];
    let mut counts = initial;
    let mut out = vec![Generation {
        number: 0,
        counts: counts.clone(),
    }];
    for number in 1..=generations {
        // Each individual meets every other individual once.
        let fitness: Vec<f64> = (0..n)
            .map(|a| {
                (0..n)
                    .map(|b| {
                        let others = if a == b {
                            counts[b].saturating_sub(1)
                        } else {
                            counts[b]
                        };
                        others as f64 * payoff(a, b)
                    })
                    .sum()
            })
            .collect();
        // Ties break by id order so the result is reproducible.
        let mut alive: Vec<usize> = (0..n).filter(|&i| counts[i] > 0).collect();
        alive.sort_by(|&a, &b| fitness[a].total_cmp(&fitness[b]).then(a.cmp(&b)));
        let total: u32 = counts.iter().sum();
        let mut to_kill = replace.min(total.saturating_sub(1));
        let reborn = to_kill;
        for &i in &alive {
            let k = to_kill.min(counts[i]);
            counts[i] -= k;
            to_kill -= k;
            if to_kill == 0 {
                break;
            }
        }
        if let Some(&best) = alive
            .iter()
            .rev()
            .find(|&&i| counts[i] > 0)
            .or(alive.last())
        {
            counts[best] += reborn;
        }
        out.push(Generation {
            number,
            counts: counts.clone(),
        });
    }
    out
}
