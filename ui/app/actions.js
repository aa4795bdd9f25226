// What the window does across its parts: ask a question (through the budget question), open a
// conversation or a new chat, follow a saved key, saved settings or the switch away from Sonar,
// keep the costs and the title in step with the conversation in view, run a shortcut, and the
// first load at launch. The parts are built in app/main.js; these read them when they run.

import { confirmKeyAddress } from '../settings/key-address.js';
import { accountFor, builtinList } from '../ipc/providers.js';
import { applyTheme } from '../lib/theme.js';
import { rateLimitWarning } from '../chat/rate-limit.js';
import { searchLabel } from '../chat/conversation-setup.js';

/**
 * @typedef {import('../ipc/ipc.js').AppStatus} AppStatus
 * @typedef {import('../ipc/ipc.js').Settings} Settings
 * @typedef {import('../ipc/ipc.js').Conversation} Conversation
 * @typedef {import('../ipc/ipc.js').IpcError} IpcError
 * @typedef {import('../ipc/ipc.js').RateLimit} RateLimit
 * @typedef {import('./session.js').Session} Session
 *
 * @typedef {object} Parts  the window's parts, filled in by app/main.js as it builds them
 * @property {ReturnType<typeof import('../lib/toast.js').createToaster>} toast
 * @property {ReturnType<typeof import('../history/conversation-list.js').createHistoryList>} historyList
 * @property {ReturnType<typeof import('../chat/notices.js').bindNotices>} notices
 * @property {ReturnType<typeof import('./sidebar.js').bindSidebar>} sidebar
 * @property {ReturnType<typeof import('../settings/models.js').bindModelPicker>} picker
 * @property {ReturnType<typeof import('../chat/conversation-setup.js').bindConversationSetup>} setup
 * @property {ReturnType<typeof import('../cost/spend-totals.js').bindTotals>} totals
 * @property {ReturnType<typeof import('../chat/welcome.js').bindWelcome>} welcome
 * @property {ReturnType<typeof import('../chat/sonar-retirement.js').bindRetirement>} retirement
 * @property {ReturnType<typeof import('../settings/settings-sheet.js').bindSettings>} sheet
 * @property {ReturnType<typeof import('../chat/conversation-view.js').createChat>} chat
 * @property {ReturnType<typeof import('../chat/composer.js').bindComposer>} composer
 * @property {ReturnType<typeof import('../cost/send-estimate.js').bindEstimate>} estimate
 * @property {ReturnType<typeof import('../history/search-palette.js').bindSearch>} search
 * @property {HTMLDialogElement} searchDialog
 * @property {HTMLElement} title          the conversation's title above it
 * @property {HTMLTextAreaElement} input  the question box
 */

/**
 * @param {Session} session
 * @param {Parts} parts  read when an action runs, so it may still be filling in
 */
export function createActions(session, parts) {
  /** Totals first, then the estimate line (it says how much of the budget is left). */
  const refreshCosts = (/** @type {string | null} */ conversationId) => {
    parts.totals.refresh(conversationId).finally(() => parts.estimate.refresh(true));
  };

  /** @param {string} id @param {string | null} [messageId]  a search hit to scroll to */
  const openConversation = (id, messageId = null) => {
    parts.chat.open(id, messageId);
    parts.sidebar.close();
    parts.composer.focus();
  };

  const newChat = () => {
    parts.chat.newChat();
    parts.sidebar.close();
    parts.composer.focus();
  };

  return {
    refreshCosts,
    openConversation,
    newChat,

    /**
     * Ask a question from the box, an example or a related question. With a monthly budget, a
     * question that could go over it waits for "Send anyway". True when sent at once.
     * @param {string} text
     * @returns {boolean}
     */
    ask(text) {
      const { chat, composer, estimate } = parts;
      if (!estimate.gated()) return chat.send(text);
      estimate.confirm(text).then((ok) => {
        if (ok && chat.send(text)) composer.taken(text);
        else composer.focus();
      });
      return false;
    },

    /**
     * Before Retry, Regenerate and Continue: the budget question, when a budget is set.
     * @param {string} question
     * @returns {true | Promise<boolean>}
     */
    confirmSend: (question) => (parts.estimate.gated() ? parts.estimate.confirm(question) : true),

    /**
     * Every app_status answer: its notices, the start-up offer to leave Sonar, the welcome.
     * @param {AppStatus} next
     */
    statusArrived(next) {
      parts.notices.show(next.notices);
      if (next.sonarRetirement) parts.retirement.offer(parts.notices);
      parts.welcome.render(next).catch((err) => console.error('welcome failed:', err));
    },

    /**
     * A model list arrived: the picker shows it, and Settings if it is open.
     * @param {import('../ipc/ipc.js').Provider} provider
     * @param {import('../ipc/ipc.js').ModelList} list
     * @param {string | undefined} preferred  default: keep the current choice
     */
    modelsArrived(provider, list, preferred) {
      parts.picker.render(provider, list, preferred ?? parts.picker.value());
      parts.sheet.refreshModels();
    },

    /**
     * A key was saved or removed (in Settings or the welcome): status, welcome and models follow.
     * @returns {Promise<void>}
     */
    async keyChanged() {
      const before = session.status()?.keySource;
      await session.refreshStatus();
      const now = session.status()?.keySource;
      if (before === 'none' && now !== 'none' && !document.querySelector('dialog[open]')) parts.composer.focus();
      await session.loadModels();
    },

    /**
     * Sonar is retired: the window follows the switch to the Agent API at once.
     * @param {{settings: Settings, models: Record<string, string>}} result
     * @returns {Promise<void>}
     */
    async switchedToAgent(result) {
      const { picker, setup, estimate } = parts;
      session.setSettings(result.settings);
      const mapped = result.models[picker.value()] ?? picker.value();
      await session.loadStatus();
      picker.render(result.settings.provider, session.shownList(result.settings.provider), mapped);
      setup.refresh();
      estimate.refresh(true);
      await session.loadModels(mapped);
    },

    /**
     * Settings were saved: theme, status, the picker (kept unless the provider or default model
     * changed), the new chat's options, the totals and the estimate follow.
     * @param {Settings} saved
     * @returns {Promise<void>}
     */
    async settingsSaved(saved) {
      const { picker, setup, chat, totals, estimate } = parts;
      const before = session.status();
      session.setSettings(saved);
      applyTheme(saved.theme);
      await session.refreshStatus();
      const status = session.status();
      const provider = status?.provider ?? saved.provider;
      const same = before && status && before.provider === status.provider && before.defaultModel === status.defaultModel;
      const preferred = same ? picker.value() : status?.defaultModel;
      picker.render(provider, session.shownList(provider), preferred);
      if (chat.isEmpty()) setup.showNew(preferred ?? null);
      else setup.refresh();
      totals.render();
      estimate.refresh(true);
      await session.loadModels(preferred);
    },

    /** A saved conversation was opened (or null: a new chat). @param {Conversation | null} conversation */
    conversationLoaded(conversation) {
      const fallback = session.status()?.defaultModel ?? null;
      if (conversation) parts.setup.showConversation(conversation, fallback);
      else parts.setup.showNew(fallback);
      refreshCosts(conversation?.id ?? null);
    },

    /** The conversation in view: title, placeholder, sidebar. @param {string | null} title @param {string | null} id */
    conversationShown(title, id) {
      if (id) parts.setup.saved(id);
      parts.title.textContent = title ?? 'New chat';
      document.title = title ? `${title} — Citewise` : 'Citewise';
      parts.input.placeholder = title ? 'Ask a follow-up…' : 'Ask anything…';
      parts.historyList.setCurrent(id);
    },

    /** @param {string} id  an opened conversation no longer exists */
    conversationMissing(id) {
      parts.historyList.remove(id);
      parts.toast.show({ text: 'That conversation no longer exists.', tone: 'warn' });
    },

    /** Send turns into Stop; when an answer ends, the costs follow. @param {boolean} on */
    streamingChanged(on) {
      parts.composer.setStreaming(on);
      if (on) return;
      refreshCosts(parts.chat.currentId());
    },

    /** @param {RateLimit} limit */
    rateLimited(limit) {
      const text = rateLimitWarning(limit);
      if (text) parts.toast.show({ text, tone: 'warn', timeout: 12_000 });
    },

    /**
     * A question met no key (or a key bound elsewhere): the question goes back to the box and the
     * key form says what to do.
     * @param {string | null} question
     * @param {boolean} empty  the conversation was empty (the welcome holds the key form)
     * @param {IpcError} error
     * @returns {Promise<void>}
     */
    async noKey(question, empty, error) {
      const { composer, toast, welcome, sheet } = parts;
      if (question !== null) composer.restore(question);
      if (error?.kind === 'key_elsewhere') {
        await confirmKeyAddress(error, accountFor(session.provider()), question !== null, toast);
        return;
      }
      await session.refreshStatus();
      const text = question !== null
        ? 'Your question is back in the question box; send it again once the key is saved.'
        : 'Nothing was sent; try again once the key is saved.';
      const message = { tone: /** @type {const} */ ('warn'), lead: 'Add a key first.', text };
      if (empty) await welcome.needKey(session.provider(), message);
      else await sheet.open({ atKey: true, message });
    },

    /** Whether the welcome may take focus: no sheet open, nothing focused but an empty box. @returns {boolean} */
    idle() {
      const { input } = parts;
      return document.querySelector('dialog[open]') === null
        && (document.activeElement === document.body || (document.activeElement === input && input.value === ''));
    },

    /**
     * What the estimate prices: the arguments chat_send would get for `question`.
     * @param {string} question
     * @returns {import('../ipc/ipc.js').EstimateArgs}
     */
    estimateArgs: (question) => ({
      model: parts.picker.value(),
      options: parts.setup.options(),
      conversationId: parts.chat.currentId(),
      parentId: parts.chat.parentForNext(),
      question,
    }),

    /** The person typed: the renderer loads (if it has not yet) and the estimate follows. */
    typed() {
      parts.chat.prepare();
      parts.estimate.refresh();
    },

    /**
     * The renderer (markdown, math, code: about 1 MB of JavaScript) is compiled once the window
     * is idle after start-up, so neither the list's first paint waits for it nor does the first
     * answer stall a frame on it (~100 ms measured while typing the first question). A keystroke
     * or an opened conversation loads it sooner.
     */
    prepareWhenIdle() {
      const whenIdle = window.requestIdleCallback ?? ((run) => window.setTimeout(run, 1000));
      whenIdle(() => parts.chat.prepare(), { timeout: 3000 });
    },

    /** The estimate line's words for the search setting ("web search on", …). @returns {string} */
    estimateSearchLabel() {
      const label = searchLabel(parts.setup.options().search, session.provider(), parts.picker.value());
      return label === 'Web search' ? 'web search on' : label.replace(/^./, (c) => c.toLowerCase());
    },

    /**
     * @param {import('./shortcuts.js').Action} action
     * @param {boolean} dialogOpen  a sheet or palette is open
     */
    runShortcut(action, dialogOpen) {
      const { chat, search, sheet, toast } = parts;
      if (action === 'stop') chat.stop();
      else if (action === 'search') {
        if (!dialogOpen || parts.searchDialog.open) search.open();
      } else if (dialogOpen) {
        // New chat, Settings, copying and editing wait until the open sheet is closed.
      } else if (action === 'new-chat') newChat();
      else if (action === 'settings') sheet.open();
      else if (action === 'copy-answer') {
        if (!chat.copyLastAnswer()) toast.show({ text: 'There is no answer to copy yet.', tone: 'info' });
      } else if (action === 'edit-last') chat.editLastQuestion();
    },

    /**
     * The first load: settings and status (both asked for at launch; the picker shows the
     * built-in list at once), then the live model list.
     * @param {Promise<Settings>} settingsAsked
     * @param {Promise<AppStatus>} statusAsked
     * @returns {Promise<void>}
     */
    launch(settingsAsked, statusAsked) {
      const { picker, setup, chat, welcome } = parts;
      return Promise.allSettled([settingsAsked, session.loadStatus(statusAsked)]).then(([got, stat]) => {
        if (got.status === 'fulfilled') {
          session.setSettings(got.value);
          applyTheme(got.value.theme);
        }
        else console.error('settings_get failed:', got.reason);
        if (stat.status === 'rejected') {
          console.error('app_status failed:', stat.reason);
          welcome.showReady();
        }
        const chosen = session.provider();
        const defaultModel = session.status()?.defaultModel;
        picker.render(chosen, builtinList(chosen), defaultModel);
        if (chat.isEmpty()) setup.showNew(defaultModel ?? null);
        // Every handler is attached and the picker holds the settings' choices: tests (and anyone
        // driving the window) can start.
        document.documentElement.dataset.ready = 'true';
        refreshCosts(chat.currentId());
        return session.loadModels();
      });
    },
  };
}
