//! Every way a request to an API provider can fail, each with a sentence a person can act on.
//!
//! The UI branches on [`Error::kind`], never on message text. The message says what happened
//! (and why, when known); the UI adds what to do about it and a button that does it.
//!
//! One piece on purpose: the variants, how a response or a transport failure becomes one, and
//! (the last 130 lines) their tests, which read best beside the rules they pin.

use serde::Serialize;

pub use crate::error_kind::ErrorKind;

pub type Result<T> = std::result::Result<T, Error>;

/// Longest provider body kept for diagnostics (logged, shown under Details); HTML error pages can
/// be large, and what is cut off is counted instead.
pub const MAX_BODY: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("No API key is set.")]
    NoKey,
    /// The key in use was given for another address (`bound`) than the one requests now go to
    /// (`address`): it was not sent. The person confirms the new address in a native dialog, or
    /// enters the key again.
    #[error("Your API key was saved for {bound}, and the API address is now {address}. Citewise did not send the key there.")]
    KeyElsewhere { bound: String, address: String },
    /// 401, or an error whose type says so (`invalid_api_key`): the key is wrong, revoked, or
    /// the account has no credits left.
    #[error("Perplexity rejected the API key: it may be mistyped, revoked, or the account may be out of credits.")]
    Auth { status: u16, body: String },
    /// Perplexity ended Sonar chat completions on 2026-09-27: `POST /chat/completions` answers 403
    /// `chat_completions_not_available`. Not a key problem; the fix is the Agent API.
    /// `message` is the API's own text, kept for the log and the details.
    #[error("Perplexity retired the Sonar API on 27 September 2026; Citewise now uses the Agent API.")]
    Retired { message: String },
    /// 403 for any other reason (a retired or closed endpoint of another service, the region, a
    /// model the account may not use, a proxy's page): the API's own words, never "the key".
    #[error("Perplexity refused access (HTTP {status}): {message}")]
    Forbidden { status: u16, message: String },
    #[error("Perplexity is rate-limiting requests ({message}).")]
    RateLimited { retry_after: Option<u64>, message: String },
    /// 400 and other non-retryable 4xx: the API's own words are the best explanation.
    #[error("Perplexity refused the request: {message}")]
    BadRequest { status: u16, message: String },
    #[error("Perplexity had a problem answering (HTTP {status}: {message}).")]
    Server { status: u16, message: String },
    /// The API accepted the request but reported the answer as failed (HTTP 200 with `status: failed`).
    #[error("Perplexity could not finish the answer: {message}")]
    Failed { message: String },
    #[error("Could not reach {host}: {message}.")]
    Network { host: String, message: String },
    /// The TLS handshake failed: a certificate this computer does not trust (a network that
    /// inspects TLS), an expired one, one for another name, or a refused handshake.
    #[error("Could not connect securely to {host}: {message}.")]
    Tls { host: String, message: String },
    /// A 3xx: the API address points somewhere else. Never followed, so the key never goes to a
    /// host the person did not choose; not the key's fault.
    #[error("{host} answered with a redirect (HTTP {status}) to {to}; Citewise does not follow redirects with your key — check the API address in Settings.")]
    Redirected { host: String, to: String, status: u16 },
    #[error("{what} timed out.")]
    Timeout { what: String },
    /// The stream died after part of the answer arrived; the partial text stays.
    /// `message` is the technical cause, for the log; people get the plain sentence.
    #[error("The connection dropped before the answer was finished.")]
    Interrupted { message: String },
    /// A background run the server no longer has: what it wrote so far stays, Retry asks again.
    #[error("Perplexity no longer has this background research run, so the rest of its answer cannot be fetched. Retry asks the question again.")]
    RunLost,
    /// The provider answered with something we could not understand at all.
    /// Build it with [`Error::protocol`], which cuts `body` to [`MAX_BODY`].
    #[error("Perplexity sent a response Citewise could not read: {message}.")]
    Protocol { message: String, body: String },
    /// The answer passed one of the limits that keep memory bounded (its text, a whole JSON
    /// answer); what arrived before stays.
    #[error("{what}; Citewise stopped reading there and kept what arrived.")]
    TooLarge { what: String },
    #[error("Stopped.")]
    Cancelled,
}

impl Error {
    /// The stable identifier the UI reacts to.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NoKey => ErrorKind::NoKey,
            Error::KeyElsewhere { .. } => ErrorKind::KeyElsewhere,
            Error::Auth { .. } => ErrorKind::Auth,
            Error::Retired { .. } => ErrorKind::Retired,
            Error::Forbidden { .. } => ErrorKind::Forbidden,
            Error::RateLimited { .. } => ErrorKind::RateLimit,
            Error::BadRequest { .. } => ErrorKind::BadRequest,
            Error::Server { .. } | Error::Failed { .. } => ErrorKind::Server,
            Error::Network { .. } => ErrorKind::Network,
            Error::Tls { .. } => ErrorKind::Tls,
            Error::Redirected { .. } => ErrorKind::Redirect,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Interrupted { .. } | Error::RunLost => ErrorKind::Interrupted,
            Error::Protocol { .. } => ErrorKind::Protocol,
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::Cancelled => ErrorKind::Cancelled,
        }
    }

    /// A response Citewise could not read, with as much of `body` as is useful ([`MAX_BODY`]).
    pub fn protocol(message: impl Into<String>, body: &str) -> Error {
        Error::Protocol { message: message.into(), body: truncate(body) }
    }

    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Builds the error for a non-success HTTP status from the response body, which may be
    /// `{"error": {...}}`, FastAPI's `{"detail": ...}`, an HTML page, or nothing at all. The
    /// error's `type` decides first (DESIGN §3.3), then the status: a 403 is not always the key.
    pub fn from_status(status: u16, retry_after: Option<u64>, body: &str) -> Error {
        let body = truncate(body);
        let message = provider_message(&body).unwrap_or_else(|| default_reason(status).to_owned());
        if let Some(err) = from_type(error_type(&body).as_deref(), status, &message, retry_after) {
            return err;
        }
        match status {
            401 => Error::Auth { status, body },
            403 => Error::Forbidden { status, message },
            429 => Error::RateLimited { retry_after, message },
            408 => Error::Timeout { what: "The request".into() },
            500..=599 => Error::Server { status, message },
            _ => Error::BadRequest { status, message },
        }
    }

    /// Maps a transport failure from reqwest. `during_stream` separates "never connected" from
    /// "dropped after part of the answer arrived"; `proxy` is the proxy (`host:port`) the request
    /// went through, if one was configured for it, so a failure names the proxy, not the API.
    pub fn from_transport(err: &reqwest::Error, host: &str, proxy: Option<&str>, during_stream: bool) -> Error {
        let message = root_cause(err);
        if err.is_timeout() {
            let what = if during_stream { "The answer stream" } else { "Connecting to Perplexity" };
            return Error::Timeout { what: what.into() };
        }
        if during_stream {
            return Error::Interrupted { message };
        }
        if let Some(tls) = tls_error(err) {
            return Error::Tls { host: host.to_owned(), message: describe_tls_failure(tls) };
        }
        match proxy {
            // Through a proxy every connection is to the proxy: whatever failed, it was there.
            Some(proxy) if err.is_connect() => {
                Error::Network { host: host.to_owned(), message: describe_proxy_failure(proxy, &message) }
            }
            _ => Error::Network { host: host.to_owned(), message: describe_connect_failure(&message) },
        }
    }

    /// The JSON shape that crosses IPC: `{kind, message, retryAfter}`.
    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload { kind: self.kind(), message: self.to_string(), retry_after: self.retry_after() }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    pub kind: ErrorKind,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.payload().serialize(s)
    }
}

/// At most [`MAX_BODY`] bytes of `body`, cut on a character boundary, and how much was left out.
fn truncate(body: &str) -> String {
    if body.len() <= MAX_BODY {
        return body.to_owned();
    }
    let mut end = MAX_BODY;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…({} bytes more)", &body[..end], body.len() - end)
}

/// Extracts the human message from the error body shapes Perplexity is known to send.
fn provider_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let candidate = value
        .pointer("/error/message")
        .or_else(|| value.get("detail").and_then(|d| d.get(0)).and_then(|d| d.get("msg")))
        .or_else(|| value.get("detail"))
        .or_else(|| value.get("message"))
        .or_else(|| value.get("error"))?;
    match candidate {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Null => None,
        other if !other.is_string() => Some(other.to_string()),
        _ => None,
    }
}

/// The error's `type` (or a string `code`) when the body is one of the JSON error shapes.
fn error_type(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    ["/error/type", "/error/code", "/type"]
        .iter()
        .find_map(|p| value.pointer(p).and_then(serde_json::Value::as_str))
        .map(str::to_owned)
}

/// The error a documented `type` stands for, whatever the status; `None` leaves it to the status.
pub(super) fn from_type(kind: Option<&str>, status: u16, message: &str, retry_after: Option<u64>) -> Option<Error> {
    let kind = kind?;
    Some(match kind {
        "invalid_api_key" | "insufficient_quota" | "authentication_error" => {
            Error::Auth { status, body: message.to_owned() }
        }
        k if is_retirement(k) => Error::Retired { message: message.to_owned() },
        "rate_limit_exceeded" | "request_rate_limit_exceeded" => {
            Error::RateLimited { retry_after, message: message.to_owned() }
        }
        _ => return None,
    })
}

/// Types that say the endpoint itself is gone (`chat_completions_not_available` since
/// 2026-09-27), as opposed to this key or this request being refused.
fn is_retirement(kind: &str) -> bool {
    let endpoint = ["chat_completions", "async_chat_completions", "sonar", "endpoint", "api"];
    kind.strip_suffix("_not_available").is_some_and(|what| endpoint.contains(&what))
        || kind.strip_suffix("_retired").is_some_and(|what| endpoint.contains(&what))
        || kind == "endpoint_deprecated"
}

/// Turns the root cause of a failed connection into words a person can act on. The raw cause is
/// kept in brackets for whoever reads a bug report.
fn describe_connect_failure(cause: &str) -> String {
    let lower = cause.to_ascii_lowercase();
    let plain = if lower.contains("dns")
        || lower.contains("lookup")
        || lower.contains("name or service not known")
        || lower.contains("nodename nor servname")
    {
        "the name could not be resolved (DNS); check the address and your internet connection"
    } else if ["certificate", "tls", "handshake", "ssl", "corrupt message", "alertreceived", "peer is incompatible"]
        .iter()
        .any(|w| lower.contains(w))
    {
        "the secure (TLS) connection failed; a network filter or proxy may be intercepting it"
    } else if lower.contains("proxy") || lower.contains("tunnel") {
        "the proxy refused or failed the connection; check HTTPS_PROXY / HTTP_PROXY / NO_PROXY"
    } else if lower.contains("refused") {
        "the connection was refused; is the address right and the server running?"
    } else if lower.contains("unreachable") || lower.contains("no route") {
        "the network is unreachable; check your connection"
    } else {
        return cause.to_owned();
    };
    format!("{plain} [{cause}]")
}

/// The proxy failed, not the API: say which proxy and where its settings live.
fn describe_proxy_failure(proxy: &str, cause: &str) -> String {
    let lower = cause.to_ascii_lowercase();
    let what = if lower.contains("tunnel") {
        "would not open a connection to the API (tunnel refused)"
    } else if lower.contains("refused") {
        "refused the connection"
    } else if lower.contains("dns") || lower.contains("lookup") || lower.contains("name or service not known") {
        "could not be found (DNS)"
    } else {
        "failed"
    };
    format!(
        "the proxy {proxy} {what}; check the proxy settings (HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY, \
         or the system's) [{cause}]"
    )
}

/// The TLS library's own error, wherever it sits in the chain. tokio-rustls wraps it in an
/// `io::Error`, which hyper-rustls wraps in another, and `io::Error::source()` skips the error it
/// wraps, so an `io::Error` is opened with `get_ref()` instead.
fn tls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next: Option<&'a (dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = next {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        next = match cause.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}

/// What the certificate problem is, and what fixes it.
fn describe_tls_failure(err: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let rustls::Error::InvalidCertificate(cert) = err else {
        return format!(
            "the secure (TLS) handshake failed ({err}); a network filter or proxy may be intercepting the connection"
        );
    };
    match cert {
        C::UnknownIssuer => "its certificate is not trusted by this computer (UnknownIssuer). If your network \
             inspects secure connections, install its root certificate in the system's certificate store, then \
             restart Citewise"
            .into(),
        C::Expired | C::ExpiredContext { .. } => {
            "its certificate has expired (Expired); check this computer's date and time".into()
        }
        C::NotValidYet | C::NotValidYetContext { .. } => {
            "its certificate is not valid yet (NotValidYet); check this computer's date and time".into()
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => format!(
            "its certificate is for another name (NotValidForName: {cert}); check the API address in Settings, \
             or whether a network filter answers in its place"
        ),
        C::Revoked => "its certificate has been revoked (Revoked)".into(),
        other => format!("its certificate was refused ({other})"),
    }
}

fn default_reason(status: u16) -> &'static str {
    match status {
        400 => "the request was invalid",
        401 => "unauthorized",
        403 => "access denied",
        404 => "the endpoint was not found; check the API base URL",
        408 => "the request timed out",
        409 => "the request conflicted with another one",
        413 => "the request was too large",
        422 => "the request could not be processed",
        429 => "too many requests",
        500 => "internal server error",
        502 => "bad gateway",
        503 => "service unavailable",
        504 => "gateway timeout",
        _ => "unexpected status",
    }
}

/// reqwest's top-level messages ("error sending request") hide the useful part; walk to the root.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_401_becomes_auth_with_actionable_message() {
        let html = "<html><head><title>401 Authorization Required</title></head><body>openresty</body></html>";
        let err = Error::from_status(401, None, html);
        assert_eq!(err.kind(), "auth");
        assert!(err.to_string().contains("out of credits"));
    }

    /// The body Perplexity sends since it retired Sonar chat completions (DESIGN §3.2).
    const RETIRED: &str = r#"{"error":{"message":"Sonar is now the Agent API. Use /v1/responses instead of /v1/sonar. Migrate here: https://docs.perplexity.ai/docs/agent-api/migrate-from-sonar/overview","type":"chat_completions_not_available","code":403}}"#;

    #[test]
    fn regression_the_sonar_retirement_403_was_reported_as_a_bad_key() {
        let err = Error::from_status(403, None, RETIRED);
        assert_eq!(err.kind(), "retired");
        assert!(err.to_string().contains("retired the Sonar API on 27 September 2026"), "{err}");
        assert!(!err.to_string().contains("key"), "{err}");
        let Error::Retired { message } = err else { panic!() };
        assert!(message.starts_with("Sonar is now the Agent API"), "the API's own words are kept: {message}");
    }

    #[test]
    fn a_403_is_the_key_only_when_the_api_says_so() {
        let err = Error::from_status(
            403,
            None,
            r#"{"error":{"message":"Model not available in your region","type":"forbidden","code":403}}"#,
        );
        assert_eq!(err.kind(), "forbidden");
        assert!(err.to_string().ends_with("Model not available in your region"), "{err}");
        let html = Error::from_status(403, None, "<html><body><h1>403 Forbidden</h1>cloudflare</body></html>");
        assert_eq!((html.kind(), html.to_string().contains("access denied")), (ErrorKind::Forbidden, true));
        let key = Error::from_status(
            403,
            None,
            r#"{"error":{"message":"Invalid API key","type":"invalid_api_key","code":403}}"#,
        );
        assert_eq!(key.kind(), "auth");
        let model = Error::from_status(403, None, r#"{"error":{"message":"no access","type":"model_not_available"}}"#);
        assert_eq!(model.kind(), "forbidden", "a model the account cannot use is not a retired endpoint");
    }

    #[test]
    fn openai_style_error_message_is_surfaced() {
        let body = r#"{"error":{"message":"Invalid model 'xyz'","type":"invalid_model","code":"invalid_model"}}"#;
        let err = Error::from_status(400, None, body);
        assert_eq!(err.kind(), "bad_request");
        assert!(err.to_string().ends_with("Invalid model 'xyz'"), "{err}");
    }

    #[test]
    fn fastapi_detail_and_numeric_codes_are_understood() {
        let err = Error::from_status(500, None, r#"{"detail":"Internal Server Error"}"#);
        assert_eq!(err.kind(), "server");
        assert!(err.to_string().contains("Internal Server Error"));
        let err = Error::from_status(422, None, r#"{"detail":[{"loc":["body"],"msg":"field required"}]}"#);
        assert!(err.to_string().contains("field required"), "{err}");
    }

    #[test]
    fn rate_limit_keeps_retry_after() {
        let err = Error::from_status(429, Some(7), r#"{"error":{"message":"Rate limit exceeded","code":429}}"#);
        assert_eq!(
            err.payload(),
            ErrorPayload { kind: ErrorKind::RateLimit, message: err.to_string(), retry_after: Some(7) }
        );
    }

    #[test]
    fn connection_failures_are_explained() {
        let dns =
            describe_connect_failure("dns error: failed to lookup address information: Name or service not known");
        assert!(dns.starts_with("the name could not be resolved"), "{dns}");
        assert!(describe_connect_failure("invalid peer certificate: UnknownIssuer").contains("TLS"));
        assert!(describe_connect_failure("Connection refused (os error 111)").contains("refused"));
        assert!(describe_connect_failure("unsuccessful tunnel").contains("HTTPS_PROXY"));
        assert_eq!(describe_connect_failure("something new"), "something new");
    }

    #[test]
    fn huge_bodies_are_truncated_on_a_char_boundary() {
        let body = "é".repeat(MAX_BODY);
        let Error::Auth { body, .. } = Error::from_status(401, None, &body) else { panic!() };
        assert!(body.ends_with("…(2048 bytes more)"), "{}", &body[body.len() - 30..]);
        assert!(body.len() <= MAX_BODY + "…(2048 bytes more)".len());
    }

    #[test]
    fn a_protocol_error_keeps_at_most_2_kb_of_the_body_and_counts_the_rest() {
        let body = format!("x{}", "é".repeat(500_000));
        let Error::Protocol { body: kept, .. } = Error::protocol("not JSON", &body) else { panic!() };
        let cut = kept.find('…').unwrap();
        assert!(cut <= MAX_BODY && cut > MAX_BODY - 2, "cut at {cut}");
        assert_eq!(&kept[cut..], format!("…({} bytes more)", body.len() - cut));
        let Error::Protocol { body: small, .. } = Error::protocol("m", "short") else { panic!() };
        assert_eq!(small, "short");
    }

    #[test]
    fn certificate_failures_name_the_problem_and_the_fix() {
        use rustls::CertificateError as C;
        let unknown = describe_tls_failure(&rustls::Error::InvalidCertificate(C::UnknownIssuer));
        assert!(unknown.contains("not trusted by this computer (UnknownIssuer)"), "{unknown}");
        assert!(unknown.contains("system's certificate store"), "{unknown}");
        let expired = describe_tls_failure(&rustls::Error::InvalidCertificate(C::Expired));
        assert!(expired.contains("expired") && expired.contains("date and time"), "{expired}");
        let name = describe_tls_failure(&rustls::Error::InvalidCertificate(C::NotValidForName));
        assert!(name.contains("another name"), "{name}");
        let alert = describe_tls_failure(&rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure));
        assert!(alert.contains("handshake failed"), "{alert}");
        // Found where tokio-rustls and hyper-rustls put it: inside two io::Errors, whose source()
        // skips what they wrap.
        let wrapped =
            std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::InvalidCertificate(C::Revoked));
        let wrapped = std::io::Error::other(wrapped);
        assert!(matches!(tls_error(&wrapped), Some(rustls::Error::InvalidCertificate(C::Revoked))));
    }

    #[test]
    fn proxy_failures_name_the_proxy() {
        let refused = describe_proxy_failure("10.0.0.1:3128", "Connection refused (os error 111)");
        assert!(refused.starts_with("the proxy 10.0.0.1:3128 refused the connection"), "{refused}");
        let tunnel = describe_proxy_failure("10.0.0.1:3128", "unsuccessful tunnel");
        assert!(tunnel.contains("tunnel refused") && tunnel.contains("HTTPS_PROXY"), "{tunnel}");
    }
}
