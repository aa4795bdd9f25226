//! The database handle: one SQLite connection behind a mutex, opened and migrated; the time and
//! the ids rows are written with. The table modules add their queries to [`Db`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use super::error::Result;
use super::schema;

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
