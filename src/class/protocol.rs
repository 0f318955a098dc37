//! The class protocol: what a student's client and the class server say to each
//! other over the WebSocket, as JSON. Versioned by [`PROTOCOL`]; every incoming
//! frame is size-checked before it is parsed, and parsing is strict (unknown
//! fields and types are refused), because a client is a stranger.
//!
//! A seat sees only its side: before a turn's reveal, the server says of the other
//! side only *whether* it has sent orders. After both sides have sealed, the turn's
//! record goes to both, exactly as it goes on record (and as the desktop game's
//! reveal shows it); the client replays it into its own copy of the match through
//! the same engine, so it shows the same screens as local play.

use crate::scenario::LoadedScenario;
use crate::sim::record::{GameRecord, TurnRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where `serve` listens unless told otherwise, and so where a game looks first.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The protocol version this build speaks. A join with another version is refused.
pub const PROTOCOL: u32 = 2;

/// The largest frame a client may send. Orders for the largest scenario the format
/// allows fit many times over; anything bigger is refused unread.
pub const MAX_CLIENT_FRAME: usize = 16 * 1024;

/// A nickname's length limit, in characters.
pub const MAX_NAME: usize = 24;

/// From a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Take a seat in the session with this join code.
    Join { v: u32, code: String, name: String },
    /// Come back to the seat this token was given for (after a closed tab, a dropped
    /// connection or a server restart).
    Rejoin { v: u32, seat: String },
    /// This side's sealed orders for `turn`: decision id → option id, and
    /// `event.decision` → option id for event choices, as records name them.
    Orders {
        turn: u32,
        orders: BTreeMap<String, String>,
    },
}

/// To a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerMsg {
    /// Seated in the session: keep `seat` secret, it is the way back to this seat.
    /// A match follows when a partner is found.
    Joined { v: u32, seat: String, name: String },
    /// The match this seat plays, as it stands: everything the client needs to
    /// rebuild it locally. Sent on seating and on every rejoin.
    Match(MatchInfo),
    /// A turn was resolved: its record, in the record format (RON).
    Turn { record: String },
    /// Who the match waits for (player ids), and whether the teacher paused it.
    Status {
        turn: u32,
        waiting_for: Vec<String>,
        paused: bool,
    },
    /// The orders for `turn` were taken and sealed.
    Accepted { turn: u32 },
    /// The teacher announced `event`: it fires at the briefing of `turn`, where its
    /// choice (if it has one) is offered. The client announces it in its own copy.
    Announced { turn: u32, event: String },
    /// A message was refused; nothing changed.
    Refused { refusal: Refusal, message: String },
    /// The teacher ended the session.
    Ended { message: String },
}

/// The match a seat plays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchInfo {
    /// Which side this seat plays: 0 or 1, as in the scenario's `players`.
    pub side: usize,
    /// Both players' nicknames, by side (an AI seat is named by its strategy).
    pub names: [String; 2],
    /// The scenario file's text, so the client plays exactly the server's scenario;
    /// its hash is on the record.
    pub scenario: String,
    /// The game record so far (RON): setup and every resolved turn.
    pub record: String,
    /// Announcements still waiting for their briefing: (turn, event id).
    #[serde(default)]
    pub announced: Vec<(u32, String)>,
}

impl MatchInfo {
    /// The match as the server sent it, checked like any file from a stranger: the
    /// scenario with the validator's diagnostics, the record with a record's checks.
    /// The caller replays the record through the engine (`sim::follow`), which
    /// checks every turn again.
    pub fn open(&self) -> Result<(Arc<LoadedScenario>, GameRecord), String> {
        let record = GameRecord::parse("the class record", self.record.as_bytes())
            .map_err(|d| d.to_string())?;
        // Named as the server's record names it, so the copy's record is the server's.
        let scenario =
            crate::scenario::parse_and_validate(&record.scenario_path, self.scenario.as_bytes())
                .map(Arc::new)
                .map_err(|ds| ds.iter().map(|d| d.to_string()).collect::<String>())?;
        if self.side > 1 {
            return Err("the server seated this client on no side".into());
        }
        Ok((scenario, record))
    }
}

/// Follows the teacher's announcement of event `id` for the briefing of `turn`
/// in a client's copy of the match (`sim::announce_at`).
pub fn follow_announcement(
    world: &mut bevy::prelude::World,
    entity: bevy::prelude::Entity,
    scenario: &LoadedScenario,
    id: &str,
    turn: u32,
) -> Result<(), String> {
    let e = scenario
        .scenario
        .events
        .iter()
        .position(|e| e.id == id)
        .ok_or_else(|| format!("the server announced \"{id}\", which is no event here"))?;
    crate::sim::announce_at(world, entity, e as u16, turn);
    Ok(())
}

/// A turn the server resolved, as sent in [`ServerMsg::Turn`]: it must be the turn
/// after the `played` ones the client has.
pub fn parse_turn(text: &str, played: usize) -> Result<TurnRecord, String> {
    let turn: TurnRecord =
        ron::from_str(text).map_err(|e| format!("a turn from the server does not parse: {e}"))?;
    if turn.turn as usize != played + 1 {
        return Err(format!(
            "the server sent turn {} after turn {played}",
            turn.turn
        ));
    }
    Ok(turn)
}

/// The class socket's address for a server URL: `http://host:port/…` →
/// `ws://host:port/class/ws` (`https` → `wss`). A bare `host:port` is taken as http.
pub fn socket_url(server: &str) -> Result<String, String> {
    let server = server.trim();
    let (scheme, rest) = [
        ("http://", "ws://"),
        ("https://", "wss://"),
        ("ws://", "ws://"),
        ("wss://", "wss://"),
    ]
    .iter()
    .find_map(|(from, to)| server.strip_prefix(from).map(|r| (*to, r)))
    .unwrap_or(("ws://", server));
    let host = rest.split('/').next().unwrap_or_default();
    let plain = |c: char| c.is_ascii_alphanumeric() || ".-:[]_".contains(c);
    if host.is_empty() || !host.chars().all(plain) {
        return Err(format!(
            "\"{server}\" is not a server address: write it as the teacher shows it, e.g. http://192.168.1.10:8080"
        ));
    }
    Ok(format!("{scheme}{host}/class/ws"))
}

/// Why a message was refused. The client shows `message`; scripts match on the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Another protocol version.
    Version,
    /// Not valid JSON, or not a message of this protocol.
    Malformed,
    /// A frame over [`MAX_CLIENT_FRAME`].
    TooLarge,
    /// Too many messages too fast.
    RateLimited,
    /// No open session has this join code.
    UnknownCode,
    /// The teacher closed this session to new students.
    Closed,
    /// The nickname is empty, too long or taken.
    BadName,
    /// No seat has this token.
    BadSeat,
    /// This connection has no seat yet (join or rejoin first).
    NotSeated,
    /// The seat has no match yet: waiting for a partner.
    NoMatch,
    /// The orders name another turn than the one being played.
    WrongTurn,
    /// Orders for this turn were already sealed.
    AlreadySent,
    /// The match is over.
    MatchOver,
    /// The orders do not fit the scenario (unknown decision or option, unanswered event).
    BadOrders,
    /// The teacher ended the session.
    Ended,
}

impl ClientMsg {
    /// Parses one frame from a client: size first, then strict JSON.
    pub fn parse(frame: &[u8]) -> Result<ClientMsg, (Refusal, String)> {
        if frame.len() > MAX_CLIENT_FRAME {
            return Err((
                Refusal::TooLarge,
                format!(
                    "a message of {} bytes is over the limit of {MAX_CLIENT_FRAME}",
                    frame.len()
                ),
            ));
        }
        serde_json::from_slice(frame).map_err(|e| (Refusal::Malformed, format!("{e}")))
    }
}

/// A nickname as the class shows it: trimmed, printable, 1 to [`MAX_NAME`] characters.
pub fn clean_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("type a nickname".into());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("a nickname has at most {MAX_NAME} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("a nickname cannot hold control characters".into());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_checked_for_size_then_parsed_strictly() {
        let join = br#"{"type":"join","v":1,"code":"AB12","name":"Ann"}"#;
        assert_eq!(
            ClientMsg::parse(join).unwrap(),
            ClientMsg::Join {
                v: 1,
                code: "AB12".into(),
                name: "Ann".into()
            }
        );
        let big = vec![b' '; MAX_CLIENT_FRAME + 1];
        assert_eq!(ClientMsg::parse(&big).unwrap_err().0, Refusal::TooLarge);
        for bad in [
            &br#"{"type":"join","v":1,"code":"AB12","name":"Ann","admin":true}"#[..],
            br#"{"type":"dashboard"}"#,
            br#"not json"#,
            br#"{"type":"orders","turn":-1,"orders":{}}"#,
        ] {
            assert_eq!(ClientMsg::parse(bad).unwrap_err().0, Refusal::Malformed);
        }
    }

    #[test]
    fn server_addresses_become_the_class_socket() {
        for (typed, want) in [
            ("http://10.0.0.5:8080", "ws://10.0.0.5:8080/class/ws"),
            (
                "https://class.school.org/",
                "wss://class.school.org/class/ws",
            ),
            ("10.0.0.5:8080", "ws://10.0.0.5:8080/class/ws"),
            (" http://[::1]:80/class/ ", "ws://[::1]:80/class/ws"),
        ] {
            assert_eq!(socket_url(typed).unwrap(), want, "{typed}");
        }
        for bad in ["", "http://", "ftp ://x", "http://a b:80"] {
            assert!(socket_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nicknames_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Ann ").unwrap(), "Ann");
        assert!(clean_name("   ").is_err());
        assert!(clean_name(&"x".repeat(MAX_NAME + 1)).is_err());
        assert!(clean_name("a\u{7}b").is_err());
    }
}
