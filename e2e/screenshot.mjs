// Takes screenshots of the real window answering from the local server, for looking at the app
// as a person would. Not a test. Run inside a desktop session:
//   scripts/with-desktop.sh node e2e/screenshot.mjs [out-dir]
// Writes answer-light.png, answer-dark.png (GTK dark theme), streaming.png and error.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMock, launchApp, ask, waitForIdle, lastAnswerText, waitUntil } from './support.mjs';

const out = process.argv[2] || 'target/screenshots';
mkdirSync(out, { recursive: true });
const mock = await startMock();

async function shoot(driver, name) {
  writeFileSync(join(out, name), Buffer.from(await driver.takeScreenshot(), 'base64'));
  console.log(`wrote ${join(out, name)}`);
}

try {
  for (const theme of ['light', 'dark']) {
    const app = await launchApp(mock.baseUrl, theme === 'dark' ? { GTK_THEME: 'Adwaita:dark' } : {});
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
} finally {
  mock.stop();
}
