//! Evaluating conditions and applying effects on one match, in the scenario's
//! `Program` form (every slot and player absolute). Pure functions over a borrowed
//! view of the match and its sides, so the ECS systems stay thin and the logic is
//! testable without a `World`.

use super::components::{Cause, Change, Match, Side};
use crate::scenario::compiled::*;
// Defined with the decisions they read; the engine's callers name them here.
pub use crate::scenario::compiled::{orders_for, stance_of};
use crate::scenario::program::{Effects, Op, Program, Rule, Test, Var};
use crate::scenario::schema::Stance;
use rand::RngExt;

/// A mutable view of one match during resolution. The match's metric values are
/// lent out as one flat array in the program's order (`v`: `Match::values`,
/// moved out and back by `resolve::with_ctx`).
pub struct Ctx<'a> {
    pub c: &'a Compiled,
    pub p: &'a Program,
    pub s: &'a crate::scenario::Scenario,
    pub m: &'a mut Match,
    pub sides: &'a mut [Side; 2],
    pub v: &'a mut [f64],
    /// Which values were written since the last clamp: bit `x % 64` for value
    /// `x`, from each applied list's `Effects::writes`. Starts at 0: a step starts
    /// from clamped values (initial values are validated in range, and every
    /// step ends clamped).
    pub dirty: u64,
}

impl Ctx<'_> {
    /// Writes a metric, logging the change when the match explains itself.
    #[inline]
    pub fn set(&mut self, var: Var, value: f64, cause: Cause) {
        if self.m.explain {
            self.set_as::<true>(var, value, cause)
        } else {
            self.set_as::<false>(var, value, cause)
        }
    }

    /// `set` with the match's `explain` known at compile time: tournaments never
    /// explain, and their effects then cost a store and a NaN check.
    #[inline(always)]
    fn set_as<const EXPLAIN: bool>(&mut self, var: Var, value: f64, cause: Cause) {
        // A NaN can only come from arithmetic on extreme values; keep the old value.
        let after = if value.is_nan() {
            self.v[var as usize]
        } else {
            value
        };
        self.store::<EXPLAIN>(var, after, cause);
    }

    /// Writes a value known not to be NaN.
    #[inline(always)]
    fn store<const EXPLAIN: bool>(&mut self, var: Var, after: f64, cause: Cause) {
        let cell = &mut self.v[var as usize];
        let before = std::mem::replace(cell, after);
        if EXPLAIN && before != after {
            self.log(var, before, after, cause);
        }
    }

    /// Kept out of line: tournaments never explain, and the hot path stays small.
    #[cold]
    #[inline(never)]
    fn log(&mut self, var: Var, before: f64, after: f64, cause: Cause) {
        self.m.changes.push(Change {
            slot: self.p.slots[var as usize],
            before,
            after,
            cause,
        });
    }

    /// Whether a test holds now; draws from the match RNG exactly where the
    /// scenario's condition does. Always inlined, into `all` and `any` too, so the
    /// tests of a list are evaluated in its loop rather than by a call each; a
    /// nested list is the only call.
    #[inline(always)]
    pub fn test(&mut self, t: &Test) -> bool {
        match *t {
            Test::Always => true,
            Test::Above(x, v) => self.v[x as usize] > v,
            Test::Below(x, v) => self.v[x as usize] < v,
            Test::Between(x, lo, hi) => (lo..=hi).contains(&self.v[x as usize]),
            Test::Chose {
                player,
                decision,
                option,
            } => self.sealed(player as usize).get(decision as usize) == Some(&option),
            Test::ChoseLast {
                player,
                decision,
                option,
            } => {
                self.sides[player as usize]
                    .last_orders
                    .as_ref()
                    .and_then(|o| o.choices.get(decision as usize))
                    == Some(&option)
            }
            Test::Played { player, stance } => self.sides[player as usize].stance == stance,
            Test::PlayedLast { player, stance } => {
                self.sides[player as usize].last_stance == Some(stance)
            }
            Test::Turn(from, to) => (from..=to).contains(&self.m.turn),
            Test::Chance(p) => self.m.rng.random::<f64>() < p,
            Test::ChancePer(x, base, per) => {
                // A NaN from extreme values counts as no chance at all.
                let p = (base + per * self.v[x as usize]).clamp(0.0, 1.0);
                self.m.rng.random::<f64>() < if p.is_nan() { 0.0 } else { p }
            }
            Test::Fired(e) => self.m.fired[e as usize] > 0,
            Test::Answered {
                player,
                event,
                option,
            } => self.sides[player as usize]
                .answered
                .contains(&(event, option)),
            Test::ChoseAll([a, b]) => {
                self.sides[0].chosen & a == a && self.sides[1].chosen & b == b
            }
            Test::All(ref list) => self.all(list),
            Test::Any(ref list) => self.any(list),
            Test::Not(ref inner) => !self.all(std::slice::from_ref(inner)),
        }
    }

    #[inline(never)]
    fn all(&mut self, list: &[Test]) -> bool {
        list.iter().all(|t| self.test(t))
    }

    #[inline(never)]
    fn any(&mut self, list: &[Test]) -> bool {
        list.iter().any(|t| self.test(t))
    }

    #[inline(always)]
    fn apply_as<const EXPLAIN: bool>(&mut self, op: Op, cause: Cause) {
        match op {
            Op::Add(x, v) => self.store::<EXPLAIN>(x, self.v[x as usize] + v, cause),
            Op::AddAny(x, v) => self.set_as::<EXPLAIN>(x, self.v[x as usize] + v, cause),
            Op::Set(x, v) => self.set_as::<EXPLAIN>(x, v, cause),
            Op::Scale(x, f) => self.set_as::<EXPLAIN>(x, self.v[x as usize] * f, cause),
            Op::AddPer(x, per, f) => {
                let add = self.v[per as usize] * f;
                self.set_as::<EXPLAIN>(x, self.v[x as usize] + add, cause)
            }
            Op::Fire(e) => self.m.pending.push(e),
            Op::Misperceive {
                observer,
                decision,
                shown,
            } => super::components::misperceive(
                self.sides,
                observer as usize,
                decision as usize,
                shown,
            ),
        }
    }

    /// The effects in order. Whether the match explains is looked at once, not
    /// per effect.
    #[inline(always)]
    pub fn apply_all(&mut self, ops: &Effects, cause: Cause) {
        self.dirty |= ops.writes;
        if self.m.explain {
            self.apply_each::<true>(ops, cause)
        } else {
            self.apply_each::<false>(ops, cause)
        }
    }

    #[inline(always)]
    fn apply_each<const EXPLAIN: bool>(&mut self, ops: &[Op], cause: Cause) {
        for &op in ops {
            self.apply_as::<EXPLAIN>(op, cause);
        }
    }

    /// Runs a rule list in order; `cause` names a rule by its index.
    /// Generic over `cause` so it is built inline, and not at all when the match
    /// does not explain.
    pub fn run_rules(&mut self, rules: &[Rule], cause: impl Fn(u16) -> Cause) {
        for (i, r) in rules.iter().enumerate() {
            if self.test(&r.when) {
                self.apply_all(&r.effects, cause(i as u16));
            }
        }
    }

    /// The choices `player` last sealed: this turn's from the seal on, and at the
    /// briefing last turn's (none before the first turn's).
    fn sealed(&self, player: usize) -> &[u8] {
        let side = &self.sides[player];
        if self.m.phase == super::components::Phase::Briefing {
            side.last_orders.as_ref().map_or(&[], |o| &o.choices)
        } else {
            &side.orders.choices
        }
    }

    /// Pulls every metric back inside its declared range. Only the values written
    /// since the last clamp can be out of it, so only they are visited, in flat
    /// order as before (with more than 64 values, all of them are).
    pub fn clamp(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        if self.v.len() > 64 {
            (0..self.v.len()).for_each(|x| self.clamp_one(x));
            return;
        }
        let mut left = dirty;
        while left != 0 {
            let x = left.trailing_zeros() as usize;
            left &= left - 1;
            self.clamp_one(x);
        }
    }

    #[inline(always)]
    fn clamp_one(&mut self, x: usize) {
        let b = &self.p.bounds[x];
        let v = self.v[x];
        let clamped = if v.is_nan() {
            b.initial
        } else {
            v.clamp(b.min, b.max)
        };
        if clamped != v {
            self.set(x as Var, clamped, Cause::Clamp);
        }
    }
}

/// Whether a side may choose option `o` of its regular decision `d` this turn (format 2
/// `available`). Screens grey out the options for which this is false.
pub fn option_available(side: &Side, d: usize, o: u8) -> bool {
    side.available
        .get(d)
        .is_none_or(|mask| o < 64 && mask & (1u64 << o) != 0)
}

/// Replaces each choice the side may not make this turn by the first available option
/// of the same stance, else the first available option: strategies choose by stance
/// and need not know the scenario's conditions.
pub fn keep_available(decisions: &[CDecision], side: &Side, choices: &mut [u8]) {
    for (d, (choice, decision)) in choices.iter_mut().zip(decisions).enumerate() {
        if option_available(side, d, *choice) {
            continue;
        }
        let stance = decision.options.get(*choice as usize).map(|o| o.stance);
        let open = |o: &usize| option_available(side, d, *o as u8);
        let same = (0..decision.options.len())
            .filter(open)
            .find(|&o| Some(decision.options[o].stance) == stance);
        if let Some(o) = same.or_else(|| (0..decision.options.len()).find(open)) {
            *choice = o as u8;
        }
    }
}

/// Answers to the event choices offered to a side: the first option of `stance`.
pub fn answers_for(c: &Compiled, offered: &[u16], stance: Stance) -> Vec<(u16, u8)> {
    let mut out = Vec::new();
    answers_into(c, offered, stance, &mut out);
    out
}

/// `answers_for` into a buffer kept from turn to turn.
pub fn answers_into(c: &Compiled, offered: &[u16], stance: Stance, out: &mut Vec<(u16, u8)>) {
    out.clear();
    out.extend(offered.iter().filter_map(|&e| {
        c.events[e as usize]
            .choice
            .as_ref()
            .map(|(_, d)| (e, d.option_for(stance)))
    }));
}
