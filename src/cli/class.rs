//! `class open` asks a running `serve` for a class session and prints its join code
//! and teacher token; `join` plays a strategy as a student through the network
//! protocol, rejoining its seat when the connection drops, and prints the final
//! scores. Both are for scripts, tests and load runs; a teacher can do the same
//! from the dashboard page.

use crate::class::engine::Opened;
use crate::class::store::Settings;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Subcommand, Debug)]
pub enum ClassCommand {
    /// Open a class session on a running `common-enemy serve` (from the server's own
    /// machine) and print the join code and the teacher token.
    Open(OpenArgs),
}

#[derive(clap::Args, Debug)]
pub struct OpenArgs {
    /// The server, as `serve` printed it: `http://127.0.0.1:8080`.
    #[arg(long)]
    server: String,
    /// The scenario's id (a file ID.ron in the server's scenarios folder).
    #[arg(long)]
    scenario: String,
    #[arg(long, value_parser = crate::scenario::limits::arg::turns())]
    turns: Option<u32>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Each pair gets its own seed (seed, seed + 1, …) instead of all the same.
    #[arg(long)]
    seed_per_pair: bool,
    #[arg(long, value_parser = crate::scenario::limits::arg::probability)]
    noise: Option<f64>,
    /// Every student plays this AI instead of another student (e.g. `ai_normal:reciprocal`).
    #[arg(long, value_name = "AI")]
    against_ai: Option<String>,
    /// Who plays an odd student, and seats the teacher hands to the AI.
    #[arg(long, value_name = "AI", default_value = "ai_normal")]
    stand_in: String,
}

#[derive(clap::Args, Debug)]
pub struct JoinArgs {
    /// The server, as the teacher gave it: `http://192.168.1.10:8080`.
    #[arg(long)]
    server: String,
    /// The class's join code.
    #[arg(long)]
    code: String,
    /// The nickname the class sees.
    #[arg(long)]
    name: String,
    /// Who plays: a classic strategy, a `.ron` strategy file or an AI level.
    #[arg(long)]
    strategy: String,
    /// Wait this long before sending each turn's orders, as a person would.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
}

pub fn run(command: ClassCommand) -> ExitCode {
    match command {
        ClassCommand::Open(a) => open(a),
    }
}

fn open(a: OpenArgs) -> ExitCode {
    let settings = Settings {
        scenario: a.scenario,
        turns: a.turns,
        noise: a.noise,
        seed: a.seed,
        seed_per_pair: a.seed_per_pair,
        against_ai: a.against_ai,
        stand_in: a.stand_in,
    };
    let url = format!("{}/class/api/sessions", a.server.trim_end_matches('/'));
    let answer = ureq::post(&url)
        .config()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .send_json(&settings);
    let mut response = match answer {
        Ok(r) => r,
        Err(e) => {
            errln!("cannot reach the class server at {}: {e}", a.server);
            return ExitCode::FAILURE;
        }
    };
    let status = response.status();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    if !status.is_success() {
        let message = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(String::from))
            .unwrap_or(body);
        errln!("the server refused the session ({status}): {message}");
        return ExitCode::FAILURE;
    }
    let opened: Opened = match serde_json::from_str(&body) {
        Ok(o) => o,
        Err(e) => {
            errln!("the server's answer is not a session: {e}");
            return ExitCode::FAILURE;
        }
    };
    let base = a.server.trim_end_matches('/');
    outln!("Join code: {}", opened.code);
    outln!("Teacher token: {}", opened.teacher_token);
    outln!("Students open {base}/ and type the code (or run `common-enemy join`).");
    outln!(
        "The dashboard: {base}/class/ — paste the code and the token there; keep the token to yourself."
    );
    ExitCode::SUCCESS
}

pub fn join(a: JoinArgs) -> ExitCode {
    let spec = match crate::strategy::Spec::parse(&a.strategy) {
        Ok(s) => s,
        Err(e) => {
            errln!("--strategy: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            errln!("cannot start the client: {e}");
            return ExitCode::FAILURE;
        }
    };
    let delay = Duration::from_millis(a.delay_ms);
    let result = runtime.block_on(crate::class::client::play(
        &a.server,
        &a.code,
        &a.name,
        &spec,
        delay,
        |line| outln!("{line}"),
    ));
    match result {
        Ok(f) => {
            let sc_players = &f.record.players;
            let scores = f
                .record
                .outcome
                .as_ref()
                .map(|o| o.scores)
                .or_else(|| {
                    f.record
                        .history
                        .last()
                        .map(|t| [0, 1].map(|p| t.scores.get(p).copied().unwrap_or(0.0)))
                })
                .unwrap_or_default();
            outln!(
                "final scores after {} turns: {} ({}) {:.1}, {} ({}) {:.1}{}",
                f.record.history.len(),
                sc_players.first().map_or("?", |p| p.0.as_str()),
                f.names[0],
                scores[0],
                sc_players.get(1).map_or("?", |p| p.0.as_str()),
                f.names[1],
                scores[1],
                f.record
                    .outcome
                    .as_ref()
                    .map(|o| format!(" — {}", o.text))
                    .unwrap_or_default()
            );
            outln!(
                "you played {}",
                sc_players.get(f.side).map_or("?", |p| p.0.as_str())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("{e}");
            ExitCode::FAILURE
        }
    }
}
