//! Player settings (UI scale) and where the game keeps its files: settings,
//! saves and records live under `$COMMON_ENEMY_HOME`, else the XDG data folder.

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Settings the player can change; saved when changed.
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// egui zoom: 1.0 is 100%.
    pub ui_scale: f32,
    /// Perception noise offered by default in new games, or None for the scenario's.
    pub default_noise: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ui_scale: 1.0,
            default_noise: None,
        }
    }
}

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

pub fn saves_dir() -> PathBuf {
    home().join("saves")
}

fn settings_path() -> PathBuf {
    home().join("settings.ron")
}

impl Settings {
    /// The saved settings; defaults when there are none or they cannot be read.
    pub fn load() -> Settings {
        let path = settings_path();
        let Ok(bytes) = crate::ronfile::read(&path) else {
            return Settings::default();
        };
        match crate::ronfile::parse::<Settings>(&path.display().to_string(), &bytes) {
            Ok((s, _)) => s.sanitized(),
            Err(d) => {
                warn!("settings ignored: {}", d.headline());
                Settings::default()
            }
        }
    }

    fn sanitized(mut self) -> Settings {
        if !self.ui_scale.is_finite() {
            self.ui_scale = 1.0;
        }
        self.ui_scale = self.ui_scale.clamp(0.5, 2.5);
        self
    }

    pub fn save(&self) {
        let path = settings_path();
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).unwrap_or_default();
        let result = std::fs::create_dir_all(home())
            .and_then(|_| crate::sim::record::write_atomically(&path, text.as_bytes()));
        if let Err(e) = result {
            warn!("{}: cannot save settings: {e}", path.display());
        }
    }
}
