//! Which models a provider offers: `GET /v1/models`, cached for an hour per endpoint, with a
//! built-in list when the endpoint cannot be asked (offline, no key, an error).
//!
//! Perplexity's `/v1/models` also carries every model's token prices (`pricing`, USD per 1M
//! tokens; DESIGN §3.1): [`parse_catalogue`] reads them, so each listed model can be priced.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{Client, Endpoint};
use super::error::ErrorPayload;
use super::provider::Provider;
use crate::secrets::ApiKey;

const TTL: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ListSource {
    /// Just asked the endpoint.
    Live,
    /// Asked the endpoint within the last hour.
    Cached,
    /// The endpoint could not be asked; this is the list built into Citewise.
    Builtin,
}

/// One model of `GET /v1/models`, with its prices when the endpoint gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CatalogueModel {
    pub id: String,
    /// `owned_by`, or the id's prefix before `/`: `anthropic`, `openai`, `perplexity`…
    pub vendor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<Pricing>,
}

/// A model's token prices, USD per 1M tokens, as `/v1/models` states them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Pricing {
    pub input: f64,
    pub output: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
}

/// Why a `/v1/models` body could not be read (the client reports it as a protocol error, with the body).
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("the model list is not JSON ({0})")]
    NotJson(#[from] serde_json::Error),
    #[error("the model list has no “data” array")]
    NoData,
}

/// Reads a `/v1/models` body: `{"object": "list", "data": [{"id", "owned_by", "pricing": {input,
/// output, cache_read, cache_write?, unit}}]}`. Entries without an id are skipped; prices only in
/// the unit Perplexity uses (`usd_per_1m_tokens`), finite and not negative, are kept.
pub fn parse_catalogue(body: &str) -> Result<Vec<CatalogueModel>, CatalogueError> {
    let value: Value = serde_json::from_str(body)?;
    let data = value.get("data").and_then(Value::as_array).ok_or(CatalogueError::NoData)?;
    Ok(data.iter().filter_map(catalogue_entry).collect())
}

fn catalogue_entry(entry: &Value) -> Option<CatalogueModel> {
    let id = entry.get("id")?.as_str()?.trim();
    if id.is_empty() {
        return None;
    }
    let vendor = entry
        .get("owned_by")
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| id.split_once('/').map(|(v, _)| v.to_owned()).unwrap_or_default());
    let p = entry.get("pricing").filter(|p| p.is_object());
    let price = |field: &str| p?.get(field)?.as_f64().filter(|n| n.is_finite() && *n >= 0.0);
    let unit_ok = p.and_then(|p| p.get("unit")).and_then(Value::as_str).is_none_or(|u| u == "usd_per_1m_tokens");
    let pricing = match (price("input"), price("output")) {
        (Some(input), Some(output)) if unit_ok => {
            Some(Pricing { input, output, cache_read: price("cache_read"), cache_write: price("cache_write") })
        }
        _ => None,
    };
    Some(CatalogueModel { id: id.to_owned(), vendor, pricing })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ModelList {
    /// Agent API presets (empty for other providers).
    pub presets: Vec<String>,
    pub models: Vec<String>,
    /// Each model's vendor and prices, when the endpoint lists them (Perplexity does).
    pub details: Vec<CatalogueModel>,
    pub source: ListSource,
    /// Why the built-in list is shown, if it is.
    pub error: Option<ErrorPayload>,
}

pub fn builtin(provider: Provider) -> Vec<String> {
    provider.spec().builtin_models.iter().map(|s| s.to_string()).collect()
}

/// A model known only by its id.
fn bare(id: &str) -> CatalogueModel {
    CatalogueModel {
        id: id.to_owned(),
        vendor: id.split_once('/').map(|(v, _)| v.to_owned()).unwrap_or_default(),
        pricing: None,
    }
}

fn presets(provider: Provider) -> Vec<String> {
    provider.spec().presets.iter().map(|s| s.to_string()).collect()
}

/// The models per (provider, base URL), with when they were fetched.
type Entries = HashMap<(Provider, String), (Instant, Vec<CatalogueModel>)>;

#[derive(Default)]
pub struct ModelCache {
    entries: Mutex<Entries>,
}

impl ModelCache {
    /// The endpoint's models, from the cache when fresh. A provider without a model list (Sonar:
    /// `/v1/models` lists Agent API ids, not its own) always uses the built-in list.
    pub async fn get(&self, client: &Client, endpoint: &Endpoint, key: super::Result<&ApiKey>) -> ModelList {
        let provider = endpoint.provider;
        let done = |models: Vec<CatalogueModel>, source, error| ModelList {
            presets: presets(provider),
            models: models.iter().map(|m| m.id.clone()).collect(),
            details: models,
            source,
            error,
        };
        let builtin_list = || builtin(provider).into_iter().map(|id| bare(&id)).collect::<Vec<_>>();
        if provider.spec().models_path.is_none() {
            return done(builtin_list(), ListSource::Builtin, None);
        }
        let cache_key = (provider, endpoint.base_url.clone());
        if let Some((at, models)) = self.lock().get(&cache_key) {
            if at.elapsed() < TTL {
                return done(models.clone(), ListSource::Cached, None);
            }
        }
        let key = match key {
            Ok(key) => key,
            Err(why) => return done(builtin_list(), ListSource::Builtin, Some(why.payload())),
        };
        match client.list_models(endpoint, key).await {
            Ok(models) if !models.is_empty() => {
                self.lock().insert(cache_key, (Instant::now(), models.clone()));
                done(models, ListSource::Live, None)
            }
            Ok(_) => done(builtin_list(), ListSource::Builtin, None),
            Err(err) => {
                log::info!("model list unavailable ({}), using the built-in one", err.kind());
                done(builtin_list(), ListSource::Builtin, Some(err.payload()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_entries_keep_prices_only_in_the_known_unit() {
        let body = r#"{"object":"list","data":[
            {"id":"anthropic/claude-haiku-4-5","object":"model","created":0,"owned_by":"anthropic",
             "pricing":{"input":1,"output":5,"cache_write":1.25,"cache_read":0.1,"unit":"usd_per_1m_tokens"}},
            {"id":"perplexity/sonar","object":"model","created":0,"owned_by":"perplexity",
             "pricing":{"input":0.25,"output":2.5,"cache_read":0.0625,"unit":"usd_per_1m_tokens"}},
            {"id":"x/odd","pricing":{"input":1,"output":2,"unit":"eur_per_token"}},
            {"id":"llama3.1:8b"},
            {"id":"  "},
            {"id":"y/negative","pricing":{"input":-1,"output":2}}]}"#;
        let models = parse_catalogue(body).unwrap();
        assert_eq!(models.len(), 5);
        assert_eq!(
            models[0].pricing,
            Some(Pricing { input: 1.0, output: 5.0, cache_read: Some(0.1), cache_write: Some(1.25) })
        );
        assert_eq!(models[1].pricing.unwrap().cache_write, None);
        assert_eq!((models[2].vendor.as_str(), models[2].pricing), ("x", None), "unknown unit: no price");
        assert_eq!((models[3].vendor.as_str(), models[3].pricing), ("", None));
        assert_eq!(models[4].pricing, None);
        assert!(matches!(parse_catalogue("<html>"), Err(CatalogueError::NotJson(_))));
        assert!(matches!(parse_catalogue(r#"{"object":"list"}"#), Err(CatalogueError::NoData)));
    }
}
