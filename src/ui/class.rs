//! "Join a class": a student plays their seat of a class match from the game's own
//! screens, on the desktop or in the browser. The class server resolves every turn;
//! this side keeps a copy of the match, built from the record the server sends
//! (`sim::follow`) and advanced by each turn it resolves (`sim::replay_turn`), so
//! the briefing, orders, reveal, report and debrief are the ones local play shows,
//! and every turn from the server is checked again by the same engine.
//!
//! The socket (ewebsock: one client for both platforms) is polled once a frame and
//! wakes the window when a message arrives. The seat token is kept in the player's
//! storage, so a closed tab or a dropped line comes back to the same seat.

use super::Screen;
use super::session::{Seat, Session, Setup, View};
use crate::class::protocol::{
    ClientMsg, MatchInfo, PROTOCOL, Refusal, ServerMsg, follow_announcement, parse_turn,
};
use crate::scenario::LoadedScenario;
use crate::sim::components::{ContinueMatch, Match, Orders, Phase};
use crate::sim::record::{Recorder, named_orders};
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How long a dropped connection keeps trying to get its seat back.
const REJOIN_FOR: f64 = 60.0;
/// Between two attempts to reconnect.
const RETRY_EVERY: f64 = 2.0;

/// How to get a seat: a new one with a code and nickname, or back to one we hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    Join { code: String, name: String },
    Rejoin(StoredSeat),
}

/// A seat this player holds, kept between runs (a file on the desktop, the page's
/// storage in the browser): the token is the only way back to the seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredSeat {
    pub server: String,
    pub code: String,
    pub name: String,
    pub seat: String,
}

impl StoredSeat {
    fn path() -> PathBuf {
        crate::platform::home().join("class-seat.ron")
    }

    /// The seat kept from an earlier run, if any and readable.
    pub fn load() -> Option<StoredSeat> {
        let path = Self::path();
        let bytes = crate::platform::read(&path, 4096).ok()?;
        crate::ronfile::parse::<StoredSeat>(&path.display().to_string(), &bytes)
            .ok()
            .map(|(s, _)| s)
    }

    fn store(&self) {
        match ron::to_string(self) {
            Ok(text) => {
                if let Err(e) = crate::platform::write(&Self::path(), text.as_bytes()) {
                    warn!("could not keep the class seat: {e}");
                }
            }
            Err(e) => warn!("could not keep the class seat: {e}"),
        }
    }

    fn forget() {
        if let Err(e) = crate::platform::remove(&Self::path()) {
            warn!("could not forget the class seat: {e}");
        }
    }
}

/// Where the link to the class stands, as the join page and the game show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Connecting,
    /// Seated; no partner yet.
    Seated,
    Playing,
    /// The line dropped at this time (seconds); trying to get the seat back.
    Lost {
        since: f64,
        retry_at: f64,
    },
    /// Over: the class ended, the seat was refused, or the server is gone.
    Closed(String),
}

/// The class this game is linked to.
#[derive(Resource, Debug)]
pub struct ClassLink {
    pub server: String,
    pub ask: Ask,
    pub stage: Stage,
    /// The seat token, once seated.
    pub seat: Option<String>,
    pub name: String,
    /// A direct join from the command line or the page's URL: a refusal there ends
    /// an unattended run with an error instead of waiting on a menu.
    pub unattended: bool,
}

impl ClassLink {
    /// One line for the player: where the link stands.
    pub fn describe(&self) -> String {
        match &self.stage {
            Stage::Connecting => format!("Connecting to {}...", self.server),
            Stage::Seated => format!("Seated as {}. Waiting for a partner...", self.name),
            Stage::Playing => format!("Playing as {}.", self.name),
            Stage::Lost { .. } => "Lost the class server; getting your seat back...".into(),
            Stage::Closed(why) => why.clone(),
        }
    }
}

/// The socket, kept apart from [`ClassLink`]: in the browser it is a JS object
/// that must stay on the main thread.
struct Socket {
    tx: ewebsock::WsSender,
    rx: ewebsock::WsReceiver,
    /// The hello has been sent on this connection.
    greeted: bool,
}

/// What the game screens know of the class: the seat's side, the names, who the
/// match waits for, and orders confirmed but not yet sent.
#[derive(Debug, Clone, Default)]
pub struct ClassSeat {
    pub side: usize,
    pub names: [String; 2],
    /// Player ids the match waits for (from the server's status).
    pub waiting_for: Vec<String>,
    pub paused: bool,
    /// Orders confirmed on the orders screen, for this turn, to send.
    pub outbox: Option<(u32, Orders)>,
    /// The orders last sent: sent again if the server still waits for them (a
    /// server restarted before the turn resolved has lost them).
    pub sent: Option<(u32, Orders)>,
    /// The class ended or the line is lost: said on every screen.
    pub trouble: Option<String>,
}

impl ClassSeat {
    /// What the waiting screen says once this seat's orders are in.
    pub fn waiting_line(&self, s: &LoadedScenario) -> String {
        if self.paused {
            return "Your orders are sealed. The teacher has paused the class.".into();
        }
        let other = 1 - self.side;
        let theirs = &s.scenario.players[other];
        if self.waiting_for.contains(&theirs.id) {
            format!(
                "Your orders are sealed and sent. Waiting for {} ({})...",
                self.names[other], theirs.name
            )
        } else {
            "Your orders are sealed and sent. The turn resolves...".into()
        }
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        follow_server
            .before(super::run_turns)
            .run_if(resource_exists::<ClassLink>),
    );
}

/// Opens the link: connects, and says hello when the socket opens.
pub fn connect(world: &mut World, server: String, ask: Ask, unattended: bool) {
    let name = match &ask {
        Ask::Join { name, .. } => name.clone(),
        Ask::Rejoin(s) => s.name.clone(),
    };
    let seat = match &ask {
        Ask::Rejoin(s) => Some(s.seat.clone()),
        Ask::Join { .. } => None,
    };
    let mut link = ClassLink {
        server,
        ask,
        stage: Stage::Connecting,
        seat,
        name,
        unattended,
    };
    if let Err(e) = open_socket(world, &link.server) {
        link.stage = Stage::Closed(e);
    }
    world.insert_resource(link);
}

/// Ends the link: the socket closes; a held seat stays on the server to rejoin.
pub fn disconnect(world: &mut World) {
    world.remove_non_send::<Socket>();
    world.remove_resource::<ClassLink>();
}

fn open_socket(world: &mut World, server: &str) -> Result<(), String> {
    let url = crate::class::protocol::socket_url(server)?;
    // A message wakes the window, which otherwise sleeps until input.
    let proxy = world
        .get_resource::<bevy::winit::EventLoopProxyWrapper>()
        .map(|p| std::sync::Mutex::new((**p).clone()));
    let wake = move || {
        if let Some(Ok(p)) = proxy.as_ref().map(|p| p.lock()) {
            let _ = p.send_event(bevy::winit::WinitUserEvent::WakeUp);
        }
    };
    let (tx, rx) = ewebsock::connect_with_wakeup(url, ewebsock::Options::default(), wake)
        .map_err(|e| format!("Cannot reach the class server: {e}"))?;
    world.insert_non_send(Socket {
        tx,
        rx,
        greeted: false,
    });
    Ok(())
}

fn send(world: &mut World, msg: &ClientMsg) {
    if let (Some(mut socket), Ok(text)) = (
        world.get_non_send_mut::<Socket>(),
        serde_json::to_string(msg),
    ) {
        socket.tx.send(ewebsock::WsMessage::Text(text));
    }
}

/// Once a frame: reconnects a lost line, sends confirmed orders, and takes in what
/// the server said.
fn follow_server(world: &mut World) {
    let now = world.resource::<Time<Real>>().elapsed_secs_f64();
    retry(world, now);
    send_orders(world);
    let mut events = Vec::new();
    if let Some(socket) = world.get_non_send_mut::<Socket>() {
        while let Some(e) = socket.rx.try_recv() {
            events.push(e);
        }
    }
    if events.is_empty() {
        return;
    }
    world.write_message(bevy::window::RequestRedraw);
    for event in events {
        match event {
            ewebsock::WsEvent::Opened => hello(world),
            ewebsock::WsEvent::Message(ewebsock::WsMessage::Text(text)) => {
                match serde_json::from_str::<ServerMsg>(&text) {
                    Ok(msg) => take(world, msg),
                    Err(e) => close(
                        world,
                        format!("The server sent a message this game does not read: {e}"),
                    ),
                }
            }
            ewebsock::WsEvent::Message(_) => {}
            ewebsock::WsEvent::Error(e) => dropped(world, now, e),
            ewebsock::WsEvent::Closed => dropped(world, now, "the connection closed".into()),
        }
    }
}

fn hello(world: &mut World) {
    let Some(link) = world.get_resource::<ClassLink>() else {
        return;
    };
    // A held seat (asked for, or given on this link) is rejoined; else a new one asked.
    let msg = match (&link.seat, &link.ask) {
        (Some(seat), _) | (None, Ask::Rejoin(StoredSeat { seat, .. })) => ClientMsg::Rejoin {
            v: PROTOCOL,
            seat: seat.clone(),
        },
        (None, Ask::Join { code, name }) => ClientMsg::Join {
            v: PROTOCOL,
            code: code.clone(),
            name: name.clone(),
        },
    };
    send(world, &msg);
    if let Some(mut socket) = world.get_non_send_mut::<Socket>() {
        socket.greeted = true;
    }
}

/// The line dropped: a seated player tries to get the seat back for a minute.
fn dropped(world: &mut World, now: f64, why: String) {
    world.remove_non_send::<Socket>();
    let Some(mut link) = world.get_resource_mut::<ClassLink>() else {
        return;
    };
    match link.stage {
        Stage::Closed(_) | Stage::Lost { .. } => {}
        _ if link.seat.is_some() => {
            info!("class: lost the server ({why}); getting the seat back");
            link.stage = Stage::Lost {
                since: now,
                retry_at: now + RETRY_EVERY,
            };
            set_trouble(
                world,
                Some("Lost the class server; getting your seat back..."),
            );
        }
        _ => close(world, format!("Cannot reach the class server: {why}")),
    }
}

fn retry(world: &mut World, now: f64) {
    let Some(link) = world.get_resource::<ClassLink>() else {
        return;
    };
    let Stage::Lost { since, retry_at } = link.stage else {
        return;
    };
    if now < retry_at || world.get_non_send::<Socket>().is_some() {
        return;
    }
    if now - since > REJOIN_FOR {
        close(
            world,
            format!(
                "Lost the class server for over {REJOIN_FOR:.0} s. \
                 Rejoin from \"Join a class\" when it is back."
            ),
        );
        return;
    }
    let server = link.server.clone();
    if let Some(mut link) = world.get_resource_mut::<ClassLink>() {
        link.stage = Stage::Lost {
            since,
            retry_at: now + RETRY_EVERY,
        };
    }
    // A failure to connect shows as an error event, which schedules the next try.
    let _ = open_socket(world, &server);
}

/// The link is over, for the reason given; the game on screen stays.
fn close(world: &mut World, why: String) {
    world.remove_non_send::<Socket>();
    let unattended = match world.get_resource_mut::<ClassLink>() {
        Some(mut link) => {
            link.stage = Stage::Closed(why.clone());
            link.unattended
        }
        None => false,
    };
    set_trouble(world, Some(&why));
    if unattended {
        error!("{why}");
        world.write_message(AppExit::error());
    }
}

fn set_trouble(world: &mut World, why: Option<&str>) {
    if let Some(mut session) = world.get_resource_mut::<Session>()
        && let Some(class) = session.class.as_mut()
    {
        class.trouble = why.map(str::to_string);
    }
}

/// Sends the orders the player confirmed, once, when the line is up.
fn send_orders(world: &mut World) {
    if !world.get_non_send::<Socket>().is_some_and(|s| s.greeted) {
        return;
    }
    let Some(mut session) = world.get_resource_mut::<Session>() else {
        return;
    };
    let Some(scenario) = session.scenario.clone() else {
        return;
    };
    let Some(class) = session.class.as_mut() else {
        return;
    };
    let Some((turn, orders)) = class.outbox.take() else {
        return;
    };
    class.sent = Some((turn, orders.clone()));
    let named = named_orders(&scenario, class.side, &orders.choices, &orders.answers);
    send(
        world,
        &ClientMsg::Orders {
            turn,
            orders: named,
        },
    );
}

/// One message from the server.
fn take(world: &mut World, msg: ServerMsg) {
    match msg {
        ServerMsg::Joined { seat, name, .. } => {
            if let Some(mut link) = world.get_resource_mut::<ClassLink>() {
                let code = match &link.ask {
                    Ask::Join { code, .. } => code.clone(),
                    Ask::Rejoin(s) => s.code.clone(),
                };
                StoredSeat {
                    server: link.server.clone(),
                    code,
                    name: name.clone(),
                    seat: seat.clone(),
                }
                .store();
                link.seat = Some(seat);
                link.name = name;
                if matches!(link.stage, Stage::Lost { .. }) {
                    info!("class: back in the seat");
                }
                if link.stage != Stage::Playing {
                    link.stage = Stage::Seated;
                }
            }
            set_trouble(world, None);
        }
        ServerMsg::Match(info) => {
            if let Err(e) = show_match(world, info) {
                close(world, format!("This class's match cannot be shown: {e}"));
            }
        }
        ServerMsg::Turn { record } => {
            if let Err(e) = play_turn(world, &record) {
                close(
                    world,
                    format!("A turn from the class server does not replay here: {e}"),
                );
            }
        }
        ServerMsg::Status {
            turn,
            waiting_for,
            paused,
        } => {
            let Some(mut session) = world.get_resource_mut::<Session>() else {
                return;
            };
            let Some(me) = session
                .scenario
                .as_ref()
                .zip(session.class.as_ref())
                .map(|(s, c)| s.scenario.players[c.side].id.clone())
            else {
                return;
            };
            let Some(class) = session.class.as_mut() else {
                return;
            };
            if waiting_for.contains(&me)
                && let Some(sent) = class.sent.as_ref().filter(|(t, _)| *t == turn)
            {
                class.outbox = Some(sent.clone());
            }
            class.waiting_for = waiting_for;
            class.paused = paused;
        }
        ServerMsg::Accepted { .. } => {}
        ServerMsg::Announced { turn, event } => {
            if let Err(e) = follow_teacher(world, &event, turn) {
                close(world, e);
            }
        }
        ServerMsg::Refused { refusal, message } => refused(world, refusal, message),
        ServerMsg::Ended { message } => {
            StoredSeat::forget();
            close(world, format!("The class has ended: {message}"));
        }
    }
}

fn refused(world: &mut World, refusal: Refusal, message: String) {
    match refusal {
        // Orders sent twice across a reconnect, or too fast: the status says what next.
        Refusal::AlreadySent | Refusal::RateLimited => {}
        // Orders the server would not take: back to the orders screen, with why.
        Refusal::BadOrders | Refusal::WrongTurn | Refusal::NotSeated | Refusal::NoMatch => {
            if let Some(mut session) = world.get_resource_mut::<Session>()
                && let Some(side) = session.class.as_ref().map(|c| c.side)
            {
                session.confirmed[side] = false;
                if session.view == View::Waiting {
                    session.view = View::Orders(side);
                }
                session.notice = Some(format!("The class server refused those orders: {message}"));
            }
        }
        Refusal::BadSeat | Refusal::Ended => {
            StoredSeat::forget();
            close(world, format!("Refused: {message}"));
        }
        _ => close(world, format!("Refused: {message}")),
    }
}

/// The seat's match on screen: the same game kept if it is the one shown (a
/// rejoin), else rebuilt from the server's record.
fn show_match(world: &mut World, info: MatchInfo) -> Result<(), String> {
    let (scenario, record) = info.open()?;
    if let Some(mut link) = world.get_resource_mut::<ClassLink>() {
        link.stage = Stage::Playing;
    }
    let shown = world.get_resource::<Session>().and_then(|s| {
        s.class.as_ref()?;
        let e = s.match_entity?;
        world.get::<Recorder>(e).map(|r| (e, r))
    });
    if let Some((entity, _)) = shown.filter(|(_, r)| {
        r.0.scenario_hash == record.scenario_hash
            && r.0.seed == record.seed
            && r.0.history == record.history
    }) {
        // Announcements made while the line was down come with the match.
        for (turn, id) in &info.announced {
            follow_announcement(world, entity, &scenario, id, *turn)?;
        }
        set_trouble(world, None);
        return Ok(());
    }
    super::menu::remove_game(world);
    let entity =
        crate::sim::follow(world, &record, scenario.clone(), true).map_err(|e| e.to_string())?;
    for (turn, id) in &info.announced {
        follow_announcement(world, entity, &scenario, id, *turn)?;
    }
    let other = 1 - info.side;
    let mut seats = [Seat::Human, Seat::Human];
    seats[other] = Seat::Classmate(info.names[other].clone());
    let setup = Setup {
        scenario: format!("{}.ron", scenario.scenario.id),
        seats,
        seed: record.seed,
        noise: Some(record.noise),
        turns: Some(record.turns),
        autoplayed_by: None,
        quick: false,
        continuation: record.continuation,
    };
    let handle = world
        .resource_mut::<Assets<LoadedScenario>>()
        .add((*scenario).clone());
    let mut session = Session::new(setup, handle);
    session.scenario = Some(scenario);
    session.match_entity = Some(entity);
    session.class = Some(ClassSeat {
        side: info.side,
        names: info.names,
        ..ClassSeat::default()
    });
    world.insert_resource(session);
    world.resource_mut::<NextState<Screen>>().set(Screen::Game);
    Ok(())
}

/// The teacher's announcement, followed in the shown match.
fn follow_teacher(world: &mut World, event: &str, turn: u32) -> Result<(), String> {
    let Some((entity, scenario)) = world
        .get_resource::<Session>()
        .filter(|s| s.class.is_some())
        .and_then(|s| s.match_entity.zip(s.scenario.clone()))
    else {
        return Ok(());
    };
    follow_announcement(world, entity, &scenario, event, turn)
}

/// A turn the server resolved, played here with the same orders and checked. The
/// local match is first brought to that turn's orders (a player still reading
/// the last report, or a seat the teacher gave to the AI, may be behind).
fn play_turn(world: &mut World, text: &str) -> Result<(), String> {
    let entity = world
        .get_resource::<Session>()
        .filter(|s| s.class.is_some())
        .and_then(|s| s.match_entity)
        .ok_or("a turn came before the match")?;
    let played = world
        .get::<Recorder>(entity)
        .map_or(0, |r| r.0.history.len());
    let turn = parse_turn(text, played)?;
    // From a held report to the next turn's released orders takes at most three
    // steps (advance, brief, release); one more is slack.
    for _ in 0..4 {
        let at_orders = world
            .get::<Match>(entity)
            .is_some_and(|m| m.phase == Phase::Orders && m.released && m.turn == turn.turn);
        if at_orders {
            break;
        }
        world.write_message(ContinueMatch(entity));
        world.run_schedule(crate::sim::TurnSchedule);
    }
    crate::sim::replay_turn(world, entity, played, &turn).map_err(|e| e.to_string())?;
    if let Some(mut session) = world.get_resource_mut::<Session>()
        && let Some(class) = session.class.as_mut()
    {
        class.outbox = None;
        class.sent = None;
        class.waiting_for.clear();
    }
    Ok(())
}

/// The server the join page offers: the page's own in the browser, the last one
/// used on the desktop.
pub fn default_server() -> String {
    crate::platform::page_origin()
        .or_else(|| StoredSeat::load().map(|s| s.server))
        .unwrap_or_else(|| format!("http://{}", crate::class::protocol::DEFAULT_ADDR))
}
