//! `play --autoplay TURNS --screenshots DIR` (and the page's `?autoplay=TURNS`):
//! AI plays both sides through the real screens, as a person would — it fills in
//! each orders screen with what its strategy chooses and presses the same
//! buttons — saving a PNG of every screen on the desktop. At the end the
//! platform takes the record (the browser writes it into the page).

use super::game::{Intent, PendingIntent};
use super::session::{Session, View};
use crate::sim::components::{Match, MatchScenario, Phase, Sides};
use crate::strategy::{Spec, Strategy, View as StrategyView};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use std::path::PathBuf;

/// What to autoplay.
#[derive(Debug, Clone)]
pub struct Autoplay {
    /// Turns to play before exiting; the game's end comes first if it is nearer,
    /// and then the debrief is shown and captured too.
    pub turns: u32,
    /// Where to save a PNG of every screen; the browser saves none.
    pub dir: Option<PathBuf>,
    /// The strategy that plays each side (a spec: `tit_for_tat`, `ai_hard`, a file).
    pub hands: [String; 2],
}

/// Frames to wait on a new screen before its screenshot: software renderers
/// show black for the first frames, and egui lays out over two.
const SETTLE_FIRST: u32 = 90;
const SETTLE: u32 = 12;
/// Frames to wait for a screenshot file before giving up.
const PATIENCE: u32 = 2000;

#[derive(Resource)]
struct Driver {
    cfg: Autoplay,
    strategies: [Option<Box<dyn Strategy>>; 2],
    rng: Xoshiro256PlusPlus,
    seen: Option<(View, u32)>,
    wait: u32,
    shot: Option<PathBuf>,
    count: u32,
    patience: u32,
    /// The screen's button has been pressed; wait for the next screen.
    acted: bool,
    /// Turns whose report has been captured.
    played: u32,
    /// The last screen is reached and the record handed over.
    finished: bool,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Update, drive.run_if(resource_exists::<Driver>));
}

/// Sets the app up to autoplay.
pub fn install(app: &mut App, cfg: Autoplay) {
    // The hands were checked when the seats were; one that no longer parses
    // (a strategy file removed since) plays tit-for-tat.
    let strategies = cfg.hands.clone().map(|h| {
        let spec = Spec::parse(&h).unwrap_or(Spec::Builtin(crate::strategy::Classic::TitForTat));
        match spec.controller() {
            crate::sim::components::Controller::Strategy { strategy, .. } => Some(strategy),
            crate::sim::components::Controller::External => None,
        }
    });
    // Autoplay must not wait for input to redraw.
    app.insert_resource(bevy::winit::WinitSettings::game());
    app.insert_resource(Driver {
        cfg,
        strategies,
        rng: Xoshiro256PlusPlus::seed_from_u64(7),
        seen: None,
        wait: SETTLE_FIRST,
        shot: None,
        count: 0,
        patience: PATIENCE,
        acted: false,
        played: 0,
        finished: false,
    });
}

fn drive(world: &mut World) {
    let Some((view, turn)) = current(world) else {
        return;
    };
    let mut driver = world.remove_resource::<Driver>().expect("run_if checked");
    let done = step(world, &mut driver, view, turn);
    if done && !driver.finished {
        driver.finished = true;
        let record = super::session::snapshot(world).map(|s| s.record);
        if crate::platform::autoplay_finished(record.as_ref()) {
            world.write_message(AppExit::Success);
        }
    }
    world.insert_resource(driver);
}

fn current(world: &World) -> Option<(View, u32)> {
    let view = world.get_resource::<Session>()?.view;
    Some((view, current_match(world)?.turn))
}

fn current_match(world: &World) -> Option<&Match> {
    world
        .get_resource::<Session>()
        .and_then(|s| s.match_entity)
        .and_then(|e| world.get::<Match>(e))
}

/// Whether the match has caught up with the screen: between two schedule runs a
/// screen can show for a frame before its phase arrives, and must not be acted on.
fn settled(world: &World, view: View) -> bool {
    let Some(m) = current_match(world) else {
        return false;
    };
    let entity = world.get_resource::<Session>().and_then(|s| s.match_entity);
    match view {
        View::Briefing => m.phase == Phase::Orders && !m.released,
        View::Orders(_) | View::Handover(_) => m.phase == Phase::Orders && m.released,
        // The reveal waits for its dilemma to be measured, the debrief for its
        // counterfactual, so the screenshots show them.
        View::Reveal => {
            m.phase == Phase::Report
                && entity.is_some_and(|e| {
                    world
                        .resource::<super::dilemma::DilemmaPanel>()
                        .played(e, m.turn)
                        .is_some()
                })
        }
        View::Report => m.phase == Phase::Report,
        View::Debrief => {
            m.phase == Phase::GameOver
                && entity.is_some_and(|e| {
                    world
                        .resource::<super::debrief::Counterfactual>()
                        .of(e)
                        .is_some()
                })
        }
        View::Waiting => false,
    }
}

/// A line on stdout; a closed or failing stdout only loses the line.
fn say(line: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// A line on stdout for what a captured screen shows beyond its pixels, so a
/// script can check it.
fn describe(world: &World, view: View, turn: u32) {
    let Some(e) = world.get_resource::<Session>().and_then(|s| s.match_entity) else {
        return;
    };
    match view {
        View::Reveal => match world
            .resource::<super::dilemma::DilemmaPanel>()
            .played(e, turn)
        {
            Some(Ok(g)) => say(format_args!(
                "autoplay: the reveal of turn {turn} shows the landed cell {}",
                crate::analysis::cell_name(g.landed)
            )),
            Some(Err(why)) => say(format_args!(
                "autoplay: the reveal of turn {turn} has no dilemma: {why}"
            )),
            None => {}
        },
        View::Debrief => {
            let questions = world
                .get::<MatchScenario>(e)
                .map_or(0, |s| s.0.scenario.debrief_questions.len());
            let cf = world
                .resource::<super::debrief::Counterfactual>()
                .of(e)
                .is_some_and(|r| r.is_ok());
            say(format_args!(
                "autoplay: the debrief shows {questions} questions{}",
                if cf {
                    " and the both-cooperate counterfactual"
                } else {
                    ""
                }
            ));
        }
        _ => {}
    }
}

/// One frame of the driver; true when the debrief has been captured.
fn step(world: &mut World, d: &mut Driver, view: View, turn: u32) -> bool {
    if !settled(world, view) {
        return false;
    }
    if d.seen != Some((view, turn)) {
        d.seen = Some((view, turn));
        d.wait = if d.count == 0 { SETTLE_FIRST } else { SETTLE };
        d.shot = None;
        d.patience = PATIENCE;
        d.acted = false;
        if let View::Orders(p) = view {
            fill_orders(world, d, p);
        }
        return false;
    }
    if view == View::Waiting || d.acted {
        return false;
    }
    if d.wait > 0 {
        d.wait -= 1;
        return false;
    }
    let shot = match (&d.cfg.dir, d.shot.clone()) {
        (None, _) => {
            d.count += 1;
            None
        }
        (Some(dir), None) => {
            d.count += 1;
            let path = dir.join(screenshot_name(d.count, view, turn));
            world
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path.clone()));
            describe(world, view, turn);
            d.shot = Some(path);
            return false;
        }
        (Some(_), Some(path)) => Some(path),
    };
    if let Some(path) = shot
        && !std::fs::metadata(&path).is_ok_and(|m| m.len() > 0)
    {
        d.patience = d.patience.saturating_sub(1);
        if d.patience == 0 {
            error!(
                "no screenshot at {} after {PATIENCE} frames",
                path.display()
            );
            world.write_message(AppExit::error());
        }
        return false;
    }
    if view == View::Report {
        d.played += 1;
        let over = current_match(world).is_some_and(|m| m.outcome.is_some());
        if d.played >= d.cfg.turns && !over {
            return true;
        }
    }
    let intent = match view {
        View::Briefing => Intent::ToOrders,
        View::Orders(p) => Intent::Confirm(p),
        View::Handover(p) => Intent::TakeSeat(p),
        View::Reveal => Intent::ToReport,
        View::Report => Intent::NextTurn,
        View::Debrief => return true,
        View::Waiting => return false,
    };
    world.resource_mut::<PendingIntent>().0 = Some(intent);
    d.acted = true;
    false
}

/// `03-turn01-orders-0.png`: the order taken, the turn and the screen.
fn screenshot_name(count: u32, view: View, turn: u32) -> String {
    let name = match view {
        View::Briefing => "briefing".to_string(),
        View::Orders(p) => format!("orders-{p}"),
        View::Handover(p) => format!("handover-{p}"),
        View::Reveal => "reveal".into(),
        View::Report => "report".into(),
        View::Debrief => "debrief".into(),
        View::Waiting => "waiting".into(),
    };
    format!("{count:02}-turn{turn:02}-{name}.png")
}

/// Puts the side's strategy's choice into the orders screen, as a player would.
fn fill_orders(world: &mut World, d: &mut Driver, p: usize) {
    let Some(session) = world.get_resource::<Session>() else {
        return;
    };
    let Some(entity) = session.match_entity else {
        return;
    };
    let (Some(m), Some(scenario)) = (
        world.get::<Match>(entity).cloned(),
        world.get::<MatchScenario>(entity).map(|s| s.0.clone()),
    ) else {
        return;
    };
    let Some(sides) = world.get::<Sides>(entity).cloned() else {
        return;
    };
    let c = &scenario.compiled;
    let Some(strategy) = &mut d.strategies[p] else {
        return;
    };
    let view = StrategyView::of(&scenario, &m, &sides, p);
    let mut choices = Vec::new();
    let stance = strategy.orders(&view, &mut d.rng, &mut choices);
    let answers = crate::sim::rules::answers_for(c, &sides[p].offered, stance);
    let mut session = world.resource_mut::<Session>();
    session.drafts[p] = choices;
    session.answers[p] = answers;
}
