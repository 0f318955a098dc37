//! Small pieces the screens share: the metric dashboard with tooltips, quotation
//! boxes, headings and the layout of a root `Ui`.

use super::shown::{Lens, Shown};
use crate::scenario::schema::{Scope, Stance};
use bevy_egui::egui::{self, Color32, RichText, Ui};

pub const US_BLUE: Color32 = Color32::from_rgb(90, 140, 230);
pub const RU_RED: Color32 = Color32::from_rgb(220, 90, 80);
pub const COOPERATE: Color32 = Color32::from_rgb(110, 190, 120);
pub const DEFECT: Color32 = Color32::from_rgb(220, 120, 70);
pub const QUOTE: Color32 = Color32::from_rgb(200, 190, 150);

/// The colour of side `p`.
pub fn side_color(p: usize) -> Color32 {
    if p == 0 { US_BLUE } else { RU_RED }
}

pub fn stance_color(s: Stance) -> Color32 {
    match s {
        Stance::Cooperate => COOPERATE,
        Stance::Defect => DEFECT,
    }
}

/// Text sizes at 100%: egui's own small text (9 px) is too small to read on a
/// projector, so nothing is below 12.5 px.
pub fn apply_text_sizes(ctx: &egui::Context) {
    use egui::{FontFamily, FontId, TextStyle};
    ctx.all_styles_mut(|style| {
        for (text, size, family) in [
            (TextStyle::Small, 12.5, FontFamily::Proportional),
            (TextStyle::Body, 15.0, FontFamily::Proportional),
            (TextStyle::Button, 15.0, FontFamily::Proportional),
            (TextStyle::Monospace, 14.0, FontFamily::Monospace),
            (TextStyle::Heading, 22.0, FontFamily::Proportional),
        ] {
            style.text_styles.insert(text, FontId::new(size, family));
        }
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}

/// "the United States'" / "Russia's": a name in the possessive.
pub fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// A root `Ui` covering the whole window, for panels to divide.
pub fn root(ctx: &egui::Context) -> Ui {
    Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// A quotation from the source, set apart.
pub fn quote(ui: &mut Ui, text: &str) {
    ui.label(
        RichText::new(format!("“{}”", text.trim()))
            .italics()
            .color(QUOTE),
    );
}

/// What an element rests on, as a student should notice it: a quotation from
/// the article, or a tagged line for background and the game's assumptions.
pub fn provenance(ui: &mut Ui, p: crate::scenario::provenance::Provenance) {
    use crate::scenario::provenance::Provenance;
    match p {
        Provenance::Article(q) => quote(ui, q),
        Provenance::Background(_) | Provenance::Assumption(_) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("[{}]", p.label()))
                        .small()
                        .strong()
                        .color(QUOTE),
                );
                if let Some(d) = p.detail() {
                    ui.add(egui::Label::new(RichText::new(d).small().italics()).wrap());
                }
            });
        }
        Provenance::Unstated => {}
    }
}

pub fn heading(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).size(22.0).strong());
}

/// The big button of a screen; Enter presses it too.
pub fn primary(ui: &mut Ui, text: &str) -> bool {
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    primary_button(ui, text, true) || enter
}

/// The big button alone, for screens that read Enter themselves.
pub fn primary_button(ui: &mut Ui, text: &str, enabled: bool) -> bool {
    let button = egui::Button::new(
        RichText::new(format!("{text}  [Enter]"))
            .size(18.0)
            .strong(),
    )
    .min_size(egui::vec2(220.0, 36.0));
    ui.add_enabled(enabled, button).clicked()
}

/// Every metric the players may see as a labelled bar with its description as a
/// tooltip; `now` gives a metric by record key (`metric`, `player.metric`) as the
/// screen shows it, and `before` as it was at the turn's start.
pub fn dashboard(
    ui: &mut Ui,
    lens: &Lens,
    now: &dyn Fn(&str) -> Option<Shown>,
    before: &dyn Fn(&str) -> Option<Shown>,
) {
    let sc = &lens.s.scenario;
    let shared: Vec<_> = sc
        .metrics
        .iter()
        .filter(|m| m.scope == Scope::Shared && !m.hidden)
        .collect();
    if !shared.is_empty() {
        ui.label(RichText::new("Shared").strong());
    }
    for m in shared {
        let row = Row {
            key: &m.id,
            m,
            now: now(&m.id),
            before: before(&m.id),
            side: None,
            compare_to: None,
        };
        row.show(ui, lens);
    }
    // Scores have no useful range to fill: their bars compare the two sides.
    let score_id = &sc.endings.score;
    let best_score = sc
        .players
        .iter()
        .filter_map(|p| now(&format!("{}.{score_id}", p.id)).and_then(Shown::value))
        .map(f64::abs)
        .fold(0.0, f64::max);
    for (p, player) in sc.players.iter().enumerate() {
        ui.add_space(6.0);
        ui.label(RichText::new(&player.name).strong().color(side_color(p)));
        for m in sc
            .metrics
            .iter()
            .filter(|m| m.scope == Scope::PerPlayer && !m.hidden)
        {
            let key = format!("{}.{}", player.id, m.id);
            let row = Row {
                key: &key,
                m,
                now: now(&key),
                before: before(&key),
                side: Some(p),
                compare_to: (&m.id == score_id).then_some(best_score),
            };
            row.show(ui, lens);
        }
    }
}

/// One metric of the dashboard.
struct Row<'a> {
    key: &'a str,
    m: &'a crate::scenario::schema::Metric,
    now: Option<Shown>,
    before: Option<Shown>,
    side: Option<usize>,
    /// Fill the bar against this value instead of the metric's range.
    compare_to: Option<f64>,
}

impl Row<'_> {
    /// The name (wrapping, never clipped), a bar and this turn's change. An
    /// estimate is marked as one and shows no change: the difference of two
    /// estimates says little. A withheld value shows an empty bar.
    fn show(&self, ui: &mut Ui, lens: &Lens) {
        let (m, key) = (self.m, self.key);
        let Some(now) = self.now else { return };
        let v = now.value();
        let frac = match (v, self.compare_to) {
            (None, _) => 0.0,
            (Some(v), Some(best)) if best > 0.0 => (v.abs() / best).clamp(0.0, 1.0) as f32,
            (Some(v), _) => {
                let span = (m.max - m.min).max(f64::EPSILON);
                ((v - m.min) / span).clamp(0.0, 1.0) as f32
            }
        };
        let delta = match (now, self.before) {
            (Shown::Exact(v), Some(Shown::Exact(b))) => Some(v - b).filter(|d| d.abs() > 1e-9),
            _ => None,
        };
        let width = ui.available_width();
        let name_width = (width * 0.42).clamp(90.0, 220.0);
        let delta_width = 48.0;
        let bar_width = (width - name_width - delta_width - 16.0).max(50.0);
        let response = ui
            .horizontal(|ui| {
                ui.allocate_ui(egui::vec2(name_width, 0.0), |ui| {
                    ui.set_min_width(name_width);
                    ui.vertical(|ui| {
                        ui.add(egui::Label::new(&m.name).wrap());
                        // Under the name, which wraps, rather than in the bar, which clips.
                        if let Some(marker) = now.marker() {
                            ui.add(
                                egui::Label::new(RichText::new(marker).small().color(QUOTE)).wrap(),
                            );
                        }
                    });
                });
                let color = self
                    .side
                    .map(side_color)
                    .unwrap_or(Color32::from_rgb(150, 150, 170));
                ui.add(
                    egui::ProgressBar::new(frac)
                        .desired_width(bar_width)
                        .fill(color.gamma_multiply(0.7))
                        .text(now.number()),
                );
                if let Some(d) = delta {
                    let good = (d > 0.0) == m.higher_is_better;
                    let c = if good { COOPERATE } else { DEFECT };
                    ui.label(RichText::new(format!("{d:+.1}")).color(c));
                }
            })
            .response;
        response.on_hover_ui(|ui| {
            ui.label(RichText::new(&m.name).strong());
            ui.label(&m.description);
            match now {
                Shown::Exact(_) => {}
                Shown::Estimate(_) => {
                    ui.label(
                        RichText::new(format!(
                            "You see only an estimate of this, up to {} off either way.",
                            m.fog.as_ref().map_or(0.0, |f| f.error)
                        ))
                        .color(QUOTE),
                    );
                }
                Shown::Withheld => {
                    ui.label(RichText::new(super::shown::WITHHELD).color(QUOTE));
                }
            }
            if !matches!(now, Shown::Exact(_))
                && let Some(why) = lens.fog_reason(key)
            {
                ui.label(RichText::new(why).italics());
            }
            ui.label(format!(
                "Range {} to {}; {} is better.  ({key})",
                m.min,
                m.max,
                if m.higher_is_better {
                    "higher"
                } else {
                    "lower"
                }
            ));
        });
    }
}
