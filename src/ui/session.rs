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
            Seat::Ai(s) => s.clone(),
        }
    }

    /// Who gives this seat its orders. A strategy file that cannot be read now
    /// (moved, or edited into an error since the game began) is an error, not a
    /// silent substitute.
    pub fn controller(&self) -> Result<Controller, String> {
        match self {
            Seat::Human => Ok(Controller::External),
            Seat::Ai(s) => Spec::parse(s).map(|spec| spec.controller()),
        }
    }
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
                controllers,
                explain: true,
                hold: true,
                record_as: Some(setup.seats.clone().map(|s| s.label())),
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

/// Saves the player made, newest first.
pub fn list_saves() -> Vec<PathBuf> {
    crate::platform::list(&super::settings::saves_dir())
}

/// Where a named save goes.
pub fn saves_path(name: &str) -> PathBuf {
    super::settings::saves_dir().join(format!("{name}.ron"))
}
