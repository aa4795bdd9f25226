//! What the page may make the webview do beyond drawing itself, decided natively so that a
//! compromised page (a script that got in through a rendered answer) cannot undo it: navigate only
//! within the app's own origin, download nothing, and get no context-menu item that downloads
//! or opens something.

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

/// For `WebviewWindowBuilder::on_download`: the app itself never downloads through the webview
/// (exports are written by the backend), so every download a page starts (`<a download>`, a
/// `blob:` or `data:` link, a response with `Content-Disposition: attachment`) is refused and
/// logged. Without a handler WebKitGTK saves it to the Downloads folder unasked.
pub(crate) fn allow_download(event: &tauri::webview::DownloadEvent<'_>) -> bool {
    if let tauri::webview::DownloadEvent::Requested { url, .. } = event {
        log::warn!("webview: refused a download of {}", loggable(url));
    }
    false
}

/// A URL for the log: a `data:` or `blob:` URL's content stays out, and nothing is longer than a
/// line.
fn loggable(url: &url::Url) -> String {
    match url.scheme() {
        "data" | "blob" => format!("a {}: URL", url.scheme()),
        _ => url.as_str().chars().take(200).collect(),
    }
}

#[cfg(target_os = "linux")]
pub(crate) use context_menu::keep_safe_context_menu;

/// Which items of a menu stay, given each as `None` for a separator or `Some(whether it stays)`:
/// a separator stays only between two items that stay, once.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn kept(items: &[Option<bool>]) -> Vec<bool> {
    let mut keep: Vec<bool> = items.iter().map(|entry| entry.unwrap_or(false)).collect();
    // An item stays since the last separator that stayed (or the top).
    let mut item_above = false;
    for (i, entry) in items.iter().enumerate() {
        match entry {
            Some(stays) => item_above |= stays,
            None => {
                keep[i] = item_above && items[i + 1..].contains(&Some(true));
                item_above &= !keep[i];
            }
        }
    }
    keep
}

/// WebKitGTK's own context menu, trimmed natively: the page cannot put back what is removed here,
/// as it could undo a `contextmenu` listener of ours.
#[cfg(target_os = "linux")]
mod context_menu {
    use webkit2gtk::{ContextMenu, ContextMenuAction, ContextMenuExt, ContextMenuItemExt, WebViewExt};

    /// Whether a menu item stays: clipboard and editing actions, spelling and input methods.
    /// Everything else goes, named or not yet invented: Download Linked File/Image/Video/Audio,
    /// Open Link/Image/Frame/Video/Audio in New Window, Open Link (a navigation the window
    /// refuses anyway), Back, Forward, Stop, Reload, Inspect Element, media controls.
    pub(crate) fn is_kept(action: ContextMenuAction) -> bool {
        use ContextMenuAction::*;
        matches!(
            action,
            NoAction
                | Copy
                | Cut
                | Paste
                | PasteAsPlainText
                | Delete
                | SelectAll
                | CopyLinkToClipboard
                | CopyImageToClipboard
                | InputMethods
                | Unicode
                | InsertEmoji
                | SpellingGuess
                | NoGuessesFound
                | IgnoreSpelling
                | LearnSpelling
                | IgnoreGrammar
        )
    }

    /// Removes every item [`is_kept`] refuses, in submenus too, and the separators that no longer
    /// separate anything. Returns whether anything is left to show.
    pub(crate) fn trim(menu: &ContextMenu) -> bool {
        let items = menu.items();
        let entries: Vec<_> = items
            .iter()
            .map(|item| {
                (!item.is_separator())
                    .then(|| is_kept(item.stock_action()) && item.submenu().is_none_or(|submenu| trim(&submenu)))
            })
            .collect();
        let keep = super::kept(&entries);
        for (item, keep) in items.iter().zip(&keep) {
            if !keep {
                menu.remove(item);
            }
        }
        keep.contains(&true)
    }

    /// Connects [`trim`] to the webview's `context-menu` signal; a menu left empty is not shown.
    pub(crate) fn keep_safe_context_menu(webview: &webkit2gtk::WebView) {
        webview.connect_context_menu(|_, menu, _, _| !trim(menu));
    }
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

    #[test]
    fn downloads_are_refused_and_logged_without_their_content() {
        for url in ["https://example.com/x.html", "blob:tauri://localhost/4a1c", "data:text/plain,secret"] {
            let mut destination = std::path::PathBuf::from("/home/you/Downloads/x.html");
            let event = tauri::webview::DownloadEvent::Requested { url: parse(url), destination: &mut destination };
            assert!(!allow_download(&event), "{url}");
        }
        assert_eq!(loggable(&parse("data:text/plain,secret")), "a data: URL");
        assert_eq!(loggable(&parse(&format!("https://e.com/{}", "a".repeat(500)))).len(), 200);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_context_menu_keeps_editing_and_copying_only() {
        use webkit2gtk::ContextMenuAction::*;
        for action in [Copy, Cut, Paste, PasteAsPlainText, Delete, SelectAll, CopyLinkToClipboard, SpellingGuess] {
            assert!(context_menu::is_kept(action), "{action:?}");
        }
        for action in [
            DownloadLinkToDisk,
            DownloadImageToDisk,
            DownloadVideoToDisk,
            DownloadAudioToDisk,
            OpenLink,
            OpenLinkInNewWindow,
            OpenImageInNewWindow,
            OpenFrameInNewWindow,
            OpenVideoInNewWindow,
            OpenAudioInNewWindow,
            CopyImageUrlToClipboard,
            GoBack,
            GoForward,
            Stop,
            Reload,
            InspectElement,
            Custom,
        ] {
            assert!(!context_menu::is_kept(action), "{action:?}");
        }
    }

    /// WebKitGTK's menu over a link with an image in an editable field, as [`kept`] sees it once
    /// each item is judged (a real `ContextMenu` needs GTK started on the main thread).
    #[test]
    fn separators_stay_only_between_items_that_stay() {
        let (x, o, sep) = (Some(false), Some(true), None);
        // Open Link, Open in New Window, Download Linked File, Copy Link | Open Image, Download
        // Image | Cut, Copy, Paste | Inspect Element
        let menu = [x, x, x, o, sep, x, x, sep, o, o, o, sep, x];
        let left: Vec<usize> = kept(&menu).iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i).collect();
        assert_eq!(left, [3, 4, 8, 9, 10], "Copy Link | Cut, Copy, Paste");
        assert_eq!(kept(&[sep, o, sep, sep, o, sep]), [false, true, true, false, true, false]);
        assert_eq!(kept(&[x, sep, x]), [false, false, false], "nothing left: no menu at all");
        assert_eq!(kept(&[]), Vec::<bool>::new());
    }
}
