// What a question starts with before the backend has answered: a request id of our own (for
// chat_cancel) and the provisional title shown until the receipt brings the saved one.

const TITLE_LENGTH = 48;

/**
 * First question → conversation title, cut at a word boundary (the backend titles it the same way).
 * @param {string} question
 * @returns {string}
 */
export function titleFrom(question) {
  const flat = question.replace(/\s+/g, ' ').trim();
  if (flat.length <= TITLE_LENGTH) return flat;
  const cut = flat.slice(0, TITLE_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

/** A v4 UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newRequestId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
