//! The desktop notification when background research ends while the window is not in front:
//! "Research finished" and the conversation's title. Clicking it brings the window forward and
//! opens the conversation at the answer.
//!
//! notify-rust speaks the freedesktop Notifications interface over D-Bus (and the native ones
//! elsewhere). A click arrives as the `default` action while a thread waits on the notification;
//! at most [`MAX_WAITING`] wait at once, beyond which a notification still shows but a click
//! only does what the desktop does by default.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};

use crate::research::{RunInfo, RunOutcome, Runs};

const MAX_WAITING: usize = 8;
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// What the notification says of `outcome`; `None`: no notification (the person cancelled it).
fn summary(outcome: RunOutcome) -> Option<&'static str> {
    match outcome {
        RunOutcome::Completed => Some("Research finished"),
        RunOutcome::Failed => Some("Research failed"),
        RunOutcome::Interrupted => Some("Research stopped before it finished"),
        RunOutcome::Cancelled => None,
    }
}

/// Tells the person that `info`'s run ended, unless the window is in front (they can see it).
pub fn research_ended<R: Runtime>(app: &AppHandle<R>, runs: Arc<Runs>, info: &RunInfo, outcome: RunOutcome) {
    let Some(summary) = summary(outcome) else { return };
    let in_front = app
        .get_webview_window("main")
        .is_some_and(|w| w.is_focused().unwrap_or(false) && w.is_visible().unwrap_or(false));
    if in_front {
        return log::info!("research ended ({outcome:?}) with the window in front: no notification");
    }
    let title = if info.title.trim().is_empty() { "Your question".to_owned() } else { info.title.clone() };
    let (conversation, answer) = (info.conversation_id.clone(), info.answer_id.clone());
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("notification".into()).spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Citewise")
            .summary(summary)
            .body(&title)
            .icon("citewise")
            .action("default", "Open")
            .show();
        let handle = match shown {
            Ok(handle) => handle,
            Err(e) => return log::warn!("could not show the notification that research ended: {e}"),
        };
        log::info!("notified that research ended ({outcome:?})");
        if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        #[cfg(all(unix, not(target_os = "macos")))]
        handle.wait_for_action(|action| {
            log::info!("the notification was answered: {action}");
            if action == "default" {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
                runs.open(&conversation, &answer);
            }
        });
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        let _ = (handle, app, runs, conversation, answer);
        WAITING.fetch_sub(1, Ordering::SeqCst);
    });
    if let Err(e) = spawned {
        log::warn!("could not start the notification's thread: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_is_not_announced() {
        assert_eq!(summary(RunOutcome::Cancelled), None);
        assert_eq!(summary(RunOutcome::Completed), Some("Research finished"));
        assert!(summary(RunOutcome::Failed).is_some() && summary(RunOutcome::Interrupted).is_some());
    }
}
