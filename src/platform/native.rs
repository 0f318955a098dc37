//! The desktop side of the seams: files under `$COMMON_ENEMY_HOME` (else the XDG
//! data folder), the `scenarios/` and `strategies/` folders of the working
//! directory, and records exported beside their debrief.

use crate::ronfile::Diagnostic;
use crate::scenario::LoadedScenario;
use crate::sim::record::GameRecord;
use std::path::{Path, PathBuf};

/// The folder for settings, saves and records.
pub fn home() -> PathBuf {
    if let Some(dir) = std::env::var_os("COMMON_ENEMY_HOME") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("common-enemy")
}

/// Reads at most `limit` bytes of a stored file.
pub fn read(path: &Path, limit: usize) -> Result<Vec<u8>, Diagnostic> {
    crate::ronfile::read_limited(path, limit)
}

/// Stores a file atomically, making its folder if needed.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    crate::files::write_atomically(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}

pub fn rename(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::rename(from, to).map_err(|e| format!("{}: {e}", to.display()))
}

/// Removes a stored file; one that is not there is already removed.
pub fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

/// The `.ron` files stored in `dir`, newest first.
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = ron_files_in(dir)
        .into_iter()
        .map(|p| {
            (
                std::fs::metadata(&p)
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH),
                p,
            )
        })
        .collect();
    files.sort_by_key(|s| std::cmp::Reverse(s.0));
    files.into_iter().map(|(_, p)| p).collect()
}

/// The root of the `scenarios://` asset source: `scenarios/` in the working
/// directory (Bevy's default base is the executable's folder, which is not where
/// a player's scenarios are).
pub fn scenario_root() -> String {
    std::env::current_dir()
        .unwrap_or_default()
        .join("scenarios")
        .to_string_lossy()
        .into_owned()
}

/// Every scenario on offer, by file name, each valid one loaded and each broken
/// one with its first error.
pub fn scenarios() -> Vec<(String, Result<LoadedScenario, String>)> {
    super::load_each(ron_files_in(Path::new("scenarios")))
}

/// The strategy files on offer, as specs (`strategies/NAME.ron`), sorted.
pub fn strategy_files() -> Vec<String> {
    let mut files: Vec<String> = ron_files_in(Path::new("strategies"))
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

fn ron_files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect()
}

/// Writes the record, its Markdown debrief and its CSV turn log to the records
/// folder; returns the message for the player.
pub fn export_record(record: &GameRecord, scenario: Option<&LoadedScenario>) -> String {
    let stem = crate::platform::record_file_stem(record, &std::process::id().to_string());
    let path = home().join("records").join(format!("{stem}.ron"));
    let report = path.with_extension("md");
    let result = std::fs::create_dir_all(path.parent().unwrap_or(&path))
        .map_err(|e| e.to_string())
        .and_then(|_| record.write(&path).map_err(|e| e.to_string()))
        .and_then(|_| {
            let text = crate::report::debrief::markdown(record, scenario);
            let csv = crate::report::debrief::turns_csv(record);
            crate::files::write_atomically(&report, text.as_bytes())
                .and_then(|_| {
                    crate::files::write_atomically(&report.with_extension("csv"), csv.as_bytes())
                })
                .map_err(|e| e.to_string())
        });
    match result {
        Ok(()) => format!(
            "Game record saved to {}; the debrief report beside it ({} and .csv)",
            path.display(),
            report.display()
        ),
        Err(e) => format!("Could not save the record: {e}"),
    }
}

/// An unattended run has played its turns: the window closes (the screenshots
/// are the run's output).
pub fn autoplay_finished(_record: Option<&GameRecord>) -> bool {
    true
}

/// The server the page came from: the desktop has none (the player types it).
pub fn page_origin() -> Option<String> {
    None
}

/// Whether this build opens the player's own files through a picker: the desktop
/// reads the `scenarios/` and `strategies/` folders instead.
pub fn can_open_files() -> bool {
    false
}

/// The desktop has no picker (see [`can_open_files`]).
pub fn open_file(_folder: &'static str) {}

/// Nothing is ever opened through a picker on the desktop.
pub fn take_opened() -> Vec<PathBuf> {
    Vec::new()
}

/// The desktop loads every scenario from its folder.
pub fn opened_scenario(_name: &str) -> Option<Vec<u8>> {
    None
}
