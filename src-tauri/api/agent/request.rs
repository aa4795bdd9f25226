//! The Agent API request body: only documented fields, since the real API rejects unknown ones
//! with 400.

use serde::Serialize;

use crate::api::messages::normalize;
use crate::api::types::{preset_name, ChatRequest, ContextSize, Effort, Role, SearchOptions, UserLocation};
use crate::api::wire::SearchFilters;

pub const PATH: &str = "/v1/agent";

/// The request body. Only documented fields: the real API rejects unknown ones with 400.
#[derive(Debug, Serialize)]
pub struct AgentRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<&'a str>,
    pub input: Vec<InputItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool<'a>>>,
    /// `0` turns every tool off, a preset's own included (`tools: []` does not clear them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tool_calls: Option<u32>,
    pub stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<Reasoning>,
    /// A background run: the server answers at once with its id and works on without us.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub background: bool,
    /// Background runs must be stored (the server keeps them to be polled and resumed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub store: bool,
}

#[derive(Debug, Serialize)]
pub struct InputItem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub role: Role,
    pub content: String,
}

#[derive(Debug, Serialize)]
pub struct Reasoning {
    pub effort: Effort,
}

#[derive(Debug, Serialize)]
pub struct Tool<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<SearchFilters<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_context_size: Option<ContextSize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_location: Option<&'a UserLocation>,
}

/// `anthropic/*` models refuse requests without `max_output_tokens` (a recorded 400: "validation
/// failed: max_output_tokens is required when using Anthropic models").
const ANTHROPIC_DEFAULT_MAX_OUTPUT: u32 = 8192;
/// The API floors smaller limits to this; sending it keeps what is sent and what is billed equal.
const MIN_MAX_OUTPUT: u32 = 16;

impl<'a> AgentRequest<'a> {
    pub fn new(req: &'a ChatRequest) -> Self {
        let opts = &req.options;
        // Old preset names are sent by their current ones (the API accepts both).
        let preset = preset_name(&req.model);
        let max_output_tokens = match opts.max_tokens {
            Some(n) => Some(n.max(MIN_MAX_OUTPUT)),
            None => req.model.starts_with("anthropic/").then_some(ANTHROPIC_DEFAULT_MAX_OUTPUT),
        };
        // Only the person's own system prompt becomes `instructions`: with a preset it replaces
        // Perplexity's tuned prompt, so nothing is sent unless they wrote one.
        let mut messages = normalize(&req.messages, opts.system_prompt.as_deref());
        let instructions = (messages.first().map(|m| m.role) == Some(Role::System)).then(|| messages.remove(0).content);
        let is_preset = preset.is_some();
        AgentRequest {
            model: (!is_preset).then_some(req.model.trim()),
            preset,
            input: messages
                .into_iter()
                .map(|m| InputItem { kind: "message", role: m.role, content: m.content })
                .collect(),
            instructions,
            tools: web_search_tool(&opts.search, is_preset).map(|t| vec![t]),
            max_tool_calls: (is_preset && !opts.search.enabled).then_some(0),
            stream: true,
            max_output_tokens,
            reasoning: opts.reasoning_effort.map(|effort| Reasoning { effort }),
            background: false,
            store: false,
        }
    }

    /// The same question as a background run: answered at once with the run's id (not a
    /// stream), then polled or followed by that id.
    pub fn background(req: &'a ChatRequest) -> Self {
        AgentRequest { stream: false, background: true, store: true, ..AgentRequest::new(req) }
    }
}

/// A bare model searches only when given the `web_search` tool. Presets bring their own tools,
/// so for them the tool is sent only to carry filters; search off is `max_tool_calls: 0` instead.
fn web_search_tool(search: &SearchOptions, is_preset: bool) -> Option<Tool<'_>> {
    let tuned = search.has_filters() || search.context_size.is_some() || search.user_location.is_some();
    let wanted = search.enabled && (!is_preset || tuned);
    wanted.then(|| Tool {
        kind: "web_search",
        filters: search.has_filters().then(|| SearchFilters::new(search)),
        search_context_size: search.context_size,
        user_location: search.user_location.as_ref(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Message;
    use serde_json::json;

    #[test]
    fn a_background_run_is_stored_and_not_streamed() {
        let req = request("medium");
        let body = serde_json::to_value(AgentRequest::background(&req)).unwrap();
        assert_eq!((body["background"].clone(), body["store"].clone()), (json!(true), json!(true)));
        assert_eq!(body["stream"], json!(false));
        assert_eq!(body["preset"], json!("medium"));
        let plain = serde_json::to_value(AgentRequest::new(&req)).unwrap();
        assert!(plain.get("background").is_none() && plain.get("store").is_none(), "{plain}");
    }

    fn request(model: &str) -> ChatRequest {
        ChatRequest {
            model: model.into(),
            messages: vec![Message::user("Hi"), Message::assistant("Hello"), Message::user("Everest?")],
            ..Default::default()
        }
    }

    #[test]
    fn preset_request_has_only_documented_fields() {
        let body = serde_json::to_value(AgentRequest::new(&request("fast"))).unwrap();
        assert_eq!(
            body,
            json!({"preset": "fast", "stream": true, "input": [
                {"type": "message", "role": "user", "content": "Hi"},
                {"type": "message", "role": "assistant", "content": "Hello"},
                {"type": "message", "role": "user", "content": "Everest?"}]})
        );
    }

    #[test]
    fn every_option_maps_to_its_documented_field() {
        use crate::api::types::{ContextSize, Effort, Recency, RequestOptions, SearchOptions, UserLocation};
        let mut req = request("openai/gpt-5.4");
        req.options = RequestOptions {
            system_prompt: Some("Be brief.".into()),
            max_tokens: Some(500),
            temperature: Some(0.3),
            top_p: Some(0.9),
            reasoning_effort: Some(Effort::High),
            search: SearchOptions {
                enabled: true,
                domains: vec!["wikipedia.org".into(), "-reddit.com".into()],
                recency: Some(Recency::Month),
                after_date: Some("01/01/2025".into()),
                before_date: None,
                context_size: Some(ContextSize::High),
                user_location: Some(UserLocation { country: Some("NP".into()), ..Default::default() }),
            },
            related_questions: true,
            images: true,
            background: false,
        };
        let body = serde_json::to_value(AgentRequest::new(&req)).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "openai/gpt-5.4",
                "instructions": "Be brief.",
                "input": [
                    {"type": "message", "role": "user", "content": "Hi"},
                    {"type": "message", "role": "assistant", "content": "Hello"},
                    {"type": "message", "role": "user", "content": "Everest?"}],
                "tools": [{"type": "web_search",
                    "filters": {"search_domain_filter": ["wikipedia.org", "-reddit.com"],
                                "search_recency_filter": "month", "search_after_date_filter": "01/01/2025"},
                    "search_context_size": "high", "user_location": {"country": "NP"}}],
                "stream": true,
                "max_output_tokens": 500,
                "reasoning": {"effort": "high"}
            }),
            "temperature, top_p, images and related questions are not Agent API fields"
        );
    }

    #[test]
    fn web_search_off_means_no_tool_and_presets_get_a_tool_only_for_filters() {
        let mut req = request("perplexity/sonar");
        req.options.search.enabled = false;
        assert!(serde_json::to_value(AgentRequest::new(&req)).unwrap().get("tools").is_none());
        let mut req = request("high");
        req.options.search.recency = Some(crate::api::types::Recency::Day);
        let body = serde_json::to_value(AgentRequest::new(&req)).unwrap();
        assert_eq!(body["tools"], json!([{"type": "web_search", "filters": {"search_recency_filter": "day"}}]));
    }

    #[test]
    fn a_preset_with_web_search_off_gets_no_tools_at_all() {
        let mut req = request("low");
        req.options.search.enabled = false;
        req.options.search.recency = Some(crate::api::types::Recency::Day);
        let body = serde_json::to_value(AgentRequest::new(&req)).unwrap();
        assert_eq!(body["max_tool_calls"], 0);
        assert!(body.get("tools").is_none(), "{body}");
        let body = serde_json::to_value(AgentRequest::new(&request("low"))).unwrap();
        assert!(body.get("max_tool_calls").is_none(), "search on leaves the preset's tools alone");
    }

    #[test]
    fn old_preset_names_are_sent_by_their_current_ones() {
        for (old, now) in [("deep-research", "medium"), ("advanced-deep-research", "high"), ("pro-search", "low")] {
            let body = serde_json::to_value(AgentRequest::new(&request(old))).unwrap();
            assert_eq!(body["preset"], now);
            assert!(body.get("model").is_none());
        }
    }

    #[test]
    fn a_preset_gets_instructions_only_from_the_persons_own_system_prompt() {
        let body = serde_json::to_value(AgentRequest::new(&request("medium"))).unwrap();
        assert!(body.get("instructions").is_none(), "Perplexity's tuned prompt stays: {body}");
        let mut req = request("medium");
        req.options.system_prompt = Some("  ".into());
        assert!(serde_json::to_value(AgentRequest::new(&req)).unwrap().get("instructions").is_none());
        req.options.system_prompt = Some("Answer in French.".into());
        assert_eq!(serde_json::to_value(AgentRequest::new(&req)).unwrap()["instructions"], "Answer in French.");
    }

    #[test]
    fn anthropic_always_gets_max_output_tokens_of_at_least_16() {
        let mut req = request("anthropic/claude-haiku-4-5");
        req.options.max_tokens = Some(5);
        assert_eq!(serde_json::to_value(AgentRequest::new(&req)).unwrap()["max_output_tokens"], 16);
        req.options.max_tokens = None;
        assert_eq!(serde_json::to_value(AgentRequest::new(&req)).unwrap()["max_output_tokens"], 8192);
    }

    #[test]
    fn model_request_asks_for_web_search_and_anthropic_gets_max_tokens() {
        let body = serde_json::to_value(AgentRequest::new(&request("anthropic/claude-sonnet-4-6"))).unwrap();
        assert_eq!(body["model"], "anthropic/claude-sonnet-4-6");
        assert_eq!(body["tools"], json!([{"type": "web_search"}]));
        assert_eq!(body["max_output_tokens"], 8192);
        assert!(body.get("preset").is_none());
    }
}
