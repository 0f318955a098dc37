//! `common-enemy play`: the game window, straight into a game; with `--autoplay`,
//! AI plays both sides through the screens and saves a screenshot of each.

use crate::strategy::Spec;
use crate::ui::session::Seat;
use crate::ui::{Launch, autoplay::Autoplay};
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
    let path = a
        .scenario
        .unwrap_or_else(|| std::path::Path::new("scenarios").join(crate::ui::FLAGSHIP));
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
    let loaded = crate::scenario::load(&path)
        .map_err(|ds| ds.iter().map(|d| d.to_string()).collect::<String>())?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut seats = [Seat::Human, Seat::Ai("ai_normal".into())];
    for spec in &a.players {
        let (id, who) = spec
            .split_once('=')
            .ok_or_else(|| format!("--player {spec}: write ID=human or ID=STRATEGY"))?;
        let p = loaded.player_index(id).ok_or_else(|| {
            format!(
                "--player {spec}: no player \"{id}\" in {}",
                loaded.scenario.id
            )
        })?;
        seats[p] = Seat::parse(who)?;
    }
    let autoplay = match (a.autoplay, a.screenshots) {
        (Some(turns), Some(dir)) => {
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            // Every side is played by a strategy; a human seat gets tit-for-tat.
            let players = seats.clone().map(|s| match s {
                Seat::Ai(spec) => {
                    Spec::parse(&spec).unwrap_or(Spec::Builtin(crate::strategy::Classic::TitForTat))
                }
                Seat::Human => Spec::Builtin(crate::strategy::Classic::TitForTat),
            });
            Some(Autoplay {
                turns: turns.max(1),
                dir,
                players,
            })
        }
        _ => None,
    };
    Ok(Launch {
        scenario: Some(name),
        seats: Some(seats),
        seed: a.seed,
        noise: a.noise,
        autoplay,
    })
}
