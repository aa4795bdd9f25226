// Self-test of the About dialog (ui/settings/about.js) over the mock backend: opened from the sidebar's ⓘ
// button and from Settings (over the sheet, which keeps what was typed), the mark, version and
// folders from app_status, long paths wrapping between folder names, Open data/logs folder calling
// folder_open with an error shown in place, Esc and Close giving focus back to the opener, a stale
// close event leaving a reopened dialog alone, and keyboard reach.

/**
 * @param {{check: (name: string, ok: boolean, detail?: unknown) => void,
 *   sleep: (ms: number) => Promise<void>, until: (predicate: () => boolean) => Promise<void>}} t
 */
export async function aboutFlows({ check, sleep, until }) {
  const mock = window.__mockTauri;
  const $ = (s) => document.querySelector(s);
  const about = $('#about');
  const settings = $('#settings');
  const opener = $('[data-testid="about-open"]');
  const version = $('[data-testid="about-version"]');
  const dataDir = $('[data-testid="about-data-dir"]');
  const logDir = $('[data-testid="about-log-dir"]');
  const folderError = $('[data-testid="folder-error"]');
  const statusError = $('[data-testid="about-error"]');
  const headClose = about.querySelector('.sheet-head [data-close]');
  const footClose = about.querySelector('.sheet-foot [data-close]');
  const calls = (command) => mock.calls.filter((c) => c.command === command);
  const press = (target, key, init = {}) =>
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  /** What Esc does to a modal dialog: a cancelable cancel event, then close unless prevented. */
  const escape = () => {
    press(document.activeElement ?? about, 'Escape');
    if (typeof about.requestClose === 'function') about.requestClose();
    else if (about.dispatchEvent(new Event('cancel', { cancelable: true }))) about.close();
  };
  const closed = async () => {
    await until(() => !about.open);
    await sleep(20); // the close event comes a task later
  };

  // The sidebar's button: reachable, named, next to Settings.
  check('about: the sidebar button is a named, focusable button next to Settings', opener.tagName === 'BUTTON' && opener.type === 'button'
    && opener.getAttribute('aria-label') === 'About Citewise' && opener.title === 'About Citewise'
    && opener.getAttribute('aria-haspopup') === 'dialog' && opener.tabIndex === 0 && opener.getClientRects().length > 0
    && opener.previousElementSibling === $('[data-testid="settings-open"]'), opener.outerHTML.slice(0, 160));
  check('about: closed at start-up', !about.open);

  // Opened from the sidebar: focus inside, the facts from app_status.
  const statusCalls = calls('app_status').length;
  opener.focus();
  opener.click();
  await until(() => about.open && version.textContent !== '—');
  check('about: the sidebar button opens it, focus on its close button', about.open && document.activeElement === headClose, document.activeElement?.outerHTML.slice(0, 80));
  check('about: named "About Citewise", described by its summary', about.getAttribute('aria-labelledby') === 'about-title' && $('#about-title').textContent === 'About Citewise'
    && $('#about-summary').textContent.length > 20, $('#about-title').textContent);
  check('about: asks app_status when it opens', calls('app_status').length === statusCalls + 1, calls('app_status').length - statusCalls);
  check('about: the version from app_status', version.textContent === '0.1.0-harness' && about.querySelector('.about-name').textContent === 'Citewise', version.textContent);
  check('about: license and no telemetry', /MIT · no telemetry/.test(about.querySelector('.about-facts').textContent));
  check('about: the data and logs folders from app_status, monospace', dataDir.textContent === '/home/you/.local/share/app.citewise.desktop'
    && logDir.textContent === '/home/you/.local/share/app.citewise.desktop/logs'
    && /mono/i.test(getComputedStyle(logDir).fontFamily) && getComputedStyle(logDir).userSelect !== 'none', [dataDir.textContent, logDir.textContent]);
  check('about: paths may break after each folder', logDir.querySelectorAll('wbr').length === 6 && dataDir.querySelectorAll('wbr').length === 5, logDir.innerHTML);
  const mark = about.querySelector('img.about-mark');
  await until(() => mark.complete);
  check('about: the app mark is shown, decorative', mark.naturalWidth > 0 && mark.getAttribute('alt') === '' && /app-icon\.svg$/.test(mark.src), [mark.src, mark.naturalWidth]);

  // The folders open through folder_open; a failure is said in place.
  const before = calls('folder_open').length;
  $('[data-testid="open-data-folder"]').click();
  $('[data-testid="open-logs-folder"]').click();
  await sleep(10);
  const asked = calls('folder_open').slice(before).map((c) => JSON.stringify(c.args));
  check('about: Open data / logs folder call folder_open with that folder', asked.join() === '{"folder":"data"},{"folder":"logs"}' && folderError.hidden, asked);
  mock.folderFails = true;
  $('[data-testid="open-logs-folder"]').click();
  await until(() => !folderError.hidden);
  check('about: a folder that cannot be opened says so in the dialog', folderError.textContent === 'Could not open the folder. No file manager could open it.'
    && folderError.getAttribute('role') === 'alert' && about.contains(folderError) && about.open, folderError.textContent);
  mock.folderFails = false;
  $('[data-testid="open-data-folder"]').click();
  await until(() => folderError.hidden);
  check('about: the next try clears the error', folderError.hidden && calls('folder_open').at(-1).args.folder === 'data');

  // Tab stays inside: from the footer's Close to the head's close button and back.
  footClose.focus();
  press(footClose, 'Tab');
  check('about: Tab from Close wraps to the first control', document.activeElement === headClose, document.activeElement?.outerHTML.slice(0, 80));
  press(headClose, 'Tab', { shiftKey: true });
  check('about: Shift+Tab from the first wraps to Close', document.activeElement === footClose, document.activeElement?.outerHTML.slice(0, 80));

  // Esc closes; focus goes back to the sidebar button.
  mock.folderFails = true;
  $('[data-testid="open-logs-folder"]').click();
  await until(() => !folderError.hidden);
  mock.folderFails = false;
  escape();
  await closed();
  check('about: Esc closes it and focus goes back to the sidebar button', !about.open && document.activeElement === opener, document.activeElement?.outerHTML.slice(0, 80));
  opener.click();
  await until(() => about.open);
  check('about: reopened, an old folder error is gone', folderError.hidden);
  footClose.click();
  await closed();
  check('about: Close closes it, focus back on the opener', !about.open && document.activeElement === opener);

  // A close event arriving after the dialog was opened again leaves it and its focus alone.
  opener.click();
  await until(() => about.open);
  about.close();
  opener.click();
  await sleep(30);
  check('about: a stale close event does not take focus from the reopened dialog', about.open && about.contains(document.activeElement), document.activeElement?.outerHTML.slice(0, 80));
  headClose.click();
  await closed();

  // Long paths wrap inside the dialog; a status that cannot be read says so.
  const core = window.__TAURI__.core;
  const invoke = core.invoke;
  const long = '/home/someone-with-a-rather-long-name/.local/share/app.citewise.desktop/a-folder-name-that-goes-on-and-on-without-any-break-at-all';
  core.invoke = async (command, args) => {
    const answer = await invoke(command, args);
    return command === 'app_status' ? { ...answer, dataDir: long, logDir: `${long}/logs` } : answer;
  };
  opener.click();
  await until(() => about.open && dataDir.textContent === long);
  const body = about.querySelector('.sheet-body');
  check('about: a long path wraps inside the dialog', body.scrollWidth <= body.clientWidth && dataDir.getBoundingClientRect().right <= body.getBoundingClientRect().right
    && dataDir.getClientRects().length === 1 && dataDir.getBoundingClientRect().height > 30, [body.scrollWidth, body.clientWidth, dataDir.getBoundingClientRect().height]);
  headClose.click();
  await closed();
  core.invoke = async (command, args) => (command === 'app_status'
    ? Promise.reject({ kind: 'io', message: 'The data folder is not readable.' }) : invoke(command, args));
  opener.click();
  await until(() => about.open && !statusError.hidden);
  check('about: app_status failing says so in place', statusError.textContent === 'Could not read the version and folders. The data folder is not readable.'
    && statusError.getAttribute('role') === 'alert', statusError.textContent);
  core.invoke = invoke;
  headClose.click();
  await closed();
  opener.click();
  await until(() => about.open && statusError.hidden && dataDir.textContent === '/home/you/.local/share/app.citewise.desktop');
  check('about: the next open reads the status again', statusError.hidden && version.textContent === '0.1.0-harness');
  headClose.click();
  await closed();

  // From Settings: over the sheet, which keeps what was typed; focus comes back to its button.
  $('[data-testid="settings-open"]').click();
  await until(() => settings.open && !$('[data-testid="settings-save"]').disabled);
  await sleep(20);
  const settingsAbout = $('[data-testid="settings-about-open"]');
  check('about: Settings ends with "About Citewise…"', settingsAbout?.textContent === 'About Citewise…' && settingsAbout.closest('.sheet-section') === $('#settings .sheet-body').lastElementChild
    && settingsAbout.getAttribute('aria-haspopup') === 'dialog', settingsAbout?.outerHTML.slice(0, 120));
  const domains = $('#settings-domains');
  domains.value = 'typed.example';
  settingsAbout.focus();
  settingsAbout.click();
  await until(() => about.open && version.textContent !== '—');
  check('about: opens over Settings, focus inside it', about.open && settings.open && document.activeElement === headClose);
  escape();
  await closed();
  check('about: Esc closes only About; focus back on Settings\' button, the form as it was', !about.open && settings.open
    && document.activeElement === settingsAbout && domains.value === 'typed.example', [settings.open, document.activeElement?.outerHTML.slice(0, 80), domains.value]);
  settings.querySelector('[data-close]').click();
  await until(() => !settings.open);
  await sleep(20);
}
