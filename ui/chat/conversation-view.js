// The conversation shown in this window: a saved conversation (or a new one, saved by its first
// question) as the branch of exchanges (question + answer) the backend says is shown. Sending,
// Retry/Regenerate (a new answer to the same question), Edit & resend (a new question in place of
// an old one), switching versions, opening a conversation, Stop, New chat, and keeping the view
// scrolled while an answer streams.
//
// One stream at a time. Opening another conversation or a new chat stops the running answer
// first (the backend keeps what arrived, as "interrupted"), except a background run (#20), which
// goes on without the window and is only let go of; each answer's channel feeds only its
// own turn, and `view` is bumped whenever the shown conversation changes, so a late receipt or a
// late open never lands in the wrong conversation.
//
// A long conversation is not drawn whole: the newest exchanges are, and older ones are drawn a
// batch at a time as the view scrolls up to them (or "Show earlier messages" is pressed: the row
// above them, earlier-messages.js), so opening a 500-message conversation costs what opening a 40-message
// one does. The turns and the renderer behind them (branch.js) load with the first conversation
// or question, not the window.
//
// Kept as one file (~550 lines) on purpose: sending, versions and opening all read and write the
// same few variables (the shown branch, the one active stream, `view`); split, they would travel
// between files as a shared mutable object, which is harder to follow than this one closure.

import { chatCancel, chatSend, conversationOpen, conversationSelectVersion, toIpcError } from '../ipc/ipc.js';
import { newRequestId, titleFrom } from './question-start.js';
import { renderErrorBanner } from './error-banner.js';
import { createEarlier, WINDOW } from './earlier-messages.js';

/**
 * @typedef {import('../ipc/ipc.js').Conversation} Conversation
 * @typedef {import('../ipc/ipc.js').ConversationSummary} ConversationSummary
 * @typedef {import('../ipc/ipc.js').ChatArgs} ChatArgs
 * @typedef {import('./branch.js').Exchange} Exchange
 * @typedef {import('./branch.js').StoredExchange} StoredExchange
 * @typedef {import('../answer/answer-turn.js').AssistantTurn} AssistantTurn
 * @typedef {import('./user-turn.js').UserTurn} UserTurn
 * @typedef {{parentId: string | null, question: string} | {regenerate: string}} Ask
 *
 * @typedef {object} ChatElements
 * @property {HTMLElement} scroller     the scrolling conversation area
 * @property {HTMLElement} list         message-list
 * @property {HTMLElement} emptyState
 * @property {HTMLElement} announcer    visually hidden live region
 *
 * @typedef {object} ChatHooks
 * @property {() => string} getModel
 * @property {() => import('../ipc/ipc.js').RequestOptions | null} getOptions  the settings' request defaults
 * @property {(title: string | null, id: string | null) => void} onShown  the conversation in view
 *   (null title: a new chat with nothing in it; null id: not saved yet)
 * @property {(summary: ConversationSummary) => void} onSaved  a question was saved (sidebar moves it up)
 * @property {(question: string) => true | Promise<boolean>} [confirm]  before Retry, Regenerate and
 *   Edit & resend: true to go ahead (the monthly budget may ask first)
 * @property {(question: string) => boolean} [onAsk]  an example or related question was picked (the
 *   window may ask about the budget first; it then calls `send`)
 * @property {(conversation: Conversation | null) => void} onLoaded  a saved conversation was opened
 *   (its model and options come back), or a new chat began (null)
 * @property {(id: string) => void} onMissing  an opened conversation no longer exists
 * @property {(streaming: boolean) => void} onStreaming
 * @property {() => void} onOpenSettings
 * @property {() => Promise<void>} [onSwitchToAgent]  leave the retired Sonar API (the answer is then asked again)
 * @property {(limit: import('../ipc/ipc.js').RateLimit) => void} [onRateLimit]
 * @property {(model: string, options: import('../ipc/ipc.js').RequestOptions | null) => boolean} [background]
 *   whether a question with this model and options runs in the background
 * @property {(question: string | null, empty: boolean, error: import('../ipc/ipc.js').IpcError) => void} onNoKey
 *   chat_send found no key it may send (no_key, or key_elsewhere: saved for another address); a new
 *   question was taken back (`question`; null for Retry or Edit), `empty`: nothing else shown
 */

const ANNOUNCE_LENGTH = 600;
/** What Continue asks after an answer cut at the length limit. */
export const CONTINUE_QUESTION = 'Continue your previous answer exactly where it stopped.';
/** How long a smooth scroll to a search hit may take (older exchanges wait for it). */
const REVEAL_MS = 800;

/** @type {Promise<typeof import('./branch.js')> | null} */
let turnsLoading = null;
/** @type {typeof import('./branch.js') | null} */
let turns = null;

/** Load the turns and the renderer (once); resolves to branch.js. */
function loadTurns() {
  turnsLoading ??= import('./branch.js').then((module) => (turns = module));
  return turnsLoading;
}

/**
 * @param {ChatElements} els
 * @param {ChatHooks} hooks
 */
export function createChat(els, hooks) {
  const { scroller, list, emptyState, announcer } = els;
  /** @type {string | null} */
  let conversationId = null;
  let title = /** @type {string | null} */ (null);
  /** @type {Exchange[]} the exchanges drawn, oldest first */
  let exchanges = [];
  /** @type {StoredExchange[]} the shown branch's exchanges above them, not drawn yet */
  let older = [];
  /** @type {{requestId: string, exchange: Exchange} | null} */
  let active = null;
  /** Bumped whenever the shown conversation changes; async work started under another is dropped. */
  let view = 0;
  let opening = false;
  let followOutput = true;

  scroller.addEventListener(
    'scroll',
    () => {
      followOutput = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    },
    { passive: true },
  );

  const scrollToEnd = (force = false) => {
    if (force || followOutput) scroller.scrollTop = scroller.scrollHeight;
  };

  const renderEmpty = () => {
    emptyState.hidden = exchanges.length > 0 || older.length > 0 || list.childElementCount > 0;
  };

  // Above the drawn exchanges while older ones exist: drawn when scrolled near, or on request.
  const earlier = createEarlier({ scroller, list }, {
    messagesLeft: () => older.reduce((n, ex) => n + (ex.user ? 1 : 0) + (ex.answer ? 1 : 0), 0),
    drawBatch: (count, after) => {
      if (!older.length || !turns) return false;
      const batch = older.splice(Math.max(0, older.length - count));
      const built = turns.buildExchanges(batch, userHooks, answerHooks);
      if (active) for (const ex of built.exchanges) setTurnsBusy(ex, true);
      after.after(built.fragment);
      exchanges.unshift(...built.exchanges);
      return true;
    },
  });

  const isBusy = () => active !== null;

  const setTurnsBusy = (/** @type {Exchange} */ ex, /** @type {boolean} */ busy) => {
    ex.user?.setBusy(busy);
    ex.answer?.setBusy(busy);
  };

  const setBusy = (/** @type {boolean} */ busy) => {
    list.classList.toggle('is-busy', busy);
    for (const ex of exchanges) setTurnsBusy(ex, busy);
    hooks.onStreaming(busy);
  };

  const announce = (/** @type {AssistantTurn} */ turn) => {
    if (turn.state !== 'done') return;
    const text = turn.content.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    const short = text.length > ANNOUNCE_LENGTH ? `${text.slice(0, ANNOUNCE_LENGTH)}…` : text;
    announcer.textContent = `Answer ready. ${short}`;
  };

  const exchangeOf = (/** @type {UserTurn | AssistantTurn} */ turn) =>
    exchanges.find((ex) => ex.user === turn || ex.answer === turn);

  /** @type {import('../answer/answer-turn.js').TurnHooks} */
  const answerHooks = {
    onSettled: (turn) => {
      if (active?.exchange.answer !== turn) return;
      active = null;
      setBusy(false);
      announce(turn);
    },
    onRetry: (turn) => {
      const ex = exchangeOf(turn);
      if (ex) regenerate(ex);
    },
    onVersion: (_turn, id) => selectVersion(id),
    onAsk: (question) => pick(question),
    onOpenSettings: () => hooks.onOpenSettings(),
    onSwitchToAgent: async (turn) => {
      await hooks.onSwitchToAgent?.();
      const ex = exchangeOf(turn);
      if (ex) regenerate(ex);
    },
    onContinue: () => pick(CONTINUE_QUESTION),
    onRateLimit: (limit) => hooks.onRateLimit?.(limit),
    onRender: () => scrollToEnd(),
    isBusy,
  };

  /** @type {import('./user-turn.js').UserTurnHooks} */
  const userHooks = {
    onEdit: (turn, text) => {
      const ex = exchangeOf(turn);
      return ex ? edit(ex, text) : false;
    },
    onVersion: (_turn, id) => selectVersion(id),
    isBusy,
  };

  /** The id the next question follows: the last saved message of the shown branch. */
  const lastMessageId = () => {
    for (let i = exchanges.length - 1; i >= 0; i -= 1) {
      const id = exchanges[i].answer?.id ?? exchanges[i].user?.id;
      if (id) return id;
    }
    const stored = older.at(-1);
    return stored?.answer?.id ?? stored?.user?.id ?? null;
  };

  /** Take an exchange and everything after it off the screen. */
  const dropFrom = (/** @type {number} */ index) => {
    for (const ex of exchanges.splice(index)) {
      ex.user?.el.remove();
      ex.answer?.el.remove();
    }
  };

  const setShown = (/** @type {string | null} */ nextTitle, /** @type {string | null} */ id) => {
    title = nextTitle;
    hooks.onShown(nextTitle, id);
  };

  /**
   * Send one request for `exchange` (its answer turn is fresh and streaming).
   * @param {Exchange} exchange
   * @param {Ask} ask
   * @param {"ask" | "edit" | "retry"} kind
   */
  const start = async (exchange, ask, kind) => {
    const requestId = newRequestId();
    const turn = /** @type {AssistantTurn} */ (exchange.answer);
    const shown = view;
    active = { requestId, exchange };
    announcer.textContent = '';
    setBusy(true);
    scrollToEnd(true);
    /** @type {ChatArgs} */
    const args = { requestId, model: hooks.getModel(), conversationId, ...ask };
    turn.model = args.model;
    const options = hooks.getOptions();
    if (options) args.options = options;
    turn.background = hooks.background?.(args.model, options) ?? false;
    try {
      const receipt = await chatSend(args, (event) => {
        try {
          turn.handleEvent(event);
        } catch (err) {
          console.error('chat event failed:', event, err);
        }
      });
      hooks.onSaved(receipt.conversation);
      if (view === shown) {
        conversationId = receipt.conversation.id;
        const parentId = 'question' in ask ? ask.parentId : exchange.user?.parentId ?? null;
        exchange.user?.setSaved(receipt.userMessageId, parentId, receipt.userVersions);
        turn.setSaved(receipt.assistantMessageId, receipt.answerVersions);
        setShown(receipt.conversation.title, conversationId);
      }
      // Stop pressed before the backend had registered the request: cancel it now.
      if (turn.state === 'stopped') chatCancel(requestId).catch(() => {});
    } catch (err) {
      const error = toIpcError(err);
      const unsent = error.kind === 'no_key' || error.kind === 'key_elsewhere';
      if (unsent && view === shown && turn.state === 'streaming') withdraw(exchange, kind, error);
      else turn.fail(error);
    }
  };

  /**
   * Sending without a usable key saves nothing: take the exchange back as if it had not been sent.
   * A new question goes back into the question box; after Retry or Edit the saved branch comes back.
   * @param {Exchange} exchange
   * @param {"ask" | "edit" | "retry"} kind
   * @param {import('../ipc/ipc.js').IpcError} error  no_key, or key_elsewhere (saved for another address)
   */
  const withdraw = (exchange, kind, error) => {
    active = null;
    setBusy(false);
    if (kind === 'ask' || !conversationId) {
      const question = exchange.user?.text ?? null;
      dropFrom(exchanges.indexOf(exchange));
      if (exchanges.length === 0 && !conversationId) setShown(null, null);
      renderEmpty();
      hooks.onNoKey(question, exchanges.length === 0, error);
    } else {
      open(conversationId, null, true);
      hooks.onNoKey(null, false, error);
    }
  };

  /** @param {string} question @param {string | null} parentId @returns {Exchange} */
  const addExchange = (question, parentId) => {
    const { AssistantTurn, UserTurn } = /** @type {typeof import('./branch.js')} */ (turns);
    const user = new UserTurn(question, parentId, userHooks);
    const answer = new AssistantTurn(answerHooks);
    /** @type {Exchange} */
    const exchange = { user, answer };
    exchanges.push(exchange);
    list.append(user.el, answer.el);
    renderEmpty();
    return exchange;
  };

  /**
   * Ask a question after the shown branch.
   * @param {string} question
   * @returns {boolean} false when busy or empty
   */
  const send = (question) => {
    if (active || opening || question.trim() === '') return false;
    if (!turns) {
      // The first question before the renderer has loaded (it starts loading with the first
      // keystroke, so this is rare): wait for it, as for opening a conversation.
      const shown = loading();
      loadTurns()
        .then(() => {
          if (view !== shown) return;
          loaded(shown);
          send(question);
        })
        .catch((err) => {
          console.error('loading the renderer failed:', err);
          loaded(shown);
        });
      return true;
    }
    const parentId = lastMessageId();
    if (!title) setShown(titleFrom(question), conversationId);
    start(addExchange(question, parentId), { parentId, question }, 'ask');
    return true;
  };

  /** A question from outside the question box (an example, a related question): through the hook. */
  const pick = (/** @type {string} */ question) => (hooks.onAsk ? hooks.onAsk(question) : send(question));

  /** Retry and Regenerate: a new answer to the exchange's question; what was below it leaves the screen. */
  /**
   * Runs `go` once the window agrees (the monthly budget may ask first); `go` again checks that
   * nothing else started meanwhile.
   * @param {string} question
   * @param {() => boolean} go
   * @returns {boolean | Promise<boolean>}  true (or a promise of it) when sent
   */
  const guarded = (question, go) => {
    const ok = hooks.confirm ? hooks.confirm(question) : true;
    if (ok === true) return go();
    return Promise.resolve(ok).then((yes) => yes && go());
  };

  const regenerate = (/** @type {Exchange} */ exchange) => {
    if (active || !exchange.user) return false;
    return guarded(exchange.user.text, () => regenerateNow(exchange));
  };

  const regenerateNow = (/** @type {Exchange} */ exchange) => {
    if (active || opening || !exchange.user || !exchanges.includes(exchange)) return false;
    const index = exchanges.indexOf(exchange);
    dropFrom(index + 1);
    const fresh = new (/** @type {typeof import('./branch.js')} */ (turns).AssistantTurn)(answerHooks);
    if (exchange.answer) exchange.answer.el.replaceWith(fresh.el);
    else list.append(fresh.el);
    exchange.answer = fresh;
    // A question the backend never saved is simply asked again.
    const ask = exchange.user.id
      ? { regenerate: exchange.user.id }
      : { parentId: exchange.user.parentId, question: exchange.user.text };
    start(exchange, ask, 'retry');
    return true;
  };

  /** Edit & resend: a new version of the question, answered; the old branch stays as a version. */
  const edit = (/** @type {Exchange} */ exchange, /** @type {string} */ question) => {
    if (active || !exchange.user) return false;
    return guarded(question, () => {
      if (active || opening || !exchange.user || !exchanges.includes(exchange)) return false;
      const { parentId } = exchange.user;
      dropFrom(exchanges.indexOf(exchange));
      start(addExchange(question, parentId), { parentId, question }, 'edit');
      return true;
    });
  };

  /**
   * Show a stored conversation's branch.
   * @param {Conversation} conversation
   * @param {{focus?: string | null, highlight?: boolean}} [options]
   */
  const render = (conversation, { focus = null, highlight = false } = {}) => {
    const { buildExchanges, pairMessages } = /** @type {typeof import('./branch.js')} */ (turns);
    const another = conversation.id !== conversationId;
    conversationId = conversation.id;
    const stored = pairMessages(conversation.messages ?? []);
    // The newest exchanges, and down from the one to bring into view if it is older.
    let from = Math.max(0, stored.length - WINDOW);
    const at = focus ? stored.findIndex((ex) => ex.user?.id === focus || ex.answer?.id === focus) : -1;
    if (at !== -1) from = Math.min(from, at);
    older = stored.slice(0, from);
    const built = buildExchanges(stored.slice(from), userHooks, answerHooks);
    exchanges = built.exchanges;
    list.replaceChildren(built.fragment);
    earlier.place();
    announcer.textContent = '';
    setShown(conversation.title, conversation.id);
    // Opening another conversation brings its model and options back; versions keep them.
    if (another) hooks.onLoaded(conversation);
    renderEmpty();
    if (!focus || !turns?.revealMessage(list, focus, highlight, false)) {
      followOutput = true;
      scrollToEnd(true);
    }
  };

  /**
   * Bring a message of the shown branch into view (drawing older exchanges down to it first).
   * @param {string} messageId
   * @returns {boolean} false when it is not in the shown branch
   */
  const reveal = (messageId) => {
    if (!turns) return false;
    const at = older.findIndex((ex) => ex.user?.id === messageId || ex.answer?.id === messageId);
    if (at !== -1) earlier.show(older.length - at);
    // Drawing older exchanges moves the scroll position, which would cut the smooth scroll short.
    earlier.hold(REVEAL_MS);
    return turns.revealMessage(list, messageId, true);
  };

  /** Something else is about to be shown: no sending until it is. @returns {number} its view */
  const loading = () => {
    view += 1;
    opening = true;
    list.setAttribute('aria-busy', 'true');
    return view;
  };

  const loaded = (/** @type {number} */ shown) => {
    if (view !== shown) return;
    opening = false;
    list.removeAttribute('aria-busy');
  };

  /**
   * Open a saved conversation; with `messageId` (a search hit) show the branch holding it,
   * scrolled to it and briefly highlighted.
   * @param {string} id
   * @param {string | null} [messageId]
   * @param {boolean} [reload]  also when it is the one in view (its saved state is wanted back)
   */
  const open = async (id, messageId = null, reload = false) => {
    // The conversation in view (maybe streaming): no reload, at most bring the hit into view.
    const inView = id === conversationId && !opening && exchanges.length > 0;
    if (!reload && inView && (!messageId || reveal(messageId))) return;
    leave();
    const shown = loading();
    try {
      const [conversation] = await Promise.all([conversationOpen(id, messageId), loadTurns()]);
      if (view !== shown) return;
      render(conversation, { focus: messageId, highlight: messageId !== null });
    } catch (err) {
      if (view !== shown) return;
      const error = toIpcError(err);
      if (error.kind === 'not_found') {
        hooks.onMissing(id);
        newChat();
        announcer.textContent = 'That conversation no longer exists.';
        return;
      }
      // Nothing of it is shown, so a question typed now starts a new conversation.
      exchanges = [];
      older = [];
      conversationId = null;
      setShown(null, null);
      list.replaceChildren(renderErrorBanner(error, { onRetry: () => open(id, messageId), onOpenSettings: hooks.onOpenSettings }));
      renderEmpty();
    } finally {
      loaded(shown);
    }
  };

  /** Show another version of a question or an answer (a sibling id), keeping it in view. */
  const selectVersion = async (/** @type {string} */ messageId) => {
    if (active || opening || !conversationId) return;
    const hadFocus = list.contains(document.activeElement) ? /** @type {HTMLElement} */ (document.activeElement).dataset.testid : null;
    const shown = loading();
    try {
      const conversation = await conversationSelectVersion(conversationId, messageId);
      if (view !== shown) return;
      render(conversation, { focus: messageId });
      // Keep keyboard focus on the switcher of the version now shown.
      const turn = list.querySelector(`[data-message-id="${CSS.escape(messageId)}"]`);
      const button = /** @type {HTMLButtonElement | null} */ (turn?.querySelector(`[data-testid="${hadFocus}"]`) ?? null);
      const fallback = /** @type {HTMLButtonElement | null} */ (turn?.querySelector('.versions button:not(:disabled)') ?? null);
      if (hadFocus) (button && !button.disabled ? button : fallback)?.focus();
    } catch (err) {
      if (view !== shown) return;
      const error = toIpcError(err);
      if (error.kind === 'not_found' && conversationId) open(conversationId, null, true);
      else announcer.textContent = error.message;
    } finally {
      loaded(shown);
    }
  };

  const stop = () => {
    if (!active) return;
    const { requestId, exchange } = active;
    exchange.answer?.stop();
    chatCancel(requestId).catch((err) => console.warn('chat_cancel failed:', err));
  };

  /** Something else is shown: a background run goes on unseen (its channel feeds a turn no longer shown); any other answer stops. */
  const leave = () => {
    const turn = active?.exchange.answer;
    if (!turn || !(turn.background || turn.progress)) {
      stop();
      return;
    }
    active = null;
    setBusy(false);
  };

  const newChat = () => {
    leave();
    view += 1;
    opening = false;
    list.removeAttribute('aria-busy');
    conversationId = null;
    exchanges = [];
    older = [];
    list.replaceChildren();
    announcer.textContent = '';
    followOutput = true;
    setShown(null, null);
    hooks.onLoaded(null);
    renderEmpty();
  };

  for (const button of emptyState.querySelectorAll('button.example')) {
    button.addEventListener('click', () => pick(button.textContent ?? ''));
  }
  renderEmpty();

  return {
    send,
    stop,
    newChat,
    open,
    isStreaming: () => active !== null,
    /** Opens the last question's editor (↑ in an empty composer); false when there is none. */
    editLastQuestion: () => {
      const user = exchanges.at(-1)?.user;
      if (!user || active) return false;
      user.startEdit();
      return true;
    },
    /** Copies the last answer as Markdown through its Copy button (which says "Copied"). */
    copyLastAnswer: () => {
      const button = /** @type {HTMLButtonElement | null | undefined} */ (
        exchanges.at(-1)?.answer?.el.querySelector('[data-testid="copy-answer"]'));
      if (!button) return false;
      button.click();
      announcer.textContent = 'Answer copied.';
      return true;
    },
    /** Start loading the turns and the renderer (a question is being typed). */
    prepare: () => {
      loadTurns().catch((err) => console.error('loading the renderer failed:', err));
    },
    /** The saved conversation in view, if any. */
    currentId: () => conversationId,
    /** The message the next question follows (null: the first question). */
    parentForNext: lastMessageId,
    /** A new chat with nothing asked yet. */
    isEmpty: () => conversationId === null && exchanges.length === 0,
    /**
     * A background run ended (its answer is saved). When its conversation is shown and nothing
     * streams into it, it is opened again so the saved answer and its cost show.
     * @param {string} id  the conversation
     * @param {string} answerId
     * @returns {boolean} whether that conversation is the one shown
     */
    runFinished: (id, answerId) => {
      if (id !== conversationId) return false;
      if (!active) open(id, null, true);
      else if (active.exchange.answer?.id !== answerId) console.info('a run ended while another answer streams here; it shows when reopened');
      return true;
    },
    /** The shown conversation was renamed elsewhere (the sidebar). @param {ConversationSummary} summary */
    renamed: (summary) => {
      if (summary.id === conversationId) setShown(summary.title, summary.id);
    },
  };
}
