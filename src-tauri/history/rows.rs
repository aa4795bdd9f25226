//! The history's row types: plain data, no SQL. A message and its status, a conversation's
//! sidebar row, a conversation with its shown branch. The table modules read and write them
//! (`messages`, `conversations`); the message tree is in `tree`.

use serde::{Deserialize, Serialize};

use crate::api::{Finish, Image, RequestOptions, Role, Source, Usage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Being received by this session right now.
    Streaming,
    Complete,
    /// Cut off: Stop, a dropped connection, or the app quit or crashed while it streamed.
    Interrupted,
    Error,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Streaming => "streaming",
            MessageStatus::Complete => "complete",
            MessageStatus::Interrupted => "interrupted",
            MessageStatus::Error => "error",
        }
    }

    pub(crate) fn parse(s: &str) -> MessageStatus {
        match s {
            "streaming" => MessageStatus::Streaming,
            "complete" => MessageStatus::Complete,
            "error" => MessageStatus::Error,
            _ => MessageStatus::Interrupted,
        }
    }
}

/// Why an answer failed, as the UI showed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StoredError {
    pub kind: crate::error_kind::ErrorKind,
    pub message: String,
    #[serde(default)]
    pub retry_after: Option<u64>,
}

/// A message's place among its siblings: the edits of one question, or the answers to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Versions {
    pub index: usize,
    pub count: usize,
    /// Ids, oldest first.
    pub siblings: Vec<String>,
}

impl Versions {
    pub(crate) fn is_unset(&self) -> bool {
        self.count == 0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StoredMessage {
    pub id: String,
    pub parent_id: Option<String>,
    pub role: Role,
    pub content: String,
    #[serde(default)]
    pub reasoning: String,
    #[serde(default)]
    pub queries: Vec<String>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub usage: Option<Usage>,
    #[serde(default)]
    pub model: Option<String>,
    pub status: MessageStatus,
    #[serde(default)]
    pub error: Option<StoredError>,
    #[serde(default)]
    pub finish: Option<Finish>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Filled for the UI; not part of an export.
    #[serde(default, skip_deserializing, skip_serializing_if = "Versions::is_unset")]
    pub versions: Versions,
}

impl StoredMessage {
    /// A message with only its text: no sources, usage or error yet.
    pub fn new(
        id: String,
        parent_id: Option<String>,
        role: Role,
        content: &str,
        status: MessageStatus,
        now: i64,
    ) -> Self {
        StoredMessage {
            id,
            parent_id,
            role,
            content: content.to_owned(),
            reasoning: String::new(),
            queries: vec![],
            sources: vec![],
            images: vec![],
            related: vec![],
            usage: None,
            model: None,
            status,
            error: None,
            finish: None,
            created_at: now,
            updated_at: now,
            versions: Versions::default(),
        }
    }
}

/// A conversation with the branch it shows, oldest message first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    #[serde(flatten)]
    pub summary: ConversationSummary,
    pub options: Option<RequestOptions>,
    pub messages: Vec<StoredMessage>,
}

/// One row of the sidebar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    pub id: String,
    pub title: String,
    pub pinned: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    pub items: Vec<ConversationSummary>,
    /// Opaque; `None` after the last page.
    pub next_cursor: Option<String>,
}
