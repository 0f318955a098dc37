//! Semantic validation: resolves every id in a parsed scenario, checks ranges,
//! probabilities, duplicates and limits, and produces the engine's `Compiled` form.
//! Problems are collected with field paths; `ronfile` places them in the text.

use super::compiled::*;
use super::limits::*;
use super::schema::*;
use crate::ronfile::did_you_mean;
use std::collections::{BTreeSet, HashMap};

/// A problem at a field path.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub warning: bool,
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

/// Collects problems while resolving ids.
struct Checker<'a> {
    s: &'a Scenario,
    problems: Vec<Problem>,
    players: HashMap<&'a str, u8>,
    shared: HashMap<&'a str, u16>,
    per_player: HashMap<&'a str, u16>,
    events: HashMap<&'a str, u16>,
    decisions: [HashMap<&'a str, u16>; 2],
    /// Metrics some effect changes, for the "nothing changes it" warning.
    changed: BTreeSet<Slot>,
    /// Events some effect fires.
    fired: BTreeSet<u16>,
    /// Effects and condition nodes seen so far, for the file-wide limits.
    effects_seen: usize,
    conditions_seen: usize,
}

/// Resolves and checks `s`. Returns the compiled scenario (when there are no errors)
/// and every problem found, warnings included.
pub fn check(s: &Scenario) -> (Option<Compiled>, Vec<Problem>) {
    let mut c = Checker {
        s,
        problems: Vec::new(),
        players: HashMap::new(),
        shared: HashMap::new(),
        per_player: HashMap::new(),
        events: HashMap::new(),
        decisions: [HashMap::new(), HashMap::new()],
        changed: BTreeSet::new(),
        fired: BTreeSet::new(),
        effects_seen: 0,
        conditions_seen: 0,
    };
    let compiled = c.run();
    let has_errors = c.problems.iter().any(|p| !p.warning);
    (compiled.filter(|_| !has_errors), c.problems)
}

impl<'a> Checker<'a> {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>, hint: Option<String>) {
        self.problems.push(Problem {
            warning: false,
            path: path.into(),
            message: message.into(),
            hint,
        });
    }

    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>, hint: Option<String>) {
        self.problems.push(Problem {
            warning: true,
            path: path.into(),
            message: message.into(),
            hint,
        });
    }

    fn unknown<'b>(
        &mut self,
        path: &str,
        what: &str,
        id: &str,
        known: impl IntoIterator<Item = &'b str>,
    ) {
        let known: Vec<&str> = known.into_iter().collect();
        let hint = did_you_mean(id, known.iter().copied()).or_else(|| {
            let mut list = known.clone();
            list.sort();
            (!list.is_empty()).then(|| format!("known {what}s: {}", list.join(", ")))
        });
        self.error(path, format!("unknown {what} \"{id}\""), hint);
    }

    fn finite(&mut self, path: &str, v: f64) {
        if !v.is_finite() {
            self.error(
                path,
                "the number is not finite",
                Some("use an ordinary number".into()),
            );
        }
    }

    fn probability(&mut self, path: &str, p: f64) {
        if !(0.0..=1.0).contains(&p) {
            self.error(
                path,
                format!("probability {p} is outside [0, 1]"),
                Some("write e.g. 0.25 for a one-in-four chance".into()),
            );
        }
    }

    /// Records ids in `ids`, reporting duplicates; returns the id → index map.
    fn index<'b>(
        &mut self,
        what: &str,
        ids: impl IntoIterator<Item = (String, &'b str)>,
    ) -> HashMap<&'b str, u16> {
        let mut map = HashMap::new();
        for (i, (path, id)) in ids.into_iter().enumerate() {
            if let Some(problem) = id_problem(id) {
                self.error(
                    path,
                    format!("{what} id \"{id}\" {problem}"),
                    Some(ID_HINT.into()),
                );
            } else if map.insert(id, i as u16).is_some() {
                self.error(
                    path,
                    format!("duplicate {what} id \"{id}\""),
                    Some("ids must be unique".into()),
                );
            }
        }
        map
    }

    /// Checks an id that is not part of an indexed list.
    fn id(&mut self, path: &str, what: &str, id: &str) {
        if let Some(problem) = id_problem(id) {
            self.error(
                path,
                format!("{what} id \"{id}\" {problem}"),
                Some(ID_HINT.into()),
            );
        }
    }

    /// Counts one more of a file-wide total at `path`; the first one over `max`
    /// is the error, placed where the total passes the limit.
    fn count(&mut self, path: &str, what: &str, seen: usize, max: usize) {
        if seen == max + 1 {
            self.error(
                path,
                format!("more than {max} {what} in the file; the limit is {max}"),
                Some("see the limits in scenarios/README.md".into()),
            );
        }
    }

    fn limit(&mut self, path: &str, what: &str, count: usize, max: usize) {
        if count > max {
            self.error(path, format!("{count} {what}; the limit is {max}"), None);
        }
    }

    fn run(&mut self) -> Option<Compiled> {
        let s = self.s;
        if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&s.format) {
            self.error(
                "format",
                format!("format {} is not supported", s.format),
                Some(format!(
                    "this build reads formats {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}"
                )),
            );
        }
        if s.players.len() != 2 {
            self.error(
                "players",
                format!(
                    "a scenario has exactly two players, not {}",
                    s.players.len()
                ),
                None,
            );
            return None;
        }
        if s.turns == 0 || s.turns > MAX_TURNS {
            self.error(
                "turns",
                format!("turns must be between 1 and {MAX_TURNS}"),
                None,
            );
        }
        if !(1..=12).contains(&s.calendar.start_month) {
            self.error(
                "calendar.start_month",
                "start_month must be 1 to 12",
                Some("1 = January".into()),
            );
        }
        if s.calendar.months_per_turn == 0 {
            self.error(
                "calendar.months_per_turn",
                "months_per_turn must be at least 1",
                None,
            );
        }
        if let Some(days) = s.calendar.days_per_turn
            && !(1..=MAX_DAYS_PER_TURN).contains(&days)
        {
            self.error(
                "calendar.days_per_turn",
                format!("days_per_turn must be 1 to {MAX_DAYS_PER_TURN}"),
                Some("write 7 for a week a turn".into()),
            );
        }
        let month = s.calendar.start_month.clamp(1, 12);
        let days_in_month = super::calendar::days_in_month(s.calendar.start_year as i64, month);
        if !(1..=days_in_month).contains(&s.calendar.start_day) {
            self.error(
                "calendar.start_day",
                format!("start_day must be 1 to {days_in_month} in that month"),
                None,
            );
        }
        self.id("id", "scenario", &s.id);
        self.probability("noise.probability", s.noise.probability);
        self.limit("metrics", "metrics", s.metrics.len(), MAX_METRICS);
        self.limit("events", "events", s.events.len(), MAX_EVENTS);
        let rules = s.joint_rules.len() + s.chance_rules.len() + s.score_rules.len();
        self.limit("joint_rules", "rules", rules, MAX_RULES);

        self.players = self
            .index(
                "player",
                s.players
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("players[{i}].id"), p.id.as_str())),
            )
            .into_iter()
            .map(|(k, v)| (k, v as u8))
            .collect();
        for (i, p) in s.players.iter().enumerate() {
            if matches!(p.id.as_str(), "self" | "other") {
                self.error(
                    format!("players[{i}].id"),
                    format!(
                        "\"{}\" cannot be a player id: it names a side inside effects",
                        p.id
                    ),
                    Some("choose another id, e.g. \"us\"".into()),
                );
            }
        }
        if self.players.len() != 2 {
            return None;
        }
        self.index(
            "metric",
            s.metrics
                .iter()
                .enumerate()
                .map(|(i, m)| (format!("metrics[{i}].id"), m.id.as_str())),
        );
        let (mut shared, mut per) = (HashMap::new(), HashMap::new());
        for m in &s.metrics {
            match m.scope {
                Scope::Shared => {
                    let next = shared.len() as u16;
                    shared.entry(m.id.as_str()).or_insert(next)
                }
                Scope::PerPlayer => {
                    let next = per.len() as u16;
                    per.entry(m.id.as_str()).or_insert(next)
                }
            };
        }
        (self.shared, self.per_player) = (shared, per);
        self.events = self.index(
            "event",
            s.events
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("events[{i}].id"), e.id.as_str())),
        );
        let rule_ids = [
            ("joint_rules", &s.joint_rules),
            ("chance_rules", &s.chance_rules),
            ("score_rules", &s.score_rules),
        ]
        .into_iter()
        .flat_map(|(list, rules)| {
            rules
                .iter()
                .enumerate()
                .map(move |(i, r)| (format!("{list}[{i}].id"), r.id.as_str()))
        });
        self.index("rule", rule_ids);
        self.index(
            "ending",
            s.endings
                .early
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("endings.early[{i}].id"), e.id.as_str()))
                .chain(
                    s.endings
                        .on_time_cases
                        .iter()
                        .enumerate()
                        .map(|(i, e)| (format!("endings.on_time_cases[{i}].id"), e.id.as_str())),
                ),
        );

        let metrics = self.metrics();
        let decisions = [0, 1].map(|p| self.player_decisions(p));
        let joint = self.rules("joint_rules", &s.joint_rules);
        let chance = self.rules("chance_rules", &s.chance_rules);
        let score = self.rules("score_rules", &s.score_rules);
        let events = self.event_list();
        let early = s
            .endings
            .early
            .iter()
            .enumerate()
            .map(|(i, e)| CEnding {
                when: self.cond(&format!("endings.early[{i}].when"), &e.when, None),
                verdict: self.verdict(&format!("endings.early[{i}].verdict"), &e.verdict),
            })
            .collect();
        let on_time = self.verdict("endings.on_time_verdict", &s.endings.on_time_verdict);
        let on_time_cases = s
            .endings
            .on_time_cases
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let path = format!("endings.on_time_cases[{i}]");
                CEnding {
                    when: self.cond(&format!("{path}.when"), &e.when, None),
                    verdict: self.verdict(&format!("{path}.verdict"), &e.verdict),
                }
            })
            .collect();
        let score_metric = match self.per_player.get(s.endings.score.as_str()) {
            Some(&i) => i,
            None => {
                let known: Vec<&str> = self.per_player.keys().copied().collect();
                self.unknown(
                    "endings.score",
                    "per-player metric",
                    &s.endings.score,
                    known,
                );
                0
            }
        };
        self.map();
        self.unused_warnings();
        let (shared, per_player) = metrics;
        let compiled = Compiled {
            turns: s.turns,
            noise: s.noise.probability,
            on_time_cases,
            shared,
            per_player,
            decisions,
            joint,
            chance,
            score,
            events,
            early,
            on_time,
            score_metric,
            gated: false,
        };
        let gated = compiled
            .decisions
            .iter()
            .flatten()
            .any(|d| d.options.iter().any(|o| o.available.is_some()));
        let compiled = Compiled { gated, ..compiled };
        self.turn_work(&compiled);
        Some(compiled)
    }

    /// Refuses a scenario whose turn could apply more effects than the limit
    /// (see `limits`), placed at the part of the file that contributes most.
    fn turn_work(&mut self, c: &Compiled) {
        let parts = turn_work_parts(c);
        let total: usize = parts.iter().map(|p| p.1).sum();
        if total > MAX_CHANGES_PER_TURN {
            let (list, most) = parts
                .iter()
                .copied()
                .max_by_key(|p| p.1)
                .unwrap_or(("players", 0));
            self.error(
                list,
                format!(
                    "one turn could apply {total} effects and clamps ({most} from {list}); \
                     the limit is {MAX_CHANGES_PER_TURN}"
                ),
                Some(format!(
                    "fewer effects per option, rule or event; the events step applies at most \
                     {MAX_EVENTS_PER_TURN} fired events a turn, so a repeatable event's effects count that often"
                )),
            );
        }
    }

    fn metrics(&mut self) -> (Vec<CMetric>, Vec<CMetric>) {
        let (mut shared, mut per) = (Vec::new(), Vec::new());
        for (i, m) in self.s.metrics.iter().enumerate() {
            let path = format!("metrics[{i}]");
            for (field, v) in [("min", m.min), ("max", m.max), ("initial", m.initial)] {
                self.finite(&format!("{path}.{field}"), v);
            }
            if m.min > m.max {
                self.error(
                    format!("{path}.max"),
                    format!("max {} is below min {}", m.max, m.min),
                    None,
                );
            }
            let in_range = |v: f64| v >= m.min && v <= m.max;
            if !in_range(m.initial) {
                self.error(
                    format!("{path}.initial"),
                    format!(
                        "initial value {} is outside [{}, {}]",
                        m.initial, m.min, m.max
                    ),
                    None,
                );
            }
            let mut initial = [m.initial; 2];
            if m.scope == Scope::Shared && !m.initial_for.is_empty() {
                self.error(
                    format!("{path}.initial_for"),
                    "a shared metric has one initial value",
                    Some("remove initial_for, or make the metric PerPlayer".into()),
                );
            }
            for (who, &v) in &m.initial_for {
                let field = format!("{path}.initial_for.{who}");
                match self.players.get(who.as_str()) {
                    Some(&p) => initial[p as usize] = v,
                    None => {
                        let known: Vec<&str> =
                            self.s.players.iter().map(|p| p.id.as_str()).collect();
                        self.unknown(&field, "player", who, known);
                    }
                }
                if !in_range(v) {
                    self.error(
                        field,
                        format!("initial value {v} is outside [{}, {}]", m.min, m.max),
                        None,
                    );
                }
            }
            let mut fog = [0.0; 2];
            if let Some(f) = &m.fog {
                if !(f.error.is_finite() && f.error >= 0.0) {
                    self.error(
                        format!("{path}.fog.error"),
                        "the error of an estimate is a finite number, 0 or more",
                        Some("write e.g. `error: 10` for estimates up to 10 off".into()),
                    );
                }
                for (k, who) in f.players.iter().enumerate() {
                    match self.players.get(who.as_str()) {
                        Some(&p) => fog[p as usize] = f.error,
                        None => {
                            let known: Vec<&str> =
                                self.s.players.iter().map(|p| p.id.as_str()).collect();
                            self.unknown(&format!("{path}.fog.players[{k}]"), "player", who, known);
                        }
                    }
                }
            }
            // Every screen shows the scores, and the dilemma is measured in them:
            // a score the players cannot read would leave them nothing to play for.
            if m.id == self.s.endings.score {
                for (hides, field, why) in [
                    (m.hidden, "hidden", "hidden"),
                    (m.fog.is_some(), "fog", "seen only as an estimate"),
                ] {
                    if hides {
                        self.error(
                            format!("{path}.{field}"),
                            format!("the score metric \"{}\" cannot be {why}", m.id),
                            Some(
                                "every screen shows each side's score; hide or fog another metric"
                                    .into(),
                            ),
                        );
                    }
                }
            }
            let c = CMetric {
                min: m.min,
                max: m.max,
                initial,
                fog,
                hidden: m.hidden,
            };
            match m.scope {
                Scope::Shared => shared.push(c),
                Scope::PerPlayer => per.push(c),
            }
        }
        (shared, per)
    }

    fn player_decisions(&mut self, p: usize) -> Vec<CDecision> {
        let player = &self.s.players[p];
        let path = format!("players[{p}].decisions");
        if player.decisions.is_empty() {
            self.error(&path, "a player needs at least one decision", None);
        }
        self.limit(&path, "decisions", player.decisions.len(), MAX_DECISIONS);
        self.decisions[p] = self.index(
            "decision",
            player
                .decisions
                .iter()
                .enumerate()
                .map(|(d, x)| (format!("{path}[{d}].id"), x.id.as_str())),
        );
        player
            .decisions
            .iter()
            .enumerate()
            .map(|(d, decision)| self.decision(&format!("{path}[{d}]"), decision, p as u8))
            .collect()
    }

    fn decision(&mut self, path: &str, d: &Decision, owner: u8) -> CDecision {
        if d.options.is_empty() {
            self.error(
                format!("{path}.options"),
                format!("decision \"{}\" has no options", d.id),
                None,
            );
        }
        self.limit(
            &format!("{path}.options"),
            "options",
            d.options.len(),
            MAX_OPTIONS,
        );
        if !(d.weight.is_finite() && d.weight >= 0.0) {
            self.error(
                format!("{path}.weight"),
                "weight must be zero or more",
                None,
            );
        }
        self.index(
            "option",
            d.options
                .iter()
                .enumerate()
                .map(|(o, x)| (format!("{path}.options[{o}].id"), x.id.as_str())),
        );
        let options: Vec<COption> = d
            .options
            .iter()
            .enumerate()
            .map(|(o, opt)| {
                let opath = format!("{path}.options[{o}]");
                if let Some(strike) = &opt.strikes {
                    self.strike_places(&format!("{opath}.strikes"), strike);
                }
                let available = (opt.available != Condition::Always)
                    .then(|| self.cond(&format!("{opath}.available"), &opt.available, Some(owner)));
                COption {
                    id: opt.id.clone(),
                    stance: opt.stance,
                    effects: self.effects(&format!("{opath}.effects"), &opt.effects, Some(owner)),
                    available,
                }
            })
            .collect();
        if !d.options.is_empty() && options.iter().all(|o| o.available.is_some()) {
            self.error(
                format!("{path}.options"),
                format!(
                    "every option of decision \"{}\" has an `available` condition",
                    d.id
                ),
                Some("leave one option always available, so a side can always choose".into()),
            );
        }
        let first = |stance| options.iter().position(|o| o.stance == stance);
        let any = first(Stance::Cooperate)
            .or(first(Stance::Defect))
            .unwrap_or(0) as u8;
        CDecision {
            id: d.id.clone(),
            weight: d.weight,
            first_cooperate: first(Stance::Cooperate).map_or(any, |i| i as u8),
            first_defect: first(Stance::Defect).map_or(any, |i| i as u8),
            options,
        }
    }

    fn rules(&mut self, list: &str, rules: &[Rule]) -> Vec<CRule> {
        rules
            .iter()
            .enumerate()
            .map(|(i, r)| CRule {
                when: self.cond(&format!("{list}[{i}].when"), &r.when, None),
                effects: self.effects(&format!("{list}[{i}].effects"), &r.effects, None),
            })
            .collect()
    }

    fn event_list(&mut self) -> Vec<CEvent> {
        let s = self.s;
        s.events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let path = format!("events[{i}]");
                if e.repeatable {
                    let seen = s.events[..=i].iter().filter(|e| e.repeatable).count();
                    self.count(
                        &format!("{path}.repeatable"),
                        "repeatable events",
                        seen,
                        MAX_REPEATABLE_EVENTS,
                    );
                }
                let trigger = match &e.trigger {
                    Trigger::AtTurn(t) => {
                        if *t == 0 || *t > s.turns {
                            self.warn(
                                format!("{path}.trigger"),
                                format!(
                                    "event \"{}\" can never fire: turn {t} is outside 1..={}",
                                    e.id, s.turns
                                ),
                                None,
                            );
                        }
                        CTrigger::AtTurn(*t)
                    }
                    Trigger::When(c) => {
                        CTrigger::When(self.cond(&format!("{path}.trigger"), c, None))
                    }
                    Trigger::Fired => CTrigger::Fired,
                };
                let effects = self.effects(&format!("{path}.effects"), &e.effects, None);
                let choice = e.choice.as_ref().and_then(|ch| {
                    let cpath = format!("{path}.choice");
                    self.id(&format!("{cpath}.decision.id"), "decision", &ch.decision.id);
                    match self.players.get(ch.player.as_str()) {
                        Some(&p) => Some((
                            p,
                            self.decision(&format!("{cpath}.decision"), &ch.decision, p),
                        )),
                        None => {
                            let known: Vec<&str> =
                                s.players.iter().map(|p| p.id.as_str()).collect();
                            self.unknown(&format!("{cpath}.player"), "player", &ch.player, known);
                            None
                        }
                    }
                });
                CEvent {
                    trigger,
                    repeatable: e.repeatable,
                    effects,
                    choice,
                }
            })
            .collect()
    }

    fn verdict(&mut self, path: &str, v: &Verdict) -> CVerdict {
        match v {
            Verdict::Win(p) => CVerdict::Win(self.player(path, p, None).resolve(None)),
            Verdict::Lose(p) => CVerdict::Lose(self.player(path, p, None).resolve(None)),
            Verdict::BothWin => CVerdict::BothWin,
            Verdict::BothLose => CVerdict::BothLose,
            Verdict::ByScore => CVerdict::ByScore,
            Verdict::NoWinner => CVerdict::NoWinner,
        }
    }

    fn player(&mut self, path: &str, id: &str, owner: Option<u8>) -> Who {
        match (id, owner) {
            ("self", Some(_)) => return Who::Mine,
            ("other", Some(_)) => return Who::Theirs,
            ("self" | "other", None) => {
                self.error(
                    path,
                    format!("\"{id}\" only works inside an option's effects"),
                    Some("name the player by id".into()),
                );
                return Who::Fixed(0);
            }
            _ => {}
        }
        match self.players.get(id) {
            Some(&p) => Who::Fixed(p),
            None => {
                let known: Vec<&str> = self.s.players.iter().map(|p| p.id.as_str()).collect();
                self.unknown(path, "player", id, known);
                Who::Fixed(0)
            }
        }
    }

    /// Resolves `"shared"`, `"player.metric"`, `"self.metric"` or `"other.metric"`.
    fn metric(&mut self, path: &str, r: &str, owner: Option<u8>) -> Slot {
        let all_ids = || -> Vec<String> {
            let mut ids: Vec<String> = self.shared.keys().map(|k| k.to_string()).collect();
            for p in self
                .s
                .players
                .iter()
                .map(|p| p.id.as_str())
                .chain(owner.map(|_| ["self", "other"]).into_iter().flatten())
            {
                ids.extend(self.per_player.keys().map(|m| format!("{p}.{m}")));
            }
            ids.sort();
            ids
        };
        if let Some((who, id)) = r.split_once('.') {
            let Some(&m) = self.per_player.get(id) else {
                let ids = all_ids();
                let hint = did_you_mean(r, ids.iter().map(|s| s.as_str()));
                let hint = if self.shared.contains_key(id) {
                    Some(format!(
                        "\"{id}\" is a shared metric: write it without a player"
                    ))
                } else {
                    hint
                };
                self.error(path, format!("unknown metric \"{r}\""), hint);
                return Slot::Shared(0);
            };
            return match self.player(path, who, owner) {
                Who::Fixed(p) => Slot::Player(p, m),
                Who::Mine => Slot::Mine(m),
                Who::Theirs => Slot::Theirs(m),
            };
        }
        if let Some(&m) = self.shared.get(r) {
            return Slot::Shared(m);
        }
        if self.per_player.contains_key(r) {
            let example = self.s.players[0].id.as_str();
            self.error(
                path,
                format!("\"{r}\" is a per-player metric: say whose"),
                Some(format!(
                    "write \"{example}.{r}\"{}",
                    if owner.is_some() {
                        " or \"self.…\""
                    } else {
                        ""
                    }
                )),
            );
        } else {
            let ids = all_ids();
            self.unknown(path, "metric", r, ids.iter().map(|s| s.as_str()));
        }
        Slot::Shared(0)
    }

    fn decision_option(
        &mut self,
        path: &str,
        who: Who,
        owner: Option<u8>,
        decision: &str,
        option: &str,
    ) -> (u16, u8) {
        let p = who.resolve(owner) as usize;
        let players = &self.s.players;
        let Some(&d) = self.decisions[p].get(decision) else {
            let known: Vec<&str> = players[p].decisions.iter().map(|d| d.id.as_str()).collect();
            self.unknown(&format!("{path}.decision"), "decision", decision, known);
            return (0, 0);
        };
        let options = &players[p].decisions[d as usize].options;
        match options.iter().position(|o| o.id == option) {
            Some(o) => (d, o as u8),
            None => {
                let known: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
                self.unknown(path, "option", option, known);
                (d, 0)
            }
        }
    }

    fn cond(&mut self, path: &str, c: &Condition, owner: Option<u8>) -> Cond {
        self.conditions_seen += 1;
        self.count(path, "conditions", self.conditions_seen, MAX_CONDITIONS);
        match c {
            Condition::Always => Cond::Always,
            Condition::Above { metric, value } => {
                self.finite(&format!("{path}.value"), *value);
                Cond::Above(
                    self.metric(&format!("{path}.metric"), metric, owner),
                    *value,
                )
            }
            Condition::Below { metric, value } => {
                self.finite(&format!("{path}.value"), *value);
                Cond::Below(
                    self.metric(&format!("{path}.metric"), metric, owner),
                    *value,
                )
            }
            Condition::Between { metric, min, max } => {
                self.finite(&format!("{path}.min"), *min);
                self.finite(&format!("{path}.max"), *max);
                if min > max {
                    self.error(format!("{path}.max"), "max is below min", None);
                }
                Cond::Between(
                    self.metric(&format!("{path}.metric"), metric, owner),
                    *min,
                    *max,
                )
            }
            Condition::Chose {
                player,
                decision,
                option,
                turn,
            } => {
                let who = self.player(&format!("{path}.player"), player, owner);
                let (decision, option) =
                    self.decision_option(&format!("{path}.option"), who, owner, decision, option);
                Cond::Chose {
                    who,
                    decision,
                    option,
                    last: *turn == When::LastTurn,
                }
            }
            Condition::Played {
                player,
                stance,
                turn,
            } => Cond::Played {
                who: self.player(&format!("{path}.player"), player, owner),
                stance: *stance,
                last: *turn == When::LastTurn,
            },
            Condition::Turn { from, to } => {
                if from > to {
                    self.error(
                        format!("{path}.to"),
                        format!("turn range {from}..={to} is empty"),
                        None,
                    );
                }
                Cond::Turn(*from, *to)
            }
            Condition::Chance(p) => {
                self.probability(path, *p);
                Cond::Chance(*p)
            }
            Condition::ChancePer { metric, per, base } => {
                self.finite(&format!("{path}.per"), *per);
                self.finite(&format!("{path}.base"), *base);
                Cond::ChancePer(
                    self.metric(&format!("{path}.metric"), metric, owner),
                    *base,
                    *per,
                )
            }
            Condition::Fired(id) => Cond::Fired(self.event_ref(path, id)),
            Condition::Answered {
                player,
                event,
                option,
            } => {
                let who = self.player(&format!("{path}.player"), player, owner);
                let e = self.event_ref(&format!("{path}.event"), event);
                let option = self.event_option(path, who, owner, e, event, option);
                Cond::Answered {
                    who,
                    event: e,
                    option,
                }
            }
            Condition::All(list) => Cond::All(self.conds(path, list, owner)),
            Condition::Any(list) => Cond::Any(self.conds(path, list, owner)),
            Condition::Not(inner) => Cond::Not(Box::new(self.cond(path, inner, owner))),
        }
    }

    /// The index of an option of an event's choice, checking that the event offers its
    /// choice to that player.
    fn event_option(
        &mut self,
        path: &str,
        who: Who,
        owner: Option<u8>,
        e: u16,
        event: &str,
        option: &str,
    ) -> u8 {
        let s = self.s;
        // An unknown event was reported by `event_ref`; nothing more to check.
        let Some(ev) = s.events.get(e as usize).filter(|ev| ev.id == event) else {
            return 0;
        };
        let Some(choice) = ev.choice.as_ref() else {
            self.error(
                format!("{path}.event"),
                format!("event \"{event}\" offers no choice"),
                Some("`Answered` tests an event with a `choice`".into()),
            );
            return 0;
        };
        if matches!(who, Who::Fixed(_)) || owner.is_some() {
            let p = who.resolve(owner) as usize;
            if s.players.get(p).is_some_and(|pl| pl.id != choice.player) {
                self.error(
                    format!("{path}.player"),
                    format!(
                        "event \"{event}\" offers its choice to \"{}\", not to this player",
                        choice.player
                    ),
                    Some(format!("write player: \"{}\"", choice.player)),
                );
            }
        }
        match choice.decision.options.iter().position(|o| o.id == option) {
            Some(i) => i as u8,
            None => {
                let known: Vec<&str> = choice
                    .decision
                    .options
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect();
                self.unknown(&format!("{path}.option"), "option", option, known);
                0
            }
        }
    }

    fn conds(&mut self, path: &str, list: &[Condition], owner: Option<u8>) -> Vec<Cond> {
        list.iter()
            .enumerate()
            .map(|(i, c)| self.cond(&format!("{path}[{i}]"), c, owner))
            .collect()
    }

    fn event_ref(&mut self, path: &str, id: &str) -> u16 {
        match self.events.get(id) {
            Some(&e) => e,
            None => {
                let known: Vec<&str> = self.s.events.iter().map(|e| e.id.as_str()).collect();
                self.unknown(path, "event", id, known);
                0
            }
        }
    }

    fn effects(&mut self, path: &str, effects: &[Effect], owner: Option<u8>) -> Vec<Eff> {
        effects
            .iter()
            .enumerate()
            .map(|(i, e)| self.effect(&format!("{path}[{i}]"), e, owner))
            .collect()
    }

    fn effect(&mut self, path: &str, e: &Effect, owner: Option<u8>) -> Eff {
        self.effects_seen += 1;
        self.count(path, "effects", self.effects_seen, MAX_EFFECTS);
        let target = |c: &mut Self, metric: &str| {
            let slot = c.metric(&format!("{path}.metric"), metric, owner);
            c.changed.insert(slot);
            slot
        };
        match e {
            Effect::Add { metric, value } => {
                self.finite(&format!("{path}.value"), *value);
                Eff::Add(target(self, metric), *value)
            }
            Effect::Set { metric, value } => {
                let slot = target(self, metric);
                self.finite(&format!("{path}.value"), *value);
                if let Some(m) = self
                    .s
                    .metrics
                    .iter()
                    .find(|m| metric.rsplit('.').next() == Some(m.id.as_str()))
                    && (*value < m.min || *value > m.max)
                {
                    self.error(
                        format!("{path}.value"),
                        format!(
                            "value {value} is outside the metric's range [{}, {}]",
                            m.min, m.max
                        ),
                        None,
                    );
                }
                Eff::Set(slot, *value)
            }
            Effect::Scale { metric, factor } => {
                self.finite(&format!("{path}.factor"), *factor);
                Eff::Scale(target(self, metric), *factor)
            }
            Effect::AddPer {
                metric,
                per,
                factor,
            } => {
                self.finite(&format!("{path}.factor"), *factor);
                let slot = target(self, metric);
                Eff::AddPer(
                    slot,
                    self.metric(&format!("{path}.per"), per, owner),
                    *factor,
                )
            }
            Effect::Fire(id) => {
                let e = self.event_ref(path, id);
                self.fired.insert(e);
                Eff::Fire(e)
            }
            Effect::Misperceive {
                player,
                decision,
                shown,
            } => {
                let who = self.player(&format!("{path}.player"), player, owner);
                let (decision, shown) =
                    self.decision_option(&format!("{path}.shown"), who, owner, decision, shown);
                Eff::Misperceive {
                    who,
                    decision,
                    shown,
                }
            }
        }
    }

    fn strike_places(&mut self, path: &str, strike: &Strike) {
        let known: Vec<&str> = self
            .s
            .map
            .iter()
            .flat_map(|m| m.locations.iter().map(|l| l.id.as_str()))
            .collect();
        for (i, at) in strike.at.iter().enumerate() {
            if !known.contains(&at.as_str()) {
                self.unknown(
                    &format!("{path}.at[{i}]"),
                    "map location",
                    at,
                    known.clone(),
                );
            }
        }
    }

    fn map(&mut self) {
        let Some(map) = &self.s.map else { return };
        self.index(
            "location",
            map.locations
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("map.locations[{i}].id"), l.id.as_str())),
        );
        for (i, l) in map.locations.iter().enumerate() {
            if !(0.0..=1.0).contains(&l.x) || !(0.0..=1.0).contains(&l.y) {
                self.error(
                    format!("map.locations[{i}].x"),
                    "map coordinates are fractions in [0, 1]",
                    None,
                );
            }
            if let Some(level) = l.falls_at {
                self.finite(&format!("map.locations[{i}].falls_at"), level);
            }
            if let Some(h) = &l.holder
                && !self.players.contains_key(h.as_str())
                && !map.factions.iter().any(|f| &f.id == h)
            {
                let known: Vec<&str> = self
                    .players
                    .keys()
                    .copied()
                    .chain(map.factions.iter().map(|f| f.id.as_str()))
                    .collect();
                self.unknown(
                    &format!("map.locations[{i}].holder"),
                    "player or faction",
                    h,
                    known,
                );
            }
        }
        let factions = self.index(
            "faction",
            map.factions
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("map.factions[{i}].id"), f.id.as_str())),
        );
        for (id, i) in factions {
            if self.players.contains_key(id) {
                self.error(
                    format!("map.factions[{i}].id"),
                    format!("faction id \"{id}\" is also a player id"),
                    Some("a faction is a side that is not a player; give it its own id".into()),
                );
            }
        }
        for (i, line) in map.lines.iter().enumerate() {
            if let Some(k) = line
                .points
                .iter()
                .position(|&(x, y)| !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y))
            {
                self.error(
                    format!("map.lines[{i}].points[{k}]"),
                    "map coordinates are fractions in [0, 1]",
                    Some("(0, 0) is the top left corner, (1, 1) the bottom right".into()),
                );
            }
        }
        for (field, metric) in [
            ("map.pressure_metric", &map.pressure_metric),
            ("map.harm_metric", &map.harm_metric),
        ] {
            if let Some(id) = metric
                && !self.shared.contains_key(id.as_str())
            {
                let known: Vec<&str> = self.shared.keys().copied().collect();
                self.unknown(field, "shared metric", id, known);
            }
        }
    }

    fn unused_warnings(&mut self) {
        let s = self.s;
        self.problems.extend(super::provenance::unstated(s));
        for (i, e) in s.events.iter().enumerate() {
            if matches!(e.trigger, Trigger::Fired) && !self.fired.contains(&(i as u16)) {
                self.warn(
                    format!("events[{i}].trigger"),
                    format!("event \"{}\" can never fire: no effect fires it", e.id),
                    Some(format!(
                        "add Fire(\"{}\") to a rule, or give it a turn or a condition",
                        e.id
                    )),
                );
            }
        }
        let changed = |slot: Slot| {
            self.changed.contains(&slot)
                || matches!(slot, Slot::Player(_, m) if self.changed.contains(&Slot::Mine(m)) || self.changed.contains(&Slot::Theirs(m)))
        };
        let mut unchanged = Vec::new();
        for (i, m) in s.metrics.iter().enumerate() {
            let touched = match m.scope {
                Scope::Shared => changed(Slot::Shared(self.shared[m.id.as_str()])),
                Scope::PerPlayer => {
                    let idx = self.per_player[m.id.as_str()];
                    changed(Slot::Player(0, idx)) || changed(Slot::Player(1, idx))
                }
            };
            if !touched {
                unchanged.push((i, m.id.clone()));
            }
        }
        for (i, id) in unchanged {
            self.warn(
                format!("metrics[{i}].id"),
                format!("nothing changes metric \"{id}\""),
                Some("add an effect that changes it, or remove it".into()),
            );
        }
    }
}
