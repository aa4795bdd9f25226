//! The Agent API, `POST /v1/agent` (DESIGN §3.1): strict request validation (unknown fields
//! are a 400, as on the real API) and finding the last user message. The answers themselves
//! (SSE events and the `response` object) are in `agent/response.rs`.

mod response;

use serde_json::{Map, Value};

pub(crate) use response::{respond_json, respond_stream};

const FIELDS: [&str; 9] =
    ["model", "preset", "models", "input", "instructions", "tools", "stream", "max_output_tokens", "reasoning"];
const PRESETS: [&str; 5] = ["fast", "low", "medium", "high", "xhigh"];
const ROLES: [&str; 4] = ["user", "assistant", "system", "developer"];
const TOOLS: [&str; 2] = ["web_search", "fetch_url"];

/// What the mock needs from a valid Agent request.
#[derive(Debug, PartialEq)]
pub(crate) struct AgentRequest {
    /// The model echoed back (presets report `perplexity/sonar`).
    pub model: String,
    pub stream: bool,
}

fn present<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// Validates a request body as the real API does: unknown fields are errors.
pub(crate) fn validate(body: &Value) -> Result<AgentRequest, String> {
    let obj = body.as_object().ok_or("Request body must be a JSON object")?;
    if let Some(key) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!("Unknown field: {key}"));
    }
    let chosen = ["model", "preset", "models"].into_iter().filter(|k| present(obj, k).is_some()).count();
    if chosen != 1 {
        return Err("Exactly one of 'model', 'preset' or 'models' is required".into());
    }
    let mut names: Vec<String> = Vec::new();
    let model = if let Some(m) = present(obj, "model") {
        let m = m.as_str().filter(|m| !m.is_empty()).ok_or("'model' must be a non-empty string")?;
        names.push(m.into());
        m.to_string()
    } else if let Some(p) = present(obj, "preset") {
        let p = p.as_str().ok_or("'preset' must be a string")?;
        if !PRESETS.contains(&p) {
            return Err(format!("Unknown preset: {p}"));
        }
        "perplexity/sonar".to_string()
    } else {
        let list = present(obj, "models").and_then(Value::as_array).ok_or("'models' must be an array")?;
        if list.is_empty() || list.len() > 5 {
            return Err("'models' must hold 1 to 5 model ids".into());
        }
        for m in list {
            names.push(m.as_str().filter(|m| !m.is_empty()).ok_or("'models' must hold strings")?.into());
        }
        names[0].clone()
    };
    validate_input(present(obj, "input").ok_or("'input' is required")?)?;
    if present(obj, "instructions").is_some_and(|v| !v.is_string()) {
        return Err("'instructions' must be a string".into());
    }
    if let Some(tools) = present(obj, "tools") {
        for tool in tools.as_array().ok_or("'tools' must be an array")? {
            let kind = tool.get("type").and_then(Value::as_str).unwrap_or("");
            if !TOOLS.contains(&kind) {
                return Err(format!("Unsupported tool type: {kind}"));
            }
        }
    }
    let stream = match present(obj, "stream") {
        None => false,
        Some(v) => v.as_bool().ok_or("'stream' must be a boolean")?,
    };
    let max_tokens = present(obj, "max_output_tokens");
    if max_tokens.is_some_and(|v| v.as_u64().map_or(true, |n| n == 0)) {
        return Err("'max_output_tokens' must be a positive integer".into());
    }
    if max_tokens.is_none() && names.iter().any(|m| m.starts_with("anthropic/")) {
        return Err("'max_output_tokens' is required for anthropic models".into());
    }
    if present(obj, "reasoning").is_some_and(|v| !v.is_object()) {
        return Err("'reasoning' must be an object".into());
    }
    Ok(AgentRequest { model, stream })
}

fn validate_input(input: &Value) -> Result<(), String> {
    if let Some(s) = input.as_str() {
        return if s.trim().is_empty() { Err("'input' must not be empty".into()) } else { Ok(()) };
    }
    let items = input.as_array().filter(|a| !a.is_empty()).ok_or("'input' must be a string or a non-empty array")?;
    for (i, item) in items.iter().enumerate() {
        let kind = item.get("type").and_then(Value::as_str).unwrap_or("message");
        let role = item.get("role").and_then(Value::as_str).unwrap_or("");
        if kind != "message" || !ROLES.contains(&role) {
            return Err(format!("input[{i}]: expected a message with role user, assistant, system or developer"));
        }
        if content_text(item.get("content")).is_none() {
            return Err(format!("input[{i}]: 'content' must be a string or a list of text parts"));
        }
    }
    Ok(())
}

/// A message's text: a string, or the concatenated `text` of a list of parts.
pub(crate) fn content_text(content: Option<&Value>) -> Option<String> {
    match content? {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => parts.iter().map(|p| p.get("text").and_then(Value::as_str)).collect(),
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
        validate(&body).unwrap_or_else(|e| panic!("{body}: {e}"))
    }

    #[test]
    fn accepts_documented_requests() {
        let r = ok(json!({"model": "openai/gpt-5.4", "input": "hi", "stream": true}));
        assert_eq!(r, AgentRequest { model: "openai/gpt-5.4".into(), stream: true });
        ok(json!({"preset": "fast", "input": [{"type": "message", "role": "user", "content": "hi"}]}));
        ok(json!({"models": ["perplexity/sonar", "openai/gpt-5.4"], "input": "hi", "instructions": "be brief",
                  "tools": [{"type": "web_search", "filters": {"search_recency_filter": "week"}}],
                  "reasoning": {"effort": "low"}, "max_output_tokens": 500}));
        ok(json!({"model": "anthropic/claude-sonnet-4-6", "input": "hi", "max_output_tokens": 1000}));
    }

    #[test]
    fn rejects_unknown_fields() {
        let e = validate(&json!({"model": "perplexity/sonar", "input": "hi", "temperature": 0.2})).unwrap_err();
        assert_eq!(e, "Unknown field: temperature");
        let e =
            validate(&json!({"model": "perplexity/sonar", "input": "hi", "language_preference": "en"})).unwrap_err();
        assert_eq!(e, "Unknown field: language_preference");
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
