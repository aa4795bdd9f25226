// Shared plumbing for the end-to-end tests: starts the local Perplexity-compatible server and
// tauri-driver, opens a WebDriver session on the real Citewise window, and small wait helpers.
import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { Builder, By, until } from 'selenium-webdriver';

export const ROOT = resolve(import.meta.dirname, '..');
export const APP = process.env.CITEWISE_APP || join(ROOT, 'target/debug/citewise');
export const MOCK = process.env.CITEWISE_MOCK || join(ROOT, 'target/debug/citewise-mock');
export const KEY = 'pplx-e2e-test-key-9876';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Spawns `cmd` and resolves once a line of its stdout/stderr matches `ready`. */
function start(cmd, args, env, ready, timeoutMs = 30_000) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${cmd} did not start in time:\n${seen}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk;
      if (process.env.E2E_VERBOSE) process.stderr.write(chunk);
      const m = seen.match(ready);
      if (m) {
        clearTimeout(timer);
        ok({ child, match: m });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${cmd} exited with ${code} before it was ready:\n${seen}`));
    });
  });
}

/** Starts the mock server on a free port; returns its base URL and a stop function. */
export async function startMock() {
  const { child, match } = await start(MOCK, ['--port', '0', '--key', KEY, '--seed', '42'], process.env,
    /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const baseUrl = match[1];
  return {
    baseUrl,
    async scenario(name) {
      const r = await fetch(`${baseUrl}/__mock/scenario`, { method: 'POST', body: JSON.stringify({ name }) });
      if (!r.ok) throw new Error(`scenario ${name}: ${r.status} ${await r.text()}`);
    },
    async fixture(name) {
      const r = await fetch(`${baseUrl}/__mock/fixture/${name}`);
      if (!r.ok) throw new Error(`fixture ${name}: ${r.status}`);
      return r.json();
    },
    async requests() {
      return (await fetch(`${baseUrl}/__mock/requests`)).json();
    },
    /** Recorded mode on or off: answers from tests/fixtures/real instead of simulated ones. */
    async recorded(on) {
      const r = await fetch(`${baseUrl}/__mock/recorded`, { method: 'POST', body: JSON.stringify({ on }) });
      if (!r.ok) throw new Error(`recorded ${on}: ${r.status} ${await r.text()}`);
    },
    stop: () => child.kill('SIGTERM'),
  };
}

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

/**
 * The live processes of process group `pgid` (zombies count as gone: they hold no files). Read
 * from /proc, so it sees the app's WebKit processes too, which outlive their parent for a moment.
 * @param {number} pgid
 * @returns {number[]}
 */
export function groupMembers(pgid) {
  const members = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(name));
  }
  return members;
}

/**
 * Ends a detached child's whole process group — the driver, the app and every WebKit process —
 * and returns only once none of them is left, so nothing still writes into a data folder that
 * is about to be removed: SIGTERM, then SIGKILL for stragglers after 2 s.
 */
export async function endGroup(child) {
  const pgid = child.pid;
  const signal = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // the group is gone
    }
  };
  const goneWithin = async (ms) => {
    for (const end = Date.now() + ms; Date.now() < end;) {
      if (groupMembers(pgid).length === 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return groupMembers(pgid).length === 0;
  };
  if (groupMembers(pgid).length === 0) return;
  signal('SIGTERM');
  if (await goneWithin(2_000)) return;
  signal('SIGKILL');
  if (!(await goneWithin(10_000))) throw new Error(`process group ${pgid} is still alive: ${groupMembers(pgid).join(', ')}`);
}

/**
 * Removes a test's folder. The app's processes are gone by now (endGroup waits for them), but a
 * file system can still be settling a removal: ENOTEMPTY and EBUSY are retried.
 * @param {string} dir
 */
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

export async function waitUntil(fn, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let v;
    try {
      v = await fn();
    } catch (err) {
      // WebKitWebDriver can lose a node it was just handing back while the answer re-renders
      // ("Stale element found when trying to create the node handle"): look again.
      if (err?.name !== 'StaleElementReferenceError') throw err;
    }
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

/** A fresh data folder (for `launchApp`'s `dataDir`); the caller removes it when done. */
export function makeDataDir() {
  return mkdtempSync(join(tmpdir(), 'citewise-e2e-'));
}

/**
 * A fake `xdg-open` for the app's PATH: a script in a folder of its own that writes down every
 * URL it is given instead of opening it, so a test sees exactly what reaches the system browser.
 * `env` goes to `launchApp` (or `session().start`); `opened()` lists the URLs so far, in order;
 * `remove()` removes the folder.
 */
export function fakeXdgOpen() {
  const binDir = mkdtempSync(join(tmpdir(), 'citewise-e2e-bin-'));
  const log = join(binDir, 'opened.txt');
  const script = join(binDir, 'xdg-open');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(script, 0o755);
  return {
    binDir,
    env: { PATH: `${binDir}:${process.env.PATH}` },
    /** @returns {string[]} */
    opened: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    remove: () => removeDir(binDir),
  };
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
