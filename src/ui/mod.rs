//! The desktop game: bevy_egui screens over the same turn engine as every other
//! mode. The UI writes orders and reads state; it never decides an outcome.
//! One file per screen; `session` holds the game in progress and saves.

pub mod autoplay;
mod charts;
pub mod class;
mod debrief;
mod dilemma;
mod game;
pub mod launch;
mod map;
mod menu;
mod reload;
pub mod session;
pub mod settings;
mod setup;
mod shown;
mod widgets;

use bevy::prelude::*;
use bevy::winit::WinitSettings;
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass};
use session::{Seat, Session, Setup};

/// The scenario file the game opens with when none is named: the flagship.
pub const FLAGSHIP: &str = "syria_2015.ron";

/// Which screen is up.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Menu,
    Setup,
    Game,
}

/// What `common-enemy play` asked for.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// Go straight into a game of this scenario (a file in `scenarios/`).
    pub scenario: Option<String>,
    pub seats: Option<[Seat; 2]>,
    pub seed: Option<u64>,
    pub noise: Option<f64>,
    pub turns: Option<u32>,
    pub autoplay: Option<autoplay::Autoplay>,
    /// Resume this save (`--continue`, `--load`); a save the game refuses
    /// ends the program with exit code 1.
    pub resume: Option<session::SaveFile>,
    /// The window's size in pixels.
    pub window: Option<(u32, u32)>,
    /// Quick turns, where the scenario and seats allow them.
    pub quick: bool,
    /// Join a class: straight to a seat with a nickname, else the join page filled in.
    pub class: Option<ClassJoin>,
}

/// A class to join from the command line or the page's URL.
#[derive(Debug, Clone, Default)]
pub struct ClassJoin {
    /// The class server; the browser's is the page's own.
    pub server: Option<String>,
    pub code: String,
    pub name: Option<String>,
}

/// Runs the game window until the player quits.
pub fn run(launch: Launch) -> AppExit {
    let mut app = App::new();
    // The scenarios:// source must exist before AssetPlugin is built.
    crate::scenario::register_source(&mut app);
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Common Enemy — the US, Russia and ISIS, 2015".into(),
                    resolution: launch.window.unwrap_or((1280, 720)).into(),
                    // In the browser: the page's canvas, filling the window as it resizes.
                    canvas: Some("#bevy".into()),
                    fit_canvas_to_parent: true,
                    ..default()
                }),
                ..default()
            })
            .set(AssetPlugin {
                file_path: "assets".into(),
                // Content ships without `.meta` files; over HTTP asking for each
                // would be a failed request per file.
                meta_check: bevy::asset::AssetMetaCheck::Never,
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    // A turn-based game redraws only on input: near-zero CPU when idle.
    .insert_resource(WinitSettings::desktop_app())
    .insert_resource(ClearColor(Color::srgb(0.08, 0.09, 0.11)))
    .insert_resource(settings::Settings::load())
    .init_state::<Screen>()
    .add_plugins((crate::sim::plugin, crate::scenario::plugin))
    .add_plugins((
        menu::plugin,
        setup::plugin,
        game::plugin,
        reload::plugin,
        autoplay::plugin,
        dilemma::plugin,
        debrief::plugin,
        class::plugin,
    ))
    .add_systems(
        PreUpdate,
        drop_unchanged_modifiers
            .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
            .before(bevy_egui::EguiPreUpdateSet::BeginPass),
    )
    .add_systems(Startup, spawn_camera)
    .add_systems(Update, set_icon)
    .add_systems(Update, run_turns.run_if(in_state(Screen::Game)))
    .add_systems(
        EguiPrimaryContextPass,
        apply_ui_scale.before(menu::MenuSystems),
    );
    let straight_in = launch.scenario.is_some()
        || launch.autoplay.is_some()
        || launch.resume.is_some()
        || launch.class.is_some();
    if let Some(cfg) = launch.autoplay.clone() {
        autoplay::install(&mut app, cfg);
    }
    app.insert_resource(LaunchRequest(launch));
    if straight_in {
        app.add_systems(Startup, start_from_launch);
        app.add_systems(Update, exit_if_refused.run_if(in_state(Screen::Game)));
    }
    app.run()
}

/// The command line's wishes, for the systems that act on them.
#[derive(Resource)]
pub struct LaunchRequest(pub Launch);

/// bevy_egui 0.42 reports the modifier keys as an event every frame, and egui
/// repaints on any event, so a reactive window would redraw forever (measured:
/// 160% CPU on an idle menu). Only real changes of the modifiers are kept.
fn drop_unchanged_modifiers(
    mut inputs: Query<&mut bevy_egui::EguiInput>,
    mut last: Local<Option<bevy_egui::egui::Modifiers>>,
) {
    for mut input in inputs.iter_mut() {
        input.0.events.retain(|e| match e {
            bevy_egui::egui::Event::ModifiersChanged(m) => {
                let changed = *last != Some(*m);
                *last = Some(*m);
                changed
            }
            _ => true,
        });
    }
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((Name::new("UI camera"), Camera2d));
}

/// The window icon: two overlapping discs, blue and red, drawn here so the game
/// needs no image decoder. Winit creates the window after startup, so this tries
/// each frame until it is there (on the main thread, where winit wants it).
fn set_icon(_: bevy::ecs::system::NonSendMarker, mut done: Local<bool>) {
    if *done {
        return;
    }
    const SIZE: u32 = 64;
    let mut rgba = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let (fx, fy) = (x as f32, y as f32);
            let blue = (fx - 24.0).powi(2) + (fy - 32.0).powi(2) < 400.0;
            let red = (fx - 40.0).powi(2) + (fy - 32.0).powi(2) < 400.0;
            let px = match (blue, red) {
                (true, true) => [235, 235, 235, 255],
                (true, false) => [40, 90, 200, 255],
                (false, true) => [200, 50, 50, 255],
                _ => [0, 0, 0, 0],
            };
            rgba.extend_from_slice(&px);
        }
    }
    let Ok(icon) = winit::window::Icon::from_rgba(rgba, SIZE, SIZE) else {
        return;
    };
    bevy::winit::WINIT_WINDOWS.with_borrow(|windows| {
        for window in windows.windows.values() {
            window.set_window_icon(Some(icon.clone()));
            *done = true;
        }
    });
}

/// Advances the match by one step each frame; it waits by itself for orders and
/// for the player to go on.
fn run_turns(world: &mut World) {
    world.run_schedule(crate::sim::TurnSchedule);
}

/// The UI scale for the window's size (or the player's choice), and the text
/// sizes: nothing smaller than 12 px at 100%.
fn apply_ui_scale(
    mut contexts: EguiContexts,
    settings: Res<settings::Settings>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    mut styled: Local<bool>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if !*styled {
        widgets::apply_text_sizes(ctx);
        *styled = true;
    }
    let Ok(window) = windows.single() else {
        return Ok(());
    };
    let zoom = settings.zoom(window.width(), window.height());
    if (ctx.zoom_factor() - zoom).abs() > f32::EPSILON {
        ctx.set_zoom_factor(zoom);
    }
    Ok(())
}

/// Starts a new game of `setup` and goes to the game screen.
pub fn start_game(
    commands: &mut Commands,
    assets: &AssetServer,
    next: &mut NextState<Screen>,
    setup: Setup,
) {
    let handle = scenario_handle(assets, &setup.scenario);
    commands.insert_resource(Session::new(setup, handle));
    next.set(Screen::Game);
}

/// The scenario a game plays, by file name: from `scenarios/` through the asset
/// server, or, for a file the player opened in the browser, parsed from memory
/// (the server has no such file). A broken one gives a handle that never loads,
/// and the session says why.
fn scenario_handle(assets: &AssetServer, name: &str) -> Handle<crate::scenario::LoadedScenario> {
    match crate::platform::opened_scenario(name) {
        Some(bytes) => match crate::scenario::parse_and_validate(name, &bytes) {
            Ok(loaded) => assets.add(loaded),
            Err(ds) => {
                for d in ds {
                    error!("{d}");
                }
                Handle::default()
            }
        },
        None => assets.load(format!("scenarios://{name}")),
    }
}

/// Resumes a save: the scenario loads, then the record replays.
pub fn resume_game(
    commands: &mut Commands,
    assets: &AssetServer,
    next: &mut NextState<Screen>,
    save: session::SaveFile,
) {
    let handle = scenario_handle(assets, &save.setup.scenario);
    let mut session = Session::new(save.setup.clone(), handle);
    session.resume = Some(save);
    commands.insert_resource(session);
    next.set(Screen::Game);
}

fn start_from_launch(
    mut commands: Commands,
    assets: Res<AssetServer>,
    mut next: ResMut<NextState<Screen>>,
    launch: Res<LaunchRequest>,
) {
    let l = &launch.0;
    if let Some(join) = l.class.clone() {
        let server = join.server.unwrap_or_else(class::default_server);
        let unattended = l.autoplay.is_some();
        match join.name {
            Some(name) => commands.queue(move |world: &mut World| {
                let ask = class::Ask::Join {
                    code: join.code,
                    name,
                };
                class::connect(world, server, ask, unattended);
            }),
            None => commands.queue(move |world: &mut World| {
                let mut menu = world.resource_mut::<menu::MenuState>();
                menu.join.server = server;
                menu.join.code = join.code;
                menu::open_page(&mut menu, menu::Page::JoinClass);
            }),
        }
        return;
    }
    if let Some(save) = &l.resume {
        resume_game(&mut commands, &assets, &mut next, save.clone());
        return;
    }
    // Autoplay seats a "human" hand at both sides: it fills the orders screens
    // itself, as a person would, and the record names the strategies it used.
    let (seats, autoplayed_by) = match &l.autoplay {
        Some(a) => ([Seat::Human, Seat::Human], Some(a.hands.clone())),
        None => (
            l.seats
                .clone()
                .unwrap_or([Seat::Human, Seat::Ai("ai_normal".into())]),
            None,
        ),
    };
    let setup = Setup {
        scenario: l.scenario.clone().unwrap_or_else(|| FLAGSHIP.into()),
        seats,
        seed: l.seed.unwrap_or(1),
        noise: l.noise,
        turns: l.turns,
        autoplayed_by,
        quick: l.quick,
        continuation: None,
    };
    start_game(&mut commands, &assets, &mut next, setup);
}

/// A save named on the command line that the game refuses ends the program
/// with its message and exit code 1; the file is left as it was.
fn exit_if_refused(session: Option<Res<Session>>, mut exit: MessageWriter<AppExit>) {
    if let Some(why) = session.as_ref().and_then(|s| s.refused.as_ref()) {
        error!("{why}");
        exit.write(AppExit::error());
    }
}
