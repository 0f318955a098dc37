//! The turn, screen by screen: briefing, orders (with a hand-over between two
//! humans), reveal, report; the debrief at the end. Screens read a snapshot of
//! the match and return an `Intent`; only `apply` turns intents into messages.

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
        .add_systems(
            Update,
            (
                session::start_when_loaded,
                sync_view,
                keep_going,
                save_requests,
                autosave,
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
    use crate::scenario::schema::Scope;
    let (player, id) = match key.split_once('.') {
        Some((p, id)) => (s.player_index(p), id),
        None => (None, key),
    };
    let mut shared = 0;
    let mut per = 0;
    for def in &s.scenario.metrics {
        match def.scope {
            Scope::Shared if def.id == id && player.is_none() => {
                return m.shared.get(shared).copied();
            }
            Scope::PerPlayer if def.id == id => {
                return player.and_then(|p| sides[p].metrics.get(per).copied());
            }
            Scope::Shared => shared += 1,
            Scope::PerPlayer => per += 1,
        }
    }
    None
}

fn initial_value(s: &LoadedScenario, key: &str) -> Option<f64> {
    let (player, id) = match key.split_once('.') {
        Some((p, id)) => (s.player_index(p), id),
        None => (None, key),
    };
    let m = s.scenario.metrics.iter().find(|m| m.id == id)?;
    let p = player
        .and_then(|p| s.scenario.players.get(p))
        .map(|p| p.id.as_str());
    Some(
        p.and_then(|p| m.initial_for.get(p).copied())
            .unwrap_or(m.initial),
    )
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
) {
    let Some(session) = session else { return };
    let state = session
        .match_entity
        .and_then(|e| matches.get(e).ok())
        .map(|m| (m.turn, m.phase, m.released));
    let busy = state.is_none() || session.view == View::Waiting || state != *last;
    *last = state;
    if busy && session.notice.is_none() {
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
        apply(
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
                View::Briefing => briefing(ui, snap),
                View::Orders(p) => orders_screen(ui, snap, p),
                View::Handover(p) => handover(ui, snap, p),
                View::Waiting => {
                    ui.label("Orders sealed. The turn resolves...");
                    None
                }
                View::Reveal => reveal(ui, snap),
                View::Report => report(ui, snap),
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

fn briefing(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    widgets::heading(ui, &format!("Briefing — {}", snap.s.date(snap.m.turn)));
    if snap.m.turn == 1 {
        for p in snap.session.humans() {
            let player = &sc.players[p];
            ui.label(
                RichText::new(format!("You are {}", player.name))
                    .size(17.0)
                    .color(widgets::side_color(p)),
            );
            ui.label(&player.briefing);
            for o in &player.objectives {
                ui.label(format!("• {o}"));
            }
            ui.add_space(6.0);
        }
    }
    if snap.m.news.is_empty() {
        ui.label("No news this month. The air war goes on.");
    }
    for &e in &snap.m.news {
        let event = &sc.events[e as usize];
        ui.group(|ui| {
            ui.label(RichText::new(&event.title).size(17.0).strong());
            ui.label(&event.text);
            if let Some(q) = &event.source {
                widgets::quote(ui, q);
            }
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

/// What an option tends to do, in words: "ISIS strength −1, your standing +1".
pub fn tendency(snap: &Snapshot, effects: &[Effect]) -> String {
    let name = |metric: &str| {
        let (who, id) = match metric.split_once('.') {
            Some(("self", id)) => ("your ", id),
            Some(("other", id)) => ("their ", id),
            Some((p, id)) => (
                snap.s
                    .scenario
                    .players
                    .iter()
                    .find(|x| x.id == p)
                    .map_or("", |x| x.name.as_str()),
                id,
            ),
            None => ("", metric),
        };
        let n = snap
            .s
            .scenario
            .metrics
            .iter()
            .find(|m| m.id == id)
            .map_or(id, |m| m.name.as_str());
        if who.is_empty() || who.ends_with(' ') {
            format!("{who}{n}")
        } else {
            format!("{who} {n}")
        }
    };
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Add { metric, value } => Some(format!("{} {value:+}", name(metric))),
            Effect::Scale { metric, factor } => Some(format!("{} ×{factor}", name(metric))),
            Effect::Set { metric, value } => Some(format!("{} = {value}", name(metric))),
            Effect::AddPer {
                metric,
                per,
                factor,
            } => Some(format!("{} {factor:+}×{}", name(metric), name(per))),
            Effect::Fire(_) | Effect::Misperceive { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn orders_screen(ui: &mut Ui, snap: &Snapshot, p: usize) -> Option<Intent> {
    let player = &snap.s.scenario.players[p];
    let draft = &snap.session.drafts[p];
    let mut intent = None;
    ui.label(
        RichText::new(format!(
            "{} — your orders for {}",
            player.name,
            snap.s.date(snap.m.turn)
        ))
        .size(22.0)
        .strong()
        .color(widgets::side_color(p)),
    );
    ui.label(RichText::new("One choice per line. Up/Down move between decisions, number keys pick, Enter confirms. Nothing is sent until you confirm.").weak());
    let focus = snap
        .session
        .focus
        .min(player.decisions.len().saturating_sub(1));
    let (up, down, number) = ui.input(|i| {
        let digit = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ]
        .iter()
        .position(|k| i.key_pressed(*k));
        (
            i.key_pressed(egui::Key::ArrowUp),
            i.key_pressed(egui::Key::ArrowDown),
            digit,
        )
    });
    if up && focus > 0 {
        intent = Some(Intent::Focus(focus - 1));
    }
    if down && focus + 1 < player.decisions.len() {
        intent = Some(Intent::Focus(focus + 1));
    }
    if let Some(n) = number
        && n < player.decisions[focus].options.len()
    {
        intent = Some(Intent::Pick {
            side: p,
            decision: focus,
            option: n as u8,
        });
    }
    for (d, decision) in player.decisions.iter().enumerate() {
        let frame = egui::Frame::group(ui.style()).stroke(if d == focus {
            egui::Stroke::new(2.0, widgets::side_color(p))
        } else {
            ui.style().visuals.widgets.noninteractive.bg_stroke
        });
        frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("{}. {}", d + 1, decision.name))
                        .strong()
                        .size(16.0),
                );
                if !decision.description.is_empty() {
                    ui.label(RichText::new(&decision.description).weak());
                }
            });
            for (o, option) in decision.options.iter().enumerate() {
                let chosen = draft.get(d) == Some(&(o as u8));
                let text = RichText::new(format!("[{}] {}", o + 1, option.name)).size(15.0);
                let response = ui.horizontal(|ui| {
                    let r = ui.selectable_label(chosen, text);
                    let tag = match option.stance {
                        Stance::Cooperate => "cooperative",
                        Stance::Defect => "defecting",
                    };
                    ui.label(
                        RichText::new(tag)
                            .small()
                            .color(widgets::stance_color(option.stance)),
                    );
                    r
                });
                if response.inner.clicked() {
                    intent = Some(Intent::Pick {
                        side: p,
                        decision: d,
                        option: o as u8,
                    });
                }
                if chosen {
                    if !option.description.is_empty() {
                        ui.label(RichText::new(&option.description).small());
                    }
                    let t = tendency(snap, &option.effects);
                    if !t.is_empty() {
                        ui.label(RichText::new(format!("Tends to: {t}")).small());
                    }
                    if let Some(q) = &option.source {
                        widgets::quote(ui, q);
                    }
                }
            }
        });
    }
    for &(event, answer) in &snap.session.answers[p] {
        let Some(choice) = &snap.s.scenario.events[event as usize].choice else {
            continue;
        };
        ui.group(|ui| {
            ui.label(
                RichText::new(format!(
                    "{}: {}",
                    snap.s.scenario.events[event as usize].title, choice.decision.name
                ))
                .strong(),
            );
            for (o, option) in choice.decision.options.iter().enumerate() {
                if ui
                    .selectable_label(answer == o as u8, &option.name)
                    .clicked()
                {
                    intent = Some(Intent::Answer {
                        side: p,
                        event,
                        option: o as u8,
                    });
                }
                if answer == o as u8
                    && let Some(q) = &option.source
                {
                    widgets::quote(ui, q);
                }
            }
        });
    }
    ui.add_space(8.0);
    let stance = crate::sim::rules::stance_of(&snap.s.compiled.decisions[p], draft);
    ui.label(
        RichText::new(format!(
            "In the dilemma view these orders {}.",
            if stance == Stance::Cooperate {
                "cooperate"
            } else {
                "defect"
            }
        ))
        .color(widgets::stance_color(stance)),
    );
    if widgets::primary(ui, "Confirm orders") {
        intent = Some(Intent::Confirm(p));
    }
    intent
}

fn handover(ui: &mut Ui, snap: &Snapshot, p: usize) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let other = &sc.players[1 - p].name;
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        widgets::heading(ui, &format!("{other}'s orders are sealed."));
        ui.label(
            RichText::new(format!(
                "Pass the seat to {}. Don't look at the other side's screen.",
                sc.players[p].name
            ))
            .size(17.0),
        );
        ui.add_space(20.0);
        widgets::primary(ui, &format!("I am {} — show my orders", sc.players[p].name))
            .then_some(Intent::TakeSeat(p))
    })
    .inner
}

fn reveal(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let t = snap.record.history.last()?;
    widgets::heading(ui, &format!("Orders revealed — {}", t.date));
    ui.columns(2, |cols| {
        for (p, player) in sc.players.iter().enumerate() {
            let ui = &mut cols[p];
            ui.label(
                RichText::new(&player.name)
                    .size(18.0)
                    .strong()
                    .color(widgets::side_color(p)),
            );
            ui.label(
                RichText::new(format!("{:?}", t.stances[p]))
                    .color(widgets::stance_color(t.stances[p]))
                    .strong(),
            );
            for d in &player.decisions {
                let chosen = t.orders[p].get(&d.id);
                let name = chosen
                    .and_then(|o| d.options.iter().find(|x| &x.id == o))
                    .map_or("?", |o| o.name.as_str());
                ui.label(format!("{}: {name}", d.name));
            }
        }
    });
    ui.separator();
    let mut any = false;
    for (p, player) in sc.players.iter().enumerate() {
        let other = &sc.players[1 - p];
        for d in &other.decisions {
            let (truth, seen) = (t.orders[1 - p].get(&d.id), t.perceived[p].get(&d.id));
            if truth != seen {
                any = true;
                let name = |o: Option<&String>| {
                    o.and_then(|o| d.options.iter().find(|x| &x.id == o))
                        .map_or("?".to_string(), |o| o.name.clone())
                };
                ui.label(
                    RichText::new(format!(
                        "{} believes {}'s {} was “{}” — it was “{}”.",
                        player.name,
                        other.name,
                        d.name.to_lowercase(),
                        name(seen),
                        name(truth)
                    ))
                    .color(widgets::DEFECT),
                );
            }
        }
    }
    if any {
        if let Some(q) = &sc.noise.source {
            widgets::quote(ui, q);
        }
    } else {
        ui.label("Each side saw the other's orders as they were.");
    }
    ui.add_space(10.0);
    widgets::primary(ui, "See what happened").then_some(Intent::ToReport)
}

fn report(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let t = snap.record.history.last()?;
    widgets::heading(ui, &format!("Report — {}", t.date));
    for id in &t.events {
        if let Some(e) = sc.events.iter().find(|e| &e.id == id) {
            ui.group(|ui| {
                ui.label(RichText::new(&e.title).strong());
                ui.label(&e.text);
                if let Some(q) = &e.source {
                    widgets::quote(ui, q);
                }
            });
        }
    }
    ui.label(RichText::new("What changed, and why").size(17.0).strong());
    debrief::explained_changes(ui, snap.s, t);
    ui.separator();
    charts::metrics(ui, snap.s, snap.record, 180.0);
    ui.add_space(10.0);
    let last = snap.m.outcome.is_some();
    widgets::primary(ui, if last { "See the debrief" } else { "Next turn" })
        .then_some(Intent::NextTurn)
}

/// Turns an intent into changes to the session and messages to the engine.
fn apply(
    intent: Intent,
    session: &mut Session,
    m: &Match,
    orders: &mut MessageWriter<SubmitOrders>,
    continues: &mut MessageWriter<ContinueMatch>,
    exports: &mut MessageWriter<ExportRecord>,
    next: &mut NextState<Screen>,
    commands: &mut Commands,
) {
    let Some(entity) = session.match_entity else {
        return;
    };
    let humans = session.humans();
    match intent {
        Intent::ToOrders => {
            continues.write(ContinueMatch(entity));
            session.view = match humans.first() {
                Some(&p) => View::Orders(p),
                None => View::Waiting,
            };
        }
        Intent::Pick {
            side,
            decision,
            option,
        } => {
            if let Some(slot) = session.drafts[side].get_mut(decision) {
                *slot = option;
            }
            session.focus = decision;
        }
        Intent::Answer {
            side,
            event,
            option,
        } => {
            if let Some(a) = session.answers[side].iter_mut().find(|(e, _)| *e == event) {
                a.1 = option;
            }
        }
        Intent::Focus(d) => session.focus = d,
        Intent::Confirm(p) => {
            orders.write(SubmitOrders {
                side: m.players[p],
                orders: Orders {
                    choices: session.drafts[p].clone(),
                    answers: session.answers[p].clone(),
                },
            });
            session.confirmed[p] = true;
            session.focus = 0;
            session.view = match humans.iter().find(|&&h| !session.confirmed[h]) {
                Some(&h) => View::Handover(h),
                None => View::Waiting,
            };
        }
        Intent::TakeSeat(p) => session.view = View::Orders(p),
        Intent::ToReport => session.view = View::Report,
        Intent::NextTurn => {
            continues.write(ContinueMatch(entity));
        }
        Intent::ExportRecord => {
            exports.write(ExportRecord);
        }
        Intent::ToggleDilemma => {}
        Intent::MainMenu => {
            commands.queue(super::menu::despawn_game);
            next.set(Screen::Menu);
        }
    }
}

/// Saves asked for from the pause menu, and record exports from the debrief.
fn save_requests(world: &mut World) {
    let requests: Vec<SaveRequest> = world
        .resource_mut::<Messages<SaveRequest>>()
        .drain()
        .collect();
    let export = world
        .resource_mut::<Messages<ExportRecord>>()
        .drain()
        .count()
        > 0;
    if requests.is_empty() && !export {
        return;
    }
    let Some(save) = session::snapshot(world) else {
        return;
    };
    for SaveRequest(path) in requests {
        if let Err(e) = session::write_save(&save, &path) {
            world.resource_mut::<MenuState>().message = Some(format!("Could not save: {e}"));
        }
    }
    if export {
        let path = super::settings::home().join("records").join(format!(
            "{}-seed{}-{}.ron",
            save.record.scenario,
            save.record.seed,
            std::process::id()
        ));
        let scenario = world
            .get_resource::<Session>()
            .and_then(|s| s.scenario.clone());
        let report = path.with_extension("md");
        let result = std::fs::create_dir_all(path.parent().unwrap_or(&path))
            .map_err(|e| e.to_string())
            .and_then(|_| save.record.write(&path).map_err(|e| e.to_string()))
            .and_then(|_| {
                let text = crate::report::debrief::markdown(&save.record, scenario.as_deref());
                let csv = crate::report::debrief::turns_csv(&save.record);
                crate::sim::record::write_atomically(&report, text.as_bytes())
                    .and_then(|_| {
                        crate::sim::record::write_atomically(
                            &report.with_extension("csv"),
                            csv.as_bytes(),
                        )
                    })
                    .map_err(|e| e.to_string())
            });
        let notice = match result {
            Ok(()) => format!(
                "Game record saved to {}; the debrief report beside it ({} and .csv)",
                path.display(),
                report.display()
            ),
            Err(e) => format!("Could not save the record: {e}"),
        };
        world.resource_mut::<Session>().notice = Some(notice);
    }
}

/// After each resolved turn, the game saves itself for Continue.
fn autosave(world: &mut World, mut saved_turns: Local<usize>) {
    let Some(save) = session::snapshot(world) else {
        return;
    };
    let turns = save.record.history.len();
    if turns == *saved_turns {
        return;
    }
    *saved_turns = turns;
    if let Err(e) = session::write_save(&save, &session::autosave_path()) {
        warn!("autosave failed: {e}");
    }
}
