// The price table as the person sees it: the shipped rows with their own prices laid over them,
// the fields a row has, how its numbers read, and what makes an edited row acceptable. Plain
// functions over plain objects (no DOM), shared by Settings → Cost and the unit tests.

/**
 * @typedef {import('../ipc/ipc.js').ModelPrice} ModelPrice
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 *
 * @typedef {object} PriceRow   one row of the effective table
 * @property {ModelPrice} price            what estimates and computed costs use
 * @property {ModelPrice | null} shipped   the shipped row of that model, if there is one
 * @property {boolean} overridden          the person's price replaces or adds this row
 *
 * @typedef {object} PriceField   one editable number of a row
 * @property {string} key      path in a ModelPrice: "inputPerMillion", "requestFeePerThousand.low"
 * @property {string} label    shown over the input: "Input per 1M tokens"
 * @property {string} name     in sentences, as the backend says it: "the input price"
 */

export const YOUR_PRICE = 'Your price';

/** Every number a row can have, in the order the editor shows them. @type {PriceField[]} */
export const PRICE_FIELDS = [
  { key: 'inputPerMillion', label: 'Input per 1M tokens', name: 'the input price' },
  { key: 'outputPerMillion', label: 'Output per 1M tokens', name: 'the output price' },
  { key: 'requestFeePerThousand.low', label: 'Requests per 1K, low context', name: 'the low context fee' },
  { key: 'requestFeePerThousand.medium', label: 'Requests per 1K, medium context', name: 'the medium context fee' },
  { key: 'requestFeePerThousand.high', label: 'Requests per 1K, high context', name: 'the high context fee' },
  { key: 'searchPerThousand', label: 'Searches per 1K', name: 'the search price' },
  { key: 'citationPerMillion', label: 'Citation tokens per 1M', name: 'the citation price' },
  { key: 'reasoningPerMillion', label: 'Reasoning tokens per 1M', name: 'the reasoning price' },
  { key: 'cacheReadPerMillion', label: 'Cache reads per 1M tokens', name: 'the cache read price' },
  { key: 'cacheWritePerMillion', label: 'Cache writes per 1M tokens', name: 'the cache write price' },
];

/**
 * The value at `key` ("a" or "a.b"), or undefined.
 * @param {object} row @param {string} key
 * @returns {unknown}
 */
export function fieldValue(row, key) {
  return key.split('.').reduce(
    (/** @type {unknown} */ value, part) => (value && typeof value === 'object' ? /** @type {Record<string, unknown>} */ (value)[part] : undefined),
    /** @type {unknown} */ (row),
  );
}

/**
 * A copy of `row` with `key` set; objects on the way are copied, not shared.
 * @template {object} T @param {T} row @param {string} key @param {number} value @returns {T}
 */
export function withField(row, key, value) {
  const [head, tail] = key.split('.');
  if (!tail) return { ...row, [head]: value };
  const old = /** @type {Record<string, unknown>} */ (row)[head];
  const inner = old && typeof old === 'object' ? old : {};
  return { ...row, [head]: { ...inner, [tail]: value } };
}

/**
 * The fields a row has: input and output always, the others when the row carries them.
 * @param {object} row
 * @returns {PriceField[]}
 */
export function fieldsOf(row) {
  return PRICE_FIELDS.filter((f) => f.key === 'inputPerMillion' || f.key === 'outputPerMillion' || fieldValue(row, f.key) !== undefined);
}

/**
 * The effective table: shipped rows in their order, each replaced by the person's price for the
 * same model when there is one, then the models only the person priced, in their order.
 * @param {ModelPrice[]} shipped
 * @param {ModelPrice[]} overrides
 * @returns {PriceRow[]}
 */
export function mergePrices(shipped, overrides) {
  /** @type {Map<string, ModelPrice>} */
  const own = new Map();
  for (const row of overrides ?? []) if (row && !own.has(row.model)) own.set(row.model, row);
  /** @type {PriceRow[]} */
  const rows = (shipped ?? []).map((row) => ({ price: own.get(row.model) ?? row, shipped: row, overridden: own.has(row.model) }));
  const known = new Set((shipped ?? []).map((row) => row.model));
  for (const row of own.values()) if (!known.has(row.model)) rows.push({ price: row, shipped: null, overridden: true });
  return rows;
}

/**
 * "$15", "$2.50", "$0.0625": whole dollars bare, cents always two digits, small rates in full.
 * @param {number} value
 */
export function formatRate(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return `$${value}`;
  let digits = 2;
  while (digits < 6 && Number(value.toFixed(digits)) !== value) digits += 1;
  return `$${value.toFixed(digits)}`;
}

/**
 * The per-request and per-search part of a row, compactly, and in full for a tooltip.
 * @param {ModelPrice} row
 * @returns {{short: string[], long: string}}  short: one line each; long: a sentence
 */
export function feesText(row) {
  const short = [];
  const long = [];
  const fees = row.requestFeePerThousand;
  if (fees && typeof fees === 'object') {
    short.push(`${formatRate(fees.low)} / ${formatRate(fees.medium)} / ${formatRate(fees.high)} per 1K requests`);
    long.push(`Request fee per 1,000 requests by search context: low ${formatRate(fees.low)}, medium ${formatRate(fees.medium)}, high ${formatRate(fees.high)}.`);
  }
  if (typeof row.searchPerThousand === 'number') {
    short.push(`${formatRate(row.searchPerThousand)} per 1K searches`);
    long.push(`Searches: ${formatRate(row.searchPerThousand)} per 1,000.`);
  }
  const tokens = [
    ['citations', row.citationPerMillion],
    ['reasoning', row.reasoningPerMillion],
    ['cache reads', row.cacheReadPerMillion],
    ['cache writes', row.cacheWritePerMillion],
  ].filter(([, value]) => typeof value === 'number');
  if (tokens.length) {
    // A no-break space keeps "/1M" with its price.
    short.push(`${tokens.map(([what, value]) => `${what} ${formatRate(/** @type {number} */ (value))}`).join(', ')}\u00a0/1M`);
    long.push(`Per 1M tokens: ${tokens.map(([what, value]) => `${what} ${formatRate(/** @type {number} */ (value))}`).join(', ')}.`);
  }
  return { short, long: long.join(' ') };
}

/**
 * One line per price of a row, for the tooltip of an overridden row ("Shipped price: …").
 * @param {ModelPrice} row
 */
export function describePrice(row) {
  const fees = feesText(row).long;
  return `Input ${formatRate(row.inputPerMillion)}, output ${formatRate(row.outputPerMillion)} per 1M tokens.${fees ? ` ${fees}` : ''}`;
}

/**
 * A typed amount: "" is null; "$1.5" and " 1.5 " are 1.5; anything else is NaN.
 * @param {string} text
 * @param {boolean} [badInput]  the number field could not read what was typed
 * @returns {number | null}
 */
export function parseAmount(text, badInput = false) {
  if (badInput) return Number.NaN;
  const trimmed = String(text ?? '').trim().replace(/^\$\s*/, '');
  if (trimmed === '') return null;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** @param {string} model @param {PriceField} field */
export function amountError(model, field) {
  return `Price for ${model}: ${field.name} must be a number of dollars, 0 or more.`;
}

/**
 * Why a model id cannot be added, or null.
 * @param {string} model  trimmed
 * @param {PriceRow[]} rows  the effective table
 */
export function modelIdError(model, rows) {
  if (!model) return 'A price needs a model id.';
  if (/\s/.test(model)) return `“${model}” has spaces in it; a model id is one word, like gpt-4o-mini or llama3.1:8b.`;
  if (rows.some((r) => r.price.model === model)) return `${model} already has a price; use Edit on its row to change it.`;
  return null;
}

/**
 * Check the amounts typed for `model`.
 * @param {string} model
 * @param {{field: PriceField, value: number | null}[]} amounts
 * @returns {{field: PriceField, message: string} | null}  the first bad one
 */
export function amountsError(model, amounts) {
  for (const { field, value } of amounts) {
    if (value === null || !Number.isFinite(value) || value < 0) return { field, message: amountError(model, field) };
  }
  return null;
}

/**
 * True when two rows ask the same prices (the fields of either; other fields are not compared).
 * @param {ModelPrice} a @param {ModelPrice} b
 */
export function samePrices(a, b) {
  const keys = new Set([...fieldsOf(a), ...fieldsOf(b)].map((f) => f.key));
  return [...keys].every((key) => fieldValue(a, key) === fieldValue(b, key)) && a.provider === b.provider;
}

/**
 * The monthly budget as typed: empty is no budget.
 * @param {string} text
 * @param {boolean} [badInput]
 * @returns {{value: number | null} | {error: string}}
 */
export function parseBudget(text, badInput = false) {
  const value = parseAmount(text, badInput);
  if (value === null) return { value: null };
  if (Number.isNaN(value)) return { error: 'The monthly budget must be an amount in dollars, like 20 or 12.50 (leave it empty for no budget).' };
  if (!Number.isFinite(value) || value <= 0) return { error: 'The monthly budget must be more than $0 (leave it empty for no budget).' };
  return { value };
}

/** How a stored budget shows in its field: "20", "12.50", "0.005". @param {number | null | undefined} value */
export function budgetText(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (Number.isInteger(value)) return String(value);
  return Number(value.toFixed(2)) === value ? value.toFixed(2) : String(value);
}

/** Today's local date, YYYY-MM-DD. @param {Date} [now] */
export function localDate(now = new Date()) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
