// End-to-end: what leaves the real Citewise window. A fake `xdg-open` first on the app's PATH
// writes down every URL the app hands to the system browser, so the tests see exactly what a
// click opens: a citation, a source card, a line of the sources list, an image, a link in the
// answer — and that a hostile answer runs nothing and never gets a non-web URL that far. The app
// talks Sonar with images and related questions turned on (a settings file written before the
// start), so the answer also brings images (fetched by the backend, shown as data: URLs) and
// related questions (a click asks a follow-up in the same conversation).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { By } from 'selenium-webdriver';
import { ask, byTestId, session, waitForIdle, waitUntil } from './support.mjs';

const run = session();
let xdg;

before(async () => {
  xdg = run.fakeXdgOpen();
  // A settings file as an earlier version wrote it (defaultSonarModel, before the maps): read as is.
  const dir = run.dataDir({
    provider: 'sonar',
    defaultSonarModel: 'sonar',
    requestDefaults: { images: true, relatedQuestions: true },
  });
  await run.start(dir, xdg.env);
});

/** Every URL the fake xdg-open was given so far, in order. */
const opened = () => xdg.opened();

/** Clicks `element` as a person would and returns what reached the system browser because of it. */
async function clickAndSeeOpened(driver, element, { expectOpen = true } = {}) {
  const before = opened().length;
  await driver.executeScript('arguments[0].scrollIntoView({block: "center"})', element);
  await element.click();
  if (expectOpen) await waitUntil(async () => opened().length > before, 5_000, 'xdg-open to be called');
  // Anything more (a second open of the same click) would come within this time.
  await new Promise((r) => setTimeout(r, 600));
  return opened().slice(before);
}

const appUrl = async (driver) => /^(tauri:\/\/localhost|https?:\/\/tauri\.localhost)/.test(await driver.getCurrentUrl());

async function lastAnswer(driver) {
  const answers = await driver.findElements(byTestId('message-assistant'));
  return answers.at(-1);
}

async function askAndWait(driver, scenario, question) {
  await run.mock.scenario(scenario);
  const before = (await driver.findElements(byTestId('message-assistant'))).length;
  await ask(driver, question);
  await waitUntil(async () => (await driver.findElements(byTestId('message-assistant'))).length > before, 10_000, 'the answer');
  await waitForIdle(driver);
  return lastAnswer(driver);
}

test('a citation opens exactly its source in the system browser, once', async () => {
  const { driver } = run.app;
  const fixture = await run.mock.fixture('cited');
  const answer = await askAndWait(driver, 'cited', 'How high is Mount Everest?');
  const citation = await answer.findElement(By.css('[data-testid="citation"][data-index="2"]'));
  const urls = await clickAndSeeOpened(driver, citation);
  assert.deepEqual(urls, [fixture.sources.find((s) => s.id === 2).url]);
  assert.ok(await appUrl(driver), 'the window stays on the app');
});

test('a source card and a line of the sources list under the answer open their source', async () => {
  const { driver } = run.app;
  const fixture = await run.mock.fixture('cited');
  const answer = await lastAnswer(driver);
  const card = await answer.findElement(By.css('[data-testid="source-item"][data-index="1"]'));
  assert.deepEqual(await clickAndSeeOpened(driver, card), [fixture.sources[0].url]);

  const list = await answer.findElement(byTestId('source-list'));
  await list.findElement(By.css('summary')).click();
  const lines = await answer.findElements(byTestId('source-list-item'));
  assert.equal(lines.length, fixture.sources.length, 'one line per source');
  assert.match(await lines[3].getText(), new RegExp(fixture.sources[3].title.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.deepEqual(await clickAndSeeOpened(driver, lines[3]), [fixture.sources[3].url]);
  assert.ok(await appUrl(driver));
});

test('images arrive as data: URLs fetched by the backend; the refused ones are left out', async () => {
  const { driver } = run.app;
  const fixture = await run.mock.fixture('cited');
  const answer = await lastAnswer(driver);
  const gallery = await answer.findElement(byTestId('answer-gallery'));
  await driver.executeScript('arguments[0].scrollIntoView({block: "center"})', gallery);
  await waitUntil(async () => (await answer.findElements(By.css('.gallery-cell.is-loading'))).length === 0
    && (await answer.findElements(By.css('[data-testid="answer-image"] img'))).length > 0, 15_000, 'the images to load');
  const sources = await driver.executeScript(
    'return [...arguments[0].querySelectorAll(\'[data-testid="answer-image"] img\')].map((i) => [i.getAttribute("src").slice(0, 22), i.naturalWidth])',
    answer,
  );
  // Three real pictures; the HTML page calling itself a PNG and the 6 MB one are refused.
  assert.equal(fixture.images.length, 5);
  assert.deepEqual(sources, [['data:image/png;base64,', 192], ['data:image/png;base64,', 192], ['data:image/png;base64,', 192]]);
  // Besides those, only the app's own files (the About dialog's mark), never another origin.
  const remote = await driver.executeScript(`return [...document.images].map((i) => i.src)
    .filter((s) => !s.startsWith('data:') && !s.startsWith(location.protocol + '//' + location.host + '/'))`);
  assert.deepEqual(remote, [], 'no image in the window is loaded from anywhere else');

  const first = await answer.findElement(byTestId('answer-image'));
  assert.deepEqual(await clickAndSeeOpened(driver, first), [fixture.images[0].origin_url], 'a click opens the page the image came from');
});

test('a related question asks a follow-up in the same conversation', async () => {
  const { driver } = run.app;
  const fixture = await run.mock.fixture('cited');
  const answer = await lastAnswer(driver);
  const related = await answer.findElements(byTestId('related-question'));
  assert.deepEqual(await Promise.all(related.map((b) => b.getText())), fixture.related);
  const sent = async () => (await run.mock.requests()).filter((r) => r.path === '/chat/completions');
  const before = (await sent()).length;
  await driver.executeScript('arguments[0].scrollIntoView({block: "center"})', related[1]);
  await related[1].click();
  await waitUntil(async () => (await sent()).length > before, 10_000, 'the follow-up request');
  await waitForIdle(driver);
  const body = JSON.parse((await sent()).at(-1).body);
  assert.equal(body.messages.at(-1).content, fixture.related[1], 'the question, as it was shown');
  assert.deepEqual(body.messages.map((m) => m.role).filter((r) => r !== 'system'), ['user', 'assistant', 'user'], 'after the first exchange');
  assert.equal(body.messages[body.messages.findIndex((m) => m.role === 'user')].content, 'How high is Mount Everest?');
  assert.equal(body.return_images, true);
  const questions = await driver.findElements(byTestId('message-user'));
  assert.equal(await questions.at(-1).getText(), fixture.related[1]);
  assert.equal((await driver.findElements(byTestId('conversation-item'))).length, 1, 'still one conversation');
});

test('a hostile answer runs nothing and never hands a non-web URL to the system browser', async () => {
  const { driver } = run.app;
  const fixture = await run.mock.fixture('hostile');
  const answer = await askAndWait(driver, 'hostile', 'Show me something nasty');
  assert.equal(await driver.executeScript('return typeof window.__pwned'), 'undefined', 'no payload ran');
  assert.ok(await appUrl(driver));

  // Titles, snippets and related questions are text, whatever markup they carry.
  const related = await answer.findElements(byTestId('related-question'));
  assert.deepEqual(await Promise.all(related.map((b) => b.getText())), fixture.related);
  assert.equal((await answer.findElements(By.css('.related img, .source-list img, .answer-sources img, .assistant-content img'))).length, 0);
  assert.equal((await answer.findElements(By.css('script, iframe, [onerror], [onclick], [onmouseover], [onload]'))).length, 0);
  const bad = await driver.findElements(By.css('[href^="javascript"], [href^="data:"], [href^="vbscript"], [src^="javascript"]'));
  assert.equal(bad.length, 0, 'no non-web link or source anywhere');

  // The safe link in the text opens, exactly.
  const safe = await answer.findElement(By.css('[data-testid="assistant-content"] a[href="https://example.org/articles/safe-page"]'));
  assert.deepEqual(await clickAndSeeOpened(driver, safe), ['https://example.org/articles/safe-page']);

  // Everything else a person could click: nothing but web URLs ever leaves.
  const list = await answer.findElement(byTestId('source-list'));
  await list.findElement(By.css('summary')).click();
  const before = opened().length;
  const targets = await answer.findElements(By.css([
    '[data-testid="citation"]', '[data-testid="source-item"]', '[data-testid="source-list-item"]',
    '[data-testid="answer-image"]', '[data-testid="assistant-content"] a', '[data-testid="assistant-content"] .link-inert',
  ].join(', ')));
  assert.ok(targets.length >= 10, `${targets.length} things to click`);
  for (const target of targets) {
    await driver.executeScript('arguments[0].scrollIntoView({block: "center"})', target);
    await target.click().catch(() => driver.executeScript('arguments[0].click()', target));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const leaked = opened().slice(before);
  assert.ok(leaked.every((url) => /^https?:\/\//.test(url)), `only web URLs reach xdg-open: ${JSON.stringify(leaked)}`);
  assert.ok(leaked.includes('https://example.org/articles/safe-page'), 'the safe source opened');
  assert.equal(await driver.executeScript('return typeof window.__pwned'), 'undefined', 'still nothing ran');
  assert.ok(await appUrl(driver), 'and the window is still the app');
});
