// The runs going now at the top of the sidebar (#20): a heading with their count, then one item a
// run (its conversation's title, the phase in a word, the time since it began, ticking); a click
// opens the conversation at the answer. Hidden when nothing runs.

import { currentRuns, onRuns } from './runs.js';
import { formatElapsed, phaseWord } from './research-words.js';
import { el } from '../lib/dom.js';

/**
 * @typedef {import('../ipc/ipc.js').RunInfo} RunInfo
 */

/**
 * @param {HTMLElement} root  the `research-list` section (with `[data-part="items"]` and `research-count`)
 * @param {{onOpen: (conversationId: string, answerId: string) => void}} hooks
 */
export function bindResearchList(root, hooks) {
  const items = /** @type {HTMLElement} */ (root.querySelector('[data-part="items"]'));
  const count = /** @type {HTMLElement} */ (root.querySelector('[data-testid="research-count"]'));
  /** @type {Map<string, {item: HTMLElement, elapsed: HTMLElement, run: RunInfo}>} */
  const shown = new Map();
  let timer = 0;

  const tick = () => {
    for (const { elapsed, run } of shown.values()) elapsed.textContent = formatElapsed(Date.now() - run.startedAt);
  };

  /** @param {RunInfo} run */
  const build = (run) => {
    const item = el('li', 'research-item');
    const button = el('button', 'research-open');
    button.type = 'button';
    button.dataset.testid = 'research-item';
    button.dataset.answerId = run.answerId;
    button.dataset.id = run.conversationId;
    const title = el('span', 'research-title', run.title || 'Untitled');
    const meta = el('span', 'research-item-meta');
    const phase = el('span', 'research-item-phase', phaseWord(run.phase));
    const elapsed = el('span', 'research-item-elapsed');
    meta.append(phase, el('span', 'research-sep', ' · '), elapsed);
    button.append(title, meta);
    button.addEventListener('click', () => {
      const now = shown.get(run.answerId)?.run ?? run;
      hooks.onOpen(now.conversationId, now.answerId);
    });
    item.append(button);
    return { item, elapsed, run };
  };

  const render = () => {
    const runs = currentRuns();
    const keep = new Set(runs.map((r) => r.answerId));
    for (const [id, entry] of shown) {
      if (!keep.has(id)) {
        entry.item.remove();
        shown.delete(id);
      }
    }
    for (const run of runs) {
      let entry = shown.get(run.answerId);
      if (!entry) {
        entry = build(run);
        shown.set(run.answerId, entry);
      }
      entry.run = run;
      const button = /** @type {HTMLElement} */ (entry.item.firstElementChild);
      /** @type {HTMLElement} */ (button.querySelector('.research-title')).textContent = run.title || 'Untitled';
      /** @type {HTMLElement} */ (button.querySelector('.research-item-phase')).textContent = phaseWord(run.phase);
      button.title = `${run.title || 'Untitled'} — ${run.model}`;
      items.append(entry.item); // in order, oldest first
    }
    count.textContent = String(runs.length);
    root.hidden = runs.length === 0;
    clearInterval(timer);
    timer = runs.length ? window.setInterval(tick, 1000) : 0;
    tick();
  };

  onRuns(render);
  render();
}
