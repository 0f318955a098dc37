//! Charts of the turns so far (egui_plot): each side's score with what it gained
//! each turn beside it, and the shared metrics. The axes start at turn 1 and
//! always show a few turns ahead, so an early game is not a dot in a void.

use super::shown::{Lens, Shown};
use super::widgets::side_color;
use crate::scenario::LoadedScenario;
use crate::scenario::schema::Scope;
use crate::sim::record::GameRecord;
use bevy_egui::egui::{self, Ui};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints, Points};

/// The sides' colours, named above a chart: a legend inside the plot covers
/// the points.
fn sides_key(ui: &mut Ui, s: &LoadedScenario, title: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(title).strong());
        for (p, player) in s.scenario.players.iter().enumerate() {
            ui.label(egui::RichText::new(format!("■ {}", player.name)).color(side_color(p)));
        }
    });
}

/// Turns shown at least, so the first turns have room.
const MIN_TURNS_SHOWN: f64 = 6.0;

fn plot(id: &str, record: &GameRecord, height: f32) -> Plot<'static> {
    let last = record.history.last().map_or(1.0, |t| f64::from(t.turn));
    Plot::new(id.to_string())
        .height(height)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_boxed_zoom(false)
        .include_x(0.5)
        .include_x(last.max(MIN_TURNS_SHOWN) + 0.5)
}

/// Both sides' scores by turn, and under them the score each gained that turn.
pub fn scores(ui: &mut Ui, s: &LoadedScenario, record: &GameRecord, height: f32) {
    sides_key(ui, s, "Scores");
    plot("scores", record, height)
        .include_y(0.0)
        .show(ui, |plot| {
            for (p, player) in s.scenario.players.iter().enumerate() {
                let xy: Vec<[f64; 2]> = record
                    .history
                    .iter()
                    .map(|t| [f64::from(t.turn), t.scores.get(p).copied().unwrap_or(0.0)])
                    .collect();
                // Markers too: after one turn a line has nothing to join.
                plot.points(
                    Points::new(player.name.clone(), PlotPoints::from(xy.clone()))
                        .color(side_color(p))
                        .radius(3.0),
                );
                plot.line(
                    Line::new(player.name.clone(), PlotPoints::from(xy))
                        .color(side_color(p))
                        .width(2.0),
                );
            }
        });
    sides_key(ui, s, "Gained each turn");
    let gains = crate::report::debrief::gains(record, s.initial_scores());
    plot("gains", record, (height * 0.7).max(90.0))
        .include_y(0.0)
        .show(ui, |plot| {
            for (p, player) in s.scenario.players.iter().enumerate() {
                // The two sides' bars stand side by side at each turn.
                let offset = if p == 0 { -0.2 } else { 0.2 };
                let bars = record
                    .history
                    .iter()
                    .zip(&gains)
                    .map(|(t, g)| {
                        Bar::new(f64::from(t.turn) + offset, g[p])
                            .width(0.38)
                            .fill(side_color(p))
                    })
                    .collect();
                plot.bar_chart(BarChart::new(player.name.clone(), bars).color(side_color(p)));
            }
        });
}

/// Every shared metric the screen may show, by turn, as the viewer saw it each
/// turn (estimates are named so); nothing when there is none.
pub fn metrics(ui: &mut Ui, lens: &Lens, record: &GameRecord, height: f32) {
    let lines: Vec<(String, Vec<[f64; 2]>)> = lens
        .s
        .scenario
        .metrics
        .iter()
        .filter(|m| m.scope == Scope::Shared && lens.visible(&m.id))
        .filter_map(|m| {
            // Whether a metric is estimated or withheld depends on the metric and
            // the viewer, not on the value or the turn.
            let name = match lens.shown(&m.id, 0, m.initial) {
                Shown::Withheld => return None,
                Shown::Estimate(_) => format!("{} (estimate)", m.name),
                Shown::Exact(_) => m.name.clone(),
            };
            let points = record
                .history
                .iter()
                .filter_map(|t| {
                    let truth = *t.metrics.get(&m.id)?;
                    lens.shown(&m.id, t.turn, truth)
                        .value()
                        .map(|v| [f64::from(t.turn), v])
                })
                .collect();
            Some((name, points))
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    // The key sits above the plot, as the scores' does: a legend inside it
    // covered the first turns' points.
    let color = |i: usize| METRIC_COLORS[i % METRIC_COLORS.len()];
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Shared metrics").strong());
        for (i, (name, _)) in lines.iter().enumerate() {
            ui.label(egui::RichText::new(format!("■ {name}")).color(color(i)));
        }
    });
    plot("metrics", record, height).show(ui, |plot| {
        for (i, (name, points)) in lines.into_iter().enumerate() {
            plot.line(
                Line::new(name, PlotPoints::from(points))
                    .color(color(i))
                    .width(1.5),
            );
        }
    });
}

/// Line colours for the shared metrics, told apart from each other and from
/// the sides' blue and red.
const METRIC_COLORS: [egui::Color32; 8] = [
    egui::Color32::from_rgb(230, 200, 90),
    egui::Color32::from_rgb(110, 200, 120),
    egui::Color32::from_rgb(190, 130, 230),
    egui::Color32::from_rgb(80, 200, 210),
    egui::Color32::from_rgb(240, 150, 60),
    egui::Color32::from_rgb(220, 220, 220),
    egui::Color32::from_rgb(240, 120, 180),
    egui::Color32::from_rgb(160, 170, 90),
];
