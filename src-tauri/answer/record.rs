//! Saving an answer as it streams: at most [`CHECKPOINT`] of it unsaved, and its end. A failed
//! write (disk full, the file busy) is said to the window as it happens and tried again: at the
//! next checkpoint while streaming, then on [`FINAL_RETRIES`].

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::{SaveError, Store};
use crate::api::{Saving, StreamEvent};
use crate::history::draft::{Checkpoints, Draft, CHECKPOINT};
use crate::history::MessageStatus;

/// How long after the end a failed save is tried again: about two minutes in all.
pub const FINAL_RETRIES: [Duration; 7] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// Folds `events` into a draft and saves it into `store` until the answer's end (or until
/// `events` closes without one: the request task is gone, and the answer is saved with status
/// `abandoned`: interrupted, or still streaming for a background run the next start follows
/// again). `Saving` reports go to `ui`; `ended` fires after the first try of the end, saved or not.
pub async fn record(
    store: impl Store,
    answer_id: String,
    events: mpsc::UnboundedReceiver<StreamEvent>,
    ui: mpsc::UnboundedSender<StreamEvent>,
    ended: oneshot::Sender<()>,
    abandoned: MessageStatus,
) {
    record_with(store, answer_id, events, ui, ended, &FINAL_RETRIES, abandoned).await
}

pub(super) async fn record_with(
    store: impl Store,
    answer_id: String,
    mut events: mpsc::UnboundedReceiver<StreamEvent>,
    ui: mpsc::UnboundedSender<StreamEvent>,
    ended: oneshot::Sender<()>,
    retries: &[Duration],
    abandoned: MessageStatus,
) {
    let mut draft = Draft::default();
    let mut checkpoints = Checkpoints::new(Instant::now());
    let mut status = MessageStatus::Streaming;
    let mut tick = tokio::time::interval(CHECKPOINT / 4);
    let mut failing = false;
    let report = |result: &Result<(), SaveError>, retrying: bool, failing: &mut bool| match result {
        Ok(()) if *failing => {
            *failing = false;
            let _ = ui.send(StreamEvent::Saving(Saving { ok: true, retrying: false, message: None }));
        }
        Ok(()) => {}
        Err(e) => {
            *failing = true;
            let _ = ui.send(StreamEvent::Saving(Saving { ok: false, retrying, message: Some(e.to_string()) }));
        }
    };
    loop {
        let due = tokio::select! {
            event = events.recv() => match event {
                Some(event) => {
                    if let Some(end) = draft.apply(&event) {
                        status = end;
                    }
                    checkpoints.changed(Instant::now())
                }
                // The request task is gone without an end event (it panicked): keep what came.
                None => break,
            },
            _ = tick.tick() => checkpoints.due(Instant::now()),
        };
        if status != MessageStatus::Streaming {
            break;
        }
        if due {
            let result = save(&store, &draft, MessageStatus::Streaming).await;
            match result {
                Ok(()) => checkpoints.saved(Instant::now()),
                Err(_) => checkpoints.failed(Instant::now()),
            }
            report(&result, true, &mut failing);
        }
    }
    let status = if status == MessageStatus::Streaming { abandoned } else { status };
    let mut result = save(&store, &draft, status).await;
    let _ = ended.send(());
    for wait in retries {
        if result.is_ok() {
            break;
        }
        report(&result, true, &mut failing);
        tokio::time::sleep(*wait).await;
        result = save(&store, &draft, status).await;
    }
    if let Err(e) = &result {
        log::warn!("gave up saving answer {answer_id}: {e}");
    }
    report(&result, false, &mut failing);
}

async fn save(store: &impl Store, draft: &Draft, status: MessageStatus) -> Result<(), SaveError> {
    let result = store.save(draft, status).await;
    if let Err(e) = &result {
        log::warn!("could not save the answer: {e}");
    }
    result
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::answer::Saved;
    use crate::api::{Finish, RequestOptions};
    use crate::history::{Db, Turn, TurnStart};

    const FULL: &str = "The history database failed: database or disk is full";

    /// An answer being written into a fresh history.
    fn answer() -> (Arc<Db>, String) {
        let db = Db::open_in_memory().unwrap();
        let start = TurnStart {
            turn: Turn::Ask { conversation: None, parent: None, question: "How high is Everest?".into() },
            model: "fast".into(),
            options: RequestOptions::default(),
        };
        let id = db.begin_turn(&start, 8000).unwrap().receipt.assistant_message_id;
        (Arc::new(db), id)
    }

    /// Its writes fail until the trigger is dropped.
    fn fill_the_disk(db: &Db) {
        db.conn()
            .execute_batch(
                "CREATE TEMP TRIGGER full BEFORE UPDATE ON messages BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
            )
            .unwrap();
    }

    async fn next_saving(ui: &mut mpsc::UnboundedReceiver<StreamEvent>) -> Saving {
        loop {
            match ui.recv().await.expect("the saver reports") {
                StreamEvent::Saving(s) => return s,
                _ => continue,
            }
        }
    }

    #[tokio::test]
    async fn regression_a_failed_save_was_only_logged_and_the_answer_lost() {
        let (db, id) = answer();
        fill_the_disk(&db);
        let (events_tx, events) = mpsc::unbounded_channel();
        let (ui_tx, mut ui) = mpsc::unbounded_channel();
        let (ended_tx, ended) = oneshot::channel();
        const RETRIES: [Duration; 3] = [Duration::from_millis(20), Duration::from_millis(20), Duration::from_secs(30)];
        let store = Saved { db: db.clone(), id: id.clone() };
        let saver =
            tokio::spawn(record_with(store, id.clone(), events, ui_tx, ended_tx, &RETRIES, MessageStatus::Interrupted));
        events_tx.send(StreamEvent::Delta { text: "8,849 m".into() }).unwrap();
        events_tx.send(StreamEvent::Done { finish: Finish::Stop }).unwrap();
        ended.await.expect("the end is not held back by a failing save");
        let failed = next_saving(&mut ui).await;
        assert_eq!(
            failed,
            Saving { ok: false, retrying: true, message: Some(FULL.into()) },
            "the window is told, and that it is being retried"
        );
        assert_eq!(db.message(&id).unwrap().content, "", "not saved yet");
        db.conn().execute_batch("DROP TRIGGER full;").unwrap();
        let mut saved = next_saving(&mut ui).await;
        while !saved.ok {
            saved = next_saving(&mut ui).await;
        }
        assert_eq!(saved, Saving { ok: true, retrying: false, message: None });
        saver.await.unwrap();
        let stored = db.message(&id).unwrap();
        assert_eq!((stored.content.as_str(), stored.status), ("8,849 m", MessageStatus::Complete));
    }

    #[tokio::test]
    async fn a_save_that_never_succeeds_ends_with_a_final_not_saved() {
        let (db, id) = answer();
        fill_the_disk(&db);
        let (events_tx, events) = mpsc::unbounded_channel();
        let (ui_tx, mut ui) = mpsc::unbounded_channel();
        let (ended_tx, _ended) = oneshot::channel();
        events_tx.send(StreamEvent::Delta { text: "lost".into() }).unwrap();
        drop(events_tx);
        let store = Saved { db, id: id.clone() };
        record_with(store, id, events, ui_tx, ended_tx, &[Duration::from_millis(5)], MessageStatus::Interrupted).await;
        let mut last = None;
        while let Ok(event) = ui.try_recv() {
            if let StreamEvent::Saving(s) = event {
                last = Some(s);
            }
        }
        assert_eq!(last, Some(Saving { ok: false, retrying: false, message: Some(FULL.into()) }));
    }
}
