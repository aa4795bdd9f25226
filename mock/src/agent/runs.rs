//! Stored runs of the Agent API and the mock-wide virtual clock they run on.
//!
//! A run is an answer's planned events (`events.rs`) laid on a timeline of virtual seconds:
//! background runs (`background: true`) proceed on their own whether or not anyone watches
//! (`queued` for [`QUEUED_SECS`], then `in_progress`, ~3 minutes for a deep preset or a
//! `research*` scenario, ~20 s otherwise); a streamed answer is kept too, paced as it was sent,
//! so a dropped stream can be resumed. Polls, follow streams and cancels read and change runs
//! here; every change (a cancel, a new clock speed) wakes the follow streams through one
//! [`Notify`], so they wait without polling.
//!
//! The clock: virtual seconds = the seconds accumulated at earlier speeds + real seconds since
//! the last change × the current speed (`POST /__mock/clock {"speed"}`).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::events::{kind, Step, TERMINAL};
use super::response::Ctx;
use crate::lock;
use crate::scenarios::Scenario;

/// How long a background run stays `queued`, in virtual seconds.
pub(crate) const QUEUED_SECS: f64 = 2.0;
/// How long a deep preset's (or a `research*` scenario's) background run takes.
pub(crate) const DEEP_SECS: f64 = 180.0;
/// How long any other background run takes.
pub(crate) const QUICK_SECS: f64 = 20.0;
/// Runs kept; the oldest go first (a `huge` answer's events take a few MB).
const KEPT: usize = 64;

/// Virtual time: seconds accumulated at earlier speeds plus real time since at the current one.
struct Clock {
    speed: f64,
    virt: f64,
    real: Instant,
}

impl Clock {
    fn now(&self) -> f64 {
        self.virt + self.real.elapsed().as_secs_f64() * self.speed
    }

    fn set_speed(&mut self, speed: f64) {
        self.virt = self.now();
        self.real = Instant::now();
        self.speed = speed;
    }

    /// The real time `virt` virtual seconds take now (a millisecond more, so a wake-up is never
    /// early by a rounding error).
    fn real(&self, virt: f64) -> Duration {
        Duration::from_secs_f64((virt / self.speed).max(0.0) + 0.001)
    }
}

/// An event and when it happens, in virtual seconds after the run's start.
struct Timed {
    at: f64,
    event: Value,
}

impl Timed {
    fn seq(&self) -> u64 {
        self.event["sequence_number"].as_u64().unwrap_or(0)
    }
}

/// One stored run.
pub(crate) struct Run {
    ctx: Ctx,
    events: Vec<Timed>,
    /// Virtual time of its start (set when added).
    start: f64,
    /// `queued` until then (0 for an ordinary streamed answer).
    queued_until: f64,
    /// `researchforget`: the server forgets the run then.
    forget_at: Option<f64>,
    /// `researchdrop`: follow streams opened before then are cut then.
    drop_at: Option<f64>,
    cancel_requests: u64,
}

impl Run {
    /// A streamed answer as it goes out: the scenario's pauses (× `speed`) are its timeline.
    pub(crate) fn streamed(ctx: Ctx, steps: &[Step], speed: f64) -> Run {
        let mut at = 0.0;
        let mut events = Vec::new();
        for step in steps {
            match step {
                Step::Event(event) => events.push(Timed { at, event: event.clone() }),
                Step::Delay(ms) => at += ms * speed / 1000.0,
                Step::Disrupt(_) => {}
            }
        }
        Run { ctx, events, start: 0.0, queued_until: 0.0, forget_at: None, drop_at: None, cancel_requests: 0 }
    }

    /// A background run: `queued` for [`QUEUED_SECS`], searches early, the text over the last
    /// part, the end after [`DEEP_SECS`] (`deep`, or a `research*` scenario) or [`QUICK_SECS`].
    /// The `research*` scenarios' troubles come halfway.
    pub(crate) fn background(ctx: Ctx, steps: &[Step], deep: bool) -> Run {
        let scenario = ctx.scenario;
        let total = if deep || scenario.is_research() { DEEP_SECS } else { QUICK_SECS };
        let events: Vec<Value> =
            steps.iter().filter_map(|s| if let Step::Event(e) = s { Some(e.clone()) } else { None }).collect();
        let is_delta = |e: &Value| kind(e) == "response.output_text.delta";
        let first_delta = events.iter().position(is_delta);
        let last_delta = events.iter().rposition(is_delta);
        let deltas = events.iter().filter(|e| is_delta(e)).count();
        // Events after `response.in_progress` and before the text (or before the end).
        let n = events.len();
        let early = (2..n).filter(|&i| first_delta.map_or(i + 1 < n, |f| i < f)).count();
        let (search_end, text_start, text_end) = (0.35 * total, 0.4 * total, 0.97 * total);
        let (mut nth_early, mut nth_delta) = (0, 0);
        let mut timed = Vec::with_capacity(events.len());
        for (i, event) in events.into_iter().enumerate() {
            let at = if i == 0 {
                0.0
            } else if i == 1 {
                QUEUED_SECS
            } else if is_delta(&event) {
                nth_delta += 1;
                text_start + (text_end - text_start) * (nth_delta - 1) as f64 / deltas.max(1) as f64
            } else if last_delta.map_or(i + 1 == n, |l| i > l) {
                total
            } else {
                nth_early += 1;
                QUEUED_SECS + (search_end - QUEUED_SECS) * nth_early as f64 / (early + 1) as f64
            };
            timed.push(Timed { at, event });
        }
        // The answer is done when its timeline says, not when it was planned.
        if let Some(response) = timed.last_mut().map(|e| &mut e.event["response"]) {
            if let (Some(created), true) = (response["created_at"].as_u64(), response["completed_at"].is_u64()) {
                response["completed_at"] = json!(created + total as u64);
            }
        }
        let mut run = Run {
            ctx,
            events: timed,
            start: 0.0,
            queued_until: QUEUED_SECS,
            forget_at: None,
            drop_at: None,
            cancel_requests: 0,
        };
        let half = total / 2.0;
        match scenario {
            Scenario::ResearchFail => run.end_at(half, "failed"),
            Scenario::ResearchCancelled => run.end_at(half, "cancelled"),
            Scenario::ResearchForget => run.forget_at = Some(half),
            Scenario::ResearchDrop => run.drop_at = Some(half),
            _ => {}
        }
        run
    }

    /// Ends the run at `at` with `response.<status>`: later events never happen.
    fn end_at(&mut self, at: f64, status: &str) {
        self.events.retain(|e| e.at <= at);
        let seq = self.events.last().map_or(0, |e| e.seq() + 1);
        let event = json!({"response": self.ctx.response(status), "sequence_number": seq,
                           "type": format!("response.{status}")});
        self.events.push(Timed { at, event });
    }

    fn forgotten(&self, t: f64) -> bool {
        self.forget_at.is_some_and(|f| t >= f)
    }

    /// Its status `t` virtual seconds after its start.
    fn status(&self, t: f64) -> String {
        match self.events.last() {
            Some(last) if last.at <= t && TERMINAL.contains(&kind(&last.event)) => {
                last.event["response"]["status"].as_str().unwrap_or("failed").to_owned()
            }
            _ if t < self.queued_until => "queued".into(),
            _ => "in_progress".into(),
        }
    }

    /// The `response` object at `t`: the terminal event's once it has happened.
    fn response(&self, t: f64) -> Value {
        match self.events.last() {
            Some(last) if last.at <= t && last.event["response"].is_object() => last.event["response"].clone(),
            _ => self.ctx.response(&self.status(t)),
        }
    }
}

/// Why a run cannot be looked at or cancelled.
#[derive(Debug, PartialEq)]
pub(crate) enum Refusal {
    /// No such run (never was, or forgotten).
    NotFound,
    /// Its scenario refuses streaming (`researchnostream`).
    NoStream,
    /// Cancelling a run with this terminal status.
    NotCancellable(String),
}

/// What a follow stream does next.
#[derive(Debug)]
pub(crate) enum Next {
    /// Send these events (in order).
    Send(Vec<Value>),
    /// Nothing is due: wait this long, or until [`Runs::changed`] fires.
    Wait(Duration),
    /// Every event has been sent.
    Done,
    /// Cut the connection without a terminal event (forgotten, or `researchdrop`).
    Cut,
}

/// Every stored run and the clock.
pub(crate) struct Runs {
    inner: Mutex<(Clock, VecDeque<(String, Run)>)>,
    /// Fires on a cancel and on a new clock speed.
    pub(crate) changed: Notify,
}

impl Runs {
    pub(crate) fn new(speed: f64) -> Runs {
        let clock = Clock { speed, virt: 0.0, real: Instant::now() };
        Runs { inner: Mutex::new((clock, VecDeque::new())), changed: Notify::new() }
    }

    pub(crate) fn clock_speed(&self) -> f64 {
        lock(&self.inner).0.speed
    }

    /// Virtual seconds per real second from now on (runs in progress included).
    pub(crate) fn set_clock_speed(&self, speed: f64) {
        lock(&self.inner).0.set_speed(speed);
        self.changed.notify_waiters();
    }

    /// Starts keeping a run, from now; returns its id.
    pub(crate) fn add(&self, mut run: Run) -> String {
        let id = run.ctx.resp_id.clone();
        let mut inner = lock(&self.inner);
        run.start = inner.0.now();
        inner.1.push_back((id.clone(), run));
        while inner.1.len() > KEPT {
            inner.1.pop_front();
        }
        id
    }

    /// Runs `f` on the run `id` (not forgotten) with the virtual seconds since its start.
    fn with<T>(&self, id: &str, f: impl FnOnce(&mut Run, f64) -> T) -> Result<T, Refusal> {
        let mut inner = lock(&self.inner);
        let now = inner.0.now();
        let run = inner.1.iter_mut().find(|(i, _)| i == id).map(|(_, r)| r).ok_or(Refusal::NotFound)?;
        let t = now - run.start;
        if run.forgotten(t) {
            return Err(Refusal::NotFound);
        }
        Ok(f(run, t))
    }

    /// `GET /v1/responses/{id}`: the `response` object now.
    pub(crate) fn response(&self, id: &str) -> Result<Value, Refusal> {
        self.with(id, |run, t| run.response(t))
    }

    /// Opens a follow stream: the run's scenario and the virtual seconds since its start.
    pub(crate) fn open(&self, id: &str) -> Result<(Scenario, f64), Refusal> {
        match self.with(id, |run, t| (run.ctx.scenario, t))? {
            (Scenario::ResearchNoStream, _) => Err(Refusal::NoStream),
            open => Ok(open),
        }
    }

    /// `POST /v1/responses/{id}/cancel`: a running run ends `cancelled` now (its follow streams
    /// get `response.cancelled`); a cancelled one answers the same; others refuse.
    pub(crate) fn cancel(&self, id: &str) -> Result<Value, Refusal> {
        let answer = self.with(id, |run, t| {
            run.cancel_requests += 1;
            match run.status(t).as_str() {
                "queued" | "in_progress" => {
                    run.end_at(t, "cancelled");
                    Ok(run.response(t))
                }
                "cancelled" => Ok(run.response(t)),
                other => Err(Refusal::NotCancellable(other.to_owned())),
            }
        })?;
        self.changed.notify_waiters();
        answer
    }

    /// What a follow stream of `id`, opened at `opened` (virtual seconds after the start) and
    /// past `after` (a `sequence_number`), does next.
    pub(crate) fn next(&self, id: &str, after: Option<u64>, opened: f64) -> Next {
        let inner = lock(&self.inner);
        let clock = &inner.0;
        let Some(run) = inner.1.iter().find(|(i, _)| i == id).map(|(_, r)| r) else { return Next::Cut };
        let t = clock.now() - run.start;
        if run.forgotten(t) {
            return Next::Cut;
        }
        let cut = run.drop_at.filter(|d| opened < *d);
        let fresh: Vec<&Timed> = run.events.iter().filter(|e| after.map_or(true, |n| e.seq() > n)).collect();
        let due: Vec<Value> =
            fresh.iter().filter(|e| e.at <= t && cut.map_or(true, |d| e.at < d)).map(|e| e.event.clone()).collect();
        if !due.is_empty() {
            return Next::Send(due);
        }
        if cut.is_some_and(|d| t >= d) {
            return Next::Cut;
        }
        let Some(mut wake) = fresh.first().map(|e| e.at) else { return Next::Done };
        for at in [run.forget_at, cut].into_iter().flatten() {
            wake = wake.min(at);
        }
        Next::Wait(clock.real(wake - t))
    }

    /// `GET /__mock/runs`: every kept run, oldest first.
    pub(crate) fn list(&self) -> Value {
        let inner = lock(&self.inner);
        let now = inner.0.now();
        let runs = inner.1.iter().map(|(id, run)| {
            let t = now - run.start;
            let status = if run.forgotten(t) { "forgotten".to_owned() } else { run.status(t) };
            json!({"cancelRequests": run.cancel_requests, "events": run.events.len(), "id": id,
                   "model": run.ctx.model, "scenario": run.ctx.scenario.name(), "status": status})
        });
        Value::Array(runs.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::events::plan;
    use crate::rng::Rng;
    use crate::scenarios::Answer;

    fn run(scenario: Scenario, model: &str, deep: bool) -> Run {
        let mut a = Answer::new(scenario, model.into(), Rng::new(5), 0.0);
        a.echo.insert("background".into(), json!(true));
        let ctx = Ctx::new(&mut a);
        let deltas = a.deltas(&ctx.fixture.text, &[]);
        let steps = plan(&ctx, &mut a.rng, false, &deltas, &[]);
        Run::background(ctx, &steps, deep)
    }

    fn at_of(r: &Run, kind_: &str) -> Vec<f64> {
        r.events.iter().filter(|e| kind(&e.event) == kind_).map(|e| e.at).collect()
    }

    #[test]
    fn a_deep_run_searches_early_and_writes_late() {
        let r = run(Scenario::Cited, "medium", true);
        assert!(r.events.windows(2).all(|w| w[0].at <= w[1].at && w[0].seq() < w[1].seq()));
        assert_eq!((r.events[0].at, r.events[1].at), (0.0, QUEUED_SECS));
        assert_eq!(r.events[0].event["response"]["status"], "queued");
        assert!(at_of(&r, "response.reasoning.search_results").iter().all(|&t| t <= 0.35 * DEEP_SECS));
        let deltas = at_of(&r, "response.output_text.delta");
        assert!(deltas.iter().all(|&t| (0.4 * DEEP_SECS..0.97 * DEEP_SECS).contains(&t)));
        assert_eq!(at_of(&r, "response.completed"), [DEEP_SECS]);
        let done = &r.events.last().unwrap().event["response"];
        assert_eq!(done["completed_at"].as_u64(), Some(done["created_at"].as_u64().unwrap() + 180));
        let statuses: Vec<String> = [0.0, 1.9, 2.0, 179.0, 180.0].map(|t| r.status(t)).to_vec();
        assert_eq!(statuses, ["queued", "queued", "in_progress", "in_progress", "completed"]);
        assert_eq!(r.response(100.0)["output"], json!([]));
        assert_eq!(run(Scenario::Cited, "perplexity/sonar", false).events.last().unwrap().at, QUICK_SECS);
    }

    #[test]
    fn research_troubles_come_halfway() {
        let half = DEEP_SECS / 2.0;
        let r = run(Scenario::ResearchFail, "perplexity/sonar", false);
        assert_eq!(at_of(&r, "response.failed"), [half]);
        assert_eq!(r.status(half), "failed");
        assert_eq!(r.response(half)["error"]["message"], "The research run failed.");
        assert!(!at_of(&r, "response.output_text.delta").is_empty(), "some text came first");
        assert_eq!(run(Scenario::ResearchCancelled, "x", false).status(half), "cancelled");
        let r = run(Scenario::ResearchForget, "x", false);
        assert!(!r.forgotten(half - 1.0) && r.forgotten(half));
        assert_eq!(run(Scenario::ResearchDrop, "x", false).drop_at, Some(half));
    }

    #[test]
    fn a_cancel_ends_the_timeline_then() {
        let mut r = run(Scenario::Cited, "medium", true);
        r.end_at(50.0, "cancelled");
        let last = r.events.last().unwrap();
        assert_eq!((kind(&last.event), last.at), ("response.cancelled", 50.0));
        assert_eq!(last.seq(), r.events[r.events.len() - 2].seq() + 1);
        assert_eq!((r.status(49.0).as_str(), r.status(50.0).as_str()), ("in_progress", "cancelled"));
    }
}
