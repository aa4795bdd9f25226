//! Separates inline `<think>…</think>` reasoning (Sonar reasoning models) from the answer, with
//! the tags allowed to arrive split across any number of chunks.

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Answer(String),
    Reasoning(String),
}

#[derive(Debug, Default)]
pub struct ThinkSplitter {
    state: State,
    /// Text held back because it may be the start of a tag.
    held: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
enum State {
    /// Nothing but whitespace so far: a `<think>` here opens reasoning.
    #[default]
    Start,
    Thinking,
    /// Right after `</think>`: the blank lines before the answer are dropped.
    AfterThinking,
    Answer,
}

impl ThinkSplitter {
    pub fn push(&mut self, chunk: &str) -> Vec<Piece> {
        let mut text = std::mem::take(&mut self.held);
        text.push_str(chunk);
        let mut out = Vec::new();
        let mut rest = text.as_str();
        loop {
            match self.state {
                State::Start => {
                    let trimmed = rest.trim_start();
                    if trimmed.is_empty() {
                        self.held = rest.to_owned();
                        break;
                    }
                    if let Some(after) = trimmed.strip_prefix(OPEN) {
                        self.state = State::Thinking;
                        rest = after;
                    } else if OPEN.starts_with(trimmed) {
                        self.held = rest.to_owned();
                        break;
                    } else {
                        self.state = State::Answer;
                        rest = trimmed;
                    }
                }
                State::Thinking => match rest.find(CLOSE) {
                    Some(at) => {
                        push(&mut out, Piece::Reasoning(rest[..at].to_owned()));
                        rest = &rest[at + CLOSE.len()..];
                        self.state = State::AfterThinking;
                    }
                    None => {
                        let keep = partial_tag_suffix(rest, CLOSE);
                        push(&mut out, Piece::Reasoning(rest[..rest.len() - keep].to_owned()));
                        self.held = rest[rest.len() - keep..].to_owned();
                        break;
                    }
                },
                State::AfterThinking => {
                    let trimmed = rest.trim_start();
                    if trimmed.is_empty() {
                        break;
                    }
                    rest = trimmed;
                    self.state = State::Answer;
                }
                State::Answer => {
                    push(&mut out, Piece::Answer(rest.to_owned()));
                    break;
                }
            }
        }
        out
    }

    /// The end of the stream: whatever was held back is what it looked like.
    pub fn finish(&mut self) -> Vec<Piece> {
        let held = std::mem::take(&mut self.held);
        let mut out = Vec::new();
        match self.state {
            State::Thinking => push(&mut out, Piece::Reasoning(held)),
            State::AfterThinking => {}
            State::Start | State::Answer => push(&mut out, Piece::Answer(held.trim_start().to_owned())),
        }
        out
    }
}

fn push(out: &mut Vec<Piece>, piece: Piece) {
    let empty = match &piece {
        Piece::Answer(s) | Piece::Reasoning(s) => s.is_empty(),
    };
    if !empty {
        out.push(piece);
    }
}

/// Length of the longest suffix of `text` that is a proper prefix of `tag`.
fn partial_tag_suffix(text: &str, tag: &str) -> usize {
    (1..tag.len())
        .rev()
        .find(|&n| text.len() >= n && text.is_char_boundary(text.len() - n) && tag.starts_with(&text[text.len() - n..]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(chunks: &[&str]) -> (String, String) {
        let mut s = ThinkSplitter::default();
        let mut pieces: Vec<Piece> = chunks.iter().flat_map(|c| s.push(c)).collect();
        pieces.extend(s.finish());
        let mut answer = String::new();
        let mut reasoning = String::new();
        for p in pieces {
            match p {
                Piece::Answer(t) => answer.push_str(&t),
                Piece::Reasoning(t) => reasoning.push_str(&t),
            }
        }
        (answer, reasoning)
    }

    #[test]
    fn tags_split_at_every_position_are_recognised() {
        let full = "<think>\nLet me check the survey.\n</think>\n\nIt is 8,849 m [1].";
        for cut in 0..=full.len() {
            if !full.is_char_boundary(cut) {
                continue;
            }
            for cut2 in cut..=full.len() {
                let (a, r) = split_all(&[&full[..cut], &full[cut..cut2], &full[cut2..]]);
                assert_eq!(a, "It is 8,849 m [1].", "cuts {cut},{cut2}");
                assert_eq!(r, "\nLet me check the survey.\n", "cuts {cut},{cut2}");
            }
        }
    }

    #[test]
    fn answers_without_reasoning_pass_through_untouched() {
        assert_eq!(
            split_all(&["Plain ", "answer with <think> in it"]),
            ("Plain answer with <think> in it".into(), String::new())
        );
        assert_eq!(split_all(&["<thi", "s is not a tag"]), ("<this is not a tag".into(), String::new()));
        assert_eq!(split_all(&["<"]), ("<".into(), String::new()));
    }

    #[test]
    fn unterminated_reasoning_stays_reasoning() {
        assert_eq!(split_all(&["<think>still thinking </thi"]), (String::new(), "still thinking </thi".into()));
    }
}
