//! Saving: saves asked for from the pause menu, record exports from the debrief,
//! and the autosave after every resolved turn.

use super::*;

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
        let path = crate::ui::settings::home().join("records").join(format!(
            "{}-seed{}-{}.ron",
            save.record.scenario,
            save.record.seed,
            std::process::id()
        ));
        let scenario = world
            .get_resource::<Session>()
            .and_then(|s| s.scenario.clone());
        let report = path.with_extension("md");
        let result = std::fs::create_dir_all(path.parent().unwrap_or(&path))
            .map_err(|e| e.to_string())
            .and_then(|_| save.record.write(&path).map_err(|e| e.to_string()))
            .and_then(|_| {
                let text = crate::report::debrief::markdown(&save.record, scenario.as_deref());
                let csv = crate::report::debrief::turns_csv(&save.record);
                crate::sim::record::write_atomically(&report, text.as_bytes())
                    .and_then(|_| {
                        crate::sim::record::write_atomically(
                            &report.with_extension("csv"),
                            csv.as_bytes(),
                        )
                    })
                    .map_err(|e| e.to_string())
            });
        let notice = match result {
            Ok(()) => format!(
                "Game record saved to {}; the debrief report beside it ({} and .csv)",
                path.display(),
                report.display()
            ),
            Err(e) => format!("Could not save the record: {e}"),
        };
        world.resource_mut::<Session>().notice = Some(notice);
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
    if first
        && let Err(e) = session::keep_other_game(&path, &save)
    {
        warn!("autosave skipped: {e}");
        return;
    }
    if let Err(e) = session::write_save(&save, &path) {
        warn!("autosave failed: {e}");
    }
}
