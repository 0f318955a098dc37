//! Fog over metrics (scenario format 2): what a side sees of a metric when the
//! scenario gives it only an estimate. The estimate is a pure function of the match
//! seed, the number of turns resolved, the metric and the viewer, so it draws nothing
//! from the match RNG: fog never changes an outcome, a record or a replay, only what
//! a side is shown.
//!
//! One convention everywhere (the game's screens, `simulate`, the class server): a
//! value as it stands after `turn` resolved turns (0: the start) is estimated with
//! that `turn`, so a chart of the record and the dashboard of the live match agree.

use super::components::{Match, Phase};
use crate::scenario::compiled::{Compiled, Slot};

/// The value `viewer` (0 or 1) sees now of the metric in `slot` of a running match,
/// whose true value is `truth`: see [`seen_value`]. Until a turn's outcome is on
/// record (its report) the live values are those after the turn before.
pub fn seen(c: &Compiled, m: &Match, viewer: u8, slot: Slot, truth: f64) -> f64 {
    let resolved = match m.phase {
        Phase::Report | Phase::GameOver => m.turn,
        Phase::Briefing | Phase::Orders | Phase::Resolution => m.turn.saturating_sub(1),
    };
    seen_value(c, m.seed, resolved, viewer, slot, truth)
}

/// Whether `viewer` (0 or 1) sees the metric in `slot` only as an estimate.
pub fn fogged(c: &Compiled, viewer: usize, slot: Slot) -> bool {
    c.metric(slot).is_some_and(|m| m.fog[viewer.min(1)] > 0.0)
}

/// The value `viewer` (0 or 1) sees of the metric in `slot` after `turn` resolved
/// turns of the match seeded `seed`, given its true value: the truth when the metric
/// has no fog for that player, else an estimate within the fog's error, kept inside
/// the range.
pub fn seen_value(c: &Compiled, seed: u64, turn: u32, viewer: u8, slot: Slot, truth: f64) -> f64 {
    let key: u64 = match slot {
        Slot::Shared(i) => u64::from(i),
        Slot::Player(p, i) => (1 << 32) | (u64::from(p) << 16) | u64::from(i),
        // Relative slots belong to effects, never to what a side is shown.
        Slot::Mine(_) | Slot::Theirs(_) => return truth,
    };
    let Some(metric) = c.metric(slot) else {
        return truth;
    };
    let error = metric.fog[usize::from(viewer.min(1))];
    if error <= 0.0 {
        return truth;
    }
    let h = mix(seed ^ mix(u64::from(turn) ^ (key << 8) ^ (u64::from(viewer) << 60)));
    // 53 random bits as a fraction in [0, 1), then in [-1, 1).
    let unit = (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
    (truth + unit * error).clamp(metric.min, metric.max)
}

/// SplitMix64's finalizer: a fixed, portable bit mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
