// End-to-end: the real Citewise window (tauri-driver + WebKitWebDriver under Xvfb) asking the
// local Perplexity-compatible server, as a person would.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, byTestId, lastAnswerText, session, waitForIdle, waitUntil, words, KEY } from './support.mjs';

const run = session();

before(() => run.start(run.dataDir()));

test('a cited answer streams in with every citation linked to its source', async () => {
  const { driver } = run.app;
  await run.mock.scenario('cited');
  const fixture = await run.mock.fixture('cited');
  await ask(driver, 'How high is Mount Everest?');

  await driver.wait(async () => (await driver.findElements(byTestId('message-assistant'))).length === 1, 10_000);
  await waitForIdle(driver);

  const shown = await lastAnswerText(driver);
  const expected = words(fixture.text);
  const seen = words(shown);
  assert.deepEqual(seen.filter((w) => expected.includes(w)), expected, 'every word of the answer, in order');
  assert.doesNotMatch(shown, /\[\d+\]/, 'no raw [n] marker once sources are known');

  const citations = await driver.findElements(byTestId('citation'));
  const markers = fixture.text.match(/\[\d+\]/g) ?? [];
  assert.ok(citations.length >= markers.length && markers.length > 0, `${citations.length} links for ${markers.length} markers`);
  for (const link of citations) {
    const index = Number(await link.getAttribute('data-index'));
    const source = fixture.sources.find((s) => s.id === index);
    assert.ok(source, `citation ${index} has a source`);
    assert.equal(await link.getAttribute('href'), source.url, `citation ${index} links to its source`);
  }

  const items = await driver.findElements(byTestId('source-item'));
  assert.equal(items.length, fixture.sources.length, 'one source card per source');

  const cost = await driver.findElement(byTestId('cost-actual')).getText();
  assert.match(cost, /\$0\.\d+/, 'the answer shows its cost');

  const sent = (await run.mock.requests()).filter((r) => r.path === '/v1/agent');
  assert.equal(sent.length, 1);
  assert.ok(sent[0].headers.some(([k, v]) => k === 'authorization' && v === `Bearer ${KEY}`));
  const body = JSON.parse(sent[0].body);
  assert.equal(body.input.at(-1).content, 'How high is Mount Everest?');
  assert.equal(body.stream, true);
});

test('Stop ends a slow answer mid-stream and keeps what arrived', async () => {
  const { driver } = run.app;
  await run.mock.scenario('slow');
  const fixture = await run.mock.fixture('slow');
  await ask(driver, 'Tell me slowly about Everest');

  const lengths = new Set();
  await waitUntil(async () => {
    const text = await lastAnswerText(driver);
    if (text.length > 0) lengths.add(text.length);
    return lengths.size >= 3;
  }, 20_000, 'the answer to grow over several frames');

  await driver.findElement(byTestId('stop')).click();
  await waitForIdle(driver, 5_000);
  await driver.findElement(byTestId('send'));

  const partial = await lastAnswerText(driver);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await lastAnswerText(driver), partial, 'nothing arrives after Stop');

  const partialWords = words(partial);
  const all = words(fixture.text);
  assert.ok(partialWords.length > 0 && partialWords.length < all.length, 'a partial answer is kept');
  assert.deepEqual(partialWords.slice(0, -1), all.slice(0, partialWords.length - 1), 'it is the start of the answer');
  assert.equal((await driver.findElements(byTestId('error-banner'))).length, 0, 'Stop is not an error');
});

test('a dropped connection keeps the partial answer and offers Retry', async () => {
  const { driver } = run.app;
  await run.mock.scenario('drop');
  await ask(driver, 'What if the connection drops?');
  const banner = await driver.wait(async () => (await driver.findElements(byTestId('error-banner')))[0], 15_000);
  assert.match(await banner.getText(), /connection dropped/i);
  assert.match(await banner.getText(), /partial answer is kept/i);
  assert.match(await banner.getText(), /Retry/);
  assert.ok((await lastAnswerText(driver)).length > 0, 'partial text stays above the banner');
});

test('a rejected key says so and points to Settings', async () => {
  const { driver } = run.app;
  await run.mock.scenario('auth401');
  await ask(driver, 'Is my key fine?');
  await driver.wait(async () => {
    const banners = await driver.findElements(byTestId('error-banner'));
    return banners.length > 0 && /rejected the API key/.test(await banners.at(-1).getText());
  }, 15_000);
  const banners = await driver.findElements(byTestId('error-banner'));
  assert.match(await banners.at(-1).getText(), /out of credits/);
  assert.match(await banners.at(-1).getText(), /Settings/);
});
