//! The class server's data folder: one folder per session, with `session.ron` (the
//! settings, who sits where, token hashes) and `records/` (each match's game record,
//! written atomically after every turn). Nothing else is kept, so a restart after a
//! crash or `kill -9` rebuilds every match by replaying its record through the engine.
//!
//! Layout: `DATA/sessions/CODE/session.ron`, `DATA/sessions/CODE/records/match-NN.ron`.
//! The records folder holds only records, so `class-summary` reads it as it is.

use crate::files::write_atomically;
use crate::sim::record::GameRecord;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The session file format this build writes and reads.
pub const SESSION_FORMAT: u32 = 1;

/// A session file larger than this is refused before parsing (a class of thousands fits).
const MAX_SESSION_BYTES: usize = 4 << 20;

/// What a teacher chose when opening a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The scenario's id: a file `ID.ron` in the server's scenarios folder.
    pub scenario: String,
    /// Overrides the scenario's number of turns.
    #[serde(default)]
    pub turns: Option<u32>,
    /// Overrides the scenario's perception noise.
    #[serde(default)]
    pub noise: Option<f64>,
    /// The seed: every match's, or the first pair's when `seed_per_pair`.
    #[serde(default)]
    pub seed: u64,
    /// Each pair plays seed, seed + 1, …; otherwise every pair plays `seed`, so the
    /// class sees the same chances and differs only by its choices.
    #[serde(default)]
    pub seed_per_pair: bool,
    /// `None`: students play each other; `Some(AI)`: each student plays that AI.
    #[serde(default)]
    pub against_ai: Option<String>,
    /// Who plays an odd student, and a silent seat the teacher hands over.
    #[serde(default = "default_ai")]
    pub stand_in: String,
}

fn default_ai() -> String {
    "ai_normal".into()
}

/// Who sits in a seat of a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seat {
    /// The student of this index in the session's list.
    Student(usize),
    /// A strategy id (a classic or an AI level).
    Ai(String),
}

/// One match of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchFile {
    pub seats: [Seat; 2],
    pub seed: u64,
    /// The teacher's announcements: (the turn whose briefing it fires at, event id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub announced: Vec<(u32, String)>,
}

/// One student.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudentFile {
    pub name: String,
    /// SHA-256 of the seat token.
    pub seat: String,
    /// (match, side) once seated in a match.
    pub place: Option<(usize, usize)>,
}

/// A session as kept on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    pub format: u32,
    pub code: String,
    pub settings: Settings,
    /// SHA-256 of the teacher token.
    pub teacher: String,
    /// New students may join.
    pub open: bool,
    pub paused: bool,
    pub ended: bool,
    pub students: Vec<StudentFile>,
    pub matches: Vec<MatchFile>,
}

/// The data folder.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Store { root: root.into() }
    }

    pub fn session_dir(&self, code: &str) -> PathBuf {
        self.root.join("sessions").join(code)
    }

    /// The folder of a session's records: what the summary download reads.
    pub fn records_dir(&self, code: &str) -> PathBuf {
        self.session_dir(code).join("records")
    }

    /// The file name of match `m`'s record: `match-01.ron`, …
    pub fn record_file(m: usize) -> String {
        format!("match-{:02}.ron", m + 1)
    }

    pub fn record_path(&self, code: &str, m: usize) -> PathBuf {
        self.records_dir(code).join(Self::record_file(m))
    }

    pub fn save_session(&self, s: &SessionFile) -> Result<(), String> {
        let dir = self.session_dir(&s.code);
        std::fs::create_dir_all(dir.join("records"))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let text = ron::ser::to_string_pretty(s, ron::ser::PrettyConfig::default())
            .map_err(|e| e.to_string())?;
        let path = dir.join("session.ron");
        write_atomically(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn save_record(&self, code: &str, m: usize, record: &GameRecord) -> Result<(), String> {
        let path = self.record_path(code, m);
        record
            .write(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Every session file in the folder, in code order; unreadable ones come back
    /// as (path, message), to be reported and skipped.
    pub fn sessions(&self) -> Vec<Result<SessionFile, String>> {
        let Ok(entries) = std::fs::read_dir(self.root.join("sessions")) else {
            return Vec::new();
        };
        let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        dirs.iter()
            .filter(|d| d.join("session.ron").is_file())
            .map(|d| read_session(&d.join("session.ron")))
            .collect()
    }
}

fn read_session(path: &Path) -> Result<SessionFile, String> {
    let name = path.display().to_string();
    let bytes = crate::ronfile::read_limited(path, MAX_SESSION_BYTES).map_err(|d| d.to_string())?;
    let (file, _) = crate::ronfile::parse_limited::<SessionFile>(&name, &bytes, MAX_SESSION_BYTES)
        .map_err(|d| d.to_string())?;
    if file.format != SESSION_FORMAT {
        return Err(format!(
            "{name}: session format {} is not supported (this build reads {SESSION_FORMAT})",
            file.format
        ));
    }
    if crate::class::tokens::normalise_code(&file.code) != file.code
        || !path.parent().is_some_and(|d| d.ends_with(&file.code))
    {
        return Err(format!("{name}: the code does not match the folder"));
    }
    Ok(file)
}
