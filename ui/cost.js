// Cost display. Today: the actual tokens and cost under each answer, from the backend's `usage`
// event (the API's own figure, or one computed from the price table and labelled so).

/** @typedef {import('./ipc.js').Usage} Usage */

// English UI, English digits: "1,320 tok" whatever the system locale (MiniBrowser's C locale has no grouping).
const tokens = new Intl.NumberFormat('en-US');

/**
 * @param {number} amount
 * @param {string} currency
 */
export function formatMoney(amount, currency) {
  const digits = Math.abs(amount) >= 1 ? 2 : 4;
  const fixed = amount.toFixed(digits);
  return !currency || currency.toUpperCase() === 'USD' ? `$${fixed}` : `${fixed} ${currency}`;
}

/**
 * "1,320 tok · $0.0030", with a title breaking it down.
 * @param {Usage} usage
 * @returns {HTMLElement}
 */
export function renderCostActual(usage) {
  const node = document.createElement('span');
  node.className = 'cost-actual';
  node.dataset.testid = 'cost-actual';
  const cost = usage.cost && typeof usage.cost.total === 'number' ? usage.cost : null;
  const count = usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  const total = `${tokens.format(count)} tok`;
  node.textContent = cost ? `${total} · ${cost.computed ? '≈ ' : ''}${formatMoney(cost.total, cost.currency)}` : total;

  const lines = [
    `Input ${tokens.format(usage.inputTokens ?? 0)} tok · output ${tokens.format(usage.outputTokens ?? 0)} tok`,
  ];
  const extras = [];
  if (usage.reasoningTokens) extras.push(`reasoning ${tokens.format(usage.reasoningTokens)} tok`);
  if (usage.searches) extras.push(`${usage.searches} ${usage.searches === 1 ? 'search' : 'searches'}`);
  if (extras.length) lines.push(extras.join(' · ').replace(/^./, (c) => c.toUpperCase()));
  if (cost) {
    const parts = [
      ['input', cost.inputCost],
      ['output', cost.outputCost],
      ['request', cost.requestCost],
    ]
      .filter(([, value]) => typeof value === 'number')
      .map(([label, value]) => `${label} ${formatMoney(/** @type {number} */ (value), cost.currency)}`);
    if (parts.length) lines.push(`Cost: ${parts.join(' + ')}`);
    lines.push(
      cost.computed
        ? `Total ${formatMoney(cost.total, cost.currency)}, computed from the price table`
        : `Total ${formatMoney(cost.total, cost.currency)}, as reported by the API`,
    );
  } else {
    lines.push('No cost reported for this answer');
  }
  node.title = lines.join('\n');
  return node;
}
