//! The JSON export's layout (what `export` writes and `import` reads back), and
//! the UTC dates files and Markdown show. Plain data, no SQL.

use serde::{Deserialize, Serialize};

use super::rows::StoredMessage;
use crate::api::RequestOptions;

/// What the JSON file says it is.
pub const FORMAT: &str = "citewise.history";
/// The JSON layout version this build writes; `import` reads this and older ones.
pub const VERSION: u32 = 1;

/// One conversation in a JSON export: every message of the tree, in the order written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedConversation {
    pub id: String,
    pub title: String,
    #[serde(default = "yes")]
    pub title_auto: bool,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub options: Option<RequestOptions>,
    #[serde(default)]
    pub pinned: bool,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default)]
    pub leaf_id: Option<String>,
    pub messages: Vec<StoredMessage>,
}

fn yes() -> bool {
    true
}

/// `2026-11-22` (UTC) for unix milliseconds.
pub fn date(ms: i64) -> String {
    let (y, m, d, _, _) = civil(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

pub(crate) fn date_time(ms: i64) -> String {
    let (y, m, d, h, min) = civil(ms);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02} UTC")
}

/// Year, month, day, hour, minute in UTC (Howard Hinnant's days-to-civil algorithm).
fn civil(ms: i64) -> (i64, u32, u32, u32, u32) {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, (rem / 3600) as u32, (rem % 3600 / 60) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_formatted_without_a_date_library() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date_time(1_795_311_000_000), "2026-11-22 01:30 UTC");
        assert_eq!(date(951_782_400_000), "2000-02-29");
    }
}
