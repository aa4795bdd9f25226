//! `citewise-seed --out <data-dir> [--conversations 10000] [--messages 200000] [--seed 42]
//! [--now-ms N] [--long 500]`: writes `<data-dir>/history.sqlite3` (point CITEWISE_DATA_DIR at
//! the folder) and prints what it wrote as one JSON line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use citewise_seed::{content_hash, seed, Config};

const USAGE: &str = "usage: citewise-seed --out <data-dir> [--conversations 10000] [--messages 200000] \
                     [--seed 42] [--now-ms 1793491200000] [--long 500] [--batch 250]";

fn parse() -> Result<(PathBuf, Config), String> {
    let mut config = Config::default();
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = || value.parse::<u64>().map_err(|_| format!("{flag}: “{value}” is not a number"));
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(&value)),
            "--conversations" => config.conversations = number()? as usize,
            "--messages" => config.messages = number()? as usize,
            "--seed" => config.seed = number()?,
            "--now-ms" => config.now_ms = number()? as i64,
            "--long" => config.long = number()? as usize,
            "--batch" => config.batch = number()?.max(1) as usize,
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok((out.ok_or_else(|| format!("--out is required\n{USAGE}"))?, config))
}

fn main() -> ExitCode {
    let (dir, config) = match parse() {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let report = match seed(&dir, &config) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("citewise-seed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&report.path).map(|m| m.len()).unwrap_or(0);
    let hash = rusqlite::Connection::open(&report.path)
        .and_then(|c| content_hash(&c))
        .map(|h| format!("{h:016x}"))
        .unwrap_or_default();
    eprintln!(
        "citewise-seed: {} conversations, {} messages ({} pinned, {} priced answers) in {} — {:.1} MB, {:.1} s",
        report.conversations,
        report.messages,
        report.pinned,
        report.spend_rows,
        report.path.display(),
        bytes as f64 / 1e6,
        seconds
    );
    let json = serde_json::json!({
        "path": report.path,
        "conversations": report.conversations,
        "messages": report.messages,
        "pinned": report.pinned,
        "spendRows": report.spend_rows,
        "longConversationId": report.long_conversation,
        "seed": config.seed,
        "nowMs": config.now_ms,
        "bytes": bytes,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "contentHash": hash,
    });
    println!("{json}");
    ExitCode::SUCCESS
}
