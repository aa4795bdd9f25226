// Perplexity retired Sonar chat completions on 27 September 2026: `POST /chat/completions` answers
// 403 `chat_completions_not_available`. This is the way out, offered once at start-up to a person
// whose saved provider is still Sonar and on every answer that meets the 403: one action, "Switch
// to the Agent API" (`sonar_migrate`), after which the window follows the new provider and model.

import { sonarMigrate } from '../ipc/ipc.js';

/** @typedef {import('../ipc/ipc.js').Switched} Switched */

export const OFFER_TEXT =
  'Perplexity retired the Sonar API on 27 September 2026, so Sonar questions to api.perplexity.ai now fail. '
  + 'Switch to the Agent API: your key and conversations stay, and each Sonar model becomes its equivalent. '
  + 'Keep Sonar only for a gateway that still serves it.';

/**
 * "Switched to the Agent API; 3 conversations now use their Agent API models."
 * @param {Switched} result
 */
export function switchedText(result) {
  const n = Number(result.conversations) || 0;
  const moved = n === 0 ? '' : n === 1 ? '; 1 conversation now uses its Agent API model' : `; ${n} conversations now use their Agent API models`;
  return `Switched to the Agent API${moved}.`;
}

/**
 * @param {{onSwitched: (result: Switched) => Promise<void> | void}} hooks  the window follows the new settings
 */
export function bindRetirement(hooks) {
  /** @type {Promise<Switched> | null} */
  let running = null;
  /** The start-up bar, once shown: it says so when the switch happens from an answer instead. */
  /** @type {{settle: (text: string) => void} | null} */
  let bar = null;
  let offered = false;
  /** One switch at a time, whether from the start-up bar or an answer's banner. */
  const switchToAgent = () => {
    running ??= sonarMigrate()
      .then(async (result) => {
        await hooks.onSwitched(result);
        bar?.settle(switchedText(result));
        return result;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  return {
    switchToAgent,
    /**
     * The start-up offer, in the notices area (once a session; the backend offers it once at all).
     * @param {{offer: (text: string, action: import('./notices.js').NoticeAction) => {settle: (text: string) => void}}} notices
     */
    offer(notices) {
      if (offered) return;
      offered = true;
      bar = notices.offer(OFFER_TEXT, {
        label: 'Switch to the Agent API',
        testid: 'switch-to-agent',
        run: async () => switchedText(await switchToAgent()),
      });
    },
  };
}
