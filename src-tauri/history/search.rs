//! Full-text search over questions, answers and titles (FTS5, BM25 ranking).
//!
//! What the person types is never handed to FTS5's query language (see [`super::snippet`]).
//! Snippets come back as plain text parts with the matched words flagged, so the UI never parses
//! markup.

use rusqlite::{params, Row};
use serde::Serialize;

use super::snippet::{snippet_for, snippet_parts, SnippetPart, Terms, CLOSE, OPEN};

use super::db::Db;
use super::error::Result;
use crate::api::Role;

/// The most hits one search returns.
pub const MAX_HITS: usize = 200;
/// Title matches shown before message matches.
const MAX_TITLE_HITS: usize = 5;
/// How many of the newest matching messages are ranked by relevance (BM25); older matches are
/// found once the words are specific enough to match fewer messages than this.
pub const RANK_WINDOW: usize = 1000;
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub conversation_id: String,
    /// `None` when the title matched.
    pub message_id: Option<String>,
    pub role: Option<Role>,
    pub title: String,
    pub snippet: Vec<SnippetPart>,
    pub updated_at: i64,
}

impl Db {
    /// Best matches first: titles, then questions and answers by BM25 rank (among the newest
    /// [`RANK_WINDOW`] matches).
    pub fn search(&self, typed: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(terms) = Terms::parse(typed) else { return Ok(Vec::new()) };
        let query = terms.fts();
        let limit = limit.clamp(1, MAX_HITS);
        let conn = self.conn();
        let marks = format!("char({}), char({})", OPEN as u32, CLOSE as u32);
        let mut hits: Vec<SearchHit> = conn
            .prepare_cached(&format!(
                "SELECT c.id AS id, c.title AS title, c.updated_at AS updated_at, highlight(titles_fts, 0, {marks}) AS marked
                 FROM titles_fts JOIN conversations c ON c.seq = titles_fts.rowid
                 WHERE titles_fts MATCH ?1 AND c.deleted_at IS NULL
                 ORDER BY bm25(titles_fts) LIMIT ?2"
            ))?
            .query_map(params![query, MAX_TITLE_HITS.min(limit)], |r: &Row| {
                Ok(SearchHit {
                    conversation_id: r.get("id")?,
                    message_id: None,
                    role: None,
                    title: r.get("title")?,
                    updated_at: r.get("updated_at")?,
                    snippet: snippet_parts(&r.get::<_, String>("marked")?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let rest = limit - hits.len();
        if rest > 0 {
            // Rank only the newest RANK_WINDOW matches: a common word matches most of a large
            // history, and scoring every match would make each keystroke cost a full scan. The
            // window is ranked on ids alone; only the hits shown are read whole, so the sort
            // never carries a thousand answers' text.
            let best = conn
                .prepare_cached(
                    "WITH newest AS MATERIALIZED (
                         SELECT rowid AS seq, bm25(messages_fts) AS score FROM messages_fts
                         WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3),
                     best AS MATERIALIZED (
                         SELECT newest.seq, newest.score FROM newest
                         JOIN messages m ON m.seq = newest.seq
                         JOIN conversations c ON c.id = m.conversation_id
                         WHERE c.deleted_at IS NULL
                         ORDER BY newest.score LIMIT ?2)
                     SELECT m.id AS id, m.conversation_id AS conversation_id, m.role AS role, c.title AS title,
                            c.updated_at AS updated_at, m.content AS content
                     FROM best
                     JOIN messages m ON m.seq = best.seq
                     JOIN conversations c ON c.id = m.conversation_id
                     ORDER BY best.score",
                )?
                .query_map(params![query, rest, RANK_WINDOW], |r: &Row| {
                    let role: String = r.get("role")?;
                    Ok((
                        SearchHit {
                            message_id: Some(r.get("id")?),
                            conversation_id: r.get("conversation_id")?,
                            role: Some(if role == "user" { Role::User } else { Role::Assistant }),
                            title: r.get("title")?,
                            updated_at: r.get("updated_at")?,
                            snippet: Vec::new(),
                        },
                        r.get::<_, String>("content")?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (mut hit, content) in best {
                hit.snippet = snippet_for(&content, &terms);
                hits.push(hit);
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Finish, RequestOptions, StreamEvent};
    use crate::history::draft::Draft;
    use crate::history::{MessageStatus, Turn, TurnStart};

    /// A conversation with one question and its complete answer; returns (conversation, answer).
    fn exchange(db: &Db, question: &str, answer: &str) -> (String, String) {
        let plan = db
            .begin_turn(
                &TurnStart {
                    turn: Turn::Ask { conversation: None, parent: None, question: question.into() },
                    model: "sonar".into(),
                    options: RequestOptions::default(),
                },
                8000,
            )
            .unwrap();
        let mut d = Draft::default();
        d.apply(&StreamEvent::Delta { text: answer.into() });
        d.apply(&StreamEvent::Done { finish: Finish::Stop });
        db.save_answer(&plan.receipt.assistant_message_id, &d, MessageStatus::Complete).unwrap();
        (plan.receipt.conversation.id, plan.receipt.assistant_message_id)
    }

    fn text(parts: &[SnippetPart]) -> String {
        parts.iter().map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() }).collect()
    }

    #[test]
    fn answers_questions_and_titles_are_found_with_highlighted_snippets() {
        let db = Db::open_in_memory().unwrap();
        let (everest, answer) =
            exchange(&db, "How high is Everest?", "Mount Everest is 8,849 metres tall; the summit is in Nepal.");
        exchange(&db, "Rust lifetimes", "Lifetimes describe how long references stay valid.");
        let hits = db.search("metres", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].conversation_id, everest);
        assert_eq!(hits[0].message_id.as_deref(), Some(answer.as_str()));
        assert_eq!(hits[0].role, Some(Role::Assistant));
        assert_eq!(hits[0].title, "How high is Everest?");
        assert!(text(&hits[0].snippet).contains("[metres]"), "{:?}", hits[0].snippet);
        // A title hit comes first, and no duplicate message hit is needed for it.
        let hits = db.search("everest", 10).unwrap();
        assert_eq!(hits[0].message_id, None);
        assert_eq!(text(&hits[0].snippet), "How high is [Everest]?");
        assert!(hits.iter().any(|h| h.role == Some(Role::User)));
        // Prefix while typing, case and accents folded.
        assert_eq!(db.search("lifeti", 10).unwrap().len(), 3);
        assert_eq!(db.search("NÉPAL", 10).unwrap().len(), 1);
        assert!(db.search("glaciers", 10).unwrap().is_empty());
    }

    #[test]
    fn ranking_puts_the_most_relevant_answer_first() {
        let db = Db::open_in_memory().unwrap();
        let padding = "Unrelated words about the weather and the sea. ".repeat(20);
        exchange(&db, "q1", &format!("{padding} Tea is mentioned once."));
        let (best, _) = exchange(&db, "q2", "Tea, tea and more tea: green tea, black tea.");
        exchange(&db, "q3", &format!("Tea twice, tea. {padding}"));
        let hits = db.search("tea", 10).unwrap();
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[0].conversation_id, best);
    }

    #[test]
    fn deleted_conversations_and_streaming_answers_are_not_found() {
        let db = Db::open_in_memory().unwrap();
        let (gone, _) = exchange(&db, "Deleted one", "about volcanoes");
        db.delete_conversation(&gone).unwrap();
        assert!(db.search("volcanoes", 10).unwrap().is_empty());
        assert!(db.search("deleted", 10).unwrap().is_empty());
        db.restore_conversation(&gone).unwrap();
        assert_eq!(db.search("volcanoes", 10).unwrap().len(), 1);
        let plan = db
            .begin_turn(
                &TurnStart {
                    turn: Turn::Ask { conversation: None, parent: None, question: "q".into() },
                    model: "sonar".into(),
                    options: RequestOptions::default(),
                },
                8000,
            )
            .unwrap();
        let mut d = Draft::default();
        d.apply(&StreamEvent::Delta { text: "geysers erupt".into() });
        db.save_answer(&plan.receipt.assistant_message_id, &d, MessageStatus::Streaming).unwrap();
        assert!(db.search("geysers", 10).unwrap().is_empty(), "indexed once it ends");
        db.save_answer(&plan.receipt.assistant_message_id, &d, MessageStatus::Complete).unwrap();
        assert_eq!(db.search("geysers", 10).unwrap().len(), 1);
        // Re-saving a finished answer re-indexes it without leaving the old text behind.
        d.content = "hot springs".into();
        db.save_answer(&plan.receipt.assistant_message_id, &d, MessageStatus::Complete).unwrap();
        assert!(db.search("geysers", 10).unwrap().is_empty());
        assert_eq!(db.search("springs", 10).unwrap().len(), 1);
    }

    /// Regression: with two UPDATE triggers SQLite indexed the new text before removing the old
    /// one under the same rowid, and the index reported "database disk image is malformed".
    #[test]
    fn the_index_stays_consistent_through_every_kind_of_change() {
        let db = Db::open_in_memory().unwrap();
        let (c, answer) = exchange(&db, "first", "alpha beta");
        let mut d = Draft::default();
        for text in ["gamma", "delta epsilon", ""] {
            d.content = text.into();
            db.save_answer(&answer, &d, MessageStatus::Complete).unwrap();
        }
        db.rename_conversation(&c, "renamed").unwrap();
        db.delete_conversation(&c).unwrap();
        exchange(&db, "second", "zeta");
        db.recover().unwrap();
        let conn = db.conn();
        for table in ["messages_fts", "titles_fts"] {
            conn.execute(&format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"), []).unwrap();
        }
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get("integrity_check")).unwrap();
        assert_eq!(ok, "ok");
    }

    #[test]
    fn hostile_queries_are_just_words() {
        let db = Db::open_in_memory().unwrap();
        exchange(&db, "q", "a NEAR b");
        for q in ["\"", "a\" OR \"b", "content:a", "NEAR(a b)", "*", "(", "a AND", "^a", "😀", &"x".repeat(5000)] {
            db.search(q, 10).unwrap_or_else(|e| panic!("{q}: {e}"));
        }
        assert_eq!(db.search("near", 10).unwrap().len(), 1);
    }

    #[test]
    fn the_limit_is_respected() {
        let db = Db::open_in_memory().unwrap();
        for i in 0..12 {
            exchange(&db, &format!("question {i}"), "shared word");
        }
        assert_eq!(db.search("shared", 5).unwrap().len(), 5);
        assert_eq!(db.search("question", 7).unwrap().len(), 7, "titles and messages together");
    }
}
