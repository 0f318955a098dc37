//! The debrief at the end of a game, with everything the exported report has:
//! the outcome (verdicts only where the scenario declares a winner), each side
//! against the both-cooperate counterfactual, the move strip, the turning points
//! with their causes, the scenario's questions, charts and the turn log; and the
//! export of the game record.

use super::game::{Intent, Snapshot};
use super::session::{Session, View};
use super::shown::{Lens, Shown};
use super::{charts, widgets};
use crate::scenario::schema::Stance;
use crate::sim::components::MatchScenario;
use crate::sim::record::{GameRecord, Recorder, TurnRecord};
use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy_egui::egui::{self, RichText, Ui};

/// The both-cooperate counterfactual of the finished game: a whole game
/// replayed, so it is played off the frame, once per game.
#[derive(Resource, Default)]
pub struct Counterfactual {
    pub result: Option<(Entity, Result<GameRecord, String>)>,
    running: Option<(Entity, Task<Result<GameRecord, String>>)>,
}

impl Counterfactual {
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    pub fn of(&self, m: Entity) -> Option<&Result<GameRecord, String>> {
        self.result
            .as_ref()
            .filter(|(e, _)| *e == m)
            .map(|(_, r)| r)
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Counterfactual>().add_systems(
        Update,
        play_counterfactual.run_if(in_state(super::Screen::Game)),
    );
}

fn play_counterfactual(
    mut cf: ResMut<Counterfactual>,
    session: Option<Res<Session>>,
    matches: Query<(&MatchScenario, &Recorder)>,
) {
    let Some(session) = session.filter(|s| s.view == View::Debrief) else {
        return;
    };
    let Some(entity) = session.match_entity else {
        return;
    };
    if let Some((e, task)) = &mut cf.running {
        if let Some(result) = check_ready(task) {
            let e = *e;
            cf.running = None;
            cf.result = Some((e, result));
        }
        return;
    }
    if cf.of(entity).is_some() {
        return;
    }
    let Ok((scenario, recorder)) = matches.get(entity) else {
        return;
    };
    let (record, s) = (recorder.0.clone(), scenario.0.clone());
    let task = AsyncComputeTaskPool::get()
        .spawn(async move { crate::report::debrief::counterfactual(&record, &s) });
    cf.running = Some((entity, task));
}

/// "75%", "99.5%": a share that is not whole keeps its decimal, so 199 of 200
/// never reads as 100%.
fn percent(part: usize, whole: usize) -> String {
    let v = 100.0 * part as f64 / whole.max(1) as f64;
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
    }
}

pub fn draw(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let s = snap.s;
    let sc = &s.scenario;
    let rec = snap.record;
    let mut intent = None;
    // The debrief looks with the truth (see `Viewer::of`).
    let lens = snap.lens();
    widgets::heading(ui, "Debrief");
    let Some(o) = &snap.m.outcome else {
        return None;
    };
    let early = (o.ending.as_ref()).and_then(|id| sc.endings.early.iter().find(|e| &e.id == id));
    let title = early.map_or("The last turn is played", |e| e.title.as_str());
    ui.label(RichText::new(title).size(19.0).strong());
    // The scenario's endings on time are written for its full length.
    if early.is_none() && snap.m.turns < s.compiled.turns {
        ui.label(
            RichText::new(format!(
                "This game was shortened to {} of the scenario's {} turns, ending after {}; \
                 the ending below was written for the full game.",
                snap.m.turns,
                s.compiled.turns,
                s.date(snap.m.turns)
            ))
            .italics(),
        );
    }
    ui.add(egui::Label::new(&o.text).wrap());
    let turns = rec.history.len();
    for (p, player) in sc.players.iter().enumerate() {
        let coop = rec
            .history
            .iter()
            .filter(|t| t.stances.get(p) == Some(&Stance::Cooperate))
            .count();
        let verdict = crate::explain::verdict(Some(s), o, p)
            .map(|v| format!(" — {v}"))
            .unwrap_or_default();
        ui.label(
            RichText::new(format!(
                "{}: score {:.1}{verdict} — cooperated {coop} of {turns} turns ({})",
                player.name,
                o.scores[p],
                percent(coop, turns)
            ))
            .color(widgets::side_color(p))
            .size(16.0),
        );
    }
    if let Some(note) = crate::explain::fog_note(s) {
        ui.add(egui::Label::new(RichText::new(note).color(widgets::QUOTE)).wrap());
    }
    if crate::explain::verdict(Some(s), o, 0).is_none() {
        ui.label(
            RichText::new(
                "No winner is declared: each side's score is its own measure. Compare it \
                 with what both cooperating would have given.",
            )
            .italics(),
        );
    }
    ui.add_space(6.0);
    ui.label(
        RichText::new("Against both sides always cooperating")
            .size(17.0)
            .strong(),
    );
    match snap.counterfactual {
        Some(Ok(both)) => {
            let last = both.history.last();
            for (p, player) in sc.players.iter().enumerate() {
                let c = last.and_then(|t| t.scores.get(p)).copied().unwrap_or(0.0);
                ui.label(
                    RichText::new(format!(
                        "{}: {:.1} played, {c:.1} had both always cooperated ({:+.1})",
                        player.name,
                        o.scores[p],
                        o.scores[p] - c
                    ))
                    .color(widgets::side_color(p)),
                );
            }
            ui.label(
                RichText::new(
                    "The same scenario, seed, length and noise, both sides cooperating every turn.",
                )
                .small(),
            );
        }
        Some(Err(e)) => {
            ui.label(format!("The counterfactual could not be played: {e}"));
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Playing the game again with both sides cooperating...");
            });
        }
    }
    ui.add_space(6.0);
    move_strip(ui, sc, rec);
    if let Some(n) = &snap.session.notice {
        ui.label(RichText::new(n).italics());
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .button(RichText::new("Save game record").size(16.0))
            .on_hover_text("The record, its Markdown debrief report and a CSV of the turns")
            .clicked()
        {
            intent = Some(Intent::ExportRecord);
        }
        if ui.button(RichText::new("Main menu").size(16.0)).clicked() {
            intent = Some(Intent::MainMenu);
        }
    });
    if !sc.debrief_questions.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new("Questions to discuss").size(17.0).strong());
        for (i, q) in sc.debrief_questions.iter().enumerate() {
            ui.add(egui::Label::new(format!("{}. {q}", i + 1)).wrap());
        }
    }
    assumptions(ui, sc);
    let initial = s.initial_scores();
    let points = crate::report::debrief::turning_points(rec, initial);
    if !points.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new("Turning points").size(17.0).strong());
        ui.label(
            RichText::new(
                "The turns where the score each side gained changed most from the turn before.",
            )
            .small(),
        );
        let gains = crate::report::debrief::gains(rec, initial);
        for i in points {
            let t = &rec.history[i];
            egui::CollapsingHeader::new(format!("Turn {} · {}", t.turn, t.date))
                .id_salt(("turning", t.turn))
                .default_open(true)
                .show(ui, |ui| {
                    for (p, player) in sc.players.iter().enumerate() {
                        let was = rec.history[i - 1].stances[p];
                        ui.label(
                            RichText::new(format!(
                                "{}: {} (was {}), gained {:+.1} (was {:+.1})",
                                player.name,
                                stance_word(t.stances[p]),
                                stance_word(was),
                                gains[i][p],
                                gains[i - 1][p]
                            ))
                            .color(widgets::side_color(p)),
                        );
                    }
                    explained_changes(ui, &lens, t);
                });
        }
    }
    ui.add_space(6.0);
    let height = (ui.available_width() * 0.35).clamp(140.0, 320.0);
    charts::scores(ui, s, rec, height);
    charts::metrics(ui, &lens, rec, height);
    ui.label(RichText::new("Turn log").size(17.0).strong());
    for t in &rec.history {
        let stances: Vec<String> = sc
            .players
            .iter()
            .zip(&t.stances)
            .map(|(p, st)| format!("{} {}", p.name, stance_word(*st)))
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
                let orders: Vec<String> = player
                    .decisions
                    .iter()
                    .filter_map(|d| {
                        let o = t.orders[p].get(&d.id)?;
                        let o = d.options.iter().find(|x| &x.id == o)?;
                        Some(format!("{}: {}", d.name, o.name))
                    })
                    .collect();
                ui.add(egui::Label::new(format!("{} — {}", player.name, orders.join("; "))).wrap());
            }
            explained_changes(ui, &lens, t);
        });
    }
    intent
}

/// What the game adds to its source: every element that rests on background or
/// on the designer's assumption, as the exported report lists them.
fn assumptions(ui: &mut Ui, sc: &crate::scenario::Scenario) {
    use crate::scenario::provenance::{Provenance, elements};
    let added: Vec<_> = elements(sc)
        .into_iter()
        .filter(|e| {
            matches!(
                e.provenance,
                Provenance::Assumption(_) | Provenance::Background(_)
            )
        })
        .collect();
    if added.is_empty() {
        return;
    }
    ui.add_space(6.0);
    egui::CollapsingHeader::new(
        RichText::new(format!(
            "What the game adds to the article ({})",
            added.len()
        ))
        .size(17.0)
        .strong(),
    )
    .id_salt("assumptions")
    .show(ui, |ui| {
        for e in added {
            ui.add(
                egui::Label::new(format!("{} “{}” — {}", e.kind, e.name, e.provenance.line()))
                    .wrap(),
            );
        }
    });
}

fn stance_word(s: Stance) -> &'static str {
    match s {
        Stance::Cooperate => "cooperated",
        Stance::Defect => "defected",
    }
}

/// Each side's moves as a strip of C and D, one square a turn.
fn move_strip(ui: &mut Ui, sc: &crate::scenario::Scenario, rec: &GameRecord) {
    ui.label(RichText::new("Moves, turn by turn").size(17.0).strong());
    for (p, player) in sc.players.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 2.0;
            ui.label(RichText::new(format!("{}:", player.name)).color(widgets::side_color(p)));
            ui.add_space(6.0);
            for t in &rec.history {
                let st = t.stances[p];
                let letter = if st == Stance::Cooperate { "C" } else { "D" };
                ui.label(
                    RichText::new(letter)
                        .monospace()
                        .strong()
                        .background_color(widgets::stance_color(st).gamma_multiply(0.35)),
                )
                .on_hover_text(format!("Turn {} · {}", t.turn, t.date));
            }
        });
    }
}

/// Each metric's net change in a turn, then its causes as a game shows its
/// modifiers: a bar for each one's share, the amount, and the option or rule by
/// its display name and who caused it, largest first; a quotation sits under the
/// cause it belongs to. Hidden metrics are left out; a metric the viewer sees only
/// as an estimate shows the estimates and names its causes without their amounts,
/// which would add up to the true change.
pub fn explained_changes(ui: &mut Ui, lens: &Lens, t: &TurnRecord) {
    use crate::explain::{cause_label, metric_label};
    let s = lens.s;
    for swing in crate::explain::shown_swings(t, Some(s)) {
        let higher_is_better = s
            .metric_def(swing.metric)
            .is_none_or(|m| m.higher_is_better);
        let tone = |d: f64| {
            if (d > 0.0) == higher_is_better {
                widgets::COOPERATE
            } else {
                widgets::DEFECT
            }
        };
        let name = metric_label(Some(s), swing.metric);
        let before = lens.shown(swing.metric, t.turn.saturating_sub(1), swing.before);
        let after = lens.shown(swing.metric, t.turn, swing.after);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            let causes = swing.by_size();
            match (before, after) {
                (Shown::Exact(_), Shown::Exact(_)) => {}
                (_, Shown::Withheld) | (Shown::Withheld, _) => {
                    ui.label(RichText::new(format!("{name}: changed")).strong());
                    ui.add(egui::Label::new(RichText::new(super::shown::WITHHELD).small()).wrap());
                    return;
                }
                (b, a) => {
                    let change = a.value().unwrap_or(0.0) - b.value().unwrap_or(0.0);
                    ui.label(
                        RichText::new(format!(
                            "{name}: {} to {} (your estimates)",
                            b.number(),
                            a.number()
                        ))
                        .strong()
                        .color(tone(change)),
                    );
                    let names: Vec<String> = causes
                        .iter()
                        .map(|(c, _)| cause_label(Some(s), c))
                        .collect();
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!(
                                "Moved by: {}. How much each moved it, you cannot tell.",
                                names.join("; ")
                            ))
                            .small(),
                        )
                        .wrap(),
                    );
                    return;
                }
            }
            ui.label(
                RichText::new(format!(
                    "{name}: {:.1} to {:.1} ({:+.1})",
                    swing.before,
                    swing.after,
                    swing.delta()
                ))
                .strong()
                .color(tone(swing.delta())),
            );
            let biggest = causes.first().map_or(1.0, |c| c.1.abs()).max(1e-9);
            let quoted = swing.quote(s);
            for (cause, d) in causes {
                ui.horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(56.0, 12.0), egui::Sense::hover());
                    let share = (d.abs() / biggest) as f32;
                    ui.painter().rect_filled(
                        egui::Rect::from_min_size(rect.min, egui::vec2(56.0 * share, 12.0)),
                        2.0,
                        tone(d),
                    );
                    ui.label(RichText::new(format!("{d:+.1}")).monospace().color(tone(d)));
                    // Background and assumptions are tagged (before the name, which
                    // wraps); quotations show below.
                    let basis = crate::explain::provenance_of(s, cause);
                    if matches!(
                        basis,
                        crate::scenario::provenance::Provenance::Background(_)
                            | crate::scenario::provenance::Provenance::Assumption(_)
                    ) {
                        ui.label(
                            RichText::new(format!("[{}]", basis.label()))
                                .small()
                                .color(widgets::QUOTE),
                        )
                        .on_hover_text(basis.detail().unwrap_or(""));
                    }
                    ui.add(egui::Label::new(cause_label(Some(s), cause)).wrap());
                });
                if let Some((_, q)) = quoted.filter(|(c, _)| *c == cause) {
                    widgets::quote(ui, q);
                }
            }
        });
    }
}
