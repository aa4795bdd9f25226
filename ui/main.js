// Wiring only: find the elements, connect the modules, load the backend status.

import { createChat } from './chat.js';
import { bindComposer } from './composer.js';
import { appStatus } from './ipc.js';
import { bindExternalLinks } from './links.js';
import { FALLBACK_MODEL, renderModelPicker } from './models.js';
import { bindSettings, renderKeyNotice } from './settings.js';
import { bindSidebar, renderConversationList } from './sidebar.js';
import { bindSourcePopover } from './sources.js';

/** @template {HTMLElement} T @param {string} selector @returns {T} */
function $(selector) {
  const node = document.querySelector(selector);
  if (!node) throw new Error(`Citewise: missing element ${selector}`);
  return /** @type {T} */ (node);
}

function start() {
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
  $('#new-chat-shortcut').textContent = isMac ? '⌘N' : 'Ctrl N';

  bindExternalLinks(document);
  bindSourcePopover($('#conversation'));
  const sidebar = bindSidebar({ app: $('#app'), sidebar: $('#sidebar'), toggle: $('#sidebar-toggle') });
  const settings = bindSettings({ dialog: $('#settings'), openButton: $('[data-testid="settings-open"]') });
  const picker = /** @type {HTMLSelectElement} */ ($('#model-picker'));

  const input = /** @type {HTMLTextAreaElement} */ ($('#composer'));
  const titleEl = $('#conversation-title');
  /** @type {ReturnType<typeof bindComposer>} */
  let composer;

  const chat = createChat(
    {
      scroller: $('#conversation'),
      list: $('#message-list'),
      emptyState: $('#empty-state'),
      announcer: $('#announcer'),
    },
    {
      getModel: () => picker.value || FALLBACK_MODEL,
      onTitle: (title) => {
        titleEl.textContent = title ?? 'New chat';
        document.title = title ? `${title} — Citewise` : 'Citewise';
        input.placeholder = title ? 'Ask a follow-up…' : 'Ask anything…';
        renderConversationList($('#conversation-list'), title);
      },
      onStreaming: (on) => composer.setStreaming(on),
      onOpenSettings: () => settings.open(),
    },
  );

  composer = bindComposer(
    {
      form: /** @type {HTMLFormElement} */ ($('#composer-form')),
      input,
      send: /** @type {HTMLButtonElement} */ ($('#send')),
      stop: /** @type {HTMLButtonElement} */ ($('#stop')),
    },
    { onSend: (text) => chat.send(text), onStop: () => chat.stop() },
  );

  const newChat = () => {
    chat.newChat();
    sidebar.close();
    composer.focus();
  };
  $('[data-testid="new-chat"]').addEventListener('click', newChat);

  document.addEventListener('keydown', (event) => {
    const dialogOpen = document.querySelector('dialog[open]') !== null;
    if (event.key === 'Escape' && chat.isStreaming() && !dialogOpen && !event.isComposing) {
      chat.stop();
    } else if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'n') {
      event.preventDefault();
      if (!dialogOpen) newChat();
    }
  });

  appStatus()
    .then((status) => {
      renderModelPicker(picker, status.defaultModel);
      renderKeyNotice($('#key-notice'), status, () => settings.open());
    })
    .catch((err) => {
      console.error('app_status failed:', err);
      renderModelPicker(picker, null);
    });

  composer.focus();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
