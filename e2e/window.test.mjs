// End-to-end: how the real window is painted. On a machine without a GPU (no DRM render node, as
// on this test machine under Xvfb) Citewise asks WebKit for Skia's CPU painter and no accelerated
// compositing, which its web process inherits; a value the person set themselves is left alone,
// switch by switch (src-tauri/rendering.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startMock, launchApp, waitUntil } from './support.mjs';

const PAINTER = 'WEBKIT_SKIA_ENABLE_CPU_RENDERING';
const COMPOSITING = 'WEBKIT_DISABLE_COMPOSITING_MODE';
const hasGpu = existsSync('/dev/dri') && readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock?.stop());

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
  const app = await launchApp(mock.baseUrl, { [PAINTER]: undefined, [COMPOSITING]: undefined });
  try {
    const env = await webProcessEnv(app);
    assert.equal(env.get(PAINTER), '1');
    assert.equal(env.get(COMPOSITING), '1');
  } finally {
    await app.close();
  }
});

test("the person's own setting wins, switch by switch", { skip: hasGpu && 'this machine has a GPU render node' }, async () => {
  const app = await launchApp(mock.baseUrl, { [PAINTER]: '0', [COMPOSITING]: undefined });
  try {
    const env = await webProcessEnv(app);
    assert.equal(env.get(PAINTER), '0');
    assert.equal(env.get(COMPOSITING), '1', 'the other switch is still decided by Citewise');
  } finally {
    await app.close();
  }
});

test('CITEWISE_WEBKIT_DEFAULTS keeps WebKit as it is', async () => {
  const app = await launchApp(mock.baseUrl, { CITEWISE_WEBKIT_DEFAULTS: '1', [PAINTER]: undefined, [COMPOSITING]: undefined });
  try {
    const env = await webProcessEnv(app);
    assert.equal(env.get(PAINTER), undefined);
    assert.equal(env.get(COMPOSITING), undefined);
  } finally {
    await app.close();
  }
});
