//! `play --autoplay TURNS --screenshots DIR` (and the page's `?autoplay=TURNS`):
//! AI plays both sides through the real screens, as a person would — it fills in
//! each orders screen with what its strategy chooses and presses the same
//! buttons — saving a PNG of every screen on the desktop. At the end the
//! platform takes the record (the browser writes it into the page).

use super::game::{Intent, PendingIntent};
use super::session::{Session, View};
use crate::sim::components::{Match, MatchScenario, Phase, Side};
use crate::strategy::{Spec, Strategy, View as StrategyView};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use std::path::PathBuf;

/// What to autoplay.
#[derive(Debug, Clone)]
pub struct Autoplay {
    pub turns: u32,
    /// Where to save a PNG of every screen; the browser saves none.
    pub dir: Option<PathBuf>,
    /// The strategy that plays each side.
    pub players: [Spec; 2],
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
    /// The last screen is reached and the record handed over.
    finished: bool,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Update, drive.run_if(resource_exists::<Driver>));
}

/// Sets the app up to autoplay.
pub fn install(app: &mut App, cfg: Autoplay) {
    let strategies = cfg.players.clone().map(|s| match s.controller() {
        crate::sim::components::Controller::Strategy { strategy, .. } => Some(strategy),
        crate::sim::components::Controller::External => None,
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
    let session = world.get_resource::<Session>()?;
    let m = world.get::<Match>(session.match_entity?)?;
    Some((session.view, m.turn))
}

/// Whether the match has caught up with the screen: between two schedule runs a
/// screen can show for a frame before its phase arrives, and must not be acted on.
fn settled(world: &World, view: View) -> bool {
    let Some(m) = world
        .get_resource::<Session>()
        .and_then(|s| s.match_entity)
        .and_then(|e| world.get::<Match>(e))
    else {
        return false;
    };
    match view {
        View::Briefing => m.phase == Phase::Orders && !m.released,
        View::Orders(_) | View::Handover(_) => m.phase == Phase::Orders && m.released,
        View::Reveal | View::Report => m.phase == Phase::Report,
        View::Debrief => m.phase == Phase::GameOver,
        View::Waiting => false,
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
    let Some(sides) = m
        .players
        .map(|e| world.get::<Side>(e).cloned())
        .into_iter()
        .collect::<Option<Vec<Side>>>()
    else {
        return;
    };
    let c = &scenario.compiled;
    let Some(strategy) = &mut d.strategies[p] else {
        return;
    };
    let view = StrategyView::of(&scenario, &m, [&sides[0], &sides[1]], p);
    let mut choices = Vec::new();
    let stance = strategy.orders(&view, &mut d.rng, &mut choices);
    let answers = crate::sim::rules::answers_for(c, &sides[p].offered, stance);
    let mut session = world.resource_mut::<Session>();
    session.drafts[p] = choices;
    session.answers[p] = answers;
}
