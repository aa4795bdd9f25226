//! Sending a question (saved before it is sent, the answer saved as it arrives) and stopping an
//! answer.

use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;
use tokio::sync::mpsc;

use crate::api::{self, ChatRequest, Finish, RequestOptions, StreamEvent};
use crate::error::{AppError, Result};
use crate::history::draft::{Checkpoints, Draft, CHECKPOINT};
use crate::history::{context, Db, MessageStatus, Receipt, Turn, TurnStart};
use crate::images::Images;
use crate::relay::{relay, FRAME};
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
    let key = target.key.ok_or(api::Error::NoKey)?;
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
        let saver = tokio::spawn(record(db, answer_id.clone(), save_rx));
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
        // the window asks next — totals, the next estimate — already sees it.
        let _ = save_tx.send(last.clone());
        drop(save_tx);
        let _ = saver.await;
        streamed.forget(&answer_id);
        let _ = tx.send(last);
        drop(tx);
        let _ = forward.await;
        inflight.finish(&args.request_id);
    });
    Ok(plan.receipt)
}

/// Saves the answer as it streams: at most [`CHECKPOINT`] of it unsaved, and its end.
async fn record(db: Arc<Db>, answer_id: String, mut events: mpsc::UnboundedReceiver<StreamEvent>) {
    let mut draft = Draft::default();
    let mut checkpoints = Checkpoints::new(Instant::now());
    let mut status = MessageStatus::Streaming;
    let mut tick = tokio::time::interval(CHECKPOINT / 4);
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
            save(&db, &answer_id, &draft, MessageStatus::Streaming).await;
            checkpoints.saved(Instant::now());
        }
    }
    let status = if status == MessageStatus::Streaming { MessageStatus::Interrupted } else { status };
    save(&db, &answer_id, &draft, status).await;
}

async fn save(db: &Arc<Db>, id: &str, draft: &Draft, status: MessageStatus) {
    let (db, id, draft) = (db.clone(), id.to_owned(), draft.clone());
    let saved = tauri::async_runtime::spawn_blocking(move || db.save_answer(&id, &draft, status)).await;
    match saved {
        Ok(Ok(())) => {}
        Ok(Err(e)) => log::warn!("could not save the answer: {e}"),
        Err(e) => log::warn!("the save task failed: {e}"),
    }
}

/// Stops a running answer; the partial text stays with the UI. False if it had already ended.
#[tauri::command]
pub fn chat_cancel(request_id: String, inflight: State<'_, Arc<InFlight>>) -> bool {
    inflight.cancel(&request_id)
}
