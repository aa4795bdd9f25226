// Self-test of a long conversation (run by selftest.js after the history flows): opening one
// draws only its newest exchanges, older ones are drawn as the view scrolls up to them (what is
// on screen stays put) or when "Show earlier messages" is pressed, a search hit in an older
// message draws down to it, and a follow-up still answers the last message.

import { historyKit } from './selftest-history.js';

const EXCHANGES = 60;
const WINDOW = 20;

/** An imported conversation of EXCHANGES question/answer pairs, each answer a few paragraphs. */
function longExport() {
  const messages = [];
  let parentId = null;
  for (let i = 0; i < EXCHANGES; i += 1) {
    const tag = i === 0 ? ' zebrafirst' : i === EXCHANGES - 1 ? ' zebrafinal' : '';
    messages.push({ id: `long-q${i}`, role: 'user', parentId, content: `Question number ${i}${tag}?`, createdAt: 1700000000000 + i * 2000 });
    const answer = Array.from({ length: 3 }, (_, p) => `Answer ${i}, paragraph ${p}: ${'words to fill a line of text '.repeat(6)}[1]`).join('\n\n');
    messages.push({ id: `long-a${i}`, role: 'assistant', parentId: `long-q${i}`, content: answer, createdAt: 1700000000000 + i * 2000 + 1000 });
    parentId = `long-a${i}`;
  }
  return JSON.stringify({ format: 'citewise.history', version: 1, conversations: [{ id: 'long-conv', title: 'A very long conversation', createdAt: 1700000000000, updatedAt: 1700000200000, messages }] });
}

/** @param {import('./selftest-history.js').T} t */
export async function longConversationFlows({ check, sleep, until }) {
  const k = historyKit({ sleep, until });
  const { $, id, calls, key, questions, answers, sends } = k;
  const scroller = $('#conversation');
  const earlier = () => id('earlier-messages');
  mock(k).import(longExport());

  /** Open the long conversation at a search hit, the way a user does (Ctrl+K, type, Enter). */
  const openHit = async (word) => {
    const dialog = $('#search');
    const input = id('search-input');
    key(document.body, 'k', { ctrlKey: true });
    const before = calls('history_search').length;
    k.type(input, word);
    await until(() => calls('history_search').length > before && !dialog.hasAttribute('aria-busy') && k.ids('search-result').length > 0);
    key(input, 'Enter');
    await until(() => !dialog.open && !id('message-list').hasAttribute('aria-busy') && questions().length > 0);
    await sleep(30);
  };

  k.id('new-chat').click();
  await openHit('zebrafinal');
  check('long: opening draws only the newest exchanges', questions().length === WINDOW && answers().length === WINDOW
    && questions()[0].dataset.messageId === `long-q${EXCHANGES - WINDOW}`, questions().length);
  check('long: "Show earlier messages" counts what is not drawn', earlier()?.textContent === `Show earlier messages (${2 * (EXCHANGES - WINDOW)})`, earlier()?.textContent);
  check('long: the hit in the newest exchange is in view', $('[data-message-id="long-q59"]')?.classList.contains('is-highlighted'));

  // A follow-up answers the last message, though most of the branch is not drawn.
  await k.ask('A follow-up question');
  await k.settled();
  check('long: a follow-up follows the last answer', sends().at(-1)?.parentId === `long-a${EXCHANGES - 1}`, sends().at(-1));

  // A hit in the oldest exchange of the conversation in view: drawn down to it, then shown.
  await openHit('zebrafirst');
  const first = $('[data-message-id="long-q0"]');
  check('long: a hit in an older message draws the exchanges down to it', !!first && questions().length === EXCHANGES + 1 && !earlier(), questions().length);
  const inView = () => !!first && first.getBoundingClientRect().bottom > scroller.getBoundingClientRect().top
    && first.getBoundingClientRect().top < scroller.getBoundingClientRect().bottom;
  await until(inView, 3000).catch(() => {});
  check('long: ... and scrolls to it, highlighted', inView() && first?.classList.contains('is-highlighted'));

  // Reopened: the window again; scrolling up draws older exchanges and keeps the view still.
  k.id('new-chat').click();
  await openHit('zebrafinal');
  const drawn = questions().length;
  const anchor = questions()[0];
  scroller.scrollTop = 0;
  const top = anchor.getBoundingClientRect().top;
  await until(() => questions().length > drawn, 5000).catch(() => {});
  check('long: scrolling to the top draws older exchanges', questions().length > drawn && questions().length <= EXCHANGES + 1, questions().length);
  check('long: ... above what was on screen, which does not move', Math.abs(anchor.getBoundingClientRect().top - top) < 2,
    [top, anchor.getBoundingClientRect().top]);
  for (let i = 0; i < 10 && earlier(); i += 1) {
    scroller.scrollTop = 0;
    await sleep(60);
  }
  check('long: scrolling up reaches the first question', !earlier() && questions()[0].dataset.messageId === 'long-q0' && questions().length === EXCHANGES + 1, questions().length);

  // The button, from the keyboard: reaching it (focus scrolls it into view) draws nothing yet;
  // pressing it draws the next batch under it, and it stays in view with focus.
  k.id('new-chat').click();
  await openHit('zebrafinal');
  const button = earlier();
  button?.focus();
  await sleep(150);
  check('long: focusing "Show earlier messages" draws nothing by itself', questions().length === WINDOW && document.activeElement === button, questions().length);
  button?.click();
  await sleep(30);
  const shown = () => {
    const r = button?.getBoundingClientRect();
    const v = scroller.getBoundingClientRect();
    return !!r && r.top >= v.top - 1 && r.bottom <= v.bottom + 1;
  };
  check('long: pressing it draws the next batch under it, in view and focused', questions().length === 2 * WINDOW && document.activeElement === button && shown(),
    [questions().length, document.activeElement?.outerHTML.slice(0, 60)]);
  k.id('new-chat').click();
  check('long: a new chat takes the button away', !earlier() && questions().length === 0);
}

/** @param {ReturnType<typeof historyKit>} k */
function mock(k) {
  return k.mock.history;
}
