//! Scenarios: which behaviour a request gets, and how its answer is cut into deltas.
//!
//! Owns the scenario list, `#mock:<name>` selection, the sticky/once state, per-scenario
//! timing and the HTTP errors the error scenarios answer with. The wire formats live in
//! `agent.rs` and `sonar.rs`; both ask this module *what* to send.
//!
//! One piece (over 400 lines with its tests): the scenario list, its selection and timing are one
//! table read by both wire formats.

use crate::fixtures::{self, Fixture};
use crate::http::{Conn, Response};
use crate::rng::Rng;
use crate::sse::Pacing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    Cited,
    Slow,
    Reasoning,
    Auth401,
    Rate429,
    Rate429Once,
    Server500,
    Server503Once,
    Bad400,
    Drop,
    Malformed,
    Failed,
    Incomplete,
    Huge,
    Hostile,
    Timestamps,
    Retired,
    RateLimitLow,
    DropResume,
    Research,
    ResearchFail,
    ResearchCancelled,
    ResearchNoStream,
    ResearchForget,
    ResearchDrop,
}

impl Scenario {
    pub(crate) const ALL: [Scenario; 25] = [
        Scenario::Cited,
        Scenario::Slow,
        Scenario::Reasoning,
        Scenario::Auth401,
        Scenario::Rate429,
        Scenario::Rate429Once,
        Scenario::Server500,
        Scenario::Server503Once,
        Scenario::Bad400,
        Scenario::Drop,
        Scenario::Malformed,
        Scenario::Failed,
        Scenario::Incomplete,
        Scenario::Huge,
        Scenario::Hostile,
        Scenario::Timestamps,
        Scenario::Retired,
        Scenario::RateLimitLow,
        Scenario::DropResume,
        Scenario::Research,
        Scenario::ResearchFail,
        Scenario::ResearchCancelled,
        Scenario::ResearchNoStream,
        Scenario::ResearchForget,
        Scenario::ResearchDrop,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Scenario::Cited => "cited",
            Scenario::Slow => "slow",
            Scenario::Reasoning => "reasoning",
            Scenario::Auth401 => "auth401",
            Scenario::Rate429 => "rate429",
            Scenario::Rate429Once => "rate429once",
            Scenario::Server500 => "server500",
            Scenario::Server503Once => "server503once",
            Scenario::Bad400 => "bad400",
            Scenario::Drop => "drop",
            Scenario::Malformed => "malformed",
            Scenario::Failed => "failed",
            Scenario::Incomplete => "incomplete",
            Scenario::Huge => "huge",
            Scenario::Hostile => "hostile",
            Scenario::Timestamps => "timestamps",
            Scenario::Retired => "retired",
            Scenario::RateLimitLow => "ratelimitlow",
            Scenario::DropResume => "dropresume",
            Scenario::Research => "research",
            Scenario::ResearchFail => "researchfail",
            Scenario::ResearchCancelled => "researchcancelled",
            Scenario::ResearchNoStream => "researchnostream",
            Scenario::ResearchForget => "researchforget",
            Scenario::ResearchDrop => "researchdrop",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    fn is_once(self) -> bool {
        matches!(self, Scenario::Rate429Once | Scenario::Server503Once)
    }

    /// The background-mode scenarios: a run as long as a deep preset's, whatever the model
    /// (`research`), and the ways such a run goes wrong halfway (see `agent/runs.rs`).
    pub(crate) fn is_research(self) -> bool {
        matches!(
            self,
            Scenario::Research
                | Scenario::ResearchFail
                | Scenario::ResearchCancelled
                | Scenario::ResearchNoStream
                | Scenario::ResearchForget
                | Scenario::ResearchDrop
        )
    }

    /// The answer this scenario streams (`None` for scenarios that never produce text).
    pub(crate) fn fixture(self) -> Option<Fixture> {
        match self {
            Scenario::Cited
            | Scenario::Slow
            | Scenario::Drop
            | Scenario::DropResume
            | Scenario::Malformed
            | Scenario::Rate429Once
            | Scenario::Server503Once
            | Scenario::Retired
            | Scenario::RateLimitLow
            | Scenario::Research
            | Scenario::ResearchFail
            | Scenario::ResearchCancelled
            | Scenario::ResearchNoStream
            | Scenario::ResearchForget
            | Scenario::ResearchDrop => Some(fixtures::cited()),
            Scenario::Reasoning => Some(fixtures::reasoning()),
            Scenario::Incomplete => Some(fixtures::incomplete()),
            Scenario::Huge => Some(fixtures::huge()),
            Scenario::Hostile => Some(fixtures::hostile()),
            Scenario::Timestamps => Some(fixtures::timestamps()),
            Scenario::Auth401 | Scenario::Rate429 | Scenario::Server500 | Scenario::Bad400 | Scenario::Failed => None,
        }
    }

    /// The HTTP error this scenario answers with instead of an answer, if any.
    /// (`auth401` is handled with authentication, before validation.)
    pub(crate) fn http_error(self) -> Option<Response> {
        let rate_limited = |retry_after: &str| {
            Response::error_json(429, "Rate limit exceeded", "rate_limit_exceeded")
                .with_header("Retry-After", retry_after)
                .with_header("X-RateLimit-Limit", "50")
                .with_header("X-RateLimit-Remaining", "0")
        };
        match self {
            Scenario::Auth401 => Some(Response::unauthorized()),
            Scenario::Rate429 => Some(rate_limited("2")),
            Scenario::Rate429Once => Some(rate_limited("1")),
            Scenario::Server500 => Some(Response::json(500, &serde_json::json!({"detail": "Internal Server Error"}))),
            Scenario::Server503Once => Some(Response::json(503, &serde_json::json!({"detail": "Service Unavailable"}))),
            Scenario::Bad400 => Some(Response::json(
                400,
                &serde_json::json!({"error": {"message": "Invalid model 'xyz'", "type": "invalid_model", "code": "invalid_model"}}),
            )),
            _ => None,
        }
    }

    /// What happens to the stream just before text delta `i` of `deltas`.
    pub(crate) fn disruption(self, i: usize, deltas: usize) -> Option<Disruption> {
        match self {
            Scenario::Drop | Scenario::DropResume if i == deltas / 2 => Some(Disruption::Drop),
            Scenario::Malformed if i == deltas / 3 => Some(Disruption::BrokenFrame),
            Scenario::Malformed if i == deltas * 2 / 3 => Some(Disruption::Garbage),
            _ => None,
        }
    }

    /// Pause between two text deltas at speed 1.0, in ms.
    pub(crate) fn delta_delay_ms(self) -> f64 {
        match self {
            Scenario::Slow => 250.0,
            Scenario::Huge => 0.0,
            Scenario::Timestamps => 1.0, // scheduled, not slept: 1,000 tokens/s
            _ => 10.0,
        }
    }

    /// Delta sizes in characters (min, max).
    pub(crate) fn delta_chars(self) -> (usize, usize) {
        match self {
            Scenario::Slow => (10, 16), // ~60 deltas × 250 ms ≈ 15 s
            _ => (1, 12),
        }
    }

    pub(crate) fn pacing(self) -> Pacing {
        match self {
            Scenario::Huge => Pacing::FAST,
            Scenario::Timestamps => Pacing::PRECISE,
            _ => Pacing::NORMAL,
        }
    }
}

/// Everything an answering handler needs for one request.
pub(crate) struct Answer {
    pub scenario: Scenario,
    /// The streamed answer (`cited` stands in for scenarios that fail before any text).
    pub fixture: Fixture,
    /// The model to echo in responses: as asked (a preset's name, or a model id).
    pub model: String,
    /// The model that answered (the Agent API's `response.completed` reports it): a preset's
    /// model, or the model asked for.
    pub resolved: String,
    /// The Agent API searches (not with `max_tool_calls: 0` or `tool_choice: "none"`).
    pub search: bool,
    /// Agent request fields the `response` object echoes (`tools`, `max_output_tokens`, `store`…).
    pub echo: serde_json::Map<String, serde_json::Value>,
    /// Extra response headers (the Agent API's `x-ratelimit-*`).
    pub headers: Vec<(String, String)>,
    pub rng: Rng,
    /// Multiplies scenario delays (0.0 = none).
    pub speed: f64,
    /// `http://host:port` the client reached the mock at: the start of the mock's image URLs.
    pub origin: String,
    /// Sonar asked for `images` / `related_questions`.
    pub images: bool,
    pub related: bool,
    /// An OpenAI-style client asked `/chat/completions`: no Perplexity cost in usage.
    pub openai: bool,
    /// `timestamps`: where each delta's send time goes (`GET /__mock/sent-times`).
    pub sent: Option<std::sync::Arc<std::sync::Mutex<Vec<f64>>>>,
}

impl Answer {
    pub(crate) fn new(scenario: Scenario, model: String, rng: Rng, speed: f64) -> Self {
        let fixture = scenario.fixture().unwrap_or_else(fixtures::cited);
        let origin = "http://127.0.0.1".to_owned();
        Answer {
            scenario,
            fixture,
            resolved: model.clone(),
            model,
            search: true,
            echo: serde_json::Map::new(),
            headers: Vec::new(),
            rng,
            speed,
            origin,
            images: false,
            related: false,
            openai: false,
            sent: None,
        }
    }

    /// Makes the Agent answer search-free (see [`Fixture::without_search`]).
    pub(crate) fn without_search(&mut self) {
        self.search = false;
        self.fixture = self.fixture.without_search();
    }

    /// An image URL as sent: the mock's own paths get its address in front.
    pub(crate) fn absolute(&self, url: &str) -> String {
        if url.starts_with('/') {
            format!("{}{url}", self.origin)
        } else {
            url.to_owned()
        }
    }

    /// The answer's text deltas.
    pub(crate) fn deltas(&mut self, text: &str, forced: &[usize]) -> Vec<String> {
        if self.scenario == Scenario::Timestamps {
            return crate::generated::timestamp_words();
        }
        split_deltas(text, &mut self.rng, self.scenario.delta_chars(), forced)
    }

    /// Sends a whole (non-streamed) response the way the scenario disturbs it: cut off halfway
    /// for `drop`, JSON broken off for `malformed`, after as long as the stream of `text` would
    /// take for `slow`. Returns quietly when the client hangs up.
    pub(crate) async fn respond_whole(&mut self, mut conn: Conn, resp: Response, text: &str) {
        match self.scenario {
            Scenario::Drop | Scenario::DropResume => conn.respond_truncated(&resp, resp.body.len() / 2).await,
            Scenario::Malformed => {
                let half = resp.body[..resp.body.len() / 2].to_vec();
                conn.respond(&Response::new(200, "application/json", half)).await
            }
            Scenario::Slow => {
                let wait = self.deltas(text, &[]).len() as f64 * self.scenario.delta_delay_ms() * self.speed;
                if conn.sleep(std::time::Duration::from_secs_f64(wait / 1000.0)).await.is_ok() {
                    conn.respond(&resp).await
                }
            }
            _ => conn.respond(&resp).await,
        }
    }
}

/// Something a scenario does to the stream just before text delta `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disruption {
    /// Drop the connection (`drop` and `dropresume`, halfway).
    Drop,
    /// Send a frame whose JSON stops mid-object (`malformed`, a third of the way).
    BrokenFrame,
    /// Send a frame of [`GARBAGE`] (`malformed`, two thirds of the way).
    Garbage,
}

/// A frame of plain garbage — invalid UTF-8, no `data:` — for the `malformed` scenario.
pub(crate) const GARBAGE: &[u8] = b"\xff\xfe\x00\x9c garbage \xc3\x28\x80 }{ \xed\xa0\x80";

/// A `#mock:<name>` token that names no scenario.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UnknownScenario(pub(crate) String);

impl std::fmt::Display for UnknownScenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Unknown mock scenario '#mock:{}'", self.0)
    }
}

/// Finds the last `#mock:<name>` token in a message, [`UnknownScenario`] for an unknown name.
/// `#mock:recorded=<stem>` tokens pick a recording instead (see `recorded::token`) and are skipped.
pub(crate) fn token(text: &str) -> Option<Result<Scenario, UnknownScenario>> {
    let start = text
        .match_indices("#mock:")
        .map(|(at, t)| at + t.len())
        .filter(|&at| !text[at..].starts_with(crate::recorded::TOKEN_TAIL))
        .last()?;
    let name: String =
        text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    Some(Scenario::from_name(&name).ok_or(UnknownScenario(name)))
}

/// The sticky scenario plus the memory of `…once` scenarios that already fired.
#[derive(Debug)]
pub(crate) struct ScenarioState {
    sticky: Scenario,
    fired: Option<Scenario>,
}

impl Default for ScenarioState {
    fn default() -> Self {
        ScenarioState { sticky: Scenario::Cited, fired: None }
    }
}

impl ScenarioState {
    pub(crate) fn sticky(&self) -> Scenario {
        self.sticky
    }

    /// Sets the sticky scenario and re-arms the `…once` scenarios.
    pub(crate) fn set_sticky(&mut self, s: Scenario) {
        self.sticky = s;
        self.fired = None;
    }

    /// The scenario a valid request gets. A `…once` scenario fails the first request of a run
    /// of requests selecting it and answers like `cited` afterwards; selecting anything else
    /// (or setting the sticky scenario) re-arms it.
    pub(crate) fn begin(&mut self, requested: Option<Scenario>) -> Scenario {
        let s = requested.unwrap_or(self.sticky);
        if !s.is_once() {
            self.fired = None;
            return s;
        }
        if self.fired == Some(s) {
            Scenario::Cited
        } else {
            self.fired = Some(s);
            s
        }
    }
}

/// Cuts `text` into deltas of `min..=max` characters (never inside a character). Every byte
/// offset in `forced` becomes a cut, and so does the inside of the first `[n]` marker, so
/// clients always meet a split citation.
pub(crate) fn split_deltas(text: &str, rng: &mut Rng, (min, max): (usize, usize), forced: &[usize]) -> Vec<String> {
    let mut forced: Vec<usize> = forced.to_vec();
    if let Some(pos) = text.find('[').filter(|&p| text[p + 1..].starts_with(|c: char| c.is_ascii_digit())) {
        forced.push(pos + 1);
    }
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut want = rng.range(min.max(1), max.max(min).max(1));
    for (offset, ch) in text.char_indices() {
        if !piece.is_empty() && (piece.chars().count() >= want || forced.contains(&offset)) {
            out.push(std::mem::take(&mut piece));
            want = rng.range(min.max(1), max.max(min).max(1));
        }
        piece.push(ch);
    }
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_name_round_trips() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_name(s.name()), Some(s));
        }
        assert_eq!(Scenario::from_name("nope"), None);
    }

    #[test]
    fn token_selects_scenario_from_message() {
        assert_eq!(token("How high is Everest? #mock:slow"), Some(Ok(Scenario::Slow)));
        assert_eq!(token("#mock:rate429once please"), Some(Ok(Scenario::Rate429Once)));
        assert_eq!(token("a #mock:slow then #mock:drop."), Some(Ok(Scenario::Drop)));
        assert_eq!(token("#mock:bogus"), Some(Err(UnknownScenario("bogus".into()))));
        assert_eq!(token("no token here, just #mock"), None);
        assert_eq!(token("#mock:slow and #mock:recorded=agent_fast_stream"), Some(Ok(Scenario::Slow)));
        assert_eq!(token("only #mock:recorded=agent_fast_stream"), None);
    }

    #[test]
    fn sticky_and_per_request_selection() {
        let mut st = ScenarioState::default();
        assert_eq!(st.begin(None), Scenario::Cited);
        st.set_sticky(Scenario::Huge);
        assert_eq!(st.begin(None), Scenario::Huge);
        assert_eq!(st.begin(Some(Scenario::Hostile)), Scenario::Hostile);
        assert_eq!(st.begin(None), Scenario::Huge, "a token does not change the sticky scenario");
    }

    #[test]
    fn once_scenarios_fail_once_then_answer() {
        let mut st = ScenarioState::default();
        st.set_sticky(Scenario::Rate429Once);
        assert_eq!(st.begin(None), Scenario::Rate429Once);
        assert_eq!(st.begin(None), Scenario::Cited);
        assert_eq!(st.begin(None), Scenario::Cited);
        st.set_sticky(Scenario::Rate429Once);
        assert_eq!(st.begin(None), Scenario::Rate429Once, "re-armed by selecting it again");
        // Per request: the retry of the same message succeeds; another message re-arms.
        assert_eq!(st.begin(Some(Scenario::Server503Once)), Scenario::Server503Once);
        assert_eq!(st.begin(Some(Scenario::Server503Once)), Scenario::Cited);
        assert_eq!(st.begin(Some(Scenario::Cited)), Scenario::Cited);
        assert_eq!(st.begin(Some(Scenario::Server503Once)), Scenario::Server503Once);
    }

    #[test]
    fn deltas_reassemble_and_split_a_marker() {
        let mut rng = Rng::new(7);
        let text = fixtures::CITED_TEXT;
        let deltas = split_deltas(text, &mut rng, (1, 12), &[]);
        assert_eq!(deltas.concat(), text);
        assert!(deltas.iter().all(|d| (1..=12).contains(&d.chars().count())));
        assert!(deltas.iter().any(|d| d.ends_with('[')), "a [n] marker is cut in half");
    }
}
