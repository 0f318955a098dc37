//! Player settings (UI scale) and where the game keeps its files: settings,
//! saves and records live under the platform's home (`$COMMON_ENEMY_HOME`, else
//! the XDG data folder; browser storage on the web).
//!
//! The UI scale comes in steps, chosen with buttons: a slider that rescales the
//! UI while it is dragged moves its own rail under the cursor.

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Settings the player can change; saved when changed.
#[derive(Resource, Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// UI scale in percent, one of [`SCALE_STEPS`]; `None` fits it to the window.
    /// (Named `scale`: files from older versions held a free `ui_scale`, ignored now.)
    pub scale: Option<u16>,
    /// Perception noise offered by default in new games, or None for the scenario's.
    pub default_noise: Option<f64>,
}

/// The UI scales offered, in percent.
pub const SCALE_STEPS: [u16; 5] = [100, 125, 150, 175, 200];

/// The size the screens are laid out for at 100%, in points.
const DESIGN_SIZE: (f32, f32) = (1280.0, 720.0);

/// The largest step at which the window still holds the design size: 100% at
/// 1280×720 and below, 150% at 1920×1080, 200% at 2560×1440.
pub fn fitting_scale(width: f32, height: f32) -> u16 {
    SCALE_STEPS
        .into_iter()
        .rev()
        .find(|&s| {
            let k = f32::from(s) / 100.0;
            width / k >= DESIGN_SIZE.0 - 0.5 && height / k >= DESIGN_SIZE.1 - 0.5
        })
        .unwrap_or(100)
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
        // A hand-edited value snaps to the nearest step.
        self.scale = self
            .scale
            .and_then(|v| SCALE_STEPS.into_iter().min_by_key(|s| s.abs_diff(v)));
        self
    }

    /// The egui zoom for a window of `width` × `height` logical pixels.
    pub fn zoom(&self, width: f32, height: f32) -> f32 {
        f32::from(self.scale.unwrap_or_else(|| fitting_scale(width, height))) / 100.0
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_automatic_scale_fits_the_design_size() {
        assert_eq!(fitting_scale(1024.0, 600.0), 100);
        assert_eq!(fitting_scale(1280.0, 720.0), 100);
        assert_eq!(fitting_scale(1600.0, 900.0), 125);
        assert_eq!(fitting_scale(1920.0, 1080.0), 150);
        assert_eq!(fitting_scale(1920.0, 1200.0), 150);
        assert_eq!(fitting_scale(2560.0, 1440.0), 200);
        assert_eq!(fitting_scale(3840.0, 2160.0), 200);
    }

    #[test]
    fn a_hand_edited_scale_snaps_to_a_step() {
        let s = |v| {
            Settings {
                scale: Some(v),
                default_noise: None,
            }
            .sanitized()
            .scale
        };
        assert_eq!(s(130), Some(125));
        assert_eq!(s(9999), Some(200));
        assert_eq!(s(0), Some(100));
    }
}
