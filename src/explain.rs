//! Explanations of a turn: each metric's net change, the share of each cause, the
//! cause's name as players read it and the quotation behind it. The command line,
//! the game and the debrief report all explain through this one module, and all show
//! what each cause rests on through [`provenance_of`] and [`Provenance::label`].

use crate::scenario::LoadedScenario;
pub use crate::scenario::provenance::Provenance;
use crate::scenario::schema::Basis;
use crate::sim::record::{CauseRecord, TurnRecord};

/// One metric's change over a turn, with each cause's share in order of first effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Swing<'a> {
    /// The metric's record key: `isis_strength`, `us.score`.
    pub metric: &'a str,
    pub before: f64,
    pub after: f64,
    pub causes: Vec<(&'a CauseRecord, f64)>,
}

/// The turn's changes grouped by metric (in order of first change), causes merged.
pub fn swings(t: &TurnRecord) -> Vec<Swing<'_>> {
    let mut out: Vec<Swing> = Vec::new();
    for c in &t.changes {
        let i = match out.iter().position(|m| m.metric == c.metric) {
            Some(i) => i,
            None => {
                out.push(Swing {
                    metric: &c.metric,
                    before: c.before,
                    after: c.after,
                    causes: Vec::new(),
                });
                out.len() - 1
            }
        };
        let swing = &mut out[i];
        swing.after = c.after;
        match swing
            .causes
            .iter_mut()
            .find(|(cause, _)| **cause == c.cause)
        {
            Some((_, d)) => *d += c.after - c.before,
            None => swing.causes.push((&c.cause, c.after - c.before)),
        }
    }
    out.retain(|s| s.before != s.after);
    out
}

/// The turn's changes as players are shown them: [`swings`] without the scenario's
/// hidden (bookkeeping) metrics, which records keep. Without the scenario, all of them.
pub fn shown_swings<'a>(t: &'a TurnRecord, s: Option<&LoadedScenario>) -> Vec<Swing<'a>> {
    let mut out = swings(t);
    if let Some(s) = s {
        out.retain(|w| !s.is_hidden(w.metric));
    }
    out
}

impl<'a> Swing<'a> {
    /// The net change.
    pub fn delta(&self) -> f64 {
        self.after - self.before
    }

    /// Causes that changed something, largest first.
    pub fn by_size(&self) -> Vec<(&'a CauseRecord, f64)> {
        let mut causes: Vec<_> = self
            .causes
            .iter()
            .copied()
            .filter(|(_, d)| *d != 0.0)
            .collect();
        causes.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        causes
    }

    /// "Leaflet-warned strikes (United States) −1.0, Shared target lists −4.0",
    /// largest first.
    pub fn shares(&self, s: Option<&LoadedScenario>) -> String {
        self.by_size()
            .iter()
            .map(|(c, d)| format!("{} {d:+.1}", cause_label(s, c)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The cause that pushed furthest in the direction the metric moved.
    pub fn main_cause(&self) -> Option<(&'a CauseRecord, f64)> {
        let delta = self.delta();
        self.causes
            .iter()
            .copied()
            .filter(|(_, d)| d.signum() == delta.signum())
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
    }

    /// The largest cause that has a quotation, with the quotation: the quotation
    /// is always shown under the cause it belongs to.
    pub fn quote<'s>(&self, s: &'s LoadedScenario) -> Option<(&'a CauseRecord, &'s str)> {
        self.causes
            .iter()
            .filter_map(|(c, d)| source_of(s, c).map(|q| (*c, *d, q)))
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .map(|(c, _, q)| (c, q))
    }
}

/// A metric's display name for its record key (`us.score` → "Score (United States)").
pub fn metric_label(s: Option<&LoadedScenario>, key: &str) -> String {
    let Some(s) = s else {
        return key.to_string();
    };
    let sc = &s.scenario;
    let (player, id) = match key.split_once('.') {
        Some((p, id)) => (sc.players.iter().find(|x| x.id == p), id),
        None => (None, key),
    };
    let name = sc
        .metrics
        .iter()
        .find(|m| m.id == id)
        .map_or(id, |m| m.name.as_str());
    match player {
        Some(p) => format!("{name} ({})", p.name),
        None => name.to_string(),
    }
}

/// A cause as players read it: the option's or rule's display name and who
/// caused it. Without the scenario, the ids.
pub fn cause_label(s: Option<&LoadedScenario>, cause: &CauseRecord) -> String {
    let sc = s.map(|s| &s.scenario);
    let rule = |list: fn(&crate::scenario::Scenario) -> &[crate::scenario::schema::Rule],
                id: &str| {
        sc.and_then(|sc| list(sc).iter().find(|r| r.id == id))
            .map(|r| r.description.trim())
            .filter(|d| !d.is_empty())
            .map_or_else(|| humanize(id), str::to_string)
    };
    match cause {
        CauseRecord::Option {
            player,
            decision,
            option,
        } => {
            let p = sc.and_then(|sc| sc.players.iter().find(|x| &x.id == player));
            let o = p
                .and_then(|p| p.decisions.iter().find(|d| &d.id == decision))
                .and_then(|d| d.options.iter().find(|o| &o.id == option));
            format!(
                "{} ({})",
                o.map_or_else(|| humanize(option), |o| o.name.clone()),
                p.map_or(player.as_str(), |p| p.name.as_str())
            )
        }
        CauseRecord::Choice { event, option } => {
            let e = sc.and_then(|sc| sc.events.iter().find(|x| &x.id == event));
            let o = e
                .and_then(|e| e.choice.as_ref())
                .and_then(|c| c.decision.options.iter().find(|o| &o.id == option));
            format!(
                "{}: {}",
                e.map_or_else(|| humanize(event), |e| e.title.clone()),
                o.map_or_else(|| humanize(option), |o| o.name.clone())
            )
        }
        CauseRecord::JointRule(id) => rule(|s| &s.joint_rules, id),
        CauseRecord::ChanceRule(id) => rule(|s| &s.chance_rules, id),
        CauseRecord::ScoreRule(id) => rule(|s| &s.score_rules, id),
        CauseRecord::Event(id) => sc
            .and_then(|sc| sc.events.iter().find(|x| &x.id == id))
            .map_or_else(|| humanize(id), |e| e.title.clone()),
        CauseRecord::Clamp => "held within its range".into(),
    }
}

/// `shared_targets` → "Shared targets": an id read aloud, for causes with no name.
fn humanize(id: &str) -> String {
    let text = id.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The quotation behind a cause, if the scenario gives one.
pub fn source_of<'a>(s: &'a LoadedScenario, cause: &CauseRecord) -> Option<&'a str> {
    grounds(s, cause).and_then(|(source, _)| source)
}

/// What a cause rests on: from the article (with its quotation), background (with its
/// citation) or a game assumption (with its reason). Screens show
/// [`Provenance::label`] beside the cause; a clamp or an unknown id is `Unstated`.
pub fn provenance_of<'a>(s: &'a LoadedScenario, cause: &CauseRecord) -> Provenance<'a> {
    grounds(s, cause).map_or(Provenance::Unstated, |(source, basis)| {
        Provenance::of(source, basis)
    })
}

/// The `source:` and `basis:` of the element behind a cause.
fn grounds<'a>(
    s: &'a LoadedScenario,
    cause: &CauseRecord,
) -> Option<(Option<&'a str>, Option<&'a Basis>)> {
    let sc = &s.scenario;
    let rule = |list: &'a [crate::scenario::schema::Rule], id: &str| {
        list.iter()
            .find(|r| r.id == id)
            .map(|r| (r.source.as_deref(), r.basis.as_ref()))
    };
    let option =
        |o: &'a crate::scenario::schema::OptionDef| (o.source.as_deref(), o.basis.as_ref());
    match cause {
        CauseRecord::Option {
            player,
            decision,
            option: id,
        } => sc
            .players
            .iter()
            .find(|x| &x.id == player)?
            .decisions
            .iter()
            .find(|x| &x.id == decision)?
            .options
            .iter()
            .find(|x| &x.id == id)
            .map(option),
        CauseRecord::Choice { event, option: id } => sc
            .events
            .iter()
            .find(|x| &x.id == event)?
            .choice
            .as_ref()?
            .decision
            .options
            .iter()
            .find(|x| &x.id == id)
            .map(option),
        CauseRecord::Event(id) => sc
            .events
            .iter()
            .find(|x| &x.id == id)
            .map(|e| (e.source.as_deref(), e.basis.as_ref())),
        CauseRecord::JointRule(id) => rule(&sc.joint_rules, id),
        CauseRecord::ChanceRule(id) => rule(&sc.chance_rules, id),
        CauseRecord::ScoreRule(id) => rule(&sc.score_rules, id),
        CauseRecord::Clamp => None,
    }
}

/// What the debrief reveals that play kept from the players (format 2 fog), e.g.
/// "During play, United States saw only estimates of Risk of war and Missiles ready
/// in Cuba; Soviet Union, of Risk of war. This debrief shows the true values."
/// `None` when no side played under fog.
pub fn fog_note(s: &LoadedScenario) -> Option<String> {
    let sc = &s.scenario;
    let clauses: Vec<String> = sc
        .players
        .iter()
        .filter_map(|player| {
            let names: Vec<&str> = sc
                .metrics
                .iter()
                .filter(|m| !m.hidden)
                .filter(|m| {
                    m.fog
                        .as_ref()
                        .is_some_and(|f| f.error > 0.0 && f.players.contains(&player.id))
                })
                .map(|m| m.name.as_str())
                .collect();
            let list = match names.split_last()? {
                (last, []) => last.to_string(),
                (last, rest) => format!("{} and {last}", rest.join(", ")),
            };
            Some((player.name.as_str(), list))
        })
        .enumerate()
        .map(|(i, (who, list))| {
            if i == 0 {
                format!("{who} saw only estimates of {list}")
            } else {
                format!("{who}, of {list}")
            }
        })
        .collect();
    (!clauses.is_empty()).then(|| {
        format!(
            "During play, {}. This debrief shows the true values.",
            clauses.join("; ")
        )
    })
}

/// What an outcome says of side `p`: "wins" or "does not win"; `None` where the
/// game ended on time in a scenario that declares no winner (each score is its
/// own measure there, and "beating" the other is not the point).
pub fn verdict(
    s: Option<&LoadedScenario>,
    o: &crate::sim::components::Outcome,
    p: usize,
) -> Option<&'static str> {
    let no_winner = o.ending.is_none()
        && s.is_some_and(|s| s.compiled.on_time == crate::scenario::compiled::CVerdict::NoWinner);
    match (no_winner, o.won.get(p)) {
        (true, _) => None,
        (false, Some(true)) => Some("wins"),
        (false, _) => Some("does not win"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::record::ChangeRecord;

    fn change(metric: &str, before: f64, after: f64, cause: CauseRecord) -> ChangeRecord {
        ChangeRecord {
            metric: metric.into(),
            before,
            after,
            cause,
        }
    }

    #[test]
    fn swings_merge_causes_and_order_them_by_size() {
        let small = CauseRecord::JointRule("small_rule".into());
        let big = CauseRecord::Event("big_event".into());
        let t = TurnRecord {
            turn: 1,
            date: String::new(),
            news: vec![],
            orders: vec![],
            perceived: vec![],
            stances: vec![],
            events: vec![],
            announced: vec![],
            changes: vec![
                change("m", 10.0, 11.0, small.clone()),
                change("m", 11.0, 6.0, big.clone()),
                change("m", 6.0, 6.5, small.clone()),
                change("other", 1.0, 1.0, CauseRecord::Clamp),
            ],
            metrics: Default::default(),
            scores: vec![],
        };
        let s = swings(&t);
        assert_eq!(s.len(), 1, "a metric that ends where it began is left out");
        assert_eq!(s[0].delta(), -3.5);
        assert_eq!(s[0].by_size(), vec![(&big, -5.0), (&small, 1.5)]);
        assert_eq!(s[0].main_cause(), Some((&big, -5.0)));
        assert_eq!(s[0].shares(None), "Big event -5.0, Small rule +1.5");
    }
}
