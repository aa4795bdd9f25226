// The Settings sheet: the API key (see key-form.js), provider and model defaults with the connection
// in use now, search defaults, cost (budget and prices, see cost/cost-settings.js), and a button to the
// About dialog (about.js, wired in app/dialogs.js). Opening it reads `settings_get`, the key status,
// `app_status` and the price table; Save sends the whole settings object to `settings_update` and
// shows the backend's validation message inline (the sheet stays open); on success the sheet
// closes and the window refreshes what depends on settings. The key section follows the provider
// picked in the form. Esc closes the sheet, Tab stays inside, focus goes back.

import { bindCostSettings } from '../cost/cost-settings.js';
import { pricesGet, settingsGet, settingsUpdate } from '../ipc/ipc.js';
import { accountFor, accountSpec, providerSpec } from '../ipc/providers.js';
import { createKeyForm } from './key-form.js';
import { bindSettingsForm } from './settings-form.js';
import { trapTab } from '../lib/focus-trap.js';
import { returnFocusOnClose } from '../lib/modal.js';

/**
 * @typedef {import('../ipc/ipc.js').AppStatus} AppStatus
 * @typedef {import('../ipc/ipc.js').Settings} Settings
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 * @typedef {import('../ipc/ipc.js').ModelList} ModelList
 * @typedef {import('../ipc/ipc.js').Account} Account
 * @typedef {import('../ipc/ipc.js').KeyStatus} KeyStatus
 * @typedef {import('./key-text.js').KeyResult} KeyResult
 *
 * @typedef {object} SettingsHooks
 * @property {() => Promise<AppStatus>} loadStatus   app_status, with its notices handled
 * @property {(provider: Provider) => ModelList | null} modelsFor
 * @property {(settings: Settings) => Promise<void>} onSaved
 * @property {(status: KeyStatus) => void} onKeyChange   a key was saved or removed
 *
 * @typedef {object} OpenOptions
 * @property {HTMLElement | null} [opener]  where focus goes back to (default: what had it)
 * @property {boolean} [atKey]              scroll to the API key and focus its field
 * @property {KeyResult} [message]          shown under the key field
 */


/**
 * @param {HTMLElement} root
 * @param {AppStatus} status
 */
function renderStatus(root, status) {
  const set = (/** @type {string} */ field, /** @type {string} */ text) => {
    const node = root.querySelector(`[data-field="${field}"]`);
    if (node) node.textContent = text;
  };
  set('provider', providerSpec(status.provider).label);
  set('base-url', status.baseUrl);
}

/**
 * @param {{dialog: HTMLDialogElement, openButton: HTMLElement}} els
 * @param {SettingsHooks} hooks
 * @returns {{open: (options?: OpenOptions) => Promise<void>, renderStatus: (status: AppStatus) => void, refreshModels: () => void}}
 */
export function bindSettings({ dialog, openButton }, hooks) {
  const form = /** @type {HTMLFormElement} */ (dialog.querySelector('form'));
  const error = /** @type {HTMLElement} */ (dialog.querySelector('[data-testid="settings-error"]'));
  const save = /** @type {HTMLButtonElement} */ (dialog.querySelector('[data-testid="settings-save"]'));
  const keySlot = /** @type {HTMLElement} */ (dialog.querySelector('#settings-key-slot'));
  const keyAccount = /** @type {HTMLElement} */ (dialog.querySelector('#settings-key-account'));
  const keys = createKeyForm({ prefix: '', full: true, onChange: (status) => hooks.onKeyChange(status) });
  keySlot.replaceChildren(keys.el);
  /** Show the key of `account` (a fresh status when `force`). */
  const keyFor = (/** @type {Account} */ account, force = false) => {
    keyAccount.textContent = accountSpec(account).keyIntro;
    return keys.setAccount(account, force);
  };
  const fields = bindSettingsForm(form, {
    modelsFor: hooks.modelsFor,
    onProvider: (provider) => keyFor(accountFor(provider)),
  });
  const cost = bindCostSettings(/** @type {HTMLElement} */ (dialog.querySelector('#settings-cost')));
  let loaded = false;

  const clearError = () => {
    error.hidden = true;
    error.textContent = '';
    for (const node of form.querySelectorAll('[aria-invalid="true"]')) {
      node.removeAttribute('aria-invalid');
      const described = (node.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== error.id);
      if (described.length) node.setAttribute('aria-describedby', described.join(' '));
      else node.removeAttribute('aria-describedby');
    }
  };

  /** @param {string} message @param {HTMLElement | null} field */
  const showError = (message, field) => {
    clearError();
    error.textContent = message;
    error.hidden = false;
    if (field && !field.closest('[hidden]')) {
      field.setAttribute('aria-invalid', 'true');
      const described = (field.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
      field.setAttribute('aria-describedby', [...described, error.id].join(' '));
      field.focus({ preventScroll: true });
      field.scrollIntoView({ block: 'center' });
    }
  };

  const load = async () => {
    loaded = false;
    save.disabled = true;
    const [settings, status, prices] = await Promise.allSettled([settingsGet(), hooks.loadStatus(), pricesGet()]);
    if (status.status === 'fulfilled') renderStatus(dialog, status.value);
    const provider = settings.status === 'fulfilled' ? settings.value.provider
      : status.status === 'fulfilled' ? status.value.provider : 'agent';
    const key = keyFor(accountFor(provider), true);
    if (settings.status === 'fulfilled') {
      fields.fill(settings.value);
      if (prices.status === 'fulfilled') cost.fill(settings.value, prices.value);
      else cost.fill(settings.value, null, prices.reason?.message ?? String(prices.reason));
      loaded = true;
      save.disabled = false;
    } else {
      showError(`Could not read the settings: ${settings.reason?.message ?? settings.reason}`, null);
    }
    await key;
  };

  /** @param {OpenOptions} [options] */
  const open = async (options = {}) => {
    const { opener = null, atKey = false, message } = options;
    if (!dialog.open) {
      clearError();
      modal.showModal(opener, openButton);
      dialog.querySelector(/** @type {'button'} */ ('[data-close]'))?.focus();
    }
    await load();
    if (!dialog.open) return;
    if (atKey) {
      keys.focus();
      if (message) keys.say(message);
    } else if (dialog.contains(document.activeElement) && document.activeElement?.matches('[data-close]')) {
      /** @type {HTMLElement | null} */ (form.querySelector('input[name="provider"]:checked'))?.focus();
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!loaded || save.disabled) return;
    // A key typed but not saved yet is saved with the rest; if that fails, the sheet stays open.
    if (keys.pending() && !(await keys.save())) return;
    const read = fields.read();
    if ('error' in read) {
      showError(read.error.message, read.error.field);
      return;
    }
    const costs = cost.read();
    if ('error' in costs) {
      showError(costs.error.message, costs.error.field);
      return;
    }
    clearError();
    save.disabled = true;
    save.setAttribute('aria-busy', 'true');
    try {
      const saved = await settingsUpdate({ ...read.settings, ...costs.value });
      dialog.close();
      await hooks.onSaved(saved);
    } catch (err) {
      const message = String((err && typeof err === 'object' && 'message' in err && err.message) || 'The settings could not be saved.');
      const costField = cost.fieldFor(message);
      showError(message, costField === undefined ? fields.fieldFor(message) : costField);
    } finally {
      save.disabled = false;
      save.removeAttribute('aria-busy');
    }
  });

  trapTab(dialog);

  dialog.addEventListener('close', () => keys.reset());
  const modal = returnFocusOnClose(dialog, { fallback: () => openButton });

  // WebKit does not focus a clicked button everywhere; say where focus goes back to.
  openButton.addEventListener('click', () => open({ opener: openButton }));
  for (const close of dialog.querySelectorAll('[data-close]')) {
    close.addEventListener('click', () => dialog.close());
  }
  // A click on the backdrop lands on the dialog element itself.
  dialog.addEventListener('mousedown', (event) => {
    if (event.target === dialog) dialog.close();
  });

  return {
    open,
    renderStatus: (status) => renderStatus(dialog, status),
    refreshModels: () => {
      if (dialog.open && loaded) fields.refreshModels();
    },
  };
}
