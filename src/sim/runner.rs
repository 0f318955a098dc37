//! Headless driving of the turn schedule: a bare `App` with the sim plugin, and
//! runs of `TurnSchedule` until matches end.

use super::components::*;
use super::record::{GameRecord, Recorder};
use super::{MatchSetup, spawn_match};
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
        super::step(self.app.world_mut());
    }

    /// Runs until every match is over, or a match stops making progress (it waits
    /// for orders that will not come). Returns the number of schedule runs.
    pub fn run_to_end(&mut self) -> usize {
        // One query state for the whole run: making one costs more than a small
        // batch's turn.
        let mut matches = self.app.world_mut().query::<&Match>();
        // (progress, all over): progress grows with every step any match takes.
        let mut look = |world: &World| {
            matches.iter(world).fold((0u64, true), |(sum, over), m| {
                (
                    sum + m.turn as u64 * 8 + m.phase as u64,
                    over && m.phase == Phase::GameOver,
                )
            })
        };
        let mut runs = 0;
        // Each look after a step serves as the look before the next.
        let (mut before, mut over) = look(self.app.world());
        while !over {
            self.step();
            runs += 1;
            let after;
            (after, over) = look(self.app.world());
            if after == before {
                break;
            }
            before = after;
        }
        runs
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
        continuation: None,
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
