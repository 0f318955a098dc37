//! Headless driving of the turn schedule: a bare `App` with the sim plugin, runs of
//! `TurnSchedule` until matches end, and replay of a record's true orders.

use super::components::*;
use super::record::{GameRecord, Recorder, first_difference};
use super::{MatchSetup, TurnSchedule, spawn_match};
use crate::scenario::LoadedScenario;
use bevy::prelude::*;
use std::sync::Arc;

/// A world of matches with no window, no assets and no renderer.
pub struct Headless {
    pub app: App,
}

impl Default for Headless {
    fn default() -> Self {
        let mut app = App::new();
        app.add_plugins(super::plugin);
        Headless { app }
    }
}

impl Headless {
    pub fn spawn(&mut self, setup: MatchSetup) -> Entity {
        spawn_match(self.app.world_mut(), setup)
    }

    /// One run of the turn schedule: every match whose orders are in plays a turn.
    pub fn step(&mut self) {
        let world = self.app.world_mut();
        world.run_schedule(TurnSchedule);
        world.resource_mut::<Messages<SubmitOrders>>().update();
        world.resource_mut::<Messages<ContinueMatch>>().update();
    }

    /// Runs until every match is over, or a match stops making progress (it waits
    /// for orders that will not come). Returns the number of schedule runs.
    pub fn run_to_end(&mut self) -> usize {
        let mut runs = 0;
        loop {
            let before = self.progress();
            if self.all_over() {
                return runs;
            }
            self.step();
            runs += 1;
            if self.progress() == before {
                return runs;
            }
        }
    }

    fn progress(&mut self) -> u64 {
        let mut q = self.app.world_mut().query::<&Match>();
        q.iter(self.app.world())
            .map(|m| m.turn as u64 * 8 + m.phase as u64)
            .sum()
    }

    pub fn all_over(&mut self) -> bool {
        let mut q = self.app.world_mut().query::<&Match>();
        q.iter(self.app.world()).all(|m| m.phase == Phase::GameOver)
    }

    pub fn record(&self, m: Entity) -> Option<&GameRecord> {
        self.app.world().get::<Recorder>(m).map(|r| &r.0)
    }

    pub fn state(&self, m: Entity) -> Option<&Match> {
        self.app.world().get::<Match>(m)
    }
}

/// Plays one match between two controllers and returns its record.
pub fn play_recorded(
    scenario: Arc<LoadedScenario>,
    seed: u64,
    turns: Option<u32>,
    noise: Option<f64>,
    players: [(Controller, String); 2],
) -> GameRecord {
    let mut h = Headless::default();
    let [(c0, n0), (c1, n1)] = players;
    let m = h.spawn(MatchSetup {
        scenario,
        seed,
        turns,
        noise,
        controllers: [c0, c1],
        explain: true,
        hold: false,
        record_as: Some([n0, n1]),
    });
    h.run_to_end();
    h.record(m)
        .cloned()
        .expect("the match was spawned with a recorder")
}

/// Why a replay did not reproduce its record.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayError {
    /// The scenario file is not the one the record was made with.
    ScenarioChanged { recorded: String, now: String },
    /// The first turn and field where the replay differs.
    Diverged { turn: u32, field: String },
    /// The record's orders cannot be played on this scenario.
    BadOrders { turn: u32, message: String },
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::ScenarioChanged { recorded, now } => write!(
                f,
                "the scenario changed since the record was made: hash {recorded} on record, {now} now"
            ),
            ReplayError::Diverged { turn, field } => write!(f, "turn {turn} diverges at {field}"),
            ReplayError::BadOrders { turn, message } => write!(f, "turn {turn}: {message}"),
        }
    }
}

/// Re-plays a record's true orders through the same systems and compares every turn.
pub fn replay(record: &GameRecord, scenario: Arc<LoadedScenario>) -> Result<usize, ReplayError> {
    if record.scenario_hash != scenario.hash_hex() {
        return Err(ReplayError::ScenarioChanged {
            recorded: record.scenario_hash.clone(),
            now: scenario.hash_hex(),
        });
    }
    let mut h = Headless::default();
    let m = h.spawn(MatchSetup {
        scenario: scenario.clone(),
        seed: record.seed,
        turns: Some(record.turns),
        noise: Some(record.noise),
        controllers: [Controller::External, Controller::External],
        explain: true,
        hold: false,
        record_as: Some([String::new(), String::new()]),
    });
    let sides = h.state(m).map(|s| s.players).expect("spawned");
    for (i, expected) in record.history.iter().enumerate() {
        for (p, &side) in sides.iter().enumerate() {
            let orders = orders_from_names(&scenario, p, expected).map_err(|message| {
                ReplayError::BadOrders {
                    turn: expected.turn,
                    message,
                }
            })?;
            h.app
                .world_mut()
                .write_message(SubmitOrders { side, orders });
        }
        h.step();
        let actual = h.record(m).and_then(|r| r.history.get(i)).cloned();
        let Some(actual) = actual else {
            return Err(ReplayError::Diverged {
                turn: expected.turn,
                field: "the match ended or stalled before this turn".into(),
            });
        };
        if let Some(field) = first_difference(expected, &actual) {
            return Err(ReplayError::Diverged {
                turn: expected.turn,
                field,
            });
        }
    }
    let produced = h.record(m).cloned().expect("recorder");
    if produced.history.len() != record.history.len() {
        return Err(ReplayError::Diverged {
            turn: produced.history.len() as u32,
            field: "number of turns".into(),
        });
    }
    if produced.outcome != record.outcome {
        return Err(ReplayError::Diverged {
            turn: record.history.last().map_or(0, |t| t.turn),
            field: format!(
                "outcome: record has {:?}, replay gives {:?}",
                record.outcome, produced.outcome
            ),
        });
    }
    Ok(record.history.len())
}

/// Turns a record's named orders back into option indices.
pub fn orders_from_names(
    s: &LoadedScenario,
    p: usize,
    turn: &super::record::TurnRecord,
) -> Result<Orders, String> {
    let named = turn
        .orders
        .get(p)
        .ok_or("the record has no orders for this side")?;
    let player = &s.scenario.players[p];
    let mut orders = Orders::default();
    for d in &player.decisions {
        let chosen = named
            .get(&d.id)
            .ok_or_else(|| format!("no order for {}.{}", player.id, d.id))?;
        let o = d
            .options
            .iter()
            .position(|o| &o.id == chosen)
            .ok_or_else(|| format!("unknown option {}.{}.{chosen}", player.id, d.id))?;
        orders.choices.push(o as u8);
    }
    for (e, event) in s.scenario.events.iter().enumerate() {
        if let Some(c) = &event.choice
            && let Some(chosen) = named.get(&format!("{}.{}", event.id, c.decision.id))
        {
            let o = c
                .decision
                .options
                .iter()
                .position(|o| &o.id == chosen)
                .ok_or_else(|| format!("unknown option {chosen} in {}", event.id))?;
            orders.answers.push((e as u16, o as u8));
        }
    }
    Ok(orders)
}
