//! What counts as a web link, in one place: an absolute `http:` or `https:` URL with a host.
//! Opening a link in the browser and fetching an answer's image both start here (images add
//! their own limits on top: no credentials, default ports, public addresses).

use url::Url;

/// True for the schemes of the web: `http` and `https` (`Url` lowercases the scheme).
pub fn is_web_scheme(scheme: &str) -> bool {
    matches!(scheme, "http" | "https")
}

/// True when `url` is a web link: a web scheme and a host that is not empty.
pub fn is_web(url: &Url) -> bool {
    is_web_scheme(url.scheme()) && url.host_str().is_some_and(|h| !h.is_empty())
}

/// `raw` (surrounding spaces ignored) as a web link, or `None`.
pub fn parse_web(raw: &str) -> Option<Url> {
    Url::parse(raw.trim()).ok().filter(is_web)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_and_https_links_with_a_host_are_web_links() {
        assert!(parse_web("https://en.wikipedia.org/wiki/Mount_Everest").is_some());
        assert!(parse_web(" http://example.com/a?b=c#d ").is_some());
        assert!(parse_web("HTTPS://EXAMPLE.COM/").is_some());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "file:///etc/passwd",
            "tauri://localhost",
            "//evil.com",
            "https://",
            "not a url",
        ] {
            assert!(parse_web(bad).is_none(), "{bad} is not a web link");
        }
        assert!(is_web_scheme("https") && !is_web_scheme("ftp"));
    }
}
