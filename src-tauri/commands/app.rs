//! App-level facts for the UI, and opening links in the system browser.

use serde::Serialize;
use tauri::State;

use crate::api::Provider;
use crate::error::{AppError, Result};
use crate::secrets::KeySource;
use crate::state::{ApiState, DataDir, LogDir, Notices, SettingsFile};

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    version: &'static str,
    provider: Provider,
    base_url: String,
    default_model: String,
    key_source: KeySource,
    /// Enough for a person to recognise the key; the key itself never reaches the webview.
    key_last4: Option<String>,
    data_dir: String,
    log_dir: String,
    /// One-time messages for the person (each is returned once).
    notices: Vec<String>,
    /// The saved provider is the retired Sonar API: offer the switch to the Agent API (true once).
    sonar_retirement: bool,
}

#[tauri::command]
pub async fn app_status<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    api: State<'_, ApiState>,
    data_dir: State<'_, DataDir>,
    log_dir: State<'_, LogDir>,
    file: State<'_, SettingsFile>,
    notices: State<'_, Notices>,
) -> Result<AppStatus> {
    let target = api.target().await;
    let mut settings = super::settings::load(&app, &file).0;
    let sonar_retirement = settings.provider == Provider::Sonar && !settings.sonar_retirement_offered;
    if sonar_retirement {
        settings.sonar_retirement_offered = true;
        if let Err(e) = super::settings::store(&app, &file, &settings) {
            log::warn!("could not note that the Sonar retirement was explained: {e}");
        }
    }
    Ok(AppStatus {
        version: env!("CARGO_PKG_VERSION"),
        provider: target.endpoint.provider,
        base_url: target.endpoint.base_url,
        default_model: settings.model_for_provider().to_owned(),
        key_source: target.key_source,
        key_last4: target.key.as_ref().map(|k| k.last4()),
        data_dir: data_dir.0.display().to_string(),
        log_dir: log_dir.0.display().to_string(),
        notices: std::mem::take(&mut *notices.0.lock().unwrap_or_else(|e| e.into_inner())),
        sonar_retirement,
    })
}

/// A folder of Citewise's own that a person may want to look into.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Folder {
    /// Where history, settings and the webview's storage are.
    Data,
    /// The log files.
    Logs,
}

/// Opens one of Citewise's folders in the system's file manager (created first if it is not
/// there yet, e.g. the log folder before anything was logged).
#[tauri::command]
pub fn folder_open(folder: Folder, data_dir: State<'_, DataDir>, log_dir: State<'_, LogDir>) -> Result<()> {
    let path = match folder {
        Folder::Data => &data_dir.0,
        Folder::Logs => &log_dir.0,
    };
    std::fs::create_dir_all(path).map_err(|e| AppError::Folder(e.to_string()))?;
    open::that_detached(path).map_err(|e| AppError::Folder(e.to_string()))
}

/// Opens a web link in the system browser. The scheme is checked here again, whatever the UI
/// did: model output and citation URLs are untrusted.
#[tauri::command]
pub fn open_url(url: String) -> Result<()> {
    let parsed = web_url(&url)?;
    open::that_detached(parsed.as_str()).map_err(|e| AppError::Browser(e.to_string()))
}

/// Accepts only web links ([`crate::links`]: absolute `http:`/`https:` URLs with a host).
pub fn web_url(raw: &str) -> Result<url::Url> {
    crate::links::parse_web(raw).ok_or_else(|| AppError::BadUrl(shorten(raw)))
}

fn shorten(raw: &str) -> String {
    raw.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_open() {
        assert!(web_url("https://en.wikipedia.org/wiki/Mount_Everest").is_ok());
        assert!(web_url(" http://example.com/a?b=c#d ").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "file:///etc/passwd",
            "tauri://localhost",
            "//evil.com",
            "https://",
            "not a url",
            "JAVASCRIPT:alert(1)",
        ] {
            assert!(matches!(web_url(bad), Err(AppError::BadUrl(_))), "{bad} must be refused");
        }
    }
}
