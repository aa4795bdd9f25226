//! Sonar chat completions, `POST /chat/completions` (DESIGN §3.2): message validation,
//! `chat.completion.chunk` streams and the non-streamed `chat.completion`.
//!
//! Streams follow the recordings (`sonar_citations_stream.sse`): CRLF, no `event:` lines,
//! `citations` and `search_results` on every chunk, running token counts with
//! `search_context_size` and a zero `cost` (no `request_cost`) until the `chat.completion.done`
//! object, which has it; each choice carries the accumulated `message` beside its `delta`.
//! Departures, for robustness, only in a seeded minority of responses: odd framing (see
//! `sse.rs`) and the first chunk or two without citations; `[DONE]` at the end of a few.
//! Long answers (over [`MESSAGE_LIMIT`] characters: `huge`, `timestamps`) leave the accumulated
//! `message` out of the chunks before the last, which would otherwise weigh hundreds of MB.
//!
//! One piece (just over 400 lines with its tests): validation and both answer shapes of one
//! endpoint, checked against one recording.

use std::time::Duration;

use serde_json::{json, Value};

use crate::agent::content_text;
use crate::fixtures::{Fixture, DEFAULT_THINK};
use crate::http::{Conn, Gone, Response};
use crate::rng::{now_ms, now_secs};
use crate::scenarios::{Answer, Disruption, Scenario, GARBAGE};
use crate::sse::{End, SseWriter, Style};

#[derive(Debug, PartialEq)]
pub(crate) struct SonarRequest {
    pub model: String,
    pub stream: bool,
    /// `return_images`: answer with the fixture's `images`.
    pub images: bool,
    /// `return_related_questions`: answer with the fixture's `related_questions`.
    pub related: bool,
    /// Asked like an OpenAI client (`stream_options`): usage comes without Perplexity's `cost`,
    /// as from any OpenAI-compatible server.
    pub openai: bool,
}

/// A rejected request: the error `type` and its message.
#[derive(Debug, PartialEq)]
pub(crate) struct Invalid {
    pub kind: &'static str,
    pub message: String,
}

fn invalid(kind: &'static str, message: impl Into<String>) -> Invalid {
    Invalid { kind, message: message.into() }
}

/// Validates a request. Unknown fields are tolerated, as Sonar does.
pub(crate) fn validate(body: &Value) -> Result<SonarRequest, Invalid> {
    let req = |m: &str| invalid("invalid_request_error", m);
    let obj = body.as_object().ok_or_else(|| req("Request body must be a JSON object"))?;
    let model = obj.get("model").and_then(Value::as_str).filter(|m| !m.is_empty());
    let model = model.ok_or_else(|| req("'model' is required"))?.to_string();
    let messages = obj.get("messages").and_then(Value::as_array).filter(|m| !m.is_empty());
    let messages = messages.ok_or_else(|| req("'messages' must be a non-empty array"))?;
    let mut roles = Vec::with_capacity(messages.len());
    for (i, m) in messages.iter().enumerate() {
        let role = m.get("role").and_then(Value::as_str);
        let role = role.ok_or_else(|| invalid("invalid_message", format!("messages[{i}]: 'role' is required")))?;
        if content_text(m.get("content")).is_none() {
            return Err(invalid("invalid_message", format!("messages[{i}]: 'content' must be a string or text parts")));
        }
        roles.push(role);
    }
    check_roles(&roles)?;
    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(v) => v.as_bool().ok_or_else(|| req("'stream' must be a boolean"))?,
    };
    if obj.get("max_tokens").is_some_and(|v| !v.is_null() && v.as_u64().map_or(true, |n| n == 0)) {
        return Err(req("'max_tokens' must be a positive integer"));
    }
    let flag = |key: &str| obj.get(key).and_then(Value::as_bool).unwrap_or(false);
    Ok(SonarRequest {
        model,
        stream,
        images: flag("return_images"),
        related: flag("return_related_questions"),
        openai: obj.contains_key("stream_options"),
    })
}

/// Optional system message first, then user/assistant strictly alternating, ending with user.
pub(crate) fn check_roles(roles: &[&str]) -> Result<(), Invalid> {
    let rest = match roles.first() {
        Some(&"system") => &roles[1..],
        _ => roles,
    };
    for (i, role) in rest.iter().enumerate() {
        let expected = if i % 2 == 0 { "user" } else { "assistant" };
        if *role != expected {
            return Err(invalid(
                "invalid_message",
                "After the (optional) system message(s), user and assistant roles should be alternating.",
            ));
        }
    }
    if rest.last() != Some(&"user") {
        return Err(invalid("invalid_message", "Last message must have role `user`."));
    }
    Ok(())
}

/// The last user message's text, where `#mock:` tokens are looked for.
pub(crate) fn last_user_text(body: &Value) -> Option<String> {
    let messages = body.get("messages")?.as_array()?;
    let last = messages.iter().rev().find(|m| m.get("role").and_then(Value::as_str) == Some("user"))?;
    content_text(last.get("content"))
}

/// Up to this many characters of content, every chunk carries the accumulated `message`.
const MESSAGE_LIMIT: usize = 8_000;
/// How often a Sonar stream is framed oddly (see `sse.rs`) instead of as recorded.
const ODD_CHANCE: f64 = 0.2;
/// How often a stream ends with `data: [DONE]` (the recordings have none).
const DONE_CHANCE: f64 = 0.15;

/// Fixed values shared by every chunk of one response.
struct Ctx {
    fixture: Fixture,
    scenario: Scenario,
    model: String,
    id: String,
    created: u64,
    /// The full `content`: the answer, behind a `<think>` block for reasoning answers.
    content: String,
    /// `images` and `related_questions`, when the request asked for them.
    images: Option<Value>,
    related: Option<Value>,
    /// No `cost` in usage (an OpenAI-style client asked).
    plain: bool,
}

impl Ctx {
    fn new(a: &mut Answer) -> Self {
        let f = &a.fixture;
        let think =
            a.scenario != Scenario::Timestamps && (a.scenario == Scenario::Reasoning || a.model.contains("reasoning"));
        let content = if think {
            format!("<think>\n{}\n</think>\n\n{}", f.reasoning.as_deref().unwrap_or(DEFAULT_THINK), f.text)
        } else {
            f.text.clone()
        };
        let images = a.images.then(|| {
            Value::Array(
                f.images
                    .iter()
                    .map(|i| {
                        json!({"image_url": a.absolute(&i.url), "origin_url": i.origin_url,
                               "width": i.width, "height": i.height})
                    })
                    .collect(),
            )
        });
        let related = a.related.then(|| json!(f.related));
        Ctx {
            images,
            related,
            plain: a.openai,
            fixture: f.clone(),
            scenario: a.scenario,
            model: a.model.clone(),
            id: [8, 4, 4, 4, 12].map(|n| a.rng.hex(n)).join("-"),
            created: now_secs(),
            content,
        }
    }

    /// Cuts that split both `<think>` tags across chunks.
    fn forced_cuts(&self) -> Vec<usize> {
        match self.content.find("</think>") {
            Some(close) if self.content.starts_with("<think>") => vec![4, close + 4],
            _ => Vec::new(),
        }
    }

    fn citations(&self) -> Value {
        json!(self.fixture.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>())
    }

    /// As recorded: `date` only when known, `last_updated` always.
    fn search_results(&self) -> Value {
        Value::Array(
            self.fixture
                .sources
                .iter()
                .map(|s| {
                    let mut r = json!({"title": s.title, "url": s.url, "last_updated": crate::fixtures::last_updated(s),
                                       "snippet": s.snippet, "source": "web"});
                    if let Some(date) = &s.date {
                        r["date"] = json!(date);
                    }
                    r
                })
                .collect(),
        )
    }

    /// Cumulative usage after `completion_tokens`. The cost is zero (and has no `request_cost`)
    /// until the last chunk; an OpenAI-style request gets no cost at all.
    fn usage(&self, completion_tokens: u64, last: bool) -> Value {
        let prompt = self.fixture.usage.input_tokens;
        let mut usage = json!({"prompt_tokens": prompt, "completion_tokens": completion_tokens,
                               "total_tokens": prompt + completion_tokens, "search_context_size": "low"});
        if self.plain {
            return usage;
        }
        usage["cost"] = if last {
            let c = self.fixture.sonar_cost();
            json!({"input_tokens_cost": c.input, "output_tokens_cost": c.output,
                   "request_cost": c.request, "total_cost": c.total})
        } else {
            json!({"input_tokens_cost": 0, "output_tokens_cost": 0, "total_cost": 0})
        };
        usage
    }

    fn finish_reason(&self) -> &'static str {
        if self.scenario == Scenario::Incomplete {
            "length"
        } else {
            "stop"
        }
    }

    fn error(&self) -> Value {
        json!({"message": "The model failed to generate a response.", "type": "server_error", "code": 500})
    }

    fn completion(&self) -> Value {
        if self.scenario == Scenario::Failed {
            return json!({"id": self.id, "model": self.model, "created": self.created,
                          "object": "chat.completion", "choices": [], "error": self.error()});
        }
        let mut completion = json!({
            "id": self.id, "model": self.model, "created": self.created, "object": "chat.completion",
            "usage": self.usage(self.fixture.usage.output_tokens, true),
            "citations": self.citations(), "search_results": self.search_results(),
            "choices": [{"index": 0, "finish_reason": self.finish_reason(),
                         "message": {"role": "assistant", "content": self.content}}],
        });
        self.add_extras(&mut completion);
        completion
    }

    /// `images` and `related_questions` where the request asked for them.
    fn add_extras(&self, value: &mut Value) {
        if let Some(images) = &self.images {
            value["images"] = images.clone();
        }
        if let Some(related) = &self.related {
            value["related_questions"] = related.clone();
        }
    }

    /// One chunk; once `sources` are on, it repeats citations, search results and (when asked
    /// for) images and related questions, as Sonar does. `sofar` is the content up to and
    /// including `delta`, sent as the choice's `message` when there is one.
    fn chunk(&self, delta: &str, sofar: Option<&str>, sources: bool, usage: Value) -> Value {
        let mut choice = json!({"index": 0, "delta": {"role": "assistant", "content": delta}});
        if let Some(sofar) = sofar {
            choice["message"] = json!({"role": "assistant", "content": sofar});
        }
        let mut chunk = json!({
            "id": self.id, "model": self.model, "created": self.created, "object": "chat.completion.chunk",
            "usage": usage,
            "citations": if sources { self.citations() } else { json!([]) },
            "search_results": if sources { self.search_results() } else { json!([]) },
            "choices": [choice],
        });
        if sources {
            self.add_extras(&mut chunk);
        }
        chunk
    }
}

/// Answers a valid request without streaming.
pub(crate) async fn respond_json(conn: Conn, mut a: Answer) {
    let ctx = Ctx::new(&mut a);
    let resp = Response::new(200, "application/json", ctx.completion().to_string());
    a.respond_whole(conn, resp, &ctx.content).await;
}

/// Streams `chat.completion.chunk`s; returns quietly when the client hangs up.
pub(crate) async fn respond_stream(conn: Conn, mut a: Answer) {
    let ctx = Ctx::new(&mut a);
    let deltas = a.deltas(&ctx.content, &ctx.forced_cuts());
    let empty_first = a.rng.range(1, 2);
    let send_done = a.rng.chance(DONE_CHANCE);
    let Ok(body) = conn.start_chunked("text/event-stream; charset=utf-8").await else { return };
    let style =
        Style { event_lines: false, crlf: true, odd_chance: ODD_CHANCE, pacing: a.scenario.pacing(), speed: a.speed };
    let mut out = SseWriter::new(body, a.rng, style);
    // Only an odd response starts with a chunk or two without citations.
    let empty_first = if out.odd() { empty_first } else { 0 };
    let end = emit(&mut out, &ctx, &deltas, empty_first, send_done).await;
    out.conclude(end).await;
}

/// The chunk sequence for one scenario.
async fn emit(
    out: &mut SseWriter,
    c: &Ctx,
    deltas: &[String],
    empty_first: usize,
    send_done: bool,
) -> Result<End, Gone> {
    let kind = "chat.completion.chunk";
    if c.scenario == Scenario::Failed {
        out.event(kind, &c.chunk("", Some(""), false, c.usage(0, false))).await?;
        let mut err = json!({"id": c.id, "model": c.model, "created": c.created, "object": kind, "choices": []});
        err["error"] = c.error();
        out.event(kind, &err).await?;
        return Ok(End::Finish);
    }
    let delay = c.scenario.delta_delay_ms();
    let final_tokens = c.fixture.usage.output_tokens;
    let start = tokio::time::Instant::now();
    let mut sent_chars = 0u64;
    let accumulate = c.content.chars().count() <= MESSAGE_LIMIT;
    let mut sofar = String::new();
    for (i, d) in deltas.iter().enumerate() {
        match c.scenario.disruption(i, deltas.len()) {
            Some(Disruption::Drop) => return Ok(End::Abort),
            Some(Disruption::BrokenFrame) => {
                let eol = out.eol();
                let broken = format!("data: {{\"id\":\"{}\",\"choices\":[{{\"delta\":{{\"content\":{eol}{eol}", c.id);
                out.raw(broken.as_bytes()).await?;
            }
            Some(Disruption::Garbage) => {
                out.raw(&[GARBAGE, out.eol().as_bytes(), out.eol().as_bytes()].concat()).await?
            }
            None => {}
        }
        sent_chars += d.chars().count() as u64;
        let tokens = if c.scenario == Scenario::Timestamps { i as u64 + 1 } else { sent_chars.div_ceil(4) };
        if accumulate {
            sofar.push_str(d);
        }
        let message = accumulate.then_some(sofar.as_str());
        let mut chunk = c.chunk(d, message, i >= empty_first, c.usage(tokens.min(final_tokens), false));
        if c.scenario == Scenario::Timestamps {
            let at = Duration::from_secs_f64(i as f64 * delay * out.speed() / 1000.0);
            out.wait_until(start + at).await?;
            chunk["mock_sent_at_ms"] = json!(now_ms());
        }
        out.event(kind, &chunk).await?;
        if c.scenario != Scenario::Timestamps {
            out.delay(delay).await?;
        }
    }
    let mut done = c.chunk("", Some(&c.content), true, c.usage(final_tokens, true));
    done["object"] = json!("chat.completion.done");
    done["choices"][0]["finish_reason"] = json!(c.finish_reason());
    out.event("chat.completion.done", &done).await?;
    if send_done {
        out.data_line("[DONE]").await?;
    }
    Ok(End::Finish)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_alternation() {
        assert!(check_roles(&["user"]).is_ok());
        assert!(check_roles(&["system", "user"]).is_ok());
        assert!(check_roles(&["system", "user", "assistant", "user"]).is_ok());
        assert!(check_roles(&["user", "assistant", "user", "assistant", "user"]).is_ok());
        for bad in [
            &["user", "user"][..],
            &["assistant", "user"],
            &["system", "system", "user"],
            &["user", "system", "user"],
            &["user", "assistant"],
            &["system"],
            &["user", "assistant", "assistant", "user"],
            &["user", "tool", "user"],
        ] {
            assert!(check_roles(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn validation_reports_invalid_message() {
        let body =
            json!({"model": "sonar", "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]});
        assert_eq!(validate(&body).unwrap_err().kind, "invalid_message");
        let body = json!({"model": "sonar", "messages": []});
        assert_eq!(validate(&body).unwrap_err().kind, "invalid_request_error");
        let body = json!({"model": "sonar-pro", "stream": true, "temperature": 0.2, "web_search_options": {},
                          "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}]});
        assert_eq!(
            validate(&body),
            Ok(SonarRequest { model: "sonar-pro".into(), stream: true, images: false, related: false, openai: false })
        );
        let body = json!({"model": "sonar", "return_images": true, "return_related_questions": true,
                          "messages": [{"role": "user", "content": "q"}]});
        let r = validate(&body).unwrap();
        assert!(r.images && r.related);
    }

    #[test]
    fn think_tags_are_cut_across_chunks() {
        let mut a = Answer::new(Scenario::Reasoning, "sonar".into(), crate::rng::Rng::new(3), 0.0);
        let ctx = Ctx::new(&mut a);
        let deltas = a.deltas(&ctx.content, &ctx.forced_cuts());
        assert_eq!(deltas.concat(), ctx.content);
        assert!(!deltas.iter().any(|d| d.contains("<think>") || d.contains("</think>")));
        assert!(ctx.content.ends_with(&a.fixture.text));
    }
}
