// Keyboard shortcuts: which key does what (one table, also the "Keyboard shortcuts" sheet's
// content), the window-wide keydown handler, and the sheet itself (? or Ctrl/Cmd+/).

import { trapTab } from '../lib/focus-trap.js';
import { returnFocusOnClose } from '../lib/modal.js';

/**
 * @typedef {"new-chat" | "search" | "settings" | "stop" | "copy-answer" | "edit-last" | "help"} Action
 *
 * @typedef {object} KeyContext
 * @property {boolean} inText          focus is in a text field (composer, editor, search, settings)
 * @property {boolean} composerEmpty   focus is in the composer and it is empty
 * @property {boolean} dialogOpen      a modal sheet or palette is open
 * @property {boolean} streaming       an answer is streaming
 */

/**
 * What the sheet lists, in order: the keys as a person presses them (`Mod` is Ctrl, or ⌘ on a
 * Mac) and what they do.
 * @type {{action: Action, keys: string[][], label: string}[]}
 */
export const SHORTCUTS = [
  { action: 'new-chat', keys: [['Mod', 'N']], label: 'New chat' },
  { action: 'search', keys: [['Mod', 'K']], label: 'Search conversations' },
  { action: 'settings', keys: [['Mod', ',']], label: 'Settings' },
  { action: 'stop', keys: [['Esc']], label: 'Stop the answer being written' },
  { action: 'copy-answer', keys: [['Mod', 'Shift', 'C']], label: 'Copy the last answer' },
  { action: 'edit-last', keys: [['↑']], label: 'Edit the last question (in an empty question box)' },
  { action: 'help', keys: [['?'], ['Mod', '/']], label: 'Show these shortcuts' },
];

/** Keys the sheet also explains, handled where they apply (the composer, editors, lists). */
export const LOCAL_KEYS = [
  { keys: [['Enter']], label: 'Send the question' },
  { keys: [['Shift', 'Enter']], label: 'New line in the question' },
  { keys: [['Esc']], label: 'Close a sheet, a menu or the editor' },
];

/**
 * The shortcut `event` asks for in `context`, or null. Ctrl and ⌘ both count as the modifier
 * (a Linux keyboard has no ⌘; on a Mac, Ctrl+N is free anyway).
 * @param {Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey" | "isComposing">} event
 * @param {KeyContext} context
 * @returns {Action | null}
 */
export function shortcutFor(event, context) {
  if (event.isComposing || event.altKey) return null;
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (mod) {
    if (event.shiftKey) return key === 'c' ? 'copy-answer' : null;
    if (key === 'n') return 'new-chat';
    if (key === 'k') return 'search';
    if (key === ',') return 'settings';
    if (key === '/') return 'help';
    return null;
  }
  if (event.key === 'Escape') return context.streaming && !context.dialogOpen ? 'stop' : null;
  if (event.key === 'ArrowUp' && !event.shiftKey) return context.composerEmpty && !context.dialogOpen ? 'edit-last' : null;
  if (event.key === '?') return context.inText || context.dialogOpen ? null : 'help';
  return null;
}

/**
 * How `keys` read on this platform: Mod → Ctrl (or ⌘), and on a Mac Shift → ⇧.
 * @param {string[]} keys @param {boolean} isMac
 * @returns {string[]}
 */
export function keyLabels(keys, isMac) {
  return keys.map((k) => {
    if (k === 'Mod') return isMac ? '⌘' : 'Ctrl';
    if (k === 'Shift' && isMac) return '⇧';
    return k;
  });
}

/**
 * Whether `node` takes typed text (so ? is a character there, not a shortcut).
 * @param {EventTarget | null} node
 */
function takesText(node) {
  if (!(node instanceof HTMLElement)) return false;
  if (node.isContentEditable || node instanceof HTMLTextAreaElement) return true;
  if (!(node instanceof HTMLInputElement)) return false;
  return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset'].includes(node.type);
}

/**
 * Fills the sheet, and handles the window's shortcuts.
 * @param {{dialog: HTMLDialogElement, composer: HTMLTextAreaElement, isMac: boolean}} els
 * @param {{run: (action: Action, dialogOpen: boolean) => void, streaming: () => boolean}} hooks
 *   `run` is called for every action but "help", which opens the sheet (`dialogOpen`: a sheet or
 *   the search palette is open, where most shortcuts wait)
 * @returns {{open: (opener?: HTMLElement | null) => void}}
 */
export function bindShortcuts({ dialog, composer, isMac }, hooks) {
  const list = /** @type {HTMLElement} */ (dialog.querySelector('[data-part="list"]'));
  const modal = returnFocusOnClose(dialog, {
    // The opener may be gone from view (the hint line is hidden in a narrow window).
    reachable: (target) => target.isConnected && target.getClientRects().length > 0,
    fallback: () => composer,
  });

  const row = (/** @type {string[][]} */ keys, /** @type {string} */ label) => {
    const dt = document.createElement('dt');
    keys.forEach((combo, i) => {
      if (i) dt.append(document.createTextNode(' or '));
      const group = document.createElement('span');
      group.className = 'keys';
      for (const label of keyLabels(combo, isMac)) {
        const kbd = document.createElement('kbd');
        kbd.textContent = label;
        group.append(kbd);
      }
      dt.append(group);
    });
    const dd = document.createElement('dd');
    dd.textContent = label;
    return [dt, dd];
  };
  list.replaceChildren(...[...SHORTCUTS, ...LOCAL_KEYS].flatMap((s) => row(s.keys, s.label)));

  const open = (/** @type {HTMLElement | null} */ opener = null) => {
    if (dialog.open) return;
    modal.showModal(opener, composer);
    /** @type {HTMLElement | null} */ (dialog.querySelector('[data-close]'))?.focus();
  };
  for (const close of dialog.querySelectorAll('[data-close]')) close.addEventListener('click', () => dialog.close());
  trapTab(dialog);

  document.addEventListener('keydown', (event) => {
    const active = document.activeElement;
    const action = shortcutFor(event, {
      inText: takesText(active),
      composerEmpty: active === composer && composer.value === '',
      dialogOpen: document.querySelector('dialog[open]') !== null,
      streaming: hooks.streaming(),
    });
    if (!action) return;
    event.preventDefault();
    const dialogOpen = document.querySelector('dialog[open]') !== null;
    if (action !== 'help') hooks.run(action, dialogOpen);
    else if (dialog.open) dialog.close();
    else if (!dialogOpen) open();
  });

  return { open };
}
