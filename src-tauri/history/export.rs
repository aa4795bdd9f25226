//! Export to files: JSON (complete and versioned, what [`super::import`] reads back) and Markdown
//! (the branch shown, for reading and sharing: `[n]` markers become footnotes whose definitions
//! are the sources, and each answer says what it cost).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::conversations;
use super::db::Db;
use super::error::{Error, Result};
use super::exported::date;
pub use super::exported::{ExportedConversation, FORMAT, VERSION};
use super::file_name::file_stem;
use super::markdown;
use super::messages;
use super::rows::ConversationSummary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    pub path: PathBuf,
    pub conversations: usize,
    pub messages: usize,
}

/// Which conversations to export, oldest first; `None` means all.
fn chosen(db: &Db, ids: Option<&[String]>) -> Result<Vec<ExportedConversation>> {
    let conn = db.conn();
    let ids: Vec<String> = match ids {
        Some(ids) => ids.to_vec(),
        None => conn
            .prepare("SELECT id FROM conversations WHERE deleted_at IS NULL ORDER BY created_at, seq")?
            .query_map([], |r| r.get("id"))?
            .collect::<rusqlite::Result<_>>()?,
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        conversations::get(&conn, &id)?;
        let (title_auto, options, leaf_id): (bool, Option<String>, Option<String>) =
            conn.query_row("SELECT title_auto, options, leaf_id FROM conversations WHERE id = ?1", [&id], |r| {
                Ok((r.get("title_auto")?, r.get("options")?, r.get("leaf_id")?))
            })?;
        let ConversationSummary { id, title, pinned, created_at, updated_at, model } = conversations::get(&conn, &id)?;
        let messages = messages::all(&conn, &id)?;
        out.push(ExportedConversation {
            options: options.and_then(|o| serde_json::from_str(&o).ok()),
            messages,
            id,
            title,
            title_auto,
            model,
            pinned,
            created_at,
            updated_at,
            leaf_id,
        });
    }
    Ok(out)
}

impl Db {
    /// Writes the conversations (`None`: all) into a new file in `folder`.
    pub fn export(
        &self,
        ids: Option<&[String]>,
        format: ExportFormat,
        folder: &Path,
        now: i64,
    ) -> Result<ExportResult> {
        let conversations = chosen(self, ids)?;
        if conversations.is_empty() {
            return Err(Error::BadRequest("There are no conversations to export yet.".into()));
        }
        let stem = match (&conversations[..], ids) {
            ([one], Some(_)) => file_stem(&one.title),
            _ => format!("Citewise history {}", date(now)),
        };
        let ext = if format == ExportFormat::Json { "json" } else { "md" };
        std::fs::create_dir_all(folder)?;
        let path = unique_path(folder, &stem, ext);
        // `file_stem` leaves no separator and no `..`, so this holds; a later change that broke it
        // must not write outside the folder.
        if path.parent() != Some(folder) {
            return Err(Error::BadRequest(format!("“{stem}” cannot be used as a file name.")));
        }
        // Written aside and renamed, so a failure never leaves half a file under the real name.
        let partial = path.with_extension(format!("{ext}.part"));
        let result = (|| -> Result<()> {
            let mut out = BufWriter::new(std::fs::File::create(&partial)?);
            match format {
                ExportFormat::Json => write_json(&mut out, &conversations, now)?,
                ExportFormat::Markdown => {
                    for (i, c) in conversations.iter().enumerate() {
                        if i > 0 {
                            out.write_all(b"\n\n")?;
                        }
                        out.write_all(markdown::markdown(c).as_bytes())?;
                    }
                }
            }
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&partial, &path)?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result?;
        let messages = conversations.iter().map(|c| c.messages.len()).sum();
        Ok(ExportResult { path, conversations: conversations.len(), messages })
    }
}

fn write_json(out: &mut impl Write, conversations: &[ExportedConversation], now: i64) -> Result<()> {
    let json = |e: serde_json::Error| Error::Io(e.into());
    write!(
        out,
        "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"app\":\"Citewise {}\",\"exportedAt\":{now},\"conversations\":[",
        env!("CARGO_PKG_VERSION")
    )?;
    for (i, c) in conversations.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *out, c).map_err(json)?;
    }
    out.write_all(b"]}\n")?;
    Ok(())
}

fn unique_path(folder: &Path, stem: &str, ext: &str) -> PathBuf {
    let mut path = folder.join(format!("{stem}.{ext}"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{stem} ({n}).{ext}"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{RequestOptions, Source, Usage};
    use crate::history::testing::sources;

    /// A conversation of two answers with sources, exported through the real database.
    fn exported_markdown() -> (String, Vec<Vec<Source>>) {
        use crate::api::{Cost, Finish, StreamEvent};
        use crate::history::draft::Draft;
        use crate::history::{MessageStatus, Turn, TurnStart};
        let db = Db::open_in_memory().unwrap();
        let mut conversation = None;
        let mut parent = None;
        let mut all_sources = Vec::new();
        for (question, text, n) in [
            ("How high is Everest?", "8,849 m [1][2], first climbed 1953 [1-3].", 3),
            ("And K2?", "8,611 m [2, 1]; see `arr[1]`.", 2),
        ] {
            let plan = db
                .begin_turn(
                    &TurnStart {
                        turn: Turn::Ask {
                            conversation: conversation.clone(),
                            parent: parent.clone(),
                            question: question.into(),
                        },
                        model: "sonar-pro".into(),
                        options: RequestOptions::default(),
                    },
                    8000,
                )
                .unwrap();
            let mut d = Draft::default();
            d.apply(&StreamEvent::Sources { sources: sources(n) });
            d.apply(&StreamEvent::Delta { text: text.into() });
            d.apply(&StreamEvent::Usage(Box::new(Usage {
                input_tokens: 6,
                output_tokens: 1,
                total_tokens: 7,
                cost: Some(Cost {
                    total: 0.00501,
                    currency: "USD".into(),
                    input_cost: None,
                    output_cost: None,
                    request_cost: None,
                    computed: false,
                    ..Default::default()
                }),
                ..Default::default()
            })));
            d.apply(&StreamEvent::Done { finish: Finish::Stop });
            db.save_answer(&plan.receipt.assistant_message_id, &d, MessageStatus::Complete).unwrap();
            conversation = Some(plan.receipt.conversation.id.clone());
            parent = Some(plan.receipt.assistant_message_id.clone());
            all_sources.push(sources(n));
        }
        let dir = crate::history::testing::tempdir();
        let result = db.export(Some(&[conversation.unwrap()]), ExportFormat::Markdown, &dir, 0).unwrap();
        assert_eq!(result.path.file_name().unwrap(), "How high is Everest.md");
        assert_eq!((result.conversations, result.messages), (1, 4));
        (std::fs::read_to_string(result.path).unwrap(), all_sources)
    }

    #[test]
    fn markdown_footnotes_match_the_sources_of_each_answer() {
        let (md, sources) = exported_markdown();
        assert!(md.starts_with("# How high is Everest?\n"), "{md}");
        assert!(md.contains("**You** · "), "{md}");
        assert!(md.contains("**Answer** · sonar-pro · 6 tokens in, 1 out · $0.00501"), "{md}");
        assert!(md.contains("8,849 m [^1.1][^1.2], first climbed 1953 [^1.1][^1.2][^1.3]."), "{md}");
        assert!(md.contains("8,611 m [^2.2][^2.1]; see `arr[1]`."), "{md}");
        for (a, list) in sources.iter().enumerate() {
            for s in list {
                let definition = format!("[^{}.{}]: [{}](<{}>) — {}", a + 1, s.index, s.title, s.url, s.domain);
                assert!(md.contains(&definition), "missing {definition} in {md}");
            }
        }
        // Every reference has exactly one definition.
        let refs: std::collections::BTreeSet<&str> =
            md.match_indices("[^").map(|(i, _)| &md[i..i + md[i..].find(']').unwrap() + 1]).collect();
        for r in refs {
            assert_eq!(md.matches(&format!("\n{r}: ")).count(), 1, "{r}");
        }
    }

    /// The file an export of a conversation with this title would be written to.
    fn exported_to(folder: &Path, title: &str) -> PathBuf {
        unique_path(folder, &file_stem(title), "json")
    }

    #[test]
    fn every_export_lands_in_the_export_folder() {
        let folder = crate::history::testing::tempdir();
        for title in [
            "../../etc/passwd",
            "..\\..\\Windows\\System32\\x",
            "/absolute/path",
            "C:\\Users\\x",
            "..",
            "\u{202E}dm.exe",
            "~/x",
            "a/../../b",
        ] {
            let path = exported_to(&folder, title);
            assert_eq!(path.parent(), Some(folder.as_path()), "{title:?} → {path:?}");
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(!name.contains(['/', '\\']) && !name.starts_with('.'), "{title:?} → {name}");
        }
    }
}
