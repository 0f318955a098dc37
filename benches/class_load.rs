//! The class server under load (a benchmark, not a timed test): `common-enemy serve`
//! as its own process on loopback, one session of `syria_2015`, and STUDENTS bot
//! students (200 by default: 100 matches) joining through the real protocol and
//! playing to the end, each waiting DELAY ms (400) before its orders as a person
//! would. Prints the turn-resolution latency (from the last order of a turn sent to
//! the turn's record received, p50/p99 over every match and turn), messages per
//! second, and the server process's CPU time and peak memory.
//!
//! Run: `cargo bench --bench class_load` (`STUDENTS=40 DELAY=200 cargo bench …`).

use common_enemy::class::client;
use common_enemy::strategy::Spec;
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let students = env("STUDENTS", 200) as usize;
    let delay = Duration::from_millis(env("DELAY", 400));
    let port = 21000 + std::process::id() % 2000;
    let url = format!("http://127.0.0.1:{port}");
    let data = std::env::temp_dir().join(format!("ce-class-load-{}", std::process::id()));
    let mut server = Command::new(env!("CARGO_BIN_EXE_common-enemy"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--web",
            "/nonexistent",
        ])
        .arg("--data")
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let open = Command::new(env!("CARGO_BIN_EXE_common-enemy"));
    let code = (0..50)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(200));
            let out = Command::new(open.get_program())
                .args([
                    "class",
                    "open",
                    "--server",
                    &url,
                    "--scenario",
                    "syria_2015",
                    "--seed",
                    "1",
                    "--seed-per-pair",
                ])
                .output()
                .ok()?;
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("Join code: ").map(String::from))
        })
        .expect("the session opens");
    let cpu_before = cpu_seconds(server.id());
    let started = Instant::now();
    let strategies = [
        "tit_for_tat",
        "grudger",
        "generous_tit_for_tat",
        "defector",
        "random",
        "cooperator",
    ];
    let finished: Vec<client::Finished> = runtime.block_on(async {
        let tasks: Vec<_> = (0..students)
            .map(|i| {
                let (url, code) = (url.clone(), code.clone());
                let spec = Spec::parse(strategies[i % strategies.len()]).unwrap();
                tokio::spawn(async move {
                    client::play(&url, &code, &format!("bot{i}"), &spec, delay, |_| {}).await
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap().expect("a bot finishes"));
        }
        out
    });
    let wall = started.elapsed();
    let cpu = cpu_seconds(server.id()) - cpu_before;
    let peak = peak_kib(server.id());
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data);

    // Per match and turn, the side whose orders came last waited the least.
    let mut last: HashMap<(String, u32), Duration> = HashMap::new();
    for f in &finished {
        let key = f
            .record
            .players
            .iter()
            .map(|p| p.1.clone())
            .collect::<Vec<_>>()
            .join("|");
        for &(turn, wait) in &f.waits {
            let e = last.entry((key.clone(), turn)).or_insert(wait);
            *e = (*e).min(wait);
        }
    }
    let mut lat: Vec<Duration> = last.into_values().collect();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    let messages: usize = finished.iter().map(|f| f.messages).sum();
    let turns: usize = finished
        .iter()
        .map(|f| f.record.history.len())
        .sum::<usize>()
        / 2;
    println!(
        "{students} students, {} matches of syria_2015, {turns} turns resolved in {:.1} s (orders after {} ms)",
        students / 2,
        wall.as_secs_f64(),
        delay.as_millis()
    );
    println!(
        "turn resolution, last order sent to the turn's record received: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} match-turns",
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        lat.len()
    );
    println!(
        "messages: {messages} ({:.0} a second)",
        messages as f64 / wall.as_secs_f64()
    );
    println!(
        "server process: {:.1} s CPU ({:.0}% of one core over the run), peak resident memory {:.1} MiB",
        cpu,
        100.0 * cpu / wall.as_secs_f64(),
        peak as f64 / 1024.0
    );
}
