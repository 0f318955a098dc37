//! The turn engine: match state as ECS components, the outcome systems, and the
//! `TurnSchedule` that every mode (desktop, simulate, replay, tournament) runs.

pub mod components;
pub mod phases;
pub mod record;
pub mod resolve;
pub mod rules;
pub mod runner;

use crate::scenario::LoadedScenario;
use bevy::ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use bevy::prelude::*;
use components::*;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use std::sync::Arc;

/// The schedule that advances every match in the world by one step of its turn.
/// Headless drivers run it directly; the desktop game runs it from `Update`.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct TurnSchedule;

/// The order of a turn. Chained: each set runs after the one before.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TurnSystems {
    /// Events whose triggers hold fire; the news is assembled.
    Briefing,
    /// Orders arrive from outside or from strategies, and are sealed.
    Orders,
    /// 1. Effects of each side's options.
    OptionEffects,
    /// 2. Joint rules on both sides' choices.
    JointRules,
    /// 3. Chance rules.
    ChanceRules,
    /// 4. Perception noise.
    Perception,
    /// 5. Events fired by effects.
    Events,
    /// 6. Metrics clamped to their ranges.
    Clamp,
    /// 7. Scoring.
    Score,
    /// 8. End check, and each side's memory of the turn.
    EndCheck,
    /// The turn goes on record.
    Report,
    /// The next turn, or game over.
    Advance,
}

/// Registers the turn schedule and its messages. Needs no window and no assets.
pub fn plugin(app: &mut App) {
    app.add_message::<SubmitOrders>()
        .add_message::<ContinueMatch>();
    app.add_schedule(turn_schedule());
}

/// A bare world that can run matches: the messages and the turn schedule, no `App`.
/// The AI's lookahead plays its rollouts in one of these.
pub fn scratch_world() -> World {
    let mut world = World::new();
    world.init_resource::<Messages<SubmitOrders>>();
    world.init_resource::<Messages<ContinueMatch>>();
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
    schedule.configure_sets(
        (
            Briefing,
            Orders,
            OptionEffects,
            JointRules,
            ChanceRules,
            Perception,
            Events,
            Clamp,
            Score,
            EndCheck,
            Report,
            Advance,
        )
            .chain(),
    );
    schedule.add_systems((
        resolve::run_briefing.in_set(Briefing),
        (
            phases::release_orders,
            phases::receive_orders,
            crate::strategy::planner::plan_orders,
            phases::strategies_choose,
            phases::seal_orders,
        )
            .chain()
            .in_set(Orders),
        resolve::apply_option_effects.in_set(OptionEffects),
        resolve::apply_joint_rules.in_set(JointRules),
        resolve::apply_chance_rules.in_set(ChanceRules),
        resolve::apply_perception_noise.in_set(Perception),
        resolve::apply_fired_events.in_set(Events),
        resolve::clamp_metrics.in_set(Clamp),
        resolve::apply_score_rules.in_set(Score),
        resolve::check_end.in_set(EndCheck),
        record::record_turns.in_set(Report),
        phases::advance.in_set(Advance),
    ));
    schedule
}

/// How to set up a match.
pub struct MatchSetup {
    pub scenario: Arc<LoadedScenario>,
    pub seed: u64,
    /// Overrides the scenario's turn count.
    pub turns: Option<u32>,
    /// Overrides the scenario's noise probability.
    pub noise: Option<f64>,
    pub controllers: [Controller; 2],
    /// Keep every metric change with its cause (reports, records).
    pub explain: bool,
    pub hold: bool,
    /// Controller names to put on record, when recording.
    pub record_as: Option<[String; 2]>,
}

/// A seed for side `p`'s strategy, independent of the outcome RNG so a replay
/// with recorded orders draws the same outcomes.
pub fn strategy_seed(seed: u64, p: usize) -> u64 {
    seed ^ 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(p as u64 + 1)
}

/// Spawns a match and its two sides; returns the match entity.
pub fn spawn_match(world: &mut World, setup: MatchSetup) -> Entity {
    let s = &setup.scenario;
    let c = &s.compiled;
    let match_entity = world.spawn_empty().id();
    let sides = [(); 2].map(|_| world.spawn_empty().id());
    for (p, controller) in setup.controllers.into_iter().enumerate() {
        let rng = Xoshiro256PlusPlus::seed_from_u64(strategy_seed(setup.seed, p));
        let controller = match controller {
            Controller::Strategy { strategy, .. } => Controller::Strategy { strategy, rng },
            Controller::Planner { difficulty, .. } => Controller::Planner { difficulty, rng },
            other => other,
        };
        world.entity_mut(sides[p]).insert((
            Name::new(s.scenario.players[p].id.clone()),
            Side {
                match_entity,
                index: p as u8,
                metrics: c.per_player.iter().map(|m| m.initial[p]).collect(),
                orders: Orders::default(),
                submitted: false,
                last_orders: None,
                offered: Vec::new(),
                stance: crate::scenario::schema::Stance::Cooperate,
                last_stance: None,
                perceived: Vec::new(),
                misreported: Vec::new(),
                history: Vec::new(),
                seen_defections: 0,
            },
        ));
        if matches!(controller, Controller::Planner { .. }) {
            world.entity_mut(sides[p]).insert(AiPlanner);
        }
        world.entity_mut(sides[p]).insert(controller);
    }
    let turns = setup.turns.unwrap_or(c.turns).max(1);
    let noise = setup.noise.unwrap_or(c.noise).clamp(0.0, 1.0);
    let mut entity = world.entity_mut(match_entity);
    entity.insert((
        Name::new(format!("match {}", s.scenario.id)),
        MatchScenario(setup.scenario.clone()),
        Match {
            players: sides,
            turn: 1,
            phase: Phase::Briefing,
            seed: setup.seed,
            rng: Xoshiro256PlusPlus::seed_from_u64(setup.seed),
            turns,
            noise,
            shared: c.shared.iter().map(|m| m.initial[0]).collect(),
            fired: vec![0; c.events.len()],
            pending: Vec::new(),
            news: Vec::new(),
            consequences: Vec::new(),
            changes: Vec::new(),
            explain: setup.explain || setup.record_as.is_some(),
            hold: setup.hold,
            released: false,
            outcome: None,
        },
    ));
    if let Some(names) = setup.record_as {
        entity.insert(record::Recorder(record::GameRecord::new(
            &setup.scenario,
            setup.seed,
            turns,
            noise,
            names,
        )));
    }
    match_entity
}
