// Takes screenshots of the real window answering from the local server, for looking at the app
// as a person would. Not a test. Run inside a desktop session:
//   scripts/with-desktop.sh node e2e/screenshot.mjs [out-dir]
// Writes answer-light.png, answer-dark.png (GTK dark theme), streaming.png, error.png,
// extras.png (Sonar with images and related questions, the sources list open), and from the
// recordings of real traffic recorded-{light,dark}.png (a preset's resolved model, the cache in the
// cost) and retired-{light,dark}.png (the Sonar retirement: the start-up offer and the 403's banner).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMock, launchApp, makeDataDir, removeDir, ask, waitForIdle, lastAnswerText, waitUntil } from './support.mjs';

const out = process.argv[2] || 'target/screenshots';
mkdirSync(out, { recursive: true });
const mock = await startMock();

async function shoot(driver, name) {
  writeFileSync(join(out, name), Buffer.from(await driver.takeScreenshot(), 'base64'));
  console.log(`wrote ${join(out, name)}`);
}

try {
  for (const theme of ['light', 'dark']) {
    const app = await launchApp(mock.baseUrl, { env: theme === 'dark' ? { GTK_THEME: 'Adwaita:dark' } : {} });
    try {
      await mock.scenario('cited');
      await ask(app.driver, 'How high is Mount Everest?');
      await new Promise((r) => setTimeout(r, 500));
      await waitForIdle(app.driver);
      await shoot(app.driver, `answer-${theme}.png`);
      if (theme === 'light') {
        await mock.scenario('slow');
        await ask(app.driver, 'And how was it measured?');
        await waitUntil(async () => (await lastAnswerText(app.driver)).length > 120, 20_000, 'streaming');
        await shoot(app.driver, 'streaming.png');
        await app.driver.findElement({ css: '[data-testid="stop"]' }).click();
        await mock.scenario('drop');
        await ask(app.driver, 'What if the connection drops?');
        await app.driver.wait(async () => (await app.driver.findElements({ css: '[data-testid="error-banner"]' })).length > 0, 15_000);
        await shoot(app.driver, 'error.png');
      }
    } finally {
      await app.close();
    }
  }
  // Real traffic: a recorded answer, and the retirement as a Sonar user meets it.
  for (const theme of ['light', 'dark']) {
    const env = theme === 'dark' ? { GTK_THEME: 'Adwaita:dark' } : {};
    let app = await launchApp(mock.baseUrl, { env });
    try {
      await ask(app.driver, 'Find the official TypeScript website #mock:recorded=agent_fast_web_search');
      await waitForIdle(app.driver);
      await shoot(app.driver, `recorded-${theme}.png`);
    } finally {
      await app.close();
    }
    const sonarDir = makeDataDir();
    writeFileSync(join(sonarDir, 'settings.json'), JSON.stringify({ provider: 'sonar' }));
    await mock.recorded(true);
    app = await launchApp(mock.baseUrl, { dataDir: sonarDir, env });
    try {
      await ask(app.driver, 'How high is Mount Everest?');
      await app.driver.wait(async () => (await app.driver.findElements({ css: '[data-testid="error-banner"]' })).length > 0, 15_000);
      await shoot(app.driver, `retired-${theme}.png`);
    } finally {
      await mock.recorded(false);
      await app.close();
      removeDir(sonarDir);
    }
  }
  // Images, related questions and the sources list come with Sonar when asked for.
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ provider: 'sonar', requestDefaults: { images: true, relatedQuestions: true } }));
  const app = await launchApp(mock.baseUrl, { dataDir });
  try {
    await mock.scenario('cited');
    await ask(app.driver, 'How high is Mount Everest?');
    await new Promise((r) => setTimeout(r, 500));
    await waitForIdle(app.driver);
    await app.driver.executeScript('document.querySelector(\'[data-testid="source-list"]\').open = true; const c = document.getElementById("conversation"); c.scrollTop = c.scrollHeight');
    await waitUntil(async () => app.driver.executeScript('return document.querySelectorAll(".gallery-cell.is-loading").length === 0'), 15_000, 'the images');
    await shoot(app.driver, 'extras.png');
  } finally {
    await app.close();
    removeDir(dataDir);
  }
} finally {
  mock.stop();
}
