// The streaming benchmark's arithmetic (bench/stream.mjs), without a window: `node --test bench/`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addedLatency, combineRuns, latencies, quantile, splitWords, summarize } from './stream.mjs';

const TEXT = 'alpha bravo charlie delta';
const WORDS = ['alpha', ' bravo', ' charlie', ' delta']; // ends at 5, 11, 19, 25

test('the answer splits into the deltas the mock sends', () => {
  assert.deepEqual(splitWords(TEXT), WORDS);
  assert.equal(splitWords(TEXT).join(''), TEXT);
  assert.deepEqual(splitWords(''), []);
});

test('quantile picks from sorted values', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(xs, 0.5), 51);
  assert.equal(quantile(xs, 0.95), 96);
  assert.equal(quantile(xs, 1), 100);
  assert.equal(quantile([], 0.5), null);
});

test('a word is painted at the first sample whose text reaches its end', () => {
  const sent = [1000, 1001, 1002, 1003];
  // One paint shows "alpha bra" (word 0 only), the next everything up to "charlie", the last all.
  const samples = [[1010, 9], [1030, 19], [1050, 25]];
  assert.deepEqual(latencies(WORDS, sent, samples), [10, 29, 28, 47]);
});

test('words never painted are left out, not given a latency', () => {
  const samples = [[1010, 11]];
  assert.deepEqual(latencies(WORDS, [1000, 1001, 1002, 1003], samples), [10, 9]);
  assert.deepEqual(latencies(WORDS, [1000, 1001], [[1010, 25]]), [10, 9], 'no send time, no latency');
});

const page = (samples, extra = {}) => ({
  samples, frames: [16, 17, 33, 16], updates: 3, prefixOk: true, done: true, final: TEXT, ...extra,
});

test('one run: latency spread, longest frame, losses and order', () => {
  const r = summarize(TEXT, [1000, 1001, 1002, 1003], page([[1010, 9], [1030, 19], [1050, 25]]));
  assert.equal(r.words, 4);
  assert.equal(r.lost, 0);
  assert.equal(r.complete, true);
  assert.deepEqual(r.latencyMs, { p50: 29, p95: 47, max: 47 });
  assert.deepEqual(r.frameMs, { p50: 17, p95: 33, max: 33, count: 4 });
  assert.equal(r.updatesPerSecond, 1000, '3 updates over the 3 ms the stream took');

  const cut = summarize(TEXT, [1000, 1001, 1002, 1003], page([[1010, 11]], { done: false, final: null }));
  assert.equal(cut.lost, 2);
  assert.equal(cut.complete, false);

  const shuffled = summarize(TEXT, [1000, 1001, 1002, 1003], page([[1050, 25]], { prefixOk: false, final: 'bravo alpha charlie delta' }));
  assert.equal(shuffled.inOrder, false);
  assert.equal(shuffled.complete, false);
});

const run = (p50, p95, frame, extra = {}) => ({
  latencyMs: { p50, p95, max: p95 + 5 }, frameMs: { max: frame }, updatesPerSecond: 60, lost: 0, inOrder: true,
  complete: true, ...extra,
});

test('runs combine into medians, the worst frame and every loss', () => {
  const c = combineRuns([run(10, 20, 30), run(12, 40, 90, { lost: 2, inOrder: false }), run(11, 25, 35), { error: 'x' }]);
  assert.equal(c.runs, 3);
  assert.equal(c.failed, 1);
  assert.deepEqual(c.latencyMs, { p50: 11, p95: 25, max: 45 });
  assert.equal(c.longestFrameMs, 35);
  assert.equal(c.worstFrameMs, 90);
  assert.equal(c.lost, 2);
  assert.equal(c.reordered, 1);
  assert.deepEqual(combineRuns([run(10, 20, 30), run(20, 30, 50)]).latencyMs.p95, 25, 'an even count averages the middle two');
});

test('added latency is Citewise minus the floor', () => {
  const floor = combineRuns([run(9, 18, 20)]);
  const citewise = combineRuns([run(30, 40, 45)]);
  assert.deepEqual(addedLatency(floor, citewise), { p50: 21, p95: 22 });
  assert.deepEqual(addedLatency(combineRuns([]), citewise), { p50: null, p95: null });
});
