//! What every wire format is ([`WireFormat`]), and small lenient readers the formats share: a
//! `null` is as good as absent, and a field of the wrong type is ignored rather than fatal.

use serde::Serialize;
use serde_json::Value;

use super::error::{from_type, Error};
use super::types::{ChatRequest, Finish, Recency, SearchOptions, StreamEvent};

/// One wire format: how a question is written, and how its answer reads back as
/// [`StreamEvent`]s. One value per request; the stream driver (client.rs) feeds it.
pub trait WireFormat: Send {
    /// The request body.
    fn body(&self, request: &ChatRequest) -> serde_json::Result<Vec<u8>>;

    /// Maps one SSE `data` payload. Returns `Some` when the event ends the answer.
    fn on_data(&mut self, data: &str, out: &mut Vec<StreamEvent>) -> Option<Result<Finish, Error>>;

    /// A whole JSON answer instead of a stream (`stream: false`, or a server that ignores it):
    /// `None` when this format has no such answer or `body` is not one.
    fn on_response(&mut self, _body: &Value, _out: &mut Vec<StreamEvent>) -> Option<Result<Finish, Error>> {
        None
    }

    /// The body ended without a terminal event.
    fn on_end(&mut self, out: &mut Vec<StreamEvent>) -> Result<Finish, Error>;

    /// True once any part of the answer text has been emitted.
    fn has_text(&self) -> bool;

    /// The answer has ended but a trailing frame (usage) may still come.
    fn is_finishing(&self) -> bool {
        false
    }

    /// The body that starts `request` as a background run, for formats that have them.
    fn background_body(&self, _request: &ChatRequest) -> Option<serde_json::Result<Vec<u8>>> {
        None
    }

    /// Where a dropped stream of this answer resumes: the server's id for it, and the sequence
    /// number of the last event read (`None`: none yet). `None` for formats without resuming.
    fn resume_point(&self) -> Option<(&str, Option<u64>)> {
        None
    }
}

/// One SSE `data` payload, as both formats read it first.
pub enum Data {
    /// `[DONE]`: the body is over.
    Done,
    Event(Value),
    /// Not JSON: logged (its size, never its text) and skipped.
    Unreadable,
}

/// Reads one `data` payload; `format` names the wire format in the log line.
pub fn read_data(data: &str, format: &str) -> Data {
    if data.trim() == "[DONE]" {
        return Data::Done;
    }
    match serde_json::from_str(data) {
        Ok(value) => Data::Event(value),
        Err(err) => {
            log::warn!("{format}: skipping unreadable event ({err}); {} bytes", data.len());
            Data::Unreadable
        }
    }
}

/// Search filters, spelled the same in both wire formats (inside the Agent API's `web_search`
/// tool, at the top level of a Sonar request).
#[derive(Debug, Serialize)]
pub struct SearchFilters<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub search_domain_filter: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_recency_filter: Option<Recency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_after_date_filter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_before_date_filter: Option<&'a str>,
}

impl<'a> SearchFilters<'a> {
    pub fn new(search: &'a SearchOptions) -> Self {
        SearchFilters {
            search_domain_filter: &search.domains,
            search_recency_filter: search.recency,
            search_after_date_filter: search.after_date.as_deref(),
            search_before_date_filter: search.before_date.as_deref(),
        }
    }
}

pub fn str_at<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str)
}

pub fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The error carried inside a stream (`error` events, `status: failed` responses, error chunks).
/// A documented `type` decides first, as for HTTP errors; a bare 403 is never blamed on the key.
pub fn error_from_body(value: &Value) -> Error {
    let message = ["/response/error/message", "/error/message", "/message", "/error"]
        .iter()
        .find_map(|p| str_at(value, p))
        .unwrap_or("the answer failed without a reason")
        .to_owned();
    let code = ["/response/error/code", "/error/code", "/code"]
        .iter()
        .find_map(|p| value.pointer(p).filter(|c| !c.is_null()))
        .map(|c| c.as_str().map(str::to_owned).unwrap_or_else(|| c.to_string()));
    let kind = ["/response/error/type", "/error/type"].iter().find_map(|p| str_at(value, p));
    let status = code.as_deref().and_then(|c| c.parse::<u16>().ok()).unwrap_or(0);
    if let Some(err) = from_type(kind.or(code.as_deref()), status, &message, None) {
        return err;
    }
    match code.as_deref() {
        Some("rate_limit_exceeded" | "429") => Error::RateLimited { retry_after: None, message },
        Some("401") => Error::Auth { status: 401, body: message },
        Some("403") => Error::Forbidden { status: 403, message },
        Some("invalid_request_error" | "invalid_request" | "invalid_message" | "invalid_model" | "400") => {
            Error::BadRequest { status: 400, message }
        }
        _ => match kind {
            Some("invalid_request_error" | "invalid_request" | "invalid_model" | "too_many_prompt_tokens") => {
                Error::BadRequest { status: 400, message }
            }
            _ => Error::Failed { message },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn in_stream_errors_are_classified_by_code() {
        let e = error_from_body(&json!({"error": {"message": "slow down", "code": 429}}));
        assert_eq!(e.kind(), "rate_limit");
        let e = error_from_body(&json!({"error": {"message": "bad key", "type": "invalid_api_key", "code": null}}));
        assert_eq!(e.kind(), "auth");
        let e = error_from_body(&json!({"type": "error", "message": "boom"}));
        assert_eq!((e.kind(), e.to_string().contains("boom")), (crate::error_kind::ErrorKind::Server, true));
        let e = error_from_body(&json!({"error": "plain string"}));
        assert!(e.to_string().contains("plain string"));
    }

    #[test]
    fn a_403_in_a_stream_is_not_the_key_unless_its_type_says_so() {
        let e = error_from_body(&json!({"error": {"message": "Not in your region", "code": 403}}));
        assert_eq!(
            (e.kind(), e.to_string().contains("Not in your region")),
            (crate::error_kind::ErrorKind::Forbidden, true)
        );
        let e =
            error_from_body(&json!({"error": {"message": "m", "type": "chat_completions_not_available", "code": 403}}));
        assert_eq!(e.kind(), "retired");
        let e = error_from_body(&json!({"error": {"message": "m", "type": "invalid_api_key", "code": 403}}));
        assert_eq!(e.kind(), "auth");
    }
}
