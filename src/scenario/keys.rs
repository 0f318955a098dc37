//! Metric record keys (`isis_strength`, `us.score`) and the engine's slots: the
//! one mapping between them, used by records, reports and the game's screens.

use super::LoadedScenario;
use super::compiled::Slot;
use super::schema::{Metric, Scenario, Scope};

/// Every metric's record key with its slot, in the scenario's order: a shared
/// metric once, a per-player metric once for each player.
pub(super) fn metric_keys(sc: &Scenario) -> Vec<(String, Slot)> {
    let mut out = Vec::new();
    let (mut shared, mut per) = (0u16, 0u16);
    for def in &sc.metrics {
        match def.scope {
            Scope::Shared => {
                out.push((def.id.clone(), Slot::Shared(shared)));
                shared += 1;
            }
            Scope::PerPlayer => {
                for (p, player) in sc.players.iter().enumerate() {
                    out.push((
                        format!("{}.{}", player.id, def.id),
                        Slot::Player(p as u8, per),
                    ));
                }
                per += 1;
            }
        }
    }
    out
}

impl LoadedScenario {
    /// Every metric's record key with its slot (resolved once, when loaded).
    pub fn metric_slots(&self) -> &[(String, Slot)] {
        &self.metric_keys
    }

    /// The slot of a record key, if the scenario has that metric.
    pub fn slot_of(&self, key: &str) -> Option<Slot> {
        self.metric_keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, slot)| *slot)
    }

    /// The record key of an absolute slot; `?` for one the scenario does not have.
    pub fn key_of(&self, slot: Slot) -> String {
        self.metric_keys
            .iter()
            .find(|(_, s)| *s == slot)
            .map_or_else(|| "?".into(), |(k, _)| k.clone())
    }

    /// The definition of the metric behind a record key (`us.score` → `score`).
    pub fn metric_def(&self, key: &str) -> Option<&Metric> {
        let id = key.rsplit_once('.').map_or(key, |(_, id)| id);
        self.scenario.metrics.iter().find(|m| m.id == id)
    }

    /// Whether the metric behind a record key is bookkeeping that players never see.
    pub fn is_hidden(&self, key: &str) -> bool {
        self.metric_def(key).is_some_and(|m| m.hidden)
    }

    /// Each side's score at the start, before turn 1.
    pub fn initial_scores(&self) -> [f64; 2] {
        self.compiled.per_player[self.compiled.score_metric as usize].initial
    }

    /// A metric's starting value by slot.
    pub fn initial(&self, slot: Slot) -> Option<f64> {
        let c = &self.compiled;
        match slot {
            Slot::Shared(i) => c.shared.get(i as usize).map(|m| m.initial[0]),
            Slot::Player(p, i) => c.per_player.get(i as usize).map(|m| m.initial[p as usize]),
            Slot::Mine(_) | Slot::Theirs(_) => None,
        }
    }
}
