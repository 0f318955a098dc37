//! The class server's engine: every match of every session lives in one `World`
//! and advances through the same `TurnSchedule` as every other mode, batched — one
//! [`ClassWorld::pump`] resolves every match whose orders are complete. Students'
//! sides are `External`; an AI seat is a strategy like any other. Nothing here
//! computes an outcome: it seats students, checks and forwards their orders, and
//! writes and sends each turn's record once the engine has made it.
//!
//! The engine is synchronous and owns no sockets: the network layer (`class::http`)
//! calls it from one thread and hands it a channel per connection, so tests can
//! drive it directly.

use super::protocol::{MatchInfo, PROTOCOL, Refusal, ServerMsg, clean_name};
use super::store::{MatchFile, SESSION_FORMAT, Seat, SessionFile, Settings, Store, StudentFile};
use super::tokens;
use crate::scenario::LoadedScenario;
use crate::sim::components::{Controller, Match, Phase, Sides, SubmitOrders};
use crate::sim::orders::check_side_orders;
use crate::sim::record::{GameRecord, Recorder};
use crate::sim::{MatchSetup, assign_controller, despawn_match, scratch_world, spawn_match};
use bevy::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Where a server sends one connection's messages.
pub type Outbox = UnboundedSender<ServerMsg>;

/// A refusal with the message the client shows.
pub type Refused = (Refusal, String);

fn refuse<T>(kind: Refusal, message: impl Into<String>) -> Result<T, Refused> {
    Err((kind, message.into()))
}

/// A seat of a session: (session index, student index).
pub type StudentRef = (usize, usize);

/// What `class open` gets back: the code to give students, the token to keep.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Opened {
    pub code: String,
    pub teacher_token: String,
}

/// A session in memory: its file, its scenario, and each match's entity and record.
pub(super) struct Session {
    pub file: SessionFile,
    pub scenario: Arc<LoadedScenario>,
    /// Per match: the match entity while it is being played.
    pub entities: Vec<Option<Entity>>,
    /// Per match: the record as last written (every resolved turn).
    pub records: Vec<GameRecord>,
    /// Orders sent while the session was paused, submitted on resume.
    pub queued: Vec<(usize, usize, crate::sim::components::Orders)>,
    /// The dashboard's Dilemma view, kept for the turn it was measured at.
    pub dilemma: Option<super::teacher::DilemmaView>,
    /// Per match: the last status its students were sent, so a change is sent once.
    pub told: Vec<Option<ServerMsg>>,
}

/// Every session of a server.
pub struct ClassWorld {
    pub(super) world: World,
    scenarios: PathBuf,
    pub(super) store: Store,
    pub(super) sessions: Vec<Session>,
    by_code: HashMap<String, usize>,
    by_seat: HashMap<String, StudentRef>,
    subscribers: HashMap<StudentRef, Vec<Outbox>>,
    /// What went wrong that no client asked about (a failed write): the server logs it.
    pub log: Vec<String>,
}

impl ClassWorld {
    /// A server over `store`, scenarios read from the folder `scenarios`; every
    /// session in the store is restored (its matches replayed from their records).
    pub fn open(store: Store, scenarios: impl Into<PathBuf>) -> Self {
        let mut cw = ClassWorld {
            world: scratch_world(),
            scenarios: scenarios.into(),
            store,
            sessions: Vec::new(),
            by_code: HashMap::new(),
            by_seat: HashMap::new(),
            subscribers: HashMap::new(),
            log: Vec::new(),
        };
        for file in cw.store.sessions() {
            match file.and_then(|f| cw.restore(f)) {
                Ok(()) => {}
                Err(e) => cw.log.push(format!("a session was not restored: {e}")),
            }
        }
        cw.pump();
        cw
    }

    /// How many sessions the server holds (restored or opened).
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// The scenarios a session may play: the ids of the `.ron` files in the folder.
    pub fn scenario_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(&self.scenarios)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()
                            .and_then(|n| n.strip_suffix(".ron"))
                            .map(String::from)
                    })
                    .filter(|id| crate::scenario::limits::id_problem(id).is_none())
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// Loads a scenario by id from the server's folder: a plain id, never a path.
    fn scenario(&self, id: &str) -> Result<Arc<LoadedScenario>, String> {
        if let Some(problem) = crate::scenario::limits::id_problem(id) {
            return Err(format!("scenario \"{id}\": {problem}"));
        }
        let path = self.scenarios.join(format!("{id}.ron"));
        crate::scenario::load(&path)
            .map(Arc::new)
            .map_err(|ds| ds.iter().map(|d| d.to_string()).collect::<String>())
    }

    /// Opens a session; the teacher keeps the token.
    pub fn open_session(&mut self, settings: Settings) -> Result<Opened, String> {
        let scenario = self.scenario(&settings.scenario)?;
        if let Some(t) = settings.turns
            && let Some(p) = crate::scenario::limits::turns_problem(t)
        {
            return Err(format!("turns: {p}"));
        }
        if let Some(n) = settings.noise
            && let Some(p) = crate::scenario::limits::probability_problem(n)
        {
            return Err(format!("noise: {p}"));
        }
        for ai in settings.against_ai.iter().chain([&settings.stand_in]) {
            stand_in(ai)?;
        }
        let code = loop {
            let c = tokens::new_code();
            if !self.by_code.contains_key(&c) {
                break c;
            }
        };
        let teacher_token = tokens::new_token();
        let file = SessionFile {
            format: SESSION_FORMAT,
            code: code.clone(),
            settings,
            teacher: tokens::hash(&teacher_token),
            open: true,
            paused: false,
            ended: false,
            students: Vec::new(),
            matches: Vec::new(),
        };
        self.store.save_session(&file)?;
        self.by_code.insert(code.clone(), self.sessions.len());
        self.sessions.push(Session {
            file,
            scenario,
            entities: Vec::new(),
            records: Vec::new(),
            queued: Vec::new(),
            dilemma: None,
            told: Vec::new(),
        });
        Ok(Opened {
            code,
            teacher_token,
        })
    }

    /// Restores a session from its file and records.
    fn restore(&mut self, file: SessionFile) -> Result<(), String> {
        let scenario = self.scenario(&file.settings.scenario)?;
        let s = self.sessions.len();
        let mut session = Session {
            file,
            scenario: scenario.clone(),
            entities: Vec::new(),
            records: Vec::new(),
            queued: Vec::new(),
            dilemma: None,
            told: Vec::new(),
        };
        for (m, mf) in session.file.matches.clone().iter().enumerate() {
            let path = self.store.record_path(&session.file.code, m);
            let record = GameRecord::load(&path).map_err(|d| d.to_string())?;
            let entity = if record.outcome.is_some() || session.file.ended {
                None
            } else if record.history.is_empty() {
                let controllers = self.controllers(mf)?;
                Some(spawn_match(
                    &mut self.world,
                    MatchSetup::from_record(&record, scenario.clone(), controllers, false),
                ))
            } else {
                let controllers = self.controllers(mf)?;
                Some(
                    crate::sim::resume(
                        &mut self.world,
                        &record,
                        scenario.clone(),
                        controllers,
                        false,
                    )
                    .map_err(|e| format!("{}: {e}", path.display()))?,
                )
            };
            // Announcements whose briefing has not come yet are announced again.
            if let Some(entity) = entity {
                for (turn, id) in mf
                    .announced
                    .iter()
                    .filter(|(t, _)| *t as usize > record.history.len())
                {
                    super::protocol::follow_announcement(
                        &mut self.world,
                        entity,
                        &scenario,
                        id,
                        *turn,
                    )?;
                }
            }
            session.entities.push(entity);
            session.records.push(record);
        }
        for (i, st) in session.file.students.iter().enumerate() {
            self.by_seat.insert(st.seat.clone(), (s, i));
        }
        self.by_code.insert(session.file.code.clone(), s);
        self.sessions.push(session);
        Ok(())
    }

    fn controllers(&self, m: &MatchFile) -> Result<[Controller; 2], String> {
        let one = |seat: &Seat| match seat {
            Seat::Student(_) => Ok(Controller::External),
            Seat::Ai(id) => stand_in(id).map(|spec| spec.controller()),
        };
        Ok([one(&m.seats[0])?, one(&m.seats[1])?])
    }

    /// A student takes a seat with a join code and a nickname. The reply (the seat
    /// token, then the match once a partner is found) goes to `outbox`.
    pub fn join(&mut self, code: &str, name: &str, outbox: Outbox) -> Result<StudentRef, Refused> {
        let code = tokens::normalise_code(code);
        let Some(&s) = self.by_code.get(&code) else {
            return refuse(
                Refusal::UnknownCode,
                format!("no class has the code {code}"),
            );
        };
        let session = &self.sessions[s];
        if session.file.ended {
            return refuse(Refusal::Ended, "this class session has ended");
        }
        if !session.file.open {
            return refuse(
                Refusal::Closed,
                "the teacher closed this class to new students",
            );
        }
        let name = clean_name(name).map_err(|e| (Refusal::BadName, e))?;
        if session
            .file
            .students
            .iter()
            .any(|st| st.name.eq_ignore_ascii_case(&name))
        {
            return refuse(
                Refusal::BadName,
                format!("\"{name}\" is taken in this class; choose another nickname"),
            );
        }
        let token = tokens::new_token();
        let student = session.file.students.len();
        self.sessions[s].file.students.push(StudentFile {
            name: name.clone(),
            seat: tokens::hash(&token),
            place: None,
        });
        self.by_seat.insert(tokens::hash(&token), (s, student));
        self.subscribe((s, student), outbox);
        self.send(
            (s, student),
            ServerMsg::Joined {
                v: PROTOCOL,
                seat: token,
                name,
            },
        );
        let settings = self.sessions[s].file.settings.clone();
        let partner = match &settings.against_ai {
            Some(ai) => Some(Seat::Ai(ai.clone())),
            None => self.waiting_student(s, student).map(Seat::Student),
        };
        if let Some(partner) = partner {
            // The one who waited plays the first side; against the AI, sides alternate.
            let seats = match partner {
                Seat::Student(w) => [Seat::Student(w), Seat::Student(student)],
                ai if student.is_multiple_of(2) => [Seat::Student(student), ai],
                ai => [ai, Seat::Student(student)],
            };
            self.start_match(s, seats)
                .map_err(|e| (Refusal::Ended, e))?;
        } else {
            self.save(s);
        }
        Ok((s, student))
    }

    /// Students of session `s` with no match yet, in the order they joined.
    pub(super) fn unseated(&self, s: usize) -> impl Iterator<Item = usize> + '_ {
        let students = &self.sessions[s].file.students;
        (0..students.len()).filter(|&i| students[i].place.is_none())
    }

    /// A student with no match yet, other than `except`.
    fn waiting_student(&self, s: usize, except: usize) -> Option<usize> {
        self.unseated(s).find(|&i| i != except)
    }

    /// Spawns a match for `seats`, writes its (empty) record and tells its students.
    fn start_match(&mut self, s: usize, seats: [Seat; 2]) -> Result<(), String> {
        let session = &self.sessions[s];
        let m = session.file.matches.len();
        let settings = &session.file.settings;
        let seed = if settings.seed_per_pair {
            settings.seed.wrapping_add(m as u64)
        } else {
            settings.seed
        };
        let mf = MatchFile {
            seats,
            seed,
            announced: Vec::new(),
        };
        let names = self.seat_names(s, &mf.seats);
        let controllers = self.controllers(&mf)?;
        let session = &self.sessions[s];
        let entity = spawn_match(
            &mut self.world,
            MatchSetup {
                scenario: session.scenario.clone(),
                seed,
                turns: settings.turns,
                noise: settings.noise,
                continuation: None,
                controllers,
                explain: true,
                hold: false,
                record_as: Some(names),
            },
        );
        let record = self
            .world
            .get::<Recorder>(entity)
            .map(|r| r.0.clone())
            .ok_or("the match kept no record")?;
        let code = session.file.code.clone();
        let session = &mut self.sessions[s];
        for (side, seat) in mf.seats.iter().enumerate() {
            if let Seat::Student(i) = seat {
                session.file.students[*i].place = Some((m, side));
            }
        }
        session.file.matches.push(mf);
        session.entities.push(Some(entity));
        session.records.push(record);
        if let Err(e) = self
            .store
            .save_record(&code, m, &self.sessions[s].records[m])
        {
            self.log.push(e);
        }
        self.save(s);
        for st in self.students_of(s, m) {
            self.send_match(st);
        }
        Ok(())
    }

    /// The names a match's record gives its seats: nicknames, or the AI's id.
    fn seat_names(&self, s: usize, seats: &[Seat; 2]) -> [String; 2] {
        seats.clone().map(|seat| match seat {
            Seat::Student(i) => self.sessions[s].file.students[i].name.clone(),
            Seat::Ai(id) => id,
        })
    }

    /// The students seated in match `m` of session `s`.
    pub(super) fn students_of(&self, s: usize, m: usize) -> Vec<StudentRef> {
        self.sessions[s].file.matches[m]
            .seats
            .iter()
            .filter_map(|seat| match seat {
                Seat::Student(i) => Some((s, *i)),
                Seat::Ai(_) => None,
            })
            .collect()
    }

    /// A student comes back to their seat with its token.
    pub fn rejoin(&mut self, token: &str, outbox: Outbox) -> Result<StudentRef, Refused> {
        let Some(&(s, i)) = self.by_seat.get(&tokens::hash(token)) else {
            return refuse(
                Refusal::BadSeat,
                "no seat has this token; join with the class code",
            );
        };
        if self.sessions[s].file.ended {
            return refuse(Refusal::Ended, "this class session has ended");
        }
        self.subscribe((s, i), outbox);
        let name = self.sessions[s].file.students[i].name.clone();
        self.send(
            (s, i),
            ServerMsg::Joined {
                v: PROTOCOL,
                seat: token.to_string(),
                name,
            },
        );
        self.send_match((s, i));
        Ok((s, i))
    }

    fn subscribe(&mut self, st: StudentRef, outbox: Outbox) {
        let list = self.subscribers.entry(st).or_default();
        list.retain(|o| !o.is_closed());
        list.push(outbox);
    }

    pub(super) fn send(&mut self, st: StudentRef, msg: ServerMsg) {
        if let Some(list) = self.subscribers.get_mut(&st) {
            list.retain(|o| o.send(msg.clone()).is_ok());
        }
    }

    /// Sends a seated student their match as it stands, and what it waits for.
    fn send_match(&mut self, st: StudentRef) {
        let (s, i) = st;
        let Some((m, side)) = self.sessions[s].file.students[i].place else {
            return;
        };
        let session = &self.sessions[s];
        let names = self.seat_names(s, &session.file.matches[m].seats);
        let record = match session.records[m].to_text() {
            Ok(r) => r,
            Err(e) => {
                self.log
                    .push(format!("a record could not be written out: {e}"));
                return;
            }
        };
        let played = session.records[m].history.len();
        let info = MatchInfo {
            side,
            names,
            scenario: session.scenario.source.text.to_string(),
            record,
            announced: session.file.matches[m]
                .announced
                .iter()
                .filter(|(t, _)| *t as usize > played)
                .cloned()
                .collect(),
        };
        self.send(st, ServerMsg::Match(info));
        if let Some(status) = self.status(s, m) {
            self.send(st, status);
        }
    }

    /// Who match `m` waits for: player ids of the sides that have not sent orders.
    fn status(&self, s: usize, m: usize) -> Option<ServerMsg> {
        let session = &self.sessions[s];
        let (turn, waiting) = self.waiting_sides(s, m)?;
        Some(ServerMsg::Status {
            turn,
            waiting_for: waiting
                .into_iter()
                .map(|p| session.scenario.scenario.players[p].id.clone())
                .collect(),
            paused: session.file.paused,
        })
    }

    /// The turn match `m` is at, and the sides it waits for: those taking orders that
    /// have sent none (orders queued while paused count as sent). `None` once over.
    pub(super) fn waiting_sides(&self, s: usize, m: usize) -> Option<(u32, Vec<usize>)> {
        let session = &self.sessions[s];
        let entity = session.entities.get(m).copied().flatten()?;
        let mat = self.world.get::<Match>(entity)?;
        let waiting = (0..2)
            .filter(|&p| {
                let queued = session.queued.iter().any(|q| q.0 == m && q.1 == p);
                let submitted = self
                    .world
                    .get::<Sides>(entity)
                    .is_some_and(|sides| sides[p].submitted);
                mat.phase == Phase::Orders && !submitted && !queued
            })
            .collect();
        Some((mat.turn, waiting))
    }

    /// A seated student's orders for `turn`. Checked exactly as the engine checks
    /// orders; a refusal changes nothing.
    pub fn submit(
        &mut self,
        st: StudentRef,
        turn: u32,
        named: &BTreeMap<String, String>,
    ) -> Result<(), Refused> {
        let (s, i) = st;
        let session = &self.sessions[s];
        if session.file.ended {
            return refuse(Refusal::Ended, "this class session has ended");
        }
        let Some((m, p)) = session.file.students[i].place else {
            return refuse(
                Refusal::NoMatch,
                "you have no match yet: waiting for a partner",
            );
        };
        if session.file.matches[m].seats[p] != Seat::Student(i) {
            return refuse(Refusal::MatchOver, "the teacher gave your seat to the AI");
        }
        let Some(entity) = session.entities[m] else {
            return refuse(Refusal::MatchOver, "your match is over");
        };
        let Some(mat) = self.world.get::<Match>(entity) else {
            return refuse(Refusal::MatchOver, "your match is over");
        };
        if mat.phase == Phase::GameOver {
            return refuse(Refusal::MatchOver, "your match is over");
        }
        if turn != mat.turn {
            return refuse(
                Refusal::WrongTurn,
                format!(
                    "these orders are for turn {turn}; the match is at turn {}",
                    mat.turn
                ),
            );
        }
        let Some(side) = self.world.get::<Sides>(entity).map(|sides| &sides[p]) else {
            return refuse(Refusal::MatchOver, "your match is over");
        };
        if side.submitted || session.queued.iter().any(|q| q.0 == m && q.1 == p) {
            return refuse(
                Refusal::AlreadySent,
                format!("your orders for turn {turn} are already sealed"),
            );
        }
        let scenario = &session.scenario;
        let orders =
            crate::sim::orders_from_map(scenario, p, named).map_err(|e| (Refusal::BadOrders, e))?;
        check_side_orders(&scenario.compiled, side, &orders)
            .map_err(|r| (Refusal::BadOrders, r.describe(scenario, p)))?;
        if session.file.paused {
            self.sessions[s].queued.push((m, p, orders));
        } else {
            self.world.write_message(SubmitOrders {
                match_entity: entity,
                player: p as u8,
                orders,
            });
        }
        self.send(st, ServerMsg::Accepted { turn });
        Ok(())
    }

    /// One batched run of the engine for every session, then each finished turn
    /// written to its record file and sent to the match's students.
    pub fn pump(&mut self) {
        // A step resolves a match whose orders are in and briefs its next turn;
        // matches just spawned need one more step to reach their orders.
        for _ in 0..4 {
            crate::sim::step(&mut self.world);
            let mut q = self.world.query::<&Match>();
            if !q
                .iter(&self.world)
                .any(|m| matches!(m.phase, Phase::Briefing | Phase::Resolution | Phase::Report))
            {
                break;
            }
        }
        // Every record with new turns is written (in parallel: each write waits for
        // the disk) before any of those turns is sent, so a client never sees a
        // turn that a crash could take back.
        let mut resolved = Vec::new();
        for (s, session) in self.sessions.iter().enumerate() {
            for (m, entity) in session.entities.iter().enumerate() {
                let now = entity
                    .and_then(|e| self.world.get::<Recorder>(e))
                    .map(|r| &r.0);
                if let Some(now) =
                    now.filter(|now| now.history.len() != session.records[m].history.len())
                {
                    resolved.push((s, m, now.clone()));
                }
            }
        }
        let failures = self.write_records(&resolved);
        self.log.extend(failures);
        for (s, m, now) in resolved {
            self.announce(s, m, now);
        }
        for s in 0..self.sessions.len() {
            for m in 0..self.sessions[s].entities.len() {
                self.tell_status(s, m);
            }
        }
    }

    /// Writes records, a few at a time on scoped threads; returns what failed.
    fn write_records(&self, records: &[(usize, usize, GameRecord)]) -> Vec<String> {
        const WRITERS: usize = 8;
        let chunk = records.len().div_ceil(WRITERS).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = records
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .filter_map(|(s, m, rec)| {
                                self.store
                                    .save_record(&self.sessions[*s].file.code, *m, rec)
                                    .err()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec!["a record writer failed".into()])
                })
                .collect()
        })
    }

    /// Sends match `m`'s new turns (written already) to its students; a finished
    /// match leaves the world.
    fn announce(&mut self, s: usize, m: usize, now: GameRecord) {
        let known = self.sessions[s].records[m].history.len();
        let new_turns: Vec<String> = now.history[known..]
            .iter()
            .filter_map(|t| ron::ser::to_string(t).ok())
            .collect();
        let over = now.outcome.is_some();
        self.sessions[s].records[m] = now;
        for st in self.students_of(s, m) {
            for record in &new_turns {
                self.send(
                    st,
                    ServerMsg::Turn {
                        record: record.clone(),
                    },
                );
            }
        }
        if over && let Some(entity) = self.sessions[s].entities[m].take() {
            self.retire(entity);
        }
    }

    /// Removes a match that is over or ended from the world. The server's world is
    /// a bare one that runs for days: despawning records each removed component
    /// for change detection, which an `App` forgets every frame and this world
    /// must forget here, or it grows with every match the server has held.
    fn retire(&mut self, entity: Entity) {
        despawn_match(&mut self.world, entity);
        self.world.clear_trackers();
    }

    /// Tells match `m`'s students what it waits for, when that changed.
    fn tell_status(&mut self, s: usize, m: usize) {
        let Some(status) = self.status(s, m) else {
            return;
        };
        let told = &mut self.sessions[s].told;
        if told.len() <= m {
            told.resize(m + 1, None);
        }
        if told[m].as_ref() == Some(&status) {
            return;
        }
        told[m] = Some(status.clone());
        for st in self.students_of(s, m) {
            self.send(st, status.clone());
        }
    }

    /// Writes a session's file; a failure is logged (the session goes on in memory).
    pub(super) fn save(&mut self, s: usize) {
        if let Err(e) = self.store.save_session(&self.sessions[s].file) {
            self.log.push(e);
        }
    }

    /// The session a teacher token opens, by code.
    pub fn teacher_session(&self, code: &str, token: &str) -> Result<usize, Refused> {
        let code = tokens::normalise_code(code);
        match self.by_code.get(&code) {
            Some(&s) if self.sessions[s].file.teacher == tokens::hash(token) => Ok(s),
            _ => refuse(
                Refusal::BadSeat,
                "no session has this code and teacher token",
            ),
        }
    }

    /// Hands side `p` of match `m` to the session's stand-in AI.
    pub(super) fn give_to_ai(&mut self, s: usize, m: usize, p: usize) -> Result<(), String> {
        let ai = self.sessions[s].file.settings.stand_in.clone();
        let Some(entity) = self.sessions[s].entities[m] else {
            return Ok(());
        };
        let controller = stand_in(&ai)?.controller();
        assign_controller(&mut self.world, entity, p, controller);
        // The student keeps their place (so they are not paired again); `submit`
        // refuses their orders because the seat is the AI's now.
        if let Seat::Student(i) = self.sessions[s].file.matches[m].seats[p] {
            self.send(
                (s, i),
                ServerMsg::Ended {
                    message: format!("the teacher gave your seat to {ai}"),
                },
            );
        }
        self.sessions[s].file.matches[m].seats[p] = Seat::Ai(ai);
        self.save(s);
        Ok(())
    }

    /// Starts matches for students still waiting: against the stand-in AI.
    pub(super) fn seat_waiting_with_ai(&mut self, s: usize) -> Result<(), String> {
        while let Some(w) = self.waiting_student(s, usize::MAX) {
            let ai = Seat::Ai(self.sessions[s].file.settings.stand_in.clone());
            self.start_match(s, [Seat::Student(w), ai])?;
        }
        Ok(())
    }

    /// Every student of a session is told it ended; its matches stop where they are.
    pub(super) fn end_session(&mut self, s: usize) {
        self.sessions[s].file.ended = true;
        self.sessions[s].file.open = false;
        for m in 0..self.sessions[s].entities.len() {
            if let Some(e) = self.sessions[s].entities[m].take() {
                self.retire(e);
            }
        }
        for i in 0..self.sessions[s].file.students.len() {
            self.send(
                (s, i),
                ServerMsg::Ended {
                    message: "the teacher ended the class session".into(),
                },
            );
        }
        self.save(s);
    }
}

/// A stand-in or opponent AI by id: a classic or an AI level, never a file (a class
/// server reads no path a client names).
fn stand_in(id: &str) -> Result<crate::strategy::Spec, String> {
    if id.ends_with(".ron") {
        return Err(format!(
            "\"{id}\": a class plays built-in strategies and AI levels"
        ));
    }
    crate::strategy::Spec::parse(id)
}
