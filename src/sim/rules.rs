//! Evaluating conditions and applying effects on one match. Pure functions over a
//! borrowed view of the match and its sides, so the ECS systems stay thin and the
//! logic is testable without a `World`.

use super::components::{Cause, Change, Match, Side};
use crate::scenario::compiled::*;
use crate::scenario::schema::Stance;
use rand::RngExt;

/// A mutable view of one match during resolution.
pub struct Ctx<'a> {
    pub c: &'a Compiled,
    pub s: &'a crate::scenario::Scenario,
    pub m: &'a mut Match,
    pub sides: [&'a mut Side; 2],
}

impl Ctx<'_> {
    pub fn get(&self, slot: Slot, owner: Option<u8>) -> f64 {
        match slot {
            Slot::Shared(i) => self.m.shared[i as usize],
            Slot::Player(p, i) => self.sides[p as usize].metrics[i as usize],
            Slot::Mine(i) => self.sides[Who::Mine.resolve(owner) as usize].metrics[i as usize],
            Slot::Theirs(i) => self.sides[Who::Theirs.resolve(owner) as usize].metrics[i as usize],
        }
    }

    /// The slot with a relative player made absolute.
    fn absolute(slot: Slot, owner: Option<u8>) -> Slot {
        match slot {
            Slot::Mine(i) => Slot::Player(Who::Mine.resolve(owner), i),
            Slot::Theirs(i) => Slot::Player(Who::Theirs.resolve(owner), i),
            s => s,
        }
    }

    fn cell(&mut self, slot: Slot) -> &mut f64 {
        match slot {
            Slot::Shared(i) => &mut self.m.shared[i as usize],
            Slot::Player(p, i) => &mut self.sides[p as usize].metrics[i as usize],
            // `absolute` has removed relative slots before this is called.
            Slot::Mine(i) | Slot::Theirs(i) => &mut self.sides[0].metrics[i as usize],
        }
    }

    /// Writes a metric, logging the change when the match explains itself.
    pub fn set(&mut self, slot: Slot, value: f64, cause: Cause) {
        let cell = self.cell(slot);
        let before = *cell;
        // A NaN can only come from arithmetic on extreme values; keep the old value.
        let after = if value.is_nan() { before } else { value };
        *cell = after;
        if self.m.explain && before != after {
            self.m.changes.push(Change {
                slot,
                before,
                after,
                cause,
            });
        }
    }

    pub fn eval(&mut self, cond: &Cond, owner: Option<u8>) -> bool {
        match cond {
            Cond::Always => true,
            Cond::Above(s, v) => self.get(*s, owner) > *v,
            Cond::Below(s, v) => self.get(*s, owner) < *v,
            Cond::Between(s, lo, hi) => (*lo..=*hi).contains(&self.get(*s, owner)),
            Cond::Chose {
                who,
                decision,
                option,
                last,
            } => {
                let side = &self.sides[who.resolve(owner) as usize];
                let orders = if *last {
                    side.last_orders.as_ref()
                } else {
                    Some(&side.orders)
                };
                orders.and_then(|o| o.choices.get(*decision as usize)) == Some(option)
            }
            Cond::Played { who, stance, last } => {
                let side = &self.sides[who.resolve(owner) as usize];
                let played = if *last {
                    side.last_stance
                } else {
                    Some(side.stance)
                };
                played == Some(*stance)
            }
            Cond::Turn(from, to) => (*from..=*to).contains(&self.m.turn),
            Cond::Chance(p) => self.m.rng.random::<f64>() < *p,
            Cond::ChancePer(s, base, per) => {
                // A NaN from extreme values counts as no chance at all.
                let p = (base + per * self.get(*s, owner)).clamp(0.0, 1.0);
                self.m.rng.random::<f64>() < if p.is_nan() { 0.0 } else { p }
            }
            Cond::Fired(e) => self.m.fired[*e as usize] > 0,
            Cond::Answered { who, event, option } => self.sides[who.resolve(owner) as usize]
                .answered
                .contains(&(*event, *option)),
            Cond::All(list) => list.iter().all(|c| self.eval(c, owner)),
            Cond::Any(list) => list.iter().any(|c| self.eval(c, owner)),
            Cond::Not(c) => !self.eval(c, owner),
        }
    }

    pub fn apply(&mut self, effect: &Eff, owner: Option<u8>, cause: Cause) {
        match *effect {
            Eff::Add(s, v) => {
                let s = Self::absolute(s, owner);
                self.set(s, self.get(s, None) + v, cause)
            }
            Eff::Set(s, v) => self.set(Self::absolute(s, owner), v, cause),
            Eff::Scale(s, f) => {
                let s = Self::absolute(s, owner);
                self.set(s, self.get(s, None) * f, cause)
            }
            Eff::AddPer(s, per, f) => {
                let s = Self::absolute(s, owner);
                let add = self.get(per, owner) * f;
                self.set(s, self.get(s, None) + add, cause)
            }
            Eff::Fire(e) => self.m.pending.push(e),
            Eff::Misperceive {
                who,
                decision,
                shown,
            } => {
                let observer = 1 - who.resolve(owner) as usize;
                let side = &mut self.sides[observer];
                if let Some(p) = side.perceived.get_mut(decision as usize) {
                    *p = shown;
                    side.misreported[decision as usize] = true;
                }
            }
        }
    }

    pub fn apply_all(&mut self, effects: &[Eff], owner: Option<u8>, cause: Cause) {
        for e in effects {
            self.apply(e, owner, cause);
        }
    }

    /// Runs a rule list in order; `cause` names a rule by its index.
    pub fn run_rules(&mut self, rules: &[CRule], cause: fn(u16) -> Cause) {
        for (i, r) in rules.iter().enumerate() {
            if self.eval(&r.when, None) {
                self.apply_all(&r.effects, None, cause(i as u16));
            }
        }
    }

    /// Pulls every metric back inside its declared range.
    pub fn clamp(&mut self) {
        let c = self.c;
        for (i, def) in c.shared.iter().enumerate() {
            let v = self.m.shared[i];
            let clamped = if v.is_nan() {
                def.initial[0]
            } else {
                v.clamp(def.min, def.max)
            };
            if clamped != v {
                self.set(Slot::Shared(i as u16), clamped, Cause::Clamp);
            }
        }
        for p in 0..2u8 {
            for (i, def) in c.per_player.iter().enumerate() {
                let v = self.sides[p as usize].metrics[i];
                let clamped = if v.is_nan() {
                    def.initial[p as usize]
                } else {
                    v.clamp(def.min, def.max)
                };
                if clamped != v {
                    self.set(Slot::Player(p, i as u16), clamped, Cause::Clamp);
                }
            }
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

/// Orders that play `stance` in every decision: the first option of that stance.
pub fn orders_for(decisions: &[CDecision], stance: Stance, out: &mut Vec<u8>) {
    out.clear();
    out.extend(decisions.iter().map(|d| d.option_for(stance)));
}

/// Answers to the event choices offered to a side: the first option of `stance`.
pub fn answers_for(c: &Compiled, offered: &[u16], stance: Stance) -> Vec<(u16, u8)> {
    offered
        .iter()
        .filter_map(|&e| {
            c.events[e as usize]
                .choice
                .as_ref()
                .map(|(_, d)| (e, d.option_for(stance)))
        })
        .collect()
}
