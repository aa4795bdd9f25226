// The window as a person uses it, for the end-to-end tests: elements by test id, asking, the
// newest answer, its words, and the Settings sheet.
import { By } from 'selenium-webdriver';
import { waitUntil } from './wait.mjs';

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

/** Types a question into the composer and presses Enter. */
export async function ask(driver, text) {
  const composer = await driver.findElement(byTestId('composer'));
  await composer.sendKeys(text, '\uE007');
}

/** The newest answer's text as a person reads it (markdown rendered, citation pills included). */
export async function lastAnswerText(driver) {
  const contents = await driver.findElements(byTestId('assistant-content'));
  if (contents.length === 0) return '';
  // innerText, not getText(): WebKitWebDriver's getText runs block elements together.
  return driver.executeScript('return arguments[0].innerText', contents[contents.length - 1]);
}

/** Waits for the stop button to go away, i.e. the answer to end. */
export async function waitForIdle(driver, timeoutMs = 30_000) {
  await waitUntil(async () => (await driver.findElements(byTestId('stop'))).length === 0, timeoutMs, 'the answer to end');
}

/** Words of a markdown text with `[n]` markers and markdown punctuation removed. */
export function words(markdown) {
  return markdown
    .replace(/\[\d+(?:\s*[,\-–]\s*\d+)*\]/g, ' ')
    .match(/[\p{L}\p{N}]{4,}/gu) ?? [];
}

/** An element's text as shown (innerText: WebKitWebDriver's getText runs inline parts together); null if there is none. */
export const shownText = (driver, testid) => driver.executeScript(
  'const n = document.querySelector(`[data-testid="${arguments[0]}"]`); return n ? n.innerText : null;', testid);

/** Whether the Settings sheet is open. */
export const settingsOpen = (driver) => driver.executeScript('return document.getElementById("settings").open');

/** Opens the Settings sheet and waits until it shows the stored settings. */
export async function openSettings(driver) {
  await driver.findElement(byTestId('settings-open')).click();
  await waitUntil(async () => driver.findElement(byTestId('settings-save')).isEnabled(), 10_000, 'the settings to load');
}

/** Saves the Settings sheet and waits for it to close. */
export async function saveSettings(driver) {
  await driver.findElement(byTestId('settings-save')).click();
  await waitUntil(async () => !(await settingsOpen(driver)), 10_000, 'the sheet to close after Save');
}

/** Closes the Settings sheet with its close button and waits for it to close. */
export async function closeSettings(driver) {
  await driver.findElement(By.css('#settings [data-close]')).click();
  await waitUntil(async () => !(await settingsOpen(driver)), 5_000, 'the sheet to close');
}
