//! The briefing: the date, the news with its quotations, and each side's
//! private objectives (shown only to the side it belongs to).

use super::*;

pub(super) fn briefing(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    widgets::heading(ui, &format!("Briefing — {}", snap.s.date(snap.m.turn)));
    if snap.m.turn == 1 {
        for p in snap.session.humans() {
            let player = &sc.players[p];
            ui.label(
                RichText::new(format!("You are {}", player.name))
                    .size(17.0)
                    .color(widgets::side_color(p)),
            );
            ui.label(&player.briefing);
            for o in &player.objectives {
                ui.label(format!("• {o}"));
            }
            ui.add_space(6.0);
        }
    }
    if snap.m.news.is_empty() {
        ui.label("No news this month. The air war goes on.");
    }
    for &e in &snap.m.news {
        let event = &sc.events[e as usize];
        ui.group(|ui| {
            ui.label(RichText::new(&event.title).size(17.0).strong());
            ui.label(&event.text);
            if let Some(q) = &event.source {
                widgets::quote(ui, q);
            }
            if let Some(c) = &event.choice {
                let who = sc
                    .players
                    .iter()
                    .find(|p| p.id == c.player)
                    .map_or("", |p| p.name.as_str());
                ui.label(
                    RichText::new(format!("{who} must decide: {}", c.decision.name)).italics(),
                );
            }
        });
    }
    ui.add_space(10.0);
    widgets::primary(ui, "Give orders").then_some(Intent::ToOrders)
}
