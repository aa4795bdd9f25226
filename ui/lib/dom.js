// Building DOM in code: an element with a class and text. Text goes through textContent, never
// innerHTML, so model and web text always stays text. And finding one the page must have.

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The element `selector` finds; throws when the page lacks it (a broken index.html, not a state).
 * @template {HTMLElement} T
 * @param {string} selector
 * @returns {T}
 */
export function $(selector) {
  const node = document.querySelector(selector);
  if (!node) throw new Error(`Citewise: missing element ${selector}`);
  return /** @type {T} */ (node);
}
