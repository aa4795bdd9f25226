//! The `citewise-mock` binary: parses flags, starts the server, prints the one line scripts
//! wait for, and runs until Ctrl+C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use citewise_mock::{MockConfig, MockServer};

const USAGE: &str =
    "usage: citewise-mock [--port 8765] [--key KEY] [--seed N] [--speed F] [--clock-speed F] [--recorded] [--recordings DIR]
  --port        port on 127.0.0.1 (0 = any free port; default 8765)
  --key         accept only this bearer token (default: any non-empty token)
  --seed        seed for all randomness (default: from the clock, printed to stderr)
  --speed       multiplies scenario delays (1.0 normal, 0 = none, 2 = twice as slow)
  --clock-speed virtual seconds per real second for background runs (default 1: a deep-research
                run takes ~3 min; 18 makes it ~10 s; switch at run time: POST /__mock/clock)
  --recorded    answer with the recordings of real traffic (switch at run time: POST /__mock/recorded)
  --recordings  the recordings folder (default: the repository's tests/fixtures/real)";

/// A command line the mock does not take; printed above [`USAGE`].
#[derive(Debug)]
enum BadArgs {
    NeedsValue(String),
    Port,
    Seed,
    Speed,
    ClockSpeed,
    Unknown(String),
}

impl std::fmt::Display for BadArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadArgs::NeedsValue(flag) => write!(f, "{flag} needs a value"),
            BadArgs::Port => f.write_str("--port takes a number 0–65535"),
            BadArgs::Seed => f.write_str("--seed takes an unsigned integer"),
            BadArgs::Speed => f.write_str("--speed takes a number ≥ 0"),
            BadArgs::ClockSpeed => f.write_str("--clock-speed takes a number > 0"),
            BadArgs::Unknown(arg) => write!(f, "unknown argument {arg}"),
        }
    }
}

fn parse(args: &[String]) -> Result<MockConfig, BadArgs> {
    let mut cfg = MockConfig { port: 8765, ..MockConfig::default() };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| BadArgs::NeedsValue(flag.clone()));
        match flag.as_str() {
            "--port" => cfg.port = value()?.parse().map_err(|_| BadArgs::Port)?,
            "--key" => cfg.api_key = Some(value()?.clone()),
            "--recorded" => cfg.recorded = true,
            "--recordings" => cfg.recordings = Some(value()?.into()),
            "--seed" => cfg.seed = Some(value()?.parse().map_err(|_| BadArgs::Seed)?),
            "--speed" => {
                cfg.speed = value()?.parse().ok().filter(|s: &f64| s.is_finite() && *s >= 0.0).ok_or(BadArgs::Speed)?
            }
            "--clock-speed" => {
                cfg.clock_speed =
                    value()?.parse().ok().filter(|s: &f64| s.is_finite() && *s > 0.0).ok_or(BadArgs::ClockSpeed)?
            }
            other => return Err(BadArgs::Unknown(other.to_string())),
        }
    }
    Ok(cfg)
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let cfg = match parse(&args) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("citewise-mock: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match MockServer::start(cfg).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("citewise-mock: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if server.recorded() {
        eprintln!("citewise-mock: recorded mode (answers from the recordings of real traffic)");
    }
    println!("citewise-mock listening on {}", server.base_url());
    let _ = std::io::stdout().flush();
    terminated().await;
    server.shutdown();
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_parse() {
        let cfg = parse(&args(&["--port", "0", "--recorded", "--recordings", "/tmp/rec", "--seed", "4"])).unwrap();
        assert_eq!((cfg.port, cfg.recorded, cfg.seed), (0, true, Some(4)));
        assert_eq!(cfg.recordings, Some(std::path::PathBuf::from("/tmp/rec")));
        let cfg = parse(&[]).unwrap();
        assert_eq!((cfg.port, cfg.recorded, cfg.recordings), (8765, false, None));
        assert!(matches!(parse(&args(&["--recordings"])), Err(BadArgs::NeedsValue(_))));
        assert!(matches!(parse(&args(&["--bogus"])), Err(BadArgs::Unknown(_))));
        assert_eq!(parse(&args(&["--clock-speed", "18"])).unwrap().clock_speed, 18.0);
        assert_eq!(parse(&[]).unwrap().clock_speed, 1.0);
        assert!(matches!(parse(&args(&["--clock-speed", "0"])), Err(BadArgs::ClockSpeed)));
    }
}
