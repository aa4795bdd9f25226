//! End-to-end tests over real sockets with a deliberately dumb HTTP/1.1 client (plain tokio
//! `TcpStream`, no HTTP crate), so the bytes on the wire are exactly what we check.
//!
//! One piece (over 400 lines): every test shares the dumb client at its top.

use std::time::{Duration, Instant};

use citewise_mock::{fixture, images, MockConfig, MockServer};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;

use common::*;

#[tokio::test]
async fn agent_cited_stream_reassembles_to_the_fixture() {
    let s = server(1).await;
    let r = request(&s, "POST", "/v1/agent", Some("pplx-test"), &agent_body("How high is Everest?", true)).await;
    let f = fixture("cited").unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    assert!(r.complete, "terminating chunk present");
    let events = r.events();
    assert!(r.chunk_sizes.len() > events.len(), "frames are split into several chunks");
    assert!(splits_a_character(&r));
    assert_eq!(agent_text(&events), f.text);
    let terminal: Vec<&Value> = events.iter().filter(|e| TERMINAL.contains(&kind(e))).collect();
    assert_eq!(terminal.len(), 1);
    let last = events.last().unwrap();
    assert_eq!(kind(last), "response.completed");
    assert_eq!(last["response"]["usage"]["cost"]["total_cost"].as_f64(), Some(f.usage.total_cost));
    assert_eq!(last["response"]["output"][1]["content"][0]["text"].as_str(), Some(f.text.as_str()));
    let seqs: Vec<u64> = events.iter().map(|e| e["sequence_number"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let done = events.iter().find(|e| kind(e) == "response.output_item.done").unwrap();
    let urls: Vec<&str> =
        done["item"]["results"].as_array().unwrap().iter().map(|r| r["url"].as_str().unwrap()).collect();
    assert_eq!(urls, f.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>());
    assert!(!String::from_utf8_lossy(&r.body).contains("[DONE]"));
}

#[tokio::test]
async fn sonar_cited_stream_reassembles_to_the_fixture() {
    let s = server(2).await;
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "Everest?", true)).await;
    let f = fixture("cited").unwrap();
    assert!(r.complete);
    let events = r.events();
    assert_eq!(sonar_text(&events), f.text);
    // As recorded, every chunk repeats the citations (an odd response leaves them off a chunk or two first).
    assert!(events.iter().skip(2).all(|e| e["citations"].as_array().unwrap().len() == f.sources.len()));
    let last = events.last().unwrap();
    assert_eq!(last["object"], "chat.completion.done");
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    assert_eq!(last["usage"]["cost"]["total_cost"].as_f64(), Some(f.sonar_total_cost));
    assert_eq!(last["citations"].as_array().unwrap().len(), f.sources.len());
    assert_eq!(events.iter().filter(|e| e["object"] == "chat.completion.done").count(), 1);
}

#[tokio::test]
async fn drop_ends_without_terminating_chunk_or_terminal_event() {
    let s = server(3).await;
    let f = fixture("cited").unwrap();
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("Everest? #mock:drop", true)).await;
    assert!(!r.complete, "no 0-chunk");
    let events = r.events();
    assert!(events.iter().all(|e| !TERMINAL.contains(&kind(e))));
    let text = agent_text(&events);
    assert!(!text.is_empty() && text.len() < f.text.len() && f.text.starts_with(&text));
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "x #mock:drop", true)).await;
    assert!(!r.complete);
    assert!(r.events().iter().all(|e| e["object"] != "chat.completion.done"));
}

#[tokio::test]
async fn malformed_frames_do_not_break_the_rest() {
    let s = server(4).await;
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:malformed", true)).await;
    assert!(r.complete);
    assert!(std::str::from_utf8(&r.body).is_err(), "contains invalid UTF-8");
    let events = r.events();
    assert_eq!(agent_text(&events), fixture("malformed").unwrap().text);
    assert_eq!(events.iter().filter(|e| TERMINAL.contains(&kind(e))).count(), 1);
}

#[tokio::test]
async fn reasoning_failed_and_incomplete() {
    let s = server(5).await;
    let f = fixture("reasoning").unwrap();
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:reasoning", true)).await;
    let events = r.events();
    let thought: String = events
        .iter()
        .filter(|e| kind(e) == "response.reasoning_text.delta")
        .map(|e| e["delta"].as_str().unwrap())
        .collect();
    assert_eq!(Some(thought), f.reasoning);
    assert_eq!(agent_text(&events), f.text);

    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar-reasoning-pro", "x", true)).await;
    let content = sonar_text(&r.events());
    assert!(content.starts_with("<think>") && content.ends_with(&fixture("cited").unwrap().text));

    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:failed", true)).await;
    let kinds: Vec<String> = r.events().iter().map(|e| kind(e).to_string()).collect();
    assert_eq!(kinds, ["response.created", "response.in_progress", "response.failed"]);
    assert!(r.complete);

    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:incomplete", true)).await;
    let events = r.events();
    let last = events.last().unwrap();
    assert_eq!(kind(last), "response.incomplete");
    assert_eq!(last["response"]["incomplete_details"]["reason"], "max_output_tokens");
    assert_eq!(agent_text(&events), fixture("incomplete").unwrap().text);
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "x #mock:incomplete", true)).await;
    assert_eq!(r.events().last().unwrap()["choices"][0]["finish_reason"], "length");
}

#[tokio::test]
async fn auth_is_checked() {
    let cfg = MockConfig { api_key: Some("pplx-right".into()), speed: 0.0, seed: Some(6), ..MockConfig::default() };
    let s = MockServer::start(cfg).await.unwrap();
    for auth in [None, Some("pplx-wrong")] {
        let r = request(&s, "POST", "/v1/agent", auth, &agent_body("x", false)).await;
        assert_eq!(r.status, 401);
        assert_eq!(r.header("content-type"), Some("text/html"));
        assert!(String::from_utf8_lossy(&r.body).contains("<title>401 Authorization Required</title>"));
    }
    let r = request(&s, "GET", "/v1/models", Some("pplx-right"), "").await;
    assert_eq!(r.status, 200);
    let ids: Vec<String> =
        r.json()["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().into()).collect();
    for id in ["perplexity/sonar", "openai/gpt-5.4", "anthropic/claude-sonnet-4-6"] {
        assert!(ids.iter().any(|i| i == id));
    }
    let r = request(&s, "POST", "/v1/agent", Some("pplx-right"), &agent_body("x #mock:auth401", false)).await;
    assert_eq!(r.status, 401);
    let open = server(7).await;
    assert_eq!(request(&open, "GET", "/v1/models", None, "").await.status, 401);
    assert_eq!(request(&open, "GET", "/v1/models", Some("anything"), "").await.status, 200);
}

#[tokio::test]
async fn invalid_requests_get_400() {
    let s = server(8).await;
    let body = json!({"model": "perplexity/sonar", "input": "x", "temperature": 1}).to_string();
    let r = request(&s, "POST", "/v1/agent", Some("k"), &body).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        br#"{"error":{"message":"invalid request body: json: unknown field \"temperature\"","type":"invalid_request","code":400,"param":"temperature"}}"#,
        "as recorded (agent_400_unknown_field.json)"
    );
    let body = json!({"model": "sonar", "messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "b"}]});
    let r = request(&s, "POST", "/chat/completions", Some("k"), &body.to_string()).await;
    assert_eq!((r.status, r.json()["error"]["type"].clone()), (400, json!("invalid_message")));
    assert_eq!(request(&s, "POST", "/v1/agent", Some("k"), "{not json").await.status, 400);
    assert_eq!(request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:nope", true)).await.status, 400);
    assert_eq!(request(&s, "GET", "/nowhere", Some("k"), "").await.status, 404);
}

#[tokio::test]
async fn error_scenarios_and_once_variants() {
    let s = server(9).await;
    s.set_scenario("rate429once");
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x", false)).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("1")));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(r.json()["error"]["type"], "rate_limit_exceeded");
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x", false)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["output"][1]["content"][0]["text"].as_str(), Some(fixture("cited").unwrap().text.as_str()));
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "x #mock:rate429", true)).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("2")));
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:server500", true)).await;
    assert_eq!((r.status, r.json()), (500, json!({"detail": "Internal Server Error"})));
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:bad400", true)).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (400, json!("invalid_model")));
    let first = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:server503once", true)).await;
    let retry = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:server503once", true)).await;
    assert_eq!((first.status, retry.status), (503, 200));
}

#[tokio::test]
async fn control_endpoints() {
    let s = server(10).await;
    assert_eq!(request(&s, "GET", "/__mock/health", None, "").await.body, b"ok");
    assert_eq!(request(&s, "POST", "/__mock/scenario", None, r#"{"name":"nope"}"#).await.status, 400);
    assert_eq!(request(&s, "POST", "/__mock/scenario", None, r#"{"name":"hostile"}"#).await.status, 200);
    let r = request(&s, "POST", "/chat/completions", Some("tok"), &sonar_body("sonar", "hi", false)).await;
    assert!(r.json()["citations"].as_array().unwrap().contains(&json!("javascript:window.__pwned=1")));
    let r = request(&s, "GET", "/__mock/fixture/cited", None, "").await;
    assert_eq!(r.json(), serde_json::to_value(fixture("cited").unwrap()).unwrap());
    let recorded = request(&s, "GET", "/__mock/requests", None, "").await.json();
    assert_eq!(recorded.as_array().unwrap().len(), 1, "control requests are not recorded");
    assert_eq!(recorded[0]["path"], "/chat/completions");
    let reqs = s.requests();
    assert!(reqs[0].headers.iter().any(|(n, v)| n == "authorization" && v == "Bearer tok"));
    assert!(reqs[0].body.contains("\"hi\""));
}

#[tokio::test]
async fn huge_streams_fast_at_normal_speed() {
    let cfg = MockConfig { seed: Some(11), ..MockConfig::default() };
    let s = MockServer::start(cfg).await.unwrap();
    let t = Instant::now();
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:huge", true)).await;
    assert!(t.elapsed() < Duration::from_secs(10), "took {:?}", t.elapsed());
    assert_eq!(agent_text(&r.events()), fixture("huge").unwrap().text);
    assert!(splits_a_character(&r));
}

#[tokio::test]
async fn timestamps_carry_send_times() {
    let cfg = MockConfig { seed: Some(12), speed: 0.1, ..MockConfig::default() };
    let s = MockServer::start(cfg).await.unwrap();
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "x #mock:timestamps", true)).await;
    let events = r.events();
    let times: Vec<f64> = events.iter().filter_map(|e| e["mock_sent_at_ms"].as_f64()).collect();
    assert_eq!(times.len(), 5000);
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(sonar_text(&events), fixture("timestamps").unwrap().text);
}

#[tokio::test]
async fn an_agent_timestamps_answer_logs_when_each_delta_went_out() {
    let cfg = MockConfig { seed: Some(12), speed: 0.1, ..MockConfig::default() };
    let s = MockServer::start(cfg).await.unwrap();
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:timestamps", true)).await;
    let stamped: Vec<f64> = r.events().iter().filter_map(|e| e["mock_sent_at_ms"].as_f64()).collect();
    let log = request(&s, "GET", "/__mock/sent-times", None, "").await;
    let sent: Vec<f64> = serde_json::from_slice(&log.body).unwrap();
    assert_eq!((stamped.len(), sent.len()), (5000, 5000));
    assert!(sent.windows(2).all(|w| w[0] <= w[1]), "in order");
    assert!(sent.iter().zip(&stamped).all(|(after, before)| after >= before), "logged once written");
}

#[tokio::test]
async fn a_page_can_get_the_timestamps_answer_without_a_key_or_a_preflight() {
    let cfg = MockConfig { seed: Some(12), speed: 0.1, ..MockConfig::default() };
    let s = MockServer::start(cfg).await.unwrap();
    s.set_scenario("cited"); // the sticky scenario does not apply
    let r = request(&s, "GET", "/__mock/timestamps", None, "").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    assert!(r.complete);
    let events = r.events();
    assert_eq!(agent_text(&events), fixture("timestamps").unwrap().text, "the Agent API's stream");
    assert_eq!(kind(events.last().unwrap()), "response.completed");
    let sent: Vec<f64> = request(&s, "GET", "/__mock/sent-times", None, "")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    assert_eq!(sent.len(), 5000, "send times logged as for POST /v1/agent");
    assert!(s.requests().is_empty(), "a control request, not recorded");
    assert_eq!(request(&s, "POST", "/__mock/timestamps", None, "").await.status, 405);
    // The real endpoint's wire format is untouched.
    let api = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:timestamps", true)).await;
    assert_eq!(api.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn same_seed_same_chunking() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let s = server(13).await;
        runs.push(request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x", true)).await.chunk_sizes);
    }
    assert_eq!(runs[0], runs[1]);
}

#[tokio::test]
async fn slow_stream_survives_a_client_hang_up() {
    let s = MockServer::start(MockConfig { seed: Some(14), ..MockConfig::default() }).await.unwrap();
    let mut stream = TcpStream::connect(s.base_url().trim_start_matches("http://")).await.unwrap();
    let body = agent_body("x #mock:slow", true);
    let req =
        format!("POST /v1/agent HTTP/1.1\r\nAuthorization: Bearer k\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut buf = [0u8; 2048];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    drop(stream); // Stop pressed
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(request(&s, "GET", "/__mock/health", None, "").await.status, 200);
}

#[tokio::test]
async fn sonar_sends_images_and_related_questions_only_when_asked() {
    let s = server(12).await;
    let plain = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "Everest?", true)).await;
    assert!(plain.events().iter().all(|e| e.get("images").is_none() && e.get("related_questions").is_none()));

    let f = fixture("cited").unwrap();
    let asked = json!({"model": "sonar", "stream": true, "return_images": true, "return_related_questions": true,
                       "messages": [{"role": "user", "content": "Everest?"}]});
    let r = request(&s, "POST", "/chat/completions", Some("k"), &asked.to_string()).await;
    let last = r.events().pop().unwrap();
    let images = last["images"].as_array().unwrap();
    assert_eq!(images.len(), f.images.len());
    assert_eq!(images[0]["image_url"], "http://mock/__mock/image/1.png", "the mock's own paths get its address");
    assert_eq!(images[0]["origin_url"], "https://en.wikipedia.org/wiki/Mount_Everest");
    assert_eq!(images[0]["width"], images::WIDTH);
    assert_eq!(last["related_questions"], json!(f.related));

    let whole = asked.as_object().unwrap().clone().into_iter().chain([("stream".into(), json!(false))]).collect();
    let r = request(&s, "POST", "/chat/completions", Some("k"), &Value::Object(whole).to_string()).await;
    assert_eq!(r.json()["images"].as_array().unwrap().len(), f.images.len());
    assert_eq!(r.json()["related_questions"], json!(f.related));
}

#[tokio::test]
async fn images_are_real_pictures_and_the_refusable_kinds() {
    let s = server(13).await;
    let r = request(&s, "GET", "/__mock/image/1.png", None, "").await;
    assert_eq!((r.status, r.header("content-type")), (200, Some("image/png")));
    assert_eq!(r.body, images::picture(1));
    let r = request(&s, "GET", "/__mock/image/dot.gif", None, "").await;
    assert!(r.body.starts_with(b"GIF89a"));
    let r = request(&s, "GET", "/__mock/image/not-image.png", None, "").await;
    assert_eq!(r.header("content-type"), Some("image/png"));
    assert!(r.body.starts_with(b"<!doctype html>"), "an HTML page calling itself a PNG");
    let r = request(&s, "GET", "/__mock/image/vector.svg", None, "").await;
    assert!(r.body.starts_with(b"<svg"));
    let r = request(&s, "GET", "/__mock/image/huge.png", None, "").await;
    assert!(r.complete && r.header("content-length").is_none());
    assert!(r.body.starts_with(b"\x89PNG") && r.body.len() > images::HUGE_BYTES);
    let r = request(&s, "GET", "/__mock/image/big.png", None, "").await;
    assert_eq!(r.header("content-length"), Some((images::HUGE_BYTES + 8).to_string().as_str()));
    assert_eq!(request(&s, "GET", "/__mock/image/nope.png", None, "").await.status, 404);
    let fetched: Vec<String> = s.requests().into_iter().map(|r| r.path).collect();
    assert!(fetched.iter().all(|p| p.starts_with("/__mock/image/")), "{fetched:?}");
    assert!(
        fetched.contains(&"/__mock/image/nope.png".to_owned()),
        "image requests are recorded (what the app fetched)"
    );
}

#[tokio::test]
async fn v1_responses_is_an_alias_of_v1_agent() {
    let s = server(15).await;
    let f = fixture("cited").unwrap();
    let r = request(&s, "POST", "/v1/responses", Some("k"), &agent_body("Everest?", true)).await;
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/event-stream")));
    assert_eq!(agent_text(&r.events()), f.text);
    let r = request(&s, "POST", "/v1/responses", Some("k"), &agent_body("Everest? #mock:incomplete", false)).await;
    assert_eq!(r.json()["status"], "incomplete");
    let body = json!({"preset": "fast", "input": "x", "temperature": 1}).to_string();
    assert_eq!(request(&s, "POST", "/v1/responses", Some("k"), &body).await.json()["error"]["param"], "temperature");
    assert_eq!(request(&s, "POST", "/v1/responses", None, &agent_body("x", true)).await.status, 401);
}

#[tokio::test]
async fn agent_answers_carry_rate_limit_headers() {
    let s = server(16).await;
    for n in 1..=3u64 {
        let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x", n % 2 == 0)).await;
        assert_eq!(r.header("x-ratelimit-limit"), Some("50"));
        assert_eq!(r.header("x-ratelimit-remaining"), Some((50 - n).to_string().as_str()));
        assert_eq!(r.header("x-ratelimit-used"), Some(n.to_string().as_str()));
        let reset: u64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        assert!((now + 55..=now + 61).contains(&reset), "{reset} vs {now}");
    }
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x #mock:ratelimitlow", true)).await;
    assert_eq!((r.header("x-ratelimit-remaining"), r.header("x-ratelimit-limit")), (Some("2"), Some("50")));
    assert_eq!(agent_text(&r.events()), fixture("ratelimitlow").unwrap().text);
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "x", true)).await;
    assert_eq!(r.header("x-ratelimit-limit"), None, "Agent answers only");
    for _ in 0..50 {
        request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x", false)).await;
    }
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x", false)).await;
    assert_eq!((r.status, r.header("x-ratelimit-remaining")), (200, Some("0")), "floored at 0");
}

#[tokio::test]
async fn no_tool_calls_means_no_search() {
    let s = server(17).await;
    let f = fixture("cited").unwrap().without_search();
    for ask in [json!({"max_tool_calls": 0}), json!({"tool_choice": "none"})] {
        let mut body = json!({"preset": "fast", "input": "Everest?", "stream": true});
        body.as_object_mut().unwrap().extend(ask.as_object().unwrap().clone());
        let r = request(&s, "POST", "/v1/agent", Some("k"), &body.to_string()).await;
        let events = r.events();
        let kinds: Vec<&str> = events.iter().map(kind).collect();
        assert!(!kinds.iter().any(|k| k.contains("search")), "{kinds:?}");
        assert!(!events.iter().any(|e| e["item"]["type"] == "function_call" || e["item"]["type"] == "search_results"));
        assert_eq!(agent_text(&events), f.text);
        let usage = &events.last().unwrap()["response"]["usage"];
        assert_eq!(usage["cost"]["tool_calls_cost"].as_f64(), Some(0.0));
        assert_eq!(usage["cost"]["total_cost"].as_f64(), Some(f.usage.total_cost));
        assert_eq!(events.last().unwrap()["response"]["output"].as_array().unwrap().len(), 1, "only the message");
    }
    let served = request(&s, "GET", "/__mock/fixture/cited?search=false", None, "").await.json();
    assert_eq!(served, serde_json::to_value(&f).unwrap());
    assert!(f.usage.total_cost < fixture("cited").unwrap().usage.total_cost);
}

#[tokio::test]
async fn retired_answers_the_recorded_403_on_chat_completions_only() {
    let s = server(18).await;
    s.set_scenario("retired");
    let r = request(&s, "POST", "/chat/completions", Some("k"), &sonar_body("sonar", "x", true)).await;
    let recorded =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/real/chat_completions_403_retired.json"));
    assert_eq!((r.status, r.body), (403, recorded.unwrap()));
    let r = request(&s, "POST", "/v1/agent", Some("k"), &agent_body("x", true)).await;
    assert_eq!((r.status, agent_text(&r.events())), (200, fixture("retired").unwrap().text));
}

#[tokio::test]
async fn documented_fields_are_accepted_and_errors_read_as_recorded() {
    let s = server(19).await;
    let body = json!({"preset": "fast", "input": "x", "language_preference": "fr", "max_steps": 3, "store": false,
                      "background": false, "metadata": {"a": "b"}, "previous_response_id": "resp_1",
                      "response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": {}}}});
    let r = request(&s, "POST", "/v1/agent", Some("k"), &body.to_string()).await;
    assert_eq!(r.status, 200);
    assert_eq!((r.json()["store"].clone(), r.json()["metadata"].clone()), (json!(false), json!({"a": "b"})));
    let body = json!({"model": "anthropic/claude-haiku-4-5", "input": "x"}).to_string();
    let r = request(&s, "POST", "/v1/agent", Some("k"), &body).await;
    let recorded = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/real/agent_400_anthropic_max_output_tokens.json"
    ))
    .unwrap();
    assert_eq!((r.status, r.json()), (400, serde_json::from_slice::<Value>(&recorded).unwrap()));
    let body = json!({"preset": "fast", "input": "x", "max_tool_calls": "many"}).to_string();
    let e = request(&s, "POST", "/v1/agent", Some("k"), &body).await.json();
    assert_eq!(e["error"]["type"], "invalid_request");
    assert!(e["error"]["message"].as_str().unwrap().starts_with("validation failed: max_tool_calls"));
}
