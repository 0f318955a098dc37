//! The "Dilemma" panel (key D, or the top bar's button): the cooperate/defect
//! stage game under the story at this turn — its matrix with the cell where the
//! two sides landed, the equilibria against the cooperative cell, the kind of game
//! in plain words, and a note when an event has changed the game.

use super::session::Session;
use super::widgets;
use crate::analysis::{StageGame, classify, stage_game};
use crate::scenario::schema::Stance;
use crate::sim::components::{Match, MatchScenario};
use crate::sim::record::Recorder;
use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy_egui::egui::{self, Color32, RichText, Ui};
use std::collections::BTreeMap;

/// Samples per cell when the scenario has chance: enough for a stable reading in class.
const SAMPLES: usize = 64;

/// The panel's state and the analyses made so far, by turn.
#[derive(Resource, Default)]
pub struct DilemmaPanel {
    pub open: bool,
    /// Scenario hash and turn → the stage game (or why it could not be measured).
    cache: BTreeMap<(u64, u32), Result<StageGame, String>>,
    /// Measurements under way on the async compute pool, off the frame.
    running: BTreeMap<(u64, u32), Task<Result<StageGame, String>>>,
}

impl DilemmaPanel {
    /// Whether a measurement is still running (the window keeps redrawing for it).
    pub fn busy(&self) -> bool {
        !self.running.is_empty()
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<DilemmaPanel>().add_systems(
        Update,
        (toggle, analyse)
            .chain()
            .run_if(in_state(super::Screen::Game)),
    );
}

fn toggle(keys: Res<ButtonInput<KeyCode>>, mut panel: ResMut<DilemmaPanel>) {
    if keys.just_pressed(KeyCode::KeyD) {
        panel.open = !panel.open;
    }
}

/// Measures the stage game of this turn and the last, through the real turn systems,
/// when the panel is open and they are not known yet.
fn analyse(
    mut panel: ResMut<DilemmaPanel>,
    session: Option<Res<Session>>,
    matches: Query<(&Match, &MatchScenario)>,
) {
    if !panel.open {
        return;
    }
    let Some((m, scenario)) = session
        .and_then(|s| s.match_entity)
        .and_then(|e| matches.get(e).ok())
    else {
        return;
    };
    let s = &scenario.0;
    let panel = &mut *panel;
    for turn in [m.turn.saturating_sub(1).max(1), m.turn] {
        let key = (s.hash, turn);
        if panel.cache.contains_key(&key) || panel.running.contains_key(&key) {
            continue;
        }
        // The measurement plays hundreds of forked turns: it must not stall a frame.
        let s = s.clone();
        let task =
            AsyncComputeTaskPool::get().spawn(async move { stage_game(&s, turn, SAMPLES, 1) });
        panel.running.insert(key, task);
    }
    let mut finished = Vec::new();
    for (key, task) in panel.running.iter_mut() {
        if let Some(result) = check_ready(task) {
            finished.push((*key, result));
        }
    }
    for (key, result) in finished {
        panel.running.remove(&key);
        panel.cache.insert(key, result);
    }
}

/// The panel, as an egui window over the game.
pub fn draw(
    ctx: &egui::Context,
    panel: &mut DilemmaPanel,
    m: &Match,
    scenario: &MatchScenario,
    record: &Recorder,
) {
    if !panel.open {
        return;
    }
    let s = &scenario.0;
    let mut open = panel.open;
    egui::Window::new("The dilemma underneath")
        .open(&mut open)
        .default_width(460.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| match panel.cache.get(&(s.hash, m.turn)) {
            None => {
                ui.spinner();
                ui.label("Measuring the stage game through the turn systems...");
            }
            Some(Err(e)) => {
                ui.label(e);
            }
            Some(Ok(game)) => {
                let landed = record
                    .0
                    .history
                    .last()
                    .map(|t| [0, 1].map(|p| (t.stances[p] == Stance::Defect) as usize));
                game_view(ui, game, landed);
                let before = panel
                    .cache
                    .get(&(s.hash, m.turn.saturating_sub(1).max(1)))
                    .and_then(|r| r.as_ref().ok());
                if let Some(before) = before
                    && before.turn != game.turn
                    && before.classification.kind != game.classification.kind
                {
                    let was = classify::name(before.classification.kind);
                    let now = classify::name(game.classification.kind);
                    ui.label(
                        RichText::new(format!(
                            "The game has changed since {}: it was {was}, it is now {now}.",
                            before.date
                        ))
                        .strong()
                        .color(widgets::DEFECT),
                    );
                }
            }
        });
    panel.open = open;
}

/// The matrix, the equilibria and the kind of game, for one stage game.
pub fn game_view(ui: &mut Ui, g: &StageGame, landed: Option<[usize; 2]>) {
    ui.label(
        RichText::new(format!(
            "{} — {}",
            g.date,
            classify::name(g.classification.kind)
        ))
        .size(18.0)
        .strong(),
    );
    ui.label(&g.description);
    ui.add_space(6.0);
    let names = ["Cooperate", "Defect"];
    let is_eq = |r: usize, c: usize| {
        g.equilibria
            .iter()
            .any(|e| e.pure && e.cooperate == [(r == 0) as u8 as f64, (c == 0) as u8 as f64])
    };
    egui::Grid::new("dilemma-matrix")
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            ui.label("");
            for name in names {
                ui.label(RichText::new(format!("{}: {name}", g.players[1])).color(widgets::RU_RED));
            }
            ui.end_row();
            for (r, row_name) in names.iter().enumerate() {
                ui.label(
                    RichText::new(format!("{}: {row_name}", g.players[0])).color(widgets::US_BLUE),
                );
                for c in 0..2 {
                    let [a, b] = g.matrix[r][c];
                    let mut tags = Vec::new();
                    if is_eq(r, c) {
                        tags.push("equilibrium");
                    }
                    if g.pareto.contains(&(r, c)) {
                        tags.push("Pareto-optimal");
                    }
                    if landed == Some([r, c]) {
                        tags.push("you landed here");
                    }
                    let here = landed == Some([r, c]);
                    let frame = egui::Frame::group(ui.style())
                        .fill(if here {
                            Color32::from_rgb(60, 60, 30)
                        } else {
                            Color32::TRANSPARENT
                        })
                        .stroke(egui::Stroke::new(
                            if is_eq(r, c) { 2.0 } else { 1.0 },
                            if r == 0 && c == 0 {
                                widgets::COOPERATE
                            } else {
                                Color32::GRAY
                            },
                        ));
                    frame.show(ui, |ui| {
                        ui.set_min_width(130.0);
                        ui.vertical(|ui| {
                            ui.label(
                                RichText::new(format!("{a:+.2}   {b:+.2}"))
                                    .monospace()
                                    .size(14.0),
                            );
                            ui.label(RichText::new(tags.join(", ")).small());
                        });
                    });
                }
                ui.end_row();
            }
        });
    ui.label(
        RichText::new(format!(
            "Each cell: the expected score change this turn for {} and {}{}.",
            g.players[0],
            g.players[1],
            if g.exact {
                " (exact)".to_string()
            } else {
                format!(" (mean of {} samples)", g.samples)
            }
        ))
        .small(),
    );
    for (p, t) in g.threshold.iter().enumerate() {
        if let Some(t) = t {
            ui.label(format!(
                "{}: cooperation lasts if the future weighs at least δ* = {t:.2}.",
                g.players[p]
            ));
        }
    }
    if g.classification.orders_differ {
        ui.label(
            RichText::new(
                "The two sides rank the outcomes differently: they are not playing the same game.",
            )
            .italics(),
        );
    }
}
