// The sidebar's saved conversations: loaded a page at a time (the next page when a sentinel at
// the end scrolls near view), grouped by date (Pinned, Today, Yesterday, Last 7 days, Last 30
// days, Older), with single items moved, renamed or removed in place. The DOM holds only the
// pages loaded so far, and nothing is ever re-rendered as a whole except on reload (after an
// import, or when midnight shifts the groups).

import { conversationRename, conversationsList, toIpcError } from '../ipc/ipc.js';
import { GROUPS, fullDate, groupOf, untilMidnight } from '../lib/dates.js';
import { icon } from '../chat/turn-actions.js';

/**
 * @typedef {import('../ipc/ipc.js').ConversationSummary} ConversationSummary
 * @typedef {import('../ipc/ipc.js').IpcError} IpcError
 * @typedef {import('../lib/dates.js').GroupKey} GroupKey
 * @typedef {{summary: ConversationSummary, li: HTMLLIElement, item: HTMLButtonElement, title: HTMLElement, menu: HTMLButtonElement}} Row
 * @typedef {{section: HTMLElement, ul: HTMLUListElement}} GroupBox
 *
 * @typedef {object} HistoryListHooks
 * @property {(id: string) => void} onOpen
 * @property {(anchor: HTMLButtonElement, summary: ConversationSummary) => void} onMenu
 * @property {(summary: ConversationSummary) => void} onRenamed
 * @property {(error: IpcError) => void} onError   a rename failed
 */

const FIRST_PAGE = 60;
const NEXT_PAGE = 100;

/**
 * Ask for the first page now (start-up asks for it together with the provider registry) and
 * hand the promise to createHistoryList.
 * @returns {Promise<import('../ipc/ipc.js').ConversationPage>}
 */
export function askFirstPage() {
  return conversationsList(null, FIRST_PAGE);
}

/**
 * Sidebar order: pinned first, then newest first. Negative when `a` comes before `b`.
 * @param {ConversationSummary} a
 * @param {ConversationSummary} b
 */
function compare(a, b) {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * @param {HTMLElement} root  the scrolling list area of the sidebar
 * @param {HistoryListHooks} hooks
 * @param {Promise<import('../ipc/ipc.js').ConversationPage>} [firstPage]  asked for already
 *   (askFirstPage); used for the first load only, never after a reload
 */
export function createHistoryList(root, hooks, firstPage) {
  /** @type {Map<string, Row>} */
  const rows = new Map();
  /** @type {Map<GroupKey, GroupBox>} */
  const groups = new Map();
  /** @type {string | null} */
  let cursor = null;
  let more = true;
  let loading = false;
  let epoch = 0;
  /** @type {string | null} */
  let current = null;
  let now = Date.now();
  let midnightTimer = 0;
  let listPainted = false;

  const box = document.createElement('div');
  box.className = 'history-groups';
  const status = document.createElement('p');
  status.className = 'history-status';
  status.dataset.testid = 'history-status';
  status.hidden = true;
  const sentinel = document.createElement('div');
  sentinel.className = 'history-sentinel';
  sentinel.setAttribute('aria-hidden', 'true');
  root.append(box, status, sentinel);

  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    },
    { root, rootMargin: '0px 0px 320px 0px' },
  );

  /** @param {GroupKey} key @returns {GroupBox} */
  const groupBox = (key) => {
    const existing = groups.get(key);
    if (existing) return existing;
    const { label } = /** @type {import('../lib/dates.js').Group} */ (GROUPS.find((g) => g.key === key));
    const section = document.createElement('section');
    section.className = 'history-group';
    section.dataset.group = key;
    section.setAttribute('aria-labelledby', `history-${key}`);
    const heading = document.createElement('h2');
    heading.className = 'sidebar-heading';
    heading.id = `history-${key}`;
    heading.textContent = label;
    const ul = document.createElement('ul');
    ul.className = 'conversation-list';
    section.append(heading, ul);
    const after = GROUPS.slice(GROUPS.findIndex((g) => g.key === key) + 1).map((g) => groups.get(g.key)).find(Boolean);
    box.insertBefore(section, after?.section ?? null);
    const made = { section, ul };
    groups.set(key, made);
    return made;
  };

  /** Drop a group's heading once its last item has gone. @param {GroupKey | undefined} key */
  const tidy = (key) => {
    const g = key && groups.get(key);
    if (g && g.ul.childElementCount === 0) {
      g.section.remove();
      groups.delete(/** @type {GroupKey} */ (key));
    }
  };

  const isLastGroup = (/** @type {GroupKey} */ key) =>
    !GROUPS.slice(GROUPS.findIndex((g) => g.key === key) + 1).some((g) => groups.has(g.key));

  /** @param {Row} row */
  const fill = (row) => {
    const { summary } = row;
    row.title.textContent = summary.title;
    row.item.title = `${summary.title}\n${fullDate(summary.updatedAt)}`;
    row.menu.setAttribute('aria-label', `Actions for ${summary.title}`);
    row.li.classList.toggle('is-pinned', summary.pinned);
  };

  /** @param {ConversationSummary} summary @returns {Row} */
  const makeRow = (summary) => {
    const li = document.createElement('li');
    li.className = 'conversation-row';
    li.dataset.id = summary.id;
    const item = document.createElement('button');
    item.type = 'button';
    item.className = 'conversation-item';
    item.dataset.testid = 'conversation-item';
    item.dataset.id = summary.id;
    const title = document.createElement('span');
    title.className = 'conversation-title-text';
    item.append(title);
    const menu = document.createElement('button');
    menu.type = 'button';
    menu.className = 'conversation-menu';
    menu.dataset.testid = 'conversation-menu';
    menu.dataset.id = summary.id;
    menu.setAttribute('aria-haspopup', 'menu');
    menu.setAttribute('aria-expanded', 'false');
    menu.setAttribute('aria-controls', 'conversation-actions');
    menu.append(icon('more'));
    li.append(item, menu);
    const row = { summary, li, item, title, menu };
    fill(row);
    if (summary.id === current) markCurrent(row, true);
    return row;
  };

  const markCurrent = (/** @type {Row} */ row, /** @type {boolean} */ on) => {
    row.li.classList.toggle('is-current', on);
    if (on) row.item.setAttribute('aria-current', 'true');
    else row.item.removeAttribute('aria-current');
  };

  /**
   * Put a row where it belongs among the loaded ones. One older than everything loaded while
   * more pages remain belongs to a later page: it leaves the DOM and comes back with that page.
   * @param {Row} row
   */
  const place = (row) => {
    const from = /** @type {GroupKey | undefined} */ (row.li.parentElement?.closest('section')?.dataset.group);
    row.li.remove();
    tidy(from);
    const key = groupOf(row.summary, now);
    const { ul } = groupBox(key);
    let before = /** @type {Element | null} */ (null);
    for (let child = ul.firstElementChild; child; child = child.nextElementSibling) {
      const other = rows.get(/** @type {HTMLElement} */ (child).dataset.id ?? '');
      if (other && compare(row.summary, other.summary) < 0) {
        before = child;
        break;
      }
    }
    if (!before && more && isLastGroup(key)) {
      rows.delete(row.summary.id);
      tidy(key);
      return;
    }
    ul.insertBefore(row.li, before);
    rows.set(row.summary.id, row);
  };

  const renderStatus = (/** @type {string} */ text) => {
    status.textContent = text;
    status.hidden = text === '';
  };

  const loadMore = async () => {
    if (loading || !more) return;
    loading = true;
    const mine = epoch;
    let page;
    try {
      const asked = firstPage ?? conversationsList(cursor, cursor ? NEXT_PAGE : FIRST_PAGE);
      firstPage = undefined;
      page = await asked;
    } catch (err) {
      if (mine !== epoch) return;
      loading = false;
      renderStatus(`Could not load conversations. ${toIpcError(err).message}`);
      return;
    }
    if (mine !== epoch) return;
    cursor = page.nextCursor ?? null;
    more = cursor !== null && page.items.length > 0;
    for (const summary of page.items) {
      if (rows.has(summary.id)) continue; // moved up meanwhile (a new question); keep that one
      const row = makeRow(summary);
      rows.set(summary.id, row);
      groupBox(groupOf(summary, now)).ul.append(row.li);
    }
    loading = false;
    renderStatus(rows.size === 0 && !more ? 'No conversations yet.' : '');
    if (!listPainted) {
      // The benchmarks (bench/run.mjs) time start-up to this mark: the first page is painted.
      listPainted = true;
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('citewise:list-painted')));
    }
    // The observer only reports changes: if the sentinel is still in view, ask again.
    observer.unobserve(sentinel);
    if (more) observer.observe(sentinel);
  };

  const reload = () => {
    epoch += 1;
    cursor = null;
    more = true;
    loading = false;
    rows.clear();
    groups.clear();
    box.replaceChildren();
    renderStatus('');
    now = Date.now();
    clearTimeout(midnightTimer);
    midnightTimer = window.setTimeout(reload, untilMidnight(now) + 1000);
    observer.unobserve(sentinel);
    loadMore();
  };

  /** Arrow keys move between items, across groups. */
  const neighbour = (/** @type {HTMLLIElement} */ li, /** @type {1 | -1} */ dir) => {
    const next = dir > 0 ? li.nextElementSibling : li.previousElementSibling;
    if (next) return /** @type {HTMLLIElement} */ (next);
    let section = li.closest('section');
    while ((section = /** @type {HTMLElement | null} */ (dir > 0 ? section?.nextElementSibling : section?.previousElementSibling))) {
      const ul = section.querySelector('ul');
      const edge = dir > 0 ? ul?.firstElementChild : ul?.lastElementChild;
      if (edge) return /** @type {HTMLLIElement} */ (edge);
    }
    return null;
  };

  root.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const button = /** @type {HTMLButtonElement | null} */ (target?.closest('.conversation-item, .conversation-menu') ?? null);
    const row = button && rows.get(button.dataset.id ?? '');
    if (!button || !row) return;
    if (button.classList.contains('conversation-menu')) hooks.onMenu(button, row.summary);
    else hooks.onOpen(row.summary.id);
  });
  // On an item: arrows move between items, F2 renames, the context-menu key opens the ⋯ menu.
  root.addEventListener('keydown', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const row = target.classList.contains('conversation-item') ? rows.get(target.dataset.id ?? '') : null;
    if (!row) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const next = neighbour(row.li, event.key === 'ArrowDown' ? 1 : -1);
      /** @type {HTMLElement | null | undefined} */ (next?.querySelector('.conversation-item'))?.focus();
    } else if (event.key === 'F2') {
      startRename(row.summary.id);
    } else if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      hooks.onMenu(row.menu, row.summary);
    } else {
      return;
    }
    event.preventDefault();
  });

  /** Inline rename: Enter (or leaving the field) saves, Esc cancels. @param {string} id */
  const startRename = (id) => {
    const row = rows.get(id);
    if (!row || row.li.querySelector('input')) return;
    const input = document.createElement('input');
    input.className = 'rename-input';
    input.dataset.testid = 'rename-input';
    input.type = 'text';
    input.value = row.summary.title;
    input.setAttribute('aria-label', 'New name for this conversation');
    input.maxLength = 200;
    let done = false;
    const finish = async (/** @type {boolean} */ save) => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      const hadFocus = document.activeElement === input;
      input.remove();
      row.item.hidden = false;
      row.menu.hidden = false;
      if (hadFocus) row.item.focus();
      if (!save || title === '' || title === row.summary.title) return;
      const before = row.summary;
      row.summary = { ...before, title };
      fill(row);
      try {
        const saved = await conversationRename(id, title);
        update(saved);
        hooks.onRenamed(saved);
      } catch (err) {
        if (rows.get(id) === row) {
          row.summary = before;
          fill(row);
        }
        hooks.onError(toIpcError(err));
      }
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.isComposing) {
        event.preventDefault();
        finish(true);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        finish(false);
      }
    });
    input.addEventListener('blur', () => finish(true));
    row.item.hidden = true;
    row.menu.hidden = true;
    row.li.prepend(input);
    input.focus();
    input.select();
  };

  /** A summary changed (new question, rename, pin, restore): update it and move it in place. */
  const update = (/** @type {ConversationSummary} */ summary) => {
    const row = rows.get(summary.id) ?? makeRow(summary);
    row.summary = summary;
    fill(row);
    place(row);
    if (rows.size > 0) renderStatus('');
  };

  reload();

  return {
    reload,
    update,
    startRename,
    /** @param {string} id @returns {ConversationSummary | null} */
    summaryOf: (id) => rows.get(id)?.summary ?? null,
    /** Take an item off the list (deleted, or gone). @param {string} id */
    remove(id) {
      const row = rows.get(id);
      if (!row) return;
      const from = /** @type {GroupKey | undefined} */ (row.li.closest('section')?.dataset.group);
      const hadFocus = row.li.contains(document.activeElement);
      const next = hadFocus ? neighbour(row.li, 1) ?? neighbour(row.li, -1) : null;
      row.li.remove();
      rows.delete(id);
      tidy(from);
      if (next) /** @type {HTMLElement | null} */ (next.querySelector('.conversation-item'))?.focus();
      if (rows.size === 0 && !more) renderStatus('No conversations yet.');
    },
    /** @param {string | null} id  the conversation in view */
    setCurrent(id) {
      const before = current ? rows.get(current) : null;
      if (before) markCurrent(before, false);
      current = id;
      const row = id ? rows.get(id) : null;
      if (row) markCurrent(row, true);
    },
  };
}
