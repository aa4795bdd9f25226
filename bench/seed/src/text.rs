//! English-like questions and answers: sentences from templates filled with words of the
//! conversation's topic and the general vocabulary, a few made-up names and numbers, accented
//! words now and then; answers in Markdown (headings, lists, bold) with `[n]` citation markers.

use crate::rng::Rng;
use crate::words::{tail_name, Vocabulary, ACCENTED, TAIL};

/// What one conversation talks about.
pub struct Writer<'v> {
    pub vocab: &'v Vocabulary,
    pub topic: usize,
}

const SENTENCES: &[&str] = &[
    "The {n} of {t} {v} the {a} {t}.",
    "In {d}, {x} {v} that {t} {v} {n} more than {t}.",
    "{A} {t} {v} {f} {a} {n}, which {v} the {t}.",
    "Most {n} {v} {t} when the {t} is {a}.",
    "According to {x}, the {a} {t} {v} about {d} {u}.",
    "This {v} why {t} and {t} are {a} in {c}.",
    "A {a} {t} {v} the {n} {f} {t}.",
    "{A} estimates put the {n} at {d} {u}, {f} {a} {t}.",
    "The {t} {v} {a} {n}, so the {t} {v} {a}.",
    "For {t}, the {a} {n} is {d} {u} on average.",
    "Researchers at {x} {v} the {t} with {a} {n}.",
    "{A} {n} {f} the {t} {v} the {a} {t}.",
    "When {t} {v} {n}, the {t} {v} {f} {d}.",
    "The {a} {n} {v} {f} {t} and {t}.",
];

const QUESTIONS: &[&str] = &[
    "How does {t} affect {t}?",
    "What is the difference between {t} and {t}?",
    "Can you explain {a} {t} in simple terms?",
    "Why does the {t} {v} the {n}?",
    "What are the best {t} for {a} {t}?",
    "Is it true that {t} {v} {n}?",
    "Compare {t} and {t} for a {a} {n}",
    "{T} vs {t}: which is more {a}?",
    "How much {n} does a {t} need in {d}?",
    "What did {x} say about {t}?",
    "Give me a {a} overview of {t} and {t}",
    "What should I know about {t} before visiting {c}?",
];

const FOLLOW_UPS: &[&str] = &[
    "And what about {t}?",
    "Can you give sources for that?",
    "Summarize this in three bullet points.",
    "What about in {c}?",
    "Is that still true in {d}?",
    "Explain the part about {t} again",
    "Which of these is the most {a}?",
    "Go deeper on {t}",
];

const UNITS: &[&str] = &["percent", "km", "kg", "years", "dollars", "hours", "metres", "mg", "days"];

fn zipf(rng: &mut Rng, words: &[&'static str]) -> &'static str {
    words[rng.zipf_index(words.len())]
}

fn pick(rng: &mut Rng, words: &[&'static str]) -> &'static str {
    words[rng.below(words.len() as u64) as usize]
}

impl Writer<'_> {
    fn topic_word(&self, rng: &mut Rng) -> &'static str {
        if rng.chance(650) {
            zipf(rng, &self.vocab.topics[self.topic].1)
        } else if rng.chance(150) {
            // A neighbouring topic's word: real conversations drift.
            let other = (self.topic + 1 + rng.below(3) as usize) % self.vocab.topics.len();
            zipf(rng, &self.vocab.topics[other].1)
        } else {
            zipf(rng, &self.vocab.nouns)
        }
    }

    /// A template with its slots filled.
    fn fill(&self, rng: &mut Rng, template: &str, out: &mut String) {
        let mut chars = template.chars();
        while let Some(c) = chars.next() {
            if c != '{' {
                out.push(c);
                continue;
            }
            let slot = chars.next().unwrap_or('n');
            chars.next(); // '}'
            let start = out.len();
            match slot.to_ascii_lowercase() {
                't' => out.push_str(self.topic_word(rng)),
                'n' => out.push_str(zipf(rng, &self.vocab.nouns)),
                'v' => out.push_str(zipf(rng, &self.vocab.verbs)),
                'a' => out.push_str(zipf(rng, &self.vocab.adjectives)),
                'f' => out.push_str(zipf(rng, &self.vocab.function)),
                'u' => out.push_str(pick(rng, UNITS)),
                'c' => out.push_str(pick(rng, ACCENTED)),
                'x' => out.push_str(&tail_name(rng.below(TAIL))),
                'd' => {
                    let d = if rng.chance(400) { rng.range(1850, 2025) } else { rng.range(2, 9_000) };
                    out.push_str(&d.to_string());
                }
                _ => {}
            }
            if slot.is_ascii_uppercase() {
                if let Some(first) = out[start..].chars().next() {
                    let upper: String = first.to_uppercase().collect();
                    out.replace_range(start..start + first.len_utf8(), &upper);
                }
            }
        }
    }

    /// A question: a full one to start or change course, or a short follow-up.
    pub fn question(&self, rng: &mut Rng, follow_up: bool) -> String {
        let mut out = String::new();
        let templates = if follow_up && rng.chance(600) { FOLLOW_UPS } else { QUESTIONS };
        let template = *rng.pick(templates);
        self.fill(rng, template, &mut out);
        if !follow_up && rng.chance(250) {
            out.push(' ');
            self.fill(rng, "I am asking because of {x} and the {a} {t}.", &mut out);
        }
        out
    }

    /// One sentence, with citation markers for some of `sources` (0: none).
    fn sentence(&self, rng: &mut Rng, sources: u64, out: &mut String) {
        let template = *rng.pick(SENTENCES);
        self.fill(rng, template, out);
        // Extra clauses make sentence lengths vary like real prose.
        while rng.chance(300) {
            out.pop();
            out.push_str(", ");
            self.fill(rng, "{f} the {t} {v} {a} {n}.", out);
        }
        if sources > 0 && rng.chance(550) {
            out.pop();
            let n = rng.range(1, sources);
            out.push_str(&format!("[{n}]"));
            if rng.chance(250) {
                out.push_str(&format!("[{}]", rng.range(1, sources)));
            }
            out.push('.');
        }
    }

    /// An answer of about `words` words in Markdown, citing sources `1..=sources`.
    pub fn answer(&self, rng: &mut Rng, words: usize, sources: u64) -> String {
        let mut out = String::with_capacity(words * 7);
        let mut paragraph = 0;
        while out.len() < words * 6 {
            if paragraph > 0 {
                out.push_str("\n\n");
            }
            if words > 250 && paragraph > 0 && rng.chance(250) {
                out.push_str("## ");
                let mut heading = String::new();
                self.fill(rng, "{A} {t}", &mut heading);
                out.push_str(&heading);
                out.push_str("\n\n");
            }
            if paragraph > 0 && rng.chance(220) {
                for _ in 0..rng.range(2, 5) {
                    out.push_str("- **");
                    out.push_str(self.topic_word(rng));
                    out.push_str("**: ");
                    self.sentence(rng, sources, &mut out);
                    out.push('\n');
                }
                out.pop();
            } else {
                for i in 0..rng.range(1, 5) {
                    if i > 0 {
                        out.push(' ');
                    }
                    self.sentence(rng, sources, &mut out);
                }
            }
            paragraph += 1;
        }
        out
    }

    /// A source's title and snippet.
    pub fn source_text(&self, rng: &mut Rng) -> (String, String) {
        let mut title = String::new();
        self.fill(rng, "{A} {t} and {t}: {a} {n}", &mut title);
        let mut snippet = String::new();
        self.sentence(rng, 0, &mut snippet);
        (title, snippet)
    }

    /// A title the person chose (renamed conversations).
    pub fn title(&self, rng: &mut Rng) -> String {
        let mut out = String::new();
        let template = *rng.pick(&["{T} notes", "{A} {t} and {t}", "{T} ({c})", "{T} for {x}"]);
        self.fill(rng, template, &mut out);
        out
    }

    /// Words typed into a search engine.
    pub fn search_query(&self, rng: &mut Rng) -> String {
        let mut q = String::new();
        self.fill(rng, "{t} {t} {a} {d}", &mut q);
        q
    }
}

/// A word count for an answer: mostly 60–250 words, some short, a few very long.
pub fn answer_words(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..=9 => rng.range(15, 60),
        10..=79 => rng.range(60, 250),
        80..=96 => rng.range(250, 600),
        _ => rng.range(600, 1_500),
    }
    .try_into()
    .unwrap_or(200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_like_text_with_citations() {
        let vocab = Vocabulary::new();
        let w = Writer { vocab: &vocab, topic: 19 };
        let mut rng = Rng::new(1);
        let a = w.answer(&mut rng, 300, 6);
        assert!(a.split_whitespace().count() > 200, "{a}");
        assert!(a.contains("[1]") || a.contains("[2]") || a.contains("[3]"), "{a}");
        assert!(!a.contains('{'), "every slot filled: {a}");
        let q = w.question(&mut rng, false);
        assert!(q.chars().next().unwrap().is_uppercase(), "{q}");
    }
}
