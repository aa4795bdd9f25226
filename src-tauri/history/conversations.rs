//! The `conversations` table: the sidebar's rows, paged newest first with pinned ones on top,
//! rename, pin, delete with undo.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::db::{now_ms, Db};
use super::error::{Error, Result};
use super::rows::{ConversationPage, ConversationSummary};

/// The most rows one page may ask for.
pub const MAX_PAGE: usize = 500;

pub(crate) const SUMMARY_COLUMNS: &str = "id, title, pinned, created_at, updated_at, model";

pub(crate) fn summary_from(row: &Row) -> rusqlite::Result<ConversationSummary> {
    Ok(ConversationSummary {
        id: row.get("id")?,
        title: row.get("title")?,
        pinned: row.get("pinned")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        model: row.get("model")?,
    })
}

/// Where a page ends: the sort key of its last row.
#[derive(Debug, PartialEq)]
struct Cursor {
    pinned: bool,
    updated_at: i64,
    seq: i64,
}

impl Cursor {
    fn encode(&self) -> String {
        format!("{}.{}.{}", u8::from(self.pinned), self.updated_at, self.seq)
    }

    fn decode(s: &str) -> Result<Cursor> {
        let bad = || Error::BadRequest(format!("“{s}” is not a page cursor"));
        let mut parts = s.split('.');
        let mut next = || parts.next().and_then(|p| p.parse::<i64>().ok()).ok_or_else(bad);
        let cursor = Cursor { pinned: next()? != 0, updated_at: next()?, seq: next()? };
        Ok(cursor)
    }
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<ConversationSummary> {
    conn.query_row(
        &format!("SELECT {SUMMARY_COLUMNS} FROM conversations WHERE id = ?1 AND deleted_at IS NULL"),
        [id],
        summary_from,
    )
    .optional()?
    .ok_or(Error::NotFound("conversation"))
}

pub(crate) fn insert(conn: &Connection, id: &str, title: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        params![id, title, now],
    )?;
    Ok(())
}

/// After a question: the model and options it used, the branch now shown, the time.
pub(crate) fn touch(conn: &Connection, id: &str, model: &str, options: &str, leaf: &str, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE conversations SET model = ?2, options = ?3, leaf_id = ?4, updated_at = max(updated_at, ?5)
         WHERE id = ?1",
        params![id, model, options, leaf, now],
    )?;
    Ok(())
}

pub(crate) fn set_leaf(conn: &Connection, id: &str, leaf: Option<&str>) -> Result<()> {
    conn.execute("UPDATE conversations SET leaf_id = ?2 WHERE id = ?1", params![id, leaf])?;
    Ok(())
}

pub(crate) fn set_auto_title(conn: &Connection, id: &str, title: &str) -> Result<()> {
    conn.execute("UPDATE conversations SET title = ?2 WHERE id = ?1 AND title_auto = 1", params![id, title])?;
    Ok(())
}

/// Conversations deleted before this start are removed with their messages.
pub(crate) fn purge_deleted(conn: &Connection) -> Result<usize> {
    Ok(conn.execute("DELETE FROM conversations WHERE deleted_at IS NOT NULL", [])?)
}

/// A conversation's automatic title: the first question on one line, cut at a word boundary.
pub fn title_from(question: &str) -> String {
    const MAX: usize = 48;
    let flat = question.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX {
        return if flat.is_empty() { "New chat".into() } else { flat };
    }
    let cut: String = flat.chars().take(MAX - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if cut[..space].chars().count() > MAX / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', '.', ';', ':', '–', '-']))
}

impl Db {
    /// One page of the sidebar: pinned first, then by last activity, newest first. Keyset paging,
    /// so page 100 costs what page 1 does.
    pub fn list_conversations(&self, cursor: Option<&str>, limit: usize) -> Result<ConversationPage> {
        let limit = limit.clamp(1, MAX_PAGE);
        let after = cursor.map(Cursor::decode).transpose()?;
        let conn = self.conn();
        let base = format!("SELECT {SUMMARY_COLUMNS}, seq FROM conversations WHERE deleted_at IS NULL");
        let order = "ORDER BY pinned DESC, updated_at DESC, seq DESC LIMIT ?";
        let map = |row: &Row| Ok((summary_from(row)?, row.get::<_, i64>("seq")?));
        let rows: Vec<(ConversationSummary, i64)> = match after {
            None => conn
                .prepare_cached(&format!("{base} {order}"))?
                .query_map([limit + 1], map)?
                .collect::<rusqlite::Result<_>>()?,
            Some(c) => conn
                .prepare_cached(&format!("{base} AND (pinned, updated_at, seq) < (?, ?, ?) {order}"))?
                .query_map(params![c.pinned, c.updated_at, c.seq, limit + 1], map)?
                .collect::<rusqlite::Result<_>>()?,
        };
        let more = rows.len() > limit;
        let mut items = Vec::with_capacity(limit.min(rows.len()));
        let mut last = None;
        for (summary, seq) in rows.into_iter().take(limit) {
            last = Some(Cursor { pinned: summary.pinned, updated_at: summary.updated_at, seq });
            items.push(summary);
        }
        let next_cursor = if more { last.map(|c| c.encode()) } else { None };
        Ok(ConversationPage { items, next_cursor })
    }

    pub fn conversation(&self, id: &str) -> Result<ConversationSummary> {
        get(&self.conn(), id)
    }

    /// A title the person chose; it is never replaced by an automatic one again.
    pub fn rename_conversation(&self, id: &str, title: &str) -> Result<ConversationSummary> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(Error::BadRequest("A conversation needs a title.".into()));
        }
        if title.chars().count() > 200 {
            return Err(Error::BadRequest("Titles can be at most 200 characters long.".into()));
        }
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE conversations SET title = ?2, title_auto = 0 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, title],
        )?;
        if n == 0 {
            return Err(Error::NotFound("conversation"));
        }
        get(&conn, id)
    }

    pub fn pin_conversation(&self, id: &str, pinned: bool) -> Result<ConversationSummary> {
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE conversations SET pinned = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, pinned],
        )?;
        if n == 0 {
            return Err(Error::NotFound("conversation"));
        }
        get(&conn, id)
    }

    /// Hides a conversation until [`Db::restore_conversation`] or the next start, which removes
    /// it for good.
    pub fn delete_conversation(&self, id: &str) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE conversations SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, now_ms()],
        )?;
        if n == 0 {
            return Err(Error::NotFound("conversation"));
        }
        Ok(())
    }

    pub fn restore_conversation(&self, id: &str) -> Result<ConversationSummary> {
        let conn = self.conn();
        let n = conn.execute("UPDATE conversations SET deleted_at = NULL WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(Error::NotFound("conversation"));
        }
        get(&conn, id)
    }

    /// Gives every conversation whose model is a key of `successors` the model it maps to, in one
    /// transaction; returns how many changed. Their answers keep the model that gave them.
    pub fn rename_models(&self, successors: &[(&str, &str)]) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut changed = 0;
        {
            let mut stmt = tx.prepare("UPDATE conversations SET model = ?2 WHERE model = ?1")?;
            for (old, new) in successors {
                changed += stmt.execute(rusqlite::params![old, new])?;
            }
        }
        tx.commit()?;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_the_first_question_on_one_line() {
        assert_eq!(title_from("  How high is\n Everest? "), "How high is Everest?");
        assert_eq!(title_from(""), "New chat");
        let long = title_from("Compare the memory models of Rust, Go and Swift, with examples for each of them");
        assert_eq!(long, "Compare the memory models of Rust, Go and…");
        assert!(long.chars().count() <= 48);
        let unbroken = title_from(&"ü".repeat(100));
        assert_eq!(unbroken.chars().count(), 48, "cut on characters, not bytes");
    }

    /// `n` conversations, the i-th last active at time i.
    fn db_with(n: i64) -> Db {
        let db = Db::open_in_memory().unwrap();
        {
            let conn = db.conn();
            for i in 0..n {
                insert(&conn, &format!("c{i}"), &format!("Conversation {i}"), i).unwrap();
            }
        }
        db
    }

    fn ids(page: &ConversationPage) -> Vec<&str> {
        page.items.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn sonar_conversations_move_to_their_agent_api_models() {
        let db = db_with(6);
        let models = ["sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research", "fast", "gpt-4o-mini"];
        for (i, model) in models.iter().enumerate() {
            db.configure_conversation(&format!("c{i}"), model, &Default::default()).unwrap();
        }
        assert_eq!(db.rename_models(&crate::api::SONAR_SUCCESSORS).unwrap(), 4);
        let now: Vec<String> =
            (0..6).map(|i| db.open_conversation(&format!("c{i}"), None).unwrap().summary.model).collect();
        assert_eq!(now, ["perplexity/sonar", "low", "low", "medium", "fast", "gpt-4o-mini"]);
        assert_eq!(db.rename_models(&crate::api::SONAR_SUCCESSORS).unwrap(), 0, "a second run changes nothing");
    }

    #[test]
    fn pages_walk_every_conversation_once_newest_first_with_pinned_on_top() {
        let db = db_with(25);
        db.pin_conversation("c3", true).unwrap();
        db.pin_conversation("c7", true).unwrap();
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = db.list_conversations(cursor.as_deref(), 10).unwrap();
            assert!(page.items.len() <= 10);
            seen.extend(ids(&page).into_iter().map(String::from));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut expected = vec!["c7".to_string(), "c3".to_string()];
        expected.extend((0..25).rev().filter(|i| *i != 3 && *i != 7).map(|i| format!("c{i}")));
        assert_eq!(seen, expected);
    }

    #[test]
    fn equal_times_still_page_without_gaps_or_repeats() {
        let db = Db::open_in_memory().unwrap();
        {
            let conn = db.conn();
            for i in 0..7 {
                insert(&conn, &format!("c{i}"), "Same time", 1000).unwrap();
            }
        }
        let first = db.list_conversations(None, 3).unwrap();
        let second = db.list_conversations(first.next_cursor.as_deref(), 3).unwrap();
        let third = db.list_conversations(second.next_cursor.as_deref(), 3).unwrap();
        let all: Vec<_> = [ids(&first), ids(&second), ids(&third)].concat();
        assert_eq!(all, ["c6", "c5", "c4", "c3", "c2", "c1", "c0"]);
        assert_eq!(third.next_cursor, None);
    }

    #[test]
    fn the_page_query_uses_the_recency_index() {
        let db = db_with(3);
        let conn = db.conn();
        let plan: Vec<String> = conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT id FROM conversations WHERE deleted_at IS NULL
                 AND (pinned, updated_at, seq) < (0, 5, 5) ORDER BY pinned DESC, updated_at DESC, seq DESC LIMIT 10",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>("detail"))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let plan = plan.join(" | ");
        assert!(plan.contains("conversations_by_recency"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "no sort of the whole table: {plan}");
    }

    #[test]
    fn a_bad_cursor_is_a_bad_request() {
        let db = db_with(1);
        assert!(matches!(db.list_conversations(Some("nonsense"), 5), Err(Error::BadRequest(_))));
        assert_eq!(Cursor::decode("1.42.7").unwrap(), Cursor { pinned: true, updated_at: 42, seq: 7 });
    }

    #[test]
    fn rename_trims_refuses_empty_and_sticks() {
        let db = db_with(1);
        let renamed = db.rename_conversation("c0", "  Tax \n questions ").unwrap();
        assert_eq!(renamed.title, "Tax questions");
        assert!(matches!(db.rename_conversation("c0", "   "), Err(Error::BadRequest(_))));
        set_auto_title(&db.conn(), "c0", "From an edited first question").unwrap();
        assert_eq!(db.conversation("c0").unwrap().title, "Tax questions", "a chosen title stays");
        assert!(matches!(db.rename_conversation("nope", "x"), Err(Error::NotFound(_))));
    }

    #[test]
    fn delete_hides_restore_brings_back_and_the_next_start_purges() {
        let db = db_with(3);
        db.delete_conversation("c1").unwrap();
        assert_eq!(ids(&db.list_conversations(None, 10).unwrap()), ["c2", "c0"]);
        assert!(matches!(db.conversation("c1"), Err(Error::NotFound(_))));
        assert!(matches!(db.delete_conversation("c1"), Err(Error::NotFound(_))));
        assert_eq!(db.restore_conversation("c1").unwrap().id, "c1");
        assert_eq!(ids(&db.list_conversations(None, 10).unwrap()), ["c2", "c1", "c0"]);
        db.delete_conversation("c2").unwrap();
        db.recover().unwrap();
        assert!(matches!(db.restore_conversation("c2"), Err(Error::NotFound(_))), "gone for good");
        let left: i64 = db.conn().query_row("SELECT count(*) AS n FROM conversations", [], |r| r.get("n")).unwrap();
        assert_eq!(left, 2);
    }
}
