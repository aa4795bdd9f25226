// Keeps Tab inside an open dialog: showModal makes the page inert, but Tab could still leave the
// document (to the browser chrome), and focus would be lost.

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * @param {HTMLElement} dialog
 */
export function trapTab(dialog) {
  dialog.addEventListener('keydown', (event) => {
    // WebKitGTK reports Shift+Tab as key "Unidentified" (GDK's ISO_Left_Tab); the code is Tab.
    if (event.key !== 'Tab' && event.code !== 'Tab') return;
    const items = /** @type {HTMLElement[]} */ ([...dialog.querySelectorAll(FOCUSABLE)]).filter(
      (node) => !(/** @type {any} */ (node).disabled) && node.getClientRects().length > 0,
    );
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
}
