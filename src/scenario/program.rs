//! The rules as the engine runs them: `Compiled`'s conditions and effects made
//! absolute once per scenario, at load. Every `self`/`other` is resolved to a
//! player (an option's owner is known when it is compiled), every metric to its
//! index in one flat array of the match's values (shared metrics, then the first
//! player's, then the second's: [`Program::flat`]), and each event knows the
//! turns at which its trigger can hold at all, so a turn's resolution does no
//! look-up and no owner arithmetic.
//!
//! `Compiled` stays the form the validator, the analysis and the explanations
//! read; this form only serves `sim::rules::Ctx`, and it must evaluate exactly as
//! the scenario reads (same tests in the same order, same draws from the RNG).

use super::compiled::{CTrigger, Compiled, Cond, Eff, Slot, Who};

/// A metric's index in the flat array of a match's values.
pub type Var = u16;
use super::schema::Stance;

/// A condition with its players resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Always,
    Above(Var, f64),
    Below(Var, f64),
    Between(Var, f64, f64),
    /// The player chose the option this turn.
    Chose {
        player: u8,
        decision: u16,
        option: u8,
    },
    /// The player chose the option last turn.
    ChoseLast {
        player: u8,
        decision: u16,
        option: u8,
    },
    Played {
        player: u8,
        stance: Stance,
    },
    PlayedLast {
        player: u8,
        stance: Stance,
    },
    Turn(u32, u32),
    Chance(f64),
    /// Probability `base + per × metric`, held within [0, 1]: (metric, base, per).
    ChancePer(Var, f64, f64),
    Fired(u16),
    Answered {
        player: u8,
        event: u16,
        option: u8,
    },
    /// Every listed option chosen this turn: a run of `Chose` tests in an `All`,
    /// as one mask per player of the options it must have chosen, compared with
    /// each side's `Side::chosen` (`Program::chosen`).
    ChoseAll([u64; 2]),
    All(Box<[Test]>),
    Any(Box<[Test]>),
    Not(Box<Test>),
}

/// An effect on the flat values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Adds a finite constant. A value is never NaN, so neither is the sum: the
    /// engine stores it without the NaN check the other arithmetic needs.
    Add(Var, f64),
    /// Adds a constant that is not finite (validation refuses them; kept exact).
    AddAny(Var, f64),
    Set(Var, f64),
    Scale(Var, f64),
    /// `var += per × factor`.
    AddPer(Var, Var, f64),
    Fire(u16),
    /// `observer` sees the other side's choice in `decision` as `shown`.
    Misperceive {
        observer: u8,
        decision: u16,
        shown: u8,
    },
}

/// An effect list, with the values it may write (bit `x % 64` for value `x`): the
/// clamp after a step visits those, marked once per list applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Effects {
    pub ops: Box<[Op]>,
    pub writes: u64,
}

impl std::ops::Deref for Effects {
    type Target = [Op];
    fn deref(&self) -> &[Op] {
        &self.ops
    }
}

/// A rule of a list (joint, chance, score).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub when: Test,
    pub effects: Effects,
}

/// An option of a regular decision or of an event's choice, for its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub effects: Effects,
    /// When it may be chosen; `None` when always.
    pub available: Option<Test>,
}

/// An event's trigger, and the turns outside which it cannot hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `None` for events only an effect fires.
    pub when: Option<Test>,
    /// First and last turn at which `when` may hold; outside them it is false
    /// without drawing from the RNG, so the briefing need not evaluate it.
    pub turns: (u32, u32),
    /// May fire again after it has fired.
    pub repeatable: bool,
    pub effects: Effects,
    /// The effects of each option of the event's choice, compiled for either
    /// player as the one who answers (`[option][player]`); the engine only
    /// takes answers from the player offered the choice.
    pub answers: Box<[[Effects; 2]]>,
}

/// The range the clamp keeps one metric in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub min: f64,
    pub max: f64,
    /// What a NaN is replaced by.
    pub initial: f64,
}

/// The whole scenario in the engine's form.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// `options[player][decision][option]`.
    pub options: [Box<[Box<[Choice]>]>; 2],
    pub joint: Box<[Rule]>,
    pub chance: Box<[Rule]>,
    pub score: Box<[Rule]>,
    pub events: Box<[Event]>,
    /// The events with a trigger, in order: the only ones a briefing without
    /// an announcement need look at.
    pub triggered: Box<[u16]>,
    pub early: Box<[Test]>,
    pub on_time_cases: Box<[Test]>,
    /// Every metric in flat order, which is the order the clamp visits them in.
    pub bounds: Box<[Bound]>,
    /// Each flat value's slot, for explanations.
    pub slots: Box<[Slot]>,
    pub score_vars: [Var; 2],
    /// Shared metrics; per-player metrics.
    pub counts: (usize, usize),
    /// Per player and regular decision: the bit of its first option in the masks
    /// of `Test::ChoseAll`, and its number of options (options beyond bit 63 get
    /// no bit, and are tested one by one).
    pub option_bits: [Box<[(u16, u16)]>; 2],
    /// Per player, the orders of each stance as the dilemma strategies give them
    /// (`compiled::orders_for`), cooperative then defecting, and what sealing
    /// them yields: worked out once, so a seal that meets them only compares.
    pub stance_orders: [[Sealed; 2]; 2],
}

/// A side's orders and what sealing them yields: their stance and the mask of
/// their options (`Program::chosen`).
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    pub choices: Box<[u8]>,
    pub stance: Stance,
    pub chosen: u64,
}

impl Program {
    /// What sealing side `p`'s `choices` yields: looked up when they are one
    /// stance's orders (as most strategies' are), else worked out.
    #[inline]
    pub fn seal(&self, c: &Compiled, p: usize, choices: &[u8]) -> (Stance, u64) {
        match self.stance_orders[p]
            .iter()
            .find(|k| *k.choices == *choices)
        {
            Some(k) => (k.stance, k.chosen),
            None => (
                super::compiled::stance_of(&c.decisions[p], choices),
                self.chosen(p, choices),
            ),
        }
    }

    /// The mask of the options player `p` has chosen, for `Test::ChoseAll`. A
    /// choice that is not one of its decision's options sets no bit, as it
    /// satisfies no `Chose`.
    pub fn chosen(&self, p: usize, choices: &[u8]) -> u64 {
        chosen_mask(&self.option_bits[p], choices)
    }
}

/// `Program::chosen` with a player's option bits.
fn chosen_mask(bits: &[(u16, u16)], choices: &[u8]) -> u64 {
    (choices.iter().enumerate())
        .filter_map(|(d, &o)| option_bit(bits, d, o))
        .fold(0, |mask, bit| mask | 1 << bit)
}

/// The bit of option `o` of decision `d` in a player's masks, if it has one: the
/// option exists and falls within the 64 bits.
fn option_bit(bits: &[(u16, u16)], d: usize, o: u8) -> Option<u32> {
    let &(base, count) = bits.get(d)?;
    let bit = u32::from(base) + u32::from(o);
    (u16::from(o) < count && bit < 64).then_some(bit)
}

const EVER: (u32, u32) = (0, u32::MAX);

impl Program {
    pub fn new(c: &Compiled) -> Self {
        let option_bits = [0, 1].map(|p| {
            let mut next = 0u16;
            c.decisions[p]
                .iter()
                .map(|d| {
                    let (base, count) = (next, d.options.len() as u16);
                    next = next.saturating_add(count);
                    (base, count)
                })
                .collect::<Box<[(u16, u16)]>>()
        });
        let flat = Flat {
            shared: c.shared.len() as u16,
            per_player: c.per_player.len() as u16,
            option_bits: option_bits.clone(),
        };
        let (test, ops) = (
            |cond: &Cond, owner| flat.test(cond, owner),
            |effects: &[Eff], owner| flat.ops(effects, owner),
        );
        let options = [0u8, 1].map(|p| {
            c.decisions[p as usize]
                .iter()
                .map(|d| {
                    d.options
                        .iter()
                        .map(|o| Choice {
                            effects: ops(&o.effects, Some(p)),
                            available: o.available.as_ref().map(|a| test(a, Some(p))),
                        })
                        .collect()
                })
                .collect()
        });
        let rules = |list: &[super::compiled::CRule]| -> Box<[Rule]> {
            list.iter()
                .map(|r| Rule {
                    when: test(&r.when, None),
                    effects: ops(&r.effects, None),
                })
                .collect()
        };
        let events = c
            .events
            .iter()
            .map(|e| {
                let (when, turns) = match &e.trigger {
                    CTrigger::AtTurn(t) => (Some(Test::Turn(*t, *t)), (*t, *t)),
                    CTrigger::When(cond) => {
                        let t = test(cond, None);
                        let turns = window(&t);
                        (Some(t), turns)
                    }
                    CTrigger::Fired => (None, (1, 0)),
                };
                Event {
                    when,
                    turns,
                    repeatable: e.repeatable,
                    effects: ops(&e.effects, None),
                    answers: e.choice.as_ref().map_or(Box::default(), |(_, d)| {
                        d.options
                            .iter()
                            .map(|o| [0, 1].map(|p| ops(&o.effects, Some(p))))
                            .collect()
                    }),
                }
            })
            .collect();
        let (mut bounds, mut slots) = (Vec::new(), Vec::new());
        for (i, m) in c.shared.iter().enumerate() {
            slots.push(Slot::Shared(i as u16));
            bounds.push(Bound {
                min: m.min,
                max: m.max,
                initial: m.initial[0],
            });
        }
        for p in 0..2u8 {
            for (i, m) in c.per_player.iter().enumerate() {
                slots.push(Slot::Player(p, i as u16));
                bounds.push(Bound {
                    min: m.min,
                    max: m.max,
                    initial: m.initial[p as usize],
                });
            }
        }
        let triggered = (c.events.iter().enumerate())
            .filter(|(_, e)| !matches!(e.trigger, CTrigger::Fired))
            .map(|(i, _)| i as u16)
            .collect();
        let stance_orders = [0, 1].map(|p| {
            [Stance::Cooperate, Stance::Defect].map(|stance| {
                let mut choices = Vec::new();
                super::compiled::orders_for(&c.decisions[p], stance, &mut choices);
                Sealed {
                    stance: super::compiled::stance_of(&c.decisions[p], &choices),
                    chosen: chosen_mask(&option_bits[p], &choices),
                    choices: choices.into(),
                }
            })
        });
        Program {
            options,
            joint: rules(&c.joint),
            chance: rules(&c.chance),
            score: rules(&c.score),
            events,
            triggered,
            early: c.early.iter().map(|e| test(&e.when, None)).collect(),
            on_time_cases: c
                .on_time_cases
                .iter()
                .map(|e| test(&e.when, None))
                .collect(),
            bounds: bounds.into(),
            slots: slots.into(),
            score_vars: [0, 1].map(|p| flat.var(Slot::Player(p, c.score_metric), None)),
            counts: (c.shared.len(), c.per_player.len()),
            option_bits,
            stance_orders,
        }
    }
}

/// The flat layout: how many shared and per-player metrics there are, and where
/// each decision's options start in the masks of `Test::ChoseAll`.
struct Flat {
    shared: u16,
    per_player: u16,
    option_bits: [Box<[(u16, u16)]>; 2],
}

impl Flat {
    /// A slot's flat index, for the owner of the effect or condition.
    fn var(&self, slot: Slot, owner: Option<u8>) -> Var {
        let player = |p: u8, i: u16| self.shared + u16::from(p) * self.per_player + i;
        match slot {
            Slot::Shared(i) => i,
            Slot::Player(p, i) => player(p, i),
            Slot::Mine(i) => player(Who::Mine.resolve(owner), i),
            Slot::Theirs(i) => player(Who::Theirs.resolve(owner), i),
        }
    }

    fn test(&self, cond: &Cond, owner: Option<u8>) -> Test {
        let all = |list: &[Cond]| list.iter().map(|c| self.test(c, owner)).collect::<Vec<_>>();
        match cond {
            Cond::Always => Test::Always,
            Cond::Above(s, v) => Test::Above(self.var(*s, owner), *v),
            Cond::Below(s, v) => Test::Below(self.var(*s, owner), *v),
            Cond::Between(s, lo, hi) => Test::Between(self.var(*s, owner), *lo, *hi),
            &Cond::Chose {
                who,
                decision,
                option,
                last,
            } => {
                let player = who.resolve(owner);
                if last {
                    Test::ChoseLast {
                        player,
                        decision,
                        option,
                    }
                } else {
                    Test::Chose {
                        player,
                        decision,
                        option,
                    }
                }
            }
            &Cond::Played { who, stance, last } => {
                let player = who.resolve(owner);
                if last {
                    Test::PlayedLast { player, stance }
                } else {
                    Test::Played { player, stance }
                }
            }
            Cond::Turn(a, b) => Test::Turn(*a, *b),
            Cond::Chance(p) => Test::Chance(*p),
            Cond::ChancePer(s, base, per) => Test::ChancePer(self.var(*s, owner), *base, *per),
            Cond::Fired(e) => Test::Fired(*e),
            &Cond::Answered { who, event, option } => Test::Answered {
                player: who.resolve(owner),
                event,
                option,
            },
            Cond::All(list) => self.all(all(list)),
            Cond::Any(list) => Test::Any(all(list).into()),
            Cond::Not(inner) => Test::Not(Box::new(self.test(inner, owner))),
        }
    }

    /// An `All`, each run of `Chose` tests in it merged into one `ChoseAll`: they
    /// draw nothing and change nothing, so testing them together is the same as
    /// testing them in order. A list that is one test is that test.
    fn all(&self, list: Vec<Test>) -> Test {
        let mut out: Vec<Test> = Vec::with_capacity(list.len());
        for t in list {
            let bit = match t {
                Test::Chose {
                    player,
                    decision,
                    option,
                } => option_bit(
                    &self.option_bits[player as usize],
                    decision as usize,
                    option,
                )
                .map(|bit| (player as usize, 1u64 << bit)),
                _ => None,
            };
            match (bit, out.last_mut()) {
                (Some((p, b)), Some(Test::ChoseAll(masks))) => masks[p] |= b,
                (Some((p, b)), _) => {
                    let mut masks = [0; 2];
                    masks[p] = b;
                    out.push(Test::ChoseAll(masks));
                }
                (None, _) => out.push(t),
            }
        }
        if out.len() == 1 {
            out.pop().expect("one test")
        } else {
            Test::All(out.into())
        }
    }

    fn ops(&self, effects: &[Eff], owner: Option<u8>) -> Effects {
        let ops: Box<[Op]> = effects
            .iter()
            .map(|e| match *e {
                Eff::Add(s, v) if v.is_finite() => Op::Add(self.var(s, owner), v),
                Eff::Add(s, v) => Op::AddAny(self.var(s, owner), v),
                Eff::Set(s, v) => Op::Set(self.var(s, owner), v),
                Eff::Scale(s, f) => Op::Scale(self.var(s, owner), f),
                Eff::AddPer(s, per, f) => Op::AddPer(self.var(s, owner), self.var(per, owner), f),
                Eff::Fire(e) => Op::Fire(e),
                Eff::Misperceive {
                    who,
                    decision,
                    shown,
                } => Op::Misperceive {
                    observer: 1 - who.resolve(owner),
                    decision,
                    shown,
                },
            })
            .collect();
        let writes = ops.iter().fold(0u64, |w, op| match *op {
            Op::Add(x, _)
            | Op::AddAny(x, _)
            | Op::Set(x, _)
            | Op::Scale(x, _)
            | Op::AddPer(x, ..) => w | 1 << (x % 64),
            Op::Fire(_) | Op::Misperceive { .. } => w,
        });
        Effects { ops, writes }
    }
}

/// Whether evaluating the test may draw from the match RNG.
fn draws(t: &Test) -> bool {
    match t {
        Test::Chance(_) | Test::ChancePer(..) => true,
        Test::All(list) | Test::Any(list) => list.iter().any(draws),
        Test::Not(inner) => draws(inner),
        _ => false,
    }
}

/// The turns outside which `t` is false without drawing from the RNG (so skipping
/// it there changes nothing); `EVER` when no turn can be ruled out.
fn window(t: &Test) -> (u32, u32) {
    match t {
        Test::Turn(a, b) => (*a, *b),
        // `All` stops at its first false test: a test after one that may draw
        // only rules turns out if the draw would not have happened either, so
        // only the tests up to the first that draws narrow the window.
        Test::All(list) => {
            let mut w = EVER;
            for t in list.iter() {
                let (a, b) = window(t);
                w = (w.0.max(a), w.1.min(b));
                if draws(t) {
                    break;
                }
            }
            w
        }
        // `Any` is false only when every test is: the hull of their windows.
        Test::Any(list) => list.iter().map(window).fold((1, 0), |w, (a, b)| {
            if w.0 > w.1 {
                (a, b)
            } else {
                (w.0.min(a), w.1.max(b))
            }
        }),
        _ => EVER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chose(player: u8) -> Test {
        Test::Chose {
            player,
            decision: 0,
            option: 0,
        }
    }

    #[test]
    fn windows_rule_out_only_turns_where_no_draw_is_skipped() {
        assert_eq!(window(&Test::Turn(3, 5)), (3, 5));
        assert_eq!(window(&chose(0)), EVER);
        // A turn test after a draw cannot skip the draw.
        let late = Test::All([Test::Chance(0.5), Test::Turn(3, 5)].into());
        assert_eq!(window(&late), EVER);
        // Before the draw it can: outside turns 3-5 the draw never happens.
        let early = Test::All([Test::Turn(3, 5), Test::Chance(0.5), Test::Turn(4, 9)].into());
        assert_eq!(window(&early), (3, 5));
        let any = Test::Any([Test::Turn(3, 5), Test::Turn(8, 9)].into());
        assert_eq!(window(&any), (3, 9));
        let open = Test::Any([Test::Turn(3, 5), chose(1)].into());
        assert_eq!(window(&open), EVER);
        assert_eq!(window(&Test::Not(Box::new(Test::Turn(3, 5)))), EVER);
    }

    #[test]
    fn runs_of_chose_in_an_all_become_one_mask_test() {
        let flat = Flat {
            shared: 0,
            per_player: 0,
            // Player 0: decisions of 3 and 2 options; player 1: one decision.
            option_bits: [[(0, 3), (3, 2)].into(), [(0, 3)].into()],
        };
        let chose = |player, decision, option| Test::Chose {
            player,
            decision,
            option,
        };
        let merged = flat.all(vec![
            chose(0, 1, 1),
            chose(1, 0, 2),
            Test::Chance(0.5),
            chose(0, 0, 2),
        ]);
        assert_eq!(
            merged,
            Test::All(
                [
                    Test::ChoseAll([1 << 4, 1 << 2]),
                    Test::Chance(0.5),
                    Test::ChoseAll([1 << 2, 0]),
                ]
                .into()
            ),
            "the draw stays between the runs it separates"
        );
        assert_eq!(flat.all(vec![chose(1, 0, 0)]), Test::ChoseAll([0, 1]));
        // No bit for a decision the player does not have: tested as it is.
        assert_eq!(
            flat.all(vec![chose(1, 5, 0), Test::Always]),
            Test::All([chose(1, 5, 0), Test::Always].into())
        );
    }

    #[test]
    fn owners_are_resolved_at_compile_time() {
        let flat = Flat {
            shared: 3,
            per_player: 4,
            option_bits: Default::default(),
        };
        let e = flat.ops(
            &[
                Eff::AddPer(Slot::Mine(2), Slot::Theirs(1), 0.5),
                Eff::Misperceive {
                    who: Who::Mine,
                    decision: 0,
                    shown: 1,
                },
            ],
            Some(1),
        );
        assert_eq!(
            e[0],
            Op::AddPer(3 + 4 + 2, 3 + 1, 0.5),
            "the owner's metric 2 and the other's metric 1"
        );
        assert_eq!(
            e[1],
            Op::Misperceive {
                observer: 0,
                decision: 0,
                shown: 1
            }
        );
        // The clamp after these effects visits the one value they write.
        assert_eq!(e.writes, 1 << (3 + 4 + 2));
    }
}
