// Self-test, continued: the search palette (keyboard, snippet marks, stale responses, opening a
// hit), Settings → Data (export, import, bad files), hostile titles and snippets, and the
// sidebar of a big history in a harness frame (?history=N): date groups, and paging that keeps
// the DOM small with 10,000 conversations. DOM counting, not timing.

import { historyKit } from './selftest-history.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

/** A JSON export in the backend's layout (see src-tauri/history/export.rs). */
const exportFile = (conversations) => JSON.stringify({ format: 'citewise.history', version: 1, conversations });
const conversation = (id, title, question, answer) => ({
  id, title, pinned: false, createdAt: Date.now() - 5000, updatedAt: Date.now() - 5000, messages: [
    { id: `${id}-q`, parentId: null, role: 'user', content: question },
    { id: `${id}-a`, parentId: `${id}-q`, role: 'assistant', content: answer },
  ],
});

/** @param {import('./selftest-history.js').T} t */
export async function historyMoreFlows(t) {
  await dataFlows(t);
  await searchFlows(t);
  await bigListFlows(t);
}

/** @param {import('./selftest-history.js').T} t */
async function dataFlows({ check, sleep, until }) {
  const k = historyKit({ sleep, until });
  const { $, id, calls, items, itemOf, mock } = k;
  const status = id('data-status');
  $('[data-testid="settings-open"]').click();
  await until(() => $('#settings').open && !id('settings-save').disabled);
  const after = [$('#settings-data').nextElementSibling, $('#settings-data').nextElementSibling?.nextElementSibling].map((n) => n?.getAttribute('aria-labelledby'));
  const last = $('#settings .sheet-body').lastElementChild;
  check('data: the section sits before Appearance and About (its button to the dialog)', after.join() === 'settings-appearance-heading,settings-about'
    && last.getAttribute('aria-labelledby') === 'settings-about' && !!last.querySelector('[data-testid="settings-about-open"]')
    && status.getAttribute('role') === 'status', after);

  const live = [...mock.history.conversations.values()].filter((c) => !c.deleted).length;
  id('export-all-markdown').click();
  await until(() => /^Exported/.test(status.textContent));
  check('data: Export all as Markdown says how many and where', status.textContent === `Exported ${live} conversations to /home/you/Downloads/citewise-export-2026-11-22.md` && calls('history_export').at(-1).args.ids === null, status.textContent);
  id('export-all-json').click();
  await until(() => /\.json$/.test(status.textContent));
  check('data: Export all as JSON', calls('history_export').at(-1).args.format === 'json' && status.dataset.tone === 'ok');
  mock.history.exportFailure = { kind: 'history', message: 'Could not write /home/you/Downloads/x.md: no space left on device.', retryAfter: null };
  id('export-all-json').click();
  await until(() => /no space/.test(status.textContent));
  check('data: a failed export shows the backend\'s sentence', status.textContent === 'Could not write /home/you/Downloads/x.md: no space left on device.' && status.dataset.tone === 'warn');

  const file = id('import-file');
  check('data: the file input takes JSON and is hidden', file.type === 'file' && file.accept === '.json,application/json' && file.hidden);
  const choose = async (text, name = 'export.json') => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], name, { type: 'application/json' }));
    file.files = transfer.files;
    file.dispatchEvent(new Event('change', { bubbles: true }));
    const before = calls('history_import').length;
    await until(() => calls('history_import').length > before && !$('#settings-data').hasAttribute('aria-busy'));
    await sleep(20);
  };
  const lists = calls('conversations_list').length;
  const good = exportFile([
    conversation('imp-1', HOSTILE, 'What does onerror do in HTML?', `It runs script: ${HOSTILE} and <script>window.__pwned=2</script> are classic payloads.`),
    conversation('imp-2', 'Imported tea notes', 'How long to steep green tea?', 'About two minutes at 80 °C.'),
  ]);
  await choose(good);
  check('data: import reports what came in', status.textContent === 'Imported 2 conversations (4 messages).' && calls('history_import').at(-1).args.text === good, status.textContent);
  await until(() => calls('conversations_list').length > lists && !!itemOf('imp-1'));
  check('data: the sidebar reloads after an import', !!itemOf('imp-2') && items().length >= 3);
  await choose(good);
  check('data: importing again skips what is there, by title', status.textContent === `Imported 0 conversations (0 messages). Skipped 2 already in history: “${HOSTILE}”, “Imported tea notes”.`, status.textContent);
  await choose('{"format": "something else"}');
  check('data: a file that is not an export says so', status.textContent === 'This file is not a Citewise JSON export (use Export as JSON to make one).' && status.dataset.tone === 'warn', status.textContent);
  await choose('{not json');
  check('data: a broken file says so', /^This file is not valid JSON \(/.test(status.textContent), status.textContent);
  {
    // One byte over 50 MB: refused by its size, never read or sent to the backend.
    const imports = calls('history_import').length;
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(50 * 1024 * 1024 + 1)], 'huge.json', { type: 'application/json' }));
    file.files = transfer.files;
    file.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => /huge\.json is/.test(status.textContent));
    check('data: a file over 50 MB is refused before it is read', status.textContent === 'huge.json is 50.1 MB; Citewise imports files up to 50 MB.' && status.dataset.tone === 'warn' && calls('history_import').length === imports, status.textContent);
  }
  $('#settings [data-close]').click();
  await sleep(20);

  check('hostile: a title with markup is text in the sidebar', itemOf('imp-1').textContent === HOSTILE && !document.querySelector('#history img') && window.__pwned === undefined);
  await k.open('imp-1');
  check('hostile: … and in the header and the turns', $('#conversation-title').textContent === HOSTILE && !document.querySelector('.message-list img, .message-list script') && window.__pwned === undefined);
  check('data: the message goes away when Settings reopens', (() => {
    $('[data-testid="settings-open"]').click();
    const hidden = status.hidden;
    $('#settings').close();
    return hidden;
  })());
  await sleep(20);
}

/** @param {import('./selftest-history.js').T} t */
async function searchFlows({ check, sleep, until }) {
  const k = historyKit({ sleep, until });
  const { $, $$, id, ids, calls, key, mock } = k;
  const dialog = $('#search');
  const input = id('search-input');
  const hint = id('search-hint');
  const results = () => ids('search-result');
  const selected = () => results().findIndex((r) => r.getAttribute('aria-selected') === 'true');
  const search = async (text) => {
    const before = calls('history_search').length;
    k.type(input, text);
    await until(() => calls('history_search').length > before && !dialog.hasAttribute('aria-busy'));
    await sleep(10);
  };

  check('search: a Search… button with its shortcut', id('search-open').textContent.includes('Search…') && /^(Ctrl K|⌘K)$/.test($('#search-shortcut').textContent));
  id('composer').focus();
  key(document.body, 'k', { ctrlKey: true });
  check('search: Ctrl+K opens the palette with the field focused and a hint', dialog.open && document.activeElement === input && !hint.hidden && /Type to search/.test(hint.textContent) && results().length === 0);
  await search('everest');
  const found = results();
  const marks = $$('#search-results mark').map((m) => m.textContent.toLowerCase());
  check('search: results with title, role, date and snippet', found.length >= 3 && found.every((r) => r.querySelector('.result-title').textContent && /^(Question|Answer|Title) · /.test(r.querySelector('.result-meta').textContent) && r.querySelector('.result-snippet').textContent), found.length);
  check('search: the matched words are <mark>', marks.length >= found.length && marks.every((m) => m.startsWith('everest')), marks.slice(0, 6));
  check('search: the first result is selected', selected() === 0 && input.getAttribute('aria-activedescendant') === found[0].id);
  key(input, 'ArrowDown');
  key(input, 'ArrowDown');
  key(input, 'ArrowUp');
  check('search: arrows move the selection', selected() === 1 && input.getAttribute('aria-activedescendant') === found[1].id);
  const hit = found.find((r) => r.dataset.messageId) ?? found[1];
  const at = found.indexOf(hit);
  while (selected() < at) key(input, 'ArrowDown');
  while (selected() > at) key(input, 'ArrowUp');
  key(input, 'Enter');
  await until(() => !dialog.open && !id('message-list').hasAttribute('aria-busy') && id('message-list').childElementCount > 0);
  const opened = calls('conversation_open').at(-1).args;
  const target = $(`[data-message-id="${CSS.escape(hit.dataset.messageId ?? '')}"]`);
  check('search: Enter opens the hit\'s conversation at its message', opened.id === hit.dataset.conversationId && opened.focusMessageId === (hit.dataset.messageId ?? null) && !!target);
  check('search: the message is highlighted', target?.classList.contains('is-highlighted'));

  id('search-open').click();
  check('search: reopens with the last query selected', dialog.open && input.value === 'everest' && input.selectionStart === 0 && input.selectionEnd === 7);
  await search('zzzqqqxx');
  check('search: no matches says so', results().length === 0 && hint.textContent === 'No matches' && !hint.hidden);
  k.type(input, '');
  check('search: an empty query shows the hint again', /Type to search/.test(hint.textContent) && results().length === 0);

  // A slow answer to an older query must not replace the answer to the newer one.
  mock.history.searchDelay = (q) => (q === 'everest' ? 500 : 20);
  k.type(input, 'everest');
  await until(() => calls('history_search').at(-1).args.query === 'everest');
  await search('steep');
  await sleep(650);
  const texts = results().map((r) => r.textContent.toLowerCase());
  check('search: a stale response does not overwrite a newer one', texts.length > 0 && texts.every((x) => x.includes('steep')) && texts.every((x) => !x.includes('everest')), texts);
  mock.history.searchDelay = () => 30;

  await search('onerror');
  check('search: hostile titles and snippets are text', results().length >= 2 && results().some((r) => r.querySelector('.result-title').textContent === HOSTILE) && !dialog.querySelector('img, script') && window.__pwned === undefined);
  key(input, 'Escape');
  check('search: Esc closes', !dialog.open);
}

/** The sidebar of a big history, in a harness frame on top of the page. */
async function loadFrame(query, until) {
  const frame = document.createElement('iframe');
  frame.src = `index.html?${query}`;
  frame.style.cssText = 'position: fixed; inset: 0; width: 1200px; height: 800px; z-index: 100; border: 0; background: white;';
  document.body.append(frame);
  await until(() => frame.contentDocument?.querySelectorAll('[data-testid="conversation-item"]').length > 0, 20000);
  return frame;
}

/** @param {import('./selftest-history.js').T} t */
async function bigListFlows({ check, sleep, until }) {
  // Groups, with ?history=200.
  let frame = await loadFrame('history=200', until);
  let doc = frame.contentDocument;
  const loaded = () => doc.querySelectorAll('[data-testid="conversation-item"]').length;
  while (loaded() < 200) {
    const before = loaded();
    doc.querySelector('#history').scrollTop = 1e6;
    await until(() => loaded() > before, 10000);
  }
  await sleep(100);
  const groups = [...doc.querySelectorAll('.history-group')];
  check('groups: headings in order', groups.map((g) => g.querySelector('h2').textContent).join('|') === 'Pinned|Today|Yesterday|Last 7 days|Last 30 days|Older', groups.map((g) => g.querySelector('h2').textContent));
  const store = frame.contentWindow.__mockTauri.history.conversations;
  const midnight = new Date().setHours(0, 0, 0, 0);
  const at = (item) => store.get(item.dataset.id).updatedAt;
  const inGroup = (key) => [...doc.querySelectorAll(`.history-group[data-group="${key}"] [data-testid="conversation-item"]`)];
  check('groups: pinned first, today since midnight, yesterday the day before',
    inGroup('pinned').length === 2 && inGroup('today').every((i) => at(i) >= midnight) && inGroup('yesterday').every((i) => at(i) < midnight && at(i) >= midnight - 86400000 - 3600000) && inGroup('older').every((i) => at(i) < midnight - 29 * 86400000),
    ['pinned', 'today', 'yesterday', 'older'].map((g) => inGroup(g).length));
  const order = [...doc.querySelectorAll('.history-group:not([data-group="pinned"]) [data-testid="conversation-item"]')].map(at);
  check('groups: newest first throughout', order.every((v, i) => i === 0 || order[i - 1] >= v));
  frame.remove();

  // 10,000 conversations: pages as the list scrolls, never the whole list.
  frame = await loadFrame('history=10000&open=1', until);
  doc = frame.contentDocument;
  const count = () => doc.querySelectorAll('[data-testid="conversation-item"]').length;
  const mock = frame.contentWindow.__mockTauri;
  const lists = () => mock.calls.filter((c) => c.command === 'conversations_list');
  await until(() => doc.querySelector('[data-testid="message-list"]').childElementCount > 0, 20000);
  await sleep(300);
  check('10k: after opening, only the first page is in the DOM', count() === 60 && lists().length === 1 && lists()[0].args.limit === 60 && doc.querySelectorAll('#history *').length < 600, [count(), lists().length]);
  const scroller = doc.querySelector('#history');
  const sizes = [count()];
  for (let i = 0; i < 3; i += 1) {
    const before = count();
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => count() > before, 10000);
    await sleep(100);
    sizes.push(count());
  }
  const all = [...doc.querySelectorAll('[data-testid="conversation-item"]')].map((i) => i.dataset.id);
  check('10k: scrolling to the end loads the next page, one at a time', sizes.join(',') === '60,160,260,360' && lists().slice(1).every((c) => c.args.limit === 100 && c.args.cursor), sizes);
  check('10k: pages join without gaps or duplicates', new Set(all).size === all.length && all.every((id, i) => id === mock.history.commands.conversations_list({ cursor: null, limit: 500 }).items[i]?.id));
  check('10k: the DOM stays a few hundred items', count() <= 400 && doc.querySelectorAll('#history li').length === count());
  frame.remove();
}
