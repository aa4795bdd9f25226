//! The image client and its requests: a `reqwest::Client` of its own (not the API client's),
//! resolving through [`PublicResolver`], following no redirect by itself, through no proxy (a
//! proxy would resolve and connect where the policy cannot see), and the redirects it does
//! follow taken one at a time, each new URL checked like the first.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, LOCATION};
use url::Url;

use super::address::{Policy, PublicResolver};
use super::{unavailable, Result};

/// At most this many redirects are followed for one image.
pub const MAX_REDIRECTS: usize = 5;
/// Connecting to the image's server, each hop.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client for answer images under `policy`.
pub fn client(policy: Policy) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(PublicResolver::new(policy)))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("Citewise/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// GETs `url`, following at most [`MAX_REDIRECTS`] redirects; every hop's URL passes
/// [`Policy::check_url`] before any request is made to it. The last response, whatever its
/// status; every refusal and network failure is [`super::Error::Unavailable`].
pub async fn get(http: &reqwest::Client, policy: Policy, url: Url) -> Result<reqwest::Response> {
    let mut url = url;
    for hop in 0..=MAX_REDIRECTS {
        policy.check_url(&url).map_err(|why| unavailable(&url, why))?;
        let response = http
            .get(url.clone())
            .header(ACCEPT, "image/png,image/jpeg,image/gif,image/webp;q=0.9,*/*;q=0.1")
            .send()
            .await
            .map_err(|e| unavailable(&url, e.without_url()))?;
        if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
            return Ok(response);
        }
        if hop == MAX_REDIRECTS {
            break;
        }
        let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok());
        url = match location.and_then(|l| url.join(l).ok()) {
            Some(next) => next,
            None => return Err(unavailable(&url, "a redirect without a usable Location")),
        };
    }
    Err(unavailable(&url, format!("more than {MAX_REDIRECTS} redirects")))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::super::Error;
    use super::*;

    /// A server on 127.0.0.1 answering every request with `answer(n)` (n counts from 0); the
    /// count of requests it got.
    async fn server(answer: impl Fn(usize, u16) -> String + Send + 'static) -> (u16, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let mut buf = vec![0; 4096];
                let _ = conn.read(&mut buf).await;
                let _ = conn.write_all(answer(n, port).as_bytes()).await;
                let _ = conn.shutdown().await;
            }
        });
        (port, count)
    }

    fn redirect(to: &str) -> String {
        format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[tokio::test]
    async fn a_redirect_to_a_refused_address_is_not_followed() {
        let policy = Policy::with_loopback_for_tests();
        let http = client(policy).unwrap();
        for target in [
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/a.png",
            "http://[::ffff:10.0.0.1]/a.png",
            "http://192.168.1.1:8080/a.png",
            "file:///etc/passwd",
            // Would reach this very server again if it were followed.
            "http://user:secret@127.0.0.1:{port}/second",
        ] {
            let (port, count) = server(move |_, port| redirect(&target.replace("{port}", &port.to_string()))).await;
            let start = std::time::Instant::now();
            let err = get(&http, policy, url(&format!("http://127.0.0.1:{port}/a.png"))).await.unwrap_err();
            assert!(matches!(err, Error::Unavailable), "{target}: {err:?}");
            assert_eq!(count.load(Ordering::SeqCst), 1, "{target}: only the first request was made");
            assert!(start.elapsed() < Duration::from_secs(2), "{target}: refused, not tried");
        }
    }

    #[tokio::test]
    async fn redirects_are_followed_five_times_and_no_more() {
        // Each answer sends the client one hop further: /0 → /1 → …
        let (port, count) = server(|n, port| redirect(&format!("http://127.0.0.1:{port}/{}", n + 1))).await;
        let policy = Policy::with_loopback_for_tests();
        let http = client(policy).unwrap();
        let err = get(&http, policy, url(&format!("http://127.0.0.1:{port}/0"))).await.unwrap_err();
        assert!(matches!(err, Error::Unavailable), "{err:?}");
        assert_eq!(count.load(Ordering::SeqCst), MAX_REDIRECTS + 1, "the first request and five redirects");

        // Within the limit, a relative Location is followed to the answer.
        let (port, count) = server(|n, _| {
            if n < 2 {
                redirect(&format!("/{}", n + 1))
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
            }
        })
        .await;
        let response = get(&http, policy, url(&format!("http://127.0.0.1:{port}/0"))).await.unwrap();
        assert_eq!(response.status().as_u16(), 404);
        assert_eq!(count.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn without_the_test_switch_the_local_server_itself_is_refused() {
        let (port, count) = server(|_, _| redirect("/elsewhere")).await;
        let policy = Policy::public_only();
        let http = client(policy).unwrap();
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            let err = get(&http, policy, url(&format!("http://{host}:{port}/a.png"))).await.unwrap_err();
            assert!(matches!(err, Error::Unavailable), "{host}: {err:?}");
        }
        // The client's own resolver refuses too, even for a URL that skipped `check_url`.
        let err = http.get(format!("http://localhost:{port}/a.png")).send().await.unwrap_err();
        assert!(err.is_connect() || err.is_request(), "{err:?}");
        assert_eq!(count.load(Ordering::SeqCst), 0, "nothing reached the server");
    }
}
