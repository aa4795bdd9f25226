//! Provider-neutral request and event types: what the rest of the app speaks, whichever wire
//! format answered.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

/// Agent API presets: the server picks the model, tools and system prompt. `medium` is deep
/// research (minutes, not seconds) and `high` advanced deep research (DESIGN §3.1).
pub const AGENT_PRESETS: [&str; 5] = ["fast", "low", "medium", "high", "xhigh"];

/// The presets' old names, which the API still accepts, and the preset each one is now.
pub const PRESET_ALIASES: [(&str, &str); 4] =
    [("fast-search", "fast"), ("pro-search", "low"), ("deep-research", "medium"), ("advanced-deep-research", "high")];

/// The preset `name` stands for, by its current name or an old one; `None` for a model id.
pub fn preset_name(name: &str) -> Option<&'static str> {
    let name = name.trim();
    AGENT_PRESETS
        .iter()
        .find(|p| **p == name)
        .copied()
        .or_else(|| PRESET_ALIASES.iter().find(|(old, _)| *old == name).map(|(_, now)| *now))
}

/// Presets that research for minutes between events: deep research and above.
pub fn is_deep_preset(name: &str) -> bool {
    matches!(preset_name(name), Some("medium" | "high" | "xhigh"))
}

/// Where each Sonar model went when Perplexity retired Sonar chat completions (2026-09-27), per
/// the official migration guide (`perplexityai/api-platform-developers`,
/// `skills/migrate-sonar-to-agent-api/references/models-and-presets.md`): `sonar` becomes the
/// `perplexity/sonar` model with the web search tool (Citewise sends it whenever web search is
/// on), `sonar-pro` and the reasoning models the `low` (pro search) preset, deep research the
/// `medium` (deep research) preset.
pub const SONAR_SUCCESSORS: [(&str, &str); 5] = [
    ("sonar", "perplexity/sonar"),
    ("sonar-pro", "low"),
    ("sonar-reasoning", "low"),
    ("sonar-reasoning-pro", "low"),
    ("sonar-deep-research", "medium"),
];

/// The Agent API's equivalent of a Sonar model; `None` for anything else.
pub fn sonar_successor(model: &str) -> Option<&'static str> {
    SONAR_SUCCESSORS.iter().find(|(old, _)| *old == model.trim()).map(|(_, new)| *new)
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
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// Agent API only: run as a background response followed by its id (deep presets always are).
    pub background: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    Minimal,
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Recency {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ContextSize {
    Low,
    Medium,
    High,
}

/// Approximate location to localise search results; every part optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub url: String,
    pub origin_url: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// One web source an answer can cite as `[index]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    pub total: f64,
    #[serde(default)]
    pub currency: String,
    pub input_cost: Option<f64>,
    pub output_cost: Option<f64>,
    /// Per-request search fees (Sonar) or tool-call costs (Agent API).
    pub request_cost: Option<f64>,
    /// Agent API: what reading from and writing to the prompt cache cost (part of `input_cost`
    /// or beside it, as the API reports them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_creation_cost: Option<f64>,
    /// True when Citewise computed the cost from a price table rather than the API reporting it.
    #[serde(default)]
    pub computed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// Input tokens served from the prompt cache, and written to it (Agent API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_creation_tokens: Option<u64>,
    /// The model that really answered, when the API names it: a preset resolves to one on the
    /// server (`fast` → `openai/gpt-6-luna` in a recording).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The search context size the server used (Sonar reports it; it sets the request fee).
    /// Like `citation_tokens`, only for the computed cost.
    #[serde(skip)]
    pub search_context_size: Option<ContextSize>,
    pub cost: Option<Cost>,
}

/// How an answer ended when it ended normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Finish {
    Stop,
    /// Cut by the output-token limit (`incomplete` / `length`).
    Length,
    Cancelled,
}

/// What a streaming answer is made of. Serialized as `{event, data}` for the UI's channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum StreamEvent {
    Delta {
        text: String,
    },
    Reasoning {
        text: String,
    },
    Searching {
        queries: Vec<String>,
    },
    Sources {
        sources: Vec<Source>,
    },
    Images {
        images: Vec<Image>,
    },
    Related {
        questions: Vec<String>,
    },
    Usage(Box<Usage>),
    Retrying(Retrying),
    /// Pages the model opens and reads (the Agent API's `fetch_url` tool).
    Reading {
        urls: Vec<String>,
    },
    /// What the `x-ratelimit-*` headers said of this request.
    RateLimit(RateLimit),
    Done {
        finish: Finish,
    },
    Error(super::ErrorPayload),
    /// Whether the answer is safely in the history. Not from the API: the backend sends it when
    /// a save fails (`ok: false`; it keeps trying while `retrying`) and when one succeeds again.
    Saving(Saving),
    /// The answer is a background run on the server: its id, and where following it stands.
    Run(RunStatus),
}

/// See [`StreamEvent::Run`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RunStatus {
    /// The server's response id (`resp_…`), by which the run is followed, resumed and cancelled.
    pub id: String,
    pub phase: RunPhase,
    /// Why, when the phase needs one (`cancel_failed`: the cancel request's failure).
    pub message: Option<String>,
}

/// Where following a background run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RunPhase {
    /// Accepted; waiting for the server to start it.
    Queued,
    /// The server is working on it; its events stream in.
    InProgress,
    /// The connection dropped or went silent: reconnecting to the run's stream.
    Reconnecting,
    /// The server does not stream this run: asking for its status now and then.
    Polling,
    /// A cancel was asked of the server.
    Cancelling,
    /// The server could not be asked to cancel (`message` says why); the run goes on.
    CancelFailed,
}

/// See [`StreamEvent::Saving`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Saving {
    pub ok: bool,
    pub retrying: bool,
    /// Why the save failed, in the database's words (e.g. "database or disk is full").
    pub message: Option<String>,
}

/// The `x-ratelimit-*` headers of a response: how many requests the key may still make in the
/// current window, and when it starts over.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: u64,
    /// Seconds until the window starts over, when the server says.
    pub reset_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Retrying {
    pub attempt: u32,
    pub wait_seconds: u64,
    pub reason: crate::error_kind::ErrorKind,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_serialize_as_tagged_camel_case() {
        let ev = StreamEvent::Delta { text: "hi".into() };
        assert_eq!(serde_json::to_value(ev).unwrap(), json!({"event": "delta", "data": {"text": "hi"}}));
        let ev = StreamEvent::Usage(Box::new(Usage { input_tokens: 3, total_tokens: 3, ..Default::default() }));
        assert_eq!(
            serde_json::to_value(ev).unwrap(),
            json!({"event": "usage", "data": {"inputTokens": 3, "outputTokens": 0, "totalTokens": 3,
                   "reasoningTokens": null, "searches": null, "cost": null}})
        );
        let ev = StreamEvent::Done { finish: Finish::Length };
        assert_eq!(serde_json::to_value(ev).unwrap(), json!({"event": "done", "data": {"finish": "length"}}));
    }

    #[test]
    fn presets_by_their_names_old_and_new() {
        assert_eq!(preset_name("medium"), Some("medium"));
        assert_eq!(preset_name("deep-research"), Some("medium"));
        assert_eq!(preset_name("advanced-deep-research"), Some("high"));
        assert_eq!(preset_name("pro-search"), Some("low"));
        assert_eq!(preset_name("fast-search"), Some("fast"));
        assert_eq!(preset_name("perplexity/sonar"), None);
        assert_eq!(preset_name("sonar-deep-research"), None, "a Sonar model, not a preset");
        assert!(is_deep_preset("medium") && is_deep_preset("high") && is_deep_preset("xhigh"));
        assert!(is_deep_preset("deep-research") && !is_deep_preset("low") && !is_deep_preset("fast"));
    }

    #[test]
    fn source_domain_drops_www_and_tolerates_garbage() {
        let s = Source::new(1, "https://www.britannica.com/place/Mount-Everest".into(), "t".into(), "s".into(), None);
        assert_eq!(s.domain, "britannica.com");
        let s = Source::new(2, "not a url".into(), "t".into(), "s".into(), None);
        assert_eq!(s.domain, "");
    }
}
