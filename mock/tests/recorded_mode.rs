//! Recorded mode: the recordings in `tests/fixtures/real/` served as recorded — status, content
//! type, headers, bytes — behind the same authentication and validation as the simulated mode.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use citewise_mock::{MockConfig, MockServer};
use common::*;
use serde_json::{json, Value};

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/real"))
}

fn recording(file: &str) -> Vec<u8> {
    std::fs::read(dir().join(file)).unwrap()
}

/// A `json-lines` recording with its SSE envelope put back: one `data: <line>\n\n` a line.
fn enveloped(file: &str) -> Vec<u8> {
    let text = String::from_utf8(recording(file)).unwrap();
    text.lines().filter(|l| !l.is_empty()).flat_map(|l| format!("data: {l}\n\n").into_bytes()).collect()
}

async fn recorded_server(seed: u64, speed: f64) -> MockServer {
    let cfg = MockConfig { seed: Some(seed), speed, recorded: true, ..MockConfig::default() };
    MockServer::start(cfg).await.unwrap()
}

fn agent(question: &str, stream: bool) -> String {
    json!({"preset": "fast", "input": question, "stream": stream}).to_string()
}

#[tokio::test]
async fn without_a_pick_the_api_answers_as_perplexity_does_today() {
    let s = recorded_server(31, 0.0).await;
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "Ruby?", true)).await;
    assert_eq!((r.status, r.header("content-type")), (403, Some("application/json")));
    assert_eq!(r.body, recording("chat_completions_403_retired.json"));

    for path in ["/v1/agent", "/v1/responses"] {
        let r = request(&s, "POST", path, Some("k"), &agent("Paris?", true)).await;
        assert_eq!((r.status, r.header("content-type")), (200, Some("text/event-stream")));
        assert!(r.complete);
        assert_eq!(r.body, enveloped("agent_fast_web_search.jsonl"), "{path}");
        assert!(r.chunk_sizes.len() > r.events().len(), "written in many pieces");
        let r = request(&s, "POST", path, Some("k"), &agent("Paris?", false)).await;
        assert_eq!((r.status, r.header("content-type")), (200, Some("application/json")));
        assert_eq!(r.body, recording("agent_fast_web_search_answer.json"));
    }
    let r = request(&s, "GET", "/v1/models", Some("k"), "").await;
    assert_eq!(r.body, recording("models_2026-10-09.json"));
    assert_eq!(s.requests().len(), 6, "every request is still recorded");
}

#[tokio::test]
async fn recorded_mode_switches_at_run_time() {
    let s = server(32).await;
    assert_eq!(request(&s, "GET", "/__mock/recorded", None, "").await.json(), json!({"on": false}));
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "Ruby?", false)).await;
    assert_eq!(r.status, 200, "simulated");
    let r = request(&s, "POST", "/__mock/recorded", None, r#"{"on": true}"#).await;
    assert_eq!(r.json(), json!({"on": true}));
    assert!(s.recorded());
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "Ruby?", false)).await;
    assert_eq!(r.status, 403, "recorded");
    assert_eq!(request(&s, "POST", "/__mock/recorded", None, r#"{"on": "yes"}"#).await.status, 400);
    s.set_recorded(false);
    assert_eq!(request(&s, "GET", "/__mock/recorded", None, "").await.json(), json!({"on": false}));
}

#[tokio::test]
async fn a_sticky_recording_is_served_with_its_status_type_and_headers() {
    let s = server(33).await;
    let r = request(&s, "POST", "/__mock/recording", None, r#"{"name": "agent_fast_stream"}"#).await;
    assert_eq!(r.json(), json!({"name": "agent_fast_stream"}));
    assert_eq!(request(&s, "GET", "/__mock/recording", None, "").await.json(), json!({"name": "agent_fast_stream"}));
    // Picked, it answers every chat request, whatever the endpoint, even in simulated mode.
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "Q", true)).await;
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/event-stream")));
    assert_eq!(r.body, recording("agent_fast_stream.sse"));
    for (name, value) in
        [("x-ratelimit-limit", "1"), ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1789986347")]
    {
        assert_eq!(r.header(name), Some(value), "{name}");
    }
    let unknown = request(&s, "POST", "/__mock/recording", None, r#"{"name": "nope"}"#).await;
    assert_eq!(unknown.status, 400);
    let message = unknown.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("agent_fast_stream") && message.contains("sonar_count_stream"), "{message}");
    assert_eq!(request(&s, "POST", "/__mock/recording", None, r#"{"name": null}"#).await.json(), json!({"name": null}));
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "Q", false)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["object"], "chat.completion", "simulated again");

    s.set_recording(Some("sonar_400_too_many_prompt_tokens"));
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("Q", true)).await;
    assert_eq!((r.status, r.body), (400, recording("sonar_400_too_many_prompt_tokens.json")));
}

#[tokio::test]
async fn a_token_picks_a_recording_for_one_request() {
    let s = server(34).await;
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("Ruby? #mock:recorded=sonar_count_stream", true)).await;
    assert_eq!(r.header("content-type"), Some("text/event-stream; charset=utf-8"));
    assert_eq!(r.body, recording("sonar_count_stream.sse"));
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("Ruby?", true)).await;
    assert_eq!(r.events()[0]["response"]["model"], "fast", "the next request is simulated again");
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("x #mock:recorded=nope", true)).await;
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("agent_fast_web_search"));
    // A token wins over the sticky recording and over recorded mode's default.
    s.set_recorded(true);
    s.set_recording(Some("agent_fast_stream"));
    let q = sonar_body("sonar", "#mock:recorded=agent_fast_answer", true);
    let r = request(&s, "POST", "/chat/completions", Some("k"), &q).await;
    assert_eq!(r.body, recording("agent_fast_answer.json"));
}

#[tokio::test]
async fn a_scenario_still_applies_when_asked_for() {
    let s = recorded_server(35, 0.0).await;
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("x #mock:rate429", true)).await;
    assert_eq!(r.status, 429, "a #mock:<scenario> token");
    s.set_scenario("server500");
    assert_eq!(request(&s, "POST", "/v1/agent", Some("k"), &agent("x", true)).await.status, 500, "sticky");
    s.set_scenario("cited");
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("x", false)).await;
    assert_eq!(r.body, recording("agent_fast_web_search_answer.json"), "cited = the recordings");
    s.set_scenario("rate429once");
    assert_eq!(request(&s, "POST", "/v1/agent", Some("k"), &agent("x", false)).await.status, 429);
    let retry = request(&s, "POST", "/v1/agent", Some("k"), &agent("x", false)).await;
    assert_eq!(retry.body, recording("agent_fast_web_search_answer.json"), "the retry gets the recording");
    s.set_scenario("slow");
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("x", false)).await;
    assert_eq!(r.json()["model"], "openai/gpt-6-luna");
    assert_eq!(
        r.json()["output"][1]["content"][0]["text"].as_str(),
        Some(citewise_mock::fixture("slow").unwrap().text.as_str())
    );
}

#[tokio::test]
async fn authentication_and_validation_come_first() {
    let cfg = MockConfig {
        api_key: Some("pplx-right".into()),
        seed: Some(36),
        speed: 0.0,
        recorded: true,
        ..Default::default()
    };
    let s = MockServer::start(cfg).await.unwrap();
    for auth in [None, Some("pplx-wrong")] {
        let r = request(&s, "POST", "/v1/agent", auth, &agent("x", true)).await;
        assert_eq!((r.status, r.header("content-type")), (401, Some("text/html")));
        let r = request(&s, "POST", "/v1/agent", auth, &agent("x #mock:recorded=agent_fast_stream", true)).await;
        assert_eq!(r.status, 401, "a pick does not bypass the key");
        assert_eq!(request(&s, "GET", "/v1/models", auth, "").await.status, 401);
    }
    let r = request(&s, "POST", "/v1/agent", None, &agent("x #mock:recorded=agent_401_invalid_api_key", true)).await;
    assert_eq!((r.status, r.header("content-type")), (401, Some("application/json")));
    assert_eq!(r.body, recording("agent_401_invalid_api_key.json"), "a 401 recording is served as recorded");
    s.set_recording(Some("models_401_no_key"));
    let r = request(&s, "POST", "/chat/completions", None, &sonar_body("sonar", "x", true)).await;
    assert_eq!(r.body, recording("models_401_no_key.json"));
    s.set_recording(None);

    let body = json!({"preset": "fast", "input": "x", "format": {}}).to_string();
    let r = request(&s, "POST", "/v1/responses", Some("pplx-right"), &body).await;
    assert_eq!((r.status, r.body), (400, recording("agent_400_unknown_field.json")), "validated as before");
    let body = json!({"model": "sonar", "messages": []}).to_string();
    assert_eq!(request(&s, "POST", "/chat/completions", Some("pplx-right"), &body).await.status, 400);
}

#[tokio::test]
async fn the_list_names_every_recording() {
    let s = server(37).await;
    let list = request(&s, "GET", "/__mock/recordings", None, "").await.json();
    let list = list.as_array().unwrap();
    let on_disk = std::fs::read_dir(dir())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".source.json"));
    assert_eq!(list.len(), on_disk.count());
    let stream = list.iter().find(|e| e["name"] == "agent_fast_stream").unwrap();
    assert_eq!(stream["status"], 200);
    assert_eq!(stream["path"], "/v1/responses");
    assert!(stream["what"].as_str().unwrap().contains("streamed"));
    for path in ["/__mock/recorded", "/__mock/recording", "/__mock/recordings"] {
        assert_eq!(request(&s, "DELETE", path, None, "").await.status, 405, "{path}");
    }
    assert_eq!(request(&s, "POST", "/__mock/recordings", None, "").await.status, 405);
    assert_eq!(request(&s, "GET", "/v1/responses", Some("k"), "").await.status, 405);
}

#[tokio::test]
async fn a_missing_recording_is_a_500_naming_the_file() {
    let empty = std::env::temp_dir().join(format!("citewise-mock-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let cfg = MockConfig {
        seed: Some(38),
        speed: 0.0,
        recorded: true,
        recordings: Some(empty.clone()),
        ..Default::default()
    };
    let s = MockServer::start(cfg).await.unwrap();
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("x", true)).await;
    assert_eq!(r.status, 500);
    let detail = r.json()["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("agent_fast_web_search.source.json"), "{detail}");
    let r = request(&s, "GET", "/v1/models", Some("k"), "").await;
    assert!(r.json()["detail"].as_str().unwrap().contains("models_2026-10-09"));
    // A sidecar without its body file.
    std::fs::copy(dir().join("agent_fast_stream.source.json"), empty.join("agent_fast_stream.source.json")).unwrap();
    s.set_recording(Some("agent_fast_stream"));
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("x", true)).await;
    assert_eq!(r.status, 500);
    assert!(r.json()["detail"].as_str().unwrap().contains("agent_fast_stream.sse"));
    // The simulated mode does not need the folder.
    s.set_recording(None);
    s.set_recorded(false);
    assert_eq!(request(&s, "GET", "/v1/models", Some("k"), "").await.status, 200);
    let gone = MockConfig { recorded: true, recordings: Some(empty.join("nowhere")), ..Default::default() };
    let s = MockServer::start(gone).await.unwrap();
    let r = request(&s, "GET", "/__mock/recordings", None, "").await;
    assert_eq!(r.status, 500);
    assert!(r.json()["detail"].as_str().unwrap().contains("nowhere"));
    std::fs::remove_dir_all(&empty).unwrap();
}

#[tokio::test]
async fn the_largest_recording_streams_in_under_three_seconds() {
    let s = recorded_server(39, 1.0).await;
    s.set_recording(Some("sonar_reasoning_think_2026-05"));
    let t = Instant::now();
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar-reasoning-pro", "x", true)).await;
    let took = t.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(took > Duration::from_millis(500), "paced so a window can watch it: {took:?}");
    assert_eq!(r.body, recording("sonar_reasoning_think_2026-05.sse"));
    assert!(splits_a_character(&r));
    assert!(r.chunk_sizes.len() > 414, "{} chunks", r.chunk_sizes.len());
}

#[tokio::test]
async fn the_same_seed_replays_the_same_cuts() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let s = recorded_server(40, 0.0).await;
        let r = request(&s, "POST", "/v1/agent", Some("k"), &agent("x", true)).await;
        runs.push(r.chunk_sizes);
    }
    assert_eq!(runs[0], runs[1]);
    let other = recorded_server(41, 0.0).await;
    let r = request(&other, "POST", "/v1/agent", Some("k"), &agent("x", true)).await;
    assert_ne!(r.chunk_sizes, runs[0], "another seed, other cuts");
    let _: Value = serde_json::from_str(&String::from_utf8(r.body).unwrap().lines().next().unwrap()[6..]).unwrap();
}
