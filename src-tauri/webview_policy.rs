//! What the page may make the webview do beyond drawing itself, decided natively so that a
//! compromised page (a script that got in through a rendered answer) cannot undo it: navigate only
//! within the app's own origin.

/// The platforms whose webviews serve the app from different origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Platform {
    /// WebKitGTK: `tauri://localhost`.
    Linux,
    /// WKWebView: `tauri://localhost`.
    MacOs,
    /// WebView2 cannot serve a custom scheme, so Tauri maps the app to `http://tauri.localhost`
    /// (`https://` only with `useHttpsScheme`, which tauri.conf.json does not set).
    Windows,
}

/// The platform this build runs on (the BSDs use WebKitGTK too).
pub(crate) const PLATFORM: Platform = if cfg!(target_os = "windows") {
    Platform::Windows
} else if cfg!(target_os = "macos") {
    Platform::MacOs
} else {
    Platform::Linux
};

/// Whether the main window may go to `url`: the app's own pages on this platform, or
/// `about:blank`. There is no dev server (`frontendDist` is `ui`, no `devUrl`), so no
/// `http://localhost:…` either.
pub(crate) fn is_app_url(url: &url::Url) -> bool {
    is_app_url_on(PLATFORM, url)
}

/// [`is_app_url`] for a given platform, so that every platform's rule is tested on any.
pub(crate) fn is_app_url_on(platform: Platform, url: &url::Url) -> bool {
    if url.scheme() == "about" {
        return url.path() == "blank";
    }
    let scheme = match platform {
        Platform::Linux | Platform::MacOs => "tauri",
        Platform::Windows => "http",
    };
    let host = match platform {
        Platform::Linux | Platform::MacOs => "localhost",
        Platform::Windows => "tauri.localhost",
    };
    // `url` has already dropped a port that is the scheme's default, so any port left is another
    // server; user info would only be there to disguise the host.
    url.scheme() == scheme
        && url.host_str() == Some(host)
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> url::Url {
        url::Url::parse(url).unwrap()
    }

    #[test]
    fn each_platform_allows_exactly_its_own_origin() {
        let cases = [
            ("tauri://localhost/index.html", [true, true, false]),
            ("tauri://localhost", [true, true, false]),
            ("http://tauri.localhost/index.html", [false, false, true]),
            ("http://tauri.localhost:80/", [false, false, true]),
            ("about:blank", [true, true, true]),
            // The other platforms' origins, look-alikes and everything else.
            ("https://tauri.localhost/", [false, false, false]),
            ("http://tauri.localhost:8080/", [false, false, false]),
            ("tauri://localhost:1430/", [false, false, false]),
            ("tauri://tauri.localhost/", [false, false, false]),
            ("http://localhost/", [false, false, false]),
            ("http://localhost:1430/", [false, false, false]),
            ("http://tauri.localhost.evil.example/", [false, false, false]),
            ("http://tauri.localhost@evil.example/", [false, false, false]),
            ("http://evil@tauri.localhost/", [false, false, false]),
            ("tauri://user:pw@localhost/", [false, false, false]),
            ("ipc://localhost/", [false, false, false]),
            ("asset://localhost/etc/passwd", [false, false, false]),
            ("about:srcdoc", [false, false, false]),
            ("https://en.wikipedia.org/", [false, false, false]),
            ("javascript:alert(1)", [false, false, false]),
            ("data:text/html,<script>alert(1)</script>", [false, false, false]),
            ("blob:tauri://localhost/4a1c", [false, false, false]),
            ("file:///etc/passwd", [false, false, false]),
        ];
        for (url, expected) in cases {
            for (platform, ok) in [Platform::Linux, Platform::MacOs, Platform::Windows].into_iter().zip(expected) {
                assert_eq!(is_app_url_on(platform, &parse(url)), ok, "{url} on {platform:?}");
            }
        }
    }

    #[test]
    fn this_build_uses_its_platforms_rule() {
        #[cfg(target_os = "linux")]
        assert_eq!(PLATFORM, Platform::Linux);
        #[cfg(target_os = "macos")]
        assert_eq!(PLATFORM, Platform::MacOs);
        #[cfg(target_os = "windows")]
        assert_eq!(PLATFORM, Platform::Windows);
        assert_eq!(is_app_url(&parse("tauri://localhost/")), PLATFORM != Platform::Windows);
        assert_eq!(is_app_url(&parse("http://tauri.localhost/")), PLATFORM == Platform::Windows);
    }
}
