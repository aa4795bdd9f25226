//! Saved conversations: one SQLite file (WAL) in the data folder, owned by this module.
//!
//! Why SQLite and not the store plugin: appending to an answer every second must not rewrite all
//! history, and search needs FTS5. Conversations are trees: a question edited and resent, or an
//! answer regenerated, becomes a sibling *version* of the old one, and the conversation remembers
//! which branch is shown (`leaf_id`). Nothing here knows about Tauri.
//!
//! Each table module owns its SQL, row types and queries: [`conversations`], [`messages`],
//! [`search`] (with [`snippet`]); [`schema`] holds the migrations, [`context`] what an answer is
//! asked with, [`draft`] an answer as it streams, [`export`] (with [`markdown`] and
//! [`file_name`]) and [`import`] the files.

pub mod context;
pub mod conversations;
pub mod draft;
pub mod export;
pub mod file_name;
pub mod import;
pub mod markdown;
pub mod messages;
pub mod schema;
pub mod search;
pub mod snippet;
pub mod spend;
mod turn;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

pub use conversations::{ConversationPage, ConversationSummary};
pub use messages::{MessageStatus, StoredError, StoredMessage, Versions};
pub use spend::{SpendReport, SpendSummary, SpendTotal};
pub use turn::{Preview, Receipt, Turn, TurnPlan, TurnStart};

/// The database file in the data folder.
pub const FILE_NAME: &str = "history.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The history database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("That {0} is no longer in your history.")]
    NotFound(&'static str),
    #[error("{0}")]
    BadRequest(String),
    /// A file that cannot be imported; the sentence says why. Nothing was imported.
    #[error("{0}")]
    Import(String),
    #[error(
        "Your history was saved by a newer version of Citewise (format {found}; this version reads up to \
         {known}). Update Citewise to see it; nothing was changed."
    )]
    TooNew { found: i64, known: i64 },
    #[error("Could not write the file: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// What the UI branches on.
    pub fn kind(&self) -> crate::error_kind::ErrorKind {
        match self {
            Error::NotFound(_) => crate::error_kind::ErrorKind::NotFound,
            Error::BadRequest(_) => crate::error_kind::ErrorKind::BadRequest,
            Error::Import(_) => crate::error_kind::ErrorKind::Import,
            Error::Sqlite(_) | Error::TooNew { .. } => crate::error_kind::ErrorKind::History,
            Error::Io(_) => crate::error_kind::ErrorKind::Io,
        }
    }

    /// True when the file is not a database at all (or damaged beyond reading).
    pub fn is_corrupt(&self) -> bool {
        matches!(self, Error::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt))
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The history database. One connection behind a mutex: every query is short (indexed, paged),
/// and callers run it off the async threads.
pub struct Db {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::init(conn, Some(path.to_owned()))
    }

    /// A private database that vanishes with the process (tests; or when the file cannot be used).
    pub fn open_in_memory() -> Result<Db> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Db> {
        // NORMAL is durable across an app crash in WAL mode (only a power loss can lose the last
        // commits), and keeps the once-a-second answer checkpoints cheap.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&conn)?;
        Ok(Db { conn: Mutex::new(conn), path })
    }

    /// Where the file is; `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

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

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A fresh id for a conversation or a message (UUID v4: unique across machines, so imports of
/// another machine's export never collide by accident).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
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
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 999, "untouched");
    }

    /// `n` web sources numbered from 1.
    pub(crate) fn sources(n: u32) -> Vec<crate::api::Source> {
        (1..=n)
            .map(|i| {
                let url = format!("https://site{i}.example/page");
                crate::api::Source::new(i, url, format!("Title {i}"), String::new(), None)
            })
            .collect()
    }

    pub(crate) fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("citewise-history-test-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
