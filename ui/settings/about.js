// The About dialog: the app's mark, name and version, the license, and where Citewise keeps its
// data and logs (from `app_status`), with buttons that open those folders in the file manager.
// It opens from the sidebar's ⓘ button and from Settings (over the sheet, which keeps its form);
// Esc or Close closes it, Tab stays inside, focus goes back to the button that opened it.

import { folderOpen, toIpcError } from '../ipc/ipc.js';
import { trapTab } from '../lib/focus-trap.js';
import { returnFocusOnClose } from '../lib/modal.js';

/**
 * @typedef {import('../ipc/ipc.js').AppStatus} AppStatus
 *
 * @typedef {object} AboutHooks
 * @property {() => Promise<AppStatus>} loadStatus   app_status, with its notices handled
 */

/**
 * Show `path` in `node` with a line-break opportunity after every separator, so a long path wraps
 * between folder names rather than inside one (CSS still breaks a single over-long name).
 * @param {HTMLElement} node @param {string} path
 */
export function showPath(node, path) {
  const parts = path.split(/(?<=[/\\])/);
  node.replaceChildren(...parts.flatMap((part, i) => (i < parts.length - 1 ? [part, document.createElement('wbr')] : [part])));
}

/**
 * @param {{dialog: HTMLDialogElement, openButtons: HTMLElement[], fallback: HTMLElement}} els
 *   `fallback` takes focus when the opener is gone (the composer)
 * @param {AboutHooks} hooks
 * @returns {{open: (opener?: HTMLElement | null) => Promise<void>}}
 */
export function bindAbout({ dialog, openButtons, fallback }, hooks) {
  const field = (/** @type {string} */ name) => /** @type {HTMLElement} */ (dialog.querySelector(`[data-field="${name}"]`));
  const statusError = /** @type {HTMLElement} */ (dialog.querySelector('[data-testid="about-error"]'));
  const folderError = /** @type {HTMLElement} */ (dialog.querySelector('[data-testid="folder-error"]'));
  const modal = returnFocusOnClose(dialog, {
    // The opener may be gone from view or inert (the sidebar is a closed drawer in a narrow
    // window); then the composer, unless another sheet (Settings) is still open under this one.
    reachable: (target) => target.isConnected && target.getClientRects().length > 0 && !target.closest('[inert]'),
    fallback: () => (document.querySelector('dialog[open]') ? null : fallback),
  });
  /** The latest status request; an older answer never overwrites a newer one. */
  let request = 0;

  const say = (/** @type {HTMLElement} */ node, /** @type {string} */ text) => {
    node.textContent = text;
    node.hidden = text === '';
  };

  const load = async () => {
    const mine = (request += 1);
    try {
      const status = await hooks.loadStatus();
      if (mine !== request) return;
      field('version').textContent = status.version;
      showPath(field('data-dir'), status.dataDir ?? '—');
      showPath(field('log-dir'), status.logDir ?? '—');
      say(statusError, '');
    } catch (err) {
      if (mine !== request) return;
      say(statusError, `Could not read the version and folders. ${toIpcError(err).message}`);
    }
  };

  /** @param {HTMLElement | null} [opener] where focus goes back to (default: what had it) */
  const open = async (opener = null) => {
    if (dialog.open) return;
    say(folderError, '');
    modal.showModal(opener);
    /** @type {HTMLElement | null} */ (dialog.querySelector('[data-close]'))?.focus();
    await load();
  };

  for (const close of dialog.querySelectorAll('[data-close]')) close.addEventListener('click', () => dialog.close());
  // A click on the backdrop lands on the dialog element itself.
  dialog.addEventListener('mousedown', (event) => {
    if (event.target === dialog) dialog.close();
  });
  trapTab(dialog);

  for (const button of /** @type {NodeListOf<HTMLElement>} */ (dialog.querySelectorAll('[data-folder]'))) {
    button.addEventListener('click', async () => {
      say(folderError, '');
      try {
        await folderOpen(button.dataset.folder === 'logs' ? 'logs' : 'data');
      } catch (err) {
        say(folderError, `Could not open the folder. ${toIpcError(err).message}`);
      }
    });
  }
  // WebKit does not focus a clicked button everywhere; say where focus goes back to.
  for (const button of openButtons) {
    button.addEventListener('click', () => open(button));
  }

  return { open };
}
