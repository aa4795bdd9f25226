//! An answer on its way from the API to the window and the history, with no Tauri types.
//!
//! Every event the API sends is priced (a usage without a cost gets one from the price table),
//! relayed to the window with its text coalesced ([`relay`]) and folded into a draft that is saved
//! at checkpoints and at the end ([`record`]). The end (`done` or `error`) reaches the window only
//! once the answer is saved or its first save has failed. The window and the history sit behind
//! a closure and the [`Store`] trait, so tests drive the whole pipeline on tokio's paused clock.
//!
//! One piece (over 400 lines with its tests): about 150 lines of pipeline; the rest is its tests on
//! the paused clock, which drive the whole of it together.

pub mod record;
pub mod relay;

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::{self, ContextSize, Finish, StreamEvent};
use crate::history::draft::Draft;
use crate::history::{Db, MessageStatus};
use crate::images::answers::Streamed;
use crate::pricing::PriceTable;

/// Where an answer is saved: the history in the app, a fake in tests.
pub trait Store: Send + Sync + 'static {
    /// Writes the answer as it stands, with `status`.
    fn save(&self, draft: &Draft, status: MessageStatus) -> impl Future<Output = Result<(), SaveError>> + Send;
}

/// Why an answer could not be saved; its text is what the window shows.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    History(#[from] crate::history::Error),
    #[error("the save task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The answer message `id` in the history `db`.
pub struct Saved {
    pub db: Arc<Db>,
    pub id: String,
}

impl Store for Saved {
    async fn save(&self, draft: &Draft, status: MessageStatus) -> Result<(), SaveError> {
        let (db, id, draft) = (self.db.clone(), self.id.clone(), draft.clone());
        tokio::task::spawn_blocking(move || db.save_answer(&id, &draft, status)).await??;
        Ok(())
    }
}

/// Gives a usage without a cost (OpenAI-compatible endpoints, older Sonar) the one computed from
/// the price table, marked as computed; an unknown model stays without a cost.
pub struct Pricing {
    pub table: Arc<PriceTable>,
    /// The model asked for; a preset is priced by the model it resolved to, when the answer names it.
    pub model: String,
    pub context: Option<ContextSize>,
}

impl Pricing {
    pub fn apply(&self, event: StreamEvent) -> StreamEvent {
        match event {
            StreamEvent::Usage(mut usage) if usage.cost.is_none() => {
                let answered = usage.model.as_deref().filter(|m| self.table.get(m).is_some()).unwrap_or(&self.model);
                usage.cost = self.table.compute(answered, &usage, self.context);
                StreamEvent::Usage(usage)
            }
            event => event,
        }
    }
}

/// What an answer is: its request, its message in the history, how it is priced.
pub struct Spec {
    /// The window's id for the request (in the log).
    pub request_id: String,
    /// The answer's message id.
    pub answer_id: String,
    pub pricing: Pricing,
    /// The window may ask for an image before the checkpoint that saves it: until the answer's
    /// last save, `image_fetch` finds the images here.
    pub images: Arc<Streamed>,
    /// A background run: if this process stops following it without an end, the answer stays
    /// `streaming` (the run goes on at the server, and the next start follows it again) instead
    /// of becoming `interrupted`.
    pub resumable: bool,
}

/// One answer in flight: [`Answer::emit`] each event as it comes, then [`Answer::finish`].
pub struct Answer {
    spec: Spec,
    window: mpsc::UnboundedSender<StreamEvent>,
    saver: mpsc::UnboundedSender<StreamEvent>,
    ended: oneshot::Receiver<()>,
    relaying: JoinHandle<()>,
    saving: JoinHandle<()>,
}

impl Answer {
    /// Starts relaying the answer to `window` (which returns false once the window is gone, and
    /// then `cancel` is tripped) and saving it into `store`. Call from within a tokio runtime.
    pub fn start(
        spec: Spec,
        store: impl Store,
        window: impl FnMut(StreamEvent) -> bool + Send + 'static,
        cancel: CancellationToken,
    ) -> Self {
        let (window_tx, window_rx) = mpsc::unbounded_channel();
        let (saver_tx, saver_rx) = mpsc::unbounded_channel();
        let (ended_tx, ended) = oneshot::channel();
        let relaying = tokio::spawn(relay::relay(window_rx, relay::FRAME, cancel, window));
        let abandoned = if spec.resumable { MessageStatus::Streaming } else { MessageStatus::Interrupted };
        let saving = tokio::spawn(record::record(
            store,
            spec.answer_id.clone(),
            saver_rx,
            window_tx.clone(),
            ended_tx,
            abandoned,
        ));
        Answer { spec, window: window_tx, saver: saver_tx, ended, relaying, saving }
    }

    /// One event from the API.
    pub fn emit(&mut self, event: StreamEvent) {
        let event = self.spec.pricing.apply(event);
        if let StreamEvent::Images { images } = &event {
            self.spec.images.set(&self.spec.answer_id, images);
        }
        let _ = self.saver.send(event.clone());
        let _ = self.window.send(event);
    }

    /// The API is done with the answer (`end` is what the request returned): saves the end, then
    /// tells the window, and returns once the saving (or giving up on it) and relaying are over.
    pub async fn finish(self, end: api::Result<Finish>) {
        let last = self.spec.pricing.apply(match end {
            Ok(finish) => StreamEvent::Done { finish },
            Err(api::Error::Cancelled) => StreamEvent::Done { finish: Finish::Cancelled },
            Err(err) => {
                log::warn!("request {} ended with {}: {err:?}", self.spec.request_id, err.kind());
                StreamEvent::Error(err.payload())
            }
        });
        // The end reaches the window only once the answer (and its cost) is saved, so whatever
        // the window asks next — totals, the next estimate — already sees it. A save that fails
        // does not hold the end back: the window says "not saved" while the saver keeps trying.
        let _ = self.saver.send(last.clone());
        drop(self.saver);
        let _ = self.ended.await;
        let _ = self.window.send(last);
        drop(self.window);
        let _ = self.saving.await;
        // Saved (or given up on): from now on the saved message names the answer's images.
        self.spec.images.forget(&self.spec.answer_id);
        let _ = self.relaying.await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;

    use tokio::time::Instant;

    use super::record::FINAL_RETRIES;
    use super::*;
    use crate::api::{Image, Saving, Usage};
    use crate::history::draft::CHECKPOINT;

    /// What happened, and when (time since the answer started), in one list for both sides.
    // A test's log: the size of one variant does not matter.
    #[allow(clippy::large_enum_variant)]
    #[derive(Debug, Clone, PartialEq)]
    enum Seen {
        Saved { content: String, status: MessageStatus },
        Failed,
        Sent(StreamEvent),
    }

    #[derive(Clone)]
    struct Log(Arc<Mutex<Vec<(Duration, Seen)>>>, Instant);

    impl Log {
        fn new() -> Self {
            Log(Arc::default(), Instant::now())
        }
        fn push(&self, seen: Seen) {
            self.0.lock().unwrap().push((self.1.elapsed(), seen));
        }
        fn all(&self) -> Vec<(Duration, Seen)> {
            self.0.lock().unwrap().clone()
        }
        fn sent(&self) -> Vec<StreamEvent> {
            self.all().into_iter().filter_map(|(_, s)| if let Seen::Sent(e) = s { Some(e) } else { None }).collect()
        }
        fn saves(&self) -> Vec<(Duration, Seen)> {
            self.all().into_iter().filter(|(_, s)| !matches!(s, Seen::Sent(_))).collect()
        }
    }

    /// A history that takes `delay` to write and fails the first `failures` writes.
    struct Fake {
        log: Log,
        delay: Duration,
        failures: AtomicUsize,
    }

    impl Store for Fake {
        async fn save(&self, draft: &Draft, status: MessageStatus) -> Result<(), SaveError> {
            tokio::time::sleep(self.delay).await;
            if self.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                self.log.push(Seen::Failed);
                return Err(full().into());
            }
            self.log.push(Seen::Saved { content: draft.content.clone(), status });
            Ok(())
        }
    }

    fn full() -> crate::history::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        )
        .into()
    }

    const FULL: &str = "The history database failed: database or disk is full";

    fn spec(images: Arc<Streamed>) -> Spec {
        Spec {
            request_id: "r1".into(),
            answer_id: "m1".into(),
            pricing: Pricing { table: Arc::new(PriceTable::builtin()), model: "sonar".into(), context: None },
            images,
            resumable: false,
        }
    }

    /// An answer whose history and window write into one log; the window is there while `open`.
    fn start_with(log: &Log, failures: usize, delay: Duration, open: bool) -> (Answer, CancellationToken) {
        let store = Fake { log: log.clone(), delay, failures: AtomicUsize::new(failures) };
        let window = log.clone();
        let cancel = CancellationToken::new();
        let answer = Answer::start(
            spec(Arc::default()),
            store,
            move |ev| {
                window.push(Seen::Sent(ev));
                open
            },
            cancel.clone(),
        );
        (answer, cancel)
    }

    fn start(log: &Log) -> Answer {
        start_with(log, 0, Duration::ZERO, true).0
    }

    fn delta(text: &str) -> StreamEvent {
        StreamEvent::Delta { text: text.into() }
    }

    #[tokio::test(start_paused = true)]
    async fn events_reach_the_window_in_order_with_the_text_coalesced() {
        let log = Log::new();
        let mut answer = start(&log);
        let searching = StreamEvent::Searching { queries: vec!["everest".into()] };
        answer.emit(searching.clone());
        answer.emit(delta("8,8"));
        answer.emit(delta("49 m"));
        answer.emit(StreamEvent::Related { questions: vec!["And K2?".into()] });
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer.emit(delta(" high."));
        answer.finish(Ok(Finish::Stop)).await;
        assert_eq!(
            log.sent(),
            [
                searching,
                delta("8,849 m"),
                StreamEvent::Related { questions: vec!["And K2?".into()] },
                delta(" high."),
                StreamEvent::Done { finish: Finish::Stop },
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_streaming_answer_is_saved_once_a_checkpoint_and_at_its_end() {
        let log = Log::new();
        let mut answer = start(&log);
        let mut text = String::new();
        for i in 0..35 {
            text.push_str(&format!("{i} "));
            answer.emit(delta(&format!("{i} ")));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        answer.finish(Ok(Finish::Stop)).await;
        let saves = log.saves();
        let streaming: Vec<Duration> = saves
            .iter()
            .filter(|(_, s)| matches!(s, Seen::Saved { status: MessageStatus::Streaming, .. }))
            .map(|(at, _)| *at)
            .collect();
        assert_eq!(streaming, [CHECKPOINT, 2 * CHECKPOINT, 3 * CHECKPOINT], "one write a second while it streams");
        let (at, last) = saves.last().unwrap();
        assert_eq!(*at, Duration::from_millis(3500), "the end is written at once");
        assert_eq!(last, &Seen::Saved { content: text, status: MessageStatus::Complete });
    }

    #[tokio::test(start_paused = true)]
    async fn text_that_stops_arriving_is_still_saved_within_a_checkpoint_and_a_tick() {
        let log = Log::new();
        let mut answer = start(&log);
        answer.emit(delta("Eight thousand"));
        tokio::time::sleep(3 * CHECKPOINT).await;
        let saves = log.saves();
        assert_eq!(saves.len(), 1, "one write for one change: {saves:?}");
        let (at, _) = &saves[0];
        assert!(*at >= CHECKPOINT && *at <= CHECKPOINT + CHECKPOINT / 4, "saved after {at:?}");
        answer.finish(Ok(Finish::Stop)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn the_answer_is_saved_before_done_reaches_the_window() {
        let log = Log::new();
        let (mut answer, _) = start_with(&log, 0, Duration::from_millis(300), true);
        answer.emit(delta("8,849 m"));
        answer.finish(Ok(Finish::Stop)).await;
        let all = log.all();
        let saved = all.iter().position(|(_, s)| matches!(s, Seen::Saved { status: MessageStatus::Complete, .. }));
        let done = all.iter().position(|(_, s)| matches!(s, Seen::Sent(StreamEvent::Done { .. })));
        assert!(saved.unwrap() < done.unwrap(), "{all:?}");
        assert_eq!(all[done.unwrap()].0, Duration::from_millis(300), "done waited for the write");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_save_is_retried_then_reported_as_not_saved() {
        let log = Log::new();
        let (mut answer, _) = start_with(&log, usize::MAX, Duration::ZERO, true);
        answer.emit(delta("lost"));
        answer.finish(Ok(Finish::Stop)).await;
        let saves = log.saves();
        assert_eq!(saves.len(), 1 + FINAL_RETRIES.len(), "tried at the end, then once per retry");
        let mut at = Duration::ZERO;
        for ((tried, _), wait) in saves[1..].iter().zip(FINAL_RETRIES) {
            at += wait;
            assert_eq!(*tried, at, "retried on the schedule");
        }
        let sent = log.sent();
        let done = sent.iter().position(|e| matches!(e, StreamEvent::Done { .. })).unwrap();
        let not_saved = |retrying| StreamEvent::Saving(Saving { ok: false, retrying, message: Some(FULL.into()) });
        assert_eq!(sent[done + 1..].first(), Some(&not_saved(true)), "the end is not held back by the failing save");
        assert_eq!(sent.last(), Some(&not_saved(false)), "and finally: not saved, no longer trying");
    }

    #[tokio::test(start_paused = true)]
    async fn a_save_that_fails_then_succeeds_says_saved() {
        let log = Log::new();
        let (mut answer, _) = start_with(&log, 2, Duration::ZERO, true);
        answer.emit(delta("kept"));
        answer.finish(Ok(Finish::Stop)).await;
        let savings: Vec<Saving> = log
            .sent()
            .into_iter()
            .filter_map(|e| if let StreamEvent::Saving(s) = e { Some(s) } else { None })
            .collect();
        assert_eq!(savings.last(), Some(&Saving { ok: true, retrying: false, message: None }));
        assert!(savings[..savings.len() - 1].iter().all(|s| !s.ok && s.retrying));
        assert_eq!(
            log.saves().last().unwrap().1,
            Seen::Saved { content: "kept".into(), status: MessageStatus::Complete }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_error_mid_answer_keeps_the_partial_text() {
        let log = Log::new();
        let mut answer = start(&log);
        answer.emit(delta("Mount Everest is 8,8"));
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let dropped = api::Error::Interrupted { message: "The connection dropped.".into() };
        let payload = dropped.payload();
        answer.finish(Err(dropped)).await;
        assert_eq!(
            log.saves().last().unwrap().1,
            Seen::Saved { content: "Mount Everest is 8,8".into(), status: MessageStatus::Interrupted }
        );
        assert_eq!(log.sent(), [delta("Mount Everest is 8,8"), StreamEvent::Error(payload)]);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_saves_the_answer_as_interrupted_and_says_done() {
        let log = Log::new();
        let mut answer = start(&log);
        answer.emit(delta("Half"));
        answer.finish(Err(api::Error::Cancelled)).await;
        assert_eq!(
            log.saves().last().unwrap().1,
            Seen::Saved { content: "Half".into(), status: MessageStatus::Interrupted }
        );
        assert_eq!(log.sent().last(), Some(&StreamEvent::Done { finish: Finish::Cancelled }));
    }

    #[tokio::test(start_paused = true)]
    async fn a_closed_window_cancels_the_request_and_the_answer_is_still_saved() {
        let log = Log::new();
        let (mut answer, cancel) = start_with(&log, 0, Duration::ZERO, false);
        answer.emit(delta("Nobody reads this"));
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(cancel.is_cancelled());
        answer.finish(Err(api::Error::Cancelled)).await;
        assert_eq!(
            log.saves().last().unwrap().1,
            Seen::Saved { content: "Nobody reads this".into(), status: MessageStatus::Interrupted }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn images_are_found_while_streaming_and_forgotten_once_saved() {
        let log = Log::new();
        let images = Arc::new(Streamed::default());
        let store = Fake { log: log.clone(), delay: Duration::ZERO, failures: AtomicUsize::new(0) };
        let mut answer = Answer::start(spec(images.clone()), store, |_| true, CancellationToken::new());
        let image = Image { url: "https://a.example/1.png".into(), origin_url: None, width: None, height: None };
        answer.emit(StreamEvent::Images { images: vec![image] });
        assert_eq!(images.url("m1", 0).as_deref(), Some("https://a.example/1.png"));
        answer.finish(Ok(Finish::Stop)).await;
        assert_eq!(images.url("m1", 0), None, "the saved message names them now");
    }

    #[test]
    fn a_usage_without_a_cost_is_priced_by_the_model_that_answered() {
        let pricing = Pricing { table: Arc::new(PriceTable::builtin()), model: "sonar".into(), context: None };
        let usage = Usage { input_tokens: 1000, output_tokens: 500, total_tokens: 1500, ..Usage::default() };
        let StreamEvent::Usage(priced) = pricing.apply(StreamEvent::Usage(Box::new(usage.clone()))) else { panic!() };
        assert_eq!(priced.cost, pricing.table.compute("sonar", &usage, None));
        assert!(priced.cost.as_ref().is_some_and(|c| c.computed));
        let resolved = Usage { model: Some("sonar-pro".into()), ..usage.clone() };
        let StreamEvent::Usage(priced) = pricing.apply(StreamEvent::Usage(Box::new(resolved.clone()))) else {
            panic!()
        };
        assert_eq!(priced.cost, pricing.table.compute("sonar-pro", &resolved, None));
        assert_ne!(priced.cost, pricing.table.compute("sonar", &usage, None));
        let unknown = Usage { model: Some("nobody/knows".into()), ..usage.clone() };
        let StreamEvent::Usage(priced) = pricing.apply(StreamEvent::Usage(Box::new(unknown.clone()))) else { panic!() };
        assert_eq!(priced.cost, pricing.table.compute("sonar", &unknown, None), "an unknown model: the one asked for");
        let reported = Usage { cost: priced.cost.clone().map(|c| crate::api::Cost { computed: false, ..c }), ..usage };
        assert_eq!(
            pricing.apply(StreamEvent::Usage(Box::new(reported.clone()))),
            StreamEvent::Usage(Box::new(reported)),
            "left alone"
        );
    }
}
