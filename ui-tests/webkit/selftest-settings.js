// Self-test of the Settings sheet and the model picker over the mock backend (run by
// selftest.js after the chat flows): models_list grouping, the form, validation inline,
// focus handling, provider switches, "Other model…", request defaults on chat_send, notices, the
// connection in use now.

const groupsOf = (select) => [...select.querySelectorAll('optgroup')].map((g) => `${g.label}: ${[...g.children].map((o) => o.value).join(' ')}`);

/**
 * @param {{check: (name: string, ok: boolean, detail?: unknown) => void,
 *   sleep: (ms: number) => Promise<void>, until: (predicate: () => boolean) => Promise<void>}} t
 */
export async function settingsFlows({ check, sleep, until }) {
  const mock = window.__mockTauri;
  const calls = mock.calls;
  const $ = (s) => document.querySelector(s);
  const $$ = (s) => [...document.querySelectorAll(s)];
  const picker = $('[data-testid="model-picker"]');
  const sheet = $('#settings');
  const save = $('[data-testid="settings-save"]');
  const error = $('[data-testid="settings-error"]');
  const model = $('#settings-model');
  const sends = () => calls.filter((c) => c.command === 'chat_send');
  const updates = () => calls.filter((c) => c.command === 'settings_update');
  const lastTurn = () => $$('[data-testid="message-assistant"]').at(-1);
  const settled = () => until(() => lastTurn() && lastTurn().dataset.state !== 'streaming');
  const ask = async (text) => {
    const input = $('[data-testid="composer"]');
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    $('[data-testid="send"]').click();
    await sleep(10);
  };
  const openSheet = async () => {
    $('[data-testid="settings-open"]').click();
    await until(() => sheet.open && !save.disabled);
    await sleep(20);
  };
  const pickProvider = (p) => {
    const radio = $(`[data-testid="settings-provider"] input[value="${p}"]`);
    radio.click();
  };
  const choose = (select, value) => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  };

  // The picker, from models_list (agent, live).
  check('picker: Agent groups from models_list', groupsOf(picker).join(' | ') === 'Presets: fast low medium high xhigh | Perplexity: perplexity/sonar | Anthropic: anthropic/claude-sonnet-4-6 | Google: google/gemini-3-pro | OpenAI: openai/gpt-5.4', groupsOf(picker));
  check('picker: preselects app_status.defaultModel', picker.value === 'fast', picker.value);
  check('picker: no offline hint for a live list', $('[data-testid="model-hint"]').hidden);
  check('chat_send carries the request defaults', JSON.stringify(sends().at(-1).args.args.options) === JSON.stringify(mock.settings.requestDefaults), sends().at(-1).args.args.options);

  await ask('Extras #extras');
  await settled();
  check('images, related and unknown events do not break the answer', lastTurn().dataset.state === 'done' && !lastTurn().querySelector('[data-testid="error-banner"]'), lastTurn().dataset.state);

  // The form shows the saved settings.
  await openSheet();
  const connection = $('[data-testid="settings-connection"]');
  check('connection: Settings says which provider and address are in use now', connection.closest('.sheet-section')?.getAttribute('aria-labelledby') === 'settings-provider-heading'
    && connection.querySelector('[data-field="provider"]').textContent === 'Perplexity Agent API'
    && connection.querySelector('[data-field="base-url"]').textContent === 'https://api.perplexity.ai', connection.textContent);
  check('connection: the folders and version moved to the About dialog', !sheet.querySelector('[data-folder], [data-field="log-dir"], [data-field="version"]') && !!$('#about [data-field="log-dir"]'));
  const group = $('[data-testid="settings-provider"]');
  check('form: provider from settings_get', group.dataset.value === 'agent' && $('input[name="provider"]:checked').value === 'agent');
  check('form: every control is labelled', $$('#settings input, #settings select').every((c) => c.labels?.length > 0 || c.getAttribute('aria-label')), $$('#settings input, #settings select').filter((c) => !c.labels?.length).map((c) => c.id || c.name));
  check('form: Perplexity address shown, OpenAI address hidden', $('#settings-perplexity-url').value === 'https://api.perplexity.ai' && !!$('#settings-openai-url').closest('[hidden]'));
  check('form: Agent model groups', groupsOf(model).join(' | ').startsWith('Presets: fast low medium high xhigh | Perplexity: perplexity/sonar | Anthropic:') && model.value === 'fast', groupsOf(model));
  check('form: search on, filters enabled', $('#settings-search-enabled').checked && !$('#settings-search-filters').disabled);
  check('form: focus starts inside the sheet', sheet.contains(document.activeElement), document.activeElement?.outerHTML.slice(0, 80));

  // Focus stays inside: Tab from the last control goes to the first, Shift+Tab back.
  save.focus();
  save.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true }));
  const first = document.activeElement;
  check('focus trap: Tab from Save wraps to the first control', first === $('#settings [data-close]'), first?.outerHTML.slice(0, 80));
  first.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', shiftKey: true, bubbles: true, cancelable: true }));
  check('focus trap: Shift+Tab from the first wraps to Save', document.activeElement === save);

  // Search off disables the filters; switching to Sonar shows the Sonar models.
  $('#settings-search-enabled').click();
  check('search off disables the filters', $('#settings-search-filters').disabled);
  $('#settings-search-enabled').click();
  pickProvider('sonar');
  check('form: Sonar model group', groupsOf(model).join(' | ') === 'Sonar models: sonar sonar-pro sonar-reasoning-pro sonar-deep-research' && model.value === 'sonar', groupsOf(model));

  // Client-side check: too many domains never reach the backend.
  const before = updates().length;
  $('#settings-domains').value = Array.from({ length: 21 }, (_, i) => `site${i}.example`).join(' ');
  save.click();
  await sleep(20);
  check('21 domains: inline error, nothing sent, sheet open', !error.hidden && /at most 20/.test(error.textContent) && updates().length === before && sheet.open, error.textContent);
  check('error is tied to the field and the form', $('#settings-domains').getAttribute('aria-invalid') === 'true' && $('#settings-domains').getAttribute('aria-describedby').split(' ').includes('settings-error') && $('#settings-form').getAttribute('aria-describedby') === 'settings-error');

  // Backend validation: shown inline, the sheet stays open.
  $('#settings-domains').value = 'wikipedia.org, -reddit.com https://www.nature.com/articles';
  $('#settings-perplexity-url').value = 'ftp://api.example';
  save.click();
  await until(() => updates().length === before + 1);
  await sleep(20);
  check('backend validation message inline, sheet open', sheet.open && !error.hidden && error.textContent.startsWith('The Perplexity API address must be an http:// or https:// URL'), error.textContent);
  check('the address field is marked invalid', $('#settings-perplexity-url').getAttribute('aria-invalid') === 'true' && document.activeElement === $('#settings-perplexity-url') && $('#settings-domains').getAttribute('aria-invalid') === null);

  // Fix it, pick sonar-pro, Save: the sheet closes and the window follows.
  $('#settings-perplexity-url').value = 'https://api.perplexity.ai';
  choose(model, 'sonar-pro');
  choose($('#settings-recency'), 'week');
  check('form: related questions and images off by default', !$('#settings-related').checked && !$('#settings-images').checked);
  $('#settings-related').click();
  save.click();
  await until(() => !sheet.open);
  await until(() => picker.dataset.provider === 'sonar' && groupsOf(picker)[0]?.startsWith('Sonar models'));
  const sent = updates().at(-1).args.settings;
  check('settings_update gets the whole object', sent.provider === 'sonar' && sent.defaultModels.sonar === 'sonar-pro' && sent.defaultModels.agent === 'fast' && sent.addresses.openai === 'https://api.openai.com/v1' && sent.requestDefaults.images === false, sent);
  check('related questions switched on, images still off', sent.requestDefaults.relatedQuestions === true && sent.requestDefaults.images === false, sent.requestDefaults);
  check('domains parsed', JSON.stringify(sent.requestDefaults.search.domains) === '["wikipedia.org","-reddit.com","www.nature.com"]' && sent.requestDefaults.search.recency === 'week', sent.requestDefaults.search);
  check('error cleared after a good save', error.hidden);
  check('focus back on the Settings button', document.activeElement === $('[data-testid="settings-open"]'), document.activeElement?.outerHTML.slice(0, 80));
  check('picker: Sonar group, default preselected', groupsOf(picker).join(' | ') === 'Sonar models: sonar sonar-pro sonar-reasoning-pro sonar-deep-research' && picker.value === 'sonar-pro', [groupsOf(picker), picker.value]);
  // The defaults are for new chats (a conversation keeps its own model and options).
  $('[data-testid="new-chat"]').click();
  await ask('After saving');
  await settled();
  const args = sends().at(-1).args.args;
  check('a new chat\'s chat_send: new model and search defaults', args.model === 'sonar-pro' && args.options.search.domains.length === 3 && args.options.search.recency === 'week' && args.options.relatedQuestions === true, args);

  // OpenAI-compatible without a key: free text, honest key line, offline hint, Other model….
  await openSheet();
  check('form: reopens on the saved provider', $('[data-testid="settings-provider"]').dataset.value === 'sonar' && model.value === 'sonar-pro');
  pickProvider('openai');
  check('form: OpenAI address shown', !$('#settings-openai-url').closest('[hidden]') && !!$('#settings-perplexity-url').closest('[hidden]'));
  check('form: no list → the typed id is the field', !!model.closest('[hidden]') && !$('#settings-model-custom-field').hidden && $('#settings-model-custom').value === 'gpt-4o-mini');
  check('form: says which variable the key comes from', /OPENAI_API_KEY/.test($('#settings-provider-key').textContent));
  check('form: search note for OpenAI', !$('#settings-search-note').hidden);
  $('#settings-model-custom').value = 'llama3.1:8b';
  $('#settings-model-custom').dispatchEvent(new Event('input', { bubbles: true }));
  save.click();
  await until(() => !sheet.open);
  await until(() => picker.dataset.provider === 'openai' && !$('[data-testid="model-hint"]').hidden);
  check('saved OpenAI model', updates().at(-1).args.settings.defaultModels.openai === 'llama3.1:8b' && updates().at(-1).args.settings.defaultModels.sonar === 'sonar-pro');
  check('picker: OpenAI default and Other model…', picker.value === 'llama3.1:8b' && [...picker.options].at(-1).value === '__other__', [groupsOf(picker), picker.value]);
  const hint = $('[data-testid="model-hint"]');
  check('offline hint with the reason', hint.textContent.startsWith('Offline model list') && /No API key/.test(hint.title), [hint.textContent, hint.title]);
  await openSheet();
  await until(() => $('[data-testid="key-status"]').dataset.source === 'none');
  check('key section follows the OpenAI-compatible provider', $('[data-testid="key-status"]').textContent === 'No key' && $('[data-testid="key-input"]').placeholder === 'sk-…' && /OpenAI-compatible/.test($('#settings-key-account').textContent), [$('[data-testid="key-status"]').textContent, $('[data-testid="key-input"]').placeholder]);
  $('#settings [data-close]').click();
  await sleep(20);
  check('close returns focus', !sheet.open && document.activeElement === $('[data-testid="settings-open"]'));

  // "Other model…" in the header asks for an id.
  choose(picker, '__other__');
  await sleep(20);
  const other = $('#model-other');
  check('Other model… opens the id prompt', other.open && document.activeElement === $('#model-other-id'));
  $('#model-other-id').value = 'qwen2.5:14b';
  other.querySelector('button[type="submit"]').click();
  await sleep(20);
  check('typed id becomes the picked model', !other.open && picker.value === 'qwen2.5:14b' && document.activeElement === picker, picker.value);
  choose(picker, '__other__');
  await sleep(20);
  other.querySelector('[data-cancel]').click();
  await sleep(20);
  check('cancelled prompt keeps the previous model', picker.value === 'qwen2.5:14b');

  // Back to the Agent API for whatever runs next; the Agent list comes back.
  await openSheet();
  pickProvider('agent');
  check('form: back to the Agent list', groupsOf(model)[0]?.startsWith('Presets') && model.value === 'fast');
  save.click();
  await until(() => !sheet.open && picker.dataset.provider === 'agent' && $('[data-testid="model-hint"]').hidden);
  check('picker: Agent again', picker.value === 'fast' && groupsOf(picker).length === 5, groupsOf(picker));

  // Appearance: a theme chosen and saved applies at once and is remembered for the next start.
  await openSheet();
  const theme = (value) => $(`[data-testid="settings-theme"] input[value="${value}"]`);
  check('theme: System is checked by default', theme('system').checked && !document.documentElement.dataset.theme);
  theme('dark').click();
  save.click();
  await until(() => !sheet.open);
  check('theme: Dark is saved and applied', updates().at(-1).args.settings.theme === 'dark'
    && document.documentElement.dataset.theme === 'dark' && localStorage.getItem('citewise.theme') === 'dark',
  [updates().at(-1).args.settings.theme, document.documentElement.dataset.theme]);
  check('theme: the window really is dark', getComputedStyle(document.body).colorScheme === 'dark' || getComputedStyle(document.documentElement).colorScheme === 'dark',
    getComputedStyle(document.documentElement).colorScheme);
  await openSheet();
  check('theme: the sheet shows the saved choice', theme('dark').checked);
  theme('system').click();
  save.click();
  await until(() => !sheet.open);
  check('theme: back to System follows the computer again', !document.documentElement.dataset.theme && localStorage.getItem('citewise.theme') === null);

  // Notices: shown once each, dismissible.
  mock.notices.push('The settings file was damaged, so Citewise started with default settings.');
  await openSheet();
  $('#settings [data-close]').click();
  await sleep(20);
  const bars = $$('[data-testid="notice"]');
  check('notice bar shows the notice', bars.length === 1 && bars[0].getAttribute('role') === 'status' && bars[0].textContent.includes('damaged'), bars.map((b) => b.textContent));
  bars[0].querySelector('button').click();
  check('notice dismissed', $$('[data-testid="notice"]').length === 0 && $('#notices').hidden);
}

