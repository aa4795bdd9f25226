//! Errors of the command layer, as they cross IPC: `{kind, message}`.

use serde::Serialize;

use crate::api;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Api(#[from] api::Error),
    #[error("Only web links (http or https) can be opened: {0}")]
    BadUrl(String),
    #[error("Could not open the browser: {0}")]
    Browser(String),
    #[error("A request with id {0} is already running")]
    DuplicateRequest(String),
    #[error("{0}")]
    Settings(String),
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    #[error(transparent)]
    History(#[from] crate::history::Error),
    #[error("Could not open the folder: {0}")]
    Folder(String),
    #[error(transparent)]
    Image(#[from] crate::images::Error),
}

impl AppError {
    pub fn kind(&self) -> crate::error_kind::ErrorKind {
        match self {
            AppError::Api(e) => e.kind(),
            AppError::BadUrl(_) => crate::error_kind::ErrorKind::BadUrl,
            AppError::Browser(_) => crate::error_kind::ErrorKind::Browser,
            AppError::DuplicateRequest(_) => crate::error_kind::ErrorKind::BadRequest,
            AppError::Settings(_) => crate::error_kind::ErrorKind::Settings,
            AppError::Key(e) => e.kind(),
            AppError::History(e) => e.kind(),
            AppError::Folder(_) => crate::error_kind::ErrorKind::Folder,
            AppError::Image(e) => e.kind(),
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let retry_after = match self {
            AppError::Api(e) => e.retry_after(),
            _ => None,
        };
        api::ErrorPayload { kind: self.kind(), message: self.to_string(), retry_after }.serialize(s)
    }
}

pub type Result<T> = std::result::Result<T, AppError>;
