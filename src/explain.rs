//! Explanations of a turn: each metric's net change, the share of each cause, and
//! the source quotation behind a cause. The command line and the game both show them.

use crate::scenario::LoadedScenario;
use crate::sim::record::TurnRecord;

/// One metric's change over a turn, with each cause's share in order of first effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Swing<'a> {
    pub metric: &'a str,
    pub before: f64,
    pub after: f64,
    pub causes: Vec<(&'a str, f64)>,
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
        match swing.causes.iter_mut().find(|(cause, _)| *cause == c.cause) {
            Some((_, d)) => *d += c.after - c.before,
            None => swing.causes.push((&c.cause, c.after - c.before)),
        }
    }
    out.retain(|s| s.before != s.after);
    out
}

impl Swing<'_> {
    /// "us strike_tactic=leaflets -1.0, shared_targets -4.0"
    pub fn shares(&self) -> String {
        self.causes
            .iter()
            .filter(|(_, d)| *d != 0.0)
            .map(|(c, d)| format!("{} {d:+.1}", short_cause(c)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The quotation behind the largest cause that has one.
    pub fn quote<'s>(&self, s: &'s LoadedScenario) -> Option<&'s str> {
        self.causes
            .iter()
            .filter(|(c, _)| source_of(s, c).is_some())
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .and_then(|(c, _)| source_of(s, c))
    }
}

/// `us strike_tactic=leaflets` for `option us.strike_tactic.leaflets`; rules by id.
pub fn short_cause(cause: &str) -> String {
    if let Some(rest) = cause.strip_prefix("option ") {
        let mut parts = rest.splitn(3, '.');
        if let (Some(p), Some(d), Some(o)) = (parts.next(), parts.next(), parts.next()) {
            return format!("{p} {d}={o}");
        }
    }
    cause
        .split_once('.')
        .filter(|(list, _)| list.ends_with("_rules"))
        .map_or(cause.to_string(), |(_, id)| id.to_string())
}

/// The quotation behind a cause name as records write it.
pub fn source_of<'a>(s: &'a LoadedScenario, cause: &str) -> Option<&'a str> {
    let sc = &s.scenario;
    let rule = |list: &'a [crate::scenario::schema::Rule], id: &str| {
        list.iter()
            .find(|r| r.id == id)
            .and_then(|r| r.source.as_deref())
    };
    if let Some(rest) = cause.strip_prefix("option ") {
        let mut parts = rest.splitn(3, '.');
        let (p, d, o) = (parts.next()?, parts.next()?, parts.next()?);
        let player = sc.players.iter().find(|x| x.id == p)?;
        let decision = player.decisions.iter().find(|x| x.id == d)?;
        return decision
            .options
            .iter()
            .find(|x| x.id == o)?
            .source
            .as_deref();
    }
    if let Some(rest) = cause.strip_prefix("choice ") {
        let (e, o) = rest.split_once('.')?;
        let event = sc.events.iter().find(|x| x.id == e)?;
        return event
            .choice
            .as_ref()?
            .decision
            .options
            .iter()
            .find(|x| x.id == o)?
            .source
            .as_deref();
    }
    if let Some(id) = cause.strip_prefix("event ") {
        return sc.events.iter().find(|x| x.id == id)?.source.as_deref();
    }
    let (list, id) = cause.split_once('.')?;
    match list {
        "joint_rules" => rule(&sc.joint_rules, id),
        "chance_rules" => rule(&sc.chance_rules, id),
        "score_rules" => rule(&sc.score_rules, id),
        _ => None,
    }
}
