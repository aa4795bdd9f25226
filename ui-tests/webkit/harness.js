// The harness page: the real UI over the fake backend of mock-tauri.js, optionally driven from
// query parameters (see index.html) so a headless browser can screenshot particular states.

import { loadUi } from './load-ui.js';

const params = new URLSearchParams(location.search);
// Saved cost settings, before the window reads them: budget=<USD>, prices=own (two prices of one's own).
const mock = window.__mockTauri;
if (Number(params.get('budget')) > 0) mock.settings.monthlyBudget = Number(params.get('budget'));
if (params.get('prices') === 'own') {
  const sonar = mock.cost.table.models.find((row) => row.model === 'sonar');
  mock.settings.priceOverrides = [
    { ...sonar, inputPerMillion: 1.2, requestFeePerThousand: { low: 6, medium: 9, high: 13 }, source: 'Your price', asOf: '2026-11-20' },
    { model: 'gpt-4o-mini', provider: 'openai', inputPerMillion: 0.15, outputPerMillion: 0.6, source: 'Your price', asOf: '2026-11-21' },
  ];
}
await loadUi({ theme: params.get('theme') });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const $ = (selector) => document.querySelector(selector);

async function until(predicate, timeout = 60000) {
  const end = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('harness: timed out');
    await sleep(50);
  }
}

async function ask(question) {
  const input = $('[data-testid="composer"]');
  input.value = question;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await sleep(10);
  $('[data-testid="send"]').click();
}

const settled = () => {
  const turns = document.querySelectorAll('[data-testid="message-assistant"]');
  return turns.length > 0 && turns[turns.length - 1].dataset.state !== 'streaming';
};

async function drive() {
  await sleep(50);
  if (params.get('sidebar') === '1') $('#sidebar-toggle').click();
  const open = Number(params.get('open'));
  if (open > 0) {
    await until(() => document.querySelectorAll('[data-testid="conversation-item"]').length >= open);
    document.querySelectorAll('[data-testid="conversation-item"]')[open - 1].click();
    await until(() => $('[data-testid="message-list"]').childElementCount > 0);
    if (params.get('edit') === '1') {
      [...document.querySelectorAll('[data-testid="edit-question"]')].at(-1)?.click();
    }
  }
  if (params.get('menu') === '1') {
    await until(() => $('[data-testid="conversation-menu"]'));
    $('[data-testid="conversation-menu"]').click();
    const action = params.get('menuaction');
    if (action) $(`#conversation-actions [data-testid="menu-${CSS.escape(action)}"]`)?.click();
  }
  const query = params.get('search');
  if (query !== null) {
    $('[data-testid="search-open"]').click();
    const input = $('[data-testid="search-input"]');
    input.value = query;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  if (params.get('data') === '1') {
    $('[data-testid="settings-open"]').click();
    await until(() => !$('[data-testid="settings-save"]').disabled);
    await sleep(150);
    const body = $('#settings .sheet-body');
    body.scrollTop += $('#settings-data').getBoundingClientRect().top - body.getBoundingClientRect().top;
    const action = params.get('dataaction');
    if (action) $(`[data-testid="${CSS.escape(action)}"]`)?.click();
  }
  // Background research (#20): background=1 ticks "Run in background", deep=1 picks the medium preset.
  if (params.get('background') === '1' || params.get('deep') === '1') {
    await until(() => document.documentElement.dataset.ready === 'true');
    if (params.get('deep') === '1') {
      const picker = $('[data-testid="model-picker"]');
      picker.value = 'medium';
      picker.dispatchEvent(new Event('change', { bubbles: true }));
    } else $('[data-testid="run-in-background"]').click();
  }
  const question = params.get('ask');
  if (question) {
    await ask(question);
    const stopAfter = Number(params.get('stopAfter'));
    if (stopAfter > 0) {
      await sleep(stopAfter);
      $('[data-testid="stop"]')?.click();
    }
    const then = params.get('then');
    if (then) {
      await until(settled);
      await sleep(100);
      await ask(then);
    }
    if (params.get('hover') === '1') {
      await until(settled);
      await sleep(100);
      $('[data-testid="citation"]')?.focus();
    }
  }
  if (params.get('expand') === '1') {
    if (question) await until(settled);
    for (const details of document.querySelectorAll('details')) details.open = true;
  }
  const draft = params.get('draft');
  if (draft) {
    const input = $('[data-testid="composer"]');
    input.value = draft.replace(/\\n/g, '\n');
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  if (params.get('other') === '1') {
    const picker = $('[data-testid="model-picker"]');
    await until(() => [...picker.options].some((o) => o.value === '__other__'));
    picker.value = '__other__';
    picker.dispatchEvent(new Event('change', { bubbles: true }));
  }
  if (params.get('settings') === '1') {
    $('[data-testid="settings-open"]').click();
    await until(() => !$('[data-testid="settings-save"]').disabled);
    const pick = params.get('pick');
    if (pick) {
      $(`[data-testid="settings-provider"] input[value="${CSS.escape(pick)}"]`)?.click();
      const model = params.get('model');
      if (model) {
        const select = $('#settings-model');
        select.value = model;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
    if (params.get('bad') === 'url') {
      const url = [...document.querySelectorAll('#settings input[type="url"]')].find((n) => !n.closest('[hidden]'));
      url.value = 'ftp://api.example';
      $('[data-testid="settings-save"]').click();
    } else if (params.get('bad') === 'domains') {
      $('#settings-domains').value = 'wikipedia.org not a domain';
      $('[data-testid="settings-save"]').click();
    }
    const scroll = Number(params.get('scroll'));
    if (scroll) {
      await sleep(200); // after the sheet has focused its first field
      $('#settings .sheet-body').scrollTop = scroll;
    }
    if (params.get('cost') === '1') await showCost();
  }
  if (params.get('spend') === '1') await showSpend();
  if (params.get('about')) await showAbout(params.get('about') === 'error');
  // The key form in view (Settings when open, else the welcome): type into it, press a button.
  const keyDraft = params.get('keydraft');
  const keyAction = params.get('keyaction');
  if (keyDraft || keyAction) {
    const prefix = $('#settings').open ? '' : 'welcome-';
    const input = () => $(`[data-testid="${prefix}key-input"]`);
    await until(() => input()?.getClientRects().length > 0);
    await sleep(150);
    if (keyDraft) {
      input().value = keyDraft;
      input().dispatchEvent(new Event('input', { bubbles: true }));
    }
    if (keyAction === 'show') input().parentElement.querySelector('.secret-toggle').click();
    else if (keyAction) $(`[data-testid="${prefix}key-${CSS.escape(keyAction)}"]`)?.click();
  }
}

/** Settings → Cost in view; costedit=<model> opens a row's editor, costadd=1 the new-price one. */
async function showCost() {
  await sleep(200); // after the sheet has focused its first field
  const body = $('#settings .sheet-body');
  body.scrollTop += $('#settings-cost').getBoundingClientRect().top - body.getBoundingClientRect().top;
  const edit = params.get('costedit');
  if (edit) {
    const row = [...document.querySelectorAll('[data-testid="price-row"]')].find((r) => r.dataset.model === edit);
    row?.querySelector('[data-testid="price-edit"]').click();
  }
  if (params.get('costadd') === '1') $('[data-testid="price-add"]').click();
}

/** The spending view (the sidebar's month total opens it); spendmonth=N goes N months back. */
async function showSpend() {
  const dialog = $('#spend');
  $('[data-testid="spend-open"]')?.click();
  await sleep(150);
  if (!dialog.open) {
    // Until main.js wires the sidebar button, open the view directly.
    const { bindSpendView } = await import('../../ui/cost/spend-view.js');
    await bindSpendView(dialog, { budget: () => mock.settings.monthlyBudget }).open();
  }
  for (let back = Number(params.get('spendmonth')) || 0; back > 0; back -= 1) {
    await until(() => !$('#spend .spend-body').hasAttribute('aria-busy'));
    $('[data-testid="spend-prev"]').click();
  }
}

/** The About dialog, opened from the sidebar; with `failing`, Open logs folder has just failed. */
async function showAbout(failing) {
  $('[data-testid="about-open"]').click();
  await until(() => $('[data-testid="about-version"]').textContent !== '—');
  if (!failing) return;
  mock.folderFails = true;
  $('[data-testid="open-logs-folder"]').click();
  await until(() => !$('[data-testid="folder-error"]').hidden);
}

drive().catch((err) => console.error(err));
