// Links in this window never navigate it: http(s) links open in the system browser through the
// backend, every other link is inert. Model text decides which URLs we see, so this guard is
// installed once on the whole document rather than trusted to each renderer.

import { openUrl } from '../ipc/ipc.js';

/**
 * True only for absolute http: or https: URLs.
 * @param {unknown} url
 * @returns {url is string}
 */
export function isWebUrl(url) {
  if (typeof url !== 'string' || url.trim() === '') return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Host name without a leading "www.", or "" for unparseable URLs.
 * @param {string} url
 */
export function hostOf(url) {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/**
 * Intercept every click (and middle click) on a link inside `root`.
 * @param {Document | HTMLElement} root
 */
export function bindExternalLinks(root) {
  const onClick = (/** @type {MouseEvent} */ event) => {
    const target = /** @type {Element | null} */ (event.target instanceof Element ? event.target : null);
    const link = target?.closest('a');
    if (!link) return;
    event.preventDefault();
    if (event.type === 'auxclick' && event.button !== 1) return;
    const href = link.getAttribute('href');
    if (isWebUrl(href)) openUrl(href);
  };
  root.addEventListener('click', /** @type {EventListener} */ (onClick));
  root.addEventListener('auxclick', /** @type {EventListener} */ (onClick));
  // Dropping a dragged link onto the page would navigate the webview.
  root.addEventListener('dragover', (event) => event.preventDefault());
  root.addEventListener('drop', (event) => event.preventDefault());
}
