//! The main menu (New game, Continue, Join a class, Load, Settings, Quit) and the
//! pause menu that Esc opens during a game (Save, Load, Settings, Main menu, Quit).

use super::session::{self, Session};
use super::settings::Settings;
use super::widgets;
use super::{Screen, resume_game};
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

/// The menu systems, ordered after the UI scale is applied.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct MenuSystems;

/// Which part of a menu is open.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct MenuState {
    pub page: Page,
    /// The pause menu is open over the game.
    pub paused: bool,
    pub message: Option<String>,
    /// Name typed for a new save.
    pub save_name: String,
    /// The saves the Load page lists, read when it opens (not every frame).
    pub saves: Vec<session::SaveInfo>,
    /// What the player typed on the "Join a class" page.
    pub join: JoinForm,
}

/// The "Join a class" page's fields.
#[derive(Default, Debug, Clone, PartialEq)]
pub struct JoinForm {
    pub server: String,
    pub code: String,
    pub name: String,
    /// A seat held from before, offered for rejoining (read when the page opens).
    pub held: Option<super::class::StoredSeat>,
}

#[derive(Default, Debug, Clone, PartialEq)]
pub enum Page {
    #[default]
    Main,
    Load,
    Settings,
    Save,
    JoinClass,
    /// Leaving a game whose orders for this turn are not sent yet: ask first.
    ConfirmLeave(Leave),
}

/// Where a player leaving a game goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leave {
    MainMenu,
    Quit,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<MenuState>()
        .add_message::<SaveRequest>()
        .add_systems(
            EguiPrimaryContextPass,
            (
                main_menu.run_if(in_state(Screen::Menu)),
                pause_menu.run_if(in_state(Screen::Game)),
            )
                .in_set(MenuSystems),
        )
        .add_systems(Update, toggle_pause.run_if(in_state(Screen::Game)));
}

fn toggle_pause(keys: Res<ButtonInput<KeyCode>>, mut menu: ResMut<MenuState>) {
    if keys.just_pressed(KeyCode::Escape) {
        menu.paused = !menu.paused;
        menu.page = Page::Main;
    }
}

/// What a menu asks for.
enum Intent {
    NewGame,
    /// Connect to a class server (the address) and ask for a seat.
    Class(String, super::class::Ask),
    Resume(std::path::PathBuf),
    Page(Page),
    Save(String),
    MainMenu,
    Close,
    Quit,
}

fn main_menu(
    mut contexts: EguiContexts,
    mut menu: ResMut<MenuState>,
    mut settings: ResMut<Settings>,
    mut next: ResMut<NextState<Screen>>,
    mut commands: Commands,
    assets: Res<AssetServer>,
    mut exit: MessageWriter<AppExit>,
    link: Option<Res<super::class::ClassLink>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = widgets::root(ctx);
    let mut intent = None;
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(50.0);
            ui.label(RichText::new("COMMON ENEMY").size(44.0).strong());
            ui.label(
                RichText::new("The United States, Russia and ISIS — Syria, autumn 2015").size(18.0),
            );
            widgets::quote(ui, "Should The U.S. And Russia Be Allies Against ISIS?");
            ui.add_space(30.0);
            intent = match menu.page {
                Page::Main => main_page(ui),
                Page::Load => load_page(ui, &menu.saves),
                Page::Settings => settings_page(ui, &mut settings),
                Page::JoinClass => join_page(ui, &mut menu.join, link.as_deref()),
                Page::Save | Page::ConfirmLeave(_) => None,
            };
            if let Some(m) = &menu.message {
                ui.add_space(12.0);
                ui.colored_label(widgets::DEFECT, m);
            }
        });
    });
    match intent {
        Some(Intent::NewGame) => next.set(Screen::Setup),
        Some(Intent::Resume(path)) => match session::read_save(&path) {
            Ok(save) => {
                menu.message = None;
                resume_game(&mut commands, &assets, &mut next, save);
            }
            Err(e) => menu.message = Some(e),
        },
        Some(Intent::Page(p)) => {
            // Leaving the join page ends a link still waiting for its seat.
            if menu.page == Page::JoinClass {
                commands.queue(super::class::disconnect);
            }
            open_page(&mut menu, p)
        }
        Some(Intent::Class(server, ask)) => {
            // The join page shows how the link goes (seated, refused, ...).
            if menu.page != Page::JoinClass {
                open_page(&mut menu, Page::JoinClass);
            }
            commands.queue(move |world: &mut World| {
                super::class::disconnect(world);
                super::class::connect(world, server, ask, false);
            });
        }
        Some(Intent::Quit) => {
            exit.write(AppExit::Success);
        }
        _ => {}
    }
    Ok(())
}

pub fn open_page(menu: &mut MenuState, page: Page) {
    if page == Page::Load {
        menu.saves = session::list_saves();
    }
    if page == Page::JoinClass {
        menu.join.held = super::class::StoredSeat::load();
        if menu.join.server.is_empty() {
            menu.join.server = super::class::default_server();
        }
    }
    menu.message = None;
    menu.page = page;
}

fn big(ui: &mut egui::Ui, text: &str, enabled: bool) -> bool {
    ui.add_enabled(
        enabled,
        egui::Button::new(RichText::new(text).size(20.0)).min_size(egui::vec2(260.0, 40.0)),
    )
    .clicked()
}

fn main_page(ui: &mut egui::Ui) -> Option<Intent> {
    let autosave = session::autosave_path();
    let can_continue = crate::platform::exists(&autosave);
    // A seat held in a class (a closed tab, a quit game) is one click away.
    if let Some(held) = super::class::StoredSeat::load() {
        let label = format!("Back to class {} as {}", held.code, held.name);
        if big(ui, &label, true) {
            return Some(Intent::Class(
                held.server.clone(),
                super::class::Ask::Rejoin(held),
            ));
        }
    }
    big_buttons(
        ui,
        vec![
            ("New game", true, Intent::NewGame),
            ("Continue", can_continue, Intent::Resume(autosave)),
            ("Join a class", true, Intent::Page(Page::JoinClass)),
            ("Load", true, Intent::Page(Page::Load)),
            ("Settings", true, Intent::Page(Page::Settings)),
            ("Quit", true, Intent::Quit),
        ],
    )
}

/// A column of big buttons, each with the intent it stands for: the one clicked.
fn big_buttons(ui: &mut egui::Ui, buttons: Vec<(&str, bool, Intent)>) -> Option<Intent> {
    let mut clicked = None;
    for (text, enabled, intent) in buttons {
        if big(ui, text, enabled) {
            clicked = Some(intent);
        }
    }
    clicked
}

fn load_page(ui: &mut egui::Ui, saves: &[session::SaveInfo]) -> Option<Intent> {
    let mut intent = None;
    if saves.is_empty() {
        ui.label("No saved games yet.");
    }
    // One width for every row, its text from the left edge and wrapping: rows
    // as wide as their text made a ragged list.
    let width = ui.available_width().min(640.0);
    egui::ScrollArea::vertical()
        .max_height((ui.available_height() - 70.0).max(200.0))
        .show(ui, |ui| {
            ui.set_max_width(width);
            for save in saves {
                let text = RichText::new(format!("{}\n{}", save.name, save.details)).size(15.0);
                let button = egui::Button::new((text, egui::Atom::grow()))
                    .wrap()
                    .min_size(egui::vec2(width, 0.0));
                if ui.add(button).clicked() {
                    intent = Some(Intent::Resume(save.path.clone()));
                }
            }
        });
    ui.add_space(10.0);
    if big(ui, "Back", true) {
        intent = Some(Intent::Page(Page::Main));
    }
    intent
}

/// "Join a class": the server (the page's own in the browser), the class code and
/// a nickname; or back to a seat held from before. Below, where the link stands.
fn join_page(
    ui: &mut egui::Ui,
    form: &mut JoinForm,
    link: Option<&super::class::ClassLink>,
) -> Option<Intent> {
    use super::class::{Ask, Stage};
    let mut intent = None;
    ui.label(RichText::new("Join a class").size(22.0).strong());
    ui.label("Your teacher shows the class code. You play one side; a classmate plays the other.");
    ui.add_space(10.0);
    let busy = link.is_some_and(|l| !matches!(l.stage, Stage::Closed(_)));
    let fixed = crate::platform::page_origin().is_some();
    // A block as wide as its fields, centred like the buttons below it.
    let block = egui::vec2(380.0_f32.min(ui.available_width()), 0.0);
    ui.allocate_ui_with_layout(block, egui::Layout::top_down(egui::Align::Min), |ui| {
        egui::Grid::new("join-form")
            .num_columns(2)
            .spacing([12.0, 10.0])
            .show(ui, |ui| {
                ui.label("Server");
                if fixed {
                    ui.label(&form.server);
                } else {
                    ui.add(
                        egui::TextEdit::singleline(&mut form.server)
                            .hint_text("http://192.168.1.10:8080")
                            .desired_width(260.0),
                    );
                }
                ui.end_row();
                ui.label("Class code");
                let code = ui.add(
                    egui::TextEdit::singleline(&mut form.code)
                        .hint_text("ABC123")
                        .char_limit(12)
                        .desired_width(260.0),
                );
                if form.code.is_empty()
                    && !busy
                    && !code.has_focus()
                    && ui.memory(|m| m.focused().is_none())
                {
                    code.request_focus();
                }
                ui.end_row();
                ui.label("Nickname");
                ui.add(
                    egui::TextEdit::singleline(&mut form.name)
                        .hint_text("first name, or a made-up one")
                        .char_limit(crate::class::protocol::MAX_NAME)
                        .desired_width(260.0),
                );
                ui.end_row();
            });
    });
    form.code = form.code.trim().to_uppercase();
    let name = crate::class::protocol::clean_name(&form.name);
    let ready = !busy && !form.code.is_empty() && name.is_ok();
    ui.add_space(10.0);
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    if big(ui, "Join", ready) || (ready && enter) {
        intent = Some(Intent::Class(
            form.server.trim().to_string(),
            Ask::Join {
                code: form.code.clone(),
                name: name.clone().unwrap_or_default(),
            },
        ));
    }
    if let Some(held) = form.held.clone() {
        let label = format!("Rejoin as {} (class {})", held.name, held.code);
        if big(ui, &label, !busy) {
            intent = Some(Intent::Class(held.server.clone(), Ask::Rejoin(held)));
        }
    }
    if let Some(link) = link {
        ui.add_space(8.0);
        let color = match link.stage {
            Stage::Closed(_) => widgets::DEFECT,
            _ => widgets::QUOTE,
        };
        ui.colored_label(color, link.describe());
    } else if let (Err(why), false) = (&name, form.name.is_empty()) {
        ui.label(RichText::new(why).weak());
    }
    ui.add_space(10.0);
    if big(ui, "Back", true) {
        intent = Some(Intent::Page(Page::Main));
    }
    intent
}

fn settings_page(ui: &mut egui::Ui, settings: &mut Settings) -> Option<Intent> {
    let mut scale = settings.scale;
    // What fitting the window gives now: the window's size in pixels is its
    // size in points at the current zoom.
    let pixels = ui.ctx().content_rect().size() * ui.ctx().zoom_factor();
    let fitted = super::settings::fitting_scale(pixels.x, pixels.y);
    ui.label(RichText::new("UI scale").size(18.0).strong());
    let choices: Vec<(Option<u16>, String)> =
        std::iter::once((None, format!("Fit the window ({fitted}%)")))
            .chain(super::settings::SCALE_STEPS.map(|s| (Some(s), format!("{s}%"))))
            .collect();
    // A centred block of equal buttons, wrapping where the window is narrow.
    let button = egui::vec2(84.0, 34.0);
    let spacing = ui.spacing().item_spacing.x;
    let width = (choices.len() as f32 * (button.x + spacing) + 100.0).min(ui.available_width());
    ui.allocate_ui_with_layout(
        egui::vec2(width, 0.0),
        egui::Layout::left_to_right(egui::Align::Center).with_main_wrap(true),
        |ui| {
            for (value, label) in choices {
                let size = if value.is_none() {
                    egui::vec2(button.x + 100.0, button.y)
                } else {
                    button
                };
                let b = egui::Button::selectable(scale == value, RichText::new(label).size(16.0))
                    .min_size(size);
                if ui.add(b).clicked() {
                    scale = value;
                }
            }
        },
    );
    ui.label(
        RichText::new("Larger text for big screens and classrooms; applied and saved at once.")
            .small(),
    );
    if scale != settings.scale {
        settings.scale = scale;
        settings.save();
    }
    ui.add_space(10.0);
    big(ui, "Back", true).then_some(Intent::Page(Page::Main))
}

fn pause_menu(
    mut contexts: EguiContexts,
    mut menu: ResMut<MenuState>,
    mut settings: ResMut<Settings>,
    mut next: ResMut<NextState<Screen>>,
    mut commands: Commands,
    assets: Res<AssetServer>,
    mut exit: MessageWriter<AppExit>,
    mut saves: MessageWriter<SaveRequest>,
    session: Option<Res<Session>>,
) -> Result {
    if !menu.paused {
        return Ok(());
    }
    // Orders drafted but not sent are lost by leaving; a finished game has none.
    let in_class = session.as_ref().is_some_and(|s| s.class.is_some());
    let orders_pending = session.as_ref().is_some_and(|s| {
        matches!(
            s.view,
            session::View::Orders(_) | session::View::Handover(_)
        )
    });
    let ctx = contexts.ctx_mut()?;
    let mut intent = None;
    egui::Window::new("Paused")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.set_min_width(280.0);
            // Centred like the main menu: the window is often wider than its buttons.
            intent = ui
                .vertical_centered(|ui| match menu.page {
                    Page::Main => big_buttons(
                        ui,
                        vec![
                            ("Resume", true, Intent::Close),
                            // The class server keeps a class match; rejoin it there.
                            ("Save", !in_class, Intent::Page(Page::Save)),
                            ("Load", true, Intent::Page(Page::Load)),
                            ("Settings", true, Intent::Page(Page::Settings)),
                            ("Main menu", true, Intent::MainMenu),
                            ("Quit", true, Intent::Quit),
                        ],
                    ),
                    Page::Save => {
                        ui.label("Name this save:");
                        let edit = ui.text_edit_singleline(&mut menu.save_name);
                        edit.request_focus();
                        let name = session::save_name(&menu.save_name);
                        if name != menu.save_name.trim() && !name.is_empty() {
                            ui.label(
                            RichText::new(format!(
                                "Saved as “{name}”: only letters, digits, spaces, - and _ are kept."
                            ))
                            .small(),
                        );
                        }
                        let go = ui
                            .add_enabled(!name.is_empty(), egui::Button::new("Save"))
                            .clicked()
                            || (!name.is_empty() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
                        let back = ui.button("Back").clicked();
                        if go {
                            Some(Intent::Save(name))
                        } else if back {
                            Some(Intent::Page(Page::Main))
                        } else {
                            None
                        }
                    }
                    Page::Load => load_page(ui, &menu.saves),
                    Page::Settings => settings_page(ui, &mut settings),
                    Page::JoinClass => None,
                    Page::ConfirmLeave(leave) => {
                        // The click that opened this page can reach its buttons too
                        // (egui may run a frame's pass twice): they wait a moment.
                        let id = egui::Id::new("confirm-leave-opened");
                        let now = ui.input(|i| i.time);
                        let opened = ui
                            .ctx()
                            .data_mut(|d| *d.get_temp_mut_or_insert_with(id, || now));
                        let armed = now - opened > 0.4;
                        if !armed {
                            ui.ctx()
                                .request_repaint_after(std::time::Duration::from_millis(450));
                        }
                        ui.label(RichText::new("Leave this game?").size(18.0).strong());
                        ui.label(
                            "Your orders for this turn are not sent yet and will be lost. \
                         The game itself is saved as of the last turn played: \
                         Continue picks it up there.",
                        );
                        let mut i = None;
                        if big(ui, "Leave the game", armed) {
                            i = Some(match leave {
                                Leave::MainMenu => Intent::MainMenu,
                                Leave::Quit => Intent::Quit,
                            });
                        }
                        if big(ui, "Stay", armed) {
                            i = Some(Intent::Page(Page::Main));
                        }
                        if i.is_some() {
                            ui.ctx().data_mut(|d| d.remove::<f64>(id));
                        }
                        i
                    }
                })
                .inner;
            if let Some(m) = &menu.message {
                ui.label(m);
            }
        });
    // Leaving with orders drafted asks first (from the pause menu's main page).
    let intent = match intent {
        Some(Intent::MainMenu) if orders_pending && menu.page == Page::Main => {
            Some(Intent::Page(Page::ConfirmLeave(Leave::MainMenu)))
        }
        Some(Intent::Quit) if orders_pending && menu.page == Page::Main => {
            Some(Intent::Page(Page::ConfirmLeave(Leave::Quit)))
        }
        other => other,
    };
    match intent {
        Some(Intent::Close) => menu.paused = false,
        Some(Intent::Page(p)) => open_page(&mut menu, p),
        Some(Intent::Save(name)) => {
            saves.write(SaveRequest(session::saves_path(&name)));
            menu.message = Some(format!("Saved as {name}."));
            menu.page = Page::Main;
        }
        Some(Intent::Resume(path)) => match session::read_save(&path) {
            Ok(save) => {
                *menu = MenuState::default();
                commands.queue(despawn_game);
                resume_game(&mut commands, &assets, &mut next, save);
            }
            Err(e) => menu.message = Some(e),
        },
        Some(Intent::MainMenu) => {
            *menu = MenuState::default();
            commands.queue(despawn_game);
            next.set(Screen::Menu);
        }
        Some(Intent::Quit) => {
            exit.write(AppExit::Success);
        }
        Some(Intent::NewGame) | Some(Intent::Class(..)) | None => {}
    }
    Ok(())
}

/// Asks for the game to be saved to this path (done where the world is at hand).
#[derive(Message, Debug, Clone)]
pub struct SaveRequest(pub std::path::PathBuf);

/// Removes the current match and its session; a class match's link closes (its
/// seat stays on the server, to rejoin).
pub fn despawn_game(world: &mut World) {
    if world
        .get_resource::<Session>()
        .is_some_and(|s| s.class.is_some())
    {
        super::class::disconnect(world);
    }
    remove_game(world);
}

/// Removes the current match and its session, and nothing else.
pub fn remove_game(world: &mut World) {
    if let Some(session) = world.remove_resource::<Session>()
        && let Some(m) = session.match_entity
    {
        crate::sim::despawn_match(world, m);
    }
}
