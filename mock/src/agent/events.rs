//! The Agent API's event sequence for one answer, planned ahead as data: every event (with its
//! `sequence_number`), the scenario's pauses between them and its disruptions. A live stream
//! plays the plan onto the wire (`response.rs`); a stored run (`runs.rs`) keeps the same
//! events on a timeline, so a resumed or followed stream carries exactly what the live one would.

use serde_json::{json, Value};

use super::response::Ctx;
use crate::rng::Rng;
use crate::scenarios::{Disruption, Scenario};

/// The `thought` of a recorded `response.reasoning.search_queries`.
const SEARCHING: &str = "Searching the web...";
/// The `thought` the `reasoning` scenario searches with instead.
const REASONING_THOUGHT: &str = "Let me think about which figure is current.";

/// One step of an answer's stream.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// A whole event: `{"type", "sequence_number", ..}`.
    Event(Value),
    /// A scenario pause, in ms at speed 1.0.
    Delay(f64),
    /// Something the scenario does to the stream here (not an event: a stored run never has it).
    Disrupt(Disruption),
}

/// The event types that end a stream.
pub(crate) const TERMINAL: [&str; 5] =
    ["response.completed", "response.failed", "response.incomplete", "response.cancelled", "error"];

/// An event's `type`.
pub(crate) fn kind(event: &Value) -> &str {
    event["type"].as_str().unwrap_or("")
}

/// `sequence_number`s: from 0, increasing, with occasional gaps (the recordings skip a few).
pub(crate) struct Seq(pub(crate) u64);

impl Seq {
    fn next(&mut self, rng: &mut Rng) -> u64 {
        let n = self.0;
        self.0 += if rng.chance(0.1) { rng.range(2, 3) as u64 } else { 1 };
        n
    }
}

/// Collects the plan.
struct Plan<'a> {
    steps: Vec<Step>,
    seq: Seq,
    rng: &'a mut Rng,
}

impl Plan<'_> {
    /// `{"type": kind, "sequence_number": n, ..fields}`.
    fn send(&mut self, kind: &str, fields: Value) {
        let mut event = json!({"sequence_number": self.seq.next(self.rng), "type": kind});
        if let (Some(e), Value::Object(f)) = (event.as_object_mut(), fields) {
            e.extend(f);
        }
        self.steps.push(Step::Event(event));
    }

    fn delay(&mut self, ms: f64) {
        self.steps.push(Step::Delay(ms));
    }
}

/// The steps of one answer. `odd`: the stream is framed oddly, and its `response.in_progress`
/// carries an unknown field clients must ignore.
pub(crate) fn plan(c: &Ctx, rng: &mut Rng, odd: bool, deltas: &[String], thoughts: &[String]) -> Vec<Step> {
    let mut p = Plan { steps: Vec::new(), seq: Seq(0), rng };
    let delay = c.scenario.delta_delay_ms();
    let first = if c.background() { "queued" } else { "in_progress" };
    p.send("response.created", json!({"response": c.response(first)}));
    let mut in_progress = json!({"response": c.response("in_progress")});
    if odd {
        in_progress["mock_extra"] = json!({"ignore": "me"}); // clients must ignore unknown fields
    }
    p.send("response.in_progress", in_progress);
    if c.scenario == Scenario::Failed {
        p.send("response.failed", json!({"response": c.response("failed")}));
        return p.steps;
    }
    if c.search {
        p.send("response.output_item.added", json!({"item": c.function_call(), "output_index": 0}));
        let thought = if thoughts.is_empty() { SEARCHING } else { REASONING_THOUGHT };
        p.send(
            "response.reasoning.search_queries",
            json!({"call_id": c.call_id, "queries": c.fixture.queries, "thought": thought}),
        );
    }
    for t in thoughts {
        // *unconfirmed*: Perplexity has not documented how reasoning text streams; this mirrors
        // the OpenAI Responses `response.reasoning_text.delta` event.
        let ev =
            json!({"content_index": 0, "delta": t, "item_id": c.reasoning_id, "output_index": c.reasoning_index()});
        p.send("response.reasoning_text.delta", ev);
        p.delay(delay);
    }
    if c.search {
        p.delay(60.0); // "searching"
        let thought = format!("Found {} results", c.fixture.sources.len());
        p.send(
            "response.reasoning.search_results",
            json!({"call_id": c.call_id, "results": c.results(), "thought": thought}),
        );
        p.send("response.output_item.done", json!({"item": c.search_item(), "output_index": 0}));
    }
    let index = c.message_index();
    p.send("response.output_item.added", json!({"item": c.message(None), "output_index": index}));
    for (i, d) in deltas.iter().enumerate() {
        if let Some(disruption) = c.scenario.disruption(i, deltas.len()) {
            p.steps.push(Step::Disrupt(disruption));
        }
        p.send(
            "response.output_text.delta",
            json!({"content_index": 0, "delta": d, "item_id": c.msg_id, "output_index": index}),
        );
        // `timestamps` deltas are scheduled by the player, not slept.
        if c.scenario != Scenario::Timestamps {
            p.delay(delay);
        }
    }
    let status = c.final_status();
    p.send(
        "response.output_text.done",
        json!({"content_index": 0, "item_id": c.msg_id, "output_index": index, "text": c.fixture.text}),
    );
    p.send("response.output_item.done", json!({"item": c.message(Some(status)), "output_index": index}));
    p.send(&format!("response.{status}"), json!({"response": c.response(status)}));
    p.steps
}
