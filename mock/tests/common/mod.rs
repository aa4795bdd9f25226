//! Shared by the mock's integration tests: a deliberately dumb HTTP/1.1 client (plain tokio
//! `TcpStream`, no HTTP crate), so the bytes on the wire are exactly what the tests check.

#![allow(dead_code)]

use std::time::Duration;

use citewise_mock::{MockConfig, MockServer};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Chunked body ended with the terminating `0` chunk.
    pub complete: bool,
    pub chunk_sizes: Vec<usize>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    /// The `data:` payloads parsed as JSON; unparsable frames and `[DONE]` are skipped.
    pub fn events(&self) -> Vec<Value> {
        let text = String::from_utf8_lossy(&self.body).replace("\r\n", "\n");
        text.split("\n\n")
            .filter_map(|frame| {
                let data: Vec<&str> = frame.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
                serde_json::from_str(&data.join("\n")).ok()
            })
            .collect()
    }
}

pub async fn server(seed: u64) -> MockServer {
    let cfg = MockConfig { seed: Some(seed), speed: 0.0, ..MockConfig::default() };
    MockServer::start(cfg).await.expect("server starts")
}

pub async fn request(s: &MockServer, method: &str, path: &str, auth: Option<&str>, body: &str) -> Reply {
    let mut stream = TcpStream::connect(s.base_url().trim_start_matches("http://")).await.expect("connect");
    let auth = auth.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: mock\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(format!("{head}{body}").as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf)).await.expect("timely") {
            Ok(0) | Err(_) => break, // a reset counts as the end, too
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    parse(&raw)
}

pub fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

pub fn parse(raw: &[u8]) -> Reply {
    let end = find(raw, b"\r\n\r\n").expect("response head") + 4;
    let head = std::str::from_utf8(&raw[..end]).expect("ascii head");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut reply = Reply { status, headers, body: Vec::new(), complete: false, chunk_sizes: Vec::new() };
    let mut rest = &raw[end..];
    if reply.header("transfer-encoding") != Some("chunked") {
        reply.body = rest.to_vec();
        reply.complete = true;
        return reply;
    }
    while let Some(line_end) = find(rest, b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap(), 16).unwrap();
        rest = &rest[line_end + 2..];
        if size == 0 {
            reply.complete = true;
            break;
        }
        if rest.len() < size + 2 {
            break; // truncated mid-chunk
        }
        reply.body.extend_from_slice(&rest[..size]);
        reply.chunk_sizes.push(size);
        assert_eq!(&rest[size..size + 2], b"\r\n");
        rest = &rest[size + 2..];
    }
    reply
}

/// Some chunk boundary falls inside a multi-byte UTF-8 character.
pub fn splits_a_character(r: &Reply) -> bool {
    let mut offset = 0;
    r.chunk_sizes.iter().any(|size| {
        offset += size;
        r.body.get(offset).is_some_and(|b| (0x80..0xC0).contains(b))
    })
}

pub fn agent_body(question: &str, stream: bool) -> String {
    json!({"model": "perplexity/sonar", "input": question, "stream": stream}).to_string()
}

pub fn sonar_body(model: &str, question: &str, stream: bool) -> String {
    json!({"model": model, "stream": stream, "messages": [{"role": "user", "content": question}]}).to_string()
}

pub const TERMINAL: [&str; 5] =
    ["response.completed", "response.failed", "response.incomplete", "response.cancelled", "error"];

pub fn kind(e: &Value) -> &str {
    e["type"].as_str().unwrap_or("")
}

pub fn agent_text(events: &[Value]) -> String {
    events.iter().filter(|e| kind(e) == "response.output_text.delta").map(|e| e["delta"].as_str().unwrap()).collect()
}

pub fn sonar_text(events: &[Value]) -> String {
    events.iter().filter_map(|e| e["choices"][0]["delta"]["content"].as_str()).collect()
}
