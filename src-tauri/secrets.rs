//! The API key: where it comes from and the type that keeps it from leaking.
//!
//! [`ApiKey`] prints as `<redacted>`, has no `Serialize`, and only ever leaves Rust as the
//! `Authorization` header (marked sensitive) or as its last four characters for display.

use std::fmt;

/// Where the key in use came from; shown in Settings, never the key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySource {
    Keyring,
    Env,
    None,
}

/// Name of the environment variable holding a session-only key.
pub const ENV_KEY: &str = "PERPLEXITY_API_KEY";
/// The session-only key for an OpenAI-compatible endpoint.
pub const ENV_OPENAI_KEY: &str = "OPENAI_API_KEY";

#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Trims whitespace a paste may bring along; `None` for an empty key.
    pub fn new(raw: &str) -> Option<ApiKey> {
        let trimmed = raw.trim();
        (!trimmed.is_empty()).then(|| ApiKey(trimmed.to_owned()))
    }

    /// The secret itself, for building the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, enough for a person to recognise which key is stored.
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// The session key from `PERPLEXITY_API_KEY`, if set.
pub fn key_from_env() -> Option<ApiKey> {
    std::env::var(ENV_KEY).ok().and_then(|v| ApiKey::new(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new(" pplx-supersecret1234\n").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(format!("{:?}", Some(&key)), "Some(ApiKey(<redacted>))");
        assert_eq!(key.expose(), "pplx-supersecret1234");
        assert_eq!(key.last4(), "1234");
    }

    #[test]
    fn blank_keys_are_no_keys() {
        assert!(ApiKey::new("  \n").is_none());
        assert_eq!(ApiKey::new("ab").unwrap().last4(), "ab");
    }
}
