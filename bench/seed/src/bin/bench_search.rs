//! `citewise-bench-search --data <data-dir> [--reps 30] [--warmup 3]`: the history benchmark.
//! Opens `<data-dir>/history.sqlite3` exactly as the app does (`history::open_in`, then
//! `recover`), times a fixed set of searches as the search palette sends them (trimmed, limit
//! 50), the sidebar's first page, opening the long conversation and the estimate's work for a
//! question in it, and prints one JSON object (see README.md).

use std::process::ExitCode;
use std::time::Instant;

use citewise::history::{self, context, Turn};
use citewise_seed::words::tail_name;
use citewise_seed::LONG_CONVERSATION_ID;
use serde_json::{json, Value};

/// ui/history/search-palette.js `LIMIT`, ui/history/conversation-list.js `FIRST_PAGE`.
const SEARCH_LIMIT: usize = 50;
const FIRST_PAGE: usize = 60;
/// Metric 4's goal.
const GOAL_P95_MS: f64 = 30.0;

/// What the palette sends while someone types a word, letter by letter.
fn typed(word: &str) -> Vec<String> {
    word.char_indices().skip(1).map(|(i, _)| word[..i].to_owned()).chain([word.to_owned()]).collect()
}

fn queries() -> Vec<(&'static str, Vec<String>)> {
    let owned = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // Made-up names: each occurs in a handful of the 200,000 messages.
    let rare: Vec<String> = [311, 7_777, 12_345, 19_001, 27_182, 33_333, 39_999].into_iter().map(tail_name).collect();
    vec![
        ("common", owned(&["energy", "people", "system", "important", "water", "history", "temperature"])),
        ("rare", rare),
        (
            "twoWords",
            owned(&[
                "carbon emissions",
                "tax deduction",
                "espresso grinder",
                "Everest summit",
                "interest rate",
                "battery range",
                "borrow compiler",
            ]),
        ),
        ("incremental", [typed("everest"), typed("inflation"), typed("tax deduction")].concat()),
        (
            "accented",
            owned(&["café", "cafe", "Zürich", "zurich", "résumé", "resume", "São Paulo", "Dvořák", "creme brulee"]),
        ),
        ("noHit", owned(&["qwertyuiop", "zzyzx", "xylophonequartz", "everest qwerty"])),
    ]
}

/// Milliseconds at the nearest-rank percentile `p` of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn stats(samples: &mut [f64]) -> Value {
    samples.sort_by(f64::total_cmp);
    json!({
        "p50Ms": ms(percentile(samples, 0.50)),
        "p95Ms": ms(percentile(samples, 0.95)),
        "maxMs": ms(samples.last().copied().unwrap_or(0.0)),
        "samples": samples.len(),
    })
}

/// Runs `f` `warmup` times untimed, then `reps` times; the durations in ms.
fn time<T>(warmup: usize, reps: usize, mut f: impl FnMut() -> T) -> (Vec<f64>, T) {
    for _ in 0..warmup {
        f();
    }
    let mut out = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        let value = f();
        out.push(start.elapsed().as_secs_f64() * 1000.0);
        last = Some(value);
    }
    (out, last.expect("at least one repetition"))
}

fn run(dir: &std::path::Path, reps: usize, warmup: usize) -> Result<Value, String> {
    if !dir.join(history::FILE_NAME).exists() {
        return Err(format!("no {} in {} (run citewise-seed first)", history::FILE_NAME, dir.display()));
    }
    let opened = Instant::now();
    let (db, notice) = history::open_in(dir);
    if let Some(notice) = notice {
        return Err(notice);
    }
    db.recover().map_err(|e| e.to_string())?;
    let open_ms = opened.elapsed().as_secs_f64() * 1000.0;

    let mut all = Vec::new();
    let mut classes = serde_json::Map::new();
    for (class, list) in queries() {
        let mut class_samples = Vec::new();
        let mut per_query = Vec::new();
        for q in list {
            let (mut samples, hits) = time(warmup, reps, || db.search(q.trim(), SEARCH_LIMIT));
            let hits = hits.map_err(|e| format!("search “{q}”: {e}"))?.len();
            class_samples.extend_from_slice(&samples);
            let s = stats(&mut samples);
            per_query.push(json!({"query": q, "hits": hits, "p50Ms": s["p50Ms"], "maxMs": s["maxMs"]}));
        }
        all.extend_from_slice(&class_samples);
        let mut s = stats(&mut class_samples);
        s["queries"] = Value::Array(per_query);
        classes.insert(class.to_owned(), s);
    }
    let overall = stats(&mut all);

    let (mut list, page) = time(warmup, reps, || db.list_conversations(None, FIRST_PAGE));
    let page = page.map_err(|e| e.to_string())?;
    let mut list = stats(&mut list);
    list["items"] = json!(page.items.len());

    let (mut open, conv) = time(warmup, reps, || db.open_conversation(LONG_CONVERSATION_ID, None));
    let conv = conv.map_err(|e| format!("the long conversation: {e} (seeded with --long 0?)"))?;
    let mut open = stats(&mut open);
    open["messagesShown"] = json!(conv.messages.len());
    // What the window receives: the same conversation serialized for IPC.
    let (mut open_json, bytes) = time(warmup, reps, || {
        let c = db.open_conversation(LONG_CONVERSATION_ID, None).expect("opened above");
        serde_json::to_string(&c).map(|s| s.len()).unwrap_or(0)
    });
    let mut open_json = stats(&mut open_json);
    open_json["bytes"] = json!(bytes);

    let leaf = conv.messages.last().map(|m| m.id.clone());
    let turn = Turn::Ask {
        conversation: Some(LONG_CONVERSATION_ID.to_owned()),
        parent: leaf,
        question: "How does this compare with what you said at the start?".into(),
    };
    let (mut estimate, sent) = time(warmup, reps, || {
        let preview = db.preview_turn(&turn, context::DEFAULT_BUDGET).expect("a preview");
        (preview.messages.len(), context::request_tokens(&preview.messages, None))
    });
    let mut estimate = stats(&mut estimate);
    estimate["messagesSent"] = json!(sent.0);
    estimate["inputTokens"] = json!(sent.1);

    let p95 = overall["p95Ms"].as_f64().unwrap_or(f64::MAX);
    Ok(json!({
        "data": dir.join(history::FILE_NAME),
        "reps": reps,
        "warmup": warmup,
        "openHistoryMs": ms(open_ms),
        "search": {
            "limit": SEARCH_LIMIT,
            "goalP95Ms": GOAL_P95_MS,
            "goalMet": p95 <= GOAL_P95_MS,
            "overall": overall,
            "classes": classes,
        },
        "listConversations": list,
        "openLongConversation": open,
        "openLongConversationJson": open_json,
        "costEstimateLong": estimate,
    }))
}

fn main() -> ExitCode {
    let mut data = None;
    let (mut reps, mut warmup) = (30, 3);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next();
        let number = || value.as_deref().and_then(|v| v.parse::<usize>().ok());
        match (flag.as_str(), &value) {
            ("--data", Some(v)) => data = Some(std::path::PathBuf::from(v)),
            ("--reps", Some(_)) if number().is_some() => reps = number().unwrap_or(30).max(1),
            ("--warmup", Some(_)) if number().is_some() => warmup = number().unwrap_or(3),
            _ => {
                eprintln!("usage: citewise-bench-search --data <data-dir> [--reps 30] [--warmup 3]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(data) = data else {
        eprintln!("usage: citewise-bench-search --data <data-dir> [--reps 30] [--warmup 3]");
        return ExitCode::from(2);
    };
    match run(&data, reps, warmup) {
        Ok(report) => {
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("citewise-bench-search: {e}");
            ExitCode::FAILURE
        }
    }
}
