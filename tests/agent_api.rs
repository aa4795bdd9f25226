//! The Agent API client (`POST /v1/agent`) against the local Perplexity-compatible server: every
//! scenario the real API is known to produce, including its failures.

mod util;

use std::time::Duration;

use citewise::api::{Client, Endpoint, Finish, Provider, StreamEvent};
use citewise::secrets::ApiKey;
use citewise_mock::fixture;
use tokio_util::sync::CancellationToken;
use util::{ask, ask_with_cancel, mock, question, KEY};

#[tokio::test]
async fn cited_answer_streams_text_sources_and_cost() {
    let server = mock("cited").await;
    let (t, end) = ask(&server, KEY, &question("fast", "How high is Mount Everest?")).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    let expected = fixture("cited").unwrap();
    assert_eq!(t.text(), expected.text);
    let sources = t.sources();
    assert_eq!(sources.len(), expected.sources.len());
    for (got, want) in sources.iter().zip(&expected.sources) {
        assert_eq!(
            (got.index, got.url.as_str(), got.title.as_str()),
            (want.id, want.url.as_str(), want.title.as_str())
        );
        assert!(!got.domain.is_empty());
    }
    assert!(t.events.iter().any(|e| matches!(e, StreamEvent::Searching { queries } if !queries.is_empty())));
    let usage = t.usage().expect("usage arrives with response.completed");
    assert_eq!(usage.cost.unwrap().total, expected.usage.total_cost);
    assert!(t.text().chars().count() > 1, "answer arrived in many deltas");
    assert!(t.events.iter().filter(|e| matches!(e, StreamEvent::Delta { .. })).count() > 10);
}

#[tokio::test]
async fn request_carries_key_and_only_documented_fields() {
    let server = mock("cited").await;
    let mut req = question("fast", "Q2");
    req.messages.insert(0, citewise::api::Message::user("Q1"));
    req.messages.insert(1, citewise::api::Message::assistant("A1"));
    let _ = ask(&server, KEY, &req).await;
    let recorded = server.requests();
    let r = recorded.iter().find(|r| r.path == "/v1/agent").expect("agent request");
    assert!(r.headers.iter().any(|(k, v)| k == "authorization" && v == &format!("Bearer {KEY}")));
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let mut fields: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(fields, ["input", "preset", "stream"]);
    assert_eq!(body["input"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn reasoning_is_kept_apart_from_the_answer() {
    let server = mock("reasoning").await;
    let (t, end) = ask(&server, KEY, &question("high", "Why?")).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    let fx = fixture("reasoning").unwrap();
    assert_eq!(t.text(), fx.text);
    assert!(t.reasoning().contains(fx.reasoning.as_deref().unwrap().trim()), "{:?}", t.reasoning());
    assert!(!t.text().contains("<think>"));
}

#[tokio::test]
async fn wrong_key_gets_the_auth_message_from_an_html_401() {
    let server = mock("cited").await;
    let (t, end) = ask(&server, "pplx-wrong", &question("fast", "Q")).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "auth");
    assert!(err.to_string().contains("rejected the API key"), "{err}");
    assert!(t.events.is_empty());
}

#[tokio::test]
async fn rate_limit_is_retried_after_retry_after() {
    let server = mock("rate429once").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert!(matches!(&t.events[0], StreamEvent::Retrying(r) if r.attempt == 1 && r.wait_seconds == 1));
    assert_eq!(t.text(), fixture("cited").unwrap().text);
    assert_eq!(server.requests().iter().filter(|r| r.path == "/v1/agent").count(), 2);
}

#[tokio::test]
async fn persistent_rate_limit_gives_up_after_two_retries() {
    let server = mock("rate429").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "rate_limit");
    assert_eq!(err.retry_after(), Some(2));
    assert_eq!(t.events.iter().filter(|e| matches!(e, StreamEvent::Retrying(_))).count(), 2);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_503_is_retried_because_nothing_was_generated() {
    let server = mock("server503once").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert!(matches!(&t.events[0], StreamEvent::Retrying(r) if r.reason == "server"));
    assert_eq!(server.requests().len(), 2);
}

/// A 500 after the request was accepted may already be generating, and billing, an answer:
/// asking again on our own could pay twice.
#[tokio::test]
async fn regression_a_500_was_retried_and_could_bill_twice() {
    let server = mock("server500").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "server");
    assert!(err.to_string().contains("Internal Server Error"), "{err}");
    assert_eq!(server.requests().len(), 1, "not retried");
    assert!(!t.events.iter().any(|e| matches!(e, StreamEvent::Retrying(_))));
}

/// Nothing listens: no connection, no request, nothing billed, so it is tried again.
#[tokio::test]
async fn a_refused_connection_is_retried_before_giving_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = Endpoint::new(Provider::Agent, &format!("http://127.0.0.1:{port}"));
    let client = Client::new().unwrap();
    let mut events = Vec::new();
    let key = ApiKey::new(KEY).unwrap();
    let end = client
        .stream_chat(&endpoint, &key, &question("fast", "Q"), &CancellationToken::new(), &mut |e| events.push(e))
        .await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "network", "{err}");
    assert!(err.to_string().contains("refused"), "{err}");
    let waits: Vec<u64> = events
        .iter()
        .filter_map(|e| if let StreamEvent::Retrying(r) = e { Some(r.wait_seconds) } else { None })
        .collect();
    assert_eq!(waits, [1, 2]);
}

#[tokio::test]
async fn bad_request_shows_the_api_message_and_is_not_retried() {
    let server = mock("bad400").await;
    let (_, end) = ask(&server, KEY, &question("fast", "Q")).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "bad_request");
    assert!(err.to_string().contains("Invalid model 'xyz'"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn dropped_connection_keeps_the_partial_answer() {
    let server = mock("drop").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "interrupted", "{err}");
    let full = fixture("drop").unwrap().text;
    let partial = t.text();
    assert!(!partial.is_empty() && partial.len() < full.len());
    assert!(full.starts_with(&partial), "partial text is a prefix of the answer");
}

#[tokio::test]
async fn malformed_frames_are_skipped_and_the_answer_completes() {
    let server = mock("malformed").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(t.text(), fixture("malformed").unwrap().text);
}

#[tokio::test]
async fn http_200_with_failed_status_is_an_error() {
    let server = mock("failed").await;
    let (_, end) = ask(&server, KEY, &question("fast", "Q")).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "server");
    assert!(err.to_string().contains("failed to generate"), "{err}");
}

#[tokio::test]
async fn incomplete_answer_ends_with_length() {
    let server = mock("incomplete").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    assert_eq!(end.unwrap(), Finish::Length);
    assert!(!t.text().is_empty());
}

#[tokio::test]
async fn huge_answer_arrives_whole() {
    let server = mock("huge").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(t.text(), fixture("huge").unwrap().text);
}

#[tokio::test]
async fn cancel_stops_a_slow_stream_promptly() {
    let server = mock("slow").await;
    let cancel = CancellationToken::new();
    let trip = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        trip.cancel();
    });
    let (t, end) =
        tokio::time::timeout(Duration::from_secs(5), ask_with_cancel(&server, KEY, &question("fast", "Q"), &cancel))
            .await
            .expect("cancel returns quickly");
    assert_eq!(end.unwrap_err().kind(), "cancelled");
    assert!(t.text().len() < fixture("slow").unwrap().text.len());
}

#[tokio::test]
async fn unreachable_server_is_a_network_error() {
    // Bind then drop a listener to get a port with nothing behind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = citewise::api::Client::new().unwrap();
    let endpoint = citewise::api::Endpoint::new(citewise::api::Provider::Agent, &format!("http://127.0.0.1:{port}"));
    let key = citewise::secrets::ApiKey::new(KEY).unwrap();
    let end = client.stream_chat(&endpoint, &key, &question("fast", "Q"), &CancellationToken::new(), &mut |_| {}).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "network");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
}

async fn fail_with(base_url: &str, client: citewise::api::Client) -> citewise::api::Error {
    let endpoint = citewise::api::Endpoint::new(citewise::api::Provider::Agent, base_url);
    let key = citewise::secrets::ApiKey::new(KEY).unwrap();
    let (request, cancel) = (question("fast", "Q"), CancellationToken::new());
    let mut ignore = |_| {};
    let run = client.stream_chat(&endpoint, &key, &request, &cancel, &mut ignore);
    tokio::time::timeout(Duration::from_secs(20), run).await.expect("fails promptly").unwrap_err()
}

#[tokio::test]
async fn unresolvable_host_is_explained_as_dns() {
    let err = fail_with("http://citewise-test.invalid", citewise::api::Client::new().unwrap()).await;
    assert_eq!(err.kind(), "network");
    assert!(err.to_string().contains("citewise-test.invalid"), "{err}");
    assert!(err.to_string().contains("DNS"), "{err}");
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_explained_as_tls() {
    // A plain-HTTP server answering a TLS hello with an HTTP error, as a misconfigured port would.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let https = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            use tokio::io::AsyncWriteExt;
            let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n").await;
        }
    });
    let err = fail_with(&https, citewise::api::Client::new().unwrap()).await;
    assert_eq!(err.kind(), "tls", "{err}");
    assert!(err.to_string().contains("secure (TLS) handshake failed"), "{err}");
}

#[tokio::test]
async fn a_silent_stream_times_out_and_keeps_what_arrived() {
    // `slow` at speed 40 pauses ~10 s between deltas; the client gives up after 700 ms of silence.
    let server = citewise_mock::MockServer::start(citewise_mock::MockConfig {
        api_key: Some(KEY.into()),
        seed: Some(3),
        speed: 40.0,
        port: 0,
        ..Default::default()
    })
    .await
    .unwrap();
    server.set_scenario("slow");
    let client = citewise::api::Client::new().unwrap().with_idle_timeout(Duration::from_millis(700));
    let endpoint = citewise::api::Endpoint::new(citewise::api::Provider::Agent, &server.base_url());
    let key = citewise::secrets::ApiKey::new(KEY).unwrap();
    let mut text = String::new();
    let (request, cancel) = (question("fast", "Q"), CancellationToken::new());
    let mut collect = |ev| {
        if let StreamEvent::Delta { text: t } = ev {
            text.push_str(&t)
        }
    };
    let run = client.stream_chat(&endpoint, &key, &request, &cancel, &mut collect);
    let err = tokio::time::timeout(Duration::from_secs(20), run).await.expect("gives up").unwrap_err();
    if text.is_empty() {
        assert_eq!(err.kind(), "timeout", "{err}");
    } else {
        assert_eq!(err.kind(), "interrupted", "{err}");
        assert!(fixture("slow").unwrap().text.starts_with(&text));
    }
}
