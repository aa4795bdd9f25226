//! Properties of the streaming path (`citewise::api::replay`, the code a live answer takes):
//!
//! - how the network cuts a body into reads never changes what comes out: every transcript fixture
//!   fed in arbitrary pieces (cuts inside UTF-8 characters, inside `\r\n`, empty reads) gives
//!   exactly the events and result of feeding it whole;
//! - no input, however broken, makes the client panic or hang, for any of the three providers.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::OnceLock;
use std::time::Duration;

use citewise::api::{replay, Provider, StreamEvent};
use proptest::prelude::*;
use proptest::sample::Index;

const PROVIDERS: [Provider; 3] = [Provider::Agent, Provider::Sonar, Provider::OpenAi];

/// Generous: replaying a few kilobytes from memory takes milliseconds. Only a hang reaches it.
const HANG: Duration = Duration::from_secs(60);

struct Fixture {
    name: String,
    provider: Provider,
    bytes: Vec<u8>,
    /// Offsets that cut a multi-byte character or a `\r\n` pair: the cuts clients get wrong.
    nasty: Vec<usize>,
    /// What feeding the body as one chunk produces.
    whole: String,
}

/// Every fixture under `tests/fixtures/{agent,sonar,openai}/`, with its one-chunk outcome.
fn fixtures() -> &'static [Fixture] {
    static ALL: OnceLock<Vec<Fixture>> = OnceLock::new();
    ALL.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut all = Vec::new();
        for (dir, provider) in [("agent", Provider::Agent), ("sonar", Provider::Sonar), ("openai", Provider::OpenAi)] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("fixtures/{dir}: {e}"))
                .map(|entry| entry.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "sse"))
                .collect();
            paths.sort();
            for path in paths {
                let bytes = std::fs::read(&path).unwrap();
                let nasty = (1..bytes.len())
                    .filter(|&i| (0x80..0xC0).contains(&bytes[i]) || (bytes[i - 1] == b'\r' && bytes[i] == b'\n'))
                    .collect();
                let whole = outcome(provider, vec![bytes.clone()]);
                let name = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
                all.push(Fixture { name, provider, bytes, nasty, whole });
            }
        }
        assert!(all.len() >= 30, "fixtures missing: found {}", all.len());
        all
    })
}

/// Replays `chunks` as successive network reads; the events and the result, in a comparable form.
fn outcome(provider: Provider, chunks: Vec<Vec<u8>>) -> String {
    let (events, end) = run(provider, chunks);
    format!("{events:#?}\n=> {end}")
}

fn run(provider: Provider, chunks: Vec<Vec<u8>>) -> (Vec<StreamEvent>, String) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let body = futures_util::stream::iter(chunks.into_iter().map(|c| Ok(bytes::Bytes::from(c))));
    let mut events = Vec::new();
    let end = runtime.block_on(replay(provider, body, &mut |e| events.push(e)));
    let end = match end {
        Ok(finish) => format!("{finish:?}"),
        Err(e) => format!("{}: {e}", e.kind()),
    };
    (events, end)
}

/// Like [`run`], on its own thread, so that a panic or a hang fails the test with a clear message.
fn run_guarded(provider: Provider, chunks: Vec<Vec<u8>>) -> Vec<StreamEvent> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run(provider, chunks).0);
    });
    match rx.recv_timeout(HANG) {
        Ok(events) => events,
        Err(RecvTimeoutError::Disconnected) => panic!("{provider:?}: replay panicked (see the message above)"),
        Err(RecvTimeoutError::Timeout) => panic!("{provider:?}: replay did not return"),
    }
}

/// Cuts `bytes` at the given offsets (unsorted, repeats allowed: a repeat is an empty read).
fn split_at(bytes: &[u8], mut cuts: Vec<usize>) -> Vec<Vec<u8>> {
    cuts.sort_unstable();
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        chunks.push(bytes[start..cut].to_vec());
        start = cut;
    }
    chunks.push(bytes[start..].to_vec());
    chunks
}

/// Offsets in `0..=len`; a `true` pick lands on a nasty offset when there is one.
fn cuts_for(len: usize, nasty: &[usize], picks: &[(bool, Index)]) -> Vec<usize> {
    picks
        .iter()
        .map(
            |(prefer_nasty, i)| {
                if *prefer_nasty && !nasty.is_empty() {
                    nasty[i.index(nasty.len())]
                } else {
                    i.index(len + 1)
                }
            },
        )
        .collect()
}

/// What must hold for any input: one usage report at most, and the chat formats never repeat an
/// unchanged list of sources, images or related questions.
fn check_invariants(provider: Provider, events: &[StreamEvent]) {
    let usage = events.iter().filter(|e| matches!(e, StreamEvent::Usage(_))).count();
    assert!(usage <= 1, "{provider:?}: {usage} usage events");
    if provider == Provider::Agent {
        return;
    }
    let kinds: [fn(&StreamEvent) -> bool; 3] = [
        |e| matches!(e, StreamEvent::Sources { .. }),
        |e| matches!(e, StreamEvent::Images { .. }),
        |e| matches!(e, StreamEvent::Related { .. }),
    ];
    for is_kind in kinds {
        let lists: Vec<&StreamEvent> = events.iter().filter(|e| is_kind(e)).collect();
        assert!(lists.windows(2).all(|w| w[0] != w[1]), "{provider:?}: an unchanged list was sent again: {lists:?}");
    }
}

#[test]
fn every_fixture_fed_one_byte_at_a_time_matches_feeding_it_whole() {
    for f in fixtures() {
        let bytes: Vec<Vec<u8>> = f.bytes.iter().map(|b| vec![*b]).collect();
        assert_eq!(outcome(f.provider, bytes), f.whole, "{}", f.name);
    }
}

#[test]
fn most_fixtures_end_normally_and_every_one_keeps_the_invariants() {
    // The split property is only as strong as what it compares: most fixtures must yield text.
    let normal = fixtures().iter().filter(|f| f.whole.ends_with("=> Stop") || f.whole.ends_with("=> Length")).count();
    assert!(normal >= 25, "{normal}");
    for f in fixtures() {
        check_invariants(f.provider, &run(f.provider, vec![f.bytes.clone()]).0);
    }
}

/// One mutation of a byte string; positions and lengths are taken modulo its size.
#[derive(Debug, Clone)]
enum Mutation {
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragment = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..4),
        prop::sample::select(SSE_FRAGMENTS).prop_map(|s| s.to_vec()),
    ];
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<Index>(), fragment).prop_map(|(i, f)| Mutation::Insert(i, f)),
        (any::<Index>(), 1usize..80).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), 1usize..300).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len + 1) };
    match m {
        Mutation::Set(i, b) if !bytes.is_empty() => {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        Mutation::Set(..) => {}
        Mutation::Insert(i, f) => {
            let i = at(i, bytes.len());
            bytes.splice(i..i, f.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let i = at(i, bytes.len());
            bytes.drain(i..(i + n).min(bytes.len()));
        }
        Mutation::Duplicate(i, n) => {
            let i = at(i, bytes.len());
            let copy = bytes[i..(i + n).min(bytes.len())].to_vec();
            bytes.splice(i..i, copy);
        }
        Mutation::Truncate(i) => {
            let i = at(i, bytes.len());
            bytes.truncate(i);
        }
    }
}

/// Pieces of SSE and of both wire formats, so that noise often looks like a real stream.
const SSE_FRAGMENTS: &[&[u8]] = &[
    b"data: ",
    b"data:",
    b"event: message\n",
    b": ping\n\n",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\r\n\r\n",
    b"\xEF\xBB\xBF",
    b"\xF0\x9F",
    b"\xFF",
    b"[DONE]",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"null",
    b"\"type\":",
    b"\"response.output_text.delta\"",
    b"\"response.output_text.done\"",
    b"\"response.completed\"",
    b"\"response.incomplete\"",
    b"\"response.failed\"",
    b"\"error\"",
    b"\"delta\":",
    b"\"text\":",
    b"\"response\":{\"status\":\"failed\"}",
    b"\"usage\":{\"input_tokens\":3,\"prompt_tokens\":3,\"cost\":{\"total_cost\":0.1}}",
    b"\"choices\":[{\"delta\":{\"content\":",
    b"\"<think>\"",
    b"\"</think>\"",
    b"<thi",
    b"nk>",
    b"\"finish_reason\":\"length\"",
    b"\"object\":\"chat.completion.done\"",
    b"\"citations\":[\"https://a.example/\"]",
    b"\"search_results\":[{\"url\":\"https://a.example/\",\"id\":2}]",
    b"\"images\":[{\"image_url\":\"x\",\"width\":-1}]",
    b"\"related_questions\":[\"why?\"]",
    b"\"item\":{\"type\":\"search_results\",\"results\":[{\"id\":99999999999,\"url\":\"u\"}]}",
    b"\"reasoning_content\":\"hmm\"",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_split_of_any_fixture_gives_the_same_events_and_result(
        picks in prop::collection::vec((any::<bool>(), any::<Index>()), 1..24),
    ) {
        for f in fixtures() {
            let chunks = split_at(&f.bytes, cuts_for(f.bytes.len(), &f.nasty, &picks));
            prop_assert_eq!(outcome(f.provider, chunks), f.whole.clone(), "{}", f.name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_or_hang(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        picks in prop::collection::vec((any::<bool>(), any::<Index>()), 0..12),
    ) {
        for provider in PROVIDERS {
            let events = run_guarded(provider, split_at(&bytes, cuts_for(bytes.len(), &[], &picks)));
            check_invariants(provider, &events);
        }
    }

    #[test]
    fn sse_shaped_noise_never_panics_or_hangs(
        pieces in prop::collection::vec(
            prop_oneof![4 => prop::sample::select(SSE_FRAGMENTS).prop_map(|s| s.to_vec()),
                        1 => prop::collection::vec(any::<u8>(), 1..8)],
            0..200),
        picks in prop::collection::vec((any::<bool>(), any::<Index>()), 0..12),
    ) {
        let bytes = pieces.concat();
        for provider in PROVIDERS {
            let events = run_guarded(provider, split_at(&bytes, cuts_for(bytes.len(), &[], &picks)));
            check_invariants(provider, &events);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic_or_hang(
        which in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
        picks in prop::collection::vec((any::<bool>(), any::<Index>()), 0..12),
    ) {
        let all = fixtures();
        let mut bytes = all[which.index(all.len())].bytes.clone();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        for provider in PROVIDERS {
            let events = run_guarded(provider, split_at(&bytes, cuts_for(bytes.len(), &[], &picks)));
            check_invariants(provider, &events);
        }
    }
}
