//! The API key in Settings: status, save, test, remove. The webview sends a key in once, to be
//! stored; it never gets one back, only presence, source and the last four characters.

use std::sync::Arc;

use serde::Serialize;
use tauri::State;

use crate::api;
use crate::error::Result;
use crate::keys::{KeyStatus, Keys};
use crate::secrets::Account;
use crate::state::ApiState;

/// Keyring calls block (D-Bus, unlock prompts): run them off the async threads.
async fn blocking<T: Send + 'static>(keys: &Arc<Keys>, f: impl FnOnce(&Keys) -> T + Send + 'static) -> T {
    let keys = keys.clone();
    tauri::async_runtime::spawn_blocking(move || f(&keys)).await.expect("keyring task panicked")
}

#[tauri::command]
pub async fn key_status(account: Account, api: State<'_, ApiState>) -> Result<KeyStatus> {
    Ok(blocking(&api.keys, move |k| k.status(account)).await)
}

#[tauri::command]
pub async fn key_save(
    account: Account,
    key: String,
    session_only: bool,
    api: State<'_, ApiState>,
) -> Result<KeyStatus> {
    let status = blocking(&api.keys, move |k| k.save(account, &key, session_only)).await?;
    api.models.clear();
    Ok(status)
}

#[tauri::command]
pub async fn key_remove(account: Account, api: State<'_, ApiState>) -> Result<KeyStatus> {
    let status = blocking(&api.keys, move |k| k.remove(account)).await?;
    api.models.clear();
    Ok(status)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyTest {
    pub ok: bool,
    /// Models the key can see, as a sign of life.
    pub models: usize,
}

/// A cheap authenticated call (`GET /v1/models`, no tokens spent) with the key in use. Fails
/// with the reason: `auth` (invalid or out of credits), `network`, `rate_limit`, …
#[tauri::command]
pub async fn key_test(account: Account, api: State<'_, ApiState>) -> Result<KeyTest> {
    let (key, _) = blocking(&api.keys, move |k| k.resolve(account)).await;
    let key = key.ok_or(api::Error::NoKey)?;
    let endpoint = api.endpoint_for(account);
    let models = api.client.list_models(&endpoint, &key).await?;
    Ok(KeyTest { ok: true, models: models.len() })
}
