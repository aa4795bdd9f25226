// The estimate under the question box (`cost-estimate`): what sending the question as typed would
// cost — "≈ $0.0061 (up to $0.012) · sonar · web search on" — updated as the person types
// (debounced), with a breakdown on click and as a tooltip; a background run (#20) reads as the
// range it is, "Background research ≈ $0.41, up to $1.20". And the budget gate: a question that
// could take this month's spending over the monthly budget asks before it is sent.

import { costEstimate, toIpcError } from '../ipc/ipc.js';
import { formatCost, formatEstimate } from './cost-display.js';
import { el } from '../lib/dom.js';

/**
 * @typedef {import('../ipc/ipc.js').Estimate} Estimate
 * @typedef {import('../ipc/ipc.js').EstimateArgs} EstimateArgs
 * @typedef {import('../ipc/ipc.js').EstimatePart} EstimatePart
 *
 * @typedef {object} EstimateHooks
 * @property {(question: string) => EstimateArgs} args   what chat_send would get for this question
 * @property {() => string} question       the text in the question box
 * @property {() => number | null} budget  the monthly budget, if any
 * @property {() => number | null} spent   this month's spending so far (null: not known yet)
 * @property {() => string} searchLabel    "web search on" and the like, for the summary line
 * @property {() => boolean} [background]  the question would run in the background
 */

export const DEBOUNCE_MS = 250;

const count = new Intl.NumberFormat('en-US');

/** @type {Record<string, string>} */
const PART_LABELS = {
  input: 'Input',
  searchResults: 'Search results read',
  citations: 'Citation tokens',
  output: 'Answer',
  reasoning: 'Reasoning tokens',
  requestFee: 'Request fee',
  searches: 'Searches',
};

/** "1,500" or "1,500–4,500 tokens" @param {EstimatePart} part */
function units(part) {
  const n = part.typicalUnits === part.maxUnits
    ? count.format(part.typicalUnits)
    : `${count.format(part.typicalUnits)}–${count.format(part.maxUnits)}`;
  return part.unit === 'requests' ? '' : `${n} ${part.unit === 'tokens' ? 'tokens' : 'searches'}`;
}

/**
 * The one-line summary.
 * @param {Estimate} e
 * @param {string} search  e.g. "web search on"
 * @param {boolean} [background]  a background run: a range, always with its upper bound
 */
export function summaryText(e, search, background = false) {
  const priced = e.known && e.typical !== null && e.max !== null;
  if (background) {
    const money = priced
      ? `Background research ≈ ${formatEstimate(e.typical ?? 0)}, up to ${formatEstimate(e.max ?? 0)}`
      : `Background research · unknown price · ~${count.format(e.inputTokens)} tokens in`;
    return [money, e.model, search].filter(Boolean).join(' · ');
  }
  const money = priced && e.typical !== null && e.max !== null
    ? (formatEstimate(e.typical) === formatEstimate(e.max)
      ? `≈ ${formatEstimate(e.typical)}`
      : `≈ ${formatEstimate(e.typical)} (up to ${formatEstimate(e.max)})`)
    : `Unknown price · ~${count.format(e.inputTokens)} tokens in`;
  return [money, e.model, search].filter(Boolean).join(' · ');
}

/**
 * The breakdown, as lines of text (the tooltip) — the panel shows the same in a table.
 * @param {Estimate} e
 * @returns {string[]}
 */
export function breakdownLines(e) {
  if (!e.known) {
    return [
      `Citewise has no price for ${e.model}, so it cannot estimate the cost (it is not $0).`,
      `About ${count.format(e.inputTokens)} tokens would be sent.`,
      'Add a price for it in Settings → Cost to see estimates and computed costs.',
    ];
  }
  const lines = e.parts.map((p) => {
    const money = formatEstimate(p.typical) === formatEstimate(p.max)
      ? formatEstimate(p.typical)
      : `${formatEstimate(p.typical)}–${formatEstimate(p.max)}`;
    const what = [units(p), p.note].filter(Boolean).join(', ');
    return `${PART_LABELS[p.kind] ?? p.kind}: ${money}${what ? ` (${what})` : ''}`;
  });
  lines.push(`Total: ≈ ${formatEstimate(e.typical ?? 0)}, up to ${formatEstimate(e.max ?? 0)}`);
  if (e.learned) {
    const { answers, median, low, high } = e.learned;
    const range = low === high ? '' : ` (they cost ${formatCost(low)} to ${formatCost(high)})`;
    lines.push(`Typical from your last ${answers} answers with ${e.model}: ${formatCost(median)}, the median of what Perplexity charged${range}.`);
  }
  if (e.preset) {
    lines.push(`The ${e.preset.preset} preset picks its model on the server (${e.preset.description}); the answer shows what it really cost.`);
  }
  lines.push('Tokens are estimated at about 4 characters each; the real count can differ by a quarter.');
  for (const b of e.basis) lines.push(`Prices: ${b}`);
  return lines;
}

/** @param {Estimate} e @returns {HTMLElement} */
function renderDetail(e) {
  const wrap = el('div', 'estimate-body');
  if (!e.known) {
    for (const line of breakdownLines(e)) wrap.append(el('p', 'estimate-note', line));
    return wrap;
  }
  const table = el('table', 'estimate-table');
  const head = el('tr');
  head.append(el('th', '', 'Part'), el('th', 'num', 'Typical'), el('th', 'num', 'Up to'));
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  for (const p of e.parts) {
    const row = el('tr');
    const name = el('th', '', PART_LABELS[p.kind] ?? p.kind);
    name.scope = 'row';
    const what = [units(p), p.note].filter(Boolean).join(', ');
    if (what) name.append(el('span', 'estimate-what', what));
    row.append(name, el('td', 'num', formatEstimate(p.typical)), el('td', 'num', formatEstimate(p.max)));
    body.append(row);
  }
  const total = el('tr', 'estimate-total');
  const label = el('th', '', e.learned ? 'Total (typical: your recent answers)' : 'Total');
  label.scope = 'row';
  total.append(label, el('td', 'num', `≈ ${formatEstimate(e.typical ?? 0)}`), el('td', 'num', formatEstimate(e.max ?? 0)));
  body.append(total);
  table.append(thead, body);
  wrap.append(table);
  for (const line of breakdownLines(e).slice(e.parts.length + 1)) wrap.append(el('p', 'estimate-note', line));
  return wrap;
}

/**
 * @param {{button: HTMLButtonElement, detail: HTMLElement, warning: HTMLElement}} els
 * @param {EstimateHooks} hooks
 */
export function bindEstimate({ button, detail, warning }, hooks) {
  let seq = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {Estimate | null} */
  let latest = null;
  /** @type {((send: boolean) => void) | null} */
  let pending = null;

  const setOpen = (/** @type {boolean} */ open) => {
    detail.hidden = !open || latest === null;
    button.setAttribute('aria-expanded', String(!detail.hidden));
  };

  const show = (/** @type {Estimate} */ e) => {
    latest = e;
    const spent = hooks.spent();
    const budget = hooks.budget();
    let text = summaryText(e, hooks.searchLabel(), hooks.background?.() ?? false);
    let tight = false;
    if (budget !== null && spent !== null) {
      const left = budget - spent;
      text += left > 0 ? ` · ${formatCost(left)} left this month` : ' · over this month’s budget';
      tight = left <= 0 || (e.max ?? 0) > left;
    }
    button.textContent = text;
    button.classList.toggle('is-unknown', !e.known);
    button.classList.toggle('is-tight', tight);
    button.title = breakdownLines(e).join('\n');
    button.setAttribute('aria-label', `Estimated cost: ${text}. Show the breakdown.`);
    button.hidden = false;
    detail.replaceChildren(renderDetail(e));
    if (!detail.hidden) setOpen(true);
  };

  /** @param {string} question @returns {Promise<Estimate | null>} */
  const fetchEstimate = async (question) => {
    try {
      return await costEstimate(hooks.args(question));
    } catch (err) {
      console.warn('cost_estimate failed:', toIpcError(err).message);
      return null;
    }
  };

  const refreshNow = async () => {
    clearTimeout(timer);
    const mine = ++seq;
    const e = await fetchEstimate(hooks.question());
    if (mine !== seq || !e) return;
    show(e);
  };

  button.addEventListener('click', () => setOpen(detail.hidden));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !detail.hidden) {
      event.stopPropagation();
      setOpen(false);
    }
  });

  const answer = (/** @type {boolean} */ send) => {
    warning.hidden = true;
    const resolve = pending;
    pending = null;
    resolve?.(send);
  };
  warning.querySelector('[data-action="send"]')?.addEventListener('click', () => answer(true));
  warning.querySelector('[data-action="cancel"]')?.addEventListener('click', () => answer(false));
  warning.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      answer(false);
    }
  });

  return {
    /** Re-estimate after the typing stops (or at once). */
    refresh(immediate = false) {
      clearTimeout(timer);
      if (immediate) refreshNow();
      else timer = setTimeout(refreshNow, DEBOUNCE_MS);
    },
    /** Whether a budget is set, so sending should go through `confirm`. */
    gated: () => hooks.budget() !== null,
    /**
     * Resolves true when `question` may be sent: no budget, within it, or "Send anyway".
     * @param {string} question
     * @returns {Promise<boolean>}
     */
    async confirm(question) {
      const budget = hooks.budget();
      if (budget === null) return true;
      answer(false); // an earlier question still asking is dropped
      const e = await fetchEstimate(question);
      const spent = hooks.spent() ?? 0;
      const left = budget - spent;
      // Always the upper bound: a background run (minutes of searches) may well reach it.
      const most = e?.known ? e.max ?? 0 : null;
      if (most !== null && most <= left) return true;
      if (most === null && left > 0) return true; // unknown price, budget not yet reached
      const text = warning.querySelector('.budget-warning-text');
      if (text) {
        const cost = most === null ? 'Its price is unknown.' : `It could cost up to ${formatEstimate(most)}.`;
        text.textContent = left > 0
          ? `${cost} Only ${formatCost(left)} of your ${formatCost(budget)} monthly budget is left. Send it anyway?`
          : `You have spent ${formatCost(spent)} this month, over your ${formatCost(budget)} budget. ${cost} Send it anyway?`;
      }
      warning.hidden = false;
      // The box itself takes focus, not a button: the Enter that sent the question must not
      // answer it too. Tab reaches the buttons; Esc is "Don't send".
      warning.focus();
      return new Promise((resolve) => {
        pending = resolve;
      });
    },
    /** The warning is showing. */
    asking: () => pending !== null,
    current: () => latest,
  };
}
