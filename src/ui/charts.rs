//! Charts of scores and metrics over the turns so far (egui_plot).

use crate::scenario::LoadedScenario;
use crate::scenario::schema::Scope;
use crate::sim::record::GameRecord;
use bevy_egui::egui::{self, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints};

/// Both sides' scores by turn.
pub fn scores(ui: &mut Ui, s: &LoadedScenario, record: &GameRecord, height: f32) {
    ui.label(egui::RichText::new("Scores").strong());
    Plot::new("scores")
        .height(height)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_drag(false)
        .show(ui, |plot| {
            for (p, player) in s.scenario.players.iter().enumerate() {
                let points: PlotPoints = record
                    .history
                    .iter()
                    .map(|t| [t.turn as f64, t.scores.get(p).copied().unwrap_or(0.0)])
                    .collect();
                plot.line(
                    Line::new(player.name.clone(), points)
                        .color(super::widgets::side_color(p))
                        .width(2.0),
                );
            }
        });
}

/// Every shared metric by turn.
pub fn metrics(ui: &mut Ui, s: &LoadedScenario, record: &GameRecord, height: f32) {
    ui.label(egui::RichText::new("Shared metrics").strong());
    Plot::new("metrics")
        .height(height)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_drag(false)
        .show(ui, |plot| {
            for m in s
                .scenario
                .metrics
                .iter()
                .filter(|m| m.scope == Scope::Shared)
            {
                let points: PlotPoints = record
                    .history
                    .iter()
                    .filter_map(|t| t.metrics.get(&m.id).map(|v| [t.turn as f64, *v]))
                    .collect();
                plot.line(Line::new(m.name.clone(), points).width(1.5));
            }
        });
}
