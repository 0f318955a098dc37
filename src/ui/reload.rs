//! Hot reload for modders: an edit to the running scenario's file reloads it into
//! the match, and the game says so; an invalid edit shows the validator's own
//! diagnostics (place, snippet, hint) in a panel while the game goes on with the
//! last good version. During a game, while another window (the modder's editor)
//! has the focus, the window wakes every two seconds, so an edit shows without any
//! input to the game; a focused game wakes on input, or every five seconds.

use super::Screen;
use super::session::Session;
use crate::scenario::LoadedScenario;
use crate::sim::components::MatchScenario;
use bevy::asset::AssetLoadFailedEvent;
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText, Ui};
use std::sync::Arc;

/// The current problems with the scenario file, as `path:line:col: message` lines.
#[derive(Resource, Default, Debug)]
pub struct ReloadErrors(pub Vec<String>);

pub fn plugin(app: &mut App) {
    app.init_resource::<ReloadErrors>()
        .add_systems(
            Update,
            (apply_reloads, report_failures).run_if(in_state(Screen::Game)),
        )
        .add_systems(OnEnter(Screen::Game), wake_for_reloads)
        .add_systems(OnExit(Screen::Game), sleep_until_input);
}

/// How often a game screen wakes to notice a reloaded file.
const RELOAD_WAKE: std::time::Duration = std::time::Duration::from_secs(2);

fn wake_for_reloads(mut winit: ResMut<bevy::winit::WinitSettings>) {
    use bevy::winit::UpdateMode;
    // Autoplay runs continuously already; leave it be.
    if winit.focused_mode == UpdateMode::Continuous {
        return;
    }
    winit.unfocused_mode = UpdateMode::reactive_low_power(RELOAD_WAKE);
}

fn sleep_until_input(mut winit: ResMut<bevy::winit::WinitSettings>) {
    if winit.focused_mode != bevy::winit::UpdateMode::Continuous {
        *winit = bevy::winit::WinitSettings::desktop_app();
    }
}

/// Whether a new version can replace the old one mid-game: everything a running
/// match or its record refers to by position or by name must be the same —
/// players, their decisions and options, metrics and their scopes, events and
/// their choices, all by id and in order. Numbers, texts and rules may change.
pub fn compatible(old: &LoadedScenario, new: &LoadedScenario) -> bool {
    shape(old) == shape(new)
}

/// The ids a running match depends on, in order.
fn shape(s: &LoadedScenario) -> Vec<String> {
    use crate::scenario::schema::Decision;
    let sc = &s.scenario;
    let decision = |d: &Decision| {
        let options: Vec<&str> = d.options.iter().map(|o| o.id.as_str()).collect();
        format!("{}[{}]", d.id, options.join(","))
    };
    let mut out = Vec::new();
    for p in &sc.players {
        out.push(format!("player {}", p.id));
        out.extend(p.decisions.iter().map(decision));
    }
    for m in &sc.metrics {
        out.push(format!("metric {} {:?}", m.id, m.scope));
    }
    for e in &sc.events {
        let choice = e
            .choice
            .as_ref()
            .map(|c| format!("{} {}", c.player, decision(&c.decision)));
        out.push(format!("event {} {choice:?}", e.id));
    }
    out
}

fn apply_reloads(
    mut events: MessageReader<AssetEvent<LoadedScenario>>,
    assets: Res<Assets<LoadedScenario>>,
    session: Option<ResMut<Session>>,
    mut matches: Query<&mut MatchScenario>,
    mut errors: ResMut<ReloadErrors>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let Some(mut session) = session else { return };
    for event in events.read() {
        let AssetEvent::Modified { id } = event else {
            continue;
        };
        if *id != session.handle.id() {
            continue;
        }
        let (Some(new), Some(old)) = (assets.get(*id), session.scenario.clone()) else {
            continue;
        };
        if !compatible(&old, new) {
            errors.0 = vec![format!(
                "{}: the edit changes the scenario's players, decisions, options, metrics or events; it applies to new games. This game goes on with the version it started with.",
                new.source.name
            )];
            continue;
        }
        let new = Arc::new(new.clone());
        if let Some(Ok(mut current)) = session.match_entity.map(|e| matches.get_mut(e)) {
            current.0 = new.clone();
        }
        session.scenario = Some(new.clone());
        errors.0 = new.warnings.iter().map(|w| w.to_string()).collect();
        session.notice = Some(format!(
            "{} reloaded: the game goes on with the edited version.",
            new.source.name
        ));
        redraw.write(bevy::window::RequestRedraw);
        info!("{} reloaded", new.source.name);
    }
}

fn report_failures(
    mut failures: MessageReader<AssetLoadFailedEvent<LoadedScenario>>,
    session: Option<ResMut<Session>>,
    mut errors: ResMut<ReloadErrors>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let Some(mut session) = session else { return };
    for failure in failures.read() {
        if failure.id != session.handle.id() {
            continue;
        }
        // Re-read the file for structured diagnostics; the loader's error is flattened text.
        let path = std::path::Path::new("scenarios").join(&session.setup.scenario);
        errors.0 = match crate::scenario::load(&path) {
            Err(diagnostics) => diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.to_string())
                .collect(),
            Ok(_) => vec![failure.error.to_string()],
        };
        redraw.write(bevy::window::RequestRedraw);
        if session.scenario.is_none() {
            // Nothing good to keep: the game cannot start.
            session.notice = Some(format!(
                "{} cannot be loaded:\n{}",
                session.setup.scenario,
                errors.0.join("\n")
            ));
        } else {
            warn!("scenario reload failed; keeping the last good version");
        }
    }
}

/// The error panel: shown while the scenario file has problems.
pub fn error_panel(ui: &mut Ui, errors: &[String]) {
    ui.label(
        RichText::new(
            "The scenario file has problems — the game goes on with the last good version.",
        )
        .strong()
        .color(super::widgets::DEFECT),
    );
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .show(ui, |ui| {
            for e in errors {
                ui.label(RichText::new(e).monospace());
            }
        });
}

#[cfg(test)]
mod tests {
    use super::compatible;
    use crate::scenario::parse_and_validate;

    #[test]
    fn a_reload_is_compatible_only_when_every_id_stays() {
        let text = std::fs::read_to_string("scenarios/syria_2015.ron").unwrap();
        let load = |t: &str| parse_and_validate("s.ron", t.as_bytes()).unwrap();
        let base = load(&text);
        // Texts and numbers may change while a game runs.
        let retitled = text.replacen("title: \"", "title: \"Edited: ", 1);
        assert!(compatible(&base, &load(&retitled)));
        // Same counts, other names: a renamed metric or option, or an event's
        // choice with different options, would mislabel the running match.
        let mut renamed_metric = base.clone();
        renamed_metric.scenario.metrics[0].id = "renamed".into();
        assert!(!compatible(&base, &renamed_metric));
        let mut renamed_option = base.clone();
        renamed_option.scenario.players[1].decisions[0].options[0].id = "renamed".into();
        assert!(!compatible(&base, &renamed_option));
        let mut other_answers = base.clone();
        let choice = other_answers
            .scenario
            .events
            .iter_mut()
            .find_map(|e| e.choice.as_mut())
            .unwrap();
        choice.decision.options.swap(0, 1);
        assert!(!compatible(&base, &other_answers));
        let mut scope = base.clone();
        let m = &mut scope.scenario.metrics[0];
        m.scope = match m.scope {
            crate::scenario::schema::Scope::Shared => crate::scenario::schema::Scope::PerPlayer,
            crate::scenario::schema::Scope::PerPlayer => crate::scenario::schema::Scope::Shared,
        };
        assert!(!compatible(&base, &scope));
    }
}
