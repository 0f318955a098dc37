//! The orders screen (one choice per decision, each option with its tendency
//! and quotation) and the hot-seat hand-over between two humans.

use super::*;

/// What an option tends to do, in words: "ISIS strength −1, your standing +1".
pub fn tendency(snap: &Snapshot, effects: &[Effect]) -> String {
    let name = |metric: &str| {
        let (who, id) = match metric.split_once('.') {
            Some(("self", id)) => ("your ", id),
            Some(("other", id)) => ("their ", id),
            Some((p, id)) => (
                snap.s
                    .scenario
                    .players
                    .iter()
                    .find(|x| x.id == p)
                    .map_or("", |x| x.name.as_str()),
                id,
            ),
            None => ("", metric),
        };
        let n = snap
            .s
            .scenario
            .metrics
            .iter()
            .find(|m| m.id == id)
            .map_or(id, |m| m.name.as_str());
        if who.is_empty() || who.ends_with(' ') {
            format!("{who}{n}")
        } else {
            format!("{who} {n}")
        }
    };
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Add { metric, value } => Some(format!("{} {value:+}", name(metric))),
            Effect::Scale { metric, factor } => Some(format!("{} ×{factor}", name(metric))),
            Effect::Set { metric, value } => Some(format!("{} = {value}", name(metric))),
            Effect::AddPer {
                metric,
                per,
                factor,
            } => Some(format!("{} {factor:+}×{}", name(metric), name(per))),
            Effect::Fire(_) | Effect::Misperceive { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn orders_screen(ui: &mut Ui, snap: &Snapshot, p: usize) -> Option<Intent> {
    let player = &snap.s.scenario.players[p];
    let draft = &snap.session.drafts[p];
    let mut intent = None;
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
    ui.label(RichText::new("One choice per line. Up/Down move between decisions, number keys pick, Enter confirms. Nothing is sent until you confirm.").weak());
    let focus = snap
        .session
        .focus
        .min(player.decisions.len().saturating_sub(1));
    let (up, down, number) = ui.input(|i| {
        let digit = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ]
        .iter()
        .position(|k| i.key_pressed(*k));
        (
            i.key_pressed(egui::Key::ArrowUp),
            i.key_pressed(egui::Key::ArrowDown),
            digit,
        )
    });
    if up && focus > 0 {
        intent = Some(Intent::Focus(focus - 1));
    }
    if down && focus + 1 < player.decisions.len() {
        intent = Some(Intent::Focus(focus + 1));
    }
    if let Some(n) = number
        && n < player.decisions[focus].options.len()
    {
        intent = Some(Intent::Pick {
            side: p,
            decision: focus,
            option: n as u8,
        });
    }
    for (d, decision) in player.decisions.iter().enumerate() {
        let frame = egui::Frame::group(ui.style()).stroke(if d == focus {
            egui::Stroke::new(2.0, widgets::side_color(p))
        } else {
            ui.style().visuals.widgets.noninteractive.bg_stroke
        });
        frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("{}. {}", d + 1, decision.name))
                        .strong()
                        .size(16.0),
                );
                if !decision.description.is_empty() {
                    ui.label(RichText::new(&decision.description).weak());
                }
            });
            for (o, option) in decision.options.iter().enumerate() {
                let chosen = draft.get(d) == Some(&(o as u8));
                let text = RichText::new(format!("[{}] {}", o + 1, option.name)).size(15.0);
                let response = ui.horizontal(|ui| {
                    let r = ui.selectable_label(chosen, text);
                    let tag = match option.stance {
                        Stance::Cooperate => "cooperative",
                        Stance::Defect => "defecting",
                    };
                    ui.label(
                        RichText::new(tag)
                            .small()
                            .color(widgets::stance_color(option.stance)),
                    );
                    r
                });
                if response.inner.clicked() {
                    intent = Some(Intent::Pick {
                        side: p,
                        decision: d,
                        option: o as u8,
                    });
                }
                if chosen {
                    if !option.description.is_empty() {
                        ui.label(RichText::new(&option.description).small());
                    }
                    let t = tendency(snap, &option.effects);
                    if !t.is_empty() {
                        ui.label(RichText::new(format!("Tends to: {t}")).small());
                    }
                    if let Some(q) = &option.source {
                        widgets::quote(ui, q);
                    }
                }
            }
        });
    }
    for &(event, answer) in &snap.session.answers[p] {
        let Some(choice) = &snap.s.scenario.events[event as usize].choice else {
            continue;
        };
        ui.group(|ui| {
            ui.label(
                RichText::new(format!(
                    "{}: {}",
                    snap.s.scenario.events[event as usize].title, choice.decision.name
                ))
                .strong(),
            );
            for (o, option) in choice.decision.options.iter().enumerate() {
                if ui
                    .selectable_label(answer == o as u8, &option.name)
                    .clicked()
                {
                    intent = Some(Intent::Answer {
                        side: p,
                        event,
                        option: o as u8,
                    });
                }
                if answer == o as u8
                    && let Some(q) = &option.source
                {
                    widgets::quote(ui, q);
                }
            }
        });
    }
    ui.add_space(8.0);
    let stance = crate::sim::rules::stance_of(&snap.s.compiled.decisions[p], draft);
    ui.label(
        RichText::new(format!(
            "In the dilemma view these orders {}.",
            if stance == Stance::Cooperate {
                "cooperate"
            } else {
                "defect"
            }
        ))
        .color(widgets::stance_color(stance)),
    );
    if widgets::primary(ui, "Confirm orders") {
        intent = Some(Intent::Confirm(p));
    }
    intent
}

pub(super) fn handover(ui: &mut Ui, snap: &Snapshot, p: usize) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let other = &sc.players[1 - p].name;
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        widgets::heading(ui, &format!("{other}'s orders are sealed."));
        ui.label(
            RichText::new(format!(
                "Pass the seat to {}. Don't look at the other side's screen.",
                sc.players[p].name
            ))
            .size(17.0),
        );
        ui.add_space(20.0);
        widgets::primary(ui, &format!("I am {} — show my orders", sc.players[p].name))
            .then_some(Intent::TakeSeat(p))
    })
    .inner
}
