//! Work that must grow linearly with its input, measured by what it allocates rather than by the
//! clock (a count, not a timing: it cannot flake). A test binary of its own because it installs
//! a counting allocator; it counts only the bytes the test's own thread asks for.
//!
//! - Redacting a log line: it used to clone the whole line for every credential it hid (and
//!   shift its tail), so a 1 MB line with thousands of `Bearer x` cost gigabytes.
//! - Parsing SSE: eventsource-stream copies the rest of its buffer after each line it takes, so
//!   one large read of many short lines cost its size squared.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use citewise::api::sse::{frames, Frame};
use citewise::shell::logging::{redact, REDACTED};
use futures_util::StreamExt;

struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|n| n.set(n.get() + layout.size()));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATED.try_with(|n| n.set(n.get() + new_size));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes this thread allocated while `f` ran, and what `f` returned.
fn allocated<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATED.with(Cell::get);
    let out = f();
    (ALLOCATED.with(Cell::get) - before, out)
}

#[test]
fn redacting_a_1_mb_line_full_of_credentials_and_near_misses_is_linear() {
    let key = format!("pplx-{}", "k".repeat(24));
    let piece = format!("Bearer tok-1 authorization=v2 {key} sk-short bearerx pplx-almost Authorization: ");
    let line = piece.repeat(1024 * 1024 / piece.len());
    let (bytes, out) = allocated(|| redact(&line).into_owned());
    assert!(bytes <= 16 * line.len(), "{bytes} bytes allocated for a {} byte line", line.len());

    // Every credential is gone, every near miss kept.
    let pieces = line.len() / piece.len();
    let want = "Bearer <redacted> authorization=<redacted> <redacted> sk-short bearerx pplx-almost Authorization: ";
    // The trailing `Authorization: ` takes the next piece's `Bearer` as its scheme.
    assert_eq!(out.matches(REDACTED).count(), 3 * pieces, "{}", &out[..300]);
    assert!(out.starts_with(want), "{}", &out[..200]);
    assert!(!out.contains(&key) && !out.contains("tok-1") && !out.contains("v2"));
    assert_eq!(out.matches("sk-short bearerx pplx-almost").count(), pieces);
}

#[test]
fn parsing_a_large_read_of_short_lines_is_linear() {
    let mut body = ": keep-alive\n".repeat(256 * 1024 / 13).into_bytes();
    body.extend_from_slice(b"data: last\n\n");
    let size = body.len();
    let chunk: Vec<reqwest::Result<bytes::Bytes>> = vec![Ok(bytes::Bytes::from(body))];
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let (bytes, data) = allocated(|| {
        runtime.block_on(async {
            let frames: Vec<Frame> = frames(futures_util::stream::iter(chunk)).collect().await;
            frames.into_iter().filter_map(|f| if let Frame::Data(d) = f { Some(d) } else { None }).collect::<Vec<_>>()
        })
    });
    assert_eq!(data, ["last"]);
    assert!(bytes <= 32 * size, "{bytes} bytes allocated for a {size} byte body");
}
