//! The intent state machine: the only place where what a player asked for
//! becomes changes to the session and messages to the engine.

use super::*;

/// Turns an intent into changes to the session and messages to the engine.
pub(super) fn apply(
    intent: Intent,
    session: &mut Session,
    m: &Match,
    orders: &mut MessageWriter<SubmitOrders>,
    continues: &mut MessageWriter<ContinueMatch>,
    exports: &mut MessageWriter<ExportRecord>,
    next: &mut NextState<Screen>,
    commands: &mut Commands,
) {
    let Some(entity) = session.match_entity else {
        return;
    };
    let humans = session.humans();
    match intent {
        Intent::Batch(intents) => {
            for i in intents {
                apply(i, session, m, orders, continues, exports, next, commands);
            }
        }
        Intent::ToOrders => {
            continues.write(ContinueMatch(entity));
            session.view = match humans[..] {
                // Hot-seat: the first side takes the seat too, behind a hand-over.
                [first, _] => View::Handover(first),
                [only] => View::Orders(only),
                [] => View::Waiting,
                _ => View::Waiting,
            };
        }
        Intent::Pick {
            side,
            decision,
            option,
        } => {
            if let Some(slot) = session.drafts[side].get_mut(decision) {
                *slot = option;
            }
        }
        Intent::Answer {
            side,
            event,
            option,
        } => {
            if let Some(a) = session.answers[side].iter_mut().find(|(e, _)| *e == event) {
                a.1 = option;
            }
        }
        Intent::Focus(d) => session.focus = d,
        Intent::Confirm(p) => {
            let sealed = Orders {
                choices: session.drafts[p].clone(),
                answers: session.answers[p].clone(),
            };
            // A class match's orders go to the class server, which resolves the turn.
            match session.class.as_mut() {
                Some(class) => class.outbox = Some((m.turn, sealed)),
                None => {
                    orders.write(SubmitOrders {
                        match_entity: entity,
                        player: p as u8,
                        orders: sealed,
                    });
                }
            }
            session.confirmed[p] = true;
            session.focus = 0;
            session.notice = None;
            session.view = match humans.iter().find(|&&h| !session.confirmed[h]) {
                Some(&h) => View::Handover(h),
                None => View::Waiting,
            };
        }
        Intent::TakeSeat(p) => session.view = View::Orders(p),
        Intent::ToReport => session.view = View::Report,
        Intent::NextTurn => {
            continues.write(ContinueMatch(entity));
        }
        Intent::ExportRecord => {
            exports.write(ExportRecord);
        }
        Intent::ToggleDilemma | Intent::ToggleSidePanel => {}
        Intent::MainMenu => {
            commands.queue(crate::ui::menu::despawn_game);
            next.set(Screen::Menu);
        }
    }
}

/// Orders the engine refused go back to the player who sent them: the orders
/// screen again, with the reason in the scenario's words.
pub(super) fn show_refusals(
    mut refusals: MessageReader<crate::sim::orders::OrdersRefused>,
    session: Option<ResMut<Session>>,
    matches: Query<&MatchScenario>,
) {
    let Some(mut session) = session else {
        refusals.clear();
        return;
    };
    for refusal in refusals.read() {
        if Some(refusal.match_entity) != session.match_entity {
            continue;
        }
        let Ok(scenario) = matches.get(refusal.match_entity) else {
            continue;
        };
        let p = usize::from(refusal.player);
        session.confirmed[p] = false;
        session.view = View::Orders(p);
        session.notice = Some(format!(
            "Those orders were refused: {}.",
            refusal.reason.describe(&scenario.0, p)
        ));
    }
}
