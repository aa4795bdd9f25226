//! The chat-completions wire format: Perplexity Sonar (`POST /chat/completions`, with citations,
//! search results, images, related questions and per-request fees) and plain OpenAI-compatible
//! endpoints. One request builder and one event mapper; the flavours differ only in fields.

use serde::Serialize;
use serde_json::Value;

use super::error::Error;
use super::messages::normalize;
use super::think::{Piece, ThinkSplitter};
use super::types::{
    ChatRequest, ContextSize, Cost, Effort, Finish, Image, Message, Source, StreamEvent, Usage, UserLocation,
};
use super::wire::{error_from_body, read_data, str_at, string_list, Data, SearchFilters, WireFormat};

pub const PATH: &str = "/chat/completions";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Sonar,
    OpenAi,
}

#[derive(Debug, Serialize)]
pub struct ChatCompletionRequest<'a> {
    pub model: &'a str,
    pub messages: Vec<Message>,
    pub stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<Effort>,
    /// OpenAI sends usage only when asked; Perplexity always does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub search: Option<SonarSearch<'a>>,
}

#[derive(Debug, Serialize)]
pub struct StreamOptions {
    pub include_usage: bool,
}

/// Perplexity's search fields on chat completions.
#[derive(Debug, Serialize)]
pub struct SonarSearch<'a> {
    /// Same names as the Agent API's `web_search` filters, at the top level here.
    #[serde(flatten)]
    pub filters: SearchFilters<'a>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub return_images: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub return_related_questions: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disable_search: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_search_options: Option<WebSearchOptions<'a>>,
}

#[derive(Debug, Serialize)]
pub struct WebSearchOptions<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_context_size: Option<ContextSize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_location: Option<&'a UserLocation>,
}

impl<'a> ChatCompletionRequest<'a> {
    pub fn new(req: &'a ChatRequest, flavor: Flavor) -> Self {
        let o = &req.options;
        let s = &o.search;
        let search = (flavor == Flavor::Sonar).then(|| SonarSearch {
            filters: SearchFilters::new(s),
            return_images: o.images,
            return_related_questions: o.related_questions,
            disable_search: !s.enabled,
            web_search_options: (s.context_size.is_some() || s.user_location.is_some()).then_some(WebSearchOptions {
                search_context_size: s.context_size,
                user_location: s.user_location.as_ref(),
            }),
        });
        ChatCompletionRequest {
            model: &req.model,
            messages: normalize(&req.messages, o.system_prompt.as_deref()),
            stream: true,
            max_tokens: o.max_tokens,
            temperature: o.temperature,
            top_p: o.top_p,
            reasoning_effort: o.reasoning_effort,
            stream_options: (flavor == Flavor::OpenAi).then_some(StreamOptions { include_usage: true }),
            search,
        }
    }
}

/// Turns chat-completion chunks into events. Sources, images and related questions are repeated
/// on every chunk: the latest non-empty list wins and is sent only when it changes. Usage is
/// cumulative: the last one wins and is sent when the answer ends.
#[derive(Debug)]
pub struct ChatMapper {
    flavor: Flavor,
    think: ThinkSplitter,
    emitted_text: usize,
    /// True once any delta carried content, answer or reasoning.
    streamed: bool,
    citations: Vec<String>,
    results: Vec<Value>,
    sent_sources: Vec<Source>,
    sent_images: Vec<Image>,
    sent_related: Vec<String>,
    usage: Option<Value>,
    /// The model the chunks name (the one that answered).
    model: Option<String>,
    finish: Option<Finish>,
}

impl ChatMapper {
    pub fn new(flavor: Flavor) -> ChatMapper {
        ChatMapper {
            flavor,
            think: ThinkSplitter::default(),
            emitted_text: 0,
            streamed: false,
            citations: Vec::new(),
            results: Vec::new(),
            sent_sources: Vec::new(),
            sent_images: Vec::new(),
            sent_related: Vec::new(),
            usage: None,
            model: None,
            finish: None,
        }
    }
}

impl WireFormat for ChatMapper {
    fn body(&self, request: &ChatRequest) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&ChatCompletionRequest::new(request, self.flavor))
    }

    fn has_text(&self) -> bool {
        self.emitted_text > 0
    }

    /// A finish reason has arrived; only a trailing usage chunk may follow.
    fn is_finishing(&self) -> bool {
        self.finish.is_some()
    }

    fn on_data(&mut self, data: &str, out: &mut Vec<StreamEvent>) -> Option<Result<Finish, Error>> {
        let value = match read_data(data, "chat") {
            Data::Event(value) => value,
            Data::Done => return Some(self.on_end(out)),
            Data::Unreadable => return None,
        };
        if value.get("error").is_some_and(|e| !e.is_null()) {
            return Some(Err(error_from_body(&value)));
        }
        let choice = value.pointer("/choices/0").unwrap_or(&Value::Null);
        if let Some(reasoning) = str_at(choice, "/delta/reasoning_content").filter(|r| !r.is_empty()) {
            out.push(StreamEvent::Reasoning { text: reasoning.to_owned() });
        }
        let delta = str_at(choice, "/delta/content");
        self.streamed |= delta.is_some_and(|d| !d.is_empty());
        let content = delta
            // A non-streamed final message, only if the deltas never delivered it (not even as
            // reasoning: a done object after a cut inside `<think>` repeats it all).
            .or_else(|| str_at(choice, "/message/content").filter(|_| !self.streamed));
        if let Some(content) = content {
            let pieces = self.think.push(content);
            self.emit_pieces(pieces, out);
        }
        self.take_sources(&value, out);
        self.take_extras(&value, out);
        if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
            self.usage = Some(usage.clone());
        }
        if let Some(model) = str_at(&value, "/model").filter(|m| !m.is_empty()) {
            if self.model.as_deref() != Some(model) {
                self.model = Some(model.to_owned());
            }
        }
        if let Some(reason) = str_at(choice, "/finish_reason") {
            self.finish = Some(if reason == "length" { Finish::Length } else { Finish::Stop });
        }
        if str_at(&value, "/object") == Some("chat.completion.done") {
            return Some(self.on_end(out));
        }
        None
    }

    /// The stream ended (EOF, `[DONE]`, or the done object): flush and report usage.
    fn on_end(&mut self, out: &mut Vec<StreamEvent>) -> Result<Finish, Error> {
        let pieces = self.think.finish();
        self.emit_pieces(pieces, out);
        if let Some(mut usage) = self.usage.take().as_ref().and_then(parse_usage) {
            usage.model = self.model.clone();
            out.push(StreamEvent::Usage(Box::new(usage)));
        }
        match self.finish {
            Some(finish) => Ok(finish),
            // The format allows ending on EOF without a finish reason.
            None if self.emitted_text > 0 => Ok(Finish::Stop),
            None => Err(Error::Protocol {
                message: "the stream ended before any answer arrived".into(),
                body: String::new(),
            }),
        }
    }
}

impl ChatMapper {
    fn emit_pieces(&mut self, pieces: Vec<Piece>, out: &mut Vec<StreamEvent>) {
        for piece in pieces {
            match piece {
                Piece::Answer(text) => {
                    self.emitted_text += text.len();
                    out.push(StreamEvent::Delta { text });
                }
                Piece::Reasoning(text) => out.push(StreamEvent::Reasoning { text }),
            }
        }
    }

    fn take_sources(&mut self, value: &Value, out: &mut Vec<StreamEvent>) {
        let citations = string_list(value.get("citations"));
        if !citations.is_empty() {
            self.citations = citations;
        }
        if let Some(results) = value.get("search_results").and_then(Value::as_array).filter(|r| !r.is_empty()) {
            self.results = results.clone();
        }
        let sources = build_sources(&self.citations, &self.results);
        if !sources.is_empty() && sources != self.sent_sources {
            self.sent_sources = sources.clone();
            out.push(StreamEvent::Sources { sources });
        }
    }

    fn take_extras(&mut self, value: &Value, out: &mut Vec<StreamEvent>) {
        let images: Vec<Image> = value
            .get("images")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(parse_image).collect())
            .unwrap_or_default();
        if !images.is_empty() && images != self.sent_images {
            self.sent_images = images.clone();
            out.push(StreamEvent::Images { images });
        }
        let related = string_list(value.get("related_questions"));
        if !related.is_empty() && related != self.sent_related {
            self.sent_related = related.clone();
            out.push(StreamEvent::Related { questions: related });
        }
    }
}

/// `[n]` refers to `citations[n-1]`; titles and snippets come from the matching search result
/// (by URL, else by position). Without citations, the search results alone are the sources.
fn build_sources(citations: &[String], results: &[Value]) -> Vec<Source> {
    let result_for = |i: usize, url: &str| {
        results
            .iter()
            .find(|r| str_at(r, "/url") == Some(url))
            .or_else(|| results.get(i).filter(|r| str_at(r, "/url").is_none_or(|u| u == url)))
    };
    let make = |i: usize, url: &str, r: Option<&Value>| {
        let r = r.unwrap_or(&Value::Null);
        Source::new(
            i as u32 + 1,
            url.to_owned(),
            str_at(r, "/title").unwrap_or_default().to_owned(),
            str_at(r, "/snippet").unwrap_or_default().to_owned(),
            str_at(r, "/date").or_else(|| str_at(r, "/last_updated")).map(str::to_owned),
        )
    };
    if !citations.is_empty() {
        return citations.iter().enumerate().map(|(i, url)| make(i, url, result_for(i, url))).collect();
    }
    results.iter().enumerate().filter_map(|(i, r)| str_at(r, "/url").map(|url| make(i, url, Some(r)))).collect()
}

fn parse_image(v: &Value) -> Option<Image> {
    let url = str_at(v, "/image_url").or_else(|| v.as_str())?.to_owned();
    let dim = |p: &str| v.pointer(p).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
    Some(Image {
        url,
        origin_url: str_at(v, "/origin_url").map(str::to_owned),
        width: dim("/width"),
        height: dim("/height"),
    })
}

fn parse_usage(u: &Value) -> Option<Usage> {
    let num = |p: &str| u.pointer(p).and_then(Value::as_u64);
    let float = |p: &str| u.pointer(p).and_then(Value::as_f64);
    let input_tokens = num("/prompt_tokens").unwrap_or(0);
    let output_tokens = num("/completion_tokens").unwrap_or(0);
    let cost = float("/cost/total_cost").map(|total| Cost {
        total,
        currency: str_at(u, "/cost/currency").unwrap_or("USD").to_owned(),
        input_cost: float("/cost/input_tokens_cost"),
        output_cost: float("/cost/output_tokens_cost"),
        request_cost: float("/cost/request_cost").or_else(|| float("/cost/search_queries_cost")),
        computed: false,
        ..Default::default()
    });
    Some(Usage {
        input_tokens,
        output_tokens,
        total_tokens: num("/total_tokens").unwrap_or(input_tokens + output_tokens),
        reasoning_tokens: num("/reasoning_tokens").or_else(|| num("/completion_tokens_details/reasoning_tokens")),
        citation_tokens: num("/citation_tokens"),
        searches: num("/num_search_queries"),
        cache_read_tokens: num("/prompt_tokens_details/cached_tokens"),
        cache_creation_tokens: None,
        model: None,
        search_context_size: str_at(u, "/search_context_size")
            .and_then(|s| serde_json::from_value(Value::String(s.to_ascii_lowercase())).ok()),
        cost,
    })
}
