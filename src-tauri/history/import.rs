//! Import of a JSON export: checked completely first, then written in one transaction, so a bad
//! file changes nothing. Conversations already in history (same id) are skipped and reported.

use std::collections::HashSet;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::conversations;
use super::db::Db;
use super::error::{Error, Result};
use super::exported::{ExportedConversation, FORMAT, VERSION};
use super::messages;
use super::rows::MessageStatus;
use crate::api::Role;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub conversations: usize,
    pub messages: usize,
    /// Titles of the conversations that were already in history.
    pub skipped: Vec<String>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Deserialize)]
struct File {
    conversations: Vec<ExportedConversation>,
}

const MAX_TEXT: usize = 10 * 1024 * 1024;

/// The largest export Citewise imports, in bytes: a history of thousands of long conversations is
/// well under it, and parsing holds a file several times over in memory. The page reads the
/// chosen file and passes its text, so `ui/history/export-import.js` refuses a bigger file by its size before
/// reading it (`MAX_IMPORT_BYTES` there, kept equal by a test); [`parse`] refuses a bigger text
/// before parsing it, for a page that skipped that check.
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;

/// "This file is 73 MB; Citewise imports files up to 50 MB." when `bytes` is over the limit.
fn check_size(bytes: usize) -> Result<()> {
    if bytes <= MAX_IMPORT_BYTES {
        return Ok(());
    }
    Err(bad(format!(
        "This file is {}; Citewise imports files up to {}.",
        megabytes(bytes),
        megabytes(MAX_IMPORT_BYTES)
    )))
}

/// `73 MB`, `50.1 MB`: MB = 1024 × 1024 bytes, rounded up to a tenth, so nothing over the limit
/// reads as the limit itself (`ui/history/export-import.js` rounds the same way).
fn megabytes(bytes: usize) -> String {
    let tenths = bytes.saturating_mul(10).div_ceil(1024 * 1024);
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        t => format!("{}.{t} MB", tenths / 10),
    }
}

fn bad(message: String) -> Error {
    Error::Import(message)
}

/// Reads and checks the file; every problem is named with the conversation it is in. A text over
/// [`MAX_IMPORT_BYTES`] is refused before it is parsed.
pub fn parse(text: &str) -> Result<Vec<ExportedConversation>> {
    check_size(text.len())?;
    let not_export = "This file is not a Citewise JSON export (use Export as JSON to make one).";
    let header: Header = serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            bad(format!("This file is not valid JSON ({e})."))
        } else {
            bad(not_export.into())
        }
    })?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(bad(not_export.into()));
    }
    match header.version {
        Some(v) if v > VERSION => {
            return Err(bad(format!(
                "This export was made by a newer Citewise (format version {v}; this version reads up to {VERSION}). \
                 Update Citewise to import it."
            )))
        }
        None | Some(0) => return Err(bad(not_export.into())),
        Some(_) => {}
    }
    let file: File = serde_json::from_str(text).map_err(|e| bad(format!("The export is damaged: {e}.")))?;
    let mut ids = HashSet::new();
    let mut message_ids = HashSet::new();
    for (n, c) in file.conversations.iter().enumerate() {
        let name = format!("conversation {} (“{}”)", n + 1, c.title.chars().take(60).collect::<String>());
        if c.id.trim().is_empty() || c.id.len() > 100 {
            return Err(bad(format!("The export is damaged: {name} has no usable id.")));
        }
        if !ids.insert(c.id.as_str()) {
            return Err(bad(format!("The export is damaged: {name} appears twice.")));
        }
        if c.title.trim().is_empty() || c.title.len() > 1000 {
            return Err(bad(format!("The export is damaged: {name} has no usable title.")));
        }
        let mut seen = HashSet::new();
        for (i, m) in c.messages.iter().enumerate() {
            let what = format!("message {} of {name}", i + 1);
            if m.id.trim().is_empty() || m.id.len() > 100 || !message_ids.insert(m.id.as_str()) {
                return Err(bad(format!("The export is damaged: {what} has a missing or repeated id.")));
            }
            if m.role == Role::System {
                return Err(bad(format!("The export is damaged: {what} has the role “system”.")));
            }
            if let Some(parent) = &m.parent_id {
                if !seen.contains(parent.as_str()) {
                    return Err(bad(format!("The export is damaged: {what} answers a message that is not before it.")));
                }
            }
            if m.content.len() > MAX_TEXT || m.reasoning.len() > MAX_TEXT {
                return Err(bad(format!("{what} is larger than 10 MB.")));
            }
            if m.created_at < 0 || m.updated_at < 0 {
                return Err(bad(format!("The export is damaged: {what} has a negative time.")));
            }
            seen.insert(m.id.as_str());
        }
        if let Some(leaf) = &c.leaf_id {
            if !seen.contains(leaf.as_str()) {
                return Err(bad(format!("The export is damaged: {name} shows a message it does not contain.")));
            }
        }
    }
    Ok(file.conversations)
}

impl Db {
    /// Imports a JSON export; all or nothing.
    pub fn import(&self, text: &str) -> Result<ImportReport> {
        let file = parse(text)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut report = ImportReport { conversations: 0, messages: 0, skipped: Vec::new() };
        for c in file {
            let existing: Option<Option<i64>> = tx
                .query_row("SELECT deleted_at FROM conversations WHERE id = ?1", [&c.id], |r| r.get("deleted_at"))
                .optional()?;
            match existing {
                Some(None) => {
                    report.skipped.push(c.title);
                    continue;
                }
                // Deleted this session and imported again: the import wins over the pending delete.
                Some(Some(_)) => {
                    tx.execute("DELETE FROM conversations WHERE id = ?1", [&c.id])?;
                }
                None => {}
            }
            for m in &c.messages {
                let taken: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM messages WHERE id = ?1) AS known", [&m.id], |r| {
                        r.get("known")
                    })?;
                if taken {
                    return Err(bad(format!(
                        "“{}” shares message ids with a different conversation in your history, so it cannot be \
                         imported safely. Nothing was imported.",
                        c.title
                    )));
                }
            }
            conversations::insert(&tx, &c.id, c.title.trim(), c.created_at)?;
            let options = c.options.as_ref().and_then(|o| serde_json::to_string(o).ok());
            tx.execute(
                "UPDATE conversations SET title_auto = ?2, model = ?3, options = ?4, pinned = ?5, updated_at = ?6,
                     leaf_id = ?7 WHERE id = ?1",
                rusqlite::params![c.id, c.title_auto, c.model, options, c.pinned, c.updated_at, c.leaf_id],
            )?;
            for m in &c.messages {
                let mut m = m.clone();
                // Nothing imported is still arriving.
                if m.status == MessageStatus::Streaming {
                    m.status = MessageStatus::Interrupted;
                }
                messages::insert(&tx, &c.id, &m)?;
            }
            report.conversations += 1;
            report.messages += c.messages.len();
        }
        tx.commit()?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Finish, RequestOptions, Source, StreamEvent};
    use crate::history::draft::Draft;
    use crate::history::export::ExportFormat;
    use crate::history::{Turn, TurnStart};

    fn sample(db: &Db) -> String {
        let plan = db
            .begin_turn(
                &TurnStart {
                    turn: Turn::Ask { conversation: None, parent: None, question: "How high is Everest?".into() },
                    model: "sonar".into(),
                    options: RequestOptions::default(),
                },
                8000,
            )
            .unwrap();
        let mut d = Draft::default();
        d.apply(&StreamEvent::Sources {
            sources: vec![Source::new(
                1,
                "https://en.wikipedia.org/wiki/Everest".into(),
                "Everest".into(),
                "".into(),
                None,
            )],
        });
        d.apply(&StreamEvent::Delta { text: "8,849 m [1].".into() });
        d.apply(&StreamEvent::Done { finish: Finish::Stop });
        db.save_answer(&plan.receipt.assistant_message_id, &d, MessageStatus::Complete).unwrap();
        plan.receipt.conversation.id
    }

    fn export_text(db: &Db) -> String {
        let dir = crate::history::testing::tempdir();
        let result = db.export(None, ExportFormat::Json, &dir, 0).unwrap();
        std::fs::read_to_string(result.path).unwrap()
    }

    fn count(db: &Db, table: &str) -> i64 {
        db.conn().query_row(&format!("SELECT count(*) AS n FROM {table}"), [], |r| r.get("n")).unwrap()
    }

    #[test]
    fn an_export_imports_into_an_empty_history_identically() {
        let source = Db::open_in_memory().unwrap();
        let id = sample(&source);
        let text = export_text(&source);
        let target = Db::open_in_memory().unwrap();
        let report = target.import(&text).unwrap();
        assert_eq!(report, ImportReport { conversations: 1, messages: 2, skipped: vec![] });
        assert_eq!(target.open_conversation(&id, None).unwrap(), source.open_conversation(&id, None).unwrap());
        assert_eq!(target.search("wikipedia everest", 10).unwrap().len(), 0);
        assert_eq!(target.search("8,849", 10).unwrap().len(), 1, "imported messages are searchable");
    }

    #[test]
    fn importing_twice_skips_what_is_already_there() {
        let db = Db::open_in_memory().unwrap();
        sample(&db);
        let text = export_text(&db);
        let report = db.import(&text).unwrap();
        assert_eq!(
            report,
            ImportReport { conversations: 0, messages: 0, skipped: vec!["How high is Everest?".into()] }
        );
        assert_eq!(count(&db, "messages"), 2);
    }

    #[test]
    fn a_conversation_deleted_this_session_comes_back_from_its_export() {
        let db = Db::open_in_memory().unwrap();
        let id = sample(&db);
        let text = export_text(&db);
        db.delete_conversation(&id).unwrap();
        assert_eq!(db.import(&text).unwrap().conversations, 1);
        assert_eq!(db.open_conversation(&id, None).unwrap().messages.len(), 2);
    }

    #[test]
    fn bad_files_are_rejected_with_the_reason_and_nothing_is_imported() {
        let db = Db::open_in_memory().unwrap();
        let good = export_text(&{
            let d = Db::open_in_memory().unwrap();
            sample(&d);
            d
        });
        let v: serde_json::Value = serde_json::from_str(&good).unwrap();
        let with = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v = v.clone();
            f(&mut v);
            v.to_string()
        };
        let cases: Vec<(String, &str)> = vec![
            ("not json at all".into(), "not valid JSON"),
            ("{\"hello\": 1}".into(), "not a Citewise JSON export"),
            (with(&|v| v["version"] = 99.into()), "newer Citewise"),
            (with(&|v| v["conversations"][0]["messages"][1]["parentId"] = "nowhere".into()), "not before it"),
            (with(&|v| v["conversations"][0]["messages"][0]["role"] = "system".into()), "role “system”"),
            (with(&|v| v["conversations"][0]["messages"][1]["role"] = "robot".into()), "damaged"),
            (with(&|v| v["conversations"][0]["leafId"] = "other".into()), "does not contain"),
            (with(&|v| v["conversations"][0]["title"] = "".into()), "no usable title"),
            (
                with(&|v| {
                    let c = v["conversations"][0].clone();
                    v["conversations"].as_array_mut().unwrap().push(c);
                }),
                "appears twice",
            ),
            (
                with(&|v| {
                    v["conversations"][0]["messages"][1]["id"] = v["conversations"][0]["messages"][0]["id"].clone()
                }),
                "repeated id",
            ),
        ];
        for (text, reason) in cases {
            match db.import(&text) {
                Err(Error::Import(message)) => assert!(message.contains(reason), "{reason}: got {message}"),
                other => panic!("{reason}: expected a rejection, got {other:?}"),
            }
            assert_eq!(count(&db, "conversations"), 0, "{reason}: nothing half-imported");
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_parsed() {
        let db = Db::open_in_memory().unwrap();
        // White space around a valid export: it would import if the size were not checked.
        sample(&db);
        let valid = export_text(&db);
        let target = Db::open_in_memory().unwrap();
        let padded = format!("{valid}{}", " ".repeat(MAX_IMPORT_BYTES + 1 - valid.len()));
        match target.import(&padded) {
            Err(Error::Import(message)) => {
                assert_eq!(message, "This file is 50.1 MB; Citewise imports files up to 50 MB.")
            }
            other => panic!("expected the size refusal, got {other:?}"),
        }
        assert_eq!(count(&target, "conversations"), 0);
        // Exactly at the limit it still imports.
        target.import(&padded[..MAX_IMPORT_BYTES]).unwrap();
        assert_eq!(count(&target, "conversations"), 1);
    }

    #[test]
    fn sizes_are_said_in_megabytes_never_rounded_down_to_the_limit() {
        const MB: usize = 1024 * 1024;
        for (bytes, said) in [(73 * MB, "73 MB"), (50 * MB + 1, "50.1 MB"), (50 * MB, "50 MB"), (1, "0.1 MB")] {
            assert_eq!(megabytes(bytes), said, "{bytes}");
        }
    }

    /// The page checks a chosen file's size against the same number before reading it.
    #[test]
    fn the_page_refuses_files_by_the_same_limit() {
        let data_js = include_str!("../../ui/history/export-import.js");
        let line = format!("const MAX_IMPORT_BYTES = {} * 1024 * 1024;", MAX_IMPORT_BYTES / (1024 * 1024));
        assert!(data_js.contains(&line), "ui/history/export-import.js should say `{line}`");
    }

    #[test]
    fn a_late_conflict_rolls_back_earlier_conversations_of_the_same_file() {
        let db = Db::open_in_memory().unwrap();
        sample(&db);
        let mut v: serde_json::Value = serde_json::from_str(&export_text(&db)).unwrap();
        // A new conversation first, then one reusing a message id already in history.
        let mut fresh = v["conversations"][0].clone();
        fresh["id"] = "new-1".into();
        fresh["messages"][0]["id"] = "m-new-1".into();
        fresh["messages"][1]["id"] = "m-new-2".into();
        fresh["messages"][1]["parentId"] = "m-new-1".into();
        fresh["leafId"] = "m-new-2".into();
        let mut clash = v["conversations"][0].clone();
        clash["id"] = "new-2".into();
        v["conversations"] = serde_json::json!([fresh, clash]);
        let err = db.import(&v.to_string()).unwrap_err();
        assert!(err.to_string().contains("shares message ids"), "{err}");
        assert_eq!(count(&db, "conversations"), 1, "the first new one was rolled back too");
    }

    #[test]
    fn answers_still_streaming_in_the_file_arrive_interrupted() {
        let db = Db::open_in_memory().unwrap();
        sample(&db);
        let mut v: serde_json::Value = serde_json::from_str(&export_text(&db)).unwrap();
        v["conversations"][0]["messages"][1]["status"] = "streaming".into();
        let target = Db::open_in_memory().unwrap();
        target.import(&v.to_string()).unwrap();
        let id = v["conversations"][0]["messages"][1]["id"].as_str().unwrap();
        assert_eq!(target.message(id).unwrap().status, MessageStatus::Interrupted);
    }
}
