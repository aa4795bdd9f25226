//! Sending a question (saved before it is sent, the answer saved as it arrives) and stopping an
//! answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;
use tokio::sync::mpsc;

use crate::api::{self, ChatRequest, Finish, RequestOptions, Saving, StreamEvent};
use crate::error::{AppError, Result};
use crate::history::draft::{Checkpoints, Draft, CHECKPOINT};
use crate::history::{context, Db, MessageStatus, Receipt, Turn, TurnStart};
use crate::images::Images;
use crate::answer::relay::{relay, FRAME};
use crate::state::{ApiState, History, InFlight, Prices};

/// A question, or a new answer to one, as the window describes it: what `chat_send` sends and
/// `cost_estimate` prices.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ask {
    pub model: String,
    #[serde(default)]
    pub options: RequestOptions,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub question: Option<String>,
    /// A question's id to answer again, instead of asking `question`.
    #[serde(default)]
    pub regenerate: Option<String>,
}

impl Ask {
    pub fn turn(&self) -> Result<Turn> {
        match (&self.regenerate, &self.question, &self.conversation_id) {
            (Some(question), _, Some(conversation)) => {
                Ok(Turn::Regenerate { conversation: conversation.clone(), question: question.clone() })
            }
            (None, Some(question), conversation) => Ok(Turn::Ask {
                conversation: conversation.clone(),
                parent: self.parent_id.clone(),
                question: question.clone(),
            }),
            _ => Err(crate::history::Error::BadRequest(
                "A request needs a question, or a conversation and the question to answer again.".into(),
            )
            .into()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSendArgs {
    pub request_id: String,
    #[serde(flatten)]
    pub ask: Ask,
}

/// Saves the question, starts streaming the answer into `on_event` and returns at once with the
/// ids; the answer's end arrives on the channel as a `done` or `error` event. Without a key
/// nothing is saved.
#[tauri::command]
pub async fn chat_send(
    args: ChatSendArgs,
    on_event: Channel<StreamEvent>,
    api: State<'_, ApiState>,
    history: State<'_, History>,
    inflight: State<'_, Arc<InFlight>>,
    prices: State<'_, Prices>,
    images: State<'_, Images>,
) -> Result<Receipt> {
    let turn = args.ask.turn()?;
    let target = api.target().await;
    let key = target.key()?.clone();
    let cancel = inflight.start(&args.request_id).ok_or_else(|| AppError::DuplicateRequest(args.request_id.clone()))?;
    let start = TurnStart { turn, model: args.ask.model.clone(), options: args.ask.options.clone() };
    let plan = match history.run(move |db| db.begin_turn(&start, context::DEFAULT_BUDGET)).await {
        Ok(plan) => plan,
        Err(e) => {
            inflight.finish(&args.request_id);
            return Err(e);
        }
    };
    // When the API reports no cost (OpenAI-compatible endpoints, older Sonar), it is computed
    // from the price table and marked as computed; an unknown model stays without a cost.
    let (prices, model, context) = (prices.current(), args.ask.model.clone(), args.ask.options.search.context_size);
    // A preset is priced by the model it resolved to, when the answer names it.
    let priced = move |ev: StreamEvent| match ev {
        StreamEvent::Usage(mut usage) if usage.cost.is_none() => {
            let answered = usage.model.as_deref().filter(|m| prices.get(m).is_some()).unwrap_or(&model);
            usage.cost = prices.compute(answered, &usage, context);
            StreamEvent::Usage(usage)
        }
        ev => ev,
    };
    let request = ChatRequest { model: args.ask.model, messages: plan.messages, options: args.ask.options };
    let answer_id = plan.receipt.assistant_message_id.clone();
    let client = api.client.clone();
    let endpoint = target.endpoint;
    let inflight = inflight.inner().clone();
    let db = history.db.clone();
    // The window may ask for an image before the checkpoint that saves it: until the answer's
    // last save, `image_fetch` finds the images here.
    let streamed = images.streamed.clone();
    tauri::async_runtime::spawn(async move {
        let (tx, rx) = mpsc::unbounded_channel();
        let (save_tx, save_rx) = mpsc::unbounded_channel();
        let forward = tokio::spawn(relay(rx, FRAME, cancel.clone(), move |ev| on_event.send(ev).is_ok()));
        let (ended_tx, ended) = tokio::sync::oneshot::channel();
        let saver = tokio::spawn(record(db, answer_id.clone(), save_rx, tx.clone(), ended_tx));
        let mut emit = |ev: StreamEvent| {
            let ev = priced(ev);
            if let StreamEvent::Images { images } = &ev {
                streamed.set(&answer_id, images);
            }
            let _ = save_tx.send(ev.clone());
            let _ = tx.send(ev);
        };
        let end = client.stream_chat(&endpoint, &key, &request, &cancel, &mut emit).await;
        let last = priced(match end {
            Ok(finish) => StreamEvent::Done { finish },
            Err(api::Error::Cancelled) => StreamEvent::Done { finish: Finish::Cancelled },
            Err(err) => {
                log::warn!("request {} ended with {}: {err:?}", args.request_id, err.kind());
                StreamEvent::Error(err.payload())
            }
        });
        // The end reaches the window only once the answer (and its cost) is saved, so whatever
        // the window asks next — totals, the next estimate — already sees it. A save that fails
        // does not hold the end back: the window says "not saved" while the saver keeps trying.
        let _ = save_tx.send(last.clone());
        drop(save_tx);
        let _ = ended.await;
        let _ = tx.send(last);
        drop(tx);
        let _ = saver.await;
        // Saved (or given up on): from now on the saved message names the answer's images.
        streamed.forget(&answer_id);
        let _ = forward.await;
        inflight.finish(&args.request_id);
    });
    Ok(plan.receipt)
}

/// How long after the end a failed save is tried again: about two minutes in all.
const FINAL_RETRIES: [Duration; 7] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// Saves the answer as it streams: at most [`CHECKPOINT`] of it unsaved, and its end. A failed
/// write (disk full, the file busy) is said on `ui` as it happens and tried again: at the next
/// checkpoint while streaming, then on [`FINAL_RETRIES`]; `ended` fires after the first try of
/// the end, saved or not.
async fn record(
    db: Arc<Db>,
    answer_id: String,
    mut events: mpsc::UnboundedReceiver<StreamEvent>,
    ui: mpsc::UnboundedSender<StreamEvent>,
    ended: tokio::sync::oneshot::Sender<()>,
) {
    record_with(db, answer_id, &mut events, ui, ended, &FINAL_RETRIES).await
}

async fn record_with(
    db: Arc<Db>,
    answer_id: String,
    events: &mut mpsc::UnboundedReceiver<StreamEvent>,
    ui: mpsc::UnboundedSender<StreamEvent>,
    ended: tokio::sync::oneshot::Sender<()>,
    retries: &[Duration],
) {
    let mut draft = Draft::default();
    let mut checkpoints = Checkpoints::new(Instant::now());
    let mut status = MessageStatus::Streaming;
    let mut tick = tokio::time::interval(CHECKPOINT / 4);
    let mut failing = false;
    let report = |result: std::result::Result<(), String>, retrying: bool, failing: &mut bool| match result {
        Ok(()) if *failing => {
            *failing = false;
            let _ = ui.send(StreamEvent::Saving(Saving { ok: true, retrying: false, message: None }));
        }
        Ok(()) => {}
        Err(message) => {
            *failing = true;
            let _ = ui.send(StreamEvent::Saving(Saving { ok: false, retrying, message: Some(message) }));
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
            let result = save(&db, &answer_id, &draft, MessageStatus::Streaming).await;
            match result {
                Ok(()) => checkpoints.saved(Instant::now()),
                Err(_) => checkpoints.failed(Instant::now()),
            }
            report(result, true, &mut failing);
        }
    }
    let status = if status == MessageStatus::Streaming { MessageStatus::Interrupted } else { status };
    let mut result = save(&db, &answer_id, &draft, status).await;
    let _ = ended.send(());
    for wait in retries {
        if result.is_ok() {
            break;
        }
        report(result, true, &mut failing);
        tokio::time::sleep(*wait).await;
        result = save(&db, &answer_id, &draft, status).await;
    }
    if let Err(e) = &result {
        log::warn!("gave up saving answer {answer_id}: {e}");
    }
    report(result, false, &mut failing);
}

async fn save(db: &Arc<Db>, id: &str, draft: &Draft, status: MessageStatus) -> std::result::Result<(), String> {
    let (db, id, draft) = (db.clone(), id.to_owned(), draft.clone());
    let saved = tauri::async_runtime::spawn_blocking(move || db.save_answer(&id, &draft, status)).await;
    let failure = match saved {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(e)) => e.to_string(),
        Err(e) => format!("the save task failed: {e}"),
    };
    log::warn!("could not save the answer: {failure}");
    Err(failure)
}

/// Stops a running answer; the partial text stays with the UI. False if it had already ended.
#[tauri::command]
pub fn chat_cancel(request_id: String, inflight: State<'_, Arc<InFlight>>) -> bool {
    inflight.cancel(&request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "The history database failed: database or disk is full";

    /// An answer being written into a fresh history; its writes fail while `full` is set.
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
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let (ui_tx, mut ui) = mpsc::unbounded_channel();
        let (ended_tx, ended) = tokio::sync::oneshot::channel();
        let retries = [Duration::from_millis(20), Duration::from_millis(20), Duration::from_secs(30)];
        let saver = {
            let db = db.clone();
            let id = id.clone();
            tokio::spawn(async move { record_with(db, id, &mut events, ui_tx, ended_tx, &retries).await })
        };
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
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let (ui_tx, mut ui) = mpsc::unbounded_channel();
        let (ended_tx, _ended) = tokio::sync::oneshot::channel();
        events_tx.send(StreamEvent::Delta { text: "lost".into() }).unwrap();
        drop(events_tx);
        record_with(db, id, &mut events, ui_tx, ended_tx, &[Duration::from_millis(5)]).await;
        let mut last = None;
        while let Ok(event) = ui.try_recv() {
            if let StreamEvent::Saving(s) = event {
                last = Some(s);
            }
        }
        assert_eq!(last, Some(Saving { ok: false, retrying: false, message: Some(FULL.into()) }));
    }
}
