//! What was spent: today, this month, in one conversation, and by day and model for the spend
//! view. Day and month starts come from the window (the person's time zone, daylight saving
//! included), as unix milliseconds. Totals over days and months read the `spend` ledger, which
//! outlives deleted conversations; a conversation's total reads its own answers, every version.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::db::Db;
use super::error::{Error, Result};

/// The most day boundaries a report takes (a year of days and its end).
pub const MAX_BOUNDS: usize = 367;

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpendTotal {
    /// USD.
    pub total: f64,
    /// Answers with a cost.
    pub answers: u64,
    /// Of those, how many were computed from the price table.
    pub computed: u64,
}

impl SpendTotal {
    fn add(&mut self, cost: f64, computed: bool) {
        self.total += cost;
        self.answers += 1;
        self.computed += u64::from(computed);
    }

    fn rounded(mut self) -> SpendTotal {
        self.total = round(self.total);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpendSummary {
    pub today: SpendTotal,
    pub month: SpendTotal,
    pub conversation: Option<SpendTotal>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpendByModel {
    pub model: String,
    pub total: f64,
    pub answers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpendReport {
    /// One per `[bounds[i], bounds[i + 1])`.
    pub days: Vec<SpendTotal>,
    /// Costliest first.
    pub models: Vec<SpendByModel>,
    pub total: SpendTotal,
}

/// Sums without float dust; costs come with up to 6 decimal places (Sonar reports 5, the Agent
/// API up to 6).
fn round(amount: f64) -> f64 {
    (amount * 1_000_000.0).round() / 1_000_000.0
}

/// Enters (or corrects) an answer's cost in the ledger.
pub(crate) fn record(conn: &Connection, message: &str, cost: f64, computed: bool) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO spend (message_id, conversation_id, model, cost, computed, at)
             SELECT id, conversation_id, coalesce(model, ''), ?2, ?3, created_at FROM messages WHERE id = ?1
         ON CONFLICT (message_id) DO UPDATE SET cost = excluded.cost, computed = excluded.computed",
    )?
    .execute(params![message, cost, computed])?;
    Ok(())
}

/// A row of `total`, `answers` and `computed`.
fn total_from(r: &rusqlite::Row) -> rusqlite::Result<SpendTotal> {
    Ok(SpendTotal { total: r.get("total")?, answers: r.get("answers")?, computed: r.get("computed")? })
}

fn since(conn: &Connection, start: i64) -> Result<SpendTotal> {
    let total = conn
        .prepare_cached(
            "SELECT coalesce(sum(cost), 0) AS total, count(*) AS answers, coalesce(sum(computed), 0) AS computed
             FROM spend WHERE at >= ?1",
        )?
        .query_row([start], total_from)?;
    Ok(total.rounded())
}

fn of_conversation(conn: &Connection, id: &str) -> Result<SpendTotal> {
    let total = conn
        .prepare_cached(
            "SELECT coalesce(sum(cost), 0) AS total, count(cost) AS answers,
                    coalesce(sum(CASE WHEN json_extract(usage, '$.cost.computed') THEN 1 ELSE 0 END), 0) AS computed
             FROM messages WHERE conversation_id = ?1 AND role = 'assistant' AND cost IS NOT NULL",
        )?
        .query_row([id], total_from)?;
    Ok(total.rounded())
}

impl Db {
    pub fn spend_summary(&self, day_start: i64, month_start: i64, conversation: Option<&str>) -> Result<SpendSummary> {
        let conn = self.conn();
        Ok(SpendSummary {
            today: since(&conn, day_start)?,
            month: since(&conn, month_start)?,
            conversation: conversation.map(|id| of_conversation(&conn, id)).transpose()?,
        })
    }

    /// What the newest answers with `model` (a preset or a model id, as asked) really cost: the
    /// API's own figures, newest first, at most `limit` of them, none older than `since` (unix ms).
    pub fn recent_costs(&self, model: &str, since: i64, limit: usize) -> Result<Vec<f64>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT cost FROM spend WHERE model = ?1 AND computed = 0 AND at >= ?2 ORDER BY at DESC LIMIT ?3",
        )?;
        let costs = stmt.query_map(params![model, since, limit as i64], |r| r.get("cost"))?;
        Ok(costs.collect::<rusqlite::Result<Vec<f64>>>()?)
    }

    /// Spending between `bounds[0]` and the last bound, by interval and by model.
    pub fn spend_report(&self, bounds: &[i64]) -> Result<SpendReport> {
        if bounds.len() < 2 || bounds.len() > MAX_BOUNDS || bounds.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::BadRequest(format!(
                "A spending report needs 2 to {MAX_BOUNDS} ascending day boundaries."
            )));
        }
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT at, model, cost, computed FROM spend WHERE at >= ?1 AND at < ?2 ORDER BY at")?;
        let rows = stmt.query_map(params![bounds[0], bounds[bounds.len() - 1]], |r| {
            Ok((
                r.get::<_, i64>("at")?,
                r.get::<_, String>("model")?,
                r.get::<_, f64>("cost")?,
                r.get::<_, bool>("computed")?,
            ))
        })?;
        let mut days = vec![SpendTotal::default(); bounds.len() - 1];
        let mut total = SpendTotal::default();
        let mut models: HashMap<String, SpendByModel> = HashMap::new();
        for row in rows {
            let (at, model, cost, computed) = row?;
            let day = bounds.partition_point(|&b| b <= at) - 1;
            days[day].add(cost, computed);
            total.add(cost, computed);
            let entry = models.entry(model.clone()).or_insert(SpendByModel { model, total: 0.0, answers: 0 });
            entry.total += cost;
            entry.answers += 1;
        }
        let mut models: Vec<SpendByModel> =
            models.into_values().map(|m| SpendByModel { total: round(m.total), ..m }).collect();
        models.sort_by(|a, b| b.total.total_cmp(&a.total).then_with(|| a.model.cmp(&b.model)));
        Ok(SpendReport { days: days.into_iter().map(SpendTotal::rounded).collect(), models, total: total.rounded() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Cost, Finish, RequestOptions, StreamEvent, Usage};
    use crate::history::draft::Draft;
    use crate::history::{MessageStatus, Turn, TurnStart};

    /// Asks `question` with `model` at `at` and saves an answer that cost `cost`.
    fn answered(
        db: &Db,
        conversation: Option<&str>,
        model: &str,
        cost: Option<(f64, bool)>,
        at: i64,
    ) -> (String, String) {
        let start = TurnStart {
            turn: Turn::Ask { conversation: conversation.map(String::from), parent: None, question: "q".into() },
            model: model.into(),
            options: RequestOptions::default(),
        };
        let plan = db.begin_turn(&start, 8000).unwrap();
        let id = plan.receipt.assistant_message_id.clone();
        db.conn().execute("UPDATE messages SET created_at = ?2 WHERE id = ?1", params![id, at]).unwrap();
        let mut draft = Draft::default();
        draft.apply(&StreamEvent::Delta { text: "a".into() });
        if let Some((total, computed)) = cost {
            let cost = Cost {
                total,
                currency: "USD".into(),
                input_cost: None,
                output_cost: None,
                request_cost: None,
                computed,
                ..Default::default()
            };
            draft.apply(&StreamEvent::Usage(Box::new(Usage { cost: Some(cost), ..Default::default() })));
        }
        draft.apply(&StreamEvent::Done { finish: Finish::Stop });
        db.save_answer(&id, &draft, MessageStatus::Complete).unwrap();
        (plan.receipt.conversation.id, id)
    }

    const DAY: i64 = 86_400_000;

    #[test]
    fn regression_an_answer_was_saved_without_its_spend_row_when_the_second_write_failed() {
        let db = Db::open_in_memory().unwrap();
        let (conversation, first) = answered(&db, None, "sonar", Some((0.01, false)), 5 * DAY);
        let start = TurnStart {
            turn: Turn::Ask { conversation: Some(conversation), parent: Some(first), question: "again".into() },
            model: "sonar".into(),
            options: RequestOptions::default(),
        };
        let id = db.begin_turn(&start, 8000).unwrap().receipt.assistant_message_id;
        // The ledger's write fails (as a full disk would fail it) after the message's went through.
        db.conn()
            .execute_batch("CREATE TEMP TRIGGER full BEFORE INSERT ON spend BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;")
            .unwrap();
        let mut draft = Draft::default();
        draft.apply(&StreamEvent::Delta { text: "an answer that cost money".into() });
        let cost = Cost { total: 0.02, currency: "USD".into(), ..Default::default() };
        draft.apply(&StreamEvent::Usage(Box::new(Usage { cost: Some(cost), ..Default::default() })));
        let err = db.save_answer(&id, &draft, MessageStatus::Complete).unwrap_err();
        assert!(err.to_string().contains("disk is full"), "{err}");
        let saved = db.message(&id).unwrap();
        assert_eq!((saved.content.as_str(), saved.status), ("", MessageStatus::Streaming), "nothing half-written");
        assert_eq!(db.spend_summary(5 * DAY, 0, None).unwrap().month.answers, 1);

        db.conn().execute_batch("DROP TRIGGER full;").unwrap();
        db.save_answer(&id, &draft, MessageStatus::Complete).unwrap();
        assert_eq!(db.message(&id).unwrap().content, "an answer that cost money");
        assert_eq!(db.spend_summary(i64::MAX / 2, 0, None).unwrap().month.answers, 2, "text and spend together");
    }

    #[test]
    fn today_month_and_conversation_totals() {
        let db = Db::open_in_memory().unwrap();
        let month = 100 * DAY;
        let (c, _) = answered(&db, None, "sonar", Some((0.00501, false)), month + 2 * DAY);
        answered(&db, Some(&c), "sonar", Some((0.01, true)), month + 5 * DAY);
        answered(&db, Some(&c), "sonar", None, month + 5 * DAY); // no cost reported: not counted
        answered(&db, None, "sonar-pro", Some((0.2, false)), month - DAY); // last month
        let s = db.spend_summary(month + 5 * DAY, month, Some(&c)).unwrap();
        assert_eq!(s.today, SpendTotal { total: 0.01, answers: 1, computed: 1 });
        assert_eq!(s.month, SpendTotal { total: 0.01501, answers: 2, computed: 1 });
        assert_eq!(s.conversation, Some(SpendTotal { total: 0.01501, answers: 2, computed: 1 }));
        assert_eq!(db.spend_summary(0, 0, None).unwrap().conversation, None);
    }

    #[test]
    fn spending_outlives_a_deleted_conversation_but_its_total_goes_with_it() {
        let db = Db::open_in_memory().unwrap();
        let (c, _) = answered(&db, None, "sonar", Some((0.5, false)), 10 * DAY);
        db.delete_conversation(&c).unwrap();
        db.conn().execute("DELETE FROM conversations WHERE id = ?1", [&c]).unwrap();
        let s = db.spend_summary(0, 0, Some(&c)).unwrap();
        assert_eq!(s.month.total, 0.5);
        assert_eq!(s.conversation.unwrap().answers, 0);
    }

    #[test]
    fn a_cost_saved_twice_is_counted_once() {
        let db = Db::open_in_memory().unwrap();
        let (_, id) = answered(&db, None, "sonar", Some((0.1, false)), DAY);
        record(&db.conn(), &id, 0.3, false).unwrap();
        assert_eq!(db.spend_summary(0, 0, None).unwrap().month, SpendTotal { total: 0.3, answers: 1, computed: 0 });
    }

    #[test]
    fn the_report_buckets_by_the_windows_days_and_sums_by_model() {
        let db = Db::open_in_memory().unwrap();
        // Days of uneven length, as around a daylight-saving change.
        let bounds = [0, DAY, 2 * DAY + 3_600_000, 3 * DAY];
        answered(&db, None, "sonar", Some((0.1, false)), 5);
        answered(&db, None, "sonar-pro", Some((0.3, true)), DAY); // exactly at a bound: the later day
        answered(&db, None, "sonar", Some((0.2, false)), 2 * DAY + 1_000_000);
        answered(&db, None, "sonar", Some((9.0, false)), 3 * DAY); // the end is exclusive
        let r = db.spend_report(&bounds).unwrap();
        let totals: Vec<f64> = r.days.iter().map(|d| d.total).collect();
        assert_eq!(totals, [0.1, 0.5, 0.0]);
        assert_eq!(r.days[1].computed, 1);
        assert_eq!(r.total, SpendTotal { total: 0.6, answers: 3, computed: 1 });
        let models: Vec<(&str, f64, u64)> = r.models.iter().map(|m| (m.model.as_str(), m.total, m.answers)).collect();
        assert_eq!(models, [("sonar", 0.3, 2), ("sonar-pro", 0.3, 1)], "costliest first; a tie by name");
    }

    #[test]
    fn recent_costs_are_the_api_s_own_newest_first() {
        let db = Db::open_in_memory().unwrap();
        answered(&db, None, "fast", Some((0.00105, false)), 10 * DAY);
        answered(&db, None, "fast", Some((0.00264, false)), 12 * DAY);
        answered(&db, None, "fast", Some((0.009, true)), 13 * DAY); // computed: not a real cost
        answered(&db, None, "fast", Some((0.5, false)), DAY); // too old
        answered(&db, None, "low", Some((0.01, false)), 12 * DAY);
        assert_eq!(db.recent_costs("fast", 5 * DAY, 20).unwrap(), [0.00264, 0.00105]);
        assert_eq!(db.recent_costs("fast", 5 * DAY, 1).unwrap(), [0.00264]);
        assert_eq!(db.recent_costs("medium", 0, 20).unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn bad_bounds_are_refused() {
        let db = Db::open_in_memory().unwrap();
        for bounds in [vec![], vec![1], vec![2, 1], vec![1, 1], (0..400).collect::<Vec<i64>>()] {
            assert!(matches!(db.spend_report(&bounds), Err(Error::BadRequest(_))), "{bounds:?}");
        }
    }

    #[test]
    fn the_time_queries_use_the_ledger_index() {
        let db = Db::open_in_memory().unwrap();
        let conn = db.conn();
        for sql in [
            "SELECT coalesce(sum(cost), 0), count(*), coalesce(sum(computed), 0) FROM spend WHERE at >= 1",
            "SELECT at, model, cost, computed FROM spend WHERE at >= 1 AND at < 2 ORDER BY at",
        ] {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map([], |r| r.get("detail"))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            assert!(plan.iter().any(|p| p.contains("COVERING INDEX spend_by_time")), "{sql}: {plan:?}");
        }
    }
}
