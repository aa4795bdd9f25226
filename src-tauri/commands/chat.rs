//! Sending a question (saved before it is sent, the answer saved as it arrives) and stopping an
//! answer.

use std::sync::Arc;

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::answer::{Answer, Pricing, Saved, Spec};
use crate::api::{ChatRequest, RequestOptions, StreamEvent};
use crate::error::{AppError, Result};
use crate::history::{context, Receipt, Turn, TurnStart};
use crate::images::Images;
use crate::state::{ApiState, History, InFlight, Prices};

/// A question, or a new answer to one, as the window describes it: what `chat_send` sends and
/// `cost_estimate` prices.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Ask {
    pub model: String,
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<RequestOptions>", optional))]
    pub options: RequestOptions,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub conversation_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub parent_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub question: Option<String>,
    /// A question's id to answer again, instead of asking `question`.
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
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
    let answer_id = plan.receipt.assistant_message_id.clone();
    let pricing = Pricing {
        table: prices.current(),
        model: args.ask.model.clone(),
        context: args.ask.options.search.context_size,
    };
    let spec =
        Spec { request_id: args.request_id, answer_id: answer_id.clone(), pricing, images: images.streamed.clone() };
    let store = Saved { db: history.db.clone(), id: answer_id };
    let request = ChatRequest { model: args.ask.model, messages: plan.messages, options: args.ask.options };
    let (client, inflight) = (api.client.clone(), inflight.inner().clone());
    tauri::async_runtime::spawn(async move {
        let request_id = spec.request_id.clone();
        let mut answer = Answer::start(spec, store, move |ev| on_event.send(ev).is_ok(), cancel.clone());
        let end = client.stream_chat(&target.endpoint, &key, &request, &cancel, &mut |ev| answer.emit(ev)).await;
        answer.finish(end).await;
        inflight.finish(&request_id);
    });
    Ok(plan.receipt)
}

/// Stops a running answer; the partial text stays with the UI. False if it had already ended.
#[tauri::command]
pub fn chat_cancel(request_id: String, inflight: State<'_, Arc<InFlight>>) -> bool {
    inflight.cancel(&request_id)
}
