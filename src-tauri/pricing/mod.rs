//! Prices as data (`data/prices.json`: every row with its source and date) and what an answer
//! cost when the API does not say: tokens × the table, plus Sonar's per-request search fee by
//! context size, deep research's citation/reasoning tokens and searches, and the Agent API's
//! per-call tool fees. Totals are rounded to 5 decimal places, as the API reports them.
//! What a question *will* cost is in [`estimate`].
//!
//! One piece (over 400 lines with its tests): the table, the person's overrides and the cost of an
//! answer all read the same rows; about 130 lines are tests.

pub mod catalogue;
pub mod estimate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::provider::FeeRules;
use crate::api::{ContextSize, Cost, Provider, Usage};

pub use catalogue::{Catalogue, CatalogueInfo};
pub use estimate::{Estimate, Learned, Sent};

const BUILTIN: &str = include_str!("../data/prices.json");

/// Request fees per 1,000 requests, by search context size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ContextFees {
    pub low: f64,
    pub medium: f64,
    pub high: f64,
}

impl ContextFees {
    pub fn for_size(&self, size: ContextSize) -> f64 {
        match size {
            ContextSize::Low => self.low,
            ContextSize::Medium => self.medium,
            ContextSize::High => self.high,
        }
    }
}

/// One model's prices (USD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ModelPrice {
    pub model: String,
    pub provider: Provider,
    pub input_per_million: f64,
    pub output_per_million: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_fee_per_thousand: Option<ContextFees>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation_per_million: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_per_million: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_per_thousand: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_per_million: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_per_million: Option<f64>,
    /// Where the price was read (a URL, or "Your price").
    #[serde(default = "your_price")]
    pub source: String,
    /// When it was read, `YYYY-MM-DD`.
    #[serde(default)]
    pub as_of: String,
}

/// The source of a row the person typed in.
pub const YOUR_PRICE: &str = "Your price";

fn your_price() -> String {
    YOUR_PRICE.to_owned()
}

impl ModelPrice {
    /// Every price of the row with its name, for checking.
    fn amounts(&self) -> Vec<(&'static str, f64)> {
        let mut all = vec![("input price", self.input_per_million), ("output price", self.output_per_million)];
        if let Some(f) = &self.request_fee_per_thousand {
            all.extend([("low context fee", f.low), ("medium context fee", f.medium), ("high context fee", f.high)]);
        }
        for (name, value) in [
            ("citation price", self.citation_per_million),
            ("reasoning price", self.reasoning_per_million),
            ("search price", self.search_per_thousand),
            ("cache read price", self.cache_read_per_million),
            ("cache write price", self.cache_write_per_million),
        ] {
            all.extend(value.map(|v| (name, v)));
        }
        all
    }
}

/// A row of the person's prices that cannot be used; the sentence says which and what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InvalidPrice {
    #[error("A price needs a model id.")]
    NoModel,
    #[error("Each model can have one price of yours; {0} has two.")]
    Twice(String),
    #[error("Price for {model}: the {amount} must be a number of dollars, 0 or more.")]
    Amount { model: String, amount: &'static str },
}

/// Checks the person's rows.
pub fn validate_overrides(rows: &[ModelPrice]) -> Result<(), InvalidPrice> {
    for (i, row) in rows.iter().enumerate() {
        let model = row.model.trim();
        if model.is_empty() {
            return Err(InvalidPrice::NoModel);
        }
        if rows[..i].iter().any(|r| r.model.trim() == model) {
            return Err(InvalidPrice::Twice(model.to_owned()));
        }
        if let Some((name, _)) = row.amounts().into_iter().find(|(_, v)| !v.is_finite() || *v < 0.0) {
            return Err(InvalidPrice::Amount { model: model.to_owned(), amount: name });
        }
    }
    Ok(())
}

/// Agent API tool fees, per call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ToolPrices {
    pub web_search_per_call: f64,
    pub fast_search_per_call: f64,
    pub fetch_url_per_call: f64,
    pub source: String,
    pub as_of: String,
}

/// `[typical, most]`.
pub type Range = [u64; 2];

/// How an Agent API preset is estimated: presets pick their model on the server, so the typical
/// figure uses the first (cheapest) model and "up to" the last (costliest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PresetAssumption {
    pub preset: String,
    pub models: Vec<String>,
    /// Billed at the fast-search rate.
    #[serde(default)]
    pub fast_search: bool,
    pub searches: Range,
    pub output: Range,
    /// Tokens of search results read per search, when the preset's differ from the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_result_tokens: Option<u64>,
    pub description: String,
}

/// Not prices: the typical and the longest answer, for estimates. Unset fields take the default's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Assumption {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searches: Option<Range>,
    /// Tokens of search results an Agent API model reads per search (billed as input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_result_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation_tokens: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<Range>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Assumptions {
    #[serde(default)]
    pub note: String,
    pub default: Assumption,
    #[serde(default)]
    pub models: BTreeMap<String, Assumption>,
}

impl Assumptions {
    /// The model's assumption with the default's values where it has none.
    pub fn for_model(&self, model: &str) -> Assumption {
        let own = self.models.get(model).cloned().unwrap_or_default();
        let d = &self.default;
        Assumption {
            output: own.output.or(d.output),
            searches: own.searches.or(d.searches),
            search_result_tokens: own.search_result_tokens.or(d.search_result_tokens),
            citation_tokens: own.citation_tokens.or(d.citation_tokens),
            reasoning_tokens: own.reasoning_tokens.or(d.reasoning_tokens),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PriceTable {
    pub currency: String,
    pub models: Vec<ModelPrice>,
    pub tools: ToolPrices,
    pub presets: Vec<PresetAssumption>,
    pub assumptions: Assumptions,
    /// The live catalogue whose prices are in the table, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<CatalogueInfo>,
}

/// Sonar's default search context size when a request names none.
pub const DEFAULT_CONTEXT: ContextSize = ContextSize::Low;

/// Rounds to 5 decimal places, as the API reports costs.
pub fn round5(amount: f64) -> f64 {
    (amount * 100_000.0).round() / 100_000.0
}

impl PriceTable {
    /// The table shipped with this version.
    pub fn builtin() -> PriceTable {
        serde_json::from_str(BUILTIN).expect("data/prices.json is valid (checked by a test)")
    }

    /// The person's rows replace the shipped ones for the same model (or add models).
    pub fn with_overrides(mut self, overrides: &[ModelPrice]) -> PriceTable {
        for row in overrides {
            match self.models.iter_mut().find(|m| m.model == row.model) {
                Some(existing) => *existing = row.clone(),
                None => self.models.push(row.clone()),
            }
        }
        self
    }

    pub fn get(&self, model: &str) -> Option<&ModelPrice> {
        self.models.iter().find(|m| m.model == model)
    }

    /// A preset's assumption, by its current or an old name.
    pub fn preset(&self, preset: &str) -> Option<&PresetAssumption> {
        let name = crate::api::preset_name(preset)?;
        self.presets.iter().find(|p| p.preset == name)
    }

    /// What `usage` cost by this table; `None` for a model it has no price for (an unknown
    /// price is not $0). `context` is the search context size the request asked for.
    pub fn compute(&self, model: &str, usage: &Usage, context: Option<ContextSize>) -> Option<Cost> {
        let p = self.get(model)?;
        let per_m = |tokens: u64, price: f64| tokens as f64 * price / 1_000_000.0;
        // Cached input tokens are part of `input_tokens` and billed at the cache prices (as the
        // Agent API reports them: `input_cost` for the rest, `cache_read_cost` beside it).
        let read = usage.cache_read_tokens.unwrap_or(0);
        let written = usage.cache_creation_tokens.unwrap_or(0);
        let (read_cost, written_cost) = match (p.cache_read_per_million, p.cache_write_per_million) {
            (None, None) => (None, None),
            (r, w) => (
                Some(per_m(read, r.unwrap_or(p.input_per_million))),
                Some(per_m(written, w.unwrap_or(p.input_per_million))),
            ),
        };
        let uncached =
            if read_cost.is_some() { usage.input_tokens.saturating_sub(read + written) } else { usage.input_tokens };
        let input = per_m(uncached, p.input_per_million)
            + per_m(usage.citation_tokens.unwrap_or(0), p.citation_per_million.unwrap_or(0.0));
        let output = per_m(usage.output_tokens, p.output_per_million)
            + per_m(usage.reasoning_tokens.unwrap_or(0), p.reasoning_per_million.unwrap_or(0.0));
        let searches = usage.searches.unwrap_or(0) as f64;
        let mut request = 0.0;
        if let Some(fees) = &p.request_fee_per_thousand {
            let size = usage.search_context_size.or(context).unwrap_or(DEFAULT_CONTEXT);
            request += fees.for_size(size) / 1000.0;
        }
        if let Some(per_k) = p.search_per_thousand {
            request += searches * per_k / 1000.0;
        } else if p.provider.spec().fees == FeeRules::AgentTools {
            request += searches * self.tools.web_search_per_call;
        }
        let cache = read_cost.unwrap_or(0.0) + written_cost.unwrap_or(0.0);
        Some(Cost {
            total: round5(input + output + request + cache),
            currency: self.currency.clone(),
            input_cost: Some(round5(input)),
            output_cost: Some(round5(output)),
            request_cost: Some(round5(request)),
            cache_read_cost: read_cost.filter(|_| read > 0).map(round5),
            cache_creation_cost: written_cost.filter(|_| written > 0).map(round5),
            computed: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(input: u64, output: u64) -> Usage {
        Usage { input_tokens: input, output_tokens: output, total_tokens: input + output, ..Default::default() }
    }

    #[test]
    fn the_shipped_table_parses_and_every_row_says_where_it_came_from() {
        let table = PriceTable::builtin();
        assert_eq!(table.currency, "USD");
        for name in ["sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research", "perplexity/sonar"] {
            assert!(table.get(name).is_some(), "{name}");
        }
        for row in &table.models {
            assert!(row.source.starts_with("https://"), "{}", row.model);
            assert_eq!(row.as_of.len(), 10, "{}: YYYY-MM-DD", row.model);
        }
    }

    /// A real response: `sonar`, 6 prompt + 1 completion tokens, low context → $0.00501.
    #[test]
    fn worked_example_sonar_low_context() {
        let cost = PriceTable::builtin().compute("sonar", &usage(6, 1), Some(ContextSize::Low)).unwrap();
        assert_eq!(cost.total, 0.00501);
        assert!(cost.computed);
        assert_eq!(cost.request_cost, Some(0.005));
    }

    /// A real response: `sonar-deep-research`, 1188 prompt, 4240 completion, 8014 citation and
    /// 92431 reasoning tokens, 54 searches → $0.59962.
    #[test]
    fn worked_example_sonar_deep_research() {
        let u = Usage {
            citation_tokens: Some(8014),
            reasoning_tokens: Some(92431),
            searches: Some(54),
            ..usage(1188, 4240)
        };
        let cost = PriceTable::builtin().compute("sonar-deep-research", &u, None).unwrap();
        assert_eq!(cost.total, 0.59962);
        assert_eq!(cost.request_cost, Some(0.27), "54 searches at $5 per 1,000");
    }

    #[test]
    fn the_context_size_the_server_reports_sets_the_request_fee() {
        let table = PriceTable::builtin();
        let u = Usage { search_context_size: Some(ContextSize::High), ..usage(0, 0) };
        assert_eq!(table.compute("sonar-pro", &u, Some(ContextSize::Low)).unwrap().total, 0.014);
        assert_eq!(table.compute("sonar-pro", &usage(0, 0), Some(ContextSize::Medium)).unwrap().total, 0.01);
        assert_eq!(table.compute("sonar-pro", &usage(0, 0), None).unwrap().total, 0.006, "low by default");
    }

    #[test]
    fn agent_models_pay_per_web_search_call() {
        let u = Usage { searches: Some(2), ..usage(1000, 1000) };
        let cost = PriceTable::builtin().compute("perplexity/sonar", &u, None).unwrap();
        // 1000 × 0.25/M + 1000 × 2.5/M + 2 × 0.0025
        assert_eq!(cost.total, 0.00775);
    }

    #[test]
    fn unknown_models_have_no_price_rather_than_zero() {
        assert_eq!(PriceTable::builtin().compute("fast", &usage(10, 10), None), None);
        assert_eq!(PriceTable::builtin().compute("gpt-4o-mini", &usage(10, 10), None), None);
    }

    #[test]
    fn overrides_replace_or_add_rows() {
        let mine = ModelPrice {
            model: "sonar".into(),
            provider: Provider::Sonar,
            input_per_million: 2.0,
            output_per_million: 2.0,
            request_fee_per_thousand: None,
            citation_per_million: None,
            reasoning_per_million: None,
            search_per_thousand: None,
            cache_read_per_million: None,
            cache_write_per_million: None,
            source: YOUR_PRICE.into(),
            as_of: "2026-11-22".into(),
        };
        let local = ModelPrice { model: "llama3.1:8b".into(), provider: Provider::OpenAi, ..mine.clone() };
        let table = PriceTable::builtin().with_overrides(&[mine, local]);
        assert_eq!(table.compute("sonar", &usage(1_000_000, 0), None).unwrap().total, 2.0);
        assert!(table.get("llama3.1:8b").is_some());
        assert_eq!(table.models.iter().filter(|m| m.model == "sonar").count(), 1);
    }

    #[test]
    fn presets_and_assumptions_name_only_priced_models() {
        let table = PriceTable::builtin();
        for preset in crate::api::AGENT_PRESETS {
            let p = table.preset(preset).unwrap_or_else(|| panic!("{preset} has no assumption"));
            assert!(!p.models.is_empty());
            for model in &p.models {
                assert!(table.get(model).is_some(), "{preset}: {model} has no price");
            }
            assert!(p.searches[0] <= p.searches[1] && p.output[0] <= p.output[1], "{preset}: typical ≤ most");
        }
        let d = table.assumptions.for_model("no-such-model");
        assert!(d.output.is_some() && d.searches.is_some() && d.search_result_tokens.is_some());
        let deep = table.assumptions.for_model("sonar-deep-research");
        assert_eq!(deep.search_result_tokens, d.search_result_tokens, "unset fields come from the default");
        assert!(deep.reasoning_tokens.is_some());
    }

    #[test]
    fn overrides_are_checked_with_sentences_that_name_the_row() {
        let row = PriceTable::builtin().get("sonar").unwrap().clone();
        assert_eq!(validate_overrides(std::slice::from_ref(&row)), Ok(()));
        let blank = ModelPrice { model: "  ".into(), ..row.clone() };
        assert_eq!(validate_overrides(&[blank]).unwrap_err().to_string(), "A price needs a model id.");
        assert!(validate_overrides(&[row.clone(), row.clone()]).unwrap_err().to_string().contains("sonar has two"));
        let negative = ModelPrice { output_per_million: -1.0, ..row.clone() };
        assert_eq!(
            validate_overrides(&[negative]).unwrap_err().to_string(),
            "Price for sonar: the output price must be a number of dollars, 0 or more."
        );
        let fee =
            ModelPrice { request_fee_per_thousand: Some(ContextFees { low: 1.0, medium: f64::NAN, high: 1.0 }), ..row };
        assert!(validate_overrides(&[fee]).unwrap_err().to_string().contains("medium context fee"));
        let typed: ModelPrice = serde_json::from_str(
            r#"{"model": "llama3.1:8b", "provider": "openai", "inputPerMillion": 0, "outputPerMillion": 0}"#,
        )
        .unwrap();
        assert_eq!(typed.source, YOUR_PRICE, "a row typed without a source is the person's");
    }
}
