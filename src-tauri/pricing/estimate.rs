//! What a question will cost before it is sent: the estimated input tokens of everything sent ×
//! the input price, the per-request or per-search fees for the chosen search context or preset,
//! and the answer at a typical and at the longest length. Two figures come out — typical and
//! "up to" — with every part of both, so the window can explain them.
//!
//! Presets choose their model on the server: the typical figure assumes their cheapest model and
//! typical counts, "up to" their costliest model, most searches and the longest answer. A model
//! with no price gives no figure at all ("unknown price"), never $0.
//!
//! Once the person has had a few answers from a preset or model, what those really cost says
//! more than any table (the prompt cache, the service tier and the fast-search fee all move the
//! price): [`Estimate::learn`] makes the typical figure the median of the recent actual costs and
//! keeps their range, and the breakdown says so.
//!
//! One piece (over 500 lines with its tests): every part of an estimate is built from the same
//! rates and ranges; about 175 lines are tests.

use serde::Serialize;

use super::{Assumption, ModelPrice, PresetAssumption, PriceTable, Range, DEFAULT_CONTEXT};
use crate::api::provider::FeeRules;
use crate::api::{ContextSize, RequestOptions};

/// What will be sent.
#[derive(Debug, Clone, Copy)]
pub struct Sent<'a> {
    pub model: &'a str,
    /// Estimated tokens of the system prompt, the earlier turns sent along and the question.
    pub input_tokens: u64,
    pub earlier_messages: usize,
    pub options: &'a RequestOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum PartKind {
    Input,
    SearchResults,
    Citations,
    Output,
    Reasoning,
    RequestFee,
    Searches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Tokens,
    Requests,
    Searches,
}

/// One line of the breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Part {
    pub kind: PartKind,
    pub typical_units: u64,
    pub max_units: u64,
    pub unit: Unit,
    pub typical: f64,
    pub max: f64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub model: String,
    pub known: bool,
    pub currency: String,
    pub input_tokens: u64,
    pub earlier_messages: usize,
    pub typical: Option<f64>,
    pub max: Option<f64>,
    pub parts: Vec<Part>,
    /// The rows used, with their source and date.
    pub basis: Vec<String>,
    pub preset: Option<PresetAssumption>,
    /// The person's own recent answers with this preset or model, when there are enough.
    pub learned: Option<Learned>,
}

/// What recent answers with the same preset or model really cost (the API's own figures).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Learned {
    pub answers: usize,
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

/// Fewer answers than this say too little to replace the table's typical figure.
pub const LEARN_AFTER: usize = 3;

impl Estimate {
    /// Takes the typical figure from `costs` (recent actual costs, newest first) when there are
    /// at least [`LEARN_AFTER`]: their median, with the range seen. "Up to" stays the table's,
    /// unless an answer really cost more.
    pub fn learn(&mut self, costs: &[f64]) {
        let mut sorted: Vec<f64> = costs.iter().copied().filter(|c| c.is_finite() && *c >= 0.0).collect();
        if sorted.len() < LEARN_AFTER {
            return;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        let (low, high) = (sorted[0], sorted[n - 1]);
        self.typical = Some(median);
        self.max = Some(self.max.map_or(high, |m| m.max(high)));
        self.known = true;
        self.learned = Some(Learned { answers: n, median, low, high });
    }
}

/// Prices per unit for the typical and the "up to" figure (the same row for a plain model).
struct Rates {
    typical: f64,
    max: f64,
}

impl Rates {
    fn same(rate: f64) -> Rates {
        Rates { typical: rate, max: rate }
    }
    fn per_million(typical: &ModelPrice, max: &ModelPrice, field: fn(&ModelPrice) -> f64) -> Rates {
        Rates { typical: field(typical) / 1e6, max: field(max) / 1e6 }
    }
}

fn part(kind: PartKind, unit: Unit, units: Range, rates: Rates, note: String) -> Part {
    Part {
        kind,
        typical_units: units[0],
        max_units: units[1],
        unit,
        typical: units[0] as f64 * rates.typical,
        max: units[1] as f64 * rates.max,
        note,
    }
}

/// "12,345"
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

fn context_name(size: ContextSize) -> &'static str {
    match size {
        ContextSize::Low => "low",
        ContextSize::Medium => "medium",
        ContextSize::High => "high",
    }
}

impl PriceTable {
    /// What sending `sent` would cost by this table.
    pub fn estimate(&self, sent: &Sent) -> Estimate {
        let mut estimate = Estimate {
            model: sent.model.to_owned(),
            known: false,
            currency: self.currency.clone(),
            input_tokens: sent.input_tokens,
            earlier_messages: sent.earlier_messages,
            typical: None,
            max: None,
            parts: Vec::new(),
            basis: Vec::new(),
            preset: None,
            learned: None,
        };
        let parts = match self.preset(sent.model) {
            Some(preset) => {
                estimate.preset = Some(preset.clone());
                self.preset_parts(preset, sent, &mut estimate.basis)
            }
            None => self.get(sent.model).map(|row| {
                estimate.basis.push(basis(row));
                self.model_parts(row, sent, &mut estimate.basis)
            }),
        };
        if let Some(parts) = parts {
            estimate.known = true;
            estimate.typical = Some(parts.iter().map(|p| p.typical).sum());
            estimate.max = Some(parts.iter().map(|p| p.max).sum());
            estimate.parts = parts;
        }
        estimate
    }

    fn output_range(&self, assumed: Range, options: &RequestOptions) -> (Range, String) {
        match options.max_tokens {
            Some(cap) => ([assumed[0].min(cap as u64), cap as u64], "an answer of up to max tokens".to_owned()),
            None => (assumed, "a typical to a long answer".to_owned()),
        }
    }

    fn input_part(&self, sent: &Sent, rates: Rates) -> Part {
        let mut note = match sent.earlier_messages {
            0 => "the question".to_owned(),
            n => format!("the question and {}", plural(n as u64, "earlier message", "earlier messages")),
        };
        if sent.options.system_prompt.as_deref().is_some_and(|p| !p.trim().is_empty()) {
            note.push_str(" with the system prompt");
        }
        part(PartKind::Input, Unit::Tokens, [sent.input_tokens; 2], rates, note)
    }

    fn preset_parts(&self, preset: &PresetAssumption, sent: &Sent, basis: &mut Vec<String>) -> Option<Vec<Part>> {
        let cheap = self.get(preset.models.first()?)?;
        let dear = self.get(preset.models.last()?)?;
        for row in [cheap, dear] {
            if !basis.contains(&self::basis(row)) {
                basis.push(self::basis(row));
            }
        }
        basis.push(self.tools_basis());
        let per_result = preset.search_result_tokens.or(self.assumptions.default.search_result_tokens).unwrap_or(0);
        let (output, output_note) = self.output_range(preset.output, sent.options);
        // Fast search has its own fee, but recorded `fast` answers paid either it or the full
        // web search fee (0.001 and 0.0025 per call): typical the first, "up to" the second.
        let (per_call, search_note) = if preset.fast_search {
            (
                Rates { typical: self.tools.fast_search_per_call, max: self.tools.web_search_per_call },
                format!(
                    "at ${} (fast search) to ${} each",
                    self.tools.fast_search_per_call, self.tools.web_search_per_call
                ),
            )
        } else {
            (Rates::same(self.tools.web_search_per_call), format!("at ${} each", self.tools.web_search_per_call))
        };
        let input = |p: &ModelPrice| p.input_per_million;
        let mut parts = vec![self.input_part(sent, Rates::per_million(cheap, dear, input))];
        // Web search off is `max_tool_calls: 0`: no searches, nothing read.
        if sent.options.search.enabled {
            parts.push(part(
                PartKind::SearchResults,
                Unit::Tokens,
                preset.searches.map(|n| n * per_result),
                Rates::per_million(cheap, dear, input),
                format!("about {} per search", grouped(per_result)),
            ));
        }
        parts.push(part(
            PartKind::Output,
            Unit::Tokens,
            output,
            Rates::per_million(cheap, dear, |p| p.output_per_million),
            output_note,
        ));
        if sent.options.search.enabled {
            parts.push(part(PartKind::Searches, Unit::Searches, preset.searches, per_call, search_note));
        }
        Some(parts)
    }

    fn model_parts(&self, row: &ModelPrice, sent: &Sent, basis: &mut Vec<String>) -> Vec<Part> {
        let a: Assumption = self.assumptions.for_model(&row.model);
        let search = sent.options.search.enabled;
        let per_million = |rate: f64| Rates::same(rate / 1e6);
        let mut parts = vec![self.input_part(sent, per_million(row.input_per_million))];
        match row.provider.spec().fees {
            FeeRules::Sonar => {
                if let (Some(fees), true) = (&row.request_fee_per_thousand, search) {
                    let size = sent.options.search.context_size.unwrap_or(DEFAULT_CONTEXT);
                    parts.push(part(
                        PartKind::RequestFee,
                        Unit::Requests,
                        [1, 1],
                        Rates::same(fees.for_size(size) / 1000.0),
                        format!("{} search context", context_name(size)),
                    ));
                }
                if let (Some(tokens), Some(rate)) = (a.citation_tokens, row.citation_per_million) {
                    parts.push(part(
                        PartKind::Citations,
                        Unit::Tokens,
                        tokens,
                        per_million(rate),
                        "sources read while researching".into(),
                    ));
                }
                if let (Some(searches), Some(per_k)) = (a.searches, row.search_per_thousand) {
                    parts.push(part(
                        PartKind::Searches,
                        Unit::Searches,
                        searches,
                        Rates::same(per_k / 1000.0),
                        format!("at ${per_k} per 1,000"),
                    ));
                }
            }
            FeeRules::AgentTools if search => {
                let searches = a.searches.unwrap_or([1, 1]);
                let per_result = a.search_result_tokens.unwrap_or(0);
                parts.push(part(
                    PartKind::SearchResults,
                    Unit::Tokens,
                    searches.map(|n| n * per_result),
                    per_million(row.input_per_million),
                    format!("about {} per search", grouped(per_result)),
                ));
                let per_call = self.tools.web_search_per_call;
                parts.push(part(
                    PartKind::Searches,
                    Unit::Searches,
                    searches,
                    Rates::same(per_call),
                    format!("at ${per_call} each"),
                ));
                basis.push(self.tools_basis());
            }
            FeeRules::AgentTools | FeeRules::TokensOnly => {}
        }
        let (output, note) = self.output_range(a.output.unwrap_or([0, 0]), sent.options);
        parts.push(part(PartKind::Output, Unit::Tokens, output, per_million(row.output_per_million), note));
        if let (Some(tokens), Some(rate)) = (a.reasoning_tokens, row.reasoning_per_million) {
            parts.push(part(
                PartKind::Reasoning,
                Unit::Tokens,
                tokens,
                per_million(rate),
                "reasoning while researching".into(),
            ));
        }
        parts
    }

    fn tools_basis(&self) -> String {
        format!("Agent API tools: {} ({})", self.tools.source, self.tools.as_of)
    }
}

fn basis(row: &ModelPrice) -> String {
    if row.source == super::catalogue::SOURCE {
        return format!("{}: {}, fetched {}", row.model, row.source, row.as_of);
    }
    if row.as_of.is_empty() {
        format!("{}: {}", row.model, row.source)
    } else {
        format!("{}: {} ({})", row.model, row.source, row.as_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::SearchOptions;

    fn sent<'a>(model: &'a str, input: u64, options: &'a RequestOptions) -> Sent<'a> {
        Sent { model, input_tokens: input, earlier_messages: 0, options }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn kinds(e: &Estimate) -> Vec<PartKind> {
        e.parts.iter().map(|p| p.kind).collect()
    }

    #[test]
    fn sonar_with_search_pays_the_request_fee_of_its_context_size() {
        let table = PriceTable::builtin();
        let options = RequestOptions::default();
        let e = table.estimate(&sent("sonar", 1000, &options));
        assert!(e.known);
        assert_eq!(kinds(&e), [PartKind::Input, PartKind::RequestFee, PartKind::Output]);
        // 1000 in × $1/M + $5/1000 + 400..4096 out × $1/M
        assert!(close(e.typical.unwrap(), 0.001 + 0.005 + 0.0004), "{e:?}");
        assert!(close(e.max.unwrap(), 0.001 + 0.005 + 0.004096));
        assert_eq!(e.basis, ["sonar: https://docs.perplexity.ai/getting-started/pricing (2026-09-01)"]);

        let mut high = RequestOptions::default();
        high.search.context_size = Some(ContextSize::High);
        let e = table.estimate(&sent("sonar", 1000, &high));
        assert!(close(e.parts[1].typical, 0.012));
        assert!(e.parts[1].note.contains("high"));

        let off =
            RequestOptions { search: SearchOptions { enabled: false, ..Default::default() }, ..Default::default() };
        let e = table.estimate(&sent("sonar", 1000, &off));
        assert_eq!(kinds(&e), [PartKind::Input, PartKind::Output], "no search, no request fee");
    }

    #[test]
    fn max_tokens_caps_the_answer() {
        let table = PriceTable::builtin();
        let options = RequestOptions { max_tokens: Some(100), ..Default::default() };
        let e = table.estimate(&sent("sonar-pro", 0, &options));
        let output = e.parts.iter().find(|p| p.kind == PartKind::Output).unwrap();
        assert_eq!((output.typical_units, output.max_units), (100, 100));
        assert!(close(output.max, 100.0 * 15.0 / 1e6));
    }

    #[test]
    fn deep_research_counts_citations_reasoning_and_searches() {
        let e = PriceTable::builtin().estimate(&sent("sonar-deep-research", 1188, &RequestOptions::default()));
        assert_eq!(
            kinds(&e),
            [PartKind::Input, PartKind::Citations, PartKind::Searches, PartKind::Output, PartKind::Reasoning]
        );
        // The real answer in the pricing tests cost $0.59962: typical and "up to" bracket it.
        assert!(e.typical.unwrap() < 0.59962 && 0.59962 < e.max.unwrap(), "{:?} {:?}", e.typical, e.max);
    }

    #[test]
    fn agent_models_pay_per_search_and_read_the_results() {
        let table = PriceTable::builtin();
        let e = table.estimate(&sent("perplexity/sonar", 2000, &RequestOptions::default()));
        assert_eq!(kinds(&e), [PartKind::Input, PartKind::SearchResults, PartKind::Searches, PartKind::Output]);
        let searches = &e.parts[2];
        assert_eq!((searches.typical_units, searches.max_units), (1, 3));
        assert!(close(searches.max, 3.0 * 0.0025));
        assert!(e.basis.iter().any(|b| b.starts_with("Agent API tools")));
        let off =
            RequestOptions { search: SearchOptions { enabled: false, ..Default::default() }, ..Default::default() };
        assert_eq!(kinds(&table.estimate(&sent("perplexity/sonar", 2000, &off))), [PartKind::Input, PartKind::Output]);
    }

    #[test]
    fn presets_are_a_range_from_their_cheapest_to_their_costliest_model() {
        let table = PriceTable::builtin();
        let e = table.estimate(&sent("high", 1000, &RequestOptions::default()));
        assert!(e.known);
        let preset = e.preset.as_ref().unwrap();
        assert_eq!(preset.models, ["openai/gpt-5.4", "anthropic/claude-sonnet-4-6"]);
        let input = &e.parts[0];
        assert!(close(input.typical, 1000.0 * 2.5 / 1e6) && close(input.max, 1000.0 * 3.0 / 1e6));
        assert!(e.max.unwrap() > e.typical.unwrap() * 3.0, "{e:?}");
        let fast = table.estimate(&sent("fast", 1000, &RequestOptions::default()));
        let searches = fast.parts.iter().find(|p| p.kind == PartKind::Searches).unwrap();
        assert!(close(searches.typical, 0.001), "fast search rate");
        assert!(fast.typical.unwrap() < e.typical.unwrap());
    }

    /// The recorded `fast` answers (tests/fixtures/real) cost $0.00105, $0.00125 and $0.00264;
    /// the estimate said ≈ $0.0024 typical before the presets were described as they are.
    #[test]
    fn regression_the_fast_estimate_was_twice_what_recorded_fast_answers_cost() {
        let e = PriceTable::builtin().estimate(&sent("fast", 30, &RequestOptions::default()));
        let typical = e.typical.unwrap();
        assert!((0.0008..0.0018).contains(&typical), "typical {typical}");
        assert!(e.max.unwrap() >= 0.00264, "up to {:?} brackets every recorded fast answer", e.max);
        let searches = e.parts.iter().find(|p| p.kind == PartKind::Searches).unwrap();
        assert!(close(searches.typical, 0.001) && close(searches.max, 2.0 * 0.0025), "{searches:?}");
    }

    #[test]
    fn recent_actual_costs_make_the_typical_figure() {
        let table = PriceTable::builtin();
        let mut e = table.estimate(&sent("fast", 30, &RequestOptions::default()));
        let table_max = e.max.unwrap();
        e.learn(&[0.00105, 0.00264]);
        assert_eq!(e.learned, None, "two answers are not enough");
        e.learn(&[0.00105, 0.00264, 0.00125]);
        assert_eq!(e.learned, Some(Learned { answers: 3, median: 0.00125, low: 0.00105, high: 0.00264 }));
        assert_eq!((e.typical, e.max), (Some(0.00125), Some(table_max)));
        let mut e = table.estimate(&sent("fast", 30, &RequestOptions::default()));
        e.learn(&[0.001, 0.002, 0.05, 0.003]);
        assert_eq!(e.typical, Some(0.0025), "the median of an even count");
        assert_eq!(e.max, Some(0.05), "an answer that cost more than the table's \"up to\" raises it");
        let mut unknown = table.estimate(&sent("gpt-4o-mini", 30, &RequestOptions::default()));
        unknown.learn(&[0.01, 0.02, 0.03]);
        assert!(unknown.known && unknown.typical == Some(0.02), "answers give a figure where the table has none");
    }

    #[test]
    fn a_preset_with_web_search_off_makes_no_searches() {
        let off =
            RequestOptions { search: SearchOptions { enabled: false, ..Default::default() }, ..Default::default() };
        let e = PriceTable::builtin().estimate(&sent("medium", 1000, &off));
        assert_eq!(kinds(&e), [PartKind::Input, PartKind::Output]);
        let e = PriceTable::builtin().estimate(&sent("deep-research", 1000, &RequestOptions::default()));
        assert_eq!(e.preset.unwrap().preset, "medium", "old names are the same preset");
    }

    #[test]
    fn an_unknown_model_has_no_figure_rather_than_zero() {
        let e = PriceTable::builtin().estimate(&sent("gpt-4o-mini", 50, &RequestOptions::default()));
        assert!(!e.known);
        assert_eq!((e.typical, e.max), (None, None));
        assert!(e.parts.is_empty());
        assert_eq!(e.input_tokens, 50, "the tokens are still shown");
    }

    #[test]
    fn an_override_prices_a_model_the_table_did_not_know() {
        let row = ModelPrice {
            model: "gpt-4o-mini".into(),
            provider: crate::api::Provider::OpenAi,
            input_per_million: 0.15,
            output_per_million: 0.6,
            request_fee_per_thousand: None,
            citation_per_million: None,
            reasoning_per_million: None,
            search_per_thousand: None,
            cache_read_per_million: None,
            cache_write_per_million: None,
            source: super::super::YOUR_PRICE.into(),
            as_of: "2026-11-22".into(),
        };
        let table = PriceTable::builtin().with_overrides(&[row]);
        let e = table.estimate(&sent("gpt-4o-mini", 1_000_000, &RequestOptions::default()));
        assert_eq!(kinds(&e), [PartKind::Input, PartKind::Output], "OpenAI-compatible endpoints do not search");
        assert!(close(e.parts[0].typical, 0.15));
        assert_eq!(e.basis, ["gpt-4o-mini: Your price (2026-11-22)"]);
    }

    #[test]
    fn notes_say_what_was_counted() {
        let options = RequestOptions { system_prompt: Some("Be brief.".into()), ..Default::default() };
        let s = Sent { model: "sonar", input_tokens: 12_345, earlier_messages: 4, options: &options };
        let e = PriceTable::builtin().estimate(&s);
        assert_eq!(e.parts[0].note, "the question and 4 earlier messages with the system prompt");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(999), "999");
    }
}
