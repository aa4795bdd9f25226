//! Cost before and after: the estimate for the question being typed, and what was spent today,
//! this month, per conversation and by day and model.

use serde::Deserialize;
use tauri::State;

use super::chat::Ask;
use crate::error::Result;
use crate::history::context;
use crate::history::{SpendReport, SpendSummary};
use crate::pricing::{Estimate, Sent};
use crate::state::{History, Prices};

/// What sending would cost: the earlier turns the send would include (nothing is written), the
/// documented token estimate, and the price table with the person's rows.
#[tauri::command]
pub async fn cost_estimate(mut args: Ask, history: State<'_, History>, prices: State<'_, Prices>) -> Result<Estimate> {
    // An empty question box: what any question costs here.
    if args.regenerate.is_none() {
        args.question.get_or_insert_with(String::new);
    }
    let turn = args.turn()?;
    let preview = history.run(move |db| db.preview_turn(&turn, context::DEFAULT_BUDGET)).await?;
    let input = context::request_tokens(&preview.messages, args.options.system_prompt.as_deref());
    let sent = Sent {
        model: &args.model,
        input_tokens: input as u64,
        earlier_messages: preview.earlier(),
        options: &args.options,
    };
    let mut estimate = prices.current().estimate(&sent);
    // What this preset or model really cost the person lately says more than the table.
    let model = args.model.clone();
    let since = crate::history::now_ms() - LEARN_WINDOW_MS;
    match history.run(move |db| db.recent_costs(&model, since, LEARN_FROM)).await {
        Ok(costs) => estimate.learn(&costs),
        Err(e) => log::warn!("recent costs unavailable: {e}"),
    }
    Ok(estimate)
}

/// Recent answers: at most this many, from at most this far back.
const LEARN_FROM: usize = 20;
const LEARN_WINDOW_MS: i64 = 90 * 86_400_000;

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SummaryArgs {
    /// Where the window's local day and month begin, unix ms.
    pub day_start: i64,
    pub month_start: i64,
    #[serde(default)]
    pub conversation_id: Option<String>,
}

#[tauri::command]
pub async fn spend_summary(args: SummaryArgs, history: State<'_, History>) -> Result<SpendSummary> {
    history.run(move |db| db.spend_summary(args.day_start, args.month_start, args.conversation_id.as_deref())).await
}

/// Spending by day (`bounds`: ascending day starts and the end, unix ms) and by model.
#[tauri::command]
pub async fn spend_report(bounds: Vec<i64>, history: State<'_, History>) -> Result<SpendReport> {
    history.run(move |db| db.spend_report(&bounds)).await
}
