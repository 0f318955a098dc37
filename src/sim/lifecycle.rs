//! The one match core: one function each spawns a match, forks it, replays a
//! record into it and resumes it. The game, the command line, tournaments, the AI's
//! lookahead and the analysis all go through these, so a resumed match is set up
//! exactly like a new one and a replay is the same loop everywhere.

use super::components::*;
use super::orders::OrdersRefused;
use super::record::{GameRecord, Recorder, TurnRecord, first_difference};
use super::{TurnSchedule, scratch_world};
use crate::scenario::LoadedScenario;
use bevy::prelude::*;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use std::sync::Arc;

/// How to set up a match.
pub struct MatchSetup {
    pub scenario: Arc<LoadedScenario>,
    pub seed: u64,
    /// Overrides the scenario's turn count.
    pub turns: Option<u32>,
    /// Overrides the scenario's noise probability.
    pub noise: Option<f64>,
    /// An unknown end: after each turn the game goes on with this probability
    /// (drawn from the match RNG); `turns` is then only a cap.
    pub continuation: Option<f64>,
    pub controllers: [Controller; 2],
    /// Keep every metric change with its cause (reports, records).
    pub explain: bool,
    pub hold: bool,
    /// Controller names to put on record, when recording.
    pub record_as: Option<[String; 2]>,
}

impl MatchSetup {
    /// A match of `scenario` whose orders all come from outside, unrecorded and
    /// not held: what analysis and tests drive by hand.
    pub fn external(scenario: Arc<LoadedScenario>, seed: u64) -> Self {
        MatchSetup {
            scenario,
            seed,
            turns: None,
            noise: None,
            continuation: None,
            controllers: [Controller::External, Controller::External],
            explain: false,
            hold: false,
            record_as: None,
        }
    }

    /// The setup a record was made with, sides played by `controllers`.
    pub fn from_record(
        record: &GameRecord,
        scenario: Arc<LoadedScenario>,
        controllers: [Controller; 2],
        hold: bool,
    ) -> Self {
        let names = [0, 1].map(|p| {
            record
                .players
                .get(p)
                .map(|(_, c)| c.clone())
                .unwrap_or_default()
        });
        MatchSetup {
            scenario,
            seed: record.seed,
            turns: Some(record.turns),
            noise: Some(record.noise),
            continuation: record.continuation,
            controllers,
            explain: true,
            hold,
            record_as: Some(names),
        }
    }
}

/// A seed for side `p`'s strategy, independent of the outcome RNG so a replay
/// with recorded orders draws the same outcomes.
pub fn strategy_seed(seed: u64, p: usize) -> u64 {
    seed ^ 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(p as u64 + 1)
}

/// Hands the sides of a match to their controllers, each strategy with its own
/// seeded random stream. New matches and resumed ones both come through here.
pub fn assign_controllers(world: &mut World, match_entity: Entity, controllers: [Controller; 2]) {
    for (p, controller) in controllers.into_iter().enumerate() {
        assign_controller(world, match_entity, p, controller);
    }
}

/// Gives a strategy the random stream of side `p` in a match seeded `seed`.
pub fn assign_seed(controller: &mut Controller, seed: u64, p: usize) {
    if let Controller::Strategy { rng, .. } = controller {
        *rng = Xoshiro256PlusPlus::seed_from_u64(strategy_seed(seed, p));
    }
}

/// Hands side `p` of a match to `controller`, a strategy with the random stream
/// `strategy_seed` gives that side (a class's silent seat handed to the AI, say).
pub fn assign_controller(
    world: &mut World,
    match_entity: Entity,
    p: usize,
    controller: Controller,
) {
    let Some(seed) = world.get::<Match>(match_entity).map(|m| m.seed) else {
        return;
    };
    let mut controller = controller;
    assign_seed(&mut controller, seed, p);
    if let Some(mut seats) = world.get_mut::<Seats>(match_entity)
        && let Some(seat) = seats.0.get_mut(p)
    {
        *seat = controller;
    }
}

/// Spawns a match with its two sides; returns the match entity.
pub fn spawn_match(world: &mut World, setup: MatchSetup) -> Entity {
    let s = &setup.scenario;
    let c = &s.compiled;
    // Known before the sides: their histories hold a memory a turn, allocated once
    // (up to a bound, so a tournament of very long matches does not reserve much).
    let turns = setup.turns.unwrap_or(c.turns).max(1);
    // Each controller seeded as `assign_controller` seeds it, and the match
    // spawned whole: one placement in its archetype, not one per component.
    let mut controllers = setup.controllers;
    for (p, controller) in controllers.iter_mut().enumerate() {
        assign_seed(controller, setup.seed, p);
    }
    let sides = [0, 1].map(|p| Side {
        index: p as u8,
        orders: Orders::default(),
        submitted: false,
        last_orders: None,
        offered: Vec::new(),
        stance: crate::scenario::schema::Stance::Cooperate,
        last_stance: None,
        perceived: Vec::new(),
        misreported: 0,
        history: Vec::with_capacity(turns.min(1024) as usize),
        seen_defections: 0,
        answered: Vec::new(),
        available: Vec::new(),
        chosen: 0,
    });
    let noise = setup.noise.unwrap_or(c.noise).clamp(0.0, 1.0);
    let continuation = setup
        .continuation
        .filter(|d| d.is_finite())
        .map(|d| d.clamp(0.0, 1.0));
    let mut entity = world.spawn((
        Name::new(format!("match {}", s.scenario.id)),
        MatchScenario(setup.scenario.clone()),
        Sides(sides),
        Seats(controllers),
        Match {
            turn: 1,
            phase: Phase::Briefing,
            seed: setup.seed,
            rng: Xoshiro256PlusPlus::seed_from_u64(setup.seed),
            turns,
            noise,
            // The program's bounds list every metric in the flat order, with its start.
            values: s.program.bounds.iter().map(|b| b.initial).collect(),
            shared_count: s.program.counts.0 as u16,
            fired: vec![0; c.events.len()],
            pending: Vec::new(),
            announced: Vec::new(),
            announce_at: Vec::new(),
            news: Vec::new(),
            consequences: Vec::new(),
            changes: Vec::new(),
            explain: setup.explain || setup.record_as.is_some(),
            hold: setup.hold,
            released: false,
            outcome: None,
            continuation,
        },
    ));
    if let Some(names) = setup.record_as {
        let mut record = GameRecord::new(&setup.scenario, setup.seed, turns, noise, names);
        record.continuation = continuation;
        entity.insert(Recorder(record));
    }
    entity.id()
}

/// A copy of a match as a new entity in `world`: the same phase, state and RNG,
/// played by `controllers`, not held, not explained and not recorded. The AI's
/// rollouts and the analysis's cells start from forks.
pub fn fork_match(
    world: &mut World,
    scenario: &Arc<LoadedScenario>,
    m: &Match,
    sides: &Sides,
    controllers: [Controller; 2],
) -> Entity {
    let state = Match {
        explain: false,
        hold: false,
        changes: Vec::new(),
        ..m.clone()
    };
    world
        .spawn((
            state,
            sides.clone(),
            Seats(controllers),
            MatchScenario(scenario.clone()),
        ))
        .id()
}

/// Forks a match of `world` into the same world, both sides external.
pub fn fork_in_place(world: &mut World, m: Entity) -> Option<Entity> {
    let state = world.get::<Match>(m)?.clone();
    let sides = world.get::<Sides>(m)?.clone();
    let scenario = world.get::<MatchScenario>(m)?.0.clone();
    Some(fork_match(
        world,
        &scenario,
        &state,
        &sides,
        [Controller::External, Controller::External],
    ))
}

/// Removes a match.
pub fn despawn_match(world: &mut World, m: Entity) {
    world.despawn(m);
}

/// One step of every match in `world`: a run of the turn schedule, then the
/// engine's messages age by one update (as an `App` does between frames).
pub fn step(world: &mut World) {
    world.run_schedule(TurnSchedule);
    step_messages(world);
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

/// Feeds a record's true orders into `entity`, a match just spawned from the
/// record's setup with external sides and not held, and checks every turn
/// against the record. Orders the engine refuses (an answer to an event that was
/// not offered, say) fail the replay.
pub fn replay_into(
    world: &mut World,
    entity: Entity,
    record: &GameRecord,
) -> Result<(), ReplayError> {
    let Some(scenario) = world.get::<MatchScenario>(entity).map(|s| s.0.clone()) else {
        return Err(ReplayError::Diverged {
            turn: 0,
            field: "the match is not in the world".into(),
        });
    };
    if record.scenario_hash != scenario.hash_hex() {
        return Err(ReplayError::ScenarioChanged {
            recorded: record.scenario_hash.clone(),
            now: scenario.hash_hex(),
        });
    }
    for (i, expected) in record.history.iter().enumerate() {
        replay_turn(world, entity, i, expected)?;
    }
    Ok(())
}

/// Plays turn `i` of a record (`expected`) in `entity` with its true orders and
/// checks it against the record: one step of [`replay_into`], also used by a class
/// client to follow its match turn by turn as the server sends them.
pub fn replay_turn(
    world: &mut World,
    entity: Entity,
    i: usize,
    expected: &TurnRecord,
) -> Result<(), ReplayError> {
    let scenario = match world.get::<MatchScenario>(entity) {
        Some(s) => s.0.clone(),
        None => {
            return Err(ReplayError::Diverged {
                turn: expected.turn,
                field: "the match is not in the world".into(),
            });
        }
    };
    let bad = |message: String| ReplayError::BadOrders {
        turn: expected.turn,
        message,
    };
    for p in 0..2 {
        let orders = orders_from_names(&scenario, p, expected).map_err(bad)?;
        world.write_message(SubmitOrders {
            match_entity: entity,
            player: p as u8,
            orders,
        });
    }
    for id in &expected.announced {
        let e = scenario
            .scenario
            .events
            .iter()
            .position(|e| &e.id == id)
            .ok_or_else(|| bad(format!("the record announces \"{id}\", which is no event")))?;
        // A class client has announced it already, before this turn's briefing; the
        // comparison below checks that it fired.
        announce_at(world, entity, e as u16, expected.turn);
    }
    world.run_schedule(TurnSchedule);
    let refused = world
        .resource::<Messages<OrdersRefused>>()
        .iter_current_update_messages()
        .find(|r| r.match_entity == entity)
        .copied();
    if let Some(r) = refused {
        let p = usize::from(r.player);
        return Err(bad(format!(
            "{}'s orders are refused: {}",
            scenario.scenario.players[p].id,
            r.reason.describe(&scenario, p)
        )));
    }
    step_messages(world);
    let actual = world
        .get::<Recorder>(entity)
        .and_then(|r| r.0.history.get(i))
        .cloned();
    let Some(actual) = actual else {
        return Err(ReplayError::Diverged {
            turn: expected.turn,
            field: "the match ended or stalled before this turn".into(),
        });
    };
    match first_difference(expected, &actual) {
        Some(field) => Err(ReplayError::Diverged {
            turn: expected.turn,
            field,
        }),
        None => Ok(()),
    }
}

fn step_messages(world: &mut World) {
    world.resource_mut::<Messages<SubmitOrders>>().update();
    world.resource_mut::<Messages<ContinueMatch>>().update();
    world.resource_mut::<Messages<OrdersRefused>>().update();
}

/// Re-plays a whole record in a scratch world and checks it ends as recorded.
/// Returns the number of turns replayed.
pub fn replay(record: &GameRecord, scenario: Arc<LoadedScenario>) -> Result<usize, ReplayError> {
    let mut world = scratch_world();
    let entity = spawn_match(
        &mut world,
        MatchSetup::from_record(
            record,
            scenario,
            [Controller::External, Controller::External],
            false,
        ),
    );
    replay_into(&mut world, entity, record)?;
    let produced = world
        .get::<Recorder>(entity)
        .map(|r| r.0.clone())
        .ok_or_else(|| ReplayError::Diverged {
            turn: 0,
            field: "the match kept no record".into(),
        })?;
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

/// Resumes a saved game: the record replays through the turn systems, then the
/// sides go to `controllers` exactly as `spawn_match` hands them out, and the
/// match waits for its players if `hold`. Nothing is spawned that survives a failure.
pub fn resume(
    world: &mut World,
    record: &GameRecord,
    scenario: Arc<LoadedScenario>,
    controllers: [Controller; 2],
    hold: bool,
) -> Result<Entity, ReplayError> {
    if record.outcome.is_some() {
        return Err(ReplayError::Diverged {
            turn: record.history.last().map_or(0, |t| t.turn),
            field: "the game is already over".into(),
        });
    }
    let entity = follow(world, record, scenario, hold)?;
    assign_controllers(world, entity, controllers);
    Ok(entity)
}

/// A match rebuilt from its record, finished or not: spawned with both sides
/// external, every turn replayed and checked, then held for its players if `hold`.
/// What `resume` starts from, and how a class client follows the server's match.
/// Nothing is spawned that survives a failure.
pub fn follow(
    world: &mut World,
    record: &GameRecord,
    scenario: Arc<LoadedScenario>,
    hold: bool,
) -> Result<Entity, ReplayError> {
    let entity = spawn_match(
        world,
        MatchSetup::from_record(
            record,
            scenario,
            [Controller::External, Controller::External],
            false,
        ),
    );
    if let Err(e) = replay_into(world, entity, record) {
        despawn_match(world, entity);
        return Err(e);
    }
    if let Some(mut m) = world.get_mut::<Match>(entity) {
        m.hold = hold;
    }
    Ok(entity)
}

/// Announces event `e` in a match from outside the rules (a teacher's, in a class):
/// it fires at the match's next briefing — news for both sides, its effects, and
/// its choice offered so both sides answer it in their orders — and goes on record
/// in that turn. Returns that turn, or `None` when it cannot be announced.
pub fn announce(world: &mut World, entity: Entity, e: u16) -> Option<u32> {
    let turn = next_briefing(world.get::<Match>(entity)?);
    announce_at(world, entity, e, turn).then_some(turn)
}

/// The turn whose briefing a match runs next: this one until its briefing has run.
fn next_briefing(m: &Match) -> u32 {
    if m.phase == Phase::Briefing {
        m.turn
    } else {
        m.turn + 1
    }
}

/// Announces event `e` for the briefing of `turn`: how a replay and a class client
/// follow an announcement. Refused (false) for an event that is not there, has
/// happened and does not repeat, is announced for that turn already, or for a
/// briefing already past or after the game's last turn.
pub fn announce_at(world: &mut World, entity: Entity, e: u16, turn: u32) -> bool {
    let Some(scenario) = world.get::<MatchScenario>(entity).map(|s| s.0.clone()) else {
        return false;
    };
    let Some(event) = scenario.compiled.events.get(e as usize) else {
        return false;
    };
    let Some(mut m) = world.get_mut::<Match>(entity) else {
        return false;
    };
    let spent = !event.repeatable && m.fired[e as usize] > 0;
    let over = m.phase == Phase::GameOver
        || m.outcome.is_some()
        || (m.continuation.is_none() && turn > m.turns);
    if spent || over || turn < next_briefing(&m) || m.announce_at.contains(&(turn, e)) {
        return false;
    }
    m.announce_at.push((turn, e));
    true
}

/// Turns a record's named orders back into option indices. Every key must be a
/// decision of this side or an event choice; anything else is refused.
pub fn orders_from_names(
    s: &LoadedScenario,
    p: usize,
    turn: &TurnRecord,
) -> Result<Orders, String> {
    let named = turn
        .orders
        .get(p)
        .ok_or("the record has no orders for this side")?;
    orders_from_map(s, p, named)
}

/// Named orders (decision id → option id, `event.decision` → option id) as option
/// indices for side `p`: from a record, or from a class client.
pub fn orders_from_map(
    s: &LoadedScenario,
    p: usize,
    named: &std::collections::BTreeMap<String, String>,
) -> Result<Orders, String> {
    let player = s
        .scenario
        .players
        .get(p)
        .ok_or("the scenario has no such side")?;
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
    let mut used = player.decisions.len();
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
            used += 1;
        }
    }
    if used != named.len() {
        let stray = named
            .keys()
            .find(|k| {
                !player.decisions.iter().any(|d| &d.id == *k)
                    && !s.scenario.events.iter().any(|e| {
                        e.choice
                            .as_ref()
                            .is_some_and(|c| **k == format!("{}.{}", e.id, c.decision.id))
                    })
            })
            .cloned()
            .unwrap_or_default();
        return Err(format!(
            "{} orders name \"{stray}\", which is neither a decision nor an event choice",
            player.id
        ));
    }
    Ok(orders)
}
