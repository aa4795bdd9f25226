//! Routing one request: recording, authentication, scenario selection, validation, and the
//! `/__mock/` control endpoints and `/v1/models`. Hands valid chat requests to `agent`/`sonar`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::TcpStream;

use crate::http::{self, Conn, ReadError, Request, Response};
use crate::rng::Rng;
use crate::scenarios::{self, Answer, Scenario};
use crate::{agent, sonar, RecordedRequest, Shared};

/// A client that has not sent its whole request by then is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Api {
    Agent,
    Sonar,
}

/// Serves one connection: one request, one response, close.
pub(crate) async fn serve(shared: Arc<Shared>, mut stream: TcpStream, rng: Rng) {
    let _ = stream.set_nodelay(true);
    let req = match tokio::time::timeout(READ_TIMEOUT, http::read_request(&mut stream)).await {
        Ok(Ok(req)) => req,
        Ok(Err(ReadError::Bad(resp))) => return Conn::new(stream).respond(&resp).await,
        Ok(Err(ReadError::Gone)) | Err(_) => return,
    };
    let conn = Conn::new(stream);
    if !req.path().starts_with("/__mock/") {
        shared.record(RecordedRequest {
            method: req.method.clone(),
            path: req.target.clone(),
            headers: req.headers.clone(),
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
    }
    match (req.method.as_str(), req.path()) {
        ("POST", "/v1/agent") => chat(&shared, &req, conn, rng, Api::Agent).await,
        ("POST", "/chat/completions") => chat(&shared, &req, conn, rng, Api::Sonar).await,
        ("GET", "/v1/models") => conn.respond(&models(&shared, &req)).await,
        ("GET", "/__mock/timestamps") => timestamps_for_pages(&shared, conn, rng).await,
        ("GET", p) if p.starts_with("/__mock/image/") => crate::images::serve(conn, &p["/__mock/image/".len()..]).await,
        (method, path) => conn.respond(&control(&shared, method, path, &req.body)).await,
    }
}

/// `Authorization: Bearer <token>` with a non-empty token, equal to the key when one is set.
fn authorized(shared: &Shared, req: &Request) -> bool {
    let token = req
        .header("authorization")
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .unwrap_or("");
    !token.is_empty() && shared.api_key.as_deref().map_or(true, |key| key == token)
}

async fn chat(shared: &Shared, req: &Request, conn: Conn, rng: Rng, api: Api) {
    let body: Option<Value> = serde_json::from_slice(&req.body).ok();
    let text = body.as_ref().and_then(|b| match api {
        Api::Agent => agent::last_user_text(b),
        Api::Sonar => sonar::last_user_text(b),
    });
    let requested = match text.as_deref().and_then(scenarios::token) {
        Some(Ok(s)) => Some(s),
        Some(Err(name)) => {
            let msg = format!("Unknown mock scenario '#mock:{name}'");
            return conn.respond(&Response::error_json(400, &msg, "invalid_request_error")).await;
        }
        None => None,
    };
    let peek = requested.unwrap_or_else(|| shared.scenarios().sticky());
    if peek == Scenario::Auth401 || !authorized(shared, req) {
        return conn.respond(&Response::unauthorized()).await;
    }
    let Some(body) = body else {
        return conn
            .respond(&Response::error_json(400, "Request body is not valid JSON", "invalid_request_error"))
            .await;
    };
    let checked = match api {
        Api::Agent => agent::validate(&body)
            .map(|r| (r.model, r.stream, false, false, false))
            .map_err(|m| ("invalid_request_error", m)),
        Api::Sonar => sonar::validate(&body)
            .map(|r| (r.model, r.stream, r.images, r.related, r.openai))
            .map_err(|e| (e.kind, e.message)),
    };
    let (model, stream, images, related, openai) = match checked {
        Ok(ok) => ok,
        Err((kind, message)) => return conn.respond(&Response::error_json(400, &message, kind)).await,
    };
    let scenario = shared.scenarios().begin(requested);
    if let Some(resp) = scenario.http_error() {
        return conn.respond(&resp).await;
    }
    let mut answer = Answer::new(scenario, model, rng, shared.speed);
    if let Some(host) = req.header("host").filter(|h| !h.is_empty()) {
        answer.origin = format!("http://{host}");
    }
    (answer.images, answer.related, answer.openai) = (images, related, openai);
    if scenario == Scenario::Timestamps {
        answer.sent = Some(shared.sent_log());
    }
    match (api, stream) {
        (Api::Agent, true) => agent::respond_stream(conn, answer).await,
        (Api::Agent, false) => agent::respond_json(conn, answer).await,
        (Api::Sonar, true) => sonar::respond_stream(conn, answer).await,
        (Api::Sonar, false) => sonar::respond_json(conn, answer).await,
    }
}

/// `GET /__mock/timestamps`: the `timestamps` answer exactly as `POST /v1/agent` streams it (the
/// same events, pacing and send-time log), for a web page: the benchmark floor reads it with
/// `fetch()` from `tauri://localhost`. A GET with no key needs no CORS preflight, so the only
/// addition is `Access-Control-Allow-Origin: *`; the sticky scenario does not apply.
async fn timestamps_for_pages(shared: &Shared, conn: Conn, rng: Rng) {
    let mut answer = Answer::new(Scenario::Timestamps, "perplexity/sonar".into(), rng, shared.speed);
    answer.sent = Some(shared.sent_log());
    agent::respond_stream(conn.allow_any_origin(), answer).await;
}

const MODELS: [&str; 7] = [
    "perplexity/sonar",
    "openai/gpt-5.4",
    "openai/gpt-5.4-mini",
    "anthropic/claude-sonnet-4-6",
    "anthropic/claude-opus-4-6",
    "google/gemini-3-pro-preview",
    "xai/grok-4",
];

/// `GET /v1/models`; the sticky scenario's HTTP errors apply here too (so "Test key" can
/// be tested against `auth401`, `rate429`…).
fn models(shared: &Shared, req: &Request) -> Response {
    if shared.scenarios().sticky() == Scenario::Auth401 || !authorized(shared, req) {
        return Response::unauthorized();
    }
    if let Some(resp) = shared.scenarios().begin(None).http_error() {
        return resp;
    }
    let data: Vec<Value> = MODELS
        .iter()
        .map(|id| json!({"id": id, "object": "model", "created": 1_767_225_600, "owned_by": id.split('/').next()}))
        .collect();
    Response::json(200, &json!({"object": "list", "data": data}))
}

/// The unauthenticated `/__mock/` endpoints; anything else is a 404 or 405.
fn control(shared: &Shared, method: &str, path: &str, body: &[u8]) -> Response {
    match (method, path) {
        ("GET", "/__mock/health") => Response::new(200, "text/plain", "ok"),
        ("GET", "/__mock/requests") => Response::json(200, &json!(shared.requests())),
        ("GET", "/__mock/sent-times") => Response::json(200, &json!(shared.sent_times())),
        ("GET", "/__mock/scenario") => Response::json(200, &json!({"name": shared.scenarios().sticky().name()})),
        ("POST", "/__mock/scenario") => {
            let name = serde_json::from_slice::<Value>(body).ok().and_then(|v| v["name"].as_str().map(String::from));
            match name.as_deref().and_then(Scenario::from_name) {
                Some(s) => {
                    shared.scenarios().set_sticky(s);
                    Response::json(200, &json!({"name": s.name()}))
                }
                None => {
                    let msg = format!(
                        "Unknown scenario; expected {{\"name\": one of {}}}",
                        crate::scenario_names().join(", ")
                    );
                    Response::error_json(400, &msg, "invalid_request_error")
                }
            }
        }
        ("GET", p) if p.starts_with("/__mock/fixture/") => match crate::fixture(&p["/__mock/fixture/".len()..]) {
            Some(f) => Response::json(200, &json!(f)),
            None => Response::json(404, &json!({"detail": "No fixture with that name"})),
        },
        (
            _,
            "/v1/agent" | "/chat/completions" | "/v1/models" | "/__mock/health" | "/__mock/requests"
            | "/__mock/scenario" | "/__mock/sent-times" | "/__mock/timestamps",
        ) => Response::json(405, &json!({"detail": "Method Not Allowed"})),
        _ => Response::json(404, &json!({"detail": "Not Found"})),
    }
}
