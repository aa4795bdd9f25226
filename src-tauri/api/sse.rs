//! Server-sent events over a reqwest byte stream, parsed by `eventsource-stream` (which copes with
//! frames and lines split across reads, CRLF, comments and optional `event:` lines).
//!
//! What this adds is the policy for bad input: invalid UTF-8 is replaced (U+FFFD) before parsing,
//! so a garbage frame is skipped instead of stalling the stream, and an undecodable frame is
//! never fatal, while a transport failure ends the stream. An event (or a line) longer than
//! [`MAX_EVENT`] ends it too: that much without a break is not an answer.
//!
//! The parser is fed one line per item. eventsource-stream re-scans its whole buffer for each item
//! and copies what is left after each line it takes, so a large read of many short lines, or a
//! long line in many reads, would cost time quadratic in their size; a line at a time, each byte
//! is scanned and copied a bounded number of times.

use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};

/// The longest event Citewise reads, its lines together (and so the longest line). Perplexity's
/// largest events (a whole response at the end) are tens of kilobytes.
pub const MAX_EVENT: usize = 4 * 1024 * 1024;

#[derive(Debug)]
pub enum Frame {
    /// The `data` of one event (multi-line data already joined).
    Data(String),
    /// A frame that could not be decoded (invalid UTF-8, bad syntax) and was dropped.
    Skipped(String),
    /// The connection failed; nothing more will come.
    Transport(reqwest::Error),
    /// An event or a line passed [`MAX_EVENT`]; nothing more is read.
    TooLong,
}

/// Why the byte stream under the parser ended early.
#[derive(Debug)]
enum Cut {
    Transport(reqwest::Error),
    TooLong,
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cut::Transport(e) => e.fmt(f),
            Cut::TooLong => write!(f, "an event longer than {MAX_EVENT} bytes"),
        }
    }
}

/// Splits a response body into SSE frames. `[DONE]` sentinels are passed through as data: the
/// format mappers decide what they mean.
pub fn frames(
    body: impl Stream<Item = reqwest::Result<bytes::Bytes>> + Send + 'static,
) -> impl Stream<Item = Frame> + Send {
    // eventsource-stream keeps invalid bytes buffered forever (it cannot tell them from a
    // character split across reads), which would swallow the rest of the answer.
    let lines = body
        .scan(Decoder::default(), |decoder, chunk| {
            let items = match chunk {
                _ if decoder.cut => return std::future::ready(None),
                Ok(bytes) => decoder.lines(&bytes),
                Err(err) => vec![Err(Cut::Transport(err))],
            };
            std::future::ready(Some(futures_util::stream::iter(items)))
        })
        .flatten();
    lines.eventsource().filter_map(|item| async move {
        match item {
            Ok(event) if event.data.is_empty() => None,
            Ok(event) => Some(Frame::Data(event.data)),
            Err(EventStreamError::Transport(Cut::Transport(err))) => Some(Frame::Transport(err)),
            Err(EventStreamError::Transport(Cut::TooLong)) => Some(Frame::TooLong),
            Err(other) => Some(Frame::Skipped(other.to_string())),
        }
    })
}

/// The body's text so far: bytes held back, and how far the start of the stream is behind us.
#[derive(Default)]
struct Decoder {
    carry: Vec<u8>,
    bom_checked: bool,
    fed: bool,
    /// The current line, until its end arrives.
    line: String,
    /// Bytes of the current event's earlier lines.
    event: usize,
    /// The last byte was a CR: a LF now belongs to the same line end.
    after_cr: bool,
    /// [`MAX_EVENT`] was passed: nothing more is read.
    cut: bool,
}

impl Decoder {
    /// `chunk` as complete lines (each with its line end; a CR LF may come as two items), or the
    /// cut once an event passes [`MAX_EVENT`]. An unfinished line waits for the next chunk.
    fn lines(&mut self, chunk: &[u8]) -> Vec<Result<bytes::Bytes, Cut>> {
        let text = self.decode(chunk);
        let mut out = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            let after_cr = std::mem::replace(&mut self.after_cr, b == b'\r');
            if b != b'\r' && b != b'\n' {
                continue;
            }
            self.line.push_str(&text[start..=i]);
            start = i + 1;
            let line = std::mem::take(&mut self.line);
            if !(b == b'\n' && after_cr) {
                // The line's own length, without its end; an empty line ends the event.
                let len = line.len() - 1;
                self.event = if len == 0 { 0 } else { self.event + len };
            }
            out.push(Ok(bytes::Bytes::from(line)));
        }
        self.line.push_str(&text[start..]);
        if self.event + self.line.len() > MAX_EVENT {
            self.cut = true;
            self.line = String::new();
            out.push(Err(Cut::TooLong));
        }
        out
    }

    fn decode(&mut self, chunk: &[u8]) -> String {
        let mut text = repair_utf8(&mut self.carry, chunk);
        // eventsource-stream 0.2 removes a leading byte-order mark with `&text[1..]`, which panics
        // inside the 3-byte U+FEFF, so the one BOM the SSE spec allows is dropped here.
        if !self.bom_checked && !text.is_empty() {
            self.bom_checked = true;
            if let Some(rest) = text.strip_prefix('\u{FEFF}') {
                text = rest.to_owned();
            }
        }
        // A second BOM would reach that slice: a leading empty line dispatches nothing and moves
        // the parser past the start, so the BOM stays part of a field name, as the spec says.
        if !self.fed && !text.is_empty() {
            self.fed = true;
            if text.starts_with('\u{FEFF}') {
                text.insert(0, '\n');
            }
        }
        text
    }
}

/// Decodes `chunk` after the bytes `carry` held back from the previous one. A character cut at
/// the end of the chunk is held back for the next call; invalid sequences become U+FFFD.
pub fn repair_utf8(carry: &mut Vec<u8>, chunk: &[u8]) -> String {
    carry.extend_from_slice(chunk);
    let bytes = std::mem::take(carry);
    let mut out = String::with_capacity(bytes.len());
    let mut rest = &bytes[..];
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(err) => {
                let (valid, after) = rest.split_at(err.valid_up_to());
                // `valid_up_to` guarantees this prefix is valid UTF-8.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                match err.error_len() {
                    Some(bad) => {
                        out.push(char::REPLACEMENT_CHARACTER);
                        rest = &after[bad..];
                    }
                    None => {
                        carry.extend_from_slice(after);
                        return out;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_split_across_chunks_are_rejoined() {
        let text = "Everest – 8,849 m ° 🏔";
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let mut carry = Vec::new();
            let mut out = repair_utf8(&mut carry, &bytes[..cut]);
            out.push_str(&repair_utf8(&mut carry, &bytes[cut..]));
            assert_eq!(out, text, "cut at {cut}");
            assert!(carry.is_empty());
        }
    }

    #[test]
    fn invalid_bytes_are_replaced_and_do_not_stall_what_follows() {
        let mut carry = Vec::new();
        let out = repair_utf8(&mut carry, b"data: \xff\xfe garbage\n\n");
        assert_eq!(out, "data: \u{FFFD}\u{FFFD} garbage\n\n");
        assert_eq!(repair_utf8(&mut carry, b"data: ok\n\n"), "data: ok\n\n");
    }

    #[tokio::test]
    async fn a_garbage_frame_is_skipped_and_later_frames_still_arrive() {
        let chunks: Vec<reqwest::Result<bytes::Bytes>> = vec![
            Ok(bytes::Bytes::from_static(b"data: one\r\n\r\n: keep-alive\n\ndata: \xff\xfe\n\nevent: x\ndata: tw")),
            Ok(bytes::Bytes::from_static(b"o\n\n")),
        ];
        let frames: Vec<Frame> = frames(futures_util::stream::iter(chunks)).collect().await;
        let data: Vec<String> = frames
            .into_iter()
            .filter_map(|f| match f {
                Frame::Data(d) => Some(d),
                _ => None,
            })
            .collect();
        assert_eq!(data, ["one", "\u{FFFD}\u{FFFD}", "two"]);
    }

    async fn data_of(chunks: &[&'static [u8]]) -> Vec<String> {
        let chunks: Vec<reqwest::Result<bytes::Bytes>> =
            chunks.iter().map(|c| Ok(bytes::Bytes::from_static(c))).collect();
        let frames: Vec<Frame> = frames(futures_util::stream::iter(chunks)).collect().await;
        frames.into_iter().filter_map(|f| if let Frame::Data(d) = f { Some(d) } else { None }).collect()
    }

    #[tokio::test]
    async fn regression_byte_order_mark_at_the_start_panicked_in_eventsource_stream() {
        assert_eq!(data_of(&[b"\xEF\xBB\xBFdata: one\n\n"]).await, ["one"]);
        assert_eq!(data_of(&[b"\xEF", b"\xBB", b"\xBF", b"data: one\n\n"]).await, ["one"]);
        // Only one BOM is dropped: a second one makes the first line a field named "\u{FEFF}data".
        assert_eq!(data_of(&[b"\xEF\xBB\xBF", b"\xEF\xBB\xBFdata: one\n\ndata: two\n\n"]).await, ["two"]);
    }
}
