// In-page self-test of the UI over the mock backend: markdown and citation units, the streaming
// renderer (correctness, "settled blocks are never re-rendered", speed), then the real window
// driven end to end (chat, Settings, About, keys, saved history, what comes under an answer, cost,
// background research). Results go to <pre id="selftest-results"> as JSON, one check a line, and
// document.title becomes "selftest: N passed, M failed". Run headless:
//   chromium --headless --no-sandbox --virtual-time-budget=120000 --dump-dom \
//     http://127.0.0.1:8000/ui-tests/webkit/selftest.html

import { renderBlocks } from '../../ui/answer/markdown.js';
import { StreamingMarkdown } from '../../ui/answer/streaming.js';
import { indexSources, linkCitations } from '../../ui/answer/source-cards.js';
import { citationUnits, cspUnits, html, markdownUnits, mathUnits } from './selftest-markdown.js';
import { loadUi } from './load-ui.js';
import { loadProviders } from '../../ui/ipc/providers.js';
import { keyFlows, keyTextUnits } from './selftest-keys.js';
import { historyFlows } from './selftest-history.js';
import { historyMoreFlows } from './selftest-history-more.js';
import { longConversationFlows } from './selftest-long.js';
import { extrasFlows } from './selftest-extras.js';
import { settingsFlows } from './selftest-settings.js';
import { keyboardFlows } from './selftest-keyboard.js';
import { aboutFlows } from './selftest-about.js';
import { costFlows } from './selftest-cost.js';
import { researchFlows } from './selftest-research.js';

const results = [];
const check = (name, ok, detail) => results.push(ok ? { name, ok: true } : { name, ok: false, detail });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (predicate, timeout = 60000) => {
  const end = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(25);
  }
};
async function streamingUnits() {
  const text = [
    'First paragraph with **bold** and a cite[1].\n\n',
    '## Heading\n\n- one\n- two[1]\n\n',
    '```py\nprint("a")\n\nprint("b")\n```\n\n',
    '1. x\n2. y\n\nLast line without newline',
  ].join('');
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container);
  let firstP = null;
  // The first paragraph is settled once the block after it has begun.
  const settledAt = text.indexOf('## Heading\n') + '## Heading\n'.length;
  for (let i = 0; i < text.length; i += 3) {
    md.append(text.slice(i, i + 3));
    md.flush();
    if (i >= settledAt) firstP ??= container.querySelector('p');
  }
  check('streaming: settled block never re-rendered', firstP !== null && container.querySelector('p') === firstP);
  check('streaming: caret while open', container.querySelector('.caret') !== null);
  md.finish();
  for (const group of container.querySelectorAll('.md-group')) group.replaceWith(...group.childNodes);
  const streamed = container.innerHTML.replace(/>\n+</g, '><').replace(/\n+</g, '<');
  check('streaming: equals one-shot render', streamed === html(text), { got: streamed, expected: html(text) });

  // Speed: an 80,000-character answer (~20,000 tokens) in 24-character deltas, one frame each.
  let big = '';
  for (let k = 0; big.length < 80000; k += 1) {
    big += k % 10 === 9 ? '- a list item with `code` and a cite[2]\n- another item\n\n' : `Paragraph ${k} with **bold** text and a citation[1] to keep the parser busy for a while.\n\n`;
  }
  const perf = document.createElement('div');
  document.body.append(perf);
  const sources = indexSources([{ index: 1, url: 'https://a.example/' }, { index: 2, url: 'https://b.example/' }]);
  const stream = new StreamingMarkdown(perf, { decorate: (nodes) => linkCitations(nodes, sources) });
  const frames = [];
  const touched = [];
  let inFlush = 0;
  // DOM nodes added or removed per frame: the work a frame does, counted rather than timed, so
  // the check means the same on a loaded CI machine. Times are reported, not asserted.
  const observer = new MutationObserver(() => {});
  observer.observe(perf, { childList: true, subtree: true, characterData: true });
  const count = () => observer.takeRecords().reduce((n, r) => n + r.addedNodes.length + r.removedNodes.length + (r.type === 'characterData' ? 1 : 0), 0);
  const start = performance.now();
  for (let i = 0; i < big.length; i += 24) {
    stream.append(big.slice(i, i + 24));
    const t = performance.now();
    stream.flush();
    inFlush += performance.now() - t;
    perf.offsetHeight; // force layout, as a real frame would
    frames.push(performance.now() - t);
    touched.push(count());
  }
  stream.finish();
  observer.disconnect();
  const total = performance.now() - start;
  // Incremental means a frame near the end touches about as many nodes as one near the start,
  // however long the answer has grown.
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const early = mean(touched.slice(0, 300));
  const late = mean(touched.slice(-300));
  const worst = Math.max(...touched);
  const sorted = [...frames].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)];
  check(
    `streaming: 80k chars in ${frames.length} frames touch ${early.toFixed(1)} nodes early / ${late.toFixed(1)} late (worst ${worst}); took p95 ${p95.toFixed(1)} ms, total ${total.toFixed(0)} ms`,
    late <= early * 2 + 4 && worst < 200,
    { early, late, worst, p95, total, inFlush },
  );
  perf.remove();
}

/**
 * One 5,000-word paragraph with a citation every 40 words, 17 words a frame (1,000 words/s at 60
 * frames/s): it ends exactly as rendering it whole, and a frame renders a bounded amount of it
 * (characters through decorate, counted; flush times reported, not asserted).
 */
async function longParagraphUnits() {
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima'];
  const words = [];
  for (let i = 0; i < 5000; i += 1) {
    let word = names[(i * 7 + Math.floor(i / names.length)) % names.length];
    if (i % 40 === 39) word += `[${(Math.floor(i / 40) % 5) + 1}].`;
    words.push(i === 0 ? word : ` ${word}`);
  }
  const text = words.join('');
  const sources = indexSources([1, 2, 3, 4, 5].map((index) => ({ index, url: `https://s${index}.example/` })));
  const host = document.createElement('div');
  host.className = 'prose';
  document.body.append(host);
  let rendered = 0;
  const md = new StreamingMarkdown(host, {
    decorate: (nodes) => {
      for (const node of nodes) rendered += node.textContent.length;
      linkCitations(nodes, sources);
    },
  });
  const chars = [];
  const times = [];
  for (let i = 0; i < words.length; i += 17) {
    for (const word of words.slice(i, i + 17)) md.append(word);
    rendered = 0;
    const t = performance.now();
    md.flush();
    host.offsetHeight; // force layout, as a real frame would
    times.push(performance.now() - t);
    chars.push(rendered);
  }
  md.finish();
  for (const group of host.querySelectorAll('.md-group')) group.replaceWith(...group.childNodes);
  const expected = document.createElement('div');
  const frag = renderBlocks(text);
  linkCitations([...frag.childNodes], sources);
  expected.append(frag);
  check('streaming: a 5,000-word paragraph streamed ends exactly as rendered whole', host.innerHTML === expected.innerHTML, { got: host.innerHTML.slice(0, 300) });
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)];
  const worst = Math.max(...chars);
  check(
    `streaming: a ${text.length}-character paragraph in ${times.length} frames renders at most ${worst} characters a frame; took p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`,
    worst < 4500,
    { worst, p95, chars: chars.slice(-20) },
  );
  host.remove();
}

async function windowFlows() {
  await loadUi();
  const calls = window.__mockTauri.calls;
  const $ = (s) => document.querySelector(s);
  const $$ = (s) => [...document.querySelectorAll(s)];
  const input = $('[data-testid="composer"]');
  const type = (text) => {
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const enter = (init = {}) =>
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }));
  const sends = () => calls.filter((c) => c.command === 'chat_send');
  const lastTurn = () => $$('[data-testid="message-assistant"]').at(-1);
  const settled = () => until(() => lastTurn() && lastTurn().dataset.state !== 'streaming');
  const ask = async (text) => {
    type(text);
    enter();
    await sleep(10);
  };
  await sleep(50);

  check('send disabled when empty', $('[data-testid="send"]').disabled);
  type('ime');
  enter({ isComposing: true });
  enter({ shiftKey: true });
  check('Enter while composing / Shift+Enter does not send', sends().length === 0);

  // The first keystroke starts loading the renderer (chat/conversation-view.js); a question sent before it is
  // there waits for it, so the first answer's turn may take a moment.
  await ask('How high is Mount Everest?');
  await until(() => $('[data-testid="stop"]'), 5000).catch(() => {});
  check('stop replaces send while streaming', $('[data-testid="stop"]') && !$('[data-testid="send"]'));
  await settled();
  const turn = lastTurn();
  const content = turn.querySelector('[data-testid="assistant-content"]');
  check('answer done', turn.dataset.state === 'done', turn.dataset.state);
  check('send is back', $('[data-testid="send"]') && !$('[data-testid="stop"]'));
  check('five source items', turn.querySelectorAll('[data-testid="source-item"]').length === 5);
  const cites = [...turn.querySelectorAll('[data-testid="citation"]')];
  const urls = new Map([...turn.querySelectorAll('[data-testid="source-item"]')].map((s) => [s.dataset.index, s.getAttribute('href')]));
  check('citations linked across split deltas', cites.length === 12, cites.length);
  check('citation hrefs are the source URLs', cites.every((c) => c.getAttribute('href') === urls.get(c.dataset.index)));
  check('no raw [n] left', !/\[\d/.test(content.textContent), content.textContent);
  check('no caret after done', !turn.querySelector('.caret'));
  check('cost-actual', /^[\d,]+ tok · \$0\.\d{2,6}$/.test(turn.querySelector('[data-testid="cost-actual"]')?.textContent ?? ''), turn.querySelector('[data-testid="cost-actual"]')?.textContent);
  check('conversation item', $('[data-testid="conversation-item"]')?.textContent === 'How high is Mount Everest?');
  check('user turn', $('[data-testid="message-user"]')?.textContent === 'How high is Mount Everest?');
  check('model sent', sends()[0].args.args.model === 'fast', sends()[0].args.args.model);
  check('announced when done', $('#announcer').textContent.startsWith('Answer ready.'));

  const before = location.href;
  cites[0].click();
  await sleep(10);
  const opened = calls.filter((c) => c.command === 'open_url').at(-1);
  check('citation click opens through backend', opened?.args.url === cites[0].getAttribute('href') && location.href === before, opened);

  $('[data-testid="model-picker"]').value = 'high';
  const firstAnswerId = turn.dataset.messageId;
  await ask('And how tall is K2?');
  await settled();
  const follow = sends().at(-1).args.args;
  const currentId = $('[data-testid="conversation-item"][aria-current]')?.dataset.id;
  check('follow-up: same conversation, after the first answer, no messages sent', !!currentId && follow.conversationId === currentId && !!firstAnswerId && follow.parentId === firstAnswerId && !('messages' in follow), follow);
  check('picked model sent', follow.model === 'high', follow.model);
  $('[data-testid="model-picker"]').value = 'fast';

  await ask('Break it #error');
  await settled();
  const banner = lastTurn().querySelector('[data-testid="error-banner"]');
  check('interrupted: banner + partial answer kept', banner?.dataset.kind === 'interrupted' && lastTurn().querySelector('[data-testid="assistant-content"]').textContent.length > 20);
  const turnsBefore = $$('[data-testid="message-assistant"]').length;
  const sendsBefore = sends().length;
  banner.querySelector('button').click();
  await sleep(10);
  const failedQuestion = $$('[data-testid="message-user"]').at(-1).dataset.messageId;
  check('retry asks the same question again in place', sends().length === sendsBefore + 1 && sends().at(-1).args.args.regenerate === failedQuestion && !!failedQuestion && $$('[data-testid="message-assistant"]').length === turnsBefore);
  await settled();
  check('retry keeps the partial answer as version 1', lastTurn().querySelector('[data-testid="version-label"]')?.textContent === '2 / 2', lastTurn().querySelector('[data-testid="version-label"]')?.textContent);

  await ask('Slow one #slow');
  // Stop once part of the answer is on screen (its first words come ~1.5 s
  // in; waiting on them rather than a fixed time keeps a loaded machine from
  // stopping before anything arrived).
  await until(() => (lastTurn().querySelector('[data-testid="assistant-content"]')?.textContent.length ?? 0) > 0, 10000);
  $('[data-testid="stop"]').click();
  await until(() => lastTurn().dataset.state !== 'streaming', 5000).catch(() => {});
  const stopped = lastTurn();
  const cancel = calls.filter((c) => c.command === 'chat_cancel').at(-1);
  check('stop keeps partial, says Stopped', stopped.dataset.state === 'stopped' && stopped.textContent.includes('Stopped') && stopped.querySelector('[data-testid="assistant-content"]').textContent.length > 0, { state: stopped.dataset.state, content: stopped.querySelector('[data-testid="assistant-content"]')?.textContent.length });
  check('stop cancels that request', cancel?.args.requestId === sends().at(-1).args.args.requestId);

  await ask('Slow again #slow');
  await sleep(800);
  document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  await until(() => lastTurn().dataset.state !== 'streaming', 5000).catch(() => {});
  check('Esc stops', lastTurn().dataset.state === 'stopped');

  await ask('Try #hostile');
  await settled();
  const hostile = lastTurn();
  check('hostile: nothing executed', window.__pwned === undefined);
  check('hostile: no script/img/javascript: in the page', !document.querySelector('.message-list script, .message-list img, [href^="javascript"], [href^="data:"], [href^="vbscript"], [href^="file:"]'));
  check('hostile: bad-source citation has no href', hostile.querySelector('[data-testid="citation"][data-index="2"]')?.hasAttribute('href') === false);
  check('hostile: missing source stays text', hostile.querySelector('[data-testid="assistant-content"]').textContent.includes('[9]'));

  await ask('Cut #length');
  await settled();
  check('length note', lastTurn().textContent.includes('Stopped at the answer length limit'));
  const more = lastTurn().querySelector('[data-testid="continue"]');
  check('length: Continue asks for the rest', more?.textContent.trim() === 'Continue');
  more?.click();
  await settled();
  check('length: Continue sent the follow-up', [...document.querySelectorAll('[data-testid="message-user"]')].at(-1)?.textContent.includes('Continue your previous answer exactly where it stopped.'));

  await ask('Think #reasoning');
  await settled();
  const reasoning = lastTurn().querySelector('[data-testid="reasoning"]');
  check('reasoning collapsed and separate', reasoning && !reasoning.open && !lastTurn().querySelector('[data-testid="assistant-content"]').textContent.includes('The user asks'));

  await ask('Wait #retrying');
  await sleep(600);
  check('retrying note', /retrying in \d+ s/.test(lastTurn().querySelector('.retry-note')?.textContent ?? ''), lastTurn().querySelector('.retry-note')?.textContent);
  await settled();
  check('retrying note gone when text flows', lastTurn().querySelector('.retry-note').hidden);

  await ask('Full disk #unsaved');
  await settled();
  await sleep(400);
  const unsaved = lastTurn().querySelector('[data-testid="save-note"]');
  check('not saved: said in the answer, after the end too', !unsaved.hidden && unsaved.textContent === 'Not saved: The history database failed: database or disk is full. Copy the answer if you need it: it will not be in your history.' && unsaved.getAttribute('role') === 'status', unsaved.textContent);
  await ask('Full disk for a moment #resaved');
  await sleep(300);
  await settled();
  await sleep(400);
  check('not saved, then saved: the note goes', lastTurn().querySelector('[data-testid="save-note"]').hidden);

  await ask('Limit #ratelimit');
  await settled();
  const wait = lastTurn().querySelector('[data-testid="error-banner"] button');
  check('rate limit countdown', /^Retry in \d+ s$/.test(wait?.textContent ?? '') && wait.disabled, wait?.textContent);

  const turnsBeforeNoKey = $$('[data-testid="message-assistant"]').length;
  await ask('Key #nokey');
  await until(() => $('#settings').open && !$('[data-testid="settings-save"]').disabled && document.activeElement === $('[data-testid="key-input"]'));
  check('no_key: the question is taken back into the composer, no failed turn', input.value === 'Key #nokey' && $$('[data-testid="message-assistant"]').length === turnsBeforeNoKey && !$('[data-testid="stop"]'), [input.value, $$('[data-testid="message-assistant"]').length]);
  check('no_key mid-conversation: Settings opens at the key field and says why', /Add a key first/.test($('[data-testid="key-result"]').textContent), $('[data-testid="key-result"]').textContent);
  check('settings shows key status', $('#settings').open && $('[data-testid="key-status"]').textContent === 'From PERPLEXITY_API_KEY (this session only) · ends in abcd', $('[data-testid="key-status"]').textContent);
  $('#settings').close();
  type('');

  $('[data-testid="new-chat"]').click();
  check('new chat clears', $$('[data-testid="message-list"] > *').length === 0 && !$('#empty-state').hidden && !$('[data-testid="conversation-item"][aria-current]') && $('#conversation-title').textContent === 'New chat');
  $('.example').click();
  await sleep(10);
  check('example question sends', sends().at(-1).args.args.conversationId === null && sends().at(-1).args.args.parentId === null && $('[data-testid="message-user"]')?.textContent === $('.example').textContent);
  await settled();
}

async function run() {
  try {
    markdownUnits(check);
    mathUnits(check);
    citationUnits(check);
    await cspUnits(check);
    await loadProviders(); // as main.js does first; the key words come from the registry
    keyTextUnits(check);
    await streamingUnits();
    await longParagraphUnits();
    await windowFlows();
    await settingsFlows({ check, sleep, until });
    await keyboardFlows({ check, sleep, until });
    await aboutFlows({ check, sleep, until });
    await keyFlows({ check, sleep, until });
    await historyFlows({ check, sleep, until });
    await historyMoreFlows({ check, sleep, until });
    await longConversationFlows({ check, sleep, until });
    await extrasFlows({ check, sleep, until });
    await costFlows({ check, sleep, until });
    await researchFlows({ check, sleep, until });
  } catch (err) {
    check('no exception', false, `${err?.message ?? err}\n${err?.stack ?? ''}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  const pre = document.createElement('pre');
  pre.id = 'selftest-results';
  pre.textContent = results.map((r) => JSON.stringify(r)).join('\n');
  document.body.append(pre);
  document.title = `selftest: ${results.length - failed} passed, ${failed} failed`;
}

run();
