//! The reveal: both sides' orders and the stance they took, what each side
//! perceived of the other's, and the dilemma of the turn just played with the
//! cell the two sides landed in.

use super::*;

pub(super) fn reveal(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let t = snap.record.history.last()?;
    widgets::heading(ui, &format!("Orders revealed — {}", t.date));
    let half = (ui.available_width() - 16.0) / 2.0;
    if half < 280.0 {
        for p in 0..2 {
            side_orders(ui, snap, t, p);
            ui.add_space(6.0);
        }
    } else {
        ui.horizontal_top(|ui| {
            for p in 0..2 {
                ui.allocate_ui(egui::vec2(half, 0.0), |ui| {
                    ui.set_width(half);
                    ui.vertical(|ui| side_orders(ui, snap, t, p));
                });
            }
        });
    }
    ui.separator();
    let mut any = false;
    for (p, player) in sc.players.iter().enumerate() {
        let other = &sc.players[1 - p];
        for d in &other.decisions {
            let (truth, seen) = (t.orders[1 - p].get(&d.id), t.perceived[p].get(&d.id));
            if truth != seen {
                any = true;
                let name = |o: Option<&String>| {
                    o.and_then(|o| d.options.iter().find(|x| &x.id == o))
                        .map_or("?".to_string(), |o| o.name.clone())
                };
                ui.label(
                    RichText::new(format!(
                        "{} believes {} {} was “{}” — it was “{}”.",
                        player.name,
                        widgets::possessive(&other.name),
                        d.name,
                        name(seen),
                        name(truth)
                    ))
                    .color(widgets::DEFECT),
                );
            }
        }
    }
    if any {
        if let Some(q) = &sc.noise.source {
            widgets::quote(ui, q);
        }
    } else {
        ui.label("Each side saw the other's orders as they were.");
    }
    ui.separator();
    match snap.played {
        Some(Ok(g)) => super::super::dilemma::played_view(ui, snap.s, g),
        Some(Err(e)) => {
            ui.label(
                RichText::new(format!("This turn's dilemma could not be measured: {e}")).weak(),
            );
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Measuring this turn's dilemma...");
            });
        }
    }
    ui.add_space(10.0);
    widgets::primary(ui, "See what happened").then_some(Intent::ToReport)
}

/// One side's orders, each choice coloured by its stance, and why they count
/// as cooperating or defecting.
fn side_orders(ui: &mut Ui, snap: &Snapshot, t: &crate::sim::record::TurnRecord, p: usize) {
    let player = &snap.s.scenario.players[p];
    ui.label(
        RichText::new(&player.name)
            .size(18.0)
            .strong()
            .color(widgets::side_color(p)),
    );
    let stance = t.stances[p];
    ui.label(
        RichText::new(match stance {
            Stance::Cooperate => "Cooperated",
            Stance::Defect => "Defected",
        })
        .color(widgets::stance_color(stance))
        .strong(),
    );
    for d in &player.decisions {
        let chosen = t.orders[p]
            .get(&d.id)
            .and_then(|o| d.options.iter().find(|x| &x.id == o));
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{}:", d.name));
            match chosen {
                Some(o) => ui.label(RichText::new(&o.name).color(widgets::stance_color(o.stance))),
                None => ui.label("?"),
            };
        });
    }
    if let Ok(orders) = crate::sim::orders_from_names(snap.s, p, t) {
        ui.label(RichText::new(super::orders::stance_reason(snap.s, p, &orders.choices)).small());
    }
}
