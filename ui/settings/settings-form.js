// The editable part of the Settings sheet: provider, address, default model and search
// defaults, read from and written back to a `Settings` object. Values the backend does not show
// here (other providers' models, request options not yet in the form) are carried through as is.

import { OTHER, fillModelSelect, modelGroups } from './models.js';
import { accountSpec, accounts, builtinList, providerSpec, providers } from '../ipc/providers.js';

/**
 * @typedef {import('../ipc/ipc.js').Settings} Settings
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 * @typedef {import('../ipc/ipc.js').Account} Account
 * @typedef {import('../ipc/ipc.js').ProviderSpec} ProviderSpec
 * @typedef {import('../ipc/ipc.js').AccountSpec} AccountSpec
 * @typedef {import('../ipc/ipc.js').Theme} Theme
 * @typedef {import('../ipc/ipc.js').ModelList} ModelList
 * @typedef {{message: string, field: HTMLElement | null}} FormError
 */

export const MAX_DOMAINS = 20;

/**
 * @param {string} tag
 * @param {string} className
 * @param {string} [text]
 */
function make(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * One provider's radio in the Provider choice.
 * @param {ProviderSpec} spec
 */
function providerChoice(spec) {
  const input = /** @type {HTMLInputElement} */ (document.createElement('input'));
  input.type = 'radio';
  input.name = 'provider';
  input.value = spec.id;
  const text = make('span', 'choice-text');
  text.append(make('span', 'choice-title', spec.label), ' ', make('span', 'choice-hint', spec.hint));
  const label = make('label', 'choice');
  label.append(input, text);
  return label;
}

/**
 * One account's address field, shown while one of its providers is chosen.
 * @param {AccountSpec} account
 * @returns {{field: HTMLElement, input: HTMLInputElement}}
 */
function addressField(account) {
  const id = `settings-${account.id}-url`;
  const field = make('div', 'field');
  field.dataset.for = providers().filter((p) => p.account === account.id).map((p) => p.id).join(' ');
  const label = /** @type {HTMLLabelElement} */ (make('label', 'field-label', account.addressLabel));
  label.htmlFor = id;
  const input = /** @type {HTMLInputElement} */ (make('input', 'input mono'));
  Object.assign(input, { id, type: 'url', spellcheck: false, autocomplete: 'off', placeholder: account.addressPlaceholder });
  input.setAttribute('aria-describedby', `${id}-hint`);
  const hint = make('p', 'field-hint', account.addressHint);
  hint.id = `${id}-hint`;
  field.append(label, input, hint);
  return { field, input };
}

/**
 * "wikipedia.org, -reddit.com https://www.nature.com/x" → ["wikipedia.org", "-reddit.com", "www.nature.com"].
 * @param {string} text
 * @returns {{domains: string[], error: string | null}}
 */
export function parseDomains(text) {
  /** @type {string[]} */
  const domains = [];
  for (const raw of text.split(/[\s,;]+/)) {
    if (!raw) continue;
    const exclude = raw.startsWith('-');
    let host = (exclude ? raw.slice(1) : raw).toLowerCase();
    host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '').replace(/\.$/, '');
    if (!/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$/.test(host)) {
      return { domains: [], error: `“${raw}” is not a domain. Write domains like example.com, or -example.com to leave one out.` };
    }
    const entry = exclude ? `-${host}` : host;
    if (!domains.includes(entry)) domains.push(entry);
  }
  if (domains.length > MAX_DOMAINS) {
    return { domains: [], error: `The domain filter takes at most ${MAX_DOMAINS} domains; this one has ${domains.length}.` };
  }
  return { domains, error: null };
}

/**
 * @param {HTMLFormElement} form
 * @param {{modelsFor: (provider: Provider) => ModelList | null, onProvider: (provider: Provider) => void}} hooks
 *   modelsFor: a fetched list, if any; onProvider: the person picked another provider
 */
export function bindSettingsForm(form, hooks) {
  /** @template {HTMLElement} T @param {string} sel @returns {T} */
  const $ = (sel) => {
    const node = form.querySelector(sel);
    if (!node) throw new Error(`Citewise: missing settings field ${sel}`);
    return /** @type {T} */ (node);
  };
  const providerGroup = $('[data-testid="settings-provider"]');
  providerGroup.append(...providers().map(providerChoice));
  const radios = /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll('input[name="provider"]')]);
  const themes = /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll('input[name="theme"]')]);
  /** Each account's address field, in the registry's order, where the form keeps them. */
  const addresses = new Map(accounts().map((account) => [account.id, addressField(account)]));
  $('#settings-addresses').replaceWith(...[...addresses.values()].map((a) => a.field));
  const model = /** @type {HTMLSelectElement} */ ($('#settings-model'));
  const customField = $('#settings-model-custom-field');
  const custom = /** @type {HTMLInputElement} */ ($('#settings-model-custom'));
  const modelHint = $('#settings-model-hint');
  const keyHint = $('#settings-provider-key');
  const searchOn = /** @type {HTMLInputElement} */ ($('#settings-search-enabled'));
  const filters = /** @type {HTMLFieldSetElement} */ ($('#settings-search-filters'));
  const domains = /** @type {HTMLInputElement} */ ($('#settings-domains'));
  const recency = /** @type {HTMLSelectElement} */ ($('#settings-recency'));
  const contextSize = /** @type {HTMLSelectElement} */ ($('#settings-context-size'));
  const searchNote = $('#settings-search-note');
  const related = /** @type {HTMLInputElement} */ ($('#settings-related'));
  const images = /** @type {HTMLInputElement} */ ($('#settings-images'));
  const systemPrompt = /** @type {HTMLTextAreaElement} */ ($('#settings-system-prompt'));

  /** @type {Settings | null} */
  let base = null;
  /** @type {Provider} */
  let savedProvider = 'agent';
  /** Model typed or chosen per provider while the sheet is open. */
  /** @type {{[key in Provider]?: string}} */
  let chosen = {};

  const provider = () => /** @type {Provider} */ (radios.find((r) => r.checked)?.value ?? 'agent');

  const modelField = /** @type {HTMLElement} */ (model.closest('.field'));
  const customLabel = $('label[for="settings-model-custom"]');

  /** The typed-id field shows for "Other model…"; with nothing to pick from, it is the only one. */
  const showCustom = () => {
    const onlyTyped = model.options.length === 1 && model.value === OTHER;
    modelField.hidden = onlyTyped;
    customField.hidden = model.value !== OTHER;
    customLabel.textContent = onlyTyped ? 'Default model' : 'Model id';
    custom.setAttribute('aria-describedby', onlyTyped ? modelHint.id : '');
    if (!onlyTyped) custom.removeAttribute('aria-describedby');
  };

  /** Fill the model select for the provider chosen in the form. */
  const renderModels = () => {
    const p = provider();
    const typed = providerSpec(p).typedModels;
    const fetched = hooks.modelsFor(p);
    const list = fetched ?? builtinList(p);
    const groups = modelGroups(p, list);
    const want = chosen[p] ?? '';
    const listed = groups.some((g) => g.models.some((m) => m.id === want));
    if (typed && want && !listed) {
      fillModelSelect(model, groups, OTHER, { other: true });
      custom.value = want;
    } else {
      fillModelSelect(model, groups, want, { other: typed });
      custom.value = '';
    }
    if (typed) {
      modelHint.textContent = groups.length
        ? 'Pick one the endpoint lists, or “Other model…” to type any id it serves.'
        : 'Type the id of a model the endpoint serves, such as gpt-4o-mini or llama3.1.';
    } else if (!fetched && p !== savedProvider) {
      modelHint.textContent = 'The models built into Citewise; the provider’s own list loads after Save.';
    } else {
      modelHint.textContent = '';
    }
    modelHint.hidden = modelHint.textContent === '';
    // With only a typed id, the hint belongs under that field.
    if (typed && !groups.length) customField.append(modelHint);
    else modelField.append(modelHint);
    showCustom();
  };

  const renderProvider = () => {
    const p = provider();
    providerGroup.dataset.value = p;
    form.dataset.provider = p;
    for (const node of form.querySelectorAll('[data-for]')) {
      const el = /** @type {HTMLElement} */ (node);
      el.hidden = !(el.dataset.for ?? '').split(' ').includes(p);
    }
    keyHint.textContent = accountSpec(providerSpec(p).account).keyHint;
    searchNote.hidden = providerSpec(p).searches;
    renderModels();
  };

  const renderSearch = () => {
    filters.disabled = !searchOn.checked;
  };

  for (const radio of radios) {
    radio.addEventListener('change', () => {
      renderProvider();
      hooks.onProvider(provider());
    });
  }
  model.addEventListener('change', () => {
    if (model.value !== OTHER) chosen[provider()] = model.value;
    showCustom();
    if (model.value === OTHER) custom.focus();
  });
  custom.addEventListener('input', () => {
    chosen[provider()] = custom.value.trim();
  });
  searchOn.addEventListener('change', renderSearch);

  return {
    /**
     * Show `settings` in the form.
     * @param {Settings} settings
     */
    fill(settings) {
      base = settings;
      savedProvider = settings.provider;
      chosen = { ...settings.defaultModels };
      for (const radio of radios) radio.checked = radio.value === settings.provider;
      if (!radios.some((r) => r.checked)) radios[0].checked = true;
      for (const [account, { input }] of addresses) input.value = settings.addresses?.[account] ?? '';
      const search = settings.requestDefaults?.search;
      searchOn.checked = search?.enabled !== false;
      domains.value = (search?.domains ?? []).join(', ');
      recency.value = search?.recency ?? '';
      contextSize.value = search?.contextSize ?? '';
      related.checked = settings.requestDefaults?.relatedQuestions === true;
      images.checked = settings.requestDefaults?.images === true;
      systemPrompt.value = settings.requestDefaults?.systemPrompt ?? '';
      for (const radio of themes) radio.checked = radio.value === (settings.theme ?? 'system');
      renderProvider();
      renderSearch();
    },

    /** Refill the model select (e.g. once a fetched list arrives). */
    refreshModels: renderModels,

    /**
     * The form's values over the settings it was filled from.
     * @returns {{settings: Settings} | {error: FormError}}
     */
    read() {
      if (!base) return { error: { message: 'Settings are still loading.', field: null } };
      const p = provider();
      const modelId = (model.value === OTHER ? custom.value : model.value).trim();
      if (!modelId) {
        return { error: { message: 'Choose a default model, or type the id of one.', field: model.value === OTHER ? custom : model } };
      }
      const parsed = parseDomains(domains.value);
      if (parsed.error) return { error: { message: parsed.error, field: domains } };
      const defaults = base.requestDefaults ?? /** @type {any} */ ({});
      /** @type {Settings} */
      const settings = {
        ...base,
        provider: p,
        theme: /** @type {Theme} */ (themes.find((r) => r.checked)?.value ?? 'system'),
        addresses: /** @type {Record<Account, string>} */ (Object.fromEntries([...addresses].map(([account, { input }]) => [account, input.value.trim()]))),
        defaultModels: { ...base.defaultModels, [p]: modelId },
        requestDefaults: {
          ...defaults,
          relatedQuestions: related.checked,
          images: images.checked,
          // Blank is no system prompt at all: nothing replaces a preset's own.
          systemPrompt: systemPrompt.value.trim() || null,
          search: {
            ...(defaults.search ?? {}),
            enabled: searchOn.checked,
            domains: parsed.domains,
            recency: /** @type {any} */ (recency.value || null),
            contextSize: /** @type {any} */ (contextSize.value || null),
          },
        },
      };
      return { settings };
    },

    /**
     * Which field a backend validation message is about, if it says.
     * @param {string} message
     * @returns {HTMLElement | null}
     */
    fieldFor(message) {
      for (const [account, { input }] of addresses) {
        if (message.includes(accountSpec(account).addressLabel)) return input;
      }
      if (/model/i.test(message)) return model.value === OTHER ? custom : model;
      if (/domain/i.test(message)) return domains;
      return null;
    },
  };
}
