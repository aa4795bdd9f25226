//! Generates the Tauri context and the permission set of our own commands, so the capability
//! files can grant exactly these and nothing else.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*").app_manifest(
            tauri_build::AppManifest::new().commands(&[
                "app_status",
                "open_url",
                "chat_send",
                "chat_cancel",
                "settings_get",
                "settings_update",
                "models_list",
                "sonar_migrate",
                "key_status",
                "key_save",
                "key_remove",
                "key_test",
                "key_confirm_address",
                "conversations_list",
                "conversation_open",
                "conversation_select_version",
                "conversation_rename",
                "conversation_pin",
                "conversation_delete",
                "conversation_restore",
                "history_search",
                "history_export",
                "history_import",
                "export_folder_open",
                "folder_open",
                "image_fetch",
                "providers_get",
                "prices_get",
                "cost_estimate",
                "spend_summary",
                "spend_report",
                "conversation_configure",
                "research_watch",
                "research_cancel",
            ]),
        ),
    )
    .expect("failed to run tauri-build");
}
