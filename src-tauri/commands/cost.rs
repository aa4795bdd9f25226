//! Cost before and after: the estimate for the question being typed, and what was spent today,
//! this month, per conversation and by day and model.

use serde::Deserialize;
use tauri::State;

use crate::api::RequestOptions;
use crate::error::Result;
use crate::history::context;
use crate::history::{SpendReport, SpendSummary};
use crate::pricing::{Estimate, Sent};
use crate::state::{History, Prices};

/// The question about to be sent, as `chat_send` would get it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimateArgs {
    pub model: String,
    #[serde(default)]
    pub options: RequestOptions,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub regenerate: Option<String>,
}

/// What sending would cost: the earlier turns the send would include (nothing is written), the
/// documented token estimate, and the price table with the person's rows.
#[tauri::command]
pub async fn cost_estimate(
    args: EstimateArgs,
    history: State<'_, History>,
    prices: State<'_, Prices>,
) -> Result<Estimate> {
    let question = args.question.clone().or_else(|| args.regenerate.is_none().then(String::new));
    let turn = super::chat::turn(&args.conversation_id, &args.parent_id, &question, &args.regenerate)?;
    let preview = history.run(move |db| db.preview_turn(&turn, context::DEFAULT_BUDGET)).await?;
    let input = context::request_tokens(&preview.messages, args.options.system_prompt.as_deref());
    let sent = Sent {
        model: &args.model,
        input_tokens: input as u64,
        earlier_messages: preview.earlier(),
        options: &args.options,
    };
    Ok(prices.current().estimate(&sent))
}

#[derive(Debug, Deserialize)]
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
