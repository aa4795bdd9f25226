// Put the real ui/index.html body into this page and start the real ui/main.js, so the harness
// and the self-test always run the markup, styles and modules the app ships.

/** @param {{theme?: string | null}} [options] */
export async function loadUi(options = {}) {
  const { theme } = options;
  if (theme === 'light' || theme === 'dark') {
    document.documentElement.dataset.theme = theme;
    // The app applies the saved theme at start-up: save this one.
    if (window.__mockTauri) window.__mockTauri.settings.theme = theme;
  }
  const html = await (await fetch('../../ui/index.html')).text();
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const nodes = [...doc.body.childNodes].map((node) => document.importNode(node, true));
  document.body.replaceChildren(...nodes);
  await import('../../ui/main.js');
}
