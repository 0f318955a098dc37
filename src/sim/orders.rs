//! Orders from outside the engine (a player, a replayed record, a network client):
//! checked completely before they are sealed, and refused with a typed reason that
//! goes back to whoever sent them.

use super::components::*;
use crate::scenario::LoadedScenario;
use crate::scenario::compiled::Compiled;
use bevy::prelude::*;

/// Why orders were refused. Indices are the scenario's; `describe` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderRefusal {
    /// The match is not waiting for this side's orders (another phase, or over).
    NotTakingOrders,
    /// Not one choice per decision.
    WrongCount { given: usize, decisions: usize },
    /// A choice names an option the decision does not have.
    NoSuchOption { decision: u16, option: u8 },
    /// An answer to an event choice this side was not offered this turn.
    NotOffered { event: u16 },
    /// The same event choice answered twice.
    DuplicateAnswer { event: u16 },
    /// An answer naming an option the event's choice does not have.
    NoSuchAnswer { event: u16, option: u8 },
    /// An offered event choice left unanswered.
    Unanswered { event: u16 },
    /// An option whose `available` condition does not hold this turn.
    Unavailable { decision: u16, option: u8 },
}

impl OrderRefusal {
    /// The reason in the scenario's own names, for the player who sent the orders.
    pub fn describe(&self, s: &LoadedScenario, player: usize) -> String {
        let sc = &s.scenario;
        let decision = |d: u16| {
            sc.players
                .get(player)
                .and_then(|p| p.decisions.get(d as usize))
                .map_or_else(|| format!("#{d}"), |d| d.name.clone())
        };
        let event = |e: u16| {
            sc.events
                .get(e as usize)
                .map_or_else(|| format!("#{e}"), |e| e.id.clone())
        };
        match *self {
            OrderRefusal::NotTakingOrders => "the match is not waiting for these orders".into(),
            OrderRefusal::WrongCount { given, decisions } => {
                format!("{given} choices were sent for {decisions} decisions")
            }
            OrderRefusal::NoSuchOption {
                decision: d,
                option,
            } => {
                format!("\"{}\" has no option #{option}", decision(d))
            }
            OrderRefusal::NotOffered { event: e } => {
                format!(
                    "an answer to \"{}\", which was not offered this turn",
                    event(e)
                )
            }
            OrderRefusal::DuplicateAnswer { event: e } => {
                format!("\"{}\" is answered twice", event(e))
            }
            OrderRefusal::NoSuchAnswer { event: e, option } => {
                format!("\"{}\" has no option #{option}", event(e))
            }
            OrderRefusal::Unanswered { event: e } => {
                format!("\"{}\" needs an answer", event(e))
            }
            OrderRefusal::Unavailable {
                decision: d,
                option,
            } => {
                let name = sc
                    .players
                    .get(player)
                    .and_then(|p| p.decisions.get(d as usize))
                    .and_then(|d| d.options.get(option as usize))
                    .map_or_else(|| format!("#{option}"), |o| o.name.clone());
                format!("\"{name}\" ({}) is not available this turn", decision(d))
            }
        }
    }
}

impl std::fmt::Display for OrderRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

/// Orders the engine would not take, sent back to whoever submitted them.
#[derive(Message, Debug, Clone, Copy)]
pub struct OrdersRefused {
    pub match_entity: Entity,
    pub player: u8,
    pub reason: OrderRefusal,
}

/// Whether `orders` name one valid option per decision and answer exactly the
/// offered event choices, each once, with an option that exists.
pub fn check_orders(
    c: &Compiled,
    player: usize,
    offered: &[u16],
    orders: &Orders,
) -> Result<(), OrderRefusal> {
    let decisions = &c.decisions[player];
    if orders.choices.len() != decisions.len() {
        return Err(OrderRefusal::WrongCount {
            given: orders.choices.len(),
            decisions: decisions.len(),
        });
    }
    for (d, (&o, decision)) in orders.choices.iter().zip(decisions).enumerate() {
        if o as usize >= decision.options.len() {
            return Err(OrderRefusal::NoSuchOption {
                decision: d as u16,
                option: o,
            });
        }
    }
    for (i, &(e, o)) in orders.answers.iter().enumerate() {
        if !offered.contains(&e) {
            return Err(OrderRefusal::NotOffered { event: e });
        }
        if orders.answers[..i].iter().any(|&(x, _)| x == e) {
            return Err(OrderRefusal::DuplicateAnswer { event: e });
        }
        let options = c.events[e as usize]
            .choice
            .as_ref()
            .map_or(0, |(_, d)| d.options.len());
        if o as usize >= options {
            return Err(OrderRefusal::NoSuchAnswer {
                event: e,
                option: o,
            });
        }
    }
    if let Some(&e) = offered
        .iter()
        .find(|&&e| !orders.answers.iter().any(|&(x, _)| x == e))
    {
        return Err(OrderRefusal::Unanswered { event: e });
    }
    Ok(())
}

/// [`check_orders`], and every choice available to `side` this turn (format 2).
pub fn check_side_orders(c: &Compiled, side: &Side, orders: &Orders) -> Result<(), OrderRefusal> {
    check_orders(c, side.index as usize, &side.offered, orders)?;
    match orders
        .choices
        .iter()
        .enumerate()
        .find(|&(d, &o)| !super::rules::option_available(side, d, o))
    {
        Some((d, &o)) => Err(OrderRefusal::Unavailable {
            decision: d as u16,
            option: o,
        }),
        None => Ok(()),
    }
}

/// Orders from outside for sides whose match is taking orders. Orders that fail
/// `check_orders` are never applied; the refusal goes back as `OrdersRefused`.
pub fn receive_orders(
    mut messages: MessageReader<SubmitOrders>,
    mut refusals: MessageWriter<OrdersRefused>,
    mut matches: Query<(&Match, &mut Sides, &MatchScenario)>,
) {
    for msg in messages.read() {
        let Ok((m, mut sides, scenario)) = matches.get_mut(msg.match_entity) else {
            continue;
        };
        let Some(side) = sides.get_mut(usize::from(msg.player)) else {
            continue;
        };
        let checked = if m.phase != Phase::Orders {
            Err(OrderRefusal::NotTakingOrders)
        } else {
            check_side_orders(&scenario.0.compiled, side, &msg.orders)
        };
        match checked {
            Ok(()) => {
                side.orders = msg.orders.clone();
                side.submitted = true;
            }
            Err(reason) => {
                refusals.write(OrdersRefused {
                    match_entity: msg.match_entity,
                    player: msg.player,
                    reason,
                });
            }
        }
    }
}
