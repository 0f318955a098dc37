//! Every limit on a count or a probability that reaches the engine from outside —
//! a scenario, the command line, a game record or a save — in one place, so the
//! validator, the CLI's argument parsers and the record and save checks agree.
//!
//! # What the scenario limits bound
//!
//! A turn applies each option effect of the chosen options, each rule's effects
//! once, each event's effects once at the briefing, and at most
//! [`MAX_EVENTS_PER_TURN`] fired events in the events step; each applied effect
//! makes at most one metric change (or one pending event), and each clamp at most
//! one change per metric slot. The validator computes that sum for a scenario
//! ([`effect_applications_per_turn`]) and refuses it above
//! [`MAX_CHANGES_PER_TURN`]. So, per match-turn:
//! - `Match::changes` holds at most `MAX_CHANGES_PER_TURN` entries of 40 bytes
//!   (40 KB), and `Match::pending` at most as many `u16`s;
//! - a game record's turn holds at most `MAX_CHANGES_PER_TURN` change records
//!   and at most [`MAX_EVENTS`] news the first turn, and after that at most
//!   [`MAX_REPEATABLE_EVENTS`] news a turn (only repeatable events fire twice).
//!   A change record is two short strings and two numbers, about 130 bytes in
//!   RON and about 300 in memory, so a record of [`MAX_TURNS`] turns of a
//!   scenario at every limit holds 10⁷ changes: measured, a 1.4 GB file and a
//!   peak of about 3 GB for `simulate --turns 10000 --record`. The shipped
//!   scenarios make a few dozen changes a turn.
//!
//! The condition tree nodes ([`MAX_CONDITIONS`]) bound the work of evaluating a
//! turn's rules, triggers and endings; the effects ([`MAX_EFFECTS`]) bound the
//! rest.

/// Most turns a match may last, from a scenario, `--turns`, a record or a save.
pub const MAX_TURNS: u32 = 10_000;
/// Most regular decisions one player may have.
pub const MAX_DECISIONS: usize = 64;
/// Most options one decision may have (option indices are `u8`).
pub const MAX_OPTIONS: usize = 64;
/// Most joint, chance and score rules together.
pub const MAX_RULES: usize = 2000;
/// Most events.
pub const MAX_EVENTS: usize = 1000;
/// Most events marked `repeatable`: only they can be news on every turn.
pub const MAX_REPEATABLE_EVENTS: usize = 64;
/// Most metrics.
pub const MAX_METRICS: usize = 256;
/// Most effects in the whole file: options, rules, events and event choices.
pub const MAX_EFFECTS: usize = 4000;
/// Most condition nodes in the whole file (`All([a, b])` is three).
pub const MAX_CONDITIONS: usize = 4000;
/// Most fired events the events step applies in one turn; bounds chains of
/// events firing events.
pub const MAX_EVENTS_PER_TURN: usize = 64;
/// Most effect applications and clamps one turn can make (see the module doc).
pub const MAX_CHANGES_PER_TURN: usize = 1000;
/// Most days a turn may stand for (a year, so dates stay within `i64` for any count).
pub const MAX_DAYS_PER_TURN: u32 = 366;
/// Longest id, in characters.
pub const MAX_ID_CHARS: usize = 64;

/// Most repetitions of each pairing in a tournament.
pub const MAX_REPETITIONS: u32 = 1000;
/// Most worker threads.
pub const MAX_THREADS: usize = 256;
/// Most individuals of each strategy at the start of evolution.
pub const MAX_POPULATION: u32 = 100_000;
/// Most generations of evolution.
pub const MAX_GENERATIONS: u32 = 100_000;
/// Most samples per cell in an analysis: each is a match held in memory at once.
pub const MAX_SAMPLES: usize = 100_000;
/// Most match-turns a tournament may play: pairings × repetitions × turns.
pub const MAX_TOURNAMENT_TURNS: u64 = 1_000_000_000;
/// Most individual-generations evolution may compute: population × strategies × generations.
pub const MAX_EVOLUTION_WORK: u64 = 1_000_000_000;
/// Most turns an analysis may play: cells × samples × the turn analysed.
pub const MAX_ANALYSIS_TURNS: u64 = 20_000_000;

/// Why `id` is not a usable id, as the end of a sentence that starts with the
/// id (`id "U.S." contains '.'; …`): ids become parts of file names and of
/// `player.metric` references, so they are `[a-z][a-z0-9_]*`, at most
/// [`MAX_ID_CHARS`] characters.
pub fn id_problem(id: &str) -> Option<String> {
    let len = id.chars().count();
    if id.is_empty() {
        return Some("is empty".into());
    }
    if len > MAX_ID_CHARS {
        return Some(format!(
            "is {len} characters long; the limit is {MAX_ID_CHARS}"
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        return Some(format!("contains {c:?}; ids use only a-z, 0-9 and _"));
    }
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("must start with a letter a-z".into());
    }
    None
}

/// The hint that goes with [`id_problem`].
pub const ID_HINT: &str = "write ids like \"strike_tactic\": lowercase letters, digits and _";

/// The most effects one turn can apply and the most clamps it can make, by the
/// top-level list of the file they come from; their sum is what
/// [`MAX_CHANGES_PER_TURN`] bounds. Each effect is applied at most once per
/// turn (an option's when chosen, a rule's when it runs, an event's when it is
/// news), except that the events step applies up to [`MAX_EVENTS_PER_TURN`]
/// fired events, so a repeatable event's effects count that many times.
pub fn turn_work_parts(c: &super::Compiled) -> [(&'static str, usize); 6] {
    let most_effects = |d: &super::compiled::CDecision| {
        d.options.iter().map(|o| o.effects.len()).max().unwrap_or(0)
    };
    let options: usize = c.decisions.iter().flatten().map(most_effects).sum();
    let answers: usize = c
        .events
        .iter()
        .filter_map(|e| e.choice.as_ref())
        .map(|(_, d)| most_effects(d))
        .sum();
    let rules =
        |list: &[super::compiled::CRule]| -> usize { list.iter().map(|r| r.effects.len()).sum() };
    let briefing: usize = c
        .events
        .iter()
        .filter(|e| !matches!(e.trigger, super::compiled::CTrigger::Fired))
        .map(|e| e.effects.len())
        .sum();
    let once: usize = c
        .events
        .iter()
        .filter(|e| !e.repeatable)
        .map(|e| e.effects.len())
        .sum();
    let most_repeated = c
        .events
        .iter()
        .filter(|e| e.repeatable)
        .map(|e| e.effects.len())
        .max()
        .unwrap_or(0);
    let most_any = c.events.iter().map(|e| e.effects.len()).max().unwrap_or(0);
    let fired = (once.saturating_add(MAX_EVENTS_PER_TURN.saturating_mul(most_repeated)))
        .min(MAX_EVENTS_PER_TURN.saturating_mul(most_any));
    // Metrics are clamped after the briefing, after resolution and after scoring.
    let clamps = 3 * (c.shared.len() + 2 * c.per_player.len());
    [
        ("players", options),
        ("metrics", clamps),
        ("joint_rules", rules(&c.joint)),
        ("chance_rules", rules(&c.chance)),
        ("score_rules", rules(&c.score)),
        ("events", answers + briefing + fired),
    ]
}

/// Checks a number of turns from outside.
pub fn turns_problem(turns: u32) -> Option<String> {
    (!(1..=MAX_TURNS).contains(&turns))
        .then(|| format!("turns must be between 1 and {MAX_TURNS}, not {turns}"))
}

/// Checks a probability from outside (noise): a finite number in [0, 1].
pub fn probability_problem(p: f64) -> Option<String> {
    (!(0.0..=1.0).contains(&p)).then(|| format!("probability {p} is outside [0, 1]"))
}

/// `a × b × …`, or `None` when it does not fit in a `u64`.
pub fn product(factors: impl IntoIterator<Item = u64>) -> Option<u64> {
    factors
        .into_iter()
        .try_fold(1u64, |acc, f| acc.checked_mul(f))
}

/// Refuses the work `factors` multiply into when it passes `limit`; the message
/// names the limit and `what` is being counted.
pub fn work_problem(
    what: &str,
    factors: impl IntoIterator<Item = u64>,
    limit: u64,
) -> Option<String> {
    match product(factors) {
        Some(n) if n <= limit => None,
        Some(n) => Some(format!("{what} is {n}; the limit is {limit}")),
        None => Some(format!("{what} is past 2^64; the limit is {limit}")),
    }
}

/// Clap parsers for counts and probabilities on the command line, so a bad
/// value is a usage error naming the flag and the allowed range.
#[cfg(not(target_arch = "wasm32"))]
pub mod arg {
    use super::*;
    use clap::builder::{RangedU64ValueParser, TypedValueParser};

    /// `--turns`: 1 to [`MAX_TURNS`].
    pub fn turns() -> impl TypedValueParser<Value = u32> {
        RangedU64ValueParser::<u32>::new().range(1..=MAX_TURNS as u64)
    }

    /// `--repetitions`: 1 to [`MAX_REPETITIONS`].
    pub fn repetitions() -> impl TypedValueParser<Value = u32> {
        RangedU64ValueParser::<u32>::new().range(1..=MAX_REPETITIONS as u64)
    }

    /// `--threads`: 1 to [`MAX_THREADS`].
    pub fn threads() -> impl TypedValueParser<Value = usize> {
        RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS as u64)
    }

    /// `--population`: 1 to [`MAX_POPULATION`].
    pub fn population() -> impl TypedValueParser<Value = u32> {
        RangedU64ValueParser::<u32>::new().range(1..=MAX_POPULATION as u64)
    }

    /// `--replace`: 0 to [`MAX_POPULATION`].
    pub fn replace() -> impl TypedValueParser<Value = u32> {
        RangedU64ValueParser::<u32>::new().range(0..=MAX_POPULATION as u64)
    }

    /// `--evolve`: 1 to [`MAX_GENERATIONS`].
    pub fn generations() -> impl TypedValueParser<Value = u32> {
        RangedU64ValueParser::<u32>::new().range(1..=MAX_GENERATIONS as u64)
    }

    /// `--samples`, `--full-samples`: 1 to [`MAX_SAMPLES`].
    pub fn samples() -> impl TypedValueParser<Value = usize> {
        RangedU64ValueParser::<usize>::new().range(1..=MAX_SAMPLES as u64)
    }

    /// `--noise`: a probability, 0 to 1.
    pub fn probability(s: &str) -> Result<f64, String> {
        let p: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("\"{s}\" is not a number; give a probability from 0 to 1"))?;
        match probability_problem(p) {
            Some(_) => Err(format!("{p} is not in 0..=1 (a probability)")),
            None => Ok(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_words() {
        for good in ["us", "syria_2015", "a1", "x"] {
            assert_eq!(id_problem(good), None, "{good}");
        }
        let long = "a".repeat(MAX_ID_CHARS + 1);
        for bad in [
            "",
            "Us",
            "1a",
            "_a",
            "a.b",
            "a-b",
            "a/b",
            "..",
            long.as_str(),
        ] {
            assert!(id_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn products_that_overflow_are_over_any_limit() {
        assert_eq!(product([2u64; 64]), None);
        assert!(work_problem("work", [2u64; 64], u64::MAX).is_some());
        assert_eq!(work_problem("work", [10, 10], 100), None);
        assert_eq!(
            work_problem("work", [10, 11], 100).as_deref(),
            Some("work is 110; the limit is 100")
        );
    }

    #[test]
    fn probabilities_refuse_nan_and_out_of_range() {
        for bad in ["nan", "NaN", "-1", "1.5", "inf", "x"] {
            assert!(arg::probability(bad).is_err(), "{bad}");
        }
        assert_eq!(arg::probability("0.25"), Ok(0.25));
    }
}
