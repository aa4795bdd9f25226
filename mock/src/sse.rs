//! Server-sent events as a hostile-but-legal network delivers them.
//!
//! Owns SSE framing (`event:`/`data:` lines, `\n` or `\r\n` endings, `: keep-alive` comments)
//! and delivery: each frame's bytes are cut at random byte offsets — deliberately often inside
//! multi-byte UTF-8 characters and inside `\r\n` — and every piece is its own HTTP chunk, written and
//! flushed with a short random pause so the client really sees separate reads. The tail of a
//! frame is sometimes held back and sent glued to the next frame.
//!
//! Most responses are framed exactly as the recordings under `tests/fixtures/real/` are (the
//! Agent API: an `event:` line before every `data:` line, LF; Sonar: no `event:` lines, CRLF).
//! A seeded minority is framed oddly instead, so clients stay robust: `event:` lines on a random
//! half of the frames, `: keep-alive` comments, the other line ending.

use std::time::Duration;

use serde_json::Value;

use crate::http::{Chunked, Gone};
use crate::rng::Rng;

/// How pieces of frames are paced on the wire.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pacing {
    /// Longest pause between two pieces, in ms (0 = just yield).
    pub pause_max_ms: usize,
    /// Probability that a piece boundary gets a pause at all.
    pub pause_prob: f64,
    /// Whether a frame's tail may be held back and sent with the next frame.
    pub carry: bool,
}

impl Pacing {
    /// Every piece boundary pauses 0–3 ms.
    pub(crate) const NORMAL: Pacing = Pacing { pause_max_ms: 3, pause_prob: 1.0, carry: true };
    /// Rare, short pauses: for long answers that must still finish quickly.
    pub(crate) const FAST: Pacing = Pacing { pause_max_ms: 1, pause_prob: 0.03, carry: true };
    /// Pieces but no pauses and no held-back tails: send times stay honest for benchmarks.
    pub(crate) const PRECISE: Pacing = Pacing { pause_max_ms: 0, pause_prob: 0.0, carry: false };

    /// For replayed recordings: rare 0–1 ms pauses (the frames themselves are paced).
    pub(crate) const RECORDED: Pacing = Pacing { pause_max_ms: 1, pause_prob: 0.05, carry: true };
}

/// How an API frames its events, and how often a response departs from that.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    /// An `event: <type>` line before every frame (the Agent API), or none (Sonar).
    pub event_lines: bool,
    /// Lines end in `\r\n` (Sonar) rather than `\n` (the Agent API).
    pub crlf: bool,
    /// Chance that a response is framed oddly: `event:` lines on a random half of the frames
    /// (when the API has them), `: keep-alive` comments, and half the time the other line ending.
    pub odd_chance: f64,
    pub pacing: Pacing,
    /// Multiplies scenario delays (not the piece pauses, which model the network).
    pub speed: f64,
}

/// How a response's event sequence ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// Properly, with the terminating chunk.
    Finish,
    /// Abruptly: the connection is dropped mid-body (the `drop` scenario).
    Abort,
}

pub(crate) struct SseWriter {
    body: Chunked,
    rng: Rng,
    style: Style,
    /// This response is one of the oddly framed ones.
    odd: bool,
    eol: &'static str,
    pending: Vec<u8>,
}

impl SseWriter {
    /// Wraps a chunked body and decides (from the seed) whether this response is framed oddly.
    pub(crate) fn new(body: Chunked, mut rng: Rng, style: Style) -> Self {
        let odd = rng.chance(style.odd_chance);
        let crlf = if odd && rng.chance(0.5) { !style.crlf } else { style.crlf };
        let eol = if crlf { "\r\n" } else { "\n" };
        SseWriter { body, rng, style, odd, eol, pending: Vec::new() }
    }

    pub(crate) fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Whether this response departs from the recorded framing (emitters may add their own
    /// robustness checks to such responses, e.g. an unknown field).
    pub(crate) fn odd(&self) -> bool {
        self.odd
    }

    /// Sends one `data: {json}` frame, with an `event:` line as the API frames it and, in an odd
    /// response, perhaps a keep-alive comment before it.
    pub(crate) async fn event(&mut self, kind: &str, data: &Value) -> Result<(), Gone> {
        let eol = self.eol;
        let mut frame = String::new();
        if self.odd && self.rng.chance(0.04) {
            frame.push_str(&format!(": keep-alive{eol}{eol}"));
        }
        if self.style.event_lines && (!self.odd || self.rng.chance(0.5)) {
            frame.push_str(&format!("event: {kind}{eol}"));
        }
        frame.push_str(&format!("data: {data}{eol}{eol}"));
        self.send(frame.as_bytes()).await
    }

    /// Sends a `data: <text>` frame verbatim (e.g. `[DONE]`).
    pub(crate) async fn data_line(&mut self, text: &str) -> Result<(), Gone> {
        let eol = self.eol;
        self.send(format!("data: {text}{eol}{eol}").as_bytes()).await
    }

    /// Sends arbitrary bytes (broken frames), cut like any other frame.
    pub(crate) async fn raw(&mut self, bytes: &[u8]) -> Result<(), Gone> {
        self.send(bytes).await
    }

    /// The `speed` multiplier of this response.
    pub(crate) fn speed(&self) -> f64 {
        self.style.speed
    }

    /// The end-of-line sequence this response uses.
    pub(crate) fn eol(&self) -> &'static str {
        self.eol
    }

    /// Cuts held-back bytes + `bytes` into 1–4 pieces, one chunk each, perhaps holding the tail back.
    async fn send(&mut self, bytes: &[u8]) -> Result<(), Gone> {
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(bytes);
        let mut cuts: Vec<usize> =
            (0..self.rng.range(0, 3)).map(|_| self.rng.range(1, data.len().max(2) - 1)).collect();
        if self.rng.chance(0.5) {
            cuts.extend(self.nasty_cut(&data));
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut start = 0;
        for cut in cuts {
            if cut > start && cut < data.len() {
                self.body.chunk(&data[start..cut]).await?;
                self.piece_pause().await?;
                start = cut;
            }
        }
        let tail = &data[start..];
        if self.style.pacing.carry && self.rng.chance(0.2) {
            self.pending = tail.to_vec();
            return Ok(());
        }
        self.body.chunk(tail).await?;
        self.piece_pause().await
    }

    /// An offset that splits a multi-byte UTF-8 character or a `\r\n` pair, if the bytes have
    /// one: uniform cuts alone rarely land there, and those are the splits clients get wrong.
    fn nasty_cut(&mut self, data: &[u8]) -> Option<usize> {
        let nasty: Vec<usize> = (1..data.len())
            .filter(|&i| (0x80..0xC0).contains(&data[i]) || (data[i - 1] == b'\r' && data[i] == b'\n'))
            .collect();
        (!nasty.is_empty()).then(|| nasty[self.rng.range(0, nasty.len() - 1)])
    }

    async fn piece_pause(&mut self) -> Result<(), Gone> {
        let p = self.style.pacing;
        if p.pause_prob <= 0.0 || !self.rng.chance(p.pause_prob) {
            return if self.body.conn().is_gone() { Err(Gone) } else { Ok(()) };
        }
        let ms = self.rng.range(0, p.pause_max_ms) as u64;
        self.body.conn().sleep(Duration::from_millis(ms)).await
    }

    /// Writes out any held-back bytes.
    pub(crate) async fn flush(&mut self) -> Result<(), Gone> {
        let data = std::mem::take(&mut self.pending);
        self.body.chunk(&data).await
    }

    /// A scenario delay of `ms` (scaled by `speed`). Held-back bytes go out before a real
    /// sleep, so a frame is never stuck half-sent for a whole delay.
    pub(crate) async fn delay(&mut self, ms: f64) -> Result<(), Gone> {
        let scaled = (ms * self.style.speed).max(0.0);
        if scaled > 0.0 {
            self.flush().await?;
            self.body.conn().sleep(Duration::from_secs_f64(scaled / 1000.0)).await?;
        }
        Ok(())
    }

    /// Waits for an absolute send time (the `timestamps` schedule).
    pub(crate) async fn wait_until(&mut self, at: tokio::time::Instant) -> Result<(), Gone> {
        self.flush().await?;
        self.body.conn().sleep_until(at).await
    }

    /// Ends the response as the event sequence decided; a client that is already gone
    /// needs nothing more.
    pub(crate) async fn conclude(mut self, end: Result<End, Gone>) {
        match end {
            Ok(End::Finish) => {
                if self.flush().await.is_ok() {
                    let _ = self.body.finish().await;
                }
            }
            // What was produced goes out, then the connection drops without a terminating chunk.
            Ok(End::Abort) => {
                let _ = self.flush().await;
                self.body.abort();
            }
            Err(Gone) => {}
        }
    }
}
