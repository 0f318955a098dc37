//! The turn's non-resolution steps: collecting sealed orders (from outside or from
//! strategies), sealing them, and moving a match on after its report.

use super::components::*;
use super::rules::stance_of;
use crate::scenario::compiled::Compiled;
use crate::strategy::View;
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

/// Orders from outside (the UI, a replay) for sides whose match is taking orders.
/// Orders of the wrong shape are refused and logged, never applied.
pub fn receive_orders(
    mut messages: MessageReader<SubmitOrders>,
    matches: Query<(&Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for msg in messages.read() {
        let Ok(mut side) = sides.get_mut(msg.side) else {
            continue;
        };
        let Ok((m, scenario)) = matches.get(side.match_entity) else {
            continue;
        };
        if m.phase != Phase::Orders {
            continue;
        }
        match check_orders(
            &scenario.0.compiled,
            side.index as usize,
            &side.offered,
            &msg.orders,
        ) {
            Ok(()) => {
                side.orders = msg.orders.clone();
                side.submitted = true;
            }
            Err(e) => warn!("orders refused: {e}"),
        }
    }
}

/// Whether `orders` name one valid option per decision and answer every offered choice.
pub fn check_orders(
    c: &Compiled,
    player: usize,
    offered: &[u16],
    orders: &Orders,
) -> Result<(), String> {
    let decisions = &c.decisions[player];
    if orders.choices.len() != decisions.len() {
        return Err(format!(
            "{} choices for {} decisions",
            orders.choices.len(),
            decisions.len()
        ));
    }
    if let Some(d) = orders
        .choices
        .iter()
        .zip(decisions)
        .position(|(&o, d)| o as usize >= d.options.len())
    {
        return Err(format!("no option {} in decision {d}", orders.choices[d]));
    }
    for &e in offered {
        let answer = orders.answers.iter().find(|(ev, _)| *ev == e);
        let options = c.events[e as usize]
            .choice
            .as_ref()
            .map_or(0, |(_, d)| d.options.len());
        if !matches!(answer, Some((_, o)) if (*o as usize) < options) {
            return Err(format!("event choice {e} is not answered"));
        }
    }
    Ok(())
}

/// Strategies write orders for their sides.
pub fn strategies_choose(
    matches: Query<(&Match, &MatchScenario)>,
    mut sides: Query<(&mut Side, &mut Controller)>,
) {
    for (mut side, mut controller) in sides.iter_mut() {
        if side.submitted {
            continue;
        }
        let Controller::Strategy { strategy, rng } = &mut *controller else {
            continue;
        };
        let Ok((m, scenario)) = matches.get(side.match_entity) else {
            continue;
        };
        if m.phase != Phase::Orders {
            continue;
        }
        let c = &scenario.0.compiled;
        let side = &mut *side;
        let view = View {
            turn: m.turn,
            history: &side.history,
            seen_defections: side.seen_defections,
            decisions: &c.decisions[side.index as usize],
        };
        let stance = strategy.orders(&view, rng, &mut side.orders.choices);
        side.orders.answers = super::rules::answers_for(c, &side.offered, stance);
        side.submitted = true;
    }
}

/// Once both sides have submitted, the orders are sealed: stances are computed and
/// each side's perception starts as the truth.
pub fn seal_orders(mut matches: Query<(&mut Match, &MatchScenario)>, mut sides: Query<&mut Side>) {
    super::resolve::for_each_match(&mut matches, &mut sides, Phase::Orders, |ctx| {
        if !(ctx.m.released && ctx.sides[0].submitted && ctx.sides[1].submitted) {
            return;
        }
        let c = ctx.c;
        for p in 0..2 {
            let [a, b] = &mut ctx.sides;
            let (me, other) = if p == 0 { (a, b) } else { (b, a) };
            me.stance = stance_of(&c.decisions[p], &me.orders.choices);
            me.perceived.clone_from(&other.orders.choices);
            me.misreported.clear();
            me.misreported.resize(other.orders.choices.len(), false);
        }
        ctx.m.phase = Phase::Resolution;
    });
}

/// After the report: the next turn's briefing, or the end.
pub fn advance(
    mut continues: MessageReader<ContinueMatch>,
    mut matches: Query<(Entity, &mut Match)>,
    mut sides: Query<&mut Side>,
) {
    let released: Vec<Entity> = continues.read().map(|c| c.0).collect();
    for (entity, mut m) in matches.iter_mut().filter(|(_, m)| m.phase == Phase::Report) {
        if m.hold && !released.contains(&entity) {
            continue;
        }
        if m.outcome.is_some() {
            m.phase = Phase::GameOver;
            continue;
        }
        for side in m.players {
            if let Ok(mut side) = sides.get_mut(side) {
                let side = &mut *side;
                side.last_stance = Some(side.stance);
                match &mut side.last_orders {
                    Some(last) => last.clone_from(&side.orders),
                    None => side.last_orders = Some(side.orders.clone()),
                }
            }
        }
        m.turn += 1;
        m.phase = Phase::Briefing;
    }
}
