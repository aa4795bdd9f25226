// The cost figures of the window: money formats, the estimate line and its breakdown, the budget
// question before sending, the search button's label and the local day/month starts.

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCost, formatEstimate, formatShort } from '../../ui/cost/cost-display.js';
import { bindEstimate, breakdownLines, summaryText } from '../../ui/cost/send-estimate.js';
import { completeOptions, searchLabel, servedBy } from '../../ui/chat/conversation-setup.js';
import { answersText, localStarts } from '../../ui/cost/spend-totals.js';

/** An estimate as the backend sends it for `sonar`. */
const SONAR = {
  model: 'sonar',
  known: true,
  currency: 'USD',
  inputTokens: 1000,
  earlierMessages: 2,
  typical: 0.0064,
  max: 0.010096,
  parts: [
    { kind: 'input', typicalUnits: 1000, maxUnits: 1000, unit: 'tokens', typical: 0.001, max: 0.001, note: 'the question and 2 earlier messages' },
    { kind: 'requestFee', typicalUnits: 1, maxUnits: 1, unit: 'requests', typical: 0.005, max: 0.005, note: 'low search context' },
    { kind: 'output', typicalUnits: 400, maxUnits: 4096, unit: 'tokens', typical: 0.0004, max: 0.004096, note: 'a typical to a long answer' },
  ],
  basis: ['sonar: https://docs.perplexity.ai/getting-started/pricing (2026-09-01)'],
  preset: null,
};

test('costs show every reported digit; estimates two significant figures', () => {
  assert.equal(formatCost(0.00501), '$0.00501');
  assert.equal(formatCost(0.005964), '$0.005964');
  assert.equal(formatCost(0.59962), '$0.59962');
  assert.equal(formatCost(0.1), '$0.10');
  assert.equal(formatCost(12.5), '$12.50');
  assert.equal(formatCost(0.01501000000001), '$0.01501', 'no float dust');
  assert.equal(formatEstimate(0.0061), '$0.0061');
  assert.equal(formatEstimate(0.01234), '$0.012');
  assert.equal(formatEstimate(0.099999), '$0.10');
  assert.equal(formatEstimate(0.00004), '$0.00004');
  assert.equal(formatEstimate(1.234), '$1.23');
  assert.equal(formatEstimate(0), '$0');
  assert.equal(formatShort(0.42), '$0.42');
  assert.equal(formatShort(0.007043), '$0.007');
  assert.equal(formatShort(0.123456), '$0.1235');
  assert.equal(formatShort(0), '$0.00');
  assert.equal(formatShort(12.5), '$12.50');
});

test('the summary reads "≈ $0.0064 (up to $0.01) · sonar · web search on"', () => {
  assert.equal(summaryText(SONAR, 'web search on'), '≈ $0.0064 (up to $0.01) · sonar · web search on');
  const flat = { ...SONAR, typical: 0.005, max: 0.005 };
  assert.equal(summaryText(flat, ''), '≈ $0.005 · sonar', 'one figure when both round alike');
  const unknown = { ...SONAR, model: 'llama3.1:8b', known: false, typical: null, max: null, parts: [], basis: [], inputTokens: 1234 };
  assert.equal(summaryText(unknown, 'no web search'), 'Unknown price · ~1,234 tokens in · llama3.1:8b · no web search');
  assert.match(breakdownLines(unknown).join('\n'), /no price for llama3\.1:8b.*not \$0/s);
});

test('the breakdown names every part, the total, the estimator and the basis', () => {
  const lines = breakdownLines(SONAR);
  assert.deepEqual(lines.slice(0, 4), [
    'Input: $0.001 (1,000 tokens, the question and 2 earlier messages)',
    'Request fee: $0.005 (low search context)',
    'Answer: $0.0004–$0.0041 (400–4,096 tokens, a typical to a long answer)',
    'Total: ≈ $0.0064, up to $0.01',
  ]);
  assert.match(lines.join('\n'), /about 4 characters/);
  assert.equal(lines.at(-1), 'Prices: sonar: https://docs.perplexity.ai/getting-started/pricing (2026-09-01)');
  const preset = { ...SONAR, model: 'high', preset: { preset: 'high', models: ['a', 'b'], description: 'a to b' } };
  assert.match(breakdownLines(preset).join('\n'), /The high preset picks its model on the server \(a to b\)/);
});

function budgetWindow({ budget, spent, estimate }) {
  document.body.innerHTML = `
    <button data-testid="cost-estimate" hidden></button><div id="detail" hidden></div>
    <div data-testid="budget-warning" tabindex="-1" hidden><p class="budget-warning-text"></p>
      <button data-action="cancel">Don’t send</button><button data-action="send">Send anyway</button></div>`;
  const calls = [];
  window.__TAURI__.core.invoke = async (command, args) => {
    calls.push({ command, args });
    if (command === 'cost_estimate') return estimate;
    return null;
  };
  const $ = (s) => document.querySelector(s);
  const est = bindEstimate(
    { button: $('[data-testid="cost-estimate"]'), detail: $('#detail'), warning: $('[data-testid="budget-warning"]') },
    {
      args: (question) => ({ model: 'sonar', conversationId: null, question }),
      question: () => 'How high?',
      budget: () => budget,
      spent: () => spent,
      searchLabel: () => 'web search on',
    },
  );
  return { est, calls, $ };
}

test('without a budget nothing is asked', async () => {
  const { est, calls } = budgetWindow({ budget: null, spent: 0, estimate: SONAR });
  assert.equal(est.gated(), false);
  assert.equal(await est.confirm('How high?'), true);
  assert.equal(calls.length, 0);
});

test('within the budget a question goes at once; one that could go over asks, and says how much is left', async () => {
  let w = budgetWindow({ budget: 10, spent: 1, estimate: SONAR });
  assert.equal(await w.est.confirm('How high?'), true);
  assert.deepEqual(w.calls[0].args.args, { model: 'sonar', conversationId: null, question: 'How high?' });

  w = budgetWindow({ budget: 0.01, spent: 0.005, estimate: SONAR });
  const asked = w.est.confirm('How high?');
  await new Promise((r) => setTimeout(r, 0));
  const warning = w.$('[data-testid="budget-warning"]');
  assert.equal(warning.hidden, false);
  assert.equal(document.activeElement, warning, 'the box takes focus, not a button');
  assert.equal(warning.textContent.replace(/\s+/g, ' ').includes(
    'It could cost up to $0.01. Only $0.005 of your $0.01 monthly budget is left. Send it anyway?'), true, warning.textContent);
  w.$('[data-action="send"]').click();
  assert.equal(await asked, true);
  assert.equal(warning.hidden, true);

  const again = w.est.confirm('How high?');
  await new Promise((r) => setTimeout(r, 0));
  warning.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  assert.equal(await again, false, 'Esc is "Don’t send"');
});

test('over the budget even an unknown price asks; under it, an unknown price goes', async () => {
  const unknown = { ...SONAR, known: false, typical: null, max: null, parts: [] };
  let w = budgetWindow({ budget: 5, spent: 1, estimate: unknown });
  assert.equal(await w.est.confirm('q'), true);
  w = budgetWindow({ budget: 5, spent: 6, estimate: unknown });
  const asked = w.est.confirm('q');
  await new Promise((r) => setTimeout(r, 0));
  assert.match(w.$('.budget-warning-text').textContent, /You have spent \$6\.00 this month, over your \$5\.00 budget\. Its price is unknown\./);
  w.$('[data-action="cancel"]').click();
  assert.equal(await asked, false);
});

test('the estimate line: latest answer wins, the budget left is shown, the breakdown opens on click', async () => {
  const w = budgetWindow({ budget: 0.012, spent: 0.004, estimate: SONAR });
  w.est.refresh(true);
  await new Promise((r) => setTimeout(r, 0));
  const button = w.$('[data-testid="cost-estimate"]');
  assert.equal(button.hidden, false);
  assert.equal(button.textContent, '≈ $0.0064 (up to $0.01) · sonar · web search on · $0.008 left this month');
  assert.equal(button.classList.contains('is-tight'), true, 'up to $0.01 does not fit in $0.008');
  assert.match(button.title, /^Input: \$0\.001/);
  button.click();
  assert.equal(w.$('#detail').hidden, false);
  assert.equal(w.$('#detail').querySelectorAll('tbody tr').length, 4, 'three parts and the total');
});

test('a slow estimate never replaces a newer one', async () => {
  const w = budgetWindow({ budget: null, spent: 0, estimate: SONAR });
  const resolvers = [];
  window.__TAURI__.core.invoke = (command) => new Promise((resolve) => resolvers.push(resolve));
  w.est.refresh(true);
  w.est.refresh(true);
  resolvers[1]({ ...SONAR, model: 'sonar-pro' });
  await new Promise((r) => setTimeout(r, 0));
  resolvers[0](SONAR);
  await new Promise((r) => setTimeout(r, 0));
  assert.match(w.$('[data-testid="cost-estimate"]').textContent, /· sonar-pro ·/);
});

test('the search button says what will happen', () => {
  const search = completeOptions(null).search;
  assert.equal(searchLabel(search, 'sonar', 'sonar'), 'Web search');
  assert.equal(searchLabel({ ...search, enabled: false }, 'sonar', 'sonar'), 'Web search off');
  assert.equal(searchLabel({ ...search, enabled: false }, 'agent', 'fast'), 'Web search off (no tools)', 'a preset without search has no tools at all');
  assert.equal(searchLabel({ ...search, domains: ['a.org'], recency: 'day' }, 'agent', 'perplexity/sonar'), 'Web search · 2 options');
  assert.equal(searchLabel(search, 'openai', 'gpt-4o-mini'), 'No web search');
  const copy = completeOptions({ search: { domains: ['a.org'] } });
  assert.equal(copy.search.enabled, true, 'missing fields take their defaults');
  copy.search.domains.push('b.org');
  assert.deepEqual(completeOptions({ search: { domains: ['a.org'] } }).search.domains, ['a.org'], 'a copy, not a share');
});

test('a conversation\'s model comes back only where its provider could serve it', () => {
  assert.equal(servedBy('agent', 'anthropic/claude-opus-4-6'), true, 'a model the live list has but the built-in does not');
  assert.equal(servedBy('agent', 'high'), true);
  assert.equal(servedBy('agent', 'sonar-pro'), false, 'asked through Sonar before the switch');
  assert.equal(servedBy('sonar', 'sonar-pro'), true);
  assert.equal(servedBy('sonar', 'fast'), false);
  assert.equal(servedBy('openai', 'llama3.1:8b'), true);
});

test('days and months start at local midnight; totals say how many answers were computed', () => {
  const { dayStart, monthStart } = localStarts(new Date(2026, 10, 22, 15, 30));
  assert.equal(dayStart, new Date(2026, 10, 22).getTime());
  assert.equal(monthStart, new Date(2026, 10, 1).getTime());
  assert.equal(answersText({ total: 1, answers: 1, computed: 0 }), '1 answer');
  assert.equal(answersText({ total: 1, answers: 3, computed: 1 }), '3 answers, 1 computed from the price table');
});
