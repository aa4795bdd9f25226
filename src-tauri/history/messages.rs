//! The `messages` table: questions and answers as a tree (`parent_id`), the branch a conversation
//! shows, and the versions (siblings) of each message on it.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::conversations;
use super::db::{now_ms, Db};
use super::draft::Draft;
use super::error::{Error, Result};
use super::rows::{Conversation, MessageStatus, StoredError, StoredMessage, Versions};
use super::spend;
use super::tree::Tree;
use crate::api::{RequestOptions, Role, Usage};

pub(crate) const COLUMNS: &str = "id, parent_id, role, content, reasoning, queries, sources, images, related, usage, \
                                  model, status, error, finish, created_at, updated_at";

fn json<T: serde::de::DeserializeOwned + Default>(raw: Option<String>) -> T {
    raw.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
}

pub(crate) fn message_from(row: &Row) -> rusqlite::Result<StoredMessage> {
    let role: String = row.get("role")?;
    let finish: Option<String> = row.get("finish")?;
    Ok(StoredMessage {
        id: row.get("id")?,
        parent_id: row.get("parent_id")?,
        role: if role == "user" { Role::User } else { Role::Assistant },
        content: row.get("content")?,
        reasoning: row.get("reasoning")?,
        queries: json(row.get("queries")?),
        sources: json(row.get("sources")?),
        images: json(row.get("images")?),
        related: json(row.get("related")?),
        usage: json::<Option<Usage>>(row.get("usage")?),
        model: row.get("model")?,
        status: MessageStatus::parse(&row.get::<_, String>("status")?),
        error: json::<Option<StoredError>>(row.get("error")?),
        finish: finish.and_then(|f| serde_json::from_value(serde_json::Value::String(f)).ok()),
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
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
    conn.query_row("SELECT conversation_id FROM messages WHERE id = ?1", [message], |r| r.get("conversation_id"))
        .optional()?
        .ok_or(Error::NotFound("message"))
}

pub(crate) fn mark_streaming_interrupted(conn: &Connection, now: i64) -> Result<usize> {
    // A background run goes on without us: it is followed again by its id (`super::runs`).
    Ok(conn.execute(
        "UPDATE messages SET status = 'interrupted', updated_at = ?1 WHERE status = 'streaming' AND run_id IS NULL",
        [now],
    )?)
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
        spend::record(conn, id, cost.total, cost.computed)?;
    }
    Ok(())
}

/// Just what an estimate needs of a conversation: ids, parents, roles, text and status.
pub(crate) fn outline(conn: &Connection, conversation: &str) -> Result<Vec<StoredMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, parent_id, role, content, status FROM messages WHERE conversation_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([conversation], |row| {
        let role: String = row.get("role")?;
        let status: String = row.get("status")?;
        let role = if role == "user" { Role::User } else { Role::Assistant };
        let content: String = row.get("content")?;
        Ok(StoredMessage::new(row.get("id")?, row.get("parent_id")?, role, &content, MessageStatus::parse(&status), 0))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn leaf_of(conn: &Connection, conversation: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT leaf_id FROM conversations WHERE id = ?1", [conversation], |r| r.get("leaf_id"))?)
}

fn options_of(conn: &Connection, conversation: &str) -> Result<Option<RequestOptions>> {
    let raw: Option<String> =
        conn.query_row("SELECT options FROM conversations WHERE id = ?1", [conversation], |r| r.get("options"))?;
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
        let now = now_ms();
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
