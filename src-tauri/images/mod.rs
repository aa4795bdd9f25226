//! Images returned with an answer, fetched here so the webview never loads a remote resource.
//!
//! Owns the whole policy: only `http`/`https` URLs, a short timeout, at most [`MAX_BYTES`] read
//! (counted while reading, whatever `Content-Length` claims), only PNG, JPEG, GIF and WebP as
//! recognised by their first bytes (never SVG, never HTML, whatever the `Content-Type` says),
//! handed to the UI as a `data:` URL, and a small in-memory cache by URL so scrolling back
//! through a conversation does not fetch again. No Tauri types: `commands::images` is the door.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use reqwest::header::{ACCEPT, CONTENT_LENGTH};
use serde::Serialize;

mod format;

pub use format::{dimensions, sniff, Format};

/// The most bytes read from one image; a larger body is abandoned as soon as it gets there.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// From connecting to the last byte of the body.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// The cache keeps at most this many images…
const CACHE_ENTRIES: usize = 64;
/// …and at most this many bytes of `data:` URLs.
const CACHE_BYTES: usize = 24 * 1024 * 1024;

/// What the UI gets: a `data:` URL it can put in an `<img>` without loading anything remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageData {
    pub data_url: String,
    pub mime: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Only web images (http or https) are shown: {0}")]
    BadUrl(String),
    #[error("Could not fetch the image from {host}: {message}")]
    Network { host: String, message: String },
    #[error("The image took too long to load.")]
    Timeout,
    #[error("The image's server answered HTTP {0}.")]
    Status(u16),
    #[error("The image is larger than 5 MB, so it is not shown.")]
    TooLarge,
    #[error("That is not a picture Citewise shows (PNG, JPEG, GIF or WebP).")]
    NotImage,
}

impl Error {
    pub fn kind(&self) -> &'static str {
        match self {
            Error::BadUrl(_) => "bad_url",
            Error::Network { .. } => "network",
            Error::Timeout => "timeout",
            Error::Status(_) => "image_status",
            Error::TooLarge => "too_large",
            Error::NotImage => "not_image",
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Checks the bytes and wraps them as a `data:` URL.
pub fn to_data(bytes: &[u8]) -> Result<ImageData> {
    let format = sniff(bytes).ok_or(Error::NotImage)?;
    let (width, height) = dimensions(format, bytes).filter(|&(w, h)| w > 0 && h > 0).unzip();
    let mime = format.mime();
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(ImageData { data_url: format!("data:{mime};base64,{encoded}"), mime, width, height })
}

/// Accepts only absolute `http:`/`https:` URLs with a host.
pub fn web_url(raw: &str) -> Result<url::Url> {
    let bad = || Error::BadUrl(raw.chars().take(80).collect());
    let parsed = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    match parsed.scheme() {
        "http" | "https" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(parsed),
        _ => Err(bad()),
    }
}

fn host_of(url: &url::Url) -> String {
    url.host_str().unwrap_or("the image's server").to_owned()
}

fn request_error(url: &url::Url, e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout
    } else {
        // Without the URL: it is already known to the caller, and the host names the server.
        Error::Network { host: host_of(url), message: e.without_url().to_string() }
    }
}

/// Fetches one image with `http` (the app's shared client: its proxy and TLS settings), giving
/// up after `timeout` from connecting to the last byte.
pub async fn fetch(http: &reqwest::Client, raw: &str, timeout: Duration) -> Result<ImageData> {
    let url = web_url(raw)?;
    let mut response = http
        .get(url.clone())
        .timeout(timeout)
        .header(ACCEPT, "image/png,image/jpeg,image/gif,image/webp;q=0.9,*/*;q=0.1")
        .send()
        .await
        .map_err(|e| request_error(&url, e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::Status(status.as_u16()));
    }
    // A declared length over the limit is refused before reading; a smaller (or missing) one is
    // not believed: the count below stops the read either way.
    let declared = response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BYTES as u64) {
        return Err(Error::TooLarge);
    }
    let mut body = Vec::with_capacity(declared.map_or(64 * 1024, |n| n as usize));
    while let Some(chunk) = response.chunk().await.map_err(|e| request_error(&url, e))? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(Error::TooLarge);
        }
        body.extend_from_slice(&chunk);
        // Not an image from its first bytes on: no need to read the rest.
        if body.len() >= 12 && sniff(&body).is_none() {
            return Err(Error::NotImage);
        }
    }
    to_data(&body)
}

/// Recently shown images by URL, bounded by count and by size; the least recently used go first.
pub struct Cache {
    entries: Mutex<VecDeque<(String, ImageData)>>,
    max_entries: usize,
    max_bytes: usize,
}

impl Default for Cache {
    fn default() -> Self {
        Cache::with_limits(CACHE_ENTRIES, CACHE_BYTES)
    }
}

impl Cache {
    pub fn with_limits(max_entries: usize, max_bytes: usize) -> Cache {
        Cache { entries: Mutex::new(VecDeque::new()), max_entries, max_bytes }
    }

    pub fn get(&self, url: &str) -> Option<ImageData> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let at = entries.iter().position(|(u, _)| u == url)?;
        let entry = entries.remove(at)?;
        let data = entry.1.clone();
        entries.push_back(entry);
        Some(data)
    }

    /// Keeps `data` (unless it alone is over the size limit), dropping the oldest to make room.
    pub fn put(&self, url: &str, data: ImageData) {
        if data.data_url.len() > self.max_bytes || self.max_entries == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(u, _)| u != url);
        entries.push_back((url.to_owned(), data));
        let mut bytes: usize = entries.iter().map(|(_, d)| d.data_url.len()).sum();
        while entries.len() > self.max_entries || bytes > self.max_bytes {
            match entries.pop_front() {
                Some((_, old)) => bytes -= old.data_url.len(),
                None => break,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The image fetcher the app manages: the policy of [`fetch`] behind the [`Cache`].
pub struct Images {
    cache: Cache,
    timeout: Duration,
}

impl Default for Images {
    fn default() -> Self {
        Images { cache: Cache::default(), timeout: TIMEOUT }
    }
}

impl Images {
    pub fn with_cache(cache: Cache) -> Images {
        Images { cache, ..Images::default() }
    }

    /// Gives up on an image after `timeout` instead of [`TIMEOUT`] (tests).
    pub fn with_timeout(mut self, timeout: Duration) -> Images {
        self.timeout = timeout;
        self
    }

    /// The cached copy, or a fresh fetch (kept when it succeeds; failures are not remembered).
    pub async fn get(&self, http: &reqwest::Client, url: &str) -> Result<ImageData> {
        let key = url.trim();
        if let Some(hit) = self.cache.get(key) {
            return Ok(hit);
        }
        let data = fetch(http, key, self.timeout).await?;
        self.cache.put(key, data.clone());
        Ok(data)
    }

    pub fn cached(&self) -> usize {
        self.cache.len()
    }
}

#[cfg(test)]
mod tests {
    use super::format::png_head;
    use super::*;

    #[test]
    fn svg_html_and_the_like_are_not_images_whatever_they_are_called() {
        for bad in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"[..],
            b"<?xml version=\"1.0\"?><svg/>",
            b"<!doctype html><html><body><script>alert(1)</script>",
            b"\xef\xbb\xbf<svg/>",
            b"",
            b"\x89PN",
            b"RIFF\x24\x00\x00\x00WAVEfmt ",
            b"%PDF-1.7",
        ] {
            assert_eq!(sniff(bad), None, "{:?}", String::from_utf8_lossy(bad));
            assert!(matches!(to_data(bad), Err(Error::NotImage)));
        }
    }

    #[test]
    fn an_image_becomes_a_data_url_with_its_type_and_size() {
        let bytes = png_head(3, 2);
        let data = to_data(&bytes).unwrap();
        assert_eq!(data.mime, "image/png");
        assert_eq!((data.width, data.height), (Some(3), Some(2)));
        let encoded = data.data_url.strip_prefix("data:image/png;base64,").unwrap();
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap(), bytes);
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["dataUrl"], data.data_url);
        assert_eq!(json["width"], 3);
        // A zero size is no size.
        assert_eq!(to_data(&png_head(0, 5)).unwrap().width, None);
    }

    #[test]
    fn only_web_urls_are_fetched() {
        assert!(web_url("https://images.example/a.png").is_ok());
        assert!(web_url(" http://127.0.0.1:8765/__mock/image/1.png ").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "file:///etc/passwd",
            "ftp://example.org/a.png",
            "tauri://localhost/icon.png",
            "//images.example/a.png",
            "https://",
            "",
        ] {
            assert!(matches!(web_url(bad), Err(Error::BadUrl(_))), "{bad} must be refused");
        }
    }

    #[tokio::test]
    async fn refused_urls_never_reach_the_network() {
        let images = Images::default();
        let http = reqwest::Client::new();
        let err = images.get(&http, "javascript:alert(1)").await.unwrap_err();
        assert_eq!(err.kind(), "bad_url");
        assert!(images.cached() == 0);
    }

    fn image(n: usize, bytes: usize) -> ImageData {
        ImageData {
            data_url: format!("data:image/png;base64,{}", "A".repeat(bytes)),
            mime: "image/png",
            width: Some(n as u32),
            height: None,
        }
    }

    #[test]
    fn the_cache_is_bounded_by_count_and_keeps_the_recently_used() {
        let cache = Cache::with_limits(3, 1 << 20);
        for n in 0..3 {
            cache.put(&format!("u{n}"), image(n, 10));
        }
        assert!(cache.get("u0").is_some(), "u0 is now the most recently used");
        cache.put("u3", image(3, 10));
        assert_eq!(cache.len(), 3);
        assert!(cache.get("u1").is_none(), "the least recently used went first");
        assert!(cache.get("u0").is_some() && cache.get("u2").is_some() && cache.get("u3").is_some());
        cache.put("u3", image(33, 10));
        assert_eq!(cache.len(), 3, "the same URL is kept once");
        assert_eq!(cache.get("u3").unwrap().width, Some(33));
    }

    #[test]
    fn the_cache_is_bounded_by_size() {
        let overhead = image(0, 0).data_url.len();
        let cache = Cache::with_limits(100, 3 * (overhead + 100));
        for n in 0..5 {
            cache.put(&format!("u{n}"), image(n, 100));
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get("u0").is_none() && cache.get("u4").is_some());
        cache.put("big", image(9, 4 * (overhead + 100)));
        assert!(cache.get("big").is_none(), "an image bigger than the whole cache is not kept");
        assert_eq!(cache.len(), 3, "and does not evict the others");
    }
}
