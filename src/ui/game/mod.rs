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
use super::shown::{Lens, Shown, Viewer};
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
    /// Show or hide the side panel of a narrow window.
    ToggleSidePanel,
    /// Several intents of one frame (keys pressed within a frame), in order.
    Batch(Vec<Intent>),
}

impl Intent {
    /// None, one intent, or a batch of them.
    pub fn batch(mut intents: Vec<Intent>) -> Option<Intent> {
        match intents.len() {
            0 => None,
            1 => intents.pop(),
            _ => Some(Intent::Batch(intents)),
        }
    }
}

/// A draft's mark for a decision or event choice not chosen yet: a new game
/// starts with nothing chosen rather than quietly cooperating.
pub const UNCHOSEN: u8 = u8::MAX;

/// Everything a screen may read.
pub struct Snapshot<'a> {
    pub s: &'a LoadedScenario,
    pub m: &'a Match,
    pub sides: &'a [Side; 2],
    pub record: &'a GameRecord,
    pub session: &'a Session,
    /// The game of the turn just played, once measured (for the reveal).
    pub played: Option<&'a Result<crate::analysis::matrix::PlayedTurn, String>>,
    /// The finished game played again with both sides cooperating (for the debrief).
    pub counterfactual: Option<&'a Result<GameRecord, String>>,
}

impl Snapshot<'_> {
    /// A metric's true value by record key (`isis_strength`, `us.score`) now: for
    /// the engine's use; what a player may read of it is [`Snapshot::shown_now`].
    pub fn now(&self, key: &str) -> Option<f64> {
        metric_value(self.s, self.m, key)
    }

    /// What the screen shows of the match's metrics.
    pub fn lens(&self) -> Lens<'_> {
        Lens {
            s: self.s,
            seed: self.m.seed,
            viewer: Viewer::of(self.session),
        }
    }

    /// Turns resolved so far: the live values are those after this many.
    fn resolved(&self) -> u32 {
        self.record.history.last().map_or(0, |t| t.turn)
    }

    /// A metric as the player at the screen may read it now.
    pub fn shown_now(&self, key: &str) -> Option<Shown> {
        let truth = self.now(key)?;
        Some(self.lens().shown(key, self.resolved(), truth))
    }

    /// The same, before the last resolved turn.
    pub fn shown_before_last_turn(&self, key: &str) -> Option<Shown> {
        let truth = self.before_last_turn(key)?;
        let resolved = self.resolved().saturating_sub(1);
        Some(self.lens().shown(key, resolved, truth))
    }

    /// What each side's score gained in the last resolved turn.
    pub fn last_gains(&self) -> Option<[f64; 2]> {
        crate::report::debrief::gains(self.record, self.s.initial_scores())
            .last()
            .copied()
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

fn metric_value(s: &LoadedScenario, m: &Match, key: &str) -> Option<f64> {
    match s.slot_of(key)? {
        crate::scenario::compiled::Slot::Shared(i) => m.shared().get(i as usize).copied(),
        crate::scenario::compiled::Slot::Player(p, i) => {
            m.player_values(p as usize).get(i as usize).copied()
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
    matches: Query<(&Match, &Sides, &MatchScenario)>,
    mut continues: MessageWriter<ContinueMatch>,
) {
    let Some(session) = session.as_deref_mut() else {
        return;
    };
    let Some(entity) = session.match_entity else {
        return;
    };
    let Ok((m, sides, scenario)) = matches.get(entity) else {
        return;
    };
    let view = session.view;
    // Quick turns skip the briefing when there is no news, and the reveal and
    // report: the orders screen shows last turn's result.
    let quick = session.setup.quick_for(&scenario.0);
    match m.phase {
        Phase::Orders if !m.released && session.drafted_turn != m.turn => {
            session.drafted_turn = m.turn;
            session.view = View::Briefing;
            session.confirmed = [false; 2];
            session.focus = 0;
            // Drafts start from last turn's orders (the screen says so), else
            // with nothing chosen; event choices always start unanswered.
            for p in 0..2 {
                let side = sides.get(p);
                let n = scenario.0.compiled.decisions[p].len();
                session.drafts[p] = side
                    .and_then(|s| s.last_orders.as_ref())
                    .map(|o| o.choices.clone())
                    .filter(|c| c.len() == n)
                    .unwrap_or_else(|| vec![UNCHOSEN; n]);
                session.answers[p] = side
                    .map(|s| s.offered.iter().map(|&e| (e, UNCHOSEN)).collect())
                    .unwrap_or_default();
            }
            // The first briefing holds the player's objectives: always shown.
            if let Some(p) = quick
                && m.news.is_empty()
                && m.turn > 1
            {
                continues.write(ContinueMatch(entity));
                session.view = View::Orders(p);
            }
        }
        Phase::Report if quick.is_some() && m.outcome.is_none() && view == View::Waiting => {
            continues.write(ContinueMatch(entity));
            // Stays on Waiting until the next turn's orders are open.
            session.view = View::Briefing;
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
    counterfactual: Res<debrief::Counterfactual>,
) {
    let Some(session) = session else { return };
    let state = session
        .match_entity
        .and_then(|e| matches.get(e).ok())
        .map(|m| (m.turn, m.phase, m.released));
    // A class match waits on the server, whose messages wake the window.
    let busy = state.is_none()
        || (session.view == View::Waiting && session.class.is_none())
        || session.class.as_ref().is_some_and(|c| c.outbox.is_some())
        || state != *last
        || dilemma.busy()
        || exports.busy()
        || counterfactual.busy();
    *last = state;
    // A game that could not start has nothing to wait for.
    if busy && (session.notice.is_none() || state.is_some()) {
        redraw.write(bevy::window::RequestRedraw);
    }
}

fn game_screen(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    matches: Query<(&Match, &Sides, &MatchScenario, &Recorder)>,
    menu: Res<MenuState>,
    errors: Res<super::reload::ReloadErrors>,
    mut pending: ResMut<PendingIntent>,
    mut orders: MessageWriter<SubmitOrders>,
    mut continues: MessageWriter<ContinueMatch>,
    mut exports: MessageWriter<ExportRecord>,
    mut next: ResMut<NextState<Screen>>,
    mut commands: Commands,
    mut dilemma: ResMut<super::dilemma::DilemmaPanel>,
    counterfactual: Res<debrief::Counterfactual>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(mut session) = session else {
        return Ok(());
    };
    let mut root = widgets::root(ctx);
    let loaded = session.match_entity.and_then(|e| matches.get(e).ok());
    let Some((m, sides, scenario, recorder)) = loaded else {
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
    let last_turn = recorder.0.history.last().map_or(0, |t| t.turn);
    let snap = Snapshot {
        s: &scenario.0,
        m,
        sides,
        record: &recorder.0,
        session: &session,
        played: session
            .match_entity
            .and_then(|e| dilemma.played(e, last_turn)),
        counterfactual: session.match_entity.and_then(|e| counterfactual.of(e)),
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
    let top = egui::Panel::top("top")
        .show(root, |ui| top_bar(ui, snap))
        .inner;
    let mut intent = None;
    if !errors.0.is_empty() {
        egui::Panel::bottom("reload-errors")
            .show(root, |ui| super::reload::error_panel(ui, &errors.0));
    }
    let width = root.available_width();
    let mut side = SidePanel::load(root.ctx(), width);
    if let Some(Intent::ToggleSidePanel) = top {
        side.shown = !side.shown;
    }
    if width >= WIDE {
        // Three columns: the situation, the orders in the middle, map and charts.
        egui::Panel::left("dashboard")
            .exact_size((width * 0.22).clamp(250.0, 420.0))
            .show(root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| situation(ui, snap));
            });
        egui::Panel::right("map")
            .exact_size((width * 0.3).clamp(300.0, 720.0))
            .show(root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| map_and_charts(ui, snap));
            });
    } else if side.shown {
        // One side panel, its contents on tabs, beside a central column kept wide
        // enough to read the orders.
        egui::Panel::left("side")
            .exact_size(
                (width * 0.36)
                    .clamp(240.0, 380.0)
                    .min(width - 320.0)
                    .max(200.0),
            )
            .show(root, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for (tab, name) in [(0, "Situation"), (1, "Map"), (2, "Charts")] {
                        ui.selectable_value(&mut side.tab, tab, name);
                    }
                });
                ui.separator();
                egui::ScrollArea::vertical().show(ui, |ui| match side.tab {
                    0 => situation(ui, snap),
                    1 => map::draw(ui, snap),
                    _ => charts::scores(ui, snap.s, snap.record, ui.available_height() * 0.4),
                });
            });
    }
    side.store(root.ctx());
    egui::CentralPanel::default().show(root, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            intent = match snap.session.view {
                View::Briefing => briefing::briefing(ui, snap),
                View::Orders(p) => orders::orders_screen(ui, snap, p),
                View::Handover(p) => orders::handover(ui, snap, p),
                View::Waiting => {
                    match &snap.session.class {
                        Some(class) => {
                            // No spinner: it would redraw the window every frame
                            // for as long as the classmate takes.
                            ui.add_space(20.0);
                            ui.label(RichText::new(class.waiting_line(snap.s)).size(18.0));
                        }
                        None => {
                            ui.label("Orders sealed. The turn resolves...");
                        }
                    }
                    None
                }
                View::Reveal => reveal::reveal(ui, snap),
                View::Report => report::report(ui, snap),
                View::Debrief => debrief::draw(ui, snap),
            };
        });
    });
    top.filter(|i| *i != Intent::ToggleSidePanel).or(intent)
}

/// Windows at least this wide (in points, after the UI scale) get three columns.
const WIDE: f32 = 1100.0;
/// Below this width the side panel starts hidden.
const NARROW: f32 = 760.0;

/// The side panel of a narrow window: shown or not, and which tab. UI state
/// only, kept in egui's memory.
#[derive(Clone, Copy)]
struct SidePanel {
    shown: bool,
    tab: u8,
}

impl SidePanel {
    fn id() -> egui::Id {
        egui::Id::new("game-side-panel")
    }

    fn load(ctx: &egui::Context, width: f32) -> SidePanel {
        ctx.data(|d| d.get_temp::<SidePanel>(Self::id()))
            .unwrap_or(SidePanel {
                shown: width >= NARROW,
                tab: 0,
            })
    }

    fn store(self, ctx: &egui::Context) {
        ctx.data_mut(|d| d.insert_temp(Self::id(), self));
    }
}

fn situation(ui: &mut Ui, snap: &Snapshot) {
    widgets::heading(ui, "Situation");
    widgets::dashboard(ui, &snap.lens(), &|k| snap.shown_now(k), &|k| {
        snap.shown_before_last_turn(k)
    });
}

/// The map over the charts, both as wide as the column; the map takes at most
/// about half the height so the charts stay in view.
fn map_and_charts(ui: &mut Ui, snap: &Snapshot) {
    let height = ui.available_height();
    if snap.s.scenario.map.is_some() {
        map::draw(ui, snap);
        ui.separator();
    }
    let chart = ((height - ui.min_rect().height()) * 0.42).max(130.0);
    charts::scores(ui, snap.s, snap.record, chart);
}

fn top_bar(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let mut intent = None;
    let s = &snap.s.scenario;
    ui.horizontal_wrapped(|ui| {
        if ui.available_width() < WIDE
            && ui
                .button("☰")
                .on_hover_text("Show or hide the situation, map and charts")
                .clicked()
        {
            intent = Some(Intent::ToggleSidePanel);
        }
        ui.label(RichText::new(&s.title).strong().size(17.0));
        ui.separator();
        let of = match snap.m.continuation {
            Some(_) => " (the end is unknown)".to_string(),
            None => format!(" of {}", snap.m.turns),
        };
        let date = if snap.s.scenario.calendar.rounds {
            String::new()
        } else {
            format!(" · {}", snap.s.date(snap.m.turn))
        };
        ui.label(RichText::new(format!("Turn {}{of}{date}", snap.m.turn)).size(16.0));
        ui.separator();
        let score = snap.s.compiled.score_metric as usize;
        for (p, player) in s.players.iter().enumerate() {
            ui.label(
                RichText::new(format!("{} {:.1}", player.name, snap.m.scores(score)[p]))
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
    // Saved, reloaded, refused: the last message for the player, on every screen.
    if let Some(n) = &snap.session.notice {
        ui.add(egui::Label::new(RichText::new(n).color(widgets::QUOTE)).wrap());
    }
    if let Some(class) = &snap.session.class {
        let other = 1 - class.side;
        ui.label(
            RichText::new(format!(
                "Class match: you play {} against {}",
                snap.s.scenario.players[class.side].name, class.names[other]
            ))
            .weak(),
        );
        if let Some(trouble) = &class.trouble {
            ui.add(egui::Label::new(RichText::new(trouble).color(widgets::DEFECT)).wrap());
        }
    }
    intent
}
