//! Research that outlives the window: answers that run in the background on the server.
//!
//! [`Runs`] is what is running now, for the sidebar's list and each answer's live progress
//! (searches made, sources found, since when); the window watches it through one channel
//! ([`ResearchEvent`]). [`run`] starts or picks up one run and follows it into its answer in the
//! history; [`resume_all`] picks up, on start-up, every run the last session left going.

pub mod run;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc;

use crate::api::{RunPhase, StreamEvent};

pub use run::{resume_all, run, Job, Resume, Start};

/// One background run, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    pub answer_id: String,
    pub conversation_id: String,
    /// The conversation's title.
    pub title: String,
    /// The model or preset asked.
    pub model: String,
    /// When the answer began (unix ms): the window counts the time from it.
    pub started_at: i64,
    pub phase: RunPhase,
    /// Searches made so far.
    pub searches: u32,
    /// Sources found so far.
    pub sources: u32,
    /// Characters of answer text so far.
    pub chars: u64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Completed,
    Failed,
    Cancelled,
    /// The server no longer had it, or it could not be followed: the answer offers Retry.
    Interrupted,
}

/// What the window hears about background runs, on the channel it gave `research_watch`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum ResearchEvent {
    /// Every run going now (sent when one starts, ends or moves on; progress at most twice a second).
    Runs { runs: Vec<RunInfo> },
    /// A run ended; its answer is saved.
    #[serde(rename_all = "camelCase")]
    Finished { answer_id: String, conversation_id: String, title: String, outcome: RunOutcome },
    /// The person clicked the notification of this answer.
    #[serde(rename_all = "camelCase")]
    Open { conversation_id: String, answer_id: String },
}

/// Progress is sent at most this often; a run starting, ending or changing phase at once.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

type Watcher = Box<dyn Fn(ResearchEvent) -> bool + Send + Sync>;
type OnFinish = Box<dyn Fn(&RunInfo, RunOutcome) + Send + Sync>;

struct Entry {
    info: RunInfo,
    request_id: Option<String>,
    cancel: mpsc::UnboundedSender<()>,
}

#[derive(Default)]
struct Inner {
    runs: BTreeMap<String, Entry>,
    watcher: Option<Watcher>,
    last_sent: Option<Instant>,
}

/// The background runs going now.
#[derive(Default)]
pub struct Runs {
    inner: Mutex<Inner>,
    on_finish: Mutex<Option<OnFinish>>,
}

impl Runs {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The window's channel; it replaces the one before (a reloaded page asks again).
    /// Returns the runs going now.
    pub fn watch(&self, watcher: impl Fn(ResearchEvent) -> bool + Send + Sync + 'static) -> Vec<RunInfo> {
        let mut inner = self.lock();
        inner.watcher = Some(Box::new(watcher));
        inner.runs.values().map(|e| e.info.clone()).collect()
    }

    /// What to do when a run ends (the desktop notification), besides telling the window.
    pub fn on_finish(&self, f: impl Fn(&RunInfo, RunOutcome) + Send + Sync + 'static) {
        *self.on_finish.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(f));
    }

    pub fn list(&self) -> Vec<RunInfo> {
        self.lock().runs.values().map(|e| e.info.clone()).collect()
    }

    /// A run begins; cancels asked for it arrive on the returned receiver.
    pub(crate) fn add(&self, info: RunInfo, request_id: Option<String>) -> mpsc::UnboundedReceiver<()> {
        let (cancel, asked) = mpsc::unbounded_channel();
        let mut inner = self.lock();
        inner.runs.insert(info.answer_id.clone(), Entry { info, request_id, cancel });
        send_list(&mut inner);
        asked
    }

    /// Asks answer `answer_id`'s run to stop; false if no such run is going.
    pub fn cancel(&self, answer_id: &str) -> bool {
        self.lock().runs.get(answer_id).is_some_and(|e| e.cancel.send(()).is_ok())
    }

    /// [`Self::cancel`] by the window's request id (Stop on an answer it is streaming).
    pub fn cancel_request(&self, request_id: &str) -> bool {
        let inner = self.lock();
        let entry = inner.runs.values().find(|e| e.request_id.as_deref() == Some(request_id));
        entry.is_some_and(|e| e.cancel.send(()).is_ok())
    }

    /// Takes in one event of answer `answer_id`.
    pub(crate) fn progress(&self, answer_id: &str, event: &StreamEvent) {
        let mut inner = self.lock();
        let Some(entry) = inner.runs.get_mut(answer_id) else { return };
        let info = &mut entry.info;
        let before = info.phase;
        match event {
            StreamEvent::Searching { queries } => info.searches += queries.len() as u32,
            StreamEvent::Sources { sources } => info.sources = sources.len() as u32,
            StreamEvent::Delta { text } => info.chars += text.chars().count() as u64,
            StreamEvent::Run(status) => info.phase = status.phase,
            _ => {}
        }
        let working = matches!(
            event,
            StreamEvent::Searching { .. }
                | StreamEvent::Sources { .. }
                | StreamEvent::Delta { .. }
                | StreamEvent::Reasoning { .. }
                | StreamEvent::Reading { .. }
        );
        if working && matches!(info.phase, RunPhase::Queued | RunPhase::Reconnecting) {
            info.phase = RunPhase::InProgress;
        }
        let moved = info.phase != before;
        let due = inner.last_sent.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY);
        if moved || (due && (working || matches!(event, StreamEvent::Run(_)))) {
            send_list(&mut inner);
        }
    }

    /// Answer `answer_id`'s run ended, and its answer is saved.
    pub(crate) fn finish(&self, answer_id: &str, outcome: RunOutcome) {
        let mut inner = self.lock();
        let Some(entry) = inner.runs.remove(answer_id) else { return };
        send_list(&mut inner);
        let info = entry.info;
        send(
            &mut inner,
            ResearchEvent::Finished {
                answer_id: info.answer_id.clone(),
                conversation_id: info.conversation_id.clone(),
                title: info.title.clone(),
                outcome,
            },
        );
        drop(inner);
        if let Some(f) = self.on_finish.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(&info, outcome);
        }
    }

    /// The person clicked a notification: the window opens the conversation at the answer.
    pub fn open(&self, conversation_id: &str, answer_id: &str) {
        let event =
            ResearchEvent::Open { conversation_id: conversation_id.to_owned(), answer_id: answer_id.to_owned() };
        send(&mut self.lock(), event);
    }
}

fn send_list(inner: &mut Inner) {
    let runs = inner.runs.values().map(|e| e.info.clone()).collect();
    inner.last_sent = Some(Instant::now());
    send(inner, ResearchEvent::Runs { runs });
}

fn send(inner: &mut Inner, event: ResearchEvent) {
    if let Some(watcher) = &inner.watcher {
        if !watcher(event) {
            // The page that asked is gone; the next one asks again.
            inner.watcher = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::api::{RunStatus, Source};

    fn info(answer: &str) -> RunInfo {
        RunInfo {
            answer_id: answer.into(),
            conversation_id: format!("c-{answer}"),
            title: "Deep question".into(),
            model: "medium".into(),
            started_at: 1,
            phase: RunPhase::Queued,
            searches: 0,
            sources: 0,
            chars: 0,
        }
    }

    fn watched(runs: &Runs) -> Arc<Mutex<Vec<ResearchEvent>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        runs.watch(move |ev| {
            sink.lock().unwrap().push(ev);
            true
        });
        seen
    }

    #[test]
    fn progress_counts_searches_and_sources_and_moves_the_phase() {
        let runs = Runs::default();
        let seen = watched(&runs);
        let _asked = runs.add(info("a1"), Some("r1".into()));
        runs.progress("a1", &StreamEvent::Searching { queries: vec!["x".into(), "y".into()] });
        let source = Source::new(1, "https://a.example/".into(), "A".into(), String::new(), None);
        runs.progress("a1", &StreamEvent::Sources { sources: vec![source.clone(), source] });
        runs.progress("a1", &StreamEvent::Delta { text: "héllo".into() });
        let now = &runs.list()[0];
        assert_eq!((now.searches, now.sources, now.chars, now.phase), (2, 2, 5, RunPhase::InProgress));
        let seen = seen.lock().unwrap();
        assert!(matches!(&seen[0], ResearchEvent::Runs { runs } if runs[0].phase == RunPhase::Queued));
        assert!(
            seen.iter().any(|e| matches!(e, ResearchEvent::Runs { runs } if runs[0].phase == RunPhase::InProgress)),
            "a phase change is sent at once: {seen:?}"
        );
    }

    #[test]
    fn cancel_reaches_the_run_by_answer_or_request() {
        let runs = Runs::default();
        let mut asked = runs.add(info("a1"), Some("r1".into()));
        assert!(runs.cancel("a1") && runs.cancel_request("r1"));
        assert!(!runs.cancel("nope") && !runs.cancel_request("nope"));
        assert_eq!((asked.try_recv(), asked.try_recv()), (Ok(()), Ok(())));
    }

    #[test]
    fn finishing_tells_the_window_and_the_notifier() {
        let runs = Runs::default();
        let seen = watched(&runs);
        let notified = Arc::new(Mutex::new(Vec::new()));
        let n = notified.clone();
        runs.on_finish(move |info, outcome| n.lock().unwrap().push((info.answer_id.clone(), outcome)));
        let _asked = runs.add(info("a1"), None);
        runs.progress(
            "a1",
            &StreamEvent::Run(RunStatus { id: "resp_1".into(), phase: RunPhase::Polling, message: None }),
        );
        runs.finish("a1", RunOutcome::Completed);
        assert!(runs.list().is_empty());
        assert_eq!(*notified.lock().unwrap(), vec![("a1".to_owned(), RunOutcome::Completed)]);
        let seen = seen.lock().unwrap();
        assert!(matches!(seen.last(), Some(ResearchEvent::Finished { outcome: RunOutcome::Completed, .. })));
        assert!(matches!(&seen[seen.len() - 2], ResearchEvent::Runs { runs } if runs.is_empty()));
    }

    #[test]
    fn a_gone_window_is_forgotten() {
        let runs = Runs::default();
        runs.watch(|_| false);
        let _asked = runs.add(info("a1"), None);
        assert!(runs.lock().watcher.is_none());
    }

    #[test]
    fn events_serialize_for_the_window() {
        let ev = ResearchEvent::Open { conversation_id: "c".into(), answer_id: "a".into() };
        assert_eq!(
            serde_json::to_value(ev).unwrap(),
            serde_json::json!({"event": "open", "data": {"conversationId": "c", "answerId": "a"}})
        );
    }
}
