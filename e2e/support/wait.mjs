// Waiting in the end-to-end tests: polls a condition, looking again past WebKitWebDriver's stale
// nodes.

export async function waitUntil(fn, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let v;
    try {
      v = await fn();
    } catch (err) {
      // WebKitWebDriver can lose a node it was just handing back while the answer re-renders
      // ("Stale element found when trying to create the node handle"): look again.
      if (err?.name !== 'StaleElementReferenceError') throw err;
    }
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
