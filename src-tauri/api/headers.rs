//! What a response's headers say about waiting: `Retry-After`, and the `x-ratelimit-*` headers
//! (how many requests the key has left, when the count starts over).

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The `x-ratelimit-*` headers, when the response has them.
pub(super) fn rate_limit(headers: &HeaderMap) -> Option<super::types::RateLimit> {
    let number = |name: &str| {
        headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0)
    };
    let remaining = number("x-ratelimit-remaining")?;
    Some(super::types::RateLimit {
        limit: number("x-ratelimit-limit").map(|n| n as u64),
        remaining: remaining as u64,
        reset_seconds: rate_limit_reset(headers),
    })
}

/// `x-ratelimit-reset`: seconds from now (`12`, `1.5`, `12s`, `1m30s`), or a Unix time.
pub(super) fn rate_limit_reset(headers: &HeaderMap) -> Option<f64> {
    let raw = headers.get("x-ratelimit-reset")?.to_str().ok()?.trim();
    if let Ok(n) = raw.parse::<f64>() {
        if !n.is_finite() || n < 0.0 {
            return None;
        }
        // A Unix time in seconds (anything after 2001) rather than a delay.
        if n > 1e9 {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs_f64();
            return Some((n - now).max(0.0));
        }
        return Some(n);
    }
    // Go-style durations: "1m30s", "250ms", "6s".
    let mut total = 0.0;
    let mut number = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let value: f64 = number.parse().ok()?;
        number.clear();
        total += match c {
            'h' => value * 3600.0,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                value / 1000.0
            }
            'm' => value * 60.0,
            's' => value,
            _ => return None,
        };
    }
    number.is_empty().then_some(total)
}

pub(super) fn rate_limit_reset_secs(headers: &HeaderMap) -> Option<u64> {
    rate_limit_reset(headers).map(|s| s.ceil() as u64)
}

/// `Retry-After` in seconds; the HTTP-date form is not worth honouring precisely.
pub(super) fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_parses_seconds_only() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static(" 12 "));
        assert_eq!(retry_after_secs(&h), Some(12));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2026 07:28:00 GMT"));
        assert_eq!(retry_after_secs(&h), None);
    }

    #[test]
    fn rate_limit_headers_in_every_spelling() {
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit(&h), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("3"));
        h.insert("x-ratelimit-limit", HeaderValue::from_static("50"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1m30s"));
        let limit = rate_limit(&h).unwrap();
        assert_eq!((limit.limit, limit.remaining, limit.reset_seconds), (Some(50), 3, Some(90.0)));
        for (raw, secs) in
            [("12", Some(12.0)), ("1.5", Some(1.5)), ("250ms", Some(0.25)), ("6s", Some(6.0)), ("soon", None)]
        {
            h.insert("x-ratelimit-reset", HeaderValue::from_static(raw));
            assert_eq!(rate_limit_reset(&h), secs, "{raw}");
        }
    }
}
