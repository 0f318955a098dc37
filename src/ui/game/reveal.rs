//! The reveal: both sides' orders, and what each side perceived of the other's.

use super::*;

pub(super) fn reveal(ui: &mut Ui, snap: &Snapshot) -> Option<Intent> {
    let sc = &snap.s.scenario;
    let t = snap.record.history.last()?;
    widgets::heading(ui, &format!("Orders revealed — {}", t.date));
    ui.columns(2, |cols| {
        for (p, player) in sc.players.iter().enumerate() {
            let ui = &mut cols[p];
            ui.label(
                RichText::new(&player.name)
                    .size(18.0)
                    .strong()
                    .color(widgets::side_color(p)),
            );
            ui.label(
                RichText::new(format!("{:?}", t.stances[p]))
                    .color(widgets::stance_color(t.stances[p]))
                    .strong(),
            );
            for d in &player.decisions {
                let chosen = t.orders[p].get(&d.id);
                let name = chosen
                    .and_then(|o| d.options.iter().find(|x| &x.id == o))
                    .map_or("?", |o| o.name.as_str());
                ui.label(format!("{}: {name}", d.name));
            }
        }
    });
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
                        "{} believes {}'s {} was “{}” — it was “{}”.",
                        player.name,
                        other.name,
                        d.name.to_lowercase(),
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
    ui.add_space(10.0);
    widgets::primary(ui, "See what happened").then_some(Intent::ToReport)
}
