//! The briefing: the date and the news with its quotations, and, for a single
//! human player, that side's private objectives. In hot-seat the private text is
//! shown on each side's own orders screen instead, behind the hand-over.

use super::*;

pub(super) fn briefing(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    widgets::heading(ui, &format!("Briefing — {}", snap.s.date(snap.m.turn)));
    if let [only] = snap.session.humans()[..]
        && snap.m.turn == 1
    {
        private_briefing(ui, snap, only);
    }
    if snap.m.news.is_empty() {
        ui.label("No news this turn.");
    }
    for &e in &snap.m.news {
        let event = &sc.events[e as usize];
        ui.group(|ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&event.title).size(17.0).strong());
                // A teacher's announcement says so: it is news because of the class.
                if snap.m.announced.contains(&e) {
                    ui.label(
                        RichText::new("announced by your teacher")
                            .color(widgets::QUOTE)
                            .italics(),
                    );
                }
            });
            ui.add(egui::Label::new(&event.text).wrap());
            widgets::provenance(
                ui,
                crate::scenario::provenance::Provenance::of(
                    event.source.as_deref(),
                    event.basis.as_ref(),
                ),
            );
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

/// Side `p`'s own briefing and objectives: for that side's eyes only.
pub(super) fn private_briefing(ui: &mut Ui, snap: &Snapshot, p: usize) {
    let player = &snap.s.scenario.players[p];
    ui.group(|ui| {
        ui.set_width(ui.available_width());
        ui.label(
            RichText::new(format!("You are {}", player.name))
                .size(17.0)
                .color(widgets::side_color(p)),
        );
        ui.add(egui::Label::new(&player.briefing).wrap());
        for o in &player.objectives {
            ui.add(egui::Label::new(format!("• {o}")).wrap());
        }
    });
    ui.add_space(6.0);
}
