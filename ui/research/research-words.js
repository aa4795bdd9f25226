// The words of background research (#20), kept pure so node tests can pin them: a run's phase in
// words, the time since it began ("4:07", "1:02:09"), its searches and sources, and whether a
// question will run in the background at all (the option, or a deep preset, on a provider that
// can).

/**
 * @typedef {import('../ipc/ipc.js').RunPhase} RunPhase
 * @typedef {import('../ipc/ipc.js').RunOutcome} RunOutcome
 */

/** The deep presets, by their current and old names: these always run in the background. */
const DEEP_PRESETS = new Set(['medium', 'high', 'xhigh', 'deep-research', 'advanced-deep-research']);

/** What every background answer says while it runs. */
export const CONTINUES_NOTE = 'You can close Citewise; the research continues and is picked up when you return.';

/** The hint beside the option when a deep preset is chosen. */
export const DEEP_HINT = 'Deep research always runs in the background — it can take several minutes.';

/** @param {string | null | undefined} model @returns {boolean} a deep research preset */
export function isDeepPreset(model) {
  return typeof model === 'string' && DEEP_PRESETS.has(model);
}

/**
 * Whether a question goes to the server as a background run.
 * @param {boolean} canRun  the provider's registry entry has `backgroundRuns`
 * @param {string | null | undefined} model
 * @param {{background?: boolean} | null | undefined} options
 */
export function runsInBackground(canRun, model, options) {
  return canRun && (isDeepPreset(model) || options?.background === true);
}

/**
 * The phase in words.
 * @param {RunPhase | string} phase
 * @param {string | null} [message]  why, for cancel_failed
 */
export function phaseText(phase, message = null) {
  switch (phase) {
    case 'queued': return 'Waiting for Perplexity to start';
    case 'in_progress': return 'Researching';
    case 'reconnecting': return 'Reconnecting…';
    case 'polling': return 'Researching — checking every few seconds';
    case 'cancelling': return 'Cancelling…';
    case 'cancel_failed': return `Couldn't cancel: ${message || 'Perplexity did not say why'}`;
    default: return 'Researching';
  }
}

/** The one word the sidebar shows for a phase. @param {RunPhase | string} phase */
export function phaseWord(phase) {
  switch (phase) {
    case 'queued': return 'Waiting';
    case 'reconnecting': return 'Reconnecting';
    case 'cancelling': return 'Cancelling';
    case 'cancel_failed': return 'Researching';
    default: return 'Researching';
  }
}

/**
 * Time since a run began: "0:07", "12:30", then "1:02:09". Never negative (clocks differ).
 * @param {number} ms
 */
export function formatElapsed(ms) {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "3 searches · 12 sources", "1 search · 1 source". @param {number} searches @param {number} sources */
export function countsText(searches, sources) {
  const n = (/** @type {number} */ k, /** @type {string} */ one, /** @type {string} */ many) => `${k} ${k === 1 ? one : many}`;
  return `${n(searches, 'search', 'searches')} · ${n(sources, 'source', 'sources')}`;
}

/**
 * What the toast says when a run ends out of sight; null: no toast (cancelled: the person did it).
 * @param {RunOutcome} outcome
 * @param {string} title
 */
export function finishedText(outcome, title) {
  switch (outcome) {
    case 'completed': return `Research finished: ${title}`;
    case 'failed': return `Research failed: ${title}`;
    case 'interrupted': return `Research interrupted: ${title}`;
    default: return null;
  }
}
