//! What was typed, as words and as an FTS5 query, and snippets: a window of text around the
//! first match with the matched words flagged, as plain text parts (never markup).
//!
//! What the person types is never handed to FTS5's query language: it is cut into words the way
//! the index's tokenizer cuts text, each word is quoted, the last one matches as a prefix (so
//! results appear while typing), and all must match.

use serde::Serialize;

/// Words of context in a snippet.
const SNIPPET_WORDS: u32 = 14;

// Private-use characters mark matched words in SQLite's highlight() and in our snippets.
pub(crate) const OPEN: char = '\u{E000}';
pub(crate) const CLOSE: char = '\u{E001}';

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// What was typed, cut into words the way the index's tokenizer cuts text.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    words: Vec<String>,
    /// The last word is still being typed: it matches as a prefix.
    prefix: bool,
}

impl Terms {
    /// `None` when the text holds no word.
    pub fn parse(typed: &str) -> Option<Terms> {
        let words: Vec<String> =
            typed.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(String::from).collect();
        if words.is_empty() {
            return None;
        }
        Some(Terms { words, prefix: typed.ends_with(|c: char| c.is_alphanumeric()) })
    }

    /// The FTS5 query: every word quoted, all required, the last one a prefix while typing.
    pub fn fts(&self) -> String {
        let last = self.words.len() - 1;
        let quoted: Vec<String> = self
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| format!("\"{w}\"{}", if i == last && self.prefix { "*" } else { "" }))
            .collect();
        quoted.join(" ")
    }

    fn matches(&self, word: &str) -> bool {
        let word = fold(word);
        let last = self.words.len() - 1;
        self.words.iter().enumerate().any(|(i, w)| {
            let w = fold(w);
            word == w || (i == last && self.prefix && word.starts_with(&w))
        })
    }
}

/// The FTS5 query for what was typed, or `None` when it holds no word.
pub fn fts_query(typed: &str) -> Option<String> {
    Terms::parse(typed).map(|t| t.fts())
}

/// Lower case without the common Latin diacritics, close to the index's `remove_diacritics 2`.
fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
            'ğ' | 'ĝ' | 'ġ' | 'ģ' => 'g',
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
            'ķ' => 'k',
            'ĺ' | 'ļ' | 'ľ' | 'ł' => 'l',
            'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
            'ŕ' | 'ŗ' | 'ř' => 'r',
            'ś' | 'ŝ' | 'ş' | 'š' => 's',
            'ţ' | 'ť' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            c => c,
        })
        .collect()
}

/// A window of about [`SNIPPET_WORDS`] words of `text` around its first match, matched words
/// flagged. Built here rather than by SQLite's snippet(), which re-reads a common word's whole
/// posting list for every hit.
pub fn snippet_for(text: &str, terms: &Terms) -> Vec<SnippetPart> {
    let words: Vec<(usize, usize)> = {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, text.len()));
        }
        out
    };
    let hit = |&(s, e): &(usize, usize)| terms.matches(&text[s..e]);
    let first = words.iter().position(hit).unwrap_or(0);
    let size = SNIPPET_WORDS as usize;
    let from = first.saturating_sub(size / 3).min(words.len().saturating_sub(size));
    let to = (from + size).min(words.len());
    // The text's own marker characters (a hostile answer could contain them) are dropped.
    let clean = |s: &str| s.replace([OPEN, CLOSE], "");
    let mut marked = String::new();
    if from > 0 {
        marked.push('…');
    }
    let mut at = words.get(from).map_or(0, |w| w.0);
    for w in &words[from..to] {
        marked.push_str(&clean(&text[at..w.0]));
        if hit(w) {
            marked.push(OPEN);
            marked.push_str(&text[w.0..w.1]);
            marked.push(CLOSE);
        } else {
            marked.push_str(&text[w.0..w.1]);
        }
        at = w.1;
    }
    if to < words.len() {
        marked.push('…');
    } else {
        marked.push_str(&clean(&text[at..]));
    }
    snippet_parts(&marked)
}

/// Splits SQLite's marked-up snippet into parts, whitespace collapsed.
pub fn snippet_parts(marked: &str) -> Vec<SnippetPart> {
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut hit = false;
    let mut text = String::new();
    let push = |text: &mut String, hit: bool, parts: &mut Vec<SnippetPart>| {
        if text.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(text),
            _ => parts.push(SnippetPart { text: std::mem::take(text), hit }),
        }
        text.clear();
    };
    let mut last_space = false;
    for c in marked.chars() {
        match c {
            OPEN | CLOSE => {
                push(&mut text, hit, &mut parts);
                hit = c == OPEN;
            }
            c if c.is_whitespace() => {
                if !last_space {
                    text.push(' ');
                }
                last_space = true;
                continue;
            }
            c => text.push(c),
        }
        last_space = false;
    }
    push(&mut text, hit, &mut parts);
    if let Some(first) = parts.first_mut() {
        first.text = first.text.trim_start().to_owned();
    }
    if let Some(last) = parts.last_mut() {
        last.text = last.text.trim_end().to_owned();
    }
    parts.retain(|p| !p.text.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(parts: &[SnippetPart]) -> String {
        parts.iter().map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() }).collect()
    }

    #[test]
    fn typed_text_becomes_quoted_words_with_a_prefix_on_the_last() {
        assert_eq!(fts_query("everest height").as_deref(), Some("\"everest\" \"height\"*"));
        assert_eq!(fts_query("everest ").as_deref(), Some("\"everest\""));
        assert_eq!(
            fts_query("content:x OR \"y\" NEAR(z)*").as_deref(),
            Some("\"content\" \"x\" \"OR\" \"y\" \"NEAR\" \"z\"")
        );
        assert_eq!(fts_query("  -*\"() "), None);
        assert_eq!(fts_query("café").as_deref(), Some("\"café\"*"));
    }

    #[test]
    fn snippets_become_plain_parts_with_hits_flagged() {
        let parts = snippet_parts("…the \u{E000}summit\u{E001} was\n\n reached \u{E000}in\u{E001} 1953…");
        assert_eq!(text(&parts), "…the [summit] was reached [in] 1953…");
        assert!(parts.iter().all(|p| !p.text.contains('\u{E000}')));
        assert_eq!(snippet_parts(""), []);
    }

    #[test]
    fn snippets_are_a_window_around_the_first_match_with_every_match_flagged() {
        let terms = Terms::parse("summit radar").unwrap();
        let answer = "One two three four five six seven eight nine ten. The summit was measured with\n\nradar \
                    and the SUMMIT again, then eleven twelve thirteen fourteen fifteen sixteen seventeen.";
        let parts = snippet_for(answer, &terms);
        assert_eq!(
            text(&parts),
            "…eight nine ten. The [summit] was measured with [radar] and the [SUMMIT] again, then…"
        );
        let short = snippet_for("Only radar here.", &terms);
        assert_eq!(text(&short), "Only [radar] here.");
        let typing = Terms::parse("Népa").unwrap();
        assert_eq!(text(&snippet_for("It is in nepal, mostly.", &typing)), "It is in [nepal], mostly.");
        let none = snippet_for("No match at all in this text.", &terms);
        assert_eq!(text(&none), "No match at all in this text.", "the start, when the index matched differently");
        let hostile = snippet_for("radar \u{E000}x\u{E001} <b>y</b>", &terms);
        assert!(hostile.iter().all(|p| !p.text.contains(['\u{E000}', '\u{E001}'])));
        assert_eq!(text(&hostile), "[radar] x <b>y</b>", "markup stays text");
    }
}
