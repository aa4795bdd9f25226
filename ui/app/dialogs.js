// The window's sheets, wired to the session and the actions: Settings (with its Data section),
// the search palette, About, the spending view and the keyboard shortcuts (whose hints in the
// page say Ctrl or ⌘ as the platform does).

import { bindAbout } from '../settings/about.js';
import { bindDataSection } from '../history/export-import.js';
import { bindSearch } from '../history/search-palette.js';
import { bindSettings } from '../settings/settings-sheet.js';
import { bindShortcuts } from './shortcuts.js';
import { bindSpendView } from '../cost/spend-view.js';
import { $ } from '../lib/dom.js';

/**
 * @typedef {import('./actions.js').Parts} Parts
 * @typedef {import('./session.js').Session} Session
 * @typedef {ReturnType<typeof import('./actions.js').createActions>} Actions
 */

/** Each sheet's button opens it with focus going back to that button. @param {string} testid @param {(opener: HTMLElement) => void} open */
function opensWith(testid, open) {
  $(`[data-testid="${testid}"]`).addEventListener('click', (event) => open(/** @type {HTMLElement} */ (event.currentTarget)));
}

/** The shortcut hints in the page: ⌘ on a Mac, Ctrl elsewhere. @param {boolean} isMac */
function labelShortcuts(isMac) {
  $('#new-chat-shortcut').textContent = isMac ? '⌘N' : 'Ctrl N';
  $('#search-shortcut').textContent = isMac ? '⌘K' : 'Ctrl K';
  if (isMac) $('[data-testid="search-open"]').setAttribute('aria-keyshortcuts', 'Meta+K');
  $('[data-testid="settings-open"]').setAttribute('aria-keyshortcuts', isMac ? 'Meta+,' : 'Control+,');
  $('[data-testid="shortcuts-open"]').setAttribute('aria-keyshortcuts', isMac ? 'Meta+/' : 'Control+/');
}

/**
 * Build the sheets; `parts.sheet`, `parts.search` and `parts.searchDialog` are set here.
 * @param {Parts} parts
 * @param {Session} session
 * @param {Actions} act
 */
export function bindDialogs(parts, session, act) {
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
  labelShortcuts(isMac);

  const spendView = bindSpendView($('#spend'), { budget: () => session.budget() });
  opensWith('spend-open', (opener) => spendView.open(opener));

  parts.sheet = bindSettings(
    { dialog: $('#settings'), openButton: $('[data-testid="settings-open"]') },
    {
      loadStatus: () => session.loadStatus(),
      modelsFor: (provider) => session.listFor(provider),
      onKeyChange: act.keyChanged,
      onSaved: act.settingsSaved,
    },
  );

  parts.searchDialog = $('#search');
  parts.search = bindSearch(
    { dialog: parts.searchDialog, openButton: $('[data-testid="search-open"]') },
    { onOpen: act.openConversation },
  );
  bindAbout(
    {
      dialog: $('#about'),
      openButtons: [$('[data-testid="about-open"]'), $('[data-testid="settings-about-open"]')],
      fallback: parts.input,
    },
    { loadStatus: () => session.loadStatus() },
  );
  const data = bindDataSection($('#settings-data'), { onImported: () => parts.historyList.reload() });
  $('#settings').addEventListener('close', () => data.reset());

  const shortcuts = bindShortcuts(
    { dialog: $('#shortcuts'), composer: parts.input, isMac },
    { streaming: () => parts.chat.isStreaming(), run: act.runShortcut },
  );
  opensWith('shortcuts-open', (opener) => shortcuts.open(opener));
}
