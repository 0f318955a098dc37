//! The turn's steps around the resolution: releasing held matches, collecting
//! orders from strategies, sealing them (called by the resolution system), and
//! moving a match on after its report.

use super::components::*;
use super::rules::stance_of;
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

/// Strategies write orders for their sides. Each sees its side's `View`; the
/// choices buffer is lent out and back so a turn allocates nothing.
pub fn strategies_choose(mut matches: Query<(&Match, &mut Sides, &mut Seats, &MatchScenario)>) {
    for (m, mut sides, mut seats, scenario) in &mut matches {
        if m.phase != Phase::Orders {
            continue;
        }
        let sides = &mut *sides;
        if sides[0].submitted && sides[1].submitted {
            continue;
        }
        for (p, seat) in seats.0.iter_mut().enumerate() {
            if sides[p].submitted {
                continue;
            }
            let Controller::Strategy { strategy, rng } = seat else {
                continue;
            };
            let mut orders = std::mem::take(&mut sides[p].orders);
            strategy_orders(&scenario.0, m, sides, p, &mut **strategy, rng, &mut orders);
            sides[p].orders = orders;
            sides[p].submitted = true;
        }
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
        me.stance = stance_of(&c.decisions[p], &me.orders.choices);
        me.chosen = prog.chosen(p, &me.orders.choices);
        // Each side sees the other's true choices until noise or a rule alters them.
        me.misreported = 0;
    }
    ctx.m.phase = Phase::Resolution;
    true
}

/// After the report: the next turn's briefing, or the end.
pub fn advance(
    mut continues: MessageReader<ContinueMatch>,
    mut matches: Query<(Entity, &mut Match, &mut Sides)>,
) {
    let released: Vec<Entity> = continues.read().map(|c| c.0).collect();
    for (entity, mut m, mut sides) in &mut matches {
        if m.phase != Phase::Report || (m.hold && !released.contains(&entity)) {
            continue;
        }
        if m.outcome.is_some() {
            m.phase = Phase::GameOver;
            continue;
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
}
