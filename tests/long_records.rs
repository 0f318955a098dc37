//! What the program writes it can read back: a match of the longest length a
//! scenario may have is recorded, read back through the record size limit, and
//! replayed.

use common_enemy::scenario::limits::MAX_TURNS;
use common_enemy::scenario::{self, LoadedScenario};
use common_enemy::sim::record::{GameRecord, MAX_RECORD_BYTES};
use common_enemy::sim::replay;
use common_enemy::sim::runner::play_recorded;
use common_enemy::strategy::Spec;
use std::path::Path;
use std::sync::Arc;

fn longest_game_round_trips(name: &str, players: [&str; 2]) {
    let s: Arc<LoadedScenario> = Arc::new(
        scenario::load(Path::new(&format!("scenarios/{name}.ron")))
            .unwrap_or_else(|d| panic!("{name}: {d:?}")),
    );
    let controllers = players.map(|id| (Spec::parse(id).unwrap().controller(), id.to_string()));
    let rec = play_recorded(s.clone(), 3, Some(MAX_TURNS), Some(0.1), controllers);
    let dir = std::env::temp_dir().join(format!("ce-long-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("long.ron");
    rec.write(&path).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size as usize <= MAX_RECORD_BYTES, "{name}: {size} bytes");
    let read = GameRecord::load(&path).unwrap_or_else(|d| panic!("{name}: {d}"));
    assert_eq!(read.history.len(), rec.history.len());
    assert_eq!(replay(&read, s), Ok(rec.history.len()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_longest_prisoners_dilemma_is_written_read_back_and_replayed() {
    longest_game_round_trips("prisoners_dilemma", ["tit_for_tat", "random"]);
}
