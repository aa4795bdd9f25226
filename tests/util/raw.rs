//! A bare HTTP/1.1 server for answers the mock will not give (redirects, silence, endless bodies):
//! each connection's request is read (head and `Content-Length` body) and recorded, then
//! `answer` writes whatever it likes to the socket.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The requests a [`serve`] listener received, head and body as text.
pub type Seen = Arc<Mutex<Vec<String>>>;

/// Listens on 127.0.0.1; returns `http://127.0.0.1:PORT` and what it receives.
pub async fn serve<F, Fut>(answer: F) -> (String, Seen)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Seen::default();
    let record = seen.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (record, answer) = (record.clone(), answer.clone());
            tokio::spawn(async move {
                let request = read_request(&mut socket).await;
                record.lock().unwrap().push(request);
                answer(socket).await;
            });
        }
    });
    (url, seen)
}

async fn read_request(socket: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return String::from_utf8_lossy(&bytes).into_owned();
            }
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&bytes).into_owned(),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
}

/// Writes a response head, then `chunks` pieces of `chunk` as the body (no `Content-Length`; the
/// connection's end ends it). Returns how many body bytes the peer took before it hung up.
pub async fn write_body(socket: &mut TcpStream, head: &str, chunk: &[u8], chunks: usize) -> usize {
    if socket.write_all(head.as_bytes()).await.is_err() {
        return 0;
    }
    let mut written = 0;
    for _ in 0..chunks {
        if socket.write_all(chunk).await.is_err() {
            break;
        }
        written += chunk.len();
    }
    let _ = socket.shutdown().await;
    written
}
