// Starting the real app for the end-to-end tests: its environment, tauri-driver, the one launcher
// (launchApp) and session(), a test file's mock, app and folders with their clean-up.
import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';
import { APP, KEY, startMock } from './mock.mjs';
import { endGroup, freePort, removeDir } from './processes.mjs';
import { waitUntil } from './wait.mjs';
import { fakeXdgOpen } from './xdg-open.mjs';

/**
 * The environment the app starts with: the local server's address and key, `dataDir` as its data
 * folder, then `extraEnv` (an `undefined` value leaves a variable out: spawn skips it).
 */
export function appEnv(mockUrl, dataDir, extraEnv = {}) {
  return {
    ...process.env,
    PERPLEXITY_BASE_URL: mockUrl,
    PERPLEXITY_API_KEY: KEY,
    CITEWISE_DATA_DIR: dataDir,
    // The mock serves the answers' images from 127.0.0.1, which the app refuses to fetch from;
    // a debug build (only) lets this variable add loopback. The installed release .deb ignores it.
    CITEWISE_TEST_ALLOW_LOOPBACK_IMAGES: '1',
    ...extraEnv,
  };
}

/**
 * Starts tauri-driver with `env` (the app it starts inherits it) in a process group of its own:
 * WebKitWebDriver and the app live in it, so `endGroup(child)` ends them all, even when a session
 * did not quit cleanly. Resolves once the driver answers on `port`. Its stdout is shown with
 * `verbose` (E2E_VERBOSE by default); its stderr always.
 * @returns {Promise<{child: import('node:child_process').ChildProcess, port: number}>}
 */
export async function startDriver(env, { verbose = Boolean(process.env.E2E_VERBOSE) } = {}) {
  // A free port can be taken again before the driver binds it (WebKitWebDriver then says
  // "Unable to listen for HTTP server" and never answers): start over on fresh ports.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const nativePort = await freePort();
    const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)],
      { env, detached: true, stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'inherit'] });
    try {
      // tauri-driver says nothing when it is ready; wait until its port answers.
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/status`).catch(() => null))?.ok, 20_000, 'tauri-driver');
      return { child, port };
    } catch (err) {
      await endGroup(child);
      if (attempt === 3) throw err;
    }
  }
}

/**
 * The one way the tests start the app: tauri-driver with the app's environment (the app inherits
 * it), and a WebDriver session on the real window. `dataDir` is the data folder to use, which
 * `close()` leaves in place (a restart on the same data, files prepared before the start); without
 * one the app gets a fresh folder that `close()` removes. `env` adds to or overrides `appEnv`.
 * Returns the driver, its data folder, its process group, `kill()` (the app alone, SIGKILL) and
 * `close()`, which quits the session, waits until every process of the group is gone and only then
 * removes the folder it made.
 * @param {string} mockUrl
 * @param {{dataDir?: string, env?: Record<string, string | undefined>}} [options]
 */
export async function launchApp(mockUrl, { dataDir, env: extraEnv = {} } = {}) {
  const ownDir = dataDir ? null : makeDataDir();
  const dir = dataDir ?? ownDir;
  const env = appEnv(mockUrl, dir, extraEnv);
  let child;
  let port;
  try {
    ({ child, port } = await startDriver(env));
  } catch (err) {
    if (ownDir) removeDir(ownDir);
    throw err;
  }
  const close = async (driver) => {
    await driver?.quit().catch(() => {});
    await endGroup(child);
    if (ownDir) removeDir(ownDir);
  };
  let driver;
  try {
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: 'wry', 'tauri:options': { application: APP } })
      .build();
    await driver.wait(until.elementLocated(By.css('[data-testid="composer"]')), 30_000);
    // The markup is there before the modules have run; wait until main.js has wired the window.
    await waitUntil(async () => driver.executeScript('return document.documentElement.dataset.ready === "true"'),
      30_000, 'the window to be wired');
  } catch (err) {
    await close(driver); // a window that never came up leaves no process or folder behind
    throw err;
  }
  return {
    driver,
    dataDir: dir,
    /** The process group of the drivers, the app and its WebKit processes. */
    group: child.pid,
    /** SIGKILL the app itself (not the drivers), as a crash or a power user's kill -9 would. */
    async kill() {
      const { execFileSync } = await import('node:child_process');
      execFileSync('pkill', ['-KILL', '-g', String(child.pid), '-x', 'citewise']);
      await waitUntil(async () => {
        try {
          execFileSync('pgrep', ['-g', String(child.pid), '-x', 'citewise']);
          return false;
        } catch {
          return true; // no such process left
        }
      }, 10_000, 'the app to die');
    },
    close: () => close(driver),
  };
}

/** A fresh data folder (for `launchApp`'s `dataDir`); the caller removes it when done. */
export function makeDataDir() {
  return mkdtempSync(join(tmpdir(), 'citewise-e2e-'));
}

/**
 * One mock for a test file and the app (re)started on data folders it hands out; after the file,
 * the app and the mock end and every folder it made is removed. Call at the top level of a test
 * file. Node 20 runs a file's top-level `before` hooks all at once, not one after the other: a
 * hook of the file that needs the mock awaits `ready()` (`start` does so itself).
 */
export function session() {
  /** @type {{mock: any, app: any, dirs: string[]}} */
  const state = { mock: null, app: null, dirs: [] };
  /** @type {Promise<any> | null} */
  let starting = null;
  /** Resolves with the mock once it listens (started on the first call). */
  const ready = () => (starting ??= startMock().then((mock) => (state.mock = mock)));
  before(() => ready());
  after(async () => {
    await starting?.catch(() => {});
    await state.app?.close();
    state.mock?.stop();
    for (const dir of state.dirs) removeDir(dir);
  });
  /** A fresh empty folder, removed after the file. */
  const tempDir = (prefix = 'citewise-e2e-') => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    state.dirs.push(dir);
    return dir;
  };
  /** Ends the app now (its folders stay until the end of the file). */
  const stop = async () => {
    const { app } = state;
    state.app = null;
    await app?.close();
  };
  return {
    get mock() {
      return state.mock;
    },
    get app() {
      return state.app;
    },
    ready,
    tempDir,
    stop,
    /** A fresh data folder whose settings.json holds `settings` (none: the defaults). */
    dataDir(settings) {
      const dir = tempDir();
      if (settings) writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
      return dir;
    },
    /** A `fakeXdgOpen()` whose folder is removed after the file. */
    fakeXdgOpen() {
      const fake = fakeXdgOpen();
      state.dirs.push(fake.binDir);
      return fake;
    },
    /** (Re)starts the app on `dir` (the previous one ends first); resolves with its driver. */
    async start(dir, env = {}) {
      const mock = await ready();
      await stop();
      state.app = await launchApp(mock.baseUrl, { dataDir: dir, env });
      return state.app.driver;
    },
  };
}
