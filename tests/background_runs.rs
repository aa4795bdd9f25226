//! Background runs against the local Perplexity-compatible server, through the whole path an
//! answer takes in the app (research::run: the API client, the answer pipeline, a real SQLite
//! history): every state a run can go through, a run picked up again after its process was
//! killed, cancelling on the server, and resumed streams of ordinary answers.

mod util;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use citewise::answer::Pricing;
use citewise::api::{Client, Endpoint, Finish, Provider, RunPhase, StreamEvent};
use citewise::history::{Db, MessageStatus, Turn, TurnStart};
use citewise::images::answers::Streamed;
use citewise::pricing::PriceTable;
use citewise::research::{self, Job, ResearchEvent, RunInfo, RunOutcome, Runs, Start};
use citewise::secrets::ApiKey;
use citewise_mock::{fixture, MockServer};
use serde_json::Value;
use util::{ask, mock, question, KEY};

/// Virtual seconds per real second: a three-minute deep run takes about three seconds.
const FAST: f64 = 60.0;

struct Setup {
    server: MockServer,
    db: Arc<Db>,
    runs: Arc<Runs>,
    seen: Arc<Mutex<Vec<ResearchEvent>>>,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn setup(scenario: &str) -> Setup {
    let server = mock(scenario).await;
    server.set_clock_speed(FAST);
    let dir = std::env::temp_dir().join(format!("citewise-runs-{}", citewise::history::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Arc::new(Db::open(&dir.join("history.sqlite3")).unwrap());
    let (runs, seen) = watched();
    Setup { server, db, runs, seen, _dir: TempDir(dir) }
}

fn watched() -> (Arc<Runs>, Arc<Mutex<Vec<ResearchEvent>>>) {
    let runs = Arc::new(Runs::default());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    runs.watch(move |ev| {
        sink.lock().unwrap().push(ev);
        true
    });
    (runs, seen)
}

impl Setup {
    /// Saves a question as the app does and returns the job that answers it in the background.
    fn job(&self, model: &str, question_text: &str) -> Job {
        let start = TurnStart {
            turn: Turn::Ask { conversation: None, parent: None, question: question_text.into() },
            model: model.into(),
            options: Default::default(),
        };
        let plan = self.db.begin_turn(&start, 8000).unwrap();
        let request =
            citewise::api::ChatRequest { model: model.into(), messages: plan.messages, options: Default::default() };
        Job {
            info: RunInfo {
                answer_id: plan.receipt.assistant_message_id.clone(),
                conversation_id: plan.receipt.conversation.id.clone(),
                title: plan.receipt.conversation.title.clone(),
                model: model.into(),
                started_at: 0,
                phase: RunPhase::Queued,
                searches: 0,
                sources: 0,
                chars: 0,
            },
            request_id: Some("r1".into()),
            start: Start::New(Box::new(request)),
            client: Client::new().unwrap(),
            endpoint: Endpoint::new(Provider::Agent, &self.server.base_url()),
            key: ApiKey::new(KEY).unwrap(),
            db: self.db.clone(),
            pricing: Pricing { table: Arc::new(PriceTable::builtin()), model: model.into(), context: None },
            images: Arc::new(Streamed::default()),
        }
    }

    fn answer(&self, answer_id: &str) -> citewise::history::StoredMessage {
        let conversations = self.db.list_conversations(None, 50).unwrap();
        for c in conversations.items {
            let conv = self.db.open_conversation(&c.id, None).unwrap();
            if let Some(m) = conv.messages.into_iter().find(|m| m.id == answer_id) {
                return m;
            }
        }
        panic!("answer {answer_id} not in the history");
    }

    fn outcome(&self, answer_id: &str) -> Option<RunOutcome> {
        self.seen.lock().unwrap().iter().find_map(|e| match e {
            ResearchEvent::Finished { answer_id: a, outcome, .. } if a == answer_id => Some(*outcome),
            _ => None,
        })
    }

    async fn mock_runs(&self) -> Vec<Value> {
        let url = format!("{}/__mock/runs", self.server.base_url());
        serde_json::from_str(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap()
    }
}

/// Runs `job` to its end, collecting what the window would have been sent.
async fn run(s: &Setup, job: Job) -> Vec<StreamEvent> {
    let window = Arc::new(Mutex::new(Vec::new()));
    let sink = window.clone();
    tokio::time::timeout(
        Duration::from_secs(60),
        research::run(job, s.runs.clone(), move |ev| {
            sink.lock().unwrap().push(ev);
            true
        }),
    )
    .await
    .expect("the run ends");
    let events = window.lock().unwrap().clone();
    events
}

fn text(events: &[StreamEvent]) -> String {
    events.iter().filter_map(|e| if let StreamEvent::Delta { text } = e { Some(text.as_str()) } else { None }).collect()
}

fn phases(events: &[StreamEvent]) -> Vec<RunPhase> {
    events.iter().filter_map(|e| if let StreamEvent::Run(s) = e { Some(s.phase) } else { None }).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deep_run_is_started_followed_and_saved_with_its_cost() {
    let s = setup("cited").await;
    let job = s.job("medium", "What changed in battery chemistry this decade?");
    let answer_id = job.info.answer_id.clone();
    let events = run(&s, job).await;

    let expected = fixture("cited").unwrap();
    assert_eq!(text(&events), expected.text, "every word exactly once");
    assert_eq!(phases(&events).first(), Some(&RunPhase::Queued));
    assert!(matches!(events.last(), Some(StreamEvent::Done { finish: Finish::Stop })), "{:?}", events.last());
    let saved = s.answer(&answer_id);
    assert_eq!((saved.status, saved.content.as_str()), (MessageStatus::Complete, expected.text.as_str()));
    assert_eq!(saved.usage.unwrap().cost.unwrap().total, expected.usage.total_cost);
    assert_eq!(s.outcome(&answer_id), Some(RunOutcome::Completed));
    assert!(s.runs.list().is_empty());

    let requests = s.server.requests();
    let start = requests.iter().find(|r| r.method == "POST" && r.path == "/v1/agent").expect("the run was started");
    let body: Value = serde_json::from_str(&start.body).unwrap();
    assert_eq!(
        (body["background"].as_bool(), body["store"].as_bool(), body["stream"].as_bool()),
        (Some(true), Some(true), Some(false))
    );
    assert!(requests
        .iter()
        .any(|r| r.method == "GET" && r.path.starts_with("/v1/agent/resp_") && r.path.contains("stream=true")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_outlives_a_killed_process_and_completes_into_the_same_answer() {
    let s = setup("research").await;
    let job = s.job("fast", "A long question");
    let answer_id = job.info.answer_id.clone();
    // The first process: started, followed for a while, then gone without a word (SIGKILL).
    let first = tokio::spawn(research::run(job, s.runs.clone(), |_| true));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let saved = s.answer(&answer_id);
        if !saved.content.is_empty() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the run never got going");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.abort();
    let _ = first.await;
    let db = s.db.clone();
    assert_eq!(tokio::task::spawn_blocking(move || db.recover()).await.unwrap().unwrap(), 0, "the run is not cut off");
    assert_eq!(s.answer(&answer_id).status, MessageStatus::Streaming);

    // The next start picks it up by its id.
    let (runs, seen) = watched();
    let resume = research::Resume {
        client: Client::new().unwrap(),
        base_url: s.server.base_url(),
        key: Ok(ApiKey::new(KEY).unwrap()),
        db: s.db.clone(),
        prices: Arc::new(PriceTable::builtin()),
        images: Arc::new(Streamed::default()),
    };
    research::resume_all(resume, runs.clone()).await;
    assert_eq!(runs.list().len(), 1, "picked up");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !seen.lock().unwrap().iter().any(|e| matches!(e, ResearchEvent::Finished { .. })) {
        assert!(tokio::time::Instant::now() < deadline, "the resumed run never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let saved = s.answer(&answer_id);
    let expected = fixture("cited").unwrap();
    assert_eq!((saved.status, saved.content.as_str()), (MessageStatus::Complete, expected.text.as_str()));
    assert!(saved.usage.and_then(|u| u.cost).is_some());
    let starts = s.server.requests().iter().filter(|r| r.method == "POST" && r.path == "/v1/agent").count();
    assert_eq!(starts, 1, "picked up by its id, not asked again");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_reaches_the_server_and_ends_the_answer_as_cancelled() {
    let s = setup("research").await;
    let job = s.job("fast", "Cancel me");
    let answer_id = job.info.answer_id.clone();
    let runs = s.runs.clone();
    let canceller = tokio::spawn({
        let answer_id = answer_id.clone();
        async move {
            while !runs.list().iter().any(|r| r.answer_id == answer_id && r.phase == RunPhase::InProgress) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            assert!(runs.cancel(&answer_id));
        }
    });
    let events = run(&s, job).await;
    canceller.await.unwrap();
    assert!(matches!(events.last(), Some(StreamEvent::Done { finish: Finish::Cancelled })), "{:?}", events.last());
    assert!(phases(&events).contains(&RunPhase::Cancelling));
    assert_eq!(s.outcome(&answer_id), Some(RunOutcome::Cancelled));
    assert_eq!(s.answer(&answer_id).status, MessageStatus::Interrupted);
    let runs = s.mock_runs().await;
    assert_eq!(runs[0]["status"], "cancelled");
    assert_eq!(runs[0]["cancelRequests"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_fails_on_the_server_says_so() {
    let s = setup("researchfail").await;
    let job = s.job("fast", "Q");
    let answer_id = job.info.answer_id.clone();
    let events = run(&s, job).await;
    let Some(StreamEvent::Error(e)) = events.last() else { panic!("{:?}", events.last()) };
    assert!(e.message.contains("The research run failed"), "{}", e.message);
    assert_eq!(s.outcome(&answer_id), Some(RunOutcome::Failed));
    assert_eq!(s.answer(&answer_id).status, MessageStatus::Error);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_cancelled_on_the_server_is_not_called_done() {
    let s = setup("researchcancelled").await;
    let job = s.job("fast", "Q");
    let answer_id = job.info.answer_id.clone();
    let events = run(&s, job).await;
    let Some(StreamEvent::Error(e)) = events.last() else { panic!("{:?}", events.last()) };
    assert!(e.message.contains("cancelled on Perplexity"), "{}", e.message);
    assert_eq!(s.outcome(&answer_id), Some(RunOutcome::Failed));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_the_server_forgot_ends_as_interrupted() {
    let s = setup("researchforget").await;
    let job = s.job("fast", "Q");
    let answer_id = job.info.answer_id.clone();
    let events = run(&s, job).await;
    let Some(StreamEvent::Error(e)) = events.last() else { panic!("{:?}", events.last()) };
    assert_eq!(e.kind, "interrupted");
    assert!(e.message.contains("no longer has this background research run"), "{}", e.message);
    assert_eq!(s.outcome(&answer_id), Some(RunOutcome::Interrupted));
    assert_eq!(s.answer(&answer_id).status, MessageStatus::Interrupted, "Retry is offered");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_the_server_will_not_stream_is_polled_to_its_end() {
    let s = setup("researchnostream").await;
    let job = s.job("fast", "Q");
    let events = run(&s, job).await;
    assert_eq!(text(&events), fixture("cited").unwrap().text);
    assert!(phases(&events).contains(&RunPhase::Polling), "{:?}", phases(&events));
    assert!(matches!(events.last(), Some(StreamEvent::Done { finish: Finish::Stop })));
    let polls = s.server.requests().iter().filter(|r| r.method == "GET" && !r.path.contains("stream=true")).count();
    assert!(polls >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_run_stream_is_opened_again_after_its_last_event() {
    let s = setup("researchdrop").await;
    let job = s.job("fast", "Q");
    let events = run(&s, job).await;
    assert_eq!(text(&events), fixture("cited").unwrap().text, "every word exactly once");
    assert!(phases(&events).contains(&RunPhase::Reconnecting));
    assert!(s.server.requests().iter().any(|r| r.path.contains("starting_after=")));
}

#[tokio::test]
async fn a_dropped_answer_stream_is_resumed_once() {
    let server = mock("dropresume").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(t.text(), fixture("cited").unwrap().text, "every word exactly once");
    let resumed = server.requests().into_iter().filter(|r| r.path.contains("starting_after=")).count();
    assert_eq!(resumed, 1);
}

#[tokio::test]
async fn a_refused_resume_leaves_the_answer_interrupted() {
    let server = mock("drop").await;
    let (t, end) = ask(&server, KEY, &question("fast", "Q")).await;
    assert_eq!(end.unwrap_err().kind(), "interrupted");
    assert!(!t.text().is_empty());
    let resumed = server.requests().into_iter().filter(|r| r.path.contains("starting_after=")).count();
    assert_eq!(resumed, 1, "tried once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_after_the_end_lets_the_end_stand() {
    let s = setup("cited").await;
    let client = Client::new().unwrap();
    let endpoint = Endpoint::new(Provider::Agent, &s.server.base_url());
    let key = ApiKey::new(KEY).unwrap();
    let cancel = tokio_util::sync::CancellationToken::new();
    let id = client.start_run(&endpoint, &key, &question("fast", "Q"), &cancel, &mut |_| {}).await.unwrap();
    let mut mapper = (Provider::Agent.spec().wire)();
    let end = client.follow_run(&endpoint, &key, &id, mapper.as_mut(), &cancel, &mut |_| {}).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(
        client.cancel_run(&endpoint, &key, &id).await.unwrap(),
        citewise::api::Cancel::Ended,
        "too late: it ended"
    );
    // As recorded, a run the server does not know is refused like a finished one: following it
    // then finds it gone.
    assert_eq!(client.cancel_run(&endpoint, &key, "resp_unknown").await.unwrap(), citewise::api::Cancel::Ended);
    assert_eq!(s.mock_runs().await.iter().find(|r| r["id"] == id.as_str()).unwrap()["status"], "completed");
}

/// A recorded exchange of a background run (`tests/fixtures/real/runs/`, from
/// cfdude/mcp-perplexity-pro's capture of 2026-10-09), its bytes checked against its digest.
fn recorded_run(stem: &str) -> (u16, String) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/runs");
    let side: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{stem}.source.json"))).unwrap()).unwrap();
    let bytes = std::fs::read(dir.join(side["file"].as_str().unwrap())).unwrap();
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, side["sha256"].as_str().unwrap(), "{stem} is not the recorded bytes any more");
    (side["response"]["status"].as_u64().unwrap() as u16, String::from_utf8(bytes).unwrap())
}

#[tokio::test]
async fn the_recorded_background_exchanges_read_as_recorded() {
    use tokio::io::AsyncWriteExt;
    let answer = |stem: &'static str| {
        let (status, body) = recorded_run(stem);
        format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let submit = answer("agent_background_submit");
    let (url, seen) = util::raw::serve(move |mut socket| {
        let reply = submit.clone();
        async move {
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    })
    .await;
    let client = Client::new().unwrap();
    let key = ApiKey::new(KEY).unwrap();
    let endpoint = Endpoint::new(Provider::Agent, &url);
    let cancel = tokio_util::sync::CancellationToken::new();
    let id = client.start_run(&endpoint, &key, &question("fast", "Q"), &cancel, &mut |_| {}).await.unwrap();
    assert_eq!(id, "resp_caf1d3f9-3489-4a09-a6d8-3aafd929e535", "the run's id, at once");
    let sent = seen.lock().unwrap()[0].clone();
    assert!(sent.starts_with("POST /v1/agent "), "{sent}");
    assert!(sent.contains("\"background\":true"), "{sent}");

    for (stem, expected) in [
        ("agent_cancel_accepted", citewise::api::Cancel::Cancelled),
        ("agent_cancel_unknown_400", citewise::api::Cancel::Ended),
    ] {
        let reply = answer(stem);
        let (url, seen) = util::raw::serve(move |mut socket| {
            let reply = reply.clone();
            async move {
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        })
        .await;
        let endpoint = Endpoint::new(Provider::Agent, &url);
        assert_eq!(client.cancel_run(&endpoint, &key, &id).await.unwrap(), expected, "{stem}");
        let sent = seen.lock().unwrap()[0].clone();
        assert!(sent.starts_with(&format!("POST /v1/agent/{id}/cancel ")), "{sent}");
    }

    let gone = answer("agent_get_store_false_404");
    let (url, _) = util::raw::serve(move |mut socket| {
        let reply = gone.clone();
        async move {
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    })
    .await;
    let endpoint = Endpoint::new(Provider::Agent, &url);
    let mut mapper = (Provider::Agent.spec().wire)();
    let end = client.follow_run(&endpoint, &key, &id, mapper.as_mut(), &cancel, &mut |_| {}).await;
    assert!(matches!(end, Err(citewise::api::Error::RunLost)), "{end:?}");

    // A poll while queued is no end yet: following goes on (here it is stopped after one poll).
    let pending = answer("agent_background_poll_pending");
    let (url, seen) = util::raw::serve(move |mut socket| {
        let reply = pending.clone();
        async move {
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    })
    .await;
    let endpoint = Endpoint::new(Provider::Agent, &url);
    let stop = tokio_util::sync::CancellationToken::new();
    let stopper = stop.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(600)).await;
        stopper.cancel();
    });
    let mut phases = Vec::new();
    let end = client.follow_run(&endpoint, &key, &id, mapper.as_mut(), &stop, &mut |e| phases.push(e)).await;
    assert!(matches!(end, Err(citewise::api::Error::Cancelled)), "{end:?}");
    assert!(phases.iter().any(|e| matches!(e, StreamEvent::Run(s) if s.phase == RunPhase::Queued)), "{phases:?}");
    assert!(seen.lock().unwrap().iter().all(|r| r.starts_with(&format!("GET /v1/agent/{id}"))));
}
