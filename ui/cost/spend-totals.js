// Spending totals: this month's in the sidebar foot (with the budget), the shown conversation's
// in the header. The window says where its local day and month begin, so the totals follow the
// person's time zone and daylight saving.

import { spendSummary, toIpcError } from '../ipc/ipc.js';
import { formatCost, formatShort } from './cost-display.js';

/**
 * @typedef {import('../ipc/ipc.js').SpendSummary} SpendSummary
 * @typedef {import('../ipc/ipc.js').SpendTotal} SpendTotal
 */

/**
 * Local midnight today and the first of this month, unix ms.
 * @param {Date} [now]
 */
export function localStarts(now = new Date()) {
  return {
    dayStart: new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime(),
    monthStart: new Date(now.getFullYear(), now.getMonth(), 1).getTime(),
  };
}

/** "3 answers" / "3 answers, 1 computed from the price table" @param {SpendTotal} t */
export function answersText(t) {
  const answers = `${t.answers} ${t.answers === 1 ? 'answer' : 'answers'}`;
  return t.computed ? `${answers}, ${t.computed} computed from the price table` : answers;
}

/**
 * @param {{spendButton: HTMLElement, conversationTotal: HTMLElement}} els
 * @param {{budget: () => number | null}} hooks
 */
export function bindTotals({ spendButton, conversationTotal }, hooks) {
  const month = /** @type {HTMLElement} */ (spendButton.querySelector('[data-part="month"]'));
  const budgetPart = /** @type {HTMLElement} */ (spendButton.querySelector('[data-part="budget"]'));
  /** @type {SpendSummary | null} */
  let latest = null;
  let seq = 0;
  /** @type {string | null} */
  let shownId = null;

  const render = () => {
    if (!latest) return;
    const budget = hooks.budget();
    const spent = latest.month.total;
    month.textContent = `${formatShort(spent)} this month`;
    budgetPart.textContent = budget !== null ? `of ${formatShort(budget)}` : '';
    const over = budget !== null && spent > budget;
    spendButton.classList.toggle('is-over', over);
    const lines = [
      `Today: ${formatCost(latest.today.total)} (${answersText(latest.today)})`,
      `This month: ${formatCost(spent)} (${answersText(latest.month)})`,
    ];
    if (budget !== null) {
      lines.push(over
        ? `Over the ${formatCost(budget)} monthly budget by ${formatCost(spent - budget)}`
        : `Budget: ${formatCost(budget)}, ${formatCost(budget - spent)} left`);
    }
    lines.push('Open the spending view');
    // The visible text names the button (as it reads); the breakdown is its description.
    spendButton.title = lines.join('\n');

    const c = latest.conversation;
    conversationTotal.hidden = !c || c.answers === 0;
    if (c && c.answers > 0) {
      conversationTotal.textContent = formatCost(c.total);
      conversationTotal.dataset.total = String(c.total);
      conversationTotal.title = `This conversation: ${formatCost(c.total)} over ${answersText(c)} (every version)`;
      conversationTotal.setAttribute('aria-label', conversationTotal.title);
    }
  };

  return {
    /**
     * Ask again (after an answer, on opening a conversation, after Settings).
     * @param {string | null} [conversationId]  undefined: the one shown before
     */
    async refresh(conversationId) {
      if (conversationId !== undefined) {
        if (conversationId !== shownId) conversationTotal.hidden = true;
        shownId = conversationId;
      }
      const mine = ++seq;
      try {
        const summary = await spendSummary({ ...localStarts(), conversationId: shownId });
        if (mine !== seq) return;
        latest = summary;
        render();
      } catch (err) {
        console.warn('spend_summary failed:', toIpcError(err).message);
      }
    },
    /** The budget changed in Settings. */
    render,
    /** This month's spending, once known. */
    monthSpent: () => latest?.month.total ?? null,
  };
}
