// The local Perplexity-compatible server (citewise-mock) of the end-to-end tests, and where the
// binaries are: CITEWISE_APP and CITEWISE_MOCK are read when this is first imported.
import { join, resolve } from 'node:path';
import { startReady } from './processes.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
export const APP = process.env.CITEWISE_APP || join(ROOT, 'target/debug/citewise');
export const MOCK = process.env.CITEWISE_MOCK || join(ROOT, 'target/debug/citewise-mock');
export const KEY = 'pplx-e2e-test-key-9876';

/** Starts the mock server on a free port; returns its base URL and a stop function. */
export async function startMock() {
  const { child, match } = await startReady(MOCK, ['--port', '0', '--key', KEY, '--seed', '42'], process.env,
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
    /** The server's clock: `speed` virtual seconds a real second (a deep run takes ~3 virtual minutes). */
    async clock(speed) {
      const r = await fetch(`${baseUrl}/__mock/clock`, { method: 'POST', body: JSON.stringify({ speed }) });
      if (!r.ok) throw new Error(`clock ${speed}: ${r.status} ${await r.text()}`);
    },
    /** The background runs the server has (id, status, scenario, model, events, cancelRequests). */
    async runs() {
      return (await fetch(`${baseUrl}/__mock/runs`)).json();
    },
    stop: () => child.kill('SIGTERM'),
  };
}
