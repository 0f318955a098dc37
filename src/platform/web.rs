//! The browser side of the seams: saves and settings in `localStorage` (the same
//! RON text as the desktop's files, keyed by the same paths), the content the
//! server offers (read once at start through Bevy's HTTP asset reader, listed by
//! the index `web/build.sh` generates), downloads for exported records, and the
//! page element an unattended run writes its record into.

use crate::ronfile::Diagnostic;
use crate::scenario::LoadedScenario;
use crate::sim::record::GameRecord;
use bevy::asset::io::AssetReader;
use bevy::asset::io::wasm::HttpWasmAssetReader;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use wasm_bindgen::JsCast;

/// The index of served content, generated beside the scenarios by `web/build.sh`:
/// the file names the picker offers.
pub const INDEX: &str = "scenarios/index.offer.ron";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Offer {
    scenarios: Vec<String>,
    #[serde(default)]
    strategies: Vec<String>,
}

/// The served content files, by path (`scenarios/x.ron`, `strategies/y.ron`),
/// fetched before the game starts so the same synchronous readers as the
/// desktop's work on them.
static SERVED: Mutex<BTreeMap<PathBuf, Vec<u8>>> = Mutex::new(BTreeMap::new());

fn served() -> std::sync::MutexGuard<'static, BTreeMap<PathBuf, Vec<u8>>> {
    // A panic while holding the lock leaves plain data behind: still usable.
    SERVED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Fetches the index and every file it lists through Bevy's HTTP asset reader.
/// A file that cannot be fetched is left out with a warning; a missing or broken
/// index leaves only what the URL names (fetched on demand by the asset server).
pub async fn fetch_served_content() {
    let reader = HttpWasmAssetReader::new(".");
    let offer = match fetch(&reader, Path::new(INDEX)).await {
        Ok(bytes) => match crate::ronfile::parse::<Offer>(INDEX, &bytes) {
            Ok((offer, _)) => offer,
            Err(d) => {
                bevy::log::warn!("{}", d.headline());
                Offer::default()
            }
        },
        Err(e) => {
            bevy::log::warn!("{INDEX}: {e}");
            Offer::default()
        }
    };
    let wanted = offer
        .scenarios
        .iter()
        .map(|n| Path::new("scenarios").join(n))
        .chain(
            offer
                .strategies
                .iter()
                .map(|n| Path::new("strategies").join(n)),
        );
    for path in wanted {
        // Names come from the served index: only plain file names are fetched.
        let plain = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| crate::platform::scenario_file_name(n).as_deref() == Ok(n));
        if !plain {
            bevy::log::warn!(
                "{INDEX}: {} is not a plain file name; skipped",
                path.display()
            );
            continue;
        }
        match fetch(&reader, &path).await {
            Ok(bytes) => {
                served().insert(path, bytes);
            }
            Err(e) => bevy::log::warn!("{}: {e}", path.display()),
        }
    }
}

async fn fetch(reader: &HttpWasmAssetReader, path: &Path) -> Result<Vec<u8>, String> {
    let mut r = reader.read(path).await.map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    bevy::asset::io::Reader::read_to_end(&mut r, &mut bytes)
        .await
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// A served content file, for [`crate::files::read_bounded`].
pub fn read_served(path: &Path, limit: usize) -> Result<Vec<u8>, crate::files::ReadError> {
    let key: PathBuf = path.components().collect();
    match served().get(&key) {
        Some(bytes) if bytes.len() > limit => Err(crate::files::ReadError::TooBig { limit }),
        Some(bytes) => Ok(bytes.clone()),
        None => Err(crate::files::ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the server does not offer this file",
        ))),
    }
}

/// Settings and saves live under this prefix of `localStorage` keys.
pub fn home() -> PathBuf {
    PathBuf::from("common-enemy")
}

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| "this browser offers no storage for the page (private mode?)".to_string())
}

fn key(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The time a stored file was last written, kept beside it for [`list`].
fn modified_key(path: &Path) -> String {
    format!("modified:{}", key(path))
}

/// Reads at most `limit` bytes of a stored file.
pub fn read(path: &Path, limit: usize) -> Result<Vec<u8>, Diagnostic> {
    let name = key(path);
    let text = storage()
        .and_then(|s| {
            s.get_item(&name)
                .map_err(|_| "browser storage refused the read".to_string())
        })
        .map_err(|e| Diagnostic::error(&name, e))?
        .ok_or_else(|| Diagnostic::error(&name, "no such save in this browser"))?;
    if text.len() > limit {
        return Err(Diagnostic::error(
            &name,
            format!("the file is larger than the limit of {limit} bytes"),
        ));
    }
    Ok(text.into_bytes())
}

/// Stores a file: one `setItem`, which the browser applies whole or not at all.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = key(path);
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{name}: not UTF-8 text"))?;
    let s = storage()?;
    s.set_item(&name, text).map_err(|_| {
        format!("{name}: browser storage is full; delete old saves (site data) or play on")
    })?;
    // Only orders the list: losing it is harmless.
    let _ = s.set_item(&modified_key(path), &js_sys::Date::now().to_string());
    Ok(())
}

pub fn exists(path: &Path) -> bool {
    storage().is_ok_and(|s| s.get_item(&key(path)).ok().flatten().is_some())
}

pub fn rename(from: &Path, to: &Path) -> Result<(), String> {
    let bytes = read(from, usize::MAX).map_err(|d| d.to_string())?;
    write(to, &bytes)?;
    remove(from)
}

/// Removes a stored file; one that is not there is already removed.
pub fn remove(path: &Path) -> Result<(), String> {
    let s = storage()?;
    let _ = s.remove_item(&key(path));
    let _ = s.remove_item(&modified_key(path));
    Ok(())
}

/// The `.ron` files stored directly in `dir`, newest first.
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let Ok(s) = storage() else {
        return Vec::new();
    };
    let prefix = format!("{}/", key(dir));
    let count = s.length().unwrap_or(0);
    let mut files: Vec<(f64, PathBuf)> = (0..count)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| {
            k.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".ron"))
        })
        .map(|k| {
            let path = PathBuf::from(k);
            let when = s
                .get_item(&modified_key(&path))
                .ok()
                .flatten()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0.0);
            (when, path)
        })
        .collect();
    files.sort_by(|a, b| b.0.total_cmp(&a.0));
    files.into_iter().map(|(_, p)| p).collect()
}

/// The root of the `scenarios://` asset source: `scenarios/` beside the page.
pub fn scenario_root() -> String {
    "scenarios".into()
}

/// Every scenario the server offers, by file name, each valid one loaded and
/// each broken one with its first error.
pub fn scenarios() -> Vec<(String, Result<LoadedScenario, String>)> {
    super::load_each(served_in("scenarios"))
}

/// The strategy files the server offers, as specs (`strategies/NAME.ron`).
pub fn strategy_files() -> Vec<String> {
    served_in("strategies").iter().map(|p| key(p)).collect()
}

fn served_in(folder: &str) -> Vec<PathBuf> {
    served()
        .keys()
        .filter(|p| p.parent() == Some(Path::new(folder)))
        .cloned()
        .collect()
}

/// Hands the record to the player as a download of the same RON file the
/// desktop writes; returns the message for the player.
pub fn export_record(record: &GameRecord, _scenario: Option<&LoadedScenario>) -> String {
    let name = format!(
        "{}.ron",
        crate::platform::record_file_stem(record, &(js_sys::Date::now() as u64).to_string())
    );
    match record.to_text().and_then(|text| download(&name, &text)) {
        Ok(()) => format!("Game record downloaded as {name}."),
        Err(e) => format!("Could not save the record: {e}"),
    }
}

fn download(name: &str, text: &str) -> Result<(), String> {
    let fail = |_| "the browser refused the download".to_string();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no page")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// An unattended run has played its turns: its record goes into
/// `<pre id="ce-record">` and the title starts with `done`, for whoever drives
/// the page. The game stays open on the debrief.
pub fn autoplay_finished(record: Option<&GameRecord>) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let text = record.map(GameRecord::to_text);
    let pre = document.get_element_by_id("ce-record").or_else(|| {
        let pre = document.create_element("pre").ok()?;
        pre.set_id("ce-record");
        pre.set_attribute("hidden", "").ok()?;
        document.body()?.append_child(&pre).ok()?;
        Some(pre)
    });
    match (text, pre) {
        (Some(Ok(text)), Some(pre)) => {
            pre.set_text_content(Some(&text));
            document.set_title("done: Common Enemy");
        }
        (Some(Err(e)), _) => document.set_title(&format!("failed: {e}")),
        _ => document.set_title("failed: no record"),
    }
    false
}

/// The page's URL query, as the command line's `play` options: `scenario`,
/// `player` (`ID:human` or `ID:STRATEGY`, once per side), `seed`, `noise`,
/// `turns`, `autoplay` (turns); or a class: `code`, `name`, `hand`.
fn launch_from_query() -> Result<crate::ui::Launch, String> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search)
        .map_err(|_| "the page's address has an unreadable query".to_string())?;
    let players: Vec<String> = params
        .get_all("player")
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    let parse = |name: &str| -> Result<Option<u64>, String> {
        params
            .get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{name}={v}: give a whole number"))
            })
            .transpose()
    };
    let noise = params
        .get("noise")
        .map(|v| {
            v.parse::<f64>()
                .ok()
                .filter(|p| (0.0..=1.0).contains(p))
                .ok_or_else(|| format!("noise={v}: give a probability from 0 to 1"))
        })
        .transpose()?;
    // A number of turns, as `play`'s options take them.
    let turn_count = |name: &str| -> Result<Option<u32>, String> {
        parse(name)?
            .map(|t| {
                u32::try_from(t)
                    .ok()
                    .filter(|t| (1..=crate::scenario::limits::MAX_TURNS).contains(t))
                    .ok_or_else(|| {
                        format!(
                            "{name}={t}: give 1 to {} turns",
                            crate::scenario::limits::MAX_TURNS
                        )
                    })
            })
            .transpose()
    };
    let autoplay = turn_count("autoplay")?;
    if let Some(code) = params.get("code") {
        let join = crate::ui::ClassJoin {
            server: None,
            code,
            name: params.get("name"),
        };
        return crate::ui::launch::class(join, params.get("hand"), autoplay, None, None);
    }
    let turns = turn_count("turns")?;
    let scenario = params.get("scenario");
    if scenario.is_none() && players.is_empty() && autoplay.is_none() {
        return Ok(crate::ui::Launch::default());
    }
    crate::ui::launch::from_options(crate::ui::launch::Options {
        scenario,
        players,
        seed: parse("seed")?,
        noise,
        autoplay,
        turns,
        ..Default::default()
    })
}

/// The browser's `main`: fetches the served content, reads the URL, and starts
/// the same game as the desktop in the page's canvas.
pub fn start() {
    wasm_bindgen_futures::spawn_local(async {
        fetch_served_content().await;
        restore_opened();
        let launch = launch_from_query().unwrap_or_else(|e| {
            bevy::log::error!("{e}");
            if let Some(d) = web_sys::window().and_then(|w| w.document()) {
                d.set_title(&format!("failed: {e}"));
            }
            crate::ui::Launch::default()
        });
        crate::ui::run(launch);
    });
}

/// The server the page came from (`http://host:port`): a class is joined there.
pub fn page_origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}

/// Files the player opened with the file picker this run, not yet taken by the UI.
static PICKED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// When the picker was last opened (ms): one click opens one picker. egui can run
/// a frame's pass twice, and a second picker left pending blocks every later one.
static LAST_OPENED: Mutex<f64> = Mutex::new(f64::NEG_INFINITY);

/// Where picked files are kept between visits: under the same storage as saves,
/// so a save of a game on a picked scenario can be continued after a reload.
fn picked_dir(folder: &str) -> PathBuf {
    home().join("opened").join(folder)
}

/// Whether this build can open the player's own files: in the browser, yes.
pub fn can_open_files() -> bool {
    true
}

/// Opens the browser's file picker for a `.ron` file to go into `folder`
/// (`scenarios` or `strategies`). The file is read as text, offered beside the
/// served ones (a broken one shows its diagnostics like any other), kept in
/// storage, and announced by [`take_opened`].
pub fn open_file(folder: &'static str) {
    let now = js_sys::Date::now();
    {
        let mut last = LAST_OPENED.lock().unwrap_or_else(|e| e.into_inner());
        if now - *last < 1000.0 {
            return;
        }
        *last = now;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(input) = document
        .create_element("input")
        .map_err(|_| ())
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().map_err(|_| ()))
    else {
        return;
    };
    input.set_type("file");
    input.set_accept(".ron");
    let chosen = input.clone();
    let on_change = wasm_bindgen::closure::Closure::once_into_js(move || {
        let Some(file) = chosen.files().and_then(|f| f.get(0)) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            match (crate::platform::scenario_file_name(&name), text) {
                (Ok(plain), Some(text)) if plain == name => {
                    let path = Path::new(folder).join(&name);
                    if text.len() > crate::ronfile::MAX_FILE_BYTES {
                        bevy::log::warn!("{name}: larger than a content file may be");
                        return;
                    }
                    if let Err(e) = write(&picked_dir(folder).join(&name), text.as_bytes()) {
                        bevy::log::warn!("{name} is open but not kept: {e}");
                    }
                    served().insert(path.clone(), text.into_bytes());
                    PICKED.lock().unwrap_or_else(|e| e.into_inner()).push(path);
                }
                _ => bevy::log::warn!("{name}: open a .ron file with a plain name"),
            }
        });
    });
    input.set_onchange(Some(on_change.unchecked_ref()));
    input.click();
}

/// The files opened since the last call (`scenarios/x.ron`, `strategies/y.ron`).
pub fn take_opened() -> Vec<PathBuf> {
    std::mem::take(&mut *PICKED.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Whether `scenarios/NAME` is one the player opened (not served): the game loads
/// it from memory, since the server has no such file.
pub fn opened_scenario(name: &str) -> Option<Vec<u8>> {
    let path = picked_dir("scenarios").join(name);
    exists(&path)
        .then(|| read(&path, crate::ronfile::MAX_FILE_BYTES).ok())
        .flatten()
}

/// Files opened on an earlier visit, offered again beside the served ones.
fn restore_opened() {
    for folder in ["scenarios", "strategies"] {
        for stored in list(&picked_dir(folder)) {
            let Some(name) = stored.file_name() else {
                continue;
            };
            if let Ok(bytes) = read(&stored, crate::ronfile::MAX_FILE_BYTES) {
                served().insert(Path::new(folder).join(name), bytes);
            }
        }
    }
}
