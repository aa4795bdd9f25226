// A stored branch (Conversation.messages, oldest first) as exchanges of turns, and bringing one
// message into view with a brief highlight (a search hit).

import { AssistantTurn } from './message.js';
import { UserTurn } from './user-turn.js';

/**
 * @typedef {import('./ipc.js').StoredMessage} StoredMessage
 * @typedef {{user: UserTurn | null, answer: AssistantTurn | null}} Exchange
 */

const HIGHLIGHT_MS = 2400;

/**
 * Turns for every message. A question starts an exchange; an answer joins the one before it (or
 * stands alone, should a stored branch ever hold an answer without its question).
 * @param {StoredMessage[]} messages
 * @param {import('./user-turn.js').UserTurnHooks} userHooks
 * @param {import('./message.js').TurnHooks} answerHooks
 * @returns {{exchanges: Exchange[], fragment: DocumentFragment}}
 */
export function buildBranch(messages, userHooks, answerHooks) {
  /** @type {Exchange[]} */
  const exchanges = [];
  const fragment = document.createDocumentFragment();
  /** @type {Exchange | null} */
  let current = null;
  for (const message of messages) {
    if (message.role === 'user') {
      const user = new UserTurn(message.content, message.parentId, userHooks);
      user.setSaved(message.id, message.parentId, message.versions ?? null);
      current = { user, answer: null };
      exchanges.push(current);
      fragment.append(user.el);
    } else {
      const answer = AssistantTurn.fromStored(message, answerHooks);
      if (!current || current.answer) {
        current = { user: null, answer };
        exchanges.push(current);
      } else {
        current.answer = answer;
      }
      fragment.append(answer.el);
    }
  }
  return { exchanges, fragment };
}

/**
 * Scroll a message into view; with `highlight`, centred and tinted for a moment (no smooth
 * scrolling or fading with prefers-reduced-motion).
 * @param {HTMLElement} list
 * @param {string} messageId
 * @param {boolean} highlight
 * @returns {boolean} whether the message is on the page
 */
export function revealMessage(list, messageId, highlight) {
  const target = /** @type {HTMLElement | null} */ (list.querySelector(`[data-message-id="${CSS.escape(messageId)}"]`));
  if (!target) return false;
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  target.scrollIntoView({ block: highlight ? 'center' : 'nearest', behavior: highlight && !reduced ? 'smooth' : 'auto' });
  if (highlight) {
    target.classList.add('is-highlighted');
    setTimeout(() => target.classList.remove('is-highlighted'), HIGHLIGHT_MS);
  }
  return true;
}
