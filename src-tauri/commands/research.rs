//! Background research: the window watches the runs going on, and may cancel one.

use std::sync::Arc;

use tauri::ipc::Channel;
use tauri::State;

use crate::research::{ResearchEvent, RunInfo, Runs};

/// Sends every change of the running research (and notification clicks) to `on_event` from
/// now on, replacing the channel asked before; returns the runs going now.
#[tauri::command]
pub fn research_watch(on_event: Channel<ResearchEvent>, runs: State<'_, Arc<Runs>>) -> Vec<RunInfo> {
    runs.watch(move |event| on_event.send(event).is_ok())
}

/// Asks the server to stop answer `answer_id`'s background run; false if it is not running.
/// The answer ends as cancelled once the server has been told.
#[tauri::command]
pub fn research_cancel(answer_id: String, runs: State<'_, Arc<Runs>>) -> bool {
    runs.cancel(&answer_id)
}
