//! `common-enemy report RECORD` (the debrief of one game) and `common-enemy
//! class-summary DIR` (every record of a folder), written as Markdown and CSV.

use crate::files::write_atomically;
use crate::report::{class_summary, debrief};
use crate::sim::record::GameRecord;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// A game record written by `simulate --record` or the game.
    pub record: PathBuf,
    /// Where to write the Markdown debrief.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the turn log as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// The scenario file, when it has moved since the record was made.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ClassArgs {
    /// A folder of game records, e.g. one per pair of students.
    pub dir: PathBuf,
    /// Where to write the Markdown summary.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write one CSV row per game: to this path, or beside `--out` with a `.csv` extension.
    #[arg(long, num_args = 0..=1, value_name = "PATH")]
    pub csv: Option<Option<PathBuf>>,
}

fn write(path: &Path, text: &str) -> bool {
    match write_atomically(path, text.as_bytes()) {
        Ok(()) => {
            outln!("wrote {}", path.display());
            true
        }
        Err(e) => {
            errln!("{}: cannot write: {e}", path.display());
            false
        }
    }
}

pub fn report(args: ReportArgs) -> ExitCode {
    let rec = match GameRecord::load(&args.record) {
        Ok(r) => r,
        Err(d) => {
            err!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let scenario_path = match &args.scenario {
        Some(p) => Ok(p.clone()),
        None => rec.scenario_file(&args.record),
    };
    let scenario = match scenario_path.map(|p| (crate::scenario::load(&p), p)) {
        Ok((Ok(s), _)) => Some(s),
        Ok((Err(diagnostics), p)) => {
            errln!(
                "{}: the record's scenario {} cannot be loaded; the report leaves out what needs it (pass --scenario PATH)",
                args.record.display(),
                p.display()
            );
            super::print_diagnostics(&diagnostics);
            None
        }
        Err(e) => {
            errln!("{e}; the report leaves out what needs the scenario");
            None
        }
    };
    let mut ok = write(&args.out, &debrief::markdown(&rec, scenario.as_ref()));
    if let Some(csv) = &args.csv {
        ok &= write(csv, &debrief::turns_csv(&rec));
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub fn class_summary(args: ClassArgs) -> ExitCode {
    let class = match class_summary::read_dir(&args.dir) {
        Ok(c) => c,
        Err(e) => {
            errln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for s in &class.skipped {
        errln!("skipped {}: {}", s.file, s.reason);
    }
    let mut ok = write(
        &args.out,
        &class_summary::markdown(&class, &args.dir.display().to_string()),
    );
    if let Some(csv) = args.csv {
        let path = csv.unwrap_or_else(|| args.out.with_extension("csv"));
        ok &= write(&path, &class_summary::csv(&class));
    }
    outln!(
        "{} records summarised, {} files skipped",
        class.games.len(),
        class.skipped.len()
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
