//! Provider-neutral request and event types: what the rest of the app speaks, whichever wire
//! format answered.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn user(content: impl Into<String>) -> Self {
        Message { role: Role::User, content: content.into() }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Message { role: Role::Assistant, content: content.into() }
    }
}

/// Agent API presets: the server picks the model and search depth.
pub const AGENT_PRESETS: [&str; 5] = ["fast", "low", "medium", "high", "xhigh"];

/// Which wire format a request is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Perplexity Agent API, `POST /v1/agent` (current).
    #[default]
    Agent,
    /// Perplexity Sonar chat completions, `POST /chat/completions` (the original API).
    Sonar,
    /// Any OpenAI-compatible endpoint (`/chat/completions` + `/models`), with its own key.
    OpenAi,
}

/// One question to a provider, with the conversation so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    /// A preset name (`fast`…`xhigh`) or a model id (`perplexity/sonar`, `sonar-pro`, `gpt-4o`, …).
    pub model: String,
    /// Earlier turns and the new question, oldest first; the last one is the user's question.
    pub messages: Vec<Message>,
    pub options: RequestOptions,
}

/// Everything a person can tune about one request; each provider sends what its format accepts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequestOptions {
    pub system_prompt: Option<String>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub reasoning_effort: Option<Effort>,
    pub search: SearchOptions,
    /// Sonar only: ask for follow-up question suggestions.
    pub related_questions: bool,
    /// Sonar only: ask for images.
    pub images: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SearchOptions {
    pub enabled: bool,
    /// At most 20 domains; a leading `-` excludes the domain (`-reddit.com`).
    pub domains: Vec<String>,
    pub recency: Option<Recency>,
    /// `MM/DD/YYYY`, as the API expects.
    pub after_date: Option<String>,
    pub before_date: Option<String>,
    pub context_size: Option<ContextSize>,
    pub user_location: Option<UserLocation>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            enabled: true,
            domains: Vec::new(),
            recency: None,
            after_date: None,
            before_date: None,
            context_size: None,
            user_location: None,
        }
    }
}

impl SearchOptions {
    /// True when any filter narrows the search.
    pub fn has_filters(&self) -> bool {
        !self.domains.is_empty() || self.recency.is_some() || self.after_date.is_some() || self.before_date.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    Minimal,
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Recency {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContextSize {
    Low,
    Medium,
    High,
}

/// Approximate location to localise search results; every part optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UserLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// An image returned with an answer (Sonar `return_images`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub url: String,
    pub origin_url: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// One web source an answer can cite as `[index]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub index: u32,
    pub url: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub snippet: String,
    #[serde(default)]
    pub date: Option<String>,
    /// Host without `www.`, for compact display; empty when the URL has no host.
    #[serde(default)]
    pub domain: String,
}

impl Source {
    pub fn new(index: u32, url: String, title: String, snippet: String, date: Option<String>) -> Self {
        let domain = url::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_owned()))
            .unwrap_or_default();
        Source { index, url, title, snippet, date, domain }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    pub total: f64,
    #[serde(default)]
    pub currency: String,
    pub input_cost: Option<f64>,
    pub output_cost: Option<f64>,
    /// Per-request search fees (Sonar) or tool-call costs (Agent API).
    pub request_cost: Option<f64>,
    /// True when Citewise computed the cost from a price table rather than the API reporting it.
    #[serde(default)]
    pub computed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
    pub reasoning_tokens: Option<u64>,
    /// Sonar deep research bills the tokens of the cited pages it read. Used for the computed
    /// cost when the API reports none; not sent to the UI or stored.
    #[serde(skip)]
    pub citation_tokens: Option<u64>,
    pub searches: Option<u64>,
    /// The search context size the server used (Sonar reports it; it sets the request fee).
    /// Like `citation_tokens`, only for the computed cost.
    #[serde(skip)]
    pub search_context_size: Option<ContextSize>,
    pub cost: Option<Cost>,
}

/// How an answer ended when it ended normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Finish {
    Stop,
    /// Cut by the output-token limit (`incomplete` / `length`).
    Length,
    Cancelled,
}

/// What a streaming answer is made of. Serialized as `{event, data}` for the UI's channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum StreamEvent {
    Delta { text: String },
    Reasoning { text: String },
    Searching { queries: Vec<String> },
    Sources { sources: Vec<Source> },
    Images { images: Vec<Image> },
    Related { questions: Vec<String> },
    Usage(Usage),
    Retrying(Retrying),
    Done { finish: Finish },
    Error(super::ErrorPayload),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retrying {
    pub attempt: u32,
    pub wait_seconds: u64,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_serialize_as_tagged_camel_case() {
        let ev = StreamEvent::Delta { text: "hi".into() };
        assert_eq!(serde_json::to_value(ev).unwrap(), json!({"event": "delta", "data": {"text": "hi"}}));
        let ev = StreamEvent::Usage(Usage { input_tokens: 3, total_tokens: 3, ..Default::default() });
        assert_eq!(
            serde_json::to_value(ev).unwrap(),
            json!({"event": "usage", "data": {"inputTokens": 3, "outputTokens": 0, "totalTokens": 3,
                   "reasoningTokens": null, "searches": null, "cost": null}})
        );
        let ev = StreamEvent::Done { finish: Finish::Length };
        assert_eq!(serde_json::to_value(ev).unwrap(), json!({"event": "done", "data": {"finish": "length"}}));
    }

    #[test]
    fn source_domain_drops_www_and_tolerates_garbage() {
        let s = Source::new(1, "https://www.britannica.com/place/Mount-Everest".into(), "t".into(), "s".into(), None);
        assert_eq!(s.domain, "britannica.com");
        let s = Source::new(2, "not a url".into(), "t".into(), "s".into(), None);
        assert_eq!(s.domain, "");
    }
}
