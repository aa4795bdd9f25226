// The window's colours: the system's light or dark (CSS light-dark() pairs through color-scheme),
// or the person's choice from Settings → Appearance, set as <html data-theme>. The choice is
// also kept in the webview's localStorage, so the next start paints in it from the first frame,
// before the settings have been read.

const STORED = 'citewise.theme';

/** @typedef {import('../ipc/ipc.js').Theme} Theme */

/** @param {unknown} theme @returns {theme is "light" | "dark"} */
const fixed = (theme) => theme === 'light' || theme === 'dark';

/**
 * Shows the window in `theme` and remembers it for the next start.
 * @param {Theme | undefined} theme
 */
export function applyTheme(theme) {
  const root = document.documentElement;
  if (fixed(theme)) root.dataset.theme = theme;
  else delete root.dataset.theme;
  try {
    if (fixed(theme)) localStorage.setItem(STORED, theme);
    else localStorage.removeItem(STORED);
  } catch {
    // Storage refused (a private profile): the settings still apply it once read.
  }
}

/** The theme remembered from the last run, applied before anything is drawn. */
export function applyStoredTheme() {
  try {
    const theme = localStorage.getItem(STORED);
    if (fixed(theme)) document.documentElement.dataset.theme = theme;
  } catch {
    // nothing remembered
  }
}
