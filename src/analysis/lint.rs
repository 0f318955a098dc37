//! The dilemma lint: a scenario that declares `dilemma: Some(...)` has its stage
//! game at turn 1 measured, and gets a warning when the payoffs do not make the
//! game it claims (for a prisoner's dilemma: T > R > P > S and 2R > T + S).

use super::classify::{self, Trps};
use crate::scenario::LoadedScenario;
use crate::scenario::schema::Dilemma;

/// Samples per cell when the scenario has chance.
const LINT_SAMPLES: usize = 200;

/// A warning on the `dilemma` field: a message and a hint.
#[derive(Debug, Clone, PartialEq)]
pub struct DilemmaWarning {
    pub message: String,
    pub hint: Option<String>,
}

/// Warnings for a scenario's declared dilemma; none when it declares none.
pub fn dilemma_warnings(s: &LoadedScenario) -> Vec<DilemmaWarning> {
    let Some(claimed) = s.scenario.dilemma else {
        return Vec::new();
    };
    let game = match super::stage_game(s, 1, LINT_SAMPLES, 1) {
        Ok(g) => g,
        Err(e) => {
            return vec![DilemmaWarning {
                message: format!("cannot measure the stage game at turn 1: {e}"),
                hint: None,
            }];
        }
    };
    let mut out = Vec::new();
    for (p, view) in game.classification.per_player.iter().enumerate() {
        let who = &s.scenario.players[p].id;
        let Trps { t, r, p: pp, s: ss } = view.payoffs;
        let values = format!("T = {t:.3}, R = {r:.3}, P = {pp:.3}, S = {ss:.3}");
        let sampled = if game.exact {
            String::new()
        } else {
            format!(" (means of {} samples)", game.samples)
        };
        if view.kind != Some(claimed) {
            let wanted = match claimed {
                Dilemma::PrisonersDilemma => "T > R > P > S",
                Dilemma::StagHunt => "R > T ≥ P > S",
                Dilemma::Chicken => "T > R > S > P",
                Dilemma::Harmony => "R > T and S > P",
                Dilemma::Deadlock => "T > P > R > S",
            };
            out.push(DilemmaWarning {
                message: format!(
                    "the scenario calls itself a {} but {who}'s one-turn payoffs at turn 1 are {} ({values}{sampled}), which is {}",
                    classify::name(Some(claimed)),
                    view.order,
                    classify::name(view.kind)
                ),
                hint: Some(format!(
                    "a {} needs {wanted}; check the rules, or change `dilemma`",
                    classify::name(Some(claimed))
                )),
            });
        } else if claimed == Dilemma::PrisonersDilemma && !view.payoffs.alternation_loses() {
            out.push(DilemmaWarning {
                message: format!(
                    "{who}'s payoffs violate 2R > T + S ({values}{sampled}): taking turns at exploiting each other pays at least as much as cooperating"
                ),
                hint: Some("raise R or lower T + S so that steady cooperation is the best joint path".into()),
            });
        }
    }
    out
}

/// Adds the dilemma lint's warnings to a loaded scenario, placed at its `dilemma`
/// field. `validate` runs it; loading a scenario does not, since it plays the engine.
pub fn check(loaded: &mut LoadedScenario) {
    let warnings = dilemma_warnings(loaded);
    if warnings.is_empty() {
        return;
    }
    let index = crate::ronfile::PathIndex::build(&loaded.source.text);
    for w in warnings {
        let d = loaded
            .source
            .diagnostic_at(&index, "dilemma", w.message)
            .with_hint(w.hint)
            .warning();
        loaded.warnings.push(d);
    }
}
