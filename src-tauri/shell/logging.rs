//! The log file: what Citewise writes down for a person (or us) to read after something went wrong,
//! and what it never writes down.
//!
//! Records go to `citewise.log` in the platform's log folder (`~/.local/share/<identifier>/logs`
//! on Linux, `~/Library/Logs/<identifier>` on macOS, `%LOCALAPPDATA%\<identifier>\logs` on
//! Windows; `<CITEWISE_DATA_DIR>/logs` when that is set), rotated at [`MAX_FILE_BYTES`] with
//! [`KEEP_FILES`] old files kept. Every line passes [`redact`] first: API keys the app has held
//! (registered by [`crate::secrets::ApiKey::new`]), anything shaped like one, and the value of an
//! `Authorization` header or a `Bearer` credential become `<redacted>`.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::RwLock;

/// One log file grows to this size before it is rotated.
pub const MAX_FILE_BYTES: u128 = 1_000_000;
/// How many log files are kept, the current one included.
pub const KEEP_FILES: usize = 5;
/// The log file's name, without `.log`.
pub const FILE_STEM: &str = "citewise";
/// What a secret becomes in the log.
pub const REDACTED: &str = "<redacted>";

/// Keys the app has held this session, never to be written out; the newest last.
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());
/// Enough for every account's key and a few replaced ones; the oldest is forgotten first.
const MAX_SECRETS: usize = 16;

/// Remembers `secret` so that [`redact`] removes it from every log line. Values shorter than 8
/// characters are not keys (the app refuses them) and would blank out ordinary words.
pub fn never_log(secret: &str) {
    if secret.len() < 8 {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if secrets.iter().any(|s| s == secret) {
        return;
    }
    if secrets.len() == MAX_SECRETS {
        secrets.remove(0);
    }
    secrets.push(secret.to_owned());
}

/// `line` with every secret replaced by [`REDACTED`]: the keys given to [`never_log`], tokens
/// shaped like Perplexity or OpenAI keys, and the credential after `Authorization` or `Bearer`.
pub fn redact(line: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(line);
    {
        let secrets = SECRETS.read().unwrap_or_else(|e| e.into_inner());
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
    }
    for rule in [authorization_values as fn(&str) -> Option<String>, bearer_tokens, key_shaped_tokens] {
        if let Some(changed) = rule(&out) {
            out = Cow::Owned(changed);
        }
    }
    out
}

/// Characters a credential is made of (up to a quote, a separator or the end of the line).
fn credential_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | ';' | '}' | ')' | ']' | '>')
}

/// The credential that starts at byte `from` of `line` (after optional spaces, quotes and an auth
/// scheme word): its byte range, if there is one not yet redacted, and where the scan may go on.
fn credential_at(line: &str, from: usize) -> (Option<std::ops::Range<usize>>, usize) {
    let rest = &line[from..];
    let mut start = from + rest.len() - rest.trim_start_matches([' ', '\t', '"', '\'']).len();
    // `Authorization: Bearer xyz`: keep the scheme, hide what follows it.
    for scheme in ["bearer ", "basic ", "token "] {
        if line.as_bytes()[start..].get(..scheme.len()).is_some_and(|w| w.eq_ignore_ascii_case(scheme.as_bytes())) {
            start += scheme.len();
            start += line[start..].len() - line[start..].trim_start().len();
            break;
        }
    }
    if line[start..].starts_with(REDACTED) {
        return (None, start + REDACTED.len());
    }
    let len: usize = line[start..].chars().take_while(|c| credential_char(*c)).map(char::len_utf8).sum();
    if len == 0 {
        return (None, start);
    }
    (Some(start..start + len), start + len)
}

/// `line` with the credential hidden after each case-insensitive match of `needle` that
/// `credential_from(match start, match end)` accepts (it says where the credential may start);
/// `None` when nothing was hidden. One pass, left to right: each byte is copied once and looked at
/// a bounded number of times, so the work is linear in the line whatever it holds.
fn hide_after(line: &str, needle: &str, credential_from: impl Fn(usize, usize) -> Option<usize>) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(end) = find_ci(line, needle, at) {
        at = end;
        let Some(from) = credential_from(end - needle.len(), end) else { continue };
        let (hidden, next) = credential_at(line, from);
        if let Some(range) = hidden {
            out.push_str(&line[copied..range.start]);
            out.push_str(REDACTED);
            copied = range.end;
        }
        at = next.max(end);
    }
    (copied > 0).then(|| {
        out.push_str(&line[copied..]);
        out
    })
}

/// The position just past the first case-insensitive match of `needle` (ASCII) in `s` at or after
/// `from`.
fn find_ci(s: &str, needle: &str, from: usize) -> Option<usize> {
    let hay = s.as_bytes();
    let n = needle.len();
    if hay.len() < n {
        return None;
    }
    (from..=hay.len() - n).find(|&i| hay[i..i + n].eq_ignore_ascii_case(needle.as_bytes())).map(|i| i + n)
}

/// `authorization: …`, `"authorization":"…"`, `Authorization=…`: the value is hidden.
fn authorization_values(line: &str) -> Option<String> {
    hide_after(line, "authorization", |_, end| {
        let after = &line[end..];
        let sep = end + after.len() - after.trim_start_matches(['"', '\'', ' ', '\t']).len();
        matches!(line.as_bytes().get(sep), Some(b':' | b'=')).then_some(sep + 1)
    })
}

/// `Bearer xyz` anywhere, whatever it follows.
fn bearer_tokens(line: &str) -> Option<String> {
    hide_after(line, "bearer", |start, end| {
        let starts_word = !line[..start].ends_with(|c: char| c.is_alphanumeric());
        let followed_by_space = line[end..].starts_with([' ', '\t']);
        (starts_word && followed_by_space).then_some(end)
    })
}

/// Prefixes of API keys Citewise may hold: Perplexity (`pplx-`), OpenAI and most OpenAI-compatible
/// services (`sk-`, which covers `sk-proj-` and `sk-or-`), Groq (`gsk_`).
const KEY_PREFIXES: [&str; 3] = ["pplx-", "sk-", "gsk_"];

/// Words that start with a key prefix and go on for at least 16 key characters.
fn key_shaped_tokens(line: &str) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut changed = false;
    let mut rest = line;
    while !rest.is_empty() {
        let word_start = out.is_empty() && rest.len() == line.len()
            || !out.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let prefix = KEY_PREFIXES.iter().find(|p| rest.starts_with(*p));
        if let (true, Some(prefix)) = (word_start, prefix) {
            let body: usize = rest[prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .count();
            if body >= 16 {
                out.push_str(REDACTED);
                rest = &rest[prefix.len() + body..];
                changed = true;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    changed.then_some(out)
}

/// The folder the log files go to: `<data dir>/logs` when [`crate::DATA_DIR_ENV`] chose the data
/// folder (tests, portable use), else the platform's log folder.
pub fn folder(data_dir_from_env: bool, data_dir: &std::path::Path, platform_log_dir: Option<PathBuf>) -> PathBuf {
    match platform_log_dir {
        Some(dir) if !data_dir_from_env => dir,
        _ => data_dir.join("logs"),
    }
}

/// One line of the log: UTC time, level, where from, and the message, redacted.
pub fn format_line(unix_ms: u128, level: log::Level, target: &str, message: &str) -> String {
    format!("{} {:<5} {}: {}", utc_timestamp(unix_ms), level, target, redact(message))
}

/// `2026-11-22 14:03:07.123Z` from milliseconds since 1970 (civil-from-days, proleptic Gregorian).
pub fn utc_timestamp(unix_ms: u128) -> String {
    let ms = (unix_ms % 1000) as u32;
    let secs = (unix_ms / 1000) as i64;
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{ms:03}Z", sod / 3600, sod % 3600 / 60, sod % 60)
}

/// The log plugin: one rotating file in `folder`, every line through [`format_line`]. In debug
/// builds the lines also go to stderr.
pub fn plugin<R: tauri::Runtime>(folder: PathBuf) -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    let mut builder = tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::Folder { path: folder, file_name: Some(FILE_STEM.into()) }))
        .max_file_size(MAX_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(KEEP_FILES))
        .level(log::LevelFilter::Info)
        // Other crates' records at info are about connections and sockets, not about Citewise.
        .level_for("reqwest", log::LevelFilter::Warn)
        .level_for("hyper", log::LevelFilter::Warn)
        .level_for("tao", log::LevelFilter::Warn)
        .level_for("wry", log::LevelFilter::Warn)
        .format(|out, message, record| {
            let now =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
            out.finish(format_args!("{}", format_line(now, record.level(), record.target(), &message.to_string())))
        });
    if cfg!(debug_assertions) {
        builder = builder.target(Target::new(TargetKind::Stderr));
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_the_app_held_never_reaches_a_line() {
        let key = "my-own-proxy-key-7Hq2vX";
        assert_eq!(redact(&format!("sent with {key}")), format!("sent with {key}"), "not yet known");
        never_log(key);
        assert_eq!(redact(&format!("sent with {key} twice: {key}")), "sent with <redacted> twice: <redacted>");
        never_log("short");
        assert_eq!(redact("a short word"), "a short word", "too short to be a key: not registered");
    }

    #[test]
    fn authorization_values_are_hidden_in_every_shape() {
        let cases = [
            ("authorization: Bearer abc.def-123", "authorization: Bearer <redacted>"),
            ("Authorization:Basic dXNlcjpwYXNz", "Authorization:Basic <redacted>"),
            (r#"{"Authorization":"Bearer abc123","x":1}"#, r#"{"Authorization":"Bearer <redacted>","x":1}"#),
            (r#"headers: {"authorization": "secret-value"}"#, r#"headers: {"authorization": "<redacted>"}"#),
            ("AUTHORIZATION=raw-token; next", "AUTHORIZATION=<redacted>; next"),
            ("no authorization header was sent", "no authorization header was sent"),
        ];
        for (line, want) in cases {
            assert_eq!(redact(line), want, "{line}");
        }
    }

    #[test]
    fn bearer_credentials_are_hidden_wherever_they_appear() {
        assert_eq!(redact("retrying with bearer tok_ABC123 now"), "retrying with bearer <redacted> now");
        assert_eq!(redact("Bearer x and Bearer y"), "Bearer <redacted> and Bearer <redacted>");
        assert_eq!(redact("the bearer of bad news"), "the bearer <redacted> bad news", "cautious over clever");
        assert_eq!(redact("unbearer x"), "unbearer x", "not a word of its own");
    }

    #[test]
    fn key_shaped_tokens_are_hidden() {
        let pplx = format!("pplx-{}", "a1B2".repeat(12));
        assert_eq!(redact(&format!("key={pplx}.")), "key=<redacted>.");
        let openai = format!("sk-proj-{}", "Zz9_".repeat(8));
        assert_eq!(redact(&format!("({openai})")), "(<redacted>)");
        assert_eq!(redact(&format!("gsk_{}", "q".repeat(20))), "<redacted>");
        assert_eq!(redact("task-list sk-short desk-1234567890abcdefgh"), "task-list sk-short desk-1234567890abcdefgh");
        assert_eq!(redact("ünïcode pplx-short ✓"), "ünïcode pplx-short ✓");
    }

    proptest::proptest! {
        /// Whatever surrounds it, a key the app held and an Authorization value never survive.
        #[test]
        fn no_line_keeps_a_secret(before in ".{0,40}", after in ".{0,40}", key in "[A-Za-z0-9_-]{12,48}") {
            never_log(&key);
            let line = redact(&format!("{before}{key}{after}")).into_owned();
            proptest::prop_assert!(!line.contains(key.as_str()), "{line}");
            let header = redact(&format!("{before} Authorization: Bearer tok{key} {after}")).into_owned();
            proptest::prop_assert!(!header.contains(&format!("tok{key}")), "{header}");
        }
    }

    #[test]
    fn lines_carry_utc_time_level_and_target() {
        let line = format_line(1_763_820_187_123, log::Level::Warn, "citewise::api", "Authorization: Bearer abc");
        assert_eq!(line, "2025-11-22 14:03:07.123Z WARN  citewise::api: Authorization: Bearer <redacted>");
        assert_eq!(utc_timestamp(0), "1970-01-01 00:00:00.000Z");
        assert_eq!(utc_timestamp(951_782_400_000), "2000-02-29 00:00:00.000Z", "a leap day");
        assert_eq!(utc_timestamp(4_102_444_799_999), "2099-12-31 23:59:59.999Z");
    }

    #[test]
    fn logs_go_beside_the_data_when_the_environment_chose_it() {
        let data = std::path::Path::new("/tmp/cw");
        let platform = PathBuf::from("/home/a/.local/share/app/logs");
        assert_eq!(folder(true, data, Some(platform.clone())), data.join("logs"));
        assert_eq!(folder(false, data, Some(platform.clone())), platform);
        assert_eq!(folder(false, data, None), data.join("logs"));
    }
}
