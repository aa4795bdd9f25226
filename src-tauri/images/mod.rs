//! Images returned with an answer, fetched here so the webview never loads a remote resource.
//!
//! Owns the whole policy: the page names an image by its answer and position, never by URL
//! ([`answers`]); only `http`/`https` URLs on default ports without credentials, from public
//! addresses only, redirects included ([`address`], [`fetch`]); a short timeout; at most
//! [`MAX_BYTES`] read (counted while reading, whatever `Content-Length` claims); only PNG, JPEG,
//! GIF and WebP as recognised by their first bytes (never SVG, never HTML, whatever the
//! `Content-Type` says, [`format`]), handed to the UI as a `data:` URL; and a small in-memory
//! cache by URL so scrolling back through a conversation does not fetch again. No Tauri types:
//! `commands::images` is the door.

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use reqwest::header::CONTENT_LENGTH;
use serde::Serialize;

pub mod address;
pub mod answers;
mod cache;
pub mod fetch;
mod format;

pub use address::Policy;
pub use answers::Streamed;
pub use cache::Cache;
pub use format::{dimensions, sniff, Format};

/// The most bytes read from one image; a larger body is abandoned as soon as it gets there.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// From connecting to the last byte of the body.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// What the UI gets: a `data:` URL it can put in an `<img>` without loading anything remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ImageData {
    pub data_url: String,
    pub mime: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused by the policy, unreachable, unknown, too slow: one kind and one sentence for all
    /// of them, so that nothing tells a page a refused address from a closed port or a missing
    /// host. The reason goes to the log ([`unavailable`]).
    #[error("The image could not be loaded.")]
    Unavailable,
    #[error("The image's server answered HTTP {0}.")]
    Status(u16),
    #[error("The image is larger than 5 MB, so it is not shown.")]
    TooLarge,
    #[error("That is not a picture Citewise shows (PNG, JPEG, GIF or WebP).")]
    NotImage,
}

impl Error {
    pub fn kind(&self) -> crate::error_kind::ErrorKind {
        match self {
            Error::Unavailable => crate::error_kind::ErrorKind::ImageUnavailable,
            Error::Status(_) => crate::error_kind::ErrorKind::ImageStatus,
            Error::TooLarge => crate::error_kind::ErrorKind::TooLarge,
            Error::NotImage => crate::error_kind::ErrorKind::NotImage,
        }
    }
}

/// Logs why `url` was not loaded (host only: paths can carry more than anyone needs to keep)
/// and gives the one error the page sees.
pub(crate) fn unavailable(url: &url::Url, why: impl Display) -> Error {
    log::debug!("image from {} not loaded: {why}", url.host_str().unwrap_or("a URL without a host"));
    Error::Unavailable
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

/// Fetches one image with `http` (the client from [`fetch::client`] for the same `policy`),
/// giving up after `timeout` from the first connection to the last byte.
pub async fn get(http: &reqwest::Client, policy: Policy, raw: &str, timeout: Duration) -> Result<ImageData> {
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        log::debug!("an image URL that does not parse: {e}");
        Error::Unavailable
    })?;
    match tokio::time::timeout(timeout, get_within(http, policy, url.clone())).await {
        Ok(result) => result,
        Err(_) => Err(unavailable(&url, format!("no image after {timeout:?}"))),
    }
}

async fn get_within(http: &reqwest::Client, policy: Policy, url: url::Url) -> Result<ImageData> {
    let mut response = fetch::get(http, policy, url.clone()).await?;
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
    while let Some(chunk) = response.chunk().await.map_err(|e| unavailable(&url, e.without_url()))? {
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

/// The image fetcher the app manages: its own client and [`Policy`], the [`Cache`], and the
/// images of the answers streaming now ([`Streamed`]).
pub struct Images {
    http: reqwest::Client,
    policy: Policy,
    cache: Cache,
    timeout: Duration,
    /// Shared with the chat task that fills it.
    pub streamed: Arc<Streamed>,
}

impl Images {
    /// The fetcher for `policy`; fails only when no HTTP client can be built (no TLS roots).
    pub fn new(policy: Policy) -> reqwest::Result<Images> {
        Ok(Images {
            http: fetch::client(policy)?,
            policy,
            cache: Cache::default(),
            timeout: TIMEOUT,
            streamed: Arc::default(),
        })
    }

    pub fn with_cache(mut self, cache: Cache) -> Images {
        self.cache = cache;
        self
    }

    /// Gives up on an image after `timeout` instead of [`TIMEOUT`] (tests).
    pub fn with_timeout(mut self, timeout: Duration) -> Images {
        self.timeout = timeout;
        self
    }

    /// The cached copy, or a fresh fetch (kept when it succeeds; failures are not remembered).
    pub async fn get(&self, url: &str) -> Result<ImageData> {
        let key = url.trim();
        if let Some(hit) = self.cache.get(key) {
            return Ok(hit);
        }
        let data = get(&self.http, self.policy, key, self.timeout).await?;
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

    fn public() -> Images {
        Images::new(Policy::public_only()).unwrap()
    }

    #[tokio::test]
    async fn refused_urls_never_reach_the_network_and_are_not_cached() {
        let images = public();
        for url in [
            "javascript:alert(1)",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "file:///etc/passwd",
            "ftp://example.org/a.png",
            "tauri://localhost/icon.png",
            "//images.example/a.png",
            "https://",
            "",
            "http://127.0.0.1/a.png",
            "http://169.254.169.254/latest/meta-data/",
            "https://user:pw@images.example/a.png",
        ] {
            let err = images.get(url).await.unwrap_err();
            assert!(matches!(err, Error::Unavailable), "{url}: {err:?}");
        }
        assert_eq!(images.cached(), 0);
    }

    /// What the page receives, as it crosses IPC.
    fn as_page_sees_it(err: Error) -> serde_json::Value {
        serde_json::to_value(crate::error::AppError::from(err)).unwrap()
    }

    #[tokio::test]
    async fn a_refused_address_a_closed_port_and_an_unknown_host_look_the_same() {
        // A port that was open a moment ago and is closed now.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let refused = public().get("http://10.0.0.1/a.png").await.unwrap_err();
        let loopback = public().get(&format!("http://127.0.0.1:{closed}/a.png")).await.unwrap_err();
        let connection_refused = Images::new(Policy::with_loopback_for_tests())
            .unwrap()
            .get(&format!("http://127.0.0.1:{closed}/a.png"))
            .await
            .unwrap_err();
        let unknown_host = public().get("https://no-such-host.invalid/a.png").await.unwrap_err();
        let expected = serde_json::json!({
            "kind": "image_unavailable",
            "message": "The image could not be loaded.",
            "retryAfter": null,
        });
        for (what, err) in [
            ("refused address", refused),
            ("refused loopback", loopback),
            ("connection refused", connection_refused),
            ("unknown host", unknown_host),
        ] {
            assert_eq!(as_page_sees_it(err), expected, "{what}");
        }
    }
}
