//! The saved conversations: the sidebar's pages, opening one, versions, rename, pin, delete and
//! undo, search, export and import. Each command hands one call to [`crate::history`].

use tauri::State;

use crate::api::RequestOptions;
use crate::error::{AppError, Result};
use crate::history::export::{ExportFormat, ExportResult};
use crate::history::import::ImportReport;
use crate::history::search::SearchHit;
use crate::history::Conversation;
use crate::history::{now_ms, ConversationPage, ConversationSummary};
use crate::state::History;

#[tauri::command]
pub async fn conversations_list(
    cursor: Option<String>,
    limit: usize,
    history: State<'_, History>,
) -> Result<ConversationPage> {
    history.run(move |db| db.list_conversations(cursor.as_deref(), limit)).await
}

#[tauri::command]
pub async fn conversation_open(
    id: String,
    focus_message_id: Option<String>,
    history: State<'_, History>,
) -> Result<Conversation> {
    history.run(move |db| db.open_conversation(&id, focus_message_id.as_deref())).await
}

/// Remembers the model and options picked for a conversation before its next question.
#[tauri::command]
pub async fn conversation_configure(
    id: String,
    model: String,
    options: RequestOptions,
    history: State<'_, History>,
) -> Result<()> {
    history.run(move |db| db.configure_conversation(&id, &model, &options)).await
}

#[tauri::command]
pub async fn conversation_select_version(
    id: String,
    message_id: String,
    history: State<'_, History>,
) -> Result<Conversation> {
    history.run(move |db| db.select_version(&id, &message_id)).await
}

#[tauri::command]
pub async fn conversation_rename(
    id: String,
    title: String,
    history: State<'_, History>,
) -> Result<ConversationSummary> {
    history.run(move |db| db.rename_conversation(&id, &title)).await
}

#[tauri::command]
pub async fn conversation_pin(id: String, pinned: bool, history: State<'_, History>) -> Result<ConversationSummary> {
    history.run(move |db| db.pin_conversation(&id, pinned)).await
}

#[tauri::command]
pub async fn conversation_delete(id: String, history: State<'_, History>) -> Result<()> {
    history.run(move |db| db.delete_conversation(&id)).await
}

#[tauri::command]
pub async fn conversation_restore(id: String, history: State<'_, History>) -> Result<ConversationSummary> {
    history.run(move |db| db.restore_conversation(&id)).await
}

#[tauri::command]
pub async fn history_search(query: String, limit: usize, history: State<'_, History>) -> Result<Vec<SearchHit>> {
    history.run(move |db| db.search(&query, limit)).await
}

#[tauri::command]
pub async fn history_export(
    ids: Option<Vec<String>>,
    format: ExportFormat,
    history: State<'_, History>,
) -> Result<ExportResult> {
    let folder = history.export_dir.clone();
    history.run(move |db| db.export(ids.as_deref(), format, &folder, now_ms())).await
}

#[tauri::command]
pub async fn history_import(text: String, history: State<'_, History>) -> Result<ImportReport> {
    history.run(move |db| db.import(&text)).await
}

/// Opens the export folder in the file manager (the only folder this can open).
#[tauri::command]
pub fn export_folder_open(history: State<'_, History>) -> Result<()> {
    std::fs::create_dir_all(&history.export_dir).map_err(|e| AppError::Folder(e.to_string()))?;
    open::that_detached(&history.export_dir).map_err(|e| AppError::Folder(e.to_string()))
}
