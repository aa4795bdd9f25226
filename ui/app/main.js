// Wiring only: find the elements and connect the modules. The session's state lives in
// session.js, what the window does across its parts in actions.js, its sheets in dialogs.js.

import { createActions } from './actions.js';
import { bindComposer } from '../chat/composer.js';
import { bindConversationSetup } from '../chat/conversation-setup.js';
import { bindDialogs } from './dialogs.js';
import { bindEstimate } from '../cost/send-estimate.js';
import { bindExternalLinks } from '../lib/links.js';
import { bindModelPicker } from '../settings/models.js';
import { bindNotices } from '../chat/notices.js';
import { bindRetirement } from '../chat/sonar-retirement.js';
import { bindSidebar } from './sidebar.js';
import { bindSourcePopover } from '../answer/source-cards.js';
import { bindTotals } from '../cost/spend-totals.js';
import { bindWelcome } from '../chat/welcome.js';
import { createChat } from '../chat/conversation-view.js';
import { createConversationMenu } from '../history/conversation-menu.js';
import { createHistoryActions } from '../history/conversation-actions.js';
import { askFirstPage, createHistoryList } from '../history/conversation-list.js';
import { createSession } from './session.js';
import { createToaster } from '../lib/toast.js';
import { appStatus, settingsGet, toIpcError } from '../ipc/ipc.js';
import { $ } from '../lib/dom.js';
import { applyStoredTheme } from '../lib/theme.js';
import { loadProviders, providersLoaded } from '../ipc/providers.js';
import { bindResearchList } from '../research/research-list.js';
import { researchActions } from '../research/research-events.js';
import { watchRuns } from '../research/runs.js';

/**
 * @typedef {import('./actions.js').Parts} Parts
 *
 * @typedef {object} Launch  what start-up asks the backend for, all at once with the registry
 * @property {Promise<import('../ipc/ipc.js').ConversationPage>} firstPage  the sidebar's first page
 * @property {Promise<import('../ipc/ipc.js').Settings>} settings
 * @property {Promise<import('../ipc/ipc.js').AppStatus>} status
 */

/** @param {Launch} launch */
function start(launch) {
  applyStoredTheme();
  const parts = /** @type {Parts} */ ({});
  const session = createSession({ onStatus: (s) => act.statusArrived(s), onModels: (...a) => act.modelsArrived(...a) });
  const act = createActions(session, parts);
  const budget = () => session.budget();

  // The conversation list's first page comes first: it is what start-up paints.
  parts.toast = createToaster($('#toasts'));
  parts.historyList = createHistoryList($('#history'), {
    onOpen: (id) => act.openConversation(id),
    onMenu: (anchor, summary) => historyActions.openMenu(anchor, summary),
    onRenamed: (summary) => parts.chat.renamed(summary),
    onError: (error) => parts.toast.show({ text: error.message, tone: 'warn' }),
  }, launch.firstPage);

  bindExternalLinks(document);
  bindSourcePopover($('#conversation'));
  parts.notices = bindNotices($('#notices'));
  parts.sidebar = bindSidebar({ app: $('#app'), sidebar: $('#sidebar'), toggle: $('#sidebar-toggle') });
  parts.picker = bindModelPicker(
    { select: $('#model-picker'), hint: $('#model-hint'), otherDialog: $('#model-other') },
    { onChange: () => parts.setup.modelChanged() },
  );
  parts.setup = bindConversationSetup(
    {
      root: $('#search-setup'), button: $('[data-testid="search-options"]'), panel: $('#search-panel'),
      background: { root: $('#background-option'), input: $('[data-testid="run-in-background"]'), hint: $('#background-hint') },
    },
    { provider: session.provider, defaults: session.requestDefaults, picker: parts.picker, onChange: () => parts.estimate.refresh(true) },
  );
  parts.totals = bindTotals(
    { spendButton: $('[data-testid="spend-open"]'), conversationTotal: $('#conversation-total') },
    { budget },
  );
  parts.input = $('#composer');
  parts.title = $('#conversation-title');
  parts.welcome = bindWelcome(
    { root: $('#empty-state'), keyPanel: $('#welcome-key'), readyPanel: $('#welcome-ready'), notice: $('#key-notice') },
    { onKeyChange: act.keyChanged, idle: act.idle },
  );
  parts.retirement = bindRetirement({ onSwitched: act.switchedToAgent });

  parts.chat = createChat(
    { scroller: $('#conversation'), list: $('#message-list'), emptyState: $('#empty-state'), announcer: $('#announcer') },
    {
      getModel: () => parts.picker.value(),
      getOptions: () => parts.setup.options(),
      onLoaded: act.conversationLoaded,
      onAsk: act.ask,
      confirm: act.confirmSend,
      onShown: act.conversationShown,
      onSaved: (summary) => parts.historyList.update(summary),
      onMissing: act.conversationMissing,
      onStreaming: act.streamingChanged,
      // The error banner offers Settings only for key problems (auth, no_key).
      onOpenSettings: () => parts.sheet.open({ atKey: true }),
      onSwitchToAgent: async () => {
        await parts.retirement.switchToAgent();
      },
      onRateLimit: act.rateLimited,
      onNoKey: act.noKey,
      background: (model, options) => parts.setup.background(model, options),
    },
  );
  parts.composer = bindComposer(
    { form: $('#composer-form'), input: parts.input, send: $('#send'), stop: $('#stop') },
    {
      onSend: act.ask,
      onStop: () => parts.chat.stop(),
      onInput: act.typed,
    },
  );
  parts.estimate = bindEstimate(
    { button: $('[data-testid="cost-estimate"]'), detail: $('#estimate-detail'), warning: $('[data-testid="budget-warning"]') },
    {
      args: act.estimateArgs,
      question: () => parts.composer.value(),
      budget,
      spent: () => parts.totals.monthSpent(),
      searchLabel: act.estimateSearchLabel,
      background: () => parts.setup.background(parts.picker.value(), parts.setup.options()),
    },
  );
  // Background research (#20): the runs going now, at the top of the sidebar and in their answers.
  const research = researchActions({
    chat: parts.chat, toast: parts.toast, sidebar: parts.sidebar, refreshCosts: () => act.refreshCosts(parts.chat.currentId()),
  });
  bindResearchList($('#research-list'), { onOpen: research.openAnswer });
  // Asked once the list's first page is here, so start-up's own requests go first (a run
  // picked up at start is listed a frame later; none can end that soon).
  launch.firstPage.finally(() => watchRuns(research));
  const menu = createConversationMenu($('#sidebar'));
  const historyActions = createHistoryActions({ list: parts.historyList, menu, toast: parts.toast, chat: parts.chat });
  bindDialogs(parts, session, act);
  $('[data-testid="new-chat"]').addEventListener('click', act.newChat);

  act.launch(launch.settings, launch.status);

  act.prepareWhenIdle();

  parts.composer.focus();
}

/**
 * The provider registry (the pickers, Settings and the welcome are built from it) and what
 * start-up shows (the list's first page, settings, status) are asked for together; the window
 * is built once the registry is here.
 */
function boot() {
  /** @type {Launch} */
  const launch = { firstPage: askFirstPage(), settings: settingsGet(), status: appStatus() };
  // Handled where they are used; until then a failure must not count as unhandled.
  for (const asked of Object.values(launch)) asked.catch(() => {});
  if (providersLoaded()) {
    start(launch);
    return;
  }
  loadProviders().then(() => start(launch), (err) => {
    console.error('providers_get failed:', err);
    document.body.textContent = `Citewise could not start: ${toIpcError(err).message}`;
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
