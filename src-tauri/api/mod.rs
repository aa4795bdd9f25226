//! Perplexity API client with no GUI knowledge: a [`ChatRequest`] goes in, a stream of
//! [`StreamEvent`]s comes out, whichever wire format answered (Agent API, Sonar chat
//! completions, or any OpenAI-compatible endpoint).

pub mod agent;
mod body;
pub mod chat_completions;
mod client;
mod error;
mod headers;
pub mod messages;
pub mod models;
mod network;
pub mod provider;
mod runs;

pub use runs::Cancel;
pub mod sse;
pub mod think;
mod types;
pub mod wire;

pub use client::{replay, replay_json, Client, Endpoint, MAX_ANSWER_TEXT};
pub use error::{Error, ErrorPayload, Result};
pub use provider::{Account, Provider, DEFAULT_BASE_URL, DEFAULT_OPENAI_BASE_URL};
pub use types::{
    is_deep_preset, preset_name, sonar_successor, ChatRequest, ContextSize, Cost, Effort, Finish, Image, Message,
    RateLimit, Recency, RequestOptions, Retrying, Role, RunPhase, RunStatus, Saving, SearchOptions, Source,
    StreamEvent, Usage, UserLocation, AGENT_PRESETS, PRESET_ALIASES, SONAR_SUCCESSORS,
};
