//! The game in progress: who plays which side, the match entity, and saves.
//! A save is the setup plus the game record so far; loading replays the record's
//! orders through the turn systems, so a loaded game is the same game, bit for bit.

use crate::scenario::LoadedScenario;
use crate::sim::components::*;
use crate::sim::record::{GameRecord, Recorder};
use crate::sim::{MatchSetup, spawn_match};
use crate::strategy::Spec;
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The save format this build writes and reads.
pub const SAVE_FORMAT: u32 = 1;

/// Who plays a side: `human`, or a strategy spec (`tit_for_tat`, `ai_hard`, a `.ron` file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seat {
    Human,
    Ai(String),
    /// A classmate at another screen, by nickname: their orders come from the class
    /// server, never from this game.
    Classmate(String),
}

impl Seat {
    pub fn parse(s: &str) -> Result<Seat, String> {
        if s == "human" {
            return Ok(Seat::Human);
        }
        Spec::parse(s).map(|_| Seat::Ai(s.to_string()))
    }

    pub fn label(&self) -> String {
        match self {
            Seat::Human => "human".into(),
            Seat::Ai(s) | Seat::Classmate(s) => s.clone(),
        }
    }

    /// The strategy that fills this seat's orders screens when the game plays
    /// itself (autoplay): its own strategy, or tit-for-tat for a person's seat.
    pub fn hand(&self) -> String {
        match self {
            Seat::Ai(spec) => spec.clone(),
            Seat::Human | Seat::Classmate(_) => crate::strategy::Classic::TitForTat.id().into(),
        }
    }

    /// Who gives this seat its orders. A strategy file that cannot be read now
    /// (moved, or edited into an error since the game began) is an error, not a
    /// silent substitute.
    pub fn controller(&self) -> Result<Controller, String> {
        match self {
            Seat::Human | Seat::Classmate(_) => Ok(Controller::External),
            Seat::Ai(s) => Spec::parse(s).map(|spec| spec.controller()),
        }
    }
}

/// Whether side `p` of `s` can play quick turns: a single decision.
pub fn quick_eligible(s: &LoadedScenario, p: usize) -> bool {
    s.scenario
        .players
        .get(p)
        .is_some_and(|x| x.decisions.len() == 1)
}

/// How a game was set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    /// File name inside `scenarios/`, e.g. `syria_2015.ron`.
    pub scenario: String,
    pub seats: [Seat; 2],
    pub seed: u64,
    pub noise: Option<f64>,
    /// Overrides the scenario's number of turns.
    #[serde(default)]
    pub turns: Option<u32>,
    /// When the game played itself through the screens (autoplay): the strategy
    /// that filled each seat's orders, recorded as the player in the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoplayed_by: Option<[String; 2]>,
    /// Quick turns: one screen a turn — last turn's result above, this turn's
    /// choice below, a pick confirms. For one-decision games against the AI.
    #[serde(default)]
    pub quick: bool,
    /// An unknown end: after each turn the game goes on with this probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation: Option<f64>,
}

impl Setup {
    /// Who fills each seat's orders screens when this game plays itself.
    pub fn hands(&self) -> [String; 2] {
        let seats = match &self.autoplayed_by {
            Some(by) => by.clone().map(Seat::Ai),
            None => self.seats.clone(),
        };
        seats.map(|s| s.hand())
    }

    /// Whether this game plays in quick turns: asked for, one human, and one
    /// decision for that side.
    pub fn quick_for(&self, s: &LoadedScenario) -> Option<usize> {
        let humans: Vec<usize> = (0..2).filter(|&p| self.seats[p] == Seat::Human).collect();
        match humans[..] {
            [p] if self.quick && quick_eligible(s, p) => Some(p),
            _ => None,
        }
    }

    /// The players' names in the game record.
    fn recorded_as(&self) -> [String; 2] {
        match &self.autoplayed_by {
            Some(by) => by.clone(),
            None => self.seats.clone().map(|s| s.label()),
        }
    }
}

/// A saved game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveFile {
    pub format: u32,
    pub setup: Setup,
    pub record: GameRecord,
}

/// Which screen of a turn the player sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Briefing,
    /// A human side choosing its orders.
    Orders(usize),
    /// Hot-seat: the screen between the two humans' orders.
    Handover(usize),
    /// Orders are sealed; the turn is resolving.
    Waiting,
    Reveal,
    Report,
    Debrief,
}

/// The game being played.
#[derive(Resource)]
pub struct Session {
    pub setup: Setup,
    pub handle: Handle<LoadedScenario>,
    /// The scenario the match plays: the last good version of the file.
    pub scenario: Option<Arc<LoadedScenario>>,
    pub match_entity: Option<Entity>,
    pub view: View,
    /// Orders being drafted, per side: an option per decision.
    pub drafts: [Vec<u8>; 2],
    /// Answers to event choices being drafted, per side.
    pub answers: [Vec<(u16, u8)>; 2],
    /// The decision keyboard numbers pick for.
    pub focus: usize,
    pub confirmed: [bool; 2],
    /// The turn the drafts were set up for.
    pub drafted_turn: u32,
    /// A save to replay once the scenario is loaded.
    pub resume: Option<SaveFile>,
    /// Last message for the player (saved, loaded, errors).
    pub notice: Option<String>,
    /// Why the game could not start or resume. Once set, no match is spawned for
    /// this session, so a refused save is never replaced by a new game's autosave.
    pub refused: Option<String>,
    /// A class match: the server resolves its turns, and the class server keeps
    /// its record (no autosave here).
    pub class: Option<super::class::ClassSeat>,
}

impl Session {
    pub fn new(setup: Setup, handle: Handle<LoadedScenario>) -> Self {
        Session {
            setup,
            handle,
            scenario: None,
            match_entity: None,
            view: View::Briefing,
            drafts: [Vec::new(), Vec::new()],
            answers: [Vec::new(), Vec::new()],
            focus: 0,
            confirmed: [false; 2],
            drafted_turn: 0,
            resume: None,
            notice: None,
            refused: None,
            class: None,
        }
    }

    pub fn humans(&self) -> Vec<usize> {
        (0..2)
            .filter(|&p| self.setup.seats[p] == Seat::Human)
            .collect()
    }
}

/// Spawns the session's match (replaying a save if there is one) once its scenario
/// has loaded. A save that cannot be resumed is refused: the session shows why and
/// never falls back to a new game.
pub fn start_when_loaded(world: &mut World) {
    let Some(session) = world.get_resource::<Session>() else {
        return;
    };
    if session.match_entity.is_some() || session.refused.is_some() {
        return;
    }
    let Some(scenario) = world
        .resource::<Assets<LoadedScenario>>()
        .get(&session.handle)
        .cloned()
    else {
        return;
    };
    let scenario = Arc::new(scenario);
    let setup = session.setup.clone();
    let resume = session.resume.clone();
    let result = start_match(world, scenario.clone(), &setup, resume.as_ref());
    let mut session = world.resource_mut::<Session>();
    session.scenario = Some(scenario);
    match result {
        Ok(entity) => {
            session.resume = None;
            session.match_entity = Some(entity);
        }
        Err(message) => {
            session.notice = Some(message.clone());
            session.refused = Some(message);
        }
    }
}

/// A new match of `setup`, or the saved one resumed: the same setup either way.
pub fn start_match(
    world: &mut World,
    scenario: Arc<LoadedScenario>,
    setup: &Setup,
    save: Option<&SaveFile>,
) -> Result<Entity, String> {
    let [a, b] = &setup.seats;
    let controllers = [a.controller()?, b.controller()?];
    match save {
        None => Ok(spawn_match(
            world,
            MatchSetup {
                scenario,
                seed: setup.seed,
                turns: setup.turns,
                noise: setup.noise,
                continuation: setup.continuation,
                controllers,
                explain: true,
                hold: true,
                record_as: Some(setup.recorded_as()),
            },
        )),
        Some(save) => {
            crate::sim::resume(world, &save.record, scenario, controllers, true).map_err(|e| {
                format!("This save cannot be resumed: {e}. The save file is left as it was.")
            })
        }
    }
}

/// The save file for the session's match, as it stands.
pub fn snapshot(world: &World) -> Option<SaveFile> {
    let session = world.get_resource::<Session>()?;
    let record = world.get::<Recorder>(session.match_entity?)?.0.clone();
    Some(SaveFile {
        format: SAVE_FORMAT,
        setup: session.setup.clone(),
        record,
    })
}

pub fn write_save(save: &SaveFile, path: &Path) -> Result<(), String> {
    let text = ron::ser::to_string_pretty(save, crate::sim::record::layout(1))
        .map_err(|e| e.to_string())?;
    crate::platform::write(path, text.as_bytes())
}

/// Reads a save from an untrusted file: a clear message for anything wrong.
pub fn read_save(path: &Path) -> Result<SaveFile, String> {
    // A save holds its game's whole record, so it has the record's limit.
    let limit = crate::sim::record::MAX_RECORD_BYTES;
    let bytes = crate::platform::read(path, limit).map_err(|d| d.to_string())?;
    parse_save(&path.display().to_string(), &bytes)
}

/// Parses and checks a save's bytes; `name` places the messages.
pub fn parse_save(name: &str, bytes: &[u8]) -> Result<SaveFile, String> {
    let limit = crate::sim::record::MAX_RECORD_BYTES;
    let (save, source) =
        crate::ronfile::parse_limited::<SaveFile>(name, bytes, limit).map_err(|d| d.to_string())?;
    crate::sim::record::check_save_counts(
        &source,
        save.setup.turns,
        save.setup.noise,
        &save.record,
    )
    .map_err(|d| d.to_string())?;
    if save.format != SAVE_FORMAT {
        return Err(format!(
            "{name}: save format {} is not supported by this version (it reads {SAVE_FORMAT})",
            save.format
        ));
    }
    if save.setup.scenario.contains(['/', '\\']) || !save.setup.scenario.ends_with(".ron") {
        return Err(format!(
            "{name}: the save names an unusable scenario file \"{}\"",
            save.setup.scenario
        ));
    }
    Ok(save)
}

/// The autosave, written after every turn.
pub fn autosave_path() -> PathBuf {
    super::settings::saves_dir().join("autosave.ron")
}

/// Before a game first writes the save at `path`: if that file holds another
/// game (or cannot be read), it is renamed to `NAME.previous.ron`, so no save is
/// lost to an autosave of a different game. One generation is kept.
pub fn keep_other_game(path: &Path, ours: &SaveFile) -> Result<(), String> {
    if !crate::platform::exists(path) {
        return Ok(());
    }
    let same_game = read_save(path).is_ok_and(|theirs| {
        let (a, b) = (&theirs.record, &ours.record);
        a.scenario_hash == b.scenario_hash
            && a.seed == b.seed
            && a.players == b.players
            && a.history.len() <= b.history.len()
            && a.history[..] == b.history[..a.history.len()]
    });
    if same_game {
        return Ok(());
    }
    crate::platform::rename(path, &path.with_extension("previous.ron"))
}

/// A save as the Load page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveInfo {
    pub path: PathBuf,
    /// The name the player gave it (the file's stem).
    pub name: String,
    /// Scenario, turn and date, the sides, and when it was saved; or why the file
    /// cannot be loaded.
    pub details: String,
}

/// Saves the player made, newest first, each read to say what it holds.
pub fn list_saves() -> Vec<SaveInfo> {
    crate::platform::list(&super::settings::saves_dir())
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Browser storage keeps no times: there the list is only newest first
            // (and the clock is not asked: the browser's std has none, and panics).
            let ago = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
                .map(|d| format!(" · saved {}", ago(d.as_secs())))
                .unwrap_or_default();
            let details = match read_save(&path) {
                Ok(save) => {
                    let r = &save.record;
                    let at = r.history.last().map_or("not started".to_string(), |t| {
                        format!("after turn {} of {} ({})", t.turn, r.turns, t.date)
                    });
                    let sides: Vec<String> = r
                        .players
                        .iter()
                        .map(|(id, who)| format!("{id}: {who}"))
                        .collect();
                    let over = if r.outcome.is_some() {
                        " · finished"
                    } else {
                        ""
                    };
                    format!(
                        "{} · {at}{over} · {}{ago}",
                        save.setup.scenario.trim_end_matches(".ron"),
                        sides.join(", ")
                    )
                }
                Err(e) => format!("cannot be loaded: {}", e.lines().next().unwrap_or("")),
            };
            SaveInfo {
                path,
                name,
                details,
            }
        })
        .collect()
}

/// "3 min ago", "2 days ago".
fn ago(secs: u64) -> String {
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86400 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86400),
    }
}

/// A save name as typed, made safe for a file name: letters, digits, spaces,
/// `-` and `_` are kept (so "after turn 3" stays as typed), the rest dropped.
pub fn save_name(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-'))
        .collect::<String>()
        .trim()
        .chars()
        .take(80)
        .collect()
}

/// Where a named save goes.
pub fn saves_path(name: &str) -> PathBuf {
    super::settings::saves_dir().join(format!("{name}.ron"))
}
