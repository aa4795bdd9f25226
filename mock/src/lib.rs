//! `citewise-mock`: a local Perplexity-compatible HTTP server for Citewise's tests and offline
//! demos (never shipped in the app).
//!
//! Owns the public API: [`MockServer`] (start, base URL, sticky scenario, recorded mode, recorded
//! requests), [`MockConfig`], [`RecordedRequest`] and the canned answers via [`fixture`]. The wire
//! formats follow DESIGN §3 and the recordings of real traffic in `tests/fixtures/real/`:
//! `POST /v1/agent` (and its alias `POST /v1/responses`), `POST /chat/completions`,
//! `GET /v1/models`, background mode with `GET /v1/agent/{id}` (as recorded; also under `/v1/responses`) (poll; `?stream=true` follows
//! or resumes) and `POST /v1/agent/{id}/cancel` (`agent/background.rs`), plus the
//! unauthenticated control endpoints and the answers' pictures ([`images`]) under `/__mock/`. All
//! randomness (byte-level split points, pauses, odd framing, ids) comes from one seed.
//!
//! # Scenarios (simulated mode, the default)
//!
//! Sticky with [`MockServer::set_scenario`] / `POST /__mock/scenario {"name"}`, or for one
//! request with `#mock:<name>` in the last user message.
//!
//! | name | what it does |
//! |---|---|
//! | `cited` | the default: a cited answer about Everest, streamed like the recordings |
//! | `slow` | the same, one delta every 250 ms (~15 s) |
//! | `reasoning` | reasoning deltas (Agent) / a `<think>` block (Sonar) before the answer |
//! | `auth401` | the proxy's HTML 401, as for a wrong key |
//! | `rate429`, `rate429once` | 429 with `Retry-After` 2 (always) / 1 (first request of a run only) |
//! | `server500`, `server503once` | 500 (always) / 503 (first request of a run only) |
//! | `bad400` | a 400 `invalid_model` |
//! | `drop` | the connection dropped halfway through the stream (no terminating chunk) |
//! | `malformed` | a broken frame and a frame of garbage bytes mid-stream |
//! | `failed` | `response.failed` (Agent) / an error chunk (Sonar) |
//! | `incomplete` | cut off by `max_output_tokens`: `response.incomplete` / `finish_reason: "length"` |
//! | `huge` | a ~20,000-token answer, streamed fast |
//! | `hostile` | markup, scripts and `javascript:`/`data:` URLs in text, sources, images |
//! | `timestamps` | 5,000 one-word deltas at 1,000/s, each stamped with its send time (the bench) |
//! | `retired` | `POST /chat/completions` answers the recorded 403 `chat_completions_not_available`; the Agent API answers like `cited` |
//! | `ratelimitlow` | like `cited`, with `x-ratelimit-remaining: 2` (limit 50) on Agent answers |
//! | `dropresume` | like `drop`, but the Agent stream resumes (`drop`'s id is a 404) |
//! | `research` | a background run as long as a deep preset's (~3 virtual minutes), any model |
//! | `researchfail`, `researchcancelled` | a background run `failed` / `cancelled` halfway |
//! | `researchnostream` | `GET /v1/responses/{id}?stream=true` is a 400: poll instead |
//! | `researchforget` | the run is forgotten halfway: 404s from then on, follow streams cut |
//! | `researchdrop` | follow streams opened before halfway are cut there; a resume works |
//!
//! Stored runs go on a virtual clock: [`MockConfig::clock_speed`], [`MockServer::set_clock_speed`],
//! `POST /__mock/clock {"speed"}`; `GET /__mock/runs` lists them with their cancel requests.
//!
//! Every successful simulated Agent answer carries `x-ratelimit-limit: 50`,
//! `x-ratelimit-remaining` (50 minus the Agent requests of the current minute, floored at 0),
//! `x-ratelimit-reset` (the end of that minute, Unix seconds) and `x-ratelimit-used`. A request with
//! `max_tool_calls: 0` or `tool_choice: "none"` gets the answer without any search
//! ([`Fixture::without_search`]; `GET /__mock/fixture/<name>?search=false`). `GET /v1/models`
//! returns the recorded 52-model catalogue in every mode.
//!
//! # Recorded mode
//!
//! [`MockConfig::recorded`] / `--recorded` / `POST /__mock/recorded {"on": true}` answers with the
//! recordings of real traffic in `tests/fixtures/real/` wherever the simulated mode would answer
//! `cited`: `POST /chat/completions` with the retirement 403, `POST /v1/agent` and
//! `/v1/responses` with `agent_fast_web_search` (streamed) or `agent_fast_web_search_answer`,
//! `GET /v1/models` with `models_2026-10-09`. Any other scenario (sticky, or `#mock:<name>`)
//! still applies, and the retry after a `…once` scenario gets the recording.
//!
//! A recording can also be picked, in either mode: sticky with [`MockServer::set_recording`] /
//! `POST /__mock/recording {"name": "<stem>"}`, or for one request with `#mock:recorded=<stem>`
//! in the last user message (`GET /__mock/recordings` lists them). Which answers a chat
//! request, first match wins: `#mock:recorded=<stem>`, `#mock:<scenario>`, the sticky recording,
//! the sticky scenario. A recording is served with its recorded status, content type, headers
//! and bytes, streams in seeded-random pieces with short pauses. Authentication and request
//! validation apply first in every case, except that a picked recording whose name contains
//! `401` is served as recorded. Recordings are read at run time; one that cannot be read is a
//! 500 `{"detail"}` naming the file.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use citewise_mock::{fixture, MockConfig, MockServer};
//! let server = MockServer::start(MockConfig { speed: 0.0, ..Default::default() }).await?;
//! server.set_scenario("slow");
//! let url = format!("{}/v1/agent", server.base_url());
//! let expected = fixture("cited").expect("known scenario").text;
//! server.set_recorded(true); // now the recordings answer
//! # let _ = (url, expected); Ok(()) }
//! ```

mod agent;
mod fixtures;
mod generated;
mod http;
pub mod images;
mod recorded;
mod rng;
mod router;
mod scenarios;
mod sonar;
mod sse;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// Recorded mode: answer with the recordings of real traffic where the simulated mode would
    /// answer `cited` (see the crate docs). Switchable at run time with
    /// [`MockServer::set_recorded`] or `POST /__mock/recorded {"on": bool}`.
    pub recorded: bool,
    /// The recordings folder, read at run time; `None` = the repository's `tests/fixtures/real`.
    pub recordings: Option<PathBuf>,
    /// Virtual seconds per real second for stored runs (background mode, resumable streams):
    /// 1.0 = a deep-research run takes ~3 minutes, 18.0 ~10 s. Must be > 0; switchable at run
    /// time with [`MockServer::set_clock_speed`] or `POST /__mock/clock {"speed"}`.
    #[serde(default = "default_clock_speed")]
    pub clock_speed: f64,
}

fn default_clock_speed() -> f64 {
    1.0
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            port: 0,
            api_key: None,
            seed: None,
            speed: 1.0,
            recorded: false,
            recordings: None,
            clock_speed: default_clock_speed(),
        }
    }
}

/// A request as the mock received it (control requests under `/__mock/` are not recorded; answer
/// images under `/__mock/image/` are).
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
/// carries only about half of it; `retired` and `ratelimitlow` return `cited` (what the Agent
/// API answers). For an Agent request that makes no search (`max_tool_calls: 0`), take
/// [`Fixture::without_search`] of it.
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
    pub recordings: recorded::Recordings,
    connections: AtomicU64,
    /// Agent API requests that passed authentication in the current rate-limit window (its start
    /// in Unix seconds, the count), for `x-ratelimit-*`.
    agent_requests: Mutex<(u64, u64)>,
    recorded: AtomicBool,
    /// The sticky recording's stem.
    recording: Mutex<Option<String>>,
    scenarios: Mutex<ScenarioState>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// When each delta of the latest `timestamps` answer was written (unix ms with fractions, in order).
    sent: Arc<Mutex<Vec<f64>>>,
    /// Stored Agent runs (background mode, resumable streams) and their virtual clock.
    pub runs: agent::Runs,
}

/// Locks a mutex, shrugging off poisoning: the data is plain and stays consistent.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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

    pub(crate) fn recorded(&self) -> bool {
        self.recorded.load(Ordering::Relaxed)
    }

    pub(crate) fn set_recorded(&self, on: bool) {
        self.recorded.store(on, Ordering::Relaxed);
    }

    pub(crate) fn recording(&self) -> Option<String> {
        lock(&self.recording).clone()
    }

    pub(crate) fn set_recording(&self, stem: Option<String>) {
        *lock(&self.recording) = stem;
    }

    /// Counts one more Agent request in the rate-limit window (a minute, as a real one starts
    /// over); returns how many there have been in it, this one included, and when it ends.
    pub(crate) fn count_agent_request(&self) -> (u64, u64) {
        let now = rng::now_secs();
        let mut window = lock(&self.agent_requests);
        if now >= window.0 + RATE_WINDOW_SECS {
            *window = (now, 0);
        }
        window.1 += 1;
        (window.1, window.0 + RATE_WINDOW_SECS)
    }
}

/// A usable clock speed: finite and > 0.
pub(crate) fn valid_clock_speed(speed: f64) -> Option<f64> {
    (speed.is_finite() && speed > 0.0).then_some(speed)
}

/// How long a rate-limit window of the simulated Agent API lasts.
const RATE_WINDOW_SECS: u64 = 60;

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
            recordings: recorded::Recordings::new(cfg.recordings.unwrap_or_else(recorded::default_dir)),
            connections: AtomicU64::new(0),
            agent_requests: Mutex::new((0, 0)),
            recorded: AtomicBool::new(cfg.recorded),
            recording: Mutex::new(None),
            scenarios: Mutex::new(ScenarioState::default()),
            sent: Arc::default(),
            requests: Mutex::new(Vec::new()),
            runs: agent::Runs::new(valid_clock_speed(cfg.clock_speed).unwrap_or(1.0)),
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

    /// Turns recorded mode on or off (see the crate docs).
    pub fn set_recorded(&self, on: bool) {
        self.shared.set_recorded(on);
    }

    /// Whether recorded mode is on.
    pub fn recorded(&self) -> bool {
        self.shared.recorded()
    }

    /// Picks the recording (by its stem, e.g. `"agent_fast_stream"`) that answers the following
    /// chat requests, in either mode; `None` clears the pick. A `#mock:` token in a message
    /// still wins for that request.
    ///
    /// # Panics
    /// On a stem with no recording in the folder, or an unreadable folder.
    pub fn set_recording(&self, stem: Option<&str>) {
        if let Some(stem) = stem {
            match self.shared.recordings.check(stem) {
                Ok(Ok(())) => {}
                Ok(Err(unknown)) => panic!("{unknown}"),
                Err(why) => panic!("{why}"),
            }
        }
        self.shared.set_recording(stem.map(String::from));
    }

    /// Sets the virtual clock's speed (virtual seconds per real second) for stored runs, runs in
    /// progress included from now on.
    ///
    /// # Panics
    /// On a speed that is not a finite number > 0.
    pub fn set_clock_speed(&self, speed: f64) {
        let Some(speed) = valid_clock_speed(speed) else { panic!("clock speed must be a number > 0, not {speed}") };
        self.shared.runs.set_clock_speed(speed);
    }

    /// The virtual clock's speed.
    pub fn clock_speed(&self) -> f64 {
        self.shared.runs.clock_speed()
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
