//! Citewise: a desktop chat client for Perplexity's API.
//!
//! This file only wires the app together: state, commands and the main window. The logic lives in
//! plain modules ([`api`], [`history`], [`images`], [`answer`], [`secrets`]) that know nothing of Tauri.

pub mod answer;
pub mod api;
mod commands;
pub mod error;
pub mod error_kind;
pub mod files;
pub mod history;
pub mod images;
#[cfg(test)]
mod ipc_types;
pub mod keys;
pub mod links;
pub mod pricing;
pub mod research;
pub mod secrets;
pub mod settings;
pub mod shell;
pub mod state;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use shell::{appearance, instance, logging, webview_policy, window_state};

use state::{ApiState, DataDir, History, InFlight, LogDir, Notices, Prices, SettingsFile, EXPORT_DIR_ENV};

/// Environment variable that moves all of Citewise's data (tests use throwaway folders).
pub const DATA_DIR_ENV: &str = "CITEWISE_DATA_DIR";

pub fn run() {
    builder(tauri::Builder::default()).run(tauri::generate_context!()).expect("error while running Citewise");
}

/// Everything but the context, generic over the runtime so tests can use the mock runtime.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        // First: a second launch hands over to the running window and exits before anything else.
        .plugin(instance::single_instance())
        .plugin(tauri_plugin_store::Builder::default().build())
        .manage(Arc::new(InFlight::default()))
        .manage(commands::keys::Asking::default())
        .invoke_handler(tauri::generate_handler![
            commands::app::app_status,
            commands::app::open_url,
            commands::app::folder_open,
            commands::chat::chat_send,
            commands::chat::chat_cancel,
            commands::settings::settings_get,
            commands::settings::settings_update,
            commands::settings::models_list,
            commands::settings::sonar_migrate,
            commands::keys::key_status,
            commands::keys::key_save,
            commands::keys::key_remove,
            commands::keys::key_test,
            commands::keys::key_confirm_address,
            commands::history::conversations_list,
            commands::history::conversation_open,
            commands::history::conversation_select_version,
            commands::history::conversation_rename,
            commands::history::conversation_pin,
            commands::history::conversation_delete,
            commands::history::conversation_restore,
            commands::history::history_search,
            commands::history::history_export,
            commands::history::history_import,
            commands::history::export_folder_open,
            commands::images::image_fetch,
            commands::settings::providers_get,
            commands::settings::prices_get,
            commands::cost::cost_estimate,
            commands::cost::spend_summary,
            commands::cost::spend_report,
            commands::history::conversation_configure,
            commands::research::research_watch,
            commands::research::research_cancel,
        ])
        .setup(|app| {
            let data_dir = data_dir(app.handle())?;
            std::fs::create_dir_all(&data_dir)?;
            // One process per data folder, whatever its path's spelling: besides the D-Bus
            // single-instance check (which goes by the name), the folder's own lock file.
            match instance::lock_folder(&data_dir) {
                Ok(lock) => {
                    app.manage(lock);
                }
                Err(instance::LockError::Busy(folder)) => {
                    // Nothing else is set up: no window, no history, no log file of its own.
                    instance::already_running(app.handle(), &folder);
                    return Ok(());
                }
                // A file system without locks (some network shares): go on, and say so.
                Err(e) => eprintln!("Citewise: {e}; going on without the lock"),
            }
            let data_dir_from_env = std::env::var_os(DATA_DIR_ENV).is_some_and(|v| !v.is_empty());
            let log_dir = logging::folder(data_dir_from_env, &data_dir, app.path().app_log_dir().ok());
            app.handle().plugin(logging::plugin(log_dir.clone()))?;
            log::info!("Citewise {} starting; data in {}", env!("CARGO_PKG_VERSION"), data_dir.display());
            app.manage(LogDir(log_dir));
            let file = SettingsFile(data_dir.join(settings::FILE_NAME));
            let mut notices: Vec<String> = settings::quarantine_if_corrupt(&file.0).into_iter().collect();
            let (settings, rejected) = commands::settings::load(app.handle(), &file);
            if !rejected.is_empty() {
                notices.push(format!(
                    "Some settings could not be read and were reset to their defaults: {}.",
                    rejected.join(", ")
                ));
            }
            let (db, problem) = history::open_in(&data_dir);
            notices.extend(problem);
            match db.recover() {
                Ok(0) => {}
                Ok(n) => log::info!("{n} answer(s) were cut off by the last quit and are marked interrupted"),
                Err(e) => log::warn!("history recovery failed: {e}"),
            }
            app.manage(History { db: Arc::new(db), export_dir: export_dir(app.handle(), &data_dir) });
            let api = ApiState::new(&settings, keys::Keys::new(Box::new(secrets::OsKeyring::new())))?;
            // Ask the keyring once in the background, so the first question does not wait on it.
            let warm = api.keys.clone();
            std::thread::spawn(move || {
                warm.status(secrets::Account::Perplexity);
            });
            app.manage(api);
            app.manage(Prices::new(settings.price_overrides.clone(), pricing::Catalogue::load(&data_dir)));
            app.manage(file);
            app.manage(Notices(std::sync::Mutex::new(notices)));
            app.manage(images::Images::new(images::Policy::from_env())?);
            start_research(app.handle());
            open_main_window(app.handle(), &data_dir, settings.theme)?;
            app.manage(DataDir(data_dir));
            Ok(())
        })
}

fn data_dir<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => app.path().app_data_dir(),
    }
}

/// `CITEWISE_EXPORT_DIR`, else the Downloads folder, else `exports` in the data folder.
fn export_dir<R: Runtime>(app: &tauri::AppHandle<R>, data_dir: &std::path::Path) -> PathBuf {
    std::env::var_os(EXPORT_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| app.path().download_dir().ok())
        .unwrap_or_else(|| data_dir.join("exports"))
}

/// The background runs: their registry, the notification when one ends, and every run the last
/// session left going, followed again.
fn start_research<R: Runtime>(app: &tauri::AppHandle<R>) {
    let runs = Arc::new(research::Runs::default());
    let handle = app.clone();
    let notified = runs.clone();
    runs.on_finish(move |info, outcome| shell::notification::research_ended(&handle, notified.clone(), info, outcome));
    app.manage(runs.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let api = app.state::<ApiState>();
        let target = api.target_for(api::Account::Perplexity).await;
        let resume = research::Resume {
            client: api.client.clone(),
            base_url: target.endpoint.base_url.clone(),
            key: target.key().cloned(),
            db: app.state::<History>().db.clone(),
            prices: app.state::<Prices>().current(),
            images: app.state::<images::Images>().streamed.clone(),
        };
        research::resume_all(resume, runs).await;
    });
}

fn open_main_window<R: Runtime>(
    app: &tauri::AppHandle<R>,
    data_dir: &std::path::Path,
    theme: settings::Theme,
) -> tauri::Result<()> {
    let state_file = data_dir.join(window_state::FILE_NAME);
    // Last run's size and place, if the window would still be on a screen.
    let screens: Vec<window_state::Screen> = app
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let (pos, size) =
                (m.position().to_logical::<f64>(m.scale_factor()), m.size().to_logical::<f64>(m.scale_factor()));
            (pos.x, pos.y, size.width, size.height)
        })
        .collect();
    let saved = window_state::load(&state_file).and_then(|s| window_state::placed(s, &screens));
    let (width, height) = saved.map_or(window_state::DEFAULT_SIZE, |s| (s.width, s.height));
    let mut builder = WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
        .title("Citewise")
        .inner_size(width, height)
        .min_inner_size(window_state::MIN_SIZE.0, window_state::MIN_SIZE.1)
        .maximized(saved.is_some_and(|s| s.maximized))
        // The title bar follows Settings → Appearance like the page does (System: the desktop's).
        .theme(theme.native())
        // The webview's own storage sits with the rest of our data, so CITEWISE_DATA_DIR isolates it too.
        .data_directory(data_dir.join("webview"))
        // Links never navigate the app's window away; the UI opens them in the system browser.
        .on_navigation(webview_policy::is_app_url)
        // Nor does a page save files: exports are written by the backend.
        .on_download(|_, event| webview_policy::allow_download(&event));
    // Otherwise the window manager places it, as it does any new window.
    if let Some(s) = saved {
        builder = builder.position(s.x, s.y);
    }
    // The taskbar's and the window switcher's icon (the largest of the bundle's, see tauri.conf.json).
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone())?;
    }
    let window = builder.build()?;
    // No Download Linked File, Open Image in New Window… in the page's context menu.
    #[cfg(target_os = "linux")]
    window.with_webview(|webview| webview_policy::keep_safe_context_menu(&webview.inner()))?;
    window_state::track(&window, state_file);
    app.manage(appearance::Chosen::new(theme));
    appearance::track(&window);
    // On Linux the builder's theme is not applied to a new window; setting it afterwards is.
    if let Some(native) = theme.native() {
        window.set_theme(Some(native))?;
    }
    Ok(())
}
