//! Recorded real traffic: every fixture under `tests/fixtures/real/` is a public recording of a
//! real Perplexity exchange, its provenance and what it must read as in `<stem>.source.json`
//! (CONTRIBUTING explains how to add one; `docs/perplexity-api.md` lists what they prove).
//!
//! Each is replayed byte-exact through the path a live answer takes — streams whole and cut at
//! random offsets (the same events either way), whole JSON answers, error bodies, the model
//! catalogue — and checked against the sidecar's `expect`: the text, every `[n]` leading to the
//! recorded URL, the recorded `total_cost` to the digit, the resolved model, how it ended.

use std::path::{Path, PathBuf};

use citewise::api::{models, replay, replay_json, Error, Finish, Provider, Source, StreamEvent, Usage};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real")
}

struct Recording {
    stem: String,
    side: Value,
    bytes: Vec<u8>,
}

impl Recording {
    fn str(&self, pointer: &str) -> &str {
        self.side.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
    }
    fn provider(&self) -> Provider {
        match self.str("/request/path") {
            "/chat/completions" => Provider::Sonar,
            _ => Provider::Agent,
        }
    }
    fn status(&self) -> u16 {
        self.side.pointer("/response/status").and_then(Value::as_u64).unwrap() as u16
    }
    fn expect(&self, key: &str) -> Option<&Value> {
        self.side.pointer(&format!("/expect/{key}"))
    }
    /// The body as the network delivered it: `json-lines` recordings were stored without the SSE
    /// envelope, which is put back exactly as their sidecar says (one `data:` frame per line).
    fn wire(&self) -> Vec<u8> {
        if self.str("/framing") != "json-lines" {
            return self.bytes.clone();
        }
        let text = std::str::from_utf8(&self.bytes).unwrap();
        text.lines().filter(|l| !l.is_empty()).flat_map(|l| format!("data: {l}\n\n").into_bytes()).collect()
    }
}

/// Every recording, its bytes checked against the digest taken when it was copied.
fn recordings() -> Vec<Recording> {
    let mut sides: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".source.json"))
        .collect();
    sides.sort();
    let all: Vec<Recording> = sides
        .into_iter()
        .map(|path| {
            let side: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let file = side["file"].as_str().unwrap();
            let bytes = std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(digest, side["sha256"].as_str().unwrap(), "{file} is not the recorded bytes any more");
            assert_eq!(bytes.len() as u64, side["bytes"].as_u64().unwrap(), "{file}");
            for key in ["repository", "path", "url", "recorded", "derivation"] {
                assert!(side["recording"][key].as_str().is_some_and(|v| !v.is_empty()), "{file}: recording.{key}");
            }
            let stem = file.rsplit_once('.').unwrap().0.to_owned();
            Recording { stem, side, bytes }
        })
        .collect();
    assert!(all.len() >= 18, "recordings missing: {}", all.len());
    all
}

/// What one replay produced, in a comparable form.
#[derive(Debug, PartialEq)]
struct Outcome {
    events: String,
    end: String,
}

async fn play(provider: Provider, chunks: Vec<Vec<u8>>) -> (Vec<StreamEvent>, Result<Finish, Error>) {
    let body = futures_util::stream::iter(chunks.into_iter().map(|c| Ok(bytes::Bytes::from(c))));
    let mut events = Vec::new();
    let end = replay(provider, body, &mut |e| events.push(e)).await;
    (events, end)
}

fn comparable(events: &[StreamEvent], end: &Result<Finish, Error>) -> Outcome {
    Outcome {
        events: serde_json::to_string(events).unwrap(),
        end: match end {
            Ok(f) => format!("{f:?}"),
            Err(e) => format!("{}: {e}", e.kind()),
        },
    }
}

/// A small deterministic generator, so a failing split can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// `bytes` cut at random offsets: mostly reads of up to 2 KB, now and then tiny ones (inside a
/// UTF-8 character, between `\r` and `\n`) and empty ones.
fn split(bytes: &[u8], seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = match rng.below(10) {
            0 => 0,
            1..=3 => 1 + rng.below(4),
            _ => 1 + rng.below(2048),
        };
        let end = (at + len).min(bytes.len());
        chunks.push(bytes[at..end].to_vec());
        at = end;
    }
    chunks
}

fn text(events: &[StreamEvent]) -> String {
    events.iter().filter_map(|e| if let StreamEvent::Delta { text } = e { Some(text.as_str()) } else { None }).collect()
}

fn reasoning(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| if let StreamEvent::Reasoning { text } = e { Some(text.as_str()) } else { None })
        .collect()
}

/// The last list of sources: what the answer's `[n]` markers lead to.
fn sources(events: &[StreamEvent]) -> Vec<Source> {
    events
        .iter()
        .rev()
        .find_map(|e| if let StreamEvent::Sources { sources } = e { Some(sources.clone()) } else { None })
        .unwrap_or_default()
}

fn usage(events: &[StreamEvent]) -> Usage {
    events
        .iter()
        .rev()
        .find_map(|e| if let StreamEvent::Usage(u) = e { Some(Usage::clone(u)) } else { None })
        .expect("a recorded answer reports its usage")
}

/// The sidecar's `expect` against what the answer read as.
fn check_answer(r: &Recording, events: &[StreamEvent], end: &Result<Finish, Error>) {
    let name = &r.stem;
    let finish = end.as_ref().unwrap_or_else(|e| panic!("{name}: ended with {} ({e})", e.kind()));
    assert_eq!(format!("{finish:?}").to_lowercase(), r.expect("finish").unwrap().as_str().unwrap(), "{name}");
    let answer = text(events);
    assert!(!answer.contains("<think>") && !answer.contains("</think>"), "{name}: reasoning leaked into the answer");
    if let Some(whole) = r.expect("text").and_then(Value::as_str) {
        assert_eq!(answer, whole, "{name}");
    }
    if let Some(start) = r.expect("text_starts").and_then(Value::as_str) {
        assert!(answer.starts_with(start), "{name}: {answer:?}");
    }
    if let Some(start) = r.expect("reasoning_starts").and_then(Value::as_str) {
        assert!(reasoning(events).trim_start().starts_with(start), "{name}: {:?}", &reasoning(events)[..80]);
    }
    let listed = sources(events);
    if let Some(citations) = r.expect("citations").and_then(Value::as_object) {
        for (n, url) in citations {
            assert!(answer.contains(&format!("[{n}]")), "{name}: the answer cites [{n}]");
            let source = listed.iter().find(|s| s.index.to_string() == *n);
            assert_eq!(source.map(|s| s.url.as_str()), url.as_str(), "{name}: [{n}]");
        }
    }
    // Every marker in the text leads somewhere.
    for n in markers(&answer) {
        assert!(listed.iter().any(|s| s.index == n), "{name}: [{n}] has no source");
    }
    let u = usage(events);
    let cost = u.cost.as_ref().expect("the API's own cost");
    assert!(!cost.computed, "{name}");
    assert_eq!(cost.total, r.expect("total_cost").unwrap().as_f64().unwrap(), "{name}: total_cost to the digit");
    assert_eq!(u.model.as_deref(), r.expect("model").and_then(Value::as_str), "{name}: the model that answered");
}

/// The `n` of every `[n]` in `text`.
fn markers(text: &str) -> Vec<u32> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find(']') {
            if let Ok(n) = rest[..close].parse::<u32>() {
                found.push(n);
            }
        }
    }
    found
}

#[tokio::test]
async fn every_recorded_stream_reads_as_recorded_whole_and_cut_anywhere() {
    let streams: Vec<Recording> = recordings()
        .into_iter()
        .filter(|r| r.status() == 200 && matches!(r.str("/framing"), "sse" | "json-lines"))
        .collect();
    assert!(streams.len() >= 6, "{}", streams.len());
    for r in &streams {
        let wire = r.wire();
        let (events, end) = play(r.provider(), vec![wire.clone()]).await;
        check_answer(r, &events, &end);
        let whole = comparable(&events, &end);
        for seed in 1..=6 {
            let (events, end) = play(r.provider(), split(&wire, seed)).await;
            assert_eq!(comparable(&events, &end), whole, "{} split with seed {seed}", r.stem);
        }
    }
}

#[test]
fn every_recorded_whole_answer_reads_as_recorded() {
    let answers: Vec<Recording> = recordings()
        .into_iter()
        .filter(|r| r.status() == 200 && r.str("/framing") == "json" && r.str("/request/path") != "/v1/models")
        .collect();
    assert!(answers.len() >= 3);
    for r in &answers {
        let mut events = Vec::new();
        let end = replay_json(r.provider(), std::str::from_utf8(&r.bytes).unwrap(), &mut |e| events.push(e));
        check_answer(r, &events, &end);
        assert!(!sources(&events).is_empty(), "{}: the search results item is the sources", r.stem);
    }
}

#[test]
fn every_recorded_error_names_its_real_cause() {
    let errors: Vec<Recording> = recordings().into_iter().filter(|r| r.status() >= 400).collect();
    assert!(errors.len() >= 7);
    for r in &errors {
        let body = std::str::from_utf8(&r.bytes).unwrap();
        let err = Error::from_status(r.status(), None, body);
        let api_message = serde_json::from_str::<Value>(body).unwrap()["error"]["message"].as_str().unwrap().to_owned();
        let expected = r.expect("kind").and_then(Value::as_str).unwrap();
        assert_eq!(err.kind(), expected, "{}: {err}", r.stem);
        let said = err.to_string();
        match expected {
            "auth" => assert!(said.contains("API key"), "{said}"),
            "retired" => {
                assert!(said.contains("retired the Sonar API on 27 September 2026"), "{said}");
                assert!(!said.contains("key"), "the retirement is not a key problem: {said}");
            }
            // Otherwise the API's own words reach the person.
            _ => {
                assert!(said.contains(&api_message), "{}: {said}", r.stem);
                assert!(!said.contains("API key"), "{said}");
            }
        }
    }
}

#[test]
fn the_recorded_catalogues_price_every_model() {
    for r in recordings().into_iter().filter(|r| r.str("/request/path") == "/v1/models" && r.status() == 200) {
        let list = models::parse_catalogue(std::str::from_utf8(&r.bytes).unwrap()).unwrap();
        assert_eq!(list.len() as u64, r.expect("models").unwrap().as_u64().unwrap(), "{}", r.stem);
        for m in &list {
            let p = m.pricing.unwrap_or_else(|| panic!("{}: {} has no price", r.stem, m.id));
            assert!(p.input > 0.0 && p.output > 0.0 && p.cache_read.is_some(), "{}", m.id);
            assert_eq!(m.id.split_once('/').unwrap().0, m.vendor, "{}", m.id);
        }
        let haiku = list.iter().find(|m| m.id == "anthropic/claude-haiku-4-5").expect("claude-haiku-4-5 is listed");
        assert_eq!((haiku.pricing.unwrap().input, haiku.pricing.unwrap().output), (1.0, 5.0));
    }
}

/// The details the stream of `agent_fast_stream` carries beyond the text: the cache, the tool
/// fee, the searches, and that the server's own `search_web` call is not ours to run.
#[tokio::test]
async fn the_recorded_agent_stream_carries_cache_and_search_details() {
    let r = recordings().into_iter().find(|r| r.stem == "agent_fast_stream").unwrap();
    let (events, _) = play(Provider::Agent, vec![r.wire()]).await;
    let u = usage(&events);
    assert_eq!(
        (u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_creation_tokens),
        (2754, 13, Some(2751), Some(0))
    );
    assert_eq!(u.searches, Some(1));
    let cost = u.cost.unwrap();
    assert_eq!(
        (cost.cache_read_cost, cost.cache_creation_cost, cost.request_cost),
        (Some(0.00011), None, Some(0.0025))
    );
    let searched: Vec<&StreamEvent> = events.iter().filter(|e| matches!(e, StreamEvent::Searching { .. })).collect();
    assert_eq!(searched.len(), 1);
    assert_eq!(sources(&events).len(), 10);
    assert_eq!(reasoning(&events), "", "\"Searching the web...\" is progress, not reasoning");
}
