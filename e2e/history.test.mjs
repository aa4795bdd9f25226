// End-to-end: saved history in the real window — conversations survive a restart, search finds
// words of an answer and opens it, a Markdown export's footnotes are the answer's sources, and an
// answer cut off by SIGKILL comes back marked interrupted with Retry.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Key } from 'selenium-webdriver';
import { ask, byTestId, lastAnswerText, session, waitForIdle, waitUntil, words, KEY } from './support.mjs';

const run = session();
let fixture;

before(async () => {
  fixture = await (await run.ready()).fixture('cited');
});

/** A data folder and an export folder that outlive app restarts; removed at the end. */
const folders = () => ({ dataDir: run.dataDir(), exportDir: run.tempDir('citewise-export-') });

/** (Re)starts the app on the folders; resolves with it (driver, kill, close). */
async function launch({ dataDir, exportDir }) {
  await run.start(dataDir, { CITEWISE_EXPORT_DIR: exportDir });
  return run.app;
}

const count = async (driver, id) => (await driver.findElements(byTestId(id))).length;

async function titles(driver) {
  const items = await driver.findElements(byTestId('conversation-item'));
  return Promise.all(items.map((item) => driver.executeScript('return arguments[0].innerText', item)));
}

/** Clicks the sidebar item whose text includes `title` and waits for its answer to show. */
async function openConversation(driver, title) {
  await waitUntil(async () => (await titles(driver)).some((t) => t.includes(title)), 15_000, `“${title}” in the sidebar`);
  for (const item of await driver.findElements(byTestId('conversation-item'))) {
    if ((await driver.executeScript('return arguments[0].innerText', item)).includes(title)) {
      await item.click();
      break;
    }
  }
  await waitUntil(async () => {
    const asked = await driver.findElements(byTestId('message-user'));
    if (asked.length === 0) return false;
    return (await driver.executeScript('return arguments[0].innerText', asked[0])).includes(title.slice(0, 20));
  }, 15_000, `“${title}” to open`);
  await waitUntil(async () => (await count(driver, 'message-assistant')) > 0, 15_000, 'its answer');
}

test('two conversations survive a restart; search finds a word of an answer and opens it', async () => {
  const dirs = folders();
  let app = await launch(dirs);
  await run.mock.scenario('cited');
  await ask(app.driver, 'How high is Mount Everest?');
  await waitForIdle(app.driver);
  await app.driver.findElement(byTestId('new-chat')).click();
  await ask(app.driver, 'Who measured the summit in 2020?');
  await waitForIdle(app.driver);
  await waitUntil(async () => (await count(app.driver, 'conversation-item')) === 2, 10_000, 'two sidebar items');
  await app.close();

  app = await launch(dirs);
  const { driver } = app;
  await waitUntil(async () => (await count(driver, 'conversation-item')) === 2, 15_000, 'two conversations after the restart');
  const shown = await titles(driver);
  assert.match(shown[0], /Who measured the summit/, 'newest first');
  assert.match(shown[1], /How high is Mount Everest/);

  await openConversation(driver, 'How high is Mount Everest?');
  const expected = words(fixture.text);
  assert.deepEqual(words(await lastAnswerText(driver)).filter((w) => expected.includes(w)), expected, 'the whole answer came back');
  assert.equal((await driver.findElements(byTestId('citation'))).length > 0, true, 'with its citations linked');

  // Ctrl+K, a word that is only in the answers.
  await driver.findElement(byTestId('composer')).sendKeys(Key.chord(Key.CONTROL, 'k'));
  const input = await driver.wait(async () => (await driver.findElements(byTestId('search-input')))[0], 5_000);
  await waitUntil(async () => input.isDisplayed(), 5_000, 'the search box');
  await input.sendKeys('radar');
  await waitUntil(async () => (await count(driver, 'search-result')) >= 2, 10_000, 'a hit in each answer');
  const first = (await driver.findElements(byTestId('search-result')))[0];
  const marked = await driver.executeScript(
    'return [...arguments[0].querySelectorAll("mark")].map((m) => m.textContent.toLowerCase())', first);
  assert.ok(marked.includes('radar'), `the matched word is highlighted: ${marked}`);
  await input.sendKeys(Key.ENTER);
  await waitUntil(async () => (await count(driver, 'search-input')) === 0 || !(await input.isDisplayed()), 5_000, 'the search to close');
  await waitUntil(async () => words(await lastAnswerText(driver)).includes('radar'), 10_000, 'the answer with the hit');
});

test('a Markdown export has the answer with footnotes that are its sources, and no key', async () => {
  const dirs = folders();
  const app = await launch(dirs);
  const { driver } = app;
  await run.mock.scenario('cited');
  await ask(driver, 'How high is Mount Everest?');
  await waitForIdle(driver);

  await driver.findElement(byTestId('settings-open')).click();
  const button = await driver.wait(async () => (await driver.findElements(byTestId('export-all-markdown')))[0], 5_000);
  await driver.executeScript('arguments[0].scrollIntoView({block: "center"})', button);
  await button.click();
  const status = await driver.findElement(byTestId('data-status'));
  await waitUntil(async () => /\.md/.test(await status.getText()), 10_000, 'the export to be reported');

  const files = readdirSync(dirs.exportDir).filter((f) => f.endsWith('.md'));
  assert.equal(files.length, 1, `one Markdown file: ${files}`);
  assert.match(await status.getText(), new RegExp(files[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the path is shown');
  const md = readFileSync(join(dirs.exportDir, files[0]), 'utf8');
  assert.match(md, /^# How high is Mount Everest\?/);
  assert.match(md, /\*\*You\*\*/);

  // Footnote definitions: one per source, pointing at the source's URL.
  const definitions = new Map([...md.matchAll(/^\[\^([^\]]+)\]: \[[^\n]*\]\(<([^>]+)>\)/gm)].map((m) => [m[1], m[2]]));
  assert.deepEqual([...definitions.values()].sort(), fixture.sources.map((s) => s.url).sort());
  for (const source of fixture.sources) assert.equal(definitions.get(String(source.id)), source.url, `footnote ${source.id}`);
  // Every marker of the answer became a reference to a defined footnote.
  const body = md.split('\n').filter((line) => !/^\[\^[^\]]+\]: /.test(line)).join('\n');
  const references = [...body.matchAll(/\[\^([^\]]+)\]/g)].map((m) => m[1]);
  const markers = fixture.text.match(/\[\d+\]/g) ?? [];
  assert.equal(references.length, markers.length, 'one reference per [n] marker');
  for (const r of references) assert.ok(definitions.has(r), `reference ${r} is defined`);
  assert.doesNotMatch(body, /\[\d+\]/, 'no raw markers left');
  assert.match(md, /\$0\.\d+/, 'the answer says what it cost');

  for (const file of [join(dirs.exportDir, files[0]), join(dirs.dataDir, 'history.sqlite3')]) {
    assert.ok(!readFileSync(file).includes(KEY), `the key is not in ${file}`);
  }
});

test('an answer cut off by SIGKILL comes back interrupted, with Retry', async () => {
  const dirs = folders();
  let app = await launch(dirs);
  await run.mock.scenario('slow');
  await ask(app.driver, 'How high is Mount Everest, slowly?');
  await waitUntil(async () => words(await lastAnswerText(app.driver)).length >= 12, 20_000, 'part of the answer');
  await new Promise((r) => setTimeout(r, 1_500));
  const before = words(await lastAnswerText(app.driver));
  await app.kill();
  await app.close();

  app = await launch(dirs);
  const { driver } = app;
  await openConversation(driver, 'How high is Mount Everest, slowly?');
  const turn = (await driver.findElements(byTestId('message-assistant'))).at(-1);
  await waitUntil(async () => (await turn.getAttribute('data-state')) !== 'streaming', 5_000, 'a settled answer');
  const restored = words(await lastAnswerText(driver));
  const expected = words(fixture.text);
  // A checkpoint can fall inside a word (deltas are cut anywhere): the last word may be its start.
  const whole = restored.slice(0, -1);
  assert.deepEqual(whole, expected.slice(0, whole.length), 'the saved part is the start of the answer');
  assert.ok(expected[whole.length]?.startsWith(restored.at(-1)), `then the start of "${expected[whole.length]}": "${restored.at(-1)}"`);
  // At most about a second of text may be lost: the slow stream sends ~4 deltas (~8 words) a second.
  assert.ok(restored.length >= before.length - 15, `kept ${restored.length} of the ${before.length} words shown`);
  assert.ok(restored.length < expected.length, 'and it is not the whole answer');
  const text = await driver.executeScript('return arguments[0].innerText', turn);
  assert.match(text, /interrupted/i, 'it says it was interrupted');

  await run.mock.scenario('cited');
  const retry = await turn.findElement({ xpath: './/button[normalize-space(.)="Retry"]' });
  await retry.click();
  await waitUntil(async () => (await driver.findElements(byTestId('stop'))).length > 0
    || words(await lastAnswerText(driver)).length === expected.length, 10_000, 'the retry to start');
  await waitForIdle(driver);
  assert.deepEqual(words(await lastAnswerText(driver)).filter((w) => expected.includes(w)), expected, 'the answer, in full');
  const label = await driver.findElement(byTestId('version-label')).getText();
  assert.match(label, /2\s*\/\s*2/, 'the cut-off answer is kept as version 1 of 2');
  const sent = (await run.mock.requests()).filter((r) => r.path === '/v1/agent').at(-1);
  const body = JSON.parse(sent.body);
  assert.equal(body.input.length, 1, 'a retry sends the question alone, not the cut-off answer');
});
