//! Background mode, polling, cancel and resumable streams of the Agent API (#20), over real
//! sockets. Runs go on the mock's virtual clock: the tests speed it up rather than wait minutes.

use std::time::Duration;

use citewise_mock::{fixture, MockServer};
use serde_json::{json, Value};

mod common;

use common::*;

const KEY: Option<&str> = Some("k");

fn background_body(question: &str, preset: Option<&str>, stream: bool) -> String {
    let mut body = json!({"input": question, "background": true, "store": true, "stream": stream});
    match preset {
        Some(p) => body["preset"] = json!(p),
        None => body["model"] = json!("perplexity/sonar"),
    }
    body.to_string()
}

/// Starts a background run; returns its `queued` response object.
async fn start(s: &MockServer, question: &str, preset: Option<&str>) -> Value {
    let r = request(s, "POST", "/v1/agent", KEY, &background_body(question, preset, false)).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

async fn get(s: &MockServer, id: &str) -> Reply {
    request(s, "GET", &format!("/v1/responses/{id}"), KEY, "").await
}

async fn follow(s: &MockServer, id: &str, after: Option<u64>) -> Reply {
    let path = match after {
        Some(n) => format!("/v1/responses/{id}?stream=true&starting_after={n}"),
        None => format!("/v1/responses/{id}?stream=true"),
    };
    request(s, "GET", &path, KEY, "").await
}

async fn cancel(s: &MockServer, id: &str) -> Reply {
    request(s, "POST", &format!("/v1/agent/{id}/cancel"), KEY, "").await
}

/// Polls until the run's status is none of queued/in_progress; returns the response object.
async fn settled(s: &MockServer, id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let r = get(s, id).await;
        assert_eq!(r.status, 200);
        let body = r.json();
        if !matches!(body["status"].as_str(), Some("queued" | "in_progress")) {
            return body;
        }
        assert!(tokio::time::Instant::now() < deadline, "{id} never settled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn seqs(events: &[Value]) -> Vec<u64> {
    events.iter().map(|e| e["sequence_number"].as_u64().unwrap()).collect()
}

fn message_text(response: &Value) -> Option<&str> {
    let output = response["output"].as_array()?;
    output.iter().find(|i| i["type"] == "message")?["content"][0]["text"].as_str()
}

async fn run_json(s: &MockServer, id: &str) -> Value {
    let runs = request(s, "GET", "/__mock/runs", None, "").await.json();
    runs.as_array().unwrap().iter().find(|r| r["id"] == id).cloned().unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_background_run_is_queued_then_in_progress_then_completed() {
    let s = server(101).await;
    let queued = start(&s, "How high is Everest?", Some("medium")).await;
    let id = queued["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("resp_"), "{id}");
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["output"], json!([]));
    assert_eq!(queued["usage"], Value::Null);
    assert_eq!((&queued["background"], &queued["store"]), (&json!(true), &json!(true)));
    assert_eq!(get(&s, &id).await.json()["status"], "queued", "still within its first 2 virtual seconds");
    s.set_clock_speed(10.0); // 0.4 s later: ~4 virtual seconds, searching
    tokio::time::sleep(Duration::from_millis(400)).await;
    let running = get(&s, &id).await.json();
    assert_eq!((&running["status"], &running["output"]), (&json!("in_progress"), &json!([])));
    s.set_clock_speed(1000.0);
    let done = settled(&s, &id).await;
    let f = fixture("cited").unwrap();
    assert_eq!(done["status"], "completed");
    assert_eq!(message_text(&done), Some(f.text.as_str()));
    assert_eq!(done["output"][0]["type"], "search_results");
    assert_eq!(done["usage"]["cost"]["total_cost"].as_f64(), Some(f.usage.total_cost));
    assert_eq!(done["model"], "openai/gpt-5.4", "the resolved model once done");
    let run = run_json(&s, &id).await;
    assert_eq!(
        (&run["status"], &run["scenario"], &run["model"]),
        (&json!("completed"), &json!("cited"), &json!("medium"))
    );
    assert_eq!(run["cancelRequests"], 0);
    assert!(run["events"].as_u64().unwrap() > 10);
}

#[tokio::test]
async fn following_from_the_start_carries_the_whole_stream() {
    let s = server(102).await;
    s.set_clock_speed(1000.0);
    let r = request(&s, "POST", "/v1/agent", KEY, &background_body("Everest?", None, true)).await;
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/event-stream")));
    assert!(r.complete);
    let events = r.events();
    let f = fixture("cited").unwrap();
    assert_eq!(kind(&events[0]), "response.created");
    assert_eq!(events[0]["response"]["status"], "queued");
    assert_eq!(kind(&events[1]), "response.in_progress");
    assert_eq!(agent_text(&events), f.text, "the same text as a non-background stream");
    assert_eq!(kind(events.last().unwrap()), "response.completed");
    assert_eq!(events.iter().filter(|e| TERMINAL.contains(&kind(e))).count(), 1);
    assert!(seqs(&events).windows(2).all(|w| w[0] < w[1]));
    // Followed again once done: the same events at once.
    let id = events[0]["response"]["id"].as_str().unwrap();
    let again = follow(&s, id, None).await;
    assert!(again.complete);
    assert_eq!(again.events(), events);
    let plain = request(&s, "POST", "/v1/agent", KEY, &agent_body("Everest?", true)).await;
    assert_eq!(agent_text(&plain.events()), agent_text(&events));
}

#[tokio::test]
async fn resuming_after_n_sends_only_later_events() {
    let s = server(103).await;
    s.set_clock_speed(1000.0);
    let id = start(&s, "Everest?", None).await["id"].as_str().unwrap().to_owned();
    settled(&s, &id).await;
    let all = follow(&s, &id, None).await.events();
    let deltas: Vec<&Value> = all.iter().filter(|e| kind(e) == "response.output_text.delta").collect();
    let n = deltas[deltas.len() / 2]["sequence_number"].as_u64().unwrap();
    let rest = follow(&s, &id, Some(n)).await;
    assert!(rest.complete);
    let rest = rest.events();
    assert!(seqs(&rest).iter().all(|&q| q > n));
    let first: Vec<Value> = all.iter().filter(|e| e["sequence_number"].as_u64().unwrap() <= n).cloned().collect();
    assert_eq!(first.len() + rest.len(), all.len());
    assert_eq!(agent_text(&first) + &agent_text(&rest), fixture("cited").unwrap().text, "every delta once");
    let last = all.last().unwrap()["sequence_number"].as_u64().unwrap();
    let none = follow(&s, &id, Some(last)).await;
    assert!(none.complete && none.events().is_empty(), "nothing after the terminal event");
    let bad = request(&s, "GET", &format!("/v1/responses/{id}?stream=true&starting_after=x"), KEY, "").await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn cancel_reaches_pollers_followers_and_the_run_list() {
    let s = server(104).await;
    let id = start(&s, "Everest?", Some("high")).await["id"].as_str().unwrap().to_owned();
    let follower = {
        let (base, id) = (s.base_url(), id.clone());
        tokio::spawn(async move { raw_get(&base, &format!("/v1/responses/{id}?stream=true")).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await; // the follower is waiting
    let r = cancel(&s, &id).await;
    assert_eq!(r.status, 200);
    // As recorded (`agent_cancel_accepted`): the run id and "cancelling", not the response.
    assert_eq!(r.json(), json!({"response_id": id.as_str(), "status": "cancelling"}));
    let followed = parse(&follower.await.unwrap());
    assert!(followed.complete);
    let events = followed.events();
    let last = events.last().unwrap();
    assert_eq!((kind(last), &last["response"]["status"]), ("response.cancelled", &json!("cancelled")));
    assert_eq!(get(&s, &id).await.json()["status"], "cancelled");
    let again = cancel(&s, &id).await;
    assert_eq!((again.status, again.json()["status"].as_str()), (200, Some("cancelling")));
    let run = run_json(&s, &id).await;
    assert_eq!((&run["status"], &run["cancelRequests"]), (&json!("cancelled"), &json!(2)));
    // A finished run cannot be cancelled.
    s.set_clock_speed(1000.0);
    let done = start(&s, "Everest?", None).await["id"].as_str().unwrap().to_owned();
    settled(&s, &done).await;
    let r = cancel(&s, &done).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"error": {"message": "the run is already terminal and cannot be cancelled", "type": "invalid_request", "code": 400}})
    );
    assert_eq!(run_json(&s, &done).await["cancelRequests"], 1);
}

/// A GET on its own connection, for a follower running beside the test.
async fn raw_get(base: &str, path: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    let head = format!("GET {path} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw)).await.expect("timely");
    raw
}

#[tokio::test]
async fn unknown_ids_are_404_and_the_key_is_required() {
    let s = server(105).await;
    // As recorded: a GET of an unknown id is a 404, a cancel of one the terminal-run 400.
    let not_found = json!({"error": {"message": "resource not found", "type": "not_found", "code": 404}});
    for r in [get(&s, "resp_x").await, follow(&s, "resp_x", None).await] {
        assert_eq!((r.status, r.json()), (404, not_found.clone()));
    }
    let r = cancel(&s, "resp_x").await;
    assert_eq!(
        (r.status, r.json()["error"]["message"].as_str()),
        (400, Some("the run is already terminal and cannot be cancelled"))
    );
    let r = request(&s, "GET", "/v1/responses/resp_x", None, "").await;
    assert_eq!(r.status, 401);
    let r = request(&s, "POST", "/v1/responses/resp_x/cancel", None, "").await;
    assert_eq!(r.status, 401);
    let paths: Vec<String> = s.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths.contains(&"/v1/responses/resp_x?stream=true".to_owned()), "the full target is recorded");
    assert!(paths.contains(&"/v1/responses/resp_x/cancel".to_owned()));
}

#[tokio::test]
async fn background_mode_requires_store() {
    let s = server(106).await;
    let expected = json!({"error": {"message": "background mode requires \"store\": true", "type": "invalid_request",
                                    "code": 400, "param": "store"}});
    let body = json!({"model": "perplexity/sonar", "input": "x", "background": true, "store": false});
    let r = request(&s, "POST", "/v1/agent", KEY, &body.to_string()).await;
    assert_eq!((r.status, r.json()), (400, expected));
    // Without `store` it is stored, as the recorded submit (no `store` sent, `store: true` back).
    let body = json!({"preset": "medium", "input": "x", "background": true});
    let r = request(&s, "POST", "/v1/agent", KEY, &body.to_string()).await;
    assert_eq!((r.status, r.json()["status"].as_str(), r.json()["store"].as_bool()), (200, Some("queued"), Some(true)));
}

#[tokio::test]
async fn deep_presets_and_research_are_long_other_runs_quick() {
    let s = server(107).await;
    s.set_clock_speed(50.0); // a quick run (20 s) ends in 0.4 s, a deep one (180 s) in 3.6 s
    let quick = start(&s, "Everest?", Some("low")).await["id"].as_str().unwrap().to_owned();
    let research = start(&s, "Everest? #mock:research", None).await["id"].as_str().unwrap().to_owned();
    let deep = start(&s, "Everest?", Some("deep-research")).await["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(get(&s, &quick).await.json()["status"], "completed");
    assert_eq!(get(&s, &research).await.json()["status"], "in_progress");
    assert_eq!(get(&s, &deep).await.json()["status"], "in_progress");
    s.set_clock_speed(1000.0);
    assert_eq!(settled(&s, &research).await["status"], "completed");
    assert_eq!(settled(&s, &deep).await["status"], "completed");
}

#[tokio::test]
async fn researchfail_and_researchcancelled_end_halfway() {
    let s = server(108).await;
    s.set_clock_speed(1000.0);
    let text = fixture("cited").unwrap().text;
    for (scenario, status) in [("researchfail", "failed"), ("researchcancelled", "cancelled")] {
        let id = start(&s, &format!("x #mock:{scenario}"), None).await["id"].as_str().unwrap().to_owned();
        let done = settled(&s, &id).await;
        assert_eq!((done["status"].as_str(), &done["output"]), (Some(status), &json!([])), "{scenario}");
        if status == "failed" {
            assert_eq!(done["error"], json!({"code": "server_error", "message": "The research run failed."}));
        }
        let r = follow(&s, &id, None).await;
        assert!(r.complete);
        let events = r.events();
        assert_eq!(kind(events.last().unwrap()), format!("response.{status}"));
        let partial = agent_text(&events);
        assert!(!partial.is_empty() && partial.len() < text.len() && text.starts_with(&partial), "{scenario}");
        assert_eq!(run_json(&s, &id).await["scenario"], scenario);
    }
}

#[tokio::test]
async fn researchnostream_must_be_polled() {
    let s = server(109).await;
    s.set_clock_speed(1000.0);
    let id = start(&s, "x #mock:researchnostream", None).await["id"].as_str().unwrap().to_owned();
    let r = follow(&s, &id, None).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"error": {"message": "Streaming is not available for this response.", "type": "invalid_request", "code": 400}})
    );
    assert_eq!(settled(&s, &id).await["status"], "completed");
}

#[tokio::test]
async fn researchforget_forgets_the_run_and_cuts_its_followers() {
    let s = server(110).await;
    s.set_scenario("researchforget"); // sticky, like any scenario
    let id = start(&s, "Everest?", None).await["id"].as_str().unwrap().to_owned();
    let follower = {
        let (base, id) = (s.base_url(), id.clone());
        tokio::spawn(async move { raw_get(&base, &format!("/v1/responses/{id}?stream=true")).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await; // the follower is waiting
    s.set_clock_speed(200.0); // forgotten after 90 virtual seconds: ~0.45 s
    let r = parse(&follower.await.unwrap());
    assert_eq!(r.status, 200);
    assert!(!r.complete, "cut, no terminating chunk");
    assert!(r.events().iter().all(|e| !TERMINAL.contains(&kind(e))));
    for r in [get(&s, &id).await, follow(&s, &id, None).await] {
        assert_eq!(r.status, 404);
    }
    assert_eq!(cancel(&s, &id).await.status, 400, "refused like a finished run, as recorded");
    assert_eq!(run_json(&s, &id).await["status"], "forgotten");
}

#[tokio::test]
async fn researchdrop_cuts_followers_once_and_a_resume_completes() {
    let s = server(111).await;
    s.set_clock_speed(400.0);
    let r = request(&s, "POST", "/v1/agent", KEY, &background_body("x #mock:researchdrop", None, true)).await;
    assert!(!r.complete);
    let first = r.events();
    assert!(first.iter().all(|e| !TERMINAL.contains(&kind(e))));
    let id = first[0]["response"]["id"].as_str().unwrap();
    let n = first.last().unwrap()["sequence_number"].as_u64().unwrap();
    let rest = follow(&s, id, Some(n)).await;
    assert!(rest.complete);
    let rest = rest.events();
    assert_eq!(kind(rest.last().unwrap()), "response.completed");
    assert_eq!(agent_text(&first) + &agent_text(&rest), fixture("cited").unwrap().text);
}

#[tokio::test]
async fn a_dropresume_stream_resumes_to_the_full_text() {
    let s = server(112).await;
    let r = request(&s, "POST", "/v1/agent", KEY, &agent_body("Everest? #mock:dropresume", true)).await;
    assert!(!r.complete, "cut like drop");
    let first = r.events();
    let text = fixture("dropresume").unwrap().text;
    assert!(agent_text(&first).len() < text.len());
    let id = first[0]["response"]["id"].as_str().unwrap();
    let n = first.last().unwrap()["sequence_number"].as_u64().unwrap();
    let rest = follow(&s, id, Some(n)).await;
    assert!(rest.complete);
    let rest = rest.events();
    assert!(seqs(&rest).iter().all(|&q| q > n));
    assert_eq!(agent_text(&first) + &agent_text(&rest), text, "every delta exactly once");
    assert_eq!(get(&s, id).await.json()["status"], "completed");
}

#[tokio::test]
async fn a_drop_stream_cannot_be_resumed() {
    let s = server(113).await;
    let r = request(&s, "POST", "/v1/agent", KEY, &agent_body("Everest? #mock:drop", true)).await;
    assert!(!r.complete);
    let id = r.events()[0]["response"]["id"].as_str().unwrap().to_owned();
    assert_eq!(follow(&s, &id, Some(0)).await.status, 404);
    assert_eq!(get(&s, &id).await.status, 404);
    // An ordinary stream is kept, and resumable.
    let r = request(&s, "POST", "/v1/agent", KEY, &agent_body("Everest?", true)).await;
    let id = r.events()[0]["response"]["id"].as_str().unwrap().to_owned();
    assert_eq!(follow(&s, &id, None).await.events(), r.events(), "the same events, kept");
}

#[tokio::test]
async fn the_clock_speed_is_a_control() {
    let s = server(114).await;
    assert_eq!(request(&s, "GET", "/__mock/clock", None, "").await.json(), json!({"speed": 1.0}));
    let r = request(&s, "POST", "/__mock/clock", None, r#"{"speed": 18}"#).await;
    assert_eq!((r.status, r.json()), (200, json!({"speed": 18.0})));
    assert_eq!(s.clock_speed(), 18.0);
    for bad in [r#"{"speed": 0}"#, r#"{"speed": -1}"#, r#"{"speed": "fast"}"#, "{}"] {
        assert_eq!(request(&s, "POST", "/__mock/clock", None, bad).await.status, 400, "{bad}");
    }
    s.set_clock_speed(2.5);
    assert_eq!(request(&s, "GET", "/__mock/clock", None, "").await.json(), json!({"speed": 2.5}));
    assert_eq!(request(&s, "GET", "/__mock/runs", None, "").await.json(), json!([]));
}
