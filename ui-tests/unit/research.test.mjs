// Background research (#20): the words a run is shown with (its phase, the time since it began,
// its searches and sources, the toast when it ends out of sight), which questions run in the
// background, and the estimate line and budget question for them.

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  countsText, finishedText, formatElapsed, isDeepPreset, phaseText, phaseWord, runsInBackground,
} from '../../ui/research/research-words.js';
import { bindEstimate, summaryText } from '../../ui/cost/send-estimate.js';

test('each phase in words; a failed cancel says why', () => {
  assert.equal(phaseText('queued'), 'Waiting for Perplexity to start');
  assert.equal(phaseText('in_progress'), 'Researching');
  assert.equal(phaseText('reconnecting'), 'Reconnecting…');
  assert.equal(phaseText('polling'), 'Researching — checking every few seconds');
  assert.equal(phaseText('cancelling'), 'Cancelling…');
  assert.equal(phaseText('cancel_failed', 'Perplexity answered 500.'), "Couldn't cancel: Perplexity answered 500.");
  assert.match(phaseText('cancel_failed', null), /^Couldn't cancel: \S/);
  assert.equal(phaseText('a_future_phase'), 'Researching', 'a phase this version does not know');
  assert.equal(phaseWord('queued'), 'Waiting');
  assert.equal(phaseWord('polling'), 'Researching');
  assert.equal(phaseWord('cancelling'), 'Cancelling');
});

test('elapsed time is m:ss, then h:mm:ss, never negative', () => {
  assert.equal(formatElapsed(0), '0:00');
  assert.equal(formatElapsed(999), '0:00');
  assert.equal(formatElapsed(7_000), '0:07');
  assert.equal(formatElapsed(61_000), '1:01');
  assert.equal(formatElapsed(59 * 60_000 + 59_999), '59:59');
  assert.equal(formatElapsed(3_600_000), '1:00:00');
  assert.equal(formatElapsed(3_600_000 + 2 * 60_000 + 9_000), '1:02:09');
  assert.equal(formatElapsed(26 * 3_600_000), '26:00:00');
  assert.equal(formatElapsed(-5_000), '0:00', 'a clock a little behind the backend');
  assert.equal(formatElapsed(Number.NaN), '0:00');
});

test('searches and sources, singular and plural', () => {
  assert.equal(countsText(0, 0), '0 searches · 0 sources');
  assert.equal(countsText(1, 1), '1 search · 1 source');
  assert.equal(countsText(14, 23), '14 searches · 23 sources');
});

test('the toast when a run ends out of sight; none for a cancelled one', () => {
  assert.equal(finishedText('completed', 'Batteries'), 'Research finished: Batteries');
  assert.equal(finishedText('failed', 'Batteries'), 'Research failed: Batteries');
  assert.equal(finishedText('interrupted', 'Batteries'), 'Research interrupted: Batteries');
  assert.equal(finishedText('cancelled', 'Batteries'), null);
});

test('deep presets (and their old names) always run in the background, where the provider can', () => {
  for (const deep of ['medium', 'high', 'xhigh', 'deep-research', 'advanced-deep-research']) {
    assert.equal(isDeepPreset(deep), true, deep);
    assert.equal(runsInBackground(true, deep, { background: false }), true, deep);
    assert.equal(runsInBackground(false, deep, { background: true }), false, `${deep} without backgroundRuns`);
  }
  for (const other of ['fast', 'low', 'perplexity/sonar', 'sonar-deep-research', '', null, undefined]) {
    assert.equal(isDeepPreset(other), false, String(other));
  }
  assert.equal(runsInBackground(true, 'fast', { background: true }), true, 'the option');
  assert.equal(runsInBackground(true, 'fast', { background: false }), false);
  assert.equal(runsInBackground(true, 'fast', null), false);
});

/** medium (deep research), as the backend estimates it: a wide range. */
const DEEP = {
  model: 'medium', known: true, currency: 'USD', inputTokens: 40, earlierMessages: 0, typical: 0.41, max: 1.2,
  parts: [{ kind: 'output', typicalUnits: 4000, maxUnits: 16000, unit: 'tokens', typical: 0.41, max: 1.2, note: '' }],
  basis: [], preset: null, learned: null,
};

test('a background run reads as a range with its upper bound', () => {
  assert.equal(summaryText(DEEP, 'web search on', true), 'Background research ≈ $0.41, up to $1.20 · medium · web search on');
  assert.equal(summaryText(DEEP, 'web search on', false), '≈ $0.41 (up to $1.20) · medium · web search on');
  const flat = { ...DEEP, typical: 0.5, max: 0.5 };
  assert.equal(summaryText(flat, '', true), 'Background research ≈ $0.50, up to $0.50 · medium', 'the bound even when it is the same');
  assert.match(summaryText({ ...DEEP, known: false, typical: null, max: null }, '', true), /^Background research · unknown price · ~40 tokens in/);
});

test('the budget question compares the upper bound of a background run', async () => {
  document.body.innerHTML = `
    <button data-testid="cost-estimate" hidden></button><div id="detail" hidden></div>
    <div data-testid="budget-warning" tabindex="-1" hidden><p class="budget-warning-text"></p>
      <button data-action="cancel">Don’t send</button><button data-action="send">Send anyway</button></div>`;
  window.__TAURI__.core.invoke = async (command) => (command === 'cost_estimate' ? DEEP : null);
  const $ = (s) => document.querySelector(s);
  // $1 left: more than the typical $0.41, less than the $1.20 it could cost.
  const est = bindEstimate(
    { button: $('[data-testid="cost-estimate"]'), detail: $('#detail'), warning: $('[data-testid="budget-warning"]') },
    {
      args: (question) => ({ model: 'medium', conversationId: null, question }),
      question: () => 'Batteries',
      budget: () => 5,
      spent: () => 4,
      searchLabel: () => 'web search on',
      background: () => true,
    },
  );
  const asked = est.confirm('Batteries');
  await new Promise((resolve) => setTimeout(resolve, 0));
  const warning = $('[data-testid="budget-warning"]');
  assert.equal(warning.hidden, false, 'asks before the run starts');
  assert.match(warning.textContent, /It could cost up to \$1\.20\. Only \$1\.00 of your \$5\.00 monthly budget is left/);
  $('[data-action="cancel"]').click();
  assert.equal(await asked, false);
});
