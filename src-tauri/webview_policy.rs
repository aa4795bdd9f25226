//! What the page may make the webview do beyond drawing itself: navigate only within the app.

/// The app's own pages: `tauri://localhost` on Linux and macOS, `http(s)://tauri.localhost` on Windows.
pub(crate) fn is_app_url(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => url.path() == "blank",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_itself_may_be_navigated_to() {
        for ok in ["tauri://localhost/index.html", "http://tauri.localhost/", "about:blank"] {
            assert!(is_app_url(&url::Url::parse(ok).unwrap()), "{ok}");
        }
        for bad in ["https://en.wikipedia.org/", "http://localhost:1430/", "javascript:alert(1)", "file:///etc/passwd"]
        {
            assert!(!is_app_url(&url::Url::parse(bad).unwrap()), "{bad}");
        }
    }
}
