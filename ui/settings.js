// The Settings sheet: key status, provider and model defaults, search defaults, About. Opening it
// reads `settings_get`; Save sends the whole object to `settings_update` and shows the backend's
// validation message inline (the sheet stays open); on success the sheet closes and the window
// refreshes what depends on settings. Esc closes it, Tab stays inside, focus goes back after.

import { settingsGet, settingsUpdate } from './ipc.js';
import { bindSettingsForm, keyVariable } from './settings-form.js';

/**
 * @typedef {import('./ipc.js').AppStatus} AppStatus
 * @typedef {import('./ipc.js').Settings} Settings
 * @typedef {import('./ipc.js').Provider} Provider
 * @typedef {import('./ipc.js').ModelList} ModelList
 *
 * @typedef {object} SettingsHooks
 * @property {() => Promise<AppStatus>} loadStatus   app_status, with its notices handled
 * @property {(provider: Provider) => ModelList | null} modelsFor
 * @property {(settings: Settings) => Promise<void>} onSaved
 */

const PROVIDERS = {
  agent: 'Perplexity Agent API',
  sonar: 'Perplexity Sonar',
  openai: 'OpenAI-compatible endpoint',
};

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * One line saying where the selected provider's key comes from, never the key itself.
 * @param {AppStatus} status
 */
export function keyStatusText(status) {
  const variable = keyVariable(status.provider);
  const last4 = status.keyLast4 ? ` · ends in ${status.keyLast4}` : '';
  switch (status.keySource) {
    case 'env':
      return `From ${variable} (this session only)${last4}`;
    case 'keyring':
      return `Saved in the system keyring${last4}`;
    default:
      return `No key — set ${variable} before starting Citewise`;
  }
}

/**
 * @param {HTMLElement} root
 * @param {AppStatus} status
 */
function renderStatus(root, status) {
  const set = (field, text) => {
    const node = root.querySelector(`[data-field="${field}"]`);
    if (node) node.textContent = text;
  };
  const key = /** @type {HTMLElement | null} */ (root.querySelector('[data-testid="key-status"]'));
  if (key) {
    key.textContent = keyStatusText(status);
    key.dataset.source = status.keySource;
  }
  set('provider', PROVIDERS[status.provider] ?? status.provider);
  set('base-url', status.baseUrl);
  set('data-dir', status.dataDir ?? '—');
  set('version', status.version);
}

/**
 * @param {{dialog: HTMLDialogElement, openButton: HTMLElement}} els
 * @param {SettingsHooks} hooks
 * @returns {{open: (opener?: HTMLElement | null) => Promise<void>, renderStatus: (status: AppStatus) => void, refreshModels: () => void}}
 */
export function bindSettings({ dialog, openButton }, hooks) {
  const form = /** @type {HTMLFormElement} */ (dialog.querySelector('form'));
  const error = /** @type {HTMLElement} */ (dialog.querySelector('[data-testid="settings-error"]'));
  const save = /** @type {HTMLButtonElement} */ (dialog.querySelector('[data-testid="settings-save"]'));
  const fields = bindSettingsForm(form, { modelsFor: hooks.modelsFor });
  /** @type {HTMLElement | null} */
  let returnTo = null;
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
    const [settings, status] = await Promise.allSettled([settingsGet(), hooks.loadStatus()]);
    if (status.status === 'fulfilled') renderStatus(dialog, status.value);
    else {
      const key = dialog.querySelector('[data-testid="key-status"]');
      if (key) key.textContent = `Could not read the key status: ${status.reason?.message ?? status.reason}`;
    }
    if (settings.status === 'fulfilled') {
      fields.fill(settings.value);
      loaded = true;
      save.disabled = false;
    } else {
      showError(`Could not read the settings: ${settings.reason?.message ?? settings.reason}`, null);
    }
  };

  /** @param {HTMLElement | null} [opener]  where focus goes back to (default: what had it) */
  const open = async (opener = null) => {
    if (!dialog.open) {
      const active = document.activeElement;
      returnTo = opener ?? (active instanceof HTMLElement && active !== document.body ? active : openButton);
      clearError();
      dialog.showModal();
      dialog.querySelector('[data-close]')?.focus();
    }
    await load();
    if (dialog.open && dialog.contains(document.activeElement) && document.activeElement?.matches('[data-close]')) {
      /** @type {HTMLElement | null} */ (form.querySelector('input[name="provider"]:checked'))?.focus();
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!loaded || save.disabled) return;
    const read = fields.read();
    if ('error' in read) {
      showError(read.error.message, read.error.field);
      return;
    }
    clearError();
    save.disabled = true;
    save.setAttribute('aria-busy', 'true');
    try {
      const saved = await settingsUpdate(read.settings);
      dialog.close();
      await hooks.onSaved(saved);
    } catch (err) {
      const message = err?.message || 'The settings could not be saved.';
      showError(message, fields.fieldFor(message));
    } finally {
      save.disabled = false;
      save.removeAttribute('aria-busy');
    }
  });

  // Keep Tab inside the sheet while it is open (showModal makes the page inert, but Tab could
  // still leave the document).
  dialog.addEventListener('keydown', (event) => {
    // WebKitGTK reports Shift+Tab as key "Unidentified" (GDK's ISO_Left_Tab); the code is Tab.
    if (event.key !== 'Tab' && event.code !== 'Tab') return;
    const items = /** @type {HTMLElement[]} */ ([...dialog.querySelectorAll(FOCUSABLE)]).filter(
      (node) => !(/** @type {any} */ (node).disabled) && node.getClientRects().length > 0,
    );
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  dialog.addEventListener('close', () => {
    const target = returnTo?.isConnected ? returnTo : openButton;
    returnTo = null;
    target.focus();
  });

  // WebKit does not focus a clicked button everywhere; say where focus goes back to.
  openButton.addEventListener('click', () => open(openButton));
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

/**
 * In the empty state, say plainly when the selected provider has no key, with a way to Settings.
 * @param {HTMLElement} notice
 * @param {AppStatus} status
 * @param {() => void} onOpenSettings
 */
export function renderKeyNotice(notice, status, onOpenSettings) {
  notice.replaceChildren();
  notice.hidden = status.keySource !== 'none';
  if (notice.hidden) return;
  const text = document.createElement('span');
  text.textContent = `No API key yet. Set ${keyVariable(status.provider)} before starting Citewise to ask questions.`;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn-link';
  button.textContent = 'Open Settings';
  button.addEventListener('click', onOpenSettings);
  notice.append(text, button);
}
