//! A deterministic large history for Citewise's benchmarks: by default 10,000 conversations and
//! 200,000 messages over the two years before a fixed "now", one of them 500 messages long.
//! The same options give the same content, byte for byte.
//!
//! Everything is written through the app's own code: the conversations are built as the app's
//! JSON export ([`ExportedConversation`]) and go in through [`Db::import`] (in batches, each one
//! transaction), so the schema, the triggers and the FTS5 index are exactly the app's. The one
//! thing an import never writes is the spending ledger (imported answers were not paid for
//! here); [`fill_ledger`] adds it with the app's own backfill rule, as if every answer had been
//! asked on this machine.

pub mod conversation;
pub mod rng;
pub mod text;
pub mod words;

use std::path::{Path, PathBuf};

use citewise::history::export::{ExportedConversation, FORMAT, VERSION};
use citewise::history::{Db, FILE_NAME};
use rusqlite::Connection;

use conversation::Spec;
use rng::Rng;
use text::Writer;
use words::Vocabulary;

/// The 500-message conversation ("open a long conversation"), the same id for every seed.
pub const LONG_CONVERSATION_ID: &str = "10a90000-0000-4000-8000-000000000500";

/// 2026-11-01T00:00:00Z: the default "now"; dates spread over the two years before it.
pub const DEFAULT_NOW_MS: i64 = 1_793_491_200_000;

const DAY: i64 = 24 * 60 * 60 * 1000;
const SPAN: i64 = 730 * DAY;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub conversations: usize,
    pub messages: usize,
    pub seed: u64,
    pub now_ms: i64,
    /// Messages in the long conversation (0: none).
    pub long: usize,
    /// Conversations per import (one transaction each).
    pub batch: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { conversations: 10_000, messages: 200_000, seed: 42, now_ms: DEFAULT_NOW_MS, long: 500, batch: 250 }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub path: PathBuf,
    pub conversations: usize,
    pub messages: usize,
    pub pinned: usize,
    pub spend_rows: usize,
    pub long_conversation: Option<String>,
}

/// Every conversation's size, start and pin, in creation order (the order they are written).
pub fn plan(config: &Config) -> Result<Vec<Spec>, String> {
    let n = config.conversations;
    let long = if n > 0 { config.long } else { 0 };
    let others = n.saturating_sub(usize::from(long > 0));
    let need = long + 2 * others;
    if n == 0 || config.messages < need || (long > 0 && long < 2) {
        return Err(format!(
            "{} conversations need at least {need} messages (2 each, {long} in the long one); asked for {}",
            n, config.messages
        ));
    }
    let mut rng = Rng::new(config.seed);
    // Sizes: a skewed spread (many short chats, a few long ones) with the right mean, then
    // nudged one message at a time to the exact total.
    let spare = (config.messages - long - 2 * others) as u64;
    let range = if others > 0 { 4 * spare / others as u64 } else { 0 };
    let mut sizes: Vec<usize> =
        (0..others).map(|_| 2 + (rng.below(range + 1) * rng.below(range + 1) / (range + 1)) as usize).collect();
    let mut total: usize = sizes.iter().sum::<usize>() + long;
    while total != config.messages && others > 0 {
        let i = rng.below(others as u64) as usize;
        if total < config.messages {
            sizes[i] += 1;
            total += 1;
        } else if sizes[i] > 2 {
            sizes[i] -= 1;
            total -= 1;
        }
    }
    // Starts over two years, denser towards now, in order.
    let mut starts: Vec<i64> = (0..n)
        .map(|_| {
            let a = rng.below(SPAN as u64);
            let b = if rng.chance(400) { rng.below(SPAN as u64).max(a) } else { a };
            config.now_ms - SPAN + b as i64
        })
        .collect();
    starts.sort_unstable();
    let long_at = if long > 0 { Some(n - 1 - n / 50) } else { None };
    let mut sizes = sizes.into_iter();
    Ok((0..n)
        .map(|i| {
            let is_long = Some(i) == long_at;
            Spec {
                id: if is_long { LONG_CONVERSATION_ID.to_owned() } else { rng.uuid() },
                messages: if is_long { long } else { sizes.next().unwrap_or(2) },
                created_at: starts[i],
                pinned: rng.chance(2) || is_long,
                linear: is_long,
                now: config.now_ms,
            }
        })
        .collect())
}

/// Conversation `index` of the plan, its text from its own stream.
pub fn conversation(vocab: &Vocabulary, seed: u64, index: usize, spec: &Spec) -> ExportedConversation {
    let mut rng = Rng::derive(seed, index as u64);
    let writer = Writer { vocab, topic: rng.below(vocab.topics.len() as u64) as usize };
    conversation::generate(&writer, &mut rng, spec)
}

/// Writes the history into `dir/history.sqlite3`, which must not exist yet.
pub fn seed(dir: &Path, config: &Config) -> Result<Report, String> {
    let specs = plan(config)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(FILE_NAME);
    if path.exists() {
        return Err(format!("{} exists already; seed into an empty folder", path.display()));
    }
    let db = Db::open(&path).map_err(|e| e.to_string())?;
    let vocab = Vocabulary::new();
    let mut report = Report {
        path: path.clone(),
        conversations: 0,
        messages: 0,
        pinned: specs.iter().filter(|s| s.pinned).count(),
        spend_rows: 0,
        long_conversation: (config.long > 0).then(|| LONG_CONVERSATION_ID.to_owned()),
    };
    for (b, chunk) in specs.chunks(config.batch.max(1)).enumerate() {
        let first = b * config.batch.max(1);
        let mut text = format!("{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"conversations\":[");
        for (i, spec) in chunk.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let c = conversation(&vocab, config.seed, first + i, spec);
            text.push_str(&serde_json::to_string(&c).map_err(|e| e.to_string())?);
        }
        text.push_str("]}");
        let imported = db.import(&text).map_err(|e| e.to_string())?;
        report.conversations += imported.conversations;
        report.messages += imported.messages;
    }
    drop(db);
    let conn = Connection::open(&path).map_err(|e| e.to_string())?;
    report.spend_rows = fill_ledger(&conn).map_err(|e| e.to_string())?;
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE").map_err(|e| e.to_string())?;
    Ok(report)
}

/// Enters every priced answer in the spending ledger, as the app's version-3 migration does for
/// answers saved before the ledger existed (and as `save_answer` does for each new one: the
/// answer's cost, at the time it was asked).
pub fn fill_ledger(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT OR IGNORE INTO spend (message_id, conversation_id, model, cost, computed, at)
             SELECT id, conversation_id, coalesce(model, ''), cost,
                    coalesce(json_extract(usage, '$.cost.computed'), 0), created_at
             FROM messages WHERE role = 'assistant' AND cost IS NOT NULL",
        [],
    )
}

/// A 64-bit FNV-1a hash of every conversation and message row (all columns, in `seq` order)
/// and the ledger: equal hashes mean equal content.
pub fn content_hash(conn: &Connection) -> rusqlite::Result<u64> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        h = (h ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3);
    };
    for sql in [
        "SELECT * FROM conversations ORDER BY seq",
        "SELECT * FROM messages ORDER BY seq",
        "SELECT * FROM spend ORDER BY message_id",
    ] {
        let mut stmt = conn.prepare(sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..columns {
                match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => eat(b"\0null"),
                    rusqlite::types::ValueRef::Integer(v) => eat(&v.to_le_bytes()),
                    rusqlite::types::ValueRef::Real(v) => eat(&v.to_bits().to_le_bytes()),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => eat(t),
                }
            }
        }
    }
    Ok(h)
}
