// End-to-end: research that outlives the window. A deep research answer runs in the background on
// the server; the app is killed with SIGKILL mid-run and started again, and the answer completes
// from the same run (its id) with the final text and cost; Cancel in the window reaches the
// server; an ordinary answer whose stream drops is resumed with every word exactly once; a run
// that ends while the window is not in front is announced on the session's D-Bus, and clicking
// the notification opens the answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ask, byTestId, lastAnswerText, session, shownText, waitForIdle, waitUntil, words } from './support.mjs';
import { fakeNotifications } from './support/notifications.mjs';
import { windowElsewhere } from './support/elsewhere.mjs';

const run = session();
let fixture;
let notifications;

before(async () => {
  const mock = await run.ready();
  fixture = await mock.fixture('cited');
  // A deep run takes about three minutes of the server's time: here about six seconds.
  await mock.clock(30);
  notifications = await fakeNotifications();
});

after(() => notifications?.stop());

/** Chooses `model` in the conversation's model picker, as a person would. */
async function pick(driver, model) {
  await waitUntil(async () => driver.executeScript(
    `return !!document.querySelector('[data-testid="model-picker"] option[value="${model}"]')`), 15_000, `${model} in the picker`);
  await driver.executeScript(`
    const select = document.querySelector('[data-testid="model-picker"]');
    select.value = arguments[0];
    select.dispatchEvent(new Event('change', { bubbles: true }));`, model);
}

const lastAnswer = async (driver) => (await driver.findElements(byTestId('message-assistant'))).at(-1);

const serverRuns = () => run.mock.runs();

test('a deep research answer started before SIGKILL finishes after the restart, from the same run', async () => {
  const dataDir = run.dataDir();
  await run.mock.scenario('cited');
  await run.start(dataDir);
  let { driver } = run.app;
  await pick(driver, 'medium');
  const option = await driver.findElement(byTestId('run-in-background'));
  assert.equal(await option.isSelected(), true, 'deep research always runs in the background');
  await ask(driver, 'What changed in solid-state batteries this decade?');
  await waitUntil(async () => (await driver.findElements(byTestId('research-progress'))).length > 0, 15_000, 'the research progress');
  const progress = await shownText(driver, 'research-progress');
  assert.match(progress, /Waiting for Perplexity|Researching/, progress);
  // The run's id is saved with the answer as soon as the server gives it; then the app dies.
  await waitUntil(async () => (await serverRuns()).length === 1, 10_000, 'the run on the server');
  const [started] = await serverRuns();
  assert.notEqual(started.status, 'completed', 'killed mid-run');
  await run.app.kill();
  await run.stop();

  await run.start(dataDir);
  ({ driver } = run.app);
  const item = await driver.findElement(byTestId('conversation-item'));
  await item.click();
  await waitUntil(async () => words(await lastAnswerText(driver)).length === words(fixture.text).length
    && (await driver.findElements(byTestId('research-progress'))).length === 0, 30_000, 'the answer completed after the restart');
  assert.deepEqual(words(await lastAnswerText(driver)), words(fixture.text), 'the final text, every word once');
  const turn = await lastAnswer(driver);
  const cost = await turn.findElement(byTestId('cost-actual'));
  assert.match(await cost.getText(), new RegExp(String(fixture.usage.total_cost).replace('.', '\\.')), 'the run\'s own cost');
  const requests = await run.mock.requests();
  assert.equal(requests.filter((r) => r.method === 'POST' && r.path === '/v1/agent').length, 1, 'asked once: picked up by its id');
  assert.ok(requests.some((r) => r.method === 'GET' && r.path.startsWith(`/v1/agent/${started.id}`)), 'followed by the same id');
  assert.equal((await serverRuns())[0].status, 'completed');
  await run.stop();
});

test('Cancel in the window cancels the run on the server', async () => {
  await run.mock.scenario('research');
  await run.start(run.dataDir());
  const { driver } = run.app;
  const option = await driver.findElement(byTestId('run-in-background'));
  if (!(await option.isSelected())) await option.click();
  await ask(driver, 'A long question to cancel');
  await waitUntil(async () => (await driver.findElements(byTestId('research-cancel'))).length > 0, 15_000, 'the Cancel button');
  await waitUntil(async () => (await serverRuns()).some((r) => r.status === 'in_progress'), 15_000, 'the run working');
  // The answer's turn is drawn again when its receipt arrives: find the button as it is now.
  await waitUntil(async () => {
    try {
      await driver.findElement(byTestId('research-cancel')).click();
      return true;
    } catch (err) {
      if (err.name === 'StaleElementReferenceError' || /was not found/.test(err.message)) return false;
      throw err;
    }
  }, 5_000, 'a click on Cancel');
  await waitUntil(async () => (await serverRuns()).some((r) => r.status === 'cancelled'), 10_000, 'the run cancelled on the server');
  const cancelled = (await serverRuns()).find((r) => r.status === 'cancelled');
  assert.equal(cancelled.cancelRequests, 1, 'one cancel request');
  await waitUntil(async () => (await driver.findElements(byTestId('research-progress'))).length === 0, 10_000, 'the progress gone');
  const text = await driver.executeScript('return arguments[0].innerText', await lastAnswer(driver));
  assert.match(text, /cancel|stopped/i, 'the answer says it was cancelled');
  await run.stop();
});

test('a dropped answer stream is resumed, every word exactly once', async () => {
  await run.mock.scenario('dropresume');
  await run.start(run.dataDir());
  const { driver } = run.app;
  await ask(driver, 'How high is Mount Everest?');
  await waitForIdle(driver);
  assert.deepEqual(words(await lastAnswerText(driver)), words(fixture.text));
  const resumed = (await run.mock.requests()).filter((r) => r.path.includes('starting_after='));
  assert.equal(resumed.length, 1, 'resumed once after its last event');
  const text = await driver.executeScript('return arguments[0].innerText', await lastAnswer(driver));
  assert.doesNotMatch(text, /interrupted/i);
  await run.stop();
});

test('a run that ends out of sight is announced, and the notification opens its answer', async () => {
  await run.mock.scenario('research');
  await run.start(run.dataDir());
  const { driver } = run.app;
  const option = await driver.findElement(byTestId('run-in-background'));
  if (!(await option.isSelected())) await option.click();
  await ask(driver, 'Research to be told about');
  await waitUntil(async () => (await driver.findElements(byTestId('research-progress'))).length > 0, 15_000, 'the research progress');
  // Meanwhile the person is in another app, and Citewise shows another chat.
  await driver.findElement(byTestId('new-chat')).click();
  const other = await windowElsewhere();
  try {
    await waitUntil(async () => notifications.shown.length > 0, 30_000, 'a notification');
  } finally {
    await other.close();
  }
  const note = notifications.shown.at(-1);
  assert.equal(note.summary, 'Research finished');
  assert.equal(note.body, 'Research to be told about');
  assert.ok(note.actions.includes('default'), 'a click opens it');
  // The server has the notification a moment before the app listens for its click (notify-rust
  // waits for the action once the Notify call has returned): a click in between is lost, as it
  // would be for a person that fast. Click until the app has taken one, at most three times.
  const opened = async () => words(await lastAnswerText(driver)).length === words(fixture.text).length;
  for (let attempt = 1; ; attempt += 1) {
    notifications.click(note.id);
    try {
      await waitUntil(opened, 3_000, 'the answer opened');
      break;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
  const question = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="message-user"]\')].map((n) => n.innerText).join("|")');
  assert.match(question, /Research to be told about/);
  await run.stop();
});
