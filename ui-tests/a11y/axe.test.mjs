// Accessibility audit: axe-core in headless Chromium (Debian's chromium and chromium-driver) over
// the UI harness (the real ui/ over a fake IPC backend), every main screen in both themes, with no
// serious or critical violation allowed. Also checks that a streaming answer is announced once,
// politely, when it is ready, and never token by token.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Builder } from 'selenium-webdriver';
import chrome from 'selenium-webdriver/chrome.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMEDRIVER = '/usr/bin/chromedriver';
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);
const WIDE = { width: 1200, height: 800 };
// Long answers in a tall window: axe cannot judge the contrast of text scrolled out of view.
const TALL = { width: 1200, height: 3000 };
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf',
};

/** The repo root over HTTP on a free 127.0.0.1 port (modules need http://, not file://). */
async function serve() {
  const server = createServer(async (req, res) => {
    try {
      const path = resolve(ROOT, `.${decodeURIComponent(new URL(req.url, 'http://x').pathname)}`);
      if (path !== ROOT && !path.startsWith(ROOT + sep)) throw new Error('outside the repo');
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { server, base: `http://127.0.0.1:${server.address().port}/ui-tests/webkit/index.html` };
}

let http;
/** @type {import('selenium-webdriver').WebDriver} */
let driver;

before(async () => {
  for (const file of [CHROMIUM, CHROMEDRIVER]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: install Debian's chromium and chromium-driver (scripts/setup.sh test)`);
  }
  http = await serve();
  const options = new chrome.Options()
    .setChromeBinaryPath(CHROMIUM)
    .addArguments('--headless=new', '--no-sandbox', '--disable-gpu', `--window-size=${WIDE.width},${WIDE.height}`);
  driver = await new Builder()
    .forBrowser('chrome')
    .setChromeOptions(options)
    .setChromeService(new chrome.ServiceBuilder(CHROMEDRIVER))
    .build();
  await driver.manage().setTimeouts({ script: 60_000 });
});

after(async () => {
  await driver?.quit();
  http?.server.close();
});

/** Wait until `predicate` (a page-side expression) is true. */
async function waitFor(predicate, what, timeout = 20_000) {
  await driver.wait(() => driver.executeScript(`return Boolean(${predicate});`), timeout, `timed out waiting for ${what}`);
}

/** Open the harness with `query` in `theme` and wait for the UI to have started. */
async function open(query, theme, size = WIDE) {
  const rect = await driver.manage().window().getRect();
  if (rect.width !== size.width || rect.height !== size.height) await driver.manage().window().setRect(size);
  await driver.get(`${http.base}?theme=${theme}${query ? `&${query}` : ''}`);
  await waitFor('document.querySelector("#app") && document.documentElement.dataset.theme', 'the UI to start');
}

const done = (state = 'done') =>
  `[...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1)?.dataset.state === '${state}'`;
const sheetOpen = `document.querySelector('#settings[open]') && !document.querySelector('[data-testid="settings-save"]').disabled`;

/** Scroll Settings so `selector`'s section is at the top of the sheet, as a person reading it would. */
const scrollTo = (selector) => driver.executeScript(`
  const body = document.querySelector('#settings .sheet-body');
  body.scrollTop += document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().top - body.getBoundingClientRect().top;`);

/**
 * The main screens: harness parameters, what the screen shows once it is ready, and anything to do
 * before the audit.
 * @type {{name: string, query: string, ready: string, size?: {width: number, height: number}, then?: () => Promise<unknown>}[]}
 */
const SCREENS = [
  { name: 'first-run welcome (no key)', query: 'key=none', ready: 'document.querySelector(\'[data-testid="welcome-key-input"]\')?.getClientRects().length' },
  { name: 'empty chat', query: '', ready: '!document.querySelector("#welcome-ready").hidden && document.querySelector("#model-picker").options.length' },
  {
    name: 'a finished cited answer', query: `ask=${encodeURIComponent('How high is Everest?')}`,
    ready: `${done()} && document.querySelector('[data-testid="citation"]') && !document.querySelector('[data-testid="send"]').hidden`,
  },
  {
    name: 'an answer with extras and markdown', size: TALL, query: `ask=${encodeURIComponent('Show it all #extras #markdown')}`,
    ready: `${done()} && !document.querySelector('.gallery-cell.is-loading')`,
  },
  {
    name: 'reasoning expanded, a citation card shown', query: `ask=${encodeURIComponent('Think first #reasoning')}&expand=1&hover=1`,
    ready: `${done()} && document.activeElement?.matches('[data-testid="citation"]') && document.querySelector('details[open]')`,
  },
  { name: 'an error answer', query: `ask=${encodeURIComponent('Who am I? #auth')}`, ready: `${done('error')} && document.querySelector('.error-banner')` },
  {
    name: 'sidebar with saved history, a conversation open', query: 'history=200&open=3', size: TALL,
    ready: `document.querySelectorAll('[data-testid="conversation-item"]').length > 20 && document.querySelector('[data-testid="message-assistant"]')
      && !document.querySelector('[data-testid="message-list"]').hasAttribute('aria-busy')`,
  },
  {
    name: 'a question with versions in its editor, the ⋯ menu open', query: 'history=200&open=1&edit=1&menu=1',
    ready: `document.querySelector('#conversation-actions:not([hidden])') && document.querySelector('[data-testid="edit-input"]')`,
  },
  {
    name: 'search palette', query: 'history=200&search=everest',
    ready: `document.querySelector('#search[open]') && !document.querySelector('#search').hasAttribute('aria-busy')
      && document.querySelector('[data-testid="search-result"]')`,
  },
  {
    name: 'background research running (progress, Cancel, the runs atop the sidebar, Run in background)',
    query: `research=left&deep=1&ask=${encodeURIComponent('Lithium prices #hold')}`,
    ready: `document.querySelector('[data-testid="research-progress"] [data-testid="research-counts"]')?.textContent === '2 searches · 5 sources'
      && document.querySelectorAll('[data-testid="research-item"]').length === 2 && document.querySelector('[data-testid="run-in-background"]').disabled`,
  },
  { name: 'Settings: API key and provider', query: 'settings=1', ready: `${sheetOpen} && document.querySelector('[data-testid="key-input"]')` },
  {
    name: 'Settings: Cost with a row editor open', query: 'settings=1&cost=1&prices=own&costedit=sonar',
    ready: `${sheetOpen} && document.querySelector('[data-testid="price-editor"]')`,
  },
  {
    name: 'Settings: Data', query: 'history=200&data=1',
    ready: `${sheetOpen} && document.querySelector('#settings-data').getBoundingClientRect().top < 300`,
  },
  {
    name: 'Settings: Appearance', query: 'settings=1', ready: sheetOpen,
    then: () => scrollTo('[aria-labelledby="settings-appearance-heading"]'),
  },
  {
    name: 'About dialog, with a folder that could not be opened', query: 'about=error',
    ready: `document.querySelector('#about[open]') && document.querySelector('[data-testid="about-version"]').textContent !== '—'
      && !document.querySelector('[data-testid="folder-error"]').hidden && document.querySelector('.about-mark').complete`,
  },
  {
    name: 'spending view', query: 'spend=1&budget=1',
    ready: `document.querySelector('#spend[open]') && !document.querySelector('#spend .spend-body').hasAttribute('aria-busy')
      && document.querySelector('[data-testid="spend-day"]')`,
  },
  {
    name: 'keyboard shortcuts sheet', query: '', ready: '!document.querySelector("#welcome-ready").hidden',
    then: async () => {
      await driver.executeScript('document.activeElement?.blur();');
      await driver.actions().sendKeys('?').perform();
      await waitFor('document.querySelector("#shortcuts[open]") && document.querySelector(".shortcut-list").childElementCount', 'the shortcuts sheet');
    },
  },
  {
    name: 'narrow window with the conversations drawer open', query: 'history=200&sidebar=1', size: { width: 700, height: 800 },
    ready: `document.querySelector('#sidebar-toggle').getAttribute('aria-expanded') === 'true'
      && document.querySelectorAll('[data-testid="conversation-item"]').length > 20`,
  },
];

/** axe over the whole page; the violations, each with the nodes it found. */
async function audit() {
  await driver.executeScript(AXE);
  return driver.executeScript(`
    return axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    })));`);
}

/** One line per node, so a failure says what to fix where. */
const describeViolations = (list) => list.flatMap((v) => v.nodes.map((n) =>
  `  [${v.impact}] ${v.id} (${v.help}) at ${n.target}\n      ${n.summary.replace(/\n/g, '\n      ')}`)).join('\n');

for (const theme of ['light', 'dark']) {
  describe(`axe, ${theme} theme`, () => {
    for (const screen of SCREENS) {
      test(screen.name, async (t) => {
        await open(screen.query, theme, screen.size);
        await waitFor(screen.ready, screen.name);
        await screen.then?.();
        const violations = await audit();
        const minor = violations.filter((v) => !BLOCKING.has(v.impact));
        for (const line of describeViolations(minor).split('\n')) if (line) t.diagnostic(`not failing: ${line.trim()}`);
        const blocking = violations.filter((v) => BLOCKING.has(v.impact));
        assert.equal(blocking.length, 0, `serious/critical axe violations on "${screen.name}" (${theme}):\n${describeViolations(blocking)}`);
      });
    }
  });
}

/**
 * The live region that would read out changes to `arguments[0]` (aria-live polite/assertive, or a
 * live role), as a snippet of its markup; null when there is none, or when aria-live="off" or
 * aria-busy="true" comes first on the way up.
 */
const LIVE_ANCESTOR = `(() => {
  for (let n = arguments[0]; n; n = n.parentElement) {
    const live = n.getAttribute('aria-live');
    if (live === 'off' || n.getAttribute('aria-busy') === 'true') return null;
    if (live || ['status', 'log', 'alert', 'marquee', 'timer'].includes(n.getAttribute('role'))) return n.outerHTML.slice(0, 160);
  }
  return null;
})()`;

test('a streaming answer is announced once, politely, when ready — not per token', async () => {
  await open('', 'light');
  await waitFor('!document.querySelector("#welcome-ready").hidden', 'the empty chat');
  await driver.executeScript(`
    const announcer = document.querySelector('#announcer');
    window.__announced = [];
    new MutationObserver(() => window.__announced.push(announcer.textContent))
      .observe(announcer, { childList: true, characterData: true, subtree: true });
    const input = document.querySelector('[data-testid="composer"]');
    input.value = 'Tell me slowly #slow';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => document.querySelector('[data-testid="send"]').click(), 10);`);
  await waitFor(`document.querySelector('[data-testid="message-assistant"][data-state="streaming"] [data-testid="assistant-content"]')?.textContent.length > 0`,
    'tokens to arrive');

  const content = await driver.findElement({ css: '[data-testid="message-assistant"] [data-testid="assistant-content"]' });
  assert.equal(await driver.executeScript(`return ${LIVE_ANCESTOR};`, content), null,
    'the streaming text is inside a live region that would read out every token');
  const announcer = await driver.findElement({ css: '#announcer' });
  assert.ok(await driver.executeScript(`return ${LIVE_ANCESTOR};`, announcer), 'the check finds a live region where there is one');

  const samples = [];
  const lengths = new Set();
  for (;;) {
    const [state, announced, length] = await driver.executeScript(`
      const turn = document.querySelector('[data-testid="message-assistant"]');
      return [turn.dataset.state, document.querySelector('#announcer').textContent, turn.textContent.length];`);
    if (state !== 'streaming') break;
    samples.push(announced);
    lengths.add(length);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(lengths.size >= 3, `the answer grew over several samples (${lengths.size})`);
  assert.deepEqual([...new Set(samples)], [''], 'the announcer stays quiet while the answer streams');

  await waitFor(done(), 'the answer to finish');
  assert.equal(await announcer.getAttribute('aria-live'), 'polite');
  assert.match(await announcer.getAttribute('textContent'), /^Answer ready\. \S/);
  const announced = (await driver.executeScript('return window.__announced;')).filter((text) => text !== '');
  assert.equal(announced.length, 1, `one announcement for the whole answer, got ${JSON.stringify(announced)}`);
});
