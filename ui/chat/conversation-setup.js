// The model and search options of the conversation in view, picked in the header: the model
// picker and "Web search ▾" (on/off, domains, recency, context size); and under the question box
// "Run in background" (#20; only where the provider can, always on for deep research). A new chat starts from the
// Settings defaults; a saved conversation comes back with what it last used, and a change is
// remembered at once (conversation_configure), not only when the next question is sent.

import { conversationConfigure } from '../ipc/ipc.js';
import { providerSpec } from '../ipc/providers.js';
import { presetName } from '../settings/models.js';
import { parseDomains } from '../settings/settings-form.js';
import { DEEP_HINT, isDeepPreset, runsInBackground } from '../research/research-words.js';

/**
 * @typedef {import('../ipc/ipc.js').RequestOptions} RequestOptions
 * @typedef {import('../ipc/ipc.js').SearchOptions} SearchOptions
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 * @typedef {import('../ipc/ipc.js').Conversation} Conversation
 *
 * @typedef {object} SetupHooks
 * @property {() => Provider} provider
 * @property {() => RequestOptions | null} defaults   the settings' request defaults
 * @property {{value: () => string, choose: (id: string | null) => void, has: (id: string) => boolean}} picker
 * @property {() => void} onChange   the model or options changed (the estimate follows)
 *
 * @typedef {object} BackgroundOption  "Run in background" under the question box
 * @property {HTMLElement} root        shown only for a provider with background runs
 * @property {HTMLInputElement} input  the checkbox
 * @property {HTMLElement} hint        why it is on and cannot be turned off (deep presets)
 */

/** @type {SearchOptions} */
const SEARCH_DEFAULTS = {
  enabled: true, domains: [], recency: null, afterDate: null, beforeDate: null, contextSize: null, userLocation: null,
};

/** @type {RequestOptions} */
const OPTION_DEFAULTS = {
  systemPrompt: null, maxTokens: null, temperature: null, topP: null, reasoningEffort: null,
  search: SEARCH_DEFAULTS, relatedQuestions: false, images: false, background: false,
};

/** A deep copy with every field present. @param {RequestOptions | null | undefined} options */
export function completeOptions(options) {
  const base = options ?? OPTION_DEFAULTS;
  return { ...OPTION_DEFAULTS, ...base, search: { ...SEARCH_DEFAULTS, ...(base.search ?? {}), domains: [...(base.search?.domains ?? [])] } };
}

/**
 * Whether `provider` could serve a model the list does not show (yet), by the registry's pattern:
 * Agent API model ids are namespaced ("openai/gpt-5.4") or presets, Sonar's start with "sonar",
 * an OpenAI-compatible endpoint takes any id. A conversation asked through another provider falls
 * back to the default model.
 * @param {Provider} provider
 * @param {string} model
 */
export function servedBy(provider, model) {
  const spec = providerSpec(provider);
  return (spec.presets.length > 0 && presetName(model) !== null) || new RegExp(spec.modelPattern).test(model);
}

/**
 * What the header button says: "Web search", "Web search off", "Web search · 2 filters".
 * @param {SearchOptions} search
 * @param {Provider} provider
 * @param {string} model
 */
export function searchLabel(search, provider, model) {
  const spec = providerSpec(provider);
  if (!spec.searches) return 'No web search';
  if (!search.enabled) return spec.presets.length > 0 && presetName(model) !== null ? 'Web search off (no tools)' : 'Web search off';
  const filters = (search.domains.length ? 1 : 0) + (search.recency ? 1 : 0) + (search.contextSize ? 1 : 0);
  return filters ? `Web search · ${filters} ${filters === 1 ? 'option' : 'options'}` : 'Web search';
}

/**
 * @param {{root: HTMLElement, button: HTMLButtonElement, panel: HTMLElement, background: BackgroundOption}} els
 * @param {SetupHooks} hooks
 */
export function bindConversationSetup({ root, button, panel, background }, hooks) {
  /** @template {HTMLElement} T @param {string} sel @returns {T} */
  const $ = (sel) => /** @type {T} */ (panel.querySelector(sel));
  const enabled = /** @type {HTMLInputElement} */ ($('[data-testid="search-toggle"]'));
  const domains = /** @type {HTMLInputElement} */ ($('[data-testid="search-domains"]'));
  const recency = /** @type {HTMLSelectElement} */ ($('[data-testid="search-recency"]'));
  const context = /** @type {HTMLSelectElement} */ ($('[data-testid="search-context"]'));
  const note = $('[data-part="note"]');
  const error = $('[data-part="error"]');
  const label = /** @type {HTMLElement} */ (button.querySelector('[data-part="label"]'));

  /** @type {string | null} */
  let conversationId = null;
  /** @type {RequestOptions} */
  let options = completeOptions(hooks.defaults());

  const render = () => {
    const provider = hooks.provider();
    const model = hooks.picker.value();
    const spec = providerSpec(provider);
    const preset = spec.presets.length > 0 && presetName(model) !== null;
    const none = !spec.searches;
    enabled.checked = none ? false : options.search.enabled;
    enabled.disabled = none;
    note.textContent = none
      ? spec.noSearchNote
      : preset && !options.search.enabled ? 'Off for a preset turns all of its tools off (max_tool_calls: 0).' : '';
    note.hidden = note.textContent === '';
    for (const part of panel.querySelectorAll('[data-part="filters"]')) {
      for (const control of part.querySelectorAll('input, select')) {
        /** @type {HTMLInputElement} */ (control).disabled = none || !enabled.checked;
      }
    }
    if (document.activeElement !== domains) domains.value = options.search.domains.join(', ');
    recency.value = options.search.recency ?? '';
    context.value = options.search.contextSize ?? '';
    label.textContent = searchLabel(options.search, provider, model);
    button.title = none ? 'OpenAI-compatible endpoints do not search the web' : 'Search options for this conversation';
    renderBackground(spec.backgroundRuns, model);
  };

  /** @param {boolean} canRun @param {string} model */
  const renderBackground = (canRun, model) => {
    const deep = canRun && isDeepPreset(model);
    background.root.hidden = !canRun;
    background.input.checked = runsInBackground(canRun, model, options);
    background.input.disabled = deep;
    background.hint.hidden = !deep;
    background.hint.textContent = deep ? DEEP_HINT : '';
  };

  const save = () => {
    if (!conversationId) return;
    const id = conversationId;
    conversationConfigure(id, hooks.picker.value(), options).catch((err) => {
      console.warn('conversation_configure failed:', err);
    });
  };

  const changed = () => {
    render();
    save();
    hooks.onChange();
  };

  const setOpen = (/** @type {boolean} */ open) => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) enabled.disabled ? domains.focus() : enabled.focus();
  };

  button.addEventListener('click', () => setOpen(panel.hidden));
  root.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || panel.hidden) return;
    event.stopPropagation();
    setOpen(false);
    button.focus();
  });
  document.addEventListener('pointerdown', (event) => {
    if (!panel.hidden && !root.contains(/** @type {Node} */ (event.target))) setOpen(false);
  });
  root.addEventListener('focusout', (event) => {
    const next = /** @type {Node | null} */ (event.relatedTarget);
    if (!panel.hidden && next && !root.contains(next)) setOpen(false);
  });

  enabled.addEventListener('change', () => {
    options.search.enabled = enabled.checked;
    changed();
  });
  const applyDomains = () => {
    const parsed = parseDomains(domains.value);
    error.hidden = parsed.error === null;
    error.textContent = parsed.error ?? '';
    domains.setAttribute('aria-invalid', String(parsed.error !== null));
    if (parsed.error) return;
    if (parsed.domains.join(',') === options.search.domains.join(',')) return;
    options.search.domains = parsed.domains;
    changed();
  };
  domains.addEventListener('change', applyDomains);
  domains.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      applyDomains();
    }
  });
  recency.addEventListener('change', () => {
    options.search.recency = /** @type {any} */ (recency.value || null);
    changed();
  });
  background.input.addEventListener('change', () => {
    options.background = background.input.checked;
    changed();
  });
  context.addEventListener('change', () => {
    options.search.contextSize = /** @type {any} */ (context.value || null);
    changed();
  });

  render();

  return {
    /** The options the next question is sent with. */
    options: () => completeOptions(options),
    /** Whether a question with `model` and `opts` runs in the background on the provider in use. @param {string} model @param {RequestOptions | null} opts */
    background: (model, opts) => runsInBackground(providerSpec(hooks.provider()).backgroundRuns, model, opts),
    /** The model picker changed. */
    modelChanged: changed,
    /** A new chat: the defaults from Settings and the default model. @param {string | null} model */
    showNew(model) {
      conversationId = null;
      options = completeOptions(hooks.defaults());
      options.background = false; // a new chat starts in the foreground, whatever the defaults say
      error.hidden = true;
      hooks.picker.choose(model);
      render();
    },
    /**
     * A saved conversation: its last model (when the provider still serves it) and options.
     * @param {Conversation} conversation
     * @param {string | null} fallback  the default model
     */
    showConversation(conversation, fallback) {
      conversationId = conversation.id;
      options = completeOptions(conversation.options ?? hooks.defaults());
      error.hidden = true;
      const model = conversation.model;
      const usable = model && (hooks.picker.has(model) || servedBy(hooks.provider(), model));
      hooks.picker.choose(usable ? model : fallback);
      render();
    },
    /** The first question saved a new chat: later changes are remembered for it. @param {string} id */
    saved(id) {
      conversationId = id;
    },
    /** The provider or defaults changed in Settings. */
    refresh: render,
    close: () => setOpen(false),
  };
}
