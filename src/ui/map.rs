//! A stylized map drawn with egui's painter from the scenario's `map`: borders and
//! coast, places coloured by who holds them — a generic holder, a player in its
//! side's colour, or a faction the scenario names — with a legend naming the holders
//! on this map (the enemy's strongholds sized by its strength), civilian harm as a
//! red haze, and the last resolved turn's strikes where they landed — warned
//! (leaflets) or not. Where a side has a decision whose striking options differ
//! in `warned` (its tactic), that choice says how all of its strikes that turn
//! were made; the other decisions only say where. Metrics are read as the player
//! at the screen sees them (fog).

use super::game::Snapshot;
use super::shown::Shown;
use super::widgets;
use crate::scenario::schema::{Holder, Location};
use crate::scenario::{HeldBy, LoadedScenario};
use bevy_egui::egui::{self, Color32, Pos2, Rect, Stroke, Ui, pos2, vec2};

/// Colours for named factions, in the order the scenario lists them: none is a
/// side's colour or a generic holder's.
const FACTION_COLORS: [Color32; 5] = [
    Color32::from_rgb(60, 175, 165),
    Color32::from_rgb(235, 150, 50),
    Color32::from_rgb(215, 120, 195),
    Color32::from_rgb(170, 120, 80),
    Color32::from_rgb(225, 225, 235),
];

/// A holder's colour: a player's is its side's.
pub fn holder_color(h: HeldBy) -> Color32 {
    match h {
        HeldBy::Generic(Holder::Enemy) => Color32::from_rgb(120, 70, 150),
        HeldBy::Generic(Holder::Government) => Color32::from_rgb(200, 60, 60),
        HeldBy::Generic(Holder::Opposition) => Color32::from_rgb(90, 170, 90),
        HeldBy::Generic(Holder::Contested) => Color32::from_rgb(200, 170, 60),
        HeldBy::Generic(Holder::Neutral) => Color32::from_rgb(150, 150, 160),
        HeldBy::Player(p) => widgets::side_color(p),
        HeldBy::Faction(i) => FACTION_COLORS[i % FACTION_COLORS.len()],
    }
}

/// Who holds a place now: an enemy stronghold falls (is contested) once the
/// pressure metric has moved past its `falls_at` level from where it started.
/// `now` reads a metric as the screen shows it: a side that sees the pressure
/// only as an estimate sees the map of its estimate.
pub fn held_now(s: &LoadedScenario, l: &Location, now: &dyn Fn(&str) -> Option<f64>) -> HeldBy {
    let start = s.held_by(l);
    let (Some(map), Some(level), HeldBy::Generic(Holder::Enemy)) =
        (&s.scenario.map, l.falls_at, start)
    else {
        return start;
    };
    let Some(metric) = &map.pressure_metric else {
        return start;
    };
    let (Some(v), Some(initial)) = (now(metric), s.metric_def(metric).map(|m| m.initial)) else {
        return start;
    };
    let fallen = if initial >= level {
        v <= level
    } else {
        v >= level
    };
    if fallen {
        HeldBy::Generic(Holder::Contested)
    } else {
        start
    }
}

/// The holders the legend names: each holder of a place now, in the map's order,
/// and "contested" where an enemy stronghold can still fall.
pub fn legend(s: &LoadedScenario, now: &dyn Fn(&str) -> Option<f64>) -> Vec<HeldBy> {
    let Some(map) = &s.scenario.map else {
        return Vec::new();
    };
    let mut out: Vec<HeldBy> = Vec::new();
    for l in &map.locations {
        let held = held_now(s, l, now);
        let can_fall = map.pressure_metric.is_some()
            && l.falls_at.is_some()
            && held == HeldBy::Generic(Holder::Enemy);
        for h in [
            Some(held),
            can_fall.then_some(HeldBy::Generic(Holder::Contested)),
        ]
        .into_iter()
        .flatten()
        {
            if !out.contains(&h) {
                out.push(h);
            }
        }
    }
    out
}

/// Strikes of the last resolved turn: (location id, side, warned), each place
/// once per side.
fn strikes<'a>(snap: &'a Snapshot) -> Vec<(&'a str, usize, bool)> {
    let Some(t) = snap.record.history.last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (p, player) in snap.s.scenario.players.iter().enumerate() {
        // (is a tactic decision, the chosen option's strike)
        let chosen: Vec<(bool, &crate::scenario::schema::Strike)> = player
            .decisions
            .iter()
            .filter_map(|d| {
                let id = t.orders.get(p)?.get(&d.id)?;
                let strike = d.options.iter().find(|o| &o.id == id)?.strikes.as_ref()?;
                let mut flags = d
                    .options
                    .iter()
                    .filter_map(|o| o.strikes.as_ref().map(|s| s.warned));
                let first = flags.next();
                let tactic = flags.any(|w| Some(w) != first);
                Some((tactic, strike))
            })
            .collect();
        let has_tactic = chosen.iter().any(|(tactic, _)| *tactic);
        let warned = chosen
            .iter()
            .filter(|(tactic, _)| *tactic || !has_tactic)
            .all(|(_, s)| s.warned);
        let chosen: Vec<&crate::scenario::schema::Strike> =
            chosen.into_iter().map(|(_, s)| s).collect();
        let mut places: Vec<&str> = chosen
            .iter()
            .flat_map(|s| s.at.iter().map(String::as_str))
            .collect();
        places.sort_unstable();
        places.dedup();
        out.extend(places.into_iter().map(|at| (at, p, warned)));
    }
    out
}

/// How far a metric, as the screen shows it, stands in its range, from 0 to 1.
fn fraction(snap: &Snapshot, metric: &str) -> Option<f32> {
    let m = snap.s.metric_def(metric)?;
    let v = snap.shown_now(metric)?.value()?;
    Some(((v - m.min) / (m.max - m.min).max(1e-9)).clamp(0.0, 1.0) as f32)
}

pub fn draw(ui: &mut Ui, snap: &Snapshot) {
    let Some(map) = &snap.s.scenario.map else {
        ui.label("This scenario has no map.");
        return;
    };
    let width = ui.available_width();
    let (response, painter) = ui.allocate_painter(vec2(width, width * 0.8), egui::Sense::hover());
    let rect = response.rect;
    let at = |x: f32, y: f32| -> Pos2 {
        pos2(
            rect.left() + x * rect.width(),
            rect.top() + y * rect.height(),
        )
    };
    painter.rect_filled(rect, 4.0, Color32::from_rgb(58, 54, 44));
    if let Some(frac) = map.harm_metric.as_deref().and_then(|h| fraction(snap, h)) {
        painter.rect_filled(
            rect,
            4.0,
            Color32::from_rgba_unmultiplied(200, 30, 30, (frac * 110.0) as u8),
        );
    }
    for line in &map.lines {
        let points: Vec<Pos2> = line.points.iter().map(|&(x, y)| at(x, y)).collect();
        let stroke = Stroke::new(1.5, Color32::from_rgb(170, 165, 150));
        if line.dashed {
            painter.extend(egui::Shape::dashed_line(&points, stroke, 6.0, 4.0));
        } else {
            painter.add(egui::Shape::line(points.clone(), stroke));
        }
        // Halfway along: the middle point, or the middle of the middle segment.
        if let (Some(a), Some(b)) = (
            points.get(points.len().saturating_sub(1) / 2),
            points.get(points.len() / 2),
        ) {
            let mid = a.lerp(*b, 0.5) + vec2(0.0, -10.0);
            place_label(
                &painter,
                rect,
                mid,
                4.0,
                &line.name,
                Color32::from_gray(150),
            );
        }
    }
    let strikes = strikes(snap);
    // The enemy's strength is the pressure metric's place in its range (higher
    // pressure on the enemy means a lower value of it).
    let strength = map
        .pressure_metric
        .as_deref()
        .and_then(|m| fraction(snap, m));
    let now = |key: &str| snap.shown_now(key).and_then(Shown::value);
    let mut hovered = None;
    for l in &map.locations {
        let p = at(l.x, l.y);
        let holder = held_now(snap.s, l, &now);
        let radius = match (holder, strength) {
            (HeldBy::Generic(Holder::Enemy), Some(k)) => 4.0 + 8.0 * k,
            _ => 6.0,
        };
        painter.circle(
            p,
            radius,
            holder_color(holder),
            Stroke::new(1.0, Color32::WHITE),
        );
        place_label(&painter, rect, p, 8.0, &l.name, Color32::WHITE);
        for (i, (_, side, warned)) in strikes.iter().filter(|(at, _, _)| *at == l.id).enumerate() {
            let c = p + vec2(-10.0 + 20.0 * *side as f32, -12.0 - 4.0 * i as f32);
            if *warned {
                warned_mark(&painter, c, *side);
            } else {
                unwarned_mark(&painter, c, *side);
            }
        }
        if response.hover_pos().is_some_and(|h| h.distance(p) < 10.0) {
            hovered = Some((l, holder));
        }
    }
    // The legend sits under the map, where it can wrap; its marks are drawn
    // like the map's, not taken from a font that may lack them.
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for holder in legend(snap.s, &now) {
            legend_mark(ui, |painter, c| {
                painter.circle(
                    c,
                    5.0,
                    holder_color(holder),
                    Stroke::new(1.0, Color32::WHITE),
                );
            });
            ui.label(egui::RichText::new(snap.s.holder_name(holder)).small());
        }
    });
    // Strike marks are explained only where some option strikes.
    let strikes_drawn = snap
        .s
        .scenario
        .players
        .iter()
        .flat_map(|p| &p.decisions)
        .flat_map(|d| &d.options)
        .any(|o| o.strikes.is_some());
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let players = snap.s.scenario.players.iter().enumerate();
        for (p, player) in players.filter(|_| strikes_drawn) {
            legend_mark(ui, |painter, c| warned_mark(painter, c, p));
            ui.label(egui::RichText::new(format!("{} warned", player.name)).small());
            legend_mark(ui, |painter, c| unwarned_mark(painter, c, p));
            ui.label(egui::RichText::new("unwarned").small());
        }
        if strength.is_some() {
            ui.label(egui::RichText::new("· strongholds shrink as the enemy weakens").small());
        }
    });
    if let Some((l, holder)) = hovered {
        let n = strikes.iter().filter(|(at, _, _)| *at == l.id).count();
        response.on_hover_text(format!(
            "{} — held by {}; {n} strike(s) last turn",
            l.name,
            snap.s.holder_name(holder)
        ));
    }
}

/// A label beside the point `at`, kept on the map: to its right, or to its left
/// where it would run off the right edge.
fn place_label(
    painter: &egui::Painter,
    rect: Rect,
    at: Pos2,
    gap: f32,
    text: &str,
    color: Color32,
) {
    let galley = painter.layout_no_wrap(text.to_string(), egui::FontId::proportional(12.0), color);
    let size = galley.size();
    let mut x = at.x + gap;
    if x + size.x > rect.right() {
        x = (at.x - gap - size.x).max(rect.left());
    }
    let y = (at.y - size.y / 2.0).clamp(rect.top(), (rect.bottom() - size.y).max(rect.top()));
    painter.galley(pos2(x, y), galley, color);
}

/// A warned strike (leaflets first): a ring in the side's colour around a
/// small sheet of paper.
fn warned_mark(painter: &egui::Painter, c: Pos2, side: usize) {
    painter.circle_stroke(c, 7.0, Stroke::new(2.0, widgets::side_color(side)));
    painter.rect_filled(
        Rect::from_center_size(c, vec2(5.0, 6.0)),
        0.0,
        Color32::WHITE,
    );
}

/// An unwarned strike: a burst in the side's colour.
fn unwarned_mark(painter: &egui::Painter, c: Pos2, side: usize) {
    for k in 0..8 {
        let a = k as f32 * std::f32::consts::TAU / 8.0;
        painter.line_segment(
            [c, c + vec2(a.cos(), a.sin()) * 8.0],
            Stroke::new(2.0, widgets::side_color(side)),
        );
    }
    painter.circle_filled(c, 3.5, widgets::side_color(side));
}

/// A legend entry's mark, drawn in an 18-point square.
fn legend_mark(ui: &mut Ui, draw: impl FnOnce(&egui::Painter, Pos2)) {
    let (rect, _) = ui.allocate_exact_size(vec2(18.0, 18.0), egui::Sense::hover());
    draw(ui.painter(), rect.center());
}

#[cfg(test)]
mod tests {
    //! Holders and the legend, through the functions the map draws with.
    use super::*;

    fn load(name: &str) -> LoadedScenario {
        crate::scenario::load(std::path::Path::new(&format!("scenarios/{name}.ron"))).unwrap()
    }

    #[test]
    fn named_holders_are_coloured_and_named_in_the_legend() {
        let s = load("cuba_1962");
        let legend = legend(&s, &|_| None);
        let names: Vec<String> = legend.iter().map(|&h| s.holder_name(h)).collect();
        assert_eq!(
            names,
            ["United States", "Government of Cuba", "Soviet Union"],
            "the holders of this map, by name, and no generic (Syrian) ones"
        );
        assert_eq!(holder_color(legend[0]), widgets::side_color(0));
        assert_eq!(holder_color(legend[2]), widgets::side_color(1));
        let colors: Vec<Color32> = legend.iter().map(|&h| holder_color(h)).collect();
        for (i, a) in colors.iter().enumerate() {
            assert!(!colors[i + 1..].contains(a), "each holder its own colour");
        }
        let havana = &s.scenario.map.as_ref().unwrap().locations[2];
        assert_eq!(s.holder_label(havana), "Government of Cuba");
    }

    #[test]
    fn a_stronghold_falls_with_the_pressure_the_screen_shows() {
        let s = load("syria_2015");
        let start = |key: &str| s.metric_def(key).map(|m| m.initial);
        let names: Vec<String> = legend(&s, &start)
            .into_iter()
            .map(|h| s.holder_name(h))
            .collect();
        assert_eq!(names, ["enemy", "contested", "opposition", "government"]);
        let raqqa = &s.scenario.map.as_ref().unwrap().locations[0];
        assert_eq!(held_now(&s, raqqa, &start), HeldBy::Generic(Holder::Enemy));
        let weak = |key: &str| (key == "isis_strength").then_some(10.0);
        assert_eq!(
            held_now(&s, raqqa, &weak),
            HeldBy::Generic(Holder::Contested)
        );
        // Unknown to the screen (withheld), the place stays as it began.
        assert_eq!(
            held_now(&s, raqqa, &|_| None),
            HeldBy::Generic(Holder::Enemy)
        );
    }
}
