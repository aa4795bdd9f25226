//! Which models a provider offers: `GET /v1/models`, cached for an hour per endpoint, with a
//! built-in list when the endpoint cannot be asked (offline, no key, an error).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::client::{Client, Endpoint};
use super::error::ErrorPayload;
use super::types::{Provider, AGENT_PRESETS};
use crate::secrets::ApiKey;

const TTL: Duration = Duration::from_secs(3600);

/// Agent API models known when this version was released (DESIGN §4 prices them).
pub const AGENT_MODELS: [&str; 3] = ["perplexity/sonar", "openai/gpt-5.4", "anthropic/claude-sonnet-4-6"];
/// Sonar chat-completions models.
pub const SONAR_MODELS: [&str; 4] = ["sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListSource {
    /// Just asked the endpoint.
    Live,
    /// Asked the endpoint within the last hour.
    Cached,
    /// The endpoint could not be asked; this is the list built into Citewise.
    Builtin,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelList {
    /// Agent API presets (empty for other providers).
    pub presets: Vec<String>,
    pub models: Vec<String>,
    pub source: ListSource,
    /// Why the built-in list is shown, if it is.
    pub error: Option<ErrorPayload>,
}

pub fn builtin(provider: Provider) -> Vec<String> {
    match provider {
        Provider::Agent => AGENT_MODELS.iter().map(|s| s.to_string()).collect(),
        Provider::Sonar => SONAR_MODELS.iter().map(|s| s.to_string()).collect(),
        Provider::OpenAi => Vec::new(),
    }
}

fn presets(provider: Provider) -> Vec<String> {
    match provider {
        Provider::Agent => AGENT_PRESETS.iter().map(|s| s.to_string()).collect(),
        Provider::Sonar | Provider::OpenAi => Vec::new(),
    }
}

/// Model ids per (provider, base URL), with when they were fetched.
type Entries = HashMap<(Provider, String), (Instant, Vec<String>)>;

#[derive(Default)]
pub struct ModelCache {
    entries: Mutex<Entries>,
}

impl ModelCache {
    /// The endpoint's models, from the cache when fresh. Sonar's ids are not what `/v1/models`
    /// lists (it lists Agent API ids), so Sonar always uses the built-in list.
    pub async fn get(&self, client: &Client, endpoint: &Endpoint, key: Option<&ApiKey>) -> ModelList {
        let provider = endpoint.provider;
        let done = |models, source, error| ModelList { presets: presets(provider), models, source, error };
        if provider == Provider::Sonar {
            return done(builtin(provider), ListSource::Builtin, None);
        }
        let cache_key = (provider, endpoint.base_url.clone());
        if let Some((at, models)) = self.lock().get(&cache_key) {
            if at.elapsed() < TTL {
                return done(models.clone(), ListSource::Cached, None);
            }
        }
        let Some(key) = key else {
            return done(builtin(provider), ListSource::Builtin, Some(super::Error::NoKey.payload()));
        };
        match client.list_models(endpoint, key).await {
            Ok(models) if !models.is_empty() => {
                self.lock().insert(cache_key, (Instant::now(), models.clone()));
                done(models, ListSource::Live, None)
            }
            Ok(_) => done(builtin(provider), ListSource::Builtin, None),
            Err(err) => {
                log::info!("model list unavailable ({}), using the built-in one", err.kind());
                done(builtin(provider), ListSource::Builtin, Some(err.payload()))
            }
        }
    }

    /// Forgets every cached list (after the key or an endpoint changes).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
