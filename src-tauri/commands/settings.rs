//! Reading and changing settings, and the model list of the selected provider.

use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_store::StoreExt;

use crate::api::models::{ListSource, ModelList};
use crate::api::provider::{self, Registry};
use crate::api::Account;
use crate::error::{AppError, Result};
use crate::pricing::{Catalogue, PriceTable};
use crate::settings::Settings;
use crate::state::{ApiState, DataDir, History, Prices, SettingsFile};

/// The settings store: the plugin keeps it in memory and reads the file; only [`store`] writes
/// it, atomically (the plugin's own save truncates the file and writes it again in place, so a
/// crash or a full disk mid-save would leave a damaged file).
fn settings_store<R: Runtime>(
    app: &AppHandle<R>,
    file: &SettingsFile,
) -> tauri_plugin_store::Result<std::sync::Arc<tauri_plugin_store::Store<R>>> {
    app.store_builder(&file.0).disable_auto_save().build()
}

/// Loads settings from the store; keys with unusable values are reported, not fatal.
pub fn load<R: Runtime>(app: &AppHandle<R>, file: &SettingsFile) -> (Settings, Vec<String>) {
    match settings_store(app, file) {
        Ok(store) => Settings::from_entries(store.entries()),
        Err(e) => {
            log::warn!("settings store unavailable: {e}");
            (Settings::default(), Vec::new())
        }
    }
}

#[tauri::command]
pub fn settings_get<R: Runtime>(app: AppHandle<R>, file: State<'_, SettingsFile>) -> Settings {
    load(&app, &file).0
}

/// Validates and stores new settings, then points the API client at them.
#[tauri::command]
pub fn settings_update<R: Runtime>(
    app: AppHandle<R>,
    settings: Settings,
    file: State<'_, SettingsFile>,
    api: State<'_, ApiState>,
    prices: State<'_, Prices>,
) -> Result<Settings> {
    settings.validate().map_err(|e| AppError::Settings(e.0))?;
    store(&app, &file, &settings)?;
    let accounts: Vec<Account> = Account::all().collect();
    let before: Vec<String> = accounts.iter().map(|a| api.endpoint_for(*a).base_url).collect();
    api.apply(&settings);
    prices.set_overrides(settings.price_overrides.clone());
    // A key bound to an address the settings no longer use stays unsent until the person says
    // otherwise in a native dialog; the save does not wait for the answer.
    for (account, before) in accounts.into_iter().zip(before) {
        if crate::secrets::origin_of(&api.endpoint_for(account).base_url) == crate::secrets::origin_of(&before) {
            continue;
        }
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = super::keys::confirm_address(&app, account).await {
                log::warn!("could not move the {} key: {e}", account.user());
            }
        });
    }
    if let Some(window) = app.get_webview_window("main") {
        crate::shell::appearance::apply(&window, settings.theme);
    }
    Ok(settings)
}

/// Writes every setting: into the store, then the whole file atomically (temporary file, fsync,
/// rename), so the file on disk is always the old settings or the new ones.
pub fn store<R: Runtime>(app: &AppHandle<R>, file: &SettingsFile, settings: &Settings) -> Result<()> {
    let store = settings_store(app, file).map_err(|e| AppError::Settings(e.to_string()))?;
    for (key, value) in settings.to_entries() {
        store.set(key, value);
    }
    for (old, ..) in crate::settings::LEGACY_KEYS {
        store.delete(old);
    }
    let all: serde_json::Map<String, serde_json::Value> = store.entries().into_iter().collect();
    let bytes = serde_json::to_vec_pretty(&all).map_err(|e| AppError::Settings(e.to_string()))?;
    crate::files::write_atomic(&file.0, &bytes).map_err(|e| AppError::Settings(format!("could not save settings: {e}")))
}

/// What "Switch to the Agent API" did.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Switched {
    pub settings: Settings,
    /// Conversations whose Sonar model was replaced by its Agent API equivalent.
    pub conversations: usize,
    /// Each Sonar model and what it became, for the window's own choices.
    pub models: std::collections::BTreeMap<&'static str, &'static str>,
}

/// Leaves the retired Sonar API: the Agent API becomes the provider, the Sonar default model and
/// every conversation's Sonar model become their equivalents (the official migration guide's
/// mapping, `api::SONAR_SUCCESSORS`). The key, the addresses and the answers stay as they are.
#[tauri::command]
pub async fn sonar_migrate<R: Runtime>(
    app: AppHandle<R>,
    file: State<'_, SettingsFile>,
    api: State<'_, ApiState>,
    history: State<'_, History>,
) -> Result<Switched> {
    let mut settings = load(&app, &file).0;
    settings.switch_to_agent();
    store(&app, &file, &settings)?;
    api.apply(&settings);
    let conversations = history.run(|db| db.rename_models(&crate::api::SONAR_SUCCESSORS)).await?;
    log::info!("switched from Sonar to the Agent API; {conversations} conversation(s) got their new model");
    Ok(Switched { settings, conversations, models: crate::api::SONAR_SUCCESSORS.into_iter().collect() })
}

/// Every provider and account Citewise knows: labels, built-in models and presets, default
/// models and addresses, for the window's pickers and fields.
#[tauri::command]
pub fn providers_get() -> Registry {
    provider::registry()
}

/// The price table shipped with this version with the live catalogue's prices laid over it;
/// the person's rows are in the settings.
#[tauri::command]
pub fn prices_get(prices: State<'_, Prices>) -> PriceTable {
    prices.shipped()
}

/// Presets and models of the selected provider: live from `/v1/models` when possible, cached
/// for an hour, the built-in list otherwise. Prices in a live list become the catalogue estimates
/// use, saved for the next start and for offline use.
#[tauri::command]
pub async fn models_list(
    api: State<'_, ApiState>,
    prices: State<'_, Prices>,
    data: State<'_, DataDir>,
) -> Result<ModelList> {
    let target = api.target().await;
    let list = api.models.get(&api.client, &target.endpoint, target.key()).await;
    if target.endpoint.provider.spec().priced_catalogue && list.source == ListSource::Live {
        if let Some(catalogue) = Catalogue::new(crate::history::now_ms(), &target.endpoint.base_url, &list.details) {
            if prices.set_catalogue(catalogue.clone()) {
                let folder = data.0.clone();
                let saved = tauri::async_runtime::spawn_blocking(move || catalogue.save(&folder)).await;
                if let Ok(Err(e)) = saved {
                    log::warn!("could not keep the model catalogue: {e}");
                }
            }
        }
    }
    Ok(list)
}
