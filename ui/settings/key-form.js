// The API key form, built in code because it appears twice: in Settings (status line, field,
// Save, Test key, Remove with an inline confirmation) and as the first-run welcome (field and
// Save). The pasted key goes to the backend once, on Save, and the field is cleared; nothing here
// keeps it. When the keyring cannot be used, the backend's explanation is shown with an explicit
// "Use for this session only" button: there is never a plaintext fallback.

import { keyRemove, keySave, keyStatus, keyTest, toIpcError } from '../ipc/ipc.js';
import {
  failedResult, keyShapeWarning, keyStatusText, removedResult, savedResult, testResult,
} from './key-text.js';
import { el } from '../lib/dom.js';
import { accountSpec } from '../ipc/providers.js';

/**
 * @typedef {import('../ipc/ipc.js').Account} Account
 * @typedef {import('../ipc/ipc.js').KeyStatus} KeyStatus
 * @typedef {import('./key-text.js').KeyResult} KeyResult
 *
 * @typedef {object} KeyFormOptions
 * @property {string} prefix   "" in Settings, "welcome-" on the welcome screen (ids and test ids)
 * @property {boolean} full    with status line, Test key and Remove ("Save key", not the sheet's
 *   primary button); otherwise the field and a primary Save only
 * @property {(status: KeyStatus) => void} onChange  a key was saved or removed
 *
 * @typedef {ReturnType<typeof createKeyForm>} KeyForm
 */

const SVG = 'http://www.w3.org/2000/svg';

/** @param {string} className @param {string} [text] @param {string} [testid] */
function button(className, text, testid) {
  const node = /** @type {HTMLButtonElement} */ (el('button', className, text));
  node.type = 'button';
  if (testid) node.dataset.testid = testid;
  return node;
}

/** An eye, crossed out while the key is shown. */
function eyeIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  for (const [tag, attrs] of /** @type {[string, Record<string, string>][]} */ ([
    ['path', { d: 'M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8z' }],
    ['circle', { cx: '8', cy: '8', r: '2' }],
    ['path', { d: 'M2.5 13.5l11-11', class: 'eye-slash' }],
  ])) {
    const part = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) part.setAttribute(name, value);
    svg.append(part);
  }
  return svg;
}

/** @param {KeyFormOptions} options */
export function createKeyForm({ prefix, full, onChange }) {
  const id = (/** @type {string} */ name) => `${prefix}key-${name}`;
  /** @type {Account} */
  let account = 'perplexity';
  /** @type {KeyStatus | null} */
  let status = null;
  let busy = false;
  /** Bumped on every account switch, so a late answer for the old account is dropped. */
  let generation = 0;

  const root = el('div', 'key-form');
  root.dataset.testid = id('form');

  const statusLine = el('p', 'key-status');
  statusLine.id = id('status');
  statusLine.dataset.testid = id('status');

  const field = el('div', 'field key-field');
  const label = /** @type {HTMLLabelElement} */ (el('label', 'field-label', 'API key'));
  label.htmlFor = id('input');
  const row = el('div', 'key-row');
  const secret = el('div', 'secret');
  const input = /** @type {HTMLInputElement} */ (el('input', 'input mono secret-input'));
  Object.assign(input, { type: 'password', id: id('input'), autocomplete: 'off', spellcheck: false });
  input.dataset.testid = id('input');
  input.setAttribute('autocapitalize', 'off');
  input.setAttribute('autocorrect', 'off');
  const toggle = button('icon-button secret-toggle', undefined);
  toggle.append(eyeIcon());
  toggle.setAttribute('aria-controls', input.id);
  const save = full ? button('btn btn-secondary', 'Save key', id('save')) : button('btn btn-primary btn-compact', 'Save', id('save'));
  secret.append(input, toggle);
  row.append(secret, save);
  const hint = el('p', 'field-hint', 'Kept in the system keyring. This window never sees the key again, only its last four characters.');
  hint.id = id('hint');
  const warning = el('p', 'field-hint key-warning');
  warning.id = id('warning');
  warning.dataset.testid = id('warning');
  warning.hidden = true;
  field.append(label, row, hint, warning);
  input.setAttribute('aria-describedby', `${hint.id} ${warning.id}`);

  const problem = el('div', 'key-problem');
  problem.dataset.testid = id('problem');
  problem.hidden = true;
  const problemText = el('p', 'key-problem-text');
  problemText.id = id('problem-text');
  const problemCause = el('p', 'key-problem-cause mono');
  const sessionOnly = button('btn btn-secondary', 'Use for this session only', id('session'));
  sessionOnly.setAttribute('aria-describedby', `${problemText.id} ${id('session-hint')}`);
  const sessionHint = el('p', 'field-hint', 'Kept in memory until Citewise quits; nothing is written to disk.');
  sessionHint.id = id('session-hint');
  problem.append(problemText, problemCause, sessionOnly, sessionHint);

  const actions = el('div', 'key-actions');
  const test = button('btn btn-secondary', 'Test key', id('test'));
  const remove = button('btn btn-secondary', 'Remove', id('remove'));
  actions.append(test, remove);

  const confirm = el('div', 'key-confirm');
  confirm.setAttribute('role', 'group');
  confirm.dataset.testid = id('confirm');
  confirm.hidden = true;
  const confirmText = el('span', 'key-confirm-text');
  confirmText.id = id('confirm-text');
  confirm.setAttribute('aria-labelledby', confirmText.id);
  const confirmYes = button('btn btn-danger', 'Remove', id('remove-confirm'));
  const confirmNo = button('btn btn-secondary', 'Cancel', id('remove-cancel'));
  confirm.append(confirmText, confirmYes, confirmNo);

  const result = el('p', 'key-result');
  result.dataset.testid = id('result');
  result.setAttribute('role', 'status');
  result.setAttribute('aria-live', 'polite');

  if (full) root.append(statusLine);
  root.append(field, problem);
  if (full) root.append(actions, confirm);
  root.append(result);

  /** @param {KeyResult | null} what */
  const say = (what) => {
    result.replaceChildren();
    result.dataset.tone = what?.tone ?? '';
    if (!what) return;
    result.append(el('strong', 'key-result-lead', what.lead), document.createTextNode(what.text ? ` ${what.text}` : ''));
  };

  const setShown = (/** @type {boolean} */ shown) => {
    input.type = shown ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(shown));
    toggle.setAttribute('aria-label', shown ? 'Hide key' : 'Show key');
    toggle.title = shown ? 'Hide key' : 'Show key';
    toggle.classList.toggle('is-shown', shown);
  };

  /** The backend's sentence, with the platform's cause ("… [cause]") set apart in small print. */
  const showProblem = (/** @type {string | null} */ text) => {
    problem.hidden = !text;
    const parts = (text ?? '').match(/^([\s\S]*?)\s*\[([^\]]*)\]\s*$/);
    problemText.textContent = parts ? parts[1] : text ?? '';
    problemCause.textContent = parts ? parts[2] : '';
    problemCause.hidden = !parts;
    hint.hidden = !!text;
  };

  const updateWarning = () => {
    warning.textContent = keyShapeWarning(account, input.value);
    warning.hidden = warning.textContent === '';
  };

  /** aria-disabled rather than disabled while a call runs: a disabled button would drop focus. */
  const setBusy = (/** @type {boolean} */ on, /** @type {HTMLElement | null} */ which = null) => {
    busy = on;
    for (const b of [save, sessionOnly, test, remove, confirmYes]) {
      if (on) b.setAttribute('aria-disabled', 'true');
      else b.removeAttribute('aria-disabled');
      if (!on || b === which) b.toggleAttribute('aria-busy', on);
    }
  };

  const closeConfirm = (/** @type {boolean} */ refocus) => {
    if (confirm.hidden) return;
    confirm.hidden = true;
    actions.hidden = test.hidden && remove.hidden;
    if (refocus) remove.focus();
  };

  /** @param {KeyStatus} next */
  const render = (next) => {
    status = next;
    statusLine.textContent = keyStatusText(next);
    statusLine.dataset.source = next.source;
    hint.textContent = `Kept in ${next.keyring}. This window never sees the key again, only its last four characters.`;
    showProblem(next.keyringAvailable ? null : next.keyringProblem || 'The system keyring cannot be used right now.');
    test.hidden = !next.present;
    remove.hidden = !(next.source === 'keyring' || next.source === 'session');
    if (remove.hidden) closeConfirm(false);
    actions.hidden = !confirm.hidden || (test.hidden && remove.hidden);
    root.dataset.source = next.source;
  };

  const refresh = async () => {
    const mine = generation;
    try {
      const next = await keyStatus(account);
      if (mine === generation) render(next);
    } catch (err) {
      if (mine !== generation) return;
      statusLine.textContent = `Could not read the key status: ${toIpcError(err).message}`;
      statusLine.dataset.source = 'unknown';
    }
  };

  /**
   * Send the field's key to the backend once; clear the field when it is stored.
   * @param {boolean} [inSession]  keep it for this session only (the keyring is unavailable)
   * @returns {Promise<boolean>} whether it was saved
   */
  const saveKey = async (inSession = false) => {
    if (busy) return false;
    if (input.value.trim() === '') {
      say({ tone: 'error', lead: 'Nothing to save.', text: 'Paste your API key into the field first.' });
      input.focus();
      return false;
    }
    const odd = keyShapeWarning(account, input.value) !== '';
    setBusy(true, inSession ? sessionOnly : save);
    say({ tone: 'info', lead: 'Saving…', text: '' });
    try {
      const next = await keySave(account, input.value, inSession);
      input.value = '';
      setShown(false);
      updateWarning();
      render(next);
      say(savedResult(next, odd));
      onChange(next);
      return true;
    } catch (err) {
      const error = toIpcError(err);
      if (error.kind === 'keyring_unavailable') {
        showProblem(error.message);
        say({ tone: 'warn', lead: 'Not saved.', text: 'The keyring cannot be used. Use the key for this session only, or fix the keyring and Save again.' });
      } else {
        say(failedResult(error));
        input.focus();
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  const runTest = async () => {
    if (busy) return;
    setBusy(true, test);
    say({ tone: 'info', lead: 'Testing…', text: '' });
    try {
      say(testResult(await keyTest(account)));
    } catch (err) {
      say(testResult(null, toIpcError(err)));
    } finally {
      setBusy(false);
    }
  };

  const removeKey = async () => {
    if (busy) return;
    setBusy(true, confirmYes);
    try {
      const next = await keyRemove(account);
      closeConfirm(false);
      render(next);
      say(removedResult(next));
      onChange(next);
      input.focus();
    } catch (err) {
      closeConfirm(true);
      say(failedResult(toIpcError(err)));
      // Part of it may have happened (the session key goes before the keyring is asked).
      await refresh();
      if (status) onChange(status);
    } finally {
      setBusy(false);
    }
  };

  input.addEventListener('input', updateWarning);
  input.addEventListener('keydown', (event) => {
    // Enter saves the key; it must not submit the Settings form around it.
    if (event.key !== 'Enter' || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    saveKey(false);
  });
  toggle.addEventListener('click', () => setShown(input.type === 'password'));
  save.addEventListener('click', () => saveKey(false));
  sessionOnly.addEventListener('click', () => saveKey(true));
  test.addEventListener('click', runTest);
  remove.addEventListener('click', () => {
    if (busy) return;
    confirmText.textContent = status?.source === 'session' ? 'Forget the key for this session?' : 'Remove the stored key?';
    actions.hidden = true;
    confirm.hidden = false;
    say(null);
    confirmNo.focus();
  });
  confirmYes.addEventListener('click', removeKey);
  confirmNo.addEventListener('click', () => closeConfirm(true));
  confirm.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    closeConfirm(true);
  });
  setShown(false);

  return {
    el: root,
    input,
    /** @returns {Account} */
    account: () => account,
    /** @returns {KeyStatus | null} */
    status: () => status,
    /**
     * Show the key of `next` (refetching its status when it changes or `force`).
     * @param {Account} next
     * @param {boolean} [force]
     */
    async setAccount(next, force = false) {
      const changed = next !== account || status === null;
      account = next;
      input.placeholder = accountSpec(next).keyPlaceholder;
      if (changed) {
        generation += 1;
        closeConfirm(false);
        say(null);
        input.value = '';
        updateWarning();
      }
      if (changed || force) await refresh();
    },
    refresh,
    save: saveKey,
    say,
    /** Whether the field holds a key that has not been saved. */
    pending: () => input.value.trim() !== '',
    /** Forget what was typed and any message (the sheet closed, the welcome went away). */
    reset() {
      input.value = '';
      setShown(false);
      updateWarning();
      closeConfirm(false);
      say(null);
    },
    focus() {
      input.focus({ preventScroll: true });
      input.scrollIntoView({ block: 'center' });
    },
  };
}
