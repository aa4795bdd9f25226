// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // First, while there is one thread: keys in the environment move into memory and out of the
    // environment every child process (xdg-open, the browser, WebKit's processes) would inherit.
    citewise::secrets::take_env_keys();
    // Before anything else starts a thread or loads WebKit: how the window will be painted.
    #[cfg(target_os = "linux")]
    citewise::shell::rendering::choose();
    // Without a display GTK cannot start, and its panic explains nothing to a person.
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("Citewise is a desktop app: start it from a graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set).");
        std::process::exit(1);
    }
    citewise::run()
}
