//! Helpers for the history's tests: a fresh folder, numbered sources.

use std::path::PathBuf;

use super::db::new_id;

/// `n` web sources numbered from 1.
pub(crate) fn sources(n: u32) -> Vec<crate::api::Source> {
    (1..=n)
        .map(|i| {
            let url = format!("https://site{i}.example/page");
            crate::api::Source::new(i, url, format!("Title {i}"), String::new(), None)
        })
        .collect()
}

pub(crate) fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("citewise-history-test-{}", new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
