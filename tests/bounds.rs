//! Nothing a server sends makes Citewise follow it elsewhere, wait forever or hold unbounded
//! memory (#18 items 1 and 4): redirects, a head that never comes, endless bodies, an endless SSE
//! line, an endless answer. Each answer comes from a bare local server (tests/util/raw.rs).

mod util;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use citewise::api::{replay, Client, Endpoint, Error, Provider, StreamEvent, MAX_ANSWER_TEXT};
use citewise::secrets::ApiKey;
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;
use util::raw::{serve, write_body};
use util::{question, KEY};

/// Fails a test that would otherwise hang (the bug some of these guard against).
async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f).await.unwrap_or_else(|_| panic!("{what} never ended"))
}

async fn ask(client: &Client, base_url: &str) -> Result<citewise::api::Finish, Error> {
    let endpoint = Endpoint::new(Provider::Agent, base_url);
    let key = ApiKey::new(KEY).unwrap();
    client.stream_chat(&endpoint, &key, &question("fast", "Q"), &CancellationToken::new(), &mut |_| {}).await
}

#[tokio::test]
async fn a_redirect_is_reported_and_never_followed_so_the_key_stays_home() {
    let (elsewhere, reached) = serve(|mut s| async move {
        let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").await;
    })
    .await;
    let target = elsewhere.replace("127.0.0.1", "localhost");
    let (api, asked) = serve(move |mut s| {
        let head =
            format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}/v1/agent\r\ncontent-length: 0\r\n\r\n");
        async move {
            let _ = s.write_all(head.as_bytes()).await;
        }
    })
    .await;
    let client = Client::new().unwrap();
    let err = within("the question", ask(&client, &api)).await.unwrap_err();
    let port = elsewhere.rsplit(':').next().unwrap();
    assert_eq!(err.kind(), "redirect", "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "127.0.0.1 answered with a redirect (HTTP 307) to localhost:{port}; Citewise does not follow redirects \
             with your key — check the API address in Settings."
        )
    );
    let endpoint = Endpoint::new(Provider::Agent, &api);
    let models = within("the model list", client.list_models(&endpoint, &ApiKey::new(KEY).unwrap())).await;
    assert_eq!(models.unwrap_err().kind(), "redirect");
    assert_eq!(asked.lock().unwrap().len(), 2, "asked once each, not retried");
    assert!(asked.lock().unwrap()[0].to_lowercase().contains("authorization: bearer"));
    let reached = reached.lock().unwrap();
    assert!(reached.is_empty(), "the redirect target got a request: {reached:?}");
    assert!(!reached.iter().any(|r| r.to_lowercase().contains("authorization")));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_waiting_for_the_head() {
    let (api, asked) = serve(|socket| async move {
        // Holds the connection open and says nothing.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        drop(socket);
    })
    .await;
    let client = Client::new().unwrap().with_head_timeout(Duration::from_millis(300));
    let err = within("the question", ask(&client, &api)).await.unwrap_err();
    assert_eq!(err.kind(), "timeout", "{err}");
    assert_eq!(err.to_string(), "Waiting for 127.0.0.1 to start answering timed out.");
    assert_eq!(asked.lock().unwrap().len(), 1, "it may have been billed: not retried");
}

/// A body of `total` bytes in 64 KB pieces; `taken` learns how much the client read before it
/// hung up.
async fn endless(head: &'static str, total: usize) -> (String, Arc<AtomicUsize>) {
    let taken = Arc::new(AtomicUsize::new(usize::MAX));
    let seen = taken.clone();
    let (url, _) = serve(move |mut s| {
        let seen = seen.clone();
        async move {
            let chunk = vec![b'x'; 64 * 1024];
            let n = write_body(&mut s, head, &chunk, total / chunk.len()).await;
            seen.store(n, Ordering::SeqCst);
        }
    })
    .await;
    (url, taken)
}

/// Waits until the server knows how much of its body was read.
async fn taken(counter: &AtomicUsize) -> usize {
    within("the server's write", async {
        while counter.load(Ordering::SeqCst) == usize::MAX {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    counter.load(Ordering::SeqCst)
}

const BIG: usize = 64 * 1024 * 1024;

#[tokio::test]
async fn an_endless_error_body_is_read_only_to_64_kb() {
    let (api, written) = endless("HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/html\r\n\r\n", BIG).await;
    let err = within("the question", ask(&Client::new().unwrap(), &api)).await.unwrap_err();
    assert_eq!(err.kind(), "server", "{err}");
    assert!(taken(&written).await < BIG, "the client stopped reading");
}

#[tokio::test]
async fn an_endless_model_list_is_a_protocol_error_at_256_kb() {
    let (api, written) = endless("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n", BIG).await;
    let endpoint = Endpoint::new(Provider::Agent, &api);
    let err = within("the model list", Client::new().unwrap().list_models(&endpoint, &ApiKey::new(KEY).unwrap()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "protocol", "{err}");
    assert!(err.to_string().contains("the model list is larger than 256 KB"), "{err}");
    let Error::Protocol { body, .. } = &err else { panic!() };
    assert!(body.len() < 2100 && body.ends_with("bytes more)"), "the kept body is cut: {} bytes", body.len());
    assert!(taken(&written).await < BIG);
}

#[tokio::test]
async fn an_endless_whole_json_answer_stops_at_16_mb() {
    let (api, written) = endless("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n", BIG).await;
    let err = within("the question", ask(&Client::new().unwrap(), &api)).await.unwrap_err();
    assert!(err.to_string().contains("the whole answer is larger than 16 MB"), "{err}");
    assert!(taken(&written).await < BIG);
}

fn chunks(parts: Vec<Vec<u8>>) -> impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send + 'static {
    futures_util::stream::iter(parts.into_iter().map(|p| Ok(bytes::Bytes::from(p))))
}

#[tokio::test]
async fn an_sse_line_longer_than_4_mb_ends_the_stream_and_says_so() {
    // 6 MB without a line end, in 16 KB reads, then a proper event that must not be read.
    let mut parts = vec![b"data: {\"type\":\"response.output_text.delta\",\"delta\":\"".to_vec()];
    parts.extend(std::iter::repeat_n(vec![b'a'; 16 * 1024], 6 * 64));
    parts.push(b"\"}\n\n".to_vec());
    let err = replay(Provider::Agent, chunks(parts), &mut |_| {}).await.unwrap_err();
    assert_eq!(err.kind(), "protocol", "{err}");
    assert!(err.to_string().contains("one event of the stream is longer than 4 MB"), "{err}");
}

#[tokio::test]
async fn an_answer_past_8_mb_of_text_stops_and_keeps_what_arrived() {
    let delta = "word ".repeat(200);
    let event = format!("data: {{\"type\":\"response.output_text.delta\",\"delta\":\"{delta}\"}}\n\n").into_bytes();
    let count = MAX_ANSWER_TEXT / delta.len() + 100;
    let parts: Vec<Vec<u8>> = std::iter::repeat_n(event, count).collect();
    let mut text = 0;
    let err = replay(Provider::Agent, chunks(parts), &mut |ev| {
        if let StreamEvent::Delta { text: t } = ev {
            text += t.len();
        }
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind(), "too_large", "{err}");
    assert_eq!(
        err.to_string(),
        "The answer passed 8 MB of text; Citewise stopped reading there and kept what arrived."
    );
    assert!(text > MAX_ANSWER_TEXT && text <= MAX_ANSWER_TEXT + delta.len(), "what arrived was emitted: {text}");
}
