//! The `common-enemy` binary: parses the command line and dispatches.

use clap::Parser;

fn main() -> std::process::ExitCode {
    common_enemy::cli::run(common_enemy::cli::Cli::parse())
}
