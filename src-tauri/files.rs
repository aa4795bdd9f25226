//! Files that must not be half-written: [`write_atomic`] (a crash, a full disk or a reader at the
//! wrong moment sees either the old content or the new, never half of either: a temporary file
//! beside it, flushed to disk, renamed over the old one, and the folder flushed so the rename
//! itself survives a power cut). One Citewise per data folder is `shell::instance`.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
}
