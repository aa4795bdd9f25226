// A DOM for the UI modules under node's test runner: jsdom's window as the global scope the
// browser would give them, and a fake `window.__TAURI__` that records what the UI invokes.
// Import this before any ui/ module (they read `window` and `document` when they load).

import { JSDOM } from 'jsdom';

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
      return null;
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
