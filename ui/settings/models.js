// Model choices: the picker in the header and the default-model select in Settings, both filled
// from `models_list` (live, cached or built-in). Agent: presets, then every model of /v1/models
// grouped by vendor with its price; Sonar: Sonar models; OpenAI-compatible: whatever the endpoint
// lists, plus "Other model…" since any id is valid there.

import { providerSpec } from '../ipc/providers.js';

/**
 * @typedef {import('../ipc/ipc.js').ModelList} ModelList
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 * @typedef {{id: string, label: string, description: string}} ModelChoice
 * @typedef {{group: string, models: ModelChoice[]}} ModelGroup
 */

export const FALLBACK_MODEL = 'fast';
/** The value of the "Other model…" entry; never sent as a model. */
export const OTHER = '__other__';

/**
 * The Agent API presets as they are (DESIGN §3.1): `medium` IS deep research, which takes minutes.
 * @type {Record<string, {label: string, description: string}>}
 */
const PRESETS = {
  fast: { label: 'fast — fast search', description: 'One or two quick searches and a short answer, in seconds' },
  low: { label: 'low — pro search', description: 'Several searches in steps and a fuller answer' },
  medium: { label: 'medium — deep research', description: 'Dozens of searches and a report; takes minutes' },
  high: { label: 'high — advanced deep research', description: 'More searches and a longer report; takes many minutes' },
  xhigh: { label: 'xhigh — deepest research', description: 'The most searches and the longest report; the slowest and costliest' },
};

/** The presets' old names, still accepted by the API, and the preset each one is now. */
export const PRESET_ALIASES = /** @type {Record<string, string>} */ ({
  'fast-search': 'fast', 'pro-search': 'low', 'deep-research': 'medium', 'advanced-deep-research': 'high',
});

/** The preset `id` names, by its current or an old name; null for a model. @param {string} id */
export function presetName(id) {
  return id in PRESETS ? id : PRESET_ALIASES[id] ?? null;
}

/** @type {Record<string, string>} */
const DESCRIPTIONS = {
  'perplexity/sonar': 'Perplexity’s own search-grounded model',
  sonar: 'Fast, search-grounded answers',
  'sonar-pro': 'Deeper search and longer answers',
  'sonar-reasoning-pro': 'Step-by-step reasoning with search',
  'sonar-deep-research': 'Long research reports; slow and costly',
};

/** Vendors by the prefix of their model ids, as the picker names their groups. */
const VENDORS = /** @type {Record<string, string>} */ ({
  perplexity: 'Perplexity', openai: 'OpenAI', anthropic: 'Anthropic', google: 'Google', xai: 'xAI',
  meta: 'Meta', mistral: 'Mistral', deepseek: 'DeepSeek',
});

/** "Anthropic" for "anthropic"; an unknown vendor as written. @param {string} vendor */
export function vendorName(vendor) {
  return VENDORS[vendor] ?? (vendor ? vendor.charAt(0).toUpperCase() + vendor.slice(1) : 'Other models');
}

const money = (/** @type {number} */ n) => `$${Number(n.toPrecision(3))}`;

/**
 * "$1 / $5 per 1M tokens" (input / output) for a catalogue price, "" without one.
 * @param {{input: number, output: number} | undefined} pricing
 */
export function priceLabel(pricing) {
  if (!pricing || typeof pricing.input !== 'number' || typeof pricing.output !== 'number') return '';
  return `${money(pricing.input)} / ${money(pricing.output)} per 1M tokens`;
}

/**
 * @param {string} id
 * @param {{input: number, output: number} | undefined} [pricing]
 * @returns {ModelChoice}
 */
function choice(id, pricing) {
  const preset = PRESETS[id];
  if (preset) return { id, ...preset };
  const price = priceLabel(pricing);
  return {
    id,
    label: price ? `${id} (${price.replace(' tokens', '')})` : id,
    description: [DESCRIPTIONS[id] ?? id, price ? `${price} in / out` : ''].filter(Boolean).join(' · '),
  };
}

/**
 * The picker's groups: presets, then the models grouped by vendor (each with its price when the
 * provider lists one); Sonar's models; an OpenAI-compatible endpoint's models as it lists them.
 * @param {Provider} provider
 * @param {ModelList} list
 * @returns {ModelGroup[]}
 */
export function modelGroups(provider, list) {
  const presets = Array.isArray(list.presets) ? list.presets : [];
  const models = Array.isArray(list.models) ? list.models.filter((m) => typeof m === 'string' && m) : [];
  const details = new Map((Array.isArray(list.details) ? list.details : []).filter((d) => d && typeof d.id === 'string').map((d) => [d.id, d]));
  /** @type {ModelGroup[]} */
  const groups = [];
  const spec = providerSpec(provider);
  if (presets.length) groups.push({ group: 'Presets', models: presets.map((id) => choice(id)) });
  if (spec.groupByVendor) {
    /** @type {Map<string, ModelChoice[]>} */
    const byVendor = new Map();
    for (const id of models) {
      const detail = details.get(id);
      const vendor = detail?.vendor || (id.includes('/') ? id.slice(0, id.indexOf('/')) : '');
      const name = vendorName(vendor);
      if (!byVendor.has(name)) byVendor.set(name, []);
      /** @type {ModelChoice[]} */ (byVendor.get(name)).push(choice(id, detail?.pricing ?? undefined));
    }
    // Perplexity's own first, then the others by name.
    const names = [...byVendor.keys()].sort((a, b) => (a === 'Perplexity' ? -1 : b === 'Perplexity' ? 1 : a.localeCompare(b)));
    for (const name of names) groups.push({ group: name, models: /** @type {ModelChoice[]} */ (byVendor.get(name)) });
  } else if (models.length) {
    groups.push({ group: spec.modelsHeading, models: models.map((id) => choice(id)) });
  }
  return groups;
}

/**
 * @param {string} value
 * @param {string} label
 * @param {string} [title]
 */
function option(value, label, title) {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = label;
  node.title = title ?? '';
  return node;
}

/**
 * Fill a select with groups and select `preferred`. A preferred id that is not listed is offered
 * under its own group rather than silently replaced.
 * @param {HTMLSelectElement} select
 * @param {ModelGroup[]} groups
 * @param {string | null | undefined} preferred
 * @param {{other?: boolean}} [opts]  add "Other model…" (OpenAI-compatible endpoints)
 */
export function fillModelSelect(select, groups, preferred, opts = {}) {
  select.replaceChildren();
  for (const { group, models } of groups) {
    const optgroup = document.createElement('optgroup');
    optgroup.label = group;
    for (const m of models) optgroup.append(option(m.id, m.label, m.description));
    select.append(optgroup);
  }
  const known = groups.some(({ models }) => models.some((m) => m.id === preferred));
  if (preferred && preferred !== OTHER && !known) {
    const optgroup = document.createElement('optgroup');
    optgroup.label = 'Default';
    optgroup.append(option(preferred, preferred, 'The default model from Settings'));
    select.append(optgroup);
  }
  if (opts.other) select.append(option(OTHER, 'Other model…', 'Type any model id the endpoint serves'));
  if (preferred) select.value = preferred;
  if (select.selectedIndex < 0 && select.options.length) select.selectedIndex = 0;
  describe(select);
}

/**
 * The selected option's description as the select's tooltip.
 * @param {HTMLSelectElement} select
 */
function describe(select) {
  select.title = /** @type {HTMLOptionElement | undefined} */ (select.selectedOptions[0])?.title ?? '';
}

/**
 * Ask for a model id in the small "Other model" dialog.
 * @param {HTMLDialogElement} dialog
 * @returns {Promise<string | null>} null when cancelled
 */
function promptModelId(dialog) {
  const form = /** @type {HTMLFormElement} */ (dialog.querySelector('form'));
  const input = /** @type {HTMLInputElement} */ (dialog.querySelector('input'));
  input.value = '';
  dialog.returnValue = '';
  dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    const onSubmit = (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const id = input.value.trim();
      if (!id) {
        input.focus();
        return;
      }
      dialog.returnValue = id;
      dialog.close();
    };
    const onCancel = () => dialog.close();
    const cancel = dialog.querySelector('[data-cancel]');
    form.addEventListener('submit', onSubmit);
    cancel?.addEventListener('click', onCancel);
    dialog.addEventListener(
      'close',
      () => {
        form.removeEventListener('submit', onSubmit);
        cancel?.removeEventListener('click', onCancel);
        resolve(dialog.returnValue || null);
      },
      { once: true },
    );
  });
}

/**
 * The header's model picker: the model of the conversation in view.
 * @param {{select: HTMLSelectElement, hint: HTMLElement, otherDialog: HTMLDialogElement}} els
 * @param {{onChange?: (model: string) => void}} [hooks]  the person picked another model
 */
export function bindModelPicker({ select, hint, otherDialog }, hooks = {}) {
  let previous = select.value;
  /** @type {string[]} */
  const custom = [];

  select.addEventListener('change', async () => {
    if (select.value !== OTHER) {
      previous = select.value;
      describe(select);
      hooks.onChange?.(previous);
      return;
    }
    const id = await promptModelId(otherDialog);
    if (id && !custom.includes(id)) custom.push(id);
    if (id && ![...select.options].some((o) => o.value === id)) {
      let group = /** @type {HTMLOptGroupElement | null} */ (select.querySelector('optgroup[data-custom]'));
      if (!group) {
        group = document.createElement('optgroup');
        group.label = 'Typed';
        group.dataset.custom = '';
        select.querySelector(`option[value="${OTHER}"]`)?.before(group);
      }
      group.append(option(id, id, 'A model id you typed'));
    }
    select.value = id ?? previous;
    const changed = select.value !== previous;
    previous = select.value;
    describe(select);
    select.focus();
    if (changed) hooks.onChange?.(previous);
  });

  /** Select `id`; one the list does not hold is offered under "This conversation". */
  const choose = (/** @type {string} */ id) => {
    if (![...select.options].some((o) => o.value === id)) {
      let group = /** @type {HTMLOptGroupElement | null} */ (select.querySelector('optgroup[data-conversation]'));
      if (!group) {
        group = document.createElement('optgroup');
        group.label = 'This conversation';
        group.dataset.conversation = '';
        const other = select.querySelector(`option[value="${OTHER}"]`);
        if (other) other.before(group);
        else select.append(group);
      }
      group.append(option(id, id, 'The model this conversation used'));
    }
    select.value = id;
    previous = select.value;
    describe(select);
  };

  return {
    /**
     * @param {Provider} provider
     * @param {ModelList} list
     * @param {string | null | undefined} preferred
     */
    render(provider, list, preferred) {
      const groups = modelGroups(provider, list);
      const spec = providerSpec(provider);
      if (spec.typedModels && custom.length) {
        groups.push({ group: 'Typed', models: custom.map((id) => ({ id, label: id, description: 'A model id you typed' })) });
      }
      fillModelSelect(select, groups, preferred || (spec.presets.length ? spec.defaultModel : null), { other: spec.typedModels });
      select.dataset.provider = provider;
      previous = select.value;
      renderListHint(hint, list);
    },
    /** The model to send; never the "Other model…" placeholder. */
    value() {
      return select.value && select.value !== OTHER ? select.value : previous || FALLBACK_MODEL;
    },
    /** Show `id` as the conversation's model (null: keep the current choice). @param {string | null} id */
    choose(id) {
      if (id && id !== OTHER) choose(id);
    },
    /** Whether the list offers `id` (not counting "This conversation"). @param {string} id */
    has(id) {
      return [...select.options].some((o) => o.value === id && !o.parentElement?.hasAttribute('data-conversation'));
    },
  };
}

/**
 * "Offline model list" when the provider could not be asked. The reason is the tooltip, and is
 * also in the text for screen readers (the picker points at the hint with aria-describedby).
 * @param {HTMLElement} hint
 * @param {ModelList} list
 */
export function renderListHint(hint, list) {
  const offline = list.source === 'builtin' && list.error != null;
  hint.hidden = !offline;
  hint.replaceChildren();
  hint.title = '';
  if (!offline) return;
  const why = `Could not fetch the model list: ${list.error?.message ?? 'unknown error'} Showing the models built into Citewise.`;
  const reason = document.createElement('span');
  reason.className = 'visually-hidden';
  reason.textContent = ` — ${why}`;
  hint.append('Offline model list', reason);
  hint.title = why;
}
