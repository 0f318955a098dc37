//! The command line: `validate`, `simulate`, `replay`, `tournament`, `analyze`,
//! `report`, `class-summary`, `serve`, and `class open` and `join` for class sessions.

/// Prints to stdout through [`output`]: never panics, a failure sets the exit code.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::cli::output::out(format_args!($($t)*))
    };
}

/// `out!` with a newline.
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::cli::output::out(format_args!("{}\n", format_args!($($t)*)))
    };
}

/// Prints to stderr through [`output`], like `out!`.
macro_rules! err {
    ($($t:tt)*) => {
        $crate::cli::output::err(format_args!($($t)*))
    };
}

/// `err!` with a newline.
macro_rules! errln {
    ($($t:tt)*) => {
        $crate::cli::output::err(format_args!("{}\n", format_args!($($t)*)))
    };
}

mod analyze;
mod class;
pub mod output;
mod play;
mod report;
mod serve;
mod simulate;
mod tournament;
mod validate;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "common-enemy",
    version,
    about = "Common Enemy: the US and Russia against ISIS in Syria, 2015 — a cooperation dilemma."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check scenario files: syntax, ids, ranges. Exits 1 if any file has an error.
    Validate {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Play a headless match between two strategies and print the story.
    Simulate {
        #[arg(long)]
        scenario: PathBuf,
        /// `ID=STRATEGY`, once per player, e.g. `--player us=tit_for_tat`.
        #[arg(long = "player", value_name = "ID=STRATEGY")]
        players: Vec<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Override the scenario's number of turns (1 to 10000).
        #[arg(long, value_parser = crate::scenario::limits::arg::turns())]
        turns: Option<u32>,
        /// Override the scenario's perception noise (0 to 1).
        #[arg(long, value_parser = crate::scenario::limits::arg::probability)]
        noise: Option<f64>,
        /// Write the game record here.
        #[arg(long)]
        record: Option<PathBuf>,
        /// Print only the summary, not the turn-by-turn story.
        #[arg(long)]
        quiet: bool,
    },
    /// Re-simulate a game record and check that it matches.
    Replay {
        path: PathBuf,
        /// The scenario file, when it has moved since the record was made.
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
    /// A round robin of strategies (self-play included), optionally followed by evolution.
    Tournament(tournament::Args),
    /// Open the game window, straight into a game.
    Play(play::Args),
    /// The stage game at a turn: payoff matrix, classification, equilibria, Pareto optima,
    /// the cooperation threshold, and best responses over full orders.
    Analyze(analyze::Args),
    /// Write the debrief of a game record: Markdown, and the turn log as CSV.
    Report(report::ReportArgs),
    /// Summarise every game record in a folder (one per pair of students, say).
    ClassSummary(report::ClassArgs),
    /// Serve the browser build (`bash web/build.sh` makes it) and host class sessions.
    Serve(serve::Args),
    /// Class sessions on a running `serve`: `class open` starts one.
    Class {
        #[command(subcommand)]
        command: class::ClassCommand,
    },
    /// Join a class session as a student played by a strategy, through the network.
    Join(class::JoinArgs),
}

/// Runs a command; its exit code is [`output::EX_IOERR`] when its output was lost.
pub fn run(cli: Cli) -> ExitCode {
    output::finish(dispatch(cli))
}

fn dispatch(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Validate { paths }) => validate::run(&paths),
        Some(Command::Simulate {
            scenario,
            players,
            seed,
            turns,
            noise,
            record,
            quiet,
        }) => simulate::run(
            &scenario,
            &players,
            seed,
            turns,
            noise,
            record.as_deref(),
            quiet,
        ),
        Some(Command::Replay { path, scenario }) => simulate::replay(&path, scenario.as_deref()),
        Some(Command::Tournament(args)) => tournament::run(args),
        Some(Command::Play(args)) => play::run(args),
        Some(Command::Analyze(args)) => analyze::run(args),
        Some(Command::Report(args)) => report::report(args),
        Some(Command::ClassSummary(args)) => report::class_summary(args),
        Some(Command::Serve(args)) => serve::run(args),
        Some(Command::Class { command }) => class::run(command),
        Some(Command::Join(args)) => class::join(args),
        None => match play::check_display() {
            Ok(()) => exit_code(crate::ui::run(crate::ui::Launch::default())),
            Err(e) => {
                errln!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Prints diagnostics to stderr.
pub(crate) fn print_diagnostics(diagnostics: &[crate::ronfile::Diagnostic]) {
    for d in diagnostics {
        err!("{d}");
    }
}

/// The process exit code for how the window closed.
pub(crate) fn exit_code(exit: bevy::app::AppExit) -> ExitCode {
    match exit {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
