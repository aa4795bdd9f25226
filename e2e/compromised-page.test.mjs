// End-to-end: the page plays compromised. A script in the real window (WebDriver's script
// execution, i.e. anything that could run in the page) calls the backend's commands directly:
// it points the API address at a listener of its own and asks for models, a key test and an
// answer. The listener must never see the key, nor any request at all; the backend asks the
// person in a native dialog (outside the page) instead, and the key stays with its address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { KEY, ask, groupMembers, session, waitForIdle, waitUntil } from './support.mjs';

const run = session();
const inThrowawayDesktop = Boolean(process.env.CITEWISE_DESKTOP_STAGE);
const skip = inThrowawayDesktop ? false : 'writes to the keyring: run inside scripts/with-desktop.sh';

/** Every request the attacker's listener receives. */
const seen = [];
let listener;
let listenerUrl;

before(async () => {
  listener = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization ?? null });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":[{"id":"stolen"}]}');
  });
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerUrl = `http://127.0.0.1:${listener.address().port}`;
});

after(async () => {
  await new Promise((resolve) => listener?.close(resolve));
  if (!skip) clearKey();
});

const clearKey = () => {
  try {
    execFileSync('secret-tool', ['clear', 'service', 'Citewise', 'username', 'perplexity'], { stdio: 'ignore', timeout: 15_000 });
  } catch {
    // nothing stored
  }
};

/** Calls a backend command as any script in the page could: `{ok, value}` or `{ok: false, error}`. */
function invoke(driver, command, args = {}) {
  return driver.executeAsyncScript(`
    const [command, args, done] = arguments;
    window.__TAURI__.core.invoke(command, args)
      .then((value) => done({ ok: true, value }), (error) => done({ ok: false, error }));`, command, args);
}

/** The window titles of the X display, to see the native dialog the page cannot reach. */
function windowNames() {
  try {
    return execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8', timeout: 10_000 });
  } catch {
    return '';
  }
}

test('a script in the page cannot send the key to an address of its own', { skip }, async () => {
  clearKey();
  // The address is the one in Settings (no PERPLEXITY_BASE_URL), no key in the environment.
  const dir = run.dataDir({ addresses: { perplexity: run.mock.baseUrl } });
  const driver = await run.start(dir, { PERPLEXITY_BASE_URL: '', PERPLEXITY_API_KEY: '' });
  await waitUntil(async () => (await invoke(driver, 'app_status')).ok, 15_000, 'the backend');

  // The person saves their key: it is bound to the address of that moment (the mock).
  const saved = await invoke(driver, 'key_save', { account: 'perplexity', key: KEY, sessionOnly: false });
  assert.equal(saved.ok, true, JSON.stringify(saved));
  assert.equal(saved.value.origin, new URL(run.mock.baseUrl).origin);
  const works = await invoke(driver, 'key_test', { account: 'perplexity' });
  assert.equal(works.ok, true, `the key works at its own address: ${JSON.stringify(works)}`);
  const atMock = (await run.mock.requests()).filter((r) => r.path === '/v1/models');
  assert.ok(atMock.length >= 1, 'the key test reached the real address');

  // The attack: re-point the address, then ask for everything that would carry the key.
  const settings = (await invoke(driver, 'settings_get')).value;
  const moved = await invoke(driver, 'settings_update', { settings: { ...settings, addresses: { ...settings.addresses, perplexity: listenerUrl } } });
  assert.equal(moved.ok, true, `saving an address is allowed: ${JSON.stringify(moved)}`);

  const models = await invoke(driver, 'models_list');
  assert.equal(models.ok, true);
  assert.equal(models.value.source, 'builtin', 'no live list from the listener');
  assert.equal(models.value.error?.kind, 'key_elsewhere');

  const tested = await invoke(driver, 'key_test', { account: 'perplexity' });
  assert.deepEqual([tested.ok, tested.error?.kind], [false, 'key_elsewhere']);
  assert.equal(
    tested.error.message,
    `Your API key was saved for ${new URL(run.mock.baseUrl).origin}, and the API address is now ${listenerUrl}. Citewise did not send the key there.`,
  );

  const sent = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const channel = new window.__TAURI__.core.Channel();
    const args = { requestId: crypto.randomUUID(), model: 'fast', conversationId: null, parentId: null, question: 'Send me the key' };
    window.__TAURI__.core.invoke('chat_send', { args, onEvent: channel })
      .then((value) => done({ ok: true, value }), (error) => done({ ok: false, error }));`);
  assert.deepEqual([sent.ok, sent.error?.kind], [false, 'key_elsewhere'], JSON.stringify(sent));

  // Plain http:// to another computer is refused outright.
  const remote = await invoke(driver, 'settings_update', { settings: { ...settings, addresses: { ...settings.addresses, perplexity: 'http://203.0.113.7/v1' } } });
  assert.deepEqual([remote.ok, /unencrypted/.test(remote.error?.message ?? '')], [false, true], JSON.stringify(remote));

  // The person is asked outside the page: a native dialog names both addresses.
  const title = `Send your Perplexity API key to ${listenerUrl}?`;
  await waitUntil(async () => windowNames().includes(title), 10_000, 'the native dialog');
  if (process.env.CITEWISE_E2E_SHOTS) execFileSync('import', ['-window', 'root', `${process.env.CITEWISE_E2E_SHOTS}/key-dialog.png`]);

  // Nothing reached the listener: not the key, not a request.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(seen, [], 'the listener saw no request');

  // Entering the key again (the other way to move it) binds it to the new address.
  const again = await invoke(driver, 'key_save', { account: 'perplexity', key: KEY, sessionOnly: false });
  assert.equal(again.value.origin, listenerUrl);
  const now = await invoke(driver, 'key_test', { account: 'perplexity' });
  assert.equal(now.ok, true, JSON.stringify(now));
  assert.deepEqual(seen.map((r) => [r.url, r.authorization]), [['/v1/models', `Bearer ${KEY}`]], 'only after the person gave it');
  // The keyring is the session's: the next tests use the key from the environment.
  clearKey();
});

test('a script in the page cannot make the backend fetch an image from this computer or the local network', async () => {
  // The test-only switch that lets e2e runs load the mock's loopback images is off, as in a build for people.
  const dir = run.dataDir({ provider: 'sonar', defaultModels: { sonar: 'sonar' }, requestDefaults: { images: true } });
  if (!skip) clearKey(); // only the environment's key, bound to the mock
  const driver = await run.start(dir, { CITEWISE_TEST_ALLOW_LOOPBACK_IMAGES: '' });
  const before = seen.length;
  await ask(driver, 'How high is Mount Everest?');
  await waitForIdle(driver);

  // By URL: the command takes none.
  const byUrl = await invoke(driver, 'image_fetch', { url: `${listenerUrl}/secret.png` });
  assert.equal(byUrl.ok, false, JSON.stringify(byUrl));
  // By the answer's own images, served from this computer: refused, all with the one generic kind.
  const list = await invoke(driver, 'conversations_list', { cursor: null, limit: 10 });
  const conversation = await invoke(driver, 'conversation_open', { id: list.value.items[0].id, focusMessageId: null });
  const answer = conversation.value.messages.find((m) => m.role === 'assistant');
  const local = answer.images.map((image, index) => ({ index, url: image.url }))
    .filter(({ url }) => /^http:\/\/127\.0\.0\.1:\d+\//.test(url));
  assert.ok(local.length >= 3, `the answer names loopback images: ${JSON.stringify(answer.images)}`);
  for (const { index } of local) {
    const fetched = await invoke(driver, 'image_fetch', { messageId: answer.id, index });
    assert.deepEqual([fetched.ok, fetched.error?.kind, fetched.error?.message], [false, 'image_unavailable', 'The image could not be loaded.']);
  }
  const asked = await invoke(driver, 'image_fetch', { messageId: answer.id, index: 99 });
  assert.equal(asked.error?.kind, 'not_found');

  const imagePaths = new Set(local.map(({ url }) => new URL(url).pathname));
  assert.deepEqual((await run.mock.requests()).filter((r) => imagePaths.has(r.path)), [], 'no image request reached this computer');
  assert.equal(seen.length, before, 'the listener saw nothing');
});

test('child processes (WebKit\'s, anything the app starts) do not inherit the key from the environment', async () => {
  await run.start(run.dataDir()); // PERPLEXITY_API_KEY is in the environment the app starts with
  const members = groupMembers(run.app.group);
  const named = (pid) => {
    try {
      return { pid, comm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), environ: readFileSync(`/proc/${pid}/environ`, 'latin1') };
    } catch {
      return null; // ended meanwhile
    }
  };
  const processes = members.map(named).filter(Boolean);
  const app = processes.find((p) => p.comm === 'citewise');
  assert.ok(app?.environ.includes(`PERPLEXITY_API_KEY=${KEY}`), 'the app itself was started with the key in its environment');
  const webkit = processes.filter((p) => p.comm.startsWith('WebKit') && !p.comm.startsWith('WebKitWebDriv'));
  assert.ok(webkit.length >= 2, `the app's WebKit processes: ${processes.map((p) => p.comm).join(', ')}`);
  for (const child of webkit) {
    assert.ok(!child.environ.includes(KEY), `${child.comm} (${child.pid}) inherited no key`);
    assert.ok(!child.environ.includes('PERPLEXITY_API_KEY='), `${child.comm} has no PERPLEXITY_API_KEY at all`);
  }
});
