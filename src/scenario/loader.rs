//! The Bevy asset loader for scenarios, and the `scenarios://` asset source that
//! serves the top-level `scenarios/` folder without copying it into `assets/`.

use super::{LoadedScenario, parse_and_validate};
use crate::ronfile::Diagnostic;
use bevy::asset::io::{AssetSourceBuilder, AssetSourceId, Reader};
use bevy::asset::{AssetLoader, AsyncReadExt, LoadContext};
use bevy::prelude::*;

/// Every problem that kept a scenario from loading.
#[derive(Debug)]
pub struct ScenarioError(pub Vec<Diagnostic>);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

#[derive(Default, TypePath)]
pub struct ScenarioLoader;

impl AssetLoader for ScenarioLoader {
    type Asset = LoadedScenario;
    type Settings = ();
    type Error = ScenarioError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _: &(),
        cx: &mut LoadContext<'_>,
    ) -> Result<LoadedScenario, ScenarioError> {
        let name = format!("scenarios/{}", cx.path().path().display());
        let mut bytes = Vec::new();
        // Bounded like every other read: one byte past the limit is enough to refuse.
        let limit = crate::ronfile::MAX_FILE_BYTES as u64 + 1;
        AsyncReadExt::read_to_end(&mut AsyncReadExt::take(reader, limit), &mut bytes)
            .await
            .map_err(|e| {
                ScenarioError(vec![Diagnostic::error(
                    &name,
                    format!("cannot read the file: {e}"),
                )])
            })?;
        parse_and_validate(&name, &bytes).map_err(ScenarioError)
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

/// Registers the `scenarios://` source: the `scenarios/` folder of the working
/// directory, or beside the page in the browser ([`crate::platform::scenario_root`]).
/// Must run before `AssetPlugin` is added.
pub fn register_source(app: &mut App) {
    app.register_asset_source(
        AssetSourceId::from("scenarios"),
        AssetSourceBuilder::platform_default(&crate::platform::scenario_root(), None),
    );
}

/// Adds the asset type and loader (needs `AssetPlugin`).
pub fn plugin(app: &mut App) {
    app.init_asset::<LoadedScenario>()
        .init_asset_loader::<ScenarioLoader>();
}
