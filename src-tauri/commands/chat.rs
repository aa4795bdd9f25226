//! Sending a question and stopping an answer.

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;
use tokio::sync::mpsc;

use crate::api::{self, ChatRequest, Finish, Message, RequestOptions, StreamEvent};
use crate::error::{AppError, Result};
use crate::relay::{relay, FRAME};
use crate::state::{ApiState, InFlight};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSendArgs {
    pub request_id: String,
    pub model: String,
    pub messages: Vec<Message>,
    #[serde(default)]
    pub options: RequestOptions,
}

/// Starts streaming an answer into `on_event` and returns at once; the answer's end arrives on
/// the channel as a `done` or `error` event.
#[tauri::command]
pub async fn chat_send(
    args: ChatSendArgs,
    on_event: Channel<StreamEvent>,
    api: State<'_, ApiState>,
    inflight: State<'_, std::sync::Arc<InFlight>>,
) -> Result<()> {
    let target = api.target().await;
    let key = target.key.ok_or(api::Error::NoKey)?;
    let cancel = inflight.start(&args.request_id).ok_or_else(|| AppError::DuplicateRequest(args.request_id.clone()))?;
    let client = api.client.clone();
    let endpoint = target.endpoint;
    let inflight = inflight.inner().clone();
    let request = ChatRequest { model: args.model, messages: args.messages, options: args.options };
    tauri::async_runtime::spawn(async move {
        let (tx, rx) = mpsc::unbounded_channel();
        let forward = tokio::spawn(relay(rx, FRAME, cancel.clone(), move |ev| on_event.send(ev).is_ok()));
        let mut emit = |ev| {
            let _ = tx.send(ev);
        };
        let end = client.stream_chat(&endpoint, &key, &request, &cancel, &mut emit).await;
        emit(match end {
            Ok(finish) => StreamEvent::Done { finish },
            Err(api::Error::Cancelled) => StreamEvent::Done { finish: Finish::Cancelled },
            Err(err) => {
                log::warn!("request {} ended with {}: {err:?}", args.request_id, err.kind());
                StreamEvent::Error(err.payload())
            }
        });
        drop(tx);
        let _ = forward.await;
        inflight.finish(&args.request_id);
    });
    Ok(())
}

/// Stops a running answer; the partial text stays with the UI. False if it had already ended.
#[tauri::command]
pub fn chat_cancel(request_id: String, inflight: State<'_, std::sync::Arc<InFlight>>) -> bool {
    inflight.cancel(&request_id)
}
