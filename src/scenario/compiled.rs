//! The engine's form of a scenario: every id resolved to an index once, at load,
//! so the outcome systems never look up a string while a match runs.

use super::schema::Stance;

/// Where a metric value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slot {
    Shared(u16),
    /// A per-player metric of a fixed player (0 or 1).
    Player(u8, u16),
    /// A per-player metric of the player who chose the option (`self.x`).
    Mine(u16),
    /// A per-player metric of the other player (`other.x`).
    Theirs(u16),
}

/// A player reference that may be relative to an option's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Fixed(u8),
    Mine,
    Theirs,
}

impl Who {
    /// The absolute player index, given the owner of the effect (if any).
    pub fn resolve(self, owner: Option<u8>) -> u8 {
        match (self, owner) {
            (Who::Fixed(p), _) => p,
            (Who::Mine, Some(o)) => o,
            (Who::Theirs, Some(o)) => 1 - o,
            // Validation refuses self/other where there is no owner.
            (_, None) => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Always,
    Above(Slot, f64),
    Below(Slot, f64),
    Between(Slot, f64, f64),
    Chose {
        who: Who,
        decision: u16,
        option: u8,
        last: bool,
    },
    Played {
        who: Who,
        stance: Stance,
        last: bool,
    },
    Turn(u32, u32),
    Chance(f64),
    /// Probability `base + per × metric`, held within [0, 1]: (metric, base, per).
    ChancePer(Slot, f64, f64),
    Fired(u16),
    Answered {
        who: Who,
        event: u16,
        option: u8,
    },
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Eff {
    Add(Slot, f64),
    Set(Slot, f64),
    Scale(Slot, f64),
    AddPer(Slot, Slot, f64),
    Fire(u16),
    Misperceive { who: Who, decision: u16, shown: u8 },
}

/// A rule, with its index in its list kept for explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct CRule {
    pub when: Cond,
    pub effects: Vec<Eff>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct COption {
    pub id: String,
    pub stance: Stance,
    pub effects: Vec<Eff>,
    /// When the option may be chosen; `None` when always.
    pub available: Option<Cond>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CDecision {
    pub id: String,
    pub weight: f64,
    pub options: Vec<COption>,
    /// The option a plain "cooperate" or "defect" picks: the first of that stance.
    pub first_cooperate: u8,
    pub first_defect: u8,
}

impl CDecision {
    pub fn option_for(&self, stance: Stance) -> u8 {
        match stance {
            Stance::Cooperate => self.first_cooperate,
            Stance::Defect => self.first_defect,
        }
    }
}

/// A side's move in the dilemma view: cooperative when the decisions it chose
/// cooperatively carry at least half of the weight.
pub fn stance_of(decisions: &[CDecision], choices: &[u8]) -> Stance {
    let (mut coop, mut total) = (0.0, 0.0);
    for (d, &o) in decisions.iter().zip(choices) {
        total += d.weight;
        if d.options.get(o as usize).map(|x| x.stance) == Some(Stance::Cooperate) {
            coop += d.weight;
        }
    }
    if total == 0.0 {
        // Weightless decisions: the first one decides.
        return decisions
            .first()
            .zip(choices.first())
            .and_then(|(d, &o)| d.options.get(o as usize).map(|x| x.stance))
            .unwrap_or(Stance::Cooperate);
    }
    if coop * 2.0 >= total {
        Stance::Cooperate
    } else {
        Stance::Defect
    }
}

/// Orders that play `stance` in every decision: the first option of that stance.
pub fn orders_for(decisions: &[CDecision], stance: Stance, out: &mut Vec<u8>) {
    out.clear();
    out.extend(decisions.iter().map(|d| d.option_for(stance)));
}

#[derive(Debug, Clone, PartialEq)]
pub enum CTrigger {
    AtTurn(u32),
    When(Cond),
    Fired,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CEvent {
    pub trigger: CTrigger,
    pub repeatable: bool,
    pub effects: Vec<Eff>,
    /// The player offered a choice, and the decision.
    pub choice: Option<(u8, CDecision)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CVerdict {
    Win(u8),
    Lose(u8),
    BothWin,
    BothLose,
    ByScore,
    NoWinner,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CEnding {
    pub when: Cond,
    pub verdict: CVerdict,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CMetric {
    pub min: f64,
    pub max: f64,
    /// Starting value per player (both equal for shared metrics).
    pub initial: [f64; 2],
    /// Per player: the largest error of the estimate that player sees (0: the truth).
    pub fog: [f64; 2],
    /// Bookkeeping for the rules, never shown to players.
    pub hidden: bool,
}

impl Compiled {
    /// The metric in an absolute slot; none for a relative slot (`self.x`, `other.x`)
    /// or one out of range.
    pub fn metric(&self, slot: Slot) -> Option<&CMetric> {
        match slot {
            Slot::Shared(i) => self.shared.get(i as usize),
            Slot::Player(_, i) => self.per_player.get(i as usize),
            Slot::Mine(_) | Slot::Theirs(_) => None,
        }
    }
}

/// The whole scenario, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub turns: u32,
    pub noise: f64,
    pub shared: Vec<CMetric>,
    pub per_player: Vec<CMetric>,
    /// Regular decisions of each player.
    pub decisions: [Vec<CDecision>; 2],
    pub joint: Vec<CRule>,
    pub chance: Vec<CRule>,
    pub score: Vec<CRule>,
    pub events: Vec<CEvent>,
    pub early: Vec<CEnding>,
    pub on_time: CVerdict,
    /// Endings on time chosen by the final state, tested in order before `on_time`.
    pub on_time_cases: Vec<CEnding>,
    /// Index of the per-player score metric.
    pub score_metric: u16,
    /// Some regular option has an `available` condition, so briefings compute
    /// which options each side may choose.
    pub gated: bool,
}
