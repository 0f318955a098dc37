//! The turn report: every metric change with the rules behind it, and charts.

use super::*;

pub(super) fn report(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let t = snap.record.history.last()?;
    widgets::heading(ui, &format!("Report — {}", t.date));
    let gains = snap.last_gains().unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("This turn:").strong());
        for (p, player) in sc.players.iter().enumerate() {
            ui.label(
                RichText::new(format!("{} {:+.1}", player.name, gains[p]))
                    .color(widgets::side_color(p))
                    .strong(),
            );
        }
    });
    for id in &t.events {
        if let Some(e) = sc.events.iter().find(|e| &e.id == id) {
            ui.group(|ui| {
                ui.label(RichText::new(&e.title).strong());
                ui.add(egui::Label::new(&e.text).wrap());
                widgets::provenance(
                    ui,
                    crate::scenario::provenance::Provenance::of(
                        e.source.as_deref(),
                        e.basis.as_ref(),
                    ),
                );
            });
        }
    }
    ui.label(RichText::new("What changed, and why").size(17.0).strong());
    let lens = snap.lens();
    debrief::explained_changes(ui, &lens, t);
    ui.separator();
    charts::metrics(
        ui,
        &lens,
        snap.record,
        (ui.available_width() * 0.3).clamp(150.0, 300.0),
    );
    ui.add_space(10.0);
    let last = snap.m.outcome.is_some();
    widgets::primary(ui, if last { "See the debrief" } else { "Next turn" })
        .then_some(Intent::NextTurn)
}
