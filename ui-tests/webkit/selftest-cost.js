// Self-test of Settings → Cost and the spending view over the mock backend (run by selftest.js
// last): the price table and its notes, editing a row (inline errors, Enter, Esc), Reset, adding
// a model, the budget's validation, what Save sends; the spending view's days, models, budget,
// month navigation, a failed report, hostile model ids, and focus going back.

import { formatCost } from '../../ui/cost/cost-display.js';
import { bindSpendView } from '../../ui/cost/spend-view.js';

/**
 * @param {{check: (name: string, ok: boolean, detail?: unknown) => void,
 *   sleep: (ms: number) => Promise<void>, until: (predicate: () => boolean) => Promise<void>}} t
 */
export async function costFlows({ check, sleep, until }) {
  const mock = window.__mockTauri;
  const calls = mock.calls;
  const $ = (s) => document.querySelector(s);
  const $$ = (s) => [...document.querySelectorAll(s)];
  const sheet = $('#settings');
  const save = $('[data-testid="settings-save"]');
  const error = $('[data-testid="settings-error"]');
  const budget = $('[data-testid="settings-budget"]');
  const updates = () => calls.filter((c) => c.command === 'settings_update');
  const row = (model) => $$('[data-testid="price-row"]').find((r) => r.dataset.model === model);
  const cells = (model) => [...row(model).children].map((c) => c.textContent.trim());
  const editor = () => $('#settings-cost [data-testid="price-editor"]');
  const type = (input, value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const key = (target, name) => target.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }));
  const openSheet = async () => {
    $('[data-testid="settings-open"]').click();
    await until(() => sheet.open && !save.disabled && $$('[data-testid="price-row"]').length > 0);
    await sleep(20);
  };
  const today = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const localToday = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;

  // ---------- Settings → Cost ----------
  await openSheet();
  const section = $('#settings-cost');
  const headings = $$('#settings .sheet-section > h3').map((h) => h.textContent);
  check('cost: a section between Search defaults and Data', headings.indexOf('Cost') === headings.indexOf('Search defaults') + 1 && headings.indexOf('Data') === headings.indexOf('Cost') + 1, headings);
  const shipped = mock.cost.table;
  check('cost: every shipped row, in order', $$('[data-testid="price-row"]').map((r) => r.dataset.model).join(' ') === shipped.models.map((r) => r.model).join(' '));
  check('cost: the sonar row reads model, prices, fees, source and date', JSON.stringify(cells('sonar').slice(0, 5)) === JSON.stringify(['sonarSonar (retired)', '$1', '$1', '$5 / $8 / $12 per 1K requests', 'perplexity.ai2026-09-01']), cells('sonar'));
  check('cost: deep research shows searches, citations and reasoning', cells('sonar-deep-research')[3] === '$5 per 1K searchescitations $2, reasoning $3\u00a0/1M', cells('sonar-deep-research'));
  check('cost: Agent rows in dollars and cents', cells('perplexity/sonar').slice(1, 3).join(' ') === '$0.25 $2.50' && cells('openai/gpt-5.4')[3] === 'cache reads $0.25\u00a0/1M', [cells('perplexity/sonar'), cells('openai/gpt-5.4')]);
  const link = row('sonar').querySelector('a');
  check('cost: the source is a web link', link?.getAttribute('href') === 'https://docs.perplexity.ai/getting-started/pricing', link?.outerHTML);
  link.click();
  await sleep(10);
  check('cost: the source opens in the browser', calls.filter((c) => c.command === 'open_url').at(-1)?.args.url === link.getAttribute('href'));
  check('cost: tool fees noted', /web search \$0\.0025 \(fast search \$0\.001\), fetch_url \$0\.0005\. Source: perplexity\.ai, as of 2026-10-15\./.test($('[data-testid="price-tools"]').textContent), $('[data-testid="price-tools"]').textContent);
  const presets = $$('[data-testid="price-presets"] li').map((li) => li.textContent);
  check('cost: each preset with its models', presets.length === shipped.presets.length && presets[2] === `medium${shipped.presets[2].description}`, presets);
  check('cost: no budget, labelled, with its hint', budget.value === '' && budget.labels[0]?.textContent === 'Monthly budget' && /warns before a question that could take this month's spending over it/.test($(`#${budget.getAttribute('aria-describedby')}`).textContent));

  // Edit a row: errors inline, Enter saves the row (not the sheet).
  row('sonar').querySelector('[data-testid="price-edit"]').click();
  const inputs = [...editor().querySelectorAll('input')];
  check('edit: every price of the row, labelled with the model', inputs.map((i) => i.getAttribute('aria-label')).join(' | ') === 'sonar: Input per 1M tokens | sonar: Output per 1M tokens | sonar: Requests per 1K, low context | sonar: Requests per 1K, medium context | sonar: Requests per 1K, high context' && document.activeElement === inputs[0], inputs.map((i) => i.getAttribute('aria-label')));
  check('edit: opens under its row', row('sonar').nextElementSibling?.contains(editor()));
  type(inputs[0], '-1');
  editor().querySelector('[data-testid="price-save"]').click();
  const inlineError = editor().querySelector('.price-edit-error');
  check('edit: a negative price is refused inline', !inlineError.hidden && inlineError.textContent === 'Price for sonar: the input price must be a number of dollars, 0 or more.' && inputs[0].getAttribute('aria-invalid') === 'true' && document.activeElement === inputs[0], inlineError.textContent);
  const sentBefore = updates().length;
  type(inputs[0], '1.25');
  key(inputs[0], 'Enter');
  await sleep(20);
  check('edit: Enter saves the row, the sheet stays open, nothing is stored yet', !editor() && sheet.open && updates().length === sentBefore);
  check('edit: the row shows the new price, marked as yours', cells('sonar')[1] === '$1.25' && row('sonar').querySelector('[data-testid="price-own"]')?.textContent === 'Your price' && row('sonar').classList.contains('is-own'));
  check('edit: the shipped price in the tooltip', row('sonar').querySelector('[data-testid="price-own"]').title.startsWith('Shipped price: Input $1, output $1 per 1M tokens. Request fee'), row('sonar').querySelector('[data-testid="price-own"]').title);
  check('edit: focus back on the row’s Edit', document.activeElement === row('sonar').querySelector('[data-testid="price-edit"]'));

  // Esc closes the editor, not the sheet; Reset goes back to the shipped price.
  row('sonar-pro').querySelector('[data-testid="price-edit"]').click();
  type(editor().querySelector('input'), '99');
  key(editor().querySelector('input'), 'Escape');
  await sleep(20);
  check('edit: Esc cancels the row only', !editor() && sheet.open && cells('sonar-pro')[1] === '$3' && document.activeElement === row('sonar-pro').querySelector('[data-testid="price-edit"]'));
  row('sonar').querySelector('[data-testid="price-reset"]').click();
  check('reset: back to the shipped price', cells('sonar')[1] === '$1' && !row('sonar').querySelector('[data-testid="price-own"]') && document.activeElement === row('sonar').querySelector('[data-testid="price-edit"]'));
  row('sonar').querySelector('[data-testid="price-edit"]').click();
  type(editor().querySelectorAll('input')[4], '13');
  editor().querySelector('[data-testid="price-save"]').click();

  // Add a price for a model the table does not list.
  $('[data-testid="price-add"]').click();
  const id = $('[data-testid="price-add-model"]');
  check('add: the editor opens at the model id', document.activeElement === id && $('[data-testid="price-add"]').hidden && $('[data-testid="price-add-provider"]').value === 'openai');
  editor().querySelector('[data-testid="price-save"]').click();
  check('add: a model id is needed', editor().querySelector('.price-edit-error').textContent === 'A price needs a model id.' && id.getAttribute('aria-invalid') === 'true');
  type(id, 'sonar-pro');
  editor().querySelector('[data-testid="price-save"]').click();
  check('add: a listed model is refused', editor().querySelector('.price-edit-error').textContent === 'sonar-pro already has a price; use Edit on its row to change it.');
  type(id, 'gpt-4o-mini');
  const [addIn, addOut] = editor().querySelectorAll('input[type="number"]');
  check('add: the amounts are named after the typed model', addIn.getAttribute('aria-label') === 'gpt-4o-mini: Input per 1M tokens');
  type(addIn, '0.15');
  editor().querySelector('[data-testid="price-save"]').click();
  check('add: an empty price is refused', editor().querySelector('.price-edit-error').textContent === 'Price for gpt-4o-mini: the output price must be a number of dollars, 0 or more.' && document.activeElement === addOut);
  type(addOut, '0.6');
  key(addOut, 'Enter');
  await sleep(20);
  check('add: the new row comes last, with Remove', row('gpt-4o-mini') === $$('[data-testid="price-row"]').at(-1) && cells('gpt-4o-mini').slice(0, 3).join(' ') === 'gpt-4o-miniOpenAI-compatible $0.15 $0.60' && row('gpt-4o-mini').querySelector('[data-testid="price-reset"]').textContent === 'Remove');
  check('cost: every control is labelled', $$('#settings-cost input, #settings-cost select').every((c) => c.labels?.length > 0 || c.getAttribute('aria-label')));

  // The budget: refused below $0.01 before anything is sent; Save stores it with the prices.
  type(budget, '-5');
  save.click();
  await sleep(20);
  check('budget: a negative budget is refused, nothing sent', !error.hidden && error.textContent === 'The monthly budget must be more than $0 (leave it empty for no budget).' && budget.getAttribute('aria-invalid') === 'true' && updates().length === sentBefore && sheet.open, error.textContent);
  // A row left open with a bad price stops Save too.
  row('openai/gpt-5.4').querySelector('[data-testid="price-edit"]').click();
  type(editor().querySelector('input'), '-3');
  type(budget, '20');
  save.click();
  await sleep(20);
  check('save: a bad price still being edited stops Save', error.textContent === 'Price for openai/gpt-5.4: the input price must be a number of dollars, 0 or more.' && updates().length === sentBefore && sheet.open, error.textContent);
  editor().querySelector('[data-testid="price-cancel"]').click();
  save.click();
  await until(() => !sheet.open);
  const sent = updates().at(-1).args.settings;
  const sonarSent = sent.priceOverrides.find((o) => o.model === 'sonar');
  check('save: settings_update gets the budget with the rest', sent.monthlyBudget === 20 && sent.provider === 'agent' && sent.defaultModels.agent === 'fast', sent);
  check('save: your prices, stamped today', sent.priceOverrides.length === 2 && sonarSent?.requestFeePerThousand.high === 13 && sonarSent.requestFeePerThousand.low === 5 && sonarSent.inputPerMillion === 1 && sonarSent.source === 'Your price' && sonarSent.asOf === localToday, sent.priceOverrides);
  check('save: the added model', JSON.stringify(sent.priceOverrides[1]) === JSON.stringify({ model: 'gpt-4o-mini', provider: 'openai', inputPerMillion: 0.15, outputPerMillion: 0.6, source: 'Your price', asOf: localToday }), sent.priceOverrides[1]);
  check('save: the error is gone', error.hidden && !budget.hasAttribute('aria-invalid'));

  // Reopened: what was saved. Remove, then Cancel: nothing changes.
  await openSheet();
  check('reopen: the budget and your prices', budget.value === '20' && !!row('sonar').querySelector('[data-testid="price-own"]') && !!row('gpt-4o-mini'));
  row('gpt-4o-mini').querySelector('[data-testid="price-reset"]').click();
  check('remove: the row goes, focus on Add a price…', !row('gpt-4o-mini') && document.activeElement === $('[data-testid="price-add"]'));
  $('#settings .sheet-foot [data-close]').click();
  await sleep(20);
  check('cancel: nothing stored', mock.settings.priceOverrides.length === 2 && updates().at(-1).args.settings === sent);

  // The fake backend checks like the real one.
  const refused = async (settings) => window.__TAURI__.core.invoke('settings_update', { settings }).then(() => null, (err) => err.message);
  const base = { ...mock.settings };
  check('mock: duplicate models refused', (await refused({ ...base, priceOverrides: [sent.priceOverrides[1], sent.priceOverrides[1]] })) === 'Each model can have one price of yours; gpt-4o-mini has two.');
  check('mock: a negative fee refused', (await refused({ ...base, priceOverrides: [{ ...sonarSent, requestFeePerThousand: { low: -1, medium: 1, high: 1 } }] })) === 'Price for sonar: the low context fee must be a number of dollars, 0 or more.');
  check('mock: a zero budget refused', (await refused({ ...base, monthlyBudget: 0 })) === 'The monthly budget must be more than $0 (leave it empty for no budget).');

  // ---------- The spending view ----------
  mock.cost.clear();
  mock.cost.seed(60);
  mock.cost.record({ model: '<img src=x onerror="window.__pwned=1">', total: 0.0001, computed: true });
  mock.cost.record({ model: 'sonar-pro', total: 0.75 });
  const answersText = (n) => `${n} answer${n === 1 ? '' : 's'}`;
  const dialog = $('#spend');
  const opener = $('[data-testid="spend-open"]');
  const reports = () => calls.filter((c) => c.command === 'spend_report');
  const settled = () => until(() => !$('#spend .spend-body').hasAttribute('aria-busy'));
  const openSpend = async () => {
    const before = reports().length;
    opener?.focus();
    opener?.click();
    await sleep(100);
    // Until main.js wires the sidebar's month total to it, open the view directly.
    if (!dialog.open) bindSpendView(dialog, { budget: () => mock.settings.monthlyBudget }).open(opener);
    await until(() => reports().length > before);
    await settled();
  };
  /** What the ledger holds between two instants. */
  const spentIn = (from, to) => {
    const entries = mock.cost.spending.filter((e) => e.at >= from && e.at < to);
    return { total: entries.reduce((n, e) => n + e.total, 0), answers: entries.length, computed: entries.filter((e) => e.computed).length, entries };
  };
  await openSpend();
  const monthName = (d) => d.toLocaleString('en-GB', { month: 'long' });
  const monthStart = new Date(today.getFullYear(), today.getMonth(), 1);
  const bounds = reports().at(-1).args.bounds;
  check('spend: this month, up to tomorrow’s midnight', dialog.open && bounds.length === today.getDate() + 1 && bounds[0] === monthStart.getTime() && bounds.at(-1) === new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime(), bounds.length);
  check('spend: the month’s name, no later month', $('[data-testid="spend-month"]').textContent === `${monthName(today)} ${today.getFullYear()}` && $('[data-testid="spend-next"]').disabled);
  const days = $$('[data-testid="spend-day"]');
  check('spend: a bar per day so far', days.length === today.getDate() && $$('#spend .spend-day').length === new Date(today.getFullYear(), today.getMonth() + 1, 0).getDate(), days.length);
  const labelsRight = days.every((day, i) => {
    const spent = spentIn(bounds[i], bounds[i + 1]);
    const expected = spent.answers ? `${i + 1} ${monthName(today)}: ${formatCost(spent.total)}, ${answersText(spent.answers)}` : `${i + 1} ${monthName(today)}: nothing spent`;
    return day.querySelector('.visually-hidden')?.textContent === expected && day.title === expected;
  });
  check('spend: each day labelled with its total and answers', labelsRight, days.map((d) => d.title));
  check('spend: bars drawn with SVG attributes, no inline style', days.every((d) => !d.querySelector('[style]') && !d.hasAttribute('style')) && days.some((d) => Number(d.querySelector('rect')?.getAttribute('height')) === 100));
  const month = spentIn(bounds[0], bounds.at(-1));
  check('spend: the month’s total', $('[data-testid="spend-total"]').textContent === `≈ ${formatCost(month.total)} so far this month, ${answersText(month.answers)}`, $('[data-testid="spend-total"]').textContent);
  const models = $$('[data-testid="spend-model"]');
  const totals = models.map((m) => Number(m.children[2].textContent.replace('$', '')));
  check('spend: by model, costliest first', models.length === new Set(month.entries.map((e) => e.model)).size && totals.every((t, i) => i === 0 || t <= totals[i - 1]), models.map((m) => m.textContent));
  check('spend: hostile model ids are text', !dialog.querySelector('img') && window.__pwned === undefined && models.some((m) => m.textContent.includes('<img src=x')));
  check('spend: budget left', !$('[data-testid="spend-budget"]').hidden && $('#spend [data-part="budget-text"]').textContent.startsWith(`${formatCost(20 - month.total)} left of the $20.00 budget`), $('#spend [data-part="budget-text"]').textContent);
  check('spend: the computed answers are said', $('[data-testid="spend-computed"]').textContent.startsWith(`≈ ${answersText(month.computed)} computed from the price table`), $('[data-testid="spend-computed"]').textContent);

  // Earlier months, and back.
  $('[data-testid="spend-prev"]').click();
  await settled();
  const previous = new Date(today.getFullYear(), today.getMonth() - 1, 1);
  const prevBounds = reports().at(-1).args.bounds;
  const prevDays = new Date(previous.getFullYear(), previous.getMonth() + 1, 0).getDate();
  check('spend: the month before, whole', $('[data-testid="spend-month"]').textContent === `${monthName(previous)} ${previous.getFullYear()}` && prevBounds.length === prevDays + 1 && prevBounds[0] === previous.getTime() && prevBounds.at(-1) === monthStart.getTime() && $$('[data-testid="spend-day"]').length === prevDays && !$('[data-testid="spend-next"]').disabled);
  const before = spentIn(prevBounds[0], prevBounds.at(-1));
  check('spend: its total', $('[data-testid="spend-total"]').textContent.includes(`${formatCost(before.total)} in ${monthName(previous)}, ${answersText(before.answers)}`), $('[data-testid="spend-total"]').textContent);
  for (let k = 0; k < 3; k += 1) {
    $('[data-testid="spend-prev"]').click();
    await settled();
  }
  check('spend: a month with nothing spent', $('[data-testid="spend-total"]').textContent.startsWith('Nothing spent in ') && $('#spend [data-part="models-table"]').hidden && $('[data-testid="spend-computed"]').hidden, $('[data-testid="spend-total"]').textContent);
  for (let k = 0; k < 4; k += 1) {
    $('[data-testid="spend-next"]').click();
    await settled();
  }
  check('spend: back to this month', $('[data-testid="spend-next"]').disabled && $$('[data-testid="spend-day"]').length === today.getDate());

  // A report that fails says so; the next one works again.
  mock.cost.reportFailure = { kind: 'database', message: 'The history database is locked.' };
  $('[data-testid="spend-prev"]').click();
  await settled();
  check('spend: a failed report is said', !$('#spend [data-part="problem"]').hidden && $('#spend [data-part="problem"]').textContent === 'Could not read the spending: The history database is locked.' && $('#spend [data-part="days"]').hidden);
  $('[data-testid="spend-next"]').click();
  await settled();
  check('spend: the next report shows again', $('#spend [data-part="problem"]').hidden && !$('#spend [data-part="days"]').hidden);

  // Close returns focus; over the budget is marked.
  $('#spend .sheet-foot [data-close]').click();
  await sleep(20);
  check('spend: Close returns focus to the opener', !dialog.open && (!opener || document.activeElement === opener), document.activeElement?.outerHTML.slice(0, 80));
  await openSheet();
  type(budget, '0.5');
  save.click();
  await until(() => !sheet.open);
  await openSpend();
  check('spend: over the budget is marked', $('[data-testid="spend-budget"]').classList.contains('is-over') && $('#spend [data-part="budget-text"]').textContent === `Over the $0.50 budget by ${formatCost(month.total - 0.5)}.`, $('#spend [data-part="budget-text"]').textContent);
  $('#spend .sheet-head [data-close]').click();
  await sleep(20);
  check('spend: the header’s close button closes too', !dialog.open);
}
