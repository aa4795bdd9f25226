// The background research runs going now, as research_watch tells the window (#20): one list for
// the whole window, kept here so the sidebar's list and each answer's progress block read the
// same runs. `watchRuns` is called once at start-up; the answer turns (loaded later) ask `runFor`.

import { researchWatch } from '../ipc/ipc.js';

/**
 * @typedef {import('../ipc/ipc.js').RunInfo} RunInfo
 * @typedef {import('../ipc/ipc.js').RunOutcome} RunOutcome
 *
 * @typedef {object} Finished
 * @property {string} answerId
 * @property {string} conversationId
 * @property {string} title
 * @property {RunOutcome} outcome
 *
 * @typedef {object} WatchHooks
 * @property {(finished: Finished) => void} onFinished  a run ended; its answer is saved by then
 * @property {(conversationId: string, answerId: string) => void} onOpen  the person clicked its notification
 */

/** @type {Map<string, RunInfo>} by answer id */
let runs = new Map();
/** @type {Set<(runs: RunInfo[]) => void>} */
const listeners = new Set();

const notify = () => {
  const list = [...runs.values()];
  for (const listener of listeners) listener(list);
};

/** @param {RunInfo[]} list */
const replace = (list) => {
  runs = new Map((Array.isArray(list) ? list : []).map((run) => [run.answerId, run]));
  notify();
};

/**
 * Watch the runs: the list now, then every change, end and notification click.
 * @param {WatchHooks} hooks
 * @returns {Promise<void>}
 */
export async function watchRuns(hooks) {
  try {
    const now = await researchWatch((message) => {
      if (!message || typeof message !== 'object') return;
      const data = /** @type {any} */ (message.data ?? {});
      if (message.event === 'runs') replace(data.runs);
      else if (message.event === 'finished') {
        if (runs.delete(data.answerId)) notify();
        hooks.onFinished(data);
      } else if (message.event === 'open') hooks.onOpen(data.conversationId, data.answerId);
    });
    replace(now);
  } catch (err) {
    console.warn('research_watch failed:', err);
  }
}

/** @param {string | null | undefined} answerId @returns {RunInfo | null} */
export function runFor(answerId) {
  return (answerId && runs.get(answerId)) || null;
}

/** @returns {RunInfo[]} the runs going now, oldest first */
export function currentRuns() {
  return [...runs.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * Called with the whole list whenever it changes; returns the unsubscribe.
 * @param {(runs: RunInfo[]) => void} listener
 * @returns {() => void}
 */
export function onRuns(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Mark a run as cancelling at once (the next list from the backend says where it really is).
 * @param {string} answerId
 */
export function markCancelling(answerId) {
  const run = runs.get(answerId);
  if (!run) return;
  runs.set(answerId, { ...run, phase: 'cancelling' });
  notify();
}
