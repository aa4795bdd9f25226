// The block inside a background answer while its run goes on (#20): the phase in words (a polite
// live region that speaks when the phase changes, never for the clock), the time since it began,
// its searches and sources, that closing the window does not stop it, and Cancel. From the first
// `run` event of the answer's channel, or for a saved `streaming` answer research_watch lists;
// the answer turn removes it when the answer ends.

import { researchCancel, toIpcError } from '../ipc/ipc.js';
import { CONTINUES_NOTE, countsText, formatElapsed, phaseText } from './research-words.js';
import { markCancelling, onRuns, runFor } from './runs.js';
import { el } from '../lib/dom.js';

/**
 * @typedef {import('../ipc/ipc.js').RunPhase} RunPhase
 *
 * @typedef {object} ProgressSource  what the block reads from its answer
 * @property {() => string | null} answerId   the saved answer's id (null until the receipt)
 * @property {() => {searches: number, sources: number}} seen  counted from the channel's events
 */

export class ResearchProgress {
  /** @param {ProgressSource} source */
  constructor(source) {
    this.source = source;
    /** When the block began: the clock until research_watch says when the answer did. */
    this.since = Date.now();
    /** @type {RunPhase | null} */
    this.shownPhase = null;
    this.shownMessage = /** @type {string | null} */ (null);

    this.el = el('section', 'research-progress');
    this.el.dataset.testid = 'research-progress';
    this.el.setAttribute('aria-label', 'Background research');
    const head = el('div', 'research-head');
    const dot = el('span', 'research-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.phaseEl = el('p', 'research-phase');
    this.phaseEl.dataset.testid = 'research-phase';
    this.phaseEl.setAttribute('role', 'status');
    this.phaseEl.setAttribute('aria-live', 'polite');
    this.elapsedEl = el('span', 'research-elapsed');
    this.elapsedEl.dataset.testid = 'research-elapsed';
    this.countsEl = el('span', 'research-counts');
    this.countsEl.dataset.testid = 'research-counts';
    this.cancel = el('button', 'btn btn-secondary btn-compact research-cancel', 'Cancel');
    this.cancel.type = 'button';
    this.cancel.dataset.testid = 'research-cancel';
    this.cancel.setAttribute('aria-label', 'Cancel this research');
    this.cancel.addEventListener('click', () => this.cancelRun());
    const meta = el('p', 'research-meta');
    meta.append(this.elapsedEl, el('span', 'research-sep', ' · '), this.countsEl);
    head.append(dot, this.phaseEl, this.cancel);
    this.el.append(head, meta, el('p', 'research-note', CONTINUES_NOTE));

    this.unsubscribe = onRuns(() => this.refresh());
    this.timer = window.setInterval(() => this.tick(), 1000);
    this.setPhase('queued');
    this.refresh();
  }

  /**
   * Where the run stands, from the answer's channel (or the watch list).
   * @param {RunPhase} phase
   * @param {string | null} [message]
   */
  setPhase(phase, message = null) {
    if (phase === this.shownPhase && message === this.shownMessage) return;
    this.shownPhase = phase;
    this.shownMessage = message;
    this.phaseEl.textContent = phaseText(phase, message);
    this.el.dataset.phase = phase;
    this.cancel.disabled = phase === 'cancelling';
  }

  /** The watch list changed: its phase, start and counts win over what the block guessed. */
  refresh() {
    const run = runFor(this.source.answerId());
    if (run) {
      this.since = run.startedAt;
      if (run.phase !== this.shownPhase && !(this.shownPhase === 'cancel_failed' && run.phase === 'in_progress')) this.setPhase(run.phase);
    }
    this.tick();
  }

  /** Once a second: the clock, and the counts (the list's, else those of the channel). */
  tick() {
    const run = runFor(this.source.answerId());
    const seen = this.source.seen();
    this.elapsedEl.textContent = formatElapsed(Date.now() - this.since);
    this.countsEl.textContent = countsText(run ? run.searches : seen.searches, run ? run.sources : seen.sources);
  }

  /** Cancel asks the server; the answer then ends as cancelled on its own. */
  async cancelRun() {
    const id = this.source.answerId();
    if (!id || this.cancel.disabled) return;
    const before = this.shownPhase ?? 'in_progress';
    this.setPhase('cancelling');
    markCancelling(id);
    try {
      const going = await researchCancel(id);
      if (!going) this.setPhase(before);
    } catch (err) {
      this.setPhase('cancel_failed', toIpcError(err).message);
    }
  }

  /** The answer ended: the block goes, and so do its clock and its listener. */
  end() {
    clearInterval(this.timer);
    this.unsubscribe();
    this.el.remove();
  }
}
