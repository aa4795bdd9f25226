//! Reading and changing settings, and the model list of the selected provider.

use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_store::StoreExt;

use crate::api::models::ModelList;
use crate::error::{AppError, Result};
use crate::pricing::PriceTable;
use crate::settings::Settings;
use crate::state::{ApiState, Prices, SettingsFile};

/// Loads settings from the store; keys with unusable values are reported, not fatal.
pub fn load<R: Runtime>(app: &AppHandle<R>, file: &SettingsFile) -> (Settings, Vec<String>) {
    match app.store(&file.0) {
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
    settings.validate().map_err(AppError::Settings)?;
    let store = app.store(&file.0).map_err(|e| AppError::Settings(e.to_string()))?;
    for (key, value) in settings.to_entries() {
        store.set(key, value);
    }
    store.save().map_err(|e| AppError::Settings(format!("could not save settings: {e}")))?;
    api.apply(&settings);
    prices.set(settings.prices());
    if let Some(window) = app.get_webview_window("main") {
        crate::appearance::apply(&window, settings.theme);
    }
    Ok(settings)
}

/// The price table shipped with this version; the person's rows are in the settings.
#[tauri::command]
pub fn prices_get() -> PriceTable {
    PriceTable::builtin()
}

/// Presets and models of the selected provider: live from `/v1/models` when possible, cached
/// for an hour, the built-in list otherwise.
#[tauri::command]
pub async fn models_list(api: State<'_, ApiState>) -> Result<ModelList> {
    let target = api.target().await;
    Ok(api.models.get(&api.client, &target.endpoint, target.key.as_ref()).await)
}
