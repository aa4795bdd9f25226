// The words of the API key forms, kept apart from the DOM so the self-test can check them: the
// status line, the results of Save, Test and Remove, and the gentle "not a pplx- key" warning.

import { accountSpec } from '../ipc/providers.js';

/**
 * @typedef {import('../ipc/ipc.js').Account} Account
 * @typedef {import('../ipc/ipc.js').KeyStatus} KeyStatus
 * @typedef {import('../ipc/ipc.js').IpcError} IpcError
 * @typedef {"ok" | "warn" | "error" | "info"} Tone
 * @typedef {{tone: Tone, lead: string, text: string}} KeyResult  shown as "<lead> <text>"
 */


/**
 * One line saying where the key in use comes from and where it may be sent, never the key itself.
 * @param {Pick<KeyStatus, "account" | "source" | "last4" | "keyring"> & {origin?: string | null}} status
 */
export function keyStatusText(status) {
  const host = status.origin ? status.origin.replace(/^https:\/\//, '') : '';
  const ends = (status.last4 ? ` · ends in ${status.last4}` : '') + (host ? ` · for ${host}` : '');
  switch (status.source) {
    case 'keyring':
      return `Stored in ${status.keyring || 'the system keyring'}${ends}`;
    case 'session':
      return `For this session only${ends}`;
    case 'env':
      return `From ${accountSpec(status.account).envKey} (this session only)${ends}`;
    default:
      return 'No key';
  }
}

/**
 * A gentle warning for a key that does not start as the account's keys do (Perplexity's, pplx-);
 * never a refusal.
 * @param {Account} account
 * @param {string} value  what is in the field
 * @returns {string}  empty when there is nothing to say
 */
export function keyShapeWarning(account, value) {
  const key = value.trim();
  const { label, keyPrefix } = accountSpec(account);
  if (!keyPrefix || key === '' || key.startsWith(keyPrefix)) return '';
  return `${label} keys usually start with ${keyPrefix}: check that you copied the whole key. You can still save it.`;
}

/**
 * After a successful Save.
 * @param {KeyStatus} status
 * @param {boolean} odd  the key did not look like a Perplexity key
 * @returns {KeyResult}
 */
export function savedResult(status, odd) {
  const ends = status.last4 ? ` · ends in ${status.last4}` : '';
  /** @type {KeyResult} */
  const result = status.source === 'session'
    ? { tone: 'ok', lead: `Saved for this session only${ends}.`, text: 'Citewise forgets it when it quits.' }
    : { tone: 'ok', lead: 'Saved', text: `in ${status.keyring}${ends}.` };
  if (odd) {
    result.tone = 'warn';
    result.text += ' It does not start with pplx-; Test key checks whether it works.';
  }
  return result;
}

/** @type {Record<string, string>} */
const TEST_LEADS = {
  auth: 'Invalid key or out of credits.',
  network: 'Could not reach the provider.',
  tls: 'The secure connection failed.',
  redirect: 'The API address redirects elsewhere.',
  rate_limit: 'Rate limited.',
  timeout: 'No answer in time.',
  server: 'The provider had a problem.',
  bad_request: 'The provider refused the request.',
};

/**
 * What Test key found out.
 * @param {{models: number} | null} ok
 * @param {IpcError | null} [error]
 * @returns {KeyResult}
 */
export function testResult(ok, error = null) {
  if (ok) {
    const n = Number(ok.models) || 0;
    return { tone: 'ok', lead: 'Key works', text: `· ${n} ${n === 1 ? 'model' : 'models'} available` };
  }
  const kind = String(error?.kind ?? 'unknown');
  if (kind === 'no_key') return { tone: 'error', lead: 'No key to test.', text: 'Paste a key and save it first.' };
  if (kind === 'key_elsewhere') {
    return { tone: 'warn', lead: 'Not tested.', text: `${error?.message ?? ''} Save the settings to be asked, or enter the key again.` };
  }
  const message = error?.message || 'The key could not be tested.';
  const wait = kind === 'rate_limit' && error?.retryAfter ? ` Try again in ${Math.ceil(error.retryAfter)} s.` : '';
  return { tone: 'error', lead: TEST_LEADS[kind] ?? 'Key test failed.', text: `${message}${wait}` };
}

/**
 * Why Save or Remove did not work (keyring_unavailable is shown with its own choice instead).
 * @param {IpcError} error
 * @returns {KeyResult}
 */
export function failedResult(error) {
  const lead = error.kind === 'bad_key' ? 'Not saved.' : error.kind === 'keyring' ? 'The keyring said no.' : 'Not done.';
  return { tone: 'error', lead, text: error.message || 'Something went wrong.' };
}

/**
 * After Remove.
 * @param {KeyStatus} status  what is in use now (a key from the environment stays)
 * @returns {KeyResult}
 */
export function removedResult(status) {
  if (status.source === 'env') {
    return { tone: 'info', lead: 'Removed.', text: `${accountSpec(status.account).envKey} from the environment is in use until Citewise quits.` };
  }
  return { tone: 'info', lead: 'Removed.', text: 'Citewise has no key now; paste one to ask questions.' };
}
