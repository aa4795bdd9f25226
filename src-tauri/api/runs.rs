//! Background runs (DESIGN §3.1; paths and replies as recorded in docs/perplexity-api.md §5): starting one (`background: true` answers at once with the run's
//! id), following it to its end (its event stream, opened again after the last event read
//! whenever the connection drops or goes silent; its status polled where the server will not
//! stream it), and cancelling it. Also the one retry of an ordinary answer whose stream dropped:
//! the same stream, resumed after its last event.
//!
//! A run lives on the server, not in this process: losing the connection loses nothing, so
//! following keeps trying (with a growing pause) until the run ends, the server says it no longer
//! has it, or the caller cancels.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::body::{self, MAX_ANSWER_BODY, MAX_ERROR_BODY};
use super::client::{auth_headers, drive, honest, Client, Endpoint, Exchange, HEAD_TIMEOUT};
use super::error::{Error, Result};
use super::headers::{rate_limit, retry_after_secs};
use super::messages::validate;
use super::network::redirected;
use super::sse;
use super::types::{ChatRequest, Finish, RunPhase, RunStatus, StreamEvent};
use super::wire::{error_from_body, str_at, WireFormat};
use crate::secrets::ApiKey;

/// A run's stream may be silent for minutes while it researches; after this long without an
/// event it is opened again (cheap, and it finds a connection that died in sleep).
const FOLLOW_IDLE: Duration = Duration::from_secs(120);
/// The first pause before opening a dropped stream again, doubled each time up to the last.
const RECONNECT_FIRST: Duration = Duration::from_secs(1);
const RECONNECT_MAX: Duration = Duration::from_secs(30);
/// Asking a run's status: first after this, then half as long again each time up to the last.
const POLL_FIRST: Duration = Duration::from_secs(2);
const POLL_MAX: Duration = Duration::from_secs(30);
/// Streams that open and end without the run's end, in a row, before following gives up: a
/// server that does that is not following its own protocol. Dropped connections do not count.
const MAX_BROKEN_STREAMS: u32 = 5;

/// An end that a stream opened again can make good: the connection dropped, went silent or
/// could not be made, or the body ended early.
pub(super) fn is_cut(err: &Error) -> bool {
    matches!(err, Error::Interrupted { .. } | Error::Timeout { .. } | Error::Network { .. })
}

/// What a cancel did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// The run is stopped (or the server no longer had it).
    Cancelled,
    /// Too late: the run had already ended, and following it brings its end.
    Ended,
}

/// What asking for a run's stream brought.
enum Opened {
    Stream(reqwest::Response),
    /// The whole response object instead (the server does not stream it, or ignored `stream`).
    Whole(Value),
    /// The server will not stream this run: poll it.
    NotStreamed,
    /// The server no longer knows the run.
    Gone,
}

impl Client {
    /// Starts `request` as a background run and returns the run's id; nothing of the answer yet.
    pub async fn start_run(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        request: &ChatRequest,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<String> {
        validate(&request.messages, &request.options)?;
        let mapper = (endpoint.provider.spec().wire)();
        let body = mapper
            .background_body(request)
            .ok_or_else(|| Error::Failed { message: "this provider cannot run an answer in the background".into() })?
            .map_err(|e| Error::protocol(e.to_string(), ""))?;
        let head = self.head_override.unwrap_or(HEAD_TIMEOUT);
        let response =
            self.send_with_retries(endpoint, key, body, head, cancel, emit).await.map_err(|e| honest(endpoint, e))?;
        if let Some(limit) = rate_limit(response.headers()) {
            emit(StreamEvent::RateLimit(limit));
        }
        let read = body::read(response, MAX_ERROR_BODY, HEAD_TIMEOUT, cancel).await?;
        let value: Value = serde_json::from_str(&read.text)
            .map_err(|_| Error::protocol("the server did not say which run it started", &read.text))?;
        if str_at(&value, "/status") == Some("failed") || value.get("error").is_some_and(|e| !e.is_null()) {
            return Err(error_from_body(&value));
        }
        match str_at(&value, "/id").filter(|id| !id.is_empty()) {
            Some(id) => Ok(id.to_owned()),
            None => Err(Error::protocol("the server did not say which run it started", &read.text)),
        }
    }

    /// Follows run `id` to its end, feeding its events through `mapper` (a fresh one replays the
    /// run from its first event; one that has read part of it goes on after its last event).
    pub async fn follow_run(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        id: &str,
        mapper: &mut dyn WireFormat,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Finish> {
        let host = endpoint.host();
        let mut pause = RECONNECT_FIRST;
        let mut broken = 0;
        loop {
            let after = mapper.resume_point().and_then(|(_, seq)| seq);
            let failure = match self.open_run(endpoint, key, id, Some(after), cancel).await {
                Ok(Opened::Stream(response)) => {
                    let idle = self.idle_override.unwrap_or(FOLLOW_IDLE);
                    let before = mapper.resume_point().and_then(|(_, seq)| seq);
                    match drive(sse::frames(response.bytes_stream()), mapper, &host, idle, cancel, emit).await {
                        Err(err) if is_cut(&err) || matches!(err, Error::Protocol { .. }) => {
                            let progressed = mapper.resume_point().and_then(|(_, seq)| seq) != before;
                            broken = if progressed || !matches!(err, Error::Protocol { .. }) { 0 } else { broken + 1 };
                            if broken >= MAX_BROKEN_STREAMS {
                                return Err(err);
                            }
                            if progressed {
                                pause = RECONNECT_FIRST;
                            }
                            err
                        }
                        end => return end,
                    }
                }
                Ok(Opened::Whole(value)) => match self.read_whole(id, &value, mapper, emit) {
                    Some(end) => return end,
                    None => return self.poll_run(endpoint, key, id, mapper, cancel, emit).await,
                },
                Ok(Opened::NotStreamed) => return self.poll_run(endpoint, key, id, mapper, cancel, emit).await,
                Ok(Opened::Gone) => return Err(gone()),
                Err(err) if is_cut(&err) || is_transient(&err) => err,
                Err(err) => return Err(honest(endpoint, err)),
            };
            log::info!("run stream {}: {}; opening it again in {} s", failure.kind(), short(id), pause.as_secs());
            emit(StreamEvent::Run(RunStatus { id: id.to_owned(), phase: RunPhase::Reconnecting, message: None }));
            sleep(pause, cancel).await?;
            pause = (pause * 2).min(RECONNECT_MAX);
        }
    }

    /// Asks the server to stop run `id`. A run the server no longer has needs no cancelling
    /// (`Cancelled` too); one that ended meanwhile is [`Cancel::Ended`]: its end is on its way.
    pub async fn cancel_run(&self, endpoint: &Endpoint, key: &ApiKey, id: &str) -> Result<Cancel> {
        let url = runs_url(endpoint, id, "/cancel")?;
        let Exchange { status, retry_after, body } =
            self.exchange(endpoint, &url, self.http.post(&url), key, MAX_ERROR_BODY, HEAD_TIMEOUT).await?;
        if (200..300).contains(&status) || status == 404 {
            return Ok(Cancel::Cancelled);
        }
        let text = body.map(|r| r.text).unwrap_or_default();
        // "Cannot cancel a response with status 'completed'": it ended meanwhile, and following
        // it brings that end.
        if matches!(status, 400 | 409) {
            log::info!("run {} could not be cancelled any more (HTTP {status}): it has ended", short(id));
            return Ok(Cancel::Ended);
        }
        Err(honest(endpoint, Error::from_status(status, retry_after, &text)))
    }

    /// After an ordinary answer's stream dropped (`cut`): one more try, the same stream from
    /// after its last event. `cut` stands when the server will not resume it.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn resume_once(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        mapper: &mut dyn WireFormat,
        idle: Duration,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
        cut: Error,
    ) -> Result<Finish> {
        let Some((id, after)) = mapper.resume_point().map(|(id, seq)| (id.to_owned(), seq)) else { return Err(cut) };
        if endpoint.provider.spec().runs_path.is_none() {
            return Err(cut);
        }
        log::info!("the answer's stream dropped ({}); resuming {} after event {after:?}", cut.kind(), short(&id));
        match self.open_run(endpoint, key, &id, Some(after), cancel).await {
            Ok(Opened::Stream(response)) => {
                drive(sse::frames(response.bytes_stream()), mapper, &endpoint.host(), idle, cancel, emit).await
            }
            Ok(Opened::Whole(value)) => self.read_whole(&id, &value, mapper, emit).unwrap_or(Err(cut)),
            Err(Error::Cancelled) => Err(Error::Cancelled),
            Ok(_) | Err(_) => {
                log::info!("the server would not resume {}; the answer stays interrupted", short(&id));
                Err(cut)
            }
        }
    }

    /// `GET {runs}/{id}?stream=true&starting_after=…`, or without `stream` when `after` is `None`.
    async fn open_run(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        id: &str,
        stream_after: Option<Option<u64>>,
        cancel: &CancellationToken,
    ) -> Result<Opened> {
        let query = match stream_after {
            Some(Some(seq)) => format!("?stream=true&starting_after={seq}"),
            Some(None) => "?stream=true".to_owned(),
            None => String::new(),
        };
        let url = runs_url(endpoint, id, &query)?;
        let accept = if stream_after.is_some() { "text/event-stream" } else { "application/json" };
        let send = self.http.get(&url).headers(auth_headers(key)?).header(ACCEPT, accept).send();
        let response = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            r = tokio::time::timeout(HEAD_TIMEOUT, send) => r
                .map_err(|_| Error::Timeout { what: format!("Waiting for {} to answer", endpoint.host()) })?
                .map_err(|e| self.transport_error(&e, endpoint, &url))?,
        };
        if response.status().is_redirection() {
            return Err(redirected(&endpoint.host(), &response));
        }
        let status = response.status().as_u16();
        let is_sse = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/event-stream"));
        match status {
            200..=299 if is_sse => Ok(Opened::Stream(response)),
            200..=299 => {
                let read = body::read(response, MAX_ANSWER_BODY, HEAD_TIMEOUT, cancel).await?;
                match serde_json::from_str::<Value>(&read.text) {
                    Ok(value) if read.complete => Ok(Opened::Whole(value)),
                    _ => Err(Error::protocol("the run's status could not be read", &read.text)),
                }
            }
            404 | 410 => Ok(Opened::Gone),
            // "Streaming is not available for this response" and the like.
            400 | 405 | 406 | 501 if stream_after.is_some() => Ok(Opened::NotStreamed),
            _ => {
                let retry_after = retry_after_secs(response.headers());
                let text = body::read(response, MAX_ERROR_BODY, HEAD_TIMEOUT, cancel).await.map(|r| r.text);
                Err(Error::from_status(status, retry_after, &text.unwrap_or_default()))
            }
        }
    }

    /// Asks for run `id`'s status until it ends (or is gone), then reads its whole answer.
    async fn poll_run(
        &self,
        endpoint: &Endpoint,
        key: &ApiKey,
        id: &str,
        mapper: &mut dyn WireFormat,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Finish> {
        let mut wait = POLL_FIRST;
        let mut phase = None;
        loop {
            match self.open_run(endpoint, key, id, None, cancel).await {
                Ok(Opened::Whole(value)) => {
                    if let Some(end) = self.read_whole(id, &value, mapper, emit) {
                        return end;
                    }
                    let now =
                        if str_at(&value, "/status") == Some("queued") { RunPhase::Queued } else { RunPhase::Polling };
                    if phase != Some(now) {
                        phase = Some(now);
                        emit(StreamEvent::Run(RunStatus { id: id.to_owned(), phase: now, message: None }));
                    }
                }
                Ok(Opened::Gone) => return Err(gone()),
                Ok(Opened::Stream(_) | Opened::NotStreamed) => {
                    return Err(Error::protocol("the run's status came as a stream", ""));
                }
                Err(err) if is_cut(&err) || is_transient(&err) => {
                    log::info!("asking for run {}'s status failed ({}); asking again", short(id), err.kind());
                }
                Err(err) => return Err(honest(endpoint, err)),
            }
            sleep(wait, cancel).await?;
            wait = (wait * 3 / 2).min(POLL_MAX);
        }
    }

    /// A whole response object: its answer once its status is final (`Some`), `None` while the
    /// run is still queued or in progress.
    fn read_whole(
        &self,
        id: &str,
        value: &Value,
        mapper: &mut dyn WireFormat,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Option<Result<Finish>> {
        if matches!(str_at(value, "/status"), Some("queued" | "in_progress")) {
            return None;
        }
        let mut out = Vec::new();
        let end = mapper.on_response(value, &mut out).unwrap_or_else(|| {
            Err(Error::protocol(format!("run {} answered with something that is not a response", short(id)), ""))
        });
        out.into_iter().for_each(&mut *emit);
        Some(end)
    }
}

/// A failure worth waiting out while following: the server is busy or failing for now.
fn is_transient(err: &Error) -> bool {
    matches!(err, Error::RateLimited { .. } | Error::Server { .. } | Error::Tls { .. })
}

fn gone() -> Error {
    Error::RunLost
}

fn runs_url(endpoint: &Endpoint, id: &str, tail: &str) -> Result<String> {
    let path = endpoint
        .provider
        .spec()
        .runs_path
        .ok_or_else(|| Error::Failed { message: "this provider has no background runs".into() })?;
    // An id is the server's; it goes into a path only as the URL-safe characters ids are made of.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(Error::protocol("the server gave a run id that cannot be used", ""));
    }
    Ok(format!("{}{path}/{id}{tail}", endpoint.base_url))
}

/// The start of a run id, for the log.
fn short(id: &str) -> &str {
    id.get(..13).unwrap_or(id)
}

async fn sleep(wait: Duration, cancel: &CancellationToken) -> Result<()> {
    tokio::select! {
        _ = cancel.cancelled() => Err(Error::Cancelled),
        _ = tokio::time::sleep(wait) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Provider;

    #[test]
    fn run_urls_take_only_plain_ids() {
        let agent = Endpoint::new(Provider::Agent, "https://api.perplexity.ai");
        assert_eq!(
            runs_url(&agent, "resp_ab-12", "/cancel").unwrap(),
            "https://api.perplexity.ai/v1/agent/resp_ab-12/cancel"
        );
        for bad in ["", "../models", "resp_1?x=1", "resp 1", "resp/1"] {
            assert!(runs_url(&agent, bad, "").is_err(), "{bad}");
        }
        let sonar = Endpoint::new(Provider::Sonar, "https://api.perplexity.ai");
        assert!(runs_url(&sonar, "resp_1", "").is_err(), "Sonar has no runs");
    }

    #[test]
    fn what_following_waits_out() {
        assert!(is_cut(&Error::Interrupted { message: String::new() }));
        assert!(is_cut(&Error::Network { host: "h".into(), message: String::new() }));
        assert!(!is_cut(&Error::Auth { status: 401, body: String::new() }));
        assert!(is_transient(&Error::Server { status: 502, message: String::new() }));
        assert!(!is_transient(&Error::BadRequest { status: 400, message: String::new() }));
    }
}
