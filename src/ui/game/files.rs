//! Saving: saves asked for from the pause menu, record exports from the debrief,
//! and the autosave after every resolved turn.

use super::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};

/// Saves asked for from the pause menu, and record exports from the debrief.
pub(super) fn save_requests(world: &mut World) {
    let requests: Vec<SaveRequest> = world
        .resource_mut::<Messages<SaveRequest>>()
        .drain()
        .collect();
    let export = world
        .resource_mut::<Messages<ExportRecord>>()
        .drain()
        .count()
        > 0;
    if requests.is_empty() && !export {
        return;
    }
    let Some(save) = session::snapshot(world) else {
        return;
    };
    for SaveRequest(path) in requests {
        if let Err(e) = session::write_save(&save, &path) {
            world.resource_mut::<MenuState>().message = Some(format!("Could not save: {e}"));
        }
    }
    if export {
        let scenario = world
            .get_resource::<Session>()
            .and_then(|s| s.scenario.clone());
        let record = save.record;
        // The debrief replays a counterfactual game: written on the async compute
        // pool so the window stays responsive, and announced when done.
        let task = AsyncComputeTaskPool::get()
            .spawn(async move { export_record(&record, scenario.as_deref()) });
        world.resource_mut::<Exports>().0.push(task);
    }
}

/// Record exports under way off the frame.
#[derive(Resource, Default)]
pub struct Exports(Vec<Task<String>>);

impl Exports {
    pub fn busy(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Shows the outcome of each finished export.
pub(super) fn finish_exports(mut exports: ResMut<Exports>, session: Option<ResMut<Session>>) {
    let mut notices = Vec::new();
    exports.0.retain_mut(|task| match check_ready(task) {
        Some(notice) => {
            notices.push(notice);
            false
        }
        None => true,
    });
    if let (Some(mut session), Some(notice)) = (session, notices.pop()) {
        session.notice = Some(notice);
    }
}

/// Writes the record, its Markdown debrief and its CSV turn log to the records
/// folder; returns the message for the player.
fn export_record(record: &GameRecord, scenario: Option<&LoadedScenario>) -> String {
    // The id comes from a scenario file: only its safe characters reach the path.
    let id: String = record
        .scenario
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .take(64)
        .collect();
    let path = crate::ui::settings::home().join("records").join(format!(
        "{id}-seed{}-{}.ron",
        record.seed,
        std::process::id()
    ));
    let report = path.with_extension("md");
    let result = std::fs::create_dir_all(path.parent().unwrap_or(&path))
        .map_err(|e| e.to_string())
        .and_then(|_| record.write(&path).map_err(|e| e.to_string()))
        .and_then(|_| {
            let text = crate::report::debrief::markdown(record, scenario);
            let csv = crate::report::debrief::turns_csv(record);
            crate::sim::record::write_atomically(&report, text.as_bytes())
                .and_then(|_| {
                    crate::sim::record::write_atomically(
                        &report.with_extension("csv"),
                        csv.as_bytes(),
                    )
                })
                .map_err(|e| e.to_string())
        });
    match result {
        Ok(()) => format!(
            "Game record saved to {}; the debrief report beside it ({} and .csv)",
            path.display(),
            report.display()
        ),
        Err(e) => format!("Could not save the record: {e}"),
    }
}

/// After each resolved turn, the game saves itself for Continue. The first
/// autosave of a game that is not the one in the autosave file keeps that file as
/// `autosave.previous.ron` first, so a game that could not be resumed (its
/// scenario changed, say) is never overwritten by another.
pub(super) fn autosave(world: &mut World, mut saved: Local<Option<(Entity, usize)>>) {
    let Some(save) = session::snapshot(world) else {
        return;
    };
    let Some(entity) = world.get_resource::<Session>().and_then(|s| s.match_entity) else {
        return;
    };
    let turns = save.record.history.len();
    if *saved == Some((entity, turns)) {
        return;
    }
    let first = saved.is_none_or(|(e, _)| e != entity);
    *saved = Some((entity, turns));
    let path = session::autosave_path();
    if first && let Err(e) = session::keep_other_game(&path, &save) {
        warn!("autosave skipped: {e}");
        return;
    }
    if let Err(e) = session::write_save(&save, &path) {
        warn!("autosave failed: {e}");
    }
}
