//! `citewise-mock`: a local Perplexity-compatible HTTP server for Citewise's tests and offline
//! demos (never shipped in the app).
//!
//! Owns the public API: [`MockServer`] (start, base URL, sticky scenario, recorded requests),
//! [`MockConfig`], [`RecordedRequest`] and the canned answers via [`fixture`]. The wire formats
//! follow DESIGN §3: `POST /v1/agent`, `POST /chat/completions`, `GET /v1/models`, plus the
//! unauthenticated control endpoints and the answers' pictures ([`images`]) under `/__mock/`. All randomness (byte-level split points,
//! pauses, `event:` lines, ids) comes from one seed, printed to stderr at start.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use citewise_mock::{fixture, MockConfig, MockServer};
//! let server = MockServer::start(MockConfig { speed: 0.0, ..Default::default() }).await?;
//! server.set_scenario("slow");
//! let url = format!("{}/v1/agent", server.base_url());
//! let expected = fixture("cited").expect("known scenario").text;
//! # let _ = (url, expected); Ok(()) }
//! ```

mod agent;
mod fixtures;
mod generated;
mod http;
pub mod images;
mod rng;
mod router;
mod scenarios;
mod sonar;
mod sse;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

pub use fixtures::{Fixture, Image, Source, Usage};
use scenarios::{Scenario, ScenarioState};

/// How to start a [`MockServer`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// When `Some`, only `Authorization: Bearer <this>` is accepted; when `None`, any
    /// non-empty bearer token is. A missing header is always a 401.
    pub api_key: Option<String>,
    /// Seed for every random choice; `None` takes one from the clock (printed at start).
    pub seed: Option<u64>,
    /// Multiplies the scenario delays: 1.0 = as described, 0.0 = no delays, 2.0 = twice as slow.
    /// The 0–3 ms pauses between the pieces of a frame are not scaled.
    pub speed: f64,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig { port: 0, api_key: None, seed: None, speed: 1.0 }
    }
}

/// A request as the mock received it (control requests under `/__mock/` are not recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    /// The request target as sent, query string included.
    pub path: String,
    /// Lower-case names, in order; `authorization` included (this is test-only code).
    pub headers: Vec<(String, String)>,
    /// The body, decoded as UTF-8 (lossily).
    pub body: String,
}

/// The canned answer a scenario streams, or `None` for an unknown name or a scenario that
/// never produces text (`auth401`, `rate429`, `server500`, `bad400`, `failed`).
///
/// `usage.total_cost` is what `/v1/agent` reports; `sonar_total_cost` what `/chat/completions`
/// reports. `drop` and `malformed` return the full `cited` answer although a `drop` stream
/// carries only about half of it.
pub fn fixture(name: &str) -> Option<Fixture> {
    Scenario::from_name(name)?.fixture()
}

/// Names of every scenario, for `#mock:<name>` tokens and [`MockServer::set_scenario`].
pub fn scenario_names() -> Vec<&'static str> {
    Scenario::ALL.iter().map(|s| s.name()).collect()
}

/// State shared by the accept loop and every connection.
pub(crate) struct Shared {
    pub api_key: Option<String>,
    pub speed: f64,
    pub seed: u64,
    connections: AtomicU64,
    scenarios: Mutex<ScenarioState>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// When each delta of the latest `timestamps` answer was written (unix ms with fractions, in order).
    sent: Arc<Mutex<Vec<f64>>>,
}

/// Locks a mutex, shrugging off poisoning: the data is plain and stays consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(crate) fn scenarios(&self) -> MutexGuard<'_, ScenarioState> {
        lock(&self.scenarios)
    }

    pub(crate) fn record(&self, r: RecordedRequest) {
        lock(&self.requests).push(r);
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    /// The log a `timestamps` answer writes its send times into (emptied for each one).
    pub(crate) fn sent_log(&self) -> Arc<Mutex<Vec<f64>>> {
        Arc::clone(&self.sent)
    }

    pub(crate) fn sent_times(&self) -> Vec<f64> {
        lock(&self.sent).clone()
    }
}

/// A running mock server on 127.0.0.1. Dropping it stops the server and every open connection.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl MockServer {
    /// Binds 127.0.0.1:`cfg.port` and starts serving on the current Tokio runtime.
    pub async fn start(cfg: MockConfig) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", cfg.port)).await?;
        let addr = listener.local_addr()?;
        let seed = cfg.seed.unwrap_or_else(rng::clock_seed);
        eprintln!("citewise-mock: seed {seed} (pass it as --seed / MockConfig::seed to replay)");
        let shared = Arc::new(Shared {
            api_key: cfg.api_key,
            speed: if cfg.speed.is_finite() { cfg.speed.max(0.0) } else { 1.0 },
            seed,
            connections: AtomicU64::new(0),
            scenarios: Mutex::new(ScenarioState::default()),
            sent: Arc::default(),
            requests: Mutex::new(Vec::new()),
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(MockServer { addr, shared, accept })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The seed in use (the configured one, or the one taken from the clock).
    pub fn seed(&self) -> u64 {
        self.shared.seed
    }

    /// Sets the sticky scenario for the following requests (a `#mock:<name>` token in a
    /// message still wins for that request). Re-arms `rate429once` / `server503once`.
    ///
    /// # Panics
    /// On an unknown name: a typo in a test should fail loudly, not silently stream `cited`.
    pub fn set_scenario(&self, name: &str) {
        let Some(s) = Scenario::from_name(name) else {
            panic!("unknown mock scenario {name:?}; known: {}", scenario_names().join(", "));
        };
        self.shared.scenarios().set_sticky(s);
    }

    /// Every API request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// Stops accepting and closes every open connection.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // The accept task owns the JoinSet of connections: aborting it aborts them all.
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let n = shared.connections.fetch_add(1, Ordering::Relaxed);
                    let rng = rng::Rng::for_connection(shared.seed, n);
                    connections.spawn(router::serve(Arc::clone(&shared), stream, rng));
                }
                // EMFILE and friends: back off briefly instead of spinning.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
