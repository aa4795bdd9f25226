// What the window does when research_watch speaks (#20): a run ended — its conversation, if on
// screen, is opened again so the saved answer and its cost show; if not, a toast says so with an
// Open action (none for a cancelled run: the person did it) — and a click on a run's desktop
// notification opens its conversation at the answer, which takes focus.

import { finishedText } from './research-words.js';

/**
 * @typedef {import('./runs.js').Finished} Finished
 *
 * @typedef {object} ResearchParts
 * @property {{runFinished: (id: string, answerId: string) => boolean, open: (id: string, messageId?: string | null) => Promise<void>}} chat
 * @property {{show: (options: import('../lib/toast.js').ToastOptions) => void}} toast
 * @property {{close: () => void}} sidebar
 * @property {() => void} refreshCosts  the month total (and the estimate) follow a run's cost
 */

/**
 * Bring an answer into view and give it focus (it is an article: focusable from a script only).
 * @param {string} answerId
 */
function focusAnswer(answerId) {
  const turn = /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="message-assistant"][data-message-id="${CSS.escape(answerId)}"]`));
  if (!turn) return;
  turn.tabIndex = -1;
  turn.focus({ preventScroll: true });
}

/**
 * @param {ResearchParts} parts
 */
export function researchActions(parts) {
  /** Open a conversation at an answer (a sidebar item, the toast's Open, a notification). @param {string} id @param {string} answerId */
  const openAnswer = async (id, answerId) => {
    parts.sidebar.close();
    await parts.chat.open(id, answerId);
    focusAnswer(answerId);
  };

  return {
    openAnswer,
    /** @param {Finished} finished */
    onFinished(finished) {
      parts.refreshCosts();
      if (parts.chat.runFinished(finished.conversationId, finished.answerId)) return;
      const text = finishedText(finished.outcome, finished.title || 'Untitled');
      if (!text) return;
      parts.toast.show({
        text,
        tone: finished.outcome === 'completed' ? 'ok' : 'warn',
        timeout: 15_000,
        action: { label: 'Open', testid: 'research-toast-open', run: () => openAnswer(finished.conversationId, finished.answerId) },
      });
    },
    /** The notification of a run was clicked. @param {string} id @param {string} answerId */
    onOpen: (id, answerId) => {
      openAnswer(id, answerId);
    },
  };
}
