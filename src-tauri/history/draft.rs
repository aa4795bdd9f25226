//! An answer as it streams: the events folded into what gets saved, and how often it is saved.
//!
//! The answer is written when something arrives more than [`CHECKPOINT`] after the last write, so
//! a killed process loses at most about a second of text, and a 20,000-token answer costs a few
//! hundred small UPDATEs rather than one per token.

use std::time::Duration;

// tokio's clock, so tests can pause and advance it; outside a runtime it is the system's.
use tokio::time::Instant;

use super::rows::{MessageStatus, StoredError};
use crate::api::{Finish, Image, Source, StreamEvent, Usage};

/// How long received text may stay unsaved.
pub const CHECKPOINT: Duration = Duration::from_millis(1000);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub content: String,
    pub reasoning: String,
    pub queries: Vec<String>,
    pub sources: Vec<Source>,
    pub images: Vec<Image>,
    pub related: Vec<String>,
    pub usage: Option<Usage>,
    pub error: Option<StoredError>,
    pub finish: Option<Finish>,
}

impl Draft {
    /// Folds one event in; returns the status the answer ends with when the event ends it.
    pub fn apply(&mut self, event: &StreamEvent) -> Option<MessageStatus> {
        match event {
            StreamEvent::Delta { text } => self.content.push_str(text),
            StreamEvent::Reasoning { text } => self.reasoning.push_str(text),
            StreamEvent::Searching { queries } => {
                for q in queries {
                    if !self.queries.contains(q) {
                        self.queries.push(q.clone());
                    }
                }
            }
            // Each list is the whole latest one (the mappers send it again when it grows), so a
            // later list replaces an earlier one, as on screen.
            StreamEvent::Sources { sources } => self.sources = sources.clone(),
            StreamEvent::Images { images } => self.images = images.clone(),
            StreamEvent::Related { questions } => self.related = questions.clone(),
            StreamEvent::Usage(usage) => self.usage = Some(Usage::clone(usage)),
            // Progress and account state, not part of the answer.
            StreamEvent::Retrying(_)
            | StreamEvent::Reading { .. }
            | StreamEvent::RateLimit(_)
            | StreamEvent::Saving(_)
            | StreamEvent::Run(_) => {}
            StreamEvent::Done { finish } => {
                self.finish = Some(*finish);
                return Some(match finish {
                    Finish::Cancelled => MessageStatus::Interrupted,
                    Finish::Stop | Finish::Length => MessageStatus::Complete,
                });
            }
            StreamEvent::Error(payload) => {
                self.error = Some(StoredError {
                    kind: payload.kind,
                    message: payload.message.clone(),
                    retry_after: payload.retry_after,
                });
                // A dropped stream is an interruption of a good answer, not a failed one.
                return Some(if payload.kind == crate::error_kind::ErrorKind::Interrupted {
                    MessageStatus::Interrupted
                } else {
                    MessageStatus::Error
                });
            }
        }
        None
    }
}

/// Decides when a streaming answer is written.
pub struct Checkpoints {
    last: Instant,
    dirty: bool,
}

impl Checkpoints {
    pub fn new(now: Instant) -> Self {
        Checkpoints { last: now, dirty: false }
    }

    /// Something arrived at `now`; true when it is time to write.
    pub fn changed(&mut self, now: Instant) -> bool {
        self.dirty = true;
        self.due(now)
    }

    /// True when unsaved changes are older than [`CHECKPOINT`].
    pub fn due(&self, now: Instant) -> bool {
        self.dirty && now.duration_since(self.last) >= CHECKPOINT
    }

    pub fn saved(&mut self, now: Instant) {
        self.last = now;
        self.dirty = false;
    }

    /// A write failed at `now`: the changes stay unsaved, and the next try is a checkpoint later.
    pub fn failed(&mut self, now: Instant) {
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ErrorPayload;

    #[test]
    fn events_fold_into_what_is_saved() {
        let mut d = Draft::default();
        assert_eq!(d.apply(&StreamEvent::Searching { queries: vec!["everest".into()] }), None);
        d.apply(&StreamEvent::Searching { queries: vec!["everest".into(), "k2".into()] });
        d.apply(&StreamEvent::Reasoning { text: "think".into() });
        d.apply(&StreamEvent::Delta { text: "Eight ".into() });
        d.apply(&StreamEvent::Delta { text: "thousand".into() });
        let s = Source::new(1, "https://a.example/".into(), "A".into(), "".into(), None);
        d.apply(&StreamEvent::Sources { sources: vec![s.clone(), s.clone()] });
        d.apply(&StreamEvent::Sources { sources: vec![s.clone()] });
        d.apply(&StreamEvent::Related { questions: vec!["Why?".into()] });
        let img = |u: &str| Image { url: u.into(), origin_url: None, width: None, height: None };
        d.apply(&StreamEvent::Images { images: vec![img("https://a/1.png")] });
        d.apply(&StreamEvent::Images { images: vec![img("https://a/1.png"), img("https://a/2.png")] });
        assert_eq!(d.apply(&StreamEvent::Done { finish: Finish::Length }), Some(MessageStatus::Complete));
        assert_eq!(d.content, "Eight thousand");
        assert_eq!(d.reasoning, "think");
        assert_eq!(d.queries, ["everest", "k2"]);
        assert_eq!(d.sources, [s]);
        assert_eq!(d.images.len(), 2, "a grown list replaces the earlier one, no duplicates");
        assert_eq!(d.finish, Some(Finish::Length));
    }

    #[test]
    fn stop_and_a_dropped_stream_interrupt_other_errors_fail() {
        let mut d = Draft::default();
        assert_eq!(d.apply(&StreamEvent::Done { finish: Finish::Cancelled }), Some(MessageStatus::Interrupted));
        let drop = ErrorPayload {
            kind: crate::error_kind::ErrorKind::Interrupted,
            message: "The connection dropped.".into(),
            retry_after: None,
        };
        assert_eq!(d.apply(&StreamEvent::Error(drop)), Some(MessageStatus::Interrupted));
        let auth =
            ErrorPayload { kind: crate::error_kind::ErrorKind::Auth, message: "Bad key.".into(), retry_after: None };
        assert_eq!(d.apply(&StreamEvent::Error(auth)), Some(MessageStatus::Error));
        assert_eq!(d.error.unwrap().kind, "auth");
    }

    #[test]
    fn checkpoints_come_at_most_once_a_second_and_only_with_news() {
        let t0 = Instant::now();
        let mut c = Checkpoints::new(t0);
        assert!(!c.due(t0 + Duration::from_secs(5)), "nothing new, nothing to write");
        assert!(!c.changed(t0 + Duration::from_millis(400)));
        assert!(!c.changed(t0 + Duration::from_millis(999)));
        assert!(c.due(t0 + Duration::from_millis(1000)), "due even without another event");
        assert!(c.changed(t0 + Duration::from_millis(1200)));
        c.saved(t0 + Duration::from_millis(1200));
        assert!(!c.due(t0 + Duration::from_millis(2500)));
        assert!(!c.changed(t0 + Duration::from_millis(2100)));
        assert!(c.changed(t0 + Duration::from_millis(2200)));
    }
}
