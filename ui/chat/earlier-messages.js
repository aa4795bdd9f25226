// "Show earlier messages": the row above a long conversation's drawn exchanges while older ones
// are not drawn yet. They are drawn a batch at a time when the view scrolls within
// EARLIER_MARGIN of the row (keeping what is on screen where it is: WebKit has no scroll
// anchoring), or when its button is pressed (the batch appears under the button, which keeps
// focus). What an exchange is and how it is drawn stays with the conversation (conversation-view.js).

/** Exchanges drawn when a conversation opens; older ones follow this many at a time. */
export const WINDOW = 20;
/** How far above the view (px) older exchanges start being drawn, so scrolling up rarely waits. */
const EARLIER_MARGIN = 1200;

/**
 * @typedef {object} EarlierSource
 * @property {() => number} messagesLeft  messages in the exchanges not drawn yet (0: none left)
 * @property {(count: number, after: HTMLElement) => boolean} drawBatch  draw the newest `count`
 *   of the exchanges not drawn yet right after `after`; false when nothing could be drawn
 */

/**
 * @param {{scroller: HTMLElement, list: HTMLElement}} els
 * @param {EarlierSource} source
 */
export function createEarlier({ scroller, list }, { messagesLeft, drawBatch }) {
  const row = document.createElement('div');
  row.className = 'earlier';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'earlier-button';
  button.dataset.testid = 'earlier-messages';
  row.append(button);
  button.addEventListener('click', () => show(WINDOW, true));
  let queued = false;
  let heldUntil = 0;

  const nearTop = () => row.isConnected
    && row.getBoundingClientRect().bottom > scroller.getBoundingClientRect().top - EARLIER_MARGIN;

  const observer = new IntersectionObserver(
    (entries) => {
      // Not while the button has focus: a keyboard user reaching it is about to press it.
      const held = performance.now() < heldUntil || document.activeElement === button;
      if (entries.some((entry) => entry.isIntersecting) && !held) show(WINDOW);
    },
    { root: scroller, rootMargin: `${EARLIER_MARGIN}px 0px 0px 0px` },
  );
  observer.observe(row);

  /** The row at the top of the list with the count left, or gone when nothing is left. */
  const place = () => {
    const messages = messagesLeft();
    if (!messages) {
      row.remove();
      return;
    }
    button.textContent = `Show earlier messages (${messages})`;
    if (list.firstChild !== row) list.prepend(row);
  };

  /**
   * Draw the newest `count` of the exchanges not drawn yet above the others, keeping what is on
   * screen where it is. While the top stays near the view (short messages), the next batch
   * follows a frame later, until it is filled or nothing is left.
   * @param {number} count
   * @param {boolean} [fromButton]  pressed: the new exchanges appear under the button, which stays
   *   where it is (with keyboard focus, or on the first new exchange when none are left)
   */
  const show = (count, fromButton = false) => {
    const height = scroller.scrollHeight;
    const top = scroller.scrollTop;
    if (!drawBatch(count, row)) return;
    if (!fromButton) scroller.scrollTop = top + (scroller.scrollHeight - height);
    place();
    if (fromButton && !row.isConnected) {
      const first = /** @type {HTMLElement | null} */ (list.querySelector('button'));
      first?.focus();
    }
    if (row.isConnected && !queued && !fromButton) {
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        if (nearTop() && performance.now() >= heldUntil) show(WINDOW);
      });
    }
  };

  /** No drawing by scrolling for `ms` (a smooth scroll is under way); then look again. */
  const hold = (/** @type {number} */ ms) => {
    heldUntil = performance.now() + ms;
    setTimeout(() => {
      if (nearTop()) show(WINDOW);
    }, ms + 20);
  };

  return { show, place, hold };
}
