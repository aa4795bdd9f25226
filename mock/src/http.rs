//! Just enough HTTP/1.1 for the mock, on a raw `TcpStream`, with byte-level control.
//!
//! Owns: reading one request (head up to CRLFCRLF, body by `Content-Length`), writing complete
//! responses, writing `Transfer-Encoding: chunked` bodies chunk by chunk, and noticing that the
//! client went away. Every response is `Connection: close`: one request per connection keeps
//! the state machine trivial. A truncated chunked body (no terminating `0` chunk) is how the
//! `drop` scenario looks to a client: a real protocol-level failure, not a clean EOF.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinHandle;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;
/// How long a finished response waits for the client to close before the socket is dropped.
const LINGER: Duration = Duration::from_secs(2);

/// One parsed request. Header names are lower-case.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The target without its query string.
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// Why no request came out of a connection.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed or failed before sending a whole request: nothing to answer.
    Gone,
    /// A malformed request: answer with this response and close.
    Bad(Response),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Gone
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn bad(status: u16, message: &str) -> ReadError {
    ReadError::Bad(Response::error_json(status, message, "invalid_request_error"))
}

/// Reads one request. Callers bound it with a timeout.
pub(crate) async fn read_request(stream: &mut TcpStream) -> Result<Request, ReadError> {
    let mut buf = Vec::with_capacity(4096);
    let mut tmp = [0u8; 8192];
    let head_len = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(bad(431, "Request header fields too large"));
        }
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            return Err(ReadError::Gone);
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_len - 4]).map_err(|_| bad(400, "Request head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(400, "Malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(bad(400, "Malformed request line"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(400, "Malformed header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut req = Request { method: method.to_string(), target: target.to_string(), headers, body: Vec::new() };
    if req.header("transfer-encoding").is_some() {
        return Err(ReadError::Bad(Response::error_json(
            411,
            "Chunked request bodies are not supported by the mock; send Content-Length",
            "invalid_request_error",
        )));
    }
    let len = match req.header("content-length") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| bad(400, "Invalid Content-Length"))?,
    };
    if len > MAX_BODY {
        return Err(bad(413, "Request body too large"));
    }
    let mut body = buf.split_off(head_len);
    if body.len() < len && req.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    while body.len() < len {
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            return Err(ReadError::Gone);
        }
        body.extend_from_slice(&tmp[..n]);
    }
    body.truncate(len); // pipelined extra bytes are ignored: we close after one response
    req.body = body;
    Ok(req)
}

/// A complete (non-streamed) response.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub(crate) const HTML_401: &str = "<html><head><title>401 Authorization Required</title></head><body><center><h1>401 Authorization Required</h1></center><hr><center>openresty/1.27.1.1</center></body></html>";

impl Response {
    pub(crate) fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    pub(crate) fn json(status: u16, value: &serde_json::Value) -> Self {
        Response::new(status, "application/json", value.to_string())
    }

    /// Perplexity's usual error body: `{"error": {"message", "type", "code"}}`, keys in the order
    /// the real API writes them.
    pub(crate) fn error_json(status: u16, message: &str, kind: &str) -> Self {
        Response::error_with_param(status, message, kind, None)
    }

    /// [`Response::error_json`] with the recorded `param` after `code` when there is one (the Agent
    /// API's unknown-field 400 names the field there). Written by hand: a JSON map would sort the keys.
    pub(crate) fn error_with_param(status: u16, message: &str, kind: &str, param: Option<&str>) -> Self {
        let text = |s: &str| serde_json::Value::from(s).to_string();
        let param = param.map(|p| format!(",\"param\":{}", text(p))).unwrap_or_default();
        let body =
            format!("{{\"error\":{{\"message\":{},\"type\":{},\"code\":{status}{param}}}}}", text(message), text(kind));
        Response::new(status, "application/json", body)
    }

    /// The proxy's 401 page, as real keys get it when they are wrong or missing.
    pub(crate) fn unauthorized() -> Self {
        Response::new(401, "text/html", HTML_401)
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Status line and headers (with `Content-Length`), ready to write before the body.
    pub(crate) fn head_bytes(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", self.body.len()));
        head.into_bytes()
    }
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The client closed the connection (or a write to it failed): stop producing output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gone;

impl From<io::Error> for Gone {
    fn from(_: io::Error) -> Self {
        Gone
    }
}

/// A connection whose request has been read. A background task drains the read side so
/// that a client hang-up is noticed at once, even while the mock sleeps between deltas.
pub(crate) struct Conn {
    write: OwnedWriteHalf,
    gone: watch::Receiver<bool>,
    watcher: JoinHandle<()>,
    /// A streamed body says `Access-Control-Allow-Origin: *` (see [`Conn::allow_any_origin`]).
    any_origin: bool,
}

impl Conn {
    pub(crate) fn new(stream: TcpStream) -> Self {
        let (mut read, write) = stream.into_split();
        let (tx, gone) = watch::channel(false);
        let watcher = tokio::spawn(async move {
            let mut sink = [0u8; 1024];
            // Any bytes after the request are ignored; EOF or an error means the client left.
            while let Ok(n) = read.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
            let _ = tx.send(true);
        });
        Conn { write, gone, watcher, any_origin: false }
    }

    /// Lets a web page of any origin read this connection's streamed body (a plain GET needs no
    /// preflight). The API endpoints never do this: their wire format stays the real one's.
    pub(crate) fn allow_any_origin(mut self) -> Self {
        self.any_origin = true;
        self
    }

    pub(crate) fn is_gone(&self) -> bool {
        *self.gone.borrow()
    }

    /// Sleeps, but returns `Err(Gone)` as soon as the client hangs up.
    pub(crate) async fn sleep(&mut self, d: Duration) -> Result<(), Gone> {
        if self.is_gone() {
            return Err(Gone);
        }
        if d.is_zero() {
            tokio::task::yield_now().await;
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => Ok(()),
            _ = self.gone.wait_for(|g| *g) => Err(Gone),
        }
    }

    /// Sleeps until `deadline` (a no-op when it has passed), watching for a hang-up.
    pub(crate) async fn sleep_until(&mut self, deadline: tokio::time::Instant) -> Result<(), Gone> {
        self.sleep(deadline.saturating_duration_since(tokio::time::Instant::now())).await
    }

    pub(crate) async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), Gone> {
        if self.is_gone() {
            return Err(Gone);
        }
        self.write.write_all(bytes).await?;
        self.write.flush().await?;
        Ok(())
    }

    /// Writes a complete response and closes politely.
    pub(crate) async fn respond(mut self, resp: &Response) {
        let mut bytes = resp.head_bytes();
        bytes.extend_from_slice(&resp.body);
        if self.write_raw(&bytes).await.is_ok() {
            self.close().await;
        }
    }

    /// Writes the head and only the first `body_bytes` of the body, then drops the connection.
    pub(crate) async fn respond_truncated(mut self, resp: &Response, body_bytes: usize) {
        let mut bytes = resp.head_bytes();
        bytes.extend_from_slice(&resp.body[..body_bytes.min(resp.body.len())]);
        let _ = self.write_raw(&bytes).await;
    }

    /// Starts a `200` chunked response with the given content type.
    pub(crate) async fn start_chunked(self, content_type: &str) -> Result<Chunked, Gone> {
        self.start_chunked_with(200, content_type, &[]).await
    }

    /// Starts a chunked response with any status, the given content type and extra headers
    /// (rate-limit headers, a recording's headers).
    pub(crate) async fn start_chunked_with(
        mut self,
        status: u16,
        content_type: &str,
        headers: &[(String, String)],
    ) -> Result<Chunked, Gone> {
        let cors = if self.any_origin { "Access-Control-Allow-Origin: *\r\n" } else { "" };
        let extra: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nCache-Control: no-cache\r\n{extra}{cors}\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            reason(status)
        );
        self.write_raw(head.as_bytes()).await?;
        Ok(Chunked { conn: self })
    }

    /// Sends FIN, then waits (briefly) for the client to close, so unread bytes on our side
    /// cannot turn the close into a RST that destroys the response's tail.
    async fn close(mut self) {
        let _ = self.write.shutdown().await;
        let _ = tokio::time::timeout(LINGER, self.gone.wait_for(|g| *g)).await;
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

/// A chunked response body in progress.
pub(crate) struct Chunked {
    conn: Conn,
}

impl Chunked {
    /// Writes `data` as one chunk (one `write` call) and flushes it.
    pub(crate) async fn chunk(&mut self, data: &[u8]) -> Result<(), Gone> {
        if data.is_empty() {
            return Ok(()); // an empty chunk would terminate the body
        }
        let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
        frame.extend_from_slice(data);
        frame.extend_from_slice(b"\r\n");
        self.conn.write_raw(&frame).await
    }

    pub(crate) fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Ends the body properly with the terminating chunk.
    pub(crate) async fn finish(mut self) -> Result<(), Gone> {
        self.conn.write_raw(b"0\r\n\r\n").await?;
        self.conn.close().await;
        Ok(())
    }

    /// Drops the connection mid-body: no terminating chunk.
    pub(crate) fn abort(self) {
        drop(self.conn);
    }
}
