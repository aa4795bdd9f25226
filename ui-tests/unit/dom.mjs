// A DOM for the UI modules under node's test runner: jsdom's window as the global scope the
// browser would give them, and a fake `window.__TAURI__` that records what the UI invokes.
// Import this before any ui/ module (they read `window` and `document` when they load).

import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

/** The backend's provider registry as providers_get returns it (generated; tests/contract.rs). */
export const REGISTRY = JSON.parse(readFileSync(new URL('../../src-tauri/contract/providers.json', import.meta.url), 'utf8'));

const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
  url: 'http://localhost/',
  pretendToBeVisual: true,
});
const { window } = dom;

/** Commands the UI invoked, e.g. open_url. */
export const invoked = [];
window.__TAURI__ = {
  core: {
    invoke: async (command, args) => {
      invoked.push({ command, args });
      return command === 'providers_get' ? structuredClone(REGISTRY) : null;
    },
    Channel: class {},
  },
};

const GLOBALS = [
  'window', 'document', 'Node', 'NodeFilter', 'Element', 'HTMLElement', 'DocumentFragment',
  'DOMParser', 'MutationObserver', 'Event', 'MouseEvent', 'KeyboardEvent', 'requestAnimationFrame',
  'cancelAnimationFrame', 'getComputedStyle', 'CSS',
];
for (const name of GLOBALS) {
  if (name in window) Object.defineProperty(globalThis, name, { value: window[name], configurable: true, writable: true });
}
Object.defineProperty(globalThis, 'navigator', { value: window.navigator, configurable: true, writable: true });

// What main.js does before anything else: the modules that depend on a provider read the registry.
await (await import('../../ui/ipc/providers.js')).loadProviders();
invoked.length = 0;
