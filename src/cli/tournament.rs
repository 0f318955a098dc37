//! `common-enemy tournament`: the round robin, its table and files, and evolution.

use crate::strategy::Spec;
use crate::tournament::{self, Config, evolve, output};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    scenario: PathBuf,
    /// Comma-separated ids, strategy files (`strategies/x.ron`) and groups: `all` is
    /// every classic strategy and leaves the AIs out; `all+ai` adds the nine AIs
    /// (ai_easy, ai_normal, ai_hard, each also `:pragmatic` and `:reciprocal`). A
    /// group prints what it includes.
    #[arg(long, default_value = "all")]
    strategies: String,
    /// Turns per match (default: the scenario's).
    #[arg(long, value_parser = crate::scenario::limits::arg::turns())]
    turns: Option<u32>,
    #[arg(long, default_value_t = 5, value_parser = crate::scenario::limits::arg::repetitions())]
    repetitions: u32,
    /// Perception noise (default: the scenario's).
    #[arg(long, value_parser = crate::scenario::limits::arg::probability)]
    noise: Option<f64>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the results: `.json` or `.csv`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Then evolve a population for this many generations.
    #[arg(long, value_parser = crate::scenario::limits::arg::generations())]
    evolve: Option<u32>,
    /// Individuals of each strategy at the start of evolution.
    #[arg(long, default_value_t = 10, value_parser = crate::scenario::limits::arg::population())]
    population: u32,
    /// Individuals replaced each generation.
    #[arg(long, default_value_t = 5, value_parser = crate::scenario::limits::arg::replace())]
    replace: u32,
    /// Write population shares per generation to this CSV file.
    #[arg(long)]
    evolve_csv: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = crate::scenario::limits::arg::threads())]
    threads: Option<usize>,
}

fn items(spec: &str) -> impl Iterator<Item = &str> {
    spec.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The entrants a `--strategies` value names, groups expanded in place.
pub(crate) fn entrants(spec: &str) -> Result<Vec<Spec>, String> {
    let names: Vec<&str> = items(spec)
        .flat_map(|item| crate::strategy::group(item).unwrap_or_else(|| vec![item]))
        .collect();
    let mut out: Vec<Spec> = Vec::new();
    for name in names {
        let entrant = Spec::parse(name)?;
        if out.iter().any(|e| e.id() == entrant.id()) {
            return Err(format!("strategy \"{}\" is entered twice", entrant.id()));
        }
        out.push(entrant);
    }
    if out.is_empty() {
        return Err("--strategies names no strategy".into());
    }
    Ok(out)
}

/// One line per group in a `--strategies` value, saying what it stands for.
fn group_lines(spec: &str) -> Vec<String> {
    items(spec)
        .filter_map(|item| {
            let ids = crate::strategy::group(item)?;
            let ais = crate::strategy::ai_ids();
            let what = if ids.iter().any(|id| ais.contains(id)) {
                "the classic strategies and the AI levels"
            } else {
                "the classic strategies, without the AIs (all+ai adds them)"
            };
            Some(format!(
                "{item} = {what}, {} in all: {}",
                ids.len(),
                ids.join(", ")
            ))
        })
        .collect()
}

/// Refuses a tournament or an evolution whose counts multiply into more work
/// than the limits allow, before any of it is started.
fn work(strategies: usize, a: &Args, turns: u32) -> Option<String> {
    use crate::scenario::limits::*;
    let n = strategies as u64;
    let pairings = n * (n + 1) / 2;
    let tournament = work_problem(
        "pairings × --repetitions × turns, the match-turns of this tournament,",
        [pairings, a.repetitions as u64, turns as u64],
        MAX_TOURNAMENT_TURNS,
    );
    let evolution = a.evolve.and_then(|generations| {
        work_problem(
            "--population × strategies × --evolve, the individual-generations of this evolution,",
            [a.population as u64, n, generations as u64],
            MAX_EVOLUTION_WORK,
        )
    });
    tournament.or(evolution)
}

pub fn run(a: Args) -> ExitCode {
    let Some(scenario) = super::simulate::load_scenario(&a.scenario) else {
        return ExitCode::FAILURE;
    };
    let entrants = match entrants(&a.strategies).and_then(|list| {
        list.iter().try_for_each(|e| e.check(&scenario.scenario))?;
        Ok(list)
    }) {
        Ok(e) => e,
        Err(e) => {
            errln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for line in group_lines(&a.strategies) {
        outln!("{line}");
    }
    let ids: Vec<String> = entrants.iter().map(|e| e.id().to_string()).collect();
    let turns = a.turns.unwrap_or(scenario.compiled.turns);
    if let Some(problem) = work(ids.len(), &a, turns) {
        eprintln!("{problem}");
        return ExitCode::FAILURE;
    }
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let config = Config {
        scenario,
        entrants,
        turns: a.turns,
        repetitions: a.repetitions,
        noise: a.noise,
        seed: a.seed,
        threads,
    };
    let total = tournament::match_count(ids.len(), config.repetitions);
    let bar = ProgressBar::hidden();
    bar.set_length(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} matches {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    // Only runs longer than about a second get a bar.
    let shown = std::sync::atomic::AtomicBool::new(false);
    let progress = |n: u64| {
        if !shown.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed() > Duration::from_secs(1)
        {
            shown.store(true, std::sync::atomic::Ordering::Relaxed);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        bar.inc(n);
    };
    let results = tournament::run(&config, &progress);
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    outln!(
        "{} — {} strategies, {} matches, {} turns each, noise {}\n",
        config.scenario.scenario.title,
        ids.len(),
        total,
        a.turns.unwrap_or(config.scenario.compiled.turns),
        a.noise.unwrap_or(config.scenario.compiled.noise)
    );
    out!("{}", output::table(&results));
    outln!(
        "\n{} turns in {:.3} s: {:.0} turns per second",
        results.turns_played,
        secs,
        results.turns_played as f64 / secs.max(1e-9)
    );
    if let Some(path) = &a.out {
        let text = if path.extension().is_some_and(|e| e == "csv") {
            output::csv(&results)
        } else {
            output::json(&results)
        };
        if let Err(e) = crate::files::write_atomically(path, text.as_bytes()) {
            errln!("{}: cannot write: {e}", path.display());
            return ExitCode::FAILURE;
        }
        outln!("results written to {}", path.display());
    }
    if let Some(generations) = a.evolve {
        let history = evolve::evolve(
            &results,
            &ids,
            vec![a.population; ids.len()],
            generations,
            a.replace,
        );
        outln!(
            "\nEvolution: {} of each strategy, {} replaced per generation",
            a.population,
            a.replace
        );
        out!("{}", output::evolution_table(&ids, &history));
        if let Some(path) = &a.evolve_csv {
            if let Err(e) = crate::files::write_atomically(
                path,
                output::evolution_csv(&ids, &history).as_bytes(),
            ) {
                errln!("{}: cannot write: {e}", path.display());
                return ExitCode::FAILURE;
            }
            outln!("population shares written to {}", path.display());
        }
    }
    ExitCode::SUCCESS
}
