//! Which image the window asks for: the `index`-th image of answer `message_id`, its URL taken
//! from the answer as the backend received it, never from the page.
//!
//! An answer is saved about once a second while it streams ([`crate::history::draft`]), but its
//! images are shown as soon as their event arrives, so the newest list may not be in the
//! database yet. [`Streamed`] keeps it in memory, filled from the stream's own events by
//! `commands::chat`, from the first `images` event until the answer's last save; after that the
//! saved message answers ([`saved_url`]).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::api::Image;
use crate::history::{self, Db};

/// Image URLs of the answers streaming now, by message id.
#[derive(Default)]
pub struct Streamed(Mutex<HashMap<String, Vec<String>>>);

impl Streamed {
    /// The answer's latest list (each `images` event carries the whole list).
    pub fn set(&self, message_id: &str, images: &[Image]) {
        let urls = images.iter().map(|i| i.url.clone()).collect();
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(message_id.to_owned(), urls);
    }

    /// The answer is saved for the last time: the database knows its images from now on.
    pub fn forget(&self, message_id: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(message_id);
    }

    /// The URL of image `index` of a streaming answer; `None` when the answer is not streaming
    /// (or has sent no images yet).
    pub fn url(&self, message_id: &str, index: usize) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(message_id)?.get(index).cloned()
    }
}

/// The URL of image `index` of the saved message `message_id`.
pub fn saved_url(db: &Db, message_id: &str, index: usize) -> history::Result<String> {
    let message = db.message(message_id)?;
    message.images.into_iter().nth(index).map(|i| i.url).ok_or(history::Error::NotFound("image"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::StreamEvent;
    use crate::history::draft::Draft;
    use crate::history::{MessageStatus, Turn, TurnStart};

    fn image(url: &str) -> Image {
        Image { url: url.into(), origin_url: None, width: None, height: None }
    }

    #[test]
    fn a_streaming_answer_answers_from_memory_until_it_is_forgotten() {
        let streamed = Streamed::default();
        assert_eq!(streamed.url("m1", 0), None);
        streamed.set("m1", &[image("https://a.example/1.png")]);
        streamed.set("m1", &[image("https://a.example/1.png"), image("https://a.example/2.png")]);
        assert_eq!(streamed.url("m1", 1).as_deref(), Some("https://a.example/2.png"), "the latest list");
        assert_eq!(streamed.url("m1", 2), None);
        assert_eq!(streamed.url("m2", 0), None);
        streamed.forget("m1");
        assert_eq!(streamed.url("m1", 0), None);
    }

    #[test]
    fn a_saved_answer_gives_its_images_by_position_and_nothing_else() {
        let db = Db::open_in_memory().unwrap();
        let start = TurnStart {
            turn: Turn::Ask { conversation: None, parent: None, question: "Everest?".into() },
            model: "sonar".into(),
            options: Default::default(),
        };
        let plan = db.begin_turn(&start, 10_000).unwrap();
        let answer = plan.receipt.assistant_message_id.clone();
        assert!(matches!(saved_url(&db, &answer, 0), Err(history::Error::NotFound("image"))), "no images yet");
        let mut draft = Draft::default();
        draft.apply(&StreamEvent::Images {
            images: vec![image("https://a.example/1.png"), image("http://127.0.0.1:1/2.png")],
        });
        db.save_answer(&answer, &draft, MessageStatus::Complete).unwrap();
        assert_eq!(saved_url(&db, &answer, 0).unwrap(), "https://a.example/1.png");
        assert_eq!(saved_url(&db, &answer, 1).unwrap(), "http://127.0.0.1:1/2.png");
        let err = saved_url(&db, &answer, 2).unwrap_err();
        assert_eq!(
            (err.kind(), err.to_string().as_str()),
            (crate::error_kind::ErrorKind::NotFound, "That image is no longer in your history.")
        );
        assert_eq!(saved_url(&db, "no-such-message", 0).unwrap_err().kind(), "not_found");
        // The question has no images.
        assert_eq!(saved_url(&db, &plan.receipt.user_message_id, 0).unwrap_err().kind(), "not_found");
    }
}
