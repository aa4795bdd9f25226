// The session's state: the saved settings, the last `app_status` (provider, default model, key)
// and the model lists fetched this session, by provider. It asks the backend for status and
// models and hands each answer to the window through hooks; it touches no element itself.

import { appStatus, modelsList, toIpcError } from '../ipc/ipc.js';
import { builtinList } from '../ipc/providers.js';

/**
 * @typedef {import('../ipc/ipc.js').AppStatus} AppStatus
 * @typedef {import('../ipc/ipc.js').Settings} Settings
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 * @typedef {import('../ipc/ipc.js').ModelList} ModelList
 *
 * @typedef {object} SessionHooks
 * @property {(status: AppStatus) => void} onStatus  every app_status answer (its notices are
 *   handed out once, so none may be dropped)
 * @property {(provider: Provider, list: ModelList, preferred: string | undefined) => void} onModels
 *   a model list arrived for the provider in use (`preferred`: the model to keep chosen, if any)
 *
 * @typedef {ReturnType<typeof createSession>} Session
 */

/**
 * @param {SessionHooks} hooks
 */
export function createSession(hooks) {
  /** @type {Settings | null} */
  let settings = null;
  /** @type {AppStatus | null} */
  let status = null;
  /** Model lists fetched this session, by the provider they were fetched for. */
  const lists = /** @type {Map<Provider, ModelList>} */ (new Map());

  /** @returns {Provider} the provider in use ('agent' until the status is known) */
  const provider = () => status?.provider ?? 'agent';

  /**
   * app_status, every time (or the answer already asked for at launch).
   * @param {Promise<AppStatus>} [asked]
   * @returns {Promise<AppStatus>}
   */
  const loadStatus = async (asked) => {
    const next = await (asked ?? appStatus());
    status = next;
    hooks.onStatus(next);
    return next;
  };

  return {
    /** @returns {Settings | null} */
    settings: () => settings,
    /** @param {Settings} next */
    setSettings(next) {
      settings = next;
    },
    /** @returns {AppStatus | null} */
    status: () => status,
    provider,
    /** @returns {import('../ipc/ipc.js').RequestOptions | null} the settings' request defaults */
    requestDefaults: () => settings?.requestDefaults ?? null,
    /** @returns {number | null} the monthly budget, if one is set */
    budget: () => settings?.monthlyBudget ?? null,
    /**
     * @param {Provider} id
     * @returns {ModelList | null} the list fetched this session for `id`
     */
    listFor: (id) => lists.get(id) ?? null,
    /**
     * @param {Provider} id
     * @returns {ModelList} the list fetched for `id`, or the built-in one
     */
    shownList: (id) => lists.get(id) ?? builtinList(id),
    loadStatus,
    /**
     * loadStatus, with a failure logged instead of thrown (the window goes on with what it has).
     * @returns {Promise<void>}
     */
    async refreshStatus() {
      try {
        await loadStatus();
      } catch (err) {
        console.error('app_status failed:', err);
      }
    },
    /**
     * Fetch models_list for the provider in use; on failure the built-in list with the error.
     * @param {string} [preferred]  the model to choose (default: keep the current choice)
     * @returns {Promise<void>}
     */
    async loadModels(preferred) {
      const asked = provider();
      /** @type {ModelList} */
      let list;
      try {
        list = await modelsList();
      } catch (err) {
        list = { ...builtinList(asked), error: toIpcError(err) };
      }
      if (provider() !== asked) return; // settings changed meanwhile
      lists.set(asked, list);
      hooks.onModels(asked, list, preferred);
    },
  };
}
