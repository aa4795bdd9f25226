// Self-test of what comes under an answer (run by selftest.js last): image thumbnails fetched
// through image_fetch as data: URLs (failures left out, non-web URLs never fetched, a click opens
// the image's page), related questions that ask a follow-up in the same conversation, the sources
// list, Copy and Copy with sources, the same from a saved conversation, hostile images and
// questions, and every control reachable by keyboard.

import { historyKit } from './selftest-history.js';

/** @param {import('./selftest-history.js').T} t */
export async function extrasFlows(t) {
  const { check, sleep, until } = t;
  const { mock, $, $$, id, calls, sends, items, current, answers, questions, lastAnswer, settled, ask, open } = historyKit(t);
  for (const dialog of $$('dialog[open]')) dialog.close();
  // image_fetch names an image by answer and position; the URL it stands for is the answer's.
  const fetched = () => calls('image_fetch').map((c) => mock.history.imageUrl(c.args.messageId, c.args.index));
  const opened = () => calls('open_url').map((c) => c.args.url);
  const thumbs = (turn) => [...turn.querySelectorAll('[data-testid="answer-image"]')];
  const loaded = (turn) => thumbs(turn).length > 0 && !turn.querySelector('.gallery-cell.is-loading');

  id('new-chat').click();
  const fetchesBefore = fetched().length;
  await ask('Everest with extras #extras');
  await settled();
  const turn = lastAnswer();
  const gallery = turn.querySelector('[data-testid="answer-gallery"]');
  gallery.scrollIntoView({ block: 'center' });
  await until(() => loaded(turn), 10000);
  await sleep(100);
  const urls = fetched().slice(fetchesBefore);
  const asked = calls('image_fetch').slice(fetchesBefore).map((c) => c.args);
  check('images: asked for by answer id and position, never by URL', asked.length === 3 && asked.every((a) => a.messageId === turn.dataset.messageId && Number.isInteger(a.index) && !('url' in a)) && asked.map((a) => a.index).join() === '0,1,2', asked);
  check('images: each web image fetched once through image_fetch, nothing else', urls.join(' ') === 'https://images.example/everest.jpg https://images.example/k2.jpg https://images.example/broken.jpg', urls);
  const imgs = [...gallery.querySelectorAll('img')];
  check('images: shown from data: URLs, the failed one left out', imgs.length === 2 && imgs.every((img) => img.getAttribute('src')?.startsWith('data:image/png;base64,') && img.naturalWidth > 0), imgs.map((img) => img.getAttribute('src')?.slice(0, 30)));
  // The one file image is the About dialog's mark, shipped with the app (ui/app-icon.svg).
  const own = (img) => img.matches('#about .about-mark') && img.getAttribute('src') === '/ui/app-icon.svg';
  check('images: no remote image anywhere in the page', $$('img').every((img) => !img.getAttribute('src') || /^data:image\//.test(img.getAttribute('src')) || own(img)),
    $$('img').map((img) => img.getAttribute('src')?.slice(0, 40)));
  const openedBefore = opened().length;
  thumbs(turn)[0].click();
  thumbs(turn)[1].click();
  await sleep(20);
  check('images: a click opens the image\'s page (else the image) in the browser', opened().slice(openedBefore).join(' ') === 'https://example.org/everest https://images.example/k2.jpg', opened().slice(openedBefore));

  // The sources list under the answer; the cards above stay.
  const list = turn.querySelector('[data-testid="source-list"]');
  const lines = [...turn.querySelectorAll('[data-testid="source-list-item"]')];
  check('sources list: collapsed, one numbered line per source, cards still there', list && !list.open && lines.length === 5 && turn.querySelectorAll('[data-testid="source-item"]').length === 5 && lines.map((l) => l.dataset.index).join('') === '12345', lines.length);
  check('sources list: number, title, domain and date', lines[0].textContent.startsWith('1Mount Everest - Wikipedia') && lines[0].textContent.includes('en.wikipedia.org') && /2025/.test(lines[0].textContent), lines[0].textContent);
  list.open = true;
  const openedBefore2 = opened().length;
  lines[1].click();
  await sleep(20);
  check('sources list: a click opens that source in the browser', opened().slice(openedBefore2).join(' ') === 'https://www.britannica.com/place/Mount-Everest' && location.pathname.endsWith('selftest.html'), opened().slice(openedBefore2));

  // Copy gives the markdown; Copy with sources adds "[n]: title — url" lines.
  let copied = null;
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text) => { copied = text; } } });
  turn.querySelector('[data-testid="copy-answer"]').click();
  await until(() => copied !== null);
  const answerText = mock.history.conversations.get(current()[0].dataset.id).messages.get(turn.dataset.messageId).content;
  check('copy: the markdown only', copied === answerText.trim(), copied?.slice(-60));
  copied = null;
  turn.querySelector('[data-testid="copy-with-sources"]').click();
  await until(() => copied !== null);
  const expectedSources = [
    '[1]: Mount Everest - Wikipedia — https://en.wikipedia.org/wiki/Mount_Everest',
    '[2]: Mount Everest | Height, Location, Map, Facts, Climbers, & Deaths | Britannica — https://www.britannica.com/place/Mount-Everest',
  ];
  check('copy with sources: markdown, a blank line, then [n]: title — url', copied?.startsWith(`${answerText.trim()}\n\n${expectedSources.join('\n')}\n[3]: `) && copied.split('\n').filter((l) => /^\[\d\]: /.test(l)).length === 5, copied?.slice(answerText.trim().length, answerText.trim().length + 200));

  // Keyboard: every control under the answer takes focus.
  const controls = [
    ...thumbs(turn), ...turn.querySelectorAll('[data-testid="related-question"]'), list.querySelector('summary'), ...lines,
    ...turn.querySelectorAll('.turn-footer button'),
  ];
  const unreachable = controls.filter((c) => {
    c.focus();
    return document.activeElement !== c;
  });
  check('keyboard: images, related questions, the sources list and Copy/Copy with sources/Regenerate take focus', unreachable.length === 0 && controls.length >= 14 && !!turn.querySelector('.turn-footer [data-testid="copy-with-sources"]'), unreachable.map((c) => c.outerHTML.slice(0, 60)));

  // A related question is asked next in the same conversation.
  const related = [...turn.querySelectorAll('[data-testid="related-question"]')];
  check('related: one button per question, as text', related.map((b) => b.textContent).join('|') === 'How tall is K2?|When was Everest first climbed?|Why do Everest height figures differ?', related.map((b) => b.textContent));
  const conversation = current()[0]?.dataset.id;
  const sendsBefore = sends().length;
  related[1].click();
  await sleep(10);
  const follow = sends().at(-1);
  check('related: a click sends the question as a follow-up after this answer', sends().length === sendsBefore + 1 && follow.question === 'When was Everest first climbed?' && follow.conversationId === conversation && follow.parentId === turn.dataset.messageId && questions().at(-1).textContent === 'When was Everest first climbed?', follow);
  check('related: disabled while the follow-up streams', related.every((b) => b.disabled));
  await settled();
  check('related: enabled again afterwards', related.every((b) => !b.disabled));

  // The saved conversation shows the same things.
  id('new-chat').click();
  await open(conversation);
  const stored = answers()[0];
  stored.querySelector('[data-testid="answer-gallery"]').scrollIntoView({ block: 'center' });
  await until(() => loaded(stored), 10000);
  check('saved: images, related questions and the sources list come back', stored.querySelectorAll('[data-testid="answer-gallery"] img[src^="data:image/"]').length === 2 && stored.querySelectorAll('[data-testid="related-question"]').length === 3 && stored.querySelectorAll('[data-testid="source-list-item"]').length === 5 && !!stored.querySelector('[data-testid="copy-with-sources"]'),
    [thumbs(stored).length, stored.querySelectorAll('[data-testid="related-question"]').length]);
  check('saved: the conversation is still one item', items().filter((i) => i.dataset.id === conversation).length === 1);

  // Hostile images and questions: nothing runs, nothing non-web is fetched or linked.
  const hostileFetches = fetched().length;
  await ask('Bad extras #hostile #extras');
  await settled();
  const bad = lastAnswer();
  bad.querySelector('[data-testid="answer-gallery"]')?.scrollIntoView({ block: 'center' });
  await until(() => loaded(bad), 10000);
  check('hostile extras: only the https image is fetched; its vbscript: page is not linked', fetched().slice(hostileFetches).join(' ') === 'https://images.example/fine.jpg' && thumbs(bad).length === 1 && thumbs(bad)[0].getAttribute('href') === 'https://images.example/fine.jpg', [fetched().slice(hostileFetches), thumbs(bad).map((a) => a.getAttribute('href'))]);
  const badRelated = [...bad.querySelectorAll('[data-testid="related-question"]')];
  check('hostile extras: related questions are text', badRelated.length === 2 && badRelated[0].textContent === '<img src=x onerror="window.__pwned=true">What now?' && !bad.querySelector('.related img'), badRelated.map((b) => b.innerHTML));
  check('hostile extras: non-web sources are not links in the list', [...bad.querySelectorAll('[data-testid="source-list-item"]')].every((l) => l.tagName === 'SPAN' ? !l.hasAttribute('href') : /^https:/.test(l.getAttribute('href'))));
  badRelated[1].click();
  await sleep(10);
  check('hostile extras: a javascript: "question" is just asked as text', sends().at(-1).question === 'javascript:window.__pwned=true');
  await settled();
  check('hostile extras: nothing executed, no non-web link or image', window.__pwned === undefined && !document.querySelector('[href^="javascript"], [href^="data:"], [href^="vbscript"], img[src^="http"], img[src^="javascript"]') && location.pathname.endsWith('selftest.html'));
}
