//! The Agent API's answers: the Responses-style SSE event sequence per scenario and the
//! non-streamed `response` object. Request validation lives in `agent.rs`.

use std::time::Duration;

use serde_json::{json, Value};

use crate::fixtures::{Fixture, Source, CITED_THOUGHT};
use crate::http::{Conn, Gone, Response};
use crate::rng::{now_ms, now_secs};
use crate::scenarios::{split_deltas, Answer, Disruption, Scenario, GARBAGE};
use crate::sse::{End, SseWriter, Style};

/// Ids and fixed values shared by every event of one response.
struct Ctx {
    fixture: Fixture,
    scenario: Scenario,
    model: String,
    created: u64,
    resp_id: String,
    results_id: String,
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
            created: now_secs(),
            resp_id: format!("resp_{}", a.rng.hex(24)),
            results_id: format!("sr_{}", a.rng.hex(16)),
            msg_id: format!("msg_{}", a.rng.hex(16)),
            reasoning_id: format!("rs_{}", a.rng.hex(16)),
            sent: a.sent.clone(),
        }
    }

    fn results(&self) -> Value {
        Value::Array(self.fixture.sources.iter().map(result_json).collect())
    }

    fn output(&self) -> Value {
        let mut output = vec![
            json!({"type": "search_results", "id": self.results_id, "status": "completed", "results": self.results()}),
        ];
        if let Some(r) = &self.fixture.reasoning {
            // *unconfirmed*: the shape of a reasoning output item.
            output.push(json!({"type": "reasoning", "id": self.reasoning_id, "content": [{"type": "reasoning_text", "text": r}]}));
        }
        output.push(self.message("completed"));
        Value::Array(output)
    }

    fn message(&self, status: &str) -> Value {
        let content = if status == "completed" {
            json!([{"type": "output_text", "text": self.fixture.text, "annotations": []}])
        } else {
            json!([])
        };
        json!({"type": "message", "id": self.msg_id, "role": "assistant", "status": status, "content": content})
    }

    fn usage(&self) -> Value {
        let (f, c) = (&self.fixture, self.fixture.agent_cost());
        json!({
            "input_tokens": f.usage.input_tokens,
            "output_tokens": f.usage.output_tokens,
            "total_tokens": f.usage.input_tokens + f.usage.output_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "cost": {"currency": "USD", "input_cost": c.input, "output_cost": c.output, "cache_read_cost": null,
                     "tool_calls_cost": c.tools, "total_cost": c.total},
            "tool_calls_details": {"search_web": {"invocation": c.searches, "cost_usd": c.tools}},
        })
    }

    /// The `response` object; `status` is `in_progress`, `completed`, `incomplete` or `failed`.
    fn response(&self, status: &str) -> Value {
        let done = matches!(status, "completed" | "incomplete");
        json!({
            "id": self.resp_id, "object": "response", "created_at": self.created, "status": status,
            "model": self.model,
            "output": if done { self.output() } else { json!([]) },
            "usage": if done { self.usage() } else { Value::Null },
            "error": if status == "failed" {
                json!({"code": "server_error", "message": "The model failed to generate a response."})
            } else { Value::Null },
            "incomplete_details": if status == "incomplete" { json!({"reason": "max_output_tokens"}) } else { Value::Null },
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

fn result_json(s: &Source) -> Value {
    json!({"id": s.id, "url": s.url, "title": s.title, "snippet": s.snippet, "date": s.date,
           "last_updated": null, "source": "web"})
}

/// Answers a valid request without streaming.
pub(crate) async fn respond_json(conn: Conn, mut a: Answer) {
    let ctx = Ctx::new(&mut a);
    let body = ctx.response(ctx.final_status()).to_string();
    a.respond_whole(conn, Response::new(200, "application/json", body), &ctx.fixture.text).await;
}

/// Streams the answer as SSE events; returns quietly when the client hangs up.
pub(crate) async fn respond_stream(conn: Conn, mut a: Answer) {
    let ctx = Ctx::new(&mut a);
    let deltas = a.deltas(&ctx.fixture.text, &[]);
    let thoughts = match &ctx.fixture.reasoning {
        Some(r) => split_deltas(r, &mut a.rng, (2, 14), &[]),
        None => Vec::new(),
    };
    let Ok(body) = conn.start_chunked("text/event-stream").await else { return };
    let style = Style { event_lines: true, keepalives: true, pacing: a.scenario.pacing(), speed: a.speed };
    let mut out = SseWriter::new(body, a.rng, style);
    let end = emit(&mut out, &ctx, &mut Seq(0), &deltas, &thoughts).await;
    out.conclude(end).await;
}

/// `sequence_number`s: increasing, with occasional gaps.
struct Seq(u64);

impl Seq {
    fn next(&mut self, out: &mut SseWriter) -> u64 {
        self.0 += if out.rng().chance(0.15) { out.rng().range(2, 4) as u64 } else { 1 };
        self.0
    }
}

/// Sends `{"type": kind, "sequence_number": n, ..fields}`.
async fn send(out: &mut SseWriter, seq: &mut Seq, kind: &str, fields: Value) -> Result<(), Gone> {
    let mut event = json!({"type": kind, "sequence_number": seq.next(out)});
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
    send(
        out,
        seq,
        "response.in_progress",
        json!({"response": c.response("in_progress"), "mock_extra": {"ignore": "me"}}),
    )
    .await?;
    if c.scenario == Scenario::Failed {
        send(out, seq, "response.failed", json!({"response": c.response("failed")})).await?;
        return Ok(End::Finish);
    }
    let sr = json!({"type": "search_results", "id": c.results_id, "status": "in_progress", "results": []});
    send(out, seq, "response.output_item.added", json!({"output_index": 0, "item": sr})).await?;
    let thought = if thoughts.is_empty() { CITED_THOUGHT } else { "Let me think about which figure is current." };
    let queries = json!({"item_id": c.results_id, "output_index": 0, "queries": c.fixture.queries, "thought": thought});
    send(out, seq, "response.reasoning.search_queries", queries).await?;
    for t in thoughts {
        // *unconfirmed*: Perplexity has not documented how reasoning text streams; this mirrors
        // the OpenAI Responses `response.reasoning_text.delta` event.
        let ev = json!({"item_id": c.reasoning_id, "output_index": 0, "content_index": 0, "delta": t});
        send(out, seq, "response.reasoning_text.delta", ev).await?;
        out.delay(delay).await?;
    }
    out.delay(60.0).await?; // "searching"
    send(out, seq, "response.reasoning.search_results", json!({"item_id": c.results_id, "results": c.results()}))
        .await?;
    let sr_done = json!({"type": "search_results", "id": c.results_id, "status": "completed", "results": c.results()});
    send(out, seq, "response.output_item.done", json!({"output_index": 0, "item": sr_done})).await?;
    send(out, seq, "response.output_item.added", json!({"output_index": 1, "item": c.message("in_progress")})).await?;
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
                out.raw(format!("data: {{\"type\":\"response.output_text.delta\",\"delta\":{eol}{eol}").as_bytes())
                    .await?;
            }
            Some(Disruption::Garbage) => {
                out.raw(&[GARBAGE, out.eol().as_bytes(), out.eol().as_bytes()].concat()).await?
            }
            None => {}
        }
        let mut ev = json!({"item_id": c.msg_id, "output_index": 1, "content_index": 0, "delta": d,
                            "logprobs": null, "obfuscation": out.rng().hex(6)});
        if c.scenario == Scenario::Timestamps {
            let at = Duration::from_secs_f64(i as f64 * delay * out.speed() / 1000.0);
            out.wait_until(start + at).await?;
            ev["mock_sent_at_ms"] = json!(now_ms());
        }
        send(out, seq, "response.output_text.delta", ev).await?;
        if c.scenario == Scenario::Timestamps {
            record(now_ms());
        }
        if c.scenario != Scenario::Timestamps {
            out.delay(delay).await?;
        }
    }
    let done = json!({"item_id": c.msg_id, "output_index": 1, "content_index": 0, "text": c.fixture.text});
    send(out, seq, "response.output_text.done", done).await?;
    send(out, seq, "response.output_item.done", json!({"output_index": 1, "item": c.message("completed")})).await?;
    let status = c.final_status();
    send(out, seq, &format!("response.{status}"), json!({"response": c.response(status)})).await?;
    Ok(End::Finish)
}
