//! What the teacher sees and may do: the dashboard's view of a session (every pair's
//! turn, who it waits for, its move strip, scores and misreads; the class's
//! cooperation per turn and its outcomes), the controls (pause, resume, close the
//! code, hand silent seats to the AI, end), and the downloads (records, the class
//! summary, each pair's debrief). Every entry point takes the teacher token.

use super::engine::{ClassWorld, Refused};
use super::store::Seat;
use crate::report::class_summary::{self, GameSummary};
use crate::report::debrief;
use crate::scenario::schema::Stance;
use crate::sim::components::{Match, SubmitOrders};
use serde::Serialize;

/// A teacher's control.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Pause,
    Resume,
    /// No new students; one still waiting for a partner plays the stand-in AI.
    Close,
    /// Every student seat the current turn still waits for goes to the stand-in AI.
    AiForSilent,
    /// One of the scenario's events happens in every running match at its next
    /// briefing, its choice offered there (the downed airliner, say):
    /// `{"action": {"announce": "EVENT_ID"}}`.
    Announce(String),
    End,
}

/// The dashboard's view of a session.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub code: String,
    pub scenario: String,
    pub scenario_name: String,
    pub players: [String; 2],
    pub open: bool,
    pub paused: bool,
    pub ended: bool,
    pub students: usize,
    /// Nicknames of students still waiting for a partner.
    pub waiting: Vec<String>,
    pub pairs: Vec<Pair>,
    /// Per turn (index 0 is turn 1): the share of sides that cooperated, over the
    /// matches that played it.
    pub cooperation: Vec<f64>,
    /// How finished matches ended: ending (or "on time") → count.
    pub outcomes: Vec<(String, usize)>,
    /// The turn most matches are at.
    pub class_turn: u32,
    /// The stage game at the class's turn, as `analyze` measures it.
    pub dilemma: Option<DilemmaView>,
    /// Events the teacher may announce: (id, title). Each fires at a match's next briefing.
    pub events: Vec<(String, String)>,
}

/// The Dilemma view of a turn: the game's name, in words, and its payoffs.
#[derive(Debug, Clone, Serialize)]
pub struct DilemmaView {
    pub turn: u32,
    pub name: String,
    pub description: String,
    /// `matrix[row][col]` = [first side's, second side's] one-turn gain; 0 cooperate, 1 defect.
    pub matrix: [[[f64; 2]; 2]; 2],
}

/// Samples a cell when the scenario has chance: enough for the dashboard's two decimals
/// to settle, and quick enough for the engine thread.
const DILEMMA_SAMPLES: usize = 64;

/// One match on the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub record: String,
    pub names: [String; 2],
    pub turn: u32,
    pub turns: u32,
    pub over: bool,
    pub waiting_for: Vec<String>,
    /// One entry per turn: "CC", "CD", …, first side first.
    pub moves: Vec<String>,
    pub scores: [f64; 2],
    pub cooperation: [f64; 2],
    pub misreads: usize,
    pub ending: String,
}

impl ClassWorld {
    /// The dashboard of session `code`, for its teacher.
    pub fn dashboard(&mut self, code: &str, token: &str) -> Result<Dashboard, Refused> {
        let s = self.teacher_session(code, token)?;
        let session = &self.sessions[s];
        let mut pairs = Vec::new();
        let mut per_turn: Vec<(usize, usize)> = Vec::new();
        let mut outcomes: std::collections::BTreeMap<String, usize> = Default::default();
        let mut turns_at = Vec::new();
        for (m, record) in session.records.iter().enumerate() {
            let summary = GameSummary::of(&self.store_file_name(m), record);
            let live = session.entities[m].and_then(|e| self.world.get::<Match>(e));
            let waiting_for = self
                .waiting_sides(s, m)
                .map(|(_, sides)| {
                    sides
                        .into_iter()
                        .map(|p| self.seat_label(s, m, p))
                        .collect()
                })
                .unwrap_or_default();
            let moves = record
                .history
                .iter()
                .map(|t| {
                    t.stances
                        .iter()
                        .map(|st| if *st == Stance::Cooperate { 'C' } else { 'D' })
                        .collect()
                })
                .collect();
            for (i, t) in record.history.iter().enumerate() {
                if per_turn.len() <= i {
                    per_turn.push((0, 0));
                }
                per_turn[i].0 += t
                    .stances
                    .iter()
                    .filter(|st| **st == Stance::Cooperate)
                    .count();
                per_turn[i].1 += t.stances.len();
            }
            let over = record.outcome.is_some();
            if over {
                *outcomes.entry(summary.ending.clone()).or_default() += 1;
            }
            let turn = live.map_or(record.history.len() as u32, |mat| mat.turn);
            if !over && !session.file.ended {
                turns_at.push(turn);
            }
            pairs.push(Pair {
                record: self.store_file_name(m),
                names: [0, 1].map(|p| self.seat_label(s, m, p)),
                turn,
                turns: record.turns,
                over,
                waiting_for,
                moves,
                scores: summary.scores,
                cooperation: summary.cooperation,
                misreads: debrief::misreads(record).len(),
                ending: summary.ending,
            });
        }
        turns_at.sort_unstable();
        let class_turn = turns_at.get(turns_at.len() / 2).copied().unwrap_or(0);
        let dilemma = self.dilemma(s, class_turn);
        let session = &self.sessions[s];
        let sc = &session.scenario.scenario;
        Ok(Dashboard {
            events: session
                .scenario
                .scenario
                .events
                .iter()
                .map(|e| (e.id.clone(), e.title.clone()))
                .collect(),
            dilemma,
            code: session.file.code.clone(),
            scenario: sc.id.clone(),
            scenario_name: sc.title.clone(),
            players: [0, 1].map(|p| sc.players[p].name.clone()),
            open: session.file.open,
            paused: session.file.paused,
            ended: session.file.ended,
            students: session.file.students.len(),
            waiting: self
                .unseated(s)
                .map(|i| session.file.students[i].name.clone())
                .collect(),
            pairs,
            cooperation: per_turn
                .iter()
                .map(|&(c, n)| if n == 0 { 0.0 } else { c as f64 / n as f64 })
                .collect(),
            outcomes: outcomes.into_iter().collect(),
            class_turn,
        })
    }

    /// The stage game at `turn`, measured once per session and turn.
    fn dilemma(&mut self, s: usize, turn: u32) -> Option<DilemmaView> {
        if turn == 0 {
            return None;
        }
        let session = &mut self.sessions[s];
        if let Some(d) = session.dilemma.as_ref().filter(|d| d.turn == turn) {
            return Some(d.clone());
        }
        let seed = session.file.settings.seed;
        let game =
            crate::analysis::stage_game(&session.scenario, turn, DILEMMA_SAMPLES, seed).ok()?;
        let view = DilemmaView {
            turn,
            name: crate::analysis::classify::name(game.classification.kind).to_string(),
            description: game.description,
            matrix: game.matrix,
        };
        session.dilemma = Some(view.clone());
        Some(view)
    }

    fn store_file_name(&self, m: usize) -> String {
        super::store::Store::record_file(m)
    }

    /// A seat as the dashboard names it: the nickname, or the AI's id.
    fn seat_label(&self, s: usize, m: usize, p: usize) -> String {
        match &self.sessions[s].file.matches[m].seats[p] {
            Seat::Student(i) => self.sessions[s].file.students[*i].name.clone(),
            Seat::Ai(id) => format!("AI ({id})"),
        }
    }

    /// Carries out a teacher's control.
    pub fn act(&mut self, code: &str, token: &str, action: Action) -> Result<(), Refused> {
        let s = self.teacher_session(code, token)?;
        let fail = |e: String| (super::protocol::Refusal::Ended, e);
        match action {
            Action::Pause => {
                self.sessions[s].file.paused = true;
                self.save(s);
            }
            Action::Resume => {
                self.sessions[s].file.paused = false;
                for (m, p, orders) in std::mem::take(&mut self.sessions[s].queued) {
                    if let Some(match_entity) = self.sessions[s].entities[m] {
                        self.world.write_message(SubmitOrders {
                            match_entity,
                            player: p as u8,
                            orders,
                        });
                    }
                }
                self.save(s);
            }
            Action::Close => {
                self.sessions[s].file.open = false;
                self.seat_waiting_with_ai(s).map_err(fail)?;
                self.save(s);
            }
            Action::AiForSilent => {
                for m in 0..self.sessions[s].entities.len() {
                    let silent: Vec<usize> = self
                        .waiting_sides(s, m)
                        .map(|(_, sides)| sides)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|&p| {
                            matches!(self.sessions[s].file.matches[m].seats[p], Seat::Student(_))
                        })
                        .collect();
                    for p in silent {
                        self.give_to_ai(s, m, p).map_err(fail)?;
                    }
                }
            }
            Action::Announce(id) => {
                let Some(e) = self.sessions[s]
                    .scenario
                    .scenario
                    .events
                    .iter()
                    .position(|e| e.id == id)
                else {
                    return Err((
                        super::protocol::Refusal::Malformed,
                        format!("the scenario has no event \"{id}\""),
                    ));
                };
                let mut announced = 0;
                for (m, entity) in self.sessions[s].entities.clone().into_iter().enumerate() {
                    let Some(entity) = entity else { continue };
                    if let Some(turn) = crate::sim::announce(&mut self.world, entity, e as u16) {
                        announced += 1;
                        self.sessions[s].file.matches[m]
                            .announced
                            .push((turn, id.clone()));
                        let msg = super::protocol::ServerMsg::Announced {
                            turn,
                            event: id.clone(),
                        };
                        for st in self.students_of(s, m) {
                            self.send(st, msg.clone());
                        }
                    }
                }
                if announced == 0 {
                    return Err((
                        super::protocol::Refusal::Malformed,
                        format!(
                            "\"{id}\" cannot be announced now: no match has a briefing to come where it could happen (it has happened and does not repeat, it is announced already, or the games end first)"
                        ),
                    ));
                }
                // Kept with the session, so a restarted server announces it still.
                self.save(s);
            }
            Action::End => self.end_session(s),
        }
        self.pump();
        Ok(())
    }

    /// A match's record as its file holds it, by file name (`match-NN.ron`).
    pub fn record_text(&self, code: &str, token: &str, file: &str) -> Result<String, Refused> {
        let s = self.teacher_session(code, token)?;
        let m = self.match_by_file(s, file)?;
        self.sessions[s].records[m]
            .to_text()
            .map_err(|e| (super::protocol::Refusal::Malformed, e))
    }

    /// A match's debrief report (Markdown), as `common-enemy report` writes it.
    pub fn debrief(&self, code: &str, token: &str, file: &str) -> Result<String, Refused> {
        let s = self.teacher_session(code, token)?;
        let m = self.match_by_file(s, file)?;
        let session = &self.sessions[s];
        Ok(debrief::markdown(
            &session.records[m],
            Some(&session.scenario),
        ))
    }

    /// The class summary (Markdown), as `common-enemy class-summary` writes it for
    /// the session's records folder.
    pub fn summary(&self, code: &str, token: &str) -> Result<String, Refused> {
        let s = self.teacher_session(code, token)?;
        let dir = self.store.records_dir(&self.sessions[s].file.code);
        let class =
            class_summary::read_dir(&dir).map_err(|e| (super::protocol::Refusal::Malformed, e))?;
        Ok(class_summary::markdown(&class, &dir.display().to_string()))
    }

    fn match_by_file(&self, s: usize, file: &str) -> Result<usize, Refused> {
        (0..self.sessions[s].records.len())
            .find(|&m| self.store_file_name(m) == file)
            .ok_or((
                super::protocol::Refusal::NoMatch,
                format!("no match record {file}"),
            ))
    }
}
