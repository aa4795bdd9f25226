// What the window makes of the real Perplexity API of today (tests/fixtures/real): the Sonar
// retirement and its one action, 403s that are not the key, every model of /v1/models grouped by
// vendor with its price, the preset a model resolved to, cache figures, answers' own costs as the
// estimate's typical figure, and the rate-limit warning.

import './dom.mjs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderErrorBanner } from '../../ui/chat/error-banner.js';
import { modelGroups, presetName, priceLabel } from '../../ui/settings/models.js';
import { renderAnsweredBy, renderCostActual } from '../../ui/cost/cost-display.js';
import { breakdownLines } from '../../ui/cost/send-estimate.js';
import { rateLimitWarning } from '../../ui/chat/rate-limit.js';
import { OFFER_TEXT, switchedText } from '../../ui/chat/sonar-retirement.js';

const real = (name) => new URL(`../../tests/fixtures/real/${name}`, import.meta.url);

test('the retirement 403 offers the switch, never the key', async () => {
  let switched = 0;
  let settings = 0;
  const banner = renderErrorBanner(
    { kind: 'retired', message: 'Perplexity retired the Sonar API on 27 September 2026; Citewise now uses the Agent API.' },
    { onRetry: () => {}, onOpenSettings: () => { settings += 1; }, onSwitchToAgent: async () => { switched += 1; } },
  );
  assert.match(banner.textContent, /retired the Sonar API/);
  assert.doesNotMatch(banner.textContent, /API key/, 'no word of a bad key');
  const button = banner.querySelector('[data-testid="switch-to-agent"]');
  assert.equal(button.textContent, 'Switch to the Agent API');
  assert.equal(banner.querySelectorAll('button').length, 1, 'one action');
  button.click();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(switched, 1);
  assert.equal(settings, 0);
  assert.equal(button.textContent, 'Switched');
});

test('a failed switch says why and can be tried again', async () => {
  const banner = renderErrorBanner({ kind: 'retired', message: 'm' }, {
    onRetry: () => {}, onOpenSettings: () => {}, onSwitchToAgent: async () => { throw new Error('the settings file is read-only'); },
  });
  const button = banner.querySelector('button');
  button.click();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(button.disabled, false);
  assert.match(banner.textContent, /did not happen: the settings file is read-only/);
});

test('another 403 shows Perplexity’s own reason', () => {
  const banner = renderErrorBanner({ kind: 'forbidden', message: 'Perplexity refused access (HTTP 403): Model not available in your region' },
    { onRetry: () => {}, onOpenSettings: () => {} });
  assert.match(banner.textContent, /Model not available in your region/);
  assert.match(banner.textContent, /Perplexity’s own reason/);
  assert.doesNotMatch(banner.querySelector('.error-what').textContent, /API key/);
});

test('the start-up offer and its outcome read plainly', () => {
  assert.match(OFFER_TEXT, /retired the Sonar API on 27 September 2026/);
  assert.equal(switchedText({ conversations: 0 }), 'Switched to the Agent API.');
  assert.equal(switchedText({ conversations: 1 }), 'Switched to the Agent API; 1 conversation now uses its Agent API model.');
  assert.equal(switchedText({ conversations: 3 }), 'Switched to the Agent API; 3 conversations now use their Agent API models.');
});

test('every model of the recorded /v1/models is listed under its vendor with its price', () => {
  const body = JSON.parse(readFileSync(real('models_2026-10-09.json'), 'utf8'));
  const details = body.data.map((m) => ({ id: m.id, vendor: m.owned_by, pricing: { input: m.pricing.input, output: m.pricing.output } }));
  const groups = modelGroups('agent', { presets: ['fast', 'low', 'medium', 'high', 'xhigh'], models: details.map((d) => d.id), details, source: 'live', error: null });
  assert.deepEqual(groups.map((g) => g.group), ['Presets', 'Perplexity', 'Anthropic', 'Google', 'OpenAI', 'xAI']);
  const listed = groups.slice(1).flatMap((g) => g.models);
  assert.equal(listed.length, 52);
  const haiku = listed.find((m) => m.id === 'anthropic/claude-haiku-4-5');
  assert.equal(haiku.label, 'anthropic/claude-haiku-4-5 ($1 / $5 per 1M)');
  const presets = Object.fromEntries(groups[0].models.map((m) => [m.id, m.label]));
  assert.equal(presets.medium, 'medium — deep research', 'medium IS deep research');
  assert.equal(presets.high, 'high — advanced deep research');
  assert.equal(presets.low, 'low — pro search');
  assert.equal(presetName('deep-research'), 'medium');
  assert.equal(presetName('perplexity/sonar'), null);
  assert.equal(priceLabel(undefined), '');
});

test('an answer shows the model its preset resolved to, and its cache figures', () => {
  const usage = {
    inputTokens: 3007, outputTokens: 37, totalTokens: 3044, reasoningTokens: 0, searches: 1,
    cacheReadTokens: 3004, cacheCreationTokens: 0, model: 'openai/gpt-6-luna',
    cost: { total: 0.00105, currency: 'USD', inputCost: 0, outputCost: 0.00002, requestCost: 0.001, cacheReadCost: 0.00003, cacheCreationCost: null, computed: false },
  };
  const [by] = renderAnsweredBy('fast', usage);
  assert.equal(by.textContent, 'fast → openai/gpt-6-luna');
  assert.deepEqual(renderAnsweredBy('openai/gpt-6-luna', usage), [], 'nothing when the model asked answered');
  assert.deepEqual(renderAnsweredBy('fast', { ...usage, model: null }), []);
  const cost = renderCostActual(usage).querySelector('[data-testid="cost-actual"]');
  assert.equal(cost.dataset.total, '0.00105');
  assert.match(cost.title, /3,004 tok of the input read from the cache/);
  assert.match(cost.title, /cache reads \$0\.00003/);
  assert.match(cost.title, /as reported by the API/);
});

test('recent answers make the typical figure, and the breakdown says so', () => {
  const lines = breakdownLines({
    model: 'fast', known: true, currency: 'USD', inputTokens: 30, earlierMessages: 0, typical: 0.00125, max: 0.0086,
    parts: [{ kind: 'input', typicalUnits: 30, maxUnits: 30, unit: 'tokens', typical: 0.000003, max: 0.000006, note: 'the question' }],
    basis: ['openai/gpt-6-luna: Perplexity /v1/models, fetched 2026-12-07'],
    preset: null,
    learned: { answers: 3, median: 0.00125, low: 0.00105, high: 0.00264 },
  });
  assert.ok(lines.includes('Typical from your last 3 answers with fast: $0.00125, the median of what Perplexity charged (they cost $0.00105 to $0.00264).'), lines.join('\n'));
  assert.ok(lines.includes('Prices: openai/gpt-6-luna: Perplexity /v1/models, fetched 2026-12-07'));
});

test('the rate-limit warning comes only when few requests are left', () => {
  assert.equal(rateLimitWarning({ limit: 50, remaining: 49, resetSeconds: 60 }), null);
  assert.equal(rateLimitWarning({ limit: 50, remaining: 6, resetSeconds: 60 }), null);
  assert.equal(rateLimitWarning({ limit: 50, remaining: 2, resetSeconds: 40 }), '2 of 50 requests left for this key; the count starts over in 40 s.');
  assert.equal(rateLimitWarning({ limit: 1, remaining: 0, resetSeconds: 0.4 }), 'Perplexity will take no more requests from this key for now; the count starts over in 1 s.', 'as recorded on 2026-09-21');
  assert.equal(rateLimitWarning({ limit: null, remaining: 1, resetSeconds: null }), '1 request left for this key.');
  assert.equal(rateLimitWarning({ limit: 50, remaining: 5, resetSeconds: 600 }), '5 of 50 requests left for this key; the count starts over in 10 min.');
  assert.equal(rateLimitWarning(null), null);
});
