//! The history's one error type: what failed, as a sentence, and the `kind` the UI branches on.

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
