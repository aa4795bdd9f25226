//! Thin `#[tauri::command]` wrappers, one file per area; the logic lives in plain modules.

pub mod app;
pub mod chat;
pub mod cost;
pub mod history;
pub mod images;
pub mod keys;
pub mod research;
pub mod settings;
