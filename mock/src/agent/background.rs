//! Background mode and the stored-response endpoints of the Agent API (DESIGN §3.1, "Long
//! answers and reconnection"): starting a background run, `GET /v1/responses/{id}` (poll),
//! `GET /v1/responses/{id}?stream=true[&starting_after=N]` (follow or resume a stream) and
//! `POST /v1/responses/{id}/cancel`. The runs themselves and their clock live in `runs.rs`.

use super::events::{kind, plan, TERMINAL};
use super::response::{Ctx, ODD_CHANCE};
use super::runs::{Next, Refusal, Run, Runs};
use crate::http::{Conn, Gone, Response};
use crate::rng::Rng;
use crate::scenarios::{split_deltas, Answer};
use crate::sse::{End, SseWriter, Style};

/// The 400 for `background: true` with `store: false` (no recording shows it; a run that is not
/// kept could never be polled).
pub(crate) fn store_required() -> Response {
    Response::error_with_param(400, "background mode requires \"store\": true", "invalid_request", Some("store"))
}

/// The refusal as the API answers it.
fn refused(_id: &str, why: Refusal) -> Response {
    match why {
        // As recorded (cfdude/mcp-perplexity-pro, 2026-10-09: `agent_get_unknown_404`,
        // `agent_get_store_false_404`).
        Refusal::NotFound => Response::error_json(404, "resource not found", "not_found"),
        Refusal::NoStream => {
            Response::error_json(400, "Streaming is not available for this response.", "invalid_request")
        }
        // As recorded for a finished run and for an unknown one alike (`agent_cancel_terminal_400`,
        // `agent_cancel_unknown_400`).
        Refusal::NotCancellable(_) => {
            Response::error_json(400, "the run is already terminal and cannot be cancelled", "invalid_request")
        }
    }
}

/// `POST /v1/agent` with `background: true`: the run starts on its own; the answer is its
/// `queued` response object, or (`stream: true`) a follow stream from its first event. `deep`:
/// a deep preset, which takes minutes.
pub(crate) async fn start(runs: &Runs, conn: Conn, mut a: Answer, deep: bool, stream: bool) {
    let ctx = Ctx::new(&mut a);
    let deltas = a.deltas(&ctx.fixture.text, &[]);
    let thoughts = match &ctx.fixture.reasoning {
        Some(r) => split_deltas(r, &mut a.rng, (2, 14), &[]),
        None => Vec::new(),
    };
    let steps = plan(&ctx, &mut a.rng, false, &deltas, &thoughts);
    let queued = ctx.response("queued");
    let id = runs.add(Run::background(ctx, &steps, deep));
    if stream {
        return follow(runs, conn, &id, None, a.rng, a.speed, &a.headers).await;
    }
    let mut resp = Response::json(200, &queued);
    resp.headers.extend(a.headers.iter().cloned());
    conn.respond(&resp).await
}

/// `GET /v1/responses/{id}`, polled or (`stream=true`) followed from after `starting_after`.
pub(crate) async fn get(
    runs: &Runs,
    conn: Conn,
    id: &str,
    query: impl Fn(&str) -> Option<String>,
    rng: Rng,
    speed: f64,
) {
    if query("stream").as_deref() != Some("true") {
        let resp = runs.response(id).map_or_else(|why| refused(id, why), |r| Response::json(200, &r));
        return conn.respond(&resp).await;
    }
    let after = match query("starting_after").map(|n| n.parse::<u64>()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            let resp = Response::error_with_param(
                400,
                "starting_after must be a non-negative integer",
                "invalid_request",
                Some("starting_after"),
            );
            return conn.respond(&resp).await;
        }
    };
    follow(runs, conn, id, after, rng, speed, &[]).await
}

/// `POST /v1/agent/{id}/cancel`: accepted as recorded (`agent_cancel_accepted`:
/// `{"response_id", "status": "cancelling"}`); the run then reads `cancelled`. An unknown run is
/// refused like a finished one, as recorded.
pub(crate) async fn cancel(runs: &Runs, conn: Conn, id: &str) {
    let resp = match runs.cancel(id) {
        Ok(_) => Response::json(200, &serde_json::json!({"response_id": id, "status": "cancelling"})),
        Err(Refusal::NotFound) => refused(id, Refusal::NotCancellable("unknown".into())),
        Err(why) => refused(id, why),
    };
    conn.respond(&resp).await
}

/// Streams the run's events after `after`: those already past at once, the rest as their time
/// comes, until the terminal event; cut when the run is forgotten or its scenario drops it.
async fn follow(
    runs: &Runs,
    conn: Conn,
    id: &str,
    after: Option<u64>,
    rng: Rng,
    speed: f64,
    headers: &[(String, String)],
) {
    let (scenario, opened) = match runs.open(id) {
        Ok(open) => open,
        Err(why) => return conn.respond(&refused(id, why)).await,
    };
    let Ok(body) = conn.start_chunked_with(200, "text/event-stream", headers).await else { return };
    let style = Style { event_lines: true, crlf: false, odd_chance: ODD_CHANCE, pacing: scenario.pacing(), speed };
    let mut out = SseWriter::new(body, rng, style);
    let end = relay(runs, &mut out, id, after, opened).await;
    out.conclude(end).await;
}

async fn relay(runs: &Runs, out: &mut SseWriter, id: &str, mut after: Option<u64>, opened: f64) -> Result<End, Gone> {
    loop {
        // Registered before looking, so a change between the look and the wait is not missed.
        let changed = runs.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        match runs.next(id, after, opened) {
            Next::Send(events) => {
                for event in events {
                    out.event(kind(&event), &event).await?;
                    after = event["sequence_number"].as_u64();
                    if TERMINAL.contains(&kind(&event)) {
                        return Ok(End::Finish);
                    }
                }
            }
            Next::Wait(wait) => {
                out.flush().await?;
                let until = tokio::time::Instant::now() + wait;
                tokio::select! {
                    slept = out.wait_until(until) => slept?,
                    _ = &mut changed => {}
                }
            }
            Next::Done => return Ok(End::Finish),
            Next::Cut => return Ok(End::Abort),
        }
    }
}

/// The run id in `/v1/agent/{id}` (GET; as recorded) or `/v1/agent/{id}/cancel` (POST), or the
/// same under the `/v1/responses` alias.
pub(crate) fn id_in(path: &str, cancel: bool) -> Option<&str> {
    let rest = path.strip_prefix("/v1/agent/").or_else(|| path.strip_prefix("/v1/responses/"))?;
    let id = if cancel { rest.strip_suffix("/cancel")? } else { rest };
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_path() {
        assert_eq!(id_in("/v1/responses/resp_1", false), Some("resp_1"));
        assert_eq!(id_in("/v1/responses/resp_1/cancel", true), Some("resp_1"));
        assert_eq!(id_in("/v1/responses/resp_1/cancel", false), None);
        assert_eq!(id_in("/v1/responses/", false), None);
        assert_eq!(id_in("/v1/responses/resp_1", true), None);
        assert_eq!(id_in("/v1/agent/resp_1", false), Some("resp_1"));
        assert_eq!(id_in("/v1/agent/resp_1/cancel", true), Some("resp_1"));
        assert_eq!(id_in("/v1/agent", false), None);
    }

    #[test]
    fn refusals_read_as_the_api_writes_them() {
        let body = |r: Response| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap();
        let r = refused("resp_x", Refusal::NotFound);
        assert_eq!(r.status, 404);
        assert_eq!(
            body(r),
            serde_json::json!({"error": {"message": "resource not found", "type": "not_found", "code": 404}})
        );
        let r = refused("resp_x", Refusal::NotCancellable("completed".into()));
        assert_eq!(r.status, 400);
        assert_eq!(body(r)["error"]["message"], "the run is already terminal and cannot be cancelled");
        let r = store_required();
        assert_eq!(body(r)["error"]["param"], "store");
    }
}
