//! The canned answers: texts, sources, search queries, reasoning and usage per scenario.
//!
//! Owns the public [`Fixture`] data and the cost arithmetic, so a test can ask
//! `fixture("cited")` for exactly what the stream will carry. Costs follow DESIGN §4:
//! Agent answers are priced as `perplexity/sonar` (0.25 / 2.50 per 1M tokens, cache reads
//! 0.0625 per 1M, web_search 0.0025 per query); Sonar answers as `sonar` at low context (1 / 1
//! per 1M + 0.005 per request). The price does not depend on the model named in the request.
//!
//! As in the recordings, most of an Agent answer's input comes from the prompt cache: the
//! cached share is [`cached_tokens`] of the input (three quarters, in whole 128-token blocks),
//! billed as `cache_read_cost`; answers with under 171 input tokens have none.
//!
//! One piece (over 400 lines with its tests): the canned answers and their cost arithmetic must
//! agree, so they sit together.

use serde::{Deserialize, Serialize};

use crate::generated;

/// A scenario's canned answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fixture {
    /// The full answer text, with `[n]` citation markers (no `<think>` block).
    pub text: String,
    pub sources: Vec<Source>,
    /// Reasoning text (Agent `response.reasoning_text.delta`s / Sonar `<think>` content).
    pub reasoning: Option<String>,
    /// The search queries the answer reports.
    pub queries: Vec<String>,
    /// Token counts and the cost as the Agent API (`/v1/agent`) reports them.
    pub usage: Usage,
    /// `usage.cost.total_cost` as Sonar (`/chat/completions`) reports it for the same tokens.
    pub sonar_total_cost: f64,
    /// What Sonar returns as `images` when asked (`return_images`). A URL starting with `/` is
    /// served by the mock itself and sent with the mock's own address in front.
    pub images: Vec<Image>,
    /// What Sonar returns as `related_questions` when asked (`return_related_questions`).
    pub related: Vec<String>,
}

/// One image of an answer, as Sonar describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub origin_url: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// One search result; `id` is the `n` of `[n]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub id: u32,
    pub url: String,
    pub title: String,
    pub snippet: String,
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_cost: f64,
}

/// The Agent API cost breakdown for a fixture, as `response.completed` reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AgentCost {
    /// The uncached input tokens' cost.
    pub input: f64,
    pub output: f64,
    /// Input tokens read from the prompt cache, and their cost.
    pub cached_tokens: u64,
    pub cache_read: f64,
    pub tools: f64,
    pub total: f64,
    pub searches: u64,
}

/// The Sonar cost breakdown for a fixture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SonarCost {
    pub input: f64,
    pub output: f64,
    pub request: f64,
    pub total: f64,
}

/// Prices are stated to 6 decimals, as the API does; sums are rounded again.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The input tokens an Agent answer reads from the prompt cache: three quarters of them, in
/// whole 128-token blocks.
pub(crate) fn cached_tokens(input_tokens: u64) -> u64 {
    input_tokens * 3 / 4 / 128 * 128
}

pub(crate) fn agent_cost(input_tokens: u64, output_tokens: u64, searches: u64) -> AgentCost {
    let cached_tokens = cached_tokens(input_tokens);
    let input = round6((input_tokens - cached_tokens) as f64 * 0.25 / 1e6);
    let cache_read = round6(cached_tokens as f64 * 0.0625 / 1e6);
    let output = round6(output_tokens as f64 * 2.50 / 1e6);
    let tools = round6(searches as f64 * 0.0025);
    let total = round6(input + cache_read + output + tools);
    AgentCost { input, output, cached_tokens, cache_read, tools, total, searches }
}

pub(crate) fn sonar_cost(input_tokens: u64, output_tokens: u64) -> SonarCost {
    let input = round6(input_tokens as f64 / 1e6);
    let output = round6(output_tokens as f64 / 1e6);
    let request = 0.005;
    SonarCost { input, output, request, total: round6(input + output + request) }
}

/// A rough tokenizer: one token per four characters, at least one.
pub(crate) fn tokens_for(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

impl Fixture {
    fn new(
        text: String,
        sources: Vec<Source>,
        reasoning: Option<String>,
        queries: Vec<String>,
        input_tokens: u64,
    ) -> Self {
        let output_tokens = tokens_for(&text) + reasoning.as_deref().map_or(0, tokens_for);
        Fixture::priced(text, sources, reasoning, queries, input_tokens, output_tokens)
    }

    fn priced(
        text: String,
        sources: Vec<Source>,
        reasoning: Option<String>,
        queries: Vec<String>,
        input_tokens: u64,
        output_tokens: u64,
    ) -> Self {
        let agent = agent_cost(input_tokens, output_tokens, queries.len() as u64);
        let sonar = sonar_cost(input_tokens, output_tokens);
        Fixture {
            text,
            sources,
            reasoning,
            queries,
            usage: Usage { input_tokens, output_tokens, total_cost: agent.total },
            sonar_total_cost: sonar.total,
            images: Vec::new(),
            related: Vec::new(),
        }
    }

    pub(crate) fn agent_cost(&self) -> AgentCost {
        agent_cost(self.usage.input_tokens, self.usage.output_tokens, self.queries.len() as u64)
    }

    /// The same answer when the Agent API makes no search (`max_tool_calls: 0` or
    /// `tool_choice: "none"` in the request): no sources, no queries, the `[n]` markers (and the
    /// space before them) taken out of the text, the same token counts, and `usage.total_cost`
    /// without the search fees. This is what such a request streams; `GET /__mock/fixture/<name>?search=false`
    /// returns it too.
    pub fn without_search(&self) -> Fixture {
        let mut f = self.clone();
        f.text = strip_markers(&f.text);
        f.sources.clear();
        f.queries.clear();
        f.usage.total_cost = f.agent_cost().total;
        f
    }

    pub(crate) fn sonar_cost(&self) -> SonarCost {
        sonar_cost(self.usage.input_tokens, self.usage.output_tokens)
    }
}

/// `text` without its `[n]` citation markers and the whitespace just before them.
fn strip_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let digits = rest[open + 1..].bytes().take_while(u8::is_ascii_digit).count();
        let is_marker = digits > 0 && rest[open + 1 + digits..].starts_with(']');
        let (before, after) = rest.split_at(open);
        if is_marker {
            out.push_str(before.trim_end());
            rest = &after[digits + 2..];
        } else {
            out.push_str(before);
            out.push('[');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The `last_updated` the mock reports for a source: the recordings always carry one.
pub(crate) fn last_updated(s: &Source) -> &str {
    match s.date.as_deref() {
        Some(d) if d >= "2025-06-01" => d,
        _ => "2025-06-01",
    }
}

pub(crate) fn source(id: u32, url: &str, title: &str, snippet: &str, date: Option<&str>) -> Source {
    Source { id, url: url.into(), title: title.into(), snippet: snippet.into(), date: date.map(Into::into) }
}

pub(crate) const CITED_TEXT: &str = "\
**Mount Everest** is **8,848.86 m** (29,031.7 ft) above sea level – the height China and Nepal \
announced together on 8 December 2020 [1][2]. Survey teams from both countries reached the summit \
in 2019–2020 and combined GNSS readings with ground-penetrating radar to measure the snow cap [2][3].

### Why the number changed
- China's earlier figure, 8,844.43 m, measured bare rock without the snow and ice cap [1].
- Nepal long used 8,848 m, from the Survey of India's 1955 measurement [3].
- The 2015 Gorkha earthquake raised the question of whether the summit had moved [4].

The peak sits on the Nepal–China border, where winter temperatures fall below −60 °C [4]. \
Nepalis call it *Sagarmāthā*; in Tibetan it is *Chomolungma* [1]. For climbers it remains \
« la récompense » of a lifetime 🏔️ [2][3][4].";

const REASONING_TEXT: &str = "The user wants the height of Mount Everest. Several figures circulate: \
8,848 m from the 1955 survey, 8,844.43 m from China's 2005 rock-height survey, and 8,848.86 m from \
the joint 2020 announcement. The 2020 figure includes the snow cap and is the current official value, \
so I should lead with it, explain why the older numbers differ, and cite the survey sources.";

/// What Sonar puts inside `<think>` when a reasoning model answers a scenario without its own reasoning.
pub(crate) const DEFAULT_THINK: &str = REASONING_TEXT;

pub(crate) fn cited_sources() -> Vec<Source> {
    vec![
        source(
            1,
            "https://en.wikipedia.org/wiki/Mount_Everest",
            "Mount Everest - Wikipedia",
            "Mount Everest is Earth's highest mountain above sea level, located in the Mahalangur Himal \
             sub-range of the Himalayas. Its elevation (snow height) of 8,848.86 m was most recently \
             established in 2020 by the Chinese and Nepali authorities.",
            Some("2025-01-14"),
        ),
        source(
            2,
            "https://www.britannica.com/place/Mount-Everest",
            "Mount Everest | Height, Location, Map, Facts, Climbers, & Deaths | Britannica",
            "Mount Everest, mountain on the crest of the Great Himalayas of southern Asia that lies on \
             the border between Nepal and the Tibet Autonomous Region of China. At 29,032 feet (8,849 \
             metres), it is the highest mountain in the world.",
            Some("2025-02-20"),
        ),
        source(
            3,
            "https://www.nationalgeographic.com/science/article/mount-everest-has-a-new-official-height",
            "Mount Everest is two feet taller, China and Nepal announce",
            "After a year of surveys, the two countries agreed on a new official height of 8,848.86 \
             metres – about 86 centimetres more than the figure Nepal has used since the 1950s.",
            Some("2020-12-08"),
        ),
        source(
            4,
            "https://whc.unesco.org/en/list/120/",
            "Sagarmatha National Park - UNESCO World Heritage Centre",
            "Sagarmatha is an exceptional area with dramatic mountains, glaciers and deep valleys, \
             dominated by Mount Everest, the highest peak in the world (8,848 m).",
            None,
        ),
    ]
}

fn cited_queries() -> Vec<String> {
    vec!["Mount Everest official height 2020".into(), "Everest height survey China Nepal snow cap".into()]
}

fn image(url: &str, origin_url: Option<&str>, size: Option<(u32, u32)>) -> Image {
    Image {
        url: url.into(),
        origin_url: origin_url.map(Into::into),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    }
}

/// Three real pictures served by the mock, then two that clients must refuse: an HTML page
/// calling itself a PNG, and 6 MB without a `Content-Length`.
pub(crate) fn cited_images() -> Vec<Image> {
    let size = Some((crate::images::WIDTH, crate::images::HEIGHT));
    vec![
        image("/__mock/image/1.png", Some("https://en.wikipedia.org/wiki/Mount_Everest"), size),
        image("/__mock/image/2.png", Some("https://www.britannica.com/place/Mount-Everest"), size),
        image("/__mock/image/3.png", None, size),
        image("/__mock/image/not-image.png", Some("https://example.org/not-an-image"), None),
        image("/__mock/image/huge.png", Some("https://example.org/huge"), Some((20_000, 20_000))),
    ]
}

pub(crate) fn cited_related() -> Vec<String> {
    vec![
        "When was Mount Everest first climbed?".into(),
        "How is the height of a mountain measured?".into(),
        "Is K2 harder to climb than Everest?".into(),
    ]
}

pub(crate) fn cited() -> Fixture {
    Fixture {
        images: cited_images(),
        related: cited_related(),
        ..Fixture::new(CITED_TEXT.into(), cited_sources(), None, cited_queries(), 1842)
    }
}

pub(crate) fn reasoning() -> Fixture {
    Fixture {
        images: cited_images(),
        related: cited_related(),
        ..Fixture::new(CITED_TEXT.into(), cited_sources(), Some(REASONING_TEXT.into()), cited_queries(), 1842)
    }
}

/// The cited answer cut off by `max_output_tokens`, mid-word.
pub(crate) fn incomplete() -> Fixture {
    let cut: String = CITED_TEXT.chars().take(CITED_TEXT.chars().count() * 3 / 5).collect();
    Fixture::new(cut, cited_sources(), None, cited_queries(), 1842)
}

/// Every payload a page or a model could smuggle in: markup in the text, in titles, snippets and
/// related questions; `javascript:`, `data:` and `vbscript:` URLs as links, sources and images.
/// Each payload that ran would set `window.__pwned`. One link and one source are ordinary https.
pub(crate) fn hostile() -> Fixture {
    let text = "Here is what I found [1]. <script>window.__pwned = 1; alert(1)</script> Some pages embed images \
such as <img src=x onerror=\"window.__pwned = 1\"> to run code when they load [2]. You can also \
[click](javascript:window.__pwned=1) for details, try [this data link](data:text/html,<script>window.__pwned=1</script>) \
or [this one](vbscript:msgbox(1)), or read [the safe page](https://example.org/articles/safe-page) [3].

<iframe src=\"javascript:window.__pwned = 1\"></iframe> Markup like <b>bold</b> and `<i>code</i>` must show \
as text, never as HTML [1][3]. <a href=\"javascript:window.__pwned=1\" onclick=\"window.__pwned=1\">An HTML link</a> [4].";
    let sources = vec![
        source(1, "javascript:window.__pwned=1", "Totally normal page", "Nothing to see here.", Some("2025-03-01")),
        source(
            2,
            "data:text/html,<script>window.__pwned=1</script>",
            "A data: URL",
            "<script>window.__pwned = 1</script> A snippet with markup in it.",
            None,
        ),
        source(
            3,
            "https://example.org/articles/safe-page",
            "<b onmouseover=\"window.__pwned=1\">Evil</b> <img src=x onerror=\"window.__pwned=1\">",
            "An ordinary https page whose title carries an HTML payload.",
            Some("2024-12-24"),
        ),
        source(4, "vbscript:msgbox(1)", "<script>window.__pwned=1</script>", "A vbscript: link.", None),
    ];
    let images = vec![
        image("javascript:window.__pwned=1", Some("javascript:window.__pwned=1"), None),
        image("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='window.__pwned=1'/>", None, None),
        image("/__mock/image/vector.svg", Some("vbscript:msgbox(1)"), None),
        image("/__mock/image/not-image.png", Some("data:text/html,<script>window.__pwned=1</script>"), None),
    ];
    let related =
        vec!["<img src=x onerror=\"window.__pwned=1\">What does this do?".into(), "javascript:window.__pwned=1".into()];
    Fixture { images, related, ..Fixture::new(text.into(), sources, None, vec!["xss test page".into()], 640) }
}

pub(crate) fn huge() -> Fixture {
    let queries = vec!["Himalaya geodesy survey methods".into(), "Everest height measurement history".into()];
    Fixture::new(generated::huge_text(), generated::huge_sources(), None, queries, 2410)
}

pub(crate) fn timestamps() -> Fixture {
    let sources = vec![cited_sources().swap_remove(0)];
    let words = generated::timestamp_words();
    let tokens = words.len() as u64; // one token per word here, not the usual chars / 4
    Fixture::priced(words.concat(), sources, None, vec!["latency benchmark".into()], 120, tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cited_costs_follow_design_prices() {
        let f = cited();
        let c = f.agent_cost();
        assert_eq!(c.tools, 0.005);
        assert_eq!(c.input, round6((1842.0 - 1280.0) * 0.25e-6), "the uncached part");
        assert_eq!(f.usage.total_cost, c.total);
        assert!((c.total - (c.input + c.cache_read + c.output + c.tools)).abs() < 1e-9);
        assert_eq!(f.sonar_total_cost, f.sonar_cost().total);
        let words = CITED_TEXT.split_whitespace().count();
        assert!((100..=150).contains(&words), "{words} words");
        for marker in ["[1]", "[2][3]", "–", "é", "°", "🏔️"] {
            assert!(CITED_TEXT.contains(marker), "{marker}");
        }
    }

    #[test]
    fn cache_reads_are_priced_apart() {
        let c = cited().agent_cost();
        assert_eq!(c.cached_tokens, 1280);
        assert_eq!(c.cache_read, round6(1280.0 * 0.0625e-6));
        assert_eq!(c.input, round6((1842.0 - 1280.0) * 0.25e-6));
        assert_eq!(timestamps().agent_cost().cached_tokens, 0, "a short prompt has nothing cached");
    }

    #[test]
    fn without_search_drops_sources_markers_and_the_search_fee() {
        let f = cited();
        let n = f.without_search();
        assert!(n.sources.is_empty() && n.queries.is_empty());
        assert!(!n.text.contains("[1]") && !n.text.contains(" ."), "{}", n.text);
        assert!(n.text.contains("2020. Survey teams") && n.text.ends_with("lifetime 🏔️."), "{}", n.text);
        assert_eq!(n.usage.output_tokens, f.usage.output_tokens);
        assert_eq!(n.usage.total_cost, round6(f.usage.total_cost - f.agent_cost().tools));
        assert_eq!(strip_markers("[1] a [b] [x1] [2]c"), " a [b] [x1]c");
    }

    #[test]
    fn huge_is_about_twenty_thousand_tokens() {
        let f = huge();
        assert!((19_000..=22_000).contains(&f.usage.output_tokens), "{}", f.usage.output_tokens);
        assert_eq!(f.text, huge().text, "deterministic");
    }
}
