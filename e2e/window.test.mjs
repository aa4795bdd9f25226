// End-to-end: how the real window is painted. On a machine without a GPU (no DRM render node, as
// on this test machine under Xvfb) Citewise asks WebKit for Skia's CPU painter, which its web
// process inherits; a value the person set themselves is left alone (src-tauri/rendering.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startMock, launchApp, waitUntil } from './support.mjs';

const SWITCH = 'WEBKIT_SKIA_ENABLE_CPU_RENDERING';
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

test('without a GPU the window is painted on the CPU', { skip: hasGpu && 'this machine has a GPU render node' }, async () => {
  // Unset for the app even if this shell has it (spawn leaves out undefined values).
  const app = await launchApp(mock.baseUrl, { [SWITCH]: undefined });
  try {
    assert.equal((await webProcessEnv(app)).get(SWITCH), '1');
  } finally {
    await app.close();
  }
});

test("the person's own setting wins", async () => {
  const app = await launchApp(mock.baseUrl, { [SWITCH]: '0' });
  try {
    assert.equal((await webProcessEnv(app)).get(SWITCH), '0');
  } finally {
    await app.close();
  }
});
