//! Shared helpers for the integration tests: a mock server per test and an event collector.

#![allow(dead_code)]

pub mod raw;

use citewise::api::{ChatRequest, Client, Endpoint, Finish, Message, Provider, Result, Source, StreamEvent, Usage};
use citewise::secrets::ApiKey;
use citewise_mock::{MockConfig, MockServer};
use tokio_util::sync::CancellationToken;

pub const KEY: &str = "pplx-integration-test-1234";

/// A mock that accepts only [`KEY`], with the given scenario made sticky.
pub async fn mock(scenario: &str) -> MockServer {
    let server = MockServer::start(MockConfig {
        api_key: Some(KEY.into()),
        seed: Some(7),
        speed: 0.2,
        port: 0,
        ..Default::default()
    })
    .await
    .expect("mock server starts");
    server.set_scenario(scenario);
    server
}

pub fn question(model: &str, text: &str) -> ChatRequest {
    ChatRequest { model: model.into(), messages: vec![Message::user(text)], ..Default::default() }
}

/// Everything one request produced.
#[derive(Debug, Default)]
pub struct Transcript {
    pub events: Vec<StreamEvent>,
}

impl Transcript {
    pub fn text(&self) -> String {
        self.events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Delta { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    pub fn reasoning(&self) -> String {
        self.events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Reasoning { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    pub fn sources(&self) -> Vec<Source> {
        self.events
            .iter()
            .rev()
            .find_map(|e| match e {
                StreamEvent::Sources { sources } => Some(sources.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    pub fn related(&self) -> Vec<String> {
        self.events
            .iter()
            .rev()
            .find_map(|e| match e {
                StreamEvent::Related { questions } => Some(questions.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    pub fn usage(&self) -> Option<Usage> {
        self.events.iter().rev().find_map(|e| match e {
            StreamEvent::Usage(u) => Some(Usage::clone(u)),
            _ => None,
        })
    }
}

pub async fn ask(server: &MockServer, key: &str, request: &ChatRequest) -> (Transcript, Result<Finish>) {
    ask_with_cancel(server, key, request, &CancellationToken::new()).await
}

pub async fn ask_with_cancel(
    server: &MockServer,
    key: &str,
    request: &ChatRequest,
    cancel: &CancellationToken,
) -> (Transcript, Result<Finish>) {
    ask_provider(server, Provider::Agent, key, request, cancel).await
}

pub async fn ask_provider(
    server: &MockServer,
    provider: Provider,
    key: &str,
    request: &ChatRequest,
    cancel: &CancellationToken,
) -> (Transcript, Result<Finish>) {
    let client = Client::new().unwrap();
    let endpoint = Endpoint::new(provider, &server.base_url());
    let key = ApiKey::new(key).unwrap();
    let mut transcript = Transcript::default();
    let end = client.stream_chat(&endpoint, &key, request, cancel, &mut |ev| transcript.events.push(ev)).await;
    (transcript, end)
}
