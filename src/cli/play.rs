//! `common-enemy play`: the game window, straight into a game or a saved one
//! (`--continue`, `--load NAME`); with `--autoplay`, strategies play the sides
//! through the screens and save a screenshot of each.

use crate::ui::Launch;
use crate::ui::launch::Options;
use crate::ui::session::SaveFile;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A scenario file in `scenarios/` (default: syria_2015).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Resume the autosave (the game the menu's Continue resumes).
    #[arg(long = "continue", conflicts_with_all = ["scenario", "players", "seed", "noise", "turns", "quick", "load"])]
    resume_autosave: bool,
    /// Resume a named save (as listed in the menu's Load page), or a save file's path.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["scenario", "players", "seed", "noise", "turns", "quick"])]
    load: Option<String>,
    /// `ID=human` or `ID=STRATEGY` (e.g. `russia=ai_hard`), once per side.
    #[arg(long = "player", value_name = "ID=human|STRATEGY")]
    players: Vec<String>,
    #[arg(long)]
    seed: Option<u64>,
    /// Perception noise (default: the scenario's).
    #[arg(long, value_parser = crate::scenario::limits::arg::probability)]
    noise: Option<f64>,
    /// The game's length in turns (default: the scenario's).
    #[arg(long, value_parser = crate::scenario::limits::arg::turns())]
    turns: Option<u32>,
    /// Play this many turns through the screens, strategies at every seat
    /// (tit-for-tat at a human one), then exit; at the game's end, the debrief too.
    #[arg(long, requires = "screenshots", value_parser = crate::scenario::limits::arg::turns())]
    autoplay: Option<u32>,
    /// Quick turns (one-decision scenarios against the AI): one screen a turn,
    /// a pick plays it.
    #[arg(long, conflicts_with = "autoplay")]
    quick: bool,
    /// The window's size in pixels, `WIDTHxHEIGHT` (default 1280x720).
    #[arg(long, value_name = "WxH", value_parser = window_size)]
    window: Option<(u32, u32)>,
    /// Where autoplay saves a PNG of every screen.
    #[arg(long)]
    screenshots: Option<PathBuf>,
    /// Join a class with the code the teacher shows (with --name, straight to a
    /// seat; without, the join page filled in).
    #[arg(long, value_name = "CODE", conflicts_with_all = ["scenario", "players", "seed", "noise", "turns", "quick", "load", "resume_autosave"])]
    code: Option<String>,
    /// The class server, e.g. http://192.168.1.10:8080 (with --code).
    #[arg(long, value_name = "URL", requires = "code")]
    server: Option<String>,
    /// Your nickname in the class (with --code).
    #[arg(long, requires = "code")]
    name: Option<String>,
    /// With --code and --autoplay: the strategy that fills your orders screens.
    #[arg(long, value_name = "STRATEGY", requires = "code")]
    hand: Option<String>,
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

/// The save `--continue` or `--load` names, read and checked now, so a save
/// that cannot be read is refused before a window opens.
fn saved_game(a: &Args) -> Result<Option<SaveFile>, String> {
    let path = match (&a.load, a.resume_autosave) {
        (Some(name), _) => {
            let as_path = std::path::Path::new(name);
            if name.ends_with(".ron") || name.contains(std::path::MAIN_SEPARATOR) {
                as_path.to_path_buf()
            } else {
                crate::ui::session::saves_path(name)
            }
        }
        (None, true) => crate::ui::session::autosave_path(),
        (None, false) => return Ok(None),
    };
    if !path.exists() {
        return Err(format!(
            "{}: no such save{}",
            path.display(),
            if a.resume_autosave {
                " (the autosave is written after each turn of a game)"
            } else {
                ""
            }
        ));
    }
    let save = crate::ui::session::read_save(&path)?;
    // The scenario must load before the game can; its errors are the validator's.
    let scenario = std::path::Path::new("scenarios").join(&save.setup.scenario);
    crate::scenario::load(&scenario).map_err(|ds| {
        format!(
            "{}: this save's scenario cannot be loaded:\n{}",
            path.display(),
            ds.iter().map(|d| d.to_string()).collect::<String>()
        )
    })?;
    Ok(Some(save))
}

fn launch(a: Args) -> Result<Launch, String> {
    if let Some(dir) = &a.screenshots {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    if let Some(code) = a.code {
        let join = crate::ui::ClassJoin {
            server: a.server,
            code,
            name: a.name,
        };
        return crate::ui::launch::class(join, a.hand, a.autoplay, a.screenshots, a.window);
    }
    if let Some(save) = saved_game(&a)? {
        // Autoplay hands: the strategies that played before, else tit-for-tat.
        let hands = save.setup.hands();
        return Ok(Launch {
            resume: Some(save),
            autoplay: crate::ui::launch::autoplay(a.autoplay, a.screenshots, hands),
            window: a.window,
            ..Launch::default()
        });
    }
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
    crate::ui::launch::from_options(Options {
        scenario,
        players: a.players,
        seed: a.seed,
        noise: a.noise,
        autoplay: a.autoplay,
        screenshots: a.screenshots,
        turns: a.turns,
        window: a.window,
        quick: a.quick,
    })
}

/// `1024x600` → (1024, 600), within what a screen can be.
fn window_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("\"{s}\": write WIDTHxHEIGHT, e.g. 1024x600"))?;
    let side = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (320..=8192).contains(n))
            .ok_or_else(|| format!("\"{s}\": each side is a number of pixels from 320 to 8192"))
    };
    Ok((side(w)?, side(h)?))
}
