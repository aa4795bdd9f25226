//! Nothing Citewise logs ever contains the API key or the Authorization header, on success or
//! failure. Captures every log record (at trace level) while requests run against the local server.

mod util;

use std::sync::Mutex;

use citewise::api::Provider;
use tokio_util::sync::CancellationToken;
use util::{ask_provider, mock, question, KEY};

static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        RECORDS.lock().unwrap().push(format!("{} {} {}", record.level(), record.target(), record.args()));
    }
    fn flush(&self) {}
}

#[tokio::test]
async fn the_key_never_reaches_a_log_line() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    for (scenario, provider) in [
        ("cited", Provider::Agent),
        ("rate429once", Provider::Agent),
        ("malformed", Provider::Agent),
        ("drop", Provider::Sonar),
        ("server503once", Provider::Sonar),
    ] {
        let server = mock(scenario).await;
        let (_, end) = ask_provider(&server, provider, KEY, &question("fast", "Q"), &CancellationToken::new()).await;
        // Errors are logged with Debug formatting by the app; check that form too.
        if let Err(err) = end {
            log::warn!("request ended with {err:?}");
        }
    }
    let server = mock("auth401").await;
    let (_, end) = ask_provider(
        &server,
        Provider::Agent,
        "pplx-wrong-key-7777",
        &question("fast", "Q"),
        &CancellationToken::new(),
    )
    .await;
    log::warn!("request ended with {:?}", end.unwrap_err());

    let records = RECORDS.lock().unwrap();
    assert!(records.len() > 5, "the requests were logged at all ({} lines)", records.len());
    for line in records.iter() {
        assert!(!line.contains(KEY), "key leaked: {line}");
        assert!(!line.contains("pplx-wrong-key-7777"), "key leaked: {line}");
        assert!(!line.contains("Bearer"), "authorization header leaked: {line}");
    }
}
