//! How requests leave the computer: TLS that trusts the bundled Mozilla roots and the system's
//! certificate store (where a company's inspecting proxy puts its root), the proxy settings, and
//! no redirects (the key goes only to the address in Settings).
//!
//! Proxies come from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` and, on macOS and Windows,
//! the system's settings, as reqwest reads them. GNOME's and KDE's settings are not environment
//! variables and are not read (reading them would take a D-Bus or gsettings dependency); PAC
//! files are not supported. Both the roots and the proxies are read once, when the client is built.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::client::proxy::matcher::Matcher;

use super::error::{Error, Result};

/// The HTTP client for API requests, and the proxy settings it uses.
pub fn http_client(connect_timeout: Duration) -> Result<(reqwest::Client, Proxies)> {
    let http = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Citewise/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Network { host: "the network".into(), message: e.to_string() })?;
    Ok((http, Proxies(Arc::new(Matcher::from_system()))))
}

/// The proxy settings, read the way reqwest reads them (the same matcher, `from_system`).
#[derive(Clone)]
pub struct Proxies(Arc<Matcher>);

impl Proxies {
    /// The proxy a request to `url` goes through (`host:port`), if one is configured for it.
    pub fn for_url(&self, url: &str) -> Option<String> {
        let uri: http::Uri = url.parse().ok()?;
        let proxy = self.0.intercept(&uri)?;
        let proxy = proxy.uri();
        let host = proxy.host()?;
        let port = proxy.port_u16().unwrap_or(if proxy.scheme_str() == Some("https") { 443 } else { 80 });
        Some(format!("{host}:{port}"))
    }
}

/// A 3xx answer from `host`, which is never followed: the key would go wherever it points.
pub fn redirected(host: &str, response: &reqwest::Response) -> Error {
    let to = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|location| response.url().join(location).ok())
        .map(|target| match (target.host_str(), target.port()) {
            (Some(_), _) if target.scheme() != response.url().scheme() => target.origin().ascii_serialization(),
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => "an address without a host".to_owned(),
        })
        .unwrap_or_else(|| "an address it did not give".to_owned());
    log::warn!("{host} answered {} with a redirect to {to}; not followed", response.status());
    Error::Redirected { host: host.to_owned(), to, status: response.status().as_u16() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_is_named_by_host_and_port() {
        let proxies = Proxies(Arc::new(Matcher::builder().https("http://10.1.2.3:3128").no("localhost").build()));
        assert_eq!(proxies.for_url("https://api.perplexity.ai/v1/agent").as_deref(), Some("10.1.2.3:3128"));
        assert_eq!(proxies.for_url("https://localhost/v1/agent"), None, "NO_PROXY");
        assert_eq!(proxies.for_url("http://api.perplexity.ai/v1/agent"), None, "only https is proxied here");
    }
}
