//! Coalesces a request's events for the webview: text deltas are merged so the UI receives at
//! most one delta message per [`FRAME`], while every other event goes out at once, in order.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::api::StreamEvent;

/// The shortest gap between two text messages to the webview.
///
/// A delta arriving within `FRAME` of the last flush waits for the next one, so under a steady
/// stream each token waits 0–`FRAME` here before the webview waits for its next frame; the UI
/// draws at most once a frame whatever arrives, so this only bounds the channel's message rate
/// (250 a second at most). Measured end to end (`bench/stream.mjs`, both apps without OpenGL
/// compositing, 3 runs each, 2026-11-22): 16 ms (one frame) added p50 +22 / p95 +25 ms to the
/// floor's latency, 4 ms +13 / +8 ms; the UI's frames and DOM updates (60 a second) did not
/// change. (Measured while WebKit still composited with an emulated GPU, frames came every 37 ms
/// and no interval mattered.) Measure again before changing it.
pub const FRAME: Duration = Duration::from_millis(4);

/// Forwards events from `rx` to `send` until `rx` closes. When `send` reports the receiver is
/// gone (window closed or reloaded), the request is cancelled and the rest is dropped.
pub async fn relay(
    mut rx: UnboundedReceiver<StreamEvent>,
    interval: Duration,
    cancel: CancellationToken,
    mut send: impl FnMut(StreamEvent) -> bool,
) {
    let mut pending = String::new();
    let mut last_flush: Option<Instant> = None;
    let mut deadline: Option<Instant> = None;
    let flush = |pending: &mut String, last_flush: &mut Option<Instant>, send: &mut dyn FnMut(StreamEvent) -> bool| {
        *last_flush = Some(Instant::now());
        if pending.is_empty() {
            return true;
        }
        send(StreamEvent::Delta { text: std::mem::take(pending) })
    };
    loop {
        let event = match deadline {
            Some(at) => tokio::select! {
                biased;
                ev = rx.recv() => ev,
                _ = tokio::time::sleep_until(at) => {
                    deadline = None;
                    if !flush(&mut pending, &mut last_flush, &mut send) { break; }
                    continue;
                }
            },
            None => rx.recv().await,
        };
        let alive = match event {
            None => {
                flush(&mut pending, &mut last_flush, &mut send);
                return;
            }
            Some(StreamEvent::Delta { text }) => {
                pending.push_str(&text);
                let due = last_flush.map_or(Instant::now(), |t| t + interval);
                if Instant::now() >= due {
                    deadline = None;
                    flush(&mut pending, &mut last_flush, &mut send)
                } else {
                    deadline.get_or_insert(due);
                    true
                }
            }
            Some(other) => {
                deadline = None;
                flush(&mut pending, &mut last_flush, &mut send) && send(other)
            }
        };
        if !alive {
            break;
        }
    }
    log::info!("the webview stopped listening; cancelling the request");
    cancel.cancel();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Finish;
    use tokio::sync::mpsc;

    fn delta(t: &str) -> StreamEvent {
        StreamEvent::Delta { text: t.into() }
    }

    #[tokio::test(start_paused = true)]
    async fn deltas_within_a_frame_are_merged_and_order_is_kept() {
        let (tx, rx) = mpsc::unbounded_channel();
        let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = sent.clone();
        let task = tokio::spawn(relay(rx, FRAME, CancellationToken::new(), move |ev| {
            sink.lock().unwrap().push((Instant::now(), ev));
            true
        }));
        let step = FRAME / 8;
        tx.send(delta("a")).unwrap(); // first delta goes straight out
        tokio::time::sleep(step).await;
        for t in ["b", "c", "d"] {
            tx.send(delta(t)).unwrap();
            tokio::time::sleep(step).await;
        }
        tx.send(StreamEvent::Searching { queries: vec!["q".into()] }).unwrap(); // flushes "bcd" first
        tx.send(delta("e")).unwrap();
        tx.send(StreamEvent::Done { finish: Finish::Stop }).unwrap();
        drop(tx);
        task.await.unwrap();
        let sent: Vec<StreamEvent> = sent.lock().unwrap().iter().map(|(_, e)| e.clone()).collect();
        assert_eq!(
            sent,
            vec![
                delta("a"),
                delta("bcd"),
                StreamEvent::Searching { queries: vec!["q".into()] },
                delta("e"),
                StreamEvent::Done { finish: Finish::Stop }
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_of_deltas_yields_at_most_one_message_per_frame() {
        let (tx, rx) = mpsc::unbounded_channel();
        let times = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = times.clone();
        let task = tokio::spawn(relay(rx, FRAME, CancellationToken::new(), move |ev| {
            sink.lock().unwrap().push((Instant::now(), ev));
            true
        }));
        let mut expected = String::new();
        for i in 0..1000 {
            let t = format!("{i} ");
            expected.push_str(&t);
            tx.send(delta(&t)).unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        drop(tx);
        task.await.unwrap();
        let times = times.lock().unwrap();
        let joined: String = times
            .iter()
            .map(|(_, e)| match e {
                StreamEvent::Delta { text } => text.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(joined, expected, "no text lost or reordered");
        // The flush when the stream closes goes out at once; every other gap is a full frame.
        for (i, pair) in times[..times.len() - 1].windows(2).enumerate() {
            assert!(pair[1].0 - pair[0].0 >= FRAME, "messages {i} and {} within one frame", i + 1);
        }
        let per_second = 1000 / FRAME.as_millis() as usize;
        assert!(times.len() <= per_second + 2, "{} messages for 1 s of deltas", times.len());
        assert!(times.len() >= per_second - 2, "{} messages for 1 s of deltas: fewer than one per FRAME", times.len());
    }

    #[tokio::test(start_paused = true)]
    async fn at_a_thousand_tokens_a_second_no_token_waits_a_frame() {
        let (tx, rx) = mpsc::unbounded_channel();
        let flushed = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = flushed.clone();
        let task = tokio::spawn(relay(rx, FRAME, CancellationToken::new(), move |ev| {
            if let StreamEvent::Delta { text } = ev {
                sink.lock().unwrap().push((Instant::now(), text.len()));
            }
            true
        }));
        let mut arrived = Vec::new();
        for _ in 0..1000 {
            arrived.push(Instant::now());
            tx.send(delta("w")).unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        drop(tx);
        task.await.unwrap();
        // Token i went out with the first flush whose text reaches past it.
        let mut waits = Vec::new();
        let mut sent = 0;
        for (at, len) in flushed.lock().unwrap().iter() {
            waits.extend(arrived[sent..sent + len].iter().map(|t| *at - *t));
            sent += len;
        }
        assert_eq!(waits.len(), 1000);
        let longest = waits.iter().max().unwrap();
        assert!(*longest < FRAME, "a token waited {longest:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_gone_webview_cancels_the_request() {
        let (tx, rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        tx.send(StreamEvent::Searching { queries: vec![] }).unwrap();
        relay(rx, FRAME, cancel.clone(), |_| false).await;
        assert!(cancel.is_cancelled());
    }
}
