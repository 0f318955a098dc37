//! The class server on the network: the engine runs on its own thread and is
//! reached only through [`Engine::call`], so every change to every match happens in
//! one place, in order, batched (all jobs that arrived together, then one pump).
//! Around it, axum routes: the students' WebSocket (`/class/ws`), the teacher's JSON
//! API under `/class/api/` (a bearer token on every call; sessions are opened only
//! from the server's own machine), and the dashboard page (`/class/`).
//!
//! Limits: a frame over the protocol's limit gets a typed refusal, a frame over
//! 1 MiB closes the connection; each connection may send 10 messages a second
//! (bursts of 30), each address may open 5 connections a second (bursts of 300,
//! for a lab behind one address) and make 20 API calls a second (bursts of 60).

use super::engine::{ClassWorld, Opened, StudentRef};
use super::protocol::{ClientMsg, PROTOCOL, Refusal, ServerMsg};
use super::store::Settings;
use super::teacher::Action;
use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Json, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

type Job = Box<dyn FnOnce(&mut ClassWorld) + Send>;

/// The engine thread's door.
#[derive(Clone)]
pub struct Engine {
    jobs: std::sync::mpsc::Sender<Job>,
}

impl Engine {
    /// Starts the engine thread over `world`. It logs to stderr what no client was
    /// told (a record that could not be written, say).
    pub fn start(world: ClassWorld) -> Engine {
        let (jobs, rx) = std::sync::mpsc::channel::<Job>();
        let mut cw = world;
        for line in cw.log.drain(..) {
            eprintln!("class: {line}");
        }
        std::thread::Builder::new()
            .name("class-engine".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(&mut cw);
                    while let Ok(job) = rx.try_recv() {
                        job(&mut cw);
                    }
                    cw.pump();
                    for line in cw.log.drain(..) {
                        eprintln!("class: {line}");
                    }
                }
            })
            .expect("the engine thread starts");
        Engine { jobs }
    }

    /// Runs `f` on the engine thread and waits for its answer; `None` if the
    /// engine has stopped.
    pub async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut ClassWorld) -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |cw| {
                let _ = tx.send(f(cw));
            }))
            .ok()?;
        rx.await.ok()
    }
}

/// A token bucket: `rate` per second, up to `burst`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(burst: f64) -> Self {
        Bucket {
            tokens: burst,
            at: Instant::now(),
        }
    }

    fn take(&mut self, rate: f64, burst: f64) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * rate).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Per-address buckets for new connections and API calls.
#[derive(Default)]
struct Limits {
    connects: HashMap<IpAddr, Bucket>,
    calls: HashMap<IpAddr, Bucket>,
}

impl Limits {
    fn allow(map: &mut HashMap<IpAddr, Bucket>, ip: IpAddr, rate: f64, burst: f64) -> bool {
        if map.len() > 10_000 {
            map.retain(|_, b| b.at.elapsed().as_secs() < 60);
        }
        map.entry(ip)
            .or_insert_with(|| Bucket::full(burst))
            .take(rate, burst)
    }
}

/// What every route shares.
#[derive(Clone)]
pub struct Class {
    engine: Engine,
    limits: Arc<Mutex<Limits>>,
}

/// The largest frame the socket reads at all; between the protocol's limit and
/// this, a frame is refused with a message.
const MAX_SOCKET_FRAME: usize = 1 << 20;

/// The class routes, over `world`.
pub fn router(world: ClassWorld) -> Router {
    let class = Class {
        engine: Engine::start(world),
        limits: Arc::new(Mutex::new(Limits::default())),
    };
    Router::new()
        .route("/class", get(page))
        .route("/class/", get(page))
        .route("/class/ws", get(socket))
        .route("/class/api/scenarios", get(scenarios))
        .route("/class/api/sessions", post(open))
        .route("/class/api/sessions/{code}", get(dashboard))
        .route("/class/api/sessions/{code}/action", post(act))
        .route("/class/api/sessions/{code}/summary", get(summary))
        .route("/class/api/sessions/{code}/records/{file}", get(record))
        .route("/class/api/sessions/{code}/debriefs/{file}", get(debrief))
        .with_state(class)
}

async fn page() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(include_str!("dashboard.html")),
    )
}

fn refused(status: StatusCode, refusal: Refusal, message: String) -> Response {
    (
        status,
        Json(serde_json::json!({ "refusal": refusal, "message": message })),
    )
        .into_response()
}

fn gone() -> Response {
    refused(
        StatusCode::SERVICE_UNAVAILABLE,
        Refusal::Ended,
        "the class engine has stopped".into(),
    )
}

/// The bearer token of a teacher's call, after the per-address limit.
fn teacher(class: &Class, addr: SocketAddr, headers: &HeaderMap) -> Result<String, Response> {
    if !Limits::allow(
        &mut class.limits.lock().unwrap_or_else(|e| e.into_inner()).calls,
        addr.ip(),
        20.0,
        60.0,
    ) {
        return Err(refused(
            StatusCode::TOO_MANY_REQUESTS,
            Refusal::RateLimited,
            "too many calls; wait a moment".into(),
        ));
    }
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or_else(|| {
            refused(
                StatusCode::UNAUTHORIZED,
                Refusal::BadSeat,
                "the teacher token is missing (Authorization: Bearer TOKEN)".into(),
            )
        })
}

fn answer<T: serde::Serialize>(r: Option<Result<T, (Refusal, String)>>) -> Response {
    match r {
        None => gone(),
        Some(Ok(v)) => Json(v).into_response(),
        Some(Err((Refusal::BadSeat, m))) => refused(StatusCode::FORBIDDEN, Refusal::BadSeat, m),
        Some(Err((k, m))) => refused(StatusCode::BAD_REQUEST, k, m),
    }
}

fn text(r: Option<Result<String, (Refusal, String)>>, kind: &str, file: &str) -> Response {
    match r {
        Some(Ok(body)) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        other => answer(other),
    }
}

async fn scenarios(State(class): State<Class>) -> Response {
    answer(
        class
            .engine
            .call(|cw| Ok::<_, (Refusal, String)>(cw.scenario_ids()))
            .await,
    )
}

async fn open(
    State(class): State<Class>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Json(settings): Json<Settings>,
) -> Response {
    if !addr.ip().is_loopback() {
        return refused(
            StatusCode::FORBIDDEN,
            Refusal::BadSeat,
            "sessions are opened on the server's own machine (http://127.0.0.1:PORT/class/)".into(),
        );
    }
    match class.engine.call(move |cw| cw.open_session(settings)).await {
        None => gone(),
        Some(Ok(opened)) => Json::<Opened>(opened).into_response(),
        Some(Err(e)) => refused(StatusCode::BAD_REQUEST, Refusal::Malformed, e),
    }
}

async fn dashboard(
    State(class): State<Class>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let token = teacher(&class, addr, &headers)?;
    Ok(answer(
        class
            .engine
            .call(move |cw| cw.dashboard(&code, &token))
            .await,
    ))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: Action,
}

async fn act(
    State(class): State<Class>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ActionBody>,
) -> Result<Response, Response> {
    let token = teacher(&class, addr, &headers)?;
    Ok(answer(
        class
            .engine
            .call(move |cw| cw.act(&code, &token, body.action))
            .await,
    ))
}

async fn summary(
    State(class): State<Class>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let token = teacher(&class, addr, &headers)?;
    let file = format!("class-{code}.md");
    Ok(text(
        class.engine.call(move |cw| cw.summary(&code, &token)).await,
        "text/markdown; charset=utf-8",
        &file,
    ))
}

async fn record(
    State(class): State<Class>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((code, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let token = teacher(&class, addr, &headers)?;
    let name = file.clone();
    Ok(text(
        class
            .engine
            .call(move |cw| cw.record_text(&code, &token, &file))
            .await,
        "text/plain; charset=utf-8",
        &name,
    ))
}

async fn debrief(
    State(class): State<Class>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((code, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let token = teacher(&class, addr, &headers)?;
    let name = format!("{}-debrief.md", file.trim_end_matches(".ron"));
    Ok(text(
        class
            .engine
            .call(move |cw| cw.debrief(&code, &token, &file))
            .await,
        "text/markdown; charset=utf-8",
        &name,
    ))
}

async fn socket(
    State(class): State<Class>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ws: WebSocketUpgrade,
) -> Response {
    if !Limits::allow(
        &mut class
            .limits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .connects,
        addr.ip(),
        5.0,
        300.0,
    ) {
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            Refusal::RateLimited,
            "too many connections; wait a moment".into(),
        );
    }
    ws.max_message_size(MAX_SOCKET_FRAME)
        .max_frame_size(MAX_SOCKET_FRAME)
        .on_upgrade(move |socket| connection(socket, class.engine))
}

/// One student's connection: frames in are checked and handed to the engine; what
/// the engine sends this seat goes out in order.
async fn connection(socket: WebSocket, engine: Engine) {
    let (mut sink, mut stream) = socket.split();
    let (out, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<ServerMsg>();
    let writer = tokio::spawn(async move {
        while let Some(msg) = outgoing.recv().await {
            let Ok(json) = serde_json::to_string(&msg) else {
                continue;
            };
            if sink.send(Message::Text(json.into())).await.is_err() {
                break;
            }
        }
    });
    let mut seat: Option<StudentRef> = None;
    let mut bucket = Bucket::full(30.0);
    let refuse = |refusal: Refusal, message: String| {
        let _ = out.send(ServerMsg::Refused { refusal, message });
    };
    while let Some(Ok(frame)) = stream.next().await {
        let bytes = match frame {
            Message::Text(t) => t.as_bytes().to_vec(),
            Message::Binary(b) => b.to_vec(),
            Message::Close(_) => break,
            _ => continue,
        };
        if !bucket.take(10.0, 30.0) {
            refuse(Refusal::RateLimited, "too many messages; slow down".into());
            continue;
        }
        let msg = match ClientMsg::parse(&bytes) {
            Ok(m) => m,
            Err((kind, message)) => {
                refuse(kind, message);
                continue;
            }
        };
        let reply = match msg {
            ClientMsg::Join { v, .. } | ClientMsg::Rejoin { v, .. } if v != PROTOCOL => {
                Some(Err((
                    Refusal::Version,
                    format!(
                        "this server speaks protocol {PROTOCOL}, the client {v}; reload the page"
                    ),
                )))
            }
            ClientMsg::Join { .. } | ClientMsg::Rejoin { .. } if seat.is_some() => Some(Err((
                Refusal::Malformed,
                "this connection already has a seat".to_string(),
            ))),
            ClientMsg::Join { code, name, .. } => {
                let o = out.clone();
                engine
                    .call(move |cw| cw.join(&code, &name, o))
                    .await
                    .map(|r| r.map(|st| seat = Some(st)))
            }
            ClientMsg::Rejoin { seat: token, .. } => {
                let o = out.clone();
                engine
                    .call(move |cw| cw.rejoin(&token, o))
                    .await
                    .map(|r| r.map(|st| seat = Some(st)))
            }
            ClientMsg::Orders { turn, orders } => match seat {
                None => Some(Err((
                    Refusal::NotSeated,
                    "join the class first".to_string(),
                ))),
                Some(st) => engine.call(move |cw| cw.submit(st, turn, &orders)).await,
            },
        };
        match reply {
            None => break,
            Some(Ok(())) => {}
            Some(Err((kind, message))) => refuse(kind, message),
        }
    }
    drop(out);
    writer.abort();
}
