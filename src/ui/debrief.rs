//! The debrief at the end of a game: outcome, scores, cooperation rates, charts,
//! the full turn log with explanations, and export of the game record.

use super::game::{Intent, Snapshot};
use super::{charts, widgets};
use crate::scenario::LoadedScenario;
use crate::scenario::schema::Stance;
use crate::sim::record::TurnRecord;
use bevy_egui::egui::{self, RichText, Ui};

pub fn draw(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let mut intent = None;
    widgets::heading(ui, "Debrief");
    if let Some(o) = &snap.m.outcome {
        let title = o
            .ending
            .as_ref()
            .and_then(|id| sc.endings.early.iter().find(|e| &e.id == id))
            .map_or("The turn limit is reached", |e| e.title.as_str());
        ui.label(RichText::new(title).size(19.0).strong());
        ui.label(&o.text);
        for (p, player) in sc.players.iter().enumerate() {
            let turns = snap.record.history.len().max(1);
            let coop = snap
                .record
                .history
                .iter()
                .filter(|t| t.stances.get(p) == Some(&Stance::Cooperate))
                .count();
            ui.label(
                RichText::new(format!(
                    "{}: score {:.1} — {} — cooperated {coop} of {turns} turns ({:.0}%)",
                    player.name,
                    o.scores[p],
                    if o.won[p] { "wins" } else { "does not win" },
                    100.0 * coop as f64 / turns as f64
                ))
                .color(widgets::side_color(p))
                .size(16.0),
            );
        }
    }
    if let Some(n) = &snap.session.notice {
        ui.label(RichText::new(n).italics());
    }
    ui.horizontal(|ui| {
        if ui
            .button(RichText::new("Save game record").size(16.0))
            .clicked()
        {
            intent = Some(Intent::ExportRecord);
        }
        if ui.button(RichText::new("Main menu").size(16.0)).clicked() {
            intent = Some(Intent::MainMenu);
        }
    });
    charts::metrics(ui, snap.s, snap.record, 160.0);
    ui.label(RichText::new("Turn log").size(17.0).strong());
    for t in &snap.record.history {
        let stances: Vec<String> = sc
            .players
            .iter()
            .zip(&t.stances)
            .map(|(p, s)| format!("{} {s:?}", p.name))
            .collect();
        egui::CollapsingHeader::new(format!(
            "Turn {} · {} — {}",
            t.turn,
            t.date,
            stances.join(", ")
        ))
        .id_salt(("log", t.turn))
        .show(ui, |ui| {
            for (p, player) in sc.players.iter().enumerate() {
                let orders: Vec<String> = t.orders[p]
                    .iter()
                    .map(|(d, o)| format!("{d}: {o}"))
                    .collect();
                ui.label(RichText::new(format!("{} — {}", player.name, orders.join(", "))).small());
            }
            explained_changes(ui, snap.s, t);
        });
    }
    intent
}

/// Each metric's net change in a turn, each cause's share largest first, and the
/// quotation under the cause it belongs to.
pub fn explained_changes(ui: &mut Ui, s: &LoadedScenario, t: &TurnRecord) {
    use crate::explain::{cause_label, metric_label};
    for swing in crate::explain::swings(t) {
        ui.label(
            RichText::new(format!(
                "{}: {:.1} to {:.1} ({:+.1})",
                metric_label(Some(s), swing.metric),
                swing.before,
                swing.after,
                swing.delta()
            ))
            .strong(),
        );
        ui.label(format!("because of: {}", swing.shares(Some(s))));
        if let Some((cause, q)) = swing.quote(s) {
            ui.label(RichText::new(cause_label(Some(s), cause)).italics());
            widgets::quote(ui, q);
        }
    }
}
