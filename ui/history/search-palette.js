// The search palette (Ctrl/Cmd+K, or "Search…" in the sidebar): full-text search over every
// question, answer and title. Typing searches after a short pause; a response to an older query
// never replaces a newer one. ArrowUp/Down move, Enter opens the hit, Esc closes. Snippets are
// plain text parts from the backend; the matched words become <mark> built with textContent.

import { historySearch, toIpcError } from '../ipc/ipc.js';
import { fullDate, relativeDate } from '../lib/dates.js';
import { returnFocusOnClose } from '../lib/modal.js';

/**
 * @typedef {import('../ipc/ipc.js').SearchHit} SearchHit
 *
 * @typedef {object} SearchHooks
 * @property {(conversationId: string, messageId: string | null) => void} onOpen
 */

const DEBOUNCE_MS = 120;
const LIMIT = 50;
/** @type {Record<import('../ipc/ipc.js').Role, string>} */
const ROLES = { system: 'Instructions', user: 'Question', assistant: 'Answer' };

/**
 * @param {{dialog: HTMLDialogElement, openButton: HTMLElement}} els
 * @param {SearchHooks} hooks
 * @returns {{open: () => void, close: () => void}}
 */
export function bindSearch({ dialog, openButton }, hooks) {
  const input = /** @type {HTMLInputElement} */ (dialog.querySelector('[data-testid="search-input"]'));
  const results = /** @type {HTMLElement} */ (dialog.querySelector('[role="listbox"]'));
  const hint = /** @type {HTMLElement} */ (dialog.querySelector('[data-testid="search-hint"]'));
  const count = /** @type {HTMLElement} */ (dialog.querySelector('[data-part="count"]'));
  /** @type {SearchHit[]} */
  let hits = [];
  let active = -1;
  /** The latest query sent; responses to any other are stale. */
  let seq = 0;
  let timer = 0;

  const say = (/** @type {string} */ text) => {
    hint.textContent = text;
    hint.hidden = text === '';
  };

  const setActive = (/** @type {number} */ index) => {
    const items = results.children;
    items[active]?.setAttribute('aria-selected', 'false');
    active = hits.length ? Math.max(0, Math.min(index, hits.length - 1)) : -1;
    const item = /** @type {HTMLElement | undefined} */ (items[active]);
    if (item) {
      item.setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', item.id);
      item.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };

  /** @param {SearchHit} hit @param {number} index @param {number} now */
  const renderHit = (hit, index, now) => {
    const li = document.createElement('li');
    li.className = 'search-result';
    li.id = `search-result-${index}`;
    li.dataset.testid = 'search-result';
    li.dataset.conversationId = hit.conversationId;
    if (hit.messageId) li.dataset.messageId = hit.messageId;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    const head = document.createElement('div');
    head.className = 'result-head';
    const title = document.createElement('span');
    title.className = 'result-title';
    title.textContent = hit.title;
    const meta = document.createElement('span');
    meta.className = 'result-meta';
    meta.textContent = `${hit.role ? ROLES[hit.role] ?? hit.role : 'Title'} · ${relativeDate(hit.updatedAt, now)}`;
    meta.title = fullDate(hit.updatedAt);
    head.append(title, meta);
    const snippet = document.createElement('div');
    snippet.className = 'result-snippet';
    for (const part of Array.isArray(hit.snippet) ? hit.snippet : []) {
      if (!part || typeof part.text !== 'string') continue;
      if (part.hit) {
        const mark = document.createElement('mark');
        mark.textContent = part.text;
        snippet.append(mark);
      } else {
        snippet.append(part.text);
      }
    }
    li.append(head, snippet);
    return li;
  };

  const render = (/** @type {SearchHit[]} */ next) => {
    hits = next;
    active = -1;
    const now = Date.now();
    results.replaceChildren(...next.map((hit, i) => renderHit(hit, i, now)));
    results.hidden = next.length === 0;
    input.setAttribute('aria-expanded', String(next.length > 0));
    say(next.length ? '' : 'No matches');
    count.textContent = next.length ? `${next.length}${next.length === LIMIT ? '+' : ''} ${next.length === 1 ? 'result' : 'results'}` : 'No matches';
    setActive(0);
  };

  const clear = () => {
    seq += 1;
    hits = [];
    active = -1;
    results.replaceChildren();
    results.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    say('Type to search your questions, answers and conversation titles.');
    count.textContent = '';
  };

  const search = async (/** @type {string} */ query) => {
    const mine = (seq += 1);
    dialog.setAttribute('aria-busy', 'true');
    try {
      const found = await historySearch(query, LIMIT);
      if (mine !== seq) return;
      render(Array.isArray(found) ? found : []);
    } catch (err) {
      if (mine !== seq) return;
      render([]);
      say(`Search failed. ${toIpcError(err).message}`);
    } finally {
      if (mine === seq) dialog.removeAttribute('aria-busy');
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query === '') {
      clear();
      return;
    }
    timer = window.setTimeout(() => search(query), DEBOUNCE_MS);
  };

  const choose = (/** @type {number} */ index) => {
    const hit = hits[index];
    if (!hit) return;
    modal.forget();
    dialog.close();
    hooks.onOpen(hit.conversationId, hit.messageId ?? null);
  };

  input.addEventListener('input', schedule);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') setActive(active + 1);
    else if (event.key === 'ArrowUp') setActive(active - 1);
    else if (event.key === 'Enter' && !event.isComposing) choose(active);
    else if (event.key === 'Escape') dialog.close();
    else return;
    event.preventDefault();
  });
  results.addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
    if (item) choose([...results.children].indexOf(item));
  });
  results.addEventListener('mousemove', (event) => {
    const item = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
    const index = item ? [...results.children].indexOf(item) : -1;
    if (index >= 0 && index !== active) setActive(index);
  });
  dialog.addEventListener('mousedown', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    clearTimeout(timer);
    seq += 1; // whatever is still on its way is stale now
    dialog.removeAttribute('aria-busy');
  });
  const modal = returnFocusOnClose(dialog);

  const open = () => {
    if (dialog.open) {
      input.focus();
      input.select();
      return;
    }
    modal.showModal(null, openButton);
    input.focus();
    input.select();
    if (input.value.trim()) search(input.value.trim());
    else clear();
  };

  openButton.addEventListener('click', open);
  clear();

  return { open, close: () => dialog.close() };
}
