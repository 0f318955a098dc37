//! The command line at its edges, end to end: special files given as input, output
//! that cannot be written, hostile text in scenarios and records, and no display.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_common-enemy"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ce-boundary-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Waits for a child, killing it if it is still running after a bound far beyond
/// what the command needs: a hang fails the test instead of stalling the suite.
fn finish(mut child: Child, what: &str) -> Output {
    let bound = Duration::from_secs(300);
    let started = Instant::now();
    let mut out = Vec::new();
    let mut err = Vec::new();
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let stdout = child.stdout.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = s.read_to_end(&mut b);
            b
        })
    });
    let stderr = child.stderr.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = s.read_to_end(&mut b);
            b
        })
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {bound:?}; it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if let Some(t) = stdout {
        out = t.join().unwrap();
    }
    if let Some(t) = stderr {
        err = t.join().unwrap();
    }
    Output {
        status,
        stdout: out,
        stderr: err,
    }
}

/// Runs a command with captured output, under the hang bound.
fn run(args: &[&str]) -> Output {
    let child = bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, &args.join(" "))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn simulate_record(scenario: &str, record: &Path) {
    let out = run(&[
        "simulate",
        "--scenario",
        scenario,
        "--player",
        "us=tit_for_tat",
        "--player",
        "russia=defector",
        "--quiet",
        "--record",
        record.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_given_as_input_is_refused_at_once() {
    let dir = scratch("special");
    let fifo = dir.join("pipe.ron");
    mkfifo(&fifo);
    let fifo = fifo.to_str().unwrap();
    for (path, kind) in [(fifo, "fifo"), ("/dev/zero", "character device")] {
        for args in [
            vec!["validate", path],
            vec!["replay", path],
            vec!["simulate", "--scenario", path, "--player", "a=cooperator"],
            vec!["report", path, "--out", "/tmp/never-written.md"],
            vec!["analyze", "--scenario", path],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let err = text(&out.stderr);
            assert!(
                err.contains(kind) && err.contains("not a regular file"),
                "{args:?}: {err}"
            );
        }
    }
}

#[test]
fn a_record_may_only_name_a_scenario_inside_its_folder() {
    let dir = scratch("scenario-path");
    let record = dir.join("game.ron");
    simulate_record("scenarios/syria_2015.ron", &record);
    let good = std::fs::read_to_string(&record).unwrap();
    // A record in another folder still finds a shipped scenario by its name.
    let out = run(&["replay", record.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for bad in [
        "/etc/passwd",
        "../syria_2015.ron",
        "scenarios/../../x.ron",
        "notes.txt",
    ] {
        let tampered = good.replacen(
            "scenario_path: \"scenarios/syria_2015.ron\"",
            &format!("scenario_path: {bad:?}"),
            1,
        );
        assert_ne!(tampered, good);
        let path = dir.join("tampered.ron");
        std::fs::write(&path, tampered).unwrap();
        let out = run(&["replay", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = text(&out.stderr);
        assert!(
            err.contains("may only name a relative `.ron` path"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn a_record_finds_its_scenario_in_its_own_folder() {
    let dir = scratch("beside");
    let scenario = dir.join("my_dilemma.ron");
    std::fs::copy("scenarios/syria_2015.ron", &scenario).unwrap();
    let record = dir.join("game.ron");
    simulate_record(scenario.to_str().unwrap(), &record);
    let text_of = std::fs::read_to_string(&record).unwrap();
    assert!(
        text_of.contains("scenario_path: \"my_dilemma.ron\""),
        "the record names its scenario relative to its folder"
    );
    let out = run(&["replay", record.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// `/dev/full` as a child's stdout or stderr: every write fails with ENOSPC.
fn full() -> Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
        .into()
}

const IOERR: i32 = 74;

#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_an_error_not_a_panic() {
    let dir = scratch("full");
    std::fs::write(dir.join("junk.ron"), "not a record").unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "simulate",
            "--scenario",
            "scenarios/prisoners_dilemma.ron",
            "--player",
            "a=cooperator",
            "--player",
            "b=defector",
        ],
        vec![
            "tournament",
            "--scenario",
            "scenarios/prisoners_dilemma.ron",
            "--strategies",
            "cooperator,defector",
            "--turns",
            "5",
            "--repetitions",
            "1",
        ],
        vec![
            "analyze",
            "--scenario",
            "scenarios/prisoners_dilemma.ron",
            "--json",
        ],
    ];
    for args in &runs {
        let child = bin()
            .args(args)
            .stdout(full())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = finish(child, &args.join(" "));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(IOERR), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // A full stderr: the error messages are lost, so the exit code says so.
    let summary = dir.join("summary.md");
    for args in [
        vec!["validate", "tests/corpus/misspelled_metric.ron"],
        vec![
            "class-summary",
            dir.to_str().unwrap(),
            "--out",
            summary.to_str().unwrap(),
        ],
    ] {
        let child = bin()
            .args(&args)
            .stdout(Stdio::null())
            .stderr(full())
            .spawn()
            .unwrap();
        let out = finish(child, &args.join(" "));
        assert_eq!(out.status.code(), Some(IOERR), "{args:?}");
    }
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `common-enemy simulate … | head -1`: the pipe closes before the story ends.
    let mut child = bin()
        .args([
            "simulate",
            "--scenario",
            "scenarios/prisoners_dilemma.ron",
            "--player",
            "a=cooperator",
            "--player",
            "b=defector",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = finish(child, "simulate | closed pipe");
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");

    // `common-enemy validate bad.ron 2>&1 | head -1`: stderr closes too.
    let mut child = bin()
        .args(["validate", "tests/corpus/misspelled_metric.ron"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let out = finish(child, "validate 2>&1 | closed pipe");
    // The file's own verdict, not a panic (101) or an I/O error.
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn outputs_refuse_special_and_read_only_targets() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = scratch("targets");
    let record = dir.join("game.ron");
    simulate_record("scenarios/syria_2015.ron", &record);
    let fifo = dir.join("out.md");
    mkfifo(&fifo);
    let out = run(&[
        "report",
        record.to_str().unwrap(),
        "--out",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("fifo"), "{}", text(&out.stderr));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    let locked = dir.join("locked.md");
    std::fs::write(&locked, "the teacher's notes").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(&[
        "report",
        record.to_str().unwrap(),
        "--out",
        locked.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("read-only"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&locked).unwrap(),
        "the teacher's notes"
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["game.ron", "locked.md", "out.md"],
        "no temporary files"
    );
}

/// Every cell of a CSV text (RFC 4180: quoted cells may hold commas, quotes, breaks).
fn csv_cells(csv: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = csv.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',' | '\n') => cells.push(std::mem::take(&mut cell)),
            (false, c) => cell.push(c),
        }
    }
    cells
}

/// A cell a spreadsheet would evaluate (a number with a sign is just a number).
fn is_formula(cell: &str) -> bool {
    let signed = cell.starts_with(['+', '-']) && cell.parse::<f64>().is_err();
    signed || cell.starts_with(['=', '@', '\t', '\r'])
}

#[test]
fn hostile_text_in_a_scenario_or_record_is_escaped_in_every_output() {
    const SCRIPT: &str = "<script>alert(1)</script>";
    const IMG: &str = "<img src=x onerror=alert(1)>";
    const FORMULA: &str = "=cmd|' /C calc'!A0";
    const ESC: &str = "\x1b[2J\x1b]0;pwned\x07";
    let dir = scratch("hostile");
    let original = std::fs::read_to_string("scenarios/syria_2015.ron").unwrap();
    let mut hostile = original.clone();
    for (from, to) in [
        (
            "title: \"Common Enemy: Syria, Autumn 2015\"",
            format!("title: \"{SCRIPT}{ESC}\""),
        ),
        (
            "name: \"United States\"",
            format!("name: \"{IMG}{FORMULA}{ESC}\""),
        ),
        (
            "title: \"Two air wars over one country\"",
            format!("title: \"{SCRIPT} news{ESC}\""),
        ),
        (
            "source: \"The United States, and Russia are both engaged in Syria fighting ISIS.\"",
            format!("source: \"{IMG} quote{ESC}\""),
        ),
        (
            "name: \"Leaflets first (hearts and minds)\"",
            format!("name: \"{FORMULA}{ESC}\""),
        ),
    ] {
        assert!(hostile.contains(from), "{from}");
        hostile = hostile.replacen(from, &to, 1);
    }
    let scenario = dir.join("hostile.ron");
    std::fs::write(&scenario, &hostile).unwrap();
    let scenario = scenario.to_str().unwrap();
    let records = dir.join("records");
    std::fs::create_dir_all(&records).unwrap();
    let record = records.join("game.ron");

    let mut terminal = Vec::new();
    let out = run(&["validate", scenario]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    terminal.push(out);
    let out = run(&[
        "simulate",
        "--scenario",
        scenario,
        "--player",
        "us=tit_for_tat",
        "--player",
        "russia=defector",
        "--record",
        record.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\\x1b[2J"), "shown escaped");
    terminal.push(out);
    // A hand-edited record: a formula and escapes as a controller's name.
    let rec = std::fs::read_to_string(&record).unwrap();
    let edited = rec.replacen("\"tit_for_tat\"", &format!("\"{FORMULA}{ESC}\""), 1);
    assert_ne!(rec, edited);
    std::fs::write(&record, edited).unwrap();

    let debrief = dir.join("debrief.md");
    let turns = dir.join("turns.csv");
    let out = run(&[
        "report",
        record.to_str().unwrap(),
        "--scenario",
        scenario,
        "--out",
        debrief.to_str().unwrap(),
        "--csv",
        turns.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    terminal.push(out);
    let summary = dir.join("summary.md");
    let summary_csv = dir.join("summary.csv");
    let out = run(&[
        "class-summary",
        records.to_str().unwrap(),
        "--out",
        summary.to_str().unwrap(),
        "--csv",
        summary_csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    terminal.push(out);
    let out = run(&[
        "analyze",
        "--scenario",
        scenario,
        "--no-full",
        "--samples",
        "20",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    terminal.push(out);
    // A broken copy: the diagnostic's snippet shows the hostile line.
    let broken = dir.join("broken.ron");
    std::fs::write(
        &broken,
        hostile.replacen(
            "    id: \"syria_2015\",",
            &format!("    id: \"syria_2015\", bogus: \"{ESC}\","),
            1,
        ),
    )
    .unwrap();
    let out = run(&["validate", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("bogus"), "{}", text(&out.stderr));
    terminal.push(out);

    for out in &terminal {
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !stream.contains(&0x1b) && !stream.contains(&0x07),
                "raw control characters reached the terminal: {}",
                text(stream)
            );
        }
    }
    let debrief_md = std::fs::read_to_string(&debrief).unwrap();
    let summary_md = std::fs::read_to_string(&summary).unwrap();
    assert!(debrief_md.contains("&lt;script&gt;"), "{debrief_md}");
    assert!(summary_md.contains("calc"), "{summary_md}");
    for md in [&debrief_md, &summary_md] {
        assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
        assert!(!md.contains('\x1b'), "{md}");
    }
    let turns_csv = std::fs::read_to_string(&turns).unwrap();
    let summary_csv = std::fs::read_to_string(&summary_csv).unwrap();
    assert!(summary_csv.contains("'=cmd"), "{summary_csv}");
    for csv in [&turns_csv, &summary_csv] {
        for cell in csv_cells(csv) {
            assert!(!is_formula(&cell), "a formula cell: {cell:?}");
        }
    }
}

/// Runs the game with no display in the environment.
fn without_display(args: &[&str]) -> Output {
    let child = bin()
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, &format!("{args:?} without a display"))
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn the_game_without_a_display_says_what_to_do() {
    for args in [&["play"][..], &[]] {
        let out = without_display(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("DISPLAY") && err.contains("xvfb-run"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
