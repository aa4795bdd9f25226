//! The one HTTP client every provider goes through: authentication, timeouts, retries of
//! transient failures, cancellation, and driving an SSE body through a format mapper.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use tokio_util::sync::CancellationToken;

use super::agent::{self, AgentMapper, AgentRequest};
use super::error::{Error, Result};
use super::sse::{self, Frame};
use super::types::{ChatRequest, Finish, Retrying, StreamEvent};
use crate::secrets::ApiKey;

pub const DEFAULT_BASE_URL: &str = "https://api.perplexity.ai";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stream may stay silent before it is declared dead. Search-heavy answers can pause
/// for a while between the search and the first token.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Transient failures (408/409/429/5xx) are retried at most this many times.
const MAX_RETRIES: u32 = 2;
/// A `Retry-After` longer than this is reported instead of waited out.
const MAX_RETRY_WAIT: u64 = 60;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
}

impl Client {
    /// `base_url` without the path, e.g. `https://api.perplexity.ai`; a trailing `/` is fine.
    /// Proxies come from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, as reqwest reads them.
    pub fn new(base_url: &str) -> Result<Client> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("Citewise/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Network { host: base_url.to_owned(), message: e.to_string() })?;
        Ok(Client { http, base_url: base_url.trim_end_matches('/').to_owned() })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn host(&self) -> String {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.base_url.clone())
    }

    /// Streams one answer: every event goes to `emit` as it arrives; the result says how the
    /// answer ended. Nothing here retries once answer data has started to flow.
    pub async fn stream_chat(
        &self,
        key: &ApiKey,
        request: &ChatRequest,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Finish> {
        let body = serde_json::to_vec(&AgentRequest::new(request))
            .map_err(|e| Error::Protocol { message: e.to_string(), body: String::new() })?;
        let url = format!("{}{}", self.base_url, agent::PATH);
        let response = self.send_with_retries(&url, key, body, cancel, emit).await?;
        self.read_stream(response, cancel, emit).await
    }

    async fn send_with_retries(
        &self,
        url: &str,
        key: &ApiKey,
        body: Vec<u8>,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<reqwest::Response> {
        let mut attempt = 0;
        loop {
            let send = self
                .http
                .post(url)
                .headers(auth_headers(key)?)
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "text/event-stream")
                .body(body.clone())
                .send();
            let response = tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                r = send => r.map_err(|e| Error::from_transport(&e, &self.host(), false))?,
            };
            let status = response.status().as_u16();
            if response.status().is_success() {
                return Ok(response);
            }
            let retry_after = retry_after_secs(response.headers());
            let text = tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                t = response.text() => t.unwrap_or_default(),
            };
            let err = Error::from_status(status, retry_after, &text);
            let wait = match status {
                429 => retry_after.unwrap_or(1 << attempt),
                408 | 409 | 500..=599 => 1 << attempt,
                _ => return Err(err),
            };
            if attempt >= MAX_RETRIES || wait > MAX_RETRY_WAIT {
                return Err(err);
            }
            attempt += 1;
            log::info!("HTTP {status}, retry {attempt} in {wait} s");
            emit(StreamEvent::Retrying(Retrying { attempt, wait_seconds: wait, reason: err.kind().to_owned() }));
            tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep(Duration::from_secs(wait)) => {}
            }
        }
    }

    async fn read_stream(
        &self,
        response: reqwest::Response,
        cancel: &CancellationToken,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Finish> {
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !content_type.starts_with("text/event-stream") {
            let body = response.text().await.unwrap_or_default();
            return Err(Error::Protocol {
                message: format!("expected a stream of events, got “{content_type}”"),
                body,
            });
        }
        let frames = sse::frames(response.bytes_stream());
        tokio::pin!(frames);
        let mut mapper = AgentMapper::default();
        let mut out = Vec::new();
        loop {
            let next = tokio::select! {
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                next = tokio::time::timeout(IDLE_TIMEOUT, frames.next()) => next,
            };
            let frame = match next {
                Err(_) if mapper.has_text() => {
                    return Err(Error::Interrupted { message: "the server went silent".into() })
                }
                Err(_) => return Err(Error::Timeout { what: "Waiting for the answer".into() }),
                Ok(None) if mapper.has_text() => {
                    return Err(Error::Interrupted { message: "the server closed the connection early".into() })
                }
                Ok(None) => {
                    return Err(Error::Protocol {
                        message: "the stream ended before any answer arrived".into(),
                        body: String::new(),
                    })
                }
                Ok(Some(frame)) => frame,
            };
            match frame {
                Frame::Data(data) => {
                    let end = mapper.on_data(&data, &mut out);
                    out.drain(..).for_each(&mut *emit);
                    if let Some(end) = end {
                        return end;
                    }
                }
                Frame::Skipped(reason) => log::warn!("skipped an undecodable SSE frame: {reason}"),
                Frame::Transport(err) => return Err(Error::from_transport(&err, &self.host(), true)),
            }
        }
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

/// `Retry-After` in seconds; the HTTP-date form is not worth honouring precisely.
fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
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
    fn retry_after_parses_seconds_only() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static(" 12 "));
        assert_eq!(retry_after_secs(&h), Some(12));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2026 07:28:00 GMT"));
        assert_eq!(retry_after_secs(&h), None);
    }

    #[test]
    fn base_url_trailing_slash_is_trimmed() {
        assert_eq!(Client::new("http://127.0.0.1:9/").unwrap().base_url(), "http://127.0.0.1:9");
    }
}
