// The Settings sheet. For now it shows what the backend reports (`app_status`): where the API
// key comes from, provider, base URL and version. Key entry, defaults and appearance come later
// as further sections of the same sheet.

import { appStatus } from './ipc.js';

/** @typedef {import('./ipc.js').AppStatus} AppStatus */

const PROVIDERS = {
  agent: 'Perplexity Agent API',
  sonar: 'Perplexity Sonar (chat completions)',
  openai: 'OpenAI-compatible endpoint',
};

/**
 * One line saying where the key comes from, never the key itself.
 * @param {AppStatus} status
 */
export function keyStatusText(status) {
  const last4 = status.keyLast4 ? ` · ends in ${status.keyLast4}` : '';
  switch (status.keySource) {
    case 'env':
      return `From PERPLEXITY_API_KEY (this session only)${last4}`;
    case 'keyring':
      return `Saved in the system keyring${last4}`;
    default:
      return 'No key — set PERPLEXITY_API_KEY';
  }
}

/**
 * @param {HTMLElement} root  the sheet's fact list container
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
  set('default-model', status.defaultModel);
  set('version', status.version);
}

/**
 * @param {{dialog: HTMLDialogElement, openButton: HTMLElement}} els
 * @returns {{open: () => Promise<void>}}
 */
export function bindSettings({ dialog, openButton }) {
  const open = async () => {
    if (!dialog.open) dialog.showModal();
    const key = dialog.querySelector('[data-testid="key-status"]');
    try {
      renderStatus(dialog, await appStatus());
    } catch (err) {
      if (key) key.textContent = `Could not read the key status: ${err.message}`;
    }
  };
  openButton.addEventListener('click', () => open());
  for (const close of dialog.querySelectorAll('[data-close]')) {
    close.addEventListener('click', () => dialog.close());
  }
  // A click on the backdrop lands on the dialog element itself.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  return { open };
}

/**
 * In the empty state, say plainly when no key is set, with a way to Settings.
 * @param {HTMLElement} notice
 * @param {AppStatus} status
 * @param {() => void} onOpenSettings
 */
export function renderKeyNotice(notice, status, onOpenSettings) {
  notice.replaceChildren();
  notice.hidden = status.keySource !== 'none';
  if (notice.hidden) return;
  const text = document.createElement('span');
  text.textContent = 'No API key yet. Start Citewise with PERPLEXITY_API_KEY set to ask questions.';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn-link';
  button.textContent = 'Open Settings';
  button.addEventListener('click', onOpenSettings);
  notice.append(text, button);
}
