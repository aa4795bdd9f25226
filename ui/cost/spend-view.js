// The spending view: one calendar month at a time (the current one first, ‹ › to earlier ones):
// the month's total, the budget and what is left of it, a bar per day and a table by model, from
// `spend_report`. Days begin at local midnight, so a month in which the clocks change still has
// one bar per calendar day. Esc or Close closes it; focus goes back to what opened it.

import { formatCost } from './cost-display.js';
import { spendReport, toIpcError } from '../ipc/ipc.js';
import { trapTab } from '../lib/focus-trap.js';
import { returnFocusOnClose } from '../lib/modal.js';
import { el } from '../lib/dom.js';

/**
 * @typedef {import('../ipc/ipc.js').SpendReport} SpendReport
 * @typedef {import('../ipc/ipc.js').SpendTotal} SpendTotal
 *
 * @typedef {object} DayBar
 * @property {number} day      1-based day of the month
 * @property {number} total
 * @property {number} answers
 * @property {number} level    bar height, 0 to 100 (2 at least when something was spent)
 * @property {string} label    "12 November: $0.0123, 4 answers"
 *
 * @typedef {object} SpendHooks
 * @property {() => number | null} budget   the monthly budget in USD, null without one
 * @property {() => Date} [now]
 */

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long' });
const MONTH_YEAR = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric' });
const SVG = 'http://www.w3.org/2000/svg';
/** Days with a label under their bar. */
const TICKS = new Set([1, 8, 15, 22, 29]);

/** Calendar days in a month (month 0-based), whatever the time zone. */
export function daysInMonth(/** @type {number} */ year, /** @type {number} */ month) {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * Local midnight of every day of the month, then the first instant of the next month; for the
 * month of `today`, only up to tomorrow's midnight. `makeDate` builds local dates (tests pass one
 * for another zone); days are counted from it, so a 23- or 25-hour day stays one day.
 * @param {number} year
 * @param {number} month  0-based
 * @param {{today?: Date | null, makeDate?: (y: number, m: number, d: number) => Date}} [options]
 * @returns {number[]}  unix ms, ascending
 */
export function monthBounds(year, month, options = {}) {
  const { today = null, makeDate = (y, m, d) => new Date(y, m, d) } = options;
  const current = today && today.getFullYear() === year && today.getMonth() === month;
  const last = current ? today.getDate() + 1 : daysInMonth(year, month) + 1;
  const bounds = [];
  for (let day = 1; day <= last; day += 1) bounds.push(makeDate(year, month, day).getTime());
  return bounds;
}

const plural = (/** @type {number} */ n, /** @type {string} */ word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * "12 November: $0.0123, 4 answers", or "12 November: nothing spent".
 * @param {number} day @param {number} month 0-based @param {SpendTotal} spent
 */
export function dayLabel(day, month, spent) {
  const name = `${day} ${MONTH.format(new Date(2000, month, 1))}`;
  if (!spent.answers && !spent.total) return `${name}: nothing spent`;
  return `${name}: ${formatCost(spent.total)}, ${plural(spent.answers, 'answer')}`;
}

/**
 * The bars of a month: one per day the report covers, scaled to the costliest day.
 * @param {SpendTotal[]} days  the report's days, the first being day 1
 * @param {number} month  0-based, for the labels
 * @returns {DayBar[]}
 */
export function dayBars(days, month) {
  const most = Math.max(0, ...days.map((d) => d.total));
  return days.map((spent, i) => {
    const level = most > 0 && spent.total > 0 ? Math.max(2, Math.round((spent.total / most) * 100)) : 0;
    return { day: i + 1, total: spent.total, answers: spent.answers, level, label: dayLabel(i + 1, month, spent) };
  });
}

/** "62%", "<1%" for a sliver, "0%". @param {number} part @param {number} whole */
export function shareText(part, whole) {
  if (!(whole > 0) || !(part > 0)) return '0%';
  const share = (part / whole) * 100;
  return share < 1 ? '<1%' : `${Math.round(share)}%`;
}

/** "≈ 3 answers computed from the price table …", or "" when the API reported every cost. @param {SpendTotal} total */
export function computedNote(total) {
  if (!(total.computed > 0)) return '';
  if (total.computed >= total.answers) {
    return `≈ ${total.answers === 1 ? 'This answer was' : `All ${plural(total.answers, 'answer')} were`} computed from the price table: the API did not report the cost.`;
  }
  return `≈ ${plural(total.computed, 'answer')} computed from the price table; the API reported the cost of the others.`;
}

/** One day: a bar (an SVG rect sized by attributes), its label for screen readers, a tick under some. */
function renderDay(/** @type {DayBar | null} */ bar, /** @type {number} */ day, /** @type {boolean} */ today) {
  const li = el('li', `spend-day${bar ? '' : ' is-future'}${today ? ' is-today' : ''}`);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 10 100');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('spend-bar');
  if (bar && bar.level > 0) {
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', '1');
    rect.setAttribute('width', '8');
    rect.setAttribute('y', String(100 - bar.level));
    rect.setAttribute('height', String(bar.level));
    svg.append(rect);
  }
  li.append(svg);
  const tick = el('span', 'spend-tick', TICKS.has(day) || today ? String(day) : '');
  tick.setAttribute('aria-hidden', 'true');
  li.append(tick);
  if (bar) {
    li.dataset.testid = 'spend-day';
    li.title = bar.label;
    li.append(el('span', 'visually-hidden', bar.label));
  } else {
    li.setAttribute('aria-hidden', 'true');
  }
  return li;
}

const bound = /** @type {WeakMap<HTMLDialogElement, {open: (opener?: HTMLElement | null) => Promise<void>}>} */ (new WeakMap());

/**
 * @param {HTMLDialogElement} dialog
 * @param {SpendHooks} hooks
 * @returns {{open: (opener?: HTMLElement | null) => Promise<void>}}  binding the same dialog twice returns the first
 */
export function bindSpendView(dialog, hooks) {
  const existing = bound.get(dialog);
  if (existing) return existing;
  const now = hooks.now ?? (() => new Date());
  const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (dialog.querySelector(sel));
  const body = $('[data-part="body"]');
  const prev = /** @type {HTMLButtonElement} */ ($('[data-testid="spend-prev"]'));
  const next = /** @type {HTMLButtonElement} */ ($('[data-testid="spend-next"]'));
  const title = $('[data-testid="spend-month"]');
  const total = $('[data-testid="spend-total"]');
  const budgetBox = $('[data-testid="spend-budget"]');
  const meter = /** @type {HTMLMeterElement} */ ($('[data-part="meter"]'));
  const budgetText = $('[data-part="budget-text"]');
  const problem = $('[data-part="problem"]');
  const days = $('[data-part="days"]');
  const table = $('[data-part="models-table"]');
  const models = $('[data-part="models"]');
  const note = $('[data-testid="spend-computed"]');

  let year = 0;
  let month = 0;
  let request = 0;

  const isCurrent = () => {
    const today = now();
    return year === today.getFullYear() && month === today.getMonth();
  };

  /** @param {SpendReport} report */
  const render = (report) => {
    const today = now();
    const current = isCurrent();
    const bars = dayBars(report.days, month);
    const count = daysInMonth(year, month);
    days.replaceChildren(...Array.from({ length: count }, (_, i) => renderDay(bars[i] ?? null, i + 1, current && i + 1 === today.getDate())));
    days.hidden = false;

    const spent = report.total;
    const approx = spent.computed > 0 ? '≈ ' : '';
    total.replaceChildren();
    if (spent.answers > 0 || spent.total > 0) {
      total.append(el('strong', 'spend-amount', `${approx}${formatCost(spent.total)}`),
        ` ${current ? 'so far this month' : `in ${MONTH.format(new Date(year, month, 1))}`}, ${plural(spent.answers, 'answer')}`);
    } else {
      total.textContent = current ? 'Nothing spent this month yet.' : `Nothing spent in ${MONTH_YEAR.format(new Date(year, month, 1))}.`;
    }

    const budget = hooks.budget();
    budgetBox.hidden = !(typeof budget === 'number' && budget > 0);
    if (!budgetBox.hidden) {
      const limit = /** @type {number} */ (budget);
      const over = spent.total > limit;
      budgetBox.classList.toggle('is-over', over);
      meter.max = limit;
      meter.low = limit * 0.75;
      meter.high = limit * 0.9;
      meter.optimum = 0;
      meter.value = Math.min(spent.total, limit);
      // A budget reads in cents ("$0.50", not "$0.5000") unless it is finer; spent and left keep their precision.
      const cents = Number(limit.toFixed(2)) === limit ? `$${limit.toFixed(2)}` : formatCost(limit);
      budgetText.textContent = over
        ? `Over the ${cents} budget by ${formatCost(spent.total - limit)}.`
        : `${formatCost(limit - spent.total)} left of the ${cents} budget (${shareText(spent.total, limit)} used).`;
    }

    table.hidden = report.models.length === 0;
    models.replaceChildren(...report.models.map((row) => {
      const tr = el('tr');
      tr.dataset.testid = 'spend-model';
      const name = el('th');
      name.scope = 'row';
      name.append(el('code', 'spend-model-id', row.model));
      tr.append(name, el('td', 'num', row.answers.toLocaleString('en-US')), el('td', 'num', formatCost(row.total)),
        el('td', 'num', shareText(row.total, spent.total)));
      return tr;
    }));
    note.textContent = computedNote(spent);
    note.hidden = note.textContent === '';
  };

  /** Show the month of `year`/`month` (0-based), reading it from the backend. */
  const show = async () => {
    const ticket = (request += 1);
    title.textContent = MONTH_YEAR.format(new Date(year, month, 1));
    next.disabled = isCurrent();
    body.setAttribute('aria-busy', 'true');
    problem.hidden = true;
    try {
      const report = await spendReport(monthBounds(year, month, { today: now() }));
      if (ticket !== request) return;
      render(report);
    } catch (err) {
      if (ticket !== request) return;
      problem.textContent = `Could not read the spending: ${toIpcError(err).message}`;
      problem.hidden = false;
      days.hidden = true;
      table.hidden = true;
      note.hidden = true;
      budgetBox.hidden = true;
      total.textContent = '';
    } finally {
      if (ticket === request) body.removeAttribute('aria-busy');
    }
  };

  const step = (/** @type {number} */ by) => {
    const target = new Date(year, month + by, 1);
    year = target.getFullYear();
    month = target.getMonth();
    return show();
  };

  prev.addEventListener('click', () => step(-1));
  next.addEventListener('click', () => {
    if (!isCurrent()) step(1);
  });
  for (const close of dialog.querySelectorAll('[data-close]')) close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('mousedown', (event) => {
    if (event.target === dialog) dialog.close();
  });
  const modal = returnFocusOnClose(dialog);
  trapTab(dialog);

  const view = {
    /** Open on the current month. @param {HTMLElement | null} [opener] where focus goes back to */
    async open(opener = null) {
      const today = now();
      year = today.getFullYear();
      month = today.getMonth();
      if (!dialog.open) {
        modal.showModal(opener);
        prev.focus();
      }
      await show();
    },
  };
  bound.set(dialog, view);
  return view;
}
