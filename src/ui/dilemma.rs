//! The dilemma under the story. The panel (key D, or the top bar's button) shows
//! the cooperate/defect stage game of this turn — its matrix, the equilibria
//! against the cooperative cell, the kind of game in plain words, and a note when
//! an event has changed the game. The reveal shows the game of the turn just
//! played, with the cell the two sides landed in holding what really happened.

use super::session::Session;
use super::widgets;
use crate::analysis::equilibria::{Game2, rounded};
use crate::analysis::matrix::{PlayedTurn, played_turn};
use crate::analysis::{StageGame, classify, stage_game};
use crate::scenario::LoadedScenario;
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
    /// The game of the turn just played, for the reveal: (match, turn) and it.
    pub played: Option<((Entity, u32), Result<PlayedTurn, String>)>,
    played_running: Option<((Entity, u32), Task<Result<PlayedTurn, String>>)>,
}

impl DilemmaPanel {
    /// Whether a measurement is still running (the window keeps redrawing for it).
    pub fn busy(&self) -> bool {
        !self.running.is_empty() || self.played_running.is_some()
    }

    /// The game of `turn` as played in match `m`, once measured.
    pub fn played(&self, m: Entity, turn: u32) -> Option<&Result<PlayedTurn, String>> {
        self.played
            .as_ref()
            .filter(|(key, _)| *key == (m, turn))
            .map(|(_, r)| r)
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<DilemmaPanel>().add_systems(
        Update,
        (toggle, analyse, measure_played_turn)
            .chain()
            .run_if(in_state(super::Screen::Game)),
    );
}

/// D opens and closes the panel, except while the pause menu is open: there the
/// key belongs to the menu (a save's name may have a "d" in it).
fn toggle(
    keys: Res<ButtonInput<KeyCode>>,
    menu: Res<super::menu::MenuState>,
    mut panel: ResMut<DilemmaPanel>,
) {
    if keys.just_pressed(KeyCode::KeyD) && !menu.paused {
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

/// Once a turn has resolved, measures its game as played (the record replayed
/// to that turn, four forks with the turn's own dice) for the reveal, off the frame.
fn measure_played_turn(
    mut panel: ResMut<DilemmaPanel>,
    session: Option<Res<Session>>,
    matches: Query<(&Match, &MatchScenario, &Recorder)>,
) {
    let Some(entity) = session.and_then(|s| s.match_entity) else {
        return;
    };
    let Ok((_, scenario, recorder)) = matches.get(entity) else {
        return;
    };
    let Some(turn) = recorder.0.history.last().map(|t| t.turn) else {
        return;
    };
    let key = (entity, turn);
    if let Some((running, task)) = &mut panel.played_running {
        if let Some(result) = check_ready(task) {
            let done = *running;
            panel.played_running = None;
            panel.played = Some((done, result));
        }
        return;
    }
    if panel.played.as_ref().is_some_and(|(k, _)| *k == key) {
        return;
    }
    let (record, s) = (recorder.0.clone(), scenario.0.clone());
    let task = AsyncComputeTaskPool::get().spawn(async move { played_turn(&record, &s, turn) });
    panel.played_running = Some((key, task));
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
                game_view(ui, game);
                let c = &s.compiled;
                if c.shared
                    .iter()
                    .chain(&c.per_player)
                    .any(|m| m.fog != [0.0; 2])
                {
                    // Fog: the panel must not be a window onto the true values.
                    ui.label(
                        RichText::new(
                            "Measured from the scenario's start with both sides cooperating \
                             every turn, not from this game's state: it shows nothing of the \
                             true values you see only as estimates.",
                        )
                        .small(),
                    );
                }
                if let Some(t) = record.0.history.last() {
                    ui.label(
                        RichText::new(format!(
                            "The reveal of each turn shows the game as it was played, with the \
                             cell the two sides landed in; last turn ({}) landed in {}.",
                            t.date,
                            crate::analysis::cell_name((
                                (t.stances[0] == Stance::Defect) as usize,
                                (t.stances[1] == Stance::Defect) as usize
                            ))
                        ))
                        .italics(),
                    );
                }
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

/// The matrix, the equilibria and the kind of game, for one stage game (at
/// this turn, on the path where both sides cooperated so far).
pub fn game_view(ui: &mut Ui, g: &StageGame) {
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
    let is_eq = |r: usize, c: usize| {
        g.equilibria
            .iter()
            .any(|e| e.pure && e.cooperate == [(r == 0) as u8 as f64, (c == 0) as u8 as f64])
    };
    let tags = |r: usize, c: usize| {
        let mut tags = Vec::new();
        if is_eq(r, c) {
            tags.push("equilibrium");
        }
        if g.pareto.contains(&(r, c)) {
            tags.push("Pareto-optimal");
        }
        tags.join(", ")
    };
    matrix_grid(ui, "dilemma-matrix", &g.players, &g.matrix, 2, None, &tags);
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
    payoff_orders(ui, &g.players, &g.matrix, 2);
    for (p, t) in g.threshold.iter().enumerate() {
        if let Some(t) = t {
            ui.label(format!(
                "{}: cooperation lasts if the future weighs at least δ* = {t:.2}.",
                g.players[p]
            ));
        }
    }
}

/// The game of the turn just played, for the reveal: the landed cell holds the
/// score changes that happened; the other cells what the same dice would have
/// given had a side played its other stance.
pub fn played_view(ui: &mut Ui, s: &LoadedScenario, g: &PlayedTurn) {
    let players = [0, 1].map(|p| s.scenario.players[p].name.clone());
    // One decimal, as the report prints score changes; orders follow the numbers shown.
    let shown = rounded(&g.matrix, 1);
    let kind = classify::classify(&shown).kind;
    ui.label(
        RichText::new(format!("This turn's dilemma — {}", classify::name(kind)))
            .size(18.0)
            .strong(),
    );
    let landed = g.landed;
    let tags = |r: usize, c: usize| {
        if (r, c) == landed {
            "what happened".to_string()
        } else {
            String::new()
        }
    };
    matrix_grid(
        ui,
        "played-matrix",
        &players,
        &shown,
        1,
        Some(landed),
        &tags,
    );
    ui.label(
        RichText::new(format!(
            "The highlighted cell is what this turn gave each side. The others: the same \
             turn with the same luck, had {} or {} played the other way (each decision's \
             first option of that kind).",
            players[0], players[1]
        ))
        .small(),
    );
    payoff_orders(ui, &players, &shown, 1);
}

/// Which payoff a cell is for player `who`: T, R, P or S.
fn letter(r: usize, c: usize, who: usize) -> char {
    let (mine, theirs) = if who == 0 { (r, c) } else { (c, r) };
    match (mine, theirs) {
        (0, 0) => 'R',
        (1, 0) => 'T',
        (0, _) => 'S',
        _ => 'P',
    }
}

/// A 2×2 matrix: each cell's numbers coloured by side, with each side's payoff
/// letter, the cell of `landed` highlighted, and `tags` under the numbers.
fn matrix_grid(
    ui: &mut Ui,
    id: &str,
    players: &[String; 2],
    g: &Game2,
    digits: usize,
    landed: Option<(usize, usize)>,
    tags: &dyn Fn(usize, usize) -> String,
) {
    let names = ["cooperates", "defects"];
    egui::Grid::new(id).spacing([10.0, 6.0]).show(ui, |ui| {
        ui.label("");
        for name in names {
            ui.label(RichText::new(format!("{} {name}", players[1])).color(widgets::RU_RED));
        }
        ui.end_row();
        for (r, row_name) in names.iter().enumerate() {
            ui.label(RichText::new(format!("{} {row_name}", players[0])).color(widgets::US_BLUE));
            for (c, cell) in g[r].iter().enumerate() {
                let here = landed == Some((r, c));
                let frame = egui::Frame::group(ui.style())
                    .fill(if here {
                        Color32::from_rgb(70, 66, 30)
                    } else {
                        Color32::TRANSPARENT
                    })
                    .stroke(egui::Stroke::new(
                        if here { 2.5 } else { 1.0 },
                        if here { widgets::QUOTE } else { Color32::GRAY },
                    ));
                frame.show(ui, |ui| {
                    ui.set_min_width(130.0);
                    ui.horizontal(|ui| {
                        for (who, payoff) in cell.iter().enumerate() {
                            ui.label(
                                RichText::new(format!(
                                    "{} {:+.*}",
                                    letter(r, c, who),
                                    digits,
                                    payoff
                                ))
                                .monospace()
                                .size(15.0)
                                .color(widgets::side_color(who)),
                            );
                        }
                    });
                    let t = tags(r, c);
                    if !t.is_empty() {
                        ui.label(RichText::new(t).small());
                    }
                });
            }
            ui.end_row();
        }
    });
}

/// Each side's four payoffs from best to worst, from the numbers as shown.
fn payoff_orders(ui: &mut Ui, players: &[String; 2], g: &Game2, digits: usize) {
    let c = classify::classify(g);
    for (who, view) in c.per_player.iter().enumerate() {
        let t = view.payoffs;
        let value = |l: char| match l {
            'T' => t.t,
            'R' => t.r,
            'P' => t.p,
            _ => t.s,
        };
        let order: String = view
            .order
            .chars()
            .map(|ch| match ch {
                'T' | 'R' | 'P' | 'S' => format!("{ch} {:+.*}", digits, value(ch)),
                other => other.to_string(),
            })
            .collect();
        ui.label(
            RichText::new(format!(
                "{}: {order} — {}",
                players[who],
                classify::name(view.kind)
            ))
            .color(widgets::side_color(who)),
        );
    }
    ui.label(
        RichText::new(
            "T: defecting against a cooperator · R: both cooperating · P: both defecting · \
             S: cooperating against a defector",
        )
        .small(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d_belongs_to_the_pause_menu_while_it_is_open() {
        let mut app = App::new();
        app.init_resource::<ButtonInput<KeyCode>>()
            .init_resource::<DilemmaPanel>()
            .insert_resource(super::super::menu::MenuState {
                paused: true,
                ..default()
            })
            .add_systems(Update, toggle);
        let press_d = |app: &mut App| {
            let mut keys = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
            keys.reset_all();
            keys.press(KeyCode::KeyD);
            app.update();
            app.world().resource::<DilemmaPanel>().open
        };
        assert!(
            !press_d(&mut app),
            "typing a save's name leaves the panel shut"
        );
        app.world_mut()
            .resource_mut::<super::super::menu::MenuState>()
            .paused = false;
        assert!(press_d(&mut app), "in play, D opens the panel");
    }
}
