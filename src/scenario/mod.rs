//! Scenarios: the RON format (`schema`), its validation (`validate`), the engine's
//! resolved form (`compiled`) and loading, for the command line and as a Bevy asset.
//! Both ways in go through [`parse_and_validate`].

mod calendar;
pub mod compiled;
mod keys;
pub mod limits;
mod loader;
pub mod program;
pub mod provenance;
pub mod schema;
pub mod validate;

pub use compiled::Compiled;
pub use loader::{ScenarioError, ScenarioLoader, plugin, register_source};
pub use schema::Scenario;

use crate::ronfile::{self, Diagnostic, PathIndex, SourceText};
use bevy::prelude::*;
use std::path::Path;

/// A scenario that parsed and validated: its text, its data and its resolved rules.
#[derive(Asset, TypePath, Debug, Clone)]
pub struct LoadedScenario {
    pub scenario: Scenario,
    pub compiled: Compiled,
    /// The rules in the form the engine runs, built once from `compiled`.
    pub program: program::Program,
    /// FNV-1a of the file's bytes; game records carry it to detect a changed scenario.
    pub hash: u64,
    pub source: SourceText,
    /// Problems that do not stop the scenario from being played.
    pub warnings: Vec<Diagnostic>,
    /// Every metric's record key with its slot, resolved once at load.
    metric_keys: Vec<(String, compiled::Slot)>,
}

/// Who holds a map location, resolved: one of the generic holders, a player (by
/// index) or a faction of `map.factions` (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldBy {
    Generic(schema::Holder),
    Player(usize),
    Faction(usize),
}

impl LoadedScenario {
    /// The hash as records print it.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash)
    }

    /// Index of a player by id.
    pub fn player_index(&self, id: &str) -> Option<usize> {
        self.scenario.players.iter().position(|p| p.id == id)
    }

    /// Who holds a map location at the start: the player or faction it names
    /// (`holder`, format 2), else its generic `held_by`.
    pub fn held_by(&self, l: &schema::Location) -> HeldBy {
        let factions = self
            .scenario
            .map
            .as_ref()
            .map_or(&[][..], |m| &m.factions[..]);
        l.holder
            .as_deref()
            .and_then(|h| {
                self.player_index(h)
                    .map(HeldBy::Player)
                    .or_else(|| factions.iter().position(|f| f.id == h).map(HeldBy::Faction))
            })
            .unwrap_or(HeldBy::Generic(l.held_by))
    }

    /// Who holds a map location, as players read it: the player's or faction's name
    /// when the location names a `holder` (format 2), else the generic holder
    /// ("enemy", "government", "opposition", "contested", "neutral").
    pub fn holder_label(&self, l: &schema::Location) -> String {
        self.holder_name(self.held_by(l))
    }

    /// A holder's name as players read it.
    pub fn holder_name(&self, h: HeldBy) -> String {
        let factions = self
            .scenario
            .map
            .as_ref()
            .map_or(&[][..], |m| &m.factions[..]);
        match h {
            HeldBy::Generic(h) => match h {
                schema::Holder::Enemy => "enemy",
                schema::Holder::Government => "government",
                schema::Holder::Opposition => "opposition",
                schema::Holder::Contested => "contested",
                schema::Holder::Neutral => "neutral",
            }
            .into(),
            HeldBy::Player(p) => self
                .scenario
                .players
                .get(p)
                .map_or("?", |x| x.name.as_str())
                .into(),
            HeldBy::Faction(i) => factions.get(i).map_or("?", |f| f.name.as_str()).into(),
        }
    }

    /// "October 2015" for turn 1 of syria_2015; "22 October 1962" for a calendar in days.
    pub fn date(&self, turn: u32) -> String {
        let c = &self.scenario.calendar;
        if c.rounds {
            return format!("Round {turn}");
        }
        if let Some(days) = c.days_per_turn {
            let (y, m, d) = calendar::add_days(
                c.start_year as i64,
                c.start_month.clamp(1, 12),
                c.start_day.max(1),
                (turn.max(1) - 1) as i64 * days as i64,
            );
            return format!("{d} {} {y}", Self::MONTHS[(m - 1) as usize]);
        }
        let months = (c.start_month.clamp(1, 12) - 1) as i64
            + (turn.max(1) - 1) as i64 * c.months_per_turn as i64;
        format!(
            "{} {}",
            Self::MONTHS[(months % 12) as usize],
            c.start_year as i64 + months / 12
        )
    }

    const MONTHS: [&'static str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
}

/// Reads, parses and validates a scenario file for the command line, and checks its
/// quotations against the source text it names (beside the file).
pub fn load(path: &Path) -> Result<LoadedScenario, Vec<Diagnostic>> {
    let bytes = ronfile::read(path).map_err(|d| vec![d])?;
    let dir = path.parent().unwrap_or(Path::new("."));
    check(&path.display().to_string(), &bytes, Some(dir))
}

/// FNV-1a, 64 bit: stable across platforms and Rust versions, unlike `DefaultHasher`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The one parse-and-validate path. Errors come back sorted by place, warnings
/// travel with the scenario. Quotations are checked against the source text only where
/// the file's folder is known ([`load`]); the game trusts what `validate` passed.
pub fn parse_and_validate(name: &str, bytes: &[u8]) -> Result<LoadedScenario, Vec<Diagnostic>> {
    check(name, bytes, None)
}

fn check(name: &str, bytes: &[u8], dir: Option<&Path>) -> Result<LoadedScenario, Vec<Diagnostic>> {
    let (scenario, source) = ronfile::parse::<Scenario>(name, bytes).map_err(|d| vec![d])?;
    let (compiled, mut problems) = validate::check(&scenario);
    if let Some(dir) = dir {
        problems.extend(provenance::check_source_file(&scenario, dir));
    }
    let index = PathIndex::build(&source.text);
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| {
            let d = source
                .diagnostic_at(&index, &p.path, p.message)
                .with_hint(p.hint);
            if p.warning { d.warning() } else { d }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.severity, d.line, d.col));
    match compiled.filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) {
        Some(compiled) => {
            // The dilemma lint plays the stage game, so it runs where a scenario is
            // checked (`validate`, `analysis::lint::check`), not on every load.
            Ok(LoadedScenario {
                metric_keys: keys::metric_keys(&scenario),
                scenario,
                program: program::Program::new(&compiled),
                compiled,
                hash: fnv1a(bytes),
                source,
                warnings: diagnostics,
            })
        }
        None => Err(diagnostics),
    }
}
