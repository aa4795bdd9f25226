//! The Agent API's answers: the Responses-style SSE event sequence per scenario and the
//! non-streamed `response` object, shaped like the recordings in `tests/fixtures/real/`
//! (`agent_fast_stream.sse`, `agent_fast_web_search.jsonl`): the preset's name as the model
//! until `response.completed` reports the resolved one, the server's own `search_web`
//! function call, a `search_results` item without an id, a message item added with
//! `content: null`, usage with cache, reasoning and tool-call details. Keys come out in
//! alphabetical order, as the real API writes them (serde_json's map sorts them; the literals
//! below are written in that order too). Request validation lives in `agent.rs`.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::fixtures::{self, Fixture, Source};
use crate::http::{Conn, Gone, Response};
use crate::rng::{now_ms, now_secs, Rng};
use crate::scenarios::{split_deltas, Answer, Disruption, Scenario, GARBAGE};
use crate::sse::{End, SseWriter, Style};

/// The `thought` of a recorded `response.reasoning.search_queries`.
const SEARCHING: &str = "Searching the web...";
/// The `thought` the `reasoning` scenario searches with instead.
const REASONING_THOUGHT: &str = "Let me think about which figure is current.";

/// An id in the recorded form (`resp_`, `call_`, `fc_`, `msg_` + a UUID).
fn uuid(rng: &mut Rng) -> String {
    [8, 4, 4, 4, 12].map(|n| rng.hex(n)).join("-")
}

/// Ids and fixed values shared by every event of one response.
struct Ctx {
    fixture: Fixture,
    scenario: Scenario,
    /// As asked (a preset's name or a model id), reported while in progress.
    model: String,
    /// Reported once done.
    resolved: String,
    search: bool,
    echo: Map<String, Value>,
    created: u64,
    resp_id: String,
    call_id: String,
    fc_id: String,
    msg_id: String,
    reasoning_id: String,
    /// `timestamps`: each delta's send time goes here.
    sent: Option<std::sync::Arc<std::sync::Mutex<Vec<f64>>>>,
}

impl Ctx {
    fn new(a: &mut Answer) -> Self {
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
    fn reasoning_index(&self) -> usize {
        usize::from(self.search)
    }

    /// Where the message sits in `output`: after the search results and the reasoning.
    fn message_index(&self) -> usize {
        usize::from(self.search) + usize::from(self.fixture.reasoning.is_some())
    }

    fn results(&self) -> Value {
        Value::Array(self.fixture.sources.iter().map(result_json).collect())
    }

    /// The server's own search, announced as a finished `function_call` (not ours to run).
    fn function_call(&self) -> Value {
        let arguments = json!({"queries": self.fixture.queries}).to_string();
        json!({"arguments": arguments, "call_id": self.call_id, "id": self.fc_id, "name": "search_web",
               "status": "completed", "type": "function_call"})
    }

    /// The `search_results` output item: no id, no status (as recorded).
    fn search_item(&self) -> Value {
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
    fn message(&self, done: Option<&str>) -> Value {
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

    /// A request field the `response` object echoes, or its default.
    fn echoed(&self, key: &str, default: Value) -> Value {
        self.echo.get(key).cloned().unwrap_or(default)
    }

    /// The `response` object; `status` is `in_progress`, `completed`, `incomplete` or `failed`.
    fn response(&self, status: &str) -> Value {
        let done = matches!(status, "completed" | "incomplete");
        let now = if status == "in_progress" { Value::Null } else { json!(now_secs()) };
        json!({
            "background": self.echoed("background", json!(false)),
            "completed_at": if status == "completed" { now } else { Value::Null },
            "created_at": self.created,
            "error": if status == "failed" {
                json!({"code": "server_error", "message": "The model failed to generate a response."})
            } else { Value::Null },
            "frequency_penalty": 0,
            "id": self.resp_id,
            "incomplete_details": if status == "incomplete" { json!({"reason": "max_output_tokens"}) } else { Value::Null },
            "instructions": self.echoed("instructions", Value::Null),
            "max_output_tokens": self.echoed("max_output_tokens", Value::Null),
            "max_tool_calls": self.echoed("max_tool_calls", Value::Null),
            "metadata": self.echoed("metadata", json!({})),
            "model": if status == "in_progress" { &self.model } else { &self.resolved },
            "object": "response",
            "output": if done { self.output(status) } else { json!([]) },
            "parallel_tool_calls": true,
            "presence_penalty": 0,
            "previous_response_id": self.echoed("previous_response_id", Value::Null),
            "prompt_cache_key": null,
            "reasoning": self.echoed("reasoning", Value::Null),
            "safety_identifier": null,
            "service_tier": if status == "in_progress" { "default" } else { "fast" },
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

    fn final_status(&self) -> &'static str {
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

/// Streams the answer as SSE events; returns quietly when the client hangs up.
pub(crate) async fn respond_stream(conn: Conn, mut a: Answer) {
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
    let end = emit(&mut out, &ctx, &mut Seq(0), &deltas, &thoughts).await;
    out.conclude(end).await;
}

/// How often an Agent stream is framed oddly (see `sse.rs`) instead of as recorded.
const ODD_CHANCE: f64 = 0.2;

/// `sequence_number`s: from 0, increasing, with occasional gaps (the recordings skip a few).
struct Seq(u64);

impl Seq {
    fn next(&mut self, out: &mut SseWriter) -> u64 {
        let n = self.0;
        self.0 += if out.rng().chance(0.1) { out.rng().range(2, 3) as u64 } else { 1 };
        n
    }
}

/// Sends `{"type": kind, "sequence_number": n, ..fields}`.
async fn send(out: &mut SseWriter, seq: &mut Seq, kind: &str, fields: Value) -> Result<(), Gone> {
    let mut event = json!({"sequence_number": seq.next(out), "type": kind});
    if let (Some(e), Value::Object(f)) = (event.as_object_mut(), fields) {
        e.extend(f);
    }
    out.event(kind, &event).await
}

/// The event sequence for one scenario.
async fn emit(
    out: &mut SseWriter,
    c: &Ctx,
    seq: &mut Seq,
    deltas: &[String],
    thoughts: &[String],
) -> Result<End, Gone> {
    let delay = c.scenario.delta_delay_ms();
    send(out, seq, "response.created", json!({"response": c.response("in_progress")})).await?;
    let mut in_progress = json!({"response": c.response("in_progress")});
    if out.odd() {
        in_progress["mock_extra"] = json!({"ignore": "me"}); // clients must ignore unknown fields
    }
    send(out, seq, "response.in_progress", in_progress).await?;
    if c.scenario == Scenario::Failed {
        send(out, seq, "response.failed", json!({"response": c.response("failed")})).await?;
        return Ok(End::Finish);
    }
    if c.search {
        send(out, seq, "response.output_item.added", json!({"item": c.function_call(), "output_index": 0})).await?;
        let thought = if thoughts.is_empty() { SEARCHING } else { REASONING_THOUGHT };
        let queries = json!({"call_id": c.call_id, "queries": c.fixture.queries, "thought": thought});
        send(out, seq, "response.reasoning.search_queries", queries).await?;
    }
    for t in thoughts {
        // *unconfirmed*: Perplexity has not documented how reasoning text streams; this mirrors
        // the OpenAI Responses `response.reasoning_text.delta` event.
        let ev =
            json!({"content_index": 0, "delta": t, "item_id": c.reasoning_id, "output_index": c.reasoning_index()});
        send(out, seq, "response.reasoning_text.delta", ev).await?;
        out.delay(delay).await?;
    }
    if c.search {
        out.delay(60.0).await?; // "searching"
        let thought = format!("Found {} results", c.fixture.sources.len());
        let results = json!({"call_id": c.call_id, "results": c.results(), "thought": thought});
        send(out, seq, "response.reasoning.search_results", results).await?;
        send(out, seq, "response.output_item.done", json!({"item": c.search_item(), "output_index": 0})).await?;
    }
    let index = c.message_index();
    send(out, seq, "response.output_item.added", json!({"item": c.message(None), "output_index": index})).await?;
    let start = tokio::time::Instant::now();
    let record = |at: f64| {
        if let Some(log) = &c.sent {
            log.lock().unwrap_or_else(|e| e.into_inner()).push(at);
        }
    };
    if let Some(log) = &c.sent {
        log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
    for (i, d) in deltas.iter().enumerate() {
        match c.scenario.disruption(i, deltas.len()) {
            Some(Disruption::Drop) => return Ok(End::Abort),
            Some(Disruption::BrokenFrame) => {
                let eol = out.eol();
                out.raw(format!("data: {{\"content_index\":0,\"delta\":{eol}{eol}").as_bytes()).await?;
            }
            Some(Disruption::Garbage) => {
                out.raw(&[GARBAGE, out.eol().as_bytes(), out.eol().as_bytes()].concat()).await?
            }
            None => {}
        }
        let mut ev = json!({"content_index": 0, "delta": d, "item_id": c.msg_id, "output_index": index});
        if c.scenario == Scenario::Timestamps {
            let at = Duration::from_secs_f64(i as f64 * delay * out.speed() / 1000.0);
            out.wait_until(start + at).await?;
            ev["mock_sent_at_ms"] = json!(now_ms());
        }
        send(out, seq, "response.output_text.delta", ev).await?;
        if c.scenario == Scenario::Timestamps {
            record(now_ms());
        } else {
            out.delay(delay).await?;
        }
    }
    let status = c.final_status();
    let done = json!({"content_index": 0, "item_id": c.msg_id, "output_index": index, "text": c.fixture.text});
    send(out, seq, "response.output_text.done", done).await?;
    let item = json!({"item": c.message(Some(status)), "output_index": index});
    send(out, seq, "response.output_item.done", item).await?;
    send(out, seq, &format!("response.{status}"), json!({"response": c.response(status)})).await?;
    Ok(End::Finish)
}
