//! A conversation as Markdown for reading and sharing: the branch shown, each answer's `[n]`
//! markers as footnote references whose definitions are its sources (title, link, domain, date),
//! and under each answer the model, tokens and cost.

use super::exported::{date_time, ExportedConversation};
use super::rows::{MessageStatus, StoredMessage};
use super::tree::Tree;
use crate::api::{Role, Source, Usage};

/// `$0.00501`-style: five decimals below a cent (as the API reports), four above.
pub fn dollars(amount: f64) -> String {
    if amount.abs() < 0.01 {
        format!("${amount:.5}")
    } else {
        format!("${amount:.4}")
    }
}

fn cost_line(m: &StoredMessage) -> String {
    let mut parts = vec![m.model.clone().unwrap_or_else(|| "answer".into())];
    match &m.usage {
        Some(Usage { input_tokens, output_tokens, cost, .. }) => {
            parts.push(format!("{input_tokens} tokens in, {output_tokens} out"));
            parts.push(match cost {
                Some(c) if c.computed => format!("{} (computed)", dollars(c.total)),
                Some(c) => dollars(c.total),
                None => "cost not reported".into(),
            });
        }
        None => parts.push("cost not reported".into()),
    }
    match m.status {
        MessageStatus::Interrupted => parts.push("interrupted".into()),
        MessageStatus::Error => parts.push("failed".into()),
        _ => {}
    }
    parts.join(" · ")
}

/// The branch a conversation shows, as Markdown.
pub fn markdown(c: &ExportedConversation) -> String {
    let branch = Tree::new(c.messages.clone()).branch(c.leaf_id.as_deref());
    let answers_with_sources = branch.iter().filter(|m| m.role == Role::Assistant && !m.sources.is_empty()).count();
    let mut out = format!("# {}\n\n", escape_line(&c.title));
    out.push_str(&format!("*Citewise conversation · started {}", date_time(c.created_at)));
    if !c.model.is_empty() {
        out.push_str(&format!(" · {}", c.model));
    }
    out.push_str("*\n");
    let mut answer_no = 0;
    for m in &branch {
        out.push_str("\n---\n\n");
        match m.role {
            Role::User => {
                out.push_str(&format!("**You** · {}\n\n{}\n", date_time(m.created_at), m.content.trim_end()));
            }
            _ => {
                answer_no += 1;
                // Footnote labels must be unique in the file: plain numbers when only one answer
                // has sources, "answer.source" otherwise.
                let label = |n: u32| {
                    if answers_with_sources <= 1 {
                        n.to_string()
                    } else {
                        format!("{answer_no}.{n}")
                    }
                };
                out.push_str(&format!("**Answer** · {}\n\n", cost_line(m)));
                let body = footnote_markers(&m.content, &m.sources, &label);
                out.push_str(body.trim_end());
                out.push('\n');
                if let Some(e) = &m.error {
                    out.push_str(&format!("\n> {}\n", escape_line(&e.message)));
                }
                if !m.sources.is_empty() {
                    out.push('\n');
                    for s in &m.sources {
                        out.push_str(&format!("[^{}]: {}\n", label(s.index), source_line(s)));
                    }
                }
            }
        }
    }
    out
}

/// `[Title](<url>) — domain, date`; only http(s) addresses become links.
fn source_line(s: &Source) -> String {
    let title = if s.title.trim().is_empty() { s.url.as_str() } else { s.title.as_str() };
    let title = escape_line(title).replace('[', "\\[").replace(']', "\\]");
    let web = s.url.starts_with("https://") || s.url.starts_with("http://");
    let mut line = if web {
        format!("[{title}](<{}>)", s.url.replace('<', "%3C").replace('>', "%3E").replace(' ', "%20"))
    } else {
        format!("{title} (`{}`)", s.url.replace('`', "'"))
    };
    let mut extra: Vec<&str> = Vec::new();
    if !s.domain.is_empty() {
        extra.push(&s.domain);
    }
    if let Some(d) = s.date.as_deref().filter(|d| !d.is_empty()) {
        extra.push(d);
    }
    if !extra.is_empty() {
        line.push_str(&format!(" — {}", escape_line(&extra.join(", "))));
    }
    line
}

/// One line of text: newlines flattened.
fn escape_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Rewrites citation markers — `[1]`, `[1][2]`, `[1, 3]`, `[1-3]` — whose sources exist into
/// footnote references `[^label]`; anything else, and everything inside code, stays as written.
pub fn footnote_markers(text: &str, sources: &[Source], label: &dyn Fn(u32) -> String) -> String {
    let known = |n: u32| sources.iter().any(|s| s.index == n);
    let mut out = String::with_capacity(text.len() + 16);
    let mut fenced = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            out.push_str(line);
            continue;
        }
        if fenced {
            out.push_str(line);
            continue;
        }
        let mut in_code = false;
        let mut rest = line;
        while let Some(pos) = rest.find(['[', '`']) {
            out.push_str(&rest[..pos]);
            rest = &rest[pos..];
            if rest.starts_with('`') {
                in_code = !in_code;
                out.push('`');
                rest = &rest[1..];
                continue;
            }
            match (!in_code).then(|| parse_marker(rest)).flatten() {
                Some((len, numbers)) if numbers.iter().all(|&n| known(n)) && !rest[len..].starts_with('(') => {
                    for n in numbers {
                        out.push_str(&format!("[^{}]", label(n)));
                    }
                    rest = &rest[len..];
                }
                _ => {
                    out.push('[');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
    }
    out
}

/// `[1]`, `[1, 3]`, `[1-3]`, `[2,4-5]` at the start of `s`: its length and the numbers.
fn parse_marker(s: &str) -> Option<(usize, Vec<u32>)> {
    let end = s.find(']')?;
    let inner = &s[1..end];
    if inner.is_empty() || inner.len() > 40 {
        return None;
    }
    let mut numbers = Vec::new();
    for part in inner.split(',') {
        let part = part.trim();
        match part.split_once(['-', '–']) {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                if a == 0 || b < a || b - a > 20 {
                    return None;
                }
                numbers.extend(a..=b);
            }
            None => numbers.push(part.parse().ok().filter(|&n| n > 0)?),
        }
    }
    Some((end + 1, numbers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testing::sources;

    #[test]
    fn dollars_have_five_decimals_below_a_cent() {
        assert_eq!(dollars(0.00501), "$0.00501");
        assert_eq!(dollars(0.59962), "$0.5996");
    }

    #[test]
    fn every_marker_form_becomes_footnotes_and_unknown_indices_stay() {
        let plain = |n: u32| n.to_string();
        let s = sources(3);
        assert_eq!(
            footnote_markers("A[1] b[1][2] c[1, 3] d[1-3].", &s, &plain),
            "A[^1] b[^1][^2] c[^1][^3] d[^1][^2][^3]."
        );
        assert_eq!(
            footnote_markers("no source [7] or [x] or [] or [2-9]", &s, &plain),
            "no source [7] or [x] or [] or [2-9]"
        );
        assert_eq!(footnote_markers("a [link](https://x) [2](y)", &s, &plain), "a [link](https://x) [2](y)");
        assert_eq!(
            footnote_markers("code `a[1]` and\n```\nlet v = x[1];\n```\nafter[2]", &s, &plain),
            "code `a[1]` and\n```\nlet v = x[1];\n```\nafter[^2]"
        );
        let nested = |n: u32| format!("2.{n}");
        assert_eq!(footnote_markers("x[3]", &s, &nested), "x[^2.3]");
    }

    #[test]
    fn hostile_source_fields_cannot_break_out_of_their_footnote() {
        let s = Source::new(
            1,
            "javascript:alert(1)".into(),
            "evil]\n\n# heading [x](https://bad)".into(),
            String::new(),
            None,
        );
        let line = source_line(&s);
        assert!(!line.contains('\n'));
        assert!(!line.contains("](javascript"), "{line}");
        assert!(line.starts_with("evil\\] # heading \\[x\\](https://bad) (`javascript:alert(1)`)"), "{line}");
        let s = Source::new(2, "https://a.example/x y>z".into(), "T".into(), String::new(), Some("2025-01-02".into()));
        assert_eq!(source_line(&s), "[T](<https://a.example/x%20y%3Ez>) — a.example, 2025-01-02");
    }
}
