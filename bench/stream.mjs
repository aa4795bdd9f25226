// Metric 3, streaming: the local server streams 5,000 one-word deltas at 1,000 per second and
// logs when each went out (GET /__mock/sent-times); the page records when each word was on
// screen. Latency = painted − sent, per word; plus the longest frame while streaming, and
// whether every word arrived once and in order.
//
// Two pages stream the very same answer (the Agent API's `timestamps` stream) and are measured
// by the same code: Citewise (the mock → reqwest → relay → IPC channel → the UI's renderer) and
// the floor (the mock → the page's own fetch() → each delta appended to one text node: the least
// any webview app can do, bench/floor/ui/floor.js). Both pay the wait for the next display frame
// (0–16.7 ms at 60 Hz) and the paint; what Citewise adds on top is its p95 minus the floor's.
//
// "On screen" is measured after the paint. A change made by a task between frames (the floor's
// fetch() reads) is painted by the next frame: a MutationObserver notes the change, the next
// animation frame runs, and a task queued from that frame (which runs once the frame is painted)
// reads the answer's text length and the time. A change made inside an animation-frame callback
// (Citewise draws there, as pages should) is painted by that same frame, so the task is queued
// right away from the callback; waiting for another frame would count a whole frame too many
// (the sampler wraps the page's requestAnimationFrame to tell the two apart). Both clocks are
// the machine's wall clock (the server's SystemTime, the page's performance.timeOrigin + performance.now()).

/**
 * Installed in the page before the answer starts: arguments are the whole answer's text, the
 * element to observe and the selector of the answer (the last match is read).
 */
const INSTALL = `
  const [full, rootSelector, answerSelector] = arguments;
  const state = { samples: [], frames: [], updates: 0, prefixOk: true, done: false };
  window.__benchStream = state;
  const answer = () => {
    const all = document.querySelectorAll(answerSelector);
    return all.length ? all[all.length - 1] : null;
  };
  const now = () => performance.timeOrigin + performance.now();
  let queued = false;
  let queuedNow = false;
  const sample = () => {
    queued = false;
    queuedNow = false;
    const node = answer();
    if (!node) return;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    state.samples.push([now(), text.length]);
    if (!full.startsWith(text)) state.prefixOk = false;
    if (text.length >= full.length) {
      state.done = true;
      state.final = text;
      observer.disconnect();
    }
  };
  // A change made by a task: painted by the next frame.
  const raf = window.requestAnimationFrame.bind(window);
  const observer = new MutationObserver(() => {
    state.updates += 1;
    if (queued || state.done) return;
    queued = true;
    raf(() => setTimeout(sample, 0));
  });
  observer.observe(document.querySelector(rootSelector), {
    childList: true, subtree: true, characterData: true,
  });
  // A change made in an animation-frame callback: painted by this frame.
  window.requestAnimationFrame = (callback) => raf((t) => {
    try {
      callback(t);
    } finally {
      if (!state.done && observer.takeRecords().length) {
        state.updates += 1;
        if (!queuedNow) {
          queuedNow = true;
          setTimeout(sample, 0);
        }
      }
    }
  });
  let last = 0;
  const frame = (t) => {
    if (last) state.frames.push(t - last);
    last = t;
    if (!state.done) raf(frame);
  };
  raf(frame);
`;

const COLLECT = `const s = window.__benchStream;
  return {samples: s.samples, frames: s.frames, updates: s.updates, prefixOk: s.prefixOk, done: s.done,
    final: s.final ?? null, error: window.__benchStreamError ?? null}`;

/** The deltas of `text` as the mock sends them: the first word bare, the rest with a leading space. */
export function splitWords(text) {
  return text.match(/^\S+|\s\S+/g) ?? [];
}

/** The value at fraction `q` of sorted `values`. */
export function quantile(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Per-word latencies from the page's samples and the server's send times.
 * @param {string[]} words        the deltas as sent (the first bare, the rest with a leading space)
 * @param {number[]} sent         when each delta went out (unix ms)
 * @param {[number, number][]} samples  [time painted, text length on screen], in time order
 * @returns {number[]}  ms per word; words never seen are left out (see `lost`)
 */
export function latencies(words, sent, samples) {
  const out = [];
  let end = 0;
  let s = 0;
  for (let i = 0; i < words.length && i < sent.length; i += 1) {
    end += words[i].length;
    // Deltas are whole words, so word i is on screen once the text reaches its end offset.
    while (s < samples.length && samples[s][1] < end) s += 1;
    if (s === samples.length) break;
    out.push(samples[s][0] - sent[i]);
  }
  return out;
}

const spread = (sorted) => ({ p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) ?? null });

/**
 * One streaming run's numbers, the same for every page.
 * @param {string} text  the whole answer
 * @param {number[]} sent  the server's send times, one per delta
 * @param {{samples: [number, number][], frames: number[], updates: number, prefixOk: boolean, done: boolean, final: string|null}} page
 */
export function summarize(text, sent, page) {
  const words = splitWords(text);
  const lat = latencies(words, sent, page.samples);
  const frames = [...page.frames].sort((a, b) => a - b);
  const streamMs = sent.length > 1 ? sent.at(-1) - sent[0] : null;
  return {
    words: words.length,
    sent: sent.length,
    painted: lat.length,
    lost: words.length - lat.length,
    inOrder: page.prefixOk,
    complete: page.done && page.final === text,
    latencyMs: spread([...lat].sort((a, b) => a - b)),
    frameMs: { ...spread(frames), count: frames.length },
    samples: page.samples.length,
    // How often the answer's DOM changed per second while streaming (MutationObserver callbacks;
    // the floor: about once per network read; Citewise: as often as its UI writes the answer).
    updatesPerSecond: streamMs ? (page.updates * 1000) / streamMs : null,
  };
}

/** The median of the numbers `f` picks from `runs` (null when there are none). */
function medianOf(runs, f) {
  const xs = runs.map(f).filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!xs.length) return null;
  const m = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/**
 * Several runs of one page in one line: medians of the per-run numbers (each run's p95 is over
 * 5,000 words already; the median keeps one disturbed run from moving the result), the worst
 * run's longest frame, and every run's losses.
 */
export function combineRuns(runs) {
  const ok = runs.filter((r) => r && !r.error);
  return {
    runs: ok.length,
    failed: runs.length - ok.length,
    latencyMs: {
      p50: medianOf(ok, (r) => r.latencyMs.p50),
      p95: medianOf(ok, (r) => r.latencyMs.p95),
      max: ok.length ? Math.max(...ok.map((r) => r.latencyMs.max ?? -Infinity)) : null,
    },
    longestFrameMs: medianOf(ok, (r) => r.frameMs.max),
    worstFrameMs: ok.length ? Math.max(...ok.map((r) => r.frameMs.max ?? -Infinity)) : null,
    updatesPerSecond: medianOf(ok, (r) => r.updatesPerSecond),
    lost: ok.reduce((n, r) => n + r.lost, 0),
    reordered: ok.filter((r) => !r.inOrder).length,
    incomplete: ok.filter((r) => !r.complete).length,
  };
}

/**
 * What Citewise adds to the floor: its p50/p95 latency minus the floor's (both medians over
 * runs). The floor already pays the frame wait and the paint, so this is Citewise's own cost.
 */
export function addedLatency(floor, citewise) {
  const minus = (a, b) => (a == null || b == null ? null : a - b);
  return {
    p50: minus(citewise.latencyMs.p50, floor.latencyMs.p50),
    p95: minus(citewise.latencyMs.p95, floor.latencyMs.p95),
  };
}

/**
 * Installs the sampler in `driver`'s page, starts the answer with `start()`, waits until the
 * whole text is on screen (or 60 s), and returns the summary against the mock's send times.
 */
async function sampleStream(driver, mock, { root, answer }, start) {
  const { text } = await mock.fixture('timestamps');
  await driver.executeScript(INSTALL, text, root, answer);
  await start();
  const deadline = Date.now() + 60_000;
  while (!(await driver.executeScript('return window.__benchStream.done || window.__benchStreamError != null'))) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const page = await driver.executeScript(COLLECT);
  if (page.error) throw new Error(`the page's stream failed: ${page.error}`);
  const sent = await (await fetch(`${mock.baseUrl}/__mock/sent-times`)).json();
  return summarize(text, sent, page);
}

/**
 * Streams the timestamps answer in Citewise (asked through the composer, as a person would).
 * @param {{app: {driver: import('selenium-webdriver').WebDriver}, mock: {baseUrl: string, scenario: (n: string) => Promise<void>, fixture: (n: string) => Promise<any>}}} ctx
 */
export async function measureStreaming({ app, mock }) {
  const { driver } = app;
  await mock.scenario('timestamps');
  return sampleStream(driver, mock, { root: '[data-testid="message-list"]', answer: '[data-testid="assistant-content"]' },
    async () => {
      const composer = await driver.findElement({ css: '[data-testid="composer"]' });
      await composer.sendKeys('Stream the latency benchmark', '\uE007');
    });
}

/**
 * Streams the same answer in the floor: its page reads `GET /__mock/timestamps` (the Agent API's
 * stream, readable from any origin) with fetch() and appends each delta to `#answer`.
 * @param {{app: {driver: import('selenium-webdriver').WebDriver}, mock: {baseUrl: string, fixture: (n: string) => Promise<any>}}} ctx
 */
export async function measureFloorStreaming({ app, mock }) {
  const { driver } = app;
  return sampleStream(driver, mock, { root: '#answer', answer: '#answer' }, () => driver.executeScript(
    'window.__benchStreamError = null; window.floorStream(arguments[0]).catch((e) => { window.__benchStreamError = String(e); });',
    `${mock.baseUrl}/__mock/timestamps`));
}
