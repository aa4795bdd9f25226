//! Schema versions. `PRAGMA user_version` says which migrations a file has had; each runs once,
//! in its own transaction, so a crash mid-migration leaves the previous version intact.
//!
//! Rules for adding one: append to [`MIGRATIONS`], never edit a shipped step, and add a test that
//! upgrades a file of the previous version with data in it.

use rusqlite::Connection;

use super::error::{Error, Result};

/// Version 1: conversations and their message trees.
const V1_TABLES: &str = r#"
CREATE TABLE conversations (
    seq        INTEGER PRIMARY KEY,         -- stable rowid for the search index
    id         TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    title_auto INTEGER NOT NULL DEFAULT 1,  -- 1 while the title is the first question's
    model      TEXT NOT NULL DEFAULT '',    -- of the last question
    options    TEXT,                        -- JSON RequestOptions of the last question
    pinned     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,            -- unix ms
    updated_at INTEGER NOT NULL,
    leaf_id    TEXT,                        -- the last message of the branch shown
    deleted_at INTEGER                      -- set by Delete until Undo or the next start
);
CREATE INDEX conversations_by_recency
    ON conversations (pinned DESC, updated_at DESC, seq DESC) WHERE deleted_at IS NULL;

CREATE TABLE messages (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    parent_id       TEXT REFERENCES messages (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL DEFAULT '',
    reasoning       TEXT NOT NULL DEFAULT '',
    queries         TEXT NOT NULL DEFAULT '[]',  -- JSON arrays, as sent to the UI
    sources         TEXT NOT NULL DEFAULT '[]',
    images          TEXT NOT NULL DEFAULT '[]',
    related         TEXT NOT NULL DEFAULT '[]',
    usage           TEXT,                        -- JSON Usage
    cost            REAL,                        -- usage.cost.total, for totals
    model           TEXT,
    status          TEXT NOT NULL CHECK (status IN ('streaming', 'complete', 'interrupted', 'error')),
    error           TEXT,                        -- JSON {kind, message, retryAfter}
    finish          TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
CREATE INDEX messages_by_parent ON messages (parent_id);
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';
"#;

/// Version 2: full-text search over message text and titles (FTS5, external content, so the text
/// is stored once). An answer is indexed when it stops streaming: re-indexing it on every
/// once-a-second checkpoint would be wasted work.
const V2_SEARCH: &str = r#"
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title, content = 'conversations', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status <> 'streaming' BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;
-- One trigger for both halves: SQLite runs triggers of the same event newest first, so two
-- would index the new text before removing the old one under the same rowid.
CREATE TRIGGER messages_fts_update AFTER UPDATE ON messages
WHEN old.status <> 'streaming' OR new.status <> 'streaming' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
        SELECT 'delete', old.seq, old.content WHERE old.status <> 'streaming';
    INSERT INTO messages_fts (rowid, content) SELECT new.seq, new.content WHERE new.status <> 'streaming';
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.status <> 'streaming' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;

CREATE TRIGGER titles_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO titles_fts (rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER titles_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.seq, old.title);
    INSERT INTO titles_fts (rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER titles_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.seq, old.title);
END;

-- What version 1 already holds.
INSERT INTO messages_fts (rowid, content) SELECT seq, content FROM messages WHERE status <> 'streaming';
INSERT INTO titles_fts (rowid, title) SELECT seq, title FROM conversations;
"#;

/// Every migration, oldest first; the file's version is the number applied.
/// What was spent, answer by answer: kept when a conversation is deleted (the money is gone
/// either way), never written by an import (not spent here). `at` is when the answer was asked.
const V3_SPEND: &str = r#"
CREATE TABLE spend (
    message_id      TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    model           TEXT NOT NULL DEFAULT '',
    cost            REAL NOT NULL,
    computed        INTEGER NOT NULL DEFAULT 0,  -- 1: computed from the price table
    at              INTEGER NOT NULL             -- unix ms
) WITHOUT ROWID;
CREATE INDEX spend_by_time ON spend (at, model, cost, computed);

-- Answers saved before there was a ledger.
INSERT INTO spend (message_id, conversation_id, model, cost, computed, at)
    SELECT id, conversation_id, coalesce(model, ''), cost,
           coalesce(json_extract(usage, '$.cost.computed'), 0), created_at
    FROM messages WHERE role = 'assistant' AND cost IS NOT NULL;
"#;

/// Version 4: prefix indexes of one and two characters on both search indexes. The last typed
/// word matches as a prefix, and without these a short one ("t", "in") makes FTS5 merge the
/// posting lists of every word starting with it, twice (the match and BM25's count): up to a
/// second per keystroke over 200,000 messages, under 20 ms with them (bench/seed). They take
/// about as much room again as the index itself. Rebuilt the way version 2 built them: answers
/// still streaming stay out.
const V4_PREFIX: &str = r#"
DROP TABLE messages_fts;
DROP TABLE titles_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);
CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title, content = 'conversations', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);
INSERT INTO messages_fts (rowid, content) SELECT seq, content FROM messages WHERE status <> 'streaming';
INSERT INTO titles_fts (rowid, title) SELECT seq, title FROM conversations;
"#;

/// Version 5: the ledger by model and time, so an estimate can read a preset's or model's recent
/// actual costs (`Db::recent_costs`) without walking every answer of the period.
const V5_SPEND_BY_MODEL: &str = r#"
CREATE INDEX spend_by_model ON spend (model, at, cost, computed);
"#;

/// Version 6: an answer that is a background run on the server keeps the run's id (`resp_…`), so
/// a run still going when Citewise quit, crashed or was killed is followed again on the next
/// start instead of being marked interrupted. No index of its own: the runs to follow are among
/// the answers still streaming, which `messages_streaming` (v1) finds; an index here would cost
/// a scan of every message on the upgrade (380 ms over 200,000, bench/results/notes.md).
const V6_RUNS: &str = r#"
ALTER TABLE messages ADD COLUMN run_id TEXT;
"#;

pub const MIGRATIONS: &[&str] = &[V1_TABLES, V2_SEARCH, V3_SPEND, V4_PREFIX, V5_SPEND_BY_MODEL, V6_RUNS];

/// The version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get("user_version"))?)
}

/// Brings the file up to [`LATEST`]; refuses (and changes nothing) if it is newer.
pub fn migrate(conn: &Connection) -> Result<()> {
    migrate_to(conn, LATEST)
}

/// Applies the migrations up to `target` (tests build files of earlier versions with it).
pub fn migrate_to(conn: &Connection, target: i64) -> Result<()> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(Error::TooNew { found, known: LATEST });
    }
    migrate_from(conn, found, target)
}

/// Applies each step from `found` up to `target` in its own write transaction, taken before the
/// version is read again: another process that migrated the same file meanwhile (two Citewise
/// on one data folder, a backup tool) is seen, and its steps are not run a second time.
fn migrate_from(conn: &Connection, found: i64, target: i64) -> Result<()> {
    for step in found..target {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let applied = (|| {
            let now = version(conn)?;
            if now > LATEST {
                return Err(Error::TooNew { found: now, known: LATEST });
            }
            if now > step {
                return Ok(());
            }
            conn.execute_batch(MIGRATIONS[step as usize])?;
            conn.pragma_update(None, "user_version", step + 1)?;
            Ok(())
        })();
        match applied {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT type || ' ' || name AS object FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1",
            )
            .unwrap();
        stmt.query_map([], |r| r.get("object")).unwrap().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn an_empty_file_gets_every_migration() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        assert_eq!(version(&conn).unwrap(), LATEST);
        let objects = objects(&conn);
        for name in ["table conversations", "table messages", "table messages_fts", "trigger messages_fts_update"] {
            assert!(objects.iter().any(|o| o == name), "{name} missing from {objects:?}");
        }
        migrate(&conn).unwrap();
        assert_eq!(version(&conn).unwrap(), LATEST, "running again changes nothing");
    }

    #[test]
    fn every_earlier_version_upgrades_to_the_same_schema() {
        let fresh = Connection::open_in_memory().unwrap();
        migrate(&fresh).unwrap();
        for start in 0..LATEST {
            let conn = Connection::open_in_memory().unwrap();
            migrate_to(&conn, start).unwrap();
            assert_eq!(version(&conn).unwrap(), start);
            migrate(&conn).unwrap();
            assert_eq!(objects(&conn), objects(&fresh), "from version {start}");
        }
    }

    /// A file at `version` with one conversation (a question, an answer, an answer still
    /// streaming), upgraded to the latest version.
    fn upgraded_from(version: i64) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, version).unwrap();
        conn.execute_batch(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'Everest height', 1, 1);
             INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)
                 VALUES ('m1', 'c', 'user', 'How high is Everest?', 'complete', 1, 1),
                        ('m2', 'c', 'assistant', 'It is 8849 metres tall.', 'complete', 2, 2),
                        ('m3', 'c', 'assistant', 'half an answer about glaciers', 'streaming', 3, 3);",
        )
        .unwrap();
        migrate(&conn).unwrap();
        conn
    }

    /// How many rows of the search index `table` match the FTS5 query `q`.
    fn hits(conn: &Connection, table: &str, q: &str) -> i64 {
        conn.query_row(&format!("SELECT count(*) AS n FROM {table} WHERE {table} MATCH ?1"), [q], |r| r.get("n"))
            .unwrap()
    }

    #[test]
    fn a_version_1_file_with_data_is_searchable_after_the_upgrade() {
        let conn = upgraded_from(1);
        let hits = |table: &str, q: &str| hits(&conn, table, q);
        assert_eq!(hits("messages_fts", "metres"), 1);
        assert_eq!(hits("titles_fts", "everest"), 1);
        assert_eq!(hits("messages_fts", "glaciers"), 0, "a streaming answer is indexed when it ends");
        conn.execute("UPDATE messages SET status = 'interrupted' WHERE id = 'm3'", []).unwrap();
        assert_eq!(hits("messages_fts", "glaciers"), 1);
    }

    #[test]
    fn a_version_2_file_s_costs_enter_the_spending_ledger() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, 2).unwrap();
        conn.execute_batch(
            r#"INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 'Everest', 1, 1);
               INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at, model, usage, cost)
                 VALUES ('q', 'c', 'user', 'How high?', 'complete', 1, 1, NULL, NULL, NULL),
                        ('a', 'c', 'assistant', '8849 m', 'complete', 2, 2, 'sonar',
                         '{"cost": {"total": 0.00501, "computed": false}}', 0.00501),
                        ('b', 'c', 'assistant', '8,849 m', 'complete', 3, 3, 'gpt-4o-mini',
                         '{"cost": {"total": 0.0002, "computed": true}}', 0.0002),
                        ('e', 'c', 'assistant', '', 'error', 4, 4, 'sonar', NULL, NULL);"#,
        )
        .unwrap();
        migrate(&conn).unwrap();
        let rows: Vec<(String, String, f64, bool, i64)> = conn
            .prepare("SELECT message_id, model, cost, computed, at FROM spend ORDER BY at")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get("message_id")?, r.get("model")?, r.get("cost")?, r.get("computed")?, r.get("at")?))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            rows,
            [("a".into(), "sonar".into(), 0.00501, false, 2), ("b".into(), "gpt-4o-mini".into(), 0.0002, true, 3)]
        );
    }

    #[test]
    fn a_version_3_file_gets_prefix_indexes_and_stays_consistent() {
        let conn = upgraded_from(3);
        let sql: String =
            conn.query_row("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'", [], |r| r.get("sql")).unwrap();
        assert!(sql.contains("prefix = '1 2'"), "{sql}");
        let hits = |table: &str, q: &str| hits(&conn, table, q);
        assert_eq!(hits("messages_fts", "\"m\"*"), 1, "metres, through the prefix index");
        assert_eq!(hits("messages_fts", "\"hi\"*"), 1);
        assert_eq!(hits("titles_fts", "\"e\"*"), 1);
        assert_eq!(hits("messages_fts", "\"g\"*"), 0, "a streaming answer stays out");
        // The triggers keep working on the new tables.
        conn.execute("UPDATE messages SET status = 'interrupted' WHERE id = 'm3'", []).unwrap();
        conn.execute("UPDATE conversations SET title = 'K2' WHERE id = 'c'", []).unwrap();
        conn.execute("DELETE FROM messages WHERE id = 'm2'", []).unwrap();
        assert_eq!(hits("messages_fts", "\"g\"*"), 1);
        assert_eq!(hits("messages_fts", "\"me\"*"), 0);
        assert_eq!(hits("titles_fts", "\"k\"*"), 1);
        for table in ["messages_fts", "titles_fts"] {
            conn.execute(&format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"), []).unwrap();
        }
    }

    #[test]
    fn a_version_4_file_with_spending_gets_the_ledger_by_model() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO spend (message_id, conversation_id, model, cost, computed, at)
                 VALUES ('a', 'c', 'fast', 0.00105, 0, 10), ('b', 'c', 'fast', 0.00125, 0, 20);",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT cost FROM spend WHERE model = 'fast' AND computed = 0 AND at >= 0
                 ORDER BY at DESC LIMIT 20",
                [],
                |r| r.get("detail"),
            )
            .unwrap();
        assert!(plan.contains("spend_by_model"), "{plan}");
        let costs: Vec<f64> = conn
            .prepare("SELECT cost FROM spend WHERE model = 'fast' ORDER BY at DESC")
            .unwrap()
            .query_map([], |r| r.get("cost"))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(costs, [0.00125, 0.00105]);
    }

    /// Two processes open the same old file: the second read the version before the first
    /// migrated it. It ran the steps again ("table conversations already exists").
    #[test]
    fn regression_a_file_migrated_meanwhile_by_another_process_is_not_migrated_twice() {
        let path = std::env::temp_dir().join(format!("citewise-migrate-{}.sqlite3", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let first = Connection::open(&path).unwrap();
        let second = Connection::open(&path).unwrap();
        let stale = version(&second).unwrap();
        migrate(&first).unwrap();
        migrate_from(&second, stale, LATEST).unwrap();
        assert_eq!(version(&second).unwrap(), LATEST);
        assert_eq!(objects(&second), objects(&first));
        drop((first, second));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_newer_file_is_refused_untouched() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1).unwrap();
        assert!(matches!(migrate(&conn), Err(Error::TooNew { .. })));
        assert_eq!(version(&conn).unwrap(), LATEST + 1);
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, 1).unwrap();
        // Something in the way of version 2: its CREATE fails, nothing of it remains.
        conn.execute_batch("CREATE TABLE titles_fts (x)").unwrap();
        assert!(migrate(&conn).is_err());
        assert_eq!(version(&conn).unwrap(), 1);
        assert!(!objects(&conn).iter().any(|o| o == "table messages_fts"), "rolled back");
    }
}
