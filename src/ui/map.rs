//! A stylized map drawn with egui's painter from the scenario's `map`: borders and
//! coast, places coloured by who holds them (the enemy's strongholds sized by its
//! strength), civilian harm as a red haze, and the last resolved turn's strikes
//! where they landed — warned (leaflets) or not. Where a side has a decision
//! whose striking options differ in `warned` (its tactic), that choice says how
//! all of its strikes that turn were made; the other decisions only say where.

use super::game::Snapshot;
use super::widgets;
use crate::scenario::schema::{Holder, Map};
use bevy_egui::egui::{self, Color32, Pos2, Rect, Stroke, Ui, pos2, vec2};

fn holder_color(h: Holder) -> Color32 {
    match h {
        Holder::Enemy => Color32::from_rgb(120, 70, 150),
        Holder::Government => Color32::from_rgb(200, 60, 60),
        Holder::Opposition => Color32::from_rgb(90, 170, 90),
        Holder::Contested => Color32::from_rgb(200, 170, 60),
        Holder::Neutral => Color32::from_rgb(150, 150, 160),
    }
}

/// Who holds a place now: an enemy stronghold falls once the pressure metric has
/// moved past its `falls_at` level from where it started.
pub fn holder_now(map: &Map, snap: &Snapshot, l: &crate::scenario::schema::Location) -> Holder {
    let (Some(metric), Some(level)) = (&map.pressure_metric, l.falls_at) else {
        return l.held_by;
    };
    let (Some(now), Some(start)) = (
        snap.now(metric),
        snap.s
            .scenario
            .metrics
            .iter()
            .find(|m| &m.id == metric)
            .map(|m| m.initial),
    ) else {
        return l.held_by;
    };
    let fallen = if start >= level {
        now <= level
    } else {
        now >= level
    };
    if fallen && l.held_by == Holder::Enemy {
        Holder::Contested
    } else {
        l.held_by
    }
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

/// How strong the enemy is, from 0 to 1, by the map's pressure metric (where
/// higher pressure on the enemy means a lower value of it).
fn enemy_strength(map: &Map, snap: &Snapshot) -> Option<f32> {
    let metric = map.pressure_metric.as_ref()?;
    let m = snap.s.scenario.metrics.iter().find(|m| &m.id == metric)?;
    let v = snap.now(metric)?;
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
    if let Some(harm) = &map.harm_metric
        && let (Some(v), Some(m)) = (
            snap.now(harm),
            snap.s.scenario.metrics.iter().find(|m| &m.id == harm),
        )
    {
        let frac = ((v - m.min) / (m.max - m.min).max(1e-9)).clamp(0.0, 1.0) as f32;
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
        if let Some(mid) = points.get(points.len() / 2) {
            painter.text(
                *mid + vec2(4.0, -4.0),
                egui::Align2::LEFT_BOTTOM,
                &line.name,
                egui::FontId::proportional(12.0),
                Color32::from_gray(150),
            );
        }
    }
    let strikes = strikes(snap);
    let strength = enemy_strength(map, snap);
    let mut hovered = None;
    for l in &map.locations {
        let p = at(l.x, l.y);
        let holder = holder_now(map, snap, l);
        let radius = match (holder, strength) {
            (Holder::Enemy, Some(k)) => 4.0 + 8.0 * k,
            _ => 6.0,
        };
        painter.circle(
            p,
            radius,
            holder_color(holder),
            Stroke::new(1.0, Color32::WHITE),
        );
        painter.text(
            p + vec2(8.0, 0.0),
            egui::Align2::LEFT_CENTER,
            &l.name,
            egui::FontId::proportional(12.0),
            Color32::WHITE,
        );
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
        let holders = [
            (Holder::Enemy, "enemy"),
            (Holder::Government, "government"),
            (Holder::Opposition, "opposition"),
            (Holder::Contested, "contested"),
        ];
        for (holder, name) in holders {
            legend_mark(ui, |painter, c| {
                painter.circle(
                    c,
                    5.0,
                    holder_color(holder),
                    Stroke::new(1.0, Color32::WHITE),
                );
            });
            ui.label(egui::RichText::new(name).small());
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for (p, player) in snap.s.scenario.players.iter().enumerate() {
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
            "{} — held by {holder:?}; {n} strike(s) last turn",
            l.name
        ));
    }
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
