//! The game screen: its plugin, the snapshot screens read, the layout, and the
//! view that follows the match. One file per screen beside this one (briefing,
//! orders, reveal, report); screens return an `Intent` and only `intent::apply`
//! turns intents into messages; `files` holds saving.

mod briefing;
mod files;
mod intent;
mod orders;
mod report;
mod reveal;

use super::menu::{MenuState, MenuSystems, SaveRequest};
use super::session::{self, Session, View};
use super::{Screen, charts, debrief, map, widgets};
use crate::scenario::LoadedScenario;
use crate::scenario::schema::{Effect, Stance};
use crate::sim::components::*;
use crate::sim::record::{GameRecord, Recorder};
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText, Ui};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

pub fn plugin(app: &mut App) {
    app.add_message::<ExportRecord>()
        .init_resource::<PendingIntent>()
        .init_resource::<files::Exports>()
        .add_systems(
            Update,
            (
                session::start_when_loaded,
                intent::show_refusals,
                sync_view,
                keep_going,
                files::save_requests,
                files::finish_exports,
                files::autosave,
            )
                .chain()
                .after(super::run_turns)
                .run_if(in_state(Screen::Game)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            game_screen
                .run_if(in_state(Screen::Game))
                .after(MenuSystems),
        );
}

/// An intent from outside the screen (autoplay), applied like a click.
#[derive(Resource, Default, Debug)]
pub struct PendingIntent(pub Option<Intent>);

/// Asks for the game record to be written to the records folder.
#[derive(Message, Debug, Clone, Copy)]
pub struct ExportRecord;

/// What the player asked for on a screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    ToOrders,
    Pick {
        side: usize,
        decision: usize,
        option: u8,
    },
    Answer {
        side: usize,
        event: u16,
        option: u8,
    },
    Focus(usize),
    Confirm(usize),
    TakeSeat(usize),
    ToReport,
    NextTurn,
    ExportRecord,
    MainMenu,
    ToggleDilemma,
}

/// Everything a screen may read.
pub struct Snapshot<'a> {
    pub s: &'a LoadedScenario,
    pub m: &'a Match,
    pub sides: [&'a Side; 2],
    pub record: &'a GameRecord,
    pub session: &'a Session,
}

impl Snapshot<'_> {
    /// A metric by record key (`isis_strength`, `us.score`) now.
    pub fn now(&self, key: &str) -> Option<f64> {
        metric_value(self.s, self.m, self.sides, key)
    }

    /// The same metric before the last resolved turn.
    pub fn before_last_turn(&self, key: &str) -> Option<f64> {
        let n = self.record.history.len();
        if n >= 2 {
            self.record.history[n - 2].metrics.get(key).copied()
        } else {
            initial_value(self.s, key)
        }
    }
}

fn metric_value(s: &LoadedScenario, m: &Match, sides: [&Side; 2], key: &str) -> Option<f64> {
    match s.slot_of(key)? {
        crate::scenario::compiled::Slot::Shared(i) => m.shared.get(i as usize).copied(),
        crate::scenario::compiled::Slot::Player(p, i) => {
            sides[p as usize].metrics.get(i as usize).copied()
        }
        _ => None,
    }
}

fn initial_value(s: &LoadedScenario, key: &str) -> Option<f64> {
    s.initial(s.slot_of(key)?)
}

/// Moves the view along with the match: a new turn opens on its briefing, a
/// resolved turn on the reveal, the end on the debrief.
fn sync_view(
    mut session: Option<ResMut<Session>>,
    matches: Query<(&Match, &MatchScenario)>,
    sides: Query<&Side>,
) {
    let Some(session) = session.as_deref_mut() else {
        return;
    };
    let Some(Ok((m, scenario))) = session.match_entity.map(|e| matches.get(e)) else {
        return;
    };
    let view = session.view;
    match m.phase {
        Phase::Orders if !m.released && session.drafted_turn != m.turn => {
            session.drafted_turn = m.turn;
            session.view = View::Briefing;
            session.confirmed = [false; 2];
            session.focus = 0;
            // Drafts start from last turn's orders, else each decision's first option.
            for p in 0..2 {
                let side = m.players.get(p).and_then(|&e| sides.get(e).ok());
                let n = scenario.0.compiled.decisions[p].len();
                session.drafts[p] = side
                    .and_then(|s| s.last_orders.as_ref())
                    .map(|o| o.choices.clone())
                    .filter(|c| c.len() == n)
                    .unwrap_or_else(|| vec![0; n]);
                session.answers[p] = side
                    .map(|s| s.offered.iter().map(|&e| (e, 0)).collect())
                    .unwrap_or_default();
            }
        }
        Phase::Report
            if matches!(
                view,
                View::Waiting | View::Orders(_) | View::Handover(_) | View::Briefing
            ) =>
        {
            session.view = View::Reveal
        }
        Phase::GameOver if view != View::Debrief => session.view = View::Debrief,
        _ => {}
    }
}

/// The window redraws only on input; while the match moves on by itself (AI
/// orders, resolution, a loading scenario) it asks for the next frame.
fn keep_going(
    session: Option<Res<Session>>,
    matches: Query<&Match>,
    mut last: Local<Option<(u32, Phase, bool)>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    dilemma: Res<super::dilemma::DilemmaPanel>,
    exports: Res<files::Exports>,
) {
    let Some(session) = session else { return };
    let state = session
        .match_entity
        .and_then(|e| matches.get(e).ok())
        .map(|m| (m.turn, m.phase, m.released));
    let busy = state.is_none()
        || session.view == View::Waiting
        || state != *last
        || dilemma.busy()
        || exports.busy();
    *last = state;
    // A game that could not start has nothing to wait for.
    if busy && (session.notice.is_none() || state.is_some()) {
        redraw.write(bevy::window::RequestRedraw);
    }
}

fn game_screen(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    matches: Query<(&Match, &MatchScenario, &Recorder)>,
    sides: Query<&Side>,
    menu: Res<MenuState>,
    errors: Res<super::reload::ReloadErrors>,
    mut pending: ResMut<PendingIntent>,
    mut orders: MessageWriter<SubmitOrders>,
    mut continues: MessageWriter<ContinueMatch>,
    mut exports: MessageWriter<ExportRecord>,
    mut next: ResMut<NextState<Screen>>,
    mut commands: Commands,
    mut dilemma: ResMut<super::dilemma::DilemmaPanel>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(mut session) = session else {
        return Ok(());
    };
    let mut root = widgets::root(ctx);
    let loaded = session.match_entity.and_then(|e| matches.get(e).ok());
    let Some((m, scenario, recorder)) = loaded else {
        egui::CentralPanel::default().show(&mut root, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(120.0);
                match &session.notice {
                    Some(n) => {
                        ui.colored_label(widgets::DEFECT, n);
                        if ui.button("Main menu").clicked() {
                            commands.queue(super::menu::despawn_game);
                            next.set(Screen::Menu);
                        }
                    }
                    None => {
                        ui.spinner();
                        ui.label("Loading the scenario...");
                    }
                }
            });
        });
        return Ok(());
    };
    let Ok([a, b]) = sides.get_many(m.players) else {
        return Ok(());
    };
    let snap = Snapshot {
        s: &scenario.0,
        m,
        sides: [a, b],
        record: &recorder.0,
        session: &session,
    };
    let drawn = draw(&mut root, &snap, &errors);
    super::dilemma::draw(ctx, &mut dilemma, m, scenario, recorder);
    // Keys go to the pause menu while it is open.
    let intent = pending.0.take().or(if menu.paused { None } else { drawn });
    if intent == Some(Intent::ToggleDilemma) {
        dilemma.open = !dilemma.open;
    }
    if let Some(intent) = intent {
        intent::apply(
            intent,
            &mut session,
            m,
            &mut orders,
            &mut continues,
            &mut exports,
            &mut next,
            &mut commands,
        );
    }
    Ok(())
}

/// The whole game screen for one frame.
pub fn draw(
    root: &mut Ui,
    snap: &Snapshot,
    errors: &super::reload::ReloadErrors,
) -> Option<Intent> {
    let s = snap.s;
    let top = egui::Panel::top("top")
        .show(root, |ui| top_bar(ui, snap))
        .inner;
    let mut intent = None;
    if !errors.0.is_empty() {
        egui::Panel::bottom("reload-errors")
            .show(root, |ui| super::reload::error_panel(ui, &errors.0));
    }
    egui::Panel::left("dashboard")
        .exact_size(330.0)
        .show(root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                widgets::heading(ui, "Situation");
                widgets::dashboard(ui, s, &|k| snap.now(k), &|k| snap.before_last_turn(k));
            });
        });
    egui::Panel::right("map")
        .exact_size(400.0)
        .show(root, |ui| {
            map::draw(ui, snap);
            ui.separator();
            charts::scores(ui, snap.s, snap.record, 170.0);
        });
    egui::CentralPanel::default().show(root, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            intent = match snap.session.view {
                View::Briefing => briefing::briefing(ui, snap),
                View::Orders(p) => orders::orders_screen(ui, snap, p),
                View::Handover(p) => orders::handover(ui, snap, p),
                View::Waiting => {
                    ui.label("Orders sealed. The turn resolves...");
                    None
                }
                View::Reveal => reveal::reveal(ui, snap),
                View::Report => report::report(ui, snap),
                View::Debrief => debrief::draw(ui, snap),
            };
        });
    });
    top.or(intent)
}

fn top_bar(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let mut intent = None;
    let s = &snap.s.scenario;
    ui.horizontal(|ui| {
        ui.label(RichText::new(&s.title).strong().size(17.0));
        ui.separator();
        ui.label(
            RichText::new(format!(
                "Turn {} of {} · {}",
                snap.m.turn,
                snap.m.turns,
                snap.s.date(snap.m.turn)
            ))
            .size(16.0),
        );
        ui.separator();
        let score = snap.s.compiled.score_metric as usize;
        for (p, player) in s.players.iter().enumerate() {
            ui.label(
                RichText::new(format!(
                    "{} {:.1}",
                    player.name, snap.sides[p].metrics[score]
                ))
                .color(widgets::side_color(p))
                .strong(),
            );
        }
        ui.separator();
        if ui
            .button("Dilemma (D)")
            .on_hover_text("The cooperate/defect game underneath this turn")
            .clicked()
        {
            intent = Some(Intent::ToggleDilemma);
        }
        ui.label(RichText::new("Esc: menu").weak());
    });
    intent
}
