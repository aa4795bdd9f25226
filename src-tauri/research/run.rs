//! One background run from start (or pick-up) to its saved answer.
//!
//! The run's id is written into the answer the moment the server gives it, so from then on
//! nothing that happens to this process loses the run: the next start follows it again from its
//! first event into the same answer (the saved part is replaced, never added to). The answer goes
//! through the same pipeline as any other ([`crate::answer`]): priced, relayed to a window if one
//! is watching, saved at checkpoints and at its end. A window that goes away does not stop it;
//! only a cancel does, and a cancel is asked of the server first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{RunInfo, RunOutcome, Runs};
use crate::answer::{Answer, Pricing, Saved, Spec};
use crate::api::{self, ChatRequest, Client, Endpoint, Finish, Provider, RunPhase, RunStatus, StreamEvent};
use crate::history::runs::UnfinishedRun;
use crate::history::{now_ms, Db};
use crate::images::answers::Streamed;
use crate::pricing::PriceTable;
use crate::secrets::ApiKey;

/// How a run begins.
pub enum Start {
    /// Asks the question as a new run.
    New(Box<ChatRequest>),
    /// Follows the run the server already has under this id.
    Known(String),
}

/// One run to follow, and everything it needs.
pub struct Job {
    pub info: RunInfo,
    /// The window's id for the request, when a window sent it (Stop finds the run by it).
    pub request_id: Option<String>,
    pub start: Start,
    pub client: Client,
    pub endpoint: Endpoint,
    pub key: ApiKey,
    pub db: Arc<Db>,
    pub pricing: Pricing,
    pub images: Arc<Streamed>,
}

/// Follows `job` to its end. `window` gets every event (and returns false once nobody listens,
/// which changes nothing: the run goes on). The run is listed in `runs` at once, before the
/// returned future is first polled.
pub fn run(
    job: Job,
    runs: Arc<Runs>,
    window: impl FnMut(StreamEvent) -> bool + Send + 'static,
) -> impl std::future::Future<Output = ()> + Send {
    let cancels = runs.add(job.info.clone(), job.request_id.clone());
    follow(job, runs, window, cancels)
}

async fn follow(
    job: Job,
    runs: Arc<Runs>,
    mut window: impl FnMut(StreamEvent) -> bool + Send + 'static,
    mut cancels: mpsc::UnboundedReceiver<()>,
) {
    let Job { info, request_id, start, client, endpoint, key, db, pricing, images } = job;
    let answer_id = info.answer_id.clone();
    let spec = Spec {
        request_id: request_id.unwrap_or_else(|| format!("resumed-{answer_id}")),
        answer_id: answer_id.clone(),
        pricing,
        images,
        resumable: true,
    };
    let store = Saved { db: db.clone(), id: answer_id.clone() };
    let mut answer = Answer::start(
        spec,
        store,
        move |ev| {
            window(ev);
            true
        },
        CancellationToken::new(),
    );

    let (tx, mut events) = mpsc::unbounded_channel::<StreamEvent>();
    let follow_token = CancellationToken::new();
    let run_id: Arc<Mutex<Option<String>>> = Arc::default();
    let cancel_asked = Arc::new(AtomicBool::new(false));
    let work = {
        let (client, endpoint, key, follow_token, run_id, cancel_asked) =
            (&client, &endpoint, &key, follow_token.clone(), run_id.clone(), cancel_asked.clone());
        let db = db.clone();
        let answer_id = answer_id.clone();
        async move {
            let mut emit = |ev: StreamEvent| {
                let _ = tx.send(ev);
            };
            let id = match start {
                Start::Known(id) => id,
                Start::New(request) => {
                    let id = client.start_run(endpoint, key, &request, &follow_token, &mut emit).await?;
                    let (db, answer, run) = (db.clone(), answer_id.clone(), id.clone());
                    match tokio::task::spawn_blocking(move || db.set_run(&answer, &run)).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => log::warn!("could not keep the run's id with answer {answer_id}: {e}"),
                        Err(e) => log::warn!("could not keep the run's id with answer {answer_id}: {e}"),
                    }
                    id
                }
            };
            *run_id.lock().unwrap_or_else(|e| e.into_inner()) = Some(id.clone());
            emit(StreamEvent::Run(RunStatus { id: id.clone(), phase: RunPhase::Queued, message: None }));
            if cancel_asked.load(Ordering::SeqCst) {
                // Stop came while the run was being started: stop it now that it has an id.
                if client.cancel_run(endpoint, key, &id).await? == api::Cancel::Cancelled {
                    return Err(api::Error::Cancelled);
                }
                cancel_asked.store(false, Ordering::SeqCst);
            }
            let mut mapper = (endpoint.provider.spec().wire)();
            client.follow_run(endpoint, key, &id, mapper.as_mut(), &follow_token, &mut emit).await
        }
    };
    tokio::pin!(work);
    let end = loop {
        tokio::select! {
            biased;
            Some(event) = events.recv() => {
                runs.progress(&answer_id, &event);
                answer.emit(event);
            }
            end = &mut work => break end,
            Some(()) = cancels.recv() => {
                cancel_asked.store(true, Ordering::SeqCst);
                let id = run_id.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let Some(id) = id else { continue };
                let status = |phase, message| StreamEvent::Run(RunStatus { id: id.clone(), phase, message });
                runs.progress(&answer_id, &status(RunPhase::Cancelling, None));
                answer.emit(status(RunPhase::Cancelling, None));
                match client.cancel_run(&endpoint, &key, &id).await {
                    Ok(api::Cancel::Cancelled) => follow_token.cancel(),
                    // It finished meanwhile: its end, already paid for, is on its way.
                    Ok(api::Cancel::Ended) => cancel_asked.store(false, Ordering::SeqCst),
                    Err(e) => {
                        log::warn!("could not cancel the run of answer {answer_id}: {}", e.kind());
                        cancel_asked.store(false, Ordering::SeqCst);
                        let failed = status(RunPhase::CancelFailed, Some(e.to_string()));
                        runs.progress(&answer_id, &failed);
                        answer.emit(failed);
                    }
                }
            }
        }
    };
    while let Ok(event) = events.try_recv() {
        runs.progress(&answer_id, &event);
        answer.emit(event);
    }
    // Once the server has taken the cancel, its own `response.cancelled` may arrive before the
    // token stops the stream: the person cancelled it, so it ends as cancelled, not as a failure.
    // An answer that completed first stays complete.
    let end = match end {
        Err(_) if follow_token.is_cancelled() || cancel_asked.load(Ordering::SeqCst) => Err(api::Error::Cancelled),
        end => end,
    };
    let outcome = outcome(&end);
    answer.finish(end).await;
    runs.finish(&answer_id, outcome);
}

fn outcome(end: &api::Result<Finish>) -> RunOutcome {
    match end {
        Ok(Finish::Cancelled) | Err(api::Error::Cancelled) => RunOutcome::Cancelled,
        Ok(_) => RunOutcome::Completed,
        Err(api::Error::Interrupted { .. } | api::Error::RunLost) => RunOutcome::Interrupted,
        Err(_) => RunOutcome::Failed,
    }
}

/// What picking up the last session's runs needs from the app.
pub struct Resume {
    pub client: Client,
    /// The Perplexity account's address, and its key if it may be sent there.
    pub base_url: String,
    pub key: api::Result<ApiKey>,
    pub db: Arc<Db>,
    pub prices: Arc<PriceTable>,
    pub images: Arc<Streamed>,
}

/// Picks up every run the last session left going; each is followed on its own task.
pub async fn resume_all(resume: Resume, runs: Arc<Runs>) {
    let db = resume.db.clone();
    let pending = match tokio::task::spawn_blocking(move || db.unfinished_runs()).await {
        Ok(Ok(pending)) => pending,
        Ok(Err(e)) => return log::warn!("could not read the unfinished background runs: {e}"),
        Err(e) => return log::warn!("could not read the unfinished background runs: {e}"),
    };
    if !pending.is_empty() {
        log::info!("following {} background run(s) the last session left going", pending.len());
    }
    for UnfinishedRun { answer_id, conversation_id, title, model, run_id, started_at } in pending {
        let info = RunInfo {
            answer_id,
            conversation_id,
            title,
            model: model.clone(),
            started_at,
            phase: RunPhase::Reconnecting,
            searches: 0,
            sources: 0,
            chars: 0,
        };
        let pricing = Pricing { table: resume.prices.clone(), model, context: None };
        let key = match &resume.key {
            Ok(key) => key.clone(),
            Err(e) => {
                // Without a key the run cannot be asked for: the answer says why, with Retry.
                let spec = Spec {
                    request_id: format!("resumed-{}", info.answer_id),
                    answer_id: info.answer_id.clone(),
                    pricing,
                    images: resume.images.clone(),
                    resumable: false,
                };
                let store = Saved { db: resume.db.clone(), id: info.answer_id.clone() };
                let answer = Answer::start(spec, store, |_| true, CancellationToken::new());
                let err = match e {
                    api::Error::NoKey => api::Error::NoKey,
                    other => api::Error::Failed { message: other.to_string() },
                };
                answer.finish(Err(err)).await;
                continue;
            }
        };
        let job = Job {
            info,
            request_id: None,
            start: Start::Known(run_id),
            client: resume.client.clone(),
            endpoint: Endpoint::new(Provider::Agent, &resume.base_url),
            key,
            db: resume.db.clone(),
            pricing,
            images: resume.images.clone(),
        };
        tokio::spawn(run(job, runs.clone(), |_| true));
    }
}

/// Now, in the history's unit (unix ms).
pub fn started_now() -> i64 {
    now_ms()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes() {
        assert_eq!(outcome(&Ok(Finish::Stop)), RunOutcome::Completed);
        assert_eq!(outcome(&Ok(Finish::Length)), RunOutcome::Completed);
        assert_eq!(outcome(&Err(api::Error::Cancelled)), RunOutcome::Cancelled);
        assert_eq!(outcome(&Err(api::Error::Interrupted { message: String::new() })), RunOutcome::Interrupted);
        assert_eq!(outcome(&Err(api::Error::Failed { message: String::new() })), RunOutcome::Failed);
    }
}
