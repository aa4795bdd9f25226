//! Saved conversations: one SQLite file (WAL) in the data folder, owned by this module.
//!
//! Why SQLite and not the store plugin: appending to an answer every second must not rewrite all
//! history, and search needs FTS5. Conversations are trees: a question edited and resent, or an
//! answer regenerated, becomes a sibling *version* of the old one, and the conversation remembers
//! which branch is shown (`leaf_id`). Nothing here knows about Tauri.
//!
//! Layers, each importing only those below it (none imports back, nor this file):
//! - plain data and pure logic, no SQL: [`rows`] (the row types), `tree` (branches and
//!   versions), [`context`] (what an answer is asked with), [`draft`] (an answer as it streams),
//!   [`exported`] (the JSON file's layout), [`markdown`], [`file_name`], [`snippet`], `error`;
//! - `db` (the connection, ids, time) and [`schema`] (the migrations);
//! - the tables, each owning its SQL and queries: [`conversations`], [`spend`], then
//!   [`messages`]; then the operations built on them: `turn`, [`search`], [`export`], [`import`].
//!
//! This file only declares them, re-exports what callers use, and opens the file ([`open_in`]).

pub mod context;
pub mod conversations;
mod db;
pub mod draft;
mod error;
pub mod export;
pub mod exported;
pub mod file_name;
pub mod import;
pub mod markdown;
pub mod messages;
pub mod rows;
pub mod runs;
pub mod schema;
pub mod search;
pub mod snippet;
pub mod spend;
mod tree;
mod turn;

#[cfg(test)]
pub(crate) mod testing;

use std::path::{Path, PathBuf};

pub use conversations::title_from;
pub use db::{new_id, now_ms, Db};
pub use error::{Error, Result};
pub use rows::{
    Conversation, ConversationPage, ConversationSummary, MessageStatus, StoredError, StoredMessage, Versions,
};
pub use spend::{SpendReport, SpendSummary, SpendTotal};
pub use turn::{Preview, Receipt, Turn, TurnPlan, TurnStart};

/// The database file in the data folder.
pub const FILE_NAME: &str = "history.sqlite3";

impl Db {
    /// Start-up housekeeping: answers that were streaming when the app died become
    /// `interrupted`, and conversations deleted in an earlier session are removed for good.
    /// Returns how many answers were marked interrupted.
    pub fn recover(&self) -> Result<usize> {
        let conn = self.conn();
        let interrupted = messages::mark_streaming_interrupted(&conn, now_ms())?;
        conversations::purge_deleted(&conn)?;
        Ok(interrupted)
    }
}

/// Opens the history at `dir/history.sqlite3`. A file that is not a database is moved aside
/// (`history.corrupt-<time>.sqlite3`) and a fresh one started; a file from a newer Citewise is
/// left untouched and this session keeps its conversations in memory. The notice says which.
pub fn open_in(dir: &Path) -> (Db, Option<String>) {
    let path = dir.join(FILE_NAME);
    // SQLite drops a write-ahead log it cannot use when the database will not open, and the log
    // may hold the newest commits: a copy is taken first, and kept with a damaged file.
    let logs = LogCopies::take(&path);
    match Db::open(&path) {
        Ok(db) => {
            logs.discard();
            (db, None)
        }
        Err(err) if err.is_corrupt() => {
            let aside = dir.join(format!("history.corrupt-{}.sqlite3", now_ms() / 1000));
            let moved = std::fs::rename(&path, &aside).is_ok();
            logs.keep_beside(&path, &aside);
            log::warn!("history database unreadable ({err}); moved aside: {moved}");
            match Db::open(&path) {
                Ok(db) if moved => (
                    db,
                    Some(format!(
                        "The history file could not be read, so Citewise started a new one. The old file was kept \
                         as {} (with its -wal and -shm files, if it had them).",
                        aside.display()
                    )),
                ),
                _ => in_memory(format!("The history file {} could not be read or replaced.", path.display())),
            }
        }
        Err(err) => {
            logs.discard();
            log::warn!("history database not opened: {err}");
            in_memory(err.to_string())
        }
    }
}

/// Copies of a database's `-wal` and `-shm` files taken before opening it (only after a crash
/// are they there at start-up, and then they are small).
struct LogCopies(Vec<(&'static str, PathBuf)>);

impl LogCopies {
    fn take(db: &Path) -> LogCopies {
        let mut copies = Vec::new();
        for suffix in ["-wal", "-shm"] {
            let side = with_suffix(db, suffix);
            if side.exists() {
                let copy = with_suffix(db, &format!("{suffix}.keep"));
                match std::fs::copy(&side, &copy) {
                    Ok(_) => copies.push((suffix, copy)),
                    Err(e) => log::warn!("could not copy {} before opening the history: {e}", side.display()),
                }
            }
        }
        LogCopies(copies)
    }

    /// The database was damaged and moved to `aside`: its logs go with it, under its name.
    fn keep_beside(self, db: &Path, aside: &Path) {
        for (suffix, copy) in self.0 {
            let _ = std::fs::remove_file(with_suffix(db, suffix));
            if let Err(e) = std::fs::rename(&copy, with_suffix(aside, suffix)) {
                log::warn!("could not keep {suffix} beside the damaged history: {e}");
            }
        }
    }

    fn discard(self) {
        for (_, copy) in self.0 {
            let _ = std::fs::remove_file(copy);
        }
    }
}

/// `history.sqlite3` + `-wal` → `history.sqlite3-wal`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn in_memory(why: String) -> (Db, Option<String>) {
    let db = Db::open_in_memory().expect("an in-memory SQLite database always opens");
    (db, Some(format!("{why} Conversations of this session will not be kept.")))
}

#[cfg(test)]
mod tests {
    use super::testing::tempdir;
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn a_damaged_file_is_moved_aside_and_a_new_history_started() {
        let dir = tempdir();
        std::fs::write(dir.join(FILE_NAME), b"this is not a database, it is a text file of some length .......")
            .unwrap();
        let (db, notice) = open_in(&dir);
        assert!(db.path().is_some(), "a real file again");
        let notice = notice.expect("the person is told");
        assert!(notice.contains("history.corrupt-"), "{notice}");
        let kept: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("history.corrupt-"))
            .collect();
        assert_eq!(kept.len(), 1, "the old bytes are kept");
        assert_eq!(std::fs::read(dir.join(&kept[0])).unwrap()[..4], *b"this");
    }

    /// The write-ahead log of a damaged file holds its newest commits: it was deleted.
    #[test]
    fn regression_a_damaged_file_lost_its_write_ahead_log() {
        let dir = tempdir();
        std::fs::write(dir.join(FILE_NAME), b"this is not a database, it is a text file of some length .......")
            .unwrap();
        std::fs::write(dir.join(format!("{FILE_NAME}-wal")), b"the newest commits").unwrap();
        std::fs::write(dir.join(format!("{FILE_NAME}-shm")), b"the index of the log").unwrap();
        let (_db, notice) = open_in(&dir);
        assert!(notice.is_some());
        let names: Vec<String> =
            std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        let copy = names.iter().find(|n| n.starts_with("history.corrupt-") && n.ends_with(".sqlite3")).unwrap();
        assert_eq!(std::fs::read(dir.join(format!("{copy}-wal"))).unwrap(), b"the newest commits", "{names:?}");
        assert_eq!(std::fs::read(dir.join(format!("{copy}-shm"))).unwrap(), b"the index of the log");
    }

    #[test]
    fn a_newer_format_is_left_alone_and_the_session_runs_in_memory() {
        let dir = tempdir();
        {
            let conn = Connection::open(dir.join(FILE_NAME)).unwrap();
            conn.pragma_update(None, "user_version", 999).unwrap();
        }
        let (db, notice) = open_in(&dir);
        assert!(db.path().is_none());
        assert!(notice.unwrap().contains("newer version"));
        let conn = Connection::open(dir.join(FILE_NAME)).unwrap();
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get("user_version")).unwrap();
        assert_eq!(v, 999, "untouched");
    }
}
