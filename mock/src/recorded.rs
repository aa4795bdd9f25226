//! Recorded mode: replaying the public recordings of real Perplexity traffic in
//! `tests/fixtures/real/` (or any folder laid out the same way).
//!
//! Each body file has a sidecar `<stem>.source.json` saying how it was answered
//! (`response.status`, `response.content_type`, `response.headers`) and how its bytes are framed:
//! `sse` (served as stored), `json-lines` (one event payload a line, served as
//! `data: <line>\n\n` frames) or `json` (a whole body). Files are read when a request needs them,
//! so a recording added to the folder is served without rebuilding. Streams go out frame by
//! frame through the same cutting and pacing machinery as the simulated answers (seeded, so
//! `--seed` replays the same cuts), with short pauses scaled by `speed`.

use std::fmt;
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::http::{Conn, Response};
use crate::rng::Rng;
use crate::sse::{End, Pacing, SseWriter, Style};

/// What follows `#mock:` in a token that picks a recording: `#mock:recorded=<stem>`.
pub(crate) const TOKEN_TAIL: &str = "recorded=";

/// What recorded mode answers without a pick.
pub(crate) const SONAR_DEFAULT: &str = "chat_completions_403_retired";
pub(crate) const AGENT_STREAM_DEFAULT: &str = "agent_fast_web_search";
pub(crate) const AGENT_JSON_DEFAULT: &str = "agent_fast_web_search_answer";
pub(crate) const MODELS_DEFAULT: &str = "models_2026-10-09";

/// The simulated mode's copies of two recordings, the bytes of `SONAR_DEFAULT` (the `retired`
/// scenario) and of `MODELS_DEFAULT` (`GET /v1/models`). Embedded so that the simulated mode
/// never depends on the recordings folder; recorded mode reads the folder at run time.
pub(crate) const RETIRED_BODY: &str = include_str!("../../tests/fixtures/real/chat_completions_403_retired.json");
pub(crate) const MODELS_BODY: &str = include_str!("../../tests/fixtures/real/models_2026-10-09.json");

/// The folder the recordings are read from when none is configured.
pub(crate) fn default_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/real"))
}

/// Longest pause between two frames of a replayed stream at speed 1, in ms…
const FRAME_PAUSE_MS: f64 = 20.0;
/// …and the most all of a stream's frame pauses may add up to at speed 1 (the largest
/// recording, 1.8 MB in 414 frames, then takes about 1.5 s in all).
const STREAM_PAUSE_BUDGET_MS: f64 = 1_200.0;

/// How a recording's body file is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    Sse,
    JsonLines,
    Json,
}

/// One recording, loaded.
#[derive(Debug)]
pub(crate) struct Recording {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub framing: Framing,
    /// The body file's bytes, as stored.
    pub body: Vec<u8>,
}

impl Recording {
    /// The body as the network delivered it, cut into SSE frames (each with its blank line).
    /// `json-lines` get their envelope back: one `data: <line>\n\n` frame a line.
    pub(crate) fn frames(&self) -> Vec<Vec<u8>> {
        match self.framing {
            Framing::JsonLines => self
                .body
                .split(|&b| b == b'\n')
                .filter(|line| !line.is_empty())
                .map(|line| [b"data: ".as_slice(), line, b"\n\n"].concat())
                .collect(),
            Framing::Sse => split_frames(&self.body),
            Framing::Json => vec![self.body.clone()],
        }
    }

    /// The whole body as served.
    #[cfg(test)]
    pub(crate) fn wire(&self) -> Vec<u8> {
        self.frames().concat()
    }

    fn streamed(&self) -> bool {
        self.framing != Framing::Json
    }
}

/// Cuts an SSE body after every blank line (`\n\n` or `\r\n\r\n`); the bytes are unchanged.
fn split_frames(body: &[u8]) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < body.len() {
        let end = if body[i..].starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if body[i..].starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        };
        match end {
            Some(end) => {
                frames.push(body[start..end].to_vec());
                start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    if start < body.len() {
        frames.push(body[start..].to_vec());
    }
    frames
}

/// A recording as `GET /__mock/recordings` lists it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub name: String,
    pub what: String,
    pub status: u16,
    pub path: String,
}

impl Entry {
    pub(crate) fn json(&self) -> Value {
        json!({"name": self.name, "what": self.what, "status": self.status, "path": self.path})
    }
}

/// The recordings folder.
#[derive(Debug, Clone)]
pub(crate) struct Recordings {
    dir: PathBuf,
}

/// Why a recording could not be served; its sentence names the file, for a 500 `{"detail"}`.
#[derive(Debug)]
pub(crate) enum Unreadable {
    Folder(PathBuf, std::io::Error),
    File(PathBuf, std::io::Error),
    NotJson(PathBuf, serde_json::Error),
    NotAName(String),
    NoFraming(PathBuf, Option<String>),
    Outside(PathBuf, String),
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Folder(dir, e) => write!(f, "Cannot read the recordings folder {}: {e}", dir.display()),
            Unreadable::File(path, e) => write!(f, "Cannot read recording {}: {e}", path.display()),
            Unreadable::NotJson(path, e) => write!(f, "Recording sidecar {} is not valid JSON: {e}", path.display()),
            Unreadable::NotAName(stem) => write!(f, "Not a recording name: {stem:?}"),
            Unreadable::NoFraming(path, framing) => {
                write!(f, "Recording sidecar {} has no known framing: {framing:?}", path.display())
            }
            Unreadable::Outside(path, file) => {
                write!(f, "Recording sidecar {} names a file outside its folder: {file}", path.display())
            }
        }
    }
}

/// A stem that names no recording in the folder; its sentence lists the known ones.
#[derive(Debug)]
pub(crate) struct UnknownRecording {
    stem: String,
    known: Vec<String>,
}

impl fmt::Display for UnknownRecording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unknown recording '{}'; known: {}", self.stem, self.known.join(", "))
    }
}

impl Recordings {
    pub(crate) fn new(dir: PathBuf) -> Self {
        Recordings { dir }
    }

    fn sidecar_path(&self, stem: &str) -> PathBuf {
        self.dir.join(format!("{stem}.source.json"))
    }

    /// The stems of every recording (every `<stem>.source.json`), sorted.
    pub(crate) fn stems(&self) -> Result<Vec<String>, Unreadable> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| Unreadable::Folder(self.dir.clone(), e))?;
        let mut stems: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".source.json")).map(String::from))
            .filter(|stem| valid_stem(stem))
            .collect();
        stems.sort();
        Ok(stems)
    }

    /// Every recording with its sidecar's `what`, `response.status` and `request.path`.
    pub(crate) fn list(&self) -> Result<Vec<Entry>, Unreadable> {
        self.stems()?
            .into_iter()
            .map(|name| {
                let side = self.sidecar(&name)?;
                let text = |p: &str| side.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
                let status = side.pointer("/response/status").and_then(Value::as_u64).unwrap_or(200) as u16;
                Ok(Entry { what: text("/what"), status, path: text("/request/path"), name })
            })
            .collect()
    }

    /// Whether `stem` names a recording here (a message listing the known ones when not).
    pub(crate) fn check(&self, stem: &str) -> Result<Result<(), UnknownRecording>, Unreadable> {
        let stems = self.stems()?;
        if stems.iter().any(|s| s == stem) {
            Ok(Ok(()))
        } else {
            Ok(Err(UnknownRecording { stem: stem.to_string(), known: stems }))
        }
    }

    fn sidecar(&self, stem: &str) -> Result<Value, Unreadable> {
        let path = self.sidecar_path(stem);
        let bytes = std::fs::read(&path).map_err(|e| Unreadable::File(path.clone(), e))?;
        serde_json::from_slice(&bytes).map_err(|e| Unreadable::NotJson(path, e))
    }

    /// Reads a recording: its sidecar, then its body file.
    pub(crate) fn load(&self, stem: &str) -> Result<Recording, Unreadable> {
        if !valid_stem(stem) {
            return Err(Unreadable::NotAName(stem.to_string()));
        }
        let side = self.sidecar(stem)?;
        let sidecar = self.sidecar_path(stem);
        let text = |p: &str| side.pointer(p).and_then(Value::as_str);
        let framing = match text("/framing") {
            Some("sse") => Framing::Sse,
            Some("json-lines") => Framing::JsonLines,
            Some("json") => Framing::Json,
            other => return Err(Unreadable::NoFraming(sidecar, other.map(String::from))),
        };
        let file = match text("/file") {
            Some(f) if !f.contains(['/', '\\']) && f != ".." => f.to_string(),
            Some(f) => return Err(Unreadable::Outside(sidecar, f.to_string())),
            None => {
                let ext = match framing {
                    Framing::Sse => "sse",
                    Framing::JsonLines => "jsonl",
                    Framing::Json => "json",
                };
                format!("{stem}.{ext}")
            }
        };
        let path = self.dir.join(&file);
        let body = std::fs::read(&path).map_err(|e| Unreadable::File(path.clone(), e))?;
        let status = side.pointer("/response/status").and_then(Value::as_u64).unwrap_or(200) as u16;
        let default_type = if framing == Framing::Json { "application/json" } else { "text/event-stream" };
        let content_type = text("/response/content_type").unwrap_or(default_type).to_string();
        let headers = side
            .pointer("/response/headers")
            .and_then(Value::as_object)
            .map(|h| {
                h.iter()
                    .map(|(name, value)| (name.clone(), value.as_str().map_or_else(|| value.to_string(), String::from)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Recording { status, content_type, headers, framing, body })
    }
}

/// Stems are file-name stems: letters, digits, `_`, `-` and `.`, not starting with a dot.
fn valid_stem(stem: &str) -> bool {
    !stem.is_empty()
        && !stem.starts_with('.')
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Finds the last `#mock:recorded=<stem>` token in a message.
pub(crate) fn token(text: &str) -> Option<String> {
    let marker = format!("#mock:{TOKEN_TAIL}");
    let start = text.rfind(&marker)? + marker.len();
    let stem: String =
        text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')).collect();
    Some(stem.trim_end_matches('.').to_string())
}

/// The 500 answered when a recording cannot be read.
pub(crate) fn unreadable(why: &Unreadable) -> Response {
    Response::json(500, &json!({"detail": why.to_string()}))
}

/// Serves a recording as recorded: its status, content type and headers; a whole body at once,
/// a stream frame by frame in seeded-random pieces with short pauses.
pub(crate) async fn serve(conn: Conn, rec: Recording, rng: Rng, speed: f64) {
    if !rec.streamed() {
        let mut resp = Response::new(rec.status, &rec.content_type, rec.body);
        resp.headers.extend(rec.headers);
        return conn.respond(&resp).await;
    }
    let frames = rec.frames();
    let Ok(body) = conn.start_chunked_with(rec.status, &rec.content_type, &rec.headers).await else { return };
    let style = Style { event_lines: false, crlf: false, odd_chance: 0.0, pacing: Pacing::RECORDED, speed };
    let mut out = SseWriter::new(body, rng, style);
    let pause = FRAME_PAUSE_MS.min(STREAM_PAUSE_BUDGET_MS / frames.len().max(1) as f64);
    let mut end = Ok(End::Finish);
    for (i, frame) in frames.iter().enumerate() {
        let sent = if i == 0 { Ok(()) } else { out.delay(pause).await };
        if let Err(gone) = sent.and(out.raw(frame).await) {
            end = Err(gone);
            break;
        }
    }
    out.conclude(end).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> Recordings {
        Recordings::new(default_dir())
    }

    #[test]
    fn every_recording_loads_and_frames_back_to_its_bytes() {
        let r = real();
        let stems = r.stems().unwrap();
        assert!(stems.len() >= 18, "{stems:?}");
        for stem in &stems {
            let rec = r.load(stem).unwrap_or_else(|e| panic!("{stem}: {e}"));
            if rec.framing != Framing::JsonLines {
                assert_eq!(rec.wire(), rec.body, "{stem}: served as stored");
            }
        }
        let lines = r.load(AGENT_STREAM_DEFAULT).unwrap();
        let frames = lines.frames();
        assert_eq!(frames.len(), lines.body.split(|&b| b == b'\n').count());
        assert!(frames.iter().all(|f| f.starts_with(b"data: {") && f.ends_with(b"}\n\n")));
        let sse = r.load("sonar_citations_stream").unwrap();
        assert_eq!(sse.frames().len(), 191);
        assert!(sse.frames().iter().all(|f| f.ends_with(b"\r\n\r\n")));
    }

    #[test]
    fn the_embedded_copies_are_the_recordings() {
        let r = real();
        assert_eq!(r.load(SONAR_DEFAULT).unwrap().body, RETIRED_BODY.as_bytes());
        assert_eq!(r.load(MODELS_DEFAULT).unwrap().body, MODELS_BODY.as_bytes());
    }

    #[test]
    fn the_list_carries_what_status_and_path() {
        let list = real().list().unwrap();
        let retired = list.iter().find(|e| e.name == SONAR_DEFAULT).unwrap();
        assert_eq!((retired.status, retired.path.as_str()), (403, "/chat/completions"));
        assert!(retired.what.contains("retirement"));
    }

    #[test]
    fn missing_files_are_named() {
        let e = Recordings::new(PathBuf::from("/nonexistent/recordings")).load("x").unwrap_err();
        assert!(e.to_string().contains("/nonexistent/recordings/x.source.json"), "{e}");
        let e = Recordings::new(PathBuf::from("/nonexistent/recordings")).stems().unwrap_err();
        assert!(e.to_string().contains("/nonexistent/recordings"), "{e}");
    }

    #[test]
    fn tokens_pick_a_stem() {
        assert_eq!(token("Paris? #mock:recorded=agent_fast_stream").as_deref(), Some("agent_fast_stream"));
        assert_eq!(token("#mock:recorded=models_2026-10-09. thanks").as_deref(), Some("models_2026-10-09"));
        assert_eq!(token("#mock:slow"), None);
        assert!(!valid_stem("../etc") && !valid_stem(".hidden") && valid_stem("a-b_c.d"));
    }
}
