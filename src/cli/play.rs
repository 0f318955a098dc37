//! `common-enemy play`: the game window, straight into a game; with `--autoplay`,
//! AI plays both sides through the screens and saves a screenshot of each.

use crate::ui::Launch;
use crate::ui::launch::Options;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A scenario file in `scenarios/` (default: syria_2015).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// `ID=human` or `ID=STRATEGY` (e.g. `russia=ai_hard`), once per side.
    #[arg(long = "player", value_name = "ID=human|STRATEGY")]
    players: Vec<String>,
    #[arg(long)]
    seed: Option<u64>,
    /// Perception noise (default: the scenario's).
    #[arg(long, value_parser = crate::scenario::limits::arg::probability)]
    noise: Option<f64>,
    /// Play this many turns AI against AI through the screens, then exit.
    #[arg(long, requires = "screenshots", value_parser = crate::scenario::limits::arg::turns())]
    autoplay: Option<u32>,
    /// Where autoplay saves a PNG of every screen.
    #[arg(long)]
    screenshots: Option<PathBuf>,
}

pub fn run(a: Args) -> ExitCode {
    match check_display().and_then(|()| launch(a)) {
        Ok(launch) => super::exit_code(crate::ui::run(launch)),
        Err(e) => {
            errln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Without a display server winit panics when the window opens; say what to do
/// instead. Only Linux and the BSDs find their display through the environment.
pub(super) fn check_display() -> Result<(), String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let set = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
        if !["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
            .into_iter()
            .any(set)
        {
            return Err(
                "the game needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set: \
                 run it in a desktop session, or under a virtual display with \
                 `xvfb-run -a common-enemy play`; the headless commands (simulate, tournament, \
                 analyze, report, ...) need no display"
                    .into(),
            );
        }
    }
    Ok(())
}

fn launch(a: Args) -> Result<Launch, String> {
    let scenario = match a.scenario {
        None => None,
        Some(path) => {
            // The game loads scenarios from the scenarios/ folder, where hot reload watches.
            let in_folder = path
                .parent()
                .is_some_and(|p| p.file_name().is_some_and(|n| n == "scenarios"));
            if !in_folder {
                return Err(format!(
                    "{}: the game plays scenarios from the scenarios/ folder; copy the file there",
                    path.display()
                ));
            }
            path.file_name().map(|n| n.to_string_lossy().into_owned())
        }
    };
    if let Some(dir) = &a.screenshots {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    crate::ui::launch::from_options(Options {
        scenario,
        players: a.players,
        seed: a.seed,
        noise: a.noise,
        autoplay: a.autoplay,
        screenshots: a.screenshots,
    })
}
