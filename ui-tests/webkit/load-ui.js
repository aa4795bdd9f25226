// Put the real ui/index.html body into this page and start the real ui/app/main.js, so the harness
// and the self-test always run the markup, styles and modules the app ships.

/** @param {{theme?: string | null}} [options] */
export async function loadUi(options = {}) {
  const { theme } = options;
  if (theme === 'light' || theme === 'dark') {
    document.documentElement.dataset.theme = theme;
    // The app applies the saved theme at start-up: save this one.
    if (window.__mockTauri) window.__mockTauri.settings.theme = theme;
  }
  const page = new URL('../../ui/index.html', import.meta.url);
  const html = await (await fetch(page)).text();
  const doc = new DOMParser().parseFromString(html, 'text/html');
  // Images (the About dialog's mark) are relative to ui/, not to this page: root-relative here,
  // so they stay the app's own files and never look like a remote image.
  for (const img of doc.body.querySelectorAll('img[src]')) img.setAttribute('src', new URL(img.getAttribute('src'), page).pathname);
  const nodes = [...doc.body.childNodes].map((node) => document.importNode(node, true));
  document.body.replaceChildren(...nodes);
  await import('../../ui/app/main.js');
}
