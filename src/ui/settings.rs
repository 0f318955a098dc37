//! Player settings (UI scale) and where the game keeps its files: settings,
//! saves and records live under the platform's home (`$COMMON_ENEMY_HOME`, else
//! the XDG data folder; browser storage on the web).

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

pub use crate::platform::home;

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
        let Ok(bytes) = crate::platform::read(&path, crate::ronfile::MAX_FILE_BYTES) else {
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
        if let Err(e) = crate::platform::write(&path, text.as_bytes()) {
            warn!("cannot save settings: {e}");
        }
    }
}
