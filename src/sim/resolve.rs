//! The outcome systems, in the order `TurnSystems` chains them. Each iterates over
//! every match in `Phase::Resolution`, so one schedule run resolves one match or
//! ten thousand alike.

use super::components::*;
use super::rules::{Ctx, stance_of};
use crate::scenario::compiled::{CTrigger, CVerdict, Compiled};
use crate::scenario::limits::MAX_EVENTS_PER_TURN;
use crate::scenario::schema::Stance;
use bevy::prelude::*;
use rand::RngExt;

/// Runs `step` on every match in `phase`, with both of its sides borrowed.
pub fn for_each_match(
    matches: &mut Query<(&mut Match, &MatchScenario)>,
    sides: &mut Query<&mut Side>,
    phase: Phase,
    step: impl FnMut(&mut Ctx),
) {
    for_each_match_if(matches, sides, phase, |_, _| true, step);
}

/// `for_each_match`, skipping matches that `wanted` says have nothing to do —
/// before their sides are fetched, which is most of a step's cost in tournaments.
pub fn for_each_match_if(
    matches: &mut Query<(&mut Match, &MatchScenario)>,
    sides: &mut Query<&mut Side>,
    phase: Phase,
    wanted: impl Fn(&Compiled, &Match) -> bool,
    mut step: impl FnMut(&mut Ctx),
) {
    for (mut m, scenario) in matches.iter_mut() {
        if m.phase != phase || !wanted(&scenario.0.compiled, &m) {
            continue;
        }
        let players = m.players;
        let Ok([mut a, mut b]) = sides.get_many_mut(players) else {
            continue;
        };
        let mut ctx = Ctx {
            c: &scenario.0.compiled,
            s: &scenario.0.scenario,
            m: &mut m,
            sides: [&mut a, &mut b],
        };
        step(&mut ctx);
    }
}

/// Step 1: the effects of each side's options, the US (first player) first.
pub fn apply_option_effects(
    mut matches: Query<(&mut Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for_each_match(&mut matches, &mut sides, Phase::Resolution, |ctx| {
        let c: &Compiled = ctx.c;
        for p in 0..2u8 {
            let choices = std::mem::take(&mut ctx.sides[p as usize].orders.choices);
            for (d, (&o, decision)) in choices.iter().zip(&c.decisions[p as usize]).enumerate() {
                if let Some(option) = decision.options.get(o as usize) {
                    let cause = Cause::Option {
                        player: p,
                        decision: d as u16,
                        option: o,
                    };
                    ctx.apply_all(&option.effects, Some(p), cause);
                }
            }
            ctx.sides[p as usize].orders.choices = choices;
            let answers = std::mem::take(&mut ctx.sides[p as usize].orders.answers);
            for &(event, o) in &answers {
                // Remembered before the effects, so this turn's rules can test the answer.
                let answered = &mut ctx.sides[p as usize].answered;
                match answered.iter_mut().find(|(e, _)| *e == event) {
                    Some(entry) => entry.1 = o,
                    None => answered.push((event, o)),
                }
                if let Some((_, decision)) = &c.events[event as usize].choice
                    && let Some(option) = decision.options.get(o as usize)
                {
                    ctx.apply_all(
                        &option.effects,
                        Some(p),
                        Cause::EventChoice { event, option: o },
                    );
                }
            }
            ctx.sides[p as usize].orders.answers = answers;
        }
    });
}

/// Step 2: rules on combinations of both sides' choices.
pub fn apply_joint_rules(
    mut matches: Query<(&mut Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for_each_match_if(
        &mut matches,
        &mut sides,
        Phase::Resolution,
        |c, _| !c.joint.is_empty(),
        |ctx| {
            ctx.run_rules(&ctx.c.joint, Cause::JointRule);
        },
    );
}

/// Step 3: rules of chance and friction.
pub fn apply_chance_rules(
    mut matches: Query<(&mut Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for_each_match_if(
        &mut matches,
        &mut sides,
        Phase::Resolution,
        |c, _| !c.chance.is_empty(),
        |ctx| {
            ctx.run_rules(&ctx.c.chance, Cause::ChanceRule);
        },
    );
}

/// Step 4: perception noise. Each decision a rule did not already misreport is
/// seen as its opposite stance with the match's noise probability.
pub fn apply_perception_noise(
    mut matches: Query<(&mut Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for_each_match_if(
        &mut matches,
        &mut sides,
        Phase::Resolution,
        |_, m| m.noise > 0.0,
        |ctx| {
            let c = ctx.c;
            let noise = ctx.m.noise;
            for observer in 0..2 {
                let actor = 1 - observer;
                if noise > 0.0 {
                    for (d, decision) in c.decisions[actor].iter().enumerate() {
                        if ctx.sides[observer].misreported[d] || ctx.m.rng.random::<f64>() >= noise
                        {
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
                        ctx.sides[observer].perceived[d] = decision.option_for(flipped);
                    }
                }
            }
        },
    );
}

/// Step 5: events fired by effects this turn apply their effects.
pub fn apply_fired_events(
    mut matches: Query<(&mut Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for_each_match_if(
        &mut matches,
        &mut sides,
        Phase::Resolution,
        |_, m| !m.pending.is_empty(),
        |ctx| {
            let c = ctx.c;
            let mut applied = 0;
            while let Some(e) = (!ctx.m.pending.is_empty()).then(|| ctx.m.pending.remove(0)) {
                let event = &c.events[e as usize];
                if (!event.repeatable && ctx.m.fired[e as usize] > 0)
                    || applied >= MAX_EVENTS_PER_TURN
                {
                    continue;
                }
                applied += 1;
                ctx.m.fired[e as usize] += 1;
                ctx.m.consequences.push(e);
                ctx.apply_all(&event.effects, None, Cause::Event(e));
            }
        },
    );
}

/// Step 6: every metric back inside its declared range.
pub fn clamp_metrics(
    mut matches: Query<(&mut Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for_each_match(&mut matches, &mut sides, Phase::Resolution, |ctx| {
        ctx.clamp()
    });
}

/// Step 7: score rules, then clamp again so scores respect their range too.
pub fn apply_score_rules(
    mut matches: Query<(&mut Match, &MatchScenario)>,
    mut sides: Query<&mut Side>,
) {
    for_each_match_if(
        &mut matches,
        &mut sides,
        Phase::Resolution,
        |c, _| !c.score.is_empty(),
        |ctx| {
            ctx.run_rules(&ctx.c.score, Cause::ScoreRule);
            ctx.clamp();
        },
    );
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
pub fn check_end(mut matches: Query<(&mut Match, &MatchScenario)>, mut sides: Query<&mut Side>) {
    for_each_match(&mut matches, &mut sides, Phase::Resolution, |ctx| {
        let c = ctx.c;
        let score = |ctx: &Ctx, p: usize| ctx.sides[p].metrics[c.score_metric as usize];
        let scores = [score(ctx, 0), score(ctx, 1)];
        for p in 0..2 {
            let seen = stance_of(&c.decisions[1 - p], &ctx.sides[p].perceived);
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
        let early = c
            .early
            .iter()
            .enumerate()
            .find_map(|(i, e)| ctx.eval(&e.when, None).then_some((i, e.verdict)));
        // An unknown end is drawn after every turn but the last, and only then.
        let stops = |m: &mut crate::sim::components::Match| {
            m.continuation
                .is_some_and(|go_on| m.rng.random::<f64>() >= go_on)
        };
        let verdict = match early {
            Some((i, v)) => Some((Some(Ending::Early(i)), v)),
            // The turn limit, or an unknown end drawn now: the on-time endings.
            None if ctx.m.turn >= ctx.m.turns || stops(ctx.m) => Some(
                c.on_time_cases
                    .iter()
                    .enumerate()
                    .find_map(|(i, e)| {
                        ctx.eval(&e.when, None)
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
    });
}

/// At the start of a turn: events whose triggers hold fire, and their news is kept.
pub fn run_briefing(mut matches: Query<(&mut Match, &MatchScenario)>, mut sides: Query<&mut Side>) {
    for_each_match(&mut matches, &mut sides, Phase::Briefing, |ctx| {
        let c = ctx.c;
        ctx.m.news.clear();
        ctx.m.consequences.clear();
        ctx.m.changes.clear();
        ctx.m.pending.clear();
        for side in ctx.sides.iter_mut() {
            side.offered.clear();
            side.submitted = false;
        }
        let turn = ctx.m.turn;
        for (e, event) in c.events.iter().enumerate() {
            if !event.repeatable && ctx.m.fired[e] > 0 {
                continue;
            }
            let triggered = match &event.trigger {
                CTrigger::AtTurn(t) => *t == turn,
                CTrigger::When(cond) => ctx.eval(cond, None),
                CTrigger::Fired => false,
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
                ctx.apply_all(&event.effects, None, Cause::Event(e as u16));
                if let Some((p, _)) = &event.choice {
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
                for d in &c.decisions[p as usize] {
                    let mut mask = 0u64;
                    for (o, option) in d.options.iter().enumerate() {
                        let open = match &option.available {
                            Some(cond) => ctx.eval(cond, Some(p)),
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
    });
}
