//! AI players. A strategy sees only what its side knows (its own moves, the other
//! side's moves as perceived, scores) and writes sealed orders like a human would.

mod classic;
pub mod language;
pub mod planner;

pub use classic::Classic;

pub use crate::sim::seat::{GameView, Strategy, View};

/// Every built-in strategy id, in the order `--strategies all` uses.
pub fn builtin_ids() -> Vec<&'static str> {
    Classic::ALL.iter().map(|c| c.id()).collect()
}

/// The scenario-aware AI's ids: each level, plain (competitive), `:pragmatic`
/// and `:reciprocal`.
pub fn ai_ids() -> Vec<&'static str> {
    planner::Ai::ALL.iter().map(|a| a.id()).collect()
}

/// What a group name on the command line stands for: `all` is every classic and
/// leaves the AIs out (they are slow and not classics); `all+ai` adds them.
pub fn group(name: &str) -> Option<Vec<&'static str>> {
    match name {
        "all" => Some(builtin_ids()),
        "all+ai" => Some(builtin_ids().into_iter().chain(ai_ids()).collect()),
        _ => None,
    }
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
    /// The scenario-aware AI (`ai_easy`, `ai_normal` or `ai`, `ai_hard`, each
    /// with `:pragmatic` or `:reciprocal`).
    Planner(planner::Ai),
}

impl Spec {
    pub fn parse(spec: &str) -> Result<Spec, String> {
        if spec.ends_with(".ron") {
            let file = language::StrategyFile::load(std::path::Path::new(spec))
                .map_err(|ds| ds.iter().map(|d| d.to_string()).collect::<String>())?;
            return Ok(Spec::Scripted(std::sync::Arc::new(file)));
        }
        if let Some(ai) = planner::Ai::parse(spec) {
            return Ok(Spec::Planner(ai));
        }
        Classic::from_id(spec).map(Spec::Builtin).ok_or_else(|| {
            let mut ids = builtin_ids();
            ids.extend(ai_ids());
            let hint = crate::ronfile::did_you_mean(spec, ids.iter().copied())
                .unwrap_or_else(|| format!("known strategies: {}", ids.join(", ")));
            format!("unknown strategy \"{spec}\": {hint}")
        })
    }

    pub fn id(&self) -> &str {
        match self {
            Spec::Builtin(c) => c.id(),
            Spec::Scripted(f) => &f.id,
            Spec::Planner(d) => d.id(),
        }
    }

    /// Checks that the strategy can play this scenario (named options exist).
    pub fn check(&self, s: &crate::scenario::Scenario) -> Result<(), String> {
        match self {
            Spec::Builtin(_) | Spec::Planner(_) => Ok(()),
            Spec::Scripted(f) => f.check_against(&s.players),
        }
    }

    /// A fresh controller for a side; `spawn_match` seeds its random stream.
    pub fn controller(&self) -> crate::sim::components::Controller {
        use crate::sim::components::Controller;
        let rng = rand::SeedableRng::seed_from_u64(0);
        match self {
            Spec::Builtin(c) => Controller::Strategy {
                strategy: Box::new(*c),
                rng,
            },
            Spec::Scripted(f) => Controller::Strategy {
                strategy: Box::new(language::Scripted::new(f.clone())),
                rng,
            },
            Spec::Planner(ai) => Controller::Strategy {
                strategy: Box::new(planner::Planner::new(*ai)),
                rng,
            },
        }
    }
}
