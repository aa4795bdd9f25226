// The price table of Settings → Cost: shipped rows with the person's own prices over them, how
// the numbers read, what an edited row, a new model id and the monthly budget must be, and the
// section itself in a DOM (edit, reset, add, and what Save would store).

import './dom.mjs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  PRICE_FIELDS, amountsError, budgetText, feesText, fieldsOf, formatRate, localDate, mergePrices, modelIdError,
  parseAmount, parseBudget, samePrices, withField,
} from '../../ui/cost/price-table.js';
import { bindCostSettings } from '../../ui/cost/cost-settings.js';

const SONAR = {
  model: 'sonar', provider: 'sonar', inputPerMillion: 1, outputPerMillion: 1,
  requestFeePerThousand: { low: 5, medium: 8, high: 12 }, source: 'https://docs.perplexity.ai/getting-started/pricing', asOf: '2026-09-01',
};
const AGENT = {
  model: 'perplexity/sonar', provider: 'agent', inputPerMillion: 0.25, outputPerMillion: 2.5, cacheReadPerMillion: 0.0625,
  source: 'https://docs.perplexity.ai/docs/agent-api/pricing', asOf: '2026-10-15',
};
const DEEP = {
  model: 'sonar-deep-research', provider: 'sonar', inputPerMillion: 2, outputPerMillion: 8, citationPerMillion: 2,
  reasoningPerMillion: 3, searchPerThousand: 5, source: 'https://docs.perplexity.ai/getting-started/pricing', asOf: '2026-09-01',
};
const SHIPPED = [SONAR, AGENT, DEEP];
const field = (key) => PRICE_FIELDS.find((f) => f.key === key);

test('an override replaces the shipped row in place; a new model comes after the shipped ones', () => {
  const own = { ...SONAR, inputPerMillion: 1.2, source: 'Your price', asOf: '2026-11-20' };
  const added = { model: 'gpt-4o-mini', provider: 'openai', inputPerMillion: 0.15, outputPerMillion: 0.6, source: 'Your price', asOf: '2026-11-21' };
  const rows = mergePrices(SHIPPED, [added, own]);
  assert.deepEqual(rows.map((r) => r.price.model), ['sonar', 'perplexity/sonar', 'sonar-deep-research', 'gpt-4o-mini']);
  assert.equal(rows[0].price, own);
  assert.equal(rows[0].shipped, SONAR);
  assert.equal(rows[0].overridden, true);
  assert.equal(rows[1].overridden, false);
  assert.deepEqual([rows[3].shipped, rows[3].overridden], [null, true]);
});

test('a second override of the same model is ignored, as the backend refuses it anyway', () => {
  const first = { ...SONAR, inputPerMillion: 2 };
  const rows = mergePrices(SHIPPED, [first, { ...SONAR, inputPerMillion: 3 }]);
  assert.equal(rows.length, 3);
  assert.equal(rows[0].price.inputPerMillion, 2);
});

test('no shipped table still shows the person’s own rows', () => {
  const rows = mergePrices([], [{ ...SONAR }]);
  assert.deepEqual(rows.map((r) => [r.price.model, r.shipped, r.overridden]), [['sonar', null, true]]);
});

test('rates read as dollars: whole bare, cents with two digits, small ones in full', () => {
  assert.equal(formatRate(15), '$15');
  assert.equal(formatRate(2.5), '$2.50');
  assert.equal(formatRate(0.25), '$0.25');
  assert.equal(formatRate(0.0625), '$0.0625');
  assert.equal(formatRate(0.001), '$0.001');
  assert.equal(formatRate(0.0025), '$0.0025');
  assert.equal(formatRate(Number.NaN), '—');
});

test('per-request and per-search fees, compactly and in full', () => {
  assert.deepEqual(feesText(SONAR).short, ['$5 / $8 / $12 per 1K requests']);
  assert.match(feesText(SONAR).long, /low \$5, medium \$8, high \$12/);
  assert.deepEqual(feesText(DEEP).short, ['$5 per 1K searches', 'citations $2, reasoning $3\u00a0/1M']);
  assert.deepEqual(feesText(AGENT).short, ['cache reads $0.0625\u00a0/1M']);
  assert.deepEqual(feesText({ ...AGENT, cacheReadPerMillion: undefined }).short, []);
});

test('a row’s editable fields: input and output always, the others when it has them', () => {
  assert.deepEqual(fieldsOf(SONAR).map((f) => f.key), [
    'inputPerMillion', 'outputPerMillion', 'requestFeePerThousand.low', 'requestFeePerThousand.medium', 'requestFeePerThousand.high',
  ]);
  assert.deepEqual(fieldsOf(DEEP).map((f) => f.key), [
    'inputPerMillion', 'outputPerMillion', 'searchPerThousand', 'citationPerMillion', 'reasoningPerMillion',
  ]);
  assert.deepEqual(fieldsOf({}).map((f) => f.key), ['inputPerMillion', 'outputPerMillion']);
});

test('setting a nested field copies, never changes the shipped row', () => {
  const next = withField(SONAR, 'requestFeePerThousand.medium', 9);
  assert.equal(next.requestFeePerThousand.medium, 9);
  assert.equal(SONAR.requestFeePerThousand.medium, 8);
  assert.equal(next.requestFeePerThousand.low, 5);
  assert.equal(withField(SONAR, 'inputPerMillion', 2).inputPerMillion, 2);
});

test('typed amounts: empty is missing, a dollar sign is fine, words are not numbers', () => {
  assert.equal(parseAmount(''), null);
  assert.equal(parseAmount('  '), null);
  assert.equal(parseAmount('$1.5'), 1.5);
  assert.equal(parseAmount(' .25 '), 0.25);
  assert.equal(parseAmount('0'), 0);
  assert.ok(Number.isNaN(parseAmount('abc')));
  assert.ok(Number.isNaN(parseAmount('1,5')));
  assert.ok(Number.isNaN(parseAmount('2', true)));
});

test('amounts: the message names the model and the price, in the backend’s words', () => {
  const input = field('inputPerMillion');
  const low = field('requestFeePerThousand.low');
  assert.equal(amountsError('sonar', [{ field: input, value: 1 }, { field: low, value: 0 }]), null);
  assert.deepEqual(amountsError('sonar', [{ field: input, value: 1 }, { field: low, value: -1 }]), {
    field: low, message: 'Price for sonar: the low context fee must be a number of dollars, 0 or more.',
  });
  assert.equal(amountsError('sonar', [{ field: input, value: null }])?.message, 'Price for sonar: the input price must be a number of dollars, 0 or more.');
  assert.equal(amountsError('x', [{ field: input, value: Number.NaN }])?.field, input);
  assert.equal(amountsError('x', [{ field: input, value: Infinity }])?.field, input);
});

test('a new model id must be given, one word, and not priced already', () => {
  const rows = mergePrices(SHIPPED, []);
  assert.equal(modelIdError('', rows), 'A price needs a model id.');
  assert.match(modelIdError('gpt 4o', rows), /has spaces in it/);
  assert.equal(modelIdError('sonar', rows), 'sonar already has a price; use Edit on its row to change it.');
  assert.equal(modelIdError('gpt-4o-mini', rows), null);
});

test('same prices ignores source and date but not a changed fee or provider', () => {
  assert.ok(samePrices(SONAR, { ...SONAR, source: 'Your price', asOf: '2026-11-22' }));
  assert.ok(!samePrices(SONAR, withField(SONAR, 'requestFeePerThousand.high', 13)));
  assert.ok(!samePrices(SONAR, { ...SONAR, provider: 'agent' }));
});

test('the monthly budget: empty is none, more than $0, kept as typed', () => {
  assert.deepEqual(parseBudget(''), { value: null });
  assert.deepEqual(parseBudget('20'), { value: 20 });
  assert.deepEqual(parseBudget('$12.5'), { value: 12.5 });
  assert.deepEqual(parseBudget('0.001'), { value: 0.001 });
  assert.deepEqual(parseBudget('0'), { error: 'The monthly budget must be more than $0 (leave it empty for no budget).' });
  assert.deepEqual(parseBudget('-5'), { error: 'The monthly budget must be more than $0 (leave it empty for no budget).' });
  assert.match(/** @type {any} */ (parseBudget('lots')).error, /must be an amount in dollars/);
  assert.equal(budgetText(20), '20');
  assert.equal(budgetText(12.5), '12.50');
  assert.equal(budgetText(0.001), '0.001', 'a tiny budget is not shown as 0.00');
  assert.equal(budgetText(null), '');
});

test('today as YYYY-MM-DD in local time', () => {
  assert.equal(localDate(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
});

/** The Cost section of ui/index.html, bound, in a form inside a dialog as in the app. */
function costSection() {
  const html = readFileSync(new URL('../../ui/index.html', import.meta.url), 'utf8');
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const dialog = document.createElement('dialog');
  const form = document.createElement('form');
  form.append(document.importNode(/** @type {Element} */ (doc.querySelector('#settings-cost')), true));
  dialog.append(form);
  document.body.replaceChildren(dialog);
  const section = /** @type {HTMLElement} */ (form.firstElementChild);
  const cost = bindCostSettings(section, { now: () => new Date(2026, 10, 22) });
  const rowOf = (model) => [...section.querySelectorAll('[data-testid="price-row"]')].find((r) => r.dataset.model === model);
  const type = (input, value) => {
    input.value = value;
    input.dispatchEvent(new window.Event('input', { bubbles: true }));
  };
  return { section, cost, rowOf, type };
}

const TABLE = { currency: 'USD', models: SHIPPED, tools: { webSearchPerCall: 0.0025, fastSearchPerCall: 0.001, fetchUrlPerCall: 0.0005, source: 'https://docs.perplexity.ai/docs/agent-api/pricing', asOf: '2026-10-15' }, presets: [{ preset: 'medium', models: ['perplexity/sonar', 'openai/gpt-5.4'], description: '' }] };

test('the section: edit a row, reset it, add a model, and read what Save stores', () => {
  const { section, cost, rowOf, type } = costSection();
  cost.fill({ priceOverrides: [], monthlyBudget: 12.5 }, TABLE);
  assert.equal(section.querySelectorAll('[data-testid="price-row"]').length, 3);
  assert.equal(/** @type {HTMLInputElement} */ (section.querySelector('[data-testid="settings-budget"]')).value, '12.50');
  assert.match(section.querySelector('[data-testid="price-presets"]').textContent, /medium\s*perplexity\/sonar to openai\/gpt-5\.4/);
  assert.match(section.querySelector('[data-testid="price-tools"]').textContent, /web search \$0\.0025 \(fast search \$0\.001\), fetch_url \$0\.0005/);

  rowOf('sonar').querySelector('[data-testid="price-edit"]').click();
  const inputs = [...section.querySelectorAll('.price-editor input')];
  assert.deepEqual(inputs.map((i) => i.getAttribute('aria-label')), [
    'sonar: Input per 1M tokens', 'sonar: Output per 1M tokens', 'sonar: Requests per 1K, low context',
    'sonar: Requests per 1K, medium context', 'sonar: Requests per 1K, high context',
  ]);
  type(inputs[2], '-1');
  section.querySelector('[data-testid="price-save"]').click();
  assert.equal(section.querySelector('.price-edit-error').textContent, 'Price for sonar: the low context fee must be a number of dollars, 0 or more.');
  assert.equal(inputs[2].getAttribute('aria-invalid'), 'true');
  type(inputs[2], '6');
  type(inputs[0], '1.5');
  section.querySelector('[data-testid="price-save"]').click();
  assert.equal(section.querySelector('.price-editor'), null);
  assert.equal(rowOf('sonar').querySelector('td.num').textContent, '$1.50');
  assert.ok(rowOf('sonar').querySelector('[data-testid="price-own"]').title.startsWith('Shipped price: Input $1, output $1'));
  let read = /** @type {any} */ (cost.read());
  assert.deepEqual(read.value.priceOverrides, [{
    ...SONAR, inputPerMillion: 1.5, requestFeePerThousand: { low: 6, medium: 8, high: 12 }, source: 'Your price', asOf: '2026-11-22',
  }]);
  assert.equal(read.value.monthlyBudget, 12.5);

  rowOf('sonar').querySelector('[data-testid="price-reset"]').click();
  assert.equal(rowOf('sonar').querySelector('[data-testid="price-own"]'), null);
  assert.equal(document.activeElement, rowOf('sonar').querySelector('[data-testid="price-edit"]'));

  section.querySelector('[data-testid="price-add"]').click();
  type(section.querySelector('[data-testid="price-add-model"]'), 'sonar');
  section.querySelector('[data-testid="price-save"]').click();
  assert.equal(section.querySelector('.price-edit-error').textContent, 'sonar already has a price; use Edit on its row to change it.');
  type(section.querySelector('[data-testid="price-add-model"]'), 'gpt-4o-mini');
  const [, , input, output] = section.querySelectorAll('.price-editor input, .price-editor select');
  type(input, '0.15');
  type(output, '0.6');
  section.querySelector('[data-testid="price-save"]').click();
  assert.ok(rowOf('gpt-4o-mini'));
  read = /** @type {any} */ (cost.read());
  assert.deepEqual(read.value.priceOverrides, [
    { model: 'gpt-4o-mini', provider: 'openai', inputPerMillion: 0.15, outputPerMillion: 0.6, source: 'Your price', asOf: '2026-11-22' },
  ]);
});

test('the section: Save applies a row still open, or says what is wrong with it', () => {
  const { section, cost, rowOf, type } = costSection();
  const own = { ...AGENT, inputPerMillion: 0.3, source: 'Your price', asOf: '2026-11-01', futureField: 'kept' };
  cost.fill({ priceOverrides: [own], monthlyBudget: null }, TABLE);
  rowOf('perplexity/sonar').querySelector('[data-testid="price-edit"]').click();
  const inputs = [...section.querySelectorAll('.price-editor input')];
  assert.equal(inputs.length, 3, 'input, output and cache reads');
  type(inputs[1], '');
  const bad = /** @type {any} */ (cost.read());
  assert.equal(bad.error.message, 'Price for perplexity/sonar: the output price must be a number of dollars, 0 or more.');
  assert.equal(bad.error.field, inputs[1]);
  type(inputs[1], '3');
  const good = /** @type {any} */ (cost.read());
  assert.deepEqual(good.value, {
    priceOverrides: [{ ...own, outputPerMillion: 3, asOf: '2026-11-22' }],
    monthlyBudget: null,
  });
  assert.equal(good.value.priceOverrides[0].futureField, 'kept');
});

test('the section: back to the shipped numbers means no price of one’s own', () => {
  const { section, cost, rowOf, type } = costSection();
  cost.fill({ priceOverrides: [{ ...SONAR, inputPerMillion: 9, source: 'Your price' }], monthlyBudget: null }, TABLE);
  rowOf('sonar').querySelector('[data-testid="price-edit"]').click();
  type(section.querySelector('.price-editor input'), '1');
  section.querySelector('[data-testid="price-save"]').click();
  assert.deepEqual(/** @type {any} */ (cost.read()).value.priceOverrides, []);
});

test('the section: backend messages point at the row, the budget, or nothing of cost', () => {
  const { section, cost, rowOf } = costSection();
  cost.fill({ priceOverrides: [], monthlyBudget: null }, TABLE);
  assert.equal(cost.fieldFor('Price for sonar: the input price must be a number of dollars, 0 or more.'), rowOf('sonar').querySelector('[data-testid="price-edit"]'));
  assert.equal(cost.fieldFor('The monthly budget must be more than $0 (leave it empty for no budget).'), section.querySelector('[data-testid="settings-budget"]'));
  assert.equal(cost.fieldFor('A price needs a model id.'), section.querySelector('[data-testid="price-add"]'));
  assert.equal(cost.fieldFor('Choose a default model.'), undefined);
});

test('the section: hostile model ids stay text', () => {
  const { section, cost } = costSection();
  const evil = '<img src=x onerror="globalThis.__pwned=1">';
  cost.fill({ priceOverrides: [{ model: evil, provider: 'openai', inputPerMillion: 1, outputPerMillion: 1, source: 'javascript:alert(1)', asOf: '' }], monthlyBudget: null }, TABLE);
  assert.equal(section.querySelector('img'), null);
  assert.equal(section.querySelector('[href^="javascript"]'), null);
  assert.ok(section.textContent.includes(evil));
});
