//! Bodies that are not a stream of events (an error page, `/v1/models`, a whole JSON answer), read
//! with a size limit, under a deadline and the cancel token: whatever a server sends, Citewise
//! holds at most the limit in memory and never waits past the deadline. `.text()` has neither.

use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::error::{Error, Result};

/// An error status's body: enough for any JSON error or a proxy's HTML page.
pub const MAX_ERROR_BODY: usize = 64 * 1024;
/// `/v1/models`: 14 KB on 2026-10-09, twice what it was in August; room for the catalogue to grow.
pub const MAX_MODELS_BODY: usize = 256 * 1024;
/// A whole JSON answer (`stream: false`, or a server that ignores `stream`): twice the text cap of
/// a streamed answer, since the JSON also carries sources, reasoning and escapes.
pub const MAX_ANSWER_BODY: usize = 16 * 1024 * 1024;

/// What was read of a body.
#[derive(Debug)]
pub struct Read {
    /// The bytes read, as text (invalid UTF-8 replaced).
    pub text: String,
    /// False when the body was longer than the limit; the rest was never read.
    pub complete: bool,
}

/// Reads at most `limit` bytes of `response`'s body, all of it within `wait`, stopping at once on
/// `cancel`. A transport failure on the way is [`Error::Interrupted`].
pub async fn read(
    response: reqwest::Response,
    limit: usize,
    wait: Duration,
    cancel: &CancellationToken,
) -> Result<Read> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut chunks = response.bytes_stream();
    let mut bytes = Vec::new();
    let mut complete = true;
    loop {
        let next = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            next = tokio::time::timeout_at(deadline, chunks.next()) => next,
        };
        let chunk = match next {
            Err(_) => return Err(Error::Timeout { what: "Reading the response".into() }),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(Error::Interrupted { message: e.to_string() }),
            Ok(Some(Ok(chunk))) => chunk,
        };
        let room = limit - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            complete = false;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    let mut carry = Vec::new();
    // A character cut by the limit is held back in `carry` and dropped.
    let text = super::sse::repair_utf8(&mut carry, &bytes);
    Ok(Read { text, complete })
}

/// `n` bytes in words: "64 KB", "16 MB".
pub fn size(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{} MB", n / (1024 * 1024))
    } else {
        format!("{} KB", n / 1024)
    }
}
