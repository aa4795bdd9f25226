// Self-test of saved conversations over the mock backend (run by selftest.js after the key
// flows): sending creates and moves sidebar items in place, reopening renders what was stored,
// Retry and Regenerate send `regenerate`, Edit & resend sends the right parentId and shows
// versions, switching versions, streams never land in another conversation, the ⋯ menu (rename,
// pin, delete with undo, export). Search, Data and the big lists are in selftest-history-more.js.

/**
 * @typedef {{check: (name: string, ok: boolean, detail?: unknown) => void,
 *   sleep: (ms: number) => Promise<void>, until: (predicate: () => boolean, timeout?: number) => Promise<void>}} T
 */

/** Helpers over the page's UI and the mock, shared with selftest-history-more.js. */
export function historyKit({ sleep, until }) {
  const mock = window.__mockTauri;
  const $ = (s) => document.querySelector(s);
  const $$ = (s) => [...document.querySelectorAll(s)];
  const id = (testid) => $(`[data-testid="${testid}"]`);
  const ids = (testid) => $$(`[data-testid="${testid}"]`);
  const calls = (command) => mock.calls.filter((c) => c.command === command);
  const sends = () => calls('chat_send').map((c) => c.args.args);
  const items = () => ids('conversation-item');
  const itemOf = (conversationId) => items().find((i) => i.dataset.id === conversationId) ?? null;
  const rowOf = (conversationId) => itemOf(conversationId)?.closest('li') ?? null;
  const groupOf = (conversationId) => rowOf(conversationId)?.closest('section')?.dataset.group ?? null;
  const current = () => $$('[data-testid="conversation-item"][aria-current="true"]');
  const answers = () => ids('message-assistant');
  const questions = () => ids('message-user');
  const lastAnswer = () => answers().at(-1);
  const settled = () => until(() => lastAnswer() && lastAnswer().dataset.state !== 'streaming');
  const type = (node, value) => {
    node.value = value;
    node.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const ask = async (text) => {
    type(id('composer'), text);
    id('send').click();
    await sleep(10);
  };
  const key = (node, key, init = {}) =>
    node.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  /** Open a conversation from the sidebar and wait for its branch. */
  const open = async (conversationId) => {
    const before = calls('conversation_open').length;
    itemOf(conversationId).click();
    await until(() => calls('conversation_open').length > before && !id('message-list').hasAttribute('aria-busy'));
    await sleep(20);
  };
  const menu = async (conversationId, action) => {
    rowOf(conversationId).querySelector('[data-testid="conversation-menu"]').click();
    await sleep(10);
    $(`#conversation-actions [data-testid="menu-${action}"]`).click();
    await sleep(10);
  };
  const stored = (conversationId) => mock.history.conversations.get(conversationId);
  return { mock, $, $$, id, ids, calls, sends, items, itemOf, rowOf, groupOf, current, answers, questions, lastAnswer, settled, type, ask, key, open, menu, stored };
}

/** @param {T} t */
export async function historyFlows(t) {
  const { check, sleep, until } = t;
  const k = historyKit(t);
  const { $, id, ids, calls, sends, items, itemOf, rowOf, groupOf, current, answers, questions, lastAnswer, settled, ask, key, open, menu, stored } = k;

  // A new question makes a new conversation: its item appears at the top of Today, current.
  id('new-chat').click();
  await ask('Which is the longest river in Africa?');
  await until(() => items()[0]?.textContent === 'Which is the longest river in Africa?');
  const river = items()[0].dataset.id;
  check('history: the first send creates an item at the top of Today', groupOf(river) === 'today' && current().length === 1 && current()[0] === itemOf(river), [groupOf(river), current().length]);
  check('history: the first send has no conversation and no parent', sends().at(-1).conversationId === null && sends().at(-1).parentId === null && sends().at(-1).question === 'Which is the longest river in Africa?');
  await settled();
  const firstQuestion = questions()[0].dataset.messageId;
  const firstAnswer = lastAnswer().dataset.messageId;
  check('history: the receipt ids are on the turns', !!firstQuestion && !!firstAnswer && stored(river).messages.get(firstAnswer)?.parentId === firstQuestion, [firstQuestion, firstAnswer]);
  check('history: a finished answer has Copy and Regenerate', !!lastAnswer().querySelector('[data-testid="copy-answer"]') && !!lastAnswer().querySelector('[data-testid="regenerate"]') && !lastAnswer().querySelector('[data-testid="version-label"]'));

  // A second conversation goes on top; asking in the first again moves that same item back up.
  id('new-chat').click();
  check('history: New chat leaves the item, none current', !!itemOf(river) && current().length === 0 && id('message-list').childElementCount === 0);
  await ask('What is a fjord? #nosearch');
  await settled();
  const fjord = items()[0].dataset.id;
  check('history: the newer conversation is on top', fjord !== river && items()[1].dataset.id === river, items().slice(0, 2).map((i) => i.textContent));
  const riverRow = rowOf(river);
  const itemCount = items().length;
  await open(river);
  check('history: opening marks the item current and shows the title', current()[0] === itemOf(river) && $('#conversation-title').textContent === 'Which is the longest river in Africa?');
  check('history: reopening renders the stored branch', questions().length === 1 && answers().length === 1 && answers()[0].dataset.state === 'done'
    && answers()[0].querySelectorAll('[data-testid="citation"]').length === 12 && !!answers()[0].querySelector('[data-testid="cost-actual"]')
    && answers()[0].querySelectorAll('[data-testid="source-item"]').length === 5 && answers()[0].dataset.messageId === firstAnswer,
  [questions().length, answers().length, answers()[0]?.querySelectorAll('[data-testid="citation"]').length]);
  check('history: stored answer text is the saved markdown, rendered', answers()[0].querySelector('[data-testid="assistant-content"] h3')?.textContent === 'How the height was measured' && !answers()[0].querySelector('.caret'));
  await ask('And the longest in Europe?');
  check('history: a follow-up is asked after the shown answer', sends().at(-1).conversationId === river && sends().at(-1).parentId === firstAnswer, sends().at(-1));
  await until(() => items()[0]?.dataset.id === river);
  check('history: answering moves the same item to the top, nothing re-rendered', rowOf(river) === riverRow && items().length === itemCount && items()[1].dataset.id === fjord);
  await settled();
  const secondQuestion = questions()[1].dataset.messageId;
  const secondAnswer = lastAnswer().dataset.messageId;

  // Regenerate: a new answer to the same question, kept as version 2 of 2; the old one comes back.
  lastAnswer().querySelector('[data-testid="regenerate"]').click();
  await sleep(10);
  check('history: Regenerate sends regenerate with the question id', sends().at(-1).regenerate === secondQuestion && !('question' in sends().at(-1)) && sends().at(-1).conversationId === river, sends().at(-1));
  check('history: while streaming, Edit, Regenerate and versions are disabled', ids('edit-question').every((b) => b.disabled) && ids('regenerate').every((b) => b.disabled));
  await settled();
  check('history: the new answer is version 2 / 2', lastAnswer().querySelector('[data-testid="version-label"]')?.textContent === '2 / 2' && lastAnswer().dataset.messageId !== secondAnswer && answers().length === 2);
  lastAnswer().querySelector('[data-testid="version-prev"]').click();
  await until(() => lastAnswer()?.dataset.messageId === secondAnswer);
  const selected = calls('conversation_select_version').at(-1)?.args;
  check('history: Previous version asks for the sibling and re-renders it', selected?.id === river && selected?.messageId === secondAnswer && lastAnswer().querySelector('[data-testid="version-label"]').textContent === '1 / 2'
    && lastAnswer().querySelector('[data-testid="version-prev"]').disabled && !lastAnswer().querySelector('[data-testid="version-next"]').disabled, selected);

  // Edit & resend the second question: sent after the first answer; everything below is replaced.
  const editButton = questions()[1].querySelector('[data-testid="edit-question"]');
  editButton.click();
  const editor = () => questions()[1]?.querySelector('[data-testid="edit-input"]');
  check('history: Edit opens an inline editor with the question', editor()?.value === 'And the longest in Europe?' && document.activeElement === editor());
  key(editor(), 'Escape');
  check('history: Esc cancels the edit, nothing sent', !editor() && questions()[1].querySelector('.user-text').textContent === 'And the longest in Europe?' && document.activeElement === editButton && sends().at(-1).regenerate === secondQuestion);
  const sentBefore = sends().length;
  questions()[1].querySelector('[data-testid="edit-question"]').click();
  editor().value = 'And the longest in Asia?';
  key(editor(), 'Enter');
  await sleep(10);
  const edited = sends().at(-1);
  check('history: Save & send asks the new question after the same parent', sends().length === sentBefore + 1 && edited.parentId === firstAnswer && edited.question === 'And the longest in Asia?' && edited.conversationId === river, edited);
  check('history: the edited branch replaces what was below', questions().length === 2 && answers().length === 2 && questions()[1].querySelector('.user-text').textContent === 'And the longest in Asia?');
  await settled();
  const label = () => questions()[1].querySelector('[data-testid="version-label"]')?.textContent;
  check('history: the edited question shows 2 / 2', label() === '2 / 2' && !lastAnswer().querySelector('[data-testid="version-label"]'), label());
  const prev = questions()[1].querySelector('[data-testid="version-prev"]');
  prev.focus();
  prev.click();
  await until(() => label() === '1 / 2');
  check('history: the old question comes back, down to its newest answer', questions()[1].querySelector('.user-text').textContent === 'And the longest in Europe?' && lastAnswer().dataset.messageId !== secondAnswer && lastAnswer().querySelector('[data-testid="version-label"]')?.textContent === '2 / 2');
  check('history: focus stays on the version switcher', questions()[1].contains(document.activeElement) && document.activeElement.dataset.testid === 'version-next', document.activeElement?.dataset?.testid);
  questions()[1].querySelector('[data-testid="version-next"]').click();
  await until(() => label() === '2 / 2');
  check('history: Next version shows the edit again', questions()[1].querySelector('.user-text').textContent === 'And the longest in Asia?');

  // Stop, then reopen: the partial answer, "Stopped" and Retry, which sends regenerate.
  await ask('Slow and long #slow');
  await until(() => (lastAnswer().querySelector('[data-testid="assistant-content"]').textContent.length > 30));
  id('stop').click();
  await until(() => lastAnswer().dataset.state === 'stopped');
  await sleep(60);
  const stoppedQuestion = questions().at(-1).dataset.messageId;
  check('history: a stopped answer says so and offers Retry', /Stopped/.test(lastAnswer().textContent) && !!lastAnswer().querySelector('[data-testid="retry"]') && !lastAnswer().querySelector('[data-testid="regenerate"]'));
  await open(fjord);
  await open(river);
  check('history: reopened, the stopped answer is still partial with Retry', lastAnswer().dataset.state === 'stopped' && /Stopped/.test(lastAnswer().textContent) && lastAnswer().querySelector('[data-testid="assistant-content"]').textContent.length > 30);
  lastAnswer().querySelector('[data-testid="retry"]').click();
  await sleep(10);
  check('history: Retry sends regenerate for that question', sends().at(-1).regenerate === stoppedQuestion && sends().at(-1).conversationId === river);
  await settled();
  check('history: the retried answer is version 2 / 2', lastAnswer().querySelector('[data-testid="version-label"]')?.textContent === '2 / 2' && lastAnswer().dataset.state === 'done');

  // Answers saved as interrupted (a crash) or failed come back with Retry and the stored error.
  const riverMessages = [...stored(river).messages.values()];
  const last = riverMessages.find((m) => m.id === lastAnswer().dataset.messageId);
  Object.assign(last, { status: 'interrupted', finish: null });
  await open(fjord);
  await open(river);
  check('history: interrupted by a crash: "Answer interrupted" and Retry', /Answer interrupted/.test(lastAnswer().textContent) && !!lastAnswer().querySelector('[data-testid="retry"]'));
  Object.assign(last, { status: 'error', error: { kind: 'network', message: 'The connection dropped.', retryAfter: null } });
  await open(fjord);
  await open(river);
  const banner = lastAnswer().querySelector('[data-testid="error-banner"]');
  check('history: a failed answer shows its stored error banner and the partial text', banner?.dataset.kind === 'network' && /connection dropped/.test(banner.textContent) && lastAnswer().querySelector('[data-testid="assistant-content"]').textContent.length > 30);
  banner.querySelector('[data-action="retry"]').click();
  await sleep(10);
  check('history: the banner\'s Retry regenerates', sends().at(-1).regenerate === stoppedQuestion);
  await settled();

  // Switching conversations while an answer streams stops it; nothing lands in the other one.
  await ask('Stream while I leave #slow');
  await until(() => lastAnswer().querySelector('[data-testid="assistant-content"]').textContent.length > 10);
  const leaving = sends().at(-1);
  const cancels = calls('chat_cancel').length;
  itemOf(river).click();
  await sleep(30);
  check('history: clicking the open conversation keeps its answer streaming', lastAnswer().dataset.state === 'streaming' && calls('chat_cancel').length === cancels && !!id('stop'));
  await open(fjord);
  const fjordText = id('message-list').textContent;
  await sleep(600);
  check('history: leaving a streaming conversation stops it', calls('chat_cancel').at(-1)?.args.requestId === leaving.requestId && !id('stop') && !!id('send'));
  check('history: no event of that stream lands in the conversation opened', id('message-list').textContent === fjordText && answers().length === 1);

  // An answer whose receipt comes after its first events still gets its ids.
  await ask('Late receipt #latereceipt #nosearch');
  await settled();
  await until(() => !!lastAnswer().dataset.messageId);
  check('history: ids attached when the receipt comes late', !!questions().at(-1).dataset.messageId && !!lastAnswer().querySelector('[data-testid="regenerate"]') && stored(fjord).messages.get(lastAnswer().dataset.messageId)?.status === 'complete');

  // Copy puts the answer's markdown on the clipboard (Copy with sources is in selftest-extras.js).
  let copied = null;
  try {
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text) => { copied = text; } } });
  } catch {
    copied = undefined;
  }
  await open(river);
  answers()[0].querySelector('[data-testid="copy-answer"]').click();
  await until(() => copied !== null);
  check('history: Copy gives the saved answer\'s markdown', copied === undefined || (copied.startsWith("Mount Everest is Earth's highest mountain") && copied.endsWith('(https://www.nationalgeographic.com/travel/article/mount-everest-height-revised).')), copied?.slice(-80));

  // Regenerate without a key saves nothing: the saved branch comes back and Settings says why.
  const keys = k.mock.keys.perplexity;
  const saved = { ...keys };
  Object.assign(keys, { keyring: null, session: null, env: null });
  const shownAnswers = answers().map((a) => a.dataset.messageId).join();
  const opens = calls('conversation_open').length;
  answers()[0].querySelector('[data-testid="regenerate"]').click();
  await until(() => $('#settings').open && /Nothing was sent/.test(id('key-result')?.textContent ?? ''));
  await until(() => calls('conversation_open').length > opens && !id('message-list').hasAttribute('aria-busy'));
  check('history: Regenerate without a key brings the saved branch back', answers().map((a) => a.dataset.messageId).join() === shownAnswers && !id('stop'), [answers().length]);
  $('#settings').close();
  Object.assign(keys, saved);
  await sleep(20);

  await menuFlows(t, k, { river, fjord });
}

/** The "⋯" menu: rename, pin, delete with undo, export. */
async function menuFlows({ check, sleep, until }, k, { river, fjord }) {
  const { $, id, calls, items, itemOf, rowOf, groupOf, current, menu, key } = k;

  const button = rowOf(river).querySelector('[data-testid="conversation-menu"]');
  check('menu: the ⋯ button is named after the conversation', button.getAttribute('aria-label') === 'Actions for Which is the longest river in Africa?');
  button.click();
  await sleep(10);
  const popup = $('#conversation-actions');
  check('menu: opens with its items, focus on the first', !popup.hidden && [...popup.querySelectorAll('[role="menuitem"]')].map((m) => m.textContent).join('|') === 'Rename|Pin|Export as Markdown|Export as JSON|Delete'
    && document.activeElement === popup.querySelector('[data-testid="menu-rename"]') && button.getAttribute('aria-expanded') === 'true');
  key(document.activeElement, 'ArrowDown');
  check('menu: arrow keys move', document.activeElement === popup.querySelector('[data-testid="menu-pin"]'));
  key(document.activeElement, 'Escape');
  check('menu: Esc closes, focus back on ⋯', popup.hidden && document.activeElement === button && button.getAttribute('aria-expanded') === 'false');

  // Rename: Esc cancels, Enter saves; the header follows for the open conversation.
  await menu(river, 'rename');
  const input = () => rowOf(river).querySelector('[data-testid="rename-input"]');
  check('rename: inline field with the title, selected', input()?.value === 'Which is the longest river in Africa?' && document.activeElement === input());
  input().value = 'Never saved';
  key(input(), 'Escape');
  check('rename: Esc keeps the old name', !input() && itemOf(river).textContent === 'Which is the longest river in Africa?' && !calls('conversation_rename').length);
  key(itemOf(river), 'F2');
  check('rename: F2 on an item starts it too', document.activeElement === input());
  key(input(), 'Escape');
  await menu(river, 'rename');
  input().value = '  Rivers <b>of</b> the world  ';
  key(input(), 'Enter');
  await until(() => calls('conversation_rename').length === 1);
  await sleep(20);
  check('rename: Enter saves the trimmed name, as text', calls('conversation_rename')[0].args.title === 'Rivers <b>of</b> the world' && itemOf(river).textContent === 'Rivers <b>of</b> the world' && !rowOf(river).querySelector('b'));
  check('rename: the open conversation\'s header follows', $('#conversation-title').textContent === 'Rivers <b>of</b> the world' && document.title.startsWith('Rivers <b>of</b> the world'));

  // Pin moves the item into Pinned; Unpin takes it back to Today.
  const rowBefore = rowOf(river);
  await menu(river, 'pin');
  await until(() => groupOf(river) === 'pinned');
  check('pin: into Pinned, the same element, first', rowOf(river) === rowBefore && $('.history-group').dataset.group === 'pinned' && items()[0].dataset.id === river);
  rowOf(river).querySelector('[data-testid="conversation-menu"]').click();
  await sleep(10);
  check('pin: the menu now offers Unpin', $('#conversation-actions [data-testid="menu-pin"]').textContent === 'Unpin');
  $('#conversation-actions [data-testid="menu-pin"]').click();
  await until(() => groupOf(river) === 'today');
  check('unpin: back in Today, Pinned gone when empty', !document.querySelector('.history-group[data-group="pinned"]') || document.querySelector('.history-group[data-group="pinned"] li') !== null);

  // Export one conversation: a toast with the path and Open folder.
  await menu(river, 'export-markdown');
  await until(() => !!id('toast'));
  check('export one: toast with the path', /^Exported “Rivers <b>of<\/b> the world” as Markdown to \/home\/you\/Downloads\/rivers-b-of-b-the-world\.md$/.test($('.toast-text').textContent) && calls('history_export').at(-1).args.ids[0] === river, $('.toast-text').textContent);
  id('open-export-folder').click();
  await sleep(10);
  check('export one: Open folder', calls('export_folder_open').length === 1 && !id('toast'));

  // Delete the open conversation: gone at once, a new chat, a toast; Undo puts it back in place.
  const index = items().findIndex((i) => i.dataset.id === river);
  await menu(river, 'delete');
  check('delete: the item is gone at once and the window shows a new chat', !itemOf(river) && current().length === 0 && $('#conversation-title').textContent === 'New chat' && id('message-list').childElementCount === 0);
  await until(() => !!id('undo-delete'));
  check('delete: toast says what was deleted, with Undo', $('.toast-text').textContent === 'Deleted “Rivers <b>of</b> the world”.' && calls('conversation_delete').at(-1).args.id === river);
  id('undo-delete').click();
  await until(() => !!itemOf(river));
  await sleep(80);
  check('undo: restored in the same place and reopened', calls('conversation_restore').at(-1)?.args.id === river && items().findIndex((i) => i.dataset.id === river) === index && current()[0] === itemOf(river), [index, items().findIndex((i) => i.dataset.id === river)]);

  // Deleting another conversation leaves the open one alone.
  await menu(fjord, 'delete');
  check('delete other: the open conversation stays', !itemOf(fjord) && current()[0] === itemOf(river) && id('message-list').childElementCount > 0);
  id('undo-delete').click();
  await until(() => !!itemOf(fjord));
  check('undo other: back, the open one still current', current()[0] === itemOf(river) && groupOf(fjord) === 'today');
}
