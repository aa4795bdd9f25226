// Metric 3, streaming: the local server streams 5,000 one-word deltas at 1,000 per second and
// logs when each went out (GET /__mock/sent-times); the page records when each word was on
// screen. Latency = painted − sent, per word; plus the longest frame while streaming, and
// whether every word arrived once and in order.
//
// "On screen" is measured after the paint: a MutationObserver notes that the answer changed,
// the next animation frame runs, and a task queued from that frame (which runs once the frame
// is painted) reads the answer's text length and the time. Both clocks are the machine's wall
// clock (the server's SystemTime, the page's performance.timeOrigin + performance.now()).

/** Installed in the page before asking; `full` is the whole answer's text. */
const INSTALL = `
  const full = arguments[0];
  const state = { samples: [], frames: [], prefixOk: true, done: false, started: 0 };
  window.__benchStream = state;
  const answer = () => {
    const all = document.querySelectorAll('[data-testid="assistant-content"]');
    return all.length ? all[all.length - 1] : null;
  };
  const now = () => performance.timeOrigin + performance.now();
  let queued = false;
  const sample = () => {
    queued = false;
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
  const observer = new MutationObserver(() => {
    if (queued || state.done) return;
    queued = true;
    requestAnimationFrame(() => setTimeout(sample, 0));
  });
  observer.observe(document.querySelector('[data-testid="message-list"]'), {
    childList: true, subtree: true, characterData: true,
  });
  let last = 0;
  const frame = (t) => {
    if (last) state.frames.push(t - last);
    last = t;
    if (!state.done) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
`;

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

/**
 * Streams the timestamps answer in `app` and measures it.
 * @param {{app: {driver: import('selenium-webdriver').WebDriver}, mock: {baseUrl: string, scenario: (n: string) => Promise<void>, fixture: (n: string) => Promise<any>}}} ctx
 */
export async function measureStreaming({ app, mock }) {
  const { driver } = app;
  const fixture = await mock.fixture('timestamps');
  const text = fixture.text;
  const words = text.match(/^\S+|\s\S+/g) ?? [];
  await mock.scenario('timestamps');
  await driver.executeScript(INSTALL, text);
  const composer = await driver.findElement({ css: '[data-testid="composer"]' });
  await composer.sendKeys('Stream the latency benchmark', '\uE007');
  const deadline = Date.now() + 60_000;
  while (!(await driver.executeScript('return window.__benchStream.done'))) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const page = await driver.executeScript('const s = window.__benchStream; return {samples: s.samples, frames: s.frames, prefixOk: s.prefixOk, done: s.done, final: s.final ?? null}');
  const sent = await (await fetch(`${mock.baseUrl}/__mock/sent-times`)).json();
  const lat = latencies(words, sent, page.samples);
  const sorted = [...lat].sort((a, b) => a - b);
  const frames = [...page.frames].sort((a, b) => a - b);
  const complete = page.done && page.final === text;
  return {
    words: words.length,
    sent: sent.length,
    painted: lat.length,
    lost: words.length - lat.length,
    inOrder: page.prefixOk,
    complete,
    latencyMs: { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) ?? null },
    frameMs: { p50: quantile(frames, 0.5), p95: quantile(frames, 0.95), max: frames.at(-1) ?? null, count: frames.length },
    samples: page.samples.length,
  };
}
