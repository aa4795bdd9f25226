//! The one HTTP client every provider goes through: authentication, timeouts, retries of
//! transient failures, cancellation, and driving an SSE body through the right format mapper.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::agent::{self, AgentMapper, AgentRequest};
use super::chat_completions::{self as chat, ChatCompletionRequest, ChatMapper, Flavor};
use super::error::{Error, Result};
use super::headers::{rate_limit, rate_limit_reset_secs, retry_after_secs};
use super::messages::validate;
use super::sse::{self, Frame};
use super::types::{ChatRequest, Finish, Provider, Retrying, StreamEvent};
use crate::secrets::ApiKey;

pub const DEFAULT_BASE_URL: &str = "https://api.perplexity.ai";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stream may stay silent before it is declared dead. Search-heavy answers can pause
/// between the search and the first token; deep research pauses for minutes.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
const IDLE_TIMEOUT_DEEP: Duration = Duration::from_secs(600);
/// After a finish reason, how long to wait for a trailing usage chunk or the end of the body.
const FINISH_GRACE: Duration = Duration::from_secs(3);
const MODELS_TIMEOUT: Duration = Duration::from_secs(20);
/// Failures that cannot have been billed (no connection, 429, 503) are retried at most this
/// many times.
const MAX_RETRIES: u32 = 2;
/// A `Retry-After` longer than this is reported instead of waited out.
const MAX_RETRY_WAIT: u64 = 60;

/// Where requests go: which wire format, at which base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub provider: Provider,
    /// Without a trailing `/`: `https://api.perplexity.ai`, or for OpenAI-compatible endpoints the
    /// base an OpenAI SDK would take (`https://api.openai.com/v1`, `http://localhost:11434/v1`).
    pub base_url: String,
}

impl Endpoint {
    pub fn new(provider: Provider, base_url: &str) -> Endpoint {
        Endpoint { provider, base_url: base_url.trim().trim_end_matches('/').to_owned() }
    }

    fn chat_url(&self) -> String {
        let path = match self.provider {
            Provider::Agent => agent::PATH,
            Provider::Sonar | Provider::OpenAi => chat::PATH,
        };
        format!("{}{path}", self.base_url)
    }

    fn models_url(&self) -> String {
        if self.provider == Provider::OpenAi && self.base_url.ends_with("/v1") {
            format!("{}/models", self.base_url)
        } else {
            format!("{}/v1/models", self.base_url)
        }
    }

    fn host(&self) -> String {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.base_url.clone())
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// Replaces the per-model idle timeout (tests, impatient callers).
    idle_override: Option<Duration>,
}

/// Either format's mapper, behind one face for the stream driver.
enum Mapper {
    Agent(AgentMapper),
    Chat(ChatMapper),
}

impl Mapper {
    fn new(provider: Provider) -> Mapper {
        match provider {
            Provider::Agent => Mapper::Agent(AgentMapper::default()),
            Provider::Sonar | Provider::OpenAi => Mapper::Chat(ChatMapper::default()),
        }
    }
    fn on_data(&mut self, data: &str, out: &mut Vec<StreamEvent>) -> Option<Result<Finish>> {
        match self {
            Mapper::Agent(m) => m.on_data(data, out),
            Mapper::Chat(m) => m.on_data(data, out),
        }
    }
    /// A whole JSON answer instead of a stream (`stream: false`, or a server that ignores it).
    fn on_response(&mut self, body: &Value, out: &mut Vec<StreamEvent>) -> Option<Result<Finish>> {
        match self {
            Mapper::Agent(m) if body.get("output").is_some() || body.get("status").is_some() => {
                Some(m.on_response(body, out))
            }
            _ => None,
        }
    }
    fn on_end(&mut self, out: &mut Vec<StreamEvent>) -> Result<Finish> {
        match self {
            Mapper::Agent(m) => m.on_end(),
            Mapper::Chat(m) => m.on_end(out),
        }
    }
    fn has_text(&self) -> bool {
        match self {
            Mapper::Agent(m) => m.has_text(),
            Mapper::Chat(m) => m.has_text(),
        }
    }
    fn is_finishing(&self) -> bool {
        matches!(self, Mapper::Chat(m) if m.is_finishing())
    }
}

impl Client {
    /// Proxies come from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, as reqwest reads them; TLS is rustls.
    pub fn new() -> Result<Client> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("Citewise/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Network { host: "the network".into(), message: e.to_string() })?;
        Ok(Client { http, idle_override: None })
    }

    /// The underlying HTTP client, for other fetches that should share its proxy and TLS set-up
    /// (answer images).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Declares a stream dead after `idle` without data, whatever the model.
    pub fn with_idle_timeout(mut self, idle: Duration) -> Client {
        self.idle_override = Some(idle);
        self
    }

    /// Streams one answer: every event goes to `emit` as it arrives; the result says how the
    /// answer ended. Nothing is retried once answer data has started to flow.
    pub async fn stream_chat(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        request: &ChatRequest,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Finish> {
        validate(&request.messages, &request.options)?;
        let body = match endpoint.provider {
            Provider::Agent => serde_json::to_vec(&AgentRequest::new(request)),
            Provider::Sonar => serde_json::to_vec(&ChatCompletionRequest::new(request, Flavor::Sonar)),
            Provider::OpenAi => serde_json::to_vec(&ChatCompletionRequest::new(request, Flavor::OpenAi)),
        }
        .map_err(|e| Error::Protocol { message: e.to_string(), body: String::new() })?;
        let mapper = Mapper::new(endpoint.provider);
        let response =
            self.send_with_retries(endpoint, key, body, cancel, emit).await.map_err(|e| honest(endpoint, e))?;
        if let Some(limit) = rate_limit(response.headers()) {
            emit(StreamEvent::RateLimit(limit));
        }
        let idle = self.idle_override.unwrap_or_else(|| idle_timeout(&request.model));
        read_stream(endpoint, response, mapper, idle, cancel, emit).await.map_err(|e| honest(endpoint, e))
    }

    /// The models the endpoint offers (`GET /v1/models`), with their prices where it lists them.
    pub async fn list_models(&self, endpoint: &Endpoint, key: &ApiKey) -> Result<Vec<super::models::CatalogueModel>> {
        let response = self
            .http
            .get(endpoint.models_url())
            .headers(auth_headers(key)?)
            .timeout(MODELS_TIMEOUT)
            .send()
            .await
            .map_err(|e| Error::from_transport(&e, &endpoint.host(), false))?;
        let status = response.status().as_u16();
        let retry_after = retry_after_secs(response.headers());
        let text = response.text().await.map_err(|e| Error::from_transport(&e, &endpoint.host(), false))?;
        if !(200..300).contains(&status) {
            return Err(honest(endpoint, Error::from_status(status, retry_after, &text)));
        }
        super::models::parse_catalogue(&text).map_err(|message| Error::Protocol { message, body: text.clone() })
    }

    async fn send_with_retries(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        body: Vec<u8>,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<reqwest::Response> {
        let url = endpoint.chat_url();
        let mut attempt = 0;
        loop {
            let send = self
                .http
                .post(&url)
                .headers(auth_headers(key)?)
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "text/event-stream")
                .body(body.clone())
                .send();
            let sent = tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                r = send => r,
            };
            // Retried only what cannot have been billed: no connection was made at all (a
            // request that timed out or broke after it was sent may already be generating), a
            // 429 and a 503 (refused before any work). A 500/502/504 ends with the message.
            let (err, wait) = match sent {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = retry_after_secs(response.headers())
                        .or_else(|| (status == 429).then(|| rate_limit_reset_secs(response.headers())).flatten());
                    let text = tokio::select! {
                        _ = cancel.cancelled() => return Err(Error::Cancelled),
                        t = response.text() => t.unwrap_or_default(),
                    };
                    let err = Error::from_status(status, retry_after, &text);
                    match status {
                        429 | 503 => (err, retry_after.unwrap_or(1 << attempt)),
                        _ => return Err(err),
                    }
                }
                Err(e) if e.is_connect() => (Error::from_transport(&e, &endpoint.host(), false), 1 << attempt),
                Err(e) => return Err(Error::from_transport(&e, &endpoint.host(), false)),
            };
            if attempt >= MAX_RETRIES || wait > MAX_RETRY_WAIT {
                return Err(err);
            }
            attempt += 1;
            log::info!("{}: retry {attempt} in {wait} s", err.kind());
            emit(StreamEvent::Retrying(Retrying { attempt, wait_seconds: wait, reason: err.kind().to_owned() }));
            tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep(Duration::from_secs(wait)) => {}
            }
        }
    }
}

/// The retirement is Perplexity's: an OpenAI-compatible endpoint that says it is retired gets its
/// own words, not an offer to switch to Perplexity's Agent API.
fn honest(endpoint: &Endpoint, err: Error) -> Error {
    match err {
        Error::Retired { message } if endpoint.provider == Provider::OpenAi => {
            Error::Forbidden { status: 403, message }
        }
        other => other,
    }
}

async fn read_stream(
    endpoint: &Endpoint,
    response: reqwest::Response,
    mapper: Mapper,
    idle: Duration,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<Finish> {
    let content_type =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if !content_type.starts_with("text/event-stream") {
        let body = response.text().await.unwrap_or_default();
        let mut mapper = mapper;
        if let Ok(value) = serde_json::from_str::<Value>(&body) {
            // A whole answer (the Agent API without streaming), or a failure sent as a 200.
            let mut out = Vec::new();
            if let Some(end) = mapper.on_response(&value, &mut out) {
                out.drain(..).for_each(&mut *emit);
                return end;
            }
            if value.get("error").is_some_and(|e| !e.is_null())
                || super::wire::str_at(&value, "/status") == Some("failed")
            {
                return Err(super::wire::error_from_body(&value));
            }
        }
        return Err(Error::Protocol {
            message: format!("expected a stream of events, got “{content_type}”"), body
        });
    }
    drive(sse::frames(response.bytes_stream()), mapper, &endpoint.host(), idle, cancel, emit).await
}

/// Decodes a recorded response body as `provider` would stream it, without any HTTP: the same
/// path live answers take, for tests and transcript fixtures.
pub async fn replay(
    provider: Provider,
    body: impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send + 'static,
    emit: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<Finish> {
    drive(sse::frames(body), Mapper::new(provider), "replay", IDLE_TIMEOUT, &CancellationToken::new(), emit).await
}

/// Decodes a recorded whole-JSON answer (`stream: false`) as `provider` would read it.
pub fn replay_json(provider: Provider, body: &str, emit: &mut (dyn FnMut(StreamEvent) + Send)) -> Result<Finish> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| Error::Protocol { message: format!("the answer is not JSON ({e})"), body: String::new() })?;
    let mut out = Vec::new();
    let end = Mapper::new(provider)
        .on_response(&value, &mut out)
        .unwrap_or_else(|| Err(Error::Protocol { message: "not an answer".into(), body: String::new() }));
    out.drain(..).for_each(&mut *emit);
    end
}

/// Feeds SSE frames through a mapper until the answer ends, one way or another.
async fn drive(
    frames: impl futures_util::Stream<Item = Frame>,
    mut mapper: Mapper,
    host: &str,
    idle: Duration,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<Finish> {
    tokio::pin!(frames);
    let mut out = Vec::new();
    loop {
        let wait = if mapper.is_finishing() { FINISH_GRACE } else { idle };
        let next = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            next = tokio::time::timeout(wait, frames.next()) => next,
        };
        let end = match next {
            Err(_) if mapper.is_finishing() => Some(mapper.on_end(&mut out)),
            Err(_) if mapper.has_text() => Some(Err(Error::Interrupted { message: "the server went silent".into() })),
            Err(_) => Some(Err(Error::Timeout { what: "Waiting for the answer".into() })),
            Ok(None) => Some(mapper.on_end(&mut out)),
            Ok(Some(Frame::Data(data))) => mapper.on_data(&data, &mut out),
            Ok(Some(Frame::Skipped(reason))) => {
                log::warn!("skipped an undecodable SSE frame: {reason}");
                None
            }
            // A cut after the finish reason loses nothing but perhaps the usage chunk.
            Ok(Some(Frame::Transport(_))) if mapper.is_finishing() => Some(mapper.on_end(&mut out)),
            Ok(Some(Frame::Transport(err))) => Some(Err(Error::from_transport(&err, host, true))),
        };
        out.drain(..).for_each(&mut *emit);
        if let Some(end) = end {
            return end;
        }
    }
}

/// Deep research (`medium`, `high`, `xhigh` and Sonar's deep research) thinks for minutes
/// between events.
fn idle_timeout(model: &str) -> Duration {
    if model.contains("deep-research") || super::types::is_deep_preset(model) {
        IDLE_TIMEOUT_DEEP
    } else {
        IDLE_TIMEOUT
    }
}

fn auth_headers(key: &ApiKey) -> Result<HeaderMap> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| Error::Auth {
        status: 0,
        body: "the stored key contains characters that cannot be sent".into(),
    })?;
    // Keeps the header out of reqwest's Debug output.
    value.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, value);
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_header_is_sensitive() {
        let headers = auth_headers(&ApiKey::new("pplx-secret").unwrap()).unwrap();
        assert!(headers[AUTHORIZATION].is_sensitive());
        assert!(!format!("{headers:?}").contains("pplx-secret"));
    }

    #[test]
    fn urls_per_provider() {
        let agent = Endpoint::new(Provider::Agent, "https://api.perplexity.ai/");
        assert_eq!(agent.chat_url(), "https://api.perplexity.ai/v1/agent");
        assert_eq!(agent.models_url(), "https://api.perplexity.ai/v1/models");
        let sonar = Endpoint::new(Provider::Sonar, "https://api.perplexity.ai");
        assert_eq!(sonar.chat_url(), "https://api.perplexity.ai/chat/completions");
        let openai = Endpoint::new(Provider::OpenAi, " https://api.openai.com/v1 ");
        assert_eq!(openai.chat_url(), "https://api.openai.com/v1/chat/completions");
        assert_eq!(openai.models_url(), "https://api.openai.com/v1/models");
        let local = Endpoint::new(Provider::OpenAi, "http://127.0.0.1:8765");
        assert_eq!(local.models_url(), "http://127.0.0.1:8765/v1/models");
    }

    #[test]
    fn deep_research_waits_longer() {
        assert_eq!(idle_timeout("sonar-deep-research"), IDLE_TIMEOUT_DEEP);
        for deep in ["medium", "high", "xhigh", "deep-research", "advanced-deep-research"] {
            assert_eq!(idle_timeout(deep), IDLE_TIMEOUT_DEEP, "{deep}");
        }
        assert_eq!(idle_timeout("fast"), IDLE_TIMEOUT);
        assert_eq!(idle_timeout("low"), IDLE_TIMEOUT);
    }
}
