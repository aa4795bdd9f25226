// End-to-end: the window itself. One Citewise per data folder (a second launch brings the
// first forward and exits), the window's size and place kept across a restart, and how it is
// painted. On a machine without a GPU (no DRM render node, as
// on this test machine under Xvfb) Citewise asks WebKit for Skia's CPU painter and no accelerated
// compositing, which its web process inherits; a value the person set themselves is left alone,
// switch by switch (src-tauri/rendering.rs). The native title bar takes the theme chosen in
// Settings → Appearance (src-tauri/appearance.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { By } from 'selenium-webdriver';
import { APP, appEnv, endGroup, openSettings, saveSettings, session, waitUntil } from './support.mjs';

const PAINTER = 'WEBKIT_SKIA_ENABLE_CPU_RENDERING';
const COMPOSITING = 'WEBKIT_DISABLE_COMPOSITING_MODE';
const hasGpu = existsSync('/dev/dri') && readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));

const run = session();

/** The environment WebKit's web process of `app` started with. */
async function webProcessEnv(app) {
  let pid = null;
  await waitUntil(async () => {
    try {
      pid = execFileSync('pgrep', ['-g', String(app.group), '-x', 'WebKitWebProces']).toString().trim().split('\n')[0];
    } catch {
      pid = null; // not started yet
    }
    return !!pid;
  }, 10_000, 'the web process');
  const env = new Map();
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

test('without a GPU the window is painted on the CPU, without OpenGL compositing', { skip: hasGpu && 'this machine has a GPU render node' }, async () => {
  // Unset for the app even if this shell has them (spawn leaves out undefined values).
  await run.start(run.dataDir(), { [PAINTER]: undefined, [COMPOSITING]: undefined });
  const env = await webProcessEnv(run.app);
  assert.equal(env.get(PAINTER), '1');
  assert.equal(env.get(COMPOSITING), '1');
});

test("the person's own setting wins, switch by switch", { skip: hasGpu && 'this machine has a GPU render node' }, async () => {
  await run.start(run.dataDir(), { [PAINTER]: '0', [COMPOSITING]: undefined });
  const env = await webProcessEnv(run.app);
  assert.equal(env.get(PAINTER), '0');
  assert.equal(env.get(COMPOSITING), '1', 'the other switch is still decided by Citewise');
});

test('CITEWISE_WEBKIT_DEFAULTS keeps WebKit as it is', async () => {
  await run.start(run.dataDir(), { CITEWISE_WEBKIT_DEFAULTS: '1', [PAINTER]: undefined, [COMPOSITING]: undefined });
  const env = await webProcessEnv(run.app);
  assert.equal(env.get(PAINTER), undefined);
  assert.equal(env.get(COMPOSITING), undefined);
});

/**
 * Starts the app binary itself (no WebDriver) on `dataDir`, in a process group of its own (its
 * WebKit processes join it, so endGroup can wait for all of them); resolves how it ended, or
 * `running: true` if it is still running after `ms`.
 */
function launchDirect(dataDir, ms) {
  const child = spawn(APP, [], {
    env: appEnv(run.mock.baseUrl, dataDir),
    stdio: 'ignore',
    detached: true,
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ running: true, child }), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ running: false, code, signal, child });
    });
  });
}

test('a second launch on the same data brings the open window forward and exits', async () => {
  const dir = run.dataDir();
  const driver = await run.start(dir);
  let other = null;
  try {
    const second = await launchDirect(dir, 20_000);
    assert.equal(second.running, false, 'the second launch ended by itself');
    assert.equal(second.code, 0);
    await endGroup(second.child);
    assert.equal(await driver.executeScript('return document.documentElement.dataset.ready'), 'true', 'the first window is still there');
    await waitUntil(async () => /launched again; bringing this window forward/.test(readFileSync(join(dir, 'logs', 'citewise.log'), 'utf8')),
      5_000, 'the first instance to hear of it');

    // Another data folder is another instance: it starts and keeps running.
    other = await launchDirect(run.dataDir(), 4_000);
    assert.equal(other.running, true, 'a launch on other data runs beside it');
  } finally {
    // regression: removing the folder while WebKit still wrote into it failed with ENOTEMPTY.
    if (other) await endGroup(other.child);
    await run.stop();
  }
});

test('the same data folder by another path (a symlink: another D-Bus name) is refused by its lock file', async () => {
  const dir = run.dataDir();
  const link = `${dir}-link`;
  symlinkSync(dir, link);
  const driver = await run.start(dir);
  let second = null;
  try {
    second = await launchDirect(link, 3_000);
    // It stops at a native message before touching anything: the history stays the first one's.
    const title = 'Citewise is already open';
    await waitUntil(async () => execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' }).includes(title), 15_000, 'the message');
    const pid = second.child.pid;
    const open = readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
    assert.ok(!open.some((path) => path.includes('history.sqlite3')), `the second process has no history open: ${open.join(', ')}`);
    assert.equal(readFileSync(join(dir, 'citewise.lock'), 'utf8').trim(), String(groupAppPid(run.app.group)), 'the first holds the lock');
    assert.equal(await driver.executeScript('return document.documentElement.dataset.ready'), 'true', 'the first window is still there');
  } finally {
    if (second) await endGroup(second.child);
    await run.stop();
    rmSync(link, { force: true });
  }
});

/** The app's own pid in the process group of a WebDriver launch. */
function groupAppPid(pgid) {
  return Number(execFileSync('pgrep', ['-g', String(pgid), '-x', 'citewise'], { encoding: 'utf8' }).trim().split('\n')[0]);
}

test('the window comes back at the size and place it was left', async () => {
  const dir = run.dataDir();
  let driver = await run.start(dir);
  const wanted = { x: 60, y: 40, width: 900, height: 640 };
  await driver.manage().window().setRect(wanted);
  await waitUntil(async () => {
    const saved = existsSync(join(dir, 'window.json')) && JSON.parse(readFileSync(join(dir, 'window.json'), 'utf8'));
    return saved && saved.width === wanted.width && saved.height === wanted.height;
  }, 10_000, 'window.json to hold the new size');
  await run.stop();
  const saved = JSON.parse(readFileSync(join(dir, 'window.json'), 'utf8'));
  driver = await run.start(dir);
  const rect = await driver.manage().window().getRect();
  assert.equal(rect.width, wanted.width);
  assert.equal(rect.height, wanted.height);
  assert.deepEqual([rect.x, rect.y], [saved.x, saved.y], 'and where it was');
  const inner = await driver.executeScript('return [window.innerWidth, window.innerHeight]');
  assert.deepEqual(inner, [wanted.width, wanted.height], 'the page has that room');
});

/** GTK's theme variant on the app's top-level X window, which the window manager's title bar follows. */
function themeVariant() {
  const line = execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' })
    .split('\n').find((l) => /"Citewise": \("citewise" "Citewise"\)/.test(l));
  assert.ok(line, 'the app\'s window is on the display');
  const id = line.trim().split(/\s+/)[0];
  const prop = execFileSync('xprop', ['-id', id, '_GTK_THEME_VARIANT'], { encoding: 'utf8' });
  return /= "(.*)"/.exec(prop)?.[1] ?? '';
}

/** Settings → Appearance → `value`, saved; waits for the sheet to close. */
async function chooseTheme(driver, value) {
  await openSettings(driver);
  const radio = await driver.findElement(By.css(`input[name="theme"][value="${value}"]`));
  await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', radio);
  await radio.click();
  await saveSettings(driver);
}

test('the native title bar follows Settings → Appearance, from the first frame of the next start too', async () => {
  const dir = run.dataDir();
  let driver = await run.start(dir);
  assert.equal(themeVariant(), '', 'System on a desktop without a dark preference');
  await chooseTheme(driver, 'dark');
  await waitUntil(async () => themeVariant() === 'dark', 5_000, 'the title bar to turn dark');
  assert.equal(await driver.executeScript('return matchMedia("(prefers-color-scheme: dark)").matches'), true,
    'the page sees the same scheme');
  driver = await run.start(dir);
  assert.equal(themeVariant(), 'dark', 'dark again after the restart');
  await chooseTheme(driver, 'light');
  await waitUntil(async () => themeVariant() === '', 5_000, 'the title bar to turn light');
});
