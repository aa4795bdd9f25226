// Self-test of the window's keyboard shortcuts (ui/app/shortcuts.js) over the mock backend: the
// "Keyboard shortcuts" sheet (? and Ctrl+/), Ctrl+, for Settings, Ctrl+Shift+C for the last
// answer, ↑ in an empty composer for the last question, and where each must not fire.

/**
 * @param {{check: (name: string, ok: boolean, detail?: unknown) => void,
 *   sleep: (ms: number) => Promise<void>, until: (predicate: () => boolean) => Promise<void>}} t
 */
export async function keyboardFlows({ check, sleep, until }) {
  const $ = (s) => document.querySelector(s);
  const sheet = $('#shortcuts');
  const settings = $('#settings');
  const composer = $('[data-testid="composer"]');
  const press = (target, key, init = {}) =>
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  const lastAnswer = () => [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1);

  // An answer to work with.
  composer.value = 'Keyboard please';
  composer.dispatchEvent(new Event('input', { bubbles: true }));
  $('[data-testid="send"]').click();
  await until(() => lastAnswer() && lastAnswer().dataset.state === 'done');
  composer.focus();

  // The sheet: Ctrl+/ from the composer, ? only outside text fields.
  press(composer, '/', { ctrlKey: true });
  await until(() => sheet.open);
  const rows = [...sheet.querySelectorAll('dt')].map((dt) => `${dt.textContent} ${dt.nextElementSibling?.textContent}`);
  check('shortcuts: Ctrl+/ opens the sheet with every shortcut', rows.length === 10
    && rows.includes('CtrlShiftC Copy the last answer') && rows.includes('? or Ctrl/ Show these shortcuts'), rows);
  check('shortcuts: the sheet has focus (its close button)', document.activeElement === sheet.querySelector('[data-close]'));
  sheet.close();
  await sleep(10);
  check('shortcuts: closing gives the composer its focus back', document.activeElement === composer);
  const typed = press(composer, '?', { shiftKey: true });
  await sleep(10);
  check('shortcuts: ? typed in the composer is a character', typed && !sheet.open);
  composer.blur();
  document.body.focus();
  press(document.body, '?', { shiftKey: true });
  await until(() => sheet.open);
  check('shortcuts: ? elsewhere opens the sheet', sheet.open);
  press(document.body, '/', { ctrlKey: true });
  await until(() => !sheet.open);
  check('shortcuts: Ctrl+/ again closes it', !sheet.open);
  const opener = $('[data-testid="shortcuts-open"]');
  opener.click();
  await until(() => sheet.open);
  sheet.querySelector('[data-close]').click();
  await until(() => !sheet.open);
  await sleep(20); // the close event comes a task later
  const shownOpener = opener.getClientRects().length > 0;
  check('shortcuts: the Shortcuts button opens it and gets focus back (the composer if the hint is hidden)',
    document.activeElement === (shownOpener ? opener : composer), [shownOpener, document.activeElement?.dataset?.testid]);

  // Ctrl+, opens Settings; with Settings open, Ctrl+N and Ctrl+/ wait.
  composer.focus();
  const answersBefore = document.querySelectorAll('[data-testid="message-assistant"]').length;
  press(composer, ',', { ctrlKey: true });
  await until(() => settings.open);
  check('shortcuts: Ctrl+, opens Settings', settings.open);
  press(document.activeElement ?? document.body, 'n', { ctrlKey: true });
  press(document.activeElement ?? document.body, '/', { ctrlKey: true });
  await sleep(30);
  check('shortcuts: Ctrl+N and Ctrl+/ wait while Settings is open',
    document.querySelectorAll('[data-testid="message-assistant"]').length === answersBefore && !sheet.open);
  settings.querySelector('[data-close]').click();
  await until(() => !settings.open);

  // Ctrl+Shift+C copies the last answer through its Copy button (the page may not write the
  // real clipboard without a gesture here: what it writes is caught instead).
  let copied = null;
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text) => { copied = text; } } });
  composer.focus();
  press(composer, 'C', { ctrlKey: true, shiftKey: true });
  const copy = lastAnswer().querySelector('[data-testid="copy-answer"]');
  await until(() => /Copied|Copy failed/.test(copy.textContent));
  const shown = lastAnswer().querySelector('.assistant-content')?.textContent ?? '';
  check('shortcuts: Ctrl+Shift+C copies the last answer', copy.textContent.includes('Copied') && $('#announcer').textContent === 'Answer copied.'
    && typeof copied === 'string' && copied.length > 20 && shown.includes(copied.slice(0, 12)), [copy.textContent, copied?.slice(0, 40), shown.slice(0, 40)]);

  // ↑ in the empty composer edits the last question; not when the composer has text.
  composer.value = 'draft';
  press(composer, 'ArrowUp');
  await sleep(10);
  check('shortcuts: ↑ with text in the composer moves the caret only', !document.querySelector('[data-testid="edit-input"]'));
  composer.value = '';
  const up = press(composer, 'ArrowUp');
  await until(() => document.querySelector('[data-testid="edit-input"]'));
  const editor = document.querySelector('[data-testid="edit-input"]');
  check('shortcuts: ↑ in the empty composer edits the last question', !up && editor.value === 'Keyboard please' && document.activeElement === editor, editor.value);
  document.querySelector('[data-testid="edit-cancel"]').click();
  await until(() => !document.querySelector('[data-testid="edit-input"]'));
}
