//! Class sessions: `common-enemy serve` hosts a class. Pairs of students play from
//! browsers or `join`, the server resolves every match in one `World` through the
//! same `TurnSchedule`, writes each record after every turn, and restores every
//! session from those records after a restart. The teacher opens a session, watches
//! and steers it from the dashboard, and downloads the records and the summary.
//!
//! `protocol` is what client and server say (both platforms); the rest runs on the
//! server's machine: `engine` (sessions, seats, orders, the batched pump),
//! `teacher` (dashboard, controls, downloads), `store` (the data folder), `tokens`
//! (secrets and join codes), `http` (the routes and the engine thread) and `client`
//! (a strategy playing through the network, for `join`).

pub mod protocol;

#[cfg(not(target_arch = "wasm32"))]
pub mod client;
#[cfg(not(target_arch = "wasm32"))]
pub mod engine;
#[cfg(not(target_arch = "wasm32"))]
pub mod http;
#[cfg(not(target_arch = "wasm32"))]
pub mod store;
#[cfg(not(target_arch = "wasm32"))]
pub mod teacher;
#[cfg(not(target_arch = "wasm32"))]
pub mod tokens;
