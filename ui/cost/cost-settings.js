// Settings → Cost: the monthly budget, the price table (the shipped rows with the person's own
// prices over them), an inline editor per row (price-editor.js), "Add a price…" for a model not
// listed, and notes on the Agent API's tool fees and presets. Edits are kept in a draft; the
// sheet's Save stores them with the rest of the settings. Model ids come from settings, so they
// are only ever set as text.

import { fullDate } from '../lib/dates.js';
import { hostOf, isWebUrl } from '../lib/links.js';
import { addEditor, rowEditor } from './price-editor.js';
import { el } from '../lib/dom.js';
import {
  YOUR_PRICE, budgetText, describePrice, feesText, formatRate, mergePrices, parseBudget, samePrices,
} from './price-table.js';
import { providers } from '../ipc/providers.js';

/**
 * @typedef {import('../ipc/ipc.js').Settings} Settings
 * @typedef {import('../ipc/ipc.js').ModelPrice} ModelPrice
 * @typedef {import('../ipc/ipc.js').PriceTable} PriceTable
 * @typedef {import('./price-table.js').PriceRow} PriceRow
 * @typedef {import('./price-editor.js').Editor} Editor
 * @typedef {import('../settings/settings-form.js').FormError} FormError
 */

/** "anthropic/claude-sonnet-4-6" with a line-break opportunity after the slash. @param {string} model */
function modelText(model) {
  const code = el('code', 'price-model');
  const slash = model.indexOf('/');
  if (slash < 0) code.textContent = model;
  else code.append(model.slice(0, slash + 1), el('wbr'), model.slice(slash + 1));
  return code;
}

/** A short link to where a price was read ("perplexity.ai/…"). @param {string} url */
function sourceLink(url) {
  const link = el('a', 'price-link', hostOf(url).replace(/^docs\./, ''));
  link.href = url;
  link.title = url;
  return link;
}

/** @param {string} text @param {string} label @param {string} testid */
function rowButton(text, label, testid) {
  const node = el('button', 'btn btn-secondary btn-row', text);
  node.type = 'button';
  node.setAttribute('aria-label', label);
  node.dataset.testid = testid;
  return node;
}

/**
 * @param {HTMLElement} section  the Cost section of the Settings sheet
 * @param {{now?: () => Date}} [hooks]  now: the date overrides are stamped with (tests)
 */
export function bindCostSettings(section, hooks = {}) {
  const now = hooks.now ?? (() => new Date());
  const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (section.querySelector(sel));
  const budget = /** @type {HTMLInputElement} */ ($('[data-testid="settings-budget"]'));
  const tbody = $('[data-part="rows"]');
  const status = $('[data-part="status"]');
  const addSlot = $('[data-part="add-slot"]');
  const addButton = /** @type {HTMLButtonElement} */ ($('[data-testid="price-add"]'));
  const notes = $('[data-part="notes"]');

  /** @type {ModelPrice[]} */
  let shipped = [];
  /** @type {ModelPrice[]} the person's rows as they will be saved */
  let overrides = [];
  /** @type {(Editor & {model: string | null}) | null} */
  let editor = null;
  /** Esc just closed an editor: the sheet must not close with it. */
  let escaped = false;

  const rows = () => mergePrices(shipped, overrides);
  const editButton = (/** @type {string} */ model) => /** @type {HTMLElement | undefined} */ (
    [...tbody.querySelectorAll('[data-testid="price-edit"]')].find((b) => b.closest('tr')?.dataset.model === model));

  /** Redraw the table; focus the Edit button of `focusModel`, or "Add a price…" for null. */
  const render = (/** @type {string | null | undefined} */ focusModel) => {
    tbody.replaceChildren(...rows().map(renderRow));
    if (focusModel) editButton(focusModel)?.focus();
    else if (focusModel === null) addButton.focus();
  };

  const closeEditor = () => {
    editor?.el.remove();
    editor = null;
    addButton.hidden = false;
  };

  /** Put what the open editor holds into the draft; false (and the editor says why) when it cannot. */
  const commit = () => {
    if (!editor) return true;
    const read = editor.check();
    if ('error' in read) return false;
    const { price } = read;
    const ship = shipped.find((s) => s.model === price.model) ?? null;
    const before = rows().find((r) => r.price.model === price.model)?.price;
    if (!before || !samePrices(price, before)) {
      const rest = overrides.filter((o) => o.model !== price.model);
      if (ship && samePrices(price, ship)) overrides = rest; // the shipped price again: no row of one's own
      else if (rest.length === overrides.length) overrides = [...overrides, price];
      else overrides = overrides.map((o) => (o.model === price.model ? price : o));
    }
    closeEditor();
    render(price.model);
    return true;
  };

  /** Before another editor opens or the sheet saves: an untouched editor just closes. */
  const settle = () => {
    if (editor && !editor.dirty()) closeEditor();
    return commit();
  };

  const cancel = () => {
    const model = editor?.model;
    closeEditor();
    escaped = true;
    setTimeout(() => (escaped = false), 0);
    render(model ?? null);
  };
  const editorHooks = { onSave: commit, onCancel: cancel, now };

  /** @param {string | null} model  null: a new row */
  const openEditor = (model) => {
    if (!settle()) return;
    if (model === null) {
      editor = { ...addEditor(rows(), editorHooks), model: null };
      addButton.hidden = true;
      addSlot.append(editor.el);
    } else {
      const row = rows().find((r) => r.price.model === model);
      if (!row) return;
      editor = { ...rowEditor(row, editorHooks), model };
      editButton(model)?.closest('tr')?.after(editor.el);
    }
    editor.focus();
  };

  /** One row of the table. @param {PriceRow} row */
  function renderRow(row) {
    const { price } = row;
    const tr = el('tr', row.overridden ? 'price-row is-own' : 'price-row');
    tr.dataset.testid = 'price-row';
    tr.dataset.model = price.model;
    const model = el('th');
    model.scope = 'row';
    model.append(modelText(price.model), el('span', 'price-provider', providers().find((p) => p.id === price.provider)?.shortLabel ?? String(price.provider)));
    const fees = feesText(price);
    const extra = el('td', 'price-fees');
    if (fees.short.length) {
      for (const line of fees.short) extra.append(el('span', 'price-line', line));
      extra.title = fees.long;
    } else {
      extra.append(el('span', 'price-none', '—'));
    }
    const source = el('td', 'price-source');
    if (row.overridden) {
      const own = el('span', 'price-own', YOUR_PRICE);
      own.dataset.testid = 'price-own';
      own.title = row.shipped ? `Shipped price: ${describePrice(row.shipped)}` : 'Added by you: Citewise ships no price for this model.';
      source.append(own, el('span', 'visually-hidden', ` (${own.title})`));
    } else if (isWebUrl(price.source)) {
      source.append(sourceLink(price.source));
    } else {
      source.append(el('span', '', price.source || 'Unknown source'));
    }
    source.append(el('span', 'price-date', price.asOf || ''));
    const actions = el('td', 'price-actions');
    const edit = rowButton('Edit', `Edit the price of ${price.model}`, 'price-edit');
    edit.addEventListener('click', () => openEditor(price.model));
    actions.append(edit);
    if (row.overridden) {
      const reset = row.shipped
        ? rowButton('Reset', `Reset ${price.model} to the shipped price`, 'price-reset')
        : rowButton('Remove', `Remove your price for ${price.model}`, 'price-reset');
      reset.addEventListener('click', () => {
        // An edit of this row is dropped with it; an edit of another row is kept (or must be fixed first).
        if (editor?.model === price.model) closeEditor();
        else if (!settle()) return;
        overrides = overrides.filter((o) => o.model !== price.model);
        render(row.shipped ? price.model : null);
      });
      actions.append(reset);
    }
    tr.append(model, el('td', 'num', formatRate(price.inputPerMillion)), el('td', 'num', formatRate(price.outputPerMillion)),
      extra, source, actions);
    return tr;
  }

  /** The Agent API's tool fees and what each preset is estimated as. @param {PriceTable | null} table */
  const renderNotes = (table) => {
    notes.replaceChildren();
    const catalogue = table?.catalogue;
    const live = el('p', 'field-hint');
    live.dataset.testid = 'price-catalogue';
    if (catalogue && typeof catalogue.fetchedAt === 'number') {
      live.append(`Token prices of ${catalogue.priced} Agent API models: ${catalogue.source}, fetched `,
        el('span', 'nowrap', fullDate(catalogue.fetchedAt)), ` from ${catalogue.baseUrl}. `
        + 'They are kept for offline use; the prices shipped with Citewise cover the rest.');
    } else {
      live.textContent = 'Live token prices come from Perplexity’s /v1/models with the model list (a key is needed); '
        + 'until then the prices shipped with Citewise are used.';
    }
    notes.append(live);
    const tools = table?.tools;
    if (tools) {
      const p = el('p', 'field-hint', `Agent API tools, per call: web search ${formatRate(tools.webSearchPerCall)} `
        + `(fast search ${formatRate(tools.fastSearchPerCall)}), fetch_url ${formatRate(tools.fetchUrlPerCall)}. `);
      p.dataset.testid = 'price-tools';
      if (isWebUrl(tools.source)) p.append('Source: ', sourceLink(tools.source), ', ');
      p.append('as of ', el('span', 'nowrap', tools.asOf), '.');
      notes.append(p);
    }
    const presets = Array.isArray(table?.presets) ? table.presets : [];
    if (presets.length) {
      notes.append(el('p', 'field-hint', 'Presets choose their model on the server, so their estimates are ranges:'));
      const list = el('ul', 'price-presets');
      list.dataset.testid = 'price-presets';
      for (const preset of presets) {
        const models = preset.models.length > 1 ? `${preset.models[0]} to ${preset.models.at(-1)}` : preset.models[0] ?? '';
        const item = el('li');
        item.append(el('code', 'price-preset', preset.preset), el('span', '', preset.description || models));
        list.append(item);
      }
      notes.append(list);
    }
  };

  addButton.addEventListener('click', () => openEditor(null));
  section.closest('dialog')?.addEventListener('cancel', (event) => {
    if (escaped) event.preventDefault();
  });

  return {
    /**
     * Show the stored budget and prices.
     * @param {Settings} settings
     * @param {PriceTable | null} table  null when prices_get failed
     * @param {string | null} [problem]  why it failed
     */
    fill(settings, table, problem = null) {
      closeEditor();
      shipped = Array.isArray(table?.models) ? table.models : [];
      overrides = Array.isArray(settings.priceOverrides) ? settings.priceOverrides.map((o) => ({ ...o })) : [];
      budget.value = budgetText(settings.monthlyBudget);
      status.hidden = !problem;
      status.textContent = problem ? `The shipped prices could not be read (${problem}). Your own prices are shown.` : '';
      render(undefined);
      renderNotes(table ?? null);
    },

    /**
     * The budget and prices to save, with a row still open in its editor applied.
     * @returns {{value: {priceOverrides: ModelPrice[], monthlyBudget: number | null}} | {error: FormError}}
     */
    read() {
      if (!settle()) {
        const field = /** @type {HTMLElement | null} */ (editor?.el.querySelector('[aria-invalid="true"]') ?? null);
        const message = editor?.el.querySelector('.price-edit-error')?.textContent ?? 'Finish the price being edited first.';
        return { error: { message, field } };
      }
      const parsed = parseBudget(budget.value, budget.validity.badInput);
      if ('error' in parsed) return { error: { message: parsed.error, field: budget } };
      return { value: { priceOverrides: overrides.map((o) => ({ ...o })), monthlyBudget: parsed.value } };
    },

    /**
     * Which control a backend message is about, when it is about cost.
     * @param {string} message
     * @returns {HTMLElement | null | undefined}  undefined: not about cost
     */
    fieldFor(message) {
      if (/monthly budget/i.test(message)) return budget;
      const row = /^Price for (.+?): /.exec(message) ?? /^Each model can have one price of yours; (.+) has two\.$/.exec(message);
      if (row) return editButton(row[1]) ?? addButton;
      if (/^A price needs a model id/.test(message)) return addButton;
      return undefined;
    },
  };
}
