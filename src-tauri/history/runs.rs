//! Answers that are background runs on the server (`messages.run_id`): the run's id is written
//! the moment the server gives it, and every answer still streaming with an id is a run to follow
//! again on the next start (the quit, crash or SIGKILL that cut this session off did not stop it).

use rusqlite::params;

use super::{Db, Result};

/// A background run that was still going when this history was last written.
#[derive(Debug, Clone, PartialEq)]
pub struct UnfinishedRun {
    pub answer_id: String,
    pub conversation_id: String,
    pub title: String,
    /// The model or preset asked for.
    pub model: String,
    /// The server's response id.
    pub run_id: String,
    /// When the answer began (unix ms).
    pub started_at: i64,
}

impl Db {
    /// Remembers that answer `answer_id` is the server's run `run_id`.
    pub fn set_run(&self, answer_id: &str, run_id: &str) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE messages SET run_id = ?2 WHERE id = ?1 AND role = 'assistant'",
            params![answer_id, run_id],
        )?;
        if changed == 0 {
            return Err(super::Error::NotFound("answer"));
        }
        Ok(())
    }

    /// Answers still streaming that are background runs, oldest first.
    pub fn unfinished_runs(&self) -> Result<Vec<UnfinishedRun>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT m.id AS answer_id, m.conversation_id AS conversation_id, c.title AS title,
                    coalesce(m.model, c.model) AS model, m.run_id AS run_id, m.created_at AS started_at
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.status = 'streaming' AND m.run_id IS NOT NULL AND c.deleted_at IS NULL
             ORDER BY m.seq",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(UnfinishedRun {
                answer_id: row.get("answer_id")?,
                conversation_id: row.get("conversation_id")?,
                title: row.get("title")?,
                model: row.get("model")?,
                run_id: row.get("run_id")?,
                started_at: row.get("started_at")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RequestOptions;
    use crate::history::draft::Draft;
    use crate::history::{MessageStatus, Turn, TurnPlan, TurnStart};

    fn ask(db: &Db, question: &str) -> TurnPlan {
        let turn = Turn::Ask { conversation: None, parent: None, question: question.into() };
        let start = TurnStart { turn, model: "medium".into(), options: RequestOptions::default() };
        db.begin_turn(&start, 8000).unwrap()
    }

    #[test]
    fn a_run_outlives_the_session_that_started_it() {
        let db = Db::open_in_memory().unwrap();
        let run = ask(&db, "deep question");
        let plain = ask(&db, "quick question");
        db.set_run(&run.receipt.assistant_message_id, "resp_1").unwrap();
        let draft = Draft { content: "half".into(), ..Default::default() };
        db.save_answer(&run.receipt.assistant_message_id, &draft, MessageStatus::Streaming).unwrap();

        assert_eq!(db.recover().unwrap(), 1, "only the plain answer was cut off");
        let runs = db.unfinished_runs().unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].answer_id, run.receipt.assistant_message_id);
        assert_eq!(runs[0].conversation_id, run.receipt.conversation.id);
        assert_eq!((runs[0].run_id.as_str(), runs[0].title.as_str()), ("resp_1", "deep question"));
        let shown = db.open_conversation(&plain.receipt.conversation.id, None).unwrap();
        assert_eq!(shown.messages[1].status, MessageStatus::Interrupted);

        db.save_answer(&run.receipt.assistant_message_id, &draft, MessageStatus::Complete).unwrap();
        assert!(db.unfinished_runs().unwrap().is_empty(), "a finished run is not followed again");
    }

    #[test]
    fn only_answers_take_a_run() {
        let db = Db::open_in_memory().unwrap();
        let plan = ask(&db, "q");
        assert!(db.set_run(&plan.receipt.user_message_id, "resp_x").is_err());
        assert!(db.set_run("no-such-message", "resp_x").is_err());
    }
}
