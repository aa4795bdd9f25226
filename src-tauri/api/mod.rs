//! Perplexity API client with no GUI knowledge: a [`ChatRequest`] goes in, a stream of
//! [`StreamEvent`]s comes out, whichever wire format answered.

pub mod agent;
mod client;
mod error;
pub mod sse;
mod types;

pub use client::{Client, DEFAULT_BASE_URL};
pub use error::{Error, ErrorPayload, Result};
pub use types::{ChatRequest, Cost, Finish, Message, Retrying, Role, Source, StreamEvent, Usage, AGENT_PRESETS};
