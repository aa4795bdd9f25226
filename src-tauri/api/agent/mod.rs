//! The Agent API wire format (`POST /v1/agent`, Responses-style SSE): the request body
//! ([`request`]) and the mapping of its events onto [`StreamEvent`]s.
//!
//! Parsing is deliberately lenient: events are dispatched on the JSON `type` (an `event:` line may
//! or may not be present), unknown types and fields are ignored, and `null` is as good as absent.
//! The sets of event and item types are open (DESIGN §3.1): the server's own tool calls
//! (`function_call` items named `search_web`), `response.reasoning.started/stopped`,
//! `response.skill.loaded` and result items of other tools pass by without effect.

mod request;

use serde_json::Value;

pub use request::{AgentRequest, PATH};

use super::error::Error;
use super::types::{ChatRequest, Cost, Finish, Source, StreamEvent, Usage};
use super::wire::{error_from_body, read_data, str_at, string_list, Data, WireFormat};

/// Turns Agent API SSE payloads into events; one per request.
#[derive(Debug, Default)]
pub struct AgentMapper {
    /// Bytes of answer text already emitted, to tell whether `output_text.done` adds anything.
    emitted_text: usize,
    /// The output item's sources are final; interim search results may be replaced by them.
    sources_sent: bool,
    /// What the UI last got, so an identical list is not sent twice.
    last_sources: Vec<Source>,
    /// The server's id for this answer (`resp_…`), from the first event that names it.
    response_id: Option<String>,
    /// The last `sequence_number` read: a resumed stream starts after it, and an event at or
    /// before it (sent again by a resumed stream) is skipped.
    last_sequence: Option<u64>,
}

impl WireFormat for AgentMapper {
    fn body(&self, request: &ChatRequest) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&AgentRequest::new(request))
    }

    fn background_body(&self, request: &ChatRequest) -> Option<serde_json::Result<Vec<u8>>> {
        Some(serde_json::to_vec(&AgentRequest::background(request)))
    }

    fn resume_point(&self) -> Option<(&str, Option<u64>)> {
        self.response_id.as_deref().map(|id| (id, self.last_sequence))
    }

    /// True once any part of the answer text has been emitted.
    fn has_text(&self) -> bool {
        self.emitted_text > 0
    }

    /// The body ended without a terminal event: the Agent API always sends one, so the answer
    /// was cut off.
    fn on_end(&mut self, _out: &mut Vec<StreamEvent>) -> Result<Finish, Error> {
        if self.has_text() {
            Err(Error::Interrupted { message: "the server closed the connection early".into() })
        } else {
            Err(Error::Protocol { message: "the stream ended before any answer arrived".into(), body: String::new() })
        }
    }

    /// Maps one SSE `data` payload. Returns `Some` when the event ends the answer.
    fn on_data(&mut self, data: &str, out: &mut Vec<StreamEvent>) -> Option<Result<Finish, Error>> {
        let value = match read_data(data, "agent") {
            Data::Event(value) => value,
            Data::Done => return Some(self.on_end(out)),
            Data::Unreadable => return None,
        };
        if let Some(seq) = value.get("sequence_number").and_then(Value::as_u64) {
            if self.last_sequence.is_some_and(|last| seq <= last) {
                // Already read before the stream was resumed.
                return None;
            }
            self.last_sequence = Some(seq);
        }
        if self.response_id.is_none() {
            if let Some(id) = str_at(&value, "/response/id").filter(|id| !id.is_empty()) {
                self.response_id = Some(id.to_owned());
            }
        }
        let kind = value.get("type").and_then(Value::as_str).unwrap_or_default();
        if let Some(failure) = failed_response(&value) {
            return Some(Err(failure));
        }
        match kind {
            "response.output_text.delta" => {
                if let Some(delta) = str_at(&value, "/delta").filter(|d| !d.is_empty()) {
                    self.emitted_text += delta.len();
                    out.push(StreamEvent::Delta { text: delta.to_owned() });
                }
            }
            "response.output_text.done" => {
                // Some servers send only the final text; never duplicate what deltas delivered.
                if let Some(text) = str_at(&value, "/text") {
                    if self.emitted_text == 0 && !text.is_empty() {
                        self.emitted_text = text.len();
                        out.push(StreamEvent::Delta { text: text.to_owned() });
                    }
                }
            }
            "response.reasoning.fetch_url_queries" => {
                let urls = string_list(value.get("urls").or_else(|| value.get("queries")));
                if !urls.is_empty() {
                    out.push(StreamEvent::Reading { urls });
                }
            }
            "response.reasoning.search_queries" => {
                if let Some(thought) = str_at(&value, "/thought").filter(|t| is_thought(t)) {
                    out.push(StreamEvent::Reasoning { text: format!("{}\n", thought.trim_end()) });
                }
                let queries = string_list(value.get("queries"));
                if !queries.is_empty() {
                    out.push(StreamEvent::Searching { queries });
                }
            }
            // Reasoning text deltas: the exact type name is unconfirmed, so accept the known spellings.
            "response.reasoning_text.delta" | "response.reasoning.delta" | "response.reasoning_summary_text.delta" => {
                if let Some(delta) = str_at(&value, "/delta").filter(|d| !d.is_empty()) {
                    out.push(StreamEvent::Reasoning { text: delta.to_owned() });
                }
            }
            // Interim results; the `search_results` output item below is authoritative.
            "response.reasoning.search_results" if !self.sources_sent => {
                self.push_sources(value.get("results"), out);
            }
            "response.output_item.done" | "response.output_item.added" => {
                let item = value.get("item");
                let is_results = item.and_then(|i| i.get("type")).and_then(Value::as_str) == Some("search_results");
                if is_results && self.push_sources(item.and_then(|i| i.get("results")), out) {
                    self.sources_sent = true;
                }
            }
            "response.completed" => return Some(self.finish(&value, Finish::Stop, out)),
            "response.incomplete" => return Some(self.finish(&value, Finish::Length, out)),
            "response.cancelled" => return Some(Err(cancelled_on_server())),
            "response.failed" | "error" => return Some(Err(error_from_body(&value))),
            // The documented error body (`{"error": {...}}`), its kind given only by an `event:` line.
            "" if value.get("error").is_some_and(|e| !e.is_null()) => return Some(Err(error_from_body(&value))),
            _ => {}
        }
        None
    }

    /// A whole response object: an answer when it has `output` or a `status`.
    fn on_response(&mut self, body: &Value, out: &mut Vec<StreamEvent>) -> Option<Result<Finish, Error>> {
        (body.get("output").is_some() || body.get("status").is_some()).then(|| self.read_response(body, out))
    }
}

impl AgentMapper {
    fn push_sources(&mut self, results: Option<&Value>, out: &mut Vec<StreamEvent>) -> bool {
        let sources = parse_results(results);
        if sources.is_empty() {
            return false;
        }
        if sources != self.last_sources {
            self.last_sources = sources.clone();
            out.push(StreamEvent::Sources { sources });
        }
        true
    }

    fn finish(&mut self, value: &Value, finish: Finish, out: &mut Vec<StreamEvent>) -> Result<Finish, Error> {
        let response = value.get("response").unwrap_or(&Value::Null);
        if !self.sources_sent {
            // Some answers carry their sources only in the final output list.
            if let Some(items) = response.get("output").and_then(Value::as_array) {
                for item in items {
                    if item.get("type").and_then(Value::as_str) == Some("search_results")
                        && self.push_sources(item.get("results"), out)
                    {
                        self.sources_sent = true;
                    }
                }
            }
        }
        if self.emitted_text == 0 {
            // No deltas and no `output_text.done`: the text may exist only in the final output.
            let text = final_output_text(response);
            if !text.is_empty() {
                self.emitted_text = text.len();
                out.push(StreamEvent::Delta { text });
            }
        }
        if let Some(mut usage) = response.get("usage").and_then(parse_usage) {
            // The resolved model: a preset's name in `response.created`, the model it chose here.
            usage.model = str_at(response, "/model").filter(|m| !m.is_empty()).map(str::to_owned);
            out.push(StreamEvent::Usage(Box::new(usage)));
        }
        Ok(finish)
    }

    /// A whole response object (a non-streamed answer, or the body of a poll): the same events a
    /// stream of it would have ended with, by its `status`.
    pub fn read_response(&mut self, response: &Value, out: &mut Vec<StreamEvent>) -> Result<Finish, Error> {
        if response.get("error").is_some_and(|e| !e.is_null()) && str_at(response, "/status").is_none() {
            return Err(error_from_body(response));
        }
        let wrapped = serde_json::json!({ "response": response });
        match str_at(response, "/status") {
            Some("completed") | None => self.finish(&wrapped, Finish::Stop, out),
            Some("incomplete") => self.finish(&wrapped, Finish::Length, out),
            Some("cancelled") => Err(cancelled_on_server()),
            Some("failed") => Err(error_from_body(&wrapped)),
            Some(other) => {
                Err(Error::Protocol { message: format!("the answer is still “{other}”"), body: String::new() })
            }
        }
    }
}

/// A search's `thought` worth showing as reasoning: not empty, and not the generic progress line
/// the recordings carry ("Searching the web..."), which the live "Searching" line already says.
fn is_thought(thought: &str) -> bool {
    let bare = thought.trim().trim_end_matches(['.', '…']).trim_end();
    !bare.is_empty() && !bare.eq_ignore_ascii_case("searching the web")
}

fn cancelled_on_server() -> Error {
    Error::Failed { message: "the answer was cancelled on Perplexity’s side before it was finished".into() }
}

/// The concatenated `output_text` parts of the message items in a final response.
fn final_output_text(response: &Value) -> String {
    let Some(items) = response.get("output").and_then(Value::as_array) else { return String::new() };
    items
        .iter()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("message"))
        .filter_map(|item| item.get("content").and_then(Value::as_array))
        .flatten()
        .filter(|part| part.get("type").and_then(Value::as_str) == Some("output_text"))
        .filter_map(|part| str_at(part, "/text"))
        .collect()
}

/// An event whose embedded response says `status: failed` ends the answer, whatever its type.
fn failed_response(value: &Value) -> Option<Error> {
    let status = str_at(value, "/response/status").or_else(|| str_at(value, "/status"))?;
    (status == "failed").then(|| error_from_body(value))
}

fn parse_results(results: Option<&Value>) -> Vec<Source> {
    let Some(list) = results.and_then(Value::as_array) else { return Vec::new() };
    list.iter()
        .enumerate()
        .filter_map(|(pos, r)| {
            let url = str_at(r, "/url")?.to_owned();
            // `[n]` refers to the result whose id is n; fall back to position when ids are missing.
            let index =
                r.get("id").and_then(Value::as_u64).and_then(|id| u32::try_from(id).ok()).unwrap_or(pos as u32 + 1);
            let title = str_at(r, "/title").unwrap_or_default().to_owned();
            let snippet = str_at(r, "/snippet").unwrap_or_default().to_owned();
            let date = str_at(r, "/date").or_else(|| str_at(r, "/last_updated")).map(str::to_owned);
            Some(Source::new(index, url, title, snippet, date))
        })
        .collect()
}

fn parse_usage(usage: &Value) -> Option<Usage> {
    if !usage.is_object() {
        return None;
    }
    let num = |p: &str| usage.pointer(p).and_then(Value::as_u64);
    let float = |p: &str| usage.pointer(p).and_then(Value::as_f64);
    let input_tokens = num("/input_tokens").unwrap_or(0);
    let output_tokens = num("/output_tokens").unwrap_or(0);
    let cost = float("/cost/total_cost").map(|total| Cost {
        total,
        currency: str_at(usage, "/cost/currency").unwrap_or("USD").to_owned(),
        input_cost: float("/cost/input_cost"),
        output_cost: float("/cost/output_cost"),
        request_cost: float("/cost/tool_calls_cost"),
        cache_read_cost: float("/cost/cache_read_cost"),
        cache_creation_cost: float("/cost/cache_creation_cost"),
        computed: false,
    });
    let details = |field: &str| num(&format!("/input_tokens_details/{field}"));
    Some(Usage {
        input_tokens,
        output_tokens,
        total_tokens: num("/total_tokens").unwrap_or(input_tokens + output_tokens),
        reasoning_tokens: num("/output_tokens_details/reasoning_tokens"),
        citation_tokens: None,
        searches: num("/tool_calls_details/search_web/invocation"),
        cache_read_tokens: details("cache_read_input_tokens").or_else(|| details("cached_tokens")),
        cache_creation_tokens: details("cache_creation_input_tokens"),
        model: None,
        search_context_size: None,
        cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(events: &[Value]) -> (Vec<StreamEvent>, Option<Result<Finish, Error>>) {
        let mut mapper = AgentMapper::default();
        let mut out = Vec::new();
        for ev in events {
            if let Some(end) = mapper.on_data(&ev.to_string(), &mut out) {
                return (out, Some(end));
            }
        }
        (out, None)
    }

    #[test]
    fn maps_a_cited_answer() {
        let (out, end) = run(&[
            json!({"type": "response.created", "response": {"status": "in_progress", "usage": null}}),
            json!({"type": "response.reasoning.search_queries", "queries": ["everest height"], "thought": null}),
            json!({"type": "response.output_item.done", "item": {"type": "search_results", "results": [
                {"id": 1, "url": "https://en.wikipedia.org/wiki/Mount_Everest", "title": "Mount Everest", "snippet": "s", "date": null, "last_updated": "2026-01-02", "source": "web"}]}}),
            json!({"type": "response.output_text.delta", "delta": "8,849 m [", "sequence_number": 7}),
            json!({"type": "response.output_text.delta", "delta": "1]", "sequence_number": 12, "extra": {"x": 1}}),
            json!({"type": "response.output_text.done", "text": "8,849 m [1]"}),
            json!({"type": "response.completed", "response": {"status": "completed", "usage": {
                "input_tokens": 10, "output_tokens": 5, "total_tokens": 15,
                "cost": {"currency": "USD", "input_cost": 0.0000025, "output_cost": 0.0000125, "tool_calls_cost": 0.005, "total_cost": 0.005015},
                "tool_calls_details": {"search_web": {"invocation": 1, "cost_usd": 0.005}}}}}),
        ]);
        assert_eq!(end.unwrap().unwrap(), Finish::Stop);
        assert_eq!(out[0], StreamEvent::Searching { queries: vec!["everest height".into()] });
        let StreamEvent::Sources { sources } = &out[1] else { panic!("{out:?}") };
        assert_eq!(sources[0].index, 1);
        assert_eq!(sources[0].date.as_deref(), Some("2026-01-02"));
        let text: String = out
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Delta { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(text, "8,849 m [1]");
        let StreamEvent::Usage(usage) = out.last().unwrap() else { panic!() };
        assert_eq!(usage.searches, Some(1));
        assert_eq!(usage.cost.as_ref().unwrap().total, 0.005015);
        assert!(!usage.cost.as_ref().unwrap().computed);
    }

    #[test]
    fn text_only_in_the_final_response_is_not_lost() {
        let (out, end) = run(&[json!({"type": "response.completed", "response": {"status": "completed", "output": [
            {"type": "message", "role": "assistant", "content": [
                {"type": "output_text", "text": "Only here [1].", "annotations": []}]}]}})]);
        assert_eq!(end.unwrap().unwrap(), Finish::Stop);
        assert_eq!(out, vec![StreamEvent::Delta { text: "Only here [1].".into() }]);
    }

    #[test]
    fn a_resumed_stream_adds_only_what_was_not_read() {
        let mut mapper = AgentMapper::default();
        let mut out = Vec::new();
        let created = json!({"type": "response.created", "sequence_number": 0,
                             "response": {"id": "resp_1", "status": "in_progress"}});
        let delta =
            |seq: u64, text: &str| json!({"type": "response.output_text.delta", "sequence_number": seq, "delta": text});
        for ev in [created.clone(), delta(3, "one "), delta(5, "two ")] {
            assert!(mapper.on_data(&ev.to_string(), &mut out).is_none());
        }
        assert_eq!(mapper.resume_point(), Some(("resp_1", Some(5))));
        // The resumed stream repeats the last event, then goes on.
        for ev in [delta(5, "two "), delta(8, "three")] {
            assert!(mapper.on_data(&ev.to_string(), &mut out).is_none());
        }
        let text: String = out
            .iter()
            .filter_map(|e| if let StreamEvent::Delta { text } = e { Some(text.as_str()) } else { None })
            .collect();
        assert_eq!(text, "one two three");
        assert_eq!(mapper.resume_point(), Some(("resp_1", Some(8))));
    }

    #[test]
    fn done_text_is_used_only_when_no_deltas_came() {
        let (out, _) = run(&[json!({"type": "response.output_text.done", "text": "whole"})]);
        assert_eq!(out, vec![StreamEvent::Delta { text: "whole".into() }]);
    }

    #[test]
    fn http_200_with_failed_status_is_an_error() {
        let (_, end) = run(&[json!({"type": "response.failed", "response": {"status": "failed",
            "error": {"code": "server_error", "message": "The model failed to generate a response."}}})]);
        let err = end.unwrap().unwrap_err();
        assert_eq!(err.kind(), "server");
        assert!(err.to_string().contains("The model failed"));
    }

    #[test]
    fn incomplete_means_length() {
        let (_, end) = run(&[json!({"type": "response.incomplete", "response": {"status": "incomplete",
            "incomplete_details": {"reason": "max_output_tokens"}}})]);
        assert_eq!(end.unwrap().unwrap(), Finish::Length);
    }

    #[test]
    fn garbage_and_unknown_events_are_skipped() {
        let mut mapper = AgentMapper::default();
        let mut out = Vec::new();
        assert!(mapper.on_data("{\"type\":\"response.output_text.delta\",\"delta\":", &mut out).is_none());
        assert!(mapper.on_data("{\"type\":\"response.brand_new\"}", &mut out).is_none());
        assert!(mapper.on_data("[]", &mut out).is_none());
        assert!(out.is_empty());
    }
}
