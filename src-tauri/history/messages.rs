//! The `messages` table: questions and answers as a tree (`parent_id`), the branch a conversation
//! shows, and the versions (siblings) of each message on it.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::conversations::{self, ConversationSummary};
use super::draft::Draft;
use super::{Db, Error, Result};
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

    fn parse(s: &str) -> MessageStatus {
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
    fn is_unset(&self) -> bool {
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

pub(crate) const COLUMNS: &str = "id, parent_id, role, content, reasoning, queries, sources, images, related, usage, \
                                  model, status, error, finish, created_at, updated_at";

fn json<T: serde::de::DeserializeOwned + Default>(raw: Option<String>) -> T {
    raw.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
}

pub(crate) fn message_from(row: &Row) -> rusqlite::Result<StoredMessage> {
    let role: String = row.get(2)?;
    let finish: Option<String> = row.get(13)?;
    Ok(StoredMessage {
        id: row.get(0)?,
        parent_id: row.get(1)?,
        role: if role == "user" { Role::User } else { Role::Assistant },
        content: row.get(3)?,
        reasoning: row.get(4)?,
        queries: json(row.get(5)?),
        sources: json(row.get(6)?),
        images: json(row.get(7)?),
        related: json(row.get(8)?),
        usage: json::<Option<Usage>>(row.get(9)?),
        model: row.get(10)?,
        status: MessageStatus::parse(&row.get::<_, String>(11)?),
        error: json::<Option<StoredError>>(row.get(12)?),
        finish: finish.and_then(|f| serde_json::from_value(serde_json::Value::String(f)).ok()),
        created_at: row.get(14)?,
        updated_at: row.get(15)?,
        versions: Versions::default(),
    })
}

pub(crate) fn role_str(role: Role) -> &'static str {
    match role {
        Role::User => "user",
        _ => "assistant",
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Writes a whole message (new questions, imports).
pub(crate) fn insert(conn: &Connection, conversation: &str, m: &StoredMessage) -> Result<()> {
    let cost = m.usage.as_ref().and_then(|u| u.cost.as_ref()).map(|c| c.total);
    conn.prepare_cached(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, queries, sources, images,
             related, usage, cost, model, status, error, finish, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        m.id,
        conversation,
        m.parent_id,
        role_str(m.role),
        m.content,
        m.reasoning,
        to_json(&m.queries),
        to_json(&m.sources),
        to_json(&m.images),
        to_json(&m.related),
        m.usage.as_ref().map(to_json),
        cost,
        m.model,
        m.status.as_str(),
        m.error.as_ref().map(to_json),
        m.finish.map(|f| to_json(&f).trim_matches('"').to_owned()),
        m.created_at,
        m.updated_at,
    ])?;
    Ok(())
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<StoredMessage> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM messages WHERE id = ?1"), [id], message_from)
        .optional()?
        .ok_or(Error::NotFound("message"))
}

/// Every message of a conversation, in the order written.
pub(crate) fn all(conn: &Connection, conversation: &str) -> Result<Vec<StoredMessage>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY seq"))?;
    let rows = stmt.query_map([conversation], message_from)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn conversation_of(conn: &Connection, message: &str) -> Result<String> {
    conn.query_row("SELECT conversation_id FROM messages WHERE id = ?1", [message], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound("message"))
}

pub(crate) fn mark_streaming_interrupted(conn: &Connection, now: i64) -> Result<usize> {
    Ok(conn.execute("UPDATE messages SET status = 'interrupted', updated_at = ?1 WHERE status = 'streaming'", [now])?)
}

/// Saves an answer's progress (every second while it streams) or its end.
pub(crate) fn save_draft(conn: &Connection, id: &str, draft: &Draft, status: MessageStatus, now: i64) -> Result<()> {
    let cost = draft.usage.as_ref().and_then(|u| u.cost.as_ref()).map(|c| c.total);
    conn.prepare_cached(
        "UPDATE messages SET content = ?2, reasoning = ?3, queries = ?4, sources = ?5, images = ?6, related = ?7,
             usage = ?8, cost = ?9, status = ?10, error = ?11, finish = ?12, updated_at = ?13
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        draft.content,
        draft.reasoning,
        to_json(&draft.queries),
        to_json(&draft.sources),
        to_json(&draft.images),
        to_json(&draft.related),
        draft.usage.as_ref().map(to_json),
        cost,
        status.as_str(),
        draft.error.as_ref().map(to_json),
        draft.finish.map(|f| to_json(&f).trim_matches('"').to_owned()),
        now,
    ])?;
    if let Some(cost) = draft.usage.as_ref().and_then(|u| u.cost.as_ref()) {
        super::spend::record(conn, id, cost.total, cost.computed)?;
    }
    Ok(())
}

/// Just what an estimate needs of a conversation: ids, parents, roles, text and status.
pub(crate) fn outline(conn: &Connection, conversation: &str) -> Result<Vec<StoredMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, parent_id, role, content, status FROM messages WHERE conversation_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([conversation], |row| {
        let role: String = row.get(2)?;
        let status: String = row.get(4)?;
        let role = if role == "user" { Role::User } else { Role::Assistant };
        let content: String = row.get(3)?;
        Ok(StoredMessage::new(row.get(0)?, row.get(1)?, role, &content, MessageStatus::parse(&status), 0))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The messages of one conversation as a tree, for walking branches.
pub(crate) struct Tree {
    pub messages: Vec<StoredMessage>,
    index: HashMap<String, usize>,
    /// Children of each message (`None`: the first questions), in the order written.
    children: HashMap<Option<String>, Vec<usize>>,
}

impl Tree {
    pub fn new(messages: Vec<StoredMessage>) -> Tree {
        let index = messages.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
        let mut children: HashMap<Option<String>, Vec<usize>> = HashMap::new();
        for (i, m) in messages.iter().enumerate() {
            children.entry(m.parent_id.clone()).or_default().push(i);
        }
        Tree { messages, index, children }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// From `id` down to the newest message below it (following the newest child each time).
    pub fn newest_leaf(&self, id: &str) -> Option<String> {
        let mut at = *self.index.get(id)?;
        while let Some(&child) = self.children.get(&Some(self.messages[at].id.clone())).and_then(|c| c.last()) {
            at = child;
        }
        Some(self.messages[at].id.clone())
    }

    /// The branch ending at `leaf`, oldest first, each with its versions filled in. An unknown
    /// leaf shows the newest branch.
    pub fn branch(mut self, leaf: Option<&str>) -> Vec<StoredMessage> {
        let leaf = leaf
            .filter(|l| self.contains(l))
            .map(str::to_owned)
            .or_else(|| self.children.get(&None).and_then(|roots| roots.last()).map(|&r| self.messages[r].id.clone()))
            .and_then(|start| self.newest_leaf(&start));
        let mut path = Vec::new();
        let mut at = leaf.and_then(|l| self.index.get(&l).copied());
        while let Some(i) = at {
            path.push(i);
            at = self.messages[i].parent_id.as_ref().and_then(|p| self.index.get(p).copied());
            if path.len() > self.messages.len() {
                break; // a cycle only a hand-edited file could have
            }
        }
        path.reverse();
        let versions: Vec<Versions> = path.iter().map(|&i| self.versions_of(i)).collect();
        let mut taken: Vec<Option<StoredMessage>> = std::mem::take(&mut self.messages).into_iter().map(Some).collect();
        path.iter()
            .zip(versions)
            .filter_map(|(&i, versions)| taken[i].take().map(|m| StoredMessage { versions, ..m }))
            .collect()
    }

    fn versions_of(&self, i: usize) -> Versions {
        let m = &self.messages[i];
        let siblings: Vec<String> = self
            .children
            .get(&m.parent_id)
            .map(|c| c.iter().filter(|&&s| self.messages[s].role == m.role).map(|&s| self.messages[s].id.clone()))
            .into_iter()
            .flatten()
            .collect();
        let index = siblings.iter().position(|s| *s == m.id).unwrap_or(0);
        Versions { index, count: siblings.len(), siblings }
    }

    pub fn versions(&self, id: &str) -> Versions {
        self.index.get(id).map(|&i| self.versions_of(i)).unwrap_or_default()
    }
}

fn leaf_of(conn: &Connection, conversation: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT leaf_id FROM conversations WHERE id = ?1", [conversation], |r| r.get(0))?)
}

fn options_of(conn: &Connection, conversation: &str) -> Result<Option<RequestOptions>> {
    let raw: Option<String> =
        conn.query_row("SELECT options FROM conversations WHERE id = ?1", [conversation], |r| r.get(0))?;
    Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Conversation> {
    let summary = conversations::get(conn, id)?;
    let leaf = leaf_of(conn, id)?;
    let messages = Tree::new(all(conn, id)?).branch(leaf.as_deref());
    Ok(Conversation { summary, options: options_of(conn, id)?, messages })
}

impl Db {
    /// A conversation with its shown branch; with `focus` (a search hit), the branch through that
    /// message becomes the shown one.
    pub fn open_conversation(&self, id: &str, focus: Option<&str>) -> Result<Conversation> {
        let conn = self.conn();
        conversations::get(&conn, id)?;
        if let Some(focus) = focus {
            let tree = Tree::new(all(&conn, id)?);
            if !tree.contains(focus) {
                return Err(Error::NotFound("message"));
            }
            let on_branch = {
                let leaf = leaf_of(&conn, id)?;
                Tree::new(tree.messages.clone()).branch(leaf.as_deref()).iter().any(|m| m.id == focus)
            };
            if !on_branch {
                conversations::set_leaf(&conn, id, tree.newest_leaf(focus).as_deref())?;
            }
        }
        load(&conn, id)
    }

    /// Shows the branch through `message` (another version of a question or an answer), down to
    /// its newest answer, and remembers it.
    pub fn select_version(&self, id: &str, message: &str) -> Result<Conversation> {
        let conn = self.conn();
        conversations::get(&conn, id)?;
        let tree = Tree::new(all(&conn, id)?);
        let leaf = tree.newest_leaf(message).ok_or(Error::NotFound("message"))?;
        conversations::set_leaf(&conn, id, Some(&leaf))?;
        load(&conn, id)
    }

    /// Saves an answer's progress or its end (see [`super::draft`]): its text, its spend row and
    /// its conversation's time in one transaction, so a failure leaves none of them half-written.
    pub fn save_answer(&self, id: &str, draft: &Draft, status: MessageStatus) -> Result<()> {
        let now = super::now_ms();
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        save_draft(&tx, id, draft, status, now)?;
        if status != MessageStatus::Streaming {
            tx.execute(
                "UPDATE conversations SET updated_at = max(updated_at, ?2)
                 WHERE id = (SELECT conversation_id FROM messages WHERE id = ?1)",
                params![id, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn message(&self, id: &str) -> Result<StoredMessage> {
        get(&self.conn(), id)
    }
}
