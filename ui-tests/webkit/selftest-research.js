// Self-test of background research (#20; run by selftest.js last): "Run in background" (shown
// only for a provider with background runs, remembered per conversation, on and disabled for a
// deep preset), the progress block (phase, searches and sources, the clock ticking, a live region
// for the phase only), Cancel, leaving a running conversation without stopping it, the runs atop
// the sidebar with their count, a run left by the last session, a run ending on screen (the
// conversation opened again) and elsewhere (a toast with Open), the notification's `open`, the
// estimate as a range and the budget question on its upper bound.

import { historyKit } from './selftest-history.js';
import { formatEstimate } from '../../ui/cost/cost-display.js';

/** @param {import('./selftest-history.js').T} t */
export async function researchFlows(t) {
  const { check, sleep, until } = t;
  const { mock, $, $$, id, ids, calls, sends, ask } = historyKit(t);
  for (const dialog of $$('dialog[open]')) dialog.close();
  const option = id('run-in-background');
  const optionShown = () => !$('#background-option').hidden;
  const hint = id('background-hint');
  const picker = id('model-picker');
  const estimate = id('cost-estimate');
  const sheet = $('#settings');
  const save = id('settings-save');
  const choose = async (model) => {
    picker.value = model;
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    await sleep(20);
  };
  /** The estimate line after it has caught up (debounced, asked again on every change). */
  const estimateSays = async (pattern) => {
    await until(() => pattern.test(estimate.textContent), 5000).catch(() => {});
    return estimate.textContent;
  };
  const turnOf = (answerId) => $(`[data-testid="message-assistant"][data-message-id="${CSS.escape(answerId)}"]`);
  const progressIn = (answerId) => turnOf(answerId)?.querySelector('[data-testid="research-progress"]') ?? null;
  const list = id('research-list');
  const runItems = () => ids('research-item');
  const toast = () => id('toast');
  const openSheet = async () => {
    id('settings-open').click();
    await until(() => sheet.open && !save.disabled);
    await sleep(20);
  };
  const saveSheet = async () => {
    save.click();
    await until(() => !sheet.open);
    await sleep(50);
  };

  // No monthly budget until its own check below (the cost flows before this one leave one set).
  const budget = id('settings-budget');
  await openSheet();
  budget.value = '';
  budget.dispatchEvent(new Event('input', { bubbles: true }));
  await saveSheet();

  // ---------- The option ----------
  check('research: nothing runs, the sidebar list is hidden', list.hidden && runItems().length === 0 && calls('research_watch').length === 1, calls('research_watch').length);
  id('new-chat').click();
  await sleep(20);
  check('option: shown for the Agent API, off in a new chat, labelled', optionShown() && !option.checked && !option.disabled && hint.hidden && option.labels?.[0]?.textContent.trim() === 'Run in background');
  check('option: the estimate is the usual one', /^≈ /.test(await estimateSays(/^≈ /)), estimate.textContent);
  await choose('medium');
  check('option: a deep preset shows it on and disabled, with the hint', option.checked && option.disabled && !hint.hidden && hint.textContent === 'Deep research always runs in the background — it can take several minutes.', [option.checked, option.disabled, hint.textContent]);
  const deepLine = await estimateSays(/^Background research ≈ \$[\d.]+, up to \$[\d.]+ · medium/);
  check('estimate: a deep preset reads as a range with its upper bound', /^Background research ≈ \$[\d.]+, up to \$[\d.]+ · medium/.test(deepLine), deepLine);
  await choose('fast');
  check('option: back to fast, off and enabled again', !option.checked && !option.disabled && hint.hidden);
  option.click();
  await sleep(20);
  check('option: switched on for this chat', option.checked);
  const onLine = await estimateSays(/^Background research/);
  check('estimate: with the option on, the range too', /^Background research ≈ \$[\d.]+, up to \$[\d.]+ · fast/.test(onLine), onLine);

  // ---------- A run in view: progress, the sidebar, leaving, coming back, Cancel ----------
  const sendsBefore = sends().length;
  await ask('Lithium prices since 2020 #hold');
  await until(() => sends().length > sendsBefore, 10000);
  const sent = sends().at(-1);
  check('send: chat_send carries options.background', sent.options?.background === true && sent.model === 'fast', sent.options);
  await until(() => $('[data-testid="message-assistant"]:last-child [data-testid="research-progress"]'), 5000);
  const block = $('[data-testid="research-progress"]');
  const turn = block.closest('[data-testid="message-assistant"]');
  const phase = block.querySelector('[data-testid="research-phase"]');
  check('progress: first waiting for Perplexity', /^(Waiting for Perplexity to start|Researching)$/.test(phase.textContent), phase.textContent);
  check('progress: the phase is a polite live region, the clock is not', phase.getAttribute('role') === 'status' && phase.getAttribute('aria-live') === 'polite' && !block.querySelector('[data-testid="research-elapsed"]').closest('[aria-live]'));
  check('progress: says the research goes on without the window', block.textContent.includes('You can close Citewise; the research continues and is picked up when you return.'));
  check('progress: the turn is not busy (its phase is heard), its text is', turn.getAttribute('aria-busy') === 'false' && turn.querySelector('[data-testid="assistant-content"]').getAttribute('aria-busy') === 'true');
  await until(() => phase.textContent === 'Researching', 5000);
  check('progress: then researching', phase.textContent === 'Researching');
  await until(() => block.querySelector('[data-testid="research-counts"]').textContent === '2 searches · 5 sources', 8000).catch(() => {});
  check('progress: searches and sources', block.querySelector('[data-testid="research-counts"]').textContent === '2 searches · 5 sources', block.querySelector('[data-testid="research-counts"]').textContent);
  const elapsed = block.querySelector('[data-testid="research-elapsed"]');
  const t0 = elapsed.textContent;
  await sleep(2100);
  check('progress: the clock ticks (m:ss)', /^0:\d\d$/.test(elapsed.textContent) && elapsed.textContent !== t0, [t0, elapsed.textContent]);
  const answerId = turn.dataset.messageId;
  const conversationId = mock.research.runs.get(answerId)?.conversationId;
  check('sidebar: the run at the top with its count', !list.hidden && runItems().length === 1 && id('research-count').textContent === '1' && runItems()[0].dataset.answerId === answerId);
  check('sidebar: title, phase word and elapsed', /^Lithium prices since 2020/.test(runItems()[0].querySelector('.research-title').textContent) && /^Researching · \d+:\d\d$/.test(runItems()[0].querySelector('.research-item-meta').textContent), runItems()[0].textContent);
  check('cancel: a button, reachable by keyboard', block.querySelector('[data-testid="research-cancel"]').tagName === 'BUTTON' && block.querySelector('[data-testid="research-cancel"]').tabIndex === 0);

  // Leave it: the run goes on (nothing cancelled); a new chat starts with the option off.
  const cancelsBefore = calls('chat_cancel').length;
  id('new-chat').click();
  await sleep(50);
  check('leave: a new chat does not stop a background run', calls('chat_cancel').length === cancelsBefore && mock.research.runs.has(answerId) && !!id('send') && !id('stop'), calls('chat_cancel').length);
  check('option: a new chat starts off', optionShown() && !option.checked);
  // Come back through the sidebar's run: the saved answer so far, its progress block, the option remembered.
  runItems()[0].click();
  await until(() => progressIn(answerId) && !id('message-list').hasAttribute('aria-busy'), 5000);
  check('open: the sidebar item opens the conversation at the running answer', calls('conversation_open').at(-1).args.id === conversationId && calls('conversation_open').at(-1).args.focusMessageId === answerId);
  check('open: the reopened answer shows its progress, phase and counts', progressIn(answerId).querySelector('[data-testid="research-phase"]').textContent === 'Researching' && /searches/.test(progressIn(answerId).querySelector('[data-testid="research-counts"]').textContent));
  check('option: remembered for this conversation', option.checked && !option.disabled);

  // Cancel from the reopened answer.
  const cancel = progressIn(answerId).querySelector('[data-testid="research-cancel"]');
  cancel.focus();
  cancel.click();
  await sleep(30);
  check('cancel: research_cancel with the answer id', calls('research_cancel').at(-1)?.args.answerId === answerId);
  check('cancel: disabled while cancelling, says so', cancel.disabled && progressIn(answerId)?.querySelector('[data-testid="research-phase"]').textContent === 'Cancelling…');
  await until(() => !progressIn(answerId) && turnOf(answerId)?.dataset.state === 'stopped', 5000).catch(() => {});
  check('cancel: the answer ends as cancelled, the block gone', turnOf(answerId)?.dataset.state === 'stopped' && !progressIn(answerId) && /Stopped/.test(turnOf(answerId).textContent), turnOf(answerId)?.dataset.state);
  check('cancel: no toast for a cancelled run; the sidebar list hidden again', !toast() && list.hidden, toast()?.textContent);

  // ---------- A run ending elsewhere: a toast with Open ----------
  id('new-chat').click();
  await choose('medium');
  await ask('Solar panel output #hold');
  await until(() => $('[data-testid="research-progress"]'), 5000);
  const solar = $('[data-testid="research-progress"]').closest('[data-testid="message-assistant"]');
  await until(() => solar.dataset.messageId, 5000);
  const solarId = solar.dataset.messageId;
  check('deep preset: sent as medium, runs in the background', sends().at(-1).model === 'medium' && mock.research.runs.has(solarId));
  id('new-chat').click();
  await sleep(30);
  mock.research.finish(solarId);
  await until(() => toast(), 8000).catch(() => {});
  check('finished elsewhere: a toast says so, with Open', /^Research finished: Solar panel output/.test(toast()?.querySelector('.toast-text')?.textContent ?? '') && !!id('research-toast-open'), toast()?.textContent);
  id('research-toast-open')?.click();
  await until(() => turnOf(solarId) && !id('message-list').hasAttribute('aria-busy'), 5000).catch(() => {});
  await sleep(50);
  check('toast Open: the conversation at the answer, which has focus', document.activeElement === turnOf(solarId) && turnOf(solarId)?.dataset.state === 'done', document.activeElement?.outerHTML.slice(0, 80));
  check('toast Open: the saved answer with its cost', !!turnOf(solarId)?.querySelector('[data-testid="cost-actual"]'));

  // ---------- A run left by the last session ----------
  const left = mock.research.leftOver({ title: 'Battery chemistry since 2020' });
  await until(() => runItems().length === 1, 3000).catch(() => {});
  check('left over: listed in the sidebar', runItems().length === 1 && runItems()[0].dataset.answerId === left.answerId && /Battery chemistry since 2020/.test(runItems()[0].textContent) && /4:\d\d/.test(runItems()[0].textContent), runItems()[0]?.textContent);
  runItems()[0].click();
  await until(() => progressIn(left.answerId) && /Summary so far/.test(turnOf(left.answerId).textContent), 5000).catch(() => {});
  const leftBlock = progressIn(left.answerId);
  check('left over: its saved text and progress, with the watch list’s counts and start', !!leftBlock && /Summary so far/.test(turnOf(left.answerId).textContent) && leftBlock.querySelector('[data-testid="research-counts"]').textContent === '14 searches · 23 sources' && /^4:\d\d$/.test(leftBlock.querySelector('[data-testid="research-elapsed"]').textContent), leftBlock?.textContent);
  const opensBefore = calls('conversation_open').length;
  mock.research.finish(left.answerId);
  await until(() => calls('conversation_open').length > opensBefore && turnOf(left.answerId)?.dataset.state === 'done', 5000).catch(() => {});
  check('finished on screen: opened again, the saved answer and its cost show', turnOf(left.answerId)?.dataset.state === 'done' && /That is the whole report/.test(turnOf(left.answerId).textContent) && !!turnOf(left.answerId).querySelector('[data-testid="cost-actual"]') && !progressIn(left.answerId));
  check('finished on screen: no toast', !toast() || !/Battery/.test(toast().textContent));
  check('finished: nothing runs, the list is hidden', list.hidden);

  // ---------- The notification's open; a failed run's toast ----------
  const other = mock.research.leftOver({ title: 'Grid storage in Europe' });
  id('new-chat').click();
  await sleep(30);
  mock.research.open(other.conversationId, other.answerId);
  await until(() => document.activeElement === turnOf(other.answerId), 5000).catch(() => {});
  check('open event: the conversation at that answer, focused', calls('conversation_open').at(-1).args.id === other.conversationId && document.activeElement === turnOf(other.answerId));
  id('new-chat').click();
  await sleep(30);
  mock.research.finish(other.answerId, 'failed');
  await until(() => /Research failed/.test(toast()?.textContent ?? ''), 5000).catch(() => {});
  check('failed elsewhere: the toast says it failed', /^Research failed: Grid storage in Europe/.test(toast()?.querySelector('.toast-text')?.textContent ?? ''), toast()?.textContent);
  toast()?.querySelector('.toast-close')?.click();

  // ---------- The budget question compares the upper bound ----------
  await choose('medium');
  const e = await window.__TAURI__.core.invoke('cost_estimate', { args: { model: 'medium', options: null, conversationId: null, parentId: null, question: 'Wind' } });
  await openSheet();
  budget.value = '1000';
  budget.dispatchEvent(new Event('input', { bubbles: true }));
  await saveSheet();
  const leftText = await estimateSays(/left this month/);
  const leftNow = Number(/\$([\d,.]+) left this month/.exec(leftText)?.[1].replace(/,/g, ''));
  const spent = 1000 - leftNow;
  const between = Math.round((spent + (e.typical + e.max) / 2) * 100) / 100;
  await openSheet();
  budget.value = String(between);
  budget.dispatchEvent(new Event('input', { bubbles: true }));
  await saveSheet();
  await sleep(300);
  const turnsBefore = ids('message-assistant').length;
  await ask('Wind power in winter');
  const warning = id('budget-warning');
  await until(() => !warning.hidden, 5000).catch(() => {});
  check('budget: more left than the typical cost, less than the most: asks before the run starts', e.typical < e.max && !warning.hidden && ids('message-assistant').length === turnsBefore, [e.typical, e.max, between, spent]);
  check('budget: the question names the upper bound', warning.textContent.includes(`It could cost up to ${formatEstimate(e.max)}.`), warning.textContent);
  warning.querySelector('[data-action="cancel"]').click();
  await sleep(20);

  // ---------- Not offered where the provider cannot run in the background ----------
  await openSheet();
  $('[data-testid="settings-provider"] input[value="sonar"]').click();
  await saveSheet();
  await until(() => picker.dataset.provider === 'sonar', 5000).catch(() => {});
  check('option: hidden for Sonar (no background runs)', !optionShown());
  await choose('sonar-deep-research');
  check('option: still hidden for Sonar’s deep research; the estimate is the usual one', !optionShown() && !/^Background/.test(await estimateSays(/^≈ /)), estimate.textContent);
  await openSheet();
  $('[data-testid="settings-provider"] input[value="agent"]').click();
  await saveSheet();
  await until(() => picker.dataset.provider === 'agent', 5000).catch(() => {});
  check('option: shown again for the Agent API', optionShown());
  // Nothing left to come back and retitle the page after the results are written.
  id('new-chat').click();
  await sleep(200);
}
