// End-to-end: the real window on real traffic. The local server's recorded mode serves the public
// recordings in tests/fixtures/real byte for byte, and each one must read in the window as it
// was recorded: every [n] linked to the recorded URL, the recorded total_cost to the digit, the
// model a preset resolved to. With the Sonar provider, the recorded retirement 403 must say so
// (never "the key") and its one action must answer the same question through the Agent API.
// Every recorded error names its real cause. A model that only /v1/models lists gets a dollar
// estimate and an answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { By } from 'selenium-webdriver';
import { ROOT, ask, byTestId, lastAnswerText, session, waitForIdle, waitUntil } from './support.mjs';

const REAL = join(ROOT, 'tests/fixtures/real');
const sidecar = (stem) => JSON.parse(readFileSync(join(REAL, `${stem}.source.json`), 'utf8'));

const run = session();
const dataDir = (settings) => run.dataDir(settings);
const start = (dir) => run.start(dir);

/** The newest answer's element. */
async function lastAnswer(driver) {
  const all = await driver.findElements(byTestId('message-assistant'));
  return all.at(-1);
}

/** What the newest answer shows: its cost, the model it resolved to, its citations' links, its banner. */
function shown(driver) {
  return driver.executeScript(`
    const answer = [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1);
    const cost = answer.querySelector('[data-testid="cost-actual"]');
    return {
      total: cost?.dataset.total ?? null,
      computed: cost?.dataset.computed ?? null,
      by: answer.querySelector('[data-testid="answered-by"]')?.textContent ?? null,
      citations: [...answer.querySelectorAll('[data-testid="citation"]')].map((a) => [Number(a.dataset.index), a.getAttribute('href')]),
      reasoning: answer.querySelector('[data-testid="reasoning"]')?.textContent ?? '',
      banner: answer.querySelector('[data-testid="error-banner"]')?.textContent ?? null,
      kind: answer.querySelector('[data-testid="error-banner"]')?.dataset.kind ?? null,
    };`);
}

/** Asks for the recording `stem` in a new chat and waits for the answer to end. */
async function askRecorded(driver, stem) {
  await driver.findElement(byTestId('new-chat')).click();
  await ask(driver, `Replay it #mock:recorded=${stem}`);
  await waitUntil(async () => (await driver.findElements(byTestId('message-assistant'))).length === 1, 10_000, 'the answer');
  await waitForIdle(driver, 30_000);
  return shown(driver);
}

/** The recorded Sonar stream's last `citations`: what `[n]` refers to (n - 1). */
function sonarCitations(stem) {
  const frames = readFileSync(join(REAL, `${stem}.sse`), 'utf8').split('\r\n\r\n').filter((f) => f.startsWith('data: '));
  return JSON.parse(frames.at(-1).slice(6)).citations;
}

test('every recorded Agent API answer reads as recorded: its links, its cost to the digit, the model that answered', async () => {
  const driver = await start(dataDir(null));
  for (const stem of ['agent_fast_web_search', 'agent_fast_stream', 'agent_fast_answer', 'agent_fast_web_search_answer', 'agent_fast_v1_agent']) {
    const expect = sidecar(stem).expect;
    const got = await askRecorded(driver, stem);
    assert.equal(got.banner, null, `${stem}: no error`);
    assert.equal(got.total, String(expect.total_cost), `${stem}: the recorded total_cost`);
    assert.equal(got.computed, 'false', `${stem}: Perplexity's own figure`);
    assert.equal(got.by, `fast → ${expect.model}`, `${stem}: the model the preset resolved to`);
    assert.ok(got.citations.length > 0, `${stem}: the answer cites`);
    for (const [n, url] of Object.entries(expect.citations ?? {})) {
      assert.ok(got.citations.some(([i, href]) => i === Number(n) && href === url), `${stem}: [${n}] → ${url}: ${JSON.stringify(got.citations)}`);
    }
    const text = await lastAnswerText(driver);
    if (expect.text_starts) assert.ok(text.startsWith(expect.text_starts.replaceAll('**', '')), `${stem}: ${text}`);
    assert.doesNotMatch(text, /\[\d+\]/, `${stem}: no raw [n] left`);
  }
});

test('every recorded Sonar stream reads as recorded through a Sonar gateway', async () => {
  const driver = await start(dataDir({ provider: 'sonar', sonarRetirementOffered: true }));
  for (const stem of ['sonar_citations_stream', 'sonar_count_stream', 'sonar_reasoning_think_2026-05', 'sonar_reasoning_2026-06']) {
    const expect = sidecar(stem).expect;
    const got = await askRecorded(driver, stem);
    assert.equal(got.banner, null, `${stem}: no error`);
    assert.equal(got.total, String(expect.total_cost), `${stem}: the recorded total_cost`);
    assert.equal(got.by, expect.model === 'sonar' ? null : `sonar → ${expect.model}`, stem);
    const citations = sonarCitations(stem);
    for (const [n, href] of got.citations) assert.equal(href, citations[n - 1], `${stem}: [${n}] is citations[${n - 1}]`);
    const text = await lastAnswerText(driver);
    assert.doesNotMatch(text, /<\/?think>/, `${stem}: the reasoning stays out of the answer`);
    if (expect.reasoning_starts) assert.ok(got.reasoning.includes(expect.reasoning_starts), `${stem}: the reasoning block`);
    if (expect.citations_from) assert.ok(got.citations.length >= 5, `${stem}: ${got.citations.length} citations linked`);
  }
});

test('every recorded error names its real cause in the window, in Perplexity\'s own words where it gave them', async () => {
  for (const [provider, stems] of [
    ['agent', ['agent_400_anthropic_max_output_tokens', 'agent_400_unknown_field', 'agent_401_invalid_api_key', 'models_401_no_key']],
    ['sonar', ['sonar_400_too_many_prompt_tokens', 'sonar_401_invalid_api_key', 'chat_completions_403_retired']],
  ]) {
    const driver = await start(dataDir({ provider, sonarRetirementOffered: true }));
    for (const stem of stems) {
      const { kind } = sidecar(stem).expect;
      const apiMessage = JSON.parse(readFileSync(join(REAL, `${stem}.json`), 'utf8')).error.message;
      const got = await askRecorded(driver, stem);
      assert.equal(got.kind, kind, `${stem}: ${got.banner}`);
      if (kind === 'bad_request') assert.ok(got.banner.includes(apiMessage), `${stem}: the API's words: ${got.banner}`);
      if (kind === 'auth') assert.match(got.banner, /rejected the API key/, stem);
      else assert.doesNotMatch(got.banner, /API key/, `${stem}: not blamed on the key`);
    }
  }
});

test('with Sonar, the recorded 403 says Sonar is retired, and one switch answers the same question through the Agent API', async () => {
  await run.mock.recorded(true);
  try {
    const dir = dataDir({ provider: 'sonar', defaultModels: { sonar: 'sonar' } });
    const driver = await start(dir);
    // A person whose saved provider is Sonar is offered the switch once at start-up.
    const notice = await driver.wait(async () => {
      const bars = await driver.findElements(byTestId('notice'));
      for (const bar of bars) if (/retired the Sonar API/.test(await bar.getText())) return bar;
      return null;
    }, 10_000, 'the start-up offer');
    assert.equal((await notice.findElements(byTestId('switch-to-agent'))).length, 1);

    const before = (await run.mock.requests()).length;
    await ask(driver, 'Find the official TypeScript website');
    await waitForIdle(driver, 20_000);
    const failed = await shown(driver);
    assert.equal(failed.kind, 'retired');
    assert.match(failed.banner, /Perplexity retired the Sonar API on 27 September 2026; Citewise now uses the Agent API/);
    assert.doesNotMatch(failed.banner, /API key|rejected the key/i, 'never the key');
    const [sonarRequest] = (await run.mock.requests()).slice(before);
    assert.equal(sonarRequest.path, '/chat/completions');

    await (await lastAnswer(driver)).findElement(By.css('[data-testid="error-banner"] [data-testid="switch-to-agent"]')).click();
    await waitUntil(async () => (await shown(driver)).total !== null, 20_000, 'the answer through the Agent API');
    await waitForIdle(driver, 20_000);
    const answered = await shown(driver);
    assert.equal(answered.banner, null);
    assert.equal(answered.total, String(sidecar('agent_fast_web_search').expect.total_cost));
    assert.ok(answered.citations.some(([n, href]) => n === 7 && href === 'https://www.typescriptlang.org/'));

    const agent = (await run.mock.requests()).slice(before).filter((r) => r.path === '/v1/agent');
    assert.equal(agent.length, 1, 'asked once more, through the Agent API');
    const body = JSON.parse(agent[0].body);
    assert.equal(body.model, 'perplexity/sonar', 'sonar became perplexity/sonar');
    assert.deepEqual(body.tools, [{ type: 'web_search' }], 'with web search');
    assert.equal(body.input.at(-1).content, 'Find the official TypeScript website', 'the same question');

    const saved = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    assert.equal(saved.provider, 'agent');
    assert.equal(saved.defaultModels.agent, 'perplexity/sonar');
    assert.equal(await driver.executeScript('return document.getElementById("model-picker").value'), 'perplexity/sonar');
    assert.match(await notice.getText(), /Switched to the Agent API; 1 conversation now uses its Agent API model/);
    assert.equal((await notice.findElements(byTestId('switch-to-agent'))).length, 0, 'the offer is done');
  } finally {
    await run.mock.recorded(false);
  }
});

test('the start-up offer comes once', async () => {
  const dir = dataDir({ provider: 'sonar' });
  let driver = await start(dir);
  const offers = async () => driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="notice"]\')].filter((n) => /retired the Sonar API/.test(n.textContent)).length');
  await waitUntil(async () => (await offers()) === 1, 10_000, 'the offer');
  driver = await start(dir);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await offers(), 0, 'not again at the next start');
  assert.equal(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).provider, 'sonar', 'and nothing was switched without asking');
});

test('a model only /v1/models lists gets a dollar estimate and an answer, with max_output_tokens sent', async () => {
  const driver = await start(dataDir(null));
  const model = 'anthropic/claude-haiku-4-5';
  await waitUntil(async () => driver.executeScript(`return !!document.querySelector('#model-picker option[value="${model}"]')`),
    15_000, 'the live model list');
  const label = await driver.executeScript(`return document.querySelector('#model-picker option[value="${model}"]').textContent`);
  assert.equal(label, `${model} ($1 / $5 per 1M)`, 'listed with its price');
  const group = await driver.executeScript(`return document.querySelector('#model-picker option[value="${model}"]').parentElement.label`);
  assert.equal(group, 'Anthropic');
  await driver.executeScript(`const s = document.getElementById('model-picker'); s.value = '${model}'; s.dispatchEvent(new Event('change'));`);
  await driver.findElement(byTestId('composer')).sendKeys('Which is the tallest mountain?');
  let line = '';
  await waitUntil(async () => /≈ \$[\d.]+.*claude-haiku-4-5/.test(line = await driver.executeScript('return document.querySelector(\'[data-testid="cost-estimate"]\').textContent.replace(/\\s+/g, " ").trim()')),
    10_000, 'a dollar estimate for the model').catch((err) => assert.fail(`${err.message}: "${line}"`));
  const before = (await run.mock.requests()).length;
  await driver.findElement(byTestId('send')).click();
  await waitForIdle(driver, 30_000);
  const got = await shown(driver);
  assert.equal(got.banner, null);
  assert.ok(got.total !== null, 'the answer has its cost');
  const sent = (await run.mock.requests()).slice(before).find((r) => r.path === '/v1/agent');
  const body = JSON.parse(sent.body);
  assert.equal(body.model, model);
  assert.equal(body.max_output_tokens, 8192, 'Anthropic models need max_output_tokens');
});

test('an answer cut at the length limit says so and Continue asks for the rest', async () => {
  const driver = await start(dataDir(null));
  await ask(driver, 'Write at length #mock:incomplete');
  await waitForIdle(driver, 30_000);
  const answer = await lastAnswer(driver);
  assert.match(await answer.getText(), /Stopped at the answer length limit/);
  const before = (await run.mock.requests()).length;
  await answer.findElement(byTestId('continue')).click();
  await waitUntil(async () => (await driver.findElements(byTestId('message-assistant'))).length === 2, 10_000, 'the follow-up');
  await waitForIdle(driver, 30_000);
  const [sent] = (await run.mock.requests()).slice(before);
  assert.equal(JSON.parse(sent.body).input.at(-1).content, 'Continue your previous answer exactly where it stopped.');
});

test('few requests left: the window says how many and when the count starts over', async () => {
  const driver = await start(dataDir(null));
  await ask(driver, 'Quick one #mock:ratelimitlow');
  await waitForIdle(driver, 30_000);
  await waitUntil(async () => /2 of 50 requests left for this key; the count starts over in \d+ s\./
    .test(await driver.executeScript('return document.getElementById("toasts").textContent')), 10_000, 'the warning');
});

test('web search off for a preset turns its tools off', async () => {
  const driver = await start(dataDir({ requestDefaults: { search: { enabled: false } } }));
  const before = (await run.mock.requests()).length;
  await ask(driver, 'No search please');
  await waitForIdle(driver, 30_000);
  const sent = (await run.mock.requests()).slice(before).find((r) => r.path === '/v1/agent');
  const body = JSON.parse(sent.body);
  assert.equal(body.preset, 'fast');
  assert.equal(body.max_tool_calls, 0);
  assert.equal(body.tools, undefined);
  assert.equal((await shown(driver)).citations.length, 0, 'no search, no sources');
});
