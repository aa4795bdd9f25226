// The inline editors of Settings → Cost: one for a row of the price table (every price the row
// has), one for a model the table does not list ("Add a price…"). They only read and check what
// was typed; cost-settings.js decides what the draft becomes. Enter saves the row, not the sheet;
// Esc closes the editor, not the sheet.

import {
  PRICE_FIELDS, YOUR_PRICE, amountsError, fieldsOf, fieldValue, localDate, modelIdError,
  parseAmount, withField,
} from './price-table.js';
import { el } from '../lib/dom.js';
import { providers } from '../ipc/providers.js';

/**
 * @typedef {import('../ipc/ipc.js').ModelPrice} ModelPrice
 * @typedef {import('../ipc/ipc.js').Provider} Provider
 * @typedef {import('./price-table.js').PriceRow} PriceRow
 * @typedef {import('./price-table.js').PriceField} PriceField
 * @typedef {import('../settings/settings-form.js').FormError} FormError
 *
 * @typedef {object} Editor
 * @property {HTMLElement} el        the row (a <tr>) or the box under the table
 * @property {() => {error: FormError} | {price: ModelPrice}} check   what was typed, as a row
 * @property {() => boolean} dirty   something was typed
 * @property {() => void} focus
 *
 * @typedef {object} EditorHooks
 * @property {() => void} onSave     the Save button or Enter
 * @property {() => void} onCancel   the Cancel button or Esc
 * @property {() => Date} now
 */

/** An amount field, labelled with the model for screen readers. @param {string} model @param {string} label */
function amountInput(model, label, /** @type {unknown} */ value) {
  const wrap = el('label', 'price-edit-field');
  const input = el('input', 'input');
  input.type = 'number';
  input.min = '0';
  input.step = 'any';
  input.inputMode = 'decimal';
  input.autocomplete = 'off';
  input.setAttribute('aria-label', `${model}: ${label}`);
  if (typeof value === 'number') input.value = String(value);
  wrap.append(el('span', 'field-label', label), input);
  return { wrap, input };
}

/** The frame both editors share: fields, the error line, Cancel and Save. */
function shell(/** @type {string} */ label, /** @type {string} */ saveText, /** @type {EditorHooks} */ hooks) {
  const box = el('div', 'price-editor');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', label);
  box.dataset.testid = 'price-editor';
  const grid = el('div', 'price-edit-grid');
  const error = el('p', 'form-error price-edit-error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const bar = el('div', 'price-edit-actions');
  const cancel = el('button', 'btn btn-secondary', 'Cancel');
  cancel.type = 'button';
  cancel.dataset.testid = 'price-cancel';
  const save = el('button', 'btn btn-primary btn-compact', saveText);
  save.type = 'button';
  save.dataset.testid = 'price-save';
  bar.append(cancel, save);
  box.append(grid, error, bar);
  cancel.addEventListener('click', hooks.onCancel);
  save.addEventListener('click', hooks.onSave);
  box.addEventListener('keydown', (event) => {
    if (event.isComposing) return;
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement) {
      event.preventDefault();
      hooks.onSave();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      hooks.onCancel();
    }
  });
  /** Show a problem (and mark and focus its field), or clear it. @param {FormError} problem */
  const fail = (problem) => {
    for (const node of grid.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
    error.hidden = false;
    error.textContent = problem.message;
    if (problem.field) {
      problem.field.setAttribute('aria-invalid', 'true');
      problem.field.focus();
    }
    return { error: problem };
  };
  return { box, grid, fail };
}

/**
 * Amounts typed into `inputs`, checked; the first bad one as a FormError.
 * @param {string} model
 * @param {{field: PriceField, input: HTMLInputElement}[]} inputs
 * @returns {{amounts: {field: PriceField, input: HTMLInputElement, value: number | null}[]} | {error: FormError}}
 */
function readAmounts(model, inputs) {
  const amounts = inputs.map(({ field, input }) => ({ field, input, value: parseAmount(input.value, input.validity.badInput) }));
  const bad = amountsError(model, amounts);
  if (!bad) return { amounts };
  return { error: { message: bad.message, field: /** @type {HTMLElement} */ (amounts.find((a) => a.field === bad.field)?.input) } };
}

/**
 * The editor of one row: a table row under it, spanning the table.
 * @param {PriceRow} row
 * @param {EditorHooks} hooks
 * @returns {Editor}
 */
export function rowEditor(row, hooks) {
  const { model } = row.price;
  const frame = shell(`Price of ${model}`, 'Save row', hooks);
  const inputs = fieldsOf(row.price).map((field) => {
    const { wrap, input } = amountInput(model, field.label, fieldValue(row.price, field.key));
    frame.grid.append(wrap);
    return { field, input };
  });
  const td = el('td');
  td.colSpan = 6;
  td.append(frame.box);
  const tr = el('tr', 'price-editor-row');
  tr.append(td);
  const start = inputs.map(({ input }) => input.value);
  return {
    el: tr,
    check() {
      const read = readAmounts(model, inputs);
      if ('error' in read) return frame.fail(read.error);
      let price = /** @type {ModelPrice} */ ({ ...row.price, source: YOUR_PRICE, asOf: localDate(hooks.now()) });
      for (const { field, value } of read.amounts) price = withField(price, field.key, /** @type {number} */ (value));
      return { price };
    },
    dirty: () => inputs.some(({ input }, i) => input.value !== start[i] || input.validity.badInput),
    focus: () => inputs[0]?.input.focus(),
  };
}

/**
 * The editor of a new row: model id, provider, input and output per 1M.
 * @param {PriceRow[]} rows  the table as it is, for the "already has a price" check
 * @param {EditorHooks} hooks
 * @returns {Editor}
 */
export function addEditor(rows, hooks) {
  const frame = shell('A price for another model', 'Add price', hooks);
  const idWrap = el('label', 'price-edit-field price-edit-wide');
  const id = el('input', 'input mono');
  id.type = 'text';
  id.spellcheck = false;
  id.autocomplete = 'off';
  id.placeholder = 'gpt-4o-mini';
  id.dataset.testid = 'price-add-model';
  idWrap.append(el('span', 'field-label', 'Model id'), id);
  const providerWrap = el('label', 'price-edit-field');
  const provider = el('select', 'select');
  provider.dataset.testid = 'price-add-provider';
  for (const spec of providers()) {
    const option = el('option', '', spec.shortLabel);
    option.value = spec.id;
    provider.append(option);
  }
  // A price added by hand is most often for a model typed in by id (a local server's, say).
  provider.value = (providers().find((p) => p.typedModels) ?? providers()[0]).id;
  providerWrap.append(el('span', 'field-label', 'Provider'), provider);
  const [inputField, outputField] = PRICE_FIELDS;
  const input = amountInput('New model', inputField.label, undefined);
  const output = amountInput('New model', outputField.label, undefined);
  frame.grid.append(idWrap, providerWrap, input.wrap, output.wrap);
  // The amounts' names follow the id as it is typed.
  id.addEventListener('input', () => {
    const name = id.value.trim() || 'New model';
    input.input.setAttribute('aria-label', `${name}: ${inputField.label}`);
    output.input.setAttribute('aria-label', `${name}: ${outputField.label}`);
  });
  return {
    el: frame.box,
    check() {
      const model = id.value.trim();
      const idProblem = modelIdError(model, rows);
      if (idProblem) return frame.fail({ message: idProblem, field: id });
      const read = readAmounts(model, [{ field: inputField, input: input.input }, { field: outputField, input: output.input }]);
      if ('error' in read) return frame.fail(read.error);
      const [inputPrice, outputPrice] = read.amounts.map((a) => /** @type {number} */ (a.value));
      return {
        price: {
          model,
          provider: /** @type {Provider} */ (provider.value),
          inputPerMillion: inputPrice,
          outputPerMillion: outputPrice,
          source: YOUR_PRICE,
          asOf: localDate(hooks.now()),
        },
      };
    },
    dirty: () => [id, input.input, output.input].some((node) => node.value.trim() !== '' || node.validity.badInput),
    focus: () => id.focus(),
  };
}
