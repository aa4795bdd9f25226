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
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Api(e) => e.kind(),
            AppError::BadUrl(_) => "bad_url",
            AppError::Browser(_) => "browser",
            AppError::DuplicateRequest(_) => "bad_request",
            AppError::Settings(_) => "settings",
            AppError::Key(e) => e.kind(),
            AppError::History(e) => e.kind(),
            AppError::Folder(_) => "folder",
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
