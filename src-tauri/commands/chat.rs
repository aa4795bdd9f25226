//! Sending a question (saved before it is sent, the answer saved as it arrives) and stopping an
//! answer.

use std::sync::Arc;

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::answer::{Answer, Pricing, Saved, Spec};
use crate::api::RunPhase;
use crate::api::{is_deep_preset, ChatRequest, RequestOptions, StreamEvent};
use crate::error::{AppError, Result};
use crate::history::{context, Receipt, Turn, TurnStart};
use crate::images::Images;
use crate::research::{self, RunInfo, Runs};
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
// Tauri hands each managed state in as its own argument.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn chat_send(
    args: ChatSendArgs,
    on_event: Channel<StreamEvent>,
    api: State<'_, ApiState>,
    history: State<'_, History>,
    inflight: State<'_, Arc<InFlight>>,
    prices: State<'_, Prices>,
    images: State<'_, Images>,
    runs: State<'_, Arc<Runs>>,
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
    let spec = Spec {
        request_id: args.request_id,
        answer_id: answer_id.clone(),
        pricing,
        images: images.streamed.clone(),
        resumable: false,
    };
    let background = runs_in_background(&args.ask, target.endpoint.provider.spec().background_runs);
    let request = ChatRequest { model: args.ask.model, messages: plan.messages, options: args.ask.options };
    let (client, inflight) = (api.client.clone(), inflight.inner().clone());
    if background {
        let info = RunInfo {
            answer_id: answer_id.clone(),
            conversation_id: plan.receipt.conversation.id.clone(),
            title: plan.receipt.conversation.title.clone(),
            model: request.model.clone(),
            started_at: research::run::started_now(),
            phase: RunPhase::Queued,
            searches: 0,
            sources: 0,
            chars: 0,
        };
        let job = research::Job {
            info,
            request_id: Some(spec.request_id.clone()),
            start: research::Start::New(Box::new(request)),
            client,
            endpoint: target.endpoint.clone(),
            key,
            db: history.db.clone(),
            pricing: spec.pricing,
            images: spec.images,
        };
        let runs = runs.inner().clone();
        tauri::async_runtime::spawn(async move {
            let request_id = job.request_id.clone().unwrap_or_default();
            research::run(job, runs, move |ev| on_event.send(ev).is_ok()).await;
            inflight.finish(&request_id);
        });
        return Ok(plan.receipt);
    }
    let store = Saved { db: history.db.clone(), id: answer_id };
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
/// A background run is cancelled on the server first.
#[tauri::command]
pub fn chat_cancel(request_id: String, inflight: State<'_, Arc<InFlight>>, runs: State<'_, Arc<Runs>>) -> bool {
    runs.cancel_request(&request_id) || inflight.cancel(&request_id)
}

/// Deep presets take minutes and always run in the background; any other question when the
/// person asked for it. Only where the provider has background runs.
fn runs_in_background(ask: &Ask, provider_can: bool) -> bool {
    provider_can && (ask.options.background || is_deep_preset(&ask.model))
}
