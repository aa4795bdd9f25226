//! Transcripts of both Perplexity wire formats (DESIGN §3), one fixture per quirk, replayed
//! through exactly the path a live answer takes (`citewise::api::replay`: SSE parsing, mapping,
//! end-of-stream handling). Each test asserts every event and how the answer ended.
//!
//! Fixtures are raw response bodies under `tests/fixtures/{agent,sonar,openai}/`, written by hand
//! in the shapes the real servers send: realistic ids, `null`s, unknown fields and event types.

use citewise::api::{replay, Finish, Provider, Result, StreamEvent};
use serde_json::{json, Value};

/// One test per fixture that must read exactly as its format's cited answer (`check`): the same
/// events and a normal end, whatever the framing quirk the fixture carries.
macro_rules! reads_as_cited {
    ($check:ident; $($test:ident => $fixture:literal,)+) => {
        $(
            #[tokio::test]
            async fn $test() {
                $check($fixture).await;
            }
        )+
    };
}

/// The bytes of `tests/fixtures/<name>`.
fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// What one replayed response produced.
struct Replayed {
    events: Vec<StreamEvent>,
    end: Result<Finish>,
}

impl Replayed {
    fn events(&self) -> Value {
        serde_json::to_value(&self.events).unwrap()
    }

    fn finish(&self) -> Finish {
        match &self.end {
            Ok(finish) => *finish,
            Err(e) => panic!("expected a normal end, got {} ({e})", e.kind()),
        }
    }

    /// The error's kind and its human message.
    fn error(&self) -> (&'static str, String) {
        match &self.end {
            Ok(finish) => panic!("expected an error, got {finish:?}"),
            Err(e) => (e.kind().as_str(), e.to_string()),
        }
    }

    /// The answer ended in an error of `kind` whose message says `says`.
    fn assert_error(&self, kind: &str, says: &str) {
        let (got, message) = self.error();
        assert_eq!(got, kind, "{message}");
        assert!(message.contains(says), "{message}");
    }
}

/// Feeds a fixture as one chunk, the way a single network read would deliver it.
async fn play(provider: Provider, name: &str) -> Replayed {
    let body = futures_util::stream::iter([Ok(bytes::Bytes::from(fixture(name)))]);
    let mut events = Vec::new();
    let end = replay(provider, body, &mut |e| events.push(e)).await;
    Replayed { events, end }
}

fn delta(text: &str) -> Value {
    json!({"event": "delta", "data": {"text": text}})
}

fn reasoning(text: &str) -> Value {
    json!({"event": "reasoning", "data": {"text": text}})
}

fn searching(queries: &[&str]) -> Value {
    json!({"event": "searching", "data": {"queries": queries}})
}

fn sources(list: Value) -> Value {
    json!({"event": "sources", "data": {"sources": list}})
}

fn usage(u: Value) -> Value {
    json!({"event": "usage", "data": u})
}

fn source(index: u32, url: &str, title: &str, snippet: &str, date: Option<&str>, domain: &str) -> Value {
    json!({"index": index, "url": url, "title": title, "snippet": snippet, "date": date, "domain": domain})
}

const WIKI: &str = "https://en.wikipedia.org/wiki/Mount_Everest";
const BRITANNICA: &str = "https://www.britannica.com/place/Mount-Everest";
const NATGEO: &str = "https://www.nationalgeographic.com/science/article/mount-everest-height-measurement";

/// The three sources both Everest transcripts cite; `date` falls back to `last_updated`.
fn everest_sources() -> Value {
    json!([
        source(
            1,
            WIKI,
            "Mount Everest - Wikipedia",
            "Mount Everest is Earth's highest mountain above sea level, at 8,849 m (29,032 ft).",
            Some("2026-01-14"),
            "en.wikipedia.org"
        ),
        source(
            2,
            BRITANNICA,
            "Mount Everest | Height, Location, Map, Facts | Britannica",
            "In December 2020 China and Nepal jointly announced a height of 8,848.86 metres.",
            Some("2025-12-19"),
            "britannica.com"
        ),
        source(
            3,
            NATGEO,
            "Mount Everest is two feet taller, China and Nepal announce",
            "The new official height is 8,848.86 m — about 86 cm higher than the 1955 survey.",
            Some("2020-12-08"),
            "nationalgeographic.com"
        ),
    ])
}

// ---------------------------------------------------------------------------------------------
// Agent API (`/v1/agent`)
// ---------------------------------------------------------------------------------------------

/// `agent/cited_answer.sse` and its re-framings: the same payloads must give the same events.
fn agent_cited_events() -> Value {
    json!([
        reasoning("I should check the latest survey of Everest's height.\n"),
        searching(&["Mount Everest height", "Everest 8849 m survey 2020"]),
        // Interim results and then the authoritative `search_results` output item: identical,
        // so the UI gets them once.
        sources(everest_sources()),
        delta("Mount Everest is "),
        delta("**8,849 m** (29,032 ft) "),
        delta("high [1][2]."),
        delta("\n\nThe figure comes from the joint China–Nepal "),
        delta("survey announced in December 2020 [3] 🏔."),
        // `output_text.done` repeats what the deltas said: nothing more. The completed response's
        // output list is ignored once sources were sent.
        // The completed response names the model that answered; `cached_tokens: 0` is a cache read of 0.
        usage(json!({"inputTokens": 18, "outputTokens": 46, "totalTokens": 64, "reasoningTokens": 0, "searches": 2,
            "cacheReadTokens": 0, "model": "perplexity/sonar",
            "cost": {"total": 0.0051195, "currency": "USD", "inputCost": 0.0000045, "outputCost": 0.000115,
                     "requestCost": 0.005, "computed": false}})),
    ])
}

async fn assert_agent_cited(name: &str) {
    let r = play(Provider::Agent, name).await;
    assert_eq!(r.events(), agent_cited_events(), "{name}");
    assert_eq!(r.finish(), Finish::Stop, "{name}");
}

reads_as_cited! {
    assert_agent_cited;
    agent_cited_answer_without_event_lines_or_done_sentinel => "agent/cited_answer.sse",
    agent_event_lines_are_optional => "agent/event_lines.sse",
    agent_comments_keepalives_ids_and_retry_lines_are_ignored => "agent/keepalives.sse",
    agent_crlf_line_endings => "agent/crlf.sse",
    agent_mixed_lf_crlf_and_cr_line_endings => "agent/mixed_eol.sse",
    agent_multi_line_data_is_joined => "agent/multiline_data.sse",
    agent_byte_order_mark_at_the_start => "agent/bom.sse",
}

#[tokio::test]
async fn agent_unknown_event_types_and_fields_are_ignored() {
    let r = play(Provider::Agent, "agent/unknown_fields.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("Everest: 8,849 m."),
            usage(
                json!({"model": "perplexity/sonar", "inputTokens": 11, "outputTokens": 9, "totalTokens": 20, "reasoningTokens": null, "searches": 1,
                "cost": {"total": 0.00502525, "currency": "USD", "inputCost": 0.00000275, "outputCost": 0.0000225,
                         "requestCost": 0.005, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn agent_null_fields_are_as_good_as_absent() {
    let r = play(Provider::Agent, "agent/nulls.sse").await;
    assert_eq!(
        r.events(),
        json!([
            searching(&["everest height"]),
            sources(json!([source(1, WIKI, "", "", None, "en.wikipedia.org")])),
            delta("8,849 m [1]."),
            // `total_tokens: null` falls back to the sum; `cost: null` means no reported cost.
            usage(
                json!({"model": "perplexity/sonar", "inputTokens": 6, "outputTokens": 5, "totalTokens": 11, "reasoningTokens": null,
                         "searches": null, "cost": null})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn agent_incomplete_response_is_length() {
    let r = play(Provider::Agent, "agent/incomplete.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("The first ascent of Everest was made on 29 May 1953 by Edmund Hillary"),
            delta(" and Tenzing Norgay, who"),
            usage(
                json!({"model": "perplexity/sonar", "inputTokens": 12, "outputTokens": 24, "totalTokens": 36, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.000063, "currency": "USD", "inputCost": 0.000003,
                "outputCost": 0.00006, "requestCost": 0.0, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Length);
}

#[tokio::test]
async fn agent_response_failed_with_http_200_is_an_error() {
    let r = play(Provider::Agent, "agent/failed.sse").await;
    assert_eq!(r.events(), json!([]));
    r.assert_error("server", "The model failed to generate a response.");
}

#[tokio::test]
async fn agent_any_event_with_failed_status_ends_the_answer() {
    let r = play(Provider::Agent, "agent/failed_status.sse").await;
    assert_eq!(r.events(), json!([delta("Mount Everest is")]), "nothing after the failure is read");
    assert_eq!(r.error().0, "auth", "insufficient_quota is an account problem");
}

#[tokio::test]
async fn agent_error_event_keeps_the_partial_answer() {
    let r = play(Provider::Agent, "agent/error_event.sse").await;
    assert_eq!(r.events(), json!([delta("Mount Everest is 8,849")]));
    r.assert_error("server", "An error occurred while processing your request.");
}

#[tokio::test]
async fn agent_error_body_without_a_type_is_an_error_not_an_interruption() {
    let r = play(Provider::Agent, "agent/error_without_type.sse").await;
    assert_eq!(r.events(), json!([delta("Mount Everest")]));
    r.assert_error("server", "The model is overloaded. Please try again.");
}

#[tokio::test]
async fn agent_cancelled_by_the_server_is_an_error() {
    let r = play(Provider::Agent, "agent/cancelled.sse").await;
    assert_eq!(r.events(), json!([delta("Mount")]));
    r.assert_error("server", "cancelled");
}

#[tokio::test]
async fn agent_sources_only_in_the_completed_response() {
    let r = play(Provider::Agent, "agent/sources_in_completed.sse").await;
    assert_eq!(
        r.events(),
        json!([
            // `thought: ""` adds no reasoning.
            searching(&["everest height"]),
            delta("Everest is 8,849 m [1][2]."),
            sources(json!([
                source(
                    1,
                    WIKI,
                    "Mount Everest - Wikipedia",
                    "Mount Everest is Earth's highest mountain above sea level.",
                    Some("2026-01-14"),
                    "en.wikipedia.org"
                ),
                source(
                    2,
                    "https://www.nepal.gov.np/everest",
                    "Sagarmatha (Mount Everest)",
                    "Height 8,848.86 m.",
                    Some("2025-11-30"),
                    "nepal.gov.np"
                ),
            ])),
            usage(
                json!({"model": "perplexity/sonar", "inputTokens": 11, "outputTokens": 9, "totalTokens": 20, "reasoningTokens": null, "searches": 1,
                "cost": {"total": 0.00502525, "currency": "USD", "inputCost": 0.00000275, "outputCost": 0.0000225,
                         "requestCost": 0.005, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn agent_output_text_done_without_deltas_is_the_answer() {
    let r = play(Provider::Agent, "agent/done_text_only.sse").await;
    let events = r.events();
    assert_eq!(events[0], delta("Mount Everest is 8,849 m high."));
    assert_eq!(events.as_array().unwrap().len(), 2, "{events}");
    assert_eq!(events[1]["event"], "usage");
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn agent_source_ids_out_of_order_and_with_gaps_are_kept() {
    let r = play(Provider::Agent, "agent/ids_out_of_order.sse").await;
    let events = r.events();
    assert_eq!(
        events[0],
        sources(json!([
            source(
                4,
                NATGEO,
                "Everest is two feet taller",
                "8,848.86 m.",
                Some("2020-12-08"),
                "nationalgeographic.com"
            ),
            source(
                1,
                WIKI,
                "Mount Everest - Wikipedia",
                "Earth's highest mountain.",
                Some("2026-01-14"),
                "en.wikipedia.org"
            ),
            source(
                9,
                "https://www.bbc.com/news/world-asia-55218124",
                "Mount Everest: China and Nepal agree on new height",
                "The new height is 86cm higher.",
                Some("2020-12-08"),
                "bbc.com"
            ),
        ]))
    );
    assert_eq!(events[1], delta("It is 8,848.86 m [4][9], Earth's highest peak [1]."));
    assert_eq!(events[2]["event"], "usage");
    assert_eq!(events.as_array().unwrap().len(), 3);
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn agent_eof_mid_answer_is_interrupted_with_the_partial_text_delivered() {
    let r = play(Provider::Agent, "agent/truncated.sse").await;
    assert_eq!(r.events(), json!([delta("Mount Everest is "), delta("8,849 m high, as")]));
    assert_eq!(r.error().0, "interrupted");
}

#[tokio::test]
async fn agent_garbage_and_truncated_frames_are_skipped() {
    let r = play(Provider::Agent, "agent/garbage_frame.sse").await;
    let events = r.events();
    assert_eq!(
        events.as_array().unwrap()[..3],
        [
            delta("Mount Everest "),
            // A Latin-1 byte inside a string is repaired, not fatal.
            delta("is 8,849 m high, caf\u{FFFD} "),
            delta("time."),
        ]
    );
    assert_eq!(events[3]["event"], "usage");
    assert_eq!(events.as_array().unwrap().len(), 4);
    assert_eq!(r.finish(), Finish::Stop);
}

// ---------------------------------------------------------------------------------------------
// Sonar chat completions (`/chat/completions`)
// ---------------------------------------------------------------------------------------------

/// `sonar/cited_answer.sse` and its re-framings: citations and search results empty on the first
/// chunks, then repeated on every chunk; usage cumulative on every chunk.
fn sonar_cited_events() -> Value {
    json!([
        delta("Mount Everest is 8,849 m"),
        delta(" (29,032 ft) high [1][2]."),
        sources(everest_sources()),
        delta(" It was re-measured by China and Nepal in 2020 [3] – 🏔."),
        usage(
            json!({"model": "sonar-pro", "inputTokens": 14, "outputTokens": 52, "totalTokens": 66, "reasoningTokens": null, "searches": null,
            "cost": {"total": 0.006822, "currency": "USD", "inputCost": 0.000042, "outputCost": 0.00078,
                     "requestCost": 0.006, "computed": false}})
        ),
    ])
}

async fn assert_sonar_cited(name: &str) {
    let r = play(Provider::Sonar, name).await;
    assert_eq!(r.events(), sonar_cited_events(), "{name}");
    assert_eq!(r.finish(), Finish::Stop, "{name}");
}

#[tokio::test]
async fn sonar_repeated_sources_and_cumulative_usage_are_reported_once() {
    let r = play(Provider::Sonar, "sonar/cited_answer.sse").await;
    let count = |kind: &str| r.events().as_array().unwrap().iter().filter(|e| e["event"] == kind).count();
    assert_eq!((count("sources"), count("usage")), (1, 1));
    assert_eq!(r.events().as_array().unwrap().last().unwrap()["event"], "usage", "usage comes at the end");
    assert_sonar_cited("sonar/cited_answer.sse").await;
}

reads_as_cited! {
    assert_sonar_cited;
    sonar_without_done_sentinel_ends_on_eof_after_finish_reason => "sonar/no_done.sse",
    sonar_event_lines_and_ids_are_optional => "sonar/event_lines.sse",
    sonar_comments_and_keepalives_are_ignored => "sonar/keepalives.sse",
    sonar_crlf_line_endings => "sonar/crlf.sse",
    sonar_mixed_lf_crlf_and_cr_line_endings => "sonar/mixed_eol.sse",
    sonar_multi_line_data_is_joined => "sonar/multiline_data.sse",
    sonar_byte_order_mark_at_the_start => "sonar/bom.sse",
}

#[tokio::test]
async fn sonar_sources_are_sent_again_only_when_they_change() {
    let r = play(Provider::Sonar, "sonar/sources_change.sse").await;
    let all = everest_sources();
    let first_two = json!([all[0], all[1]]);
    assert_eq!(
        r.events(),
        json!([
            delta("Everest is 8,849 m tall [1]"),
            sources(first_two),
            delta(", per the 2020 survey [2]."),
            delta(" National Geographic reported it too [3]."),
            sources(all),
            usage(
                json!({"model": "sonar-pro", "inputTokens": 14, "outputTokens": 24, "totalTokens": 38, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.006402, "currency": "USD", "inputCost": 0.000042,
                "outputCost": 0.00036, "requestCost": 0.006, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_completion_done_object_ends_the_answer_without_repeating_it() {
    let r = play(Provider::Sonar, "sonar/completion_done.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("Mount Everest is 8,849 m"),
            sources(everest_sources()),
            delta(" high [1]."),
            usage(
                json!({"model": "sonar-pro", "inputTokens": 14, "outputTokens": 9, "totalTokens": 23, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.006177, "currency": "USD", "inputCost": 0.000042,
                "outputCost": 0.000135, "requestCost": 0.006, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_finish_reason_length() {
    let r = play(Provider::Sonar, "sonar/length.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("The history of Everest surveys begins with the Great Trigonometrical"),
            sources(everest_sources()),
            delta(" Survey of India in 1852, which"),
            usage(
                json!({"model": "sonar-pro", "inputTokens": 14, "outputTokens": 16, "totalTokens": 30, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.006282, "currency": "USD", "inputCost": 0.000042,
                "outputCost": 0.00024, "requestCost": 0.006, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Length);
}

#[tokio::test]
async fn sonar_length_while_thinking_does_not_repeat_the_reasoning_from_the_done_message() {
    let r = play(Provider::Sonar, "sonar/length_while_thinking.sse").await;
    assert_eq!(
        r.events(),
        json!([
            reasoning("\nThe user wants"),
            reasoning(" the height of Everest. I should"),
            usage(
                json!({"model": "sonar-reasoning-pro", "inputTokens": 14, "outputTokens": 11, "totalTokens": 25, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.006207, "currency": "USD", "inputCost": 0.000042,
                "outputCost": 0.000165, "requestCost": 0.006, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Length);
}

#[tokio::test]
async fn sonar_error_chunk_with_http_200_is_an_error() {
    let r = play(Provider::Sonar, "sonar/error_chunk.sse").await;
    assert_eq!(r.events(), json!([delta("Mount Everest is"), sources(everest_sources())]));
    r.assert_error("server", "The model failed to generate a response.");
}

/// What `sonar/eof_no_finish.sse` and `sonar/truncated.sse` deliver: text, sources, and the
/// last usage seen.
fn sonar_cut_events() -> Value {
    json!([
        delta("Mount Everest is 8,849 m"),
        delta(" (29,032 ft) high [1][2]."),
        sources(everest_sources()),
        delta(" It was re-measured by China and Nepal in 2020 [3] – 🏔."),
        usage(
            json!({"model": "sonar-pro", "inputTokens": 14, "outputTokens": 30, "totalTokens": 44, "reasoningTokens": null,
            "searches": null, "cost": {"total": 0.006492, "currency": "USD", "inputCost": 0.000042,
            "outputCost": 0.00045, "requestCost": 0.006, "computed": false}})
        ),
    ])
}

#[tokio::test]
async fn sonar_eof_without_finish_reason_but_with_text_is_stop() {
    let r = play(Provider::Sonar, "sonar/eof_no_finish.sse").await;
    assert_eq!(r.events(), sonar_cut_events());
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_eof_in_the_middle_of_a_frame_drops_only_that_frame() {
    let r = play(Provider::Sonar, "sonar/truncated.sse").await;
    assert_eq!(r.events(), sonar_cut_events());
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_images_and_related_questions_are_sent_once() {
    let r = play(Provider::Sonar, "sonar/images_related.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("Mount Everest is 8,849 m high [1]."),
            sources(everest_sources()),
            {"event": "images", "data": {"images": [
                {"url": "https://upload.wikimedia.org/wikipedia/commons/e/e7/Everest_North_Face_toward_Base_Camp_Tibet_Luca_Galuzzi_2006.jpg",
                 "originUrl": WIKI, "width": 3456, "height": 2304},
                {"url": "https://cdn.britannica.com/17/83817-050-67C814CD/Mount-Everest.jpg",
                 "originUrl": BRITANNICA, "width": 1600, "height": 1200},
            ]}},
            delta(" It keeps rising by about 4 mm a year [2]."),
            {"event": "related", "data": {"questions": [
                "How was the height of Mount Everest measured in 2020?",
                "What is the tallest mountain measured from base to peak?",
                "How fast is Mount Everest growing?",
            ]}},
            usage(json!({"model": "sonar-pro", "inputTokens": 14, "outputTokens": 21, "totalTokens": 35, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.006357, "currency": "USD", "inputCost": 0.000042,
                "outputCost": 0.000315, "requestCost": 0.006, "computed": false}})),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_null_fields_are_as_good_as_absent() {
    let r = play(Provider::Sonar, "sonar/nulls.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("8,849 m [1]."),
            sources(json!([source(1, WIKI, "Mount Everest", "", None, "en.wikipedia.org")])),
            usage(
                json!({"model": "sonar", "inputTokens": 9, "outputTokens": 7, "totalTokens": 16, "reasoningTokens": null,
                         "searches": null, "cost": null})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_unknown_fields_objects_and_event_names_are_ignored() {
    let r = play(Provider::Sonar, "sonar/unknown_fields.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("Everest: 8,849 m [1]."),
            sources(everest_sources()),
            usage(
                json!({"model": "sonar-pro", "inputTokens": 14, "outputTokens": 7, "totalTokens": 21, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.006147, "currency": "USD", "inputCost": 0.000042,
                "outputCost": 0.000105, "requestCost": 0.006, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_garbage_and_truncated_frames_are_skipped() {
    let r = play(Provider::Sonar, "sonar/garbage_frame.sse").await;
    let mut want = sonar_cited_events();
    // The Latin-1 chunk arrives, repaired, between the second and third deltas.
    want.as_array_mut().unwrap().insert(3, delta(" Caf\u{FFFD} break."));
    assert_eq!(r.events(), want);
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_think_tags_split_across_chunks() {
    let r = play(Provider::Sonar, "sonar/think_split.sse").await;
    assert_eq!(
        r.events(),
        json!([
            reasoning("\nThe user asks"),
            sources(everest_sources()),
            reasoning(" about Everest.\n"),
            delta("Everest is 8,849 m [1]."),
            delta(" It was measured in 2020 [2]."),
            usage(
                json!({"model": "sonar-reasoning-pro", "inputTokens": 14, "outputTokens": 26, "totalTokens": 40, "reasoningTokens": null,
                "searches": null, "cost": {"total": 0.006432, "currency": "USD", "inputCost": 0.000042,
                "outputCost": 0.00039, "requestCost": 0.006, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_deep_research_usage_maps_reasoning_searches_and_total_cost() {
    let r = play(Provider::Sonar, "sonar/deep_research_usage.sse").await;
    assert_eq!(
        r.events(),
        json!([
            reasoning("\nI need recent survey data.\n"),
            delta("## Everest's height\n\n8,849 m [1]."),
            sources(everest_sources()),
            // Citation and reasoning token costs are inside the total; the search fee is the
            // per-request part.
            usage(
                json!({"model": "sonar-deep-research", "inputTokens": 1188, "outputTokens": 4240, "totalTokens": 5428, "reasoningTokens": 92431,
                "searches": 54, "cost": {"total": 0.59962, "currency": "USD", "inputCost": 0.00238,
                "outputCost": 0.03392, "requestCost": 0.27, "computed": false}})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}

#[tokio::test]
async fn sonar_legacy_cumulative_message_is_not_repeated() {
    let r = play(Provider::Sonar, "sonar/legacy_message_and_delta.sse").await;
    let events = r.events();
    assert_eq!(
        events.as_array().unwrap()[..4],
        [delta("Mount Everest"), sources(everest_sources()), delta(" is 8,849 m"), delta(" high [1].")]
    );
    assert_eq!(events[4]["event"], "usage");
    assert_eq!(events.as_array().unwrap().len(), 5);
    assert_eq!(r.finish(), Finish::Stop);
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible endpoints
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn openai_usage_arrives_after_the_finish_reason_in_a_chunk_without_choices() {
    let r = play(Provider::OpenAi, "openai/usage_after_finish.sse").await;
    assert_eq!(
        r.events(),
        json!([
            delta("Everest is "),
            delta("8,849 m."),
            usage(
                json!({"model": "gpt-4o-mini-2024-07-18", "cacheReadTokens": 0, "inputTokens": 12, "outputTokens": 6, "totalTokens": 18, "reasoningTokens": 0,
                         "searches": null, "cost": null})
            ),
        ])
    );
    assert_eq!(r.finish(), Finish::Stop);
}
