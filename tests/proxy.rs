//! `HTTP_PROXY` / `NO_PROXY` are honoured. A separate test binary, because proxy variables are
//! process-wide and read when the client is built: this file sets them once, before any client.

mod util;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use citewise::api::{Client, Endpoint, Finish, Provider};
use citewise::secrets::ApiKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use util::{mock, question, KEY};

/// A minimal forward proxy for plain HTTP: reads the absolute-form request line, connects to
/// the target and pipes both ways. Counts the requests it forwarded.
async fn start_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n") {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let line = String::from_utf8_lossy(&head).to_string();
                let target = line.split_whitespace().nth(1).unwrap_or_default().to_owned();
                let Some(rest) = target.strip_prefix("http://") else { return };
                let authority = rest.split('/').next().unwrap_or_default().to_owned();
                let path = &rest[authority.len()..];
                let method = line.split_whitespace().next().unwrap_or("GET");
                let Ok(mut upstream) = TcpStream::connect(&authority).await else { return };
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = upstream.write_all(format!("{method} {path} HTTP/1.1\r\n").as_bytes()).await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (url, count)
}

#[tokio::test]
async fn requests_go_through_http_proxy_unless_no_proxy_says_otherwise() {
    let server = mock("cited").await;
    let (proxy, forwarded) = start_proxy().await;
    // Set before any client exists in this process; this binary has no other tests.
    std::env::set_var("HTTP_PROXY", &proxy);
    std::env::set_var("NO_PROXY", "");
    let key = ApiKey::new(KEY).unwrap();
    let endpoint = Endpoint::new(Provider::Agent, &server.base_url());

    let client = Client::new().unwrap();
    let mut text = String::new();
    let end = client
        .stream_chat(&endpoint, &key, &question("fast", "Q"), &CancellationToken::new(), &mut |ev| {
            if let citewise::api::StreamEvent::Delta { text: t } = ev {
                text.push_str(&t);
            }
        })
        .await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(text, citewise_mock::fixture("cited").unwrap().text);
    assert_eq!(forwarded.load(Ordering::SeqCst), 1, "the request went through the proxy");

    std::env::set_var("NO_PROXY", "127.0.0.1");
    let client = Client::new().unwrap();
    let end = client.stream_chat(&endpoint, &key, &question("fast", "Q"), &CancellationToken::new(), &mut |_| {}).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(forwarded.load(Ordering::SeqCst), 1, "NO_PROXY bypasses the proxy");

    // A proxy that is not there is a network error that names the proxy and its settings.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    std::env::set_var("HTTP_PROXY", format!("http://127.0.0.1:{dead}"));
    std::env::set_var("NO_PROXY", "");
    let client = Client::new().unwrap();
    let err = client
        .stream_chat(&endpoint, &key, &question("fast", "Q"), &CancellationToken::new(), &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "network", "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("Could not reach 127.0.0.1: the proxy 127.0.0.1:{dead} refused the connection")),
        "the proxy, not the API, is named: {message}"
    );
    assert!(message.contains("HTTPS_PROXY / HTTP_PROXY"), "{message}");
}
