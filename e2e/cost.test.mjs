// End-to-end: honest cost in the real window against the local server — the estimate before
// sending, the API's own cost after, the conversation's and the month's totals (also after a
// restart), a conversation keeping its model and search options, and the monthly budget asking
// before a question that could go over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, Key } from 'selenium-webdriver';
import { KEY, ask, byTestId, openSettings, saveSettings, session, waitForIdle, waitUntil } from './support.mjs';
import { formatCost, formatShort } from '../ui/cost/cost-display.js';

const run = session();
/** A data folder whose settings.json holds `settings`. */
const dataDirWith = (settings) => run.dataDir(settings);
const start = (dir, env) => run.start(dir, env);

const text = (driver, id) => driver.executeScript(`return (document.querySelector('[data-testid="${id}"]')?.textContent ?? '').replace(/\\s+/g, ' ').trim()`);

/** The estimate line once it differs from `previous` and passes `ok`. */
async function estimate(driver, previous = '', ok = (line) => line.includes('$')) {
  let line = '';
  await waitUntil(async () => {
    line = await text(driver, 'cost-estimate');
    return line !== '' && line !== previous && ok(line);
  }, 10_000, `an estimate other than "${previous}"`);
  return line;
}

/** "≈ $0.0054 (up to $0.0091) · …" → [0.0054, 0.0091] */
function figures(line) {
  const m = line.match(/≈ \$([\d.]+)(?: \(up to \$([\d.]+)\))?/);
  assert.ok(m, `an estimate with dollars: ${line}`);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

const round6 = (x) => Math.round(x * 1e6) / 1e6;

/** Opens the first conversation of the sidebar once the list has loaded. */
async function openFirst(driver) {
  await waitUntil(async () => (await driver.findElements(byTestId('conversation-item'))).length > 0, 10_000, 'the sidebar');
  await driver.findElement(byTestId('conversation-item')).click();
}

async function pickModel(driver, id) {
  await driver.executeScript(`
    const select = document.querySelector('[data-testid="model-picker"]');
    select.value = arguments[0];
    select.dispatchEvent(new Event('change', { bubbles: true }));`, id);
}

test('the estimate shows dollars before sending and follows the model and the search switch', async () => {
  const driver = await start(dataDirWith({ provider: 'sonar' }));
  await driver.findElement(byTestId('composer')).sendKeys('How high is Mount Everest?');
  const sonar = await estimate(driver);
  assert.match(sonar, /^≈ \$0\.\d+ \(up to \$0\.\d+\) · sonar · web search on$/);
  const [typical, most] = figures(sonar);
  // sonar: $5 per 1,000 requests at low context, plus tokens at $1/M.
  assert.ok(typical > 0.005 && typical < 0.006 && most > typical, sonar);
  const tooltip = await driver.findElement(byTestId('cost-estimate')).getAttribute('title');
  assert.match(tooltip, /Request fee: \$0\.005 \(low search context\)/);
  assert.match(tooltip, /Prices: sonar: https:\/\/docs\.perplexity\.ai\/\S+ \(\d{4}-\d\d-\d\d\)/, 'the basis, with source and date');

  await pickModel(driver, 'sonar-pro');
  const pro = await estimate(driver, sonar);
  assert.match(pro, /· sonar-pro ·/);
  assert.ok(figures(pro)[1] > most, 'sonar-pro can cost more');

  await driver.findElement(byTestId('search-options')).click();
  await driver.findElement(byTestId('search-toggle')).click();
  const off = await estimate(driver, pro);
  assert.match(off, /web search off$/);
  assert.ok(figures(off)[0] < figures(pro)[0] - 0.005, 'no search, no request fee');

  await driver.findElement(byTestId('cost-estimate')).click();
  const rows = await driver.executeScript('return [...document.querySelectorAll(".estimate-table tbody th")].map((th) => th.firstChild.textContent)');
  assert.deepEqual(rows, ['Input', 'Answer', 'Total'], 'the breakdown, without a request fee');
});

test('each answer shows the cost the server reported; the conversation and month totals add them up, also after a restart', async () => {
  const dir = dataDirWith({ provider: 'agent' });
  let driver = await start(dir);
  const cited = await run.mock.fixture('cited');
  const slow = await run.mock.fixture('slow');

  await run.mock.scenario('cited');
  await ask(driver, 'How high is Mount Everest?');
  await waitForIdle(driver);
  await waitUntil(async () => (await driver.findElements(byTestId('cost-actual'))).length === 1, 10_000, 'the first cost');
  await run.mock.scenario('slow');
  await ask(driver, 'And how was it measured?');
  await waitForIdle(driver);
  await waitUntil(async () => (await driver.findElements(byTestId('cost-actual'))).length === 2, 10_000, 'the second cost');

  const actual = await driver.executeScript('return [...document.querySelectorAll(\'[data-testid="cost-actual"]\')].map((n) => [n.textContent, n.dataset.total, n.dataset.computed])');
  assert.deepEqual(actual.map(([, total]) => Number(total)), [cited.usage.total_cost, slow.usage.total_cost],
    'cost-actual is the server’s usage.cost.total_cost');
  for (const [shown, total, computed] of actual) {
    assert.ok(shown.endsWith(formatCost(Number(total))), `${shown} shows ${total} in full`);
    assert.equal(computed, 'false', 'reported by the API, not computed');
  }

  const sum = round6(cited.usage.total_cost + slow.usage.total_cost);
  const checkTotals = async () => {
    await waitUntil(async () => Number(await driver.executeScript('return document.querySelector(\'[data-testid="conversation-total"]\').dataset.total')) === sum,
      10_000, `the conversation total ${sum}`);
    assert.equal(await text(driver, 'conversation-total'), formatCost(sum));
    await waitUntil(async () => (await text(driver, 'spend-open')).includes(`${formatShort(sum)} this month`), 10_000, 'the month total');
    const tooltip = await driver.findElement(byTestId('spend-open')).getAttribute('title');
    assert.ok(tooltip.includes(`This month: ${formatCost(sum)} (2 answers)`), tooltip);
  };
  await checkTotals();

  driver = await start(dir);
  await waitUntil(async () => (await text(driver, 'spend-open')).includes(`${formatShort(sum)} this month`), 10_000, 'the month total after a restart');
  await openFirst(driver);
  await checkTotals();
});

test('a conversation keeps its model and search options; a new chat starts from the defaults', async () => {
  const dir = dataDirWith({ provider: 'sonar' });
  let driver = await start(dir);
  await pickModel(driver, 'sonar-pro');
  await driver.findElement(byTestId('search-options')).click();
  await driver.findElement(byTestId('search-domains')).sendKeys('wikipedia.org, -reddit.com', Key.ENTER);
  assert.equal(await text(driver, 'search-options'), 'Web search · 1 option');
  await driver.findElement(byTestId('search-toggle')).click();
  await driver.findElement(byTestId('search-options')).click();
  assert.equal(await text(driver, 'search-options'), 'Web search off');
  await run.mock.scenario('cited');
  await ask(driver, 'How high is Mount Everest?');
  await waitForIdle(driver);
  const sent = JSON.parse((await run.mock.requests()).filter((r) => r.path === '/chat/completions').at(-1).body);
  assert.equal(sent.model, 'sonar-pro');
  assert.equal(sent.disable_search, true);
  assert.deepEqual(sent.search_domain_filter, ['wikipedia.org', '-reddit.com']);

  await driver.findElement(byTestId('new-chat')).click();
  const picker = () => driver.executeScript('return document.querySelector(\'[data-testid="model-picker"]\').value');
  await waitUntil(async () => (await picker()) === 'sonar', 5_000, 'the default model in a new chat');
  assert.equal(await text(driver, 'search-options'), 'Web search', 'the default search options');

  for (const restarted of [false, true]) {
    if (restarted) driver = await start(dir);
    await openFirst(driver);
    await waitUntil(async () => (await picker()) === 'sonar-pro', 10_000, `the conversation's model${restarted ? ' after a restart' : ''}`);
    assert.equal(await text(driver, 'search-options'), 'Web search off');
  }
  // Changing it without asking anything is remembered too.
  await pickModel(driver, 'sonar');
  driver = await start(dir);
  await openFirst(driver);
  await waitUntil(async () => (await picker()) === 'sonar', 10_000, 'the model picked before the restart');
});

test('with a monthly budget, a question (or a Regenerate) that could go over it asks first; Esc keeps it, Send anyway sends', async () => {
  const driver = await start(dataDirWith({ provider: 'agent', monthlyBudget: 0.001 }));
  await waitUntil(async () => (await text(driver, 'spend-open')).includes('of $0.001'), 10_000, 'the budget in the sidebar');
  const before = (await run.mock.requests()).filter((r) => r.path === '/v1/agent').length;
  await run.mock.scenario('cited');
  await ask(driver, 'How high is Mount Everest?');
  const warning = await driver.findElement(byTestId('budget-warning'));
  await waitUntil(() => warning.isDisplayed(), 10_000, 'the budget question');
  assert.match(await warning.getText(), /could cost up to \$0\.\d+\. Only \$0\.001 of your \$0\.001 monthly budget is left/);
  await driver.actions().sendKeys(Key.ESCAPE).perform();
  await waitUntil(async () => !(await warning.isDisplayed()), 5_000, 'the question to close');
  const box = await driver.findElement(byTestId('composer'));
  assert.equal(await box.getAttribute('value'), 'How high is Mount Everest?', 'the question stays in the box');
  assert.equal((await run.mock.requests()).filter((r) => r.path === '/v1/agent').length, before, 'nothing was sent');

  await box.sendKeys(Key.ENTER);
  await waitUntil(() => warning.isDisplayed(), 10_000, 'the budget question again');
  await driver.findElement(byTestId('budget-send-anyway')).click();
  await waitForIdle(driver);
  await waitUntil(async () => (await driver.findElements(byTestId('cost-actual'))).length === 1, 10_000, 'the answer and its cost');
  assert.equal(await box.getAttribute('value'), '', 'the box is cleared once sent');
  await waitUntil(async () => (await text(driver, 'cost-estimate')).includes('over this month’s budget'), 10_000, 'the estimate to say the budget is spent');

  // Regenerate is a paid request too: over the budget it asks as well, and Don't send keeps the answer.
  const sentBefore = (await run.mock.requests()).filter((r) => r.path === '/v1/agent').length;
  await driver.findElement(byTestId('regenerate')).click();
  await waitUntil(() => warning.isDisplayed(), 10_000, 'the budget question before regenerating');
  assert.match(await warning.getText(), /You have spent \$0\.\d+ this month, over your \$0\.001 budget/);
  await driver.findElement(By.css('[data-testid="budget-warning"] [data-action="cancel"]')).click();
  await waitUntil(async () => !(await warning.isDisplayed()), 5_000, 'the question to close');
  assert.equal((await run.mock.requests()).filter((r) => r.path === '/v1/agent').length, sentBefore, 'nothing was sent');
  assert.equal((await driver.findElements(byTestId('cost-actual'))).length, 1, 'the answer is still there');
});

test('a price of your own makes an OpenAI-compatible model estimable, and its answers are costed from it (marked computed); the spending view lists them', async () => {
  const dir = dataDirWith({ provider: 'openai', addresses: { openai: run.mock.baseUrl }, defaultModels: { openai: 'gpt-4o-mini' } });
  // OPENAI_BASE_URL beside the key, as the OpenAI SDKs read it: the key goes only there.
  const driver = await start(dir, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: run.mock.baseUrl });
  await driver.findElement(byTestId('composer')).sendKeys('How high is Mount Everest?');
  const unknown = await estimate(driver, '', (line) => line.includes('~11 tokens'));
  assert.match(unknown, /^Unknown price · ~\d+ tokens in · gpt-4o-mini · no web search$/);

  await openSettings(driver);
  await driver.executeScript('document.getElementById("settings-cost").scrollIntoView()');
  await driver.findElement(byTestId('price-add')).click();
  await driver.findElement(byTestId('price-add-model')).sendKeys('gpt-4o-mini');
  const [input, output] = await driver.findElements(By.css('[data-testid="price-editor"] input[type="number"]'));
  await input.sendKeys('0.15');
  await output.sendKeys('0.6');
  await driver.findElement(byTestId('price-save')).click();
  await saveSettings(driver);
  const priced = await estimate(driver, unknown);
  assert.match(priced, /^≈ \$0\.\d+ \(up to \$0\.\d+\) · gpt-4o-mini · no web search$/);

  await run.mock.scenario('cited');
  await driver.findElement(byTestId('composer')).sendKeys(Key.ENTER);
  await waitForIdle(driver);
  await waitUntil(async () => (await driver.findElements(byTestId('cost-actual'))).length === 1, 10_000, 'the cost');
  const cost = await driver.findElement(byTestId('cost-actual'));
  const [, tokensIn, tokensOut] = (await cost.getAttribute('title')).replaceAll(',', '').match(/Input (\d+) tok · output (\d+) tok/);
  const expected = Math.round((Number(tokensIn) * 0.15 + Number(tokensOut) * 0.6) / 1e6 * 1e5) / 1e5;
  assert.equal(Number(await cost.getAttribute('data-total')), expected, 'tokens × your price');
  assert.equal(await cost.getAttribute('data-computed'), 'true');
  assert.ok((await text(driver, 'cost-actual')).endsWith(`≈ ${formatCost(expected)}`));

  await driver.findElement(byTestId('spend-open')).click();
  await waitUntil(async () => driver.executeScript('return document.getElementById("spend").open'), 5_000, 'the spending view');
  await waitUntil(async () => (await driver.findElements(byTestId('spend-model'))).length === 1, 10_000, 'a row by model');
  const row = await text(driver, 'spend-model');
  assert.ok(row.includes('gpt-4o-mini') && row.includes(formatCost(expected)), row);
  const days = await driver.findElements(byTestId('spend-day'));
  assert.ok(days.length >= new Date().getDate(), 'a bar for every day so far');
  assert.match(await text(driver, 'spend-computed'), /computed/);
});
