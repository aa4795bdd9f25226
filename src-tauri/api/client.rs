//! The one HTTP client every provider goes through: authentication, timeouts, retries of
//! transient failures, cancellation, and driving an SSE body through the right format mapper.
//!
//! Nothing a server does can make it wait or hold memory without bound: the response head, each
//! silence in a stream and every other body have deadlines; bodies, SSE events and the answer's
//! text have size limits; redirects are never followed (the key goes only where Settings say).
//!
//! One piece (just over 400 lines): one request's life — send, retry, deadlines, cancel, the SSE
//! driver — shares one set of timeouts and one cancel token; the bodies and headers are apart.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::body::{self, MAX_ANSWER_BODY, MAX_ERROR_BODY, MAX_MODELS_BODY};
use super::error::{Error, Result};
use super::headers::{rate_limit, rate_limit_reset_secs, retry_after_secs};
use super::messages::validate;
use super::network::{self, redirected, Proxies};
use super::provider::Provider;
use super::sse::{self, Frame};
use super::types::{ChatRequest, Finish, Retrying, StreamEvent};
use super::wire::WireFormat;
use crate::secrets::ApiKey;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// From sending a question to the response head. Perplexity starts an event stream before the
/// model works, so this is short; deep research gets more in case a gateway holds the head. Also
/// the small requests of background runs (start, status, cancel, resume: runs.rs).
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(60);
const HEAD_TIMEOUT_DEEP: Duration = Duration::from_secs(180);
/// An error status's body, once its head has arrived.
const ERROR_BODY_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a stream may stay silent before it is declared dead. Search-heavy answers can pause
/// between the search and the first token; deep research pauses for minutes.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
const IDLE_TIMEOUT_DEEP: Duration = Duration::from_secs(600);
/// After a finish reason, how long to wait for a trailing usage chunk or the end of the body.
const FINISH_GRACE: Duration = Duration::from_secs(3);
/// `GET /v1/models`, head and body together.
const MODELS_TIMEOUT: Duration = Duration::from_secs(20);
/// Most answer text one streamed answer may bring (deltas and reasoning); then it is cut off.
pub const MAX_ANSWER_TEXT: usize = 8 * 1024 * 1024;
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
        format!("{}{}", self.base_url, self.provider.spec().chat_path)
    }

    /// Where the model list is: the provider's own, or else (Sonar) that of the first provider
    /// sharing its key, which is what testing a key asks.
    fn models_url(&self) -> Option<String> {
        let mut specs = std::iter::once(self.provider).chain(self.provider.account().providers()).map(Provider::spec);
        let spec = specs.find(|s| s.models_path.is_some())?;
        let path = spec.models_path?;
        Some(match self.base_url.strip_suffix("/v1").filter(|_| spec.sdk_base) {
            Some(_) => format!("{}{}", self.base_url, path.trim_start_matches("/v1")),
            None => format!("{}{path}", self.base_url),
        })
    }

    pub(super) fn host(&self) -> String {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.base_url.clone())
    }
}

/// What [`Client::exchange`] brought back: the status, its `Retry-After`, and the body as read.
pub(super) struct Exchange {
    pub status: u16,
    pub retry_after: Option<u64>,
    pub body: Result<body::Read>,
}

#[derive(Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    /// The proxy settings `http` uses, to name the proxy when a connection through it fails.
    proxies: Proxies,
    /// Replaces the per-model idle timeout (tests, impatient callers).
    pub(super) idle_override: Option<Duration>,
    /// Replaces the per-model response-head timeout.
    pub(super) head_override: Option<Duration>,
}

impl Client {
    /// TLS trusts the bundled roots and the system's store; proxies as the system says; no
    /// redirects (network.rs).
    pub fn new() -> Result<Client> {
        let (http, proxies) = network::http_client(CONNECT_TIMEOUT)?;
        Ok(Client { http, proxies, idle_override: None, head_override: None })
    }

    /// Declares a stream dead after `idle` without data, whatever the model.
    pub fn with_idle_timeout(mut self, idle: Duration) -> Client {
        self.idle_override = Some(idle);
        self
    }

    /// Gives up on a question whose response head has not arrived after `head`, whatever the model.
    pub fn with_head_timeout(mut self, head: Duration) -> Client {
        self.head_override = Some(head);
        self
    }

    /// A transport failure of a request to `url`, naming the proxy it went through, if any.
    pub(super) fn transport_error(&self, err: &reqwest::Error, endpoint: &Endpoint, url: &str) -> Error {
        Error::from_transport(err, &endpoint.host(), self.proxies.for_url(url).as_deref(), false)
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
        let mut mapper = (endpoint.provider.spec().wire)();
        let body = mapper.body(request).map_err(|e| Error::protocol(e.to_string(), ""))?;
        let head = self.head_override.unwrap_or_else(|| head_timeout(&request.model));
        let response =
            self.send_with_retries(endpoint, key, body, head, cancel, emit).await.map_err(|e| honest(endpoint, e))?;
        if let Some(limit) = rate_limit(response.headers()) {
            emit(StreamEvent::RateLimit(limit));
        }
        let idle = self.idle_override.unwrap_or_else(|| idle_timeout(&request.model));
        let end = read_stream(endpoint, response, mapper.as_mut(), idle, cancel, emit).await;
        // A stream that dropped mid-answer is asked for once more, after its last event.
        let end = match end {
            Err(err) if super::runs::is_cut(&err) => {
                self.resume_once(endpoint, key, mapper.as_mut(), idle, cancel, emit, err).await
            }
            end => end,
        };
        end.map_err(|e| honest(endpoint, e))
    }

    /// The models the endpoint offers (`GET /v1/models`), with their prices where it lists them.
    pub async fn list_models(&self, endpoint: &Endpoint, key: &ApiKey) -> Result<Vec<super::models::CatalogueModel>> {
        let url =
            endpoint.models_url().ok_or_else(|| Error::Failed { message: "this provider has no model list".into() })?;
        let Exchange { status, retry_after, body } =
            self.exchange(endpoint, &url, self.http.get(&url), key, MAX_MODELS_BODY, MODELS_TIMEOUT).await?;
        let read = body?;
        if !(200..300).contains(&status) {
            return Err(honest(endpoint, Error::from_status(status, retry_after, &read.text)));
        }
        if !read.complete {
            let message = format!("the model list is larger than {}", body::size(MAX_MODELS_BODY));
            return Err(Error::protocol(message, &read.text));
        }
        super::models::parse_catalogue(&read.text).map_err(|e| Error::protocol(e.to_string(), &read.text))
    }

    /// One small request that is not a stream: sent with the key under `timeout`, no redirect
    /// followed, its body read up to `ok_limit` on success (an error body's cap otherwise).
    pub(super) async fn exchange(
        &self,
        endpoint: &Endpoint,
        url: &str,
        request: reqwest::RequestBuilder,
        key: &ApiKey,
        ok_limit: usize,
        timeout: Duration,
    ) -> Result<Exchange> {
        let response = request
            .headers(auth_headers(key)?)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| self.transport_error(&e, endpoint, url))?;
        if response.status().is_redirection() {
            return Err(redirected(&endpoint.host(), &response));
        }
        let status = response.status().as_u16();
        let retry_after = retry_after_secs(response.headers());
        let limit = if (200..300).contains(&status) { ok_limit } else { MAX_ERROR_BODY };
        let body = body::read(response, limit, timeout, &CancellationToken::new()).await;
        Ok(Exchange { status, retry_after, body })
    }

    pub(super) async fn send_with_retries(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        body: Vec<u8>,
        head: Duration,
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
            // The head timeout is not the idle one: a server that accepted the question but never
            // answers would otherwise hold it until Stop. It may have been billed: not retried.
            let sent = tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                r = tokio::time::timeout(head, send) => r.map_err(|_| Error::Timeout {
                    what: format!("Waiting for {} to start answering", endpoint.host()),
                })?,
            };
            // Retried only what cannot have been billed: no connection was made at all (a
            // request that timed out or broke after it was sent may already be generating), a
            // 429 and a 503 (refused before any work). A 500/502/504 ends with the message.
            let (err, wait) = match sent {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) if response.status().is_redirection() => {
                    return Err(redirected(&endpoint.host(), &response))
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = retry_after_secs(response.headers())
                        .or_else(|| (status == 429).then(|| rate_limit_reset_secs(response.headers())).flatten());
                    let text = match body::read(response, MAX_ERROR_BODY, ERROR_BODY_TIMEOUT, cancel).await {
                        Ok(read) => read.text,
                        Err(Error::Cancelled) => return Err(Error::Cancelled),
                        // The status says enough without its body.
                        Err(_) => String::new(),
                    };
                    let err = Error::from_status(status, retry_after, &text);
                    match status {
                        429 | 503 => (err, retry_after.unwrap_or(1 << attempt)),
                        _ => return Err(err),
                    }
                }
                Err(e) if e.is_connect() => (self.transport_error(&e, endpoint, &url), 1 << attempt),
                Err(e) => return Err(self.transport_error(&e, endpoint, &url)),
            };
            if attempt >= MAX_RETRIES || wait > MAX_RETRY_WAIT {
                return Err(err);
            }
            attempt += 1;
            log::info!("{}: retry {attempt} in {wait} s", err.kind());
            emit(StreamEvent::Retrying(Retrying { attempt, wait_seconds: wait, reason: err.kind() }));
            tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep(Duration::from_secs(wait)) => {}
            }
        }
    }
}

/// The retirement is Perplexity's: an OpenAI-compatible endpoint that says it is retired gets its
/// own words, not an offer to switch to Perplexity's Agent API.
pub(super) fn honest(endpoint: &Endpoint, err: Error) -> Error {
    match err {
        Error::Retired { message } if endpoint.provider == Provider::OpenAi => {
            Error::Forbidden { status: 403, message }
        }
        other => other,
    }
}

pub(super) async fn read_stream(
    endpoint: &Endpoint,
    response: reqwest::Response,
    mapper: &mut dyn WireFormat,
    idle: Duration,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<Finish> {
    let content_type =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if !content_type.starts_with("text/event-stream") {
        let read = body::read(response, MAX_ANSWER_BODY, idle, cancel).await?;
        if !read.complete {
            let message = format!("the whole answer is larger than {}", body::size(MAX_ANSWER_BODY));
            return Err(Error::protocol(message, &read.text));
        }
        let body = read.text;
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
        return Err(Error::protocol(format!("expected a stream of events, got “{content_type}”"), &body));
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
    drive(sse::frames(body), (provider.spec().wire)().as_mut(), "replay", IDLE_TIMEOUT, &CancellationToken::new(), emit)
        .await
}

/// Decodes a recorded whole-JSON answer (`stream: false`) as `provider` would read it.
pub fn replay_json(provider: Provider, body: &str, emit: &mut (dyn FnMut(StreamEvent) + Send)) -> Result<Finish> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| Error::protocol(format!("the answer is not JSON ({e})"), ""))?;
    let mut out = Vec::new();
    let end = (provider.spec().wire)()
        .on_response(&value, &mut out)
        .unwrap_or_else(|| Err(Error::protocol("not an answer", "")));
    out.drain(..).for_each(&mut *emit);
    end
}

/// Feeds SSE frames through a mapper until the answer ends, one way or another.
pub(super) async fn drive(
    frames: impl futures_util::Stream<Item = Frame>,
    mapper: &mut dyn WireFormat,
    host: &str,
    idle: Duration,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<Finish> {
    tokio::pin!(frames);
    let mut out = Vec::new();
    let mut text_bytes = 0;
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
            Ok(Some(Frame::Transport(err))) => Some(Err(Error::from_transport(&err, host, None, true))),
            Ok(Some(Frame::TooLong)) => Some(Err(Error::protocol(
                format!("one event of the stream is longer than {}; the rest was not read", body::size(sse::MAX_EVENT)),
                "",
            ))),
        };
        text_bytes += out.iter().map(text_len).sum::<usize>();
        out.drain(..).for_each(&mut *emit);
        if text_bytes > MAX_ANSWER_TEXT && end.is_none() {
            return Err(Error::TooLarge { what: format!("The answer passed {} of text", body::size(MAX_ANSWER_TEXT)) });
        }
        if let Some(end) = end {
            return end;
        }
    }
}

/// The answer text an event brings (the answer's and the reasoning's).
fn text_len(event: &StreamEvent) -> usize {
    match event {
        StreamEvent::Delta { text } | StreamEvent::Reasoning { text } => text.len(),
        _ => 0,
    }
}

/// Deep research (`medium`, `high`, `xhigh` and Sonar's deep research) thinks for minutes
/// between events.
fn idle_timeout(model: &str) -> Duration {
    if is_deep(model) {
        IDLE_TIMEOUT_DEEP
    } else {
        IDLE_TIMEOUT
    }
}

fn head_timeout(model: &str) -> Duration {
    if is_deep(model) {
        HEAD_TIMEOUT_DEEP
    } else {
        HEAD_TIMEOUT
    }
}

fn is_deep(model: &str) -> bool {
    model.contains("deep-research") || super::types::is_deep_preset(model)
}

pub(super) fn auth_headers(key: &ApiKey) -> Result<HeaderMap> {
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
        assert_eq!(agent.models_url().unwrap(), "https://api.perplexity.ai/v1/models");
        let sonar = Endpoint::new(Provider::Sonar, "https://api.perplexity.ai");
        assert_eq!(sonar.chat_url(), "https://api.perplexity.ai/chat/completions");
        assert_eq!(
            sonar.models_url().unwrap(),
            "https://api.perplexity.ai/v1/models",
            "its key is tested as the Agent API's"
        );
        let openai = Endpoint::new(Provider::OpenAi, " https://api.openai.com/v1 ");
        assert_eq!(openai.chat_url(), "https://api.openai.com/v1/chat/completions");
        assert_eq!(openai.models_url().unwrap(), "https://api.openai.com/v1/models");
        let local = Endpoint::new(Provider::OpenAi, "http://127.0.0.1:8765");
        assert_eq!(local.models_url().unwrap(), "http://127.0.0.1:8765/v1/models");
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
