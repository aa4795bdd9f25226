//! The Agent API, `POST /v1/agent` and its alias `POST /v1/responses` (DESIGN §3.1): strict
//! request validation (unknown top-level fields are a 400, as on the real API, with its recorded
//! error bodies), preset resolution and finding the last user message. Answers: `agent/response.rs`
//! (their events planned in `agent/events.rs`); stored runs: `agent/runs.rs`, `agent/background.rs`.

mod background;
mod events;
mod response;
mod runs;

use serde_json::{Map, Value};

use crate::http::Response;

pub(crate) use background::{cancel, get, id_in, start as start_background, store_required};
pub(crate) use response::{respond_json, respond_stream};
pub(crate) use runs::Runs;

/// Every documented top-level request field.
const FIELDS: [&str; 18] = [
    "model",
    "preset",
    "models",
    "input",
    "instructions",
    "tools",
    "tool_choice",
    "max_tool_calls",
    "max_steps",
    "stream",
    "max_output_tokens",
    "reasoning",
    "response_format",
    "background",
    "store",
    "previous_response_id",
    "metadata",
    "language_preference",
];
/// Request fields the `response` object echoes back (the rest of it is fixed).
const ECHOED: [&str; 9] = [
    "background",
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "metadata",
    "previous_response_id",
    "reasoning",
    "store",
    "tool_choice",
];
const ROLES: [&str; 4] = ["user", "assistant", "system", "developer"];
const TOOLS: [&str; 7] = ["web_search", "fetch_url", "people_search", "finance_search", "sandbox", "mcp", "function"];
const EFFORTS: [&str; 5] = ["minimal", "low", "medium", "high", "xhigh"];

/// A preset's canonical name and the model it resolves to (as recorded: `fast` answered with
/// `openai/gpt-6-luna`). The old names are accepted for the first four.
fn preset(name: &str) -> Option<(&'static str, &'static str)> {
    const LUNA: &str = "openai/gpt-6-luna";
    const GPT: &str = "openai/gpt-5.4";
    Some(match name {
        "fast" | "fast-search" => ("fast", LUNA),
        "low" | "pro-search" => ("low", LUNA),
        "medium" | "deep-research" => ("medium", GPT),
        "high" | "advanced-deep-research" => ("high", GPT),
        "xhigh" => ("xhigh", GPT),
        _ => return None,
    })
}

/// What the mock needs from a valid Agent request.
#[derive(Debug, PartialEq)]
pub(crate) struct AgentRequest {
    /// The model echoed while the answer is in progress: the preset's name as sent, or the
    /// model id (the first of `models`).
    pub model: String,
    /// The model `response.completed` reports: the preset's model, or the model id.
    pub resolved: String,
    pub stream: bool,
    /// `background` and `store` (absent = true, as recorded); background mode refuses `store: false`.
    pub background: bool,
    pub store: bool,
    /// A deep-research preset (`medium`, `high`, `xhigh`): a background run takes minutes.
    pub deep: bool,
    /// False when `max_tool_calls` is 0 or `tool_choice` is `"none"`: no search at all.
    pub search: bool,
    /// The request fields the `response` object echoes, plus `tools`.
    pub echo: Map<String, Value>,
}

/// Why the real API would refuse a request.
#[derive(Debug, PartialEq)]
pub(crate) enum Invalid {
    /// `invalid request body: json: unknown field "X"` with `param: X`.
    UnknownField(String),
    /// `validation failed: …`.
    Failed(String),
}

impl Invalid {
    /// The 400 the real API answers with (recorded: `agent_400_unknown_field.json`,
    /// `agent_400_anthropic_max_output_tokens.json`).
    pub(crate) fn response(&self) -> Response {
        match self {
            Invalid::UnknownField(field) => Response::error_with_param(
                400,
                &format!("invalid request body: json: unknown field \"{field}\""),
                "invalid_request",
                Some(field),
            ),
            Invalid::Failed(why) => Response::error_json(400, &format!("validation failed: {why}"), "invalid_request"),
        }
    }
}

impl From<&str> for Invalid {
    fn from(why: &str) -> Self {
        Invalid::Failed(why.to_owned())
    }
}

impl From<String> for Invalid {
    fn from(why: String) -> Self {
        Invalid::Failed(why)
    }
}

fn present<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// Validates a request body as the real API does: unknown fields are errors.
pub(crate) fn validate(body: &Value) -> Result<AgentRequest, Invalid> {
    let obj = body.as_object().ok_or("request body must be a JSON object")?;
    if let Some(key) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(Invalid::UnknownField(key.clone()));
    }
    let chosen = ["model", "preset", "models"].into_iter().filter(|k| present(obj, k).is_some()).count();
    if chosen != 1 {
        return Err("exactly one of model, preset or models is required".into());
    }
    let mut names: Vec<String> = Vec::new();
    let (model, resolved) = if let Some(m) = present(obj, "model") {
        let m = m.as_str().filter(|m| !m.is_empty()).ok_or("model must be a non-empty string")?;
        names.push(m.into());
        (m.to_string(), m.to_string())
    } else if let Some(p) = present(obj, "preset") {
        let p = p.as_str().ok_or("preset must be a string")?;
        let (_, resolved) = preset(p).ok_or_else(|| format!("unknown preset: {p}"))?;
        (p.to_string(), resolved.to_string())
    } else {
        let list = present(obj, "models").and_then(Value::as_array).ok_or("models must be an array")?;
        if list.is_empty() || list.len() > 5 {
            return Err("models must hold 1 to 5 model ids".into());
        }
        for m in list {
            names.push(m.as_str().filter(|m| !m.is_empty()).ok_or("models must hold strings")?.into());
        }
        (names[0].clone(), names[0].clone())
    };
    validate_input(present(obj, "input").ok_or("input is required")?)?;
    let string = |key: &str| -> Result<(), Invalid> {
        match present(obj, key) {
            Some(v) if !v.is_string() => Err(format!("{key} must be a string").into()),
            _ => Ok(()),
        }
    };
    let boolean = |key: &str| -> Result<bool, Invalid> {
        match present(obj, key) {
            None => Ok(false),
            Some(v) => v.as_bool().ok_or_else(|| format!("{key} must be a boolean").into()),
        }
    };
    string("instructions")?;
    string("previous_response_id")?;
    string("language_preference")?;
    if let Some(tools) = present(obj, "tools") {
        for tool in tools.as_array().ok_or("tools must be an array")? {
            let kind = tool.get("type").and_then(Value::as_str).unwrap_or("");
            if !TOOLS.contains(&kind) {
                return Err(format!("unsupported tool type: {kind}").into());
            }
        }
    }
    let tool_choice = present(obj, "tool_choice");
    if tool_choice.is_some_and(|v| !v.is_string() && !v.is_object()) {
        return Err("tool_choice must be a string or an object".into());
    }
    let max_tool_calls = match present(obj, "max_tool_calls") {
        None => None,
        Some(v) => Some(v.as_u64().ok_or("max_tool_calls must be an integer >= 0")?),
    };
    if present(obj, "max_steps").is_some_and(|v| v.as_u64().map_or(true, |n| n == 0)) {
        return Err("max_steps must be a positive integer".into());
    }
    let stream = boolean("stream")?;
    let background = boolean("background")?;
    // Stored unless told not to: the recorded background submit (`agent_background_submit_medium`)
    // sent no `store` and its response says `store: true`.
    let store = present(obj, "store").is_none() || boolean("store")?;
    let max_tokens = present(obj, "max_output_tokens");
    if max_tokens.is_some_and(|v| v.as_u64().map_or(true, |n| n == 0)) {
        return Err("max_output_tokens must be a positive integer".into());
    }
    if max_tokens.is_none() && names.iter().any(|m| m.starts_with("anthropic/")) {
        return Err("max_output_tokens is required when using Anthropic models".into());
    }
    if let Some(r) = present(obj, "reasoning") {
        let r = r.as_object().ok_or("reasoning must be an object")?;
        if present(r, "effort").is_some_and(|e| !e.as_str().is_some_and(|e| EFFORTS.contains(&e))) {
            return Err("reasoning.effort must be one of minimal, low, medium, high, xhigh".into());
        }
    }
    if let Some(f) = present(obj, "response_format") {
        if f.get("type").and_then(Value::as_str).is_none() {
            return Err("response_format must be an object with a type".into());
        }
    }
    if present(obj, "metadata").is_some_and(|v| !v.is_object()) {
        return Err("metadata must be an object".into());
    }
    let mut echo: Map<String, Value> =
        ECHOED.iter().filter_map(|k| present(obj, k).map(|v| (k.to_string(), v.clone()))).collect();
    if let Some(tools) = present(obj, "tools") {
        echo.insert("tools".into(), tools.clone());
    }
    let search = max_tool_calls != Some(0) && tool_choice.and_then(Value::as_str) != Some("none");
    let canonical = present(obj, "preset").and_then(Value::as_str).and_then(preset).map(|(p, _)| p);
    let deep = matches!(canonical, Some("medium" | "high" | "xhigh"));
    Ok(AgentRequest { model, resolved, stream, background, store, deep, search, echo })
}

fn validate_input(input: &Value) -> Result<(), Invalid> {
    if let Some(s) = input.as_str() {
        return if s.trim().is_empty() { Err("input must not be empty".into()) } else { Ok(()) };
    }
    let items = input.as_array().filter(|a| !a.is_empty()).ok_or("input must be a string or a non-empty array")?;
    for (i, item) in items.iter().enumerate() {
        let kind = item.get("type").and_then(Value::as_str).unwrap_or("message");
        if kind == "function_call_output" {
            if item.get("call_id").and_then(Value::as_str).is_none() || item.get("output").is_none() {
                return Err(format!("input[{i}]: a function_call_output needs call_id and output").into());
            }
            continue;
        }
        let role = item.get("role").and_then(Value::as_str).unwrap_or("");
        if kind != "message" || !ROLES.contains(&role) {
            return Err(format!("input[{i}]: expected a message with role user, assistant, system or developer").into());
        }
        if content_text(item.get("content")).is_none() {
            return Err(format!("input[{i}]: content must be a string or a list of text and image parts").into());
        }
    }
    Ok(())
}

/// A message's text: a string, or the concatenated `text` of a list of parts (image parts,
/// with an `image_url`, add nothing).
pub(crate) fn content_text(content: Option<&Value>) -> Option<String> {
    match content? {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => parts
            .iter()
            .map(|p| match p.get("text").and_then(Value::as_str) {
                Some(t) => Some(t),
                None => p.get("image_url").map(|_| ""),
            })
            .collect(),
        _ => None,
    }
}

/// The last user message's text, where `#mock:` tokens are looked for.
pub(crate) fn last_user_text(body: &Value) -> Option<String> {
    match body.get("input")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => items
            .iter()
            .rev()
            .find(|i| i.get("role").and_then(Value::as_str) == Some("user"))
            .and_then(|i| content_text(i.get("content"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(body: Value) -> AgentRequest {
        validate(&body).unwrap_or_else(|e| panic!("{body}: {e:?}"))
    }

    #[test]
    fn accepts_documented_requests() {
        let r = ok(json!({"model": "openai/gpt-5.4", "input": "hi", "stream": true}));
        assert_eq!(
            (r.model.as_str(), r.resolved.as_str(), r.stream, r.search),
            ("openai/gpt-5.4", "openai/gpt-5.4", true, true)
        );
        let r = ok(json!({"preset": "fast", "input": [{"type": "message", "role": "user", "content": "hi"}]}));
        assert_eq!((r.model.as_str(), r.resolved.as_str(), r.stream), ("fast", "openai/gpt-6-luna", false));
        ok(json!({"models": ["perplexity/sonar", "openai/gpt-5.4"], "input": "hi", "instructions": "be brief",
                  "tools": [{"type": "web_search", "filters": {"search_recency_filter": "week"}}],
                  "reasoning": {"effort": "low"}, "max_output_tokens": 500}));
        ok(json!({"model": "anthropic/claude-sonnet-4-6", "input": "hi", "max_output_tokens": 1000}));
        let r = ok(json!({"preset": "low", "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "what is this?"},
                                             {"type": "input_image", "image_url": "data:image/png;base64,AA=="}]},
                {"type": "function_call_output", "call_id": "call_1", "output": "{}"}],
            "tool_choice": "auto", "max_tool_calls": 3, "max_steps": 4, "background": false, "store": true,
            "previous_response_id": "resp_1", "metadata": {"k": "v"}, "language_preference": "en",
            "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}, "strict": true}}}));
        assert!(r.search);
        assert_eq!(r.echo["max_tool_calls"], 3);
        assert_eq!(r.echo["metadata"], json!({"k": "v"}));
    }

    #[test]
    fn presets_resolve_and_old_names_are_accepted() {
        for (preset, resolved) in [
            ("fast", "openai/gpt-6-luna"),
            ("low", "openai/gpt-6-luna"),
            ("medium", "openai/gpt-5.4"),
            ("high", "openai/gpt-5.4"),
            ("xhigh", "openai/gpt-5.4"),
            ("fast-search", "openai/gpt-6-luna"),
            ("pro-search", "openai/gpt-6-luna"),
            ("deep-research", "openai/gpt-5.4"),
            ("advanced-deep-research", "openai/gpt-5.4"),
        ] {
            let r = ok(json!({"preset": preset, "input": "hi"}));
            assert_eq!((r.model.as_str(), r.resolved.as_str()), (preset, resolved));
        }
    }

    #[test]
    fn no_search_without_tool_calls() {
        assert!(!ok(json!({"preset": "fast", "input": "hi", "max_tool_calls": 0})).search);
        assert!(!ok(json!({"preset": "fast", "input": "hi", "tool_choice": "none"})).search);
        assert!(validate(&json!({"preset": "fast", "input": "hi", "max_tool_calls": -1})).is_err());
    }

    #[test]
    fn rejects_unknown_fields_as_recorded() {
        let e = validate(&json!({"model": "perplexity/sonar", "input": "hi", "temperature": 0.2})).unwrap_err();
        assert_eq!(e, Invalid::UnknownField("temperature".into()));
        let e = validate(&json!({"preset": "fast", "input": "hi", "format": {}})).unwrap_err();
        let recorded = include_str!("../../tests/fixtures/real/agent_400_unknown_field.json");
        assert_eq!(e.response().body, recorded.as_bytes(), "byte for byte");
        let e = validate(&json!({"preset": "fast", "input": "hi", "text": {"format": {"type": "text"}}})).unwrap_err();
        assert_eq!(e, Invalid::UnknownField("text".into()), "text.format is rejected");
    }

    #[test]
    fn anthropic_needs_max_output_tokens_as_recorded() {
        let e = validate(&json!({"model": "anthropic/claude-haiku-4-5", "input": "hi"})).unwrap_err();
        let body: Value = serde_json::from_slice(&e.response().body).unwrap();
        let recorded: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/real/agent_400_anthropic_max_output_tokens.json"))
                .unwrap();
        assert_eq!(body, recorded);
        let e = validate(&json!({"preset": "turbo", "input": "hi"})).unwrap_err();
        let body: Value = serde_json::from_slice(&e.response().body).unwrap();
        assert_eq!(body["error"]["type"], "invalid_request");
        assert!(body["error"]["message"].as_str().unwrap().starts_with("validation failed: "));
    }

    #[test]
    fn rejects_bad_shapes() {
        for body in [
            json!([1, 2]),
            json!({"input": "hi"}),
            json!({"model": "perplexity/sonar", "preset": "fast", "input": "hi"}),
            json!({"preset": "turbo", "input": "hi"}),
            json!({"models": ["a", "b", "c", "d", "e", "f"], "input": "hi"}),
            json!({"model": "perplexity/sonar"}),
            json!({"model": "perplexity/sonar", "input": [{"role": "robot", "content": "x"}]}),
            json!({"model": "perplexity/sonar", "input": "hi", "stream": "yes"}),
            json!({"model": "perplexity/sonar", "input": "hi", "tools": [{"type": "code_interpreter"}]}),
            json!({"model": "anthropic/claude-sonnet-4-6", "input": "hi"}),
            json!({"model": "perplexity/sonar", "input": "hi", "reasoning": {"effort": "extreme"}}),
            json!({"model": "perplexity/sonar", "input": "hi", "metadata": "x"}),
            json!({"model": "perplexity/sonar", "input": "hi", "max_steps": 0}),
            json!({"model": "perplexity/sonar", "input": "hi", "store": "yes"}),
        ] {
            assert!(validate(&body).is_err(), "{body} should be rejected");
        }
    }

    #[test]
    fn finds_last_user_text() {
        let body = json!({"input": [
            {"type": "message", "role": "user", "content": "first #mock:slow"},
            {"type": "message", "role": "assistant", "content": "answer"},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "second #mock:drop"}]},
        ]});
        assert_eq!(last_user_text(&body).as_deref(), Some("second #mock:drop"));
        assert_eq!(last_user_text(&json!({"input": "plain"})).as_deref(), Some("plain"));
    }
}
