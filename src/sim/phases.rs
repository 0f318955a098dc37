//! The turn's steps around the resolution: releasing held matches, collecting
//! orders from strategies and sealing them (both called by the resolution
//! system), and moving a match on to its next turn after its report.

use super::components::*;
use super::seat::View;
use bevy::prelude::*;

/// A held match, its briefing read, starts taking orders.
pub fn release_orders(mut continues: MessageReader<ContinueMatch>, mut matches: Query<&mut Match>) {
    for c in continues.read() {
        if let Ok(mut m) = matches.get_mut(c.0)
            && m.phase == Phase::Orders
        {
            m.released = true;
        }
    }
}

/// Whether a match takes orders now.
pub fn taking_orders(m: &Match) -> bool {
    m.phase == Phase::Orders && m.released
}

/// Strategies write the orders of their sides of a match taking orders that
/// are not in yet. Each sees its side's `View` and writes into `scratch` (the
/// resolution system's, kept between runs so a turn allocates nothing), whose
/// contents are then copied into the side's orders. Copied, not swapped: moving
/// the buffers' headers just after the strategy wrote them stalls the processor
/// (a wide load of fields just stored narrowly), which cost more than the bytes.
/// Called by the resolution system, on the match it is about to seal, after the
/// orders from outside are in.
pub fn strategies_choose(
    m: &Match,
    sides: &mut [Side; 2],
    seats: &mut Seats,
    scenario: &MatchScenario,
    scratch: &mut Orders,
) {
    if sides[0].submitted && sides[1].submitted {
        return;
    }
    for (p, seat) in seats.0.iter_mut().enumerate() {
        if sides[p].submitted {
            continue;
        }
        let Controller::Strategy { strategy, rng } = seat else {
            continue;
        };
        strategy_orders(&scenario.0, m, sides, p, &mut **strategy, rng, scratch);
        let orders = &mut sides[p].orders;
        orders.choices.clone_from(&scratch.choices);
        orders.answers.clone_from(&scratch.answers);
        sides[p].submitted = true;
    }
}

/// The orders a strategy gives side `p` of a match taking orders: its choices (kept
/// to what is available) and answers to the offered event choices, derived from its
/// stance. The engine's strategies and a class client's bot both choose through here.
pub fn strategy_orders(
    scenario: &std::sync::Arc<crate::scenario::LoadedScenario>,
    m: &Match,
    sides: &[Side; 2],
    p: usize,
    strategy: &mut dyn super::seat::Strategy,
    rng: &mut rand::rngs::Xoshiro256PlusPlus,
    orders: &mut Orders,
) {
    let view = View::of(scenario, m, sides, p);
    let stance = strategy.orders(&view, rng, &mut orders.choices);
    // Ungated scenarios leave every option available.
    if scenario.compiled.gated {
        super::rules::keep_available(
            &scenario.compiled.decisions[p],
            &sides[p],
            &mut orders.choices,
        );
    }
    super::rules::answers_into(
        &scenario.compiled,
        &sides[p].offered,
        stance,
        &mut orders.answers,
    );
}

/// Once both sides have submitted, the orders are sealed: stances and the masks of
/// the chosen options are computed, each side's perception starts as the truth,
/// and the match goes on to its resolution. Run by the resolution system, on the match it is about to resolve
/// (one look-up of the sides for both). False while orders are still awaited.
pub fn seal(ctx: &mut super::rules::Ctx) -> bool {
    if !(ctx.m.released && ctx.sides[0].submitted && ctx.sides[1].submitted) {
        return false;
    }
    let (c, prog) = (ctx.c, ctx.p);
    for (p, me) in ctx.sides.iter_mut().enumerate() {
        (me.stance, me.chosen) = prog.seal(c, p, &me.orders.choices);
        // Each side sees the other's true choices until noise or a rule alters them.
        me.misreported = 0;
    }
    ctx.m.phase = Phase::Resolution;
    true
}

/// Lets held matches go on after their report (`advance_match`) once released:
/// only the matches named in this frame's messages are looked at, as the
/// resolution system moves every match that is not held on at once.
pub fn advance(
    mut continues: MessageReader<ContinueMatch>,
    mut matches: Query<(&mut Match, &mut Sides)>,
) {
    for &ContinueMatch(entity) in continues.read() {
        if let Ok((mut m, mut sides)) = matches.get_mut(entity)
            && m.phase == Phase::Report
        {
            advance_match(&mut m, &mut sides);
        }
    }
}

/// After the report: the end, or the next turn's briefing. The briefing itself
/// runs at the start of the next schedule run, so that in between a replay or a
/// class can announce an event for it and send the turn's orders.
pub fn advance_match(m: &mut Match, sides: &mut [Side; 2]) {
    if m.outcome.is_some() {
        m.phase = Phase::GameOver;
        return;
    }
    for side in sides.iter_mut() {
        side.last_stance = Some(side.stance);
        // Swapped, not copied: the buffers of the turn before last take the next orders.
        match &mut side.last_orders {
            Some(last) => std::mem::swap(last, &mut side.orders),
            None => side.last_orders = Some(std::mem::take(&mut side.orders)),
        }
    }
    m.turn += 1;
    m.announced.clear();
    m.phase = Phase::Briefing;
}
