//! The `common-enemy` binary: on the desktop it parses the command line and
//! dispatches; in the browser it starts the game from the page's URL.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    common_enemy::cli::run(common_enemy::cli::Cli::parse())
}

#[cfg(target_arch = "wasm32")]
fn main() {
    common_enemy::platform::start();
}
