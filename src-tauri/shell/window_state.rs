//! Why not tauri-plugin-window-state: it keeps its file in the app's config folder (only the file
//! name is settable), not in our data folder that CITEWISE_DATA_DIR moves; it saves on exit only
//! (a crash loses the place), in physical pixels, and restores after the window is shown (a jump);
//! ours places the window before it is built and writes 400 ms after it settles.
//!
//! The main window's size and place, kept in `window.json` in the data folder and given back at
//! the next start, as long as the window would still be on a connected screen.
//!
//! Sizes and positions are logical pixels (what the window builder takes), so a window saved on a
//! 2× screen comes back the same size on it. While the window is maximized its normal size and
//! place are kept, so un-maximizing after a restart goes back to them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tauri::{Runtime, WebviewWindow, WindowEvent};

/// The file in the data folder.
pub const FILE_NAME: &str = "window.json";
/// The smallest window Citewise opens (also its minimum size).
pub const MIN_SIZE: (f64, f64) = (640.0, 480.0);
/// The first start's size.
pub const DEFAULT_SIZE: (f64, f64) = (1200.0, 820.0);
/// How long the window must stay put before its place is written (a drag sends many moves).
const SETTLE: Duration = Duration::from_millis(400);

/// Where the window was, in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WindowState {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    #[serde(default)]
    pub maximized: bool,
}

/// A screen's area in logical pixels: x, y, width, height.
pub type Screen = (f64, f64, f64, f64);

/// The saved state, if the file is there and makes sense (a damaged file is simply ignored:
/// the window opens at its default size and the next move writes a good one).
pub fn load(path: &Path) -> Option<WindowState> {
    let state: WindowState = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let finite = [state.x, state.y, state.width, state.height].iter().all(|v| v.is_finite());
    (finite && state.width > 0.0 && state.height > 0.0).then_some(state)
}

/// Writes `state` to `path` (to a temporary file first, so a crash never leaves half a file).
pub fn save(path: &Path, state: &WindowState) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec(state).map_err(std::io::Error::other)?)?;
    std::fs::rename(&tmp, path)
}

/// `state` made to fit: at least the minimum size, no larger than the largest screen, and only
/// where enough of its title bar (100 × 40 px) is on one of `screens`; `None` when it would be
/// off every screen (a monitor unplugged since): the window manager places it then.
pub fn placed(state: WindowState, screens: &[Screen]) -> Option<WindowState> {
    let (max_w, max_h) = screens.iter().fold((0.0_f64, 0.0_f64), |(w, h), &(_, _, sw, sh)| (w.max(sw), h.max(sh)));
    let width = state.width.max(MIN_SIZE.0).min(max_w.max(MIN_SIZE.0));
    let height = state.height.max(MIN_SIZE.1).min(max_h.max(MIN_SIZE.1));
    let visible = screens.iter().any(|&(sx, sy, sw, sh)| {
        let overlap_x = (state.x + width).min(sx + sw) - state.x.max(sx);
        let title_top = state.y.max(sy);
        overlap_x >= 100.0 && title_top < sy + sh - 40.0 && state.y + 40.0 > sy
    });
    visible.then_some(WindowState { width, height, ..state })
}

/// Keeps `path` up to date with `window`'s size and place.
pub fn track<R: Runtime>(window: &WebviewWindow<R>, path: PathBuf) {
    let latest: Arc<Mutex<Option<WindowState>>> = Arc::new(Mutex::new(None));
    let pending = Arc::new(Mutex::new(0_u64));
    let watched = window.clone();
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let Some(state) = current(&watched, *latest.lock().unwrap_or_else(|e| e.into_inner())) else {
            return;
        };
        *latest.lock().unwrap_or_else(|e| e.into_inner()) = Some(state);
        // Write once the window has stayed put for SETTLE (each event restarts the wait).
        let ticket = {
            let mut n = pending.lock().unwrap_or_else(|e| e.into_inner());
            *n += 1;
            *n
        };
        let (pending, latest, path) = (pending.clone(), latest.clone(), path.clone());
        std::thread::spawn(move || {
            std::thread::sleep(SETTLE);
            if *pending.lock().unwrap_or_else(|e| e.into_inner()) != ticket {
                return;
            }
            if let Some(state) = *latest.lock().unwrap_or_else(|e| e.into_inner()) {
                if let Err(err) = save(&path, &state) {
                    log::warn!("could not save the window's size and place: {err}");
                }
            }
        });
    });
}

/// The window's state now. Maximized or minimized, its normal size and place stay what they were.
fn current<R: Runtime>(window: &WebviewWindow<R>, before: Option<WindowState>) -> Option<WindowState> {
    if window.is_minimized().unwrap_or(false) {
        return None;
    }
    let maximized = window.is_maximized().unwrap_or(false);
    if maximized {
        return before.map(|b| WindowState { maximized: true, ..b }).or_else(|| {
            let scale = window.scale_factor().ok()?;
            let size = window.inner_size().ok()?.to_logical::<f64>(scale);
            let pos = window.outer_position().ok()?.to_logical::<f64>(scale);
            Some(WindowState { x: pos.x, y: pos.y, width: size.width, height: size.height, maximized: true })
        });
    }
    let scale = window.scale_factor().ok()?;
    let size = window.inner_size().ok()?.to_logical::<f64>(scale);
    let pos = window.outer_position().ok()?.to_logical::<f64>(scale);
    Some(WindowState { x: pos.x, y: pos.y, width: size.width, height: size.height, maximized: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: Screen = (0.0, 0.0, 1920.0, 1080.0);

    fn state(x: f64, y: f64, width: f64, height: f64) -> WindowState {
        WindowState { x, y, width, height, maximized: false }
    }

    #[test]
    fn saved_and_loaded_unchanged() {
        let dir = std::env::temp_dir().join(format!("citewise-window-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE_NAME);
        assert_eq!(load(&path), None, "nothing saved yet");
        let s = WindowState { maximized: true, ..state(40.0, 30.0, 1000.5, 700.0) };
        save(&path, &s).unwrap();
        assert_eq!(load(&path), Some(s));
        for bad in ["", "{", "[]", r#"{"x":1,"y":2,"width":-5,"height":3}"#, r#"{"x":"a"}"#] {
            std::fs::write(&path, bad).unwrap();
            assert_eq!(load(&path), None, "{bad}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_window_on_screen_comes_back_as_it_was() {
        let s = state(100.0, 80.0, 1000.0, 700.0);
        assert_eq!(placed(s, &[SCREEN]), Some(s));
    }

    #[test]
    fn a_window_off_every_screen_is_placed_anew() {
        assert_eq!(placed(state(2500.0, 100.0, 800.0, 600.0), &[SCREEN]), None, "right of the only screen");
        assert_eq!(placed(state(100.0, 1060.0, 800.0, 600.0), &[SCREEN]), None, "title bar below the screen");
        assert_eq!(placed(state(100.0, -300.0, 800.0, 600.0), &[SCREEN]), None, "title bar above the screen");
        assert_eq!(placed(state(100.0, 100.0, 800.0, 600.0), &[]), None, "no screen known");
        let second = (1920.0, 0.0, 1280.0, 1024.0);
        let s = state(2500.0, 100.0, 800.0, 600.0);
        assert_eq!(placed(s, &[SCREEN, second]), Some(s), "on the second screen");
    }

    #[test]
    fn sizes_are_kept_between_the_minimum_and_the_largest_screen() {
        let tiny = placed(state(10.0, 10.0, 200.0, 100.0), &[SCREEN]).unwrap();
        assert_eq!((tiny.width, tiny.height), MIN_SIZE);
        let huge = placed(state(0.0, 0.0, 5000.0, 3000.0), &[SCREEN]).unwrap();
        assert_eq!((huge.width, huge.height), (1920.0, 1080.0));
    }
}
