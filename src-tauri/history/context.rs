//! What an answer is asked with: the new question and as many earlier exchanges of its branch as
//! fit a token budget, newest kept, oldest dropped first. The system prompt travels separately in
//! the request options, so it is always kept.
//!
//! Tokens are estimated without a tokenizer (none is published for most of the models served):
//! one token per 4 ASCII characters, one per other character (accented letters, CJK, emoji — an
//! overestimate for some scripts, which only makes the budget safer), plus 4 per message for the
//! role framing. Real tokenizers land within ±25 % of this for English prose.

use super::rows::{MessageStatus, StoredMessage};
use crate::api::{Message, Role};

/// Earlier turns cost money on every question: about 8,000 tokens of context is a few tenths of
/// a cent on Sonar and keeps several pages of conversation.
pub const DEFAULT_BUDGET: usize = 8_000;

const PER_MESSAGE: usize = 4;

/// Estimated tokens of `text` (see the module notes).
pub fn estimate_tokens(text: &str) -> usize {
    let (ascii, other) =
        text.chars().fold((0usize, 0usize), |(a, o), c| if c.is_ascii() { (a + 1, o) } else { (a, o + 1) });
    ascii.div_ceil(4) + other
}

fn cost(m: &Message) -> usize {
    estimate_tokens(&m.content) + PER_MESSAGE
}

/// Estimated input tokens of a request: its messages and the system prompt, if any.
pub fn request_tokens(messages: &[Message], system_prompt: Option<&str>) -> usize {
    let system = system_prompt.filter(|p| !p.trim().is_empty()).map_or(0, |p| estimate_tokens(p) + PER_MESSAGE);
    messages.iter().map(cost).sum::<usize>() + system
}

/// An earlier answer worth sending back: finished or cut off with text, not failed.
fn usable(answer: &StoredMessage) -> bool {
    answer.role == Role::Assistant
        && matches!(answer.status, MessageStatus::Complete | MessageStatus::Interrupted)
        && !answer.content.trim().is_empty()
}

/// `branch` ends with the question being asked. Exchanges whose answer failed are left out (the
/// question was usually asked again); whole exchanges are dropped, so user and assistant still
/// alternate.
pub fn build(branch: &[StoredMessage], budget: usize) -> Vec<Message> {
    let Some((question, earlier)) = branch.split_last() else { return Vec::new() };
    let question = Message::user(question.content.clone());
    let mut left = budget.saturating_sub(cost(&question));
    let mut kept: Vec<[Message; 2]> = Vec::new();
    let mut i = earlier.len();
    while i >= 2 {
        let (q, a) = (&earlier[i - 2], &earlier[i - 1]);
        i -= 1;
        if q.role != Role::User || !usable(a) {
            continue;
        }
        i -= 1;
        let pair = [Message::user(q.content.clone()), Message::assistant(a.content.clone())];
        let need = cost(&pair[0]) + cost(&pair[1]);
        if need > left {
            break;
        }
        left -= need;
        kept.push(pair);
    }
    kept.into_iter().rev().flatten().chain(std::iter::once(question)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(role: Role, content: &str, status: MessageStatus) -> StoredMessage {
        StoredMessage::new(content.into(), None, role, content, status, 0)
    }
    fn q(s: &str) -> StoredMessage {
        msg(Role::User, s, MessageStatus::Complete)
    }
    fn a(s: &str) -> StoredMessage {
        msg(Role::Assistant, s, MessageStatus::Complete)
    }
    fn texts(m: &[Message]) -> Vec<&str> {
        m.iter().map(|m| m.content.as_str()).collect()
    }

    #[test]
    fn the_estimate_is_documented_and_conservative_for_other_scripts() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        assert_eq!(estimate_tokens("日本語"), 3);
        assert_eq!(estimate_tokens(&"word ".repeat(400)), 500);
        let sent = [Message::user("abcd"), Message::assistant("日本語")];
        assert_eq!(request_tokens(&sent, None), 1 + 4 + 3 + 4);
        assert_eq!(request_tokens(&sent, Some("Be brief")), 12 + 2 + 4);
        assert_eq!(request_tokens(&sent, Some("  ")), 12, "a blank system prompt is not sent");
    }

    #[test]
    fn earlier_exchanges_come_first_and_alternate() {
        let branch = [q("q1"), a("a1"), q("q2"), a("a2"), q("q3")];
        let sent = build(&branch, DEFAULT_BUDGET);
        assert_eq!(texts(&sent), ["q1", "a1", "q2", "a2", "q3"]);
        let roles: Vec<Role> = sent.iter().map(|m| m.role).collect();
        assert_eq!(roles, [Role::User, Role::Assistant, Role::User, Role::Assistant, Role::User]);
    }

    #[test]
    fn the_oldest_exchanges_are_dropped_to_fit_the_budget() {
        let long = "x".repeat(400); // 100 tokens
        let branch = [q(&long), a(&long), q("q2"), a(&long), q("q3")];
        // q3: 1 + 4; (q2, a2): 5 + 104; (q1, a1): 208.
        let sent = build(&branch, 5 + 109);
        assert_eq!(texts(&sent), ["q2", long.as_str(), "q3"]);
        let sent = build(&branch, 5 + 109 + 207);
        assert_eq!(sent.len(), 3, "one token short of the oldest exchange");
        let sent = build(&branch, 5 + 109 + 208);
        assert_eq!(sent.len(), 5);
    }

    #[test]
    fn the_question_is_sent_even_when_it_alone_is_over_budget() {
        let branch = [q("q1"), a("a1"), q(&"y".repeat(1000))];
        let sent = build(&branch, 10);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].role, Role::User);
    }

    #[test]
    fn failed_and_empty_answers_are_left_out_with_their_questions() {
        let failed = msg(Role::Assistant, "partial", MessageStatus::Error);
        let empty = msg(Role::Assistant, "  ", MessageStatus::Interrupted);
        let cut = msg(Role::Assistant, "cut short", MessageStatus::Interrupted);
        let branch = [q("q1"), failed, q("q2"), empty, q("q3"), cut, q("q4")];
        assert_eq!(texts(&build(&branch, DEFAULT_BUDGET)), ["q3", "cut short", "q4"]);
    }
}
