//! AI players. A strategy sees only what its side knows (its own moves, the other
//! side's moves as perceived, scores) and writes sealed orders like a human would.

mod classic;
pub mod language;

pub use classic::Classic;

use crate::scenario::compiled::CDecision;
use crate::scenario::schema::Stance;
use crate::sim::components::Memory;
use rand::rngs::Xoshiro256PlusPlus;

/// What a strategy may look at when it chooses.
pub struct View<'a> {
    /// The turn being played, 1-based.
    pub turn: u32,
    /// One entry per past turn, oldest first.
    pub history: &'a [Memory],
    /// This side's regular decisions.
    pub decisions: &'a [CDecision],
}

/// Chooses a side's orders each turn.
pub trait Strategy: Send + Sync {
    /// The id a tournament table shows.
    fn id(&self) -> &str;

    /// The move in the dilemma view.
    fn stance(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus) -> Stance;

    /// Full orders; by default, the first option of the chosen stance in every decision.
    fn orders(&mut self, view: &View, rng: &mut Xoshiro256PlusPlus, out: &mut Vec<u8>) -> Stance {
        let stance = self.stance(view, rng);
        crate::sim::rules::orders_for(view.decisions, stance, out);
        stance
    }
}

/// Every built-in strategy id, in the order `--strategies all` uses.
pub fn builtin_ids() -> Vec<&'static str> {
    Classic::ALL.iter().map(|c| c.id()).collect()
}

/// A built-in strategy by id.
pub fn builtin(id: &str) -> Option<Box<dyn Strategy>> {
    Classic::from_id(id).map(|c| Box::new(c) as Box<dyn Strategy>)
}

/// A strategy as named on the command line: a built-in id or a `.ron` strategy file.
#[derive(Debug, Clone)]
pub enum Spec {
    Builtin(Classic),
    Scripted(std::sync::Arc<language::StrategyFile>),
}

impl Spec {
    pub fn parse(spec: &str) -> Result<Spec, String> {
        if spec.ends_with(".ron") {
            let file = language::StrategyFile::load(std::path::Path::new(spec))
                .map_err(|ds| ds.iter().map(|d| d.to_string()).collect::<String>())?;
            return Ok(Spec::Scripted(std::sync::Arc::new(file)));
        }
        Classic::from_id(spec).map(Spec::Builtin).ok_or_else(|| {
            let ids = builtin_ids();
            let hint = crate::ronfile::did_you_mean(spec, ids.iter().copied())
                .unwrap_or_else(|| format!("known strategies: {}", ids.join(", ")));
            format!("unknown strategy \"{spec}\": {hint}")
        })
    }

    pub fn id(&self) -> &str {
        match self {
            Spec::Builtin(c) => c.id(),
            Spec::Scripted(f) => &f.id,
        }
    }

    /// A fresh player with this strategy.
    pub fn make(&self) -> Box<dyn Strategy> {
        match self {
            Spec::Builtin(c) => Box::new(*c),
            Spec::Scripted(f) => Box::new(language::Scripted::new(f.clone())),
        }
    }
}

/// A fresh player from a command-line spec.
pub fn from_spec(spec: &str) -> Result<Box<dyn Strategy>, String> {
    Spec::parse(spec).map(|s| s.make())
}
