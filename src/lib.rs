//! Common Enemy: a turn-based diplomacy game about the US and Russia against ISIS
//! in Syria, 2015 — a cooperation dilemma to play, teach and mod.
//!
//! The game is a library; `main.rs` only parses the command line. Modules:
//! `analysis` measures and names the stage game; `report` writes debriefs;
//! `ronfile` reads untrusted RON with located errors; `scenario` holds the format
//! and its validation; `files` bounds every read and makes every write atomic; `sim` is the turn engine every mode runs; `strategy` holds
//! the AI players; `cli` the headless commands (and `serve`, the browser bundle
//! over HTTP); `class` the class server and its clients; `platform` the seams
//! where the desktop and the browser differ.

pub mod analysis;
pub mod class;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod explain;
pub mod files;
pub mod platform;
pub mod report;
pub mod ronfile;
pub mod scenario;
pub mod sim;
pub mod strategy;
pub mod tournament;
pub mod ui;

// Declared in the library so the binary, its tests and the benchmarks all
// measure the same allocator. Not in the browser, which has its own.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
