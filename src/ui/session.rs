//! The game in progress: who plays which side, the match entity, and saves.
//! A save is the setup plus the game record so far; loading replays the record's
//! orders through the turn systems, so a loaded game is the same game, bit for bit.

use crate::scenario::LoadedScenario;
use crate::sim::components::*;
use crate::sim::record::{GameRecord, Recorder, first_difference};
use crate::sim::{MatchSetup, TurnSchedule, spawn_match};
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

    fn controller(&self) -> Controller {
        match self {
            Seat::Human => Controller::External,
            // Checked when the seat was chosen; a file that vanished since plays tit-for-tat.
            Seat::Ai(s) => Spec::parse(s)
                .unwrap_or(Spec::Builtin(crate::strategy::Classic::TitForTat))
                .controller(),
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
        }
    }

    pub fn humans(&self) -> Vec<usize> {
        (0..2)
            .filter(|&p| self.setup.seats[p] == Seat::Human)
            .collect()
    }
}

/// Spawns the session's match (replaying a save if there is one) once its scenario has loaded.
pub fn start_when_loaded(world: &mut World) {
    let Some(session) = world.get_resource::<Session>() else {
        return;
    };
    if session.match_entity.is_some() {
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
    let result = match &resume {
        Some(save) => resume_game(world, scenario.clone(), save),
        None => Ok(new_match(world, scenario.clone(), &setup)),
    };
    let mut session = world.resource_mut::<Session>();
    session.scenario = Some(scenario);
    session.resume = None;
    match result {
        Ok(entity) => session.match_entity = Some(entity),
        Err(message) => {
            session.notice = Some(message);
            session.view = View::Debrief;
        }
    }
}

fn new_match(world: &mut World, scenario: Arc<LoadedScenario>, setup: &Setup) -> Entity {
    spawn_match(
        world,
        MatchSetup {
            scenario,
            seed: setup.seed,
            turns: setup.turns,
            noise: setup.noise,
            controllers: setup.seats.clone().map(|s| s.controller()),
            explain: true,
            hold: true,
            record_as: Some(setup.seats.clone().map(|s| s.label())),
        },
    )
}

/// Replays a save's orders through the turn systems, then hands the sides to
/// their players. Refuses a save whose scenario changed since.
fn resume_game(
    world: &mut World,
    scenario: Arc<LoadedScenario>,
    save: &SaveFile,
) -> Result<Entity, String> {
    if save.record.scenario_hash != scenario.hash_hex() {
        return Err(format!(
            "This save was made with a different version of {} (hash {} then, {} now); it cannot be resumed exactly.",
            save.setup.scenario,
            save.record.scenario_hash,
            scenario.hash_hex()
        ));
    }
    let entity = spawn_match(
        world,
        MatchSetup {
            scenario: scenario.clone(),
            seed: save.setup.seed,
            turns: Some(save.record.turns),
            noise: Some(save.record.noise),
            controllers: [Controller::External, Controller::External],
            explain: true,
            hold: false,
            record_as: Some(save.setup.seats.clone().map(|s| s.label())),
        },
    );
    let sides = world
        .get::<Match>(entity)
        .map(|m| m.players)
        .ok_or("the match did not spawn")?;
    for (i, turn) in save.record.history.iter().enumerate() {
        for (p, &side) in sides.iter().enumerate() {
            let orders = crate::sim::runner::orders_from_names(&scenario, p, turn)
                .map_err(|e| format!("the save cannot be replayed: {e}"))?;
            world.write_message(SubmitOrders { side, orders });
        }
        world.run_schedule(TurnSchedule);
        world.resource_mut::<Messages<SubmitOrders>>().update();
        let replayed = world
            .get::<Recorder>(entity)
            .and_then(|r| r.0.history.get(i).cloned());
        match replayed {
            Some(t) if first_difference(turn, &t).is_none() => {}
            _ => {
                return Err(format!(
                    "the save does not replay at turn {}: it is corrupt or from another version",
                    turn.turn
                ));
            }
        }
    }
    for (p, &side) in sides.iter().enumerate() {
        if let Ok(mut e) = world.get_entity_mut(side) {
            e.insert(save.setup.seats[p].controller());
        }
    }
    if let Some(mut m) = world.get_mut::<Match>(entity) {
        m.hold = true;
    }
    Ok(entity)
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
    let text = ron::ser::to_string_pretty(save, ron::ser::PrettyConfig::default())
        .map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    crate::sim::record::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a save from an untrusted file: a clear message for anything wrong.
pub fn read_save(path: &Path) -> Result<SaveFile, String> {
    let bytes = crate::ronfile::read(path).map_err(|d| d.to_string())?;
    let (save, source) = crate::ronfile::parse::<SaveFile>(&path.display().to_string(), &bytes)
        .map_err(|d| d.to_string())?;
    crate::sim::record::check_save_counts(
        &source,
        save.setup.turns,
        save.setup.noise,
        &save.record,
    )
    .map_err(|d| d.to_string())?;
    if save.format != SAVE_FORMAT {
        return Err(format!(
            "{}: save format {} is not supported by this version (it reads {SAVE_FORMAT})",
            path.display(),
            save.format
        ));
    }
    if save.setup.scenario.contains(['/', '\\']) || !save.setup.scenario.ends_with(".ron") {
        return Err(format!(
            "{}: the save names an unusable scenario file \"{}\"",
            path.display(),
            save.setup.scenario
        ));
    }
    Ok(save)
}

/// The autosave, written after every turn.
pub fn autosave_path() -> PathBuf {
    super::settings::saves_dir().join("autosave.ron")
}

/// Saves the player made, newest first.
pub fn list_saves() -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(super::settings::saves_dir()) else {
        return Vec::new();
    };
    let mut saves: Vec<(std::time::SystemTime, PathBuf)> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            (
                std::fs::metadata(&p)
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH),
                p,
            )
        })
        .collect();
    saves.sort_by_key(|s| std::cmp::Reverse(s.0));
    saves.into_iter().map(|(_, p)| p).collect()
}

/// Where a named save goes.
pub fn saves_path(name: &str) -> PathBuf {
    super::settings::saves_dir().join(format!("{name}.ron"))
}
