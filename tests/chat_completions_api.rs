//! Sonar chat completions (`POST /chat/completions`) and OpenAI-compatible endpoints against the
//! local server: the same events as the Agent API, from the older wire format.

mod util;

use std::time::Duration;

use citewise::api::{Client, Endpoint, Finish, Message, Provider, StreamEvent};
use citewise::secrets::ApiKey;
use citewise_mock::fixture;
use tokio_util::sync::CancellationToken;
use util::{ask_provider, mock, question, KEY};

async fn sonar(
    scenario: &str,
    model: &str,
) -> (util::Transcript, citewise::api::Result<Finish>, citewise_mock::MockServer) {
    let server = mock(scenario).await;
    let (t, end) = ask_provider(
        &server,
        Provider::Sonar,
        KEY,
        &question(model, "How high is Everest?"),
        &CancellationToken::new(),
    )
    .await;
    (t, end, server)
}

#[tokio::test]
async fn sonar_cited_answer_maps_citations_and_cost() {
    let (t, end, _server) = sonar("cited", "sonar").await;
    assert_eq!(end.unwrap(), Finish::Stop);
    let fx = fixture("cited").unwrap();
    assert_eq!(t.text(), fx.text);
    let sources = t.sources();
    assert_eq!(
        sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(),
        fx.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(sources[0].index, 1, "[n] refers to citations[n-1]");
    assert!(!sources[0].title.is_empty(), "titles come from search_results");
    let sent = t.events.iter().filter(|e| matches!(e, StreamEvent::Sources { .. })).count();
    assert_eq!(sent, 1, "repeated citations are sent once");
    let usage = t.usage().unwrap();
    assert_eq!(usage.cost.unwrap().total, fx.sonar_total_cost);
    assert_eq!(
        t.events.iter().filter(|e| matches!(e, StreamEvent::Usage(_))).count(),
        1,
        "cumulative usage reported once"
    );
}

#[tokio::test]
async fn sonar_request_is_normalized_and_carries_search_options() {
    let server = mock("cited").await;
    let mut req = question("sonar-pro", "Q2");
    req.messages = vec![
        Message::assistant("Welcome"),
        Message::user("Q1"),
        Message::user("Q1b"),
        Message::assistant("A1"),
        Message::user("Q2"),
    ];
    req.options.system_prompt = Some("Be brief.".into());
    req.options.search.domains = vec!["wikipedia.org".into()];
    req.options.search.recency = Some(citewise::api::Recency::Week);
    req.options.search.context_size = Some(citewise::api::ContextSize::Low);
    req.options.related_questions = true;
    let (_, end) = ask_provider(&server, Provider::Sonar, KEY, &req, &CancellationToken::new()).await;
    assert_eq!(end.unwrap(), Finish::Stop, "the mock rejects badly ordered messages with 400");
    let r = server.requests().into_iter().find(|r| r.path == "/chat/completions").unwrap();
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let roles: Vec<&str> = body["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(body["search_domain_filter"], serde_json::json!(["wikipedia.org"]));
    assert_eq!(body["search_recency_filter"], "week");
    assert_eq!(body["web_search_options"]["search_context_size"], "low");
    assert_eq!(body["return_related_questions"], true);
    assert!(body.get("stream_options").is_none(), "Perplexity sends usage unasked");
}

#[tokio::test]
async fn sonar_reasoning_splits_think_tags() {
    let (t, end, _server) = sonar("reasoning", "sonar-reasoning-pro").await;
    assert_eq!(end.unwrap(), Finish::Stop);
    let fx = fixture("reasoning").unwrap();
    assert_eq!(t.text(), fx.text);
    assert!(!t.text().contains("think>"));
    assert!(t.reasoning().contains(fx.reasoning.unwrap().trim()));
}

#[tokio::test]
async fn sonar_failures_map_like_the_agent_api() {
    for (scenario, kind) in
        [("auth401", "auth"), ("bad400", "bad_request"), ("drop", "interrupted"), ("failed", "server")]
    {
        let (t, end, _server) = sonar(scenario, "sonar").await;
        let err = end.expect_err(scenario);
        assert_eq!(err.kind(), kind, "{scenario}: {err}");
        if scenario == "drop" {
            assert!(!t.text().is_empty(), "partial text kept");
        }
    }
    let (_, end, _server) = sonar("incomplete", "sonar").await;
    assert_eq!(end.unwrap(), Finish::Length);
    let (t, end, _server) = sonar("malformed", "sonar").await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(t.text(), fixture("malformed").unwrap().text);
    let (t, end, _server) = sonar("rate429once", "sonar").await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert!(matches!(t.events[0], StreamEvent::Retrying(_)));
}

#[tokio::test]
async fn sonar_huge_answer_with_repeated_metadata_arrives_whole() {
    let (t, end, _server) = sonar("huge", "sonar").await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert_eq!(t.text(), fixture("huge").unwrap().text);
}

#[tokio::test]
async fn openai_compatible_endpoint_asks_for_usage_and_sends_no_perplexity_fields() {
    let server = mock("cited").await;
    let mut req = question("gpt-4o-mini", "Q");
    req.options.search.domains = vec!["wikipedia.org".into()];
    req.options.temperature = Some(0.2);
    let (t, end) = ask_provider(&server, Provider::OpenAi, KEY, &req, &CancellationToken::new()).await;
    assert_eq!(end.unwrap(), Finish::Stop);
    assert!(!t.text().is_empty());
    let usage = t.usage().expect("include_usage brings the token counts");
    assert!(usage.input_tokens > 0 && usage.cost.is_none(), "an OpenAI-compatible server reports no cost");
    let r = server.requests().into_iter().find(|r| r.path == "/chat/completions").unwrap();
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["stream_options"], serde_json::json!({"include_usage": true}));
    assert!((body["temperature"].as_f64().unwrap() - 0.2).abs() < 1e-6);
    for field in ["search_domain_filter", "return_images", "web_search_options", "disable_search"] {
        assert!(body.get(field).is_none(), "{field} is Perplexity-only");
    }
}

#[tokio::test]
async fn model_list_comes_from_v1_models_and_falls_back_offline() {
    let server = mock("cited").await;
    let client = Client::new().unwrap();
    let key = ApiKey::new(KEY).unwrap();
    let cache = citewise::api::models::ModelCache::default();
    let agent = Endpoint::new(Provider::Agent, &server.base_url());
    let list = cache.get(&client, &agent, Ok(&key)).await;
    assert_eq!(list.source, citewise::api::models::ListSource::Live);
    assert!(list.models.iter().any(|m| m == "perplexity/sonar"));
    assert_eq!(list.presets, ["fast", "low", "medium", "high", "xhigh"]);
    let again = cache.get(&client, &agent, Ok(&key)).await;
    assert_eq!(again.source, citewise::api::models::ListSource::Cached);
    assert_eq!(server.requests().iter().filter(|r| r.path == "/v1/models").count(), 1);

    let wrong = ApiKey::new("pplx-wrong").unwrap();
    let other = Endpoint::new(Provider::OpenAi, &server.base_url());
    let list = cache.get(&client, &other, Ok(&wrong)).await;
    assert_eq!(list.source, citewise::api::models::ListSource::Builtin);
    assert_eq!(list.error.unwrap().kind, "auth");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let offline = Endpoint::new(Provider::Agent, &format!("http://127.0.0.1:{port}"));
    let list = tokio::time::timeout(Duration::from_secs(15), cache.get(&client, &offline, Ok(&key))).await.unwrap();
    assert_eq!(list.source, citewise::api::models::ListSource::Builtin);
    assert_eq!(list.models, citewise::api::provider::AGENT_MODELS);
    assert_eq!(list.error.unwrap().kind, "network");
}

#[tokio::test]
async fn invalid_options_are_refused_before_anything_is_sent() {
    let server = mock("cited").await;
    let mut req = question("sonar", "Q");
    req.options.search.domains = (0..21).map(|i| format!("d{i}.com")).collect();
    let (_, end) = ask_provider(&server, Provider::Sonar, KEY, &req, &CancellationToken::new()).await;
    let err = end.unwrap_err();
    assert_eq!(err.kind(), "bad_request");
    assert!(err.to_string().contains("at most 20"));
    assert!(server.requests().is_empty());
}
