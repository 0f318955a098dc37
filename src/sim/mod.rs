//! The turn engine: match state as ECS components, the outcome systems, and the
//! `TurnSchedule` that every mode (desktop, simulate, replay, tournament) runs.

pub mod components;
pub mod fog;
pub mod lifecycle;
pub mod orders;
pub mod phases;
pub mod record;
pub mod resolve;
pub mod rules;
pub mod runner;
pub mod seat;

pub use lifecycle::{
    MatchSetup, ReplayError, announce, announce_at, assign_controller, despawn_match, follow,
    fork_in_place, fork_match, orders_from_map, orders_from_names, replay, replay_into,
    replay_turn, resume, spawn_match, step, strategy_seed,
};

use bevy::ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use bevy::prelude::*;
use components::*;
use orders::OrdersRefused;

/// The schedule that advances every match in the world by one step of its turn.
/// Headless drivers run it directly; the desktop game runs it from `Update`.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct TurnSchedule;

/// The order of a turn. Chained: each set runs after the one before.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TurnSystems {
    /// Events whose triggers hold fire; the news is assembled.
    Briefing,
    /// Orders arrive from outside.
    Orders,
    /// Strategies choose; orders both in are sealed; then the outcome, in eight
    /// steps run one after the other on each match (one system, so a match's
    /// sides are fetched once a turn): 1. effects of each
    /// side's options; 2. joint rules on both sides' choices; 3. chance rules;
    /// 4. perception noise; 5. events fired by effects; 6. metrics clamped to
    /// their ranges; 7. scoring; 8. end check, and each side's memory of the turn.
    Resolution,
    /// The turn goes on record. (A match not held at its report is recorded and
    /// moved on by the resolution system, in the same pass: these two sets serve
    /// the held ones.)
    Report,
    /// The next turn, or game over.
    Advance,
}

/// Registers the turn schedule and its messages. Needs no window and no assets.
pub fn plugin(app: &mut App) {
    app.add_message::<SubmitOrders>()
        .add_message::<ContinueMatch>()
        .add_message::<OrdersRefused>();
    app.add_schedule(turn_schedule());
}

/// A bare world that can run matches: the messages and the turn schedule, no `App`.
/// The AI's lookahead plays its rollouts in one of these.
pub fn scratch_world() -> World {
    let mut world = World::new();
    world.init_resource::<Messages<SubmitOrders>>();
    world.init_resource::<Messages<ContinueMatch>>();
    world.init_resource::<Messages<OrdersRefused>>();
    world.add_schedule(turn_schedule());
    world
}

/// The turn schedule: every system of a turn, in `TurnSystems` order.
pub fn turn_schedule() -> Schedule {
    let mut schedule = Schedule::new(TurnSchedule);
    // Matches are resolved in batches; the single-threaded executor costs far less
    // per run than the multi-threaded one (see DESIGN.md's measurements).
    schedule.set_executor(SingleThreadedExecutor::new());
    use TurnSystems::*;
    schedule.configure_sets((Briefing, Orders, Resolution, Report, Advance).chain());
    schedule.add_systems((
        resolve::run_briefing.in_set(Briefing),
        (phases::release_orders, orders::receive_orders)
            .chain()
            .in_set(Orders),
        resolve::resolve_turns.in_set(Resolution),
        record::record_turns.in_set(Report),
        phases::advance.in_set(Advance),
    ));
    schedule
}
