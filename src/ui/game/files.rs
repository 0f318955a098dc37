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
            .spawn(async move { crate::platform::export_record(&record, scenario.as_deref()) });
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

/// After each resolved turn, the game saves itself for Continue. The first
/// autosave of a game that is not the one in the autosave file keeps that file as
/// `autosave.previous.ron` first, so a game that could not be resumed (its
/// scenario changed, say) is never overwritten by another.
pub(super) fn autosave(world: &mut World, mut saved: Local<Option<(Entity, usize)>>) {
    // A class match is kept by the class server, and rejoined there.
    if world
        .get_resource::<Session>()
        .is_some_and(|s| s.class.is_some())
    {
        return;
    }
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
