//! Routing one request: recording it, choosing what answers (a recording or a simulated
//! scenario), authentication, validation, and the `/__mock/` control endpoints and
//! `/v1/models`. Hands valid chat requests to `agent`/`sonar`/`recorded`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::TcpStream;

use crate::http::{self, Conn, ReadError, Request, Response};
use crate::recorded;
use crate::rng::Rng;
use crate::scenarios::{self, Answer, Scenario};
use crate::{agent, sonar, RecordedRequest, Shared};

/// A client that has not sent its whole request by then is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The Agent API's request limit as the simulated answers report it.
const RATE_LIMIT: u64 = 50;

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
    // Answer images are what the app fetches, not control requests: they are recorded too.
    if !req.path().starts_with("/__mock/") || req.path().starts_with("/__mock/image/") {
        shared.record(RecordedRequest {
            method: req.method.clone(),
            path: req.target.clone(),
            headers: req.headers.clone(),
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
    }
    match (req.method.as_str(), req.path()) {
        ("POST", "/v1/agent" | "/v1/responses") => chat(&shared, &req, conn, rng, Api::Agent).await,
        ("POST", "/chat/completions") => chat(&shared, &req, conn, rng, Api::Sonar).await,
        ("GET", "/v1/models") => models(&shared, &req, conn, rng).await,
        ("GET", p) if agent::id_in(p, false).is_some() => stored(&shared, &req, conn, rng).await,
        ("POST", p) if agent::id_in(p, true).is_some() => stored(&shared, &req, conn, rng).await,
        ("GET", "/__mock/timestamps") => timestamps_for_pages(&shared, conn, rng).await,
        ("GET", p) if p.starts_with("/__mock/image/") => crate::images::serve(conn, &p["/__mock/image/".len()..]).await,
        (method, _) => conn.respond(&control(&shared, method, &req)).await,
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

/// What answers a chat request.
#[derive(Debug, PartialEq)]
enum Pick {
    /// A recording, by stem: from `#mock:recorded=<stem>` or the sticky recording.
    Recording(String),
    /// A scenario; `Some` when the question asked for one with `#mock:<name>`. In recorded mode
    /// the recordings stand in for `cited` (see [`recorded_default`]).
    Scenario(Option<Scenario>),
}

/// Chooses what answers: `#mock:recorded=<stem>`, then `#mock:<scenario>`, then the sticky
/// recording, then the sticky scenario. An unknown name is a 400 listing the known ones.
fn pick(shared: &Shared, text: Option<&str>) -> Result<Pick, Response> {
    if let Some(stem) = text.and_then(recorded::token) {
        return match shared.recordings.check(&stem) {
            Ok(Ok(())) => Ok(Pick::Recording(stem)),
            Ok(Err(unknown)) => Err(Response::error_json(400, &unknown.to_string(), "invalid_request_error")),
            Err(why) => Err(recorded::unreadable(&why)),
        };
    }
    match text.and_then(scenarios::token) {
        Some(Ok(s)) => return Ok(Pick::Scenario(Some(s))),
        Some(Err(unknown)) => return Err(Response::error_json(400, &unknown.to_string(), "invalid_request_error")),
        None => {}
    }
    Ok(shared.recording().map_or(Pick::Scenario(None), Pick::Recording))
}

/// What recorded mode answers instead of the simulated `cited` answer: Perplexity as it
/// answers today.
fn recorded_default(api: Api, stream: bool) -> &'static str {
    match (api, stream) {
        (Api::Sonar, _) => recorded::SONAR_DEFAULT,
        (Api::Agent, true) => recorded::AGENT_STREAM_DEFAULT,
        (Api::Agent, false) => recorded::AGENT_JSON_DEFAULT,
    }
}

/// Reads a recording and serves it, or answers a 500 naming the file that could not be read.
async fn serve_recording(shared: &Shared, conn: Conn, stem: &str, rng: Rng) {
    match shared.recordings.load(stem) {
        Ok(rec) => recorded::serve(conn, rec, rng, shared.speed).await,
        Err(why) => conn.respond(&recorded::unreadable(&why)).await,
    }
}

/// The `x-ratelimit-*` headers of a successful simulated Agent answer; `n` counts the Agent
/// requests of the current window, this one included, which ends at `reset` (Unix seconds).
fn rate_limit_headers(scenario: Scenario, (n, reset): (u64, u64)) -> Vec<(String, String)> {
    let (remaining, used) =
        if scenario == Scenario::RateLimitLow { (2, RATE_LIMIT - 2) } else { (RATE_LIMIT.saturating_sub(n), n) };
    [
        ("x-ratelimit-limit", RATE_LIMIT),
        ("x-ratelimit-remaining", remaining),
        ("x-ratelimit-reset", reset),
        ("x-ratelimit-used", used),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect()
}

async fn chat(shared: &Shared, req: &Request, conn: Conn, rng: Rng, api: Api) {
    let body: Option<Value> = serde_json::from_slice(&req.body).ok();
    let text = body.as_ref().and_then(|b| match api {
        Api::Agent => agent::last_user_text(b),
        Api::Sonar => sonar::last_user_text(b),
    });
    let pick = match pick(shared, text.as_deref()) {
        Ok(pick) => pick,
        Err(resp) => return conn.respond(&resp).await,
    };
    // Authentication comes first, as on the real API; a picked 401 recording is that 401.
    let auth401 = match &pick {
        Pick::Recording(stem) if stem.contains("401") => return serve_recording(shared, conn, stem, rng).await,
        Pick::Scenario(requested) => requested.unwrap_or_else(|| shared.scenarios().sticky()) == Scenario::Auth401,
        Pick::Recording(_) => false,
    };
    if auth401 || !authorized(shared, req) {
        return conn.respond(&Response::unauthorized()).await;
    }
    let agent_requests = if api == Api::Agent { shared.count_agent_request() } else { (0, 0) };
    let Some(body) = body else {
        let resp = match api {
            Api::Agent => Response::error_json(400, "invalid request body: not valid JSON", "invalid_request"),
            Api::Sonar => Response::error_json(400, "Request body is not valid JSON", "invalid_request_error"),
        };
        return conn.respond(&resp).await;
    };
    let (mut answer_fields, stream, images, related, openai) = match api {
        Api::Agent => match agent::validate(&body) {
            Ok(r) => (Some(r), false, false, false, false),
            Err(invalid) => return conn.respond(&invalid.response()).await,
        },
        Api::Sonar => match sonar::validate(&body) {
            Ok(r) => (None, r.stream, r.images, r.related, r.openai),
            Err(e) => return conn.respond(&Response::error_json(400, &e.message, e.kind)).await,
        },
    };
    let stream = answer_fields.as_ref().map_or(stream, |r| r.stream);
    let (background, deep) = answer_fields.as_ref().map_or((false, false), |r| (r.background, r.deep));
    if answer_fields.as_ref().is_some_and(|r| r.background && !r.store) {
        return conn.respond(&agent::store_required()).await;
    }
    let requested = match pick {
        Pick::Recording(stem) => return serve_recording(shared, conn, &stem, rng).await,
        Pick::Scenario(requested) => requested,
    };
    let scenario = shared.scenarios().begin(requested);
    if let Some(resp) = scenario.http_error() {
        return conn.respond(&resp).await;
    }
    // Recorded mode: the recordings stand in for `cited` (also for the retry after a `…once`);
    // there is no recording of a background run.
    if scenario == Scenario::Cited && shared.recorded() && !background {
        return serve_recording(shared, conn, recorded_default(api, stream), rng).await;
    }
    if api == Api::Sonar && scenario == Scenario::Retired {
        return conn.respond(&Response::new(403, "application/json", recorded::RETIRED_BODY)).await;
    }
    let model = match (&answer_fields, body.get("model").and_then(Value::as_str)) {
        (Some(r), _) => r.model.clone(),
        (None, model) => model.unwrap_or_default().to_string(),
    };
    let mut answer = Answer::new(scenario, model, rng, shared.speed);
    if let Some(host) = req.header("host").filter(|h| !h.is_empty()) {
        answer.origin = format!("http://{host}");
    }
    (answer.images, answer.related, answer.openai) = (images, related, openai);
    if let Some(r) = answer_fields.take() {
        answer.resolved = r.resolved;
        answer.echo = r.echo;
        answer.headers = rate_limit_headers(scenario, agent_requests);
        if !r.search {
            answer.without_search();
        }
    }
    if scenario == Scenario::Timestamps {
        answer.sent = Some(shared.sent_log());
    }
    if background {
        return agent::start_background(&shared.runs, conn, answer, deep, stream).await;
    }
    match (api, stream) {
        (Api::Agent, true) => agent::respond_stream(conn, answer, Some(&shared.runs)).await,
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
    agent::respond_stream(conn.allow_any_origin(), answer, None).await;
}

/// `GET /v1/responses/{id}` (poll, or `?stream=true[&starting_after=N]` to follow) and
/// `POST /v1/responses/{id}/cancel`, behind the key like every API path.
async fn stored(shared: &Shared, req: &Request, conn: Conn, rng: Rng) {
    if shared.scenarios().sticky() == Scenario::Auth401 || !authorized(shared, req) {
        return conn.respond(&Response::unauthorized()).await;
    }
    let runs = &shared.runs;
    match (req.method.as_str(), agent::id_in(req.path(), req.method == "POST")) {
        ("POST", Some(id)) => agent::cancel(runs, conn, id).await,
        (_, Some(id)) => agent::get(runs, conn, id, |key| query(req, key).map(String::from), rng, shared.speed).await,
        (_, None) => conn.respond(&Response::json(404, &json!({"detail": "Not Found"}))).await,
    }
}

/// `GET /v1/models`: the recorded catalogue (`models_2026-10-09`, 52 models with prices) in every
/// mode, behind the key; the sticky scenario's HTTP errors apply here too (so "Test key" can be
/// tested against `auth401`, `rate429`…). Recorded mode reads it from the recordings folder.
async fn models(shared: &Shared, req: &Request, conn: Conn, rng: Rng) {
    if shared.scenarios().sticky() == Scenario::Auth401 || !authorized(shared, req) {
        return conn.respond(&Response::unauthorized()).await;
    }
    let error = shared.scenarios().begin(None).http_error();
    if let Some(resp) = error {
        return conn.respond(&resp).await;
    }
    if shared.recorded() {
        return serve_recording(shared, conn, recorded::MODELS_DEFAULT, rng).await;
    }
    conn.respond(&Response::new(200, "application/json", recorded::MODELS_BODY)).await
}

/// The value of `key` in the request's query string.
fn query<'a>(req: &'a Request, key: &str) -> Option<&'a str> {
    let (_, query) = req.target.split_once('?')?;
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The unauthenticated `/__mock/` endpoints; anything else is a 404 or 405.
fn control(shared: &Shared, method: &str, req: &Request) -> Response {
    let body: Option<Value> = serde_json::from_slice(&req.body).ok();
    match (method, req.path()) {
        ("GET", "/__mock/health") => Response::new(200, "text/plain", "ok"),
        ("GET", "/__mock/requests") => Response::json(200, &json!(shared.requests())),
        ("GET", "/__mock/sent-times") => Response::json(200, &json!(shared.sent_times())),
        ("GET", "/__mock/runs") => Response::json(200, &shared.runs.list()),
        ("GET", "/__mock/clock") => Response::json(200, &json!({"speed": shared.runs.clock_speed()})),
        ("POST", "/__mock/clock") => {
            match body.as_ref().and_then(|v| v["speed"].as_f64()).and_then(crate::valid_clock_speed) {
                Some(speed) => {
                    shared.runs.set_clock_speed(speed);
                    Response::json(200, &json!({"speed": speed}))
                }
                None => Response::error_json(
                    400,
                    "Expected {\"speed\": <virtual seconds per real second, > 0>}",
                    "invalid_request_error",
                ),
            }
        }
        ("GET", "/__mock/scenario") => Response::json(200, &json!({"name": shared.scenarios().sticky().name()})),
        ("POST", "/__mock/scenario") => {
            let name = body.as_ref().and_then(|v| v["name"].as_str());
            match name.and_then(Scenario::from_name) {
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
        ("GET", "/__mock/recorded") => Response::json(200, &json!({"on": shared.recorded()})),
        ("POST", "/__mock/recorded") => match body.as_ref().and_then(|v| v.get("on")).and_then(Value::as_bool) {
            Some(on) => {
                shared.set_recorded(on);
                Response::json(200, &json!({"on": on}))
            }
            None => Response::error_json(400, "Expected {\"on\": true | false}", "invalid_request_error"),
        },
        ("GET", "/__mock/recording") => Response::json(200, &json!({"name": shared.recording()})),
        ("POST", "/__mock/recording") => match body.as_ref().and_then(|v| v.get("name")) {
            Some(Value::Null) => {
                shared.set_recording(None);
                Response::json(200, &json!({"name": null}))
            }
            Some(Value::String(stem)) => match shared.recordings.check(stem) {
                Ok(Ok(())) => {
                    shared.set_recording(Some(stem.clone()));
                    Response::json(200, &json!({"name": stem}))
                }
                Ok(Err(unknown)) => Response::error_json(400, &unknown.to_string(), "invalid_request_error"),
                Err(why) => recorded::unreadable(&why),
            },
            _ => Response::error_json(
                400,
                "Expected {\"name\": \"<recording stem>\" | null}; GET /__mock/recordings lists them",
                "invalid_request_error",
            ),
        },
        ("GET", "/__mock/recordings") => match shared.recordings.list() {
            Ok(list) => Response::json(200, &Value::Array(list.iter().map(recorded::Entry::json).collect())),
            Err(why) => recorded::unreadable(&why),
        },
        ("GET", p) if p.starts_with("/__mock/fixture/") => match crate::fixture(&p["/__mock/fixture/".len()..]) {
            Some(f) if query(req, "search") == Some("false") => Response::json(200, &json!(f.without_search())),
            Some(f) => Response::json(200, &json!(f)),
            None => Response::json(404, &json!({"detail": "No fixture with that name"})),
        },
        (
            _,
            "/v1/agent" | "/v1/responses" | "/chat/completions" | "/v1/models" | "/__mock/health" | "/__mock/requests"
            | "/__mock/scenario" | "/__mock/sent-times" | "/__mock/timestamps" | "/__mock/recorded"
            | "/__mock/recording" | "/__mock/recordings" | "/__mock/runs" | "/__mock/clock",
        ) => Response::json(405, &json!({"detail": "Method Not Allowed"})),
        _ => Response::json(404, &json!({"detail": "Not Found"})),
    }
}
