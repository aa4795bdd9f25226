//! Shaping a conversation for chat-completions endpoints, and checking options before sending.
//!
//! Sonar rejects anything but: an optional system message first, then user and assistant turns
//! strictly alternating, ending with the user (`400 invalid_message`). A conversation that went
//! wrong (a failed answer, an edited turn) must still be sendable, so it is repaired, not refused.

use super::error::Error;
use super::types::{Message, RequestOptions, Role};

/// The most domains the search filter accepts.
pub const MAX_DOMAINS: usize = 20;

/// Returns the messages in the strict shape: the system prompt and any system turns merged into
/// one leading system message, empty turns dropped, consecutive same-role turns merged, leading
/// assistant turns dropped, and trailing assistant turns dropped so the last one is the user's.
pub fn normalize(messages: &[Message], system_prompt: Option<&str>) -> Vec<Message> {
    let mut system: Vec<&str> = system_prompt.map(str::trim).filter(|s| !s.is_empty()).into_iter().collect();
    let mut turns: Vec<Message> = Vec::with_capacity(messages.len());
    for m in messages {
        let content = m.content.trim();
        if content.is_empty() {
            continue;
        }
        match (m.role, turns.last_mut()) {
            (Role::System, _) => system.push(content),
            (role, Some(last)) if last.role == role => {
                last.content.push_str("\n\n");
                last.content.push_str(content);
            }
            (Role::Assistant, None) => {}
            (role, _) => turns.push(Message { role, content: content.to_owned() }),
        }
    }
    while turns.last().is_some_and(|m| m.role == Role::Assistant) {
        turns.pop();
    }
    let mut out = Vec::with_capacity(turns.len() + 1);
    if !system.is_empty() {
        out.push(Message { role: Role::System, content: system.join("\n\n") });
    }
    out.extend(turns);
    out
}

/// Checks what the API would reject, so the person gets a precise message before any cost.
pub fn validate(messages: &[Message], options: &RequestOptions) -> Result<(), Error> {
    let bad = |message: String| Err(Error::BadRequest { status: 0, message });
    if !messages.iter().any(|m| m.role == Role::User && !m.content.trim().is_empty()) {
        return bad("there is no question to send".into());
    }
    let search = &options.search;
    if search.domains.len() > MAX_DOMAINS {
        return bad(format!(
            "the domain filter has {} domains; the API accepts at most {MAX_DOMAINS}",
            search.domains.len()
        ));
    }
    if let Some(d) = search.domains.iter().find(|d| !is_domain(d)) {
        return bad(format!("“{d}” is not a domain (write it like wikipedia.org, or -reddit.com to exclude it)"));
    }
    for (name, date) in [("after", &search.after_date), ("before", &search.before_date)] {
        if let Some(date) = date {
            if !is_us_date(date) {
                return bad(format!("the “{name}” date “{date}” must be written MM/DD/YYYY"));
            }
        }
    }
    if let Some(t) = options.temperature {
        if !(0.0..=2.0).contains(&t) {
            return bad(format!("temperature {t} is outside 0–2"));
        }
    }
    if let Some(p) = options.top_p {
        if !(0.0..=1.0).contains(&p) {
            return bad(format!("top_p {p} is outside 0–1"));
        }
    }
    if options.max_tokens == Some(0) {
        return bad("the answer length limit must be at least 1 token".into());
    }
    Ok(())
}

fn is_domain(d: &str) -> bool {
    let d = d.strip_prefix('-').unwrap_or(d);
    !d.is_empty()
        && d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-') && !label.starts_with('-')
        })
}

fn is_us_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    let [m, d, y] = parts.as_slice() else { return false };
    let num =
        |p: &str, len: std::ops::RangeInclusive<usize>| len.contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit());
    if !(num(m, 1..=2) && num(d, 1..=2) && num(y, 4..=4)) {
        return false;
    }
    let (m, d): (u32, u32) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::SearchOptions;

    fn m(role: Role, c: &str) -> Message {
        Message { role, content: c.into() }
    }

    #[test]
    fn repairs_any_conversation_into_strict_alternation() {
        let input = [
            m(Role::Assistant, "Hi! Ask me anything."),
            m(Role::User, "Q1"),
            m(Role::User, "Q1 again"),
            m(Role::System, "Be brief."),
            m(Role::Assistant, "A1"),
            m(Role::Assistant, ""),
            m(Role::User, "  "),
            m(Role::Assistant, "A1 more"),
            m(Role::User, "Q2"),
            m(Role::Assistant, "partial answer that failed"),
        ];
        let out = normalize(&input, Some("You cite sources."));
        assert_eq!(
            out,
            vec![
                m(Role::System, "You cite sources.\n\nBe brief."),
                m(Role::User, "Q1\n\nQ1 again"),
                m(Role::Assistant, "A1\n\nA1 more"),
                m(Role::User, "Q2"),
            ]
        );
    }

    #[test]
    fn no_system_message_without_a_prompt() {
        assert_eq!(normalize(&[m(Role::User, "Q")], Some("  ")), vec![m(Role::User, "Q")]);
    }

    #[test]
    fn validation_catches_what_the_api_would_refuse() {
        let ok = [m(Role::User, "Q")];
        assert!(validate(&ok, &RequestOptions::default()).is_ok());
        assert!(validate(&[m(Role::User, " ")], &RequestOptions::default()).is_err());

        let with = |search: SearchOptions| RequestOptions { search, ..Default::default() };
        let many = (0..21).map(|i| format!("site{i}.com")).collect();
        let err = validate(&ok, &with(SearchOptions { domains: many, ..Default::default() })).unwrap_err();
        assert!(err.to_string().contains("at most 20"), "{err}");
        let domains = vec!["wikipedia.org".into(), "-reddit.com".into(), "sub.example.co.uk".into()];
        assert!(validate(&ok, &with(SearchOptions { domains, ..Default::default() })).is_ok());
        assert!(validate(&ok, &with(SearchOptions { domains: vec!["https://x.com/a".into()], ..Default::default() }))
            .is_err());
        assert!(
            validate(&ok, &with(SearchOptions { after_date: Some("3/1/2025".into()), ..Default::default() })).is_ok()
        );
        assert!(validate(&ok, &with(SearchOptions { after_date: Some("2025-03-01".into()), ..Default::default() }))
            .is_err());
        assert!(validate(&ok, &with(SearchOptions { before_date: Some("13/01/2025".into()), ..Default::default() }))
            .is_err());
        assert!(validate(&ok, &RequestOptions { temperature: Some(2.5), ..Default::default() }).is_err());
        assert!(validate(&ok, &RequestOptions { top_p: Some(-0.1), ..Default::default() }).is_err());
        assert!(validate(&ok, &RequestOptions { max_tokens: Some(0), ..Default::default() }).is_err());
    }
}
