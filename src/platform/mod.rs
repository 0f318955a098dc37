//! Where the desktop and the browser differ, each behind one small function:
//! storage of saves and settings, the content on offer (scenarios, strategies),
//! handing a game record to the player, and the end of an unattended run.
//! `native` implements them with the file system, `web` with the page (browser
//! storage, the served index, downloads). Everything else — the screens, the
//! engine, the AI — is the same code on both.
//!
//! Storage is addressed by paths under [`home`] on both: on the desktop they are
//! files, in the browser they are keys of `localStorage` holding the same RON.

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::*;

/// The scenario file name a short name stands for: `syria_2015` is
/// `syria_2015.ron`; anything but a plain file name is refused.
pub fn scenario_file_name(name: &str) -> Result<String, String> {
    let file = if name.ends_with(".ron") {
        name.to_string()
    } else {
        format!("{name}.ron")
    };
    let plain = !file.is_empty()
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !file.starts_with('.');
    if plain {
        Ok(file)
    } else {
        Err(format!(
            "scenario \"{name}\": give the name of a file in scenarios/, such as syria_2015"
        ))
    }
}

/// The safe name a record is exported under: the scenario id's plain characters
/// (it comes from a scenario file), the seed, and a distinguishing suffix.
pub fn record_file_stem(record: &crate::sim::record::GameRecord, suffix: &str) -> String {
    let id: String = record
        .scenario
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .take(64)
        .collect();
    format!("{id}-seed{}-{suffix}", record.seed)
}

/// Each scenario file by name, each valid one loaded and each broken one with
/// its first error: the setup screen's list.
fn load_each(
    mut paths: Vec<std::path::PathBuf>,
) -> Vec<(String, Result<crate::scenario::LoadedScenario, String>)> {
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let loaded = crate::scenario::load(&path)
                .map_err(|d| d.first().map(|d| d.headline()).unwrap_or_default());
            (name, loaded)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::scenario_file_name;

    #[test]
    fn short_names_become_files_and_paths_are_refused() {
        assert_eq!(scenario_file_name("syria_2015").unwrap(), "syria_2015.ron");
        assert_eq!(scenario_file_name("pd.ron").unwrap(), "pd.ron");
        for bad in ["../secret", "/etc/passwd", "a/b", ".hidden", "", "%2e%2e"] {
            assert!(scenario_file_name(bad).is_err(), "{bad}");
        }
    }
}
