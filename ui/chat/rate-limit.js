// What the `x-ratelimit-*` headers of an answer said, put to the person only when few requests
// are left: "2 of 50 requests left for this key; the count starts over in 40 s."

/** @typedef {import('../ipc/ipc.js').RateLimit} RateLimit */

/**
 * The warning to show, or null while plenty are left (more than a tenth of the limit, and more
 * than one request).
 * @param {RateLimit} limit
 * @returns {string | null}
 */
export function rateLimitWarning(limit) {
  if (!limit || typeof limit.remaining !== 'number' || !(limit.remaining >= 0)) return null;
  const total = typeof limit.limit === 'number' && limit.limit > 0 ? limit.limit : null;
  const few = Math.max(1, total ? Math.ceil(total / 10) : 2);
  if (limit.remaining > few) return null;
  const reset = typeof limit.resetSeconds === 'number' && limit.resetSeconds >= 0 ? waitText(limit.resetSeconds) : null;
  const when = reset ? `; the count starts over in ${reset}` : '';
  if (limit.remaining === 0) return `Perplexity will take no more requests from this key for now${when}.`;
  const of = total ? ` of ${total}` : '';
  return `${limit.remaining}${of} ${limit.remaining === 1 ? 'request' : 'requests'} left for this key${when}.`;
}

/** "40 s", "2 min", "1 h 5 min" @param {number} seconds */
function waitText(seconds) {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  return min < 90 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}
