// A stored branch (Conversation.messages, oldest first) as exchanges of turns, and bringing one
// message into view with a brief highlight (a search hit).
//
// conversation-view.js loads this module (and through it the turns and the whole renderer: markdown-it,
// DOMPurify, KaTeX, highlight.js) only when the first conversation is shown or the first question
// typed, so an idle window never holds it.

import { AssistantTurn } from '../answer/answer-turn.js';
import { UserTurn } from './user-turn.js';

export { AssistantTurn, UserTurn };

/**
 * @typedef {import('../ipc/ipc.js').StoredMessage} StoredMessage
 * @typedef {{user: UserTurn | null, answer: AssistantTurn | null}} Exchange
 * @typedef {{user: StoredMessage | null, answer: StoredMessage | null}} StoredExchange
 */

const HIGHLIGHT_MS = 2400;

/**
 * A branch's messages as exchanges. A question starts an exchange; an answer joins the one before
 * it (or stands alone, should a stored branch ever hold an answer without its question).
 * @param {StoredMessage[]} messages
 * @returns {StoredExchange[]}
 */
export function pairMessages(messages) {
  /** @type {StoredExchange[]} */
  const out = [];
  /** @type {StoredExchange | null} */
  let current = null;
  for (const message of messages) {
    if (message.role === 'user') {
      current = { user: message, answer: null };
      out.push(current);
    } else if (!current || current.answer) {
      current = { user: null, answer: message };
      out.push(current);
    } else {
      current.answer = message;
    }
  }
  return out;
}

/**
 * Turns for stored exchanges, in order.
 * @param {StoredExchange[]} stored
 * @param {import('./user-turn.js').UserTurnHooks} userHooks
 * @param {import('../answer/answer-turn.js').TurnHooks} answerHooks
 * @returns {{exchanges: Exchange[], fragment: DocumentFragment}}
 */
export function buildExchanges(stored, userHooks, answerHooks) {
  const fragment = document.createDocumentFragment();
  const exchanges = stored.map(({ user: question, answer: reply }) => {
    /** @type {Exchange} */
    const exchange = { user: null, answer: null };
    if (question) {
      exchange.user = new UserTurn(question.content, question.parentId, userHooks);
      exchange.user.setSaved(question.id, question.parentId, question.versions ?? null);
      fragment.append(exchange.user.el);
    }
    if (reply) {
      exchange.answer = AssistantTurn.fromStored(reply, answerHooks);
      fragment.append(exchange.answer.el);
    }
    return exchange;
  });
  return { exchanges, fragment };
}

/**
 * Scroll a message into view; with `highlight`, centred and tinted for a moment (no smooth
 * scrolling or fading with prefers-reduced-motion).
 * @param {HTMLElement} list
 * @param {string} messageId
 * @param {boolean} highlight
 * @param {boolean} [smooth]  scroll there smoothly (when highlighted); a conversation just opened
 *   jumps straight to the message instead
 * @returns {boolean} whether the message is on the page
 */
export function revealMessage(list, messageId, highlight, smooth = highlight) {
  const target = /** @type {HTMLElement | null} */ (list.querySelector(`[data-message-id="${CSS.escape(messageId)}"]`));
  if (!target) return false;
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  target.scrollIntoView({ block: highlight ? 'center' : 'nearest', behavior: smooth && !reduced ? 'smooth' : 'auto' });
  if (highlight) {
    target.classList.add('is-highlighted');
    setTimeout(() => target.classList.remove('is-highlighted'), HIGHLIGHT_MS);
  }
  return true;
}
