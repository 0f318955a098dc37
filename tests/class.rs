//! Class sessions end to end: a server on 127.0.0.1:0, sessions opened over HTTP,
//! bot students playing through the real WebSocket protocol; every record replays
//! natively and equals a local `simulate` with the same seats and seed. Security:
//! every kind of bad request is refused and changes no match. Faults: a server
//! dropped mid-session and opened again on its data folder resumes every match at
//! the same turn with the same state.

use common_enemy::class::client;
use common_enemy::class::engine::{ClassWorld, Opened};
use common_enemy::class::protocol::{ClientMsg, PROTOCOL, Refusal, ServerMsg};
use common_enemy::class::store::{Settings, Store};
use common_enemy::scenario::LoadedScenario;
use common_enemy::sim::record::GameRecord;
use common_enemy::sim::runner::play_recorded;
use common_enemy::strategy::Spec;
use futures_util::{SinkExt, StreamExt};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ce-class-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn scenario(id: &str) -> Arc<LoadedScenario> {
    Arc::new(common_enemy::scenario::load(&PathBuf::from(format!("scenarios/{id}.ron"))).unwrap())
}

fn settings(scenario: &str, turns: u32, seed: u64) -> Settings {
    Settings {
        scenario: scenario.into(),
        turns: Some(turns),
        noise: None,
        seed,
        seed_per_pair: true,
        against_ai: None,
        stand_in: "ai_easy".into(),
    }
}

/// A server on a free loopback port over `data`; returns its URL.
async fn serve(data: &PathBuf) -> (String, tokio::task::JoinHandle<()>) {
    let world = ClassWorld::open(Store::new(data), "scenarios");
    let app = common_enemy::class::http::router(world);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (format!("http://{addr}"), task)
}

/// `POST /class/api/sessions` as `class open` sends it.
async fn open(url: &str, s: &Settings) -> Opened {
    let url = format!("{url}/class/api/sessions");
    let body = serde_json::to_string(s).unwrap();
    tokio::task::spawn_blocking(move || {
        let mut r = ureq::post(&url)
            .header("content-type", "application/json")
            .send(body)
            .unwrap();
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap()
    })
    .await
    .unwrap()
}

/// A teacher's GET: the status code and the body.
async fn teacher_get(url: &str, token: Option<&str>) -> (u16, String) {
    let url = url.to_string();
    let token = token.map(String::from);
    tokio::task::spawn_blocking(move || {
        let mut req = ureq::get(&url).config().http_status_as_error(false).build();
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let mut r = req.call().unwrap();
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    })
    .await
    .unwrap()
}

async fn bot(
    url: String,
    code: String,
    name: &str,
    strategy: &str,
) -> Result<client::Finished, String> {
    let spec = Spec::parse(strategy).unwrap();
    client::play(&url, &code, name, &spec, Duration::ZERO, |_| {}).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pairs_play_a_whole_game_through_the_protocol_and_match_a_local_simulate() {
    let data = data_dir("integration");
    let (url, _server) = serve(&data).await;
    let opened = open(&url, &settings("syria_2015", 6, 11)).await;
    let names = [
        ("ann", "tit_for_tat"),
        ("bo", "grudger"),
        ("cy", "defector"),
        ("di", "ai_easy"),
    ];
    let mut tasks = Vec::new();
    for (name, strategy) in names {
        tasks.push(tokio::spawn(bot(
            url.clone(),
            opened.code.clone(),
            name,
            strategy,
        )));
        // Arrival order decides the pairs: ann with bo, cy with di.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let mut finished = Vec::new();
    for t in tasks {
        finished.push(t.await.unwrap().expect("every bot finishes its match"));
    }
    let s = scenario("syria_2015");
    let strategy_of = |name: &str| names.iter().find(|(n, _)| *n == name).unwrap().1;
    for f in &finished {
        assert_eq!(f.record.history.len(), 6, "a 6-turn game plays 6 turns");
        common_enemy::sim::replay(&f.record, s.clone()).expect("the record replays natively");
        let seats = [0, 1].map(|p| {
            let id = strategy_of(&f.names[p]);
            (Spec::parse(id).unwrap().controller(), id.to_string())
        });
        let local = play_recorded(s.clone(), f.record.seed, Some(6), None, seats);
        assert_eq!(
            local.history, f.record.history,
            "the class match equals a local simulate"
        );
        assert_eq!(local.outcome, f.record.outcome);
    }
    // Both seats of a match saw the same record.
    let by_pair = |a: &str| {
        finished
            .iter()
            .filter(|f| f.names.contains(&a.to_string()))
            .collect::<Vec<_>>()
    };
    let ab = by_pair("ann");
    assert_eq!(ab.len(), 2);
    assert_eq!(ab[0].record, ab[1].record);
    // The server wrote the same records to its data folder.
    let files = std::fs::read_dir(data.join("sessions").join(&opened.code).join("records"))
        .unwrap()
        .count();
    assert_eq!(files, 2);
    let on_disk = GameRecord::load(
        &data
            .join("sessions")
            .join(&opened.code)
            .join("records/match-01.ron"),
    )
    .unwrap();
    assert_eq!(on_disk.history, ab[0].record.history);
    // The summary download is `class-summary` of that folder.
    let (status, summary) = teacher_get(
        &format!("{url}/class/api/sessions/{}/summary", opened.code),
        Some(&opened.teacher_token),
    )
    .await;
    assert_eq!(status, 200);
    assert!(summary.contains("syria_2015"), "{summary}");
    let (status, dashboard) = teacher_get(
        &format!("{url}/class/api/sessions/{}", opened.code),
        Some(&opened.teacher_token),
    )
    .await;
    assert_eq!(status, 200);
    let d: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    assert_eq!(d["pairs"].as_array().unwrap().len(), 2);
    assert_eq!(d["cooperation"].as_array().unwrap().len(), 6);
}

/// A raw protocol connection, to send what no honest client sends.
struct Raw {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Raw {
    async fn connect(url: &str) -> Raw {
        let ws_url = url.replace("http://", "ws://") + "/class/ws";
        Raw {
            ws: tokio_tungstenite::connect_async(ws_url).await.unwrap().0,
        }
    }

    async fn send_text(&mut self, text: String) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    async fn send(&mut self, msg: &ClientMsg) {
        self.send_text(serde_json::to_string(msg).unwrap()).await;
    }

    /// The next message that is not a status line.
    async fn next(&mut self) -> ServerMsg {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(20), self.ws.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            if let Message::Text(t) = frame {
                let msg: ServerMsg = serde_json::from_str(&t).unwrap();
                if !matches!(msg, ServerMsg::Status { .. }) {
                    return msg;
                }
            }
        }
    }

    async fn refusal(&mut self) -> Refusal {
        match self.next().await {
            ServerMsg::Refused { refusal, .. } => refusal,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}

fn cooperative_orders(s: &LoadedScenario, p: usize) -> BTreeMap<String, String> {
    s.scenario.players[p]
        .decisions
        .iter()
        .map(|d| (d.id.clone(), d.options[0].id.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_request_is_refused_and_changes_no_match() {
    let data = data_dir("security");
    let (url, _server) = serve(&data).await;
    // The prisoner's dilemma: one decision a side, no events.
    let opened = open(&url, &settings("prisoners_dilemma", 3, 5)).await;
    let pd = scenario("prisoners_dilemma");

    // A wrong code.
    let wrong = bot(url.clone(), "ZZZZZZ".into(), "eve", "defector").await;
    assert!(wrong.unwrap_err().contains("no class has the code"));

    // Two students in one match.
    let mut a = Raw::connect(&url).await;
    a.send(&ClientMsg::Join {
        v: PROTOCOL,
        code: opened.code.clone(),
        name: "a".into(),
    })
    .await;
    let ServerMsg::Joined { seat: seat_a, .. } = a.next().await else {
        panic!("a joined")
    };
    let mut b = Raw::connect(&url).await;
    b.send(&ClientMsg::Join {
        v: PROTOCOL,
        code: opened.code.to_lowercase(),
        name: "b".into(),
    })
    .await;
    let ServerMsg::Joined { .. } = b.next().await else {
        panic!("b joined")
    };
    assert!(matches!(a.next().await, ServerMsg::Match(_)));
    assert!(matches!(b.next().await, ServerMsg::Match(_)));
    let record_path = data
        .join("sessions")
        .join(&opened.code)
        .join("records/match-01.ron");
    let before = std::fs::read(&record_path).unwrap();

    // A taken nickname, another protocol version, a second join on one connection.
    let mut c = Raw::connect(&url).await;
    c.send(&ClientMsg::Join {
        v: PROTOCOL,
        code: opened.code.clone(),
        name: "A".into(),
    })
    .await;
    assert_eq!(c.refusal().await, Refusal::BadName);
    c.send(&ClientMsg::Join {
        v: PROTOCOL + 1,
        code: opened.code.clone(),
        name: "c".into(),
    })
    .await;
    assert_eq!(c.refusal().await, Refusal::Version);
    a.send(&ClientMsg::Join {
        v: PROTOCOL,
        code: opened.code.clone(),
        name: "a2".into(),
    })
    .await;
    assert_eq!(a.refusal().await, Refusal::Malformed);
    // Orders before joining, a wrong seat token.
    c.send(&ClientMsg::Orders {
        turn: 1,
        orders: cooperative_orders(&pd, 0),
    })
    .await;
    assert_eq!(c.refusal().await, Refusal::NotSeated);
    c.send(&ClientMsg::Rejoin {
        v: PROTOCOL,
        seat: "0".repeat(32),
    })
    .await;
    assert_eq!(c.refusal().await, Refusal::BadSeat);
    // Malformed, oversized and unknown messages.
    a.send_text("{not json".into()).await;
    assert_eq!(a.refusal().await, Refusal::Malformed);
    a.send_text(format!(
        "{{\"type\":\"orders\",\"turn\":1,\"orders\":{{\"x\":\"{}\"}}}}",
        "y".repeat(20_000)
    ))
    .await;
    assert_eq!(a.refusal().await, Refusal::TooLarge);
    a.send_text(r#"{"type":"dashboard","code":"x"}"#.into())
        .await;
    assert_eq!(a.refusal().await, Refusal::Malformed);
    // Orders that name the other side's decisions, an unknown option, another turn.
    let mut theirs = cooperative_orders(&pd, 1);
    theirs.insert("not_a_decision".into(), "x".into());
    a.send(&ClientMsg::Orders {
        turn: 1,
        orders: theirs,
    })
    .await;
    assert_eq!(a.refusal().await, Refusal::BadOrders);
    let mut unknown = cooperative_orders(&pd, 0);
    unknown.values_mut().for_each(|v| *v = "nuke".into());
    a.send(&ClientMsg::Orders {
        turn: 1,
        orders: unknown,
    })
    .await;
    assert_eq!(a.refusal().await, Refusal::BadOrders);
    a.send(&ClientMsg::Orders {
        turn: 2,
        orders: cooperative_orders(&pd, 0),
    })
    .await;
    assert_eq!(a.refusal().await, Refusal::WrongTurn);
    assert_eq!(
        std::fs::read(&record_path).unwrap(),
        before,
        "no refused message changed the match"
    );

    // Good orders, then the same message replayed.
    a.send(&ClientMsg::Orders {
        turn: 1,
        orders: cooperative_orders(&pd, 0),
    })
    .await;
    assert!(matches!(a.next().await, ServerMsg::Accepted { turn: 1 }));
    a.send(&ClientMsg::Orders {
        turn: 1,
        orders: cooperative_orders(&pd, 0),
    })
    .await;
    assert_eq!(a.refusal().await, Refusal::AlreadySent);

    // The teacher's API: no token, a wrong token, a student's seat token.
    let dash = format!("{url}/class/api/sessions/{}", opened.code);
    assert_eq!(teacher_get(&dash, None).await.0, 401);
    assert_eq!(teacher_get(&dash, Some("wrong")).await.0, 403);
    assert_eq!(teacher_get(&dash, Some(&seat_a)).await.0, 403);
    assert_eq!(teacher_get(&dash, Some(&opened.teacher_token)).await.0, 200);
    assert_eq!(
        std::fs::read(&record_path).unwrap(),
        before,
        "turn 1 waits for b"
    );

    // b plays out the game; then orders for the finished match are refused.
    for turn in 1..=3 {
        b.send(&ClientMsg::Orders {
            turn,
            orders: cooperative_orders(&pd, 1),
        })
        .await;
        assert!(matches!(b.next().await, ServerMsg::Accepted { .. }));
        assert!(matches!(b.next().await, ServerMsg::Turn { .. }));
        assert!(matches!(a.next().await, ServerMsg::Turn { .. }));
        if turn < 3 {
            a.send(&ClientMsg::Orders {
                turn: turn + 1,
                orders: cooperative_orders(&pd, 0),
            })
            .await;
            assert!(matches!(a.next().await, ServerMsg::Accepted { .. }));
        }
    }
    let done = std::fs::read(&record_path).unwrap();
    a.send(&ClientMsg::Orders {
        turn: 4,
        orders: cooperative_orders(&pd, 0),
    })
    .await;
    assert_eq!(a.refusal().await, Refusal::MatchOver);
    assert_eq!(std::fs::read(&record_path).unwrap(), done);
    let record = GameRecord::load(&record_path).unwrap();
    assert!(record.outcome.is_some());
    common_enemy::sim::replay(&record, pd).unwrap();
}

#[test]
fn a_server_dropped_mid_session_restores_every_match_at_the_same_turn_and_state() {
    let data = data_dir("fault");
    let store = Store::new(&data);
    let pd = scenario("prisoners_dilemma");
    let (outbox, mut inbox) = tokio::sync::mpsc::unbounded_channel();
    let mut first = ClassWorld::open(store.clone(), "scenarios");
    let opened = first
        .open_session(settings("prisoners_dilemma", 5, 9))
        .unwrap();
    let students: Vec<_> = ["p", "q", "r"]
        .iter()
        .map(|n| first.join(&opened.code, n, outbox.clone()).unwrap())
        .collect();
    first.pump();
    // p and q play each other; r waits until the teacher closes joining.
    first
        .act(
            &opened.code,
            &opened.teacher_token,
            common_enemy::class::teacher::Action::Close,
        )
        .unwrap();
    for turn in 1..=2 {
        for &(st, p) in &[(students[0], 0), (students[1], 1), (students[2], 0)] {
            first.submit(st, turn, &cooperative_orders(&pd, p)).unwrap();
        }
        first.pump();
    }
    let before = first
        .dashboard(&opened.code, &opened.teacher_token)
        .unwrap();
    assert_eq!(before.pairs.len(), 2);
    assert!(
        before
            .pairs
            .iter()
            .all(|p| p.turn == 3 && p.moves.len() == 2)
    );
    let records: Vec<GameRecord> = (1..=2)
        .map(|m| GameRecord::load(&store.record_path(&opened.code, m - 1)).unwrap())
        .collect();
    drop(first);
    while inbox.try_recv().is_ok() {}

    let mut second = ClassWorld::open(store.clone(), "scenarios");
    let after = second
        .dashboard(&opened.code, &opened.teacher_token)
        .unwrap();
    assert_eq!(
        serde_json::to_value(&before.pairs).unwrap(),
        serde_json::to_value(&after.pairs).unwrap()
    );
    // The students come back with their tokens; no token was kept but hashes.
    let session =
        std::fs::read_to_string(data.join("sessions").join(&opened.code).join("session.ron"))
            .unwrap();
    assert!(!session.contains(&opened.teacher_token));
    // Turn 3 onwards on the restored server gives what an uninterrupted server would.
    for turn in 3..=5 {
        for &(st, p) in &[(students[0], 0), (students[1], 1), (students[2], 0)] {
            second
                .submit(st, turn, &cooperative_orders(&pd, p))
                .unwrap();
        }
        second.pump();
    }
    for (m, before) in records.iter().enumerate() {
        let rec = GameRecord::load(&store.record_path(&opened.code, m)).unwrap();
        assert_eq!(rec.history.len(), 5);
        assert_eq!(rec.history[..2], before.history[..]);
        common_enemy::sim::replay(&rec, pd.clone()).unwrap();
        assert!(rec.outcome.is_some());
    }
}

#[test]
fn an_announcement_fires_at_each_matchs_next_briefing_offers_its_choice_and_survives_a_restart() {
    let data = data_dir("announce");
    let store = Store::new(&data);
    let s = scenario("syria_2015");
    let (outbox, mut inbox) = tokio::sync::mpsc::unbounded_channel();
    let mut first = ClassWorld::open(store.clone(), "scenarios");
    let opened = first.open_session(settings("syria_2015", 4, 3)).unwrap();
    let students: Vec<_> = ["us", "ru"]
        .iter()
        .map(|n| first.join(&opened.code, n, outbox.clone()).unwrap())
        .collect();
    first.pump();
    // Kerry's second visit (a choice for the US, due at turn 3 by itself), announced
    // during turn 1's orders: it comes at turn 2's briefing.
    let announce = |cw: &mut ClassWorld| {
        cw.act(
            &opened.code,
            &opened.teacher_token,
            common_enemy::class::teacher::Action::Announce("kerry_second_visit".into()),
        )
    };
    announce(&mut first).unwrap();
    assert!(
        announce(&mut first).is_err(),
        "announced once for that briefing"
    );
    let mut told = 0;
    while let Ok(msg) = inbox.try_recv() {
        if let ServerMsg::Announced { turn, event } = msg {
            assert_eq!((turn, event.as_str()), (2, "kerry_second_visit"));
            told += 1;
        }
    }
    assert_eq!(told, 2, "both students hear of it");
    // The server goes down before turn 2's briefing: the announcement is kept.
    drop(first);
    let mut cw = ClassWorld::open(store.clone(), "scenarios");
    for (p, &st) in students.iter().enumerate() {
        cw.submit(st, 1, &cooperative_orders(&s, p)).unwrap();
    }
    cw.pump();
    // Turn 2: the US must answer the visit's choice; orders without it are refused.
    // (Russia's push for a ceasefire in turn 1 brings Kyiv's request too.)
    let answer = |orders: &mut BTreeMap<String, String>, id: &str| {
        let event = s.scenario.events.iter().find(|e| e.id == id).unwrap();
        let decision = &event.choice.as_ref().unwrap().decision;
        orders.insert(
            format!("{id}.{}", decision.id),
            decision.options[0].id.clone(),
        );
        format!("{id}.{}", decision.id)
    };
    let mut answered = cooperative_orders(&s, 0);
    answer(&mut answered, "ceasefire_request");
    let refused = cw.submit(students[0], 2, &answered).unwrap_err();
    assert_eq!(refused.0, Refusal::BadOrders, "{}", refused.1);
    assert!(refused.1.contains("kerry_second_visit"), "{}", refused.1);
    let visit_key = answer(&mut answered, "kerry_second_visit");
    cw.submit(students[0], 2, &answered).unwrap();
    // Other choices come as the scenario has them (the airliner for Russia at turn 2,
    // ...): answered as a player would, when the orders screen asks.
    let play = |cw: &mut ClassWorld, p: usize, turn: u32| {
        let mut orders = cooperative_orders(&s, p);
        loop {
            match cw.submit(students[p], turn, &orders) {
                Ok(()) => return,
                Err((Refusal::BadOrders, why)) => {
                    let id = why.split('"').nth(1).unwrap().to_string();
                    assert!(why.ends_with("needs an answer"), "{why}");
                    answer(&mut orders, &id);
                }
                Err(e) => panic!("{e:?}"),
            }
        }
    };
    play(&mut cw, 1, 2);
    cw.pump();
    for turn in 3..=4 {
        for p in 0..2 {
            play(&mut cw, p, turn);
        }
        cw.pump();
    }
    let record = GameRecord::load(&store.record_path(&opened.code, 0)).unwrap();
    assert_eq!(record.history.len(), 4);
    assert!(record.history[0].announced.is_empty());
    assert_eq!(record.history[1].announced, ["kerry_second_visit"]);
    assert!(
        record.history[1]
            .news
            .iter()
            .any(|n| n == "kerry_second_visit")
    );
    assert!(
        !record.history[2]
            .news
            .iter()
            .any(|n| n == "kerry_second_visit"),
        "it does not come again at its own turn: it does not repeat"
    );
    assert!(record.history[1].orders[0].contains_key(&visit_key));
    common_enemy::sim::replay(&record, s.clone()).expect("the announcement replays");
    let mut stripped = record.clone();
    stripped.history[1].announced.clear();
    assert!(
        common_enemy::sim::replay(&stripped, s.clone()).is_err(),
        "without it the turn differs"
    );
}

#[test]
fn an_announcement_made_at_a_briefing_is_for_that_turn_and_one_the_game_cannot_reach_is_refused() {
    use common_enemy::sim::components::Match;
    use common_enemy::sim::runner::Headless;
    let s = scenario("syria_2015");
    let e = |id: &str| s.scenario.events.iter().position(|e| e.id == id).unwrap() as u16;
    let mut h = Headless::default();
    let m = h.spawn(common_enemy::sim::MatchSetup {
        turns: Some(2),
        ..common_enemy::sim::MatchSetup::external(s.clone(), 4)
    });
    // Spawned, not yet briefed: turn 1's briefing takes it.
    assert_eq!(
        common_enemy::sim::announce(h.app.world_mut(), m, e("kerry_second_visit")),
        Some(1)
    );
    h.app
        .world_mut()
        .run_schedule(common_enemy::sim::TurnSchedule);
    let state: &Match = h.state(m).unwrap();
    assert_eq!(state.announced, vec![e("kerry_second_visit")]);
    assert!(state.news.contains(&e("kerry_second_visit")));
    // Spent and not repeatable; and after the last turn there is no briefing.
    assert_eq!(
        common_enemy::sim::announce(h.app.world_mut(), m, e("kerry_second_visit")),
        None
    );
    assert_eq!(
        common_enemy::sim::announce(h.app.world_mut(), m, e("airliner_bombing")),
        Some(2)
    );
    assert!(!common_enemy::sim::announce_at(
        h.app.world_mut(),
        m,
        e("human_rights_concern"),
        3
    ));
}
