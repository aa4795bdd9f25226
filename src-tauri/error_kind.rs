//! What kind of failure the window is told about: the `kind` of every rejected command and every
//! `error` event. The window branches on it, never on the message, so its JSON spelling is a
//! contract: [`tests::json_is_pinned`] fails when a variant is renamed, added or removed without
//! the list (and `src-tauri/contract/ipc.d.ts`) saying so.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    // A request to the provider (api::Error).
    /// No key is set for the provider's account.
    NoKey,
    /// The key was saved for another address than the one requests now go to; it was not sent.
    KeyElsewhere,
    /// The provider rejected the key.
    Auth,
    /// Perplexity retired Sonar chat completions (403 `chat_completions_not_available`).
    Retired,
    /// Any other 403: the provider's own words, never "the key".
    Forbidden,
    RateLimit,
    BadRequest,
    Server,
    Network,
    Tls,
    Redirect,
    Timeout,
    /// The stream died after part of the answer arrived.
    Interrupted,
    /// The provider sent something Citewise could not read.
    Protocol,
    /// A body, an event, an answer or an image passed a size limit.
    TooLarge,
    Cancelled,
    // The key and the keyring (keys::KeyError).
    BadKey,
    KeyringUnavailable,
    Keyring,
    // The history (history::Error).
    NotFound,
    Import,
    History,
    Io,
    // Answer images (images::Error).
    ImageUnavailable,
    ImageStatus,
    NotImage,
    // The command layer (AppError).
    BadUrl,
    Browser,
    Settings,
    Folder,
    /// Made by the window for a failure that never reached the backend; read back for any kind
    /// this version does not know (an answer saved by a newer Citewise).
    #[serde(other)]
    Unknown,
}

impl ErrorKind {
    /// The JSON spelling, for logs and the retry note.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NoKey => "no_key",
            ErrorKind::KeyElsewhere => "key_elsewhere",
            ErrorKind::Auth => "auth",
            ErrorKind::Retired => "retired",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::RateLimit => "rate_limit",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Server => "server",
            ErrorKind::Network => "network",
            ErrorKind::Tls => "tls",
            ErrorKind::Redirect => "redirect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::Protocol => "protocol",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::BadKey => "bad_key",
            ErrorKind::KeyringUnavailable => "keyring_unavailable",
            ErrorKind::Keyring => "keyring",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Import => "import",
            ErrorKind::History => "history",
            ErrorKind::Io => "io",
            ErrorKind::ImageUnavailable => "image_unavailable",
            ErrorKind::ImageStatus => "image_status",
            ErrorKind::NotImage => "not_image",
            ErrorKind::BadUrl => "bad_url",
            ErrorKind::Browser => "browser",
            ErrorKind::Settings => "settings",
            ErrorKind::Folder => "folder",
            ErrorKind::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and callers compare with the spelling: `assert_eq!(err.kind(), "auth")`.
impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spellings the window (and saved answers) rely on. Changing one is changing the IPC
    /// contract: do it here, in `ui/`, and in a history migration for saved errors.
    #[test]
    fn json_is_pinned() {
        let pinned = [
            "no_key",
            "key_elsewhere",
            "auth",
            "retired",
            "forbidden",
            "rate_limit",
            "bad_request",
            "server",
            "network",
            "tls",
            "redirect",
            "timeout",
            "interrupted",
            "protocol",
            "too_large",
            "cancelled",
            "bad_key",
            "keyring_unavailable",
            "keyring",
            "not_found",
            "import",
            "history",
            "io",
            "image_unavailable",
            "image_status",
            "not_image",
            "bad_url",
            "browser",
            "settings",
            "folder",
            "unknown",
        ];
        // ts-rs reads the enum as serde does: its union is every variant's JSON spelling.
        let union = <ErrorKind as ts_rs::TS>::inline(&ts_rs::Config::new());
        let mut members: Vec<&str> = union.split(" | ").map(|m| m.trim_matches('"')).collect();
        for member in &members {
            let kind: ErrorKind = serde_json::from_value(serde_json::json!(member)).unwrap();
            assert_eq!(kind.as_str(), *member, "as_str and serde disagree");
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(member));
        }
        members.sort_unstable();
        let mut pinned = pinned.to_vec();
        pinned.sort_unstable();
        assert_eq!(members, pinned);
    }

    #[test]
    fn an_unknown_spelling_reads_as_unknown() {
        assert_eq!(serde_json::from_str::<ErrorKind>("\"quota_exceeded\"").unwrap(), ErrorKind::Unknown);
    }
}
