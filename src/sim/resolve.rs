//! The outcome systems. Resolution is one system that lets the strategies choose,
//! seals a match's orders, runs the eight steps in `TurnSystems::Resolution`'s
//! order on it and, unless the match is held at its report, records the turn and
//! moves it on (and, for a match played through, briefs and plays its next turns
//! at once): so a match is fetched once per turn and one schedule run resolves
//! one match or ten thousand alike. The briefing is the other system here.

use super::components::*;
use super::rules::{Ctx, stance_of};
use crate::scenario::LoadedScenario;
use crate::scenario::compiled::CVerdict;
use crate::scenario::limits::MAX_EVENTS_PER_TURN;
use crate::scenario::schema::Stance;
use bevy::prelude::*;
use rand::RngExt;

/// Runs `step` on a match with both of its sides borrowed and its values lent to
/// `Ctx::v` (moved out and back, not copied).
pub fn with_ctx<R>(
    m: &mut Match,
    sides: &mut [Side; 2],
    scenario: &LoadedScenario,
    step: impl FnOnce(&mut Ctx) -> R,
) -> R {
    let mut values = std::mem::take(&mut m.values);
    let mut ctx = Ctx {
        c: &scenario.compiled,
        p: &scenario.program,
        s: &scenario.scenario,
        m,
        sides,
        v: &mut values,
        dirty: 0,
    };
    let out = step(&mut ctx);
    m.values = values;
    out
}

/// Strategies choose the orders of the matches taking orders (after the orders
/// from outside are in), and every match whose orders are in is sealed and has
/// its turn resolved step by step. A match that is not held at its report then
/// goes on record and on to its next turn at once; one marked `PlayThrough` is
/// briefed and played on like this until it ends or waits for orders. All in one
/// pass over the matches, so a match is fetched once a turn (once a game, played
/// through): as a batch's matches outgrow the processor's first cache, each pass
/// over them costs misses.
pub fn resolve_turns(
    mut matches: Query<(
        &mut Match,
        &mut Sides,
        &mut Seats,
        &MatchScenario,
        Option<&mut super::record::Recorder>,
        Has<PlayThrough>,
    )>,
    mut scratch: Local<Orders>,
) {
    for (mut m, mut sides, mut seats, scenario, mut recorder, through) in matches.iter_mut() {
        loop {
            match m.phase {
                Phase::Orders => {
                    super::phases::strategies_choose(
                        &m,
                        &mut sides,
                        &mut seats,
                        scenario,
                        &mut scratch,
                    );
                    with_ctx(&mut m, &mut sides, &scenario.0, resolve);
                }
                Phase::Resolution => with_ctx(&mut m, &mut sides, &scenario.0, resolve),
                // At its report already (a fork of a reporting match): it only goes on.
                Phase::Report => {}
                _ => break,
            }
            if m.phase != Phase::Report || m.hold {
                break;
            }
            if let Some(recorder) = recorder.as_deref_mut() {
                super::record::record_turn(&scenario.0, &m, &sides, recorder);
            }
            super::phases::advance_match(&mut m, &mut sides);
            if !through || m.phase != Phase::Briefing {
                break;
            }
            with_ctx(&mut m, &mut sides, &scenario.0, brief);
        }
    }
}

/// Seals a match's orders if they are in, and resolves its turn.
fn resolve(ctx: &mut Ctx) {
    if ctx.m.phase == Phase::Orders && !super::phases::seal(ctx) {
        return;
    }
    let p = ctx.p;
    apply_option_effects(ctx);
    ctx.run_rules(&p.joint, Cause::JointRule);
    ctx.run_rules(&p.chance, Cause::ChanceRule);
    apply_perception_noise(ctx);
    apply_fired_events(ctx);
    ctx.clamp();
    // Clamped again so scores respect their range too.
    if !p.score.is_empty() {
        ctx.run_rules(&p.score, Cause::ScoreRule);
        ctx.clamp();
    }
    check_end(ctx);
}

/// Step 1: the effects of each side's options, the US (first player) first; then
/// its answers to event choices.
fn apply_option_effects(ctx: &mut Ctx) {
    let prog = ctx.p;
    for p in 0..2u8 {
        let side = p as usize;
        // By index, not by lending the orders out: effects cannot change them.
        for (d, options) in prog.options[side].iter().enumerate() {
            let Some(&o) = ctx.sides[side].orders.choices.get(d) else {
                break;
            };
            if let Some(option) = options.get(o as usize) {
                let cause = Cause::Option {
                    player: p,
                    decision: d as u16,
                    option: o,
                };
                ctx.apply_all(&option.effects, cause);
            }
        }
        for i in 0..ctx.sides[side].orders.answers.len() {
            let (event, o) = ctx.sides[side].orders.answers[i];
            // Remembered before the effects, so this turn's rules can test the answer.
            let answered = &mut ctx.sides[side].answered;
            match answered.iter_mut().find(|(e, _)| *e == event) {
                Some(entry) => entry.1 = o,
                None => answered.push((event, o)),
            }
            if let Some(effects) = prog.events[event as usize].answers.get(o as usize) {
                ctx.apply_all(&effects[side], Cause::EventChoice { event, option: o });
            }
        }
    }
}

/// Step 4: perception noise. Each decision a rule did not already misreport is
/// seen as its opposite stance with the match's noise probability.
fn apply_perception_noise(ctx: &mut Ctx) {
    let c = ctx.c;
    let noise = ctx.m.noise;
    if noise <= 0.0 {
        return;
    }
    for observer in 0..2 {
        let actor = 1 - observer;
        for (d, decision) in c.decisions[actor].iter().enumerate() {
            let misreported = ctx.sides[observer].misreported >> (d % 64) & 1 == 1;
            if misreported || ctx.m.rng.random::<f64>() >= noise {
                continue;
            }
            let true_option = ctx.sides[actor].orders.choices[d];
            let stance = decision
                .options
                .get(true_option as usize)
                .map_or(Stance::Cooperate, |o| o.stance);
            let flipped = match stance {
                Stance::Cooperate => Stance::Defect,
                Stance::Defect => Stance::Cooperate,
            };
            misperceive(ctx.sides, observer, d, decision.option_for(flipped));
        }
    }
}

/// Step 5: events fired by effects this turn apply their effects.
fn apply_fired_events(ctx: &mut Ctx) {
    let prog = ctx.p;
    let mut applied = 0;
    let mut next = 0;
    // Read in order while effects may append more: what `remove(0)` did, without the shifting.
    while next < ctx.m.pending.len() {
        let e = ctx.m.pending[next];
        next += 1;
        if (!prog.events[e as usize].repeatable && ctx.m.fired[e as usize] > 0)
            || applied >= MAX_EVENTS_PER_TURN
        {
            continue;
        }
        applied += 1;
        ctx.m.fired[e as usize] += 1;
        ctx.m.consequences.push(e);
        ctx.apply_all(&prog.events[e as usize].effects, Cause::Event(e));
    }
    ctx.m.pending.clear();
}

/// Which of the scenario's endings ended the game.
#[derive(Clone, Copy)]
enum Ending {
    Early(usize),
    OnTimeCase(usize),
}

/// Step 8: early endings in order, then the turn limit (its cases in order, then the
/// plain ending on time); then each side remembers
/// the turn. The match moves on to `Report`.
fn check_end(ctx: &mut Ctx) {
    let (c, prog) = (ctx.c, ctx.p);
    let scores = prog.score_vars.map(|x| ctx.v[x as usize]);
    for p in 0..2 {
        // Seen as played unless a rule or noise touched what this side perceived.
        let seen = if ctx.sides[p].misreported == 0 {
            ctx.sides[1 - p].stance
        } else {
            stance_of(&c.decisions[1 - p], perceived(ctx.sides, p))
        };
        let mine = ctx.sides[p].stance;
        if seen == Stance::Defect {
            ctx.sides[p].seen_defections += 1;
        }
        ctx.sides[p].history.push(Memory {
            mine,
            seen,
            lead: scores[p] - scores[1 - p],
        });
    }
    let early = (prog.early.iter().zip(&c.early))
        .enumerate()
        .find_map(|(i, (t, e))| ctx.test(t).then_some((i, e.verdict)));
    // An unknown end is drawn after every turn but the last, and only then.
    let stops = |m: &mut crate::sim::components::Match| {
        m.continuation
            .is_some_and(|go_on| m.rng.random::<f64>() >= go_on)
    };
    let verdict = match early {
        Some((i, v)) => Some((Some(Ending::Early(i)), v)),
        // The turn limit, or an unknown end drawn now: the on-time endings.
        None if ctx.m.turn >= ctx.m.turns || stops(ctx.m) => Some(
            (prog.on_time_cases.iter().zip(&c.on_time_cases))
                .enumerate()
                .find_map(|(i, (t, e))| {
                    ctx.test(t)
                        .then_some((Some(Ending::OnTimeCase(i)), e.verdict))
                })
                .unwrap_or((None, c.on_time)),
        ),
        None => None,
    };
    if let Some((ending, verdict)) = verdict {
        let won = match verdict {
            CVerdict::Win(p) => [p == 0, p == 1],
            CVerdict::Lose(p) => [p == 1, p == 0],
            CVerdict::BothWin => [true, true],
            CVerdict::BothLose | CVerdict::NoWinner => [false, false],
            CVerdict::ByScore => [scores[0] > scores[1], scores[1] > scores[0]],
        };
        let s = ctx.s;
        let (ending, text) = match ending.map(|e| match e {
            Ending::Early(i) => &s.endings.early[i],
            Ending::OnTimeCase(i) => &s.endings.on_time_cases[i],
        }) {
            Some(e) => (Some(e.id.clone()), e.text.clone()),
            None => (None, s.endings.on_time.clone()),
        };
        ctx.m.outcome = Some(Outcome {
            ending,
            won,
            text,
            scores,
        });
    }
    ctx.m.phase = Phase::Report;
}

/// Briefs the matches at the start of a turn.
pub fn run_briefing(mut matches: Query<(&mut Match, &mut Sides, &MatchScenario)>) {
    for (mut m, mut sides, scenario) in matches.iter_mut() {
        if m.phase == Phase::Briefing {
            with_ctx(&mut m, &mut sides, &scenario.0, brief);
        }
    }
}

/// At the start of a turn: events whose triggers hold fire, and their news is kept.
fn brief(ctx: &mut Ctx) {
    let (c, prog) = (ctx.c, ctx.p);
    ctx.m.news.clear();
    ctx.m.consequences.clear();
    ctx.m.changes.clear();
    ctx.m.pending.clear();
    for side in ctx.sides.iter_mut() {
        side.offered.clear();
        side.submitted = false;
    }
    let turn = ctx.m.turn;
    // Events only an effect fires can fire here only when announced: every
    // event is looked at then, in order; else only those with a trigger.
    let every: Vec<u16>;
    let candidates: &[u16] = if ctx.m.announce_at.iter().any(|&(t, _)| t == turn) {
        every = (0..prog.events.len() as u16).collect();
        &every
    } else {
        &prog.triggered
    };
    for &e in candidates {
        let (e, event) = (e as usize, &prog.events[e as usize]);
        if !event.repeatable && ctx.m.fired[e] > 0 {
            continue;
        }
        // Outside its turns a trigger is false and draws nothing: not evaluated.
        let triggered = match &event.when {
            Some(t) if (event.turns.0..=event.turns.1).contains(&turn) => ctx.test(t),
            _ => false,
        };
        // An announced event fires here like a triggered one: news, effects, and
        // its choice offered, so both sides answer it in this turn's orders.
        let announced = ctx.m.announce_at.contains(&(turn, e as u16));
        if announced {
            ctx.m.announced.push(e as u16);
        }
        if triggered || announced {
            ctx.m.fired[e] += 1;
            ctx.m.news.push(e as u16);
            ctx.apply_all(&event.effects, Cause::Event(e as u16));
            if let Some((p, _)) = &c.events[e].choice {
                ctx.sides[*p as usize].offered.push(e as u16);
            }
        }
    }
    ctx.m.announce_at.retain(|&(t, _)| t > turn);
    // Briefing effects must respect ranges before anyone decides on them.
    ctx.clamp();
    if c.gated {
        for p in 0..2u8 {
            let mut masks = std::mem::take(&mut ctx.sides[p as usize].available);
            masks.clear();
            for options in prog.options[p as usize].iter() {
                let mut mask = 0u64;
                for (o, option) in options.iter().enumerate() {
                    let open = match &option.available {
                        Some(t) => ctx.test(t),
                        None => true,
                    };
                    mask |= u64::from(open) << o;
                }
                masks.push(mask);
            }
            ctx.sides[p as usize].available = masks;
        }
    }
    ctx.m.phase = Phase::Orders;
    ctx.m.released = !ctx.m.hold;
}
