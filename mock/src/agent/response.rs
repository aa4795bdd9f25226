//! The Agent API's answers: the Responses-style SSE event sequence per scenario and the
//! non-streamed `response` object, shaped like the recordings in `tests/fixtures/real/`
//! (`agent_fast_stream.sse`, `agent_fast_web_search.jsonl`): the preset's name as the model
//! until `response.completed` reports the resolved one, the server's own `search_web`
//! function call, a `search_results` item without an id, a message item added with
//! `content: null`, usage with cache, reasoning and tool-call details. Keys come out in
//! alphabetical order, as the real API writes them (serde_json's map sorts them; the literals
//! below are written in that order too). The event sequence itself is planned in `events.rs`;
//! request validation lives in `agent.rs`, stored runs in `runs.rs`.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::fixtures::{self, Fixture, Source};
use crate::http::{Conn, Gone, Response};
use crate::rng::{now_ms, now_secs, Rng};
use crate::scenarios::{split_deltas, Answer, Disruption, Scenario, GARBAGE};
use crate::sse::{End, SseWriter, Style};

use super::events::{kind, plan, Step};
use super::runs::{Run, Runs};

/// An id in the recorded form (`resp_`, `call_`, `fc_`, `msg_` + a UUID).
fn uuid(rng: &mut Rng) -> String {
    [8, 4, 4, 4, 12].map(|n| rng.hex(n)).join("-")
}

/// Ids and fixed values shared by every event of one response.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) fixture: Fixture,
    pub(crate) scenario: Scenario,
    /// As asked (a preset's name or a model id), reported while in progress.
    pub(crate) model: String,
    /// Reported once done.
    resolved: String,
    pub(crate) search: bool,
    echo: Map<String, Value>,
    created: u64,
    pub(crate) resp_id: String,
    pub(crate) call_id: String,
    fc_id: String,
    pub(crate) msg_id: String,
    pub(crate) reasoning_id: String,
    /// `timestamps`: each delta's send time goes here.
    sent: Option<std::sync::Arc<std::sync::Mutex<Vec<f64>>>>,
}

impl Ctx {
    pub(crate) fn new(a: &mut Answer) -> Self {
        Ctx {
            fixture: a.fixture.clone(),
            scenario: a.scenario,
            model: a.model.clone(),
            resolved: a.resolved.clone(),
            search: a.search,
            echo: a.echo.clone(),
            created: now_secs(),
            resp_id: format!("resp_{}", uuid(&mut a.rng)),
            call_id: format!("call_{}", uuid(&mut a.rng)),
            fc_id: format!("fc_{}", uuid(&mut a.rng)),
            msg_id: format!("msg_{}", uuid(&mut a.rng)),
            reasoning_id: format!("rs_{}", uuid(&mut a.rng)),
            sent: a.sent.clone(),
        }
    }

    /// Where the reasoning item sits in `output` (after the search results).
    pub(crate) fn reasoning_index(&self) -> usize {
        usize::from(self.search)
    }

    /// Where the message sits in `output`: after the search results and the reasoning.
    pub(crate) fn message_index(&self) -> usize {
        usize::from(self.search) + usize::from(self.fixture.reasoning.is_some())
    }

    pub(crate) fn results(&self) -> Value {
        Value::Array(self.fixture.sources.iter().map(result_json).collect())
    }

    /// The server's own search, announced as a finished `function_call` (not ours to run).
    pub(crate) fn function_call(&self) -> Value {
        let arguments = json!({"queries": self.fixture.queries}).to_string();
        json!({"arguments": arguments, "call_id": self.call_id, "id": self.fc_id, "name": "search_web",
               "status": "completed", "type": "function_call"})
    }

    /// The `search_results` output item: no id, no status (as recorded).
    pub(crate) fn search_item(&self) -> Value {
        json!({"queries": self.fixture.queries, "results": self.results(), "type": "search_results"})
    }

    fn output(&self, status: &str) -> Value {
        let mut output = Vec::new();
        if self.search {
            output.push(self.search_item());
        }
        if let Some(r) = &self.fixture.reasoning {
            // *unconfirmed*: the shape of a reasoning output item.
            output.push(json!({"content": [{"text": r, "type": "reasoning_text"}], "id": self.reasoning_id,
                               "type": "reasoning"}));
        }
        output.push(self.message(Some(status)));
        Value::Array(output)
    }

    /// The message item: `None` = as added, before any text (`content: null`; the recordings
    /// say `status: "completed"` even then); `Some(status)` = done, with its text.
    pub(crate) fn message(&self, done: Option<&str>) -> Value {
        let content = match done {
            Some(_) => json!([{"annotations": [], "text": self.fixture.text, "type": "output_text"}]),
            None => Value::Null,
        };
        json!({"content": content, "id": self.msg_id, "role": "assistant", "status": done.unwrap_or("completed"),
               "type": "message"})
    }

    fn usage(&self) -> Value {
        let (f, c) = (&self.fixture, self.fixture.agent_cost());
        let mut cost = Map::new();
        if c.cache_read > 0.0 {
            cost.insert("cache_read_cost".into(), json!(c.cache_read));
        }
        cost.insert("currency".into(), json!("USD"));
        cost.insert("input_cost".into(), json!(c.input));
        cost.insert("output_cost".into(), json!(c.output));
        cost.insert("tool_calls_cost".into(), json!(c.tools));
        let (tool_cost, tool_calls) = if self.search {
            (json!({"search_web": c.tools}), json!({"search_web": {"cost_usd": c.tools, "invocation": c.searches}}))
        } else {
            (json!({}), json!({}))
        };
        cost.insert("tool_calls_cost_details".into(), tool_cost);
        cost.insert("total_cost".into(), json!(c.total));
        json!({
            "cost": cost,
            "input_tokens": f.usage.input_tokens,
            "input_tokens_details": {"cache_creation_input_tokens": 0, "cache_read_input_tokens": c.cached_tokens,
                                     "cached_tokens": c.cached_tokens},
            "output_tokens": f.usage.output_tokens,
            "output_tokens_details": {"reasoning_tokens": f.reasoning.as_deref().map_or(0, fixtures::tokens_for)},
            "tool_calls_details": tool_calls,
            "total_tokens": f.usage.input_tokens + f.usage.output_tokens,
        })
    }

    /// The request asked for background mode (the run starts `queued`).
    pub(crate) fn background(&self) -> bool {
        self.echo.get("background").and_then(Value::as_bool) == Some(true)
    }

    /// A request field the `response` object echoes, or its default.
    fn echoed(&self, key: &str, default: Value) -> Value {
        self.echo.get(key).cloned().unwrap_or(default)
    }

    /// The `response` object; `status` is `queued`, `in_progress`, `completed`, `incomplete`,
    /// `failed` or `cancelled`.
    pub(crate) fn response(&self, status: &str) -> Value {
        let done = matches!(status, "completed" | "incomplete");
        let running = matches!(status, "queued" | "in_progress");
        let now = if running { Value::Null } else { json!(now_secs()) };
        let error = match (status, self.scenario) {
            ("failed", Scenario::ResearchFail) => {
                json!({"code": "server_error", "message": "The research run failed."})
            }
            ("failed", _) => json!({"code": "server_error", "message": "The model failed to generate a response."}),
            _ => Value::Null,
        };
        json!({
            "background": self.echoed("background", json!(false)),
            "completed_at": if status == "completed" { now } else { Value::Null },
            "created_at": self.created,
            "error": error,
            "frequency_penalty": 0,
            "id": self.resp_id,
            "incomplete_details": if status == "incomplete" { json!({"reason": "max_output_tokens"}) } else { Value::Null },
            "instructions": self.echoed("instructions", Value::Null),
            "max_output_tokens": self.echoed("max_output_tokens", Value::Null),
            "max_tool_calls": self.echoed("max_tool_calls", Value::Null),
            "metadata": self.echoed("metadata", json!({})),
            "model": if running { &self.model } else { &self.resolved },
            "object": "response",
            "output": if done { self.output(status) } else { json!([]) },
            "parallel_tool_calls": true,
            "presence_penalty": 0,
            "previous_response_id": self.echoed("previous_response_id", Value::Null),
            "prompt_cache_key": null,
            "reasoning": self.echoed("reasoning", Value::Null),
            "safety_identifier": null,
            "service_tier": if running { "default" } else { "fast" },
            "status": status,
            "store": self.echoed("store", json!(true)),
            "temperature": 1,
            "text": {"format": {"type": "text"}},
            "tool_choice": self.echoed("tool_choice", json!("auto")),
            "tools": self.echoed("tools", json!([])),
            "top_logprobs": 0,
            "top_p": 1,
            "truncation": "",
            "usage": if done { self.usage() } else { Value::Null },
            "user": null,
        })
    }

    pub(crate) fn final_status(&self) -> &'static str {
        match self.scenario {
            Scenario::Incomplete => "incomplete",
            Scenario::Failed => "failed",
            _ => "completed",
        }
    }
}

/// One search result as recorded: `date` only when known, `last_updated` always.
fn result_json(s: &Source) -> Value {
    let mut r = json!({"id": s.id, "last_updated": fixtures::last_updated(s), "snippet": s.snippet,
                       "source": "web", "title": s.title, "url": s.url});
    if let Some(date) = &s.date {
        r["date"] = json!(date);
    }
    r
}

/// Answers a valid request without streaming.
pub(crate) async fn respond_json(conn: Conn, mut a: Answer) {
    let ctx = Ctx::new(&mut a);
    let body = ctx.response(ctx.final_status()).to_string();
    let mut resp = Response::new(200, "application/json", body);
    resp.headers.extend(a.headers.iter().cloned());
    a.respond_whole(conn, resp, &ctx.fixture.text).await;
}

/// How often an Agent stream (live or followed) is framed oddly (see `sse.rs`) instead of as recorded.
pub(crate) const ODD_CHANCE: f64 = 0.2;

/// Streams the answer as SSE events; returns quietly when the client hangs up. With `runs`,
/// the answer is also kept as a run under its id (unless its scenario refuses resumption), so
/// a dropped stream can be resumed with `GET /v1/responses/{id}?stream=true`.
pub(crate) async fn respond_stream(conn: Conn, mut a: Answer, runs: Option<&Runs>) {
    let ctx = Ctx::new(&mut a);
    let deltas = a.deltas(&ctx.fixture.text, &[]);
    let thoughts = match &ctx.fixture.reasoning {
        Some(r) => split_deltas(r, &mut a.rng, (2, 14), &[]),
        None => Vec::new(),
    };
    let Ok(body) = conn.start_chunked_with(200, "text/event-stream", &a.headers).await else { return };
    let style =
        Style { event_lines: true, crlf: false, odd_chance: ODD_CHANCE, pacing: a.scenario.pacing(), speed: a.speed };
    let mut out = SseWriter::new(body, a.rng, style);
    let mut plan_rng = Rng::new(out.rng().next_u64());
    let steps = plan(&ctx, &mut plan_rng, out.odd(), &deltas, &thoughts);
    if let Some(runs) = runs.filter(|_| ctx.scenario != Scenario::Drop) {
        runs.add(Run::streamed(ctx.clone(), &steps, a.speed));
    }
    let end = play(&mut out, &ctx, &steps).await;
    out.conclude(end).await;
}

/// Plays planned steps onto the wire: events, scenario pauses, disruptions. A `timestamps`
/// answer's deltas go out on a schedule (1,000/s), each stamped and logged with its send time.
async fn play(out: &mut SseWriter, c: &Ctx, steps: &[Step]) -> Result<End, Gone> {
    let delay = c.scenario.delta_delay_ms();
    let mut start = None;
    let mut sent_deltas = 0u32;
    let log = |at: Option<f64>| {
        if let Some(log) = &c.sent {
            let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
            match at {
                Some(at) => log.push(at),
                None => log.clear(),
            }
        }
    };
    for step in steps {
        match step {
            Step::Event(ev) if c.scenario == Scenario::Timestamps && kind(ev) == "response.output_text.delta" => {
                let start = *start.get_or_insert_with(|| {
                    log(None);
                    tokio::time::Instant::now()
                });
                let at = Duration::from_secs_f64(f64::from(sent_deltas) * delay * out.speed() / 1000.0);
                out.wait_until(start + at).await?;
                let mut ev = ev.clone();
                ev["mock_sent_at_ms"] = json!(now_ms());
                out.event(kind(&ev), &ev).await?;
                log(Some(now_ms()));
                sent_deltas += 1;
            }
            Step::Event(ev) => out.event(kind(ev), ev).await?,
            Step::Delay(ms) => out.delay(*ms).await?,
            Step::Disrupt(Disruption::Drop) => return Ok(End::Abort),
            Step::Disrupt(Disruption::BrokenFrame) => {
                let eol = out.eol();
                out.raw(format!("data: {{\"content_index\":0,\"delta\":{eol}{eol}").as_bytes()).await?;
            }
            Step::Disrupt(Disruption::Garbage) => {
                out.raw(&[GARBAGE, out.eol().as_bytes(), out.eol().as_bytes()].concat()).await?
            }
        }
    }
    Ok(End::Finish)
}
