//! Generates the Tauri context (config, icons, the capability in `capabilities/`).
fn main() {
    tauri_build::build()
}
