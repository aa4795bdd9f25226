// Self-test of the API key forms over the mock backend (run by selftest.js after the Settings
// flows): the Settings key section (status, show/hide, Save, Test key, Remove with its inline
// confirmation, following the provider picked in the form), "Open Settings" from an auth error,
// the first-run welcome with the key form, sending without a key, and a missing keyring with
// its explicit "Use for this session only".

import { keyShapeWarning, keyStatusText, savedResult, testResult } from '../../ui/settings/key-text.js';

/** The words of the key forms. @param {(name: string, ok: boolean, detail?: unknown) => void} check */
export function keyTextUnits(check) {
  const base = { account: 'perplexity', keyring: 'the system keyring (Secret Service)', last4: 'abcd' };
  const cases = [
    [{ ...base, source: 'keyring' }, 'Stored in the system keyring (Secret Service) · ends in abcd'],
    [{ ...base, source: 'session' }, 'For this session only · ends in abcd'],
    [{ ...base, source: 'env' }, 'From PERPLEXITY_API_KEY (this session only) · ends in abcd'],
    [{ ...base, account: 'openai', source: 'env', last4: 'wxyz' }, 'From OPENAI_API_KEY (this session only) · ends in wxyz'],
    [{ ...base, source: 'none', last4: null }, 'No key'],
    [{ ...base, source: 'keyring', origin: 'https://api.perplexity.ai' }, 'Stored in the system keyring (Secret Service) · ends in abcd · for api.perplexity.ai'],
    [{ ...base, account: 'openai', source: 'session', origin: 'http://127.0.0.1:11434' }, 'For this session only · ends in abcd · for http://127.0.0.1:11434'],
  ];
  for (const [status, expected] of cases) {
    check(`key text: ${status.account} ${status.source}`, keyStatusText(status) === expected, keyStatusText(status));
  }
  const line = (r) => `${r.lead} ${r.text}`.trim();
  check('key text: one model', line(testResult({ models: 1 })) === 'Key works · 1 model available');
  check('key text: no_key test', line(testResult(null, { kind: 'no_key', message: 'No API key is set.' })) === 'No key to test. Paste a key and save it first.');
  check('key text: rate limit with a wait', /Try again in 12 s\.$/.test(line(testResult(null, { kind: 'rate_limit', message: 'Slow down.', retryAfter: 11.2 }))));
  const elsewhere = testResult(null, { kind: 'key_elsewhere', message: 'Your API key was saved for https://a.example, and the API address is now https://b.example. Citewise did not send the key there.' });
  check('key text: a key bound elsewhere is not tested, and says how to move it', elsewhere.tone === 'warn' && line(elsewhere) === 'Not tested. Your API key was saved for https://a.example, and the API address is now https://b.example. Citewise did not send the key there. Save the settings to be asked, or enter the key again.', line(elsewhere));
  check('key text: unknown failure keeps the message', line(testResult(null, { kind: 'weird', message: 'Odd.' })) === 'Key test failed. Odd.');
  check('key text: pplx- warning only for Perplexity', keyShapeWarning('perplexity', ' sk-x ') !== '' && keyShapeWarning('perplexity', ' pplx-x') === '' && keyShapeWarning('openai', 'sk-x') === '' && keyShapeWarning('perplexity', '  ') === '');
  const saved = savedResult({ ...base, present: true, source: 'keyring', keyringAvailable: true, keyringProblem: null }, true);
  check('key text: saved an odd key', saved.tone === 'warn' && line(saved) === 'Saved in the system keyring (Secret Service) · ends in abcd. It does not start with pplx-; Test key checks whether it works.', line(saved));
}

/**
 * @param {{check: (name: string, ok: boolean, detail?: unknown) => void,
 *   sleep: (ms: number) => Promise<void>, until: (predicate: () => boolean) => Promise<void>}} t
 */
export async function keyFlows({ check, sleep, until: untilAny }) {
  /** `until` that says which wait timed out, and where focus and the results were. */
  const until = async (predicate) => {
    const where = (new Error().stack ?? '').split('\n').slice(1, 3).join(' ');
    try {
      await untilAny(predicate, 10000);
    } catch {
      const active = document.activeElement;
      throw new Error(`timed out ${where.trim()} (focus: ${active?.dataset?.testid ?? active?.id ?? active?.tagName}; results: ${$$('.key-result').map((r) => r.textContent).join(' | ')})`);
    }
  };
  const mock = window.__mockTauri;
  const store = mock.keyStore;
  const $ = (s) => document.querySelector(s);
  const $$ = (s) => [...document.querySelectorAll(s)];
  const id = (testid) => $(`[data-testid="${testid}"]`);
  const calls = (command) => mock.calls.filter((c) => c.command === command);
  const sheet = $('#settings');
  const composer = id('composer');
  const text = (testid) => id(testid)?.textContent ?? '';
  const visible = (testid) => !!id(testid) && id(testid).getClientRects().length > 0;
  const type = (node, value) => {
    node.value = value;
    node.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const enter = (node) => node.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  const openSheet = async () => {
    const before = calls('key_status').length;
    id('settings-open').click();
    await until(() => sheet.open && !id('settings-save').disabled && calls('key_status').length > before);
    await sleep(60);
  };
  const closeSheet = async () => {
    sheet.querySelector('[data-close]').click();
    await sleep(30);
  };
  const settledTurn = () => until(() => $$('[data-testid="message-assistant"]').at(-1)?.dataset.state !== 'streaming');
  const key = () => id('key-input');

  // A stored key: the status line, the field, show/hide.
  store.keys.perplexity.keyring = 'abcd';
  await openSheet();
  check('keys: status of a stored key', text('key-status') === 'Stored in the system keyring (Secret Service) · ends in abcd', text('key-status'));
  check('keys: the field is a password field, labelled, no autocomplete or spellcheck',
    key().type === 'password' && key().labels[0]?.textContent === 'API key' && key().placeholder === 'pplx-…'
      && key().getAttribute('autocomplete') === 'off' && key().spellcheck === false,
    [key().type, key().placeholder, key().getAttribute('autocomplete')]);
  check('keys: Test key and Remove offered for a stored key', visible('key-test') && visible('key-remove') && !visible('key-session') && text('key-save') === 'Save key');
  const toggle = key().parentElement.querySelector('.secret-toggle');
  toggle.click();
  check('keys: Show key shows it', key().type === 'text' && toggle.getAttribute('aria-pressed') === 'true' && toggle.getAttribute('aria-label') === 'Hide key');
  toggle.click();
  check('keys: Hide key hides it', key().type === 'password' && toggle.getAttribute('aria-label') === 'Show key');
  check('keys: the result line is a polite live region', id('key-result').getAttribute('role') === 'status' && id('key-result').getAttribute('aria-live') === 'polite');

  // Test key: success and each failure with its reason.
  const runTest = async () => {
    const before = calls('key_test').length;
    id('key-test').click();
    await until(() => calls('key_test').length > before && !id('key-test').hasAttribute('aria-disabled'));
    await sleep(10);
    return text('key-result');
  };
  id('key-test').focus();
  check('keys: Test key works', (await runTest()) === 'Key works · 4 models available' && id('key-result').dataset.tone === 'ok', text('key-result'));
  check('keys: focus stays on Test key through the call', document.activeElement === id('key-test'));
  store.test = 'auth';
  check('keys: Test key, rejected', /^Invalid key or out of credits\. Perplexity rejected the API key: .*out of credits\.$/.test(await runTest()), text('key-result'));
  store.test = 'network';
  check('keys: Test key, offline', /^Could not reach the provider\. Could not reach api\.perplexity\.ai/.test(await runTest()), text('key-result'));
  store.test = 'rate_limit';
  check('keys: Test key, rate limited', /^Rate limited\. Perplexity is rate-limiting/.test(await runTest()), text('key-result'));
  store.test = 'ok';

  // A key that does not look like Perplexity's: a warning, not a refusal.
  type(key(), 'sk-looks-like-openai-1234');
  const warning = id('key-warning');
  check('keys: gentle warning for a non-pplx- key', !warning.hidden && /usually start with pplx-/.test(warning.textContent) && key().getAttribute('aria-describedby').includes(warning.id));
  type(key(), '');
  check('keys: warning gone with the text', warning.hidden);

  // Nothing typed; a bad paste; Enter saves without submitting the Settings form.
  const saves = calls('key_save').length;
  id('key-save').click();
  await sleep(10);
  check('keys: Save with nothing typed says so, sends nothing', calls('key_save').length === saves && /^Nothing to save\./.test(text('key-result')), text('key-result'));
  type(key(), 'pplx bad key');
  id('key-save').click();
  await until(() => !id('key-save').hasAttribute('aria-disabled') && /Not saved/.test(text('key-result')));
  check('keys: the backend’s reason for a bad paste; the field keeps it', /spaces or line breaks/.test(text('key-result')) && key().value === 'pplx bad key' && document.activeElement === key(), text('key-result'));
  const updates = calls('settings_update').length;
  type(key(), 'pplx-new-key-5678');
  key().focus();
  enter(key());
  await until(() => /^Saved/.test(text('key-result')));
  const sent = calls('key_save').at(-1).args;
  check('keys: Enter saves the key once', sent.account === 'perplexity' && sent.key === 'pplx-new-key-5678' && sent.sessionOnly === false, { ...sent, key: sent.key.length });
  check('keys: … and does not submit the Settings form', calls('settings_update').length === updates && sheet.open);
  check('keys: the field is cleared, the status follows', key().value === '' && text('key-status') === 'Stored in the system keyring (Secret Service) · ends in 5678', text('key-status'));
  check('keys: Saved message', text('key-result') === 'Saved in the system keyring (Secret Service) · ends in 5678.', text('key-result'));
  const leaked = (secret) => [localStorage, sessionStorage].some((s) => Object.keys(s).some((k) => `${k}${s.getItem(k)}`.includes(secret)))
    || document.documentElement.outerHTML.includes(secret) || document.body.textContent.includes(secret)
    || $$('input').some((i) => i.value.includes(secret));
  check('keys: the key is nowhere in the page or web storage after Save', !leaked('pplx-new-key-5678'));

  // Remove asks first, inline.
  id('key-remove').click();
  check('keys: Remove asks inline first', visible('key-confirm') && /Remove the stored key\?/.test(text('key-confirm')) && document.activeElement === id('key-remove-cancel') && !visible('key-remove'));
  id('key-remove-cancel').click();
  check('keys: Cancel keeps the key', !visible('key-confirm') && document.activeElement === id('key-remove') && calls('key_remove').length === 0);
  id('key-remove').click();
  id('key-confirm').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  check('keys: Esc cancels the confirmation, the sheet stays', !visible('key-confirm') && sheet.open && calls('key_remove').length === 0);
  id('key-remove').click();
  id('key-remove-confirm').click();
  await until(() => /^Removed/.test(text('key-result')));
  check('keys: removed; the environment key is in use again', text('key-status') === 'From PERPLEXITY_API_KEY (this session only) · ends in abcd' && !visible('key-remove') && /PERPLEXITY_API_KEY/.test(text('key-result')), [text('key-status'), text('key-result')]);

  // The section follows the provider picked in the form.
  $('[data-testid="settings-provider"] input[value="openai"]').click();
  await until(() => calls('key_status').at(-1)?.args.account === 'openai');
  await sleep(60);
  check('keys: OpenAI-compatible picked → its key', text('key-status') === 'No key' && key().placeholder === 'sk-…' && !visible('key-test'), text('key-status'));
  type(key(), 'sk-anything-at-all');
  check('keys: no pplx- warning for an OpenAI-compatible key', id('key-warning').hidden);
  $('[data-testid="settings-provider"] input[value="agent"]').click();
  await until(() => calls('key_status').at(-1)?.args.account === 'perplexity');
  await sleep(60);
  check('keys: back to Perplexity, the typed text is dropped', key().value === '' && /PERPLEXITY_API_KEY/.test(text('key-status')));

  // A key typed but not saved is saved with the Settings.
  type(key(), 'pplx-typed-with-settings-4321');
  id('settings-save').click();
  await until(() => !sheet.open);
  check('keys: Settings Save also saves a typed key', calls('key_save').at(-1).args.key === 'pplx-typed-with-settings-4321' && calls('settings_update').length === updates + 1, calls('key_save').length);
  check('keys: closing the sheet empties the field', key().value === '');

  // "Open Settings" on a rejected key goes straight to the key field.
  composer.value = 'Check my key #auth';
  composer.dispatchEvent(new Event('input', { bubbles: true }));
  id('send').click();
  await settledTurn();
  const banner = $$('[data-testid="error-banner"]').at(-1);
  check('keys: auth error offers Open Settings', banner?.dataset.kind === 'auth' && banner.querySelector('button')?.textContent === 'Open Settings');
  banner.querySelector('button').click();
  await until(() => sheet.open && document.activeElement === key());
  check('keys: … which opens at the key field', document.activeElement === key() && !id('settings-save').disabled);

  // Remove every key: the welcome becomes the key form.
  store.keys.perplexity.env = null;
  await sleep(60);
  id('key-remove').click();
  id('key-remove-confirm').click();
  await until(() => text('key-status') === 'No key');
  check('keys: no key left', /no key now/.test(text('key-result')), text('key-result'));
  await closeSheet();
  id('new-chat').click();
  await until(() => !id('welcome-key').hidden);
  await sleep(60);
  check('welcome: the key form is the welcome', !$('#empty-state').hidden && $('#welcome-ready').hidden && $('#empty-state').getAttribute('aria-labelledby') === 'welcome-key-title'
    && text('welcome-key').includes('Settings → API keys') && visible('welcome-key-input') && visible('welcome-key-save'));
  check('welcome: field and Save only', !id('welcome-key-test') && !id('welcome-key-remove') && id('welcome-key-input').labels[0]?.textContent === 'API key');
  check('welcome: says where the key goes', /^Kept in the system keyring \(Secret Service\)\./.test($('#welcome-key-hint').textContent), $('#welcome-key-hint').textContent);

  // Sending without a key comes back to the form, with the question kept.
  composer.value = 'A question without a key';
  composer.dispatchEvent(new Event('input', { bubbles: true }));
  id('send').click();
  await until(() => document.activeElement === id('welcome-key-input'));
  check('welcome: sending without a key keeps the question and focuses the key field',
    composer.value === 'A question without a key' && $$('[data-testid="message-user"]').length === 0 && !$('#empty-state').hidden
      && /^Add a key first\./.test(text('welcome-key-result')) && $('#conversation-title').textContent === 'New chat',
    [composer.value, text('welcome-key-result')]);

  // Save on the welcome: it turns into the usual welcome, and the question can go.
  const lists = calls('models_list').length;
  type(id('welcome-key-input'), 'pplx-welcome-key-2468');
  id('welcome-key-save').click();
  await until(() => !$('#welcome-ready').hidden);
  await sleep(60);
  check('welcome: after Save, the examples and where the key went', $('#welcome-key').hidden && text('welcome-key-status') === 'Key saved. Stored in the system keyring (Secret Service) · ends in 2468.' && $('#empty-state').getAttribute('aria-labelledby') === 'welcome', text('welcome-key-status'));
  check('welcome: focus back in the question box, the model list reloaded', document.activeElement === composer && calls('models_list').length > lists);
  check('welcome: the key is nowhere in the page', !leaked('pplx-welcome-key-2468'));
  id('send').click();
  await settledTurn();
  check('welcome: the kept question is answered', $$('[data-testid="message-assistant"]').at(-1).dataset.state === 'done' && text('message-user') === 'A question without a key');

  // No usable keyring: say what to install, offer the session, never write a file.
  store.keyring.available = false;
  await openSheet();
  check('keyring: problem shown with the session choice', text('key-status') === 'No key' && visible('key-problem') && /Install gnome-keyring/.test(text('key-problem')) && visible('key-session'), text('key-status'));
  type(key(), 'pplx-session-only-9999');
  id('key-save').click();
  await until(() => /^Not saved/.test(text('key-result')));
  check('keyring: Save is refused with the reason, the field keeps the key', key().value === 'pplx-session-only-9999' && /keyring cannot be used/.test(text('key-result')));
  id('key-session').click();
  await until(() => text('key-status').startsWith('For this session only'));
  check('keyring: Use for this session only', text('key-status') === 'For this session only · ends in 9999' && calls('key_save').at(-1).args.sessionOnly === true && key().value === '' && /Saved for this session only/.test(text('key-result')), [text('key-status'), text('key-result')]);
  id('key-remove').click();
  check('keyring: forgetting a session key asks in its own words', /Forget the key for this session\?/.test(text('key-confirm')));
  id('key-remove-confirm').click();
  await until(() => text('key-status') === 'No key');
  check('keyring: a stored key out of reach cannot be removed; the session key is gone and the status says so',
    /^The keyring said no\.|^Not done\./.test(text('key-result')) && /No usable keyring/.test(text('key-result')) && !visible('key-remove'), text('key-result'));
  await closeSheet();
  id('new-chat').click();
  await until(() => !id('welcome-key').hidden && visible('welcome-key-session'));
  check('keyring: the welcome offers the session too', $('#welcome-key-hint').hidden && /Install gnome-keyring/.test(text('welcome-key-problem')) && /^Platform secure storage failure/.test($('[data-testid="welcome-key-problem"] .key-problem-cause').textContent));
  type(id('welcome-key-input'), 'pplx-welcome-session-1357');
  id('welcome-key-session').click();
  await until(() => !$('#welcome-ready').hidden);
  check('keyring: saved for the session from the welcome', text('welcome-key-status') === 'Key saved. For this session only · ends in 1357.', text('welcome-key-status'));

  const controls = $$('.key-form input, .key-form button');
  check('keys: every control has a name', controls.every((c) => (c.labels?.length ?? 0) > 0 || c.getAttribute('aria-label') || c.textContent.trim()), controls.filter((c) => !c.textContent.trim() && !c.getAttribute('aria-label')).map((c) => c.outerHTML.slice(0, 60)));

  store.keyring.available = true;
  Object.assign(store.keys.perplexity, { keyring: null, session: null, env: 'abcd' });
}
