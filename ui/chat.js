// The conversation in this window: its exchanges (question + answer turn), sending with the
// earlier turns as context, Stop, Retry, New chat, and keeping the view scrolled while streaming.
// It lives in memory only; saved history is a later step and will hang off `exchanges`.

import { chatCancel, chatSend, toIpcError } from './ipc.js';
import { AssistantTurn, renderUserTurn } from './message.js';

/**
 * @typedef {import('./ipc.js').ChatMessage} ChatMessage
 * @typedef {{question: string, userEl: HTMLElement, answer: AssistantTurn}} Exchange
 *
 * @typedef {object} ChatElements
 * @property {HTMLElement} scroller     the scrolling conversation area
 * @property {HTMLElement} list         message-list
 * @property {HTMLElement} emptyState
 * @property {HTMLElement} announcer    visually hidden live region
 *
 * @typedef {object} ChatHooks
 * @property {() => string} getModel
 * @property {() => import('./ipc.js').RequestOptions | null} getOptions  the settings' request defaults
 * @property {(title: string | null) => void} onTitle   null: no conversation yet
 * @property {(streaming: boolean) => void} onStreaming
 * @property {() => void} onOpenSettings
 * @property {(question: string, empty: boolean) => void} onNoKey  chat_send found no key; the
 *   question was taken back (`empty`: the conversation has nothing else in it)
 */

const TITLE_LENGTH = 48;
const ANNOUNCE_LENGTH = 600;

/** First question → conversation title, cut at a word boundary. */
export function titleFrom(question) {
  const flat = question.replace(/\s+/g, ' ').trim();
  if (flat.length <= TITLE_LENGTH) return flat;
  const cut = flat.slice(0, TITLE_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

/** A v4 UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
function newRequestId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * @param {ChatElements} els
 * @param {ChatHooks} hooks
 */
export function createChat(els, hooks) {
  const { scroller, list, emptyState, announcer } = els;
  /** @type {Exchange[]} */
  let exchanges = [];
  /** @type {{requestId: string, exchange: Exchange} | null} */
  let active = null;
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
    emptyState.hidden = exchanges.length > 0;
  };

  /** Earlier complete exchanges, alternating user/assistant, as the API expects. */
  const historyBefore = (/** @type {Exchange} */ exchange) => {
    /** @type {ChatMessage[]} */
    const messages = [];
    for (const ex of exchanges) {
      if (ex === exchange) break;
      if (ex.answer.state === 'done' && ex.answer.text.trim()) {
        messages.push({ role: 'user', content: ex.question }, { role: 'assistant', content: ex.answer.text });
      }
    }
    return messages;
  };

  const announce = (/** @type {AssistantTurn} */ turn) => {
    if (turn.state !== 'done') return;
    const text = turn.content.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    const short = text.length > ANNOUNCE_LENGTH ? `${text.slice(0, ANNOUNCE_LENGTH)}…` : text;
    announcer.textContent = `Answer ready. ${short}`;
  };

  const newAnswer = () =>
    new AssistantTurn({
      onSettled: (turn) => {
        if (active?.exchange.answer !== turn) return;
        active = null;
        hooks.onStreaming(false);
        announce(turn);
      },
      onRetry: (turn) => retry(turn),
      onOpenSettings: () => hooks.onOpenSettings(),
      onRender: () => scrollToEnd(),
    });

  const start = async (/** @type {Exchange} */ exchange) => {
    const requestId = newRequestId();
    const turn = exchange.answer;
    active = { requestId, exchange };
    announcer.textContent = '';
    hooks.onStreaming(true);
    scrollToEnd(true);
    const messages = [...historyBefore(exchange), { role: 'user', content: exchange.question }];
    try {
      /** @type {import('./ipc.js').ChatArgs} */
      const args = { requestId, model: hooks.getModel(), messages };
      const options = hooks.getOptions();
      if (options) args.options = options;
      await chatSend(args, (event) => {
        try {
          turn.handleEvent(event);
        } catch (err) {
          console.error('chat event failed:', event, err);
        }
      });
      // Stop pressed before the backend had registered the request: cancel it now.
      if (turn.state === 'stopped') chatCancel(requestId).catch(() => {});
    } catch (err) {
      const error = toIpcError(err);
      if (error.kind === 'no_key' && withdraw(exchange)) hooks.onNoKey(exchange.question, exchanges.length === 0);
      else turn.fail(error);
    }
  };

  /**
   * Take back an exchange the backend did not accept, as if it had not been sent: sending
   * without a key leads to the key form, not to a failed answer.
   * @param {Exchange} exchange
   * @returns {boolean} false when it had already moved on (stopped, or not the last one)
   */
  const withdraw = (exchange) => {
    if (exchange.answer.state !== 'streaming' || exchanges.at(-1) !== exchange) return false;
    exchanges.pop();
    exchange.userEl.remove();
    exchange.answer.el.remove();
    active = null;
    hooks.onStreaming(false);
    if (exchanges.length === 0) hooks.onTitle(null);
    renderEmpty();
    return true;
  };

  /**
   * Ask a question in this conversation.
   * @param {string} question
   * @returns {boolean} false when busy or empty
   */
  const send = (question) => {
    if (active || question.trim() === '') return false;
    exchanges.at(-1)?.answer.retire();
    /** @type {Exchange} */
    const exchange = { question, userEl: renderUserTurn(question), answer: newAnswer() };
    exchanges.push(exchange);
    list.append(exchange.userEl, exchange.answer.el);
    if (exchanges.length === 1) hooks.onTitle(titleFrom(question));
    renderEmpty();
    start(exchange);
    return true;
  };

  /** Ask the last question again, in place of its failed answer. */
  const retry = (/** @type {AssistantTurn} */ turn) => {
    const exchange = exchanges.at(-1);
    if (active || !exchange || exchange.answer !== turn) return;
    const fresh = newAnswer();
    turn.el.replaceWith(fresh.el);
    exchange.answer = fresh;
    start(exchange);
  };

  const stop = () => {
    if (!active) return;
    const { requestId, exchange } = active;
    exchange.answer.stop();
    chatCancel(requestId).catch((err) => console.warn('chat_cancel failed:', err));
  };

  const newChat = () => {
    stop();
    exchanges = [];
    list.replaceChildren();
    announcer.textContent = '';
    followOutput = true;
    hooks.onTitle(null);
    renderEmpty();
  };

  for (const button of emptyState.querySelectorAll('button.example')) {
    button.addEventListener('click', () => send(button.textContent ?? ''));
  }
  renderEmpty();

  return {
    send,
    stop,
    newChat,
    isStreaming: () => active !== null,
  };
}
