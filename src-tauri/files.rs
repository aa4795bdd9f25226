//! Files that must not be half-written or shared: [`write_atomic`] (a crash, a full disk or a
//! reader at the wrong moment sees either the old content or the new, never half of either: a
//! temporary file beside it, flushed to disk, renamed over the old one, and the folder flushed so
//! the rename itself survives a power cut), and [`lock_folder`] (one Citewise per data folder).

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// Replaces `path` with `bytes` atomically. The temporary file is removed if anything fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = temp_path(path);
    let written = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
        return written;
    }
    sync_folder(folder);
    Ok(())
}

/// `.settings.json.tmp-<pid>` beside `settings.json`: hidden, and one per process.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Flushes the folder's entry list (the rename). Windows has no such call, and a failure only
/// weakens durability, not atomicity, so it is not an error.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("citewise-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = folder("replace");
        let path = dir.join("settings.json");
        write_atomic(&path, b"{\"a\": 1}").unwrap();
        write_atomic(&path, b"{\"a\": 2}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{\"a\": 2}");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "only the file itself");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = folder("fail");
        let path = dir.join("settings.json");
        write_atomic(&path, b"old").unwrap();
        // A folder where the temporary file should go makes the write fail half-way.
        fs::create_dir(temp_path(&path)).unwrap();
        assert!(write_atomic(&path, b"new").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A reader racing the writer sees the old or the new content, whole, every time. With a
    /// plain `fs::write` (truncate, then write) it sees empty or partial files.
    #[test]
    fn a_reader_never_sees_half_a_file() {
        let dir = folder("race");
        let path = dir.join("settings.json");
        let (a, b) = (vec![b'a'; 256 * 1024], vec![b'b'; 256 * 1024]);
        write_atomic(&path, &a).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (path, stop, a, b) = (path.clone(), stop.clone(), a.clone(), b.clone());
            std::thread::spawn(move || {
                let mut reads = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let seen = fs::read(&path).unwrap();
                    assert!(seen == a || seen == b, "read {} bytes of a file being written", seen.len());
                    reads += 1;
                }
                reads
            })
        };
        for i in 0..200 {
            write_atomic(&path, if i % 2 == 0 { &b } else { &a }).unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
        fs::remove_dir_all(&dir).unwrap();
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
