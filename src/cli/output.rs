//! Where the commands print: stdout and stderr writers that never panic, show
//! untrusted text safely on a terminal, and remember a failed write so the command
//! can exit with [`EX_IOERR`].
//!
//! A closed pipe (`common-enemy simulate … | head`) is the reader stopping early,
//! not a failure: that stream is silently dropped for the rest of the run and the
//! command's own exit code stands, so `set -o pipefail` scripts that read only the
//! start of the output do not fail. Any other failed write (a full disk, `/dev/full`,
//! an I/O error) makes the command exit 74.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code of a command whose output could not be written (sysexits.h).
pub const EX_IOERR: u8 = 74;

/// What has happened to one output stream.
struct Stream {
    /// The reader closed its end: write nothing more.
    closed: AtomicBool,
    /// A write failed for another reason.
    failed: AtomicBool,
}

static STDOUT: Stream = Stream::new();
static STDERR: Stream = Stream::new();

impl Stream {
    const fn new() -> Self {
        Stream {
            closed: AtomicBool::new(false),
            failed: AtomicBool::new(false),
        }
    }

    fn write(&self, out: &mut dyn Write, args: fmt::Arguments) {
        if self.closed.load(Ordering::Relaxed) {
            return;
        }
        let text = match args.as_str() {
            Some(s) => crate::report::escape::terminal(s),
            None => crate::report::escape::terminal(&args.to_string()),
        };
        if let Err(e) = out.write_all(text.as_bytes()) {
            self.note(&e);
        }
    }

    fn flush(&self, out: &mut dyn Write) {
        if !self.closed.load(Ordering::Relaxed)
            && let Err(e) = out.flush()
        {
            self.note(&e);
        }
    }

    fn note(&self, e: &io::Error) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            self.closed.store(true, Ordering::Relaxed);
        } else {
            self.failed.store(true, Ordering::Relaxed);
        }
    }
}

/// Prints to stdout (the `out!` and `outln!` macros).
pub fn out(args: fmt::Arguments) {
    STDOUT.write(&mut io::stdout().lock(), args);
}

/// Prints to stderr (the `err!` and `errln!` macros).
pub fn err(args: fmt::Arguments) {
    STDERR.write(&mut io::stderr().lock(), args);
}

/// The exit code of a finished command: its own, or [`EX_IOERR`] if some of its
/// output was lost.
pub fn finish(code: ExitCode) -> ExitCode {
    STDOUT.flush(&mut io::stdout().lock());
    STDERR.flush(&mut io::stderr().lock());
    if STDOUT.failed.load(Ordering::Relaxed) || STDERR.failed.load(Ordering::Relaxed) {
        ExitCode::from(EX_IOERR)
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails the way a full disk or a closed pipe does.
    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from(self.0))
        }
    }

    #[test]
    fn a_full_stream_is_a_failure_and_a_closed_pipe_is_not() {
        let full = Stream::new();
        full.write(&mut Failing(io::ErrorKind::StorageFull), format_args!("x"));
        assert!(full.failed.load(Ordering::Relaxed));

        let closed = Stream::new();
        closed.write(&mut Failing(io::ErrorKind::BrokenPipe), format_args!("x"));
        assert!(closed.closed.load(Ordering::Relaxed));
        assert!(!closed.failed.load(Ordering::Relaxed));
        // Nothing more is tried once the reader has gone.
        closed.write(&mut Failing(io::ErrorKind::StorageFull), format_args!("y"));
        assert!(!closed.failed.load(Ordering::Relaxed));
    }

    #[test]
    fn terminal_escapes_are_shown_not_sent() {
        let s = Stream::new();
        let mut buf = Vec::new();
        s.write(&mut buf, format_args!("{}", "red\x1b[31m\n"));
        assert_eq!(buf, b"red\\x1b[31m\n");
    }
}
