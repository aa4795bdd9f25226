//! One Citewise per data folder: the D-Bus single-instance check (a second launch brings the open
//! window forward) and, whatever the folder's path is spelled like, its lock file
//! ([`lock_folder`], `citewise.lock`); a second process that finds it taken says so and ends.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tauri::{Manager, Runtime};

/// The lock file in the data folder.
pub const LOCK_FILE: &str = "citewise.lock";

/// Held for the life of the process: the data folder is this process's alone.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
    /// The folder, by its canonical path.
    pub folder: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the folder's lock.
    #[error("Citewise is already running with the data in {}.", .0.display())]
    Busy(PathBuf),
    #[error("could not lock the data folder: {0}")]
    Io(#[from] io::Error),
}

/// Takes the data folder for this process: an exclusive lock (flock on Unix, LockFileEx on
/// Windows) on [`LOCK_FILE`] in the folder found by its canonical path, so a symlink, `..` or
/// another spelling of the same folder meets the same lock. The operating system drops it when
/// the process ends, crash or not, so a stale lock never locks anybody out.
pub fn lock_folder(folder: &Path) -> Result<FolderLock, LockError> {
    let folder = fs::canonicalize(folder)?;
    let mut file =
        OpenOptions::new().create(true).truncate(false).read(true).write(true).open(folder.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(LockError::Busy(folder)),
        Err(TryLockError::Error(e)) => return Err(e.into()),
    }
    // Who holds it, for a person looking at the folder.
    file.set_len(0)?;
    writeln!(file, "{}", std::process::id())?;
    Ok(FolderLock { _file: file, folder })
}

/// Another Citewise holds `folder` (reached by another path than the D-Bus check knows): say so
/// where a person sees it, then end without touching the folder.
pub(crate) fn already_running<R: Runtime>(app: &tauri::AppHandle<R>, folder: &std::path::Path) {
    let message = format!(
        "Citewise is already running with the data in {}.\n\nSwitch to its window; two at once would \
         write the same history.",
        folder.display()
    );
    eprintln!("{}", message.replace("\n\n", " "));
    // rfd's dialogs are built on the main (GTK) thread and awaited elsewhere.
    let shown = app.run_on_main_thread(move || {
        let answer = rfd::AsyncMessageDialog::new()
            .set_title("Citewise is already open")
            .set_description(&message)
            .set_level(rfd::MessageLevel::Info)
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
        std::thread::spawn(move || {
            tauri::async_runtime::block_on(answer);
            std::process::exit(1);
        });
    });
    if shown.is_err() {
        std::process::exit(1);
    }
}

/// One Citewise per data folder: launching it again (from the menu, a second click on the dock)
/// brings the open window forward instead of starting another that would share the history.
/// On Linux each `CITEWISE_DATA_DIR` is its own instance (a D-Bus name per folder), so tests and
/// a portable copy run beside the everyday one; on macOS and Windows there is one per user.
pub(crate) fn single_instance<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    #[allow(unused_mut)]
    let mut builder = tauri_plugin_single_instance::Builder::new().callback(|app, _argv, _cwd| {
        log::info!("Citewise was launched again; bringing this window forward");
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    });
    #[cfg(target_os = "linux")]
    if let Some(dir) = std::env::var_os(crate::DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        builder = builder.dbus_id(instance_name(dir.as_encoded_bytes()));
    }
    builder.build()
}

/// The D-Bus name (before the plugin's `.SingleInstance`) of the instance that owns `data_dir`:
/// the app's identifier and a stable hash (FNV-1a) of the folder's path.
pub fn instance_name(data_dir: &[u8]) -> String {
    let hash =
        data_dir.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("app.citewise.desktop.d{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_data_folder_is_an_instance_of_its_own() {
        let a = instance_name(b"/tmp/citewise-a");
        assert_eq!(a, instance_name(b"/tmp/citewise-a"), "stable");
        assert_ne!(a, instance_name(b"/tmp/citewise-b"));
        // A valid D-Bus name: dot-separated elements of [A-Za-z0-9_-], none starting with a digit.
        assert!(a.len() < 255 && a.split('.').all(|e| !e.is_empty() && !e.starts_with(|c: char| c.is_ascii_digit())));
        assert_eq!(instance_name(b""), "app.citewise.desktop.dcbf29ce484222325");
    }

    #[test]
    fn a_data_folder_is_one_process_s_by_any_path() {
        let dir = std::env::temp_dir().join(format!("citewise-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).unwrap();
        let held = lock_folder(&dir).unwrap();
        assert_eq!(held.folder, fs::canonicalize(&dir).unwrap());
        assert_eq!(fs::read_to_string(dir.join(LOCK_FILE)).unwrap().trim(), std::process::id().to_string());
        // The same folder by another spelling, and through a symlink: the same lock.
        let link = std::env::temp_dir().join(format!("citewise-lock-link-{}", std::process::id()));
        let _ = fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        #[cfg(unix)]
        let spellings = [dir.join("sub/.."), link.clone()];
        #[cfg(not(unix))]
        let spellings = [dir.join("sub/..")];
        for other in spellings {
            match lock_folder(&other) {
                Err(LockError::Busy(folder)) => assert_eq!(folder, held.folder, "{}", other.display()),
                other => panic!("expected Busy, got {other:?}"),
            }
        }
        let message = lock_folder(&dir).unwrap_err().to_string();
        assert!(message.starts_with("Citewise is already running with the data in "), "{message}");
        // Released with its holder (as when a process ends, however it ends).
        drop(held);
        let again = lock_folder(&link).unwrap();
        drop(again);
        let _ = fs::remove_file(&link);
        fs::remove_dir_all(&dir).unwrap();
    }
}
