// The spending view's arithmetic: the day bounds of a month (local midnights, right across a
// daylight-saving change), the bars per day with their labels, shares and the computed note.
// Runs in Europe/Berlin so the clock changes of 2026 fall on known days.

process.env.TZ = 'Europe/Berlin';

const { default: assert } = await import('node:assert/strict');
const { test } = await import('node:test');
await import('./dom.mjs');
const { computedNote, dayBars, dayLabel, daysInMonth, monthBounds, shareText } = await import('../../ui/cost/spend-view.js');

const HOUR = 3600000;
const lengths = (bounds) => bounds.slice(1).map((b, i) => (b - bounds[i]) / HOUR);

test('a past month: every local midnight and the first instant of the next month', () => {
  const bounds = monthBounds(2026, 10);
  assert.equal(bounds.length, 31);
  assert.equal(bounds[0], new Date(2026, 10, 1).getTime());
  assert.equal(bounds.at(-1), new Date(2026, 11, 1).getTime());
  assert.ok(lengths(bounds).every((h) => h === 24));
});

test('the spring change: one day of 23 hours, still one bar', () => {
  const bounds = monthBounds(2026, 2);
  assert.equal(bounds.length, 32);
  const hours = lengths(bounds);
  assert.equal(hours[28], 23, '29 March 2026 lost an hour');
  assert.equal(hours.filter((h) => h !== 24).length, 1);
  assert.equal(new Date(bounds[29]).getHours(), 0, '30 March starts at midnight');
});

test('the autumn change: one day of 25 hours', () => {
  const hours = lengths(monthBounds(2026, 9));
  assert.equal(hours[24], 25, '25 October 2026 gained an hour');
  assert.equal(hours.length, 31);
});

test('the current month stops at tomorrow’s midnight', () => {
  const today = new Date(2026, 10, 22, 15, 30);
  const bounds = monthBounds(2026, 10, { today });
  assert.equal(bounds.length, 23);
  assert.equal(bounds.at(-1), new Date(2026, 10, 23).getTime());
  assert.equal(monthBounds(2026, 9, { today }).length, 32, 'another month is whole');
});

test('the last day of the month today: the end is the first of the next month', () => {
  const bounds = monthBounds(2026, 11, { today: new Date(2026, 11, 31, 23, 59) });
  assert.equal(bounds.at(-1), new Date(2027, 0, 1).getTime());
  assert.equal(bounds.length, 32);
});

test('days are counted by the date factory, whatever the zone', () => {
  const seen = [];
  const utc = (y, m, d) => {
    seen.push(d);
    return new Date(Date.UTC(y, m, d));
  };
  const bounds = monthBounds(2026, 1, { makeDate: utc });
  assert.equal(bounds.length, 29);
  assert.deepEqual(seen.at(-1), 29, 'February 2026 has 28 days; the 29th is 1 March');
  assert.ok(lengths(bounds).every((h) => h === 24));
  assert.equal(daysInMonth(2028, 1), 29);
  assert.equal(daysInMonth(2026, 1), 28);
});

test('bars: scaled to the costliest day, a sliver stays visible, nothing is flat', () => {
  const days = [
    { total: 0.5, answers: 4, computed: 0 },
    { total: 0, answers: 0, computed: 0 },
    { total: 0.001, answers: 1, computed: 1 },
    { total: 0.25, answers: 2, computed: 0 },
  ];
  const bars = dayBars(days, 10);
  assert.deepEqual(bars.map((b) => b.level), [100, 0, 2, 50]);
  assert.deepEqual(bars.map((b) => b.day), [1, 2, 3, 4]);
  assert.equal(bars[0].label, '1 November: $0.50, 4 answers');
  assert.equal(bars[1].label, '2 November: nothing spent');
  assert.equal(bars[2].label, '3 November: $0.001, 1 answer');
  assert.deepEqual(dayBars([{ total: 0, answers: 0, computed: 0 }], 0).map((b) => b.level), [0]);
});

test('a day label reads as a sentence', () => {
  assert.equal(dayLabel(12, 10, { total: 0.0123, answers: 4, computed: 0 }), '12 November: $0.0123, 4 answers');
  assert.equal(dayLabel(1, 0, { total: 1.5, answers: 12, computed: 0 }), '1 January: $1.50, 12 answers');
});

test('shares: whole percents, a sliver as <1%, nothing as 0%', () => {
  assert.equal(shareText(0.62, 1), '62%');
  assert.equal(shareText(0.001, 1), '<1%');
  assert.equal(shareText(0, 1), '0%');
  assert.equal(shareText(1, 0), '0%');
});

test('the computed note says how many costs came from the price table', () => {
  assert.equal(computedNote({ total: 1, answers: 5, computed: 0 }), '');
  assert.equal(computedNote({ total: 1, answers: 5, computed: 3 }), '≈ 3 answers computed from the price table; the API reported the cost of the others.');
  assert.equal(computedNote({ total: 1, answers: 2, computed: 2 }), '≈ All 2 answers were computed from the price table: the API did not report the cost.');
  assert.equal(computedNote({ total: 1, answers: 1, computed: 1 }), '≈ This answer was computed from the price table: the API did not report the cost.');
});
