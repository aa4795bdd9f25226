// End-to-end: the Settings sheet of the real Citewise window against the local server —
// switching provider and model, the choice surviving a restart, and a damaged settings file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { By, Key } from 'selenium-webdriver';
import {
  ask, byTestId, lastAnswerText, openSettings, saveSettings, session, settingsOpen, waitForIdle, waitUntil, words,
} from './support.mjs';

const run = session();

const active = (driver) => driver.executeScript('return document.activeElement?.dataset.testid ?? document.activeElement?.id ?? ""');

/** The picker's provider and groups, as "Group: id id | Group: id". */
async function picker(driver) {
  return driver.executeScript(`
    const select = document.querySelector('[data-testid="model-picker"]');
    return {
      provider: select.dataset.provider ?? '',
      value: select.value,
      groups: [...select.querySelectorAll('optgroup')].map((g) => g.label + ': ' + [...g.children].map((o) => o.value).join(' ')).join(' | '),
    };`);
}

test('Tab stays inside Settings; Esc closes it and focus goes back to the Settings button', async () => {
  const driver = await run.start(run.dataDir());
  await openSettings(driver);
  assert.equal(await settingsOpen(driver), true);
  await driver.executeScript('document.querySelector(\'[data-testid="settings-save"]\').focus()');
  await driver.actions().sendKeys(Key.TAB).perform();
  assert.equal(await driver.executeScript('return document.activeElement.getAttribute("aria-label")'), 'Close settings',
    'Tab from Save wraps to the first control of the sheet');
  await driver.actions().keyDown(Key.SHIFT).sendKeys(Key.TAB).keyUp(Key.SHIFT).perform();
  assert.equal(await active(driver), 'settings-save', 'Shift+Tab wraps back');
  await driver.actions().sendKeys(Key.ESCAPE).perform();
  await waitUntil(async () => !(await settingsOpen(driver)), 5_000, 'the sheet to close');
  assert.equal(await active(driver), 'settings-open');
});

test('switching to Sonar with sonar-pro sends there, and the cited answer renders', async () => {
  const { driver } = run.app;
  await waitUntil(async () => (await picker(driver)).groups.startsWith('Presets:'), 10_000, 'the Agent model list');
  await openSettings(driver);
  await driver.findElement(By.css('[data-testid="settings-provider"] input[value="sonar"]')).click();
  await driver.findElement(By.css('#settings-model option[value="sonar-pro"]')).click();
  assert.equal(await driver.findElement(By.css('#settings-model')).getAttribute('value'), 'sonar-pro');
  await saveSettings(driver);
  await waitUntil(async () => (await picker(driver)).provider === 'sonar', 10_000, 'the picker to follow the provider');
  const shown = await picker(driver);
  assert.equal(shown.groups, 'Sonar models: sonar sonar-pro sonar-reasoning-pro sonar-deep-research');
  assert.equal(shown.value, 'sonar-pro', 'the new default is preselected');
  assert.equal(await active(driver), 'settings-open', 'focus is back on the Settings button');

  await run.mock.scenario('cited');
  const fixture = await run.mock.fixture('cited');
  await ask(driver, 'How high is Mount Everest?');
  await driver.wait(async () => (await driver.findElements(byTestId('message-assistant'))).length === 1, 10_000);
  await waitForIdle(driver);

  const sent = (await run.mock.requests()).filter((r) => r.path === '/chat/completions');
  assert.equal(sent.length, 1, 'one Sonar request');
  assert.match(sent[0].body, /"model":\s*"sonar-pro"/);
  assert.equal(JSON.parse(sent[0].body).messages.at(-1).content, 'How high is Mount Everest?');
  assert.equal((await run.mock.requests()).filter((r) => r.path === '/v1/agent').length, 0, 'nothing went to the Agent API');

  const text = await lastAnswerText(driver);
  const expected = words(fixture.text);
  assert.deepEqual(words(text).filter((w) => expected.includes(w)), expected, 'every word of the answer, in order');
  assert.doesNotMatch(text, /\[\d+\]/, 'no raw [n] marker once sources are known');
  const citations = await driver.findElements(byTestId('citation'));
  assert.ok(citations.length > 0, 'citations are linked');
  for (const link of citations) {
    const index = Number(await link.getAttribute('data-index'));
    const source = fixture.sources.find((s) => s.id === index);
    assert.ok(source, `citation ${index} has a source`);
    assert.equal(await link.getAttribute('href'), source.url, `citation ${index} links to its source`);
  }
  assert.equal((await driver.findElements(byTestId('source-item'))).length, fixture.sources.length, 'one card per source');
});

test('the provider and model survive a restart on the same data folder', async () => {
  const { dataDir } = run.app;
  await run.stop();
  const stored = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
  assert.equal(stored.provider, 'sonar');
  assert.equal(stored.defaultModels.sonar, 'sonar-pro');
  assert.equal(stored.defaultSonarModel, undefined, 'the key of earlier versions is not written');

  const driver = await run.start(dataDir);
  await waitUntil(async () => (await picker(driver)).groups.startsWith('Sonar models:'), 10_000, 'the Sonar model list');
  assert.equal((await picker(driver)).value, 'sonar-pro');
  await openSettings(driver);
  const provider = await driver.findElement(byTestId('settings-provider'));
  assert.equal(await provider.getAttribute('data-value'), 'sonar');
  assert.equal(await driver.findElement(By.css('input[name="provider"][value="sonar"]')).isSelected(), true);
  assert.equal(await driver.findElement(By.css('#settings-model')).getAttribute('value'), 'sonar-pro');
  await driver.findElement(By.css('#settings [data-close]')).click();
  assert.equal((await driver.findElements(byTestId('notice'))).length, 0, 'no notice on a healthy start');
});

test('a damaged settings file is moved aside, the app starts on defaults and says so', async () => {
  await run.stop();
  const dataDir = run.dataDir();
  writeFileSync(join(dataDir, 'settings.json'), '{"provider": "sonar", \u0000 this is not json');

  const driver = await run.start(dataDir);
  const notice = await driver.wait(async () => (await driver.findElements(byTestId('notice')))[0], 10_000);
  // getText is empty while the bar is still fading in.
  await waitUntil(async () => /settings file was damaged/i.test(await notice.getText()), 5_000, 'the notice text');
  assert.equal(await notice.getAttribute('role'), 'status');

  await waitUntil(async () => (await picker(driver)).groups.startsWith('Presets:'), 10_000, 'the Agent model list');
  assert.equal((await picker(driver)).value, 'fast');
  await openSettings(driver);
  assert.equal(await driver.findElement(byTestId('settings-provider')).getAttribute('data-value'), 'agent');
  await driver.actions().sendKeys(Key.ESCAPE).perform();
  await waitUntil(async () => !(await settingsOpen(driver)), 5_000, 'the sheet to close');

  const aside = readdirSync(dataDir).filter((name) => /^settings\.corrupt-.+\.json$/.test(name));
  assert.equal(aside.length, 1, `the damaged file is kept aside (${readdirSync(dataDir).join(', ')})`);
  assert.match(readFileSync(join(dataDir, aside[0]), 'utf8'), /this is not json/);

  await notice.findElement(By.css('button')).click();
  assert.equal((await driver.findElements(byTestId('notice'))).length, 0, 'the notice can be dismissed');
});
