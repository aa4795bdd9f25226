// Modal dialogs give focus back to what opened them. Opening remembers the opener (or whatever
// had focus); closing focuses it again if it can still take focus, else a fallback. A close event
// comes a task after close(), so when the dialog was opened again meanwhile, that event is stale
// and leaves the new opener alone.

/**
 * @param {HTMLDialogElement} dialog
 * @param {object} [options]
 * @param {(target: HTMLElement) => boolean} [options.reachable]  can the opener take focus back
 * @param {() => HTMLElement | null | undefined} [options.fallback]  where focus goes otherwise
 * @returns {{showModal: (opener?: HTMLElement | null, otherwise?: HTMLElement | null) => void, forget: () => void}}
 */
export function returnFocusOnClose(dialog, options = {}) {
  const { reachable = (target) => target.isConnected, fallback = () => null } = options;
  /** @type {HTMLElement | null} */
  let returnTo = null;
  let opens = 0;
  let closes = 0;
  dialog.addEventListener('close', () => {
    closes += 1;
    if (closes < opens || dialog.open) return;
    const target = returnTo;
    returnTo = null;
    if (target && reachable(target)) target.focus();
    else fallback()?.focus();
  });
  return {
    /**
     * Show the dialog modally; focus goes back to `opener`, else to what has focus now, else to
     * `otherwise`.
     */
    showModal(opener = null, otherwise = null) {
      const active = document.activeElement;
      returnTo = opener ?? (active instanceof HTMLElement && active !== document.body ? active : otherwise);
      opens += 1;
      dialog.showModal();
    },
    /** Focus stays where the dialog's action put it (e.g. a conversation it opened). */
    forget() {
      returnTo = null;
    },
  };
}
