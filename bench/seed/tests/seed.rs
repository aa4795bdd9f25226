//! The generated history: deterministic, exactly the asked counts, written through the app's
//! code with a consistent index, and usable by the app's queries.

use std::path::PathBuf;

use citewise::history::{self, Db};
use citewise_seed::{content_hash, plan, seed, Config, LONG_CONVERSATION_ID};
use rusqlite::Connection;

fn small() -> Config {
    Config { conversations: 40, messages: 900, seed: 7, long: 120, batch: 16, ..Config::default() }
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("citewise-seed-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn seeded(name: &str, config: &Config) -> (PathBuf, Connection) {
    let dir = tempdir(name);
    seed(&dir, config).unwrap();
    let conn = Connection::open(dir.join(history::FILE_NAME)).unwrap();
    (dir, conn)
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_content_and_another_seed_does_not() {
    let (a, conn_a) = seeded("same-a", &small());
    // A different batch size changes the transactions, not the content.
    let (b, conn_b) = seeded("same-b", &Config { batch: 7, ..small() });
    let (c, conn_c) = seeded("other", &Config { seed: 8, ..small() });
    let hash = content_hash(&conn_a).unwrap();
    assert_eq!(hash, content_hash(&conn_b).unwrap());
    assert_ne!(hash, content_hash(&conn_c).unwrap());
    let first = |conn: &Connection| -> Vec<(String, String, i64)> {
        conn.prepare("SELECT id, content, created_at FROM messages ORDER BY seq LIMIT 50")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(first(&conn_a), first(&conn_b));
    for dir in [a, b, c] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn counts_are_exact_and_the_history_looks_lived_in() {
    let config = small();
    let (dir, conn) = seeded("counts", &config);
    assert_eq!(count(&conn, "SELECT count(*) FROM conversations"), config.conversations as i64);
    assert_eq!(count(&conn, "SELECT count(*) FROM messages"), config.messages as i64);
    assert_eq!(
        count(&conn, &format!("SELECT count(*) FROM messages WHERE conversation_id = '{LONG_CONVERSATION_ID}'")),
        config.long as i64
    );
    assert!(count(&conn, "SELECT count(*) FROM conversations WHERE pinned = 1") >= 1);
    assert!(count(&conn, "SELECT count(*) FROM messages WHERE role = 'user'") * 2 >= config.messages as i64 - 50);
    let cited = "SELECT count(*) FROM messages WHERE role = 'assistant' AND content LIKE '%[1]%' AND sources <> '[]'";
    assert!(count(&conn, cited) > 100);
    // Versions: a question with an edited sibling, an answer with a regenerated one.
    let siblings = "SELECT count(*) FROM messages m WHERE EXISTS (SELECT 1 FROM messages s
                    WHERE s.parent_id IS m.parent_id AND s.conversation_id = m.conversation_id
                    AND s.role = m.role AND s.id <> m.id)";
    assert!(count(&conn, siblings) > 0);
    // Every priced answer is in the ledger, once.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM spend"),
        count(&conn, "SELECT count(*) FROM messages WHERE role = 'assistant' AND cost IS NOT NULL")
    );
    // Dates: within the two years before "now", none after it.
    let now = config.now_ms;
    assert_eq!(count(&conn, &format!("SELECT count(*) FROM messages WHERE updated_at > {now}")), 0);
    assert!(count(&conn, "SELECT min(created_at) FROM conversations") >= now - 731 * 86_400_000);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_index_is_the_app_s_and_consistent() {
    let (dir, conn) = seeded("index", &small());
    for table in ["messages_fts", "titles_fts"] {
        conn.execute(&format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"), []).unwrap();
    }
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, history::schema::LATEST);
    let indexed = count(&conn, "SELECT count(*) FROM messages WHERE status <> 'streaming'");
    let fts_rows = count(&conn, "SELECT count(*) FROM messages_fts_docsize");
    assert_eq!(indexed, fts_rows);
    drop(conn);

    // The app opens it and finds things in it.
    let (db, notice) = history::open_in(&dir);
    assert_eq!(notice, None);
    db.recover().unwrap();
    let page = db.list_conversations(None, 60).unwrap();
    assert_eq!(page.items.len(), 40);
    assert!(page.items[0].pinned, "pinned first");
    let long = db.open_conversation(LONG_CONVERSATION_ID, None).unwrap();
    assert!(long.messages.len() >= 60, "{}", long.messages.len());
    assert!(!db.search("the", 50).unwrap().is_empty());
    assert!(db.search("qwertyuiop", 50).unwrap().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_existing_history_is_never_overwritten_and_impossible_sizes_are_refused() {
    let dir = tempdir("exists");
    std::fs::create_dir_all(&dir).unwrap();
    Db::open(&dir.join(history::FILE_NAME)).unwrap();
    assert!(seed(&dir, &small()).unwrap_err().contains("exists already"));
    assert!(plan(&Config { conversations: 10, messages: 15, long: 0, ..small() }).is_err());
    assert!(plan(&Config { conversations: 10, messages: 20, long: 0, ..small() }).is_ok());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_default_plan_has_the_benchmark_s_shape() {
    let specs = plan(&Config::default()).unwrap();
    assert_eq!(specs.len(), 10_000);
    assert_eq!(specs.iter().map(|s| s.messages).sum::<usize>(), 200_000);
    let long: Vec<_> = specs.iter().filter(|s| s.id == LONG_CONVERSATION_ID).collect();
    assert_eq!(long.len(), 1);
    assert_eq!(long[0].messages, 500);
    assert!(specs.windows(2).all(|w| w[0].created_at <= w[1].created_at));
    let ids: std::collections::HashSet<_> = specs.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), specs.len());
}

/// The content of a small seed, pinned: a change here means every earlier benchmark result was
/// measured on different data (update the hash on purpose, and say so in BENCHMARKS.md).
#[test]
fn the_content_of_a_small_seed_is_pinned() {
    let (dir, conn) = seeded("pinned", &Config { conversations: 12, messages: 200, seed: 42, long: 40, ..small() });
    assert_eq!(format!("{:016x}", content_hash(&conn).unwrap()), "81480687757bec49");
    let _ = std::fs::remove_dir_all(dir);
}
