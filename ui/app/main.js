// Wiring only: find the elements, connect the modules, load settings, status and models.

import { bindAbout } from '../settings/about.js';
import { createChat } from '../chat/conversation-view.js';
import { bindComposer } from '../chat/composer.js';
import { createConversationMenu } from '../history/conversation-menu.js';
import { bindConversationSetup, searchLabel } from '../chat/conversation-setup.js';
import { bindDataSection } from '../history/export-import.js';
import { bindEstimate } from '../cost/send-estimate.js';
import { createHistoryActions } from '../history/conversation-actions.js';
import { createHistoryList } from '../history/conversation-list.js';
import { appStatus, modelsList, settingsGet, toIpcError } from '../ipc/ipc.js';
import { accountFor, builtinList, loadProviders, providersLoaded } from '../ipc/providers.js';
import { confirmKeyAddress } from '../settings/key-address.js';
import { bindExternalLinks } from '../lib/links.js';
import { bindModelPicker } from '../settings/models.js';
import { bindNotices } from '../chat/notices.js';
import { bindSearch } from '../history/search-palette.js';
import { bindSettings } from '../settings/settings-sheet.js';
import { bindShortcuts } from './shortcuts.js';
import { bindSidebar } from './sidebar.js';
import { bindSourcePopover } from '../answer/source-cards.js';
import { bindSpendView } from '../cost/spend-view.js';
import { applyStoredTheme, applyTheme } from '../lib/theme.js';
import { rateLimitWarning } from '../chat/rate-limit.js';
import { bindRetirement } from '../chat/sonar-retirement.js';
import { createToaster } from '../lib/toast.js';
import { bindTotals } from '../cost/spend-totals.js';
import { bindWelcome } from '../chat/welcome.js';

/**
 * @typedef {import('../ipc/ipc.js').AppStatus} AppStatus
 * @typedef {import('../ipc/ipc.js').Settings} Settings
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 * @typedef {import('../ipc/ipc.js').ModelList} ModelList
 */

/** @template {HTMLElement} T @param {string} selector @returns {T} */
function $(selector) {
  const node = document.querySelector(selector);
  if (!node) throw new Error(`Citewise: missing element ${selector}`);
  return /** @type {T} */ (node);
}

function start() {
  applyStoredTheme();
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
  $('#new-chat-shortcut').textContent = isMac ? '⌘N' : 'Ctrl N';
  $('#search-shortcut').textContent = isMac ? '⌘K' : 'Ctrl K';
  if (isMac) $('[data-testid="search-open"]').setAttribute('aria-keyshortcuts', 'Meta+K');
  $('[data-testid="settings-open"]').setAttribute('aria-keyshortcuts', isMac ? 'Meta+,' : 'Control+,');
  $('[data-testid="shortcuts-open"]').setAttribute('aria-keyshortcuts', isMac ? 'Meta+/' : 'Control+/');

  /** @type {Settings | null} */
  let settings = null;
  /** @type {AppStatus | null} */
  let status = null;
  /** Model lists fetched this session, by the provider they were fetched for. */
  const lists = /** @type {Map<Provider, ModelList>} */ (new Map());

  // The conversation list's first page is asked for first: it is what start-up paints.
  const toast = createToaster($('#toasts'));
  const historyList = createHistoryList($('#history'), {
    onOpen: (id) => openConversation(id),
    onMenu: (anchor, summary) => actions.openMenu(anchor, summary),
    onRenamed: (summary) => chat.renamed(summary),
    onError: (error) => toast.show({ text: error.message, tone: 'warn' }),
  });

  bindExternalLinks(document);
  bindSourcePopover($('#conversation'));
  const notices = bindNotices($('#notices'));
  const sidebar = bindSidebar({ app: $('#app'), sidebar: $('#sidebar'), toggle: $('#sidebar-toggle') });
  const picker = bindModelPicker(
    {
      select: /** @type {HTMLSelectElement} */ ($('#model-picker')),
      hint: $('#model-hint'),
      otherDialog: /** @type {HTMLDialogElement} */ ($('#model-other')),
    },
    { onChange: () => setup.modelChanged() },
  );
  const provider = () => status?.provider ?? 'agent';
  const budget = () => settings?.monthlyBudget ?? null;
  const spendView = bindSpendView(/** @type {HTMLDialogElement} */ ($('#spend')), { budget });
  $('[data-testid="spend-open"]').addEventListener('click', (event) =>
    spendView.open(/** @type {HTMLElement} */ (event.currentTarget)));
  const setup = bindConversationSetup(
    { root: $('#search-setup'), button: $('[data-testid="search-options"]'), panel: $('#search-panel') },
    { provider, defaults: () => settings?.requestDefaults ?? null, picker, onChange: () => estimate.refresh(true) },
  );
  const totals = bindTotals(
    { spendButton: $('[data-testid="spend-open"]'), conversationTotal: $('#conversation-total') },
    { budget },
  );

  const input = /** @type {HTMLTextAreaElement} */ ($('#composer'));

  /** A key was saved or removed (in Settings or the welcome): status, welcome and models follow. */
  const onKeyChange = async () => {
    const before = status?.keySource;
    try {
      await loadStatus();
    } catch (err) {
      console.error('app_status failed:', err);
    }
    if (before === 'none' && status?.keySource !== 'none' && !document.querySelector('dialog[open]')) composer.focus();
    await loadModels();
  };

  const welcome = bindWelcome(
    { root: $('#empty-state'), keyPanel: $('#welcome-key'), readyPanel: $('#welcome-ready'), notice: $('#key-notice') },
    {
      onKeyChange,
      idle: () => document.querySelector('dialog[open]') === null
        && (document.activeElement === document.body || (document.activeElement === input && input.value === '')),
    },
  );

  /** Sonar is retired: the window follows the switch to the Agent API at once. */
  const retirement = bindRetirement({
    onSwitched: async (result) => {
      settings = result.settings;
      const mapped = result.models[picker.value()] ?? picker.value();
      await loadStatus();
      picker.render(result.settings.provider, lists.get(result.settings.provider) ?? builtinList(result.settings.provider), mapped);
      setup.refresh();
      estimate.refresh(true);
      await loadModels(mapped);
    },
  });

  /** app_status, every time: its notices are handed out once, so none may be dropped. */
  const loadStatus = async () => {
    const next = await appStatus();
    status = next;
    notices.show(next.notices);
    if (next.sonarRetirement) retirement.offer(notices);
    welcome.render(next).catch((err) => console.error('welcome failed:', err));
    return next;
  };

  /** Fill the picker from models_list; `preferred` (default: keep the current choice). */
  const loadModels = async (/** @type {string | undefined} */ preferred) => {
    const provider = status?.provider ?? 'agent';
    /** @type {ModelList} */
    let list;
    try {
      list = await modelsList();
    } catch (err) {
      list = { ...builtinList(provider), error: toIpcError(err) };
    }
    if ((status?.provider ?? 'agent') !== provider) return; // settings changed meanwhile
    lists.set(provider, list);
    picker.render(provider, list, preferred ?? picker.value());
    sheet.refreshModels();
  };

  const sheet = bindSettings(
    { dialog: $('#settings'), openButton: $('[data-testid="settings-open"]') },
    {
      loadStatus,
      modelsFor: (provider) => lists.get(provider) ?? null,
      onKeyChange,
      onSaved: async (saved) => {
        const before = status;
        settings = saved;
        applyTheme(saved.theme);
        try {
          await loadStatus();
        } catch (err) {
          console.error('app_status failed:', err);
        }
        const provider = status?.provider ?? saved.provider;
        const same = before && status && before.provider === status.provider && before.defaultModel === status.defaultModel;
        const preferred = same ? picker.value() : status?.defaultModel;
        picker.render(provider, lists.get(provider) ?? builtinList(provider), preferred);
        if (chat.isEmpty()) setup.showNew(preferred ?? null);
        else setup.refresh();
        totals.render();
        estimate.refresh(true);
        await loadModels(preferred);
      },
    },
  );

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
      getModel: () => picker.value(),
      getOptions: () => setup.options(),
      onLoaded: (conversation) => {
        const fallback = status?.defaultModel ?? null;
        if (conversation) setup.showConversation(conversation, fallback);
        else setup.showNew(fallback);
        refreshCosts(conversation?.id ?? null);
      },
      onAsk: (question) => ask(question),
      confirm: (question) => (estimate.gated() ? estimate.confirm(question) : true),
      onShown: (title, id) => {
        if (id) setup.saved(id);
        titleEl.textContent = title ?? 'New chat';
        document.title = title ? `${title} — Citewise` : 'Citewise';
        input.placeholder = title ? 'Ask a follow-up…' : 'Ask anything…';
        historyList.setCurrent(id);
      },
      onSaved: (summary) => historyList.update(summary),
      onMissing: (id) => {
        historyList.remove(id);
        toast.show({ text: 'That conversation no longer exists.', tone: 'warn' });
      },
      onStreaming: (on) => {
        composer.setStreaming(on);
        if (on) return;
        refreshCosts(chat.currentId());
      },
      // The error banner offers Settings only for key problems (auth, no_key).
      onOpenSettings: () => sheet.open({ atKey: true }),
      onSwitchToAgent: async () => {
        await retirement.switchToAgent();
      },
      onRateLimit: (limit) => {
        const text = rateLimitWarning(limit);
        if (text) toast.show({ text, tone: 'warn', timeout: 12_000 });
      },
      onNoKey: async (question, empty, error) => {
        if (question !== null) composer.restore(question);
        if (error?.kind === 'key_elsewhere') {
          await confirmKeyAddress(error, accountFor(status?.provider ?? 'agent'), question !== null, toast);
          return;
        }
        try {
          await loadStatus();
        } catch (err) {
          console.error('app_status failed:', err);
        }
        const text = question !== null
          ? 'Your question is back in the question box; send it again once the key is saved.'
          : 'Nothing was sent; try again once the key is saved.';
        const message = { tone: /** @type {const} */ ('warn'), lead: 'Add a key first.', text };
        if (empty) await welcome.needKey(status?.provider ?? 'agent', message);
        else await sheet.open({ atKey: true, message });
      },
    },
  );

  composer = bindComposer(
    {
      form: /** @type {HTMLFormElement} */ ($('#composer-form')),
      input,
      send: /** @type {HTMLButtonElement} */ ($('#send')),
      stop: /** @type {HTMLButtonElement} */ ($('#stop')),
    },
    {
      onSend: (text) => ask(text),
      onStop: () => chat.stop(),
      onInput: () => {
        chat.prepare();
        estimate.refresh();
      },
    },
  );

  const estimate = bindEstimate(
    { button: $('[data-testid="cost-estimate"]'), detail: $('#estimate-detail'), warning: $('[data-testid="budget-warning"]') },
    {
      args: (question) => ({
        model: picker.value(),
        options: setup.options(),
        conversationId: chat.currentId(),
        parentId: chat.parentForNext(),
        question,
      }),
      question: () => composer.value(),
      budget,
      spent: () => totals.monthSpent(),
      searchLabel: () => {
        const label = searchLabel(setup.options().search, provider(), picker.value());
        return label === 'Web search' ? 'web search on' : label.replace(/^./, (c) => c.toLowerCase());
      },
    },
  );

  /** Totals first, then the estimate line (it says how much of the budget is left). */
  function refreshCosts(/** @type {string | null} */ conversationId) {
    totals.refresh(conversationId).finally(() => estimate.refresh(true));
  }

  /**
   * Ask a question from the box, an example or a related question. With a monthly budget, a
   * question that could go over it waits for "Send anyway". True when sent at once.
   * @param {string} text
   */
  function ask(text) {
    if (!estimate.gated()) return chat.send(text);
    estimate.confirm(text).then((ok) => {
      if (ok && chat.send(text)) composer.taken(text);
      else composer.focus();
    });
    return false;
  }

  const actions = createHistoryActions({ list: historyList, menu: createConversationMenu($('#sidebar')), toast, chat });

  /** @param {string} id @param {string | null} [messageId]  a search hit to scroll to */
  const openConversation = (id, messageId = null) => {
    chat.open(id, messageId);
    sidebar.close();
    composer.focus();
  };
  const search = bindSearch(
    { dialog: /** @type {HTMLDialogElement} */ ($('#search')), openButton: $('[data-testid="search-open"]') },
    { onOpen: openConversation },
  );
  bindAbout(
    {
      dialog: /** @type {HTMLDialogElement} */ ($('#about')),
      openButtons: [$('[data-testid="about-open"]'), $('[data-testid="settings-about-open"]')],
      fallback: input,
    },
    { loadStatus },
  );
  const data = bindDataSection($('#settings-data'), { onImported: () => historyList.reload() });
  $('#settings').addEventListener('close', () => data.reset());

  const newChat = () => {
    chat.newChat();
    sidebar.close();
    composer.focus();
  };
  $('[data-testid="new-chat"]').addEventListener('click', newChat);

  const shortcuts = bindShortcuts(
    { dialog: /** @type {HTMLDialogElement} */ ($('#shortcuts')), composer: input, isMac },
    {
      streaming: () => chat.isStreaming(),
      run: (action, dialogOpen) => {
        if (action === 'stop') chat.stop();
        else if (action === 'search') {
          if (!dialogOpen || $('#search').open) search.open();
        } else if (dialogOpen) {
          // New chat, Settings, copying and editing wait until the open sheet is closed.
        } else if (action === 'new-chat') newChat();
        else if (action === 'settings') sheet.open();
        else if (action === 'copy-answer') {
          if (!chat.copyLastAnswer()) toast.show({ text: 'There is no answer to copy yet.', tone: 'info' });
        } else if (action === 'edit-last') chat.editLastQuestion();
      },
    },
  );
  $('[data-testid="shortcuts-open"]').addEventListener('click', (event) =>
    shortcuts.open(/** @type {HTMLElement} */ (event.currentTarget)));

  // Settings and status first (the picker shows the built-in list at once), then the live list.
  Promise.allSettled([settingsGet(), loadStatus()]).then(([got, stat]) => {
    if (got.status === 'fulfilled') {
      settings = got.value;
      applyTheme(settings.theme);
    }
    else console.error('settings_get failed:', got.reason);
    if (stat.status === 'rejected') {
      console.error('app_status failed:', stat.reason);
      welcome.showReady();
    }
    const chosen = provider();
    picker.render(chosen, builtinList(chosen), status?.defaultModel);
    if (chat.isEmpty()) setup.showNew(status?.defaultModel ?? null);
    // Every handler is attached and the picker holds the settings' choices: tests (and anyone
    // driving the window) can start.
    document.documentElement.dataset.ready = 'true';
    refreshCosts(chat.currentId());
    return loadModels();
  });

  // The renderer (markdown, math, code: about 1 MB of JavaScript) is compiled once the window is
  // idle after start-up, so neither the list's first paint waits for it nor does the first answer
  // stall a frame on it (~100 ms measured while typing the first question). A keystroke or an
  // opened conversation loads it sooner.
  const whenIdle = window.requestIdleCallback ?? ((run) => window.setTimeout(run, 1000));
  whenIdle(() => chat.prepare(), { timeout: 3000 });

  composer.focus();
}

/** The provider registry first: the pickers, Settings and the welcome are built from it. */
function boot() {
  if (providersLoaded()) {
    start();
    return;
  }
  loadProviders().then(start, (err) => {
    console.error('providers_get failed:', err);
    document.body.textContent = `Citewise could not start: ${toIpcError(err).message}`;
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
