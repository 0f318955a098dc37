//! `common-enemy validate PATH...`: every problem of every file, exit 1 on any error.

use crate::ronfile::Diagnostic;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(paths: &[PathBuf]) -> ExitCode {
    let mut failed = 0;
    for path in paths {
        let diagnostics: Vec<Diagnostic> = match check_file(path) {
            Ok(warnings) => {
                outln!(
                    "{}: ok{}",
                    path.display(),
                    if warnings.is_empty() {
                        String::new()
                    } else {
                        format!(" ({} warnings)", warnings.len())
                    }
                );
                warnings
            }
            Err(errors) => {
                failed += 1;
                errors
            }
        };
        super::print_diagnostics(&diagnostics);
    }
    if failed > 0 {
        errln!("{failed} of {} files have errors", paths.len());
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Validates one file, a scenario or a strategy; `Ok` carries its warnings.
pub fn check_file(path: &std::path::Path) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    if is_strategy(path) {
        return crate::strategy::language::StrategyFile::load(path).map(|_| Vec::new());
    }
    let mut loaded = crate::scenario::load(path)?;
    crate::analysis::lint::check(&mut loaded);
    Ok(loaded.warnings)
}

/// A strategy file opens with `Strategy(`; anything else is read as a scenario.
fn is_strategy(path: &std::path::Path) -> bool {
    let Ok(bytes) = crate::ronfile::read(path) else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#!"))
        .is_some_and(|l| l.starts_with("Strategy"))
}
