// End-to-end, keyboard only, in the real window: a new chat, a question, a source opened in the
// system browser, the shortcuts sheet and Settings, the last question edited and the last answer
// copied, all with keys sent through WebDriver's key actions (never an element click). The page
// counts every pointer or mouse event the system delivers (isTrusted): there must be none.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Key } from 'selenium-webdriver';
import { byTestId, session, waitForIdle, waitUntil } from './support.mjs';

const run = session();
let xdg;

before(async () => {
  xdg = run.fakeXdgOpen();
  const driver = await run.start(run.dataDir(), xdg.env);
  await driver.executeScript(`
    window.__pointerEvents = 0;
    for (const type of ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'click', 'auxclick', 'contextmenu']) {
      document.addEventListener(type, (e) => { if (e.isTrusted && (type !== 'click' || e.detail > 0)) window.__pointerEvents += 1; }, true);
    }`);
});

const opened = () => xdg.opened();

/** Presses keys as a person would, into whatever has focus. */
async function keys(driver, ...sequence) {
  const actions = driver.actions({ async: true });
  for (const k of sequence) {
    if (Array.isArray(k)) {
      const [mods, key] = [k.slice(0, -1), k.at(-1)];
      for (const m of mods) actions.keyDown(m);
      actions.sendKeys(key);
      for (const m of [...mods].reverse()) actions.keyUp(m);
    } else {
      actions.sendKeys(k);
    }
  }
  await actions.perform();
}

const focused = (driver) => driver.executeScript(`
  const a = document.activeElement;
  return a ? (a.dataset.testid ?? a.id ?? a.tagName) : null;`);

test('keyboard only: new chat → ask → open a source → shortcuts → Settings', async () => {
  const { driver } = run.app;
  const fixture = await run.mock.fixture('cited');
  await run.mock.scenario('cited');

  // New chat; the composer has focus and takes the question.
  await keys(driver, [Key.CONTROL, 'n']);
  assert.equal(await focused(driver), 'composer');
  await keys(driver, 'How high is Mount Everest?', Key.ENTER);
  await waitUntil(async () => (await driver.findElements(byTestId('message-assistant'))).length === 1, 10_000, 'the answer');
  await waitForIdle(driver);

  // Shift+Tab back from the composer into the answer, to its first citation; Enter opens it.
  let at = null;
  for (let i = 0; i < 80 && at !== 'citation'; i += 1) {
    await keys(driver, [Key.SHIFT, Key.TAB]);
    at = await focused(driver);
  }
  assert.equal(at, 'citation', 'a citation is reachable with Tab');
  const index = Number(await driver.executeScript('return document.activeElement.dataset.index'));
  const before = opened().length;
  await keys(driver, Key.ENTER);
  await waitUntil(async () => opened().length > before, 5_000, 'xdg-open to be called');
  assert.deepEqual(opened().slice(before), [fixture.sources.find((s) => s.id === index).url]);

  // The shortcuts sheet: Ctrl+/ opens it with focus inside, Esc closes it and focus comes back.
  await keys(driver, [Key.CONTROL, '/']);
  await waitUntil(async () => driver.executeScript('return document.querySelector("#shortcuts").open'), 5_000, 'the shortcuts sheet');
  assert.match(await driver.findElement(byTestId('shortcuts')).getText(), /Copy the last answer/);
  await keys(driver, Key.ESCAPE);
  await waitUntil(async () => !(await driver.executeScript('return document.querySelector("#shortcuts").open')), 5_000, 'the sheet to close');
  assert.equal(await focused(driver), 'citation', 'focus is back where it was');

  // Settings with Ctrl+,: focus lands inside; Tab moves through it; Esc closes it.
  await keys(driver, [Key.CONTROL, ',']);
  await waitUntil(async () => driver.executeScript('return document.querySelector("#settings").open'), 5_000, 'Settings');
  assert.ok(await driver.executeScript('return document.querySelector("#settings").contains(document.activeElement)'));
  await keys(driver, Key.TAB, Key.TAB);
  assert.ok(await driver.executeScript('return document.querySelector("#settings").contains(document.activeElement)'), 'Tab stays in the sheet');
  await keys(driver, Key.ESCAPE);
  await waitUntil(async () => !(await driver.executeScript('return document.querySelector("#settings").open')), 5_000, 'Settings to close');

  assert.equal(await driver.executeScript('return window.__pointerEvents'), 0, 'no pointer or mouse event was delivered');
});

test('keyboard only: ↑ edits the last question, Ctrl+Shift+C copies the last answer', async () => {
  const { driver } = run.app;
  // Tab on from the citation (where focus came back to) to the composer, which is empty.
  for (let i = 0; i < 80 && (await focused(driver)) !== 'composer'; i += 1) await keys(driver, Key.TAB);
  assert.equal(await focused(driver), 'composer');
  await keys(driver, Key.ARROW_UP);
  await waitUntil(async () => (await driver.findElements(byTestId('edit-input'))).length === 1, 5_000, 'the editor');
  assert.equal(await focused(driver), 'edit-input');
  assert.equal(await driver.executeScript('return document.activeElement.value'), 'How high is Mount Everest?');
  await keys(driver, Key.ESCAPE);
  await waitUntil(async () => (await driver.findElements(byTestId('edit-input'))).length === 0, 5_000, 'the editor to close');

  await keys(driver, [Key.CONTROL, Key.SHIFT, 'c']);
  await waitUntil(async () => /Copied/.test(await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="copy-answer"]\')].at(-1).textContent')), 5_000, '"Copied"');
  assert.equal(await driver.findElement({ css: '#announcer' }).getAttribute('textContent'), 'Answer copied.');
  assert.equal(await driver.executeScript('return window.__pointerEvents'), 0, 'no pointer or mouse event was delivered');
});
