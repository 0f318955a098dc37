//! The orders screen — the event choices that need an answer first, then one
//! choice per decision, every option with its stance, what it tends to do and its
//! quotation, always shown so a click never moves the layout — and the hot-seat
//! hand-over between two humans.

use super::*;
use crate::scenario::LoadedScenario;

/// What an option tends to do, in words: "ISIS strength −1, Trust shrinks by 5%";
/// effects on hidden metrics are left out.
pub fn tendency(snap: &Snapshot, effects: &[Effect]) -> String {
    let name = |metric: &str| {
        let (who, id) = match metric.split_once('.') {
            Some(("self", id)) => (Some("your".to_string()), id),
            Some(("other", id)) => (Some("their".to_string()), id),
            Some((p, id)) => (
                snap.s
                    .scenario
                    .players
                    .iter()
                    .find(|x| x.id == p)
                    .map(|x| widgets::possessive(&x.name)),
                id,
            ),
            None => (None, metric),
        };
        let n = snap
            .s
            .scenario
            .metrics
            .iter()
            .find(|m| m.id == id)
            .map_or(id, |m| m.name.as_str());
        match who {
            Some(who) => format!("{who} {n}"),
            None => n.to_string(),
        }
    };
    let signed = |v: f64| {
        if v < 0.0 {
            format!("−{}", -v)
        } else {
            format!("+{v}")
        }
    };
    let percent = |f: f64| format!("{}%", (f.abs() * 1000.0).round() / 10.0);
    let grows = |f: f64| if f < 0.0 { "shrinks" } else { "grows" };
    // Hidden bookkeeping metrics are the rules' business, not the player's.
    let hidden = |metric: &str| snap.s.is_hidden(metric);
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Add { metric, .. }
            | Effect::Scale { metric, .. }
            | Effect::Set { metric, .. }
            | Effect::AddPer { metric, .. }
                if hidden(metric) =>
            {
                None
            }
            Effect::Add { metric, value } => Some(format!("{} {}", name(metric), signed(*value))),
            Effect::Scale { metric, factor } => Some(format!(
                "{} {} by {}",
                name(metric),
                grows(factor - 1.0),
                percent(factor - 1.0)
            )),
            Effect::Set { metric, value } => Some(format!("{} becomes {value}", name(metric))),
            Effect::AddPer {
                metric,
                per,
                factor,
            } if metric == per => Some(format!(
                "{} {} by {}",
                name(metric),
                grows(*factor),
                percent(*factor)
            )),
            Effect::AddPer {
                metric,
                per,
                factor,
            } => Some(format!(
                "{} {} for each point of {}",
                name(metric),
                signed(*factor),
                name(per)
            )),
            Effect::Fire(_) | Effect::Misperceive { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why orders count as cooperating or defecting in the dilemma view: the
/// weight of the decisions chosen cooperatively against the whole.
pub fn stance_reason(s: &LoadedScenario, p: usize, choices: &[u8]) -> String {
    let decisions = &s.scenario.players[p].decisions;
    let total: f64 = decisions.iter().map(|d| d.weight).sum();
    let cooperative: Vec<&crate::scenario::schema::Decision> = decisions
        .iter()
        .zip(choices)
        .filter(|&(d, &o)| d.options.get(o as usize).map(|x| x.stance) == Some(Stance::Cooperate))
        .map(|(d, _)| d)
        .collect();
    let coop: f64 = cooperative.iter().map(|d| d.weight).sum();
    let stance = crate::sim::rules::stance_of(&s.compiled.decisions[p], choices);
    if decisions.len() == 1 {
        return format!(
            "The choice is {} in the dilemma view.",
            if stance == Stance::Cooperate {
                "cooperative"
            } else {
                "a defection"
            }
        );
    }
    let named: Vec<String> = cooperative
        .iter()
        .map(|d| format!("{} ({})", d.name, d.weight))
        .collect();
    format!(
        "{}: the decisions chosen cooperatively{} carry {} of {} points of weight, and half \
         or more counts as cooperating.",
        if stance == Stance::Cooperate {
            "Counts as cooperating"
        } else {
            "Counts as defecting"
        },
        if named.is_empty() {
            String::new()
        } else {
            format!(", {}", named.join(", "))
        },
        coop,
        total
    )
}

/// One line of the orders screen: an event choice to answer, or a decision.
#[derive(Clone, Copy, PartialEq)]
enum Item {
    /// Index into the side's pending answers.
    Event(usize),
    Decision(usize),
}

fn items(snap: &Snapshot, p: usize) -> Vec<Item> {
    let events = snap.session.answers[p]
        .iter()
        .enumerate()
        .filter(|(_, (e, _))| snap.s.scenario.events[*e as usize].choice.is_some())
        .map(|(i, _)| Item::Event(i));
    let decisions = (0..snap.s.scenario.players[p].decisions.len()).map(Item::Decision);
    events.chain(decisions).collect()
}

/// The intent of picking option `o` on `item`.
fn pick(snap: &Snapshot, p: usize, item: Item, o: u8) -> Intent {
    match item {
        Item::Event(i) => Intent::Answer {
            side: p,
            event: snap.session.answers[p][i].0,
            option: o,
        },
        Item::Decision(d) => Intent::Pick {
            side: p,
            decision: d,
            option: o,
        },
    }
}

pub(super) fn orders_screen(ui: &mut Ui, snap: &Snapshot, p: usize) -> Option<Intent> {
    let player = &snap.s.scenario.players[p];
    let draft = &snap.session.drafts[p];
    let items = items(snap, p);
    let mut intents = Vec::new();
    ui.label(
        RichText::new(format!(
            "{} — your orders for {}",
            player.name,
            snap.s.date(snap.m.turn)
        ))
        .size(22.0)
        .strong()
        .color(widgets::side_color(p)),
    );
    let quick = snap.session.setup.quick_for(snap.s) == Some(p);
    if quick {
        last_turn_result(ui, snap, p);
    }
    if snap.m.turn == 1 && snap.session.humans().len() == 2 {
        // Hot-seat: the private briefing is shown only here, behind the hand-over.
        super::briefing::private_briefing(ui, snap, p);
    }
    ui.label(
        RichText::new(if quick {
            "Quick turns: a number key or a click plays that option at once."
        } else {
            "Up/Down move between lines, number keys pick, Enter confirms. \
             Nothing is sent until you confirm."
        })
        .weak(),
    );
    if snap.m.turn > 1 && !quick {
        ui.label(RichText::new("Your orders start as last turn's; change what you like.").weak());
    }
    let focus = snap.session.focus.min(items.len().saturating_sub(1));
    // Every key of the frame, in order: two keys pressed within one frame both count.
    let keys: Vec<egui::Key> = ui.input(|i| {
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Key {
                    key, pressed: true, ..
                } => Some(*key),
                _ => None,
            })
            .collect()
    });
    let mut f = focus;
    let mut confirm = false;
    for key in keys {
        match key {
            egui::Key::ArrowUp if f > 0 => {
                f -= 1;
                intents.push(Intent::Focus(f));
            }
            egui::Key::ArrowDown if f + 1 < items.len() => {
                f += 1;
                intents.push(Intent::Focus(f));
            }
            egui::Key::Enter => confirm = true,
            k => {
                let digit = k.name().parse::<usize>().ok().filter(|&n| n >= 1);
                if let (Some(n), Some(&item)) = (digit, items.get(f)) {
                    let count = match item {
                        Item::Event(i) => snap.s.scenario.events
                            [snap.session.answers[p][i].0 as usize]
                            .choice
                            .as_ref()
                            .map_or(0, |c| c.decision.options.len()),
                        Item::Decision(d) => player.decisions[d].options.len(),
                    };
                    let open = match item {
                        Item::Decision(d) => {
                            crate::sim::rules::option_available(&snap.sides[p], d, (n - 1) as u8)
                        }
                        Item::Event(_) => true,
                    };
                    if n <= count && open {
                        intents.push(pick(snap, p, item, (n - 1) as u8));
                        if quick {
                            intents.push(Intent::Confirm(p));
                        }
                    }
                }
            }
        }
    }
    let scroll_to = ui.ctx().data_mut(|d| {
        // A new screen starts where it is (at its top); only a move scrolls.
        let id = egui::Id::new(("orders-focus", p, snap.m.turn));
        let last = d.get_temp_mut_or_insert_with(id, || focus);
        let moved = *last != focus;
        *last = focus;
        moved
    });
    for (n, &item) in items.iter().enumerate() {
        let (title, description, options, chosen) = match item {
            Item::Event(i) => {
                let (event, answer) = snap.session.answers[p][i];
                let e = &snap.s.scenario.events[event as usize];
                let Some(choice) = &e.choice else { continue };
                (
                    format!("{}: {}", e.title, choice.decision.name),
                    choice.decision.description.as_str(),
                    &choice.decision.options,
                    Some(answer).filter(|&a| a != UNCHOSEN),
                )
            }
            Item::Decision(d) => {
                let decision = &player.decisions[d];
                (
                    decision.name.clone(),
                    decision.description.as_str(),
                    &decision.options,
                    draft
                        .get(d)
                        .copied()
                        .filter(|&o| (o as usize) < decision.options.len()),
                )
            }
        };
        let frame = egui::Frame::group(ui.style()).stroke(if n == focus {
            egui::Stroke::new(2.0, widgets::side_color(p))
        } else {
            ui.style().visuals.widgets.noninteractive.bg_stroke
        });
        let response = frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("{}. {title}", n + 1))
                        .strong()
                        .size(16.0),
                );
                if matches!(item, Item::Event(_)) {
                    ui.label(RichText::new("news: answer this turn").color(widgets::QUOTE));
                }
            });
            if !description.is_empty() {
                ui.add(egui::Label::new(RichText::new(description).weak()).wrap());
            }
            if chosen.is_none() {
                ui.label(RichText::new("Not chosen yet").color(widgets::DEFECT));
            }
            for (o, option) in options.iter().enumerate() {
                let is_chosen = chosen == Some(o as u8);
                let open = match item {
                    Item::Decision(d) => {
                        crate::sim::rules::option_available(&snap.sides[p], d, o as u8)
                    }
                    Item::Event(_) => true,
                };
                ui.horizontal_wrapped(|ui| {
                    let text = RichText::new(format!("[{}] {}", o + 1, option.name)).size(15.0);
                    let label = ui.add_enabled(open, egui::Button::selectable(is_chosen, text));
                    if !open {
                        ui.label(RichText::new("not available this turn").color(widgets::DEFECT));
                    }
                    if label.clicked() {
                        intents.push(Intent::Focus(n));
                        intents.push(pick(snap, p, item, o as u8));
                        if quick {
                            intents.push(Intent::Confirm(p));
                        }
                    }
                    let tag = match option.stance {
                        Stance::Cooperate => "cooperative",
                        Stance::Defect => "defecting",
                    };
                    ui.label(RichText::new(tag).color(widgets::stance_color(option.stance)));
                });
                ui.indent(("option", n, o), |ui| {
                    if !option.description.is_empty() {
                        ui.add(egui::Label::new(RichText::new(&option.description).small()).wrap());
                    }
                    let t = tendency(snap, &option.effects);
                    if !t.is_empty() {
                        ui.add(
                            egui::Label::new(RichText::new(format!("Tends to: {t}")).small())
                                .wrap(),
                        );
                    }
                    widgets::provenance(
                        ui,
                        crate::scenario::provenance::Provenance::of(
                            option.source.as_deref(),
                            option.basis.as_ref(),
                        ),
                    );
                });
            }
        });
        if n == focus && scroll_to {
            response.response.scroll_to_me(Some(egui::Align::Center));
        }
    }
    ui.add_space(8.0);
    let unanswered = snap.session.answers[p]
        .iter()
        .filter(|&&(_, a)| a == UNCHOSEN)
        .count();
    let unchosen = player
        .decisions
        .iter()
        .zip(draft)
        .filter(|&(d, &o)| o as usize >= d.options.len())
        .count()
        + player.decisions.len().saturating_sub(draft.len())
        + unanswered;
    if unchosen > 0 {
        ui.label(
            RichText::new(format!(
                "Choose an option for every decision ({unchosen} left) to confirm."
            ))
            .color(widgets::DEFECT),
        );
        confirm = false;
    } else {
        let stance = crate::sim::rules::stance_of(&snap.s.compiled.decisions[p], draft);
        ui.label(
            RichText::new(stance_reason(snap.s, p, draft)).color(widgets::stance_color(stance)),
        );
    }
    if widgets::primary_button(ui, "Confirm orders", unchosen == 0) || confirm {
        intents.push(Intent::Confirm(p));
    }
    Intent::batch(intents)
}

/// Quick turns: what last turn's choices gave, above this turn's choice.
fn last_turn_result(ui: &mut Ui, snap: &Snapshot, p: usize) {
    let Some(t) = snap.record.history.last() else {
        return;
    };
    let sc = &snap.s.scenario;
    let gains = snap.last_gains().unwrap_or_default();
    ui.group(|ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(format!("Last turn ({})", t.date)).strong());
        for (q, player) in sc.players.iter().enumerate() {
            let moves: Vec<String> = player
                .decisions
                .iter()
                .filter_map(|d| {
                    let id = t.orders[q].get(&d.id)?;
                    Some(d.options.iter().find(|o| &o.id == id)?.name.clone())
                })
                .collect();
            ui.label(
                RichText::new(format!(
                    "{}{}: {} — {:+.1} (score {:.1})",
                    player.name,
                    if q == p { " (you)" } else { "" },
                    moves.join(", "),
                    gains[q],
                    t.scores[q]
                ))
                .color(widgets::side_color(q)),
            );
        }
        if let Some(Ok(g)) = snap.played {
            super::super::dilemma::played_view(ui, snap.s, g);
        }
    });
}

/// Hot-seat: the screen between two humans' orders. Enter takes the seat only
/// after a moment, so a double press on the last screen cannot skip it.
pub(super) fn handover(ui: &mut Ui, snap: &Snapshot, p: usize) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let now = ui.input(|i| i.time);
    let shown_since = ui.ctx().data_mut(|d| {
        *d.get_temp_mut_or_insert_with(egui::Id::new(("handover", p, snap.m.turn)), || now)
    });
    let settled = now - shown_since > 0.8;
    if !settled {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(850));
    }
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        let sealed = snap.session.confirmed[1 - p];
        widgets::heading(
            ui,
            &if sealed {
                format!(
                    "{} orders are sealed.",
                    widgets::possessive(&sc.players[1 - p].name)
                )
            } else {
                "Orders are given in secret.".to_string()
            },
        );
        ui.label(
            RichText::new(format!(
                "Pass the seat to {}. The other side looks away.",
                sc.players[p].name
            ))
            .size(17.0),
        );
        ui.add_space(20.0);
        let text = format!("I am {} — show my orders", sc.players[p].name);
        let clicked = widgets::primary_button(ui, &text, true);
        let enter = settled && ui.input(|i| i.key_pressed(egui::Key::Enter));
        (clicked || enter).then_some(Intent::TakeSeat(p))
    })
    .inner
}

#[cfg(test)]
mod tests {
    //! The orders screen run in a bare egui context over a real match: every key
    //! of a frame counts, a quick turn plays on one key, nothing unchosen is sent,
    //! and the hand-over ignores an Enter pressed as it appears.
    use super::*;
    use crate::sim::record::GameRecord;
    use crate::ui::session::{Seat, Setup};
    use std::sync::Arc;

    fn key(key: egui::Key) -> egui::Event {
        egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: egui::Modifiers::default(),
        }
    }

    /// Runs `screen` for one frame with `keys` pressed, on a fresh match of
    /// `scenario` with side 0 human, its draft all `draft` (or nothing chosen).
    fn frame(
        scenario: &str,
        quick: bool,
        draft: Option<u8>,
        keys: &[egui::Key],
        screen: fn(&mut Ui, &Snapshot, usize) -> Option<Intent>,
    ) -> Option<Intent> {
        let s = Arc::new(
            crate::scenario::load(std::path::Path::new(&format!("scenarios/{scenario}.ron")))
                .unwrap(),
        );
        let mut world = crate::sim::scratch_world();
        let m = crate::sim::spawn_match(&mut world, crate::sim::MatchSetup::external(s.clone(), 1));
        let state = world.get::<Match>(m).unwrap().clone();
        let sides = world.get::<Sides>(m).unwrap().clone();
        let record = GameRecord::new(
            &s,
            1,
            state.turns,
            state.noise,
            ["human".into(), "x".into()],
        );
        let setup = Setup {
            scenario: format!("{scenario}.ron"),
            seats: [Seat::Human, Seat::Ai("tit_for_tat".into())],
            seed: 1,
            noise: None,
            turns: None,
            autoplayed_by: None,
            quick,
            continuation: None,
        };
        let mut session = Session::new(setup, Handle::default());
        let n = s.scenario.players[0].decisions.len();
        session.drafts[0] = vec![draft.unwrap_or(UNCHOSEN); n];
        session.view = View::Orders(0);
        let snap = Snapshot {
            s: &s,
            m: &state,
            sides: &sides,
            record: &record,
            session: &session,
            played: None,
            counterfactual: None,
        };
        let ctx = egui::Context::default();
        let input = egui::RawInput {
            events: keys.iter().map(|&k| key(k)).collect(),
            ..Default::default()
        };
        let mut out = None;
        let mut output = ctx.run_ui(input, |ui| out = screen(ui, &snap, 0));
        // No renderer takes the font texture here.
        output.textures_delta.clear();
        out
    }

    #[test]
    fn every_key_of_a_frame_counts_in_order() {
        use egui::Key::*;
        let got = frame(
            "syria_2015",
            false,
            None,
            &[Num2, ArrowDown, Num1],
            orders_screen,
        );
        let pick = |decision, option| Intent::Pick {
            side: 0,
            decision,
            option,
        };
        assert_eq!(
            got,
            Some(Intent::Batch(vec![
                pick(0, 1),
                Intent::Focus(1),
                pick(1, 0)
            ]))
        );
    }

    #[test]
    fn nothing_unchosen_is_confirmed_and_a_full_draft_is() {
        use egui::Key::*;
        assert_eq!(
            frame("syria_2015", false, None, &[Enter], orders_screen),
            None
        );
        assert_eq!(
            frame("syria_2015", false, Some(0), &[Enter], orders_screen),
            Some(Intent::Confirm(0))
        );
    }

    #[test]
    fn a_quick_turn_plays_on_one_key() {
        let got = frame(
            "prisoners_dilemma",
            true,
            None,
            &[egui::Key::Num2],
            orders_screen,
        );
        let pick = Intent::Pick {
            side: 0,
            decision: 0,
            option: 1,
        };
        assert_eq!(
            got,
            Some(Intent::Batch(vec![pick.clone(), Intent::Confirm(0)]))
        );
        // Without quick turns the same key only picks.
        assert_eq!(
            frame(
                "prisoners_dilemma",
                false,
                None,
                &[egui::Key::Num2],
                orders_screen
            ),
            Some(pick)
        );
    }

    #[test]
    fn the_hand_over_ignores_an_enter_pressed_as_it_appears() {
        assert_eq!(
            frame("syria_2015", false, None, &[egui::Key::Enter], handover),
            None
        );
    }
}
