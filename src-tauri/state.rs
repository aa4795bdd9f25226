//! State shared by the commands, `.manage()`d once at start-up.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

use crate::api;
use crate::secrets::{self, ApiKey, KeySource};

/// Where the API is and which key to use.
pub struct ApiState {
    pub client: api::Client,
    pub endpoint: api::Endpoint,
    pub key: Option<ApiKey>,
    pub key_source: KeySource,
    pub models: api::models::ModelCache,
}

impl ApiState {
    /// Reads `PERPLEXITY_BASE_URL` and `PERPLEXITY_API_KEY` from the environment.
    pub fn from_env() -> api::Result<ApiState> {
        let base_url = std::env::var("PERPLEXITY_BASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| api::DEFAULT_BASE_URL.to_owned());
        let key = secrets::key_from_env();
        let key_source = if key.is_some() { KeySource::Env } else { KeySource::None };
        Ok(ApiState {
            client: api::Client::new()?,
            endpoint: api::Endpoint::new(api::Provider::Agent, &base_url),
            key,
            key_source,
            models: Default::default(),
        })
    }
}

/// Requests in flight, by the id the UI gave them, so `chat_cancel` can stop them.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<String, CancellationToken>>);

impl InFlight {
    /// Registers a request; `None` when the id is already running.
    pub fn start(&self, id: &str) -> Option<CancellationToken> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.contains_key(id) {
            return None;
        }
        let token = CancellationToken::new();
        map.insert(id.to_owned(), token.clone());
        Some(token)
    }

    pub fn finish(&self, id: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }

    /// Trips the request's cancel token; false if it was not running.
    pub fn cancel(&self, id: &str) -> bool {
        match self.0.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}

/// The folder that holds everything Citewise stores (`CITEWISE_DATA_DIR` overrides it).
pub struct DataDir(pub PathBuf);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_requests_can_be_cancelled_once_registered() {
        let inflight = InFlight::default();
        let token = inflight.start("a").unwrap();
        assert!(inflight.start("a").is_none(), "duplicate ids are refused");
        assert!(inflight.cancel("a"));
        assert!(token.is_cancelled());
        inflight.finish("a");
        assert!(!inflight.cancel("a"));
    }
}
