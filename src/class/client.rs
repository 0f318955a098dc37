//! A class client that plays a strategy: what `common-enemy join` runs. It keeps
//! its own copy of the match (the mirror), rebuilt from what the server sends and
//! advanced turn by turn through the same engine (`sim::replay_turn`), so every
//! turn the server resolves is checked again here; its strategy chooses through
//! `sim::phases::strategy_orders`, exactly as it would in a local game.
//!
//! When the connection drops it reconnects and rejoins its seat with the seat
//! token, for up to [`REJOIN_FOR`].

use super::protocol::{
    ClientMsg, MatchInfo, PROTOCOL, Refusal, ServerMsg, follow_announcement, parse_turn, socket_url,
};
use crate::scenario::LoadedScenario;
use crate::sim::components::{Controller, Match, Orders, Phase, Sides};
use crate::sim::record::{GameRecord, named_orders};
use crate::sim::{follow, replay_turn, scratch_world, step};
use crate::strategy::Spec;
use bevy::prelude::*;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// How long a dropped client keeps trying to get its seat back.
pub const REJOIN_FOR: Duration = Duration::from_secs(60);

/// The end of a bot's game, as `join` prints it.
#[derive(Debug, Clone)]
pub struct Finished {
    pub side: usize,
    pub record: GameRecord,
    pub names: [String; 2],
    /// Per turn this client sent orders for: from sending them to the turn's record
    /// arriving (the load benchmark's latency, where this client's orders came last).
    pub waits: Vec<(u32, Duration)>,
    /// Messages sent and received over every connection.
    pub messages: usize,
}

/// The local copy of a seat's match.
struct Mirror {
    world: World,
    entity: Entity,
    scenario: Arc<LoadedScenario>,
    record: GameRecord,
    side: usize,
    names: [String; 2],
}

impl Mirror {
    /// The match as the server sent it: its scenario checked like any file, its
    /// record parsed with a record's checks and replayed through the engine.
    fn new(info: MatchInfo) -> Result<Mirror, String> {
        let (scenario, record) = info.open()?;
        let mut world = scratch_world();
        let entity = follow(&mut world, &record, scenario.clone(), false)
            .map_err(|e| format!("the server's record does not replay here: {e}"))?;
        for (turn, id) in &info.announced {
            follow_announcement(&mut world, entity, &scenario, id, *turn)?;
        }
        step(&mut world);
        Ok(Mirror {
            world,
            entity,
            scenario,
            record,
            side: info.side,
            names: info.names,
        })
    }

    /// A turn the server resolved, played here with the same orders and checked.
    fn push(&mut self, text: &str) -> Result<(), String> {
        let i = self.record.history.len();
        let turn = parse_turn(text, i)?;
        replay_turn(&mut self.world, self.entity, i, &turn)
            .map_err(|e| format!("turn {}: {e}", turn.turn))?;
        self.record.history.push(turn);
        step(&mut self.world);
        Ok(())
    }

    fn state(&self) -> Option<&Match> {
        self.world.get::<Match>(self.entity)
    }

    fn over(&self) -> bool {
        self.state().is_none_or(|m| m.phase == Phase::GameOver)
    }

    /// The orders `controller` gives this seat now, named as the protocol sends them.
    fn orders(
        &self,
        controller: &mut Controller,
    ) -> Option<(u32, std::collections::BTreeMap<String, String>)> {
        let m = self.state()?;
        if m.phase != Phase::Orders {
            return None;
        }
        let Controller::Strategy { strategy, rng } = controller else {
            return None;
        };
        let sides = self.world.get::<Sides>(self.entity)?;
        let mut orders = Orders::default();
        crate::sim::phases::strategy_orders(
            &self.scenario,
            m,
            sides,
            self.side,
            &mut **strategy,
            rng,
            &mut orders,
        );
        Some((
            m.turn,
            named_orders(&self.scenario, self.side, &orders.choices, &orders.answers),
        ))
    }

    fn finished(&self) -> Finished {
        let record = self
            .world
            .get::<crate::sim::record::Recorder>(self.entity)
            .map_or_else(|| self.record.clone(), |r| r.0.clone());
        Finished {
            side: self.side,
            record,
            names: self.names.clone(),
            waits: Vec::new(),
            messages: 0,
        }
    }
}

/// How one connection ended.
enum Ended {
    Finished(Box<Finished>),
    /// Refused for good (a wrong code, a seat that is gone, an ended class).
    Refused(String),
    /// The connection dropped: reconnect and rejoin.
    Dropped(String),
}

/// Joins a class at `server` (`http://HOST:PORT`) and plays `spec` until its match
/// ends. `progress` hears what happens, a line at a time.
pub async fn play(
    server: &str,
    code: &str,
    name: &str,
    spec: &Spec,
    delay: Duration,
    mut progress: impl FnMut(&str),
) -> Result<Finished, String> {
    let url = socket_url(server)?;
    let mut tally = Tally::default();
    let mut seat: Option<String> = None;
    let mut dropped_at: Option<Instant> = None;
    loop {
        let hello = match &seat {
            None => ClientMsg::Join {
                v: PROTOCOL,
                code: code.to_string(),
                name: name.to_string(),
            },
            Some(token) => ClientMsg::Rejoin {
                v: PROTOCOL,
                seat: token.clone(),
            },
        };
        let ended = match tokio_tungstenite::connect_async(url.as_str()).await {
            Ok((ws, _)) => {
                session(ws, hello, spec, delay, &mut seat, &mut tally, &mut progress).await
            }
            Err(e) if seat.is_none() && dropped_at.is_none() => {
                return Err(format!("cannot reach the class server at {url}: {e}"));
            }
            Err(e) => Ended::Dropped(e.to_string()),
        };
        match ended {
            Ended::Finished(f) => {
                return Ok(Finished {
                    waits: tally.waits,
                    messages: tally.messages,
                    ..*f
                });
            }
            Ended::Refused(why) => return Err(why),
            Ended::Dropped(why) => {
                let since = *dropped_at.get_or_insert_with(Instant::now);
                if since.elapsed() > REJOIN_FOR {
                    return Err(format!(
                        "lost the class server for over {} s: {why}",
                        REJOIN_FOR.as_secs()
                    ));
                }
                progress(&format!("connection lost ({why}); rejoining"));
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// What a client counts for the load benchmark.
#[derive(Default)]
struct Tally {
    waits: Vec<(u32, Duration)>,
    messages: usize,
    sent: Option<(u32, Instant)>,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One connection: hello, then messages until the match ends or the line drops.
async fn session(
    mut ws: Socket,
    hello: ClientMsg,
    spec: &Spec,
    delay: Duration,
    seat: &mut Option<String>,
    tally: &mut Tally,
    progress: &mut impl FnMut(&str),
) -> Ended {
    let send =
        |msg: &ClientMsg| Message::Text(serde_json::to_string(msg).unwrap_or_default().into());
    if let Err(e) = ws.send(send(&hello)).await {
        return Ended::Dropped(e.to_string());
    }
    tally.messages += 1;
    let mut mirror: Option<Mirror> = None;
    let mut controller = spec.controller();
    let mut sent_for: Option<u32> = None;
    while let Some(frame) = ws.next().await {
        let text = match frame {
            Ok(Message::Text(t)) => t,
            Ok(Message::Close(_)) => break,
            Ok(_) => continue,
            Err(e) => return Ended::Dropped(e.to_string()),
        };
        tally.messages += 1;
        let msg: ServerMsg = match serde_json::from_str(&text) {
            Ok(m) => m,
            Err(e) => {
                return Ended::Refused(format!(
                    "the server sent a message this client does not read: {e}"
                ));
            }
        };
        match msg {
            ServerMsg::Joined {
                seat: token, name, ..
            } => {
                if seat.is_none() {
                    progress(&format!("joined as {name}; waiting for a partner"));
                }
                *seat = Some(token);
            }
            ServerMsg::Match(info) => match Mirror::new(info) {
                Ok(m) => {
                    // A fresh stream for the strategy, seeded as the engine seeds it.
                    crate::sim::lifecycle::assign_seed(&mut controller, m.record.seed, m.side);
                    progress(&format!(
                        "playing {} as {} against {} (turn {})",
                        m.scenario.scenario.title,
                        m.scenario.scenario.players[m.side].name,
                        m.names[1 - m.side],
                        m.record.history.len() + 1
                    ));
                    sent_for = None;
                    mirror = Some(m);
                }
                Err(e) => return Ended::Refused(e),
            },
            ServerMsg::Turn { record } => {
                let Some(m) = mirror.as_mut() else {
                    return Ended::Refused("the server sent a turn before the match".into());
                };
                if let Err(e) = m.push(&record) {
                    return Ended::Refused(e);
                }
                if let Some((turn, at)) = tally.sent.take() {
                    tally.waits.push((turn, at.elapsed()));
                }
                if m.over() {
                    return Ended::Finished(Box::new(m.finished()));
                }
            }
            ServerMsg::Status {
                turn, waiting_for, ..
            } => {
                let Some(m) = mirror.as_ref() else { continue };
                let me = &m.scenario.scenario.players[m.side].id;
                if !waiting_for.contains(me) || sent_for == Some(turn) {
                    continue;
                }
                if let Some((now, orders)) = m.orders(&mut controller)
                    && now == turn
                {
                    tokio::time::sleep(delay).await;
                    if let Err(e) = ws.send(send(&ClientMsg::Orders { turn, orders })).await {
                        return Ended::Dropped(e.to_string());
                    }
                    tally.messages += 1;
                    tally.sent = Some((turn, Instant::now()));
                    sent_for = Some(turn);
                }
            }
            ServerMsg::Accepted { .. } => {}
            ServerMsg::Announced { turn, event } => {
                let Some(m) = mirror.as_mut() else { continue };
                progress(&format!("the teacher announced {event} for turn {turn}"));
                if let Err(e) =
                    follow_announcement(&mut m.world, m.entity, &m.scenario, &event, turn)
                {
                    return Ended::Refused(e);
                }
            }
            ServerMsg::Refused { refusal, message } => match refusal {
                // Stale or duplicate orders after a reconnect: the next status says what to do.
                Refusal::AlreadySent | Refusal::WrongTurn | Refusal::RateLimited => {
                    progress(&format!("refused: {message}"));
                }
                _ => return Ended::Refused(format!("refused: {message}")),
            },
            ServerMsg::Ended { message } => return Ended::Refused(message),
        }
    }
    Ended::Dropped("the server closed the connection".into())
}
