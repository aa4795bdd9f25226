//! Starting an answer: the question (new, edited, or the same one again) and an empty answer are
//! written in one transaction before anything is sent, so a crash at any point leaves a
//! consistent tree; the earlier turns to send come from the same snapshot.
//!
//! One piece (over 400 lines with its tests): begin_turn and preview_turn walk the same branch the
//! same way; more than half of the file is the tests of ask, edit and regenerate.

use rusqlite::Connection;
use serde::Serialize;

use super::context;
use super::conversations::{self, title_from};
use super::db::{new_id, now_ms, Db};
use super::error::{Error, Result};
use super::messages;
use super::rows::{ConversationSummary, MessageStatus, StoredMessage, Versions};
use super::tree::{path_to, Tree};
use crate::api::{Message, RequestOptions, Role};

/// What the person asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Turn {
    /// A question: in a new conversation (`conversation` None), after `parent` (the last message
    /// of the branch shown), or as an edit of an earlier question (its parent; None for the first).
    Ask { conversation: Option<String>, parent: Option<String>, question: String },
    /// Another answer to an existing question (Regenerate, Retry).
    Regenerate { conversation: String, question: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TurnStart {
    pub turn: Turn,
    pub model: String,
    pub options: RequestOptions,
}

/// What the UI is told once the answer has started.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub conversation: ConversationSummary,
    pub user_message_id: String,
    pub assistant_message_id: String,
    pub user_versions: Versions,
    pub answer_versions: Versions,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TurnPlan {
    pub receipt: Receipt,
    /// Earlier turns and the question, trimmed to the budget, oldest first.
    pub messages: Vec<Message>,
}

/// What a turn would send, without writing anything (for the estimate before sending).
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// Earlier turns and the question, trimmed to the budget, oldest first.
    pub messages: Vec<Message>,
}

impl Preview {
    /// Earlier messages sent along with the question.
    pub fn earlier(&self) -> usize {
        self.messages.len().saturating_sub(1)
    }
}

fn user_message(parent: Option<String>, question: &str, now: i64) -> StoredMessage {
    StoredMessage::new(new_id(), parent, Role::User, question, MessageStatus::Complete, now)
}

/// The question a regeneration answers again; failed answers to it that hold no text (and were
/// not followed up) are removed rather than kept as versions.
fn prepare_regenerate(conn: &Connection, conversation: &str, question: &str) -> Result<()> {
    let m = messages::get(conn, question)?;
    if m.role != Role::User || messages::conversation_of(conn, question)? != conversation {
        return Err(Error::BadRequest("Only a question in this conversation can be answered again.".into()));
    }
    conn.execute(
        "DELETE FROM messages WHERE parent_id = ?1 AND status = 'error' AND trim(content) = ''
           AND NOT EXISTS (SELECT 1 FROM messages AS child WHERE child.parent_id = messages.id)",
        [question],
    )?;
    Ok(())
}

impl Db {
    /// What [`Db::begin_turn`] would send for `turn`; an unknown conversation or message counts
    /// as a new start (the send itself will say what is wrong).
    pub fn preview_turn(&self, turn: &Turn, budget: usize) -> Result<Preview> {
        let conn = self.conn();
        let branch = match turn {
            Turn::Ask { conversation: Some(c), parent, question } => {
                let mut branch = match parent {
                    Some(parent) => path_to(messages::outline(&conn, c)?, parent),
                    None => Vec::new(),
                };
                branch.push(user_message(parent.clone(), question.trim(), 0));
                branch
            }
            Turn::Ask { conversation: None, question, .. } => vec![user_message(None, question.trim(), 0)],
            Turn::Regenerate { conversation, question } => path_to(messages::outline(&conn, conversation)?, question),
        };
        Ok(Preview { messages: context::build(&branch, budget) })
    }

    /// Remembers the model and options a conversation's next question will use.
    pub fn configure_conversation(&self, id: &str, model: &str, options: &RequestOptions) -> Result<()> {
        let options = serde_json::to_string(options).unwrap_or_else(|_| "null".into());
        let changed = self.conn().execute(
            "UPDATE conversations SET model = ?2, options = ?3 WHERE id = ?1 AND deleted_at IS NULL",
            rusqlite::params![id, model, options],
        )?;
        if changed == 0 {
            return Err(Error::NotFound("conversation"));
        }
        Ok(())
    }

    /// Writes the question and an empty `streaming` answer; returns the ids and what to send.
    pub fn begin_turn(&self, start: &TurnStart, budget: usize) -> Result<TurnPlan> {
        let now = now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let (conversation, question_id) = match &start.turn {
            Turn::Ask { conversation, parent, question } => {
                let question = question.trim();
                if question.is_empty() {
                    return Err(Error::BadRequest("There is no question to send.".into()));
                }
                let conversation = match conversation {
                    Some(id) => {
                        conversations::get(&tx, id)?;
                        if let Some(parent) = parent {
                            if messages::conversation_of(&tx, parent)? != *id {
                                return Err(Error::BadRequest("That message is in another conversation.".into()));
                            }
                        } else {
                            // A new first question: the automatic title follows it.
                            conversations::set_auto_title(&tx, id, &title_from(question))?;
                        }
                        id.clone()
                    }
                    None if parent.is_some() => return Err(Error::NotFound("conversation")),
                    None => {
                        let id = new_id();
                        conversations::insert(&tx, &id, &title_from(question), now)?;
                        id
                    }
                };
                let user = user_message(parent.clone(), question, now);
                messages::insert(&tx, &conversation, &user)?;
                (conversation, user.id)
            }
            Turn::Regenerate { conversation, question } => {
                conversations::get(&tx, conversation)?;
                prepare_regenerate(&tx, conversation, question)?;
                (conversation.clone(), question.clone())
            }
        };
        let answer = StoredMessage {
            role: Role::Assistant,
            content: String::new(),
            model: Some(start.model.clone()),
            status: MessageStatus::Streaming,
            ..user_message(Some(question_id.clone()), "", now)
        };
        messages::insert(&tx, &conversation, &answer)?;
        let options = serde_json::to_string(&start.options).unwrap_or_else(|_| "null".into());
        conversations::touch(&tx, &conversation, &start.model, &options, &answer.id, now)?;

        let tree = Tree::new(messages::all(&tx, &conversation)?);
        let (user_versions, answer_versions) = (tree.versions(&question_id), tree.versions(&answer.id));
        let mut branch = tree.branch(Some(&answer.id));
        branch.pop(); // the empty answer itself
        let messages = context::build(&branch, budget);
        let summary = conversations::get(&tx, &conversation)?;
        tx.commit()?;
        Ok(TurnPlan {
            receipt: Receipt {
                conversation: summary,
                user_message_id: question_id,
                assistant_message_id: answer.id,
                user_versions,
                answer_versions,
            },
            messages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Finish, StreamEvent};
    use crate::history::draft::Draft;

    fn ask(conversation: Option<&str>, parent: Option<&str>, question: &str) -> TurnStart {
        TurnStart {
            turn: Turn::Ask {
                conversation: conversation.map(String::from),
                parent: parent.map(String::from),
                question: question.into(),
            },
            model: "sonar".into(),
            options: RequestOptions::default(),
        }
    }

    fn regenerate(conversation: &str, question: &str) -> TurnStart {
        TurnStart {
            turn: Turn::Regenerate { conversation: conversation.into(), question: question.into() },
            model: "sonar-pro".into(),
            options: RequestOptions::default(),
        }
    }

    /// Answers `plan`'s question with `text` and returns the answer's id.
    fn answer(db: &Db, plan: &TurnPlan, text: &str) -> String {
        let mut draft = Draft::default();
        draft.apply(&StreamEvent::Delta { text: text.into() });
        draft.apply(&StreamEvent::Done { finish: Finish::Stop });
        let id = plan.receipt.assistant_message_id.clone();
        db.save_answer(&id, &draft, MessageStatus::Complete).unwrap();
        id
    }

    fn contents(db: &Db, id: &str) -> Vec<String> {
        db.open_conversation(id, None).unwrap().messages.into_iter().map(|m| m.content).collect()
    }

    #[test]
    fn a_preview_sends_what_the_turn_would_and_writes_nothing() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "q1"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let q1 = p1.receipt.user_message_id.clone();
        let a1 = answer(&db, &p1, "a1");
        let count =
            |db: &Db| db.conn().query_row("SELECT count(*) AS n FROM messages", [], |r| r.get::<_, i64>("n")).unwrap();
        let before = count(&db);

        let follow_up = Turn::Ask { conversation: Some(c.clone()), parent: Some(a1.clone()), question: " q2 ".into() };
        let preview = db.preview_turn(&follow_up, 8000).unwrap();
        assert_eq!(preview.messages, [Message::user("q1"), Message::assistant("a1"), Message::user("q2")]);
        assert_eq!(preview.earlier(), 2);
        let edit_first = Turn::Ask { conversation: Some(c.clone()), parent: None, question: "q1 edited".into() };
        assert_eq!(db.preview_turn(&edit_first, 8000).unwrap().messages, [Message::user("q1 edited")]);
        let again = Turn::Regenerate { conversation: c.clone(), question: q1 };
        assert_eq!(db.preview_turn(&again, 8000).unwrap().messages, [Message::user("q1")]);
        let fresh = Turn::Ask { conversation: None, parent: None, question: "new".into() };
        assert_eq!(db.preview_turn(&fresh, 8000).unwrap().earlier(), 0);
        assert_eq!(count(&db), before);

        // The preview is what the send then sends.
        let sent = db.begin_turn(
            &TurnStart { turn: follow_up, model: "sonar".into(), options: RequestOptions::default() },
            8000,
        );
        assert_eq!(sent.unwrap().messages, preview.messages);
    }

    #[test]
    fn a_conversation_remembers_its_model_and_options_before_the_next_question() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "q1"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let mut options = RequestOptions::default();
        options.search.enabled = false;
        db.configure_conversation(&c, "sonar-pro", &options).unwrap();
        let conv = db.open_conversation(&c, None).unwrap();
        assert_eq!((conv.summary.model.as_str(), conv.options), ("sonar-pro", Some(options.clone())));
        assert!(matches!(db.configure_conversation("nope", "sonar", &options), Err(Error::NotFound(_))));
    }

    #[test]
    fn a_first_question_creates_a_titled_conversation() {
        let db = Db::open_in_memory().unwrap();
        let plan = db.begin_turn(&ask(None, None, "  How high is Everest?\n"), 8000).unwrap();
        assert_eq!(plan.receipt.conversation.title, "How high is Everest?");
        assert_eq!(plan.receipt.conversation.model, "sonar");
        assert_eq!(plan.messages, [Message::user("How high is Everest?")]);
        let conv = db.open_conversation(&plan.receipt.conversation.id, None).unwrap();
        assert_eq!(conv.messages.len(), 2);
        assert_eq!(conv.messages[1].status, MessageStatus::Streaming);
        assert_eq!(conv.messages[1].model.as_deref(), Some("sonar"));
        assert_eq!(plan.receipt.user_versions.count, 1);
    }

    #[test]
    fn follow_ups_send_the_earlier_turns_of_the_branch() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "q1"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let a1 = answer(&db, &p1, "a1");
        let p2 = db.begin_turn(&ask(Some(&c), Some(&a1), "q2"), 8000).unwrap();
        assert_eq!(p2.messages, [Message::user("q1"), Message::assistant("a1"), Message::user("q2")]);
        assert_eq!(p2.receipt.conversation.title, "q1", "the title stays the first question's");
    }

    #[test]
    fn edit_and_resend_makes_a_sibling_version_and_a_new_branch() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "q1"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let a1 = answer(&db, &p1, "a1");
        let p2 = db.begin_turn(&ask(Some(&c), Some(&a1), "q2"), 8000).unwrap();
        answer(&db, &p2, "a2");
        // Edit q2: same parent as q2.
        let p2b = db.begin_turn(&ask(Some(&c), Some(&a1), "q2 edited"), 8000).unwrap();
        assert_eq!(p2b.receipt.user_versions.count, 2);
        assert_eq!(p2b.receipt.user_versions.index, 1);
        assert_eq!(p2b.messages.last().unwrap().content, "q2 edited");
        answer(&db, &p2b, "a2b");
        assert_eq!(contents(&db, &c), ["q1", "a1", "q2 edited", "a2b"]);
        // Back to the first version of q2: its own answer follows.
        let conv = db.select_version(&c, &p2.receipt.user_message_id).unwrap();
        let shown: Vec<_> = conv.messages.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(shown, ["q1", "a1", "q2", "a2"]);
        assert_eq!(conv.messages[2].versions.index, 0);
        assert_eq!(conv.messages[2].versions.count, 2);
        assert_eq!(contents(&db, &c), ["q1", "a1", "q2", "a2"], "the choice is remembered");
    }

    #[test]
    fn editing_the_first_question_retitles_unless_renamed() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "Everest height"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let p = db.begin_turn(&ask(Some(&c), None, "K2 height"), 8000).unwrap();
        assert_eq!(p.receipt.conversation.title, "K2 height");
        assert_eq!(p.receipt.user_versions.count, 2);
        db.rename_conversation(&c, "Mountains").unwrap();
        let p = db.begin_turn(&ask(Some(&c), None, "Annapurna height"), 8000).unwrap();
        assert_eq!(p.receipt.conversation.title, "Mountains");
    }

    #[test]
    fn regenerate_keeps_answers_as_versions_but_replaces_empty_failures() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "q1"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let q1 = p1.receipt.user_message_id.clone();
        answer(&db, &p1, "first answer");
        let p2 = db.begin_turn(&regenerate(&c, &q1), 8000).unwrap();
        assert_eq!(p2.messages, [Message::user("q1")], "the old answer is not sent back");
        assert_eq!(p2.receipt.answer_versions.count, 2);
        let mut failed = Draft::default();
        failed.apply(&StreamEvent::Error(crate::api::ErrorPayload {
            kind: crate::error_kind::ErrorKind::Server,
            message: "500".into(),
            retry_after: None,
        }));
        db.save_answer(&p2.receipt.assistant_message_id, &failed, MessageStatus::Error).unwrap();
        let p3 = db.begin_turn(&regenerate(&c, &q1), 8000).unwrap();
        assert_eq!(p3.receipt.answer_versions.count, 2, "the empty failure was replaced");
        assert!(db.message(&p2.receipt.assistant_message_id).is_err());
        let conv = db.open_conversation(&c, None).unwrap();
        assert_eq!(conv.messages[1].id, p3.receipt.assistant_message_id);
        assert_eq!(conv.summary.model, "sonar-pro");
    }

    #[test]
    fn bad_turns_are_refused_and_write_nothing() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "q1"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let other = db.begin_turn(&ask(None, None, "elsewhere"), 8000).unwrap();
        let count =
            || -> i64 { db.conn().query_row("SELECT count(*) AS n FROM messages", [], |r| r.get("n")).unwrap() };
        let before = count();
        assert!(matches!(db.begin_turn(&ask(None, None, "   "), 8000), Err(Error::BadRequest(_))));
        let foreign = other.receipt.assistant_message_id.as_str();
        assert!(matches!(db.begin_turn(&ask(Some(&c), Some(foreign), "x"), 8000), Err(Error::BadRequest(_))));
        assert!(matches!(db.begin_turn(&ask(Some("gone"), None, "x"), 8000), Err(Error::NotFound(_))));
        let answer_id = p1.receipt.assistant_message_id.as_str();
        assert!(matches!(db.begin_turn(&regenerate(&c, answer_id), 8000), Err(Error::BadRequest(_))));
        assert_eq!(count(), before);
    }

    #[test]
    fn an_answer_streaming_at_a_crash_comes_back_interrupted_with_its_text() {
        let dir = crate::history::testing::tempdir();
        let path = dir.join("h.sqlite3");
        let (c, id) = {
            let db = Db::open(&path).unwrap();
            let plan = db.begin_turn(&ask(None, None, "q"), 8000).unwrap();
            let mut draft = Draft::default();
            draft.apply(&StreamEvent::Delta { text: "half an ans".into() });
            db.save_answer(&plan.receipt.assistant_message_id, &draft, MessageStatus::Streaming).unwrap();
            (plan.receipt.conversation.id, plan.receipt.assistant_message_id)
            // dropped without finishing, like a killed process
        };
        let db = Db::open(&path).unwrap();
        assert_eq!(db.recover().unwrap(), 1);
        let m = db.message(&id).unwrap();
        assert_eq!(m.status, MessageStatus::Interrupted);
        assert_eq!(m.content, "half an ans");
        assert_eq!(db.open_conversation(&c, None).unwrap().messages.len(), 2);
    }

    #[test]
    fn opening_at_a_message_on_another_branch_switches_to_it() {
        let db = Db::open_in_memory().unwrap();
        let p1 = db.begin_turn(&ask(None, None, "q1"), 8000).unwrap();
        let c = p1.receipt.conversation.id.clone();
        let old = answer(&db, &p1, "old answer about glaciers");
        let p2 = db.begin_turn(&regenerate(&c, &p1.receipt.user_message_id), 8000).unwrap();
        answer(&db, &p2, "new answer");
        assert_eq!(contents(&db, &c)[1], "new answer");
        let conv = db.open_conversation(&c, Some(&old)).unwrap();
        assert_eq!(conv.messages[1].content, "old answer about glaciers");
        assert_eq!(
            conv.messages[1].versions,
            Versions { index: 0, count: 2, siblings: vec![old.clone(), p2.receipt.assistant_message_id.clone()] }
        );
        assert!(matches!(db.open_conversation(&c, Some("nope")), Err(Error::NotFound(_))));
    }
}
