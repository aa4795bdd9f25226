//! Settings → Appearance for the native window: its title bar and GTK's own widgets follow the
//! choice the page follows (WebKitGTK's `prefers-color-scheme` follows GTK's in turn).

use std::sync::Mutex;

use tauri::{Manager, Runtime, WebviewWindow, WindowEvent};

use crate::settings::Theme;

/// The choice in force, so that a desktop-wide switch does not undo an explicit Light or Dark.
#[derive(Default)]
pub struct Chosen(Mutex<Theme>);

impl Chosen {
    pub fn new(theme: Theme) -> Self {
        Chosen(Mutex::new(theme))
    }

    fn get(&self) -> Theme {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Applies a changed choice to the open window. A failure only costs the title bar's colours.
pub fn apply<R: Runtime>(window: &WebviewWindow<R>, theme: Theme) {
    if let Some(chosen) = window.try_state::<Chosen>() {
        let mut current = chosen.0.lock().unwrap_or_else(|e| e.into_inner());
        if *current == theme {
            return; // another setting was saved
        }
        *current = theme;
    }
    let result = match theme.native() {
        Some(native) => window.set_theme(Some(native)),
        None => follow_system(window),
    };
    if let Err(e) = result {
        log::warn!("could not set the window's theme: {e}");
    }
}

/// Keeps an explicit choice when the desktop switches between light and dark: on Linux the
/// windowing layer applies the desktop's new scheme to the window whatever it was told before.
pub fn track<R: Runtime>(window: &WebviewWindow<R>) {
    let handle = window.clone();
    window.on_window_event(move |event| {
        let WindowEvent::ThemeChanged(now) = event else { return };
        let wanted = handle.try_state::<Chosen>().and_then(|c| c.get().native());
        if let Some(wanted) = wanted.filter(|w| w != now) {
            let _ = handle.set_theme(Some(wanted));
        }
    });
}

/// Back to the desktop's scheme. On Linux "no preference" reads as light until the desktop next
/// switches, so the desktop's current scheme (from the settings portal) is set explicitly.
#[cfg(target_os = "linux")]
fn follow_system<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    window.set_theme(None)?;
    if window.theme()? == tauri::Theme::Dark {
        window.set_theme(Some(tauri::Theme::Dark))?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn follow_system<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    window.set_theme(None)
}
