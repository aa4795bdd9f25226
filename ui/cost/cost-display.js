// Cost display: the actual tokens and cost under each answer, from the backend's `usage` event
// (the API's own figure, or one computed from the price table and labelled so), and the money
// formats every cost figure in the window uses.

/** @typedef {import('../ipc/ipc.js').Usage} Usage */

// English UI, English digits: "1,320 tok" whatever the system locale (MiniBrowser's C locale has no grouping).
const tokens = new Intl.NumberFormat('en-US');

/**
 * A cost with every digit the API reported (up to a millionth of a dollar), at least cents:
 * "$0.00501", "$0.005964", "$0.0123", "$0.10", "$1.20".
 * @param {number} amount
 * @param {string} [currency]
 */
export function formatCost(amount, currency = 'USD') {
  let text;
  if (Math.abs(amount) >= 1) text = amount.toFixed(2);
  else text = amount.toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1');
  return !currency || currency.toUpperCase() === 'USD' ? `$${text}` : `${text} ${currency}`;
}

/**
 * A total at a glance (the sidebar): cents, or up to 4 decimals below a dollar: "$0.42",
 * "$0.007", "$0.1235", "$12.50". The exact figure goes in the tooltip.
 * @param {number} amount  USD
 */
export function formatShort(amount) {
  if (Math.abs(amount) >= 1) return `$${amount.toFixed(2)}`;
  return `$${amount.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

/**
 * An estimate, to two significant figures: "$0.0061", "$0.012", "$0.59", "$1.20".
 * @param {number} amount  USD
 */
export function formatEstimate(amount) {
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  if (amount <= 0) return '$0';
  // toPrecision gives exponents below 1e-6; such amounts read better as "< $0.000001".
  if (amount < 1e-6) return '< $0.000001';
  const rounded = Number(amount.toPrecision(2));
  const text = rounded.toFixed(Math.max(2, 1 - Math.floor(Math.log10(rounded))));
  return `$${text.replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

/**
 * "fast → openai/gpt-6-luna" under an answer whose preset (or model) resolved to another model
 * on the server; nothing when the model that answered is the one asked (or is not named).
 * @param {string | null} asked
 * @param {Usage} usage
 * @returns {HTMLElement[]}
 */
export function renderAnsweredBy(asked, usage) {
  const answered = typeof usage.model === 'string' ? usage.model.trim() : '';
  if (!answered || !asked || answered === asked) return [];
  const node = document.createElement('span');
  node.className = 'answered-by';
  node.dataset.testid = 'answered-by';
  node.textContent = `${asked} → ${answered}`;
  node.title = `You asked ${asked}; ${answered} answered`;
  return [node];
}

/**
 * "1,320 tok · $0.00501": a button that opens the breakdown (tokens in and out, reasoning tokens,
 * searches, the cost's parts and where the figure came from), also its tooltip.
 * @param {Usage} usage
 * @returns {HTMLElement}
 */
export function renderCostActual(usage) {
  const wrap = document.createElement('span');
  wrap.className = 'cost-actual-wrap';
  const node = document.createElement('button');
  node.type = 'button';
  node.className = 'cost-actual';
  node.dataset.testid = 'cost-actual';
  const cost = usage.cost && typeof usage.cost.total === 'number' ? usage.cost : null;
  const count = usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  const total = `${tokens.format(count)} tok`;
  node.textContent = cost ? `${total} · ${cost.computed ? '≈ ' : ''}${formatCost(cost.total, cost.currency)}` : total;
  if (cost) {
    node.dataset.total = String(cost.total);
    node.dataset.computed = String(cost.computed);
  }

  const lines = [
    `Input ${tokens.format(usage.inputTokens ?? 0)} tok · output ${tokens.format(usage.outputTokens ?? 0)} tok`,
  ];
  const extras = [];
  if (usage.reasoningTokens) extras.push(`reasoning ${tokens.format(usage.reasoningTokens)} tok`);
  if (usage.searches) extras.push(`${usage.searches} ${usage.searches === 1 ? 'search' : 'searches'}`);
  if (usage.cacheReadTokens) extras.push(`${tokens.format(usage.cacheReadTokens)} tok of the input read from the cache`);
  if (usage.cacheCreationTokens) extras.push(`${tokens.format(usage.cacheCreationTokens)} tok written to the cache`);
  if (extras.length) lines.push(extras.join(' · ').replace(/^./, (c) => c.toUpperCase()));
  if (cost) {
    const parts = [
      ['input', cost.inputCost],
      ['cache reads', cost.cacheReadCost],
      ['cache writes', cost.cacheCreationCost],
      ['output', cost.outputCost],
      ['request', cost.requestCost],
    ]
      .filter(([, value]) => typeof value === 'number')
      .map(([label, value]) => `${label} ${formatCost(/** @type {number} */ (value), cost.currency)}`);
    if (parts.length) lines.push(`Cost: ${parts.join(' + ')}`);
    lines.push(
      cost.computed
        ? `Total ${formatCost(cost.total, cost.currency)}, computed from the price table (the API reported none)`
        : `Total ${formatCost(cost.total, cost.currency)}, as reported by the API`,
    );
  } else {
    lines.push('No cost reported for this answer, and no price for its model');
  }
  node.title = lines.join('\n');

  const detail = document.createElement('span');
  detail.className = 'cost-breakdown';
  detail.dataset.testid = 'cost-breakdown';
  detail.hidden = true;
  for (const line of lines) {
    const row = document.createElement('span');
    row.textContent = line;
    detail.append(row);
  }
  detail.id = `cost-${Math.random().toString(36).slice(2)}`;
  node.setAttribute('aria-controls', detail.id);
  node.setAttribute('aria-expanded', 'false');
  node.setAttribute('aria-label', `Cost: ${node.textContent}. Show the details.`);
  const setOpen = (/** @type {boolean} */ open) => {
    detail.hidden = !open;
    node.setAttribute('aria-expanded', String(open));
  };
  node.addEventListener('click', () => setOpen(detail.hidden));
  node.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !detail.hidden) {
      event.stopPropagation();
      setOpen(false);
    }
  });
  node.addEventListener('blur', () => setOpen(false));
  wrap.append(node, detail);
  return wrap;
}
