//! One generated conversation as the app exports it: a message tree with follow-ups, edited
//! questions (a sibling question and a new branch) and regenerated answers (sibling answers),
//! sources, usage with costs, now and then an interrupted or failed answer.

use citewise::api::{Cost, Finish, RequestOptions, Role, Source, Usage};
use citewise::history::export::ExportedConversation;
use citewise::history::{title_from, MessageStatus, StoredError, StoredMessage};

use crate::rng::Rng;
use crate::text::{answer_words, Writer};

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// Model, input, output $ per million tokens, request fee $ per thousand (prices.json, low
/// context), and how often it is picked (per mille, cumulative).
const MODELS: &[(&str, f64, f64, f64, u64)] = &[
    ("sonar", 1.0, 1.0, 5.0, 450),
    ("sonar-pro", 3.0, 15.0, 6.0, 750),
    ("sonar-reasoning-pro", 2.0, 8.0, 6.0, 850),
    ("perplexity/sonar", 0.25, 2.5, 0.0, 930),
    ("openai/gpt-5.4", 2.5, 15.0, 0.0, 980),
    ("sonar-deep-research", 2.0, 8.0, 5.0, 1000),
];

const DOMAINS: &[&str] = &[
    "en.wikipedia.org",
    "www.nature.com",
    "www.bbc.com",
    "www.nytimes.com",
    "arxiv.org",
    "www.reddit.com",
    "stackoverflow.com",
    "www.britannica.com",
    "www.ncbi.nlm.nih.gov",
    "www.theguardian.com",
    "docs.rs",
    "developer.mozilla.org",
    "www.reuters.com",
    "www.sciencedirect.com",
    "medium.com",
    "www.youtube.com",
    "www.nasa.gov",
    "www.who.int",
    "www.economist.com",
    "github.com",
];

/// What the generator needs to know about one conversation.
pub struct Spec {
    pub id: String,
    pub messages: usize,
    pub created_at: i64,
    pub pinned: bool,
    /// No edits or regenerations (the long conversation shows all its messages).
    pub linear: bool,
    pub now: i64,
}

fn pick_model(rng: &mut Rng) -> usize {
    let roll = rng.below(1000);
    MODELS.iter().position(|m| roll < m.4).unwrap_or(0)
}

fn round5(x: f64) -> f64 {
    (x * 100_000.0).round() / 100_000.0
}

/// An answer to `question` (its id), written at `at`.
fn answer(w: &Writer, rng: &mut Rng, question: &str, model: usize, at: i64) -> StoredMessage {
    let (name, input_price, output_price, fee, _) = MODELS[model];
    let mut m =
        StoredMessage::new(rng.uuid(), Some(question.to_owned()), Role::Assistant, "", MessageStatus::Complete, at);
    m.model = Some(name.to_owned());
    let roll = rng.below(1000);
    if roll < 10 {
        m.status = MessageStatus::Error;
        m.error = Some(StoredError {
            kind: "server".into(),
            message: "Perplexity's servers failed (HTTP 500). Try again in a moment.".into(),
            retry_after: None,
        });
        return m;
    }
    let search = !rng.chance(50);
    let sources = if search { rng.range(3, 8) } else { 0 };
    let words = if name == "sonar-deep-research" { answer_words(rng) * 4 } else { answer_words(rng) };
    m.content = w.answer(rng, words, sources);
    if roll < 25 {
        // Stopped half way.
        let mut cut = m.content.len() / 2;
        while !m.content.is_char_boundary(cut) {
            cut -= 1;
        }
        m.content.truncate(cut);
        m.status = MessageStatus::Interrupted;
        m.finish = Some(Finish::Cancelled);
    } else {
        m.finish = Some(if rng.chance(5) { Finish::Length } else { Finish::Stop });
    }
    for i in 1..=sources {
        let (title, snippet) = w.source_text(rng);
        let slug = title
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let url = format!("https://{}/{}-{}", rng.pick(DOMAINS), slug, rng.below(100_000));
        let date = rng
            .chance(600)
            .then(|| format!("20{:02}-{:02}-{:02}", rng.range(15, 26), rng.range(1, 12), rng.range(1, 28)));
        m.sources.push(Source::new(i as u32, url, title, snippet, date));
    }
    if search {
        m.queries = (0..rng.range(1, 3)).map(|_| w.search_query(rng)).collect();
    }
    if name.contains("reasoning") || name.contains("deep") {
        let words = rng.range(40, 160) as usize;
        m.reasoning = w.answer(rng, words, 0);
    }
    if name.starts_with("sonar") && rng.chance(300) {
        m.related = (0..3).map(|_| w.question(rng, false)).collect();
    }
    let output = (m.content.len() / 4) as u64;
    let input = rng.range(15, 3_000);
    let reasoning = (!m.reasoning.is_empty()).then_some((m.reasoning.len() / 4) as u64);
    let input_cost = round5(input as f64 * input_price / 1e6);
    let output_cost = round5((output + reasoning.unwrap_or(0)) as f64 * output_price / 1e6);
    let request_cost = if search && fee > 0.0 { Some(fee / 1000.0) } else { None };
    m.usage = Some(Usage {
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
        reasoning_tokens: reasoning,
        searches: search.then_some(m.queries.len() as u64),
        cost: Some(Cost {
            total: round5(input_cost + output_cost + request_cost.unwrap_or(0.0)),
            currency: "USD".into(),
            input_cost: Some(input_cost),
            output_cost: Some(output_cost),
            request_cost,
            computed: false,
            ..Default::default()
        }),
        ..Usage::default()
    });
    // Streaming took a while: about 40 words a second.
    m.updated_at = at + (words as i64 * 25 + 1_500).min(5 * MINUTE);
    m
}

/// The whole conversation, messages in the order they were written.
pub fn generate(w: &Writer, rng: &mut Rng, spec: &Spec) -> ExportedConversation {
    let mut messages: Vec<StoredMessage> = Vec::with_capacity(spec.messages);
    // Indices into `messages` of the branch shown, oldest first.
    let mut branch: Vec<usize> = Vec::new();
    let mut model = pick_model(rng);
    let mut t = spec.created_at;
    let mut clock = |rng: &mut Rng, gap: i64| {
        t = (t + gap + rng.below(gap as u64 / 2 + 1) as i64).min(spec.now);
        t
    };
    while messages.len() < spec.messages {
        let left = spec.messages - messages.len();
        let last_failed = branch.last().is_some_and(|&i| messages[i].status == MessageStatus::Error);
        let roll = rng.below(1000);
        let branching = !spec.linear && !messages.is_empty();
        let regenerate = !messages.is_empty() && (left == 1 || last_failed || (branching && roll < 20));
        let edit = !regenerate && branching && roll < 45;
        if rng.chance(100) {
            model = pick_model(rng);
        }
        if regenerate {
            // Another answer to the last question on the branch.
            branch.pop();
            let q = *branch.last().expect("a question precedes every answer");
            let at = clock(rng, MINUTE / 2);
            let mut a = answer(w, rng, &messages[q].id.clone(), model, at);
            a.updated_at = a.updated_at.min(spec.now);
            messages.push(a);
            branch.push(messages.len() - 1);
            continue;
        }
        let (parent, follow_up) = if edit {
            // An earlier question edited and sent again: usually the last one.
            let questions: Vec<usize> = (0..branch.len()).step_by(2).collect();
            let which = if rng.chance(700) { questions.len() - 1 } else { rng.below(questions.len() as u64) as usize };
            let at = questions[which];
            let parent = messages[branch[at]].parent_id.clone();
            branch.truncate(at);
            (parent, at > 0)
        } else {
            (branch.last().map(|&i| messages[i].id.clone()), !messages.is_empty())
        };
        let gap = if messages.is_empty() {
            0
        } else if rng.chance(50) {
            rng.range(1, 60) as i64 * DAY
        } else {
            2 * MINUTE
        };
        let at = clock(rng, gap);
        let text = w.question(rng, follow_up);
        let q = StoredMessage::new(rng.uuid(), parent, Role::User, &text, MessageStatus::Complete, at);
        let q_id = q.id.clone();
        messages.push(q);
        branch.push(messages.len() - 1);
        if messages.len() < spec.messages {
            let at = clock(rng, 5_000);
            let mut a = answer(w, rng, &q_id, model, at);
            a.updated_at = a.updated_at.min(spec.now);
            messages.push(a);
            branch.push(messages.len() - 1);
        }
    }
    let first_question = branch.first().map_or("New chat", |&i| messages[i].content.as_str());
    let renamed = rng.chance(30);
    let title = if renamed { w.title(rng) } else { title_from(first_question) };
    let updated_at = messages.iter().map(|m| m.updated_at).max().unwrap_or(spec.created_at);
    let leaf_id = branch.last().map(|&i| messages[i].id.clone());
    let mut options = RequestOptions::default();
    options.search.enabled = !rng.chance(50);
    ExportedConversation {
        id: spec.id.clone(),
        title,
        title_auto: !renamed,
        model: MODELS[model].0.to_owned(),
        options: Some(options),
        pinned: spec.pinned,
        created_at: spec.created_at,
        updated_at,
        leaf_id,
        messages,
    }
}
