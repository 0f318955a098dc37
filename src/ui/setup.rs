//! New game: pick a scenario (title, summary, players, length, source) and set up
//! each side — human or AI with any strategy — the seed and the noise.

use super::session::{Seat, Setup};
use super::settings::Settings;
use super::widgets;
use super::{Screen, start_game};
use crate::scenario::LoadedScenario;
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

pub fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Setup), scan_scenarios)
        .add_systems(Update, take_opened_files.run_if(in_state(Screen::Setup)))
        .add_systems(
            EguiPrimaryContextPass,
            setup_screen
                .run_if(in_state(Screen::Setup))
                .after(super::menu::MenuSystems),
        );
}

/// The scenarios on disk, each valid one with its data, each broken one with its first error.
#[derive(Resource, Default)]
pub struct Catalog {
    pub entries: Vec<(String, Result<LoadedScenario, String>)>,
    pub chosen: usize,
    pub seats: [SeatChoice; 2],
    pub seed: u64,
    pub noise: Option<f64>,
    /// Every AI a side can have, read once when the screen opens.
    pub strategies: Vec<String>,
    /// The game's length, when not the scenario's.
    pub turns: Option<u32>,
    /// Quick turns, for one-decision games against the AI.
    pub quick: bool,
    /// An unknown end: the chance, after each turn, that the game goes on.
    pub continuation: Option<f64>,
    /// A file picker is open (the browser's): since when, in seconds.
    pub opening: Option<f64>,
}

/// How long the screen keeps looking for a file from an open picker (which may
/// have been closed without a choice, unseen by the page).
const PICKER_PATIENCE: f64 = 120.0;

/// Files the player opened (the browser's picker) join the lists: a scenario is
/// chosen at once, valid or not (a broken one shows its diagnostics).
fn take_opened_files(
    catalog: Option<ResMut<Catalog>>,
    time: Res<Time<Real>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let Some(mut catalog) = catalog else { return };
    let opened = crate::platform::take_opened();
    if opened.is_empty() {
        // The picker answers outside any input event: look again next frame.
        if let Some(since) = catalog.opening {
            if time.elapsed_secs_f64() - since < PICKER_PATIENCE {
                redraw.write(bevy::window::RequestRedraw);
            } else {
                catalog.opening = None;
            }
        }
        return;
    }
    catalog.opening = None;
    catalog.entries = catalog_entries();
    catalog.strategies = strategy_choices();
    let scenario = opened
        .iter()
        .rev()
        .find(|p| p.starts_with("scenarios"))
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    if let Some(i) = scenario.and_then(|n| catalog.entries.iter().position(|(e, _)| *e == n)) {
        catalog.chosen = i;
        catalog.turns = None;
    }
    redraw.write(bevy::window::RequestRedraw);
}

/// A side's controller as the form edits it.
#[derive(Default, Clone, PartialEq)]
pub struct SeatChoice {
    pub human: bool,
    pub strategy: String,
}

/// Every choice of AI opponent: the scenario-aware AI first, then the classics and RON files.
pub fn strategy_choices() -> Vec<String> {
    let mut out: Vec<String> = crate::strategy::ai_ids()
        .into_iter()
        .map(String::from)
        .collect();
    out.extend(crate::strategy::builtin_ids().into_iter().map(String::from));
    out.extend(crate::platform::strategy_files());
    out
}

/// Every scenario on offer, the flagship first.
fn catalog_entries() -> Vec<(String, Result<LoadedScenario, String>)> {
    let mut entries = crate::platform::scenarios();
    entries.sort_by_key(|(n, _)| (n != super::FLAGSHIP, n.clone()));
    entries
}

fn scan_scenarios(mut commands: Commands, settings: Res<Settings>) {
    commands.insert_resource(Catalog {
        entries: catalog_entries(),
        chosen: 0,
        seats: [
            SeatChoice {
                human: true,
                strategy: "ai_normal".into(),
            },
            SeatChoice {
                human: false,
                strategy: "ai_normal".into(),
            },
        ],
        seed: 1,
        noise: settings.default_noise,
        strategies: strategy_choices(),
        turns: None,
        quick: true,
        continuation: None,
        opening: None,
    });
}

fn setup_screen(
    mut contexts: EguiContexts,
    catalog: Option<ResMut<Catalog>>,
    mut next: ResMut<NextState<Screen>>,
    mut commands: Commands,
    assets: Res<AssetServer>,
    time: Res<Time<Real>>,
) -> Result {
    let Some(mut catalog) = catalog else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = widgets::root(ctx);
    let mut start = false;
    let mut back = false;
    let mut opening = false;
    let strategies = catalog.strategies.clone();
    egui::Panel::left("scenarios")
        .default_size(300.0)
        .show(&mut root, |ui| {
            widgets::heading(ui, "Scenarios");
            ui.add_space(6.0);
            let title = |l: &Result<LoadedScenario, String>| {
                l.as_ref().ok().map(|s| s.scenario.title.clone())
            };
            let titles: Vec<Option<String>> =
                catalog.entries.iter().map(|(_, l)| title(l)).collect();
            for i in 0..catalog.entries.len() {
                let (name, loaded) = &catalog.entries[i];
                // A modder's copy keeps its original's title: the file tells them apart.
                let shared = titles
                    .iter()
                    .filter(|t| t.is_some() && **t == titles[i])
                    .count()
                    > 1;
                let label = match loaded {
                    Ok(s) if shared => format!("{} ({name})", s.scenario.title),
                    Ok(s) => s.scenario.title.clone(),
                    Err(_) => format!("{name} (invalid)"),
                };
                if ui
                    .selectable_label(catalog.chosen == i, RichText::new(label).size(16.0))
                    .clicked()
                {
                    catalog.chosen = i;
                    catalog.turns = None;
                }
            }
            if crate::platform::can_open_files() {
                ui.add_space(12.0);
                for (label, hover, folder) in [
                    (
                        "Open a scenario file...",
                        "Play a .ron scenario from this computer",
                        "scenarios",
                    ),
                    (
                        "Open a strategy file...",
                        "Add a .ron strategy from this computer to the AI choices",
                        "strategies",
                    ),
                ] {
                    if ui.button(label).on_hover_text(hover).clicked() {
                        crate::platform::open_file(folder);
                        opening = true;
                    }
                }
            }
            ui.add_space(12.0);
            if ui.button("Back").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                back = true;
            }
        });
    egui::CentralPanel::default().show(&mut root, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            let Some((name, loaded)) = catalog.entries.get(catalog.chosen) else {
                ui.label("No scenarios found in scenarios/.");
                return;
            };
            let loaded = match loaded {
                Ok(s) => s.clone(),
                Err(e) => {
                    ui.colored_label(widgets::DEFECT, format!("{name} cannot be played:\n{e}"));
                    return;
                }
            };
            let sc = &loaded.scenario;
            widgets::heading(ui, &sc.title);
            ui.label(RichText::new(&sc.summary).size(15.0));
            ui.add_space(6.0);
            if sc.calendar.rounds {
                ui.label(format!("{} rounds", sc.turns));
            } else {
                ui.label(format!("{} turns, from {} to {}", sc.turns, loaded.date(1), loaded.date(sc.turns)));
            }
            let source = [Some(sc.source.title.as_str()), sc.source.author.as_deref(), sc.source.published.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
            ui.label(RichText::new(format!("Source: {source}")).color(widgets::QUOTE));
            ui.separator();
            for (p, player) in sc.players.iter().enumerate() {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(&player.name).size(18.0).strong().color(widgets::side_color(p)));
                    let seat = &mut catalog.seats[p];
                    ui.radio_value(&mut seat.human, true, "Human");
                    ui.radio_value(&mut seat.human, false, "AI");
                    if !seat.human {
                        egui::ComboBox::from_id_salt(("strategy", p)).selected_text(seat.strategy.clone()).width(240.0).show_ui(ui, |ui| {
                            for s in &strategies {
                                ui.selectable_value(&mut seat.strategy, s.clone(), s);
                            }
                        });
                    }
                });
                ui.label(RichText::new(&player.briefing).small());
            }
            if catalog.seats.iter().all(|s| s.human) {
                ui.label(RichText::new("Hot-seat: both sides human. A hand-over screen hides each side's orders from the other.").italics());
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.label("Seed");
                ui.add(egui::DragValue::new(&mut catalog.seed));
                ui.label("   Perception noise");
                let mut noise = catalog.noise.unwrap_or(sc.noise.probability);
                if ui.add(egui::Slider::new(&mut noise, 0.0..=0.3).step_by(0.01)).changed() {
                    catalog.noise = Some(noise);
                }
            });
            ui.label(RichText::new("Noise is the chance that a move is reported wrongly to the other side.").small());
            ui.horizontal_wrapped(|ui| {
                ui.label("Turns");
                let mut turns = catalog.turns.unwrap_or(sc.turns);
                let max = crate::scenario::limits::MAX_TURNS;
                if ui.add(egui::DragValue::new(&mut turns).range(1..=max)).changed() {
                    catalog.turns = (turns != sc.turns).then_some(turns);
                }
                if catalog.turns.is_some() && ui.button(format!("Back to {}", sc.turns)).clicked() {
                    catalog.turns = None;
                }
            });
            ui.horizontal_wrapped(|ui| {
                let mut unknown = catalog.continuation.is_some();
                ui.checkbox(&mut unknown, "Unknown end");
                if unknown {
                    let mut percent = catalog.continuation.unwrap_or(0.95) * 100.0;
                    ui.label("after each turn the game goes on with probability");
                    ui.add(egui::DragValue::new(&mut percent).range(50.0..=99.9).speed(0.5).suffix("%"));
                    catalog.continuation = Some(percent / 100.0);
                    ui.label(format!(
                        "(about {:.0} turns on average; at most {})",
                        1.0 / (1.0 - percent / 100.0),
                        catalog.turns.unwrap_or(sc.turns)
                    ));
                } else {
                    catalog.continuation = None;
                }
            });
            ui.label(RichText::new("With an unknown end nobody can plan a last-turn defection: the shadow of the future in repeated play.").small());
            let humans: Vec<usize> = (0..2).filter(|&p| catalog.seats[p].human).collect();
            if let [p] = humans[..]
                && super::session::quick_eligible(&loaded, p)
            {
                ui.checkbox(&mut catalog.quick, "Quick turns: choose with one key; last turn's result shows above the choice");
            }
            ui.add_space(14.0);
            start = widgets::primary(ui, "Start");
        });
    });
    if back {
        next.set(Screen::Menu);
    }
    if opening {
        catalog.opening = Some(time.elapsed_secs_f64());
    }
    if start && let Some((name, Ok(_))) = catalog.entries.get(catalog.chosen) {
        let seats = catalog.seats.clone().map(|s| {
            if s.human {
                Seat::Human
            } else {
                Seat::Ai(s.strategy)
            }
        });
        let setup = Setup {
            scenario: name.clone(),
            seats,
            seed: catalog.seed,
            noise: catalog.noise,
            turns: catalog.turns,
            autoplayed_by: None,
            quick: catalog.quick,
            continuation: catalog.continuation,
        };
        start_game(&mut commands, &assets, &mut next, setup);
    }
    Ok(())
}
